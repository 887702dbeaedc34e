//! Sparse and zero-filled files: a walked file's text ends at its first NUL byte, so a file of NUL
//! bytes is binary from its first block, however big, and a file's hole ends its text without being
//! read.

use std::fs;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::util::*;

const GIB: u64 = 1 << 30;

/// Writes `text` to `path`, then makes the file `size` bytes long with a hole: NUL bytes that take
/// no room on disk. False, with a note, where the file system keeps no holes.
fn sparse(path: &Path, text: &[u8], size: u64) -> bool {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut file = fs::File::create(path).unwrap();
    file.write_all(text).unwrap();
    file.set_len(size).unwrap();
    let sparse = file.metadata().unwrap().blocks() * 512 < size / 2;
    if !sparse {
        eprintln!("note: this file system keeps no holes: skipped");
    }
    sparse
}

/// `ba ARGS` in `dir` with each of these part sizes and numbers of searchers gives the same output,
/// which it returns: the parts of a file never change what is found.
fn same_for_every_part_size(dir: &Path, args: &[&str]) -> std::process::Output {
    let first = run(dir, args);
    for (part_size, workers) in [("4096", "2"), ("65536", "2"), ("8388608", "1")] {
        let out = ba(dir).env("BA_PART_SIZE", part_size).arg("-w").arg(workers).args(args).run();
        let what = format!("BA_PART_SIZE={part_size} -w {workers}");
        assert_output_eq!(without_duration(&stdout_of(&out)), without_duration(&stdout_of(&first)), "{what}");
        assert_eq!(stderr_of(&out), stderr_of(&first), "{what}");
        assert_eq!(out.status.code(), first.status.code(), "{what}");
    }
    first
}

/// `truncate -s 20G z.img` in a tree: binary from its first block, skipped at once (not read, nor
/// cut into parts), and counted as a binary file skipped.
#[test]
fn a_big_sparse_file_in_a_tree_is_skipped_as_binary() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "tree/a.txt", "hello\n");
    if !sparse(&d.join("tree/z.img"), b"", 20 * GIB) {
        return;
    }
    let out = same_for_every_part_size(d, &["-p", "hello", "tree"]);
    assert_eq!(stdout_of(&out), "tree/a.txt:1:hello\n");
    assert_eq!(stderr_of(&out), "");
    let out = same_for_every_part_size(d, &["--pretty", "--color", "never", "--stats", "hello", "tree"]);
    let text = stdout_of(&out);
    assert!(text.contains("\nFiles Searched: 1\n"), "{text}");
    assert!(text.contains("\nBinary Files Skipped: 1 (-a searches them)\n"), "{text}");
}

/// Text, then a hole to 20 GiB: the text is searched, the hole ends it (as a NUL byte does) without
/// being read.
#[test]
fn a_hole_after_text_in_a_tree_ends_the_text() {
    let dir = tempdir();
    let d = dir.path();
    // Past the first block, which would find the file binary.
    let line = "some text line here\n";
    let text = line.repeat(20_000);
    if !sparse(&d.join("tree/big.img"), text.as_bytes(), 20 * GIB) {
        return;
    }
    let out = same_for_every_part_size(d, &["-p", "-c", "text", "tree"]);
    assert_eq!(stdout_of(&out), "tree/big.img:20000\n");
    let out = same_for_every_part_size(d, &["-p", "line here", "tree"]);
    let expected: String = (1..=20_000).map(|n| format!("tree/big.img:{n}:{line}")).collect();
    assert_output_eq!(stdout_of(&out), expected);
    let out = same_for_every_part_size(d, &["--pretty", "--color", "never", "--stats", "zzz", "tree"]);
    let text = stdout_of(&out);
    assert!(text.contains("\nLines Searched: 20,000\n"), "{text}");
    assert!(text.contains("\nFiles Cut Short by Binary Data: 1 (-a searches them)\n"), "{text}");
}

/// -U reads a file whole, but a walked file's text still ends at its first NUL byte: the hole after
/// the text is never read into memory (it took 1 GB for a 1 GiB file).
#[test]
fn multiline_stops_reading_at_the_hole() {
    let dir = tempdir();
    let d = dir.path();
    let text = "foo 1\n".repeat(60_000);
    if !sparse(&d.join("tree/sp.txt"), text.as_bytes(), GIB) {
        return;
    }
    let out = stdout_ok(d, &["-p", "-U", "-c", "foo", "tree"], 0);
    assert_eq!(out, "tree/sp.txt:60000\n");
    let mut cmd = ba(d);
    cmd.args(["-p", "-U", "-c", "foo", "tree"]);
    let Some(run) = run_measured(&cmd, std::time::Duration::from_secs(60)) else { return };
    assert!(run.peak_kib < 64 << 10, "peak {} KiB", run.peak_kib);
}
