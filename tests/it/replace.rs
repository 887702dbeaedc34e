//! Integration tests for `-r/--replace`: ba rewrites the matches of the files it finds hits in. They
//! run the binary on temporary trees and compare whole files, byte for byte, with what a naive
//! line-by-line replacement built here says they should hold; they check the output formats, the
//! files ba must never write, the exit codes, and what is left after a failed write or a Ctrl-C.
//! The SIGKILL fault test lives in `replace_faults.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crate::util::*;
use regex::bytes::{Regex, RegexBuilder};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The oracle's regex, case-insensitive when `ci` (as ba's smart case makes a lowercase pattern).
fn rx(pattern: &str, ci: bool) -> Regex {
    RegexBuilder::new(pattern).case_insensitive(ci).build().unwrap()
}

/// What a file should hold after replacing every match of `re` with `repl` (regex-crate syntax:
/// `$1`, `${name}`, `$$`), line by line: a line's `\n` and the `\r` before it are never part of what
/// is replaced, and a last line without `\n` stays without one.
fn replaced(content: &[u8], re: &Regex, repl: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len());
    let mut rest = content;
    while !rest.is_empty() {
        let (line, ending, next): (&[u8], &[u8], &[u8]) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], b"\n", &rest[i + 1..]),
            None => (rest, b"", b""),
        };
        let (body, cr): (&[u8], &[u8]) = match line.strip_suffix(b"\r") {
            Some(body) if !ending.is_empty() => (body, b"\r"),
            _ => (line, b""),
        };
        out.extend_from_slice(&re.replace_all(body, repl.as_bytes()));
        out.extend_from_slice(cr);
        out.extend_from_slice(ending);
        rest = next;
    }
    out
}

/// What ba must not touch: every entry below `root`, with a file's content, mode, mtime and inode
/// (a rewrite renames a new inode into place) and a symbolic link's target.
#[derive(Debug, PartialEq, Clone)]
pub(crate) enum Entry {
    Dir,
    File { content: Vec<u8>, mode: u32, mtime: SystemTime, ino: u64 },
    Link(PathBuf),
}

pub(crate) fn snapshot(root: &Path) -> BTreeMap<PathBuf, Entry> {
    fn visit(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Entry>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            if meta.file_type().is_symlink() {
                out.insert(rel, Entry::Link(fs::read_link(&path).unwrap()));
            } else if meta.is_dir() {
                out.insert(rel, Entry::Dir);
                visit(root, &path, out);
            } else {
                let content = fs::read(&path).unwrap();
                let mode = meta.permissions().mode();
                out.insert(
                    rel,
                    Entry::File { content, mode, mtime: meta.modified().unwrap(), ino: meta.ino() },
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    visit(root, root, &mut out);
    out
}

fn read(dir: &Path, rel: &str) -> Vec<u8> {
    fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// Shows bytes readably in assertion messages.
fn show(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

fn assert_content(dir: &Path, rel: &str, expected: &[u8]) {
    let got = read(dir, rel);
    assert_output_eq!(got, expected, "{rel}");
}

/// The paths of the files a search prints hits for (pipe output, `path:LINE:line`).
fn hit_paths(stdout: &[u8]) -> BTreeSet<String> {
    String::from_utf8_lossy(stdout).lines().map(|line| line.split(':').next().unwrap().to_string()).collect()
}

/// A command running `sh -c SCRIPT ba ARGS...` (the script ends with `exec "$0" "$@"`) with the same
/// environment as [`ba`].
fn sh_ba(dir: &Path, script: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script).arg(ba_path()).args(args);
    isolated(cmd, dir)
}

// ---------------------------------------------------------------------------------------------
// What is replaced, and how it is shown
// ---------------------------------------------------------------------------------------------

#[test]
fn pipe_output_prints_each_changed_line_with_its_new_text() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "a.txt", "foo one\nnothing here\nfoo foo two\n\nlast foo");
    write(d, "b/c.txt", "xfoox\n");
    write(d, "z.txt", "no match\n");
    let out = run_ok(d, &["foo", "-r", "bar"]);
    assert_output_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(b"a.txt:1:bar one\na.txt:3:bar bar two\na.txt:5:last bar\nb/c.txt:1:xbarx\n")
    );
    assert_content(d, "a.txt", b"bar one\nnothing here\nbar bar two\n\nlast bar");
    assert_content(d, "b/c.txt", b"xbarx\n");
    assert_content(d, "z.txt", b"no match\n");
    // -p gives the same, whatever came before it.
    write(d, "a.txt", "foo\n");
    assert_output_eq!(
        String::from_utf8_lossy(&run_ok(d, &["--pretty", "-p", "foo", "-r", "baz"])),
        String::from_utf8_lossy(b"a.txt:1:baz\n")
    );
    // --replace is the long form.
    write(d, "a.txt", "foo\n");
    assert_output_eq!(
        String::from_utf8_lossy(&run_ok(d, &["foo", "--replace", "qux"])),
        String::from_utf8_lossy(b"a.txt:1:qux\n")
    );
    assert_content(d, "a.txt", b"qux\n");
}

/// A UTF-8 byte-order mark is not part of the first line, when it is searched or when it is rewritten:
/// `^` matches after it, and it stays.
#[test]
fn a_byte_order_mark_stays_before_the_first_line() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "bom.txt", b"\xEF\xBB\xBFkey=1\nkey=2\n");
    let out = run_ok(d, &["^key", "-r", "KEY"]);
    assert_output_eq!(String::from_utf8_lossy(&out), "bom.txt:1:KEY=1\nbom.txt:2:KEY=2\n");
    assert_content(d, "bom.txt", b"\xEF\xBB\xBFKEY=1\nKEY=2\n");
}

#[test]
fn a_line_whose_matches_are_replaced_by_themselves_is_not_printed_or_written() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "same.txt", "foo\nbar\n");
    write(d, "mixed.txt", "foo x\nfoo y\n");
    let before = snapshot(d);
    // Every match replaced by itself: a match, but nothing to write.
    assert_output_eq!(
        String::from_utf8_lossy(&run_ok(d, &["foo", "-r", "$0"])),
        String::from_utf8_lossy(b"")
    );
    assert_eq!(snapshot(d), before);
    // Only the line that changes is printed.
    assert_output_eq!(
        String::from_utf8_lossy(&run_ok(d, &["(foo) x", "-r", "$1 z"])),
        String::from_utf8_lossy(b"mixed.txt:1:foo z\n")
    );
    assert_content(d, "mixed.txt", b"foo z\nfoo y\n");
    assert_content(d, "same.txt", b"foo\nbar\n");
}

#[test]
fn pretty_output_shows_each_swap_and_the_summary() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "a.txt", "foo one\nnothing\nFoo foo two\n");
    write(d, "b.txt", "unrelated\n");
    write(d, "c.txt", "say foo\n");
    let out = run_ok(d, &["--pretty", "foo", "-r", "bar"]);
    let out = String::from_utf8(out).unwrap();
    assert!(!out.contains('\x1b'), "no colour into a pipe: {out:?}");
    assert_duration_line(&out);
    let expected = "a.txt:1\n\t(foo -> bar) one\n\
                    a.txt:3\n\tFoo (foo -> bar) two\n\
                    c.txt:1\n\tsay (foo -> bar)\n"
        .to_string()
        + &summary(3, 2, 5)
        + "Files Changed: 2\nReplacements: 3\n";
    assert_output_eq!(without_duration(&out), expected);
    assert_content(d, "a.txt", b"bar one\nnothing\nFoo bar two\n");
    assert_content(d, "c.txt", b"say bar\n");

    // Nothing left to replace: exit 1 and a summary of zero.
    let out = run(d, &["--pretty", "foo", "-r", "bar"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_output_eq!(
        without_duration(&stdout_of(&out)),
        summary(3, 0, 5) + "Files Changed: 0\nReplacements: 0\n"
    );
}

#[test]
fn every_replacement_syntax() {
    let pattern = r"(?P<key>[a-z]+)=(?P<val>\d+)";
    let content = "a=1 bb=22\nnone\nccc=333;\n";
    // (template, what it means in the regex crate's syntax, the expected file)
    let cases: &[(&str, &str, &str)] = &[
        ("$2=$1", "$2=$1", "1=a 22=bb\nnone\n333=ccc;\n"),
        ("${val}:${key}", "${val}:${key}", "1:a 22:bb\nnone\n333:ccc;\n"),
        ("${2}x${1}", "${2}x${1}", "1xa 22xbb\nnone\n333xccc;\n"),
        ("[$0]", "[$0]", "[a=1] [bb=22]\nnone\n[ccc=333];\n"),
        ("$$1", "$$1", "$1 $1\nnone\n$1;\n"),
        ("$$$1", "$$$1", "$a $bb\nnone\n$ccc;\n"),
        ("cost $$", "cost $$", "cost $ cost $\nnone\ncost $;\n"),
        (r"\2=\1", "$2=$1", "1=a 22=bb\nnone\n333=ccc;\n"),
        (r"\g<2>0\g<1>", "${2}0${1}", "10a 220bb\nnone\n3330ccc;\n"),
        (r"\g<val>-\g<key>", "$val-$key", "1-a 22-bb\nnone\n333-ccc;\n"),
        (r"<\g<0>>", "<$0>", "<a=1> <bb=22>\nnone\n<ccc=333>;\n"),
        ("", "", " \nnone\n;\n"),
        ("é€$1", "é€$1", "é€a é€bb\nnone\né€ccc;\n"),
    ];
    let oracle = rx(pattern, true);
    for &(template, regex_form, expected) in cases {
        let dir = tempdir();
        let d = dir.path();
        write(d, "k.txt", content);
        assert_output_eq!(
            replaced(content.as_bytes(), &oracle, regex_form),
            expected.as_bytes(),
            "the oracle disagrees with the case {template:?}"
        );
        let out = run(d, &[pattern, "-r", template]);
        assert_eq!(out.status.code(), Some(0), "-r {template:?}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out), "", "-r {template:?}");
        assert_content(d, "k.txt", expected.as_bytes());
    }
}

#[test]
fn an_unknown_group_is_an_error_before_any_file_is_touched() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "a.txt", "key=1\n");
    write(d, "sub/b.txt", "x=2 y=3\n");
    let before = snapshot(d);
    for template in ["$3", "${nope}", "$nope", r"\3", r"\g<3>", r"\g<nope>", "$1$9", "${unclosed"] {
        for extra in [&[][..], &["--dry-run"][..], &["--pretty"][..]] {
            let mut args = vec![r"(?P<k>\w+)=(\d+)", "-r", template];
            args.extend_from_slice(extra);
            let out = run(d, &args);
            assert_eq!(out.status.code(), Some(2), "ba {args:?}: {}", stderr_of(&out));
            assert_output_eq!(stdout_of(&out), "", "ba {args:?} printed something");
            let err = stderr_of(&out);
            assert!(err.starts_with("ba: ") && err.lines().count() == 1, "ba {args:?}: {err:?}");
            assert_eq!(snapshot(d), before, "ba {args:?} touched a file");
            assert_eq!(leftovers(d), Vec::<PathBuf>::new());
        }
    }
}

