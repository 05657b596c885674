//! What the server's tests, the end-to-end tests and the benchmark share:
//! engines of their own on loopback ([`Postgres`], [`Redis`]), free ports,
//! and the `natter` binary the server's tests built.
//!
//! Nothing here ever listens beyond 127.0.0.1.

mod postgres;
mod redis;

use std::path::PathBuf;

pub use postgres::Postgres;
pub use redis::Redis;

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// The `natter` binary beside the running test executable (the server's own
/// tests build it, and the test command runs them first), for a process a
/// test can kill.
pub fn natter_binary() -> PathBuf {
    let binary = std::env::current_exe()
        .ok()
        .and_then(|test| Some(test.parent()?.parent()?.join("natter")))
        .expect("the test's own path");
    assert!(
        binary.is_file(),
        "{} is not built: run `cargo build -p backend` first (the test command does)",
        binary.display()
    );
    binary
}
