//! ripgrep's `tests/regression.rs`: the cases named after its issues. Those that need PCRE2 (r1401,
//! r1412, r1573, r3139) are in `pcre2.rs`.
//!
//! Flags that only shape ripgrep's output where ba has one format are left out, and the output
//! expected is written in ba's: `-n`, `-N`, `-H`, `--no-filename` (ba prints the path and line number
//! of every hit of a file, and standard input's hits bare), `-j1`, `--sort path`, `--sort-files` (ba
//! prints in walk order on any number of threads), `--mmap`, `--no-mmap`.

use crate::util::RunExt;

use super::{check, numbered, Dir, SHERLOCK};

#[test]
fn r16() {
    let dir = Dir::new().git().with(".gitignore", "ghi/");
    let dir = dir.with("ghi/toplevel.txt", "xyz").with("def/ghi/subdir.txt", "xyz");
    dir.expect(&["xyz"], "", 1);
}

#[test]
fn r25() {
    let dir = Dir::new().git().with(".gitignore", "/llvm/").with("src/llvm/foo", "test");
    dir.expect(&["test"], "src/llvm/foo:1:test\n", 0);
    dir.expect_in("src", &["test"], "llvm/foo:1:test\n", 0);
}

#[test]
fn r30() {
    let dir = Dir::new().with(".gitignore", "vendor/**\n!vendor/manifest").with("vendor/manifest", "test");
    dir.expect(&["test"], "vendor/manifest:1:test\n", 0);
}

// ripgrep's r49 and r50 search for `xyz`, which no file holds, outside a repository: they cannot
// fail. Here the .gitignore applies and the files are searched for what they hold: a pattern with a
// slash before its end is anchored to the .gitignore's directory, as git reads it, so it skips no
// deeper directory.
#[test]
fn r49() {
    let dir = Dir::new().git().with(".gitignore", "foo/bar").with("test/foo/bar/baz", "test");
    dir.expect(&["test"], "test/foo/bar/baz:1:test\n", 0);
}

#[test]
fn r50() {
    let dir = Dir::new().git().with(".gitignore", "XXX/YYY/");
    let dir = dir.with("abc/def/XXX/YYY/bar", "test").with("ghi/XXX/YYY/bar", "test");
    dir.expect(&["test"], "abc/def/XXX/YYY/bar:1:test\nghi/XXX/YYY/bar:1:test\n", 0);
}

#[test]
fn r64() {
    let dir = Dir::new().with("dir/abc", "").with("foo/abc", "");
    dir.expect(&["--files", "foo"], "foo/abc\n", 0);
}

#[test]
fn r65() {
    let dir = Dir::new().git().with(".gitignore", "a/").with("a/foo", "xyz").with("a/bar", "xyz");
    dir.expect(&["xyz"], "", 1);
}

#[test]
fn r67() {
    let dir =
        Dir::new().git().with(".gitignore", "/*\n!/dir").with("foo/bar", "test").with("dir/bar", "test");
    dir.expect(&["test"], "dir/bar:1:test\n", 0);
}

#[test]
fn r87() {
    let dir = Dir::new().git().with(".gitignore", "foo\n**no-vcs**").with("foo", "test");
    dir.expect(&["test"], "", 1);
}

#[test]
fn r90() {
    let dir = Dir::new().git().with(".gitignore", "!.foo").with(".foo", "test");
    dir.expect(&["test"], ".foo:1:test\n", 0);
}

#[test]
fn r93() {
    let dir = Dir::new().with("foo", "192.168.1.1");
    dir.expect(&[r"(\d{1,3}\.){3}\d{1,3}"], "foo:1:192.168.1.1\n", 0);
}

#[test]
fn r99() {
    let dir = Dir::new().with("foo1", "test").with("foo2", "zzz").with("bar", "test");
    dir.expect(&["-w", "1", "--heading", "test"], "bar\n1:test\n\nfoo1\n1:test\n", 0);
}

#[test]
fn r105_part1() {
    Dir::new().with("foo", "zztest").expect(&["--vimgrep", "test"], "foo:1:3:zztest\n", 0);
}

#[test]
fn r105_part2() {
    Dir::new().with("foo", "zztest").expect(&["--column", "test"], "foo:1:3:zztest\n", 0);
}

#[test]
fn r127() {
    let dir = Dir::new().git().with(".gitignore", "foo/sherlock\n");
    let dir = dir.with("foo/sherlock", SHERLOCK).with("foo/watson", SHERLOCK);
    let expected = "\
foo/watson:1:For the Doctor Watsons of this world, as opposed to the Sherlock
foo/watson:3:be, to a very large extent, the result of luck. Sherlock Holmes
";
    dir.expect(&["Sherlock"], expected, 0);
}

#[test]
fn r128() {
    let dir = Dir::new().with("foo", b"01234567\x0b\n\x0b\n\x0b\n\x0b\nx");
    dir.expect(&["x"], "foo:5:x\n", 0);
}

#[test]
fn r131() {
    let dir = Dir::new().git().with(".gitignore", "TopÑapa").with("TopÑapa", "test");
    dir.expect(&["test"], "", 1);
}

