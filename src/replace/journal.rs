//! The undo journal: what each `-r` run changed, kept so that `ba --undo` can put it back.
//!
//! It lives in the user's state directory (`$XDG_STATE_HOME/ba`, else `~/.local/state/ba`), one
//! directory per run under `runs/`, named by its start time and process (`<nanoseconds>-<pid>`, so
//! that names sort by age). Each run directory holds:
//!
//! - `run`, written when the run starts: where it ran and what was typed,
//!   `ba-run 2 <nanoseconds> <cwd length> <command length>\n<cwd>\n<command>\n<hash>\n`;
//! - `journal`, one record per file, appended and synced before the file is renamed into place:
//!
//!   ```text
//!   ba-undo 2 <index> <size> <path length> <header check>\n<path>\n<old content: size bytes>
//!   end <hash of the old content> <hash of the new content> <check>\n
//!   ```
//!
//! - `done`, once the run ended: `ba-done 2 <records> <check>\n`.
//!
//! Every byte is checked: the header's own check covers its numbers, the end's check covers the
//! header, the path and both hashes, and the old content must hash to the hash in the end. A run is
//! read whole, every record and every old content, before `--undo` touches a file: anything that does
//! not check out is damage, and the run is not restored. The one exception is the last record of a
//! run that never ended (killed): its file was never renamed, so a record cut short at the very end
//! of the journal of a run without `done` is left out. A finished run must hold exactly the records
//! `done` counts: its journal missing or empty is damage too. Only a run with no whole record and
//! nothing saying it had one is no run; it is removed by what writes, never by `--list` or
//! `--dry-run`. A run is removed by renaming its directory out of the runs (`gone-<name>`) first.
//!
//! The state directory is trusted only when it is the user's: `ba/`, `runs/`, each run and every
//! file in them must belong to the user and be writable by nobody else, and each is opened from the
//! directory above it without following a link. A run's directory is locked (flock) while its run
//! writes it or `--undo` restores it; `lock`, beside `runs/`, is held while a run is created, while
//! old runs are removed, and while `--undo` picks its run.

use std::ffi::OsStr;

