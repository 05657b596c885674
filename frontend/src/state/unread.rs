//! Unread counts, mentions and read markers: what counts as read, and
//! when the server is told.

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

    /// Whether a message in `room` is being read right now.
    pub(super) fn reading(&self, room: &str) -> bool {
        self.visible.get_untracked() && self.current_room_untracked().as_deref() == Some(room)
    }

    /// A message that counted as unread is gone: so is its count (and its
    /// mention's).
    pub(super) fn uncount(&self, room: &str, target: u64) {
        let counted = self.messages.with_untracked(|list| {
            list.iter()
                .find(|shown| shown.message.id == target && !shown.own)
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
        let (unread_shown, mentions_shown) = self.messages.with_untracked(|list| {
            list.iter()
                .filter(|shown| shown.message.room == room && shown.message.id > id && !shown.own)
                .fold((0, 0), |(unread, mentions), shown| {
                    let mentioned = self.mentions_me(&shown.message.value);
                    (unread + 1, mentions + u64::from(mentioned))
                })
        });
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

    /// The page showed `room` up to its newest message: its unread count is
    /// gone. Returns the marker to tell the server (accounts keep theirs
    /// there), if it moved.
    pub fn read_up_to_newest(&self, room: &str) -> Option<ReadMarker> {
        let newest = self.newest_in(room)?;
        let stale =
            |known: &RoomInfo| known.last_read < newest || known.unread > 0 || known.mentions > 0;
        // Checked first: the effect that calls this tracks the room list, so
        // touching the list when nothing moved would wake it again forever.
        let moved = self
            .rooms
            .with_untracked(|rooms| rooms.iter().any(|known| known.room == room && stale(known)));
        if !moved {
            return None;
        }
        self.rooms.update(|rooms| {
            if let Some(known) = rooms.iter_mut().find(|known| known.room == room) {
                known.last_read = known.last_read.max(newest);
                known.unread = 0;
                known.mentions = 0;
            }
        });
        Some(ReadMarker {
            room: room.to_owned(),
            id: newest,
        })
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
