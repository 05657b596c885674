//! Who is online and who is typing, per room.

use leptos::prelude::*;

use crate::state::ChatState;

impl ChatState {
    /// Who else is typing in `room` (tracked).
    pub fn typing_in(&self, room: &str) -> Vec<String> {
        self.typing.with(|typing| typing.in_room(room))
    }

    /// Shows `name` as typing in `room` for a while, and forgets the notice
    /// when it runs out.
    pub(super) fn someone_typing(&self, room: &str, name: &str) {
        self.typing
            .update(|typing| typing.notice(room, name, js_sys::Date::now()));
        let chat = *self;
        set_timeout(
            move || {
                let now = js_sys::Date::now();
                // Only when something ran out: a renewed notice lives on.
                if chat.typing.with_untracked(|typing| typing.any_expired(now)) {
                    chat.typing.update(|typing| typing.prune(now));
                }
            },
            std::time::Duration::from_millis(natter_shared::TYPING_SHOWN_MS),
        );
    }

    /// Who is online in `room`, sorted (tracked).
    pub fn online_in(&self, room: &str) -> Vec<String> {
        self.online.with(|online| {
            let mut names: Vec<String> = online
                .iter()
                .find(|(known, _)| known == room)
                .map(|(_, names)| names.clone())
                .unwrap_or_default();
            names.sort_by_key(|name| name.to_lowercase());
            names
        })
    }

    /// Whether `name` is online in `room` (tracked).
    pub fn is_online(&self, room: &str, name: &str) -> bool {
        self.online.with(|online| {
            online
                .iter()
                .any(|(known, names)| known == room && names.iter().any(|known| known == name))
        })
    }
}
