//! The command line: every flag ba takes, as the user types it.
//!
//! Black Arrow's short flags live in people's shell aliases (`-d`, `-i`, `-f`, `-w`, `-p`, `-m`, `-l`,
//! `-r`, `-e`, `-D`), so they keep their meaning even where grep uses the same letter for another job.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::encoding::Encoding;
use crate::hyperlink::HyperlinkFormat;

/// ba (Black Arrow): search a tree of files for a regular expression, in parallel.
///
/// Every line that matches PATTERN is printed with its path and line number, in the order the
/// directories are walked. On a terminal each hit is shown as `path:LINE` with the line under it and a
/// summary at the end; into a pipe (or with -p) each hit is one line, `path:LINE:line`.
///
/// Exit status, as GNU grep's: 0 if a line matched, 1 if none did, 2 if an error occurred, even when
/// lines matched (with -q, 0 as soon as one matches; with -r, 2 if a file with matches could not be
/// written).
///
/// Coming from grep or ripgrep: Black Arrow's short flags keep their meaning (-i ignores files, -l is
/// strict case, -r replaces in place, -e opens an editor, -w sets the workers, -m prints only
/// matches, -f filters file names, -d names directories, -p is the pipe format), so grep's are long
/// here: --ignore-case, --files-with-matches, --output-replace, --regexp, --word-regexp,
/// --max-count. The README has the whole table.
#[derive(Parser, Debug)]
#[command(name = "ba", version, long_version = crate::version::long(), max_term_width = 100)]
// A flag given twice takes its last value: an alias's and the one typed, the command line's over the
// config file's.
#[command(args_override_self = true)]
// --dry-run goes with -r or with --undo.
#[command(group = clap::ArgGroup::new("rewriting").args(["replace", "undo"]))]
pub struct Args {
    /// The regular expression to search for (Rust regex syntax, or PCRE2's with -P). Smart case (not with -r): an
    /// all-lowercase pattern matches case-insensitively, any uppercase letter makes it case-sensitive.
    #[arg(required_unless_present_any = ["type_list", "files", "regexp", "patterns_file", "generate", "undo", "pcre2_version"])]
    pub(crate) pattern: Option<String>,

    /// Files or directories to search, as well as those given with -d. Default: `.`, or standard
    /// input when it is a pipe or a file. A path named here is searched even if ignored or hidden.
    pub(crate) paths: Vec<PathBuf>,

    /// Directories (or files) to search, several allowed: `-d src tests`. Default: `.`
    #[arg(short = 'd', long = "directories", value_name = "DIR", num_args = 1.., action = clap::ArgAction::Append)]
    pub(crate) directories: Vec<PathBuf>,

    /// Skip every file or directory whose name matches one of these regexes: `-i test vendor`.
    /// An ignored directory is not walked.
    #[arg(short = 'i', long = "ignore", value_name = "REGEX", num_args = 1.., action = clap::ArgAction::Append)]
    pub(crate) ignore: Vec<String>,

    /// Search only files whose name matches one of these regexes: `-f '\.rs$' '\.toml$'`.
    #[arg(short = 'f', long = "filename", value_name = "REGEX", num_args = 1.., action = clap::ArgAction::Append)]
    pub(crate) filename: Vec<String>,

    /// Search with N searcher threads. Default (and 0): the number of available cores. More than
    /// 256 are taken as 256, with a note: threads beyond the cores only wait their turn.
    #[arg(short = 'w', long = "workers", value_name = "N", value_parser = clap::value_parser!(u16))]
    pub(crate) workers: Option<u16>,

    /// Pipe (brief) output: one hit per line, `path:LINE:line`, exactly as in the file, no colour, no
    /// summary. This is the default when standard output is not a terminal.
    #[arg(short = 'p', long = "pipe", overrides_with = "pretty")]
    pub(crate) pipe: bool,

    /// Terminal output (`path:LINE`, the line under it, a summary) even when stdout is not a terminal.
    #[arg(long = "pretty", overrides_with = "pipe")]
    pub(crate) pretty: bool,

    /// Print only the matched text, one match per line, not the whole line.
    #[arg(short = 'm', long = "match-only")]
    pub(crate) match_only: bool,

    /// Strict case: match case-sensitively even when the pattern is all lowercase.
    #[arg(short = 'l', long = "lower", visible_alias = "case-sensitive", overrides_with = "ignore_case")]
    pub(crate) case_sensitive: bool,

