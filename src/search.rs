//! The searchers: a pool of threads that take files from the indexer, find their matching lines and
//! send one `FileResult` per file (or per part of a big file) to the printer.
//!
//! The regex runs over a whole buffer at once, never once per line: a search from the last hit finds
//! the next match, memchr finds the line around it, and newlines are counted only between hits.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};
use memchr::{memchr, memrchr};

use crate::config::{Config, Matcher};

/// A file bigger than this is cut into parts that several searchers search at once.
const SPLIT_ABOVE: u64 = 16 << 20;
/// The size of one part of a big file; each part is searched whole lines at a time.
const PART_SIZE: u64 = 8 << 20;
/// How much a searcher reads at a time: small enough to stay in cache, big enough for few syscalls.
const READ_SIZE: usize = 256 << 10;
/// A NUL byte this early makes a file binary: nothing of it is printed.
pub const BINARY_SNIFF: u64 = READ_SIZE as u64;

/// What the indexer sends: files to search, or the sentinel that stops one searcher.
pub enum Task {
    /// Files to search, numbered in walk order from `first_seq`.
    Files {
        first_seq: u64,
        paths: Vec<PathBuf>,
    },
    /// Standard input, shown as `<stdin>`.
    Stdin {
        seq: u64,
    },
    Stop,
}

/// What a searcher sends to the printer: results (one per file or part, in walk order), or its end
/// marker with its counters.
pub enum Report {
    Files(Vec<FileResult>),
    Done(Counters),
}

/// A byte range of a big file that one searcher searches; its lines are the lines that start in it.
struct Part {
    seq: u64,
    path: PathBuf,
    index: u32,
    count: u32,
    range: Range<u64>,
}

/// What a searcher counted, sent with its end marker.
#[derive(Default, Debug, Clone, Copy)]
pub struct Counters {
    pub files_searched: u64,
    pub lines_searched: u64,
    pub bytes_searched: u64,
    pub binary_skipped: u64,
}

impl std::ops::AddAssign for Counters {
    fn add_assign(&mut self, other: Counters) {
        self.files_searched += other.files_searched;
        self.lines_searched += other.lines_searched;
        self.bytes_searched += other.bytes_searched;
        self.binary_skipped += other.binary_skipped;
    }
}

pub enum Outcome {
    Searched,
    /// A NUL byte in the first `BINARY_SNIFF` bytes: the file is not text and is skipped.
    Binary,
    /// A NUL byte further on: the lines before it were searched, the rest of the file is not, as
    /// grep and ripgrep stop at the first NUL they read.
    Truncated,
    Failed(io::Error),
}

/// The hits of one file, or of one part of a big file.
pub struct FileResult {
    /// The indexer's walk-order number of the file: the printer prints results in this order.
    pub seq: u64,
    /// Which part of the file this is, of how many (0 of 1 for a file searched whole).
    pub part: u32,
    pub parts: u32,
    pub path: PathBuf,
    pub outcome: Outcome,
    /// Lines in this part; hit line numbers count from the part's first line.
    pub lines: u64,
    pub bytes: u64,
    /// The file's size and modification time when it was opened (see `replace::stamp`).
    pub stamp: Option<(u64, i64, i64)>,
    pub hits: Vec<Hit>,
    /// The hit lines, one after another; each `Hit` names its slice.
    pub text: Vec<u8>,
    /// Match and capture-group ranges, relative to their line; each `Hit` names its slice.
    pub spans: Vec<Range<usize>>,
}

pub struct Hit {
    pub line_number: u64,
    pub line: Range<usize>,
    /// Where each match is in the line (only when the output shows matches).
    pub matches: Range<usize>,
    /// What each capture group of the line's first match captured (only when shown).
    pub groups: Range<usize>,
}

impl FileResult {
    pub fn new(seq: u64, path: PathBuf, part: u32, parts: u32) -> FileResult {
        FileResult {
            seq,
            part,
            parts,
            path,
            outcome: Outcome::Searched,
            lines: 0,
            bytes: 0,
            stamp: None,
            hits: Vec::new(),
            text: Vec::new(),
            spans: Vec::new(),
        }
    }

    fn forget_hits(&mut self) {
        self.hits.clear();
        self.text.clear();
        self.spans.clear();
        self.lines = 0;
        self.bytes = 0;
    }

    pub fn line(&self, hit: &Hit) -> &[u8] {
        &self.text[hit.line.clone()]
    }

    pub fn matches(&self, hit: &Hit) -> &[Range<usize>] {
        &self.spans[hit.matches.clone()]
    }

    pub fn groups(&self, hit: &Hit) -> &[Range<usize>] {
        &self.spans[hit.groups.clone()]
    }
}

