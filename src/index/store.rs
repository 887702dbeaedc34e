//! The index file: its layout, how it is written, and how it is read back and checked.
//!
//! One file per tree, mapped into memory, little-endian throughout:
//!
//! ```text
//! header     HEADER_LEN bytes: magic, version, counts, the sections' places, checksums
//! postings   per trigram, per file that holds it: its number as a varint gap, then a byte of the
//!            bytes that follow the trigram in it (`next_bit`)
//! block_masks per big file, per four bytes in a row it holds: them, and a bit per block with them
//! docs       per file, DOC_LEN bytes: its path's place, what identified it, what it held
//! paths      the files' paths relative to the tree, one after another
//! by_path    the files' numbers in the byte order of their paths (for lookups by path)
//! dir_table  per directory, DIR_LEN bytes, in the byte order of their paths: what identified it
//! dir_names  per directory, its path, then its entries as it was listed: kind, name, file number
//! block_table per big file, BLOCK_LEN bytes, in file order: its block size, its masks' place, a check
//! trigrams   per trigram, TRIGRAM_LEN bytes, in trigram order: its postings' place and checks
//! ```
//!
//! The header, docs, paths, by_path and the directories are checked as a whole (`check`) when the
//! file is opened: a few megabytes for a big tree. The trigram table and the postings are checked
//! where they are read: each table entry carries a check of itself and one of its postings, so a
//! lookup checks every entry its binary search visits, and the postings it takes. So does each
//! entry of the block table, with its masks, when a search asks about its file.

use std::fs::File;
use std::io::{self, Write};
use std::ops::Range;

use memmap2::Mmap;
use twox_hash::XxHash3_64;

pub(crate) const MAGIC: &[u8; 8] = b"ba-index";
/// The layout, the meaning of its trigrams and its checks (6: a listed file's number in its
/// directory's entries; 5: what follows each trigram, and blocks of four bytes; 4: XXH3 checks; 3: with directories and blocks; 2: as the files hold them; 1
/// folded ASCII case).
pub(crate) const VERSION: u32 = 6;
const HEADER_LEN: usize = 192;
/// Where the header's places end (28 + 9 places of 16 bytes) and the builder's credentials are.
const CREDENTIALS_AT: usize = 172;
/// Where the header's check begins.
const HEADER_CHECKED: usize = 180;
const BLOCK_LEN: usize = 24;
/// A block mask entry: four bytes and their mask.
const MASK_LEN: usize = 12;
const DOC_LEN: usize = 96;
const DIR_LEN: usize = 48;
const TRIGRAM_LEN: usize = 24;

/// What identified a file when it was indexed: while its path still shows all of it, its content is
/// the one indexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Identity {
    pub(crate) dev: u64,
    pub(crate) ino: u64,
    pub(crate) size: u64,
    pub(crate) mtime_ns: i64,
    pub(crate) ctime_ns: i64,
}

/// One indexed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Doc {
    pub(crate) identity: Identity,
    /// Its lines and its bytes (after a UTF-8 byte-order mark): what a search that rules it out
    /// counts as searched.
    pub(crate) lines: u64,
    pub(crate) bytes: u64,
    /// Where its first NUL byte is, if it has one, and its whole lines before it: what a search of
    /// it as text stops at.
    pub(crate) nul: Option<Nul>,
    /// Its content is not in the postings (a compressed or UTF-16 file, one too big, one changed
    /// while it was read): a search always reads it.
    pub(crate) unindexed: bool,
}

/// Which blocks of a big file hold each four bytes in a row it holds (a "quad", keyed as a trigram
/// with one more byte): the file is cut into at most 64 blocks of `size` bytes, and a quad belongs
/// to the block it starts in. Four bytes, not three: the kernel's register headers hold every
/// trigram of most identifiers in every block, but not their quads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Blocks {
    pub(crate) size: u32,
    /// Per quad, in order: a bit per block that holds it.
    pub(crate) masks: Vec<(u32, u64)>,
}

/// An entry of the block table.
pub(crate) struct BlockEntry<'a> {
    entry: &'a [u8],
    masks: &'a [u8],
}