    /// Match case-insensitively even when the pattern has uppercase letters.
    #[arg(long = "ignore-case", overrides_with = "case_sensitive")]
    pub(crate) ignore_case: bool,

    /// Treat PATTERN as a literal string, not a regular expression: `ba -F 'a.b(c)'`.
    #[arg(short = 'F', long = "fixed-strings")]
    pub(crate) fixed_strings: bool,

    /// Match PATTERN only as a whole word: not preceded or followed by a word character (as grep and
    /// ripgrep, so `@property` and `-b` match as words too).
    #[arg(long = "word-regexp")]
    pub(crate) word_regexp: bool,

    /// Descend at most N directories below each root: `-D 0` searches only the files directly in each
    /// root, `-D 1` those and the files one directory down.
    #[arg(short = 'D', long = "depth", value_name = "N")]
    pub(crate) depth: Option<usize>,

    /// Replace every match with REPL in the files searched, safely (see the README): `$1`, `${name}`,
    /// `$0` and `$$` (a dollar), or `\1`, `\g<name>`. Each file is written whole to a temporary file
    /// and renamed over the original. With -r the pattern is case-sensitive unless --ignore-case (no
    /// smart case). Try it first with --dry-run; `ba --undo` puts the files back. grep's letters glued to
    /// it (`-rn`) are refused: write `-r n` to replace with `n`.
    #[arg(short = 'r', long = "replace", value_name = "REPL")]
    pub(crate) replace: Option<String>,

    /// With -r: show the changes as a unified diff and write nothing. With --undo: list the files it
    /// would restore (and name those it would not, and why), and touch nothing.
    #[arg(long = "dry-run", requires = "rewriting")]
    pub dry_run: bool,

    /// With -r: show each file's changes and ask before writing it: one key, y (yes), n (no), a (this
    /// and every file after it), q (no more files).
    #[arg(long = "interactive", requires = "replace")]
    pub(crate) interactive: bool,

    /// With -r at a terminal: write without showing the changes and asking first. Without a
    /// terminal (a script, a pipe), -r never asks. May stand in the config file.
    #[arg(long = "yes")]
    pub(crate) yes: bool,

    /// With -r: also rewrite files with other hard links. The rewrite renames a new file into place,
    /// so this name gets the new content and the other links keep the old one.
    #[arg(long = "force-hardlinks", requires = "replace")]
    pub(crate) force_hardlinks: bool,

    /// With -r: match case-insensitively and give each replacement the case of what it replaces: a
    /// lowercase match gets a lowercase replacement, an uppercase one an uppercase replacement, a
    /// capitalised one a capitalised replacement (`colour` -> `color`, `Colour` -> `Color`,
    /// `COLOUR` -> `COLOR`); other matches get REPL as typed.
    #[arg(long = "preserve-case", requires = "replace")]
    pub(crate) preserve_case: bool,

