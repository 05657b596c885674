//! Unread counts, mentions and read markers: what counts as read (what has
//! been on screen), and when the server is told.

use leptos::prelude::*;
use natter_shared::{ChatMessage, Notify, ReadMarker, RoomInfo};

use crate::model::Alert;
use crate::state::ChatState;

impl ChatState {
    /// All unread messages, for the page title (tracked).
    pub fn total_unread(&self) -> u64 {
        self.rooms
            .with(|rooms| rooms.iter().map(|room| room.unread).sum())
    }

    /// All unread messages, without tracking.
    pub fn total_unread_untracked(&self) -> u64 {
        self.rooms
            .with_untracked(|rooms| rooms.iter().map(|room| room.unread).sum())
    }

    /// Unread messages in `room`, as the room list counts them.
    pub fn unread_in(&self, room: &str) -> u64 {
        self.rooms.with_untracked(|rooms| {
            rooms
                .iter()
                .find(|known| known.room == room)
                .map_or(0, |known| known.unread)
        })
    }

    /// How many messages by others in `room` are newer than `id` (tracked):
    /// what the "new messages" pill counts.
    pub fn newer_by_others(&self, room: &str, id: u64) -> usize {
        self.messages.with(|logs| {
            logs.room(room).map_or(0, |log| {
                log.after(id).iter().filter(|shown| !shown.own).count()
            })
        })
    }

    /// Whether a message arriving in `room` is read at once: the tab is
    /// visible, the room shown, and its list at the newest end, where the
    /// message appears.
    pub(super) fn reading(&self, room: &str) -> bool {
        self.visible.get_untracked()
            && self.following.get_untracked()
            && self.current_room_untracked().as_deref() == Some(room)
    }

    /// A message that counted as unread is gone: so is its count (and its
    /// mention's).
    pub(super) fn uncount(&self, room: &str, target: u64) {
        let counted = self.messages.with_untracked(|logs| {
            logs.room(room)
                .and_then(|log| log.get(target))
                .filter(|shown| !shown.own)
                .map(|shown| self.mentions_me(&shown.message.value))
        });
        let Some(mentioned) = counted else {
            return;
        };
        self.rooms.update(|rooms| {
            if let Some(known) = rooms.iter_mut().find(|known| known.room == room)
                && target > known.last_read
            {
                known.unread = known.unread.saturating_sub(1);
                if mentioned {
                    known.mentions = known.mentions.saturating_sub(1);
                }
            }
        });
    }

    /// Whether `text` mentions the person on this page, by the name the
    /// server knows them by.
    pub fn mentions_me(&self, text: &str) -> bool {
        self.identity.with_untracked(|identity| {
            identity
                .as_ref()
                .is_some_and(|welcome| natter_shared::mentions(text, &welcome.name))
        })
    }

    /// Keeps the room list's unread count: a message by someone else, newer
    /// than what the count covered and than the marker, in a room not being
    /// read.
    pub(super) fn count_unread(&self, message: &ChatMessage, own: bool) {
        let reading = self.reading(&message.room);
        let mentioned = !own && self.mentions_me(&message.value);
        let mut alert = None;
        self.rooms.update(|rooms| {
            let Some(room) = rooms.iter_mut().find(|room| room.room == message.room) else {
                return;
            };
            if message.id <= room.newest_id {
                return;
            }
            room.newest_id = message.id;
            room.newest_at = Some(message.timestamp);
            if !own && !reading && message.id > room.last_read {
                room.unread += 1;
                room.mentions += u64::from(mentioned);
                if !self.visible.get_untracked() && worth_telling(room, mentioned) {
                    alert = Some(Alert {
                        room: room.room.clone(),
                        author: message.author.clone(),
                        text: message.value.clone(),
                        mention: mentioned,
                    });
                }
            }
        });
        if alert.is_some() {
            self.alert.set(alert);
        }
    }

    /// The account read `room` up to `id` (on this tab or another).
    pub(super) fn marked_read(&self, ReadMarker { room, id }: ReadMarker) {
        let (unread_shown, mentions_shown) = self.unread_after(&room, id);
        self.rooms.update(|rooms| {
            if let Some(known) = rooms.iter_mut().find(|known| known.room == room) {
                known.last_read = known.last_read.max(id);
                let all_read = id >= known.newest_id;
                known.unread = if all_read {
                    0
                } else {
                    known.unread.min(unread_shown)
                };
                known.mentions = if all_read {
                    0
                } else {
                    known.mentions.min(mentions_shown)
                };
            }
        });
    }

    /// The messages by others in `room` newer than `id` the page holds,
    /// and how many of them mention this person.
    fn unread_after(&self, room: &str, id: u64) -> (u64, u64) {
        self.messages.with_untracked(|logs| {
            logs.room(room).map_or((0, 0), |log| {
                log.after(id).iter().filter(|shown| !shown.own).fold(
                    (0, 0),
                    |(unread, mentions), shown| {
                        let mentioned = self.mentions_me(&shown.message.value);
                        (unread + 1, mentions + u64::from(mentioned))
                    },
                )
            })
        })
    }

    /// The page has shown `room` on screen up to `id`: what is not newer is
    /// read. Returns the marker to tell the server (accounts keep theirs
    /// there), if it moved.
    pub fn read_up_to(&self, room: &str, id: u64) -> Option<ReadMarker> {
        // Never past the newest message held: there is nothing beyond it to
        // have read, and the server refuses a marker past its newest.
        let id = id.min(self.newest_in(room)?);
        // Checked first: the effect that calls this tracks the room list, so
        // touching the list when nothing moved would wake it again forever.
        let moved = self.rooms.with_untracked(|rooms| {
            rooms.iter().any(|known| {
                known.room == room
                    && (known.last_read < id
                        || (id >= known.newest_id && (known.unread > 0 || known.mentions > 0)))
            })
        });
        if !moved {
            return None;
        }
        let (unread, mentions) = self.unread_after(room, id);
        self.rooms.update(|rooms| {
            if let Some(known) = rooms.iter_mut().find(|known| known.room == room) {
                known.last_read = known.last_read.max(id);
                let all_read = known.last_read >= known.newest_id;
                known.unread = if all_read {
                    0
                } else {
                    known.unread.min(unread)
                };
                known.mentions = if all_read {
                    0
                } else {
                    known.mentions.min(mentions)
                };
            }
        });
        Some(ReadMarker {
            room: room.to_owned(),
            id,
        })
    }

    /// The page showed `room` up to its newest message (see
    /// [`ChatState::read_up_to`]).
    pub fn read_up_to_newest(&self, room: &str) -> Option<ReadMarker> {
        let newest = self.newest_in(room)?;
        self.read_up_to(room, newest)
    }
}

/// Whether a new message in `room` is worth a notification by the room's
/// setting: every message, or only those that mention them.
fn worth_telling(room: &RoomInfo, mentioned: bool) -> bool {
    match room.notify {
        Notify::All => true,
        Notify::Mentions => mentioned,
        Notify::Nothing => false,
    }
}
