//! Typing notices: told to everyone else in the room who asked for presence,
//! at most one per [`TYPING_GAP`] from each connection, never stored.

use std::time::Duration;

use natter_shared::{ServerFrame, TYPING_EVERY_MS, TypingNotice};
use tokio::time::Instant;

use crate::delivery::hub::Signal;
use crate::state::AppState;
use crate::store::AuthorId;

/// The least time between two typing notices of one connection that reach
/// others: a little under the client's own pace, so a steady typist's every
/// notice gets through and a flood's do not.
pub(crate) const TYPING_GAP: Duration = Duration::from_millis(TYPING_EVERY_MS * 2 / 3);

/// One connection's typing notices, thinned to one per [`TYPING_GAP`].
#[derive(Debug, Default)]
pub(crate) struct Typing {
    /// When this connection's last notice went out.
    last: Option<Instant>,
}

impl Typing {
    /// A message ends a bout of typing; the next starts afresh.
    pub(crate) fn sent_a_message(&mut self) {
        self.last = None;
    }

    /// Tells the room that `name` is typing, unless this connection's last
    /// notice went out less than [`TYPING_GAP`] ago.
    pub(crate) fn announce(
        &mut self,
        state: &AppState,
        room: String,
        name: &str,
        author_id: AuthorId,
    ) {
        let now = Instant::now();
        if self
            .last
            .is_none_or(|at| now.duration_since(at) >= TYPING_GAP)
        {
            self.last = Some(now);
            announce_typing(state, room, name, author_id);
        }
    }
}

/// Tells everyone else in `room` who asked for presence that `name` is
/// typing; never the typist's own connections.
fn announce_typing(state: &AppState, room: String, name: &str, author_id: AuthorId) {
    let notice = ServerFrame::Typing(TypingNotice {
        room: room.clone(),
        name: name.to_owned(),
    });
    state.fan_out.signal(
        &room,
        Signal {
            frame: notice.to_json().into(),
            skip: Some(author_id),
        },
    );
}