    /// Undo the last -r run made in the current directory or below it (where the run was started,
    /// not where its files are): put back the files it rewrote, from the undo journal
    /// ($XDG_STATE_HOME/ba, else ~/.local/state/ba), and name them. A file changed or gone since is
    /// named and left alone, and the run stays in the journal until every file is restored (or it is
    /// dropped with --drop). A damaged journal restores nothing. When the last run was made elsewhere,
    /// it is named and, on a terminal, ba asks; in a script it refuses. Run it again to undo the
    /// rewrite before. The journal keeps the five newest runs, from all directories. Exit status: 0 if
    /// every file was restored, 1 if there was nothing to undo, 2 if a file could not be.
    #[arg(
        long = "undo",
        conflicts_with_all = ["pattern", "paths", "directories", "replace", "files", "type_list"]
    )]
    pub undo: bool,

    /// With --undo: list the runs kept in the undo journal, newest first: when each started, where,
    /// the command, how many files it rewrote and whether it is done, cut short or damaged.
    #[arg(
        long = "list",
        requires = "undo",
        conflicts_with_all = ["undo_drop", "dry_run", "pattern", "paths", "directories", "replace", "files", "type_list"]
    )]
    pub undo_list: bool,

    /// With --undo: forget the run instead of restoring it (its files stay as they are): for a run
    /// whose files cannot be restored, or whose journal is damaged.
    #[arg(
        long = "drop",
        requires = "undo",
        conflicts_with_all = ["dry_run", "pattern", "paths", "directories", "replace", "files", "type_list"]
    )]
    pub undo_drop: bool,

    /// With -r: keep no undo journal; the rewrite cannot be undone with --undo.
    #[arg(long = "no-undo", requires = "replace")]
    pub(crate) no_undo: bool,

    /// With -r: the most bytes of old contents this rewrite may keep in the undo journal (K, M or G
    /// suffix; default 256M). The rewrite stops before the file that would pass it.
    #[arg(long = "undo-limit", value_name = "SIZE", value_parser = parse_size, requires = "replace")]
    pub(crate) undo_limit: Option<u64>,

    /// After the search, open the hits in $VISUAL or $EDITOR (else vi), split into words as a shell
    /// would but never run by one. vim and neovim get every hit as a quickfix list; VS Code, helix,
    /// kakoune, micro, nano, emacs and Sublime Text the first hit at its line and column; other
    /// editors the first hit at its line (`+LINE PATH`). A terminal editor needs a terminal: standard
    /// output, or /dev/tty.
    #[arg(
        short = 'e',
        long = "edit",
        conflicts_with_all = ["count", "count_matches", "files_with_matches", "files_without_match", "quiet", "files"]
    )]
    pub(crate) edit: bool,

    /// When to colour the output: auto colours only on a terminal and when NO_COLOR is unset.
    #[arg(long = "color", alias = "colour", value_name = "WHEN", default_value = "auto")]
    pub(crate) color: ColorWhen,

    /// Search binary files (files with a NUL byte) as if they were text.
    #[arg(short = 'a', long = "text")]
    pub(crate) text: bool,

    /// Follow symbolic links while walking (links that loop back are reported, not followed).
    #[arg(long = "follow")]
    pub(crate) follow: bool,

    /// Do not apply the default ignores: the `.git`, `.hg` and `.svn` directories and `*.min.js` files.
    #[arg(long = "no-default-ignore")]
    pub(crate) no_default_ignore: bool,

    /// Do not read ignore files: `.gitignore`, `.git/info/exclude`, git's global excludes file and
    /// `.ignore` files are all respected by default.
    #[arg(long = "no-ignore")]
    pub(crate) no_ignore: bool,

    /// Search hidden files and directories (names starting with `.`), skipped by default.
    #[arg(long = "hidden")]
    pub(crate) hidden: bool,

    /// Search more: `-u` is --no-ignore, `-uu` adds --hidden, `-uuu` adds --text and
    /// --no-default-ignore: every file.
    #[arg(short = 'u', long = "unrestricted", action = clap::ArgAction::Count)]
    pub(crate) unrestricted: u8,

    /// Search only files of this type (repeatable): `-t rust -t toml`. See --type-list.
    #[arg(short = 't', long = "type", value_name = "NAME")]
    pub(crate) types: Vec<String>,

    /// Do not search files of this type (repeatable): `-T js`.
    #[arg(short = 'T', long = "type-not", value_name = "NAME")]
    pub(crate) types_not: Vec<String>,

    /// Print each file that would be searched, in walk order, without searching it; every positional
    /// argument is then a path. (Binary files are listed too: that is known only by reading them.)
    #[arg(long = "files")]
    pub(crate) files: bool,

    /// Print the file types -t and -T know, with their globs, and exit.
    #[arg(long = "type-list")]
    pub type_list: bool,

    /// Search only files matching GLOB, or skip them with `!GLOB` (repeatable): `-g '*.rs' -g '!tests/**'`.
    /// Globs are matched like .gitignore lines, relative to each root, and win over ignore files.
    #[arg(short = 'g', long = "glob", value_name = "GLOB")]
    pub(crate) globs: Vec<String>,

    /// Skip files larger than SIZE: bytes, or with a K, M or G suffix (`10M`).
    #[arg(long = "max-filesize", value_name = "SIZE", value_parser = parse_size)]
    pub(crate) max_filesize: Option<u64>,

    /// Add to the summary what was skipped and how many bytes were searched.
    #[arg(long = "stats")]
    pub(crate) stats: bool,

    // ----- grep and ripgrep's flags (long-only where Black Arrow's letters take theirs) -----
    /// A pattern to search for (repeatable: a line matches if any pattern does). With --regexp or
    /// --patterns-file, every positional argument is a path; a pattern may start with `-`:
    /// `--regexp -x`.
    #[arg(long = "regexp", value_name = "PATTERN", allow_hyphen_values = true)]
    pub(crate) regexp: Vec<String>,

    /// Read patterns from FILE, one per line (`-` for standard input); as --regexp.
    #[arg(long = "patterns-file", value_name = "FILE")]
    pub(crate) patterns_file: Vec<PathBuf>,

    /// Match PATTERN only as a whole line (as `^(?:PATTERN)$`).
    #[arg(short = 'x', long = "line-regexp")]
    pub(crate) line_regexp: bool,

    /// Select the lines that do NOT match.
    #[arg(short = 'v', long = "invert-match")]
    pub(crate) invert_match: bool,

    /// Show N lines of context after each hit (`path-LINE-text` in the pipe format, dimmed on a
    /// terminal; groups separated by `--`).
    #[arg(short = 'A', long = "after-context", value_name = "N")]
    pub(crate) after_context: Option<u64>,

    /// Show N lines of context before each hit.
    #[arg(short = 'B', long = "before-context", value_name = "N")]
    pub(crate) before_context: Option<u64>,

    /// Show N lines of context before and after each hit (-A and -B win where given).
    #[arg(short = 'C', long = "context", value_name = "N")]
    pub(crate) context: Option<u64>,

    /// The line between groups of context (default `--`).
    #[arg(long = "context-separator", value_name = "SEP", allow_hyphen_values = true)]
    pub(crate) context_separator: Option<String>,

    /// No line between groups of context.
    #[arg(long = "no-context-separator", conflicts_with = "context_separator")]
    pub(crate) no_context_separator: bool,

    /// Print every line, the hits highlighted (the others as context lines).
    #[arg(long = "passthru", alias = "passthrough")]
    pub(crate) passthru: bool,

    /// Print only how many lines matched in each file, `path:N` (files with none are left out
    /// unless --include-zero).
    #[arg(short = 'c', long = "count")]
    pub(crate) count: bool,

    /// Print only how many matches each file holds, `path:N` (several on a line count apart).
    #[arg(long = "count-matches")]
    pub(crate) count_matches: bool,

    /// With --count or --count-matches: also print the files with no match (`path:0`).
    #[arg(long = "include-zero")]
    pub(crate) include_zero: bool,

    /// Print only the paths of the files with a match (each file is read only up to its first).
    /// (grep's -l; here -l is strict case.)
    #[arg(long = "files-with-matches")]
    pub(crate) files_with_matches: bool,

    /// Print only the paths of the files without a match.
    #[arg(long = "files-without-match", conflicts_with = "files_with_matches")]
    pub(crate) files_without_match: bool,

    /// Print nothing; exit 0 at the first match, at once. (Errors are still reported.) Each
    /// directory's own files are searched before its subdirectories, where a match is found sooner.
    #[arg(short = 'q', long = "quiet")]
    pub(crate) quiet: bool,

    /// Stop reading a file after N matching lines (the context after the last one is shown).
    /// (grep's -m; here -m is --match-only.)
    #[arg(long = "max-count", value_name = "N")]
    pub(crate) max_count: Option<u64>,

    /// After each path, a NUL byte instead of `:` or a newline, for `xargs -0`.
    #[arg(short = '0', long = "null")]
    pub(crate) null: bool,

    /// Show the 1-based column of the first match (of each match with -m): `path:LINE:COL:text`.
    #[arg(long = "column")]
    pub(crate) column: bool,

    /// Show the 0-based byte offset of each line in its file (of each match with -m).
    #[arg(short = 'b', long = "byte-offset")]
    pub(crate) byte_offset: bool,

    /// One line per match, `path:LINE:COL:text`, as vim's quickfix list reads it.
    #[arg(long = "vimgrep")]
    pub(crate) vimgrep: bool,

    /// JSON Lines in ripgrep's schema (`begin`, `match`, `context`, `end`, `summary` messages).
    #[arg(long = "json")]
    pub(crate) json: bool,

    /// Print each path once, above its hits (`LINE:text`), files apart by a blank line.
    #[arg(long = "heading", overrides_with = "no_heading")]
    pub(crate) heading: bool,

    /// Print the path on every hit (the default).
    #[arg(long = "no-heading", overrides_with = "heading")]
    pub(crate) no_heading: bool,

    /// In the pipe format, leave out lines longer than N bytes (`[Omitted long matching line]`).
    #[arg(long = "max-columns", value_name = "N")]
    pub(crate) max_columns: Option<usize>,

    /// With --max-columns: print the first N bytes of a long line instead of leaving it out.
    #[arg(long = "max-columns-preview", requires = "max_columns")]
    pub(crate) max_columns_preview: bool,

    /// In the pipe format, remove the white space at the start of each line.
    #[arg(long = "trim")]
    pub(crate) trim: bool,

    /// Print each hit with its matches replaced by REPL (`$1`, `${name}`, as -r), touching no
    /// file (ripgrep's -r). With -m, only the replacements: `ba 'v(\d+)' -m --output-replace '$1'`.
    #[arg(long = "output-replace", value_name = "REPL", allow_hyphen_values = true)]
    pub(crate) output_replace: Option<String>,

    /// A match may span lines: `\n` in the pattern matches a line end. Each file is read whole
    /// (big files are not cut into parts: a match may reach any part).
    #[arg(short = 'U', long = "multiline")]
    pub(crate) multiline: bool,

    /// With -U: `.` matches line ends too.
    #[arg(long = "multiline-dotall", requires = "multiline")]
    pub(crate) multiline_dotall: bool,

    /// Compile the pattern with PCRE2 (Perl's syntax) instead of Rust's regex: look-around
    /// (`(?<=the )cat`, `foo(?!bar)`), backreferences (`(\w+) \1`), `\K`, possessive and atomic
    /// groups. Outside -U each line is searched on its own, without its line end: `\s` and `[^a]`
    /// never reach the next line, and a look-around sees only its own line. Unicode classes, as the
    /// default engine; bytes that are not UTF-8 never match. A line on which the pattern backtracks
    /// past PCRE2's match limit is reported, and the search goes on (exit 2). Same as --engine pcre2.
    #[arg(short = 'P', long = "pcre2", visible_alias = "perl-regexp", overrides_with = "engine")]
    pub(crate) pcre2: bool,

    /// Which engine compiles the pattern: default (Rust's regex: guaranteed linear time), pcre2
    /// (as -P), or auto (Rust's regex, or PCRE2 when the pattern needs it, such as look-around or
    /// backreferences, without a word). The last of -P and --engine wins.
    #[arg(long = "engine", value_name = "ENGINE", overrides_with = "pcre2")]
    pub(crate) engine: Option<crate::search::matcher::EngineChoice>,

    /// Print the version of PCRE2 built into ba, and whether its JIT compiler is available, then exit.
    #[arg(long = "pcre2-version")]
    pub(crate) pcre2_version: bool,

    /// The most memory the compiled pattern may take: bytes, or with a K, M or G suffix (`1G`).
    /// Default 256M. A pattern that needs more is refused, with an error that says so.
    #[arg(long = "regex-size-limit", value_name = "SIZE", value_parser = parse_size)]
    pub(crate) regex_size_limit: Option<u64>,

    /// The most memory the regex engine's lazy DFA may cache in each searcher: bytes, or with a K, M
    /// or G suffix. Default 64M. Past it the cache is cleared, or a slower engine takes over: the same
    /// hits, later. Raise it only for very large patterns.
    #[arg(long = "dfa-size-limit", value_name = "SIZE", value_parser = parse_size)]
    pub(crate) dfa_size_limit: Option<u64>,

    // File selection as ripgrep scripts spell it; long-only where ripgrep's letter is Black Arrow's.
    /// Also skip what FILE says, in `.gitignore` syntax (repeatable). Its lines match paths relative
    /// to the current directory, rank below `.gitignore` and `.ignore` files, and still apply with
    /// --no-ignore. A FILE that cannot be read is reported, and the search goes on.
    #[arg(long = "ignore-file", value_name = "FILE")]
    pub(crate) ignore_file_paths: Vec<PathBuf>,

    /// Do not respect `.gitignore` files, `.git/info/exclude` or git's global excludes file
    /// (`.ignore` files still apply).
    #[arg(long = "no-ignore-vcs")]
    pub(crate) no_ignore_vcs: bool,

    /// Do not respect `.ignore` files.
    #[arg(long = "no-ignore-dot")]
    pub(crate) no_ignore_dot: bool,

    /// Do not read the ignore files of the directories above each root (by default those up to the
    /// top of the root's git repository apply).
    #[arg(long = "no-ignore-parent")]
    pub(crate) no_ignore_parent: bool,

    /// Like -g, but GLOB is matched case-insensitively (repeatable): `--iglob '*.JPG'`.
    #[arg(long = "iglob", value_name = "GLOB")]
    pub(crate) iglobs: Vec<String>,

    /// Match every -g glob case-insensitively.
    #[arg(long = "glob-case-insensitive")]
    pub(crate) glob_case_insensitive: bool,

    /// Search inside compressed files: gzip (.gz, .tgz), bzip2 (.bz2, .tbz2), xz (.xz, .txz), lz4
    /// (.lz4) and zstd (.zst, .zstd), by their extension. Their decompressed text is searched and
    /// numbered like a file's; -r never rewrites them.
    #[arg(short = 'z', long = "search-zip")]
    pub(crate) search_zip: bool,

    /// The text encoding of the files searched: auto (the default: a file that starts with a UTF-16
    /// byte-order mark is decoded, the rest read as they are), none (read every file as it is), or a
    /// name such as utf-16le, latin1 or shift_jis (decode every file from it, unless a byte-order
    /// mark names another). Decoded text is searched and shown as UTF-8; -r never rewrites it.
    #[arg(long = "encoding", value_name = "NAME", value_parser = Encoding::parse)]
    pub(crate) encoding: Option<Encoding>,

    // At home in the shell and the editor.
    /// Print a shell's completion script or the man page, and exit: complete-bash, complete-zsh,
    /// complete-fish, complete-powershell, complete-elvish or man (see the README for where each goes).
    #[arg(long = "generate", value_name = "KIND")]
    pub generate: Option<Generate>,

    /// Do not read the config file that BA_CONFIG_PATH names (a file of flags, one a line, read
    /// before the command line).
    #[arg(long = "no-config")]
    pub(crate) no_config: bool,

    /// Add a file type for -t, -T and --type-list, or more globs to one (repeatable): `--type-add
    /// 'web:*.html,*.css'` (commas inside braces stay in their glob: `'web:*.{html,css}'`), or
    /// `--type-add 'src:include:rust,c'` for the globs of types already known.
    #[arg(long = "type-add", value_name = "NAME:GLOBS")]
    pub(crate) type_add: Vec<String>,

    /// Forget a file type, built in or added (repeatable): `--type-clear md --type-add 'md:*.md'`.
    #[arg(long = "type-clear", value_name = "NAME")]
    pub(crate) type_clear: Vec<String>,

    /// --type-add and --type-clear in the order given, the config file's first: a clear forgets
    /// what was added before it.
    #[arg(skip)]
    pub(crate) type_changes: Vec<TypeChange>,

    /// -r came before the pattern on the command line, as grep's `-r` does (`ba -r TODO src`).
    #[arg(skip)]
    pub(crate) replace_first: bool,

    /// The replacement was written `--replace=TEXT`: meant as it is, whatever it names.
    #[arg(skip)]
    pub(crate) replace_spelled_out: bool,

    /// The flags of the hit lines' format given on the command line itself (not in the config
    /// file): `-r` shows its changes in a format of its own, and refuses them.
    #[arg(skip)]
    pub(crate) typed_line_format_flags: Vec<&'static str>,

    /// Make each `path:LINE` of the terminal format a hyperlink that opens the file, in terminals that
    /// know OSC 8 links, when colours are on: default or file (`file://{host}{path}`), vscode
    /// (`vscode://file{path}:{line}:{column}`), none, or a template of your own with {path}, {line},
    /// {column} (of the line's first match) and {host}.
    #[arg(long = "hyperlink-format", value_name = "FORMAT", value_parser = HyperlinkFormat::parse)]
    pub(crate) hyperlink_format: Option<HyperlinkFormat>,

    /// Never show the progress line: by default, a search that runs for more than a second with its
    /// output on a terminal tells on stderr how far it has got, on one line erased before each hit.
    #[arg(long = "no-progress")]
    pub(crate) no_progress: bool,
}

