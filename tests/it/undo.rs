//! The undo journal: every `-r` run records what it changes, `ba --undo` puts back the files of the
//! last run. Each test keeps its journal in a state directory of its own (`XDG_STATE_HOME`), so that
//! "the last run" is its own.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::util::*;

/// A test's own state directory, and `ba` commands that keep their journal in it.
struct Journal {
    state: tempfile::TempDir,
}

impl Journal {
    fn new() -> Journal {
        Journal { state: tempdir() }
    }

    fn ba(&self, dir: &Path) -> Command {
        let mut cmd = ba(dir);
        cmd.env("XDG_STATE_HOME", self.state.path());
        cmd
    }

    fn run(&self, dir: &Path, args: &[&str]) -> Output {
        self.ba(dir).args(args).run()
    }

    /// `ba --undo`, which must exit with `code` and print nothing on stdout; returns its stderr.
    fn undo(&self, dir: &Path, code: i32) -> String {
        let out = self.run(dir, &["--undo"]);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "--undo: {err}");
        assert_eq!(stdout_of(&out), "", "--undo prints on stderr");
        err
    }

    /// The runs the journal keeps.
    fn runs(&self) -> Vec<PathBuf> {
        match fs::read_dir(self.state.path().join("ba/runs")) {
            Ok(entries) => entries.map(|entry| entry.unwrap().path()).collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// The whole stderr, the note at the end of a rewrite included.
fn raw_stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file below `root` with its content and mode.
fn contents(root: &Path) -> Vec<(PathBuf, Vec<u8>, u32)> {
    let mut files: Vec<_> =
        files_below(root).into_iter().map(|path| (fs::read(&path).unwrap(), mode(&path), path)).collect();
    files.sort();
    files.into_iter().map(|(content, mode, path)| (path, content, mode)).collect()
}

/// The resolved path of `rel` below `dir`, as `--undo` names it.
fn shown(dir: &Path, rel: &str) -> String {
    fs::canonicalize(dir.join(rel)).unwrap().to_string_lossy().into_owned()
}

#[test]
fn undo_gives_back_every_byte_and_the_permissions() {
    let journal = Journal::new();
    let dir = tempdir();
    let d = dir.path();
    write(d, "crlf.txt", "foo one\r\nkeep\r\nfoo\r\n");
    write(d, "no-final-newline.txt", "keep\nfoo");
    write(d, "latin1.txt", b"caf\xe9 foo \xff\xfe\n");
    write(d, "sub/run.sh", "#!/bin/sh\necho foo\n");
    write(d, "sub/setgid", "foo\n");
    write(d, "private.txt", "foo\n");
    write(d, "untouched.txt", "nothing\n");
    fs::set_permissions(d.join("sub/run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(d.join("sub/setgid"), fs::Permissions::from_mode(0o2750)).unwrap();
    fs::set_permissions(d.join("private.txt"), fs::Permissions::from_mode(0o600)).unwrap();
    let acl = have("setfacl") && have("getfacl");
    if acl {
        let status = Command::new("setfacl").args(["-m", "u:nobody:rw"]).arg(d.join("private.txt")).status();
        assert!(status.unwrap().success());
    } else {
        eprintln!("note: setfacl or getfacl is missing: the ACL is not checked");
    }
    let getfacl = || -> Vec<u8> {
        Command::new("getfacl").args(["-cp"]).arg(d.join("private.txt")).output().unwrap().stdout
    };
    let before = contents(d);
    let acl_before = if acl { getfacl() } else { Vec::new() };

    let out = journal.run(d, &["foo", "-r", "BAR"]);
    assert_eq!(out.status.code(), Some(0), "{}", raw_stderr(&out));
    assert_eq!(raw_stderr(&out), "ba: rewrote 6 files; ba --undo restores them\n");
    assert_ne!(contents(d), before);

    let err = journal.undo(d, 0);
    let (summary, listed) = err.split_once('\n').unwrap();
    assert!(summary.starts_with("ba: restored 6 files of the rewrite of "), "{err}");
    assert!(summary.ends_with(&format!(" in {} (ba foo -r BAR):", shown(d, "."))), "{err}");
    let names = ["crlf.txt", "latin1.txt", "no-final-newline.txt", "private.txt", "sub/run.sh", "sub/setgid"];
    let expected: String = names.iter().map(|name| format!("  {}\n", shown(d, name))).collect();
    assert_eq!(listed, expected, "the files restored are named");
    assert_eq!(contents(d), before, "the files are back, byte for byte, with their modes");
    if acl {
        assert_eq!(getfacl(), acl_before, "the ACL is back");
    }
    assert_eq!(leftovers(d), Vec::<PathBuf>::new());
    assert_eq!(journal.runs(), Vec::<PathBuf>::new(), "the run left the journal");
    assert_eq!(journal.undo(d, 1), "ba: nothing to undo\n");
}

#[test]
fn a_file_changed_since_the_rewrite_is_named_and_left_alone() {
    let journal = Journal::new();
    let dir = tempdir();
    let d = dir.path();
    for name in ["a.txt", "b.txt", "c.txt", "d.txt"] {
        write(d, name, "foo\n");
    }
    let out = journal.run(d, &["foo", "-r", "bar"]);
    assert_eq!(out.status.code(), Some(0), "{}", raw_stderr(&out));
    write(d, "b.txt", "bar\nedited since\n");
    let gone = shown(d, "d.txt");
    fs::remove_file(d.join("d.txt")).unwrap();

    let err = journal.undo(d, 2);
    let b = format!("ba: {}: changed since the rewrite, not restored\n", shown(d, "b.txt"));
    assert!(err.contains(&b), "{err}");
    assert!(err.contains(&format!("ba: {gone}: gone since the rewrite, not restored\n")), "{err}");
    assert!(err.contains("ba: restored 2 files of the rewrite of "), "{err}");
    assert!(err.ends_with("ba: 2 files not restored: the rewrite stays in the journal; run ba --undo again once the problems above are fixed, or ba --undo --drop to forget it\n"), "{err}");
    assert_eq!(fs::read(d.join("a.txt")).unwrap(), b"foo\n");
    assert_eq!(fs::read(d.join("c.txt")).unwrap(), b"foo\n");
    assert_eq!(fs::read(d.join("b.txt")).unwrap(), b"bar\nedited since\n");
    assert!(!d.join("d.txt").exists());
    // The run stays until it is dropped: its old contents are not thrown away.
    assert_eq!(journal.runs().len(), 1);
    let again = journal.undo(d, 2);
    assert!(again.contains(&b), "{again}");
    let out = journal.run(d, &["--undo", "--drop"]);
    assert_eq!(out.status.code(), Some(0), "{}", raw_stderr(&out));
    assert!(raw_stderr(&out).starts_with("ba: dropped the rewrite of "), "{}", raw_stderr(&out));
    assert_eq!(fs::read(d.join("b.txt")).unwrap(), b"bar\nedited since\n");
    assert_eq!(journal.undo(d, 1), "ba: nothing to undo\n");
}

#[test]
fn each_undo_undoes_the_run_before_the_last() {
    let journal = Journal::new();
    let dir = tempdir();
    let d = dir.path();
    write(d, "f.txt", "one\n");
    for (from, to) in [("one", "two"), ("two", "three")] {
        let out = journal.run(d, &[from, "-r", to]);
        assert_eq!(raw_stderr(&out), "ba: rewrote 1 file; ba --undo restores it\n");
    }
    // A run that rewrites nothing is no run to undo.
    let out = journal.run(d, &["nothing", "-r", "x"]);
    assert_eq!((out.status.code(), raw_stderr(&out).as_str()), (Some(1), ""));
    assert_eq!(fs::read(d.join("f.txt")).unwrap(), b"three\n");
    journal.undo(d, 0);
    assert_eq!(fs::read(d.join("f.txt")).unwrap(), b"two\n");
    journal.undo(d, 0);
    assert_eq!(fs::read(d.join("f.txt")).unwrap(), b"one\n");
    assert_eq!(journal.undo(d, 1), "ba: nothing to undo\n");
    // --undo takes no pattern, path or -r.
    for args in [&["--undo", "one"][..], &["--undo", "-d", "."], &["--undo", "-r", "x"]] {
        assert_eq!(journal.run(d, args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn an_undo_run_twice_restores_nothing_twice() {
    // A file that already holds its old content (an undo cut short, redone) counts as restored.
    let journal = Journal::new();
    let dir = tempdir();
    let d = dir.path();
    write(d, "a.txt", "foo\n");
    write(d, "b.txt", "foo\n");
    journal.run(d, &["foo", "-r", "bar"]);
    // As if an undo had put back a.txt and been killed.
    write(d, "a.txt", "foo\n");
    let err = journal.undo(d, 0);
    assert!(err.starts_with("ba: restored 1 file (1 was already back) of the rewrite of "), "{err}");
    assert!(err.ends_with(&format!(":\n  {}\n", shown(d, "b.txt"))), "only the file written is named: {err}");
    assert_eq!(fs::read(d.join("b.txt")).unwrap(), b"foo\n");
}

#[test]
fn with_no_undo_nothing_is_kept_and_the_note_says_so() {
    let journal = Journal::new();
    let dir = tempdir();
    let d = dir.path();
    write(d, "a.txt", "foo\n");
    write(d, "b.txt", "foo\n");
    let out = journal.run(d, &["foo", "-r", "bar", "--no-undo"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(raw_stderr(&out), "ba: rewrote 2 files; with --no-undo they cannot be undone\n");
    assert_eq!(journal.runs(), Vec::<PathBuf>::new());
    assert_eq!(journal.undo(d, 1), "ba: nothing to undo\n");
    // A dry run keeps nothing either, and has nothing to say.
    let out = journal.run(d, &["bar", "-r", "baz", "--dry-run"]);
    assert_eq!((out.status.code(), raw_stderr(&out).as_str()), (Some(0), ""));
    assert_eq!(journal.runs(), Vec::<PathBuf>::new());
    // --no-undo, like the other -r flags, needs -r.
    assert_eq!(journal.run(d, &["bar", "--no-undo"]).status.code(), Some(2));
}

#[test]
fn the_journal_limit_stops_the_rewrite_before_the_file_that_passes_it() {
    let journal = Journal::new();
    let dir = tempdir();
    let d = dir.path();
    let content = format!("foo {}\n", "x".repeat(35)); // 40 bytes
    for name in ["a", "b", "c", "d", "e"] {
        write(d, &format!("{name}.txt"), &content);
    }
    // Two files fit in 100 bytes; the third would pass the limit.
    let out = journal.run(d, &["foo", "-r", "bar", "--undo-limit", "100"]);
    assert_eq!(out.status.code(), Some(2), "{}", raw_stderr(&out));
    let err = raw_stderr(&out);
    let line = err.lines().find(|line| line.starts_with("ba: c.txt: ")).unwrap_or_else(|| panic!("{err}"));
    assert!(
        line.contains("undo journal") && line.contains("100 bytes") && line.contains("--no-undo"),
        "{line}"
    );
    assert!(err.ends_with("ba: rewrote 2 files; ba --undo restores them\n"), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
    let new = content.replace("foo", "bar");
    for (name, expected) in [("a", &new), ("b", &new), ("c", &content), ("d", &content), ("e", &content)] {
        assert_eq!(fs::read_to_string(d.join(format!("{name}.txt"))).unwrap(), *expected, "{name}");
    }
    journal.undo(d, 0);
    assert_eq!(fs::read_to_string(d.join("a.txt")).unwrap(), content);
    // Room for all of them.
    let out = journal.run(d, &["foo", "-r", "bar", "--undo-limit", "1K"]);
    assert_eq!(raw_stderr(&out), "ba: rewrote 5 files; ba --undo restores them\n");
}

#[test]
fn the_journal_keeps_the_last_five_runs() {
    let journal = Journal::new();
    let dir = tempdir();
    let d = dir.path();
    for i in 0..7 {
        write(d, &format!("f{i}.txt"), "foo\n");
        let out = journal.run(d, &["foo", "-r", "bar", &format!("f{i}.txt")]);
        assert_eq!(out.status.code(), Some(0));
    }
    assert_eq!(journal.runs().len(), 5, "{:?}", journal.runs());
    for i in (2..7).rev() {
        journal.undo(d, 0);
        assert_eq!(fs::read(d.join(format!("f{i}.txt"))).unwrap(), b"foo\n", "f{i}");
    }
    assert_eq!(journal.undo(d, 1), "ba: nothing to undo\n");
    // The two oldest runs were dropped: their files stay rewritten.
    for i in 0..2 {
        assert_eq!(fs::read(d.join(format!("f{i}.txt"))).unwrap(), b"bar\n", "f{i}");
    }
}

#[test]
fn without_a_place_for_the_journal_the_rewrite_does_not_start() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "tree/a.txt", "foo\n");
    // A file where the state directory should be: nobody, not even root, can make it a directory.
    let blocked = write(d, "not-a-directory", "");
    let ba_blocked = || {
        let mut cmd = ba(&d.join("tree"));
        cmd.env("XDG_STATE_HOME", &blocked);
        cmd
    };
    let out = ba_blocked().args(["foo", "-r", "bar"]).run();
    assert_eq!(out.status.code(), Some(2));
    let err = raw_stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("ba: cannot keep the undo journal in "), "{err}");
    assert!(err.contains("--no-undo") && err.contains("XDG_STATE_HOME"), "{err}");
    assert_eq!(fs::read(d.join("tree/a.txt")).unwrap(), b"foo\n");
    // Without the journal, or without writing, it goes.
    let out = ba_blocked().args(["foo", "-r", "bar", "--dry-run"]).run();
    assert_eq!(out.status.code(), Some(0), "{}", raw_stderr(&out));
    let out = ba_blocked().args(["foo", "-r", "bar", "--no-undo"]).run();
    assert_eq!(out.status.code(), Some(0), "{}", raw_stderr(&out));
    assert_eq!(fs::read(d.join("tree/a.txt")).unwrap(), b"bar\n");
    // With no XDG_STATE_HOME, the journal is in ~/.local/state/ba.
    let home = d.join("home");
    let out =
        ba(&d.join("tree")).env_remove("XDG_STATE_HOME").env("HOME", &home).args(["bar", "-r", "baz"]).run();
    assert_eq!(out.status.code(), Some(0), "{}", raw_stderr(&out));
    assert_eq!(fs::read_dir(home.join(".local/state/ba/runs")).unwrap().count(), 1);
}

#[test]
fn undo_waits_for_no_rewrite_still_running() {
    let journal = Journal::new();
    let dir = tempdir();
    let d = dir.path();
    // A big file keeps the rewrite busy long enough to try --undo meanwhile.
    let mut big = b"foo first\n".to_vec();
    big.extend(b"padding line of text\n".repeat(1_500_000));
    write(d, "big.txt", &big);
    let mut child = journal
        .ba(d)
        .args(["foo", "-r", "bar"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while leftovers(d).is_empty()
        && child.try_wait().unwrap().is_none()
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_micros(200));
    }
    let during = journal.run(d, &["--undo"]);
    let out = output_within(child, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(0));
    let err = raw_stderr(&during);
    match during.status.code() {
        Some(2) => {
            assert!(err.contains("is still running"), "{err}");
            assert!(fs::read(d.join("big.txt")).unwrap().starts_with(b"bar first\n"));
            journal.undo(d, 0);
        }
        Some(0) => {
            eprintln!("note: the rewrite ended before --undo could try it; the refusal was not checked")
        }
        code => panic!("--undo during a rewrite exited with {code:?}: {err}"),
    }
    assert_eq!(fs::read(d.join("big.txt")).unwrap(), big);
}

#[test]
fn undo_refuses_hard_linked_and_read_only_files_as_the_rewrite_does() {
    let journal = Journal::new();
    let dir = tempdir();
    let d = dir.path();
    for name in ["a.txt", "b.txt", "c.txt"] {
        write(d, name, "color\n");
    }
    let out = journal.run(d, &["color", "-r", "colour"]);
    assert_eq!(out.status.code(), Some(0), "{}", raw_stderr(&out));
    fs::hard_link(d.join("a.txt"), d.join("a.link")).unwrap();
    fs::set_permissions(d.join("b.txt"), fs::Permissions::from_mode(0o444)).unwrap();
    let linked =
        format!("ba: {}: has other hard links that a restore would split; not restored\n", shown(d, "a.txt"));
    let read_only = format!("ba: {}: read-only, not restored\n", shown(d, "b.txt"));

    let out = journal.run(d, &["--undo", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2), "{}", raw_stderr(&out));
    assert_eq!(stdout_of(&out), format!("{}\n", shown(d, "c.txt")));
    let err = raw_stderr(&out);
    assert!(err.contains(&linked.replace("; not restored", "; would not be restored")), "{err}");
    assert!(err.contains(&read_only.replace(", not restored", ", would not be restored")), "{err}");
    assert!(err.contains("would restore 1 file, and not 2 files, of the rewrite"), "{err}");

    let err = journal.undo(d, 2);
    assert!(err.contains(&linked), "{err}");
    assert!(err.contains(&read_only), "{err}");
    assert!(err.contains("2 files not restored: the rewrite stays in the journal"), "{err}");
    for name in ["a.txt", "a.link", "b.txt"] {
        assert_eq!(fs::read(d.join(name)).unwrap(), b"colour\n", "{name} is left as it is");
    }
    assert_eq!(fs::read(d.join("c.txt")).unwrap(), b"color\n");
    assert_eq!(journal.runs().len(), 1, "the run is kept");
    assert_eq!(leftovers(d), Vec::<PathBuf>::new());

    // Once fixed, the next --undo restores them; c.txt was already back and is not counted again.
    fs::remove_file(d.join("a.link")).unwrap();
    fs::set_permissions(d.join("b.txt"), fs::Permissions::from_mode(0o644)).unwrap();
    let err = journal.undo(d, 0);
    assert!(err.starts_with("ba: restored 2 files (1 was already back) of the rewrite of "), "{err}");
    assert!(err.ends_with(&format!(":\n  {}\n  {}\n", shown(d, "a.txt"), shown(d, "b.txt"))), "{err}");
    for name in ["a.txt", "b.txt", "c.txt"] {
        assert_eq!(fs::read(d.join(name)).unwrap(), b"color\n", "{name}");
    }
    assert_eq!(journal.runs(), Vec::<PathBuf>::new());
}
