//! `-r/--replace`: rewrite the matches of the files the search printed hits for, safely.
//!
//! A file is re-read and checked against what the searcher saw, rewritten in memory, written to a
//! temporary file beside it (`.ba-replace-*`), flushed, synced, given the original's permissions and
//! owner, and renamed over the original: at any moment the file is wholly old or wholly new. Files
//! that are binary, read-only, symbolic links (without `--follow`), hard-linked (without
//! `--force-hardlinks`), outside the roots, or changed since they were searched are not written.

mod diff;

use std::collections::HashSet;
use std::fs::{self, File, Metadata};
use std::io::{self, BufRead, Read, Write};
use std::ops::Range;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use memchr::memchr;
use regex::bytes::{Captures, Regex};

use crate::config::Config;
use crate::engine::Engine;
use crate::format::{Formatter, Spans};
use crate::interrupt;
use crate::matcher::Matcher;
use crate::messages::{self, describe};
use crate::pipeline::{LineDigest, PartEnd, Stamp};
use crate::sanitize::printable_path;

/// The parsed replacement text: pieces of literal bytes and capture groups.
#[derive(Debug, PartialEq)]
pub(crate) struct Template {
    pieces: Vec<Piece>,
    /// `--preserve-case`: each replacement takes the case of the text it replaces.
    preserve_case: bool,
}

