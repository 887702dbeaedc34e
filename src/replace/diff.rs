//! `--dry-run` and `--interactive`: a rewrite shown as a unified diff with three lines of context,
//! raw bytes into a pipe (a patch `patch -p0` applies), escaped and coloured on a terminal.
//!
//! A hunk's header counts its lines before showing them, so a diff takes two passes over the file:
//! the first finds the hunks ([`Hunks`]: a few numbers each), the second shows them ([`Diff`]).

use std::io::{self, Write};
use std::path::Path;

use memchr::memchr;

use crate::print::format::{Formatter, Paint};
use crate::sanitize::push_escaped;
use crate::search::engine::count_newlines;

use super::stream::{MatchingLine, Piece};

/// Lines of context around each change.
const CONTEXT: u64 = 3;
const NO_NEWLINE: &[u8] = b" No newline at end of file";

/// The hunks of a diff, gathered from the changed lines of a first pass.
#[derive(Default)]
pub(crate) struct Hunks {
    done: Vec<Hunk>,
    /// The hunk the changed lines are joining: its first and last changed line, and the lines its
    /// new side has more (or fewer) than its old side.
    open: Option<(u64, u64, i64)>,
    /// Lines the hunks so far added (a replacement may hold newlines) or removed (a last line
    /// without a newline may vanish): later hunks start lower or higher on the new side.
    shift: i64,
    /// The file starts with a byte-order mark, which keeps its first line from vanishing.
    bom: bool,
}

/// The lines one hunk shows: old lines `old_start..=old_end`, which are `new_count` lines from
/// `new_start` in the new file.
pub(crate) struct Hunk {
    old_start: u64,
    old_end: u64,
    new_start: u64,
    new_count: u64,
}

impl Hunks {
    /// Takes the pieces of a first pass, in order.
    pub(crate) fn take(&mut self, piece: Piece) {
        match piece {
            Piece::Bom(_) => self.bom = true,
            Piece::Line(line) if line.changed() => self.add(line),
            _ => {}
        }
    }

    /// Adds a changed line (lines come in order).
    fn add(&mut self, line: &MatchingLine) {
        let added = new_lines(line, self.bom && line.number == 1) as i64 - 1;
        match &mut self.open {
            // A hunk takes every change within 2 * CONTEXT lines of the one before.
            Some((_, last, more)) if line.number - *last <= 2 * CONTEXT => {
                *last = line.number;
                *more += added;
            }
            _ => {
                self.close(u64::MAX);
                self.open = Some((line.number, line.number, added));
            }
        }
    }

    /// The hunks of a file of `lines` lines.
    pub(crate) fn finish(mut self, lines: u64) -> Vec<Hunk> {
        self.close(lines);
        self.done
    }

    fn close(&mut self, lines: u64) {
        let Some((first, last, more)) = self.open.take() else { return };
        let old_start = first.saturating_sub(CONTEXT).max(1);
        let old_end = (last + CONTEXT).min(lines);
        let new_count = (old_end - old_start + 1).saturating_add_signed(more);
        // An empty range starts at the line before it.
        let new_start = old_start.saturating_add_signed(self.shift) - u64::from(new_count == 0);
        self.shift += more;
        self.done.push(Hunk { old_start, old_end, new_start, new_count });
    }
}

/// The lines a changed line's new text takes in the new file: one more than its newlines, as the
/// line keeps its line end; at the end of a file without a final newline, a final newline of the new
/// text (or an empty text, unless a byte-order mark stays before it: `after_bom`) ends the file
/// without another line.
fn new_lines(line: &MatchingLine, after_bom: bool) -> u64 {
    let newlines = count_newlines(line.new);
    if line.end.is_empty() {
        let last = line.new.last().map_or(after_bom, |&b| b != b'\n');
        newlines + u64::from(last)
    } else {
        newlines + 1
    }
}

/// The `\r` of a CRLF line end, shown at the end of the line as the file has it.
fn cr_of<'l>(line: &MatchingLine) -> &'l [u8] {
    if line.end == b"\r\n" {
        b"\r"
    } else {
        b""
    }
}

/// The second pass: writes the hunks found by the first as the pieces of the file go by.
pub(crate) struct Diff<'d, W> {
    out: &'d mut W,
    formatter: &'d Formatter,
    hunks: &'d [Hunk],
    /// The hunk at or after the current line.
    next: usize,
    /// The number of the next line.
    number: u64,
    /// The byte-order mark the file starts with, shown at the start of its first line.
    lead: Vec<u8>,
    scratch: Vec<u8>,
}

