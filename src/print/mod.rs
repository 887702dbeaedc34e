//! The printer: one thread owns stdout. It takes the searchers' results in walk order from the
//! reorder buffer, writes them (formatting the hits the searchers left to it), reports each file's
//! errors in their place, hands the files with hits to the replacer (`-r`) and to the editor's list
//! (`-e`), keeps the counts and ends with the summary.

pub(crate) mod format;
mod order;
pub(crate) mod progress;
pub(crate) mod summary;

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::{Receiver, RecvError, RecvTimeoutError};

use crate::config::{Config, Mode, Style};
use crate::edit::EditList;
use crate::exit_code::ExitCode;
use crate::messages;
use crate::pipeline::{Body, Budget, Entry, FileResult, PartEnd, Report, SilentFiles, Task};
use crate::print::order::{ReorderBuffer, Turn};
use crate::print::summary::Summary;
use crate::replace::{Applied, Replacer, Searched};
use crate::sanitize::printable_path;
use crate::search::engine::{Context, Outcome};
use crate::trace;
use format::{FileTotals, Formatter, Shown};

/// What the printer leaves when it is done.
pub struct Printed {
    /// What the search came to.
    pub exit_code: ExitCode,
    /// Every hit, kept only for `-e`.
    pub edit_list: Option<EditList>,
    /// Writing the output failed (with `BrokenPipe` when its reader went away).
    pub output_error: Option<io::Error>,
    /// The search ended before the searchers did (`-q` found a match): nothing is left to wait for.
    pub stopped_early: bool,
}

pub struct Printer {
    config: Arc<Config>,
    started: Instant,
    out: BufWriter<Destination>,
    order: ReorderBuffer,
    budget: Arc<Budget>,
    /// The file being printed.
    file: PrintedFile,
    summary: Summary,
    /// Totals over every file, for the JSON summary, and the bytes written but those that end each
    /// file's output (as ripgrep counts them).
    totals: FileTotals,
    bytes_printed: u64,
    /// A file before this one wrote lines: the next file's are set apart (`--`, or a blank line
    /// under `--heading`).
    lines_written: bool,
    /// Formats the lines of big files' parts and those kept for `-e`.
    formatter: Formatter,
    /// Scratch space for what `formatter` writes.
    formatted: Vec<u8>,
    replacer: Option<Replacer>,
    edit_list: Option<EditList>,
    stopped_early: bool,
}

#[derive(Default)]
struct PrintedFile {
    seq: u64,
    /// Lines in the parts of the file already printed: a part's lines count from its own start.
    line_base: u64,
    /// The file turned out binary, unreadable or cut short part-way: nothing more of it is printed
    /// or counted.
    suppressed: bool,
    matched: bool,
    /// Lines of this file are written: it is set apart from the file before.
    set_apart: bool,
    /// Over the parts of a big file, for what is written once at its end.
    totals: FileTotals,
    /// A named file's binary match was told.
    binary_told: bool,
    /// A named file's first NUL byte, met by a part before: the hits of the parts after it are
    /// binary data, not shown (told as a binary match).
    binary_from: Option<u64>,
}

impl Printer {
    pub fn new(
        config: Arc<Config>,
        budget: Arc<Budget>,
        replacer: Option<Replacer>,
        edit_list: Option<EditList>,
        started: Instant,
    ) -> Printer {
        // With -r the rewrite is the job, not the output: it goes on when the reader goes away.
        let rewriting = config.replace.as_ref().is_some_and(|replace| !replace.dry_run);
        Printer {
            out: BufWriter::with_capacity(
                64 << 10,
                Destination {
                    stdout: progress::Stdout::new(&config.output, started),
                    rewriting,
                    closed: false,
                },
            ),
            order: ReorderBuffer::default(),
            budget,
            file: PrintedFile::default(),
            summary: Summary::default(),
            totals: FileTotals::default(),
            bytes_printed: 0,
            lines_written: false,
            formatter: Formatter::new(&config.output, &config.matcher),
            formatted: Vec::new(),
            replacer,
            edit_list,
            stopped_early: false,
            config,
            started,
        }
    }

    /// Prints results until every searcher has sent its `Done`. A failed write (the reader of a pipe
    /// went away) ends the printing; what was printed until then is counted.
    pub fn run(mut self, reports: Receiver<Report>) -> Printed {
        let printed = self.print_all(&reports);
        // Searchers waiting for the budget must not wait for a printer that is gone.
        self.budget.close();
        if let Some(replacer) = self.replacer.take() {
            replacer.finish();
        }
        let exit_code = if self.stopped_early {
            ExitCode::Matched
        } else {
            self.summary.exit_code(self.config.output.mode == Mode::FilesWithoutMatch)
        };
        Printed {
            exit_code,
            edit_list: self.edit_list,
            output_error: printed.err(),
            stopped_early: self.stopped_early,
        }
    }

