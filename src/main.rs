//! `ba`: parse the command line, plan the search, start the indexer, the searchers and the printer,
//! wait for them, and exit with grep's code.

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use clap::Parser;
use crossbeam_channel::bounded;

use black_arrow::cli::Args;
use black_arrow::config::Config;
use black_arrow::print::{Printer, Summary};
use black_arrow::replace::{self, Replacer};
use black_arrow::search::Searcher;
use black_arrow::walk::{self, Indexer};
use black_arrow::{edit, had_error};

/// Paths are allocated by the indexer and freed by the printer: glibc's allocator serialises such
/// cross-thread frees on an arena lock; mimalloc does not (measured: about 10% off a kernel-tree search).
/// Its transparent huge pages are turned off (`no_thp`): with them, peak memory was 25 MiB instead of 10.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        return match walk::print_type_list() {
            Err(err) if err.kind() != io::ErrorKind::BrokenPipe => Err(err.into()),
            _ => Ok(0),
        };
    }
    let config = Arc::new(Config::from_args(args)?);
    // A bad replacement is refused before anything is searched or written.
    let replacer = Replacer::new(&config)?;
    stop_on_interrupt(config.output.color)?;

    // Bounded queues keep memory flat however big the tree is.
    let (task_tx, task_rx) = bounded(config.workers * 64);
    let (report_tx, report_rx) = bounded(config.workers * 16);
    let indexer = Indexer::new(Arc::clone(&config), task_tx);
    let indexer = thread::Builder::new().name("indexer".into()).spawn(move || indexer.run())?;
    let searchers = Searcher::spawn_pool(&config, &task_rx, &report_tx)?;
    drop((task_rx, report_tx));
    let printer = Printer::new(Arc::clone(&config), started, replacer);
    let printer = thread::Builder::new().name("printer".into()).spawn(move || printer.run(report_rx))?;

    let mut summary = printer.join().map_err(|_| anyhow!("the printer thread panicked"))?;
    match summary.output_error.take() {
        // The reader went away (`ba x | head -1`): stop at once, quietly.
        Some(err) if err.kind() == io::ErrorKind::BrokenPipe => return Ok(exit_code(&summary)),
        Some(err) => return Err(err).context("cannot write to standard output"),
        None => {}
    }
    for stage in searchers.into_iter().chain([indexer]) {
        stage.join().map_err(|_| anyhow!("a search thread panicked"))?;
    }

    if config.edit {
        edit::open(&summary.edit_hits)?;
    }
    Ok(exit_code(&summary))
}

/// grep's rule: 0 if a line matched, else 2 if an error was reported, else 1; with -r, 2 whenever a
/// file with matches could not be written.
fn exit_code(summary: &Summary) -> u8 {
    if summary.write_failed {
        2
    } else if summary.files_matched > 0 {
        0
    } else if had_error() {
        2
    } else {
        1
    }
}

/// Ctrl-C ends every thread at once; the terminal's colours are reset first. A file being rewritten
/// is finished first, so no temporary file is left behind.
fn stop_on_interrupt(color: bool) -> Result<()> {
    ctrlc::set_handler(move || {
        replace::INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
        let _no_more_writes = replace::WRITING.lock();
        if color {
            let mut out = io::stdout().lock();
            let _ = out.write_all(b"\x1b[0m");
            let _ = out.flush();
        }
        std::process::exit(130);
    })
    .context("cannot install the Ctrl-C handler")
}
