//! The shown room's messages, newest first.

use leptos::prelude::*;

use crate::components::load_older::LoadOlder;
use crate::components::message_item::MessageItem;
use crate::components::outbox_item::OutboxItem;
use crate::state::ChatState;

/// Our unconfirmed messages to the shown room on top (newest first), then
/// its delivered messages, newest first, with a line under the ones that
/// arrived while the person was away, and at the end a control to load
/// older ones.
#[component]
pub fn MessageList() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let room = Memo::new(move |_| chat.current_room().unwrap_or_default());
    let shown = move || chat.messages_in(&room.get());
    let pending = move || {
        let room = room.get();
        chat.outbox.with(|entries| {
            entries
                .iter()
                .filter(|entry| entry.room == room && entry.change.is_none())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let empty = move || shown().is_empty() && pending().is_empty();
    // The message the "new since you left" line goes under, if any.
    let line_below = Memo::new(move |_| {
        chat.new_since.with(|line| {
            let line = line.as_ref()?;
            chat.messages.with(|list| line.below(list))
        })
    });
    view! {
        <Show when=empty>
            <p class="empty">"No messages yet. Say hello!"</p>
        </Show>
        <ol class="messages" aria-labelledby="room-title" aria-live="polite">
            // The outbox is small and its entries change state, so it is
            // simply rendered again whenever it changes.
            {move || {
                pending()
                    .into_iter()
                    .rev()
                    .map(|entry| view! { <OutboxItem entry/> })
                    .collect_view()
            }}
            <For
                each=shown
                // An edit gives the item a new key, so it is drawn again.
                key=|shown| (shown.message.id, shown.message.edited)
                children=move |shown| {
                    let id = shown.message.id;
                    view! {
                        <MessageItem shown/>
                        <Show when=move || line_below.get() == Some(id)>
                            // An item of its own, so screen readers meet it in
                            // the list where it stands.
                            <li class="new-since">
                                <span>"New since you left"</span>
                            </li>
                        </Show>
                    }
                }
            />
        </ol>
        <LoadOlder/>
    }
}
