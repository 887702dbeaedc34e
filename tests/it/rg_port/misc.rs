//! ripgrep's `tests/misc.rs`: the everyday flags.
//!
//! As in `regression.rs`, ripgrep's `-n`, `-H`, `--with-filename`, `-j`, `--sort path`, `--mmap` and
//! `--no-mmap` are left out where they only shape the output, which is written in ba's format.

use super::{assert_stderr_has, data, Dir, SHERLOCK};

const LINES_1_3: &str = "\
sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:3:be, to a very large extent, the result of luck. Sherlock Holmes
";

fn sherlock_lines_1_3(path: &str) -> String {
    LINES_1_3.replace("sherlock:", &format!("{path}:"))
}

#[test]
fn single_file() {
    Dir::sherlock().expect(&["Sherlock", "sherlock"], LINES_1_3, 0);
}

#[test]
fn dir() {
    Dir::sherlock().expect(&["Sherlock"], LINES_1_3, 0);
}

#[test]
fn line_numbers() {
    Dir::sherlock().expect(&["Sherlock", "sherlock"], LINES_1_3, 0);
}

#[test]
fn columns() {
    let expected = "\
sherlock:1:57:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:3:49:be, to a very large extent, the result of luck. Sherlock Holmes
";
    Dir::sherlock().expect(&["--column", "Sherlock", "sherlock"], expected, 0);
}

#[test]
fn with_filename() {
    Dir::sherlock().expect(&["Sherlock", "sherlock"], LINES_1_3, 0);
}

const HEADING: &str = "\
sherlock
1:For the Doctor Watsons of this world, as opposed to the Sherlock
3:be, to a very large extent, the result of luck. Sherlock Holmes
";

#[test]
fn with_heading() {
    Dir::sherlock().expect(&["--heading", "Sherlock", "sherlock"], HEADING, 0);
}

#[test]
fn with_heading_default() {
    let dir = Dir::sherlock().with("foo", "Sherlock Holmes lives on Baker Street.");
    let expected = format!("foo\n1:Sherlock Holmes lives on Baker Street.\n\n{HEADING}");
    dir.expect(&["-w", "1", "--heading", "Sherlock"], &expected, 0);
}

const NOT_SHERLOCK: &str = "\
sherlock:2:Holmeses, success in the province of detective work must always
sherlock:4:can extract a clew from a wisp of straw or a flake of cigar ash;
sherlock:5:but Doctor Watson has to have it taken out for him and dusted,
sherlock:6:and exhibited clearly, with a label attached.
";

#[test]
fn inverted() {
    Dir::sherlock().expect(&["-v", "Sherlock", "sherlock"], NOT_SHERLOCK, 0);
}

#[test]
fn inverted_line_numbers() {
    Dir::sherlock().expect(&["-v", "Sherlock", "sherlock"], NOT_SHERLOCK, 0);
}

#[test]
fn case_insensitive() {
    Dir::sherlock().expect(&["--ignore-case", "sherlock", "sherlock"], LINES_1_3, 0);
}

#[test]
fn word() {
    let expected = "sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock\n";
    Dir::sherlock().expect(&["--word-regexp", "as", "sherlock"], expected, 0);
}

#[test]
fn word_period() {
    let dir = Dir::new().with("haystack", "...");
    dir.expect(&["-m", "--word-regexp", ".", "haystack"], "haystack:1:.\nhaystack:1:.\nhaystack:1:.\n", 0);
}

#[test]
fn line() {
    let args = ["-x", "Watson|and exhibited clearly, with a label attached.", "sherlock"];
    Dir::sherlock().expect(&args, "sherlock:6:and exhibited clearly, with a label attached.\n", 0);
}

#[test]
fn literal() {
    let dir = Dir::sherlock().with("file", "blib\n()\nblab\n");
    dir.expect(&["-F", "()", "file"], "file:2:()\n", 0);
}

#[test]
fn quiet() {
    Dir::sherlock().expect(&["-q", "Sherlock", "sherlock"], "", 0);
}

