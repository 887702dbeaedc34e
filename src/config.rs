//! The resolved configuration: what the command line means, worked out once and shared read-only by
//! every stage.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::{Override, OverrideBuilder};
use ignore::types::{Types, TypesBuilder};
use regex::bytes::RegexSet;

use crate::cli::{Args, ColorWhen, TypeChange};
use crate::edit::Editor;
use crate::encoding::Encoding;
use crate::hyperlink::Hyperlinks;
use crate::index::Filter;
use crate::messages::{self, describe};
use crate::pipeline::TASKS_PER_SEARCHER;
use crate::search::engine::Selection;
use crate::search::matcher::{Case, EngineChoice, Matcher, PatternOptions, SizeLimits};
use crate::template::Template;

/// Directory names skipped unless `--no-default-ignore`: version-control data nobody greps.
pub(crate) const DEFAULT_IGNORED_DIRS: &[&str] = &[".git", ".hg", ".svn"];
/// The most searcher threads: each holds a read buffer and a share of the results budget, and
/// thousands spend their time starting and waiting.
const MAX_WORKERS: usize = 256;
/// The most bytes of old contents one rewrite keeps in the undo journal, unless `--undo-limit`.
pub(crate) const DEFAULT_UNDO_LIMIT: u64 = 256 << 20;
/// File name ending skipped unless `--no-default-ignore`: minified bundles, one enormous line each.
pub(crate) const DEFAULT_IGNORED_FILE_SUFFIX: &str = ".min.js";

/// What `--undo` is asked to do besides restoring.
#[derive(Clone, Copy, Debug, Default)]
pub struct UndoOptions {
    /// `--list`: show the runs kept.
    pub list: bool,
    /// `--drop`: forget the run instead of restoring it.
    pub drop: bool,
    /// `--dry-run`: say what would be restored, touch nothing.
    pub dry_run: bool,
}

/// What the command line asks for, decided once: the binary runs one of these.
pub enum Command {
    /// `--generate`: print a completion script or the man page.
    Generate(crate::cli::Generate),
    /// `--undo`, with its flags.
    Undo(UndoOptions),
    /// `--pcre2-version`: print this line.
    Pcre2Version(String),
    /// `--type-list`: print the file types.
    TypeList(TypesBuilder),
    /// `--files`: list the files a search would read.
    ListFiles(Config),
    /// `--index-build`, `--index-status`, `--index-drop`: of the roots' trees.
    IndexBuild(Config),
    IndexStatus(Config),
    IndexDrop(Config),
    Search(Config),
}

impl Command {
    pub fn from_args(mut args: Args) -> Result<Command> {
        if let Some(kind) = args.generate {
            return Ok(Command::Generate(kind));
        }
        if args.pcre2_version {
            return Ok(Command::Pcre2Version(crate::search::pcre::version()));
        }
        if args.undo {
            let options = UndoOptions { list: args.undo_list, drop: args.undo_drop, dry_run: args.dry_run };
            return Ok(Command::Undo(options));
        }
        if args.type_list {
            return Ok(Command::TypeList(type_table(&args)?));
        }
        let index_command = [args.index_build, args.index_status, args.index_drop];
        if index_command.contains(&true) {
            // As with --files, every positional argument is a path.
            args.files = true;
            let config = Config::from_args(args)?;
            return Ok(match index_command {
                [true, _, _] => Command::IndexBuild(config),
                [_, true, _] => Command::IndexStatus(config),
                _ => Command::IndexDrop(config),
            });
        }
        let config = Config::from_args(args)?;
        Ok(if config.list_files { Command::ListFiles(config) } else { Command::Search(config) })
    }
}

pub struct Config {
    /// What the searchers keep of each file, decided once from the mode.
    pub(crate) plan: Plan,
    /// Where to search, in the order given, without repeats.
    pub(crate) roots: Vec<Root>,
    /// Which lines the engine reports.
    pub(crate) selection: Selection,
    /// A file over two parts of this size is cut into parts that several searchers search at once
    /// (8 MiB, 1 MiB with PCRE2; `BA_PART_SIZE` sets it, for tests of what happens at the parts'
    /// edges).
    pub(crate) part_size: u64,
    /// The pattern (with `--files`, the empty one, never run).
    pub(crate) matcher: Matcher,
    pub(crate) walk: WalkRules,
    pub workers: usize,
    /// Only files named on the command line (or standard input), few enough for the walk to hand
    /// them all over before any searcher starts: the walk needs no thread of its own.
    pub walk_at_once: bool,
    pub(crate) output: Output,
    /// No path was given and standard input is a pipe or a file: search it instead of `.`.
    pub(crate) stdin: bool,
    /// Search files with NUL bytes too (`-a`).
    pub(crate) binary_as_text: bool,
    /// `--null-data`: NUL ends a line (the searchers swap NUL and `\n` as they read).
    pub(crate) null_data: bool,
    /// The editor to open the hits in after the search (`-e`).
    pub edit: Option<Editor>,
    /// `--files`: list the files to search instead of searching them.
    pub list_files: bool,
    /// `-r`: replace the matches in the files.
    pub(crate) replace: Option<Replace>,
    /// `-z`: search compressed files decompressed.
    pub(crate) search_zip: bool,
    /// `--encoding`: which files are decoded before they are searched.
    pub(crate) encoding: Encoding,
    /// The index of the roots' trees, when one covers them and can rule files out.
    pub(crate) index: Option<Filter>,
    /// The file standard output writes to (its device and inode), when it is a regular file: it
    /// is never searched, or `ba x > out.txt` would read its own hits back without end.
    pub(crate) output_file: Option<(u64, u64)>,
}

