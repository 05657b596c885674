//! Editing and deleting messages in the browser: changes from the server
//! change what is shown, and our own messages' controls queue changes like
//! messages. Browser only: on native targets this file is empty.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{all_texts, find, message, mount_with, tick};
use frontend::components::message_actions::DeleteDialog;
use frontend::components::timeline::Timeline;
use frontend::outbox::Change;
use frontend::state::ChatState;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use natter_shared::{
    AckParams, ErrorCode, LOBBY, MessageDeleted, MessageEdited, RoomInfo, RoomKind, ServerFrame,
    Welcome,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn edited(id: u64, target: u64, value: &str, nonce: Option<&str>) -> ServerFrame {
    ServerFrame::Edited(MessageEdited {
        id,
        room: LOBBY.into(),
        target,
        value: value.into(),
        author: "me".into(),
        timestamp: 1_700_000_100_000,
        nonce: nonce.map(str::to_owned),
    })
}

fn deleted(id: u64, target: u64) -> ServerFrame {
    ServerFrame::Deleted(MessageDeleted {
        id,
        room: LOBBY.into(),
        target,
        author: "bob".into(),
        value: MessageDeleted::line("bob"),
        timestamp: 1_700_000_100_000,
        nonce: None,
    })
}

fn click(root: &web_sys::Element, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
}

#[wasm_bindgen_test]
async fn an_edit_changes_the_text_shown_and_says_so_and_moves_the_cursor() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Timeline/><DeleteDialog/> });
    chat.apply(message(1, "bob", "helo", None));
    chat.apply(message(2, "ada", "hi", None));
    tick().await;
    chat.apply(edited(3, 1, "hello", None));
    tick().await;
    assert_eq!(all_texts(&root, "li.message .text"), ["hi", "hello"]);
    assert_eq!(all_texts(&root, "li[data-id='1'] .edited"), ["(edited)"]);
    assert!(all_texts(&root, "li[data-id='2'] .edited").is_empty());
    assert_eq!(
        chat.resume_after(),
        Some(3),
        "a resume continues after the change"
    );
    // The same change again (a replay) changes nothing.
    chat.apply(edited(3, 1, "stale", None));
    tick().await;
    assert_eq!(all_texts(&root, "li.message .text"), ["hi", "hello"]);
}

#[wasm_bindgen_test]
async fn a_deleted_message_leaves_the_list_and_its_unread_count() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Timeline/><DeleteDialog/> });
    let lobby = RoomInfo {
        room: LOBBY.into(),
        kind: RoomKind::Public,
        with: None,
        members: 2,
        last_read: 0,
        unread: 0,
        mentions: 0,
        newest_id: 0,
        newest_at: None,
        notify: Default::default(),
    };
    chat.apply(ServerFrame::Welcome(Welcome {
        connection_id: 1,
        name: "ada".into(),
        server_time: 0,
        value: String::new(),
        token: None,
        rooms: vec![lobby],
        frame_budget: None,
    }));
    // Away from the tab: Bob's two messages are unread.
    chat.visible.set(false);
    chat.apply(message(1, "bob", "oops", None));
    chat.apply(message(2, "bob", "meant this", None));
    tick().await;
    assert_eq!(chat.total_unread(), 2);
    chat.apply(deleted(3, 1));
    tick().await;
    assert_eq!(all_texts(&root, "li.message .text"), ["meant this"]);
    assert_eq!(chat.total_unread(), 1);
    assert_eq!(chat.resume_after(), Some(3));
}

