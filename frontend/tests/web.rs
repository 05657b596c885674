//! The components in a real headless Chromium: they render, follow the state,
//! and never turn message text into markup. Browser only: on native targets
//! this file is empty.
#![cfg(target_arch = "wasm32")]

use frontend::App;
use frontend::components::connection_banner::ConnectionBanner;
use frontend::components::notice::Notice;
use frontend::components::sign_in::SignInCard;
use frontend::components::timeline::Timeline;
use frontend::model::ConnectionStatus;
use frontend::preferences::Prefs;
use frontend::socket::{Query, Socket, ws_url};
use frontend::state::ChatState;
use frontend::ui::Ui;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use natter_shared::{
    AckParams, ChatMessage, ErrorCode, HistoryPage, LOBBY, RoomInfo, RoomKind, ServerFrame, Welcome,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{all_texts, find, message, mount_with, test_root, tick};

#[wasm_bindgen_test]
async fn the_app_renders_its_parts() {
    let root = test_root();
    std::mem::forget(leptos::mount::mount_to(root.clone(), App));
    tick().await;
    assert_eq!(find(&root, "h1").text_content().unwrap(), "Natter");
    find(&root, "form.composer textarea#message-input");
    find(&root, "form.composer button[type=submit]");
    find(&root, "ol.messages");
    find(&root, "a.skip-link[href='#message-input']");
    let state = find(&root, ".status").get_attribute("data-state").unwrap();
    assert!(
        ["connecting", "closed"].contains(&state.as_str()),
        "{state}"
    );
}

#[wasm_bindgen_test]
async fn incoming_messages_are_prepended_newest_first() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Timeline/> });
    tick().await;
    assert_eq!(all_texts(&root, ".empty"), ["No messages yet. Say hello!"]);

    chat.apply(message(1, "ada", "first", None));
    chat.apply(message(2, "bob", "second", None));
    chat.apply(message(3, "ada", "third", None));
    tick().await;

    assert_eq!(
        all_texts(&root, "li.message .text"),
        ["third", "second", "first"]
    );
    assert_eq!(
        all_texts(&root, "li.message .author"),
        ["ada", "bob", "ada"]
    );
    assert!(root.query_selector(".empty").unwrap().is_none());
    let ids: Vec<String> = (0..3)
        .map(|n| {
            root.query_selector_all("li.message")
                .unwrap()
                .item(n)
                .unwrap()
                .unchecked_into::<Element>()
                .get_attribute("data-id")
                .unwrap()
        })
        .collect();
    assert_eq!(ids, ["3", "2", "1"]);
}

#[wasm_bindgen_test]
async fn own_messages_are_marked_as_ours() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Timeline/> });
    // The server puts a nonce only on copies for the message's author.
    chat.apply(message(1, "me", "from me", Some("mine-1")));
    chat.apply(message(2, "other", "from someone else", None));
    tick().await;
    assert_eq!(all_texts(&root, "li.message.own .text"), ["from me"]);
    assert_eq!(
        all_texts(&root, "li.message:not(.own) .text"),
        ["from someone else"]
    );
    // Delivered, it says nothing of its state: only a message on its way does.
    assert!(
        find(&root, "li.message.own")
            .get_attribute("data-state")
            .is_none()
    );
}

#[wasm_bindgen_test]
async fn repeated_and_older_ids_are_not_shown_twice() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Timeline/> });
    for id in [1, 2, 2, 1, 3] {
        chat.apply(message(id, "ada", &format!("m{id}"), None));
    }
    tick().await;
    assert_eq!(all_texts(&root, "li.message .text"), ["m3", "m2", "m1"]);
}