use std::fs::{DirBuilder, File};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;
use rustix::fs::{AtFlags, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use crate::messages::describe;
use crate::own::{reported, Area, DIR};
use crate::sanitize::printable_path;

/// Runs kept, from every directory together: a new run removes the oldest beyond these (itself
/// included), whether or not they were undone.
const KEEP_RUNS: usize = 5;

const JOURNAL: &str = "journal";
const DONE: &str = "done";
/// `done` while it is written.
const DONE_NEW: &str = "done.new";
const RUN: &str = "run";
const LOCK: &str = "lock";
/// The start of the name of a run's directory being removed: no run's name.
const GONE: &str = "gone-";
const MAGIC: &str = "ba-undo 2";
/// The start of a record written by the ba before this format.
const OLD_MAGIC: &[u8] = b"ba-undo 1 ";
const RUN_MAGIC: &str = "ba-run 2";
const DONE_MAGIC: &str = "ba-done 2";
/// The longest header line: the magic, three numbers of 20 digits at most, a check and spaces.
const HEADER_MAX: u64 = 128;
/// `end `, two hashes and a check, each after a space, and a newline.
const END_LEN: u64 = 4 + 64 + 1 + 64 + 1 + 64 + 1;
/// The largest `run` file read: a command line longer than that is no command ba wrote.
const RUN_MAX: u64 = 1 << 20;

/// The journal's area, which `XDG_STATE_HOME` moves.
const STATE: Area = Area { env: "XDG_STATE_HOME", in_home: ".local/state" };

/// Where the journal lives: `$XDG_STATE_HOME/ba`, else `~/.local/state/ba`.
pub(crate) fn state_dir() -> Result<PathBuf> {
    match STATE.dir_path() {
        Some(dir) => Ok(dir),
        None => anyhow::bail!(
            "neither XDG_STATE_HOME nor HOME is set: there is nowhere to keep the undo journal; rewrite with \
             --no-undo, or set XDG_STATE_HOME to a writable directory"
        ),
    }
}

/// The state directory (`ba/`) and its `runs/`, opened and checked.
pub(crate) struct State {
    path: PathBuf,
    ba: OwnedFd,
    runs: OwnedFd,
}

impl State {
    /// Opens the state directory, creating it when `create`; None when there is none.
    fn open(create: bool) -> Result<Option<State>> {
        let path = state_dir()?;
        let context = || match create {
            true => format!(
                "cannot keep the undo journal in {}; rewrite with --no-undo, or set XDG_STATE_HOME to a \
                 writable directory",
                printable_path(&path)
            ),
            false => format!("cannot read the undo journal in {}", printable_path(&path)),
        };
        let opened = || -> io::Result<Option<State>> {
            // Where the state directory is may be any directory of the user's, a link included.
            let parent = path.parent().unwrap_or(Path::new("/"));
            if create {
                DirBuilder::new().recursive(true).mode(0o700).create(parent)?;
            }
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let parent = match rustix::fs::open(parent, flags, Mode::empty()) {
                Ok(fd) => fd,
                Err(Errno::NOENT) if !create => return Ok(None),
                Err(err) => return Err(err.into()),
            };
            let Some(ba) = STATE.dir(&parent, "ba", &path, create)? else { return Ok(None) };
            let Some(runs) = STATE.dir(&ba, "runs", &path.join("runs"), create)? else { return Ok(None) };
            Ok(Some(State { path: path.clone(), ba, runs }))
        };
        opened().map_err(|err| reported(err, context))
    }

    /// Holds the lock of the whole journal while it is alive.
    fn lock(&self) -> io::Result<File> {
        let lock = STATE.file(&self.ba, LOCK, &self.path.join(LOCK), OFlags::RDWR | OFlags::CREATE)?;
        rustix::fs::flock(&lock, FlockOperation::LockExclusive)?;
        Ok(lock)
    }

    /// The lock of the whole journal, not created: None when there is none, and so no run written
    /// to lock out.
    fn lock_to_read(&self) -> io::Result<Option<File>> {
        let lock = match STATE.file(&self.ba, LOCK, &self.path.join(LOCK), OFlags::RDONLY) {
            Ok(lock) => lock,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err),
        };
        rustix::fs::flock(&lock, FlockOperation::LockExclusive)?;
        Ok(Some(lock))
    }

    fn runs_path(&self) -> PathBuf {
        self.path.join("runs")
    }

    /// The names of the runs' directories, oldest first.
    fn run_names(&self) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        let dir = rustix::fs::openat(&self.runs, ".", DIR, Mode::empty())?;
        for entry in rustix::fs::Dir::read_from(&dir)? {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            let is_run = !name.is_empty() && name.iter().all(|&b| b.is_ascii_digit() || b == b'-');
            if is_run {
                names.push(String::from_utf8_lossy(name).into_owned());
            }
        }
        names.sort();
        Ok(names)
    }

    /// Removes the run `name`: renamed first to a name that is no run's, at once, so that a removal
    /// cut short leaves no run that is part gone (a `done` without its journal is damage).
    fn remove_run(&self, name: &str) -> io::Result<()> {
        let gone = format!("{GONE}{name}");
        rustix::fs::renameat(&self.runs, name, &self.runs, gone.as_str())?;
        self.remove_gone(&gone)
    }

    /// Removes a run's directory already renamed out of the runs. Gone already (removed by a
    /// prune of another run), it is removed.
    fn remove_gone(&self, gone: &str) -> io::Result<()> {
        let dir = match rustix::fs::openat(&self.runs, gone, DIR, Mode::empty()) {
            Ok(dir) => dir,
            Err(Errno::NOENT) => return Ok(()),
            Err(err) => return Err(err.into()),
        };
        for file in [JOURNAL, DONE, DONE_NEW, RUN] {
            match rustix::fs::unlinkat(&dir, file, AtFlags::empty()) {
                Ok(()) | Err(Errno::NOENT) => {}
                Err(err) => return Err(err.into()),
            }
        }
        match rustix::fs::unlinkat(&self.runs, gone, AtFlags::REMOVEDIR) {
            Ok(()) | Err(Errno::NOENT) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// Removes the oldest runs, keeping `KEEP_RUNS` with `own`; runs in use are left alone. What a
    /// removal cut short left goes too.
    fn prune(&self, own: &str) -> io::Result<()> {
        let _lock = self.lock()?;
        let dir = rustix::fs::openat(&self.runs, ".", DIR, Mode::empty())?;
        for entry in rustix::fs::Dir::read_from(&dir)? {
            let entry = entry?;
            // Left by a removal cut short; one under way holds its lock, and finishes itself.
            if let Some(gone) = entry.file_name().to_str().ok().filter(|name| name.starts_with(GONE)) {
                let unlocked = rustix::fs::openat(&self.runs, gone, DIR, Mode::empty()).is_ok_and(|dir| {
                    rustix::fs::flock(&dir, FlockOperation::NonBlockingLockExclusive).is_ok()
                });
                if unlocked {
                    let _ = self.remove_gone(gone);
                }
            }
        }
        let others: Vec<String> = self.run_names()?.into_iter().filter(|name| name != own).collect();
        let old = others.len().saturating_sub(KEEP_RUNS - 1);
        for name in &others[..old] {
            let Ok(dir) = STATE.dir(&self.runs, name, &self.runs_path().join(name), false) else { continue };
            if dir
                .is_some_and(|dir| rustix::fs::flock(&dir, FlockOperation::NonBlockingLockExclusive).is_ok())
            {
                self.remove_run(name)?;
            }
        }
        Ok(())
    }
}

/// Where and when a run ran, and what was typed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Meta {
    /// Nanoseconds since the epoch at its start.
    pub(crate) started: u128,
    /// The working directory, resolved.
    pub(crate) cwd: PathBuf,
    pub(crate) command: String,
}

