//! ripgrep's `tests/binary.rs`: binary files, found while walking (implicit) or named (explicit).
//!
//! The haystack is the first 2,133 lines of "A Study in Scarlet" with a NUL byte at line 1870
//! (offset 77041). ripgrep's `--mmap`/`--no-mmap` choose how it reads a file; ba has one way, so the
//! cases run without them. ba has no `--binary`: a walked file with a NUL byte in its first 256 KiB is
//! not searched, and a named one is searched whole (the README's "What is searched").

use super::{assert_stderr_has, check, data, Dir};

const FIRST: &str = "hay:1:The Project Gutenberg EBook of A Study In Scarlet, by Arthur Conan Doyle\n";
const HEAVEN: &str = "hay:1871:\"No. Heaven knows what the objects of his studies are. But here we\n";
const BINARY_MATCHES: &str = "hay: binary file matches (found \"\\0\" byte around offset 77041)";

fn hay() -> Dir {
    Dir::new().with("hay", data("sherlock-nul.txt"))
}

fn medical_students() -> String {
    let mut lines: Vec<String> = [176, 409, 642, 875, 1108, 1341, 1574, 1807]
        .iter()
        .map(|n| format!("hay:{n}:\"A medical student, I suppose?\" said I.\n"))
        .collect();
    lines.push("hay:1867:\"And yet you say he is not a medical student?\"\n".to_string());
    lines.concat()
}

#[test]
#[ignore = "deliberate: a walked file with a NUL byte in its first 256 KiB is skipped, whatever the I/O mode"]
fn mmap_match_implicit() {
    hay().expect(&["Project Gutenberg EBook", "-g", "hay"], FIRST, 0);
}

#[test]
fn mmap_match_explicit() {
    hay().expect(&["Project Gutenberg EBook", "hay"], FIRST, 0);
}

#[test]
fn mmap_match_near_nul() {
    let out = hay().ba(&["abcdef", "hay"]);
    check(&out, &["abcdef", "hay"], "", 0);
    assert_stderr_has(&out, BINARY_MATCHES);
}

#[test]
fn mmap_match_count() {
    hay().expect(&["-c", "Project Gutenberg EBook|Heaven", "hay"], "2\n", 0);
}

#[test]
#[ignore = "deliberate: a named binary file's search ends at its first NUL byte, as ripgrep's without --mmap"]
fn mmap_match_multiple() {
    hay().expect(&["Project Gutenberg EBook|Heaven", "hay"], &format!("{FIRST}{HEAVEN}"), 0);
}

#[test]
#[ignore = "deliberate: ba has no --binary (a walked binary file is skipped; name it to search it)"]
fn mmap_binary_flag() {
    hay().expect(&["--binary", "Heaven", "-g", "hay"], HEAVEN, 0);
}

#[test]
fn mmap_text_flag() {
    hay().expect(&["--text", "Heaven", "-g", "hay"], HEAVEN, 0);
}

#[test]
fn mmap_after_nul_match() {
    hay().expect(&["medical student", "hay"], &medical_students(), 0);
}

#[test]
#[ignore = "deliberate: a walked file with a NUL byte in its first 256 KiB is skipped, not searched up to it"]
fn after_match1_implicit() {
    let out = hay().ba(&["Project Gutenberg EBook", "-g", "hay"]);
    check(&out, &[], FIRST, 0);
    assert_stderr_has(
        &out,
        "hay: WARNING: stopped searching binary file after match (found \"\\0\" byte around offset 77041)",
    );
}

#[test]
fn after_match1_explicit() {
    let out = hay().ba(&["Project Gutenberg EBook", "hay"]);
    check(&out, &[], FIRST, 0);
    assert_stderr_has(&out, BINARY_MATCHES);
}

// Standard input's hits are its bare lines in ba's pipe format.
#[test]
fn after_match1_stdin() {
    let out = Dir::new().ba_stdin(&["Project Gutenberg EBook"], data("sherlock-nul.txt"));
    check(&out, &[], "The Project Gutenberg EBook of A Study In Scarlet, by Arthur Conan Doyle\n", 0);
    assert_stderr_has(&out, "binary file matches (found \"\\0\" byte around offset 77041)");
}

#[test]
#[ignore = "deliberate: ba has no --binary (a walked binary file is skipped; name it to search it)"]
fn after_match1_implicit_binary() {
    let out = hay().ba(&["--binary", "Project Gutenberg EBook", "-g", "hay"]);
    check(&out, &[], FIRST, 0);
    assert_stderr_has(&out, BINARY_MATCHES);
}

#[test]
fn after_match1_implicit_text() {
    hay().expect(&["--text", "Project Gutenberg EBook", "-g", "hay"], FIRST, 0);
}

