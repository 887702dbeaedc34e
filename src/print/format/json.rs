//! `--json`: JSON Lines in ripgrep's schema, so that tools built for `rg --json` read ba's: a
//! `begin` and an `end` around each file with a match, a `match` or `context` message per line, a
//! `summary` at the end. Text that is not UTF-8 is given as base64 `bytes`.

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;

use super::{FileTotals, Shown};

pub(super) fn begin(out: &mut Vec<u8>, path: &Path) {
    out.extend_from_slice(br#"{"type":"begin","data":{"path":"#);
    data(out, path.as_os_str().as_encoded_bytes());
    out.extend_from_slice(b"}}\n");
}

/// A `match` or `context` message; with `--output-replace`, each submatch has its `replacement`.
pub(super) fn line(out: &mut Vec<u8>, path: &Path, line: &Shown, replacements: Option<&[Vec<u8>]>) {
    let kind: &[u8] = if line.context.is_some() { b"context" } else { b"match" };
    out.extend_from_slice(br#"{"type":""#);
    out.extend_from_slice(kind);
    out.extend_from_slice(br#"","data":{"path":"#);
    data(out, path.as_os_str().as_encoded_bytes());
    out.extend_from_slice(br#","lines":"#);
    if line.terminated {
        let mut text = Vec::with_capacity(line.text.len() + 1);
        text.extend_from_slice(line.text);
        text.push(b'\n');
        data(out, &text);
    } else {
        data(out, line.text);
    }
    out.extend_from_slice(br#","line_number":"#);
    out.extend_from_slice(itoa::Buffer::new().format(line.number).as_bytes());
    out.extend_from_slice(br#","absolute_offset":"#);
    out.extend_from_slice(itoa::Buffer::new().format(line.offset).as_bytes());
    out.extend_from_slice(br#","submatches":["#);
    if line.context.is_none() {
        for (i, span) in line.matches.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(br#"{"match":"#);
            data(out, &line.text[span.clone()]);
            if let Some(replacement) = replacements.and_then(|all| all.get(i)) {
                out.extend_from_slice(br#","replacement":"#);
                data(out, replacement);
            }
            out.extend_from_slice(br#","start":"#);
            out.extend_from_slice(itoa::Buffer::new().format(span.start).as_bytes());
            out.extend_from_slice(br#","end":"#);
            out.extend_from_slice(itoa::Buffer::new().format(span.end).as_bytes());
            out.push(b'}');
        }
    }
    out.extend_from_slice(b"]}}\n");
}

pub(super) fn end(
    out: &mut Vec<u8>,
    path: &Path,
    totals: &FileTotals,
    bytes_printed: u64,
    elapsed: Duration,
) {
    out.extend_from_slice(br#"{"type":"end","data":{"path":"#);
    data(out, path.as_os_str().as_encoded_bytes());
    out.extend_from_slice(br#","binary_offset":null,"stats":"#);
    stats(out, elapsed, 1, 1, totals, bytes_printed);
    out.extend_from_slice(b"}}\n");
}

/// The last message: what the whole search came to.
pub(crate) fn summary(
    out: &mut Vec<u8>,
    elapsed: Duration,
    searches: u64,
    with_match: u64,
    totals: &FileTotals,
    bytes_printed: u64,
) {
    out.extend_from_slice(br#"{"type":"summary","data":{"elapsed_total":"#);
    duration(out, elapsed);
    out.extend_from_slice(br#","stats":"#);
    stats(out, elapsed, searches, with_match, totals, bytes_printed);
    out.extend_from_slice(b"}}\n");
}

fn stats(
    out: &mut Vec<u8>,
    elapsed: Duration,
    searches: u64,
    with_match: u64,
    totals: &FileTotals,
    printed: u64,
) {
    out.extend_from_slice(br#"{"elapsed":"#);
    duration(out, elapsed);
    for (key, value) in [
        ("searches", searches),
        ("searches_with_match", with_match),
        ("bytes_searched", totals.bytes_searched),
        ("bytes_printed", printed),
        ("matched_lines", totals.hit_lines),
        ("matches", totals.matches),
    ] {
        out.extend_from_slice(format!(",\"{key}\":{value}").as_bytes());
    }
    out.push(b'}');
}

fn duration(out: &mut Vec<u8>, elapsed: Duration) {
    let (secs, nanos) = (elapsed.as_secs(), elapsed.subsec_nanos());
    let human = format!("{:.6}s", elapsed.as_secs_f64());
    out.extend_from_slice(format!(r#"{{"secs":{secs},"nanos":{nanos},"human":"{human}"}}"#).as_bytes());
}

/// `{"text":"..."}`, or `{"bytes":"<base64>"}` for bytes that are not UTF-8.
fn data(out: &mut Vec<u8>, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            out.extend_from_slice(br#"{"text":"#);
            string(out, text);
            out.push(b'}');
        }
        Err(_) => {
            out.extend_from_slice(br#"{"bytes":""#);
            out.extend_from_slice(base64::engine::general_purpose::STANDARD.encode(bytes).as_bytes());
            out.extend_from_slice(br#""}"#);
        }
    }
}

/// A JSON string, escaped.
fn string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut copied = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1F => {
                out.extend_from_slice(&bytes[copied..i]);
                out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
                copied = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[copied..i]);
        out.extend_from_slice(escape);
        copied = i + 1;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}
