//! Live state that is never stored: who is online in each room
//! ([`presence`], over a [`roster`]), what a connection that asked for
//! presence is told of it ([`room_signals`]), the lobby card guests'
//! welcomes show ([`lobby_card`]), and typing notices ([`typing`]).
//!
//! Never touches history: a message never waits for anything here.

pub(crate) mod lobby_card;
pub(crate) mod presence;
pub(crate) mod room_signals;
pub(crate) mod roster;
pub(crate) mod typing;
