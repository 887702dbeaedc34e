//! Building an index: every file's trigrams read in parallel, gathered into posting lists in file
//! order, spilled to disk in sorted runs when they grow past `run_bytes`, and merged into the index
//! file. An update takes the files that have not changed from the old index instead of reading them.

use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crossbeam_channel::bounded;

use super::store::{
    decode_postings, next_bit, put_posting, Blocks, Damaged, DirRecord, Doc, EntryKind, Identity, IndexFile,
    IndexWriter, Nul, Posting,
};
use crate::decompress::Format;
use crate::encoding::Encoding;

/// Posting bytes held in memory before they are spilled to a run on disk: what bounds the build's
/// memory on any tree. `BA_INDEX_RUN_BYTES` sets it, for the tests of the merge of many runs.
fn run_bytes() -> usize {
    std::env::var("BA_INDEX_RUN_BYTES").ok().and_then(|n| n.parse().ok()).unwrap_or(32 << 20)
}
/// A file bigger than this is not indexed: a search always reads it.
const MAX_INDEXED: u64 = 256 << 20;
/// How much of a file is read at a time.
const CHUNK: usize = 1 << 20;
/// Trigrams are three bytes: a bit each.
const TRIGRAM_BITS: usize = 1 << 24;
/// A file bigger than this keeps which of its blocks hold each four bytes in a row: such files hold
/// most trigrams somewhere (the kernel's register headers of 16 MB hold every literal's), not near.
const BLOCKED_AT: u64 = 256 << 10;
/// The most blocks of a file: a bit each.
const BLOCKS: u64 = 64;
/// The smallest block: a string whose four bytes in a row are asked for near each other is no
/// longer.
const MIN_BLOCK: u64 = 16 << 10;
const _: () = assert!(MIN_BLOCK as usize >= super::query::NEAR_SPAN);

/// One file to index: where it is, and its path relative to the tree (its key in the index).
pub(crate) struct TreeFile {
    pub(crate) path: PathBuf,
    pub(crate) key: Vec<u8>,
}

/// What a build came to.
pub(crate) struct Built {
    pub(crate) files: usize,
    /// Files read (the others were taken from the old index), and their bytes.
    pub(crate) read: usize,
    pub(crate) read_bytes: u64,
    pub(crate) file: File,
}

/// Builds the index of `files` (in walk order) in the tree at `tree` into `out`, taking what it can
/// from `old`.
pub(crate) fn build(
    (tree, files): (&Path, &[TreeFile]),
    old: Option<&IndexFile>,
    out: File,
    runs_dir: &Path,
    threads: usize,
    built_ns: i64,
    progress: &dyn Fn(usize, usize),
) -> io::Result<Built> {
    let mut docs: Vec<Option<Doc>> = vec![None; files.len()];
    let mut blocks: Vec<Option<Blocks>> = vec![None; files.len()];
    // An old index whose blocks are damaged is not taken from: every file is read again.
    let old_blocks = old.map(|old| {
        old.blocks().map(|(doc, entry)| Ok((doc, entry.view()?.to_blocks()))).collect::<Result<_, Damaged>>()
    });
    let (old, mut old_blocks): (_, HashMap<u32, Blocks>) = match old_blocks {
        Some(Ok(blocks)) => (old, blocks),
        _ => (None, HashMap::new()),
    };
    // Old numbers to new, for the files taken from the old index.
    let mut remap = old.map(|old| vec![u32::MAX; old.docs() as usize]).unwrap_or_default();
    let mut fresh = Vec::new();
    // When the old index was built: read once, not per file.
    let old_built = old.map(|old| (old, super::Built::of(old)));
    for (i, file) in files.iter().enumerate() {
        match old_built.and_then(|(old, built)| unchanged(old, built, file)) {
            Some((old_doc, doc)) => {
                remap[old_doc as usize] = i as u32;
                docs[i] = Some(doc);
                blocks[i] = old_blocks.remove(&old_doc);
            }
            None => fresh.push(i),
        }
    }
    let mut postings = Postings::new(runs_dir);
    let read_bytes = read_fresh(files, &fresh, threads, (&mut docs, &mut blocks), &mut postings, progress)?;
    let runs = postings.finish()?;
    let mut writer = IndexWriter::new(out, built_ns, super::credentials())?;
    merge(runs, old.map(|old| (old, remap.as_slice())), &mut writer)?;
    let docs: Vec<Doc> = docs.into_iter().map(|doc| doc.expect("every file read or taken")).collect();
    let keys: Vec<Vec<u8>> = files.iter().map(|f| f.key.clone()).collect();
    let file = writer.finish((&docs, &keys, &blocks), &list_dirs(tree, files))?;
    Ok(Built { files: files.len(), read: fresh.len(), read_bytes, file })
}

