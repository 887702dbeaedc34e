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
    static LOCATIONS: RefCell<Option<(usize, Locations)>> = const { RefCell::new(None) };
}

/// Match data for each of a pattern's compiled forms.
struct Locations {
    unicode: CaptureLocations,
    ascii: Option<CaptureLocations>,
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
/// A search of one haystack from a place in it (told whether the haystack is all ASCII): what it
/// found, or PCRE2's giving up.
type Find<'f, T> = dyn FnMut(&[u8], usize, bool) -> Result<Option<T>, pcre2::Error> + 'f;

/// A pattern compiled by PCRE2.
pub(crate) struct Pcre2Pattern {
    regex: Regex,
    /// The same pattern read as bytes, for lines all ASCII (outside `-U`), when it has Unicode
    /// classes and reads alike as bytes (`reads_alike_as_bytes`): there `\w`, `\d`, `\s`, `\b` and
    /// the POSIX classes match what their Unicode forms match, and PCRE2's JIT tests them from a
    /// table instead of looking up each character's properties (a fifth less time for
    /// `(\w+)_\1`). An escape above `\xFF` does not compile as bytes: such a pattern has no byte form.
    ascii: Option<Regex>,
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
        let build = |unicode| compile(pattern, caseless, options, unicode);
        let regex = build(options.unicode).map_err(|err| compile_error(pattern, &err))?;
        let per_line = !options.multiline;
        let ascii = match per_line
            && options.unicode
            && has_unicode_classes(pattern)
            && reads_alike_as_bytes(pattern)
        {
            true => build(false).ok(),
            false => None,
        };
        let number = PATTERNS.fetch_add(1, Ordering::Relaxed);
        Ok(Pcre2Pattern { regex, ascii, number, per_line, crlf: options.crlf })
    }

    /// Runs `search` with this thread's match data for the pattern (a new one when a search is
    /// already using it).
    fn with_locations<T>(&self, search: impl FnOnce(&mut Locations) -> T) -> T {
        let held = LOCATIONS.with(|held| held.borrow_mut().take());
        let mut locations = match held {
            Some((number, locations)) if number == self.number => locations,
            _ => Locations {
                unicode: self.regex.capture_locations(),
                ascii: self.ascii.as_ref().map(Regex::capture_locations),
            },
        };
        let found = search(&mut locations);
        LOCATIONS.with(|held| *held.borrow_mut() = Some((self.number, locations)));
        found
    }

