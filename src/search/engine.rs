//! The search engine: finds the lines of a reader or a buffer to report, and hands them to a
//! `Sink`: the matching lines (or with `-v` the others), the context lines around them, up to
//! `--max-count`.
//!
//! The pattern runs over a whole buffer at once, not once per line: a search from the last hit finds
//! the next match, memchr finds the line around it, and newlines are counted only between hits.
//! It runs on one line only where that line alone is the question: the line around a literal the
//! prefilter found, and the context after a part's window (is it a hit?).
//! Context lines are found the same way, backwards and forwards from each hit; the last lines of
//! each buffer are kept for the hits at the start of the next.

use std::io::{self, Read};
use std::ops::Range;

use memchr::{memchr, memrchr};

use crate::messages::Message;
use crate::pipeline::SilentFiles;
use crate::search::matcher::Matcher;
use crate::search::pcre;

/// Why a context line is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Before the hit numbered `hit`.
    Before { hit: u64 },
    /// After the last hit.
    After,
}

/// What became of the search of a file (or a part of one).
pub(crate) enum Outcome {
    Searched,
    /// A NUL byte early on: the file is not text and is skipped.
    Binary,
    /// A NUL byte further on: the lines before it were searched, the rest of the file is not, as
    /// grep and ripgrep stop at the first NUL they read.
    Truncated,
    Failed(io::Error),
    /// A problem the walk met, in its place in walk order.
    Reported(Message),
    /// The file standard output writes to, met while walking: not searched, and not told of, as
    /// ripgrep skips it.
    Output,
    /// Not a file: the files of a directory the index rules out, counted together.
    RuledOut(SilentFiles),
}

/// A NUL byte this early makes a file binary: nothing of it is printed.
pub(crate) const BINARY_SNIFF: u64 = 256 << 10;
/// A UTF-8 byte-order mark, at the start of a file.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// A line longer than this, in a reader of known size, gets room for the rest of it at once
/// (`LineBuffer::grow`).
const WHOLE_LINE_AT: usize = 8 << 20;
/// How much a buffer full of a line longer than itself grows by before the next read (its
/// capacity doubles, so that the line is copied a bounded number of times).
const GROW_STEP: usize = 1 << 20;
/// How much `--multiline` reads at a time while it reads a whole file.
const WHOLE_READ_SIZE: usize = 256 << 10;

/// A line the engine reports.
pub struct Line<'a> {
    /// Numbered from 1 at the start of what is searched (a part's lead lines included).
    pub number: u64,
    /// Where the line starts in the file.
    pub offset: u64,
    /// The line, without its `\n`.
    pub text: &'a [u8],
    /// A `\n` ends the line (the last line of a file may have none).
    pub terminated: bool,
    /// Where the matches are in the line, when the line alone cannot tell (a match spanning lines,
    /// with `--multiline`); else the sink finds them itself if it needs them.
    pub matches: Option<&'a [Range<usize>]>,
}

/// Where the engine puts the lines it reports.
pub trait Sink {
    /// A line selected by the pattern (a matching line, or with `-v` one that does not match).
    fn hit(&mut self, line: &Line);

    /// A line shown around the hits (`-A`, `-B`, `-C`, `--passthru`).
    fn context(&mut self, _line: &Line, _why: Context) {}

    /// The lines so far are final: whether the file is binary is decided, so none of them will be
    /// taken back. A chance to pass them on; false stops the search (nobody wants more).
    fn settled(&mut self) -> bool {
        true
    }

    /// The file turned out binary: forget every line.
    fn forget(&mut self);
}

/// Which lines are reported, beyond the matching ones.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Selection {
    /// `-v`: the lines that do not match are the hits.
    pub(crate) invert: bool,
    /// Context lines before and after each hit.
    pub(crate) before: u64,
    pub(crate) after: u64,
    /// `--passthru`: every line, the others as context.
    pub(crate) passthru: bool,
    /// `--max-count`: hits per file; then only the context after the last one.
    pub(crate) max_count: Option<u64>,
    /// `-U`: a match may span lines; the whole reader is read first.
    pub(crate) multiline: bool,
    /// `--stop-on-nonmatch`: after a hit, the first line that is none ends the file's search.
    pub(crate) stop_on_nonmatch: bool,
}

impl Selection {
    /// Only the matching lines: the fast path.
    fn is_plain(&self) -> bool {
        !self.invert
            && self.before == 0
            && self.after == 0
            && !self.passthru
            && self.max_count.is_none()
            && !self.multiline
            && !self.stop_on_nonmatch
    }
}

/// Which lines of a reader to search.
#[derive(Clone, Copy)]
pub(crate) struct Window {
    /// The offset in the file where the reader starts.
    pub(crate) origin: u64,
    /// The reader starts inside a line that belongs to the part before.
    pub(crate) skip_first_line: bool,
    /// Lines at the start (after the skipped one) that belong to the part before: only context for
    /// the hits at the start of this one. They are numbered, but not searched or counted.
    pub(crate) lead: u64,
    /// Only lines that start before this offset (from the reader's start) are searched: a part's end,
    /// or a file's size, which spares the read that would only see the end of the file. Lines
    /// after it are read only for the context after a hit.
    pub(crate) end: Option<u64>,
    /// Bytes the caller already read from the reader, at the front of the buffer: the first block
    /// of a file, looked at before deciding how to search it.
    pub(crate) read: usize,
    /// The caller found no NUL byte where one makes a file binary (its first `BINARY_SNIFF` bytes,
    /// or all of it): nothing found will be taken back, so the lines found go on at once.
    pub(crate) sniffed: bool,
    /// A named file whose first block is binary data before its first NUL byte, at this offset:
    /// none of it is shown, as ripgrep shows none (`ba x /dev/urandom`).
    pub(crate) binary_from_start: Option<u64>,
    /// How many bytes the reader holds, where that is known (a file's size from the origin): a
    /// line longer than the reads gets room for the rest of it (`LineBuffer::grow`), and `-U` a
    /// buffer of its size.
    pub(crate) size: Option<u64>,
}

impl Window {
    /// A whole reader, from its start to its end.
    pub(crate) const WHOLE: Window = Window {
        origin: 0,
        skip_first_line: false,
        lead: 0,
        end: None,
        read: 0,
        sniffed: false,
        binary_from_start: None,
        size: None,
    };
}

/// Whether `bytes`, the start of a named file before its first NUL byte, read as text: UTF-8
/// without control characters but white space. Else the file is binary data from its start.
pub(crate) fn reads_as_text(bytes: &[u8]) -> bool {
    let control = |&b: &u8| (b < 0x20 && !b"\t\n\r\x0b\x0c".contains(&b)) || b == 0x7f;
    std::str::from_utf8(bytes).is_ok() && !bytes.iter().any(control)
}

/// What a search of a reader came to.
pub(crate) struct Searched {
    pub(crate) outcome: Outcome,
    /// Lines searched (lead lines not included); short of the whole count when `count_lines` is off.
    pub(crate) lines: u64,
    pub(crate) bytes: u64,
    /// A named file or standard input had a matching line with binary data (not reported): where
    /// its first NUL byte is.
    pub(crate) binary_match: Option<u64>,
    /// A named file's first NUL byte, where this search met one: what follows is binary data, not
    /// shown (the hits of a big file's later parts neither).
    pub(crate) binary_from: Option<u64>,
    /// The first line the pattern gave up on (PCRE2's match limit), numbered as `Line::number`: it
    /// is taken as not matching, and reported.
    pub(crate) gave_up: Option<u64>,
}

