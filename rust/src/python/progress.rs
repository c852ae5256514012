//! One progress line on stderr for long core operations (grading many submissions, hashing
//! many bytes): drawn only on a terminal, at most a few times a second, safe to advance
//! from many threads.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a progress line counts.
#[derive(Clone, Copy)]
pub(super) enum Unit {
    /// items out of a total, with a bar
    Items,
    /// bytes out of a total, as a percentage of megabytes
    Bytes,
}

pub(super) struct Progress {
    label: String,
    unit: Unit,
    total: u64,
    done: AtomicU64,
    last: Mutex<Instant>,
    enabled: bool,
}

impl Progress {
    /// A line labelled `label`, shown only when `show` and stderr is a terminal.
    pub(super) fn new(label: impl Into<String>, unit: Unit, total: u64, show: bool) -> Self {
        Progress {
            label: label.into(),
            unit,
            total,
            done: AtomicU64::new(0),
            last: Mutex::new(Instant::now() - Duration::from_secs(1)),
            enabled: show && std::io::stderr().is_terminal(),
        }
    }

    pub(super) fn advance(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        if !self.enabled {
            return;
        }
        let mut last = self.last.lock().unwrap();
        if done < self.total && last.elapsed() < Duration::from_millis(150) {
            return;
        }
        *last = Instant::now();
        let mut err = std::io::stderr().lock();
        let _ = match self.unit {
            Unit::Items => {
                let width = 30;
                let filled = (width * done / self.total.max(1)).min(width) as usize;
                let bar: String = "#".repeat(filled) + &"-".repeat(width as usize - filled);
                write!(err, "\r{} [{bar}] {done}/{}", self.label, self.total)
            }
            Unit::Bytes => {
                let pct = if self.total == 0 {
                    100.0
                } else {
                    done as f64 * 100.0 / self.total as f64
                };
                write!(
                    err,
                    "\r{}: {pct:5.1}% of {:.1} MB",
                    self.label,
                    self.total as f64 / 1e6
                )
            }
        };
        let _ = err.flush();
    }

    /// End the line (once the operation is over).
    pub(super) fn finish(&self) {
        if self.enabled && self.done.load(Ordering::Relaxed) > 0 {
            let _ = writeln!(std::io::stderr());
        }
    }
}
