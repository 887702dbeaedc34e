//! The undo journal: what each `-r` run changed, kept so that `ba --undo` can put it back.
//!
//! It lives in the user's state directory (`$XDG_STATE_HOME/ba`, else `~/.local/state/ba`), one
//! directory per run under `runs/`, named by its start time and process (`<nanoseconds>-<pid>`, so
//! that names sort by age). A run's directory holds `journal`, one record per file, appended and
//! synced before the file is renamed into place:
//!
//! ```text
//! ba-undo 1 <size> <path length>\n<path>\n<the file's old content: size bytes>
//! end <hash of the old content> <hash of the new content> <check>\n
//! ```
//!
//! with blake3 hashes in hex and a check (the start of a hash of the record's header and end) that
//! tells a whole record from one cut short by a crash: reading stops at the first record that is not
//! whole, which is always the last one, and whose file was never renamed. `done` marks a run that
//! ended. A run's directory is locked (flock) while its run writes it or `--undo` restores it; `lock`,
//! beside `runs/`, is held while a run is created, while old runs are removed, and while `--undo`
//! picks the last run.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use rustix::fs::FlockOperation;
use rustix::io::Errno;

use crate::messages::describe;
use crate::sanitize::printable_path;

/// Runs kept: a new run removes the oldest beyond these (itself included).
const KEEP_RUNS: usize = 5;

const JOURNAL: &str = "journal";
const DONE: &str = "done";
const MAGIC: &str = "ba-undo 1";
/// `end `, two hashes and a check, each after a space, and a newline.
const END_LEN: usize = 4 + 64 + 1 + 64 + 1 + 16 + 1;

/// Where the journal lives: `$XDG_STATE_HOME/ba`, else `~/.local/state/ba`.
fn state_dir() -> Result<PathBuf> {
    let xdg = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from).filter(|dir| dir.is_absolute());
    let home = || std::env::var_os("HOME").map(|home| Path::new(&home).join(".local/state"));
    match xdg.or_else(home) {
        Some(dir) => Ok(dir.join("ba")),
        None => anyhow::bail!(
            "neither XDG_STATE_HOME nor HOME is set: there is nowhere to keep the undo journal; rewrite with \
             --no-undo, or set XDG_STATE_HOME to a writable directory"
        ),
    }
}

/// The journal of the run in progress.
pub(crate) struct Journal {
    runs: PathBuf,
    /// This run's directory, locked while the run lasts.
    dir: PathBuf,
    _lock: File,
    file: File,
    counts: Counts,
}

/// What a run's journal holds so far.
struct Counts {
    /// The length of the records kept.
    len: u64,
    records: u64,
    /// Bytes of old content kept, and the most allowed.
    kept: u64,
    limit: u64,
}

/// Why a file could not be recorded.
pub(crate) enum NotRecorded {
    /// Its old content would take the run's journal past its limit.
    Full {
        limit: u64,
    },
    Failed(io::Error),
}

impl Journal {
    /// Starts the journal of a new run, which may keep `limit` bytes of old contents.
    pub(crate) fn start(limit: u64) -> Result<Journal> {
        let state = state_dir()?;
        let started = || -> io::Result<Journal> {
            let runs = state.join("runs");
            DirBuilder::new().recursive(true).mode(0o700).create(&runs)?;
            let _state = lock_state(&state)?;
            let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos());
            let dir = runs.join(format!("{nanos:020}-{}", std::process::id()));
            DirBuilder::new().mode(0o700).create(&dir)?;
            let lock = File::open(&dir)?;
            rustix::fs::flock(&lock, FlockOperation::LockExclusive)?;
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(dir.join(JOURNAL))?;
            let counts = Counts { len: 0, records: 0, kept: 0, limit };
            Ok(Journal { runs, dir, _lock: lock, file, counts })
        };
        started().with_context(|| {
            format!(
                "cannot keep the undo journal in {}; rewrite with --no-undo, or set XDG_STATE_HOME to a \
                 writable directory",
                printable_path(&state)
            )
        })
    }

    /// Starts the record of the file at `path` (resolved), whose old content of `size` bytes follows.
    /// The first record makes the run durable and removes the oldest runs.
    pub(crate) fn record(&mut self, path: &Path, size: u64) -> Result<Record<'_>, NotRecorded> {
        if self.counts.kept + size > self.counts.limit {
            return Err(NotRecorded::Full { limit: self.counts.limit });
        }
        if self.counts.records == 0 {
            self.first_record().map_err(NotRecorded::Failed)?;
        }
        let start = self.counts.len;
        let path = path.as_os_str().as_bytes();
        let header = [format!("{MAGIC} {size} {}\n", path.len()).as_bytes(), path, b"\n"].concat();
        let mut writer = BufWriter::with_capacity(64 << 10, &self.file);
        let written = writer.seek(SeekFrom::Start(start)).and_then(|_| writer.write_all(&header));
        let record = Record {
            file: &self.file,
            counts: &mut self.counts,
            writer: Some(writer),
            start,
            size,
            copied: 0,
            header,
            kept: false,
        };
        written.map_err(NotRecorded::Failed)?;
        Ok(record)
    }

    /// The run's directory, and the journal in it, are made durable; old runs are removed.
    fn first_record(&mut self) -> io::Result<()> {
        File::open(&self.dir)?.sync_all()?;
        File::open(&self.runs)?.sync_all()?;
        // Removing old runs is tidying: a failure leaves them for the next run.
        let _ = prune(&self.runs, &self.dir);
        Ok(())
    }

    /// Ends the run: marks it done, or removes it when it recorded nothing.
    pub(crate) fn finish(self) -> io::Result<()> {
        if self.counts.records == 0 {
            return remove_run(&self.dir);
        }
        File::create(self.dir.join(DONE))?.sync_all()?;
        File::open(&self.dir)?.sync_all()
    }
}

