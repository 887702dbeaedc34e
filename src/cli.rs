//! The command line: every flag ba takes, as the user types it.
//!
//! Black Arrow's short flags live in people's shell aliases (`-d`, `-i`, `-f`, `-w`, `-p`, `-m`, `-l`,
//! `-r`, `-e`, `-D`), so they keep their meaning even where grep uses the same letter for another job.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// ba (Black Arrow): search a tree of files for a regular expression, in parallel.
///
/// Every line that matches PATTERN is printed with its path and line number, in the order the
/// directories are walked. On a terminal each hit is shown as `path:LINE` with the line under it and a
/// summary at the end; into a pipe (or with -p) each hit is one line, `path:LINE:line`.
///
/// Exit status: 0 if a line matched, 1 if none did, 2 if an error occurred and no line matched (with
/// -r, also 2 if a file with matches could not be written).
#[derive(Parser, Debug)]
#[command(name = "ba", version, max_term_width = 100)]
pub struct Args {
    /// The regular expression to search for (Rust regex syntax). Smart case (not with -r): an
    /// all-lowercase pattern matches case-insensitively, any uppercase letter makes it case-sensitive.
    #[arg(required_unless_present_any = ["type_list", "files", "undo"])]
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

    /// Search with N searcher threads. Default: the number of available cores.
    #[arg(short = 'w', long = "workers", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
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

    /// Match PATTERN only as a whole word (as `\b(?:PATTERN)\b`).
    #[arg(long = "word-regexp")]
    pub(crate) word_regexp: bool,

    /// Descend at most N directories below each root: `-D 0` searches only the files directly in each
    /// root, `-D 1` those and the files one directory down.
    #[arg(short = 'D', long = "depth", value_name = "N")]
    pub(crate) depth: Option<usize>,

    /// Replace every match with REPL in the files searched, safely (see the README): `$1`, `${name}`,
    /// `$0` and `$$` (a dollar), or `\1`, `\g<name>`. Each file is written whole to a temporary file
    /// and renamed over the original. With -r the pattern is case-sensitive unless --ignore-case (no
    /// smart case). Try it first with --dry-run.
    #[arg(short = 'r', long = "replace", value_name = "REPL")]
    pub(crate) replace: Option<String>,

    /// With -r: show the changes as a unified diff and write nothing.
    #[arg(long = "dry-run", requires = "replace")]
    pub(crate) dry_run: bool,

    /// With -r: show each file's changes and ask before writing it (y/n/a/q).
    #[arg(long = "interactive", requires = "replace")]
    pub(crate) interactive: bool,

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

    /// Undo the last -r: put back the files it rewrote, from the undo journal ($XDG_STATE_HOME/ba,
    /// else ~/.local/state/ba), except those changed since (each is named). Run it again to undo the
    /// rewrite before. Exit status: 0 if every file was restored, 1 if there was nothing to undo, 2
    /// if a file could not be.
    #[arg(
        long = "undo",
        conflicts_with_all = ["pattern", "paths", "directories", "replace", "files", "type_list"]
    )]
    pub undo: bool,

    /// With -r: keep no undo journal; the rewrite cannot be undone with --undo.
    #[arg(long = "no-undo", requires = "replace")]
    pub(crate) no_undo: bool,

    /// With -r: the most bytes of old contents this rewrite may keep in the undo journal (K, M or G
    /// suffix; default 256M). The rewrite stops before the file that would pass it.
    #[arg(long = "undo-limit", value_name = "SIZE", value_parser = parse_size, requires = "replace")]
    pub(crate) undo_limit: Option<u64>,

    /// After the search, open the hits in $VISUAL or $EDITOR (else vi): vim and neovim get every hit as
    /// a quickfix list, other editors the first hit at its line.
    #[arg(short = 'e', long = "edit")]
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
