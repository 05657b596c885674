//! The message list in a real browser: grouped under names, parted by
//! days, the unread line between read and new, either way up, a bounded
//! number of elements however long the room, and a message read only once
//! it has been on screen. Browser only.
#![cfg(target_arch = "wasm32")]

use frontend::components::timeline::Timeline;
use frontend::preferences::Prefs;
use frontend::state::ChatState;
use frontend::timeline::window;
use leptos::prelude::*;
use natter_shared::api::MessageOrder;
use natter_shared::{ChatMessage, LOBBY, RoomInfo, RoomKind, ServerFrame, Welcome};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{all_texts, mount_with, tick};

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

/// Now, less a few minutes, so "Today" holds whatever the test writes.
fn today() -> i64 {
    js_sys::Date::now() as i64 - 30 * MINUTE
}

fn lobby_info(last_read: u64, newest_id: u64, unread: u64) -> RoomInfo {
    RoomInfo {
        room: LOBBY.to_owned(),
        kind: RoomKind::Public,
        with: None,
        members: 2,
        last_read,
        newest_id,
        unread,
        mentions: 0,
        newest_at: None,
        notify: natter_shared::Notify::Mentions,
    }
}

fn welcome(rooms: Vec<RoomInfo>) -> ServerFrame {
    ServerFrame::Welcome(Welcome {
        connection_id: 1,
        name: "me".into(),
        server_time: 0,
        value: String::new(),
        token: None,
        rooms,
        frame_budget: None,
    })
}

fn message(id: u64, author: &str, at: i64) -> ServerFrame {
    ServerFrame::Message(ChatMessage {
        id,
        room: LOBBY.to_owned(),
        value: format!("message {id}"),
        author: author.into(),
        timestamp: at,
        nonce: None,
        edited: None,
    })
}

/// The rows as short words, top to bottom: `day`, `new`, `ada:3` for a
/// message under its author's name, `:4` for one grouped under the last.
fn sketch(root: &Element) -> Vec<String> {
    let rows = root.query_selector_all("ol.messages > li").unwrap();
    (0..rows.length())
        .map(|at| {
            let row: Element = rows.item(at).unwrap().unchecked_into();
            let class = row.class_name();
            if class.contains("day") {
                "day".to_owned()
            } else if class.contains("unread-line") {
                "new".to_owned()
            } else if class.contains("beginning") {
                "start".to_owned()
            } else {
                let id = row.get_attribute("data-id").unwrap_or_default();
                let author = row
                    .query_selector(".meta .author")
                    .unwrap()
                    .map(|name| name.text_content().unwrap_or_default())
                    .unwrap_or_default();
                format!("{author}:{id}")
            }
        })
        .collect()
}

/// A list mounted with `chat`, its scrolling area `height` pixels tall.
async fn list(chat: ChatState, height: u32) -> Element {
    list_with(chat, height, false).await
}

/// [`list`], with the page's behaviours running (reading what is shown,
/// among them) when `page` is true.
async fn list_with(chat: ChatState, height: u32, page: bool) -> Element {
    let root = mount_with(chat, move || {
        if page {
            frontend::page::start(
                chat,
                expect_context::<frontend::socket::Socket>(),
                expect_context::<frontend::ui::Ui>(),
                expect_context::<Prefs>(),
            );
        }
        view! { <Timeline/> }
    });
    tick().await;
    let area: HtmlElement = root
        .query_selector(".timeline")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let style = area.style();
    style
        .set_property("height", &format!("{height}px"))
        .unwrap();
    style.set_property("overflow-y", "auto").unwrap();
    // Earlier tests' lists stay in the page: bring this one into view, as
    // the page's own list always is.
    root.scroll_into_view();
    root.unchecked_into()
}

#[wasm_bindgen_test]
async fn messages_are_grouped_under_names_and_parted_by_days() {
    let chat = ChatState::new("me".into());
    chat.apply(welcome(vec![lobby_info(0, 0, 0)]));
    let root = list(chat, 2000).await;
    let now = today();
    chat.apply(message(1, "ada", now - 2 * DAY));
    chat.apply(message(2, "ada", now));
    chat.apply(message(3, "ada", now + MINUTE));
    chat.apply(message(4, "bob", now + 2 * MINUTE));
    tick().await;
    // Newest first: the header tops each group as it reads.
    assert_eq!(
        sketch(&root),
        ["day", "bob:4", "ada:3", ":2", "day", "ada:1"]
    );
    assert_eq!(all_texts(&root, ".day h3")[0], "Today");
    // Each message's full date and time is there for screen readers, and
    // on hover.
    let time = root
        .query_selector(".message[data-id='4'] .meta time")
        .unwrap()
        .unwrap();
    assert!(time.get_attribute("title").unwrap().len() > 10);
    assert!(time.get_attribute("datetime").unwrap().contains('T'));
}

