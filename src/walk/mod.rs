//! The indexer: the one stage that decides what is searched and gives every file its place in the
//! walk order (the roots in the order given; in each directory its entries sorted by name, depth
//! first).
//!
//! It reads the directories itself while the searchers have enough to do. When they run short, it
//! hands them directories to list, ahead of the walk, and puts the listings they send back
//! together: so on many cores the walk's system calls spread over every core, and on few cores
//! nothing is handed over that the indexer could do as cheaply itself. Directories are listed
//! lowest key first (keys compare in walk order), and only a bounded number ahead of the walk.

pub mod listing;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossbeam_channel::{unbounded, Receiver, Sender, TrySendError};

use crate::config::{Config, Mode, Root};
use crate::messages::{describe, Message};
use crate::pipeline::{Backlog, Entry, Task};
use crate::trace;
use listing::{Ancestor, DirKey, DotNames, Item, ListTask, Listing, RootWalk, Rules};

/// The most entries sent to the searchers in one message.
const ENTRIES_PER_TASK: usize = 32;
/// Listings handed out to the pool and not walked yet, per pool thread: enough to keep it busy
/// ahead of the walk.
const LISTINGS_AHEAD: usize = 16;
/// No directory is listed ahead of the walk while the listings waiting for it hold this many
/// entries: memory stays flat on any tree.
const ENTRIES_AHEAD: usize = 1 << 12;

pub struct Indexer {
    config: Arc<Config>,
    /// Where the numbered entries go (the searchers, or the `--files` lister), and how many take
    /// them: each gets one `Task::Stop` at the end.
    entries: Sender<Task>,
    takers: usize,
    /// The threads that list directories when they have nothing else to do.
    pool: Pool,
    /// Entries found but not sent yet, numbered from `batch_seq`.
    batch: Vec<Entry>,
    batch_seq: u64,
    batch_limit: usize,
    /// Directories known and not listed or handed out yet, lowest key (first in walk order) first.
    unasked: BinaryHeap<Reverse<Queued>>,
    /// Listings made and not walked yet.
    arrived: HashMap<DirKey, Listing>,
    /// Listings handed out to the pool and not back yet.
    handed_out: usize,
    /// Entries of the listings waiting for the walk.
    entries_ahead: usize,
    /// Directories the walk has entered: no more listings than these are handed out at once.
    entered: usize,
}

/// The indexer's side of the threads that list directories for it.
pub struct Pool {
    /// Their task channel, where `Task::List` goes: the searchers' own, or with `--files` the
    /// listers'.
    tasks: Sender<Task>,
    listings: Receiver<Listing>,
    threads: usize,
    /// How many of them can run at once: no more than the cores.
    running: usize,
    /// The searchers' backlog when they list (they take the entries); `None` for the `--files`
    /// listers, which only list, and get their own `Stop`s.
    backlog: Option<Arc<Backlog>>,
}

/// Files left per searcher under which the searchers are about to run dry.
const HUNGRY: usize = 8;

impl Pool {
    /// The threads have little else to do than list.
    fn hungry(&self) -> bool {
        match &self.backlog {
            Some(backlog) => backlog.files() < HUNGRY * self.running,
            None => self.tasks.len() < self.running,
        }
    }
}

/// The pool of `threads` threads that take `tasks`, and the channel their listings come back on.
pub fn pool(tasks: Sender<Task>, threads: usize, backlog: Option<Arc<Backlog>>) -> (Pool, Sender<Listing>) {
    // Unbounded: the indexer keeps few listings ahead (`LISTINGS_AHEAD` per thread).
    let (listings_tx, listings) = unbounded();
    let running = crate::config::running(threads);
    (Pool { tasks, listings, threads, running, backlog }, listings_tx)
}

