//! The client's reactive state and how server frames change it.

use std::collections::HashSet;

use leptos::prelude::*;
use natter_shared::{
    AckParams, ChatMessage, ErrorCode, ErrorParams, HistoryPage, Notify, ReadMarker, RoomInfo,
    ServerFrame, Welcome,
};

use crate::new_since::NewSince;
use crate::nonce::fresh_nonce;
use crate::outbox::{Change, Delivery, OutboxEntry};
use crate::route::Route;
use crate::socket::ConnectionStatus;
use crate::storage;
use crate::typing::Typists;

/// A message as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownMessage {
    /// The message as the server stored it.
    pub message: ChatMessage,
    /// Whether this person wrote it (the server sends the nonce only to the
    /// author's connections).
    pub own: bool,
}

/// A message to tell the person about while they are away from the tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The room it came in.
    pub room: String,
    /// Who wrote it.
    pub author: String,
    /// What it says.
    pub text: String,
    /// Whether it mentions them.
    pub mention: bool,
}

/// Something the person should read near the message form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The server's error code, or a client-side one.
    pub code: String,
    /// What happened, for people.
    pub message: String,
}

/// Everything the components render, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct ChatState {
    /// Delivered messages of every room, newest first, each id once.
    pub messages: RwSignal<Vec<ShownMessage>>,
    /// Our messages (and changes to them) the server has not confirmed
    /// yet, oldest first.
    pub outbox: RwSignal<Vec<OutboxEntry>>,
    /// The newest message worth a browser notification (the tab is hidden,
    /// and the room's setting asks for it); the page shows it.
    pub alert: RwSignal<Option<Alert>>,
    /// The newest id of an edit or delete applied: a resume continues
    /// after it, as after a message.
    pub newest_change: StoredValue<u64>,
    /// The rooms whose beginning is shown (the server said nothing older exists).
    pub complete: RwSignal<HashSet<String>>,
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
    /// Who is online, per room: rebuilt from each `presence` frame, then
    /// kept by `online` and `offline`. (Vectors, not maps: a few rooms of
    /// a few names, and each map type adds to the download.)
    pub online: RwSignal<Vec<(String, Vec<String>)>>,
    /// Who else is typing, per room, until when.
    pub typing: RwSignal<Typists>,
}

