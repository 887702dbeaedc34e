//! Files above 16 MiB are cut into 8 MiB parts that several searchers search at once; the printer
//! glues the parts back together. These tests check the glued output against a naive line scan.

use std::path::Path;

use crate::util::*;
use regex::bytes::Regex;

const MIB: usize = 1 << 20;
/// Where ba cuts a big file: every 8 MiB.
const PART: usize = 8 * MIB;

/// About 20 MiB of numbered lines of varying length (three parts), with:
/// - `HIT` on every 1009th line, spread over the whole file;
/// - a `HIT` that itself straddles the first part boundary (its `H` before 8 MiB, `IT` after);
/// - a line that ends exactly at the second boundary and a hit line starting exactly on it;
/// - a last line without a newline.
fn big_content() -> Vec<u8> {
    let mut out = Vec::with_capacity(21 * MIB);
    let (mut straddled, mut aligned) = (false, false);
    let mut n = 0u64;
    while out.len() < 20 * MIB {
        n += 1;
        if !straddled && out.len() + 200 >= PART {
            let before = PART - out.len();
            out.extend(std::iter::repeat_n(b'=', before - 1));
            out.extend_from_slice(b"HIT across the boundary\n");
            straddled = true;
            continue;
        }
        if !aligned && out.len() + 200 >= 2 * PART {
            let fill = 2 * PART - out.len() - 1;
            out.extend_from_slice(b"HIT");
            out.extend(std::iter::repeat_n(b'.', fill - 3));
            out.push(b'\n');
            out.extend_from_slice(b"HIT starts on the boundary\n");
            aligned = true;
            continue;
        }
        out.extend_from_slice(format!("{n:07} {}", "abcdefghij".repeat((n % 9) as usize)).as_bytes());
        if n.is_multiple_of(1009) {
            out.extend_from_slice(b" HIT");
        }
        out.push(b'\n');
    }
    out.extend_from_slice(b"the last line is a HIT without a newline");
    assert_eq!(&out[PART - 1..PART + 2], b"HIT", "a match straddles the first boundary");
    assert_eq!(out[2 * PART - 1], b'\n', "a line ends on the second boundary");
    assert_eq!(&out[2 * PART..2 * PART + 3], b"HIT");
    assert!(out.len() > 16 * MIB + MIB && out.len() < 24 * MIB, "three parts");
    out
}

/// Runs ba on `file` in `dir` and checks its pipe output against the naive scan.
fn check_against_oracle(dir: &Path, file: &str, content: &[u8], pattern: &str, workers: &str) {
    let oracle = Regex::new(pattern).unwrap();
    let expected = expected_pipe(file, content, &oracle);
    assert!(!expected.is_empty());
    let out = run(dir, &["-w", workers, "-l", pattern, file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stderr_of(&out), "");
    assert_output_eq!(out.stdout, expected, "-w {workers} {pattern:?}");
}

#[test]
fn a_big_file_in_parts_gives_the_hits_of_a_line_scan() {
    let dir = tempdir();
    let content = big_content();
    write(dir.path(), "big.txt", &content);
    for workers in ["2", "4"] {
        check_against_oracle(dir.path(), "big.txt", &content, "HIT", workers);
    }
    // Every thousandth numbered line: hits all along the file, in every part.
    check_against_oracle(dir.path(), "big.txt", &content, r"^\d{4}000 ", "2");
    // Searched whole by a single worker, the file gives the same output.
    check_against_oracle(dir.path(), "big.txt", &content, "HIT", "1");

    let out = run(dir.path(), &["-w", "2", "--pretty", "HIT", "big.txt"]);
    assert_eq!(out.status.code(), Some(0));
    let out = stdout_of(&out);
    assert!(out.starts_with("big.txt:1009\n\t0001009 "), "line numbers count from the first line");
    assert!(
        without_duration(&out).ends_with(&summary(1, 1, line_count(&content))),
        "the summary counts every line once: {}",
        &out[out.len().saturating_sub(200)..]
    );
}

#[test]
fn a_line_longer_than_a_whole_part() {
    let dir = tempdir();
    let mut content = Vec::with_capacity(21 * MIB);
    while content.len() < 7 * MIB {
        content.extend_from_slice(b"filler line\n");
    }
    // From before the first boundary to after the second: the middle part owns no line at all.
    content.extend(std::iter::repeat_n(b'L', 10 * MIB));
    content.extend_from_slice(b" HIT at the end of the long line\n");
    content.extend_from_slice(b"HIT after the long line\n");
    while content.len() < 20 * MIB {
        content.extend_from_slice(b"filler line\n");
    }
    content.extend_from_slice(b"HIT at the end\n");
    write(dir.path(), "long.txt", &content);

    let oracle = Regex::new("HIT").unwrap();
    let expected = expected_pipe("long.txt", &content, &oracle);
    assert_eq!(expected.iter().filter(|&&b| b == b'\n').count(), 3);
    let out = run(dir.path(), &["-w", "2", "-m", "HIT", "long.txt"]);
    assert_eq!(out.status.code(), Some(0));
    let expected_matches = expected_match_only("long.txt", &content, &oracle);
    assert_output_eq!(String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&expected_matches));

    let out = run(dir.path(), &["-w", "3", "--pretty", "after the long", "long.txt"]);
    let out = stdout_of(&out);
    assert!(
        without_duration(&out).ends_with(&summary(1, 1, line_count(&content))),
        "{}",
        &out[out.len().saturating_sub(200)..]
    );
}

