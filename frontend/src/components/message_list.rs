//! The messages, newest first.

use leptos::prelude::*;

use crate::state::{ChatState, ShownMessage};
use crate::time::{iso, local_time};

/// Every message received on this page, newest on top. Your own are marked.
#[component]
pub fn MessageList() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    view! {
        <Show when=move || chat.messages.with(Vec::is_empty)>
            <p class="empty">"No messages yet. Say hello!"</p>
        </Show>
        <ol class="messages">
            <For
                each=move || chat.messages.get()
                key=|shown| shown.key
                children=|shown| view! { <MessageItem shown/> }
            />
        </ol>
    }
}

/// One message. Its text is a text node: markup in a message shows as typed.
#[component]
fn MessageItem(
    /// The message and whether it is ours.
    shown: ShownMessage,
) -> impl IntoView {
    let ShownMessage { message, own, .. } = shown;
    view! {
        <li class="message" class:own=own data-id=message.id.to_string()>
            <div class="meta">
                <span class="author">{message.author}</span>
                {own.then(|| view! { <span class="you">" (you)"</span> })}
                <time datetime=iso(message.timestamp)>{local_time(message.timestamp)}</time>
            </div>
            <p class="text">{message.value}</p>
        </li>
    }
}
