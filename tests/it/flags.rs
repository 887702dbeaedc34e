//! grep and ripgrep's everyday flags: context, counts, file lists, `-v`, `-x`, `--max-count`, `-q`,
//! `-0`, `--column`, `-b`, `--vimgrep`, `--json`, several patterns, `--passthru`, `--max-columns`,
//! `--trim`, `--heading`, `--output-replace` and `-U`. Outputs are compared with GNU grep's (in the C
//! locale) and with ripgrep's where it is installed, with real clients where there are some (vim for
//! `--vimgrep`, a JSON parser for `--json`), and with ba's own output when a big file is cut into
//! parts.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::*;

/// Files whose hits make context groups overlap, touch and stand apart, and a last line without a
/// newline.
fn context_tree(root: &Path) -> Vec<&'static str> {
    write(root, "a.txt", "1 hit\n2\n3\n4 hit\n5\n6 hit\n7\n8\n9\n10\n11\n12 hit\n13\n");
    write(root, "b.txt", "x\nhit\nhit\ny\nz\n");
    write(root, "c.txt", "nothing here\n");
    write(root, "d.txt", "a\nb\nc\nd\nhit at the end");
    vec!["a.txt", "b.txt", "c.txt", "d.txt"]
}

/// GNU grep's output on `files`, in the C locale.
fn grep(dir: &Path, args: &[&str], files: &[&str]) -> String {
    let out = Command::new("grep")
        .current_dir(dir)
        .env("LC_ALL", "C")
        .args(args)
        .args(files)
        .stdin(Stdio::null())
        .output()
        .expect("run grep");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn context_is_what_gnu_grep_prints() {
    let dir = tempdir();
    let files = context_tree(dir.path());
    for flags in
        [&["-A", "1"][..], &["-B", "2"], &["-C", "1"], &["-C", "3"], &["-A", "2", "-B", "1"], &["-C", "0"]]
    {
        let mut ba_args = vec!["-p", "-l"];
        ba_args.extend_from_slice(flags);
        ba_args.push("hit");
        ba_args.extend_from_slice(&files);
        let mut grep_args = vec!["-n", "-H"];
        grep_args.extend_from_slice(flags);
        grep_args.push("hit");
        assert_output_eq!(
            stdout_ok(dir.path(), &ba_args, 0),
            grep(dir.path(), &grep_args, &files),
            "{flags:?}"
        );
    }
    // The separators: another, or none.
    let with = stdout_ok(dir.path(), &["-C1", "--context-separator", "==", "hit", "a.txt"], 0);
    assert_output_eq!(
        with,
        grep(dir.path(), &["-H", "-n", "-C1", "--group-separator===", "hit"], &["a.txt"])
    );
    let without = stdout_ok(dir.path(), &["-C1", "--no-context-separator", "hit", "a.txt"], 0);
    assert_output_eq!(
        without,
        grep(dir.path(), &["-H", "-n", "-C1", "--no-group-separator", "hit"], &["a.txt"])
    );
}

#[test]
fn counts_file_lists_invert_and_whole_lines_are_what_gnu_grep_prints() {
    let dir = tempdir();
    let files = context_tree(dir.path());
    let cases: &[(&[&str], &[&str], i32)] = &[
        (&["-c", "--include-zero"], &["-c"], 0),
        (&["--files-with-matches"], &["-l"], 0),
        (&["--files-without-match"], &["-L"], 0),
        (&["-v"], &["-n", "-H", "-v"], 0),
        (&["-x"], &["-n", "-H", "-x"], 0),
        (&["-v", "-c", "--include-zero"], &["-v", "-c"], 0),
        (&["--max-count", "1", "-A", "1"], &["-n", "-H", "-m", "1", "-A", "1"], 0),
    ];
    for (ba_flags, grep_flags, code) in cases {
        let mut ba_args = vec!["-p", "-l"];
        ba_args.extend_from_slice(ba_flags);
        ba_args.push("hit");
        ba_args.extend_from_slice(&files);
        let mut grep_args = grep_flags.to_vec();
        grep_args.push("hit");
        assert_output_eq!(
            stdout_ok(dir.path(), &ba_args, *code),
            grep(dir.path(), &grep_args, &files),
            "{ba_flags:?}"
        );
    }
    // -c leaves out the files without a match, as ripgrep does.
    assert_output_eq!(stdout_ok(dir.path(), &["-c", "hit"], 0), "a.txt:4\nb.txt:2\nd.txt:1\n");
    assert_output_eq!(stdout_ok(dir.path(), &["--count-matches", "-x", "hit"], 0), "b.txt:2\n");
    // Nothing matched: exit 1 (with --files-without-match, a file listed is success).
    assert_output_eq!(stdout_ok(dir.path(), &["-c", "zzz"], 1), "");
    assert_output_eq!(stdout_ok(dir.path(), &["--files-without-match", "."], 1), "");
}

/// Context lines and counts across the edges of a big file's parts come out as from one piece.
#[test]
fn context_and_counts_across_parts_are_as_from_one_piece() {
    let dir = tempdir();
    let mut text = String::new();
    for i in 0..3000 {
        text.push_str(&format!(
            "{i:05} {}\n",
            if i % 37 == 0 || i % 41 < 2 { "hit" } else { "xxxxxxxxxxxx" }
        ));
    }
    write(dir.path(), "big.txt", &text);
    let one_piece = |args: &[&str]| {
        let out = ba(dir.path()).env("BA_PART_SIZE", "1000000000").args(args).run();
        stdout_of(&out)
    };
    let in_parts = |args: &[&str]| {
        // Parts of 97 bytes: a part's edge falls inside lines, on line ends, inside groups.
        let out = ba(dir.path()).env("BA_PART_SIZE", "97").args(args).run();
        assert!(out.status.success(), "{}", stderr_of(&out));
        stdout_of(&out)
    };
    for args in [
        &["-w", "4", "-C", "2", "hit", "big.txt"][..],
        &["-w", "4", "-A", "3", "hit", "big.txt"],
        &["-w", "4", "-B", "5", "-v", "hit", "big.txt"],
        &["-w", "4", "--passthru", "hit", "big.txt"],
        &["-w", "4", "-c", "hit", "big.txt"],
        &["-w", "4", "--count-matches", "-v", "hit", "big.txt"],
        &["-w", "4", "--json", "-C1", "hit", "big.txt"],
        &["-w", "4", "--pretty", "-C1", "hit", "big.txt"],
    ] {
        let expected = one_piece(args);
        let got = in_parts(args);
        let strip = |text: &str| -> String {
            text.lines()
                .filter(|l| {
                    !l.starts_with("Duration")
                        && !l.contains("\"type\":\"end\"")
                        && !l.contains("\"type\":\"summary\"")
                })
                .map(|l| format!("{l}\n"))
                .collect()
        };
        assert_output_eq!(strip(&got), strip(&expected), "ba {args:?}");
    }
    let grep_context = grep(dir.path(), &["-H", "-n", "-C", "2", "hit"], &["big.txt"]);
    assert_output_eq!(in_parts(&["-w", "4", "-p", "-l", "-C", "2", "hit", "big.txt"]), grep_context);
}

#[test]
fn quiet_prints_nothing_and_stops_at_the_first_match() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hit\n");
    let fifo = dir.path().join("never-written");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    // The FIFO is never written: only a search that stops at the first match ends.
    let started = Instant::now();
    let out = ba(dir.path())
        .args(["-q", "-w", "2", "hit", "a.txt", "never-written"])
        .run_timeout(Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(0));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_output_eq!(out.stdout, b"");
    assert_output_eq!(stdout_ok(dir.path(), &["-q", "nothing", "a.txt"], 1), "");
}

