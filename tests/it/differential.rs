//! ba against ripgrep on random files and patterns: for each mode a ripgrep user types (`-c`, `-v`,
//! `-x`, `--word-regexp`, `-o`, context, `--max-count`, `--json`, `--crlf`, and `-U` with patterns
//! that span lines), the same output. Files
//! hold CRLF and LF lines, a byte-order mark, NUL bytes (searched with `-a` by both), a long line,
//! bytes that are not UTF-8 and case-folding traps (`ſ`, `K`, `ß`). Without ripgrep, skipped.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::util::*;

/// Pieces of lines: letters whose case folds to others (`ſ` is `s`, `K` (Kelvin) is `k`), a NUL,
/// bytes that are not UTF-8, white space and line ends.
const PIECES: &[&[u8]] = &[
    b"foo",
    b"Foo",
    b"bar",
    b"s",
    b"\xC5\xBF",
    b"k",
    b"\xE2\x84\xAA",
    b"\xC3\x9F",
    b"\xC3\xA9",
    b" ",
    b"\t",
    b"-",
    b"\xFF",
    b"\x00",
    b"\r",
    b"\r\n",
    b"\n",
    b"\n",
    b"\n",
];

/// (Not a pattern that matches the empty string everywhere, as `x*`: ripgrep leaves out the empty
/// match at the end of a last line without its line end, which ba counts; the README says so.)
const PATTERNS: &[&str] = &[
    "foo", "Foo", "o+", "s", "k", r"\w+", "^f", "o$", "^$", ".", r"\bbar\b", "[a-z]+", r"\s", "é|ß",
    "(?i)FOO", r"s\b",
];

/// The flags compared, as both read them.
const MODES: &[&[&str]] = &[
    &[],
    &["-c"],
    &["--count-matches"],
    &["-v"],
    &["-x"],
    &["--word-regexp"],
    &["-o"],
    &["-C", "1"],
    &["-A", "1", "-v"],
    &["--max-count", "1", "-B", "1"],
    &["--json"],
    &["--crlf"],
    &["--crlf", "-o"],
];

/// With `-U`: patterns that may span lines, and those above that match no empty string. (ripgrep's
/// -U restarts its search at each match's end, so finds an empty match right after another that
/// its own printer then leaves out, and shows the context of an empty match at the end of a file
/// but not the match: the README says so.)
const MULTILINE_PATTERNS: &[&str] = &[
    r"o\nf",
    r"\s+",
    r"o\s*\n",
    r"\n\n",
    r"foo\s+bar",
    r"[^a]+",
    r"\n",
    "(?s)o.+?b",
    r"\n\s*\n",
    r"bar$\n^",
];

fn multiline_patterns() -> Vec<&'static str> {
    let no_empty_match = PATTERNS.iter().filter(|p| !regex::Regex::new(p).unwrap().is_match(""));
    no_empty_match.chain(MULTILINE_PATTERNS).copied().collect()
}

/// The flags compared with `-U`.
const MULTILINE_MODES: &[&[&str]] = &[
    &["-U"],
    &["-U", "-c"],
    &["-U", "--count-matches"],
    &["-U", "-v"],
    &["-U", "-o"],
    &["-U", "-C", "1"],
    &["-U", "--max-count", "1", "-B", "1"],
    &["-U", "--json"],
    &["-U", "--vimgrep"],
    &["-U", "--column", "-b"],
    &["-U", "--passthru"],
];

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(40);
    Config { cases, failure_persistence: None, ..Config::default() }
}

/// A file of random pieces, maybe with a byte-order mark and a long line.
fn file() -> impl Strategy<Value = Vec<u8>> {
    (any::<bool>(), prop::collection::vec(0..PIECES.len(), 0..40), any::<bool>()).prop_map(
        |(bom, pieces, long)| {
            let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
            for piece in pieces {
                bytes.extend_from_slice(PIECES[piece]);
            }
            if long {
                bytes.extend(b"x".repeat(3000));
                bytes.extend(b" foo bar\n");
            }
            bytes
        },
    )
}

/// The lines that tell times (JSON's `end` and `summary`) left out.
fn without_times(output: &[u8]) -> Vec<u8> {
    output
        .split_inclusive(|&b| b == b'\n')
        .filter(|line| !line.windows(9).any(|w| w == b"\"elapsed\""))
        .flatten()
        .copied()
        .collect()
}