/// What to say instead of clap's message when a grep or ripgrep habit met a usage error: the way to
/// do it in ba.
pub(crate) fn habit_hint(err: &clap::Error, argv: &[OsString]) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    match err.kind() {
        ErrorKind::MissingRequiredArgument => swallowed_pattern(argv),
        ErrorKind::UnknownArgument => {
            let Some(ContextValue::String(flag)) = err.get(ContextKind::InvalidArg) else { return None };
            let flag = flag.split('=').next().unwrap_or(flag);
            let how = match flag {
                "-n" | "--line-number" | "-H" | "--with-filename" => {
                    "ba always shows paths and line numbers: leave it out"
                }
                "-R" | "--recursive" => "ba always searches directories recursively: leave it out",
                "-E" => {
                    "ba's patterns are Rust's regex (or PCRE2's with -P): leave it out (ripgrep's -E NAME is \
                     --encoding NAME)"
                }
                "--extended-regexp" | "-G" | "--basic-regexp" => {
                    "ba's patterns are Rust's regex (or PCRE2's with -P): leave it out"
                }
                "-o" | "--only-matching" => "use -m (--match-only)",
                "-L" => "use --files-without-match (grep's -l is --files-with-matches; -l is strict case)",
                "-y" => "use --ignore-case",
                "-S" | "--smart-case" => "smart case is the default: leave it out",
                "-I" => "ba skips binary files by default: leave it out",
                "-s" | "--no-messages" => "ba has no such flag: send stderr elsewhere (2>/dev/null)",
                "-j" | "--threads" => "use -w N (--workers)",
                "-M" => "use --max-columns N",
                "-N" | "--no-line-number" | "--no-filename" => "ba always shows paths and line numbers",
                "--include" => "use -g GLOB (--glob)",
                "--exclude" => "use -g '!GLOB'",
                "--exclude-dir" => "use -g '!DIR/' (or -i REGEX to skip names)",
                "--sort" | "--sort-files" => {
                    "ba's output is always in walk order, on every thread: leave it out"
                }
                "-k" | "--crlf" => "ba treats a CRLF line end as the line's end already: leave it out",
                _ => return None,
            };
            Some(format!("{flag} is not a ba flag: {how} (ba --help lists the flags)"))
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let Some(ContextValue::String(arg)) = err.get(ContextKind::InvalidArg) else { return None };
            arg.starts_with("--workers").then(|| {
                "-w sets the number of workers (a number); grep's -w is --word-regexp here".to_string()
            })
        }
        _ => None,
    }
}