#[test]
fn null_ends_each_path_with_a_nul_byte() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hit\n");
    write(dir.path(), "b c.txt", "x\nhit\n");
    assert_output_eq!(run_ok(dir.path(), &["-0", "--files-with-matches", "hit"]), b"a.txt\0b c.txt\0");
    assert_output_eq!(run_ok(dir.path(), &["-0", "hit"]), b"a.txt\x001:hit\nb c.txt\x002:hit\n");
    assert_output_eq!(run_ok(dir.path(), &["-0", "-c", "hit"]), b"a.txt\x001\nb c.txt\x001\n");
}

#[test]
fn column_byte_offset_vimgrep_and_heading_are_what_ripgrep_prints() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "foo bar foo\nxx foo\nnone\n");
    write(dir.path(), "b.txt", "  foo\n");
    let files = ["a.txt", "b.txt"];
    for flags in [
        &["--column"][..],
        &["-b"],
        &["--column", "-b"],
        &["-b", "-m"],
        &["--vimgrep"],
        &["--heading"],
        &["--trim"],
        &["--max-columns", "8"],
        &["--max-columns", "8", "--max-columns-preview"],
        &["--passthru"],
        &["--output-replace", "[$0]"],
        &["-m", "--output-replace", "<$0>"],
    ] {
        let mut ba_args = vec!["-p", "-l"];
        ba_args.extend_from_slice(flags);
        ba_args.push("foo");
        ba_args.extend_from_slice(&files);
        let mut rg_args: Vec<&str> = vec!["-n", "-s", "--no-heading", "-j1"];
        for flag in flags {
            rg_args.push(match *flag {
                "-m" => "-o",
                "--output-replace" => "-r",
                other => other,
            });
        }
        rg_args.push("foo");
        rg_args.extend_from_slice(&files);
        let Some(expected) = rg(dir.path(), &rg_args) else { return };
        assert_output_eq!(run_ok(dir.path(), &ba_args), expected, "{flags:?}");
    }
}

