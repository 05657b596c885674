//! The room list: the lobby, public rooms, then direct conversations, each
//! a link with its unread count; on a phone, a drawer.

use leptos::prelude::*;
use natter_shared::{RoomInfo, RoomKind};

use crate::components::room_actions::RoomActions;
use crate::route::Route;
use crate::state::ChatState;

/// Every room we are in, with unread badges; signed-in people also get
/// the actions (new room, browse, message someone). `open` is the phone
/// drawer's state: following a link closes it.
#[component]
pub fn RoomList(open: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let of_kind = move |kind: RoomKind| {
        chat.rooms.with(|rooms| {
            rooms
                .iter()
                .filter(|room| room.kind == kind)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <nav id="room-list" class="rooms" class:open=move || open.get() aria-label="Rooms">
            <h2 class="rooms-heading">"Rooms"</h2>
            <ul>
                <For
                    each=move || of_kind(RoomKind::Public)
                    key=|room| (room.room.clone(), room.unread)
                    children=move |room| view! { <RoomLink room open/> }
                />
            </ul>
            <Show when=move || chat.account.with(Option::is_some)>
                <h2 class="rooms-heading">"Direct messages"</h2>
                <ul>
                    <For
                        each=move || of_kind(RoomKind::Direct)
                        key=|room| (room.room.clone(), room.unread)
                        children=move |room| view! { <RoomLink room open/> }
                    />
                </ul>
                <RoomActions/>
            </Show>
            <Show when=move || chat.account.with(Option::is_none)>
                <p class="hint">"Sign in to create and join rooms and to message people."</p>
            </Show>
        </nav>
    }
}

/// One room of the list.
#[component]
fn RoomLink(room: RoomInfo, open: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let route = Route::of(&room);
    let key = room.room.clone();
    let current = move || chat.current_room().as_deref() == Some(key.as_str());
    let unread = room.unread;
    let has_unread = unread > 0;
    let label = if unread > 0 {
        format!("{}, {unread} unread", route.title())
    } else {
        route.title()
    };
    view! {
        <li>
            <a
                href=route.href()
                class="room-link"
                class:unread=has_unread
                data-room=room.room.clone()
                aria-current=move || current().then_some("page")
                aria-label=label
                on:click=move |_| open.set(false)
            >
                <span class="room-name">{route.title()}</span>
                {has_unread.then(|| view! { <span class="badge" aria-hidden="true">{unread}</span> })}
            </a>
        </li>
    }
}
