//! Paging back through history.

use leptos::prelude::*;

use crate::socket::Socket;
use crate::state::ChatState;

/// "Load older messages", at the end of the list, until the server says there
/// is nothing older.
#[component]
pub fn LoadOlder() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let visible = move || !chat.history_complete.get() && !chat.messages.with(Vec::is_empty);
    let load = move |_| {
        let Some(oldest) = chat.oldest_id() else {
            return;
        };
        match socket.request_older(oldest) {
            Ok(()) => chat.loading_older.set(true),
            Err(error) => chat.show_notice(
                "not_connected",
                format!("Cannot load older messages: {error}."),
            ),
        }
    };
    view! {
        <Show when=visible>
            <button type="button" class="load-older" on:click=load disabled=move || chat.loading_older.get()>
                {move || if chat.loading_older.get() { "Loading…" } else { "Load older messages" }}
            </button>
        </Show>
    }
}
