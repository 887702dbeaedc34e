//! The matcher: the pattern as the user typed it, compiled into the regex the searchers run.
//!
//! Smart case looks at the letters typed; `-F` and `--word-regexp` wrap the pattern; every class
//! loses the line terminator, so that a match never spans two lines and the regex can run over a
//! whole buffer at once; and the literals inside the pattern are found, so that the searchers can
//! look for them first. With `-P` (or `--engine auto` on a pattern the regex crate cannot read)
//! PCRE2 compiles it instead (`pcre`).
//!
//! ripgrep's grep-regex does much of this (smart case, the line terminator taken out, inner
//! literals), behind grep-matcher's `Matcher` trait. ba does not take them: their interface comes
//! with grep-searcher's model (its sinks, its line terminators, its captures type), where ba's
//! engine owns lines itself and asks a pattern only the few things of `pattern::Pattern`; and ba's
//! inner-literal search is bounded to linear time in the pattern's length and cut at 16 literals,
//! which its tests hold it to.

use std::ops::Range;
use std::sync::Arc;

use anyhow::{bail, Result};
use regex::bytes::Regex;
use regex_automata::meta;
use regex_automata::{Input, PatternID};
use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::{self, Hir, HirKind};

use crate::index::query::{self, Query};
use crate::search::loosened::loosened;
use crate::search::pattern::{Groups, Pattern};
use crate::search::pcre::Pcre2Pattern;

/// The longest pattern whose trigrams the index is asked for (`query::plan`).
const PLANNED_PATTERN_LEN: usize = 64 << 10;

/// Why a pattern outside `-U` cannot hold a `\n`.
const NEWLINE_IN_PATTERN: &str = "the pattern contains a literal newline, but matches never span lines";

/// How the error of a pattern the regex crate cannot read begins.
const UNREADABLE: &str = "invalid pattern";

/// A pattern compiled by the regex crate's engine, from the syntax tree ba rewrote (not printed and
/// parsed again: 200,000 literals made a parse of gigabytes).
struct RegexPattern {
    regex: meta::Regex,
    /// `--crlf` outside `-U`: a haystack that ends with a `\r` (a line given without its `\n`) is
    /// searched without it, where the regex would see a line end and an empty line after it.
    /// Nothing else changes: no match can hold a `\r`, and the anchors and `\b` see the cut end as
    /// they see the `\r`.
    cut_cr: bool,
}

impl RegexPattern {
    fn text<'h>(&self, haystack: &'h [u8]) -> &'h [u8] {
        match haystack {
            [text @ .., b'\r'] if self.cut_cr => text,
            _ => haystack,
        }
    }
}

impl Pattern for RegexPattern {
    fn find_at(&self, haystack: &[u8], at: usize) -> Option<Range<usize>> {
        let text = self.text(haystack);
        (at <= text.len()).then(|| self.regex.find(Input::new(text).range(at..)).map(|m| m.range())).flatten()
    }

    fn shortest_match_at(&self, haystack: &[u8], at: usize) -> Option<usize> {
        let text = self.text(haystack);
        let input = Input::new(text).range(at.min(text.len())..).earliest(true);
        (at <= text.len()).then(|| self.regex.search_half(&input).map(|m| m.offset())).flatten()
    }

    fn is_match(&self, haystack: &[u8]) -> bool {
        self.regex.is_match(self.text(haystack))
    }

    fn for_each_match(&self, haystack: &[u8], each: &mut dyn FnMut(Range<usize>) -> bool) {
        for m in self.regex.find_iter(self.text(haystack)) {
            if !each(m.range()) {
                break;
            }
        }
    }

    fn captures_at(&self, haystack: &[u8], at: usize, groups: &mut Groups) -> bool {
        let text = self.text(haystack);
        if at > text.len() {
            return false;
        }
        let mut caps = self.regex.create_captures();
        self.regex.search_captures(&Input::new(text).range(at..), &mut caps);
        groups.fill(&caps);
        caps.is_match()
    }

    fn for_each_captures(&self, haystack: &[u8], each: &mut dyn FnMut(&Groups) -> bool) {
        let mut groups = Groups::default();
        for caps in self.regex.captures_iter(self.text(haystack)) {
            groups.fill(&caps);
            if !each(&groups) {
                break;
            }
        }
    }

    fn group_names(&self) -> Vec<Option<String>> {
        let names = self.regex.group_info().pattern_names(PatternID::ZERO);
        names.map(|name| name.map(String::from)).collect()
    }
}

