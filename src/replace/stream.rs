//! One pass over a file to rewrite: the file is read a block of whole lines at a time, each matching
//! line is replaced as it comes, and what the pass finds is handed on piece by piece (unchanged
//! bytes, then a matching line with its new text, ...), so that memory does not grow with the file.
//! Writing the new content, showing the changed lines and the diff are each such a pass.

use std::io::{self, Read};
use std::ops::Range;

use memchr::{memchr, memrchr};

use crate::pipeline::LineDigest;
use crate::search::engine::{count_newlines, Engine};
use crate::search::matcher::Matcher;
use crate::search::pattern::Groups;

use super::Template;

/// How much a pass reads at a time; a block grows to hold a longer line.
const BLOCK: usize = 256 << 10;

/// A piece of the file, in order: the pieces of a pass are the whole file.
pub(crate) enum Piece<'p> {
    /// The UTF-8 byte-order mark a file starts with: kept as it is, and no part of the first line as
    /// the search reads it, though a diff shows it on that line, as the file has it.
    Bom(&'p [u8]),
    /// Bytes no replacement touches: whole lines, each with its line end (the file's last line may
    /// have none).
    Kept(&'p [u8]),
    /// A matching line.
    Line(&'p MatchingLine<'p>),
}

/// A matching line, its line end and what it becomes.
pub(crate) struct MatchingLine<'p> {
    pub(crate) number: u64,
    /// The line without its line end.
    pub(crate) old: &'p [u8],
    /// `\n`, `\r\n`, or nothing for a last line without a newline: never part of what is replaced.
    pub(crate) end: &'p [u8],
    /// What the line becomes, without its line end (which stays as it was).
    pub(crate) new: &'p [u8],
    /// Each match: where it was in `old` and what replaced it, in `new`.
    pub(crate) swaps: &'p [(Range<usize>, Range<usize>)],
}

impl MatchingLine<'_> {
    pub(crate) fn changed(&self) -> bool {
        self.old != self.new
    }
}

/// What a pass found.
pub(crate) struct Pass {
    /// The digest of the matching lines and their numbers, to compare with what the searcher found.
    pub(crate) matched: u64,
    pub(crate) replacements: u64,
    /// Lines the replacement changes.
    pub(crate) changed: u64,
    /// Lines in the file.
    pub(crate) lines: u64,
    /// The hash of the content read.
    pub(crate) content: blake3::Hash,
}

/// Why a pass stopped.
pub(crate) enum Stop {
    /// A NUL byte: the file is binary and never written.
    Binary,
    /// The file could not be read.
    Read(io::Error),
    /// What the pieces were handed to failed.
    Taken(io::Error),
}

/// The buffers a pass works in, kept from one file to the next.
#[derive(Default)]
pub(crate) struct Scratch {
    block: Vec<u8>,
    new: Vec<u8>,
    swaps: Vec<(Range<usize>, Range<usize>)>,
}

