//! The messages shown: what arrives, what changes, older pages, and the
//! cursors a resume continues from.

use leptos::prelude::*;
use natter_shared::{ChatMessage, HistoryPage};

use crate::model::ShownMessage;
use crate::state::ChatState;

impl ChatState {
    /// The newest id shown (or change applied), in any room.
    pub fn newest_id(&self) -> Option<u64> {
        let message = self
            .messages
            .with_untracked(|list| list.first().map(|shown| shown.message.id));
        let change = Some(self.newest_change.get_value()).filter(|id| *id > 0);
        message.max(change)
    }

    /// Whether the server said nothing older exists in `room` (tracked).
    pub fn is_complete(&self, room: &str) -> bool {
        self.complete.with(|complete| complete.contains(room))
    }

    /// The messages of `room` shown, newest first (tracked).
    pub fn messages_in(&self, room: &str) -> Vec<ShownMessage> {
        self.messages.with(|list| {
            list.iter()
                .filter(|shown| shown.message.room == room)
                .cloned()
                .collect()
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

    /// The oldest id shown in `room`: where "load older" continues.
    pub fn oldest_id(&self, room: &str) -> Option<u64> {
        self.messages.with_untracked(|list| {
            list.iter()
                .rev()
                .find(|shown| shown.message.room == room)
                .map(|shown| shown.message.id)
        })
    }

    /// The newest id shown in `room`.
    pub fn newest_in(&self, room: &str) -> Option<u64> {
        self.messages.with_untracked(|list| {
            list.iter()
                .find(|shown| shown.message.room == room)
                .map(|shown| shown.message.id)
        })
    }

    pub(super) fn receive(&self, message: ChatMessage) {
        // History and live are stitched together by id: an id already shown
        // is a repeat. Ids are global, so one sorted list serves every room.
        let position = self.messages.with_untracked(|list| {
            list.binary_search_by(|shown| message.id.cmp(&shown.message.id))
        });
        let Err(position) = position else {
            return;
        };
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
        self.messages
            .update(|list| list.insert(position, ShownMessage { message, own }));
    }

    /// Applies an edit or delete (`id`) to the shown message `target`, if
    /// this page has it (otherwise it was never loaded, or is gone).
    pub(super) fn changed(
        &self,
        id: u64,
        nonce: Option<&str>,
        target: u64,
        apply: impl FnOnce(&mut Vec<ShownMessage>, usize),
    ) {
        if id <= self.newest_change.get_value() {
            return;
        }
        self.newest_change.set_value(id);
        if let Some(nonce) = nonce {
            self.discard(nonce);
        }
        let at = self
            .messages
            .with_untracked(|list| list.binary_search_by(|shown| target.cmp(&shown.message.id)));
        if let Ok(at) = at {
            self.messages.update(|list| apply(list, at));
        }
    }

    pub(super) fn append_older(&self, page: HistoryPage) {
        self.messages.update(|list| {
            for message in page.messages {
                if let Err(position) =
                    list.binary_search_by(|shown| message.id.cmp(&shown.message.id))
                {
                    let own = message.nonce.is_some();
                    list.insert(position, ShownMessage { message, own });
                }
            }
        });
        if page.complete {
            self.complete.update(|complete| {
                complete.insert(page.room.clone());
            });
        }
        self.loading_older.set(None);
    }
}