#[test]
fn replace() {
    let expected = "\
sherlock:1:For the Doctor Watsons of this world, as opposed to the FooBar
sherlock:3:be, to a very large extent, the result of luck. FooBar Holmes
";
    Dir::sherlock().expect(&["--output-replace", "FooBar", "Sherlock", "sherlock"], expected, 0);
}

const SWAPPED_NAMES: &str = "\
sherlock:1:For the Watsons, Doctor of this world, as opposed to the Sherlock
sherlock:3:be, to a very large extent, the result of luck. Holmes, Sherlock
sherlock:5:but Watson, Doctor has to have it taken out for him and dusted,
";

#[test]
fn replace_groups() {
    let args = ["--output-replace", "$2, $1", "([A-Z][a-z]+) ([A-Z][a-z]+)", "sherlock"];
    Dir::sherlock().expect(&args, SWAPPED_NAMES, 0);
}

#[test]
fn replace_named_groups() {
    let args =
        ["--output-replace", "$last, $first", "(?P<first>[A-Z][a-z]+) (?P<last>[A-Z][a-z]+)", "sherlock"];
    Dir::sherlock().expect(&args, SWAPPED_NAMES, 0);
}

#[test]
fn replace_with_only_matching() {
    let expected = "\
sherlock:1:this
sherlock:2:detective
sherlock:3:luck
sherlock:4:straw
sherlock:4:cigar
";
    Dir::sherlock().expect(&["-m", "--output-replace", "$1", r"of (\w+)", "sherlock"], expected, 0);
}

fn py_rs() -> Dir {
    Dir::sherlock().with("file.py", "Sherlock").with("file.rs", "Sherlock")
}

#[test]
fn file_types() {
    py_rs().expect(&["-t", "rust", "Sherlock"], "file.rs:1:Sherlock\n", 0);
}

#[test]
fn file_types_all() {
    Dir::sherlock().with("file.py", "Sherlock").expect(&["-t", "all", "Sherlock"], "file.py:1:Sherlock\n", 0);
}

#[test]
fn file_types_negate() {
    let dir = Dir::new().with("file.py", "Sherlock").with("file.rs", "Sherlock");
    dir.expect(&["-T", "rust", "Sherlock"], "file.py:1:Sherlock\n", 0);
}

#[test]
fn file_types_negate_all() {
    Dir::sherlock().with("file.py", "Sherlock").expect(&["-T", "all", "Sherlock"], LINES_1_3, 0);
}