#[test]
fn r137() {
    let dir = Dir::sherlock().with_link("sherlock", "sym1").with_link("sherlock", "sym2");
    let expected = "\
./sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock
./sherlock:3:be, to a very large extent, the result of luck. Sherlock Holmes
sym1:1:For the Doctor Watsons of this world, as opposed to the Sherlock
sym1:3:be, to a very large extent, the result of luck. Sherlock Holmes
sym2:1:For the Doctor Watsons of this world, as opposed to the Sherlock
sym2:3:be, to a very large extent, the result of luck. Sherlock Holmes
";
    dir.expect(&["-w", "1", "Sherlock", "./", "sym1", "sym2"], expected, 0);
}

#[test]
fn r156() {
    let text = r#"#parse('widgets/foo_bar_macros.vm')
#parse ( 'widgets/mobile/foo_bar_macros.vm' )
#parse ("widgets/foobarhiddenformfields.vm")
#parse ( "widgets/foo_bar_legal.vm" )
#include( 'widgets/foo_bar_tips.vm' )
#include('widgets/mobile/foo_bar_macros.vm')
#include ("widgets/mobile/foo_bar_resetpw.vm")
#parse('widgets/foo-bar-macros.vm')
#parse ( 'widgets/mobile/foo-bar-macros.vm' )
#parse ("widgets/foo-bar-hiddenformfields.vm")
#parse ( "widgets/foo-bar-legal.vm" )
#include( 'widgets/foo-bar-tips.vm' )
#include('widgets/mobile/foo-bar-macros.vm')
#include ("widgets/mobile/foo-bar-resetpw.vm")
"#;
    let dir = Dir::new().with("testcase.txt", text);
    let pattern = r#"#(?:parse|include)\s*\(\s*(?:"|')[./A-Za-z_-]+(?:"|')"#;
    dir.expect(&[pattern, "testcase.txt"], &numbered("testcase.txt", text), 0);
}

#[test]
fn r184() {
    let dir = Dir::new().with(".gitignore", ".*").with("foo/bar/baz", "test");
    dir.expect(&["test"], "foo/bar/baz:1:test\n", 0);
    dir.expect_in("foo/bar", &["test"], "baz:1:test\n", 0);
}

#[test]
fn r199() {
    let dir = Dir::new().with("foo", "tEsT").smart_case();
    dir.expect(&[r"\btest\b"], "foo:1:tEsT\n", 0);
}

#[test]
fn r206() {
    let dir = Dir::new().with("foo/bar.txt", "test");
    dir.expect(&["test", "-g", "*.txt"], "foo/bar.txt:1:test\n", 0);
}

#[test]
fn r210() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = Dir::new();
    let name = OsStr::from_bytes(b"foo\xffbar");
    std::fs::write(dir.path().join(name), "test").unwrap();
    let out = dir.command("", &["test"]).arg(name).run();
    assert_eq!(out.stdout, b"foo\xffbar:1:test\n");
    assert_eq!(out.status.code(), Some(0));
}

// An --ignore-file that is a directory is reported, and is an error as a missing one is (ripgrep
// reports it and exits 1 here, as nothing matches).
#[test]
fn r228() {
    let out = Dir::new().with_dir("foo").expect_code(&["--ignore-file", "foo", "test"], 2);
    super::assert_stderr_has(&out, "foo");
}

#[test]
fn r229() {
    Dir::new().with("foo", "economie").smart_case().expect(&["[E]conomie"], "", 1);
}

#[test]
fn r251() {
    let dir = Dir::new().with("foo", "привет\nПривет\nПрИвЕт");
    dir.expect(&["--ignore-case", "привет"], "foo:1:привет\nfoo:2:Привет\nfoo:3:ПрИвЕт\n", 0);
}

#[test]
fn r256() {
    let dir = Dir::new().with("bar/baz", "test").with_link("bar", "foo");
    dir.expect(&["test", "foo"], "foo/baz:1:test\n", 0);
}

#[test]
fn r256_j1() {
    let dir = Dir::new().with("bar/baz", "test").with_link("bar", "foo");
    dir.expect(&["-w", "1", "test", "foo"], "foo/baz:1:test\n", 0);
}

#[test]
fn r270() {
    Dir::new().with("foo", "-test").expect(&["--regexp", "-test"], "foo:1:-test\n", 0);
}

#[test]
fn r279() {
    Dir::new().with("foo", "test").expect(&["-q", "test"], "", 0);
}

#[test]
fn r391() {
    let dir = Dir::new().git().with("lock", "").with("bar.py", "");
    let dir = dir.with(".git/packed-refs", "").with(".git/description", "");
    let args = [
        "--no-ignore",
        "--hidden",
        "--follow",
        "--files",
        "--glob",
        "!{.git,node_modules,plugged}/**",
        "--glob",
        "*.{js,json,php,md,styl,scss,sass,pug,html,config,py,cpp,c,go,hs}",
    ];
    dir.expect(&args, "bar.py\n", 0);
}

