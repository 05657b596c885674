//! What the page does on its own, beside rendering: learn how the server is
//! run and who is signed in, follow the URL, the tab's visibility and the
//! network, keep the title's unread count, answer the keyboard's
//! shortcuts, tell the server what has been read, fill in a room's history
//! when it is shown, and open a direct conversation a link names.

use std::collections::HashSet;
use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use natter_shared::{CLOSE_NAME_TAKEN, CLOSE_SESSION_ENDED, ReadMarker};

use crate::account;
use crate::components::room_list::in_list_order;
use crate::model::ConnectionStatus;
use crate::new_since::NewSince;
use crate::preferences::Prefs;
use crate::rooms_api;
use crate::route::Route;
use crate::socket::Socket;
use crate::state::ChatState;
use crate::storage;
use crate::ui::Ui;

/// How often, at most, the page tells the server how far a room is read:
/// reading a busy room moves the marker with every message, and the frames
/// count against the connection's budget.
const MARKER_EVERY: Duration = Duration::from_millis(1000);

/// Starts every page behaviour; call once, inside the app.
pub fn start(chat: ChatState, socket: Socket, ui: Ui, prefs: Prefs) {
    learn_the_server(chat);
    learn_who_is_here(chat, prefs);
    end_ended_sessions(chat, socket, ui);
    follow_the_url(chat);
    follow_visibility(chat);
    follow_the_network(chat);
    count_unread_in_the_title(chat);
    tell_of_alerts(chat);
    answer_the_keyboard(chat, ui);
    read_what_is_shown(chat, socket);
    fill_in_history(chat, socket);
    open_named_conversations(chat);
}

fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

/// How the server is run (guests, sign-up, message length): asked at once,
/// and again whenever a connection opens while it is not known yet.
fn learn_the_server(chat: ChatState) {
    let asking = StoredValue::new(false);
    Effect::new(move |_| {
        let open = chat.status.with(|status| *status == ConnectionStatus::Open);
        let first = chat
            .status
            .with(|status| matches!(status, ConnectionStatus::Connecting { attempt: 1 }));
        if !(open || first) || chat.server.with_untracked(Option::is_some) || asking.get_value() {
            return;
        }
        asking.set_value(true);
        spawn_local(async move {
            if let Ok(info) = account::server_info().await {
                chat.server.set(Some(info));
            }
            asking.set_value(false);
        });
    });
}

/// On load: whether the session cookie (if any) is still good, and the
/// account's preferences. A stale one (expired, or ended elsewhere) is
/// removed, or every WebSocket handshake would be refused; the socket's next
/// try is then a guest's.
fn learn_who_is_here(chat: ChatState, prefs: Prefs) {
    spawn_local(async move {
        match account::current().await {
            Ok(Some(signed_in)) => {
                prefs.adopt(signed_in.preferences);
                chat.signed_in(signed_in);
            }
            Ok(None) => {
                let _ = account::log_out().await;
            }
            Err(_) => {}
        }
    });
}

/// A session can end while the page is open: the server closes the
/// connection with `CLOSE_SESSION_ENDED` (a sign-out or a password change
/// elsewhere, an operator, expiry). The stale cookie is removed, or every
/// handshake would be refused, and the page goes on as a guest (or to the
/// sign-in card) at once, saying why. A handshake refused for a session
/// the server no longer knows looks to the browser like any failed try, so
/// after a few the page asks whether the session is still good. A guest
/// whose chosen name an account took (`CLOSE_NAME_TAKEN`) is told so.
fn end_ended_sessions(chat: ChatState, socket: Socket, ui: Ui) {
    Effect::new(move |_| {
        let status = chat.status.get();
        if matches!(status, ConnectionStatus::Closed { code, .. } if code == CLOSE_NAME_TAKEN) {
            chat.requested_name.set(String::new());
            storage::save_name("");
            chat.show_notice(
                "name_taken",
                "Someone signed up with the name you chose, so you are back to your guest name. Choose another in Settings.",
            );
            return;
        }
        let ended =
            matches!(status, ConnectionStatus::Closed { code, .. } if code == CLOSE_SESSION_ENDED);
        let failing = matches!(status, ConnectionStatus::Connecting { attempt } if attempt >= 3);
        if !(ended || failing) || chat.account.get_untracked().is_none() {
            return;
        }
        if ended {
            // At once, so the countdown's later updates find nothing to do.
            chat.signed_out();
        }
        spawn_local(async move {
            if !ended && !matches!(account::current().await, Ok(None)) {
                return;
            }
            // The cookie is HttpOnly: only the server can remove it, and
            // until it has, every handshake carries the ended session and is
            // refused. The server may be down right now (the password was
            // changed just before a restart), so ask until it answers.
            chat.signed_out();
            account::forget_session(move || chat.account.get_untracked().is_none()).await;
            let why = "You were signed out: your session ended (signed out elsewhere, a password change, or it ran out).";
            ui.signed_in_notice.set(Some(why.to_owned()));
            chat.show_notice(
                "session_ended",
                format!("{why} Log in to chat as yourself again."),
            );
            if ended {
                socket.reconnect();
            }
        });
    });
}

