//! The messages shown: what arrives, what changes, older pages, and the
//! cursors a resume continues from. Each step finds its place by binary
//! search in its room's log; none passes over the whole list.

use leptos::prelude::*;
use natter_shared::{ChatMessage, HistoryPage};

use crate::model::ShownMessage;
use crate::state::ChatState;
use crate::state::log::RoomLog;

impl ChatState {
    /// The newest id shown (or change applied), in any room.
    pub fn newest_id(&self) -> Option<u64> {
        let message = self.messages.with_untracked(|logs| logs.newest_id());
        let change = Some(self.newest_change.get_value()).filter(|id| *id > 0);
        message.max(change)
    }

    /// Whether the server said nothing older exists in `room` (tracked).
    pub fn is_complete(&self, room: &str) -> bool {
        self.messages
            .with(|logs| logs.room(room).is_some_and(RoomLog::is_complete))
    }

    /// How many messages of `room` the page holds (tracked).
    pub fn count_in(&self, room: &str) -> usize {
        self.messages
            .with(|logs| logs.room(room).map_or(0, RoomLog::len))
    }

    /// The message `id`, in whichever room it is.
    pub fn find_message(&self, id: u64) -> Option<ShownMessage> {
        self.messages.with_untracked(|logs| logs.find(id).cloned())
    }

    /// The authors of `room`'s newest `count` messages, newest first, for
    /// `@` completion.
    pub fn recent_authors(&self, room: &str, count: usize) -> Vec<String> {
        self.messages.with_untracked(|logs| {
            logs.room(room).map_or_else(Vec::new, |log| {
                log.messages()
                    .iter()
                    .rev()
                    .take(count)
                    .map(|shown| shown.message.author.clone())
                    .collect()
            })
        })
    }

    /// Where a reconnect resumes: after the newest id shown. A page the
    /// server has welcomed but that shows nothing yet (an empty room) resumes
    /// from the very start: without a cursor the server would send only the
    /// latest page, and cut off whatever more was written while the page was
    /// away. Only a page never welcomed starts from the latest page.
    pub fn resume_after(&self) -> Option<u64> {
        self.newest_id()
            .or_else(|| self.identity.with_untracked(Option::is_some).then_some(0))
    }

    /// The oldest id held in `room`: where older pages continue.
    pub fn oldest_id(&self, room: &str) -> Option<u64> {
        self.messages
            .with_untracked(|logs| logs.room(room).and_then(RoomLog::oldest_id))
    }

    /// The newest id held in `room`.
    pub fn newest_in(&self, room: &str) -> Option<u64> {
        self.messages
            .with_untracked(|logs| logs.room(room).and_then(RoomLog::newest_id))
    }

    pub(super) fn receive(&self, message: ChatMessage) {
        // History and live are stitched together by id: an id already held
        // is a repeat.
        let held = self.messages.with_untracked(|logs| {
            logs.room(&message.room)
                .is_some_and(|log| log.get(message.id).is_some())
        });
        if held {
            return;
        }
        if let Some(nonce) = &message.nonce {
            self.discard(nonce);
        }
        let own = message.nonce.is_some();
        // Their message is what they were typing.
        if self
            .typing
            .with_untracked(|typing| typing.is_typing(&message.room, &message.author))
        {
            self.typing
                .update(|typing| _ = typing.done(&message.room, &message.author));
        }
        self.count_unread(&message, own);
        // A room followed at its newest end, or not shown, keeps a bounded
        // log; one being read further back keeps what it shows.
        let keep_all = self.current_room_untracked().as_deref() == Some(message.room.as_str())
            && !self.following.get_untracked();
        self.messages.update(|logs| {
            let log = logs.room_mut(&message.room);
            log.insert(ShownMessage { message, own });
            if !keep_all {
                log.trim(None);
            }
        });
    }

    /// Applies an edit or delete (`id`) to the message `target` of `room`,
    /// if this page has it (otherwise it was never loaded, or is gone).
    pub(super) fn changed(
        &self,
        id: u64,
        nonce: Option<&str>,
        room: &str,
        target: u64,
        apply: impl FnOnce(&mut RoomLog),
    ) {
        if id <= self.newest_change.get_value() {
            return;
        }
        self.newest_change.set_value(id);
        if let Some(nonce) = nonce {
            self.discard(nonce);
        }
        let held = self
            .messages
            .with_untracked(|logs| logs.room(room).is_some_and(|log| log.get(target).is_some()));
        if held {
            self.messages.update(|logs| apply(logs.room_mut(room)));
        }
    }

    pub(super) fn append_older(&self, page: HistoryPage) {
        self.messages.update(|logs| {
            let log = logs.room_mut(&page.room);
            for message in page.messages {
                let own = message.nonce.is_some();
                log.insert(ShownMessage { message, own });
            }
            if page.complete {
                log.mark_complete();
            }
        });
        self.loading_older.set(None);
    }
}
