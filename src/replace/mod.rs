//! `-r/--replace`: rewrite the matches of the files the search printed hits for, safely.
//!
//! A file is opened below its root through directory handles (`file`), locked, re-read and checked
//! against what the searcher saw, its new content written as it is read (`stream`) to a temporary
//! file beside it (`.ba-replace-*`), flushed, synced, given the original's owner, permissions and
//! extended attributes, its old content recorded in the undo journal (`journal`), and renamed over
//! the original: at any moment the file is wholly old or wholly new, and `ba --undo` (`undo`) can put
//! back what the last run changed. Files that are binary, read-only, symbolic links (without
//! `--follow`), hard-linked (without `--force-hardlinks`), outside the roots, compressed (searched
//! with `-z`), or changed since they were searched are not written.

mod diff;
mod file;
pub(crate) mod journal;
pub(crate) mod stream;
mod undo;

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufRead, IsTerminal, Write};
use std::os::unix::fs::{FileExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::config::Config;
use crate::decompress::Format;
use crate::encoding::Encoding;
use crate::interrupt;
use crate::messages::{self, describe};
use crate::pipeline::{PartEnd, Stamp};
use crate::print::format::{Formatter, Spans};
use crate::sanitize::printable_path;
use crate::search::matcher::Matcher;
use crate::template::Template;

use diff::{Diff, Hunks};
use file::{rewind, Root, Target};
use journal::Journal;
use stream::{MatchingLine, Pass, Piece, Scratch, Stop};

pub use undo::undo;

/// What the searcher saw of a file, for the rewrite to check that the file is still that one.
#[derive(Clone, Copy)]
pub(crate) struct Searched {
    stamp: Option<Stamp>,
    digest: u64,
}

impl From<&PartEnd> for Searched {
    fn from(end: &PartEnd) -> Searched {
        Searched { stamp: end.stamp, digest: end.digest }
    }
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
    /// Shown, to be written once the user says yes (see `settle`).
    Held,
}

impl Passes {
    /// The pass that writes the new content of `file` to `writer` and its old content to the
    /// journal's `record`; it keeps the changed lines to show (unless `shows_diffs`) while they are
    /// few. What the pass found, the hash of the new content, and whether the changed lines were
    /// too many to keep (or not kept at all).
    fn write_new(
        &mut self,
        matcher: &Matcher,
        mut file: &File,
        writer: &mut impl Write,
        record: &mut Option<journal::Record>,
        shown_path: &[u8],
        shows_diffs: bool,
    ) -> (Result<Pass, Stop>, blake3::Hash, bool) {
        let (formatter, shown) = (&mut self.formatter, &mut self.shown);
        shown.clear();
        let mut spilled = shows_diffs;
        let mut new = blake3::Hasher::new();
        let mut keep_old = |old: &[&[u8]]| match record {
            Some(record) => old.iter().try_for_each(|bytes| record.write(bytes)).map_err(journal_error),
            None => Ok(()),
        };
        let found =
            stream::pass(matcher, &self.template, &mut file, &mut self.scratch, |piece| match piece {
                Piece::Bom(bytes) | Piece::Kept(bytes) => {
                    keep_old(&[bytes])?;
                    new.update(bytes);
                    writer.write_all(bytes)
                }
                Piece::Line(line) => {
                    if line.changed() && !spilled {
                        show_changed_line(shown, formatter, shown_path, line);
                        spilled = shown.len() > SHOWN_HELD;
                    }
                    keep_old(&[line.old, line.end])?;
                    new.update(line.new);
                    new.update(line.end);
                    writer.write_all(line.new)?;
                    writer.write_all(line.end)
                }
            });
        (found, new.finalize(), spilled)
    }
}

/// A file admitted for a rewrite: opened from the root it lies below, checked against what the
/// searcher saw.
struct Admitted<'p> {
    path: &'p Path,
    resolved: PathBuf,
    target: Target,
    searched: Searched,
}

/// Says on stderr why the file at `path` is not written, after what `out` holds.
fn refused(out: &mut impl Write, path: &Path, reason: &str) -> io::Result<Applied> {
    out.flush()?;
    messages::error(path, reason);
    Ok(Applied::Refused)
}

/// A rewrite asked for at a terminal: each file's change is found and the first lines of the diff
/// shown, and nothing is written until the user says yes to all of them at once.
struct Preview {
    held: Vec<(PathBuf, Searched)>,
    replacements: u64,
    /// Diff lines still to show.
    lines_left: usize,
    /// Where the diff is shown when standard output is not the terminal (`ba x -r y | cat > log`):
    /// the terminal the question is asked on. The output then gets the changed lines, as a rewrite
    /// without a question prints them.
    terminal: Option<File>,
}