#[wasm_bindgen_test]
fn a_page_welcomed_into_an_empty_room_resumes_from_the_start() {
    let chat = ChatState::new(String::new());
    // Never welcomed: the first connection starts from the latest page.
    assert_eq!(chat.resume_after(), None);
    chat.apply(ServerFrame::Welcome(Welcome {
        connection_id: 1,
        name: "ada".to_owned(),
        server_time: 0,
        value: "Connected to Natter".to_owned(),
        token: None,
        rooms: Vec::new(),
        frame_budget: None,
    }));
    // Welcomed, nothing shown: a reconnect must ask for everything, or what
    // was written while the page was away would be cut to the latest page.
    assert_eq!(chat.resume_after(), Some(0));
    chat.apply(message(7, "bob", "hi", None));
    assert_eq!(chat.resume_after(), Some(7));
}

#[wasm_bindgen_test]
fn a_guest_keeps_the_token_it_was_given_across_reloads() {
    LocalStorage::clear();
    let chat = ChatState::new(String::new());
    assert_eq!(chat.guest_token.get_untracked(), None);
    chat.apply(ServerFrame::Welcome(Welcome {
        connection_id: 1,
        name: "guest-1a2b".to_owned(),
        server_time: 0,
        value: "Connected to Natter".to_owned(),
        token: Some("g_token".to_owned()),
        rooms: Vec::new(),
        frame_budget: None,
    }));
    assert_eq!(chat.guest_token.get_untracked().as_deref(), Some("g_token"));
    // A reload (a new state from storage) presents the same token.
    let reloaded = ChatState::new(String::new());
    assert_eq!(
        reloaded.guest_token.get_untracked().as_deref(),
        Some("g_token")
    );
    LocalStorage::clear();
}

#[wasm_bindgen_test]
async fn older_pages_are_appended_at_the_end() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Timeline/> });
    chat.apply(message(10, "ada", "m10", None));
    chat.apply(message(11, "ada", "m11", None));
    chat.apply(ServerFrame::History(HistoryPage {
        room: natter_shared::lobby(),
        before: Some(10),
        messages: vec![
            ChatMessage {
                id: 8,
                room: natter_shared::lobby(),
                value: "m8".into(),
                author: "bob".into(),
                timestamp: 1,
                nonce: None,
                edited: None,
            },
            ChatMessage {
                id: 9,
                room: natter_shared::lobby(),
                value: "m9".into(),
                author: "bob".into(),
                timestamp: 2,
                nonce: None,
                edited: None,
            },
        ],
        complete: true,
    }));
    tick().await;
    assert_eq!(
        all_texts(&root, "li.message .text"),
        ["m11", "m10", "m9", "m8"]
    );
    assert!(untrack(|| chat.is_complete(LOBBY)));
}

#[wasm_bindgen_test]
async fn the_outbox_survives_a_remount_from_local_storage() {
    LocalStorage::clear();
    let chat = ChatState::new(String::new());
    let entry = chat.queue(LOBBY, "written offline".into());

    // A new page load: fresh state, read back from localStorage.
    let restored = ChatState::new(String::new());
    assert_eq!(restored.awaiting_send(), [entry]);
    let root = mount_with(restored, || view! { <Timeline/> });
    tick().await;
    assert_eq!(
        all_texts(&root, "li.pending[data-state=pending] .text"),
        ["written offline"]
    );
    LocalStorage::clear();
}

#[wasm_bindgen_test]
async fn signing_out_leaves_nothing_of_the_account_to_send_or_find() {
    LocalStorage::clear();
    let chat = ChatState::new(String::new());
    chat.signed_in(natter_shared::api::SignedIn {
        name: "ada".into(),
        token: None,
        preferences: Default::default(),
    });
    chat.queue(LOBBY, "not sent before logging out".into());
    chat.keep_draft(LOBBY, "half a thought");
    frontend::storage::save_route("room/plans");
    chat.signed_out();
    // Sent after, it would go out under the guest's name; the next person
    // on this browser would find the draft and the room.
    assert!(chat.awaiting_send().is_empty());
    assert_eq!(chat.draft_of(LOBBY), "");
    let restored = ChatState::new(String::new());
    assert!(restored.awaiting_send().is_empty(), "not in storage either");
    assert_eq!(restored.draft_of(LOBBY), "");
    assert_eq!(frontend::storage::saved_route(), None);
    LocalStorage::clear();
}

