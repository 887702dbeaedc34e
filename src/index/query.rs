//! The query planner: which trigrams a file must hold for the pattern to match in it.
//!
//! As in Russ Cox's "Regular Expression Matching with a Trigram Index", the pattern's syntax tree is
//! read bottom up. A node either has an exact, small set of strings it can match (a literal, a small
//! class, a concatenation or alternation of such), or only a query that every match satisfies. A
//! set of strings becomes a query as the OR, over its strings, of the AND of each string's trigrams;
//! a string shorter than three bytes asks nothing, so a set holding one asks nothing either. The
//! query only ever asks less than the pattern needs: any node it cannot read asks nothing (`All`).
//!
//! Strings are folded as the index folds files: ASCII letters to lower case (`ascii_fold`). Case
//! insensitivity is already in the tree (`(?i)k` is the class `[Kk\u{212A}]`), and folding makes
//! `[Pp][Mm]` one string instead of four.

use std::collections::BTreeSet;

use regex_syntax::hir::{Class, Hir, HirKind};

/// What a file must hold for a match to be possible in it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Query {
    /// Any file may match.
    All,
    /// No file matches (a pattern that matches nothing).
    Nothing,
    Trigram(u32),
    And(Vec<Query>),
    Or(Vec<Query>),
}

/// The most strings an exact set may hold: past it, the set becomes a query.
const MAX_SET: usize = 64;
/// The most characters of a class read as a set of strings (`[a-f]` is, `\w` is not).
const MAX_CLASS: usize = 8;
/// The most trigrams asked of one string: more rule out no more files than the first ones do, and
/// each costs a posting list to read.
const MAX_TRIGRAMS_PER_STRING: usize = 24;

/// A trigram as the index keys it: three folded bytes.
pub fn trigram(bytes: [u8; 3]) -> u32 {
    (u32::from(ascii_fold(bytes[0])) << 16)
        | (u32::from(ascii_fold(bytes[1])) << 8)
        | u32::from(ascii_fold(bytes[2]))
}

/// How the index folds a byte: ASCII upper case to lower case, every other byte as it is.
pub fn ascii_fold(byte: u8) -> u8 {
    byte.to_ascii_lowercase()
}

/// What a node of the tree matches, as far as the planner knows.
enum Info {
    /// Every string the node can match (folded): a small set.
    Exact(BTreeSet<Vec<u8>>),
    /// Only what a match of the node asks of a file.
    Inexact(Query),
}

impl Info {
    fn empty_string() -> Info {
        Info::Exact(BTreeSet::from([Vec::new()]))
    }

    /// Everything this node asks of a file, as one query.
    fn into_query(self) -> Query {
        match self {
            Info::Exact(set) => set_query(&set),
            Info::Inexact(query) => query,
        }
    }
}

/// The query of a pattern's syntax tree (as the regex crate compiles it).
pub fn plan(hir: &Hir) -> Query {
    info(hir).into_query()
}

fn info(hir: &Hir) -> Info {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Info::empty_string(),
        HirKind::Literal(literal) => {
            Info::Exact(BTreeSet::from([literal.0.iter().map(|&b| ascii_fold(b)).collect()]))
        }
        HirKind::Class(class) => class_info(class),
        HirKind::Capture(capture) => info(&capture.sub),
        HirKind::Repetition(repetition) => {
            let sub = info(&repetition.sub);
            match (repetition.min, repetition.max, sub) {
                // `x?` is exact when `x` is.
                (0, Some(1), Info::Exact(mut set)) if set.len() < MAX_SET => {
                    set.insert(Vec::new());
                    Info::Exact(set)
                }
                (0, _, _) => Info::Inexact(Query::All),
                // One match of `x` at least: what `x` asks.
                (_, _, sub) => Info::Inexact(sub.into_query()),
            }
        }
        HirKind::Concat(subs) => concat_info(subs),
        HirKind::Alternation(subs) => alternation_info(subs),
    }
}