/// The old index's entry for `file`, when the file has not changed since and its content is in
/// the old postings.
fn unchanged(old: &IndexFile, built: super::Built, file: &TreeFile) -> Option<(u32, Doc)> {
    let doc_number = old.find(&file.key).ok()??;
    let doc = old.doc(doc_number);
    let now = Identity::of_stat(&rustix::fs::stat(&file.path).ok()?);
    built.unchanged(&doc, &now).then_some((doc_number, doc))
}

/// Every directory that holds an indexed file or one above it, as it is listed now: its identity,
/// taken first (a change after it moves its times past it), then every entry. A directory that
/// cannot be listed is left out: a search lists it itself.
fn list_dirs(tree: &Path, files: &[TreeFile]) -> Vec<DirRecord> {
    let mut keys = BTreeSet::new();
    for file in files {
        let mut key = &file.key[..];
        while let Some(slash) = memchr::memrchr(b'/', key) {
            key = &key[..slash];
            if !keys.insert(key) {
                break;
            }
        }
    }
    keys.insert(b"");
    let docs: HashMap<&[u8], u32> =
        files.iter().enumerate().map(|(doc, file)| (&file.key[..], doc as u32)).collect();
    keys.into_iter().filter_map(|key| list_dir(tree, key, &docs)).collect()
}

/// The directory at `key` as it is listed now, each entry with its file number in `docs` (by key).
fn list_dir(tree: &Path, key: &[u8], docs: &HashMap<&[u8], u32>) -> Option<DirRecord> {
    let mut dir = crate::walk::listing::open_dir(&tree.join(std::ffi::OsStr::from_bytes(key))).ok()?;
    let identity = Identity { size: 0, ..Identity::of_stat(&dir.stat().ok()?) };
    let mut entries = Vec::new();
    crate::walk::listing::each_entry(&mut dir, |name, kind| entries.push((name.to_vec(), kind))).ok()?;
    entries.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    let (mut names, mut child) = (Vec::new(), key.to_vec());
    for (name, kind) in &entries {
        child.truncate(key.len());
        if !key.is_empty() {
            child.push(b'/');
        }
        child.extend_from_slice(name);
        let doc = (*kind == EntryKind::File).then(|| docs.get(&child[..]).copied()).flatten();
        DirRecord::push(&mut names, *kind, name, doc);
    }
    Some(DirRecord { key: key.to_vec(), identity, names })
}

/// Reads the files numbered in `fresh` on `threads` threads, and gathers their trigrams in order.
/// Returns the bytes read.
fn read_fresh(
    files: &[TreeFile],
    fresh: &[usize],
    threads: usize,
    (docs, blocks): (&mut [Option<Doc>], &mut [Option<Blocks>]),
    postings: &mut Postings,
    progress: &dyn Fn(usize, usize),
) -> io::Result<u64> {
    let next = AtomicUsize::new(0);
    let (tx, rx) = bounded::<(usize, FileRead)>(threads * 4);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            let (tx, next) = (tx.clone(), &next);
            scope.spawn(move || {
                let mut reader = TrigramReader::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&file) = fresh.get(i) else { return };
                    if tx.send((i, reader.read(&files[file].path))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        // The readers finish out of order; the postings take files in order.
        let mut waiting = BTreeMap::new();
        let (mut taken, mut bytes) = (0, 0);
        for (i, read) in rx {
            waiting.insert(i, read);
            while let Some(read) = waiting.remove(&taken) {
                let number = fresh[taken];
                bytes += read.doc.identity.size;
                postings.add(number as u32, &read.trigrams)?;
                docs[number] = Some(read.doc);
                blocks[number] = read.blocks;
                taken += 1;
                progress(taken, fresh.len());
            }
        }
        Ok(bytes)
    })
}