    /// Searches `text` from `at` with the pattern's form for it (`ascii`: it is all ASCII); the
    /// match data holds the groups of a match found.
    fn read_at<'l>(
        &self,
        locations: &'l mut Locations,
        text: &[u8],
        at: usize,
        ascii: bool,
    ) -> Result<Option<&'l CaptureLocations>, pcre2::Error> {
        let (regex, data) = match (&self.ascii, &mut locations.ascii) {
            (Some(form), Some(data)) if ascii => (form, data),
            _ => (&self.regex, &mut locations.unicode),
        };
        Ok(regex.captures_read_at(data, text, at)?.map(|_| &*data))
    }

    /// The first match at or after `at`, with `find` run on each haystack (a line, or all of it with
    /// `-U`) from a place in it. A haystack the pattern gives up on is skipped, and remembered.
    #[inline(always)]
    fn first<T>(&self, haystack: &[u8], mut at: usize, find: &mut Find<T>) -> Option<(usize, T)> {
        let mut start = if self.per_line { memrchr(b'\n', &haystack[..at]).map_or(0, |i| i + 1) } else { 0 };
        let mut ascii = AsciiRun::default();
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
            let found = match at <= text_end {
                true => {
                    let all_ascii = self.ascii.is_some() && ascii.holds(haystack, start, text_end);
                    find(&haystack[start..text_end], at - start, all_ascii)
                }
                false => Ok(None),
            };
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
            let mut find = |text: &[u8], at, ascii| self.match_at(locations, text, at, ascii);
            self.first(haystack, at, &mut find).map(|(base, m)| base + m.start..base + m.end)
        })
    }

    fn for_each_match(&self, haystack: &[u8], each: &mut dyn FnMut(Range<usize>) -> bool) {
        self.with_locations(|locations| {
            let mut find = |text: &[u8], at, ascii| self.match_at(locations, text, at, ascii);
            self.each(haystack, &mut find, Range::clone, &mut |base, m| each(base + m.start..base + m.end));
        })
    }

    fn captures_at(&self, haystack: &[u8], at: usize, groups: &mut Groups) -> bool {
        self.with_locations(|locations| {
            let mut find = |text: &[u8], at, ascii| self.groups_at(locations, text, at, ascii);
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
    /// The whole match at or after `at` in `text`, if any.
    fn match_at(
        &self,
        locations: &mut Locations,
        text: &[u8],
        at: usize,
        ascii: bool,
    ) -> Result<Option<Range<usize>>, pcre2::Error> {
        let found = self.read_at(locations, text, at, ascii)?;
        Ok(found.and_then(|data| data.get(0)).map(|(start, end)| start..end))
    }

    /// Every group of the match at or after `at` in `text`, if any.
    fn groups_at(
        &self,
        locations: &mut Locations,
        text: &[u8],
        at: usize,
        ascii: bool,
    ) -> Result<Option<Vec<Option<Range<usize>>>>, pcre2::Error> {
        Ok(self.read_at(locations, text, at, ascii)?.map(located))
    }

    fn each_captures(
        &self,
        haystack: &[u8],
        locations: &mut Locations,
        each: &mut dyn FnMut(&Groups) -> bool,
    ) {
        let mut find = |text: &[u8], at, ascii| self.groups_at(locations, text, at, ascii);
        let mut groups = Groups::default();
        let whole = |found: &Vec<Option<Range<usize>>>| found[0].clone().unwrap_or_default();
        self.each(haystack, &mut find, whole, &mut |base, found| {
            groups.set(found.into_iter().map(|group| group.map(|g| base + g.start..base + g.end)));
            each(&groups)
        });
    }
}

/// `pattern` compiled with `^` and `$` at line ends and the JIT where there is one; `unicode`: as
/// UTF-8 with Unicode classes, else as bytes.
fn compile(
    pattern: &str,
    caseless: bool,
    options: &PatternOptions,
    unicode: bool,
) -> Result<Regex, pcre2::Error> {
    RegexBuilder::new()
        .caseless(caseless)
        .multi_line(true)
        .dotall(options.dotall)
        .crlf(options.crlf)
        .utf(unicode)
        .ucp(unicode)
        .jit_if_available(true)
        .max_jit_stack_size(Some(JIT_STACK))
        .build(pattern)
}

/// Where the bytes of a haystack from a place in it are all ASCII, found a growing stretch at a
/// time: asked about each line in turn, it looks at each byte about once, where a check of each
/// line would cost as much as PCRE2's own call on a line it rules out at once.
struct AsciiRun {
    /// `haystack[from..to]` is all ASCII.
    from: usize,
    to: usize,
    /// `haystack[to]` is not ASCII.
    stopped: bool,
    /// How far the next look goes past `to`.
    stretch: usize,
}

impl Default for AsciiRun {
    fn default() -> AsciiRun {
        AsciiRun { from: 0, to: 0, stopped: false, stretch: 256 }
    }
}

impl AsciiRun {
    /// Whether `haystack[start..end]` is all ASCII, for a `start` that never goes back.
    #[inline]
    fn holds(&mut self, haystack: &[u8], start: usize, end: usize) -> bool {
        (self.from <= start && end <= self.to) || self.look(haystack, start, end)
    }

    fn look(&mut self, haystack: &[u8], start: usize, end: usize) -> bool {
        loop {
            if self.from <= start && end <= self.to {
                return true;
            }
            if self.stopped && start <= self.to {
                return false;
            }
            if start > self.to || self.stopped {
                (self.from, self.to, self.stopped) = (start, start, false);
            }
            let limit = (self.to + self.stretch).max(end).min(haystack.len());
            self.to += ascii_len(&haystack[self.to..limit]);
            self.stopped = self.to < limit;
            self.stretch = (self.stretch * 2).min(1 << 16);
        }
    }
}

/// Whether the pattern names a class whose Unicode form PCRE2 tests more slowly than its ASCII one:
/// `\w`, `\d`, `\s`, `\b` (and their negations) or a POSIX class. (An escaped backslash before
/// such a letter only costs the check of which lines are ASCII.)
fn has_unicode_classes(pattern: &str) -> bool {
    let escapes =
        pattern.as_bytes().windows(2).any(|pair| pair[0] == b'\\' && b"wWdDsSbB".contains(&pair[1]));
    escapes || pattern.contains("[:")
}

/// Whether the pattern finds on ASCII text, read as bytes, what it finds read as UTF-8: it is all
/// ASCII (only a character typed outside ASCII can fold into it: `(?i)ſ` matches `s`), names no
/// case class (with Unicode, `(?i)[[:upper:]]` still matches only capitals; as bytes, any letter),
/// and no Unicode property (PCRE2 reads `\P{Lu}+\D` apart on two vertical tabs: no match with
/// Unicode, as `rg -P` says, a match without).
fn reads_alike_as_bytes(pattern: &str) -> bool {
    pattern.is_ascii()
        && !pattern.contains("upper:")
        && !pattern.contains("lower:")
        && !pattern.contains("\\p")
        && !pattern.contains("\\P")
}

/// How many bytes `bytes` starts with that are ASCII, eight at a time.
fn ascii_len(bytes: &[u8]) -> usize {
    let words = bytes.chunks_exact(8).map(|word| u64::from_ne_bytes(word.try_into().expect("eight bytes")));
    let ascii_words = words.take_while(|word| word & 0x8080_8080_8080_8080 == 0);
    let n = ascii_words.count() * 8;
    n + bytes[n..].iter().take_while(|b| b.is_ascii()).count()
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of patterns whose Unicode and ASCII meanings differ off ASCII, or that fold into it.
    const PIECES: &[&str] = &[
        r"\w",
        r"\W",
        r"\d",
        r"\D",
        r"\s",
        r"\S",
        r"\b",
        r"\B",
        "[[:alpha:]]",
        "[[:punct:]]",
        "[[:graph:]]",
        "[[:print:]]",
        "[[:space:]]",
        "[[:cntrl:]]",
        "[[:upper:]]",
        "[[:lower:]]",
        "[[:^upper:]]",
        r"\p{Lu}",
        r"\p{Ll}",
        r"\P{Lu}",
        "[A-Z]",
        "[^a-z]",
        "[^a]",
        ".",
        r"\X",
        r"\p{L}",
        r"\h",
        r"\v",
        "(?i)",
        "ſ",
        "K",
        "k",
        "s",
        r"\x{17f}",
        r"\x{212a}",
        r"\xff",
        "(*UCP)",
        "(x)",
        r"\1",
        "(?=s)",
        r"(?<!\w)",
        "+",
        "*",
        "|",
        "_",
    ];

    fn pattern() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 1..7).prop_map(|pieces| pieces.concat())
    }

    /// Found by the property below: a pattern with a Unicode property has no ASCII form, so that its
    /// answer on ASCII lines is PCRE2's with Unicode, as `rg -P` gives it.
    #[test]
    fn a_pattern_with_a_unicode_property_has_no_ascii_form() {
        let pcre = Pcre2Pattern::new(r"\P{Lu}+\D", false, &PatternOptions::default()).unwrap();
        assert!(pcre.ascii.is_none());
        let mut data = pcre.regex.capture_locations();
        assert!(matches!(pcre.regex.captures_read_at(&mut data, b"\x0b\x0b", 0), Ok(None)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// On ASCII lines the pattern's ASCII form finds what its Unicode form finds.
        #[test]
        fn the_ascii_form_finds_what_the_unicode_form_finds(
            pattern in pattern(),
            caseless in any::<bool>(),
            line in "[ -~\t\x0b\x0c\r\x00-\x08]{0,24}",
        ) {
            let options = PatternOptions::default();
            let Ok(pcre) = Pcre2Pattern::new(&pattern, caseless, &options) else { return Ok(()) };
            let bytes = compile(&pattern, caseless, &options, false).ok().filter(|_| reads_alike_as_bytes(&pattern));
            prop_assert_eq!(pcre.ascii.is_some(), bytes.is_some() && has_unicode_classes(&pattern));
            let Some(ascii) = bytes else { return Ok(()) };
            let matches = |regex: &Regex| {
                let mut data = regex.capture_locations();
                let mut found = vec![];
                let mut at = 0;
                while at <= line.len() {
                    let Ok(Some(m)) = regex.captures_read_at(&mut data, line.as_bytes(), at) else { break };
                    found.push((0..data.len()).map(|i| data.get(i)).collect::<Vec<_>>());
                    at = if m.end() > m.start() { m.end() } else { m.end() + 1 };
                }
                found
            };
            prop_assert_eq!(matches(&ascii), matches(&pcre.regex), "{} on {:?}", pattern, line);
        }
    }
}
