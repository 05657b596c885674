//! What the client remembers between visits, in localStorage.

use gloo_storage::{LocalStorage, Storage};

const NAME_KEY: &str = "natter.name";

/// The display name saved on an earlier visit, or empty.
pub fn saved_name() -> String {
    LocalStorage::get(NAME_KEY).unwrap_or_default()
}

/// Remembers the display name for the next visit. Storage can be full or
/// disabled (private windows); the name then lasts for this visit only.
pub fn save_name(name: &str) {
    let _ = LocalStorage::set(NAME_KEY, name);
}
