//! Natter's chat server.
//!
//! - [`config`]: flags and environment variables ([`Config`]); [`cli`]: the
//!   operator commands (`natter user ...`).
//! - [`accounts`]: accounts, sessions and guests ([`Accounts`](accounts::Accounts)),
//!   and the watch that ends a connection once who it is no longer holds;
//!   [`api`]: their HTTP endpoints under `/api/`.
//! - [`server`]: [`run`] serves until a shutdown future completes, then closes
//!   every connection; [`ServerHandle`] runs it in the background.
//! - [`admission`], [`guarded_stream`]: what every TCP connection goes
//!   through first: its place under the limits, a deadline to start a
//!   request (HTTP/1.1 only), and a deadline on every write.
//! - [`app`]: the routes (`/ws`, `/healthz`, `/readyz`, `/api/`, the web client, 404);
//! - [`readiness`]: `/readyz`, whether the database answers;
//!   [`state`]: [`AppState`](state::AppState), what they share;
//!   [`http_guards`]: the checks every request passes first (limits, path
//!   length, `Host`).
//! - [`upgrade`]: the `/ws` handshake: its checks and its query string.
//! - [`connection`]: one WebSocket connection's reader and its close handshake.
//! - [`replies`]: the byte-bounded queue from a connection's reader to its writer.
//! - [`writer`]: the task that owns everything sent to one client.
//! - [`replay`]: history on connect, on resume, and when a reader lags.
//! - [`lobby_card`]: the lobby as guests' welcomes show it, read at most
//!   once a second.
//! - [`commands`]: what each client frame does; [`submit_order`]: one
//!   connection's messages reach the store in the order sent.
//! - [`static_files`]: what under `--static-dir` may never be served, and
//!   the layouts natter refuses.
//! - [`store`]: durable state behind traits ([`HistoryStore`](store::HistoryStore),
//!   [`AccountStore`](store::AccountStore), [`RoomStore`](store::RoomStore))
//!   and its SQLite engine with group commit; assigns message ids.
//! - [`hub`]: fan-out of committed messages to their room's connections,
//!   serialized once per message, and account events (membership, read);
//!   [`subscriptions`]: one connection's rooms, merged in id order.
//! - [`error`]: the server-wide error type, [`ServerError`].
//! - [`origin`], [`limits`], [`rate_limit`], [`security_headers`]: which
//!   hosts and pages may connect, how many, how fast, and the headers static
//!   pages carry.
//! - [`clock`], [`signals`]: wall-clock time, and the
//!   signals that stop the server; [`allocator`]: large freed blocks go back
//!   to the system.
//!
//! The wire format lives in the `natter-shared` crate.

pub mod accounts;
pub mod admission;
pub mod allocator;
pub mod api;
pub mod app;
pub mod cli;
pub mod clock;
pub mod cluster;
pub mod commands;
pub mod config;
pub mod connection;
pub mod error;
pub mod fan_out;
pub mod feed;
pub mod guarded_stream;
pub mod http_guards;
pub mod hub;
pub mod limits;
pub mod lobby_card;
pub mod origin;
pub mod presence;
pub mod rate_limit;
pub mod readiness;
pub mod replay;
pub mod replies;
pub mod room_signals;
pub mod roster;
pub mod security_headers;
pub mod server;
pub mod session_cookie;
pub mod signals;
pub mod state;
pub mod static_files;
pub mod store;
pub mod submit_order;
pub mod subscriptions;
pub mod upgrade;
pub mod writer;

pub use config::Config;
pub use error::ServerError;
pub use server::{ServerHandle, run};
