//! The chat window as people use it, in two headless Chromium windows: on a
//! desktop in the light theme, and on a phone in the dark one.
//!
//! - the page never scrolls away from the message box; a message that comes
//!   while one reads further back leaves the text where it was, says so in
//!   a pill, and is not read until it has been on screen;
//! - a message box that grows, where Shift+Enter is a new line and Enter
//!   sends; formatting and links; one author's messages under one name;
//! - the focus where the next keystroke belongs, a delete that asks in a
//!   dialog the focus cannot leave, and Escape that cancels;
//! - a drawer for the rooms on a phone that closes on Escape and on a tap
//!   outside, the quick switcher, the shortcuts, Settings;
//! - the page shaped by how the server is run (guests denied, sign-up
//!   closed), a room that does not exist, the last room reopened, member
//!   counts that move, and the connection's state in words.

mod common;

use common::{Natter, signed_up};
use e2e::{Browser, ChromeDriver, eventually};
use serde_json::json;

/// Sends `count` messages to the lobby as `name`, over the protocol, each
/// acknowledged: a busy room, faster than typing.
async fn busy_room(natter: &Natter, name: &str, count: usize) {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let url = format!("ws://{}/ws?name={name}", natter.server.addr());
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("connect");
    for n in 0..count {
        let frame = json!({ "type": "message", "params": { "value": format!("busy {n}"), "nonce": format!("busy-{n}") } });
        ws.send(Message::text(frame.to_string()))
            .await
            .expect("send");
    }
    let mut acked = 0;
    while acked < count {
        let frame = tokio::time::timeout(e2e::PATIENCE, ws.next())
            .await
            .expect("the busy room's acks arrive");
        if let Some(Ok(Message::Text(text))) = frame {
            assert!(!text.contains("\"type\":\"error\""), "{text}");
            if text.contains("\"type\":\"ack\"") {
                acked += 1;
            }
        }
    }
}