/// What a searcher keeps of each file, and whether it may cut a big one into parts.
pub(crate) struct Plan {
    pub(crate) keep: Keep,
    /// A big file may be cut into parts that several searchers search at once.
    pub(crate) splits: bool,
    /// `-e`: the editor opens each hit at its first match, which the searchers find.
    pub(crate) editor: bool,
}

/// What the printer wants of a file's lines.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// The formatted output.
    Formatted,
    /// The lines themselves, for the printer to number and format (a big file's parts, `-e`).
    Lines,
    /// Only how many there are (`-c`, the path lists, `-q`): what is printed comes at the end.
    Count,
    /// Only a digest of them: `-r` rewrites the file itself.
    Digest,
}

impl Plan {
    fn of(args: &Args, mode: Mode, selection: &Selection, workers: usize) -> Plan {
        let rewrite = args.replace.is_some();
        let keep = if rewrite {
            Keep::Digest
        } else if mode != Mode::Lines {
            Keep::Count
        } else if args.edit {
            Keep::Lines
        } else {
            Keep::Formatted
        };
        // A file to rewrite is searched whole: the replacer takes it in one piece. With -U a match
        // may reach any part; with --max-count (and the modes that need one hit) a file is read
        // only up to its first hits, which parts would not spare.
        // (--stop-on-nonmatch too: where a part's hits end depends on the parts before.)
        // (--null-data too: a part starts after a NUL, which the parts do not look for.)
        let splits = workers > 1
            && !args.null_data
            && !rewrite
            && !selection.multiline
            && selection.max_count.is_none()
            && !selection.stop_on_nonmatch;
        Plan { keep, splits, editor: args.edit }
    }
}

pub(crate) struct Replace {
    /// The replacement text as typed, parsed by `replace::Template`.
    pub(crate) template: String,
    pub(crate) dry_run: bool,
    pub(crate) interactive: bool,
    /// At a terminal, without --yes: show the changes and ask once before writing any file.
    pub(crate) ask_first: bool,
    pub(crate) force_hardlinks: bool,
    pub(crate) preserve_case: bool,
    /// Keep the old contents in the undo journal (not `--no-undo`), up to this many bytes.
    pub(crate) undo: bool,
    pub(crate) undo_limit: u64,
}

/// A path to search and how to show the paths found below it.
#[derive(Clone)]
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
    /// Which ignore files `ignore_files` reads: `.gitignore`, `.git/info/exclude` and the global
    /// excludes (`--no-ignore-vcs`); `.ignore` (`--no-ignore-dot`); those of the directories above a
    /// root (`--no-ignore-parent`).
    pub(crate) vcs_ignores: bool,
    pub(crate) dot_ignores: bool,
    pub(crate) parent_ignores: bool,
    /// `.git/info/exclude` (`--no-ignore-exclude`).
    pub(crate) exclude_ignores: bool,
    /// `.gitignore` files apply only inside a git repository (`--no-require-git`).
    pub(crate) require_git: bool,
    /// Ignore files match without regard to case (`--ignore-file-case-insensitive`).
    pub(crate) ignore_case: bool,
    /// `--ignore-file`, matched against paths as walked, relative to the current directory.
    pub(crate) ignore_file: Option<Gitignore>,
}

pub(crate) struct Output {
    /// The terminal format: `path:LINE` and the line under it, and a summary at the end.
    pub(crate) pretty: bool,
    pub(crate) style: Style,
    /// What is printed of each file.
    pub(crate) mode: Mode,
    pub(crate) color: bool,
    pub(crate) match_only: bool,
    /// The summary also tells what was skipped (`--stats`).
    pub(crate) stats: bool,
    /// The terminal format cuts lines wider than this many columns (three quarters of the width).
    pub(crate) max_line_columns: usize,
    /// Flush after every file with hits, so a person watching sees them as they come.
    pub(crate) flush_each_file: bool,
    /// Context lines are shown (`-A`, `-B`, `-C`, `--passthru`): groups apart are separated.
    pub(crate) context: bool,
    /// The line between groups of context; `None` with `--no-context-separator`.
    pub(crate) context_separator: Option<Vec<u8>>,
    /// `--column`, `-b`, `-0`, `--heading`, `--trim`.
    pub(crate) column: bool,
    pub(crate) byte_offset: bool,
    pub(crate) null: bool,
    /// `--path-separator`: the byte printed between a path's components instead of `/`.
    pub(crate) path_separator: Option<u8>,
    pub(crate) heading: bool,
    pub(crate) trim: bool,
    /// `--null-data`: the lines' text has NUL and `\n` swapped (the searchers read them so), and
    /// each ends with a NUL.
    pub(crate) null_data: bool,
    /// `-U` (without `-v`): a hit may span lines, and holds from the line its first match starts on
    /// to the line its last match ends on.
    pub(crate) multiline: bool,
    /// `--max-columns` and `--max-columns-preview`.
    pub(crate) max_columns: Option<usize>,
    pub(crate) max_columns_preview: bool,
    /// The fields before each line in the pipe format.
    pub(crate) fields: Fields,
    /// `-q`: nothing is printed (but JSON's summary, as ripgrep prints it), even with the modes
    /// that are not `Mode::Quiet` (`--files-without-match`, whose exit code it asks for).
    pub(crate) quiet: bool,
    /// `-c` and `--count-matches` print the count alone, as grep and ripgrep do where one file is
    /// searched: standard input, or a single path that is not a directory.
    pub(crate) bare_counts: bool,
    /// `--output-replace`: each match is shown replaced.
    pub(crate) replacement: Option<Template>,
    /// `--hyperlink-format`, where it applies: the terminal and pipe formats, in colour, of files.
    pub(crate) hyperlinks: Option<Hyperlinks>,
    /// Show how far a long search has got, on stderr (`progress`).
    pub(crate) progress: bool,
}

