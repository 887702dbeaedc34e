//! The query planner: which trigrams a file must hold for the pattern to match in it.
//!
//! As in Russ Cox's "Regular Expression Matching with a Trigram Index", the pattern's syntax tree is
//! read bottom up. A node either has an exact, small set of strings it can match (a literal, a small
//! class, a concatenation or alternation of such), or only a query that every match satisfies. A
//! set of strings becomes a query as the OR, over its strings, of the AND of each string's trigrams;
//! a string shorter than three bytes asks nothing, so a set holding one asks nothing either. The
//! query only ever asks less than the pattern needs: any node it cannot read asks nothing (`All`).
//!
//! The index keys trigrams as the files hold them. A letter the pattern takes in either case
//! (`(?i)p` is the class `[Pp]`) is one symbol of its strings, marked `ANY_CASE`, not two strings:
//! `(?i)pm_resume` stays one string, whose trigrams each stand for all their case variants
//! (`Query::AnyCase`), where spelling the cases out would make 256 strings. Other case variants are
//! in the tree as classes (`(?i)k` is `[Kk\u{212A}]`), and become strings of their own.

use std::collections::BTreeSet;

use regex_syntax::hir::{Class, Hir, HirKind};

/// What a file must hold for a match to be possible in it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Query {
    /// Any file may match.
    All,
    /// No file matches (a pattern that matches nothing).
    Nothing,
    /// Three bytes, as the file holds them.
    Trigram(u32),
    /// Three bytes, those of the positions set in the mask (bit 2 the first) an ASCII letter in
    /// either case (given in lower case): one of the variants.
    AnyCase(u32, u8),
    /// A trigram, in any case of the letters its mask marks (as `AnyCase`; 0: as it is), with this
    /// symbol right after it (a byte, or an ASCII letter in either case, in lower case with
    /// `ANY_CASE`): the index keeps, per file, a bit for each byte that follows a trigram, so that
    /// `pm_` and `m_r` in `pm_runtime` and `resume` apart do not make a file that holds
    /// `pm_resume`'s trigrams a candidate.
    Followed(u32, u8, u16),
    And(Vec<Query>),
    /// All of these trigrams, those of one string: a match holds them within `NEAR_SPAN` bytes of
    /// each other, which the index's blocks of a big file can tell.
    Near(Vec<Query>),
    Or(Vec<Query>),
}

/// The longest string whose trigrams are asked for as `Near`: no longer than the smallest block.
pub const NEAR_SPAN: usize = 4 << 10;

/// The most strings an exact set may hold: past it, the set becomes a query.
const MAX_SET: usize = 64;
/// The most characters of a class read as a set of strings (`[a-f]` is, `\w` is not).
const MAX_CLASS: usize = 8;
/// The most trigrams asked of one string: more rule out no more files than the first ones do, and
/// each costs a posting list to read.
const MAX_TRIGRAMS_PER_STRING: usize = 24;
/// A symbol of a string: a byte, with this bit when it is an ASCII letter taken in either case.
const ANY_CASE: u16 = 0x100;

/// A trigram as the index keys it.
pub fn trigram(bytes: [u8; 3]) -> u32 {
    (u32::from(bytes[0]) << 16) | (u32::from(bytes[1]) << 8) | u32::from(bytes[2])
}

/// The trigrams `query`'s `AnyCase` stands for: every case of its marked letters.
pub fn variants(trigram: u32, mask: u8) -> impl Iterator<Item = u32> {
    let letters: Vec<u32> = (0..3).filter(|i| mask & (4 >> i) != 0).map(|i| 16 - 8 * i).collect();
    (0..1u32 << letters.len()).map(move |pick| {
        letters.iter().enumerate().fold(trigram, |t, (bit, shift)| match pick & (1 << bit) {
            0 => t,
            _ => t & !(0x20 << shift),
        })
    })
}

/// The four bytes in a row (a trigram's, then one) that `Followed(trigram, letters, next)` stands
/// for, in every case of its letters taken in either case (a quad may come twice).
pub fn quads(trigram: u32, letters: u8, next: u16) -> impl Iterator<Item = u32> {
    let byte = next as u8;
    let other = if next & ANY_CASE != 0 { byte ^ 0x20 } else { byte };
    variants(trigram, letters).flat_map(move |v| [byte, other].map(|c| v << 8 | u32::from(c)))
}