impl Searched {
    pub(crate) fn new(outcome: Outcome) -> Searched {
        Searched { outcome, lines: 0, bytes: 0, binary_match: None, binary_from: None, gave_up: None }
    }

    /// Keeps the number of the first line the pattern gave up on since the last call, if it lies in
    /// `text[from..]`, whose first line is numbered `first`.
    fn note_gave_up(&mut self, text: &[u8], from: usize, first: u64) {
        let Some(address) = pcre::take_failure() else { return };
        let Some(at) =
            address.checked_sub(text.as_ptr() as usize).filter(|&at| at >= from && at < text.len())
        else {
            return;
        };
        if self.gave_up.is_none() {
            self.gave_up = Some(first + count_newlines(&text[from..at]));
        }
    }
}

/// The state of a search across the regions of a reader.
#[derive(Default)]
struct ScanState {
    /// Lines numbered before the current region (lead lines included).
    lines: u64,
    /// Context lines still to show after the last hit.
    after_left: u64,
    /// The last line shown (hit or context), so that none is shown twice; 0 before any.
    last_shown: u64,
    hits: u64,
    /// The last hit's number (`--stop-on-nonmatch`).
    last_hit: u64,
    /// `--max-count` is reached: only the context after the last hit is left to show.
    capped: bool,
    /// Nothing more to report.
    done: bool,
    /// Where the lines selected ended when they ended early (`--max-count`), from the reader's
    /// start: the bytes searched end there.
    stopped_at: Option<u64>,
}

/// How every searcher searches.
#[derive(Clone, Copy)]
pub struct Engine<'a> {
    pub matcher: &'a Matcher,
    /// Search files with NUL bytes as text.
    pub binary_as_text: bool,
    /// A file named on the command line (or standard input) is searched in full: NUL bytes end
    /// lines, a line holding one is not reported, and a match in such a line is told once (as
    /// `Searched::binary_match`). Files found while walking stop at their first NUL.
    pub(crate) named: bool,
    /// Count every line of a file (for the summary, or to number the lines of the parts after it).
    pub count_lines: bool,
    /// `-c`, `--count-matches`: the lines of a named file's binary data are hits too, searched as
    /// text (NUL bytes and all), as ripgrep counts them; its search goes on past them.
    pub(crate) count_binary: bool,
    pub(crate) selection: Selection,
}

impl<'a> Engine<'a> {
    /// An engine that reports the matching lines of text files and counts every line.
    pub fn new(matcher: &'a Matcher) -> Engine<'a> {
        Engine {
            matcher,
            binary_as_text: false,
            named: false,
            count_lines: true,
            count_binary: false,
            selection: Selection::default(),
        }
    }
}

impl Engine<'_> {
    /// Finds the matching lines of `region` (whole lines, the last maybe without `\n`), hands them to
    /// `sink` numbered from `lines_before + 1`, and returns how many lines `region` holds.
    pub fn scan(&self, region: &[u8], lines_before: u64, sink: &mut impl Sink) -> u64 {
        self.scan_lines(region, 0, lines_before, sink, true, &mut 0)
    }

    /// `scan`, but without `count_tail` the lines after the last hit are not counted (and the count
    /// returned is short): the last region of a file needs no count when no summary shows it.
    fn scan_lines(
        &self,
        region: &[u8],
        offset: u64,
        lines_before: u64,
        sink: &mut impl Sink,
        count_tail: bool,
        hits: &mut u64,
    ) -> u64 {
        let mut lines = self.matching_lines(region);
        for (number, line) in lines.by_ref() {
            *hits += 1;
            let terminated = line.end < region.len();
            let text = &region[line.clone()];
            let line = Line {
                number: lines_before + number,
                offset: offset + line.start as u64,
                text,
                terminated,
                matches: None,
            };
            sink.hit(&line);
        }
        if !count_tail {
            return lines.newlines;
        }
        let newlines = lines.newlines + count_newlines(&region[lines.counted_to..]);
        let unterminated = region.last().is_some_and(|&b| b != b'\n');
        newlines + u64::from(unterminated)
    }

    /// The matching lines of `region`, each numbered from 1 at the region's start.
    pub(crate) fn matching_lines<'r>(&'r self, region: &'r [u8]) -> MatchingLines<'r> {
        MatchingLines { engine: self, region, at: 0, counted_to: 0, newlines: 0 }
    }

    /// The first line (without its `\n`) at or after `at` that matches.
    fn next_matching_line(&self, region: &[u8], mut at: usize) -> Option<Range<usize>> {
        while at < region.len() {
            let Some(candidates) = &self.matcher.candidates else {
                // Where the first match ends is enough to know its line (a match never spans two):
                // the regex engine can stop there instead of finding the match's bounds.
                let end = self.matcher.shortest_match_at(region, at)?;
                // Only an empty match ends after the final newline: it is not on any line.
                if end == region.len() && region.last() == Some(&b'\n') {
                    return None;
                }
                return Some(line_around(region, end));
            };
            let line = line_around(region, candidates.find_at(region, at)?.start());
            if self.matcher.is_match(&region[line.clone()]) {
                return Some(line);
            }
            at = line.end + 1;
        }
        None
    }

    /// The first line at or after `at` to report as a hit: a matching line, or with `-v` one that
    /// does not match (`ahead` keeps the next matching line found, so the regex runs once per hit).
    fn next_selected(
        &self,
        region: &[u8],
        mut at: usize,
        ahead: &mut Option<Range<usize>>,
        spans: &MultilineSpans,
    ) -> Option<Range<usize>> {
        let next_hit = |at| match (self.selection.multiline, self.selection.invert) {
            // As ripgrep's -U -v: the next match is looked for from the end of the lines of the last.
            (true, true) => self
                .matcher
                .pattern
                .find_at(region, at)
                .map(|m| without_line_end(region, lines_of(region, &m))),
            (true, false) => spans.next_block(region, at),
            (false, _) => self.next_matching_line(region, at),
        };
        if !self.selection.invert {
            return next_hit(at);
        }
        while at < region.len() {
            if ahead.as_ref().is_none_or(|m| m.start < at) {
                *ahead = next_hit(at);
            }
            match ahead {
                Some(m) if m.start == at => at = m.end + 1,
                _ => return Some(at..memchr(b'\n', &region[at..]).map_or(region.len(), |i| at + i)),
            }
        }
        None
    }

