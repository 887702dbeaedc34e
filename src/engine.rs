//! The search engine: finds the matching lines of a reader or a buffer and hands them to a `Sink`.
//!
//! The regex runs over a whole buffer at once, never once per line: a search from the last hit finds
//! the next match, memchr finds the line around it, and newlines are counted only between hits.

use std::io::{self, Read};
use std::ops::Range;

use memchr::{memchr, memrchr};

use crate::matcher::Matcher;
use crate::pipeline::Outcome;

/// A NUL byte this early makes a file binary: nothing of it is printed.
pub(crate) const BINARY_SNIFF: u64 = 256 << 10;

/// Where the engine puts the matching lines it finds.
pub trait Sink {
    /// A matching line (without its `\n`), numbered from 1 at the start of what is searched.
    fn hit(&mut self, line_number: u64, line: &[u8]);

    /// The hits so far are final: whether the file is binary is decided, so none of them will be
    /// taken back. A chance to pass them on; false stops the search (nobody wants more).
    fn settled(&mut self) -> bool {
        true
    }

    /// The file turned out binary: forget every hit.
    fn forget(&mut self);
}

/// Which lines of a reader to search.
#[derive(Clone, Copy)]
pub(crate) struct Window {
    /// The offset in the file where the reader starts.
    pub(crate) origin: u64,
    /// The reader starts inside a line that belongs to the part before.
    pub(crate) skip_first_line: bool,
    /// Only lines that start before this offset (from the reader's start) are searched: a part's end,
    /// or a file's size, which spares the read that would only see the end of the file.
    pub(crate) end: Option<u64>,
}

impl Window {
    /// A whole reader, from its start to its end.
    pub(crate) const WHOLE: Window = Window { origin: 0, skip_first_line: false, end: None };
}

/// What a search of a reader came to.
pub(crate) struct Searched {
    pub(crate) outcome: Outcome,
    /// Lines searched; short of the whole count when `count_lines` is off.
    pub(crate) lines: u64,
    pub(crate) bytes: u64,
}

/// How every searcher searches.
#[derive(Clone, Copy)]
pub struct Engine<'a> {
    pub matcher: &'a Matcher,
    /// Search files with NUL bytes as text.
    pub text: bool,
    /// Count every line of a file (for the summary, or to number the lines of the parts after it).
    pub count_lines: bool,
}

