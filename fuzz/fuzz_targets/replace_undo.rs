//! The `ba` binary (BA_BIN): `ba -r` rewrites a file as the oracle does, and `ba --undo` gives back
//! its bytes. ba has no library call for a whole rewrite (the journal, the rename): the binary is run.
#![no_main]

use std::path::PathBuf;

use arbitrary::Arbitrary;
use black_arrow::properties::{self, ReplaceCase};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    /// Recipes: each byte picks a piece of the pattern, the template, the text.
    pattern: Vec<u8>,
    template: Vec<u8>,
    text: Vec<u8>,
    ignore_case: bool,
}

fuzz_target!(|input: Input| {
    let binary = PathBuf::from(std::env::var_os("BA_BIN").expect("BA_BIN names the ba binary to run"));
    let pattern = properties::pattern_from(&input.pattern);
    let template = properties::template_from(&input.template);
    let text = properties::text_from(&input.text);
    let case =
        ReplaceCase { pattern: &pattern, ignore_case: input.ignore_case, template: &template, text: &text };
    if let Err(failure) = properties::binary_replace_then_undo(&binary, &case) {
        panic!("{failure}");
    }
});
