//! The shown room's messages in their own scrolling area.

use leptos::html;
use leptos::prelude::*;
use natter_shared::LOBBY;
use wasm_bindgen::JsCast;

use crate::components::message_actions::RowFocus;
use crate::components::message_row::{DayRow, MessageRow, PendingRow};
use crate::preferences::Prefs;
use crate::socket::Socket;
use crate::state::ChatState;
use crate::time::day_number;
use crate::timeline::layout::{self, Item, Order, Row, Shown};
use crate::timeline::scroll::{
    Anchor, capture, distances, fits, row_by_key, to_newest_end, top_within,
};
use crate::timeline::sight::Sight;
use crate::timeline::window::{self, Window};

/// How near an end of the list (in pixels) counts as being there: at the
/// newest end the list follows new messages; near the oldest it fetches
/// more.
const NEAR: f64 = 48.0;
const FETCH_WITHIN: f64 = 600.0;

/// The shown room's messages, in a scrolling area of their own, newest at
/// the end the person chose. It holds a bounded window of them (see
/// [`Window`]) and keeps the reading position still while messages
/// arrive, older ones load or the window moves: at the newest end it
/// follows new messages; elsewhere a pill says how many came and takes the
/// person to them. What is on screen counts as read.
#[component]
pub fn Timeline() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let prefs = expect_context::<Prefs>();
    let sight = Sight::new();
    provide_context(sight);
    let room = Memo::new(move |_| chat.current_room().unwrap_or_else(|| LOBBY.to_owned()));
    let order = Memo::new(move |_| prefs.order());
    let window = RwSignal::new(Window::default());
    let scroller = NodeRef::<html::Div>::new();
    let anchor = StoredValue::new(None::<Anchor>);
    // At the newest end: new messages are followed, and count as read.
    let at_newest = RwSignal::new(true);

    // Another room: a fresh window, wide enough to hold what is unread.
    Effect::new(move |previous: Option<String>| {
        let now = room.get();
        if previous.as_deref() != Some(now.as_str()) {
            let unread = untrack(|| chat.unread_in(&now)) as usize;
            window.set(Window::Live {
                count: (unread + 10).clamp(window::FIRST, window::MOST),
            });
            sight.clear();
            anchor.set_value(None);
            at_newest.set(true);
            chat.following.set(true);
        }
        now
    });

    let rows = Memo::new(move |_| {
        let room = room.get();
        let order = order.get();
        let me = chat.my_name();
        let window = window.get();
        let pending = chat.pending_in(&room);
        chat.new_since.with(|line| {
            chat.messages.with(|logs| {
                let log = logs.room(&room);
                let all = log.map_or(&[][..], |log| log.messages());
                let delivered = window.slice(all);
                let shown = Shown {
                    delivered,
                    // Ours on their way show only while the newest is shown.
                    pending: if window.is_live() { &pending } else { &[] },
                    new_since: line.as_ref().filter(|line| line.room == room),
                    beginning: log.is_some_and(|log| log.is_complete()) && window.at_oldest(all),
                    me: &me,
                    order,
                };
                layout::rows(&shown, day_number)
            })
        })
    });

    // After every change of the rows (the browser has them once the next
    // frame is due): stay at the newest end if there, else keep the
    // anchored row where it was.
    Effect::new(move |_| {
        rows.track();
        request_animation_frame(move || {
            let Some(list) = scroller.get_untracked() else {
                return;
            };
            if at_newest.get_untracked() && window.get_untracked().is_live() {
                to_newest_end(&list, order.get_untracked());
            } else if let Some(Anchor { key, offset }) = anchor.get_value()
                && let Some(row) = row_by_key(&list, &key)
            {
                let moved = top_within(&list, &row) - offset;
                list.set_scroll_top(list.scroll_top() + moved.round() as i32);
            }
            anchor.set_value(capture(&list));
        });
    });

    // The order changed: to the newest end, in the new place.
    Effect::new(move |previous: Option<Order>| {
        let now = order.get();
        if previous.is_some_and(|previous| previous != now) {
            at_newest.set(true);
            window.set(Window::default());
        }
        now
    });

    let fetch_older = move || {
        let room = room.get_untracked();
        let (at_oldest, complete, oldest) = chat.messages.with_untracked(|logs| {
            let log = logs.room(&room);
            let all = log.map_or(&[][..], |log| log.messages());
            (
                window.get_untracked().at_oldest(all),
                log.is_some_and(|log| log.is_complete()),
                log.and_then(|log| log.oldest_id()),
            )
        });
        if at_oldest {
            if complete || chat.loading_older.with_untracked(Option::is_some) {
                return;
            }
            if socket.request_older(&room, oldest).is_ok() {
                chat.loading_older.set(Some(room.clone()));
            }
        }
        chat.messages.with_untracked(|logs| {
            let all = logs.room(&room).map_or(&[][..], |log| log.messages());
            window.update(|window| *window = window.older(all));
        });
    };
    let fetch_newer = move || {
        let room = room.get_untracked();
        chat.messages.with_untracked(|logs| {
            let all = logs.room(&room).map_or(&[][..], |log| log.messages());
            window.update(|window| *window = window.newer(all));
        });
    };

    // Scrolling: whether the person is at the newest end, at once (before
    // any frame that might put rows in: they must not pull the list back
    // there); where they are reading, and whether to fetch, once a frame.
    let scheduled = StoredValue::new(false);
    let on_scroll = move |_| {
        if let Some(list) = scroller.get_untracked() {
            let newest = distances(&list, order.get_untracked()).0 <= NEAR;
            if newest != at_newest.get_untracked() {
                at_newest.set(newest);
            }
        }
        if scheduled.get_value() {
            return;
        }
        scheduled.set_value(true);
        request_animation_frame(move || {
            scheduled.set_value(false);
            let Some(list) = scroller.get_untracked() else {
                return;
            };
            let (to_newest, to_oldest) = distances(&list, order.get_untracked());
            anchor.set_value(capture(&list));
            if to_oldest <= FETCH_WITHIN {
                fetch_older();
            }
            if to_newest <= FETCH_WITHIN && !window.get_untracked().is_live() {
                fetch_newer();
            }
        });
    };
    Effect::new(move |_| {
        let following = at_newest.get() && window.get().is_live();
        if chat.following.get_untracked() != following {
            chat.following.set(following);
        }
    });

    // What is on screen is read: the page tells the server (see
    // `page::read_what_is_shown`).
    Effect::new(move |_| {
        let Some(newest) = sight.newest() else {
            return;
        };
        let room = room.get_untracked();
        let further = chat.seen.with_untracked(|seen| {
            seen.as_ref()
                .is_none_or(|(known, id)| *known != room || *id < newest)
        });
        if further {
            chat.seen.set(Some((room, newest)));
        }
    });

    // What came, by others, after what has been read, while the person
    // was elsewhere in the list.
    let unseen = Memo::new(move |_| {
        let room = room.get();
        if chat.following.get() {
            return 0;
        }
        let read = chat.rooms.with(|rooms| {
            rooms
                .iter()
                .find(|known| known.room == room)
                .map_or(0, |known| known.last_read)
        });
        chat.newer_by_others(&room, read)
    });
    let to_newest = move |_| {
        at_newest.set(true);
        window.set(Window::Live {
            count: window::FIRST,
        });
        if let Some(list) = scroller.get_untracked() {
            to_newest_end(&list, order.get_untracked());
        }
    };

    // Opened with something unread: its line in view.
    Effect::new(move |_| {
        let room = room.get();
        let placed = chat
            .new_since
            .with(|line| line.as_ref().is_some_and(|line| line.room == room));
        if !placed {
            return;
        }
        request_animation_frame(move || {
            let Some(list) = scroller.get_untracked() else {
                return;
            };
            let Some(line) = row_by_key(&list, "unread") else {
                return;
            };
            if !fits(&list, &line) {
                let block = match order.get_untracked() {
                    Order::NewestFirst => web_sys::ScrollLogicalPosition::End,
                    Order::NewestLast => web_sys::ScrollLogicalPosition::Start,
                };
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(block);
                line.scroll_into_view_with_scroll_into_view_options(&options);
                at_newest.set(false);
                anchor.set_value(capture(&list));
            }
        });
    });

    let empty =
        move || rows.with(|rows| rows.iter().all(|row| !matches!(row, Row::Message { .. })));
    // The messages are one Tab stop (a roving tabindex): the message last
    // focused while it is shown, else the list itself, which hands the
    // focus to the newest message.
    let focus = expect_context::<RowFocus>();
    let row_holds_tab = Memo::new(move |_| {
        let Some(active) = focus.active.get() else {
            return false;
        };
        rows.with(|rows| {
            rows.iter().any(|row| {
                matches!(row, Row::Message { item: Item::Delivered(shown), .. } if shown.message.id == active)
            })
        })
    });
    let enter_list = move |event: web_sys::FocusEvent| {
        let Some(list) = scroller.get_untracked() else {
            return;
        };
        if event.target() != event.current_target() || row_holds_tab.get_untracked() {
            return;
        }
        let rows = list.query_selector_all("li.message[data-id]").ok();
        let newest = rows.and_then(|rows| match order.get_untracked() {
            Order::NewestFirst => rows.item(0),
            Order::NewestLast => rows.item(rows.length().saturating_sub(1)),
        });
        if let Some(row) = newest.and_then(|row| row.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = row.focus();
        }
    };
    let loading = move || {
        chat.loading_older
            .with(|loading| loading.as_deref() == Some(room.get().as_str()))
    };
    view! {
        <div
            class="timeline"
            node_ref=scroller
            on:scroll=on_scroll
            on:focus=enter_list
            tabindex=move || if row_holds_tab.get() || empty() { "-1" } else { "0" }
            role="region"
            aria-label="Messages"
        >
            <Show when=move || loading() && order.get() == Order::NewestLast>
                <p class="loading-older" role="status">"Loading older messages…"</p>
            </Show>
            <ol class="messages" aria-labelledby="room-title">
                <For
                    each=move || rows.get()
                    key=Row::key
                    children=move |row| match row {
                        Row::Day { at, .. } => view! { <DayRow at/> }.into_any(),
                        Row::Unread => view! {
                            <li class="unread-line" data-key="unread">
                                <span>"New since you left"</span>
                            </li>
                        }
                        .into_any(),
                        Row::Beginning => view! {
                            <li class="beginning" data-key="beginning">
                                {move || format!("This is the beginning of {}.", chat.route.get().title())}
                            </li>
                        }
                        .into_any(),
                        Row::Message { item: Item::Delivered(shown), header } => {
                            view! { <MessageRow shown header/> }.into_any()
                        }
                        Row::Message { item: Item::Pending(entry), header } => {
                            view! { <PendingRow entry header/> }.into_any()
                        }
                    }
                />
            </ol>
            <Show when=empty>
                <p class="empty">"No messages yet. Say hello!"</p>
            </Show>
            <Show when=move || loading() && order.get() == Order::NewestFirst>
                <p class="loading-older" role="status">"Loading older messages…"</p>
            </Show>
        </div>
        <Show when=move || { unseen.get() > 0 }>
            <button
                type="button"
                class="new-messages-pill"
                class:at-top=move || order.get() == Order::NewestFirst
                on:click=to_newest
            >
                {move || match unseen.get() {
                    1 => "1 new message".to_owned(),
                    n => format!("{n} new messages"),
                }}
            </button>
        </Show>
    }
}
