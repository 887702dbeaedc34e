//! The search index: a trigram index of a tree, so that a search reads only the files that can
//! match, and never gives another answer than a search without it.
//!
//! `ba --index-build` walks a tree as a search would (the same ignore rules and flags) and records,
//! per file, what identified it (device, inode, size, modification and change times) and which
//! trigrams (every three bytes in a row, as they are) it holds, with the bytes that may follow each;
//! for a big file also which of its blocks hold each four bytes in a row. A search of a directory
//! the index covers plans a trigram query from its pattern (`query`), takes the files that satisfy
//! it from the posting lists (and, for a big file, from its blocks: a string's four bytes in a row
//! must be in one block or the next), and walks the tree as always: a walked file the query rules
//! out is skipped only if the index knows it and a `stat` of it shows it unchanged since it was
//! indexed. Every other file (new, changed, renamed, unknown, or changed within the racy window of
//! the build) is read and searched, so the answer is the one a search without the index gives. The
//! freshness check is that `stat` per file: there is no watcher and no server.
//!
//! The walk rules files out as it lists a directory (a `stat` by name in the directory it has
//! open), and counts the files it leaves out: they never reach a searcher or the printer. Only `-L`
//! and `--include-zero`, which print files without a match, hand each to a searcher to rule out.
//!
//! The index also keeps each directory's entries as the build listed them, with what identified the
//! directory (device, inode, modification and change times), as git's untracked cache does. Adding,
//! removing or renaming an entry moves both times, and the kernel never puts a change time back:
//! while they show the same, the walk takes the entries from the index instead of listing the
//! directory again (`getdents` costs as much as the `stat`s of its files), and judges them by the
//! search's own rules, as it judges any listing. (A change written behind the kernel's back, to a
//! disk image, is not seen, by this as by the `stat` of a file.)
//!
//! An index serves only searches with the user, groups and capabilities of its build
//! (`credentials`): it may rule out a file that a search under other credentials could not read.
//!
//! The index lives in the user's cache (`$XDG_CACHE_HOME/ba/index`, else `~/.cache/ba/index`), one
//! file per tree named by a hash of the tree's real path, under the same ownership rules as the undo
//! journal (`own`). It is written aside and renamed into place: two builds at once, or a build
//! killed half way, leave the old index or a new one, never half of one. A damaged index (checksums,
//! `store`) is reported once and not used.
//!
//! Crates: `memmap2` maps the file, so that a search reads only the few posting lists and paths it
//! needs. The trigram dictionary is a sorted table of fixed-size entries (a trigram is a number
//! below 2^24, so a binary search over it is as compact as an `fst` and needs no crate), and the
//! posting lists are varint gaps (read whole and in order, which is all a query does: `roaring`'s
//! random access and set operations would not be used, and its containers are bigger for short
//! lists).

pub(crate) mod build;
pub mod query;
pub(crate) mod store;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::{DirBuilder, File};
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;
use rustix::fs::{Mode, OFlags};

use crate::messages;
use crate::own::{reported, Area};
use crate::sanitize::printable_path;
use crate::search::engine::{Outcome, Searched, BINARY_SNIFF};
use query::Query;
use store::{BlockView, Doc, EntryKind, Identity, IndexFile};

/// The index's area, which `XDG_CACHE_HOME` moves.
const CACHE: Area = Area { env: "XDG_CACHE_HOME", in_home: ".cache" };

/// A file changed this close to the build's start may have changed again within the same tick of
/// the file system's clock after it was read, with the same times: it is always read. Two seconds
/// cover the coarsest clocks (FAT's; ext3's and many network file systems' tick once a second).
/// `BA_INDEX_RACY_MS` sets it, for the tests, which edit files within milliseconds of a build.
fn racy_window_ns() -> i64 {
    let ms = std::env::var("BA_INDEX_RACY_MS").ok().and_then(|ms| ms.parse::<i64>().ok());
    ms.unwrap_or(2000).saturating_mul(1_000_000)
}

/// When an index was built, and how close to it a change must be to be doubted.
#[derive(Clone, Copy)]
pub(crate) struct Built {
    at_ns: i64,
    racy_ns: i64,
}

impl Built {
    pub(crate) fn of(index: &IndexFile) -> Built {
        Built { at_ns: index.built_ns(), racy_ns: racy_window_ns() }
    }