/// One file's record, being written. Dropped before it is kept, it is taken back.
pub(crate) struct Record<'j> {
    file: &'j File,
    counts: &'j mut Counts,
    writer: Option<BufWriter<&'j File>>,
    start: u64,
    size: u64,
    copied: u64,
    header: Vec<u8>,
    kept: bool,
}

impl Record<'_> {
    /// The next bytes of the file's old content.
    pub(crate) fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.copied += bytes.len() as u64;
        match &mut self.writer {
            Some(writer) => writer.write_all(bytes),
            None => Err(io::Error::other("the record is already complete")),
        }
    }

    /// Completes the record with the hashes of the old and new contents, and syncs it: from here on
    /// the file may be renamed into place.
    pub(crate) fn commit(&mut self, old: &blake3::Hash, new: &blake3::Hash) -> io::Result<()> {
        if self.copied != self.size {
            return Err(io::Error::other("it changed while being replaced"));
        }
        let end = format!("end {} {} ", old.to_hex(), new.to_hex());
        let check = check(&self.header, end.as_bytes());
        let mut writer =
            self.writer.take().ok_or_else(|| io::Error::other("the record is already complete"))?;
        writer.write_all(format!("{end}{check}\n").as_bytes())?;
        writer.into_inner().map_err(|err| err.into_error())?.sync_data()
    }

    /// The file is in place: the record stays.
    pub(crate) fn keep(mut self) {
        self.kept = true;
        self.counts.len = self.start + self.header.len() as u64 + self.size + END_LEN as u64;
        self.counts.records += 1;
        self.counts.kept += self.size;
    }
}

impl Drop for Record<'_> {
    fn drop(&mut self) {
        if !self.kept {
            // What it wrote is past the records kept: cut it off.
            self.writer = None;
            let _ = self.file.set_len(self.start);
        }
    }
}

/// The start of a hash of a record's header and end, in hex.
fn check(header: &[u8], end: &[u8]) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(header);
    hasher.update(end);
    hasher.finalize().to_hex()[..16].to_string()
}

/// A run kept in the journal, locked by the one who opened it.
pub(crate) struct Run {
    pub(crate) dir: PathBuf,
    _lock: File,
    pub(crate) file: Option<File>,
    /// The run ended (it was not killed or interrupted).
    pub(crate) done: bool,
}

/// What the journal says of one file.
pub(crate) struct Entry {
    pub(crate) path: PathBuf,
    /// Where the old content starts in the journal, and its size.
    pub(crate) offset: u64,
    pub(crate) size: u64,
    pub(crate) old: blake3::Hash,
    pub(crate) new: blake3::Hash,
}

/// What became of the search for the last run.
pub(crate) enum Last {
    Run(Run),
    /// The journal holds no run.
    Nothing,
    /// The last run is still going (or being undone).
    Busy(PathBuf),
}

/// The last run of the journal, locked; runs that recorded nothing are removed on the way.
pub(crate) fn last_run() -> Result<Last> {
    let state = state_dir()?;
    let runs = state.join("runs");
    if !runs.is_dir() {
        return Ok(Last::Nothing);
    }
    let context = || format!("cannot read the undo journal in {}", printable_path(&state));
    let _state = lock_state(&state).with_context(context)?;
    for dir in run_dirs(&runs).with_context(context)?.into_iter().rev() {
        let lock = File::open(&dir).with_context(context)?;
        match rustix::fs::flock(&lock, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(Errno::WOULDBLOCK) => return Ok(Last::Busy(dir)),
            Err(err) => return Err(io::Error::from(err)).with_context(context),
        }
        let file = match File::open(dir.join(JOURNAL)) {
            Ok(file) => Some(file),
            Err(err) if err.kind() == io::ErrorKind::NotFound => None,
            Err(err) => return Err(err).with_context(context),
        };
        let done = dir.join(DONE).exists();
        let run = Run { dir, _lock: lock, file, done };
        if run.entries().with_context(context)?.is_empty() {
            remove_run(&run.dir).with_context(context)?;
            continue;
        }
        return Ok(Last::Run(run));
    }
    Ok(Last::Nothing)
}

impl Run {
    /// The whole records of the run, in the order they were written.
    pub(crate) fn entries(&self) -> io::Result<Vec<Entry>> {
        let Some(file) = &self.file else { return Ok(Vec::new()) };
        let mut reader = BufReader::new(file);
        reader.seek(SeekFrom::Start(0))?;
        let mut entries = Vec::new();
        while let Some(entry) = read_entry(&mut reader)? {
            entries.push(entry);
        }
        Ok(entries)
    }

