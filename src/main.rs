//! `ba`: parse the command line, plan the search, start the indexer, the searchers and the printer,
//! wait for them, and exit with the code the search came to.

use std::io::{self, Write};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use crossbeam_channel::{bounded, unbounded};

use black_arrow::allocator::{self, Allocator};
use black_arrow::config::{Command, Config};
use black_arrow::edit::EditList;
use black_arrow::exit_code::ExitCode;
use black_arrow::pipeline::{results_budget, task_capacity, Backlog, Budget};
use black_arrow::print::{self, Printer};
use black_arrow::replace::Replacer;
use black_arrow::search::Searcher;
use black_arrow::walk::{self, Indexer};
use black_arrow::{config_file, errored, fatal, generate, index_commands, interrupt, trace};

#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

fn main() -> std::process::ExitCode {
    allocator::settle();
    match run() {
        Ok(code) => code.into(),
        Err(err) => {
            fatal(&err);
            ExitCode::Error.into()
        }
    }
}

fn run() -> Result<ExitCode> {
    let started = Instant::now();
    match Command::from_args(config_file::parse_args()?)? {
        Command::Generate(kind) => printed(generate::write(kind, &mut io::stdout().lock())),
        Command::Undo(options) => {
            interrupt::install(false)?;
            black_arrow::replace::undo(&options)
        }
        Command::Pcre2Version(line) => printed(writeln!(io::stdout(), "{line}")),
        Command::TypeList(types) => printed(walk::print_type_list(&types)),
        Command::ListFiles(config) => list_files(Arc::new(config), started),
        Command::Search(config) => search(Arc::new(config), started),
        Command::IndexBuild(config) => index_commands::build_command(Arc::new(config)),
        Command::IndexStatus(config) => index_commands::status_command(&config),
        Command::IndexDrop(config) => index_commands::drop_command(&config),
    }
}

/// The exit code of a command that only prints: a reader that went away (`| head`) is no error.
fn printed(result: io::Result<()>) -> Result<ExitCode> {
    match result {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => Err(err.into()),
        _ => Ok(ExitCode::Matched),
    }
}

/// `--files`: the files are printed as they are numbered.
fn list_files(config: Arc<Config>, started: Instant) -> Result<ExitCode> {
    let listed = match walk::walk_files(&config, |tasks| print::print_file_list(tasks, &config))? {
        Ok(listed) => listed,
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::Matched),
        Err(err) => return Err(err).context("cannot write to standard output"),
    };
    trace::report(started.elapsed());
    Ok(ExitCode::of_search(listed, errored(), false))
}

fn search(config: Arc<Config>, started: Instant) -> Result<ExitCode> {
    // A bad replacement is refused before anything is searched or written.
    let replacer = Replacer::new(&config)?;
    let edit_list = config.edit.as_ref().map(EditList::new).transpose()?;
    if config.takes_signals() {
        interrupt::install(config.colored())?;
    }
    if config.oversubscribed() {
        allocator::purge_at_once();
    }

    // Tasks are bounded by count, results by the bytes they hold.
    let (task_tx, task_rx) = bounded(task_capacity(config.workers));
    let (report_tx, report_rx) = unbounded();
    let budget = Arc::new(Budget::new(results_budget(config.workers), config.workers));
    let backlog = Arc::new(Backlog::default());
    let (pool, listings) = walk::pool(task_tx.clone(), config.workers, Some(Arc::clone(&backlog)));
    let indexer = Indexer::new(Arc::clone(&config), task_tx, config.workers, pool);
    // Named files alone are handed over before any searcher starts: a thread is time spent starting.
    let indexer = match config.walk_at_once {
        true => {
            indexer.run();
            None
        }
        false => Some(spawn("indexer", move || indexer.run())?),
    };
    let searchers = Searcher::spawn_pool(&config, &task_rx, &listings, &backlog, &report_tx, &budget)?;
    drop((task_rx, listings, report_tx));
    // The printer is this thread, which has nothing else to do until the search ends.
    let printed = Printer::new(Arc::clone(&config), budget, replacer, edit_list, started).run(report_rx);
    match printed.output_error {
        // The reader went away (`ba x | head -1`): stop at once, quietly.
        Some(err) if err.kind() == io::ErrorKind::BrokenPipe => return Ok(printed.exit_code),
        Some(err) => return Err(err).context("cannot write to standard output"),
        // -q found its match: the searchers still at work (maybe on a FIFO) are not waited for.
        None if printed.stopped_early => return Ok(printed.exit_code),
        None => {}
    }
    for stage in searchers.into_iter().chain(indexer) {
        stage.join().map_err(|_| anyhow!("a search thread panicked"))?;
    }

    trace::report(started.elapsed());
    if let Some(edit_list) = printed.edit_list {
        edit_list.open()?;
    }
    Ok(printed.exit_code)
}

fn spawn<T: Send + 'static>(
    name: &str,
    stage: impl FnOnce() -> T + Send + 'static,
) -> io::Result<JoinHandle<T>> {
    thread::Builder::new().name(name.into()).spawn(stage)
}
