//! Properties of ba that random inputs check against naive oracles. The fuzz targets (`fuzz/`, for
//! cargo-fuzz on a nightly toolchain) and their stable runner (`tests/it/fuzz_properties.rs`, with
//! proptest) call the same functions, and the engine's own property tests use the oracle. Each
//! returns why the property does not hold; a panic is a failure too.
//!
//! Patterns, texts and templates come as recipes: any bytes pick pieces from small tables, so that
//! every input is worth a try (the regex features that meet the edges of lines, buffers and parts;
//! the bytes that end lines), where random strings would mostly be patterns that do not compile.
//!
//! The oracle reads a text as ba documents it: lines end at `\n` (a last line without one counts), a
//! UTF-8 byte-order mark at the start is not part of the first line, and a line matches when the
//! `regex` crate finds the pattern in it, the line alone (`\r` included).

use std::io::Cursor;
use std::path::Path;
use std::process::{Command, Stdio};

use regex::bytes::{Regex, RegexBuilder};

use crate::replace::stream::{self, Piece, Scratch};
use crate::search::engine::{lead_start, Context, Engine, Line, Selection, Sink, Window};
use crate::search::matcher::Matcher;
use crate::search::pattern::Groups;
use crate::template::Template;

/// Patterns the engine's properties and the command-line properties try: anchors, word
/// boundaries, classes, case (smart case looks at the uppercase ones), the `\r` of CRLF line ends,
/// and bytes that are not UTF-8.
pub const PATTERNS: &[&str] = &[
    "a",
    "ab",
    "A",
    "aB",
    "b+",
    "^a",
    "a$",
    "^$",
    "^",
    "$",
    "x*",
    r"a\s+b",
    r"\s",
    "[^a]",
    ".",
    "a|bc",
    r"\bab\b",
    "é",
    "É",
    r"\w{2}\s\w",
    "(a)(b)?",
    "[A-Z]",
    r"\d",
    "a.?b",
    r"\r$",
    r"\S+",
    // A line's start and end, in any part and through any buffer.
    r"\A",
    r"\z",
    r"\Aa",
    r"b\z",
    r"\A\z",
    r"\A\s*\w",
    r"\ba",
    r"\Bb",
    r"a\r$",
    r"^\r?$",
    r"\wab",
    r"[^a]\s*ab",
    r"(?:a|c)+ b",
    r"\b\wc a",
    r"(?i)\wAB",
    // `\A` and `\z` are a line's start and end, wherever the buffer or the part starts.
    r"\A\s*a",
    r"\A\wab",
    r"\sab\z",
    // A word boundary at a line's start; the `\r` of a CRLF line end.
    r"\b ",
    r"\r?$",
    r"b\r?\z",
    // Bytes that are not UTF-8, or a piece of a character.
    r"(?-u:\xa9)",
    r"(?-u:.)a",
    r"(?-u:\xc3)\S",
];

/// The pieces of patterns: literals, classes, anchors and boundaries, groups and repetitions.
const PATTERN_PIECES: &[&str] = &[
    "a",
    "b",
    "ab",
    "ba",
    "aab",
    "é",
    "A",
    "É",
    " ",
    "1",
    r"\s",
    r"\S",
    r"\w",
    r"\W",
    r"\d",
    ".",
    "[^a]",
    "[ab]",
    "[a-c]",
    "[[:alpha:]]",
    r"\pL",
    r"\r",
    r"\t",
    r"\b",
    r"\B",
    "^",
    "$",
    r"\A",
    r"\z",
    "(?i)",
    "(?-i)",
    "(?s)",
    "(?m)",
    "(",
    "(?:",
    "(?P<g>",
    ")",
    "|",
    "*",
    "+",
    "?",
    "{2}",
    "{0,2}",
    "*?",
    "+?",
];

