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
    let room = Memo::new(move |_| chat.current_room().unwrap_or_default());
    let visible = move || {
        let room = room.get();
        !chat.is_complete(&room) && !chat.messages_in(&room).is_empty()
    };
    let loading = move || {
        chat.loading_older
            .get()
            .is_some_and(|loading| loading == room.get())
    };
    let load = move |_| {
        let room = room.get_untracked();
        let Some(oldest) = chat.oldest_id(&room) else {
            return;
        };
        match socket.request_older(&room, Some(oldest)) {
            Ok(()) => chat.loading_older.set(Some(room)),
            Err(error) => chat.show_notice(
                "not_connected",
                format!("Cannot load older messages: {error}."),
            ),
        }
    };
    view! {
        <Show when=visible>
            <button type="button" class="load-older" on:click=load disabled=loading>
                {move || if loading() { "Loading…" } else { "Load older messages" }}
            </button>
        </Show>
    }
}
