//! The room list: the lobby, public rooms, then direct conversations, each
//! a link with its unread count; on a phone, a drawer.

use leptos::prelude::*;
use natter_shared::{LOBBY, RoomInfo, RoomKind};

use crate::components::room_actions::RoomActions;
use crate::route::Route;
use crate::state::ChatState;
use crate::time::brief;

/// Every room we are in, with unread badges; signed-in people also get
/// the actions (new room, browse, message someone). `open` is the phone
/// drawer's state: following a link closes it.
#[component]
pub fn RoomList(open: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let of_kind = move |kind: RoomKind| {
        chat.rooms.with(|rooms| {
            in_list_order(rooms)
                .into_iter()
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
                    key=shown_as
                    children=move |room| view! { <RoomLink room open/> }
                />
            </ul>
            <Show when=move || chat.account.with(Option::is_some)>
                <h2 class="rooms-heading">"Direct messages"</h2>
                <ul>
                    <For
                        each=move || of_kind(RoomKind::Direct)
                        key=shown_as
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

/// The rooms as the list shows them (and Alt+arrows walk them): the lobby,
/// public rooms by name, then direct conversations by the other's name,
/// whatever order they were joined in.
pub fn in_list_order(rooms: &[RoomInfo]) -> Vec<&RoomInfo> {
    let mut listed: Vec<&RoomInfo> = rooms.iter().collect();
    listed.sort_by_cached_key(|room| {
        let place = match room.kind {
            _ if room.room == LOBBY => 0,
            RoomKind::Public => 1,
            RoomKind::Direct => 2,
        };
        let name = room.with.as_deref().unwrap_or(&room.room).to_lowercase();
        (place, name)
    });
    listed
}

/// What a list entry shows: when any of it changes, the entry is drawn again.
fn shown_as(room: &RoomInfo) -> (String, u64, u64, u64, Option<i64>) {
    let RoomInfo {
        unread,
        mentions,
        members,
        newest_at,
        ..
    } = *room;
    (room.room.clone(), unread, mentions, members, newest_at)
}

/// One room of the list: its name and unread badge, and under the name how
/// many are in it (a public room) and when it last had a message.
#[component]
fn RoomLink(room: RoomInfo, open: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let route = Route::of(&room);
    let key = room.room.clone();
    let current = move || chat.current_room().as_deref() == Some(key.as_str());
    // A direct conversation shows whether the other person is online.
    let direct_with = (room.kind == RoomKind::Direct)
        .then(|| room.with.clone().map(|with| (room.room.clone(), with)))
        .flatten();
    let unread = room.unread;
    let has_unread = unread > 0;
    let mentioned = room.mentions;
    let members = (room.kind == RoomKind::Public).then(|| crate::route::members(room.members));
    let newest = room.newest_at.map(brief);
    let details = [members, newest]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <li>
            <a
                href=route.href()
                class="room-link"
                class:unread=has_unread
                data-room=room.room.clone()
                aria-current=move || current().then_some("page")
                on:click=move |_| open.set(false)
            >
                // Its name for screen readers is what it shows, read as
                // "#general, 2 members · 14:05, 3 unread, 1 mentioning you".
                {direct_with.map(|(room, name)| {
                    let here = Memo::new(move |_| chat.is_online(&room, &name));
                    view! {
                        <span class="presence-dot" class:online=here aria-hidden="true"></span>
                        <span class="visually-hidden">{move || if here.get() { "online, " } else { "offline, " }}</span>
                    }
                })}
                <span class="room-text">
                    <span class="room-name">{route.title()}</span>
                    {(!details.is_empty()).then(|| view! {
                        <span class="visually-hidden">", "</span>
                        <span class="room-details">{details}</span>
                    })}
                </span>
                {has_unread.then(|| view! {
                    <span class="visually-hidden">{format!(", {unread} unread")}</span>
                    <span class="badge" aria-hidden="true">{unread}</span>
                })}
                {(mentioned > 0).then(|| view! {
                    <span class="visually-hidden">{format!(", {mentioned} mentioning you")}</span>
                    <span class="badge mention" aria-hidden="true">{format!("@{mentioned}")}</span>
                })}
            </a>
        </li>
    }
}