    /// Reports the lines of `held` (whole lines, the last maybe without `\n`) beyond the plain
    /// matching lines: `-v`, context, `--passthru`, `--max-count`. Returns how many lines it holds
    /// (short of it without `count_tail`).
    fn scan_selected(
        &self,
        held: Held,
        progress: &mut ScanState,
        sink: &mut impl Sink,
        count_tail: bool,
        spans: &mut MultilineSpans,
    ) -> u64 {
        let selection = &self.selection;
        let Held { buf, start, offset } = held;
        let region = &buf[start..];
        let region_offset = offset + start as u64;
        let first = progress.lines + 1;
        let (mut at, mut number) = (0, first);
        let mut ahead = None;
        while !progress.done {
            let next = if progress.capped { None } else { self.next_selected(region, at, &mut ahead, spans) };
            let gap_end = next.as_ref().map_or(region.len(), |line| line.start);
            while progress.after_left > 0 && at < gap_end {
                let end = memchr(b'\n', &region[at..gap_end]).map_or(gap_end, |i| at + i);
                let line = Line {
                    number,
                    offset: region_offset + at as u64,
                    text: &region[at..end],
                    terminated: end < region.len(),
                    matches: None,
                };
                sink.context(&line, Context::After);
                progress.last_shown = number;
                progress.after_left -= 1;
                number += 1;
                at = end + 1;
            }
            if progress.capped && progress.after_left == 0 {
                progress.done = true;
            }
            let Some(line) = next else { break };
            number += count_newlines(&region[at..line.start]);
            if selection.stop_on_nonmatch && progress.hits > 0 && number > progress.last_hit + 1 {
                progress.done = true;
                break;
            }
            if selection.before > 0 {
                self.before_context(buf, start + line.start, number, offset, progress, sink);
            }
            let block = selection.multiline && !selection.invert;
            let matches = if block { Some(spans.in_block(&line)) } else { None };
            let text = &region[line.clone()];
            let offset = region_offset + line.start as u64;
            sink.hit(&Line { number, offset, text, terminated: line.end < region.len(), matches });
            if block {
                number += count_newlines(text);
            }
            progress.hits += 1;
            progress.last_hit = number;
            progress.last_shown = number;
            progress.after_left = if selection.passthru { u64::MAX } else { selection.after };
            if selection.max_count == Some(progress.hits) {
                progress.capped = true;
                progress.done = progress.after_left == 0;
            }
            number += 1;
            at = line.end + 1;
        }
        if progress.done {
            progress.stopped_at = Some(region_offset + at.min(region.len()) as u64);
        }
        let counted = number - first;
        if at > region.len() || (!count_tail && !progress.done) {
            return counted;
        }
        let unterminated = at < region.len() && region.last() != Some(&b'\n');
        counted + count_newlines(&region[at..]) + u64::from(unterminated)
    }

    /// Reports the lines before the hit numbered `number` that starts at `buf[hit_start]`, back to
    /// `-B` lines or the last line shown.
    fn before_context(
        &self,
        buf: &[u8],
        hit_start: usize,
        number: u64,
        offset: u64,
        progress: &ScanState,
        sink: &mut impl Sink,
    ) {
        let wanted = self.selection.before.min(number - 1 - progress.last_shown) as usize;
        let mut lines: Vec<Range<usize>> = Vec::with_capacity(wanted);
        let mut end = hit_start;
        while lines.len() < wanted && end > 0 {
            let start = memrchr(b'\n', &buf[..end - 1]).map_or(0, |i| i + 1);
            // A named file's line holding binary data is never shown: the context ends at it.
            if self.named && !self.binary_as_text && memchr(0, &buf[start..end - 1]).is_some() {
                break;
            }
            lines.push(start..end - 1);
            end = start;
        }
        for (back, line) in lines.into_iter().enumerate().rev() {
            let line = Line {
                number: number - 1 - back as u64,
                offset: offset + line.start as u64,
                text: &buf[line.clone()],
                terminated: true,
                matches: None,
            };
            sink.context(&line, Context::Before { hit: number });
        }
    }

    /// Reports the lines of `held`, by the fast path when it can; counts them into `progress`.
    fn scan_region(
        &self,
        held: Held,
        progress: &mut ScanState,
        sink: &mut impl Sink,
        count_tail: bool,
    ) -> u64 {
        let lines = if self.selection.is_plain() {
            let region = &held.buf[held.start..];
            let offset = held.offset + held.start as u64;
            self.scan_lines(region, offset, progress.lines, sink, count_tail, &mut progress.hits)
        } else {
            let mut no_spans = MultilineSpans::default();
            self.scan_selected(held, progress, sink, count_tail, &mut no_spans)
        };
        progress.lines += lines;
        lines
    }

    /// `scan_region` for a named file that may hold NUL bytes: the lines before its first NUL are
    /// reported; from the line that holds it on, the file is binary data, never reported (as
    /// ripgrep stops at the first NUL of a file it searches): its lines are counted, and searched
    /// with NUL bytes as line ends only until one is selected, which is kept in `binary.matched`
    /// (the offset of the first NUL) and ends the search.
    fn scan_with_binary(
        &self,
        held: Held,
        progress: &mut ScanState,
        sink: &mut impl Sink,
        binary: Binary,
    ) -> u64 {
        let Held { buf, start, offset } = held;
        let mut lines = 0;
        let mut at = start;
        let first_nul = match *binary.first_nul {
            Some(first_nul) => first_nul,
            None => {
                let Some(nul) = memchr(0, &buf[start..]).map(|i| start + i) else {
                    return self.scan_region(held, progress, sink, true);
                };
                let line_start = memrchr(b'\n', &buf[start..nul]).map_or(start, |i| start + i + 1);
                lines +=
                    self.scan_region(Held { buf: &buf[..line_start], start, offset }, progress, sink, true);
                at = line_start;
                let first_nul = *binary.first_nul.insert(offset + nul as u64);
                // Hits before the binary data: the file matched, as ripgrep then says, whatever
                // the rest holds, which is not read (`ba x /dev/urandom` ends).
                if progress.hits > 0 && !self.count_binary {
                    *binary.matched = Some(first_nul);
                    progress.done = true;
                    return lines;
                }
                first_nul
            }
        };
        while at < buf.len() {
            let line_end = memchr(b'\n', &buf[at..]).map_or(buf.len(), |i| at + i);
            let continued = std::mem::take(binary.mid_line);
            if !continued {
                lines += 1;
                progress.lines += 1;
            }
            let newline = line_end < buf.len();
            let text = &buf[at..line_end];
            if self.count_binary {
                // (A piece of a line cut at a region's end counts with the piece before it.)
                if !continued && self.matcher.is_match(text) != self.selection.invert {
                    let line = Line {
                        number: progress.lines,
                        offset: offset + at as u64,
                        text,
                        terminated: newline,
                        matches: None,
                    };
                    sink.hit(&line);
                }
            } else if binary.matched.is_none() && self.stretch_matches(text, newline) != self.selection.invert
            {
                *binary.matched = Some(first_nul);
                // Nothing of it is shown: that it matched is all there is to tell.
                progress.done = true;
                return lines;
            }
            *binary.mid_line = !newline;
            at = line_end + 1;
        }
        lines
    }

    /// Whether one of the NUL-free stretches of `line` (those between its NUL bytes, empty ones
    /// included) matches. A run of NUL bytes, which may be gigabytes long, is stepped over at
    /// memory speed: the empty stretches in it are tried once, not once each. A NUL byte last has
    /// an empty stretch after it only where a `newline` follows: a piece of a longer line, cut
    /// after a NUL, goes on in the next piece, and the file's last line ends with the file.
    fn stretch_matches(&self, line: &[u8], newline: bool) -> bool {
        let regex = self.matcher;
        let (mut at, mut empty) = (0, false);
        loop {
            let end = memchr(0, &line[at..]).map_or(line.len(), |i| at + i);
            if end == at {
                empty = true;
            } else if regex.is_match(&line[at..end]) {
                return true;
            }
            if end == line.len() {
                break;
            }
            let run = leading_nuls(&line[end..]);
            at = end + run;
            // Two NUL bytes in a row, or one that ends the line, have an empty stretch after them.
            empty |= run > 1 || at == line.len() && newline;
            if at == line.len() {
                break;
            }
        }
        empty && regex.is_match(b"")
    }

