//! The server as a process: serving until a shutdown future completes
//! ([`server`]), the signals that stop it ([`signals`]), the wall clock
//! ([`clock`]), how freed memory goes back to the system
//! ([`allocator`]), and whether it can reach a database it shares with
//! other processes ([`database_watch`]).
//!
//! Owns no chat state: what it serves is built in [`crate::state`].

pub mod allocator;
pub(crate) mod clock;
pub mod database_watch;
pub mod server;
pub mod signals;