impl Engine<'_> {
    /// Finds the matching lines of `region` (whole lines, the last maybe without `\n`), hands them to
    /// `sink` numbered from `lines_before + 1`, and returns how many lines `region` holds.
    pub fn scan(&self, region: &[u8], lines_before: u64, sink: &mut impl Sink) -> u64 {
        self.scan_lines(region, lines_before, sink, true)
    }

    /// `scan`, but without `count_tail` the lines after the last hit are not counted (and the count
    /// returned is short): the last region of a file needs no count when no summary shows it.
    fn scan_lines(&self, region: &[u8], lines_before: u64, sink: &mut impl Sink, count_tail: bool) -> u64 {
        let mut lines = self.matching_lines(region);
        for (number, line) in lines.by_ref() {
            sink.hit(lines_before + number, &region[line]);
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
        let line_around = |offset: usize| {
            let start = memrchr(b'\n', &region[..offset]).map_or(0, |i| i + 1);
            let end = memchr(b'\n', &region[offset..]).map_or(region.len(), |i| offset + i);
            start..end
        };
        while at < region.len() {
            let Some(candidates) = &self.matcher.candidates else {
                // Where the first match ends is enough to know its line (a match never spans two):
                // the regex engine can stop there instead of finding the match's bounds.
                let end = self.matcher.regex.shortest_match_at(region, at)?;
                // Only an empty match ends after the final newline: it is not on any line.
                if end == region.len() && region.last() == Some(&b'\n') {
                    return None;
                }
                return Some(line_around(end));
            };
            let line = line_around(candidates.find_at(region, at)?.start());
            if self.matcher.regex.is_match(&region[line.clone()]) {
                return Some(line);
            }
            at = line.end + 1;
        }
        None
    }

    /// Searches the lines of `reader` that `window` names, reading into `buf` (which grows to hold a
    /// line longer than itself).
    pub(crate) fn search_reader<R: Read>(
        &self,
        reader: &mut R,
        buf: &mut Vec<u8>,
        window: Window,
        sink: &mut impl Sink,
    ) -> Searched {
        let mut searched = Searched { outcome: Outcome::Searched, lines: 0, bytes: 0 };
        let Window { origin, mut skip_first_line, end } = window;
        // Bytes of `buf` that hold data, and the reader offset of `buf[0]`.
        let mut filled = 0;
        let mut buf_offset: u64 = 0;
        loop {
            if filled == buf.len() {
                buf.resize((buf.len() * 2).max(64), 0);
            }
            let n = match reader.read(&mut buf[filled..]) {
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    searched.outcome = Outcome::Failed(err);
                    return searched;
                }
            };
            filled += n;
            let mut done = n == 0;
            // No region is searched until a newline comes: a file of NUL bytes without one must
            // still be found binary in its first bytes, not after being read whole.
            let sniffing = !self.text && origin + buf_offset < BINARY_SNIFF;
            let early_nul = |bytes: &[u8]| {
                sniffing && {
                    let sniffed = (BINARY_SNIFF - (origin + buf_offset)).min(bytes.len() as u64) as usize;
                    memchr(0, &bytes[..sniffed]).is_some()
                }
            };

            let mut begin = 0;
            if skip_first_line {
                match memchr(b'\n', &buf[..filled]) {
                    // The part ends inside that line: it owns no line at all.
                    Some(i) if end.is_some_and(|end| buf_offset + i as u64 + 1 >= end) => return searched,
                    Some(i) => {
                        begin = i + 1;
                        skip_first_line = false;
                    }
                    None if done || end.is_some_and(|end| buf_offset + filled as u64 >= end) => {
                        return searched
                    }
                    None => {
                        buf_offset += filled as u64;
                        filled = 0;
                        continue;
                    }
                }
            }

            // Search up to the last newline read, or to the end of the file.
            let mut region_end = if done {
                filled
            } else {
                match memrchr(b'\n', &buf[begin..filled]) {
                    Some(i) => begin + i + 1,
                    None if early_nul(&buf[..filled]) => {
                        sink.forget();
                        return Searched { outcome: Outcome::Binary, lines: 0, bytes: 0 };
                    }
                    None => {
                        shift(buf, begin, &mut filled, &mut buf_offset);
                        continue;
                    }
                }
            };
            // Stop after the line that holds the byte before `end`.
            if let Some(last_byte) = end.and_then(|end| end.checked_sub(1)) {
                if last_byte < buf_offset + filled as u64 {
                    let from = (last_byte.saturating_sub(buf_offset) as usize).max(begin);
                    if let Some(i) = memchr(b'\n', &buf[from..filled]) {
                        region_end = from + i + 1;
                        done = true;
                    }
                }
            }

            let mut region = &buf[begin..region_end];
            let nul = if self.text { None } else { memchr(0, region) };
            if let Some(at) = nul {
                if origin + buf_offset + ((begin + at) as u64) < BINARY_SNIFF {
                    sink.forget();
                    return Searched { outcome: Outcome::Binary, lines: 0, bytes: 0 };
                }
                region = &region[..memrchr(b'\n', &region[..at]).map_or(0, |i| i + 1)];
                searched.outcome = Outcome::Truncated;
                done = true;
            }
            searched.bytes += region.len() as u64;
            let lines_before = searched.lines;
            searched.lines += self.scan_lines(region, lines_before, sink, self.count_lines || !done);
            // Past the sniffed bytes nothing found can be taken back.
            let settled = self.text || origin + buf_offset + region_end as u64 >= BINARY_SNIFF;
            if done || (settled && !sink.settled()) {
                return searched;
            }
            shift(buf, region_end, &mut filled, &mut buf_offset);
        }
    }
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

