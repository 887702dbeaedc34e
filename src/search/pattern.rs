//! The seam between the search and its pattern: what is asked of a pattern, whichever engine (the
//! regex crate, PCRE2) compiled it.

use std::ops::Range;

/// What the searchers, the formats and the replacer ask of a pattern, whichever engine compiled
/// it: where it matches from a place in a buffer, and with which groups. The regex crate answers
/// (`matcher::RegexPattern`), and PCRE2 (`pcre::Pcre2Pattern`). No engine's pattern matches a line
/// end outside `-U`, so that it can run over a whole buffer at once; `^` and `$` match at line ends.
///
/// ripgrep's grep-matcher crate draws the same line; ba keeps its own few methods rather than
/// that crate's wider interface (line terminators, its own captures and sinks), because ba's
/// engine already owns lines, and needs only these.
pub(crate) trait Pattern: Send + Sync {
    /// The leftmost-first match at or after `at`, seen in the whole of `haystack` (so that `^`,
    /// `\b` and lookbehinds see what comes before `at`).
    fn find_at(&self, haystack: &[u8], at: usize) -> Option<Range<usize>>;

    /// Where some match that starts at or after `at` ends: the cheapest proof that one exists.
    fn shortest_match_at(&self, haystack: &[u8], at: usize) -> Option<usize> {
        self.find_at(haystack, at).map(|m| m.end)
    }

    fn is_match(&self, haystack: &[u8]) -> bool {
        self.shortest_match_at(haystack, 0).is_some()
    }

    /// Each match of `haystack` in turn, as the engine iterates them (an empty match right after
    /// another is not one), until `each` says stop.
    fn for_each_match(&self, haystack: &[u8], each: &mut dyn FnMut(Range<usize>) -> bool);

    /// The first match at or after `at`, with its groups, into `groups`; false when there is none.
    fn captures_at(&self, haystack: &[u8], at: usize, groups: &mut Groups) -> bool;

    /// Each match of `haystack` with its groups, as `for_each_match`.
    fn for_each_captures(&self, haystack: &[u8], each: &mut dyn FnMut(&Groups) -> bool);

    /// The names of the groups, by number (group 0, the whole match, has none).
    fn group_names(&self) -> Vec<Option<String>>;
}

/// Where each group of one match is, by number: group 0 is the whole match.
#[derive(Clone, Debug, Default)]
pub(crate) struct Groups(Vec<Option<Range<usize>>>);

impl Groups {
    pub(crate) fn get(&self, group: usize) -> Option<Range<usize>> {
        self.0.get(group).cloned().flatten()
    }

    /// The whole match.
    pub(crate) fn whole(&self) -> Range<usize> {
        self.get(0).unwrap_or_default()
    }

    /// The groups the regex crate found.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn of(caps: &regex::bytes::Captures) -> Groups {
        Groups(caps.iter().map(|group| group.map(|m| m.range())).collect())
    }

    /// Only the whole match, where the groups cannot be found again (a match of `-U` seen in one of
    /// its lines).
    pub(crate) fn whole_only(range: Range<usize>) -> Groups {
        Groups(vec![Some(range)])
    }

    pub(crate) fn set(&mut self, groups: impl Iterator<Item = Option<Range<usize>>>) {
        self.0.clear();
        self.0.extend(groups);
    }

    /// The groups the regex crate's engine found (none where it found no match).
    pub(crate) fn fill(&mut self, caps: &regex_automata::util::captures::Captures) {
        self.0.clear();
        if caps.is_match() {
            self.0.extend(caps.iter().map(|group| group.map(|span| span.range())));
        }
    }
}