#[wasm_bindgen_test]
async fn an_outbox_entry_goes_pending_then_sent_then_delivered() {
    LocalStorage::clear();
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Timeline/> });
    let entry = chat.queue(LOBBY, "hello".into());
    tick().await;
    let item = find(&root, &format!("li[data-nonce='{}']", entry.nonce));
    assert_eq!(item.get_attribute("data-state").unwrap(), "pending");

    chat.apply(ServerFrame::Ack(AckParams {
        nonce: entry.nonce.clone(),
        id: 7,
    }));
    tick().await;
    let item = find(&root, &format!("li[data-nonce='{}']", entry.nonce));
    assert_eq!(item.get_attribute("data-state").unwrap(), "sent");
    assert!(
        chat.awaiting_send().is_empty(),
        "an acked message is not resent"
    );
    assert_eq!(
        LocalStorage::raw()
            .get_item("natter.outbox")
            .unwrap()
            .as_deref(),
        Some("[]")
    );

    // The server's copy replaces the outbox entry: shown once, delivered.
    chat.apply(message(7, "me", "hello", Some(&entry.nonce)));
    tick().await;
    assert!(root.query_selector("li.pending").unwrap().is_none());
    assert_eq!(
        all_texts(&root, "li.message.own[data-id='7'] .text"),
        ["hello"]
    );
    LocalStorage::clear();
}

#[wasm_bindgen_test]
async fn a_refused_message_shows_the_reason_and_can_be_retried() {
    LocalStorage::clear();
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Timeline/> });
    let entry = chat.queue(LOBBY, "doomed".into());
    // A refusal retrying cannot fix (the socket keeps "later" ones, such as
    // rate_limited, pending and sends them again by itself).
    chat.apply(ServerFrame::error_about(
        ErrorCode::NotAMember,
        "message not sent: you are not in that room",
        Some(entry.nonce.clone()),
    ));
    tick().await;
    let item = find(&root, "li.pending");
    assert_eq!(item.get_attribute("data-state").unwrap(), "failed");
    assert!(
        item.text_content()
            .unwrap()
            .contains("Not sent: You are no longer in that room."),
        "in words: {:?}",
        item.text_content()
    );
    find(&root, "li.pending button.retry");
    assert!(
        chat.awaiting_send().is_empty(),
        "a failed message waits for the person"
    );
    assert_eq!(
        chat.retry(&entry.nonce).map(|e| e.value),
        Some("doomed".into())
    );
    assert_eq!(chat.awaiting_send().len(), 1);
    LocalStorage::clear();
}

#[wasm_bindgen_test]
async fn markup_in_messages_shows_as_literal_text() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Timeline/> });
    let hostile = [
        "<script>window.__natter_xss = 1</script>",
        "<img src=x onerror=\"window.__natter_xss = 2\">",
        "<a href=\"javascript:window.__natter_xss = 3\">click</a>",
    ];
    for (n, text) in hostile.iter().enumerate() {
        chat.apply(message(n as u64 + 1, "mallory", text, None));
    }
    tick().await;
    let mut shown = all_texts(&root, "li.message .text");
    shown.reverse();
    assert_eq!(shown, hostile);
    let list = find(&root, "ol.messages");
    for tag in ["script", "img", "a"] {
        assert!(
            list.query_selector(tag).unwrap().is_none(),
            "a <{tag}> element was created"
        );
    }
    let flag = js_sys::Reflect::get(&window(), &"__natter_xss".into()).unwrap();
    assert!(flag.is_undefined(), "hostile code ran");
}