/// What reading a file gave: its entry, its trigrams and, for a big file, their blocks (no trigrams
/// when it is not indexed: a search then reads it).
struct FileRead {
    doc: Doc,
    /// Each trigram, with the bits of the bytes that follow it (`next_bit`).
    trigrams: Vec<(u32, u8)>,
    blocks: Option<Blocks>,
}

/// Reads a file's trigrams, with a bit per trigram to keep each once and what follows each; and for
/// a big file, the blocks of each four bytes in a row.
struct TrigramReader {
    seen: Vec<u64>,
    /// The bits of the bytes that follow each trigram in the file being read, in `NEXT_SLOTS` slots
    /// a trigram is hashed to (`next_slot`): trigrams that share a slot share their bits, which
    /// only ever adds bits (a file may be a candidate more often, never less), and a reader holds
    /// 1 MiB, not the 16 MiB of a byte per trigram.
    next: Vec<u8>,
    buf: Vec<u8>,
    blocks: BlockMasks,
}

/// The blocks of each four bytes in a row of a big file, as it is read; none for a file with more
/// than `MAX_QUADS` different ones (a binary file, a big log), whose map would outgrow the build's
/// memory: such a file is ruled out by its trigrams alone.
#[derive(Default)]
struct BlockMasks {
    masks: HashMap<u32, u64, BuildHasherDefault<TrigramHasher>>,
    overflowed: bool,
}

/// The slots of a reader's bits of what follows each trigram.
const NEXT_SLOTS: usize = 1 << 20;
const _: () = assert!(NEXT_SLOTS.is_power_of_two());

/// The slot of `trigram`'s bits of what follows it: the top bits of a multiplicative hash.
fn next_slot(trigram: u32) -> usize {
    (trigram.wrapping_mul(0x9E37_79B1) >> (32 - NEXT_SLOTS.trailing_zeros())) as usize
}

/// The most different four bytes in a row a big file keeps blocks for: some 6 MiB of map (a 24 MiB
/// register header holds 20,000).
const MAX_QUADS: usize = 1 << 18;

impl BlockMasks {
    /// `quad` starts in block `block`.
    fn add(&mut self, quad: u32, block: u64) {
        if !self.overflowed {
            *self.masks.entry(quad).or_default() |= 1 << block.min(BLOCKS - 1);
            if self.masks.len() > MAX_QUADS {
                self.overflowed = true;
                self.masks = HashMap::default();
            }
        }
    }

    /// The masks of the file read, in order (None past `MAX_QUADS`), and a fresh start.
    fn take(&mut self) -> Option<Vec<(u32, u64)>> {
        (!std::mem::take(&mut self.overflowed)).then(|| {
            let mut masks: Vec<(u32, u64)> = self.masks.drain().collect();
            masks.sort_unstable();
            masks
        })
    }
}

impl TrigramReader {
    fn new() -> TrigramReader {
        TrigramReader {
            seen: vec![0; TRIGRAM_BITS / 64],
            next: vec![0; NEXT_SLOTS],
            buf: vec![0; CHUNK],
            blocks: BlockMasks::default(),
        }
    }