/// Where the message `text` is, in pixels from the top of the window.
async fn top_of(window: &Browser, text: &str) -> f64 {
    window
        .evaluate(
            "const li = [...document.querySelectorAll('ol.messages > li.message')]
                 .find(li => li.querySelector('.text')?.textContent === arguments[0]);
             return li ? li.getBoundingClientRect().top : null;",
            vec![json!(text)],
        )
        .await
        .as_f64()
        .unwrap_or(f64::NAN)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_on_a_desktop_reads_like_a_chat() {
    let driver = ChromeDriver::start();
    // The busy room's writer sends faster than a person may.
    let natter = Natter::start_with(&[
        "--rate-limit-per-second",
        "1000",
        "--rate-limit-burst",
        "1000",
    ])
    .await;
    let page = natter.page();
    let ada = signed_up(&driver.url(), &page, "Ada").await;
    let bob = signed_up(&driver.url(), &page, "Bob").await;
    for window in [&ada, &bob] {
        window.set_window_size(1280, 800).await;
    }
    // After signing up, the next keystroke goes into the message box.
    assert_eq!(ada.focused().await, "message-input");

    // Formatting and links, as typed; the words as stored.
    ada.say("**Hello** _team_, the notes are at https://example.com/notes.")
        .await;
    bob.wait_for_top_message("Hello team, the notes are at https://example.com/notes.")
        .await;
    assert_eq!(
        bob.script_string(
            "return document.querySelector('ol.messages li.message .text strong').textContent"
        )
        .await,
        "Hello"
    );
    let link = bob
        .evaluate(
            "const a = document.querySelector('ol.messages li.message .text a');
             return [a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')];",
            vec![],
        )
        .await;
    assert_eq!(
        link,
        json!(["https://example.com/notes", "noopener noreferrer", "_blank"])
    );

    // Shift+Enter is a new line; Enter sends. The box grows with its text.
    let one_line = ada
        .evaluate(
            "return document.querySelector('#message-input').offsetHeight",
            vec![],
        )
        .await;
    ada.type_message("first line").await;
    ada.shift_enter().await;
    ada.type_message("second line").await;
    let two_lines = ada
        .evaluate(
            "return document.querySelector('#message-input').offsetHeight",
            vec![],
        )
        .await;
    assert!(
        two_lines.as_f64() > one_line.as_f64(),
        "the box grew: {one_line} → {two_lines}"
    );
    assert_eq!(ada.draft().await, "first line\nsecond line");
    ada.send_typed().await;
    bob.wait_for_top_message("first line\nsecond line").await;

    // One author's messages together, under one name.
    ada.say("and one more").await;
    bob.wait_for_top_message("and one more").await;
    let headers = bob
        .evaluate(
            "return [...document.querySelectorAll('ol.messages > li.message')].slice(0, 3)
                 .map(li => li.classList.contains('header'))",
            vec![],
        )
        .await;
    assert_eq!(
        headers,
        json!([true, false, false]),
        "grouped under Ada's name once"
    );
    assert_eq!(bob.count(".day").await, 1, "a day separator, Today");

    // Near the length limit, the box says how much is left.
    ada.type_message(&"x".repeat(1_950)).await;
    ada.wait_for_text(".composer .count", "50 characters left")
        .await;
    ada.run("document.querySelector('#message-input').value = ''; document.querySelector('#message-input').dispatchEvent(new Event('input', { bubbles: true }))")
        .await;

    // Reading further back: a new message leaves the text where it was,
    // a pill says it came, and it stays unread until seen.
    busy_room(&natter, "carol", 80).await;
    bob.wait_for_top_message("busy 79").await;
    bob.run("const t = document.querySelector('.timeline'); t.scrollTop = t.scrollHeight / 2;")
        .await;
    eventually("bob's title to settle", || async {
        bob.title().await == "Natter"
    })
    .await;
    let reading = bob
        .script_string(
            "const t = document.querySelector('.timeline').getBoundingClientRect();
             const li = [...document.querySelectorAll('ol.messages > li.message')]
                 .find(li => li.getBoundingClientRect().top > t.top + 40);
             return li.querySelector('.text').textContent;",
        )
        .await;
    let before = top_of(&bob, &reading).await;
    // Only the messages scrolled: the page itself did not, and the message
    // box and the room list are still where they were, in sight.
    let in_sight = bob
        .evaluate(
            "const page = document.scrollingElement;
             const inside = el => {
                 const r = el.getBoundingClientRect();
                 return r.top >= 0 && r.bottom <= innerHeight && r.height > 0;
             };
             return [page.scrollTop, page.scrollHeight <= innerHeight,
                     inside(document.querySelector('#message-input')),
                     inside(document.querySelector('#room-list'))];",
            vec![],
        )
        .await;
    assert_eq!(
        in_sight,
        json!([0, true, true, true]),
        "the page scrolled away"
    );
    ada.say("while you were reading").await;
    bob.wait_for_text(".new-messages-pill", "1 new message")
        .await;
    let after = top_of(&bob, &reading).await;
    assert!(
        (after - before).abs() < 2.0,
        "the text being read moved from {before} to {after}"
    );
    assert_eq!(bob.title().await, "(1) Natter", "not read while off screen");
    bob.click(".new-messages-pill").await;
    eventually("the pill to take bob to the newest", || async {
        bob.title().await == "Natter"
    })
    .await;
    bob.wait_for_top_message("while you were reading").await;

    // Editing from the keyboard: the message takes the focus, E edits,
    // Enter saves, and the focus comes back to the message.
    ada.run("document.querySelector('ol.messages > li.message.own').focus()")
        .await;
    ada.press("e").await;
    eventually("the edit box", || async {
        ada.focused().await.starts_with("edit-")
    })
    .await;
    ada.press(" (edited)").await;
    ada.press("Enter").await;
    eventually("the focus back on the message", || async {
        ada.focused().await.starts_with("li.message")
    })
    .await;

    // Deleting asks first, in a dialog the focus stays in; Escape cancels.
    ada.press("Delete").await;
    eventually("the question", || async {
        ada.count("dialog.confirm[open]").await == 1
    })
    .await;
    for _ in 0..4 {
        ada.press("Tab").await;
        assert!(
            ada.evaluate(
                "return !!document.activeElement.closest('dialog[open]')",
                vec![]
            )
            .await
            .as_bool()
            .unwrap(),
            "the focus left the dialog"
        );
    }
    ada.press("Escape").await;
    eventually("the question gone", || async {
        ada.count("dialog.confirm[open]").await == 0
    })
    .await;
    // The dialog hands the focus back as it closes, a tick after it is
    // gone from the page.
    eventually("back on the message", || async {
        ada.focused().await.starts_with("li.message")
    })
    .await;

    // The skip link goes to the message box; names are not tab stops.
    assert_eq!(
        ada.script_string("return document.querySelector('.skip-link').getAttribute('href')")
            .await,
        "#message-input"
    );
    assert_eq!(
        ada.count("ol.messages button.author:not([tabindex='-1'])")
            .await,
        0
    );
    for window in [ada, bob] {
        window.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_in_the_dark_the_rooms_are_a_drawer_and_settings_are_one_place() {
    let driver = ChromeDriver::start();
    let natter = Natter::start().await;
    let page = natter.page();
    let ada = Browser::open_dark(&driver.url(), &page).await;
    ada.set_window_size(390, 844).await;
    ada.wait_for_status("open").await;
    ada.sign_in("Ada", "correct horse", true).await;

    // The header is one compact line.
    let header = ada
        .evaluate(
            "return document.querySelector('.room-header').offsetHeight",
            vec![],
        )
        .await
        .as_f64()
        .unwrap();
    assert!(header <= 64.0, "the header is {header} px tall");

    // The drawer opens from the header, and closes on Escape and on a tap
    // outside it.
    ada.click("button.rooms-toggle").await;
    eventually("the drawer open", || async {
        ada.count(".sidebar.open").await == 1
    })
    .await;
    ada.press("Escape").await;
    eventually("the drawer closed", || async {
        ada.count(".sidebar.open").await == 0
    })
    .await;
    ada.click("button.rooms-toggle").await;
    eventually("the drawer open", || async {
        ada.count(".sidebar.open").await == 1
    })
    .await;
    ada.run("document.querySelector('.scrim').click()").await;
    eventually("the drawer closed", || async {
        ada.count(".sidebar.open").await == 0
    })
    .await;

    // A room, created from the drawer: its name suggested from the words.
    ada.click("button.rooms-toggle").await;
    ada.click("button.add-room").await;
    ada.type_message_into("#new-room-input", "Design Team")
        .await;
    ada.wait_for_text(
        "#new-room-hint",
        "Room names can't have spaces. Try design-team.",
    )
    .await;
    ada.clear("#new-room-input").await;
    ada.type_message_into("#new-room-input", "design").await;
    ada.press("Enter").await;
    eventually("ada in #design", || async {
        ada.hash().await == "#/r/design"
    })
    .await;
    assert_eq!(ada.focused().await, "message-input");

    // Ctrl+K jumps anywhere; `?` lists the shortcuts.
    ada.press_with_ctrl("k").await;
    eventually("the switcher", || async {
        ada.count("dialog.switcher[open]").await == 1
    })
    .await;
    ada.type_message_into("#switcher-input", "lob").await;
    ada.press("Enter").await;
    eventually("ada in the lobby", || async {
        ada.hash().await == "#/r/lobby"
    })
    .await;
    ada.run("document.querySelector('.timeline').focus()").await;
    ada.press("?").await;
    eventually("the shortcuts", || async {
        ada.count("dialog.shortcuts[open]").await == 1
    })
    .await;
    ada.press("Escape").await;

    // Settings (from the drawer): newest at the bottom puts the box below
    // the list, for this account on every device; the theme follows the
    // choice.
    ada.click("button.rooms-toggle").await;
    ada.click("button.me").await;
    ada.click("input[name='order']:not(:checked)").await;
    ada.click("dialog.settings button.close").await;
    eventually("the box below the list", || async {
        ada.evaluate(
            "return document.querySelector('.composer').getBoundingClientRect().top
                 > document.querySelector('.timeline').getBoundingClientRect().top",
            vec![],
        )
        .await
            == json!(true)
    })
    .await;
    let elsewhere = Browser::open(&driver.url(), &page).await;
    elsewhere.wait_for_status("open").await;
    elsewhere.sign_in("Ada", "correct horse", false).await;
    eventually("the order kept with the account", || async {
        elsewhere.count(".room.newest-last").await == 1
    })
    .await;
    ada.click("button.rooms-toggle").await;
    ada.click("button.me").await;
    ada.click("input[name='theme']:not(:checked)").await;
    ada.click("dialog.settings button.close").await;
    let theme = ada
        .script_string("return document.documentElement.dataset.theme ?? ''")
        .await;
    assert!(["light", "dark"].contains(&theme.as_str()), "{theme}");
    // The other device, open all along, follows at once.
    eventually("the theme followed on the other device", || async {
        elsewhere
            .script_string("return document.documentElement.dataset.theme ?? ''")
            .await
            == theme
    })
    .await;

    // A password changed in Settings signs the other device out, in words.
    ada.click("button.rooms-toggle").await;
    ada.click("button.me").await;
    ada.type_message_into("#password-current", "correct horse")
        .await;
    ada.type_message_into("#password-new", "battery staple")
        .await;
    ada.type_message_into("#password-again", "battery staple")
        .await;
    ada.click("form.password-change button[type='submit']")
        .await;
    ada.wait_for_text(
        ".form-done",
        "Password changed. Your other sessions have been signed out.",
    )
    .await;
    eventually("the other device signed out", || async {
        elsewhere.count("button.sign-in-open").await == 1
    })
    .await;
    for window in [ada, elsewhere] {
        window.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_follows_how_the_server_is_run() {
    let driver = ChromeDriver::start();
    // An account made while sign-up was open; then only accounts may chat,
    // and nobody may sign up.
    let natter = Natter::start().await;
    let ada = signed_up(&driver.url(), &natter.page(), "Ada").await;
    ada.close().await;
    let natter = natter
        .restart_with(&["--guests", "deny", "--signup", "closed"])
        .await;
    let page = natter.page();
    let window = Browser::open(&driver.url(), &page).await;
    window.wait_for_status("signed-out").await;
    // Only the sign-in card: no chat, no Sign up, and where to get an account.
    assert_eq!(window.count(".app").await, 0);
    assert_eq!(window.count("button.sign-up").await, 0);
    window
        .wait_for_text(
            ".sign-in-card .hint",
            "Sign-up is closed here. Ask an admin for an account.",
        )
        .await;
    // It does not try to connect while nobody is signed in: a refused
    // handshake would show as "connecting", then "closed".
    for _ in 0..10 {
        assert_eq!(window.status().await, "signed-out");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    // A wrong password says so plainly, next to the form.
    window
        .submit_account_form("Ada", "wrong horse", false)
        .await;
    window
        .wait_for_text(
            ".form-problem",
            "That name and password don't match an account. Check them and try again.",
        )
        .await;
    window.sign_in("Ada", "correct horse", false).await;
    window.wait_for_status("open").await;

    // A room that does not exist says so and offers the directory.
    window.goto(&format!("{page}#/r/nowhere")).await;
    window
        .wait_for_text(".missing-room h3", "There is no room called #nowhere")
        .await;
    assert_eq!(window.count(".missing-room button.create").await, 1);
    // Made, then left: back in the lobby; the last room opened is where a
    // return lands.
    window.click(".missing-room button.create").await;
    eventually("in #nowhere", || async {
        window.hash().await == "#/r/nowhere"
    })
    .await;
    window.goto(&page).await;
    eventually("back in #nowhere", || async {
        window.hash().await == "#/r/nowhere"
    })
    .await;

    // The connection's state in words.
    let stopped = natter.stop_keeping_the_database().await;
    eventually("the page to say the server went", || async {
        let said = window
            .script_string("return document.querySelector('.status .label').textContent")
            .await;
        said.starts_with("The server is restarting.") || said.starts_with("Connection lost.")
    })
    .await;
    let natter = stopped.start_again().await;
    let _ = natter;
    window.wait_for_status("open").await;
    window.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_refused_for_pace_are_sent_again_not_given_up() {
    let driver = ChromeDriver::start();
    // Every connection from this address shares a tight budget: two
    // frames a second, four at once. The page's own budget (the welcome
    // tells it) is wider, so the server refuses some as rate_limited.
    let natter = Natter::start_with(&[
        "--address-rate-limit-per-second",
        "2",
        "--address-rate-limit-burst",
        "4",
    ])
    .await;
    let page = natter.page();
    let ada = signed_up(&driver.url(), &page, "Ada").await;
    let bob = signed_up(&driver.url(), &page, "Bob").await;
    let typed: Vec<String> = (0..16).map(|n| format!("paced {n:02}")).collect();
    for (at, text) in typed.iter().enumerate() {
        ada.say(text).await;
        // Bob keeps chatting meanwhile, on the same address's budget.
        if at == 8 {
            bob.say("bob, in the middle of it").await;
        }
    }
    let newest_first: Vec<String> = typed.iter().rev().cloned().collect();
    eventually("every message, in order, at bob's", || async {
        let shown: Vec<String> = bob
            .messages()
            .await
            .into_iter()
            .map(|m| m.text)
            .filter(|text| text.starts_with("paced"))
            .collect();
        shown == newest_first
    })
    .await;
    bob.wait_for_state("bob, in the middle of it", "").await;
    // Nothing was given up, nothing asks for a click, and the connection
    // was never closed for it.
    assert_eq!(ada.count("li.pending[data-state='failed']").await, 0);
    assert_eq!(ada.count("button.retry").await, 0);
    assert_eq!(ada.status().await, "open");
    for window in [ada, bob] {
        window.close().await;
    }
}
