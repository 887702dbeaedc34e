//! Replacement templates, for `-r` and `--output-replace`.

use crate::search::matcher::Matcher;
use crate::search::pattern::Groups;
use anyhow::{bail, Result};

/// The parsed replacement text: parts of literal bytes and capture groups.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Template {
    parts: Vec<Part>,
    /// `--preserve-case`: each replacement takes the case of the text it replaces.
    preserve_case: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Part {
    Literal(Vec<u8>),
    Group(usize),
}

impl Template {
    /// Reads `$1`, `${name}`, `$0` and `$$` (a dollar), and Black Arrow's Python forms `\1`,
    /// `\g<1>`, `\g<name>`, `\\`, `\n` and `\t`. A group the pattern does not have is an error.
    pub(crate) fn parse(text: &str, matcher: &Matcher) -> Result<Template> {
        let names = matcher.pattern.group_names();
        let group = |name: &str| -> Result<usize> {
            let index = match name.parse::<usize>() {
                Ok(index) => Some(index).filter(|&i| i < names.len()),
                Err(_) => names.iter().position(|n| n.as_deref() == Some(name)),
            };
            match index {
                Some(index) => Ok(index),
                None => bail!("the replacement refers to group {name:?}, which the pattern does not have"),
            }
        };
        let mut parts = Vec::new();
        let mut literal = Vec::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let after = &rest[c.len_utf8()..];
            let (reference, next) = match (c, after.chars().next()) {
                ('$', Some('$')) => {
                    literal.push(b'$');
                    rest = &after[1..];
                    continue;
                }
                ('$', Some('{')) => match after.find('}') {
                    Some(end) => (&after[1..end], &after[end + 1..]),
                    None => bail!("unclosed ${{ in the replacement"),
                },
                ('$', Some(n)) if n.is_ascii_alphanumeric() || n == '_' => {
                    let end =
                        after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
                ('\\', Some(d)) if d.is_ascii_digit() => {
                    let end = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
                ('\\', Some('g')) if after[1..].starts_with('<') => match after.find('>') {
                    Some(end) => (&after[2..end], &after[end + 1..]),
                    None => bail!("unclosed \\g< in the replacement"),
                },
                ('\\', Some(escaped @ ('\\' | 'n' | 't'))) => {
                    literal.push(match escaped {
                        'n' => b'\n',
                        't' => b'\t',
                        _ => b'\\',
                    });
                    rest = &after[1..];
                    continue;
                }
                _ => {
                    literal.extend_from_slice(&rest.as_bytes()[..c.len_utf8()]);
                    rest = after;
                    continue;
                }
            };
            if !literal.is_empty() {
                parts.push(Part::Literal(std::mem::take(&mut literal)));
            }
            parts.push(Part::Group(group(reference)?));
            rest = next;
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(Template { parts, preserve_case: false })
    }

    /// The template written back as plain text, `$$` for a dollar, `\\` for a backslash and `${N}`
    /// for a group: it parses to the same template.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn source(&self) -> String {
        let mut source = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(bytes) => {
                    source.push_str(&String::from_utf8_lossy(bytes).replace('$', "$$").replace('\\', "\\\\"))
                }
                Part::Group(i) => source.push_str(&format!("${{{i}}}")),
            }
        }
        source
    }

    pub(crate) fn preserving_case(self, preserve_case: bool) -> Template {
        Template { preserve_case, ..self }
    }

    /// Appends what replaces the match whose groups in `haystack` are `groups`.
    pub(crate) fn expand(&self, groups: &Groups, haystack: &[u8], out: &mut Vec<u8>) {
        let start = out.len();
        for part in &self.parts {
            match part {
                Part::Literal(bytes) => out.extend_from_slice(bytes),
                Part::Group(i) => out.extend_from_slice(groups.get(*i).map_or(&b""[..], |m| &haystack[m])),
            }
        }
        if self.preserve_case {
            take_case(&haystack[groups.whole()], out, start);
        }
    }
}

/// The case of a match, as `--preserve-case` carries it over to its replacement.
#[derive(Debug, PartialEq)]
enum CaseShape {
    Lower,
    Upper,
    Capitalised,
    /// No cased letter, or a mix: the replacement stays as typed.
    Other,
}

/// A letter with a case of its own between lower and upper: the titlecase digraphs (`ǅ`, `ǈ`,
/// `ǋ`, `ǲ`) and the Greek capitals with a prosgegrammeni (`ᾈ`), which begin a capitalised word.
fn is_titlecase(c: char) -> bool {
    !c.is_lowercase() && !c.is_uppercase() && c.to_lowercase().ne(std::iter::once(c))
}

fn case_shape(text: &str) -> CaseShape {
    let mut cased = text.chars().filter(|&c| c.is_lowercase() || c.is_uppercase() || is_titlecase(c));
    let Some(first) = cased.next() else { return CaseShape::Other };
    let (mut lower, mut upper) = (true, true);
    for c in cased {
        lower &= c.is_lowercase();
        upper &= c.is_uppercase();
    }
    match first {
        _ if first.is_lowercase() && lower => CaseShape::Lower,
        _ if first.is_uppercase() && upper => CaseShape::Upper,
        // `AbC` is neither: it keeps the replacement as typed.
        _ if (first.is_uppercase() || is_titlecase(first)) && lower => CaseShape::Capitalised,
        _ => CaseShape::Other,
    }
}

