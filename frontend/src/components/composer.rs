//! The publish form.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use natter_shared::{DEFAULT_MAX_MESSAGE_CHARS, ValidationError, validate_text};

use crate::socket::Socket;
use crate::state::ChatState;

/// A text input and a send button; Enter sends. A valid message goes into the
/// outbox (and localStorage) first and the input clears then: from there it
/// is sent now if connected, or as soon as a connection opens.
#[component]
pub fn Composer() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let draft = RwSignal::new(String::new());

    let send = move |event: SubmitEvent| {
        event.prevent_default();
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
        let entry = chat.queue(text);
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
                placeholder="Say something…"
                bind:value=draft
            />
            <button type="submit">"Send"</button>
        </form>
    }
}
