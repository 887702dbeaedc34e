//! Integration tests for `ba`: they run the binary on temporary trees and check its exact output,
//! its error messages and its exit codes.

use std::fs;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::util::*;
use regex::bytes::{Regex, RegexBuilder};

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Pipe output
// ---------------------------------------------------------------------------------------------

const PIPE_FIXTURE: &str =
    "first hello\nnothing here\n  \tindented hello  \nhello hello hello\n\nno newline hello";
const PIPE_EXPECTED: &str = "a.txt:1:first hello\n\
                             a.txt:3:  \tindented hello  \n\
                             a.txt:4:hello hello hello\n\
                             a.txt:6:no newline hello\n";

#[test]
fn pipe_output_is_the_default_when_stdout_is_not_a_terminal() {
    let dir = tempdir();
    write(dir.path(), "a.txt", PIPE_FIXTURE);
    assert_output_eq!(stdout_ok(dir.path(), &["hello"], 0), PIPE_EXPECTED);
}

#[test]
fn pipe_output_with_dash_p_and_long_flag() {
    let dir = tempdir();
    write(dir.path(), "a.txt", PIPE_FIXTURE);
    assert_output_eq!(stdout_ok(dir.path(), &["-p", "hello"], 0), PIPE_EXPECTED);
    assert_output_eq!(stdout_ok(dir.path(), &["--pipe", "hello"], 0), PIPE_EXPECTED);
    // -p and --pretty override each other: the last one wins.
    assert_output_eq!(stdout_ok(dir.path(), &["--pretty", "-p", "hello"], 0), PIPE_EXPECTED);
}

#[test]
fn pipe_output_matches_a_naive_line_matcher() {
    let dir = tempdir();
    write(dir.path(), "a.txt", PIPE_FIXTURE);
    let expected = expected_pipe("a.txt", PIPE_FIXTURE.as_bytes(), &re("hello"));
    assert_output_eq!(stdout_ok(dir.path(), &["hello"], 0).as_bytes(), expected);
}

#[test]
fn pipe_output_keeps_crlf_line_ends() {
    let dir = tempdir();
    write(dir.path(), "c.txt", "one hit\r\ntwo\r\nthree hit\r\nlast hit");
    let out = run(dir.path(), &["hit"]);
    assert_eq!(out.status.code(), Some(0));
    assert_output_eq!(out.stdout, b"c.txt:1:one hit\r\nc.txt:3:three hit\r\nc.txt:4:last hit\n");
}

#[test]
fn line_numbers_start_at_one_and_count_empty_lines() {
    let dir = tempdir();
    write(dir.path(), "n.txt", "x\n\n\n\nx\n");
    assert_output_eq!(stdout_ok(dir.path(), &["x"], 0), "n.txt:1:x\nn.txt:5:x\n");
    // `^$` matches the empty lines only; the end of the file is not another line.
    assert_output_eq!(stdout_ok(dir.path(), &["^$"], 0), "n.txt:2:\nn.txt:3:\nn.txt:4:\n");
}

#[test]
fn a_line_with_several_matches_is_printed_once() {
    let dir = tempdir();
    write(dir.path(), "m.txt", "ab ab ab\nzz\nab\n");
    assert_output_eq!(stdout_ok(dir.path(), &["ab"], 0), "m.txt:1:ab ab ab\nm.txt:3:ab\n");
}

#[test]
fn empty_files_and_files_without_hits_print_nothing() {
    let dir = tempdir();
    write(dir.path(), "empty.txt", "");
    write(dir.path(), "other.txt", "nothing\n");
    assert_output_eq!(stdout_ok(dir.path(), &["hello"], 1), "");
}

/// A tree whose names exercise the sort (digits, case, punctuation, dot files) and whose files are
/// interleaved with directories, plus a directory of many small files.
fn build_walk_tree(root: &Path) {
    let dirs = ["", "A/", "a/", "a/b/", "a/b/c/", "a.d/", "a-d/", "a_d/", "m/", "m/n/", "zz/"];
    let names = ["1.txt", "10.txt", "2.txt", "B.txt", "a.txt", "a-b.txt", "a_b.txt", ".hidden", "z"];
    for (i, d) in dirs.iter().enumerate() {
        for (k, n) in names.iter().enumerate() {
            let mut content = String::new();
            for j in 0..(i + k) % 6 + 2 {
                if (i + j + k) % 3 == 0 {
                    content.push_str(&format!("hit {d}{n} {j}\n"));
                } else {
                    content.push_str(&format!("miss {j}\n"));
                }
            }
            write(root, &format!("{d}{n}"), content);
        }
    }
    for i in 0..240 {
        let mut content = String::new();
        for j in 0..(i % 9 + 1) {
            if (i * 7 + j) % 4 == 0 {
                content.push_str(&format!("many {i} hit {j}\n"));
            } else {
                content.push_str("padding line\n");
            }
        }
        write(root, &format!("many/f{i:03}"), content);
    }
}

fn expected_tree_output(root: &Path, prefix: &str, re: &Regex) -> String {
    let mut expected = Vec::new();
    for path in walk_order(root, false) {
        let rel = path.strip_prefix(root).unwrap().to_str().unwrap();
        let content = fs::read(&path).unwrap();
        expected.extend(expected_pipe(&format!("{prefix}{rel}"), &content, re));
    }
    String::from_utf8(expected).unwrap()
}

#[test]
fn output_follows_the_walk_order_with_many_workers() {
    let dir = tempdir();
    build_walk_tree(dir.path());
    let expected = expected_tree_output(dir.path(), "", &re("hit"));
    assert!(expected.lines().count() > 150, "the fixture has many hits");
    assert_output_eq!(stdout_ok(dir.path(), &["-w", "1", "hit"], 0), expected);
    for _ in 0..3 {
        assert_output_eq!(stdout_ok(dir.path(), &["-w", "4", "hit"], 0), expected);
    }
    assert_output_eq!(stdout_ok(dir.path(), &["--workers", "8", "hit"], 0), expected);
}

#[test]
fn an_explicit_root_prefixes_the_printed_paths() {
    let dir = tempdir();
    let tree = dir.path().join("tree");
    build_walk_tree(&tree);
    let expected = expected_tree_output(&tree, "tree/", &re("hit"));
    assert_output_eq!(stdout_ok(dir.path(), &["-w", "4", "hit", "tree"], 0), expected);
    assert_output_eq!(stdout_ok(dir.path(), &["-w", "4", "hit", "-d", "tree"], 0), expected);
}

// ---------------------------------------------------------------------------------------------
// Pretty output
// ---------------------------------------------------------------------------------------------

#[test]
fn pretty_output_and_summary_counts() {
    let dir = tempdir();
    let mut a = String::new();
    for i in 1..=1000 {
        if i == 1 || i == 500 {
            a.push_str(&format!("  \tneedle {i} here\n"));
        } else {
            a.push_str(&format!("line {i}\n"));
        }
    }
    let mut c = String::new();
    for i in 1..=200 {
        c.push_str(&format!("{} {i}\n", if i == 200 { "needle" } else { "c" }));
    }
    let mut d = String::new();
    for i in 1..=34 {
        d.push_str(&format!("d {i}"));
        if i < 34 {
            d.push('\n');
        }
    }
    write(dir.path(), "a.txt", &a);
    write(dir.path(), "b/c.txt", &c);
    write(dir.path(), "b/d.txt", &d);

    let total = line_count(a.as_bytes()) + line_count(c.as_bytes()) + line_count(d.as_bytes());
    assert_eq!(total, 1234);
    let out = stdout_ok(dir.path(), &["--pretty", "needle"], 0);
    let expected = "a.txt:1\n\tneedle 1 here\n\
                    a.txt:500\n\tneedle 500 here\n\
                    b/c.txt:200\n\tneedle 200\n"
        .to_string()
        + &summary(3, 2, total);
    assert_output_eq!(without_duration(&out), expected);
    assert!(out.contains("\nLines Searched: 1,234\n"));
    assert_duration_line(&out);
}

#[test]
fn pretty_summary_with_no_hits() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "one\ntwo\nthree");
    let out = stdout_ok(dir.path(), &["--pretty", "zebra"], 1);
    assert_output_eq!(without_duration(&out), summary(1, 0, 3));
    assert_duration_line(&out);
}

#[test]
fn pretty_output_drops_the_carriage_return() {
    let dir = tempdir();
    write(dir.path(), "w.txt", "\t hit one\r\nother\r\n");
    let out = stdout_ok(dir.path(), &["--pretty", "hit"], 0);
    assert_output_eq!(without_duration(&out), "w.txt:1\n\thit one\n".to_string() + &summary(1, 1, 2));
}

#[test]
fn pretty_output_cuts_long_lines_at_sixty_columns() {
    let dir = tempdir();
    let exact = "x".repeat(60);
    let long = "y".repeat(61);
    // Leading whitespace is dropped before counting; columns, not bytes, are counted, and the
    // `...` that marks the cut fits in the sixty.
    let accents = format!("    {}", "é".repeat(70));
    write(dir.path(), "long.txt", format!("{exact}\n{long}\n{accents}\n"));
    let out = stdout_ok(dir.path(), &["--pretty", "[xyé]"], 0);
    let expected = format!(
        "long.txt:1\n\t{exact}\nlong.txt:2\n\t{}...\nlong.txt:3\n\t{}...\n",
        "y".repeat(57),
        "é".repeat(57)
    ) + &summary(1, 1, 3);
    assert_output_eq!(without_duration(&out), expected);
}

#[test]
fn wide_characters_take_two_columns_of_the_sixty() {
    let dir = tempdir();
    // 40 CJK characters are 80 columns: 28 of them (56 columns) and the `...` fit in 60.
    write(dir.path(), "cjk.txt", format!("{}\n", "漢".repeat(40)));
    let out = stdout_ok(dir.path(), &["--pretty", "漢"], 0);
    let expected = format!("cjk.txt:1\n\t{}...\n", "漢".repeat(28)) + &summary(1, 1, 1);
    assert_output_eq!(without_duration(&out), expected);
}

#[test]
fn a_cut_line_keeps_its_match_in_view() {
    let dir = tempdir();
    let line = format!("{}needle{}\n", "a".repeat(200), "b".repeat(200));
    write(dir.path(), "far.txt", &line);
    let out = stdout_ok(dir.path(), &["--pretty", "needle"], 0);
    // Sixty columns: `...`, a third of the 54 left before the match, the match, the rest after it.
    let expected = format!("far.txt:1\n\t...{}needle{}...\n", "a".repeat(18), "b".repeat(30));
    assert_output_eq!(without_duration(&out), expected.clone() + &summary(1, 1, 1));
    // COLUMNS sets the width: 40 columns leave 30 for the line.
    let out = ba(dir.path()).env("COLUMNS", "40").args(["--pretty", "needle"]).output().unwrap();
    let expected = format!("far.txt:1\n\t...{}needle{}...\n", "a".repeat(8), "b".repeat(10));
    assert_output_eq!(without_duration(&String::from_utf8_lossy(&out.stdout)), expected + &summary(1, 1, 1));
}

#[test]
fn pretty_output_escapes_control_characters() {
    let dir = tempdir();
    write(dir.path(), "ctl.txt", b"red \x1b[31mhit\x1b[0m tab\there del\x7f\n".as_slice());
    let out = stdout_ok(dir.path(), &["--pretty", "hit"], 0);
    assert!(!out.contains('\x1b'), "raw ESC reached the terminal: {out:?}");
    assert_output_eq!(
        without_duration(&out),
        "ctl.txt:1\n\tred \\x1B[31mhit\\x1B[0m tab\there del\\x7F\n".to_string() + &summary(1, 1, 1)
    );
}

#[test]
fn escaped_characters_count_towards_the_cut() {
    let dir = tempdir();
    write(dir.path(), "esc.txt", format!("hit{}\n", "\x07".repeat(40)));
    let out = stdout_ok(dir.path(), &["--pretty", "hit"], 0);
    // "hit" is 3 columns, each `\x07` shows as 4: 3 + 13 * 4 + 3 for the `...` = 58, a 14th would
    // pass 60.
    let expected = format!("esc.txt:1\n\thit{}...\n", "\\x07".repeat(13)) + &summary(1, 1, 1);
    assert_output_eq!(without_duration(&out), expected);
}