#[test]
fn r405() {
    let dir = Dir::new().with("foo/bar/file1.txt", "test").with("bar/foo/file2.txt", "test");
    dir.expect(&["-g", "!/foo/**", "test"], "bar/foo/file2.txt:1:test\n", 0);
}

// The path of a context line is coloured as the path of a hit. ba's colours are fixed (no
// --colors): paths magenta, line numbers green, matches bold red.
#[test]
fn r428_color_context_path() {
    let dir = Dir::new().with("sherlock", "foo\nbar");
    let path = "\x1b[0m\x1b[35msherlock\x1b[0m";
    let (one, two) = ("\x1b[0m\x1b[32m1\x1b[0m", "\x1b[0m\x1b[32m2\x1b[0m");
    let expected = format!("{path}:{one}:\x1b[0m\x1b[1m\x1b[31mfoo\x1b[0m\n{path}-{two}-bar\n");
    dir.expect(&["-A1", "--color", "always", "foo"], &expected, 0);
}

#[test]
#[ignore = "deliberate: ba has no --colors (its colours are fixed)"]
fn r428_unrecognized_style() {
    let dir = Dir::new().with("file.txt", "Sherlock");
    let out = dir.expect_code(&["--colors=match:style:", "Sherlock"], 2);
    super::assert_stderr_has(&out, "unrecognized style attribute ''");
}

#[test]
fn r451_only_matching_as_in_issue() {
    let dir = Dir::new().with("digits.txt", "1 2 3\n");
    dir.expect(&["-m", "[0-9]+", "digits.txt"], "digits.txt:1:1\ndigits.txt:1:2\ndigits.txt:1:3\n", 0);
}

#[test]
fn r451_only_matching() {
    let dir = Dir::new().with("digits.txt", "1 2 3\n123\n");
    let expected = "\
digits.txt:1:1:1
digits.txt:1:3:2
digits.txt:1:5:3
digits.txt:2:1:1
digits.txt:2:2:2
digits.txt:2:3:3
";
    dir.expect(&["-m", "--column", "[0-9]", "digits.txt"], expected, 0);
}

#[test]
fn r483_matching_no_stdout() {
    Dir::new().with("file.py", "").expect(&["--quiet", "--files", "--glob", "*.py"], "", 0);
}

#[test]
fn r483_non_matching_exit_code() {
    Dir::new().with("file.rs", "").expect_err(&["--quiet", "--files", "--glob", "*.py"]);
}

#[test]
fn r493() {
    let dir = Dir::new().with("input.txt", "peshwaship 're seminomata");
    dir.expect(&["-m", r"\b 're \b", "input.txt"], "input.txt:1: 're \n", 0);
}

#[test]
fn r506_word_not_parenthesized() {
    let dir = Dir::new().with("wb.txt", "min minimum amin\nmax maximum amax");
    dir.expect(&["--word-regexp", "-m", "min|max", "wb.txt"], "wb.txt:1:min\nwb.txt:2:max\n", 0);
}

#[test]
fn r553_switch() {
    let expected = "\
sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:3:be, to a very large extent, the result of luck. Sherlock Holmes
";
    let dir = Dir::sherlock();
    dir.expect(&["--ignore-case", "sherlock"], expected, 0);
    dir.expect(&["--ignore-case", "sherlock", "--ignore-case"], expected, 0);
}

#[test]
#[ignore = "deliberate: groups of context are separated as GNU grep does, `--` with -C0 too"]
fn r553_flag() {
    let dir = Dir::sherlock();
    let expected = "\
sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock-2-Holmeses, success in the province of detective work must always
--
sherlock-5-but Doctor Watson has to have it taken out for him and dusted,
sherlock:6:and exhibited clearly, with a label attached.
";
    dir.expect(&["-C", "1", "world|attached", "sherlock"], expected, 0);
    let expected = "\
sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:6:and exhibited clearly, with a label attached.
";
    dir.expect(&["-C", "1", "world|attached", "sherlock", "-C", "0"], expected, 0);
}

// ripgrep's `-r` is ba's --output-replace; ba refuses grep's letters glued to its own -r on purpose.
#[test]
fn r568_leading_hyphen_option_args() {
    let dir = Dir::new().with("file", "foo bar -baz\n");
    dir.expect(&["--regexp=-baz", "--regexp", "-baz", "file"], "file:1:foo bar -baz\n", 0);
    dir.expect(&["--output-replace", "ni", "bar", "file"], "file:1:foo ni -baz\n", 0);
    dir.expect(&["--output-replace", "-n", "bar", "file"], "file:1:foo -n -baz\n", 0);
}

// An empty match is not coloured: no escape sequences around nothing.
#[test]
fn r599() {
    let dir = Dir::new().with("input.txt", "\n\ntest\n");
    let path = "\x1b[0m\x1b[35minput.txt\x1b[0m";
    let expected = format!("{path}:\x1b[0m\x1b[32m1\x1b[0m:\n{path}:\x1b[0m\x1b[32m2\x1b[0m:\n");
    dir.expect(&["--color", "always", "^$", "input.txt"], &expected, 0);
}

