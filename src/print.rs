//! The printer: one thread owns stdout. It puts the searchers' results back in walk order, formats
//! and colours them, and prints the summary.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::Receiver;
use termcolor::{Ansi, Color, ColorSpec, NoColor, WriteColor};

use crate::config::Config;
use crate::replace::{Applied, ChangedLine, Replacer, Rewrite};
use crate::search::{count_newlines, Counters, FileResult, Hit, Outcome, Report};

/// What the search found, for the exit code and the editor.
pub struct Summary {
    pub counters: Counters,
    pub files_matched: u64,
    /// Every hit, kept only for `-e`.
    pub edit_hits: Vec<EditHit>,
    /// Writing the output failed (with `BrokenPipe` when its reader went away).
    pub output_error: Option<io::Error>,
    /// `-r`: files rewritten (or, with --dry-run, to rewrite) and matches replaced.
    pub files_changed: u64,
    pub replacements: u64,
    /// `-r`: a file with matches could not be written.
    pub write_failed: bool,
}

pub struct EditHit {
    pub path: PathBuf,
    pub line_number: u64,
    pub text: String,
}

pub struct Printer {
    config: Arc<Config>,
    started: Instant,
    out: Box<dyn WriteColor + Send>,
    /// Results that arrived before the ones ahead of them in walk order.
    pending: BTreeMap<(u64, u32), FileResult>,
    /// The (file, part) to print next.
    next: (u64, u32),
    /// Lines in the parts of the current file already printed: part hits count from their part.
    line_base: u64,
    /// The current file turned out binary (or unreadable) part-way: print nothing more of it.
    suppressed: bool,
    file_matched: bool,
    summary: Summary,
    /// What searchers counted in parts that were not printed (after a NUL byte or an error).
    not_counted: Counters,
    /// Scratch space for one pretty line.
    segment: String,
    palette: Palette,
    /// `-r`: rewrites the files with hits instead of printing their hits.
    replacer: Option<Replacer>,
}

struct Palette {
    line_number: ColorSpec,
    matched: ColorSpec,
    removed: ColorSpec,
    added: ColorSpec,
    hunk: ColorSpec,
    header: ColorSpec,
}

impl Palette {
    fn new() -> Palette {
        let fg = |color| ColorSpec::new().set_fg(Some(color)).clone();
        Palette {
            line_number: fg(Color::Green),
            matched: fg(Color::Yellow).set_bold(true).clone(),
            removed: fg(Color::Red).set_bold(true).clone(),
            added: fg(Color::Green).set_bold(true).clone(),
            hunk: fg(Color::Cyan),
            header: ColorSpec::new().set_bold(true).clone(),
        }
    }
}

/// How `write_shown` colours its spans.
#[derive(Clone, Copy)]
enum SpanKind {
    /// Every span is a match.
    Matches,
    /// Spans alternate: a replaced text, then what replaced it.
    Swaps,
}

impl Printer {
    pub fn new(config: Arc<Config>, started: Instant, replacer: Option<Replacer>) -> Printer {
        let stdout = BufWriter::with_capacity(64 << 10, io::stdout());
        let out: Box<dyn WriteColor + Send> =
            if config.output.color { Box::new(Ansi::new(stdout)) } else { Box::new(NoColor::new(stdout)) };
        Printer {
            config,
            started,
            out,
            pending: BTreeMap::new(),
            next: (0, 0),
            line_base: 0,
            suppressed: false,
            file_matched: false,
            summary: Summary {
                counters: Counters::default(),
                files_matched: 0,
                edit_hits: Vec::new(),
                output_error: None,
                files_changed: 0,
                replacements: 0,
                write_failed: false,
            },
            not_counted: Counters::default(),
            segment: String::new(),
            palette: Palette::new(),
            replacer,
        }
    }

    /// Prints results until every searcher has sent its end marker. A failed write (the reader of a
    /// pipe went away) ends the printing; the summary says so and what was printed until then.
    pub fn run(mut self, reports: Receiver<Report>) -> Summary {
        if let Err(err) = self.print_all(reports) {
            self.summary.output_error = Some(err);
        }
        self.summary
    }

