//! What the stages pass each other: tasks from the indexer to the searchers, results from the
//! searchers to the printer, the sentinels that end each stage, and the budget that bounds the
//! bytes between the searchers and the printer.
//!
//! Every stage ends the same way, by its sentinel: the indexer sends one `Task::Stop` per searcher,
//! each searcher answers with one `Report::Done`, and the printer stops after the last of them. A
//! stage that finds its next stage gone (the printer stops at a closed pipe) stops at once instead:
//! that is an abort, not an end.

use std::fs::Metadata;
use std::ops::Range;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::messages::Message;
use crate::search::engine::{Context, Line, Outcome, Searched};
use crate::walk::listing::ListTask;

/// The answer is known (`-q` found its match): every stage stops taking work. The printer ends the
/// search once it reads the match, but until then the walk and the other searchers, busy, held the
/// cores it needed to run on: on two cores, `-q return` on the kernel tree took a fifth to a half
/// longer. A stage that stops leaves without its sentinels (a searcher sends no `Done`), which is
/// safe only because a searcher sets it after sending a match to a printer that ends the process
/// at the first match (`ends_at_first_match`, the same test on both sides), without joining the
/// stages. One search per process: it is never cleared.
static ANSWERED: AtomicBool = AtomicBool::new(false);

pub(crate) fn answer_found() {
    ANSWERED.store(true, Ordering::Relaxed);
}

pub(crate) fn answered() -> bool {
    ANSWERED.load(Ordering::Relaxed)
}

/// What the indexer sends a searcher.
pub enum Task {
    /// Entries in walk order, numbered from `first_seq`.
    Entries { first_seq: u64, entries: Vec<Entry> },
    /// Standard input, shown as `<stdin>`.
    Stdin { seq: u64 },
    /// A directory to list for the indexer, when the searchers have little else to do.
    List(ListTask),
    /// The sentinel: this searcher gets no more tasks.
    Stop,
}

/// One numbered place in the walk order.
pub enum Entry {
    /// A file found while walking.
    File(PathBuf),
    /// A file named on the command line: searched in full, binary data or not.
    Named(PathBuf),
    /// `-` among the paths: standard input, searched as a named file is.
    Stdin,
    /// A problem the walk met (a missing root, an unreadable directory, a bad line in an ignore
    /// file): it is reported in its place among the results, the same for any number of searchers.
    Message(Message),
    /// Files of a directory that the index rules out, left out of the walk and only counted.
    RuledOut(SilentFiles),
}

/// Files that print nothing (no hit, nothing to warn of), counted as the summary counts them: the
/// files the index rules out, whose searches would find nothing, and runs of files searched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SilentFiles {
    pub(crate) files: u64,
    /// Skipped as binary.
    pub(crate) binary: u64,
    /// Searched up to a NUL byte.
    pub(crate) cut: u64,
    pub(crate) lines: u64,
    pub(crate) bytes: u64,
}

impl SilentFiles {
    /// A file whose search ended with `outcome` after `lines` and `bytes`, counted as the printer
    /// counts a file's end (a binary file's lines are not searched ones); None for an outcome the
    /// printer must see (a failure, a message, output).
    fn one(outcome: &Outcome, lines: u64, bytes: u64) -> Option<SilentFiles> {
        let searched = SilentFiles { files: 1, lines, bytes, ..SilentFiles::default() };
        match outcome {
            Outcome::Searched => Some(searched),
            Outcome::Truncated => Some(SilentFiles { cut: 1, ..searched }),
            Outcome::Binary => Some(SilentFiles { files: 1, binary: 1, ..SilentFiles::default() }),
            _ => None,
        }
    }

    /// Adds a file the index rules out, as its search would have ended.
    pub(crate) fn add(&mut self, searched: &Searched) {
        if let Some(file) = SilentFiles::one(&searched.outcome, searched.lines, searched.bytes) {
            self.join(&file);
        }
    }

    pub(crate) fn join(&mut self, other: &SilentFiles) {
        self.files += other.files;
        self.binary += other.binary;
        self.cut += other.cut;
        self.lines += other.lines;
        self.bytes += other.bytes;
    }
}

/// Files in a row in walk order that print nothing, sent and kept as their counts (most files of
/// most searches). The printer joins runs that meet: what waits behind a file slow to search is a
/// few runs, not a result for each file after it, which filled the budget while the searcher of
/// that file waited for a core.
pub(crate) struct SilentRun {
    /// The walk-order numbers of its files: `first..end`.
    pub(crate) first: u64,
    pub(crate) end: u64,
    pub(crate) files: SilentFiles,
    pub(crate) charge: Charge,
}