    /// Reports the lines after the window's end that are context after its last hit: up to the
    /// lines left, stopping at the first line that would be a hit (the next part reports it).
    /// Returns whether that is over.
    fn scan_tail(&self, region: &[u8], offset: u64, progress: &mut ScanState, sink: &mut impl Sink) -> bool {
        let mut at = 0;
        while at < region.len() {
            let end = memchr(b'\n', &region[at..]).map_or(region.len(), |i| at + i);
            let text = &region[at..end];
            if self.matcher.is_match(text) != self.selection.invert {
                return true;
            }
            progress.lines += 1;
            let terminated = end < region.len();
            let line =
                Line { number: progress.lines, offset: offset + at as u64, text, terminated, matches: None };
            sink.context(&line, Context::After);
            progress.after_left -= 1;
            if progress.after_left == 0 {
                return true;
            }
            at = end + 1;
        }
        false
    }

    /// Searches the lines of `reader` that `window` names, reading into `buf` (which grows to hold a
    /// line longer than itself): a region of whole lines at a time, from the window's start to its
    /// end, then the context after its last hit.
    pub(crate) fn search_reader<R: Read>(
        &self,
        reader: &mut R,
        buf: &mut Vec<u8>,
        window: Window,
        sink: &mut impl Sink,
    ) -> Searched {
        if self.selection.multiline {
            return self.search_whole(reader, buf, window, sink);
        }
        if self.matcher.fallible {
            // What another search in this thread left.
            pcre::take_failure();
        }
        let mut scan = ReaderScan::new(self, window);
        if scan.settled_at_once && !sink.settled() {
            return scan.searched;
        }
        let mut lines = LineBuffer {
            buf,
            filled: 0,
            offset: 0,
            kept: 0,
            unread: window.read,
            no_line_end_to: 0,
            size: window.size,
        };
        loop {
            let done = match lines.fill(reader) {
                Ok(n) => n == 0,
                // Past the window, a read error only cuts the context after its last hit short.
                Err(_) if scan.tail => return scan.searched,
                Err(err) => {
                    scan.searched.outcome = Outcome::Failed(err);
                    return scan.searched;
                }
            };
            let begin = match scan.begin(&mut lines, done) {
                Next::Go(begin) => begin,
                Next::ReadMore => continue,
                Next::Over => return scan.searched,
            };
            let Some(region_end) = scan.region_end(&mut lines, begin, done) else { continue };
            // The region may end sooner: at the window's end.
            let first = scan.progress.lines + 1;
            let next = scan.search_region(reader, &mut lines, begin..region_end, done, sink);
            if self.matcher.fallible {
                scan.searched.note_gave_up(lines.held(), begin, first);
            }
            let region_end = match next {
                Next::Go(region_end) => region_end,
                _ => return scan.searched,
            };
            let keep_from = retained_from(lines.buf, region_end, self.selection.before);
            lines.kept = region_end - keep_from;
            lines.discard(keep_from);
        }
    }

    /// `--multiline`: reads the whole reader (a match may span any number of lines), then reports
    /// the lines each match touches.
    fn search_whole<R: Read>(
        &self,
        reader: &mut R,
        buf: &mut Vec<u8>,
        window: Window,
        sink: &mut impl Sink,
    ) -> Searched {
        // After what the caller already read.
        buf.truncate(window.read);
        // A file of known size is held in a buffer of its size (and a byte to see its end), not
        // one doubled past it. (Where that much cannot be had, the reads find out how much is.)
        if let Some(size) = window.size {
            let whole = usize::try_from(size).unwrap_or(usize::MAX).saturating_add(1);
            let _ = buf.try_reserve_exact(whole.saturating_sub(buf.len()));
        }
        let mut searched = Searched::new(Outcome::Searched);
        // A NUL byte ends the text (unless -a): nothing past it is read, so a sparse file's hole
        // is not read into memory.
        let mut checked = 0;
        loop {
            let start = buf.len();
            if !self.binary_as_text && memchr(0, &buf[checked..]).is_some() {
                break;
            }
            checked = start;
            let room = buf.capacity() - start;
            buf.resize(start + if room > 0 { room.min(WHOLE_READ_SIZE) } else { WHOLE_READ_SIZE }, 0);
            match reader.read(&mut buf[start..]) {
                Ok(0) => {
                    buf.truncate(start);
                    break;
                }
                Ok(n) => buf.truncate(start + n),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => buf.truncate(start),
                Err(err) => {
                    buf.truncate(start);
                    searched.outcome = Outcome::Failed(err);
                    return searched;
                }
            }
        }
        let mut len = buf.len();
        if let Some(at) = memchr(0, buf).filter(|_| !self.binary_as_text) {
            if (at as u64) < BINARY_SNIFF {
                return Searched::new(Outcome::Binary);
            }
            len = memrchr(b'\n', &buf[..at]).map_or(0, |i| i + 1);
            searched.outcome = Outcome::Truncated;
        }
        // A byte-order mark is not part of the first line (nor of a match).
        let start = if buf[..len].starts_with(BOM) { BOM.len() } else { 0 };
        let text = &buf[start..len];
        if self.matcher.fallible {
            pcre::take_failure();
        }
        let mut spans = MultilineSpans {
            matches: {
                let mut matches = Vec::new();
                self.matcher.matches(text, &mut matches);
                // --max-count counts matches, as ripgrep's, where they may span lines.
                if let Some(max) = self.selection.max_count {
                    matches.truncate(usize::try_from(max).unwrap_or(usize::MAX));
                }
                matches
            },
            in_block: Vec::new(),
        };
        let mut progress = ScanState::default();
        if self.selection.passthru {
            progress.after_left = u64::MAX;
        }
        searched.lines = self.scan_selected(
            Held { buf: text, start: 0, offset: start as u64 },
            &mut progress,
            sink,
            true,
            &mut spans,
        );
        if self.matcher.fallible {
            searched.note_gave_up(text, 0, 1);
        }
        // (As a search line by line counts them: the byte-order mark left out.)
        searched.bytes = (len - start) as u64;
        searched
    }
}

/// What `search_reader` does after a step.
enum Next<T> {
    Go(T),
    ReadMore,
    Over,
}

/// The bytes of a reader being searched: `buf[..filled]` holds data, `buf[0]` is at `offset` from
/// the reader's start, and `buf[..kept]` holds lines already searched, kept as context for the hits
/// at the start of the next region.
struct LineBuffer<'b> {
    buf: &'b mut Vec<u8>,
    filled: usize,
    offset: u64,
    kept: usize,
    /// Bytes the caller read before the search, at the front of `buf`: the first read.
    unread: usize,
    /// Where the bytes held stop being known to hold no line end (from the reader's start): a line
    /// longer than a read is looked through once, not again after every read.
    no_line_end_to: u64,
    /// How many bytes the reader holds, if known (`Window::size`).
    size: Option<u64>,
}