    fn print_all(&mut self, reports: Receiver<Report>) -> io::Result<()> {
        let mut searchers_left = self.config.workers;
        while searchers_left > 0 {
            match reports.recv() {
                Ok(Report::Files(results)) => {
                    for result in results {
                        if (result.seq, result.part) == self.next {
                            self.print_file(result)?;
                        } else {
                            self.pending.insert((result.seq, result.part), result);
                        }
                    }
                    while let Some(result) = self.pending.remove(&self.next) {
                        self.print_file(result)?;
                    }
                }
                Ok(Report::Done(counters)) => {
                    self.summary.counters += counters;
                    searchers_left -= 1;
                }
                Err(_) => break,
            }
        }
        // Parts searched after the end of their file's text (a NUL byte, an error) do not count.
        let counters = &mut self.summary.counters;
        counters.lines_searched = counters.lines_searched.saturating_sub(self.not_counted.lines_searched);
        counters.bytes_searched = counters.bytes_searched.saturating_sub(self.not_counted.bytes_searched);
        if self.config.output.pretty && !self.config.list_files {
            self.print_summary()?;
        }
        self.out.flush()
    }

    fn print_file(&mut self, result: FileResult) -> io::Result<()> {
        self.next =
            if result.part + 1 < result.parts { (result.seq, result.part + 1) } else { (result.seq + 1, 0) };
        if result.part == 0 {
            self.line_base = 0;
            self.suppressed = false;
            self.file_matched = false;
        }
        if self.suppressed {
            self.not_counted.lines_searched += result.lines;
            self.not_counted.bytes_searched += result.bytes;
            return Ok(());
        }
        match &result.outcome {
            Outcome::Failed(err) => {
                crate::report_error(&result.path, err);
                self.suppressed = true;
            }
            Outcome::Binary => self.suppressed = true,
            Outcome::Searched if self.config.list_files => {
                // A listed file counts as found, for the exit code.
                self.summary.files_matched += 1;
                let path = result.path.as_os_str().as_encoded_bytes();
                write_all(&mut *self.out, &[path, b"\n"])?;
            }
            Outcome::Searched | Outcome::Truncated => {
                self.print_hits(&result)?;
                self.suppressed = matches!(result.outcome, Outcome::Truncated);
            }
        }
        self.line_base += result.lines;
        Ok(())
    }

    fn print_hits(&mut self, result: &FileResult) -> io::Result<()> {
        if result.hits.is_empty() {
            return Ok(());
        }
        if !self.file_matched {
            self.file_matched = true;
            self.summary.files_matched += 1;
        }
        if self.replacer.is_some() {
            return self.replace(result);
        }
        let path = self.shown_path(&result.path);
        for hit in &result.hits {
            let line_number = self.line_base + hit.line_number;
            if self.config.output.pretty {
                self.print_pretty(&path, line_number, result, hit)?;
            } else {
                self.print_pipe(&path, line_number, result, hit)?;
            }
            // Hits from standard input have no file to open.
            if self.config.edit && !self.config.stdin {
                self.summary.edit_hits.push(EditHit {
                    path: result.path.to_path_buf(),
                    line_number,
                    text: String::from_utf8_lossy(result.line(hit)).into_owned(),
                });
            }
        }
        if self.config.output.flush_each_file {
            self.out.flush()?;
        }
        Ok(())
    }

    /// `path:LINE:line`, the line exactly as in the file; with -m one such line per match.
    fn print_pipe(&mut self, path: &str, line_number: u64, result: &FileResult, hit: &Hit) -> io::Result<()> {
        let line = result.line(hit);
        let mut number = itoa::Buffer::new();
        let number = number.format(line_number);
        if self.config.output.match_only {
            // An empty match has no text to print (`x*` matches everywhere).
            for span in result.matches(hit).iter().filter(|span| !span.is_empty()) {
                write_all(
                    &mut *self.out,
                    &[path.as_bytes(), b":", number.as_bytes(), b":", &line[span.clone()], b"\n"],
                )?;
            }
            Ok(())
        } else {
            write_all(&mut *self.out, &[path.as_bytes(), b":", number.as_bytes(), b":", line, b"\n"])
        }
    }

