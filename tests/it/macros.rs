//! Assertions on whole outputs that show, when they fail, a line-by-line diff of what was expected
//! and what came out, instead of two long strings to compare by eye.

use std::borrow::Cow;
use std::fmt::Write;
use std::time::{Duration, Instant};

use similar::{Algorithm, DiffOp};

/// Asserts that an output equals what is expected, like `assert_eq!(actual, expected)` on text or
/// bytes (`&str`, `String`, `&[u8]`, `Vec<u8>`, `Cow<str>`...), the two not necessarily of the same
/// type. When they differ it panics with a unified diff of the lines, expected `-`, actual `+`,
/// after the optional message (`format!` arguments).
macro_rules! assert_output_eq {
    ($actual:expr, $expected:expr $(,)?) => {
        if let Some(diff) = $crate::macros::output_diff(&$actual, &$expected) {
            panic!("the output is not the expected one:\n{diff}");
        }
    };
    ($actual:expr, $expected:expr, $($message:tt)+) => {
        if let Some(diff) = $crate::macros::output_diff(&$actual, &$expected) {
            panic!("{}: the output is not the expected one:\n{diff}", format_args!($($message)+));
        }
    };
}

/// [`assert_output_eq!`] for a proptest body: a difference fails the case (and proptest shrinks it)
/// instead of panicking.
macro_rules! prop_assert_output_eq {
    ($actual:expr, $expected:expr $(,)?) => {
        if let Some(diff) = $crate::macros::output_diff(&$actual, &$expected) {
            return Err(proptest::test_runner::TestCaseError::fail(format!(
                "the output is not the expected one:\n{diff}"
            )));
        }
    };
}

/// Text or bytes, compared and shown as bytes.
pub trait Text {
    fn output_bytes(&self) -> &[u8];
}

impl Text for [u8] {
    fn output_bytes(&self) -> &[u8] {
        self
    }
}

impl<const N: usize> Text for [u8; N] {
    fn output_bytes(&self) -> &[u8] {
        self
    }
}

impl Text for Vec<u8> {
    fn output_bytes(&self) -> &[u8] {
        self
    }
}

impl Text for str {
    fn output_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Text for String {
    fn output_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl<T: Text + ToOwned + ?Sized> Text for Cow<'_, T> {
    fn output_bytes(&self) -> &[u8] {
        self.as_ref().output_bytes()
    }
}

impl<T: Text + ?Sized> Text for &T {
    fn output_bytes(&self) -> &[u8] {
        (**self).output_bytes()
    }
}

/// Lines of context around each change.
const CONTEXT: usize = 3;
/// The diff stops after this many lines.
const MAX_DIFF_LINES: usize = 100;
/// A longer line is cut when shown.
const MAX_SHOWN_CHARS: usize = 240;

/// None when `actual` and `expected` are equal; otherwise a unified diff of their lines, which
/// shows control characters and invalid UTF-8 escaped and says when a last line has no `\n`.
pub fn output_diff(actual: &(impl Text + ?Sized), expected: &(impl Text + ?Sized)) -> Option<String> {
    let (actual, expected) = (actual.output_bytes(), expected.output_bytes());
    if actual == expected {
        return None;
    }
    let old: Vec<&[u8]> = expected.split_inclusive(|&b| b == b'\n').collect();
    let new: Vec<&[u8]> = actual.split_inclusive(|&b| b == b'\n').collect();
    let mut out = format!(
        "expected {} ({} bytes), got {} ({} bytes)\n--- expected\n+++ actual\n",
        count(old.len(), "line"),
        expected.len(),
        count(new.len(), "line"),
        actual.len()
    );
    // A diff of very different outputs can take long: past the deadline it is coarser, not slower.
    let deadline = Instant::now() + Duration::from_secs(2);
    let ops = similar::capture_diff_slices_deadline(Algorithm::Myers, &old, &new, Some(deadline));
    let mut shown = 0;
    for group in similar::group_diff_ops(ops, CONTEXT) {
        let (first, last) = (group[0], group[group.len() - 1]);
        let (old_range, new_range) =
            (first.old_range().start..last.old_range().end, first.new_range().start..last.new_range().end);
        writeln!(out, "@@ -{} +{} @@", hunk_range(&old_range), hunk_range(&new_range)).unwrap();
        for op in group {
            let lines: Vec<(char, &[u8])> = match op {
                DiffOp::Equal { .. } => old[op.old_range()].iter().map(|l| (' ', *l)).collect(),
                _ => {
                    let removed = old[op.old_range()].iter().map(|l| ('-', *l));
                    removed.chain(new[op.new_range()].iter().map(|l| ('+', *l))).collect()
                }
            };
            for (sign, line) in lines {
                if shown == MAX_DIFF_LINES {
                    out.push_str("... (the rest of the diff is left out)\n");
                    return Some(out);
                }
                shown += 1;
                out.push(sign);
                show_line(&mut out, line);
            }
        }
    }
    Some(out)
}

/// "1 line", "2 lines".
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// `start,len` of a hunk, counting lines from 1 as `diff -u` does.
fn hunk_range(range: &std::ops::Range<usize>) -> String {
    let start = if range.is_empty() { range.start } else { range.start + 1 };
    format!("{start},{}", range.len())
}

/// Appends `line` without its `\n`, escaped for the terminal; a line without `\n` is marked.
fn show_line(out: &mut String, line: &[u8]) {
    let (body, newline) = match line.strip_suffix(b"\n") {
        Some(body) => (body, true),
        None => (line, false),
    };
    let mut chars = 0;
    for chunk in body.utf8_chunks() {
        for c in chunk.valid().chars() {
            if chars == MAX_SHOWN_CHARS {
                write!(out, "... (a line of {} bytes)", body.len()).unwrap();
                return finish_line(out, newline);
            }
            chars += 1;
            match c {
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => write!(out, "{}", c.escape_debug()).unwrap(),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            write!(out, "\\x{b:02X}").unwrap();
        }
    }
    finish_line(out, newline);
}

fn finish_line(out: &mut String, newline: bool) {
    out.push('\n');
    if !newline {
        out.push_str("\\ No newline at end of file\n");
    }
}
