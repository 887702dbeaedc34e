//! The search index (`--index-build`): a search with it answers byte for byte as one without it,
//! whatever happened to the tree or to the index since the build.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::Config;
use tempfile::TempDir;

use crate::util::*;

/// A tree and a cache directory of its own, outside it.
struct Fixture {
    tree: TempDir,
    cache: TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture { tree: tempdir(), cache: tempdir() }
    }

    fn root(&self) -> &Path {
        self.tree.path()
    }

    /// `ba` in the tree with this cache. A file counts as changed however close to the build it
    /// changed (the tests edit files milliseconds after it): they wait instead (`settle`).
    fn ba(&self) -> Command {
        let mut cmd = ba(self.root());
        cmd.env("XDG_CACHE_HOME", self.cache.path()).env("BA_INDEX_RACY_MS", "0");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.ba().args(args).output().expect("run ba")
    }

    fn build(&self) -> String {
        let out = self.run(&["--index-build"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        stdout_of(&out)
    }

    fn index_files(&self) -> Vec<PathBuf> {
        let dir = self.cache.path().join("ba/index");
        fs::read_dir(dir).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default()
    }

    /// The search with the index and without it give the same output and exit code; returns the
    /// indexed one.
    fn same_answer(&self, args: &[&str]) -> Output {
        let with = self.run(args);
        let without = self.run(&[&["--no-index"], args].concat());
        assert_eq!(stdout_of(&with), stdout_of(&without), "stdout of {args:?}");
        assert_eq!(with.status.code(), without.status.code(), "exit code of {args:?}");
        with
    }

    /// How many files the index ruled out in a search for `pattern`.
    fn ruled_out(&self, pattern: &str) -> usize {
        let out = self.run(&["--pretty", "--color", "never", "--stats", pattern]);
        let text = stdout_of(&out);
        let line = text.lines().find_map(|l| l.strip_prefix("Files Ruled Out by the Index: "));
        line.map_or(0, |n| n.replace(',', "").parse().unwrap())
    }
}

/// Changes made to a file's times within one tick of the file system's clock cannot be told apart:
/// the tests leave one tick between writing a tree and indexing it.
fn settle() {
    std::thread::sleep(Duration::from_millis(25));
}

const NAMES: &[&str] = &["a.txt", "b.rs", "d/c.txt", "d/e/f.md", "d/e/K.c", "x/y.txt", ".hidden/h.txt"];
const PIECES: &[&str] =
    &["foo", "Foo", "FOO", "bar", "baz", "qux", "kab", "\u{212A}ab", "ſ", " ", "\n", "\n", "\r\n", "\0", "é"];

/// The searches compared: patterns with the flags that change what a file with no match prints.
const SEARCHES: &[&[&str]] = &[
    &["-p", "foo"],
    &["-p", "(?i)foo"],
    &["-p", "FOO"],
    &["-p", "--ignore-case", "KAB"],
    &["-p", "-l", "foo"],
    &["-p", "-l", "Foo"],
    &["-p", "--ignore-case", "fOO ba"],
    &["-p", "(?i)Sfoo"],
    &["-p", "foo|qux"],
    &["-p", "ba[rz]"],
    &["-p", r"bar\s+baz"],
    &["-p", r"\w+"],
    &["-p", "fooqux"],
    &["-p", "-F", "o b"],
    &["-p", "--word-regexp", "foo"],
    &["-p", "-x", "foo"],
    &["-p", "-v", "foo"],
    &["-p", "--passthru", "qux"],
    &["-p", "-a", "qux"],
    &["-p", "--hidden", "qux"],
    &["-c", "baz"],
    &["--count", "--include-zero", "baz"],
    &["--files-without-match", "qux"],
    &["--files-with-matches", "kab"],
    &["-p", "-U", "foo\nbar"],
    &["-p", "-B1", "qux"],
];

#[derive(Clone, Debug)]
enum Edit {
    Rewrite(usize, Vec<u8>),
    Append(usize, Vec<u8>),
    Create(usize, Vec<u8>),
    Delete(usize),
    Rename(usize, usize),
    ReplaceByDirectory(usize),
    Touch(usize),
}

fn content() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|p| p.concat().into_bytes())
}

