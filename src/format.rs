//! The output formats: how each file's lines are written, into a byte buffer, by whichever thread
//! knows their line numbers (a searcher for a whole file, the printer for a big file's parts).
//!
//! - pipe: `path:LINE:line`, the line exactly as in the file, context lines `path-LINE-line`,
//!   groups apart separated by `--`; with `-m`, `path:LINE:match` per match;
//! - terminal: `path:LINE`, then the line under it after a tab, trimmed, escaped, cut to the width,
//!   its matches highlighted, context lines dimmed; then `[g1,g2]` if the pattern has groups;
//! - vimgrep: `path:LINE:COL:line`, one line per match;
//! - JSON Lines, as ripgrep writes them (`json.rs`);
//! - and, per file rather than per line, counts (`-c`) and paths (`--files-with-matches`).

mod json;

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;
use std::time::{Duration, Instant};

use regex::bytes::Regex;
use termcolor::{Ansi, Color, ColorSpec, WriteColor};

use crate::config::{Mode, Output, Style};
use crate::engine::Context;
use crate::hyperlink::Linker;
use crate::matcher::Matcher;
use crate::sanitize::{chars_with_offsets, display_width, printable_path, push_char, push_escaped};
use crate::template::Template;

pub(crate) use json::summary as json_summary;

pub(crate) struct Formatter {
    style: Style,
    mode: Mode,
    match_only: bool,
    /// Terminal lines wider than this many columns are cut.
    max_line_columns: usize,
    /// `None` without colour.
    palette: Option<Palette>,
    /// Context lines are shown: groups apart are separated.
    context: bool,
    separator: Option<Vec<u8>>,
    column: bool,
    byte_offset: bool,
    null: bool,
    heading: bool,
    trim: bool,
    max_columns: Option<usize>,
    max_columns_preview: bool,
    /// `--output-replace`, with the regex whose captures it expands.
    replacement: Option<(Template, Regex)>,
    /// What the current file has shown so far.
    file: FileState,
    /// Scratch space for one terminal line.
    segment: String,
    /// Makes each `path:LINE` a link to its file (`--hyperlink-format`).
    links: Option<Linker>,
}

#[derive(Default)]
struct FileState {
    /// Standard input: in the pipe format its lines are printed bare, as grep prints them.
    stdin: bool,
    /// The path as shown, made at the first line.
    path: Vec<u8>,
    /// The last line shown (0 before any): a line at or before it is not shown again (a big file's
    /// parts overlap by their context lines), and a gap after it starts a new group.
    last_shown: u64,
    /// The hit whose `path:LINE` header the terminal format has written.
    header: u64,
    /// The file's first line is written (its JSON `begin`, its heading).
    began: bool,
    /// JSON: bytes written for this file, and when its search began.
    bytes_printed: u64,
    started: Option<Instant>,
}

/// One line to write.
pub(crate) struct Shown<'a> {
    pub(crate) number: u64,
    /// Where the line starts in its file.
    pub(crate) offset: u64,
    /// Without its `\n`.
    pub(crate) text: &'a [u8],
    /// The line ended with a `\n` (the last line of a file may not).
    pub(crate) terminated: bool,
    /// A hit, or a context line (why).
    pub(crate) context: Option<Context>,
    /// Where the matches are in the line (only when the output shows them).
    pub(crate) matches: &'a [Range<usize>],
    /// What the capture groups of the line's first match captured (only when shown).
    pub(crate) groups: &'a [Range<usize>],
}

/// What a file came to, for what is written once per file.
#[derive(Clone, Copy, Default)]
pub(crate) struct FileTotals {
    pub(crate) hit_lines: u64,
    pub(crate) matches: u64,
    pub(crate) bytes_searched: u64,
}

/// The colours, as the escape sequences that turn each on, and the one that turns them off.
struct Palette {
    line_number: Vec<u8>,
    matched: Vec<u8>,
    path: Vec<u8>,
    pipe_match: Vec<u8>,
    context: Vec<u8>,
    removed: Vec<u8>,
    added: Vec<u8>,
    hunk: Vec<u8>,
    header: Vec<u8>,
    reset: Vec<u8>,
}

