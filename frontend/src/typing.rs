//! Who is typing: the notices the server forwards, each shown for
//! [`TYPING_SHOWN_MS`] unless renewed, and gone at once when that person's
//! message arrives; and the pace at which this page sends its own.

use natter_shared::{TYPING_EVERY_MS, TYPING_SHOWN_MS};

/// Who is typing in which room, and until when (ms on the page's clock).
/// A vector: a handful of entries, and each map type adds to the download.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Typists {
    typing: Vec<Typist>,
}

#[derive(Debug, Clone, PartialEq)]
struct Typist {
    room: String,
    name: String,
    until: f64,
}

impl Typists {
    /// `name` is typing in `room`, as of `now`.
    pub fn notice(&mut self, room: &str, name: &str, now: f64) {
        let until = now + TYPING_SHOWN_MS as f64;
        match self
            .typing
            .iter_mut()
            .find(|typist| typist.room == room && typist.name == name)
        {
            Some(typist) => typist.until = until,
            None => self.typing.push(Typist {
                room: room.to_owned(),
                name: name.to_owned(),
                until,
            }),
        }
    }

    /// Whether `name` is shown as typing in `room`.
    pub fn is_typing(&self, room: &str, name: &str) -> bool {
        self.typing
            .iter()
            .any(|typist| typist.room == room && typist.name == name)
    }

    /// `name`'s message arrived in `room`: they are done typing it.
    /// Returns whether they were shown as typing.
    pub fn done(&mut self, room: &str, name: &str) -> bool {
        let before = self.typing.len();
        self.typing
            .retain(|typist| !(typist.room == room && typist.name == name));
        before != self.typing.len()
    }

    /// Whether any notice has run out by `now` (so pruning would change
    /// something).
    pub fn any_expired(&self, now: f64) -> bool {
        self.typing.iter().any(|typist| typist.until <= now)
    }

    /// Forgets the notices that ran out by `now`.
    pub fn prune(&mut self, now: f64) {
        self.typing.retain(|typist| typist.until > now);
    }

    /// Who is typing in `room`, in the order they started.
    pub fn in_room(&self, room: &str) -> Vec<String> {
        self.typing
            .iter()
            .filter(|typist| typist.room == room)
            .map(|typist| typist.name.clone())
            .collect()
    }

    /// Forgets everyone (a new connection: its notices start afresh).
    pub fn clear(&mut self) {
        self.typing.clear();
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
    told: Vec<(String, f64)>,
}

impl OwnTyping {
    /// Whether a keystroke in `room` at `now` should tell the server; if so,
    /// it counts as told.
    pub fn should_tell(&mut self, room: &str, now: f64) -> bool {
        let due = self
            .told
            .iter()
            .find(|(known, _)| known == room)
            .is_none_or(|(_, at)| now - at >= TYPING_EVERY_MS as f64);
        if due {
            self.sent(room);
            self.told.push((room.to_owned(), now));
        }
        due
    }

    /// The message was sent: the next keystroke starts a new notice.
    pub fn sent(&mut self, room: &str) {
        self.told.retain(|(known, _)| known != room);
    }
}