fn edit() -> impl Strategy<Value = Edit> {
    let name = 0..NAMES.len();
    prop_oneof![
        (name.clone(), content()).prop_map(|(n, c)| Edit::Rewrite(n, c)),
        (name.clone(), content()).prop_map(|(n, c)| Edit::Append(n, c)),
        (name.clone(), content()).prop_map(|(n, c)| Edit::Create(n, c)),
        name.clone().prop_map(Edit::Delete),
        (name.clone(), name.clone()).prop_map(|(a, b)| Edit::Rename(a, b)),
        name.clone().prop_map(Edit::ReplaceByDirectory),
        name.prop_map(Edit::Touch),
    ]
}

/// Applies `edit` to the tree; an edit of a file that is not there (any more) does nothing.
fn apply(root: &Path, edit: &Edit) {
    let path = |n: usize| root.join(NAMES[n]);
    let is_file = |n: usize| path(n).is_file();
    match edit {
        Edit::Rewrite(n, c) if is_file(*n) => fs::write(path(*n), c).unwrap(),
        Edit::Append(n, c) if is_file(*n) => {
            let mut old = fs::read(path(*n)).unwrap();
            old.extend_from_slice(c);
            fs::write(path(*n), old).unwrap();
        }
        Edit::Create(n, c) if !path(*n).exists() && path(*n).parent().is_none_or(|p| !p.is_file()) => {
            write(root, NAMES[*n], c);
        }
        Edit::Delete(n) if is_file(*n) => fs::remove_file(path(*n)).unwrap(),
        Edit::Rename(a, b)
            if is_file(*a) && !path(*b).exists() && path(*b).parent().is_none_or(Path::is_dir) =>
        {
            fs::rename(path(*a), path(*b)).unwrap()
        }
        Edit::ReplaceByDirectory(n) if is_file(*n) => {
            let moved = fs::read(path(*n)).unwrap();
            fs::remove_file(path(*n)).unwrap();
            write(&path(*n), "inside.txt", moved);
        }
        Edit::Touch(n) if is_file(*n) => {
            let file = fs::File::options().append(true).open(path(*n)).unwrap();
            file.set_modified(std::time::SystemTime::now()).unwrap();
        }
        _ => {}
    }
}

fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    Config { cases, failure_persistence: None, ..Config::default() }
}

proptest! {
    #![proptest_config(config(16))]

    /// Whatever changed between the build and the search (files rewritten, appended to, created,
    /// deleted, renamed, replaced by directories, touched), every search answers as without the
    /// index.
    #[test]
    fn an_indexed_search_answers_as_a_full_scan_after_random_edits(
        files in prop::collection::vec((0..NAMES.len(), content()), 1..8),
        edits in prop::collection::vec(edit(), 0..6),
        update in prop::option::of(prop::collection::vec(edit(), 0..4)),
        run_bytes in prop::sample::select(vec![16, 256, 1 << 20]),
    ) {
        let fixture = Fixture::new();
        for (n, c) in &files {
            write(fixture.root(), NAMES[*n], c);
        }
        settle();
        // Small runs: the build merges many of them.
        let build = || {
            let out = fixture.ba().env("BA_INDEX_RUN_BYTES", run_bytes.to_string()).arg("--index-build").output();
            assert_eq!(out.unwrap().status.code(), Some(0));
        };
        build();
        for edit in &edits {
            apply(fixture.root(), edit);
        }
        // An update, after which the tree changes again.
        if let Some(more) = &update {
            settle();
            build();
            for edit in more {
                apply(fixture.root(), edit);
            }
        }
        for search in SEARCHES {
            fixture.same_answer(search);
        }
        let summary = |out: &Output| {
            let text = without_duration(&stdout_of(out));
            text.lines().filter(|l| !l.starts_with("Files Ruled Out")).collect::<Vec<_>>().join("\n")
        };
        // The files ruled out are counted as their searches count them: lines, bytes, binary.
        for text in [&[][..], &["-a"]] {
            let args = [text, &["--pretty", "--color", "never", "--stats", "qux"]].concat();
            let with = fixture.run(&args);
            let without = fixture.run(&[&["--no-index"], &args[..]].concat());
            prop_assert_eq!(summary(&with), summary(&without));
        }
    }
}