#[wasm_bindgen_test]
async fn the_status_says_where_the_connection_stands_in_plain_words() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <ConnectionBanner/> });
    let status = find(&root, ".status");
    let label = find(&root, ".status .label");
    let cases = [
        (
            ConnectionStatus::Connecting { attempt: 1 },
            "connecting",
            "Connecting…",
        ),
        (ConnectionStatus::Open, "open", "Connected"),
        (ConnectionStatus::Closing, "closing", "Reconnecting…"),
        (
            ConnectionStatus::Closed {
                code: 1006,
                clean: false,
                reason: String::new(),
                retry_in_secs: Some(4),
            },
            "closed",
            "Connection lost. Reconnecting in 4 s…",
        ),
        (
            ConnectionStatus::Connecting { attempt: 2 },
            "connecting",
            "Still trying to connect…",
        ),
        (
            ConnectionStatus::SignInNeeded,
            "signed-out",
            "Sign in to chat.",
        ),
    ];
    for (state, name, text) in cases {
        chat.status.set(state);
        tick().await;
        assert_eq!(status.get_attribute("data-state").unwrap(), name);
        assert_eq!(label.text_content().unwrap(), text);
    }
    // Connected, it is there for screen readers only.
    chat.status.set(ConnectionStatus::Open);
    tick().await;
    assert!(status.class_list().contains("visually-hidden"));
    // Without a network, it says so, and that nothing typed is lost.
    chat.status.set(ConnectionStatus::Connecting { attempt: 3 });
    chat.offline.set(true);
    tick().await;
    assert_eq!(
        label.text_content().unwrap(),
        "Offline: your messages will be sent when you're back."
    );
}

#[wasm_bindgen_test]
async fn server_errors_are_shown_near_the_form_until_dismissed() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Notice/> });
    chat.apply(ServerFrame::error(
        ErrorCode::MessageTooLong,
        "message not sent: too long",
    ));
    tick().await;
    let notice = find(&root, ".notice");
    assert_eq!(
        notice.get_attribute("data-code").unwrap(),
        "message_too_long"
    );
    assert_eq!(
        find(&root, ".notice-text").text_content().unwrap(),
        "It is longer than this server allows.",
        "in words, from the code"
    );
    find(&root, ".notice .dismiss")
        .unchecked_into::<HtmlElement>()
        .click();
    tick().await;
    assert!(root.query_selector(".notice").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_message_typed_while_disconnected_waits_in_the_outbox() {
    LocalStorage::clear();
    let root = test_root();
    std::mem::forget(leptos::mount::mount_to(root.clone(), App));
    tick().await;
    // The test page's server has no /ws, so this client is never connected.
    let input: HtmlTextAreaElement = find(&root, "#message-input").unchecked_into();
    input.set_value("hello?");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    find(&root, "form.composer button")
        .unchecked_into::<HtmlElement>()
        .click();
    tick().await;
    assert_eq!(input.value(), "", "the outbox holds it now");
    assert_eq!(
        all_texts(&root, "li.pending[data-state=pending] .text"),
        ["hello?"]
    );
    let saved = LocalStorage::raw()
        .get_item("natter.outbox")
        .unwrap()
        .unwrap();
    assert!(saved.contains("hello?"), "{saved}");
    LocalStorage::clear();
}

#[wasm_bindgen_test]
fn the_socket_url_follows_the_page() {
    let plain = Query::default();
    assert_eq!(
        ws_url("http://localhost:3000/", plain).unwrap(),
        "ws://localhost:3000/ws?presence=1"
    );
    assert_eq!(
        ws_url("https://chat.example/some/page?x=1#top", plain).unwrap(),
        "wss://chat.example/ws?presence=1"
    );
    let named = Query {
        name: "Zoë & co",
        ..plain
    };
    assert_eq!(
        ws_url("http://127.0.0.1:8080/", named).unwrap(),
        "ws://127.0.0.1:8080/ws?presence=1&name=Zo%C3%AB+%26+co"
    );
    let returning = Query {
        name: "ada",
        since: Some(42),
        guest_token: Some("g_abc-_"),
    };
    assert_eq!(
        ws_url("http://127.0.0.1:8080/", returning).unwrap(),
        "ws://127.0.0.1:8080/ws?presence=1&name=ada&since=42&token=g_abc-_"
    );
}

#[wasm_bindgen_test]
async fn sign_up_checks_the_rules_before_asking_the_server() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <SignInCard/> });
    tick().await;
    for (field, value) in [("#account-name", "ada"), ("#account-password", "short")] {
        let input: HtmlInputElement = find(&root, field).unchecked_into();
        input.set_value(value);
        input
            .dispatch_event(&web_sys::Event::new("input").unwrap())
            .unwrap();
    }
    find(&root, "button.sign-up")
        .unchecked_into::<HtmlElement>()
        .click();
    tick().await;
    assert_eq!(
        all_texts(&root, "#account-password-problem"),
        ["Choose a longer password: at least 8 characters."],
        "next to its field, in words"
    );
    assert_eq!(
        find(&root, "#account-password")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
}