/// Which lines of a reader to search.
#[derive(Clone, Copy)]
pub struct Window {
    /// The offset in the file where the reader starts.
    pub origin: u64,
    /// The reader starts inside a line that belongs to the part before.
    pub skip_first_line: bool,
    /// Only lines that start before this offset (from the reader's start) are searched: a part's end,
    /// or a file's size, which spares the read that would only see the end of the file.
    pub end: Option<u64>,
}

/// How every searcher searches: the regex and what the output needs of each hit.
#[derive(Clone, Copy)]
pub struct Engine<'a> {
    pub matcher: &'a Matcher,
    /// Record where each match is in its line (for highlighting and -m).
    pub matches: bool,
    /// Record what the capture groups of a line's first match captured.
    pub groups: bool,
    /// Search files with NUL bytes as text.
    pub text: bool,
    /// Count every line of a file (for the summary, or to number the lines of the parts after it).
    pub count_lines: bool,
}

impl Engine<'_> {
    /// Finds the matching lines of `region` (whole lines, the last maybe without `\n`), appends them
    /// to `result` numbered from `lines_before + 1`, and returns how many lines `region` holds.
    pub fn scan(&self, region: &[u8], lines_before: u64, result: &mut FileResult) -> u64 {
        self.scan_lines(region, lines_before, result, true)
    }

    /// `scan`, but without `count_tail` the lines after the last hit are not counted (and the count
    /// returned is short): the last region of a file needs no count when no summary shows it.
    fn scan_lines(&self, region: &[u8], lines_before: u64, result: &mut FileResult, count_tail: bool) -> u64 {
        let mut lines = self.matching_lines(region);
        for (number, line) in lines.by_ref() {
            self.record_hit(&region[line], lines_before + number, result);
        }
        if !count_tail {
            return lines.newlines;
        }
        let newlines = lines.newlines + count_newlines(&region[lines.counted_to..]);
        let unterminated = region.last().is_some_and(|&b| b != b'\n');
        newlines + u64::from(unterminated)
    }

    /// The matching lines of `region`, each numbered from 1 at the region's start.
    pub fn matching_lines<'r>(&'r self, region: &'r [u8]) -> MatchingLines<'r> {
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

    fn record_hit(&self, line: &[u8], line_number: u64, result: &mut FileResult) {
        let text_start = result.text.len();
        result.text.extend_from_slice(line);
        let matches_start = result.spans.len();
        if self.matches {
            result.spans.extend(self.matcher.regex.find_iter(line).map(|m| m.range()));
        }
        let groups_start = result.spans.len();
        if self.groups {
            if let Some(caps) = self.matcher.regex.captures(line) {
                let groups = caps.iter().skip(1);
                result.spans.extend(groups.map(|g| g.map_or(0..0, |g| g.range())));
            }
        }
        result.hits.push(Hit {
            line_number,
            line: text_start..result.text.len(),
            matches: matches_start..groups_start,
            groups: groups_start..result.spans.len(),
        });
    }

    /// Searches the lines of `reader` that `window` names, reading into `buf` (which grows to hold a
    /// line longer than itself).
    pub fn search_reader<R: Read>(
        &self,
        reader: &mut R,
        buf: &mut Vec<u8>,
        window: Window,
        result: &mut FileResult,
    ) {
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
                    result.outcome = Outcome::Failed(err);
                    return;
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
                    Some(i) if end.is_some_and(|end| buf_offset + i as u64 + 1 >= end) => return,
                    Some(i) => {
                        begin = i + 1;
                        skip_first_line = false;
                    }
                    None if done || end.is_some_and(|end| buf_offset + filled as u64 >= end) => return,
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
                        result.forget_hits();
                        result.outcome = Outcome::Binary;
                        return;
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
                    result.forget_hits();
                    result.outcome = Outcome::Binary;
                    return;
                }
                region = &region[..memrchr(b'\n', &region[..at]).map_or(0, |i| i + 1)];
                result.outcome = Outcome::Truncated;
                done = true;
            }
            result.bytes += region.len() as u64;
            let lines_before = result.lines;
            result.lines += self.scan_lines(region, lines_before, result, self.count_lines || !done);
            if done {
                return;
            }
            shift(buf, region_end, &mut filled, &mut buf_offset);
        }
    }
}

/// See `Engine::matching_lines`: yields (line number, line without its `\n`), counting newlines
/// only between hits.
pub struct MatchingLines<'r> {
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

/// One searcher thread.
pub struct Searcher {
    config: Arc<Config>,
    /// What the output needs of each hit: see `Engine`.
    matches: bool,
    groups: bool,
    tasks: Receiver<Task>,
    /// `None` once this searcher has no more files, so it will hand out no more parts.
    parts_tx: Option<Sender<Part>>,
    parts_rx: Receiver<Part>,
    reports: Sender<Report>,
    buf: Vec<u8>,
    counters: Counters,
}

