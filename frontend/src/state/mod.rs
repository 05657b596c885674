//! The client's reactive state and how server frames change it: the
//! [`ChatState`] every component reads, with its methods spread by concern
//! over `messages` (and the [`log`] that holds them), `unread`, `outbox`,
//! `live` and `person` (who is here, and what they were typing).

mod live;
pub mod log;
mod messages;
mod outbox;
mod person;
mod unread;

use std::collections::HashMap;

use leptos::prelude::*;
use natter_shared::api::{Preferences, ServerInfo};
use natter_shared::{RoomInfo, ServerFrame, Welcome};

use crate::model::{Alert, ConnectionStatus, Notice};
use crate::new_since::NewSince;
use crate::outbox::OutboxEntry;
use crate::route::Route;
use crate::storage;
use crate::typing::Typists;

pub use log::{Logs, RoomLog};

/// Everything the components render, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct ChatState {
    /// Delivered messages, room by room, each sorted by id, each id once.
    pub messages: RwSignal<Logs>,
    /// Our messages (and changes to them) the server has not confirmed
    /// yet, oldest first.
    pub outbox: RwSignal<Vec<OutboxEntry>>,
    /// The newest message worth a browser notification (the tab is hidden,
    /// and the room's setting asks for it); the page shows it.
    pub alert: RwSignal<Option<Alert>>,
    /// The newest id of an edit or delete applied: a resume continues
    /// after it, as after a message.
    pub newest_change: StoredValue<u64>,
    /// The room whose older messages are on their way, if any.
    pub loading_older: RwSignal<Option<String>>,
    /// The rooms we are in, the lobby first, with read markers and unread
    /// counts (kept up to date as messages and markers arrive).
    pub rooms: RwSignal<Vec<RoomInfo>>,
    /// Where the page is: which room it shows.
    pub route: RwSignal<Route>,
    /// Where the "new since you left" line goes in the shown room, if
    /// anything in it was unread when it was opened.
    pub new_since: RwSignal<Option<NewSince>>,
    /// Whether the page is visible (not a background tab): only then are
    /// messages in the shown room read.
    pub visible: RwSignal<bool>,
    /// Whether the shown room's list is at its newest end, following new
    /// messages: only then does one arriving count as read at once.
    pub following: RwSignal<bool>,
    /// How far the shown room has been seen on screen: its marker moves
    /// there (the page tells the server, at most so often).
    pub seen: RwSignal<Option<(String, u64)>>,
    /// Whether the browser says it has no network.
    pub offline: RwSignal<bool>,
    /// How the server is run (guests, sign-up, message length), once known.
    pub server: RwSignal<Option<ServerInfo>>,
    /// What was typed and not sent, per room (kept across reloads).
    pub drafts: StoredValue<HashMap<String, String>>,
    /// Where the connection stands.
    pub status: RwSignal<ConnectionStatus>,
    /// The last problem to show near the form, if any.
    pub notice: RwSignal<Option<Notice>>,
    /// Who the server says we are on the current connection.
    pub identity: RwSignal<Option<Welcome>>,
    /// The display name to ask for when connecting (empty: let the server pick).
    pub requested_name: RwSignal<String>,
    /// The token the server handed this browser as a guest, presented on
    /// every connection so it stays the same guest: its resent messages are
    /// then recognised, and never stored twice.
    pub guest_token: RwSignal<Option<String>>,
    /// The signed-in account's name; `None` while a guest.
    pub account: RwSignal<Option<String>>,
    /// The account's preferences as the server last told them (saved on
    /// some tab); the page follows them.
    pub told_preferences: RwSignal<Option<Preferences>>,
    /// Who is online, per room: rebuilt from each `presence` frame, then
    /// kept by `online` and `offline`. (Vectors, not maps: a few rooms of
    /// a few names, and each map type adds to the download.)
    pub online: RwSignal<Vec<(String, Vec<String>)>>,
    /// Who else is typing, per room, until when.
    pub typing: RwSignal<Typists>,
}

/// A guest keeps its read marker in this browser: the lobby counts as read
/// up to it, so what arrives above it (the replay included) is unread until
/// shown. Without one (a first visit), everything already there is read.
/// `shown` are the lobby's messages already on the page (id, and whether
/// ours): after a reconnect, those above the marker stay unread, since the
/// replay starts after them and will not count them again.
fn guest_marker(rooms: &mut [RoomInfo], saved: Option<u64>, shown: &[(u64, bool)]) {
    if let Some(lobby) = rooms
        .iter_mut()
        .find(|room| room.room == natter_shared::LOBBY)
    {
        let marker = saved.unwrap_or(lobby.newest_id).min(lobby.newest_id);
        lobby.last_read = marker;
        lobby.newest_id = shown.iter().map(|(id, _)| *id).fold(marker, u64::max);
        lobby.unread = shown
            .iter()
            .filter(|(id, own)| *id > marker && !own)
            .count() as u64;
    }
}

impl ChatState {
    /// State asking for `requested_name`, with the outbox the last visit left.
    pub fn new(requested_name: String) -> Self {
        ChatState {
            messages: RwSignal::new(Logs::default()),
            outbox: RwSignal::new(storage::saved_outbox()),
            newest_change: StoredValue::new(0),
            alert: RwSignal::new(None),
            loading_older: RwSignal::new(None),
            rooms: RwSignal::new(Vec::new()),
            route: RwSignal::new(Route::default()),
            new_since: RwSignal::new(None),
            visible: RwSignal::new(true),
            following: RwSignal::new(true),
            seen: RwSignal::new(None),
            offline: RwSignal::new(false),
            server: RwSignal::new(None),
            drafts: StoredValue::new(storage::saved_drafts()),
            status: RwSignal::new(ConnectionStatus::Connecting { attempt: 1 }),
            notice: RwSignal::new(None),
            identity: RwSignal::new(None),
            requested_name: RwSignal::new(requested_name),
            guest_token: RwSignal::new(storage::saved_guest_token()),
            account: RwSignal::new(None),
            told_preferences: RwSignal::new(None),
            online: RwSignal::new(Vec::new()),
            typing: RwSignal::new(Typists::default()),
        }
    }

