//! The real `natter` binary as a child process, for tests of signals, exit
//! codes and restarts.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;

use parking_lot::Mutex;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::PATIENCE;

/// A running `natter` process; killed if dropped while running.
pub struct NatterProcess {
    child: Child,
    /// `host:port` it listens on.
    pub addr: String,
    /// Everything it has written to standard error so far; a thread keeps
    /// reading it so the process never blocks on a full pipe.
    stderr: Arc<Mutex<String>>,
}

impl NatterProcess {
    /// Starts `natter` on a free port with this database, and waits for its URL line.
    pub fn start(db: &Path, static_dir: &Path) -> Self {
        Self::start_with(db, static_dir, &[])
    }

    /// [`NatterProcess::start`] with extra flags (`--database-url`, ...).
    /// Its files are served from a folder inside `static_dir` of their own:
    /// natter refuses to serve the folder its database is in.
    pub fn start_with(db: &Path, static_dir: &Path, flags: &[&str]) -> Self {
        let web = static_dir.join("web");
        std::fs::create_dir_all(&web).expect("a folder for the web client");
        let mut child = Command::new(env!("CARGO_BIN_EXE_natter"))
            .args(["--bind", "127.0.0.1:0", "--static-dir"])
            .arg(&web)
            .arg("--db")
            .arg(db)
            // Test clients send bursts far beyond a person's.
            .args([
                "--rate-limit-per-second",
                "1000000",
                "--rate-limit-burst",
                "1000000",
                "--address-rate-limit-per-second",
                "1000000000",
                "--address-rate-limit-burst",
                "1000000000",
            ])
            .args(flags)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("natter starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("stderr piped");
        let collected = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                eprintln!("{line}");
                let mut text = collected.lock();
                text.push_str(&line);
                text.push('\n');
            }
        });
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().expect("stdout piped"))
            .read_line(&mut first_line)
            .expect("read the URL line");
        let addr = first_line
            .trim()
            .strip_prefix("Natter is running at http://")
            .unwrap_or_else(|| panic!("unexpected first line {first_line:?}"))
            .trim_end_matches('/')
            .to_owned();
        NatterProcess {
            child,
            addr,
            stderr,
        }
    }

    /// Its resident memory now, in KiB.
    pub fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default()
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// What it has written to standard error so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().clone()
    }

    /// Sends `signal` and waits for the process to exit.
    pub fn stop_with(mut self, signal: Signal) -> ExitStatus {
        let pid = Pid::from_raw(i32::try_from(self.child.id()).expect("pid fits"));
        kill(pid, signal).expect("signal sent");
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "natter did not exit after {signal}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for NatterProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `natter` with `args` and returns its exit status and standard error.
pub fn run_to_exit(args: &[&str]) -> (ExitStatus, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(args)
        .output()
        .expect("natter runs");
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs `natter` with `args`, writing `input` to its standard input; returns
/// its exit status, standard output and standard error.
pub fn run_with_input(args: &[&str], input: &str) -> (ExitStatus, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("natter runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("natter exits");
    (
        output.status,
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
