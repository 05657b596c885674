//! How the person likes the page: its theme, and which end of the list the
//! newest message is at. An account keeps them on the server (so every
//! browser it signs in from agrees); a guest keeps them in this browser.
//! The browser also keeps the last ones it knew, so the page opens looking
//! right before the server has answered.

use leptos::prelude::*;
use leptos::task::spawn_local;
use natter_shared::api::{MessageOrder, Preferences, Theme};

use crate::account;
use crate::state::ChatState;
use crate::storage;
use crate::timeline::layout::Order;

/// The preferences in force, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct Prefs {
    /// What the page follows now.
    pub current: RwSignal<Preferences>,
}

impl Prefs {
    /// The preferences this browser last knew, applied at once.
    pub fn new() -> Self {
        let saved = storage::saved_preferences();
        apply_theme(saved.theme);
        let current = RwSignal::new(saved);
        Effect::new(move |_| apply_theme(current.with(|current| current.theme)));
        Prefs { current }
    }

    /// Which end the newest message is at (tracked).
    pub fn order(&self) -> Order {
        match self.current.with(|current| current.order) {
            MessageOrder::NewestFirst => Order::NewestFirst,
            MessageOrder::NewestLast => Order::NewestLast,
        }
    }

    /// Takes what the server keeps for the account (on sign-in, and on
    /// load when signed in).
    pub fn adopt(&self, preferences: Preferences) {
        storage::save_preferences(&preferences);
        if self
            .current
            .with_untracked(|current| *current != preferences)
        {
            self.current.set(preferences);
        }
    }

    /// Changes them: here at once, in this browser, and for an account on
    /// the server too.
    pub fn update(&self, chat: ChatState, change: impl FnOnce(&mut Preferences)) {
        let mut preferences = self.current.get_untracked();
        change(&mut preferences);
        self.adopt(preferences);
        if chat.account.with_untracked(Option::is_some) {
            spawn_local(async move {
                if let Err(error) = account::save_preferences(&preferences).await {
                    chat.show_notice(
                        &error.code,
                        "Your settings apply here, but could not be saved to your account. They will be tried again next time you change them.",
                    );
                }
            });
        }
    }
}

impl Default for Prefs {
    fn default() -> Self {
        Self::new()
    }
}

/// Sets the page's theme: `data-theme` on the root element, which the
/// stylesheet reads (no attribute: the system's).
fn apply_theme(theme: Theme) {
    let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    else {
        return;
    };
    let _ = match theme {
        Theme::System => root.remove_attribute("data-theme"),
        Theme::Light => root.set_attribute("data-theme", "light"),
        Theme::Dark => root.set_attribute("data-theme", "dark"),
    };
}

#[cfg(test)]
mod tests {
    /// The declarations of the first rule that `selector` opens in `css`.
    fn declarations<'a>(css: &'a str, selector: &str) -> Vec<&'a str> {
        let (_, rest) = css.split_once(selector).expect("the rule is there");
        let (body, _) = rest.split_once('}').expect("the rule ends");
        body.lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect()
    }

    #[test]
    fn the_dark_palette_is_the_same_chosen_or_from_the_system() {
        let css = include_str!("../style.css");
        let from_the_system = declarations(css, ":root:not([data-theme=\"light\"]) {");
        let chosen = declarations(css, ":root[data-theme=\"dark\"] {");
        assert!(from_the_system.len() > 20, "{from_the_system:?}");
        assert_eq!(from_the_system, chosen);
    }
}
