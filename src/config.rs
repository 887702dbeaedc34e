//! The resolved configuration: what the command line means, worked out once and shared read-only by
//! every stage.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use ignore::overrides::{Override, OverrideBuilder};
use ignore::types::{Types, TypesBuilder};
use regex::bytes::{Regex, RegexSet};
use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::{self, Hir, HirKind};

use crate::cli::{Args, ColorWhen};

/// Directory names skipped unless `--no-default-ignore`: version-control data nobody greps.
pub const DEFAULT_IGNORED_DIRS: &[&str] = &[".git", ".hg", ".svn"];
/// File name ending skipped unless `--no-default-ignore`: minified bundles, one enormous line each.
pub const DEFAULT_IGNORED_FILE_SUFFIX: &str = ".min.js";

pub struct Config {
    /// Where to search, in the order given, without repeats.
    pub roots: Vec<Root>,
    pub matcher: Matcher,
    pub walk: WalkRules,
    pub workers: usize,
    pub output: Output,
    /// No path was given and standard input is a pipe or a file: search it instead of `.`.
    pub stdin: bool,
    /// Search files with NUL bytes too (`-a`).
    pub text: bool,
    /// Open the hits in an editor after the search (`-e`).
    pub edit: bool,
    /// `--files`: list the files to search instead of searching them.
    pub list_files: bool,
    /// `-r`: replace the matches in the files.
    pub replace: Option<Replace>,
}

pub struct Replace {
    /// The replacement text as typed, parsed by `replace::Template`.
    pub template: String,
    pub dry_run: bool,
    pub interactive: bool,
    pub force_hardlinks: bool,
}

/// A path to search and how to show the paths found below it.
pub struct Root {
    pub path: PathBuf,
    /// The implicit `.`: paths below it print without the leading `./`, as typed paths would.
    pub implicit: bool,
}

/// The compiled pattern.
pub struct Matcher {
    /// Multi-line mode (`^`/`$` match at line ends) with `\n` removed from every class, so a match
    /// never spans two lines and the searcher can run it over a whole buffer at once.
    pub regex: Regex,
    /// Literals that every match holds somewhere after its start, when the pattern has some: the
    /// searcher finds them first and runs `regex` only on the lines that hold one, as ripgrep does.
    /// (A literal at the start of the pattern the regex engine already looks for itself.)
    pub candidates: Option<Regex>,
    /// The pattern has capture groups: the terminal output shows what they captured.
    pub has_groups: bool,
}

/// Which entries the indexer sends to the searchers.
pub struct WalkRules {
    /// `-i`: skip files and directories whose name matches.
    pub ignore: Option<RegexSet>,
    /// `-f`: search only files whose name matches.
    pub filename: Option<RegexSet>,
    /// Skip the directories `DEFAULT_IGNORED_DIRS` and files ending in `DEFAULT_IGNORED_FILE_SUFFIX`.
    pub default_ignores: bool,
    /// `-D`: the deepest directory level below a root to search in.
    pub depth: Option<usize>,
    pub follow: bool,
    /// Respect `.gitignore`, `.git/info/exclude`, the global excludes file and `.ignore`.
    pub ignore_files: bool,
    /// Search hidden files and directories.
    pub hidden: bool,
    /// `-t`/`-T`.
    pub types: Option<Types>,
    /// `-g`, matched against paths relative to the root being walked.
    pub globs: Option<Override>,
    pub max_filesize: Option<u64>,
}

pub struct Output {
    /// `path:LINE:line` (pipe) or `path:LINE` and the line under it (pretty).
    pub pretty: bool,
    pub color: bool,
    pub match_only: bool,
    /// The summary also tells what was skipped (`--stats`).
    pub stats: bool,
    /// Pretty output cuts lines longer than this many characters.
    pub max_line_chars: usize,
    /// Flush after every file with hits, so a person watching sees them as they come.
    pub flush_each_file: bool,
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

