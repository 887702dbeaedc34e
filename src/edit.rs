//! `-e`: open the hits in the user's editor once the search is done.
//!
//! The editor is chosen before the search (so that a bad `$EDITOR`, or no terminal to show it on,
//! is said before any work), the hits are gathered while the printer prints them (every hit, into a
//! quickfix file on disk, for the editors that read one; the first for the others: memory stays
//! flat however many lines match), and the editor runs once the search is over.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};
use tempfile::NamedTempFile;

use crate::messages;

/// The editor of `$VISUAL`, else `$EDITOR`, else `vi`, split into words as a shell splits them
/// (quotes, backslashes) but never run by one: a file name cannot inject a command.
#[derive(Clone, Debug)]
pub struct Editor {
    program: OsString,
    args: Vec<OsString>,
    /// The program's own name (`vim` for `/usr/bin/vim`), for messages and to know its kind.
    name: String,
    kind: Kind,
}

/// How an editor is told where to go.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// vim and neovim: `-q FILE`, a quickfix list of every hit.
    Quickfix { window: bool },
    /// VS Code and its builds: `--goto PATH:LINE:COL`, in a window of its own.
    VsCode,
    /// Sublime Text: `PATH:LINE:COL`, in a window of its own.
    Sublime,
    /// helix: `PATH:LINE:COL`.
    Helix,
    /// kakoune, micro and emacs: `+LINE:COL PATH`.
    PlusLineColon,
    /// nano: `+LINE,COL PATH`.
    Nano,
    /// Every other editor, as vi is: `+LINE PATH`.
    PlusLine,
}

impl Kind {
    fn of(name: &str) -> Kind {
        match name {
            "vim" | "nvim" | "vimx" | "vi.vim" => Kind::Quickfix { window: false },
            "gvim" | "mvim" | "nvim-qt" => Kind::Quickfix { window: true },
            "code" | "code-insiders" | "codium" | "vscodium" => Kind::VsCode,
            "subl" | "sublime_text" => Kind::Sublime,
            "hx" | "helix" => Kind::Helix,
            "kak" | "micro" | "emacs" | "emacsclient" => Kind::PlusLineColon,
            "nano" => Kind::Nano,
            _ => Kind::PlusLine,
        }
    }

    /// Editors that open a window of their own need no terminal.
    fn needs_terminal(self) -> bool {
        !matches!(self, Kind::Quickfix { window: true } | Kind::VsCode | Kind::Sublime)
    }
}

impl Editor {
    /// The user's editor, checked: its variable splits into words, and a terminal editor has a
    /// terminal to show on (standard output, or the process's terminal, `/dev/tty`).
    pub fn from_env() -> Result<Editor> {
        let (variable, value) = ["VISUAL", "EDITOR"]
            .into_iter()
            .find_map(|name| {
                std::env::var_os(name).filter(|value| !value.is_empty()).map(|value| (name, value))
            })
            .unwrap_or(("EDITOR", OsString::from("vi")));
        let value = value.into_string().map_err(|_| anyhow!("-e: ${variable} is not valid UTF-8"))?;
        let words = shell_words::split(&value).map_err(|err| anyhow!("-e: ${variable} ({value}): {err}"))?;
        let mut words = words.into_iter().map(OsString::from);
        let program = words.next().with_context(|| format!("-e: ${variable} holds no program"))?;
        let name =
            Path::new(&program).file_name().unwrap_or(program.as_os_str()).to_string_lossy().into_owned();
        let editor = Editor { kind: Kind::of(&name), program, args: words.collect(), name };
        if editor.kind.needs_terminal() && !io::stdout().is_terminal() {
            if let Err(err) = File::open("/dev/tty") {
                bail!(
                    "-e: no terminal to open {} on: standard output is not a terminal and /dev/tty cannot be \
                     opened ({})",
                    editor.name,
                    messages::describe(&err)
                );
            }
        }
        Ok(editor)
    }
}

/// Where a hit is, for the editors that open one.
struct Place {
    path: PathBuf,
    line: u64,
    /// In characters, from 1.
    column: usize,
}

/// The hits to open, gathered as the printer prints them.
pub struct EditList {
    editor: Editor,
    first: Option<Place>,
    /// For a quickfix editor, every hit as `PATH:LINE:COL:TEXT`, removed once the editor exits.
    quickfix: Option<BufWriter<NamedTempFile>>,
    /// Writing the quickfix file failed: said once the search is over.
    failed: Option<io::Error>,
    /// Hits were found in standard input, which the editor cannot open.
    stdin_hits: bool,
}