/// Walks the roots with the indexer and a pool that lists directories for it, and hands the numbered
/// entries (`Task::Entries`) to `consume` as they come: `--files` prints them, `--index-build` reads
/// them.
pub fn walk_files<T>(config: &Arc<Config>, consume: impl FnOnce(&Receiver<Task>) -> T) -> anyhow::Result<T> {
    let (task_tx, task_rx) = crossbeam_channel::bounded(64);
    let (pool_tx, pool_rx) = crossbeam_channel::bounded(config.workers * 4);
    let (pool, listings) = pool(pool_tx, config.workers, None);
    let listers = spawn_listers(config, &pool_rx, &listings)?;
    drop((pool_rx, listings));
    let indexer = Indexer::new(Arc::clone(config), task_tx, 1, pool);
    let indexer = std::thread::Builder::new().name("indexer".into()).spawn(move || indexer.run())?;
    let consumed = consume(&task_rx);
    // A consumer that stopped early (a closed pipe) leaves the walk to find its reader gone.
    drop(task_rx);
    for stage in listers.into_iter().chain([indexer]) {
        stage.join().map_err(|_| anyhow::anyhow!("a walking thread panicked"))?;
    }
    Ok(consumed)
}

/// `--files`: threads that only list directories for the indexer, until their `Stop`.
fn spawn_listers(
    config: &Arc<Config>,
    tasks: &Receiver<Task>,
    listings: &Sender<Listing>,
) -> io::Result<Vec<std::thread::JoinHandle<()>>> {
    (0..config.workers)
        .map(|i| {
            let (config, tasks, listings) = (Arc::clone(config), tasks.clone(), listings.clone());
            std::thread::Builder::new().name(format!("lister-{i}")).spawn(move || {
                while let Ok(Task::List(task)) = trace::waiting("directories", || tasks.recv()) {
                    if listings.send(listing::list(task, &config.walk, config.listing_index())).is_err() {
                        return;
                    }
                }
            })
        })
        .collect()
}

/// A directory waiting to be listed, ordered by its key.
struct Queued(ListTask);

impl PartialEq for Queued {
    fn eq(&self, other: &Queued) -> bool {
        self.0.key == other.0.key
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Queued) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Queued) -> std::cmp::Ordering {
        self.0.key.cmp(&other.0.key)
    }
}

/// The consumers hung up: nothing more to do.
struct ConsumersGone;

impl Indexer {
    /// An indexer whose entries are taken by `takers` threads on `entries`.
    pub fn new(config: Arc<Config>, entries: Sender<Task>, takers: usize, pool: Pool) -> Indexer {
        Indexer {
            config,
            entries,
            takers,
            pool,
            batch: Vec::new(),
            batch_seq: 0,
            batch_limit: 1,
            unasked: BinaryHeap::new(),
            arrived: HashMap::new(),
            handed_out: 0,
            entries_ahead: 0,
            entered: 0,
        }
    }

    /// Walks every root, then sends each consumer its `Stop`. Returns early only when the consumers
    /// are gone (the output was closed).
    pub fn run(mut self) {
        let config = Arc::clone(&self.config);
        let walked = if config.stdin {
            self.entries.send(Task::Stdin { seq: 0 }).map_err(|_| ConsumersGone)
        } else {
            (0..)
                .zip(&config.roots)
                .try_for_each(|(index, root)| self.walk_root(index, root))
                .and_then(|()| self.flush())
        };
        if walked.is_err() {
            return;
        }
        let mut stops = vec![(&self.entries, self.takers)];
        if self.pool.backlog.is_none() {
            stops.push((&self.pool.tasks, self.pool.threads));
        }
        for (channel, count) in stops {
            for _ in 0..count {
                if channel.send(Task::Stop).is_err() {
                    return;
                }
            }
        }
    }