/// A tree where most files cannot match `needle`.
fn haystack(fixture: &Fixture, files: usize) {
    for i in 0..files {
        let text =
            if i % 10 == 0 { format!("line {i}\nthe needle {i}\n") } else { format!("line {i}\nhay\n") };
        write(fixture.root(), &format!("d{}/f{i}.txt", i % 7), text);
    }
    settle();
}

#[test]
fn the_index_rules_out_the_files_that_cannot_match_and_only_those() {
    let fixture = Fixture::new();
    haystack(&fixture, 100);
    assert!(fixture.build().contains(": 100 files indexed (100 read,"));
    let out = fixture.same_answer(&["-p", "needle"]);
    assert_eq!(stdout_of(&out).lines().count(), 10);
    assert_eq!(fixture.ruled_out("needle"), 90);
    // Case counts where the pattern's does: smart case and --ignore-case ask for any case.
    assert_eq!(fixture.ruled_out("NEEDLE"), 100);
    assert_eq!(fixture.ruled_out("(?i)NEEDLE"), 90);
    assert_eq!(fixture.ruled_out("nEEDLE"), 100);
    assert_eq!(fixture.ruled_out("neeDLE"), 100);
    assert_eq!(stdout_of(&fixture.same_answer(&["-p", "NEEDLE"])), "");
    // A pattern without three bytes in a row to look for reads every file.
    assert_eq!(fixture.ruled_out(r"\w+"), 0);
    // A file changed since is read, whatever the index says of it.
    write(fixture.root(), "d1/f1.txt", "the needle now\n");
    let out = fixture.same_answer(&["-p", "needle"]);
    assert!(stdout_of(&out).contains("d1/f1.txt:1:the needle now\n"));
    assert_eq!(fixture.ruled_out("needle"), 89);
}

#[test]
fn a_file_with_a_strings_trigrams_but_not_in_a_row_is_ruled_out() {
    let fixture = Fixture::new();
    // Every trigram of `pm_resume`, but `m_r` followed by a `u`, not an `e`.
    write(fixture.root(), "apart.txt", "pm_runtime_reset(resume);\n");
    write(fixture.root(), "in-a-row.txt", "static int pm_resume(void);\n");
    write(fixture.root(), "upper.txt", "case PM_RESUME:\n");
    write(fixture.root(), "at-end.txt", "x pm_resume");
    settle();
    fixture.build();
    // Smart case: in any case.
    assert_eq!(fixture.ruled_out("pm_resume"), 1);
    assert_eq!(fixture.ruled_out("(?i)PM_RESUME"), 1);
    assert_eq!(fixture.ruled_out("PM_RESUME"), 3);
    for pattern in ["pm_resume", "(?i)pm_resumE", "PM_RESUME", "resume|runtime_reset", "m_r"] {
        fixture.same_answer(&["-p", pattern]);
    }
    // What follows a string's last trigram is anything, the end of the file included.
    let out = fixture.same_answer(&["-p", "-c", "pm_resume"]);
    assert_eq!(stdout_of(&out), "at-end.txt:1\nin-a-row.txt:1\nupper.txt:1\n");
}

#[test]
fn a_subdirectory_of_an_indexed_tree_is_searched_with_its_index() {
    let fixture = Fixture::new();
    haystack(&fixture, 70);
    fixture.build();
    // d3 holds f3, f10, ..., f66: only f10 has the needle.
    let out = fixture.same_answer(&["-p", "needle", "d3"]);
    assert_eq!(stdout_of(&out), "d3/f10.txt:2:the needle 10\n");
    let out = fixture.run(&["--pretty", "--color", "never", "--stats", "needle", "d3"]);
    assert!(stdout_of(&out).contains("Files Ruled Out by the Index: 9\n"), "{}", stdout_of(&out));
    let status = stdout_of(&fixture.run(&["--index-status", "d3"]));
    assert!(status.starts_with("d3: index of "), "{status}");
    assert!(
        status.contains(": 70 files,")
            && status.ends_with(
                "; 0 files changed or gone since; 0 always read (compressed, UTF-16 or over 256 MiB)\n"
            ),
        "{status}"
    );
}

