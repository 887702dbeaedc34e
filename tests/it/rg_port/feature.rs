//! ripgrep's `tests/feature.rs`: the cases named after its feature requests, and its flags. The case
//! `f1155_auto_hybrid_regex` needs PCRE2: it is in `pcre2.rs`. `f362_u64_to_narrow_usize_overflow`
//! runs on 32-bit targets only, and is not ported.
//!
//! As in `regression.rs`, ripgrep's `-n`, `-N`, `-H`, `--no-filename`, `-j`, `--sort path` and
//! `--sort-files` are left out where they only shape the output, which is written in ba's format.

use crate::util::RunExt;

use super::{assert_stderr_has, check, data_lines, text, Dir, SHERLOCK, SHERLOCK_CRLF};

const HOLMES: &str = "Шерлок Холмс";

#[test]
fn f1_sjis() {
    let dir = Dir::new().with("foo", b"\x84Y\x84u\x84\x82\x84|\x84\x80\x84{ \x84V\x84\x80\x84|\x84}\x84\x83");
    dir.expect(&["--encoding", "sjis", HOLMES], "foo:1:Шерлок Холмс\n", 0);
}

const UTF16: &[u8] = b"\xff\xfe(\x045\x04@\x04;\x04>\x04:\x04 \x00%\x04>\x04;\x04<\x04A\x04";

#[test]
fn f1_utf16_auto() {
    Dir::new().with("foo", UTF16).expect(&[HOLMES], "foo:1:Шерлок Холмс\n", 0);
}

#[test]
fn f1_utf16_explicit() {
    Dir::new().with("foo", UTF16).expect(&["--encoding", "utf-16le", HOLMES], "foo:1:Шерлок Холмс\n", 0);
}

#[test]
fn f1_eucjp() {
    let text = b"\xa7\xba\xa7\xd6\xa7\xe2\xa7\xdd\xa7\xe0\xa7\xdc \xa7\xb7\xa7\xe0\xa7\xdd\xa7\xde\xa7\xe3";
    Dir::new().with("foo", text).expect(&["--encoding", "euc-jp", HOLMES], "foo:1:Шерлок Холмс\n", 0);
}

#[test]
fn f1_unknown_encoding() {
    let out = Dir::new().expect_code(&["--encoding", "foobar", "x"], 2);
    assert_stderr_has(&out, "foobar");
}

// WHATWG's `replacement` encoding decodes nothing: ripgrep refuses its names.
#[test]
fn f1_replacement_encoding() {
    let out = Dir::new().expect_code(&["--encoding", "csiso2022kr", "x"], 2);
    assert_stderr_has(&out, "csiso2022kr");
}

const SHERLOCK_LINES_1_3: &str = "\
sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:3:be, to a very large extent, the result of luck. Sherlock Holmes
";

#[test]
fn f7() {
    let dir = Dir::sherlock().with("pat", "Sherlock\nHolmes");
    let expected = "\
sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:2:Holmeses, success in the province of detective work must always
sherlock:3:be, to a very large extent, the result of luck. Sherlock Holmes
";
    dir.expect(&["--patterns-file", "pat", "sherlock"], expected, 0);
}

#[test]
fn f7_stdin() {
    Dir::sherlock().expect_stdin(&["--patterns-file", "-"], "Sherlock", SHERLOCK_LINES_1_3, 0);
}

#[test]
fn f20_no_filename() {
    let expected = "\
1:For the Doctor Watsons of this world, as opposed to the Sherlock
3:be, to a very large extent, the result of luck. Sherlock Holmes
";
    Dir::sherlock().expect(&["--no-filename", "Sherlock"], expected, 0);
}

#[test]
fn f34_only_matching() {
    Dir::sherlock().expect(&["-m", "Sherlock"], "sherlock:1:Sherlock\nsherlock:3:Sherlock\n", 0);
}

#[test]
fn f34_only_matching_line_column() {
    let expected = "sherlock:1:57:Sherlock\nsherlock:3:49:Sherlock\n";
    Dir::sherlock().expect(&["-m", "--column", "Sherlock"], expected, 0);
}

