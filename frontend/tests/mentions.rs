//! Mentions in the browser: a message that mentions you stands out and
//! badges its room apart from the unread count, and `@` in the message box
//! offers names to complete. Browser only: on native targets this file is
//! empty.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{all_texts, find, mount_with, tick};
use frontend::components::composer::Composer;
use frontend::components::room_list::RoomList;
use frontend::components::timeline::Timeline;
use frontend::state::ChatState;
use leptos::prelude::*;
use natter_shared::{ChatMessage, LOBBY, Notify, RoomInfo, RoomKind, ServerFrame, Welcome};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn room(key: &str, unread: u64, mentions: u64) -> RoomInfo {
    RoomInfo {
        room: key.into(),
        kind: RoomKind::Public,
        with: None,
        members: 2,
        last_read: 0,
        unread,
        mentions,
        newest_id: 10,
        newest_at: None,
        notify: Default::default(),
    }
}

/// Ada's welcome, in the lobby and #general (3 unread, 1 mention).
fn welcome_ada(chat: ChatState) {
    welcome_ada_to(chat, vec![room(LOBBY, 0, 0), room("general", 3, 1)]);
}

fn welcome_ada_to(chat: ChatState, rooms: Vec<RoomInfo>) {
    chat.apply(ServerFrame::Welcome(Welcome {
        connection_id: 1,
        name: "Ada".into(),
        server_time: 0,
        value: String::new(),
        token: None,
        rooms,
        frame_budget: None,
    }));
}

fn said(room: &str, id: u64, author: &str, value: &str) -> ServerFrame {
    ServerFrame::Message(ChatMessage {
        id,
        room: room.into(),
        value: value.into(),
        author: author.into(),
        timestamp: 1_700_000_000_000,
        nonce: None,
        edited: None,
    })
}

#[wasm_bindgen_test]
async fn a_mention_stands_out_and_badges_its_room_apart_from_unread() {
    let chat = ChatState::new(String::new());
    welcome_ada(chat);
    let list = mount_with(chat, || view! { <RoomList/> });
    let messages = mount_with(chat, || view! { <Timeline/> });
    tick().await;
    let general = "a.room-link[data-room='general']";
    assert_eq!(
        all_texts(&list, &format!("{general} .badge.mention")),
        ["@1"]
    );

    // Two more in #general while the lobby is shown: one mentions Ada.
    chat.apply(said("general", 11, "Bob", "hey @ada, look"));
    chat.apply(said("general", 12, "Bob", "@adam not you"));
    chat.apply(said(LOBBY, 13, "Bob", "@Ada in the lobby"));
    chat.apply(said(LOBBY, 14, "Bob", "no one"));
    tick().await;
    assert_eq!(
        all_texts(&list, &format!("{general} .badge:not(.mention)")),
        ["5"]
    );
    assert_eq!(
        all_texts(&list, &format!("{general} .badge.mention")),
        ["@2"]
    );
    assert!(
        find(&list, general)
            .text_content()
            .unwrap()
            .contains("2 mentioning you"),
        "screen readers hear it too"
    );
    assert_eq!(
        all_texts(&messages, "li.mention .text"),
        ["@Ada in the lobby"]
    );

    // Reading the room ends both.
    chat.read_up_to_newest("general");
    tick().await;
    assert!(all_texts(&list, &format!("{general} .badge")).is_empty());
}

