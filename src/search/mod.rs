//! The searchers: a pool of threads that take files from the indexer, search them with the engine
//! and send their results to the printer, already formatted when they know the lines' numbers.
//!
//! A file over two parts (`Config::part_size`, 8 MiB, 1 MiB with PCRE2) is cut into parts that every searcher helps with;
//! a file with many hits is sent in pieces, each paid for from the budget before it is sent.

pub mod engine;
mod loosened;
pub mod matcher;
pub(crate) mod pattern;
pub(crate) mod pcre;
mod sparse;

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::mem;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crossbeam_channel::{Receiver, Sender};
use memchr::memchr;

use crate::config::{Config, Keep, Mode};
use crate::decompress::{self, Format};
use crate::index::OpenDir;
use crate::messages::Message;
use crate::pipeline::{
    self, Backlog, Batch, Body, Budget, Charge, Entry, FileResult, KeptLines, Key, LineDigest, PartEnd,
    Report, SilentRun, Stamp, Task, PIECE_SIZE, SILENT_RUN_SIZE,
};
use crate::print::format::{FileTotals, Formatter, Shown};
use crate::search::engine::{
    count_newlines, lead_start, reads_as_text, Context, Engine, Line, Outcome, Searched, Sink, Window,
    BINARY_SNIFF,
};
use crate::search::matcher::Matcher;
use crate::search::pattern::Groups;
use crate::trace;
use crate::walk::listing::{self, Listing};

/// How much a searcher reads at a time: small enough to stay in cache, big enough for few syscalls.
const READ_SIZE: usize = 256 << 10;
// The first read of a file holds the bytes that say whether it is binary.
const _: () = assert!(READ_SIZE >= BINARY_SNIFF as usize);
/// A file known to be smaller than this is read into the searcher's own buffer of this size; any
/// other borrows one of `READ_SIZE` from the searchers' `BigBuffers`.
const SMALL_READ_SIZE: usize = 64 << 10;
/// The most results sent to the printer in one message.
const RESULTS_PER_BATCH: usize = 32;

/// One searcher thread.
pub struct Searcher {
    config: Arc<Config>,
    tasks: Receiver<Task>,
    /// Where listings go back to the indexer.
    listings: Sender<Listing>,
    /// Files sent to the searchers and not taken yet.
    backlog: Arc<Backlog>,
    received: Arc<Received>,
    big_files: Arc<BigFiles>,
    outbox: Outbox,
    formatter: Formatter,
    /// The buffer files are read into: the searcher's own, or one borrowed from `big_buffers`
    /// while `own` keeps its own.
    buf: Vec<u8>,
    own: Option<Vec<u8>>,
    big_buffers: Arc<BigBuffers>,
    /// Where the index checks that a file has not changed, and the index's number after the last
    /// file it was asked about.
    dir: OpenDir,
    next_doc: u32,
}

impl Searcher {
    /// Starts `config.workers` searchers. They share the big files' parts, so a searcher that opens
    /// a big file can hand its parts to the others.
    pub fn spawn_pool(
        config: &Arc<Config>,
        tasks: &Receiver<Task>,
        listings: &Sender<Listing>,
        backlog: &Arc<Backlog>,
        reports: &Sender<Report>,
        budget: &Arc<Budget>,
    ) -> io::Result<Vec<std::thread::JoinHandle<()>>> {
        let big_files = Arc::new(BigFiles::new(config.workers));
        let big_buffers = Arc::new(BigBuffers::default());
        let received = Arc::new(Received::default());
        (0..config.workers)
            .map(|i| {
                let searcher = Searcher {
                    config: Arc::clone(config),
                    tasks: tasks.clone(),
                    listings: listings.clone(),
                    backlog: Arc::clone(backlog),
                    received: Arc::clone(&received),
                    big_files: Arc::clone(&big_files),
                    outbox: Outbox {
                        reports: reports.clone(),
                        budget: Arc::clone(budget),
                        batch: Batch::default(),
                        files: 0,
                        prompt: config.output.flush_each_file,
                        quiet: config.output.ends_at_first_match(),
                        keep_paths: config.output.progress,
                    },
                    formatter: Formatter::new(&config.output, &config.matcher),
                    buf: vec![0; SMALL_READ_SIZE],
                    own: None,
                    big_buffers: Arc::clone(&big_buffers),
                    dir: OpenDir::default(),
                    next_doc: 0,
                };
                std::thread::Builder::new().name(format!("searcher-{i}")).spawn(move || searcher.run())
            })
            .collect()
    }

