//! The server as a process: serving until a shutdown future completes
//! ([`server`]), the signals that stop it ([`signals`]), the wall clock
//! ([`clock`]), and how freed memory goes back to the system
//! ([`allocator`]).
//!
//! Owns no chat state: what it serves is built in [`crate::state`].

pub mod allocator;
pub(crate) mod clock;
pub mod server;
pub mod signals;