/// The pieces of texts: line ends (LF, CRLF, none at the end), words, blanks, non-ASCII letters, a
/// byte that is not UTF-8, and the UTF-8 byte-order mark.
const TEXT_PIECES: &[&[u8]] = &[
    b"a",
    b"b",
    b"ab",
    b"aab",
    b"A",
    b"1",
    b"_",
    b" ",
    b"\t",
    b"\n",
    b"\n",
    b"\n",
    b"\r\n",
    b"\r",
    "é".as_bytes(),
    "É".as_bytes(),
    b"\xff",
    b"\xEF\xBB\xBF",
];

/// The pieces of replacement templates: every syntax of a group reference (good and bad), the
/// escapes, and the characters the parser looks for.
const TEMPLATE_PIECES: &[&str] = &[
    "$1", "${1}", "$0", "$$", "${g}", "$g", "$2", "${9}", r"\1", r"\0", r"\g<1>", r"\g<g>", r"\\", r"\n",
    r"\t", "$", r"\", "${", r"\g<", "{", "}", "<", ">", "a", "é", "1", "_", "-", " ", "x$",
];

/// The pattern a recipe makes: one piece per byte. A `)` only closes an open group, and the groups
/// left open are closed at the end, so that most recipes compile.
pub fn pattern_from(recipe: &[u8]) -> String {
    let mut pattern = String::new();
    let mut open = 0;
    for &byte in recipe {
        let piece = PATTERN_PIECES[byte as usize % PATTERN_PIECES.len()];
        match piece {
            ")" if open == 0 => continue,
            ")" => open -= 1,
            "(" | "(?:" | "(?P<g>" => open += 1,
            _ => {}
        }
        pattern.push_str(piece);
    }
    pattern.extend(std::iter::repeat_n(')', open));
    pattern
}

/// The text a recipe makes: one piece per byte.
pub fn text_from(recipe: &[u8]) -> Vec<u8> {
    recipe.iter().flat_map(|&byte| TEXT_PIECES[byte as usize % TEXT_PIECES.len()]).copied().collect()
}

/// The replacement template a recipe makes: one piece per byte.
pub fn template_from(recipe: &[u8]) -> String {
    recipe.iter().map(|&byte| TEMPLATE_PIECES[byte as usize % TEMPLATE_PIECES.len()]).collect()
}

/// The lines of `text` as ba numbers them, without their `\n`: a leading byte-order mark is not
/// part of the first line, and a last line without `\n` counts.
pub fn lines(text: &[u8]) -> Vec<&[u8]> {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    text.strip_suffix(b"\n").unwrap_or(text).split(|&b| b == b'\n').collect()
}

/// The regex the oracle runs on each line: the pattern as typed, and only that.
fn oracle_regex(pattern: &str, ignore_case: bool) -> Option<Regex> {
    RegexBuilder::new(pattern).case_insensitive(ignore_case).build().ok()
}

/// ba's matcher for `pattern`, and the oracle's regex; None where neither compiles (a bad
/// pattern). Only one compiling is a failure: ba refuses a literal newline alone, which no recipe
/// makes.
fn both_regexes(pattern: &str, ignore_case: bool) -> Result<Option<(Matcher, Regex)>, String> {
    match (Matcher::compile(pattern, ignore_case), oracle_regex(pattern, ignore_case)) {
        (Ok(matcher), Some(regex)) => Ok(Some((matcher, regex))),
        (Err(_), None) => Ok(None),
        (Ok(_), None) => Err(format!("ba compiles {pattern:?}, which the regex crate refuses")),
        (Err(err), Some(_)) => {
            Err(format!("ba refuses {pattern:?}, which the regex crate compiles: {err:#}"))
        }
    }
}

/// A line the engine or the oracle reports: its number, its text, and whether it is a hit (else
/// context).
pub type Reported = (u64, Vec<u8>, bool);

/// Which lines a search reports beyond the matching ones (`-v`, `-B`, `-A`, `--passthru`,
/// `--max-count`), as the fuzz targets and the tests give them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Lines {
    pub invert: bool,
    pub before: u64,
    pub after: u64,
    pub passthru: bool,
    pub max_count: Option<u64>,
}

