//! The room list: the lobby, public rooms, then direct conversations, each
//! a link with its unread count.

use leptos::prelude::*;
use natter_shared::{LOBBY, RoomInfo, RoomKind};

use crate::route::Route;
use crate::state::ChatState;
use crate::ui::Ui;

/// Every room we are in, with unread badges; signed-in people also get the
/// ways to more: create a room, browse rooms, message someone.
#[component]
pub fn RoomList() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let ui = expect_context::<Ui>();
    let of_kind = move |kind: RoomKind| {
        chat.rooms.with(|rooms| {
            in_list_order(rooms)
                .into_iter()
                .filter(|room| room.kind == kind)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let signed_in = move || chat.account.with(Option::is_some);
    view! {
        <div class="rooms-group">
            <div class="rooms-heading">
                <h2 id="rooms-heading">"Rooms"</h2>
                <Show when=signed_in>
                    <button type="button" class="quiet icon add-room" aria-label="Create a room" title="Create a room"
                        on:click=move |_| {
                            ui.drawer.set(false);
                            ui.new_room.set(true);
                        }>"+"</button>
                </Show>
            </div>
            <ul aria-labelledby="rooms-heading">
                <For
                    each=move || of_kind(RoomKind::Public)
                    key=shown_as
                    children=move |room| view! { <RoomLink room/> }
                />
            </ul>
            <Show when=signed_in>
                <button type="button" class="quiet small browse" on:click=move |_| {
                    ui.drawer.set(false);
                    ui.directory.set(true);
                }>
                    "Browse rooms"
                </button>
            </Show>
        </div>
        <Show when=signed_in>
            <div class="rooms-group">
                <div class="rooms-heading">
                    <h2 id="direct-heading">"Direct messages"</h2>
                    <button type="button" class="quiet icon add-direct" aria-label="Message someone" title="Message someone"
                        on:click=move |_| {
                            ui.drawer.set(false);
                            ui.new_direct.set(true);
                        }>"+"</button>
                </div>
                <ul aria-labelledby="direct-heading">
                    <For
                        each=move || of_kind(RoomKind::Direct)
                        key=shown_as
                        children=move |room| view! { <RoomLink room/> }
                    />
                </ul>
            </div>
        </Show>
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
fn shown_as(room: &RoomInfo) -> (String, u64, u64) {
    (room.room.clone(), room.unread, room.mentions)
}

/// One room of the list: its name, and its unread and mention badges.
#[component]
fn RoomLink(room: RoomInfo) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let ui = expect_context::<Ui>();
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
    let name = match room.kind {
        RoomKind::Public => room.room.clone(),
        RoomKind::Direct => room.with.clone().unwrap_or_else(|| room.room.clone()),
    };
    let sigil = match room.kind {
        RoomKind::Public => "#",
        RoomKind::Direct => "",
    };
    view! {
        <li>
            <a
                href=route.href()
                class="room-link"
                class:unread=has_unread
                data-room=room.room.clone()
                aria-current=move || current().then_some("page")
                on:click=move |_| ui.drawer.set(false)
            >
                {direct_with.map(|(room, name)| {
                    let here = Memo::new(move |_| chat.is_online(&room, &name));
                    view! {
                        <span class="presence-dot" class:online=here aria-hidden="true"></span>
                        <span class="visually-hidden">{move || if here.get() { "online: " } else { "offline: " }}</span>
                    }
                })}
                {(!sigil.is_empty()).then(|| view! { <span class="sigil" aria-hidden="true">{sigil}</span> })}
                <span class="room-name">{name}</span>
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
