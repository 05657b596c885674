//! PostgreSQL for a test: its own server, started on a free loopback port in
//! a folder of its own and stopped when dropped. Never a system service, and
//! nothing listens beyond 127.0.0.1. The binaries are Debian's (the test
//! command installs the `postgresql` package when missing).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use nix::unistd::{Uid, User, chown};
use tempfile::TempDir;

use crate::free_port;

/// A PostgreSQL server of the test's own.
pub struct Postgres {
    dir: TempDir,
    bin: PathBuf,
    port: u16,
    databases: AtomicU32,
    /// Whether it takes TLS connections only (see [`Postgres::start_with_tls`]).
    tls: bool,
}

/// Where Debian puts a PostgreSQL version's programs: the newest there is.
fn binaries() -> PathBuf {
    if let Ok(bin) = std::env::var("NATTER_PG_BIN") {
        return bin.into();
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (the test command installs it)")
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL version with pg_ctl")
}

impl Postgres {
    /// Creates a cluster (about a second) and starts it.
    pub fn start() -> Self {
        let bin = binaries();
        let root = Uid::effective().is_root();
        if root {
            // The server runs as `postgres` (it refuses root) and must reach
            // its folder through the temporary folder.
            let temp = std::env::temp_dir();
            let mode = std::fs::metadata(&temp).unwrap().permissions().mode();
            std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(mode | 0o711)).unwrap();
        }
        let dir = tempfile::Builder::new()
            .prefix("natter-pg")
            .tempdir()
            .expect("temp dir");
        if root {
            let postgres = User::from_name("postgres")
                .unwrap()
                .expect("the postgres user (from the postgresql package)");
            chown(dir.path(), Some(postgres.uid), Some(postgres.gid)).unwrap();
        }
        let port = free_port();
        let data = dir.path().join("data");
        run_as_postgres(
            &bin.join("initdb"),
            &[
                "-D",
                path(&data),
                "-A",
                "trust",
                "-U",
                "natter",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        let postgres = Postgres {
            dir,
            bin,
            port,
            databases: AtomicU32::new(0),
            tls: false,
        };
        postgres.start_again();
        postgres
    }

    /// Like [`Postgres::start`], but over TCP it speaks TLS only, with this
    /// certificate chain and key (PEM): a connection without TLS is
    /// refused. Databases are still made over its Unix socket.
    pub fn start_with_tls(certificate: &str, key: &str) -> Self {
        let mut postgres = Self::start();
        postgres.stop();
        let data = postgres.dir.path().join("data");
        for (file, pem) in [("server.crt", certificate), ("server.key", key)] {
            let path = data.join(file);
            std::fs::write(&path, pem).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            if Uid::effective().is_root() {
                let owner = User::from_name("postgres").unwrap().unwrap();
                chown(&path, Some(owner.uid), Some(owner.gid)).unwrap();
            }
        }
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
        )
        .unwrap();
        postgres.tls = true;
        postgres.start_again();
        postgres
    }

    /// Where it listens.
    pub fn addr(&self) -> std::net::SocketAddr {
        ([127, 0, 0, 1], self.port).into()
    }

    /// Stops the server (fast: its clients are disconnected), as an outage.
    pub fn stop(&self) {
        let data = self.dir.path().join("data");
        run_as_postgres(
            &self.bin.join("pg_ctl"),
            &["-D", path(&data), "-m", "fast", "-w", "stop"],
        );
    }

    /// Starts the server (again), on its port with its data, listening on
    /// loopback only.
    pub fn start_again(&self) {
        let data = self.dir.path().join("data");
        let log = self.dir.path().join("log");
        let mut options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            path(self.dir.path())
        );
        if self.tls {
            options.push_str(" -c ssl=on");
        }
        run_as_postgres(
            &self.bin.join("pg_ctl"),
            &[
                "-D",
                path(&data),
                "-o",
                &options,
                "-l",
                path(&log),
                "-w",
                "start",
            ],
        );
    }

    /// A fresh, empty database on this server, as a URL.
    pub async fn database(&self) -> String {
        let name = format!("natter_{}", self.databases.fetch_add(1, Ordering::Relaxed));
        // Over its socket, which takes plain connections whatever TCP
        // takes.
        let (client, connection) = tokio_postgres::Config::new()
            .host_path(self.dir.path())
            .port(self.port)
            .user("natter")
            .dbname("postgres")
            .connect(tokio_postgres::NoTls)
            .await
            .expect("connect to the test server");
        let connection = tokio::spawn(connection);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create a database");
        drop(client);
        let _ = connection.await;
        self.url(&name)
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://natter@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = try_as_postgres(
            &self.bin.join("pg_ctl"),
            &["-D", path(&data), "-m", "immediate", "stop"],
        );
    }
}

/// A path as the engines' command lines take it.
pub(crate) fn path(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Runs `program` as the `postgres` user when this is root (PostgreSQL
/// refuses to run as root), else as this user.
fn try_as_postgres(program: &Path, args: &[&str]) -> std::io::Result<std::process::Output> {
    let mut command = if Uid::effective().is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    };
    command.args(args).output()
}

fn run_as_postgres(program: &Path, args: &[&str]) {
    let output = try_as_postgres(program, args).expect("run a PostgreSQL program");
    assert!(
        output.status.success(),
        "{} failed: {}{}",
        program.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