    fn walk_root(&mut self, index: u32, root: &Root) -> Result<(), ConsumersGone> {
        if root.path.as_os_str() == "-" {
            return self.send(Entry::Stdin);
        }
        let metadata = match std::fs::metadata(&root.path) {
            Ok(metadata) => metadata,
            Err(err) => return self.send(Entry::Message(Message::error(&root.path, describe(&err)))),
        };
        if !metadata.is_dir() {
            // A path the user named is searched whatever it is (ignored, hidden, a pipe from `<(cmd)`).
            return self.send(Entry::Named(root.path.clone()));
        }
        let (ignore_files, follow) = (self.config.walk.ignore_files, self.config.walk.follow);
        let (rules, absolute) = if ignore_files { self.rules_above(&root.path)? } else { (None, None) };
        let ancestors = follow.then(|| {
            Arc::new(Ancestor { id: (metadata.dev(), metadata.ino()), path: root.path.clone(), parent: None })
        });
        let task = ListTask {
            key: vec![index],
            path: root.path.clone(),
            depth: 0,
            rules,
            root: Arc::new(RootWalk { path: root.path.clone(), implicit: root.implicit, absolute }),
            ancestors,
        };
        let key = task.key.clone();
        self.unasked.push(Reverse(Queued(task)));
        self.walk_dir(key)
    }

    /// The ignore rules of the directories above a root, up to the top of its repository (or of the
    /// file system), so that `ba x -d src` inside a repository obeys the repository's rules; and
    /// the root's absolute path, which entries are matched by against those rules.
    fn rules_above(&mut self, root: &Path) -> Result<(Option<Arc<Rules>>, Option<PathBuf>), ConsumersGone> {
        // Resolved (no `.`, `..` or links), so that its ancestors are the directories really above it.
        let Ok(absolute) = std::fs::canonicalize(root) else { return Ok((None, None)) };
        let mut parents: Vec<&Path> = absolute.ancestors().skip(1).collect();
        // Stop at the nearest repository top: git reads nothing above it.
        let top = absolute.ancestors().position(|dir| dir.join(".git").exists());
        if let Some(top) = top {
            parents.truncate(top);
        }
        let walk = &self.config.walk;
        if !walk.parent_ignores {
            // Their rules are not read, but a repository above still makes git's rules apply below.
            let repository_above = walk.vcs_ignores && top.is_some_and(|top| top > 0);
            return Ok((repository_above.then(Rules::repository_above), None));
        }
        let mut rules = None;
        let mut warnings = Vec::new();
        for dir in parents.into_iter().rev() {
            rules = Rules::of_dir(dir, DotNames::in_dir(dir).respected(walk), rules, true, &mut warnings);
        }
        for warning in warnings {
            self.send(Entry::Message(warning))?;
        }
        Ok((rules, Some(absolute)))
    }

    /// Walks the directory `key` and everything below it, depth first.
    fn walk_dir(&mut self, key: DirKey) -> Result<(), ConsumersGone> {
        let mut stack = vec![self.enter(&key)?];
        while let Some(items) = stack.last_mut() {
            match items.next() {
                None => {
                    stack.pop();
                }
                Some(Item::File(path)) => self.send(Entry::File(path))?,
                Some(Item::Message(message)) => self.send(Entry::Message(message))?,
                Some(Item::Dir(key)) => {
                    let items = self.enter(&key)?;
                    stack.push(items);
                }
            }
        }
        Ok(())
    }

    /// The items of directory `key`, and the batch size for its files.
    fn enter(&mut self, key: &DirKey) -> Result<std::vec::IntoIter<Item>, ConsumersGone> {
        let listing = self.take_listing(key)?;
        self.entered += 1;
        if listing.ruled_out.files > 0 {
            self.send(Entry::RuledOut(listing.ruled_out))?;
        }
        // (Its subdirectories are among its items: their tasks went to `unasked` on arrival.)
        let files = listing.items.iter().filter(|item| !matches!(item, Item::Dir(_))).count();
        // Shared among the searchers that can run at once.
        self.batch_limit = (files / self.pool.running.min(self.takers)).clamp(1, ENTRIES_PER_TASK);
        let mut items = listing.items;
        if self.config.output.mode == Mode::Quiet {
            // -q prints nothing, so the order it searches in is free, and its first match anywhere
            // ends the search: a directory's own files before its subdirectories find one sooner
            // (the kernel tree's `Makefile` before all of `Documentation/`), as ripgrep's walk does.
            // The subdirectories keep their order, which their listings ahead of the walk rely on.
            items.sort_by_key(|item| matches!(item, Item::Dir(_)));
        }
        Ok(items.into_iter())
    }