/// A small class is the set of its characters; a big one asks nothing. An empty class matches
/// nothing: the empty set.
fn class_info(class: &Class) -> Info {
    let mut set = BTreeSet::new();
    match class {
        Class::Unicode(class) => {
            for range in class.ranges() {
                for c in range.start()..=range.end() {
                    if set.len() >= MAX_CLASS {
                        return Info::Inexact(Query::All);
                    }
                    let mut utf8 = [0; 4];
                    set.insert(c.encode_utf8(&mut utf8).bytes().map(ascii_fold).collect());
                }
            }
        }
        Class::Bytes(class) => {
            for range in class.ranges() {
                for b in range.start()..=range.end() {
                    if set.len() >= MAX_CLASS {
                        return Info::Inexact(Query::All);
                    }
                    set.insert(vec![ascii_fold(b)]);
                }
            }
        }
    }
    Info::Exact(set)
}

/// A concatenation's exact set is the cross product of its parts' while it stays small; where it
/// would not, what is known so far becomes a query, and a new set starts.
fn concat_info(subs: &[Hir]) -> Info {
    let mut query = Vec::new();
    let mut current = BTreeSet::from([Vec::new()]);
    let mut exact = true;
    for sub in subs {
        match info(sub) {
            Info::Exact(next) if current.len() * next.len() <= MAX_SET => current = cross(&current, &next),
            Info::Exact(next) => {
                exact = false;
                query.push(set_query(&current));
                current = next;
            }
            Info::Inexact(sub) => {
                exact = false;
                query.push(set_query(&current));
                query.push(sub);
                current = BTreeSet::from([Vec::new()]);
            }
        }
    }
    if exact {
        return Info::Exact(current);
    }
    query.push(set_query(&current));
    Info::Inexact(and(query))
}

fn alternation_info(subs: &[Hir]) -> Info {
    let mut exact = BTreeSet::new();
    let mut queries = Vec::new();
    for sub in subs {
        match info(sub) {
            Info::Exact(set) if queries.is_empty() && exact.len() + set.len() <= MAX_SET => exact.extend(set),
            sub => queries.push(sub.into_query()),
        }
    }
    if queries.is_empty() {
        return Info::Exact(exact);
    }
    queries.push(set_query(&exact));
    Info::Inexact(or(queries))
}

fn cross(left: &BTreeSet<Vec<u8>>, right: &BTreeSet<Vec<u8>>) -> BTreeSet<Vec<u8>> {
    left.iter().flat_map(|l| right.iter().map(move |r| [l.as_slice(), r].concat())).collect()
}

/// A file holds one of the strings: for one of them, all its trigrams.
fn set_query(set: &BTreeSet<Vec<u8>>) -> Query {
    or(set.iter().map(|s| string_query(s)).collect())
}

fn string_query(s: &[u8]) -> Query {
    let trigrams: BTreeSet<u32> = s.windows(3).map(|w| trigram([w[0], w[1], w[2]])).collect();
    and(trigrams.into_iter().take(MAX_TRIGRAMS_PER_STRING).map(Query::Trigram).collect())
}

/// All of `queries`: what asks nothing drops out; one that nothing satisfies makes the whole so.
fn and(queries: Vec<Query>) -> Query {
    let mut terms = Vec::new();
    for query in queries {
        match query {
            Query::All => {}
            Query::Nothing => return Query::Nothing,
            Query::And(inner) => terms.extend(inner),
            query => terms.push(query),
        }
    }
    terms.sort();
    terms.dedup();
    match terms.len() {
        0 => Query::All,
        1 => terms.remove(0),
        _ => Query::And(terms),
    }
}