    fn read(&mut self, path: &Path) -> FileRead {
        let unindexed = |identity| FileRead {
            doc: Doc { identity, lines: 0, bytes: 0, nul: None, unindexed: true },
            trigrams: Vec::new(),
            blocks: None,
        };
        let Ok(mut file) = File::open(path) else { return unindexed(Identity::default()) };
        let Ok(before) = rustix::fs::fstat(&file).map(|stat| Identity::of_stat(&stat)) else {
            return unindexed(Identity::default());
        };
        // A compressed file is searched decompressed with -z; a big one is not worth its postings.
        if Format::of(path).is_some() || before.size > MAX_INDEXED {
            return unindexed(before);
        }
        let block_size = (before.size > BLOCKED_AT).then(|| before.size.div_ceil(BLOCKS).max(MIN_BLOCK));
        let mut trigrams = Vec::new();
        let scanned = self.scan(&mut file, &mut trigrams, block_size);
        let trigrams: Vec<(u32, u8)> = trigrams
            .into_iter()
            .map(|t| {
                self.seen[t as usize / 64] &= !(1 << (t % 64));
                (t, self.next[next_slot(t)])
            })
            .collect();
        // Once all are read: a slot may be another trigram's too.
        trigrams.iter().for_each(|&(t, _)| self.next[next_slot(t)] = 0);
        let masks = self.blocks.take();
        let blocks = block_size.zip(masks).map(|(size, masks)| Blocks { size: size as u32, masks });
        let Ok(counts) = scanned else { return unindexed(before) };
        // A file that changed while it was read may be indexed with text it never held at once.
        let after = rustix::fs::fstat(&file).map(|stat| Identity::of_stat(&stat)).ok();
        if counts.decoded || after != Some(before) {
            return unindexed(before);
        }
        // A search steps over a UTF-8 byte-order mark, and does not count it.
        let bom = if counts.bom { 3 } else { 0 };
        let nul = counts.nul.map(|nul| Nul { bytes_before: nul.bytes_before.saturating_sub(bom), ..nul });
        let doc =
            Doc { identity: before, lines: counts.lines, bytes: before.size - bom, nul, unindexed: false };
        FileRead { doc, trigrams, blocks }
    }

    fn scan(
        &mut self,
        file: &mut File,
        trigrams: &mut Vec<u32>,
        block_size: Option<u64>,
    ) -> io::Result<Counts> {
        let mut counts = Counts::default();
        // The last four bytes read; the trigram is the last three.
        let (mut quad, mut offset, mut newlines, mut last) = (0u32, 0u64, 0u64, b'\n');
        // Where the last whole line read ends.
        let mut lines_end = 0;
        loop {
            let n = match file.read(&mut self.buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            let chunk = &self.buf[..n];
            if offset == 0 && Encoding::Auto.decodes(chunk) {
                counts.decoded = true;
                return Ok(counts);
            }
            counts.bom |= offset == 0 && chunk.starts_with(b"\xEF\xBB\xBF");
            if counts.nul.is_none() {
                if let Some(at) = memchr::memchr(0, chunk) {
                    let before = &chunk[..at];
                    counts.nul = Some(Nul {
                        at: offset + at as u64,
                        lines_before: newlines + bytecount::count(before, b'\n') as u64,
                        bytes_before: memchr::memrchr(b'\n', before)
                            .map_or(lines_end, |i| offset + i as u64 + 1),
                    });
                }
            }
            if let Some(i) = memchr::memrchr(b'\n', chunk) {
                lines_end = offset + i as u64 + 1;
            }
            newlines += bytecount::count(chunk, b'\n') as u64;
            for (i, &byte) in chunk.iter().enumerate() {
                let at = offset + i as u64;
                // The byte after the trigram that ends before it.
                if at >= 3 {
                    self.next[next_slot(quad & 0xFF_FFFF)] |= next_bit(byte);
                }
                quad = (quad << 8) | u32::from(byte);
                let trigram = quad & 0xFF_FFFF;
                if at >= 2 {
                    let (word, bit) = (trigram as usize / 64, 1u64 << (trigram % 64));
                    if self.seen[word] & bit == 0 {
                        self.seen[word] |= bit;
                        trigrams.push(trigram);
                    }
                }
                // The block the four bytes start in.
                if let (Some(size), 3..) = (block_size, at) {
                    self.blocks.add(quad, (at - 3) / size);
                }
            }
            offset += n as u64;
            last = chunk[n - 1];
        }
        // A last line without its `\n` is a line; a byte-order mark alone is none.
        let text = offset - if counts.bom { 3 } else { 0 };
        counts.lines = newlines + u64::from(text > 0 && last != b'\n');
        Ok(counts)
    }
}

#[derive(Default)]
struct Counts {
    lines: u64,
    nul: Option<Nul>,
    /// The file starts with a UTF-16 byte-order mark: a search decodes it, so its bytes are not what
    /// is searched.
    decoded: bool,
    /// It starts with a UTF-8 byte-order mark.
    bom: bool,
}

/// Trigrams are spread well enough by a multiply: no need for SipHash's work per key.
#[derive(Default)]
struct TrigramHasher(u64);

impl Hasher for TrigramHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        // Both halves of the product: the map takes its buckets from the low bits, which alone
        // would depend only on the key's low bits.
        let product = u128::from(n) * 0x9E37_79B9_7F4A_7C15;
        self.0 = product as u64 ^ (product >> 64) as u64;
    }
}

