//! The "new since you left" line: where, in a room just opened, the messages
//! that arrived while the person was away begin.
//!
//! It is placed when the page starts showing a room (opened, or its tab shown
//! again), from the read marker of that moment, and stays while the room is
//! shown, even though reading it moves the marker at once. Only what had
//! arrived by then counts: a message that comes in while the room is shown
//! was seen arriving, and goes above the line.

use natter_shared::RoomInfo;

/// The messages of `room` with ids in `after < id <= upto` are new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSince {
    /// The room shown.
    pub room: String,
    /// Its read marker when it was opened.
    pub after: u64,
    /// Its newest message then.
    pub upto: u64,
}

impl NewSince {
    /// The line for `room` as it is now; `None` when nothing in it is unread.
    pub fn opening(room: &RoomInfo) -> Option<Self> {
        (room.unread > 0 && room.newest_id > room.last_read).then(|| NewSince {
            room: room.room.clone(),
            after: room.last_read,
            upto: room.newest_id,
        })
    }
}
