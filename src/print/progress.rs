//! The progress line: when a search whose hits go to a terminal has run for a second, one line on
//! stderr tells how many files were searched, how fast, and where, a few times a second. The
//! printer owns it, as it owns stdout: the line is erased before anything else reaches the
//! terminal, so it never mixes with the hits, the errors or the summary.

use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::config::Output;
use crate::print::summary::{thousands, Summary};
use crate::sanitize::printable_path;

/// How long a search runs before the line is shown.
const SHOW_AFTER: Duration = Duration::from_secs(1);
/// How often it is redrawn.
const REDRAW_EVERY: Duration = Duration::from_millis(250);
/// Carriage return, then clear to the end of the line.
const ERASE: &[u8] = b"\r\x1b[K";

/// The line is on the screen. Process-wide, for the end by a signal, which must erase it too.
static ON_SCREEN: AtomicBool = AtomicBool::new(false);

/// Erases the line if it is on the screen, straight to the file descriptor: the process is ending
/// by a signal, and another thread may hold the lock of stderr.
pub(crate) fn erase_before_exit() {
    if ON_SCREEN.swap(false, Ordering::SeqCst) {
        // SAFETY: a plain write(2) of a static buffer to standard error.
        let _ = unsafe { libc::write(libc::STDERR_FILENO, ERASE.as_ptr().cast(), ERASE.len()) };
    }
}

/// Standard output, which erases the progress line before anything is written to it or flushed.
pub(crate) struct Stdout {
    stdout: io::Stdout,
    progress: Option<Progress>,
}

struct Progress {
    started: Instant,
    /// When the line is next drawn.
    due: Instant,
    /// The directory of the last file printed, as shown.
    place: String,
    /// The terminal's width: a line that wrapped could not be erased.
    columns: usize,
    line: Vec<u8>,
}

impl Stdout {
    pub(crate) fn new(output: &Output, started: Instant) -> Stdout {
        let progress = output.progress.then(|| Progress {
            started,
            due: started + SHOW_AFTER,
            place: String::new(),
            columns: terminal_size::terminal_size_of(io::stderr())
                .map_or(80, |(terminal_size::Width(w), _)| usize::from(w))
                .max(20),
            line: Vec::new(),
        });
        Stdout { stdout: io::stdout(), progress }
    }

    /// When the line is next due, if it is ever shown.
    pub(crate) fn due(&self) -> Option<Instant> {
        self.progress.as_ref().map(|progress| progress.due)
    }

    /// Notes where the search has got to: `path` was just printed.
    pub(crate) fn passed(&mut self, path: &Path) {
        if let Some(progress) = &mut self.progress {
            progress.place.clear();
            if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                progress.place.push_str(&printable_path(dir));
            }
        }
    }

    /// Draws the line with `summary`'s counts; what was written to stdout must be flushed first.
    pub(crate) fn show(&mut self, summary: &Summary) {
        let Some(progress) = &mut self.progress else { return };
        let now = Instant::now();
        progress.due = now + REDRAW_EVERY;
        let elapsed = now.duration_since(progress.started);
        progress.line.clear();
        progress.line.extend_from_slice(ERASE);
        progress.line.extend_from_slice(line(summary, elapsed, &progress.place, progress.columns).as_bytes());
        // Progress is no output: a failed write to stderr is not worth stopping the search for.
        ON_SCREEN.store(io::stderr().write_all(&progress.line).is_ok(), Ordering::SeqCst);
    }

    fn erase(&mut self) {
        if self.progress.is_some() && ON_SCREEN.swap(false, Ordering::SeqCst) {
            let _ = io::stderr().write_all(ERASE);
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.erase();
        self.stdout.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.erase();
        self.stdout.flush()
    }
}

/// `1,234 files searched, 56.7 MB/s, in src/walk`, in fewer than `columns` characters.
fn line(summary: &Summary, elapsed: Duration, place: &str, columns: usize) -> String {
    let rate = summary.bytes_searched as f64 / elapsed.as_secs_f64().max(0.001) / 1e6;
    let mut text = format!("{} files searched, {rate:.1} MB/s", thousands(summary.files_searched));
    let room = columns.saturating_sub(text.chars().count() + ", in ".len() + 1);
    let chars = place.chars().count();
    // The end of the directory is the part that tells where: its start is cut to fit.
    if chars > 0 && chars <= room {
        text.push_str(", in ");
        text.push_str(place);
    } else if chars > 0 && room > 3 {
        text.push_str(", in ...");
        text.extend(place.chars().skip(chars - (room - 3)));
    }
    text.chars().take(columns.saturating_sub(1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_fits_the_terminal() {
        let summary = Summary { files_searched: 12345, bytes_searched: 3_000_000, ..Summary::default() };
        let two = Duration::from_secs(2);
        assert_eq!(line(&summary, two, "", 80), "12,345 files searched, 1.5 MB/s");
        assert_eq!(line(&summary, two, "src/walk", 80), "12,345 files searched, 1.5 MB/s, in src/walk");
        assert_eq!(
            line(&summary, two, "linux/drivers/gpu/drm", 45),
            "12,345 files searched, 1.5 MB/s, in ...u/drm"
        );
        assert_eq!(line(&summary, two, "linux/drivers", 30), "12,345 files searched, 1.5 MB");
    }
}
