//! A probe of the disk under the server's working folder: how long an fsync
//! takes while a scenario runs.
//!
//! Natter fans a message out and acknowledges it only once its commit is on
//! disk, so a stalled fsync lands in its latency tail. The probe's figures,
//! printed next to the latency, tell a slow disk apart from a slow server.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Result;
use hdrhistogram::Histogram;

use crate::client::histogram;

/// Time between two probes: often enough to catch a stall of a few tens of
/// milliseconds, rarely enough to add no load worth mentioning.
const EVERY: Duration = Duration::from_millis(20);

/// A probe running on its own thread until finished.
pub struct FsyncProbe {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Histogram<u64>>,
}

impl FsyncProbe {
    /// Starts appending a line and syncing it, in a file inside `dir`.
    pub fn start(dir: &Path) -> Result<Self> {
        let mut file = std::fs::File::create(dir.join("fsync-probe"))?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut micros = histogram();
            while !stopped.load(Ordering::Relaxed) {
                let started = Instant::now();
                let synced = file
                    .write_all(b"natter-bench fsync probe\n")
                    .and_then(|()| file.sync_data());
                if synced.is_err() {
                    break;
                }
                micros.saturating_record(started.elapsed().as_micros().max(1) as u64);
                std::thread::sleep(EVERY);
            }
            micros
        });
        Ok(FsyncProbe { stop, thread })
    }

    /// Stops the probe; returns its p99 and maximum, in ms.
    pub fn finish(self) -> [f64; 2] {
        self.stop.store(true, Ordering::Relaxed);
        let micros = self.thread.join().unwrap_or_else(|_| histogram());
        [
            micros.value_at_quantile(0.99) as f64 / 1000.0,
            micros.max() as f64 / 1000.0,
        ]
    }
}