fn compare(dir: &Path, pattern: &str, mode: &[&str], binary: bool) -> Result<(), TestCaseError> {
    let mut args: Vec<&str> = mode.to_vec();
    if binary {
        args.push("-a");
    }
    args.extend(["--regexp", pattern, "a.txt", "b.txt"]);
    let mut rg_args = vec!["--sort", "path", "-H", "-n", "-S", "--no-heading"];
    rg_args.extend_from_slice(&args);
    let Some(rg_out) = rg(dir, &rg_args) else { return Ok(()) };
    let mut ba_args = vec!["-p"];
    ba_args.extend_from_slice(&args);
    let out = run(dir, &ba_args);
    prop_assert!(out.status.code() != Some(2), "ba {ba_args:?}: {}", stderr_of(&out));
    let (ba_text, rg_text) = (without_times(&out.stdout), without_times(&rg_out));
    let (mut ba_text, mut rg_text) = (String::from_utf8_lossy(&ba_text), String::from_utf8_lossy(&rg_text));
    // ripgrep ends the lines it makes or ends itself (`-o`, a last line without its end) with
    // `\r\n` under --crlf, ba with `\n` (the README says so): compared without their `\r`.
    if mode.contains(&"--crlf") {
        (ba_text, rg_text) = (ba_text.replace('\r', "").into(), rg_text.replace('\r', "").into());
    }
    // The first line that differs, cut short: a long line's JSON would fill the screen.
    let differs = ba_text.lines().zip(rg_text.lines()).position(|(ba, rg)| ba != rg);
    let differs = differs.unwrap_or(ba_text.lines().count().min(rg_text.lines().count()));
    let line =
        |text: &str| text.lines().nth(differs).unwrap_or("(none)").chars().take(300).collect::<String>();
    prop_assert!(
        ba_text == rg_text,
        "ba {ba_args:?}, line {}:\n ba: {}\n rg: {}",
        differs + 1,
        line(&ba_text),
        line(&rg_text)
    );
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ba_answers_as_ripgrep(
        a in file(),
        b in file(),
        pattern in prop::sample::select(PATTERNS),
        mode in prop::sample::select(MODES),
    ) {
        compare_files(a, b, pattern, mode)?;
    }

    #[test]
    fn ba_answers_as_ripgrep_across_lines(
        a in file(),
        b in file(),
        pattern in prop::sample::select(multiline_patterns()),
        mode in prop::sample::select(MULTILINE_MODES),
    ) {
        compare_files(a, b, pattern, mode)?;
    }
}

/// Compares ba and ripgrep searching `a.txt` and `b.txt` for `pattern` with the flags `mode`.
fn compare_files(a: Vec<u8>, b: Vec<u8>, pattern: &str, mode: &[&str]) -> Result<(), TestCaseError> {
    {
        // ripgrep's -o prints each empty match as an empty line; ba prints none, as grep (the
        // README says so). ripgrep's --vimgrep -U prints no empty match in a file of one `\n`.
        let per_match = mode.contains(&"-o") || mode.contains(&"--vimgrep");
        let empty_matches = per_match && regex::Regex::new(pattern).unwrap().is_match("");
        if !have(rg_program()) || empty_matches {
            return Ok(());
        }
        let dir = tempdir();
        // ripgrep's byte offsets (`--json`, `-b`) leave a byte-order mark out, ba's are the file's
        // (the README says so): compared without one.
        // Under --crlf, ripgrep sees an empty line after a `\r` that ends a file (`^$` matches
        // `foo\r`); ba sees none: such a file gets its `\n`.
        let unmarked = |file: &[u8]| {
            let mut file = match mode.contains(&"--json") || mode.contains(&"-b") {
                true => file.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(file).to_vec(),
                false => file.to_vec(),
            };
            if mode.contains(&"--crlf") && file.ends_with(b"\r") {
                file.push(b'\n');
            }
            file
        };
        write(dir.path(), "a.txt", unmarked(&a));
        write(dir.path(), "b.txt", unmarked(&b));
        let binary = a.contains(&0) || b.contains(&0);
        compare(dir.path(), pattern, mode, binary)
    }
}
