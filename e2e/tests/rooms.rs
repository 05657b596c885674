//! Two accounts in two browsers (each its own profile, so its own session
//! cookie): a room created by one and joined by the other, a direct
//! conversation, unread badges moving as the other writes, everything still
//! there after a reload; and a guest, who sees the lobby and no DMs.

mod common;

use common::{Natter, signed_up};
use e2e::{Browser, ChromeDriver, eventually};

#[tokio::test]
async fn two_accounts_chat_in_a_room_and_in_private_and_a_guest_sees_only_the_lobby() {
    let driver = ChromeDriver::start();
    let natter = Natter::start().await;
    let page = natter.page();
    let ada = signed_up(&driver.url(), &page, "Ada").await;
    let bob = signed_up(&driver.url(), &page, "Bob").await;

    // Ada creates a room and is taken there.
    ada.click("button.add-room").await;
    ada.type_into("#new-room-input", "General").await;
    eventually("ada in #general", || async {
        ada.hash().await == "#/r/general"
    })
    .await;
    ada.wait_for_text("#room-title", "#general").await;

    // Bob finds it in the directory and joins.
    bob.click("button.browse").await;
    bob.click(".directory li[data-room='general'] button.join")
        .await;
    eventually("bob in #general", || async {
        bob.hash().await == "#/r/general"
    })
    .await;
    // Each sees the other online there, and Ada's count moved when Bob
    // joined.
    for window in [&ada, &bob] {
        window
            .wait_for_text(".room-header .room-facts", "2 members · 2 online: Ada, Bob")
            .await;
    }
    // Bob sees Ada typing; her message ends it at once.
    ada.type_message("hello gen").await;
    bob.wait_for_text(".typing", "Ada is typing…").await;
    ada.type_message("eral").await;
    ada.send_typed().await;
    assert_eq!(
        bob.wait_for_top_message("hello general").await.author,
        "Ada"
    );
    assert_eq!(
        bob.script_string("return document.querySelector('.typing').textContent")
            .await,
        ""
    );
    // Typing that stops without a message runs out by itself.
    ada.type_message("hmm").await;
    bob.wait_for_text(".typing", "Ada is typing…").await;
    bob.wait_for_text(".typing", "").await;
    assert_eq!(ada.draft().await, "hmm");
    ada.run("document.querySelector('#message-input').value = ''; document.querySelector('#message-input').dispatchEvent(new Event('input'))").await;

    // Bob looks at the lobby; what Ada says in #general waits as unread.
    bob.click("a.room-link[data-room='lobby']").await;
    bob.wait_for_text("#room-title", "#lobby").await;
    ada.say("are you there?").await;
    bob.wait_for_text("a.room-link[data-room='general'] .badge", "1")
        .await;
    eventually("the title counts it", || async {
        bob.title().await == "(1) Natter"
    })
    .await;
    assert!(
        bob.messages()
            .await
            .iter()
            .all(|m| m.text != "are you there?"),
        "a room's messages stay in the room"
    );

    // Ada messages Bob privately, from the form.
    ada.click("button.add-direct").await;
    ada.type_into("#new-direct-input", "bob").await;
    eventually("ada in the DM", || async { ada.hash().await == "#/dm/Bob" }).await;
    ada.say("psst").await;
    ada.wait_for_top_message("psst").await;
    let dm_link = "a.room-link[data-room^='dm:']";
    bob.wait_for_text(&format!("{dm_link} .room-name"), "Ada")
        .await;
    bob.wait_for_text(&format!("{dm_link} .badge"), "1").await;
    assert_eq!(
        bob.count(&format!("{dm_link} .presence-dot.online")).await,
        1,
        "Ada is online"
    );
    bob.click(dm_link).await;
    assert_eq!(bob.wait_for_top_message("psst").await.author, "Ada");
    eventually("the DM is read", || async {
        bob.count(&format!("{dm_link} .badge")).await == 0
    })
    .await;
    // Ada adds to her message; Bob sees the change live, marked edited.
    ada.run("document.querySelector('ol.messages > li.message.own').focus()")
        .await;
    ada.press("e").await;
    ada.type_into("ol.messages > li.own textarea", ": lunch?")
        .await;
    bob.wait_for_top_message("psst: lunch?").await;
    bob.wait_for_text("ol.messages > li .edited", "(edited)")
        .await;
    // And takes back one meant for somewhere else: it goes for Bob too.
    ada.say("wrong window").await;
    ada.wait_for_state("wrong window", "").await;
    bob.wait_for_top_message("wrong window").await;
    ada.run("document.querySelector('ol.messages > li.message.own').focus()")
        .await;
    ada.press("Delete").await;
    ada.click("dialog.confirm button.confirm-delete").await;
    bob.wait_for_top_message("psst: lunch?").await;

    // A reload keeps the place, the session and the rooms; #general's
    // unread message is still unread (on the server, for every device).
    bob.reload().await;
    bob.wait_for_status("open").await;
    eventually("bob back in the DM", || async {
        bob.hash().await == "#/dm/Ada"
    })
    .await;
    // The edit is kept, and the deleted message stays gone.
    assert_eq!(bob.wait_for_top_message("psst: lunch?").await.author, "Ada");
    bob.wait_for_text("a.room-link[data-room='general'] .badge", "1")
        .await;
    bob.click("a.room-link[data-room='general']").await;
    bob.wait_for_top_message("are you there?").await;
    eventually("#general is read", || async {
        bob.count("a.room-link[data-room='general'] .badge").await == 0
    })
    .await;
    // What came while Bob was away is above the line, and stays so now that
    // it is read; what he had seen is below.
    assert_eq!(
        bob.count("ol.messages li.message[data-id] + li.unread-line")
            .await,
        1
    );
    assert_eq!(
        bob.script_string(
            "const line = document.querySelector('li.unread-line'); \
             return line.previousElementSibling.querySelector('.text').textContent + ' | ' + \
             line.nextElementSibling.querySelector('.text').textContent"
        )
        .await,
        "are you there? | hello general",
        "between what came while away and what was seen"
    );

    // Alt+↓ and Alt+↑ walk the room list: #lobby, #general, @Ada.
    bob.press_alt("ArrowDown").await;
    eventually("Alt+Down to the DM", || async {
        bob.hash().await == "#/dm/Ada"
    })
    .await;
    bob.press_alt("ArrowUp").await;
    eventually("Alt+Up back", || async {
        bob.hash().await == "#/r/general"
    })
    .await;

    // On a phone's screen the list is a drawer behind the Rooms button.
    bob.set_window_size(390, 844).await;
    let toggle_shown = "return String(getComputedStyle(document.querySelector('.rooms-toggle')).display !== 'none')";
    eventually("the Rooms button", || async {
        bob.script_string(toggle_shown).await == "true"
    })
    .await;
    let drawer_open =
        "return String(document.querySelector('#room-list').classList.contains('open'))";
    assert_eq!(bob.script_string(drawer_open).await, "false");
    bob.click(".rooms-toggle").await;
    eventually("the drawer opens", || async {
        bob.script_string(drawer_open).await == "true"
    })
    .await;
    assert_eq!(
        bob.script_string(
            "return document.querySelector('.rooms-toggle').getAttribute('aria-expanded')"
        )
        .await,
        "true"
    );
    bob.click("a.room-link[data-room='lobby']").await;
    eventually("following a link closes it", || async {
        bob.script_string(drawer_open).await == "false"
    })
    .await;
    eventually("in the lobby", || async { bob.hash().await == "#/r/lobby" }).await;
    bob.set_window_size(1280, 900).await;

    // Bob asks to hear of everything in the lobby, then his tab goes to the
    // background (with a recorder standing in for the browser's
    // notifications): the lobby's chat, a mention in #general and a DM
    // reach him; #general's other chat does not.
    bob.click("button.room-menu-button").await;
    bob.click("#room-menu input[name='notify'][value='all']")
        .await;
    bob.press("Escape").await;
    // Kept on the server: after a reload the page shows it again.
    let chosen =
        "return document.querySelector(\"#room-menu input[name='notify']:checked\")?.value ?? ''";
    eventually("the setting is kept", || async {
        bob.reload().await;
        bob.wait_for_status("open").await;
        bob.wait_for_text("#room-title", "#lobby").await;
        bob.click("button.room-menu-button").await;
        let kept = bob.script_string(chosen).await == "all";
        bob.press("Escape").await;
        kept
    })
    .await;
    bob.run(
        "window.__notified = [];
         window.Notification = class {
             static get permission() { return 'granted'; }
             static requestPermission() { return Promise.resolve('granted'); }
             constructor(title, options) { window.__notified.push(title + ': ' + options.body); }
         };
         Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
         document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));",
    )
    .await;
    ada.click("a.room-link[data-room='lobby']").await;
    ada.say("hello lobby").await;
    ada.click("a.room-link[data-room='general']").await;
    ada.wait_for_text("#room-title", "#general").await;
    ada.say("no mention here").await;
    ada.say("@Bob see this").await;
    ada.click(dm_link).await;
    ada.wait_for_text("#room-title", "@Bob").await;
    ada.say("one more thing").await;
    let expected = serde_json::json!([
        "Ada in #lobby: hello lobby",
        "Ada mentioned you in #general: @Bob see this",
        "Ada (direct message): one more thing",
    ]);
    eventually("Bob is told of what he asked for", || async {
        bob.global("__notified").await == expected
    })
    .await;
    bob.run(
        "Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
         document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));",
    )
    .await;
    // Back on the page: #general has a mention badge beside its unread
    // count, and the message that mentions him stands out there.
    let general = "a.room-link[data-room='general']";
    bob.wait_for_text(&format!("{general} .badge.mention"), "@1")
        .await;
    bob.wait_for_text(&format!("{general} .badge:not(.mention)"), "2")
        .await;
    bob.click(general).await;
    bob.wait_for_top_message("@Bob see this").await;
    bob.wait_for_text("ol.messages > li.mention .text", "@Bob see this")
        .await;
    assert_eq!(bob.count("ol.messages > li.mention").await, 1);
    eventually("both badges go once read", || async {
        bob.count(&format!("{general} .badge")).await == 0
    })
    .await;

    // A guest: the lobby, and nothing else.
    let guest = Browser::open(&driver.url(), &page).await;
    guest.wait_for_status("open").await;
    assert_eq!(guest.count("a.room-link").await, 1);
    assert_eq!(guest.count("a.room-link[data-room='lobby']").await, 1);
    assert_eq!(guest.count(dm_link).await, 0);
    assert_eq!(guest.count("button.add-room").await, 0);
    assert!(
        guest
            .messages()
            .await
            .iter()
            .all(|m| m.text != "psst: lunch?" && m.text != "hello general")
    );

    // Ada closes her window: after the grace, Bob sees her go offline
    // (guests, never listed, change nothing).
    ada.close().await;
    eventually("Ada offline in the DM", || async {
        bob.count(&format!("{dm_link} .presence-dot.online")).await == 0
    })
    .await;

    for window in [bob, guest] {
        window.close().await;
    }
    natter.server.stop().await.expect("clean shutdown");
}