/// The route is the URL's fragment: set at load (a page opened without one
/// goes back where the person last was), and on back, forward and links.
/// Every place shown is remembered for the next visit.
fn follow_the_url(chat: ChatState) {
    let hash = current_hash();
    if hash.trim_start_matches('#').is_empty() {
        // The address says it too, so a reload or a copied link agrees.
        let last = storage::saved_route().map_or_else(Route::default, |saved| Route::parse(&saved));
        chat.go(last);
    } else {
        chat.route.set(Route::parse(&hash));
    }
    let handle = window_event_listener(ev::hashchange, move |_| {
        chat.route.set(Route::parse(&current_hash()));
    });
    on_cleanup(move || handle.remove());
    Effect::new(move |_| storage::save_route(&chat.route.get().href()));
}

/// Messages in a background tab are not read.
fn follow_visibility(chat: ChatState) {
    chat.visible.set(!document().hidden());
    let handle = window_event_listener_untyped("visibilitychange", move |_| {
        chat.visible.set(!document().hidden());
    });
    on_cleanup(move || handle.remove());
}

/// Whether the browser has a network, so the status can say "Offline"
/// rather than "Reconnecting".
fn follow_the_network(chat: ChatState) {
    chat.offline.set(!window().navigator().on_line());
    let online = window_event_listener_untyped("online", move |_| chat.offline.set(false));
    let offline = window_event_listener_untyped("offline", move |_| chat.offline.set(true));
    on_cleanup(move || {
        online.remove();
        offline.remove();
    });
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

/// Whether a key press happened while typing (where `?` is a character,
/// not a shortcut).
fn typing_somewhere(event: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|element| {
            matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || element.has_attribute("contenteditable")
        })
}

/// The page's shortcuts: Ctrl+K (⌘K) opens the quick switcher, `?` lists
/// the shortcuts, Alt+↑ and Alt+↓ move to the previous and next room of the
/// list, Escape closes the drawer and the room's menu.
fn answer_the_keyboard(chat: ChatState, ui: Ui) {
    let handle = window_event_listener(ev::keydown, move |event| {
        let key = event.key();
        if (event.ctrl_key() || event.meta_key()) && key.eq_ignore_ascii_case("k") {
            event.prevent_default();
            ui.switcher.update(|open| *open = !*open);
            return;
        }
        if ui.dialog_open() {
            return;
        }
        match key.as_str() {
            "?" if !typing_somewhere(&event) && !event.ctrl_key() && !event.meta_key() => {
                event.prevent_default();
                ui.shortcuts.set(true);
            }
            "Escape" if ui.drawer.get_untracked() || ui.room_menu.get_untracked() => {
                ui.drawer.set(false);
                ui.room_menu.set(false);
            }
            "ArrowUp" | "ArrowDown" if event.alt_key() => {
                event.prevent_default();
                let step: isize = if key == "ArrowUp" { -1 } else { 1 };
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
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

/// What the list has shown on screen (in a visible tab) is read: the room's
/// count goes down at once, and an account tells the server, so its other
/// tabs and devices agree, at most every [`MARKER_EVERY`]. Before a room
/// starts being read (opened, or its tab shown again), the "new since you
/// left" line is placed from its marker.
fn read_what_is_shown(chat: ChatState, socket: Socket) {
    // The room being read when this last ran: `None` in a hidden tab.
    let reading = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let Some(room) = chat.current_room() else {
            return;
        };
        let visible = chat.visible.get();
        // The room list arriving (a welcome) places the line too.
        chat.rooms.track();
        if !visible {
            reading.set_value(None);
            return;
        }
        if reading.with_value(|reading| reading.as_deref() != Some(room.as_str())) {
            let known = untrack(|| {
                chat.rooms
                    .with(|rooms| rooms.iter().find(|known| known.room == room).cloned())
            });
            if let Some(known) = known {
                reading.set_value(Some(room.clone()));
                chat.new_since.set(NewSince::opening(&known));
            }
        }
    });
    // The marker waiting to be told, and whether a send is scheduled.
    let waiting = StoredValue::new(None::<ReadMarker>);
    let scheduled = StoredValue::new(false);
    let tell = move || {
        scheduled.set_value(false);
        if let Some(marker) = waiting.try_update_value(Option::take).flatten() {
            let _ = socket.mark_read(marker);
        }
    };
    Effect::new(move |_| {
        let Some((room, id)) = chat.seen.get() else {
            return;
        };
        if !chat.visible.get() {
            return;
        }
        let Some(marker) = untrack(|| chat.read_up_to(&room, id)) else {
            return;
        };
        if chat.account.get_untracked().is_none() {
            storage::save_guest_read(marker.id);
            return;
        }
        waiting.set_value(Some(marker));
        if !scheduled.get_value() {
            scheduled.set_value(true);
            set_timeout(tell, MARKER_EVERY);
        }
    });
}

/// A room shown with few of its messages (one just joined, or quiet while
/// others were busy) asks for its newest page, once per connection.
fn fill_in_history(chat: ChatState, socket: Socket) {
    let asked = StoredValue::new(HashSet::<String>::new());
    Effect::new(move |_| {
        let open = matches!(chat.status.get(), ConnectionStatus::Open);
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
        let shown = untrack(|| chat.count_in(&room));
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
