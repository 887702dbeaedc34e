//! What `--undo` can be trusted with: a run stays until every file is back, a damaged journal
//! restores nothing, the state directory is the user's own, and `--undo` is about the directory it
//! is run in.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::util::*;

/// A state directory of the test's own.
struct State {
    dir: tempfile::TempDir,
}

impl State {
    fn new() -> State {
        State { dir: tempdir() }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn ba(&self, dir: &Path) -> Command {
        let mut cmd = ba(dir);
        cmd.env("XDG_STATE_HOME", self.path());
        cmd
    }

    fn run(&self, dir: &Path, args: &[&str]) -> Output {
        self.ba(dir).args(args).run()
    }

    /// The runs' directories, oldest first.
    fn runs(&self) -> Vec<PathBuf> {
        let mut runs: Vec<PathBuf> = match fs::read_dir(self.path().join("ba/runs")) {
            Ok(entries) => entries.map(|entry| entry.unwrap().path()).collect(),
            Err(_) => Vec::new(),
        };
        runs.sort();
        runs
    }

    /// The journal of the newest run.
    fn journal(&self) -> PathBuf {
        self.runs().last().expect("a run").join("journal")
    }
}

fn err(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

fn resolved(dir: &Path, rel: &str) -> String {
    fs::canonicalize(dir.join(rel)).unwrap().to_string_lossy().into_owned()
}

/// `n` files `src/fNN.txt` holding `colour NN`.
fn tree(dir: &Path, n: usize) {
    for i in 0..n {
        write(dir, &format!("src/f{i:02}.txt"), format!("colour {i:02}\n"));
    }
}

fn all_old(dir: &Path, n: usize) -> bool {
    (0..n).all(|i| {
        fs::read_to_string(dir.join(format!("src/f{i:02}.txt"))).unwrap() == format!("colour {i:02}\n")
    })
}

fn all_new(dir: &Path, n: usize) -> bool {
    (0..n).all(|i| {
        fs::read_to_string(dir.join(format!("src/f{i:02}.txt"))).unwrap() == format!("color {i:02}\n")
    })
}

#[test]
fn a_refused_undo_keeps_the_run_until_every_file_is_back() {
    let state = State::new();
    let dir = tempdir();
    let d = dir.path();
    tree(d, 3);
    assert_eq!(code(&state.run(d, &["colour", "-r", "color", "src"])), Some(0));
    // The files are not where the run left them: nothing to restore, and nothing thrown away.
    fs::rename(d.join("src"), d.join("lib")).unwrap();
    let out = state.run(d, &["--undo"]);
    assert_eq!(code(&out), Some(2), "{}", err(&out));
    assert_eq!(err(&out).matches("gone since the rewrite, not restored").count(), 3, "{}", err(&out));
    assert!(err(&out).contains("ba: restored 0 files of the rewrite of "), "{}", err(&out));
    assert!(err(&out).contains("3 files not restored: the rewrite stays in the journal"), "{}", err(&out));
    assert!(err(&out).contains("ba --undo --drop"), "{}", err(&out));
    assert_eq!(state.runs().len(), 1, "the run is kept");
    fs::rename(d.join("lib"), d.join("src")).unwrap();
    let out = state.run(d, &["--undo"]);
    assert_eq!(code(&out), Some(0), "{}", err(&out));
    assert!(err(&out).starts_with("ba: restored 3 files of the rewrite of "), "{}", err(&out));
    assert!(all_old(d, 3));
    assert!(state.runs().is_empty());

    // One file edited since: the others come back, and its old content stays in the journal.
    assert_eq!(code(&state.run(d, &["colour", "-r", "color", "src"])), Some(0));
    write(d, "src/f01.txt", "color 01\nedited\n");
    let out = state.run(d, &["--undo"]);
    assert_eq!(code(&out), Some(2), "{}", err(&out));
    let refused = format!("ba: {}: changed since the rewrite, not restored\n", resolved(d, "src/f01.txt"));
    assert!(err(&out).contains(&refused), "{}", err(&out));
    assert!(err(&out).contains("ba: restored 2 files of the rewrite"), "{}", err(&out));
    assert!(err(&out).contains("ba: 1 file not restored: the rewrite stays"), "{}", err(&out));
    // The edit taken back: the next --undo restores it, and only it.
    write(d, "src/f01.txt", "color 01\n");
    let out = state.run(d, &["--undo"]);
    assert_eq!(code(&out), Some(0), "{}", err(&out));
    assert!(all_old(d, 3));
    assert!(state.runs().is_empty());

    // Dropped on purpose: the files stay as they are.
    assert_eq!(code(&state.run(d, &["colour", "-r", "color", "src"])), Some(0));
    let out = state.run(d, &["--undo", "--drop"]);
    assert_eq!(code(&out), Some(0), "{}", err(&out));
    assert!(err(&out).contains("its files stay as they are"), "{}", err(&out));
    assert!(all_new(d, 3));
    assert_eq!(code(&state.run(d, &["--undo"])), Some(1));
}

/// `ba --undo` on a damaged journal: exit 2, the damage named, no file touched, the run kept.
fn assert_refused_as_damaged(state: &State, d: &Path, n: usize) -> String {
    let out = state.run(d, &["--undo"]);
    let text = err(&out);
    assert_eq!(code(&out), Some(2), "{text}");
    let prefix = "ba: undo journal for the run of ";
    assert!(text.starts_with(prefix), "{text}");
    assert!(text.contains(&format!(" in {} is damaged at record ", resolved(d, "."))), "{text}");
    assert!(text.contains(": nothing restored"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(all_new(d, n), "no file is touched");
    assert!(!state.runs().is_empty(), "the run is kept");
    text
}

#[test]
fn a_damaged_journal_restores_nothing_and_never_an_older_run() {
    let state = State::new();
    let dir = tempdir();
    let d = dir.path();
    tree(d, 100);
    assert_eq!(code(&state.run(d, &["colour", "-r", "color", "src"])), Some(0));
    let journal = state.journal();
    let whole = fs::read(&journal).unwrap();
    let mut bytes = whole.clone();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    fs::write(&journal, &bytes).unwrap();
    assert_refused_as_damaged(&state, d, 100);
    fs::write(&journal, &whole).unwrap();
    assert_eq!(code(&state.run(d, &["--undo"])), Some(0));
    assert!(all_old(d, 100));

    // An older run, then a newer one whose first header has a digit changed.
    write(d, "older.txt", "one\n");
    assert_eq!(code(&state.run(d, &["one", "-r", "two", "older.txt"])), Some(0));
    assert_eq!(code(&state.run(d, &["colour", "-r", "color", "src"])), Some(0));
    let journal = state.journal();
    let whole = fs::read(&journal).unwrap();
    let mut bytes = whole.clone();
    let digit = bytes.iter().position(|b| b.is_ascii_digit() && *b != b'2').unwrap();
    bytes[digit] = if bytes[digit] == b'9' { b'8' } else { bytes[digit] + 1 };
    fs::write(&journal, &bytes).unwrap();
    let text = assert_refused_as_damaged(&state, d, 100);
    assert!(text.contains("damaged at record 1"), "{text}");
    assert_eq!(fs::read(d.join("older.txt")).unwrap(), b"two\n", "the older run is not undone instead");

    // A path length no memory can hold: refused, never an abort.
    let header_end = whole.iter().position(|&b| b == b'\n').unwrap();
    let header = String::from_utf8(whole[..header_end].to_vec()).unwrap();
    let fields: Vec<&str> = header.split(' ').collect();
    let forged =
        format!("{} {} {} {} 99999999999999999 {}", fields[0], fields[1], fields[2], fields[3], fields[5]);
    fs::write(&journal, [forged.as_bytes(), &whole[header_end..]].concat()).unwrap();
    assert_refused_as_damaged(&state, d, 100);

    // Cut short in the middle of a finished run.
    fs::write(&journal, &whole[..whole.len() / 3]).unwrap();
    assert_refused_as_damaged(&state, d, 100);

    // Dropped, the older run is next.
    assert_eq!(code(&state.run(d, &["--undo", "--drop"])), Some(0));
    assert_eq!(code(&state.run(d, &["--undo"])), Some(0));
    assert_eq!(fs::read(d.join("older.txt")).unwrap(), b"one\n");
}

#[test]
fn a_run_of_the_older_journal_format_is_refused_by_name() {
    let state = State::new();
    let dir = tempdir();
    let d = dir.path();
    write(d, "a.txt", "x\n");
    let run = state.path().join("ba/runs/00000000000000000001-1");
    fs::create_dir_all(&run).unwrap();
    fs::set_permissions(state.path().join("ba"), fs::Permissions::from_mode(0o700)).unwrap();
    fs::set_permissions(state.path().join("ba/runs"), fs::Permissions::from_mode(0o700)).unwrap();
    fs::set_permissions(&run, fs::Permissions::from_mode(0o700)).unwrap();
    let journal = format!("ba-undo 1 2 {}\n{}\ny\n", resolved(d, "a.txt").len(), resolved(d, "a.txt"));
    fs::write(run.join("journal"), journal).unwrap();
    fs::set_permissions(run.join("journal"), fs::Permissions::from_mode(0o600)).unwrap();
    let out = state.run(d, &["--undo"]);
    assert_eq!(code(&out), Some(2), "{}", err(&out));
    assert!(err(&out).contains("written by an older ba"), "{}", err(&out));
    assert!(err(&out).contains("--drop"), "{}", err(&out));
    assert_eq!(fs::read(d.join("a.txt")).unwrap(), b"x\n");
}

/// One damage done to a journal.
#[derive(Clone, Debug)]
enum Damage {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Digit(usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, mask)| Damage::Flip(at, mask)),
        any::<usize>().prop_map(Damage::Truncate),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Damage::Insert(at, bytes)),
        any::<usize>().prop_map(Damage::Digit),
    ]
}

fn damaged(bytes: &[u8], damage: &Damage) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    match damage {
        Damage::Flip(at, mask) => {
            let at = at % bytes.len();
            bytes[at] ^= mask;
        }
        Damage::Truncate(at) => bytes.truncate(at % bytes.len()),
        Damage::Insert(at, inserted) => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, inserted.iter().copied());
        }
        Damage::Digit(at) => {
            let digits: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i].is_ascii_digit()).collect();
            let i = digits[at % digits.len()];
            bytes[i] = if bytes[i] == b'9' { b'0' } else { bytes[i] + 1 };
        }
    }
    bytes
}

