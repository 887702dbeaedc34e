//! Memory stays flat however many lines match: the hits on their way to the printer, and those
//! waiting there for their turn in walk order, are bounded in bytes. Each case is measured against
//! a bound of 64 MiB, or twice ripgrep's peak on the same command where ripgrep is installed and
//! needs more.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::Duration;

use crate::util::*;

/// 40 files of 1 MB where every line matches: 1.2 M hits, 60 MB of output.
fn matching_tree(root: &Path) -> u64 {
    let body = "    return value_of_the_thing(x);\n".repeat(1 << 15);
    for i in 0..40 {
        write(root, &format!("tree/f{i:02}.txt"), &body);
    }
    // What the pipe format prints: `tree/fNN.txt:LINE:` before each line.
    let lines = 1u64 << 15;
    let numbers: u64 = (1..=lines).map(|n| n.to_string().len() as u64).sum();
    40 * (lines * ("tree/f00.txt::".len() as u64) + numbers + body.len() as u64)
}

/// 64 MiB, or twice ripgrep's peak on `args` (in KiB).
fn bound(dir: &Path, args: &[&str]) -> u64 {
    let floor = 64 << 10;
    if !have(rg_program()) {
        return floor;
    }
    // Read, not mapped: the pages of a file ripgrep maps count in its peak, and would excuse any
    // copy of the file ba made.
    let mut rg = isolated(Command::new(rg_program()), dir);
    let Some(rg) = run_measured(rg.args(["-n", "--no-mmap"]).args(args), Duration::from_secs(60)) else {
        return floor;
    };
    assert_eq!(rg.code, 0, "rg {args:?} failed: {}", rg.stderr);
    floor.max(2 * rg.peak_kib)
}

#[test]
fn memory_stays_flat_however_many_lines_match() {
    let dir = tempdir();
    let expected = matching_tree(dir.path());
    let limit = bound(dir.path(), &["return", "tree"]);
    for workers in ["1", "2", "8"] {
        let mut cmd = ba(dir.path());
        let Some(run) =
            run_measured(cmd.args(["-p", "-l", "-w", workers, "return", "tree"]), Duration::from_secs(60))
        else {
            return;
        };
        assert_eq!(run.code, 0, "ba -w {workers}: {}", run.stderr);
        assert_eq!(run.written, expected, "ba -w {workers} printed every hit");
        let peak = run.peak_kib;
        eprintln!("ba -w {workers}: peak {peak} KiB (bound {limit} KiB)");
        assert!(peak <= limit, "ba -w {workers} peaked at {peak} KiB, over {limit} KiB");
    }
}

/// A FIFO named first holds up the walk order: everything found behind it waits for its turn.
#[test]
fn memory_stays_flat_behind_a_slow_file() {
    let dir = tempdir();
    let expected = matching_tree(dir.path());
    let fifo = dir.path().join("slow");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    let limit = bound(dir.path(), &["return", "tree"]);
    let writer = thread::spawn(move || {
        thread::sleep(Duration::from_secs(2));
        fs::write(fifo, "return early\n").unwrap();
    });
    let mut cmd = ba(dir.path());
    let run = run_measured(cmd.args(["-p", "-l", "return", "slow", "tree"]), Duration::from_secs(60));
    writer.join().unwrap();
    let Some(run) = run else { return };
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.written, expected + "slow:1:return early\n".len() as u64);
    let peak = run.peak_kib;
    eprintln!("ba behind a FIFO: peak {peak} KiB (bound {limit} KiB)");
    assert!(peak <= limit, "ba peaked at {peak} KiB, over {limit} KiB");
}

/// Writes `text`, then `nuls` NUL bytes, to `path`.
fn write_text_then_nuls(path: &Path, text: &[u8], nuls: usize) {
    use std::io::Write;
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut file = fs::File::create(path).unwrap();
    file.write_all(text).unwrap();
    let block = vec![0u8; 1 << 20];
    for _ in 0..nuls / block.len() {
        file.write_all(&block).unwrap();
    }
    file.write_all(&block[..nuls % block.len()]).unwrap();
}