fn room(key: &str, kind: RoomKind, with: Option<&str>, unread: u64, newest_id: u64) -> RoomInfo {
    RoomInfo {
        room: key.to_owned(),
        kind,
        with: with.map(str::to_owned),
        members: 2,
        last_read: 0,
        unread,
        mentions: 0,
        newest_id,
        newest_at: None,
        notify: Default::default(),
    }
}

fn message_in(room: &str, id: u64, author: &str, value: &str) -> ServerFrame {
    ServerFrame::Message(ChatMessage {
        id,
        room: room.to_owned(),
        value: value.into(),
        author: author.into(),
        timestamp: 1_700_000_000_000 + id as i64,
        nonce: None,
        edited: None,
    })
}

/// A guest's welcome, with the lobby's newest message at `newest`.
fn guest_welcome(newest: u64) -> ServerFrame {
    ServerFrame::Welcome(Welcome {
        name: "guest-1a2b".to_owned(),
        token: Some("g_token".to_owned()),
        rooms: vec![room(LOBBY, RoomKind::Public, None, 0, newest)],
        frame_budget: None,
        ..welcome_of(Vec::new())
    })
}

fn welcome_with(rooms: Vec<RoomInfo>) -> ServerFrame {
    ServerFrame::Welcome(welcome_of(rooms))
}

fn welcome_of(rooms: Vec<RoomInfo>) -> Welcome {
    Welcome {
        connection_id: 1,
        name: "ada".to_owned(),
        server_time: 0,
        value: "Connected to Natter".to_owned(),
        token: None,
        rooms,
        frame_budget: None,
    }
}

#[wasm_bindgen_test]
async fn each_room_shows_its_own_messages_and_counts_the_others_unread() {
    LocalStorage::clear();
    let chat = ChatState::new(String::new());
    chat.account.set(Some("ada".to_owned()));
    let root = mount_with(chat, || {
        view! {
            <frontend::components::room_list::RoomList/>
            <Timeline/>
        }
    });
    chat.apply(welcome_with(vec![
        room(LOBBY, RoomKind::Public, None, 0, 0),
        room("general", RoomKind::Public, None, 2, 5),
        room("dm:1:2", RoomKind::Direct, Some("bob"), 0, 0),
    ]));
    chat.apply(message(6, "bob", "in the lobby", None));
    chat.apply(message_in("general", 7, "bob", "in general"));
    chat.apply(message_in("dm:1:2", 8, "bob", "just for you"));
    tick().await;
    // The lobby is shown: only its message, and the others count as unread.
    assert_eq!(all_texts(&root, ".message .text"), ["in the lobby"]);
    let badges = |root: &Element| {
        (
            all_texts(root, "a[data-room='general'] .badge"),
            all_texts(root, "a[data-room='dm:1:2'] .badge"),
        )
    };
    assert_eq!(badges(&root), (vec!["3".to_owned()], vec!["1".to_owned()]));
    assert_eq!(chat.total_unread_untracked(), 4);
    // The conversation is listed by the other person's name.
    assert_eq!(
        all_texts(&root, "a[data-room='dm:1:2'] .room-name"),
        ["bob"]
    );
    // Read out (the visually hidden parts included) as one phrase.
    let read_out = find(&root, "a[data-room='general']")
        .text_content()
        .unwrap();
    assert_eq!(read_out, "#general, 3 unread3");

    chat.route
        .set(frontend::route::Route::Direct("Bob".to_owned()));
    tick().await;
    assert_eq!(all_texts(&root, ".message .text"), ["just for you"]);
    assert!(chat.read_up_to_newest("dm:1:2").is_some());
    tick().await;
    assert_eq!(badges(&root), (vec!["3".to_owned()], vec![]));
}

