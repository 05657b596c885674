//! The connection's state, when it is not fine.

use leptos::prelude::*;

use crate::model::ConnectionStatus;
use crate::socket::Socket;
use crate::state::ChatState;

/// A strip above the messages while the page is not connected, in the
/// words people use ("Reconnecting in 3 s…", "Offline: your messages will
/// be sent when you're back"), with a way to try at once. Connected, it is
/// there only for screen readers, which hear "Connected" again after a
/// drop.
#[component]
pub fn ConnectionBanner() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    // Connected, or (where only accounts may chat) waiting for a sign-in
    // the page asks for anyway: nothing to show.
    let fine = move || {
        chat.status.with(|status| {
            matches!(
                status,
                ConnectionStatus::Open | ConnectionStatus::SignInNeeded
            )
        })
    };
    let waiting = move || {
        chat.status.with(|status| {
            matches!(
                status,
                ConnectionStatus::Closed {
                    retry_in_secs: Some(_),
                    ..
                }
            )
        })
    };
    view! {
        <div class="status" class:visually-hidden=fine role="status"
            data-state=move || chat.status.with(|status| status.name())>
            <span class="dot" aria-hidden="true"></span>
            <span class="label">{move || chat.status.with(|status| status.describe(chat.offline.get()))}</span>
            <Show when=move || waiting() && !chat.offline.get()>
                <button type="button" class="secondary small" on:click=move |_| socket.reconnect()>"Try now"</button>
            </Show>
        </div>
    }
}