#[test]
fn f45_relative_cwd() {
    let mut dir = Dir::new().with(".not-an-ignore", "foo\n/bar");
    for file in ["bar/test", "baz/bar/test", "baz/baz/bar/test", "baz/foo", "baz/test", "foo", "test"] {
        dir = dir.with(file, "test");
    }
    let all = "bar/test\nbaz/bar/test\nbaz/baz/bar/test\nbaz/foo\nbaz/test\nfoo\ntest\n";
    dir.expect(&["--files-with-matches", "test"], all, 0);
    let args = ["--files-with-matches", "test", "--ignore-file", ".not-an-ignore"];
    dir.expect(&args, "baz/bar/test\nbaz/baz/bar/test\nbaz/test\ntest\n", 0);
    // The ignore file's lines are relative to the current directory: `/bar` skips `baz/bar` here.
    let args = ["--ignore-file", "../.not-an-ignore", "--files-with-matches", "test"];
    dir.expect_in("baz", &args, "baz/bar/test\ntest\n", 0);
}

#[test]
fn f45_precedence_with_others() {
    let dir = Dir::new().with(".not-an-ignore", "*.log").with(".ignore", "!imp.log");
    let dir = dir.with("imp.log", "test").with("wat.log", "test");
    dir.expect(&["--ignore-file", ".not-an-ignore", "test"], "imp.log:1:test\n", 0);
}

#[test]
fn f45_precedence_internal() {
    let dir = Dir::new().with(".not-an-ignore1", "*.log").with(".not-an-ignore2", "!imp.log");
    let dir = dir.with("imp.log", "test").with("wat.log", "test");
    let args = ["--ignore-file", ".not-an-ignore1", "--ignore-file", ".not-an-ignore2", "test"];
    dir.expect(&args, "imp.log:1:test\n", 0);
}

#[test]
fn f68_no_ignore_vcs() {
    let dir = Dir::new().git().with(".gitignore", "foo").with(".ignore", "bar");
    let dir = dir.with("foo", "test").with("bar", "test");
    dir.expect(&["--no-ignore-vcs", "test"], "foo:1:test\n", 0);
}

#[test]
fn f70_smart_case() {
    Dir::sherlock().smart_case().expect(&["sherlock"], SHERLOCK_LINES_1_3, 0);
}

#[test]
fn f89_files_with_matches() {
    Dir::sherlock().expect(&["--null", "--files-with-matches", "Sherlock"], "sherlock\0", 0);
}

#[test]
fn f89_files_without_match() {
    let dir = Dir::sherlock().with("file.py", "foo");
    dir.expect(&["--null", "--files-without-match", "Sherlock"], "file.py\0", 0);
}

#[test]
fn f89_count() {
    Dir::sherlock().expect(&["--null", "--count", "Sherlock"], "sherlock\x002\n", 0);
}

#[test]
fn f89_files() {
    Dir::sherlock().expect(&["--null", "--files"], "sherlock\0", 0);
}

#[test]
fn f89_match() {
    let expected = "\
sherlock\x001:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock\x002-Holmeses, success in the province of detective work must always
sherlock\x003:be, to a very large extent, the result of luck. Sherlock Holmes
sherlock\x004-can extract a clew from a wisp of straw or a flake of cigar ash;
";
    Dir::sherlock().expect(&["--null", "-C1", "Sherlock"], expected, 0);
}

// ripgrep's --maxdepth counts the root as depth 0 and its files as 1; ba's -D counts directories
// below the root, so rg's --maxdepth 2 is ba's -D 1.
#[test]
fn f109_max_depth() {
    let dir = Dir::new().with("one/pass", "far").with("one/too/many", "far");
    dir.expect(&["-D", "1", "far"], "one/pass:1:far\n", 0);
}

#[test]
fn f109_case_sensitive_part1() {
    Dir::new().with("foo", "tEsT").smart_case().expect(&["--case-sensitive", "test"], "", 1);
}