    /// The listing of `key`: made by the pool, or here. While it is being made elsewhere, the
    /// indexer lists the next directories itself rather than wait.
    fn take_listing(&mut self, key: &DirKey) -> Result<Listing, ConsumersGone> {
        loop {
            if let Some(listing) = self.arrived.remove(key) {
                self.entries_ahead -= listing.items.len();
                self.hand_out()?;
                return Ok(listing);
            }
            if let Ok(listing) = self.pool.listings.try_recv() {
                self.handed_out -= 1;
                self.receive(listing)?;
                continue;
            }
            // Every directory before it in walk order is walked: if it is not listed or handed out
            // yet, it is the lowest, and is listed whatever the limits.
            let needed = self.unasked.peek().is_some_and(|Reverse(Queued(next))| next.key == *key);
            let listing = match self.list_next(needed) {
                Some(listing) => listing,
                None => {
                    // What is batched goes before waiting: the searchers may be idle.
                    self.flush()?;
                    let listing = trace::waiting("a listing", || self.pool.listings.recv());
                    self.handed_out -= 1;
                    listing.map_err(|_| ConsumersGone)?
                }
            };
            self.receive(listing)?;
        }
    }

    /// Lists the lowest directory not listed or handed out yet, if any and if memory allows (or
    /// the walk needs it).
    fn list_next(&mut self, needed: bool) -> Option<Listing> {
        if !needed && self.entries_ahead >= ENTRIES_AHEAD {
            return None;
        }
        let Reverse(Queued(task)) = self.unasked.pop()?;
        Some(listing::list(task, &self.config.walk, self.config.listing_index()))
    }

    /// Keeps a listing until the walk reaches it; its directories are to be listed in turn.
    fn receive(&mut self, mut listing: Listing) -> Result<(), ConsumersGone> {
        let children = std::mem::take(&mut listing.children);
        self.unasked.extend(children.into_iter().map(|task| Reverse(Queued(task))));
        self.entries_ahead += listing.items.len();
        self.arrived.insert(listing.key.clone(), listing);
        self.hand_out()
    }

    /// Hands the next directories in walk order to the pool while it has little else to do, up to
    /// the limits. The limit grows with the walk, one listing for each directory entered: a search
    /// that ends early (`-q`, `-m`, a small tree) lists little that it never walks, and a long one
    /// soon lists at full width.
    fn hand_out(&mut self) -> Result<(), ConsumersGone> {
        while self.handed_out < (LISTINGS_AHEAD * self.pool.running).min(self.entered)
            && self.entries_ahead < ENTRIES_AHEAD
            && self.pool.hungry()
        {
            let Some(Reverse(Queued(task))) = self.unasked.pop() else { break };
            self.handed_out += 1;
            self.pool.tasks.send(Task::List(task)).map_err(|_| ConsumersGone)?;
        }
        Ok(())
    }

    /// Entries go to the searchers in batches, to spare a channel hand-over (and the wake-up of a
    /// waiting searcher) per file. A batch is at most `batch_limit`: a directory's files are shared
    /// among the searchers, however few they are. What is batched goes when the walk waits.
    fn send(&mut self, entry: Entry) -> Result<(), ConsumersGone> {
        if crate::pipeline::answered() {
            return Err(ConsumersGone);
        }
        self.batch.push(entry);
        if self.batch.len() >= self.batch_limit {
            self.flush()?;
        }
        Ok(())
    }

