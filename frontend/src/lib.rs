//! Natter's browser client: Leptos, client-side rendered, built by trunk.
//!
//! - [`account`]: the `/api/` calls for signing up, in and out, the
//!   account's preferences, and how the server is run; [`rooms_api`]: the
//!   room calls (directory, create, join, leave, DMs).
//! - [`route`]: which room the page shows, kept in the URL fragment.
//! - [`state`]: [`ChatState`](state::ChatState), the reactive state every
//!   component reads, and how server frames change it; [`model`]: the plain
//!   types it shares with the socket.
//! - [`socket`]: the connection state machine: connect, reconnect with
//!   backoff, hand frames to an open socket. The only module that touches
//!   the WebSocket.
//! - [`timeline`]: the message list's logic: which messages are in the page
//!   ([`timeline::window`]), how they are laid out in rows
//!   ([`timeline::layout`]), and what is on screen ([`timeline::sight`]).
//! - [`markdown`]: the formatting people type, read into a tree.
//! - [`components`]: one file per component; [`App`] puts them together.
//! - [`page`]: what the page does besides rendering; [`ui`]: which panels
//!   are open; [`preferences`]: theme and message order.
//! - [`notifications`]: browser notifications while the tab is hidden.
//! - [`outbox`]: our messages until the server confirms them.
//! - [`completion`]: `@` completion in the message box.
//! - [`words`]: what the page says when something cannot be done.
//! - [`storage`], [`time`], [`nonce`], [`typing`], [`new_since`]: what
//!   localStorage keeps, local times and days, message nonces, who is
//!   typing, and the "new since you left" line.

pub mod account;
pub mod completion;
pub mod components;
pub mod markdown;
pub mod model;
pub mod new_since;
pub mod nonce;
pub mod notifications;
pub mod outbox;
pub mod page;
pub mod preferences;
pub mod rooms_api;
pub mod route;
pub mod socket;
pub mod state;
pub mod storage;
pub mod time;
pub mod timeline;
pub mod typing;
pub mod ui;
pub mod words;

pub use components::app::App;
