//! `-P`: patterns compiled by PCRE2. ripgrep's own tests of its `-P` (the cases named after its
//! issues, with the output ripgrep prints there, in ba's format), every mode against the default
//! engine where both read the pattern alike, look-around against a naive line-by-line PCRE2 oracle and
//! GNU `grep -P`, and `rg -P` where an rg with PCRE2 is installed.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::rg_port::SHERLOCK;
use crate::util::*;

fn ok(dir: &Path, args: &[&str]) -> String {
    stdout_ok(dir, args, 0)
}

// ripgrep's tests/regression.rs: r1401_look_ahead_only_matching_1 and _2.
#[test]
fn r1401_look_ahead_only_matching() {
    let dir = tempdir();
    write(dir.path(), "ip.txt", "foo 42\nxoyz\ncat\tdog\n");
    // The line end is not in the line: `\s` finds none after `xo`.
    assert_eq!(ok(dir.path(), &["-P", "-m", r".*o(?!.*\s)", "ip.txt"]), "ip.txt:2:xo\nip.txt:3:cat\tdo\n");
    assert_eq!(ok(dir.path(), &["-P", "-m", r".*o(?!.*[ \t])", "ip.txt"]), "ip.txt:2:xo\nip.txt:3:cat\tdo\n");
    write(dir.path(), "ip.txt", "foo 42\nxoyz\ncat\tdog\nfoo");
    assert_eq!(
        ok(dir.path(), &["-P", "-m", r".*o(?!.*\s)", "ip.txt"]),
        "ip.txt:2:xo\nip.txt:3:cat\tdo\nip.txt:4:foo\n"
    );
}

// ripgrep's tests/regression.rs: r1412_look_behind_no_replacement.
#[test]
fn r1412_look_behind_no_replacement() {
    let dir = tempdir();
    write(dir.path(), "test", "foo\nbar\n");
    assert_eq!(
        ok(dir.path(), &["-P", "-U", "--output-replace", "quux", r"(?<=foo\n)bar", "test"]),
        "test:2:quux\n"
    );
}

// ripgrep's tests/json.rs: r1412_look_behind_match_missing.
#[test]
fn r1412_look_behind_match_missing_json() {
    let dir = tempdir();
    write(dir.path(), "test", "foo\nbar\n");
    let out = ok(dir.path(), &["-P", "-U", "--json", r"(?<=foo\n)bar", "test"]);
    let messages: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(messages.len(), 4, "{out}");
    let m = &messages[1]["data"];
    assert_eq!(m["lines"]["text"], "bar\n");
    assert_eq!(m["submatches"].as_array().unwrap().len(), 1);
}

// ripgrep's tests/regression.rs: r1573, --count and --count-matches with a look-ahead.
#[test]
fn r1573_look_ahead_counts() {
    let dir = tempdir();
    write(dir.path(), "foo", "def A;\ndef B;\nuse A;\nuse B;\n");
    let pattern = r"(?s)def (\w+);(?=.*use \w+)";
    assert_eq!(ok(dir.path(), &["-P", "-U", "--count", pattern, "foo"]), "2\n");
    assert_eq!(ok(dir.path(), &["-P", "-U", "--count-matches", pattern, "foo"]), "2\n");
}

// ripgrep's tests/regression.rs: r3139_multiline_lookahead_files_with_matches.
#[test]
fn r3139_multiline_lookahead_files_with_matches() {
    let dir = tempdir();
    let text = "Start \n   \n\n   XXXXXXXXXXXXXXXXXXXXXXXXXX\n   YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY\n   \n      \
                thing2 \n\n";
    write(dir.path(), "test", text);
    let pattern = r"(?s)Start(?=.*thing2)";
    assert_eq!(ok(dir.path(), &["-U", "-P", pattern, "test"]), "test:1:Start \n");
    assert_eq!(ok(dir.path(), &["-U", "-P", "--files-with-matches", pattern, "test"]), "test\n");
}

