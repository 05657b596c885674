//! Natter's browser client: Leptos, client-side rendered, built by trunk.
//!
//! - [`state`]: [`ChatState`](state::ChatState), the reactive state every
//!   component reads, and how server frames change it.
//! - [`socket`]: the connection state machine: connect, reconnect with backoff,
//!   hand frames to an open socket. The only module that touches the WebSocket.
//! - [`components`]: one file per component; [`App`] puts them together.
//! - [`storage`], [`time`], [`nonce`]: the saved display name, local time
//!   formatting, and message nonces.

pub mod components;
pub mod nonce;
pub mod socket;
pub mod state;
pub mod storage;
pub mod time;

pub use components::app::App;
