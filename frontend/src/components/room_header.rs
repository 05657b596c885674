//! The shown room's header: its name, who is in it and online, and its
//! menu (what notifies you, notifications, Leave). The connection's state
//! is the banner's ([`super::connection_banner`]).

use leptos::prelude::*;
use leptos::task::spawn_local;
use natter_shared::{LOBBY, Notify, RoomInfo, RoomKind};

use crate::components::settings::NotificationPermission;
use crate::rooms_api;
use crate::route::Route;
use crate::state::ChatState;
use crate::ui::Ui;

/// One compact line: the rooms button (on a phone), the room's name, "3
/// members · 2 online: Ada, Bob" (on a phone only the counts), the
/// connection's state when it is not fine, and the room's menu.
#[component]
pub fn RoomHeader() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let ui = expect_context::<Ui>();
    let info = Memo::new(move |_| {
        let room = chat.current_room()?;
        chat.rooms
            .with(|rooms| rooms.iter().find(|known| known.room == room).cloned())
    });
    // The menu is drawn again only for another room: not when a message
    // comes or a setting changes, which would take the focus from it.
    let which = Memo::new(move |_| {
        info.get().map(|room| RoomInfo {
            unread: 0,
            mentions: 0,
            members: 0,
            last_read: 0,
            newest_id: 0,
            newest_at: None,
            notify: Notify::default(),
            ..room
        })
    });
    let title = move || chat.route.get().title();
    let unread_elsewhere = move || {
        let here = chat.current_room();
        chat.rooms.with(|rooms| {
            rooms
                .iter()
                .filter(|room| Some(&room.room) != here.as_ref())
                .map(|room| room.unread)
                .sum::<u64>()
        })
    };
    view! {
        <header class="room-header">
            <button
                type="button"
                class="quiet icon rooms-toggle"
                aria-controls="room-list"
                aria-expanded=move || ui.drawer.get().to_string()
                aria-label=move || match unread_elsewhere() {
                    0 => "Rooms".to_owned(),
                    n => format!("Rooms, {n} unread"),
                }
                on:click=move |_| ui.drawer.update(|open| *open = !*open)
            >
                <span aria-hidden="true">"☰"</span>
                {move || (unread_elsewhere() > 0).then(|| view! { <span class="dot-badge" aria-hidden="true"></span> })}
            </button>
            <div class="room-title-block">
                <h2 id="room-title">{title}</h2>
                {move || info.get().map(|room| view! { <RoomFacts room/> })}
            </div>
            <Show when=move || chat.account.with(Option::is_none)>
                <button type="button" class="primary small sign-in-open" on:click=move |_| ui.sign_in.set(true)>
                    "Sign in"
                </button>
            </Show>
            {move || which.get().map(|room| view! { <RoomMenu room/> })}
        </header>
    }
}

/// "3 members · 2 online: Ada, Bob", live. A direct conversation says
/// whether the other person is online.
#[component]
fn RoomFacts(room: RoomInfo) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let key = StoredValue::new(room.room.clone());
    let online = move || key.with_value(|key| chat.online_in(key));
    let members = room.members;
    let line = move || {
        let online = online();
        match room.kind {
            RoomKind::Direct => match online.is_empty() {
                true => "Direct message".to_owned(),
                false => "Direct message · online".to_owned(),
            },
            RoomKind::Public => {
                let members = crate::route::members(members);
                match online.len() {
                    0 => members,
                    n => format!("{members} · {n} online"),
                }
            }
        }
    };
    let names = move || {
        let online = online();
        (room.kind == RoomKind::Public && !online.is_empty())
            .then(|| format!(": {}", online.join(", ")))
    };
    view! {
        <p class="room-facts" aria-live="polite">
            <span class="members">{line}</span>
            <span class="online-names">{names}</span>
        </p>
    }
}

/// The room's menu, behind "⋯": what notifies you here (accounts), the
/// browser's permission, and Leave (public rooms but the lobby). Closes on
/// Escape, on a click outside, and on choosing.
#[component]
fn RoomMenu(room: RoomInfo) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let ui = expect_context::<Ui>();
    let key = StoredValue::new(room.room.clone());
    let leavable = room.kind == RoomKind::Public && room.room != LOBBY;
    // What the room's setting is now (tracked): the choice shown follows
    // it without drawing the menu again.
    let notify = move || {
        key.with_value(|key| {
            chat.rooms.with(|rooms| {
                rooms
                    .iter()
                    .find(|known| &known.room == key)
                    .map(|known| known.notify)
                    .unwrap_or_default()
            })
        })
    };
    let title = Route::of(&room).title();
    let leave = move |_| {
        ui.room_menu.set(false);
        let room = key.get_value();
        spawn_local(async move {
            // The `left` frame takes the page back to the lobby.
            if let Err(error) = rooms_api::leave(&room).await {
                chat.show_notice(&error.code, error.message);
            }
        });
    };
    let choose = move |notify: Notify| {
        let room = key.get_value();
        spawn_local(async move {
            match rooms_api::set_notify(&room, notify).await {
                Ok(info) => chat.rooms.update(|rooms| {
                    if let Some(known) = rooms.iter_mut().find(|known| known.room == info.room) {
                        known.notify = info.notify;
                    }
                }),
                Err(error) => chat.show_notice(&error.code, error.message),
            }
        });
    };
    let keys = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" {
            event.stop_propagation();
            ui.room_menu.set(false);
            if let Some(button) = document().get_element_by_id("room-menu-button")
                && let Ok(button) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(button)
            {
                let _ = button.focus();
            }
        }
    };
    let signed_in = move || chat.account.with(Option::is_some);
    view! {
        <div class="menu-anchor" on:keydown=keys>
            <button
                type="button"
                id="room-menu-button"
                class="quiet icon room-menu-button"
                aria-haspopup="dialog"
                aria-expanded=move || ui.room_menu.get().to_string()
                aria-controls="room-menu"
                aria-label=format!("{title} options")
                on:click=move |_| ui.room_menu.update(|open| *open = !*open)
            >
                <span aria-hidden="true">"⋯"</span>
            </button>
            <Show when=move || ui.room_menu.get()>
                <div class="menu-scrim" on:click=move |_| ui.room_menu.set(false)></div>
                <div id="room-menu" class="menu" role="dialog" aria-label=format!("{title} options")>
                    <Show when=signed_in>
                        <fieldset class="choices">
                            <legend>"Notify me of"</legend>
                            {[(Notify::All, "All messages"), (Notify::Mentions, "Mentions of me"), (Notify::Nothing, "Nothing")]
                                .into_iter()
                                .map(|(choice, words)| view! {
                                    <label class="choice">
                                        <input
                                            type="radio"
                                            name="notify"
                                            value=match choice {
                                                Notify::All => "all",
                                                Notify::Mentions => "mentions",
                                                Notify::Nothing => "nothing",
                                            }
                                            prop:checked=move || notify() == choice
                                            on:change=move |_| choose(choice)
                                        />
                                        {words}
                                    </label>
                                })
                                .collect_view()}
                        </fieldset>
                    </Show>
                    <NotificationPermission/>
                    {leavable.then(|| view! {
                        <button type="button" class="danger-quiet leave" on:click=leave>{format!("Leave {title}")}</button>
                    })}
                </div>
            </Show>
        </div>
    }
}