/// Whether a new message in `room` is worth a notification by the room's
/// setting: every message, or only those that mention them.
fn worth_telling(room: &RoomInfo, mentioned: bool) -> bool {
    match room.notify {
        Notify::All => true,
        Notify::Mentions => mentioned,
        Notify::Nothing => false,
    }
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
            messages: RwSignal::new(Vec::new()),
            outbox: RwSignal::new(storage::saved_outbox()),
            newest_change: StoredValue::new(0),
            alert: RwSignal::new(None),
            complete: RwSignal::new(HashSet::new()),
            loading_older: RwSignal::new(None),
            rooms: RwSignal::new(Vec::new()),
            route: RwSignal::new(Route::default()),
            new_since: RwSignal::new(None),
            visible: RwSignal::new(true),
            status: RwSignal::new(ConnectionStatus::Connecting { attempt: 1 }),
            notice: RwSignal::new(None),
            identity: RwSignal::new(None),
            requested_name: RwSignal::new(requested_name),
            guest_token: RwSignal::new(storage::saved_guest_token()),
            account: RwSignal::new(None),
            online: RwSignal::new(Vec::new()),
            typing: RwSignal::new(Typists::default()),
        }
    }

    /// The newest id shown (or change applied), in any room.
    pub fn newest_id(&self) -> Option<u64> {
        let message = self
            .messages
            .with_untracked(|list| list.first().map(|shown| shown.message.id));
        let change = Some(self.newest_change.get_value()).filter(|id| *id > 0);
        message.max(change)
    }

    /// The key of the room the page shows (tracked); `None` while a direct
    /// conversation the route names is not open yet.
    pub fn current_room(&self) -> Option<String> {
        let route = self.route.get();
        self.rooms.with(|rooms| route.room_key(rooms))
    }

    /// Whether the server said nothing older exists in `room` (tracked).
    pub fn is_complete(&self, room: &str) -> bool {
        self.complete.with(|complete| complete.contains(room))
    }

    /// The messages of `room` shown, newest first (tracked).
    pub fn messages_in(&self, room: &str) -> Vec<ShownMessage> {
        self.messages.with(|list| {
            list.iter()
                .filter(|shown| shown.message.room == room)
                .cloned()
                .collect()
        })
    }

    /// Who else is typing in `room` (tracked).
    pub fn typing_in(&self, room: &str) -> Vec<String> {
        self.typing.with(|typing| typing.in_room(room))
    }

    /// Shows `name` as typing in `room` for a while, and forgets the notice
    /// when it runs out.
    fn someone_typing(&self, room: &str, name: &str) {
        self.typing
            .update(|typing| typing.notice(room, name, js_sys::Date::now()));
        let chat = *self;
        set_timeout(
            move || {
                let now = js_sys::Date::now();
                // Only when something ran out: a renewed notice lives on.
                if chat.typing.with_untracked(|typing| typing.any_expired(now)) {
                    chat.typing.update(|typing| typing.prune(now));
                }
            },
            std::time::Duration::from_millis(natter_shared::TYPING_SHOWN_MS),
        );
    }

    /// Who is online in `room`, sorted (tracked).
    pub fn online_in(&self, room: &str) -> Vec<String> {
        self.online.with(|online| {
            let mut names: Vec<String> = online
                .iter()
                .find(|(known, _)| known == room)
                .map(|(_, names)| names.clone())
                .unwrap_or_default();
            names.sort_by_key(|name| name.to_lowercase());
            names
        })
    }

    /// Whether `name` is online in `room` (tracked).
    pub fn is_online(&self, room: &str, name: &str) -> bool {
        self.online.with(|online| {
            online
                .iter()
                .any(|(known, names)| known == room && names.iter().any(|known| known == name))
        })
    }

    /// All unread messages, for the page title (tracked).
    pub fn total_unread(&self) -> u64 {
        self.rooms
            .with(|rooms| rooms.iter().map(|room| room.unread).sum())
    }

    /// All unread messages, without tracking.
    pub fn total_unread_untracked(&self) -> u64 {
        self.rooms
            .with_untracked(|rooms| rooms.iter().map(|room| room.unread).sum())
    }

    /// Where a reconnect resumes: after the newest id shown. A page the
    /// server has welcomed but that shows nothing yet (an empty room) resumes
    /// from the very start: without a cursor the server would send only the
    /// latest page, and cut off whatever more was written while the page was
    /// away. Only a page never welcomed starts from the latest page.
    pub fn resume_after(&self) -> Option<u64> {
        self.newest_id()
            .or_else(|| self.identity.with_untracked(Option::is_some).then_some(0))
    }

    /// The oldest id shown in `room`: where "load older" continues.
    pub fn oldest_id(&self, room: &str) -> Option<u64> {
        self.messages.with_untracked(|list| {
            list.iter()
                .rev()
                .find(|shown| shown.message.room == room)
                .map(|shown| shown.message.id)
        })
    }

    /// The newest id shown in `room`.
    pub fn newest_in(&self, room: &str) -> Option<u64> {
        self.messages.with_untracked(|list| {
            list.iter()
                .find(|shown| shown.message.room == room)
                .map(|shown| shown.message.id)
        })
    }

    /// Puts a validated message for `room` in the outbox (and in
    /// localStorage) and returns the entry to send.
    pub fn queue(&self, room: &str, value: String) -> OutboxEntry {
        self.queue_change(room, value, None)
    }

    /// Puts a message, or a change to one of ours (`change`), in the outbox
    /// and returns the entry to send. A change replaces any earlier one to
    /// the same message still waiting: only the last counts.
    pub fn queue_change(&self, room: &str, value: String, change: Option<Change>) -> OutboxEntry {
        let entry = OutboxEntry {
            nonce: fresh_nonce(),
            value,
            written_at: js_sys::Date::now() as i64,
            room: room.to_owned(),
            delivery: Delivery::Pending,
            change,
        };
        if let Some(change) = change {
            let target = change.target();
            self.change_outbox(|entries| {
                entries.retain(|entry| {
                    entry
                        .change
                        .is_none_or(|pending| pending.target() != target)
                        || entry.delivery != Delivery::Pending
                })
            });
        }
        self.change_outbox(|entries| entries.push(entry.clone()));
        entry
    }

    /// Marks a failed entry pending again and returns it, to send.
    pub fn retry(&self, nonce: &str) -> Option<OutboxEntry> {
        let mut retried = None;
        self.change_outbox(|entries| {
            if let Some(entry) = entries.iter_mut().find(|entry| entry.nonce == nonce) {
                entry.delivery = Delivery::Pending;
                retried = Some(entry.clone());
            }
        });
        retried
    }

    /// Drops an entry from the outbox for good.
    /// Does nothing (no storage write, no re-render) when the entry is gone
    /// already, as it is for most of our messages replayed from history.
    pub fn discard(&self, nonce: &str) {
        let present = self
            .outbox
            .with_untracked(|entries| entries.iter().any(|entry| entry.nonce == nonce));
        if present {
            self.change_outbox(|entries| entries.retain(|entry| entry.nonce != nonce));
        }
    }

    /// The entries to send on a fresh connection, oldest first.
    pub fn awaiting_send(&self) -> Vec<OutboxEntry> {
        self.outbox.with_untracked(|entries| {
            entries
                .iter()
                .filter(|e| e.awaits_sending())
                .cloned()
                .collect()
        })
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
                    self.messages.set(Vec::new());
                    self.complete.set(HashSet::new());
                    self.loading_older.set(None);
                }
                let mut rooms = welcome.rooms.clone();
                if welcome.token.is_some() {
                    let shown = self.messages.with_untracked(|list| {
                        list.iter()
                            .filter(|shown| shown.message.room == natter_shared::LOBBY)
                            .map(|shown| (shown.message.id, shown.own))
                            .collect::<Vec<_>>()
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
            ServerFrame::Edited(edited) => self.changed(
                edited.id,
                edited.nonce.as_deref(),
                edited.target,
                |list, at| {
                    list[at].message.value = edited.value;
                    list[at].message.edited = Some(edited.timestamp);
                },
            ),
            ServerFrame::Deleted(deleted) => {
                self.uncount(&deleted.room, deleted.target);
                self.changed(
                    deleted.id,
                    deleted.nonce.as_deref(),
                    deleted.target,
                    |list, at| {
                        list.remove(at);
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

    /// Whether a message in `room` is being read right now.
    fn reading(&self, room: &str) -> bool {
        self.visible.get_untracked() && self.current_room_untracked().as_deref() == Some(room)
    }

    fn receive(&self, message: ChatMessage) {
        // History and live are stitched together by id: an id already shown
        // is a repeat. Ids are global, so one sorted list serves every room.
        let position = self.messages.with_untracked(|list| {
            list.binary_search_by(|shown| message.id.cmp(&shown.message.id))
        });
        let Err(position) = position else {
            return;
        };
        if let Some(nonce) = &message.nonce {
            self.discard(nonce);
        }
        let own = message.nonce.is_some();
        // Their message is what they were typing.
        if self
            .typing
            .with_untracked(|typing| typing.is_typing(&message.room, &message.author))
        {
            self.typing
                .update(|typing| _ = typing.done(&message.room, &message.author));
        }
        self.count_unread(&message, own);
        self.messages
            .update(|list| list.insert(position, ShownMessage { message, own }));
    }

    /// Applies an edit or delete (`id`) to the shown message `target`, if
    /// this page has it (otherwise it was never loaded, or is gone).
    fn changed(
        &self,
        id: u64,
        nonce: Option<&str>,
        target: u64,
        apply: impl FnOnce(&mut Vec<ShownMessage>, usize),
    ) {
        if id <= self.newest_change.get_value() {
            return;
        }
        self.newest_change.set_value(id);
        if let Some(nonce) = nonce {
            self.discard(nonce);
        }
        let at = self
            .messages
            .with_untracked(|list| list.binary_search_by(|shown| target.cmp(&shown.message.id)));
        if let Ok(at) = at {
            self.messages.update(|list| apply(list, at));
        }
    }

    /// A message that counted as unread is gone: so is its count (and its
    /// mention's).
    fn uncount(&self, room: &str, target: u64) {
        let counted = self.messages.with_untracked(|list| {
            list.iter()
                .find(|shown| shown.message.id == target && !shown.own)
                .map(|shown| self.mentions_me(&shown.message.value))
        });
        let Some(mentioned) = counted else {
            return;
        };
        self.rooms.update(|rooms| {
            if let Some(known) = rooms.iter_mut().find(|known| known.room == room)
                && target > known.last_read
            {
                known.unread = known.unread.saturating_sub(1);
                if mentioned {
                    known.mentions = known.mentions.saturating_sub(1);
                }
            }
        });
    }

    /// Whether `text` mentions the person on this page, by the name the
    /// server knows them by.
    pub fn mentions_me(&self, text: &str) -> bool {
        self.identity.with_untracked(|identity| {
            identity
                .as_ref()
                .is_some_and(|welcome| natter_shared::mentions(text, &welcome.name))
        })
    }

    /// Keeps the room list's unread count: a message by someone else, newer
    /// than what the count covered and than the marker, in a room not being
    /// read.
    fn count_unread(&self, message: &ChatMessage, own: bool) {
        let reading = self.reading(&message.room);
        let mentioned = !own && self.mentions_me(&message.value);
        let mut alert = None;
        self.rooms.update(|rooms| {
            let Some(room) = rooms.iter_mut().find(|room| room.room == message.room) else {
                return;
            };
            if message.id <= room.newest_id {
                return;
            }
            room.newest_id = message.id;
            room.newest_at = Some(message.timestamp);
            if !own && !reading && message.id > room.last_read {
                room.unread += 1;
                room.mentions += u64::from(mentioned);
                if !self.visible.get_untracked() && worth_telling(room, mentioned) {
                    alert = Some(Alert {
                        room: room.room.clone(),
                        author: message.author.clone(),
                        text: message.value.clone(),
                        mention: mentioned,
                    });
                }
            }
        });
        if alert.is_some() {
            self.alert.set(alert);
        }
    }

    /// The account read `room` up to `id` (on this tab or another).
    fn marked_read(&self, ReadMarker { room, id }: ReadMarker) {
        let (unread_shown, mentions_shown) = self.messages.with_untracked(|list| {
            list.iter()
                .filter(|shown| shown.message.room == room && shown.message.id > id && !shown.own)
                .fold((0, 0), |(unread, mentions), shown| {
                    let mentioned = self.mentions_me(&shown.message.value);
                    (unread + 1, mentions + u64::from(mentioned))
                })
        });
        self.rooms.update(|rooms| {
            if let Some(known) = rooms.iter_mut().find(|known| known.room == room) {
                known.last_read = known.last_read.max(id);
                let all_read = id >= known.newest_id;
                known.unread = if all_read {
                    0
                } else {
                    known.unread.min(unread_shown)
                };
                known.mentions = if all_read {
                    0
                } else {
                    known.mentions.min(mentions_shown)
                };
            }
        });
    }

    /// The page showed `room` up to its newest message: its unread count is
    /// gone. Returns the marker to tell the server (accounts keep theirs
    /// there), if it moved.
    pub fn read_up_to_newest(&self, room: &str) -> Option<ReadMarker> {
        let newest = self.newest_in(room)?;
        let stale =
            |known: &RoomInfo| known.last_read < newest || known.unread > 0 || known.mentions > 0;
        // Checked first: the effect that calls this tracks the room list, so
        // touching the list when nothing moved would wake it again forever.
        let moved = self
            .rooms
            .with_untracked(|rooms| rooms.iter().any(|known| known.room == room && stale(known)));
        if !moved {
            return None;
        }
        self.rooms.update(|rooms| {
            if let Some(known) = rooms.iter_mut().find(|known| known.room == room) {
                known.last_read = known.last_read.max(newest);
                known.unread = 0;
                known.mentions = 0;
            }
        });
        Some(ReadMarker {
            room: room.to_owned(),
            id: newest,
        })
    }

    fn acknowledge(&self, AckParams { nonce, id }: AckParams) {
        let already_shown = self
            .messages
            .with_untracked(|list| list.iter().any(|s| s.message.id == id));
        let change = self.outbox.with_untracked(|entries| {
            entries
                .iter()
                .any(|entry| entry.nonce == nonce && entry.change.is_some())
        });
        self.change_outbox(|entries| {
            // A change is done once stored: its frame only confirms it.
            if already_shown || change {
                entries.retain(|entry| entry.nonce != nonce);
            } else if let Some(entry) = entries.iter_mut().find(|entry| entry.nonce == nonce) {
                entry.delivery = Delivery::Sent { id };
            }
        });
    }

    fn append_older(&self, page: HistoryPage) {
        self.messages.update(|list| {
            for message in page.messages {
                if let Err(position) =
                    list.binary_search_by(|shown| message.id.cmp(&shown.message.id))
                {
                    let own = message.nonce.is_some();
                    list.insert(position, ShownMessage { message, own });
                }
            }
        });
        if page.complete {
            self.complete.update(|complete| {
                complete.insert(page.room.clone());
            });
        }
        self.loading_older.set(None);
    }

    fn refuse(&self, error: ErrorParams) {
        let about_ours = error.nonce.as_ref().is_some_and(|nonce| {
            self.outbox
                .with_untracked(|entries| entries.iter().any(|entry| &entry.nonce == nonce))
        });
        let change = error.nonce.as_ref().is_some_and(|nonce| {
            self.outbox.with_untracked(|entries| {
                entries
                    .iter()
                    .any(|entry| &entry.nonce == nonce && entry.change.is_some())
            })
        });
        if let (true, Some(nonce)) = (change, &error.nonce) {
            // A refused change will not succeed later: drop it and say why.
            self.discard(nonce);
            self.notice.set(Some(Notice {
                code: error.code.as_str().to_owned(),
                message: error.message,
            }));
            return;
        }
        if let (true, Some(nonce)) = (about_ours, &error.nonce) {
            self.change_outbox(|entries| {
                if let Some(entry) = entries.iter_mut().find(|entry| &entry.nonce == nonce) {
                    entry.delivery = Delivery::Failed {
                        reason: error.message.clone(),
                    };
                }
            });
            return;
        }
        if error.code == ErrorCode::InvalidCursor {
            // The server does not know where we were (its history was reset):
            // start over from what it sends next.
            self.messages.set(Vec::new());
            self.complete.set(HashSet::new());
        }
        self.loading_older.set(None);
        self.notice.set(Some(Notice {
            code: error.code.as_str().to_owned(),
            message: error.message,
        }));
    }

    fn change_outbox(&self, change: impl FnOnce(&mut Vec<OutboxEntry>)) {
        self.outbox.update(change);
        self.outbox
            .with_untracked(|entries| storage::save_outbox(entries));
    }
}