/// The fields before each line in the pipe format, as ripgrep's flags set them.
#[derive(Clone, Debug)]
pub(crate) struct Fields {
    /// The path (`-I`, `--no-filename`, leaves it out).
    pub(crate) path: bool,
    /// The line number (`-N`, `--no-line-number`, leaves it out).
    pub(crate) line_number: bool,
    /// What follows each field of a hit (`:`), and of a context line (`-`).
    pub(crate) hit: Vec<u8>,
    pub(crate) context: Vec<u8>,
}

impl Default for Fields {
    fn default() -> Fields {
        Fields { path: true, line_number: true, hit: b":".to_vec(), context: b"-".to_vec() }
    }
}

impl Fields {
    fn of(args: &Args) -> Fields {
        let text = |sep: &Option<String>, default: &[u8]| sep.as_deref().map_or(default.to_vec(), unescaped);
        Fields {
            path: !args.no_filename,
            line_number: !args.no_line_number,
            hit: text(&args.field_match_separator, b":"),
            context: text(&args.field_context_separator, b"-"),
        }
    }
}

/// How each line is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `path:LINE:line`.
    Pipe,
    /// `path:LINE`, the line under it.
    Terminal,
    /// `path:LINE:COL:line`, one line per match.
    Vimgrep,
    /// JSON Lines, as ripgrep writes them.
    Json,
}

/// What is printed of each file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Its hits (and context lines).
    Lines,
    /// How many lines (or, with `matches`, matches) it holds: `-c`, `--count-matches`.
    Count {
        matches: bool,
        include_zero: bool,
    },
    /// Its path if it has a hit, or if it has none.
    FilesWithMatches,
    FilesWithoutMatch,
    /// Nothing: `-q`.
    Quiet,
}

impl Config {
    pub fn from_args(mut args: Args) -> Result<Config> {
        // With standard input to read and no path, -r is a filter, as ripgrep's: it prints the lines
        // with their matches replaced and touches no file.
        let no_path = args.paths.is_empty() && args.directories.is_empty();
        if args.replace.is_some() && no_path && !args.files && stdin_is_readable() {
            args.output_replace = args.replace.take();
        }
        if let Some(template) = &args.replace {
            refuse_a_rewrite_it_cannot_honour(&args, template)?;
            if args.paths.iter().chain(&args.directories).any(|path| path.as_os_str() == "-") {
                bail!("-r rewrites files, not standard input (-): with no path at all, -r prints standard input's lines replaced");
            }
        }
        if args.no_messages {
            messages::silence();
        }
        let matcher = matcher(&mut args)?;
        let encoding = args.encoding.unwrap_or_default();
        // A file decoded even without a byte-order mark is searched as other bytes than it holds.
        if args.replace.is_some() && encoding.decodes(b"") {
            bail!("-r rewrites the bytes a file holds: it cannot go with --encoding naming an encoding other than UTF-8");
        }
        if no_path {
            warn_of_paths_taken_as_regexes(&args);
        }
        let mode = Mode::of(&args, &matcher);
        let selection = Selection::of(&args, mode, &matcher);
        let (roots, stdin) = roots(&mut args);
        let workers = match args.workers.map(usize::from) {
            Some(0) | None => cores(),
            Some(n) if n > MAX_WORKERS => {
                messages::notice(&format!(
                    "-w {n}: {MAX_WORKERS} searchers at most; searching with {MAX_WORKERS}"
                ));
                MAX_WORKERS
            }
            Some(n) => n,
        };
        // Fewer small files named than searchers (an editor's search of the file it shows) need no
        // more searchers than files: each thread is time spent starting.
        let workers = match !stdin && roots.len() < workers && all_small_files(&roots) {
            true => roots.len().max(1),
            false => workers,
        };
        // The index rules files out only where a file that holds no match prints nothing: not with
        // -v or --passthru, whose hits are the lines that do not match.
        let indexed = !args.no_index
            && !args.files
            && !stdin
            && !selection.invert
            && !selection.passthru
            && !args.null_data
            && !matches!(encoding, Encoding::Named(_));
        let roots_shown = roots.iter().map(|root| (root.path.as_path(), root.implicit));
        // Where a file without a match prints nothing, the walk leaves out what the index rules out.
        let misses_print = matches!(mode, Mode::FilesWithoutMatch | Mode::Count { include_zero: true, .. });
        let binary_as_text = args.text || args.unrestricted >= 3 || args.null_data;
        let index = indexed
            .then(|| Filter::open(roots_shown, &matcher.required, (!misses_print, binary_as_text)))
            .flatten();
        // PCRE2 searches a few tens of MB a second a core, the regex crate gigabytes: its parts are
        // smaller, so that a big file's search is shared as finely, at the same cost per part.
        let part_size = std::env::var("BA_PART_SIZE")
            .ok()
            .and_then(|size| size.parse().ok())
            .filter(|&size| size > 0)
            .unwrap_or(if matcher.fallible { 1 << 20 } else { 8 << 20 });
        let walk_at_once =
            stdin || (roots.len() <= WALK_AT_ONCE && !roots.iter().any(|root| root.path.is_dir()));
        Ok(Config {
            plan: Plan::of(&args, mode, &selection, workers),
            output: Output::of(&args, mode, &selection, &matcher, (&roots, stdin))?,
            walk: WalkRules::of(&args)?,
            roots,
            matcher,
            workers,
            walk_at_once,
            selection,
            part_size,
            stdin,
            binary_as_text,
            null_data: args.null_data,
            edit: args.edit.then(Editor::from_env).transpose()?,
            list_files: args.files,
            replace: args.replace.take().map(|template| Replace::of(&args, template)),
            search_zip: args.search_zip,
            encoding,
            index,
            output_file: output_file(),
        })
    }
}

