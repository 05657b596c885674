//! One delivered message.

use leptos::prelude::*;

use crate::route::Route;
use crate::state::{ChatState, ShownMessage};
use crate::time::{iso, local_time};

/// A message the server stored. Its text is a text node: markup in a message
/// shows as typed. Our own are marked and read "sent".
#[component]
pub fn MessageItem(
    /// The message and whether it is ours.
    shown: ShownMessage,
) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let ShownMessage { message, own } = shown;
    // Someone with an account can be messaged from their name (not
    // oneself, and not guests, who cannot receive direct messages).
    let author = message.author.clone();
    let can_message = !own
        && !author.to_ascii_lowercase().starts_with("guest-")
        && chat.account.with_untracked(|me| {
            me.as_ref()
                .is_some_and(|me| !me.eq_ignore_ascii_case(&author))
        });
    let name = if can_message {
        let to = author.clone();
        view! {
            <button
                type="button"
                class="author"
                title=format!("Message {author}")
                on:click=move |_| chat.go(Route::Direct(to.clone()))
            >
                {author.clone()}
            </button>
        }
        .into_any()
    } else {
        view! { <span class="author">{author.clone()}</span> }.into_any()
    };
    view! {
        <li
            class="message"
            class:own=own
            data-id=message.id.to_string()
            data-state=own.then_some("sent")
        >
            <div class="meta">
                {name}
                {own.then(|| view! { <span class="delivery">"sent"</span> })}
                <time datetime=iso(message.timestamp)>{local_time(message.timestamp)}</time>
            </div>
            <p class="text">{message.value}</p>
        </li>
    }
}