    /// Searches until the indexer's `Stop`, then helps with big files until none is left, then ends
    /// with `Report::Done`. Returns early only when the printer is gone.
    fn run(mut self) {
        let _ = self.search_tasks();
    }

    fn search_tasks(&mut self) -> Result<(), PrinterGone> {
        loop {
            if pipeline::answered() {
                return Err(PrinterGone);
            }
            // Parts come first: the printer may be waiting for one of them.
            self.search_parts()?;
            if self.search_received()? {
                continue;
            }
            let task = match self.tasks.try_recv() {
                Ok(task) => Ok(task),
                Err(_) => {
                    // About to wait: the printer may be waiting for what is batched.
                    self.outbox.flush()?;
                    trace::waiting("tasks", || self.tasks.recv())
                }
            };
            match task {
                Ok(Task::Entries { first_seq, entries }) => self.received.add(first_seq, entries),
                Ok(Task::List(task)) => {
                    let listing = listing::list(task, &self.config.walk, self.config.listing_index());
                    self.listings.send(listing).map_err(|_| PrinterGone)?;
                }
                Ok(Task::Stdin { seq }) => self.search_stdin(seq)?,
                // The indexer's sentinel, or the indexer gone (which a miscounted sentinel, or a
                // panic its thread reports, would leave): the same end, once the entries another
                // searcher received are taken.
                Ok(Task::Stop) | Err(_) => {
                    while self.search_received()? {}
                    // About to wait for parts: the printer may be waiting for what is batched.
                    self.outbox.flush()?;
                    break;
                }
            }
        }
        self.big_files.done_with_files();
        while let Some(part) = trace::waiting("parts", || self.big_files.wait_for_part()) {
            self.search_part(part)?;
        }
        self.outbox.flush()?;
        self.outbox.reports.send(Report::Done).map_err(|_| PrinterGone)
    }

    /// Searches the lowest entry received and not taken yet; false when there is none.
    fn search_received(&mut self) -> Result<bool, PrinterGone> {
        let Some((seq, entry)) = self.received.take() else { return Ok(false) };
        self.backlog.take(1);
        match entry {
            Entry::File(path) => {
                // (Where a file without a match prints nothing, the walk has ruled files out.)
                let index = self.config.index.as_ref().filter(|index| !index.by_listing);
                let dir = &mut self.dir;
                let now = || dir.identity(&path);
                match index.and_then(|index| index.ruled_out(&path, None, &mut self.next_doc, now)) {
                    Some(searched) => self.rule_out(seq, path, searched)?,
                    None => self.search_file(seq, path, false)?,
                }
            }
            Entry::RuledOut(files) => {
                self.outbox.send(ended(seq, (0, 1), PathBuf::new(), Outcome::RuledOut(files)))?
            }
            Entry::Named(path) => self.search_file(seq, path, true)?,
            Entry::Stdin => self.search_stdin(seq)?,
            Entry::Message(message) => self.outbox.send(reported(seq, message))?,
        }
        Ok(true)
    }

    fn search_parts(&mut self) -> Result<(), PrinterGone> {
        while let Some(part) = self.big_files.take() {
            self.search_part(part)?;
        }
        Ok(())
    }

    /// Searches standard input, as `<stdin>`.
    fn search_stdin(&mut self, seq: u64) -> Result<(), PrinterGone> {
        // Its first bytes are known only as it is read: a byte-order mark is looked for as it is.
        let mut decoded = self.config.encoding.reader(io::stdin().lock());
        self.search_window(&mut decoded, Job::whole(seq, PathBuf::from("<stdin>"), true), Window::WHOLE)
    }