// ripgrep's tests/feature.rs: f1155_auto_hybrid_regex (ripgrep's --auto-hybrid-regex is
// --engine auto), and the same in JSON.
#[test]
fn f1155_auto_hybrid_regex() {
    let dir = tempdir();
    write(dir.path(), "sherlock", SHERLOCK);
    let expected = "sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock\n";
    assert_eq!(ok(dir.path(), &["--engine", "auto", r"(?<=the )Sherlock", "sherlock"]), expected);
    // Without a word: nothing on stderr (checked by `ok`).
    let out = ok(dir.path(), &["--engine", "auto", "--json", r"(?<=the )Sherlock", "sherlock"]);
    let messages: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(messages[1]["type"], "match");
    assert_eq!(messages[1]["data"]["line_number"], 1);
    let submatch = &messages[1]["data"]["submatches"][0];
    assert_eq!((submatch["start"].as_u64(), submatch["end"].as_u64()), (Some(56), Some(64)));
    assert_eq!(messages.len(), 4);
    // A pattern the regex crate reads stays with it; the default engine refuses look-around.
    assert_eq!(ok(dir.path(), &["--engine", "auto", "Sherlock$", "sherlock"]), expected);
    assert_eq!(
        run(dir.path(), &["--engine", "default", r"(?<=the )Sherlock", "sherlock"]).status.code(),
        Some(2)
    );
    // The last of -P and --engine wins.
    assert_eq!(ok(dir.path(), &["-P", "--engine", "default", "Sherlock$", "sherlock"]), expected);
    assert_eq!(ok(dir.path(), &["--engine", "default", "-P", r"(?<=the )Sherlock", "sherlock"]), expected);
}

/// The lines of `text` that a naive line-by-line PCRE2 search selects, as `path:N:line` (or with
/// `only`, each match).
fn oracle(path: &str, text: &str, pattern: &str, only: bool) -> String {
    let regex =
        pcre2::bytes::RegexBuilder::new().utf(true).ucp(true).multi_line(true).build(pattern).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let matches: Vec<_> = regex.find_iter(line.as_bytes()).map(|m| m.unwrap()).collect();
        if only {
            for m in matches.iter().filter(|m| m.start() < m.end()) {
                out += &format!("{path}:{}:{}\n", i + 1, &line[m.start()..m.end()]);
            }
        } else if !matches.is_empty() {
            out += &format!("{path}:{}:{line}\n", i + 1);
        }
    }
    out
}

/// `ba -P` finds the lines of `path` (holding `text`) the oracle finds, and with `-m` its matches.
fn assert_the_oracles_lines(dir: &Path, path: &str, text: &str, pattern: &str) {
    let lines = oracle(path, text, pattern, false);
    let code = if lines.is_empty() { 1 } else { 0 };
    assert_eq!(stdout_ok(dir, &["-P", "-l", pattern, path], code), lines, "{pattern}");
    let matches = oracle(path, text, pattern, true);
    assert_eq!(stdout_ok(dir, &["-P", "-l", "-m", pattern, path], code), matches, "{pattern} -m");
}