/// Reads `reader` to its end and hands `take` every piece of it. The regex sees each line as the
/// search does (a CRLF line's `\r` included), but a line's end is never part of what is replaced: a
/// match reaching into the `\r` stops before it, and one that starts at the `\r` or after it stands
/// for the line's end: an empty match before the `\r` where the line without it has one there (`$`),
/// else no match (`\W` finding the `\r`).
pub(crate) fn pass(
    matcher: &Matcher,
    template: &Template,
    reader: &mut impl Read,
    scratch: &mut Scratch,
    mut take: impl FnMut(Piece) -> io::Result<()>,
) -> Result<Pass, Stop> {
    let engine = Engine { binary_as_text: true, count_lines: false, ..Engine::new(matcher) };
    let Scratch { block, new, swaps } = scratch;
    // A very long line grew the block for the file before: give the memory back.
    if block.len() != BLOCK {
        *block = vec![0; BLOCK];
    }
    let no_hash = blake3::Hash::from([0; 32]);
    let mut pass = Pass { matched: 0, replacements: 0, changed: 0, lines: 0, content: no_hash };
    let mut matched = LineDigest::default();
    let mut content = blake3::Hasher::new();
    let mut filled = 0;
    let mut last_byte = None;
    loop {
        if filled == block.len() {
            block.resize(block.len() * 2, 0);
        }
        let n = match reader.read(&mut block[filled..]) {
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(Stop::Read(err)),
        };
        // Checked as read: NUL bytes with no newline after them would otherwise be held until one
        // came.
        if memchr(0, &block[filled..filled + n]).is_some() {
            return Err(Stop::Binary);
        }
        filled += n;
        let done = n == 0;
        // Whole lines only, until the end of the file.
        let end = match memrchr(b'\n', &block[..filled]) {
            _ if done => filled,
            Some(i) => i + 1,
            None => continue,
        };
        let region = &block[..end];
        content.update(region);
        // A UTF-8 byte-order mark is not part of the first line, as the search reads it: kept as
        // it is, never matched or replaced.
        let bom = if last_byte.is_none() && region.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        if bom > 0 {
            take(Piece::Bom(&region[..bom])).map_err(Stop::Taken)?;
        }
        let mut kept = bom;
        for (number, range) in engine.matching_lines(&region[bom..]) {
            let range = bom + range.start..bom + range.end;
            let number = pass.lines + number;
            matched.add(number, &region[range.clone()]);
            let body = replace_in_line(matcher, template, region, range.clone(), new, swaps);
            let line_end = body.end..(range.end + 1).min(region.len());
            if kept < range.start {
                take(Piece::Kept(&region[kept..range.start])).map_err(Stop::Taken)?;
            }
            let line = MatchingLine {
                number,
                old: &region[body.clone()],
                end: &region[line_end.clone()],
                new: &new[..],
                swaps: &swaps[..],
            };
            pass.replacements += swaps.len() as u64;
            pass.changed += u64::from(line.changed());
            take(Piece::Line(&line)).map_err(Stop::Taken)?;
            kept = line_end.end;
        }
        if kept < region.len() {
            take(Piece::Kept(&region[kept..])).map_err(Stop::Taken)?;
        }
        pass.lines += count_newlines(region);
        if let Some(&last) = region.last() {
            last_byte = Some(last);
        }
        if done {
            // A last line without a newline is a line too.
            pass.lines += u64::from(last_byte.is_some_and(|b| b != b'\n'));
            pass.matched = matched.finish();
            pass.content = content.finalize();
            return Ok(pass);
        }
        block.copy_within(end..filled, 0);
        filled -= end;
    }
}

/// Replaces the matches of the line `region[range]` (without its `\n`): what its body (the line
/// without a CRLF's `\r`) becomes goes to `new`, each match and its replacement to `swaps`. Returns
/// the body's range.
fn replace_in_line(
    matcher: &Matcher,
    template: &Template,
    region: &[u8],
    range: Range<usize>,
    new: &mut Vec<u8>,
    swaps: &mut Vec<(Range<usize>, Range<usize>)>,
) -> Range<usize> {
    let crlf = region[range.clone()].ends_with(b"\r") && range.end < region.len();
    let body = range.start..range.end - usize::from(crlf);
    new.clear();
    swaps.clear();
    let mut copied = body.start;
    // A match the search finds at a CRLF line's `\r` or after it is in the line end.
    let mut at_line_end = false;
    let mut ended_at_body_end = false;
    let line = &region[range.clone()];
    matcher.for_each_captures(line, &mut |groups| {
        let m = groups.whole();
        if crlf && range.start + m.start >= body.end {
            at_line_end = true;
            return true;
        }
        let start = range.start + m.start;
        let end = (range.start + m.end).min(body.end);
        new.extend_from_slice(&region[copied..start]);
        let replaced_at = new.len();
        template.expand(groups, line, new);
        swaps.push((start - body.start..end - body.start, replaced_at..new.len()));
        copied = end;
        ended_at_body_end = end == body.end;
        true
    });
    // Such a match is an empty one before the `\r` where the line without its `\r` has one there
    // (`$`, `\z`), else none (`\W` finding the `\r`); none right after a match, as the regex finds
    // none there.
    if at_line_end && !ended_at_body_end {
        let text = &region[body.clone()];
        let mut groups = Groups::default();
        if matcher.captures_at(text, text.len(), &mut groups) {
            new.extend_from_slice(&region[copied..body.end]);
            let replaced_at = new.len();
            template.expand(&groups, text, new);
            swaps.push((text.len()..text.len(), replaced_at..new.len()));
            copied = body.end;
        }
    }
    new.extend_from_slice(&region[copied..body.end]);
    body
}