#[test]
fn r693_context_in_contextless_mode() {
    let dir = Dir::new().with("foo", "xyz\n").with("bar", "xyz\n");
    dir.expect(&["-C1", "-c", "xyz"], "bar:1\nfoo:1\n", 0);
}

#[test]
fn r807() {
    let dir = Dir::new().git().with(".gitignore", ".a/b").with(".a/b/file", "test").with(".a/c/file", "test");
    dir.expect(&["--hidden", "test"], ".a/c/file:1:test\n", 0);
}

#[test]
fn r2711() {
    let dir = Dir::new().with("a/.ignore", ".foo").with("a/b/.foo", "");
    dir.expect(&["--hidden", "--files"], "a/.ignore\n", 0);
    dir.expect(&["--hidden", "--files", "./"], "./a/.ignore\n", 0);
    dir.expect(&["--hidden", "--files", "a"], "a/.ignore\n", 0);
    dir.expect_err(&["--hidden", "--files", "a/b"]);
    dir.expect(&["--hidden", "--files", "./a"], "./a/.ignore\n", 0);
    dir.expect_in("a", &["--hidden", "--files"], ".ignore\n", 0);
    dir.expect_err_in("a/b", &["--hidden", "--files"]);
    dir.expect_in("./a", &["--hidden", "--files"], ".ignore\n", 0);
}

#[test]
fn r829_original() {
    let dir = Dir::new().with(".ignore", "/a/b").with("a/b/test.txt", "Sample text");
    dir.expect_err(&["Sample"]);
    dir.expect_err(&["Sample", "a"]);
    dir.expect_err_in("a", &["Sample"]);
}

#[test]
fn r829_2731() {
    let dir = Dir::new().with("some_dir/build/foo", "string").with(".ignore", "build/\n!/some_dir/build/");
    let files_with_matches = |path: Option<&str>, expected: &str| {
        let mut args = vec!["--files-with-matches", "string"];
        args.extend(path);
        dir.expect(&args, expected, 0);
    };
    files_with_matches(None, "some_dir/build/foo\n");
    files_with_matches(Some("some_dir"), "some_dir/build/foo\n");
    files_with_matches(Some("./some_dir"), "./some_dir/build/foo\n");
    files_with_matches(Some("some_dir/build"), "some_dir/build/foo\n");
    files_with_matches(Some("./some_dir/build"), "./some_dir/build/foo\n");
}

#[test]
fn r829_2747() {
    let dir = Dir::new().with("a/c/b/foo", "").with("a/src/f/b/foo", "").with(".ignore", "/a/*/b");
    dir.expect(&["--files"], "a/src/f/b/foo\n", 0);
    dir.expect(&["--files", "a/src"], "a/src/f/b/foo\n", 0);
    dir.expect_in("a/src", &["--files"], "f/b/foo\n", 0);
}

#[test]
fn r829_2778() {
    let dir = Dir::new().with(".ignore", "/parent/*.txt");
    let dir = dir.with("parent/ignore-me.txt", "").with("parent/subdir/dont-ignore-me.txt", "");
    dir.expect(&["--files"], "parent/subdir/dont-ignore-me.txt\n", 0);
    dir.expect_in("parent", &["--files"], "subdir/dont-ignore-me.txt\n", 0);
}

#[test]
fn r829_2836() {
    let dir = Dir::new().with(".ignore", "/testdir/sub/sub2/\n").with("testdir/sub/sub2/foo", "");
    dir.expect_err(&["--files"]);
    dir.expect_err_in("testdir", &["--files"]);
}

#[test]
fn r829_2933() {
    let dir = Dir::new().with(".ignore", "/testdir/sub/sub2/").with("testdir/sub/sub2/testfile", "needle");
    dir.expect_err_in("testdir", &["--files-with-matches", "needle"]);
}

#[test]
fn r900() {
    Dir::sherlock().with("pat", "").expect_err(&["--patterns-file", "pat", "sherlock"]);
}

#[test]
fn r1064() {
    Dir::new().with("input", "abc").expect(&["a(.*c)"], "input:1:abc\n", 0);
}

#[test]
fn r1098() {
    Dir::new().git().with(".gitignore", "a**b").with("afoob", "test").expect(&["test"], "", 1);
}

#[test]
fn r1130() {
    let dir = Dir::new().with("foo", "test");
    dir.expect(&["--files-with-matches", "test", "foo"], "foo\n", 0);
    dir.expect(&["--files-without-match", "nada", "foo"], "foo\n", 0);
}

#[test]
fn r1159_invalid_flag() {
    Dir::new().expect_code(&["--wat"], 2);
}

#[test]
fn r1159_exit_status() {
    let dir = Dir::new().with("foo", "test");
    dir.expect_code(&["test"], 0);
    dir.expect_code(&["-q", "test"], 0);
    dir.expect_code(&["test", "no-file"], 2);
    dir.expect_code(&["-q", "test", "foo", "no-file"], 0);
    dir.expect_code(&["nada"], 1);
    dir.expect_code(&["-q", "nada"], 1);
    dir.expect_code(&["nada", "no-file"], 2);
    dir.expect_code(&["-q", "nada", "foo", "no-file"], 2);
}