/// A trigram's posting list while it is gathered: its last file, and the gaps so far.
struct List {
    last: u32,
    bytes: Vec<u8>,
}

/// The posting lists being gathered, and the runs spilled so far.
struct Postings<'a> {
    lists: HashMap<u32, List, BuildHasherDefault<TrigramHasher>>,
    bytes: usize,
    runs: Vec<File>,
    runs_dir: &'a Path,
    run_bytes: usize,
}

impl<'a> Postings<'a> {
    fn new(runs_dir: &'a Path) -> Postings<'a> {
        Postings { lists: HashMap::default(), bytes: 0, runs: Vec::new(), runs_dir, run_bytes: run_bytes() }
    }

    /// Adds file `doc`'s trigrams (files come in increasing order).
    fn add(&mut self, doc: u32, trigrams: &[(u32, u8)]) -> io::Result<()> {
        for &(trigram, next) in trigrams {
            let list = self.lists.entry(trigram).or_insert_with(|| List { last: 0, bytes: Vec::new() });
            let before = list.bytes.len();
            let previous = (!list.bytes.is_empty()).then_some(list.last);
            put_posting(&mut list.bytes, previous, Posting { doc, next });
            list.last = doc;
            self.bytes += list.bytes.len() - before;
        }
        if self.bytes > self.run_bytes {
            self.spill()?;
        }
        Ok(())
    }

    /// Writes the lists in trigram order to a run: `trigram, length, gaps` each.
    fn spill(&mut self) -> io::Result<()> {
        let mut lists: Vec<(u32, List)> = self.lists.drain().collect();
        lists.sort_unstable_by_key(|(trigram, _)| *trigram);
        let mut run = BufWriter::with_capacity(1 << 20, tempfile::tempfile_in(self.runs_dir)?);
        for (trigram, list) in lists {
            run.write_all(&trigram.to_le_bytes())?;
            run.write_all(&(list.bytes.len() as u32).to_le_bytes())?;
            run.write_all(&list.bytes)?;
        }
        let mut run = run.into_inner().map_err(io::IntoInnerError::into_error)?;
        run.rewind()?;
        self.runs.push(run);
        self.bytes = 0;
        Ok(())
    }

    fn finish(mut self) -> io::Result<Vec<File>> {
        if !self.lists.is_empty() {
            self.spill()?;
        }
        Ok(self.runs)
    }
}

/// Where the merge takes posting lists from: a run, or the old index (its lists renumbered).
enum Source<'a> {
    Run(BufReader<File>),
    Old(OldLists<'a>),
}

/// The old index's lists, in the new numbering.
struct OldLists<'a> {
    index: &'a IndexFile,
    /// Old numbers to new (`u32::MAX`: the file is not taken).
    remap: &'a [u32],
    /// The files not taken, when every file taken keeps its number: a list without them is the
    /// same list in the new index.
    not_taken: Option<NotTaken>,
    /// The next trigram's place in the old index's table.
    next: u32,
}