impl Output {
    /// `-q` without `--json` or `--stats`: the first match anywhere is the whole answer.
    pub(crate) fn ends_at_first_match(&self) -> bool {
        self.mode == Mode::Quiet && self.style != Style::Json && !self.stats
    }

    /// The output of a search of `roots`, or of standard input (`stdin`).
    fn of(
        args: &Args,
        mode: Mode,
        selection: &Selection,
        matcher: &Matcher,
        (roots, stdin): (&[Root], bool),
    ) -> Result<Output> {
        let stdout_is_terminal = std::io::stdout().is_terminal();
        let style = if args.json {
            Style::Json
        } else if args.vimgrep {
            Style::Vimgrep
        } else if args.pretty || (!args.pipe && stdout_is_terminal) {
            Style::Terminal
        } else {
            Style::Pipe
        };
        // Programs' formats (JSON, vimgrep) are never coloured; the others when asked, or on a
        // terminal unless NO_COLOR.
        let color = matches!(style, Style::Pipe | Style::Terminal)
            && match args.color {
                ColorWhen::Always => true,
                ColorWhen::Never => false,
                ColorWhen::Auto => stdout_is_terminal && std::env::var_os("NO_COLOR").is_none(),
            };
        // Only with colours: escape sequences nobody asked for must not reach a pipe or a file.
        let hyperlinks = match args.hyperlink_format.clone() {
            Some(format) if color && !stdin && !format.is_none() => {
                let cwd = std::env::current_dir().context("--hyperlink-format: no current directory")?;
                Some(Hyperlinks::new(format, cwd))
            }
            _ => None,
        };
        let lines = mode == Mode::Lines;
        let context_given =
            args.before_context.is_some() || args.after_context.is_some() || args.context.is_some();
        Ok(Output {
            pretty: style == Style::Terminal,
            style,
            mode,
            color,
            match_only: args.match_only,
            stats: args.stats,
            max_line_columns: (terminal_columns() * 3 / 4).max(1),
            flush_each_file: stdout_is_terminal,
            // As GNU grep, any context flag (even `-C 0`) separates the groups; --passthru has none.
            context: lines && !selection.passthru && context_given && args.replace.is_none(),
            context_separator: match args.no_context_separator {
                true => None,
                false => Some(args.context_separator.as_deref().map_or(b"--".to_vec(), unescaped)),
            },
            // --vimgrep shows the column unless told not to, as ripgrep's.
            column: args.column || (args.vimgrep && !args.no_column),
            byte_offset: args.byte_offset,
            null: args.null,
            path_separator: args.path_separator,
            heading: args.heading,
            trim: args.trim,
            null_data: args.null_data,
            multiline: matcher.spans_lines && !selection.invert,
            // 0 is no limit, as in ripgrep.
            max_columns: args.max_columns.filter(|&max| max > 0),
            max_columns_preview: args.max_columns_preview,
            fields: Fields::of(args),
            quiet: args.quiet,
            bare_counts: args.no_filename
                || (!args.with_filename && (stdin || matches!(roots, [root] if !root.path.is_dir()))),
            replacement: match &args.output_replace {
                Some(text) => Some(Template::parse(text, matcher)?),
                None => None,
            },
            hyperlinks,
            // Only for a person watching both outputs, and not to mix with --interactive's questions.
            progress: stdout_is_terminal
                && std::io::stderr().is_terminal()
                && !stdin
                && !args.interactive
                && !args.no_progress
                && !args.quiet,
        })
    }
}

/// The terminal's width: `COLUMNS` first, as `ls` honours it (it is how a person, or a test, sets
/// the width), then the terminal's own, else 80.
fn terminal_columns() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse::<usize>().ok())
        .filter(|&columns| columns > 0)
        .or_else(|| {
            terminal_size::terminal_size_of(std::io::stdout()).map(|(terminal_size::Width(w), _)| w.into())
        })
        .unwrap_or(80)
}

impl Mode {
    fn of(args: &Args, matcher: &Matcher) -> Mode {
        // -q with --files-without-match still asks whether a file has no match (its exit code).
        if args.quiet && !args.files_without_match {
            Mode::Quiet
        } else if args.files_with_matches {
            Mode::FilesWithMatches
        } else if args.files_without_match {
            Mode::FilesWithoutMatch
        } else if args.count || args.count_matches {
            // The lines -v selects hold no match: ripgrep counts them. A hit of -U may span lines:
            // ripgrep counts its matches.
            let matches = (args.count_matches || matcher.spans_lines) && !args.invert_match;
            Mode::Count { matches, include_zero: args.include_zero }
        } else {
            Mode::Lines
        }
    }
}