#[test]
fn a_tree_built_with_a_root_inside_it_holds_each_file_once() {
    let fixture = Fixture::new();
    for (name, text) in [("t/sub/f0.txt", "hay\n"), ("t/sub/f1.txt", "needle\n"), ("t/sub/f2.txt", "hay\n")] {
        write(fixture.root(), name, text);
    }
    settle();
    // Both roots walk t/sub/: each index holds its files once, built and updated.
    for _ in 0..2 {
        let out = fixture.run(&["--index-build", "-d", "t", "-d", "t/sub"]);
        let report = stdout_of(&out);
        assert_eq!(report.matches(": 3 files indexed (").count(), 2, "{report}");
        settle();
    }
    // A new entry: t/sub/ is listed again, and its files are looked up by path.
    write(fixture.root(), "t/sub/new", "");
    settle();
    for root in ["t", "t/sub"] {
        let out = fixture.same_answer(&["-p", "needle", "-d", root]);
        assert!(stdout_of(&out).contains("f1.txt:1:needle"), "{}", stdout_of(&out));
    }
}

#[test]
fn an_update_reads_only_the_files_that_changed() {
    let fixture = Fixture::new();
    haystack(&fixture, 50);
    fixture.build();
    write(fixture.root(), "d2/f2.txt", "changed\n");
    write(fixture.root(), "new.txt", "the needle, new\n");
    fs::remove_file(fixture.root().join("d3/f3.txt")).unwrap();
    let report = fixture.build();
    assert!(report.contains(": 50 files indexed (2 read,"), "{report}");
    settle();
    assert_eq!(fixture.ruled_out("needle"), 50 - 6);
    fixture.same_answer(&["-p", "needle"]);
}

#[test]
fn an_update_of_files_changed_in_place_forgets_what_they_held() {
    let fixture = Fixture::new();
    haystack(&fixture, 50);
    fixture.build();
    // The same files in the same order: the old lists that hold neither changed file are copied as
    // they are, the others without it.
    write(fixture.root(), "d3/f10.txt", "line 10\nhay\n");
    write(fixture.root(), "d2/f2.txt", "the needle, moved here\n");
    let report = fixture.build();
    assert!(report.contains(": 50 files indexed (2 read,"), "{report}");
    settle();
    // f0, f2, f20, f30 and f40 hold it; f10 no longer does.
    assert_eq!(fixture.ruled_out("needle"), 45);
    assert_eq!(stdout_of(&fixture.same_answer(&["-p", "-l", "needle"])).lines().count(), 5);
    assert_eq!(fixture.ruled_out("moved"), 49);
    fixture.same_answer(&["-p", "hay"]);

    // The changed file right after one that stays: each list is read up to the last changed file,
    // that file included.
    let fixture = Fixture::new();
    write(fixture.root(), "a.txt", "the needle\n");
    write(fixture.root(), "b.txt", "the needle\n");
    settle();
    fixture.build();
    write(fixture.root(), "b.txt", "no more\n");
    fixture.build();
    settle();
    assert_eq!(fixture.ruled_out("needle"), 1);
    fixture.same_answer(&["-p", "needle"]);
}

#[test]
fn a_file_changed_just_after_the_build_is_read_even_with_the_same_size_and_times() {
    // With the clock's real tick allowed for, not the tests' zero: a rewrite within it is doubted.
    let fixture = Fixture::new();
    write(fixture.root(), "a.txt", "hay\n");
    let status = fixture.ba().env_remove("BA_INDEX_RACY_MS").arg("--index-build").status().unwrap();
    assert!(status.success());
    let modified = fs::metadata(fixture.root().join("a.txt")).unwrap().modified().unwrap();
    fs::write(fixture.root().join("a.txt"), "abc\n").unwrap();
    let file = fs::File::options().append(true).open(fixture.root().join("a.txt")).unwrap();
    file.set_modified(modified).unwrap();
    let out = fixture.ba().env_remove("BA_INDEX_RACY_MS").args(["-p", "abc"]).output().unwrap();
    assert_eq!(stdout_of(&out), "a.txt:1:abc\n");
}

