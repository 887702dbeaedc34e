//! `ba --undo`: puts back the files of the last `-r` run made under the current directory, from the
//! undo journal (see `journal`).
//!
//! The run is read whole and checked before a file is touched: a damaged run restores nothing. A
//! file is restored only while it holds what the run wrote (by its hash); one that already holds its
//! old content (a restore cut short before, or a run killed between recording and renaming it) is
//! back: it is not written again, and is counted apart from the files restored. Each is restored as
//! `-r` writes: through directory handles, locked, to a temporary file given the current file's
//! owner, permissions and extended attributes, synced and renamed over it. The run leaves the journal only once each of its files is restored, or when it
//! is dropped (`--drop`); until then `--undo` can be run again.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::config::UndoOptions;
use crate::exit_code::ExitCode;
use crate::interrupt;
use crate::messages::{self, describe, files};
use crate::sanitize::printable_path;

use super::file::{Root, Target};
use super::journal::{Entry, Found, Kind, Run, Runs};

/// The paths named after a restore; the others are counted.
const LISTED: usize = 10;

/// Restores the files of the last run made under the current directory and removes it from the
/// journal. Exit code: 0 when every file was restored, 1 when there was nothing to undo, 2 when a
/// file could not be restored or the run could not be read.
pub fn undo(options: &UndoOptions) -> Result<ExitCode> {
    let Some(runs) = Runs::open(!options.list && !options.dry_run)? else {
        if !options.list {
            messages::notice("nothing to undo");
        }
        return Ok(ExitCode::NoMatch);
    };
    if options.list {
        return list(&runs);
    }
    let Some(run) = choose_run(&runs, options)? else { return Ok(ExitCode::NoMatch) };
    if let Kind::Busy = run.kind {
        bail!("the rewrite {} is still running, or being undone; nothing was restored", described(&run));
    }
    if options.drop {
        let what = described(&run);
        runs.remove(&run)?;
        messages::notice(&format!("dropped {what} from the undo journal; its files stay as they are"));
        return Ok(ExitCode::Matched);
    }
    let entries = whole_entries(&run)?;
    let journal = run.journal().context("the undo journal is gone")?;
    let root = Root::open(Path::new("/")).context("cannot open /")?;
    let mut restored = Vec::new();
    let (mut back, mut refused) = (0, 0);
    // The last change first: the file system comes back as it was, step by step.
    for entry in entries.iter().rev() {
        match restore(&root, journal, entry, options.dry_run) {
            Ok(Restored::Written) => restored.push(entry),
            Ok(Restored::AlreadyBack) => back += 1,
            Err(failure) => {
                refused += 1;
                let would = if options.dry_run { "would not be restored" } else { "not restored" };
                let reason = match failure {
                    Failure::Changed(reason) => format!("{reason}, {would}"),
                    Failure::Linked => format!("has other hard links that a restore would split; {would}"),
                    Failure::Failed(err) => format!("{would}: {}", describe(&err)),
                };
                messages::error(&entry.path, &reason);
            }
        }
    }
    restored.reverse();
    if refused == 0 && !options.dry_run {
        runs.remove(&run)?;
    }
    report(&run, &restored, back, refused, options.dry_run)?;
    Ok(if refused == 0 { ExitCode::Matched } else { ExitCode::Error })
}

/// The run to undo: the newest made in the current directory or below it; else, at a terminal and
/// if the user says so, the newest made elsewhere. None when there is nothing to undo.
fn choose_run(runs: &Runs, options: &UndoOptions) -> Result<Option<Run>> {
    let here = std::env::current_dir()
        .and_then(|dir| dir.canonicalize())
        .context("cannot tell the current directory")?;
    let mut elsewhere = None;
    for name in runs.names()? {
        let Found::Run(run) = runs.open_run(&name)? else { continue };
        match &run.meta {
            Some(meta) if !meta.cwd.starts_with(&here) => {
                elsewhere.get_or_insert(run);
            }
            // Made here, or it cannot tell where: never passed over for an older run.
            _ => return Ok(Some(run)),
        }
    }
    let Some(run) = elsewhere else {
        messages::notice("nothing to undo");
        return Ok(None);
    };
    let question =
        format!("no rewrite was made under the current directory; the last one is {}", described(&run));
    let (verb, nothing, command) = match options.drop {
        true => ("drop", "nothing dropped", "ba --undo --drop"),
        false => ("undo", "nothing restored", "ba --undo"),
    };
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        bail!("{question}: {nothing}; cd there and run {command}");
    }
    if !ask(&format!("{question}: {verb} it? [y/N] "))? {
        messages::notice(nothing);
        return Ok(None);
    }
    Ok(Some(run))
}