#[test]
fn several_patterns_from_flags_and_files() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "alpha\n-x marks\nbeta\ngamma\n");
    write(dir.path(), "patterns", "beta\ngam\n");
    // With --regexp every positional argument is a path; a pattern may start with a dash.
    assert_output_eq!(
        stdout_ok(dir.path(), &["--regexp", "-x", "--regexp", "alpha", "a.txt"], 0),
        "a.txt:1:alpha\na.txt:2:-x marks\n"
    );
    assert_output_eq!(
        stdout_ok(dir.path(), &["--patterns-file", "patterns", "a.txt"], 0),
        "a.txt:3:beta\na.txt:4:gamma\n"
    );
    // Both, and the pattern file's uppercase letter makes smart case strict.
    write(dir.path(), "upper", "BETA\n");
    assert_output_eq!(stdout_ok(dir.path(), &["--patterns-file", "upper", "a.txt"], 1), "");
    // An empty patterns file matches nothing, as grep -f /dev/null.
    write(dir.path(), "empty", "");
    assert_output_eq!(stdout_ok(dir.path(), &["--patterns-file", "empty", "a.txt"], 1), "");
    let out = run(dir.path(), &["--patterns-file", "missing", "a.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_output_eq!(stderr_of(&out), "ba: missing: No such file or directory\n");
}

#[test]
fn multiline_matches_are_what_ripgrep_prints() {
    let dir = tempdir();
    write(dir.path(), "a.rs", "fn main() {\n    let x = 1;\n}\nfn other() {}\n");
    for (pattern, flags) in
        [(r"\{\n    let", &[][..]), (r"main.*\}", &["--multiline-dotall"]), (r"\}\nfn", &["-C", "1"])]
    {
        let mut ba_args = vec!["-U", "-l"];
        ba_args.extend_from_slice(flags);
        ba_args.extend([pattern, "a.rs"]);
        let mut rg_args = vec!["-U", "-n", "-s", "-H"];
        rg_args.extend_from_slice(flags);
        rg_args.extend([pattern, "a.rs"]);
        let Some(expected) = rg(dir.path(), &rg_args) else { return };
        assert_output_eq!(run_ok(dir.path(), &ba_args), expected, "{pattern} {flags:?}");
    }
    // Without -U a newline in the pattern is still refused.
    assert_eq!(run(dir.path(), &[r"a\nb", "a.rs"]).status.code(), Some(2));
}

/// ripgrep's JSON messages, parsed by a JSON reader, field by field (but times and byte counts of
/// the output).
#[test]
fn json_is_what_ripgrep_prints() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "one hit\ntwo\nhit hit\n");
    write(dir.path(), "b.bin.txt", b"caf\xe9 hit\n".as_slice());
    write(dir.path(), "c.txt", "none\n");
    let files = ["a.txt", "b.bin.txt", "c.txt"];
    let parse = |bytes: &[u8]| -> Vec<serde_json::Value> {
        let text = std::str::from_utf8(bytes).expect("JSON is UTF-8");
        let mut values: Vec<serde_json::Value> =
            text.lines().map(|line| serde_json::from_str(line).expect("a JSON line")).collect();
        for value in &mut values {
            for stats in [value.pointer_mut("/data/stats"), None].into_iter().flatten() {
                stats
                    .as_object_mut()
                    .unwrap()
                    .retain(|key, _| !matches!(key.as_str(), "elapsed" | "bytes_printed"));
            }
            if let Some(data) = value.pointer_mut("/data").and_then(|d| d.as_object_mut()) {
                data.remove("elapsed_total");
            }
        }
        values
    };
    let ba_json = parse(&run_ok(dir.path(), &["--json", "-l", "-C1", "hit", "a.txt", "b.bin.txt", "c.txt"]));
    assert_eq!(ba_json.first().unwrap()["type"], "begin");
    assert_eq!(ba_json.last().unwrap()["type"], "summary");
    let match_of_b =
        ba_json.iter().find(|v| v["type"] == "match" && v["data"]["path"]["text"] == "b.bin.txt").unwrap();
    assert!(match_of_b["data"]["lines"]["bytes"].is_string(), "non-UTF-8 lines are base64 bytes");
    let mut rg_args = vec!["--json", "-s", "-C1", "-j1", "hit"];
    rg_args.extend_from_slice(&files);
    let Some(expected) = rg(dir.path(), &rg_args) else { return };
    assert_eq!(ba_json, parse(&expected));
}