/// What a run costs on its way and waiting in the printer's map.
pub(crate) const SILENT_RUN_SIZE: usize = 2 * std::mem::size_of::<(u64, SilentRun)>();

/// What a searcher sends the printer.
pub enum Report {
    /// Results in walk order for this searcher (not overall: the printer puts them in order).
    Results(Batch),
    /// The sentinel: this searcher has sent everything.
    Done,
}

/// A searcher's results sent at once: files that print something (or may), and runs of files
/// that print nothing.
#[derive(Default)]
pub struct Batch {
    pub(crate) results: Vec<FileResult>,
    pub(crate) silent: Vec<SilentRun>,
}

impl Batch {
    pub(crate) fn is_empty(&self) -> bool {
        self.results.is_empty() && self.silent.is_empty()
    }
}

/// The position of a result in walk order: the file's number, and the part of a big file.
pub(crate) type Key = (u64, u32);
/// The position of a piece of a result: its key and the piece's number.
pub(crate) type PieceKey = (u64, u32, u32);

/// The results of one file, or of one part of a big file, or a piece of them: a file with many hits
/// is sent in pieces of about `PIECE_SIZE` bytes, so that no message holds a whole file's hits.
pub struct FileResult {
    /// The indexer's walk-order number of the file: results are printed in this order.
    pub(crate) seq: u64,
    /// Which part of the file this is, of how many (0 of 1 for a file searched whole).
    pub(crate) part: u32,
    pub(crate) parts: u32,
    /// The piece's number within its part.
    pub(crate) piece: u32,
    pub(crate) path: PathBuf,
    pub(crate) body: Body,
    /// Hit lines in this piece, and matches (counted only when the output needs the number).
    pub(crate) hit_lines: u64,
    pub(crate) matches: u64,
    /// Lines at the start of a big file's part that belong to the part before, shown only as the
    /// context of its first hits: hit line numbers count from the first of them.
    pub(crate) lead: u64,
    /// `None` while more pieces of this part follow; on the last piece, what the part came to.
    pub(crate) end: Option<PartEnd>,
    /// What this result holds of the budget, given back when it is printed.
    pub(crate) charge: Charge,
}

/// The hits a result carries.
pub(crate) enum Body {
    /// Formatted by the searcher, ready to print: a whole file's line numbers are known there.
    Formatted(Vec<u8>),
    /// Left to the printer to format: the lines of a big file's part are numbered from the part's
    /// start, and only the printer knows how many lines the parts before it had; and `-e` keeps them.
    Lines(KeptLines),
}

/// How a file (or part) ended.
pub(crate) struct PartEnd {
    pub(crate) outcome: Outcome,
    /// Lines in this part: hit line numbers in `Body::Lines` count from the part's first line.
    pub(crate) lines: u64,
    pub(crate) bytes: u64,
    /// The file's size and modification time when it was opened, for `-r`.
    pub(crate) stamp: Option<Stamp>,
    /// A digest of the matching lines and their numbers, for `-r` to check that the file it rewrites
    /// still has the lines that were searched.
    pub(crate) digest: u64,
    /// A line with binary data matched, in a named file (where its first NUL byte is).
    pub(crate) binary_match: Option<u64>,
    /// A named file's first NUL byte, met in this part (`Searched::binary_from`).
    pub(crate) binary_from: Option<u64>,
    /// The first line the pattern gave up on, numbered from the part's lead (as its hits).
    pub(crate) gave_up: Option<u64>,
    /// The index ruled the file out: it was not read.
    pub(crate) ruled_out: bool,
    /// The bytes of what ends the file's output (the JSON `end`), which the JSON summary's
    /// `bytes_printed` leaves out, as ripgrep's does.
    pub(crate) closing_bytes: u64,
}

impl PartEnd {
    /// The end of a file or part that searched no line.
    pub(crate) fn of(outcome: Outcome) -> PartEnd {
        PartEnd {
            outcome,
            lines: 0,
            bytes: 0,
            stamp: None,
            digest: 0,
            binary_match: None,
            binary_from: None,
            gave_up: None,
            ruled_out: false,
            closing_bytes: 0,
        }
    }
}