impl<'a> BlockEntry<'a> {
    /// The file's blocks, checked.
    pub(crate) fn view(&self) -> Result<BlockView<'a>, Damaged> {
        let entry = self.entry;
        let (start, count) = (u64_at(entry, 8) as usize, u32_at(entry, 16) as usize);
        let end = count.checked_mul(MASK_LEN).and_then(|len| start.checked_add(len));
        let bytes = end
            .and_then(|end| self.masks.get(start..end))
            .ok_or_else(|| damaged("a block mask out of bounds"))?;
        if check(&[&entry[..20], bytes]) != u32_at(entry, 20) {
            return Err(damaged("a block table's checksum does not match"));
        }
        Ok(BlockView { size: u32_at(entry, 4), masks: bytes })
    }
}

/// A big file's blocks as the index holds them.
pub(crate) struct BlockView<'a> {
    pub(crate) size: u32,
    masks: &'a [u8],
}

impl BlockView<'_> {
    /// The blocks that hold `quad`: a binary search.
    pub(crate) fn mask(&self, quad: u32) -> u64 {
        let found = search(self.masks.len() / MASK_LEN, |i| {
            Ok((u32_at(self.masks, i * MASK_LEN).cmp(&quad), u64_at(self.masks, i * MASK_LEN + 4)))
        });
        found.ok().flatten().unwrap_or(0)
    }

    pub(crate) fn to_blocks(&self) -> Blocks {
        let masks =
            self.masks.chunks_exact(MASK_LEN).map(|entry| (u32_at(entry, 0), u64_at(entry, 4))).collect();
        Blocks { size: self.size, masks }
    }
}

/// One directory as the build listed it: every entry, whatever the walk would take of it, so that a
/// search with any flags can judge them as it judges a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DirRecord {
    /// Its path relative to the tree (empty for the tree itself).
    pub(crate) key: Vec<u8>,
    /// What identified it before it was listed (its size is left at 0).
    pub(crate) identity: Identity,
    /// Its entries in the byte order of their names: per entry its kind, its name's length (two
    /// bytes), its name, and the number of the indexed file it is (`u32::MAX` for none), so that a
    /// search of the unchanged directory finds each file's entry without a search by path.
    pub(crate) names: Vec<u8>,
}

/// The kind of a directory's entry, as a listing tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryKind {
    File,
    Dir,
    Symlink,
    /// A FIFO, a socket, a device: never searched.
    Other,
}

impl EntryKind {
    pub(crate) fn of(file_type: rustix::fs::FileType) -> EntryKind {
        match file_type {
            rustix::fs::FileType::RegularFile => EntryKind::File,
            rustix::fs::FileType::Directory => EntryKind::Dir,
            rustix::fs::FileType::Symlink => EntryKind::Symlink,
            _ => EntryKind::Other,
        }
    }
}

impl Identity {
    pub(crate) fn of_stat(stat: &rustix::fs::Stat) -> Identity {
        Identity {
            dev: stat.st_dev,
            ino: stat.st_ino,
            size: stat.st_size as u64,
            mtime_ns: stat.st_mtime * 1_000_000_000 + stat.st_mtime_nsec as i64,
            ctime_ns: stat.st_ctime * 1_000_000_000 + stat.st_ctime_nsec as i64,
        }
    }
}

impl DirRecord {
    /// Adds an entry, with the number of the indexed file it is, if it is one.
    pub(crate) fn push(names: &mut Vec<u8>, kind: EntryKind, name: &[u8], doc: Option<u32>) {
        names.push(kind as u8);
        names.extend_from_slice(&(name.len() as u16).to_le_bytes());
        names.extend_from_slice(name);
        names.extend_from_slice(&doc.unwrap_or(u32::MAX).to_le_bytes());
    }
}

/// The entries of a directory's record, in order, each with the number of the indexed file it is
/// (not checked against the index's count); None at the end or where the record is malformed.
pub(crate) struct RecordedNames<'a>(&'a [u8]);