    /// Searches a whole file, or the first part of a big one after handing out the rest.
    fn search_file(&mut self, seq: u64, path: PathBuf, named: bool) -> Result<(), PrinterGone> {
        if self.config.output_file.is_some_and(|output| is_file(&path, output)) {
            // A file named on the command line is refused as grep refuses it; a walked one is
            // passed over, as ripgrep passes it over.
            return self.outbox.send(match named {
                true => {
                    failed(Job::whole(seq, path, named), io::Error::other("input file is also the output"))
                }
                false => ended(seq, (0, 1), path, Outcome::Output),
            });
        }
        if let Some(format) = self.config.search_zip.then(|| Format::of(&path)).flatten() {
            return self.search_compressed(seq, path, format, named);
        }
        let mut file = match File::open(&path) {
            Ok(file) => file,
            Err(err) => return self.outbox.send(failed(Job::whole(seq, path, named), err)),
        };
        let metadata = file.metadata().ok().filter(|m| m.is_file());
        let size = metadata.as_ref().map(|m| m.len());
        self.fit_buffer(size);
        // The first block says whether the file is binary before it is cut into parts: a file of
        // NUL bytes is skipped at once, however big. (A small file is read whole.)
        // An error is met again, and reported, by the search's own first read.
        let sniff = self.buf.len().min(BINARY_SNIFF as usize);
        let read = read_first(&mut file, &mut self.buf[..sniff]).unwrap_or(0);
        let config = &*self.config;
        if config.encoding.decodes(&self.buf[..read]) {
            return self.search_decoded(seq, path, file, named);
        }
        let walked_text = !config.binary_as_text && !named;
        let nul_early = !config.binary_as_text && memchr(0, &self.buf[..read]).is_some();
        let binary = walked_text && nul_early;
        let sniffed = !binary && (read as u64 == BINARY_SNIFF || size == Some(read as u64));
        // A walked file's text ends at its first NUL byte, so at its first hole at the latest:
        // what lies beyond is never read.
        let mut text_size = size;
        if let Some(size) = size.filter(|&size| walked_text && size > read as u64) {
            match sparse::hole_after(&mut file, read as u64) {
                // The search reads the hole's first byte, and stops there.
                Ok(hole) => text_size = Some(hole.map_or(size, |hole| size.min(hole + 1))),
                Err(err) => {
                    self.return_buffer();
                    return self.outbox.send(failed(Job::whole(seq, path, named), err));
                }
            }
        }
        // A file's parts are searched as text from their first line: only once the first block
        // found none of it binary.
        // Nor a named file with binary data early: its parts could not know that what they hold
        // comes after a NUL byte, and is not shown.
        let splits = config.plan.splits && (sniffed || !walked_text) && !nul_early;
        let part_size = config.part_size;
        let parts = match text_size {
            Some(size) if size > 2 * part_size && splits => size.div_ceil(part_size) as u32,
            _ => 1,
        };
        if parts > 1 {
            self.big_files.add(seq, &path, parts, named);
        }
        let stamp = metadata.as_ref().map(Stamp::of);
        let end = if parts > 1 { Some(part_size) } else { text_size.filter(|&s| s > 0) };
        let first_nul = memchr(0, &self.buf[..read]).filter(|_| named && !config.binary_as_text);
        let binary_from_start =
            first_nul.filter(|&nul| !reads_as_text(&self.buf[..nul])).map(|nul| nul as u64);
        let window = Window { end, read, sniffed, binary_from_start, size, ..Window::WHOLE };
        let job = Job { seq, part: 0, parts, path, stamp, named };
        self.search_window(&mut file, job, window)
    }

    /// `--encoding`: searches a file's text decoded to UTF-8, whole: where its parts start is known
    /// only by decoding what comes before them.
    fn search_decoded(
        &mut self,
        seq: u64,
        path: PathBuf,
        mut file: File,
        named: bool,
    ) -> Result<(), PrinterGone> {
        match file.seek(SeekFrom::Start(0)) {
            Ok(_) => {
                let mut decoded = self.config.encoding.reader(file);
                self.search_window(&mut decoded, Job::whole(seq, path, named), Window::WHOLE)
            }
            Err(err) => self.outbox.send(failed(Job::whole(seq, path, named), err)),
        }
    }

    /// `-z`: searches the decompressed text of a compressed file, whole: where its parts start is
    /// known only by decompressing what comes before them.
    fn search_compressed(
        &mut self,
        seq: u64,
        path: PathBuf,
        format: Format,
        named: bool,
    ) -> Result<(), PrinterGone> {
        match File::open(&path) {
            Ok(file) => {
                let mut decoded = self.config.encoding.reader(decompress::open(format, file));
                self.search_window(&mut decoded, Job::whole(seq, path, named), Window::WHOLE)
            }
            Err(err) => self.outbox.send(failed(Job::whole(seq, path, named), err)),
        }
    }

    fn search_part(&mut self, part: Part) -> Result<(), PrinterGone> {
        let part_size = self.config.part_size;
        let start = part.index as u64 * part_size;
        let before = self.config.selection.before;
        let opened = File::open(&part.path).and_then(|file| {
            // The part's first line starts after the first newline from the byte before it. With
            // context before hits, reading starts that many lines earlier (the lead).
            let window = if before > 0 {
                use std::os::unix::fs::FileExt;
                let (origin, lead) =
                    lead_start(&mut |block, at| file.read_exact_at(block, at), start, before)?;
                Window { origin, lead, end: Some(start + part_size - origin), ..Window::WHOLE }
            } else {
                Window { origin: start - 1, skip_first_line: true, end: Some(part_size + 1), ..Window::WHOLE }
            };
            // A file is cut into parts only once its first block found it text.
            let size = file.metadata()?.len().checked_sub(window.origin);
            let window = Window { sniffed: true, size, ..window };
            (&file).seek(SeekFrom::Start(window.origin))?;
            Ok((file, window))
        });
        let job = Job {
            seq: part.seq,
            part: part.index,
            parts: part.count,
            path: part.path,
            stamp: None,
            named: part.named,
        };
        let result = match opened {
            Ok((mut file, window)) => self.search_window(&mut file, job, window),
            Err(err) => self.outbox.send(failed(job, err)),
        };
        result.and_then(|()| self.outbox.flush())
    }