const CODE: &str = "\
let foo_bar = foo_bar + 1;
fn resume(x) { PM_RESUME_x; PM_RESUME; }
a
b
a b
a\tb
axb ayb
word word twice twice
(?<= literal text \\1
Größe straße STRASSE
the cat; the dog;
café ſtop K2 ok
";

/// Look-around and backreferences against the line-by-line oracle, and against GNU grep -P.
#[test]
fn look_around_and_backreferences_are_the_oracles() {
    let dir = tempdir();
    write(dir.path(), "code.txt", CODE);
    for pattern in [
        r"a\sb",
        r"a[^x]b",
        r"(?<=the )\w+(?=;)",
        r"\b(\w+) \1\b",
        r"PM_RESUME(?=_)",
        r"(\w+)_\1",
        r"(?<!foo_)bar",
        r"^a$",
        r"\w+(?!\w|\()",
        r"(?i)stra(ss|ß)e",
        r"x\K\w",
        r"(?s)a.b",
        // Lines all ASCII are searched without Unicode classes: the same matches.
        r"\b\w+\b",
        r"(?i)ſt\w",
        r"(?i)\x{212a}\d",
    ] {
        assert_the_oracles_lines(dir.path(), "code.txt", CODE, pattern);
        let expected = oracle("code.txt", CODE, pattern, false);
        if have("grep") {
            let grep = Command::new("grep")
                .args(["-P", "-n", "-H", pattern, "code.txt"])
                .current_dir(dir.path())
                .output();
            if let Some(grep) = grep.ok().filter(|g| g.status.code() == Some(0)) {
                assert_eq!(String::from_utf8(grep.stdout).unwrap(), expected, "grep -P {pattern}");
            }
        }
    }
    // No match spans two lines outside -U, whatever the class.
    for pattern in [r"a\sb", r"a[^x]b", r"a\s+b", r"(?s)a.b", r"a\Rb", r"a\vb", r"a\Nb|a[\d\D]b"] {
        let out = run(dir.path(), &["-P", pattern, "code.txt"]);
        assert!(out.status.code() == Some(0) || out.status.code() == Some(1), "{pattern}");
        assert!(!stdout_of(&out).contains("code.txt:3:"), "{pattern}: {}", stdout_of(&out));
    }
}

/// Where the regex crate reads a pattern otherwise than PCRE2 (a nested class, `&&`, POSIX classes,
/// `\<`, `\v`, a backreference where case flags change), or a case class reads otherwise as bytes,
/// ba finds the lines the line-by-line oracle finds: no literal looked for first rules one out.
#[test]
fn patterns_the_engines_read_otherwise_find_the_oracles_lines() {
    let dir = tempdir();
    let text = "AA\nABAB\nx[b]\nax\nx\u{a0}y\nx\u{2003}y\nx\u{663}\nx<y\nx>y\nx\x0cy\nx a\nab\nAB\n";
    write(dir.path(), "t.txt", text);
    for pattern in [
        r"(?i)(a)(?-i)\1",
        r"(?i:(ab))\1",
        r"x[[a]b]",
        r"[a&&b]x|PM_RESUME",
        r"x[[:blank:]]y",
        r"x[[:space:]]y",
        r"x[[:digit:]]",
        r"x\<y",
        r"x\>y",
        r"x\vy",
        r"x [[:<:]]a",
        r"(?i)[[:upper:]]\w",
        r"(?i)[[:lower:]]\w",
        r"(?i)[[:^upper:]]\w",
    ] {
        assert_the_oracles_lines(dir.path(), "t.txt", text, pattern);
    }
}

/// A tree with several files, for the modes that compare both engines.
fn tree() -> tempfile::TempDir {
    let dir = tempdir();
    for i in 0..12 {
        let mut text = String::new();
        for j in 0..40 {
            text += &format!(
                "line {j} of file {i}: foo{} Foo bar_{j} {}\n",
                "o".repeat(j % 4),
                ["x", "fooz", "qux foo"][j % 3]
            );
        }
        write(dir.path(), &format!("d{}/f{i}.txt", i % 3), text);
    }
    write(dir.path(), "bin.dat", b"foo\0binary\n".repeat(10));
    dir
}

/// Every mode gives with -P what it gives with the default engine, for patterns both read alike.
#[test]
fn every_mode_is_the_default_engines() {
    let dir = tree();
    let patterns_file = dir.path().join("patterns.lst");
    fs::write(&patterns_file, "bar_1\\d\nqux\n").unwrap();
    let patterns_file = patterns_file.to_str().unwrap().to_string();
    let cases: Vec<Vec<&str>> = vec![
        vec!["fo+"],
        vec!["--pretty", "fo+z"],
        vec!["--pretty", "--color", "always", r"(fo+)(z)"],
        vec!["--vimgrep", "fo+"],
        vec!["--json", "fo+z"],
        vec!["-C", "2", "bar_7"],
        vec!["-A", "1", "-B", "3", "qux"],
        vec!["-c", "foo"],
        vec!["--count-matches", "fo+"],
        vec!["-v", "foo"],
        vec!["-x", r"line 1 of file 1: foo.*"],
        vec!["--word-regexp", "foo"],
        vec!["-F", "foo Foo"],
        vec!["-F", "--word-regexp", "fooz"],
        vec!["--regexp", "bar_3", "--regexp", "fooz"],
        vec!["--patterns-file", &patterns_file],
        vec!["-U", r"fooz\nline"],
        vec!["-U", "--multiline-dotall", r"bar_1.line 2"],
        vec!["--output-replace", "<$1|${two}>", r"(fo+)(?P<two>z)"],
        vec!["-m", "--output-replace", "$2$1", r"(fo+)(z)"],
        vec!["Foo"],
        vec!["foo bar"],
        vec!["--ignore-case", "FOOZ"],
        vec!["-l", "foo bar"],
        vec!["--files-with-matches", "qux"],
        vec!["--max-count", "2", "foo"],
        vec!["-a", "binary"],
        vec!["binary", "bin.dat"],
        vec!["-q", "fooz"],
        vec!["--passthru", "-w", "1", "bar_39", "d0"],
    ];
    for args in cases {
        for workers in ["1", "4"] {
            let default_out = run(dir.path(), &[&["-w", workers][..], &args].concat());
            let pcre2_out = run(dir.path(), &[&["-w", workers, "-P"][..], &args].concat());
            // Timings aside.
            let strip = |out: &std::process::Output| {
                let text = without_duration(&stdout_of(out));
                text.lines().filter(|l| !l.contains("\"elapsed")).collect::<Vec<_>>().join("\n")
            };
            assert_eq!(strip(&pcre2_out), strip(&default_out), "-P {args:?} -w {workers}");
            assert_eq!(stderr_of(&pcre2_out), stderr_of(&default_out), "-P {args:?}");
            assert_eq!(pcre2_out.status.code(), default_out.status.code(), "-P {args:?}");
        }
    }
}

/// Smart case reads the letters typed, not the escapes, in a pattern only PCRE2 reads too.
#[test]
fn smart_case_and_ignore_case() {
    let dir = tempdir();
    write(dir.path(), "f", "Sherlock holmes\nsherlock Holmes\n");
    assert_eq!(ok(dir.path(), &["-P", r"(?<=k )holmes", "f"]), "f:1:Sherlock holmes\nf:2:sherlock Holmes\n");
    assert_eq!(ok(dir.path(), &["-P", r"(?<=k )Holmes", "f"]), "f:2:sherlock Holmes\n");
    assert_eq!(
        ok(dir.path(), &["-P", r"(?<=\x{6B} )h\w+", "f"]),
        "f:1:Sherlock holmes\nf:2:sherlock Holmes\n"
    );
    assert_eq!(ok(dir.path(), &["-P", "-l", r"(?<=k )holmes", "f"]), "f:1:Sherlock holmes\n");
    assert_eq!(
        ok(dir.path(), &["-P", "--ignore-case", r"(?<=K )HOLMES", "f"]),
        "f:1:Sherlock holmes\nf:2:sherlock Holmes\n"
    );
}

/// `-r` rewrites with groups by number and by name, found by PCRE2.
#[test]
fn replace_in_place_with_groups() {
    let dir = tempdir();
    let file = write(dir.path(), "f.txt", "foo_foo bar_bar\nfoo_bar\n");
    let out = run(dir.path(), &["-P", r"(?<w>\w+)_\k<w>", "-r", "${w}x$1", "f.txt", "--no-undo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(fs::read_to_string(&file).unwrap(), "fooxfoo barxbar\nfoo_bar\n");
    let out = run(dir.path(), &["-P", r"(?<=x)\w+(?= )", "-r", "[$0]", "f.txt", "--no-undo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(fs::read_to_string(&file).unwrap(), "foox[foo] barxbar\nfoo_bar\n");
}

/// A big file cut into parts finds with -P what it finds whole; a look-behind sees its line's start
/// in whichever part it is.
#[test]
fn parts_of_a_big_file() {
    let dir = tempdir();
    let mut text = String::new();
    for i in 0..3000 {
        text += &format!("{i:05} the {} word word end\n", ["cat", "dog", "cow"][i % 3]);
    }
    write(dir.path(), "big.txt", &text);
    for args in [
        vec![r"(?<=^\d{4}7 the )cat"],
        vec!["-m", r"(\w+) \1"],
        vec!["-C", "1", r"(?<=9 the )dog"],
        vec!["-c", r"(?<!the )word"],
        vec!["--json", r"(?<=99 the )\w+"],
    ] {
        let whole = run(dir.path(), &[&["-P", "-w", "1"][..], &args, &["big.txt"]].concat());
        let parts = ba(dir.path())
            .args([&["-P", "-w", "4"][..], &args, &["big.txt"]].concat())
            .env("BA_PART_SIZE", "4096")
            .run();
        assert_eq!(whole.status.code(), Some(0), "{args:?}");
        assert!(!stdout_of(&whole).is_empty());
        let strip = |out: &std::process::Output| {
            let text = stdout_of(out);
            text.lines()
                .filter(|l| !l.contains("\"type\":\"end\"") && !l.contains("\"type\":\"summary\""))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(&parts), strip(&whole), "{args:?}");
        let expected = oracle("big.txt", &text, args.last().unwrap(), args[0] == "-m");
        if args.len() == 1 || args[0] == "-m" {
            assert_eq!(stdout_of(&parts), expected, "{args:?}");
        }
    }
}

/// A pattern PCRE2 refuses gets its message and a caret; a line it gives up on is reported, and
/// the search goes on.
#[test]
fn bad_patterns_and_the_match_limit() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "ok line\n");
    let out = run(dir.path(), &["-P", "a(?<=b+)c", "a.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.starts_with("ba: invalid pattern (PCRE2, at offset "), "{err}");
    assert!(err.contains("lookbehind"), "{err}");
    let out = run(dir.path(), &["-P", "a(b", "a.txt"]);
    assert_eq!(
        stderr_of(&out),
        "ba: invalid pattern (PCRE2, at offset 3):\n    a(b\n       ^\nerror: missing closing parenthesis\n"
    );
    assert_eq!(out.status.code(), Some(2));

    // Exponential backtracking on line 2 of b.txt; a.txt and c.txt are searched all the same.
    write(dir.path(), "b.txt", format!("ok line\n{}!\nok again\n", "x".repeat(40)));
    write(dir.path(), "c.txt", "ok\n");
    let out = run(dir.path(), &["-P", "-w", "1", r"^(\w+\s?)*$|ok", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout_of(&out), "./a.txt:1:ok line\n./b.txt:1:ok line\n./b.txt:3:ok again\n./c.txt:1:ok\n");
    assert_eq!(stderr_of(&out), "ba: ./b.txt: line 2: the pattern backtracks too much (PCRE2 match limit)\n");
    // In a part of a big file, the line is numbered in the whole file.
    let mut big = "ok\n".repeat(3000);
    big += &format!("{}!\n", "x".repeat(40));
    write(dir.path(), "b.txt", &big);
    let out = ba(dir.path()).args(["-P", "-c", r"^(\w+\s?)*$", "b.txt"]).env("BA_PART_SIZE", "1000").run();
    assert_eq!(
        stderr_of(&out),
        "ba: b.txt: line 3001: the pattern backtracks too much (PCRE2 match limit)\n"
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn versions() {
    let dir = tempdir();
    let out = ok(dir.path(), &["--pcre2-version"]);
    assert!(out.starts_with("PCRE2 10.") && out.contains("JIT is"), "{out}");
    let version = ok(dir.path(), &["--version"]);
    assert!(version.contains(out.trim_end()) && version.contains("+pcre2"), "{version}");
}

/// With an rg built with PCRE2, `rg -P` and `ba -P` find the same lines.
#[test]
fn the_lines_rg_p_finds() {
    let dir = tempdir();
    write(dir.path(), "code.txt", CODE);
    let Some(probe) = rg(dir.path(), &["--pcre2-version"]) else { return };
    if !String::from_utf8_lossy(&probe).contains("is available") {
        eprintln!("this rg has no PCRE2: the comparison with rg -P is skipped");
        return;
    }
    for pattern in [r"(?<=the )\w+(?=;)", r"\b(\w+) \1\b", r"a\sb", r"x\K\w", r"(?i)ſt\w", r"\b\w+\b"] {
        let rg_out = rg(dir.path(), &["-P", "-n", "-H", "--no-heading", pattern, "code.txt"]).unwrap();
        assert_eq!(
            ok(dir.path(), &["-P", pattern, "code.txt"]),
            String::from_utf8(rg_out).unwrap(),
            "{pattern}"
        );
    }
}