/// What a piece of text is, for its colour.
#[derive(Clone, Copy)]
pub(crate) enum Paint {
    LineNumber,
    Matched,
    /// A path, and a match, in the pipe format (ripgrep's and grep's colours).
    Path,
    PipeMatch,
    /// A context line.
    Context,
    /// Replaced text, and a removed diff line.
    Removed,
    /// What replaced it, and an added diff line.
    Added,
    Hunk,
    Header,
}

/// How `shown` colours its spans.
#[derive(Clone, Copy)]
pub(crate) enum Spans {
    /// Every span is a match.
    Matches,
    /// Spans alternate: a replaced text, then what replaced it.
    Swaps,
}

impl Palette {
    fn new() -> Palette {
        let escape = |spec: &ColorSpec| {
            let mut bytes = Vec::new();
            Ansi::new(&mut bytes).set_color(spec).expect("writing to a Vec cannot fail");
            bytes
        };
        let fg = |color| ColorSpec::new().set_fg(Some(color)).clone();
        let mut reset = Vec::new();
        Ansi::new(&mut reset).reset().expect("writing to a Vec cannot fail");
        Palette {
            line_number: escape(&fg(Color::Green)),
            matched: escape(fg(Color::Yellow).set_bold(true)),
            path: escape(&fg(Color::Magenta)),
            pipe_match: escape(fg(Color::Red).set_bold(true)),
            context: escape(ColorSpec::new().set_dimmed(true)),
            removed: escape(fg(Color::Red).set_bold(true)),
            added: escape(fg(Color::Green).set_bold(true)),
            hunk: escape(&fg(Color::Cyan)),
            header: escape(ColorSpec::new().set_bold(true)),
            reset,
        }
    }

    fn escape(&self, paint: Paint) -> &[u8] {
        match paint {
            Paint::LineNumber => &self.line_number,
            Paint::Matched => &self.matched,
            Paint::Path => &self.path,
            Paint::PipeMatch => &self.pipe_match,
            Paint::Context => &self.context,
            Paint::Removed => &self.removed,
            Paint::Added => &self.added,
            Paint::Hunk => &self.hunk,
            Paint::Header => &self.header,
        }
    }
}

impl Formatter {
    pub(crate) fn new(output: &Output, matcher: &Matcher) -> Formatter {
        Formatter {
            style: output.style,
            mode: output.mode,
            match_only: output.match_only,
            max_line_columns: output.max_line_columns,
            palette: output.color.then(Palette::new),
            context: output.context,
            separator: output.context_separator.clone(),
            column: output.column,
            byte_offset: output.byte_offset,
            null: output.null,
            heading: output.heading,
            trim: output.trim,
            max_columns: output.max_columns,
            max_columns_preview: output.max_columns_preview,
            replacement: output.replacement.clone().map(|template| (template, matcher.regex.clone())),
            file: FileState::default(),
            segment: String::new(),
            links: output.hyperlinks.clone().map(Linker::new),
        }
    }

    /// Whether the terminal format is on (else a format for programs).
    pub(crate) fn is_terminal(&self) -> bool {
        self.style == Style::Terminal
    }

    /// Whether the output shows where each match is (the terminal format, which cuts a long line
    /// around its first match, always does).
    pub(crate) fn shows_matches(&self) -> bool {
        self.match_only
            || self.palette.is_some()
            || self.column
            || self.replacement.is_some()
            || matches!(self.style, Style::Terminal | Style::Vimgrep | Style::Json)
            || self.max_columns.is_some()
            || self.mode == Mode::Count { matches: true, include_zero: false }
            || self.mode == Mode::Count { matches: true, include_zero: true }
    }

    /// Whether the output shows what capture groups captured (when the pattern has some).
    pub(crate) fn shows_groups(&self) -> bool {
        self.style == Style::Terminal && self.replacement.is_none()
    }

    /// Whether lines are written one by one (else only something per file).
    pub(crate) fn shows_lines(&self) -> bool {
        self.mode == Mode::Lines
    }

