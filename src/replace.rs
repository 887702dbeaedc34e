//! `-r/--replace`: rewrite the matches of the files the search printed hits for, safely.
//!
//! A file is re-read and checked against what the searcher saw, rewritten in memory, written to a
//! temporary file beside it (`.ba-replace-*`), flushed, synced, given the original's permissions and
//! owner, and renamed over the original: at any moment the file is wholly old or wholly new. Files
//! that are binary, read-only, symbolic links (without `--follow`), hard-linked (without
//! `--force-hardlinks`), outside the roots, or changed since they were searched are not written.

use std::collections::HashSet;
use std::fs::{self, File, Metadata};
use std::io::{self, BufRead, Read, Write};
use std::ops::Range;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use anyhow::{bail, Result};
use memchr::memchr;
use regex::bytes::{Captures, Regex};

use crate::config::{Config, Matcher};
use crate::describe;
use crate::search::{Engine, FileResult};

/// Held while a file is being written: Ctrl-C waits for it, so a file is finished (or its temporary
/// file removed) before the process ends.
pub static WRITING: Mutex<()> = Mutex::new(());
/// Set by Ctrl-C before it waits for `WRITING`: no new file is started after it.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The parsed replacement text: pieces of literal bytes and capture groups.
#[derive(Debug, PartialEq)]
pub struct Template {
    pieces: Vec<Piece>,
}

#[derive(Debug, PartialEq)]
enum Piece {
    Literal(Vec<u8>),
    Group(usize),
}

