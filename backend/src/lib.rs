//! Natter's chat server.
//!
//! - [`config`]: flags and environment variables ([`Config`]).
//! - [`server`]: [`run`] serves until a shutdown future completes, then closes
//!   every connection; [`ServerHandle`] runs it in the background.
//! - [`app`]: the routes (`/ws`, `/healthz`, the web client, 404) and
//!   [`AppState`](app::AppState), the state they share.
//! - [`connection`]: one WebSocket connection's reader and its close handshake.
//! - [`writer`]: the task that owns everything sent to one client.
//! - [`replay`]: history on connect, on resume, and when a reader lags.
//! - [`commands`]: what each client frame does.
//! - [`store`]: durable history ([`HistoryStore`](store::HistoryStore)) and
//!   its SQLite engine with group commit; assigns message ids.
//! - [`hub`]: fan-out of committed messages, serialized once per message.
//! - [`error`]: the server-wide error type, [`ServerError`].
//! - [`first_byte`]: cuts off connections that never send a request.
//! - [`origin`], [`limits`], [`rate_limit`], [`security_headers`]: who may
//!   connect, how many, how fast, and the headers static pages carry.
//! - [`names`], [`clock`], [`signals`]: display names, wall-clock time, and the
//!   signals that stop the server.
//!
//! The wire format lives in the `natter-shared` crate.

pub mod app;
pub mod clock;
pub mod commands;
pub mod config;
pub mod connection;
pub mod error;
pub mod first_byte;
pub mod hub;
pub mod limits;
pub mod names;
pub mod origin;
pub mod rate_limit;
pub mod replay;
pub mod security_headers;
pub mod server;
pub mod signals;
pub mod store;
pub mod writer;

pub use config::Config;
pub use error::ServerError;
pub use server::{ServerHandle, run};
