//! A ChromeDriver process on a free loopback port, stopped on drop.

use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use crate::PATIENCE;

/// A running ChromeDriver.
pub struct ChromeDriver {
    /// The process, leader of its own process group, which the browsers it
    /// starts join; the whole group is killed on drop.
    child: Child,
    /// Where it accepts WebDriver sessions.
    addr: SocketAddr,
    /// The `TMPDIR` of the driver and every Chromium it starts. Chromium leaves
    /// profile copies of tens of megabytes there when it is killed rather than
    /// closed (a failed test); removed on drop, after the process is gone.
    scratch: Option<tempfile::TempDir>,
}

impl ChromeDriver {
    /// Starts ChromeDriver (`$CHROMEDRIVER`, else `chromedriver` on the PATH)
    /// and waits until it accepts connections.
    pub fn start() -> Self {
        let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned());
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], testkit::free_port()));
        let scratch = tempfile::Builder::new()
            .prefix("natter-chromedriver-")
            .tempdir()
            .expect("a temporary folder for ChromeDriver");
        let child = Command::new(&program)
            .arg(format!("--port={}", addr.port()))
            .env("TMPDIR", scratch.path())
            // A group of its own: a test that fails never closes its windows,
            // and killing only the driver would leave them running.
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {program}: {error}"));
        let driver = ChromeDriver {
            child,
            addr,
            scratch: Some(scratch),
        };
        let started = Instant::now();
        while TcpStream::connect(addr).is_err() {
            assert!(
                started.elapsed() < PATIENCE,
                "{program} did not start listening"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        driver
    }

    /// The WebDriver endpoint.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        if let Ok(group) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: kill(2) with a negative pid signals that process group;
            // it reads no memory of ours.
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(scratch) = self.scratch.take() {
            let _ = scratch.close();
        }
    }
}
