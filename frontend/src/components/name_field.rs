//! A guest choosing the name it shows.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use natter_shared::validate_name;

use crate::socket::Socket;
use crate::state::ChatState;
use crate::storage;

/// The guest's name form. A valid name is remembered for later visits and
/// takes effect at once (the page reconnects under it); an empty one lets
/// the server pick a guest name. A name the server will not give (an
/// account has it, or one that looks like it, or it looks like another
/// guest's) is refused with the reason, and the guest keeps its own.
#[component]
pub fn NameField() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let draft = RwSignal::new(chat.requested_name.get_untracked());
    let problem = RwSignal::new(None::<String>);
    // The server's answer to the name asked for: the welcome says which name
    // this connection shows.
    Effect::new(move |_| {
        let shown = chat
            .identity
            .with(|identity| identity.as_ref().map(|welcome| welcome.name.clone()));
        let asked = chat.requested_name.get_untracked();
        if let Some(shown) = shown
            && !asked.is_empty()
            && !shown.eq_ignore_ascii_case(&asked)
        {
            problem.set(Some(format!(
                "{asked} is taken (someone has an account with that name, or one that looks like it), so you appear as {shown}. Choose another name."
            )));
        }
    });

    let save = move |event: SubmitEvent| {
        event.prevent_default();
        let raw = draft.get_untracked();
        let name = if raw.trim().is_empty() {
            ""
        } else {
            match validate_name(&raw) {
                Ok(name) => name,
                Err(error) => {
                    problem.set(Some(crate::words::name_problem(&error)));
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
        <form class="name-form" on:submit=save>
            <div class="field">
                <label for="name-input">"Your name"</label>
                <div class="inline-field">
                    <input
                        id="name-input"
                        type="text"
                        autocomplete="nickname"
                        placeholder="a guest name is picked for you"
                        aria-describedby="name-problem"
                        bind:value=draft
                    />
                    <button type="submit" class="secondary">"Use name"</button>
                </div>
                <p class="identity hint">
                    {move || chat.identity.with(|identity| {
                        identity.as_ref().map(|welcome| format!("You appear as {}", welcome.name))
                    })}
                </p>
                <p class="field-problem" id="name-problem" role="alert">{move || problem.get()}</p>
            </div>
        </form>
    }
}