        let matcher = Matcher::new(&args)?;
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
            }),
        })
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

impl Matcher {
    fn new(args: &Args) -> Result<Matcher> {
        // `--files` searches nothing: the empty pattern stands in.
        let pattern = match args.pattern.as_deref() {
            Some(pattern) => pattern,
            None if args.files => "",
            None => bail!("no pattern given"),
        };
        let mut pattern = if args.fixed_strings { regex::escape(pattern) } else { pattern.to_string() };
        if args.word_regexp {
            pattern = format!(r"\b(?:{pattern})\b");
        }
        let case_insensitive = args.ignore_case || (!args.case_sensitive && !has_uppercase_literal(&pattern));
        Matcher::compile(&pattern, case_insensitive)
    }

    pub fn compile(pattern: &str, case_insensitive: bool) -> Result<Matcher> {
        let hir = regex_syntax::ParserBuilder::new()
            .multi_line(true)
            .case_insensitive(case_insensitive)
            .build()
            .parse(pattern)
            .map_err(|e| anyhow::anyhow!("invalid pattern:\n{e}"))?;
        let has_groups = hir.properties().explicit_captures_len() > 0;
        let hir = without_newlines(&hir)?;
        // `Hir` prints as an equivalent pattern: the regex crate compiles the rewritten expression.
        let regex = regex::bytes::RegexBuilder::new(&hir.to_string())
            .size_limit(256 << 20)
            .dfa_size_limit(64 << 20)
            .build()
            .context("invalid pattern")?;
        Ok(Matcher { regex, candidates: inner_literals(&hir), has_groups })
    }
}

/// See `Matcher::candidates`: the best set of literals that start the rest of the pattern's
/// top-level sequence after its first element, each at least two bytes long.
fn inner_literals(hir: &Hir) -> Option<Regex> {
    let mut hir = hir;
    while let HirKind::Capture(capture) = hir.kind() {
        hir = &capture.sub;
    }
    let HirKind::Concat(elements) = hir.kind() else { return None };
    let mut best: Option<(Vec<hir::literal::Literal>, usize)> = None;
    for start in 1..elements.len() {
        // Every match of the rest of the sequence starts with one of these (case-insensitive
        // letters are one element each: `(?i)ah` gives {ah, aH, Ah, AH}).
        let seq = hir::literal::Extractor::new().extract(&Hir::concat(elements[start..].to_vec()));
        let (Some(literals), Some(shortest)) = (seq.literals(), seq.min_literal_len()) else { continue };
        if literals.is_empty() || literals.len() > 16 || shortest < 2 {
            continue;
        }
        if best.as_ref().is_none_or(|&(_, best_shortest)| shortest > best_shortest) {
            best = Some((literals.to_vec(), shortest));
        }
    }
    let (literals, _) = best?;
    let alternation = literals
        .iter()
        .map(|literal| std::str::from_utf8(literal.as_bytes()).ok().map(regex::escape))
        .collect::<Option<Vec<_>>>()?
        .join("|");
    Regex::new(&alternation).ok()
}

/// Smart case looks at the letters the user typed, not at escapes: `\p{Greek}` or `\W` stay lowercase.
fn has_uppercase_literal(pattern: &str) -> bool {
    fn in_ast(ast: &Ast) -> bool {
        match ast {
            Ast::Literal(lit) => lit.c.is_uppercase(),
            Ast::ClassBracketed(class) => in_set(&class.kind),
            Ast::Repetition(rep) => in_ast(&rep.ast),
            Ast::Group(group) => in_ast(&group.ast),
            Ast::Alternation(alt) => alt.asts.iter().any(in_ast),
            Ast::Concat(concat) => concat.asts.iter().any(in_ast),
            _ => false,
        }
    }
    fn in_set(set: &ast::ClassSet) -> bool {
        match set {
            ast::ClassSet::Item(item) => in_item(item),
            ast::ClassSet::BinaryOp(op) => in_set(&op.lhs) || in_set(&op.rhs),
        }
    }
    fn in_item(item: &ast::ClassSetItem) -> bool {
        match item {
            ast::ClassSetItem::Literal(lit) => lit.c.is_uppercase(),
            ast::ClassSetItem::Range(range) => range.start.c.is_uppercase() || range.end.c.is_uppercase(),
            ast::ClassSetItem::Bracketed(class) => in_set(&class.kind),
            ast::ClassSetItem::Union(union) => union.items.iter().any(in_item),
            _ => false,
        }
    }
    // An unparsable pattern is reported by the real parse that follows.
    ast::parse::Parser::new().parse(pattern).is_ok_and(|ast| in_ast(&ast))
}