#[test]
fn matches_are_replaced_within_lines_and_every_match_on_a_line() {
    let dir = tempdir();
    let d = dir.path();
    let content = "foo\nbar foo\nfoo bar foo bar\nfoo\n\nbar\n";
    write(d, "m.txt", content);
    // `\s` and `[^x]` never take a line end: `foo\nbar` is not a match of `foo\s+bar`.
    run_ok(d, &[r"foo\s+bar", "-r", "<$0>"]);
    assert_content(d, "m.txt", b"foo\nbar foo\n<foo bar> <foo bar>\nfoo\n\nbar\n");
    run_ok(d, &["o[^x]*", "-r", "0"]);
    assert_content(d, "m.txt", b"f0\nbar f0\n<f0\nf0\n\nbar\n");
    // Empty matches: at the start of every line, and at the end of every line (before its end).
    write(d, "e.txt", "a\n\nb\r\nc");
    run_ok(d, &["^", "-r", "> ", "e.txt"]);
    assert_content(d, "e.txt", b"> a\n> \n> b\r\n> c");
    run_ok(d, &["$", "-r", ";", "e.txt"]);
    assert_content(d, "e.txt", b"> a;\n> ;\n> b;\r\n> c;");
    // A replacement may hold a line end: the line becomes two, nothing else moves.
    write(d, "n.txt", "a,b\nc\n");
    run_ok(d, &[",", "-r", r"\n", "n.txt"]);
    assert_content(d, "n.txt", b"a\nb\nc\n");
}