impl Lines {
    fn selection(self) -> Selection {
        // --passthru shows every line: context counts do not apply.
        let (before, after) = if self.passthru { (0, 0) } else { (self.before, self.after) };
        Selection {
            invert: self.invert,
            before,
            after,
            passthru: self.passthru,
            max_count: self.max_count,
            multiline: false,
            stop_on_nonmatch: false,
        }
    }
}

/// The naive oracle: the lines a search reports, as grep reports them, found line by line.
pub fn oracle(regex: &Regex, text: &[u8], selection: Lines) -> Vec<Reported> {
    let selection = selection.selection();
    let lines = lines(text);
    let mut shown = Vec::new();
    let (mut last, mut hits, mut capped) = (0, 0, false);
    let mut after_left = if selection.passthru { u64::MAX } else { 0 };
    for (i, line) in lines.iter().enumerate() {
        let number = i as u64 + 1;
        let selected = regex.is_match(line) != selection.invert;
        if capped || !selected {
            if after_left > 0 {
                shown.push((number, line.to_vec(), false));
                last = number;
                after_left -= 1;
            } else if capped {
                break;
            }
            continue;
        }
        for before in number.saturating_sub(selection.before).max(last + 1)..number {
            shown.push((before, lines[before as usize - 1].to_vec(), false));
        }
        shown.push((number, line.to_vec(), true));
        last = number;
        hits += 1;
        after_left = if selection.passthru { u64::MAX } else { selection.after };
        capped = selection.max_count == Some(hits);
    }
    shown
}

/// Keeps the lines the engine reports, numbered from `line_base`.
#[derive(Default)]
pub(crate) struct Recorder {
    pub(crate) line_base: u64,
    pub(crate) found: Vec<Reported>,
}

impl Sink for Recorder {
    fn hit(&mut self, line: &Line) {
        self.found.push((self.line_base + line.number, line.text.to_vec(), true));
    }

    fn context(&mut self, line: &Line, _why: Context) {
        self.found.push((self.line_base + line.number, line.text.to_vec(), false));
    }

    fn forget(&mut self) {
        self.found.clear();
    }
}

/// Searches `text` cut at `cuts` into parts, as the searchers search a big file's parts, each
/// through a read buffer of `buffer` bytes at first, and puts the parts' lines together as the
/// printer does (a line already shown is not shown again). Returns the lines and the line count.
pub fn search_in_parts(engine: &Engine, text: &[u8], cuts: &[usize], buffer: usize) -> (Vec<Reported>, u64) {
    let mut bounds: Vec<usize> = cuts.iter().map(|&c| c.min(text.len())).collect();
    bounds.extend([0, text.len()]);
    bounds.sort();
    bounds.dedup();
    let (mut found, mut line_base) = (Vec::<Reported>::new(), 0);
    let single = bounds.len() == 2;
    for pair in bounds.windows(2) {
        let (start, end) = (pair[0] as u64, pair[1] as u64);
        // As `search::Searcher::search_part` opens a part.
        let window = if start == 0 {
            Window { end: (!single).then_some(end), ..Window::WHOLE }
        } else if engine.selection.before > 0 {
            let mut read_at = |block: &mut [u8], at: u64| {
                block.copy_from_slice(&text[at as usize..at as usize + block.len()]);
                Ok(())
            };
            let (origin, lead) = lead_start(&mut read_at, start, engine.selection.before).unwrap();
            Window { origin, lead, end: Some(end - origin), ..Window::WHOLE }
        } else {
            Window { origin: start - 1, skip_first_line: true, end: Some(end - start + 1), ..Window::WHOLE }
        };
        let mut reader = Cursor::new(&text[window.origin as usize..]);
        let mut kept = Recorder { line_base: line_base - window.lead, found: Vec::new() };
        let searched = engine.search_reader(&mut reader, &mut vec![0; buffer.max(1)], window, &mut kept);
        for line in kept.found {
            if found.last().is_none_or(|last| line.0 > last.0) {
                found.push(line);
            }
        }
        line_base += searched.lines;
    }
    (found, line_base)
}