impl LineBuffer<'_> {
    /// Reads more after what is held (growing the buffer when it is full); 0 at the end.
    fn fill(&mut self, reader: &mut impl Read) -> io::Result<usize> {
        if self.filled == self.buf.len() {
            self.grow();
        }
        let n = loop {
            if self.unread > 0 {
                break std::mem::take(&mut self.unread);
            }
            match reader.read(&mut self.buf[self.filled..]) {
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                read => break read?,
            }
        };
        self.filled += n;
        Ok(n)
    }

    /// Makes room after what is held, twice as much. A buffer grown big (a line of more than
    /// `WHOLE_LINE_AT`) reserves room for the rest of the reader at once where its size is known,
    /// and fills it in as it goes: a line as long as the file is never copied again, nor held in a
    /// buffer twice its size (each copy leaves the allocator pages it keeps for a while).
    fn grow(&mut self) {
        let len = self.buf.len();
        if len == self.buf.capacity() {
            let left =
                self.size.map(|size| usize::try_from(size.saturating_sub(self.offset)).unwrap_or(usize::MAX));
            match left.map(|left| left.saturating_add(1)) {
                Some(left)
                    if left > len
                        && len >= WHOLE_LINE_AT
                        && self.buf.try_reserve_exact(left - len).is_ok() => {}
                _ => self.buf.reserve(len.max(64)),
            }
        }
        // Only what the next reads fill is zeroed: zeroing all the room at once would touch every
        // page of it, which a pipe's 64 KiB reads then take hundreds of calls to reach.
        let room = self.buf.capacity() - len;
        self.buf.resize(len + room.min(len.max(64)).min(GROW_STEP), 0);
    }

    /// Lets go of `buf[..from]`: what is held after it moves to the front.
    fn discard(&mut self, from: usize) {
        if from == 0 {
            return;
        }
        self.buf.copy_within(from..self.filled, 0);
        self.filled -= from;
        self.offset += from as u64;
    }

    fn held(&self) -> &[u8] {
        &self.buf[..self.filled]
    }
}

/// The state of `search_reader` from one region of a reader to the next.
struct ReaderScan<'e> {
    engine: &'e Engine<'e>,
    /// Where the reader starts in the file, and where the window ends (from the reader's start).
    origin: u64,
    end: Option<u64>,
    /// The caller found no NUL byte where one makes the file binary (see `Window::sniffed`).
    sniffed: bool,
    /// The first line read belongs to the part before, and is not yet passed.
    skip_first_line: bool,
    /// Lead lines not yet passed.
    lead_left: u64,
    progress: ScanState,
    searched: Searched,
    /// Past the window's end: only the context after its last hit is read.
    tail: bool,
    /// A named file's region ended inside a line of its binary data.
    mid_binary_line: bool,
    /// A named file (not -a): NUL bytes end lines, a line holding one is not reported.
    converts: bool,
    /// Nothing found can be taken back once binary data is known to be where it makes a file
    /// binary or not, and never in a named file (where it ends lines): then hits go on as they are
    /// found, not a region's worth at a time.
    settled_at_once: bool,
}

impl<'e> ReaderScan<'e> {
    fn new(engine: &'e Engine<'e>, window: Window) -> ReaderScan<'e> {
        let converts = engine.named && !engine.binary_as_text;
        let mut progress = ScanState::default();
        if engine.selection.passthru {
            progress.after_left = u64::MAX;
        }
        // `--max-count 0`: no line is selected, as in ripgrep.
        progress.capped = engine.selection.max_count == Some(0);
        ReaderScan {
            engine,
            origin: window.origin,
            end: window.end,
            sniffed: window.sniffed,
            skip_first_line: window.skip_first_line,
            lead_left: window.lead,
            progress,
            searched: Searched { binary_from: window.binary_from_start, ..Searched::new(Outcome::Searched) },
            tail: false,
            mid_binary_line: false,
            converts,
            settled_at_once: engine.binary_as_text || converts || window.sniffed,
        }
    }

    /// Where the lines to search start in what is held: after a UTF-8 byte-order mark, the first
    /// line a part does not own, and the lead lines (kept as the context of the first hits).
    fn begin(&mut self, lines: &mut LineBuffer, done: bool) -> Next<usize> {
        // A byte-order mark is not part of the first line: it leaves the buffer, so that no line (a
        // hit, or context before one) takes it in.
        if self.origin + lines.offset == 0 && lines.kept == 0 && !self.skip_first_line {
            if lines.held().starts_with(BOM) {
                lines.discard(3);
            } else if lines.filled < 3 && !done && BOM.starts_with(lines.held()) {
                return Next::ReadMore;
            }
        }
        let mut begin = lines.kept;
        if self.skip_first_line {
            match self.past_first_line(lines, begin, done) {
                Next::Go(after) => begin = after,
                other => return other,
            }
        }
        while self.lead_left > 0 {
            match memchr(b'\n', &lines.held()[begin..]) {
                Some(i) => {
                    begin += i + 1;
                    self.lead_left -= 1;
                    self.progress.lines += 1;
                    // The lead reaches the end: the part owns no line at all.
                    if self.lead_left == 0 && self.end.is_some_and(|end| lines.offset + begin as u64 >= end) {
                        return Next::Over;
                    }
                }
                None if done => return Next::Over,
                None => {
                    // The lead lines read so far are kept: they are the context of the first hits.
                    lines.kept = begin;
                    return Next::ReadMore;
                }
            }
        }
        Next::Go(begin)
    }

    /// Where the line after the first one starts: the first line, begun in the part before, is
    /// not this part's.
    fn past_first_line(&mut self, lines: &mut LineBuffer, begin: usize, done: bool) -> Next<usize> {
        let held = lines.held();
        let first_line_end = memchr(b'\n', &held[begin..]);
        // A NUL byte in the line the part starts in: a walked file's text ended in the part before,
        // which says so; nothing here is text (and the NUL bytes are not read on).
        let line = &held[begin..first_line_end.map_or(held.len(), |i| begin + i)];
        if !self.engine.binary_as_text && !self.converts && memchr(0, line).is_some() {
            return Next::Over;
        }
        let (offset, end) = (lines.offset, self.end);
        let window_over = |at: u64| end.is_some_and(|end| offset + at >= end);
        match first_line_end {
            // The part ends inside that line: it owns no line at all.
            Some(i) if window_over((begin + i) as u64 + 1) => Next::Over,
            Some(i) => {
                self.skip_first_line = false;
                Next::Go(begin + i + 1)
            }
            None if done || window_over(lines.filled as u64) => Next::Over,
            None => {
                lines.offset += lines.filled as u64;
                lines.filled = 0;
                Next::ReadMore
            }
        }
    }

    /// Where the region to search from `begin` ends: after the last newline read, or at the end of
    /// the file; None when no line is whole yet (the buffer then keeps only what is needed).
    fn region_end(&self, lines: &mut LineBuffer, begin: usize, done: bool) -> Option<usize> {
        if done {
            return Some(lines.filled);
        }
        // What was looked through before (and held no line end) is not looked through again.
        let known = lines.no_line_end_to.saturating_sub(lines.offset) as usize;
        let from = begin.max(known).min(lines.filled);
        let unsearched = &lines.held()[from..];
        if let Some(i) = memrchr(b'\n', unsearched) {
            return Some(from + i + 1);
        }
        let walked = !self.engine.binary_as_text && !self.converts;
        match memrchr(0, unsearched) {
            // A long stretch of binary data without a newline is cut at its NUL bytes.
            Some(i) if self.converts => Some(from + i + 1),
            // A NUL byte ends a walked file's text, newline or not: searched now, the line that
            // holds it ends the search (a file of NUL bytes with no newline is never read whole,
            // nor held).
            Some(_) if walked => Some(lines.filled),
            _ => {
                lines.no_line_end_to = lines.offset + lines.filled as u64;
                lines.kept = begin - retained_from(lines.buf, begin, self.engine.selection.before);
                lines.discard(begin - lines.kept);
                None
            }
        }
    }

    /// Searches `region` of what is held (whole lines), within the window or past it, and returns
    /// where it ended (sooner at the window's end); `Over` when the search of the reader is over.
    fn search_region(
        &mut self,
        reader: &mut impl Read,
        lines: &mut LineBuffer,
        region: Range<usize>,
        mut done: bool,
        sink: &mut impl Sink,
    ) -> Next<usize> {
        let (begin, mut region_end) = (region.start, region.end);
        // Stop after the line that holds the byte before `end`.
        let mut window_over = false;
        if let Some(last_byte) = self.end.filter(|_| !self.tail).and_then(|end| end.checked_sub(1)) {
            if last_byte < lines.offset + lines.filled as u64 {
                let from = (last_byte.saturating_sub(lines.offset) as usize).max(begin);
                if let Some(i) = memchr(b'\n', &lines.held()[from..]) {
                    region_end = from + i + 1;
                    window_over = true;
                } else if done {
                    window_over = true;
                }
            }
        }
        let mut region_len = region_end - begin;
        let buf_start = self.origin + lines.offset;
        let nul = match self.engine.binary_as_text || self.converts {
            true => None,
            false => memchr(0, &lines.buf[begin..region_end]),
        };
        if let Some(at) = nul {
            if !self.tail && !self.sniffed && buf_start + ((begin + at) as u64) < BINARY_SNIFF {
                sink.forget();
                self.searched = Searched::new(Outcome::Binary);
                return Next::Over;
            }
            region_len = memrchr(b'\n', &lines.buf[begin..begin + at]).map_or(0, |i| i + 1);
            if !self.tail {
                self.searched.outcome = Outcome::Truncated;
            }
            done = true;
        }
        let scanned = &lines.buf[..begin + region_len];
        if self.tail {
            let tail_start = buf_start + begin as u64;
            let over = self.engine.scan_tail(&scanned[begin..], tail_start, &mut self.progress, sink);
            return if over || done { Next::Over } else { Next::Go(region_end) };
        }
        let window_done = done || window_over;
        self.scan_window_region(Held { buf: scanned, start: begin, offset: buf_start }, window_done, sink);
        // Past the sniffed bytes nothing found can be taken back.
        let settled = self.settled_at_once || buf_start + region_end as u64 >= BINARY_SNIFF;
        if settled && !sink.settled() {
            return Next::Over;
        }
        if self.progress.done {
            // Done early (--max-count, -q, the path lists): the rest of the sniffed bytes still
            // decide whether the file is binary, as they would for a whole search.
            if !settled && nul_before_sniff_end(reader, lines.buf, region_end, lines.filled, buf_start) {
                sink.forget();
                self.searched = Searched::new(Outcome::Binary);
            }
            return Next::Over;
        }
        if window_done {
            // After the window: only the context after its last hit, if any is left.
            let selection = &self.engine.selection;
            let after = if selection.passthru { 0 } else { self.progress.after_left.min(selection.after) };
            if done || after == 0 {
                return Next::Over;
            }
            self.progress.after_left = after;
            self.tail = true;
        }
        Next::Go(region_end)
    }

    /// Reports the lines of `held`, within the window, and counts them.
    fn scan_window_region(&mut self, held: Held, window_done: bool, sink: &mut impl Sink) {
        let engine = self.engine;
        let binary_data =
            || self.searched.binary_from.is_some() || memchr(0, &held.buf[held.start..]).is_some();
        let lines = if self.converts && binary_data() {
            let binary = Binary {
                first_nul: &mut self.searched.binary_from,
                mid_line: &mut self.mid_binary_line,
                matched: &mut self.searched.binary_match,
            };
            engine.scan_with_binary(held, &mut self.progress, sink, binary)
        } else {
            let count_tail = engine.count_lines || !window_done;
            engine.scan_region(held, &mut self.progress, sink, count_tail)
        };
        let region_start = held.offset + held.start as u64;
        let end = self.progress.stopped_at.take().unwrap_or(held.offset + held.buf.len() as u64);
        self.searched.bytes += end - region_start;
        self.searched.lines += lines;
    }
}