#[test]
fn smart_case_and_strict_case() {
    let content = "foo Foo FOO fOo\nnone\n";
    let cases: &[(&[&str], &str)] = &[
        (&["foo", "-r", "x"], "x Foo FOO fOo\nnone\n"),
        (&["foo", "-l", "-r", "x"], "x Foo FOO fOo\nnone\n"),
        (&["foo", "--case-sensitive", "-r", "x"], "x Foo FOO fOo\nnone\n"),
        (&["Foo", "-r", "x"], "foo x FOO fOo\nnone\n"),
        (&["Foo", "--ignore-case", "-r", "x"], "x x x x\nnone\n"),
        (&["FOO", "-r", "x"], "foo Foo x fOo\nnone\n"),
    ];
    for &(args, expected) in cases {
        let dir = tempdir();
        write(dir.path(), "c.txt", content);
        run_ok(dir.path(), args);
        assert_content(dir.path(), "c.txt", expected.as_bytes());
    }
    // Nothing matches strictly: exit 1, nothing written.
    let dir = tempdir();
    write(dir.path(), "c.txt", "FOO\n");
    let before = snapshot(dir.path());
    let out = run(dir.path(), &["foo", "-l", "-r", "x"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_eq!(snapshot(dir.path()), before);
}

/// With -r a lowercase pattern does not turn `COLOUR` into `color`: no smart case, unless asked.
#[test]
fn replace_is_case_sensitive_unless_asked() {
    let content = "colour Colour COLOUR cOlOuR\n";
    let cases: &[(&[&str], &str)] = &[
        (&["colour", "-r", "color"], "color Colour COLOUR cOlOuR\n"),
        (&["colour", "--ignore-case", "-r", "color"], "color color color color\n"),
        (&["colour", "-r", "color", "--preserve-case"], "color Color COLOR color\n"),
        (&["COLOUR", "-r", "colour", "--preserve-case"], "colour Colour COLOUR colour\n"),
        (
            &["colou?r", "-r", "hue of $0", "--preserve-case"],
            "hue of colour Hue of Colour HUE OF COLOUR hue of cOlOuR\n",
        ),
        (&["colour", "-l", "-r", "color", "--preserve-case"], "color Colour COLOUR cOlOuR\n"),
    ];
    for &(args, expected) in cases {
        let dir = tempdir();
        write(dir.path(), "c.txt", content);
        run_ok(dir.path(), args);
        assert_content(dir.path(), "c.txt", expected.as_bytes());
        // A dry run shows the same change.
        write(dir.path(), "c.txt", content);
        let mut dry = args.to_vec();
        dry.push("--dry-run");
        let diff = String::from_utf8(run_ok(dir.path(), &dry)).unwrap();
        assert!(diff.contains(&format!("\n+{expected}")), "{args:?}: {diff}");
    }
    // The search itself keeps smart case.
    let dir = tempdir();
    write(dir.path(), "c.txt", content);
    assert_output_eq!(stdout_ok(dir.path(), &["colour"], 0), format!("c.txt:1:{content}"));
    // --preserve-case is for -r only.
    let out = run(dir.path(), &["colour", "--preserve-case"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn fixed_strings_and_whole_words() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "f.txt", "a.b axb a.b.c\nfoo foobar barfoo foo\n");
    run_ok(d, &["-F", "a.b", "-r", "$0!", "f.txt"]);
    assert_content(d, "f.txt", b"a.b! axb a.b!.c\nfoo foobar barfoo foo\n");
    run_ok(d, &["--word-regexp", "foo", "-r", "X", "f.txt"]);
    assert_content(d, "f.txt", b"a.b! axb a.b!.c\nX foobar barfoo X\n");
}

/// Files with CRLF and mixed line ends, a missing final newline, invalid UTF-8 and Latin-1 bytes,
/// control characters, long lines: replaced with several patterns, each compared whole with the
/// oracle.
#[test]
fn every_byte_outside_the_matches_is_kept() {
    let mut long_line = "x".repeat(300_000);
    long_line.push_str(" key=7 ");
    long_line.push_str(&"y".repeat(300_000));
    let fixtures: Vec<(&str, Vec<u8>)> = vec![
        ("lf.txt", b"key=1\nplain\n  key=2 key=3  \n\nend key=4\n".to_vec()),
        ("crlf.txt", b"key=1\r\nplain\r\n\r\nkey=2 \t\r\nlast key=3\r\n".to_vec()),
        ("mixed.txt", b"key=1\r\nkey=2\nkey=3\r\n\rkey=4\r\r\n".to_vec()),
        ("nofinal.txt", b"a\nkey=1\nb key=2".to_vec()),
        ("nofinal-crlf.txt", b"key=1\r\nkey=2".to_vec()),
        ("latin1.txt", b"caf\xe9 key=1 na\xefve\n\xff\xfe key=2 \xc3\x28\n\xe9t\xe9\n".to_vec()),
        ("utf8.txt", "ключ key=1 — ✓\nkey=2 日本\n".as_bytes().to_vec()),
        ("controls.txt", b"\x1b[31mkey=1\x1b[0m\x07\n\x0bkey=2\x0c\n".to_vec()),
        ("long.txt", format!("{long_line}\nkey=9\n").into_bytes()),
        ("only-newlines.txt", b"\n\n\n".to_vec()),
        ("empty.txt", Vec::new()),
        ("one-line.txt", b"key=5".to_vec()),
    ];
    // (pattern, ba's template, the regex crate's template)
    let cases: &[(&str, &str, &str)] = &[
        (r"(\w+)=(\d+)", r"\2<-\1", "$2<-$1"),
        (r"key=(\d)", "K${1}K$1", "K${1}K$1"),
        (r"\s+$", "", ""),
        (r"^", "# ", "# "),
        (r"$", "|", "|"),
        // A line's start and end, as in the search: on every line, not only where a block starts.
        (r"\A", "# ", "# "),
        (r"\z", "|", "|"),
        // Bytes that are not UTF-8, and the middle byte of a `—`.
        (r"(?-u:[\xe9\xff])", "<$0>", "<$0>"),
        (r"(?-u:\x80)", "", ""),
        (r"\d", "$0$0", "$0$0"),
        (r"e", "", ""),
    ];
    for &(pattern, template, regex_form) in cases {
        let dir = tempdir();
        let d = dir.path();
        for (name, content) in &fixtures {
            write(d, name, content);
        }
        let out = run(d, &[pattern, "-r", template]);
        assert!(matches!(out.status.code(), Some(0)), "{pattern:?}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out), "", "{pattern:?}");
        let oracle = rx(pattern, true);
        let mut changed = BTreeSet::new();
        for (name, content) in &fixtures {
            let expected = replaced(content, &oracle, regex_form);
            if &expected != content {
                changed.insert(name.to_string());
            }
            let got = read(d, name);
            assert_output_eq!(got, expected, "{pattern:?} -> {template:?} in {name}");
        }
        // The pipe output names exactly the files that changed.
        assert_eq!(hit_paths(&out.stdout), changed, "{pattern:?}");
        assert_eq!(leftovers(d), Vec::<PathBuf>::new());
    }
}

/// A CRLF line's `\r` belongs to its line end when it is rewritten, but not when it is searched:
/// `[ ]+$` does not find `a \r\n` (the `\r` stands between the space and the end), yet removes the
/// space of `x \r\n` once `x` makes that line a hit. Both lines must be treated alike: either both
/// lose their trailing space or neither does.
#[test]
fn crlf_lines_are_treated_alike_whatever_else_matches_on_them() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "c.txt", "a \r\nx \r\n");
    run_ok(d, &["[ ]+$|x", "-r", ""]);
    let got = read(d, "c.txt");
    assert!(got == b"a\r\n\r\n" || got == b"a \r\n \r\n", "{}", show(&got));
}

/// A match at a CRLF line's `\r` is no match: nothing is put before the `\r`, as `rg --crlf` does;
/// `$` still matches before it.
#[test]
fn a_match_at_the_cr_of_a_crlf_line_end_adds_nothing() {
    let cases: &[(&str, &str, &[u8], &[u8])] = &[
        (r"\W", "_", b"foo-bar\r\nab\r\n", b"foo_bar\r\nab\r\n"),
        (r"\s+", " ", b"a  b\r\nc\r\n", b"a b\r\nc\r\n"),
        (r"\s+$", "", b"a \t\r\nb\r\n", b"a\r\nb\r\n"),
        ("$", ";", b"a\r\n\r\nb", b"a;\r\n;\r\nb;"),
        (r"\s*$", ";", b"a\r\nb \r\n", b"a;\r\nb;\r\n"),
    ];
    for &(pattern, template, content, expected) in cases {
        let dir = tempdir();
        let d = dir.path();
        write(d, "f.txt", content);
        let out = run(d, &[pattern, "-r", template, "--no-undo"]);
        assert_eq!(out.status.code(), Some(0), "{pattern:?}: {}", stderr_of(&out));
        assert_output_eq!(read(d, "f.txt"), expected.to_vec(), "{pattern:?} -r {template:?}");
        // The lines shown are those written.
        let written = read(d, "f.txt");
        let shown: Vec<u8> = written
            .split_inclusive(|&b| b == b'\n')
            .zip(content.split_inclusive(|&b| b == b'\n'))
            .enumerate()
            .filter(|(_, (new, old))| new != old)
            .flat_map(|(i, (new, _))| {
                let new = new.strip_suffix(b"\n").unwrap_or(new);
                [format!("f.txt:{}:", i + 1).into_bytes(), new.to_vec(), b"\n".to_vec()].concat()
            })
            .collect();
        assert_output_eq!(out.stdout, shown, "{pattern:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Which files: the same as the search
// ---------------------------------------------------------------------------------------------

fn selection_tree(root: &Path) {
    fs::create_dir_all(root.join(".git/info")).unwrap();
    write(root, ".git/config", "hit in git\n");
    write(root, ".gitignore", "ignored.txt\nbuild/\n");
    write(root, ".ignore", "*.skip\n");
    write(root, "ignored.txt", "hit ignored\n");
    write(root, "build/out.txt", "hit build\n");
    write(root, "x.skip", "hit skip\n");
    write(root, ".hidden.txt", "hit hidden\n");
    write(root, ".hdir/h.txt", "hit in hidden dir\n");
    write(root, "a.txt", "hit a\nmiss\nhit again\n");
    write(root, "b.rs", "// hit b\n");
    write(root, "notes.md", "no match\n");
    write(root, "app.min.js", "hit min\n");
    write(root, "sub/c.txt", "hit c\n");
    write(root, "sub/deep/d.rs", "fn hit() {}\n");
    write(root, "vendor/e.txt", "hit e\n");
    write(root, "vendor/sub/f.py", "hit = 1\n");
}

/// For many selections, `-r` rewrites exactly the files the same search prints hits for, and
/// leaves every other file alone.
#[test]
fn the_files_replaced_are_the_files_the_search_finds() {
    let selections: &[&[&str]] = &[
        &[],
        &["--hidden"],
        &["--no-ignore"],
        &["-u"],
        &["-uu"],
        &["--no-default-ignore"],
        &["-g", "*.rs"],
        &["-g", "!sub/**"],
        &["-f", r"\.txt$"],
        &["-f", r"\.rs$", r"\.py$"],
        &["-i", "^sub$", "^vendor$"],
        &["-D", "0"],
        &["-D", "1"],
        &["-t", "rust"],
        &["-T", "rust"],
        &["--max-filesize", "6"],
        &["sub", "ignored.txt", ".hidden.txt"],
        &["-d", "vendor", "build"],
    ];
    let oracle = rx("hit", true);
    for &selection in selections {
        let dir = tempdir();
        let d = dir.path();
        selection_tree(d);
        let before = snapshot(d);
        let mut search = vec!["hit"];
        search.extend_from_slice(selection);
        let expected_paths = hit_paths(&run_ok(d, &search));
        assert!(!expected_paths.is_empty(), "{selection:?} finds something");
        let mut replace = search.clone();
        replace.extend_from_slice(&["-r", "HIT"]);
        let out = run_ok(d, &replace);
        assert_eq!(hit_paths(&out), expected_paths, "{selection:?}: the files -r reports");
        let after = snapshot(d);
        for (rel, entry) in &before {
            let now = &after[rel];
            let shown = rel.to_string_lossy().into_owned();
            // The paths printed are relative to the current directory (the fixture).
            if expected_paths.contains(&shown) {
                let Entry::File { content, .. } = entry else { panic!("{shown} is a file") };
                let Entry::File { content: new, .. } = now else { panic!("{shown} is still a file") };
                let expected = replaced(content, &oracle, "HIT");
                assert_output_eq!(new, expected, "{selection:?}: {shown}");
                assert!(new != content);
            } else if matches!(entry, Entry::File { .. }) {
                assert_eq!(now, entry, "{selection:?}: {shown} must not be written");
            }
        }
        assert_eq!(after.len(), before.len(), "{selection:?}: no file added or removed");
    }
}

#[test]
/// `echo colour | ba colour -r color`: with standard input to read and no path, -r is a filter (as
/// ripgrep's -r): it prints the lines replaced and touches no file. Given a path, it rewrites it.
fn replace_filters_standard_input_and_writes_no_file() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "tree/a.txt", "hit\n");
    let input = write(d, "input.txt", "hit from stdin\nmiss\n");
    let tree = d.join("tree");
    let out = ba(&tree).args(["hit", "-r", "HIT"]).stdin(fs::File::open(&input).unwrap()).run();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(stdout_of(&out), "HIT from stdin\n");
    assert_content(d, "tree/a.txt", b"hit\n");
    assert_content(d, "input.txt", b"hit from stdin\nmiss\n");
    let out = ba(&tree).args(["hit", "-r", "HIT", "."]).stdin(fs::File::open(&input).unwrap()).run();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(stdout_of(&out), "./a.txt:1:HIT\n");
    assert_content(d, "tree/a.txt", b"HIT\n");
}

// ---------------------------------------------------------------------------------------------
// --dry-run
// ---------------------------------------------------------------------------------------------

/// Lines "line 1".."line N" with `foo N` on the given lines.
fn numbered(n: usize, foo_at: &[usize], end: &str) -> String {
    (1..=n)
        .map(|i| if foo_at.contains(&i) { format!("foo {i}{end}") } else { format!("line {i}{end}") })
        .collect()
}

#[test]
fn dry_run_prints_a_unified_diff_and_writes_nothing() {
    let dir = tempdir();
    let d = dir.path();
    // Changes 6 lines apart share a hunk; 10 apart they do not; the last hunk is cut at the end.
    write(d, "d.txt", numbered(20, &[2, 8, 18], "\n"));
    write(d, "e/one.txt", "foo\n");
    write(d, "z.txt", "nothing\n");
    let before = snapshot(d);
    let out = run_ok(d, &["foo", "-r", "bar", "--dry-run"]);
    let mut expected = String::from("--- d.txt\n+++ d.txt\n@@ -1,11 +1,11 @@\n line 1\n-foo 2\n+bar 2\n");
    for i in 3..=7 {
        expected += &format!(" line {i}\n");
    }
    expected += "-foo 8\n+bar 8\n line 9\n line 10\n line 11\n";
    expected += "@@ -15,6 +15,6 @@\n line 15\n line 16\n line 17\n-foo 18\n+bar 18\n line 19\n line 20\n";
    expected += "--- e/one.txt\n+++ e/one.txt\n@@ -1,1 +1,1 @@\n-foo\n+bar\n";
    assert_output_eq!(String::from_utf8(out).unwrap(), expected);
    assert_eq!(snapshot(d), before, "--dry-run wrote something");
    assert_eq!(leftovers(d), Vec::<PathBuf>::new());

    // The pretty summary counts what would change and says nothing was written.
    let out = String::from_utf8(run_ok(d, &["--pretty", "foo", "-r", "bar", "--dry-run"])).unwrap();
    assert!(out.contains("-foo 2\n+bar 2\n"), "{out}");
    assert!(
        without_duration(&out).ends_with(
            &(summary(3, 2, 22) + "Files Changed: 2 (dry run: nothing was written)\nReplacements: 4\n")
        ),
        "{out}"
    );
    assert_eq!(snapshot(d), before, "--dry-run --pretty wrote something");

    // Nothing to replace: exit 1, no diff.
    let out = run(d, &["nomatch", "-r", "bar", "--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    assert_output_eq!(stdout_of(&out), "");
}

#[test]
fn dry_run_pretty_escapes_control_characters_but_pipe_mode_keeps_raw_bytes() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "c.txt", b"foo \x1b[31m\xe9\r\n".as_slice());
    let before = snapshot(d);
    let raw = run_ok(d, &["foo", "-r", "bar", "--dry-run"]);
    assert_output_eq!(
        String::from_utf8_lossy(&raw),
        String::from_utf8_lossy(
            b"--- c.txt\n+++ c.txt\n@@ -1,1 +1,1 @@\n-foo \x1b[31m\xe9\r\n+bar \x1b[31m\xe9\r\n"
        )
    );
    let pretty = String::from_utf8(run_ok(d, &["--pretty", "foo", "-r", "bar", "--dry-run"])).unwrap();
    assert!(!pretty.contains('\x1b'), "{pretty:?}");
    assert!(pretty.contains("-foo \\x1B[31m\u{FFFD}\\x0D\n"), "{pretty:?}");
    assert_eq!(snapshot(d), before);
}

/// Builds the tree the patch tests use: CRLF, Latin-1, changes on the first and the last line,
/// hunks that merge and hunks that do not, a subdirectory, a file without changes.
fn patch_tree(root: &Path) {
    write(root, "crlf.txt", numbered(12, &[1, 5, 12], "\r\n"));
    write(root, "latin1.txt", b"caf\xe9 foo1 \xff\nfoo22 \xc3\x28\nplain\n".as_slice());
    write(root, "multi.txt", numbered(40, &[1, 7, 14, 15, 27, 40], "\n"));
    write(root, "sub/deep.txt", "x foo3 y foo4 z\n");
    write(root, "none.txt", "nothing here\n");
    write(root, "tabs.txt", "\tfoo\t \n  \n");
}

fn copy_tree(from: &Path, to: &Path) {
    let status = Command::new("cp").arg("-a").arg(format!("{}/.", from.display())).arg(to).status().unwrap();
    assert!(status.success());
}

fn file_contents(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot(root)
        .into_iter()
        .filter_map(|(path, entry)| match entry {
            Entry::File { content, .. } => Some((path, content)),
            _ => None,
        })
        .collect()
}

/// Applies `patch` to `dir` with `patch -p0` and with `git apply -p0` (where installed) and checks
/// both give `expected`.
fn check_patch_applies(orig: &Path, work: &Path, patch: &[u8], expected: &BTreeMap<PathBuf, Vec<u8>>) {
    let patch_file = work.join("change.patch");
    fs::write(&patch_file, patch).unwrap();
    let mut tools = 0;
    if have("patch") {
        tools += 1;
        let copy = work.join("by-patch");
        fs::create_dir(&copy).unwrap();
        copy_tree(orig, &copy);
        let out = Command::new("patch")
            .args(["-p0", "--batch", "--forward"])
            .current_dir(&copy)
            .stdin(fs::File::open(&patch_file).unwrap())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "patch -p0 failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_trees_equal(&file_contents(&copy), expected, "patch -p0");
    } else {
        eprintln!("note: `patch` is not installed (apt-get install patch): skipping patch -p0");
    }
    if have("git") {
        tools += 1;
        let copy = work.join("by-git");
        fs::create_dir(&copy).unwrap();
        copy_tree(orig, &copy);
        let out = Command::new("git")
            .args(["apply", "-p0", "--whitespace=nowarn"])
            .arg(&patch_file)
            .current_dir(&copy)
            .env("HOME", &copy)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_CONFIG_GLOBAL")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "git apply -p0 failed:\n{}", String::from_utf8_lossy(&out.stderr));
        assert_trees_equal(&file_contents(&copy), expected, "git apply");
    } else {
        eprintln!("note: `git` is not installed: skipping git apply");
    }
    assert!(tools > 0, "neither patch nor git is installed: the diff cannot be checked");
}

fn assert_trees_equal(got: &BTreeMap<PathBuf, Vec<u8>>, expected: &BTreeMap<PathBuf, Vec<u8>>, how: &str) {
    let names: BTreeSet<_> = got.keys().chain(expected.keys()).collect();
    for name in names {
        let (g, e) = (got.get(name), expected.get(name));
        assert!(
            g == e,
            "{how}: {}:\n  got      {}\n  expected {}",
            name.display(),
            g.map_or("(missing)".into(), |g| show(g)),
            e.map_or("(missing)".into(), |e| show(e))
        );
    }
}

/// The dry run's diff, applied with `patch -p0` (and `git apply`) to a copy of the tree, gives
/// exactly what a real run writes.
#[test]
fn dry_run_diff_applied_with_patch_gives_what_a_real_run_writes() {
    let work = tempdir();
    let w = work.path();
    let orig = w.join("orig");
    patch_tree(&orig);
    let before = snapshot(&orig);
    let args = [r"foo(\d*)", "-r", "bar$1-x"];
    let patch = run_ok(&orig, &[args[0], args[1], args[2], "--dry-run"]);
    assert_eq!(snapshot(&orig), before, "--dry-run wrote something");
    check_dry_run_against_real_run(w, &orig, &args, &patch);
    // The real run writes what the oracle says.
    let oracle = rx(args[0], true);
    for (path, content) in file_contents(&orig) {
        assert_output_eq!(
            read(&w.join("real"), path.to_str().unwrap()),
            replaced(&content, &oracle, "bar${1}-x")
        );
    }
}

/// Runs the real replacement on a copy of `orig` and checks `patch` gives the same files.
fn check_dry_run_against_real_run(work: &Path, orig: &Path, args: &[&str], patch: &[u8]) {
    let real = work.join("real");
    fs::create_dir(&real).unwrap();
    copy_tree(orig, &real);
    let out = run(&real, args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let expected = file_contents(&real);
    assert_ne!(expected, file_contents(orig), "the real run changes something");
    check_patch_applies(orig, work, patch, &expected);
}

#[test]
fn dry_run_diff_of_a_file_without_a_final_newline_applies() {
    let work = tempdir();
    let w = work.path();
    let orig = w.join("orig");
    write(&orig, "nofinal.txt", numbered(12, &[12], "\n").trim_end());
    write(&orig, "ok.txt", "foo\n");
    let args = ["foo", "-r", "bar"];
    let patch = run_ok(&orig, &[args[0], args[1], args[2], "--dry-run"]);
    let text = String::from_utf8_lossy(&patch);
    assert!(text.contains("+bar 12\n\\ No newline at end of file\n"), "{text}");
    check_dry_run_against_real_run(w, &orig, &args, &patch);
}

#[test]
fn dry_run_hunk_headers_count_the_lines_added_before_them() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "m.txt", numbered(30, &[2, 20], "\n"));
    let out = String::from_utf8(run_ok(d, &["foo", "-r", r"a\nb", "--dry-run"])).unwrap();
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("@@")).collect();
    assert_eq!(headers, ["@@ -1,5 +1,6 @@", "@@ -17,7 +18,8 @@"], "{out}");
}

/// A last line without a newline whose replacement empties it, or ends it with a newline, or spans
/// several lines: the diff still applies and gives what a real run writes.
#[test]
fn dry_run_diff_of_a_last_line_that_vanishes_or_gains_a_newline_applies() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("empties", b"x\nb", ""),
        ("ends", b"x\nb", r"c\n"),
        ("spans", b"x\nb", r"c\nd"),
        ("spans-and-ends", b"x\nb", r"c\nd\n"),
        ("only-line", b"b", ""),
        ("far", b"b\n1\n2\n3\n4\n5\n6\n7\n8\nb", ""),
    ];
    for &(name, content, template) in cases {
        let work = tempdir();
        let w = work.path();
        let orig = w.join("orig");
        write(&orig, "f", content);
        let args = ["-l", "b", "-r", template];
        let patch = run_ok(&orig, &[args[0], args[1], args[2], args[3], "--dry-run"]);
        let text = String::from_utf8_lossy(&patch);
        if name == "empties" {
            assert_output_eq!(text, "--- f\n+++ f\n@@ -1,2 +1,1 @@\n x\n-b\n\\ No newline at end of file\n");
        }
        if name == "far" {
            assert!(text.contains("@@ -1,4 +1,4 @@\n") && text.contains("\n@@ -7,4 +7,3 @@\n"), "{text}");
        }
        check_dry_run_against_real_run(w, &orig, &args, &patch);
    }
}