#[test]
fn pretty_output_shows_capture_groups() {
    let dir = tempdir();
    write(dir.path(), "g.txt", "mail bob@example now\nnone\nb only\n");
    let out = stdout_ok(dir.path(), &["--pretty", r"(\w+)@(\w+)"], 0);
    assert_output_eq!(
        without_duration(&out),
        "g.txt:1\n\tmail bob@example now\n[bob,example]\n".to_string() + &summary(1, 1, 3)
    );
    // A group that did not take part shows as empty.
    let out = stdout_ok(dir.path(), &["--pretty", "^(?:(a)|(b)) only"], 0);
    assert_output_eq!(without_duration(&out), "g.txt:3\n\tb only\n[,b]\n".to_string() + &summary(1, 1, 3));
    // Groups are never shown in pipe output.
    assert_output_eq!(stdout_ok(dir.path(), &[r"(\w+)@(\w+)"], 0), "g.txt:1:mail bob@example now\n");
}

#[test]
fn pretty_match_only_prints_each_match_under_the_line_number() {
    let dir = tempdir();
    write(dir.path(), "n.txt", "a 12 b 345\nnone\n  7\n");
    let out = stdout_ok(dir.path(), &["--pretty", "-m", r"\d+"], 0);
    assert_output_eq!(
        without_duration(&out),
        "n.txt:1\n\t12\n\t345\nn.txt:3\n\t7\n".to_string() + &summary(1, 1, 3)
    );
}

#[test]
fn color_always_highlights_line_numbers_and_matches() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hello world\nbye\nsay hello\n");
    let colored = stdout_ok(dir.path(), &["--color", "always", "--pretty", "hello"], 0);
    // Green line numbers.
    assert!(colored.contains("\x1b[32m1\x1b[0m"), "{colored:?}");
    assert!(colored.contains("\x1b[32m3\x1b[0m"), "{colored:?}");
    // Bold yellow matches; the rest of the line is not highlighted.
    let highlighted = regex::Regex::new("\x1b\\[[0-9;]*m(?:\x1b\\[[0-9;]*m)*hello\x1b\\[0m").unwrap();
    assert_eq!(highlighted.find_iter(&colored).count(), 2, "{colored:?}");
    assert!(colored.contains("\x1b[33m"), "{colored:?}");
    assert!(colored.contains("hello\x1b[0m world\n"), "{colored:?}");
    // Without the escapes it is the plain output.
    let plain = stdout_ok(dir.path(), &["--color", "never", "--pretty", "hello"], 0);
    assert!(!plain.contains('\x1b'), "{plain:?}");
    assert_output_eq!(
        without_duration(&plain),
        "a.txt:1\n\thello world\na.txt:3\n\tsay hello\n".to_string() + &summary(1, 1, 3)
    );
    assert_output_eq!(without_duration(&strip_ansi(&colored)), without_duration(&plain));
    // `--colour` is accepted too.
    let british = stdout_ok(dir.path(), &["--colour", "always", "--pretty", "hello"], 0);
    assert!(british.contains("\x1b[32m1\x1b[0m"));
}

#[test]
/// The pipe format is coloured only when asked (`--color always`, for `| less -R`), with grep's and
/// ripgrep's colours: paths magenta, line numbers green, matches bold red.
fn pipe_output_is_coloured_only_when_asked() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hello world\n");
    assert_output_eq!(stdout_ok(dir.path(), &["hello"], 0), "a.txt:1:hello world\n");
    assert_output_eq!(
        stdout_ok(dir.path(), &["--color", "never", "-p", "hello"], 0),
        "a.txt:1:hello world\n"
    );
    let coloured =
        "\x1b[0m\x1b[35ma.txt\x1b[0m:\x1b[0m\x1b[32m1\x1b[0m:\x1b[0m\x1b[1m\x1b[31mhello\x1b[0m world\n";
    assert_output_eq!(stdout_ok(dir.path(), &["--color", "always", "hello"], 0), coloured);
    assert_output_eq!(stdout_ok(dir.path(), &["--color", "always", "-p", "hello"], 0), coloured);
    assert_output_eq!(strip_ansi(coloured), "a.txt:1:hello world\n");
}

#[test]
fn no_color_with_color_auto_prints_no_escapes() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hello world\n");
    let out = ba(dir.path()).env("NO_COLOR", "1").args(["--color", "auto", "--pretty", "hello"]).run();
    assert_eq!(out.status.code(), Some(0));
    let out = stdout_of(&out);
    assert!(!out.contains('\x1b'), "{out:?}");
    assert!(out.starts_with("a.txt:1\n\thello world\n"));
}