/// Where reading a big file's part starts so as to see the `lines` lines before its first line,
/// for the context of its first hits, and how many lines that is (fewer at the file's start): the
/// lines that end with the one holding the byte before the part. Read backwards with `read_at`
/// (a block, at an offset), a block at a time.
pub(crate) fn lead_start(
    read_at: &mut dyn FnMut(&mut [u8], u64) -> io::Result<()>,
    part_start: u64,
    lines: u64,
) -> io::Result<(u64, u64)> {
    let mut block = vec![0; 64 << 10];
    let (mut end, mut newlines) = (part_start - 1, 0);
    while end > 0 {
        let start = end.saturating_sub(block.len() as u64);
        let block = &mut block[..(end - start) as usize];
        read_at(block, start)?;
        for (i, _) in block.iter().enumerate().rev().filter(|&(_, &b)| b == b'\n') {
            newlines += 1;
            if newlines == lines {
                return Ok((start + i as u64 + 1, lines));
            }
        }
        end = start;
    }
    Ok((0, newlines + 1))
}

/// Whether a NUL byte lies in the rest of a file's first `BINARY_SNIFF` bytes: in `buf[from..filled]`
/// (`buf[0]` at `at` in the file), then in what `reader` gives. A read error says no: the search
/// that stopped early has found what it wanted.
fn nul_before_sniff_end(reader: &mut impl Read, buf: &mut [u8], from: usize, filled: usize, at: u64) -> bool {
    let left = |pos: u64| BINARY_SNIFF.saturating_sub(pos) as usize;
    let held = &buf[from..filled];
    if memchr(0, &held[..left(at + from as u64).min(held.len())]).is_some() {
        return true;
    }
    let mut pos = at + filled as u64;
    while pos < BINARY_SNIFF {
        let want = left(pos).min(buf.len());
        match reader.read(&mut buf[..want]) {
            Ok(0) => return false,
            Ok(n) if memchr(0, &buf[..n]).is_some() => return true,
            Ok(n) => pos += n as u64,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    false
}

/// Whole lines to search, `buf[start..]` (the last maybe without `\n`), after lines kept as context
/// for their first hits, `buf[..start]`; `buf[0]` is at `offset` in the file.
#[derive(Clone, Copy)]
struct Held<'a> {
    buf: &'a [u8],
    start: usize,
    offset: u64,
}

/// What `scan_with_binary` carries from one region to the next.
struct Binary<'a> {
    /// Where the file's first NUL byte is, once it is found.
    first_nul: &'a mut Option<u64>,
    /// The region before ended inside a line (of binary data), counted already.
    mid_line: &'a mut bool,
    /// Where the first NUL is, once a line of the binary data is selected.
    matched: &'a mut Option<u64>,
}

/// `--multiline`: the matches of the whole text, and the hits they make. As in ripgrep, a hit is
/// the lines from the one a match starts on to the one it ends on, and runs on while the next
/// match starts on its last line or the line after: each line is in one hit at most. (A pattern
/// that cannot match a line end is not searched here: ripgrep finds it a line at a time.)
#[derive(Default)]
struct MultilineSpans {
    /// In order, not overlapping.
    matches: Vec<Range<usize>>,
    /// Scratch space for the matches of one hit.
    in_block: Vec<Range<usize>>,
}