/// The titlecase form of `c`, which starts a capitalised word: `ǆ` -> `ǅ` where the uppercase form
/// is `Ǆ`, `ß` -> `Ss` where it is `SS`. The standard library knows only uppercase.
fn push_titlecase(c: char, out: &mut String) {
    let title = match c {
        'Ǆ' | 'ǅ' | 'ǆ' => "ǅ",
        'Ǉ' | 'ǈ' | 'ǉ' => "ǈ",
        'Ǌ' | 'ǋ' | 'ǌ' => "ǋ",
        'Ǳ' | 'ǲ' | 'ǳ' => "ǲ",
        'ß' => "Ss",
        'ﬀ' => "Ff",
        'ﬁ' => "Fi",
        'ﬂ' => "Fl",
        'ﬃ' => "Ffi",
        'ﬄ' => "Ffl",
        'ﬅ' | 'ﬆ' => "St",
        'և' => "Եւ",
        // The Greek letters with a ypogegrammeni take a prosgegrammeni: `ᾳ` -> `ᾼ`, not `ΑΙ`.
        '\u{1F80}'..='\u{1F87}' | '\u{1F90}'..='\u{1F97}' | '\u{1FA0}'..='\u{1FA7}' => {
            out.push(char::from_u32(c as u32 + 8).unwrap_or(c));
            return;
        }
        'ᾳ' => "ᾼ",
        'ῃ' => "ῌ",
        'ῳ' => "ῼ",
        _ if is_titlecase(c) => {
            out.push(c);
            return;
        }
        _ => {
            out.extend(c.to_uppercase());
            return;
        }
    };
    out.push_str(title);
}

/// Gives `out[start..]`, the replacement of `matched`, the case of `matched`: all lowercase, all
/// uppercase, or a capital first letter (as VS Code's preserve case does). Bytes that are not UTF-8
/// are mapped as ASCII. Whole strings are mapped, so that a Greek sigma ending a word becomes `ς`.
fn take_case(matched: &[u8], out: &mut Vec<u8>, start: usize) {
    let shape = case_shape(&String::from_utf8_lossy(matched));
    let replacement = &mut out[start..];
    let mapped = match (std::str::from_utf8(replacement), &shape) {
        (_, CaseShape::Other) => return,
        (Ok(text), CaseShape::Lower) => text.to_lowercase(),
        (Ok(text), CaseShape::Upper) => text.to_uppercase(),
        (Ok(text), CaseShape::Capitalised) => {
            let mut chars = text.chars();
            let mut mapped = String::with_capacity(text.len() + 2);
            if let Some(first) = chars.next() {
                push_titlecase(first, &mut mapped);
            }
            mapped.push_str(chars.as_str());
            mapped
        }
        (Err(_), CaseShape::Lower) => return replacement.make_ascii_lowercase(),
        (Err(_), CaseShape::Upper) => return replacement.make_ascii_uppercase(),
        (Err(_), CaseShape::Capitalised) => {
            if let Some(first) = replacement.first_mut() {
                first.make_ascii_uppercase();
            }
            return;
        }
    };
    out.truncate(start);
    out.extend_from_slice(mapped.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_case_of_a_match_is_lower_upper_capitalised_or_other() {
        assert_eq!(case_shape("ÉTÉ"), CaseShape::Upper);
        assert_eq!(case_shape("Été"), CaseShape::Capitalised);
        assert_eq!(case_shape("42_"), CaseShape::Other);
        assert_eq!(case_shape("aB"), CaseShape::Other);
        assert_eq!(case_shape("AbC"), CaseShape::Other);
        assert_eq!(case_shape("ǅungla"), CaseShape::Capitalised);
        assert_eq!(case_shape("ǄUNGLA"), CaseShape::Upper);
        assert_eq!(case_shape("ǆungla"), CaseShape::Lower);
        assert_eq!(case_shape("ΟΔΟΣ"), CaseShape::Upper);
        assert_eq!(case_shape("οδος"), CaseShape::Lower);
        let mut out = b"x\xffy".to_vec();
        take_case(b"AB", &mut out, 0);
        assert_eq!(out, b"X\xffY");
    }

    fn cased(matched: &str, replacement: &str) -> String {
        let mut out = replacement.as_bytes().to_vec();
        take_case(matched.as_bytes(), &mut out, 0);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_replacement_takes_the_shape_of_the_match() {
        assert_eq!(cased("AbC", "xyz"), "xyz", "a mixed case is kept as typed");
        assert_eq!(cased("Colour", "color"), "Color");
        // A capitalised match whose replacement starts with a digraph gets its titlecase form.
        assert_eq!(cased("Word", "ǆungla"), "ǅungla");
        assert_eq!(cased("WORD", "ǆungla"), "ǄUNGLA");
        assert_eq!(cased("Word", "ßtraße"), "Sstraße");
        assert_eq!(cased("ǅungla", "ǉ"), "ǈ");
        // A word-final capital sigma becomes a final sigma in lowercase, a medial one does not.
        assert_eq!(cased("οδος", "ΣΟΦΟΣ"), "σοφος");
        assert_eq!(cased("ΟΔΟΣ", "σοφος"), "ΣΟΦΟΣ");
        assert_eq!(cased("Οδος", "ᾳδη"), "ᾼδη");
    }
}