impl<'a> Iterator for RecordedNames<'a> {
    type Item = (EntryKind, &'a [u8], Option<u32>);

    fn next(&mut self) -> Option<(EntryKind, &'a [u8], Option<u32>)> {
        let (&kind, rest) = self.0.split_first()?;
        let kind =
            [EntryKind::File, EntryKind::Dir, EntryKind::Symlink, EntryKind::Other].get(kind as usize)?;
        let len = u16::from_le_bytes(rest.get(..2)?.try_into().expect("2 bytes")) as usize;
        let name = rest.get(2..2 + len)?;
        let doc = u32_at(rest.get(2 + len..6 + len)?, 0);
        self.0 = &rest[6 + len..];
        Some((*kind, name, (doc != u32::MAX).then_some(doc)))
    }
}

/// A file's first NUL byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Nul {
    pub(crate) at: u64,
    pub(crate) lines_before: u64,
    pub(crate) bytes_before: u64,
}

/// The sections' places in the file.
#[derive(Clone, Copy, Debug, Default)]
struct Layout {
    built_ns: i64,
    /// A digest of what decided which files the build could read (`super::credentials`).
    credentials: u64,
    docs: u32,
    trigrams: u32,
    postings: (u64, u64),
    doc_table: (u64, u64),
    paths: (u64, u64),
    by_path: (u64, u64),
    dir_table: (u64, u64),
    dir_names: (u64, u64),
    block_table: (u64, u64),
    block_masks: (u64, u64),
    trigram_table: (u64, u64),
}

impl Layout {
    fn places(&self) -> [(u64, u64); 9] {
        [
            self.postings,
            self.doc_table,
            self.paths,
            self.by_path,
            self.dir_table,
            self.dir_names,
            self.block_table,
            self.block_masks,
            self.trigram_table,
        ]
    }
}

/// An entry of the trigram table.
struct TableEntry {
    trigram: u32,
    postings: Range<u64>,
    check: u32,
}

/// What is wrong with an index file: it is then not used, and a search reads every file.
#[derive(Debug)]
pub(crate) struct Damaged(pub(crate) String);

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Damaged {}

fn damaged(why: impl Into<String>) -> Damaged {
    Damaged(why.into())
}

/// A 32-bit check of some bytes (XXH3, each part's hash seeding the next's with its length): it
/// finds the damage a disk or a cut-off write does (flipped bits, zeroed or missing blocks) as
/// surely as a cryptographic hash, which it need not be (the index is the user's own, and no one
/// else can write it). A search checks the megabytes of file and directory tables at the start, and
/// the blocks of each big file it asks about, before the walk: XXH3 reads them at memory speed.
fn check(parts: &[&[u8]]) -> u32 {
    let hash =
        parts.iter().fold(0u64, |seed, part| XxHash3_64::oneshot_with_seed(seed ^ part.len() as u64, part));
    hash as u32
}

/// A file that holds a trigram, and a bit for each byte that follows the trigram in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Posting {
    pub(crate) doc: u32,
    pub(crate) next: u8,
}

/// The bit of `byte` in a posting's `next`: eight bits for 256 bytes, so a bit says "maybe". An
/// ASCII letter has the bit of either case, so that a search in any case asks one bit, not two;
/// the hash spreads the letters, digits and `_` of identifiers over the bits better than their low
/// bits would.
pub(crate) fn next_bit(byte: u8) -> u8 {
    let byte = byte.to_ascii_lowercase();
    1 << ((byte ^ (byte >> 3)) & 7)
}

/// Appends `value` as a varint: seven bits a byte, low bits first.
fn put_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Appends `posting`, the one after `previous` in its list (None: the first).
pub(crate) fn put_posting(out: &mut Vec<u8>, previous: Option<u32>, posting: Posting) {
    put_varint(out, previous.map_or(posting.doc, |previous| posting.doc - previous));
    out.push(posting.next);
}

