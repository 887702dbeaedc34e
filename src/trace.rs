//! `BA_TRACE=1`: where each stage's threads wait, and for what, printed on stderr at the end.
//!
//! Every place a stage blocks on another (a channel, the budget) goes through `waiting`, which
//! times it when tracing is on; when it is off, the cost is one load of a flag.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// 0: not looked up yet, 1: off, 2: on.
static STATE: AtomicU8 = AtomicU8::new(0);
/// (thread, what it waited for) -> (time waited, times).
type Waits = BTreeMap<(String, &'static str), (Duration, u64)>;
static WAITS: Mutex<Waits> = Mutex::new(BTreeMap::new());

fn enabled() -> bool {
    match STATE.load(Ordering::Relaxed) {
        0 => {
            let on = std::env::var_os("BA_TRACE").is_some_and(|v| !v.is_empty() && v != "0");
            STATE.store(if on { 2 } else { 1 }, Ordering::Relaxed);
            on
        }
        state => state == 2,
    }
}

/// Runs `wait` (something that blocks on another stage), timed under `what` when tracing.
pub(crate) fn waiting<T>(what: &'static str, wait: impl FnOnce() -> T) -> T {
    if !enabled() {
        return wait();
    }
    let started = Instant::now();
    let result = wait();
    let waited = started.elapsed();
    let thread = std::thread::current().name().unwrap_or("main").to_string();
    let mut waits = WAITS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let entry = waits.entry((thread, what)).or_default();
    entry.0 += waited;
    entry.1 += 1;
    result
}

/// Prints the waits of every thread, with the run's wall time to compare them with.
pub fn report(elapsed: Duration) {
    if !enabled() {
        return;
    }
    let waits = WAITS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "ba trace: wall {:.1} ms", elapsed.as_secs_f64() * 1e3);
    for ((thread, what), (waited, times)) in waits.iter() {
        let ms = waited.as_secs_f64() * 1e3;
        let _ = writeln!(err, "ba trace: {thread:<14} waited {ms:8.1} ms {times:8} times for {what}");
    }
}
