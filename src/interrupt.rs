//! Ctrl-C, SIGTERM, SIGHUP and SIGQUIT, where ba has something to finish before it ends (a rewrite,
//! colours; `Config::takes_signals`). They are blocked in every thread and taken by a thread of their
//! own: it stops new rewrites from starting, waits for the one being written to be finished (or its
//! temporary file removed), resets the terminal's colours, then dies by the signal it took, so that a
//! calling shell or script sees the signal, not an exit code.

use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::messages;
use crate::print::progress;

/// The signals that end ba once the file being written is in place (Ctrl-\ too: it must not leave
/// a terminal read a key at a time).
const SIGNALS: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

/// Set by a signal before it waits for `WRITING`: no new file is started after it.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Held while a file is being rewritten; a signal waits for it.
static WRITING: Mutex<()> = Mutex::new(());

/// Files a rewrite has put in place so far, and whether `--undo` can restore them: said when a
/// signal ends the rewrite.
static REWRITTEN: AtomicU64 = AtomicU64::new(0);
static UNDOABLE: AtomicBool = AtomicBool::new(true);
/// A terminal taken out of line mode to read one key, with the settings to give back to it.
static RAW: Mutex<Option<(RawFd, libc::termios)>> = Mutex::new(None);

/// How long an interrupt waits for the terminal to take the colour reset: stdout may be a pipe nobody
/// reads (`ba x --color always | sleep 20`), and the interrupt must not wait for it.
const RESET_TIMEOUT: Duration = Duration::from_millis(100);

/// Blocks the signals in this thread, which every thread started after it inherits, and starts the
/// thread that waits for them; `reset_colors` when the output may have left a colour on. Call it
/// before starting any other thread. (A child process starts with no signal blocked: the standard
/// library clears the mask before it runs a program.)
pub fn install(reset_colors: bool) -> Result<()> {
    let set = signal_set(&SIGNALS);
    // SAFETY: pthread_sigmask(3) with a set made by sigemptyset/sigaddset.
    if unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) } != 0 {
        bail!("cannot take over Ctrl-C, SIGTERM, SIGHUP and SIGQUIT");
    }
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let signal = wait_for(&set);
            INTERRUPTED.store(true, Ordering::SeqCst);
            drop(WRITING.lock());
            restore_terminal();
            progress::erase_before_exit();
            let rewritten = REWRITTEN.load(Ordering::SeqCst);
            if rewritten > 0 {
                let undoable = UNDOABLE.load(Ordering::SeqCst);
                messages::notice(&messages::rewrote(rewritten, undoable, " before the interrupt"));
            }
            if reset_colors {
                reset_terminal_colors();
            }
            die_by(signal);
        })
        .context("cannot start the thread that takes Ctrl-C, SIGTERM, SIGHUP and SIGQUIT")?;
    Ok(())
}

/// Permission to rewrite one file, held until it is in place.
pub(crate) struct Writing {
    _guard: MutexGuard<'static, ()>,
}

/// Waits for the file being written to be in place. Once a signal came, it never returns: the
/// process is about to end, and a file not started is not started, nor reported as not written.
pub(crate) fn start_writing() -> Writing {
    if INTERRUPTED.load(Ordering::SeqCst) {
        wait_for_the_end();
    }
    let guard = WRITING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if INTERRUPTED.load(Ordering::SeqCst) {
        drop(guard);
        wait_for_the_end();
    }
    Writing { _guard: guard }
}

/// Counts the files a rewrite has put in place: `files` so far.
pub(crate) fn rewrote(files: u64, undoable: bool) {
    UNDOABLE.store(undoable, Ordering::SeqCst);
    REWRITTEN.store(files, Ordering::SeqCst);
}

/// A terminal read a key at a time, without echo, until dropped (or until a signal ends ba).
pub(crate) struct RawTerminal(());

impl RawTerminal {
    /// Takes the terminal out of line mode; where it is no terminal, nothing changes.
    pub(crate) fn enter(terminal: &impl AsRawFd) -> RawTerminal {
        let fd = terminal.as_raw_fd();
        let mut saved = MaybeUninit::<libc::termios>::uninit();
        // SAFETY: tcgetattr fills the termios it is given when it returns 0.
        if unsafe { libc::tcgetattr(fd, saved.as_mut_ptr()) } == 0 {
            // SAFETY: initialised by tcgetattr above.
            let saved = unsafe { saved.assume_init() };
            let mut raw = saved;
            raw.c_lflag &= !(libc::ICANON | libc::ECHO);
            raw.c_cc[libc::VMIN] = 1;
            raw.c_cc[libc::VTIME] = 0;
            *RAW.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some((fd, saved));
            // SAFETY: tcsetattr with a termios made from the terminal's own.
            unsafe { libc::tcsetattr(fd, libc::TCSANOW, &raw) };
        }
        RawTerminal(())
    }
}

impl RawTerminal {
    /// Drops what was typed and not yet read.
    pub(crate) fn drop_typed_ahead(terminal: &impl AsRawFd) {
        // SAFETY: tcflush on a descriptor the caller holds open.
        unsafe { libc::tcflush(terminal.as_raw_fd(), libc::TCIFLUSH) };
    }
}

impl Drop for RawTerminal {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Gives a terminal read a key at a time its line mode back.
fn restore_terminal() {
    if let Some((fd, saved)) = RAW.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take() {
        // SAFETY: tcsetattr with the settings tcgetattr gave for the same descriptor.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
    }
}

fn wait_for_the_end() -> ! {
    loop {
        std::thread::park();
    }
}

fn signal_set(signals: &[libc::c_int]) -> libc::sigset_t {
    let mut set = MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: sigemptyset initialises the set; sigaddset adds valid signal numbers to it.
    unsafe {
        libc::sigemptyset(set.as_mut_ptr());
        for &signal in signals {
            libc::sigaddset(set.as_mut_ptr(), signal);
        }
        set.assume_init()
    }
}

/// The next of the blocked signals sent to the process.
fn wait_for(set: &libc::sigset_t) -> libc::c_int {
    loop {
        let mut signal = 0;
        // SAFETY: sigwait(3) on a set of blocked signals, into a local.
        if unsafe { libc::sigwait(set, &mut signal) } == 0 {
            return signal;
        }
    }
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

/// Restores the signal's default action, unblocks it in this thread and raises it: the process ends
/// as killed by it.
fn die_by(signal: libc::c_int) -> ! {
    let set = signal_set(&[signal]);
    // SAFETY: signal(2), pthread_sigmask(3) and raise(3) with a valid signal; nothing is shared with
    // Rust code.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(signal);
    }
    // Only if the signal could not end the process: exit as a shell reports a death by it.
    let _ = io::Write::flush(&mut io::stderr());
    std::process::exit(128 + signal)
}