#[test]
fn r1163() {
    let dir = Dir::new().with("bom.txt", "\u{FEFF}test123\ntest123");
    dir.expect(&["^test123"], "bom.txt:1:test123\nbom.txt:2:test123\n", 0);
}

#[test]
fn r1164() {
    let dir = Dir::new().git().with(".gitignore", "myfile").with("MYFILE", "test");
    dir.expect(&["--ignore-file-case-insensitive", "test"], "", 1);
    let args = ["--ignore-file-case-insensitive", "test", "--no-ignore-file-case-insensitive"];
    dir.expect(&args, "MYFILE:1:test\n", 0);
}

#[test]
fn r1173() {
    Dir::new().git().with(".gitignore", "**").with("foo", "test").expect(&["test"], "", 1);
}

#[test]
fn r1174() {
    Dir::new().git().with(".gitignore", "**/**/*").with("a/foo", "test").expect(&["test"], "", 1);
}

#[test]
fn r1176_literal_file() {
    let dir = Dir::new().with("patterns", "foo(bar\n").with("test", "foo(bar");
    dir.expect(&["-F", "--patterns-file", "patterns", "test"], "test:1:foo(bar\n", 0);
}

#[test]
fn r1176_line_regex() {
    let dir = Dir::new().with("patterns", "foo\n").with("test", "foobar\nfoo\nbarfoo\n");
    dir.expect(&["-x", "--patterns-file", "patterns", "test"], "test:2:foo\n", 0);
}

#[test]
fn r1203_reverse_suffix_literal() {
    let dir = Dir::new().with("test", "153.230000\n");
    dir.expect(&[r"\d\d\d00", "test"], "test:1:153.230000\n", 0);
    dir.expect(&[r"\d\d\d000", "test"], "test:1:153.230000\n", 0);
}

// With no path, standard input is searched even where a directory is named `-`.
#[test]
fn r1223_no_dir_check_for_default_path() {
    let dir = Dir::new().with_dir("-").with("a.json", "{}").with("a.txt", "some text");
    dir.expect_stdin(&["a"], "a.json\na.txt", "a.json\na.txt\n", 0);
}

#[test]
fn r1259_drop_last_byte_nonl() {
    let dir = Dir::new().with("patterns-nonl", "[foo]").with("patterns-nl", "[foo]\n").with("test", "fz");
    dir.expect(&["--patterns-file", "patterns-nonl", "test"], "test:1:fz\n", 0);
    dir.expect(&["--patterns-file", "patterns-nl", "test"], "test:1:fz\n", 0);
}

#[test]
fn r1311_multi_line_term_replace() {
    let dir = Dir::new().with("input", "hello\nworld\n");
    dir.expect(&["-U", "--output-replace", "?", "\n", "input"], "input:1:hello?world?\n", 0);
}

#[test]
fn r1319() {
    let dir = Dir::new().with("input", "CCAGCTACTCGGGAGGCTGAGGCTGGAGGATCGCTTGAGTCCAGGAGTTC");
    let expected = "input:1:CCAGCTACTCGGGAGGCTGAGGCTGGAGGATCGCTTGAGTCCAGGAGTTC\n";
    dir.expect(&["TTGAGTCCAGGAG[ATCG]{2}C"], expected, 0);
}

#[test]
fn r1334_invert_empty_patterns() {
    let dir = Dir::new().with("zero-patterns", "").with("one-pattern", "\n");
    let dir = dir.with("haystack", "one\ntwo\nthree\n");
    let all = "haystack:1:one\nhaystack:2:two\nhaystack:3:three\n";
    // No pattern matches nothing; one empty pattern matches every line; -v the other way round.
    dir.expect(&["--patterns-file", "zero-patterns", "haystack"], "", 1);
    dir.expect(&["--patterns-file", "one-pattern", "haystack"], all, 0);
    dir.expect(&["-v", "--patterns-file", "zero-patterns", "haystack"], all, 0);
    dir.expect(&["-v", "--patterns-file", "one-pattern", "haystack"], "", 1);
}

#[test]
fn r1334_crazy_literals() {
    let dir = Dir::new().with("patterns", "1.208.0.0/12\n".repeat(40)).with("corpus", "1.208.0.0/12\n");
    dir.expect(&["-F", "--patterns-file", "patterns", "corpus"], "corpus:1:1.208.0.0/12\n", 0);
}

// The line after the last of --max-count's matches is context.
#[test]
fn r1380() {
    let dir = Dir::new().with("foo", "a\nb\nc\nd\ne\nd\ne\nd\ne\nd\ne\n");
    dir.expect(&["-A2", "--max-count", "1", "d", "foo"], "foo:4:d\nfoo-5-e\nfoo-6-d\n", 0);
}

#[test]
fn r1389_bad_symlinks_no_biscuit() {
    let dir = Dir::new().with("mydir/file.txt", "test").with_link("mydir", "mylink");
    dir.expect(&["test", "--no-ignore", "mylink"], "mylink/file.txt:1:test\n", 0);
}

