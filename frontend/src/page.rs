//! What the page does on its own, beside rendering: follow the URL and the
//! tab's visibility, keep the title's unread count, switch rooms from the
//! keyboard, tell the server what has been read, fill in a room's history
//! when it is shown, and open a direct conversation a link names.

use std::collections::HashSet;

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::room_list::in_list_order;
use crate::new_since::NewSince;
use crate::rooms_api;
use crate::route::Route;
use crate::socket::Socket;
use crate::state::ChatState;
use crate::storage;

/// Starts every page behaviour; call once, inside the app.
pub fn start(chat: ChatState, socket: Socket) {
    follow_the_url(chat);
    follow_visibility(chat);
    count_unread_in_the_title(chat);
    tell_of_alerts(chat);
    switch_rooms_from_the_keyboard(chat);
    read_what_is_shown(chat, socket);
    fill_in_history(chat, socket);
    open_named_conversations(chat);
}

fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

/// The route is the URL's fragment: set at load, and on back, forward and
/// links.
fn follow_the_url(chat: ChatState) {
    chat.route.set(Route::parse(&current_hash()));
    let handle = window_event_listener(ev::hashchange, move |_| {
        chat.route.set(Route::parse(&current_hash()));
    });
    on_cleanup(move || handle.remove());
}

/// Messages in a background tab are not read.
fn follow_visibility(chat: ChatState) {
    chat.visible.set(!document().hidden());
    let handle = window_event_listener_untyped("visibilitychange", move |_| {
        chat.visible.set(!document().hidden());
    });
    on_cleanup(move || handle.remove());
}

/// "(3) Natter" while three messages are unread.
fn count_unread_in_the_title(chat: ChatState) {
    Effect::new(move |_| {
        let unread = chat.total_unread();
        let title = if unread == 0 {
            "Natter".to_owned()
        } else {
            format!("({unread}) Natter")
        };
        document().set_title(&title);
    });
}

/// A message worth telling the person about while they are away from the
/// tab becomes a browser notification (if they allowed them).
fn tell_of_alerts(chat: ChatState) {
    Effect::new(move |_| {
        chat.alert.with(|alert| {
            if let Some(alert) = alert {
                crate::notifications::show(chat, alert);
            }
        });
    });
}

/// Alt+↑ and Alt+↓ move to the previous and next room of the list, in the
/// order it shows them.
fn switch_rooms_from_the_keyboard(chat: ChatState) {
    let handle = window_event_listener(ev::keydown, move |event| {
        let step: isize = match event.key().as_str() {
            "ArrowUp" if event.alt_key() => -1,
            "ArrowDown" if event.alt_key() => 1,
            _ => return,
        };
        event.prevent_default();
        let current = chat.current_room_untracked();
        let next = chat.rooms.with_untracked(|rooms| {
            let listed = in_list_order(rooms);
            if listed.is_empty() {
                return None;
            }
            let at = listed
                .iter()
                .position(|room| Some(&room.room) == current.as_ref())
                .unwrap_or(0) as isize;
            let next = (at + step).rem_euclid(listed.len() as isize) as usize;
            Some(Route::of(listed[next]))
        });
        if let Some(route) = next {
            chat.go(route);
        }
    });
    on_cleanup(move || handle.remove());
}

/// The shown room, in a visible tab, is read up to its newest message; an
/// account tells the server, so its other tabs and devices agree. Before a
/// room starts being read (opened, or its tab shown again), the "new since
/// you left" line is placed from its marker.
fn read_what_is_shown(chat: ChatState, socket: Socket) {
    // The room being read when this last ran: `None` in a hidden tab.
    let reading = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let Some(room) = chat.current_room() else {
            return;
        };
        // Tracked: a new message, showing the tab, or the room list arriving.
        let visible = chat.visible.get();
        chat.messages.track();
        chat.rooms.track();
        if !visible {
            reading.set_value(None);
            return;
        }
        let known = untrack(|| {
            chat.rooms
                .with(|rooms| rooms.iter().find(|known| known.room == room).cloned())
        });
        let Some(known) = known else {
            return;
        };
        if reading.with_value(|reading| reading.as_deref() != Some(room.as_str())) {
            reading.set_value(Some(room.clone()));
            chat.new_since.set(NewSince::opening(&known));
        }
        let Some(marker) = untrack(|| chat.read_up_to_newest(&room)) else {
            return;
        };
        if chat.account.get_untracked().is_some() {
            let _ = socket.mark_read(marker);
        } else {
            storage::save_guest_read(marker.id);
        }
    });
}

/// A room shown with few of its messages (one just joined, or quiet while
/// others were busy) asks for its newest page, once per connection.
fn fill_in_history(chat: ChatState, socket: Socket) {
    let asked = StoredValue::new(HashSet::<String>::new());
    Effect::new(move |_| {
        let open = matches!(chat.status.get(), crate::model::ConnectionStatus::Open);
        if !open {
            asked.set_value(HashSet::new());
            return;
        }
        let Some(room) = chat.current_room() else {
            return;
        };
        let member = chat
            .rooms
            .with(|rooms| rooms.iter().any(|known| known.room == room));
        if !member || chat.is_complete(&room) || asked.with_value(|asked| asked.contains(&room)) {
            return;
        }
        let shown = untrack(|| chat.messages_in(&room).len());
        if shown >= natter_shared::DEFAULT_HISTORY_PAGE as usize {
            return;
        }
        asked.update_value(|asked| {
            asked.insert(room.clone());
        });
        let before = chat.oldest_id(&room);
        if socket.request_older(&room, before).is_ok() {
            chat.loading_older.set(Some(room));
        }
    });
}

/// `#/dm/ada` for a conversation not open yet: open it (signed in only).
fn open_named_conversations(chat: ChatState) {
    let tried = StoredValue::new(HashSet::<String>::new());
    Effect::new(move |_| {
        let Route::Direct(name) = chat.route.get() else {
            return;
        };
        let signed_in = chat.account.get().is_some();
        let open = chat.current_room().is_some();
        let welcomed = chat.identity.with(Option::is_some);
        if open || !signed_in || !welcomed || tried.with_value(|tried| tried.contains(&name)) {
            return;
        }
        tried.update_value(|tried| {
            tried.insert(name.clone());
        });
        spawn_local(async move {
            // The `joined` frame adds it to the list; the route takes the
            // name as the server spells it, which the list matches (a link
            // may name "bilI" for "bill", or "ÉVA" for "Éva").
            match rooms_api::open_direct(&name).await {
                Ok(room) => {
                    if let Some(with) = room.with {
                        chat.go(Route::Direct(with));
                    }
                }
                Err(error) => chat.show_notice(&error.code, error.message),
            }
        });
    });
}