/// In a file found while walking, a NUL byte past the first 256 KiB ends the file's text, as in
/// grep and ripgrep: the lines before the NUL's line are searched and printed, nothing after,
/// whatever the number of searchers (so whether or not the file is cut into parts), and the summary
/// says so. An early NUL makes the whole file binary.
#[test]
fn a_late_nul_byte_ends_the_text_the_same_way_with_any_number_of_searchers() {
    let dir = tempdir();
    let early_dir = tempdir();
    let mut content = Vec::with_capacity(21 * MIB);
    let mut n = 0;
    while content.len() < 20 * MIB {
        n += 1;
        content
            .extend_from_slice(format!("line {n}{}\n", if n % 50_000 == 0 { " HIT" } else { "" }).as_bytes());
    }
    let text_end = content.len();
    content.extend_from_slice(b"a HIT with a NUL \x00 near the end\n");
    content.extend_from_slice(b"HIT after the NUL\n");
    write(dir.path(), "big.bin", &content);

    let expected = expected_pipe("big.bin", &content[..text_end], &Regex::new("HIT").unwrap());
    assert!(!expected.is_empty());
    for workers in ["1", "2", "4"] {
        let out = run(dir.path(), &["-w", workers, "HIT"]);
        assert_output_eq!(stdout_of(&out), String::from_utf8(expected.clone()).unwrap(), "-w {workers}");
        assert_eq!(out.status.code(), Some(0));
        let pretty = run(dir.path(), &["-w", workers, "--pretty", "HIT"]);
        let lines = line_count(&content[..text_end]);
        let cut = summary(1, 1, lines) + "Files Cut Short by Binary Data: 1 (-a searches them)\n";
        assert!(without_duration(&stdout_of(&pretty)).ends_with(&cut), "-w {workers}");
    }

    let mut early = content.clone();
    early[1000] = 0;
    write(early_dir.path(), "early.bin", &early);
    for workers in ["1", "2"] {
        let out = run(early_dir.path(), &["-w", workers, "HIT"]);
        assert_output_eq!(stdout_of(&out), "", "-w {workers}");
        assert_eq!(out.status.code(), Some(1));
        let pretty = run(early_dir.path(), &["-w", workers, "--pretty", "HIT"]);
        let skipped = summary(0, 0, 0) + "Binary Files Skipped: 1 (-a searches them)\n";
        assert_output_eq!(without_duration(&stdout_of(&pretty)), skipped);
    }
}

/// `\A` and `\z` are each line's start and end, as ripgrep reads them: the same lines for any read
/// buffer (several 256 KiB ones here), any part size and any number of workers. (They once matched
/// only where a buffer or a part happened to start or end.)
#[test]
fn line_anchors_match_every_line_whatever_the_buffers_and_parts() {
    let dir = tempdir();
    let content: String = (0..120_000).map(|n| format!("foo {n}\n")).collect();
    assert!(content.len() > 3 * (256 << 10), "several read buffers");
    write(dir.path(), "foo.txt", &content);
    for pattern in [r"\A[fF]", r"\z", r"\d\z", r"\A\z", r"\Afoo 1\d*7\z", r"\b9\z"] {
        let expected = expected_pipe("foo.txt", content.as_bytes(), &Regex::new(pattern).unwrap());
        if let Some(rg) = rg(dir.path(), &["-c", "--", pattern, "foo.txt"]) {
            let lines = expected.iter().filter(|&&b| b == b'\n').count();
            let rg = if rg.is_empty() { 0 } else { String::from_utf8(rg).unwrap().trim().parse().unwrap() };
            assert_eq!(lines, rg, "{pattern:?}: the oracle and ripgrep agree");
        }
        for (workers, part_size) in [("1", None), ("2", None), ("2", Some("65536")), ("3", Some("4099"))] {
            let mut cmd = ba(dir.path());
            if let Some(part_size) = part_size {
                cmd.env("BA_PART_SIZE", part_size);
            }
            let out = cmd.args(["-w", workers, "-p", "-l", "--", pattern, "foo.txt"]).run();
            let how = format!("{pattern:?} -w {workers}, parts of {part_size:?} bytes");
            assert_eq!(stderr_of(&out), "", "{how}");
            assert_eq!(out.status.code(), Some(if expected.is_empty() { 1 } else { 0 }), "{how}");
            assert_output_eq!(out.stdout, expected, "{how}");
        }
    }
}