/// A search of one text by the engine, as a fuzz target or a test gives it.
#[derive(Clone, Debug)]
pub struct EngineCase<'a> {
    pub pattern: &'a str,
    pub ignore_case: bool,
    pub text: &'a [u8],
    /// Where the text is cut into parts, as a big file is (any offsets; with `--max-count` a file is
    /// never cut, so these are left out).
    pub cuts: &'a [usize],
    /// The read buffer's size at first: it grows to hold a longer line.
    pub buffer: usize,
    pub lines: Lines,
}

/// The engine, through parts and small buffers, reports the lines the oracle reports, and counts
/// every line.
pub fn engine_matches_oracle(case: &EngineCase) -> Result<(), String> {
    let Some((matcher, regex)) = both_regexes(case.pattern, case.ignore_case)? else { return Ok(()) };
    let selection = case.lines.selection();
    let engine = Engine { selection, ..Engine::new(&matcher) };
    let cuts = if selection.max_count.is_some() { &[][..] } else { case.cuts };
    let (found, count) = search_in_parts(&engine, case.text, cuts, case.buffer);
    let expected = oracle(&regex, case.text, case.lines);
    if found != expected {
        return Err(format!(
            "{case:?}\nthe engine reports {}\nthe oracle reports {}",
            show(&found),
            show(&expected)
        ));
    }
    // Searching stops at the last hit wanted: the count is short of the lines after it.
    let lines = lines(case.text).len() as u64;
    if selection.max_count.is_none() && count != lines {
        return Err(format!("{case:?}\nthe engine counts {count} lines, the text has {lines}"));
    }
    Ok(())
}

/// Reported lines, readably.
fn show(lines: &[Reported]) -> String {
    let shown: Vec<String> = lines
        .iter()
        .map(|(number, text, hit)| {
            format!("{number}{}{:?}", if *hit { ":" } else { "-" }, String::from_utf8_lossy(text))
        })
        .collect();
    format!("[{}]", shown.join(", "))
}

/// The patterns a template is tried with: groups by number and by name, optional and alternative.
const TEMPLATE_PATTERNS: &[&str] = &[r"(?P<g>a)(b)?", r"(a)|(?P<g>b+)", r"\w", r"(?P<g>\w)(\d)?\s*"];

/// The template in the regex crate's syntax, for `Captures::expand`: as written back by
/// `Template::source`, whose backslashes are all `\\` pairs, each a backslash.
fn regex_syntax(template: &Template) -> String {
    template.source().replace("\\\\", "\\")
}

/// The template parser never panics, and what it parses means what the regex crate's own
/// `$`-syntax means: the template written back (`$$`, `\\`, `${N}`) parses to the same, and it
/// expands each match of `TEMPLATE_PATTERNS[pattern]` in `haystack` as `Captures::expand` does. A
/// template with no `$` and no `\` is its own text.
pub fn template_round_trips(template: &str, pattern: usize, haystack: &[u8]) -> Result<(), String> {
    let source = TEMPLATE_PATTERNS[pattern % TEMPLATE_PATTERNS.len()];
    let regex = Regex::new(source).unwrap();
    let matcher = Matcher::compile(source, false).unwrap();
    let Ok(parsed) = Template::parse(template, &matcher) else { return Ok(()) };
    let written = parsed.source();
    match Template::parse(&written, &matcher) {
        Ok(again) if again == parsed => {}
        again => {
            return Err(format!("{template:?} parses to {parsed:?}, written back as {written:?}: {again:?}"))
        }
    }
    let written = regex_syntax(&parsed);
    for caps in regex.captures_iter(haystack) {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        parsed.expand(&Groups::of(&caps), haystack, &mut ours);
        caps.expand(written.as_bytes(), &mut theirs);
        if ours != theirs {
            return Err(format!(
                "{template:?} (written back {written:?}) on {:?}: {:?}, the regex crate gives {:?}",
                String::from_utf8_lossy(&caps[0]),
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs)
            ));
        }
        if !template.contains(['$', '\\']) && ours != template.as_bytes() {
            return Err(format!("{template:?} expands to {:?}", String::from_utf8_lossy(&ours)));
        }
    }
    Ok(())
}