    /// Searches `window` of `reader`, which is `job`, and sends the result.
    fn search_window(
        &mut self,
        reader: &mut impl io::Read,
        job: Job,
        window: Window,
    ) -> Result<(), PrinterGone> {
        if window.read == 0 {
            // Nothing read yet (standard input, a part, decoded or decompressed text): the size
            // that tells the buffer is the window's.
            self.fit_buffer(window.size);
        }
        let config = Arc::clone(&self.config);
        let engine = Engine {
            binary_as_text: config.binary_as_text,
            named: job.named,
            count_lines: config.output.pretty || job.parts > 1,
            count_binary: matches!(config.output.mode, Mode::Count { .. }),
            selection: config.selection,
            ..Engine::new(&config.matcher)
        };
        let result = self.collect(job, window.lead, |collector, buf| match config.null_data {
            true => {
                swap_line_ends(&mut buf[..window.read]);
                engine.search_reader(&mut NullData(reader), buf, window, collector)
            }
            false => engine.search_reader(reader, buf, window, collector),
        });
        self.return_buffer();
        self.outbox.send(result?)
    }

    /// Borrows a big buffer for a file that is not known to be small, unless one is borrowed.
    fn fit_buffer(&mut self, size: Option<u64>) {
        if self.own.is_none() && size.is_none_or(|size| size >= SMALL_READ_SIZE as u64) {
            self.own = Some(mem::replace(&mut self.buf, self.big_buffers.take()));
        }
    }

    /// Gives a borrowed buffer back, and takes the searcher's own again. A very long line, or -U's
    /// whole file, changed the buffer's size: that memory goes back to the allocator. (-U leaves it
    /// the size of the file, which may be less than the next file's first read needs.)
    fn return_buffer(&mut self) {
        match self.own.take() {
            Some(own) => {
                let borrowed = mem::replace(&mut self.buf, own);
                if borrowed.len() == READ_SIZE {
                    self.big_buffers.give_back(borrowed);
                }
            }
            None if self.buf.len() != SMALL_READ_SIZE => self.buf = vec![0; SMALL_READ_SIZE],
            None => {}
        }
    }

    /// Sends the result of a walked file the index rules out: what its search, which would find
    /// no hit, would send.
    fn rule_out(&mut self, seq: u64, path: PathBuf, searched: Searched) -> Result<(), PrinterGone> {
        let mut result = self.collect(Job::whole(seq, path, false), 0, |_, _| searched)?;
        if let Some(end) = &mut result.end {
            end.ruled_out = true;
        }
        self.outbox.send(result)
    }

    /// The result of `job`, which `search` comes to, its hits gathered by a collector.
    fn collect(
        &mut self,
        job: Job,
        lead: u64,
        search: impl FnOnce(&mut Collector, &mut Vec<u8>) -> Searched,
    ) -> Result<FileResult, PrinterGone> {
        let config = &*self.config;
        let Job { seq, part, parts, path, stamp, named: _ } = job;
        // A big file's parts are numbered and formatted by the printer, which knows where each
        // starts.
        let keep = match config.plan.keep {
            Keep::Formatted if parts > 1 => Keep::Lines,
            keep => keep,
        };
        if keep == Keep::Formatted {
            self.formatter.begin(config.stdin);
        }
        let mut collector = Collector {
            seq,
            part,
            parts,
            path,
            keep,
            matcher: &config.matcher,
            // (--stats and JSON's summary count the matches.)
            matches: self.formatter.shows_matches() || config.plan.editor || config.output.stats,
            groups: self.formatter.shows_groups() && config.matcher.has_groups,
            invert: config.selection.invert,
            formatter: &mut self.formatter,
            outbox: &mut self.outbox,
            body: match keep {
                Keep::Lines => Body::Lines(KeptLines::default()),
                Keep::Formatted | Keep::Count | Keep::Digest => Body::Formatted(Vec::new()),
            },
            hit_lines: 0,
            match_count: 0,
            totals: FileTotals::default(),
            lead,
            digest: LineDigest::default(),
            spans: Vec::new(),
            pieces: 0,
            settled: false,
            hung_up: false,
        };
        let searched = search(&mut collector, &mut self.buf);
        collector.finish(searched, stamp)
    }
}