impl Template {
    /// Reads `$1`, `${name}`, `$0` and `$$` (a dollar), and Black Arrow's Python forms `\1`,
    /// `\g<1>`, `\g<name>`, `\\`, `\n` and `\t`. A group the pattern does not have is an error.
    pub fn parse(text: &str, regex: &Regex) -> Result<Template> {
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

    fn expand(&self, caps: &Captures, out: &mut Vec<u8>) {
        for piece in &self.pieces {
            match piece {
                Piece::Literal(bytes) => out.extend_from_slice(bytes),
                Piece::Group(i) => out.extend_from_slice(caps.get(*i).map_or(&b""[..], |m| m.as_bytes())),
            }
        }
    }
}

/// A file's content with every match replaced.
pub struct Rewrite {
    pub content: Vec<u8>,
    pub lines: Vec<ChangedLine>,
    pub replacements: u64,
    /// The lines that match (number, text), to compare with what the searcher found.
    matched: Vec<(u64, Range<usize>)>,
}

/// One line the replacement changes.
pub struct ChangedLine {
    pub line_number: u64,
    /// The line in the old content, without its line end.
    pub old: Range<usize>,
    /// The line in the new content.
    pub new: Range<usize>,
    /// Each match: where it was in the old line and what replaced it, in the new line.
    pub swaps: Vec<(Range<usize>, Range<usize>)>,
}

/// Replaces every match on every matching line of `content`. The regex sees each line as the search
/// does (a CRLF line's `\r` included), but a line's end (`\n`, or `\r\n`) is never part of what is
/// replaced: a match reaching into the `\r` stops before it, so line endings stay as they were.
pub fn rewrite(matcher: &Matcher, template: &Template, content: &[u8]) -> Rewrite {
    let engine = Engine { matcher, matches: false, groups: false, text: true, count_lines: false };
    let mut out = Vec::with_capacity(content.len());
    let mut lines = Vec::new();
    let mut matched = Vec::new();
    let (mut copied, mut replacements) = (0, 0);
    for (line_number, line) in engine.matching_lines(content) {
        matched.push((line_number, line.clone()));
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
    Rewrite { content: out, lines, replacements, matched }
}

/// What became of one file.
pub enum Applied {
    /// Written (or, with --dry-run or a "no" answer, left as it is on purpose).
    Changed { rewrite: Rewrite, old: Vec<u8>, written: bool },
    /// Nothing to write: the matches are replaced by themselves, the file was already rewritten
    /// through another path, or --interactive was told to quit.
    Untouched,
    /// Not written, for the reason given (already reported on stderr).
    Refused,
}

/// Shows a file's change (path, old content, rewrite) before it is written or skipped.
pub type ShowChange<'a> = dyn FnMut(&Path, &[u8], &Rewrite) -> io::Result<()> + 'a;

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
}

impl Replacer {
    pub fn new(config: &Config) -> Result<Option<Replacer>> {
        let Some(replace) = &config.replace else { return Ok(None) };
        let template = Template::parse(&replace.template, &config.matcher.regex)?;
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
        }))
    }

    /// Replaces the matches of the file behind `result`. `show` displays the change (for
    /// --interactive, before the question is asked).
    pub fn apply(
        &mut self,
        config: &Config,
        result: &FileResult,
        show: &mut ShowChange,
    ) -> io::Result<Applied> {
        let path = result.path.as_path();
        if matches!(self.answer, Answer::Quit) {
            return Ok(Applied::Untouched);
        }
        let refuse = |reason: &str| {
            crate::report_message(path, reason);
            Ok(Applied::Refused)
        };
        let (target, resolved) = match self.target(path) {
            Ok(target) => target,
            Err(reason) => return refuse(&reason),
        };
        if self.written.contains(&resolved) {
            return Ok(Applied::Untouched);
        }
        let before = match fs::metadata(&target) {
            Ok(metadata) => metadata,
            Err(err) => return refuse(&describe(&err)),
        };
        if before.permissions().mode() & 0o222 == 0 {
            return refuse("read-only, not written");
        }
        if before.nlink() > 1 && !self.force_hardlinks {
            return refuse(
                "has other hard links that a rewrite would split; not written (see --force-hardlinks)",
            );
        }
        if result.stamp != Some(stamp(&before)) {
            return refuse("changed since it was searched; not written");
        }
        let mut old = Vec::with_capacity(before.len() as usize);
        if let Err(err) = File::open(&target).and_then(|mut f| f.read_to_end(&mut old)) {
            return refuse(&describe(&err));
        }
        if memchr(0, &old).is_some() {
            return refuse("binary (holds a NUL byte), not written");
        }
        let rewrite = rewrite(&config.matcher, &self.template, &old);
        let searched: Vec<(u64, &[u8])> =
            result.hits.iter().map(|h| (h.line_number, result.line(h))).collect();
        let found: Vec<(u64, &[u8])> = rewrite.matched.iter().map(|(n, r)| (*n, &old[r.clone()])).collect();
        if searched != found {
            return refuse("changed since it was searched; not written");
        }
        if rewrite.lines.is_empty() {
            return Ok(Applied::Untouched);
        }
        // Shown or written once, however many paths lead to the file.
        self.written.insert(resolved);
        if self.shows_diffs() {
            show(path, &old, &rewrite)?;
        }
        if self.dry_run || !self.confirm(path)? {
            return Ok(Applied::Changed { rewrite, old, written: false });
        }
        if let Err(err) = write_over(&target, &before, &rewrite.content) {
            return refuse(&format!("not written: {}", describe(&err)));
        }
        Ok(Applied::Changed { rewrite, old, written: true })
    }

    /// Whether each change is shown as a diff (--dry-run, --interactive) rather than line by line.
    pub fn shows_diffs(&self) -> bool {
        self.dry_run || self.tty.is_some()
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
                resolved.display()
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
            write!(output, "Replace in {}? [y]es [n]o [a]ll [q]uit: ", crate::print::printable_path(path))?;
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

/// What identifies a file's version cheaply: its size and modification time.
pub fn stamp(metadata: &Metadata) -> (u64, i64, i64) {
    (metadata.len(), metadata.mtime(), metadata.mtime_nsec())
}

/// Writes `content` to a temporary file beside `path` and renames it over `path`, keeping the
/// original's permissions and owner. Ctrl-C waits until this is over.
fn write_over(path: &Path, before: &Metadata, content: &[u8]) -> io::Result<()> {
    let _writing = WRITING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if INTERRUPTED.load(Ordering::SeqCst) {
        return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
    }
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
            return Err(io::Error::new(err.kind(), format!("cannot keep its owner ({err})")));
        }
    }
    file.set_permissions(before.permissions())?;
    file.sync_all()?;
    // The last moment to notice a change made while we worked.
    if fs::metadata(path).map(|now| stamp(&now))? != stamp(before) {
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
    fn line_ends_and_the_missing_final_newline_stay() {
        assert_eq!(replace("$", "!", "a \r\nb\r\nc").0, "a !\r\nb!\r\nc!");
        assert_eq!(replace(r"\s+$", "", "a \r\nb\r\n").0, "a\r\nb\r\n");
        assert_eq!(replace("^", "> ", "a\nb\n").0, "> a\n> b\n");
        assert_eq!(replace("o", "0", "foo\nbar\nboo\n"), ("f00\nbar\nb00\n".to_string(), 4));
    }
}