/// What `-r` makes of `text`, found line by line: in each matching line (a leading byte-order mark
/// is not part of it), each match is replaced by `template` in `$` syntax as the regex crate
/// expands it; a match stops before the `\r` of a CRLF line end, and matches at the `\r` or after it
/// are one empty match before it if the line without its `\r` ends with one, else none. Everything
/// else stays.
pub fn rewritten(regex: &Regex, template: &str, text: &[u8]) -> Vec<u8> {
    let (bom, body) = match text.strip_prefix(b"\xEF\xBB\xBF") {
        Some(body) => (&text[..3], body),
        None => (&b""[..], text),
    };
    let mut out = bom.to_vec();
    for line in body.split_inclusive(|&b| b == b'\n') {
        let (line, end) = match line.strip_suffix(b"\r\n") {
            Some(line) => (line, &b"\r\n"[..]),
            None => match line.strip_suffix(b"\n") {
                Some(line) => (line, &b"\n"[..]),
                None => (line, &b""[..]),
            },
        };
        // The regex sees the line with its `\r`, as the search does.
        let with_cr = if end == b"\r\n" { [line, b"\r"].concat() } else { line.to_vec() };
        let mut copied = 0;
        let mut last_end = None;
        let mut at_cr = false;
        for caps in regex.captures_iter(&with_cr) {
            let m = caps.get(0).unwrap();
            if end == b"\r\n" && m.start() >= line.len() {
                at_cr = true;
                continue;
            }
            let (start, stop) = (m.start(), m.end().min(line.len()));
            out.extend_from_slice(&line[copied..start]);
            caps.expand(template.as_bytes(), &mut out);
            copied = stop;
            last_end = Some(stop);
        }
        if at_cr && last_end != Some(line.len()) {
            if let Some(caps) = regex.captures_at(line, line.len()) {
                out.extend_from_slice(&line[copied..]);
                caps.expand(template.as_bytes(), &mut out);
                copied = line.len();
            }
        }
        out.extend_from_slice(&line[copied..]);
        out.extend_from_slice(end);
    }
    out
}

/// One pass of `-r` over `text` (as `replace::stream` rewrites a file, in memory) makes what the
/// oracle makes, with `template` made of `$`-syntax and plain text only.
pub fn rewrite_matches_oracle(
    pattern: &str,
    ignore_case: bool,
    template: &str,
    text: &[u8],
) -> Result<(), String> {
    let Some((matcher, regex)) = both_regexes(pattern, ignore_case)? else { return Ok(()) };
    let Ok(parsed) = Template::parse(template, &matcher) else { return Ok(()) };
    let written = regex_syntax(&parsed);
    let mut new = Vec::new();
    let pass = stream::pass(&matcher, &parsed, &mut &text[..], &mut Scratch::default(), |piece| {
        match piece {
            Piece::Bom(bytes) | Piece::Kept(bytes) => new.extend_from_slice(bytes),
            Piece::Line(line) => new.extend_from_slice(&[line.new, line.end].concat()),
        }
        Ok(())
    });
    if pass.is_err() {
        return Err(format!("the pass over {:?} failed", String::from_utf8_lossy(text)));
    }
    let expected = rewritten(&regex, &written, text);
    if new != expected {
        return Err(format!(
            "{pattern:?} -r {template:?} on {:?}: {:?}, the oracle gives {:?}",
            String::from_utf8_lossy(text),
            String::from_utf8_lossy(&new),
            String::from_utf8_lossy(&expected)
        ));
    }
    Ok(())
}

/// `ba`, the binary at `ba`, run in `dir` with `args` and none of the user's settings (config file,
/// colours, home, undo journal: that goes to `dir/state`).
fn ba(ba: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(ba);
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("BA_CONFIG_PATH")
        .env_remove("NO_COLOR")
        .env_remove("GIT_CONFIG_GLOBAL")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", dir.join("home"))
        .env("XDG_STATE_HOME", dir.join("state"));
    command
}

