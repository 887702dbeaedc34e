//! Listing one directory: its entries sorted by name, each judged by the file-selection rules (Black
//! Arrow's `-i`/`-f` regexes and default ignores, `-g` globs, ignore files, hidden names, `-t`/`-T`
//! types, `--max-filesize`, `-D` depth, `--follow`). Any thread may list a directory; the indexer
//! puts the listings together in walk order. With a search index, a directory unchanged since the
//! index was built is not read again (its entries are the index's), and the files the index rules
//! out are left out of the listing, only counted (`index`).
//!
//! Ignore files are read as git and ripgrep read them: `.gitignore` inside a repository, `.ignore`
//! anywhere, `.git/info/exclude` at a repository's top and git's global excludes file; for each kind
//! the deepest directory with a matching line decides, `.ignore` beats `.gitignore`, which beats
//! `exclude`, which beats the global file, and a nested repository stops the rules from above.
//! `--ignore-file` rules rank below all of them, as in ripgrep.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::ops::Range;
use std::os::fd::BorrowedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags, Stat};

use crate::config::{WalkRules, DEFAULT_IGNORED_DIRS, DEFAULT_IGNORED_FILE_SUFFIX};
use crate::index;
use crate::index::store::{EntryKind, Identity};
use crate::messages::{describe, Message};
use crate::pipeline::SilentFiles;

/// A directory's place in walk order: the index of each directory on its path in its parent's
/// listing (the root's index among the roots first). Keys compare in walk order.
pub(crate) type DirKey = Vec<u32>;

/// A directory to list, with what its listing needs to know of the directories above it.
pub struct ListTask {
    pub(crate) key: DirKey,
    pub(crate) path: PathBuf,
    /// 0 for a root.
    pub(crate) depth: usize,
    /// The ignore rules of the directories above (`None` when there are none).
    pub(crate) rules: Option<Arc<Rules>>,
    pub(crate) root: Arc<RootWalk>,
    /// With `--follow`: this directory and those above it, to notice a link that loops back.
    pub(crate) ancestors: Option<Arc<Ancestor>>,
}

/// What every directory below a root shares.
pub(crate) struct RootWalk {
    pub(crate) path: PathBuf,
    /// The implicit `.`: paths below it are shown without the leading `./`.
    pub(crate) implicit: bool,
    /// The root's absolute path, for the rules of the directories above it.
    pub(crate) absolute: Option<PathBuf>,
}

/// A directory on the way down, identified by device and inode.
pub(crate) struct Ancestor {
    pub(crate) id: (u64, u64),
    pub(crate) path: PathBuf,
    pub(crate) parent: Option<Arc<Ancestor>>,
}

/// A directory listed: what to number, and the directories to walk into.
pub struct Listing {
    pub(crate) key: DirKey,
    pub(crate) items: Vec<Item>,
    /// The directories among `items`, to be listed in turn.
    pub(crate) children: Vec<ListTask>,
    /// Its files the index rules out: not among `items`.
    pub(crate) ruled_out: SilentFiles,
}

pub(crate) enum Item {
    File(PathBuf),
    /// A problem met here (an unreadable directory, a bad line in an ignore file, a link that loops
    /// back): it is reported in its place in walk order.
    Message(Message),
    /// A directory to walk into here: the listing of this key.
    Dir(DirKey),
}

/// The ignore files of one directory, chained to those of the directories above.
pub(crate) struct Rules {
    /// `.ignore`, which ba reads in any directory.
    ignore: Option<Gitignore>,
    /// `.gitignore`, read only inside a git repository, as git does.
    gitignore: Option<Gitignore>,
    /// `.git/info/exclude`, in a repository's top directory.
    exclude: Option<Gitignore>,
    /// The directory holds `.git`: git rules from above do not reach into this repository.
    repo_root: bool,
    /// This directory or one above it holds `.git`.
    in_repo: bool,
    /// A directory above the root: entries are matched by their absolute path.
    above_root: bool,
    parent: Option<Arc<Rules>>,
}

impl Rules {
    /// The rules of `dir` chained to `parent`, or `parent` itself when `dir` adds nothing. `names`
    /// says which of `.git`, `.ignore` and `.gitignore` the directory holds; problems reading them
    /// are added to `warnings`.
    pub(crate) fn of_dir(
        dir: &Path,
        names: DotNames,
        parent: Option<Arc<Rules>>,
        above_root: bool,
        warnings: &mut Vec<Message>,
    ) -> Option<Arc<Rules>> {
        let in_repo = names.git || parent.as_ref().is_some_and(|p| p.in_repo);
        let mut read = |path: &Path| read_ignore_file(dir, path, names.ignore_case, warnings);
        let ignore = names.ignore.then(|| read(&dir.join(".ignore"))).flatten();
        let gitignore = (names.gitignore && (in_repo || names.gitignore_outside_repo))
            .then(|| read(&dir.join(".gitignore")))
            .flatten();
        let exclude = (names.git && names.exclude)
            .then(|| git_exclude_file(dir))
            .flatten()
            .and_then(|path| read(&path));
        if !names.git && ignore.is_none() && gitignore.is_none() {
            return parent;
        }
        Some(Arc::new(Rules {
            ignore,
            gitignore,
            exclude,
            repo_root: names.git,
            in_repo,
            above_root,
            parent,
        }))
    }

