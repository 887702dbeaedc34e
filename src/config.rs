//! The resolved configuration: what the command line means, worked out once and shared read-only by
//! every stage.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use ignore::overrides::{Override, OverrideBuilder};
use ignore::types::{Types, TypesBuilder};
use regex::bytes::RegexSet;

use crate::cli::{Args, ColorWhen};
use crate::matcher::{Case, Matcher, PatternOptions};

/// Directory names skipped unless `--no-default-ignore`: version-control data nobody greps.
pub(crate) const DEFAULT_IGNORED_DIRS: &[&str] = &[".git", ".hg", ".svn"];
/// File name ending skipped unless `--no-default-ignore`: minified bundles, one enormous line each.
pub(crate) const DEFAULT_IGNORED_FILE_SUFFIX: &str = ".min.js";

pub struct Config {
    /// Where to search, in the order given, without repeats.
    pub(crate) roots: Vec<Root>,
    /// The pattern (with `--files`, the empty one, never run).
    pub(crate) matcher: Matcher,
    pub(crate) walk: WalkRules,
    pub workers: usize,
    pub(crate) output: Output,
    /// No path was given and standard input is a pipe or a file: search it instead of `.`.
    pub(crate) stdin: bool,
    /// Search files with NUL bytes too (`-a`).
    pub(crate) text: bool,
    /// Open the hits in an editor after the search (`-e`).
    pub edit: bool,
    /// `--files`: list the files to search instead of searching them.
    pub list_files: bool,
    /// `-r`: replace the matches in the files.
    pub(crate) replace: Option<Replace>,
}

pub(crate) struct Replace {
    /// The replacement text as typed, parsed by `replace::Template`.
    pub(crate) template: String,
    pub(crate) dry_run: bool,
    pub(crate) interactive: bool,
    pub(crate) force_hardlinks: bool,
    pub(crate) preserve_case: bool,
    /// Keep the old contents in the undo journal (not `--no-undo`), up to this many bytes.
    pub(crate) undo: bool,
    pub(crate) undo_limit: u64,
}

/// A path to search and how to show the paths found below it.
pub(crate) struct Root {
    pub(crate) path: PathBuf,
    /// The implicit `.`: paths below it print without the leading `./`, as typed paths would.
    pub(crate) implicit: bool,
}

/// Which entries the indexer sends to the searchers.
pub(crate) struct WalkRules {
    /// `-i`: skip files and directories whose name matches.
    pub(crate) ignore: Option<RegexSet>,
    /// `-f`: search only files whose name matches.
    pub(crate) filename: Option<RegexSet>,
    /// Skip the directories `DEFAULT_IGNORED_DIRS` and files ending in `DEFAULT_IGNORED_FILE_SUFFIX`.
    pub(crate) default_ignores: bool,
    /// `-D`: the deepest directory level below a root to search in.
    pub(crate) depth: Option<usize>,
    pub(crate) follow: bool,
    /// Respect `.gitignore`, `.git/info/exclude`, the global excludes file and `.ignore`.
    pub(crate) ignore_files: bool,
    /// Search hidden files and directories.
    pub(crate) hidden: bool,
    /// `-t`/`-T`.
    pub(crate) types: Option<Types>,
    /// `-g`, matched against paths relative to the root being walked.
    pub(crate) globs: Option<Override>,
    pub(crate) max_filesize: Option<u64>,
}

pub(crate) struct Output {
    /// `path:LINE:line` (pipe) or `path:LINE` and the line under it (pretty).
    pub(crate) pretty: bool,
    pub(crate) color: bool,
    pub(crate) match_only: bool,
    /// The summary also tells what was skipped (`--stats`).
    pub(crate) stats: bool,
    /// Pretty output cuts lines longer than this many characters.
    pub(crate) max_line_chars: usize,
    /// Flush after every file with hits, so a person watching sees them as they come.
    pub(crate) flush_each_file: bool,
}

