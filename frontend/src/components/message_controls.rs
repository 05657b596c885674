//! Editing and deleting one of our own messages.

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use natter_shared::{DEFAULT_MAX_MESSAGE_CHARS, validate_text};

use crate::outbox::Change;
use crate::socket::Socket;
use crate::state::ChatState;

/// What the controls of one message show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The Edit and Delete buttons.
    Idle,
    /// A field with the text to change, Save and Cancel.
    Editing,
    /// "Delete this message?", with Delete and Cancel.
    Confirming,
}

/// Edit and Delete for a message of ours. An edit or delete goes into the
/// outbox like a message (so a reload or a drop does not lose it) and is
/// shown at once as waiting; the server's `edited` or `deleted` frame then
/// changes the message for everyone, this page included.
#[component]
pub fn MessageControls(
    /// The message's id.
    id: u64,
    /// Its room.
    room: String,
    /// Its text now.
    text: String,
) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let mode = RwSignal::new(Mode::Idle);
    let draft = RwSignal::new(text.clone());
    let problem = RwSignal::new(None::<String>);
    let room = StoredValue::new(room);
    let send = move |value: String, change: Change| {
        let entry = room.with_value(|room| chat.queue_change(room, value, Some(change)));
        socket.send_entry(&entry);
        mode.set(Mode::Idle);
    };
    let original = StoredValue::new(text);
    let save = move || {
        let raw = draft.get_untracked();
        match validate_text(&raw, DEFAULT_MAX_MESSAGE_CHARS) {
            Ok(text) if original.with_value(|original| original == text) => mode.set(Mode::Idle),
            Ok(text) => send(text.to_owned(), Change::Edit(id)),
            Err(error) => problem.set(Some(error.to_string())),
        }
    };
    let cancel = move |_| {
        problem.set(None);
        draft.set(original.get_value());
        mode.set(Mode::Idle);
    };
    // As in the composer: Enter saves, Shift+Enter starts a new line,
    // Escape gives up.
    let keys = move |event: KeyboardEvent| match event.key().as_str() {
        "Escape" => cancel(()),
        "Enter" if !event.shift_key() => {
            event.prevent_default();
            save();
        }
        _ => {}
    };
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        save();
    };
    // The field takes the focus when it opens, so typing goes on at once.
    let input = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        if let Some(field) = input.get() {
            let _ = field.focus();
        }
    });
    let field = format!("edit-{id}");
    move || {
        match mode.get() {
        Mode::Idle => view! {
            <div class="message-controls">
                <button type="button" class="edit" on:click=move |_| mode.set(Mode::Editing)>
                    "Edit"
                </button>
                <button type="button" class="delete" on:click=move |_| mode.set(Mode::Confirming)>
                    "Delete"
                </button>
            </div>
        }
        .into_any(),
        Mode::Editing => view! {
            <form class="edit-form" on:submit=submit on:keydown=keys>
                <label class="visually-hidden" for=field.clone()>"Edit your message"</label>
                <textarea id=field.clone() rows="2" node_ref=input prop:value=move || draft.get()
                    on:input=move |event| draft.set(event_target_value(&event))></textarea>
                <span class="problem" role="alert">{move || problem.get()}</span>
                <div class="actions">
                    <button type="submit" class="save">"Save"</button>
                    <button type="button" class="discard" on:click=move |_| cancel(())>"Cancel"</button>
                </div>
            </form>
        }
        .into_any(),
        Mode::Confirming => view! {
            <div class="actions" role="group" aria-label="Delete this message?">
                <span>"Delete this message?"</span>
                <button type="button" class="confirm-delete" on:click=move |_| send(String::new(), Change::Delete(id))>
                    "Delete"
                </button>
                <button type="button" class="discard" on:click=move |_| mode.set(Mode::Idle)>"Cancel"</button>
            </div>
        }
        .into_any(),
    }
    }
}
