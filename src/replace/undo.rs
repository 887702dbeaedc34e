//! `ba --undo`: puts back the files of the last `-r` run from the undo journal (see `journal`).
//!
//! A file is restored only while it holds what the run wrote (by its hash); one that already holds
//! its old content (a restore cut short before, or a run killed between recording and renaming it)
//! counts as restored. Each is restored as `-r` writes: through directory handles, locked, to a
//! temporary file given the current file's owner, permissions and extended attributes, synced and
//! renamed over it. The run leaves the journal once each of its files is restored or was changed
//! since; after a failure it stays, so that `--undo` can be run again.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::exit_code::ExitCode;
use crate::interrupt;
use crate::messages::{self, describe, files};
use crate::sanitize::printable_path;

use super::file::{Root, Target};
use super::journal::{self, Entry, Last};

/// Restores the files of the last run and removes it from the journal. Exit code: 0 when every
/// file was restored, 1 when there was nothing to undo, 2 when a file could not be restored.
pub fn undo() -> Result<ExitCode> {
    let run = match journal::last_run()? {
        Last::Run(run) => run,
        Last::Nothing => {
            messages::notice("nothing to undo");
            return Ok(ExitCode::NoMatch);
        }
        Last::Busy(dir) => bail!(
            "the last rewrite ({}) is still running, or being undone; nothing was restored",
            printable_path(&dir)
        ),
    };
    let context = || format!("cannot read the undo journal in {}", printable_path(&run.dir));
    let entries = run.entries().with_context(context)?;
    let journal = run.file.as_ref().context("the undo journal is gone")?;
    let root = Root::open(Path::new("/")).context("cannot open /")?;
    let (mut restored, mut changed, mut failed) = (0, 0, 0);
    // The last change first: the file system comes back as it was, step by step.
    for entry in entries.iter().rev() {
        match restore(&root, journal, entry) {
            Ok(()) => restored += 1,
            Err(Failure::Changed(reason)) => {
                messages::error(&entry.path, reason);
                changed += 1;
            }
            Err(Failure::Failed(err)) => {
                messages::error(&entry.path, &format!("not restored: {}", describe(&err)));
                failed += 1;
            }
        }
    }
    let interrupted = if run.done { "" } else { " (the rewrite had been cut short)" };
    if failed > 0 {
        messages::notice(&format!(
            "restored {}{interrupted}; the rewrite stays in the journal: run ba --undo again once the \
             problems above are fixed",
            files(restored)
        ));
    } else {
        run.remove().with_context(|| "cannot remove the rewrite from the undo journal".to_string())?;
        messages::notice(&format!("restored {}{interrupted}", files(restored)));
    }
    Ok(if changed + failed == 0 { ExitCode::Matched } else { ExitCode::Error })
}

enum Failure {
    /// The file no longer holds what the run wrote: it is left as it is.
    Changed(&'static str),
    Failed(io::Error),
}

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Failure {
        Failure::Failed(err)
    }
}

/// Puts back the old content of one file, unless it changed since the run wrote it.
fn restore(root: &Root, journal: &File, entry: &Entry) -> Result<(), Failure> {
    let (dir, rel) = root.below(&entry.path).ok_or_else(|| io::Error::other("not an absolute path"))?;
    let target = match Target::open(dir, &rel) {
        Ok(target) => target,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Err(Failure::Changed("gone since the rewrite, not restored"))
        }
        Err(err) => return Err(err.into()),
    };
    let mut now = blake3::Hasher::new();
    io::copy(&mut &target.file, &mut now)?;
    let now = now.finalize();
    if now == entry.old {
        return Ok(());
    }
    if now != entry.new {
        return Err(Failure::Changed("changed since the rewrite, not restored"));
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
    Ok(())
}