    /// Whether the file `doc` of the index, which shows `now`, is as it was indexed: the same file,
    /// not changed since, and not changed so close to the build that a change could hide.
    fn unchanged(self, doc: &Doc, now: &Identity) -> bool {
        !doc.unindexed && self.settled(&doc.identity, now)
    }

    /// Whether what showed `then` at the build shows `now` the same, and last changed well before
    /// the build.
    fn settled(self, then: &Identity, now: &Identity) -> bool {
        then == now && now.mtime_ns.max(now.ctime_ns) < self.at_ns - self.racy_ns
    }
}

/// A digest of what decides which files this process may read: its user, its groups and its
/// capabilities. An index built under other credentials may hold files this search cannot read,
/// which it would rule out without the error their search reports: it is not used.
pub(crate) fn credentials() -> u64 {
    // SAFETY: these calls only read the process's own credentials into the buffer given.
    let (user, group) = unsafe { (libc::geteuid(), libc::getegid()) };
    let count = unsafe { libc::getgroups(0, std::ptr::null_mut()) };
    let mut groups = vec![0; usize::try_from(count).unwrap_or(0)];
    let count = unsafe { libc::getgroups(groups.len() as libc::c_int, groups.as_mut_ptr()) };
    groups.truncate(usize::try_from(count).unwrap_or(0));
    groups.sort_unstable();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let capabilities = status.lines().find(|line| line.starts_with("CapEff:")).unwrap_or_default();
    let mut hasher = blake3::Hasher::new();
    hasher.update(&user.to_le_bytes()).update(&group.to_le_bytes());
    groups.iter().for_each(|group| {
        hasher.update(&group.to_le_bytes());
    });
    hasher.update(capabilities.as_bytes());
    u64::from_le_bytes(hasher.finalize().as_bytes()[..8].try_into().expect("8 bytes"))
}

pub(crate) fn now_ns() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos() as i64)
}

/// Where the indexes live: `$XDG_CACHE_HOME/ba/index`, else `~/.cache/ba/index`.
fn index_dir() -> Result<PathBuf> {
    match CACHE.dir_path() {
        Some(dir) => Ok(dir.join("index")),
        None => anyhow::bail!("neither XDG_CACHE_HOME nor HOME is set: there is nowhere to keep an index"),
    }
}

/// The index directory, opened and checked; None when there is none and `create` is false.
pub(crate) fn open_dir(create: bool) -> Result<Option<(PathBuf, OwnedFd)>> {
    let path = index_dir()?;
    let ba_path = path.parent().expect("ba/index has a parent");
    let cache = ba_path.parent().expect("ba has a parent");
    let opened = || -> io::Result<Option<OwnedFd>> {
        if create {
            DirBuilder::new().recursive(true).mode(0o700).create(cache)?;
        }
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let cache = match rustix::fs::open(cache, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(rustix::io::Errno::NOENT) if !create => return Ok(None),
            Err(err) => return Err(err.into()),
        };
        let Some(ba) = CACHE.dir(&cache, "ba", ba_path, create)? else { return Ok(None) };
        CACHE.dir(&ba, "index", &path, create)
    };
    let dir = opened().map_err(|err| reported(err, || context(&path)))?;
    Ok(dir.map(|dir| (path, dir)))
}

fn context(path: &Path) -> String {
    format!("cannot use the index directory {}", printable_path(path))
}

/// The name of the index of the tree at `real` (a real path): a hash of it.
pub(crate) fn index_name(real: &Path) -> String {
    let hash = blake3::hash(real.as_os_str().as_bytes());
    format!("{}.idx", &hash.to_hex()[..32])
}

/// Opens the index named `name` in `dir`, if there is one.
pub(crate) fn open_index(dir: &OwnedFd, dir_path: &Path, name: &str) -> Result<Option<File>> {
    let path = dir_path.join(name);
    match CACHE.file(dir, name, &path, OFlags::RDONLY) {
        Ok(file) => Ok(Some(file)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(reported(err, || context(dir_path))),
    }
}

/// The path of `path` (a walked file below `root`) relative to the root. The walk joins names to
/// the root as it is given, so its bytes begin every path below it (a byte comparison, not
/// `Path::strip_prefix`'s by component: it costs nothing next to a search).
pub(crate) fn relative<'p>(root: &Path, implicit: bool, path: &'p Path) -> Option<&'p Path> {
    if implicit {
        return Some(path);
    }
    let (root, path) = (root.as_os_str().as_bytes(), path.as_os_str().as_bytes());
    let rest = path.strip_prefix(root)?;
    let rest = if root.ends_with(b"/") { rest } else { rest.strip_prefix(b"/")? };
    Some(Path::new(std::ffi::OsStr::from_bytes(rest)))
}