#[test]
fn after_match1_explicit_text() {
    hay().expect(&["--text", "Project Gutenberg EBook", "hay"], FIRST, 0);
}

// ripgrep prints `hay` here: it stops at the first match, before it sees the NUL byte.
#[test]
#[ignore = "deliberate: a walked file with a NUL byte in its first 256 KiB is skipped before any match"]
fn after_match1_implicit_path() {
    hay().expect(&["--files-with-matches", "Project Gutenberg EBook", "-g", "hay"], "hay\n", 0);
}

// ripgrep exits 0 here: it stops at the first match, before it sees the NUL byte.
#[test]
#[ignore = "deliberate: a walked file with a NUL byte in its first 256 KiB is skipped before any match"]
fn after_match1_implicit_quiet() {
    hay().expect(&["-q", "Project Gutenberg EBook", "-g", "hay"], "", 0);
}

#[test]
fn after_match1_implicit_count() {
    hay().expect(&["-c", "Project Gutenberg EBook", "-g", "hay"], "", 1);
}

#[test]
#[ignore = "deliberate: ba has no --binary (a walked binary file is skipped; name it to search it)"]
fn after_match1_implicit_count_binary() {
    hay().expect(&["-c", "--binary", "Project Gutenberg EBook", "-g", "hay"], "hay:1\n", 0);
}

#[test]
fn after_match1_explicit_count() {
    hay().expect(&["-c", "Project Gutenberg EBook", "hay"], "1\n", 0);
}

#[test]
#[ignore = "deliberate: a walked file with a NUL byte in its first 256 KiB is skipped, not searched up to it"]
fn after_match2_implicit() {
    hay().expect(&["Project Gutenberg EBook|a medical student", "-g", "hay"], FIRST, 0);
}

#[test]
fn after_match2_implicit_text() {
    let expected = format!("{FIRST}hay:1867:\"And yet you say he is not a medical student?\"\n");
    hay().expect(&["--text", "Project Gutenberg EBook|a medical student", "-g", "hay"], &expected, 0);
}

#[test]
fn before_match1_implicit() {
    hay().expect(&["Heaven", "-g", "hay"], "", 1);
}

#[test]
fn before_match1_explicit() {
    let out = hay().ba(&["Heaven", "hay"]);
    check(&out, &[], "", 0);
    assert_stderr_has(&out, BINARY_MATCHES);
}

#[test]
#[ignore = "deliberate: ba has no --binary (a walked binary file is skipped; name it to search it)"]
fn before_match1_implicit_binary() {
    let out = hay().ba(&["--binary", "Heaven", "-g", "hay"]);
    check(&out, &[], "", 0);
    assert_stderr_has(&out, BINARY_MATCHES);
}

#[test]
fn before_match1_implicit_text() {
    hay().expect(&["--text", "Heaven", "-g", "hay"], HEAVEN, 0);
}

#[test]
fn before_match2_implicit() {
    hay().expect(&["a medical student", "-g", "hay"], "", 1);
}

#[test]
#[ignore = "deliberate: a named file\'s text hits before its first NUL byte are shown (ripgrep hides those of the buffer that holds it)"]
fn before_match2_explicit() {
    let out = hay().ba(&["a medical student", "hay"]);
    check(&out, &[], "", 0);
    assert_stderr_has(&out, BINARY_MATCHES);
}

#[test]
fn before_match2_implicit_text() {
    let expected = "hay:1867:\"And yet you say he is not a medical student?\"\n";
    hay().expect(&["--text", "a medical student", "-g", "hay"], expected, 0);
}

// ripgrep's -c leaves out file1.txt, whose NUL byte lies past its first match: ba's text of a walked
// file ends at a NUL byte past the first 256 KiB, so -c counts the match before it, as -l finds it.
#[test]
#[ignore = "deliberate: a walked file's text ends at a NUL byte past its first 256 KiB; -c and -l agree"]
fn matching_files_inconsistent_with_count() {
    let mut file1 = String::from("cat here\n");
    file1.push_str(&"padding line\n".repeat(150_000));
    file1.push('\0');
    let dir = Dir::new().with("file1.txt", file1).with("file2.txt", "cat here");
    dir.expect(&["--files-with-matches", "cat"], "file1.txt\nfile2.txt\n", 0);
    dir.expect(&["-c", "cat"], "file2.txt:1\n", 0);
    dir.expect(&["-c", "cat", "--binary"], "file1.txt:1\nfile2.txt:1\n", 0);
    dir.expect(&["-c", "cat", "--text"], "file1.txt:1\nfile2.txt:1\n", 0);
}