impl Meta {
    fn bytes(&self) -> Vec<u8> {
        let cwd = self.cwd.as_os_str().as_bytes();
        let mut bytes =
            format!("{RUN_MAGIC} {} {} {}\n", self.started, cwd.len(), self.command.len()).into_bytes();
        bytes.extend_from_slice(cwd);
        bytes.push(b'\n');
        bytes.extend_from_slice(self.command.as_bytes());
        bytes.push(b'\n');
        let hash = blake3::hash(&bytes).to_hex();
        bytes.extend_from_slice(hash.as_bytes());
        bytes.push(b'\n');
        bytes
    }

    /// Reads a `run` file; None when it is not one whole and checked.
    pub(crate) fn parse(bytes: &[u8]) -> Option<Meta> {
        let body_len = bytes.len().checked_sub(65)?;
        let (body, hash) = bytes.split_at(body_len);
        if hash.strip_suffix(b"\n")? != blake3::hash(body).to_hex().as_bytes() {
            return None;
        }
        let newline = body.iter().position(|&b| b == b'\n')?;
        let header = std::str::from_utf8(&body[..newline]).ok()?;
        let mut fields = header.strip_prefix(RUN_MAGIC)?.strip_prefix(' ')?.split(' ');
        let started = number(fields.next()?)? as u128;
        let cwd_len = usize::try_from(number(fields.next()?)?).ok()?;
        let command_len = usize::try_from(number(fields.next()?)?).ok()?;
        let rest = &body[newline + 1..];
        if fields.next().is_some() || cwd_len.checked_add(command_len)?.checked_add(2)? != rest.len() {
            return None;
        }
        let (cwd, command) = (&rest[..cwd_len], &rest[cwd_len + 1..rest.len() - 1]);
        if rest[cwd_len] != b'\n' || rest[rest.len() - 1] != b'\n' {
            return None;
        }
        let command = String::from_utf8(command.to_vec()).ok()?;
        Some(Meta { started, cwd: PathBuf::from(OsStr::from_bytes(cwd)), command })
    }

    /// The start, in local time: `2026-12-07 09:14:03`.
    pub(crate) fn time(&self) -> String {
        local_time(self.started)
    }
}