// A relative `gitdir:` is read from the directory of the `.git` file, as git reads it (ripgrep's case
// writes it relative to where ripgrep runs).
#[test]
fn r1446_respect_excludes_in_worktree() {
    let dir = Dir::new().with("repo/.git/info/exclude", "ignored");
    let dir = dir.with("repo/.git/worktrees/repotree/commondir", "../..");
    let dir = dir.with("repotree/.git", "gitdir: ../repo/.git/worktrees/repotree");
    let dir = dir.with("repotree/ignored", "").with("repotree/not-ignored", "");
    dir.expect(&["--files", "repotree"], "repotree/not-ignored\n", 0);
}

#[test]
fn r1537() {
    Dir::new().with("foo", "abc;de,fg").expect(&[";(.*,){1}"], "foo:1:abc;de,fg\n", 0);
}

#[test]
fn r1559() {
    let text = "\
type A struct {
	TaskID int `json:\"taskID\"`
}

type B struct {
	ObjectID string `json:\"objectID\"`
	TaskID   int    `json:\"taskID\"`
}
";
    let expected = "\
foo:2:	TaskID int `json:\"taskID\"`
foo:7:	TaskID   int    `json:\"taskID\"`
";
    Dir::new().with("foo", text).expect(&["TaskID +int"], expected, 0);
}

#[test]
fn r1638() {
    Dir::new().with("foo", b"\xef\xbb\xbfx").expect(&["--column", "x"], "foo:1:1:x\n", 0);
}

#[test]
fn r1739_replacement_lineterm_match() {
    let dir = Dir::new().with("test", "a\n");
    dir.expect(&["--output-replace", "${0}f", ".*", "test"], "test:1:af\n", 0);
}

#[test]
fn f1757() {
    let dir = Dir::new().with(".ignore", "rust/target").with("rust/source.rs", "needle");
    let dir = dir.with("rust/target/rustdoc-output.html", "needle");
    dir.expect(&["--files-with-matches", "needle", "rust"], "rust/source.rs\n", 0);
    dir.expect(&["--files-with-matches", "needle", "./rust"], "./rust/source.rs\n", 0);
    let dir = dir.with(".ignore", "rust1/target/onemore").with("rust1/source.rs", "needle");
    let dir = dir.with("rust1/target/onemore/rustdoc-output.html", "needle");
    dir.expect(&["--files-with-matches", "needle", "rust1"], "rust1/source.rs\n", 0);
    dir.expect(&["--files-with-matches", "needle", "./rust1"], "./rust1/source.rs\n", 0);
}

#[test]
fn r1765() {
    let out = Dir::new().with("test", "\n").ba(&["x?", "--crlf", "--color", "always"]);
    assert!(!out.stdout.is_empty());
    assert_eq!(out.status.code(), Some(0));
}

// A pattern that can match a NUL byte would find binary data: ripgrep refuses it without -a.
#[test]
#[ignore = "deliberate: a pattern that can match a NUL byte is not refused; it matches the text"]
fn r1838_nul_error_with_binary_detection() {
    let dir = Dir::new().with("test", "foo\n");
    dir.expect_err(&[r"foo\x00?"]);
    dir.expect(&["-a", r"foo\x00?"], "test:1:foo\n", 0);
}

// --vimgrep shows the first line of a match that spans lines.
#[test]
fn r1866() {
    let dir = Dir::new().with("test", "foobar\nfoobar\nfoo quux");
    let args = ["-U", "--vimgrep", r"foobar\nfoobar\nfoo|quux", "test"];
    dir.expect(&args, "test:1:1:foobar\ntest:3:5:foo quux\n", 0);
}

#[test]
fn r1868_context_passthru_override() {
    let dir = Dir::new().with("test", "foo\nbar\nbaz\nquux\n");
    let around = "test-1-foo\ntest:2:bar\ntest-3-baz\n";
    let every = "test-1-foo\ntest:2:bar\ntest-3-baz\ntest-4-quux\n";
    dir.expect(&["-C1", "bar", "test"], around, 0);
    dir.expect(&["--passthru", "bar", "test"], every, 0);
    dir.expect(&["--passthru", "-C1", "bar", "test"], around, 0);
    dir.expect(&["-C1", "--passthru", "bar", "test"], every, 0);
    dir.expect(&["--passthru", "-B1", "bar", "test"], "test-1-foo\ntest:2:bar\n", 0);
    dir.expect(&["-B1", "--passthru", "bar", "test"], every, 0);
    dir.expect(&["--passthru", "-A1", "bar", "test"], "test:2:bar\ntest-3-baz\n", 0);
    dir.expect(&["-A1", "--passthru", "bar", "test"], every, 0);
}

// `^` matches at every line's start with -U; `(?-m)^` and `\A` only at the file's.
#[test]
fn r1878() {
    let dir = Dir::new().with("test", "a\nbaz\nabc\n");
    dir.expect(&["-U", "^baz", "test"], "test:2:baz\n", 0);
    dir.expect(&["-U", "(?-m)^baz", "test"], "", 1);
    dir.expect(&["-U", r"\Abaz", "test"], "", 1);
}

