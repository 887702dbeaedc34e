//! The fuzz targets' properties (`fuzz/`, see `black_arrow::properties`), run by proptest on a
//! stable toolchain: left out of `cargo test` (`#[ignore]`), they are a deep run of many cases, as
//! many as PROPTEST_CASES says (the README gives the commands). `library_*` run ba's code in this
//! process, thousands of cases a second; `binary_*` run the `ba` binary, twice a case at most.

use std::path::Path;

use black_arrow::properties::{self, BinaryCase, EngineCase, JournalDamage, Lines, ReplaceCase};
use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::util::ba_path;

/// PROPTEST_CASES cases, else `cases`; no regression files written (a failure prints its input).
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    Config { cases, failure_persistence: None, ..Config::default() }
}

fn recipe(len: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..len)
}

fn lines() -> impl Strategy<Value = Lines> {
    (any::<bool>(), 0u64..4, 0u64..4, any::<bool>(), prop::option::of(1u64..4)).prop_map(
        |(invert, before, after, passthru, max_count)| Lines { invert, before, after, passthru, max_count },
    )
}

/// A template from the pieces of every syntax, or any text at all.
fn template() -> impl Strategy<Value = String> {
    prop_oneof![recipe(12).prop_map(|r| properties::template_from(&r)), any::<String>()]
}

/// A rewrite: its pattern, whether it ignores case, its template and the text it rewrites.
fn rewrite() -> impl Strategy<Value = (String, bool, String, Vec<u8>)> {
    (recipe(8), any::<bool>(), recipe(6), recipe(80)).prop_map(|(pattern, ignore_case, template, text)| {
        let pattern = properties::pattern_from(&pattern);
        (pattern, ignore_case, properties::template_from(&template), properties::text_from(&text))
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    #[ignore = "a deep run: PROPTEST_CASES=100000 cargo test --release --test it fuzz_properties::library_ -- --ignored"]
    fn library_engine_matches_the_oracle(
        pattern in recipe(10),
        ignore_case in any::<bool>(),
        text in recipe(120),
        cuts in prop::collection::vec(0usize..500, 0..6),
        buffer in 1usize..32,
        lines in lines(),
    ) {
        let (pattern, text) = (properties::pattern_from(&pattern), properties::text_from(&text));
        let case = EngineCase { pattern: &pattern, ignore_case, text: &text, cuts: &cuts, buffer, lines };
        properties::engine_matches_oracle(&case).map_err(TestCaseError::fail)?;
    }

    #[test]
    #[ignore = "a deep run: PROPTEST_CASES=100000 cargo test --release --test it fuzz_properties::library_ -- --ignored"]
    fn library_templates_round_trip(template in template(), pattern in any::<usize>(), haystack in recipe(40)) {
        let haystack = properties::text_from(&haystack);
        properties::template_round_trips(&template, pattern, &haystack).map_err(TestCaseError::fail)?;
    }

    #[test]
    #[ignore = "a deep run: PROPTEST_CASES=100000 cargo test --release --test it fuzz_properties::library_ -- --ignored"]
    fn library_rewrite_matches_the_oracle((pattern, ignore_case, template, text) in rewrite()) {
        properties::rewrite_matches_oracle(&pattern, ignore_case, &template, &text).map_err(TestCaseError::fail)?;
    }

    #[test]
    #[ignore = "a deep run: PROPTEST_CASES=100000 cargo test --release --test it fuzz_properties::library_ -- --ignored"]
    fn library_undo_journal_reads_any_bytes_safely(
        bytes in prop_oneof![recipe(300), journal_bytes()],
        done in prop::option::of(0u64..4),
    ) {
        properties::undo_journal_reads_safely(&bytes, done).map_err(TestCaseError::fail)?;
    }

    #[test]
    #[ignore = "a deep run: PROPTEST_CASES=100000 cargo test --release --test it fuzz_properties::library_ -- --ignored"]
    fn library_undo_journal_damage_is_found(records in journal_records(), damage in journal_damage()) {
        properties::undo_journal_damage_is_found(&records, damage).map_err(TestCaseError::fail)?;
    }
}

/// A few records: a path, an old and a new content each.
fn journal_records() -> impl Strategy<Value = Vec<(Vec<u8>, Vec<u8>, Vec<u8>)>> {
    prop::collection::vec((recipe(12), recipe(40), recipe(8)), 1..4)
}

fn journal_damage() -> impl Strategy<Value = JournalDamage> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, mask)| JournalDamage::Flip { at, mask }),
        any::<usize>().prop_map(|at| JournalDamage::Cut { at }),
    ]
}

/// A whole journal with a few of its bytes changed: closer to what the reader accepts than random
/// bytes are.
fn journal_bytes() -> impl Strategy<Value = Vec<u8>> {
    (journal_records(), prop::collection::vec((any::<usize>(), any::<u8>()), 0..3)).prop_map(
        |(records, edits)| {
            let mut bytes = properties::undo_journal_of(&records);
            for (at, byte) in edits {
                if !bytes.is_empty() {
                    let at = at % bytes.len();
                    bytes[at] = byte;
                }
            }
            bytes
        },
    )
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    #[ignore = "a deep run: PROPTEST_CASES=5000 cargo test --release --test it fuzz_properties::binary_ -- --ignored"]
    fn binary_search_matches_the_oracle(
        pattern in recipe(10),
        ignore_case in any::<bool>(),
        text in recipe(200),
        workers in 1u8..5,
        part_size in 1u16..64,
    ) {
        let (pattern, text) = (properties::pattern_from(&pattern), properties::text_from(&text));
        let case = BinaryCase { pattern: &pattern, ignore_case, text: &text, workers, part_size };
        properties::binary_search_matches_oracle(Path::new(ba_path()), &case).map_err(TestCaseError::fail)?;
    }

    #[test]
    #[ignore = "a deep run: PROPTEST_CASES=5000 cargo test --release --test it fuzz_properties::binary_ -- --ignored"]
    fn binary_replace_then_undo_gives_back_the_bytes((pattern, ignore_case, template, text) in rewrite()) {
        let case = ReplaceCase { pattern: &pattern, ignore_case, template: &template, text: &text };
        properties::binary_replace_then_undo(Path::new(ba_path()), &case).map_err(TestCaseError::fail)?;
    }
}
