//! Natter's browser client: Leptos, client-side rendered, built by trunk.
//!
//! - [`account`]: the `/api/` calls for signing up, in and out;
//!   [`rooms_api`]: the room calls (directory, create, join, leave, DMs).
//! - [`route`]: which room the page shows, kept in the URL fragment.
//! - [`state`]: [`ChatState`](state::ChatState), the reactive state every
//!   component reads, and how server frames change it; [`model`]: the plain
//!   types it shares with the socket.
//! - [`socket`]: the connection state machine: connect, reconnect with backoff,
//!   hand frames to an open socket. The only module that touches the WebSocket.
//! - [`notifications`]: browser notifications while the tab is hidden.
//! - [`outbox`]: our messages until the server confirms them.
//! - [`completion`]: `@` completion in the message box.
//! - [`components`]: one file per component; [`App`] puts them together.
//! - [`storage`], [`time`], [`nonce`]: what localStorage keeps (name,
//!   guest token, outbox), local time formatting, and message nonces.

pub mod account;
pub mod completion;
pub mod components;
pub mod model;
pub mod new_since;
pub mod nonce;
pub mod notifications;
pub mod outbox;
pub mod page;
pub mod rooms_api;
pub mod route;
pub mod socket;
pub mod state;
pub mod storage;
pub mod time;
pub mod typing;

pub use components::app::App;
