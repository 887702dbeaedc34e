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

use memchr::{memchr, memrchr};
use termcolor::{Ansi, Color, ColorSpec, WriteColor};

use crate::config::{Mode, Output, Style};
use crate::hyperlink::Linker;
use crate::sanitize::{chars_with_offsets, display_width, printable_path, push_char, push_escaped};
use crate::search::engine::{count_newlines, line_around, Context};
use crate::search::matcher::Matcher;
use crate::search::pattern::Groups;
use crate::search::swap_line_ends;
use crate::template::Template;

use crate::config::Fields;
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
    /// `--null-data`: the text has NUL and `\n` swapped, and a line ends with NUL (`Output::null_data`).
    null_data: bool,
    /// `-U`: a hit may span lines (`Output::multiline`).
    multiline: bool,
    max_columns: Option<usize>,
    max_columns_preview: bool,
    /// Counts are printed without their path (one file named, or standard input).
    bare_counts: bool,
    /// `-q`: no path is listed.
    quiet: bool,
    /// The fields before a line in the pipe format.
    fields: Fields,
    /// `--output-replace`, with the regex whose captures it expands.
    replacement: Option<(Template, Matcher)>,
    /// What the current file has shown so far.
    file: FormattedFile,
    /// Scratch space for one terminal line.
    segment: String,
    /// Makes each `path:LINE` a link to its file (`--hyperlink-format`).
    links: Option<Linker>,
    /// `--path-separator`, outside JSON.
    path_separator: Option<u8>,
}

