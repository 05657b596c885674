//! Redis for a test: its own `redis-server` on a free loopback port, saving
//! nothing to disk, killed when dropped. Debian's binary (the test command
//! installs the `redis-server` package when missing).

use std::process::Command;

use tempfile::TempDir;

use crate::free_port;
use crate::postgres::path;

/// A Redis server of the test's own: on a free loopback port, its folder
/// temporary, nothing saved to disk; killed when dropped.
pub struct Redis {
    dir: TempDir,
    port: u16,
    process: std::sync::Mutex<Option<std::process::Child>>,
}

impl Redis {
    /// Starts `redis-server` and waits until it answers.
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("natter-redis")
            .tempdir()
            .expect("temp dir");
        let redis = Redis {
            dir,
            port: free_port(),
            process: std::sync::Mutex::new(None),
        };
        redis.start_again();
        redis
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Where it listens.
    pub fn addr(&self) -> std::net::SocketAddr {
        ([127, 0, 0, 1], self.port).into()
    }

    /// Starts it (again) on its port: empty, as after a restart without
    /// persistence.
    pub fn start_again(&self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                path(self.dir.path()),
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server (the test command installs it)");
        *self.process.lock().unwrap() = Some(child);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "redis-server answers");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Kills it, as an outage: every connection to it drops.
    pub fn stop(&self) {
        if let Some(mut child) = self.process.lock().unwrap().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}
