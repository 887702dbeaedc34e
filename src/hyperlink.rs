//! `--hyperlink-format`: OSC 8 hyperlinks, as ripgrep writes them, around each `path:LINE` of the
//! terminal format, so that a click opens the file (at the line, where the format says so) in a
//! terminal that knows them; other terminals show the text alone.
//!
//! A link is `ESC ] 8 ; ; URL ESC \`, the text, then `ESC ] 8 ; ; ESC \`. The URL is the format with
//! `{path}` (absolute, percent-encoded), `{line}`, `{column}` and `{host}` filled in.

use std::cell::RefCell;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// What `default` and `file` stand for: a `file://` URL, with the host for links seen over ssh.
const FILE_FORMAT: &str = "file://{host}{path}";
const VSCODE_FORMAT: &str = "vscode://file{path}:{line}:{column}";

/// A parsed `--hyperlink-format`; without pieces, no links (`none`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HyperlinkFormat {
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Path,
    Line,
    Column,
    Host,
}

impl HyperlinkFormat {
    /// `default`, `file`, `vscode`, `none` (or nothing), or a template such as
    /// `file://{host}{path}#{line}`: a URL scheme, then text with `{path}` and, if wanted, `{line}`,
    /// `{column}` and `{host}`.
    pub(crate) fn parse(text: &str) -> Result<HyperlinkFormat, String> {
        let template = match text {
            "" | "none" => return Ok(HyperlinkFormat { pieces: Vec::new() }),
            "default" | "file" => FILE_FORMAT,
            "vscode" => VSCODE_FORMAT,
            template => template,
        };
        let scheme = template.split_once(':').map_or("", |(scheme, _)| scheme);
        let mut scheme_chars = scheme.chars();
        if !scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            || !scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return Err("it must be default, file, vscode or none, or start with a URL scheme such as \
                        file: or vscode:"
                .into());
        }
        if template.chars().any(|c| c.is_control() || c == ' ') {
            return Err("a URL holds no spaces or control characters".into());
        }
        let mut pieces = Vec::new();
        let mut rest = template;
        while !rest.is_empty() {
            let text_end = rest.find(['{', '}']).unwrap_or(rest.len());
            if text_end > 0 {
                pieces.push(Piece::Text(rest[..text_end].to_string()));
            }
            rest = &rest[text_end..];
            if rest.starts_with('}') {
                return Err("a '}' without its '{'".into());
            }
            let Some(inside) = rest.strip_prefix('{') else { break };
            let Some((name, after)) = inside.split_once('}') else {
                return Err("a '{' without its '}'".into());
            };
            pieces.push(match name {
                "path" => Piece::Path,
                "line" => Piece::Line,
                "column" => Piece::Column,
                "host" => Piece::Host,
                _ => {
                    return Err(format!(
                        "unknown {{{name}}}: the variables are {{path}}, {{line}}, {{column}} and {{host}}"
                    ))
                }
            });
            rest = after;
        }
        if !pieces.contains(&Piece::Path) {
            return Err("the format has no {path}".into());
        }
        Ok(HyperlinkFormat { pieces })
    }

    /// Whether it makes no links (`none`).
    pub(crate) fn is_none(&self) -> bool {
        self.pieces.is_empty()
    }
}

/// A format with what it needs to make links: the host and the directory relative paths are in.
#[derive(Clone, Debug)]
pub(crate) struct Hyperlinks {
    format: HyperlinkFormat,
    /// Percent-encoded; empty when the format has no `{host}`.
    host: Vec<u8>,
    cwd: PathBuf,
}

impl Hyperlinks {
    pub(crate) fn new(format: HyperlinkFormat, cwd: PathBuf) -> Hyperlinks {
        let host = if format.pieces.contains(&Piece::Host) { encode(&hostname()) } else { Vec::new() };
        Hyperlinks { format, host, cwd }
    }
}