#[test]
fn f109_case_sensitive_part2() {
    Dir::new().with("foo", "tEsT").expect(&["--ignore-case", "--case-sensitive", "test"], "", 1);
}

#[test]
fn f129_matches() {
    let dir = Dir::new().with("foo", "test\ntest abcdefghijklmnopqrstuvwxyz test");
    dir.expect(&["--max-columns", "26", "test"], "foo:1:test\nfoo:2:[Omitted long matching line]\n", 0);
}

#[test]
fn f129_context() {
    let dir = Dir::new().with("foo", "test\nabcdefghijklmnopqrstuvwxyz");
    let expected = "foo:1:test\nfoo-2-[Omitted long context line]\n";
    dir.expect(&["--max-columns", "20", "-C1", "test"], expected, 0);
}

#[test]
fn f129_replace() {
    let dir = Dir::new().with("foo", "test\ntest abcdefghijklmnopqrstuvwxyz test");
    let expected = "foo:1:foo\nfoo:2:[Omitted long line with 2 matches]\n";
    dir.expect(&["--max-columns", "26", "--output-replace", "foo", "test"], expected, 0);
}

#[test]
fn f159_max_count() {
    Dir::new().with("foo", "test\ntest").expect(&["--max-count", "1", "test"], "foo:1:test\n", 0);
}

#[test]
fn f159_max_count_zero() {
    Dir::new().with("foo", "test\ntest").expect(&["--max-count", "0", "test"], "", 1);
}

// ba's config file is named by BA_CONFIG_PATH. ba's smart case matches `SHERLOCK` case-sensitively,
// as ripgrep matches every pattern by default.
#[test]
fn f196_persistent_config() {
    let dir = Dir::sherlock().smart_case();
    dir.expect(&["SHERLOCK", "sherlock"], "", 1);
    let dir = dir.with(".barc", "--ignore-case");
    let mut cmd = dir.command("", &["SHERLOCK", "sherlock"]);
    cmd.env("BA_CONFIG_PATH", ".barc");
    check(&cmd.run(), &["SHERLOCK", "sherlock"], SHERLOCK_LINES_1_3, 0);
}

#[test]
fn f243_column_line() {
    Dir::new().with("foo", "test").expect(&["--column", "test"], "foo:1:1:test\n", 0);
}

fn four_files() -> Dir {
    Dir::new().with("foo", "test").with("abc", "test").with("zoo", "test").with("bar", "test")
}

// ba always prints in path order: ripgrep's --sort-files is its only order.
#[test]
fn f263_sort_files() {
    four_files().expect(&["test"], "abc:1:test\nbar:1:test\nfoo:1:test\nzoo:1:test\n", 0);
}

#[test]
#[ignore = "deliberate: ba prints in walk order always (no --sortr)"]
fn f263_sort_files_reverse() {
    four_files().expect(&["--sortr=path", "test"], "zoo:1:test\nfoo:1:test\nbar:1:test\nabc:1:test\n", 0);
}

#[test]
fn f275_pathsep() {
    let dir = Dir::new().with("foo/bar", "test");
    dir.expect(&["test", "--path-separator", "Z"], "fooZbar:1:test\n", 0);
}

#[test]
fn f362_dfa_size_limit() {
    let expected = "sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock\n";
    Dir::sherlock().expect(&["--dfa-size-limit", "10", r"For\s", "sherlock"], expected, 0);
}

#[test]
fn f362_exceeds_regex_size_limit() {
    Dir::new().expect_code(&["--regex-size-limit", "10K", r"[0-9]\w+"], 2);
}

/// ripgrep's --stats, as ba gives them in --json's summary: the hits, then the counts.
fn search_stats(dir: &Dir, args: &[&str], lines: u64, files: u64, hits_shown: bool) {
    let out = dir.ba(args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).contains("Sherlock"), hits_shown);
    let messages = data_lines(&out.stdout);
    let stats = &messages.last().expect("a summary")["data"]["stats"];
    assert_eq!(stats["matched_lines"], lines);
    assert_eq!(stats["searches_with_match"], files);
    assert_eq!(stats["searches"], files);
    assert!(stats["elapsed"]["human"].as_str().unwrap().ends_with('s'), "{stats}");
}

