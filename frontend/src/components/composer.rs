//! The publish form.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use natter_shared::{
    ClientFrame, DEFAULT_MAX_MESSAGE_CHARS, PublishParams, ValidationError, validate_text,
};

use crate::nonce::fresh_nonce;
use crate::socket::Socket;
use crate::state::ChatState;

/// A text input and a send button; Enter sends. The input clears only once
/// the message has been handed to an open socket, so nothing typed is lost
/// while disconnected.
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
        let nonce = fresh_nonce();
        chat.remember_own(nonce.clone());
        let frame = ClientFrame::Message(PublishParams {
            value: text,
            nonce: Some(nonce),
        });
        match socket.send(&frame) {
            Ok(()) => {
                draft.set(String::new());
                chat.notice.set(None);
            }
            Err(error) => chat.show_notice(
                "not_sent",
                format!("Message not sent: {error}. It is still in the box; send it again once connected."),
            ),
        }
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