impl Searcher {
    /// Starts `config.workers` searchers. They share one channel of big-file parts, so a searcher that
    /// opens a big file can hand its parts to the others.
    pub fn spawn_pool(
        config: &Arc<Config>,
        tasks: &Receiver<Task>,
        reports: &Sender<Report>,
    ) -> io::Result<Vec<std::thread::JoinHandle<()>>> {
        let (parts_tx, parts_rx) = crossbeam_channel::unbounded();
        let matches = config.output.match_only || config.output.color;
        let groups = config.output.pretty && config.matcher.has_groups;
        (0..config.workers)
            .map(|i| {
                let searcher = Searcher {
                    config: Arc::clone(config),
                    matches,
                    groups,
                    tasks: tasks.clone(),
                    parts_tx: Some(parts_tx.clone()),
                    parts_rx: parts_rx.clone(),
                    reports: reports.clone(),
                    buf: vec![0; READ_SIZE],
                    counters: Counters::default(),
                };
                std::thread::Builder::new().name(format!("searcher-{i}")).spawn(move || searcher.run())
            })
            .collect()
    }

    fn run(mut self) {
        loop {
            // Parts of a big file come first: the printer is waiting for them in order.
            while let Ok(part) = self.parts_rx.try_recv() {
                let result = self.search_part(part);
                if !self.send(vec![result]) {
                    return;
                }
            }
            let results = match self.tasks.recv() {
                Ok(Task::Files { first_seq, paths }) => {
                    (first_seq..).zip(paths).map(|(seq, path)| self.search_file(seq, path)).collect()
                }
                Ok(Task::Stdin { seq }) => vec![self.search_stdin(seq)],
                Ok(Task::Stop) | Err(_) => break,
            };
            if !self.send(results) {
                return;
            }
        }
        // No more files: help with the parts of big files until every searcher is out of files too
        // (each drops its sender of parts here, which ends the channel once it is empty).
        self.parts_tx = None;
        while let Ok(part) = self.parts_rx.recv() {
            let result = self.search_part(part);
            if !self.send(vec![result]) {
                return;
            }
        }
        let _ = self.reports.send(Report::Done(self.counters));
    }

    /// Sends results to the printer; false if it is gone (the output was closed): stop quietly.
    fn send(&mut self, results: Vec<FileResult>) -> bool {
        for result in &results {
            match result.outcome {
                Outcome::Searched | Outcome::Truncated => {
                    self.counters.files_searched += u64::from(result.part == 0);
                    self.counters.lines_searched += result.lines;
                    self.counters.bytes_searched += result.bytes;
                }
                Outcome::Binary => self.counters.binary_skipped += u64::from(result.part == 0),
                Outcome::Failed(_) => {}
            }
        }
        if self.buf.len() > 16 * READ_SIZE {
            // A very long line grew the buffer: give the memory back.
            self.buf = vec![0; READ_SIZE];
        }
        self.reports.send(Report::Files(results)).is_ok()
    }

    /// Searches a whole file, or the first part of a big one after handing out the rest.
    fn search_file(&mut self, seq: u64, path: PathBuf) -> FileResult {
        if self.config.list_files {
            return FileResult::new(seq, path, 0, 1);
        }
        let file = File::open(&path);
        let metadata = file.as_ref().ok().and_then(|f| f.metadata().ok()).filter(|m| m.is_file());
        let size = metadata.as_ref().map(|m| m.len());
        // A file to rewrite is searched whole: the replacer takes it in one piece.
        let splits = self.config.workers > 1 && self.config.replace.is_none();
        let parts = match size {
            Some(size) if size > SPLIT_ABOVE && splits => size.div_ceil(PART_SIZE) as u32,
            _ => 1,
        };
        for index in 1..parts {
            let start = u64::from(index) * PART_SIZE;
            let part = Part { seq, path: path.clone(), index, count: parts, range: start..start + PART_SIZE };
            let parts_tx = self.parts_tx.as_ref().expect("a searcher with files holds its sender of parts");
            parts_tx.send(part).expect("the searchers hold both ends of the part channel");
        }
        let mut result = FileResult::new(seq, path, 0, parts);
        result.stamp = metadata.as_ref().map(crate::replace::stamp);
        match file {
            Ok(mut file) => {
                let end = if parts > 1 { Some(PART_SIZE) } else { size.filter(|&s| s > 0) };
                self.search_reader(&mut file, Window { origin: 0, skip_first_line: false, end }, &mut result);
            }
            Err(err) => result.outcome = Outcome::Failed(err),
        }
        result
    }