#[wasm_bindgen_test]
fn routes_live_in_the_url_fragment() {
    use frontend::route::Route;
    assert_eq!(Route::parse(""), Route::Room(LOBBY.to_owned()));
    assert_eq!(
        Route::parse("#/r/general"),
        Route::Room("general".to_owned())
    );
    assert_eq!(Route::parse("#/dm/ada"), Route::Direct("ada".to_owned()));
    assert_eq!(Route::parse("#/nonsense"), Route::Room(LOBBY.to_owned()));
    assert_eq!(Route::Direct("zoë".to_owned()).href(), "#/dm/zo%C3%AB");
    assert_eq!(
        Route::parse("#/dm/zo%C3%AB"),
        Route::Direct("zoë".to_owned())
    );
}

#[wasm_bindgen_test]
fn a_guest_keeps_its_read_marker_in_the_browser() {
    LocalStorage::clear();
    let _ = LocalStorage::set("natter.guest_read", 8u64);
    let chat = ChatState::new(String::new());
    // A background tab: nothing is being read.
    chat.visible.set(false);
    chat.apply(guest_welcome(10));
    // The replay: 7 and 8 were read on the last visit, 9 and 10 were not.
    for id in 7..=10 {
        chat.apply(message(id, "ada", &format!("m{id}"), None));
    }
    assert_eq!(chat.total_unread_untracked(), 2);
    // A reconnect: the welcome comes again and the replay starts after 10,
    // so 9 and 10 are still the unread ones; 11 comes on top.
    chat.apply(guest_welcome(11));
    chat.apply(message(11, "ada", "m11", None));
    assert_eq!(chat.total_unread_untracked(), 3);
    // Shown, they are read, and the browser remembers it.
    chat.visible.set(true);
    assert_eq!(
        chat.read_up_to_newest(LOBBY).map(|marker| marker.id),
        Some(11)
    );
    LocalStorage::clear();
}

#[wasm_bindgen_test]
fn nothing_of_an_account_stays_on_the_page_after_it_logs_out() {
    LocalStorage::clear();
    let chat = ChatState::new(String::new());
    chat.apply(welcome_with(vec![
        room(LOBBY, RoomKind::Public, None, 0, 0),
        room("dm:1:2", RoomKind::Direct, Some("bob"), 0, 0),
    ]));
    chat.apply(message_in("dm:1:2", 8, "bob", "just for ada"));
    assert_eq!(untrack(|| chat.count_in("dm:1:2")), 1);
    // Logged out: the next welcome is a guest's.
    chat.apply(guest_welcome(8));
    assert_eq!(untrack(|| chat.count_in("dm:1:2")), 0);
    assert_eq!(chat.rooms.get_untracked().len(), 1);
    LocalStorage::clear();
}

