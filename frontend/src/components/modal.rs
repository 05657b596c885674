//! A modal dialog: the browser's own `<dialog>`, opened with `showModal`,
//! so the rest of the page is inert while it is open (focus stays inside)
//! and Escape closes it.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What can take the focus inside a dialog, in order.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// A dialog shown while `open`; its children are drawn only then, so each
/// opening starts afresh (empty fields, no old errors). The first element
/// marked `autofocus` (else the first control) takes the focus, and it
/// goes back where it was when the dialog closes, unless something closed
/// it to put the focus elsewhere. A click on the backdrop closes it too.
#[component]
pub fn Modal(
    /// Whether it is open; closing it (Escape, the backdrop, a button)
    /// sets this back to false.
    open: RwSignal<bool>,
    /// What the dialog is, for screen readers (its heading's words).
    #[prop(into)]
    label: String,
    /// Extra classes for its size and place.
    #[prop(optional)]
    class: &'static str,
    /// What it holds.
    children: ChildrenFn,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let before = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |_| {
        let wanted = open.get();
        let Some(element) = dialog.get() else {
            return;
        };
        if wanted && !element.open() {
            before.set_value(
                document()
                    .active_element()
                    .and_then(|active| active.dyn_into::<web_sys::HtmlElement>().ok()),
            );
            // Once its children are drawn, so the right one takes the focus.
            request_animation_frame(move || {
                if !open.get_untracked() || element.open() {
                    return;
                }
                let _ = element.show_modal();
                let first = element
                    .query_selector("[autofocus]")
                    .ok()
                    .flatten()
                    .and_then(|first| first.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(first) = first {
                    let _ = first.focus();
                }
            });
        } else if !wanted && element.open() {
            element.close();
        }
    });
    let closed = move |_| {
        open.set(false);
        // Back where it was, if nothing else took the focus meanwhile.
        let lost = document().active_element().is_none_or(|active| {
            active == document().body().map(Into::into).unwrap_or(active.clone())
        });
        if lost && let Some(before) = before.get_value() {
            let _ = before.focus();
        }
    };
    // Tab past the last control comes back to the first (and Shift+Tab
    // before the first goes to the last): the browser would otherwise let
    // the focus leave for its own toolbar.
    let keep_focus_inside = move |event: leptos::ev::KeyboardEvent| {
        if event.key() != "Tab" {
            return;
        }
        let Some(element) = dialog.get_untracked() else {
            return;
        };
        let Ok(controls) = element.query_selector_all(FOCUSABLE) else {
            return;
        };
        let count = controls.length();
        if count == 0 {
            return;
        }
        let first = controls.item(0);
        let last = controls.item(count - 1);
        let active = document().active_element().map(Into::<web_sys::Node>::into);
        let wrap_to = if event.shift_key() && active == first {
            last
        } else if !event.shift_key() && active == last {
            first
        } else {
            return;
        };
        if let Some(target) = wrap_to.and_then(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        {
            event.prevent_default();
            let _ = target.focus();
        }
    };
    let backdrop = move |event: leptos::ev::MouseEvent| {
        let on_backdrop = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlDialogElement>().ok())
            .is_some();
        if on_backdrop {
            open.set(false);
        }
    };
    view! {
        <dialog
            node_ref=dialog
            class=format!("modal {class}")
            aria-label=label
            on:close=closed
            on:click=backdrop
            on:keydown=keep_focus_inside
        >
            <div class="modal-body">
                <Show when=move || open.get()>{children()}</Show>
            </div>
        </dialog>
    }
}