#[test]
fn f411_single_threaded_search_stats() {
    search_stats(&Dir::sherlock(), &["-w", "1", "--json", "--stats", "Sherlock"], 2, 1, true);
}

#[test]
fn f411_parallel_search_stats() {
    let dir = Dir::new().with("sherlock_1", SHERLOCK).with("sherlock_2", SHERLOCK);
    search_stats(&dir, &["-w", "2", "--json", "--stats", "Sherlock"], 4, 2, true);
}

#[test]
fn f411_single_threaded_quiet_search_stats() {
    search_stats(&Dir::sherlock(), &["--quiet", "-w", "1", "--json", "--stats", "Sherlock"], 2, 1, false);
}

#[test]
fn f411_parallel_quiet_search_stats() {
    let dir = Dir::new().with("sherlock_1", SHERLOCK).with("sherlock_2", SHERLOCK);
    search_stats(&dir, &["-w", "2", "--quiet", "--json", "--stats", "Sherlock"], 4, 2, false);
}

const CRLF_FIRST: &str = "sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock\r\n";

#[test]
fn f416_crlf() {
    Dir::new().with("sherlock", SHERLOCK_CRLF).expect(&["--crlf", "Sherlock$", "sherlock"], CRLF_FIRST, 0);
}

#[test]
fn f416_crlf_multiline() {
    let dir = Dir::new().with("sherlock", SHERLOCK_CRLF);
    dir.expect(&["--crlf", "-U", "Sherlock$", "sherlock"], CRLF_FIRST, 0);
}

#[test]
#[ignore = "deliberate: with --crlf, ba ends the lines it makes itself (-m) with LF, not CRLF"]
fn f416_crlf_only_matching() {
    let dir = Dir::new().with("sherlock", SHERLOCK_CRLF);
    dir.expect(&["--crlf", "-m", "Sherlock$", "sherlock"], "sherlock:1:Sherlock\r\n", 0);
}

#[test]
fn f419_zero_as_shortcut_for_null() {
    Dir::sherlock().expect(&["-0", "--count", "Sherlock"], "sherlock\x002\n", 0);
}

#[test]
fn f740_passthru() {
    let dir = Dir::new().with("file", "\nfoo\nbar\nfoobar\n\nbaz\n").with("patterns", "foo\nbar\n");
    let foo = "file-1-\nfile:2:foo\nfile-3-bar\nfile:4:foobar\nfile-5-\nfile-6-baz\n";
    dir.expect(&["--passthru", "foo", "file"], foo, 0);
    let foo_bar = "file-1-\nfile:2:foo\nfile:3:bar\nfile:4:foobar\nfile-5-\nfile-6-baz\n";
    dir.expect(&["--passthru", "--regexp", "foo", "--regexp", "bar", "file"], foo_bar, 0);
    dir.expect(&["--passthru", "--patterns-file", "patterns", "file"], foo_bar, 0);
    dir.expect(&["--passthru", "-c", "foo", "file"], "2\n", 0);
    let only_foo = "file-1-\nfile:2:foo\nfile-3-bar\nfile:4:foo\nfile-5-\nfile-6-baz\n";
    dir.expect(&["--passthru", "-m", "foo", "file"], only_foo, 0);
    let wat = "file-1-\nfile:2:wat\nfile-3-bar\nfile:4:watbar\nfile-5-\nfile-6-baz\n";
    dir.expect(&["--passthru", "--output-replace", "wat", "foo", "file"], wat, 0);
}

#[test]
fn f948_exit_code_match() {
    Dir::sherlock().expect_code(&["."], 0);
}

#[test]
fn f948_exit_code_no_match() {
    Dir::sherlock().expect_code(&["NADA"], 1);
}