    fn print_all(&mut self, reports: &Receiver<Report>) -> io::Result<()> {
        // JSON's summary, which ripgrep prints even with -q, waits for every file, as --stats does.
        let quiet = self.config.output.ends_at_first_match();
        // Each searcher ends with its `Done`; the printer ends when every searcher is gone, so
        // that no count of sentinels can keep it waiting.
        loop {
            match self.next_report(reports)? {
                Ok(Report::Results(batch)) => {
                    // -q: the first match anywhere ends the search, whatever comes before it.
                    if quiet && batch.results.iter().any(|result| result.hit_lines > 0) {
                        self.summary.files_matched += 1;
                        self.stopped_early = true;
                        return Ok(());
                    }
                    for run in batch.silent {
                        self.order.push_silent(run, |charge| self.budget.release(charge));
                    }
                    for result in batch.results {
                        self.order.push(result);
                    }
                    self.print_ready()?;
                }
                Ok(Report::Done) => {}
                // Every searcher ended (or died, which its thread reports): print what came.
                Err(_) => break,
            }
        }
        if let Some(replacer) = &mut self.replacer {
            for applied in replacer.settle(&self.config.matcher, &mut self.out)? {
                count_rewrite(&mut self.summary, applied);
            }
        }
        let elapsed = self.started.elapsed();
        let summary = &self.summary;
        if summary.files_searched == 0
            && summary.binary_skipped == 0
            && !self.config.stdin
            && !messages::errored()
            && !messages::silenced()
        {
            // As ripgrep says it: an exit code of 1 alone would hide a filter that left nothing.
            self.out.flush()?;
            let filters = crate::walk::listing::filters_that_skipped();
            messages::notice(&match filters.is_empty() {
                true => "no file was searched: the paths given hold none".to_string(),
                false => format!(
                    "no file was searched: the filters left none ({}); ba --files lists what a search reads",
                    filters.join("; ")
                ),
            });
        }
        if self.config.output.style == Style::Json {
            self.formatted.clear();
            let (searched, matched) = (self.summary.files_searched, self.summary.files_matched);
            let printed = self.bytes_printed;
            format::json_summary(&mut self.formatted, elapsed, searched, matched, &self.totals, printed);
            self.out.write_all(&self.formatted)?;
        } else if self.config.output.pretty && !quiet {
            self.summary.write(&mut self.out, &self.config, elapsed)?;
        } else if self.config.output.stats {
            self.summary.write_stats(&mut self.out, &self.totals, self.bytes_printed, elapsed)?;
        }
        self.out.flush()
    }

    /// The next report, showing the progress line whenever it is due meanwhile.
    fn next_report(&mut self, reports: &Receiver<Report>) -> io::Result<Result<Report, RecvError>> {
        if let Ok(report) = reports.try_recv() {
            return Ok(Ok(report));
        }
        // Only while the printer waits may searchers that all wait go over the budget.
        self.budget.printer_waits(true);
        let report = self.wait_for_report(reports);
        self.budget.printer_waits(false);
        report
    }

    fn wait_for_report(&mut self, reports: &Receiver<Report>) -> io::Result<Result<Report, RecvError>> {
        loop {
            let Some(due) = self.out.get_ref().stdout.due() else {
                return Ok(trace::waiting("results", || reports.recv()));
            };
            if Instant::now() >= due {
                // What was written goes first, on its own lines.
                if !self.out.buffer().is_empty() {
                    self.out.flush()?;
                }
                self.out.get_mut().stdout.show(&self.summary);
                continue;
            }
            match trace::waiting("results", || reports.recv_deadline(due)) {
                Ok(report) => return Ok(Ok(report)),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(Err(RecvError)),
            }
        }
    }

    /// Prints the results whose turn has come.
    fn print_ready(&mut self) -> io::Result<()> {
        while let Some(turn) = self.order.pop() {
            match turn {
                Turn::File(result) => {
                    let (charge, ended) = (result.charge, result.end.is_some());
                    self.print(result)?;
                    self.budget.release(charge);
                    if !ended {
                        continue;
                    }
                }
                Turn::Silent(run) => {
                    self.count_silent(&run.files);
                    self.budget.release(run.charge);
                }
            }
            self.budget.advance(self.order.next());
        }
        Ok(())
    }

    /// Counts files that printed nothing, in the summary and in JSON's (which counts the bytes of
    /// the files it ended).
    fn count_silent(&mut self, files: &SilentFiles) {
        self.summary.count_silent(files);
        self.totals.bytes_searched += files.bytes;
    }