proptest! {
    #![proptest_config(Config { cases: 64, failure_persistence: None, ..Config::default() })]

    /// Whatever the damage: every file restored and exit 0, or no file touched and exit 2.
    #[test]
    fn a_damaged_journal_restores_all_or_nothing(files in 1usize..4, damage in damage()) {
        let state = State::new();
        let dir = tempdir();
        let d = dir.path();
        tree(d, files);
        prop_assert_eq!(code(&state.run(d, &["colour", "-r", "color", "src"])), Some(0));
        let journal = state.journal();
        let bytes = fs::read(&journal).unwrap();
        fs::write(&journal, damaged(&bytes, &damage)).unwrap();
        let out = state.run(d, &["--undo"]);
        match code(&out) {
            Some(0) => prop_assert!(all_old(d, files), "exit 0 with a file not restored: {}", err(&out)),
            Some(2) => prop_assert!(all_new(d, files), "exit 2 with a file restored: {}", err(&out)),
            other => prop_assert!(false, "exit {:?}: {}", other, err(&out)),
        }
    }
}

#[test]
fn undo_is_about_the_current_directory() {
    let state = State::new();
    let dir = tempdir();
    let d = dir.path();
    write(d, "a/f.txt", "colour\n");
    write(d, "b/g.txt", "colour\n");
    write(d, "b/sub/h.txt", "plain\n");
    assert_eq!(code(&state.run(&d.join("a"), &["colour", "-r", "color"])), Some(0));
    // A rewrite in b that writes nothing: no run of b's, so --undo in b names a's and restores nothing.
    assert_eq!(code(&state.run(&d.join("b"), &["nowhere", "-r", "x"])), Some(1));
    let out = state.run(&d.join("b"), &["--undo"]);
    assert_eq!(code(&out), Some(2), "{}", err(&out));
    let text = err(&out);
    assert!(text.contains(&format!(" in {} (ba colour -r color)", resolved(d, "a"))), "{text}");
    assert!(text.contains("cd there and run ba --undo\n"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
    let out = state.run(&d.join("b"), &["--undo", "--drop"]);
    assert_eq!(code(&out), Some(2), "{}", err(&out));
    assert!(err(&out).ends_with(": nothing dropped; cd there and run ba --undo --drop\n"), "{}", err(&out));
    assert_eq!(state.runs().len(), 1);
    assert_eq!(fs::read(d.join("a/f.txt")).unwrap(), b"color\n");
    // --dry-run names what it would restore and touches nothing.
    let out = state.run(&d.join("a"), &["--undo", "--dry-run"]);
    assert_eq!(code(&out), Some(0), "{}", err(&out));
    assert_eq!(stdout_of(&out), format!("{}\n", resolved(d, "a/f.txt")));
    assert!(err(&out).contains("would restore 1 file of the rewrite"), "{}", err(&out));
    assert_eq!(fs::read(d.join("a/f.txt")).unwrap(), b"color\n");
    // --list shows the run, where it was made and what it did.
    let out = state.run(d, &["--undo", "--list"]);
    assert_eq!(code(&out), Some(0), "{}", err(&out));
    let listed = stdout_of(&out);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(
        listed.contains(&format!("  {}  ba colour -r color  1 file  done", resolved(d, "a"))),
        "{listed}"
    );
    // From above where it was made, it is restored, and named.
    let out = state.run(d, &["--undo"]);
    assert_eq!(code(&out), Some(0), "{}", err(&out));
    assert!(err(&out).starts_with("ba: restored 1 file of the rewrite of "), "{}", err(&out));
    assert!(err(&out).ends_with(&format!(":\n  {}\n", resolved(d, "a/f.txt"))), "{}", err(&out));
    assert_eq!(fs::read(d.join("a/f.txt")).unwrap(), b"colour\n");
    // The newest run made here is undone before a newer one made elsewhere.
    assert_eq!(code(&state.run(&d.join("b"), &["colour", "-r", "color"])), Some(0));
    assert_eq!(code(&state.run(&d.join("a"), &["colour", "-r", "color"])), Some(0));
    assert_eq!(code(&state.run(&d.join("b"), &["--undo"])), Some(0));
    assert_eq!(fs::read(d.join("b/g.txt")).unwrap(), b"colour\n");
    assert_eq!(fs::read(d.join("a/f.txt")).unwrap(), b"color\n");
    // The flags of --undo go with --undo only.
    for args in [&["x", "--list"][..], &["x", "--drop"], &["--undo", "--list", "--drop"]] {
        assert_eq!(code(&state.run(d, args)), Some(2), "{args:?}");
    }
}

#[test]
fn an_undo_of_many_files_names_ten_and_counts_the_rest() {
    let state = State::new();
    let dir = tempdir();
    let d = dir.path();
    tree(d, 13);
    assert_eq!(code(&state.run(d, &["colour", "-r", "color", "src"])), Some(0));
    let out = state.run(d, &["--undo"]);
    assert_eq!(code(&out), Some(0), "{}", err(&out));
    let text = err(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("ba: restored 13 files of the rewrite of "), "{text}");
    assert_eq!(lines.len(), 12, "{text}");
    assert_eq!(lines[1], format!("  {}", resolved(d, "src/f00.txt")));
    assert_eq!(lines[11], "  and 3 more");
}

/// Runs `args` with the state directory `state`, which must be refused with `reason`: exit 2, one
/// line naming `named`, and `file` still as it was.
fn assert_state_refused(state: &State, d: &Path, args: &[&str], named: &Path, reason: &str) {
    let out = state.run(d, args);
    let text = err(&out);
    assert_eq!(code(&out), Some(2), "{args:?}: {text}");
    let expected = format!(
        "ba: {}: {reason}; remove it or set XDG_STATE_HOME to a directory of your own\n",
        named.display()
    );
    assert_eq!(text, expected, "{args:?}");
    assert_eq!(fs::read(d.join("a.txt")).unwrap(), b"foo\n", "{args:?}");
}

#[test]
fn a_state_directory_of_someone_else_is_refused() {
    if !running_as_root() {
        eprintln!("note: not running as root: cannot give the state directory to another user");
        return;
    }
    let state = State::new();
    let dir = tempdir();
    let d = dir.path();
    write(d, "a.txt", "foo\n");
    let ba_dir = state.path().join("ba");
    // Another user made `ba/` first.
    fs::create_dir(&ba_dir).unwrap();
    std::os::unix::fs::chown(&ba_dir, Some(65534), Some(65534)).unwrap();
    for args in [&["foo", "-r", "bar"][..], &["--undo"]] {
        assert_state_refused(&state, d, args, &ba_dir, "owned by uid 65534, not by you");
    }
    // `ba/lock` planted as a link: nothing is created where it points.
    std::os::unix::fs::chown(&ba_dir, Some(0), Some(0)).unwrap();
    fs::set_permissions(&ba_dir, fs::Permissions::from_mode(0o700)).unwrap();
    let target = d.join("planted");
    std::os::unix::fs::symlink(&target, ba_dir.join("lock")).unwrap();
    for args in [&["foo", "-r", "bar"][..], &["--undo"]] {
        assert_state_refused(&state, d, args, &ba_dir.join("lock"), "a symbolic link");
        assert!(fs::symlink_metadata(&target).is_err(), "{args:?} created the link's target");
    }
    fs::remove_file(ba_dir.join("lock")).unwrap();
    // `runs/` that others may write.
    assert_eq!(code(&state.run(d, &["foo", "-r", "bar"])), Some(0));
    assert_eq!(code(&state.run(d, &["--undo"])), Some(0));
    let runs = ba_dir.join("runs");
    fs::set_permissions(&runs, fs::Permissions::from_mode(0o777)).unwrap();
    for args in [&["foo", "-r", "bar"][..], &["--undo"]] {
        assert_state_refused(&state, d, args, &runs, "writable by others than you (mode 0777)");
    }
    fs::set_permissions(&runs, fs::Permissions::from_mode(0o700)).unwrap();
    // A run planted by another user: --undo restores nothing from it.
    assert_eq!(code(&state.run(d, &["foo", "-r", "bar"])), Some(0));
    let run = state.runs().pop().unwrap();
    std::os::unix::fs::chown(&run, Some(65534), Some(65534)).unwrap();
    let out = state.run(d, &["--undo"]);
    assert_eq!(code(&out), Some(2), "{}", err(&out));
    assert!(err(&out).starts_with(&format!("ba: {}: owned by uid 65534", run.display())), "{}", err(&out));
    assert_eq!(fs::read(d.join("a.txt")).unwrap(), b"bar\n");
    std::os::unix::fs::chown(&run, Some(0), Some(0)).unwrap();
    std::os::unix::fs::chown(run.join("journal"), Some(65534), Some(65534)).unwrap();
    let out = state.run(d, &["--undo"]);
    assert_eq!(code(&out), Some(2), "{}", err(&out));
    assert!(err(&out).contains("journal: owned by uid 65534"), "{}", err(&out));
    assert_eq!(fs::read(d.join("a.txt")).unwrap(), b"bar\n");
}

#[test]
fn the_journal_is_never_rewritten_by_its_own_rewrite() {
    let dir = tempdir();
    let d = dir.path();
    let state = d.join(".state");
    let ba_here = |args: &[&str]| ba(d).env("XDG_STATE_HOME", &state).args(args).run();
    write(d, "a.txt", "x\n");
    assert_eq!(code(&ba_here(&["x", "-r", "y"])), Some(0));
    let journal =
        fs::read_dir(state.join("ba/runs")).unwrap().next().unwrap().unwrap().path().join("journal");
    let before = fs::read(&journal).unwrap();
    write(d, "b.txt", "x\n");
    // The first run's journal holds `x`, and the walk goes through it.
    let out = ba_here(&["--hidden", "-u", "x", "-r", "z"]);
    let text = err(&out);
    assert_eq!(code(&out), Some(2), "{text}");
    assert!(text.contains("journal: part of ba's undo journal, not written"), "{text}");
    assert_eq!(fs::read(&journal).unwrap(), before, "the journal is as it was");
    assert_eq!(fs::read(d.join("b.txt")).unwrap(), b"z\n");
    for _ in 0..2 {
        let out = ba_here(&["--undo"]);
        assert_eq!(code(&out), Some(0), "{}", err(&out));
    }
    assert_eq!(fs::read(d.join("a.txt")).unwrap(), b"x\n");
    assert_eq!(fs::read(d.join("b.txt")).unwrap(), b"x\n");
}

/// The end note of a rewrite of `n` files.
fn rewrote_note(n: usize) -> String {
    match n {
        1 => "ba: rewrote 1 file; ba --undo restores it\n".into(),
        n => format!("ba: rewrote {n} files; ba --undo restores them\n"),
    }
}

#[test]
fn a_journal_that_fills_its_disk_stops_the_rewrite_with_one_message() {
    let dir = tempdir();
    let d = dir.path();
    let Some(_mounted) = Tmpfs::mount(&d.join("state"), "64k") else { return };
    let content = format!("foo\n{}", "padding\n".repeat(2500));
    for i in 0..8 {
        write(d, &format!("tree/f{i}.txt"), &content);
    }
    let out = ba(&d.join("tree")).env("XDG_STATE_HOME", d.join("state")).args(["foo", "-r", "bar"]).run();
    let text = err(&out);
    assert_eq!(code(&out), Some(2), "{text}");
    let refused: Vec<&str> = text.lines().filter(|line| line.contains(".txt: ")).collect();
    assert_eq!(refused.len(), 1, "one message, not one a file: {text}");
    assert!(refused[0].contains("cannot record it in the undo journal"), "{text}");
    assert!(refused[0].contains("nothing more is rewritten"), "{text}");
    let rewritten =
        (0..8).filter(|i| fs::read(d.join(format!("tree/f{i}.txt"))).unwrap() != content.as_bytes()).count();
    assert!(rewritten < 8, "{text}");
    // The full disk is said once: not again for the end of the run, which is the same failure.
    let end = rewrote_note(rewritten);
    assert_eq!(text, format!("{}\n{end}", refused[0]), "one error, then the end note");
    // Whether or not its end could be recorded, the run gives back every file it rewrote.
    let done = fs::read_dir(d.join("state/ba/runs")).unwrap().next().unwrap().unwrap().path().join("done");
    let _ = fs::remove_file(done);
    let out = ba(&d.join("tree")).env("XDG_STATE_HOME", d.join("state")).arg("--undo").run();
    assert_eq!(code(&out), Some(if rewritten > 0 { 0 } else { 1 }), "{}", err(&out));
    for i in 0..8 {
        assert_eq!(fs::read(d.join(format!("tree/f{i}.txt"))).unwrap(), content.as_bytes(), "f{i}");
    }
}

#[test]
fn the_journal_limit_stops_the_rewrite_with_one_message() {
    let state = State::new();
    let dir = tempdir();
    let d = dir.path();
    for i in 0..6 {
        write(d, &format!("f{i}.txt"), "foo\n");
    }
    let out = state.run(d, &["foo", "-r", "bar", "--undo-limit", "10"]);
    let text = err(&out);
    assert_eq!(code(&out), Some(2), "{text}");
    assert_eq!(text.lines().filter(|line| line.contains("undo journal")).count(), 1, "{text}");
    assert!(text.ends_with("ba: rewrote 2 files; ba --undo restores them\n"), "{text}");
}

#[test]
fn at_a_terminal_undo_asks_before_it_restores_a_run_made_elsewhere() {
    let state = State::new();
    let dir = tempdir();
    let d = dir.path();
    write(d, "a/f.txt", "colour\n");
    fs::create_dir(d.join("b")).unwrap();
    assert_eq!(code(&state.run(&d.join("a"), &["colour", "-r", "color"])), Some(0));
    let vars = [("XDG_STATE_HOME", state.path())];
    let question = r"undo it\? \[y/N\] ";
    let Some((status, text)) = on_terminal_with(&d.join("b"), &vars, question, &["n\n"], &["--undo"]) else {
        return;
    };
    assert_eq!(status, 1, "{text}");
    assert!(
        text.contains(&format!(" in {} (ba colour -r color): undo it? [y/N] ", resolved(d, "a"))),
        "{text}"
    );
    assert!(text.contains("ba: nothing restored"), "{text}");
    assert_eq!(fs::read(d.join("a/f.txt")).unwrap(), b"color\n");
    let Some((status, text)) = on_terminal_with(&d.join("b"), &vars, question, &["y\n"], &["--undo"]) else {
        return;
    };
    assert_eq!(status, 0, "{text}");
    assert_eq!(fs::read(d.join("a/f.txt")).unwrap(), b"colour\n");
}

/// Every file below the state directory with its content, to see that nothing there changed.
fn state_files(state: &State) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> =
        files_below(state.path()).into_iter().map(|path| (fs::read(&path).unwrap(), path)).collect();
    files.sort();
    files.into_iter().map(|(content, path)| (path, content)).collect()
}

#[test]
fn a_journal_emptied_or_removed_is_damage_and_never_an_older_run() {
    let state = State::new();
    let dir = tempdir();
    let d = dir.path();
    write(d, "older.txt", "one\n");
    tree(d, 3);
    assert_eq!(code(&state.run(d, &["one", "-r", "two", "older.txt"])), Some(0));
    assert_eq!(code(&state.run(d, &["colour", "-r", "color", "src"])), Some(0));
    let journal = state.journal();
    let whole = fs::read(&journal).unwrap();
    for (how, damage) in
        [("emptied", Some(&b""[..])), ("cut short", Some(&whole[..whole.len() - 1])), ("removed", None)]
    {
        match damage {
            Some(bytes) => fs::write(&journal, bytes).unwrap(),
            None => fs::remove_file(&journal).unwrap(),
        }
        let before = state_files(&state);
        // Read-only: they neither list nor remove the damaged run.
        let out = state.run(d, &["--undo", "--list"]);
        let listed = stdout_of(&out);
        assert_eq!(listed.lines().count(), 2, "{how}: {listed}{}", err(&out));
        assert!(listed.lines().next().unwrap().ends_with("  damaged"), "{how}: {listed}");
        let out = state.run(d, &["--undo", "--dry-run"]);
        assert_eq!(code(&out), Some(2), "{how}: {}", err(&out));
        assert!(err(&out).contains(" is damaged at record "), "{how}: {}", err(&out));
        assert_eq!(state_files(&state), before, "{how}: --list and --dry-run change nothing");
        assert_refused_as_damaged(&state, d, 3);
        assert_eq!(fs::read(d.join("older.txt")).unwrap(), b"two\n", "{how}: the older run is not undone");
        assert_eq!(state.runs().len(), 2, "{how}");
    }
    fs::write(&journal, &whole).unwrap();
    fs::set_permissions(&journal, fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(code(&state.run(d, &["--undo"])), Some(0));
    assert!(all_old(d, 3));
    assert_eq!(code(&state.run(d, &["--undo"])), Some(0));
    assert_eq!(fs::read(d.join("older.txt")).unwrap(), b"one\n");
}

#[test]
fn a_run_that_recorded_nothing_is_tidied_only_by_a_writing_undo() {
    let state = State::new();
    let dir = tempdir();
    let d = dir.path();
    write(d, "a.txt", "one\n");
    assert_eq!(code(&state.run(d, &["one", "-r", "two"])), Some(0));
    // A run killed before it recorded a file: its journal holds nothing, and it has no `done`.
    let empty = state.path().join("ba/runs/99999999999999999999-1");
    fs::create_dir(&empty).unwrap();
    fs::set_permissions(&empty, fs::Permissions::from_mode(0o700)).unwrap();
    fs::write(empty.join("journal"), "").unwrap();
    fs::set_permissions(empty.join("journal"), fs::Permissions::from_mode(0o600)).unwrap();
    // Not even the lock file is made by what only reads.
    fs::remove_file(state.path().join("ba/lock")).unwrap();
    let before = state_files(&state);
    let out = state.run(d, &["--undo", "--list"]);
    assert_eq!(stdout_of(&out).lines().count(), 1, "{}", stdout_of(&out));
    let out = state.run(d, &["--undo", "--dry-run"]);
    assert_eq!(code(&out), Some(0), "{}", err(&out));
    assert_eq!(state_files(&state), before, "--list and --dry-run change nothing");
    assert!(empty.exists());
    assert_eq!(code(&state.run(d, &["--undo"])), Some(0));
    assert_eq!(fs::read(d.join("a.txt")).unwrap(), b"one\n");
    assert!(!empty.exists(), "tidied away by --undo");
}

/// Runs that keep nothing leave the journal while others prune it: neither trips on the other.
#[test]
fn concurrent_runs_that_keep_nothing_and_prune_never_complain() {
    let state = State::new();
    let dir = tempdir();
    let d = dir.path();
    for i in 0..24 {
        write(d, &format!("{i}/a.txt"), "foo x\n");
    }
    for round in 0..10 {
        let children: Vec<_> = (0..24)
            .map(|i| {
                // Half replace each match by itself (a run that keeps nothing); half rewrite.
                let args: Vec<String> = match i % 2 {
                    0 => vec!["foo".into(), "-r".into(), "$0".into()],
                    _ => vec!["foo|x[0-9]".into(), "-r".into(), format!("x{round}")],
                };
                state
                    .ba(&d.join(i.to_string()))
                    .args(&args)
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = output_within(child, Duration::from_secs(30));
            let err = String::from_utf8_lossy(&out.stderr);
            let noted = err.lines().all(|line| line.starts_with("ba: rewrote 1 file"));
            assert!(noted, "round {round}: {err}");
        }
    }
}