/// Decodes a posting list, each posting to `each` until it returns false; None when it is
/// malformed (as far as it is decoded).
pub(crate) fn decode_postings(mut bytes: &[u8], mut each: impl FnMut(Posting) -> bool) -> Option<()> {
    let mut doc: u32 = 0;
    let mut first = true;
    while !bytes.is_empty() {
        let mut value: u32 = 0;
        let mut shift = 0;
        loop {
            let (&byte, rest) = bytes.split_first()?;
            bytes = rest;
            if shift > 28 {
                return None;
            }
            value |= u32::from(byte & 0x7F) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        let (&next, rest) = bytes.split_first()?;
        bytes = rest;
        doc = if first { value } else { doc.checked_add(value)? };
        first = false;
        if !each(Posting { doc, next }) {
            break;
        }
    }
    Some(())
}

/// Writes an index file: the postings first, as they are merged, then the rest.
pub(crate) struct IndexWriter {
    file: io::BufWriter<File>,
    at: u64,
    table: Vec<u8>,
    trigrams: u32,
    layout: Layout,
}

impl IndexWriter {
    pub(crate) fn new(file: File, built_ns: i64, credentials: u64) -> io::Result<IndexWriter> {
        let mut file = io::BufWriter::with_capacity(1 << 20, file);
        file.write_all(&[0; HEADER_LEN])?;
        let layout = Layout { built_ns, credentials, ..Layout::default() };
        Ok(IndexWriter { file, at: HEADER_LEN as u64, table: Vec::new(), trigrams: 0, layout })
    }

    /// The postings of the next trigram (trigrams come in increasing order).
    pub(crate) fn postings(&mut self, trigram: u32, postings: &[u8]) -> io::Result<()> {
        let offset = self.at;
        self.file.write_all(postings)?;
        self.at += postings.len() as u64;
        let mut entry = [0u8; TRIGRAM_LEN];
        entry[0..4].copy_from_slice(&trigram.to_le_bytes());
        entry[4..8].copy_from_slice(&(postings.len() as u32).to_le_bytes());
        entry[8..16].copy_from_slice(&offset.to_le_bytes());
        entry[16..20].copy_from_slice(&check(&[postings]).to_le_bytes());
        let own = check(&[&entry[..20]]);
        entry[20..24].copy_from_slice(&own.to_le_bytes());
        self.table.extend_from_slice(&entry);
        self.trigrams += 1;
        Ok(())
    }

    /// The files and their paths (numbered in this order) and the blocks of the big ones, the
    /// directories (in the byte order of their paths), then the table; returns the file.
    pub(crate) fn finish(
        mut self,
        (docs, paths, blocks): (&[Doc], &[Vec<u8>], &[Option<Blocks>]),
        dirs: &[DirRecord],
    ) -> io::Result<File> {
        let layout = &mut self.layout;
        layout.postings = (HEADER_LEN as u64, self.at);
        layout.docs = docs.len() as u32;
        layout.trigrams = self.trigrams;
        let mut head = Vec::with_capacity(docs.len() * DOC_LEN);
        let mut path_bytes = Vec::new();
        for (doc, path) in docs.iter().zip(paths) {
            head.extend_from_slice(&encode_doc(doc, path_bytes.len() as u64, path.len() as u32));
            path_bytes.extend_from_slice(path);
        }
        let mut by_path: Vec<u32> = (0..docs.len() as u32).collect();
        by_path.sort_unstable_by(|&a, &b| paths[a as usize].cmp(&paths[b as usize]));
        let by_path: Vec<u8> = by_path.iter().flat_map(|doc| doc.to_le_bytes()).collect();
        let (mut dir_table, mut dir_names) = (Vec::with_capacity(dirs.len() * DIR_LEN), Vec::new());
        for dir in dirs {
            dir_table.extend_from_slice(&encode_dir(dir, dir_names.len() as u64));
            dir_names.extend_from_slice(&dir.key);
            dir_names.extend_from_slice(&dir.names);
        }
        // The block masks go first, each file's as it is encoded: they are the biggest section the
        // build holds to the end, and need not be held twice.
        let (mut block_table, mut masks) = (Vec::new(), Vec::new());
        let (masks_start, mut masks_len) = (self.at, 0u64);
        for (doc, blocks) in blocks.iter().enumerate() {
            let Some(blocks) = blocks else { continue };
            masks.clear();
            for (quad, mask) in &blocks.masks {
                masks.extend_from_slice(&quad.to_le_bytes());
                masks.extend_from_slice(&mask.to_le_bytes());
            }
            let mut entry = [0u8; BLOCK_LEN];
            entry[0..4].copy_from_slice(&(doc as u32).to_le_bytes());
            entry[4..8].copy_from_slice(&blocks.size.to_le_bytes());
            entry[8..16].copy_from_slice(&masks_len.to_le_bytes());
            entry[16..20].copy_from_slice(&(blocks.masks.len() as u32).to_le_bytes());
            let own = check(&[&entry[..20], &masks]);
            entry[20..24].copy_from_slice(&own.to_le_bytes());
            block_table.extend_from_slice(&entry);
            self.file.write_all(&masks)?;
            masks_len += masks.len() as u64;
        }
        layout.block_masks = (masks_start, masks_start + masks_len);
        let mut at = masks_start + masks_len;
        for (section, bytes) in [
            (&mut layout.doc_table, &head),
            (&mut layout.paths, &path_bytes),
            (&mut layout.by_path, &by_path),
            (&mut layout.dir_table, &dir_table),
            (&mut layout.dir_names, &dir_names),
            (&mut layout.block_table, &block_table),
            (&mut layout.trigram_table, &self.table),
        ] {
            *section = (at, at + bytes.len() as u64);
            self.file.write_all(bytes)?;
            at += bytes.len() as u64;
        }
        let header = encode_header(layout, &[&head, &path_bytes, &by_path, &dir_table, &dir_names]);
        let mut file = self.file.into_inner().map_err(io::IntoInnerError::into_error)?;
        std::os::unix::fs::FileExt::write_all_at(&file, &header, 0)?;
        file.flush()?;
        Ok(file)
    }
}

fn encode_doc(doc: &Doc, path_offset: u64, path_len: u32) -> [u8; DOC_LEN] {
    let mut out = [0u8; DOC_LEN];
    let id = &doc.identity;
    let nul = doc.nul.unwrap_or(Nul { at: u64::MAX, lines_before: 0, bytes_before: 0 });
    let fields: [u64; 11] = [
        path_offset,
        id.dev,
        id.ino,
        id.size,
        id.mtime_ns as u64,
        id.ctime_ns as u64,
        doc.lines,
        nul.at,
        nul.lines_before,
        nul.bytes_before,
        doc.bytes,
    ];
    for (i, field) in fields.iter().enumerate() {
        out[i * 8..i * 8 + 8].copy_from_slice(&field.to_le_bytes());
    }
    out[88..92].copy_from_slice(&path_len.to_le_bytes());
    out[92..96].copy_from_slice(&u32::from(doc.unindexed).to_le_bytes());
    out
}

fn encode_dir(dir: &DirRecord, offset: u64) -> [u8; DIR_LEN] {
    let mut out = [0u8; DIR_LEN];
    let id = &dir.identity;
    out[0..8].copy_from_slice(&offset.to_le_bytes());
    out[8..12].copy_from_slice(&(dir.key.len() as u32).to_le_bytes());
    out[12..16].copy_from_slice(&(dir.names.len() as u32).to_le_bytes());
    for (i, field) in [id.dev, id.ino, id.mtime_ns as u64, id.ctime_ns as u64].iter().enumerate() {
        out[16 + i * 8..24 + i * 8].copy_from_slice(&field.to_le_bytes());
    }
    out
}

fn encode_header(layout: &Layout, head: &[&[u8]]) -> [u8; HEADER_LEN] {
    let mut out = [0u8; HEADER_LEN];
    out[0..8].copy_from_slice(MAGIC);
    out[8..12].copy_from_slice(&VERSION.to_le_bytes());
    out[12..16].copy_from_slice(&layout.docs.to_le_bytes());
    out[16..20].copy_from_slice(&layout.trigrams.to_le_bytes());
    out[20..28].copy_from_slice(&layout.built_ns.to_le_bytes());
    out[CREDENTIALS_AT..CREDENTIALS_AT + 8].copy_from_slice(&layout.credentials.to_le_bytes());
    for (i, (start, end)) in layout.places().iter().enumerate() {
        out[28 + i * 16..36 + i * 16].copy_from_slice(&start.to_le_bytes());
        out[36 + i * 16..44 + i * 16].copy_from_slice(&end.to_le_bytes());
    }
    // The check of the header so far and of the sections read whole.
    let mut parts = vec![&out[..HEADER_CHECKED]];
    parts.extend_from_slice(head);
    let sum = check(&parts);
    out[HEADER_CHECKED..HEADER_CHECKED + 4].copy_from_slice(&sum.to_le_bytes());
    out
}

/// A binary search of `len` items in order: `compare(i)` says how item `i` orders against what is
/// looked for, and what it is; the item found equal, if any. An item that cannot be read (a damaged
/// index) ends the search.
fn search<T>(
    len: usize,
    mut compare: impl FnMut(usize) -> Result<(std::cmp::Ordering, T), Damaged>,
) -> Result<Option<T>, Damaged> {
    let (mut low, mut high) = (0, len);
    while low < high {
        let mid = low + (high - low) / 2;
        match compare(mid)? {
            (std::cmp::Ordering::Less, _) => low = mid + 1,
            (std::cmp::Ordering::Greater, _) => high = mid,
            (std::cmp::Ordering::Equal, item) => return Ok(Some(item)),
        }
    }
    Ok(None)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// An index file, mapped.
pub(crate) struct IndexFile {
    map: Mmap,
    layout: Layout,
}

impl IndexFile {
    pub(crate) fn open(file: &File) -> Result<IndexFile, Damaged> {
        let index = IndexFile::map(file)?;
        index.check_whole()?;
        Ok(index)
    }

    /// The index in `file`, its header read and its sections' places checked, but not yet the
    /// sections checked as a whole (`check_whole`): a search checks them on another core while it
    /// evaluates its query, which reads only the sections checked where they are read.
    pub(crate) fn map(file: &File) -> Result<IndexFile, Damaged> {
        // SAFETY: the file is the user's own (checked by the caller) and ba never writes an index in
        // place (a new one is renamed over it): the mapping does not change under it.
        let map = unsafe { Mmap::map(file) }.map_err(|err| damaged(format!("cannot map it: {err}")))?;
        let bytes = &map[..];
        if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
            return Err(damaged("not a ba index"));
        }
        let version = u32_at(bytes, 8);
        if version != VERSION {
            return Err(damaged(format!("made by another version of ba (format {version}, not {VERSION})")));
        }
        let place = |i: usize| (u64_at(bytes, 28 + i * 16), u64_at(bytes, 36 + i * 16));
        let layout = Layout {
            built_ns: u64_at(bytes, 20) as i64,
            credentials: u64_at(bytes, CREDENTIALS_AT),
            docs: u32_at(bytes, 12),
            trigrams: u32_at(bytes, 16),
            postings: place(0),
            doc_table: place(1),
            paths: place(2),
            by_path: place(3),
            dir_table: place(4),
            dir_names: place(5),
            block_table: place(6),
            block_masks: place(7),
            trigram_table: place(8),
        };
        let len = bytes.len() as u64;
        if layout.places().iter().any(|&(start, end)| start > end || end > len) {
            return Err(damaged("truncated"));
        }
        let docs = u64::from(layout.docs);
        if layout.doc_table.1 - layout.doc_table.0 != docs * DOC_LEN as u64
            || layout.by_path.1 - layout.by_path.0 != docs * 4
            || !(layout.dir_table.1 - layout.dir_table.0).is_multiple_of(DIR_LEN as u64)
            || !(layout.block_table.1 - layout.block_table.0).is_multiple_of(BLOCK_LEN as u64)
            || layout.trigram_table.1 - layout.trigram_table.0
                != u64::from(layout.trigrams) * TRIGRAM_LEN as u64
        {
            return Err(damaged("its sections do not add up"));
        }
        Ok(IndexFile { map, layout })
    }

    /// Checks the sections checked as a whole when the file is opened: the header, the files, their
    /// paths and the directories.
    pub(crate) fn check_whole(&self) -> Result<(), Damaged> {
        let layout = self.layout;
        let head = [
            &self.map[..HEADER_CHECKED],
            self.section(layout.doc_table),
            self.section(layout.paths),
            self.section(layout.by_path),
            self.section(layout.dir_table),
            self.section(layout.dir_names),
        ];
        if check(&head) != u32_at(&self.map, HEADER_CHECKED) {
            return Err(damaged("its checksum does not match"));
        }
        Ok(())
    }

    fn section(&self, (start, end): (u64, u64)) -> &[u8] {
        &self.map[start as usize..end as usize]
    }

    /// When the build began (nanoseconds since the epoch).
    pub(crate) fn built_ns(&self) -> i64 {
        self.layout.built_ns
    }

    pub(crate) fn credentials(&self) -> u64 {
        self.layout.credentials
    }

    pub(crate) fn docs(&self) -> u32 {
        self.layout.docs
    }

    pub(crate) fn trigrams(&self) -> u32 {
        self.layout.trigrams
    }

    pub(crate) fn size(&self) -> u64 {
        self.map.len() as u64
    }

    pub(crate) fn doc(&self, doc: u32) -> Doc {
        let table = self.section(self.layout.doc_table);
        let entry = &table[doc as usize * DOC_LEN..(doc as usize + 1) * DOC_LEN];
        let field = |i: usize| u64_at(entry, i * 8);
        Doc {
            identity: Identity {
                dev: field(1),
                ino: field(2),
                size: field(3),
                mtime_ns: field(4) as i64,
                ctime_ns: field(5) as i64,
            },
            lines: field(6),
            bytes: field(10),
            nul: (field(7) != u64::MAX).then(|| Nul {
                at: field(7),
                lines_before: field(8),
                bytes_before: field(9),
            }),
            unindexed: u32_at(entry, 92) != 0,
        }
    }

    /// The path of file `doc`, relative to the tree (checked when opened: its place is in bounds).
    pub(crate) fn path(&self, doc: u32) -> Result<&[u8], Damaged> {
        let table = self.section(self.layout.doc_table);
        let entry = &table[doc as usize * DOC_LEN..];
        let start = u64_at(entry, 0);
        let len = u64::from(u32_at(entry, 88));
        let paths = self.section(self.layout.paths);
        let range = start as usize..(start + len) as usize;
        paths.get(range).ok_or_else(|| damaged("a path out of bounds"))
    }

    /// The number of the file at `path`, if the index has it.
    pub(crate) fn find(&self, path: &[u8]) -> Result<Option<u32>, Damaged> {
        let by_path = self.section(self.layout.by_path);
        search(self.layout.docs as usize, |i| {
            let doc = u32_at(by_path, i * 4);
            if doc >= self.layout.docs {
                return Err(damaged("a file number out of bounds"));
            }
            Ok((self.path(doc)?.cmp(path), doc))
        })
    }

    /// The directory at `key` (relative to the tree) as the build listed it: what identified it,
    /// and its entries. None when the build did not list it.
    pub(crate) fn dir(&self, key: &[u8]) -> Result<Option<(Identity, RecordedNames<'_>)>, Damaged> {
        let table = self.section(self.layout.dir_table);
        let names = self.section(self.layout.dir_names);
        let record = |i: usize| -> Result<(&[u8], &[u8], Identity), Damaged> {
            let entry = &table[i * DIR_LEN..(i + 1) * DIR_LEN];
            let (start, key_len, names_len) =
                (u64_at(entry, 0) as usize, u32_at(entry, 8) as usize, u32_at(entry, 12) as usize);
            let out_of_bounds = || damaged("a directory out of bounds");
            let key = names.get(start..start + key_len).ok_or_else(out_of_bounds)?;
            let listed = names.get(start + key_len..start + key_len + names_len).ok_or_else(out_of_bounds)?;
            let field = |j: usize| u64_at(entry, 16 + j * 8);
            let identity = Identity {
                dev: field(0),
                ino: field(1),
                size: 0,
                mtime_ns: field(2) as i64,
                ctime_ns: field(3) as i64,
            };
            Ok((key, listed, identity))
        };
        search(table.len() / DIR_LEN, |i| {
            let (found, listed, identity) = record(i)?;
            Ok((found.cmp(key), (identity, RecordedNames(listed))))
        })
    }

    /// The big files that have blocks, in order: each one's number (unchecked until its blocks are
    /// taken) and its entry.
    pub(crate) fn blocks(&self) -> impl Iterator<Item = (u32, BlockEntry<'_>)> + '_ {
        let masks = self.section(self.layout.block_masks);
        let table = self.section(self.layout.block_table);
        table.chunks_exact(BLOCK_LEN).map(move |entry| (u32_at(entry, 0), BlockEntry { entry, masks }))
    }

    /// The files that hold `trigram`, in order, each to `each` (none when the index has no such
    /// trigram). A binary search of the table, checking each entry it reads.
    pub(crate) fn postings(&self, trigram: u32, mut each: impl FnMut(Posting)) -> Result<(), Damaged> {
        let found = search(self.layout.trigrams as usize, |i| {
            let entry = self.entry(i as u32)?;
            Ok((entry.trigram.cmp(&trigram), entry))
        })?;
        match found {
            Some(entry) => self
                .decode(&entry, |posting| {
                    each(posting);
                    true
                })
                .map(|_| ()),
            None => Ok(()),
        }
    }

    /// The `i`th trigram of the table, its files each to `each` until it returns false; with its
    /// list as the index holds it (checked).
    pub(crate) fn postings_at(
        &self,
        i: u32,
        each: impl FnMut(Posting) -> bool,
    ) -> Result<(u32, &[u8]), Damaged> {
        let entry = self.entry(i)?;
        let bytes = self.decode(&entry, each)?;
        Ok((entry.trigram, bytes))
    }

    /// Lets the pages of the postings before the `i`th trigram's go: an update reads the old index
    /// once, in order, and its memory need not grow with the old index's size.
    pub(crate) fn release_postings_before(&self, i: u32) {
        let Ok(entry) = self.entry(i) else { return };
        let end = entry.postings.start as usize & !4095;
        // SAFETY: the mapping is read-only and of a file never written in place: pages dropped are
        // read again from the file if they are needed again.
        let _ = unsafe { self.map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, 0, end) };
    }

    fn entry(&self, i: u32) -> Result<TableEntry, Damaged> {
        let table = self.section(self.layout.trigram_table);
        let entry = &table[i as usize * TRIGRAM_LEN..(i as usize + 1) * TRIGRAM_LEN];
        if check(&[&entry[..20]]) != u32_at(entry, 20) {
            return Err(damaged("its trigram table's checksum does not match"));
        }
        let offset = u64_at(entry, 8);
        Ok(TableEntry {
            trigram: u32_at(entry, 0),
            postings: offset..offset + u64::from(u32_at(entry, 4)),
            check: u32_at(entry, 16),
        })
    }

    /// Decodes a list whose every file number is below the index's count, each posting to `each`
    /// until it returns false; returns its bytes.
    fn decode(&self, entry: &TableEntry, mut each: impl FnMut(Posting) -> bool) -> Result<&[u8], Damaged> {
        let bytes = self.postings_bytes(entry.postings.clone())?;
        if check(&[bytes]) != entry.check {
            return Err(damaged("a posting list's checksum does not match"));
        }
        let docs = self.layout.docs;
        let mut in_bounds = true;
        decode_postings(bytes, |posting| {
            in_bounds = posting.doc < docs;
            in_bounds && each(posting)
        })
        .ok_or_else(|| damaged("a posting list is malformed"))?;
        in_bounds.then_some(bytes).ok_or_else(|| damaged("a file number out of bounds"))
    }

    fn postings_bytes(&self, range: Range<u64>) -> Result<&[u8], Damaged> {
        let (start, end) = self.layout.postings;
        if range.start < start || range.end > end {
            return Err(damaged("a posting list out of bounds"));
        }
        Ok(&self.map[range.start as usize..range.end as usize])
    }
}
