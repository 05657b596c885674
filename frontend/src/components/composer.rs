//! The publish form.

use std::collections::HashMap;

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use natter_shared::{DEFAULT_MAX_MESSAGE_CHARS, LOBBY, ValidationError, validate_text};

use crate::completion::Completion;
use crate::socket::Socket;
use crate::state::ChatState;
use crate::typing::{OwnTyping, typing_line};

/// A text input and a send button; Enter sends to the shown room. A valid
/// message goes into the outbox (and localStorage) first and the input
/// clears then: from there it is sent now if connected, or as soon as a
/// connection opens. Each room keeps its own draft while another is shown.
#[component]
pub fn Composer() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let draft = RwSignal::new(String::new());
    let drafts = StoredValue::new(HashMap::<String, String>::new());
    let room = Memo::new(move |_| chat.current_room());
    // On a room change: keep the old room's draft, bring back the new one's.
    Effect::new(move |previous: Option<Option<String>>| {
        let now = room.get();
        if let Some(Some(previous)) = previous {
            let text = draft.get_untracked();
            drafts.update_value(|drafts| {
                drafts.insert(previous, text);
            });
        }
        let restored = now
            .as_ref()
            .and_then(|now| drafts.with_value(|drafts| drafts.get(now).cloned()))
            .unwrap_or_default();
        draft.set(restored);
        now
    });
    // Everyone is always in the lobby, even before the first connection
    // (a message written then waits in the outbox).
    let member = move || {
        room.get().is_some_and(|room| {
            room == LOBBY
                || chat
                    .rooms
                    .with(|rooms| rooms.iter().any(|known| known.room == room))
        })
    };
    let placeholder = move || format!("Message {}", chat.route.get().title());
    // Keys pressed in a room: others there see "… is typing", told at most
    // every few seconds; Enter ends it (the message arriving clears it).
    let own_typing = StoredValue::new(OwnTyping::default());
    // `@` completion: a list of names under the box while a mention is
    // typed; arrows choose, Enter or Tab take, Escape closes.
    let completion = Completion::new(draft);
    let offered = completion.offered;
    let chosen = completion.chosen;
    let keys = move |event: KeyboardEvent| {
        let count = offered.with_untracked(Vec::len);
        if count == 0 {
            return;
        }
        match event.key().as_str() {
            "ArrowDown" => chosen.update(|at| *at = (*at + 1) % count),
            "ArrowUp" => chosen.update(|at| *at = (*at + count - 1) % count),
            "Enter" | "Tab" => completion.take(chosen.get_untracked()),
            "Escape" => offered.set(Vec::new()),
            _ => return,
        }
        event.prevent_default();
    };
    let listed = move || !offered.with(Vec::is_empty);
    let listed_untracked = move || !offered.with_untracked(Vec::is_empty);
    let typed = move |event: leptos::ev::Event| {
        let Some(room) = room.get_untracked() else {
            return;
        };
        // From the event: the bound draft may not have taken it yet.
        let text = event_target_value(&event);
        completion.follow(chat, &room, &text);
        if text.trim().is_empty() {
            return;
        }
        let now = js_sys::Date::now();
        if own_typing
            .try_update_value(|own| own.should_tell(&room, now))
            .unwrap_or(false)
        {
            let _ = socket.typing(&room);
        }
    };

    let send = move |event: SubmitEvent| {
        event.prevent_default();
        let Some(room) = room.get_untracked() else {
            return;
        };
        let raw = draft.get_untracked();
        let text = match validate_text(&raw, DEFAULT_MAX_MESSAGE_CHARS) {
            Ok(text) => text.to_owned(),
            // Enter on an empty box is not worth a warning.
            Err(ValidationError::Empty) => return,
            Err(error) => {
                chat.show_notice(error.code().as_str(), format!("Message not sent: {error}."));
                return;
            }
        };
        own_typing.update_value(|own| own.sent(&room));
        if listed_untracked() {
            offered.set(Vec::new());
        }
        let entry = chat.queue(&room, text);
        draft.set(String::new());
        chat.notice.set(None);
        socket.send_entry(&entry);
    };

    view! {
        <form class="composer" on:submit=send>
            <label class="visually-hidden" for="message-input">"Message"</label>
            <input
                id="message-input"
                type="text"
                autocomplete="off"
                placeholder=placeholder
                aria-describedby="room-title"
                disabled=move || !member()
                bind:value=draft
                on:input=typed
                on:keydown=keys
                role="combobox"
                aria-autocomplete="list"
                aria-controls="mention-options"
                aria-expanded=move || listed().to_string()
                aria-activedescendant=move || listed().then(|| format!("mention-{}", chosen.get()))
            />
            <button type="submit" disabled=move || !member()>"Send"</button>
            <ul id="mention-options" class="mention-options" role="listbox" aria-label="People to mention" hidden=move || !listed()>
                {move || {
                    offered
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(index, name)| view! {
                            <li
                                id=format!("mention-{index}")
                                role="option"
                                aria-selected=move || (chosen.get() == index).to_string()
                                // On press, before the box loses the focus.
                                on:mousedown=move |event| {
                                    event.prevent_default();
                                    completion.take(index);
                                }
                            >
                                {format!("@{name}")}
                            </li>
                        })
                        .collect_view()
                }}
            </ul>
        </form>
        <TypingIndicator/>
    }
}

/// "Ada is typing…" under the form, for the shown room.
#[component]
fn TypingIndicator() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let line = move || {
        let room = chat.current_room()?;
        typing_line(&chat.typing_in(&room))
    };
    view! {
        <p class="typing" aria-live="polite">{move || line().unwrap_or_default()}</p>
    }
}
