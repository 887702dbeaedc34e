//! ba (Black Arrow): a recursive grep built as a pipeline of threads.
//!
//! indexer --tasks--> searchers --reports--> printer
//!
//! The indexer walks the roots and sends each file to search; a pool of searchers finds the matching
//! lines; the printer puts results back in walk order and prints them. Each stage stops the next with
//! sentinels: the indexer sends one `Task::Stop` per searcher, each searcher ends with `Report::Done`.

mod cli;
mod config;
mod edit;
mod print;
mod search;
mod walk;

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use clap::Parser;
use crossbeam_channel::bounded;

use crate::cli::Args;
use crate::config::Config;
use crate::print::Printer;
use crate::search::Searcher;
use crate::walk::Indexer;

/// Set by any error reported on the way: the exit code is then 2 unless a line matched.
static HAD_ERROR: AtomicBool = AtomicBool::new(false);

fn main() -> ExitCode {
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let _ = writeln!(io::stderr(), "ba: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<u8> {
    let started = Instant::now();
    let args = Args::parse();
    if args.type_list {
        walk::print_type_list()?;
        return Ok(0);
    }
    let config = Arc::new(Config::from_args(args)?);
    stop_on_interrupt(config.output.color)?;

    // Bounded queues keep memory flat however big the tree is.
    let (task_tx, task_rx) = bounded(config.workers * 64);
    let (report_tx, report_rx) = bounded(config.workers * 16);
    let indexer = Indexer::new(Arc::clone(&config), task_tx);
    let indexer = thread::Builder::new().name("indexer".into()).spawn(move || indexer.run())?;
    let searchers = Searcher::spawn_pool(&config, &task_rx, &report_tx)?;
    drop((task_rx, report_tx));
    let printer = Printer::new(Arc::clone(&config), started);
    let printer = thread::Builder::new().name("printer".into()).spawn(move || printer.run(report_rx))?;

    let summary = match printer.join().map_err(|_| anyhow!("the printer thread panicked"))? {
        Ok(summary) => summary,
        // The reader went away (`ba x | head -1`): stop at once, quietly.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => return Ok(0),
        Err(err) => return Err(err).context("cannot write to standard output"),
    };
    for stage in searchers.into_iter().chain([indexer]) {
        stage.join().map_err(|_| anyhow!("a search thread panicked"))?;
    }

    if config.edit {
        edit::open(&summary.edit_hits)?;
    }
    Ok(if summary.files_matched > 0 {
        0
    } else if HAD_ERROR.load(Ordering::Relaxed) {
        2
    } else {
        1
    })
}

/// Ctrl-C ends every thread at once; the terminal's colours are reset first.
fn stop_on_interrupt(color: bool) -> Result<()> {
    ctrlc::set_handler(move || {
        if color {
            let mut out = io::stdout().lock();
            let _ = out.write_all(b"\x1b[0m");
            let _ = out.flush();
        }
        std::process::exit(130);
    })
    .context("cannot install the Ctrl-C handler")
}

/// `ba: PATH: reason` on stderr; the search goes on and the exit code will say so.
pub(crate) fn report_error(path: &Path, err: &io::Error) {
    let text = err.to_string();
    // "No such file or directory (os error 2)" -> "No such file or directory", as grep says it.
    let reason = text.find(" (os error ").map_or(text.as_str(), |i| &text[..i]);
    report_message(path, reason);
}

pub(crate) fn report_message(path: &Path, reason: &str) {
    HAD_ERROR.store(true, Ordering::Relaxed);
    report_warning(path, reason);
}

/// `ba: PATH: reason` for a problem that does not stop the file from being searched (a bad line in an
/// ignore file): the exit code is not changed.
pub(crate) fn report_warning(path: &Path, reason: &str) {
    let _ = writeln!(io::stderr(), "ba: {}: {}", path.display(), reason);
}