/// What one search reads: part `part` of the `parts` of file `seq`.
struct Job {
    seq: u64,
    part: u32,
    parts: u32,
    path: PathBuf,
    /// The file's size and modification time when it was opened, for `-r`.
    stamp: Option<Stamp>,
    /// Named on the command line, or standard input.
    named: bool,
}

impl Job {
    /// A file searched whole.
    fn whole(seq: u64, path: PathBuf, named: bool) -> Job {
        Job { seq, part: 0, parts: 1, path, stamp: None, named }
    }
}

/// The printer is gone (the output was closed): stop.
struct PrinterGone;

/// The read buffers of `READ_SIZE` that the searchers share: most files fit a searcher's own small
/// buffer, and a bigger one is borrowed only while a file needs it. Searchers beyond the cores wait
/// their turn to run, and 64 of them on two cores need a few big buffers, not 64 (a quarter of
/// their peak memory when each had its own).
#[derive(Default)]
struct BigBuffers(Mutex<Vec<Vec<u8>>>);

impl BigBuffers {
    fn take(&self) -> Vec<u8> {
        self.lock().pop().unwrap_or_else(|| vec![0; READ_SIZE])
    }

    fn give_back(&self, buf: Vec<u8>) {
        self.lock().push(buf);
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Vec<u8>>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A searcher's results on their way to the printer: gathered into batches, each paid for from the
/// budget first.
struct Outbox {
    reports: Sender<Report>,
    budget: Arc<Budget>,
    batch: Batch,
    /// Files the batch holds results of: it goes at `RESULTS_PER_BATCH`.
    files: usize,
    /// A person watches the output: the result the printer waits for goes at once.
    prompt: bool,
    /// `-q`: a hit ends the search, wherever it is: it goes at once.
    quiet: bool,
    /// The progress line shows each file's directory: no file goes as counts alone.
    keep_paths: bool,
}

impl Outbox {
    /// Adds a result to the batch, which goes when full, when the searcher is about to wait, or at once
    /// when it is a piece or (on a terminal) the one the printer waits for. A file that prints
    /// nothing goes as its counts, in a run with the files before it where they are in a row.
    fn send(&mut self, mut result: FileResult) -> Result<(), PrinterGone> {
        let seq = result.seq;
        let (piece, answer) = (result.end.is_none(), self.quiet && result.hit_lines > 0);
        match result.silent().filter(|_| !self.keep_paths) {
            Some(files) => match self.batch.silent.last_mut().filter(|run| run.end == seq) {
                Some(run) => {
                    run.end += 1;
                    run.files.join(&files);
                }
                None => {
                    let charge = self.charge((seq, 0), SILENT_RUN_SIZE)?;
                    self.batch.silent.push(SilentRun { first: seq, end: seq + 1, files, charge });
                }
            },
            None => {
                result.charge = self.charge(result.key(), result.size())?;
                self.batch.results.push(result);
            }
        }
        self.files += 1;
        // A piece is big; the head, on a terminal, is what the person waits to see.
        let urgent = piece || answer || (self.prompt && self.budget.is_head(seq));
        if urgent || self.files >= RESULTS_PER_BATCH {
            self.flush()?;
        }
        if answer {
            pipeline::answer_found();
        }
        Ok(())
    }

    /// Charges a result (or a run) its `size`, waiting while the budget is spent.
    fn charge(&mut self, key: Key, size: usize) -> Result<Charge, PrinterGone> {
        match self.budget.try_charge(key, size) {
            Some(charge) => Ok(charge),
            None => {
                // What is held must go before waiting: the printer may be waiting for it.
                self.flush()?;
                Ok(trace::waiting("the budget", || self.budget.wait_charge(key, size)))
            }
        }
    }

    fn flush(&mut self) -> Result<(), PrinterGone> {
        if self.batch.is_empty() {
            return Ok(());
        }
        self.files = 0;
        self.reports.send(Report::Results(mem::take(&mut self.batch))).map_err(|_| PrinterGone)
    }
}

/// The engine's sink for one file (or part): keeps its lines as the printer wants them, and sends
/// them in pieces when they grow past `PIECE_SIZE`.
struct Collector<'s> {
    seq: u64,
    part: u32,
    parts: u32,
    path: PathBuf,
    keep: Keep,
    matcher: &'s Matcher,
    /// Whether the output shows the matches of each line, and the capture groups of its first.
    matches: bool,
    groups: bool,
    /// `-v`: hits are the lines that do not match, and show no match.
    invert: bool,
    formatter: &'s mut Formatter,
    outbox: &'s mut Outbox,
    body: Body,
    /// Hit lines and matches in the piece being made, and in the whole file (or part).
    hit_lines: u64,
    match_count: u64,
    totals: FileTotals,
    lead: u64,
    digest: LineDigest,
    /// Scratch space for a line's match and group spans.
    spans: Vec<Range<usize>>,
    /// Pieces sent so far.
    pieces: u32,
    /// The engine will take back none of the lines: pieces may go as soon as they are big enough.
    settled: bool,
    hung_up: bool,
}

impl Collector<'_> {
    fn result(&mut self, body: Body, end: Option<PartEnd>) -> FileResult {
        // The last piece takes the path; the pieces before it share it.
        let path = if end.is_some() { mem::take(&mut self.path) } else { self.path.clone() };
        let piece = self.pieces;
        self.pieces += 1;
        FileResult {
            seq: self.seq,
            part: self.part,
            parts: self.parts,
            piece,
            path,
            body,
            hit_lines: mem::take(&mut self.hit_lines),
            matches: mem::take(&mut self.match_count),
            lead: self.lead,
            end,
            charge: Charge::default(),
        }
    }