impl<'d, W: Write> Diff<'d, W> {
    /// Starts the diff of the file at `path` with its header.
    pub(crate) fn new(
        out: &'d mut W,
        formatter: &'d Formatter,
        path: &Path,
        hunks: &'d [Hunk],
    ) -> io::Result<Diff<'d, W>> {
        let mut diff =
            Diff { out, formatter, hunks, next: 0, number: 1, lead: Vec::new(), scratch: Vec::new() };
        let name = formatter.path(path);
        let name = if formatter.is_terminal() { name.into_owned() } else { header_name(&name) };
        formatter.paint(
            &mut diff.scratch,
            Paint::Header,
            &[b"--- ", &name[..], b"\n+++ ", &name[..], b"\n"].concat(),
        );
        diff.out.write_all(&diff.scratch)?;
        Ok(diff)
    }

    pub(crate) fn take(&mut self, piece: Piece) -> io::Result<()> {
        match piece {
            Piece::Bom(bytes) => {
                self.lead = bytes.to_vec();
                Ok(())
            }
            Piece::Kept(bytes) => self.kept(bytes),
            Piece::Line(line) if !line.changed() => {
                self.context(line.old, cr_of(line))?;
                self.context_end(line.end.is_empty())
            }
            Piece::Line(line) => self.changed(line),
        }
    }

    /// Unchanged lines: shown where a hunk holds them.
    fn kept(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        let lines = count_newlines(bytes) + u64::from(bytes.last().is_some_and(|&b| b != b'\n'));
        while self.hunks.get(self.next).is_some_and(|hunk| hunk.old_end < self.number) {
            self.next += 1;
        }
        if self.hunks.get(self.next).is_none_or(|hunk| hunk.old_start >= self.number + lines) {
            self.number += lines;
            self.lead.clear();
            return Ok(());
        }
        while !bytes.is_empty() {
            let (line, rest) = match memchr(b'\n', bytes) {
                Some(i) => (&bytes[..i], &bytes[i + 1..]),
                None => (bytes, &b""[..]),
            };
            self.context(line, b"")?;
            self.context_end(rest.is_empty() && bytes.last() != Some(&b'\n'))?;
            bytes = rest;
        }
        Ok(())
    }

    /// Whether the current line is in a hunk; writes the hunk's header at its first line.
    fn in_hunk(&mut self) -> io::Result<bool> {
        while self.hunks.get(self.next).is_some_and(|hunk| hunk.old_end < self.number) {
            self.next += 1;
        }
        let Some(hunk) = self.hunks.get(self.next) else { return Ok(false) };
        if hunk.old_start == self.number {
            let count = hunk.old_end - hunk.old_start + 1;
            let header =
                format!("@@ -{},{count} +{},{} @@\n", hunk.old_start, hunk.new_start, hunk.new_count);
            self.scratch.clear();
            self.formatter.paint(&mut self.scratch, Paint::Hunk, header.as_bytes());
            self.out.write_all(&self.scratch)?;
        }
        Ok(hunk.old_start <= self.number)
    }

    /// A line of context, as in the file (`cr` is the `\r` of a CRLF end).
    fn context(&mut self, line: &[u8], cr: &[u8]) -> io::Result<()> {
        let lead = std::mem::take(&mut self.lead);
        if self.in_hunk()? {
            self.write_line(b' ', &[&lead[..], line].concat(), cr)?;
        }
        Ok(())
    }

    /// The end of a line of context; the file's last line may have no newline.
    fn context_end(&mut self, unterminated: bool) -> io::Result<()> {
        if unterminated && self.in_hunk()? {
            self.write_line(b'\\', NO_NEWLINE, b"")?;
        }
        self.number += 1;
        Ok(())
    }

    fn changed(&mut self, line: &MatchingLine) -> io::Result<()> {
        self.in_hunk()?;
        let at_eof = line.end.is_empty();
        // The line end is not part of the change: the CR of a CRLF stays on the new line.
        let cr = cr_of(line);
        let lead = std::mem::take(&mut self.lead);
        let old = [&lead[..], line.old].concat();
        self.write_line(b'-', &old, cr)?;
        if at_eof {
            self.write_line(b'\\', NO_NEWLINE, b"")?;
        }
        let new = [&lead[..], line.new].concat();
        // At the end of a file without a final newline, a new text that ends with one (or is
        // empty) leaves no unterminated line behind.
        let body = if at_eof { new.strip_suffix(b"\n").unwrap_or(&new) } else { &new };
        if !(at_eof && new.is_empty()) {
            let pieces = count_newlines(body) as usize;
            for (i, piece) in body.split(|&b| b == b'\n').enumerate() {
                self.write_line(b'+', piece, if i == pieces { cr } else { b"" })?;
            }
        }
        if at_eof && new.last().is_some_and(|&b| b != b'\n') {
            self.write_line(b'\\', NO_NEWLINE, b"")?;
        }
        self.number += 1;
        Ok(())
    }

    /// One diff line. Raw bytes into a pipe; on a terminal, controls escaped.
    fn write_line(&mut self, sign: u8, text: &[u8], suffix: &[u8]) -> io::Result<()> {
        let mut line = Vec::with_capacity(1 + text.len() + suffix.len());
        line.push(sign);
        line.extend_from_slice(text);
        line.extend_from_slice(suffix);
        if self.formatter.is_terminal() {
            let mut escaped = String::new();
            push_escaped(&mut escaped, &line);
            line = escaped.into_bytes();
        }
        self.scratch.clear();
        match sign {
            b'-' => self.formatter.paint(&mut self.scratch, Paint::Removed, &line),
            b'+' => self.formatter.paint(&mut self.scratch, Paint::Added, &line),
            _ => self.scratch.extend_from_slice(&line),
        }
        self.scratch.push(b'\n');
        self.out.write_all(&self.scratch)
    }
}

/// A file's name in a header, for `patch` and `git apply` to read back: as it is, with a tab after it
/// where it holds a space (else the name would end there: a tab is where a date would start); in C
/// quotes, as GNU diff writes it, where it holds a control character, starts with a quote, or starts
/// or ends with a space (which patch would leave out).
fn header_name(name: &[u8]) -> Vec<u8> {
    let quoted = name.iter().any(|&b| b < b' ' || b == 0x7f)
        || name.first().is_some_and(|&b| b == b'"' || b == b' ')
        || name.last() == Some(&b' ');
    if !quoted {
        let tab: &[u8] = if name.contains(&b' ') { b"\t" } else { b"" };
        return [name, tab].concat();
    }
    let mut out = vec![b'"'];
    for &b in name {
        match b {
            b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b if b < b' ' || b == 0x7f => out.extend_from_slice(format!("\\{b:03o}").as_bytes()),
            b => out.push(b),
        }
    }
    out.push(b'"');
    out
}