/// What a node of the tree matches, as far as the planner knows.
enum Info {
    /// Every string the node can match: a small set.
    Exact(BTreeSet<Vec<u16>>),
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
            Info::Exact(BTreeSet::from([literal.0.iter().map(|&b| u16::from(b)).collect()]))
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

/// A small class is the set of its characters, a letter in either case one symbol; a big one asks
/// nothing. An empty class matches nothing: the empty set.
fn class_info(class: &Class) -> Info {
    let chars: Vec<u32> = match class {
        Class::Unicode(class) => {
            class.iter().flat_map(|r| u32::from(r.start())..=u32::from(r.end())).take(MAX_CLASS + 1).collect()
        }
        Class::Bytes(class) => {
            class.iter().flat_map(|r| u32::from(r.start())..=u32::from(r.end())).take(MAX_CLASS + 1).collect()
        }
    };
    if chars.len() > MAX_CLASS {
        return Info::Inexact(Query::All);
    }
    if let [upper, lower] = chars[..] {
        if upper < 0x80 && lower < 0x80 && (upper as u8).is_ascii_uppercase() && lower == upper | 0x20 {
            return Info::Exact(BTreeSet::from([vec![lower as u16 | ANY_CASE]]));
        }
    }
    let symbols = |c: u32| -> Vec<u16> {
        match (class, char::from_u32(c)) {
            (Class::Unicode(_), Some(c)) => c.to_string().bytes().map(u16::from).collect(),
            _ => vec![c as u16],
        }
    };
    Info::Exact(chars.into_iter().map(symbols).collect())
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

fn cross(left: &BTreeSet<Vec<u16>>, right: &BTreeSet<Vec<u16>>) -> BTreeSet<Vec<u16>> {
    left.iter().flat_map(|l| right.iter().map(move |r| [l.as_slice(), r].concat())).collect()
}

/// A file holds one of the strings: for one of them, all its trigrams.
fn set_query(set: &BTreeSet<Vec<u16>>) -> Query {
    or(set.iter().map(|s| string_query(s)).collect())
}

fn string_query(s: &[u16]) -> Query {
    // Each trigram with the symbol after it, but the last.
    let followed = |(i, symbols): (usize, &[u16])| match s.get(i + 3) {
        Some(&next) => {
            let (trigram, letters) = symbols_trigram(symbols);
            Query::Followed(trigram, letters, next)
        }
        None => symbols_query(symbols),
    };
    let trigrams: BTreeSet<Query> = s.windows(3).enumerate().map(followed).collect();
    let trigrams: Vec<Query> = trigrams.into_iter().take(MAX_TRIGRAMS_PER_STRING).collect();
    match trigrams.len() {
        2.. if s.len() <= NEAR_SPAN => Query::Near(trigrams),
        _ => and(trigrams),
    }
}

/// The query of three symbols: their trigram, or any of its case variants.
fn symbols_query(symbols: &[u16]) -> Query {
    match symbols_trigram(symbols) {
        (trigram, 0) => Query::Trigram(trigram),
        (trigram, letters) => Query::AnyCase(trigram, letters),
    }
}

/// The trigram of three symbols, and the mask of those taken in either case (bit 2 the first).
fn symbols_trigram(symbols: &[u16]) -> (u32, u8) {
    let bytes = [symbols[0] as u8, symbols[1] as u8, symbols[2] as u8];
    (trigram(bytes), symbols.iter().fold(0u8, |mask, &s| mask << 1 | u8::from(s & ANY_CASE != 0)))
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

    /// The trigram of `s`'s first three bytes, followed by its fourth.
    fn f(s: &str) -> Query {
        let b = s.as_bytes();
        Query::Followed(trigram([b[0], b[1], b[2]]), 0, u16::from(b[3]))
    }

    #[test]
    fn a_literal_asks_for_each_of_its_trigrams_near_each_other() {
        assert_plan("abcd", Query::Near(vec![f("abcd"), t("bcd")]));
        assert_plan("abcde", Query::Near(vec![f("abcd"), f("bcde"), t("cde")]));
        assert_plan("abc", t("abc"));
        // A string longer than a block of the index only asks for its trigrams.
        let long = "abcdefghij".repeat(NEAR_SPAN / 10 + 1);
        assert!(matches!(query_of(&long), Query::And(_)));
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
    fn a_letter_in_either_case_asks_for_any_case_of_its_trigrams() {
        assert_plan("ABC", t("ABC"));
        assert_plan("(?i)abc", Query::AnyCase(trigram(*b"abc"), 0b111));
        assert_plan("(?i)a_b", Query::AnyCase(trigram(*b"a_b"), 0b101));
        // Smart case in a pattern of one: `(?i)` from its first letter on.
        assert_plan("AB(?i)c", Query::AnyCase(trigram(*b"ABc"), 0b001));
        // A letter with a case that is not ASCII is a class of its own: the Kelvin sign for k.
        let kelvin = "\u{212A}".as_bytes();
        let any_case = |c: u8| u16::from(c) | ANY_CASE;
        let with_kelvin = Query::Near(vec![
            Query::Followed(trigram([kelvin[0], kelvin[1], kelvin[2]]), 0, any_case(b'a')),
            Query::Followed(trigram([kelvin[1], kelvin[2], b'a']), 0b001, any_case(b'b')),
            Query::AnyCase(trigram([kelvin[2], b'a', b'b']), 0b011),
        ]);
        let cases = vec![
            Query::AnyCase(trigram(*b"Kab"), 0b011),
            Query::AnyCase(trigram(*b"kab"), 0b011),
            with_kelvin,
        ];
        assert_plan("(?i)kab", Query::Or(cases));
    }

    #[test]
    fn any_case_stands_for_every_case_of_its_letters() {
        let all: BTreeSet<u32> = variants(trigram(*b"a_b"), 0b101).collect();
        assert_eq!(all, [*b"a_b", *b"A_b", *b"a_B", *b"A_B"].into_iter().map(trigram).collect());
        assert_eq!(variants(trigram(*b"abc"), 0).collect::<Vec<_>>(), [trigram(*b"abc")]);
        assert_eq!(variants(trigram(*b"abc"), 0b111).count(), 8);
    }

    #[test]
    fn a_trigram_and_the_symbol_after_it_are_four_bytes_in_each_case_asked() {
        let exact: BTreeSet<u32> = quads(trigram(*b"abc"), 0, u16::from(b'd')).collect();
        assert_eq!(exact, BTreeSet::from([u32::from_be_bytes(*b"abcd")]));
        let any_case: BTreeSet<u32> = quads(trigram(*b"a_b"), 0b101, u16::from(b'c') | ANY_CASE).collect();
        let expected = ["a_bc", "A_bc", "a_Bc", "A_Bc", "a_bC", "A_bC", "a_BC", "A_BC"];
        assert_eq!(
            any_case,
            expected.iter().map(|q| u32::from_be_bytes(q.as_bytes().try_into().unwrap())).collect()
        );
    }

    #[test]
    fn an_alternation_asks_one_of_its_branches() {
        assert_plan("abc|xyz", Query::Or(vec![t("abc"), t("xyz")]));
        // One branch that asks nothing makes the whole ask nothing.
        assert_plan("abc|x", Query::All);
        assert_plan(
            r"foo\w+|barbaz",
            Query::Or(vec![t("foo"), Query::Near(vec![f("arba"), t("baz"), f("barb"), f("rbaz")])]),
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
        assert_plan("abc?d", Query::Or(vec![t("abd"), Query::Near(vec![f("abcd"), t("bcd")])]));
    }

    #[test]
    fn parts_around_a_wide_class_each_ask_their_own() {
        // Anywhere in the file: the class may stand for any number of bytes.
        assert_plan(r"foo\s+bar", Query::And(vec![t("foo"), t("bar")]));
        assert_plan(
            r"food\s+bark",
            Query::And(vec![Query::Near(vec![f("food"), t("ood")]), Query::Near(vec![f("bark"), t("ark")])]),
        );
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
                Query::Near(mut terms) => {
                    terms.sort();
                    Query::Near(terms)
                }
                Query::Or(terms) => or(terms.into_iter().map(Query::normalized).collect()),
                query => query,
            }
        }
    }
}