impl Selection {
    fn of(args: &Args, mode: Mode, matcher: &Matcher) -> Selection {
        let lines = mode == Mode::Lines;
        // A rewrite finds the matching lines alone: context from the config file is the searches'.
        let context = lines && args.replace.is_none();
        Selection {
            invert: args.invert_match,
            before: if context { args.before_context.or(args.context).unwrap_or(0) } else { 0 },
            after: if context { args.after_context.or(args.context).unwrap_or(0) } else { 0 },
            passthru: context && args.passthru,
            // One hit is enough to know a file matches (JSON's summary and --stats, printed even
            // with -q, count them all).
            max_count: match lines
                || matches!(mode, Mode::Count { .. })
                || (mode == Mode::Quiet && (args.json || args.stats))
            {
                true => args.max_count,
                false => Some(1),
            },
            // A pattern that cannot match a line end is found line by line, -U or not (as ripgrep
            // finds it): no file is read whole for it.
            multiline: matcher.spans_lines,
            stop_on_nonmatch: args.stop_on_nonmatch,
        }
    }
}

impl WalkRules {
    fn of(args: &Args) -> Result<WalkRules> {
        Ok(WalkRules {
            ignore: regex_set(&args.ignore, "-i/--ignore")?,
            filename: regex_set(&args.filename, "-f/--filename")?,
            default_ignores: !args.no_default_ignore && args.unrestricted < 3,
            depth: args.depth,
            follow: args.follow,
            ignore_files: !args.no_ignore && args.unrestricted < 1,
            hidden: args.hidden || args.unrestricted >= 2,
            types: file_types(args)?,
            globs: globs(&args.globs, &args.iglobs, args.glob_case_insensitive)?,
            max_filesize: args.max_filesize,
            vcs_ignores: !args.no_ignore_vcs,
            dot_ignores: !args.no_ignore_dot,
            parent_ignores: !args.no_ignore_parent,
            exclude_ignores: !args.no_ignore_exclude,
            require_git: !args.no_require_git,
            ignore_case: args.ignore_file_case_insensitive,
            ignore_file: match args.no_ignore_files {
                true => None,
                false => ignore_file(&args.ignore_file_paths, args.ignore_file_case_insensitive),
            },
        })
    }
}

impl Replace {
    fn of(args: &Args, template: String) -> Replace {
        Replace {
            template,
            dry_run: args.dry_run,
            interactive: args.interactive,
            // A person at a terminal is asked; a script (no terminal) is not.
            ask_first: !args.yes
                && !args.dry_run
                && !args.interactive
                && std::io::stdin().is_terminal()
                && std::io::stderr().is_terminal(),
            force_hardlinks: args.force_hardlinks,
            preserve_case: args.preserve_case,
            undo: !args.no_undo,
            undo_limit: args.undo_limit.unwrap_or(DEFAULT_UNDO_LIMIT),
        }
    }
}

