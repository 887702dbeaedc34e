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
    #[arg(required_unless_present_any = ["type_list", "files", "index_build", "index_status", "index_drop", "regexp", "patterns_file", "generate", "undo", "pcre2_version"])]
    pub(crate) pattern: Option<String>,

    /// Files or directories to search, as well as those given with -d. Default: `.`, or standard
    /// input when it is a pipe or a file; `-` is standard input. A path named here is searched even
    /// if ignored or hidden.
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
    /// (ripgrep's -j/--threads.)
    #[arg(
        short = 'w',
        long = "workers",
        short_alias = 'j',
        alias = "threads",
        value_name = "N",
        value_parser = clap::value_parser!(u16)
    )]
    pub(crate) workers: Option<u16>,

    /// Pipe (brief) output: one hit per line, `path:LINE:line`, exactly as in the file, no colour, no
    /// summary. This is the default when standard output is not a terminal.
    #[arg(short = 'p', long = "pipe", overrides_with = "pretty")]
    pub(crate) pipe: bool,

    /// Terminal output (`path:LINE`, the line under it, a summary) even when stdout is not a terminal.
    #[arg(long = "pretty", overrides_with = "pipe")]
    pub(crate) pretty: bool,

    /// Print only the matched text, one match per line, not the whole line (grep's -o,
    /// --only-matching, which ba takes too).
    #[arg(short = 'm', long = "match-only", short_alias = 'o', alias = "only-matching")]
    pub(crate) match_only: bool,

    /// Strict case: match case-sensitively even when the pattern is all lowercase.
    #[arg(
        short = 'l',
        long = "lower",
        visible_alias = "case-sensitive",
        overrides_with_all = ["ignore_case", "smart_case"]
    )]
    pub(crate) case_sensitive: bool,

    /// Match case-insensitively even when the pattern has uppercase letters.
    #[arg(long = "ignore-case", overrides_with_all = ["case_sensitive", "smart_case"])]
    pub(crate) ignore_case: bool,

    /// Smart case, ba's default (as ripgrep's -S): undoes an earlier -l or --ignore-case.
    #[arg(short = 'S', long = "smart-case", overrides_with_all = ["case_sensitive", "ignore_case"])]
    pub(crate) smart_case: bool,

    /// Treat PATTERN as a literal string, not a regular expression: `ba -F 'a.b(c)'`.
    #[arg(short = 'F', long = "fixed-strings")]
    pub(crate) fixed_strings: bool,

    /// Match PATTERN only as a whole word: not preceded or followed by a word character (as grep and
    /// ripgrep, so `@property` and `-b` match as words too). The last of it and `-x` wins.
    #[arg(long = "word-regexp", overrides_with = "line_regexp")]
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

    /// Build or update the search index of each PATH (default: .), a directory tree: the files a
    /// search would read (the same ignore rules and flags), and the trigrams each holds. A search of
    /// a directory an index covers then reads only the files that can match, and every file changed
    /// since the index was built: the same answer as without it. An update re-reads only what
    /// changed. The index lives in $XDG_CACHE_HOME/ba/index (else ~/.cache/ba/index), and serves
    /// only searches with the user, groups and capabilities of its build.
    #[arg(long = "index-build", conflicts_with_all = ["replace", "files", "index_status", "index_drop", "no_index"])]
    pub(crate) index_build: bool,

    /// Say which index covers each PATH (default: .), what it holds, and how many of its files changed
    /// since it was built.
    #[arg(long = "index-status", conflicts_with_all = ["replace", "files", "index_drop", "no_index"])]
    pub(crate) index_status: bool,

    /// Remove the index of each PATH (default: .).
    #[arg(long = "index-drop", conflicts_with_all = ["replace", "files", "no_index"])]
    pub(crate) index_drop: bool,

    /// Search without the index, even where one covers the tree: read every file.
    #[arg(long = "no-index")]
    pub(crate) no_index: bool,

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

    /// Add to the summary what was skipped and how many bytes were searched; in the pipe format,
    /// print ripgrep's statistics after the hits (matches, lines, files, bytes, seconds).
    #[arg(long = "stats")]
    pub(crate) stats: bool,

    /// Line numbers are always shown (grep's and ripgrep's -n): taken, and changes nothing.
    #[arg(short = 'n', long = "line-number", overrides_with = "no_line_number")]
    pub(crate) line_number: bool,

    /// In the pipe format, leave out each hit's line number (as ripgrep's -N).
    #[arg(short = 'N', long = "no-line-number", overrides_with = "line_number")]
    pub(crate) no_line_number: bool,

    /// Show the path even where ba leaves it out: on the count of a single file (grep's and
    /// ripgrep's -H).
    #[arg(short = 'H', long = "with-filename", overrides_with = "no_filename")]
    pub(crate) with_filename: bool,

    /// In the pipe format and the counts, leave out each hit's path (as ripgrep's -I).
    #[arg(short = 'I', long = "no-filename", overrides_with = "with_filename")]
    pub(crate) no_filename: bool,

    /// The order of the output: path (ba's, always, on every thread) or none (taken as path). Other
    /// orders are refused.
    #[arg(long = "sort", value_name = "BY", value_parser = ["path", "none"])]
    pub(crate) sort: Option<String>,

    /// Do not report the errors met reading files and directories (they still make the exit code 2),
    /// nor that the filters left no file to search.
    #[arg(long = "no-messages")]
    pub(crate) no_messages: bool,

    /// The separator after the path and the numbers of a hit in the pipe format (default `:`).
    /// `\t`, `\n`, `\r`, `\0`, `\\` and `\xHH` are read as the bytes they stand for.
    #[arg(long = "field-match-separator", value_name = "SEP", allow_hyphen_values = true)]
    pub(crate) field_match_separator: Option<String>,

    /// The separator after the path and the numbers of a context line in the pipe format (default `-`),
    /// with escapes as --field-match-separator.
    #[arg(long = "field-context-separator", value_name = "SEP", allow_hyphen_values = true)]
    pub(crate) field_context_separator: Option<String>,

    /// Unicode off: `\w`, `\d`, `\s`, `\b` and case-insensitive matching know only ASCII, and `.`
    /// matches any byte (but the line end), as ripgrep's --no-unicode.
    #[arg(long = "no-unicode")]
    pub(crate) no_unicode: bool,

    // ----- grep and ripgrep's flags (long-only where Black Arrow's letters take theirs) -----
    /// A pattern to search for (repeatable: a line matches if any pattern does). With --regexp or
    /// --patterns-file, every positional argument is a path; a pattern may start with `-`:
    /// `--regexp -x`.
    #[arg(long = "regexp", value_name = "PATTERN", allow_hyphen_values = true)]
    pub(crate) regexp: Vec<String>,

    /// Read patterns from FILE, one per line (`-` for standard input, and the tree is searched); as
    /// --regexp.
    #[arg(long = "patterns-file", value_name = "FILE")]
    pub(crate) patterns_file: Vec<PathBuf>,

    /// Match PATTERN only as a whole line (as `^(?:PATTERN)$`). The last of it and `--word-regexp`
    /// wins, as in ripgrep.
    #[arg(short = 'x', long = "line-regexp", overrides_with = "word_regexp")]
    pub(crate) line_regexp: bool,

    /// Select the lines that do NOT match.
    #[arg(short = 'v', long = "invert-match")]
    pub(crate) invert_match: bool,

    /// Show N lines of context after each hit (`path-LINE-text` in the pipe format, dimmed on a
    /// terminal; groups separated by `--`).
    #[arg(short = 'A', long = "after-context", value_name = "N", overrides_with = "passthru")]
    pub(crate) after_context: Option<u64>,

    /// Show N lines of context before each hit.
    #[arg(short = 'B', long = "before-context", value_name = "N", overrides_with = "passthru")]
    pub(crate) before_context: Option<u64>,

    /// Show N lines of context before and after each hit (-A and -B win where given).
    #[arg(short = 'C', long = "context", value_name = "N", overrides_with = "passthru")]
    pub(crate) context: Option<u64>,

    /// The line between groups of context (default `--`), with escapes as --field-match-separator.
    #[arg(
        long = "context-separator",
        value_name = "SEP",
        allow_hyphen_values = true,
        overrides_with = "no_context_separator"
    )]
    pub(crate) context_separator: Option<String>,

    /// No line between groups of context (the last of it and --context-separator wins).
    #[arg(long = "no-context-separator", overrides_with = "context_separator")]
    pub(crate) no_context_separator: bool,

    /// Print every line, the hits highlighted (the others as context lines). The last of it and
    /// -A, -B, -C wins, as in ripgrep.
    #[arg(long = "passthru", alias = "passthrough", overrides_with_all = ["after_context", "before_context", "context"])]
    pub(crate) passthru: bool,

    /// Print only how many lines matched in each file, `path:N` (files with none are left out
    /// unless --include-zero); `N` alone for standard input or a single file named.
    #[arg(short = 'c', long = "count")]
    pub(crate) count: bool,

    /// Print only how many matches each file holds, `path:N` (several on a line count apart; with
    /// -v, the lines selected).
    #[arg(long = "count-matches")]
    pub(crate) count_matches: bool,

    /// With --count or --count-matches: also print the files with no match (`path:0`).
    #[arg(long = "include-zero", overrides_with = "no_include_zero")]
    pub(crate) include_zero: bool,

    /// Undo --include-zero (from an alias or the config file): the last of the two wins.
    #[arg(long = "no-include-zero", overrides_with = "include_zero")]
    pub(crate) no_include_zero: bool,

    /// Print only the paths of the files with a match (each file is read only up to its first).
    /// (grep's -l; here -l is strict case.)
    #[arg(long = "files-with-matches")]
    pub(crate) files_with_matches: bool,

    /// Print only the paths of the files without a match (with -q, nothing: exit 0 if a file has
    /// no match).
    #[arg(long = "files-without-match", conflicts_with = "files_with_matches")]
    pub(crate) files_without_match: bool,

    /// Print nothing; exit 0 at the first match, at once. (Errors are still reported; --json still
    /// prints its summary.) Each directory's own files are searched before its subdirectories, where
    /// a match is found sooner.
    #[arg(short = 'q', long = "quiet")]
    pub(crate) quiet: bool,

    /// Stop reading a file after N matching lines (the context after the last one is shown); 0
    /// selects none. (grep's -m; here -m is --match-only.)
    #[arg(long = "max-count", value_name = "N")]
    pub(crate) max_count: Option<u64>,

    /// Stop reading a file at the first line that does not match after one that does (as
    /// ripgrep's --stop-on-nonmatch): for files whose matching lines come together, at the start.
    #[arg(long = "stop-on-nonmatch")]
    pub(crate) stop_on_nonmatch: bool,

    /// After each path, a NUL byte instead of `:` or a newline, for `xargs -0`.
    #[arg(short = '0', long = "null")]
    pub(crate) null: bool,

    /// Print paths with SEP, one byte, between their components instead of `/` (not in --json,
    /// whose paths are data): `--path-separator '\\'`.
    #[arg(long = "path-separator", value_name = "SEP", value_parser = parse_path_separator)]
    pub(crate) path_separator: Option<u8>,

    /// Show the 1-based column of the first match (of each match with -m): `path:LINE:COL:text`.
    /// Lines without a match (context, -v) have none; standard input's lines get their number.
    #[arg(long = "column", overrides_with = "no_column")]
    pub(crate) column: bool,

    /// Undo --column (from an alias or the config file): the last of the two wins.
    #[arg(long = "no-column", overrides_with = "column")]
    pub(crate) no_column: bool,

    /// Show the 0-based byte offset of each line in its file (of each match with -m).
    #[arg(short = 'b', long = "byte-offset")]
    pub(crate) byte_offset: bool,

    /// One line per match, `path:LINE:COL:text`, as vim's quickfix list reads it (with -m, the match is
    /// the text).
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

    /// In the pipe format, leave out lines longer than N bytes (`[Omitted long matching line]`); 0
    /// means no limit, as in ripgrep.
    #[arg(long = "max-columns", value_name = "N")]
    pub(crate) max_columns: Option<usize>,

    /// With --max-columns: print the first N bytes of a long line instead of leaving it out, then
    /// `[... omitted end of long line]`, or in colour or with --output-replace how many matches are
    /// cut off (as ripgrep).
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

    /// Lines may end with CRLF, as ripgrep's --crlf: `$` matches before a `\r\n` (`ba --crlf 'end$'`
    /// finds `end\r\n`), no class matches the `\r` (`\s`, `.`, `[^a]`), and a `\r` typed in the
    /// pattern is refused. Without it, the `\r` is the line's last character. In every mode, -r
    /// included; --no-crlf turns it off.
    #[arg(long = "crlf", overrides_with = "no_crlf")]
    pub(crate) crlf: bool,

    /// Undo --crlf (of a config file or an alias).
    #[arg(long = "no-crlf", overrides_with = "crlf")]
    pub(crate) no_crlf: bool,

    /// NUL ends a line instead of `\n`, as ripgrep's --null-data: for NUL-separated records
    /// (`find -print0`, `git ls-files -z`, `ba --files -0`). Lines are printed with a NUL after
    /// them; `\n` is an ordinary character (`.` matches it, a pattern may hold it). Implies -a
    /// (--text) and overrides --crlf; not with -P or -r.
    #[arg(long = "null-data")]
    pub(crate) null_data: bool,

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

    /// Do not read the files of --ignore-file (from an alias or the config file); --ignore-files
    /// reads them again: the last of the two wins.
    #[arg(long = "no-ignore-files", overrides_with = "ignore_files")]
    pub(crate) no_ignore_files: bool,

    /// Undo --no-ignore-files.
    #[arg(long = "ignore-files", overrides_with = "no_ignore_files")]
    pub(crate) ignore_files: bool,

    /// Match the lines of ignore files (`.gitignore`, `.ignore`, `.git/info/exclude`, --ignore-file)
    /// without regard to case; --no-ignore-file-case-insensitive undoes it: the last wins.
    #[arg(long = "ignore-file-case-insensitive", overrides_with = "no_ignore_file_case_insensitive")]
    pub(crate) ignore_file_case_insensitive: bool,

    /// Undo --ignore-file-case-insensitive.
    #[arg(long = "no-ignore-file-case-insensitive", overrides_with = "ignore_file_case_insensitive")]
    pub(crate) no_ignore_file_case_insensitive: bool,

    /// Do not respect `.git/info/exclude` (`.gitignore` files still apply).
    #[arg(long = "no-ignore-exclude")]
    pub(crate) no_ignore_exclude: bool,

    /// Respect `.gitignore` files outside git repositories too (by default, as in git, only a
    /// repository's own apply); --require-git undoes it: the last of the two wins.
    #[arg(long = "no-require-git", overrides_with = "require_git")]
    pub(crate) no_require_git: bool,

    /// Undo --no-require-git.
    #[arg(long = "require-git", overrides_with = "no_require_git")]
    pub(crate) require_git: bool,

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

    /// Search inside compressed files: gzip (.gz, .tgz), bzip2 (.bz2, .tbz2), xz (.xz, .txz), .lzma, lz4
    /// (.lz4), zstd (.zst, .zstd), brotli (.br) and compress (.Z), by their extension. Their decompressed text is searched and
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

    /// Make each `path:LINE` of the terminal and pipe formats a hyperlink that opens the file, in
    /// terminals that know OSC 8 links, when colours are on (`--color always` into a pipe): default or file (`file://{host}{path}`), vscode
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
                "-R" | "--recursive" => "ba always searches directories recursively: leave it out",
                "-E" => {
                    "ba's patterns are Rust's regex (or PCRE2's with -P): leave it out (ripgrep's -E NAME is \
                     --encoding NAME)"
                }
                "--extended-regexp" | "-G" | "--basic-regexp" => {
                    "ba's patterns are Rust's regex (or PCRE2's with -P): leave it out"
                }
                "-L" => "use --files-without-match (grep's -l is --files-with-matches; -l is strict case)",
                "-y" => "use --ignore-case",
                "-s" => "use --no-messages (ripgrep's -s is strict case: -l here)",
                "-M" => "use --max-columns N",
                "--max-depth" | "--maxdepth" => "use -D N (--depth N)",
                "--include" => "use -g GLOB (--glob)",
                "--exclude" => "use -g '!GLOB'",
                "--exclude-dir" => "use -g '!DIR/' (or -i REGEX to skip names)",
                "--sort-files" => "ba's output is always in walk order, on every thread: leave it out",
                _ => return None,
            };
            Some(format!("{flag} is not a ba flag: {how} (ba --help lists the flags)"))
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let Some(ContextValue::String(arg)) = err.get(ContextKind::InvalidArg) else { return None };
            arg.starts_with("--workers").then(|| {
                let words: Vec<String> = argv[1..]
                    .iter()
                    .map(|arg| {
                        if arg == "-w" {
                            "--word-regexp".into()
                        } else {
                            shell_word(&arg.to_string_lossy())
                        }
                    })
                    .collect();
                format!(
                    "-w sets the number of searcher threads (-w 4; 0: one per core); for grep's -w, type \
                     --word-regexp: ba {}",
                    words.join(" ")
                )
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

/// `ba -in foo` (or `-fn`, `-dn`): grep's `-i -n` is read here as `-i n`, a regex of names to skip
/// (every file with an `n` in its name). A value of `-i`, `-f` or `-d` glued to it that is only grep
/// letters is refused, as `-rn` is, with the way to mean it.
pub(crate) fn glued_list_value(args: &Args, argv: &[OsString]) -> Option<String> {
    let lists: [(char, Vec<String>, &str, &str); 3] = [
        ('i', args.ignore.clone(), "skip every name matching", "grep's -i is --ignore-case here"),
        (
            'f',
            args.filename.clone(),
            "search only names matching",
            "grep's -f FILE is --patterns-file FILE here",
        ),
        (
            'd',
            args.directories.iter().map(|dir| dir.to_string_lossy().into_owned()).collect(),
            "search the directory",
            "grep's -d ACTION has no use here",
        ),
    ];
    lists.into_iter().find_map(|(letter, values, does, grep)| {
        let letters = values.iter().find(|value| grep_letters(value))?;
        let arg = glued_arg(argv, letter, letters)?;
        Some(format!(
            "{arg} is read as -{letter} {letters}: {does} '{letters}'. Type grep's flags apart ({grep}; \
             paths and line numbers are always shown); to mean it, put a space: -{letter} {letters}"
        ))
    })
}

/// The argument before `--` in which `value` came glued to the short flag `letter` (`-rn`, `-arn`):
/// grep's flags typed together, more likely than the value they became.
fn glued_arg<'a>(argv: &'a [OsString], letter: char, value: &str) -> Option<&'a str> {
    let glued = format!("{letter}{value}");
    argv.iter().skip(1).take_while(|arg| *arg != "--").find_map(|arg| {
        let arg = arg.to_str()?;
        (arg.starts_with('-') && !arg.starts_with("--") && arg.ends_with(&glued)).then_some(arg)
    })
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
    let arg = glued_arg(argv, 'r', letters)?;
    Some(format!(
        "{arg} is read as -r {letters}: replace every match with '{letters}', in place. For grep's -r, \
         leave it out (ba always searches directories recursively); to replace with '{letters}', put a \
         space: -r {letters}"
    ))
}