    /// Sends what the body holds as a piece once it is big enough.
    fn send_piece(&mut self) {
        if self.body.size() < PIECE_SIZE || self.hung_up {
            return;
        }
        let empty = match &self.body {
            // Room for a piece and the line that goes past it.
            Body::Formatted(_) => Body::Formatted(Vec::with_capacity(2 * PIECE_SIZE)),
            Body::Lines(_) => Body::Lines(KeptLines::default()),
        };
        let body = mem::replace(&mut self.body, empty);
        let piece = self.result(body, None);
        self.hung_up = self.outbox.send(piece).is_err();
    }

    /// The last piece, with what the search came to; a whole file's output ends with what is written
    /// once per file.
    fn finish(mut self, searched: Searched, stamp: Option<Stamp>) -> Result<FileResult, PrinterGone> {
        if self.hung_up {
            return Err(PrinterGone);
        }
        let mut body = mem::replace(&mut self.body, Body::Formatted(Vec::new()));
        let mut closing_bytes = 0;
        if let (Body::Formatted(bytes), 1, Keep::Formatted | Keep::Count) = (&mut body, self.parts, self.keep)
        {
            self.totals.bytes_searched = searched.bytes;
            self.totals.binary_match = searched.binary_match.is_some();
            let before = bytes.len();
            self.formatter.end(bytes, &self.path, &self.totals);
            closing_bytes = (bytes.len() - before) as u64;
        }
        let Searched { outcome, lines, bytes, binary_match, binary_from, gave_up } = searched;
        let digest = self.digest.finish();
        let end = PartEnd {
            outcome,
            lines,
            bytes,
            stamp,
            digest,
            binary_match,
            binary_from,
            gave_up,
            closing_bytes,
            ruled_out: false,
        };
        Ok(self.result(body, Some(end)))
    }

    /// Finds the matches (and groups) of `line` the output shows, into `spans`; returns how many
    /// of the spans are matches.
    fn find_spans(&mut self, line: &Line, hit: bool) -> usize {
        self.spans.clear();
        if !hit || self.invert {
            return 0;
        }
        if let Some(matches) = line.matches {
            self.spans.extend_from_slice(matches);
        } else if self.matches {
            self.matcher.matches(line.text, &mut self.spans);
        }
        let matches = self.spans.len();
        if self.groups {
            let mut groups = Groups::default();
            if self.matcher.captures_at(line.text, 0, &mut groups) {
                let count = self.matcher.pattern.group_names().len();
                self.spans.extend((1..count).map(|group| groups.get(group).unwrap_or(0..0)));
            }
        }
        matches
    }

    /// Shows a hit or a context line.
    fn show(&mut self, line: &Line, context: Option<Context>) {
        let matches = self.find_spans(line, context.is_none());
        if context.is_none() {
            self.match_count += matches as u64;
            self.totals.matches += matches as u64;
        }
        let (matches, groups) = self.spans.split_at(matches);
        match &mut self.body {
            Body::Formatted(bytes) => {
                let shown = Shown {
                    number: line.number,
                    offset: line.offset,
                    text: line.text,
                    terminated: line.terminated,
                    context,
                    matches,
                    groups,
                };
                self.formatter.line(bytes, &self.path, &shown);
            }
            Body::Lines(hits) => hits.push(line, context, matches.iter().cloned(), groups.iter().cloned()),
        }
        if self.settled {
            self.send_piece();
        }
    }
}