#[wasm_bindgen_test]
async fn a_line_marks_what_came_while_the_room_was_not_shown() {
    use frontend::route::Route;
    LocalStorage::clear();
    let chat = ChatState::new(String::new());
    chat.account.set(Some("ada".to_owned()));
    let root = mount_with(chat, move || {
        frontend::page::start(
            chat,
            expect_context::<Socket>(),
            expect_context::<Ui>(),
            expect_context::<Prefs>(),
        );
        view! { <Timeline/> }
    });
    chat.visible.set(true);
    chat.route.set(Route::Room(LOBBY.to_owned()));
    // Read up to 5 in #general; 7 and 8 came since.
    chat.apply(welcome_with(vec![
        room(LOBBY, RoomKind::Public, None, 0, 0),
        RoomInfo {
            last_read: 5,
            ..room("general", RoomKind::Public, None, 2, 8)
        },
    ]));
    chat.apply(message_in("general", 4, "bob", "seen before"));
    chat.apply(ServerFrame::Message(ChatMessage {
        nonce: Some("n-5".to_owned()),
        ..chat_message("general", 5, "ada", "mine")
    }));
    chat.apply(message_in("general", 7, "bob", "while away"));
    chat.apply(message_in("general", 8, "bob", "also while away"));
    tick().await;

    chat.route.set(Route::Room("general".to_owned()));
    tick().await;
    let line_under = |root: &Element| {
        let line = root.query_selector("li.unread-line").unwrap()?;
        line.previous_element_sibling()?.get_attribute("data-id")
    };
    assert_eq!(line_under(&root).as_deref(), Some("7"));
    assert_eq!(all_texts(&root, "li.unread-line"), ["New since you left"]);
    // On screen, the room is read, but the line stays where it was; a
    // message that arrives now was seen arriving, and goes above it.
    root.scroll_into_view();
    for _ in 0..10 {
        common::next_frame().await;
    }
    assert_eq!(untrack(|| chat.rooms.with(|rooms| rooms[1].unread)), 0);
    chat.apply(message_in("general", 9, "bob", "while here"));
    tick().await;
    assert_eq!(line_under(&root).as_deref(), Some("7"));

    // Opened again with nothing unread: no line.
    chat.route.set(Route::Room(LOBBY.to_owned()));
    tick().await;
    chat.route.set(Route::Room("general".to_owned()));
    tick().await;
    assert_eq!(line_under(&root), None);
    LocalStorage::clear();
}

fn chat_message(room: &str, id: u64, author: &str, value: &str) -> ChatMessage {
    ChatMessage {
        id,
        room: room.to_owned(),
        value: value.into(),
        author: author.into(),
        timestamp: 1_700_000_000_000 + id as i64,
        nonce: None,
        edited: None,
    }
}

#[wasm_bindgen_test]
fn the_list_order_is_by_name_whatever_the_join_order() {
    use frontend::components::room_list::in_list_order;
    // As joined: a room, a conversation, then another room.
    let rooms = vec![
        room(LOBBY, RoomKind::Public, None, 0, 0),
        room("zeta", RoomKind::Public, None, 0, 0),
        room("dm:1:2", RoomKind::Direct, Some("Bob"), 0, 0),
        room("dm:1:3", RoomKind::Direct, Some("al"), 0, 0),
        room("alpha", RoomKind::Public, None, 0, 0),
    ];
    let listed: Vec<&str> = in_list_order(&rooms)
        .into_iter()
        .map(|room| room.room.as_str())
        .collect();
    assert_eq!(listed, [LOBBY, "alpha", "zeta", "dm:1:3", "dm:1:2"]);
}

