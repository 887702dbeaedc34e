//! The indexer: one thread walks every root in a fixed order, decides which files are searched and
//! sends them, numbered, to the searchers over a bounded channel.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossbeam_channel::Sender;
use walkdir::{DirEntry, WalkDir};

use crate::config::{Config, Root};
use crate::search::Task;

pub struct Indexer {
    config: Arc<Config>,
    tasks: Sender<Task>,
    /// The walk-order number of the next file.
    next_seq: u64,
}

/// The searchers hung up: nothing more to do.
struct Hangup;

impl Indexer {
    pub fn new(config: Arc<Config>, tasks: Sender<Task>) -> Indexer {
        Indexer {
            config,
            tasks,
            next_seq: 0,
        }
    }

    pub fn run(mut self) {
        let config = Arc::clone(&self.config);
        for root in &config.roots {
            if self.walk_root(root).is_err() {
                return;
            }
        }
        for _ in 0..config.workers {
            if self.tasks.send(Task::Stop).is_err() {
                return;
            }
        }
    }

    fn walk_root(&mut self, root: &Root) -> Result<(), Hangup> {
        let metadata = match std::fs::metadata(&root.path) {
            Ok(metadata) => metadata,
            Err(err) => {
                crate::report_error(&root.path, &err);
                return Ok(());
            }
        };
        if !metadata.is_dir() {
            // A path the user named is searched whatever it is (a file, a pipe from `<(cmd)`...).
            return self.send(root.path.clone());
        }
        let rules = &self.config.walk;
        let mut walker = WalkDir::new(&root.path)
            .follow_links(rules.follow)
            .sort_by_file_name();
        if let Some(depth) = rules.depth {
            // Files directly in the root are at walkdir depth 1.
            walker = walker.max_depth(depth.saturating_add(1));
        }
        let mut entries = walker.into_iter();
        while let Some(entry) = entries.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    report_walk_error(&err);
                    continue;
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            let file_type = entry.file_type();
            if file_type.is_dir() {
                if self.ignored(&entry) {
                    entries.skip_current_dir();
                }
            } else if file_type.is_file() && self.searches_file(&entry) {
                // Symlinks (when not followed), FIFOs, sockets and devices are never opened.
                let path = if root.implicit {
                    strip_dot(entry.into_path())
                } else {
                    entry.into_path()
                };
                self.send(path)?;
            }
        }
        Ok(())
    }

    /// `-i` and the default ignores, for files and directories alike.
    fn ignored(&self, entry: &DirEntry) -> bool {
        let name = entry.file_name().as_encoded_bytes();
        let rules = &self.config.walk;
        rules.ignore.as_ref().is_some_and(|set| set.is_match(name))
            || rules
                .default_ignores
                .as_ref()
                .is_some_and(|re| re.is_match(name))
    }

    fn searches_file(&self, entry: &DirEntry) -> bool {
        let name = entry.file_name().as_encoded_bytes();
        !self.ignored(entry)
            && self
                .config
                .walk
                .filename
                .as_ref()
                .is_none_or(|set| set.is_match(name))
    }

    fn send(&mut self, path: PathBuf) -> Result<(), Hangup> {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.tasks
            .send(Task::File { seq, path })
            .map_err(|_| Hangup)
    }
}

/// `./src/main.rs` -> `src/main.rs`, for the implicit root.
fn strip_dot(path: PathBuf) -> PathBuf {
    match path.strip_prefix(".") {
        Ok(rest) => rest.to_path_buf(),
        Err(_) => path,
    }
}

fn report_walk_error(err: &walkdir::Error) {
    let path = err.path().unwrap_or(Path::new(""));
    if let Some(ancestor) = err.loop_ancestor() {
        crate::report_message(
            path,
            &format!("symbolic link loop back to {}", ancestor.display()),
        );
    } else if let Some(io) = err.io_error() {
        crate::report_error(path, io);
    } else {
        crate::report_message(path, &err.to_string());
    }
}