impl EditList {
    pub fn new(editor: &Editor) -> Result<EditList> {
        let quickfix = match editor.kind {
            Kind::Quickfix { .. } => {
                let file = tempfile::Builder::new()
                    .prefix("ba-quickfix-")
                    .suffix(".txt")
                    .tempfile()
                    .context("-e: cannot make the quickfix file")?;
                Some(BufWriter::new(file))
            }
            _ => None,
        };
        Ok(EditList { editor: editor.clone(), first: None, quickfix, failed: None, stdin_hits: false })
    }

    /// Adds a hit on line `line` of `path`, its first match at byte `match_start` of `text`.
    pub(crate) fn push(&mut self, path: &Path, line: u64, text: &[u8], match_start: usize) {
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if let Some(quickfix) = &mut self.quickfix {
            let name = path.as_os_str().as_encoded_bytes();
            // A line break would end the quickfix line early; vim reads no escapes.
            if name.contains(&b'\n') {
                messages::warning(path, "left out of the editor's list: the name holds a line break");
                return;
            }
            // Vim counts the column in bytes.
            let written = quickfix
                .write_all(name)
                .and_then(|()| write!(quickfix, ":{line}:{}:", match_start + 1))
                .and_then(|()| quickfix.write_all(text))
                .and_then(|()| quickfix.write_all(b"\n"));
            if let Err(err) = written {
                self.failed.get_or_insert(err);
            }
        }
        if self.first.is_none() {
            let column = String::from_utf8_lossy(&text[..match_start.min(text.len())]).chars().count() + 1;
            self.first = Some(Place { path: path.to_path_buf(), line, column });
        }
    }

    /// Notes a hit in standard input, which has no file to open.
    pub(crate) fn push_stdin(&mut self) {
        self.stdin_hits = true;
    }

    /// Runs the editor on the hits, if there are any.
    pub fn open(self) -> Result<()> {
        if self.stdin_hits {
            messages::notice("-e: the hits are in standard input, which has no file to open in the editor");
        }
        let Some(first) = &self.first else {
            return Ok(());
        };
        let editor = &self.editor;
        let mut command = Command::new(&editor.program);
        command.args(&editor.args);
        let at = |place: &Place| {
            let mut at = not_an_option(&place.path).into_os_string();
            at.push(format!(":{}:{}", place.line, place.column));
            at
        };
        // Kept until the editor exits; removed when dropped.
        let mut _quickfix = None;
        match editor.kind {
            Kind::Quickfix { .. } => {
                let file = self.quickfix.context("a quickfix editor has a quickfix file")?;
                if let Some(err) = self.failed {
                    return Err(err).context("-e: cannot write the quickfix file");
                }
                let file = file
                    .into_inner()
                    .map_err(|err| err.into_error())
                    .context("-e: cannot write the quickfix file")?;
                command.arg("-q").arg(file.path());
                _quickfix = Some(file);
            }
            Kind::VsCode => {
                command.arg("--goto").arg(at(first));
            }
            Kind::Sublime | Kind::Helix => {
                command.arg(at(first));
            }
            Kind::PlusLineColon => {
                command.arg(format!("+{}:{}", first.line, first.column)).arg(not_an_option(&first.path));
            }
            Kind::Nano => {
                command.arg(format!("+{},{}", first.line, first.column)).arg(not_an_option(&first.path));
            }
            Kind::PlusLine => {
                command.arg(format!("+{}", first.line)).arg(not_an_option(&first.path));
            }
        }
        // A terminal editor needs the terminal even when ba read a pipe or wrote into one.
        if editor.kind.needs_terminal() {
            if let Ok(tty) = File::open("/dev/tty") {
                if !io::stdin().is_terminal() {
                    command.stdin(tty.try_clone()?);
                }
                if !io::stdout().is_terminal() {
                    command.stdout(tty);
                }
            }
        }
        let status =
            command.status().with_context(|| format!("-e: cannot run the editor {}", editor.name))?;
        if !status.success() {
            bail!("-e: the editor {} exited with {status}", editor.name);
        }
        Ok(())
    }
}

/// A relative path starting with `-` or `+` would be read as an option: `./-x` is the same file.
fn not_an_option(path: &Path) -> PathBuf {
    let text = path.as_os_str().as_encoded_bytes();
    if text.starts_with(b"-") || text.starts_with(b"+") {
        Path::new(".").join(path)
    } else {
        path.to_path_buf()
    }
}