/// Lines for the printer to number and format (hits and context lines): the lines one after
/// another, their match and capture group spans, and a `KeptLine` naming each one's slices. The
/// printer shows each as a `format::Shown`, the borrowed view the formats take.
#[derive(Default)]
pub(crate) struct KeptLines {
    pub(crate) lines: Vec<KeptLine>,
    pub(crate) text: Vec<u8>,
    /// Match and capture-group ranges, relative to their line.
    pub(crate) spans: Vec<Range<usize>>,
}

/// One line kept: a hit or a context line.
pub(crate) struct KeptLine {
    pub(crate) line_number: u64,
    /// Where the line starts in its file, and whether a `\n` ends it.
    pub(crate) offset: u64,
    pub(crate) terminated: bool,
    /// A hit, or a context line (why).
    pub(crate) context: Option<Context>,
    pub(crate) line: Range<usize>,
    /// Where each match is in the line (only when the output shows matches).
    pub(crate) matches: Range<usize>,
    /// What each capture group of the line's first match captured (only when shown).
    pub(crate) groups: Range<usize>,
}

impl KeptLines {
    /// Appends a line with its match and group spans.
    pub(crate) fn push(
        &mut self,
        line: &Line,
        context: Option<Context>,
        matches: impl IntoIterator<Item = Range<usize>>,
        groups: impl IntoIterator<Item = Range<usize>>,
    ) {
        let text_start = self.text.len();
        self.text.extend_from_slice(line.text);
        let matches_start = self.spans.len();
        self.spans.extend(matches);
        let groups_start = self.spans.len();
        self.spans.extend(groups);
        self.lines.push(KeptLine {
            line_number: line.number,
            offset: line.offset,
            terminated: line.terminated,
            context,
            line: text_start..self.text.len(),
            matches: matches_start..groups_start,
            groups: groups_start..self.spans.len(),
        });
    }

    pub(crate) fn line(&self, hit: &KeptLine) -> &[u8] {
        &self.text[hit.line.clone()]
    }

    pub(crate) fn matches(&self, hit: &KeptLine) -> &[Range<usize>] {
        &self.spans[hit.matches.clone()]
    }

    pub(crate) fn groups(&self, hit: &KeptLine) -> &[Range<usize>] {
        &self.spans[hit.groups.clone()]
    }

    /// Bytes held, roughly: what the budget counts.
    pub(crate) fn size(&self) -> usize {
        self.text.len()
            + self.spans.len() * std::mem::size_of::<Range<usize>>()
            + self.lines.len() * std::mem::size_of::<KeptLine>()
    }

    /// Bytes allocated: what the budget charges.
    fn capacity(&self) -> usize {
        self.text.capacity()
            + self.spans.capacity() * std::mem::size_of::<Range<usize>>()
            + self.lines.capacity() * std::mem::size_of::<KeptLine>()
    }

    pub(crate) fn clear(&mut self) {
        self.lines.clear();
        self.text.clear();
        self.spans.clear();
    }
}

impl Body {
    pub(crate) fn size(&self) -> usize {
        match self {
            Body::Formatted(bytes) => bytes.len(),
            Body::Lines(hits) => hits.size(),
        }
    }

    fn capacity(&self) -> usize {
        match self {
            Body::Formatted(bytes) => bytes.capacity(),
            Body::Lines(hits) => hits.capacity(),
        }
    }
}

impl FileResult {
    pub(crate) fn key(&self) -> Key {
        (self.seq, self.part)
    }

    pub(crate) fn piece_key(&self) -> PieceKey {
        (self.seq, self.part, self.piece)
    }

    /// Bytes this result holds (its own size and the path's included): what it is charged.
    pub(crate) fn size(&self) -> usize {
        std::mem::size_of::<FileResult>() + self.path.as_os_str().len() + self.body.capacity()
    }

    /// What the summary counts of a whole file that prints nothing and has nothing to warn of, or
    /// None if it prints something (or may: a big file's part; the last piece of a file whose hits
    /// went in pieces before it, which has no hit of its own).
    pub(crate) fn silent(&self) -> Option<SilentFiles> {
        let end = self.end.as_ref()?;
        let quiet = self.parts == 1
            && self.piece == 0
            && self.hit_lines == 0
            && self.body.size() == 0
            && end.gave_up.is_none()
            && end.binary_match.is_none()
            && end.binary_from.is_none()
            && !end.ruled_out
            && end.closing_bytes == 0;
        quiet.then(|| SilentFiles::one(&end.outcome, end.lines, end.bytes)).flatten()
    }
}