/// Whether file `doc` of the index of `tree` is as it was indexed.
pub(crate) fn fresh(index: &IndexFile, built: Built, tree: &Path, doc: u32) -> bool {
    let Ok(path) = index.path(doc) else { return false };
    let path = tree.join(Path::new(std::ffi::OsStr::from_bytes(path)));
    rustix::fs::stat(path).is_ok_and(|stat| built.unchanged(&index.doc(doc), &Identity::of_stat(&stat)))
}

/// The first of `directories` (a directory, then those above it) that has an index, with the
/// index's file.
fn nearest_index<'d>(
    dir: &OwnedFd,
    dir_path: &Path,
    directories: impl IntoIterator<Item = &'d Path>,
) -> Result<Option<(&'d Path, File)>> {
    for directory in directories {
        if let Some(file) = open_index(dir, dir_path, &index_name(directory))? {
            return Ok(Some((directory, file)));
        }
    }
    Ok(None)
}

/// The index of `real` or of the nearest directory above it that has one, with that directory.
pub(crate) fn covering(
    dir: &OwnedFd,
    dir_path: &Path,
    real: &Path,
) -> Result<Option<(Result<IndexFile, store::Damaged>, PathBuf)>> {
    let found = nearest_index(dir, dir_path, real.ancestors())?;
    Ok(found.map(|(tree, file)| (IndexFile::open(&file), tree.to_path_buf())))
}

/// What a search takes from the indexes: for each root an index covers, the files the query leaves.
pub struct Filter {
    covered: Vec<Covered>,
    /// A file without a match prints nothing (not `-L`, not `--include-zero`): the walk leaves out
    /// the files the index rules out as it lists them, and counts them, instead of sending each to
    /// a searcher, which costs more than its `stat`.
    pub(crate) by_listing: bool,
    /// `-a`: a file's NUL byte does not end its search.
    binary_as_text: bool,
}

struct Covered {
    root: PathBuf,
    /// The root is the implicit `.`: paths below it have no `./`.
    implicit: bool,
    /// The root's path relative to the indexed tree, as a prefix of the index's keys.
    prefix: PathBuf,
    evaluated: Arc<Evaluated>,
}

/// The tree whose index covers a directory, and what a search's query leaves of that index (None:
/// it may not serve the search).
type Answer = (PathBuf, Option<Arc<Evaluated>>);

/// An index and what the search's query leaves of it, shared by the roots it covers.
struct Evaluated {
    index: IndexFile,
    /// A bit per indexed file: the query leaves it.
    candidates: Vec<u64>,
    built: Built,
}

impl Evaluated {
    /// The index in `file` (at `path`, of `tree`) with what `query` leaves of it; None when it may
    /// not serve a search under `credentials`, or is damaged (reported, as a warning).
    fn open(
        file: &File,
        path: &Path,
        tree: &Path,
        query: &Query,
        credentials: u64,
    ) -> Option<Arc<Evaluated>> {
        let evaluated = IndexFile::map(file).and_then(|index| {
            let (checked, candidates) = at_once(|| index.check_whole(), || evaluate(&index, query));
            checked?;
            if index.credentials() != credentials {
                return Ok(None);
            }
            let candidates = candidates?;
            let built = Built::of(&index);
            Ok(Some(Arc::new(Evaluated { index, candidates, built })))
        });
        evaluated.unwrap_or_else(|store::Damaged(why)| {
            let why =
                format!("the index of {} cannot be used ({why}): searching without it", printable_path(tree));
            messages::warning(path, &why);
            None
        })
    }
}

