//! The message list's logic, apart from its rendering: which run of a
//! room's messages is in the page ([`window`]), how they are laid out in
//! rows ([`layout`]: days, groups, the unread line), and which are on
//! screen ([`sight`]), and where the reading position is in the page
//! ([`scroll`]). The first two are pure and tested natively.

pub mod layout;
pub(crate) mod scroll;
pub mod sight;
pub mod window;