impl<'a> OldLists<'a> {
    fn new(index: &'a IndexFile, remap: &'a [u32]) -> OldLists<'a> {
        let same_numbers = remap.iter().enumerate().all(|(old, &new)| new == old as u32 || new == u32::MAX);
        let not_taken = same_numbers.then(|| {
            let mut not_taken = NotTaken { bits: vec![0u64; remap.len().div_ceil(64)], last: 0 };
            for old in (0..remap.len()).filter(|&old| remap[old] == u32::MAX) {
                not_taken.bits[old / 64] |= 1 << (old % 64);
                not_taken.last = old as u32;
            }
            not_taken
        });
        OldLists { index, remap, not_taken, next: 0 }
    }
}

/// The old index's files that the new one does not take: a bit each, and the last one's number.
struct NotTaken {
    bits: Vec<u64>,
    last: u32,
}

impl NotTaken {
    fn holds(&self, doc: u32) -> bool {
        self.bits[doc as usize / 64] & (1 << (doc % 64)) != 0
    }
}

/// A posting list as the merge takes it: decoded, or still as an index holds it.
enum Taken<'a> {
    Postings(Vec<Posting>),
    /// An old list that the new index holds as it is: copied, not decoded and encoded again. Its
    /// checksum was checked, but it was decoded only in part: its numbers are below `docs` as far.
    AsIs {
        bytes: &'a [u8],
        docs: u32,
    },
}

impl Taken<'_> {
    /// The postings, decoded whole; a malformed old list is the old index's damage.
    fn into_postings(self) -> io::Result<Vec<Posting>> {
        match self {
            Taken::Postings(postings) => Ok(postings),
            Taken::AsIs { bytes, docs } => {
                let mut postings = Vec::new();
                let whole = decode_postings(bytes, |posting| {
                    postings.push(posting);
                    posting.doc < docs
                });
                match whole.is_some() && postings.last().is_none_or(|last| last.doc < docs) {
                    true => Ok(postings),
                    false => Err(old_damaged(Damaged("a posting list is malformed".into()))),
                }
            }
        }
    }
}

/// An error of the old index, told from other errors: the update is done again without it.
fn old_damaged(damaged: Damaged) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, damaged)
}

impl<'a> Source<'a> {
    /// The next trigram and its files, in the new numbering.
    fn next(&mut self) -> io::Result<Option<(u32, Taken<'a>)>> {
        match self {
            Source::Run(run) => {
                let mut head = [0u8; 8];
                match run.read_exact(&mut head) {
                    Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
                    result => result?,
                }
                let trigram = u32::from_le_bytes(head[..4].try_into().expect("4 bytes"));
                let mut bytes = vec![0; u32::from_le_bytes(head[4..].try_into().expect("4 bytes")) as usize];
                run.read_exact(&mut bytes)?;
                let mut docs = Vec::new();
                decode_postings(&bytes, |posting| {
                    docs.push(posting);
                    true
                })
                .ok_or_else(|| io::Error::other("a run is malformed"))?;
                Ok(Some((trigram, Taken::Postings(docs))))
            }
            Source::Old(old) => loop {
                let OldLists { index, remap, ref not_taken, next } = *old;
                if next >= index.trigrams() {
                    return Ok(None);
                }
                if next.is_multiple_of(1 << 14) {
                    index.release_postings_before(next);
                }
                old.next += 1;
                if let Some(not_taken) = not_taken {
                    // Decoded only as far as the last file not taken.
                    let mut holds_one = false;
                    let (trigram, bytes) = index
                        .postings_at(next, |posting| {
                            holds_one |= not_taken.holds(posting.doc);
                            !holds_one && posting.doc < not_taken.last
                        })
                        .map_err(old_damaged)?;
                    if !holds_one {
                        return Ok(Some((trigram, Taken::AsIs { bytes, docs: index.docs() })));
                    }
                }
                let mut docs = Vec::new();
                let (trigram, _) = index
                    .postings_at(next, |posting| {
                        docs.push(posting);
                        true
                    })
                    .map_err(old_damaged)?;
                docs.retain_mut(|posting| {
                    posting.doc = remap[posting.doc as usize];
                    posting.doc != u32::MAX
                });
                if !docs.is_empty() {
                    return Ok(Some((trigram, Taken::Postings(docs))));
                }
            },
        }
    }
}

