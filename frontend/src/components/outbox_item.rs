//! One of our messages the server has not confirmed yet.

use leptos::prelude::*;

use crate::outbox::{Delivery, OutboxEntry};
use crate::socket::Socket;
use crate::state::ChatState;
use crate::time::{iso, local_time};

/// A message in the outbox, with its state: pending (waiting for the server),
/// sent (stored; its copy is on the way), or failed (with the server's reason,
/// and buttons to retry or discard it).
#[component]
pub fn OutboxItem(
    /// The entry to show.
    entry: OutboxEntry,
) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let (state, label) = match &entry.delivery {
        Delivery::Pending => ("pending", "pending…".to_owned()),
        Delivery::Sent { .. } => ("sent", "sent".to_owned()),
        Delivery::Failed { reason } => ("failed", format!("failed: {reason}")),
    };
    let failed = matches!(entry.delivery, Delivery::Failed { .. });
    let retry_nonce = entry.nonce.clone();
    let discard_nonce = entry.nonce.clone();
    let retry = move |_| {
        if let Some(entry) = chat.retry(&retry_nonce) {
            socket.send_entry(&entry);
        }
    };
    let discard = move |_| chat.discard(&discard_nonce);
    let author = chat
        .identity
        .with_untracked(|identity| identity.as_ref().map(|welcome| welcome.name.clone()))
        .unwrap_or_else(|| "you".to_owned());
    view! {
        <li class="message own outbox" data-state=state data-nonce=entry.nonce.clone()>
            <div class="meta">
                <span class="author">{author}</span>
                <span class="delivery">{label}</span>
                <time datetime=iso(entry.written_at)>{local_time(entry.written_at)}</time>
            </div>
            <p class="text">{entry.value}</p>
            {failed.then(|| view! {
                <div class="actions">
                    <button type="button" class="retry" on:click=retry>"Retry"</button>
                    <button type="button" class="discard" on:click=discard>"Discard"</button>
                </div>
            })}
        </li>
    }
}
