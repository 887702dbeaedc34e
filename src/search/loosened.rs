//! `-P`: a PCRE2 pattern loosened into one the regex crate reads, whose matches take in every match
//! of the original: look-around left out (it only narrows), a backreference `\N` replaced by what
//! group N matches, an atomic group or a possessive repetition made plain. The literals every match
//! of it holds, every match of the original holds: the searchers look for them first, and run PCRE2
//! only on the lines that have one (`(?<=\s)pm_\w+_resume` on the lines with `_resume`, three times
//! as fast in the kernel's drivers).
//!
//! What it cannot read safely (`\Q...\E`, named or relative backreferences, `(?x)`, verbs, branch
//! resets, recursion, what the regex crate reads otherwise, a backreference where case flags
//! change) gives `None`: no literal is looked for first, as before.

use std::ops::Range;

/// What the regex crate reads otherwise than PCRE2, in a way that changes the literals: `\<` and
/// `\>` (word boundaries to the regex crate, characters to PCRE2), `\v` (one character to the
/// regex crate, every vertical space to PCRE2), a `[` or `&&`, `--`, `~~` in a class (nested classes
/// and set operations to the regex crate), and the POSIX classes (ASCII to the regex crate, Unicode
/// to PCRE2).
const READ_OTHERWISE: &[&str] = &[r"\<", r"\>", r"\v", "[[", "&&", "--", "~~", "[:"];

/// The loosened pattern, or `None`.
pub(crate) fn loosened(pattern: &str) -> Option<String> {
    if READ_OTHERWISE.iter().any(|unlike| pattern.contains(unlike)) {
        return None;
    }
    let groups = groups(pattern)?;
    let mut out = String::with_capacity(pattern.len());
    emit(pattern, 0..pattern.len(), &groups, &mut Vec::new(), &mut out)?;
    Some(out)
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Numbered (named or not).
    Capture,
    /// `(?:`, `(?i)`, `(?i:`...
    Plain,
    /// `(?=`, `(?!`, `(?<=`, `(?<!`.
    LookAround,
    /// `(?>`.
    Atomic,
}

struct Group {
    kind: Kind,
    /// From its `(` to its `)`, both included.
    span: Range<usize>,
    /// Where what it holds starts (after `(`, `(?:`, `(?<name>`...).
    body: usize,
}

/// The groups of `pattern`, in the order their `(` comes; `None` for what is not read here.
fn groups(pattern: &str) -> Option<Vec<Group>> {
    let bytes = pattern.as_bytes();
    let mut groups: Vec<Group> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    // A backreference read as its group matches what the group matches, not what it matched: in
    // `(?i)(a)(?-i)\1` the group matches `A`, its copy only `a`.
    let (mut backreferences, mut case_flags) = (false, false);
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => {
                match bytes.get(at + 1) {
                    Some(b'Q' | b'E') => return None,
                    Some(b'1'..=b'9') => backreferences = true,
                    _ => {}
                }
                at += 2;
                continue;
            }
            b'[' => {
                at = class_end(bytes, at)?;
                continue;
            }
            b'(' => {
                let rest = &pattern[at + 1..];
                let (kind, head) = if rest.starts_with("?:") {
                    (Kind::Plain, 3)
                } else if rest.starts_with("?=") || rest.starts_with("?!") {
                    (Kind::LookAround, 3)
                } else if rest.starts_with("?<=") || rest.starts_with("?<!") {
                    (Kind::LookAround, 4)
                } else if rest.starts_with("?>") {
                    (Kind::Atomic, 3)
                } else if let Some(name) = rest.strip_prefix("?P<").or_else(|| rest.strip_prefix("?<")) {
                    let len = name.find('>')?;
                    (Kind::Capture, rest.len() - name.len() + len + 2)
                } else if let Some(flags) = rest.strip_prefix('?') {
                    // Inline flags, `(?i)` or `(?i:`: plain, but for those read otherwise here.
                    let len = flags.find([')', ':'])?;
                    let whole_pattern = at == 0 && flags.as_bytes()[len] == b')';
                    let flags = &flags[..len];
                    if !flags.bytes().all(|b| b"imsU-".contains(&b)) {
                        return None;
                    }
                    // (A leading `(?i)` holds for the whole pattern: group and copy alike.)
                    case_flags |= flags.contains('i') && !whole_pattern;
                    (Kind::Plain, len + 3)
                } else if rest.starts_with('*') {
                    return None;
                } else {
                    (Kind::Capture, 1)
                };
                open.push(groups.len());
                groups.push(Group { kind, span: at..at, body: at + head });
            }
            b')' => {
                let group = open.pop()?;
                groups[group].span.end = at + 1;
            }
            _ => {}
        }
        at += 1;
    }
    (open.is_empty() && !(backreferences && case_flags)).then_some(groups)
}