/// A number as ba writes it: ASCII digits only.
fn number(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Nanoseconds since the epoch as local time, `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn local_time(nanos: u128) -> String {
    let secs = libc::time_t::try_from(nanos / 1_000_000_000).unwrap_or(libc::time_t::MAX);
    // SAFETY: localtime_r writes only the tm given.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&secs, &mut tm).is_null() {
            return format!("{secs} seconds after 1970");
        }
        tm
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

/// The journal of the run in progress.
pub(crate) struct Journal {
    state: State,
    /// This run's directory, locked while the run lasts.
    name: String,
    dir: OwnedFd,
    run: File,
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
        let Some(state) = State::open(true)? else {
            anyhow::bail!("the undo journal's directory vanished as it was made")
        };
        let started = |state: &State| -> io::Result<(String, OwnedFd, File, File)> {
            let _lock = state.lock()?;
            let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos());
            let name = format!("{nanos:020}-{}", std::process::id());
            let dir_path = state.runs_path().join(&name);
            rustix::fs::mkdirat(&state.runs, name.as_str(), Mode::from_raw_mode(0o700))?;
            let dir = rustix::fs::openat(&state.runs, name.as_str(), DIR, Mode::empty())?;
            rustix::fs::flock(&dir, FlockOperation::LockExclusive)?;
            let create = OFlags::RDWR | OFlags::CREATE | OFlags::EXCL;
            let cwd = std::env::current_dir().and_then(|cwd| cwd.canonicalize()).unwrap_or_default();
            let meta = Meta { started: nanos, cwd, command: command_line() };
            let mut run = STATE.file(&dir, RUN, &dir_path.join(RUN), create)?;
            run.write_all(&meta.bytes())?;
            let file = STATE.file(&dir, JOURNAL, &dir_path.join(JOURNAL), create)?;
            Ok((name, dir, run, file))
        };
        match started(&state) {
            Ok((name, dir, run, file)) => {
                let counts = Counts { len: 0, records: 0, kept: 0, limit };
                Ok(Journal { state, name, dir, run, file, counts })
            }
            Err(err) => Err(reported(err, || {
                format!(
                    "cannot keep the undo journal in {}; rewrite with --no-undo, or set XDG_STATE_HOME to a \
                     writable directory",
                    printable_path(&state.path)
                )
            })),
        }
    }

    /// Starts the record of the file at `path` (resolved), whose old content of `size` bytes follows.
    /// The first record makes the run durable and removes the oldest runs.
    pub(crate) fn record(&mut self, path: &Path, size: u64) -> Result<Record<'_>, NotRecorded> {
        if self.counts.kept.saturating_add(size) > self.counts.limit {
            return Err(NotRecorded::Full { limit: self.counts.limit });
        }
        if self.counts.records == 0 {
            self.first_record().map_err(NotRecorded::Failed)?;
        }
        let start = self.counts.len;
        let header = header(self.counts.records + 1, size, path.as_os_str().as_bytes());
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

    /// The run's directory, what it says of the run, and the journal in it, are made durable; old
    /// runs are removed.
    fn first_record(&mut self) -> io::Result<()> {
        self.run.sync_all()?;
        rustix::fs::fsync(&self.dir)?;
        rustix::fs::fsync(&self.state.runs)?;
        // Removing old runs is tidying: a failure leaves them for the next run.
        let _ = self.state.prune(&self.name);
        Ok(())
    }

    /// Ends the run: marks it done with the number of its records, or removes it when it recorded
    /// nothing.
    pub(crate) fn finish(self) -> io::Result<()> {
        if self.counts.records == 0 {
            return self.state.remove_run(&self.name);
        }
        // Whatever a record taken back left past the last one kept.
        self.file.set_len(self.counts.len)?;
        self.file.sync_all()?;
        // Written aside and renamed: a `done` cut short (a full disk, a crash) would be damage.
        let path = self.state.runs_path().join(&self.name).join(DONE_NEW);
        let written = STATE
            .file(&self.dir, DONE_NEW, &path, OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC)
            .and_then(|mut done| {
                done.write_all(&done_bytes(self.counts.records))?;
                done.sync_all()
            })
            .and_then(|()| Ok(rustix::fs::renameat(&self.dir, DONE_NEW, &self.dir, DONE)?));
        if let Err(err) = written {
            let _ = rustix::fs::unlinkat(&self.dir, DONE_NEW, AtFlags::empty());
            return Err(err);
        }
        Ok(rustix::fs::fsync(&self.dir)?)
    }
}

/// The command line as typed, for people to read: `ba colour -r color src`.
fn command_line() -> String {
    let args: Vec<String> =
        std::env::args_os().skip(1).map(|arg| String::from_utf8_lossy(arg.as_bytes()).into_owned()).collect();
    let mut line = String::from("ba");
    if !args.is_empty() {
        line.push(' ');
        line.push_str(&shell_words::join(args));
    }
    line
}

/// A record's header line and path: `ba-undo 2 <index> <size> <path length> <check>\n<path>\n`.
fn header(index: u64, size: u64, path: &[u8]) -> Vec<u8> {
    let numbers = format!("{MAGIC} {index} {size} {}", path.len());
    let check = &blake3::hash(numbers.as_bytes()).to_hex()[..16];
    [format!("{numbers} {check}\n").as_bytes(), path, b"\n"].concat()
}

/// The end of a record whose header (and path) is `header`: `end <old> <new> <check>\n`.
fn end(header: &[u8], old: &blake3::Hash, new: &blake3::Hash) -> Vec<u8> {
    let end = format!("end {} {} ", old.to_hex(), new.to_hex());
    let mut hasher = blake3::Hasher::new();
    hasher.update(header);
    hasher.update(end.as_bytes());
    format!("{end}{}\n", hasher.finalize().to_hex()).into_bytes()
}

/// `done`: the number of records of a finished run, checked.
fn done_bytes(records: u64) -> Vec<u8> {
    let numbers = format!("{DONE_MAGIC} {records}");
    format!("{numbers} {}\n", &blake3::hash(numbers.as_bytes()).to_hex()[..16]).into_bytes()
}

/// The records a `done` file counts; None when it is not one.
fn parse_done(bytes: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(bytes).ok()?.strip_suffix('\n')?;
    let (numbers, check) = text.rsplit_once(' ')?;
    let records = number(numbers.strip_prefix(DONE_MAGIC)?.strip_prefix(' ')?)?;
    (blake3::hash(numbers.as_bytes()).to_hex()[..16] == *check).then_some(records)
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
        let mut writer =
            self.writer.take().ok_or_else(|| io::Error::other("the record is already complete"))?;
        writer.write_all(&end(&self.header, old, new))?;
        writer.into_inner().map_err(|err| err.into_error())?.sync_data()
    }

    /// The file is in place: the record stays.
    pub(crate) fn keep(mut self) {
        self.kept = true;
        self.counts.len = self.start + self.header.len() as u64 + self.size + END_LEN;
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

/// What the journal says of one file.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub(crate) path: PathBuf,
    /// Where the old content starts in the journal, and its size.
    pub(crate) offset: u64,
    pub(crate) size: u64,
    pub(crate) old: blake3::Hash,
    pub(crate) new: blake3::Hash,
}

/// Why a journal was not read.
#[derive(Debug)]
pub(crate) enum Unread {
    /// The record with this number (from 1) is damaged, or missing from a finished run.
    Damaged(u64),
    Failed(io::Error),
}

impl From<io::Error> for Unread {
    fn from(err: io::Error) -> Unread {
        Unread::Failed(err)
    }
}

/// Reads and checks every record of a journal of `len` bytes, and hashes every old content; `done`
/// is the number of records of a finished run, None for one that never ended. Never allocates more
/// than a record's path, which is within `len`.
pub(crate) fn read_records<R: Read + Seek>(
    reader: R,
    len: u64,
    done: Option<u64>,
) -> Result<Vec<Entry>, Unread> {
    let mut reader = BufReader::with_capacity(64 << 10, reader);
    let mut entries = Vec::new();
    let mut offset = 0;
    while offset < len {
        let index = entries.len() as u64 + 1;
        let damaged = Unread::Damaged(index);
        reader.seek(SeekFrom::Start(offset))?;
        let mut header = Vec::new();
        reader.by_ref().take(HEADER_MAX).read_until(b'\n', &mut header)?;
        if header.last() != Some(&b'\n') {
            // Cut short at the very end of the journal of a run that never ended: never renamed.
            if done.is_none() && offset + header.len() as u64 == len && (header.len() as u64) < HEADER_MAX {
                break;
            }
            return Err(damaged);
        }
        let Some((found, size, path_len)) = parse_header(&header) else { return Err(damaged) };
        if found != index {
            return Err(damaged);
        }
        let record_len = (header.len() as u64)
            .checked_add(path_len)
            .and_then(|n| n.checked_add(1 + END_LEN))
            .and_then(|n| n.checked_add(size));
        let Some(record_end) = record_len.and_then(|n| n.checked_add(offset)) else { return Err(damaged) };
        if record_end > len {
            if done.is_none() {
                break;
            }
            return Err(damaged);
        }
        // Within the journal's length: the path fits in memory as the journal fits on disk.
        let mut path = vec![0; path_len as usize + 1];
        reader.read_exact(&mut path)?;
        if path.pop() != Some(b'\n') {
            return Err(damaged);
        }
        header.extend_from_slice(&path);
        header.push(b'\n');
        let content = offset + header.len() as u64;
        let mut hasher = blake3::Hasher::new();
        let copied = io::copy(&mut reader.by_ref().take(size), &mut hasher)?;
        let mut end_bytes = [0; END_LEN as usize];
        reader.read_exact(&mut end_bytes)?;
        let Some((old, new)) = parse_end(&header, &end_bytes) else { return Err(damaged) };
        if copied != size || hasher.finalize() != old {
            return Err(damaged);
        }
        let path = PathBuf::from(OsStr::from_bytes(&path));
        entries.push(Entry { path, offset: content, size, old, new });
        offset = record_end;
    }
    if let Some(records) = done {
        if entries.len() as u64 != records {
            return Err(Unread::Damaged(entries.len() as u64 + 1));
        }
    }
    Ok(entries)
}

/// The index, size and path length of a checked header line.
fn parse_header(line: &[u8]) -> Option<(u64, u64, u64)> {
    let text = std::str::from_utf8(line).ok()?.strip_suffix('\n')?;
    let (numbers, check) = text.rsplit_once(' ')?;
    if blake3::hash(numbers.as_bytes()).to_hex()[..16] != *check {
        return None;
    }
    let mut fields = numbers.strip_prefix(MAGIC)?.strip_prefix(' ')?.split(' ');
    let parsed = (number(fields.next()?)?, number(fields.next()?)?, number(fields.next()?)?);
    fields.next().is_none().then_some(parsed)
}

/// The old and new hashes of a checked end.
fn parse_end(header: &[u8], bytes: &[u8]) -> Option<(blake3::Hash, blake3::Hash)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let rest = text.strip_prefix("end ")?;
    let (old, rest) = rest.split_once(' ')?;
    let (new, _) = rest.split_once(' ')?;
    let (old, new) = (blake3::Hash::from_hex(old).ok()?, blake3::Hash::from_hex(new).ok()?);
    (end(header, &old, &new) == bytes).then_some((old, new))
}

/// A journal made of whole records, for the properties: each path with its old and new contents.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn journal_of(records: &[(Vec<u8>, Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut journal = Vec::new();
    for (index, (path, old, new)) in records.iter().enumerate() {
        let header = header(index as u64 + 1, old.len() as u64, path);
        journal.extend_from_slice(&header);
        journal.extend_from_slice(old);
        journal.extend_from_slice(&end(&header, &blake3::hash(old), &blake3::hash(new)));
    }
    journal
}

/// What became of a run: whether it can be restored, and why not.
pub(crate) enum Kind {
    /// Checked whole: its files, in the order they were written.
    Whole(Vec<Entry>),
    /// A record is damaged (its number), or what the run says of itself.
    Damaged(Option<u64>),
    /// Written by the ba before this journal's format.
    OldFormat,
    /// Another ba holds it: it is still being written, or undone.
    Busy,
}

/// A run kept in the journal.
pub(crate) struct Run {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    /// Where and when it ran: None when that is damaged or missing.
    pub(crate) meta: Option<Meta>,
    /// It ended (it was not killed or interrupted).
    pub(crate) done: bool,
    pub(crate) kind: Kind,
    /// The journal, open, and the run's directory, locked; None for a run still in use.
    file: Option<File>,
    _dir: Option<OwnedFd>,
}

impl Run {
    /// The start of the run in local time, from what it says or else from its name.
    pub(crate) fn time(&self) -> String {
        match &self.meta {
            Some(meta) => meta.time(),
            None => local_time(self.name.split('-').next().and_then(|n| n.parse().ok()).unwrap_or(0)),
        }
    }

    /// The journal, to read old contents from.
    pub(crate) fn journal(&self) -> Option<&File> {
        self.file.as_ref()
    }
}

/// What the search for runs found of one.
pub(crate) enum Found {
    Run(Run),
    /// It provably recorded nothing: no run.
    Empty,
}

/// The journal's runs, opened.
pub(crate) struct Runs {
    state: State,
    _lock: Option<File>,
    /// Runs that recorded nothing are removed on the way; never by what only reads.
    tidy: bool,
}

impl Runs {
    /// Opens the journal and takes its lock; None when there is no journal. With `write`, runs
    /// may be removed; without it, nothing in the state directory changes, not even its lock file.
    pub(crate) fn open(write: bool) -> Result<Option<Runs>> {
        let Some(state) = State::open(false)? else { return Ok(None) };
        let context = || format!("cannot read the undo journal in {}", printable_path(&state.path));
        let lock = match write {
            true => state.lock().map(Some),
            false => state.lock_to_read(),
        };
        let lock = lock.map_err(|err| reported(err, context))?;
        Ok(Some(Runs { state, _lock: lock, tidy: write }))
    }

    fn context(&self) -> impl Fn() -> String + '_ {
        move || format!("cannot read the undo journal in {}", printable_path(&self.state.path))
    }

    /// The names of the runs, newest first.
    pub(crate) fn names(&self) -> Result<Vec<String>> {
        let mut names = self.state.run_names().map_err(|err| reported(err, self.context()))?;
        names.reverse();
        Ok(names)
    }

    /// Opens the run `name`, locked unless another ba holds it, and reads it whole.
    pub(crate) fn open_run(&self, name: &str) -> Result<Found> {
        self.opened(name).map_err(|err| reported(err, self.context()))
    }

    fn opened(&self, name: &str) -> io::Result<Found> {
        let path = self.state.runs_path().join(name);
        let Some(dir) = STATE.dir(&self.state.runs, name, &path, false)? else { return Ok(Found::Empty) };
        let locked = match rustix::fs::flock(&dir, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => true,
            Err(Errno::WOULDBLOCK) => false,
            Err(err) => return Err(err.into()),
        };
        let read = |file: &str, max: u64| -> io::Result<Option<Vec<u8>>> {
            match STATE.file(&dir, file, &path.join(file), OFlags::RDONLY) {
                Ok(file) => {
                    let mut bytes = Vec::new();
                    file.take(max).read_to_end(&mut bytes)?;
                    Ok(Some(bytes))
                }
                Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(err) => Err(err),
            }
        };
        let meta = read(RUN, RUN_MAX)?.and_then(|bytes| Meta::parse(&bytes));
        if !locked {
            let kind = Kind::Busy;
            return Ok(Found::Run(Run {
                name: name.into(),
                path,
                meta,
                done: false,
                kind,
                file: None,
                _dir: None,
            }));
        }
        let file = match STATE.file(&dir, JOURNAL, &path.join(JOURNAL), OFlags::RDONLY) {
            Ok(file) => Some(file),
            Err(err) if err.kind() == io::ErrorKind::NotFound => None,
            Err(err) => return Err(err),
        };
        let len = file.as_ref().map_or(Ok(0), |file| file.metadata().map(|meta| meta.len()))?;
        let done_bytes = read(DONE, HEADER_MAX)?;
        let done = done_bytes.is_some();
        let records = done_bytes.map(|bytes| parse_done(&bytes));
        // What the run says of itself apart from its journal: `done` counts its records, and
        // `done.new` is written only once the journal holds one.
        let recorded = match records {
            Some(records) => records != Some(0),
            None => read(DONE_NEW, 0)?.is_some(),
        };
        if len == 0 && !recorded {
            return self.nothing(name);
        }
        let mut head = [0; OLD_MAGIC.len()];
        let old_format =
            file.as_ref().is_some_and(|mut file| file.read_exact(&mut head).is_ok() && head == OLD_MAGIC);
        let read_all = |records| match &file {
            Some(file) => read_records(file, len, records),
            // Missing, the journal holds no record: damage when it should.
            None => read_records(io::Cursor::new([]), 0, records),
        };
        let kind = if old_format {
            Kind::OldFormat
        } else if meta.is_none() {
            Kind::Damaged(None)
        } else {
            match records {
                Some(None) => Kind::Damaged(None),
                records => match read_all(records.flatten()) {
                    Ok(entries) if entries.is_empty() && recorded => Kind::Damaged(None),
                    // A first record cut short, in a run that never ended: no file was renamed.
                    Ok(entries) if entries.is_empty() => return self.nothing(name),
                    Ok(entries) => Kind::Whole(entries),
                    Err(Unread::Damaged(record)) => Kind::Damaged(Some(record)),
                    Err(Unread::Failed(err)) => return Err(err),
                },
            }
        };
        Ok(Found::Run(Run { name: name.into(), path, meta, done, kind, file, _dir: Some(dir) }))
    }

    /// A run that recorded nothing: removed when this may write, its directory still locked.
    fn nothing(&self, name: &str) -> io::Result<Found> {
        if self.tidy {
            self.state.remove_run(name)?;
        }
        Ok(Found::Empty)
    }

    /// Removes a run from the journal.
    pub(crate) fn remove(&self, run: &Run) -> Result<()> {
        self.state.remove_run(&run.name).map_err(|err| {
            reported(err, || {
                format!("cannot remove the rewrite from the undo journal in {}", printable_path(&run.path))
            })
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn records() -> Vec<(Vec<u8>, Vec<u8>, Vec<u8>)> {
        vec![
            (b"/a/one".to_vec(), b"old one\n".to_vec(), b"new one\n".to_vec()),
            (b"/a/two\nlines".to_vec(), Vec::new(), b"x".to_vec()),
            (b"/b".to_vec(), b"third".to_vec(), b"3".to_vec()),
        ]
    }

    fn read(bytes: &[u8], done: Option<u64>) -> Result<Vec<Entry>, Unread> {
        read_records(Cursor::new(bytes), bytes.len() as u64, done)
    }

    #[test]
    fn journal_records_read_back() {
        let journal = journal_of(&records());
        let entries = read(&journal, Some(3)).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[1].path, Path::new(OsStr::from_bytes(b"/a/two\nlines")));
        let first = &entries[0];
        assert_eq!(&journal[first.offset as usize..][..first.size as usize], b"old one\n");
        assert_eq!(read(&journal, None).unwrap(), entries);
    }

    #[test]
    fn journal_any_flipped_byte_is_damage() {
        let journal = journal_of(&records());
        for at in 0..journal.len() {
            let mut bad = journal.clone();
            bad[at] ^= 0x04;
            for done in [Some(3), None] {
                assert!(matches!(read(&bad, done), Err(Unread::Damaged(_))), "byte {at}, {done:?}");
            }
        }
    }

    #[test]
    fn journal_a_torn_last_record_counts_only_in_a_run_that_never_ended() {
        let journal = journal_of(&records());
        let two = journal_of(&records()[..2]).len();
        for cut in two + 1..journal.len() {
            assert_eq!(read(&journal[..cut], None).unwrap().len(), 2, "cut at {cut}");
            assert!(matches!(read(&journal[..cut], Some(3)), Err(Unread::Damaged(3))), "cut at {cut}");
        }
        assert!(matches!(read(&journal[..two], Some(3)), Err(Unread::Damaged(3))));
    }

    #[test]
    fn journal_meta_and_done_round_trip() {
        let meta = Meta {
            started: 1_700_000_000_123_456_789,
            cwd: PathBuf::from("/x y\n"),
            command: "ba a -r b".into(),
        };
        assert_eq!(Meta::parse(&meta.bytes()), Some(meta.clone()));
        let mut bad = meta.bytes();
        bad[12] ^= 1;
        assert_eq!(Meta::parse(&bad), None);
        assert_eq!(parse_done(&done_bytes(42)), Some(42));
        assert_eq!(parse_done(b"ba-done 2 42 0000000000000000\n"), None);
    }
}