/// The compiled pattern.
#[derive(Clone)]
pub struct Matcher {
    /// The pattern, whichever engine compiled it: never matching a line end (outside `-U`), so
    /// that the searcher can run it over a whole buffer at once.
    pub(crate) pattern: Arc<dyn Pattern>,
    /// Literals that every match holds somewhere after its start, when the pattern has some: the
    /// searcher finds them first and runs `regex` only on the lines that hold one, as ripgrep does.
    /// (A literal at the start of the pattern the regex crate already looks for itself; PCRE2,
    /// which is run a line at a time, is given those too.)
    pub(crate) candidates: Option<Regex>,
    /// The pattern has capture groups: the terminal output shows what they captured.
    pub(crate) has_groups: bool,
    /// PCRE2 compiled the pattern: it may give up on a line (its match limit), which the searcher
    /// then reports (see `pcre::take_failure`).
    pub(crate) fallible: bool,
    /// What a file must hold for the pattern to match in it, for the index to rule files out.
    pub(crate) required: Query,
    /// `-U` and a match may hold a line end. (With `-U`, ripgrep finds a pattern that cannot, as
    /// `foo`, a line at a time: its hits and counts are lines, as without `-U`.)
    pub(crate) spans_lines: bool,
}

/// How the pattern as typed is to be read.
pub(crate) struct PatternOptions {
    /// `-F`: a literal string.
    pub(crate) fixed_strings: bool,
    /// `--word-regexp`: whole words only.
    pub(crate) word: bool,
    /// `-x`: whole lines only.
    pub(crate) line: bool,
    pub(crate) case: Case,
    /// `-U`: a match may span lines; `--multiline-dotall`: `.` matches a line end too.
    pub(crate) multiline: bool,
    pub(crate) dotall: bool,
    /// `--crlf`: a line may end with `\r\n`, whose `\r` is no part of it: `$` matches before it
    /// and no class matches it.
    pub(crate) crlf: bool,
    /// Unicode classes and case folding (`--no-unicode` turns them off: ASCII only).
    pub(crate) unicode: bool,
    /// `--null-data`: NUL ends a line. The searchers see every NUL as `\n` and every `\n` as NUL
    /// (`swap_line_ends`), so the pattern is read with the two swapped too.
    pub(crate) null_data: bool,
    pub(crate) limits: SizeLimits,
    pub(crate) engine: EngineChoice,
}

impl Default for PatternOptions {
    /// A regex, case-sensitive, within lines that end with `\n`.
    fn default() -> PatternOptions {
        PatternOptions {
            fixed_strings: false,
            word: false,
            line: false,
            case: Case::Sensitive,
            multiline: false,
            dotall: false,
            crlf: false,
            unicode: true,
            null_data: false,
            limits: SizeLimits::default(),
            engine: EngineChoice::Default,
        }
    }
}

/// Which engine compiles the pattern: `--engine`, `-P`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, clap::ValueEnum)]
pub enum EngineChoice {
    /// The regex crate.
    #[default]
    Default,
    /// PCRE2 (`-P`): look-around and backreferences.
    Pcre2,
    /// The regex crate, or PCRE2 where the pattern needs it (the regex crate cannot read it).
    Auto,
}

/// How big the compiled pattern may grow: `--regex-size-limit` and `--dfa-size-limit`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SizeLimits {
    /// The compiled program, in bytes: a pattern that needs more is refused.
    pub(crate) regex: usize,
    /// The lazy DFA's cache of each searcher, in bytes: past it the cache is cleared, or a slower
    /// engine takes over (the same answer, later).
    pub(crate) dfa: usize,
}