#[wasm_bindgen_test]
async fn newest_at_the_bottom_reads_the_other_way() {
    let chat = ChatState::new("me".into());
    chat.apply(welcome(vec![lobby_info(0, 0, 0)]));
    // As Settings sets it.
    let root = mount_with(chat, || {
        expect_context::<Prefs>()
            .current
            .update(|current| current.order = MessageOrder::NewestLast);
        view! { <Timeline/> }
    });
    let now = today();
    for (id, author) in [(1, "ada"), (2, "ada"), (3, "bob")] {
        chat.apply(message(id, author, now + id as i64 * MINUTE));
    }
    tick().await;
    assert_eq!(sketch(&root), ["day", "ada:1", ":2", "bob:3"]);
}

#[wasm_bindgen_test]
async fn the_unread_line_sits_between_what_was_read_and_what_is_new() {
    let chat = ChatState::new("me".into());
    let now = today();
    chat.apply(welcome(vec![lobby_info(2, 4, 2)]));
    for (id, author) in [(1, "ada"), (2, "ada"), (3, "ada"), (4, "bob")] {
        chat.apply(message(id, author, now + id as i64 * MINUTE));
    }
    chat.new_since.set(Some(frontend::new_since::NewSince {
        room: LOBBY.into(),
        after: 2,
        upto: 4,
    }));
    let root = list(chat, 2000).await;
    tick().await;
    assert_eq!(
        sketch(&root),
        ["day", "bob:4", "ada:3", "new", "ada:2", ":1"]
    );
}

#[wasm_bindgen_test]
async fn the_page_holds_a_bounded_number_of_messages() {
    let chat = ChatState::new("me".into());
    chat.apply(welcome(vec![lobby_info(0, 0, 0)]));
    let root = list(chat, 400).await;
    let now = today();
    for id in 1..=3000 {
        chat.apply(message(
            id,
            if id % 3 == 0 { "bob" } else { "ada" },
            now + id as i64,
        ));
    }
    tick().await;
    let rows = root
        .query_selector_all("ol.messages > li.message")
        .unwrap()
        .length() as usize;
    assert!(rows <= window::MOST, "{rows} messages in the page");
    // The newest is there, at the top.
    let first = root
        .query_selector("ol.messages > li.message")
        .unwrap()
        .unwrap();
    assert_eq!(first.get_attribute("data-id").as_deref(), Some("3000"));
}

#[wasm_bindgen_test]
async fn a_message_is_read_once_it_has_been_on_screen() {
    <gloo_storage::LocalStorage as gloo_storage::Storage>::clear();
    let chat = ChatState::new("me".into());
    chat.apply(welcome(vec![lobby_info(0, 0, 0)]));
    let root = list_with(chat, 150, true).await;
    let now = today();
    for id in 1..=30 {
        chat.apply(message(id, "ada", now + id as i64));
    }
    // Let the browser lay the list out and report what it shows.
    for _ in 0..20 {
        common::next_frame().await;
    }
    root.scroll_into_view();
    for _ in 0..5 {
        common::next_frame().await;
    }
    // Newest first, at the top: the newest is on screen, so read.
    assert_eq!(chat.seen.get_untracked().map(|(_, id)| id), Some(30));
    let area: HtmlElement = root
        .query_selector(".timeline")
        .unwrap()
        .unwrap()
        .unchecked_into();
    // Scrolled down to older ones, a new message arriving is not on
    // screen: it is not read, and the pill says so.
    area.set_scroll_top(area.scroll_height());
    for _ in 0..10 {
        common::next_frame().await;
    }
    chat.apply(message(31, "bob", now + 31));
    for _ in 0..10 {
        common::next_frame().await;
    }
    assert_eq!(chat.unread_in(LOBBY), 1, "off screen, so unread");
    assert_eq!(
        all_texts(&root, ".new-messages-pill"),
        ["1 new message"],
        "the pill counts it"
    );
    // The pill takes the reader there, and then it is read.
    let pill: HtmlElement = root
        .query_selector(".new-messages-pill")
        .unwrap()
        .unwrap()
        .unchecked_into();
    pill.click();
    for _ in 0..20 {
        common::next_frame().await;
    }
    assert_eq!(chat.seen.get_untracked().map(|(_, id)| id), Some(31));
    assert_eq!(area.scroll_top(), 0);
}