#[test]
#[ignore = "deliberate: -m prints no line for an empty match, as GNU grep -o"]
fn r1891() {
    let dir = Dir::new().with("test", "\n##\n");
    dir.expect(&["--word-regexp", "-m", "", "test"], "test:1:\ntest:2:\ntest:2:\ntest:2:\n", 0);
}

#[test]
fn r2094() {
    let dir = Dir::new().with("haystack", "a\nb\nc\na\nb\nc");
    let args = ["-U", "--max-count=1", "--passthru", "--output-replace=B", "b", "haystack"];
    let expected = "haystack-1-a\nhaystack:2:B\nhaystack-3-c\nhaystack-4-a\nhaystack-5-b\nhaystack-6-c\n";
    dir.expect(&args, expected, 0);
}

#[test]
fn r2095() {
    let text = "#!/usr/bin/env bash

zero=one

a=one

if true; then
	a=(
		a
		b
		c
	)
	true
fi

a=two

b=one
});
";
    let dir = Dir::new().with("test", text);
    let pattern = r"^(?P<indent>\s*)a=(?P<value>(?ms:[(].*?[)])|.*?)$";
    let args = ["-U", "-m", "--output-replace", "${value}", pattern, "test"];
    let expected = "test:4:one
test:8:(
test:9:		a
test:10:		b
test:11:		c
test:12:	)
test:15:two
";
    dir.expect(&args, expected, 0);
}

#[test]
#[ignore = "deliberate: ba has no .rgignore"]
fn r2198() {
    let dir =
        Dir::new().with(".ignore", "a").with(".rgignore", "b").with("a", "").with("b", "").with("c", "");
    dir.expect(&["--files"], "c\n", 0);
    dir.expect(&["--files", "--no-ignore-dot"], "a\nb\nc\n", 0);
}

#[test]
fn r2208() {
    let text = "# Compile requirements.txt files from all found or specified requirements.in files (compile).
# Use -h to include hashes, -u dep1,dep2... to upgrade specific dependencies, and -U to upgrade all.
pipc () {  # [-h] [-U|-u <pkgspec>[,<pkgspec>...]] [<reqs-in>...] [-- <pip-compile-arg>...]
    emulate -L zsh
    unset REPLY
    if [[ $1 == --help ]] { zpy $0; return }
    [[ $ZPY_PROCS ]] || return

    local gen_hashes upgrade upgrade_csv
    while [[ $1 == -[hUu] ]] {
        if [[ $1 == -h ]] { gen_hashes=--generate-hashes; shift   }
        if [[ $1 == -U ]] { upgrade=1;                    shift   }
        if [[ $1 == -u ]] { upgrade=1; upgrade_csv=$2;    shift 2 }
    }
}
";
    let dir = Dir::new().with("test", text);
    let pattern = r#"^(?P<predoc>\n?(# .*\n)*)(alias (?P<aname>pipc)="[^"]+"|(?P<fname>pipc) \(\) \{)(  #(?P<usage> .+))?"#;
    let expected = "test:1: [-h] [-U|-u <pkgspec>[,<pkgspec>...]] [<reqs-in>...] [-- <pip-compile-arg>...]\n";
    dir.expect(&["-U", "--output-replace", "$usage", pattern, "test"], expected, 0);
}

#[test]
fn r2236() {
    Dir::new().with(".ignore", r"foo\/").with("foo/bar", "test\n").expect_err(&["test"]);
}

#[test]
#[ignore = "deliberate: `)(` is not a valid regex, and ba says so"]
fn r2480() {
    let dir = Dir::new().with("file", "FooBar\n");
    dir.expect(&["--regexp", "", "file"], "file:1:FooBar\n", 0);
    dir.expect(&["--regexp", ")(", "file"], "file:1:FooBar\n", 0);
    dir.expect(&["-m", "--regexp", "Foo", "--regexp", "Bar", "file"], "file:1:Foo\nfile:1:Bar\n", 0);
    let args = ["--regexp", "Fo(oB)a(r)", "--output-replace", "${0}_${1}_${2}${3}", "file"];
    dir.expect(&args, "file:1:FooBar_oB_r\n", 0);
    // A flag does not leak into the next pattern.
    dir.expect(&["-m", "--regexp", "(?i)foo", "--regexp", "bar", "file"], "file:1:Foo\n", 0);
    dir.expect(&["-m", "--regexp", "(?i)notfoo", "--regexp", "bar", "file"], "", 1);
}

// ripgrep's --no-unicode is `(?-u)` in the pattern.
#[test]
fn r2574() {
    let dir = Dir::new().with("haystack", "some.domain.com\nsome.domain.com/x\n");
    let expected = "haystack:1:some.domain.com\nhaystack:2:some.domain.com\n";
    dir.expect(&["--word-regexp", "-m", r"(?-u)(\w+\.)*domain\.(\w+)"], expected, 0);
}

#[test]
fn r2658_null_data_line_regexp() {
    let dir = Dir::new().with("haystack", "foo\0bar\0quux\0");
    dir.expect(&["--null-data", "--line-regexp", "bar"], "haystack:2:bar\0", 0);
}