/// The most diff lines the question shows before it is asked, and the most bytes of each file's.
const PREVIEW_LINES: usize = 40;
const PREVIEW_BYTES: usize = 16 << 10;

/// `--interactive`'s answers so far.
enum Answer {
    Ask,
    All,
    Quit,
}

/// What each pass over a file works with.
struct Passes {
    template: Template,
    scratch: Scratch,
    /// Shows the changed lines and the diffs.
    formatter: Formatter,
    /// The changed lines of one file as they are shown, held until the file is in place.
    shown: Vec<u8>,
}

pub struct Replacer {
    /// Where each file's old content is kept for `--undo`; None with --no-undo or --dry-run.
    journal: Option<Journal>,
    /// The journal could not take a file: nothing more is written.
    stopped: bool,
    /// It stopped because the journal could not be written (not because of its limit): its end
    /// fails for the same cause, said already.
    journal_failed: bool,
    /// The undo journal's directory, resolved: never rewritten, whatever the search finds in it.
    state: Option<PathBuf>,
    /// Files rewritten.
    rewritten: u64,
    dry_run: bool,
    follow: bool,
    force_hardlinks: bool,
    /// The roots, opened: a file is written only below one of them.
    roots: Vec<Root>,
    answer: Answer,
    /// --interactive: a diff and a question for each file.
    interactive: bool,
    /// At a terminal, without --yes: the files are written only once the user says yes.
    preview: Option<Preview>,
    /// Files already rewritten (or shown, or declined): one file can be reached by several paths.
    written: HashSet<PathBuf>,
    /// The terminal, for --interactive.
    tty: Option<(io::BufReader<File>, File)>,
    passes: Passes,
    /// `-z`: compressed files were searched decompressed, and are never written.
    search_zip: bool,
    /// Files searched decoded are never written.
    encoding: Encoding,
}

impl Replacer {
    pub fn new(config: &Config) -> Result<Option<Replacer>> {
        let Some(replace) = &config.replace else { return Ok(None) };
        let template =
            Template::parse(&replace.template, &config.matcher)?.preserving_case(replace.preserve_case);
        // A root that cannot be opened is reported by the walk, and nothing below it is written.
        let roots = config.roots.iter().filter_map(|root| Root::open(&root.path).ok()).collect();
        let tty = if replace.interactive || replace.ask_first {
            let read = File::open("/dev/tty");
            let write = fs::OpenOptions::new().write(true).open("/dev/tty");
            match (read, write) {
                (Ok(read), Ok(write)) => Some((io::BufReader::new(read), write)),
                _ if replace.interactive => bail!("--interactive needs a terminal to ask on"),
                // The terminal of stdin and stderr is not the controlling one: nowhere to ask.
                _ => None,
            }
        } else {
            None
        };
        let journal = match replace.dry_run || !replace.undo {
            true => None,
            false => Some(Journal::start(replace.undo_limit)?),
        };
        let state = journal::state_dir().ok().and_then(|dir| dir.canonicalize().ok());
        Ok(Some(Replacer {
            journal,
            stopped: false,
            journal_failed: false,
            state,
            rewritten: 0,
            dry_run: replace.dry_run,
            follow: config.walk.follow,
            force_hardlinks: replace.force_hardlinks,
            roots,
            answer: Answer::Ask,
            interactive: replace.interactive,
            preview: match replace.ask_first {
                true => Some(Preview {
                    held: Vec::new(),
                    replacements: 0,
                    lines_left: PREVIEW_LINES,
                    terminal: match io::stdout().is_terminal() {
                        true => None,
                        false => tty.as_ref().map(|(_, terminal)| terminal.try_clone()).transpose()?,
                    },
                }),
                false => None,
            },
            written: HashSet::new(),
            tty,
            search_zip: config.search_zip,
            encoding: config.encoding,
            passes: Passes {
                template,
                scratch: Scratch::default(),
                formatter: Formatter::new(&config.output, &config.matcher),
                shown: Vec::new(),
            },
        }))
    }

