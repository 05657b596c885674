//! The messages, newest first.

use leptos::prelude::*;

use crate::components::load_older::LoadOlder;
use crate::components::message_item::MessageItem;
use crate::components::outbox_item::OutboxItem;
use crate::state::ChatState;

/// Our unconfirmed messages on top (newest first), then every delivered
/// message, newest first, and at the end a control to load older ones.
#[component]
pub fn MessageList() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let empty = move || chat.messages.with(Vec::is_empty) && chat.outbox.with(Vec::is_empty);
    view! {
        <Show when=empty>
            <p class="empty">"No messages yet. Say hello!"</p>
        </Show>
        <ol class="messages">
            // The outbox is small and its entries change state, so it is
            // simply rendered again whenever it changes.
            {move || {
                chat.outbox
                    .get()
                    .into_iter()
                    .rev()
                    .map(|entry| view! { <OutboxItem entry/> })
                    .collect_view()
            }}
            <For
                each=move || chat.messages.get()
                key=|shown| shown.message.id
                children=|shown| view! { <MessageItem shown/> }
            />
        </ol>
        <LoadOlder/>
    }
}
