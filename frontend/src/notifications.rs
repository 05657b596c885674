//! Browser notifications, for a mention or a message while the tab is
//! hidden (which ones, `ChatState` decides by each room's setting). The
//! permission is asked for only from a click in the page, never on load.

use leptos::prelude::*;
use natter_shared::RoomKind;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

use crate::model::Alert;
use crate::route::Route;
use crate::state::ChatState;

/// The longest text a notification shows of a message.
const SHOWN_CHARS: usize = 140;

/// Whether this browser has notifications at all (not every one does, and
/// none outside a secure page).
pub fn supported() -> bool {
    web_sys::window().is_some_and(|window| {
        js_sys::Reflect::has(&window, &"Notification".into()).unwrap_or(false)
            && window.is_secure_context()
    })
}

/// What the browser says about notifications from this page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// It cannot show them (no API, or not a secure page).
    Unsupported,
    /// The person has not been asked yet.
    Undecided,
    /// Allowed.
    Granted,
    /// Refused (only the browser's site settings can undo it).
    Denied,
}

/// The browser's answer now.
pub fn permission() -> Permission {
    if !supported() {
        return Permission::Unsupported;
    }
    match Notification::permission() {
        NotificationPermission::Granted => Permission::Granted,
        NotificationPermission::Denied => Permission::Denied,
        _ => Permission::Undecided,
    }
}

/// Whether the person has not decided yet (so the page may offer to ask).
pub fn undecided() -> bool {
    permission() == Permission::Undecided
}

/// Asks for permission (call it from a click); `then` runs once the
/// person has answered.
pub fn ask(then: impl FnOnce() + 'static) {
    let Ok(asked) = Notification::request_permission() else {
        return;
    };
    leptos::task::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(asked).await;
        then();
    });
}

/// Shows `alert`, if the person allowed notifications. One per room at a
/// time (a newer one replaces it); a click brings the tab forward on
/// that room.
pub fn show(chat: ChatState, alert: &Alert) {
    if !supported() || Notification::permission() != NotificationPermission::Granted {
        return;
    }
    let Some(info) = chat
        .rooms
        .with_untracked(|rooms| rooms.iter().find(|known| known.room == alert.room).cloned())
    else {
        return;
    };
    let route = Route::of(&info);
    let title = match info.kind {
        RoomKind::Direct => format!("{} (direct message)", alert.author),
        RoomKind::Public if alert.mention => {
            format!("{} mentioned you in {}", alert.author, route.title())
        }
        RoomKind::Public => format!("{} in {}", alert.author, route.title()),
    };
    let options = NotificationOptions::new();
    let words = crate::markdown::plain(&crate::markdown::parse(&alert.text));
    options.set_body(&words.chars().take(SHOWN_CHARS).collect::<String>());
    options.set_tag(&alert.room);
    let Ok(notification) = Notification::new_with_options(&title, &options) else {
        return;
    };
    let clicked = Closure::once_into_js(move || {
        if let Some(window) = web_sys::window() {
            let _ = window.focus();
        }
        chat.go(route);
    });
    notification.set_onclick(Some(clicked.unchecked_ref()));
}