    fn print(&mut self, result: FileResult) -> io::Result<()> {
        if result.seq != self.file.seq || (result.part == 0 && result.piece == 0) {
            self.file = PrintedFile { seq: result.seq, ..PrintedFile::default() };
            self.formatter.begin(self.config.stdin);
        }
        if self.file.suppressed {
            return Ok(());
        }
        let FileResult { part, parts, path, mut body, hit_lines, matches, lead, end, .. } = result;
        // Counted first: a write that fails (a closed pipe) still leaves the match counted.
        if hit_lines > 0 && !self.file.matched {
            self.file.matched = true;
            self.summary.files_matched += 1;
        }
        self.file.totals.hit_lines += hit_lines;
        self.file.totals.matches += matches;
        if let Some(offset) = self.file.binary_from.filter(|_| self.formatter.shows_lines()) {
            body = Body::Formatted(Vec::new());
            if hit_lines > 0 {
                self.binary_matched(&path, offset)?;
            }
        }
        match body {
            Body::Formatted(bytes) => self.write_lines(&bytes)?,
            Body::Lines(hits) => {
                self.formatted.clear();
                // A part's lines count from its lead, which belongs to the parts before.
                let base = self.file.line_base - lead;
                for hit in &hits.lines {
                    let line = hits.line(hit);
                    let shown = Shown {
                        number: base + hit.line_number,
                        offset: hit.offset,
                        text: line,
                        terminated: hit.terminated,
                        context: hit.context.map(|context| match context {
                            Context::Before { hit } => Context::Before { hit: base + hit },
                            Context::After => Context::After,
                        }),
                        matches: hits.matches(hit),
                        groups: hits.groups(hit),
                    };
                    self.formatter.line(&mut self.formatted, &path, &shown);
                    // Hits from standard input have no file to open.
                    if let Some(edit_list) = self.edit_list.as_mut().filter(|_| hit.context.is_none()) {
                        match self.config.stdin {
                            true => edit_list.push_stdin(),
                            false => edit_list.push(
                                &path,
                                shown.number,
                                line,
                                shown.matches.first().map_or(0, |m| m.start),
                            ),
                        }
                    }
                }
                let formatted = std::mem::take(&mut self.formatted);
                self.write_lines(&formatted)?;
                self.formatted = formatted;
            }
        }
        if let Some(end) = end {
            self.end_part(part, parts, &path, end, lead)?;
        }
        if hit_lines > 0 && self.config.output.flush_each_file {
            self.out.flush()?;
        }
        self.out.get_mut().stdout.passed(&path);
        Ok(())
    }

    /// A named file's binary data (from its first NUL byte, at `offset`) matched: its lines were
    /// not shown, but it matched. Said once, and counted as a match.
    fn binary_matched(&mut self, path: &Path, offset: u64) -> io::Result<()> {
        if std::mem::replace(&mut self.file.binary_told, true) {
            return Ok(());
        }
        self.file.totals.binary_match = true;
        if !self.file.matched {
            self.file.matched = true;
            self.summary.files_matched += 1;
        }
        // With -r the replacer says why it does not write the file: one message is enough. Where
        // no line is printed (-q, -l, -c), nothing was left out to tell of, as in ripgrep.
        if self.replacer.is_none() && self.formatter.shows_lines() && !self.config.output.quiet {
            self.out.flush()?;
            let found = format!("binary file matches (found \"\\0\" byte around offset {offset})");
            messages::warning(path, &found);
        }
        Ok(())
    }

    /// Writes a file's lines, set apart from the lines of the files before.
    fn write_lines(&mut self, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        if !self.file.set_apart {
            self.file.set_apart = true;
            if self.lines_written && self.formatter.shows_lines() {
                if let Some(separator) = self.formatter.between_files() {
                    self.out.write_all(separator)?;
                    self.out.write_all(&[self.formatter.line_end()])?;
                }
            }
            self.lines_written = true;
        }
        self.bytes_printed += bytes.len() as u64;
        self.out.write_all(bytes)
    }

