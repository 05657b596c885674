//! What is open on the page besides the room: the drawer, the dialogs and
//! the menus, one signal each, shared through context so a shortcut, a
//! button or a link can open any of them.

use leptos::prelude::*;

/// The page's open panels.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    /// The room list, as a drawer on a phone.
    pub drawer: RwSignal<bool>,
    /// The quick switcher (Ctrl+K).
    pub switcher: RwSignal<bool>,
    /// The list of keyboard shortcuts (`?`).
    pub shortcuts: RwSignal<bool>,
    /// Settings: account, appearance, notifications.
    pub settings: RwSignal<bool>,
    /// The sign-in card, as a dialog (guests may chat without it).
    pub sign_in: RwSignal<bool>,
    /// Creating a room.
    pub new_room: RwSignal<bool>,
    /// Opening a direct conversation.
    pub new_direct: RwSignal<bool>,
    /// The room directory.
    pub directory: RwSignal<bool>,
    /// The shown room's menu.
    pub room_menu: RwSignal<bool>,
    /// Why the person was signed out, until they sign in or dismiss it.
    pub signed_in_notice: RwSignal<Option<String>>,
}

impl Ui {
    /// Everything closed.
    pub fn new() -> Self {
        Ui {
            drawer: RwSignal::new(false),
            switcher: RwSignal::new(false),
            shortcuts: RwSignal::new(false),
            settings: RwSignal::new(false),
            sign_in: RwSignal::new(false),
            new_room: RwSignal::new(false),
            new_direct: RwSignal::new(false),
            directory: RwSignal::new(false),
            room_menu: RwSignal::new(false),
            signed_in_notice: RwSignal::new(None),
        }
    }

    /// Whether any dialog is open (the page's own shortcuts wait then).
    pub fn dialog_open(&self) -> bool {
        [
            self.switcher,
            self.shortcuts,
            self.settings,
            self.sign_in,
            self.new_room,
            self.new_direct,
            self.directory,
        ]
        .iter()
        .any(|open| open.get_untracked())
    }
}

impl Default for Ui {
    fn default() -> Self {
        Self::new()
    }
}