/// Whether `letters`, glued to one of Black Arrow's flags that take a value (`-in`: `n`), are only
/// letters of grep's short flags: most likely grep's flags typed together, not the value they became.
fn grep_letters(letters: &str) -> bool {
    !letters.is_empty() && letters.len() <= 3 && letters.chars().all(|c| "inlrwcvxHhsoEFRIL".contains(c))
}

/// What grep's short flags glued to its `-r` look like, which ba would take as the replacement: a
/// few letters and digits (`-rq`, `-rA3`, `-rn`), or any run of grep's flag letters (`-rniIwl`).
fn glued_flags(letters: &str) -> bool {
    const GREP_FLAGS: &str = "abcdefhiklmnoqrsuvwxyzABCDEFGHILNPRTUVZ0123456789";
    let few = (1..=4).contains(&letters.len()) && letters.bytes().all(|b| b.is_ascii_alphanumeric());
    few || (!letters.is_empty() && letters.chars().all(|c| GREP_FLAGS.contains(c)))
}

/// `ba -in foo`: grep's `-i -n` is read here as `-i n`, a regex of names to skip (every file with an
/// `n` in its name). When a value of `-i` or `-f` is glued to it and is only grep letters, say so.
pub(crate) fn glued_grep_letters(argv: &[OsString]) -> Vec<String> {
    let mut said = Vec::new();
    for arg in argv.iter().skip(1).take_while(|arg| *arg != "--") {
        let arg = arg.to_string_lossy();
        for (flag, does, grep) in [
            ("-i", "skip names matching", "for grep's -i, type --ignore-case"),
            ("-f", "search only names matching", "for grep's -f FILE, type --patterns-file FILE"),
        ] {
            let Some(letters) = arg.strip_prefix(flag).filter(|letters| grep_letters(letters)) else {
                continue;
            };
            said.push(format!(
                "{arg} is read as {flag} {letters} (Black Arrow's {flag}: {does} '{letters}'); {grep} (paths \
                 and line numbers are always shown)"
            ));
        }
    }
    said
}