impl Filter {
    /// The filter of a search of `roots` for files that satisfy `query`; None when no index helps
    /// (the query asks nothing, or no index covers a root). A damaged index is reported, once, as a
    /// warning, and the search goes on without it.
    pub(crate) fn open<'r>(
        roots: impl IntoIterator<Item = (&'r Path, bool)>,
        query: &Query,
        (by_listing, binary_as_text): (bool, bool),
    ) -> Option<Filter> {
        if *query == Query::All {
            return None;
        }
        let (dir_path, dir) = match open_dir(false) {
            Ok(found) => found?,
            Err(err) => {
                messages::notice(&format!("{err:#}: searching without the index"));
                return None;
            }
        };
        let mut covered = Vec::new();
        // Read once, and only when an index is found.
        let credentials = std::cell::OnceCell::new();
        // `xargs` names files by the thousand: each directory is asked about, and each index opened
        // and evaluated, once.
        let mut known: HashMap<PathBuf, Option<Answer>> = HashMap::new();
        for (root, implicit) in roots {
            let Ok(real) = std::fs::canonicalize(root) else { continue };
            let unknown: Vec<&Path> = real.ancestors().take_while(|dir| !known.contains_key(*dir)).collect();
            let answer = match nearest_index(&dir, &dir_path, unknown.iter().copied()) {
                // A directory that cannot be asked about is not remembered: a later root asks again.
                Err(_) => continue,
                Ok(Some((tree, file))) => {
                    let credentials = *credentials.get_or_init(self::credentials);
                    let path = dir_path.join(index_name(tree));
                    Some((tree.to_path_buf(), Evaluated::open(&file, &path, tree, query, credentials)))
                }
                Ok(None) => {
                    real.ancestors().nth(unknown.len()).and_then(|above| known.get(above).cloned().flatten())
                }
            };
            // The directories asked: up to the tree found, or all.
            for asked in
                unknown.iter().filter(|dir| answer.as_ref().is_none_or(|(tree, _)| dir.starts_with(tree)))
            {
                known.insert(asked.to_path_buf(), answer.clone());
            }
            let Some((tree, Some(evaluated))) = answer else { continue };
            covered.push(Covered {
                root: root.to_path_buf(),
                implicit,
                prefix: real.strip_prefix(&tree).expect("an ancestor").to_path_buf(),
                evaluated,
            });
        }
        (!covered.is_empty()).then_some(Filter { covered, by_listing, binary_as_text })
    }

    /// What the search of the walked file `path` comes to when the query rules it out and it has
    /// not changed since it was indexed (`now` says what identifies it): it cannot match, and need
    /// not be read. The file is `known` when its directory's recorded entries say which it is;
    /// else it is looked up by path from `next_doc`, the index's number after the last file looked
    /// up: the index numbers files in walk order, so the next file is most often a few numbers on.
    pub(crate) fn ruled_out(
        &self,
        path: &Path,
        known: Option<Known>,
        next_doc: &mut u32,
        now: impl FnOnce() -> Option<Identity>,
    ) -> Option<Searched> {
        let (covered, doc) = match known {
            Some(Known { covered, doc }) => (&self.covered[covered], doc),
            None => {
                let (covered, key) = self.covered.iter().find_map(|c| Some((c, c.key(path)?)))?;
                let key = key.as_os_str().as_bytes();
                let index = &covered.evaluated.index;
                let near = (*next_doc..next_doc.saturating_add(NEXT_DOCS).min(index.docs()))
                    .find(|&doc| index.path(doc).is_ok_and(|path| path == key));
                let doc = match near {
                    Some(doc) => doc,
                    None => index.find(key).ok()??,
                };
                *next_doc = doc + 1;
                (covered, doc)
            }
        };
        if covered.evaluated.candidates[doc as usize / 64] & (1 << (doc % 64)) != 0 {
            return None;
        }
        let entry = covered.evaluated.index.doc(doc);
        covered.evaluated.built.unchanged(&entry, &now()?).then(|| self.as_searched(&entry))
    }