impl Sink for Collector<'_> {
    fn hit(&mut self, line: &Line) {
        // A hit of -U (the only lines that come with their matches) may span lines.
        let lines = match line.matches {
            Some(_) => 1 + count_newlines(line.text),
            None => 1,
        };
        self.hit_lines += lines;
        self.totals.hit_lines += lines;
        match self.keep {
            Keep::Digest => self.digest.add(line.number, line.text),
            Keep::Count => {
                if self.matches && !self.invert {
                    let matches = match line.matches {
                        Some(matches) => matches.len(),
                        None => self.matcher.count(line.text),
                    } as u64;
                    self.match_count += matches;
                    self.totals.matches += matches;
                }
            }
            Keep::Formatted | Keep::Lines => self.show(line, None),
        }
    }

    fn context(&mut self, line: &Line, why: Context) {
        if matches!(self.keep, Keep::Formatted | Keep::Lines) {
            self.show(line, Some(why));
        }
    }

    fn settled(&mut self) -> bool {
        self.settled = true;
        self.send_piece();
        !self.hung_up
    }

    fn forget(&mut self) {
        debug_assert!(!self.settled, "settled lines are never taken back");
        match &mut self.body {
            Body::Formatted(bytes) => bytes.clear(),
            Body::Lines(hits) => hits.clear(),
        }
        self.hit_lines = 0;
        self.match_count = 0;
        self.totals = FileTotals::default();
        self.digest = LineDigest::default();
        self.formatter.begin(false);
    }
}

/// `--null-data`: a reader whose NUL bytes read as `\n`, and `\n` as NUL, so that the engine's
/// lines are the NUL-separated records. The printer swaps them back.
struct NullData<'r, R>(&'r mut R);

impl<R: io::Read> io::Read for NullData<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        swap_line_ends(&mut buf[..n]);
        Ok(n)
    }
}

/// Swaps NUL and `\n` in `bytes`.
pub(crate) fn swap_line_ends(bytes: &mut [u8]) {
    for byte in bytes {
        *byte = match *byte {
            0 => b'\n',
            b'\n' => 0,
            other => other,
        };
    }
}

/// Reads the first block of a file into `buf` (one read, as the search would make).
fn read_first(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            read => return read,
        }
    }
}

/// Whether `path` is the file of this device and inode.
fn is_file(path: &Path, (dev, ino): (u64, u64)) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).is_ok_and(|metadata| metadata.dev() == dev && metadata.ino() == ino)
}

fn reported(seq: u64, message: Message) -> FileResult {
    let path = message.path.clone();
    ended(seq, (0, 1), path, Outcome::Reported(message))
}

fn failed(job: Job, err: io::Error) -> FileResult {
    ended(job.seq, (job.part, job.parts), job.path, Outcome::Failed(err))
}

/// A result with no hits and this outcome.
fn ended(seq: u64, (part, parts): (u32, u32), path: PathBuf, outcome: Outcome) -> FileResult {
    FileResult {
        seq,
        part,
        parts,
        piece: 0,
        path,
        body: Body::Formatted(Vec::new()),
        hit_lines: 0,
        matches: 0,
        lead: 0,
        end: Some(PartEnd::of(outcome)),
        charge: Charge::default(),
    }
}

/// A part of a big file that one searcher searches; its lines are the lines that start in it.
struct Part {
    seq: u64,
    path: PathBuf,
    index: u32,
    count: u32,
    /// The file was named on the command line.
    named: bool,
}

/// The entries the searchers received from the indexer and have not taken yet, in walk order:
/// every searcher takes the lowest, one file at a time, whoever received it.
///
/// The indexer sends entries in batches, to spare a message per file. Were a batch searched by the
/// searcher that received it, the others would search files far ahead in walk order, whose
/// results wait for the batch before them to be printed: where every file is slow to search and
/// prints much (`-P` with a backreference), they filled the results budget and waited, and a
/// searcher with a batch of big files left the others idle. Taken a file at a time, the files in
/// progress are the next ones in walk order, as many as there are searchers.
#[derive(Default)]
struct Received {
    entries: Mutex<VecDeque<(u64, Entry)>>,
    /// How many entries are held, readable without the lock.
    held: AtomicUsize,
}

impl Received {
    /// Adds a batch in its place in walk order (two searchers may add theirs in either order).
    fn add(&self, first_seq: u64, batch: Vec<Entry>) {
        let count = batch.len();
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let at = entries.partition_point(|(seq, _)| *seq < first_seq);
        let after = entries.split_off(at);
        entries.extend((first_seq..).zip(batch));
        entries.extend(after);
        self.held.fetch_add(count, Ordering::SeqCst);
    }

