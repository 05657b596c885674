//! What the client remembers between visits, in localStorage.
//!
//! Storage can be full or disabled (private windows); then the name and the
//! outbox last for this visit only, and the page still works.

use std::collections::HashMap;

use gloo_storage::{LocalStorage, Storage};
use natter_shared::api::Preferences;

use crate::outbox::OutboxEntry;

const NAME_KEY: &str = "natter.name";
const OUTBOX_KEY: &str = "natter.outbox";
const GUEST_TOKEN_KEY: &str = "natter.guest_token";
const GUEST_READ_KEY: &str = "natter.guest_read";
/// Read by the inline script in index.html too, to set the theme before
/// the page is drawn: keep the two in step.
const PREFERENCES_KEY: &str = "natter.preferences";
const DRAFTS_KEY: &str = "natter.drafts";
const ROUTE_KEY: &str = "natter.route";

/// The display name saved on an earlier visit, or empty.
pub fn saved_name() -> String {
    LocalStorage::get(NAME_KEY).unwrap_or_default()
}

/// Remembers the display name for the next visit.
pub fn save_name(name: &str) {
    let _ = LocalStorage::set(NAME_KEY, name);
}

/// The guest token an earlier visit was given, if any.
pub fn saved_guest_token() -> Option<String> {
    LocalStorage::get(GUEST_TOKEN_KEY).ok()
}

/// Remembers the guest token for later visits and other tabs.
pub fn save_guest_token(token: &str) {
    let _ = LocalStorage::set(GUEST_TOKEN_KEY, token);
}

/// How far a guest has read the lobby (accounts keep theirs on the server).
pub fn saved_guest_read() -> Option<u64> {
    LocalStorage::get(GUEST_READ_KEY).ok()
}

/// Remembers how far a guest has read the lobby.
pub fn save_guest_read(id: u64) {
    let _ = LocalStorage::set(GUEST_READ_KEY, id);
}

/// The outbox as the last visit left it.
pub fn saved_outbox() -> Vec<OutboxEntry> {
    LocalStorage::get(OUTBOX_KEY).unwrap_or_default()
}

/// Writes the entries that must survive a reload.
pub fn save_outbox(entries: &[OutboxEntry]) {
    let kept: Vec<&OutboxEntry> = entries
        .iter()
        .filter(|entry| entry.worth_keeping())
        .collect();
    let _ = LocalStorage::set(OUTBOX_KEY, kept);
}

/// The preferences this browser last knew (a guest's own, or the last
/// account's).
pub fn saved_preferences() -> Preferences {
    LocalStorage::get(PREFERENCES_KEY).unwrap_or_default()
}

/// Remembers the preferences.
pub fn save_preferences(preferences: &Preferences) {
    let _ = LocalStorage::set(PREFERENCES_KEY, preferences);
}

/// What was typed and not sent, per room.
pub fn saved_drafts() -> HashMap<String, String> {
    LocalStorage::get(DRAFTS_KEY).unwrap_or_default()
}

/// Remembers the unsent drafts.
pub fn save_drafts(drafts: &HashMap<String, String>) {
    if drafts.is_empty() {
        LocalStorage::delete(DRAFTS_KEY);
    } else {
        let _ = LocalStorage::set(DRAFTS_KEY, drafts);
    }
}

/// Where the page was last (a route's fragment), to open there again.
pub fn saved_route() -> Option<String> {
    LocalStorage::get(ROUTE_KEY).ok()
}

/// Remembers where the page is.
pub fn save_route(fragment: &str) {
    let _ = LocalStorage::set(ROUTE_KEY, fragment);
}

/// Forgets what an account left here: its drafts and its place (the next
/// person on this browser starts afresh).
pub fn forget_account_traces() {
    LocalStorage::delete(DRAFTS_KEY);
    LocalStorage::delete(ROUTE_KEY);
}
