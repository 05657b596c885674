//! The shown room's name, its member count, and Leave (or Join).

use leptos::prelude::*;
use leptos::task::spawn_local;
use natter_shared::{LOBBY, RoomKind, validate_room_name};

use crate::components::notify_setting::NotifySetting;
use crate::rooms_api;
use crate::route::Route;
use crate::state::ChatState;

/// The heading of the shown room: `#general · 3 members · 2 online: Ada,
/// Bob` with a Leave button, or, for a public room we are not in, a Join
/// button.
#[component]
pub fn RoomHeader() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let info = move || {
        let room = chat.current_room()?;
        chat.rooms
            .with(|rooms| rooms.iter().find(|known| known.room == room).cloned())
    };
    let title = move || chat.route.get().title();
    let leave = move |_| {
        let Some(room) = chat.current_room_untracked() else {
            return;
        };
        spawn_local(async move {
            // The `left` frame takes the page back to the lobby.
            if let Err(error) = rooms_api::leave(&room).await {
                chat.show_notice(&error.code, error.message);
            }
        });
    };
    let join = move |_| {
        let Route::Room(typed) = chat.route.get_untracked() else {
            return;
        };
        // The name as the URL has it, which anyone can craft: checked and
        // spelled as the server spells it before it goes anywhere.
        let name = match validate_room_name(&typed) {
            Ok(name) => name,
            Err(error) => {
                chat.show_notice("invalid_room_name", format!("No such room: {error}."));
                return;
            }
        };
        spawn_local(async move {
            match rooms_api::join(&name).await {
                Ok(_) => chat.go(Route::Room(name)),
                Err(error) => chat.show_notice(&error.code, error.message),
            }
        });
    };
    view! {
        <div class="room-header">
            <h2 id="room-title">{title}</h2>
            {move || match info() {
                Some(room) => {
                    let members = crate::route::members(room.members);
                    let leavable = room.kind == RoomKind::Public && room.room != LOBBY;
                    let key = room.room.clone();
                    let online = move || chat.online_in(&key);
                    let notify = room.notify;
                    view! {
                        <span class="members">{members}</span>
                        <OnlineNow online=Signal::derive(online)/>
                        <NotifySetting room=room.room.clone() notify/>
                        {leavable.then(|| view! {
                            <button type="button" class="leave" on:click=leave>"Leave"</button>
                        })}
                    }
                    .into_any()
                }
                None if chat.account.with(Option::is_some)
                    && matches!(chat.route.get(), Route::Room(_)) =>
                {
                    view! {
                        <span class="members">"You are not in this room."</span>
                        <button type="button" class="join" on:click=join>"Join"</button>
                    }
                    .into_any()
                }
                None => ().into_any(),
            }}
        </div>
    }
}

/// Who is online in the shown room: "2 online: Ada, Bob" (an account with
/// several tabs is one person; guests are not listed).
#[component]
fn OnlineNow(online: Signal<Vec<String>>) -> impl IntoView {
    view! {
        <span class="online-now" aria-live="polite">
            {move || {
                let names = online.get();
                if names.is_empty() {
                    return "nobody online".to_owned();
                }
                format!("{} online: {}", names.len(), names.join(", "))
            }}
        </span>
    }
}