/// One of `queries`: one that asks nothing makes the whole ask nothing.
fn or(queries: Vec<Query>) -> Query {
    let mut terms = Vec::new();
    for query in queries {
        match query {
            Query::All => return Query::All,
            Query::Nothing => {}
            Query::Or(inner) => terms.extend(inner),
            query => terms.push(query),
        }
    }
    terms.sort();
    terms.dedup();
    match terms.len() {
        0 => Query::Nothing,
        1 => terms.remove(0),
        _ => Query::Or(terms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query_of(pattern: &str) -> Query {
        let hir = regex_syntax::ParserBuilder::new().utf8(false).build().parse(pattern).unwrap();
        plan(&hir)
    }

    fn assert_plan(pattern: &str, expected: Query) {
        assert_eq!(query_of(pattern), expected.normalized(), "{pattern}");
    }

    fn t(s: &str) -> Query {
        let b = s.as_bytes();
        Query::Trigram(trigram([b[0], b[1], b[2]]))
    }

    #[test]
    fn a_literal_asks_for_each_of_its_trigrams() {
        assert_plan("abcd", Query::And(vec![t("abc"), t("bcd")]));
        assert_plan("abc", t("abc"));
    }

    #[test]
    fn a_short_literal_or_a_wide_class_asks_nothing() {
        assert_plan("ab", Query::All);
        assert_plan(r"\w+", Query::All);
        assert_plan(".", Query::All);
        assert_plan("a*", Query::All);
        assert_plan("", Query::All);
    }

    #[test]
    fn letters_fold_to_lower_case_as_the_index_does() {
        assert_plan("ABC", t("abc"));
        assert_plan("(?i)abc", t("abc"));
        // Case folding keeps the letters whose other case is not ASCII: the Kelvin sign for k.
        let kelvin = "\u{212A}".as_bytes();
        let with_kelvin = Query::And(vec![
            Query::Trigram(trigram([kelvin[0], kelvin[1], kelvin[2]])),
            Query::Trigram(trigram([kelvin[1], kelvin[2], b'a'])),
            Query::Trigram(trigram([kelvin[2], b'a', b'b'])),
        ]);
        assert_plan("(?i)kab", Query::Or(vec![t("kab"), with_kelvin]));
    }

    #[test]
    fn an_alternation_asks_one_of_its_branches() {
        assert_plan("abc|xyz", Query::Or(vec![t("abc"), t("xyz")]));
        // One branch that asks nothing makes the whole ask nothing.
        assert_plan("abc|x", Query::All);
        assert_plan(
            r"foo\w+|barbaz",
            Query::Or(vec![t("foo"), Query::And(vec![t("arb"), t("baz"), t("bar"), t("rba")])]),
        );
    }

    #[test]
    fn a_small_class_multiplies_the_strings() {
        assert_plan("ab[cd]", Query::Or(vec![t("abc"), t("abd")]));
        assert_plan("a[0-9]b", Query::All);
        assert_plan("ab[0-9]cde", t("cde"));
    }

    #[test]
    fn a_repetition_asks_what_one_occurrence_asks() {
        assert_plan("(abc)+", t("abc"));
        assert_plan("(abc)*", Query::All);
        assert_plan("x(abc){2,5}y", t("abc"));
        assert_plan("abc?d", Query::Or(vec![t("abd"), Query::And(vec![t("abc"), t("bcd")])]));
    }

    #[test]
    fn parts_around_a_wide_class_each_ask_their_own() {
        assert_plan(r"foo\s+bar", Query::And(vec![t("foo"), t("bar")]));
        assert_eq!(query_of(r"^\s*#include"), query_of("#include"));
    }

    #[test]
    fn a_pattern_that_matches_nothing_asks_what_no_file_has() {
        assert_plan("[a&&b]", Query::Nothing);
        assert_plan("[a&&b]|abc", t("abc"));
    }

    impl Query {
        /// `and`/`or` applied again, for comparing with a query built by hand.
        fn normalized(self) -> Query {
            match self {
                Query::And(terms) => and(terms.into_iter().map(Query::normalized).collect()),
                Query::Or(terms) => or(terms.into_iter().map(Query::normalized).collect()),
                query => query,
            }
        }
    }
}