fn key(input: &HtmlTextAreaElement, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

fn type_in(input: &HtmlTextAreaElement, text: &str) {
    input.set_value(text);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn an_at_offers_names_from_the_room_and_enter_takes_one() {
    let chat = ChatState::new(String::new());
    welcome_ada(chat);
    chat.apply(said(LOBBY, 1, "Bob", "hi"));
    chat.apply(said(LOBBY, 2, "Bea", "hello"));
    chat.apply(said(LOBBY, 3, "Carl", "hey"));
    chat.apply(said(LOBBY, 4, "Ada", "me"));
    let root = mount_with(chat, || view! { <Composer/> });
    tick().await;
    let input: HtmlTextAreaElement = find(&root, "#message-input").unchecked_into();
    assert_eq!(input.get_attribute("aria-expanded").unwrap(), "false");

    type_in(&input, "thanks @b");
    tick().await;
    let mut offered = all_texts(&root, "#mention-options li");
    offered.sort();
    assert_eq!(offered, ["@Bea", "@Bob"]);
    assert_eq!(input.get_attribute("aria-expanded").unwrap(), "true");
    type_in(&input, "thanks @");
    tick().await;
    assert!(
        !all_texts(&root, "#mention-options li").contains(&"@Ada".to_owned()),
        "never oneself"
    );

    type_in(&input, "thanks @b");
    tick().await;
    let first = all_texts(&root, "#mention-options li")[1].clone();
    key(&input, "ArrowDown");
    tick().await;
    assert_eq!(
        all_texts(&root, "#mention-options li[aria-selected=true]"),
        [first.as_str()]
    );
    key(&input, "Enter");
    tick().await;
    assert_eq!(input.value(), format!("thanks {first} "));
    assert!(all_texts(&root, "#mention-options li").is_empty());
    assert!(
        chat.outbox.with_untracked(Vec::is_empty),
        "Enter took the name; it did not send"
    );
}

#[wasm_bindgen_test]
fn a_hidden_tab_is_told_of_what_each_rooms_setting_asks_for() {
    let chat = ChatState::new(String::new());
    let mut quiet_lobby = room(LOBBY, 0, 0);
    quiet_lobby.notify = Notify::Nothing;
    let mut direct = room("dm:1:2", 0, 0);
    direct.kind = RoomKind::Direct;
    direct.with = Some("Bob".into());
    direct.notify = Notify::All;
    welcome_ada_to(chat, vec![quiet_lobby, room("general", 0, 0), direct]);
    let told = || {
        chat.alert
            .get_untracked()
            .map(|alert| (alert.room, alert.text, alert.mention))
    };

    // In view, nothing is worth a notification.
    chat.apply(said("general", 11, "Bob", "@Ada while you look"));
    assert_eq!(told(), None);

    chat.visible.set(false);
    chat.apply(said("general", 12, "Bob", "just chatting"));
    assert_eq!(told(), None, "general tells of mentions only");
    chat.apply(said("general", 13, "Bob", "@Ada are you there?"));
    assert_eq!(
        told(),
        Some(("general".into(), "@Ada are you there?".into(), true))
    );
    chat.apply(said("dm:1:2", 14, "Bob", "psst"));
    assert_eq!(
        told(),
        Some(("dm:1:2".into(), "psst".into(), false)),
        "a DM tells of everything"
    );
    chat.apply(said(LOBBY, 15, "Bob", "@Ada in the lobby"));
    assert_eq!(told().unwrap().0, "dm:1:2", "the lobby is set to nothing");
    // Her own message, and a replayed one she had, tell of nothing.
    chat.apply(ServerFrame::Message(ChatMessage {
        nonce: Some("n".into()),
        ..match said("general", 16, "Ada", "@Ada note") {
            ServerFrame::Message(message) => message,
            _ => unreachable!(),
        }
    }));
    chat.apply(said("general", 13, "Bob", "@Ada are you there?"));
    assert_eq!(told().unwrap().0, "dm:1:2");
}

#[wasm_bindgen_test]
async fn the_room_menu_keeps_the_focus_while_the_room_changes() {
    let chat = ChatState::new(String::new());
    chat.account.set(Some("Ada".into()));
    let root = mount_with(chat, || {
        view! { <frontend::components::room_header::RoomHeader/> }
    });
    welcome_ada(chat);
    tick().await;
    find(&root, "button.room-menu-button")
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    tick().await;
    let all = find(&root, "#room-menu input[name='notify'][value='all']")
        .unchecked_into::<web_sys::HtmlInputElement>();
    all.focus().unwrap();
    // A message comes (the room's counts change) and the setting is
    // chosen on another tab (the room comes again, as `joined`).
    chat.apply(said(LOBBY, 11, "Bob", "hello"));
    chat.apply(ServerFrame::Joined(RoomInfo {
        notify: Notify::All,
        newest_id: 11,
        ..room(LOBBY, 0, 0)
    }));
    tick().await;
    let focused = common::focused();
    assert!(
        focused.is_same_node(Some(&all)),
        "the focus stayed on the same choice"
    );
    assert!(all.checked(), "the choice follows the setting");
}