    /// The lowest entry not taken yet, with its number in walk order.
    fn take(&self) -> Option<(u64, Entry)> {
        if self.held.load(Ordering::SeqCst) == 0 {
            return None;
        }
        let entry = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop_front()?;
        self.held.fetch_sub(1, Ordering::SeqCst);
        Some(entry)
    }
}

/// The big files being searched, whose parts any searcher takes, lowest (file, part) first.
///
/// The part the printer waits for is never left behind: the searcher that finishes a part takes the
/// next one before any other work (and every part before it is printed), so when every other
/// searcher waits for the budget, that one still goes on.
struct BigFiles {
    state: Mutex<BigFilesState>,
    /// Parts not taken yet, readable without the lock.
    waiting: AtomicUsize,
    changed: Condvar,
}

struct BigFilesState {
    /// In walk order.
    files: VecDeque<BigFile>,
    /// Searchers still searching files: each may add a big file.
    searching: usize,
}

struct BigFile {
    seq: u64,
    path: PathBuf,
    named: bool,
    /// The next part to hand out, and how many parts there are.
    next: u32,
    count: u32,
}

impl BigFiles {
    fn new(searchers: usize) -> BigFiles {
        BigFiles {
            state: Mutex::new(BigFilesState { files: VecDeque::new(), searching: searchers }),
            waiting: AtomicUsize::new(0),
            changed: Condvar::new(),
        }
    }

    /// Hands out parts 1 to `count - 1` of file `seq` (the searcher that adds it searches part 0).
    fn add(&self, seq: u64, path: &Path, count: u32, named: bool) {
        let mut state = self.lock();
        let at = state.files.partition_point(|file| file.seq < seq);
        state.files.insert(at, BigFile { seq, path: path.to_path_buf(), named, next: 1, count });
        self.waiting.fetch_add(count as usize - 1, Ordering::SeqCst);
        self.changed.notify_all();
    }

    /// The lowest part not taken yet, if any.
    fn take(&self) -> Option<Part> {
        if self.waiting.load(Ordering::SeqCst) == 0 {
            return None;
        }
        Self::take_locked(&mut self.lock(), &self.waiting)
    }

    fn take_locked(state: &mut BigFilesState, waiting: &AtomicUsize) -> Option<Part> {
        let file = state.files.front_mut()?;
        let part = Part {
            seq: file.seq,
            path: file.path.clone(),
            index: file.next,
            count: file.count,
            named: file.named,
        };
        file.next += 1;
        if file.next == file.count {
            state.files.pop_front();
        }
        waiting.fetch_sub(1, Ordering::SeqCst);
        Some(part)
    }

    /// The caller searches no more files.
    fn done_with_files(&self) {
        self.lock().searching -= 1;
        self.changed.notify_all();
    }

    /// The next part, waiting while a searcher still searching files may add some; `None` when no
    /// part is left and none can come.
    fn wait_for_part(&self) -> Option<Part> {
        let mut state = self.lock();
        loop {
            if let Some(part) = Self::take_locked(&mut state, &self.waiting) {
                return Some(part);
            }
            if state.searching == 0 {
                return None;
            }
            state = self.changed.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    fn lock(&self) -> MutexGuard<'_, BigFilesState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn received_entries_are_taken_lowest_first_whoever_added_them() {
        let received = Received::default();
        let files = |names: &[&str]| names.iter().map(|name| Entry::File(PathBuf::from(name))).collect();
        received.add(3, files(&["d", "e"]));
        received.add(0, files(&["a", "b", "c"]));
        let taken: Vec<u64> = std::iter::from_fn(|| received.take()).map(|(seq, _)| seq).collect();
        assert_eq!(taken, vec![0, 1, 2, 3, 4]);
        received.add(5, files(&["f"]));
        assert!(matches!(received.take(), Some((5, Entry::File(path))) if path == Path::new("f")));
    }

    #[test]
    fn big_files_hand_out_the_lowest_part_first() {
        let big = BigFiles::new(1);
        big.add(7, Path::new("b"), 3, false);
        big.add(2, Path::new("a"), 2, false);
        let taken: Vec<(u64, u32)> = std::iter::from_fn(|| big.take()).map(|p| (p.seq, p.index)).collect();
        assert_eq!(taken, vec![(2, 1), (7, 1), (7, 2)]);
        big.done_with_files();
        assert!(big.wait_for_part().is_none());
    }
}