    /// With `--no-ignore-parent`, the repository a root lies in, whose ignore files are not read:
    /// being inside it still makes `.gitignore` files below the root and git's global excludes apply.
    pub(crate) fn repository_above() -> Arc<Rules> {
        Arc::new(Rules {
            ignore: None,
            gitignore: None,
            exclude: None,
            repo_root: true,
            in_repo: true,
            above_root: false,
            parent: None,
        })
    }

    /// What the ignore files say of `path` (below the root; `absolute` gives its absolute path for the
    /// rules of directories above the root).
    fn matched(&self, path: &Path, absolute: impl Fn() -> Option<PathBuf>, is_dir: bool) -> Match<()> {
        let mut absolute_path = None;
        let (mut by_ignore, mut by_gitignore, mut by_exclude) = (Match::None, Match::None, Match::None);
        let mut in_repo = false;
        let mut node = Some(self);
        while let Some(rules) = node {
            let path = if rules.above_root {
                match absolute_path.get_or_insert_with(&absolute) {
                    Some(absolute) => absolute.as_path(),
                    None => break,
                }
            } else {
                path
            };
            let matched = |file: &Option<Gitignore>| {
                file.as_ref().map_or(Match::None, |file| file.matched(path, is_dir).map(|_| ()))
            };
            if by_ignore.is_none() {
                by_ignore = matched(&rules.ignore);
            }
            if !in_repo {
                if by_gitignore.is_none() {
                    by_gitignore = matched(&rules.gitignore);
                }
                if by_exclude.is_none() {
                    by_exclude = matched(&rules.exclude);
                }
            }
            in_repo |= rules.repo_root;
            node = rules.parent.as_deref();
        }
        let decided = by_ignore.or(by_gitignore).or(by_exclude);
        if decided.is_none() && in_repo {
            global_excludes().matched(path, is_dir).map(|_| ())
        } else {
            decided
        }
    }
}

/// The `info/exclude` of the repository whose top is `dir`. `.git` is the repository's directory,
/// or in a worktree or a submodule a file that points at it (`gitdir: PATH`); a worktree's own
/// directory points in turn at the main repository (its `commondir`), which holds `info/exclude`.
fn git_exclude_file(dir: &Path) -> Option<PathBuf> {
    let dot_git = dir.join(".git");
    if dot_git.is_dir() {
        return Some(dot_git.join("info/exclude"));
    }
    let pointer = fs::read_to_string(&dot_git).ok()?;
    let git_dir = dir.join(pointer.strip_prefix("gitdir:")?.trim());
    let common_dir = match fs::read_to_string(git_dir.join("commondir")) {
        Ok(common) => git_dir.join(common.trim()),
        Err(_) => git_dir,
    };
    Some(common_dir.join("info/exclude"))
}

/// Which of the names that hold rules a directory has.
#[derive(Clone, Copy, Default)]
pub(crate) struct DotNames {
    pub(crate) git: bool,
    pub(crate) ignore: bool,
    pub(crate) gitignore: bool,
    /// Whether `.git/info/exclude` is read (`--no-ignore-exclude`), and a `.gitignore` outside a
    /// repository (`--no-require-git`): what the walk's flags make of the names found.
    pub(crate) exclude: bool,
    pub(crate) gitignore_outside_repo: bool,
    /// The rules read match without regard to case (`--ignore-file-case-insensitive`).
    pub(crate) ignore_case: bool,
}

impl DotNames {
    /// Looks for them in the directory itself (for the directories above a root).
    pub(crate) fn in_dir(dir: &Path) -> DotNames {
        DotNames {
            git: dir.join(".git").exists(),
            ignore: dir.join(".ignore").exists(),
            gitignore: dir.join(".gitignore").exists(),
            ..DotNames::default()
        }
    }

    /// Only the names whose rules are read (`--no-ignore-vcs`, `--no-ignore-dot`): without git's
    /// rules, a `.git` stands for nothing either.
    pub(crate) fn respected(self, rules: &WalkRules) -> DotNames {
        DotNames {
            git: self.git && rules.vcs_ignores,
            ignore: self.ignore && rules.dot_ignores,
            gitignore: self.gitignore && rules.vcs_ignores,
            exclude: rules.exclude_ignores,
            gitignore_outside_repo: !rules.require_git,
            ignore_case: rules.ignore_case,
        }
    }