/// A search by the binary, as a fuzz target or a test gives it.
#[derive(Clone, Debug)]
pub struct BinaryCase<'a> {
    pub pattern: &'a str,
    pub ignore_case: bool,
    pub text: &'a [u8],
    /// `-w`: searcher threads.
    pub workers: u8,
    /// `BA_PART_SIZE`: a file over two parts is cut into parts of this size.
    pub part_size: u16,
}

/// `ba -p -w N PATTERN f.txt`, cutting the file into parts of `BA_PART_SIZE`, prints the lines the
/// oracle finds (`f.txt:LINE:line`), and exits 0 when there are some, 1 when there are none.
pub fn binary_search_matches_oracle(binary: &Path, case: &BinaryCase) -> Result<(), String> {
    let Some((_, regex)) = both_regexes(case.pattern, case.ignore_case)? else { return Ok(()) };
    let dir = tempfile::tempdir().map_err(|err| err.to_string())?;
    std::fs::write(dir.path().join("f.txt"), case.text).map_err(|err| err.to_string())?;
    let workers = case.workers.max(1).to_string();
    let case_flag = if case.ignore_case { "--ignore-case" } else { "--case-sensitive" };
    let out = ba(binary, dir.path(), &["-p", "-w", &workers, case_flag, "--", case.pattern, "f.txt"])
        .env("BA_PART_SIZE", case.part_size.max(1).to_string())
        .output()
        .map_err(|err| err.to_string())?;
    let mut expected = Vec::new();
    for (number, line, _) in oracle(&regex, case.text, Lines::default()) {
        expected.extend_from_slice(format!("f.txt:{number}:").as_bytes());
        expected.extend_from_slice(&line);
        expected.push(b'\n');
    }
    let code = if expected.is_empty() { 1 } else { 0 };
    if out.stdout != expected || out.status.code() != Some(code) || !out.stderr.is_empty() {
        return Err(format!(
            "{case:?}\nba exits {:?} and prints {:?} (stderr {:?})\nthe oracle: exit {code}, {:?}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&expected)
        ));
    }
    Ok(())
}

/// A rewrite by the binary, as a fuzz target or a test gives it.
#[derive(Clone, Debug)]
pub struct ReplaceCase<'a> {
    pub pattern: &'a str,
    pub ignore_case: bool,
    /// In `$` syntax and plain text, which the oracle expands as the regex crate does.
    pub template: &'a str,
    pub text: &'a [u8],
}

/// `ba -r` rewrites `t/f.txt` as the oracle does (exit 0, or 1 when nothing matches), and
/// `ba --undo` then gives back the old bytes, whatever the rewrite did.
pub fn binary_replace_then_undo(binary: &Path, case: &ReplaceCase) -> Result<(), String> {
    let Some((matcher, regex)) = both_regexes(case.pattern, case.ignore_case)? else { return Ok(()) };
    let Ok(parsed) = Template::parse(case.template, &matcher) else { return Ok(()) };
    let dir = tempfile::tempdir().map_err(|err| err.to_string())?;
    let file = dir.path().join("t/f.txt");
    std::fs::create_dir(dir.path().join("t")).map_err(|err| err.to_string())?;
    std::fs::write(&file, case.text).map_err(|err| err.to_string())?;
    let replace = format!("--replace={}", case.template);
    let case_flag = if case.ignore_case { "--ignore-case" } else { "--case-sensitive" };
    let out = ba(binary, dir.path(), &["-p", &replace, case_flag, "--", case.pattern, "t"])
        .output()
        .map_err(|err| err.to_string())?;
    let expected = rewritten(&regex, &regex_syntax(&parsed), case.text);
    let now = std::fs::read(&file).map_err(|err| err.to_string())?;
    let matched = !oracle(&regex, case.text, Lines::default()).is_empty();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let quiet = stderr.is_empty() || stderr.starts_with("ba: rewrote 1 file;") && stderr.lines().count() == 1;
    if now != expected || out.status.code() != Some(if matched { 0 } else { 1 }) || !quiet {
        return Err(format!(
            "{case:?}\nba -r exits {:?} (stderr {stderr:?}) and makes {:?}\nthe oracle makes {:?}",
            out.status.code(),
            String::from_utf8_lossy(&now),
            String::from_utf8_lossy(&expected)
        ));
    }
    let out = ba(binary, dir.path(), &["--undo"]).output().map_err(|err| err.to_string())?;
    let back = std::fs::read(&file).map_err(|err| err.to_string())?;
    if back != case.text {
        return Err(format!(
            "{case:?}\nba --undo exits {:?} (stderr {:?}) and leaves {:?}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&back)
        ));
    }
    Ok(())
}