/// Files sent to the searchers and not taken yet: when few are left, the searchers are about to run
/// dry, and the indexer hands them directories to list.
#[derive(Default)]
pub struct Backlog(AtomicUsize);

impl Backlog {
    pub(crate) fn add(&self, files: usize) {
        self.0.fetch_add(files, Ordering::Relaxed);
    }

    pub(crate) fn take(&self, files: usize) {
        self.0.fetch_sub(files, Ordering::Relaxed);
    }

    pub(crate) fn files(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// What identifies a version of a file cheaply: its size and modification time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub(crate) size: u64,
    pub(crate) mtime: i64,
    pub(crate) mtime_nsec: i64,
}

impl Stamp {
    pub(crate) fn of(metadata: &Metadata) -> Stamp {
        Stamp { size: metadata.len(), mtime: metadata.mtime(), mtime_nsec: metadata.mtime_nsec() }
    }
}

/// A digest of matching lines and their numbers: the searcher takes one of what it found, and `-r`
/// compares it with one of what it finds in the file it is about to rewrite.
#[derive(Default)]
pub(crate) struct LineDigest(std::collections::hash_map::DefaultHasher);

impl LineDigest {
    pub(crate) fn add(&mut self, line_number: u64, line: &[u8]) {
        use std::hash::Hash;
        line_number.hash(&mut self.0);
        line.hash(&mut self.0);
    }

    pub(crate) fn finish(&self) -> u64 {
        std::hash::Hasher::finish(&self.0)
    }
}

/// The bytes of results on their way to the printer or waiting there for their turn: the memory a
/// search needs beyond its read buffers, whatever the tree and however many lines match.
const RESULTS_BUDGET: usize = 8 << 20;

/// The budget for `searchers` searchers: `RESULTS_BUDGET` shared by those that can run at once, and
/// an eighth of it when eight times as many take turns on the cores. A searcher waiting for a core
/// holds back the results after its own, which fill the budget while it waits: at 16 searchers on
/// two cores, 8 MiB of them took the peak from 22 to 29 MiB. At most one searcher per core, the
/// whole budget keeps every searcher busy while the printer prints a million lines.
pub fn results_budget(searchers: usize) -> usize {
    let running = crate::config::running(searchers);
    (RESULTS_BUDGET * running / searchers).max(RESULTS_BUDGET / 8)
}

/// The tasks on their way to the searchers, per searcher that can run at once (tasks are a few
/// paths each: bounded by count).
pub const TASKS_PER_SEARCHER: usize = 256;

/// The task channel's bound for `searchers` searchers: `TASKS_PER_SEARCHER` for each that can run
/// at once, and room for every searcher's `Stop`. Searchers beyond the cores wait their turn to run
/// and need no tasks of their own waiting (64 searchers on two cores had room for 16,384 tasks of
/// up to 32 paths each).
pub fn task_capacity(searchers: usize) -> usize {
    TASKS_PER_SEARCHER * crate::config::running(searchers) + searchers
}

/// A piece is sent once its body holds this many bytes.
pub(crate) const PIECE_SIZE: usize = 64 << 10;

/// The bytes of results sent by the searchers and not printed yet (in the channel or waiting for
/// their turn in the printer's reorder buffer) are bounded: a searcher waits before sending more.
///
/// Without deadlock: the printer only ever waits for the result next in walk order (the head), so
/// the head is never made to wait for the budget once it holds nothing beyond it; it may go over it
/// by a quarter of the limit (at least one result at a time), so that it streams while the budget is
/// full of the results after it. Every
/// other searcher waits until the printer frees bytes or until its own result becomes the head,
/// which the printer announces (`advance`). The head is always held by a searcher that can send it,
/// or is a part of a big file that the searcher which finished the part before takes next (see
/// `search::BigFiles`), so the printer always gets it. Should every searcher wait all the same
/// while the printer waits for results (none holding the head), the one whose result comes first
/// goes on over the limit: a search never stops for good, whatever the order its parts were taken
/// in. While the printer prints, it frees bytes as it goes, however slowly its reader reads: then
/// nobody goes over (a searcher of `ba a file | less` waits for `less`).
pub struct Budget {
    limit: usize,
    /// The searchers that charge the budget: when all of them wait, one goes on.
    searchers: usize,
    /// Bytes charged and not released; changed without the lock while under the limit.
    in_use: AtomicUsize,
    /// The file the printer waits for, readable without the lock.
    head_seq: AtomicU64,
    /// Searchers waiting on `changed`: only then does a release take the lock to wake them.
    waiters: AtomicUsize,
    /// The printer waits for results (rather than printing them). False until it first waits: the
    /// searchers start before it, and must not take its absence for a wait.
    printer_idle: AtomicBool,
    state: Mutex<BudgetState>,
    changed: Condvar,
}

struct BudgetState {
    head: Key,
    /// Bytes charged to the head beyond the limit and not printed yet.
    head_over: usize,
    /// The printer is gone: nobody waits any more.
    closed: bool,
    /// The results the waiting searchers wait to send, and how many wait for each.
    waiting: std::collections::BTreeMap<Key, usize>,
}

/// A result's share of the budget.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Charge {
    bytes: usize,
    /// Charged beyond the limit, as the head.
    over: bool,
}