/// `--vimgrep` output read by vim as a quickfix list gives the files, lines and columns.
#[test]
fn vimgrep_fills_vims_quickfix_list() {
    if Command::new("vim").arg("--version").stdout(Stdio::null()).status().is_err() {
        eprintln!("vim is not installed: skipped");
        return;
    }
    let dir = tempdir();
    write(dir.path(), "src/a.rs", "let foo = 1;\nfoo(foo);\n");
    write(dir.path(), "b.txt", "none\n  foo\n");
    let out = run_ok(dir.path(), &["--vimgrep", "-l", "foo"]);
    std::fs::write(dir.path().join("qf.txt"), out).unwrap();
    let listed: PathBuf = dir.path().join("listed.txt");
    let status = Command::new("vim")
        .current_dir(dir.path())
        .args(["-Es", "-u", "NONE", "-i", "NONE", "-c", "cfile qf.txt", "-c"])
        .arg("call writefile(map(getqflist(), 'bufname(v:val.bufnr) . \":\" . v:val.lnum . \":\" . v:val.col'), 'listed.txt')")
        .args(["-c", "qa!"])
        .stdin(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let listed = std::fs::read_to_string(listed).unwrap();
    assert_output_eq!(listed, "b.txt:2:3\nsrc/a.rs:1:5\nsrc/a.rs:2:1\nsrc/a.rs:2:5\n");
}

/// The last of `-x` and `--word-regexp` wins, as in ripgrep.
#[test]
fn the_last_of_line_and_word_regexp_wins() {
    let dir = tempdir();
    write(dir.path(), "t.txt", "foo bar\nfoo\n");
    let words = stdout_ok(dir.path(), &["-p", "-l", "-x", "--word-regexp", "foo", "t.txt"], 0);
    assert_eq!(words, "t.txt:1:foo bar\nt.txt:2:foo\n");
    let lines = stdout_ok(dir.path(), &["-p", "-l", "--word-regexp", "-x", "foo", "t.txt"], 0);
    assert_eq!(lines, "t.txt:2:foo\n");
}
