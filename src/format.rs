//! The output formats: how a hit is written, into a byte buffer, by whichever thread knows its line
//! number (a searcher for a whole file, the printer for a big file's parts).
//!
//! - pipe: `path:LINE:line`, the line exactly as in the file; with `-m`, `path:LINE:match` per match;
//! - terminal: `path:LINE`, then the line under it after a tab, trimmed, escaped, cut to the width,
//!   its matches highlighted, then `[g1,g2]` if the pattern has capture groups.

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use termcolor::{Ansi, Color, ColorSpec, WriteColor};

use crate::config::Output;
use crate::hyperlink::Linker;
use crate::pipeline::Hits;
use crate::sanitize::{chars_with_offsets, printable_path, push_char, push_escaped};

pub(crate) struct Formatter {
    terminal: bool,
    match_only: bool,
    /// Terminal lines longer than this many characters are cut.
    max_line_chars: usize,
    /// `None` without colour.
    palette: Option<Palette>,
    /// Scratch space for one terminal line.
    segment: String,
    /// Makes each `path:LINE` a link to its file (`--hyperlink-format`).
    links: Option<Linker>,
}

/// The colours, as the escape sequences that turn each on, and the one that turns them off.
struct Palette {
    line_number: Vec<u8>,
    matched: Vec<u8>,
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
            Paint::Removed => &self.removed,
            Paint::Added => &self.added,
            Paint::Hunk => &self.hunk,
            Paint::Header => &self.header,
        }
    }
}

impl Formatter {
    pub(crate) fn new(output: &Output) -> Formatter {
        Formatter {
            terminal: output.pretty,
            match_only: output.match_only,
            max_line_chars: output.max_line_chars,
            palette: output.color.then(Palette::new),
            segment: String::new(),
            links: output.hyperlinks.clone().map(Linker::new),
        }
    }

    /// Whether the terminal format is on (else the pipe format).
    pub(crate) fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// Whether the output shows where each match is (to highlight it, or for `-m`).
    pub(crate) fn shows_matches(&self) -> bool {
        self.match_only || self.palette.is_some()
    }

    /// Whether the output shows what capture groups captured (when the pattern has some).
    pub(crate) fn shows_groups(&self) -> bool {
        self.terminal
    }

    /// A path as printed: lossy UTF-8 into a pipe, escaped for the terminal as well. With links, the
    /// hits written after it link to this file.
    pub(crate) fn path<'p>(&self, path: &'p Path) -> Cow<'p, str> {
        if let Some(links) = &self.links {
            links.set_file(path);
        }
        if self.terminal {
            printable_path(path)
        } else {
            path.to_string_lossy()
        }
    }

    /// Writes one hit: `line` is numbered `line_number`, `matches` and `groups` are spans in it.
    pub(crate) fn hit(
        &mut self,
        out: &mut Vec<u8>,
        path: &str,
        line_number: u64,
        line: &[u8],
        matches: &[Range<usize>],
        groups: &[Range<usize>],
    ) {
        let mut number = itoa::Buffer::new();
        let number = number.format(line_number);
        if !self.terminal {
            if self.match_only {
                // An empty match has no text to print (`x*` matches everywhere).
                for span in matches.iter().filter(|span| !span.is_empty()) {
                    extend(
                        out,
                        &[path.as_bytes(), b":", number.as_bytes(), b":", &line[span.clone()], b"\n"],
                    );
                }
            } else {
                extend(out, &[path.as_bytes(), b":", number.as_bytes(), b":", line, b"\n"]);
            }
            return;
        }
        let column = matches.first().map_or(1, |span| span.start + 1);
        self.location(out, path, number, column);
        if self.match_only {
            for span in matches.iter().filter(|span| !span.is_empty()) {
                let text = &line[span.clone()];
                self.shown(out, text, std::slice::from_ref(&(0..text.len())), Spans::Matches, false);
            }
        } else {
            self.shown(out, line, matches, Spans::Matches, true);
        }
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
            out.extend_from_slice(self.segment.as_bytes());
        }
    }

    /// Writes every hit of `hits`, their line numbers counted from `line_base`.
    pub(crate) fn hits(&mut self, out: &mut Vec<u8>, path: &str, line_base: u64, hits: &Hits) {
        for hit in &hits.hits {
            let line = hits.line(hit);
            self.hit(out, path, line_base + hit.line_number, line, hits.matches(hit), hits.groups(hit));
        }
    }

    /// The terminal format's `path:LINE` line; with links, a link to the file at that line and at
    /// `column` (1 for the first byte).
    pub(crate) fn location(&self, out: &mut Vec<u8>, path: &str, number: &str, column: usize) {
        if let Some(links) = &self.links {
            links.open(out, number, column);
        }
        out.extend_from_slice(path.as_bytes());
        out.push(b':');
        self.paint(out, Paint::LineNumber, number.as_bytes());
        if self.links.is_some() {
            Linker::close(out);
        }
        out.push(b'\n');
    }

    /// Writes `\t` and `text` for a person to read: control characters escaped, leading whitespace
    /// and a CR line end dropped (when `trim`), cut with `...` past the width, `spans` highlighted.
    pub(crate) fn shown(
        &mut self,
        out: &mut Vec<u8>,
        text: &[u8],
        spans: &[Range<usize>],
        kind: Spans,
        trim: bool,
    ) {
        let (mut start, mut end) = (0, text.len());
        if trim {
            start = text.iter().position(|b| !matches!(b, b' ' | b'\t')).unwrap_or(end);
            if text.ends_with(b"\r") {
                end = (end - 1).max(start);
            }
        }
        out.push(b'\t');
        self.segment.clear();
        let mut shown = 0;
        let mut in_span = None;
        let mut cut = false;
        for (offset, ch) in chars_with_offsets(&text[start..end], start) {
            if shown >= self.max_line_chars {
                cut = true;
                break;
            }
            let span = spans.iter().position(|s| s.start <= offset && offset < s.end);
            if span != in_span {
                self.flush_segment(out, in_span, kind);
                in_span = span;
            }
            shown += push_char(&mut self.segment, ch);
        }
        self.flush_segment(out, in_span, kind);
        if cut {
            out.extend_from_slice(b"...");
        }
        out.push(b'\n');
    }

    /// Writes the pending segment, coloured as span `span` (if any) of its `kind`.
    fn flush_segment(&mut self, out: &mut Vec<u8>, span: Option<usize>, kind: Spans) {
        if self.segment.is_empty() {
            return;
        }
        match span.map(|i| match kind {
            Spans::Matches => Paint::Matched,
            Spans::Swaps if i % 2 == 0 => Paint::Removed,
            Spans::Swaps => Paint::Added,
        }) {
            Some(paint) => self.paint(out, paint, self.segment.as_bytes()),
            None => out.extend_from_slice(self.segment.as_bytes()),
        }
        self.segment.clear();
    }

    /// Writes `text` in the colour of `paint`, if colours are on.
    pub(crate) fn paint(&self, out: &mut Vec<u8>, paint: Paint, text: &[u8]) {
        match &self.palette {
            Some(palette) => extend(out, &[palette.escape(paint), text, &palette.reset]),
            None => out.extend_from_slice(text),
        }
    }
}

fn extend(out: &mut Vec<u8>, pieces: &[&[u8]]) {
    for piece in pieces {
        out.extend_from_slice(piece);
    }
}