/// A walked file's text ends at its first NUL byte: 300 KB of text (past the bytes that decide a
/// file is binary), then 200 MB of NUL bytes and no newline, is searched up to the NUL bytes and
/// not read on: not held whole while looking for a newline.
#[test]
fn a_walked_file_of_text_then_nul_bytes_is_not_held_whole() {
    let dir = tempdir();
    let line = "some text line here\n";
    let lines = 15_000;
    write_text_then_nuls(&dir.path().join("tree/f.txt"), line.repeat(lines).as_bytes(), 200 << 20);
    let limit = bound(dir.path(), &["text", "tree"]);
    // Every line before the one holding the NUL bytes, as `tree/f.txt:N:line`.
    let numbers: u64 = (1..=lines).map(|n| n.to_string().len() as u64).sum();
    let expected = lines as u64 * ("tree/f.txt::".len() + line.len()) as u64 + numbers;
    for workers in ["1", "2"] {
        let mut cmd = ba(dir.path());
        let Some(run) =
            run_measured(cmd.args(["-p", "-w", workers, "text", "tree"]), Duration::from_secs(60))
        else {
            return;
        };
        assert_eq!(run.code, 0, "ba -w {workers}: {}", run.stderr);
        assert_eq!(run.written, expected, "ba -w {workers} printed every line before the NUL bytes");
        let peak = run.peak_kib;
        eprintln!("ba -w {workers}: peak {peak} KiB (bound {limit} KiB)");
        assert!(peak <= limit, "ba -w {workers} peaked at {peak} KiB, over {limit} KiB");
    }
}

/// Runs `ba -p ARGS` in `dir` with `env`, checks it prints `expected` bytes, and that its peak memory
/// stays within the bound.
fn assert_flat(dir: &Path, args: &[&str], env: &[(&str, &str)], expected: u64) {
    let limit = bound(dir, args);
    let mut cmd = ba(dir);
    cmd.arg("-p").args(args).envs(env.iter().copied());
    let Some(run) = run_measured(&cmd, Duration::from_secs(300)) else { return };
    assert_eq!(run.code, 0, "ba {args:?}: {}", run.stderr);
    assert_eq!(run.written, expected, "ba {args:?} printed every hit");
    let peak = run.peak_kib;
    eprintln!("ba {args:?} {env:?}: peak {peak} KiB (bound {limit} KiB)");
    assert!(peak <= limit, "ba {args:?} {env:?} peaked at {peak} KiB, over {limit} KiB");
}

/// What `-p` prints for `lines` hits on `path`, each line `text`: `path:N:text`.
fn pipe_size(path: &str, lines: u64, text: &str) -> u64 {
    let numbers: u64 = (1..=lines).map(|n| n.to_string().len() as u64).sum();
    lines * (path.len() + 3 + text.len()) as u64 + numbers
}

/// `ba '^$'` on newlines alone: every byte a hit. The file is cut into parts (made small, so that
/// the test stays quick in a debug build), whose hits each go on in pieces from the first, not a
/// read buffer's worth (256 KiB, a quarter of a million hits) at a time.
#[test]
fn memory_stays_flat_when_every_byte_of_a_big_file_is_a_hit() {
    let dir = tempdir();
    let lines = 5_000_000;
    write(dir.path(), "newlines", "\n".repeat(lines));
    let expected = pipe_size("newlines", lines as u64, "");
    assert_flat(dir.path(), &["^$", "newlines"], &[("BA_PART_SIZE", "1048576")], expected);
}

/// A 10 MB file of `a` lines, each a hit.
#[test]
fn memory_stays_flat_on_ten_megabytes_of_hits() {
    let dir = tempdir();
    let lines = 5_000_000;
    write(dir.path(), "a.txt", "a\n".repeat(lines));
    assert_flat(dir.path(), &["a", "a.txt"], &[], pipe_size("a.txt", lines as u64, "a"));
}

