//! One delivered message.

use leptos::prelude::*;

use crate::state::ShownMessage;
use crate::time::{iso, local_time};

/// A message the server stored. Its text is a text node: markup in a message
/// shows as typed. Our own are marked and read "sent".
#[component]
pub fn MessageItem(
    /// The message and whether it is ours.
    shown: ShownMessage,
) -> impl IntoView {
    let ShownMessage { message, own } = shown;
    view! {
        <li
            class="message"
            class:own=own
            data-id=message.id.to_string()
            data-state=own.then_some("sent")
        >
            <div class="meta">
                <span class="author">{message.author}</span>
                {own.then(|| view! { <span class="delivery">"sent"</span> })}
                <time datetime=iso(message.timestamp)>{local_time(message.timestamp)}</time>
            </div>
            <p class="text">{message.value}</p>
        </li>
    }
}
