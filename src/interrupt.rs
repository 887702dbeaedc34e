//! Ctrl-C. The handler runs on its own thread: it stops new rewrites from starting, waits for the
//! one being written to be finished (or its temporary file removed), resets the terminal's colours,
//! then dies by SIGINT, so that a calling shell or script sees the interrupt, not an exit code.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{Context, Result};

/// Set by Ctrl-C before it waits for `WRITING`: no new file is started after it.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Held while a file is being rewritten; Ctrl-C waits for it.
static WRITING: Mutex<()> = Mutex::new(());

/// How long Ctrl-C waits for the terminal to take the colour reset: stdout may be a pipe nobody
/// reads (`ba x --color always | sleep 20`), and the interrupt must not wait for it.
const RESET_TIMEOUT: Duration = Duration::from_millis(100);

/// Installs the handler; `reset_colors` when the output may have left a colour on.
pub fn install(reset_colors: bool) -> Result<()> {
    ctrlc::set_handler(move || {
        INTERRUPTED.store(true, Ordering::SeqCst);
        drop(WRITING.lock());
        if reset_colors {
            reset_terminal_colors();
        }
        die_by_sigint();
    })
    .context("cannot install the Ctrl-C handler")
}

/// Permission to rewrite one file, held until it is in place; `None` once Ctrl-C was pressed.
pub(crate) struct Writing {
    _guard: MutexGuard<'static, ()>,
}

pub(crate) fn start_writing() -> Option<Writing> {
    let guard = WRITING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    (!INTERRUPTED.load(Ordering::SeqCst)).then_some(Writing { _guard: guard })
}

/// Writes the colour reset straight to the file descriptor, past the printer's buffer and lock, from
/// a thread of its own that is given up on after `RESET_TIMEOUT`.
fn reset_terminal_colors() {
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let writer = std::thread::Builder::new().spawn(move || {
        const RESET: &[u8] = b"\x1b[0m";
        // SAFETY: a plain write(2) of a static buffer to standard output.
        let _ = unsafe { libc::write(libc::STDOUT_FILENO, RESET.as_ptr().cast(), RESET.len()) };
        let _ = done_tx.send(());
    });
    if writer.is_ok() {
        let _ = done_rx.recv_timeout(RESET_TIMEOUT);
    }
}

/// Restores SIGINT's default action and raises it: the process ends as killed by SIGINT.
fn die_by_sigint() -> ! {
    // SAFETY: signal(2) and raise(3) with constants; nothing is shared with Rust code.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::raise(libc::SIGINT);
    }
    // Only if the signal is blocked in this thread: exit as a shell reports a death by SIGINT.
    let _ = io::Write::flush(&mut io::stderr());
    std::process::exit(130)
}
