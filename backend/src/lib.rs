//! Natter's chat server.
//!
//! A message's way through the server, folder by folder:
//!
//! 1. [`admission`]: every TCP connection takes a place under the limits and
//!    must start a request in time; its writes get a deadline.
//! 2. [`web`]: the routes, the checks every request passes first (`Host`,
//!    origin, path length), the account API under `/api/`, the built web
//!    client and `/readyz`.
//! 3. [`connection`]: `/ws` upgrades into one connection: its reader decodes
//!    each client frame into a command, its writer owns everything sent.
//! 4. [`store`]: a message is stored first (SQLite or PostgreSQL), which
//!    gives it its id; nothing is sent or acknowledged before the commit.
//! 5. [`delivery`]: the commit is published through the `FanOut` seam to
//!    every connection in the room, in id order. With several processes,
//!    [`cluster`] carries it between them through Redis and fills gaps from
//!    the database.
//!
//! Beside that path: [`accounts`] (who a request or connection is, and the
//! watch that ends a connection once that no longer holds), [`live`]
//! (presence and typing, never stored), [`process`] (serving until shutdown,
//! signals, the clock). [`wiring`] picks the engines the [`config`] names and
//! wires them together, once; [`state`] builds what everything shares on
//! top; [`cli`] is the operator's `natter user ...`; [`error`] is the
//! server-wide [`ServerError`].
//!
//! The wire format lives in the `natter-shared` crate.

pub(crate) mod accounts;
pub(crate) mod admission;
pub mod cli;
pub(crate) mod cluster;
pub mod config;
pub mod connection;
pub mod delivery;
pub mod error;
pub(crate) mod live;
pub mod process;
pub mod state;
pub mod store;
pub(crate) mod web;
mod wiring;

pub use config::Config;
pub use error::ServerError;
pub use process::server::{ServerHandle, run};
