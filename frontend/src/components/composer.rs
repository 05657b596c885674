//! The publish form.

use std::collections::HashMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use natter_shared::{DEFAULT_MAX_MESSAGE_CHARS, LOBBY, ValidationError, validate_text};

use crate::socket::Socket;
use crate::state::ChatState;
use crate::typing::{OwnTyping, typing_line};

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
    // Keys pressed in a room: others there see "… is typing", told at most
    // every few seconds; Enter ends it (the message arriving clears it).
    let own_typing = StoredValue::new(OwnTyping::default());
    let typed = move |event: leptos::ev::Event| {
        let Some(room) = room.get_untracked() else {
            return;
        };
        // From the event: the bound draft may not have taken it yet.
        if event_target_value(&event).trim().is_empty() {
            return;
        }
        let now = js_sys::Date::now();
        if own_typing
            .try_update_value(|own| own.should_tell(&room, now))
            .unwrap_or(false)
        {
            let _ = socket.typing(&room);
        }
    };

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
        own_typing.update_value(|own| own.sent(&room));
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
                on:input=typed
            />
            <button type="submit" disabled=move || !member()>"Send"</button>
        </form>
        <TypingIndicator/>
    }
}

/// "Ada is typing…" under the form, for the shown room.
#[component]
fn TypingIndicator() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let line = move || {
        let room = chat.current_room()?;
        typing_line(&chat.typing_in(&room))
    };
    view! {
        <p class="typing" aria-live="polite">{move || line().unwrap_or_default()}</p>
    }
}
