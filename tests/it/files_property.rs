//! `ba --files` lists what `rg --files` lists, on random trees of nested `.gitignore` and `.ignore`
//! files (negations, directory-only and anchored lines, `*`, `?` and `**`, hidden names) inside a
//! git repository. `.rgignore` is left out: ba does not read it (see the README).

use std::path::Path;
use std::process::Command;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::util::*;

/// Directory names, and file names: few, so that rules often hit something.
const DIRS: &[&str] = &["d", "e", ".h"];
const FILES: &[&str] = &["a.txt", "b.log", "c.rs", "d", ".hid"];
/// What a rule line says, before its `!`, its anchoring `/` and its directory-only `/`.
const BODIES: &[&str] = &[
    "a.txt",
    "b.log",
    "c.rs",
    "d",
    "e",
    ".h",
    ".hid",
    "*.txt",
    "*.log",
    "*",
    "a*",
    "?.rs",
    "**/c.rs",
    "d/**",
    "**/e",
    "d/*.rs",
    "e/**/a.txt",
    "d/e",
];
const IGNORE_FILES: &[&str] = &[".gitignore", ".ignore"];
/// Switches both tools share.
const SWITCHES: &[&[&str]] =
    &[&[], &["--hidden"], &["--no-ignore-vcs"], &["--no-ignore-dot"], &["--no-ignore"]];

#[derive(Debug, Clone)]
struct Tree {
    files: Vec<String>,
    /// Each ignore file's path and lines.
    rules: Vec<(String, Vec<String>)>,
    switches: &'static [&'static str],
}

/// A directory below the root, `depth` levels at most.
fn dir(depth: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(DIRS), 0..=depth).prop_map(|parts| parts.join("/"))
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn rule() -> impl Strategy<Value = String> {
    (any::<bool>(), any::<bool>(), prop::sample::select(BODIES), any::<bool>()).prop_map(
        |(negated, anchored, body, dir_only)| {
            format!(
                "{}{}{body}{}",
                if negated { "!" } else { "" },
                if anchored { "/" } else { "" },
                if dir_only { "/" } else { "" }
            )
        },
    )
}

fn tree() -> impl Strategy<Value = Tree> {
    let files = prop::collection::vec((dir(3), prop::sample::select(FILES)), 1..16)
        .prop_map(|files| files.iter().map(|(dir, name)| join(dir, name)).collect());
    let rules = prop::collection::vec(
        // Shallow, where they have files below them to judge, and often at odds with each other.
        (dir(1), prop::sample::select(IGNORE_FILES), prop::collection::vec(rule(), 1..6)),
        0..7,
    )
    .prop_map(|files| files.into_iter().map(|(dir, name, lines)| (join(&dir, name), lines)).collect());
    (files, rules, prop::sample::select(SWITCHES)).prop_map(|(files, rules, switches)| Tree {
        files,
        rules,
        switches,
    })
}

/// Makes `tree` in `repo`, a git repository.
fn make(repo: &Path, tree: &Tree) {
    let initialized = Command::new("git").args(["init", "-q"]).current_dir(repo).status();
    if !initialized.is_ok_and(|s| s.success()) {
        // What `git init` makes that both tools look for.
        std::fs::create_dir_all(repo.join(".git")).unwrap();
    }
    // Directories first: where a file's path is another's directory, the directory is made.
    for path in tree.files.iter().chain(tree.rules.iter().map(|(path, _)| path)) {
        std::fs::create_dir_all(repo.join(path).parent().unwrap()).unwrap();
    }
    for (path, lines) in &tree.rules {
        let path = repo.join(path);
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        text.extend(lines.iter().map(|line| format!("{line}\n")));
        std::fs::write(&path, text).unwrap();
    }
    for path in &tree.files {
        if !repo.join(path).exists() {
            write(repo, path, "x\n");
        }
    }
}

fn sorted_lines(bytes: &[u8]) -> Vec<String> {
    let mut lines: Vec<String> = String::from_utf8_lossy(bytes).lines().map(String::from).collect();
    lines.sort();
    lines
}

#[test]
fn files_lists_what_rg_files_lists_on_random_trees() {
    let rg = rg_program();
    if !have(&rg) {
        // No other oracle knows every rule: the unit tests of listing.rs pin them one by one.
        eprintln!("note: rg is not installed: the comparison of --files with ripgrep is skipped");
        return;
    }
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(32);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let outcome = runner.run(&tree(), |tree| {
        let dir = tempdir();
        let repo = dir.path().join("repo");
        std::fs::create_dir(&repo).unwrap();
        make(&repo, &tree);
        let by_ba = ba(&repo).arg("--files").args(tree.switches).run();
        prop_assert_eq!(stderr_of(&by_ba), "");
        let mut rg_cmd = isolated(Command::new(&rg), &repo);
        // ba always skips `.git`; ripgrep lists it when hidden names are wanted (`--hidden`, `!*`).
        rg_cmd.env_remove("RIPGREP_CONFIG_PATH").args(["--files", "--glob", "!.git"]).args(tree.switches);
        let by_rg = rg_cmd.run();
        prop_assert_eq!(
            by_ba.status.code(),
            by_rg.status.code(),
            "rg: {}",
            String::from_utf8_lossy(&by_rg.stderr)
        );
        prop_assert_eq!(sorted_lines(&by_ba.stdout), sorted_lines(&by_rg.stdout));
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("{err}");
    }
}
