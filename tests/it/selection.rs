//! File selection as ripgrep users script it: `--ignore-file`, `--no-ignore-vcs`, `--no-ignore-dot`,
//! `--no-ignore-parent`, `--iglob` and `--glob-case-insensitive`. Each is checked against a fixed
//! expectation and, where ripgrep is installed, against what `rg --files` lists with the same
//! switches.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::util::*;

/// What `ba --files ARGS` lists in `cwd` with `home` as HOME (where git's global excludes file is
/// found), with its stderr and exit code.
fn ba_files(cwd: &Path, home: &Path, args: &[&str]) -> (Vec<String>, String, i32) {
    let out = ba(cwd).env("HOME", home).arg("--files").args(args).run();
    let listed = stdout_of(&out).lines().map(String::from).collect();
    (listed, stderr_of(&out), out.status.code().unwrap_or(-1))
}

/// What `rg --files ARGS` lists in `cwd`, sorted; `None`, with a note, where ripgrep is not installed.
fn rg_files(cwd: &Path, home: &Path, args: &[&str]) -> Option<Vec<String>> {
    let mut rg = isolated(Command::new(rg_program()), cwd);
    rg.env("HOME", home).env_remove("RIPGREP_CONFIG_PATH").arg("--files").args(args);
    let Ok(child) = rg.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() else {
        eprintln!("note: rg is not installed: the comparison with ripgrep is skipped");
        return None;
    };
    let out = output_within(child, Duration::from_secs(30));
    assert!(matches!(out.status.code(), Some(0 | 1)), "rg {args:?}: {}", stderr_of(&out));
    let mut listed: Vec<String> = stdout_of(&out).lines().map(String::from).collect();
    listed.sort();
    Some(listed)
}

/// Checks that `ba --files ARGS` lists `expected` (in walk order, nothing on stderr) and that
/// `rg --files ARGS` lists the same files.
fn assert_lists(cwd: &Path, home: &Path, args: &[&str], expected: &[&str]) {
    let (listed, stderr, code) = ba_files(cwd, home, args);
    assert_eq!(stderr, "", "ba --files {args:?}");
    assert_eq!(listed, expected, "ba --files {args:?} in {}", cwd.display());
    assert_eq!(code, if expected.is_empty() { 1 } else { 0 }, "ba --files {args:?}");
    if let Some(mut by_rg) = rg_files(cwd, home, args) {
        let mut sorted = listed;
        sorted.sort();
        by_rg.sort();
        assert_eq!(sorted, by_rg, "ba and rg --files {args:?} in {}", cwd.display());
    }
}

/// A git repository with every kind of ignore rule, and a HOME whose git global excludes file
/// ignores `*.bak`. Returns the repository and the HOME.
fn ignore_repo(root: &Path) -> (PathBuf, PathBuf) {
    let repo = root.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let home = root.join("home");
    let initialized = Command::new("git").args(["init", "-q"]).current_dir(&repo).env("HOME", &home).status();
    if !initialized.is_ok_and(|s| s.success()) {
        // What `git init` makes that matters here.
        std::fs::create_dir_all(repo.join(".git/info")).unwrap();
    }
    write(&home, ".config/git/ignore", "*.bak\n");
    write(&repo, ".gitignore", "*.log\n/build/\n!keep.log\n");
    write(&repo, ".ignore", "*.tmp\n");
    write(&repo, ".git/info/exclude", "secret.txt\n");
    write(&repo, "src/.gitignore", "e2.rs\n");
    write(&repo, "extra.ignore", "a.txt\n/src/e.rs\n!b.log\n");
    for file in [
        "a.txt",
        "b.log",
        "keep.log",
        "c.tmp",
        "d.bak",
        "secret.txt",
        "build/out.txt",
        "src/e.rs",
        "src/e2.rs",
        "src/f.log",
        "src/g.tmp",
        "src/h.bak",
        "src/secret.txt",
    ] {
        write(&repo, file, "hit\n");
    }
    (repo, home)
}