    fn note(&mut self, name: &[u8]) {
        match name {
            b".git" => self.git = true,
            b".ignore" => self.ignore = true,
            b".gitignore" => self.gitignore = true,
            _ => {}
        }
    }
}

/// What an entry is, once judged.
enum Verdict {
    /// Left out, by this rule.
    Skip(Filter),
    File,
    Dir,
}

/// A rule of the walk that leaves entries out. Which of them did, over the whole walk, is told when
/// together they left nothing to search.
#[derive(Clone, Copy)]
pub(crate) enum Filter {
    NotAFile,
    DefaultIgnore,
    IgnoreRegex,
    Glob,
    IgnoreFile,
    Hidden,
    Type,
    Filename,
    Size,
    Depth,
}

/// Which filters left an entry out, by `Filter as usize`.
static SKIPPED: [AtomicBool; 10] = [const { AtomicBool::new(false) }; 10];

impl Filter {
    const ALL: [Filter; 10] = [
        Filter::NotAFile,
        Filter::DefaultIgnore,
        Filter::IgnoreRegex,
        Filter::Glob,
        Filter::IgnoreFile,
        Filter::Hidden,
        Filter::Type,
        Filter::Filename,
        Filter::Size,
        Filter::Depth,
    ];

    fn note(self) {
        SKIPPED[self as usize].store(true, Ordering::Relaxed);
    }

    /// The rule, and how to lift it.
    fn describe(self) -> &'static str {
        match self {
            Filter::NotAFile => "symbolic links and special files (--follow follows links)",
            Filter::DefaultIgnore => "the default ignores: .git, .hg, .svn, *.min.js (--no-default-ignore)",
            Filter::IgnoreRegex => "-i",
            Filter::Glob => "-g",
            Filter::IgnoreFile => "ignore files (--no-ignore)",
            Filter::Hidden => "hidden names (--hidden)",
            Filter::Type => "-t/-T",
            Filter::Filename => "-f",
            Filter::Size => "--max-filesize",
            Filter::Depth => "-D",
        }
    }
}

/// The filters that left an entry out so far, described.
pub(crate) fn filters_that_skipped() -> Vec<&'static str> {
    Filter::ALL
        .into_iter()
        .filter(|&filter| SKIPPED[filter as usize].load(Ordering::Relaxed))
        .map(Filter::describe)
        .collect()
}

/// Lists `task`'s directory by `rules`, leaving out the files `index` rules out.
pub(crate) fn list(task: ListTask, rules: &WalkRules, index: Option<&index::Filter>) -> Listing {
    let mut listing = Listing {
        key: task.key.clone(),
        items: Vec::new(),
        children: Vec::new(),
        ruled_out: SilentFiles::default(),
    };
    let entries = open_dir(&task.path).and_then(|mut dir| {
        let entries = read_entries(&mut dir, &task, index)?;
        Ok((dir, entries))
    });
    let (dir, entries) = match entries {
        Ok(read) => read,
        Err(err) => {
            listing.items.push(Item::Message(Message::error(&task.path, describe(&err))));
            return listing;
        }
    };
    let dir = dir.fd().expect("a directory's own descriptor");
    let judge = EntryJudge { task: &task, rules, dir };

    let mut dir_rules = task.rules.clone();
    if rules.ignore_files {
        let mut names = DotNames::default();
        for entry in &entries.listed {
            names.note(entries.name(entry));
        }
        let mut warnings = Vec::new();
        dir_rules =
            Rules::of_dir(&task.path, names.respected(rules), task.rules.clone(), false, &mut warnings);
        listing.items.extend(warnings.into_iter().map(Item::Message));
    }

    // Each entry's path is made in one buffer, and copied only for what the listing keeps: most
    // files an index rules out need none.
    let mut path = match task.root.implicit && task.depth == 0 {
        // Below the implicit root, without the leading `./`.
        true => Vec::new(),
        false => task.path.as_os_str().as_bytes().to_vec(),
    };
    if !path.is_empty() && !path.ends_with(b"/") {
        path.push(b'/');
    }
    let parent_len = path.len();
    let mut next_doc = 0;
    for entry in &entries.listed {
        path.truncate(parent_len);
        path.extend_from_slice(entries.name(entry));
        let path = Path::new(OsStr::from_bytes(&path));
        let verdict =
            judge.kind(entry.kind, path).map(|kind| (judge.judge(path, &kind, dir_rules.as_deref()), kind));
        let kind = match verdict {
            Ok((Verdict::Skip(filter), _)) => {
                filter.note();
                continue;
            }
            Ok((Verdict::File, _)) => {
                // The `stat` by name in the directory still open, of the file a search would open.
                let now = || judge.stat(path).ok().map(|stat| Identity::of_stat(&stat));
                match index.and_then(|index| index.ruled_out(path, entry.known, &mut next_doc, now)) {
                    Some(searched) => listing.ruled_out.add(&searched),
                    None => listing.items.push(Item::File(path.to_path_buf())),
                }
                continue;
            }
            Ok((Verdict::Dir, kind)) => kind,
            Err(message) => {
                listing.items.push(Item::Message(message));
                continue;
            }
        };
        if rules.depth.is_some_and(|max| task.depth + 1 > max) {
            Filter::Depth.note();
            continue;
        }
        let ancestors = match judge.ancestors(&kind, path) {
            Ok(ancestors) => ancestors,
            Err(message) => {
                listing.items.push(Item::Message(message));
                continue;
            }
        };
        let mut key = task.key.clone();
        key.push(listing.items.len() as u32);
        listing.items.push(Item::Dir(key.clone()));
        listing.children.push(ListTask {
            key,
            path: path.to_path_buf(),
            depth: task.depth + 1,
            rules: dir_rules.clone(),
            root: Arc::clone(&task.root),
            ancestors,
        });
    }
    listing
}

