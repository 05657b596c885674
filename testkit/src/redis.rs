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
    /// Whether its port speaks TLS only (see [`Redis::start_with_tls`]).
    tls: bool,
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
            tls: false,
        };
        redis.start_again();
        redis
    }

    /// Like [`Redis::start`], but its port speaks TLS only, with this
    /// certificate chain and key (PEM); clients need no certificate.
    pub fn start_with_tls(certificate: &str, key: &str) -> Self {
        let mut redis = Self::start();
        redis.stop();
        std::fs::write(redis.dir.path().join("server.crt"), certificate).unwrap();
        std::fs::write(redis.dir.path().join("server.key"), key).unwrap();
        redis.tls = true;
        redis.start_again();
        redis
    }

    /// Its URL (`rediss://` when it speaks TLS).
    pub fn url(&self) -> String {
        let scheme = if self.tls { "rediss" } else { "redis" };
        format!("{scheme}://127.0.0.1:{}/", self.port)
    }

    /// Where it listens.
    pub fn addr(&self) -> std::net::SocketAddr {
        ([127, 0, 0, 1], self.port).into()
    }

    /// Starts it (again) on its port: empty, as after a restart without
    /// persistence.
    pub fn start_again(&self) {
        let port = self.port.to_string();
        let certificate = self.dir.path().join("server.crt");
        let key = self.dir.path().join("server.key");
        let listening: Vec<&str> = if self.tls {
            vec![
                "--port",
                "0",
                "--tls-port",
                &port,
                "--tls-cert-file",
                path(&certificate),
                "--tls-key-file",
                path(&key),
                "--tls-auth-clients",
                "no",
            ]
        } else {
            vec!["--port", &port]
        };
        let child = Command::new("redis-server")
            .args(&listening)
            .args([
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
