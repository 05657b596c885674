//! The message box.

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use natter_shared::{LOBBY, ValidationError, validate_text};

use crate::completion::Completion;
use crate::socket::Socket;
use crate::state::ChatState;
use crate::typing::{OwnTyping, typing_line};

/// How close to the limit (in characters) the count of what is left shows.
const COUNT_FROM: usize = 200;

/// Makes a text box as tall as its text, up to the stylesheet's
/// `max-height` (past which it scrolls).
pub fn fit_to_text(field: &web_sys::HtmlTextAreaElement) {
    let style = web_sys::HtmlElement::style(field);
    let _ = style.set_property("height", "auto");
    let _ = style.set_property("height", &format!("{}px", field.scroll_height() + 2));
}

/// A box that grows with its text: Enter sends to the shown room,
/// Shift+Enter starts a new line. A valid message goes into the outbox
/// (and localStorage) first and the box clears then: from there it is sent
/// now if connected, or as soon as a connection opens. Each room keeps its
/// own draft (across reloads too). Near the length limit it says how much
/// is left.
#[component]
pub fn Composer() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let room = Memo::new(move |_| chat.current_room());
    let draft = RwSignal::new(String::new());
    let field = NodeRef::<html::Textarea>::new();
    // On a room change: bring back the new room's draft.
    Effect::new(move |_| {
        let restored = room
            .get()
            .map(|room| chat.draft_of(&room))
            .unwrap_or_default();
        draft.set(restored);
        request_animation_frame(move || {
            if let Some(field) = field.get_untracked() {
                fit_to_text(&field);
            }
        });
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
    let own_typing = StoredValue::new(OwnTyping::default());
    let completion = Completion::new(draft);
    let offered = completion.offered;
    let chosen = completion.chosen;
    let listed = move || !offered.with(Vec::is_empty);
    let problem = RwSignal::new(None::<String>);
    let limit = move || chat.max_message_chars();
    let left = move || {
        let used = draft.with(|text| text.trim().chars().count());
        limit() as i64 - used as i64
    };

    let send = move || {
        let Some(room) = room.get_untracked() else {
            return;
        };
        let raw = draft.get_untracked();
        let text = match validate_text(&raw, limit()) {
            Ok(text) => text.to_owned(),
            // Enter on an empty box is not worth a word.
            Err(ValidationError::Empty) => return,
            Err(error) => {
                problem.set(Some(crate::words::text_problem(&error)));
                return;
            }
        };
        own_typing.update_value(|own| own.sent(&room));
        offered.set(Vec::new());
        let entry = chat.queue(&room, text);
        draft.set(String::new());
        chat.keep_draft(&room, "");
        problem.set(None);
        chat.notice.set(None);
        socket.send_entry(&entry);
        if let Some(field) = field.get_untracked() {
            fit_to_text(&field);
        }
    };
    let keys = move |event: KeyboardEvent| {
        let count = offered.with_untracked(Vec::len);
        if count > 0 {
            let handled = match event.key().as_str() {
                "ArrowDown" => {
                    chosen.update(|at| *at = (*at + 1) % count);
                    true
                }
                "ArrowUp" => {
                    chosen.update(|at| *at = (*at + count - 1) % count);
                    true
                }
                "Enter" | "Tab" => {
                    completion.take(chosen.get_untracked());
                    true
                }
                "Escape" => {
                    offered.set(Vec::new());
                    true
                }
                _ => false,
            };
            if handled {
                event.prevent_default();
                return;
            }
        }
        // Enter sends; Shift+Enter (and Enter while an input method is
        // composing a character) is a new line.
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            send();
        }
    };
    let typed = move |event: leptos::ev::Event| {
        let Some(room) = room.get_untracked() else {
            return;
        };
        // From the event: the bound draft may not have taken it yet.
        let text = event_target_value(&event);
        draft.set(text.clone());
        chat.keep_draft(&room, &text);
        if problem.with_untracked(Option::is_some) {
            problem.set(None);
        }
        if let Some(field) = field.get_untracked() {
            fit_to_text(&field);
        }
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
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        send();
    };

    view! {
        <form class="composer" on:submit=submit>
            <label class="visually-hidden" for="message-input">"Message"</label>
            <div class="composer-box" class:too-long=move || left() < 0>
                <textarea
                    id="message-input"
                    node_ref=field
                    rows="1"
                    autocomplete="off"
                    placeholder=placeholder
                    aria-describedby="composer-help"
                    disabled=move || !member()
                    prop:value=move || draft.get()
                    on:input=typed
                    on:keydown=keys
                    role="combobox"
                    aria-autocomplete="list"
                    aria-controls="mention-options"
                    aria-expanded=move || listed().to_string()
                    aria-activedescendant=move || listed().then(|| format!("mention-{}", chosen.get()))
                ></textarea>
                <button type="submit" class="primary send" disabled=move || !member()>"Send"</button>
            </div>
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
            <div class="composer-foot" id="composer-help">
                <TypingLine/>
                <span class="field-problem" role="alert">{move || problem.get()}</span>
                <span class="count" class:over=move || left() < 0 aria-live="polite">
                    {move || {
                        let left = left();
                        if left < 0 {
                            format!("{} characters too long", -left)
                        } else if (left as usize) < COUNT_FROM {
                            format!("{left} characters left")
                        } else {
                            String::new()
                        }
                    }}
                </span>
                <span class="keys-hint">"Enter to send · Shift+Enter for a new line"</span>
            </div>
        </form>
    }
}

/// "Ada is typing…" under the box, for the shown room.
#[component]
fn TypingLine() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let line = move || {
        let room = chat.current_room()?;
        typing_line(&chat.typing_in(&room))
    };
    view! {
        <span class="typing" aria-live="polite">{move || line().unwrap_or_default()}</span>
    }
}