    /// Replaces the matches of the file at `path`, which the searcher found as `searched` says, and
    /// shows the change on `out`: each changed line (`path:LINE:new line` in the pipe format, the line
    /// with each match as `(old -> new)` on a terminal), or with --dry-run and --interactive a
    /// unified diff (for --interactive, before the question is asked).
    ///
    /// The file is never held in memory whole: it is read in passes, each a block of lines at a time
    /// (see `stream`): one writes the new content straight to the temporary file (and keeps the
    /// changed lines to show, unless they are many: then another pass shows them once the file is
    /// in place); a diff takes two more before it.
    pub(crate) fn apply<W: Write>(
        &mut self,
        matcher: &Matcher,
        path: &Path,
        searched: Searched,
        out: &mut W,
    ) -> io::Result<Applied> {
        if matches!(self.answer, Answer::Quit) || self.stopped {
            return Ok(Applied::Untouched);
        }
        let file = match self.admit(path, searched) {
            Ok(Some(file)) => file,
            Ok(None) => return Ok(Applied::Untouched),
            Err(reason) => return refused(out, path, &reason),
        };
        if self.preview.is_some() && self.tty.is_some() {
            return self.hold(matcher, file, out);
        }
        // What the diff showed, for --interactive to write that and nothing else.
        let mut shown_content = None;
        if self.dry_run || self.interactive {
            let found = match self.show_diff(matcher, path, &file.target.file, &file.searched, out)? {
                Ok(Some(found)) => found,
                Ok(None) => return Ok(Applied::Untouched),
                Err(reason) => return refused(out, path, &reason),
            };
            // Shown or written once, however many paths lead to the file.
            self.written.insert(file.resolved.clone());
            if self.dry_run {
                return Ok(Applied::Changed { replacements: found.replacements });
            }
            if !self.confirm(path)? {
                return Ok(Applied::Untouched);
            }
            shown_content = Some(found.content);
            if let Err(err) = rewind(&file.target.file) {
                return refused(out, path, &describe(&err));
            }
        }
        self.rewrite(matcher, file, shown_content, out)
    }