/// Removes `\n` from every class (`\s`, `[^a]`, ...) so no match can cross a line end; a literal
/// newline in the pattern can never match a line and is refused.
fn without_newlines(hir: &Hir) -> Result<Hir> {
    Ok(match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => hir.clone(),
        HirKind::Literal(hir::Literal(bytes)) => {
            if bytes.contains(&b'\n') {
                bail!("the pattern contains a literal newline, but matches never span lines");
            }
            hir.clone()
        }
        HirKind::Class(hir::Class::Unicode(class)) => {
            let mut class = class.clone();
            class.difference(&hir::ClassUnicode::new([hir::ClassUnicodeRange::new('\n', '\n')]));
            Hir::class(hir::Class::Unicode(class))
        }
        HirKind::Class(hir::Class::Bytes(class)) => {
            let mut class = class.clone();
            class.difference(&hir::ClassBytes::new([hir::ClassBytesRange::new(b'\n', b'\n')]));
            Hir::class(hir::Class::Bytes(class))
        }
        HirKind::Repetition(rep) => {
            Hir::repetition(hir::Repetition { sub: Box::new(without_newlines(&rep.sub)?), ..rep.clone() })
        }
        HirKind::Capture(cap) => {
            Hir::capture(hir::Capture { sub: Box::new(without_newlines(&cap.sub)?), ..cap.clone() })
        }
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(without_newlines).collect::<Result<_>>()?),
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.iter().map(without_newlines).collect::<Result<_>>()?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_case_looks_only_at_typed_letters() {
        assert!(!has_uppercase_literal(r"foo\W\p{Greek}\S"));
        assert!(has_uppercase_literal("fooBar"));
        assert!(has_uppercase_literal("[A-Z]+_resume"));
        assert!(!has_uppercase_literal("[a-z]+"));
    }

    #[test]
    fn classes_lose_the_newline() {
        let hir = regex_syntax::ParserBuilder::new().multi_line(true).build().parse(r"a\s+b[^x].").unwrap();
        let re = Regex::new(&without_newlines(&hir).unwrap().to_string()).unwrap();
        assert!(re.is_match(b"a  byz"));
        assert!(!re.is_match(b"a\nbyz"));
        assert!(!re.is_match(b"a b\nz"));
    }

    #[test]
    fn inner_literals_are_found_after_the_start() {
        let candidates = |pattern: &str, ci| Matcher::compile(pattern, ci).unwrap().candidates;
        assert_eq!(candidates(r"\wAh", false).unwrap().as_str(), "Ah");
        assert_eq!(candidates(r"(\w+)\s*=\s*PM_RESUME", false).unwrap().as_str(), "PM_RESUME");
        assert_eq!(candidates(r"\wah", true).unwrap().as_str().split('|').count(), 4);
        // A literal start is left to the regex engine; no literal at all gives nothing.
        assert!(candidates("PM_RESUME", false).is_none());
        assert!(candidates(r"\w{5}\s+\w{5}", false).is_none());
        assert!(candidates("foo|bar", false).is_none());
    }

    #[test]
    fn a_literal_newline_is_refused() {
        let hir = regex_syntax::Parser::new().parse("a\nb").unwrap();
        assert!(without_newlines(&hir).is_err());
    }
}
