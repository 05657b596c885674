//! Who is typing: the notices the server forwards, each shown for
//! [`TYPING_SHOWN_MS`] unless renewed, and gone at once when that person's
//! message arrives; and the pace at which this page sends its own.

use std::collections::HashMap;

use natter_shared::{TYPING_EVERY_MS, TYPING_SHOWN_MS};

/// Per room, who is typing and until when (ms on the page's clock).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Typists {
    rooms: HashMap<String, Vec<(String, f64)>>,
}

impl Typists {
    /// `name` is typing in `room`, as of `now`.
    pub fn notice(&mut self, room: &str, name: &str, now: f64) {
        let until = now + TYPING_SHOWN_MS as f64;
        let typists = self.rooms.entry(room.to_owned()).or_default();
        match typists.iter_mut().find(|(known, _)| known == name) {
            Some((_, known_until)) => *known_until = until,
            None => typists.push((name.to_owned(), until)),
        }
    }

    /// `name`'s message arrived in `room`: they are done typing it.
    /// Returns whether they were shown as typing.
    pub fn done(&mut self, room: &str, name: &str) -> bool {
        let Some(typists) = self.rooms.get_mut(room) else {
            return false;
        };
        let before = typists.len();
        typists.retain(|(known, _)| known != name);
        before != typists.len()
    }

    /// Whether any notice has run out by `now` (so pruning would change
    /// something).
    pub fn any_expired(&self, now: f64) -> bool {
        self.rooms
            .values()
            .flatten()
            .any(|(_, until)| *until <= now)
    }

    /// Forgets the notices that ran out by `now`.
    pub fn prune(&mut self, now: f64) {
        for typists in self.rooms.values_mut() {
            typists.retain(|(_, until)| *until > now);
        }
        self.rooms.retain(|_, typists| !typists.is_empty());
    }

    /// Who is typing in `room`, in the order they started.
    pub fn in_room(&self, room: &str) -> Vec<String> {
        self.rooms
            .get(room)
            .map(|typists| typists.iter().map(|(name, _)| name.clone()).collect())
            .unwrap_or_default()
    }

    /// Forgets everyone (a new connection: its notices start afresh).
    pub fn clear(&mut self) {
        self.rooms.clear();
    }
}

/// "Ada is typing…", "Ada and Bob are typing…", "several people are
/// typing…"; `None` when nobody is.
pub fn typing_line(names: &[String]) -> Option<String> {
    match names {
        [] => None,
        [one] => Some(format!("{one} is typing…")),
        [one, two] => Some(format!("{one} and {two} are typing…")),
        _ => Some("several people are typing…".to_owned()),
    }
}

/// When this page last told each room it was typing, so it tells at most
/// every [`TYPING_EVERY_MS`].
#[derive(Debug, Clone, Default)]
pub struct OwnTyping {
    told: HashMap<String, f64>,
}

impl OwnTyping {
    /// Whether a keystroke in `room` at `now` should tell the server; if so,
    /// it counts as told.
    pub fn should_tell(&mut self, room: &str, now: f64) -> bool {
        let due = self
            .told
            .get(room)
            .is_none_or(|at| now - at >= TYPING_EVERY_MS as f64);
        if due {
            self.told.insert(room.to_owned(), now);
        }
        due
    }

    /// The message was sent: the next keystroke starts a new notice.
    pub fn sent(&mut self, room: &str) {
        self.told.remove(room);
    }
}
