//! What the end-to-end tests share: a natter serving the built web client
//! on a free loopback port, with its database in a folder of its own.
#![allow(dead_code)] // each test file uses a different part of this module

use std::net::SocketAddr;

use e2e::Browser;
use tempfile::TempDir;

/// A running server and the folder its database lives in (removed when
/// this is dropped, after the server).
pub struct Natter {
    /// The server.
    pub server: backend::ServerHandle,
    dir: TempDir,
    flags: Vec<String>,
}

/// A server stopped with its database kept, to start again where it was.
pub struct Stopped {
    dir: TempDir,
    addr: SocketAddr,
    flags: Vec<String>,
}

impl Natter {
    /// Starts natter on `127.0.0.1:0`, serving the built web client.
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// [`Natter::start`] with extra flags (`--guests deny`, ...).
    pub async fn start_with(flags: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let flags: Vec<String> = flags.iter().map(|flag| (*flag).to_owned()).collect();
        Self::launch(dir, "127.0.0.1:0".parse().unwrap(), flags).await
    }

    async fn launch(dir: TempDir, bind: SocketAddr, flags: Vec<String>) -> Self {
        let db = dir.path().join("natter.db");
        let dist = e2e::built_web_client();
        let bind = bind.to_string();
        let mut args = vec![
            "natter",
            "--bind",
            &bind,
            "--static-dir",
            dist.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ];
        args.extend(flags.iter().map(String::as_str));
        let config = <backend::Config as clap::Parser>::try_parse_from(args).unwrap();
        let server = backend::ServerHandle::start(config)
            .await
            .expect("server starts");
        Natter { server, dir, flags }
    }

    /// The page's address.
    pub fn page(&self) -> String {
        format!("http://{}/", self.server.addr())
    }

    /// Stops the server, keeping its database.
    pub async fn stop_keeping_the_database(self) -> Stopped {
        let addr = self.server.addr();
        self.server.stop().await.expect("clean shutdown");
        Stopped {
            dir: self.dir,
            addr,
            flags: self.flags,
        }
    }

    /// Stops and starts again on the same database with other flags (and
    /// another port).
    pub async fn restart_with(self, flags: &[&str]) -> Self {
        let stopped = self.stop_keeping_the_database().await;
        let flags = flags.iter().map(|flag| (*flag).to_owned()).collect();
        Self::launch(stopped.dir, "127.0.0.1:0".parse().unwrap(), flags).await
    }
}

impl Stopped {
    /// Starts again where it was: the same database, address and flags, so
    /// open pages reconnect to it.
    pub async fn start_again(self) -> Natter {
        Natter::launch(self.dir, self.addr, self.flags).await
    }
}

/// A new window on `page` that signs up as `name` (password "correct
/// horse") and waits until the page says so.
pub async fn signed_up(webdriver: &str, page: &str, name: &str) -> Browser {
    let window = Browser::open(webdriver, page).await;
    window.wait_for_status("open").await;
    window.sign_in(name, "correct horse", true).await;
    window
}