    /// The entries of the walked directory `path` as the build listed them, when it has not
    /// changed since (`now` says what identifies it): a directory's modification and change times
    /// move whenever an entry is added, removed or renamed in it, so its listing is the same. The
    /// walk judges them as it judges a listing: only the `getdents` is spared. Each entry that is
    /// an indexed file comes with its number, for `ruled_out`.
    pub(crate) fn listed(
        &self,
        path: &Path,
        now: &Identity,
    ) -> Option<impl Iterator<Item = (EntryKind, &[u8], Option<Known>)> + '_> {
        let (covered, key) = self.covered.iter().enumerate().find_map(|(i, c)| Some((i, c.key(path)?)))?;
        let index = &self.covered[covered].evaluated;
        let (then, names) = index.index.dir(key.as_os_str().as_bytes()).ok()??;
        // A directory's size is not kept: its times tell its changes.
        let now = Identity { size: 0, ..*now };
        let docs = index.index.docs();
        let known = move |doc: Option<u32>| doc.filter(|&doc| doc < docs).map(|doc| Known { covered, doc });
        index.built.settled(&then, &now).then(|| names.map(move |(kind, name, doc)| (kind, name, known(doc))))
    }

    /// What the search of a file would come to as it was indexed: the lines and bytes it has, or
    /// binary.
    fn as_searched(&self, doc: &Doc) -> Searched {
        match doc.nul.filter(|_| !self.binary_as_text) {
            Some(nul) if nul.at < BINARY_SNIFF => Searched::new(Outcome::Binary),
            Some(nul) => Searched {
                lines: nul.lines_before,
                bytes: nul.bytes_before,
                ..Searched::new(Outcome::Truncated)
            },
            None => Searched { lines: doc.lines, bytes: doc.bytes, ..Searched::new(Outcome::Searched) },
        }
    }
}

impl Covered {
    /// The index's key of `path`, walked below this root (or the root itself).
    fn key<'p>(&self, path: &'p Path) -> Option<Cow<'p, Path>> {
        // The walk lists a root by the path it was given: the bytes compare.
        let relative = match path.as_os_str() == self.root.as_os_str() {
            true => Path::new(""),
            false => relative(&self.root, self.implicit, path)?,
        };
        Some(match self.prefix.as_os_str().is_empty() {
            true => Cow::Borrowed(relative),
            // `join` of an empty path would add a `/`.
            false if relative.as_os_str().is_empty() => Cow::Owned(self.prefix.clone()),
            false => Cow::Owned(self.prefix.join(relative)),
        })
    }
}

/// A file of a directory as the index recorded it: which of the filter's indexes, and the file's
/// number there.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Known {
    covered: usize,
    doc: u32,
}

/// How many numbers past the last file's the next one is looked for before a binary search.
const NEXT_DOCS: u32 = 4;

/// A searcher's last directory, held open: the files of a directory come one after another, and a
/// `stat` by name in an open directory does not walk the whole path again.
#[derive(Default)]
pub(crate) struct OpenDir {
    dir: PathBuf,
    fd: Option<OwnedFd>,
}

impl OpenDir {
    /// What identifies the file at `path` now (following a link, as a search opens it).
    pub(crate) fn identity(&mut self, path: &Path) -> Option<Identity> {
        let (parent, name) = (path.parent()?, path.file_name()?);
        if self.fd.is_none() || self.dir != parent {
            let dir = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
            let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
            self.fd = rustix::fs::open(dir, flags, Mode::empty()).ok();
            self.dir = parent.to_path_buf();
        }
        let stat = rustix::fs::statat(self.fd.as_ref()?, name, rustix::fs::AtFlags::empty()).ok()?;
        Some(Identity::of_stat(&stat))
    }
}

/// The files of `index` that satisfy `query`, a bit each: by their trigrams and what follows them,
/// and for a big file by the blocks its four bytes in a row are in.
fn evaluate(index: &IndexFile, query: &Query) -> Result<Vec<u64>, store::Damaged> {
    let words = (index.docs() as usize).div_ceil(64);
    let mut bits = matching(index, query, words)?.unwrap_or_else(|| vec![!0; words]);
    let mut asked = Vec::new();
    for (doc, entry) in index.blocks() {
        let word = bits
            .get(doc as usize / 64)
            .ok_or_else(|| store::Damaged("a file number out of bounds".into()))?;
        if word & (1 << (doc % 64)) != 0 {
            asked.push((doc, entry));
        }
    }
    // The big files are asked about on two cores, each taking the next: each reads and checks the
    // masks of its file (megabytes for the biggest).
    let next = AtomicUsize::new(0);
    let ruled_out = || {
        let mut out = Vec::new();
        while let Some((doc, entry)) = asked.get(next.fetch_add(1, Ordering::Relaxed)) {
            if !in_blocks(query, &entry.view()?) {
                out.push(*doc);
            }
        }
        Ok::<_, store::Damaged>(out)
    };
    let (aside, here) = match asked.len() {
        0 | 1 => (Ok(Vec::new()), ruled_out()),
        _ => at_once(ruled_out, ruled_out),
    };
    for doc in aside?.into_iter().chain(here?) {
        bits[doc as usize / 64] &= !(1 << (doc % 64));
    }
    Ok(bits)
}

