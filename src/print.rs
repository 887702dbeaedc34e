//! The printer: one thread owns stdout. It puts the searchers' results back in walk order, formats
//! and colours them, and prints the summary.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::Receiver;
use termcolor::{Ansi, Color, ColorSpec, NoColor, WriteColor};

use crate::config::Config;
use crate::search::{Counters, FileResult, Hit, Outcome, Report};

/// What the search found, for the exit code and the editor.
pub struct Summary {
    pub counters: Counters,
    pub files_matched: u64,
    /// Every hit, kept only for `-e`.
    pub edit_hits: Vec<EditHit>,
    /// Writing the output failed (with `BrokenPipe` when its reader went away).
    pub output_error: Option<io::Error>,
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
}

impl Printer {
    pub fn new(config: Arc<Config>, started: Instant) -> Printer {
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
            },
            not_counted: Counters::default(),
            segment: String::new(),
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
        self.summary.counters.lines_searched -= self.not_counted.lines_searched;
        self.summary.counters.bytes_searched -= self.not_counted.bytes_searched;
        if self.config.output.pretty {
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
        let path = result.path.to_string_lossy();
        for hit in &result.hits {
            let line_number = self.line_base + hit.line_number;
            if self.config.output.pretty {
                self.print_pretty(&path, line_number, result, hit)?;
            } else {
                self.print_pipe(&path, line_number, result, hit)?;
            }
            if self.config.edit {
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
            for span in result.matches(hit) {
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
        self.out.set_color(ColorSpec::new().set_fg(Some(Color::Green)))?;
        self.out.write_all(itoa::Buffer::new().format(line_number).as_bytes())?;
        self.out.reset()?;
        self.out.write_all(b"\n")?;
        if self.config.output.match_only {
            for span in result.matches(hit) {
                let text = &line[span.clone()];
                self.write_shown(text, std::slice::from_ref(&(0..text.len())), false)?;
            }
        } else {
            self.write_shown(line, result.matches(hit), true)?;
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
    fn write_shown(&mut self, text: &[u8], spans: &[Range<usize>], trim: bool) -> io::Result<()> {
        let (mut start, mut end) = (0, text.len());
        if trim {
            start = text.iter().position(|b| !matches!(b, b' ' | b'\t')).unwrap_or(end);
            if text.ends_with(b"\r") {
                end = (end - 1).max(start);
            }
        }
        let highlight = ColorSpec::new().set_fg(Some(Color::Yellow)).set_bold(true).clone();
        self.out.write_all(b"\t")?;
        self.segment.clear();
        let mut shown = 0;
        let mut in_match = false;
        let mut cut = false;
        for (offset, ch) in chars_with_offsets(&text[start..end], start) {
            if shown >= self.config.output.max_line_chars {
                cut = true;
                break;
            }
            let matched = spans.iter().any(|s| s.start <= offset && offset < s.end);
            if matched != in_match {
                self.flush_segment(in_match.then_some(&highlight))?;
                in_match = matched;
            }
            shown += push_char(&mut self.segment, ch);
        }
        self.flush_segment(in_match.then_some(&highlight))?;
        if cut {
            self.out.write_all(b"...")?;
        }
        self.out.write_all(b"\n")
    }

    fn flush_segment(&mut self, color: Option<&ColorSpec>) -> io::Result<()> {
        if self.segment.is_empty() {
            return Ok(());
        }
        if let Some(color) = color {
            self.out.set_color(color)?;
            self.out.write_all(self.segment.as_bytes())?;
            self.out.reset()?;
        } else {
            self.out.write_all(self.segment.as_bytes())?;
        }
        self.segment.clear();
        Ok(())
    }

    fn print_summary(&mut self) -> io::Result<()> {
        let counters = self.summary.counters;
        writeln!(self.out, "---------------")?;
        writeln!(self.out, "Files Searched: {}", thousands(counters.files_searched))?;
        writeln!(self.out, "Files Matched: {}", thousands(self.summary.files_matched))?;
        writeln!(self.out, "Lines Searched: {}", thousands(counters.lines_searched))?;
        if self.config.output.stats {
            writeln!(self.out, "Bytes Searched: {}", thousands(counters.bytes_searched))?;
            writeln!(self.out, "Binary Files Skipped: {}", thousands(counters.binary_skipped))?;
        }
        writeln!(self.out, "Duration: {:.3}s", self.started.elapsed().as_secs_f64())
    }
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