/// Where the class that opens at `bytes[start]` (`[`) ends: just after its `]`.
fn class_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    if bytes.get(at) == Some(&b'^') {
        at += 1;
    }
    // A `]` first is a literal one.
    if bytes.get(at) == Some(&b']') {
        at += 1;
    }
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'[' if bytes.get(at + 1) == Some(&b':') => {
                let close = bytes[at + 2..].windows(2).position(|w| w == b":]")?;
                at += close + 4;
            }
            b']' => return Some(at + 1),
            _ => at += 1,
        }
    }
    None
}

/// Writes `pattern[range]` loosened into `out`. `copying`: the groups whose text is being written
/// for a backreference (one to itself is recursion, not read here).
fn emit(
    pattern: &str,
    range: Range<usize>,
    groups: &[Group],
    copying: &mut Vec<usize>,
    out: &mut String,
) -> Option<()> {
    let bytes = pattern.as_bytes();
    let mut at = range.start;
    while at < range.end {
        match bytes[at] {
            b'\\' => {
                let next = *bytes.get(at + 1)?;
                if next.is_ascii_digit() && next != b'0' {
                    if bytes.get(at + 2).is_some_and(u8::is_ascii_digit) {
                        return None;
                    }
                    let number = usize::from(next - b'0');
                    let index =
                        groups.iter().enumerate().filter(|(_, g)| g.kind == Kind::Capture).nth(number - 1)?.0;
                    if copying.contains(&index) {
                        return None;
                    }
                    let group = &groups[index];
                    copying.push(index);
                    out.push_str("(?:");
                    emit(pattern, group.body..group.span.end - 1, groups, copying, out)?;
                    out.push(')');
                    copying.pop();
                } else if matches!(next, b'g' | b'k') {
                    return None;
                } else {
                    let len = pattern[at + 1..].chars().next()?.len_utf8();
                    out.push_str(&pattern[at..at + 1 + len]);
                    at += len - 1;
                }
                at += 2;
            }
            b'[' => {
                let end = class_end(bytes, at)?;
                out.push_str(&pattern[at..end]);
                at = end;
            }
            b'(' => {
                let group = groups.iter().find(|g| g.span.start == at)?;
                match group.kind {
                    Kind::LookAround => {
                        at = group.span.end;
                        continue;
                    }
                    Kind::Atomic => out.push_str("(?:"),
                    Kind::Capture | Kind::Plain => out.push_str(&pattern[at..group.body]),
                }
                at = group.body;
            }
            // A possessive repetition (`a++`, `a?+`, `a{2}+`) matches what the plain one matches.
            b'+' if at > range.start
                && matches!(bytes[at - 1], b'+' | b'*' | b'?' | b'}')
                && !escaped(bytes, at - 1) =>
            {
                at += 1;
            }
            _ => {
                let len = pattern[at..].chars().next()?.len_utf8();
                out.push_str(&pattern[at..at + len]);
                at += len;
            }
        }
    }
    Some(())
}

