//! Which room the page shows, kept in the URL's fragment so reload, back
//! and links work: `#/r/general` for a room, `#/dm/ada` for the direct
//! conversation with ada, nothing (or `#/r/lobby`) for the lobby.

use natter_shared::{LOBBY, RoomInfo, RoomKind};

/// A place in the chat.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Route {
    /// A public room, by name.
    Room(String),
    /// The direct conversation with this person, by name.
    Direct(String),
}

impl Default for Route {
    fn default() -> Self {
        Route::Room(LOBBY.to_owned())
    }
}

impl Route {
    /// Reads a fragment (`#/r/general`); anything else is the lobby.
    pub fn parse(hash: &str) -> Self {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let decode = |part: &str| {
            js_sys::decode_uri_component(part)
                .ok()
                .and_then(|decoded| decoded.as_string())
                .unwrap_or_else(|| part.to_owned())
        };
        match path.split_once('/') {
            Some(("r", name)) if !name.is_empty() => Route::Room(decode(name)),
            Some(("dm", name)) if !name.is_empty() => Route::Direct(decode(name)),
            _ => Route::default(),
        }
    }

    /// The fragment for this place.
    pub fn href(&self) -> String {
        let encode = |part: &str| String::from(js_sys::encode_uri_component(part));
        match self {
            Route::Room(name) => format!("#/r/{}", encode(name)),
            Route::Direct(name) => format!("#/dm/{}", encode(name)),
        }
    }

    /// The place a room of the list is.
    pub fn of(room: &RoomInfo) -> Self {
        match (room.kind, &room.with) {
            (RoomKind::Direct, Some(with)) => Route::Direct(with.clone()),
            _ => Route::Room(room.room.clone()),
        }
    }

    /// The key of the room this place is, among `rooms`: a public room's
    /// name, or the direct conversation with that person (names compared
    /// without case). `None` for a conversation not opened yet.
    pub fn room_key(&self, rooms: &[RoomInfo]) -> Option<String> {
        match self {
            Route::Room(name) => Some(name.to_ascii_lowercase()),
            Route::Direct(name) => rooms
                .iter()
                .find(|room| {
                    room.kind == RoomKind::Direct
                        && room
                            .with
                            .as_deref()
                            .is_some_and(|with| with.eq_ignore_ascii_case(name))
                })
                .map(|room| room.room.clone()),
        }
    }

    /// How the place is titled: `#general`, `@ada`.
    pub fn title(&self) -> String {
        match self {
            Route::Room(name) => format!("#{name}"),
            Route::Direct(name) => format!("@{name}"),
        }
    }
}

/// "1 member", "3 members".
pub fn members(count: u64) -> String {
    match count {
        1 => "1 member".to_owned(),
        n => format!("{n} members"),
    }
}
