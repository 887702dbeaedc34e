//! The fault tests of `-r` and `--undo`: ba is killed with SIGKILL at a random moment of a replacement
//! over 5,000 small files, again and again. After each kill every file must be byte for byte its old
//! or its new content, and at most one `.ba-replace-*` temporary file may be left (ba writes one file
//! at a time); then `ba --undo` must give back exactly the old tree, from the undo journal the killed
//! run kept. The second test kills `--undo` itself at random moments: every file is still old or
//! new, and the next `--undo` finishes the work.
//!
//! ba syncs each file it writes; on a disk that costs milliseconds a file, so the tree lives on a
//! tmpfs when one can be mounted (the tests run as root here): a kill ends the process, not the
//! kernel, so what is on the file system afterwards does not depend on the syncs. Where mounting is
//! not allowed, the test runs on the disk with 20 rounds, and with fewer files when a full run takes
//! too long there (it says so).
//!
//! `BA_FAULT_SEED=N` replays the random delays of a run (the seed is printed); `BA_FAULT_NO_TMPFS=1`
//! runs on the disk.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::util::*;
use regex::bytes::Regex;

/// Rounds of kill and check: on a tmpfs a full run takes a tenth of a second; on a disk, seconds.
const ROUNDS_TMPFS: usize = 100;
const ROUNDS_DISK: usize = 20;
/// Rounds of the `--undo` fault test, each a full run, a killed undo and a whole one.
const UNDO_ROUNDS_TMPFS: usize = 12;
const UNDO_ROUNDS_DISK: usize = 5;
/// Files in the tree (fewer when a full run takes too long on a disk).
const FILES: usize = 5_000;

/// xorshift64*: random enough for delays, and replayable from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, max].
    fn below(&mut self, max: Duration) -> Duration {
        let nanos = max.as_nanos() as u64;
        Duration::from_nanos(if nanos == 0 { 0 } else { self.next() % (nanos + 1) })
    }
}

struct TreeFile {
    rel: String,
    old: Vec<u8>,
    new: Vec<u8>,
}

/// The replacement ba is run with, and the same in the regex crate's syntax for the oracle.
const PATTERN: &str = r"hit(\d+)";
const TEMPLATE: &str = r"HIT<\1>";
const ORACLE_TEMPLATE: &str = "HIT<$1>";

/// `files` small files of 2 to 6 lines in 50 directories; about a third hold matches. Some have CRLF
/// line ends or no final newline. The new content is computed line by line, a `\r` before `\n` kept
/// out of the replacement.
fn build_tree(files: usize) -> Vec<TreeFile> {
    let re = Regex::new(PATTERN).unwrap();
    (0..files)
        .map(|i| {
            let end = if i % 7 == 0 { "\r\n" } else { "\n" };
            let mut old = String::new();
            for j in 0..2 + i % 5 {
                if i % 3 == 0 && j % 2 == 0 {
                    old.push_str(&format!("line {j} hit{i} and hit{j}{end}"));
                } else {
                    old.push_str(&format!("line {j} of file {i}{end}"));
                }
            }
            if i % 11 == 0 {
                old.truncate(old.len() - end.len());
            }
            let old = old.into_bytes();
            let mut new = Vec::new();
            for (k, line) in old.split(|&b| b == b'\n').enumerate() {
                if k > 0 {
                    new.push(b'\n');
                }
                let (body, cr): (&[u8], &[u8]) = match line.strip_suffix(b"\r") {
                    Some(body) => (body, b"\r"),
                    None => (line, b""),
                };
                new.extend_from_slice(&re.replace_all(body, ORACLE_TEMPLATE.as_bytes()));
                new.extend_from_slice(cr);
            }
            TreeFile { rel: format!("d{:02}/f{i:05}.txt", i % 50), old, new }
        })
        .collect()
}

/// Puts every file back to its old content and removes any leftover.
fn restore(root: &Path, tree: &[TreeFile]) {
    for path in leftovers(root) {
        fs::remove_file(path).unwrap();
    }
    for file in tree {
        let path = root.join(&file.rel);
        if fs::read(&path).ok().as_deref() != Some(&file.old[..]) {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).unwrap();
            }
            fs::write(&path, &file.old).unwrap();
        }
    }
}

/// Checks every file is wholly old or wholly new; returns how many are new.
fn check_whole(root: &Path, tree: &[TreeFile], round: &str) -> usize {
    let mut new = 0;
    for file in tree {
        let now = fs::read(root.join(&file.rel)).unwrap_or_else(|e| panic!("{round}: {}: {e}", file.rel));
        if now == file.new && file.new != file.old {
            new += 1;
        } else if now != file.old {
            panic!(
                "{round}: {} is neither old nor new:\n  now {:?}\n  old {:?}\n  new {:?}",
                file.rel,
                String::from_utf8_lossy(&now),
                String::from_utf8_lossy(&file.old),
                String::from_utf8_lossy(&file.new)
            );
        }
    }
    new
}

