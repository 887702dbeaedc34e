//! The indexer: one thread walks every root in a fixed order, decides which files are searched and
//! sends them, numbered, to the searchers over a bounded channel.
//!
//! It is the one place that decides what gets searched: Black Arrow's `-i`/`-f` regexes and default
//! ignores, ignore files (`.gitignore`, `.git/info/exclude`, git's global excludes, `.ignore`), hidden
//! files, `-t`/`-T` types, `-g` globs, `--max-filesize` and `-D` depth.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crossbeam_channel::Sender;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use walkdir::{DirEntry, WalkDir};

use crate::config::{Config, Root, DEFAULT_IGNORED_DIRS, DEFAULT_IGNORED_FILE_SUFFIX};
use crate::messages::{describe, Message};
use crate::pipeline::{Entry, Task};

/// The most entries sent to the searchers in one message.
const BATCH_SIZE: usize = 32;

pub struct Indexer {
    config: Arc<Config>,
    tasks: Sender<Task>,
    /// Who takes the tasks: each gets one `Task::Stop` at the end.
    consumers: usize,
    /// Entries found but not sent yet, numbered from `batch_seq`.
    batch: Vec<Entry>,
    batch_seq: u64,
    /// The ignore rules of the directory being walked and of every directory above it.
    frames: Vec<Frame>,
}

/// The ignore files of one directory.
struct Frame {
    /// Walk depth of the directory; the frames of a root's parent directories sit at depth 0 too.
    depth: usize,
    /// `.ignore`, which ba reads in any directory.
    ignore: Option<Gitignore>,
    /// `.gitignore`, read only inside a git repository, as git does.
    gitignore: Option<Gitignore>,
    /// `.git/info/exclude`, in a repository's top directory.
    exclude: Option<Gitignore>,
    /// The directory holds `.git`: git rules from above do not reach into this repository.
    repo_root: bool,
    /// Built for a directory above the root: match entries by their absolute path.
    above_root: bool,
}

/// The searchers hung up: nothing more to do.
struct Hangup;

/// Whether a walked entry is searched (a file) or walked into (a directory).
#[derive(PartialEq)]
enum Verdict {
    Take,
    Skip,
}

impl Indexer {
    /// An indexer whose tasks are taken by `consumers` threads.
    pub fn new(config: Arc<Config>, tasks: Sender<Task>, consumers: usize) -> Indexer {
        Indexer { config, tasks, consumers, batch: Vec::new(), batch_seq: 0, frames: Vec::new() }
    }

    /// Walks every root, then sends each consumer its `Stop`. Returns early only when the consumers
    /// are gone (the output was closed).
    pub fn run(mut self) {
        let config = Arc::clone(&self.config);
        let walked = if config.stdin {
            self.tasks.send(Task::Stdin { seq: 0 }).map_err(|_| Hangup)
        } else {
            config.roots.iter().try_for_each(|root| self.walk_root(root)).and_then(|()| self.flush())
        };
        if walked.is_ok() {
            for _ in 0..self.consumers {
                if self.tasks.send(Task::Stop).is_err() {
                    return;
                }
            }
        }
    }