/// `memory_stays_flat_when_every_byte_of_a_big_file_is_a_hit` at full size: 50 MB of newlines in
/// 8 MiB parts.
#[test]
#[ignore = "slow in a debug build (two minutes): 50 million hits"]
fn memory_stays_flat_on_fifty_megabytes_of_empty_lines() {
    let dir = tempdir();
    let lines = 50_000_000;
    write(dir.path(), "newlines", "\n".repeat(lines));
    assert_flat(dir.path(), &["^$", "newlines"], &[], pipe_size("newlines", lines as u64, ""));
}

/// A file named on the command line is searched in full, NUL bytes or not: 257 KB of text, then
/// 200 MB of NUL bytes, is read a block at a time, never held whole, and its NUL bytes are stepped
/// over at memory speed.
#[test]
fn a_named_file_of_text_then_nul_bytes_is_not_held_whole() {
    let dir = tempdir();
    let line = "some text line here\n";
    let lines = 12_850;
    write_text_then_nuls(&dir.path().join("f"), line.repeat(lines).as_bytes(), 200 << 20);
    assert_flat(dir.path(), &["text", "f"], &[], pipe_size("f", lines as u64, line.trim_end()));
}

/// `-r` never writes a file holding a NUL byte, and finds out as it reads: a hit, then 200 MB of
/// NUL bytes with no newline, is refused without being held whole.
#[test]
fn a_rewrite_stops_at_nul_bytes_without_holding_them() {
    let dir = tempdir();
    let path = dir.path().join("f");
    write_text_then_nuls(&path, b"hit\n", 200 << 20);
    let before = fs::metadata(&path).unwrap().modified().unwrap();
    let mut cmd = ba(dir.path());
    let Some(run) = run_measured(cmd.args(["hit", "-r", "miss", "f"]), Duration::from_secs(120)) else {
        return;
    };
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "ba: f: binary (holds a NUL byte), not written\n");
    assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), before, "f is untouched");
    let peak = run.peak_kib;
    eprintln!("ba -r: peak {peak} KiB");
    assert!(peak <= 64 << 10, "ba -r peaked at {peak} KiB, over 64 MiB");
}

/// ba's peak on `args` in `dir` (KiB), checked to have exited `code`.
fn peak_of(dir: &Path, args: &[&str], code: i32) -> Option<u64> {
    let mut cmd = ba(dir);
    cmd.arg("-p").args(args);
    let run = run_measured(&cmd, Duration::from_secs(300))?;
    assert_eq!(run.code, code, "ba {args:?}: {}", run.stderr);
    eprintln!("ba {args:?}: peak {} KiB", run.peak_kib);
    Some(run.peak_kib)
}

/// `-U` with a pattern that cannot match a line end finds it line by line: no file is read whole,
/// nor every match of one held (`-U -c .` held 28 bytes a byte of input).
#[test]
fn multiline_with_a_pattern_within_lines_holds_no_file_whole() {
    let dir = tempdir();
    write(dir.path(), "f", "some text, every character a match\n".repeat(1 << 20));
    let Some(peak) = peak_of(dir.path(), &["-U", "-c", ".", "f"], 0) else { return };
    assert!(peak <= 64 << 10, "peaked at {peak} KiB for a 36 MB file");
}

/// `-U` with a pattern that may span lines holds the file whole, in a buffer of its size: not one
/// doubled past it.
#[test]
fn multiline_holds_a_file_in_a_buffer_of_its_size() {
    let dir = tempdir();
    let size = 96 << 20;
    write(dir.path(), "f", "some text line here, no match in it\n".repeat(size / 36));
    let Some(peak) = peak_of(dir.path(), &["-U", r"match\nX", "f"], 1) else { return };
    let bound = (size as u64 >> 10) * 5 / 4 + (16 << 10);
    assert!(peak <= bound, "peaked at {peak} KiB for a {size}-byte file (bound {bound} KiB)");
}