#[test]
fn every_ignore_file_applies_by_default() {
    let dir = tempdir();
    let (repo, home) = ignore_repo(dir.path());
    assert_lists(&repo, &home, &[], &["a.txt", "extra.ignore", "keep.log", "src/e.rs"]);
    assert_lists(&repo.join("src"), &home, &[], &["e.rs"]);
}

#[test]
fn no_ignore_vcs_drops_git_rules_and_keeps_dot_ignore() {
    let dir = tempdir();
    let (repo, home) = ignore_repo(dir.path());
    assert_lists(
        &repo,
        &home,
        &["--no-ignore-vcs"],
        &[
            "a.txt",
            "b.log",
            "build/out.txt",
            "d.bak",
            "extra.ignore",
            "keep.log",
            "secret.txt",
            "src/e.rs",
            "src/e2.rs",
            "src/f.log",
            "src/h.bak",
            "src/secret.txt",
        ],
    );
    // The parent's .ignore still applies; its .gitignore, exclude file and the global file do not.
    assert_lists(
        &repo.join("src"),
        &home,
        &["--no-ignore-vcs"],
        &["e.rs", "e2.rs", "f.log", "h.bak", "secret.txt"],
    );
}

#[test]
fn no_ignore_dot_drops_dot_ignore_files() {
    let dir = tempdir();
    let (repo, home) = ignore_repo(dir.path());
    assert_lists(
        &repo,
        &home,
        &["--no-ignore-dot"],
        &["a.txt", "c.tmp", "extra.ignore", "keep.log", "src/e.rs", "src/g.tmp"],
    );
    assert_lists(&repo.join("src"), &home, &["--no-ignore-dot"], &["e.rs", "g.tmp"]);
    // Both: no ignore file is left, as with -u.
    assert_eq!(
        ba_files(&repo, &home, &["--no-ignore-dot", "--no-ignore-vcs"]),
        ba_files(&repo, &home, &["-u"])
    );
}

#[test]
fn no_ignore_parent_drops_the_rules_above_the_root() {
    let dir = tempdir();
    let (repo, home) = ignore_repo(dir.path());
    let src = repo.join("src");
    // The repository's .gitignore, .ignore and exclude file are above the root; src's own
    // .gitignore and git's global excludes still apply, as src is inside the repository.
    assert_lists(&src, &home, &["--no-ignore-parent"], &["e.rs", "f.log", "g.tmp", "secret.txt"]);
    assert_lists(
        &src,
        &home,
        &["--no-ignore-parent", "--no-ignore-vcs"],
        &["e.rs", "e2.rs", "f.log", "g.tmp", "h.bak", "secret.txt"],
    );
    // The same root named from the repository's top.
    assert_lists(
        &repo,
        &home,
        &["--no-ignore-parent", "src"],
        &["src/e.rs", "src/f.log", "src/g.tmp", "src/secret.txt"],
    );
    // The ignore files inside a root are not its parents'.
    assert_lists(&repo, &home, &["--no-ignore-parent"], &["a.txt", "extra.ignore", "keep.log", "src/e.rs"]);
}

#[test]
fn ignore_file_rules_rank_below_the_ignore_files() {
    let dir = tempdir();
    let (repo, home) = ignore_repo(dir.path());
    // `a.txt` and the anchored `/src/e.rs` go; its `!b.log` does not bring back what .gitignore skips.
    assert_lists(&repo, &home, &["--ignore-file", "extra.ignore"], &["extra.ignore", "keep.log"]);
    // They still apply without the ignore files, where `!b.log` has nothing to override.
    assert_lists(
        &repo,
        &home,
        &["-u", "--ignore-file", "extra.ignore"],
        &[
            "b.log",
            "build/out.txt",
            "c.tmp",
            "d.bak",
            "extra.ignore",
            "keep.log",
            "secret.txt",
            "src/e2.rs",
            "src/f.log",
            "src/g.tmp",
            "src/h.bak",
            "src/secret.txt",
        ],
    );
    // Repeatable: a second file adds its rules (but keep.log stays, which .gitignore whitelists).
    write(&repo, "more.ignore", "*.ignore\nkeep.log\n");
    assert_lists(
        &repo,
        &home,
        &["--ignore-file", "extra.ignore", "--ignore-file", "more.ignore"],
        &["keep.log"],
    );
}