/// A replacement that adds lines still gives a diff that patch applies (hunks found by context).
#[test]
fn dry_run_diff_with_added_lines_applies() {
    let work = tempdir();
    let w = work.path();
    let orig = w.join("orig");
    write(&orig, "m.txt", numbered(30, &[2, 20, 21], "\n"));
    let args = ["foo", "-r", r"a\nb"];
    let patch = run_ok(&orig, &[args[0], args[1], args[2], "--dry-run"]);
    check_dry_run_against_real_run(w, &orig, &args, &patch);
}

// ---------------------------------------------------------------------------------------------
// --interactive
// ---------------------------------------------------------------------------------------------

/// Runs `ba ARGS --interactive` in `dir` on a terminal with these answers (each a key); returns the
/// paths asked about, in order, and the exit code. None when python3 is not installed.
fn interactive(dir: &Path, args: &[&str], answers: &[&str]) -> Option<(Vec<String>, i32, String)> {
    let mut args = args.to_vec();
    args.push("--interactive");
    let (code, text) = on_terminal(dir, r"Replace in [^\n]*?\?[^\n]*?: ", answers, &args)?;
    let asked = regex::Regex::new(r"Replace in (\S+)\?").unwrap();
    let asked: Vec<String> = asked.captures_iter(&text).map(|c| c[1].to_string()).collect();
    Some((asked, code, text))
}

fn five_files(d: &Path) {
    for name in ["a", "b", "c", "d", "e"] {
        write(d, &format!("{name}.txt"), format!("hit {name}\nkeep\n"));
    }
}

