//! Hostile shapes: ba's time grows with the input, not faster. Each test doubles (or quadruples)
//! an input and bounds the ratio of the times, never a time itself.

use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::*;

/// The shortest of three runs of `ba ARGS` with `input` on its standard input.
fn fastest(args: &[&str], input: &[u8]) -> Duration {
    let dir = tempdir();
    (0..3)
        .map(|_| {
            let started = Instant::now();
            let out = ba(dir.path()).args(args).run_stdin(input);
            assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
            started.elapsed()
        })
        .min()
        .unwrap()
}

/// One line longer than any read, through a pipe (short reads): each read is looked through once.
/// Quadrupling the line quadruples the time (a look at the whole line after every read made it 10
/// to 16 times).
#[test]
fn a_line_longer_than_the_reads_takes_time_in_proportion() {
    let line = |size: usize| [vec![b'a'; size], b" needle\n".to_vec()].concat();
    let (small, large) = (line(4 << 20), line(16 << 20));
    let args = ["-c", "needle"];
    let (small, large) = (fastest(&args, &small), fastest(&args, &large));
    let ratio = large.as_secs_f64() / small.as_secs_f64();
    assert!(ratio < 8.0, "4 MiB: {small:?}, 16 MiB: {large:?}, ratio {ratio:.1}");
}

/// One line in a compressed file (`-z`): the decompressed stream is of unknown length, as a pipe's
/// is. Quadrupling the line quadruples the time (a 2 GiB line in a 72 KB `.zst` ran past two
/// minutes in ba 2.0).
#[test]
fn a_line_in_a_compressed_file_takes_time_in_proportion() {
    let dir = tempdir();
    let gzipped_line = |name: &str, size: usize| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&vec![b'a'; size]).unwrap();
        encoder.write_all(b" needle\n").unwrap();
        write(dir.path(), name, encoder.finish().unwrap());
    };
    gzipped_line("small.gz", 4 << 20);
    gzipped_line("large.gz", 16 << 20);
    let fastest = |name: &str| {
        (0..3)
            .map(|_| {
                let started = Instant::now();
                let out = run(dir.path(), &["-z", "-c", "needle", name]);
                assert_eq!(
                    (out.status.code(), stdout_of(&out).as_str()),
                    (Some(0), "1\n"),
                    "{}",
                    stderr_of(&out)
                );
                started.elapsed()
            })
            .min()
            .unwrap()
    };
    let (small, large) = (fastest("small.gz"), fastest("large.gz"));
    let ratio = large.as_secs_f64() / small.as_secs_f64();
    assert!(ratio < 8.0, "4 MiB: {small:?}, 16 MiB: {large:?}, ratio {ratio:.1}");
}

/// One named file (an editor's search of the file it shows) starts one thread, its searcher: the
/// walk is handed over before it starts, the printer is the main thread, and no thread waits for
/// Ctrl-C unless there are colours to reset (ba 2.0 started five). Counted in /proc while the
/// searcher reads a FIFO.
#[test]
fn one_named_file_starts_one_thread() {
    let threads = |args: &[&str]| {
        let dir = tempdir();
        let fifo = dir.path().join("f");
        let made = Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|status| status.success()), "mkfifo");
        let child = ba(dir.path()).args(args).arg("f").stdout(Stdio::piped()).spawn().unwrap();
        // Opened once the searcher opens it: every thread is started by then.
        let mut writer = fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        let threads = fs::read_dir(format!("/proc/{}/task", child.id())).unwrap().count();
        writer.write_all(b"needle\n").unwrap();
        drop(writer);
        let out = child.wait_with_output().unwrap();
        assert_eq!((out.status.code(), stdout_of(&out).contains("needle")), (Some(0), true), "{args:?}");
        threads
    };
    assert_eq!(threads(&["-w", "1", "-p", "needle"]), 2, "the main thread and one searcher");
    assert_eq!(threads(&["-w", "1", "--color", "always", "needle"]), 3, "and the one that takes Ctrl-C");
}

/// `-w 0` is the default (as many searchers as cores); a number past the cap is taken as the cap,
/// with a note, and finds what the default finds.
#[test]
fn workers_zero_is_the_default_and_thousands_are_capped() {
    let dir = tempdir();
    let d = dir.path();
    for i in 0..50 {
        write(d, &format!("f{i:02}.txt"), format!("needle {i}\nhay\n"));
    }
    let default = run(d, &["needle"]);
    assert_eq!(default.status.code(), Some(0));
    let zero = run(d, &["needle", "-w", "0"]);
    assert_eq!((zero.status.code(), &zero.stdout, stderr_of(&zero).as_str()), (Some(0), &default.stdout, ""));
    let many = run(d, &["needle", "-w", "5000"]);
    assert_eq!((many.status.code(), &many.stdout), (Some(0), &default.stdout));
    assert_eq!(stderr_of(&many), "ba: -w 5000: 256 searchers at most; searching with 256\n");
}

/// `-q` prints nothing and ends at its first match anywhere, so it searches a directory's own files
/// before its subdirectories: the match beside `a/` ends the search before `a/` is searched.
/// Sixteen times the files in `a/` leave the time as it was (in walk order, `a/` came first: 5 to
/// 6 times the time).
#[test]
fn quiet_finds_a_match_beside_a_big_subdirectory_without_searching_it() {
    let quiet_time = |files: usize| {
        let dir = tempdir();
        let d = dir.path();
        for i in 0..files {
            write(d, &format!("a/f{i:04}"), "hay\n".repeat(100));
        }
        write(d, "z.txt", "needle\n");
        (0..3)
            .map(|_| {
                let started = Instant::now();
                let out = run(d, &["-q", "needle"]);
                assert_eq!((out.status.code(), out.stdout.len()), (Some(0), 0), "{}", stderr_of(&out));
                started.elapsed()
            })
            .min()
            .unwrap()
    };
    let (small, large) = (quiet_time(250), quiet_time(4000));
    let ratio = large.as_secs_f64() / small.as_secs_f64();
    assert!(ratio < 3.0, "250 files: {small:?}, 4000 files: {large:?}, ratio {ratio:.1}");
}
