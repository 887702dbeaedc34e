//! `-P`: patterns compiled by PCRE2, for what the regex crate does not do (look-around,
//! backreferences).
//!
//! PCRE2's classes (`\s`, `[^a]`, `.` with `(?s)`) match `\n` too, and its look-arounds see past a
//! line end, so outside `-U` each line is searched on its own, without its `\n`, as ripgrep does:
//! then no match spans lines and no look-around sees another line, whatever the pattern.

use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use memchr::{memchr, memrchr};
use pcre2::bytes::{CaptureLocations, Regex, RegexBuilder};

use crate::search::matcher::PatternOptions;
use crate::search::pattern::{Groups, Pattern};

/// ripgrep's JIT stack: deep enough for the patterns people write, bounded for those that recurse
/// without end.
const JIT_STACK: usize = 10 << 20;

thread_local! {
    /// Where the first line the pattern gave up on starts (its address), since the last `take_failure`:
    /// the search treats that line as not matching and goes on, and the searcher reports it.
    static FAILURE: Cell<Option<usize>> = const { Cell::new(None) };
}

thread_local! {
    /// This thread's match data for the pattern it last searched with (by the pattern's number):
    /// PCRE2's own pool takes a lock on every call but the first thread's, and a search a line at a
    /// time makes one call per line.
    static LOCATIONS: RefCell<Option<(usize, CaptureLocations)>> = const { RefCell::new(None) };
}

/// Numbers each pattern, for `LOCATIONS`.
static PATTERNS: AtomicUsize = AtomicUsize::new(0);

/// The address of the start of the first line the pattern gave up on in this thread since the last
/// call (PCRE2's match limit), if any.
pub(crate) fn take_failure() -> Option<usize> {
    FAILURE.with(Cell::take)
}

fn fail_at(line_start: *const u8) {
    FAILURE.with(|failure| {
        if failure.get().is_none() {
            failure.set(Some(line_start as usize));
        }
    });
}

/// The version of PCRE2 built in, and whether its JIT is.
pub(crate) fn version() -> String {
    let (major, minor) = pcre2::version();
    let jit = if pcre2::is_jit_available() { "JIT is available" } else { "JIT is unavailable" };
    format!("PCRE2 {major}.{minor} is available ({jit})")
}

/// A search of one haystack from a place in it: what it found, or PCRE2's giving up.
type Find<'f, T> = dyn FnMut(&[u8], usize) -> Result<Option<T>, pcre2::Error> + 'f;

/// A pattern compiled by PCRE2.
pub(crate) struct Pcre2Pattern {
    regex: Regex,
    /// This pattern's number, for the match data each thread keeps.
    number: usize,
    /// Outside `-U`: each line is a haystack of its own.
    per_line: bool,
    /// `--crlf`: a line's haystack leaves out the `\r` of its `\r\n`.
    crlf: bool,
}

impl Pcre2Pattern {
    /// Compiles `pattern` with `^` and `$` at line ends, Unicode classes (UTF-8 haystacks; bytes that
    /// are not UTF-8 never match) and the JIT where there is one, as `rg -P` does.
    pub(crate) fn new(pattern: &str, caseless: bool, options: &PatternOptions) -> Result<Pcre2Pattern> {
        let regex = RegexBuilder::new()
            .caseless(caseless)
            .multi_line(true)
            .dotall(options.dotall)
            .crlf(options.crlf)
            .utf(options.unicode)
            .ucp(options.unicode)
            .jit_if_available(true)
            .max_jit_stack_size(Some(JIT_STACK))
            .build(pattern)
            .map_err(|err| compile_error(pattern, &err))?;
        let number = PATTERNS.fetch_add(1, Ordering::Relaxed);
        Ok(Pcre2Pattern { regex, number, per_line: !options.multiline, crlf: options.crlf })
    }

    /// Runs `search` with this thread's match data for the pattern (a new one when a search is
    /// already using it).
    fn with_locations<T>(&self, search: impl FnOnce(&mut CaptureLocations) -> T) -> T {
        let held = LOCATIONS.with(|held| held.borrow_mut().take());
        let mut locations = match held {
            Some((number, locations)) if number == self.number => locations,
            _ => self.regex.capture_locations(),
        };
        let found = search(&mut locations);
        LOCATIONS.with(|held| *held.borrow_mut() = Some((self.number, locations)));
        found
    }

    /// The first match at or after `at`, with `find` run on each haystack (a line, or all of it with
    /// `-U`) from a place in it. A haystack the pattern gives up on is skipped, and remembered.
    fn first<T>(&self, haystack: &[u8], mut at: usize, find: &mut Find<T>) -> Option<(usize, T)> {
        let mut start = if self.per_line { memrchr(b'\n', &haystack[..at]).map_or(0, |i| i + 1) } else { 0 };
        loop {
            let end = match self.per_line {
                true => memchr(b'\n', &haystack[at..]).map_or(haystack.len(), |i| at + i),
                false => haystack.len(),
            };
            let text_end = match self.per_line && self.crlf && end > start && haystack[end - 1] == b'\r' {
                true => end - 1,
                false => end,
            };
            // Past the `\r` (after an empty match before it) the line has nothing left.
            let found = if at <= text_end { find(&haystack[start..text_end], at - start) } else { Ok(None) };
            match found {
                Ok(Some(found)) => return Some((start, found)),
                Ok(None) if !self.per_line => return None,
                Ok(None) => {}
                Err(_) => {
                    let line_start = memrchr(b'\n', &haystack[..at]).map_or(0, |i| i + 1);
                    fail_at(haystack[line_start..].as_ptr());
                    if !self.per_line {
                        // With -U, the search goes on from the next line.
                        let next = memchr(b'\n', &haystack[at..])?;
                        at += next + 1;
                        continue;
                    }
                }
            }
            if end == haystack.len() {
                return None;
            }
            start = end + 1;
            at = start;
        }
    }