#[wasm_bindgen_test]
async fn who_is_online_follows_the_state_then_its_changes() {
    use frontend::route::Route;
    use natter_shared::{Presence, PresenceChange};
    LocalStorage::clear();
    let chat = ChatState::new(String::new());
    chat.account.set(Some("ada".to_owned()));
    let root = mount_with(chat, || {
        view! {
            <frontend::components::room_list::RoomList/>
            <frontend::components::room_header::RoomHeader/>
        }
    });
    chat.route.set(Route::Room("general".to_owned()));
    chat.apply(welcome_with(vec![
        room(LOBBY, RoomKind::Public, None, 0, 0),
        room("general", RoomKind::Public, None, 0, 0),
        room("dm:1:2", RoomKind::Direct, Some("bob"), 0, 0),
    ]));
    let change = |room: &str, name: &str| PresenceChange {
        room: room.to_owned(),
        name: name.to_owned(),
    };
    chat.apply(ServerFrame::Presence(Presence {
        room: "general".to_owned(),
        online: vec!["ada".to_owned()],
    }));
    chat.apply(ServerFrame::Presence(Presence {
        room: "dm:1:2".to_owned(),
        online: vec!["ada".to_owned()],
    }));
    tick().await;
    assert_eq!(
        all_texts(&root, ".room-facts"),
        ["2 members · 1 online: ada"]
    );
    let dot_online = |root: &Element| {
        find(root, "a[data-room='dm:1:2'] .presence-dot")
            .class_list()
            .contains("online")
    };
    assert!(!dot_online(&root));

    chat.apply(ServerFrame::Online(change("general", "Bob")));
    chat.apply(ServerFrame::Online(change("dm:1:2", "bob")));
    tick().await;
    assert_eq!(
        all_texts(&root, ".room-facts"),
        ["2 members · 2 online: ada, Bob"]
    );
    assert!(dot_online(&root));

    chat.apply(ServerFrame::Offline(change("dm:1:2", "bob")));
    tick().await;
    assert!(!dot_online(&root));
    // A reconnect forgets everything until the rooms' states come again.
    chat.apply(welcome_with(vec![
        room(LOBBY, RoomKind::Public, None, 0, 0),
        room("general", RoomKind::Public, None, 0, 0),
    ]));
    tick().await;
    assert_eq!(all_texts(&root, ".room-facts"), ["2 members"]);
    LocalStorage::clear();
}

#[wasm_bindgen_test]
fn typing_is_worded_for_one_two_and_several() {
    use frontend::typing::typing_line;
    let names = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    assert_eq!(typing_line(&[]), None);
    assert_eq!(
        typing_line(&names(&["Ada"])).as_deref(),
        Some("Ada is typing…")
    );
    assert_eq!(
        typing_line(&names(&["Ada", "Bob"])).as_deref(),
        Some("Ada and Bob are typing…")
    );
    assert_eq!(
        typing_line(&names(&["Ada", "Bob", "Cy"])).as_deref(),
        Some("several people are typing…")
    );
}

#[wasm_bindgen_test]
fn a_typing_notice_runs_out_unless_renewed() {
    use frontend::typing::{OwnTyping, Typists};
    use natter_shared::{TYPING_EVERY_MS, TYPING_SHOWN_MS};
    let shown = TYPING_SHOWN_MS as f64;
    let mut typists = Typists::default();
    typists.notice("general", "Ada", 0.0);
    typists.notice("general", "Bob", 1_000.0);
    typists.notice("general", "Ada", 2_000.0);
    typists.prune(shown + 500.0);
    assert_eq!(typists.in_room("general"), ["Ada", "Bob"]);
    typists.prune(shown + 1_500.0);
    assert_eq!(typists.in_room("general"), ["Ada"]);
    assert!(typists.done("general", "Ada"));
    assert!(typists.in_room("general").is_empty());

    // This page tells the server at most every TYPING_EVERY_MS, per room.
    let every = TYPING_EVERY_MS as f64;
    let mut own = OwnTyping::default();
    assert!(own.should_tell("general", 0.0));
    assert!(!own.should_tell("general", every - 1.0));
    assert!(own.should_tell("lobby", 10.0));
    assert!(own.should_tell("general", every));
    own.sent("general");
    assert!(own.should_tell("general", every + 1.0));
}

#[wasm_bindgen_test]
async fn the_typists_message_ends_the_notice_at_once() {
    use frontend::components::composer::Composer;
    use natter_shared::TypingNotice;
    LocalStorage::clear();
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <Composer/> });
    chat.apply(welcome_with(vec![room(
        LOBBY,
        RoomKind::Public,
        None,
        0,
        0,
    )]));
    chat.apply(ServerFrame::Typing(TypingNotice {
        room: LOBBY.to_owned(),
        name: "bob".to_owned(),
    }));
    tick().await;
    assert_eq!(all_texts(&root, ".typing"), ["bob is typing…"]);
    chat.apply(message(9, "bob", "done typing", None));
    tick().await;
    assert_eq!(all_texts(&root, ".typing"), [""]);
    LocalStorage::clear();
}