#[test]
fn file_type_clear() {
    let out = py_rs().ba(&["--type-clear", "rust", "-t", "rust", "Sherlock"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(!out.stderr.is_empty());
}

#[test]
fn file_type_add() {
    let dir = py_rs().with("file.wat", "Sherlock");
    dir.expect(&["--type-add", "wat:*.wat", "-t", "wat", "Sherlock"], "file.wat:1:Sherlock\n", 0);
}

#[test]
fn file_type_add_compose() {
    let dir = py_rs().with("file.wat", "Sherlock");
    let args = ["--type-add", "wat:*.wat", "--type-add", "combo:include:wat,py", "-t", "combo", "Sherlock"];
    dir.expect(&args, "file.py:1:Sherlock\nfile.wat:1:Sherlock\n", 0);
}

#[test]
fn glob() {
    py_rs().expect(&["-g", "*.rs", "Sherlock"], "file.rs:1:Sherlock\n", 0);
}

#[test]
fn glob_negate() {
    let dir = Dir::new().with("file.py", "Sherlock").with("file.rs", "Sherlock");
    dir.expect(&["-g", "!*.rs", "Sherlock"], "file.py:1:Sherlock\n", 0);
}

#[test]
fn glob_case_insensitive() {
    let dir = Dir::sherlock().with("file.HTML", "Sherlock");
    dir.expect(&["--iglob", "*.html", "Sherlock"], "file.HTML:1:Sherlock\n", 0);
}

#[test]
fn glob_case_sensitive() {
    let dir = Dir::sherlock().with("file1.HTML", "Sherlock").with("file2.html", "Sherlock");
    dir.expect(&["--glob", "*.html", "Sherlock"], "file2.html:1:Sherlock\n", 0);
}

#[test]
fn glob_always_case_insensitive() {
    let dir = Dir::sherlock().with("file.HTML", "Sherlock");
    let args = ["--glob-case-insensitive", "--glob", "*.html", "Sherlock"];
    dir.expect(&args, "file.HTML:1:Sherlock\n", 0);
}

#[test]
fn byte_offset_only_matching() {
    Dir::sherlock().expect(&["-b", "-m", "Sherlock"], "sherlock:1:56:Sherlock\nsherlock:3:177:Sherlock\n", 0);
}

#[test]
fn count() {
    Dir::sherlock().expect(&["--count", "Sherlock"], "sherlock:2\n", 0);
}

#[test]
fn count_matches() {
    Dir::sherlock().expect(&["--count-matches", "the"], "sherlock:4\n", 0);
}

#[test]
fn count_matches_inverted() {
    Dir::sherlock().expect(&["--count-matches", "--invert-match", "Sherlock"], "sherlock:4\n", 0);
}

// ripgrep's --count with --only-matching counts the matches.
#[test]
#[ignore = "deliberate: -c counts lines with -m too (--count-matches counts matches)"]
fn count_matches_via_only() {
    Dir::sherlock().expect(&["--count", "-m", "the"], "sherlock:4\n", 0);
}

#[test]
fn include_zero() {
    Dir::sherlock().expect(&["--count", "--include-zero", "nada"], "sherlock:0\n", 1);
}

#[test]
fn include_zero_override() {
    Dir::sherlock().expect(&["--count", "--include-zero", "--no-include-zero", "nada"], "", 1);
}

#[test]
fn files_with_matches() {
    Dir::sherlock().expect(&["--files-with-matches", "Sherlock"], "sherlock\n", 0);
}

#[test]
fn files_without_match() {
    let dir = Dir::sherlock().with("file.py", "foo");
    dir.expect(&["--files-without-match", "Sherlock"], "file.py\n", 0);
}

const AFTER_CONTEXT: &str = "\
sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock-2-Holmeses, success in the province of detective work must always
sherlock:3:be, to a very large extent, the result of luck. Sherlock Holmes
sherlock-4-can extract a clew from a wisp of straw or a flake of cigar ash;
";

#[test]
fn after_context() {
    Dir::sherlock().expect(&["-A", "1", "Sherlock", "sherlock"], AFTER_CONTEXT, 0);
}

#[test]
fn after_context_line_numbers() {
    Dir::sherlock().expect(&["-A", "1", "Sherlock", "sherlock"], AFTER_CONTEXT, 0);
}

const BEFORE_CONTEXT: &str = "\
sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock-2-Holmeses, success in the province of detective work must always
sherlock:3:be, to a very large extent, the result of luck. Sherlock Holmes
";

#[test]
fn before_context() {
    Dir::sherlock().expect(&["-B", "1", "Sherlock", "sherlock"], BEFORE_CONTEXT, 0);
}

#[test]
fn before_context_line_numbers() {
    Dir::sherlock().expect(&["-B", "1", "Sherlock", "sherlock"], BEFORE_CONTEXT, 0);
}

const CONTEXT: &str = "\
sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock-2-Holmeses, success in the province of detective work must always
--
sherlock-5-but Doctor Watson has to have it taken out for him and dusted,
sherlock:6:and exhibited clearly, with a label attached.
";

#[test]
fn context() {
    Dir::sherlock().expect(&["-C", "1", "world|attached", "sherlock"], CONTEXT, 0);
}

#[test]
fn context_line_numbers() {
    Dir::sherlock().expect(&["-C", "1", "world|attached", "sherlock"], CONTEXT, 0);
}

/// A bad --max-filesize is an error, with a message.
fn max_filesize_refused(size: &str) {
    let out = Dir::new().ba(&["--max-filesize", size, "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty());
}

#[test]
fn max_filesize_parse_error_length() {
    max_filesize_refused("44444444444444444444");
}

#[test]
#[ignore = "deliberate: a lowercase size suffix (45k) is read as its capital"]
fn max_filesize_parse_error_suffix() {
    max_filesize_refused("45k");
}

/// Files `foo` and `bar` of these sizes: --max-filesize `limit` lists `foo` alone.
fn max_filesize_keeps_foo(foo_size: u64, bar_size: u64, limit: &str) {
    let dir = Dir::new();
    for (name, size) in [("foo", foo_size), ("bar", bar_size)] {
        std::fs::File::create(dir.path().join(name)).unwrap().set_len(size).unwrap();
    }
    dir.expect(&["--max-filesize", limit, "--files"], "foo\n", 0);
}

#[test]
fn max_filesize_parse_no_suffix() {
    max_filesize_keeps_foo(40, 60, "50");
}

#[test]
fn max_filesize_parse_k_suffix() {
    max_filesize_keeps_foo(3048, 4100, "4K");
}

#[test]
fn max_filesize_parse_m_suffix() {
    max_filesize_keeps_foo(1_000_000, 1_400_000, "1M");
}

#[test]
fn max_filesize_suffix_overflow() {
    max_filesize_refused("34359738368G");
}

#[test]
fn ignore_hidden() {
    Dir::new().with(".sherlock", SHERLOCK).expect(&["Sherlock"], "", 1);
}

#[test]
fn no_ignore_hidden() {
    let dir = Dir::new().with(".sherlock", SHERLOCK);
    dir.expect(&["--hidden", "Sherlock"], &sherlock_lines_1_3(".sherlock"), 0);
}

#[test]
fn ignore_git() {
    Dir::sherlock().git().with(".gitignore", "sherlock\n").expect(&["Sherlock"], "", 1);
}

#[test]
fn ignore_generic() {
    Dir::sherlock().with(".ignore", "sherlock\n").expect(&["Sherlock"], "", 1);
}

#[test]
#[ignore = "deliberate: ba has no .rgignore"]
fn ignore_ripgrep() {
    Dir::sherlock().with(".rgignore", "sherlock\n").expect(&["Sherlock"], "", 1);
}

#[test]
fn no_ignore() {
    Dir::sherlock().with(".gitignore", "sherlock\n").expect(&["--no-ignore", "Sherlock"], LINES_1_3, 0);
}

// The .gitignore files of the directories above the one searched apply.
#[test]
fn ignore_git_parent() {
    let dir = Dir::new().git().with(".gitignore", "sherlock\n").with("foo/sherlock", SHERLOCK);
    dir.expect_in("foo", &["Sherlock"], "", 1);
}

// The .gitignore files above a repository's top do not apply: a `.git` directory ends the climb.
#[test]
fn ignore_git_parent_stop() {
    let dir =
        Dir::new().with(".gitignore", "sherlock\n").with_dir("foo/.git").with("foo/bar/sherlock", SHERLOCK);
    dir.expect_in("foo/bar", &["Sherlock"], LINES_1_3, 0);
}

// As ignore_git_parent_stop, with a `.git` file (a submodule's).
#[test]
fn ignore_git_parent_stop_file() {
    let dir =
        Dir::new().with(".gitignore", "sherlock\n").with("foo/.git", "").with("foo/bar/sherlock", SHERLOCK);
    dir.expect_in("foo/bar", &["Sherlock"], LINES_1_3, 0);
}

#[test]
#[ignore = "deliberate: ba has no .rgignore"]
fn ignore_ripgrep_parent_no_stop() {
    let dir =
        Dir::new().with(".rgignore", "sherlock\n").with_dir("foo/.git").with("foo/bar/sherlock", SHERLOCK);
    dir.expect_in("foo/bar", &["Sherlock"], "", 1);
}

// --no-ignore-parent leaves the .gitignore above out; the one in the directory searched applies.
#[test]
fn no_parent_ignore_git() {
    let dir = Dir::new().git().with(".gitignore", "sherlock\n").with("foo/.gitignore", "watson\n");
    let dir = dir.with("foo/sherlock", SHERLOCK).with("foo/watson", SHERLOCK);
    dir.expect_in("foo", &["--no-ignore-parent", "Sherlock"], LINES_1_3, 0);
}

// Each root applies the .gitignore above it from its own place, in any order.
#[test]
fn ignore_git_multi_root_order() {
    let dir = Dir::new().git().with(".gitignore", "src/invalid\n");
    let dir = dir.with("src/invalid", "this\n").with("src/valid", "this\n").with("tests/valid", "this\n");
    dir.expect(&["--files-with-matches", "this", "src", "tests"], "src/valid\ntests/valid\n", 0);
    dir.expect(&["--files-with-matches", "this", "tests", "src"], "tests/valid\nsrc/valid\n", 0);
}

#[test]
#[ignore = "deliberate: ba has no .rgignore"]
fn ignore_rgignore_multi_root_order() {
    let dir = Dir::new()
        .with(".rgignore", "beta/**/*.svg\n")
        .with("alpha/a.txt", "AWS\n")
        .with("beta/x.svg", "AWS\n");
    dir.expect(&["--files-with-matches", "AWS", "alpha", "beta"], "alpha/a.txt\n", 0);
    dir.expect(&["--files-with-matches", "AWS", "beta", "alpha"], "alpha/a.txt\n", 0);
}

fn linked_baz() -> Dir {
    Dir::new().with_dir("foo/bar").with("foo/baz/sherlock", SHERLOCK).with_link("foo/baz", "foo/bar/baz")
}

#[test]
fn symlink_nofollow() {
    linked_baz().expect_in("foo/bar", &["Sherlock"], "", 1);
}

#[test]
fn symlink_follow() {
    linked_baz().expect_in("foo/bar", &["--follow", "Sherlock"], &sherlock_lines_1_3("baz/sherlock"), 0);
}

#[test]
fn unrestricted1() {
    Dir::sherlock().with(".gitignore", "sherlock\n").expect(&["-u", "Sherlock"], LINES_1_3, 0);
}

#[test]
fn unrestricted2() {
    let dir = Dir::new().with(".sherlock", SHERLOCK);
    dir.expect(&["-uu", "Sherlock"], &sherlock_lines_1_3(".sherlock"), 0);
}

// ripgrep's -uuu searches binary files as if named; ba's adds --text.
#[test]
#[ignore = "deliberate: -uuu adds --text (ripgrep's adds --binary)"]
fn unrestricted3() {
    let dir = Dir::sherlock().with("hay", "foo\x00bar\nfoo\x00baz\n");
    let out = dir.expect_code(&["-uuu", "foo"], 0);
    assert!(out.stdout.is_empty());
    assert_stderr_has(&out, "hay: binary file matches (found \"\\0\" byte around offset 3)");
}

const VIMGREP: &str = "\
sherlock:1:16:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:1:57:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:3:49:be, to a very large extent, the result of luck. Sherlock Holmes
sherlock:5:12:but Doctor Watson has to have it taken out for him and dusted,
";

#[test]
fn vimgrep() {
    Dir::sherlock().expect(&["--vimgrep", "Sherlock|Watson"], VIMGREP, 0);
}

#[test]
fn vimgrep_no_line() {
    let expected = "\
sherlock:16:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:57:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:49:be, to a very large extent, the result of luck. Sherlock Holmes
sherlock:12:but Doctor Watson has to have it taken out for him and dusted,
";
    Dir::sherlock().expect(&["--vimgrep", "-N", "Sherlock|Watson"], expected, 0);
}

#[test]
fn vimgrep_no_line_no_column() {
    let expected = "\
sherlock:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:be, to a very large extent, the result of luck. Sherlock Holmes
sherlock:but Doctor Watson has to have it taken out for him and dusted,
";
    Dir::sherlock().expect(&["--vimgrep", "-N", "--no-column", "Sherlock|Watson"], expected, 0);
}

#[test]
#[ignore = "deliberate: ba runs no program on the files it reads (no --pre; -z decodes in-process)"]
fn preprocessing() {
    let dir = Dir::new().with("sherlock.xz", data("sherlock.xz"));
    dir.expect(&["--pre", "xzcat", "Sherlock", "sherlock.xz"], &sherlock_lines_1_3("sherlock.xz"), 0);
}

#[test]
#[ignore = "deliberate: ba runs no program on the files it reads (no --pre; -z decodes in-process)"]
fn preprocessing_glob() {
    let dir = Dir::sherlock().with("sherlock.xz", data("sherlock.xz"));
    let expected = format!("{LINES_1_3}{}", sherlock_lines_1_3("sherlock.xz"));
    dir.expect(&["--pre", "xzcat", "--pre-glob", "*.xz", "Sherlock"], &expected, 0);
}

/// `-z` finds the hits of [`SHERLOCK`] compressed in `name`.
fn decompressed(name: &str) {
    let dir = Dir::new().with(name, data(name));
    dir.expect(&["-z", "Sherlock", name], &sherlock_lines_1_3(name), 0);
}

#[test]
fn compressed_gzip() {
    decompressed("sherlock.gz");
}

#[test]
fn compressed_bzip2() {
    decompressed("sherlock.bz2");
}

#[test]
fn compressed_xz() {
    decompressed("sherlock.xz");
}

#[test]
fn compressed_lz4() {
    decompressed("sherlock.lz4");
}

#[test]
fn compressed_lzma() {
    decompressed("sherlock.lzma");
}

#[test]
fn compressed_brotli() {
    decompressed("sherlock.br");
}

#[test]
fn compressed_zstd() {
    decompressed("sherlock.zst");
}

#[test]
fn compressed_uncompress() {
    decompressed("sherlock.Z");
}

#[test]
fn compressed_failing_gzip() {
    let out = Dir::new().with("sherlock.gz", SHERLOCK).ba(&["-z", "Sherlock", "sherlock.gz"]);
    assert_eq!(out.status.code(), Some(2));
    assert_stderr_has(&out, "sherlock.gz");
}

const NUL_FOO: &str = "foo\x00bar\nfoo\x00baz\n";

/// A named file with binary data that matched: said once on stderr, no line printed.
fn binary_convert_case() {
    let out = Dir::new().with("file", NUL_FOO).expect_code(&["foo", "file"], 0);
    assert!(out.stdout.is_empty(), "{}", super::text(&out.stdout));
    assert_stderr_has(&out, "file: binary file matches (found \"\\0\" byte around offset 3)");
}

#[test]
fn binary_convert() {
    binary_convert_case();
}

#[test]
fn binary_convert_mmap() {
    binary_convert_case();
}

#[test]
fn binary_quit() {
    Dir::new().with("file", NUL_FOO).expect_err(&["foo", "-gfile"]);
}

#[test]
fn binary_quit_mmap() {
    Dir::new().with("file", NUL_FOO).expect_err(&["foo", "-gfile"]);
}

#[test]
fn binary_search_mmap() {
    Dir::new().with("file", NUL_FOO).expect(
        &["-a", "foo", "file"],
        "file:1:foo\x00bar\nfile:2:foo\x00baz\n",
        0,
    );
}

#[test]
fn binary_search_no_mmap() {
    Dir::new().with("file", NUL_FOO).expect(
        &["-a", "foo", "file"],
        "file:1:foo\x00bar\nfile:2:foo\x00baz\n",
        0,
    );
}

#[test]
fn files() {
    Dir::new().with("file", "").with("dir/file", "").expect(&["--files"], "dir/file\nfile\n", 0);
}

#[test]
fn type_list() {
    let out = Dir::new().expect_code(&["--type-list"], 0);
    assert!(!out.stdout.is_empty());
}

/// ripgrep's `sort_setup`: `a`, `dir/c`, `b`, `dir/d`, made (and read) in that order.
fn sort_setup() -> Dir {
    let dir = Dir::new().with("a", "test").with("dir/c", "test").with("b", "test").with("dir/d", "test");
    dir.accessed_in_order(&["a", "dir/c", "b", "dir/d"])
}

#[test]
fn sort_files() {
    sort_setup().expect(&["test"], "a:1:test\nb:1:test\ndir/c:1:test\ndir/d:1:test\n", 0);
}

#[test]
#[ignore = "deliberate: ba prints in walk order always (no --sort accessed)"]
fn sort_accessed() {
    sort_setup().expect(
        &["--sort", "accessed", "test"],
        "a:1:test\ndir/c:1:test\nb:1:test\ndir/d:1:test\n",
        0,
    );
}

#[test]
#[ignore = "deliberate: ba prints in walk order always (no --sortr)"]
fn sortr_accessed() {
    sort_setup().expect(
        &["--sortr", "accessed", "test"],
        "dir/d:1:test\nb:1:test\ndir/c:1:test\na:1:test\n",
        0,
    );
}