impl Args {
    /// The flags given that shape how each hit line is printed.
    pub(crate) fn line_format_flags(&self) -> Vec<&'static str> {
        [
            (self.column, "--column"),
            (self.null, "-0/--null"),
            (self.heading, "--heading"),
            (self.trim, "--trim"),
            (self.max_columns.is_some(), "--max-columns"),
            (self.max_columns_preview, "--max-columns-preview"),
            (self.byte_offset, "-b/--byte-offset"),
            (self.match_only, "-m/--match-only"),
            (
                self.before_context.is_some() || self.after_context.is_some() || self.context.is_some(),
                "context (-A/-B/-C)",
            ),
            (self.passthru, "--passthru"),
        ]
        .into_iter()
        .filter_map(|(given, flag)| given.then_some(flag))
        .collect()
    }
}

/// `ba -rn foo .` (or `-arn`, `-lrn`): grep's `-r -n` is read here as `-r n`, which would replace
/// every match with `n` in place. A rewrite is too much to stake on a habit: when the replacement
/// is grep letters that came glued to `-r`, it is refused, with the way to mean it.
pub(crate) fn glued_replace(argv: &[OsString], replacement: Option<&str>) -> Option<String> {
    let letters = replacement.filter(|letters| glued_flags(letters))?;
    let glued = format!("r{letters}");
    let arg = argv.iter().skip(1).take_while(|arg| *arg != "--").find_map(|arg| {
        let arg = arg.to_str()?;
        (arg.starts_with('-') && !arg.starts_with("--") && arg.ends_with(&glued)).then_some(arg)
    })?;
    Some(format!(
        "{arg} is read as -r {letters}: replace every match with '{letters}', in place. For grep's -r, \
         leave it out (ba always searches directories recursively); to replace with '{letters}', put a \
         space: -r {letters}"
    ))
}

