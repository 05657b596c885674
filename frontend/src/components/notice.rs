//! Problems shown near the form.

use leptos::prelude::*;

use crate::state::ChatState;

/// The latest error (from the server or from the form), until dismissed or
/// replaced.
#[component]
pub fn Notice() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    move || {
        chat.notice.get().map(|notice| {
            view! {
                <p class="notice" role="alert" data-code=notice.code>
                    <span class="notice-text">{notice.message}</span>
                    <button type="button" class="dismiss" on:click=move |_| chat.notice.set(None)>
                        "Dismiss"
                    </button>
                </p>
            }
        })
    }
}
