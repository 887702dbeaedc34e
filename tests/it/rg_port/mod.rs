//! ripgrep's integration tests (its `tests/` directory), ported case by case as ba's own suite: one
//! module per ripgrep file, each test named after ripgrep's. A case says what ripgrep's says, in ba's
//! words: rg's `-i` is `--ignore-case` here, `-w` is `--word-regexp`, `-o` is `-m`, and so on (the
//! README's table). The output expected is ripgrep's, written in ba's pipe format where ba prints the
//! same thing its own way: the path and line number on every hit (`path:LINE:text`), and the notes
//! ripgrep prints among the hits (a binary file that matched) on stderr, as `ba: PATH: note`.
//!
//! ripgrep matches case-sensitively unless told otherwise, so every case runs with `-l` (strict
//! case) but those about smart case, which ba has on by default ([`Dir::smart_case`]).
//!
//! A case ba fails today is kept, `#[ignore]`d with the reason: `gap:` for what ba should do and does
//! not yet, `deliberate:` for where ba differs on purpose. `TALLY.md` counts them per file.

use std::path::Path;
use std::process::Output;

use tempfile::TempDir;

use crate::util::{self, RunExt};

mod binary;
mod json;
mod multiline;

/// ripgrep's `tests/hay.rs`: the haystack most cases search.
pub const SHERLOCK: &str = "\
For the Doctor Watsons of this world, as opposed to the Sherlock
Holmeses, success in the province of detective work must always
be, to a very large extent, the result of luck. Sherlock Holmes
can extract a clew from a wisp of straw or a flake of cigar ash;
but Doctor Watson has to have it taken out for him and dusted,
and exhibited clearly, with a label attached.
";

/// [`SHERLOCK`] with CRLF line ends.
pub const SHERLOCK_CRLF: &str = "\
For the Doctor Watsons of this world, as opposed to the Sherlock\r
Holmeses, success in the province of detective work must always\r
be, to a very large extent, the result of luck. Sherlock Holmes\r
can extract a clew from a wisp of straw or a flake of cigar ash;\r
but Doctor Watson has to have it taken out for him and dusted,\r
and exhibited clearly, with a label attached.\r
";

/// A fixture of ripgrep's `tests/data`.
pub fn data(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/rg_port/data").join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// A temporary directory to search, outside any git repository, as ripgrep's `Dir`.
pub struct Dir {
    dir: TempDir,
    /// Whether ba runs with its smart case, rather than `-l` (ripgrep's default, strict case).
    smart_case: bool,
}

impl Dir {
    pub fn new() -> Dir {
        Dir { dir: util::tempdir(), smart_case: false }
    }

    /// A directory holding one file, `sherlock`, with [`SHERLOCK`] in it.
    pub fn sherlock() -> Dir {
        Dir::new().with("sherlock", SHERLOCK)
    }

    /// The directory with a file written into it (its parent directories made).
    pub fn with(self, rel: &str, contents: impl AsRef<[u8]>) -> Dir {
        self.create(rel, contents);
        self
    }

    pub fn create(&self, rel: &str, contents: impl AsRef<[u8]>) {
        util::write(self.path(), rel, contents);
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `ba -p -l ARGS` run in `cwd` below the directory (or in it, when empty), standard input empty.
    pub fn ba_in(&self, cwd: &str, args: &[&str]) -> Output {
        self.command(cwd, args).run()
    }

    fn command(&self, cwd: &str, args: &[&str]) -> std::process::Command {
        let mut cmd = util::ba(&self.path().join(cwd));
        cmd.arg("-p");
        if !self.smart_case {
            cmd.arg("-l");
        }
        cmd.args(args);
        cmd
    }

    pub fn ba(&self, args: &[&str]) -> Output {
        self.ba_in("", args)
    }

    /// `ba -p -l ARGS` with `input` on its standard input, a pipe.
    pub fn ba_stdin(&self, args: &[&str], input: impl AsRef<[u8]>) -> Output {
        self.command("", args).run_stdin(input.as_ref())
    }

    /// Runs `ba -p -l ARGS` and checks its stdout and exit code.
    pub fn expect(&self, args: &[&str], stdout: &str, code: i32) {
        check(&self.ba(args), args, stdout, code);
    }

    /// [`Dir::expect`] with `input` on standard input.
    pub fn expect_stdin(&self, args: &[&str], input: impl AsRef<[u8]>, stdout: &str, code: i32) {
        check(&self.ba_stdin(args, input), args, stdout, code);
    }
}

/// Checks that `out`, what `ba ARGS` did, has `stdout` and `code`.
pub fn check(out: &Output, args: &[&str], stdout: &str, code: i32) {
    assert_output_eq!(out.stdout, stdout.as_bytes(), "ba {args:?}, stderr: {}", text(&out.stderr));
    assert_eq!(out.status.code(), Some(code), "ba {args:?}: exit code; stderr: {}", text(&out.stderr));
}

/// Checks that `out` said `needle` on stderr.
pub fn assert_stderr_has(out: &Output, needle: &str) {
    let stderr = text(&out.stderr);
    assert!(stderr.contains(needle), "stderr lacks {needle:?}: {stderr}");
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The JSON Lines of `--json`, parsed.
pub fn data_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    let text = std::str::from_utf8(stdout).expect("--json prints UTF-8");
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect()
}