/// The union of two lists of postings of distinct files, in order.
fn merged(a: &[Posting], b: &[Posting]) -> Vec<Posting> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].doc < b[j].doc {
            out.push(a[i]);
            i += 1;
        } else if a[i].doc == b[j].doc {
            // (Not met: the lists are of other files. Were it, the file has what follows in both.)
            out.push(Posting { doc: a[i].doc, next: a[i].next | b[j].next });
            (i, j) = (i + 1, j + 1);
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Merges the runs and the old index's lists, trigram by trigram, into the writer.
fn merge(runs: Vec<File>, old: Option<(&IndexFile, &[u32])>, writer: &mut IndexWriter) -> io::Result<()> {
    let mut sources: Vec<Source> =
        runs.into_iter().map(|run| Source::Run(BufReader::with_capacity(1 << 20, run))).collect();
    sources.extend(old.map(|(index, remap)| Source::Old(OldLists::new(index, remap))));
    let mut heads = BinaryHeap::new();
    let mut pending: Vec<Option<Taken>> = sources.iter().map(|_| None).collect();
    for (i, source) in sources.iter_mut().enumerate() {
        if let Some((trigram, list)) = source.next()? {
            heads.push(std::cmp::Reverse((trigram, i)));
            pending[i] = Some(list);
        }
    }
    let (mut docs, mut bytes, mut lists) = (Vec::new(), Vec::new(), Vec::new());
    while let Some(std::cmp::Reverse((trigram, _))) = heads.peek().copied() {
        lists.clear();
        while let Some(&std::cmp::Reverse((next, i))) = heads.peek() {
            if next != trigram {
                break;
            }
            heads.pop();
            lists.push(pending[i].take().expect("a pending list"));
            if let Some((trigram, list)) = sources[i].next()? {
                heads.push(std::cmp::Reverse((trigram, i)));
                pending[i] = Some(list);
            }
        }
        if let [Taken::AsIs { bytes: as_is, .. }] = lists[..] {
            writer.postings(trigram, as_is)?;
            continue;
        }
        docs.clear();
        for list in lists.drain(..) {
            let list = list.into_postings()?;
            // Each source's list is in order, and the runs' lists follow one another: a merge of
            // two sorted lists only where the old index's list meets the new files'.
            if docs.last().is_none_or(|last: &Posting| list.first().is_none_or(|first| last.doc < first.doc))
            {
                docs.extend(list);
            } else {
                docs = merged(&docs, &list);
            }
        }
        bytes.clear();
        let mut previous = None;
        for &posting in &docs {
            put_posting(&mut bytes, previous, posting);
            previous = Some(posting.doc);
        }
        writer.postings(trigram, &bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigrams_that_share_a_slot_keep_each_the_bits_of_what_follows_it() {
        // Two trigrams hashed to one slot (of printable ASCII: the file is text).
        let printable = |t: u32| t.to_be_bytes()[1..].iter().all(u8::is_ascii_graphic);
        let first = crate::index::query::trigram(*b"abc");
        let other = (0..1u32 << 24)
            .find(|&t| t != first && printable(t) && next_slot(t) == next_slot(first))
            .expect("a trigram in the same slot");
        let other_bytes = &other.to_be_bytes()[1..];
        let mut text = b"abcX ".to_vec();
        text.extend_from_slice(other_bytes);
        text.extend_from_slice(b"Y abc");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file");
        std::fs::write(&path, &text).unwrap();
        let mut reader = TrigramReader::new();
        let read = reader.read(&path);
        let next = |t: u32| read.trigrams.iter().find(|&&(trigram, _)| trigram == t).map(|&(_, next)| next);
        let both = next_bit(b'X') | next_bit(b'Y');
        assert_eq!(next(first), Some(both));
        assert_eq!(next(other), Some(both));
        // The reader starts the next file with no bits left over.
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(reader.read(&path).trigrams, [(first, 0)]);
    }
}
