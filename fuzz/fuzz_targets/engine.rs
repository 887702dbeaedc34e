//! The engine, through a big file's parts and small read buffers, against the line-by-line oracle.
#![no_main]

use arbitrary::Arbitrary;
use black_arrow::properties::{self, EngineCase, Lines};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    /// Recipes: each byte picks a piece of the pattern, of the text.
    pattern: Vec<u8>,
    text: Vec<u8>,
    ignore_case: bool,
    cuts: Vec<u16>,
    buffer: u8,
    invert: bool,
    before: u8,
    after: u8,
    passthru: bool,
    max_count: Option<u8>,
}

fuzz_target!(|input: Input| {
    let (pattern, text) = (properties::pattern_from(&input.pattern), properties::text_from(&input.text));
    let cuts: Vec<usize> = input.cuts.iter().map(|&cut| cut as usize).collect();
    let lines = Lines {
        invert: input.invert,
        before: u64::from(input.before % 4),
        after: u64::from(input.after % 4),
        passthru: input.passthru,
        max_count: input.max_count.map(|n| u64::from(n % 4) + 1),
    };
    let case = EngineCase {
        pattern: &pattern,
        ignore_case: input.ignore_case,
        text: &text,
        cuts: &cuts,
        buffer: usize::from(input.buffer % 32) + 1,
        lines,
    };
    if let Err(failure) = properties::engine_matches_oracle(&case) {
        panic!("{failure}");
    }
});