impl Budget {
    pub fn new(limit: usize, searchers: usize) -> Budget {
        Budget {
            limit,
            searchers,
            in_use: AtomicUsize::new(0),
            head_seq: AtomicU64::new(0),
            waiters: AtomicUsize::new(0),
            printer_idle: AtomicBool::new(false),
            state: Mutex::new(BudgetState {
                head: (0, 0),
                head_over: 0,
                closed: false,
                waiting: std::collections::BTreeMap::new(),
            }),
            changed: Condvar::new(),
        }
    }

    /// Charges `bytes` for the result at `key` if that can be done without waiting.
    pub(crate) fn try_charge(&self, key: Key, bytes: usize) -> Option<Charge> {
        self.within_limit(bytes).or_else(|| self.beyond_limit(&mut self.lock(), key, bytes))
    }

    /// Charges `bytes` for the result at `key`, waiting as long as the budget is spent.
    pub(crate) fn wait_charge(&self, key: Key, bytes: usize) -> Charge {
        if let Some(charge) = self.within_limit(bytes) {
            return charge;
        }
        let mut state = self.lock();
        // Counted before the check, so that a release after the check knows to wake us.
        let waiters = self.waiters.fetch_add(1, Ordering::SeqCst) + 1;
        *state.waiting.entry(key).or_default() += 1;
        if waiters >= self.searchers {
            // Everyone waits now: the first of them must learn it goes on.
            self.changed.notify_all();
        }
        let charge = loop {
            if let Some(charge) = self.beyond_limit(&mut state, key, bytes) {
                break charge;
            }
            let everyone_waits = self.waiters.load(Ordering::SeqCst) >= self.searchers
                && self.printer_idle.load(Ordering::SeqCst);
            if everyone_waits && state.waiting.keys().next() == Some(&key) {
                self.in_use.fetch_add(bytes, Ordering::SeqCst);
                break Charge { bytes, over: false };
            }
            state = self.changed.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
        };
        match state.waiting.get_mut(&key) {
            Some(count) if *count > 1 => *count -= 1,
            _ => {
                state.waiting.remove(&key);
            }
        }
        self.waiters.fetch_sub(1, Ordering::SeqCst);
        charge
    }

    /// Charges `bytes` if they fit under the limit (or if nothing is held: one result bigger than
    /// the limit must go too).
    fn within_limit(&self, bytes: usize) -> Option<Charge> {
        let mut in_use = self.in_use.load(Ordering::SeqCst);
        loop {
            if in_use != 0 && in_use + bytes > self.limit {
                return None;
            }
            match self.in_use.compare_exchange_weak(
                in_use,
                in_use + bytes,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return Some(Charge { bytes, over: false }),
                Err(now) => in_use = now,
            }
        }
    }

    /// With the lock held: charges the head beyond the limit, or anything once the printer is gone.
    fn beyond_limit(&self, state: &mut BudgetState, key: Key, bytes: usize) -> Option<Charge> {
        if state.closed {
            return Some(Charge::default());
        }
        if let Some(charge) = self.within_limit(bytes) {
            return Some(charge);
        }
        if key == state.head && (state.head_over == 0 || state.head_over + bytes <= self.limit / 4) {
            state.head_over += bytes;
            self.in_use.fetch_add(bytes, Ordering::SeqCst);
            return Some(Charge { bytes, over: true });
        }
        None
    }