/// `ba -d src foo`: `-d` took `foo` too, and no pattern is left. Which flag did, and the fix: the
/// whole command again, the pattern put first (or after `--`), quoted so that pasting it runs it.
/// `ba -i pm_resume` (grep's ignore case) took the one argument there was: --ignore-case is the fix.
fn swallowed_pattern(argv: &[OsString]) -> Option<String> {
    let lists = [
        ("-d", "--directories", "directories", None),
        ("-i", "--ignore", "ignore regexes", Some("--ignore-case")),
        ("-f", "--filename", "filename regexes", Some("--patterns-file")),
    ];
    let (at, (_, _, what, grep_meaning)) = argv.iter().enumerate().rev().find_map(|(at, arg)| {
        lists.iter().find(|(short, long, ..)| arg == short || arg == long).map(|list| (at, *list))
    })?;
    let words: Vec<String> = argv.iter().map(|arg| shell_word(&arg.to_string_lossy())).collect();
    let flag = &words[at];
    let taken = argv[at + 1..].iter().take_while(|arg| !arg.as_encoded_bytes().starts_with(b"-")).count();
    let (before, values, after) = (&words[1..at], &words[at + 1..at + 1 + taken], &words[at + 1 + taken..]);
    let (last, rest) = values.split_last()?;
    let command = |parts: &[&[String]]| {
        std::iter::once("ba")
            .chain(parts.iter().flat_map(|part| part.iter().map(String::as_str)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let one = std::slice::from_ref;
    let told = format!(
        "no pattern: {flag} takes every argument after it as {what} ({}), so {last} was taken",
        values.join(" ")
    );
    match (rest.is_empty(), grep_meaning) {
        (true, Some(long)) => Some(format!(
            "{told}. For grep's {}, type {long}: {}",
            &flag[..2.min(flag.len())],
            command(&[before, one(&long.to_string()), one(last), after])
        )),
        (true, None) => Some(format!(
            "{told}. Give the pattern before it: {}",
            command(&[before, one(&"PATTERN".to_string()), one(flag), values, after])
        )),
        (false, _) => Some(format!(
            "{told} too. Put the pattern first: {}, or end the list with --: {}",
            command(&[before, one(last), one(flag), rest, after]),
            command(&[before, one(flag), rest, after, one(&"--".to_string()), one(last)])
        )),
    }
}

/// `word` as a shell reads it back: as it is when it holds only plain characters, else in single
/// quotes (a quote inside written `'\''`).
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:=,+@%^-".contains(c);
    match !word.is_empty() && word.chars().all(plain) {
        true => word.to_string(),
        false => format!("'{}'", word.replace('\'', r"'\''")),
    }
}

/// `10M` -> 10485760. K, M and G are powers of 1024.
fn parse_path_separator(text: &str) -> Result<u8, String> {
    match text.as_bytes() {
        [byte] => Ok(*byte),
        _ => Err(format!("{text:?}: a path separator is one byte")),
    }
}

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