impl Config {
    pub fn from_args(mut args: Args) -> Result<Config> {
        if args.files {
            // No pattern: what looked like one is the first path.
            if let Some(path) = args.pattern.take() {
                args.paths.insert(0, PathBuf::from(path));
            }
        }
        let stdout_is_terminal = std::io::stdout().is_terminal();
        let pretty = args.pretty || (!args.pipe && stdout_is_terminal);
        let color = pretty
            && match args.color {
                ColorWhen::Always => true,
                ColorWhen::Never => false,
                ColorWhen::Auto => stdout_is_terminal && std::env::var_os("NO_COLOR").is_none(),
            };
        let columns = terminal_size::terminal_size_of(std::io::stdout())
            .map(|(terminal_size::Width(w), _)| usize::from(w))
            .unwrap_or(80);
        let workers = match args.workers {
            Some(n) => usize::from(n),
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };

        // `--files` searches nothing: the empty pattern stands in.
        let pattern = match args.pattern.as_deref() {
            Some(pattern) => pattern,
            None if args.files => "",
            None => bail!("no pattern given"),
        };
        let case = if args.ignore_case {
            Case::Insensitive
        } else if args.case_sensitive {
            Case::Sensitive
        } else if args.preserve_case {
            Case::Insensitive
        } else if args.replace.is_some() {
            // A rewrite changes exactly what was typed: smart case would turn `COLOUR` into `color`.
            Case::Sensitive
        } else {
            Case::Smart
        };
        let options = PatternOptions { fixed_strings: args.fixed_strings, word: args.word_regexp, case };
        let matcher = Matcher::new(pattern, &options)?;
        let walk = WalkRules {
            ignore: regex_set(&args.ignore, "-i/--ignore")?,
            filename: regex_set(&args.filename, "-f/--filename")?,
            default_ignores: !args.no_default_ignore && args.unrestricted < 3,
            depth: args.depth,
            follow: args.follow,
            ignore_files: !args.no_ignore && args.unrestricted < 1,
            hidden: args.hidden || args.unrestricted >= 2,
            types: file_types(&args.types, &args.types_not)?,
            globs: globs(&args.globs)?,
            max_filesize: args.max_filesize,
        };

        let mut roots: Vec<Root> = Vec::new();
        for path in args.paths.into_iter().chain(args.directories) {
            if !roots.iter().any(|r| r.path == path) {
                roots.push(Root { path, implicit: false });
            }
        }
        let stdin = roots.is_empty() && args.replace.is_none() && !args.files && stdin_is_readable();
        if roots.is_empty() && !stdin {
            roots.push(Root { path: PathBuf::from("."), implicit: true });
        }

        Ok(Config {
            roots,
            matcher,
            walk,
            workers,
            output: Output {
                pretty,
                color,
                match_only: args.match_only,
                stats: args.stats,
                max_line_chars: (columns * 3 / 4).max(1),
                flush_each_file: stdout_is_terminal,
            },
            stdin,
            text: args.text || args.unrestricted >= 3,
            edit: args.edit,
            list_files: args.files,
            replace: args.replace.map(|template| Replace {
                template,
                dry_run: args.dry_run,
                interactive: args.interactive,
                force_hardlinks: args.force_hardlinks,
                preserve_case: args.preserve_case,
                undo: !args.no_undo,
                undo_limit: args.undo_limit.unwrap_or(crate::replace::DEFAULT_UNDO_LIMIT),
            }),
        })
    }
}

impl Config {
    /// Whether the output may hold colours (which Ctrl-C then resets).
    pub fn colored(&self) -> bool {
        self.output.color
    }
}

/// Standard input is searched when it is a pipe, a file or a socket, as ripgrep decides: a terminal,
/// `/dev/null` or a closed stdin (a cron job, a script) means the user wants the tree searched.
fn stdin_is_readable() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return false;
    }
    let Ok(fd) = stdin.as_fd().try_clone_to_owned() else { return false };
    std::fs::File::from(fd).metadata().is_ok_and(|m| {
        let kind = m.file_type();
        kind.is_file() || kind.is_fifo() || kind.is_socket()
    })
}

/// The built-in file type table with the user's `-t` selections and `-T` negations.
fn file_types(selected: &[String], negated: &[String]) -> Result<Option<Types>> {
    if selected.is_empty() && negated.is_empty() {
        return Ok(None);
    }
    let mut builder = TypesBuilder::new();
    builder.add_defaults();
    for name in selected {
        builder.select(name);
    }
    for name in negated {
        builder.negate(name);
    }
    builder.build().map(Some).context("invalid -t/-T file type (see --type-list)")
}

fn globs(globs: &[String]) -> Result<Option<Override>> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = OverrideBuilder::new(".");
    for glob in globs {
        builder.add(glob).with_context(|| format!("invalid -g/--glob {glob:?}"))?;
    }
    builder.build().map(Some).context("invalid -g/--glob")
}

fn regex_set(patterns: &[String], flag: &str) -> Result<Option<RegexSet>> {
    if patterns.is_empty() {
        return Ok(None);
    }
    RegexSet::new(patterns).map(Some).with_context(|| format!("invalid regex for {flag}"))
}