    /// The key of the room the page shows (tracked); `None` while a direct
    /// conversation the route names is not open yet.
    pub fn current_room(&self) -> Option<String> {
        let route = self.route.get();
        self.rooms.with(|rooms| route.room_key(rooms))
    }

    /// Applies one frame from the server.
    pub fn apply(&self, frame: ServerFrame) {
        match frame {
            ServerFrame::Welcome(welcome) => {
                if let Some(token) = &welcome.token
                    && self.guest_token.get_untracked().as_ref() != Some(token)
                {
                    storage::save_guest_token(token);
                    self.guest_token.set(Some(token.clone()));
                }
                // Someone else now (logged out, or in as another account):
                // nothing of the last one's rooms may stay on the page.
                let someone_else = self.identity.with_untracked(|last| {
                    last.as_ref().is_some_and(|last| {
                        last.name != welcome.name || last.token.is_some() != welcome.token.is_some()
                    })
                });
                // Every room's state comes again after the welcome; until
                // then nobody is known to be online.
                self.online.set(Vec::new());
                self.typing.update(Typists::clear);
                if someone_else {
                    self.newest_change.set_value(0);
                    self.new_since.set(None);
                    self.messages.set(Logs::default());
                    self.loading_older.set(None);
                }
                let mut rooms = welcome.rooms.clone();
                if welcome.token.is_some() {
                    let shown = self.messages.with_untracked(|logs| {
                        logs.room(natter_shared::LOBBY)
                            .map_or_else(Vec::new, |log| {
                                log.messages()
                                    .iter()
                                    .map(|shown| (shown.message.id, shown.own))
                                    .collect::<Vec<_>>()
                            })
                    });
                    guest_marker(&mut rooms, storage::saved_guest_read(), &shown);
                }
                self.rooms.set(rooms);
                self.identity.set(Some(welcome));
            }
            ServerFrame::Message(message) => self.receive(message),
            ServerFrame::Ack(ack) => self.acknowledge(ack),
            ServerFrame::History(page) => self.append_older(page),
            ServerFrame::Joined(room) => self.rooms.update(|rooms| {
                rooms.retain(|known| known.room != room.room);
                rooms.push(room);
            }),
            ServerFrame::Left(left) => {
                self.rooms
                    .update(|rooms| rooms.retain(|room| room.room != left.room));
                // Nothing of a room left stays on the page.
                self.messages.update(|logs| logs.forget(&left.room));
                self.online
                    .update(|online| online.retain(|(room, _)| *room != left.room));
                if self.current_room_untracked().as_deref() == Some(left.room.as_str()) {
                    self.go(Route::default());
                }
            }
            ServerFrame::Read(marker) => self.marked_read(marker),
            ServerFrame::Error(error) => self.refuse(error),
            // The socket notes every frame for its heartbeat; nothing to show.
            ServerFrame::Pong(_) => {}
            ServerFrame::Presence(presence) => self.online.update(|online| {
                online.retain(|(room, _)| *room != presence.room);
                online.push((presence.room, presence.online));
            }),
            ServerFrame::Online(change) => self.online.update(|online| {
                match online.iter_mut().find(|(room, _)| *room == change.room) {
                    Some((_, names)) if names.contains(&change.name) => {}
                    Some((_, names)) => names.push(change.name),
                    None => online.push((change.room, vec![change.name])),
                }
            }),
            ServerFrame::Offline(change) => self.online.update(|online| {
                if let Some((_, names)) = online.iter_mut().find(|(room, _)| *room == change.room) {
                    names.retain(|name| *name != change.name);
                }
            }),
            ServerFrame::Typing(notice) => self.someone_typing(&notice.room, &notice.name),
            ServerFrame::Preferences(preferences) => self.told_preferences.set(Some(preferences)),
            ServerFrame::Members(members) => self.rooms.update(|rooms| {
                if let Some(known) = rooms.iter_mut().find(|known| known.room == members.room) {
                    known.members = members.members;
                }
            }),
            ServerFrame::Edited(edited) => self.changed(
                edited.id,
                edited.nonce.as_deref(),
                &edited.room,
                edited.target,
                |log| {
                    if let Some(shown) = log.get_mut(edited.target) {
                        shown.message.value = edited.value;
                        shown.message.edited = Some(edited.timestamp);
                    }
                },
            ),
            ServerFrame::Deleted(deleted) => {
                self.uncount(&deleted.room, deleted.target);
                self.changed(
                    deleted.id,
                    deleted.nonce.as_deref(),
                    &deleted.room,
                    deleted.target,
                    |log| {
                        log.remove(deleted.target);
                    },
                );
            }
        }
    }

    /// Shows a problem near the form.
    pub fn show_notice(&self, code: &str, message: impl Into<String>) {
        self.notice.set(Some(Notice {
            code: code.to_owned(),
            message: message.into(),
        }));
    }

    /// The room the page shows, without tracking.
    pub fn current_room_untracked(&self) -> Option<String> {
        let route = self.route.get_untracked();
        self.rooms.with_untracked(|rooms| route.room_key(rooms))
    }

    /// Shows another place (through the URL, so back and reload work).
    pub fn go(&self, route: Route) {
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_hash(&route.href());
        }
        self.route.set(route);
    }
}
