//! The connection status line.

use leptos::prelude::*;

use crate::state::ChatState;

/// Names the connection state (connecting, open, closing, closed); after a
/// close, the code, whether it was clean, and the countdown to the next try.
#[component]
pub fn StatusIndicator() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    view! {
        <p class="status" role="status" data-state=move || chat.status.with(|status| status.name())>
            <span class="dot" aria-hidden="true"></span>
            <span class="label">{move || chat.status.with(|status| status.describe())}</span>
        </p>
    }
}