#[test]
fn ignore_file_rules_are_relative_to_the_current_directory() {
    let dir = tempdir();
    let (repo, home) = ignore_repo(dir.path());
    // `/src/e.rs` names src/e.rs from the repository's top, whatever the root...
    assert_lists(&repo, &home, &["--ignore-file", "extra.ignore", "src"], &[]);
    let absolute_src = repo.canonicalize().unwrap().join("src");
    assert_lists(&repo, &home, &["--ignore-file", "extra.ignore", absolute_src.to_str().unwrap()], &[]);
    // ...and nothing from inside src, where it would be src/src/e.rs.
    assert_lists(&repo.join("src"), &home, &["--ignore-file", "../extra.ignore"], &["e.rs"]);
}

#[test]
fn a_missing_ignore_file_is_an_error_and_the_search_goes_on() {
    let dir = tempdir();
    let (repo, home) = ignore_repo(dir.path());
    let (listed, stderr, code) =
        ba_files(&repo, &home, &["--ignore-file", "nope", "--ignore-file", "extra.ignore"]);
    assert_eq!(stderr, "ba: nope: No such file or directory\n");
    assert_eq!(listed, ["extra.ignore", "keep.log"]);
    assert_eq!(code, 2, "an error, even if something was listed (grep's rule)");
    // A search: 2, an error, with a match (grep's rule) or without.
    let out = ba(&repo).env("HOME", &home).args(["hit", "--ignore-file", "nope", "keep.log"]).run();
    assert_eq!(
        (stdout_of(&out).as_str(), stderr_of(&out).as_str()),
        ("keep.log:1:hit\n", "ba: nope: No such file or directory\n")
    );
    assert_eq!(out.status.code(), Some(2));
    let out = ba(&repo).env("HOME", &home).args(["miss", "--ignore-file", "nope"]).run();
    assert_eq!(out.status.code(), Some(2));
    let (_, stderr, _) = ba_files(&repo, &home, &["--ignore-file", "src"]);
    assert_eq!(stderr, "ba: src: Is a directory\n");
    // A bad line is a warning; the other lines apply.
    write(&repo, "bad.ignore", "a.txt\n[z-a\n");
    let (listed, stderr, code) = ba_files(&repo, &home, &["--ignore-file", "bad.ignore"]);
    assert!(stderr.starts_with("ba: bad.ignore: "), "{stderr}");
    assert_eq!(
        (listed, code),
        (vec!["bad.ignore".to_string(), "extra.ignore".into(), "keep.log".into(), "src/e.rs".into()], 0)
    );
}

/// Files whose names differ from the globs below in case only.
fn case_tree(root: &Path) {
    for file in ["A.RS", "b.rs", "c.Rs", "d.txt", "Sub/E.TXT", "sub/f.txt"] {
        write(root, file, "hit\n");
    }
}