#[test]
fn interactive_yes_no_all() {
    let dir = tempdir();
    let d = dir.path();
    five_files(d);
    write(d, "same.txt", "nothing\n");
    let Some((asked, code, text)) = interactive(d, &["hit", "-r", "HIT"], &["y", "n", "a"]) else { return };
    assert_eq!(asked, ["a.txt", "b.txt", "c.txt"], "{text}");
    assert_eq!(code, 0, "{text}");
    // Each change is shown before its question.
    let diff = text.find("+HIT a").expect("a.txt's change is shown");
    assert!(diff < text.find("Replace in a.txt?").unwrap(), "{text}");
    assert_content(d, "a.txt", b"HIT a\nkeep\n");
    assert_content(d, "b.txt", b"hit b\nkeep\n");
    for name in ["c", "d", "e"] {
        assert_content(d, &format!("{name}.txt"), format!("HIT {name}\nkeep\n").as_bytes());
    }
    assert!(text.contains("Files Changed: 4\n"), "{text}");
    assert_eq!(leftovers(d), Vec::<PathBuf>::new());
}

#[test]
fn interactive_quit_stops_writing() {
    let dir = tempdir();
    let d = dir.path();
    five_files(d);
    let Some((asked, code, text)) = interactive(d, &["hit", "-r", "HIT"], &["n", "y", "q"]) else { return };
    assert_eq!(asked, ["a.txt", "b.txt", "c.txt"], "{text}");
    assert_eq!(code, 0, "{text}");
    assert_content(d, "a.txt", b"hit a\nkeep\n");
    assert_content(d, "b.txt", b"HIT b\nkeep\n");
    for name in ["c", "d", "e"] {
        assert_content(d, &format!("{name}.txt"), format!("hit {name}\nkeep\n").as_bytes());
    }
    assert!(text.contains("Files Changed: 1\n"), "{text}");
}

#[test]
fn interactive_without_a_terminal_is_an_error() {
    if !have("setsid") {
        eprintln!("note: setsid is not installed: skipping");
        return;
    }
    let dir = tempdir();
    let d = dir.path();
    five_files(d);
    let before = snapshot(d);
    // A new session has no controlling terminal: /dev/tty cannot be opened.
    let out = sh_ba(d, r#"exec setsid -w "$0" "$@""#, &["hit", "-r", "HIT", "--interactive"]).run();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.starts_with("ba: ") && err.contains("terminal"), "{err}");
    assert_output_eq!(stdout_of(&out), "");
    assert_eq!(snapshot(d), before);
}

// ---------------------------------------------------------------------------------------------
// Files that must not be written
// ---------------------------------------------------------------------------------------------

/// The stderr line `ba: PATH: ...` for `path`, if any.
fn complaint<'a>(stderr: &'a str, path: &str) -> Option<&'a str> {
    let prefix = format!("ba: {path}: ");
    stderr.lines().find(|line| line.starts_with(&prefix))
}