#[test]
fn a_damaged_index_is_reported_once_and_never_changes_an_answer() {
    let fixture = Fixture::new();
    haystack(&fixture, 60);
    fixture.build();
    let index = fixture.index_files().pop().expect("an index");
    let good = fs::read(&index).unwrap();
    let len = good.len();
    let damage = |what: &str, bytes: &mut Vec<u8>| match what {
        "truncated" => bytes.truncate(len / 2),
        "emptied" => bytes.clear(),
        "header" => bytes[20] ^= 1,
        "version" => bytes[8] = 9,
        "paths" => bytes[len - 3000] ^= 0x20,
        "table" => bytes[len - 5] ^= 0x40,
        "postings" => bytes[162] ^= 0x01,
        _ => unreachable!(),
    };
    for what in ["truncated", "emptied", "header", "version", "paths", "table", "postings"] {
        let mut bytes = good.clone();
        damage(what, &mut bytes);
        fs::write(&index, &bytes).unwrap();
        // Roots by the dozen, all below the tree: its index is reported once, not once a root.
        let named: Vec<String> = (0..30).map(|i| format!("d{}/f{i}.txt", i % 7)).collect();
        let named: Vec<&str> = named.iter().map(String::as_str).chain(["d1", "d2/"]).collect();
        for pattern in ["needle", "hay", "line 3"] {
            let out = fixture.same_answer(&[&["-p", pattern], &named[..]].concat());
            let stderr = stderr_of(&out);
            assert!(stderr.lines().count() <= 1, "{what}, named: {stderr}");
            let out = fixture.same_answer(&["-p", pattern]);
            let stderr = stderr_of(&out);
            assert!(
                stderr.is_empty() || (stderr.lines().count() == 1 && stderr.contains("cannot be used")),
                "{what}: {stderr}"
            );
            if matches!(what, "truncated" | "emptied" | "header" | "version") {
                assert!(stderr.contains("cannot be used"), "{what}: {stderr}");
            }
        }
    }
}

#[test]
fn builds_at_once_leave_a_whole_index() {
    let fixture = Fixture::new();
    haystack(&fixture, 300);
    let builds: Vec<_> = (0..4)
        .map(|_| fixture.ba().arg("--index-build").stdout(std::process::Stdio::null()).spawn().unwrap())
        .collect();
    for mut build in builds {
        assert!(wait_for(&mut build, Duration::from_secs(60)).success());
    }
    assert_eq!(fixture.index_files().len(), 1, "{:?}", fixture.index_files());
    assert_eq!(fixture.ruled_out("needle"), 270);
    fixture.same_answer(&["-p", "needle"]);
}