impl Default for SizeLimits {
    fn default() -> SizeLimits {
        SizeLimits { regex: 256 << 20, dfa: 64 << 20 }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Case {
    /// Case-insensitive unless the pattern has an uppercase letter.
    Smart,
    Sensitive,
    Insensitive,
}

impl Matcher {
    /// The matcher of `patterns` (a line matches if any does; none matches nothing).
    pub(crate) fn new(patterns: &[String], options: &PatternOptions) -> Result<Matcher> {
        let case_insensitive = match options.case {
            Case::Smart if options.fixed_strings => {
                !patterns.iter().any(|p| p.chars().any(char::is_uppercase))
            }
            Case::Smart => !patterns.iter().any(|p| has_uppercase_literal(p)),
            Case::Sensitive => false,
            Case::Insensitive => true,
        };
        match options.engine {
            EngineChoice::Default => Matcher::with_regex(patterns, options, case_insensitive),
            EngineChoice::Pcre2 => Matcher::with_pcre2(patterns, options, case_insensitive),
            // As ripgrep's: PCRE2 takes over, silently, only a pattern the regex crate cannot read.
            EngineChoice::Auto => match Matcher::with_regex(patterns, options, case_insensitive) {
                Err(err) if err.to_string().starts_with(UNREADABLE) => {
                    Matcher::with_pcre2(patterns, options, case_insensitive).map_err(|pcre2_err| {
                        anyhow::anyhow!("{err:#}\n\nnor could PCRE2 read it:\n{pcre2_err:#}")
                    })
                }
                result => result,
            },
        }
    }

    fn with_regex(patterns: &[String], options: &PatternOptions, case_insensitive: bool) -> Result<Matcher> {
        // An empty class: no match anywhere, as grep with an empty patterns file. As ripgrep, a
        // word starts and ends where a word character meets a non-word one on either side of the
        // match only, so `-b` and `@property` are found as words too.
        let word = |pattern: &str| format!(r"\b{{start-half}}(?:{pattern})\b{{end-half}}");
        let pattern = one_pattern(patterns, options, regex::escape, "[a&&b]", word);
        Matcher::build(&pattern, case_insensitive, options)
    }

    /// `-P`: the pattern compiled by PCRE2, wrapped as ripgrep wraps it. The literals looked for first
    /// are those of the regex crate's reading of the pattern loosened (`loosened`), where it reads
    /// it: a line that cannot match then holds none of them.
    fn with_pcre2(patterns: &[String], options: &PatternOptions, case_insensitive: bool) -> Result<Matcher> {
        if options.null_data {
            bail!("-P cannot go with --null-data: PCRE2 reads `\\n` as the line end");
        }
        let word = |pattern: &str| format!(r"(?<!\w)(?:{pattern})(?!\w)");
        let pattern = one_pattern(patterns, options, pcre2::escape, "(*FAIL)", word);
        let compiled = Pcre2Pattern::new(&pattern, case_insensitive, options)?;
        let has_groups = compiled.group_names().len() > 1;
        let candidates = if options.multiline || options.fixed_strings {
            None
        } else {
            let mut parser = regex_syntax::ParserBuilder::new()
                .utf8(false)
                .multi_line(true)
                .case_insensitive(case_insensitive)
                .build();
            loosened(&pattern)
                .and_then(|loose| parser.parse(&loose).ok())
                .and_then(|hir| within_lines(&hir, options.crlf).ok())
                .and_then(|hir| inner_literals(&hir, Start::Included))
        };
        // PCRE2 reads some patterns otherwise than the regex crate: the index is not asked.
        let required = Query::All;
        let spans_lines = options.multiline;
        Ok(Matcher {
            pattern: Arc::new(compiled),
            candidates,
            has_groups,
            fallible: true,
            required,
            spans_lines,
        })
    }

    /// The matcher of one regex, matches never spanning lines.
    pub fn compile(pattern: &str, case_insensitive: bool) -> Result<Matcher> {
        Matcher::build(pattern, case_insensitive, &PatternOptions::default())
    }

    fn build(pattern: &str, case_insensitive: bool, options: &PatternOptions) -> Result<Matcher> {
        let (multiline, limits) = (options.multiline, options.limits);
        let hir = regex_syntax::ParserBuilder::new()
            // Files are bytes: `(?-u:\xFF)` may match a byte that is not UTF-8, as in ripgrep.
            .utf8(false)
            .multi_line(true)
            // `^` and `$` at `\r\n` too, and `.` matches no `\r`, as in `rg --crlf`.
            .crlf(options.crlf)
            .unicode(options.unicode)
            .case_insensitive(case_insensitive)
            .dot_matches_new_line(options.dotall)
            .build()
            .parse(pattern)
            .map_err(|e| anyhow::anyhow!("{UNREADABLE}:\n{e}"))?;
        let has_groups = hir.properties().explicit_captures_len() > 0;
        let hir = if options.null_data { swap_line_ends(&hir) } else { hir };
        // With -U a match may hold a line end: none to take out, and (where one may) no literal to
        // look for first, the whole file being searched at once.
        // (Each rewrite copies the whole pattern: 200,000 literals make a copy of a gigabyte.)
        let hir = if multiline || !names_line_end(&hir, options.crlf) {
            hir
        } else {
            // With --null-data, a `\n` here was a NUL typed (`swap_line_ends`).
            within_lines(&hir, options.crlf).map_err(|err| match err.to_string() == NEWLINE_IN_PATTERN {
                true if options.null_data => anyhow::anyhow!(
                    "the pattern contains a NUL byte, but with --null-data it ends lines, and matches never span lines"
                ),
                _ => err,
            })?
        };
        let spans_lines = multiline && may_hold_line_end(&hir);
        let candidates = if spans_lines { None } else { inner_literals(&hir, Start::LeftToTheRegex) };
        // A pattern of thousands of alternatives gives the index nothing it can use.
        let required = if pattern.len() <= PLANNED_PATTERN_LEN { query::plan(&hir) } else { Query::All };
        let config = meta::Config::new()
            .utf8_empty(false)
            .nfa_size_limit(Some(limits.regex))
            .hybrid_cache_capacity(limits.dfa);
        let regex = meta::Builder::new().configure(config).build_from_hir(&hir).map_err(|err| {
            match err.size_limit() {
                Some(limit) => anyhow::anyhow!(
                    "the compiled pattern would exceed --regex-size-limit ({}); raise it, e.g. \
                     --regex-size-limit {}",
                    size_text(limit),
                    size_text(limit.saturating_mul(4).max(1 << 30)),
                ),
                None => anyhow::anyhow!("invalid pattern: {err}"),
            }
        })?;
        let pattern = RegexPattern { regex, cut_cr: options.crlf && !multiline };
        Ok(Matcher {
            pattern: Arc::new(pattern),
            candidates,
            has_groups,
            fallible: false,
            required,
            spans_lines,
        })
    }
}

impl Matcher {
    pub(crate) fn shortest_match_at(&self, haystack: &[u8], at: usize) -> Option<usize> {
        self.pattern.shortest_match_at(haystack, at)
    }

    pub(crate) fn is_match(&self, haystack: &[u8]) -> bool {
        self.pattern.is_match(haystack)
    }

    /// Every match of `haystack`, in order.
    pub(crate) fn matches(&self, haystack: &[u8], into: &mut Vec<Range<usize>>) {
        self.pattern.for_each_match(haystack, &mut |m| {
            into.push(m);
            true
        });
    }

    /// How many matches `haystack` holds.
    pub(crate) fn count(&self, haystack: &[u8]) -> usize {
        let mut count = 0;
        self.pattern.for_each_match(haystack, &mut |_| {
            count += 1;
            true
        });
        count
    }

    pub(crate) fn captures_at(&self, haystack: &[u8], at: usize, groups: &mut Groups) -> bool {
        self.pattern.captures_at(haystack, at, groups)
    }

    pub(crate) fn for_each_captures(&self, haystack: &[u8], each: &mut dyn FnMut(&Groups) -> bool) {
        self.pattern.for_each_captures(haystack, each)
    }
}

/// The patterns as one, in an engine's syntax: each escaped with `-F`, joined as alternatives
/// (`none`, which matches nothing, when there is none), wrapped for `--word-regexp` and `-x`.
fn one_pattern(
    patterns: &[String],
    options: &PatternOptions,
    escape: fn(&str) -> String,
    none: &str,
    word: impl Fn(&str) -> String,
) -> String {
    let patterns: Vec<String> =
        patterns.iter().map(|p| if options.fixed_strings { escape(p) } else { p.clone() }).collect();
    let mut pattern = match patterns.as_slice() {
        [] => none.to_string(),
        [one] => one.clone(),
        many => many.iter().map(|p| format!("(?:{p})")).collect::<Vec<_>>().join("|"),
    };
    if options.word {
        pattern = word(&pattern);
    }
    if options.line {
        pattern = format!("^(?:{pattern})$");
    }
    pattern
}

/// A size as `--regex-size-limit` reads it: `256M`, `1G`, `1000`.
fn size_text(bytes: usize) -> String {
    for (shift, suffix) in [(30, "G"), (20, "M"), (10, "K")] {
        if bytes > 0 && bytes.is_multiple_of(1 << shift) {
            return format!("{}{suffix}", bytes >> shift);
        }
    }
    bytes.to_string()
}

/// The most literals `Matcher::candidates` may hold: a longer list costs the search more than the
/// lines it rules out save.
const MAX_CANDIDATES: usize = 16;
/// A set of literals is looked for in at most this many elements from its start: enough for any
/// useful literal, and a bound that keeps the work linear in the pattern's length.
const ELEMENTS_PER_START: usize = 32;
/// Literals are cut to this many bytes: longer ones rule out no more lines.
const MAX_LITERAL_LEN: usize = 100;
/// The most steps the search for literals may take in all (a step crosses at most 16 literals of at
/// most 100 bytes with the next element's): past it, the best set found so far is kept, so that no
/// pattern, however long, spends more than a few milliseconds here.
const LITERAL_STEPS: usize = 10_000;

/// Whether the literals a pattern starts with are worth looking for first.
#[derive(Clone, Copy)]
enum Start {
    /// The regex crate looks for them itself, over a whole buffer.
    LeftToTheRegex,
    /// PCRE2 is run a line at a time: a literal anywhere saves it every line without one.
    Included,
}

/// See `Matcher::candidates`: the best set of literals that start the rest of the pattern's
/// top-level sequence after some element (or at its start), each at least two bytes long.
fn inner_literals(hir: &Hir, start: Start) -> Option<Regex> {
    use hir::literal::{Extractor, Literal, Seq};

    let mut hir = hir;
    while let HirKind::Capture(capture) = hir.kind() {
        hir = &capture.sub;
    }
    let elements = match (hir.kind(), start) {
        (HirKind::Concat(elements), Start::LeftToTheRegex) => &elements[1..],
        (HirKind::Concat(elements), Start::Included) => &elements[..],
        (_, Start::LeftToTheRegex) => return None,
        (_, Start::Included) => std::slice::from_ref(hir),
    };
    // The literals each element starts with, found once: a class of more than 10 characters, or
    // more than 16 literals, is as good as none (case-insensitive letters are one element each:
    // `(?i)ah` gives {a, A} then {h, H}).
    let mut extractor = Extractor::new();
    extractor.limit_total(MAX_CANDIDATES);
    // (Every start takes a step: the elements past these are never reached.)
    let reached = elements.iter().take(LITERAL_STEPS + ELEMENTS_PER_START);
    let starts: Vec<Seq> = reached.map(|element| extractor.extract(element)).collect();
    let mut steps = 0;
    // The best set so far, ranked by its shortest literal and whether it was cut short (see below).
    let mut best: Option<(Vec<Literal>, (usize, bool))> = None;
    for start in 0..starts.len() {
        if steps == LITERAL_STEPS {
            break;
        }
        // Every match of the rest of the sequence from `start` on begins with one of these.
        let mut seq = Seq::singleton(Literal::exact(vec![]));
        let mut cut_short = false;
        for next in starts[start..].iter().take(ELEMENTS_PER_START) {
            if seq.is_inexact() || steps == LITERAL_STEPS {
                break;
            }
            steps += 1;
            if seq.max_cross_len(next).is_none_or(|len| len > MAX_CANDIDATES) {
                // Too many literals, or none: what comes next is left to the regex.
                seq.make_inexact();
                cut_short = seq.max_cross_len(next).is_some();
                break;
            }
            seq.cross_forward(&mut next.clone());
            seq.keep_first_bytes(MAX_LITERAL_LEN);
        }
        let (Some(literals), Some(shortest)) = (seq.literals(), seq.min_literal_len()) else { continue };
        if literals.is_empty() || shortest < 2 {
            continue;
        }
        // A set cut short where its case variants grew too many is a word's common beginning
        // (`(?i)pm_resume` gives `m_re`); a set that ends where the literal does is its rarer end
        // (`ume`), looked for 12% faster in the kernel's code: it counts as one byte longer.
        let rank = (shortest + usize::from(!cut_short), !cut_short);
        if best.as_ref().is_none_or(|(_, best_rank)| rank > *best_rank) {
            best = Some((literals.to_vec(), rank));
        }
    }
    let (literals, _) = best?;
    let alternation = literals.iter().map(|literal| escape_bytes(literal.as_bytes())).collect::<Vec<_>>();
    Regex::new(&alternation.join("|")).ok()
}

/// `bytes` as a pattern that matches them: escaped text, or with Unicode off, byte by byte, where
/// they are not UTF-8 (`(?-u:\xFF)`).
fn escape_bytes(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => regex::escape(text),
        Err(_) => bytes.iter().map(|byte| format!(r"(?-u:\x{byte:02X})")).collect(),
    }
}

/// Smart case looks at the letters the user typed, not at escapes: `\p{Greek}` or `\W` stay lowercase.
fn has_uppercase_literal(pattern: &str) -> bool {
    fn in_ast(ast: &Ast) -> bool {
        match ast {
            Ast::Literal(lit) => lit.c.is_uppercase(),
            Ast::ClassBracketed(class) => in_set(&class.kind),
            Ast::Repetition(rep) => in_ast(&rep.ast),
            Ast::Group(group) => in_ast(&group.ast),
            Ast::Alternation(alt) => alt.asts.iter().any(in_ast),
            Ast::Concat(concat) => concat.asts.iter().any(in_ast),
            _ => false,
        }
    }
    fn in_set(set: &ast::ClassSet) -> bool {
        match set {
            ast::ClassSet::Item(item) => in_item(item),
            ast::ClassSet::BinaryOp(op) => in_set(&op.lhs) || in_set(&op.rhs),
        }
    }
    fn in_item(item: &ast::ClassSetItem) -> bool {
        match item {
            ast::ClassSetItem::Literal(lit) => lit.c.is_uppercase(),
            ast::ClassSetItem::Range(range) => range.start.c.is_uppercase() || range.end.c.is_uppercase(),
            ast::ClassSetItem::Bracketed(class) => in_set(&class.kind),
            ast::ClassSetItem::Union(union) => union.items.iter().any(in_item),
            _ => false,
        }
    }
    match ast::parse::Parser::new().parse(pattern) {
        Ok(ast) => in_ast(&ast),
        // A pattern only PCRE2 reads (look-around, backreferences): its letters outside escapes, as
        // ripgrep reads them then. (The regex crate reports the error of one it cannot read.)
        Err(_) => {
            let mut chars = pattern.chars();
            while let Some(c) = chars.next() {
                match c {
                    // `\p{Greek}`, `\x{FF}`, `\k<name>`: a name, not letters typed.
                    '\\' => {
                        if let Some('p' | 'P' | 'x' | 'k' | 'g' | 'N') = chars.next() {
                            let rest = chars.as_str();
                            let close = rest.starts_with(['{', '<']).then(|| rest.find(['}', '>'])).flatten();
                            if let Some(close) = close {
                                chars = rest[close + 1..].chars();
                            }
                        }
                    }
                    c if c.is_uppercase() => return true,
                    _ => {}
                }
            }
            false
        }
    }
}

/// Keeps every match within one line, whatever buffer the regex runs over: removes `\n` from every
/// class (`\s`, `[^a]`, ...) so no match can cross a line end, and makes `\A` and `\z` a line's start
/// and end (as `^` and `$` are), as ripgrep reads them; else they would match only where a read
/// buffer or a big file's part happens to start or end. A literal newline in the pattern can never
/// match a line and is refused. With `crlf` (`--crlf`), a `\r` is a line end as well: no class
/// holds it, a literal one is refused, and the anchors see `\r\n` as one line end.
fn within_lines(hir: &Hir, crlf: bool) -> Result<Hir> {
    use hir::Look;
    let (start, end) = if crlf { (Look::StartCRLF, Look::EndCRLF) } else { (Look::StartLF, Look::EndLF) };
    let ends: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    Ok(match hir.kind() {
        HirKind::Look(Look::Start | Look::StartLF | Look::StartCRLF) => Hir::look(start),
        HirKind::Look(Look::End | Look::EndLF | Look::EndCRLF) => Hir::look(end),
        HirKind::Empty | HirKind::Look(_) => hir.clone(),
        HirKind::Literal(hir::Literal(bytes)) => {
            if bytes.contains(&b'\n') {
                bail!(NEWLINE_IN_PATTERN);
            }
            if crlf && bytes.contains(&b'\r') {
                bail!("the pattern contains a literal \\r, but with --crlf it is part of the line end");
            }
            hir.clone()
        }
        HirKind::Class(hir::Class::Unicode(class)) => {
            let mut class = class.clone();
            let ranges =
                ends.iter().map(|&end| hir::ClassUnicodeRange::new(char::from(end), char::from(end)));
            class.difference(&hir::ClassUnicode::new(ranges));
            Hir::class(hir::Class::Unicode(class))
        }
        HirKind::Class(hir::Class::Bytes(class)) => {
            let mut class = class.clone();
            class.difference(&hir::ClassBytes::new(
                ends.iter().map(|&end| hir::ClassBytesRange::new(end, end)),
            ));
            Hir::class(hir::Class::Bytes(class))
        }
        HirKind::Repetition(rep) => {
            Hir::repetition(hir::Repetition { sub: Box::new(within_lines(&rep.sub, crlf)?), ..rep.clone() })
        }
        HirKind::Capture(cap) => {
            Hir::capture(hir::Capture { sub: Box::new(within_lines(&cap.sub, crlf)?), ..cap.clone() })
        }
        HirKind::Concat(subs) => {
            Hir::concat(subs.iter().map(|sub| within_lines(sub, crlf)).collect::<Result<_>>()?)
        }
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.iter().map(|sub| within_lines(sub, crlf)).collect::<Result<_>>()?)
        }
    })
}

