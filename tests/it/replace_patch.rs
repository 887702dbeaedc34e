//! `--dry-run`'s diff is a patch: applied with `patch -p0` and with `git apply -p0` in the search
//! root, it gives exactly the files the real `-r` run writes. Random small trees: byte-order marks,
//! LF and CRLF lines, a last line with or without its newline, names with spaces, tabs, quotes and
//! bytes that are not UTF-8; replacements that change lines, empty them, or add lines.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::util::*;

/// The names a file may have, below the search root.
const NAMES: &[&[u8]] = &[
    b"a.txt",
    b"a b.txt",
    b"sub/c.txt",
    b"sub dir/d  e.txt",
    b"l\xe9.txt",
    b"sub/\xff\xfe name",
    b"t\tab.txt",
    b"trailing ",
    b"q\"t.txt",
    b"\"lead",
    b"back\\s.txt",
    b"nl\nx.txt",
];

/// The lines a file is made of, without their line ends.
const LINES: &[&[u8]] = &[
    b"foo",
    b"foo1 foo22",
    b"x foo y",
    b"plain",
    b"",
    b"  foo  ",
    b"foofoo",
    b"caf\xe9 foo \xff",
    b"\t",
    b"end ",
];

/// (pattern, replacement): some change a line, some empty it, some add lines.
const CHANGES: &[(&str, &str)] = &[
    ("foo", "bar"),
    ("foo", r"a\nb"),
    (r"foo\d*", ""),
    (r"^.*foo.*$", ""),
    ("foo", r"\n"),
    (r"^foo$", r"x\n"),
    (r"\s+$", ""),
    ("$", ";"),
    (r"\W", "_"),
    ("^", "> "),
    ("o", ""),
];

#[derive(Debug, Clone)]
struct File {
    name: &'static [u8],
    bom: bool,
    /// Each line and whether it ends with CRLF (else LF).
    lines: Vec<(&'static [u8], bool)>,
    final_newline: bool,
}

impl File {
    fn content(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        for (i, &(line, crlf)) in self.lines.iter().enumerate() {
            out.extend_from_slice(line);
            if i + 1 < self.lines.len() || self.final_newline {
                out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
        }
        out
    }
}

fn file(name: &'static [u8]) -> impl Strategy<Value = File> {
    let line = (proptest::sample::select(LINES), any::<bool>());
    (any::<bool>(), proptest::collection::vec(line, 1..12), any::<bool>())
        .prop_map(move |(bom, lines, final_newline)| File { name, bom, lines, final_newline })
}

fn tree() -> impl Strategy<Value = Vec<File>> {
    proptest::sample::subsequence(NAMES, 1..5)
        .prop_flat_map(|names| names.into_iter().map(file).collect::<Vec<_>>())
}

/// Every file below `root`, by its path relative to `root`, with its content.
fn contents(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_below(root)
        .into_iter()
        .map(|path| (path.strip_prefix(root).unwrap().to_path_buf(), fs::read(&path).unwrap()))
        .collect()
}

fn build(root: &Path, files: &[File]) {
    for file in files {
        let path = root.join(OsStr::from_bytes(file.name));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, file.content()).unwrap();
    }
}

/// Runs `program ARGS` in `dir` with `patch` on its standard input; its output if it failed.
fn apply(dir: &Path, program: &str, args: &[&str], patch: &Path) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(fs::File::open(patch).unwrap())
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_CONFIG_GLOBAL")
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if out.status.success() {
        Ok(said)
    } else {
        Err(format!("{program} {args:?} failed:\n{said}"))
    }
}

