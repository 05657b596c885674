//! The publish form.

use std::collections::HashMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use natter_shared::{DEFAULT_MAX_MESSAGE_CHARS, LOBBY, ValidationError, validate_text};

use crate::socket::Socket;
use crate::state::ChatState;

/// A text input and a send button; Enter sends to the shown room. A valid
/// message goes into the outbox (and localStorage) first and the input
/// clears then: from there it is sent now if connected, or as soon as a
/// connection opens. Each room keeps its own draft while another is shown.
#[component]
pub fn Composer() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let draft = RwSignal::new(String::new());
    let drafts = StoredValue::new(HashMap::<String, String>::new());
    let room = Memo::new(move |_| chat.current_room());
    // On a room change: keep the old room's draft, bring back the new one's.
    Effect::new(move |previous: Option<Option<String>>| {
        let now = room.get();
        if let Some(Some(previous)) = previous {
            let text = draft.get_untracked();
            drafts.update_value(|drafts| {
                drafts.insert(previous, text);
            });
        }
        let restored = now
            .as_ref()
            .and_then(|now| drafts.with_value(|drafts| drafts.get(now).cloned()))
            .unwrap_or_default();
        draft.set(restored);
        now
    });
    // Everyone is always in the lobby, even before the first connection
    // (a message written then waits in the outbox).
    let member = move || {
        room.get().is_some_and(|room| {
            room == LOBBY
                || chat
                    .rooms
                    .with(|rooms| rooms.iter().any(|known| known.room == room))
        })
    };
    let placeholder = move || format!("Message {}", chat.route.get().title());

    let send = move |event: SubmitEvent| {
        event.prevent_default();
        let Some(room) = room.get_untracked() else {
            return;
        };
        let raw = draft.get_untracked();
        let text = match validate_text(&raw, DEFAULT_MAX_MESSAGE_CHARS) {
            Ok(text) => text.to_owned(),
            // Enter on an empty box is not worth a warning.
            Err(ValidationError::Empty) => return,
            Err(error) => {
                chat.show_notice(error.code().as_str(), format!("Message not sent: {error}."));
                return;
            }
        };
        let entry = chat.queue(&room, text);
        draft.set(String::new());
        chat.notice.set(None);
        socket.send_entry(&entry);
    };

    view! {
        <form class="composer" on:submit=send>
            <label class="visually-hidden" for="message-input">"Message"</label>
            <input
                id="message-input"
                type="text"
                autocomplete="off"
                placeholder=placeholder
                aria-describedby="room-title"
                disabled=move || !member()
                bind:value=draft
            />
            <button type="submit" disabled=move || !member()>"Send"</button>
        </form>
    }
}