/// One line as long as the file, without a newline: held once, not in a buffer twice its size
/// (a 1 GiB line peaked at 3 GB).
#[test]
fn a_line_as_long_as_its_file_is_held_once() {
    let dir = tempdir();
    let size = 96 << 20;
    write(dir.path(), "f", vec![b'a'; size]);
    let Some(peak) = peak_of(dir.path(), &["-c", "needle", "f"], 1) else { return };
    // Half as much again, as rg's peak is on a line it maps, and what any search takes.
    let bound = (size as u64 >> 10) * 3 / 2 + (16 << 10);
    assert!(peak <= bound, "peaked at {peak} KiB for a {size}-byte line (bound {bound} KiB)");
}

/// One line of unknown length (through a pipe), without a newline: its buffer doubles as the reads
/// come, in place once it is big, so the line is held about once, not also in the copies it grew
/// through (a 128 MiB line peaked at 531 MB; ripgrep's peak is 146 MB).
#[test]
fn a_line_through_a_pipe_is_held_about_once() {
    let dir = tempdir();
    let size = 80 << 20;
    write(dir.path(), "f", vec![b'a'; size]);
    let mut cmd = isolated(Command::new("sh"), dir.path());
    cmd.args(["-c", r#"cat f | "$0" -p -c needle"#]).arg(ba_path());
    let Some(run) = run_measured(&cmd, Duration::from_secs(300)) else { return };
    assert_eq!(run.code, 1, "{}", run.stderr);
    let bound = (size as u64 >> 10) * 5 / 4 + (32 << 10);
    let peak = run.peak_kib;
    assert!(peak <= bound, "peaked at {peak} KiB for a {size}-byte line (bound {bound} KiB)");
}

/// 20,000 literals typed in lowercase (smart case: each one case-insensitive) compile within twice
/// ripgrep's peak for `rg -i` with the same limit, or 160 MiB where ripgrep is missing. (Printing
/// the rewritten pattern and parsing it again took 241 MB, against ripgrep's 81 MB.)
#[test]
fn many_literals_compile_within_twice_ripgreps_memory() {
    let dir = tempdir();
    // Distinct words of 5 to 10 lowercase letters, from a fixed sequence.
    let mut state: u64 = 7;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let words: std::collections::BTreeSet<String> = std::iter::repeat_with(|| {
        let len = 5 + next() % 6;
        (0..len).map(|_| char::from(b'a' + (next() % 26) as u8)).collect()
    })
    .take(20_000)
    .collect();
    let words: Vec<String> = words.into_iter().collect();
    write(dir.path(), "words.txt", words.join("\n") + "\n");
    write(dir.path(), "text.txt", format!("nothing here\nbut {} once\n", words[1234]));
    let limit = match have(rg_program()) {
        true => {
            let mut rg = isolated(Command::new(rg_program()), dir.path());
            rg.args(["-c", "-i", "--regex-size-limit", "256M", "-f", "words.txt", "text.txt"]);
            let Some(rg) = run_measured(&rg, Duration::from_secs(120)) else { return };
            assert_eq!(rg.code, 0, "rg: {}", rg.stderr);
            2 * rg.peak_kib
        }
        false => 160 << 10,
    };
    let mut cmd = ba(dir.path());
    cmd.args(["-p", "-c", "--patterns-file", "words.txt", "text.txt"]);
    let Some(run) = run_measured(&cmd, Duration::from_secs(120)) else { return };
    assert_eq!((run.code, run.written), (0, "1\n".len() as u64), "{}", run.stderr);
    eprintln!("ba: peak {} KiB (bound {limit} KiB)", run.peak_kib);
    assert!(run.peak_kib <= limit, "ba peaked at {} KiB, over {limit} KiB", run.peak_kib);
}

/// Memory stays flat while the reader of the output does not read (`ba a | less`): the searchers
/// wait for the printer, which waits for the reader. (ba 2.0 let searchers that all waited go over
/// the budget, printer busy or not.)
#[test]
fn memory_stays_flat_while_the_reader_does_not_read() {
    let dir = tempdir();
    let (files, lines) = (20, 250_000);
    for i in 0..files {
        write(dir.path(), &format!("tree/{i:02}.txt"), "a\n".repeat(lines));
    }
    let program = ba(dir.path()).get_program().to_owned();
    let mut cmd = isolated(Command::new("sh"), dir.path());
    cmd.args(["-c", r#"exec "$0" "$@" | (sleep 2; cat)"#]).arg(program);
    cmd.args(["-p", "-w", "1", "a", "tree"]);
    let Some(run) = run_measured(&cmd, Duration::from_secs(120)) else { return };
    let expected: u64 = (0..files).map(|i| pipe_size(&format!("tree/{i:02}.txt"), lines as u64, "a")).sum();
    assert_eq!((run.code, run.written), (0, expected), "{}", run.stderr);
    // The budget's 8 MiB and the process's own 10 to 15 (80 MB of output; 48 MB before).
    eprintln!("ba behind a reader that waits: peak {} KiB", run.peak_kib);
    assert!(run.peak_kib <= 32 << 10, "ba peaked at {} KiB, over 32 MiB", run.peak_kib);

    // A file cut into parts, every byte a hit (400 MB before).
    let lines = 5_000_000;
    write(dir.path(), "newlines", "\n".repeat(lines));
    let mut cmd = isolated(Command::new("sh"), dir.path());
    cmd.args(["-c", r#"exec "$0" "$@" | (sleep 2; cat)"#]).arg(ba(dir.path()).get_program());
    cmd.args(["-p", "-w", "2", "^$", "newlines"]).env("BA_PART_SIZE", "1048576");
    let Some(run) = run_measured(&cmd, Duration::from_secs(120)) else { return };
    assert_eq!((run.code, run.written), (0, pipe_size("newlines", lines as u64, "")), "{}", run.stderr);
    eprintln!("ba on a file in parts behind a reader that waits: peak {} KiB", run.peak_kib);
    assert!(run.peak_kib <= 64 << 10, "ba peaked at {} KiB, over 64 MiB", run.peak_kib);
}

/// Peak memory at 1, 2, 16 and 64 threads is at most twice ripgrep's at as many (the median of
/// three runs each): on 20,000 small files in 200 directories, and 100 files of 290 KB, enough
/// that every searcher reads a big one. (ba 2.0.0 took 2.3 times ripgrep's at 16 and 64 threads:
/// a read buffer of 256 KiB for each searcher, and up to 8 MiB of results waiting for their turn.)
/// The test build of ba is optimised for it (Cargo.toml): unoptimised code alone was twice
/// ripgrep's peak.
#[test]
fn memory_per_thread_is_within_twice_ripgreps() {
    if !have(rg_program()) {
        eprintln!("skipped: no ripgrep to compare with");
        return;
    }
    let dir = tempdir();
    let d = dir.path();
    for i in 0..200 {
        for j in 0..100 {
            let lines = if j == 0 && i % 2 == 0 { 10_000 } else { 3 };
            write(d, &format!("d{i:03}/f{j:02}.c"), "int x = 1; // some text here\n".repeat(lines));
        }
    }
    // None without python3 or a C compiler: the test is skipped, as the others are.
    let median_peak = |cmd: Command| -> Option<u64> {
        let mut peaks = Vec::new();
        for _ in 0..3 {
            let run = run_measured(&cmd, Duration::from_secs(60))?;
            assert_eq!(run.code, 1, "{cmd:?}: {}", run.stderr);
            peaks.push(run.peak_kib);
        }
        peaks.sort();
        Some(peaks[1])
    };
    for threads in ["1", "2", "16", "64"] {
        let mut ba_cmd = ba(d);
        ba_cmd.args(["-p", "-w", threads, "needle", "."]);
        let mut rg_cmd = isolated(Command::new(rg_program()), d);
        rg_cmd.args(["-j", threads, "needle", "."]);
        let (Some(ba_peak), Some(rg_peak)) = (median_peak(ba_cmd), median_peak(rg_cmd)) else { return };
        eprintln!("{threads} threads: ba {ba_peak} KiB, rg {rg_peak} KiB");
        assert!(ba_peak <= 2 * rg_peak, "{threads} threads: ba {ba_peak} KiB, rg {rg_peak} KiB");
    }
}