/// `hir` with NUL and `\n` swapped wherever it names a byte (`--null-data`).
fn swap_line_ends(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => hir.clone(),
        HirKind::Literal(hir::Literal(bytes)) => {
            let mut bytes = bytes.to_vec();
            crate::search::swap_line_ends(&mut bytes);
            Hir::literal(bytes)
        }
        HirKind::Class(hir::Class::Unicode(class)) => {
            let mut class = class.clone();
            let has = |class: &hir::ClassUnicode, c: char| {
                class.ranges().iter().any(|r| (r.start()..=r.end()).contains(&c))
            };
            if has(&class, '\0') != has(&class, '\n') {
                let both = hir::ClassUnicode::new([
                    hir::ClassUnicodeRange::new('\0', '\0'),
                    hir::ClassUnicodeRange::new('\n', '\n'),
                ]);
                class.symmetric_difference(&both);
            }
            Hir::class(hir::Class::Unicode(class))
        }
        HirKind::Class(hir::Class::Bytes(class)) => {
            let mut class = class.clone();
            let has = |class: &hir::ClassBytes, b: u8| {
                class.ranges().iter().any(|r| (r.start()..=r.end()).contains(&b))
            };
            if has(&class, 0) != has(&class, b'\n') {
                let both = hir::ClassBytes::new([
                    hir::ClassBytesRange::new(0, 0),
                    hir::ClassBytesRange::new(b'\n', b'\n'),
                ]);
                class.symmetric_difference(&both);
            }
            Hir::class(hir::Class::Bytes(class))
        }
        HirKind::Repetition(rep) => {
            Hir::repetition(hir::Repetition { sub: Box::new(swap_line_ends(&rep.sub)), ..rep.clone() })
        }
        HirKind::Capture(cap) => {
            Hir::capture(hir::Capture { sub: Box::new(swap_line_ends(&cap.sub)), ..cap.clone() })
        }
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(swap_line_ends).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(swap_line_ends).collect()),
    }
}