#[wasm_bindgen_test]
async fn our_message_is_edited_through_its_controls_and_the_outbox() {
    LocalStorage::clear();
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Timeline/><DeleteDialog/> });
    chat.apply(message(1, "me", "helo", Some("m-1")));
    chat.apply(message(2, "bob", "hi", None));
    tick().await;
    assert!(
        all_texts(&root, "li[data-id='2'] .message-actions button").is_empty(),
        "only our own messages can be changed"
    );
    click(&root, "li[data-id='1'] button.edit");
    tick().await;
    let field = find(&root, "li[data-id='1'] textarea");
    assert_eq!(
        document().active_element().as_ref(),
        Some(&field),
        "the field takes the focus"
    );
    let field = field.unchecked_into::<web_sys::HtmlTextAreaElement>();
    field.set_value("hello");
    field
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    click(&root, "li[data-id='1'] form.edit-form button[type=submit]");
    tick().await;

    // Waiting in the outbox (so a reload keeps it), and shown at once.
    let waiting = chat.awaiting_send();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].change, Some(Change::Edit(1)));
    assert_eq!(waiting[0].value, "hello");
    let item = find(&root, "li[data-id='1']");
    assert_eq!(item.get_attribute("data-state").unwrap(), "saving");
    assert_eq!(all_texts(&root, "li[data-id='1'] .text"), ["hello"]);
    assert!(
        root.query_selector("li.pending").unwrap().is_none(),
        "a change is not a new message"
    );

    let nonce = waiting[0].nonce.clone();
    chat.apply(ServerFrame::Ack(AckParams {
        nonce: nonce.clone(),
        id: 3,
    }));
    chat.apply(edited(3, 1, "hello", Some(&nonce)));
    tick().await;
    assert!(chat.outbox.with_untracked(Vec::is_empty));
    let item = find(&root, "li[data-id='1']");
    assert_eq!(item.get_attribute("data-state"), None, "nothing waits");
    assert_eq!(all_texts(&root, "li[data-id='1'] .edited"), ["(edited)"]);
    LocalStorage::clear();
}

#[wasm_bindgen_test]
async fn a_delete_asks_first_and_a_refused_change_says_why() {
    LocalStorage::clear();
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Timeline/><DeleteDialog/> });
    chat.apply(message(1, "me", "old news", Some("m-1")));
    tick().await;
    click(&root, "li[data-id='1'] button.delete");
    tick().await;
    assert!(
        chat.awaiting_send().is_empty(),
        "nothing before the person confirms"
    );
    assert_eq!(
        all_texts(&root, "dialog.confirm .preview"),
        ["old news"],
        "it asks about this message"
    );
    click(&root, "dialog.confirm button.confirm-delete");
    tick().await;
    let waiting = chat.awaiting_send();
    assert_eq!(waiting[0].change, Some(Change::Delete(1)));
    let item = find(&root, "li[data-id='1']");
    assert_eq!(item.get_attribute("data-state").unwrap(), "deleting");

    chat.apply(ServerFrame::error_about(
        ErrorCode::EditWindowClosed,
        "message not changed: that message is too old to change",
        Some(waiting[0].nonce.clone()),
    ));
    tick().await;
    assert!(
        chat.outbox.with_untracked(Vec::is_empty),
        "it will not succeed later"
    );
    assert_eq!(all_texts(&root, "li.message .text"), ["old news"]);
    let notice = chat.notice.get_untracked().expect("the reason is shown");
    assert_eq!(notice.code, "edit_window_closed");
    LocalStorage::clear();
}

#[wasm_bindgen_test]
async fn the_messages_are_one_tab_stop_that_starts_at_the_newest() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Timeline/><DeleteDialog/> });
    let list = find(&root, ".timeline");
    assert_eq!(
        list.get_attribute("tabindex").as_deref(),
        Some("-1"),
        "an empty list is no Tab stop"
    );
    chat.apply(message(1, "bob", "older", None));
    chat.apply(message(2, "bob", "newest", None));
    tick().await;
    // Nothing focused yet: the list is the stop, and entering it goes to
    // the newest message (the top one, newest first by default).
    assert_eq!(list.get_attribute("tabindex").as_deref(), Some("0"));
    list.unchecked_ref::<HtmlElement>().focus().unwrap();
    tick().await;
    let focused = common::focused();
    assert_eq!(focused.get_attribute("data-id").as_deref(), Some("2"));
    // From then on that message is the one stop, and the list is not.
    assert_eq!(list.get_attribute("tabindex").as_deref(), Some("-1"));
    let stops: Vec<String> = (0..root.query_selector_all("[tabindex='0']").unwrap().length())
        .filter_map(|at| root.query_selector_all("[tabindex='0']").unwrap().item(at))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .filter_map(|element| element.get_attribute("data-id"))
        .collect();
    assert_eq!(stops, ["2"]);
    // Gone from the list (deleted), it hands the stop back to the list.
    chat.apply(deleted(3, 2));
    tick().await;
    assert_eq!(list.get_attribute("tabindex").as_deref(), Some("0"));
}