#[derive(Default)]
struct FormattedFile {
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

/// One line to write; with `-U`, a hit may be several (its text holds their `\n`s but the last).
#[derive(Clone, Copy)]
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
    /// A named file's binary data matched (its lines not shown): the file matched.
    pub(crate) binary_match: bool,
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
            null_data: output.null_data,
            multiline: output.multiline,
            max_columns: output.max_columns,
            max_columns_preview: output.max_columns_preview,
            bare_counts: output.bare_counts,
            quiet: output.quiet,
            fields: output.fields.clone(),
            replacement: output.replacement.clone().map(|template| (template, matcher.clone())),
            file: FormattedFile::default(),
            segment: String::new(),
            links: output.hyperlinks.clone().map(Linker::new),
            path_separator: output.path_separator.filter(|_| output.style != Style::Json),
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
        let shown = if self.is_terminal() {
            match printable_path(path) {
                Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
                Cow::Owned(text) => Cow::Owned(text.into_bytes()),
            }
        } else {
            Cow::Borrowed(path.as_os_str().as_encoded_bytes())
        };
        match self.path_separator {
            Some(separator) => separated(shown, separator),
            None => shown,
        }
    }

    /// A new file begins (`stdin`: standard input).
    pub(crate) fn begin(&mut self, stdin: bool) {
        self.file = FormattedFile { stdin, ..FormattedFile::default() };
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
        // A hit of -U is written with the `\n` after it, which its last match may take in.
        let with_end;
        let line = match self.multiline && line.context.is_none() {
            true => {
                self.file.last_shown = line.number + count_newlines(line.text);
                with_end = [line.text, if line.terminated { b"\n" } else { b"" }].concat();
                &Shown { text: &with_end, terminated: false, ..*line }
            }
            false => {
                self.file.last_shown = line.number;
                line
            }
        };
        let start = out.len();
        match self.style {
            Style::Pipe => self.pipe_line(out, line, gap),
            Style::Terminal => self.terminal_line(out, line),
            Style::Vimgrep => self.vimgrep_line(out, line),
            Style::Json => {
                if !self.file.began {
                    json::begin(out, path);
                }
                let mut replacements = self.replacements(line);
                if self.null_data {
                    let mut text = [line.text, if line.terminated { b"\n" } else { b"" }].concat();
                    swap_line_ends(&mut text);
                    replacements.iter_mut().flatten().for_each(|replacement| swap_line_ends(replacement));
                    let line = Shown { text: &text, terminated: false, ..*line };
                    json::line(out, path, &line, replacements.as_deref());
                } else {
                    json::line(out, path, line, replacements.as_deref());
                }
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
            Mode::FilesWithMatches if totals.hit_lines > 0 || totals.binary_match => None,
            Mode::FilesWithoutMatch if totals.hit_lines == 0 && !totals.binary_match && !self.quiet => None,
            Mode::FilesWithMatches | Mode::FilesWithoutMatch => return,
        };
        if listed.is_none() || !self.bare_counts {
            out.extend_from_slice(&self.path(path));
        }
        // With --null-data a NUL ends what is printed of a file, as it ends a line.
        let end = self.line_end();
        match listed {
            Some(count) if self.bare_counts => {
                out.extend_from_slice(itoa::Buffer::new().format(count).as_bytes());
                out.push(end);
            }
            Some(count) => {
                out.push(if self.null { 0 } else { b':' });
                out.extend_from_slice(itoa::Buffer::new().format(count).as_bytes());
                out.push(end);
            }
            None => out.push(if self.null { 0 } else { end }),
        }
    }

    /// What ends a line ba writes of the files' (with `--null-data`, a NUL).
    pub(crate) fn line_end(&self) -> u8 {
        if self.null_data {
            0
        } else {
            b'\n'
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
    /// A hit of -U gets a `path:LINE:` for each of its lines (and each line of a match, with -m).
    fn pipe_line(&mut self, out: &mut Vec<u8>, line: &Shown, gap: bool) {
        if gap && self.context {
            if let Some(separator) = &self.separator {
                out.extend_from_slice(separator);
                out.push(self.line_end());
            }
        }
        if self.heading && !self.file.began && !self.file.stdin {
            self.paint(out, Paint::Path, &self.file.path);
            out.push(if self.null { 0 } else { self.line_end() });
        }
        // Context lines are shown whole with -m too, as ripgrep shows them.
        if self.match_only && line.context.is_none() {
            let mut lines = LineCursor::new(line);
            for span in line.matches.iter().filter(|span| !span.is_empty()) {
                let text = self.match_text(line, span);
                let (number, start) = lines.line_of(span.start);
                let at = Shown { number, offset: line.offset + start as u64, ..*line };
                // A line of the match that is empty (its line end alone) is not shown, as in ripgrep.
                for (i, piece) in lines_in(&text).enumerate().filter(|(_, piece)| !piece.is_empty()) {
                    let at = Shown { number: number + i as u64, ..at };
                    let piece = &text[piece];
                    self.pipe_text(
                        out,
                        &at,
                        Some(span.start - start),
                        piece,
                        std::slice::from_ref(&(0..piece.len())),
                    );
                }
            }
            return;
        }
        let (text, matches) = self.replaced_line(line);
        if !self.multiline {
            self.pipe_text(out, line, line.matches.first().map(|m| m.start), &text, &matches);
            return;
        }
        let first_match = line.matches.first().map(|m| m.start - LineCursor::new(line).line_of(m.start).1);
        let mut original = lines_in(line.text);
        let mut from = 0;
        for (i, piece) in lines_in(&text).enumerate() {
            // Each line's own offset, where the replacements leave the lines as they were.
            let offset = original.next().map_or(line.offset, |at| line.offset + at.start as u64);
            let at = Shown { number: line.number + i as u64, offset, ..*line };
            let spans = within(&matches, &piece, &mut from);
            self.pipe_text(out, &at, first_match, &text[piece], &spans);
        }
    }

    /// `text`, a line of `line` or one of its matches, after its `path:LINE:` fields: trimmed, cut
    /// at `--max-columns`, `matches` coloured.
    fn pipe_text(
        &self,
        out: &mut Vec<u8>,
        line: &Shown,
        first_match: Option<usize>,
        text: &[u8],
        matches: &[Range<usize>],
    ) {
        let sep: &[u8] = if line.context.is_some() { &self.fields.context } else { &self.fields.hit };
        self.pipe_prefix(out, line, sep, first_match);
        self.text_fitted(out, line, text, matches, self.palette.is_some());
    }

    /// Writes `text` and its line end, with `--trim` and `--max-columns`; `matches` coloured if
    /// `colour`.
    fn text_fitted(
        &self,
        out: &mut Vec<u8>,
        line: &Shown,
        text: &[u8],
        matches: &[Range<usize>],
        colour: bool,
    ) {
        let written = out.len();
        let mut start = 0;
        if self.trim {
            start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
        }
        let mut end = text.len();
        let omitted = matches!(self.max_columns, Some(max) if end - start > max && !self.max_columns_preview);
        if let Some(max) = self.max_columns.filter(|&max| end - start > max && self.max_columns_preview) {
            end = start + char_boundary(&text[start..], max);
        }
        if omitted {
            out.extend_from_slice(&self.omitted_line(line, matches));
        } else {
            // The text as it is, its matches coloured (if colours are on).
            let mut copied = start;
            if colour && line.context.is_none() {
                for span in matches.iter().filter(|m| m.end > start && m.start < end && !m.is_empty()) {
                    let (from, to) = (span.start.max(start), span.end.min(end));
                    out.extend_from_slice(&text[copied..from]);
                    self.paint(out, Paint::PipeMatch, &text[from..to]);
                    copied = to;
                }
            }
            out.extend_from_slice(&text[copied..end]);
            if end < text.len() {
                out.extend_from_slice(&self.omitted_end(line, matches, end));
            }
        }
        out.push(b'\n');
        // The line's own NUL and `\n` back, and a NUL to end it.
        if self.null_data {
            swap_line_ends(&mut out[written..]);
        }
    }

    /// What a match shows: itself, or what replaces it.
    fn match_text<'l>(&self, line: &Shown<'l>, span: &Range<usize>) -> Cow<'l, [u8]> {
        match &self.replacement {
            Some((template, regex)) => {
                let mut text = Vec::new();
                expand_at(template, regex, line.text, span.clone(), &mut text);
                Cow::Owned(text)
            }
            None => Cow::Borrowed(&line.text[span.clone()]),
        }
    }

    /// What stands for a line left out by `--max-columns`: in colour, as ripgrep, how many matches
    /// it holds.
    fn omitted_line(&self, line: &Shown, matches: &[Range<usize>]) -> Vec<u8> {
        match line.context {
            Some(_) => b"[Omitted long context line]".to_vec(),
            None if self.counts_omitted_matches() => {
                let count = matches.iter().filter(|m| !m.is_empty()).count();
                format!("[Omitted long line with {count} matches]").into_bytes()
            }
            None => b"[Omitted long matching line]".to_vec(),
        }
    }

    /// What a line left out, or cut, by `--max-columns` says of its matches: as ripgrep, their
    /// number where the matches are found anyway (to colour or replace them, or to show them one by
    /// one with -U).
    fn counts_omitted_matches(&self) -> bool {
        let per_match = self.match_only || self.style == Style::Vimgrep;
        self.palette.is_some() || self.replacement.is_some() || (self.multiline && per_match)
    }

    /// What ends a line cut at `end` by `--max-columns-preview`: where matches are counted, how many
    /// start past the cut.
    fn omitted_end(&self, line: &Shown, matches: &[Range<usize>], end: usize) -> Vec<u8> {
        if !self.counts_omitted_matches() || line.context.is_some() {
            return b" [... omitted end of long line]".to_vec();
        }
        let more = matches.iter().filter(|m| !m.is_empty() && m.start >= end).count();
        format!(" [... {more} more {}]", if more == 1 { "match" } else { "matches" }).into_bytes()
    }

    /// `path:LINE:[COL:][OFFSET:]` (with `-` for context), the path left out under `--heading`, the
    /// path and (without `--column`) the line number left out for standard input.
    fn pipe_prefix(&self, out: &mut Vec<u8>, line: &Shown, sep: &[u8], first_match: Option<usize>) {
        let mut digits = itoa::Buffer::new();
        let number = digits.format(line.number);
        let with_path = self.fields.path && !self.file.stdin && !self.heading;
        let with_number = self.fields.line_number && (!self.file.stdin || self.column);
        // `path:LINE` is a link to the file, as ripgrep makes it (only with colours).
        let link = self.links.as_ref().filter(|_| with_path);
        if let Some(link) = link {
            link.open(out, number, first_match.map_or(1, |start| start + 1));
        }
        if with_path {
            self.paint(out, Paint::Path, &self.file.path);
            if link.is_some() && !with_number {
                Linker::close(out);
            }
            match self.null {
                true => out.push(0),
                false => out.extend_from_slice(sep),
            }
        }
        // A column without its line would read as a line number: `--column` numbers standard
        // input's lines, as ripgrep does.
        if with_number {
            self.paint(out, Paint::LineNumber, number.as_bytes());
            if link.is_some() {
                Linker::close(out);
            }
            out.extend_from_slice(sep);
        }
        // A line without a match (context, `-v`) has no column, as in ripgrep.
        if let Some(start) = first_match.filter(|_| self.column && line.context.is_none()) {
            self.paint(out, Paint::LineNumber, itoa::Buffer::new().format(start + 1).as_bytes());
            out.extend_from_slice(sep);
        }
        if self.byte_offset {
            let offset = line.offset + if self.match_only { first_match.unwrap_or(0) as u64 } else { 0 };
            self.paint(out, Paint::LineNumber, itoa::Buffer::new().format(offset).as_bytes());
            out.extend_from_slice(sep);
        }
    }

    /// `path:LINE:COL:line` for each match (the line whole), or once for a line without one. A match
    /// of -U that spans lines shows the line it starts on.
    fn vimgrep_line(&mut self, out: &mut Vec<u8>, line: &Shown) {
        if line.context.is_some() {
            return;
        }
        let (text, replaced) = self.replaced_line(line);
        let starts: Vec<(usize, usize)> = match line.matches.is_empty() {
            true => vec![(0, 0)],
            false => line.matches.iter().zip(replaced.iter()).map(|(m, r)| (m.start, r.start)).collect(),
        };
        let mut lines = LineCursor::new(line);
        for (i, (start, replaced_start)) in starts.into_iter().enumerate() {
            // With -m, the match (its first line) stands for the line, as with `rg --vimgrep -o`;
            // an empty one stands for nothing.
            let matched = line.matches.get(i).filter(|_| self.match_only).map(|m| self.match_text(line, m));
            if matched.as_ref().is_some_and(|text| text.is_empty()) {
                continue;
            }
            let (number, line_start) = lines.line_of(start);
            out.extend_from_slice(&self.file.path);
            out.push(if self.null { 0 } else { b':' });
            if self.fields.line_number {
                out.extend_from_slice(itoa::Buffer::new().format(number).as_bytes());
                out.push(b':');
            }
            if self.column {
                out.extend_from_slice(itoa::Buffer::new().format(start - line_start + 1).as_bytes());
                out.push(b':');
            }
            if let Some(matched) = matched {
                let first = &matched[..memchr(b'\n', &matched).unwrap_or(matched.len())];
                self.text_fitted(out, line, first, std::slice::from_ref(&(0..first.len())), false);
                continue;
            }
            let piece = line_around(&text, replaced_start);
            // (The matches of this line alone: their first is at most this one.)
            let mut from = replaced.partition_point(|r| r.end < piece.start);
            let matches = within(&replaced, &piece, &mut from);
            self.text_fitted(out, line, &text[piece], &matches, false);
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
            // Without colour a context line is not dimmed: its number and a `-`, as in grep's
            // context lines, tell it from a hit (and show a blank one).
            if self.palette.is_none() && !self.heading {
                out.extend_from_slice(itoa::Buffer::new().format(line.number).as_bytes());
                out.push(b'-');
            }
            self.shown(out, line.text, &[], Spans::Matches, true, Some(Paint::Context));
            return;
        }
        if self.match_only {
            for span in line.matches.iter().filter(|span| !span.is_empty()) {
                let text = self.match_text(line, span);
                for piece in lines_in(&text).filter(|piece| !piece.is_empty()) {
                    let piece = &text[piece];
                    self.shown(
                        out,
                        piece,
                        std::slice::from_ref(&(0..piece.len())),
                        Spans::Matches,
                        false,
                        None,
                    );
                }
            }
        } else {
            let (text, matches) = self.replaced_line(line);
            if self.multiline {
                let mut from = 0;
                for piece in lines_in(&text) {
                    let spans = within(&matches, &piece, &mut from);
                    self.shown(out, &text[piece], &spans, Spans::Matches, true, None);
                }
            } else {
                self.shown(out, &text, &matches, Spans::Matches, true, None);
            }
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

    /// What each match of the line is replaced with (`--output-replace`), if anything is.
    fn replacements(&self, line: &Shown) -> Option<Vec<Vec<u8>>> {
        let (template, regex) = self.replacement.as_ref()?;
        let expand = |span: &Range<usize>| {
            let mut text = Vec::new();
            expand_at(template, regex, line.text, span.clone(), &mut text);
            text
        };
        Some(line.matches.iter().map(expand).collect())
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
            expand_at(template, regex, line.text, span.clone(), &mut text);
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
        let swapped;
        let text = match self.null_data {
            true => {
                swapped = {
                    let mut text = text.to_vec();
                    swap_line_ends(&mut text);
                    text
                };
                &swapped[..]
            }
            false => text,
        };
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

/// The lines of `text`, without their `\n`s: none after a last `\n`, one for no text.
fn lines_in(text: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at > text.len() || (at == text.len() && at > 0) {
            return None;
        }
        let end = memchr(b'\n', &text[at..]).map_or(text.len(), |i| at + i);
        let line = at..end;
        at = end + 1;
        Some(line)
    })
}

/// The lines of `line` (a hit of -U may hold several) where offsets are, asked in order: one pass
/// over the text for them all, however many matches a hit of thousands of lines holds.
struct LineCursor<'t> {
    text: &'t [u8],
    at: usize,
    number: u64,
    start: usize,
}

impl<'t> LineCursor<'t> {
    fn new(line: &Shown<'t>) -> LineCursor<'t> {
        LineCursor { text: line.text, at: 0, number: line.number, start: 0 }
    }

    /// The number of the line where `offset` (at or after the last one asked) is, and where that
    /// line starts.
    fn line_of(&mut self, offset: usize) -> (u64, usize) {
        let between = &self.text[self.at..offset];
        self.number += count_newlines(between);
        if let Some(i) = memrchr(b'\n', between) {
            self.start = self.at + i + 1;
        }
        self.at = offset;
        (self.number, self.start)
    }
}

/// The parts of `spans` (in order, apart) within `piece`, from its start. `from`: the first span
/// that may reach `piece`, moved past those that reach no later piece (the pieces come in order).
fn within(spans: &[Range<usize>], piece: &Range<usize>, from: &mut usize) -> Vec<Range<usize>> {
    let reaching =
        spans[*from..].iter().take_while(|s| s.start <= piece.end).filter(|s| s.end >= piece.start);
    let parts = reaching
        .map(|s| s.start.max(piece.start) - piece.start..s.end.min(piece.end) - piece.start)
        .collect();
    while spans.get(*from).is_some_and(|s| s.end <= piece.end) {
        *from += 1;
    }
    parts
}

/// Appends what replaces the match `span` of `text`. A match of -U that needs what lies outside its
/// line (`(?<=foo\n)bar`) is not found again in the line alone: it is replaced with its groups
/// other than the whole match empty.
fn expand_at(template: &Template, matcher: &Matcher, text: &[u8], span: Range<usize>, out: &mut Vec<u8>) {
    let mut groups = Groups::default();
    if !matcher.captures_at(text, span.start, &mut groups) || groups.whole().start != span.start {
        groups = Groups::whole_only(span);
    }
    template.expand(&groups, text, out);
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

/// `path` with `separator` between its components instead of `/` (`--path-separator`).
pub(crate) fn separated(path: Cow<'_, [u8]>, separator: u8) -> Cow<'_, [u8]> {
    if !path.contains(&b'/') {
        return path;
    }
    Cow::Owned(path.iter().map(|&b| if b == b'/' { separator } else { b }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The options of a plain `ba PATTERN` in `style`: no flag given.
    fn output(style: Style) -> Output {
        Output {
            pretty: style == Style::Terminal,
            style,
            mode: Mode::Lines,
            color: false,
            match_only: false,
            stats: false,
            max_line_columns: 200,
            flush_each_file: false,
            context: false,
            context_separator: Some(b"--".to_vec()),
            column: false,
            byte_offset: false,
            null: false,
            path_separator: None,
            heading: false,
            trim: false,
            null_data: false,
            multiline: false,
            max_columns: None,
            max_columns_preview: false,
            quiet: false,
            fields: Fields::default(),
            bare_counts: false,
            replacement: None,
            hyperlinks: None,
            progress: false,
        }
    }

    /// What a formatter of `output` writes for the lines of `file` numbered in `shown` (a hit, or a
    /// context line and why), the file being at `path` and searched for `pattern`. Each line's
    /// offset and matches are worked out from `file` here, as the searcher would.
    fn render(
        output: &Output,
        pattern: &str,
        path: &str,
        file: &[u8],
        shown: &[(u64, Option<Context>)],
    ) -> Vec<u8> {
        let matcher = Matcher::compile(pattern, false).unwrap();
        let mut formatter = Formatter::new(output, &matcher);
        let mut lines = Vec::new();
        let mut offset = 0;
        for raw in file.split_inclusive(|&b| b == b'\n') {
            lines.push((offset as u64, raw));
            offset += raw.len();
        }
        let mut out = Vec::new();
        formatter.begin(false);
        for &(number, context) in shown {
            let (offset, raw) = lines[number as usize - 1];
            let text = raw.strip_suffix(b"\n").unwrap_or(raw);
            let matches: Vec<Range<usize>> = match context {
                None => {
                    let mut matches = Vec::new();
                    matcher.matches(text, &mut matches);
                    matches
                }
                Some(_) => Vec::new(),
            };
            let line = Shown {
                number,
                offset,
                text,
                terminated: raw.ends_with(b"\n"),
                context,
                matches: &matches,
                groups: &[],
            };
            formatter.line(&mut out, Path::new(path), &line);
        }
        let totals =
            FileTotals { hit_lines: 1, matches: 1, bytes_searched: file.len() as u64, binary_match: false };
        formatter.end(&mut out, Path::new(path), &totals);
        out
    }

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    /// `output` with `--output-replace TEMPLATE` for `pattern`.
    fn replacing(mut output: Output, pattern: &str, template: &str) -> Output {
        let regex = Matcher::compile(pattern, false).unwrap();
        output.replacement = Some(Template::parse(template, &regex).unwrap());
        output
    }

    /// The text with its ANSI colour escapes taken out.
    fn uncoloured(bytes: &[u8]) -> Vec<u8> {
        regex::bytes::Regex::new(r"\x1b\[[0-9;]*m").unwrap().replace_all(bytes, &b""[..]).into_owned()
    }

    const BEFORE_2: Option<Context> = Some(Context::Before { hit: 2 });
    const BEFORE_6: Option<Context> = Some(Context::Before { hit: 6 });
    const AFTER: Option<Context> = Some(Context::After);

    #[test]
    fn pipe_context_lines_use_dashes_and_groups_apart_are_separated_as_grep_does() {
        let file = b"a\nhit one\nb\nc\nd\nhit two\n";
        let shown = [(1, BEFORE_2), (2, None), (3, AFTER), (5, BEFORE_6), (6, None)];
        let mut out = output(Style::Pipe);
        out.context = true;
        // `grep -H -n -C1 hit f.txt`.
        let expected = "f.txt-1-a\nf.txt:2:hit one\nf.txt-3-b\n--\nf.txt-5-d\nf.txt:6:hit two\n";
        assert_eq!(text(render(&out, "hit", "f.txt", file, &shown)), expected);

        out.context_separator = Some(b"@@".to_vec());
        let custom = render(&out, "hit", "f.txt", file, &shown);
        assert_eq!(text(custom), expected.replace("--", "@@"));

        out.context_separator = None;
        let none = render(&out, "hit", "f.txt", file, &shown);
        assert_eq!(text(none), expected.replace("--\n", ""));
    }

    #[test]
    fn pipe_column_is_the_first_match_byte_plus_one_and_byte_offset_the_line_start() {
        let file = "first\nhéllo hit hit\n";
        let mut out = output(Style::Pipe);
        out.column = true;
        out.byte_offset = true;
        // `é` is two bytes: ripgrep counts columns in bytes, so `hit` is at column 8, not 7.
        let column = "héllo ".len() + 1;
        let offset = file.find("héllo").unwrap();
        assert_eq!((column, offset), (8, 6));
        let expected = format!("f.txt:2:{column}:{offset}:héllo hit hit\n");
        assert_eq!(text(render(&out, "hit", "f.txt", file.as_bytes(), &[(2, None)])), expected);
    }

    #[test]
    fn pipe_match_only_writes_each_match_with_its_own_column_and_offset() {
        let file = "zz\nab x ab\n";
        let mut out = output(Style::Pipe);
        out.match_only = true;
        assert_eq!(
            text(render(&out, "ab", "f.txt", file.as_bytes(), &[(2, None)])),
            "f.txt:2:ab\nf.txt:2:ab\n"
        );

        out.column = true;
        out.byte_offset = true;
        let line = file.find("ab x").unwrap();
        let second = "ab x ".len();
        // `rg -o -n --column -b`: with -o the offset is the match's, not the line's.
        let expected = format!("f.txt:2:1:{line}:ab\nf.txt:2:{}:{}:ab\n", second + 1, line + second);
        assert_eq!(text(render(&out, "ab", "f.txt", file.as_bytes(), &[(2, None)])), expected);

        // Context lines are shown whole, as `rg -o -A1` shows them.
        let file = "ab\nno\n";
        let shown = [(1, None), (2, AFTER)];
        out.context = true;
        assert_eq!(
            text(render(&out, "ab", "f.txt", file.as_bytes(), &shown)),
            "f.txt:1:1:0:ab\nf.txt-2-3-no\n"
        );
    }

    #[test]
    fn pipe_null_follows_the_path_instead_of_its_separator() {
        let mut out = output(Style::Pipe);
        out.null = true;
        out.context = true;
        let file = b"a\nhit\n";
        let shown = [(1, BEFORE_2), (2, None)];
        assert_eq!(render(&out, "hit", "f.txt", file, &shown), b"f.txt\x001-a\nf.txt\x002:hit\n");
    }

    #[test]
    fn pipe_heading_writes_the_path_once_and_files_apart_by_a_blank_line() {
        let mut out = output(Style::Pipe);
        out.heading = true;
        let file = b"hit\nno\nhit\n";
        assert_eq!(
            text(render(&out, "hit", "f.txt", file, &[(1, None), (3, None)])),
            "f.txt\n1:hit\n3:hit\n"
        );
        let formatter = Formatter::new(&out, &Matcher::compile("hit", false).unwrap());
        assert_eq!(formatter.between_files(), Some(&b""[..]));

        out.heading = false;
        let formatter = Formatter::new(&out, &Matcher::compile("hit", false).unwrap());
        assert_eq!(formatter.between_files(), None, "no separator without context or heading");
    }

    #[test]
    fn pipe_trim_drops_leading_white_space_only() {
        let mut out = output(Style::Pipe);
        out.trim = true;
        let file = b" \t  a hit  \n";
        assert_eq!(text(render(&out, "hit", "f.txt", file, &[(1, None)])), "f.txt:1:a hit  \n");
    }

    #[test]
    fn pipe_max_columns_leaves_out_lines_longer_than_n_bytes() {
        let mut out = output(Style::Pipe);
        out.context = true;
        out.max_columns = Some(5);
        // Exactly five bytes is not longer than five.
        let file = b"a hit\nab hit\n123456\n";
        let shown = [(1, None), (2, None), (3, AFTER)];
        let expected =
            "f.txt:1:a hit\nf.txt:2:[Omitted long matching line]\nf.txt-3-[Omitted long context line]\n";
        assert_eq!(text(render(&out, "hit", "f.txt", file, &shown)), expected);

        // Measured after --trim, as ripgrep does.
        out.trim = true;
        assert_eq!(text(render(&out, "hit", "f.txt", b"    a hit\n", &[(1, None)])), "f.txt:1:a hit\n");
    }

    #[test]
    fn pipe_max_columns_preview_keeps_the_first_n_bytes_never_half_a_character() {
        let mut out = output(Style::Pipe);
        out.max_columns = Some(5);
        out.max_columns_preview = true;
        let file = b"ab hit more\n";
        let expected = "f.txt:1:ab hi [... omitted end of long line]\n";
        assert_eq!(text(render(&out, "hit", "f.txt", file, &[(1, None)])), expected);

        // `é` is two bytes: five bytes end inside the third, which is left out whole.
        let file = "ééé hit\n";
        let written = text(render(&out, "hit", "f.txt", file.as_bytes(), &[(1, None)]));
        assert_eq!(written, "f.txt:1:éé [... omitted end of long line]\n");
    }

    #[test]
    fn pipe_output_replace_replaces_each_match_and_with_match_only_prints_the_replacements() {
        let out = replacing(output(Style::Pipe), r"v(\d+)", "$1");
        let file = b"x v12 y v3\n";
        assert_eq!(text(render(&out, r"v(\d+)", "f.txt", file, &[(1, None)])), "f.txt:1:x 12 y 3\n");

        let mut out = out;
        out.match_only = true;
        assert_eq!(text(render(&out, r"v(\d+)", "f.txt", file, &[(1, None)])), "f.txt:1:12\nf.txt:1:3\n");
    }

    #[test]
    fn pipe_colours_only_when_on_and_otherwise_writes_the_same_bytes() {
        let file = b"a\nx hit\n";
        let shown = [(1, BEFORE_2), (2, None)];
        let mut out = output(Style::Pipe);
        out.context = true;
        let plain = render(&out, "hit", "f.txt", file, &shown);
        assert!(!plain.contains(&0x1b), "an escape without colour: {plain:?}");

        out.color = true;
        let coloured = render(&out, "hit", "f.txt", file, &shown);
        assert_eq!(uncoloured(&coloured), plain);
        let coloured = text(coloured);
        // ripgrep's colours: paths magenta, line numbers green, matches bold red.
        assert!(coloured.contains("\x1b[35mf.txt"), "{coloured:?}");
        assert!(coloured.contains("\x1b[32m2"), "{coloured:?}");
        assert!(coloured.contains("\x1b[1m\x1b[31mhit\x1b[0m"), "{coloured:?}");
        // The context line's text is left as it is.
        assert!(coloured.contains("-a\n"), "{coloured:?}");
    }

    #[test]
    fn vimgrep_writes_a_line_per_match_and_no_context() {
        let mut out = output(Style::Vimgrep);
        // As the configuration sets it for --vimgrep without --no-column.
        out.column = true;
        out.context = true;
        let file = b"x hit hit\nafter\n";
        let expected = "f.txt:1:3:x hit hit\nf.txt:1:7:x hit hit\n";
        assert_eq!(text(render(&out, "hit", "f.txt", file, &[(1, None), (2, AFTER)])), expected);
    }

    #[test]
    fn terminal_writes_the_location_then_the_line_under_it_trimmed() {
        let mut out = output(Style::Terminal);
        out.context = true;
        let file = b"before\n   hit\r\nafter\n";
        let shown = [(1, BEFORE_2), (2, None), (3, AFTER)];
        // The context before a hit comes under that hit's header, written once; without colour,
        // a context line shows its number.
        let plain = "f.txt:2\n1-\tbefore\n\thit\n3-\tafter\n";
        assert_eq!(text(render(&out, "hit", "f.txt", file, &shown)), plain);

        // Colour: matches bold yellow, context dimmed (without the number).
        let expected = "f.txt:2\n\tbefore\n\thit\n\tafter\n";
        out.color = true;
        let coloured = render(&out, "hit", "f.txt", file, &shown);
        assert_eq!(text(uncoloured(&coloured)), expected);
        let coloured = text(coloured);
        assert!(coloured.contains("\x1b[1m\x1b[33mhit\x1b[0m"), "{coloured:?}");
        assert!(coloured.contains("\x1b[2mbefore\x1b[0m"), "{coloured:?}");
    }

    #[test]
    fn terminal_escapes_control_characters_in_paths_and_lines_but_the_pipe_does_not() {
        let path = "a\x1b]0;title\x07.txt";
        let file = b"hit\x1b[2J\n";
        let terminal = render(&output(Style::Terminal), "hit", path, file, &[(1, None)]);
        assert_eq!(text(terminal), "a\\x1B]0;title\\x07.txt:1\n\thit\\x1B[2J\n");
        // A program reading the pipe needs the path's own bytes to open the file.
        let pipe = render(&output(Style::Pipe), "hit", path, file, &[(1, None)]);
        assert_eq!(pipe, b"a\x1b]0;title\x07.txt:1:hit\x1b[2J\n");
    }

    #[test]
    fn terminal_cuts_wide_lines_between_characters_and_keeps_the_first_match_in_view() {
        // Narrow, two-byte, three-byte wide (CJK), four-byte wide (emoji) characters.
        let piece = "aé日本x語🙂b";
        for budget in 8..40 {
            for before in 0..6 {
                let line = format!("{}HIT{}", piece.repeat(before), piece.repeat(4));
                let mut out = output(Style::Terminal);
                out.max_line_columns = budget;
                let written = render(&out, "HIT", "f", format!("{line}\n").as_bytes(), &[(1, None)]);
                let written = String::from_utf8(written).expect("a line cut inside a character");
                let body = written.strip_prefix("f:1\n\t").unwrap().strip_suffix('\n').unwrap();
                let width = unicode_width::UnicodeWidthStr::width(body);
                assert!(width <= budget, "{width} columns in {budget}: {body:?}");
                let cut_start = body.strip_prefix("...").unwrap_or(body);
                let inner = cut_start.strip_suffix("...").unwrap_or(cut_start);
                assert!(
                    line.contains(inner) && inner.len() < line.len(),
                    "{inner:?} is not a cut of the line"
                );
                // An end without its `...` is the line's own end.
                assert!(inner.len() < cut_start.len() || line.ends_with(inner), "{body:?}");
                assert!(cut_start.len() < body.len() || line.starts_with(inner), "{body:?}");
                // Past the room for both marks, a third of it before the match, and the match.
                if budget >= 12 {
                    assert!(inner.contains("HIT"), "the match is cut out of {body:?} ({budget} columns)");
                }
            }
        }
        // A line that fits is written whole: 2 + 2 + 3 + 2 + 2 columns.
        let mut out = output(Style::Terminal);
        out.max_line_columns = 11;
        assert_eq!(
            text(render(&out, "HIT", "f", "日本HIT語🙂\n".as_bytes(), &[(1, None)])),
            "f:1\n\t日本HIT語🙂\n"
        );
    }

    #[test]
    fn json_messages_are_ripgreps() {
        let file = b"no\nx hit\n\xffhit\n";
        let shown = [(1, BEFORE_2), (2, None), (3, None)];
        let written = render(&output(Style::Json), "hit", "f.txt", file, &shown);
        let messages: Vec<serde_json::Value> = written
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        let kinds: Vec<&str> = messages.iter().map(|m| m["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["begin", "context", "match", "match", "end"]);
        assert_eq!(messages[0]["data"]["path"]["text"], "f.txt");
        let context = &messages[1]["data"];
        assert_eq!(context["lines"]["text"], "no\n");
        assert_eq!(context["line_number"], 1);
        assert_eq!(context["submatches"], serde_json::json!([]));
        let hit = &messages[2]["data"];
        assert_eq!(hit["lines"]["text"], "x hit\n");
        assert_eq!(hit["line_number"], 2);
        assert_eq!(hit["absolute_offset"], 3);
        assert_eq!(hit["submatches"], serde_json::json!([{"match": {"text": "hit"}, "start": 2, "end": 5}]));
        // Not UTF-8: base64 of the bytes, as ripgrep writes them.
        let bytes = &messages[3]["data"];
        assert_eq!(bytes["lines"]["bytes"], "/2hpdAo=");
        assert_eq!(bytes["absolute_offset"], 9);
        assert_eq!(bytes["submatches"][0]["match"]["text"], "hit");
        // The bytes of the messages before `end`, which does not count itself.
        let before_end = written[..written.len() - 1].iter().rposition(|&b| b == b'\n').unwrap() + 1;
        assert_eq!(messages[4]["data"]["stats"]["bytes_printed"], before_end);
    }
}