/// A directory's entries, sorted by name: their names one after another in `names`.
struct Entries {
    names: Vec<u8>,
    listed: Vec<Listed>,
}

/// An entry of a directory being listed.
struct Listed {
    /// Where its name is in `Entries::names`.
    name: Range<usize>,
    kind: EntryKind,
    /// The indexed file it is, as the index recorded the directory.
    known: Option<index::Known>,
}

impl Entries {
    fn name(&self, entry: &Listed) -> &[u8] {
        &self.names[entry.name.clone()]
    }

    fn push(&mut self, name: &[u8], kind: EntryKind, known: Option<index::Known>) {
        let start = self.names.len();
        self.names.extend_from_slice(name);
        self.listed.push(Listed { name: start..self.names.len(), kind, known });
    }
}

/// The entries of `task`'s directory, sorted by name, with their kinds: as the index's build listed
/// them if the directory has not changed since, else as `dir` lists them now.
fn read_entries(dir: &mut Dir, task: &ListTask, index: Option<&index::Filter>) -> io::Result<Entries> {
    let mut entries = Entries { names: Vec::new(), listed: Vec::new() };
    let fd = dir.fd()?;
    let recorded = index.and_then(|index| {
        let now = Identity::of_stat(&rustix::fs::fstat(fd).ok()?);
        index.listed(&task.path, &now)
    });
    if let Some(recorded) = recorded {
        for (kind, name, known) in recorded {
            entries.push(name, kind, known);
        }
        return Ok(entries);
    }
    each_entry(dir, |name, kind| entries.push(name, kind, None))?;
    // Sorted by name for a walk order that is the same on every machine.
    let Entries { names, listed } = &mut entries;
    listed.sort_unstable_by(|a, b| names[a.name.clone()].cmp(&names[b.name.clone()]));
    Ok(entries)
}

/// The directory at `path`, opened to be listed.
pub(crate) fn open_dir(path: &Path) -> io::Result<Dir> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    Ok(rustix::fs::open(path, flags, Mode::empty()).and_then(Dir::new)?)
}

/// Calls `f` with the name and kind of each entry `dir` lists (but `.` and `..`), in the order it
/// lists them.
pub(crate) fn each_entry(dir: &mut Dir, mut f: impl FnMut(&[u8], EntryKind)) -> io::Result<()> {
    while let Some(entry) = dir.read() {
        let entry = entry?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let kind = match entry.file_type() {
            // Some file systems do not say: a `stat` does (of an entry that may be gone since).
            FileType::Unknown => match rustix::fs::statat(dir.fd()?, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) => EntryKind::of(FileType::from_raw_mode(stat.st_mode)),
                Err(rustix::io::Errno::NOENT) => continue,
                Err(err) => return Err(err.into()),
            },
            known => EntryKind::of(known),
        };
        f(name, kind);
    }
    Ok(())
}

/// The last component of a path built by `read_entries` (which never ends in `/` or `..`):
/// found with one search for the last `/`, as paths are not parsed on the hot path.
fn file_name(path: &Path) -> &[u8] {
    let bytes = path.as_os_str().as_encoded_bytes();
    memchr::memrchr(b'/', bytes).map_or(bytes, |slash| &bytes[slash + 1..])
}