    /// `path:LINE`, then the line under it after a tab with its matches highlighted, then the captured
    /// groups if the pattern has any.
    fn print_pretty(
        &mut self,
        path: &str,
        line_number: u64,
        result: &FileResult,
        hit: &Hit,
    ) -> io::Result<()> {
        let line = result.line(hit);
        self.out.write_all(path.as_bytes())?;
        self.out.write_all(b":")?;
        self.out.set_color(&self.palette.line_number)?;
        self.out.write_all(itoa::Buffer::new().format(line_number).as_bytes())?;
        self.out.reset()?;
        self.out.write_all(b"\n")?;
        if self.config.output.match_only {
            for span in result.matches(hit).iter().filter(|span| !span.is_empty()) {
                let text = &line[span.clone()];
                self.write_shown(text, std::slice::from_ref(&(0..text.len())), SpanKind::Matches, false)?;
            }
        } else {
            self.write_shown(line, result.matches(hit), SpanKind::Matches, true)?;
        }
        let groups = result.groups(hit);
        if !groups.is_empty() {
            self.segment.clear();
            self.segment.push('[');
            for (i, group) in groups.iter().enumerate() {
                if i > 0 {
                    self.segment.push(',');
                }
                push_escaped(&mut self.segment, &line[group.clone()]);
            }
            self.segment.push_str("]\n");
            self.out.write_all(self.segment.as_bytes())?;
        }
        Ok(())
    }

    /// Writes `\t` and `text` for a person to read: control characters escaped, leading whitespace
    /// and a CR line end dropped (when `trim`), cut with `...` past the width, `spans` highlighted.
    fn write_shown(
        &mut self,
        text: &[u8],
        spans: &[Range<usize>],
        kind: SpanKind,
        trim: bool,
    ) -> io::Result<()> {
        let (mut start, mut end) = (0, text.len());
        if trim {
            start = text.iter().position(|b| !matches!(b, b' ' | b'\t')).unwrap_or(end);
            if text.ends_with(b"\r") {
                end = (end - 1).max(start);
            }
        }
        self.out.write_all(b"\t")?;
        self.segment.clear();
        let mut shown = 0;
        let mut in_span = None;
        let mut cut = false;
        for (offset, ch) in chars_with_offsets(&text[start..end], start) {
            if shown >= self.config.output.max_line_chars {
                cut = true;
                break;
            }
            let span = spans.iter().position(|s| s.start <= offset && offset < s.end);
            if span != in_span {
                self.flush_segment(in_span, kind)?;
                in_span = span;
            }
            shown += push_char(&mut self.segment, ch);
        }
        self.flush_segment(in_span, kind)?;
        if cut {
            self.out.write_all(b"...")?;
        }
        self.out.write_all(b"\n")
    }

    /// Writes the pending segment, coloured as span `span` (if any) of its `kind`.
    fn flush_segment(&mut self, span: Option<usize>, kind: SpanKind) -> io::Result<()> {
        if self.segment.is_empty() {
            return Ok(());
        }
        let color = span.map(|i| match kind {
            SpanKind::Matches => &self.palette.matched,
            SpanKind::Swaps if i % 2 == 0 => &self.palette.removed,
            SpanKind::Swaps => &self.palette.added,
        });
        write_colored(&mut *self.out, color, self.segment.as_bytes())?;
        self.segment.clear();
        Ok(())
    }

    /// `-r`: rewrites the file, then shows each changed line: `path:LINE:new line` in pipe output,
    /// the line with each match as `(old -> new)` in the terminal format. With --dry-run (and
    /// --interactive, before asking) the change is shown as a unified diff instead.
    fn replace(&mut self, result: &FileResult) -> io::Result<()> {
        let mut replacer = self.replacer.take().expect("replace() is called only with a replacer");
        let config = Arc::clone(&self.config);
        let applied =
            replacer.apply(&config, result, &mut |path, old, rewrite| self.print_diff(path, old, rewrite));
        self.replacer = Some(replacer);
        match applied? {
            Applied::Refused => self.summary.write_failed = true,
            Applied::Untouched => {}
            Applied::Changed { rewrite, old, written } => {
                let dry_run = self.config.replace.as_ref().is_some_and(|r| r.dry_run);
                if written || dry_run {
                    self.summary.files_changed += 1;
                    self.summary.replacements += rewrite.replacements;
                }
                if written && self.replacer.as_ref().is_some_and(|r| !r.shows_diffs()) {
                    let path = self.shown_path(&result.path);
                    for line in &rewrite.lines {
                        self.print_changed_line(&path, line, &old, &rewrite.content)?;
                    }
                }
            }
        }
        if self.config.output.flush_each_file {
            self.out.flush()?;
        }
        Ok(())
    }