    fn walk_root(&mut self, root: &Root) -> Result<(), Hangup> {
        let metadata = match std::fs::metadata(&root.path) {
            Ok(metadata) => metadata,
            Err(err) => return self.send(Entry::Message(Message::error(&root.path, describe(&err)))),
        };
        if !metadata.is_dir() {
            // A path the user named is searched whatever it is (ignored, hidden, a pipe from `<(cmd)`).
            return self.send(Entry::File(root.path.clone()));
        }
        let rules = &self.config.walk;
        // Sorted by name for a walk order that is the same on every machine. Siblings share their
        // parent's path, so comparing whole paths compares names, without parsing them out.
        let mut walker = WalkDir::new(&root.path)
            .follow_links(rules.follow)
            .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()));
        if let Some(depth) = rules.depth {
            // Files directly in the root are at walkdir depth 1.
            walker = walker.max_depth(depth.saturating_add(1));
        }
        let absolute_root = if rules.ignore_files { self.enter_parents(&root.path)? } else { None };

        let mut entries = walker.into_iter();
        while let Some(entry) = entries.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    self.send(Entry::Message(walk_error(&err, root.implicit)))?;
                    continue;
                }
            };
            let depth = entry.depth();
            while self.frames.last().is_some_and(|frame| frame.depth >= depth.max(1)) {
                self.frames.pop();
            }
            let file_type = entry.file_type();
            if depth == 0 {
                self.enter_dir(entry.path(), 0, false)?;
            } else if file_type.is_dir() {
                if self.judge(&root.path, absolute_root.as_deref(), &entry) == Verdict::Skip {
                    entries.skip_current_dir();
                } else {
                    self.enter_dir(entry.path(), depth, false)?;
                }
            } else if file_type.is_file()
                && self.judge(&root.path, absolute_root.as_deref(), &entry) == Verdict::Take
            {
                // Symlinks (when not followed), FIFOs, sockets and devices are never opened.
                let path =
                    if root.implicit { without_dot(entry.path()).to_path_buf() } else { entry.into_path() };
                self.send(Entry::File(path))?;
            }
        }
        self.frames.clear();
        Ok(())
    }

    /// Reads the ignore files of the directories above a root, up to the top of its repository (or
    /// of the file system), so that `ba x -d src` inside a repository obeys the repository's rules.
    /// Returns the root's absolute path, which entries are matched by against those rules.
    fn enter_parents(&mut self, root: &Path) -> Result<Option<PathBuf>, Hangup> {
        // Resolved (no `.`, `..` or links), so that its ancestors are the directories really above it.
        let Ok(absolute) = std::fs::canonicalize(root) else { return Ok(None) };
        let mut parents: Vec<&Path> = absolute.ancestors().skip(1).collect();
        // Stop at the nearest repository top: git reads nothing above it.
        if let Some(top) = absolute.ancestors().position(|dir| dir.join(".git").exists()) {
            parents.truncate(top);
        }
        for dir in parents.into_iter().rev() {
            self.enter_dir(dir, 0, true)?;
        }
        Ok(Some(absolute))
    }

    fn enter_dir(&mut self, dir: &Path, depth: usize, above_root: bool) -> Result<(), Hangup> {
        if !self.config.walk.ignore_files {
            return Ok(());
        }
        // `.git` is a directory in a repository, a file in a worktree or submodule.
        let git = dir.join(".git");
        let repo_root = git.exists();
        let in_repo = repo_root || self.frames.iter().any(|frame| frame.repo_root);
        let mut warnings = Vec::new();
        let mut read = |file: &Path| read_ignore_file(dir, file, &mut warnings);
        let frame = Frame {
            depth,
            ignore: read(&dir.join(".ignore")),
            gitignore: in_repo.then(|| read(&dir.join(".gitignore"))).flatten(),
            exclude: git.is_dir().then(|| read(&git.join("info/exclude"))).flatten(),
            repo_root,
            above_root,
        };
        self.frames.push(frame);
        warnings.into_iter().try_for_each(|warning| self.send(Entry::Message(warning)))
    }

    /// Decides an entry below a root, most specific rule first: `-i` and the default ignores, then
    /// `-g` globs, then ignore files, then hidden names; for files also `-t`/`-T`, `-f` and the size.
    fn judge(&self, root: &Path, absolute_root: Option<&Path>, entry: &DirEntry) -> Verdict {
        let rules = &self.config.walk;
        let name = entry.file_name();
        let is_dir = entry.file_type().is_dir();
        let name_bytes = name.as_encoded_bytes();
        let default_ignored = rules.default_ignores
            && if is_dir {
                DEFAULT_IGNORED_DIRS.iter().any(|dir| name_bytes == dir.as_bytes())
            } else {
                name_bytes.ends_with(DEFAULT_IGNORED_FILE_SUFFIX.as_bytes())
            };
        if default_ignored || rules.ignore.as_ref().is_some_and(|set| set.is_match(name_bytes)) {
            return Verdict::Skip;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let by_glob = rules.globs.as_ref().map_or(Match::None, |globs| globs.matched(relative, is_dir));
        if by_glob.is_ignore() {
            return Verdict::Skip;
        }
        let mut whitelisted = by_glob.is_whitelist();
        if !whitelisted {
            match self.by_ignore_files(entry.path(), || absolute_root.map(|abs| abs.join(relative)), is_dir) {
                Match::Ignore(()) => return Verdict::Skip,
                Match::Whitelist(()) => whitelisted = true,
                Match::None => {}
            }
        }
        if !whitelisted && !rules.hidden && name_bytes.starts_with(b".") {
            return Verdict::Skip;
        }
        if is_dir {
            return Verdict::Take;
        }
        let wanted = rules.types.as_ref().is_none_or(|types| !types.matched(relative, false).is_ignore())
            && rules.filename.as_ref().is_none_or(|set| set.is_match(name_bytes))
            && rules.max_filesize.is_none_or(|max| entry.metadata().is_ok_and(|m| m.len() <= max));
        if wanted {
            Verdict::Take
        } else {
            Verdict::Skip
        }
    }

    /// What the ignore files say of `path`, as ripgrep reads them: for each kind of file the deepest
    /// directory with a matching line decides, and `.ignore` beats `.gitignore`, which beats
    /// `.git/info/exclude`, which beats the global excludes file.
    fn by_ignore_files(
        &self,
        path: &Path,
        absolute: impl Fn() -> Option<PathBuf>,
        is_dir: bool,
    ) -> Match<()> {
        let mut absolute_path = None;
        let (mut by_ignore, mut by_gitignore, mut by_exclude) = (Match::None, Match::None, Match::None);
        let mut in_repo = false;
        for frame in self.frames.iter().rev() {
            let path = if frame.above_root {
                match absolute_path.get_or_insert_with(&absolute) {
                    Some(absolute) => absolute.as_path(),
                    None => continue,
                }
            } else {
                path
            };
            let matched = |file: &Option<Gitignore>| {
                file.as_ref().map_or(Match::None, |file| file.matched(path, is_dir).map(|_| ()))
            };
            if by_ignore.is_none() {
                by_ignore = matched(&frame.ignore);
            }
            if !in_repo {
                if by_gitignore.is_none() {
                    by_gitignore = matched(&frame.gitignore);
                }
                if by_exclude.is_none() {
                    by_exclude = matched(&frame.exclude);
                }
            }
            in_repo |= frame.repo_root;
        }
        let by_global = || {
            if in_repo {
                global_excludes().matched(path, is_dir).map(|_| ())
            } else {
                Match::None
            }
        };
        let decided = by_ignore.or(by_gitignore).or(by_exclude);
        if decided.is_none() {
            by_global()
        } else {
            decided
        }
    }

    /// Entries go to the searchers in batches, to spare a channel hand-over per file, except when the
    /// searchers are waiting: then the batch goes at once, however small, so none of them idles.
    fn send(&mut self, entry: Entry) -> Result<(), Hangup> {
        self.batch.push(entry);
        if self.batch.len() >= BATCH_SIZE || self.tasks.is_empty() {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Hangup> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let entries = std::mem::take(&mut self.batch);
        let first_seq = self.batch_seq;
        self.batch_seq += entries.len() as u64;
        self.tasks.send(Task::Entries { first_seq, entries }).map_err(|_| Hangup)
    }
}

/// Git's global excludes file (`core.excludesFile`, else `~/.config/git/ignore`), read once.
fn global_excludes() -> &'static Gitignore {
    static GLOBAL: OnceLock<Gitignore> = OnceLock::new();
    GLOBAL.get_or_init(|| Gitignore::global().0)
}

