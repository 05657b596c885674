//! What the end-to-end tests share: a natter serving the built web client
//! on a free loopback port, with its database in a folder of its own.

use e2e::Browser;
use tempfile::TempDir;

/// A running server and the folder its database lives in (removed when
/// this is dropped, after the server).
pub struct Natter {
    /// The server.
    pub server: backend::ServerHandle,
    _dir: TempDir,
}

impl Natter {
    /// Starts natter on `127.0.0.1:0`, serving the built web client.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("natter.db");
        let dist = e2e::built_web_client();
        let config = <backend::Config as clap::Parser>::try_parse_from([
            "natter",
            "--bind",
            "127.0.0.1:0",
            "--static-dir",
            dist.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ])
        .unwrap();
        let server = backend::ServerHandle::start(config)
            .await
            .expect("server starts");
        Natter { server, _dir: dir }
    }

    /// The page's address.
    pub fn page(&self) -> String {
        format!("http://{}/", self.server.addr())
    }
}

/// A new window on `page` that signs up as `name` (password "correct
/// horse") and waits until the page says so.
pub async fn signed_up(webdriver: &str, page: &str, name: &str) -> Browser {
    let window = Browser::open(webdriver, page).await;
    window.wait_for_status("open").await;
    window.sign_in(name, "correct horse", true).await;
    window.wait_for_text(".signed-in strong", name).await;
    window
}