#[test]
fn f948_exit_code_error() {
    Dir::sherlock().expect_code(&["*"], 2);
}

const SHERLOCK_INDENTED: &str = "\
zzz
    For the Doctor Watsons of this world, as opposed to the Sherlock
  Holmeses, success in the province of detective work must always
\tbe, to a very large extent, the result of luck. Sherlock Holmes
     can extract a clew from a wisp of straw or a flake of cigar ash;
but Doctor Watson has to have it taken out for him and dusted,
 and exhibited clearly, with a label attached.
";

const TRIMMED: &str = "\
sherlock-2-For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:3:Holmeses, success in the province of detective work must always
sherlock-4-be, to a very large extent, the result of luck. Sherlock Holmes
sherlock-5-can extract a clew from a wisp of straw or a flake of cigar ash;
";

#[test]
fn f917_trim() {
    let dir = Dir::new().with("sherlock", SHERLOCK_INDENTED);
    dir.expect(&["-B1", "-A2", "--trim", "Holmeses", "sherlock"], TRIMMED, 0);
}

// White space is trimmed even where it is part of the match.
#[test]
fn f917_trim_match() {
    let dir = Dir::new().with("sherlock", SHERLOCK_INDENTED);
    dir.expect(&["-B1", "-A2", "--trim", r"\s+Holmeses", "sherlock"], TRIMMED, 0);
}

const INDENTED_ALPHABET: &str = "     0123456789abcdefghijklmnopqrstuvwxyz";

fn alphabet() -> Dir {
    Dir::new().with("haystack", INDENTED_ALPHABET)
}

#[test]
fn f917_trim_multi_standard() {
    let expected = "haystack:1:0123456789abcdefghijklmnopqrstuvwxyz\n";
    alphabet().expect(&["-U", "--trim", "--output-replace", "$0", r"a\n?bc"], expected, 0);
}

#[test]
fn f917_trim_max_columns_normal() {
    let expected = "haystack:1:01234567 [... omitted end of long line]\n";
    alphabet().expect(&["--trim", "--max-columns-preview", "--max-columns", "8", "abc"], expected, 0);
}

// ripgrep counts the matches left out of a preview when it colours its output.
fn colored_preview(args: &[&str], expected_after_path: &str) {
    let mut all = vec!["--trim", "--max-columns-preview", "--max-columns", "8", "--color", "always"];
    all.extend(args);
    let path = "\x1b[0m\x1b[35mhaystack\x1b[0m:\x1b[0m\x1b[32m1\x1b[0m:";
    alphabet().expect(&all, &format!("{path}{expected_after_path}"), 0);
}

#[test]
fn f917_trim_max_columns_matches() {
    colored_preview(&["abc"], "01234567 [... 1 more match]\n");
}

#[test]
fn f917_trim_max_columns_multi_standard() {
    colored_preview(&["-U", r"a\n?bc"], "01234567 [... 1 more match]\n");
}

#[test]
fn f917_trim_max_columns_multi_only_matching() {
    let args = ["-U", "--trim", "--max-columns-preview", "--max-columns", "8", "-m", r".*a\n?bc.*"];
    alphabet().expect(&args, "haystack:1:01234567 [... 0 more matches]\n", 0);
}

#[test]
fn f917_trim_max_columns_multi_per_match() {
    let args = ["-U", "--trim", "--max-columns-preview", "--max-columns", "8", "--vimgrep", r".*a\n?bc.*"];
    alphabet().expect(&args, "haystack:1:1:01234567 [... 0 more matches]\n", 0);
}

#[test]
fn f993_null_data() {
    let dir = Dir::new().with("test", "foo\x00bar\x00\x00\x00baz\x00");
    dir.expect(&["--null-data", ".+", "test"], "test:1:foo\x00test:2:bar\x00test:5:baz\x00", 0);
}

