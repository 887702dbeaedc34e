//! `-U`: a match that spans lines is one hit, as ripgrep makes it. Each expected output here is
//! what `rg -U` prints for the same search (with `-H -n`; ba's `-m` is its `-o`).

use std::path::Path;

use crate::util::*;

/// A file where two matches span lines, one of them on the line after a single-line match.
fn tree(dir: &Path) {
    write(dir, "t", "abc\nxabc\ndef\nabc\n\nq\nabc\ndefg\n");
}

const SPANNING: &str = r"abc\nd|q";

fn searched(args: &[&str]) -> String {
    let dir = tempdir();
    tree(dir.path());
    let mut all = vec!["-p", "-U"];
    all.extend_from_slice(args);
    all.extend([SPANNING, "t"]);
    stdout_ok(dir.path(), &all, 0)
}

#[test]
fn a_hit_holds_its_lines_once_and_joins_a_match_on_the_next_line() {
    assert_eq!(searched(&[]), "t:2:xabc\nt:3:def\nt:6:q\nt:7:abc\nt:8:defg\n");
    assert_eq!(searched(&["-A1"]), "t:2:xabc\nt:3:def\nt-4-abc\n--\nt:6:q\nt:7:abc\nt:8:defg\n");
    assert_eq!(
        searched(&["--column", "-b"]),
        "t:2:2:4:xabc\nt:3:2:9:def\nt:6:1:18:q\nt:7:1:20:abc\nt:8:1:24:defg\n"
    );
}

#[test]
fn counts_and_max_count_are_of_matches() {
    assert_eq!(searched(&["-c"]), "3\n");
    assert_eq!(searched(&["--count-matches"]), "3\n");
    assert_eq!(searched(&["--max-count", "1"]), "t:2:xabc\nt:3:def\n");
    // Two matches: the second alone of the hit it would have joined.
    assert_eq!(searched(&["--max-count", "2"]), "t:2:xabc\nt:3:def\nt:6:q\n");
    let stats = searched(&["--stats"]);
    assert!(stats.contains("\n3 matches\n5 matched lines\n"), "{stats}");
}

#[test]
fn invert_selects_the_lines_no_match_touches() {
    assert_eq!(searched(&["-v"]), "t:1:abc\nt:4:abc\nt:5:\n");
    assert_eq!(searched(&["-v", "-c"]), "3\n");
}

#[test]
fn per_match_outputs_split_a_match_into_its_lines() {
    assert_eq!(searched(&["-m"]), "t:2:abc\nt:3:d\nt:6:q\nt:7:abc\nt:8:d\n");
    assert_eq!(searched(&["--vimgrep"]), "t:2:2:xabc\nt:6:1:q\nt:7:1:abc\n");
    assert_eq!(searched(&["--output-replace", "X"]), "t:2:xXef\nt:6:X\nt:7:Xefg\n");
    assert_eq!(searched(&["-m", "--output-replace", "X"]), "t:2:X\nt:6:X\nt:7:X\n");
    // A line of a match that is its line end alone is not shown.
    let dir = tempdir();
    write(dir.path(), "t", "a\n\nb\n");
    assert_eq!(stdout_ok(dir.path(), &["-p", "-U", "-m", r"a\n\nb", "t"], 0), "t:1:a\nt:3:b\n");
}

#[test]
fn json_gives_one_match_with_all_its_lines() {
    let out = searched(&["--json"]);
    let matches: Vec<serde_json::Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .filter(|msg: &serde_json::Value| msg["type"] == "match")
        .collect();
    assert_eq!(matches.len(), 2, "{out}");
    assert_eq!(matches[0]["data"]["lines"]["text"], "xabc\ndef\n");
    assert_eq!(matches[0]["data"]["submatches"][0]["match"]["text"], "abc\nd");
    assert_eq!(matches[1]["data"]["lines"]["text"], "q\nabc\ndefg\n");
    assert_eq!(matches[1]["data"]["line_number"], 6);
    assert_eq!(matches[1]["data"]["submatches"][1]["start"], 2);
}

/// A pattern that cannot match a line end is found a line at a time, as without -U: lines next to
/// each other stay apart, and -c counts lines.
#[test]
fn a_pattern_that_cannot_span_lines_makes_a_hit_per_line() {
    let dir = tempdir();
    write(dir.path(), "t", "foo\nbar foo foo\n");
    assert_eq!(stdout_ok(dir.path(), &["-p", "-U", "-c", "foo", "t"], 0), "2\n");
    assert_eq!(
        stdout_ok(dir.path(), &["-p", "-U", "--max-count", "1", "-m", "foo|bar", "t"], 0),
        "t:1:foo\n"
    );
    let out = stdout_ok(dir.path(), &["-p", "-U", "--json", "foo", "t"], 0);
    assert_eq!(out.lines().filter(|line| line.contains(r#""type":"match""#)).count(), 2, "{out}");
    // `^` is a line end to ripgrep: `^$` spans lines.
    write(dir.path(), "e", "\n\n");
    assert_eq!(stdout_ok(dir.path(), &["-p", "-U", "-c", "^$", "e"], 0), "2\n");
    let out = stdout_ok(dir.path(), &["-p", "-U", "--json", "^$", "e"], 0);
    assert!(out.contains(r#""lines":{"text":"\n\n"}"#), "{out}");
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_line() {
    let dir = tempdir();
    write(dir.path(), "t", "\u{feff}ab\ncd\n");
    assert_eq!(stdout_ok(dir.path(), &["-p", "-U", r"[^a]+\nc", "t"], 0), "t:1:ab\nt:2:cd\n");
    assert_eq!(stdout_ok(dir.path(), &["-p", "-U", "-b", "-m", r"b\nc", "t"], 0), "t:1:4:b\nt:2:4:c\n");
    write(dir.path(), "bom-only", "\u{feff}");
    stdout_ok(dir.path(), &["-p", "-U", ".", "bom-only"], 1);
    // The bytes searched leave it out, whether the file is read whole (`b\nc`) or by lines (`b`).
    let bytes = |pattern: &str| {
        let out = stdout_ok(dir.path(), &["-U", "--json", pattern, "t"], 0);
        let summary: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
        summary["data"]["stats"]["bytes_searched"].clone()
    };
    assert_eq!(bytes(r"b\nc"), 6);
    assert_eq!(bytes("b"), 6);
}

/// -m shows context lines whole, as ripgrep's -o does.
#[test]
fn match_only_shows_context_lines() {
    let dir = tempdir();
    write(dir.path(), "file", "\nfoo\nbar\nfoobar\n\nbaz\n");
    let expected = "file-1-\nfile:2:foo\nfile-3-bar\nfile:4:foo\nfile-5-\n";
    assert_eq!(stdout_ok(dir.path(), &["-p", "-H", "-m", "-C1", "foo", "file"], 0), expected);
}