    fn search_stdin(&mut self, seq: u64) -> FileResult {
        let mut result = FileResult::new(seq, PathBuf::from("<stdin>"), 0, 1);
        let window = Window { origin: 0, skip_first_line: false, end: None };
        self.search_reader(&mut io::stdin().lock(), window, &mut result);
        result
    }

    fn search_part(&mut self, part: Part) -> FileResult {
        let mut result = FileResult::new(part.seq, part.path, part.index, part.count);
        // Read from the byte before the part: the part's first line starts after the first newline.
        let origin = part.range.start - 1;
        let opened = File::open(&*result.path).and_then(|mut f| f.seek(SeekFrom::Start(origin)).map(|_| f));
        match opened {
            Ok(mut file) => {
                let window = Window { origin, skip_first_line: true, end: Some(part.range.end - origin) };
                self.search_reader(&mut file, window, &mut result);
            }
            Err(err) => result.outcome = Outcome::Failed(err),
        }
        result
    }

    fn search_reader<R: Read>(&mut self, reader: &mut R, window: Window, result: &mut FileResult) {
        let engine = Engine {
            matcher: &self.config.matcher,
            matches: self.matches,
            groups: self.groups,
            text: self.config.text,
            count_lines: self.config.output.pretty || result.parts > 1,
        };
        engine.search_reader(reader, &mut self.buf, window, result);
    }
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

    fn hits(result: &FileResult, line_base: u64) -> Vec<(u64, Vec<u8>)> {
        let lines = result.hits.iter().map(|h| (line_base + h.line_number, result.line(h).to_vec()));
        lines.collect()
    }

    fn new_result() -> FileResult {
        FileResult::new(0, PathBuf::new(), 0, 1)
    }

    /// Searches `text` cut at `cuts` into parts, each through a tiny buffer, as the searchers do.
    fn search_in_parts(
        matcher: &Matcher,
        text: &[u8],
        cuts: &[usize],
        buf_size: usize,
    ) -> (Vec<(u64, Vec<u8>)>, u64) {
        let engine = Engine { matcher, matches: true, groups: false, text: true, count_lines: true };
        let mut bounds: Vec<usize> = cuts.iter().map(|&c| c.min(text.len())).collect();
        bounds.extend([0, text.len()]);
        bounds.sort();
        bounds.dedup();
        let (mut found, mut line_base) = (Vec::new(), 0);
        for pair in bounds.windows(2) {
            let (start, end) = (pair[0], pair[1]);
            let origin = start.saturating_sub(1);
            let mut reader = Cursor::new(&text[origin..]);
            let mut buf = vec![0; buf_size];
            let mut result = new_result();
            let window = Window {
                origin: origin as u64,
                skip_first_line: start > 0,
                end: Some((end - origin) as u64),
            };
            engine.search_reader(&mut reader, &mut buf, window, &mut result);
            found.extend(hits(&result, line_base));
            line_base += result.lines;
        }
        (found, line_base)
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
            let engine = Engine { matcher: &matcher, matches: true, groups: true, text: true, count_lines: true };
            let mut result = new_result();
            let lines = engine.scan(&text, 0, &mut result);
            prop_assert_eq!(hits(&result, 0), oracle(pattern, &text));
            prop_assert_eq!(lines, line_count(&text));
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
        let mut engine =
            Engine { matcher: &matcher, matches: false, groups: false, text: false, count_lines: true };
        let mut result = new_result();
        let whole = Window { origin: 0, skip_first_line: false, end: None };
        engine.search_reader(&mut Cursor::new(b"a\n\0a\n"), &mut vec![0; 64], whole, &mut result);
        assert!(matches!(result.outcome, Outcome::Binary));
        assert!(result.hits.is_empty());
        engine.text = true;
        let mut result = new_result();
        engine.search_reader(&mut Cursor::new(b"a\n\0a\n"), &mut vec![0; 64], whole, &mut result);
        assert_eq!(hits(&result, 0), vec![(1, b"a".to_vec()), (2, b"\0a".to_vec())]);
    }

    #[test]
    fn smart_case_insensitive_matches_any_case() {
        let matcher = Matcher::compile("resume", true).unwrap();
        let engine =
            Engine { matcher: &matcher, matches: true, groups: false, text: false, count_lines: true };
        let mut result = new_result();
        engine.scan(b"PM_RESUME\nresume\nnothing\n", 0, &mut result);
        assert_eq!(hits(&result, 0), vec![(1, b"PM_RESUME".to_vec()), (2, b"resume".to_vec())]);
        assert_eq!(result.matches(&result.hits[0]).to_vec(), vec![3..9]);
    }
}