    /// The file at `path`, opened from its root and checked against what the searcher saw; None
    /// when it was already rewritten through another path; why it is not written.
    fn admit<'p>(&self, path: &'p Path, searched: Searched) -> Result<Option<Admitted<'p>>, String> {
        if self.search_zip && Format::of(path).is_some() {
            return Err("compressed (searched with -z), not written".into());
        }
        let resolved = self.resolve(path)?;
        if self.written.contains(&resolved) {
            return Ok(None);
        }
        if self.state.as_ref().is_some_and(|state| resolved.starts_with(state)) {
            return Err("part of ba's undo journal, not written".into());
        }
        let target = self.open(&resolved).map_err(|err| format!("not written: {}", describe(&err)))?;
        let before = &target.metadata;
        if before.permissions().mode() & 0o222 == 0 {
            return Err("read-only, not written".into());
        }
        if before.nlink() > 1 && !self.force_hardlinks {
            return Err(
                "has other hard links that a rewrite would split; not written (see --force-hardlinks)".into(),
            );
        }
        // A file searched decoded (UTF-16) was searched as other bytes than it holds.
        let mut head = [0; 4];
        let head = target.file.read_at(&mut head, 0).map_or(&head[..0], |n| &head[..n]);
        if self.encoding.decodes(head) {
            return Err("UTF-16 (searched decoded), not written".into());
        }
        if searched.stamp != Some(Stamp::of(before)) {
            return Err(CHANGED.into());
        }
        Ok(Some(Admitted { path, resolved, target, searched }))
    }

    /// Writes the new content of an admitted file to a temporary file, records its old content in
    /// the undo journal, renames it into place, then shows the changed lines (unless a diff showed
    /// them). With `shown_content`, the file must still be the one whose diff was shown.
    fn rewrite<W: Write>(
        &mut self,
        matcher: &Matcher,
        file: Admitted,
        shown_content: Option<blake3::Hash>,
        out: &mut W,
    ) -> io::Result<Applied> {
        let Admitted { path, resolved, target, searched } = file;
        let shows_diffs = shown_content.is_some();
        // Ctrl-C waits until the file is in place, or its temporary file removed.
        let _writing = interrupt::start_writing();
        // The old content goes to the undo journal as it is read, recorded before the rename.
        let size = target.metadata.len();
        let mut record = match self.journal.as_mut().map(|journal| journal.record(&resolved, size)) {
            None => None,
            Some(Ok(record)) => Some(record),
            Some(Err(not_recorded)) => {
                self.stopped = true;
                self.journal_failed = matches!(not_recorded, journal::NotRecorded::Failed(_));
                return refused(out, path, &journal::not_recorded(&not_recorded));
            }
        };
        let temp = match target.temp() {
            Ok(temp) => temp,
            Err(err) => return refused(out, path, &format!("not written: {}", describe(&err))),
        };
        let shown_path = self.passes.formatter.path(path).into_owned();
        let mut writer = io::BufWriter::with_capacity(64 << 10, &temp.file);
        let (found, new, spilled) =
            self.passes.write_new(matcher, &target.file, &mut writer, &mut record, &shown_path, shows_diffs);
        if let Err(Stop::Taken(err)) = &found {
            if let Some(reason) = journal_failure(err) {
                (self.stopped, self.journal_failed) = (true, true);
                return refused(out, path, &reason);
            }
        }
        let found = match checked(found, &searched) {
            Ok(found) if shown_content.is_some_and(|shown| shown != found.content) => {
                return refused(out, path, "changed since its diff was shown; not written")
            }
            Ok(found) if found.changed == 0 => return Ok(Applied::Untouched),
            Ok(found) => found,
            Err(reason) => return refused(out, path, &reason),
        };
        self.written.insert(resolved);
        let flushed = writer.into_inner().map(|_| ()).map_err(|err| err.into_error());
        let recorded = |record: &mut Option<journal::Record>| match record {
            Some(record) => record.commit(&found.content, &new).map_err(journal_error),
            None => Ok(()),
        };
        let placed = flushed
            .and_then(|()| temp.finish())
            .and_then(|()| recorded(&mut record))
            .and_then(|()| temp.put_in_place(&found.content));
        if let Err(err) = placed {
            if let Some(reason) = journal_failure(&err) {
                (self.stopped, self.journal_failed) = (true, true);
                return refused(out, path, &reason);
            }
            return refused(out, path, &format!("not written: {}", describe(&err)));
        }
        // The whole Option is used up: its record no longer holds the journal.
        record.into_iter().for_each(journal::Record::keep);
        self.rewritten += 1;
        interrupt::rewrote(self.rewritten, self.journal.is_some());
        drop(_writing);

        if !spilled {
            out.write_all(&self.passes.shown)?;
        } else if !shows_diffs {
            self.show_again(matcher, path, &shown_path, &target.file, out)?;
        }
        Ok(Applied::Changed { replacements: found.replacements })
    }

    /// Finds the change of a file to hold until the user says yes, showing its diff while the
    /// preview has lines left.
    fn hold<W: Write>(&mut self, matcher: &Matcher, file: Admitted, out: &mut W) -> io::Result<Applied> {
        let Admitted { path, resolved, target, searched } = file;
        let lines_left = self.preview.as_ref().map_or(0, |preview| preview.lines_left);
        let found = if lines_left > 0 {
            let terminal = self.preview.as_ref().and_then(|preview| preview.terminal.as_ref());
            let (found, left) = match terminal.map(File::try_clone).transpose()? {
                Some(mut terminal) => {
                    self.show_first_lines(matcher, path, &target.file, &searched, &mut terminal)?
                }
                None => self.show_first_lines(matcher, path, &target.file, &searched, out)?,
            };
            if let Some(preview) = &mut self.preview {
                preview.lines_left = left;
            }
            found
        } else {
            let found = stream::pass(
                matcher,
                &self.passes.template,
                &mut &target.file,
                &mut self.passes.scratch,
                |_| Ok(()),
            );
            checked(found, &searched).map(|found| (found.changed > 0).then_some(found))
        };
        let found = match found {
            Ok(Some(found)) => found,
            Ok(None) => return Ok(Applied::Untouched),
            Err(reason) => return refused(out, path, &reason),
        };
        self.written.insert(resolved);
        if let Some(preview) = &mut self.preview {
            preview.held.push((path.to_path_buf(), searched));
            preview.replacements += found.replacements;
        }
        Ok(Applied::Held)
    }

    /// `show_diff` for the preview: its first lines, while the preview has lines left; how many it
    /// has left after them.
    fn show_first_lines<W: Write>(
        &mut self,
        matcher: &Matcher,
        path: &Path,
        file: &File,
        searched: &Searched,
        out: &mut W,
    ) -> io::Result<(Result<Option<Pass>, String>, usize)> {
        let lines_left = self.preview.as_ref().map_or(0, |preview| preview.lines_left);
        let mut shown = FirstLines { out, left: lines_left, bytes_left: PREVIEW_BYTES };
        let found = self.show_diff(matcher, path, file, searched, &mut shown)?;
        Ok((found, shown.left))
    }

    /// Asks once whether to write the files held for the question, and writes them if the user
    /// says yes; what became of each. Nothing to do without a question.
    pub(crate) fn settle<W: Write>(&mut self, matcher: &Matcher, out: &mut W) -> io::Result<Vec<Applied>> {
        let Some(preview) = self.preview.take() else { return Ok(Vec::new()) };
        if preview.held.is_empty() {
            return Ok(Vec::new());
        }
        out.flush()?;
        if preview.lines_left == 0 {
            const GOES_ON: &str = "(the diff goes on: --dry-run shows all of it)";
            match &preview.terminal {
                Some(terminal) => writeln!(&mut &*terminal, "{GOES_ON}")?,
                None => writeln!(out, "{GOES_ON}")?,
            }
            out.flush()?;
        }
        let replacements = match preview.replacements {
            1 => "1 replacement".to_string(),
            n => format!("{n} replacements"),
        };
        let question =
            format!("rewrite {} ({replacements})? [y/N] ", messages::files(preview.held.len() as u64));
        if !self.ask_once(&question)? {
            messages::notice("nothing was written");
            return Ok(Vec::new());
        }
        // The files were held, not written: each is written now, through whatever path led to it.
        self.written.clear();
        let mut applied = Vec::with_capacity(preview.held.len());
        for (path, searched) in preview.held {
            // The diff went to the terminal: the output (a pipe, a file) gets the changed lines.
            // The diff went to the output: they are not shown again.
            applied.push(match preview.terminal {
                Some(_) => self.apply(matcher, &path, searched, out)?,
                None => self.apply(matcher, &path, searched, &mut io::sink())?,
            });
        }
        Ok(applied)
    }

    /// Shows the diff of `file`, found by one pass and written by another: the first pass, when the
    /// file changes (None when it does not), or why it is not written. Errors are the output's.
    fn show_diff<W: Write>(
        &mut self,
        matcher: &Matcher,
        path: &Path,
        mut file: &File,
        searched: &Searched,
        out: &mut W,
    ) -> io::Result<Result<Option<Pass>, String>> {
        let mut hunks = Hunks::default();
        let found =
            stream::pass(matcher, &self.passes.template, &mut file, &mut self.passes.scratch, |piece| {
                hunks.take(piece);
                Ok(())
            });
        let found = match checked(found, searched) {
            Ok(found) if found.changed == 0 => return Ok(Ok(None)),
            Ok(found) => found,
            Err(reason) => return Ok(Err(reason)),
        };
        let hunks = hunks.finish(found.lines);
        let shown = rewind(file).map_err(Stop::Read).and_then(|()| {
            let mut diff = Diff::new(out, &self.passes.formatter, path, &hunks).map_err(Stop::Taken)?;
            stream::pass(matcher, &self.passes.template, &mut file, &mut self.passes.scratch, |piece| {
                diff.take(piece)
            })
        });
        match shown {
            Ok(_) => out.flush().map(|()| Ok(Some(found))),
            Err(Stop::Taken(err)) => Err(err),
            Err(stop) => Ok(Err(stop.reason())),
        }
    }

    /// Shows the changed lines of a file rewritten, by a pass of their own over its old content,
    /// still there to read through the open file.
    fn show_again<W: Write>(
        &mut self,
        matcher: &Matcher,
        path: &Path,
        shown_path: &[u8],
        mut file: &File,
        out: &mut W,
    ) -> io::Result<()> {
        let (formatter, shown) = (&mut self.passes.formatter, &mut self.passes.shown);
        let result = rewind(file).map_err(Stop::Read).and_then(|()| {
            stream::pass(matcher, &self.passes.template, &mut file, &mut self.passes.scratch, |piece| {
                match piece {
                    Piece::Line(line) if line.changed() => {
                        shown.clear();
                        show_changed_line(shown, formatter, shown_path, line);
                        out.write_all(shown)
                    }
                    _ => Ok(()),
                }
            })
        });
        match result {
            Ok(_) => Ok(()),
            Err(Stop::Taken(err)) => Err(err),
            Err(stop) => {
                out.flush()?;
                messages::warning(
                    path,
                    &format!("rewritten, but its changes cannot be shown: {}", stop.reason()),
                );
                Ok(())
            }
        }
    }

    /// The resolved path of the file to write: `path` itself, or with --follow the file a symbolic
    /// link points to (links are resolved here, once); it must lie below a root.
    fn resolve(&self, path: &Path) -> Result<PathBuf, String> {
        let link = fs::symlink_metadata(path).map_err(|e| describe(&e))?;
        if link.file_type().is_symlink() && !self.follow {
            return Err("a symbolic link, not written through (see --follow)".into());
        }
        let resolved = fs::canonicalize(path).map_err(|e| describe(&e))?;
        if !self.roots.iter().any(|root| root.below(&resolved).is_some()) {
            return Err(format!(
                "resolves to {}, outside the searched paths; not written",
                printable_path(&resolved)
            ));
        }
        Ok(resolved)
    }

    /// Opens the resolved file from the root it lies below, through no link.
    fn open(&self, resolved: &Path) -> io::Result<Target> {
        let below = self.roots.iter().find_map(|root| root.below(resolved));
        let (root, rel) = below.ok_or_else(|| io::Error::other("outside the searched paths"))?;
        Target::open(root, &rel)
    }

    /// Ends the rewrite: closes its run in the undo journal, and says how many files it rewrote and
    /// how to undo that.
    pub(crate) fn finish(self) {
        if self.dry_run {
            return;
        }
        let undoable = self.journal.is_some();
        if let Some(journal) = self.journal {
            let finished = journal.finish();
            // When the journal could not be written, that was said: its end fails for the same
            // cause, and without it the run is undone whole, as one cut short.
            if let (Err(err), false) = (finished, self.journal_failed) {
                messages::notice(&format!(
                    "cannot mark the rewrite done in the undo journal ({})",
                    describe(&err)
                ));
            }
        }
        if self.rewritten > 0 {
            messages::notice(&messages::rewrote(self.rewritten, undoable, ""));
        }
    }

    /// --interactive: asks whether to write `path`, one key for an answer; true without
    /// --interactive.
    fn confirm(&mut self, path: &Path) -> io::Result<bool> {
        if !self.interactive {
            return Ok(true);
        }
        let Some((input, output)) = &mut self.tty else { return Ok(true) };
        loop {
            match self.answer {
                Answer::All => return Ok(true),
                Answer::Quit => return Ok(false),
                Answer::Ask => {}
            }
            // Keys typed before the question (and its diff) were shown answer nothing.
            interrupt::RawTerminal::drop_typed_ahead(input.get_ref());
            write!(output, "Replace in {}? [y]es [n]o [a]ll [q]uit: ", printable_path(path))?;
            output.flush()?;
            let key = read_key(input)?;
            // The key is shown, as the answer to a question typed with Enter would be.
            if let Some(key) = key.filter(u8::is_ascii_graphic) {
                writeln!(output, "{}", char::from(key))?;
            }
            match key {
                Some(b'y' | b'Y') => return Ok(true),
                Some(b'n' | b'N') => return Ok(false),
                Some(b'a' | b'A') => self.answer = Answer::All,
                Some(b'q' | b'Q') | None => self.answer = Answer::Quit,
                Some(_) => {}
            }
        }
    }

    /// Asks `question` on the terminal; true only for `y` or `yes`.
    fn ask_once(&mut self, question: &str) -> io::Result<bool> {
        let Some((input, output)) = &mut self.tty else { return Ok(false) };
        // Keys typed before the question was shown answer nothing.
        interrupt::RawTerminal::drop_typed_ahead(input.get_ref());
        let held = input.buffer().len();
        input.consume(held);
        ask_yes(input, output, question)
    }
}