/// `ba -d src foo`: `-d` took `foo` too, and no pattern is left. Which flag did, and the fix.
fn swallowed_pattern(argv: &[OsString]) -> Option<String> {
    let lists = [
        ("-d", "--directories", "directories"),
        ("-i", "--ignore", "ignore regexes"),
        ("-f", "--filename", "filename regexes"),
    ];
    let (at, (short, _, what)) = argv.iter().enumerate().rev().find_map(|(at, arg)| {
        lists.iter().find(|(short, long, _)| arg == short || arg == long).map(|list| (at, *list))
    })?;
    let taken: Vec<String> = argv[at + 1..]
        .iter()
        .take_while(|arg| !arg.as_encoded_bytes().starts_with(b"-"))
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let last = taken.last()?;
    let rest = taken[..taken.len() - 1].join(" ");
    Some(format!(
        "no pattern: {short} takes every argument after it as {what} ({}), so {last:?} was taken too. \
         Put the pattern first (ba {last} {short} {rest}), or end the list with -- (ba {short} {rest} -- {last})",
        taken.join(" ")
    ))
}

/// `10M` -> 10485760. K, M and G are powers of 1024.
fn parse_size(text: &str) -> Result<u64, String> {
    let (digits, shift) = match text.as_bytes().last() {
        Some(b'K' | b'k') => (&text[..text.len() - 1], 10),
        Some(b'M' | b'm') => (&text[..text.len() - 1], 20),
        Some(b'G' | b'g') => (&text[..text.len() - 1], 30),
        _ => (text, 0),
    };
    let number: u64 =
        digits.parse().map_err(|_| format!("{text:?} is not a size like 4096, 512K, 10M or 1G"))?;
    number.checked_mul(1 << shift).ok_or_else(|| format!("{text:?} is too large"))
}

/// When to colour output (`--color`).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// What `--generate` prints.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generate {
    CompleteBash,
    CompleteZsh,
    CompleteFish,
    CompletePowershell,
    CompleteElvish,
    Man,
}

/// A change to the table of file types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TypeChange {
    /// `--type-add NAME:GLOBS`, as typed.
    Add(String),
    /// `--type-clear NAME`.
    Clear(String),
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("10M"), Ok(10 << 20));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("99999999999G").is_err());
    }
}