/// The pattern, compiled: from the patterns given, with the case rules of the flags.
fn matcher(args: &mut Args) -> Result<Matcher> {
    let patterns = patterns(args)?;
    let case = if args.smart_case {
        Case::Smart
    } else if args.ignore_case {
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
    let options = PatternOptions {
        fixed_strings: args.fixed_strings,
        word: args.word_regexp,
        line: args.line_regexp,
        case,
        multiline: args.multiline,
        dotall: args.multiline_dotall,
        // NUL ends the lines: a `\r` before it is not a line end's.
        crlf: args.crlf && !args.null_data,
        unicode: !args.no_unicode,
        null_data: args.null_data,
        limits: size_limits(args),
        engine: if args.pcre2 { EngineChoice::Pcre2 } else { args.engine.unwrap_or_default() },
    };
    Matcher::new(&patterns, &options)
}

/// The most named files the walk hands over at once: with a `Stop` for each searcher, they fit in
/// the task channel of one searcher.
const WALK_AT_ONCE: usize = TASKS_PER_SEARCHER / 2;

/// Whether each root is a regular file too small to be cut into parts (so that more searchers
/// than files would have nothing to do).
fn all_small_files(roots: &[Root]) -> bool {
    const SMALL: u64 = 1 << 20;
    let small = |root: &Root| std::fs::metadata(&root.path).is_ok_and(|m| m.is_file() && m.len() <= SMALL);
    roots.iter().all(small)
}

/// The paths to search, in the order given and without repeats, and whether standard input is
/// searched instead (no path, and it is a pipe or a file); `.` when neither.
fn roots(args: &mut Args) -> (Vec<Root>, bool) {
    let mut roots: Vec<Root> = Vec::new();
    // A set, not a scan of the roots so far: `xargs` names thousands of files.
    let mut seen = std::collections::HashSet::new();
    for path in std::mem::take(&mut args.paths).into_iter().chain(std::mem::take(&mut args.directories)) {
        if seen.insert(path.clone()) {
            roots.push(Root { path, implicit: false });
        }
    }
    // `-` alone is standard input alone, printed as such (bare lines); among other paths it is
    // searched in its turn as `<stdin>`.
    if matches!(roots.as_slice(), [root] if root.path.as_os_str() == "-") {
        roots.clear();
        return (roots, true);
    }
    // `--patterns-file -` reads the patterns from standard input: the tree is searched.
    let patterns_read_stdin = args.patterns_file.iter().any(|file| file.as_os_str() == "-");
    let stdin = roots.is_empty()
        && args.replace.is_none()
        && !args.files
        && !patterns_read_stdin
        && stdin_is_readable();
    if roots.is_empty() && !stdin {
        roots.push(Root { path: PathBuf::from("."), implicit: true });
    }
    (roots, stdin)
}

/// The cores this process may run on, found once: the standard library reads the cgroup's quota
/// from /proc and /sys each time it is asked.
pub(crate) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// How many of `threads` can run at once: no more than the cores.
pub(crate) fn running(threads: usize) -> usize {
    threads.min(cores())
}

impl Config {
    /// Whether the output may hold colours (which Ctrl-C then resets).
    pub fn colored(&self) -> bool {
        self.output.color
    }

    /// Whether Ctrl-C (and SIGTERM, SIGHUP, SIGQUIT) has anything to finish before ba ends: a file
    /// being rewritten, colours or a progress line to take off the terminal. Otherwise the signal
    /// ends ba at once, as it ends grep, and no thread waits for it.
    pub fn takes_signals(&self) -> bool {
        self.replace.is_some() || self.output.color || self.output.progress
    }

    /// Whether there are more searchers than cores, some always waiting for one to run on.
    pub fn oversubscribed(&self) -> bool {
        running(self.workers) < self.workers
    }

    /// The index the walk rules files out by as it lists them, if it does.
    pub(crate) fn listing_index(&self) -> Option<&Filter> {
        self.index.as_ref().filter(|index| index.by_listing)
    }
}

/// The patterns: those of `--regexp` and `--patterns-file`, or the first positional argument (a
/// path when those are given, and with `--files`, which searches nothing).
fn patterns(args: &mut Args) -> Result<Vec<String>> {
    let given = !args.regexp.is_empty() || !args.patterns_file.is_empty();
    if args.files || given {
        if let Some(path) = args.pattern.take() {
            args.paths.insert(0, PathBuf::from(path));
        }
    }
    let mut patterns = std::mem::take(&mut args.regexp);
    for file in &args.patterns_file {
        let shown = crate::sanitize::printable_path(file);
        let text = if file.as_os_str() == "-" {
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut text).map(|_| text)
        } else {
            std::fs::read(file)
        };
        let text = text.map_err(|err| anyhow::anyhow!("{shown}: {}", crate::messages::describe(&err)))?;
        let text = String::from_utf8(text).map_err(|_| anyhow::anyhow!("{shown}: patterns are not UTF-8"))?;
        patterns.extend(text.lines().map(String::from));
    }
    match args.pattern.take() {
        Some(pattern) => patterns.push(pattern),
        None if args.files || given => {}
        None => bail!("no pattern given"),
    }
    Ok(patterns)
}

/// `-r` rewrites every matching line of every file searched, and shows what it changed. Flags that
/// would select other lines, stop early, or print in another format cannot be honoured by a rewrite:
/// they are refused before anything is read, rather than half honoured.
fn refuse_a_rewrite_it_cannot_honour(args: &Args, template: &str) -> Result<()> {
    let unhonoured = [
        (args.invert_match, "-v/--invert-match", "the lines it selects hold no match to replace"),
        (args.quiet, "-q/--quiet", "it stops at the first match and prints nothing"),
        (args.max_count.is_some(), "--max-count", "-r rewrites every match of a file, not the first few"),
        (args.files_with_matches, "--files-with-matches", "it lists files and stops at a file's first match"),
        (
            args.files_without_match,
            "--files-without-match",
            "it lists the files that have nothing to replace",
        ),
        (args.count || args.count_matches, "-c/--count", "it prints counts, not the changes"),
        (args.edit, "-e/--edit", "the lines it would open are being rewritten"),
        (args.multiline, "-U/--multiline", "-r rewrites a file line by line"),
        (args.null_data, "--null-data", "-r rewrites lines that end with `\\n`"),
        (args.json, "--json", "-r's report of what it changed is not JSON"),
        (args.vimgrep, "--vimgrep", "-r's report of what it changed is not in that format"),
        (args.output_replace.is_some(), "--output-replace", "-r replaces with its own REPL"),
        (args.files, "--files", "it lists the files and searches none"),
    ];
    if let Some((_, flag, why)) = unhonoured.into_iter().find(|(given, _, _)| *given) {
        bail!("-r cannot go with {flag}: {why}; nothing was read or written");
    }
    // In the config file they shape searches, and -r leaves them be (see `Selection::of`).
    if let Some(flag) = args.typed_line_format_flags.first() {
        bail!(
            "-r cannot go with {flag}: -r shows each changed line in a format of its own (see --dry-run \
             for a diff); nothing was read or written"
        );
    }
    refuse_a_rewrite_read_from_a_habit(args, template)
}