/// The records of a run read whole and checked; why nothing can be restored from it otherwise.
fn whole_entries(run: &Run) -> Result<&[Entry]> {
    match &run.kind {
        Kind::Whole(entries) => Ok(entries),
        Kind::Damaged(at) => {
            let dir = match &run.meta {
                Some(meta) => printable_path(&meta.cwd).into_owned(),
                None => "an unknown directory".into(),
            };
            let at = match at {
                Some(record) => format!("record {record}"),
                None => "what it says of the run".into(),
            };
            bail!(
                "undo journal for the run of {} in {dir} is damaged at {at}: nothing restored; ba --undo \
                 --drop removes it from the journal",
                run.time()
            )
        }
        Kind::OldFormat => bail!(
            "undo journal for the run of {} was written by an older ba, in a format this one does not \
             read: nothing restored; ba --undo --drop removes it from the journal",
            run.time()
        ),
        Kind::Busy => bail!("the rewrite {} is still running", described(run)),
    }
}

/// What an undo did, or with `dry_run` would do: the files restored, named, how many already held
/// their old content (`back`), and how many were not restored.
fn report(run: &Run, restored: &[&Entry], back: u64, refused: u64, dry_run: bool) -> io::Result<()> {
    let what = described(run);
    let cut = if run.done { "" } else { " (the rewrite had been cut short)" };
    let back = match (back, dry_run) {
        (0, _) => String::new(),
        (1, false) => " (1 was already back)".into(),
        (1, true) => " (1 is already back)".into(),
        (n, false) => format!(" ({n} were already back)"),
        (n, true) => format!(" ({n} are already back)"),
    };
    let count = format!("{}{back}", files(restored.len() as u64));
    if dry_run {
        let mut out = io::stdout().lock();
        for entry in restored {
            out.write_all(printable_path(&entry.path).as_bytes())?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        let refusals = match refused {
            0 => String::new(),
            _ => format!(", and not {},", files(refused)),
        };
        messages::notice(&format!(
            "--dry-run: would restore {count}{refusals} of {what}{cut}; nothing was touched"
        ));
        return Ok(());
    }
    let colon = if restored.is_empty() { "" } else { ":" };
    messages::notice(&format!("restored {count} of {what}{cut}{colon}"));
    list_paths(restored);
    if refused > 0 {
        messages::notice(&format!(
            "{} not restored: the rewrite stays in the journal; run ba --undo again once the problems above \
             are fixed, or ba --undo --drop to forget it",
            files(refused)
        ));
    }
    Ok(())
}

/// "the rewrite of 2026-12-07 09:14:03 in /home/me/src (ba colour -r color)".
fn described(run: &Run) -> String {
    match &run.meta {
        Some(meta) => {
            format!("the rewrite of {} in {} ({})", run.time(), printable_path(&meta.cwd), meta.command)
        }
        None => format!("the rewrite of {} in an unknown directory", run.time()),
    }
}

/// Names the first restored files on stderr, and counts the others.
fn list_paths(restored: &[&Entry]) {
    let mut err = io::stderr().lock();
    for entry in restored.iter().take(LISTED) {
        let _ = writeln!(err, "  {}", printable_path(&entry.path));
    }
    if restored.len() > LISTED {
        let _ = writeln!(err, "  and {} more", restored.len() - LISTED);
    }
}

/// Asks on the terminal; true for yes.
fn ask(question: &str) -> Result<bool> {
    Ok(super::ask_yes(&mut io::stdin().lock(), &mut io::stderr().lock(), &format!("ba: {question}"))?)
}

/// `--undo --list`: the runs kept, newest first, one a line.
fn list(runs: &Runs) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    let mut listed = false;
    for name in runs.names()? {
        let Found::Run(run) = runs.open_run(&name)? else { continue };
        let (dir, command) = match &run.meta {
            Some(meta) => (printable_path(&meta.cwd).into_owned(), meta.command.clone()),
            None => ("?".into(), "?".into()),
        };
        let (count, status) = match &run.kind {
            Kind::Whole(entries) => {
                (files(entries.len() as u64), if run.done { "done" } else { "cut short" })
            }
            Kind::Damaged(_) => ("? files".into(), "damaged"),
            Kind::OldFormat => ("? files".into(), "older format"),
            Kind::Busy => ("? files".into(), "running"),
        };
        let line = format!("{}  {dir}  {command}  {count}  {status}\n", run.time());
        match out.write_all(line.as_bytes()) {
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::Matched),
            written => written?,
        }
        listed = true;
    }
    out.flush()?;
    Ok(if listed { ExitCode::Matched } else { ExitCode::NoMatch })
}