/// Runs `aside` on a thread of its own while `here` runs on this one (both here, one after the
/// other, when no thread can be started).
fn at_once<A: Send, B>(aside: impl FnOnce() -> A + Send, here: impl FnOnce() -> B) -> (A, B) {
    let aside = Mutex::new(Some(aside));
    let run_aside = || aside.lock().unwrap_or_else(PoisonError::into_inner).take().map(|aside| aside());
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new().spawn_scoped(scope, run_aside);
        let here = here();
        let aside = match spawned {
            Ok(thread) => thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => run_aside(),
        };
        (aside.expect("run on one thread or the other"), here)
    })
}

/// Whether a big file whose blocks are `blocks` may match `query`: each string's four bytes in a
/// row must be in one block or the next (a string is shorter than a block), not only in the file.
fn in_blocks(query: &Query, blocks: &BlockView) -> bool {
    // The blocks that hold a trigram with the symbol after it; every block for what asks no four
    // bytes (a string's last trigram is in its last four bytes).
    let mask = |query: &Query| match query {
        Query::Followed(trigram, letters, next) => {
            query::quads(*trigram, *letters, *next).fold(0, |mask, quad| mask | blocks.mask(quad))
        }
        _ => !0,
    };
    match query {
        // The postings say that the file holds a trigram.
        Query::All | Query::Trigram(_) | Query::AnyCase(..) => true,
        Query::Nothing => false,
        Query::Followed(..) => mask(query) != 0,
        Query::And(terms) => terms.iter().all(|term| in_blocks(term, blocks)),
        Query::Or(terms) => terms.iter().any(|term| in_blocks(term, blocks)),
        // A block where a string may start: each of its quads in it or in the next.
        Query::Near(terms) => {
            terms.iter().fold(!0u64, |starts, term| starts & (mask(term) | mask(term) >> 1)) != 0
        }
    }
}

/// The files that satisfy `query`, a bit each in `words` words; None for every file. Sets of bits,
/// not sorted lists: a case-folded trigram unites eight lists, and an AND or an OR of them is a
/// pass over a bit per file (10 KiB for 78,000 files).
fn matching(index: &IndexFile, query: &Query, words: usize) -> Result<Option<Vec<u64>>, store::Damaged> {
    // The files that hold one of `trigrams`, followed by a byte of `next`'s bits when it is given
    // (a trigram that ends a file has no byte after it: none of its bits is set).
    let postings = |trigrams: &mut dyn Iterator<Item = u32>, next: Option<u8>| {
        let mut bits = vec![0u64; words];
        for trigram in trigrams {
            // (`postings` gives only file numbers below the index's count.)
            index.postings(trigram, |posting| {
                if next.is_none_or(|next| posting.next & next != 0) {
                    bits[posting.doc as usize / 64] |= 1 << (posting.doc % 64);
                }
            })?;
        }
        Ok(bits)
    };
    match query {
        Query::All => Ok(None),
        Query::Nothing => Ok(Some(vec![0; words])),
        Query::Trigram(trigram) => postings(&mut std::iter::once(*trigram), None).map(Some),
        Query::AnyCase(trigram, letters) => {
            postings(&mut query::variants(*trigram, *letters), None).map(Some)
        }
        // (A letter's bit is that of either case: `ANY_CASE` asks the same bit.)
        Query::Followed(trigram, letters, next) => {
            postings(&mut query::variants(*trigram, *letters), Some(store::next_bit(*next as u8))).map(Some)
        }
        // Near each other is a question for the blocks of big files (`in_blocks`).
        Query::And(terms) | Query::Near(terms) => {
            let mut result: Option<Vec<u64>> = None;
            for term in terms {
                let Some(bits) = matching(index, term, words)? else { continue };
                match &mut result {
                    None => result = Some(bits),
                    Some(so_far) => so_far.iter_mut().zip(&bits).for_each(|(word, bits)| *word &= bits),
                }
                if result.as_ref().is_some_and(|bits| bits.iter().all(|&word| word == 0)) {
                    break;
                }
            }
            Ok(result)
        }
        Query::Or(terms) => {
            let mut all = vec![0u64; words];
            for term in terms {
                let Some(bits) = matching(index, term, words)? else { return Ok(None) };
                all.iter_mut().zip(&bits).for_each(|(word, bits)| *word |= bits);
            }
            Ok(Some(all))
        }
    }
}
