//! The messages this page holds, room by room: each room's sorted by id,
//! each id once, so every step (a message arriving, an edit, a delete, a
//! page of history) costs a binary search, never a pass over the list.

use std::collections::HashMap;

use crate::model::ShownMessage;

/// How many messages of a room the page keeps while it follows the room's
/// newest: older ones are let go (and fetched again if scrolled back to),
/// so a tab left open on a busy room for days keeps a bounded list.
pub const KEPT_PER_ROOM: usize = 2_000;

/// One room's messages, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoomLog {
    messages: Vec<ShownMessage>,
    /// Whether the server said nothing older than the oldest here exists.
    complete: bool,
}

impl RoomLog {
    /// The messages, oldest first.
    pub fn messages(&self) -> &[ShownMessage] {
        &self.messages
    }

    /// Whether nothing older than what is here exists.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// How many are held.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// The oldest id held.
    pub fn oldest_id(&self) -> Option<u64> {
        self.messages.first().map(|shown| shown.message.id)
    }

    /// The newest id held.
    pub fn newest_id(&self) -> Option<u64> {
        self.messages.last().map(|shown| shown.message.id)
    }

    /// Where `id` is (`Ok`), or would go (`Err`).
    pub fn position(&self, id: u64) -> Result<usize, usize> {
        // New messages come at the end: look there first.
        match self.messages.last() {
            Some(last) if last.message.id < id => Err(self.messages.len()),
            _ => self
                .messages
                .binary_search_by(|shown| shown.message.id.cmp(&id)),
        }
    }

    /// The message `id`, if held.
    pub fn get(&self, id: u64) -> Option<&ShownMessage> {
        self.position(id).ok().map(|at| &self.messages[at])
    }

    /// The message `id` to change, if held.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut ShownMessage> {
        self.position(id).ok().map(|at| &mut self.messages[at])
    }

    /// Adds a message; false if its id is here already.
    pub fn insert(&mut self, shown: ShownMessage) -> bool {
        match self.position(shown.message.id) {
            Ok(_) => false,
            Err(at) => {
                self.messages.insert(at, shown);
                true
            }
        }
    }

    /// Takes the message `id` out, if held.
    pub fn remove(&mut self, id: u64) -> Option<ShownMessage> {
        self.position(id).ok().map(|at| self.messages.remove(at))
    }

    /// The messages newer than `id`, oldest first.
    pub fn after(&self, id: u64) -> &[ShownMessage] {
        let from = match self.position(id) {
            Ok(at) => at + 1,
            Err(at) => at,
        };
        &self.messages[from..]
    }

    /// Notes that nothing older than what is held exists.
    pub fn mark_complete(&mut self) {
        self.complete = true;
    }

    /// Lets the oldest go until at most [`KEPT_PER_ROOM`] remain, none of
    /// them at or after `keep_from` (what is shown); the room is then no
    /// longer complete here. Returns whether any went.
    pub fn trim(&mut self, keep_from: Option<u64>) -> bool {
        let excess = self.messages.len().saturating_sub(KEPT_PER_ROOM);
        let shown_from = keep_from.map_or(usize::MAX, |id| match self.position(id) {
            Ok(at) | Err(at) => at,
        });
        let dropped = excess.min(shown_from);
        if dropped == 0 {
            return false;
        }
        self.messages.drain(..dropped);
        self.complete = false;
        true
    }
}

/// Every room's messages, and the newest id of all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Logs {
    rooms: HashMap<String, RoomLog>,
}

impl Logs {
    /// The messages of `room` (empty if none).
    pub fn room(&self, room: &str) -> Option<&RoomLog> {
        self.rooms.get(room)
    }

    /// The messages of `room`, to change.
    pub fn room_mut(&mut self, room: &str) -> &mut RoomLog {
        self.rooms.entry(room.to_owned()).or_default()
    }

    /// The newest id held in any room.
    pub fn newest_id(&self) -> Option<u64> {
        self.rooms.values().filter_map(RoomLog::newest_id).max()
    }

    /// The message `id`, wherever it is (each room is searched once).
    pub fn find(&self, id: u64) -> Option<&ShownMessage> {
        self.rooms.values().find_map(|log| log.get(id))
    }

    /// The room that holds `id`.
    pub fn room_of(&self, id: u64) -> Option<&str> {
        self.rooms
            .iter()
            .find(|(_, log)| log.get(id).is_some())
            .map(|(room, _)| room.as_str())
    }

    /// Forgets every message.
    pub fn clear(&mut self) {
        self.rooms.clear();
    }

    /// Forgets one room's messages.
    pub fn forget(&mut self, room: &str) {
        self.rooms.remove(room);
    }
}

#[cfg(test)]
mod tests {
    use natter_shared::ChatMessage;

    use super::*;

    fn shown(id: u64) -> ShownMessage {
        ShownMessage {
            message: ChatMessage {
                id,
                room: "lobby".into(),
                value: format!("m{id}"),
                author: "ada".into(),
                timestamp: id as i64,
                nonce: None,
                edited: None,
            },
            own: false,
        }
    }

    fn ids(log: &RoomLog) -> Vec<u64> {
        log.messages().iter().map(|s| s.message.id).collect()
    }

    #[test]
    fn messages_are_kept_in_id_order_each_once() {
        let mut log = RoomLog::default();
        for id in [5, 9, 7, 1, 9, 5] {
            log.insert(shown(id));
        }
        assert_eq!(ids(&log), [1, 5, 7, 9]);
        assert_eq!(log.remove(7).map(|s| s.message.id), Some(7));
        assert_eq!(ids(&log), [1, 5, 9]);
        assert_eq!(
            log.after(1)
                .iter()
                .map(|s| s.message.id)
                .collect::<Vec<_>>(),
            [5, 9]
        );
        assert_eq!(log.after(6).len(), 1);
        assert_eq!((log.oldest_id(), log.newest_id()), (Some(1), Some(9)));
    }

    #[test]
    fn trimming_keeps_what_is_shown_and_forgets_completeness() {
        let mut log = RoomLog::default();
        for id in 1..=(KEPT_PER_ROOM as u64 + 10) {
            log.insert(shown(id));
        }
        log.mark_complete();
        // What is shown starts at 5: only 4 may go.
        assert!(log.trim(Some(5)));
        assert_eq!(log.oldest_id(), Some(5));
        assert!(!log.is_complete());
        assert!(log.trim(None));
        assert_eq!(log.len(), KEPT_PER_ROOM);
        assert!(!log.trim(None));
    }
}