/// Asks `question` on `output`; true only for an answer of `y` or `yes` (then Enter): anything
/// else, the end of the input included, is no.
fn ask_yes(input: &mut impl BufRead, output: &mut impl Write, question: &str) -> io::Result<bool> {
    write!(output, "{question}")?;
    output.flush()?;
    let mut line = String::new();
    input.read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "Yes" | "YES"))
}

/// One key from the terminal, read as it is typed (no Enter), and not echoed; None at the end of
/// the input (or Ctrl-D). An escape sequence is no answer (NUL): an arrow key's `ESC [ A` must not
/// answer `A`. A line end left by an answer typed with Enter is stepped over, and what was typed
/// after the key (`es` of `yes`) is dropped: it answers no other file.
fn read_key(input: &mut io::BufReader<File>) -> io::Result<Option<u8>> {
    let _raw = interrupt::RawTerminal::enter(input.get_ref());
    let held = input.buffer().len();
    input.consume(held);
    loop {
        let mut keys = [0; 16];
        let n = match io::Read::read(input.get_mut(), &mut keys) {
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        interrupt::RawTerminal::drop_typed_ahead(input.get_ref());
        return Ok(match keys[0] {
            _ if n == 0 => None,
            0x04 => None,
            b'\n' | b'\r' => continue,
            // No answer: the question is asked again.
            0x1b => Some(0),
            key => Some(key),
        });
    }
}

/// The first `left` lines written through it, up to `bytes_left` bytes (a line past them is cut,
/// between characters), and nothing after them. It writes to a terminal: a cut line ends with the
/// colour reset, and `...`.
struct FirstLines<'w, W> {
    out: &'w mut W,
    left: usize,
    bytes_left: usize,
}