/// Whether `bytes[at]` is escaped by the backslashes before it.
fn escaped(bytes: &[u8], at: usize) -> bool {
    bytes[..at].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_around_goes_and_backreferences_become_their_groups() {
        assert_eq!(loosened(r"(\w+)_\1").as_deref(), Some(r"(\w+)_(?:\w+)"));
        assert_eq!(loosened(r"PM_RESUME(?=_)").as_deref(), Some("PM_RESUME"));
        assert_eq!(loosened(r"(?<=the )cat(?!s)").as_deref(), Some("cat"));
        assert_eq!(loosened(r"(?<q>['\x22])(.*?)\1").as_deref(), Some(r#"(?<q>['\x22])(.*?)(?:['\x22])"#));
        assert_eq!(loosened(r"(a)(b\1)\2").as_deref(), Some(r"(a)(b(?:a))(?:b(?:a))"));
        assert_eq!(loosened(r"(?>a+)b++c").as_deref(), Some(r"(?:a+)b+c"));
        assert_eq!(loosened(r"[(\1]\+\+x").as_deref(), Some(r"[(\1]\+\+x"));
        assert_eq!(loosened(r"(?i)(x)\1").as_deref(), Some(r"(?i)(x)(?:x)"));
        assert_eq!(loosened(r"[]()](\w)\1").as_deref(), Some(r"[]()](\w)(?:\w)"));
    }

    #[test]
    fn what_is_not_read_here_gives_nothing() {
        for pattern in [
            r"\Qa(b\E",
            r"(a)\k<x>",
            r"(a)\g1",
            r"(a)\10",
            r"(?x) a \1",
            r"(*UTF)a",
            r"(?|a)",
            r"(a\1)",
            r"(a",
            r"a)",
            r"(?R)",
        ] {
            assert_eq!(loosened(pattern), None, "{pattern}");
        }
    }
}

#[cfg(test)]
mod superset {
    use proptest::prelude::*;

    use crate::search::matcher::{EngineChoice, Matcher, PatternOptions};

    /// Pieces of `-P` patterns: look-around, backreferences, atomic groups and possessive
    /// repetitions among literals and classes.
    const PIECES: &[&str] = &[
        "ab", "_", r"\w+", r"\s", "(?=_)", "(?!x)", "(?<=a)", "(?<!b)", "(?>a+)", "x++", r"\d?+", "(?i)",
        "[_x]", ".", "c",
    ];

    /// Lines made of what the pieces match, and then some.
    const TEXT: &[&str] = &["ab", "_", "x", "a", "b", "c", "AB", "1", " ", "ab_ab", "xx", "é"];

    fn pattern() -> impl Strategy<Value = String> {
        let pieces = prop::collection::vec(prop::sample::select(PIECES), 1..5);
        (pieces, 0..3usize).prop_map(|(pieces, backref)| {
            // One capture group around the first piece, referred to later (or not).
            let mut pattern = format!("({})", pieces[0]);
            for piece in &pieces[1..] {
                pattern.push_str(piece);
            }
            if backref > 0 {
                pattern.push_str(r"\1");
            }
            if backref > 1 {
                pattern.push('_');
            }
            pattern
        })
    }

    #[test]
    fn the_literals_of_the_loosened_pattern_are_looked_for_first() {
        let options = PatternOptions { engine: EngineChoice::Pcre2, ..PatternOptions::default() };
        let candidates = |pattern: &str| {
            let matcher = Matcher::new(&[pattern.to_string()], &options).unwrap();
            matcher.candidates.map(|regex| regex.as_str().to_string())
        };
        assert_eq!(candidates(r"(?<=\s)pm_\w+_resume").as_deref(), Some("_resume"));
        assert_eq!(candidates(r"\w+(?=_)PM_RESUME").as_deref(), Some("PM_RESUME"));
        assert_eq!(candidates(r"(?<=\s)x(\d)yz\1").as_deref(), Some("yz"));
        // PCRE2 runs a line at a time: a literal it starts with is looked for first too.
        assert_eq!(candidates(r"PM_RESUME(?=_)").as_deref(), Some("PM_RESUME"));
        assert_eq!(candidates(r"foo(?!x)|bar\b").as_deref(), Some("foo|bar"));
        // What the two engines read otherwise gives no literal (each of these matches a line
        // without the literal the regex crate would read in it).
        for unlike in [
            r"(?i)(a)(?-i)\1x",
            r"(?i:(ab))\1",
            r"x[[a]b]",
            r"[a&&b]x|PM_RESUME",
            r"x[[:blank:]]y",
            r"x[[:digit:]]",
            r"x\<y",
            r"x\>y",
            r"x\vy",
            r"x [[:<:]]a",
        ] {
            assert_eq!(candidates(unlike), None, "{unlike}");
        }
        // One byte is not worth looking for first.
        assert_eq!(candidates(r"(\w+)_\1"), None);
        assert_eq!(candidates(r"(?<x>a)\w+\k<x>"), None);
    }

    proptest! {
        /// Every line PCRE2 finds a match in holds one of the literals looked for first.
        #[test]
        fn a_line_that_matches_holds_a_literal_looked_for(
            pattern in pattern(),
            lines in prop::collection::vec(prop::collection::vec(prop::sample::select(TEXT), 0..8), 1..20),
        ) {
            let options = PatternOptions { engine: EngineChoice::Pcre2, ..PatternOptions::default() };
            let Ok(matcher) = Matcher::new(std::slice::from_ref(&pattern), &options) else { return Ok(()) };
            let Some(candidates) = &matcher.candidates else { return Ok(()) };
            for line in lines {
                let line = line.concat();
                if matcher.is_match(line.as_bytes()) {
                    prop_assert!(candidates.is_match(line.as_bytes()), "{pattern} on {line:?}: {candidates}");
                }
            }
        }
    }
}