impl MultilineSpans {
    /// The next hit at or after `at` (a line start out of every hit before): its lines, without the
    /// last one's `\n`. An empty match at the very end of text that ends with `\n` makes none.
    fn next_block(&self, text: &[u8], at: usize) -> Option<Range<usize>> {
        let first = self.matches.partition_point(|m| m.start < at);
        let mut lines = self.matches[first..].iter().map(|m| lines_of(text, m));
        let mut block = lines.next().filter(|block| block.start < text.len())?;
        for next in lines {
            if next.start > block.end {
                break;
            }
            block.end = block.end.max(next.end);
        }
        Some(without_line_end(text, block))
    }

    /// The matches of the hit `block` (from `next_block`), from its start; the last may take in the
    /// `\n` after it.
    fn in_block(&mut self, block: &Range<usize>) -> &[Range<usize>] {
        let first = self.matches.partition_point(|m| m.start < block.start);
        let within = self.matches[first..].iter().take_while(|m| m.start <= block.end);
        self.in_block.clear();
        self.in_block.extend(within.map(|m| m.start - block.start..m.end - block.start));
        &self.in_block
    }
}

/// `lines` without the `\n` that ends them, if one does.
fn without_line_end(text: &[u8], lines: Range<usize>) -> Range<usize> {
    let ends_line = lines.end > lines.start && text[lines.end - 1] == b'\n';
    lines.start..lines.end - usize::from(ends_line)
}

/// The lines `m` touches, with the `\n` that ends the last (ripgrep's `lines::locate`): a match that
/// ends with a `\n` ends its lines there.
fn lines_of(text: &[u8], m: &Range<usize>) -> Range<usize> {
    let start = memrchr(b'\n', &text[..m.start]).map_or(0, |i| i + 1);
    let end = if m.end > start && text[m.end - 1] == b'\n' {
        m.end
    } else {
        memchr(b'\n', &text[m.end..]).map_or(text.len(), |i| m.end + i + 1)
    };
    start..end
}

/// How many NUL bytes `bytes` starts with, compared a block at a time.
fn leading_nuls(bytes: &[u8]) -> usize {
    const ZEROS: [u8; 4096] = [0; 4096];
    let blocks = bytes.chunks_exact(ZEROS.len()).take_while(|block| *block == ZEROS).count();
    let at = blocks * ZEROS.len();
    at + bytes[at..].iter().take_while(|&&b| b == 0).count()
}

/// The line (without its `\n`) that holds `offset`.
pub(crate) fn line_around(region: &[u8], offset: usize) -> Range<usize> {
    let start = memrchr(b'\n', &region[..offset]).map_or(0, |i| i + 1);
    let end = memchr(b'\n', &region[offset..]).map_or(region.len(), |i| offset + i);
    start..end
}

/// Where the last `lines` lines before `end` (a line start) begin in `buf`: kept as context for the
/// hits at the start of the next region.
fn retained_from(buf: &[u8], end: usize, lines: u64) -> usize {
    let mut start = end;
    for _ in 0..lines {
        if start == 0 {
            break;
        }
        start = memrchr(b'\n', &buf[..start - 1]).map_or(0, |i| i + 1);
    }
    start
}

/// See `Engine::matching_lines`: yields (line number, line without its `\n`), counting newlines
/// only between hits.
pub(crate) struct MatchingLines<'r> {
    engine: &'r Engine<'r>,
    region: &'r [u8],
    /// Where the search for the next matching line starts.
    at: usize,
    /// Newlines are counted up to here: the start of the last line yielded.
    counted_to: usize,
    /// Newlines before `counted_to`.
    newlines: u64,
}

impl Iterator for MatchingLines<'_> {
    type Item = (u64, Range<usize>);

    fn next(&mut self) -> Option<(u64, Range<usize>)> {
        let line = self.engine.next_matching_line(self.region, self.at)?;
        self.newlines += count_newlines(&self.region[self.counted_to..line.start]);
        self.counted_to = line.start;
        self.at = line.end + 1;
        Some((self.newlines + 1, line))
    }
}