/// grep's `-r` (recursive) typed into ba takes the next word as the replacement, and would rewrite
/// a tree: `ba -r TODO .` (`.` the pattern: every character becomes `TODO`), `ba -r todo src tests`
/// (`src` the pattern), `ba TODO -r .` (every `TODO` becomes `.`). Refused, showing both readings:
/// a pattern of `.`; a pattern naming a path when -r came before it; a replacement naming a path,
/// unless written `--replace=TEXT`.
fn refuse_a_rewrite_read_from_a_habit(args: &Args, template: &str) -> Result<()> {
    // With --regexp or --patterns-file, the first word is a path, not the pattern.
    let positional = args.regexp.is_empty() && args.patterns_file.is_empty();
    let Some(pattern) = args.pattern.as_deref().filter(|_| positional) else { return Ok(()) };
    let exists = |text: &str| Path::new(text).exists();
    let quote = |text: &str| shell_words::quote(text).into_owned();
    let paths: Vec<String> =
        args.paths.iter().chain(&args.directories).map(|path| quote(&path.to_string_lossy())).collect();
    let within = if paths.is_empty() { "every file below the current directory" } else { "the paths given" };
    let command = |words: &[&str]| {
        let typed: Vec<String> = words.iter().map(|word| quote(word)).chain(paths.iter().cloned()).collect();
        format!("ba {}", typed.join(" "))
    };
    if pattern == "." || (args.replace_first && exists(pattern)) {
        let fix = match pattern {
            "." => "to rewrite every character nonetheless, write the pattern as '(?:.)'".to_string(),
            _ if paths.is_empty() => {
                format!(
                    "to replace '{pattern}' nonetheless, put it before -r: {}",
                    command(&[pattern, "-r", template, "."])
                )
            }
            _ => format!(
                "to replace '{pattern}' nonetheless, put it before -r: {}",
                command(&[pattern, "-r", template])
            ),
        };
        bail!(
            "-r takes '{template}' as the replacement, so '{pattern}' is the pattern: every match of it in \
             {within} would become '{template}'; nothing was written. To search for '{template}' (grep's -r), \
             leave -r out, as ba always searches directories recursively: {}; {fix}",
            command(&[template, pattern])
        );
    }
    if (template == "." || exists(template)) && !args.replace_spelled_out {
        bail!(
            "-r takes '{template}' as the replacement: every match of '{pattern}' in {within} would become \
             '{template}'; nothing was written. To search for '{pattern}' (grep's -r), leave -r out, as ba \
             always searches directories recursively: {}; to replace with '{template}' nonetheless, write \
             --replace={}",
            command(&[pattern, template]),
            quote(template)
        );
    }
    Ok(())
}

/// `--regex-size-limit` and `--dfa-size-limit`, or their defaults (a size past the address space is
/// as good as none).
fn size_limits(args: &Args) -> SizeLimits {
    let default = SizeLimits::default();
    let bytes = |size: Option<u64>, default: usize| {
        size.map_or(default, |s| usize::try_from(s).unwrap_or(usize::MAX))
    };
    SizeLimits {
        regex: bytes(args.regex_size_limit, default.regex),
        dfa: bytes(args.dfa_size_limit, default.dfa),
    }
}

/// `ba 'fn main' -i test src`: `-i` (and `-f`) take every value after them, so `src` is a regex of
/// names here, not a path; when no path was given and the last value names one, say so.
fn warn_of_paths_taken_as_regexes(args: &Args) {
    for (flag, values, what) in
        [("-i", &args.ignore, "names to skip"), ("-f", &args.filename, "names to search")]
    {
        if let Some(value) = values.last().filter(|value| std::path::Path::new(value).exists()) {
            let reason = format!(
                "taken by {flag} as a regex of the {what}, not searched as a path; to search it, put it \
                 before {flag} or after --"
            );
            crate::messages::warning(std::path::Path::new(value), &reason);
        }
    }
}

/// Standard input is searched when it is a pipe, a file or a socket, as ripgrep decides: a terminal,
/// `/dev/null` or a closed stdin (a cron job, a script) means the user wants the tree searched.
/// Standard output's device and inode, when it is a regular file.
fn output_file() -> Option<(u64, u64)> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
    let metadata = std::fs::File::from(fd).metadata().ok()?;
    metadata.is_file().then(|| (metadata.dev(), metadata.ino()))
}

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

/// The file type table with the user's `-t` selections and `-T` negations.
fn file_types(args: &Args) -> Result<Option<Types>> {
    if args.types.is_empty() && args.types_not.is_empty() {
        // A bad --type-add is an error even where no -t or -T uses it.
        if !args.type_changes.is_empty() {
            type_table(args)?;
        }
        return Ok(None);
    }
    let mut builder = type_table(args)?;
    for name in &args.types {
        builder.select(name);
    }
    for name in &args.types_not {
        builder.negate(name);
    }
    builder.build().map(Some).context("invalid -t/-T file type (see --type-list)")
}

/// The `-g` globs, case-insensitive with `--glob-case-insensitive`, then the `--iglob` ones, which
/// win over them as later globs do (as in ripgrep).
fn globs(globs: &[String], iglobs: &[String], case_insensitive: bool) -> Result<Option<Override>> {
    if globs.is_empty() && iglobs.is_empty() {
        return Ok(None);
    }
    let mut builder = OverrideBuilder::new(".");
    builder.case_insensitive(case_insensitive)?;
    for glob in globs {
        builder.add(glob).with_context(|| format!("invalid -g/--glob {glob:?}"))?;
    }
    builder.case_insensitive(true)?;
    for glob in iglobs {
        builder.add(glob).with_context(|| format!("invalid --iglob {glob:?}"))?;
    }
    builder.build().map(Some).context("invalid -g/--glob")
}