    /// Removes the run from the journal.
    pub(crate) fn remove(self) -> io::Result<()> {
        remove_run(&self.dir)
    }
}

/// The next record, if it is whole.
fn read_entry(reader: &mut BufReader<&File>) -> io::Result<Option<Entry>> {
    let mut header = Vec::new();
    if reader.by_ref().take(128).read_until(b'\n', &mut header)? == 0 {
        return Ok(None);
    }
    let fields = std::str::from_utf8(&header).ok().and_then(|text| {
        let rest = text.strip_prefix(MAGIC)?.strip_prefix(' ')?.strip_suffix('\n')?;
        let (size, path_len) = rest.split_once(' ')?;
        Some((size.parse::<u64>().ok()?, path_len.parse::<usize>().ok()?))
    });
    let Some((size, path_len)) = fields else { return Ok(None) };
    let mut path = vec![0; path_len + 1];
    if reader.read_exact(&mut path).is_err() || path.pop() != Some(b'\n') {
        return Ok(None);
    }
    header.extend_from_slice(&path);
    header.push(b'\n');
    let offset = reader.stream_position()?;
    reader.seek_relative(size as i64)?;
    let mut end = [0; END_LEN];
    if reader.read_exact(&mut end).is_err() {
        return Ok(None);
    }
    let parsed = std::str::from_utf8(&end).ok().and_then(|text| {
        let rest = text.strip_prefix("end ")?.strip_suffix('\n')?;
        let mut fields = rest.split(' ');
        let (old, new, sum) = (fields.next()?, fields.next()?, fields.next()?);
        let hashed = end.len() - sum.len() - 1;
        (check(&header, &end[..hashed]) == sum)
            .then(|| Some((blake3::Hash::from_hex(old).ok()?, blake3::Hash::from_hex(new).ok()?)))?
    });
    let Some((old, new)) = parsed else { return Ok(None) };
    let path = PathBuf::from(std::ffi::OsStr::from_bytes(&path));
    Ok(Some(Entry { path, offset, size, old, new }))
}

/// The runs' directories, oldest first.
fn run_dirs(runs: &Path) -> io::Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    for entry in fs::read_dir(runs)? {
        let entry = entry?;
        let is_run = entry.file_name().as_bytes().iter().all(|&b| b.is_ascii_digit() || b == b'-');
        if is_run && entry.file_type()?.is_dir() {
            dirs.push(entry.path());
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// Removes the oldest runs, keeping `KEEP_RUNS` with `own`; runs in use are left alone.
fn prune(runs: &Path, own: &Path) -> io::Result<()> {
    let state = runs.parent().unwrap_or(runs);
    let _state = lock_state(state)?;
    let others: Vec<PathBuf> = run_dirs(runs)?.into_iter().filter(|dir| dir != own).collect();
    let old = others.len().saturating_sub(KEEP_RUNS - 1);
    for dir in &others[..old] {
        let lock = File::open(dir)?;
        if rustix::fs::flock(&lock, FlockOperation::NonBlockingLockExclusive).is_ok() {
            remove_run(dir)?;
        }
    }
    Ok(())
}

/// Removes a run's directory: its journal first, so that a removal cut short leaves a run with no
/// record, which is no run.
fn remove_run(dir: &Path) -> io::Result<()> {
    for name in [JOURNAL, DONE] {
        match fs::remove_file(dir.join(name)) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
            _ => {}
        }
    }
    fs::remove_dir(dir)
}

/// Holds the lock of the whole journal while it is alive.
fn lock_state(state: &Path) -> io::Result<File> {
    let lock =
        OpenOptions::new().create(true).truncate(false).write(true).mode(0o600).open(state.join("lock"))?;
    rustix::fs::flock(&lock, FlockOperation::LockExclusive)?;
    Ok(lock)
}

/// `not written: ...` for a file that could not be recorded.
pub(crate) fn not_recorded(reason: &NotRecorded) -> String {
    match reason {
        NotRecorded::Full { limit } => format!(
            "not written: its old content would take this rewrite's undo journal past {}; nothing more is \
             rewritten (rewrite with --no-undo, or a larger --undo-limit)",
            size(*limit)
        ),
        NotRecorded::Failed(err) => format!(
            "not written: cannot record it in the undo journal ({}); nothing more is rewritten (see \
             --no-undo)",
            describe(err)
        ),
    }
}

/// 268435456 -> "256 MiB"; 1000 -> "1000 bytes".
fn size(bytes: u64) -> String {
    match bytes {
        0 => "0 bytes".into(),
        _ if bytes.is_multiple_of(1 << 30) => format!("{} GiB", bytes >> 30),
        _ if bytes.is_multiple_of(1 << 20) => format!("{} MiB", bytes >> 20),
        _ if bytes.is_multiple_of(1 << 10) => format!("{} KiB", bytes >> 10),
        _ => format!("{bytes} bytes"),
    }
}