#[test]
fn f1078_max_columns_preview1() {
    let expected = "\
sherlock:5:but Doctor Watson has to have it taken out for [... omitted end of long line]
sherlock:6:and exhibited clearly, with a label attached.
";
    let args = ["--max-columns", "46", "--max-columns-preview", "exhibited|dusted|has to have it"];
    Dir::sherlock().expect(&args, expected, 0);
}

#[test]
fn f1078_max_columns_preview2() {
    let expected = "\
sherlock:5:but Doctor Watson xxx taken out for him and [... 1 more match]
sherlock:6:and xxx clearly, with a label attached.
";
    let args = [
        "--max-columns",
        "43",
        "--max-columns-preview",
        "--output-replace",
        "xxx",
        "exhibited|dusted|has to have it",
    ];
    Dir::sherlock().expect(&args, expected, 0);
}

#[test]
fn f1138_no_ignore_dot() {
    let dir = Dir::new().git().with(".gitignore", "foo").with(".ignore", "bar").with(".fzf-ignore", "quux");
    let dir = dir.with("foo", "").with("bar", "").with("quux", "");
    dir.expect(&["--files"], "quux\n", 0);
    dir.expect(&["--files", "--no-ignore-dot"], "bar\nquux\n", 0);
    dir.expect(&["--files", "--no-ignore-dot", "--ignore-file", ".fzf-ignore"], "bar\n", 0);
}

// A UTF-16 byte-order mark makes the file text: its NUL bytes are gone once decoded.
#[test]
fn f1207_auto_encoding() {
    Dir::new().with("foo", b"\xFF\xFE\x00\x62").expect(&["-a", r"\x00", "foo"], "", 1);
}

