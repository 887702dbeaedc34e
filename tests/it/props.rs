//! Property tests: ba's output on random files and trees against naive oracles (a line-by-line
//! matcher with the `regex` crate, and a sorted depth-first walk).

use std::path::Path;

use black_arrow::properties::PATTERNS;

use crate::util::*;
use proptest::prelude::*;
use proptest::test_runner::Config;
use regex::bytes::{Regex, RegexBuilder};

const PIECES: &[&str] = &["a", "b", "A", "B", "c", " ", "\t", "\r", "\n", "\n", "é", "É", "1"];

/// `cases` cases, or as many as PROPTEST_CASES says for a deeper run; no regression files written.
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    Config { cases, failure_persistence: None, ..Config::default() }
}

#[derive(Clone, Copy, Debug)]
enum Case {
    Smart,
    Strict,
    Ignore,
}

fn oracle_regex(pattern: &str, case: Case, word: bool) -> Regex {
    // A word: no word character just before the match, none just after (ripgrep's half boundaries).
    let pattern =
        if word { format!(r"\b{{start-half}}(?:{pattern})\b{{end-half}}") } else { pattern.to_string() };
    let insensitive = match case {
        Case::Smart => !has_uppercase_outside_escapes(&pattern),
        Case::Strict => false,
        Case::Ignore => true,
    };
    RegexBuilder::new(&pattern).case_insensitive(insensitive).build().unwrap()
}

/// Smart case for the patterns above: an uppercase letter typed, not one of an escape (`\A`, `\B`,
/// `\S`).
fn has_uppercase_outside_escapes(pattern: &str) -> bool {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if c.is_uppercase() {
            return true;
        }
    }
    false
}

fn case_flags(case: Case) -> &'static [&'static str] {
    match case {
        Case::Smart => &[],
        Case::Strict => &["-l"],
        Case::Ignore => &["--ignore-case"],
    }
}

fn content() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(PIECES), 0..120)
        .prop_map(|pieces| pieces.concat().into_bytes())
}

fn case() -> impl Strategy<Value = Case> {
    prop::sample::select(vec![Case::Smart, Case::Strict, Case::Ignore])
}

proptest! {
    #![proptest_config(config(40))]

    /// Pipe output, -m output and the summary's line count of one random file, cut into parts of
    /// `part_size` bytes when it is over two parts and there are several workers.
    #[test]
    fn one_file_matches_the_line_by_line_oracle(
        text in content(),
        pattern in prop::sample::select(PATTERNS),
        case in case(),
        word in any::<bool>(),
        workers in 1u16..4,
        part_size in 1u64..64,
    ) {
        let dir = tempdir();
        write(dir.path(), "f.txt", &text);
        let re = oracle_regex(pattern, case, word);
        let workers = workers.to_string();
        let mut args: Vec<&str> = vec!["-w", &workers];
        args.extend(case_flags(case));
        if word {
            args.push("--word-regexp");
        }
        args.extend(["--", pattern, "f.txt"]);
        let ba_in_parts = |flag: Option<&str>| {
            ba(dir.path()).env("BA_PART_SIZE", part_size.to_string()).args(flag).args(&args).run()
        };

        let expected = expected_pipe("f.txt", &text, &re);
        let out = ba_in_parts(None);
        prop_assert_eq!(out.status.code(), Some(if expected.is_empty() { 1 } else { 0 }));
        prop_assert_output_eq!(String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&expected));

        let out = ba_in_parts(Some("-m"));
        let expected = expected_match_only("f.txt", &text, &re);
        prop_assert_output_eq!(String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&expected));

        let out = ba_in_parts(Some("--pretty"));
        let out = stdout_of(&out);
        let lines = format!("\nLines Searched: {}\n", thousands(line_count(&text)));
        prop_assert!(out.contains(&lines), "{:?} lacks {:?}", out, lines);
    }
}

/// Path components that sort in interesting ways, used for both directories and files.
const NAMES: &[&str] = &["a", "b", "B", "a-b", "a.b", "a_b", "1", "10", "2", "é", "z"];

/// Writes the files of a random tree, skipping a path whose prefix is already a file or which is
/// already a directory.
fn build_tree(root: &Path, files: &[(Vec<&str>, Vec<bool>)]) {
    for (components, lines) in files {
        let rel = components.join("/");
        let path = root.join(&rel);
        let blocked = path.is_dir() || path.ancestors().skip(1).take(components.len() - 1).any(Path::is_file);
        if blocked {
            continue;
        }
        let text: String = lines
            .iter()
            .enumerate()
            .map(|(i, &hit)| if hit { format!("hit {rel} {i}\n") } else { format!("miss {i}\n") })
            .collect();
        write(root, &rel, text);
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// Whatever the tree and the number of workers, hits come in walk order.
    #[test]
    fn a_random_tree_prints_in_walk_order(
        files in prop::collection::vec(
            (
                prop::collection::vec(prop::sample::select(NAMES), 1..4),
                prop::collection::vec(any::<bool>(), 0..6),
            ),
            1..30,
        ),
        workers in 1u16..6,
    ) {
        let dir = tempdir();
        let root = dir.path().join("t");
        std::fs::create_dir(&root).unwrap();
        build_tree(&root, &files);
        let re = Regex::new("hit").unwrap();
        let mut expected = Vec::new();
        for path in walk_order(&root, false) {
            let rel = path.strip_prefix(&root).unwrap().to_str().unwrap().to_string();
            expected.extend(expected_pipe(&rel, &std::fs::read(&path).unwrap(), &re));
        }
        let out = run(&root, &["-w", &workers.to_string(), "hit"]);
        prop_assert_eq!(out.status.code(), Some(if expected.is_empty() { 1 } else { 0 }));
        prop_assert_output_eq!(String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&expected));
    }
}