/// Runs `ba ARGS` on a pseudo-terminal through util-linux `script`; returns its output with the
/// terminal's `\r\n` turned back into `\n`, or None when `script` is not installed.
fn run_on_terminal(dir: &Path, args: &str, no_color: bool) -> Option<String> {
    let available =
        std::process::Command::new("script").arg("--version").output().is_ok_and(|o| o.status.success());
    if !available {
        eprintln!("`script` is not installed: skipping the terminal checks");
        return None;
    }
    let mut cmd = isolated(std::process::Command::new("script"), dir);
    cmd.args(["-qec", &format!("'{}' {args}", ba_path()), "/dev/null"]);
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let out = cmd.run_timeout(Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    Some(String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n"))
}

#[test]
fn on_a_terminal_output_is_pretty_and_colour_follows_no_color() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hello world\n");
    let Some(colored) = run_on_terminal(dir.path(), "hello", false) else {
        return;
    };
    assert!(colored.contains("\x1b[32m1\x1b[0m"), "{colored:?}");
    assert_output_eq!(
        without_duration(&strip_ansi(&colored)),
        "a.txt:1\n\thello world\n".to_string() + &summary(1, 1, 1)
    );

    let plain = run_on_terminal(dir.path(), "hello", true).unwrap();
    assert!(!plain.contains('\x1b'), "NO_COLOR ignored: {plain:?}");
    assert_output_eq!(without_duration(&plain), "a.txt:1\n\thello world\n".to_string() + &summary(1, 1, 1));

    let never = run_on_terminal(dir.path(), "--color never hello", false).unwrap();
    assert!(!never.contains('\x1b'), "{never:?}");

    // The pipe format on a terminal is coloured too, as grep's and ripgrep's are.
    let pipe = run_on_terminal(dir.path(), "-p hello", false).unwrap();
    assert!(pipe.contains("\x1b[35ma.txt"), "{pipe:?}");
    assert_output_eq!(strip_ansi(&pipe), "a.txt:1:hello world\n");
    let pipe = run_on_terminal(dir.path(), "-p hello", true).unwrap();
    assert_output_eq!(pipe, "a.txt:1:hello world\n");
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

const CASES: &str = "hello\nHello\nHELLO\nhElLo\nother\n";

#[test]
fn smart_case_lowercase_pattern_matches_any_case() {
    let dir = tempdir();
    write(dir.path(), "c.txt", CASES);
    assert_output_eq!(
        stdout_ok(dir.path(), &["hello"], 0),
        "c.txt:1:hello\nc.txt:2:Hello\nc.txt:3:HELLO\nc.txt:4:hElLo\n"
    );
}

#[test]
fn smart_case_uppercase_letter_makes_it_case_sensitive() {
    let dir = tempdir();
    write(dir.path(), "c.txt", CASES);
    assert_output_eq!(stdout_ok(dir.path(), &["Hello"], 0), "c.txt:2:Hello\n");
    assert_output_eq!(stdout_ok(dir.path(), &["[H]ELLO"], 0), "c.txt:3:HELLO\n");
    // Escapes like \W or \S are not typed letters: the pattern stays case-insensitive.
    assert_output_eq!(
        stdout_ok(dir.path(), &[r"^\S*lo$"], 0),
        "c.txt:1:hello\nc.txt:2:Hello\nc.txt:3:HELLO\nc.txt:4:hElLo\n"
    );
}

#[test]
fn strict_case_with_dash_l() {
    let dir = tempdir();
    write(dir.path(), "c.txt", CASES);
    assert_output_eq!(stdout_ok(dir.path(), &["-l", "hello"], 0), "c.txt:1:hello\n");
    assert_output_eq!(stdout_ok(dir.path(), &["--lower", "hello"], 0), "c.txt:1:hello\n");
    assert_output_eq!(stdout_ok(dir.path(), &["--case-sensitive", "hello"], 0), "c.txt:1:hello\n");
    assert_output_eq!(stdout_ok(dir.path(), &["-l", "hellO"], 1), "");
}

#[test]
fn ignore_case_matches_an_uppercase_pattern_in_any_case() {
    let dir = tempdir();
    write(dir.path(), "c.txt", CASES);
    let all = "c.txt:1:hello\nc.txt:2:Hello\nc.txt:3:HELLO\nc.txt:4:hElLo\n";
    assert_output_eq!(stdout_ok(dir.path(), &["--ignore-case", "HeLLo"], 0), all);
    // The last of -l and --ignore-case wins.
    assert_output_eq!(stdout_ok(dir.path(), &["-l", "--ignore-case", "hello"], 0), all);
    assert_output_eq!(stdout_ok(dir.path(), &["--ignore-case", "-l", "hello"], 0), "c.txt:1:hello\n");
}

#[test]
fn fixed_strings_are_literal() {
    let dir = tempdir();
    write(dir.path(), "f.txt", "a.b(c)\naxb(c)\nabc\nA.B(C)\n");
    assert_output_eq!(stdout_ok(dir.path(), &["-F", "a.b(c)"], 0), "f.txt:1:a.b(c)\nf.txt:4:A.B(C)\n");
    assert_output_eq!(stdout_ok(dir.path(), &["--fixed-strings", "A.B(C)"], 0), "f.txt:4:A.B(C)\n");
    // Without -F the same text is a regex with a group.
    assert_output_eq!(stdout_ok(dir.path(), &["-l", r"a.b\(c\)"], 0), "f.txt:1:a.b(c)\nf.txt:2:axb(c)\n");
    assert_output_eq!(stdout_ok(dir.path(), &["-l", "a.b(c)"], 1), "");
}

#[test]
fn word_regexp_matches_whole_words_only() {
    let dir = tempdir();
    write(dir.path(), "w.txt", "foo bar\nfoobar\nbarfoo\na foo.\n_foo\nfoo|x\n");
    assert_output_eq!(
        stdout_ok(dir.path(), &["--word-regexp", "foo"], 0),
        "w.txt:1:foo bar\nw.txt:4:a foo.\nw.txt:6:foo|x\n"
    );
    // The whole alternation is the word.
    assert_output_eq!(
        stdout_ok(dir.path(), &["--word-regexp", "foo|bar"], 0),
        "w.txt:1:foo bar\nw.txt:4:a foo.\nw.txt:6:foo|x\n"
    );
    assert_output_eq!(stdout_ok(dir.path(), &["--word-regexp", "-F", "foo|x"], 0), "w.txt:6:foo|x\n");
    // Words that start or end with a non-word character, as grep and ripgrep find them.
    write(dir.path(), "o.txt", "x -b y\n@property z\nfoo-bar\nab-b\n");
    assert_output_eq!(stdout_ok(dir.path(), &["--word-regexp", "--", "-b", "o.txt"], 0), "o.txt:1:x -b y\n");
    assert_output_eq!(
        stdout_ok(dir.path(), &["--word-regexp", "@property", "o.txt"], 0),
        "o.txt:2:@property z\n"
    );
}

#[test]
fn match_only_prints_one_match_per_line() {
    let dir = tempdir();
    let content = "a 12 b 345\nnone\n7\nx99y1\n";
    write(dir.path(), "n.txt", content);
    let out = stdout_ok(dir.path(), &["-m", r"\d+"], 0);
    assert_output_eq!(out, "n.txt:1:12\nn.txt:1:345\nn.txt:3:7\nn.txt:4:99\nn.txt:4:1\n");
    let oracle = expected_match_only("n.txt", content.as_bytes(), &re(r"\d+"));
    assert_output_eq!(out.as_bytes(), oracle);
    assert_output_eq!(stdout_ok(dir.path(), &["--match-only", "-p", r"\d+"], 0), out);
}

#[test]
fn a_pattern_never_matches_across_lines() {
    let dir = tempdir();
    write(dir.path(), "s.txt", "a\nb\na b\n");
    assert_output_eq!(stdout_ok(dir.path(), &[r"a\sb"], 0), "s.txt:3:a b\n");
    assert_output_eq!(stdout_ok(dir.path(), &["a[^x]b"], 0), "s.txt:3:a b\n");
    assert_output_eq!(stdout_ok(dir.path(), &["(?s)a.b"], 0), "s.txt:3:a b\n");
}

// ---------------------------------------------------------------------------------------------
// Walking: roots, filters, depth, symbolic links
// ---------------------------------------------------------------------------------------------

fn three_dirs(root: &Path) {
    write(root, "a/one.txt", "hit a\n");
    write(root, "b/two.txt", "hit b\n");
    write(root, "c/three.txt", "hit c\n");
    write(root, "top.txt", "hit top\n");
}

#[test]
fn several_directories_are_searched_in_the_order_given() {
    let dir = tempdir();
    three_dirs(dir.path());
    assert_output_eq!(
        stdout_ok(dir.path(), &["hit", "-d", "c", "a"], 0),
        "c/three.txt:1:hit c\na/one.txt:1:hit a\n"
    );
    assert_output_eq!(
        stdout_ok(dir.path(), &["hit", "--directories", "b", "a"], 0),
        "b/two.txt:1:hit b\na/one.txt:1:hit a\n"
    );
}

#[test]
fn positional_paths_come_before_dash_d_and_repeats_are_dropped() {
    let dir = tempdir();
    three_dirs(dir.path());
    assert_output_eq!(
        stdout_ok(dir.path(), &["hit", "c", "b", "-d", "a"], 0),
        "c/three.txt:1:hit c\nb/two.txt:1:hit b\na/one.txt:1:hit a\n"
    );
    assert_output_eq!(stdout_ok(dir.path(), &["hit", "b", "b", "-d", "b"], 0), "b/two.txt:1:hit b\n");
    // The same path by its components: the first spelling is kept.
    assert_output_eq!(
        stdout_ok(dir.path(), &["hit", "b", "b/", "b//", "-d", "b/"], 0),
        "b/two.txt:1:hit b\n"
    );
}

#[test]
fn the_default_root_is_the_current_directory_without_dot_slash() {
    let dir = tempdir();
    three_dirs(dir.path());
    let all = "a/one.txt:1:hit a\nb/two.txt:1:hit b\nc/three.txt:1:hit c\ntop.txt:1:hit top\n";
    assert_output_eq!(stdout_ok(dir.path(), &["hit"], 0), all);
    // An explicit `.` keeps its prefix.
    assert_output_eq!(
        stdout_ok(dir.path(), &["hit", "."], 0),
        "./a/one.txt:1:hit a\n./b/two.txt:1:hit b\n./c/three.txt:1:hit c\n./top.txt:1:hit top\n"
    );
}

#[test]
fn a_file_path_is_searched_as_a_file() {
    let dir = tempdir();
    three_dirs(dir.path());
    assert_output_eq!(stdout_ok(dir.path(), &["hit", "b/two.txt"], 0), "b/two.txt:1:hit b\n");
    assert_output_eq!(
        stdout_ok(dir.path(), &["hit", "top.txt", "-d", "a/one.txt"], 0),
        "top.txt:1:hit top\na/one.txt:1:hit a\n"
    );
    let abs = dir.path().join("top.txt");
    let abs = abs.to_str().unwrap();
    assert_output_eq!(stdout_ok(dir.path(), &["hit", abs], 0), format!("{abs}:1:hit top\n"));
}

#[test]
fn filename_regexes_select_files() {
    let dir = tempdir();
    write(dir.path(), "Cargo.toml", "hit toml\n");
    write(dir.path(), "README.md", "hit md\n");
    write(dir.path(), "src/main.rs", "hit rs\n");
    write(dir.path(), "src/main.rs.orig", "hit orig\n");
    write(dir.path(), "src/x.toml.bak", "hit bak\n");
    // The directory `src` does not match, but directories are always walked.
    assert_output_eq!(
        stdout_ok(dir.path(), &["hit", "-f", r"\.rs$", r"\.toml$"], 0),
        "Cargo.toml:1:hit toml\nsrc/main.rs:1:hit rs\n"
    );
    assert_output_eq!(stdout_ok(dir.path(), &["hit", "--filename", "^README"], 0), "README.md:1:hit md\n");
    // Nothing left to search is said, as ripgrep says it, not left to an exit code of 1.
    let out = run(dir.path(), &["hit", "-f", "nothing"]);
    assert_eq!(out.status.code(), Some(1));
    assert_output_eq!(stdout_of(&out), "");
    assert!(stderr_of(&out).starts_with("ba: no file was searched: the filters"), "{}", stderr_of(&out));
}

#[test]
fn ignore_regexes_skip_files_and_directories() {
    let dir = tempdir();
    write(dir.path(), "a.log", "hit log\n");
    write(dir.path(), "keep.txt", "hit keep\n");
    write(dir.path(), "skip/inner.txt", "hit inner\n");
    write(dir.path(), "sub/skip", "hit file named skip\n");
    write(dir.path(), "sub/ok.txt", "hit ok\n");
    std::os::unix::fs::symlink("..", dir.path().join("skip/loop")).unwrap();

    // Walking `skip` with --follow would meet the loop: a control run shows it is reported...
    let out = run(dir.path(), &["hit", "--follow"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr_of(&out).contains("skip/loop"), "{}", stderr_of(&out));
    // ...so no message here means the ignored directory was not walked at all.
    assert_output_eq!(
        stdout_ok(dir.path(), &["hit", "-i", "^skip$", r"\.log$", "--follow"], 0),
        "keep.txt:1:hit keep\nsub/ok.txt:1:hit ok\n"
    );
    assert_output_eq!(
        stdout_ok(dir.path(), &["hit", "--ignore", "^sub$"], 0),
        "a.log:1:hit log\nkeep.txt:1:hit keep\nskip/inner.txt:1:hit inner\n"
    );
}

fn default_ignore_tree(root: &Path) {
    write(root, ".git/config", "hit git\n");
    write(root, ".hg/store", "hit hg\n");
    write(root, ".svn/entries", "hit svn\n");
    write(root, "app.js", "hit app\n");
    write(root, "app.min.js", "hit minified\n");
    write(root, "sub/.git/HEAD", "hit sub git\n");
    write(root, "sub/x.min.js", "hit sub minified\n");
    write(root, "sub/.hidden.txt", "hit hidden\n");
}

#[test]
fn default_ignores_skip_vcs_directories_and_minified_files() {
    let dir = tempdir();
    default_ignore_tree(dir.path());
    assert_output_eq!(stdout_ok(dir.path(), &["hit"], 0), "app.js:1:hit app\n");
    // Hidden files are searched with --hidden, but the VCS directories stay skipped.
    assert_output_eq!(
        stdout_ok(dir.path(), &["--hidden", "hit"], 0),
        "app.js:1:hit app\nsub/.hidden.txt:1:hit hidden\n"
    );
}

#[test]
fn no_default_ignore_searches_vcs_directories_and_minified_files() {
    let dir = tempdir();
    default_ignore_tree(dir.path());
    assert_output_eq!(
        stdout_ok(dir.path(), &["--no-default-ignore", "hit"], 0),
        "app.js:1:hit app\napp.min.js:1:hit minified\nsub/x.min.js:1:hit sub minified\n"
    );
    let everything = ".git/config:1:hit git\n\
                      .hg/store:1:hit hg\n\
                      .svn/entries:1:hit svn\n\
                      app.js:1:hit app\n\
                      app.min.js:1:hit minified\n\
                      sub/.git/HEAD:1:hit sub git\n\
                      sub/.hidden.txt:1:hit hidden\n\
                      sub/x.min.js:1:hit sub minified\n";
    assert_output_eq!(stdout_ok(dir.path(), &["--no-default-ignore", "--hidden", "hit"], 0), everything);
    assert_output_eq!(stdout_ok(dir.path(), &["-uuu", "hit"], 0), everything);
}

#[test]
fn default_ignores_do_not_skip_a_directory_named_like_a_minified_file() {
    let dir = tempdir();
    write(dir.path(), "vendor/lib.min.js/index.txt", "hit\n");
    assert_output_eq!(stdout_ok(dir.path(), &["hit"], 0), "vendor/lib.min.js/index.txt:1:hit\n");
}

#[test]
fn default_ignores_do_not_skip_a_file_named_like_a_vcs_directory() {
    let dir = tempdir();
    // A git worktree or submodule has a `.git` file; `.hg` here is a plain file too.
    write(dir.path(), "sub/.git", "gitdir: hit\n");
    write(dir.path(), "sub/.hg", "hit\n");
    assert_output_eq!(
        stdout_ok(dir.path(), &["--hidden", "hit"], 0),
        "sub/.git:1:gitdir: hit\nsub/.hg:1:hit\n"
    );
}

#[test]
fn depth_limits_how_far_below_the_root_files_are_searched() {
    let dir = tempdir();
    write(dir.path(), "top.txt", "hit 0\n");
    write(dir.path(), "d1/a.txt", "hit 1\n");
    write(dir.path(), "d1/d2/b.txt", "hit 2\n");
    write(dir.path(), "d1/d2/d3/c.txt", "hit 3\n");
    let lines =
        ["d1/a.txt:1:hit 1\n", "d1/d2/b.txt:1:hit 2\n", "d1/d2/d3/c.txt:1:hit 3\n", "top.txt:1:hit 0\n"];
    assert_output_eq!(stdout_ok(dir.path(), &["-D", "0", "hit"], 0), lines[3]);
    assert_output_eq!(stdout_ok(dir.path(), &["-D", "1", "hit"], 0), [lines[0], lines[3]].concat());
    assert_output_eq!(
        stdout_ok(dir.path(), &["--depth", "2", "hit"], 0),
        [lines[0], lines[1], lines[3]].concat()
    );
    assert_output_eq!(stdout_ok(dir.path(), &["hit"], 0), lines.concat());
    // The depth counts from each root.
    assert_output_eq!(stdout_ok(dir.path(), &["-D", "0", "hit", "d1/d2"], 0), "d1/d2/b.txt:1:hit 2\n");
}

fn symlink_tree(root: &Path) {
    write(root, "d/e/f.txt", "hit f\n");
    write(root, "top.txt", "hit top\n");
    std::os::unix::fs::symlink("d", root.join("link")).unwrap();
    std::os::unix::fs::symlink("top.txt", root.join("flink")).unwrap();
    std::os::unix::fs::symlink("../..", root.join("d/e/loop")).unwrap();
}

#[test]
fn symbolic_links_are_not_followed_by_default() {
    let dir = tempdir();
    symlink_tree(dir.path());
    assert_output_eq!(stdout_ok(dir.path(), &["hit"], 0), "d/e/f.txt:1:hit f\ntop.txt:1:hit top\n");
}

#[test]
fn follow_walks_links_and_reports_loops() {
    let dir = tempdir();
    symlink_tree(dir.path());
    let out = run(dir.path(), &["--follow", "hit"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(
        stdout_of(&out),
        "d/e/f.txt:1:hit f\nflink:1:hit top\nlink/e/f.txt:1:hit f\ntop.txt:1:hit top\n"
    );
    let err = stderr_of(&out);
    assert!(
        err.lines().any(|l| l.starts_with("ba: ") && l.contains("d/e/loop: symbolic link loop")),
        "{err}"
    );

    // The loop is a warning, as in grep: nothing failed, the exit code says whether a line matched.
    let out = run(dir.path(), &["--follow", "nomatch"]);
    assert_eq!(out.status.code(), Some(1));
    assert_output_eq!(stdout_of(&out), "");
    assert!(stderr_of(&out).contains("symbolic link loop"));
}

#[test]
fn a_symlink_named_as_root_is_searched() {
    let dir = tempdir();
    symlink_tree(dir.path());
    assert_output_eq!(
        stdout_ok(dir.path(), &["hit", "link", "flink"], 0),
        "link/e/f.txt:1:hit f\nflink:1:hit top\n"
    );
}

// ---------------------------------------------------------------------------------------------
// File contents and file kinds
// ---------------------------------------------------------------------------------------------

#[test]
fn binary_files_are_skipped_and_not_counted() {
    let dir = tempdir();
    write(dir.path(), "bin.dat", b"hit\x00\nhit\n".as_slice());
    write(dir.path(), "text.txt", "hit\n");
    assert_output_eq!(stdout_ok(dir.path(), &["hit"], 0), "text.txt:1:hit\n");
    let out = stdout_ok(dir.path(), &["--pretty", "hit"], 0);
    let skipped = "Binary Files Skipped: 1 (-a searches them)\n";
    assert_output_eq!(
        without_duration(&out),
        "text.txt:1\n\thit\n".to_string() + &summary(1, 1, 1) + skipped
    );
    // Only a binary file matches: nothing matched.
    std::fs::remove_file(dir.path().join("text.txt")).unwrap();
    assert_output_eq!(stdout_ok(dir.path(), &["hit"], 1), "");
}

/// In a file found while walking, past the first 256 KiB a NUL byte ends the text, as grep and
/// ripgrep stop at it: the lines before it are printed, the NUL's line and the rest are not. Within
/// the first 256 KiB it makes the file binary.
#[test]
fn a_nul_byte_far_into_the_file_ends_its_text() {
    let dir = tempdir();
    let mut content = "hit early\n".repeat(50_000).into_bytes();
    content.extend_from_slice(b"late hit \x00 nul\nhit after\n");
    write(dir.path(), "d/late.bin", &content);
    let expected: String = (1..=50_000).map(|n| format!("d/late.bin:{n}:hit early\n")).collect();
    assert_output_eq!(stdout_ok(dir.path(), &["hit", "-d", "d"], 0), expected);

    let mut early = "hit early\n".repeat(20_000).into_bytes();
    early.extend_from_slice(b"early \x00 nul\n");
    early.extend(b"hit late\n".repeat(30_000));
    write(dir.path(), "e/early.bin", &early);
    assert_output_eq!(stdout_ok(dir.path(), &["hit", "-d", "e"], 1), "");
}

/// A file named on the command line (or standard input) is searched past its first NUL byte, as
/// grep and ripgrep search it: its lines before the NUL are printed, the binary data from the NUL's
/// line on never is (NUL bytes end its lines); if it matched that is said once, on stderr, counted
/// as a match, and the search of the file ends there.
#[test]
fn a_named_file_with_binary_data_says_it_matches() {
    let dir = tempdir();
    write(dir.path(), "app.log", b"ERROR one\nok\n\x00bin ERROR\nERROR after\n".as_slice());
    let out = run(dir.path(), &["ERROR", "app.log"]);
    assert_eq!(out.status.code(), Some(0));
    assert_output_eq!(stdout_of(&out), "app.log:1:ERROR one\n");
    assert_output_eq!(
        stderr_of(&out),
        "ba: app.log: binary file matches (found \"\\0\" byte around offset 13)\n"
    );
    // Only the binary line matches: still a match, said once.
    let out = run(dir.path(), &["bin", "app.log"]);
    assert_eq!(out.status.code(), Some(0));
    assert_output_eq!(stdout_of(&out), "");
    assert!(stderr_of(&out).contains("app.log: binary file matches"));
    // A match across the NUL is no match: the NUL ends the line.
    assert_eq!(run(dir.path(), &["ok.*bin", "app.log"]).status.code(), Some(1));
    // Standard input, the same.
    let out = ba(dir.path()).args(["ERROR"]).run_stdin(b"ERROR before\nok\n\x00\nERROR x\n");
    assert_output_eq!(stdout_of(&out), "ERROR before\n");
    assert!(stderr_of(&out).contains("<stdin>: binary file matches"));
    let out = ba(dir.path()).args(["bin"]).run_stdin(b"\x00bin\n");
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr_of(&out).contains("<stdin>: binary file matches"));
}

/// A line holding binary data matches whole, however far its match is from its first NUL byte
/// (past a read buffer of 256 KiB), and is said to match where that NUL byte is.
#[test]
fn a_long_binary_line_matches_past_the_read_buffer() {
    let dir = tempdir();
    let content = [b"text\n\x00".as_slice(), &b"a".repeat(300_000), b" hit\nafter\n"].concat();
    write(dir.path(), "long.bin", content);
    let out = run(dir.path(), &["hit", "long.bin"]);
    assert_eq!(out.status.code(), Some(0));
    assert_output_eq!(stdout_of(&out), "");
    assert_output_eq!(
        stderr_of(&out),
        "ba: long.bin: binary file matches (found \"\\0\" byte around offset 5)\n"
    );
}

/// A file's hits go to the printer in pieces of about 64 KiB. One whose last hit ends a piece, with
/// lines without hits after it, ends with an empty piece: the end of a file that printed, not a
/// file that prints nothing, and the files after it print, and are counted.
#[test]
fn a_file_whose_hits_end_at_a_piece_boundary_is_followed_by_the_next() {
    let dir = tempdir();
    write(dir.path(), "b.txt", "hit b\n");
    let line = format!("hit{}\n", "a".repeat(60));
    // Around 64 KiB of output in lines of 70 to 75 bytes: one of these ends a piece.
    for hits in 860..=940 {
        write(dir.path(), "a.txt", format!("{}{}", line.repeat(hits), "miss\n".repeat(10)));
        let out = run(dir.path(), &["-w", "1", "--stats", "hit"]);
        let stdout = stdout_of(&out);
        assert_eq!((out.status.code(), stderr_of(&out).as_str()), (Some(0), ""), "{hits} hits");
        assert_eq!(stdout.lines().filter(|l| l.starts_with("a.txt:")).count(), hits, "{hits} hits");
        assert!(stdout.contains("b.txt:1:hit b\n"), "{hits} hits");
        assert!(stdout.contains("\n2 files searched\n"), "{hits} hits: {stdout}");
    }
}

/// A pattern that matches an empty stretch finds none in a binary line with no two NUL bytes in a
/// row, however long the line: a piece of it cut after a NUL byte goes on in the next piece.
#[test]
fn a_long_binary_line_has_no_empty_stretch_at_a_buffer_edge() {
    let dir = tempdir();
    for (name, repeat) in [("short.bin", 2_000), ("long.bin", 200_000)] {
        write(dir.path(), name, [b"hello\n".as_slice(), &b"ab\0".repeat(repeat), b"x\n"].concat());
        let out = run(dir.path(), &["-p", "^$", name]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out), "", "{name}");
    }
}

/// Nor is binary data shown as context: the context after a hit ends before the line that holds
/// the first NUL byte; a hit after it is only said, and so is a file with hits before it (as
/// ripgrep says it: what follows is not shown).
#[test]
fn a_named_file_s_binary_data_is_not_shown_as_context() {
    let dir = tempdir();
    write(dir.path(), "app.log", b"first\nx\x00y\nhit\nz\x00\nlast\n".as_slice());
    let out = run(dir.path(), &["-C", "1", "first", "app.log"]);
    assert_output_eq!(stdout_of(&out), "app.log:1:first\n");
    assert!(stderr_of(&out).contains("app.log: binary file matches (found \"\\0\" byte around offset 7)"));
    let out = run(dir.path(), &["-C", "1", "absent", "app.log"]);
    assert_eq!((out.status.code(), stderr_of(&out).as_str()), (Some(1), ""));
    let out = run(dir.path(), &["-B", "2", "hit", "app.log"]);
    assert_eq!((out.status.code(), stdout_of(&out).as_str()), (Some(0), ""));
    assert!(stderr_of(&out).contains("binary file matches (found \"\\0\" byte around offset 7)"));
}

/// A UTF-8 byte-order mark is not part of the first line: `^` matches after it.
#[test]
fn a_byte_order_mark_is_not_part_of_the_first_line() {
    let dir = tempdir();
    write(dir.path(), "bom.txt", b"\xEF\xBB\xBFtest line\nx\n".as_slice());
    assert_output_eq!(stdout_ok(dir.path(), &["^test"], 0), "bom.txt:1:test line\n");
}

#[test]
fn text_flag_searches_binary_files() {
    let dir = tempdir();
    write(dir.path(), "bin.dat", b"hit\x00\nhit\n".as_slice());
    for flag in ["-a", "--text"] {
        let out = run(dir.path(), &[flag, "hit"]);
        assert_eq!(out.status.code(), Some(0));
        assert_output_eq!(out.stdout, b"bin.dat:1:hit\x00\nbin.dat:2:hit\n");
    }
}

#[test]
fn invalid_utf8_is_searched_as_bytes() {
    let dir = tempdir();
    let content = b"caf\xff hit\xfe\n\xc3\x28 other\nplain hit\n";
    write(dir.path(), "inv.txt", content.as_slice());
    let out = run(dir.path(), &["hit"]);
    assert_eq!(out.status.code(), Some(0));
    assert_output_eq!(out.stdout, b"inv.txt:1:caf\xff hit\xfe\ninv.txt:3:plain hit\n");
    assert_output_eq!(out.stdout, expected_pipe("inv.txt", content, &re("hit")));
    // The pretty output shows invalid bytes as U+FFFD.
    let pretty = stdout_ok(dir.path(), &["--pretty", "caf"], 0);
    assert_output_eq!(
        without_duration(&pretty),
        "inv.txt:1\n\tcaf\u{FFFD} hit\u{FFFD}\n".to_string() + &summary(1, 1, 3)
    );
}

/// With Unicode off, a pattern may match bytes that are not UTF-8, as in ripgrep: `(?-u:\xFF)` finds
/// the byte 0xFF, `(?-u:\xA9)` the second byte of `é`.
#[test]
fn a_pattern_may_match_bytes_that_are_not_utf8() {
    let dir = tempdir();
    let content = b"caf\xc3\xa9 x\n\xff\xfe bin\nplain\n\xffend\n";
    write(dir.path(), "bytes.txt", content.as_slice());
    let patterns = [
        r"(?-u:\xff)",
        r"(?-u:\xa9)",
        r"(?-u:[\x80-\xff]+)",
        r"(?-u:.)end",
        r"(?-u:.\xfe) bin",
        r"\w(?-u:\xc3)",
    ];
    for pattern in patterns {
        let out = run(dir.path(), &["-l", pattern, "bytes.txt"]);
        assert_eq!(stderr_of(&out), "", "{pattern}");
        assert_eq!(out.status.code(), Some(0), "{pattern}");
        assert_output_eq!(out.stdout, expected_pipe("bytes.txt", content, &re(pattern)), "{pattern}");
        if let Some(rg) = rg(dir.path(), &["-n", "--with-filename", pattern, "bytes.txt"]) {
            assert_output_eq!(out.stdout, rg, "{pattern}: as ripgrep");
        }
        let out = run(dir.path(), &["-l", "-m", pattern, "bytes.txt"]);
        assert_output_eq!(out.stdout, expected_match_only("bytes.txt", content, &re(pattern)), "{pattern}");
    }
}

#[test]
fn a_non_utf8_file_name_does_not_crash() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempdir();
    let name = OsStr::from_bytes(b"bad\xffname.txt");
    fs::write(dir.path().join(name), "hit\n").unwrap();
    write(dir.path(), "good.txt", "hit\n");
    let out = run(dir.path(), &["hit"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stderr_of(&out), "");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout:?}");
    assert!(lines[0].starts_with("bad"), "{stdout:?}");
    assert!(lines[0].ends_with("name.txt:1:hit"), "{stdout:?}");
    assert_eq!(lines[1], "good.txt:1:hit");
    // -f looks at the raw name.
    let out = run(dir.path(), &["hit", "-f", "name"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

#[test]
fn a_fifo_in_the_tree_does_not_hang_the_search() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hit a\n");
    write(dir.path(), "z.txt", "hit z\n");
    let status =
        std::process::Command::new("mkfifo").arg(dir.path().join("m.fifo")).status().expect("run mkfifo");
    assert!(status.success());
    let started = Instant::now();
    let out = ba(dir.path()).arg("hit").run_timeout(Duration::from_secs(10));
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(stdout_of(&out), "a.txt:1:hit a\nz.txt:1:hit z\n");
}

#[test]
fn long_lines_and_lines_across_read_buffers() {
    let dir = tempdir();
    // Lines of many lengths (some crossing the searcher's 256 KiB reads) and one line of 600 KiB.
    let mut content = Vec::new();
    let mut n = 0;
    while content.len() < 900_000 {
        n += 1;
        let line = format!("{n} {}", "abcdefg".repeat(n % 37));
        content.extend_from_slice(line.as_bytes());
        if n % 101 == 0 {
            content.extend_from_slice(b" Hit");
        }
        content.push(b'\n');
        if n == 3000 {
            content.extend_from_slice(b"hit at start ");
            content.extend(std::iter::repeat_n(b'-', 600 << 10));
            content.extend_from_slice(b" and hit at end\n");
        }
    }
    content.extend_from_slice(b"last hit, no newline");
    write(dir.path(), "long.txt", &content);
    let oracle = RegexBuilder::new("hit").case_insensitive(true).build().unwrap();
    let expected = expected_pipe("long.txt", &content, &oracle);
    for workers in ["1", "3"] {
        let out = run(dir.path(), &["-w", workers, "hit"]);
        assert_eq!(out.status.code(), Some(0));
        assert_output_eq!(out.stdout, expected, "-w {workers}");
    }
    let pretty = stdout_ok(dir.path(), &["--pretty", "last hit"], 0);
    assert!(without_duration(&pretty).ends_with(&summary(1, 1, line_count(&content))), "{pretty}");
}

// ---------------------------------------------------------------------------------------------
// Errors and exit codes
// ---------------------------------------------------------------------------------------------

#[test]
fn exit_code_is_zero_on_a_match_and_one_without() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hello\n");
    assert_output_eq!(stdout_ok(dir.path(), &["hello"], 0), "a.txt:1:hello\n");
    assert_output_eq!(stdout_ok(dir.path(), &["goodbye"], 1), "");
}

#[test]
fn a_missing_path_alone_exits_two() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hello\n");
    let out = run(dir.path(), &["hello", "missing"]);
    assert_eq!(out.status.code(), Some(2));
    assert_output_eq!(stdout_of(&out), "");
    assert_eq!(stderr_of(&out), "ba: missing: No such file or directory\n");
}

/// GNU grep's rule: an error makes the exit code 2 even when a line matched (a script must not take
/// a partial search for a whole one); -q exits 0 at its first match all the same.
#[test]
fn a_missing_path_with_a_match_elsewhere_exits_two() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hello\n");
    let out = run(dir.path(), &["hello", "missing", "a.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_output_eq!(stdout_of(&out), "a.txt:1:hello\n");
    assert_eq!(stderr_of(&out), "ba: missing: No such file or directory\n");
    let out = run(dir.path(), &["nothing", "missing", "a.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_output_eq!(stdout_of(&out), "");
    let out = run(dir.path(), &["-q", "hello", "missing", "a.txt"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_bad_regex_exits_two_and_prints_nothing() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "a(\n");
    let out = run(dir.path(), &["a("]);
    assert_eq!(out.status.code(), Some(2));
    assert_output_eq!(stdout_of(&out), "");
    let err = stderr_of(&out);
    assert!(err.starts_with("ba: invalid pattern"), "{err}");
    assert!(err.contains("unclosed group"), "{err}");
}

/// Long patterns compile in time linear in their length (`benches/engine.rs` times them), so a search
/// with one gives its answer at once: `\dx` 8,000 times took 27 s, an 8,000-letter literal 3.7 s.
#[test]
fn long_patterns_compile_and_give_the_right_answer() {
    let dir = tempdir();
    let lowercase = "abcdefghijklmnopqrstuvwxyz".repeat(308)[..8000].to_string();
    let mut typo = lowercase.clone();
    typo.replace_range(4000..4001, "!");
    write(dir.path(), "long.txt", format!("{}\n{typo}\n1x2x3x\n", lowercase.to_uppercase()));
    // Smart case: the lowercase literal finds its uppercase line, not the one with a typo.
    let out = run(dir.path(), &["-c", &lowercase, "long.txt"]);
    assert_eq!((stdout_of(&out).as_str(), stderr_of(&out).as_str()), ("1\n", ""));
    // No line holds 8,000 digits each followed by an `x`; the third holds three.
    let out = run(dir.path(), &["-c", &r"\dx".repeat(8000), "long.txt"]);
    assert_eq!((out.status.code(), stderr_of(&out).as_str()), (Some(1), ""));
    let out = run(dir.path(), &[&format!("{}$", r"\dx".repeat(3)), "long.txt"]);
    assert_eq!(stdout_of(&out), "long.txt:3:1x2x3x\n");
}

/// `--regex-size-limit` bounds the compiled pattern: past it, one line says which flag to raise;
/// `--dfa-size-limit` bounds the DFA's cache, which changes no answer.
#[test]
fn size_limits_bound_the_compiled_pattern() {
    let dir = tempdir();
    let line = format!("{}\n", "w".repeat(60));
    write(dir.path(), "a.txt", format!("short\n{line}"));
    let out = run(dir.path(), &["--regex-size-limit", "1K", r"\w{50}", "a.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_output_eq!(stdout_of(&out), "");
    let err = stderr_of(&out);
    assert!(err.starts_with("ba: ") && err.lines().count() == 1, "{err}");
    assert!(err.contains("--regex-size-limit (1K); raise it"), "{err}");
    for limits in
        [&["--regex-size-limit", "10M"][..], &["--dfa-size-limit", "1"], &["--dfa-size-limit", "1G"]]
    {
        let out = ba(dir.path()).args(limits).args([r"\w{50}", "a.txt"]).run();
        assert_output_eq!(stdout_of(&out), format!("a.txt:2:{line}"), "{limits:?}");
    }
}

#[test]
fn bad_filter_regexes_exit_two() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hit\n");
    let out = run(dir.path(), &["hit", "-i", "("]);
    assert_eq!(out.status.code(), Some(2));
    assert_output_eq!(stdout_of(&out), "");
    assert!(stderr_of(&out).contains("invalid regex for -i/--ignore"));
    let out = run(dir.path(), &["hit", "-f", "[z-a]"]);
    assert_eq!(out.status.code(), Some(2));
    assert_output_eq!(stdout_of(&out), "");
    assert!(stderr_of(&out).contains("invalid regex for -f/--filename"));
}

#[test]
fn a_pattern_with_a_newline_is_refused() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "a\nb\n");
    let out = run(dir.path(), &[r"a\nb"]);
    assert_eq!(out.status.code(), Some(2));
    assert_output_eq!(stdout_of(&out), "");
    assert!(stderr_of(&out).contains("newline"), "{}", stderr_of(&out));
}

#[test]
fn bad_arguments_exit_two() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hit\n");
    for args in
        [&["-w", "many", "hit"][..], &["--color", "sometimes", "hit"], &["--no-such-flag", "hit"], &[]]
    {
        let out = run(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "ba {args:?}");
        assert_output_eq!(stdout_of(&out), "", "ba {args:?}");
    }
}

#[test]
fn an_unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    write(dir.path(), "a.txt", "hit\n");
    let secret = write(dir.path(), "secret.txt", "hit secret\n");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    if running_as_root() || fs::File::open(&secret).is_ok() {
        eprintln!("running as root: chmod 000 does not stop reading, skipping");
        return;
    }
    let out = run(dir.path(), &["hit"]);
    assert_eq!(out.status.code(), Some(0));
    assert_output_eq!(stdout_of(&out), "a.txt:1:hit\n");
    assert_eq!(stderr_of(&out), "ba: secret.txt: Permission denied\n");
    let out = run(dir.path(), &["hit", "secret.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr_of(&out), "ba: secret.txt: Permission denied\n");
}

#[test]
fn an_unreadable_directory_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    write(dir.path(), "a.txt", "hit\n");
    write(dir.path(), "locked/inner.txt", "hit\n");
    let locked = dir.path().join("locked");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let readable = fs::read_dir(&locked).is_ok();
    if running_as_root() || readable {
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("running as root: chmod 000 does not stop reading, skipping");
        return;
    }
    let out = run(dir.path(), &["hit"]);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_output_eq!(stdout_of(&out), "a.txt:1:hit\n");
    assert!(stderr_of(&out).contains("locked: Permission denied"), "{}", stderr_of(&out));
}

// ---------------------------------------------------------------------------------------------
// Broken pipe
// ---------------------------------------------------------------------------------------------

fn many_hits(root: &Path) {
    let body = "a hit on this line\n".repeat(4000);
    for i in 0..40 {
        write(root, &format!("tree/f{i:02}.txt"), &body);
    }
}

/// Runs `ba ARGS | head -1` in `dir/tree` and returns (stdout, ba's stderr, ba's exit code).
fn into_head(dir: &Path, args: &str) -> (String, String, String) {
    let (err_file, rc_file) = (dir.join("ba.err"), dir.join("ba.rc"));
    let script = format!(
        "{{ '{}' {args} </dev/null 2>'{}'; echo $? >'{}'; }} | head -1",
        ba_path(),
        err_file.display(),
        rc_file.display()
    );
    let started = Instant::now();
    let out = isolated(std::process::Command::new("sh"), &dir.join("tree"))
        .args(["-c", &script])
        .run_timeout(Duration::from_secs(20));
    assert!(started.elapsed() < Duration::from_secs(10), "ba kept running after head exited");
    assert!(out.status.success());
    let err = fs::read_to_string(err_file).unwrap();
    let rc = fs::read_to_string(rc_file).unwrap();
    (stdout_of(&out), err, rc.trim().to_string())
}

#[test]
fn a_closed_pipe_stops_ba_quietly() {
    let dir = tempdir();
    many_hits(dir.path());
    let (stdout, err, rc) = into_head(dir.path(), "-w 4 hit -d .");
    assert_output_eq!(stdout, "./f00.txt:1:a hit on this line\n");
    assert!(!err.contains("Broken pipe"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err, "");
    assert_eq!(rc, "0");
}

#[test]
fn a_closed_pipe_stops_pretty_output_quietly() {
    let dir = tempdir();
    many_hits(dir.path());
    let (stdout, err, rc) = into_head(dir.path(), "--pretty --color always hit");
    assert_output_eq!(strip_ansi(&stdout), "f00.txt:1\n");
    assert_eq!(err, "");
    assert_eq!(rc, "0");
}

// ---------------------------------------------------------------------------------------------
// -e: open the hits in an editor
// ---------------------------------------------------------------------------------------------

/// An editor script that records its arguments, one per line, in `record`.
fn recording_editor(path: &Path, record: &Path) {
    write_script(path, &format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n", record.display()));
}

/// A fake `vim`: records its arguments and copies the quickfix file (ba deletes it afterwards).
fn fake_vim(path: &Path, record: &Path, copy: &Path) {
    write_script(
        path,
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nif [ \"$1\" = -q ]; then cp \"$2\" '{}'; fi\n",
            record.display(),
            copy.display()
        ),
    );
}

fn edit_tree(root: &Path) {
    write(root, "a.txt", "nothing\n");
    write(root, "b/c.txt", "one\ntwo\nhit three\nfour\nhit five\r\n");
    write(root, "d.txt", "hit d\n");
}

#[test]
fn edit_opens_editor_at_the_first_hit() {
    let dir = tempdir();
    let work = dir.path().join("work");
    edit_tree(&work);
    let editor = dir.path().join("editor.sh");
    let record = dir.path().join("args");
    recording_editor(&editor, &record);
    let out = run_in_session(ba(&work).env("EDITOR", &editor).args(["-w", "4", "-e", "hit"]), true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(stdout_of(&out), "b/c.txt:3:hit three\nb/c.txt:5:hit five\r\nd.txt:1:hit d\n");
    assert_output_eq!(fs::read_to_string(&record).unwrap(), "+3\nb/c.txt\n");
}

#[test]
fn edit_prefers_visual_and_skips_empty_variables() {
    let dir = tempdir();
    let work = dir.path().join("work");
    edit_tree(&work);
    let visual = dir.path().join("visual.sh");
    let editor = dir.path().join("editor.sh");
    let visual_record = dir.path().join("visual-args");
    let editor_record = dir.path().join("editor-args");
    recording_editor(&visual, &visual_record);
    recording_editor(&editor, &editor_record);

    let out = run_in_session(
        ba(&work).env("VISUAL", &visual).env("EDITOR", &editor).args(["--edit", "hit", "d.txt"]),
        true,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(fs::read_to_string(&visual_record).unwrap(), "+1\nd.txt\n");
    assert!(!editor_record.exists(), "EDITOR ran although VISUAL is set");

    let out = run_in_session(
        ba(&work)
            .env("VISUAL", "")
            .env("EDITOR", format!("{} --wait", editor.display()))
            .args(["-e", "hit", "d.txt"]),
        true,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(fs::read_to_string(&editor_record).unwrap(), "--wait\n+1\nd.txt\n");
}

#[test]
fn edit_gives_vim_a_quickfix_list_of_every_hit() {
    let dir = tempdir();
    let work = dir.path().join("work");
    edit_tree(&work);
    let bin = dir.path().join("bin");
    fs::create_dir(&bin).unwrap();
    let vim = bin.join("vim");
    let record = dir.path().join("args");
    let copy = dir.path().join("quickfix-copy");
    fake_vim(&vim, &record, &copy);
    let tmp = dir.path().join("tmp");
    fs::create_dir(&tmp).unwrap();

    let out = run_in_session(
        ba(&work)
            .env("VISUAL", &vim)
            .env("EDITOR", "/nonexistent/editor")
            .env("TMPDIR", &tmp)
            .args(["-e", "hit"]),
        true,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let args = fs::read_to_string(&record).unwrap();
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(args.len(), 2, "{args:?}");
    assert_eq!(args[0], "-q");
    // The quickfix file is a temporary file, gone once the editor exits.
    let quickfix = Path::new(args[1]);
    assert!(quickfix.starts_with(&tmp), "{quickfix:?}");
    assert!(!quickfix.exists(), "the quickfix file was left behind");
    assert_output_eq!(
        fs::read_to_string(&copy).unwrap(),
        "b/c.txt:3:1:hit three\nb/c.txt:5:1:hit five\nd.txt:1:1:hit d\n"
    );
}

#[test]
fn edit_without_hits_runs_no_editor() {
    let dir = tempdir();
    let work = dir.path().join("work");
    edit_tree(&work);
    let editor = dir.path().join("editor.sh");
    let record = dir.path().join("args");
    recording_editor(&editor, &record);
    let out = run_in_session(ba(&work).env("EDITOR", &editor).args(["-e", "nomatch"]), true);
    assert_eq!(out.status.code(), Some(1));
    assert!(!record.exists(), "the editor ran without hits");
}

#[test]
fn edit_passes_a_dash_file_name_as_a_path() {
    let dir = tempdir();
    let work = dir.path().join("work");
    write(&work, "-x.txt", "hit\n");
    let editor = dir.path().join("editor.sh");
    let record = dir.path().join("args");
    recording_editor(&editor, &record);
    let out = run_in_session(ba(&work).env("EDITOR", &editor).args(["-e", "hit"]), true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(fs::read_to_string(&record).unwrap(), "+1\n./-x.txt\n");
}

#[test]
fn edit_never_runs_file_names_through_a_shell() {
    let dir = tempdir();
    let work = dir.path().join("work");
    write(&work, "a;touch pwned", "hit\n");
    write(&work, "b$(touch pwned2)", "hit\n");
    write(&work, "c`touch pwned3`", "hit\n");
    let editor = dir.path().join("editor.sh");
    let record = dir.path().join("args");
    recording_editor(&editor, &record);
    let out = run_in_session(ba(&work).env("EDITOR", &editor).args(["-e", "hit"]), true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(fs::read_to_string(&record).unwrap(), "+1\na;touch pwned\n");

    let bin = dir.path().join("bin");
    fs::create_dir(&bin).unwrap();
    let vim = bin.join("vim");
    let vim_record = dir.path().join("vim-args");
    let copy = dir.path().join("quickfix-copy");
    fake_vim(&vim, &vim_record, &copy);
    let out = run_in_session(ba(&work).env("VISUAL", &vim).args(["-e", "hit"]), true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(
        fs::read_to_string(&copy).unwrap(),
        "a;touch pwned:1:1:hit\nb$(touch pwned2):1:1:hit\nc`touch pwned3`:1:1:hit\n"
    );

    for name in ["pwned", "pwned2", "pwned3"] {
        assert!(!work.join(name).exists(), "{name} was created");
        assert!(!dir.path().join(name).exists(), "{name} was created");
    }
}

/// Each editor is told where to go in its own words.
#[test]
fn edit_speaks_each_editor_s_language() {
    let dir = tempdir();
    let work = dir.path().join("work");
    // The first match is at byte 5 of its line, character 4 (`é` is two bytes).
    write(&work, "src/m.rs", "one\n\té hit two\n");
    let bin = dir.path().join("bin");
    fs::create_dir(&bin).unwrap();
    let record = dir.path().join("args");
    for (name, expected) in [
        ("code", "--goto\nsrc/m.rs:2:4\n"),
        ("codium", "--goto\nsrc/m.rs:2:4\n"),
        ("hx", "src/m.rs:2:4\n"),
        ("subl", "src/m.rs:2:4\n"),
        ("kak", "+2:4\nsrc/m.rs\n"),
        ("micro", "+2:4\nsrc/m.rs\n"),
        ("emacsclient", "+2:4\nsrc/m.rs\n"),
        ("nano", "+2,4\nsrc/m.rs\n"),
        ("joe", "+2\nsrc/m.rs\n"),
    ] {
        let editor = bin.join(name);
        recording_editor(&editor, &record);
        let out = run_in_session(ba(&work).env("EDITOR", &editor).args(["-e", "hit"]), true);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        assert_output_eq!(fs::read_to_string(&record).unwrap(), expected);
    }
    // vim's quickfix list counts the column in bytes, as vim does.
    let copy = dir.path().join("quickfix-copy");
    fake_vim(&bin.join("nvim"), &record, &copy);
    let out = run_in_session(ba(&work).env("EDITOR", bin.join("nvim")).args(["-e", "hit"]), true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(fs::read_to_string(&copy).unwrap(), "src/m.rs:2:5:\té hit two\n");
}

/// `$EDITOR` is split as a shell splits words: quotes keep spaces in a path or an argument.
#[test]
fn edit_splits_the_editor_variable_as_a_shell_would() {
    let dir = tempdir();
    let work = dir.path().join("work");
    edit_tree(&work);
    let editor = dir.path().join("my editors/ed it.sh");
    fs::create_dir_all(editor.parent().unwrap()).unwrap();
    let record = dir.path().join("args");
    recording_editor(&editor, &record);
    let variable = format!("'{}' --title \"two words\" -n", editor.display());
    let out = run_in_session(ba(&work).env("EDITOR", &variable).args(["-e", "hit", "d.txt"]), true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(fs::read_to_string(&record).unwrap(), "--title\ntwo words\n-n\n+1\nd.txt\n");
    // An unclosed quote is said, before anything is searched.
    let out = run_in_session(ba(&work).env("EDITOR", "vim 'oops").args(["-e", "hit"]), true);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout_of(&out), "");
    assert!(stderr_of(&out).starts_with("ba: -e: $EDITOR (vim 'oops): "), "{}", stderr_of(&out));
}

/// With no terminal (no tty on standard output, no /dev/tty), a terminal editor cannot be shown:
/// ba says so before searching; an editor with a window of its own needs none.
#[test]
fn edit_without_a_terminal_is_an_error_with_its_reason() {
    let dir = tempdir();
    let work = dir.path().join("work");
    edit_tree(&work);
    let record = dir.path().join("args");
    let editor = dir.path().join("editor.sh");
    recording_editor(&editor, &record);
    let out = run_in_session(ba(&work).env("EDITOR", &editor).args(["-e", "hit"]), false);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout_of(&out), "");
    assert!(
        stderr_of(&out).starts_with(
            "ba: -e: no terminal to open editor.sh on: standard output is not a terminal and /dev/tty cannot be opened ("
        ),
        "{}",
        stderr_of(&out)
    );
    assert!(!record.exists(), "the editor ran without a terminal");

    let code = dir.path().join("bin/code");
    fs::create_dir_all(code.parent().unwrap()).unwrap();
    recording_editor(&code, &record);
    let out = run_in_session(ba(&work).env("EDITOR", &code).args(["-e", "hit", "d.txt"]), false);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(fs::read_to_string(&record).unwrap(), "--goto\nd.txt:1:1\n");
}

/// Hits in standard input have no file to open: ba says so, and runs no editor.
#[test]
fn edit_says_why_standard_input_cannot_be_opened() {
    let dir = tempdir();
    let record = dir.path().join("args");
    let code = dir.path().join("bin/code");
    fs::create_dir_all(code.parent().unwrap()).unwrap();
    recording_editor(&code, &record);
    let out = ba(dir.path()).env("EDITOR", &code).args(["-e", "hit"]).run_stdin(b"a hit\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "a hit\n");
    assert_eq!(
        stderr_of(&out),
        "ba: -e: the hits are in standard input, which has no file to open in the editor\n"
    );
    assert!(!record.exists(), "the editor ran");
}

/// A line break in a file name would split its quickfix line in two: that hit is left out, with a
/// warning, and the others are listed.
#[test]
fn edit_leaves_a_name_with_a_line_break_out_of_the_quickfix_list() {
    let dir = tempdir();
    let work = dir.path().join("work");
    write(&work, "a.txt", "hit\n");
    write(&work, "b\nc.txt", "hit\n");
    let vim = dir.path().join("bin/vim");
    fs::create_dir_all(vim.parent().unwrap()).unwrap();
    let (record, copy) = (dir.path().join("args"), dir.path().join("quickfix-copy"));
    fake_vim(&vim, &record, &copy);
    let out = run_in_session(ba(&work).env("EDITOR", &vim).args(["-e", "hit"]), true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(fs::read_to_string(&copy).unwrap(), "a.txt:1:1:hit\n");
    assert_eq!(
        stderr_of(&out),
        "ba: b\\x0Ac.txt: left out of the editor's list: the name holds a line break\n"
    );
}

/// `-e` opens lines: with a flag that prints no lines it is a usage error, not an editor left unrun.
#[test]
fn edit_with_a_flag_that_prints_no_lines_is_a_usage_error() {
    let dir = tempdir();
    edit_tree(dir.path());
    for flag in ["-c", "--count-matches", "--files-with-matches", "--files-without-match", "-q", "--files"] {
        let out = ba(dir.path()).env("EDITOR", "true").args(["-e", "hit", flag]).run();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(stderr_of(&out).contains("cannot be used with"), "{flag}: {}", stderr_of(&out));
    }
}

// ---------------------------------------------------------------------------------------------
// Standard input, hidden files, ignore files, globs, types, sizes, --stats
// ---------------------------------------------------------------------------------------------

#[test]
fn standard_input_is_searched_when_it_is_a_pipe_and_no_path_is_given() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hit in a file\n");
    // Bare lines in a pipe, as grep prints them: `ps aux | ba ssh | awk ...` works.
    let out = ba(dir.path()).arg("hit").run_stdin(b"a hit\nno\nhit\r\nlast hit");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_output_eq!(out.stdout, b"a hit\nhit\r\nlast hit\n");

    let out = ba(dir.path()).args(["--pretty", "hit"]).run_stdin(b"a hit\nno\n");
    assert_eq!(out.status.code(), Some(0));
    assert_output_eq!(
        without_duration(&stdout_of(&out)),
        "<stdin>:1\n\ta hit\n".to_string() + &summary(1, 1, 2)
    );

    // A path given on the command line wins over standard input.
    let out = ba(dir.path()).args(["hit", "a.txt"]).run_stdin(b"a hit\n");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_output_eq!(stdout_of(&out), "a.txt:1:hit in a file\n");
    let out = ba(dir.path()).arg("nothing").run_stdin(b"a hit\n");
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_output_eq!(stdout_of(&out), "");
}

fn hidden_tree(root: &Path) {
    write(root, ".dot", "hit dot\n");
    write(root, ".hid/x.txt", "hit hidden dir\n");
    write(root, "sub/.y", "hit sub dot\n");
    write(root, "visible.txt", "hit visible\n");
}

#[test]
fn hidden_files_are_skipped_unless_asked_for() {
    let dir = tempdir();
    hidden_tree(dir.path());
    assert_output_eq!(stdout_ok(dir.path(), &["hit"], 0), "visible.txt:1:hit visible\n");
    let all =
        ".dot:1:hit dot\n.hid/x.txt:1:hit hidden dir\nsub/.y:1:hit sub dot\nvisible.txt:1:hit visible\n";
    assert_output_eq!(stdout_ok(dir.path(), &["--hidden", "hit"], 0), all);
    assert_output_eq!(stdout_ok(dir.path(), &["-uu", "hit"], 0), all);
    // -u alone only drops the ignore files.
    assert_output_eq!(stdout_ok(dir.path(), &["-u", "hit"], 0), "visible.txt:1:hit visible\n");
    // A hidden path named on the command line is searched.
    assert_output_eq!(
        stdout_ok(dir.path(), &["hit", ".dot", ".hid"], 0),
        ".dot:1:hit dot\n.hid/x.txt:1:hit hidden dir\n"
    );
}

fn repo_tree(root: &Path) {
    fs::create_dir_all(root.join("repo/.git")).unwrap();
    write(root, "repo/.gitignore", "target/\n*.log\n!keep.log\n");
    write(root, "repo/.ignore", "src/a.rs\n");
    write(root, "repo/Cargo.toml", "hit\nhit\n");
    write(root, "repo/src/a.rs", "hit\n");
    write(root, "repo/src/b.log", "hit\n");
    write(root, "repo/src/keep.log", "hit\n");
    write(root, "repo/src/main.rs", "hit\n");
    write(root, "repo/target/out.txt", "hit\n");
}

#[test]
fn ignore_files_are_respected_in_a_repository() {
    let dir = tempdir();
    repo_tree(dir.path());
    let repo = dir.path().join("repo");
    assert_output_eq!(
        stdout_ok(&repo, &["hit"], 0),
        "Cargo.toml:1:hit\nCargo.toml:2:hit\nsrc/keep.log:1:hit\nsrc/main.rs:1:hit\n"
    );
    // The rules of the directories above a root apply to it.
    assert_output_eq!(stdout_ok(&repo, &["hit", "-d", "src"], 0), "src/keep.log:1:hit\nsrc/main.rs:1:hit\n");
    assert_output_eq!(
        stdout_ok(dir.path(), &["hit", "repo/src"], 0),
        "repo/src/keep.log:1:hit\nrepo/src/main.rs:1:hit\n"
    );
    let everything = "Cargo.toml:1:hit\nCargo.toml:2:hit\nsrc/a.rs:1:hit\nsrc/b.log:1:hit\n\
                      src/keep.log:1:hit\nsrc/main.rs:1:hit\ntarget/out.txt:1:hit\n";
    assert_output_eq!(stdout_ok(&repo, &["--no-ignore", "hit"], 0), everything);
    assert_output_eq!(stdout_ok(&repo, &["-u", "hit"], 0), everything);
    // An ignored file named on the command line is searched.
    assert_output_eq!(stdout_ok(&repo, &["hit", "src/b.log"], 0), "src/b.log:1:hit\n");
}

#[test]
fn gitignore_outside_a_repository_is_not_read_but_dot_ignore_is() {
    let dir = tempdir();
    write(dir.path(), ".gitignore", "a.txt\n");
    write(dir.path(), ".ignore", "b.txt\n");
    write(dir.path(), "a.txt", "hit\n");
    write(dir.path(), "b.txt", "hit\n");
    write(dir.path(), "c.txt", "hit\n");
    assert_output_eq!(stdout_ok(dir.path(), &["hit"], 0), "a.txt:1:hit\nc.txt:1:hit\n");
}

#[test]
fn a_git_file_does_not_cause_a_warning() {
    let dir = tempdir();
    write(dir.path(), "sub/.git", "gitdir: /somewhere/else/.git/worktrees/sub\n");
    write(dir.path(), "sub/a.txt", "hit\n");
    let out = run(dir.path(), &["hit"]);
    assert_output_eq!(stdout_of(&out), "sub/a.txt:1:hit\n");
    assert_eq!(stderr_of(&out), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn globs_select_and_exclude_paths() {
    let dir = tempdir();
    repo_tree(dir.path());
    let repo = dir.path().join("repo");
    assert_output_eq!(
        stdout_ok(&repo, &["-u", "hit", "-g", "*.rs", "-g", "*.toml"], 0),
        "Cargo.toml:1:hit\nCargo.toml:2:hit\nsrc/a.rs:1:hit\nsrc/main.rs:1:hit\n"
    );
    assert_output_eq!(
        stdout_ok(&repo, &["hit", "--glob", "!*.toml"], 0),
        "src/keep.log:1:hit\nsrc/main.rs:1:hit\n"
    );
    // Globs are matched relative to the root and win over ignore files.
    assert_output_eq!(
        stdout_ok(&repo, &["hit", "-g", "src/*.log"], 0),
        "src/b.log:1:hit\nsrc/keep.log:1:hit\n"
    );
}

#[test]
fn types_select_and_exclude_files() {
    let dir = tempdir();
    repo_tree(dir.path());
    let repo = dir.path().join("repo");
    assert_output_eq!(
        stdout_ok(&repo, &["-u", "hit", "-t", "rust"], 0),
        "src/a.rs:1:hit\nsrc/main.rs:1:hit\n"
    );
    assert_output_eq!(
        stdout_ok(&repo, &["-u", "hit", "-t", "rust", "--type", "toml"], 0),
        "Cargo.toml:1:hit\nCargo.toml:2:hit\nsrc/a.rs:1:hit\nsrc/main.rs:1:hit\n"
    );
    assert_output_eq!(
        stdout_ok(&repo, &["-u", "hit", "-T", "rust", "--type-not", "toml"], 0),
        "src/b.log:1:hit\nsrc/keep.log:1:hit\ntarget/out.txt:1:hit\n"
    );
    let out = run(&repo, &["hit", "-t", "nosuchtype"]);
    assert_eq!(out.status.code(), Some(2));
    assert_output_eq!(stdout_of(&out), "");
    assert!(stderr_of(&out).contains("nosuchtype"), "{}", stderr_of(&out));
}

#[test]
fn type_list_prints_the_known_types() {
    let dir = tempdir();
    let out = stdout_ok(dir.path(), &["--type-list"], 0);
    assert!(out.lines().any(|l| l.starts_with("rust: ") && l.contains("*.rs")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("toml: ") && l.contains("*.toml")), "{out}");
}

#[test]
fn max_filesize_skips_bigger_files() {
    let dir = tempdir();
    write(dir.path(), "small.txt", "hit\n");
    write(dir.path(), "exact.txt", "hit 6789\n");
    write(dir.path(), "big.txt", format!("hit {}\n", "x".repeat(2000)));
    assert_output_eq!(
        stdout_ok(dir.path(), &["--max-filesize", "9", "hit"], 0),
        "exact.txt:1:hit 6789\nsmall.txt:1:hit\n"
    );
    assert_output_eq!(
        stdout_ok(dir.path(), &["--max-filesize", "1K", "-m", "hit"], 0),
        "exact.txt:1:hit\nsmall.txt:1:hit\n"
    );
    let out = run(dir.path(), &["--max-filesize", "1k", "hit", "-f", "big"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("no file was searched"), "{}", stderr_of(&out));
    let out = run(dir.path(), &["--max-filesize", "ten", "hit"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn stats_add_bytes_and_binary_files_to_the_summary() {
    let dir = tempdir();
    let text = "hit one\nmiss\nhit three\n";
    write(dir.path(), "a.txt", text);
    write(dir.path(), "b.bin", b"hit\x00\n".as_slice());
    let out = stdout_ok(dir.path(), &["--pretty", "--stats", "hit"], 0);
    assert_output_eq!(
        without_duration(&out),
        "a.txt:1\n\thit one\na.txt:3\n\thit three\n".to_string()
            + &summary(1, 1, 3)
            + &format!("Binary Files Skipped: 1 (-a searches them)\nBytes Searched: {}\n", text.len())
    );
    assert_duration_line(&out);
    // In the pipe format, ripgrep's block comes after the hits.
    let out = stdout_ok(dir.path(), &["--stats", "hit"], 0);
    assert!(out.starts_with("a.txt:1:hit one\na.txt:3:hit three\n\n2 matches\n2 matched lines\n"), "{out}");
}

/// Runs `ba ARGS` with its stdout a pipe whose reading end is already closed: every write fails
/// with EPIPE, deterministically.
fn run_into_closed_pipe(dir: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let child = ba(dir).args(args).stdout(writer).stderr(Stdio::piped()).spawn().unwrap();
    output_within(child, Duration::from_secs(20))
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    let dir = tempdir();
    many_hits(dir.path());
    let tree = dir.path().join("tree");
    for args in [&["hit"][..], &["-w", "1", "hit"], &["--pretty", "hit"], &["-m", "--color", "always", "hit"]]
    {
        let out = run_into_closed_pipe(&tree, args);
        assert_eq!(stderr_of(&out), "", "ba {args:?}");
        assert_eq!(out.status.code(), Some(0), "ba {args:?}");
    }
}

#[test]
fn type_list_into_a_closed_pipe_is_quiet() {
    let dir = tempdir();
    let out = run_into_closed_pipe(dir.path(), &["--type-list"]);
    assert_eq!(stderr_of(&out), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_closed_stdout_keeps_the_no_match_exit_code() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "nothing here\n");
    let out = run_into_closed_pipe(dir.path(), &["--pretty", "hit"]);
    assert_eq!(stderr_of(&out), "");
    assert_eq!(out.status.code(), Some(1));
}

/// `--files` lists what a search would read, in walk order: in a git repository it is what git
/// itself lists (`git ls-files --cached --others --exclude-standard`) without hidden files.
#[test]
fn files_lists_what_git_lists_without_hidden_files() {
    let dir = tempdir();
    let root = dir.path();
    let status =
        std::process::Command::new("git").args(["init", "-q"]).current_dir(root).env("HOME", root).status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("git is not available: skipped");
        return;
    }
    write(root, ".gitignore", "*.log\n!keep.log\n/build/\nnode_modules/\ndocs/*.tmp\n");
    write(root, "src/.gitignore", "generated*\n!generated_keep.rs\n/local.rs\n");
    write(root, ".git/info/exclude", "secret.txt\n");
    for file in [
        "a.txt",
        "x.log",
        "keep.log",
        "build/out.txt",
        "src/build/in.rs",
        "node_modules/m/i.js",
        "src/node_modules/n.js",
        "docs/a.tmp",
        "docs/deep/b.tmp",
        "src/generated1.rs",
        "src/generated_keep.rs",
        "src/local.rs",
        "src/sub/local.rs",
        "secret.txt",
        ".hidden",
        "src/.env",
        "src/main.rs",
    ] {
        write(root, file, "text\n");
    }
    let git = std::process::Command::new("git")
        .args(["ls-files", "--cached", "--others", "--exclude-standard"])
        .current_dir(root)
        .env("HOME", root)
        .output()
        .unwrap();
    let mut expected: Vec<String> = String::from_utf8(git.stdout)
        .unwrap()
        .lines()
        .filter(|path| !path.split('/').any(|part| part.starts_with('.')))
        .map(String::from)
        .collect();
    expected.sort();
    let out = run(root, &["--files"]);
    let listed: Vec<String> = stdout_of(&out).lines().map(String::from).collect();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted, "walk order is sorted by name");
    assert_eq!(listed, expected);
    assert!(listed.contains(&"src/build/in.rs".to_string()) && !listed.contains(&"x.log".to_string()));
}

/// Ctrl-C ends a search at once, whatever its threads are doing (here a searcher blocked reading a
/// FIFO nobody writes to), leaves the terminal's colours reset, and dies by SIGINT.
#[test]
fn ctrl_c_stops_at_once_and_resets_the_colours() {
    let dir = tempdir();
    let fifo = dir.path().join("never-written");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    write(dir.path(), "a.txt", "hit\n");
    let mut child = ba(dir.path())
        .args(["--pretty", "--color", "always", "-w", "1", "hit", "a.txt", "never-written"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let sent = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    // Prompt: well within 5 s.
    wait_for(&mut child, Duration::from_secs(5));
    let out = child.wait_with_output().unwrap();
    // Dies by the signal, as a shell expects of an interrupted command.
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&out.status), Some(2));
    assert!(out.stdout.ends_with(b"\x1b[0m"), "{:?}", String::from_utf8_lossy(&out.stdout));
}

/// A walked file with a NUL byte in its first block is binary for the modes that stop at their
/// first hits too (--max-count, -q, the path lists, -z's text), even when the NUL comes after them.
#[test]
fn a_binary_file_stays_binary_when_the_search_stops_early() {
    let dir = tempdir();
    write(dir.path(), "d/f.txt", b"foo\nbar\n\0".as_slice());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, b"foo\nbar\n\0").unwrap();
    write(dir.path(), "d/a.gz", gz.finish().unwrap());
    for args in
        [&["--max-count", "1"][..], &["-q"], &["--files-with-matches"], &["-z", "--max-count", "1"], &[]]
    {
        let out = ba(dir.path()).args(["-p", "foo", "d"]).args(args).run();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stdout_of(&out));
        assert_eq!(stdout_of(&out), "", "{args:?}");
    }
}

/// -U searches each file whole, which leaves the read buffer the size of that file: the next file
/// is read as well (an empty file first left it empty).
#[test]
fn multiline_search_goes_on_past_small_files() {
    let dir = tempdir();
    write(dir.path(), "a_empty", "");
    write(dir.path(), "b.txt", "x\n");
    write(dir.path(), "c.txt", "a\nx\n");
    let out = stdout_ok(dir.path(), &["-p", "-U", "-w", "1", "x"], 0);
    assert_output_eq!(out, "b.txt:1:x\nc.txt:2:x\n");
}

/// Ctrl-C ends ba at once even while its standard output is blocked (`ba x --pretty | less -R` with
/// the pager stopped): the colours' reset must not wait for the output's lock.
#[test]
fn ctrl_c_stops_at_once_while_stdout_is_blocked() {
    let dir = tempdir();
    // Far more output than a pipe holds.
    write(dir.path(), "many.txt", "a hit on every line\n".repeat(200_000));
    let mut child = ba(dir.path())
        .args(["--pretty", "--color", "always", "hit"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The pipe is never read: ba fills it and blocks on its next write.
    std::thread::sleep(Duration::from_millis(500));
    assert!(child.try_wait().unwrap().is_none(), "ba should be blocked on its output");
    let sent = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    let status = wait_for(&mut child, Duration::from_secs(5));
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(2));
}

/// A file of NUL bytes with no newline (a disk image, a sparse file) is found binary from its first
/// bytes, not read whole first: here 64 MiB, which a whole read would show in memory and time.
#[test]
fn a_nul_file_without_newlines_is_skipped_from_its_first_bytes() {
    let dir = tempdir();
    let file = std::fs::File::create(dir.path().join("disk.img")).unwrap();
    file.set_len(64 << 20).unwrap();
    write(dir.path(), "a.txt", "x\n");
    let out = ba(dir.path()).args(["--pretty", "--stats", "x"]).run_timeout(Duration::from_secs(10));
    let text = stdout_of(&out);
    assert!(text.contains("Binary Files Skipped: 1 (-a searches them)\n"), "{text}");
    assert!(text.contains("Bytes Searched: 2\n"), "{text}");
}

/// A root given with `..` obeys the ignore files of the directories really above it, not those of
/// the directory the path was typed in.
#[test]
fn a_root_with_dot_dot_reads_the_ignore_files_above_it() {
    let dir = tempdir();
    write(dir.path(), "a/.ignore", "*.txt\n");
    write(dir.path(), "b/x.txt", "hello\n");
    assert_output_eq!(stdout_ok(&dir.path().join("a"), &["hello", "../b"], 0), "../b/x.txt:1:hello\n");
}

/// File names cannot drive the terminal either: their control characters are escaped in the
/// terminal format and on stderr.
#[test]
fn control_characters_in_file_names_are_escaped_for_the_terminal() {
    let dir = tempdir();
    write(dir.path(), "evil\x1b[31mRED", "hit\n");
    let out = run(dir.path(), &["--pretty", "hit"]);
    let text = stdout_of(&out);
    assert!(text.starts_with("evil\\x1B[31mRED:1\n"), "{text:?}");
    let out = run(dir.path(), &["hit", "gone\x1b]0;title\x07"]);
    assert!(
        stderr_of(&out).contains("gone\\x1B]0;title\\x07: No such file or directory"),
        "{:?}",
        stderr_of(&out)
    );
}

/// `--files` exits 0 when it listed a file and 1 when there was none, and never reads stdin.
#[test]
fn files_exit_code_says_whether_anything_was_listed() {
    let dir = tempdir();
    write(dir.path(), "d/a.txt", "x\n");
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    assert_output_eq!(stdout_ok(dir.path(), &["--files", "d"], 0), "d/a.txt\n");
    assert_output_eq!(stdout_ok(dir.path(), &["--files", "empty"], 1), "");
}

/// `-m` prints no empty line for an empty match.
#[test]
fn match_only_skips_empty_matches() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "ab\nxx\n");
    assert_output_eq!(stdout_ok(dir.path(), &["-m", "x*"], 0), "a.txt:2:xx\n");
}

// ---------------------------------------------------------------------------------------------
// Encodings
// ---------------------------------------------------------------------------------------------

/// `text` in UTF-16, little-endian or big-endian, after its byte-order mark.
fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mark: &[u8] = if little_endian { b"\xFF\xFE" } else { b"\xFE\xFF" };
    let units =
        text.encode_utf16().flat_map(|u| if little_endian { u.to_le_bytes() } else { u.to_be_bytes() });
    mark.iter().copied().chain(units).collect()
}

/// A file with a UTF-16 byte-order mark is decoded and searched (it holds NUL bytes, so it would
/// be skipped as binary), in a tree, named, and on standard input, as ripgrep does.
#[test]
fn utf16_files_are_decoded_and_searched() {
    let dir = tempdir();
    let text = "first line\nnaïve hit here\r\nlast hit\n";
    write(dir.path(), "le.txt", utf16(text, true));
    write(dir.path(), "be.txt", utf16(text, false));
    let expected = |name: &str| format!("{name}:2:naïve hit here\r\n{name}:3:last hit\n");
    assert_output_eq!(
        stdout_ok(dir.path(), &["-p", "-w", "1", "hit"], 0),
        expected("be.txt") + &expected("le.txt")
    );
    assert_output_eq!(stdout_ok(dir.path(), &["-p", "hit", "le.txt"], 0), expected("le.txt"));
    if let Some(rg) = rg(dir.path(), &["-n", "--no-heading", "--with-filename", "hit", "le.txt"]) {
        assert_output_eq!(String::from_utf8(rg).unwrap(), expected("le.txt"));
    }
    let out = ba(dir.path()).args(["-p", "ïve"]).run_stdin(&utf16(text, false));
    assert_output_eq!(stdout_of(&out), "naïve hit here\r\n");
    // --encoding none reads the bytes as they are: a walked UTF-16 file is binary.
    assert_output_eq!(stdout_ok(dir.path(), &["-p", "--encoding", "none", "hit"], 1), "");
}

/// --encoding NAME decodes every file from that encoding; a byte-order mark still wins.
#[test]
fn a_named_encoding_decodes_every_file() {
    let dir = tempdir();
    write(dir.path(), "latin1.txt", b"caf\xE9 au lait\n".as_slice());
    write(dir.path(), "le.txt", utf16("caf\u{e9} noir\n", true));
    let out = stdout_ok(dir.path(), &["-p", "--encoding", "latin1", "café"], 0);
    assert_output_eq!(out, "latin1.txt:1:café au lait\nle.txt:1:café noir\n");
    // Without it, the Latin-1 byte is not UTF-8 and the pattern's é is.
    assert_output_eq!(stdout_ok(dir.path(), &["-p", "-w", "1", "café"], 0), "le.txt:1:café noir\n");
    let out = run(dir.path(), &["--encoding", "klingon", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("not an encoding"), "{}", stderr_of(&out));
}

/// Standard input's byte-order marks: `--encoding none` leaves them as they are; a UTF-8 one counts
/// in byte offsets, as in a named file.
#[test]
fn stdin_keeps_its_marks_as_a_named_file_does() {
    let dir = tempdir();
    let out = ba(dir.path()).args(["-p", "--encoding", "none", "abc"]).run_stdin(b"\xFF\xFEabc\n");
    assert_eq!(out.stdout, b"\xFF\xFEabc\n");
    write(dir.path(), "bom.txt", b"\xEF\xBB\xBFabc\n".as_slice());
    assert_output_eq!(stdout_ok(dir.path(), &["-p", "-b", "abc", "bom.txt"], 0), "bom.txt:1:3:abc\n");
    let out = ba(dir.path()).args(["-p", "-b", "abc"]).run_stdin(b"\xEF\xBB\xBFabc\n");
    assert_output_eq!(stdout_of(&out), "3:abc\n");
}

/// -r never writes a file it searched decoded: it says so, and the file keeps its bytes.
#[test]
fn replace_leaves_decoded_files_alone_and_says_so() {
    let dir = tempdir();
    let bytes = utf16("old text\n", true);
    write(dir.path(), "le.txt", &bytes);
    write(dir.path(), "plain.txt", "old text\n");
    let out = run(dir.path(), &["old", "-r", "new"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("ba: le.txt: UTF-16 (searched decoded), not written"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(std::fs::read(dir.path().join("le.txt")).unwrap(), bytes);
    assert_eq!(std::fs::read_to_string(dir.path().join("plain.txt")).unwrap(), "new text\n");
    let out = run(dir.path(), &["old", "-r", "new", "--encoding", "latin1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("cannot go with --encoding"), "{}", stderr_of(&out));
}

/// A named file cut into parts (small ones here) shows the hits before its first NUL byte and
/// none after, whichever part meets it: the parts after it are binary data, and a hit there is
/// told as a binary match, as with one searcher.
#[test]
fn a_named_file_cut_into_parts_shows_nothing_past_its_first_nul() {
    let dir = tempdir();
    let text = "foo line\n".repeat(2_000);
    let mut bytes = format!("first\n{text}").into_bytes();
    bytes.extend_from_slice(b"x\x00y\n");
    bytes.extend_from_slice(text.as_bytes());
    bytes.extend_from_slice(b"last\n");
    write(dir.path(), "big.log", &bytes);
    let nul = bytes.iter().position(|&b| b == 0).unwrap();
    let told = format!("big.log: binary file matches (found \"\\0\" byte around offset {nul})");
    for pattern in ["foo", "last"] {
        let mut outputs = Vec::new();
        for workers in ["1", "2", "3"] {
            let mut cmd = ba(dir.path());
            cmd.env("BA_PART_SIZE", "4096").args(["-p", "-w", workers, pattern, "big.log"]);
            let out = cmd.run();
            assert_eq!(out.status.code(), Some(0), "{pattern} -w {workers}");
            assert!(stderr_of(&out).contains(&told), "{pattern} -w {workers}: {}", stderr_of(&out));
            outputs.push(stdout_of(&out));
        }
        let expected = match pattern {
            "foo" => (2..=2_001).map(|n| format!("big.log:{n}:foo line\n")).collect::<String>(),
            _ => String::new(),
        };
        assert!(
            outputs.iter().all(|out| *out == expected),
            "{pattern}: {:?}",
            outputs.iter().map(String::len).collect::<Vec<_>>()
        );
    }
}
