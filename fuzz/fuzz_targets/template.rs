//! The replacement-template parser (never panics; what it parses is what the regex crate's syntax
//! means) and a rewrite pass in memory against the oracle.
#![no_main]

use arbitrary::Arbitrary;
use black_arrow::properties;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Template {
    /// Each byte picks a piece: every syntax of a group reference, escapes, brackets.
    Pieces(Vec<u8>),
    /// Any text at all.
    Raw(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    template: Template,
    /// Which of the parser's test patterns the template is parsed for.
    template_pattern: usize,
    /// Recipes: the pattern and the text of the rewrite.
    pattern: Vec<u8>,
    text: Vec<u8>,
    ignore_case: bool,
}

fuzz_target!(|input: Input| {
    let template = match &input.template {
        Template::Pieces(recipe) => properties::template_from(recipe),
        Template::Raw(text) => text.clone(),
    };
    let text = properties::text_from(&input.text);
    if let Err(failure) = properties::template_round_trips(&template, input.template_pattern, &text) {
        panic!("{failure}");
    }
    let pattern = properties::pattern_from(&input.pattern);
    if let Err(failure) = properties::rewrite_matches_oracle(&pattern, input.ignore_case, &template, &text) {
        panic!("{failure}");
    }
});