/// Whether a match of `hir` may hold a line end: ripgrep's test of whether `-U` searches a pattern
/// as one that spans lines, where line anchors count as a line end.
fn may_hold_line_end(hir: &Hir) -> bool {
    names_line_end(hir, false)
}

/// Whether `hir` names a line end: a line anchor, or a `\n` (with `crlf`, or a `\r`) in a literal
/// or a class. Where it names none, `within_lines` has nothing to rewrite.
fn names_line_end(hir: &Hir, crlf: bool) -> bool {
    use regex_syntax::hir::Look;
    let ends: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    match hir.kind() {
        HirKind::Empty => false,
        HirKind::Look(look) => matches!(
            look,
            Look::Start | Look::End | Look::StartLF | Look::EndLF | Look::StartCRLF | Look::EndCRLF
        ),
        HirKind::Literal(hir::Literal(bytes)) => bytes.iter().any(|b| ends.contains(b)),
        HirKind::Class(hir::Class::Bytes(class)) => {
            class.ranges().iter().any(|r| ends.iter().any(|end| (r.start()..=r.end()).contains(end)))
        }
        HirKind::Class(hir::Class::Unicode(class)) => class
            .ranges()
            .iter()
            .any(|r| ends.iter().any(|&end| (r.start()..=r.end()).contains(&char::from(end)))),
        HirKind::Repetition(repetition) => names_line_end(&repetition.sub, crlf),
        HirKind::Capture(capture) => names_line_end(&capture.sub, crlf),
        HirKind::Concat(all) | HirKind::Alternation(all) => all.iter().any(|hir| names_line_end(hir, crlf)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_case_looks_only_at_typed_letters() {
        assert!(!has_uppercase_literal(r"foo\W\p{Greek}\S"));
        assert!(has_uppercase_literal("fooBar"));
        assert!(has_uppercase_literal("[A-Z]+_resume"));
        assert!(!has_uppercase_literal("[a-z]+"));
    }

    #[test]
    fn classes_lose_the_newline() {
        let hir = regex_syntax::ParserBuilder::new().multi_line(true).build().parse(r"a\s+b[^x].").unwrap();
        let re = Regex::new(&within_lines(&hir, false).unwrap().to_string()).unwrap();
        assert!(re.is_match(b"a  byz"));
        assert!(!re.is_match(b"a\nbyz"));
        assert!(!re.is_match(b"a b\nz"));
    }

    #[test]
    fn inner_literals_are_found_after_the_start() {
        let candidates = |pattern: &str, ci| Matcher::compile(pattern, ci).unwrap().candidates;
        assert_eq!(candidates(r"\wAh", false).unwrap().as_str(), "Ah");
        assert_eq!(candidates(r"(\w+)\s*=\s*PM_RESUME", false).unwrap().as_str(), "PM_RESUME");
        assert_eq!(candidates(r"\wah", true).unwrap().as_str().split('|').count(), 4);
        // A literal start is left to the regex engine; no literal at all gives nothing.
        assert!(candidates("PM_RESUME", false).is_none());
        assert!(candidates(r"\w{5}\s+\w{5}", false).is_none());
        assert!(candidates("foo|bar", false).is_none());
        // Past 16 case variants, a set that ends where the literal does (`ume`, `uMe`, ...) rather
        // than the beginning of a longer one cut short (`res`, `reſ`, `rES`, ...).
        for pattern in [r"\wresume", r"\wm_resume\w"] {
            let ume = candidates(pattern, true).unwrap();
            assert_eq!(ume.as_str().split('|').count(), 8, "{pattern}: {}", ume.as_str());
            assert!(ume.as_str().split('|').all(|l| l.to_lowercase() == "ume"), "{pattern}");
        }
        // It counts as one byte longer: `sum` (3 bytes) rather than `m_re` cut short (4), but `pm_re`
        // cut short (5) rather than `ume`.
        for (pattern, lowercase, count) in [(r"\wm_resum\d", "sum", 12), (r"\wpm_resume\w", "pm_re", 16)] {
            let set = candidates(pattern, true).unwrap();
            let literals: Vec<&str> = set.as_str().split('|').collect();
            assert_eq!(literals.len(), count, "{pattern}: {}", set.as_str());
            assert!(
                literals.iter().all(|l| l.to_lowercase().replace('ſ', "s") == lowercase),
                "{}",
                set.as_str()
            );
        }
        // Far into a long pattern; and not at all in a long one without any (parsed only: compiling
        // such patterns is slow in a debug build).
        let parsed = |pattern: &str| {
            inner_literals(&regex_syntax::Parser::new().parse(pattern).unwrap(), Start::LeftToTheRegex)
        };
        let far = format!("{}PM_RESUME", r"\d".repeat(5000));
        assert_eq!(parsed(&far).unwrap().as_str(), "PM_RESUME");
        assert!(parsed(&r"\dx".repeat(8000)).is_none());
        // Bytes that are not UTF-8 are looked for as bytes.
        let bytes = candidates(r"\w(?-u:\xFF\xFE)", false).unwrap();
        assert!(bytes.is_match(b"a\xff\xfe") && !bytes.is_match(b"a\xff"));
    }

    /// A repetition of a repetition means what it says: `(?:\d+)?` is optional, not a lazy `\d+`.
    #[test]
    fn repetitions_of_repetitions_keep_their_meaning() {
        for (pattern, line, expected) in [
            (r"x(?:\d+)?y", "xy", Some("xy")),
            (r"x(?:\d+)?y", "x12y", Some("x12y")),
            ("a{2}??", "A", Some("")),
            ("(?:a{2}){3}", "aaaaa", None),
            ("(?:a{2}){3}", "aaaaaa", Some("aaaaaa")),
            ("(a+)?b", "aab", Some("aab")),
        ] {
            for multiline in [false, true] {
                let options = PatternOptions { multiline, ..PatternOptions::default() };
                let matcher = Matcher::new(&[pattern.to_string()], &options).unwrap();
                let found = matcher.pattern.find_at(line.as_bytes(), 0).map(|m| &line.as_bytes()[m]);
                assert_eq!(found, expected.map(str::as_bytes), "{pattern} on {line}, multiline {multiline}");
            }
        }
    }

    #[test]
    fn a_literal_newline_is_refused() {
        let hir = regex_syntax::Parser::new().parse("a\nb").unwrap();
        assert!(within_lines(&hir, false).is_err());
    }
}