    /// Each match from `first` in turn, as the regex crate iterates: an empty match right after
    /// another is not one.
    fn each<T>(
        &self,
        haystack: &[u8],
        find: &mut Find<T>,
        whole: impl Fn(&T) -> Range<usize>,
        each: &mut dyn FnMut(usize, T) -> bool,
    ) {
        let (mut at, mut last_end) = (0, None);
        while at <= haystack.len() {
            let Some((base, found)) = self.first(haystack, at, find) else { break };
            let m = whole(&found);
            let (start, end) = (base + m.start, base + m.end);
            if start == end && Some(end) == last_end {
                // Past the character, not into it: PCRE2 starts only at a character's boundary.
                at = end + 1;
                while haystack.get(at).is_some_and(|&b| b & 0xC0 == 0x80) {
                    at += 1;
                }
                continue;
            }
            at = end;
            last_end = Some(end);
            if !each(base, found) {
                break;
            }
        }
    }
}

impl Pattern for Pcre2Pattern {
    fn find_at(&self, haystack: &[u8], at: usize) -> Option<Range<usize>> {
        self.with_locations(|locations| {
            let mut find = |text: &[u8], at| {
                let found = self.regex.captures_read_at(locations, text, at)?;
                Ok(found.map(|m| m.start()..m.end()))
            };
            self.first(haystack, at, &mut find).map(|(base, m)| base + m.start..base + m.end)
        })
    }

    fn for_each_match(&self, haystack: &[u8], each: &mut dyn FnMut(Range<usize>) -> bool) {
        self.with_locations(|locations| {
            let mut find = |text: &[u8], at| {
                let found = self.regex.captures_read_at(locations, text, at)?;
                Ok(found.map(|m| m.start()..m.end()))
            };
            self.each(haystack, &mut find, Range::clone, &mut |base, m| each(base + m.start..base + m.end));
        })
    }

    fn captures_at(&self, haystack: &[u8], at: usize, groups: &mut Groups) -> bool {
        self.with_locations(|locations| {
            let mut find = |text: &[u8], at| {
                let found = self.regex.captures_read_at(locations, text, at)?;
                Ok(found.map(|_| located(locations)))
            };
            match self.first(haystack, at, &mut find) {
                Some((base, found)) => {
                    groups.set(found.iter().map(|group| group.clone().map(|g| base + g.start..base + g.end)));
                    true
                }
                None => false,
            }
        })
    }

    fn for_each_captures(&self, haystack: &[u8], each: &mut dyn FnMut(&Groups) -> bool) {
        self.with_locations(|locations| self.each_captures(haystack, locations, each))
    }

    fn group_names(&self) -> Vec<Option<String>> {
        let names = self.regex.capture_names();
        (0..self.regex.captures_len()).map(|i| names.get(i).cloned().flatten()).collect()
    }
}

impl Pcre2Pattern {
    fn each_captures(
        &self,
        haystack: &[u8],
        locations: &mut CaptureLocations,
        each: &mut dyn FnMut(&Groups) -> bool,
    ) {
        let mut find = |text: &[u8], at| {
            let found = self.regex.captures_read_at(locations, text, at)?;
            Ok(found.map(|_| located(locations)))
        };
        let mut groups = Groups::default();
        let whole = |found: &Vec<Option<Range<usize>>>| found[0].clone().unwrap_or_default();
        self.each(haystack, &mut find, whole, &mut |base, found| {
            groups.set(found.into_iter().map(|group| group.map(|g| base + g.start..base + g.end)));
            each(&groups)
        });
    }
}

/// The groups of the match just found.
fn located(locations: &CaptureLocations) -> Vec<Option<Range<usize>>> {
    (0..locations.len()).map(|i| locations.get(i).map(|(start, end)| start..end)).collect()
}

/// PCRE2's message, with a caret under the place in the pattern it names.
fn compile_error(pattern: &str, err: &pcre2::Error) -> anyhow::Error {
    let text = err.to_string();
    let reason = text.split_once(": ").map_or(text.as_str(), |(_, reason)| reason);
    let reason = reason.split_once(": ").filter(|_| err.offset().is_some()).map_or(reason, |(_, r)| r);
    match err.offset().filter(|_| !pattern.contains('\n')) {
        Some(offset) => {
            let column = pattern.get(..offset).map_or(offset, |before| before.chars().count());
            anyhow::anyhow!(
                "invalid pattern (PCRE2, at offset {offset}):\n    {pattern}\n    {}^\nerror: {reason}",
                " ".repeat(column)
            )
        }
        None => anyhow::anyhow!("invalid pattern (PCRE2): {reason}"),
    }
}
