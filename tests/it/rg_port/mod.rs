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
mod feature;
mod json;
mod misc;
mod multiline;
mod regression;

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

    /// The directory, searched with ba's smart case instead of `-l`.
    pub fn smart_case(mut self) -> Dir {
        self.smart_case = true;
        self
    }

    /// The directory with an empty directory made in it (its parents too).
    pub fn with_dir(self, rel: &str) -> Dir {
        std::fs::create_dir_all(self.path().join(rel)).expect("create a directory");
        self
    }

    /// The directory made a git repository, as ripgrep's tests make one: an empty `.git` directory.
    pub fn git(self) -> Dir {
        self.with_dir(".git")
    }

    /// The directory with a symbolic link `link` to `target` (both relative to the directory) made in it.
    pub fn with_link(self, target: &str, link: &str) -> Dir {
        std::os::unix::fs::symlink(self.path().join(target), self.path().join(link))
            .expect("make a symbolic link");
        self
    }

    /// The directory with the files `rel` last read in this order, a minute apart: set, not waited for.
    pub fn accessed_in_order(self, rels: &[&str]) -> Dir {
        let start = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for (minutes, rel) in rels.iter().enumerate() {
            let file = std::fs::File::options().write(true).open(self.path().join(rel)).expect("open a file");
            let accessed = start + std::time::Duration::from_secs(60 * minutes as u64);
            file.set_times(std::fs::FileTimes::new().set_accessed(accessed)).expect("set a file's times");
        }
        self
    }

    /// A directory holding one file, `sherlock`, with [`SHERLOCK`] in it.
    pub fn sherlock() -> Dir {
        Dir::new().with("sherlock", SHERLOCK)
    }

    /// The directory with a file written into it (its parent directories made).
    pub fn with(self, rel: &str, contents: impl AsRef<[u8]>) -> Dir {
        util::write(self.path(), rel, contents);
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `ba -p -l ARGS` run in `cwd` below the directory (or in it, when empty), standard input empty.
    pub fn ba_in(&self, cwd: &str, args: &[&str]) -> Output {
        self.command(cwd, args).run()
    }

    /// The command [`Dir::ba_in`] runs, for a case that adds to it (an environment variable).
    pub fn command(&self, cwd: &str, args: &[&str]) -> std::process::Command {
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

    /// [`Dir::expect`] run in the directory `cwd` below this one.
    pub fn expect_in(&self, cwd: &str, args: &[&str], stdout: &str, code: i32) {
        check(&self.ba_in(cwd, args), args, stdout, code);
    }

    /// [`Dir::expect`] with `input` on standard input.
    pub fn expect_stdin(&self, args: &[&str], input: impl AsRef<[u8]>, stdout: &str, code: i32) {
        check(&self.ba_stdin(args, input), args, stdout, code);
    }

    /// Runs `ba -p -l ARGS` and checks only its exit code.
    pub fn expect_code(&self, args: &[&str], code: i32) -> Output {
        let out = self.ba(args);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(code), "ba {args:?}: stdout: {stdout}stderr: {stderr}");
        out
    }

    /// Runs `ba -p -l ARGS` in `cwd` below the directory and checks that it fails (exits 1 or 2), as
    /// ripgrep's `assert_err`.
    pub fn expect_err_in(&self, cwd: &str, args: &[&str]) {
        let out = self.ba_in(cwd, args);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "ba {args:?}: {:?}: stdout: {stdout}stderr: {stderr}",
            out.status
        );
    }

    pub fn expect_err(&self, args: &[&str]) {
        self.expect_err_in("", args);
    }
}

/// Each line of `text` as ba prints a hit on it: `path:N:line`.
pub fn numbered(path: &str, text: &str) -> String {
    text.lines().enumerate().map(|(i, line)| format!("{path}:{}:{line}\n", i + 1)).collect()
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

/// `TALLY.md` counts what the code holds: for each ripgrep file, the cases ported, passing, ignored
/// as gaps and as deliberate differences.
#[test]
fn tally_counts_the_cases_of_each_file() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/rg_port");
    let tally = std::fs::read_to_string(here.join("TALLY.md")).unwrap();
    for file in ["regression", "feature", "misc", "binary", "multiline", "json"] {
        let code = std::fs::read_to_string(here.join(format!("{file}.rs"))).unwrap();
        let count = |prefix: &str| code.lines().filter(|line| line.starts_with(prefix)).count();
        let (ported, gaps) = (count("#[test]"), count("#[ignore = \"gap:"));
        let deliberate = count("#[ignore = \"deliberate:");
        assert_eq!(
            count("#[ignore"),
            gaps + deliberate,
            "{file}.rs: an ignored case says neither gap nor deliberate"
        );
        let row_start = format!("| {file}.rs |");
        let row = tally.lines().find(|line| line.starts_with(&row_start)).expect("a row per file");
        let numbers: Vec<usize> = row.split('|').filter_map(|cell| cell.trim().parse().ok()).collect();
        let passing = ported - gaps - deliberate;
        assert_eq!(numbers[1..5], [ported, passing, gaps, deliberate], "{file}.rs: {row}");
    }
}
