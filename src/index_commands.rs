//! The commands that keep the index (`index`) of a tree: `--index-build` walks the tree as a search
//! would and builds or updates its index, `--index-status` says what an index holds and how much of
//! it is stale, `--index-drop` removes it.

use std::collections::HashSet;
use std::io::{self, IsTerminal, Seek, Write};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{anyhow, Context, Result};

use crate::config::{Config, Root};
use crate::exit_code::ExitCode;
use crate::index::build::{self, TreeFile};
use crate::index::store::{self, IndexFile};
use crate::index::{self as index, relative, Built};
use crate::messages;
use crate::pipeline::{Entry, Task};
use crate::sanitize::printable_path;

/// The directories of `config`'s roots, each with its real path; a root that is no directory is an
/// error.
fn trees(config: &Config) -> Result<Vec<(&Root, PathBuf)>> {
    config
        .roots
        .iter()
        .map(|root| {
            let real = std::fs::canonicalize(&root.path)
                .with_context(|| format!("{}", printable_path(&root.path)))?;
            if !real.is_dir() {
                anyhow::bail!(
                    "{}: not a directory: an index is of a directory tree",
                    printable_path(&root.path)
                );
            }
            Ok((root, real))
        })
        .collect()
}

/// How an index being built is named, before its process id: the file is renamed into place when
/// it is whole.
const BUILDING: &str = ".building-";

/// Removes what builds killed half way left: the files being built by a process that is gone.
fn remove_leftovers(dir: &OwnedFd) {
    let Ok(entries) = rustix::fs::Dir::read_from(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_bytes();
        let Some(pid) =
            name.strip_prefix(BUILDING.as_bytes()).and_then(|rest| rest.split(|&b| b == b'-').next())
        else {
            continue;
        };
        let Some(pid) = std::str::from_utf8(pid).ok().and_then(|pid| pid.parse::<i32>().ok()) else {
            continue;
        };
        // SAFETY: kill with signal 0 only asks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } != 0
            && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone {
            let _ = rustix::fs::unlinkat(dir, entry.file_name(), rustix::fs::AtFlags::empty());
        }
    }
}

/// `--index-build`: builds or updates the index of each root.
pub fn build_command(config: Arc<Config>) -> Result<ExitCode> {
    let trees = trees(&config)?;
    let (dir_path, dir) = index::open_dir(true)?.expect("created");
    remove_leftovers(&dir);
    let started = Instant::now();
    let built_ns = index::now_ns();
    let entries = crate::walk::walk_files(&config, |tasks| {
        let mut files = Vec::new();
        while let Ok(Task::Entries { entries, .. }) = tasks.recv() {
            for entry in entries {
                match entry {
                    Entry::File(path) | Entry::Named(path) => files.push(path),
                    Entry::Message(message) => message.report(),
                    // `-` is no directory: `trees` refused it; a build rules nothing out.
                    Entry::Stdin | Entry::RuledOut(_) => {}
                }
            }
        }
        files
    })?;
    for (root, real) in &trees {
        // A file under two roots (`-d T -d T/sub`) is walked twice: the index holds it once.
        let mut keys = HashSet::new();
        let files: Vec<TreeFile> = entries
            .iter()
            .filter_map(|path| {
                let key = relative(&root.path, root.implicit, path)?.as_os_str().as_bytes().to_vec();
                keys.insert(key.clone()).then(|| TreeFile { path: path.clone(), key })
            })
            .collect();
        build_tree(&config, real, &files, (&dir_path, &dir), built_ns, started)?;
    }
    Ok(if messages::errored() { ExitCode::Error } else { ExitCode::Matched })
}

