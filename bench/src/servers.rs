//! Starting and stopping the servers under test, each as its own process.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tempfile::TempDir;

use crate::client::Protocol;

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// This project's server, release build, persistence on.
    Natter,
    /// Another build of natter (`--baseline`), run beside it in the same
    /// run: the "before" of a before-and-after comparison.
    Baseline,
    /// The Node `ws` chat from the team's peers folder.
    Node,
    /// The Socket.IO chat from the team's peers folder.
    SocketIo,
}

impl Kind {
    /// How reports name it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Natter => "natter",
            Kind::Baseline => "natter-baseline",
            Kind::Node => "node-ws",
            Kind::SocketIo => "socketio",
        }
    }

    /// How its clients frame messages.
    pub fn protocol(self) -> Protocol {
        match self {
            Kind::SocketIo => Protocol::SocketIo,
            Kind::Natter | Kind::Baseline | Kind::Node => Protocol::Natter,
        }
    }
}

/// Where the programs are.
#[derive(Debug, Clone)]
pub struct Programs {
    /// The `natter` binary.
    pub natter: PathBuf,
    /// Another `natter` binary to compare with, if any.
    pub baseline: Option<PathBuf>,
    /// A copy of the Node peer with its dependencies installed.
    pub node_peer: PathBuf,
    /// A copy of the Socket.IO peer with its dependencies installed.
    pub socketio_peer: PathBuf,
}

impl Programs {
    /// The natter binary that `kind` runs.
    fn natter_binary(&self, kind: Kind) -> Result<&Path> {
        match (kind, &self.baseline) {
            (Kind::Baseline, Some(baseline)) => Ok(baseline),
            (Kind::Baseline, None) => bail!("no --baseline binary given"),
            _ => Ok(&self.natter),
        }
    }

    /// Whether `kind` is a natter build (which sends a welcome).
    pub fn is_natter(kind: Kind) -> bool {
        matches!(kind, Kind::Natter | Kind::Baseline)
    }
}

/// The engines several processes of one server share.
pub struct Shared {
    /// PostgreSQL (natter).
    pub database_url: String,
    /// Redis (natter's broker, Socket.IO's adapter).
    pub redis_url: String,
}

/// A server process; stopped (SIGTERM, then kill) on drop.
pub struct Server {
    /// Which one.
    pub kind: Kind,
    /// `host:port` it listens on.
    pub addr: SocketAddr,
    child: Child,
    /// Natter's fresh database lives here.
    dir: TempDir,
}

impl Server {
    /// Starts a fresh instance.
    pub fn start(kind: Kind, programs: &Programs) -> Result<Self> {
        Self::start_on(kind, programs, None, None)
    }

    /// Starts a fresh natter serving the built web client in `web`.
    pub fn start_serving(kind: Kind, programs: &Programs, web: &Path) -> Result<Self> {
        Self::start_on(kind, programs, None, Some(web))
    }

    /// Starts a fresh instance; with `shared`, one of several processes on
    /// these engines (natter: PostgreSQL and Redis; Socket.IO: its Redis
    /// adapter).
    pub fn start_on(
        kind: Kind,
        programs: &Programs,
        shared: Option<&Shared>,
        web: Option<&Path>,
    ) -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let mut engines = Vec::new();
        let mut environment = Vec::new();
        if let Some(shared) = shared {
            engines.extend([
                "--database-url".to_owned(),
                shared.database_url.clone(),
                "--redis-url".to_owned(),
                shared.redis_url.clone(),
            ]);
            environment.push(("REDIS_URL", shared.redis_url.clone()));
        }
        let mut child = match kind {
            // A static folder of its own: never the one the database is in.
            Kind::Natter | Kind::Baseline => Command::new(programs.natter_binary(kind)?)
                .args(["--bind", "127.0.0.1:0", "--static-dir"])
                .arg(web.map_or_else(|| dir.path().join("web"), Path::to_path_buf))
                .arg("--db")
                .arg(dir.path().join("bench.db"))
                // Load, not abuse: lift the per-client protections.
                .args([
                    "--rate-limit-per-second",
                    "1000000000",
                    "--rate-limit-burst",
                    "1000000000",
                ])
                .args([
                    "--max-connections",
                    "1000000",
                    "--max-connections-per-ip",
                    "1000000",
                ])
                .args(&engines)
                // By variable, not flag: a baseline build from before the
                // per-address budget ignores it.
                .env("NATTER_ADDRESS_RATE_LIMIT_PER_SECOND", "1000000000")
                .env("NATTER_ADDRESS_RATE_LIMIT_BURST", "1000000000")
                .env("RUST_LOG", "warn")
                .stdout(Stdio::piped())
                .spawn()
                .with_context(|| format!("starting {}", programs.natter.display()))?,
            Kind::Node | Kind::SocketIo => {
                let folder = if kind == Kind::Node {
                    &programs.node_peer
                } else {
                    &programs.socketio_peer
                };
                Command::new("node")
                    .arg("server.js")
                    .current_dir(folder)
                    .env("PORT", testkit::free_port().to_string())
                    .envs(environment)
                    .stdout(Stdio::piped())
                    .spawn()
                    .context("starting node")?
            }
        };
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("stdout")?).read_line(&mut line)?;
        let addr = match kind {
            Kind::Natter | Kind::Baseline => {
                line.trim().strip_prefix("Natter is running at http://")
            }
            Kind::Node => line.trim().strip_prefix("node-ws peer on "),
            Kind::SocketIo => line
                .trim()
                .strip_prefix("socketio peer on ")
                .map(|rest| rest.trim_end_matches(" (redis adapter)")),
        }
        .with_context(|| format!("unexpected first line from {}: {line:?}", kind.label()))?
        .trim_end_matches('/')
        .parse()?;
        Ok(Server {
            kind,
            addr,
            child,
            dir,
        })
    }

    /// The server's own working folder (Natter's database is in it).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The process id, for /proc.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The chat socket's URL.
    pub fn ws_url(&self) -> String {
        match self.kind.protocol() {
            Protocol::Natter => format!("ws://{}/ws", self.addr),
            Protocol::SocketIo => {
                format!("ws://{}/socket.io/?EIO=4&transport=websocket", self.addr)
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        }
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies the Node peer at `peer` into `work` under its folder's name and
/// installs its dependencies there, leaving the team folder untouched.
pub fn prepare_peer(peer: &Path, work: &Path) -> Result<PathBuf> {
    let name = peer.file_name().context("a peer folder")?;
    let target = work.join(name);
    std::fs::create_dir_all(&target)?;
    for file in ["package.json", "server.js"] {
        std::fs::copy(peer.join(file), target.join(file))
            .with_context(|| format!("copying {file} from {}", peer.display()))?;
    }
    if !target.join("node_modules").is_dir() {
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&target)
            .status()
            .with_context(|| format!("running npm install for {}", peer.display()))?;
        if !status.success() {
            bail!("npm install failed for {}", peer.display());
        }
    }
    Ok(target)
}
