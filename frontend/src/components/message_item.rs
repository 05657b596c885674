//! One delivered message.

use leptos::prelude::*;

use crate::components::message_controls::MessageControls;
use crate::model::ShownMessage;
use crate::outbox::Change;
use crate::route::Route;
use crate::state::ChatState;
use crate::time::{iso, local_time};

/// A message the server stored. Its text is a text node: markup in a message
/// shows as typed. Our own are marked and read "sent", and can be edited
/// or deleted; one changed since it was sent says "edited".
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
    let id = message.id;
    // A change of ours the server has not confirmed yet shows at once.
    let waiting = move || {
        chat.outbox.with(|entries| {
            entries
                .iter()
                .find(|entry| entry.change.is_some_and(|change| change.target() == id))
                .map(|entry| (entry.change, entry.value.clone()))
        })
    };
    let text = message.value.clone();
    let shown_text = move || match waiting() {
        Some((Some(Change::Edit(_)), value)) => value,
        _ => text.clone(),
    };
    let label = move || match waiting() {
        Some((Some(Change::Delete(_)), _)) => Some("deleting…"),
        Some(_) => Some("saving…"),
        None => own.then_some("sent"),
    };
    let edited = message.edited.map(|at| {
        view! { <span class="edited" title=format!("edited {}", local_time(at))>"(edited)"</span> }
    });
    // A message that mentions this person stands out.
    let mentioned = !own && chat.mentions_me(&message.value);
    let controls = own.then(|| {
        view! { <MessageControls id room=message.room.clone() text=message.value.clone()/> }
    });
    view! {
        <li
            class="message"
            class:own=own
            class:mention=mentioned
            data-id=id.to_string()
            data-state=move || label().map(|label| label.trim_end_matches('…'))
        >
            <div class="meta">
                {name}
                {move || label().map(|label| view! { <span class="delivery">{label}</span> })}
                {edited}
                <time datetime=iso(message.timestamp)>{local_time(message.timestamp)}</time>
            </div>
            <p class="text">{shown_text}</p>
            {controls}
        </li>
    }
}
