//! ba (Black Arrow): a recursive grep built as a pipeline of threads.
//!
//! indexer --tasks--> searchers --reports--> printer
//!
//! The indexer ([`walk`]) walks the roots and sends each file to search; a pool of searchers
//! ([`search`]) finds the matching lines; the printer ([`print`]) puts results back in walk order and
//! prints them. Each stage stops the next with sentinels: the indexer sends one `Task::Stop` per
//! searcher, each searcher ends with `Report::Done`. The binary (`main.rs`) only wires them together.

pub mod cli;
pub mod config;
pub mod edit;
pub mod print;
pub mod replace;
pub mod search;
pub mod walk;

use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by any error reported on the way: the exit code is then 2 unless a line matched.
static HAD_ERROR: AtomicBool = AtomicBool::new(false);

/// Whether an error was reported since the start.
pub fn had_error() -> bool {
    HAD_ERROR.load(Ordering::Relaxed)
}

/// `ba: PATH: reason` on stderr; the search goes on and the exit code will say so.
pub fn report_error(path: &Path, err: &io::Error) {
    report_message(path, &describe(err));
}

/// "No such file or directory (os error 2)" -> "No such file or directory", as grep says it.
pub fn describe(err: &io::Error) -> String {
    let mut text = err.to_string();
    if let Some(i) = text.find(" (os error ") {
        text.truncate(i);
    }
    text
}

pub fn report_message(path: &Path, reason: &str) {
    HAD_ERROR.store(true, Ordering::Relaxed);
    report_warning(path, reason);
}

/// `ba: PATH: reason` for a problem that does not stop the file from being searched (a bad line in an
/// ignore file): the exit code is not changed.
pub fn report_warning(path: &Path, reason: &str) {
    let _ = writeln!(io::stderr(), "ba: {}: {}", print::printable_path(path), reason);
}
