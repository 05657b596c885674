//! What can be done to a message from the keyboard or the pointer: moving
//! between messages, and editing or deleting one of ours.

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use natter_shared::validate_text;
use wasm_bindgen::JsCast;

use crate::components::modal::Modal;
use crate::outbox::Change;
use crate::socket::Socket;
use crate::state::ChatState;

/// The list as one stop in the Tab order: the message that has (or last
/// had) the focus is the stop, and the arrow keys move between messages.
#[derive(Debug, Clone, Copy)]
pub struct RowFocus {
    /// The message the Tab key lands on.
    pub active: RwSignal<Option<u64>>,
    /// The message whose deletion is being confirmed.
    pub deleting: RwSignal<Option<u64>>,
}

impl RowFocus {
    /// No message focused yet.
    pub fn new() -> Self {
        RowFocus {
            active: RwSignal::new(None),
            deleting: RwSignal::new(None),
        }
    }

    /// The `tabindex` of message `id`'s row and buttons (tracked): only the
    /// active message's are a Tab stop.
    pub fn tab_stop(&self, id: u64) -> &'static str {
        if self.active.get() == Some(id) {
            "0"
        } else {
            "-1"
        }
    }

    /// Keys pressed on a message row itself (not on its buttons or its
    /// edit box): ↑ and ↓ move, Home and End go to the ends, E edits and
    /// Delete deletes ours, Escape goes back to the message box.
    pub fn keys(&self, event: KeyboardEvent, id: u64, own: bool, editing: RwSignal<bool>) {
        if event.target() != event.current_target() {
            return;
        }
        let Some(row) = event
            .current_target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let handled = match event.key().as_str() {
            "ArrowDown" => focus_element(next_row(&row, true)),
            "ArrowUp" => focus_element(next_row(&row, false)),
            "Home" => focus_element(end_row(&row, false)),
            "End" => focus_element(end_row(&row, true)),
            "e" | "E" if own => {
                editing.set(true);
                true
            }
            "Delete" | "Backspace" if own => {
                self.deleting.set(Some(id));
                true
            }
            "Escape" => focus_composer(),
            _ => false,
        };
        if handled {
            event.prevent_default();
        }
    }
}

impl Default for RowFocus {
    fn default() -> Self {
        Self::new()
    }
}

/// The next message row after (or before) `row`, skipping day headings.
fn next_row(row: &web_sys::Element, forward: bool) -> Option<web_sys::Element> {
    let mut at = if forward {
        row.next_element_sibling()
    } else {
        row.previous_element_sibling()
    };
    while let Some(candidate) = at {
        if candidate.has_attribute("data-id") {
            return Some(candidate);
        }
        at = if forward {
            candidate.next_element_sibling()
        } else {
            candidate.previous_element_sibling()
        };
    }
    None
}

/// The last (or first) message row of the list `row` is in.
fn end_row(row: &web_sys::Element, last: bool) -> Option<web_sys::Element> {
    let rows = row.parent_element()?.query_selector_all("[data-id]").ok()?;
    let index = if last {
        rows.length().checked_sub(1)?
    } else {
        0
    };
    rows.item(index)?.dyn_into::<web_sys::Element>().ok()
}

fn focus_element(row: Option<web_sys::Element>) -> bool {
    match row.and_then(|row| row.dyn_into::<web_sys::HtmlElement>().ok()) {
        Some(row) => {
            let _ = row.focus();
            true
        }
        None => false,
    }
}

/// Puts the focus in the message box; false if there is none.
pub fn focus_composer() -> bool {
    focus_element(document().get_element_by_id("message-input"))
}

/// Focuses the row of message `id`, if it is in the list.
pub fn focus_message(id: u64) -> bool {
    focus_element(
        document()
            .query_selector(&format!("[data-key=\"m{id}\"]"))
            .ok()
            .flatten(),
    )
}

/// Edit and Delete on one of our messages: quiet buttons that appear over
/// its corner on hover or focus, taking no room of their own.
#[component]
pub fn MessageActions(
    /// The message.
    id: u64,
    /// Whether it is being edited.
    editing: RwSignal<bool>,
) -> impl IntoView {
    let focus = expect_context::<RowFocus>();
    let tab_stop = move || focus.tab_stop(id);
    view! {
        <div class="message-actions" role="toolbar" aria-label="Your message">
            <button type="button" class="quiet small edit" tabindex=tab_stop on:click=move |_| editing.set(true)>
                "Edit"
            </button>
            <button type="button" class="quiet small delete" tabindex=tab_stop
                on:click=move |_| focus.deleting.set(Some(id))>
                "Delete"
            </button>
        </div>
    }
}