    /// A path as printed: its own bytes for programs (the next tool must find the file), escaped for
    /// a person on the terminal. With links, the hits written after it link to this file.
    pub(crate) fn path<'p>(&self, path: &'p Path) -> Cow<'p, [u8]> {
        if let Some(links) = &self.links {
            links.set_file(path);
        }
        if self.is_terminal() {
            match printable_path(path) {
                Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
                Cow::Owned(text) => Cow::Owned(text.into_bytes()),
            }
        } else {
            Cow::Borrowed(path.as_os_str().as_encoded_bytes())
        }
    }

    /// A new file begins (`stdin`: standard input).
    pub(crate) fn begin(&mut self, stdin: bool) {
        self.file = FileState { stdin, ..FileState::default() };
        if self.style == Style::Json {
            self.file.started = Some(Instant::now());
        }
    }

    /// Writes one line of the current file, at `path`.
    pub(crate) fn line(&mut self, out: &mut Vec<u8>, path: &Path, line: &Shown) {
        if line.number <= self.file.last_shown {
            return;
        }
        if self.file.path.is_empty() {
            self.file.path = self.path(path).into_owned();
        }
        let gap = self.file.last_shown != 0 && line.number > self.file.last_shown + 1;
        self.file.last_shown = line.number;
        let start = out.len();
        match self.style {
            Style::Pipe => self.pipe_line(out, line, gap),
            Style::Terminal => self.terminal_line(out, line),
            Style::Vimgrep => self.vimgrep_line(out, line),
            Style::Json => {
                if !self.file.began {
                    json::begin(out, path);
                }
                json::line(out, path, line);
            }
        }
        self.file.began = true;
        self.file.bytes_printed += (out.len() - start) as u64;
    }

    /// Writes what is written once per file, at its end: its count, its path, its JSON `end`.
    pub(crate) fn end(&mut self, out: &mut Vec<u8>, path: &Path, totals: &FileTotals) {
        let listed = match self.mode {
            Mode::Lines => {
                if self.style == Style::Json && self.file.began {
                    let elapsed = self.file.started.map_or(Duration::ZERO, |started| started.elapsed());
                    json::end(out, path, totals, self.file.bytes_printed, elapsed);
                }
                return;
            }
            Mode::Quiet => return,
            Mode::Count { matches, include_zero } => {
                let count = if matches { totals.matches } else { totals.hit_lines };
                if count == 0 && !include_zero {
                    return;
                }
                Some(count)
            }
            Mode::FilesWithMatches if totals.hit_lines > 0 => None,
            Mode::FilesWithoutMatch if totals.hit_lines == 0 => None,
            Mode::FilesWithMatches | Mode::FilesWithoutMatch => return,
        };
        out.extend_from_slice(&self.path(path));
        match listed {
            Some(count) => {
                out.push(if self.null { 0 } else { b':' });
                out.extend_from_slice(itoa::Buffer::new().format(count).as_bytes());
                out.push(b'\n');
            }
            None => out.push(if self.null { 0 } else { b'\n' }),
        }
    }

    /// The separator between two files' outputs, if any: `--` between context groups, a blank line
    /// between headings.
    pub(crate) fn between_files(&self) -> Option<&[u8]> {
        match self.style {
            Style::Pipe | Style::Vimgrep if self.heading && self.mode == Mode::Lines => Some(b""),
            Style::Pipe if self.context => self.separator.as_deref(),
            _ => None,
        }
    }

    /// `path:LINE:line` (`path-LINE-line` for context), with what `--column`, `-b`, `-0`,
    /// `--heading`, `--trim`, `--max-columns` and `--output-replace` add; with -m a line per match.
    fn pipe_line(&mut self, out: &mut Vec<u8>, line: &Shown, gap: bool) {
        if gap && self.context {
            if let Some(separator) = &self.separator {
                out.extend_from_slice(separator);
                out.push(b'\n');
            }
        }
        if self.heading && !self.file.began && !self.file.stdin {
            self.paint(out, Paint::Path, &self.file.path);
            out.push(if self.null { 0 } else { b'\n' });
        }
        let sep = if line.context.is_some() { b'-' } else { b':' };
        if self.match_only {
            if line.context.is_some() {
                return;
            }
            for span in line.matches.iter().filter(|span| !span.is_empty()) {
                self.pipe_prefix(out, line, sep, Some(span.start));
                let mut text = Vec::new();
                match &self.replacement {
                    Some((template, regex)) => expand_at(template, regex, line.text, span.start, &mut text),
                    None => text.extend_from_slice(&line.text[span.clone()]),
                }
                self.paint(out, Paint::PipeMatch, &text);
                out.push(b'\n');
            }
            return;
        }
        self.pipe_prefix(out, line, sep, line.matches.first().map(|m| m.start));
        let (text, matches) = self.replaced_line(line);
        let mut start = 0;
        if self.trim {
            start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
        }
        let mut end = text.len();
        match self.max_columns {
            Some(max) if end - start > max => {
                if !self.max_columns_preview {
                    let omitted: &[u8] = if line.context.is_some() {
                        b"[Omitted long context line]"
                    } else {
                        b"[Omitted long matching line]"
                    };
                    out.extend_from_slice(omitted);
                    out.push(b'\n');
                    return;
                }
                end = start + char_boundary(&text[start..], max);
            }
            _ => {}
        }
        // The text as it is, its matches coloured (if colours are on).
        let mut copied = start;
        if self.palette.is_some() && line.context.is_none() {
            for span in matches.iter().filter(|m| m.end > start && m.start < end && !m.is_empty()) {
                let (from, to) = (span.start.max(start), span.end.min(end));
                out.extend_from_slice(&text[copied..from]);
                self.paint(out, Paint::PipeMatch, &text[from..to]);
                copied = to;
            }
        }
        out.extend_from_slice(&text[copied..end]);
        if end < text.len() {
            out.extend_from_slice(b" [... omitted end of long line]");
        }
        out.push(b'\n');
    }

    /// `path:LINE:[COL:][OFFSET:]` (with `-` for context), the path left out under `--heading`, the
    /// path and line number left out for standard input.
    fn pipe_prefix(&self, out: &mut Vec<u8>, line: &Shown, sep: u8, first_match: Option<usize>) {
        if !self.file.stdin {
            if !self.heading {
                self.paint(out, Paint::Path, &self.file.path);
                out.push(if self.null { 0 } else { sep });
            }
            self.paint(out, Paint::LineNumber, itoa::Buffer::new().format(line.number).as_bytes());
            out.push(sep);
        }
        if self.column {
            let column = first_match.map_or(0, |start| start + 1);
            self.paint(out, Paint::LineNumber, itoa::Buffer::new().format(column).as_bytes());
            out.push(sep);
        }
        if self.byte_offset {
            let offset = line.offset + if self.match_only { first_match.unwrap_or(0) as u64 } else { 0 };
            self.paint(out, Paint::LineNumber, itoa::Buffer::new().format(offset).as_bytes());
            out.push(sep);
        }
    }

    /// `path:LINE:COL:line` for each match (the line whole), or once for a line without one.
    fn vimgrep_line(&mut self, out: &mut Vec<u8>, line: &Shown) {
        if line.context.is_some() {
            return;
        }
        let columns: Vec<usize> = if line.matches.is_empty() {
            vec![1]
        } else {
            line.matches.iter().map(|m| m.start + 1).collect()
        };
        for column in columns {
            out.extend_from_slice(&self.file.path);
            out.push(if self.null { 0 } else { b':' });
            out.extend_from_slice(itoa::Buffer::new().format(line.number).as_bytes());
            out.push(b':');
            out.extend_from_slice(itoa::Buffer::new().format(column).as_bytes());
            out.push(b':');
            let (text, _) = self.replaced_line(line);
            out.extend_from_slice(&text);
            out.push(b'\n');
        }
    }

    /// The terminal format. A hit is `path:LINE` then its line under it; a context line is dimmed
    /// under the header of the hit it belongs to (the header of the next hit comes first when the
    /// line is before it). Under `--heading`, the path comes once and each line after its number.
    fn terminal_line(&mut self, out: &mut Vec<u8>, line: &Shown) {
        if self.heading {
            if !self.file.began {
                let path = std::mem::take(&mut self.file.path);
                self.paint(out, Paint::Header, &path);
                out.push(b'\n');
                self.file.path = path;
            }
            self.paint(out, Paint::LineNumber, itoa::Buffer::new().format(line.number).as_bytes());
            out.push(if line.context.is_some() { b'-' } else { b':' });
        } else {
            let header_for = match line.context {
                None => Some(line.number),
                Some(Context::Before { hit }) => Some(hit),
                Some(Context::After) => None,
            };
            if let Some(hit) = header_for.filter(|&hit| hit != self.file.header) {
                self.file.header = hit;
                let path = std::mem::take(&mut self.file.path);
                // A hit's link goes to its first match; a header written ahead of its hit, to the line.
                let column = match line.context {
                    None => line.matches.first().map_or(1, |span| span.start + 1),
                    Some(_) => 1,
                };
                self.location(out, &path, itoa::Buffer::new().format(hit), column);
                self.file.path = path;
            }
        }
        if line.context.is_some() {
            if !self.match_only {
                self.shown(out, line.text, &[], Spans::Matches, true, Some(Paint::Context));
            }
            return;
        }
        if self.match_only {
            for span in line.matches.iter().filter(|span| !span.is_empty()) {
                let text = match &self.replacement {
                    Some((template, regex)) => {
                        let mut text = Vec::new();
                        expand_at(template, regex, line.text, span.start, &mut text);
                        Cow::Owned(text)
                    }
                    None => Cow::Borrowed(&line.text[span.clone()]),
                };
                self.shown(out, &text, std::slice::from_ref(&(0..text.len())), Spans::Matches, false, None);
            }
        } else {
            let (text, matches) = self.replaced_line(line);
            self.shown(out, &text, &matches, Spans::Matches, true, None);
        }
        if !line.groups.is_empty() {
            self.segment.clear();
            self.segment.push('[');
            for (i, group) in line.groups.iter().enumerate() {
                if i > 0 {
                    self.segment.push(',');
                }
                push_escaped(&mut self.segment, &line.text[group.clone()]);
            }
            self.segment.push_str("]\n");
            out.extend_from_slice(self.segment.as_bytes());
        }
    }

    /// The line with its matches replaced (`--output-replace`), and where the replacements are; or
    /// the line and its matches as they are.
    fn replaced_line<'l>(&self, line: &'l Shown) -> (Cow<'l, [u8]>, Cow<'l, [Range<usize>]>) {
        let Some((template, regex)) = &self.replacement else {
            return (Cow::Borrowed(line.text), Cow::Borrowed(line.matches));
        };
        let mut text = Vec::with_capacity(line.text.len());
        let mut spans = Vec::with_capacity(line.matches.len());
        let mut copied = 0;
        for span in line.matches {
            text.extend_from_slice(&line.text[copied..span.start]);
            let start = text.len();
            expand_at(template, regex, line.text, span.start, &mut text);
            spans.push(start..text.len());
            copied = span.end;
        }
        text.extend_from_slice(&line.text[copied..]);
        (Cow::Owned(text), Cow::Owned(spans))
    }

    /// The terminal format's `path:LINE` line; with links, a link to the file at that line and at
    /// `column` (1 for the first byte).
    pub(crate) fn location(&self, out: &mut Vec<u8>, path: &[u8], number: &str, column: usize) {
        if let Some(links) = &self.links {
            links.open(out, number, column);
        }
        out.extend_from_slice(path);
        out.push(b':');
        self.paint(out, Paint::LineNumber, number.as_bytes());
        if self.links.is_some() {
            Linker::close(out);
        }
        out.push(b'\n');
    }

    /// Writes `\t` and `text` for a person to read: control characters escaped, leading whitespace
    /// and a CR line end dropped (when `trim`), cut with `...` past the width, `spans` highlighted,
    /// all of it in `base`'s colour if any.
    pub(crate) fn shown(
        &mut self,
        out: &mut Vec<u8>,
        text: &[u8],
        spans: &[Range<usize>],
        kind: Spans,
        trim: bool,
        base: Option<Paint>,
    ) {
        let (mut start, mut end) = (0, text.len());
        if trim {
            start = text.iter().position(|b| !matches!(b, b' ' | b'\t')).unwrap_or(end);
            if text.ends_with(b"\r") {
                end = (end - 1).max(start);
            }
        }
        let window = self.window(text, start..end, spans);
        out.push(b'\t');
        if window.start > start {
            out.extend_from_slice(CUT);
        }
        self.segment.clear();
        let mut in_span = None;
        for (offset, ch) in chars_with_offsets(&text[window.clone()], window.start) {
            let span = spans.iter().position(|s| s.start <= offset && offset < s.end);
            if span != in_span {
                self.flush_segment(out, in_span, kind, base);
                in_span = span;
            }
            push_char(&mut self.segment, ch);
        }
        self.flush_segment(out, in_span, kind, base);
        if window.end < end {
            out.extend_from_slice(CUT);
        }
        out.push(b'\n');
    }

    /// What of `text[line]` fits in `max_line_columns` columns: all of it when it fits; else a window
    /// that shows the first span (the first match) and, when the match is far into the line, up to
    /// a third of the room before it, each cut leaving room for its `...`.
    fn window(&self, text: &[u8], line: Range<usize>, spans: &[Range<usize>]) -> Range<usize> {
        let budget = self.max_line_columns;
        if advance(text, line.clone(), budget) == line.end {
            return line;
        }
        let focus = spans
            .iter()
            .find(|span| !span.is_empty() && span.end > line.start && span.start < line.end)
            .map_or(line.start..line.start, |span| span.start.max(line.start)..span.end.min(line.end));
        let room = budget.saturating_sub(2 * CUT.len());
        let before = width(text, line.start..focus.start);
        // Close enough to the start that the line can keep its start (and the match its start).
        let keeps_start = advance(text, line.start..line.end, budget.saturating_sub(CUT.len())) >= focus.end
            || before <= room / 3;
        let from =
            if keeps_start { line.start } else { skip(text, line.start..focus.start, before - room / 3) };
        let marks = if from > line.start { CUT.len() } else { 0 };
        if advance(text, from..line.end, budget.saturating_sub(marks)) == line.end {
            return from..line.end;
        }
        // At least one character, however narrow the terminal.
        let to = advance(text, from..line.end, budget.saturating_sub(marks + CUT.len()));
        from..to.max(next_char(text, from, line.end))
    }

    /// Writes the pending segment, coloured as span `span` (if any) of its `kind`, else as `base`.
    fn flush_segment(&mut self, out: &mut Vec<u8>, span: Option<usize>, kind: Spans, base: Option<Paint>) {
        if self.segment.is_empty() {
            return;
        }
        let paint = span
            .map(|i| match kind {
                Spans::Matches => Paint::Matched,
                Spans::Swaps if i % 2 == 0 => Paint::Removed,
                Spans::Swaps => Paint::Added,
            })
            .or(base);
        match paint {
            Some(paint) => self.paint(out, paint, self.segment.as_bytes()),
            None => out.extend_from_slice(self.segment.as_bytes()),
        }
        self.segment.clear();
    }

    /// Writes `text` in the colour of `paint`, if colours are on.
    pub(crate) fn paint(&self, out: &mut Vec<u8>, paint: Paint, text: &[u8]) {
        match &self.palette {
            Some(palette) => {
                for piece in [palette.escape(paint), text, &palette.reset] {
                    out.extend_from_slice(piece);
                }
            }
            None => out.extend_from_slice(text),
        }
    }
}