/// What an entry is: a link is neither a directory nor a file unless followed.
struct Kind {
    dir: bool,
    file: bool,
    /// With `--follow`: a link, which may loop back.
    link: bool,
    /// With `--follow`: the device and inode of a directory.
    id: Option<(u64, u64)>,
}

/// The judge of one directory's entries.
struct EntryJudge<'a> {
    task: &'a ListTask,
    rules: &'a WalkRules,
    /// The directory, open: its entries are `stat`ed by name in it.
    dir: BorrowedFd<'a>,
}

impl EntryJudge<'_> {
    /// A `stat` of the entry at `path` (following a link with `--follow`, as a search opens it).
    fn stat(&self, path: &Path) -> io::Result<Stat> {
        let flags = if self.rules.follow { AtFlags::empty() } else { AtFlags::SYMLINK_NOFOLLOW };
        Ok(rustix::fs::statat(self.dir, file_name(path), flags)?)
    }

    /// What an entry is; a followed link that is broken is an error.
    fn kind(&self, kind: EntryKind, path: &Path) -> Result<Kind, Message> {
        if !self.rules.follow {
            return Ok(Kind {
                dir: kind == EntryKind::Dir,
                file: kind == EntryKind::File,
                link: false,
                id: None,
            });
        }
        let stat = self.stat(path).map_err(|err| Message::error(path, describe(&err)))?;
        let file_type = FileType::from_raw_mode(stat.st_mode);
        let id = (file_type == FileType::Directory).then_some((stat.st_dev, stat.st_ino));
        Ok(Kind {
            dir: file_type == FileType::Directory,
            file: file_type == FileType::RegularFile,
            link: kind == EntryKind::Symlink,
            id,
        })
    }

    /// With --follow, the ancestors of a directory, itself included; an error if it is a link back
    /// to one of them.
    fn ancestors(&self, kind: &Kind, path: &Path) -> Result<Option<Arc<Ancestor>>, Message> {
        let (Some(parent), Some(id)) = (&self.task.ancestors, kind.id) else { return Ok(None) };
        if kind.link {
            let mut node = Some(parent);
            while let Some(ancestor) = node {
                if ancestor.id == id {
                    let loop_back = format!("symbolic link loop back to {}", ancestor.path.display());
                    // Not an error: nothing failed, the loop is just not walked twice (as grep warns).
                    return Err(Message::warning(path, loop_back));
                }
                node = ancestor.parent.as_ref();
            }
        }
        Ok(Some(Arc::new(Ancestor { id, path: path.to_path_buf(), parent: Some(Arc::clone(parent)) })))
    }

    /// Decides an entry, most specific rule first: `-i` and the default ignores, then `-g` globs,
    /// then ignore files, then hidden names; for files also `-t`/`-T`, `-f` and the size.
    fn judge(&self, path: &Path, kind: &Kind, dir_rules: Option<&Rules>) -> Verdict {
        let is_dir = kind.dir;
        // Symlinks (when not followed), FIFOs, sockets and devices are never opened.
        if !is_dir && !kind.file {
            return Verdict::Skip(Filter::NotAFile);
        }
        let rules = self.rules;
        let name = file_name(path);
        let default_ignored = rules.default_ignores
            && if is_dir {
                DEFAULT_IGNORED_DIRS.iter().any(|dir| name == dir.as_bytes())
            } else {
                name.ends_with(DEFAULT_IGNORED_FILE_SUFFIX.as_bytes())
            };
        if default_ignored {
            return Verdict::Skip(Filter::DefaultIgnore);
        }
        if rules.ignore.as_ref().is_some_and(|set| set.is_match(name)) {
            return Verdict::Skip(Filter::IgnoreRegex);
        }
        let root = &self.task.root;
        // Globs, types and the rules above the root match the path below the root.
        let relative = || path.strip_prefix(&root.path).unwrap_or(path);
        let by_glob = rules.globs.as_ref().map_or(Match::None, |globs| globs.matched(relative(), is_dir));
        if by_glob.is_ignore() {
            return Verdict::Skip(Filter::Glob);
        }
        let mut whitelisted = by_glob.is_whitelist();
        if !whitelisted {
            let absolute = || root.absolute.as_ref().map(|abs| abs.join(relative()));
            let mut by_files =
                dir_rules.map_or(Match::None, |dir_rules| dir_rules.matched(path, absolute, is_dir));
            // `--ignore-file` ranks below every ignore file, as in ripgrep.
            if let (Match::None, Some(extra)) = (&by_files, &rules.ignore_file) {
                by_files = extra.matched(path, is_dir).map(|_| ());
            }
            match by_files {
                Match::Ignore(()) => return Verdict::Skip(Filter::IgnoreFile),
                Match::Whitelist(()) => whitelisted = true,
                Match::None => {}
            }
        }
        if !whitelisted && !rules.hidden && name.starts_with(b".") {
            return Verdict::Skip(Filter::Hidden);
        }
        if is_dir {
            return Verdict::Dir;
        }
        let size_ok =
            || rules.max_filesize.is_none_or(|max| self.stat(path).is_ok_and(|s| s.st_size as u64 <= max));
        if rules.types.as_ref().is_some_and(|types| types.matched(relative(), false).is_ignore()) {
            Verdict::Skip(Filter::Type)
        } else if rules.filename.as_ref().is_some_and(|set| !set.is_match(name)) {
            Verdict::Skip(Filter::Filename)
        } else if !size_ok() {
            Verdict::Skip(Filter::Size)
        } else {
            Verdict::File
        }
    }
}

