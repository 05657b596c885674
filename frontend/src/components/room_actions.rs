//! Creating a room, browsing and joining rooms, and messaging someone.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use natter_shared::validate_room_name;

use crate::rooms_api::{self, DirectoryEntry};
use crate::route::Route;
use crate::state::ChatState;
use crate::time::{iso, local_time};

/// Three small forms under the room list. Each success arrives on every tab
/// as a `joined` frame too; this one also goes to the room.
#[component]
pub fn RoomActions() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let new_room = RwSignal::new(String::new());
    let person = RwSignal::new(String::new());
    let directory = RwSignal::new(None::<Vec<DirectoryEntry>>);

    let create = move |event: SubmitEvent| {
        event.prevent_default();
        let name = match validate_room_name(&new_room.get_untracked()) {
            Ok(name) => name,
            Err(error) => {
                chat.show_notice("invalid_room_name", format!("Room not created: {error}."));
                return;
            }
        };
        spawn_local(async move {
            match rooms_api::create(&name).await {
                Ok(room) => {
                    new_room.set(String::new());
                    chat.go(Route::Room(room.room));
                }
                Err(error) => chat.show_notice(&error.code, error.message),
            }
        });
    };
    let message = move |event: SubmitEvent| {
        event.prevent_default();
        let name = person.get_untracked().trim().to_owned();
        if name.is_empty() {
            return;
        }
        spawn_local(async move {
            match rooms_api::open_direct(&name).await {
                Ok(room) => {
                    person.set(String::new());
                    chat.go(Route::Direct(room.with.unwrap_or(name)));
                }
                Err(error) => chat.show_notice(&error.code, error.message),
            }
        });
    };
    let browse = move |_| {
        if directory.with_untracked(Option::is_some) {
            directory.set(None);
            return;
        }
        spawn_local(async move {
            match rooms_api::directory().await {
                Ok(rooms) => directory.set(Some(rooms)),
                Err(error) => chat.show_notice(&error.code, error.message),
            }
        });
    };

    view! {
        <div class="room-actions">
            <form class="new-room" on:submit=create>
                <label for="new-room-input">"New room"</label>
                <input id="new-room-input" type="text" autocomplete="off" placeholder="general" bind:value=new_room/>
                <button type="submit">"Create"</button>
            </form>
            <form class="new-direct" on:submit=message>
                <label for="new-direct-input">"Message someone"</label>
                <input id="new-direct-input" type="text" autocomplete="off" placeholder="Their name" bind:value=person/>
                <button type="submit">"Message"</button>
            </form>
            <button
                type="button"
                class="browse"
                aria-expanded=move || directory.with(Option::is_some).to_string()
                on:click=browse
            >
                "Browse rooms"
            </button>
            {move || directory.get().map(|rooms| view! {
                <ul class="directory" aria-label="All rooms">
                    {rooms.into_iter().map(|entry| view! { <DirectoryItem entry directory/> }).collect_view()}
                </ul>
            })}
        </div>
    }
}

/// A room of the directory, with a Join button if we are not in it.
#[component]
fn DirectoryItem(
    entry: DirectoryEntry,
    directory: RwSignal<Option<Vec<DirectoryEntry>>>,
) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let name = entry.room.clone();
    let join = move |_| {
        let name = name.clone();
        spawn_local(async move {
            match rooms_api::join(&name).await {
                Ok(_) => {
                    directory.set(None);
                    chat.go(Route::Room(name));
                }
                Err(error) => chat.show_notice(&error.code, error.message),
            }
        });
    };
    let members = crate::route::members(entry.members);
    view! {
        <li data-room=entry.room.clone()>
            <span class="room-name">{format!("#{}", entry.room)}</span>
            <span class="members">{members}</span>
            {entry.newest_at.map(|at| view! {
                <span class="members">"last message "<time datetime=iso(at)>{local_time(at)}</time></span>
            })}
            {(!entry.joined).then(|| view! {
                <button type="button" class="join" on:click=join.clone()>"Join"</button>
            })}
        </li>
    }
}
