//! The printer: one thread owns stdout. It takes the searchers' results in walk order from the
//! reorder buffer, writes them (formatting the hits the searchers left to it), reports each file's
//! errors in their place, hands the files with hits to the replacer (`-r`) and to the editor's list
//! (`-e`), keeps the counts and ends with the summary.

use std::io::{self, BufWriter, Stdout, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::Receiver;

use crate::config::Config;
use crate::edit::EditHit;
use crate::format::Formatter;
use crate::messages;
use crate::order::ReorderBuffer;
use crate::pipeline::{Body, Budget, Entry, FileResult, Outcome, PartEnd, Report, Task};
use crate::replace::{Applied, Replacer};
use crate::summary::Summary;
use crate::trace;

/// What the printer leaves when it is done.
pub struct Printed {
    pub summary: Summary,
    /// Every hit, kept only for `-e`.
    pub edit_hits: Vec<EditHit>,
    /// Writing the output failed (with `BrokenPipe` when its reader went away).
    pub output_error: Option<io::Error>,
}

pub struct Printer {
    config: Arc<Config>,
    started: Instant,
    out: BufWriter<Output>,
    order: ReorderBuffer,
    budget: Arc<Budget>,
    /// The file being printed.
    file: FileState,
    summary: Summary,
    /// Formats the hits of big files' parts and those kept for `-e`.
    formatter: Formatter,
    /// Scratch space for what `formatter` writes.
    formatted: Vec<u8>,
    replacer: Option<Replacer>,
    edit_hits: Vec<EditHit>,
}

#[derive(Default)]
struct FileState {
    seq: u64,
    /// Lines in the parts of the file already printed: a part's hits count from its own start.
    line_base: u64,
    /// The file turned out binary, unreadable or cut short part-way: nothing more of it is printed
    /// or counted.
    suppressed: bool,
    matched: bool,
}

impl Printer {
    pub fn new(
        config: Arc<Config>,
        budget: Arc<Budget>,
        replacer: Option<Replacer>,
        started: Instant,
    ) -> Printer {
        // With -r the rewrite is the job, not the output: it goes on when the reader goes away.
        let rewriting = config.replace.as_ref().is_some_and(|replace| !replace.dry_run);
        Printer {
            out: BufWriter::with_capacity(
                64 << 10,
                Output { stdout: io::stdout(), rewriting, closed: false },
            ),
            order: ReorderBuffer::default(),
            budget,
            file: FileState::default(),
            summary: Summary::default(),
            formatter: Formatter::new(&config.output),
            formatted: Vec::new(),
            replacer,
            edit_hits: Vec::new(),
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
        Printed { summary: self.summary, edit_hits: self.edit_hits, output_error: printed.err() }
    }

    fn print_all(&mut self, reports: &Receiver<Report>) -> io::Result<()> {
        let mut searchers_left = self.config.workers;
        while searchers_left > 0 {
            match trace::waiting("results", || reports.recv()) {
                Ok(Report::Results(results)) => {
                    for result in results {
                        self.order.push(result);
                        while let Some(result) = self.order.pop() {
                            let (charge, ended) = (result.charge, result.end.is_some());
                            self.print(result)?;
                            self.budget.release(charge);
                            if ended {
                                self.budget.advance(self.order.next());
                            }
                        }
                    }
                }
                Ok(Report::Done) => searchers_left -= 1,
                // A searcher died (a panic, which its thread reports): print what came.
                Err(_) => break,
            }
        }
        if self.config.output.pretty {
            self.summary.write(&mut self.out, &self.config, self.started.elapsed())?;
        }
        self.out.flush()
    }

    fn print(&mut self, result: FileResult) -> io::Result<()> {
        if result.seq != self.file.seq {
            self.file = FileState { seq: result.seq, ..FileState::default() };
        }
        if self.file.suppressed {
            return Ok(());
        }
        let FileResult { part, path, body, hit_lines, end, .. } = result;
        // Counted first: a write that fails (a closed pipe) still leaves the match counted.
        if hit_lines > 0 && !self.file.matched {
            self.file.matched = true;
            self.summary.files_matched += 1;
        }
        match body {
            Body::Formatted(bytes) => self.out.write_all(&bytes)?,
            Body::Hits(hits) => {
                self.formatted.clear();
                let shown = self.formatter.path(&path);
                self.formatter.hits(&mut self.formatted, &shown, self.file.line_base, &hits);
                self.out.write_all(&self.formatted)?;
                // Hits from standard input have no file to open.
                if self.config.edit && !self.config.stdin {
                    self.edit_hits.extend(hits.hits.iter().map(|hit| EditHit {
                        path: path.clone(),
                        line_number: self.file.line_base + hit.line_number,
                        text: String::from_utf8_lossy(hits.line(hit)).into_owned(),
                    }));
                }
            }
        }
        if let Some(end) = end {
            self.end_part(part, &path, end)?;
        }
        if hit_lines > 0 && self.config.output.flush_each_file {
            self.out.flush()?;
        }
        Ok(())
    }

    /// Counts a part that ended, reports what went wrong with it, and with `-r` rewrites its file.
    fn end_part(&mut self, part: u32, path: &Path, end: PartEnd) -> io::Result<()> {
        match &end.outcome {
            Outcome::Searched | Outcome::Truncated => {
                self.summary.files_searched += u64::from(part == 0);
                self.summary.lines_searched += end.lines;
                self.summary.bytes_searched += end.bytes;
                self.file.suppressed = matches!(end.outcome, Outcome::Truncated);
            }
            Outcome::Binary => {
                self.summary.binary_skipped += u64::from(part == 0);
                self.file.suppressed = true;
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
        self.file.line_base += end.lines;
        if self.file.matched {
            if let Some(replacer) = &mut self.replacer {
                // The replacer shows its changes on the output it borrows beside it.
                let (replacer, out) = (replacer, &mut self.out);
                match replacer.apply(&self.config.matcher, path, &end, out)? {
                    Applied::Refused => self.summary.write_failed = true,
                    Applied::Untouched => {}
                    Applied::Changed { replacements } => {
                        self.summary.files_changed += 1;
                        self.summary.replacements += replacements;
                    }
                }
                if self.config.output.flush_each_file {
                    self.out.flush()?;
                }
            }
        }
        Ok(())
    }
}

/// Standard output, which with `rewriting` drops what it is given once its reader went away (the
/// pipe is closed), instead of failing.
struct Output {
    stdout: Stdout,
    rewriting: bool,
    closed: bool,
}

impl Output {
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

impl Write for Output {
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
pub fn print_file_list(tasks: &Receiver<Task>) -> io::Result<bool> {
    let mut out = BufWriter::with_capacity(64 << 10, io::stdout());
    let mut listed = false;
    while let Ok(Task::Entries { entries, .. }) = trace::waiting("entries", || tasks.recv()) {
        for entry in entries {
            match entry {
                Entry::File(path) => {
                    listed = true;
                    out.write_all(path.as_os_str().as_encoded_bytes())?;
                    out.write_all(b"\n")?;
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
