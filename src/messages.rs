//! Errors and warnings, one line each on stderr in one style (`ba: PATH: reason`), and the flag that
//! remembers an error happened: the search goes on, and the exit code says so at the end. Every
//! message is escaped on its way out: it quotes names, globs and patterns that may hold anything.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::sanitize::{printable, printable_path};

/// Set by every error reported; warnings leave it alone.
static ERRORED: AtomicBool = AtomicBool::new(false);

/// `--no-messages`: errors about paths are not shown (they still count for the exit code).
static SILENT: AtomicBool = AtomicBool::new(false);

/// `--no-messages`: from now on, say nothing of the errors met with paths.
pub(crate) fn silence() {
    SILENT.store(true, Ordering::Relaxed);
}

/// `--no-messages` was given.
pub(crate) fn silenced() -> bool {
    SILENT.load(Ordering::Relaxed)
}

/// Whether an error was reported since the start.
pub fn errored() -> bool {
    ERRORED.load(Ordering::Relaxed)
}

/// A problem with one path, made where it is found and reported where the output is in walk order.
#[derive(Debug)]
pub struct Message {
    pub(crate) path: PathBuf,
    pub(crate) reason: String,
    /// An error sets the error flag; a warning (a bad line in an ignore file) does not.
    pub(crate) is_error: bool,
}

impl Message {
    pub(crate) fn error(path: impl Into<PathBuf>, reason: impl Into<String>) -> Message {
        Message { path: path.into(), reason: reason.into(), is_error: true }
    }

    pub(crate) fn warning(path: impl Into<PathBuf>, reason: impl Into<String>) -> Message {
        Message { path: path.into(), reason: reason.into(), is_error: false }
    }

    pub(crate) fn report(&self) {
        if self.is_error {
            error(&self.path, &self.reason);
        } else if !SILENT.load(Ordering::Relaxed) {
            warning(&self.path, &self.reason);
        }
    }
}

/// `ba: PATH: reason` (unless `--no-messages`) and the error flag.
pub(crate) fn error(path: &Path, reason: &str) {
    ERRORED.store(true, Ordering::Relaxed);
    if !SILENT.load(Ordering::Relaxed) {
        warning(path, reason);
    }
}

/// `ba: PATH: reason` from an io error, worded as grep words it.
pub(crate) fn io_error(path: &Path, err: &io::Error) {
    error(path, &describe(err));
}

/// `ba: PATH: reason`, leaving the exit code alone.
pub(crate) fn warning(path: &Path, reason: &str) {
    let _ = writeln!(io::stderr(), "ba: {}: {}", printable_path(path), printable(reason));
}

/// `ba: reason` for what ends ba: an error with its causes, `: `-separated. Its lines are kept (a
/// regex error points at the fault on the line below the pattern).
pub fn fatal(err: &anyhow::Error) {
    let text = format!("{err:#}");
    let lines: Vec<_> = text.split('\n').map(printable).collect();
    let _ = writeln!(io::stderr(), "ba: {}", lines.join("\n"));
}

/// `ba: reason`, about no path in particular, leaving the exit code alone: what ba did, or why it
/// did nothing.
pub(crate) fn notice(reason: &str) {
    let _ = writeln!(io::stderr(), "ba: {}", printable(reason));
}

/// "No such file or directory (os error 2)" -> "No such file or directory", as grep says it.
pub(crate) fn describe(err: &io::Error) -> String {
    let mut text = err.to_string();
    if let Some(i) = text.find(" (os error ") {
        text.truncate(i);
    }
    text
}

/// "1 file", "3 files".
pub(crate) fn files(n: u64) -> String {
    match n {
        1 => "1 file".into(),
        n => format!("{n} files"),
    }
}

/// "rewrote 2 files; ba --undo restores them", with what comes after the count (`when`).
pub(crate) fn rewrote(files_rewritten: u64, undoable: bool, when: &str) -> String {
    let files = files(files_rewritten);
    let (them, they) = if files_rewritten == 1 { ("it", "it") } else { ("them", "they") };
    match undoable {
        true => format!("rewrote {files}{when}; ba --undo restores {them}"),
        false => format!("rewrote {files}{when}; with --no-undo {they} cannot be undone"),
    }
}
