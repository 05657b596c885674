//! Choosing a display name.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use natter_shared::validate_name;

use crate::socket::Socket;
use crate::state::ChatState;
use crate::storage;

/// The display name form. A valid name is remembered for later visits and
/// takes effect at once (the client reconnects under it); an empty one lets
/// the server pick a guest name.
#[component]
pub fn NameField() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let draft = RwSignal::new(chat.requested_name.get_untracked());
    let problem = RwSignal::new(None::<String>);

    let save = move |event: SubmitEvent| {
        event.prevent_default();
        let raw = draft.get_untracked();
        let name = if raw.trim().is_empty() {
            ""
        } else {
            match validate_name(&raw) {
                Ok(name) => name,
                Err(error) => {
                    problem.set(Some(format!("That name will not work: {error}.")));
                    return;
                }
            }
        };
        problem.set(None);
        draft.set(name.to_owned());
        if name != chat.requested_name.get_untracked() {
            chat.requested_name.set(name.to_owned());
            storage::save_name(name);
            socket.reconnect();
        }
    };

    view! {
        <form class="name" on:submit=save>
            <label for="name-input">"Your name"</label>
            <input
                id="name-input"
                type="text"
                autocomplete="nickname"
                placeholder="a guest name is picked for you"
                bind:value=draft
            />
            <button type="submit">"Use name"</button>
            <span class="identity">
                {move || chat.identity.with(|identity| {
                    identity.as_ref().map(|welcome| format!("You appear as {}", welcome.name))
                })}
            </span>
            <span class="problem" role="alert">{move || problem.get()}</span>
        </form>
    }
}
