//! `-e`: open the hits in the user's editor once the search is done.

use std::ffi::OsString;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// A hit to open: where it is, and its line for the quickfix list.
pub struct EditHit {
    pub(crate) path: PathBuf,
    pub(crate) line_number: u64,
    pub(crate) text: String,
}

/// Editors that read a quickfix list with `-q FILE`.
const QUICKFIX_EDITORS: &[&str] = &["vim", "nvim", "gvim", "mvim", "vimx"];

/// Runs `$VISUAL`, else `$EDITOR`, else `vi`, split on white space into a program and its arguments
/// and started directly, never through a shell: a file name cannot inject a command.
pub fn open(hits: &[EditHit]) -> Result<()> {
    let Some(first) = hits.first() else {
        return Ok(());
    };
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(std::env::var_os)
        .find(|value| !value.is_empty())
        .unwrap_or_else(|| OsString::from("vi"));
    let editor = editor.to_string_lossy().into_owned();
    let mut words = editor.split_whitespace();
    let program = words.next().context("the editor variable holds only spaces")?;
    let mut command = Command::new(program);
    command.args(words);
    // The editor needs the terminal even when ba read its input from a pipe.
    if let Ok(tty) = File::open("/dev/tty") {
        command.stdin(tty);
    }

    let name = Path::new(program).file_name().and_then(|n| n.to_str()).unwrap_or(program);
    // Kept until the editor exits; removed when dropped.
    let _quickfix;
    if QUICKFIX_EDITORS.contains(&name) {
        let file = tempfile::Builder::new().prefix("ba-quickfix-").suffix(".txt").tempfile()?;
        let mut writer = BufWriter::new(file.as_file());
        for hit in hits {
            writeln!(
                writer,
                "{}:{}:{}",
                hit.path.display(),
                hit.line_number,
                hit.text.trim_end_matches('\r')
            )?;
        }
        writer.flush()?;
        drop(writer);
        command.arg("-q").arg(file.path());
        _quickfix = file;
    } else {
        command.arg(format!("+{}", first.line_number)).arg(not_an_option(&first.path));
    }

    let status = command.status().with_context(|| format!("cannot run the editor {program:?}"))?;
    if !status.success() {
        bail!("the editor {program:?} exited with {status}");
    }
    Ok(())
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