/// One ignore file, matched relative to `dir`; `None` if it does not exist or holds no rule. A bad
/// line is skipped (as git does) with a warning; the other lines still apply.
fn read_ignore_file(dir: &Path, file: &Path, warnings: &mut Vec<Message>) -> Option<Gitignore> {
    let mut builder = GitignoreBuilder::new(dir);
    match builder.add(file) {
        None => {}
        Some(ignore::Error::Io(err)) if err.kind() == io::ErrorKind::NotFound => return None,
        Some(ignore::Error::WithPath { err, .. }) if matches!(&*err, ignore::Error::Io(io) if io.kind() == io::ErrorKind::NotFound) => {
            return None
        }
        Some(ignore::Error::WithPath { err, .. }) => warnings.push(Message::warning(file, err.to_string())),
        Some(err) => warnings.push(Message::warning(file, err.to_string())),
    }
    builder.build().ok().filter(|rules| !rules.is_empty())
}

/// `./src/main.rs` -> `src/main.rs`: how paths below the implicit root are shown.
fn without_dot(path: &Path) -> &Path {
    path.strip_prefix(".").unwrap_or(path)
}

fn walk_error(err: &walkdir::Error, implicit_root: bool) -> Message {
    let mut path = err.path().unwrap_or(Path::new(""));
    if implicit_root {
        path = without_dot(path);
    }
    if let Some(ancestor) = err.loop_ancestor() {
        Message::error(path, format!("symbolic link loop back to {}", ancestor.display()))
    } else if let Some(io) = err.io_error() {
        Message::error(path, describe(io))
    } else {
        Message::error(path, err.to_string())
    }
}

/// `--type-list`: every file type -t and -T know, with its globs.
pub fn print_type_list() -> io::Result<()> {
    use std::io::Write;
    let mut builder = ignore::types::TypesBuilder::new();
    builder.add_defaults();
    let mut out = io::stdout().lock();
    for definition in builder.definitions() {
        writeln!(out, "{}: {}", definition.name(), definition.globs().join(", "))?;
    }
    out.flush()
}
