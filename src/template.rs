//! Replacement templates, for `-r` and `--output-replace`.

use anyhow::{bail, Result};
use regex::bytes::{Captures, Regex};

/// The parsed replacement text: pieces of literal bytes and capture groups.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Template {
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Literal(Vec<u8>),
    Group(usize),
}

impl Template {
    /// Reads `$1`, `${name}`, `$0` and `$$` (a dollar), and Black Arrow's Python forms `\1`,
    /// `\g<1>`, `\g<name>`, `\\`, `\n` and `\t`. A group the pattern does not have is an error.
    pub(crate) fn parse(text: &str, regex: &Regex) -> Result<Template> {
        let names: Vec<Option<&str>> = regex.capture_names().collect();
        let group = |name: &str| -> Result<usize> {
            let index = match name.parse::<usize>() {
                Ok(index) => Some(index).filter(|&i| i < names.len()),
                Err(_) => names.iter().position(|n| *n == Some(name)),
            };
            match index {
                Some(index) => Ok(index),
                None => bail!("the replacement refers to group {name:?}, which the pattern does not have"),
            }
        };
        let mut pieces = Vec::new();
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
                pieces.push(Piece::Literal(std::mem::take(&mut literal)));
            }
            pieces.push(Piece::Group(group(reference)?));
            rest = next;
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(literal));
        }
        Ok(Template { pieces })
    }

    pub(crate) fn expand(&self, caps: &Captures, out: &mut Vec<u8>) {
        for piece in &self.pieces {
            match piece {
                Piece::Literal(bytes) => out.extend_from_slice(bytes),
                Piece::Group(i) => out.extend_from_slice(caps.get(*i).map_or(&b""[..], |m| m.as_bytes())),
            }
        }
    }
}
