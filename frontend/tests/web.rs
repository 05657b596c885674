//! The components in a real headless Chromium: they render, follow the state,
//! and never turn message text into markup. Browser only: on native targets
//! this file is empty.
#![cfg(target_arch = "wasm32")]

use frontend::App;
use frontend::components::message_list::MessageList;
use frontend::components::notice::Notice;
use frontend::components::status_indicator::StatusIndicator;
use frontend::socket::{ConnectionStatus, ws_url};
use frontend::state::ChatState;
use leptos::prelude::*;
use natter_shared::{ChatMessage, ErrorCode, ServerFrame};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element in the page for one test to mount into.
fn test_root() -> HtmlElement {
    let root = document().create_element("section").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    root.unchecked_into()
}

/// Mounts `view` with `chat` in context and keeps it mounted for the test.
fn mount_with<V: IntoView + 'static>(
    chat: ChatState,
    view: impl FnOnce() -> V + 'static,
) -> HtmlElement {
    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(chat);
        view()
    });
    // The element stays in the page until the test ends; unmounting early
    // would make the assertions look at nothing.
    std::mem::forget(handle);
    root
}

fn message(id: u64, author: &str, value: &str, nonce: Option<&str>) -> ServerFrame {
    ServerFrame::Message(ChatMessage {
        id,
        value: value.into(),
        author: author.into(),
        timestamp: 1_700_000_000_000 + id as i64,
        nonce: nonce.map(str::to_owned),
    })
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn all_texts(root: &Element, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length())
        .map(|index| {
            nodes
                .item(index)
                .unwrap()
                .text_content()
                .unwrap_or_default()
        })
        .collect()
}

async fn tick() {
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn the_app_renders_its_parts() {
    let root = test_root();
    std::mem::forget(leptos::mount::mount_to(root.clone(), App));
    tick().await;
    assert_eq!(find(&root, "h1").text_content().unwrap(), "Natter");
    find(&root, "form.name input#name-input");
    find(&root, "form.composer input#message-input");
    find(&root, "form.composer button[type=submit]");
    find(&root, "ol.messages");
    let state = find(&root, ".status").get_attribute("data-state").unwrap();
    assert!(
        ["connecting", "closed"].contains(&state.as_str()),
        "{state}"
    );
}

#[wasm_bindgen_test]
async fn incoming_messages_are_prepended_newest_first() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <MessageList/> });
    tick().await;
    assert_eq!(all_texts(&root, ".empty"), ["No messages yet. Say hello!"]);

    chat.apply(message(1, "ada", "first", None));
    chat.apply(message(2, "bob", "second", None));
    chat.apply(message(3, "ada", "third", None));
    tick().await;

    assert_eq!(all_texts(&root, "li .text"), ["third", "second", "first"]);
    assert_eq!(all_texts(&root, "li .author"), ["ada", "bob", "ada"]);
    assert!(root.query_selector(".empty").unwrap().is_none());
    let ids: Vec<String> = (0..3)
        .map(|n| {
            root.query_selector_all("li")
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
async fn own_messages_are_marked() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <MessageList/> });
    chat.remember_own("mine-1".into());
    chat.apply(message(1, "me", "from me", Some("mine-1")));
    chat.apply(message(2, "other", "from someone else", None));
    tick().await;
    assert_eq!(all_texts(&root, "li.own .text"), ["from me"]);
    assert_eq!(
        all_texts(&root, "li:not(.own) .text"),
        ["from someone else"]
    );
}

#[wasm_bindgen_test]
async fn markup_in_messages_shows_as_literal_text() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <MessageList/> });
    let hostile = [
        "<script>window.__natter_xss = 1</script>",
        "<img src=x onerror=\"window.__natter_xss = 2\">",
        "<a href=\"javascript:window.__natter_xss = 3\">click</a>",
    ];
    for (n, text) in hostile.iter().enumerate() {
        chat.apply(message(n as u64 + 1, "mallory", text, None));
    }
    tick().await;
    let mut shown = all_texts(&root, "li .text");
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
async fn the_status_indicator_follows_the_socket_state() {
    let chat = ChatState::new(String::new());
    let root = mount_with(chat, || view! { <StatusIndicator/> });
    let status = find(&root, ".status");
    let cases = [
        (
            ConnectionStatus::Connecting { attempt: 1 },
            "connecting",
            "Connecting…",
        ),
        (ConnectionStatus::Open, "open", "Connected"),
        (ConnectionStatus::Closing, "closing", "Closing…"),
        (
            ConnectionStatus::Closed {
                code: 1006,
                clean: false,
                reason: String::new(),
                retry_in_secs: Some(4),
            },
            "closed",
            "Disconnected: code 1006, closed not cleanly. Reconnecting in 4 s",
        ),
        (
            ConnectionStatus::Connecting { attempt: 2 },
            "connecting",
            "Connecting… (attempt 2)",
        ),
    ];
    for (state, name, text) in cases {
        chat.status.set(state);
        tick().await;
        assert_eq!(status.get_attribute("data-state").unwrap(), name);
        assert_eq!(status.text_content().unwrap(), text);
    }
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
        "message not sent: too long"
    );
    find(&root, ".notice .dismiss")
        .unchecked_into::<HtmlElement>()
        .click();
    tick().await;
    assert!(root.query_selector(".notice").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_message_typed_while_disconnected_stays_in_the_box() {
    let root = test_root();
    std::mem::forget(leptos::mount::mount_to(root.clone(), App));
    tick().await;
    // The test page's server has no /ws, so this client is never connected.
    let input: HtmlInputElement = find(&root, "#message-input").unchecked_into();
    input.set_value("hello?");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    find(&root, "form.composer button")
        .unchecked_into::<HtmlElement>()
        .click();
    tick().await;
    assert_eq!(input.value(), "hello?");
    assert_eq!(
        find(&root, ".notice").get_attribute("data-code").unwrap(),
        "not_sent"
    );
}

#[wasm_bindgen_test]
fn the_socket_url_follows_the_page() {
    assert_eq!(
        ws_url("http://localhost:3000/", "").unwrap(),
        "ws://localhost:3000/ws"
    );
    assert_eq!(
        ws_url("https://chat.example/some/page?x=1#top", "").unwrap(),
        "wss://chat.example/ws"
    );
    assert_eq!(
        ws_url("http://127.0.0.1:8080/", "Zoë & co").unwrap(),
        "ws://127.0.0.1:8080/ws?name=Zo%C3%AB+%26+co"
    );
}