/// Appends what replaces the match that starts at `start` in `text`.
fn expand_at(template: &Template, regex: &Regex, text: &[u8], start: usize, out: &mut Vec<u8>) {
    if let Some(caps) = regex.captures_at(text, start) {
        template.expand(&caps, out);
    }
}

/// Marks where the terminal format cut a line.
const CUT: &[u8] = b"...";

/// The columns `text[range]` takes on the terminal.
fn width(text: &[u8], range: Range<usize>) -> usize {
    chars_with_offsets(&text[range.clone()], range.start).map(|(_, ch)| display_width(ch)).sum()
}

/// The furthest character boundary in `range` whose text from `range.start` fits in `columns`.
fn advance(text: &[u8], range: Range<usize>, columns: usize) -> usize {
    let mut used = 0;
    for (offset, ch) in chars_with_offsets(&text[range.clone()], range.start) {
        used += display_width(ch);
        if used > columns {
            return offset;
        }
    }
    range.end
}

/// The nearest character boundary in `range` whose text from `range.start` takes at least `columns`.
fn skip(text: &[u8], range: Range<usize>, columns: usize) -> usize {
    let mut used = 0;
    for (offset, ch) in chars_with_offsets(&text[range.clone()], range.start) {
        if used >= columns {
            return offset;
        }
        used += display_width(ch);
    }
    range.end
}

/// The boundary after the character at `at` (`end` when there is none).
fn next_char(text: &[u8], at: usize, end: usize) -> usize {
    chars_with_offsets(&text[at..end], at).nth(1).map_or(end, |(offset, _)| offset)
}

/// The largest char boundary at or before `at` in `text` (invalid UTF-8 counts as bytes).
fn char_boundary(text: &[u8], at: usize) -> usize {
    let mut at = at.min(text.len());
    while at > 0 && at < text.len() && (text[at] & 0xC0) == 0x80 {
        at -= 1;
    }
    at
}