/// The undo journal's reader on any bytes: it never panics, never allocates past what the bytes
/// hold, and what it accepts is whole: each old content within the journal and hashing to its hash,
/// as many records as a finished run counts.
pub fn undo_journal_reads_safely(bytes: &[u8], done: Option<u64>) -> Result<(), String> {
    use crate::replace::journal::{read_records, Unread};
    let len = bytes.len() as u64;
    match read_records(Cursor::new(bytes), len, done) {
        Ok(entries) => {
            if done.is_some_and(|records| records != entries.len() as u64) {
                return Err(format!("{} records read where done counts {done:?}", entries.len()));
            }
            for entry in &entries {
                let end = entry.offset.checked_add(entry.size).filter(|&end| end <= len);
                let Some(end) = end else { return Err(format!("{entry:?} runs past the journal")) };
                if blake3::hash(&bytes[entry.offset as usize..end as usize]) != entry.old {
                    return Err(format!("{entry:?}: the old content does not hash to its hash"));
                }
            }
            Ok(())
        }
        Err(Unread::Damaged(_)) => Ok(()),
        Err(Unread::Failed(err)) => Err(format!("an in-memory journal failed to read: {err}")),
    }
}

/// A whole journal of `records` (each a path, an old and a new content), changed by one `damage`:
/// a byte changed (at an index, with a mask), or the journal cut short. Read as a finished run's,
/// it is damage every time; read as a run that never ended, a journal cut short gives back whole
/// records only, of those written, in order.
pub fn undo_journal_damage_is_found(
    records: &[(Vec<u8>, Vec<u8>, Vec<u8>)],
    damage: JournalDamage,
) -> Result<(), String> {
    use crate::replace::journal::{journal_of, read_records, Unread};
    if records.is_empty() {
        return Ok(());
    }
    let whole = journal_of(records);
    let mut bytes = whole.clone();
    let cut = match damage {
        JournalDamage::Flip { at, mask } => {
            let at = at % bytes.len();
            bytes[at] ^= mask.max(1);
            false
        }
        JournalDamage::Cut { at } => {
            bytes.truncate(at % bytes.len());
            true
        }
    };
    let read = |done| read_records(Cursor::new(&bytes[..]), bytes.len() as u64, done);
    if !matches!(read(Some(records.len() as u64)), Err(Unread::Damaged(_))) {
        return Err(format!("{damage:?} not found in a finished run's journal"));
    }
    match (read(None), cut) {
        (Err(Unread::Damaged(_)), false) => Ok(()),
        (Ok(entries), true) => {
            let all = read_records(Cursor::new(&whole[..]), whole.len() as u64, None)
                .map_err(|err| format!("the whole journal does not read: {err:?}"))?;
            match all.starts_with(&entries) {
                true => Ok(()),
                false => Err(format!("{damage:?}: the records read are not the first ones written")),
            }
        }
        (read, _) => {
            Err(format!("{damage:?} in a run that never ended reads as {:?}", read.map(|e| e.len())))
        }
    }
}

/// How [`undo_journal_damage_is_found`] damages a journal.
#[derive(Clone, Copy, Debug)]
pub enum JournalDamage {
    Flip { at: usize, mask: u8 },
    Cut { at: usize },
}

/// A whole journal of `records` (each a path, an old and a new content), as `ba -r` writes it.
pub fn undo_journal_of(records: &[(Vec<u8>, Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    crate::replace::journal::journal_of(records)
}
