//! Escaping of what reaches a person's terminal: file contents and file names are data, and data
//! must not drive the terminal (colours, titles, cursor moves) or hide what it says (bidirectional
//! overrides that reorder text, zero-width characters that make two names look alike).

use std::borrow::Cow;
use std::path::Path;

/// A path for a person to read: lossy UTF-8, with control characters escaped as `\x1B` and
/// bidirectional overrides and zero-width characters as `\u{202E}`.
pub(crate) fn printable_path(path: &Path) -> Cow<'_, str> {
    match path.to_string_lossy() {
        Cow::Borrowed(text) => printable(text),
        Cow::Owned(text) => Cow::Owned(printable(&text).into_owned()),
    }
}

/// Text for a person to read, escaped as [`printable_path`] escapes a name: what ba says on stderr
/// quotes names, globs and patterns that may hold anything.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|ch| is_control(ch) || is_invisible(ch)) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        if is_invisible(ch) {
            escaped.push_str(&format!("\\u{{{:04X}}}", u32::from(ch)));
        } else {
            push_char(&mut escaped, ch);
        }
    }
    Cow::Owned(escaped)
}

/// Appends `bytes` (invalid UTF-8 as U+FFFD) with control characters escaped.
pub(crate) fn push_escaped(out: &mut String, bytes: &[u8]) {
    for (_, ch) in chars_with_offsets(bytes, 0) {
        push_char(out, ch);
    }
}

/// Appends `ch`, escaped if it is a control character other than a tab.
pub(crate) fn push_char(out: &mut String, ch: char) {
    if is_control(ch) {
        out.push_str(&format!("\\x{:02X}", u32::from(ch)));
    } else {
        out.push(ch);
    }
}

/// How many columns `ch` takes on a terminal once [`push_char`] has written it: two for wide CJK
/// and emoji, none for combining marks, four for an escaped control, and for a tab the most it can
/// take (eight), so that a line measured with it never turns out wider.
pub(crate) fn display_width(ch: char) -> usize {
    if ch == '\t' {
        8
    } else if is_control(ch) {
        4
    } else {
        unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0)
    }
}

/// The characters of `bytes` (invalid UTF-8 as U+FFFD) with their byte offsets, counted from `base`.
pub(crate) fn chars_with_offsets(bytes: &[u8], base: usize) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut offset = base;
    bytes.utf8_chunks().flat_map(move |chunk| {
        let valid_at = offset;
        let invalid_at = offset + chunk.valid().len();
        offset = invalid_at + chunk.invalid().len();
        let valid = chunk.valid().char_indices().map(move |(i, c)| (valid_at + i, c));
        let invalid = (!chunk.invalid().is_empty()).then_some((invalid_at, char::REPLACEMENT_CHARACTER));
        valid.chain(invalid)
    })
}

/// C0 and C1 controls and DEL; a tab is shown as itself.
fn is_control(ch: char) -> bool {
    ch.is_control() && ch != '\t'
}

/// Characters that reorder or hide text: the bidirectional embeddings, overrides, isolates and
/// marks, and the zero-width space, joiners and byte-order mark.
fn is_invisible(ch: char) -> bool {
    matches!(ch, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_follow_bytes_through_invalid_utf8() {
        let got: Vec<_> = chars_with_offsets(b"a\xffb\xc3\xa9", 10).collect();
        assert_eq!(got, vec![(10, 'a'), (11, '\u{FFFD}'), (12, 'b'), (13, 'é')]);
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut s = String::new();
        push_escaped(&mut s, b"a\x1b[31m\tb\x7f\xc2\x85");
        assert_eq!(s, "a\\x1B[31m\tb\\x7F\\x85");
    }

    #[test]
    fn widths_are_what_the_terminal_shows() {
        let width = |text: &str| text.chars().map(display_width).sum::<usize>();
        assert_eq!(width("abc"), 3);
        assert_eq!(width("日本"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("\x1b"), "\\x1B".len());
    }

    #[test]
    fn names_lose_their_controls_and_invisible_characters() {
        let shown = |name: &str| printable_path(Path::new(name)).into_owned();
        assert_eq!(shown("plain/é.rs"), "plain/é.rs");
        assert_eq!(shown("a\tb\x1b]0;T\x07"), "a\tb\\x1B]0;T\\x07");
        // "evil\u{202E}txt.exe" shows as "evilexe.txt" on a terminal that honours the override.
        assert_eq!(shown("evil\u{202E}txt.exe"), "evil\\u{202E}txt.exe");
        assert_eq!(shown("a\u{200B}b\u{FEFF}"), "a\\u{200B}b\\u{FEFF}");
    }
}
