//! What the browser tests share: a place to mount components, and ways to
//! read what they show.
#![allow(dead_code)] // each test file uses a different part of this module

use frontend::components::message_actions::RowFocus;
use frontend::preferences::Prefs;
use frontend::socket::Socket;
use frontend::state::ChatState;
use frontend::ui::Ui;
use leptos::prelude::*;
use natter_shared::{ChatMessage, ServerFrame};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// A fresh element in the page for one test to mount into.
pub fn test_root() -> HtmlElement {
    let root = document().create_element("section").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    root.unchecked_into()
}

/// Mounts `view` with `chat` and a socket in context and keeps it mounted for
/// the test. The socket is the real one; the test page's server has no `/ws`,
/// so it stays disconnected.
pub fn mount_with<V: IntoView + 'static>(
    chat: ChatState,
    view: impl FnOnce() -> V + 'static,
) -> HtmlElement {
    let root = test_root();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(chat);
        provide_context(Socket::start(chat));
        provide_context(Prefs::new());
        provide_context(Ui::new());
        provide_context(RowFocus::new());
        view()
    });
    // The element stays in the page until the test ends; unmounting early
    // would make the assertions look at nothing.
    std::mem::forget(handle);
    root
}

pub fn message(id: u64, author: &str, value: &str, nonce: Option<&str>) -> ServerFrame {
    ServerFrame::Message(ChatMessage {
        id,
        room: natter_shared::lobby(),
        value: value.into(),
        author: author.into(),
        timestamp: 1_700_000_000_000 + id as i64,
        nonce: nonce.map(str::to_owned),
        edited: None,
    })
}

pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

pub fn all_texts(root: &Element, selector: &str) -> Vec<String> {
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

pub async fn tick() {
    leptos::task::tick().await;
}

/// Waits for the browser's next frame (layout done, observers told).
pub async fn next_frame() {
    let (sender, receiver) = futures::channel::oneshot::channel::<()>();
    leptos::prelude::request_animation_frame(move || {
        let _ = sender.send(());
    });
    let _ = receiver.await;
    tick().await;
}

/// The element that has the focus in the page.
pub fn focused() -> Element {
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.active_element())
        .expect("an element has the focus")
}