/// Makes the links of one formatter's output. The file is set once, when its path is formatted
/// (behind a shared reference: the formatter formats paths through one), before the hits that link
/// to it.
pub(crate) struct Linker {
    links: Hyperlinks,
    /// The file, absolute and percent-encoded.
    path: RefCell<Vec<u8>>,
}

impl Linker {
    pub(crate) fn new(links: Hyperlinks) -> Linker {
        Linker { links, path: RefCell::new(Vec::new()) }
    }

    /// The file the next links go to.
    pub(crate) fn set_file(&self, path: &Path) {
        let absolute: PathBuf = if path.is_absolute() { path.into() } else { self.links.cwd.join(path) };
        // Through `components`: `.` and doubled slashes go; `..` stays, as a symbolic link may
        // stand before it.
        let absolute: PathBuf = absolute.components().collect();
        *self.path.borrow_mut() = encode(absolute.as_os_str().as_bytes());
    }

    /// Starts a link to the file set, at `line` and `column`.
    pub(crate) fn open(&self, out: &mut Vec<u8>, line: &str, column: usize) {
        out.extend_from_slice(b"\x1b]8;;");
        for piece in &self.links.format.pieces {
            match piece {
                Piece::Text(text) => out.extend_from_slice(text.as_bytes()),
                Piece::Path => out.extend_from_slice(&self.path.borrow()),
                Piece::Line => out.extend_from_slice(line.as_bytes()),
                Piece::Column => out.extend_from_slice(itoa::Buffer::new().format(column).as_bytes()),
                Piece::Host => out.extend_from_slice(&self.links.host),
            }
        }
        out.extend_from_slice(b"\x1b\\");
    }

    /// Ends the link.
    pub(crate) fn close(out: &mut Vec<u8>) {
        out.extend_from_slice(b"\x1b]8;;\x1b\\");
    }
}

/// Percent-encodes every byte but the unreserved ones of RFC 3986 and `/`: what is left is plain
/// ASCII, which can neither end the escape sequence nor drive the terminal.
fn encode(bytes: &[u8]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(bytes.len());
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(byte);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 15)]]);
        }
    }
    out
}

/// This machine's name, as gethostname(2) gives it; empty if it cannot.
fn hostname() -> Vec<u8> {
    let mut name = [0u8; 256];
    // SAFETY: gethostname writes at most `name.len()` bytes into `name`.
    if unsafe { libc::gethostname(name.as_mut_ptr().cast(), name.len()) } != 0 {
        return Vec::new();
    }
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    name[..end].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(format: &str, cwd: &str, path: &str) -> String {
        let format = HyperlinkFormat::parse(format).unwrap();
        let linker = Linker::new(Hyperlinks::new(format, cwd.into()));
        linker.set_file(Path::new(path));
        let mut out = Vec::new();
        linker.open(&mut out, "12", 5);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn paths_are_absolute_and_percent_encoded() {
        assert_eq!(
            link("vscode", "/home/me", "src/./a b.rs"),
            "\x1b]8;;vscode://file/home/me/src/a%20b.rs:12:5\x1b\\"
        );
        assert_eq!(
            link("x-ed:{path}", "/w", "/abs/é%#?\x1b.c"),
            "\x1b]8;;x-ed:/abs/%C3%A9%25%23%3F%1B.c\x1b\\"
        );
        assert_eq!(link("a:{path}#L{line}", "/", "../up"), "\x1b]8;;a:/../up#L12\x1b\\");
    }

    #[test]
    fn formats_are_checked() {
        assert!(HyperlinkFormat::parse("none").unwrap().is_none());
        assert!(HyperlinkFormat::parse("").unwrap().is_none());
        assert_eq!(HyperlinkFormat::parse("default"), HyperlinkFormat::parse("file://{host}{path}"));
        for bad in [
            "{path}",
            "1x:{path}",
            "file://{host}",
            "file:{paht}",
            "file:{path",
            "file:}{path}",
            "f:{path} x",
        ] {
            assert!(HyperlinkFormat::parse(bad).is_err(), "{bad}");
        }
    }
}