#[test]
fn a_build_killed_half_way_leaves_the_old_index_or_the_new() {
    let fixture = Fixture::new();
    haystack(&fixture, 2000);
    fixture.build();
    write(fixture.root(), "d0/new.txt", "a needle\n");
    for delay_ms in [1, 5, 20, 60] {
        let mut build =
            fixture.ba().arg("--index-build").stdout(std::process::Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = build.kill();
        let _ = build.wait();
        let out = fixture.same_answer(&["-p", "needle"]);
        assert_eq!(stderr_of(&out), "");
    }
    // The next build removes what killed builds left, and leaves the files of builds still running.
    let index_dir = fixture.cache.path().join("ba/index");
    let dead = index_dir.join(".building-999999999-abc");
    let running = index_dir.join(format!(".building-{}-abc", std::process::id()));
    fs::write(&dead, "half").unwrap();
    fs::write(&running, "half").unwrap();
    fixture.build();
    assert!(!dead.exists() && running.exists());
    fs::remove_file(running).unwrap();
    assert_eq!(fixture.index_files().len(), 1, "{:?}", fixture.index_files());
}

#[test]
fn the_index_lives_in_the_cache_never_in_the_tree_and_must_be_the_users() {
    let fixture = Fixture::new();
    haystack(&fixture, 20);
    let before = files_below(fixture.root());
    fixture.build();
    assert_eq!(files_below(fixture.root()), before);
    let index_dir = fixture.cache.path().join("ba/index");
    assert_eq!(mode(&index_dir) & 0o777, 0o700);
    assert_eq!(mode(&fixture.index_files()[0]) & 0o777, 0o600);
    fs::set_permissions(&index_dir, fs::Permissions::from_mode(0o777)).unwrap();
    let out = fixture.same_answer(&["-p", "needle"]);
    assert!(stderr_of(&out).contains("writable by others than you"), "{}", stderr_of(&out));
    let out = fixture.run(&["--index-build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("writable by others than you"), "{}", stderr_of(&out));
}

#[test]
fn drop_removes_the_index_and_status_says_so() {
    let fixture = Fixture::new();
    haystack(&fixture, 10);
    // A compressed file is read by every search (-z decodes it): the index keeps no trigrams of it.
    write(fixture.root(), "old.log.gz", "not really gzip");
    settle();
    fixture.build();
    let status = stdout_of(&fixture.run(&["--index-status"]));
    assert!(status.contains(": 11 files,"), "{status}");
    assert!(
        status.ends_with(
            "; 0 files changed or gone since; 1 always read (compressed, UTF-16 or over 256 MiB)\n"
        ),
        "{status}"
    );
    let out = fixture.run(&["--index-drop"]);
    assert_eq!((out.status.code(), stdout_of(&out)), (Some(0), ".: index dropped\n".to_string()));
    assert!(fixture.index_files().is_empty());
    let out = fixture.run(&["--index-status"]);
    assert_eq!((out.status.code(), stdout_of(&out)), (Some(1), ".: no index covers it\n".to_string()));
}

#[test]
fn a_directory_listed_by_the_build_is_listed_anew_once_an_entry_changes_even_with_its_time_put_back() {
    let fixture = Fixture::new();
    haystack(&fixture, 70);
    fixture.build();
    // A search takes an unchanged directory's entries from the index; its change time, which no
    // one can put back, still tells of a new entry.
    let dir = fixture.root().join("d3");
    let modified = fs::metadata(&dir).unwrap().modified().unwrap();
    write(fixture.root(), "d3/new.txt", "a needle here\n");
    fs::File::open(&dir).unwrap().set_modified(modified).unwrap();
    assert_eq!(fs::metadata(&dir).unwrap().modified().unwrap(), modified);
    let out = fixture.same_answer(&["-p", "needle"]);
    assert!(stdout_of(&out).contains("d3/new.txt:1:a needle here\n"), "{}", stdout_of(&out));
    // And a directory that did not change is listed as the build listed it: the same answer.
    fixture.same_answer(&["-p", "--hidden", "needle"]);
}

#[test]
fn files_ruled_out_count_in_every_summary_as_their_searches_would() {
    let fixture = Fixture::new();
    haystack(&fixture, 30);
    // A byte-order mark alone is no line; with text after it, one.
    write(fixture.root(), "bom.txt", b"\xEF\xBB\xBF");
    write(fixture.root(), "bom-line.txt", b"\xEF\xBB\xBFhay");
    settle();
    fixture.build();
    // JSON's summary, its times left out.
    let counts = |args: &[&str]| {
        let out = stdout_of(&fixture.run(args));
        let summary = out.lines().last().unwrap_or_default().to_string();
        summary.split("\"searches\"").nth(1).unwrap_or_default().to_string()
    };
    for pattern in ["needle", "zzzz"] {
        let with = counts(&["--json", pattern]);
        assert!(with.contains("\"bytes_searched\":"), "{with}");
        assert_eq!(with, counts(&["--no-index", "--json", pattern]), "{pattern}");
    }
    let lines = |args: &[&str]| {
        let out = stdout_of(&fixture.run(args));
        out.lines().find(|line| line.starts_with("Lines Searched")).unwrap_or_default().to_string()
    };
    let args = ["--pretty", "--color", "never", "--stats", "needle"];
    assert_eq!(lines(&args), lines(&[&["--no-index"], &args[..]].concat()));
    assert_eq!(fixture.ruled_out("needle"), 29);
}

/// A file of `len` bytes of lines without the letters of `needle`, with `pieces` written at their
/// offsets.
fn big_file(len: usize, pieces: &[(usize, &str)]) -> Vec<u8> {
    let mut text: Vec<u8> = b"xyz 0123 abc_fgh\n".iter().copied().cycle().take(len).collect();
    for (at, piece) in pieces {
        let at = (*at).min(len - piece.len());
        text[at..at + piece.len()].copy_from_slice(piece.as_bytes());
    }
    text
}

#[test]
fn a_big_file_whose_trigrams_are_far_apart_is_ruled_out_and_one_with_the_string_is_not() {
    let fixture = Fixture::new();
    // 1 MiB: 64 blocks of 16 KiB. The string across the boundary of two blocks, and at the end.
    let block = 16 << 10;
    write(fixture.root(), "across.txt", big_file(1 << 20, &[(5 * block - 3, "needle")]));
    write(fixture.root(), "at-end.txt", big_file(1 << 20, &[((1 << 20) - 6, "needle")]));
    // Every trigram of `needle`, none of them near the others.
    write(fixture.root(), "apart.txt", big_file(1 << 20, &[(100, "need"), (40 * block, "eedle")]));
    settle();
    fixture.build();
    let out = fixture.same_answer(&["-p", "needle"]);
    assert_eq!(stdout_of(&out).lines().count(), 2, "{}", stdout_of(&out));
    assert_eq!(fixture.ruled_out("needle"), 1);
    assert_eq!(fixture.ruled_out("(?i)NEEDLE"), 1);
    // Strings that may be far apart ask only to be in the file.
    assert_eq!(fixture.ruled_out(r"need\w*edle"), 0);
    fixture.same_answer(&["-p", r"need\w*edle"]);
    fixture.same_answer(&["-p", "-U", r"need[\s\S]*edle"]);
}

proptest! {
    #![proptest_config(config(12))]

    /// The blocks of a big file never rule out a file that holds a match, wherever the strings are.
    #[test]
    fn the_blocks_of_a_big_file_never_rule_out_a_match(
        len in (256usize << 10)..(3 << 20),
        pieces in prop::collection::vec(
            (0usize..(3 << 20), prop::sample::select(vec!["needle", "need", "edle", "NEEDLE", "eedl", "dle", "nee"])),
            0..6,
        ),
    ) {
        let fixture = Fixture::new();
        write(fixture.root(), "big.txt", big_file(len, &pieces));
        settle();
        fixture.build();
        for pattern in ["needle", "(?i)needle", "need|eedle", r"nee\w*dle", "edle"] {
            fixture.same_answer(&["-p", "-c", pattern]);
        }
    }
}

#[test]
fn damaged_blocks_are_reported_and_an_update_reads_every_file_again() {
    let fixture = Fixture::new();
    // 1 MiB: blocks of 16 KiB; `needle` in block 5 only.
    write(fixture.root(), "big.txt", big_file(1 << 20, &[(5 * (16 << 10) + 100, "needle")]));
    haystack(&fixture, 20);
    fixture.build();
    // The block entry of `need`: the four bytes, then their mask (block 5).
    let index = fixture.index_files().pop().expect("an index");
    let mut bytes = fs::read(&index).unwrap();
    let mut entry = u32::from_be_bytes(*b"need").to_le_bytes().to_vec();
    entry.extend_from_slice(&(1u64 << 5).to_le_bytes());
    let at = bytes.windows(entry.len()).position(|w| w == entry).expect("the block entry of `need`");
    bytes[at + 4] ^= 0x01;
    fs::write(&index, &bytes).unwrap();
    let out = fixture.same_answer(&["-p", "needle"]);
    assert!(stderr_of(&out).contains("cannot be used"), "{}", stderr_of(&out));
    // An update does not take from the damaged index: it reads every file.
    assert!(fixture.build().contains(": 21 files indexed (21 read,"));
    let out = fixture.same_answer(&["-p", "needle"]);
    assert_eq!(stderr_of(&out), "");
    assert_eq!(fixture.ruled_out("needle"), 18);
}

#[test]
fn an_update_over_a_damaged_posting_list_reads_every_file_again() {
    let fixture = Fixture::new();
    haystack(&fixture, 20);
    fixture.build();
    // The first posting list's first byte: the postings follow the header's 192 bytes.
    let index = fixture.index_files().pop().expect("an index");
    let mut bytes = fs::read(&index).unwrap();
    bytes[192] ^= 0x01;
    fs::write(&index, &bytes).unwrap();
    let out = fixture.run(&["--index-build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains(": 20 files indexed (20 read,"), "{}", stdout_of(&out));
    assert!(stderr_of(&out).contains("the old index cannot be used"), "{}", stderr_of(&out));
    settle();
    let out = fixture.same_answer(&["-p", "needle"]);
    assert_eq!(stderr_of(&out), "");
    assert_eq!(fixture.ruled_out("needle"), 18);
}
