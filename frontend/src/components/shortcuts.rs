//! The keyboard shortcuts, listed (`?`).

use leptos::prelude::*;

use crate::components::modal::Modal;
use crate::ui::Ui;

/// Every shortcut the page has, in words.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+K (⌘K on a Mac)", "Jump to a room or person"),
    ("Alt+↑ / Alt+↓", "Previous or next room"),
    ("Enter", "Send the message"),
    ("Shift+Enter", "New line in the message"),
    ("@", "Mention someone (↑ ↓ to choose, Enter or Tab to take)"),
    (
        "Tab to the messages",
        "The newest message, or the one you were on",
    ),
    ("↑ / ↓ on a message", "Previous or next message"),
    ("Home / End on a message", "The first or last message shown"),
    ("E on your message", "Edit it"),
    (
        "Delete or Backspace on your message",
        "Delete it (asks first)",
    ),
    (
        "Escape",
        "Close a dialog or menu; from a message, back to the message box",
    ),
    ("?", "This list"),
];

/// The dialog that lists [`SHORTCUTS`].
#[component]
pub fn ShortcutsDialog() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <Modal open=ui.shortcuts label="Keyboard shortcuts" class="shortcuts">
            <div class="modal-head">
                <h2 class="modal-title">"Keyboard shortcuts"</h2>
                <button type="button" class="quiet icon close" aria-label="Close" autofocus
                    on:click=move |_| ui.shortcuts.set(false)>"×"</button>
            </div>
            <dl class="shortcut-list">
                {SHORTCUTS
                    .iter()
                    .map(|(keys, what)| view! {
                        <div class="shortcut">
                            <dt><kbd>{*keys}</kbd></dt>
                            <dd>{*what}</dd>
                        </div>
                    })
                    .collect_view()}
            </dl>
        </Modal>
    }
}