fn check(files: &[File], pattern: &str, template: &str) -> Result<(), String> {
    let work = tempdir();
    let w = work.path();
    let (orig, real) = (w.join("orig"), w.join("real"));
    build(&orig, files);
    build(&real, files);
    let before = contents(&orig);

    let dry = run(&orig, &[pattern, "-r", template, "--dry-run"]);
    let code = dry.status.code();
    if !matches!(code, Some(0 | 1)) || !dry.stderr.is_empty() {
        return Err(format!("--dry-run exited {code:?}: {}", stderr_of(&dry)));
    }
    if contents(&orig) != before {
        return Err("--dry-run wrote something".into());
    }
    let done = run(&real, &[pattern, "-r", template, "--no-undo"]);
    if done.status.code() != code {
        return Err(format!("-r exited {:?}, --dry-run {code:?}: {}", done.status.code(), stderr_of(&done)));
    }
    let expected = contents(&real);
    if dry.stdout.is_empty() {
        return match expected == before {
            true => Ok(()),
            false => Err("-r changed files that --dry-run shows no diff for".into()),
        };
    }
    let patch = w.join("change.patch");
    fs::write(&patch, &dry.stdout).unwrap();
    let diff = String::from_utf8_lossy(&dry.stdout);

    let mut tools: Vec<(&str, &[&str])> = Vec::new();
    if have("patch") {
        tools.push(("patch", &["-p0", "--batch", "--forward", "--no-backup-if-mismatch"]));
    }
    if have("git") {
        tools.push(("git", &["apply", "-p0", "--whitespace=nowarn"]));
    }
    for (program, args) in tools {
        let copy = w.join(program);
        build(&copy, files);
        let said = apply(&copy, program, args, &patch).map_err(|err| format!("{err}\n{diff}"))?;
        // Every hunk where its header says: no line found by a search around it.
        if said.contains("offset") || said.contains("fuzz") {
            return Err(format!("{program}: {said}\n{diff}"));
        }
        let got = contents(&copy);
        if got != expected {
            let differ: Vec<_> =
                expected.keys().filter(|name| got.get(*name) != expected.get(*name)).collect();
            return Err(format!(
                "{program} gives other files than -r: {differ:?}\n{diff}\ngot {:?}\nexpected {:?}",
                differ
                    .iter()
                    .map(|name| got.get(*name).map(|c| String::from_utf8_lossy(c).into_owned()))
                    .collect::<Vec<_>>(),
                differ
                    .iter()
                    .map(|name| String::from_utf8_lossy(&expected[*name]).into_owned())
                    .collect::<Vec<_>>(),
            ));
        }
    }
    Ok(())
}

/// PROPTEST_CASES cases, else `cases`; no regression files written (a failure prints its input).
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    Config { cases, failure_persistence: None, ..Config::default() }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn dry_run_diff_applies_to_give_what_the_real_run_writes(
        files in tree(),
        (pattern, template) in proptest::sample::select(CHANGES),
    ) {
        check(&files, pattern, template).map_err(TestCaseError::fail)?;
    }
}

/// The cases a patch tool is strictest about, each checked whole.
#[test]
fn dry_run_diff_applies_for_byte_order_marks_crlf_and_odd_names() {
    let bom_only = File { name: b"a b.txt", bom: true, lines: vec![(b"foo", false)], final_newline: false };
    let crlf_end = File {
        name: b"l\xe9.txt",
        bom: false,
        lines: vec![(b"foo", true), (b"plain", true), (b"x foo y", true)],
        final_newline: false,
    };
    let bom_lines = File {
        name: b"sub dir/t\tab.txt",
        bom: true,
        lines: (0..20).map(|i| (LINES[i % 4], i % 3 == 0)).collect(),
        final_newline: true,
    };
    let files = [bom_only, crlf_end, bom_lines];
    for &(pattern, template) in CHANGES {
        if let Err(err) = check(&files, pattern, template) {
            panic!("{pattern:?} -r {template:?}: {err}");
        }
    }
}

/// The header of a name with a space ends with a tab, which `patch` needs to find the whole name;
/// a name with a control character is quoted as GNU diff quotes it.
#[test]
fn dry_run_headers_name_files_as_patch_reads_them() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "a b.txt", "foo\n");
    write(d, "t\tb", "foo\n");
    let text = String::from_utf8(run_ok(d, &["foo", "-r", "bar", "--dry-run"])).unwrap();
    assert!(text.contains("--- a b.txt\t\n+++ a b.txt\t\n@@ -1,1 +1,1 @@\n"), "{text}");
    assert!(text.contains("\n--- \"t\\tb\"\n+++ \"t\\tb\"\n"), "{text}");
}