/// Moves the unsearched tail `buf[from..filled]` to the front of the buffer.
fn shift(buf: &mut [u8], from: usize, filled: &mut usize, buf_offset: &mut u64) {
    buf.copy_within(from..*filled, 0);
    *filled -= from;
    *buf_offset += from as u64;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Cursor;

    /// The naive oracle: split into lines, test each line on its own.
    fn oracle(pattern: &str, text: &[u8]) -> Vec<(u64, Vec<u8>)> {
        let re = regex::bytes::Regex::new(pattern).unwrap();
        let body = text.strip_suffix(b"\n").unwrap_or(text);
        if text.is_empty() {
            return Vec::new();
        }
        body.split(|&b| b == b'\n')
            .enumerate()
            .filter(|(_, line)| re.is_match(line))
            .map(|(i, line)| (i as u64 + 1, line.to_vec()))
            .collect()
    }

    fn line_count(text: &[u8]) -> u64 {
        let newlines = text.iter().filter(|&&b| b == b'\n').count() as u64;
        newlines + u64::from(text.last().is_some_and(|&b| b != b'\n'))
    }

    /// Collects the hits, numbered from `line_base`.
    #[derive(Default)]
    struct Lines {
        line_base: u64,
        found: Vec<(u64, Vec<u8>)>,
    }

    impl Sink for Lines {
        fn hit(&mut self, line_number: u64, line: &[u8]) {
            self.found.push((self.line_base + line_number, line.to_vec()));
        }

        fn forget(&mut self) {
            self.found.clear();
        }
    }

    /// Searches `text` cut at `cuts` into parts, each through a tiny buffer, as the searchers do.
    fn search_in_parts(
        matcher: &Matcher,
        text: &[u8],
        cuts: &[usize],
        buf_size: usize,
    ) -> (Vec<(u64, Vec<u8>)>, u64) {
        let engine = Engine { matcher, text: true, count_lines: true };
        let mut bounds: Vec<usize> = cuts.iter().map(|&c| c.min(text.len())).collect();
        bounds.extend([0, text.len()]);
        bounds.sort();
        bounds.dedup();
        let mut lines = Lines::default();
        for pair in bounds.windows(2) {
            let (start, end) = (pair[0], pair[1]);
            let origin = start.saturating_sub(1);
            let mut reader = Cursor::new(&text[origin..]);
            let mut buf = vec![0; buf_size];
            let window = Window {
                origin: origin as u64,
                skip_first_line: start > 0,
                end: Some((end - origin) as u64),
            };
            lines.line_base += engine.search_reader(&mut reader, &mut buf, window, &mut lines).lines;
        }
        (lines.found, lines.line_base)
    }

    const PATTERNS: &[&str] = &[
        "a",
        "ab",
        "b+",
        "^a",
        "a$",
        "^$",
        "^",
        "$",
        "x*",
        r"a\s+b",
        r"\s",
        "[^a]",
        ".",
        "a|bc",
        r"\bab\b",
        "é",
        r"\w{2}\s\w",
        "(a)(b)?",
        r"\wab",
        r"[^a]\s*ab",
        r"(?:a|c)+ b",
        r"\b\wc a",
        r"(?i)\wAB",
    ];

    proptest! {
        #[test]
        fn whole_buffer_search_matches_the_line_by_line_oracle(
            text in proptest::collection::vec(prop::sample::select(b"ab c\n\r\xc3\xa9".to_vec()), 0..200),
            pattern in prop::sample::select(PATTERNS),
        ) {
            let matcher = Matcher::compile(pattern, false).unwrap();
            let engine = Engine { matcher: &matcher, text: true, count_lines: true };
            let mut lines = Lines::default();
            let count = engine.scan(&text, 0, &mut lines);
            prop_assert_eq!(lines.found, oracle(pattern, &text));
            prop_assert_eq!(count, line_count(&text));
        }

        #[test]
        fn parts_and_small_buffers_find_the_same_lines(
            text in proptest::collection::vec(prop::sample::select(b"aab \n\n".to_vec()), 0..300),
            pattern in prop::sample::select(PATTERNS),
            cuts in proptest::collection::vec(0usize..300, 0..5),
            buf_size in 1usize..16,
        ) {
            let matcher = Matcher::compile(pattern, false).unwrap();
            let (found, lines) = search_in_parts(&matcher, &text, &cuts, buf_size);
            prop_assert_eq!(found, oracle(pattern, &text));
            prop_assert_eq!(lines, line_count(&text));
        }
    }

    #[test]
    fn a_nul_byte_makes_the_file_binary_unless_text() {
        let matcher = Matcher::compile("a", false).unwrap();
        let mut engine = Engine { matcher: &matcher, text: false, count_lines: true };
        let mut lines = Lines::default();
        let searched =
            engine.search_reader(&mut Cursor::new(b"a\n\0a\n"), &mut vec![0; 64], Window::WHOLE, &mut lines);
        assert!(matches!(searched.outcome, Outcome::Binary));
        assert!(lines.found.is_empty());
        engine.text = true;
        let mut lines = Lines::default();
        engine.search_reader(&mut Cursor::new(b"a\n\0a\n"), &mut vec![0; 64], Window::WHOLE, &mut lines);
        assert_eq!(lines.found, vec![(1, b"a".to_vec()), (2, b"\0a".to_vec())]);
    }

    #[test]
    fn smart_case_insensitive_matches_any_case() {
        let matcher = Matcher::compile("resume", true).unwrap();
        let engine = Engine { matcher: &matcher, text: false, count_lines: true };
        let mut lines = Lines::default();
        engine.scan(b"PM_RESUME\nresume\nnothing\n", 0, &mut lines);
        assert_eq!(lines.found, vec![(1, b"PM_RESUME".to_vec()), (2, b"resume".to_vec())]);
    }
}