fn build_tree(
    config: &Config,
    real: &Path,
    files: &[TreeFile],
    (dir_path, dir): (&Path, &OwnedFd),
    built_ns: i64,
    started: Instant,
) -> Result<()> {
    let name = index::index_name(real);
    let old = index::open_index(dir, dir_path, &name)?.and_then(|file| IndexFile::open(&file).ok());
    let out = tempfile::Builder::new()
        .prefix(&format!("{BUILDING}{}-", std::process::id()))
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .tempfile_in(dir_path)
        .with_context(|| format!("cannot write an index in {}", printable_path(dir_path)))?;
    let terminal = io::stderr().is_terminal();
    let progress = |done: usize, total: usize| {
        if terminal && (done.is_multiple_of(256) || done == total) {
            eprint!("\rba: indexing {}: {done}/{total} files", printable_path(real));
        }
    };
    let build = |old: Option<&IndexFile>| {
        let mut file = out.as_file().try_clone()?;
        file.set_len(0)?;
        file.seek(io::SeekFrom::Start(0))?;
        build::build((real, files), old, file, dir_path, config.workers, built_ns, &progress)
    };
    let built = match build(old.as_ref()) {
        // A posting list of the old index is damaged (only an update reads them all): every file
        // is read again.
        Err(err) if err.get_ref().is_some_and(|inner| inner.is::<store::Damaged>()) => {
            messages::warning(real, &format!("the old index cannot be used ({err}): reading every file"));
            build(None)
        }
        built => built,
    };
    let built = built.with_context(|| format!("cannot build the index of {}", printable_path(real)))?;
    if terminal {
        eprint!("\r\x1b[K");
    }
    built.file.sync_all()?;
    out.persist(dir_path.join(&name)).map_err(|err| err.error)?;
    let size = built.file.metadata()?.len();
    writeln!(
        io::stdout(),
        "{}: {} files indexed ({} read, {}), index {} in {:.2} s",
        printable_path(real),
        built.files,
        built.read,
        mib(built.read_bytes),
        mib(size),
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
}

/// `--index-status`: what the index of each root holds, and how many of its files changed since.
pub fn status_command(config: &Config) -> Result<ExitCode> {
    let Some((dir_path, dir)) = index::open_dir(false)? else {
        println!("no index: build one with ba --index-build");
        return Ok(ExitCode::NoMatch);
    };
    let mut found = false;
    for (root, real) in trees(config)? {
        let Some((index, tree)) = index::covering(&dir, &dir_path, &real)? else {
            println!("{}: no index covers it", printable_path(&root.path));
            continue;
        };
        found = true;
        let index = match index {
            Ok(index) => index,
            Err(store::Damaged(why)) => {
                println!(
                    "{}: the index of {} cannot be used ({why}); build it again",
                    printable_path(&root.path),
                    printable_path(&tree)
                );
                continue;
            }
        };
        let built = Built::of(&index);
        // Files the index holds no trigrams of are read by every search, changed or not.
        let (unindexed, indexed): (Vec<u32>, Vec<u32>) =
            (0..index.docs()).partition(|&doc| index.doc(doc).unindexed);
        let changed = indexed.into_iter().filter(|&doc| !index::fresh(&index, built, &tree, doc)).count();
        println!(
            "{}: index of {}: {} files, {} trigrams, {}, built {} s ago; {changed} files changed or gone \
             since; {} always read (compressed, UTF-16 or over 256 MiB)",
            printable_path(&root.path),
            printable_path(&tree),
            index.docs(),
            index.trigrams(),
            mib(index.size()),
            (index::now_ns() - index.built_ns()) / 1_000_000_000,
            unindexed.len(),
        );
        if index.credentials() != index::credentials() {
            println!(
                "{}: built by a process with other groups or capabilities: a search does not use it; build it again",
                printable_path(&root.path)
            );
        }
    }
    Ok(if found { ExitCode::Matched } else { ExitCode::NoMatch })
}

/// `--index-drop`: removes the index of each root.
pub fn drop_command(config: &Config) -> Result<ExitCode> {
    let mut dropped = false;
    if let Some((dir_path, dir)) = index::open_dir(false)? {
        for (root, real) in trees(config)? {
            let name = index::index_name(&real);
            match rustix::fs::unlinkat(&dir, name.as_str(), rustix::fs::AtFlags::empty()) {
                Ok(()) => {
                    dropped = true;
                    println!("{}: index dropped", printable_path(&root.path));
                }
                Err(rustix::io::Errno::NOENT) => {
                    println!("{}: no index of this tree", printable_path(&root.path))
                }
                Err(err) => return Err(anyhow!("{}: {err}", printable_path(&dir_path.join(name)))),
            }
        }
    }
    Ok(if dropped { ExitCode::Matched } else { ExitCode::NoMatch })
}