    /// A path as printed: lossy UTF-8 into a pipe, escaped for the terminal as well.
    fn shown_path<'p>(&self, path: &'p Path) -> Cow<'p, str> {
        if self.config.output.pretty {
            printable_path(path)
        } else {
            path.to_string_lossy()
        }
    }

    fn print_changed_line(
        &mut self,
        path: &str,
        line: &ChangedLine,
        old: &[u8],
        new: &[u8],
    ) -> io::Result<()> {
        let number = itoa::Buffer::new().format(line.line_number).to_string();
        if !self.config.output.pretty {
            // The line as written, with the `\r` of a CRLF line end, as a search prints it.
            let cr = usize::from(
                new.get(line.new.end) == Some(&b'\r') && new.get(line.new.end + 1) == Some(&b'\n'),
            );
            let written = &new[line.new.start..line.new.end + cr];
            return write_all(
                &mut *self.out,
                &[path.as_bytes(), b":", number.as_bytes(), b":", written, b"\n"],
            );
        }
        self.out.write_all(path.as_bytes())?;
        self.out.write_all(b":")?;
        write_colored(&mut *self.out, Some(&self.palette.line_number), number.as_bytes())?;
        self.out.write_all(b"\n")?;
        // The old line with each match shown as `(old -> new)`.
        let (old_line, new_line) = (&old[line.old.clone()], &new[line.new.clone()]);
        let mut shown = Vec::with_capacity(old_line.len() + 16 * line.swaps.len());
        let mut spans = Vec::with_capacity(2 * line.swaps.len());
        let mut copied = 0;
        for (was, now) in &line.swaps {
            shown.extend_from_slice(&old_line[copied..was.start]);
            shown.push(b'(');
            spans.push(shown.len()..shown.len() + was.len());
            shown.extend_from_slice(&old_line[was.clone()]);
            shown.extend_from_slice(b" -> ");
            spans.push(shown.len()..shown.len() + now.len());
            shown.extend_from_slice(&new_line[now.clone()]);
            shown.push(b')');
            copied = was.end;
        }
        shown.extend_from_slice(&old_line[copied..]);
        self.write_shown(&shown, &spans, SpanKind::Swaps, true)
    }

    /// A unified diff of the change, with three lines of context.
    fn print_diff(&mut self, path: &Path, old: &[u8], rewrite: &Rewrite) -> io::Result<()> {
        const CONTEXT: u64 = 3;
        const NO_NEWLINE: &[u8] = b"\\ No newline at end of file";
        let old_lines: Vec<&[u8]> = split_lines(old);
        let last_line = old_lines.len() as u64;
        let unterminated = old.last().is_some_and(|&b| b != b'\n');
        let name = self.shown_path(path);
        let header = format!("--- {name}\n+++ {name}\n");
        write_colored(&mut *self.out, Some(&self.palette.header), header.as_bytes())?;
        let changes = &rewrite.lines;
        // Lines the hunks so far added (a replacement may hold newlines): later hunks start lower.
        let mut shift = 0;
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
            let added: u64 =
                changes[first..=last].iter().map(|c| count_newlines(&rewrite.content[c.new.clone()])).sum();
            let count = end - start + 1;
            let hunk = format!("@@ -{start},{count} +{},{} @@\n", start + shift, count + added);
            write_colored(&mut *self.out, Some(&self.palette.hunk), hunk.as_bytes())?;
            let mut change = first;
            for number in start..=end {
                let line = old_lines[number as usize - 1];
                let at_eof = unterminated && number == last_line;
                if change <= last && changes[change].line_number == number {
                    let new_body = &rewrite.content[changes[change].new.clone()];
                    // The line end is not part of the change: the CR of a CRLF stays on the new line.
                    let cr: &[u8] = if line.ends_with(b"\r") && !at_eof { b"\r" } else { b"" };
                    self.write_diff_line(b'-', line, None)?;
                    if at_eof {
                        self.write_diff_line(b'\\', &NO_NEWLINE[1..], None)?;
                    }
                    for (i, piece) in new_body.split(|&b| b == b'\n').enumerate() {
                        let last_piece = i == count_newlines(new_body) as usize;
                        self.write_diff_line(b'+', piece, last_piece.then_some(cr))?;
                    }
                    change += 1;
                } else {
                    self.write_diff_line(b' ', line, None)?;
                }
                if at_eof {
                    self.write_diff_line(b'\\', &NO_NEWLINE[1..], None)?;
                }
            }
            shift += added;
            first = last + 1;
        }
        self.out.flush()
    }

    /// One diff line. Raw bytes into a pipe (a patch to apply); on a terminal, controls escaped.
    fn write_diff_line(&mut self, sign: u8, text: &[u8], suffix: Option<&[u8]>) -> io::Result<()> {
        let mut line = vec![sign];
        line.extend_from_slice(text);
        line.extend_from_slice(suffix.unwrap_or_default());
        let color = match sign {
            b'-' => Some(&self.palette.removed),
            b'+' => Some(&self.palette.added),
            _ => None,
        };
        if self.config.output.pretty {
            let mut escaped = String::new();
            push_escaped(&mut escaped, &line);
            write_colored(&mut *self.out, color, escaped.as_bytes())?;
        } else {
            self.out.write_all(&line)?;
        }
        self.out.write_all(b"\n")
    }

    fn print_summary(&mut self) -> io::Result<()> {
        let counters = self.summary.counters;
        writeln!(self.out, "---------------")?;
        writeln!(self.out, "Files Searched: {}", thousands(counters.files_searched))?;
        writeln!(self.out, "Files Matched: {}", thousands(self.summary.files_matched))?;
        writeln!(self.out, "Lines Searched: {}", thousands(counters.lines_searched))?;
        if let Some(replace) = &self.config.replace {
            let note = if replace.dry_run { " (dry run: nothing was written)" } else { "" };
            writeln!(self.out, "Files Changed: {}{note}", thousands(self.summary.files_changed))?;
            writeln!(self.out, "Replacements: {}", thousands(self.summary.replacements))?;
        }
        if self.config.output.stats {
            writeln!(self.out, "Bytes Searched: {}", thousands(counters.bytes_searched))?;
            writeln!(self.out, "Binary Files Skipped: {}", thousands(counters.binary_skipped))?;
        }
        writeln!(self.out, "Duration: {:.3}s", self.started.elapsed().as_secs_f64())
    }
}