/// The number of `\n` bytes in `bytes` (SIMD; the summary counts every line searched).
pub fn count_newlines(bytes: &[u8]) -> u64 {
    bytecount::count(bytes, b'\n') as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::properties::{self, engine_matches_oracle, oracle, EngineCase, Lines, Recorder, PATTERNS};
    use proptest::prelude::*;
    use std::io::Cursor;

    fn selections() -> impl Strategy<Value = Lines> {
        (any::<bool>(), 0u64..4, 0u64..4, any::<bool>(), proptest::option::of(1u64..4)).prop_map(
            |(invert, before, after, passthru, max_count)| Lines {
                invert,
                before,
                after,
                passthru,
                max_count,
            },
        )
    }

    /// The engine searches `text` cut at `cuts`, through buffers of `buffer` bytes, as the oracle.
    fn check(
        pattern: &str,
        text: &[u8],
        cuts: &[usize],
        buffer: usize,
        lines: Lines,
    ) -> Result<(), TestCaseError> {
        let case = EngineCase { pattern, ignore_case: false, text, cuts, buffer, lines };
        engine_matches_oracle(&case).map_err(TestCaseError::fail)
    }

    proptest! {
        #[test]
        fn whole_buffer_search_matches_the_line_by_line_oracle(
            text in proptest::collection::vec(prop::sample::select(b"ab c\n\r\xc3\xa9".to_vec()), 0..200),
            pattern in prop::sample::select(PATTERNS),
        ) {
            let matcher = Matcher::compile(pattern, false).unwrap();
            let engine = Engine { binary_as_text: true, ..Engine::new(&matcher) };
            let mut lines = Recorder::default();
            let count = engine.scan(&text, 0, &mut lines);
            let regex = regex::bytes::Regex::new(pattern).unwrap();
            prop_assert_eq!(lines.found, oracle(&regex, &text, Lines::default()));
            prop_assert_eq!(count, properties::lines(&text).len() as u64);
        }

        #[test]
        fn parts_and_small_buffers_find_the_same_lines(
            text in proptest::collection::vec(prop::sample::select(b"aab \r\n\n".to_vec()), 0..300),
            pattern in prop::sample::select(PATTERNS),
            cuts in proptest::collection::vec(0usize..300, 0..5),
            buf_size in 1usize..16,
        ) {
            check(pattern, &text, &cuts, buf_size, Lines::default())?;
        }

        /// A line holding NUL bytes matches if one of the stretches between them does, however
        /// long its runs of NUL bytes.
        #[test]
        fn stretches_between_nul_bytes_match_as_split_finds_them(
            head in proptest::collection::vec(prop::sample::select(b"\0ab".to_vec()), 0..20),
            run in 0usize..9000,
            tail in proptest::collection::vec(prop::sample::select(b"\0ab".to_vec()), 0..20),
            pattern in prop::sample::select(PATTERNS),
        ) {
            let line = [head, vec![0; run], tail].concat();
            let matcher = Matcher::compile(pattern, false).unwrap();
            let engine = Engine::new(&matcher);
            let split = line.split(|&b| b == 0).any(|stretch| matcher.is_match(stretch));
            prop_assert_eq!(engine.stretch_matches(&line, true), split);
        }

        /// -v, context, --passthru and --max-count, through small buffers: as grep reports them.
        #[test]
        fn selections_through_small_buffers_match_the_oracle(
            text in proptest::collection::vec(prop::sample::select(b"aab \r\n\n".to_vec()), 0..300),
            pattern in prop::sample::select(PATTERNS),
            selection in selections(),
            buf_size in 1usize..16,
        ) {
            check(pattern, &text, &[], buf_size, selection)?;
        }

        /// Context lines and -v across the edges of a big file's parts come out as from one piece.
        #[test]
        fn context_across_parts_matches_the_oracle(
            text in proptest::collection::vec(prop::sample::select(b"aab \r\n\n".to_vec()), 0..300),
            pattern in prop::sample::select(PATTERNS),
            selection in selections().prop_map(|s| Lines { max_count: None, ..s }),
            cuts in proptest::collection::vec(0usize..300, 0..5),
            buf_size in 1usize..16,
        ) {
            check(pattern, &text, &cuts, buf_size, selection)?;
        }
    }

    #[test]
    fn a_nul_byte_makes_the_file_binary_unless_text() {
        let matcher = Matcher::compile("a", false).unwrap();
        let mut engine = Engine::new(&matcher);
        let mut lines = Recorder::default();
        let searched =
            engine.search_reader(&mut Cursor::new(b"a\n\0a\n"), &mut vec![0; 64], Window::WHOLE, &mut lines);
        assert!(matches!(searched.outcome, Outcome::Binary));
        assert!(lines.found.is_empty());
        engine.binary_as_text = true;
        let mut lines = Recorder::default();
        engine.search_reader(&mut Cursor::new(b"a\n\0a\n"), &mut vec![0; 64], Window::WHOLE, &mut lines);
        assert_eq!(lines.found, vec![(1, b"a".to_vec(), true), (2, b"\0a".to_vec(), true)]);
    }

    /// Text past the binary check, then NUL bytes without end: the search stops at them after a
    /// buffer or two, for a walked file and a part of one.
    #[test]
    fn nul_bytes_without_a_newline_end_a_walked_file_at_once() {
        struct TextThenNuls {
            text: Cursor<Vec<u8>>,
            read: u64,
        }
        impl Read for TextThenNuls {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let mut n = self.text.read(buf)?;
                if n == 0 {
                    buf.fill(0);
                    n = buf.len();
                }
                self.read += n as u64;
                Ok(n)
            }
        }
        let matcher = Matcher::compile("a", false).unwrap();
        let engine = Engine::new(&matcher);
        let text = b"a\n".repeat(BINARY_SNIFF as usize);
        let part = Window { origin: 99, skip_first_line: true, end: Some(1 << 40), ..Window::WHOLE };
        for (window, hits) in [(Window::WHOLE, BINARY_SNIFF as usize), (part, BINARY_SNIFF as usize - 50)] {
            let text = text[window.origin as usize..].to_vec();
            let mut reader = TextThenNuls { text: Cursor::new(text), read: 0 };
            let mut lines = Recorder::default();
            let searched = engine.search_reader(&mut reader, &mut vec![0; 4096], window, &mut lines);
            assert!(matches!(searched.outcome, Outcome::Truncated));
            assert_eq!(lines.found.len(), hits);
            assert!(reader.read < 2 * BINARY_SNIFF + (64 << 10), "read {} bytes", reader.read);
        }
    }

    /// A reader that returns little at a time (a pipe, a decoder) still has its lines held until
    /// its first `BINARY_SNIFF` bytes are known to hold no NUL byte.
    #[test]
    fn short_reads_settle_nothing_before_the_binary_check() {
        struct Trickle(Cursor<Vec<u8>>);
        impl Read for Trickle {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let len = buf.len().min(1000);
                self.0.read(&mut buf[..len])
            }
        }
        #[derive(Default)]
        struct Settling {
            settled: bool,
            forgot_settled: bool,
        }
        impl Sink for Settling {
            fn hit(&mut self, _line: &Line) {}
            fn settled(&mut self) -> bool {
                self.settled = true;
                true
            }
            fn forget(&mut self) {
                self.forgot_settled |= self.settled;
            }
        }
        let matcher = Matcher::compile("a", false).unwrap();
        let engine = Engine::new(&matcher);
        let text = [b"a\n".repeat(100_000), b"\0\n".to_vec()].concat();
        let mut sink = Settling::default();
        let searched = engine.search_reader(
            &mut Trickle(Cursor::new(text)),
            &mut vec![0; 4096],
            Window::WHOLE,
            &mut sink,
        );
        assert!(matches!(searched.outcome, Outcome::Binary));
        assert!(!sink.forgot_settled, "lines were settled, then taken back");
    }

    /// `\A` and `\z` are a line's start and end, not only the buffer's.
    #[test]
    fn text_anchors_mean_the_line_start_and_end() {
        for (pattern, found) in [(r"\A[fF]", vec![1, 2]), (r"[oO]\z", vec![1, 3]), (r"\A\z", vec![4])] {
            let matcher = Matcher::compile(pattern, false).unwrap();
            let mut lines = Recorder::default();
            Engine::new(&matcher).scan(b"foo\nfox\nxfoo\n\nend", 0, &mut lines);
            let numbers: Vec<u64> = lines.found.iter().map(|(number, _, _)| *number).collect();
            assert_eq!(numbers, found, "{pattern}");
        }
    }

    /// A UTF-8 byte-order mark is not part of the first line, shown as context or as a hit.
    #[test]
    fn the_byte_order_mark_is_not_part_of_the_first_line() {
        let matcher = Matcher::compile("b", false).unwrap();
        let engine =
            Engine { selection: Selection { before: 1, ..Selection::default() }, ..Engine::new(&matcher) };
        let mut lines = Recorder::default();
        let text = b"\xEF\xBB\xBFa\nb\n";
        engine.search_reader(&mut Cursor::new(text), &mut vec![0; 2], Window::WHOLE, &mut lines);
        assert_eq!(lines.found, vec![(1, b"a".to_vec(), false), (2, b"b".to_vec(), true)]);
    }

    #[test]
    fn smart_case_insensitive_matches_any_case() {
        let matcher = Matcher::compile("resume", true).unwrap();
        let engine = Engine::new(&matcher);
        let mut lines = Recorder::default();
        engine.scan(b"PM_RESUME\nresume\nnothing\n", 0, &mut lines);
        assert_eq!(lines.found, vec![(1, b"PM_RESUME".to_vec(), true), (2, b"resume".to_vec(), true)]);
    }

    /// -U: a hit holds the lines from its match's first to its last, once; a match on the line
    /// right after a hit joins it (as ripgrep's); context stays outside.
    #[test]
    fn multiline_hits_hold_the_lines_their_matches_touch() {
        let options = crate::search::matcher::PatternOptions { multiline: true, ..Default::default() };
        let matcher = Matcher::new(&[r"b\nc\nd|e|g".to_string()], &options).unwrap();
        let selection = Selection { multiline: true, before: 1, ..Selection::default() };
        let engine = Engine { selection, ..Engine::new(&matcher) };
        let mut lines = Recorder::default();
        let searched = engine.search_reader(
            &mut Cursor::new(b"a\nb\nc\nd\ne\nf\ng"),
            &mut vec![0; 4],
            Window::WHOLE,
            &mut lines,
        );
        let expected: Vec<(u64, &[u8], bool)> =
            vec![(1, b"a", false), (2, b"b\nc\nd\ne", true), (6, b"f", false), (7, b"g", true)];
        let found: Vec<(u64, &[u8], bool)> =
            lines.found.iter().map(|(n, t, hit)| (*n, &t[..], *hit)).collect();
        assert_eq!(found, expected);
        assert_eq!(searched.lines, 7);
    }
}