impl<W: Write> Write for FirstLines<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(buf.len());
        }
        let end = memchr::memchr_iter(b'\n', buf).nth(self.left - 1).map_or(buf.len(), |i| i + 1);
        if end > self.bytes_left {
            let mut cut = self.bytes_left;
            while cut > 0 && buf[cut] & 0xC0 == 0x80 {
                cut -= 1;
            }
            self.out.write_all(&buf[..cut])?;
            self.out.write_all(b"\x1b[0m...\n")?;
            (self.left, self.bytes_left) = (0, 0);
            return Ok(buf.len());
        }
        self.left -= memchr::memchr_iter(b'\n', &buf[..end]).count();
        self.bytes_left -= end;
        self.out.write_all(&buf[..end])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// An error of the undo journal, told apart from one of the file.
fn journal_error(err: io::Error) -> io::Error {
    io::Error::new(err.kind(), JournalFailed(err))
}

/// The undo journal could not be written.
#[derive(Debug)]
struct JournalFailed(io::Error);

impl std::fmt::Display for JournalFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "cannot write the undo journal ({})", describe(&self.0))
    }
}

impl std::error::Error for JournalFailed {}

/// Why nothing more is rewritten, when `err` is the journal's: said once, not once a file.
fn journal_failure(err: &io::Error) -> Option<String> {
    let failed = err.get_ref()?.downcast_ref::<JournalFailed>()?;
    let err = io::Error::new(failed.0.kind(), describe(&failed.0));
    Some(journal::not_recorded(&journal::NotRecorded::Failed(err)))
}