/// The rules of the `--ignore-file`s, matched relative to the current directory as ripgrep matches
/// them. A file that cannot be read is an error, a bad line a warning; the search goes on without
/// them.
fn ignore_file(paths: &[PathBuf], case_insensitive: bool) -> Option<Gitignore> {
    if paths.is_empty() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(std::env::current_dir().unwrap_or_default());
    builder.case_insensitive(case_insensitive).ok()?;
    for path in paths {
        if let Some(err) = builder.add(path) {
            report_ignore_file_error(path, err);
        }
    }
    builder.build().ok().filter(|rules| !rules.is_empty())
}

/// One line per problem: a file that cannot be read is an error, a bad line a warning.
fn report_ignore_file_error(path: &Path, err: ignore::Error) {
    match err {
        ignore::Error::Partial(errs) => errs.into_iter().for_each(|err| report_ignore_file_error(path, err)),
        ignore::Error::WithPath { err, .. } => report_ignore_file_error(path, *err),
        ignore::Error::WithLineNumber { err, .. } if matches!(*err, ignore::Error::Io(_)) => {
            report_ignore_file_error(path, *err)
        }
        ignore::Error::Io(err) => messages::error(path, &describe(&err)),
        err => messages::warning(path, &err.to_string()),
    }
}

fn regex_set(patterns: &[String], flag: &str) -> Result<Option<RegexSet>> {
    if patterns.is_empty() {
        return Ok(None);
    }
    RegexSet::new(patterns).map(Some).with_context(|| format!("invalid regex for {flag}"))
}

/// The file types -t, -T and --type-list know: the built-in table, changed by --type-add and
/// --type-clear in the order given.
fn type_table(args: &Args) -> Result<TypesBuilder> {
    let mut builder = TypesBuilder::new();
    builder.add_defaults();
    for change in &args.type_changes {
        match change {
            TypeChange::Add(definition) => add_type(&mut builder, definition)
                .with_context(|| format!("invalid --type-add {definition:?}"))?,
            TypeChange::Clear(name) => {
                builder.clear(name);
            }
        }
    }
    Ok(builder)
}

/// `NAME:GLOB,GLOB` adds globs to a type; `NAME:include:TYPE,TYPE` adds those types' globs.
fn add_type(builder: &mut TypesBuilder, definition: &str) -> Result<()> {
    let Some((name, globs)) = definition.split_once(':') else {
        bail!("write NAME:GLOB,GLOB or NAME:include:TYPE,TYPE");
    };
    if name == "all" || name.is_empty() || !name.chars().all(char::is_alphanumeric) {
        bail!("a type's name is letters and digits, and not 'all'");
    }
    if let Some(types) = globs.strip_prefix("include:") {
        let known = builder.definitions();
        if let Some(unknown) = types.split(',').find(|t| !known.iter().any(|def| def.name() == *t)) {
            bail!("unknown file type {unknown:?} (see --type-list)");
        }
        return builder.add_def(definition).map_err(Into::into);
    }
    for glob in split_globs(globs) {
        if glob.is_empty() {
            bail!("an empty glob");
        }
        // Compiled now: the type table compiles only the globs of the types selected.
        let mut alone = TypesBuilder::new();
        alone.add(name, glob)?;
        alone.select(name).build()?;
        builder.add(name, glob)?;
    }
    Ok(())
}

/// `*.html,*.{js,ts}` -> `*.html`, `*.{js,ts}`: the commas that part globs are those outside braces
/// (and not escaped with a backslash).
fn split_globs(globs: &str) -> Vec<&str> {
    let (mut parts, mut start, mut depth, mut escaped) = (Vec::new(), 0, 0usize, false);
    for (i, byte) in globs.bytes().enumerate() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                parts.push(&globs[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&globs[start..]);
    parts
}

/// A separator as typed, its escapes read as ripgrep reads them: `\t`, `\n`, `\r`, `\0`, `\\` and
/// `\xHH` (a byte); any other backslash stays as it is.
fn unescaped(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 2..i + 4).and_then(|h| std::str::from_utf8(h).ok());
        let hex = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
        let (byte, len) = match (bytes[i], bytes.get(i + 1), hex) {
            (b'\\', Some(b'x'), Some(value)) => (value, 4),
            (b'\\', Some(b't'), _) => (b'\t', 2),
            (b'\\', Some(b'n'), _) => (b'\n', 2),
            (b'\\', Some(b'r'), _) => (b'\r', 2),
            (b'\\', Some(b'0'), _) => (0, 2),
            (b'\\', Some(b'\\'), _) => (b'\\', 2),
            (byte, _, _) => (byte, 1),
        };
        out.push(byte);
        i += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{split_globs, unescaped};

    #[test]
    fn separators_read_escapes_as_ripgrep_does() {
        assert_eq!(unescaped(r"\x7F"), b"\x7F");
        assert_eq!(unescaped(r"a\tb\n\r\0\\"), b"a\tb\n\r\0\\");
        // What is no escape stays as typed.
        assert_eq!(unescaped(r"\q\x7\xZZ\"), br"\q\x7\xZZ\");
        assert_eq!(unescaped("--"), b"--");
    }

    #[test]
    fn globs_part_at_commas_outside_braces() {
        assert_eq!(split_globs("*.html,*.{js,ts}"), ["*.html", "*.{js,ts}"]);
        assert_eq!(split_globs("a\\,b,c"), ["a\\,b", "c"]);
        assert_eq!(split_globs("*.md"), ["*.md"]);
        assert_eq!(split_globs("*.a,"), ["*.a", ""]);
    }
}
