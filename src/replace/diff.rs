//! `--dry-run` and `--interactive`: a rewrite shown as a unified diff with three lines of context,
//! raw bytes into a pipe (a patch `patch -p0` applies), escaped and coloured on a terminal.

use std::path::Path;

use crate::engine::count_newlines;
use crate::format::{Formatter, Paint};
use crate::sanitize::push_escaped;

use super::Rewrite;

/// Lines of context around each change.
const CONTEXT: u64 = 3;
const NO_NEWLINE: &[u8] = b" No newline at end of file";

/// Writes the diff between `old` and `rewrite` of the file at `path`.
pub(crate) fn write(out: &mut Vec<u8>, formatter: &Formatter, path: &Path, old: &[u8], rewrite: &Rewrite) {
    let old_lines: Vec<&[u8]> = split_lines(old);
    let last_line = old_lines.len() as u64;
    let unterminated = old.last().is_some_and(|&b| b != b'\n');
    let name = formatter.path(path);
    formatter.paint(out, Paint::Header, format!("--- {name}\n+++ {name}\n").as_bytes());
    let changes = &rewrite.lines;
    // Lines the hunks so far added (a replacement may hold newlines) or removed (a last line without
    // a newline may vanish): later hunks start lower or higher.
    let mut shift: i64 = 0;
    let mut first = 0;
    while first < changes.len() {
        // A hunk takes every change within 2 * CONTEXT lines of the one before.
        let mut last = first;
        while last + 1 < changes.len()
            && changes[last + 1].line_number - changes[last].line_number <= 2 * CONTEXT
        {
            last += 1;
        }
        let start = changes[first].line_number.saturating_sub(CONTEXT).max(1);
        let end = (changes[last].line_number + CONTEXT).min(last_line);
        let count = end - start + 1;
        // Each changed line becomes as many lines as its new text makes (none, or several).
        let new_count = changes[first..=last].iter().fold(count, |lines, c| {
            let at_eof = unterminated && c.line_number == last_line;
            lines - 1 + new_lines(&rewrite.content[c.new.clone()], at_eof)
        });
        // An empty range starts at the line before it.
        let new_start = start.saturating_add_signed(shift) - u64::from(new_count == 0);
        let hunk = format!("@@ -{start},{count} +{new_start},{new_count} @@\n");
        formatter.paint(out, Paint::Hunk, hunk.as_bytes());
        let mut change = first;
        for number in start..=end {
            let line = old_lines[number as usize - 1];
            let at_eof = unterminated && number == last_line;
            if change <= last && changes[change].line_number == number {
                let new_body = &rewrite.content[changes[change].new.clone()];
                // The line end is not part of the change: the CR of a CRLF stays on the new line.
                let cr: &[u8] = if line.ends_with(b"\r") && !at_eof { b"\r" } else { b"" };
                write_line(out, formatter, b'-', line, b"");
                if at_eof {
                    write_line(out, formatter, b'\\', NO_NEWLINE, b"");
                }
                // At the end of a file without a final newline, a new text that ends with one (or is
                // empty) leaves no unterminated line behind.
                let body = if at_eof { new_body.strip_suffix(b"\n").unwrap_or(new_body) } else { new_body };
                let pieces = count_newlines(body) as usize;
                let unterminated_after = at_eof && new_body.last().is_some_and(|&b| b != b'\n');
                if !(at_eof && new_body.is_empty()) {
                    for (i, piece) in body.split(|&b| b == b'\n').enumerate() {
                        write_line(out, formatter, b'+', piece, if i == pieces { cr } else { b"" });
                    }
                }
                if unterminated_after {
                    write_line(out, formatter, b'\\', NO_NEWLINE, b"");
                }
                change += 1;
            } else {
                write_line(out, formatter, b' ', line, b"");
                if at_eof {
                    write_line(out, formatter, b'\\', NO_NEWLINE, b"");
                }
            }
        }
        shift += new_count as i64 - count as i64;
        first = last + 1;
    }
}

/// The lines a changed line's new text takes in the new file: one more than its newlines, as the
/// line keeps its line end; at the end of a file without a final newline, a final newline of the new
/// text (or an empty text) ends the file without another line.
fn new_lines(new_body: &[u8], at_eof: bool) -> u64 {
    let newlines = count_newlines(new_body);
    if at_eof {
        newlines + u64::from(new_body.last().is_some_and(|&b| b != b'\n'))
    } else {
        newlines + 1
    }
}

/// One diff line. Raw bytes into a pipe; on a terminal, controls escaped.
fn write_line(out: &mut Vec<u8>, formatter: &Formatter, sign: u8, text: &[u8], suffix: &[u8]) {
    let mut line = Vec::with_capacity(1 + text.len() + suffix.len());
    line.push(sign);
    line.extend_from_slice(text);
    line.extend_from_slice(suffix);
    if formatter.is_terminal() {
        let mut escaped = String::new();
        push_escaped(&mut escaped, &line);
        line = escaped.into_bytes();
    }
    match sign {
        b'-' => formatter.paint(out, Paint::Removed, &line),
        b'+' => formatter.paint(out, Paint::Added, &line),
        _ => out.extend_from_slice(&line),
    }
    out.push(b'\n');
}

/// The lines of `text` without their `\n` (a last line without one included).
fn split_lines(text: &[u8]) -> Vec<&[u8]> {
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    body.split(|&b| b == b'\n').collect()
}