/// Git's global excludes file (`core.excludesFile`, else `~/.config/git/ignore`), read once.
fn global_excludes() -> &'static Gitignore {
    static GLOBAL: OnceLock<Gitignore> = OnceLock::new();
    GLOBAL.get_or_init(|| Gitignore::global().0)
}

/// One ignore file, matched relative to `dir`; `None` if it does not exist or holds no rule. A bad
/// line is skipped (as git does) with a warning; the other lines still apply.
fn read_ignore_file(
    dir: &Path,
    file: &Path,
    ignore_case: bool,
    warnings: &mut Vec<Message>,
) -> Option<Gitignore> {
    let mut builder = GitignoreBuilder::new(dir);
    builder.case_insensitive(ignore_case).ok()?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use ignore::overrides::OverrideBuilder;
    use tempfile::TempDir;

    /// The rules of a plain `ba PATTERN`: no flag given.
    fn defaults() -> WalkRules {
        WalkRules {
            ignore: None,
            filename: None,
            default_ignores: true,
            depth: None,
            follow: false,
            ignore_files: true,
            hidden: false,
            types: None,
            globs: None,
            max_filesize: None,
            vcs_ignores: true,
            dot_ignores: true,
            parent_ignores: true,
            exclude_ignores: true,
            require_git: true,
            ignore_case: false,
            ignore_file: None,
        }
    }

    /// A temporary tree of `(path, contents)`; a path ending in `/` is an empty directory.
    fn tree(entries: &[(&str, &str)]) -> TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, contents) in entries {
            let path = dir.path().join(path);
            if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
                fs::create_dir_all(&path).unwrap();
            } else {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, contents).unwrap();
            }
        }
        dir
    }

    /// The files a walk of `root` by `rules` keeps, relative to the root and sorted; `above` holds
    /// the rules of the directories above the root.
    fn kept_below(root: &Path, rules: &WalkRules, above: Option<Arc<Rules>>) -> Vec<String> {
        let absolute = fs::canonicalize(root).unwrap();
        let walk = Arc::new(RootWalk { path: root.to_path_buf(), implicit: false, absolute: Some(absolute) });
        let first = ListTask {
            key: vec![0],
            path: root.to_path_buf(),
            depth: 0,
            rules: above,
            root: walk,
            ancestors: None,
        };
        let (mut tasks, mut files) = (vec![first], Vec::new());
        while let Some(task) = tasks.pop() {
            let listing = list(task, rules, None);
            for item in listing.items {
                match item {
                    Item::File(path) => {
                        files.push(path.strip_prefix(root).unwrap().to_str().unwrap().to_owned())
                    }
                    Item::Message(message) => panic!("unexpected {message:?}"),
                    Item::Dir(_) => {}
                }
            }
            tasks.extend(listing.children);
        }
        files.sort();
        files
    }

    fn kept(root: &Path, rules: &WalkRules) -> Vec<String> {
        kept_below(root, rules, None)
    }

    /// `-g GLOB...`, as the command line builds them.
    fn globs(globs: &[&str]) -> Option<ignore::overrides::Override> {
        let mut builder = OverrideBuilder::new(".");
        for glob in globs {
            builder.add(glob).unwrap();
        }
        Some(builder.build().unwrap())
    }

    #[test]
    fn gitignore_applies_inside_a_repository_only() {
        let dir = tree(&[(".gitignore", "a.txt\n"), ("a.txt", ""), ("b.txt", "")]);
        assert_eq!(kept(dir.path(), &defaults()), ["a.txt", "b.txt"]);
        fs::create_dir(dir.path().join(".git")).unwrap();
        assert_eq!(kept(dir.path(), &defaults()), ["b.txt"]);
    }

    #[test]
    fn dot_ignore_beats_gitignore_in_both_directions() {
        let dir = tree(&[
            (".git/", ""),
            (".gitignore", "*.txt\n!*.log\n"),
            (".ignore", "!keep.txt\n*.log\n"),
            ("keep.txt", ""),
            ("drop.txt", ""),
            ("drop.log", ""),
            ("c.md", ""),
        ]);
        assert_eq!(kept(dir.path(), &defaults()), ["c.md", "keep.txt"]);
    }

    #[test]
    fn a_shallower_dot_ignore_still_beats_a_deeper_gitignore() {
        // ripgrep ranks the kinds of file first and depth second: the root's `.ignore` speaks first.
        let dir = tree(&[
            (".git/", ""),
            (".ignore", "!keep.txt\n"),
            ("sub/.gitignore", "*.txt\n"),
            ("sub/keep.txt", ""),
            ("sub/drop.txt", ""),
        ]);
        assert_eq!(kept(dir.path(), &defaults()), ["sub/keep.txt"]);
    }

    #[test]
    fn gitignore_beats_info_exclude() {
        let dir = tree(&[
            (".git/info/exclude", "*.log\n"),
            (".gitignore", "!kept.log\n"),
            ("kept.log", ""),
            ("other.log", ""),
            ("a.txt", ""),
        ]);
        assert_eq!(kept(dir.path(), &defaults()), ["a.txt", "kept.log"]);
    }

    #[test]
    fn a_deeper_file_of_the_same_kind_wins() {
        let dir = tree(&[
            (".git/", ""),
            (".gitignore", "*.txt\n"),
            ("sub/.gitignore", "!b.txt\n*.md\n"),
            ("a.txt", ""),
            ("a.md", ""),
            ("sub/b.txt", ""),
            ("sub/c.txt", ""),
            ("sub/d.md", ""),
        ]);
        assert_eq!(kept(dir.path(), &defaults()), ["a.md", "sub/b.txt"]);
    }

    #[test]
    fn directory_only_and_anchored_patterns() {
        let dir = tree(&[
            (".git/", ""),
            (".gitignore", "build/\n/top.txt\nany.txt\nsub/mid.txt\n"),
            ("build/a.txt", ""),
            ("sub/build", ""),
            ("top.txt", ""),
            ("sub/top.txt", ""),
            ("any.txt", ""),
            ("sub/any.txt", ""),
            ("sub/mid.txt", ""),
            ("deep/sub/mid.txt", ""),
        ]);
        // `build/` is a directory only; a slash at the start or in the middle anchors a pattern to
        // its file's directory.
        assert_eq!(kept(dir.path(), &defaults()), ["deep/sub/mid.txt", "sub/build", "sub/top.txt"]);
    }

    #[test]
    fn a_negation_cannot_bring_back_a_file_of_an_ignored_directory() {
        let dir = tree(&[
            (".git/", ""),
            (".gitignore", "logs/\n!logs/keep.log\nout/*\n!out/keep.log\n"),
            ("logs/keep.log", ""),
            ("logs/a.log", ""),
            ("out/keep.log", ""),
            ("out/a.log", ""),
        ]);
        // As git: `out/*` ignores the files, not the directory, so the negation reaches `out/keep.log`.
        assert_eq!(kept(dir.path(), &defaults()), ["out/keep.log"]);
    }

    #[test]
    fn star_stays_in_one_component_and_double_star_crosses_them() {
        let dir = tree(&[
            (".git/", ""),
            (".gitignore", "*.o\n**/gen/*.rs\ndocs/**/draft.md\n"),
            ("x.o", ""),
            ("sub/y.o", ""),
            ("gen/a.rs", ""),
            ("sub/gen/b.rs", ""),
            ("sub/gen/deep/c.rs", ""),
            ("docs/draft.md", ""),
            ("docs/a/b/draft.md", ""),
            ("other/draft.md", ""),
            ("keep.rs", ""),
        ]);
        assert_eq!(kept(dir.path(), &defaults()), ["keep.rs", "other/draft.md", "sub/gen/deep/c.rs"]);
    }

    #[test]
    fn version_control_directories_and_minified_scripts_are_skipped_by_default() {
        let dir = tree(&[(".git/x", ""), (".hg/x", ""), (".svn/x", ""), ("a.min.js", ""), ("a.js", "")]);
        let rules = WalkRules { hidden: true, ..defaults() };
        assert_eq!(kept(dir.path(), &rules), ["a.js"]);
        let rules = WalkRules { default_ignores: false, ..rules };
        assert_eq!(kept(dir.path(), &rules), [".git/x", ".hg/x", ".svn/x", "a.js", "a.min.js"]);
    }

    #[test]
    fn hidden_names_are_skipped_unless_asked_for_or_whitelisted() {
        let entries = [(".env", ""), (".dir/a", ""), ("a", "")];
        let dir = tree(&entries);
        assert_eq!(kept(dir.path(), &defaults()), ["a"]);
        assert_eq!(kept(dir.path(), &WalkRules { hidden: true, ..defaults() }), [".dir/a", ".env", "a"]);

        // A `!` line makes a hidden name wanted, as in ripgrep.
        fs::create_dir(dir.path().join(".git")).unwrap();
        fs::write(dir.path().join(".gitignore"), "!.env\n").unwrap();
        assert_eq!(kept(dir.path(), &defaults()), [".env", "a"]);
    }

    #[test]
    fn globs_win_over_ignore_files() {
        let dir = tree(&[
            (".git/", ""),
            (".gitignore", "*.log\n"),
            ("a.log", ""),
            ("b.txt", ""),
            ("sub/c.log", ""),
            ("sub/d.txt", ""),
        ]);
        assert_eq!(kept(dir.path(), &defaults()), ["b.txt", "sub/d.txt"]);
        // A glob keeps only what it matches, ignored or not.
        assert_eq!(
            kept(dir.path(), &WalkRules { globs: globs(&["*.log"]), ..defaults() }),
            ["a.log", "sub/c.log"]
        );
        // A `!` glob alone leaves the rest to the ignore files.
        assert_eq!(kept(dir.path(), &WalkRules { globs: globs(&["!sub/**"]), ..defaults() }), ["b.txt"]);
    }

    #[test]
    fn no_ignore_vcs_and_no_ignore_dot_each_drop_their_kind_of_file() {
        let dir = tree(&[
            (".git/info/exclude", "e.txt\n"),
            (".gitignore", "a.txt\n"),
            (".ignore", "b.txt\n"),
            ("a.txt", ""),
            ("b.txt", ""),
            ("c.txt", ""),
            ("e.txt", ""),
        ]);
        assert_eq!(kept(dir.path(), &defaults()), ["c.txt"]);
        let no_vcs = WalkRules { vcs_ignores: false, ..defaults() };
        assert_eq!(kept(dir.path(), &no_vcs), ["a.txt", "c.txt", "e.txt"]);
        let no_dot = WalkRules { dot_ignores: false, ..defaults() };
        assert_eq!(kept(dir.path(), &no_dot), ["b.txt", "c.txt"]);
        let none = WalkRules { ignore_files: false, ..defaults() };
        assert_eq!(kept(dir.path(), &none), ["a.txt", "b.txt", "c.txt", "e.txt"]);
    }

    #[test]
    fn a_nested_repository_stops_git_rules_from_above_but_not_dot_ignore() {
        let dir = tree(&[
            (".git/", ""),
            (".gitignore", "*.txt\n"),
            (".ignore", "*.md\n"),
            ("c.txt", ""),
            ("sub/.git/", ""),
            ("sub/a.txt", ""),
            ("sub/b.md", ""),
        ]);
        assert_eq!(kept(dir.path(), &defaults()), ["sub/a.txt"]);
    }

    #[test]
    fn ignore_file_ranks_below_every_ignore_file() {
        let dir = tree(&[(".ignore", "!a.txt\n"), ("a.txt", ""), ("b.txt", ""), ("c.md", "")]);
        let mut builder = GitignoreBuilder::new(dir.path());
        builder.add_line(None, "*.txt").unwrap();
        let rules = WalkRules { ignore_file: Some(builder.build().unwrap()), ..defaults() };
        assert_eq!(kept(dir.path(), &rules), ["a.txt", "c.md"]);
        // It applies without the ignore files, as in ripgrep.
        assert_eq!(kept(dir.path(), &WalkRules { ignore_files: false, ..rules }), ["c.md"]);
    }

    #[test]
    fn rules_of_the_directories_above_the_root_apply_to_it() {
        let top = tree(&[
            (".git/", ""),
            (".gitignore", "*.tmp\n"),
            (".ignore", "*.log\n"),
            ("sub/.gitignore", "c.txt\n"),
            ("sub/a.log", ""),
            ("sub/b.tmp", ""),
            ("sub/c.txt", ""),
            ("sub/d.md", ""),
        ]);
        let root = top.path().join("sub");
        let rules = defaults();
        let mut warnings = Vec::new();
        let top_dir = fs::canonicalize(top.path()).unwrap();
        let names = DotNames::in_dir(&top_dir).respected(&rules);
        let above = Rules::of_dir(&top_dir, names, None, true, &mut warnings);
        assert!(warnings.is_empty());
        assert_eq!(kept_below(&root, &rules, above), ["d.md"]);
        // --no-ignore-parent: the rules above are not read, but the root is still in a repository.
        assert_eq!(kept_below(&root, &rules, Some(Rules::repository_above())), ["a.log", "b.tmp", "d.md"]);
    }
}