/// `ba ARGS` in `root`, with its undo journal in `state`, its output discarded.
fn spawn_ba(root: &Path, state: &Path, args: &[&str]) -> std::process::Child {
    ba(root)
        .args(args)
        .env("XDG_STATE_HOME", state)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ba")
}

fn spawn_replace(root: &Path, state: &Path) -> std::process::Child {
    spawn_ba(root, state, &[PATTERN, "-r", TEMPLATE])
}

/// Runs `ba --undo` to its end; returns its exit code.
fn undo(root: &Path, state: &Path) -> Option<i32> {
    wait_for(&mut spawn_ba(root, state, &["--undo"]), Duration::from_secs(300)).code()
}

/// Where a fault test works: the tree and the undo journal's state directory beside it, on a tmpfs
/// when one can be mounted; and the tree, as big as a full run allows within the time budget.
struct Bench {
    // Fields drop in this order: the tmpfs is unmounted before its directory is removed.
    _mounted: Option<Tmpfs>,
    _dir: tempfile::TempDir,
    root: PathBuf,
    state: PathBuf,
    rounds: usize,
    tree: Vec<TreeFile>,
    files: usize,
    changing: usize,
    /// How long a full run takes, and the `--undo` of it.
    full: Duration,
    full_undo: Duration,
}

impl Bench {
    /// Builds the tree and times a full run, which must write exactly the new contents, and the
    /// `--undo` after it, which must give back exactly the old tree. The tree is made smaller when
    /// the rounds, each taking about `runs` full runs, would take more than about `seconds`.
    fn new(rounds_tmpfs: usize, rounds_disk: usize, runs: u32, seconds: u64) -> Bench {
        let dir = tempdir();
        let mnt = dir.path().join("mnt");
        let mounted =
            if std::env::var_os("BA_FAULT_NO_TMPFS").is_some() { None } else { Tmpfs::mount(&mnt, "512m") };
        let (base, rounds) = match mounted {
            Some(_) => (mnt.clone(), rounds_tmpfs),
            None => (dir.path().to_path_buf(), rounds_disk),
        };
        let (root, state) = (base.join("tree"), base.join("state"));
        fs::create_dir_all(&root).unwrap();
        let mut files = FILES;
        loop {
            let tree = build_tree(files);
            let changing = tree.iter().filter(|f| f.new != f.old).count();
            assert!(changing > files / 4, "the tree has matches");
            restore(&root, &tree);

            // A full run: how long it takes, and that it writes exactly the new contents.
            let t0 = Instant::now();
            let status = wait_for(&mut spawn_replace(&root, &state), Duration::from_secs(300));
            let full = t0.elapsed();
            assert_eq!(status.code(), Some(0));
            assert_eq!(
                check_whole(&root, &tree, "full run"),
                changing,
                "a full run writes every changing file"
            );
            assert!(leftovers(&root).is_empty());
            assert_eq!(files_below(&root).len(), files);
            // --undo after it gives back the old tree, byte for byte.
            let t0 = Instant::now();
            assert_eq!(undo(&root, &state), Some(0));
            let full_undo = t0.elapsed();
            assert_eq!(check_whole(&root, &tree, "undo of the full run"), 0, "--undo restores every file");
            assert!(leftovers(&root).is_empty());
            assert_eq!(undo(&root, &state), Some(1), "a second --undo has nothing to undo");
            let budget = Duration::from_secs(seconds) / (rounds as u32 * runs);
            if full <= budget || files <= 200 {
                return Bench {
                    _dir: dir,
                    _mounted: mounted,
                    root,
                    state,
                    rounds,
                    tree,
                    files,
                    changing,
                    full,
                    full_undo,
                };
            }
            let fewer = ((files as f64 * budget.as_secs_f64() / full.as_secs_f64()) as usize).max(200);
            eprintln!(
                "note: a full run over {files} files takes {full:?} here (syncing each file): scaling the tree \
                 down to {fewer} files to stay within the time budget"
            );
            fs::remove_dir_all(&root).unwrap();
            fs::create_dir_all(&root).unwrap();
            files = fewer;
        }
    }