#[test]
fn binary_files_are_never_written() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "bin.dat", b"hit\x00\nhit\n".as_slice());
    let mut late = "hit early\n".repeat(40_000).into_bytes();
    late.extend_from_slice(b"late \x00 hit\nhit\n");
    write(d, "late.bin", &late);
    write(d, "text.txt", "hit\n");
    let before = snapshot(d);

    // Named, it is searched in full (its text lines match), but not written.
    let out = run(d, &["hit", "-r", "HIT", "bin.dat"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(complaint(&stderr_of(&out), "bin.dat").is_some_and(|l| l.contains("not written")));
    assert_eq!(snapshot(d), before);

    // With -a it is searched, but never written.
    for flag in ["-a", "--text"] {
        let out = run(d, &["hit", flag, "-r", "HIT", "bin.dat"]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
        assert!(complaint(&stderr_of(&out), "bin.dat").is_some(), "{}", stderr_of(&out));
        assert_eq!(snapshot(d), before);
    }

    // A NUL past the first 256 KiB: the lines before it are hits, but the file is not written.
    let out = run(d, &["hit", "-r", "HIT", "late.bin"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(complaint(&stderr_of(&out), "late.bin").is_some(), "{}", stderr_of(&out));
    assert_eq!(snapshot(d), before);

    // In a tree: the text file is written, the binary ones are not.
    let out = run(d, &["hit", "-a", "-r", "HIT"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert_content(d, "text.txt", b"HIT\n");
    assert_output_eq!(read(d, "bin.dat"), b"hit\x00\nhit\n");
    assert_output_eq!(read(d, "late.bin"), late);
    assert_eq!(leftovers(d), Vec::<PathBuf>::new());
}

#[test]
fn read_only_files_are_named_and_not_written_and_the_others_are() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "a.txt", "hit a\n");
    let ro = write(d, "ro.txt", "hit ro\n");
    write(d, "sub/z.txt", "hit z\n");
    let ro2 = write(d, "sub/ro2.txt", "hit ro2\n");
    set_mode(&ro, 0o444);
    set_mode(&ro2, 0o400);
    let ro_before = (fs::metadata(&ro).unwrap().ino(), fs::metadata(&ro).unwrap().modified().unwrap());
    let out = run(d, &["hit", "-r", "HIT"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(complaint(&err, "ro.txt").is_some(), "{err}");
    assert!(complaint(&err, "sub/ro2.txt").is_some(), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
    assert_output_eq!(stdout_of(&out), "a.txt:1:HIT a\nsub/z.txt:1:HIT z\n");
    assert_content(d, "a.txt", b"HIT a\n");
    assert_content(d, "sub/z.txt", b"HIT z\n");
    assert_content(d, "ro.txt", b"hit ro\n");
    assert_content(d, "sub/ro2.txt", b"hit ro2\n");
    assert_eq!(mode(&ro), 0o444);
    assert_eq!(mode(&ro2), 0o400);
    assert_eq!((fs::metadata(&ro).unwrap().ino(), fs::metadata(&ro).unwrap().modified().unwrap()), ro_before);
    assert_eq!(leftovers(d), Vec::<PathBuf>::new());
    // The pretty summary counts only the files written.
    let out = run(d, &["--pretty", "hit", "-r", "HIT"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout_of(&out).contains("Files Changed: 0\n"), "{}", stdout_of(&out));
}

#[test]
fn permissions_and_owner_are_kept() {
    let dir = tempdir();
    let d = dir.path();
    let modes =
        [("p640.txt", 0o640), ("p755.sh", 0o755), ("p600.txt", 0o600), ("p604", 0o604), ("p1777", 0o1777)];
    for (name, m) in modes {
        let path = write(d, name, "hit\n");
        set_mode(&path, m);
    }
    let owned = write(d, "owned.txt", "hit\n");
    let root = running_as_root();
    if root {
        std::os::unix::fs::chown(&owned, Some(1234), Some(5678)).unwrap();
        set_mode(&owned, 0o664);
    }
    let inodes: Vec<u64> = modes.iter().map(|(name, _)| fs::metadata(d.join(name)).unwrap().ino()).collect();
    run_ok(d, &["hit", "-r", "HIT"]);
    for ((name, m), ino) in modes.iter().zip(inodes) {
        assert_content(d, name, b"HIT\n");
        assert_eq!(mode(&d.join(name)), *m, "{name}");
        assert_ne!(fs::metadata(d.join(name)).unwrap().ino(), ino, "{name} was replaced by a new file");
    }
    assert_content(d, "owned.txt", b"HIT\n");
    if root {
        let meta = fs::metadata(&owned).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (1234, 5678), "the owner is kept");
        assert_eq!(mode(&owned), 0o664);
    } else {
        eprintln!("note: not root: the owner check is skipped");
    }
}

/// What `program ARGS` prints, run in `dir`.
fn output_of(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).current_dir(dir).stdin(Stdio::null()).output().unwrap();
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// ACLs and extended attributes stay as they were: an ACL entry for another user, its mask, user
/// and trusted attributes; and a file without an ACL in a directory with a default ACL gets none.
#[test]
fn acls_and_extended_attributes_are_kept() {
    if !["setfacl", "getfacl", "setfattr", "getfattr"].iter().all(have) {
        eprintln!(
            "note: setfacl, getfacl, setfattr or getfattr is missing (apt-get install acl attr): skipping"
        );
        return;
    }
    let dir = tempdir();
    let d = dir.path();
    write(d, "acl.txt", "hit\n");
    write(d, "attrs.txt", "hit\n");
    write(d, "both.sh", "hit\n");
    write(d, "defaults/plain.txt", "hit\n");
    set_mode(&d.join("both.sh"), 0o2750);
    let setup: &[(&str, &[&str])] = &[
        ("setfacl", &["-m", "u:nobody:rw", "acl.txt"]),
        ("setfattr", &["-n", "user.note", "-v", "kept", "attrs.txt"]),
        ("setfacl", &["-m", "u:nobody:rx,g:nogroup:r", "both.sh"]),
        ("setfattr", &["-n", "user.other", "-v", "0x00ff", "both.sh"]),
        ("setfacl", &["-d", "-m", "u:nobody:rw", "defaults"]),
    ];
    for (tool, args) in setup {
        output_of(d, tool, args);
    }
    if running_as_root() {
        output_of(d, "setfattr", &["-n", "trusted.note", "-v", "root only", "attrs.txt"]);
    }
    let names = ["acl.txt", "attrs.txt", "both.sh", "defaults/plain.txt"];
    let state = || -> Vec<(String, String, u32)> {
        names
            .iter()
            .map(|name| {
                let acl = output_of(d, "getfacl", &["-cp", name]);
                let attrs = output_of(d, "getfattr", &["-d", "-m", "-", "-e", "hex", name]);
                (acl, attrs, mode(&d.join(name)))
            })
            .collect()
    };
    let before = state();
    assert!(before[3].1.is_empty(), "the file made before the default ACL has none: {}", before[3].1);
    let out = run(d, &["hit", "-r", "HIT"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    for name in names {
        assert_content(d, name, b"HIT\n");
    }
    let after = state();
    for ((name, before), after) in names.iter().zip(&before).zip(&after) {
        assert_eq!(after, before, "{name}");
    }
}

/// A user who may not set an attribute the file has (a file capability) cannot keep it: the file is
/// refused with the reason, not rewritten without it.
#[test]
fn an_extended_attribute_that_cannot_be_kept_refuses_the_file() {
    if !have("setfattr") {
        eprintln!("note: setfattr is missing (apt-get install attr): skipping");
        return;
    }
    let Some(nobody) = as_nobody(ba_path()) else {
        eprintln!("note: skipping the check of an attribute that cannot be kept");
        return;
    };
    let dir = tempdir();
    let d = dir.path();
    let shared = shared_dir(d);
    let file = write(&shared, "tool", "hit\n");
    std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();
    set_mode(&file, 0o755);
    // cap_net_raw, permitted: only a process with CAP_SETFCAP may set it.
    output_of(
        d,
        "setfattr",
        &["-n", "security.capability", "-v", "0x0100000200200000000000000000000000000000", "shared/tool"],
    );
    // nobody may not write the tests' undo journal.
    let out = isolated(nobody, d).args(["hit", "-r", "HIT", "shared", "--no-undo"]).run();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    let line = complaint(&err, "shared/tool").unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains("cannot keep its extended attribute security.capability"), "{line}");
    assert_content(&shared, "tool", b"hit\n");
    assert_eq!(leftovers(d), Vec::<PathBuf>::new());
}

#[test]
fn setuid_and_setgid_bits_are_kept() {
    let dir = tempdir();
    let d = dir.path();
    for (name, m) in [("suid", 0o4755), ("sgid", 0o2750), ("both", 0o6711)] {
        let path = write(d, name, "hit\n");
        set_mode(&path, m);
        run_ok(d, &["hit", "-r", "HIT", name]);
        assert_content(d, name, b"HIT\n");
        assert_eq!(format!("{:o}", mode(&path)), format!("{m:o}"), "{name}");
    }
}

#[test]
fn symbolic_links_are_not_written_through_without_follow() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "outside/target.txt", "hit outside\n");
    write(d, "tree/real.txt", "hit real\n");
    std::os::unix::fs::symlink("real.txt", d.join("tree/link.txt")).unwrap();
    std::os::unix::fs::symlink("../outside/target.txt", d.join("tree/out.txt")).unwrap();
    std::os::unix::fs::symlink("../outside", d.join("tree/outdir")).unwrap();

    // In a tree the links are not followed at all.
    let out = run_ok(d, &["hit", "tree", "-r", "HIT"]);
    assert_output_eq!(String::from_utf8(out).unwrap(), "tree/real.txt:1:HIT real\n");
    assert_content(d, "tree/real.txt", b"HIT real\n");
    assert_content(d, "outside/target.txt", b"hit outside\n");
    assert_eq!(fs::read_link(d.join("tree/link.txt")).unwrap(), Path::new("real.txt"));
    assert_eq!(fs::read_link(d.join("tree/out.txt")).unwrap(), Path::new("../outside/target.txt"));

    // Named on the command line, a link is searched but not written through.
    let before = snapshot(d);
    let out = run(d, &["hit", "tree/out.txt", "-r", "HIT"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(complaint(&stderr_of(&out), "tree/out.txt").is_some(), "{}", stderr_of(&out));
    assert_eq!(snapshot(d), before);
}

#[test]
fn follow_rewrites_the_target_and_keeps_the_link() {
    let dir = tempdir();
    let d = dir.path();
    // The target is below the root, in a hidden directory the walk does not enter by itself.
    let target = write(d, "tree/.store/real.txt", "hit real\nkeep\n");
    set_mode(&target, 0o640);
    std::os::unix::fs::symlink(".store/real.txt", d.join("tree/link.txt")).unwrap();
    write(d, "tree/plain.txt", "hit plain\n");
    let out = run_ok(d, &["hit", "tree", "--follow", "-r", "HIT"]);
    assert_output_eq!(
        String::from_utf8(out).unwrap(),
        "tree/link.txt:1:HIT real\ntree/plain.txt:1:HIT plain\n"
    );
    assert_content(d, "tree/.store/real.txt", b"HIT real\nkeep\n");
    assert_eq!(mode(&target), 0o640);
    let link = fs::symlink_metadata(d.join("tree/link.txt")).unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");
    assert_eq!(fs::read_link(d.join("tree/link.txt")).unwrap(), Path::new(".store/real.txt"));
    assert_eq!(leftovers(d), Vec::<PathBuf>::new());

    // From inside the tree, with the implicit root `.`.
    write(d, "tree/.store/real.txt", "hit again\n");
    let out = run_ok(&d.join("tree"), &["hit", "--follow", "-r", "HIT"]);
    assert_output_eq!(String::from_utf8(out).unwrap(), "link.txt:1:HIT again\n");
    assert_content(d, "tree/.store/real.txt", b"HIT again\n");
    assert!(fs::symlink_metadata(d.join("tree/link.txt")).unwrap().file_type().is_symlink());
}

#[test]
fn follow_never_writes_outside_the_roots() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "outside/target.txt", "hit outside\n");
    write(d, "outside/other.txt", "hit other\n");
    write(d, "tree/real.txt", "hit real\n");
    std::os::unix::fs::symlink("../outside/target.txt", d.join("tree/out.txt")).unwrap();
    std::os::unix::fs::symlink("../outside", d.join("tree/outdir")).unwrap();
    std::os::unix::fs::symlink(d.join("outside/target.txt"), d.join("tree/abs.txt")).unwrap();
    let outside_before = snapshot(&d.join("outside"));
    for (cwd, args) in [(d.to_path_buf(), vec!["hit", "tree"]), (d.join("tree"), vec!["hit"])] {
        write(d, "tree/real.txt", "hit real\n");
        let mut args = args.clone();
        args.extend_from_slice(&["--follow", "-r", "HIT"]);
        let out = run(&cwd, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        let prefix = if cwd == d { "tree/" } else { "" };
        for link in ["abs.txt", "out.txt", "outdir/other.txt", "outdir/target.txt"] {
            assert!(complaint(&err, &format!("{prefix}{link}")).is_some(), "{args:?}: {link}: {err}");
        }
        assert_output_eq!(stdout_of(&out), format!("{prefix}real.txt:1:HIT real\n"));
        assert_content(d, "tree/real.txt", b"HIT real\n");
        assert_eq!(snapshot(&d.join("outside")), outside_before, "{args:?} wrote outside the root");
        assert_eq!(leftovers(d), Vec::<PathBuf>::new());
    }
}

/// Exchanges two paths (a directory and a link) again and again with renameat2(RENAME_EXCHANGE),
/// until a file named by its third argument appears; prints how many exchanges it made.
const SWAPPER: &str = r#"
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
a, b, stop = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3]
swaps = 0
while not os.path.exists(stop):
    for _ in range(100):
        swaps += libc.renameat2(-100, a, -100, b, 2) == 0
print(swaps)
"#;

/// An unprivileged user who owns a directory of the tree swaps it, again and again, with a link to
/// a directory outside the tree that holds the same files, while root rewrites the tree: no write
/// may land outside, however the swaps fall.
#[test]
fn a_directory_swapped_for_a_link_never_redirects_a_write_outside() {
    let Some(swapper) = as_nobody("python3") else {
        eprintln!("note: skipping the symbolic link swap race");
        return;
    };
    let dir = tempdir();
    let d = dir.path();
    open_to_all(d);
    let files = 400;
    let mtime = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    for side in ["tree/sub", "outside"] {
        for i in 0..files {
            let path = write(d, &format!("{side}/f{i:04}.txt"), format!("old {i}\n"));
            // The same size and time inside and out: only the directory tells them apart.
            fs::File::options().write(true).open(&path).unwrap().set_modified(mtime).unwrap();
        }
    }
    let outside_before = snapshot(&d.join("outside"));
    std::os::unix::fs::symlink(d.join("outside"), d.join("tree/swap")).unwrap();
    for path in [d.join("tree"), d.join("tree/sub")] {
        std::os::unix::fs::chown(&path, Some(65534), Some(65534)).unwrap();
    }
    let stop = d.join("stop");
    let swapper = isolated(swapper, d)
        .args(["-c", SWAPPER, "tree/sub", "tree/swap"])
        .arg(&stop)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut rounds = Vec::new();
    for follow in [false, false, true, true] {
        let mut args = vec!["old", "-r", "PWNED", "-d", "tree"];
        if follow {
            args.push("--follow");
        }
        let out = run(d, &args);
        rounds.push(out.status.code());
    }
    fs::write(&stop, "").unwrap();
    let swapped = output_within(swapper, Duration::from_secs(30));
    assert!(swapped.status.success(), "the swapper failed: {}", stderr_of(&swapped));
    eprintln!("{} exchanges; exit codes {rounds:?}", stdout_of(&swapped).trim());
    assert_eq!(snapshot(&d.join("outside")), outside_before, "a write landed outside the tree");
    assert_eq!(leftovers(&d.join("outside")), Vec::<PathBuf>::new());
}

/// With --follow a file reached by its name and through a link is replaced once, not twice.
#[test]
fn follow_outside_the_roots_names_the_target_escaped() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "outside/evil\x1b[31m.txt", "hit\n");
    fs::create_dir(d.join("tree")).unwrap();
    std::os::unix::fs::symlink("../outside/evil\x1b[31m.txt", d.join("tree/link")).unwrap();
    let out = run(d, &["hit", "tree", "--follow", "-r", "HIT"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    let line = complaint(&err, "tree/link").unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains("evil\\x1B[31m.txt, outside the searched paths"), "{line}");
    assert!(!err.contains('\x1b'), "a raw escape reached stderr: {err:?}");
}

/// A directory in `d` that every user may write in, `d` open to all: where a user other than the
/// one running the tests makes files.
fn shared_dir(d: &Path) -> PathBuf {
    open_to_all(d);
    let shared = d.join("shared");
    fs::create_dir(&shared).unwrap();
    set_mode(&shared, 0o777);
    shared
}

/// Run by a user who cannot give the new file the original's owner, ba refuses the file and says
/// why, in one well-formed line.
#[test]
fn a_file_whose_owner_cannot_be_kept_is_refused_with_the_reason() {
    let Some(nobody) = as_nobody(ba_path()) else {
        eprintln!("note: skipping the check of an owner that cannot be kept");
        return;
    };
    let dir = tempdir();
    let d = dir.path();
    let shared = shared_dir(d);
    let file = write(&shared, "f.txt", "hit\n");
    set_mode(&file, 0o666);
    // nobody may not write the tests' undo journal.
    let out = isolated(nobody, d).args(["hit", "-r", "HIT", "shared", "--no-undo"]).run();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    let line = complaint(&err, "shared/f.txt").unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains("cannot keep its owner"), "{line}");
    assert_eq!(line.matches('(').count(), line.matches(')').count(), "unbalanced: {line}");
    assert_content(&shared, "f.txt", b"hit\n");
    assert_eq!(leftovers(d), Vec::<PathBuf>::new());
}

#[test]
fn follow_replaces_a_file_reached_twice_only_once() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "sub/real.txt", "x\n");
    std::os::unix::fs::symlink("sub/real.txt", d.join("link.txt")).unwrap();
    let out = run(d, &["x", "--follow", "-r", "xx"]);
    assert_content(d, "sub/real.txt", b"xx\n");
    assert!(fs::symlink_metadata(d.join("link.txt")).unwrap().file_type().is_symlink());
    assert_output_eq!(stdout_of(&out), "link.txt:1:xx\n");
    assert_eq!(leftovers(d), Vec::<PathBuf>::new());
}

#[test]
fn follow_a_file_reached_twice_is_not_an_error() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "sub/real.txt", "x\n");
    std::os::unix::fs::symlink("sub/real.txt", d.join("link.txt")).unwrap();
    let out = run(d, &["x", "--follow", "-r", "xx"]);
    assert_eq!(stderr_of(&out), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn hard_links_are_skipped_unless_forced() {
    let dir = tempdir();
    let d = dir.path();
    let a = write(d, "tree/a.txt", "hit a\n");
    fs::create_dir(d.join("other")).unwrap();
    fs::hard_link(&a, d.join("other/b.txt")).unwrap();
    write(d, "tree/c.txt", "hit c\n");

    let out = run(d, &["hit", "tree", "-r", "HIT"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(complaint(&stderr_of(&out), "tree/a.txt").is_some(), "{}", stderr_of(&out));
    assert_output_eq!(stdout_of(&out), "tree/c.txt:1:HIT c\n");
    assert_content(d, "tree/a.txt", b"hit a\n");
    assert_content(d, "tree/c.txt", b"HIT c\n");
    let (ma, mb) = (fs::metadata(&a).unwrap(), fs::metadata(d.join("other/b.txt")).unwrap());
    assert_eq!((ma.ino(), ma.nlink()), (mb.ino(), 2), "still one file with two names");

    let out = run(d, &["hit", "tree", "-r", "HIT", "--force-hardlinks"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_output_eq!(stdout_of(&out), "tree/a.txt:1:HIT a\n");
    assert_content(d, "tree/a.txt", b"HIT a\n");
    assert_content(d, "other/b.txt", b"hit a\n");
    let (ma, mb) = (fs::metadata(&a).unwrap(), fs::metadata(d.join("other/b.txt")).unwrap());
    assert_ne!(ma.ino(), mb.ino());
    assert_eq!((ma.nlink(), mb.nlink()), (1, 1));
}

#[test]
fn nothing_matched_exits_one_and_writes_nothing() {
    let dir = tempdir();
    let d = dir.path();
    selection_tree(d);
    let before = snapshot(d);
    for extra in [&[][..], &["--dry-run"][..], &["--pretty"][..]] {
        let mut args = vec!["nomatch", "-r", "x"];
        args.extend_from_slice(extra);
        let out = run(d, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out), "");
        assert_eq!(snapshot(d), before);
    }
}

// ---------------------------------------------------------------------------------------------
// A file that changes under ba
// ---------------------------------------------------------------------------------------------

/// Waits until a `.ba-replace-*` file appears in `dir` (ba is writing), or ba ends.
fn wait_for_temp_file(dir: &Path, child: &mut std::process::Child) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if !leftovers(dir).is_empty() {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        thread::sleep(Duration::from_micros(200));
    }
    false
}

/// A big first file keeps the replacer busy while the small files after it, already searched, are
/// changed: each is skipped with a warning and keeps the change made to it.
#[test]
fn a_file_changed_after_it_was_searched_is_skipped() {
    let dir = tempdir();
    let d = dir.path();
    let mut big = b"hit first\n".to_vec();
    big.extend(b"padding line of text\n".repeat(1_500_000));
    write(d, "a.txt", &big);
    let small: Vec<String> = (0..8).map(|i| format!("b{i}.txt")).collect();
    for name in &small {
        write(d, name, "hit b\n");
    }
    let mut child = ba(d)
        .args(["hit", "-r", "HIT", "-w", "4"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let seen = wait_for_temp_file(d, &mut child);
    if seen {
        for name in &small {
            write(d, name, "hit b\nchanged meanwhile\n");
        }
    }
    let out = output_within(child, Duration::from_secs(30));
    assert!(seen, "ba ended before its first write could be seen: {}", stderr_of(&out));
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    for name in &small {
        let line = complaint(&err, name).unwrap_or_else(|| panic!("{name} is not named: {err}"));
        assert!(line.contains("changed"), "{line}");
        assert_content(d, name, b"hit b\nchanged meanwhile\n");
    }
    assert_output_eq!(stdout_of(&out), "a.txt:1:HIT first\n");
    assert!(read(d, "a.txt").starts_with(b"HIT first\npadding"));
    assert_eq!(leftovers(d), Vec::<PathBuf>::new());
}

/// The file being written is changed before ba renames its new content over it: the change wins,
/// the temporary file is removed. The change must land between two moments ba does not show, so
/// when it lands too late (after the rename) the test says so and checks what it can.
#[test]
fn a_file_changed_while_it_is_written_is_kept() {
    let dir = tempdir();
    let d = dir.path();
    let mut big = b"hit first\n".to_vec();
    big.extend(b"padding line of text\n".repeat(1_500_000));
    write(d, "a.txt", &big);
    let mut child =
        ba(d).args(["hit", "-r", "HIT"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let seen = wait_for_temp_file(d, &mut child);
    if seen {
        use std::io::Write;
        let mut f = fs::OpenOptions::new().append(true).open(d.join("a.txt")).unwrap();
        f.write_all(b"appended meanwhile\n").unwrap();
    }
    let out = output_within(child, Duration::from_secs(30));
    assert!(seen, "ba ended before its write could be seen: {}", stderr_of(&out));
    let now = read(d, "a.txt");
    assert_eq!(leftovers(d), Vec::<PathBuf>::new());
    if now.starts_with(b"HIT first\n") {
        // The rename came first: the append went to the new file.
        eprintln!("note: the change landed after ba's rename; the check of a change during the write was not exercised");
        assert!(now.ends_with(b"appended meanwhile\n"), "the append is lost");
        assert_eq!(out.status.code(), Some(0));
        return;
    }
    let mut expected = big.clone();
    expected.extend_from_slice(b"appended meanwhile\n");
    assert_output_eq!(now, expected, "a.txt is neither the changed old file nor the new one");
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(complaint(&stderr_of(&out), "a.txt").is_some(), "{}", stderr_of(&out));
}

/// Two `-r` runs at once over the same `files` files of `alpha beta N`, `rounds` times: every change
/// is either in its file or reported by its run as not written; none is silently lost (the second
/// rename of a file must not be based on what it held before the first).
fn two_runs_at_once_lose_nothing(files: usize, rounds: usize) {
    let dir = tempdir();
    let d = dir.path();
    let name = |i: usize| format!("t/d{:02}/f{i:05}.txt", i % 20);
    let mut lost = 0;
    for round in 0..rounds {
        for i in 0..files {
            write(d, &name(i), format!("alpha beta {i}\n"));
        }
        let spawn = |pattern: &str, replacement: &str| {
            ba(d)
                .args([pattern, "-r", replacement, "-d", "t"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
        };
        let (alpha, beta) = (spawn("alpha", "ALPHA").unwrap(), spawn("beta", "BETA").unwrap());
        let (alpha, beta) =
            (output_within(alpha, Duration::from_secs(300)), output_within(beta, Duration::from_secs(300)));
        let named = |out: &std::process::Output| -> BTreeSet<String> {
            stderr_of(out)
                .lines()
                .filter_map(|l| Some(l.strip_prefix("ba: ")?.split(": ").next()?.to_string()))
                .collect()
        };
        let (alpha_named, beta_named) = (named(&alpha), named(&beta));
        let mut refused = 0;
        for i in 0..files {
            let rel = name(i);
            let now = String::from_utf8(read(d, &rel)).unwrap();
            assert!(
                [
                    format!("alpha beta {i}\n"),
                    format!("ALPHA beta {i}\n"),
                    format!("alpha BETA {i}\n"),
                    format!("ALPHA BETA {i}\n")
                ]
                .contains(&now),
                "{rel} is damaged: {now:?}"
            );
            let missing_alpha = !now.starts_with("ALPHA");
            let missing_beta = !now.contains("BETA");
            refused += usize::from(alpha_named.contains(&rel)) + usize::from(beta_named.contains(&rel));
            lost += usize::from(missing_alpha && !alpha_named.contains(&rel));
            lost += usize::from(missing_beta && !beta_named.contains(&rel));
        }
        eprintln!("round {round}: {refused} changes refused and reported, {lost} lost so far");
        assert_eq!(leftovers(d), Vec::<PathBuf>::new());
    }
    assert_eq!(lost, 0, "changes lost without a word");
}

#[test]
fn two_runs_at_once_never_lose_a_change() {
    two_runs_at_once_lose_nothing(500, 3);
}

#[test]
#[ignore = "slow: 20,000 files rewritten by two runs at once, three times"]
fn two_runs_at_once_over_twenty_thousand_files_never_lose_a_change() {
    two_runs_at_once_lose_nothing(20_000, 3);
}

// ---------------------------------------------------------------------------------------------
// Write failures
// ---------------------------------------------------------------------------------------------

#[test]
fn a_full_disk_keeps_the_original() {
    let dir = tempdir();
    let mnt = dir.path().join("mnt");
    let Some(_mounted) = Tmpfs::mount(&mnt, "256k") else {
        eprintln!("note: no tmpfs: skipping");
        return;
    };
    let big = b"x\n".repeat(70_000); // 140,000 bytes of 256 KiB; the new content is 210,000
    write(&mnt, "big.txt", &big);
    write(&mnt, "small.txt", "x\n");
    let out = run(&mnt, &["x", "-r", "yy"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    let line = complaint(&err, "big.txt").unwrap_or_else(|| panic!("big.txt is not named: {err}"));
    assert!(line.contains("space"), "{line}");
    assert_output_eq!(read(&mnt, "big.txt"), big, "the original is intact");
    assert_content(&mnt, "small.txt", b"yy\n");
    assert_eq!(leftovers(&mnt), Vec::<PathBuf>::new());
    assert_output_eq!(stdout_of(&out), "small.txt:1:yy\n");
}

#[test]
fn a_file_size_limit_keeps_the_original() {
    let dir = tempdir();
    let d = dir.path();
    let big = b"x\n".repeat(30_000); // 60,000 bytes; the new content, 90,000, passes the 64 KiB limit
    write(d, "big.txt", &big);
    write(d, "small.txt", "x\n");
    let out = sh_ba(d, r#"ulimit -f 64 && trap "" XFSZ && exec "$0" "$@""#, &["x", "-r", "yy"]).run();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    let line = complaint(&err, "big.txt").unwrap_or_else(|| panic!("big.txt is not named: {err}"));
    assert!(line.contains("too large"), "{line}");
    assert_output_eq!(read(d, "big.txt"), big, "the original is intact");
    assert_content(d, "small.txt", b"yy\n");
    assert_eq!(leftovers(d), Vec::<PathBuf>::new());
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C
// ---------------------------------------------------------------------------------------------

#[test]
fn ctrl_c_leaves_every_file_whole_and_no_temporary_file() {
    signal_mid_rewrite("INT", 2);
}

/// SIGTERM and SIGHUP end a rewrite as Ctrl-C does.
#[test]
fn sigterm_and_sighup_leave_every_file_whole_and_no_temporary_file() {
    signal_mid_rewrite("TERM", 15);
    signal_mid_rewrite("HUP", 1);
}

/// Sends `signal` (`number`) to `ba -r` once it has written its first file: ba finishes the file
/// it is writing and dies by the signal; every file is old or new, no temporary file is left, and no
/// file merely not started is reported as not written.
fn signal_mid_rewrite(signal: &str, number: i32) {
    // Each file written is synced: on a disk that takes long enough to interrupt the run.
    for files in [1500, 6000] {
        let dir = tempdir();
        let d = dir.path();
        let mut tree = Vec::new();
        for i in 0..files {
            let rel = format!("d{:02}/f{i:05}.txt", i % 20);
            let old = format!("hit {i}\nmiss\nhit hit\n");
            let new = format!("HIT-X {i}\nmiss\nHIT-X HIT-X\n");
            write(d, &rel, &old);
            tree.push((rel, old, new));
        }
        tree.sort();
        let mut child =
            ba(d).args(["hit", "-r", "HIT-X"]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        // Wait until the first file is written, then interrupt.
        let (first, _, first_new) = &tree[0];
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline
            && child.try_wait().unwrap().is_none()
            && fs::read(d.join(first)).unwrap() != first_new.as_bytes()
        {
            thread::sleep(Duration::from_micros(100));
        }
        let kill =
            Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status().unwrap();
        assert!(kill.success());
        let status = wait_for(&mut child, Duration::from_secs(20));
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        let (mut old_count, mut new_count) = (0, 0);
        for (rel, old, new) in &tree {
            let now = read(d, rel);
            if now == old.as_bytes() {
                old_count += 1;
            } else if now == new.as_bytes() {
                new_count += 1;
            } else {
                panic!("{rel} is neither old nor new: {}", show(&now));
            }
        }
        assert_eq!(leftovers(d), Vec::<PathBuf>::new(), "temporary files left behind");
        if status.code() == Some(0) {
            eprintln!("note: ba finished {files} files before SIG{signal} arrived; trying more files");
            assert_eq!(new_count, files);
            continue;
        }
        // Interrupted: ba dies by the signal once the file being written is in place.
        assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(number), "stderr: {err}");
        assert!(new_count > 0, "the first file was written before the interrupt");
        assert!(!err.contains("not written"), "files not started are reported: {err}");
        eprintln!("SIG{signal}: {new_count} files new, {old_count} old");
        return;
    }
    panic!("ba always finished before SIG{signal} arrived: the interrupt was not tested");
}

/// `ba -r | head -1`: the reader goes away after one line, and ba rewrites every file all the same.
#[test]
fn a_closed_output_does_not_stop_the_rewrite() {
    use std::io::BufRead;
    let dir = tempdir();
    let d = dir.path();
    // Enough output to fill ba's buffer and the pipe's many times over.
    let line = format!("old {}\n", "padding ".repeat(8));
    let files = 400;
    for i in 0..files {
        write(d, &format!("d{}/f{i:04}.txt", i % 10), line.repeat(20));
    }
    let mut child =
        ba(d).args(["old", "-r", "new"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    drop(reader);
    let out = output_within(child, Duration::from_secs(120));
    assert!(first.contains(":1:new padding"), "{first}");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stderr_of(&out), "");
    let new = line.replace("old", "new").repeat(20);
    for i in 0..files {
        assert_content(d, &format!("d{}/f{i:04}.txt", i % 10), new.as_bytes());
    }
    // A dry run has nothing to do once nobody reads it: it stops, quietly.
    let mut child = ba(d)
        .args(["new", "-r", "old", "--dry-run"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = output_within(child, Duration::from_secs(120));
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stderr_of(&out), "");
}

/// A file with a great many changed lines is rewritten, and diffed, in bounded memory: `n` lines
/// `a` (a file of `2 * n` bytes), each replaced.
fn rewrite_in_bounded_memory(n: usize) {
    const LIMIT_KIB: u64 = 64 << 10;
    let dir = tempdir();
    let d = dir.path();
    let content = b"a\n".repeat(n);
    write(d, "f", &content);
    let measure = |args: &[&str]| run_measured(ba(d).args(args), Duration::from_secs(300));
    let Some(dry) = measure(&["a", "-r", "b", "--dry-run", "f"]) else { return };
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_output_eq!(read(d, "f"), content);
    let Some(run) = measure(&["a", "-r", "b", "f"]) else { return };
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (kib, dry_kib) = (run.peak_kib, dry.peak_kib);
    assert_output_eq!(read(d, "f"), b"b\n".repeat(n));
    eprintln!("{n} changed lines: peak memory {kib} KiB (--dry-run: {dry_kib} KiB)");
    assert!(kib < LIMIT_KIB, "-r took {kib} KiB for {n} changed lines");
    assert!(dry_kib < LIMIT_KIB, "--dry-run took {dry_kib} KiB for {n} changed lines");
}

#[test]
fn many_changed_lines_are_rewritten_in_bounded_memory() {
    rewrite_in_bounded_memory(300_000);
}

#[test]
#[ignore = "slow in a debug build (a minute): 5 million changed lines"]
fn ten_megabytes_of_changed_lines_are_rewritten_in_bounded_memory() {
    rewrite_in_bounded_memory(5_000_000);
}

/// A file reached by two paths (`.` and its own name) is rewritten, or diffed, once.
#[test]
fn a_file_named_twice_is_changed_and_diffed_once() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "a.txt", "foo\n");
    let diff = run_ok(d, &["foo", "-r", "bar", "--dry-run", ".", "a.txt"]);
    assert_output_eq!(
        String::from_utf8(diff).unwrap(),
        "--- ./a.txt\n+++ ./a.txt\n@@ -1,1 +1,1 @@\n-foo\n+bar\n"
    );
    run_ok(d, &["foo", "-r", "bar", ".", "a.txt"]);
    assert_output_eq!(read(d, "a.txt"), b"bar\n");
}

/// A last line that ends in `\r` without `\n` keeps its `\r` as content: the diff says what `-r`
/// writes.
#[test]
fn a_final_cr_without_newline_is_content_in_the_diff_too() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "f", "x\na\r");
    let diff = run_ok(d, &["a", "-r", "b", "--dry-run", "f"]);
    assert_output_eq!(diff, b"--- f\n+++ f\n@@ -1,2 +1,2 @@\n x\n-a\r\n\\ No newline at end of file\n+b\r\n\\ No newline at end of file\n");
    run_ok(d, &["a", "-r", "b", "f"]);
    assert_output_eq!(read(d, "f"), b"x\nb\r");
}