    /// Counts a part that ended, reports what went wrong with it, ends a big file's output at its
    /// last part, and with `-r` rewrites the file.
    fn end_part(&mut self, part: u32, parts: u32, path: &Path, end: PartEnd, lead: u64) -> io::Result<()> {
        self.summary.ruled_out += u64::from(end.ruled_out);
        self.bytes_printed -= end.closing_bytes;
        match &end.outcome {
            Outcome::Searched | Outcome::Truncated => {
                if let Some(number) = end.gave_up {
                    self.out.flush()?;
                    let line = self.file.line_base - lead + number;
                    let reason = format!("line {line}: the pattern backtracks too much (PCRE2 match limit)");
                    messages::error(path, &reason);
                }
                self.summary.files_searched += u64::from(part == 0);
                self.summary.lines_searched += end.lines;
                self.summary.bytes_searched += end.bytes;
                self.file.totals.bytes_searched += end.bytes;
                if matches!(end.outcome, Outcome::Truncated) {
                    self.summary.binary_cut += 1;
                    self.file.suppressed = true;
                }
            }
            Outcome::Binary => {
                self.summary.binary_skipped += u64::from(part == 0);
                self.file.suppressed = true;
            }
            Outcome::Output => self.file.suppressed = true,
            Outcome::RuledOut(files) => {
                self.count_silent(files);
                self.summary.ruled_out += files.files;
            }
            Outcome::Failed(err) => {
                // What was printed before comes first on a shared terminal too.
                self.out.flush()?;
                messages::io_error(path, err);
                self.file.suppressed = true;
            }
            Outcome::Reported(message) => {
                self.out.flush()?;
                message.report();
            }
        }
        if let Some(offset) = end.binary_match {
            self.binary_matched(path, offset)?;
        }
        self.file.binary_from = self.file.binary_from.or(end.binary_from);
        self.file.line_base += end.lines;
        let last = part + 1 == parts || self.file.suppressed;
        if last && matches!(end.outcome, Outcome::Searched | Outcome::Truncated) {
            self.totals.hit_lines += self.file.totals.hit_lines;
            self.totals.matches += self.file.totals.matches;
            self.totals.bytes_searched += self.file.totals.bytes_searched;
            if parts > 1 {
                self.formatted.clear();
                self.formatter.end(&mut self.formatted, path, &self.file.totals);
                let formatted = std::mem::take(&mut self.formatted);
                self.out.write_all(&formatted)?;
                self.formatted = formatted;
            }
        }
        if self.file.matched && last {
            if let Some(replacer) = &mut self.replacer {
                // The replacer shows its changes on the output it borrows beside it.
                let (replacer, out) = (replacer, &mut self.out);
                let applied = replacer.apply(&self.config.matcher, path, Searched::from(&end), out)?;
                count_rewrite(&mut self.summary, applied);
                if self.config.output.flush_each_file {
                    self.out.flush()?;
                }
            }
        }
        Ok(())
    }
}

/// What `-r` did to a file, in the summary's counts.
fn count_rewrite(summary: &mut Summary, applied: Applied) {
    match applied {
        Applied::Refused => summary.write_failed = true,
        Applied::Untouched | Applied::Held => {}
        Applied::Changed { replacements } => {
            summary.files_changed += 1;
            summary.replacements += replacements;
        }
    }
}

/// Standard output, which with `rewriting` drops what it is given once its reader went away (the
/// pipe is closed), instead of failing.
struct Destination {
    stdout: progress::Stdout,
    rewriting: bool,
    closed: bool,
}

impl Destination {
    fn dropping_after_close<T>(&mut self, result: io::Result<T>, dropped: T) -> io::Result<T> {
        match result {
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe && self.rewriting => {
                self.closed = true;
                Ok(dropped)
            }
            other => other,
        }
    }
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let written = self.stdout.write(buf);
        self.dropping_after_close(written, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let flushed = self.stdout.flush();
        self.dropping_after_close(flushed, ())
    }
}

/// `--files`: prints each file the indexer would send to search, and each problem it met, in walk
/// order, until its `Stop`. Returns whether a file was listed.
pub fn print_file_list(tasks: &Receiver<Task>, config: &Config) -> io::Result<bool> {
    let output = &config.output;
    let mut out = BufWriter::with_capacity(64 << 10, io::stdout());
    let mut listed = false;
    let terminator = if output.null { b'\0' } else { b'\n' };
    while let Ok(Task::Entries { entries, .. }) = trace::waiting("entries", || tasks.recv()) {
        for entry in entries {
            match entry {
                // -q: whether there is a file to list is all that is asked.
                // Standard input is no file to list; `--files` rules nothing out.
                Entry::Stdin | Entry::RuledOut(_) => {}
                Entry::File(_) | Entry::Named(_) if output.quiet => listed = true,
                Entry::File(path) | Entry::Named(path) => {
                    listed = true;
                    // The name's own bytes for the next program; escaped for a person's terminal.
                    let shown = match output.style {
                        Style::Terminal => Cow::Owned(printable_path(&path).into_owned().into_bytes()),
                        _ => Cow::Borrowed(path.as_os_str().as_encoded_bytes()),
                    };
                    match output.path_separator {
                        Some(separator) => out.write_all(&format::separated(shown, separator))?,
                        None => out.write_all(&shown)?,
                    }
                    out.write_all(&[terminator])?;
                }
                Entry::Message(message) => {
                    out.flush()?;
                    message.report();
                }
            }
        }
    }
    out.flush()?;
    Ok(listed)
}