#[test]
fn r2770_gitignore_error() {
    let dir = Dir::new().with(".git", "").with(".gitignore", "**/bar/*").with("foo/bar/baz", "quux");
    dir.expect_err(&["--files-with-matches", "quux"]);
    dir.expect_err_in("foo", &["--files-with-matches", "quux"]);
}

// ba's count of bytes searched is in --json's stats.
#[test]
fn r2944_incorrect_bytes_searched() {
    let dir = Dir::new().with("haystack", "foo1\nfoo2\nfoo3\nfoo4\nfoo5\n");
    let out = dir.ba(&["--json", "--stats", "--max-count", "2", "foo", "."]);
    let messages = super::data_lines(&out.stdout);
    let summary = messages.last().expect("a summary");
    assert_eq!(summary["data"]["stats"]["bytes_searched"], 10, "{summary}");
}

#[test]
fn r2990_trip_over_trailing_dot() {
    let dir = Dir::new().with("asdf/foo", "").with("asdf./foo", "");
    dir.expect(&["--files", "-g", "!asdf/"], "asdf./foo\n", 0);
    dir.expect(&["--files", "-g", "!asdf./"], "asdf/foo\n", 0);
}

#[test]
fn r3067_gitignore_error() {
    let dir = Dir::new().with(".git", "").with(".gitignore", "foobar/debug");
    let dir = dir.with("foobar/some/debug/flag", "baz").with("foobar/debug/flag2", "baz");
    dir.expect(&["baz"], "foobar/some/debug/flag:1:baz\n", 0);
}

#[test]
fn r3108_files_without_match_quiet_exit() {
    let dir = Dir::new().with("yes-match", "abc").with("non-match", "xyz");
    dir.expect_code(&["-q", "abc", "non-match"], 1);
    dir.expect_code(&["-q", "abc", "yes-match"], 0);
    dir.expect_code(&["--files-with-matches", "-q", "abc", "non-match"], 1);
    dir.expect_code(&["--files-with-matches", "-q", "abc", "yes-match"], 0);
    dir.expect_code(&["--files-without-match", "abc", "non-match"], 0);
    dir.expect_code(&["--files-without-match", "abc", "yes-match"], 1);
    dir.expect(&["--files-without-match", "abc", "non-match"], "non-match\n", 0);
    dir.expect_code(&["--files-without-match", "-q", "abc", "non-match"], 0);
    dir.expect_code(&["--files-without-match", "-q", "abc", "yes-match"], 1);
    dir.expect(&["--files-without-match", "-q", "abc", "non-match"], "", 0);
}

#[test]
fn r3127_gitignore_allow_unclosed_class() {
    let dir = Dir::new().git().with(".gitignore", "[abc").with("[abc", "").with("test", "");
    dir.expect(&["--files"], "test\n", 0);
}

#[test]
fn r3127_glob_flag_not_allow_unclosed_class() {
    Dir::new().with("[abc", "").with("test", "").expect_err(&["--files", "-g", "[abc"]);
}

#[test]
fn r3173_hidden_whitelist_only_dot() {
    let dir = Dir::new().with("subdir/.foo.txt", "text").with(".ignore", "!.foo.txt");
    dir.expect(&["--files"], "subdir/.foo.txt\n", 0);
    dir.expect(&["--files", "."], "./subdir/.foo.txt\n", 0);
    dir.expect(&["--files", "./"], "./subdir/.foo.txt\n", 0);
    dir.expect_in("subdir", &["--files"], ".foo.txt\n", 0);
    dir.expect_in("subdir", &["--files", "."], "./.foo.txt\n", 0);
    dir.expect_in("subdir", &["--files", "./"], "./.foo.txt\n", 0);
}

#[test]
fn r3179_global_gitignore_cwd() {
    let dir = Dir::new().with("a/b/c/haystack", "").with(".test.gitignore", "/haystack");
    let root = dir.path().canonicalize().unwrap();
    let ignore_file = root.join(".test.gitignore");
    let args = ["--files", "--ignore-file", ignore_file.to_str().unwrap(), root.to_str().unwrap()];
    dir.expect_err_in("a/b/c", &args);
}

#[test]
fn r3180_look_around_panic() {
    let dir = Dir::new().with("haystack", " b b b b b b b b\nc\n");
    let pattern = r#"(^|[^a-z])((([a-z]+)?)\s)?b(\s([a-z]+)?)($|[^a-z])"#;
    dir.expect(&[pattern, "haystack", "-U", "--output-replace", "x"], "haystack:1:xbxbx\n", 0);
}

#[test]
fn r3275_git_global_config_env() {
    let dir = Dir::new().with(".git", "").with("foo/foo1", "").with("foo/foo2", "");
    let dir = dir.with("global-excludes-nonstandard", "foo2");
    let excludes = dir.path().join("global-excludes-nonstandard");
    let config = format!("[core]\n\texcludesFile = {}", excludes.display());
    let dir = dir.with("global-config-nonstandard", config);
    let mut cmd = dir.command("", &["--files", "foo"]);
    cmd.env("GIT_CONFIG_GLOBAL", dir.path().join("global-config-nonstandard"));
    check(&cmd.run(), &["--files", "foo"], "foo/foo1\n", 0);
}
