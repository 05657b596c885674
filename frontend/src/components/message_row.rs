//! One row of the message list: a day's heading, a delivered message, or
//! one of ours on its way.

use leptos::html;
use leptos::prelude::*;

use crate::components::avatar::Avatar;
use crate::components::message_actions::{EditForm, MessageActions, RowFocus};
use crate::components::message_text::MessageText;
use crate::model::ShownMessage;
use crate::outbox::{Change, Delivery, OutboxEntry};
use crate::route::Route;
use crate::socket::Socket;
use crate::state::ChatState;
use crate::time::{day_label, day_number, full_date_time, iso, short_time};
use crate::timeline::sight::Sight;

/// "Today", "Yesterday", or the date: a heading, so a screen reader can
/// jump from day to day.
#[component]
pub fn DayRow(
    /// A moment of the day.
    at: i64,
) -> impl IntoView {
    view! {
        <li class="day" data-key=format!("d{}", day_number(at))>
            <h3><time datetime=iso(at)>{day_label(at)}</time></h3>
        </li>
    }
}

/// A message the server stored. Under a header (name, avatar, time) when it
/// starts a group, else with its time in the gutter on hover; the exact
/// date and time on hover and for screen readers; its text formatted. Ours
/// can be edited and deleted from actions that appear on hover or focus.
#[component]
pub fn MessageRow(
    /// The message, and whether it is ours.
    shown: ShownMessage,
    /// Whether it starts a group.
    header: bool,
) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let sight = expect_context::<Sight>();
    let focus = expect_context::<RowFocus>();
    let ShownMessage { message, own } = shown;
    let id = message.id;
    let node = NodeRef::<html::Li>::new();
    Effect::new(move |_| {
        if let Some(row) = node.get() {
            sight.observe(&row);
            // Drawn again (an edit arrived, or its group changed) while it
            // had the focus: it keeps it.
            let lost = document()
                .active_element()
                .is_none_or(|active| Some(active) == document().body().map(Into::into));
            if lost && focus.active.get_untracked() == Some(id) {
                let _ = row.focus();
            }
        }
    });
    on_cleanup(move || {
        if let Some(row) = node.get_untracked() {
            sight.unobserve(&row);
        }
    });
    let mentioned = !own && chat.mentions_me(&message.value);
    // A change of ours the server has not confirmed yet shows at once.
    // Only our own rows look at the outbox: the others never change there.
    let waiting = Memo::new(move |_| {
        if !own {
            return None;
        }
        chat.outbox.with(|entries| {
            entries
                .iter()
                .find(|entry| entry.change.is_some_and(|change| change.target() == id))
                .map(|entry| (entry.change, entry.value.clone()))
        })
    });
    let stored_text = message.value.clone();
    let text = move || match waiting.get() {
        Some((Some(Change::Edit(_)), value)) => value,
        _ => stored_text.clone(),
    };
    let state = move || match waiting.get() {
        Some((Some(Change::Delete(_)), _)) => Some("deleting"),
        Some(_) => Some("saving"),
        None => None,
    };
    let editing = RwSignal::new(false);
    let full = full_date_time(message.timestamp);
    let author = message.author.clone();
    let edited = message.edited.map(|at| {
        view! {
            <span class="edited" title=format!("edited {}", full_date_time(at))>"(edited)"</span>
        }
    });
    let room = message.room.clone();
    let tab_stop = move || focus.tab_stop(id);
    view! {
        <li
            node_ref=node
            class="message"
            class:header=header
            class:own=own
            class:mention=mentioned
            data-id=id.to_string()
            data-key=format!("m{id}")
            data-author=author.clone()
            data-state=state
            tabindex=tab_stop
            on:focus=move |_| focus.active.set(Some(id))
            on:keydown=move |event| focus.keys(event, id, own, editing)
        >
            {if header {
                view! { <Avatar name=author.clone()/> }.into_any()
            } else {
                view! {
                    <time class="gutter-time" datetime=iso(message.timestamp) title=full.clone() aria-hidden="true">
                        {short_time(message.timestamp)}
                    </time>
                }
                .into_any()
            }}
            <div class="body">
                {if header {
                    view! {
                        <div class="meta">
                            <Author name=author.clone() own/>
                            <time datetime=iso(message.timestamp) title=full.clone()>
                                <span aria-hidden="true">{short_time(message.timestamp)}</span>
                                <span class="visually-hidden">{full.clone()}</span>
                            </time>
                            {edited}
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <span class="visually-hidden">{format!("{author}, {full}")}</span>
                        {edited}
                    }
                    .into_any()
                }}
                <Show
                    when=move || editing.get()
                    fallback=move || {
                        let text = text.clone();
                        view! { <div class="text">{move || view! { <MessageText text=text()/> }}</div> }
                    }
                >
                    <EditForm id room=room.clone() text=message.value.clone() editing/>
                </Show>
                {move || match state() {
                    Some("deleting") => Some(view! { <span class="delivery">"Deleting…"</span> }),
                    Some(_) => Some(view! { <span class="delivery">"Saving…"</span> }),
                    None => None,
                }}
            </div>
            {own.then(|| view! { <MessageActions id editing/> })}
        </li>
    }
}