    /// The printer is done with a result.
    pub(crate) fn release(&self, charge: Charge) {
        self.in_use.fetch_sub(charge.bytes, Ordering::SeqCst);
        if charge.over {
            self.lock().head_over -= charge.bytes;
            self.changed.notify_all();
        } else if self.waiters.load(Ordering::SeqCst) > 0 {
            let _state = self.lock();
            self.changed.notify_all();
        }
    }

    /// The printer starts or stops waiting for results.
    pub(crate) fn printer_waits(&self, idle: bool) {
        self.printer_idle.store(idle, Ordering::SeqCst);
        // Waiters count themselves under the lock before they check: none can be missed.
        if idle && self.waiters.load(Ordering::SeqCst) > 0 {
            let _state = self.lock();
            self.changed.notify_all();
        }
    }

    /// The printer now waits for the result at `head`.
    pub(crate) fn advance(&self, head: Key) {
        let mut state = self.lock();
        state.head = head;
        self.head_seq.store(head.0, Ordering::SeqCst);
        // Waiters count themselves under the lock: none can be missed. (A notification is a
        // system call, which every file would pay for otherwise.)
        if self.waiters.load(Ordering::SeqCst) > 0 {
            self.changed.notify_all();
        }
    }

    /// Whether the printer waits for file `seq`: then its result is worth sending at once.
    pub(crate) fn is_head(&self, seq: u64) -> bool {
        self.head_seq.load(Ordering::Relaxed) == seq
    }

    /// The printer stopped (the output was closed): no searcher waits any more.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, BudgetState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every searcher waits and none holds the head (it is a part nobody took yet): the one whose
    /// result comes first in walk order goes on, so that the search goes on.
    #[test]
    fn when_every_searcher_waits_while_the_printer_waits_the_first_result_goes_on() {
        let budget = std::sync::Arc::new(Budget::new(10, 2));
        let _full = budget.try_charge((1, 0), 10).unwrap();
        budget.advance((1, 1));
        let (tx, rx) = std::sync::mpsc::channel();
        let waiting: Vec<_> = [(7, 0), (5, 2)]
            .into_iter()
            .map(|key| {
                let (budget, tx) = (std::sync::Arc::clone(&budget), tx.clone());
                std::thread::spawn(move || {
                    budget.wait_charge(key, 4);
                    tx.send(key).unwrap();
                })
            })
            .collect();
        // While the printer prints, it frees bytes as it goes: nobody goes over.
        assert!(rx.recv_timeout(std::time::Duration::from_millis(200)).is_err());
        budget.printer_waits(true);
        let first = rx.recv_timeout(std::time::Duration::from_secs(10)).expect("one goes on");
        assert_eq!(first, (5, 2));
        // The other waits until the budget frees bytes, or it is alone.
        assert!(rx.recv_timeout(std::time::Duration::from_millis(200)).is_err());
        budget.close();
        assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(10)), Ok((7, 0)));
        waiting.into_iter().for_each(|thread| thread.join().unwrap());
    }

    #[test]
    fn the_head_may_go_over_the_limit_by_a_quarter_of_it() {
        let budget = Budget::new(100, 2);
        let first = budget.try_charge((5, 0), 80).unwrap();
        assert!(budget.try_charge((6, 0), 80).is_none(), "over the limit and not the head");
        budget.advance((6, 0));
        let over = budget.try_charge((6, 0), 80).unwrap();
        assert!(budget.try_charge((6, 0), 10).is_none(), "over by no more than a quarter of the limit");
        budget.release(over);
        budget.release(first);
        assert!(budget.try_charge((7, 0), 100).is_some(), "everything given back");
    }

    #[test]
    fn a_result_bigger_than_the_limit_goes_when_nothing_else_is_held() {
        let budget = Budget::new(10, 2);
        assert!(budget.try_charge((3, 0), 1000).is_some());
    }

    #[test]
    fn a_waiting_searcher_goes_when_it_becomes_the_head() {
        let budget = std::sync::Arc::new(Budget::new(10, 2));
        let held = budget.try_charge((0, 0), 10).unwrap();
        let waiter = {
            let budget = std::sync::Arc::clone(&budget);
            std::thread::spawn(move || budget.wait_charge((1, 0), 10))
        };
        std::thread::sleep(std::time::Duration::from_millis(20));
        budget.advance((1, 0));
        waiter.join().unwrap();
        budget.release(held);
    }
}
