//! The `ba` binary (BA_BIN), with `-w` searcher threads and the file cut into parts of
//! `BA_PART_SIZE` bytes, against the line-by-line oracle.
#![no_main]

use std::path::PathBuf;

use arbitrary::Arbitrary;
use black_arrow::properties::{self, BinaryCase};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    /// Recipes: each byte picks a piece of the pattern, of the text.
    pattern: Vec<u8>,
    text: Vec<u8>,
    ignore_case: bool,
    workers: u8,
    part_size: u8,
}

fuzz_target!(|input: Input| {
    let binary = PathBuf::from(std::env::var_os("BA_BIN").expect("BA_BIN names the ba binary to run"));
    let (pattern, text) = (properties::pattern_from(&input.pattern), properties::text_from(&input.text));
    let case = BinaryCase {
        pattern: &pattern,
        ignore_case: input.ignore_case,
        text: &text,
        workers: input.workers % 4 + 1,
        part_size: u16::from(input.part_size % 64) + 1,
    };
    if let Err(failure) = properties::binary_search_matches_oracle(&binary, &case) {
        panic!("{failure}");
    }
});