    /// Every file is old or new, at most one temporary file is left, beside a file of the tree, and
    /// no file appeared or vanished; returns how many files are new.
    fn check(&self, name: &str) -> usize {
        let new = check_whole(&self.root, &self.tree, name);
        let left = leftovers(&self.root);
        assert!(left.len() <= 1, "{name}: more than one temporary file left: {left:?}");
        assert_eq!(
            files_below(&self.root).len(),
            self.files + left.len(),
            "{name}: files appeared or vanished"
        );
        if let Some(temp) = left.first() {
            // The temporary file sits beside a file of the tree.
            let dir = temp.parent().unwrap();
            assert!(
                self.tree.iter().any(|f| self.root.join(&f.rel).parent() == Some(dir)),
                "{name}: {temp:?}"
            );
        }
        new
    }
}

/// The seed of the random delays: `BA_FAULT_SEED`, else the clock.
fn seed() -> u64 {
    std::env::var("BA_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64 | 1)
}

/// Kills `child` with SIGKILL after `delay`; returns how it ended.
fn kill_after(mut child: std::process::Child, delay: Duration) -> std::process::ExitStatus {
    thread::sleep(delay);
    let _ = child.kill(); // SIGKILL; fails only if ba already ended
    child.wait().unwrap()
}

#[test]
fn sigkill_at_any_moment_leaves_every_file_old_or_new() {
    let started = Instant::now();
    // A round waits half a run on average, and its --undo takes about as long.
    let bench = Bench::new(ROUNDS_TMPFS, ROUNDS_DISK, 1, 20);
    let (root, state, tree, rounds) = (&bench.root, &bench.state, &bench.tree, bench.rounds);
    let seed = seed();
    eprintln!(
        "{} files, {} with matches; a full run takes {:?}; BA_FAULT_SEED={seed}",
        bench.files, bench.changing, bench.full
    );
    let mut rng = Rng(seed);

    let (mut untouched, mut partial, mut complete, mut with_leftover) = (0, 0, 0, 0);
    for round in 0..rounds {
        restore(root, tree);
        let delay = rng.below(bench.full);
        let status = kill_after(spawn_replace(root, state), delay);
        let name = format!("round {round} (killed after {delay:?}, {status})");
        let new = bench.check(&name);
        with_leftover += usize::from(!leftovers(root).is_empty());
        match new {
            0 => untouched += 1,
            n if n == bench.changing => complete += 1,
            _ => partial += 1,
        }
        // --undo puts back every file the killed run renamed; nothing to undo if it renamed none.
        let undone = undo(root, state);
        assert!(matches!(undone, Some(0 | 1)), "{name}: --undo exited with {undone:?}");
        assert_eq!(bench.check(&format!("{name}, undone")), 0, "{name}: --undo left a new file");
    }
    restore(root, tree);
    eprintln!(
        "{rounds} rounds: {partial} killed mid-run, {untouched} before any write, {complete} after the last; \
         {with_leftover} left a temporary file; each undone; {:?} in all",
        started.elapsed()
    );
    assert!(partial > 0, "no kill landed in the middle of the run: the test tested nothing");
}

/// `--undo` killed at random moments, then run again to its end: every file is old or new at each
/// kill, and the last run gives back exactly the old tree.
#[test]
fn sigkill_during_undo_then_undo_again_gives_back_the_old_tree() {
    let started = Instant::now();
    // A round is a full run, then half an undo on average, then the rest of it.
    let bench = Bench::new(UNDO_ROUNDS_TMPFS, UNDO_ROUNDS_DISK, 2, 6);
    let (root, state, tree) = (&bench.root, &bench.state, &bench.tree);
    let seed = seed();
    eprintln!("{} files; a full --undo takes {:?}; BA_FAULT_SEED={seed}", bench.files, bench.full_undo);
    let mut rng = Rng(seed);
    let mut partial = 0;
    for round in 0..bench.rounds {
        restore(root, tree);
        assert_eq!(wait_for(&mut spawn_replace(root, state), Duration::from_secs(300)).code(), Some(0));
        let delay = rng.below(bench.full_undo);
        let status = kill_after(spawn_ba(root, state, &["--undo"]), delay);
        let name = format!("round {round} (--undo killed after {delay:?}, {status})");
        let new = bench.check(&name);
        partial += usize::from(new > 0 && new < bench.changing);
        // Run again, --undo finishes the work (or finds it done).
        let undone = undo(root, state);
        assert!(matches!(undone, Some(0 | 1)), "{name}: the next --undo exited with {undone:?}");
        assert_eq!(bench.check(&format!("{name}, undone again")), 0, "{name}: a file stayed new");
        assert_eq!(undo(root, state), Some(1), "{name}: the run is still in the journal");
    }
    restore(root, tree);
    eprintln!("{} rounds: {partial} killed mid-undo; {:?} in all", bench.rounds, started.elapsed());
    assert!(partial > 0, "no kill landed in the middle of an undo: the test tested nothing");
}