/// The most bytes of changed lines held until their file is in place; past it they are shown by a
/// pass of their own.
const SHOWN_HELD: usize = 1 << 20;

/// Refusal of a file that changed between being searched and being rewritten.
const CHANGED: &str = "changed since it was searched; not written";

impl Stop {
    /// Why the file is not written, for `ba: PATH: reason`.
    fn reason(&self) -> String {
        match self {
            Stop::Binary => "binary (holds a NUL byte), not written".into(),
            Stop::Read(err) => describe(err),
            Stop::Taken(err) => format!("not written: {}", describe(err)),
        }
    }
}

/// A pass that read the whole file and found the lines the searcher found, or why not.
fn checked(found: Result<Pass, Stop>, searched: &Searched) -> Result<Pass, String> {
    match found {
        Ok(found) if found.matched != searched.digest => Err(CHANGED.into()),
        Ok(found) => Ok(found),
        Err(stop) => Err(stop.reason()),
    }
}

/// One rewritten line: `path:LINE:new line` in the pipe format (with the `\r` of a CRLF line end,
/// as a search prints it); on a terminal, the old line with each match shown as `(old -> new)`.
fn show_changed_line(out: &mut Vec<u8>, formatter: &mut Formatter, path: &[u8], line: &MatchingLine) {
    let mut number = itoa::Buffer::new();
    let number = number.format(line.number);
    if !formatter.is_terminal() {
        let cr: &[u8] = if line.end == b"\r\n" { b"\r" } else { b"" };
        for piece in [path, b":", number.as_bytes(), b":", line.new, cr, b"\n"] {
            out.extend_from_slice(piece);
        }
        return;
    }
    let column = line.swaps.first().map_or(1, |(was, _)| was.start + 1);
    formatter.location(out, path, number, column);
    let mut shown = Vec::with_capacity(line.old.len() + 16 * line.swaps.len());
    let mut spans = Vec::with_capacity(2 * line.swaps.len());
    let mut copied = 0;
    for (was, now) in line.swaps {
        shown.extend_from_slice(&line.old[copied..was.start]);
        shown.push(b'(');
        spans.push(shown.len()..shown.len() + was.len());
        shown.extend_from_slice(&line.old[was.clone()]);
        shown.extend_from_slice(b" -> ");
        spans.push(shown.len()..shown.len() + now.len());
        shown.extend_from_slice(&line.new[now.clone()]);
        shown.push(b')');
        copied = was.end;
    }
    shown.extend_from_slice(&line.old[copied..]);
    formatter.shown(out, &shown, &spans, Spans::Swaps, true, None);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The new content of `content` and the number of replacements, from one pass.
    fn rewrite(matcher: &Matcher, template: &Template, content: &[u8]) -> (Vec<u8>, u64) {
        let mut new = Vec::new();
        let found = stream::pass(matcher, template, &mut &content[..], &mut Scratch::default(), |piece| {
            match piece {
                Piece::Bom(bytes) | Piece::Kept(bytes) => new.extend_from_slice(bytes),
                Piece::Line(line) => new.extend_from_slice(&[line.new, line.end].concat()),
            }
            Ok(())
        });
        (new, found.ok().unwrap().replacements)
    }

    fn replace(pattern: &str, template: &str, content: &str) -> (String, u64) {
        let matcher = Matcher::compile(pattern, false).unwrap();
        let template = Template::parse(template, &matcher).unwrap();
        let (new, replacements) = rewrite(&matcher, &template, content.as_bytes());
        (String::from_utf8(new).unwrap(), replacements)
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
        let regex = Matcher::compile(r"(?P<a>x)(y)", false).unwrap();
        for template in ["$3", "${b}", r"\3", r"\g<b>", "$b"] {
            assert!(Template::parse(template, &regex).is_err(), "{template}");
        }
        assert!(Template::parse("${a}$2$0", &regex).is_ok());
    }

    #[test]
    fn preserve_case_follows_the_case_of_each_match() {
        let matcher = Matcher::compile("colou?r", true).unwrap();
        let template = Template::parse("color", &matcher).unwrap().preserving_case(true);
        let content = "colour Colour COLOUR cOLOUR 1colour\n";
        let (new, _) = rewrite(&matcher, &template, content.as_bytes());
        assert_eq!(String::from_utf8(new).unwrap(), "color Color COLOR color 1color\n");
    }

    /// As the search reads it: a UTF-8 byte-order mark is kept, and is not part of the first line.
    #[test]
    fn the_byte_order_mark_stays_outside_the_first_line() {
        assert_eq!(replace("^a", "X", "\u{feff}a\na\n"), ("\u{feff}X\nX\n".to_string(), 2));
        assert_eq!(replace(r"\Wa", "X", "\u{feff}a\n").0, "\u{feff}a\n");
    }

    /// `\A` and `\z` are a line's start and end, in every line of a block.
    #[test]
    fn text_anchors_mean_the_line_start_and_end() {
        assert_eq!(replace(r"\A", "> ", "a\nb\n").0, "> a\n> b\n");
        assert_eq!(replace(r"\z", ";", "a\r\nb").0, "a;\r\nb;");
    }

    /// A match at a CRLF line's `\r` puts nothing before it: the line changes as the same line with
    /// an LF end does, and `$` still matches before the `\r`.
    #[test]
    fn a_match_at_the_cr_of_a_crlf_line_end_is_no_match() {
        assert_eq!(replace(r"\W", "_", "foo-bar\r\nab\r\n"), ("foo_bar\r\nab\r\n".to_string(), 1));
        assert_eq!(replace(r"\s+", " ", "a  b\r\n"), ("a b\r\n".to_string(), 1));
        assert_eq!(replace(r"\r", "", "a\r\n\r\n"), ("a\r\n\r\n".to_string(), 0));
        assert_eq!(replace(r"b\r", "B", "ab\r\n").0, "aB\r\n");
        for (pattern, template) in [
            (r"\W", "_"),
            (r"\s*$", ";"),
            (r"\r?$", ";"),
            (r"\W*", "_"),
            (r"\b", "|"),
            (r"\B", "|"),
            ("x*", "!"),
            ("$", "!"),
            (r"\z", "!"),
        ] {
            let lf = "ab\nabx\na \n\n-\n";
            let (crlf, _) = replace(pattern, template, &lf.replace('\n', "\r\n"));
            assert_eq!(crlf, replace(pattern, template, lf).0.replace('\n', "\r\n"), "{pattern}");
        }
        // `\b$` finds nothing in the search's `ab\r`: nothing in `x ab\r` either.
        assert_eq!(replace(r"\b$|x", "!", "x ab\r\nab\r\n").0, "! ab\r\nab\r\n");
    }

    #[test]
    fn line_ends_and_the_missing_final_newline_stay() {
        assert_eq!(replace("$", "!", "a \r\nb\r\nc").0, "a !\r\nb!\r\nc!");
        assert_eq!(replace(r"\s+$", "", "a \r\nb\r\n").0, "a\r\nb\r\n");
        assert_eq!(replace("^", "> ", "a\nb\n").0, "> a\n> b\n");
        assert_eq!(replace("o", "0", "foo\nbar\nboo\n"), ("f00\nbar\nb00\n".to_string(), 4));
    }
}