#[derive(Debug, PartialEq)]
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
        Ok(Template { pieces, preserve_case: false })
    }

    pub(crate) fn preserving_case(self, preserve_case: bool) -> Template {
        Template { preserve_case, ..self }
    }

    fn expand(&self, caps: &Captures, out: &mut Vec<u8>) {
        let start = out.len();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(bytes) => out.extend_from_slice(bytes),
                Piece::Group(i) => out.extend_from_slice(caps.get(*i).map_or(&b""[..], |m| m.as_bytes())),
            }
        }
        if self.preserve_case {
            let matched = caps.get(0).expect("group 0 is the whole match").as_bytes();
            take_case(matched, out, start);
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

fn case_shape(text: &str) -> CaseShape {
    let mut cased = text.chars().filter(|c| c.is_lowercase() || c.is_uppercase());
    let Some(first) = cased.next() else { return CaseShape::Other };
    let (mut lower, mut upper) = (first.is_lowercase(), first.is_uppercase());
    for c in cased {
        lower &= c.is_lowercase();
        upper &= c.is_uppercase();
    }
    if lower {
        CaseShape::Lower
    } else if upper {
        CaseShape::Upper
    } else if first.is_uppercase() {
        CaseShape::Capitalised
    } else {
        CaseShape::Other
    }
}

/// Gives `out[start..]`, the replacement of `matched`, the case of `matched`: all lowercase, all
/// uppercase, or a capital first letter (as VS Code's preserve case does). Bytes that are not UTF-8
/// are mapped as ASCII.
fn take_case(matched: &[u8], out: &mut Vec<u8>, start: usize) {
    let shape = case_shape(&String::from_utf8_lossy(matched));
    let replacement = &mut out[start..];
    let mapped = match (std::str::from_utf8(replacement), &shape) {
        (_, CaseShape::Other) => return,
        (Ok(text), CaseShape::Lower) => text.to_lowercase(),
        (Ok(text), CaseShape::Upper) => text.to_uppercase(),
        (Ok(text), CaseShape::Capitalised) => {
            let mut chars = text.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
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

/// A file's content with every match replaced.
pub(crate) struct Rewrite {
    pub(crate) content: Vec<u8>,
    pub(crate) lines: Vec<ChangedLine>,
    pub(crate) replacements: u64,
    /// The digest of the matching lines and their numbers, to compare with what the searcher found.
    matched: u64,
}

/// One line the replacement changes.
pub(crate) struct ChangedLine {
    pub(crate) line_number: u64,
    /// The line in the old content, without its line end.
    pub(crate) old: Range<usize>,
    /// The line in the new content.
    pub(crate) new: Range<usize>,
    /// Each match: where it was in the old line and what replaced it, in the new line.
    pub(crate) swaps: Vec<(Range<usize>, Range<usize>)>,
}

/// Replaces every match on every matching line of `content`. The regex sees each line as the search
/// does (a CRLF line's `\r` included), but a line's end (`\n`, or `\r\n`) is never part of what is
/// replaced: a match reaching into the `\r` stops before it, so line endings stay as they were.
pub(crate) fn rewrite(matcher: &Matcher, template: &Template, content: &[u8]) -> Rewrite {
    let engine = Engine { matcher, text: true, count_lines: false };
    let mut out = Vec::with_capacity(content.len());
    let mut lines = Vec::new();
    let mut matched = LineDigest::default();
    let (mut copied, mut replacements) = (0, 0);
    for (line_number, line) in engine.matching_lines(content) {
        matched.add(line_number, &content[line.clone()]);
        let crlf = content[line.clone()].ends_with(b"\r") && line.end < content.len();
        let body_end = line.end - usize::from(crlf);

        out.extend_from_slice(&content[copied..line.start]);
        let new_start = out.len();
        let mut swaps = Vec::new();
        let mut last = line.start;
        for caps in matcher.regex.captures_iter(&content[line.clone()]) {
            let m = caps.get(0).expect("group 0 is the whole match");
            let start = (line.start + m.start()).min(body_end);
            let end = (line.start + m.end()).min(body_end);
            out.extend_from_slice(&content[last..start]);
            let replaced_at = out.len();
            template.expand(&caps, &mut out);
            swaps
                .push((start - line.start..end - line.start, replaced_at - new_start..out.len() - new_start));
            last = end;
        }
        out.extend_from_slice(&content[last..body_end]);
        copied = body_end;
        replacements += swaps.len() as u64;
        if out[new_start..] != content[line.start..body_end] {
            lines.push(ChangedLine {
                line_number,
                old: line.start..body_end,
                new: new_start..out.len(),
                swaps,
            });
        }
    }
    out.extend_from_slice(&content[copied..]);
    Rewrite { content: out, lines, replacements, matched: matched.finish() }
}

/// What became of one file.
pub(crate) enum Applied {
    /// Rewritten (or, with --dry-run, shown as it would be), with this many matches replaced.
    Changed { replacements: u64 },
    /// Nothing to write: the matches are replaced by themselves, the file was already rewritten
    /// through another path, or --interactive was told no or to quit.
    Untouched,
    /// Not written, for the reason given (already reported on stderr).
    Refused,
}

/// `--interactive`'s answers so far.
enum Answer {
    Ask,
    All,
    Quit,
}

pub struct Replacer {
    template: Template,
    dry_run: bool,
    follow: bool,
    force_hardlinks: bool,
    /// The roots, resolved: a file is written only below one of them.
    roots: Vec<PathBuf>,
    answer: Answer,
    /// Files already rewritten (or shown, or declined): one file can be reached by several paths.
    written: HashSet<PathBuf>,
    /// The terminal, for --interactive.
    tty: Option<(io::BufReader<File>, File)>,
    /// Shows the changed lines and the diffs.
    formatter: Formatter,
    /// What is shown of one file, before it goes to the output.
    shown: Vec<u8>,
}

impl Replacer {
    pub fn new(config: &Config) -> Result<Option<Replacer>> {
        let Some(replace) = &config.replace else { return Ok(None) };
        let template =
            Template::parse(&replace.template, &config.matcher.regex)?.preserving_case(replace.preserve_case);
        let roots = config.roots.iter().filter_map(|root| fs::canonicalize(&root.path).ok()).collect();
        let tty = if replace.interactive {
            let read = File::open("/dev/tty");
            let write = fs::OpenOptions::new().write(true).open("/dev/tty");
            match (read, write) {
                (Ok(read), Ok(write)) => Some((io::BufReader::new(read), write)),
                _ => bail!("--interactive needs a terminal to ask on"),
            }
        } else {
            None
        };
        Ok(Some(Replacer {
            template,
            dry_run: replace.dry_run,
            follow: config.walk.follow,
            force_hardlinks: replace.force_hardlinks,
            roots,
            answer: Answer::Ask,
            written: HashSet::new(),
            tty,
            formatter: Formatter::new(&config.output),
            shown: Vec::new(),
        }))
    }

    /// Replaces the matches of the file at `path`, which the searcher found as `searched` says, and
    /// shows the change on `out`: each changed line (`path:LINE:new line` in the pipe format, the line
    /// with each match as `(old -> new)` on a terminal), or with --dry-run and --interactive a
    /// unified diff (for --interactive, before the question is asked).
    pub(crate) fn apply<W: Write>(
        &mut self,
        matcher: &Matcher,
        path: &Path,
        searched: &PartEnd,
        out: &mut W,
    ) -> io::Result<Applied> {
        if matches!(self.answer, Answer::Quit) {
            return Ok(Applied::Untouched);
        }
        let refuse = |out: &mut W, reason: &str| {
            out.flush()?;
            messages::error(path, reason);
            Ok(Applied::Refused)
        };
        let (target, resolved) = match self.target(path) {
            Ok(target) => target,
            Err(reason) => return refuse(out, &reason),
        };
        if self.written.contains(&resolved) {
            return Ok(Applied::Untouched);
        }
        let before = match fs::metadata(&target) {
            Ok(metadata) => metadata,
            Err(err) => return refuse(out, &describe(&err)),
        };
        if before.permissions().mode() & 0o222 == 0 {
            return refuse(out, "read-only, not written");
        }
        if before.nlink() > 1 && !self.force_hardlinks {
            return refuse(
                out,
                "has other hard links that a rewrite would split; not written (see --force-hardlinks)",
            );
        }
        if searched.stamp != Some(Stamp::of(&before)) {
            return refuse(out, "changed since it was searched; not written");
        }
        let mut old = Vec::with_capacity(before.len() as usize);
        if let Err(err) = File::open(&target).and_then(|mut f| f.read_to_end(&mut old)) {
            return refuse(out, &describe(&err));
        }
        if memchr(0, &old).is_some() {
            return refuse(out, "binary (holds a NUL byte), not written");
        }
        let rewrite = rewrite(matcher, &self.template, &old);
        if rewrite.matched != searched.digest {
            return refuse(out, "changed since it was searched; not written");
        }
        if rewrite.lines.is_empty() {
            return Ok(Applied::Untouched);
        }
        // Shown or written once, however many paths lead to the file.
        self.written.insert(resolved);
        let shows_diffs = self.dry_run || self.tty.is_some();
        if shows_diffs {
            self.shown.clear();
            diff::write(&mut self.shown, &self.formatter, path, &old, &rewrite);
            out.write_all(&self.shown)?;
            out.flush()?;
        }
        if self.dry_run {
            return Ok(Applied::Changed { replacements: rewrite.replacements });
        }
        if !self.confirm(path)? {
            return Ok(Applied::Untouched);
        }
        if let Err(err) = write_over(&target, &before, &rewrite.content) {
            return refuse(out, &format!("not written: {}", describe(&err)));
        }
        if !shows_diffs {
            self.shown.clear();
            let shown_path = self.formatter.path(path);
            for line in &rewrite.lines {
                show_changed_line(
                    &mut self.shown,
                    &mut self.formatter,
                    &shown_path,
                    line,
                    &old,
                    &rewrite.content,
                );
            }
            out.write_all(&self.shown)?;
        }
        Ok(Applied::Changed { replacements: rewrite.replacements })
    }

    /// The file to write: `path` itself, or with --follow the file a symbolic link points to; and
    /// its resolved path, which must lie below a root.
    fn target(&self, path: &Path) -> Result<(PathBuf, PathBuf), String> {
        let link = fs::symlink_metadata(path).map_err(|e| describe(&e))?;
        if link.file_type().is_symlink() && !self.follow {
            return Err("a symbolic link, not written through (see --follow)".into());
        }
        let resolved = fs::canonicalize(path).map_err(|e| describe(&e))?;
        if !self.roots.iter().any(|root| resolved.starts_with(root)) {
            return Err(format!(
                "resolves to {}, outside the searched paths; not written",
                printable_path(&resolved)
            ));
        }
        let target = if link.file_type().is_symlink() { resolved.clone() } else { path.to_path_buf() };
        Ok((target, resolved))
    }

    /// --interactive: asks whether to write `path`; true without --interactive.
    fn confirm(&mut self, path: &Path) -> io::Result<bool> {
        let Some((input, output)) = &mut self.tty else { return Ok(true) };
        loop {
            match self.answer {
                Answer::All => return Ok(true),
                Answer::Quit => return Ok(false),
                Answer::Ask => {}
            }
            write!(output, "Replace in {}? [y]es [n]o [a]ll [q]uit: ", printable_path(path))?;
            output.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                self.answer = Answer::Quit;
                continue;
            }
            match line.trim() {
                "y" | "Y" | "yes" => return Ok(true),
                "n" | "N" | "no" => return Ok(false),
                "a" | "A" | "all" => self.answer = Answer::All,
                "q" | "Q" | "quit" => self.answer = Answer::Quit,
                _ => {}
            }
        }
    }
}

/// One rewritten line: `path:LINE:new line` in the pipe format (with the `\r` of a CRLF line end,
/// as a search prints it); on a terminal, the old line with each match shown as `(old -> new)`.
fn show_changed_line(
    out: &mut Vec<u8>,
    formatter: &mut Formatter,
    path: &str,
    line: &ChangedLine,
    old: &[u8],
    new: &[u8],
) {
    let mut number = itoa::Buffer::new();
    let number = number.format(line.line_number);
    if !formatter.is_terminal() {
        let cr =
            usize::from(new.get(line.new.end) == Some(&b'\r') && new.get(line.new.end + 1) == Some(&b'\n'));
        for piece in
            [path.as_bytes(), b":", number.as_bytes(), b":", &new[line.new.start..line.new.end + cr], b"\n"]
        {
            out.extend_from_slice(piece);
        }
        return;
    }
    formatter.location(out, path, number);
    let (old_line, new_line) = (&old[line.old.clone()], &new[line.new.clone()]);
    let mut shown = Vec::with_capacity(old_line.len() + 16 * line.swaps.len());
    let mut spans = Vec::with_capacity(2 * line.swaps.len());
    let mut copied = 0;
    for (was, now) in &line.swaps {
        shown.extend_from_slice(&old_line[copied..was.start]);
        shown.push(b'(');
        spans.push(shown.len()..shown.len() + was.len());
        shown.extend_from_slice(&old_line[was.clone()]);
        shown.extend_from_slice(b" -> ");
        spans.push(shown.len()..shown.len() + now.len());
        shown.extend_from_slice(&new_line[now.clone()]);
        shown.push(b')');
        copied = was.end;
    }
    shown.extend_from_slice(&old_line[copied..]);
    formatter.shown(out, &shown, &spans, Spans::Swaps, true);
}

/// Writes `content` to a temporary file beside `path` and renames it over `path`, keeping the
/// original's permissions and owner. Ctrl-C (or SIGTERM, SIGHUP) waits until this is over.
fn write_over(path: &Path, before: &Metadata, content: &[u8]) -> io::Result<()> {
    let _writing = interrupt::start_writing();
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new().prefix(".ba-replace-").tempfile_in(dir)?;
    temp.write_all(content)?;
    temp.flush()?;
    let file = temp.as_file();
    // The owner first: changing it clears the setuid and setgid bits that the mode then restores.
    if let Err(err) = std::os::unix::fs::fchown(file, Some(before.uid()), Some(before.gid())) {
        let ours = fs::metadata(temp.path())?;
        if ours.uid() != before.uid() || ours.gid() != before.gid() {
            return Err(io::Error::new(err.kind(), format!("cannot keep its owner ({})", describe(&err))));
        }
    }
    file.set_permissions(before.permissions())?;
    file.sync_all()?;
    // The last moment to notice a change made while we worked.
    if fs::metadata(path).map(|now| Stamp::of(&now))? != Stamp::of(before) {
        return Err(io::Error::other("it changed while being replaced"));
    }
    temp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable.
    File::open(dir).and_then(|d| d.sync_all())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replace(pattern: &str, template: &str, content: &str) -> (String, u64) {
        let matcher = Matcher::compile(pattern, false).unwrap();
        let template = Template::parse(template, &matcher.regex).unwrap();
        let rewrite = rewrite(&matcher, &template, content.as_bytes());
        (String::from_utf8(rewrite.content).unwrap(), rewrite.replacements)
    }

    #[test]
    fn every_syntax_of_a_group_reference() {
        let pattern = r"(?P<key>\w+)=(\w+)";
        for template in ["$2=${key}", r"\2=\g<key>", r"\g<2>=\g<1>", "${2}=$1"] {
            assert_eq!(replace(pattern, template, "a=1 b=2\n").0, "1=a 2=b\n", "{template}");
        }
        assert_eq!(replace("x", "$$1", "x\n").0, "$1\n");
        assert_eq!(replace("x", "[$0]", "axb\n").0, "a[x]b\n");
        assert_eq!(replace("x", r"\\\t", "x\n").0, "\\\t\n");
    }

    #[test]
    fn unknown_groups_are_refused() {
        let regex = Matcher::compile(r"(?P<a>x)(y)", false).unwrap().regex;
        for template in ["$3", "${b}", r"\3", r"\g<b>", "$b"] {
            assert!(Template::parse(template, &regex).is_err(), "{template}");
        }
        assert!(Template::parse("${a}$2$0", &regex).is_ok());
    }

    #[test]
    fn preserve_case_follows_the_case_of_each_match() {
        let matcher = Matcher::compile("colou?r", true).unwrap();
        let template = Template::parse("color", &matcher.regex).unwrap().preserving_case(true);
        let content = "colour Colour COLOUR cOLOUR 1colour\n";
        let rewrite = rewrite(&matcher, &template, content.as_bytes());
        assert_eq!(String::from_utf8(rewrite.content).unwrap(), "color Color COLOR color 1color\n");
        assert_eq!(case_shape("ÉTÉ"), CaseShape::Upper);
        assert_eq!(case_shape("Été"), CaseShape::Capitalised);
        assert_eq!(case_shape("42_"), CaseShape::Other);
        assert_eq!(case_shape("aB"), CaseShape::Other);
        let mut out = b"x\xffy".to_vec();
        take_case(b"AB", &mut out, 0);
        assert_eq!(out, b"X\xffY");
    }

    #[test]
    fn line_ends_and_the_missing_final_newline_stay() {
        assert_eq!(replace("$", "!", "a \r\nb\r\nc").0, "a !\r\nb!\r\nc!");
        assert_eq!(replace(r"\s+$", "", "a \r\nb\r\n").0, "a\r\nb\r\n");
        assert_eq!(replace("^", "> ", "a\nb\n").0, "> a\n> b\n");
        assert_eq!(replace("o", "0", "foo\nbar\nboo\n"), ("f00\nbar\nb00\n".to_string(), 4));
    }
}