    /// Sends the batch. While the searchers have enough to do, the indexer lists the next
    /// directories rather than wait for room.
    fn flush(&mut self) -> Result<(), ConsumersGone> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let entries = std::mem::take(&mut self.batch);
        let first_seq = self.batch_seq;
        self.batch_seq += entries.len() as u64;
        let files = entries.len();
        if let Some(backlog) = &self.pool.backlog {
            backlog.add(files);
        }
        let mut task = Task::Entries { first_seq, entries };
        loop {
            match self.entries.try_send(task) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Disconnected(_)) => return Err(ConsumersGone),
                Err(TrySendError::Full(full)) => task = full,
            }
            match self.list_next(false) {
                Some(listing) => self.receive(listing)?,
                None => {
                    return trace::waiting("room for tasks", || self.entries.send(task))
                        .map_err(|_| ConsumersGone);
                }
            }
        }
    }
}

/// `--type-list`: every file type -t and -T know, with its globs.
pub fn print_type_list(builder: &ignore::types::TypesBuilder) -> io::Result<()> {
    use std::io::Write;
    let mut out = io::stdout().lock();
    for definition in builder.definitions() {
        writeln!(out, "{}: {}", definition.name(), definition.globs().join(", "))?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// What the indexer sends first for `ba -q needle -w 2` in a directory of one file and 40
    /// subdirectories of 20 files, up to its first entries. A thread stands in for the searchers:
    /// it lists what it is handed.
    fn first_tasks() -> (Vec<String>, Vec<PathBuf>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "needle\n").unwrap();
        for i in 0..40 {
            let subdir = dir.path().join(format!("d{i:02}"));
            std::fs::create_dir(&subdir).unwrap();
            for j in 0..20 {
                std::fs::write(subdir.join(format!("f{j:02}")), "hay\n").unwrap();
            }
        }
        let root = dir.path().to_str().unwrap();
        let args = crate::cli::Args::parse_from(["ba", "-q", "-w", "2", "needle", "-d", root]);
        let config = Arc::new(Config::from_args(args).unwrap());
        let (tasks, taken) = crossbeam_channel::unbounded();
        let (pool, listings) = pool(tasks.clone(), 2, Some(Arc::new(Backlog::default())));
        let indexer = Indexer::new(Arc::clone(&config), tasks, 2, pool);
        let walk = std::thread::spawn(move || indexer.run());
        let mut handed_out = Vec::new();
        let first_entries = loop {
            match taken.recv().unwrap() {
                Task::List(task) => {
                    handed_out.push(task.path.file_name().unwrap().to_str().unwrap().to_owned());
                    listings.send(listing::list(task, &config.walk, None)).unwrap();
                }
                Task::Entries { entries, .. } => break entries,
                _ => unreachable!(),
            }
        };
        // The rest of the walk, then its end.
        while let Ok(task) = taken.recv() {
            if let Task::List(task) = task {
                listings.send(listing::list(task, &config.walk, None)).unwrap();
            }
        }
        walk.join().unwrap();
        let files = first_entries
            .into_iter()
            .map(|entry| match entry {
                Entry::File(path) => path.strip_prefix(root).unwrap().to_path_buf(),
                _ => unreachable!(),
            })
            .collect();
        (handed_out, files)
    }

    /// A directory's files go to the searchers as soon as it is entered, before any directory is
    /// handed out to be listed ahead of the walk: `-q` finds its match there without waiting.
    /// (ba 2.0 handed out 32 directories first, and held `a.txt` back until 20 files were found,
    /// its 40 subdirectories counted among the directory's files.)
    #[test]
    fn a_directorys_files_go_out_before_any_listing_is_handed_out() {
        let (handed_out, files) = first_tasks();
        assert_eq!(handed_out, Vec::<String>::new());
        assert_eq!(files, [PathBuf::from("a.txt")]);
    }
}
