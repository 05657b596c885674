//! Command-line flags and their environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use clap::builder::RangedU64ValueParser;
use natter_shared::DEFAULT_MAX_MESSAGE_CHARS;

/// Natter: a real-time chat server for the browser.
///
/// Serves the web client and relays chat messages between everyone connected
/// to its WebSocket at /ws. Every flag can also be set through the environment
/// variable named beside it.
#[derive(Debug, Clone, Parser)]
#[command(name = "natter", version)]
pub struct Config {
    /// Address and port to listen on. Use 0.0.0.0:8080 to accept connections
    /// from other machines.
    #[arg(long, env = "NATTER_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// The SQLite database holding the chat history; created with its schema
    /// on first start.
    #[arg(long, env = "NATTER_DB", default_value = "natter.db")]
    pub db: PathBuf,

    /// Folder holding the built web client (trunk's output), served at /.
    #[arg(long, env = "NATTER_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,

    /// Longest chat message accepted, in characters (Unicode scalar values)
    /// after trimming. Longer messages get an error frame and are not sent.
    #[arg(
        long,
        env = "NATTER_MAX_MESSAGE_CHARS",
        default_value_t = DEFAULT_MAX_MESSAGE_CHARS,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=100_000)
    )]
    pub max_message_chars: usize,

    /// Largest WebSocket frame or message accepted, in bytes. A client that
    /// sends more is disconnected with close code 1009 (message too big).
    #[arg(
        long,
        env = "NATTER_MAX_FRAME_BYTES",
        default_value_t = 64 * 1024,
        value_parser = RangedU64ValueParser::<usize>::new().range(1024..=16 * 1024 * 1024)
    )]
    pub max_frame_bytes: usize,

    /// How many live messages may wait for one slow client before it is
    /// caught up from the database instead.
    #[arg(
        long,
        env = "NATTER_BROADCAST_BUFFER",
        default_value_t = 1024,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=1_000_000)
    )]
    pub broadcast_buffer: usize,
}