fn write_colored(out: &mut dyn WriteColor, color: Option<&ColorSpec>, text: &[u8]) -> io::Result<()> {
    match color {
        Some(color) => {
            out.set_color(color)?;
            out.write_all(text)?;
            out.reset()
        }
        None => out.write_all(text),
    }
}

/// The lines of `text` without their `\n` (a last line without one included).
fn split_lines(text: &[u8]) -> Vec<&[u8]> {
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    body.split(|&b| b == b'\n').collect()
}

fn write_all(out: &mut dyn WriteColor, pieces: &[&[u8]]) -> io::Result<()> {
    pieces.iter().try_for_each(|piece| out.write_all(piece))
}

/// The characters of `bytes` (invalid UTF-8 as U+FFFD) with their byte offsets, counted from `base`.
fn chars_with_offsets(bytes: &[u8], base: usize) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut offset = base;
    bytes.utf8_chunks().flat_map(move |chunk| {
        let valid_at = offset;
        let invalid_at = offset + chunk.valid().len();
        offset = invalid_at + chunk.invalid().len();
        let valid = chunk.valid().char_indices().map(move |(i, c)| (valid_at + i, c));
        let invalid = (!chunk.invalid().is_empty()).then_some((invalid_at, char::REPLACEMENT_CHARACTER));
        valid.chain(invalid)
    })
}

/// Appends `ch`, escaped if it is a control character (so file contents cannot drive the terminal);
/// returns how many characters that took.
fn push_char(out: &mut String, ch: char) -> usize {
    if ch.is_control() && ch != '\t' {
        let escaped = format!("\\x{:02X}", u32::from(ch));
        out.push_str(&escaped);
        escaped.len()
    } else {
        out.push(ch);
        1
    }
}

/// A path for a person to read: lossy UTF-8 with control characters escaped, so that a file name
/// cannot drive the terminal either.
pub fn printable_path(path: &Path) -> Cow<'_, str> {
    let lossy = path.to_string_lossy();
    if !lossy.chars().any(char::is_control) {
        return lossy;
    }
    let mut escaped = String::with_capacity(lossy.len() + 8);
    push_escaped(&mut escaped, lossy.as_bytes());
    Cow::Owned(escaped)
}

fn push_escaped(out: &mut String, bytes: &[u8]) {
    for (_, ch) in chars_with_offsets(bytes, 0) {
        push_char(out, ch);
    }
}

/// 78114 -> "78,114".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(35738977), "35,738,977");
    }

    #[test]
    fn offsets_follow_bytes_through_invalid_utf8() {
        let got: Vec<_> = chars_with_offsets(b"a\xffb\xc3\xa9", 10).collect();
        assert_eq!(got, vec![(10, 'a'), (11, '\u{FFFD}'), (12, 'b'), (13, 'é')]);
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut s = String::new();
        push_escaped(&mut s, b"a\x1b[31m\tb\x7f\xc2\x85");
        assert_eq!(s, "a\\x1B[31m\tb\\x7F\\x85");
    }
}