/// What became of a file that is back.
enum Restored {
    Written,
    /// It already held its old content: nothing was written.
    AlreadyBack,
}

enum Failure {
    /// The file no longer holds what the run wrote, or is read-only: it is left as it is.
    Changed(&'static str),
    /// Other names share the file: a restore, a new file renamed over one of them, would leave
    /// them with the run's content. `-r` refuses such a file too.
    Linked,
    Failed(io::Error),
}

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Failure {
        Failure::Failed(err)
    }
}

/// Puts back the old content of one file, unless it changed since the run wrote it; with `dry_run`,
/// only says whether it would.
fn restore(root: &Root, journal: &File, entry: &Entry, dry_run: bool) -> Result<Restored, Failure> {
    let (dir, rel) = root.below(&entry.path).ok_or_else(|| io::Error::other("not an absolute path"))?;
    let target = match Target::open(dir, &rel) {
        Ok(target) => target,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Err(Failure::Changed("gone since the rewrite"))
        }
        Err(err) => return Err(err.into()),
    };
    let mut now = blake3::Hasher::new();
    io::copy(&mut &target.file, &mut now)?;
    let now = now.finalize();
    if now == entry.old {
        return Ok(Restored::AlreadyBack);
    }
    if now != entry.new {
        return Err(Failure::Changed("changed since the rewrite"));
    }
    // As `-r` refuses them: the user may fix the file, and run --undo again.
    if target.metadata.permissions().mode() & 0o222 == 0 {
        return Err(Failure::Changed("read-only"));
    }
    if target.metadata.nlink() > 1 {
        return Err(Failure::Linked);
    }
    if dry_run {
        return Ok(Restored::Written);
    }
    // Ctrl-C waits until the file is in place, or its temporary file removed.
    let _writing = interrupt::start_writing();
    let temp = target.temp()?;
    let mut reader = journal;
    reader.seek(SeekFrom::Start(entry.offset))?;
    let mut old = blake3::Hasher::new();
    let mut writer = io::BufWriter::with_capacity(64 << 10, &temp.file);
    const BUF: usize = 64 << 10;
    let mut buf = vec![0; BUF];
    let mut left = entry.size;
    while left > 0 {
        let n = reader.read(&mut buf[..left.min(BUF as u64) as usize])?;
        if n == 0 {
            return Err(io::Error::other("the undo journal is cut short").into());
        }
        old.update(&buf[..n]);
        writer.write_all(&buf[..n])?;
        left -= n as u64;
    }
    if old.finalize() != entry.old {
        return Err(io::Error::other("the undo journal's copy of it is damaged").into());
    }
    writer.into_inner().map_err(|err| err.into_error())?;
    temp.finish()?;
    temp.put_in_place(&now)?;
    Ok(Restored::Written)
}