#[test]
fn f1207_ignore_encoding() {
    let dir = Dir::new().with("foo", b"\xFF\xFE\x00\x62");
    let out = dir.ba(&["--encoding", "none", "-a", r"\x00", "foo"]);
    assert_eq!(out.stdout, b"foo:1:\xFF\xFE\x00b\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn f1414_no_require_git() {
    let dir = Dir::new().with(".gitignore", "foo").with("foo", "").with("bar", "");
    dir.expect(&["--files"], "bar\nfoo\n", 0);
    dir.expect(&["--files", "--no-require-git"], "bar\n", 0);
    dir.expect(&["--files", "--no-require-git", "--require-git"], "bar\nfoo\n", 0);
}

#[test]
fn f1420_no_ignore_exclude() {
    let dir = Dir::new().with(".git/info/exclude", "foo").with("bar", "").with("foo", "");
    dir.expect(&["--files"], "bar\n", 0);
    dir.expect(&["--files", "--no-ignore-exclude"], "bar\nfoo\n", 0);
}

#[test]
fn f1466_no_ignore_files() {
    let dir = Dir::new().with(".myignore", "bar").with("bar", "").with("foo", "");
    dir.expect(&["--files"], "bar\nfoo\n", 0);
    dir.expect(&["--files", "--ignore-file", ".myignore"], "foo\n", 0);
    dir.expect(&["--files", "--ignore-file", ".myignore", "--no-ignore-files"], "bar\nfoo\n", 0);
    dir.expect(&["--files", "--ignore-file", ".myignore", "--no-ignore-files", "--ignore-files"], "foo\n", 0);
    // -u does not turn --ignore-file off.
    dir.expect(&["--files", "--ignore-file", ".myignore", "-u"], "foo\n", 0);
}

#[test]
#[ignore = "deliberate: ba prints in walk order always (no --sort accessed)"]
fn f2361_sort_nested_files() {
    let dir = Dir::new().with("foo", "1").with("dir/bar", "1").accessed_in_order(&["foo", "dir/bar"]);
    dir.expect(&["--sort", "accessed", "--files"], "foo\ndir/bar\n", 0);
}

#[test]
fn f1404_nothing_searched_warning() {
    let dir = Dir::new().with(".ignore", "ignored-dir/**").with("ignored-dir/foo", "needle");
    let out = dir.expect_code(&["needle"], 1);
    assert_stderr_has(&out, "no file was searched");
}

#[test]
fn f1404_nothing_searched_ignored() {
    let dir = Dir::new().with(".ignore", "ignored-dir/**").with("ignored-dir/foo", "needle");
    let out = dir.expect_code(&["--no-messages", "needle"], 1);
    assert_eq!(text(&out.stderr), "");
}

/// The first line of `sherlock` as a hit, and the second after it joined by `separator`.
fn watsons_then(separator: &str) -> String {
    let second = "Holmeses, success in the province of detective work must always";
    format!("sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock\nsherlock{separator}2{separator}{second}\n")
}

#[test]
fn f1842_field_context_separator() {
    let dir = Dir::sherlock();
    let base = ["-A1", "Doctor Watsons", "sherlock"];
    dir.expect(&base, &watsons_then("-"), 0);
    for (separator, shown) in [("!", "!"), ("!!", "!!"), (r"\x7F", "\x7F"), ("", "")] {
        let mut args = vec!["--field-context-separator", separator];
        args.extend(base);
        dir.expect(&args, &watsons_then(shown), 0);
    }
}

#[test]
fn f1842_field_match_separator() {
    let dir = Dir::sherlock();
    let base = ["Doctor Watsons", "sherlock"];
    let line = "For the Doctor Watsons of this world, as opposed to the Sherlock";
    dir.expect(&base, &format!("sherlock:1:{line}\n"), 0);
    for (separator, shown) in [("!", "!"), ("!!", "!!"), (r"\x7F", "\x7F"), ("", "")] {
        let mut args = vec!["--field-match-separator", separator];
        args.extend(base);
        dir.expect(&args, &format!("sherlock{shown}1{shown}{line}\n"), 0);
    }
}

const NINE: &str = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";

#[test]
fn f2288_context_partial_override() {
    let dir = Dir::new().with("test", NINE);
    dir.expect(&["-C1", "-A2", "5", "test"], "test-4-4\ntest:5:5\ntest-6-6\ntest-7-7\n", 0);
}

#[test]
fn f2288_context_partial_override_rev() {
    let dir = Dir::new().with("test", NINE);
    dir.expect(&["-A2", "-C1", "5", "test"], "test-4-4\ntest:5:5\ntest-6-6\ntest-7-7\n", 0);
}

fn foo_ctx(args: &[&str], separator: Option<&str>) {
    let dir = Dir::new().with("test", "foo\nctx\nbar\nctx\nfoo\nctx");
    let mut all = vec!["-A1"];
    all.extend(args);
    all.extend(["foo", "test"]);
    let between = separator.map(|s| format!("{s}\n")).unwrap_or_default();
    dir.expect(&all, &format!("test:1:foo\ntest-2-ctx\n{between}test:5:foo\ntest-6-ctx\n"), 0);
}

#[test]
fn no_context_sep() {
    foo_ctx(&["--no-context-separator"], None);
}

#[test]
fn no_context_sep_overrides() {
    foo_ctx(&["--context-separator", "AAA", "--no-context-separator"], None);
}

#[test]
fn no_context_sep_overridden() {
    foo_ctx(&["--no-context-separator", "--context-separator", "AAA"], Some("AAA"));
}

#[test]
fn context_sep() {
    foo_ctx(&["--context-separator", "AAA"], Some("AAA"));
}

#[test]
fn context_sep_default() {
    foo_ctx(&[], Some("--"));
}

#[test]
fn context_sep_empty() {
    foo_ctx(&["--context-separator", ""], Some(""));
}

// ripgrep's --no-unicode is `(?-u)` in the pattern: no Unicode case folding.
#[test]
fn no_unicode() {
    Dir::new().with("test", "δ").expect(&["--ignore-case", "(?-u)Δ"], "", 1);
}

#[test]
fn stop_on_nonmatch() {
    let dir = Dir::new().with("test", "line1\nline2\nline3\nline4\nline5");
    dir.expect(&["--stop-on-nonmatch", "[235]"], "test:2:line2\ntest:3:line3\n", 0);
}