/// Editing one of our messages in place: Enter saves, Shift+Enter starts a
/// new line, Escape gives up; either way the focus goes back to the
/// message. An edit goes into the outbox like a message, so a reload or a
/// drop does not lose it.
#[component]
pub fn EditForm(
    /// The message.
    id: u64,
    /// Its room.
    room: String,
    /// Its text now.
    text: String,
    /// Set to false when done.
    editing: RwSignal<bool>,
) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let draft = RwSignal::new(text.clone());
    let problem = RwSignal::new(None::<String>);
    let original = StoredValue::new(text);
    let room = StoredValue::new(room);
    let done = move || {
        editing.set(false);
        request_animation_frame(move || {
            focus_message(id);
        });
    };
    let save = move || {
        let raw = draft.get_untracked();
        match validate_text(&raw, chat.max_message_chars()) {
            Ok(text) if original.with_value(|original| original == text) => done(),
            Ok(text) => {
                let entry = room.with_value(|room| {
                    chat.queue_change(room, text.to_owned(), Some(Change::Edit(id)))
                });
                socket.send_entry(&entry);
                done();
            }
            Err(error) => problem.set(Some(crate::words::text_problem(&error))),
        }
    };
    let keys = move |event: KeyboardEvent| match event.key().as_str() {
        "Escape" => {
            event.prevent_default();
            event.stop_propagation();
            done();
        }
        "Enter" if !event.shift_key() && !event.is_composing() => {
            event.prevent_default();
            save();
        }
        _ => {}
    };
    let field = NodeRef::<html::Textarea>::new();
    Effect::new(move |_| {
        if let Some(field) = field.get() {
            crate::components::composer::fit_to_text(&field);
            let _ = field.focus();
            let end = field.value().len() as u32;
            let _ = field.set_selection_range(end, end);
        }
    });
    let input_id = format!("edit-{id}");
    let problem_id = format!("edit-{id}-problem");
    view! {
        <form class="edit-form" on:submit=move |event| { event.prevent_default(); save(); }>
            <label class="visually-hidden" for=input_id.clone()>"Edit your message"</label>
            <textarea
                id=input_id
                node_ref=field
                rows="1"
                aria-describedby=problem_id.clone()
                prop:value=move || draft.get()
                on:input=move |event| {
                    draft.set(event_target_value(&event));
                    if let Some(field) = field.get_untracked() {
                        crate::components::composer::fit_to_text(&field);
                    }
                }
                on:keydown=keys
            ></textarea>
            <p class="field-problem" id=problem_id role="alert">{move || problem.get()}</p>
            <div class="form-actions">
                <span class="hint">"Enter to save · Escape to cancel"</span>
                <button type="button" class="quiet small" on:click=move |_| done()>"Cancel"</button>
                <button type="submit" class="primary small">"Save"</button>
            </div>
        </form>
    }
}

/// "Delete this message?", for the message [`RowFocus::deleting`] names:
/// the focus stays in it until answered, Escape cancels. Deleting moves
/// the focus to the next message (or the one before, or the message box).
#[component]
pub fn DeleteDialog() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let focus = expect_context::<RowFocus>();
    let open = RwSignal::new(false);
    // Asked for: open. Closed (Escape, Cancel, the backdrop): forget it.
    Effect::new(move |_| {
        let asked = focus.deleting.get().is_some();
        if asked != open.get_untracked() {
            open.set(asked);
        }
    });
    Effect::new(move |_| {
        if !open.get() && focus.deleting.get_untracked().is_some() {
            focus.deleting.set(None);
        }
    });
    let preview = move || {
        let id = focus.deleting.get()?;
        chat.find_message(id).map(|shown| shown.message.value)
    };
    let confirm = move |_| {
        let Some(id) = focus.deleting.get_untracked() else {
            return;
        };
        let Some(room) = chat.find_message(id).map(|shown| shown.message.room) else {
            open.set(false);
            return;
        };
        let row = document()
            .query_selector(&format!("[data-key=\"m{id}\"]"))
            .ok()
            .flatten();
        let next = row
            .as_ref()
            .and_then(|row| next_row(row, true).or_else(|| next_row(row, false)));
        let entry = chat.queue_change(&room, String::new(), Some(Change::Delete(id)));
        socket.send_entry(&entry);
        open.set(false);
        request_animation_frame(move || {
            if !focus_element(next) {
                focus_composer();
            }
        });
    };
    view! {
        <Modal open label="Delete this message?" class="confirm">
            <h2 class="modal-title">"Delete this message?"</h2>
            <blockquote class="preview">{preview}</blockquote>
            <p class="hint">"It is removed for everyone. This cannot be undone."</p>
            <div class="form-actions">
                <button type="button" class="secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="button" class="danger confirm-delete" autofocus on:click=confirm>"Delete"</button>
            </div>
        </Modal>
    }
}