#[test]
fn iglob_matches_without_case() {
    let dir = tempdir();
    case_tree(dir.path());
    let (root, home) = (dir.path(), &dir.path().join(".no-home"));
    assert_lists(root, home, &["-g", "*.rs"], &["b.rs"]);
    assert_lists(root, home, &["--iglob", "*.rs"], &["A.RS", "b.rs", "c.Rs"]);
    assert_lists(root, home, &["--iglob", "SUB/*.txt"], &["Sub/E.TXT", "sub/f.txt"]);
    // A later glob wins: the --iglob ones come after the -g ones.
    assert_lists(root, home, &["--iglob", "*.rs", "--iglob", "!C.*"], &["A.RS", "b.rs"]);
    assert_lists(root, home, &["--iglob", "!*.RS", "-g", "*.rs"], &[]);
    let out = run(root, &["--files", "--iglob", "a{"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("invalid --iglob \"a{\""), "{}", stderr_of(&out));
}

#[test]
fn glob_case_insensitive_applies_to_every_glob() {
    let dir = tempdir();
    case_tree(dir.path());
    let (root, home) = (dir.path(), &dir.path().join(".no-home"));
    assert_lists(root, home, &["--glob-case-insensitive", "-g", "*.RS"], &["A.RS", "b.rs", "c.Rs"]);
    assert_lists(root, home, &["--glob-case-insensitive", "-g", "!*.rs", "-g", "!SUB"], &["d.txt"]);
    // A search selects the same files.
    assert_output_eq!(
        stdout_ok(root, &["hit", "--glob-case-insensitive", "-g", "*.RS"], 0),
        "A.RS:1:hit\nb.rs:1:hit\nc.Rs:1:hit\n"
    );
}

/// A git worktree's `.git` is a file that points into the main repository, whose `info/exclude`
/// applies to every worktree (as git applies it); a submodule's points at its own directory.
#[test]
fn worktrees_and_submodules_read_the_exclude_file_git_reads() {
    let dir = tempdir();
    let root = dir.path();
    let home = root.join("home");
    // The layout `git worktree add` and `git submodule add` make, by hand.
    write(root, "main/.git/info/exclude", "secret.txt\n");
    write(root, "main/.git/worktrees/wt/commondir", "../..\n");
    write(root, "main/.git/modules/sub/info/exclude", "sub-secret.txt\n");
    let git_dir = root.join("main/.git/worktrees/wt");
    write(root, "wt/.git", format!("gitdir: {}\n", git_dir.display()));
    write(root, "main/sub/.git", "gitdir: ../.git/modules/sub\n");
    for file in
        ["wt/a.txt", "wt/secret.txt", "main/sub/b.txt", "main/sub/sub-secret.txt", "main/sub/secret.txt"]
    {
        write(root, file, "x\n");
    }
    assert_lists(&root.join("wt"), &home, &[], &["a.txt"]);
    // Not compared with ripgrep, which reads no exclude file for a submodule.
    let (listed, stderr, _) = ba_files(&root.join("main/sub"), &home, &[]);
    assert_eq!((listed, stderr), (vec!["b.txt".to_string(), "secret.txt".to_string()], String::new()));
    // Without git's rules, both come back.
    assert_lists(&root.join("wt"), &home, &["--no-ignore-vcs"], &["a.txt", "secret.txt"]);
}

/// The same with the worktree git itself makes, where git is installed.
#[test]
fn a_worktree_made_by_git_lists_what_git_lists() {
    let dir = tempdir();
    let (main, home) = (dir.path().join("main"), dir.path().join("home"));
    let git = |cwd: &Path, args: &[&str]| {
        let mut git = isolated(Command::new("git"), cwd);
        let args =
            ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"].iter().chain(args);
        git.env("HOME", &home).args(args).stdout(Stdio::piped()).output()
    };
    std::fs::create_dir_all(&main).unwrap();
    if !git(&main, &["init", "-q"]).is_ok_and(|out| out.status.success()) {
        eprintln!("note: git is not installed: skipped");
        return;
    }
    write(&main, "tracked.txt", "x\n");
    let made = git(&main, &["add", "tracked.txt"])
        .and_then(|_| git(&main, &["commit", "-qm", "one"]))
        .and_then(|_| git(&main, &["worktree", "add", "-q", "../wt"]))
        .expect("run git");
    assert!(made.status.success(), "git worktree add: {}", String::from_utf8_lossy(&made.stderr));
    write(&main, ".git/info/exclude", "secret.txt\n");
    let wt = dir.path().join("wt");
    write(&wt, "secret.txt", "x\n");
    write(&wt, "new.txt", "x\n");
    let listed = git(&wt, &["ls-files", "--cached", "--others", "--exclude-standard"]).expect("git ls-files");
    let by_git: Vec<&str> = std::str::from_utf8(&listed.stdout).unwrap().lines().collect();
    assert_eq!(by_git, ["new.txt", "tracked.txt"]);
    assert_lists(&wt, &home, &[], &by_git);
}