/// An author's name: for someone with an account (not us), a way to
/// message them; not a tab stop (the list is one, its rows are reached
/// with the arrow keys).
#[component]
fn Author(name: String, own: bool) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let can_message = !own
        // The server hands guests plain `guest-` names; the lookalike rule
        // (and its tables, a third of the download) is the server's.
        && !name.to_ascii_lowercase().starts_with(natter_shared::GUEST_PREFIX)
        && chat.account.with_untracked(|me| {
            me.as_ref()
                .is_some_and(|me| !me.eq_ignore_ascii_case(&name))
        });
    if can_message {
        let to = name.clone();
        view! {
            <button
                type="button"
                class="author"
                tabindex="-1"
                title=format!("Message {name}")
                on:click=move |_| chat.go(Route::Direct(to.clone()))
            >
                {name.clone()}
            </button>
        }
        .into_any()
    } else {
        view! { <span class="author">{name}</span> }.into_any()
    }
}

/// One of our messages the server has not confirmed: "Sending…", or why it
/// was refused, with Retry and Discard.
#[component]
pub fn PendingRow(
    /// The entry.
    entry: OutboxEntry,
    /// Whether it starts a group.
    header: bool,
) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let me = chat.my_name();
    let failed = match &entry.delivery {
        Delivery::Failed { reason } => Some(reason.clone()),
        _ => None,
    };
    let nonce = StoredValue::new(entry.nonce.clone());
    let retry = move |_| {
        if let Some(entry) = chat.retry(&nonce.get_value()) {
            socket.send_entry(&entry);
        }
    };
    let discard = move |_| chat.discard(&nonce.get_value());
    let full = full_date_time(entry.written_at);
    view! {
        <li
            class="message own pending"
            class:header=header
            data-key=format!("p{}", entry.nonce)
            data-author=me.clone()
            data-nonce=entry.nonce.clone()
            data-state=entry.delivery.name()
        >
            {if header {
                view! { <Avatar name=me.clone()/> }.into_any()
            } else {
                view! { <span class="gutter-time" aria-hidden="true"></span> }.into_any()
            }}
            <div class="body">
                {header.then(|| view! {
                    <div class="meta">
                        <span class="author">{me.clone()}</span>
                        <time datetime=iso(entry.written_at) title=full.clone()>{short_time(entry.written_at)}</time>
                    </div>
                })}
                <div class="text"><MessageText text=entry.value.clone()/></div>
                {match failed {
                    None => view! { <span class="delivery" role="status">"Sending…"</span> }.into_any(),
                    Some(reason) => view! {
                        <div class="failed" role="alert">
                            <span class="delivery">{format!("Not sent: {reason}")}</span>
                            <button type="button" class="secondary small retry" on:click=retry>"Retry"</button>
                            <button type="button" class="quiet small discard" on:click=discard>"Discard"</button>
                        </div>
                    }
                    .into_any(),
                }}
            </div>
        </li>
    }
}
