//! The page checked by axe-core against WCAG 2.1 A and AA, in the states
//! people see: a guest in the lobby (formatted messages, the sign-in card),
//! a signed-in account with a room, a direct conversation, unread badges
//! and the room directory open, a message's actions, its edit box and the
//! delete question, Settings, the quick switcher and the shortcuts, a room
//! that does not exist, and a phone's screen in the dark with the room
//! drawer open. Every control must be
//! reachable and labelled, and every text readable against its background.
//!
//! Needs axe-core's `axe.min.js` at `$AXE_JS` (scripts/test.sh installs it).

mod common;

use common::{Natter, signed_up};
use e2e::{Browser, ChromeDriver, eventually};

fn axe_source() -> String {
    let path = std::env::var("AXE_JS")
        .expect("AXE_JS names axe-core's axe.min.js (scripts/test.sh installs it)");
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"))
}

async fn assert_accessible(window: &Browser, axe: &str, state: &str) {
    let violations = window.accessibility_violations(axe).await;
    assert!(
        violations.is_empty(),
        "{state}: {} accessibility violations:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

#[tokio::test]
async fn every_state_of_the_page_passes_the_accessibility_rules() {
    let axe = axe_source();
    let driver = ChromeDriver::start();
    let natter = Natter::start().await;
    let page = natter.page();

    let guest = Browser::open(&driver.url(), &page).await;
    guest.wait_for_status("open").await;
    guest
        .say("hello from a guest, with **bold**, `code` and https://example.com")
        .await;
    guest
        .wait_for_top_message("hello from a guest, with bold, code and https://example.com")
        .await;
    assert_accessible(&guest, &axe, "a guest in the lobby").await;
    guest.click("button.sign-in-open").await;
    guest
        .wait_for_text(".sign-in-card .card-title", "Log in or sign up")
        .await;
    assert_accessible(&guest, &axe, "a guest with the sign-in card open").await;
    guest.press("Escape").await;

    let ada = signed_up(&driver.url(), &page, "Ada").await;
    let bob = signed_up(&driver.url(), &page, "Bob").await;
    ada.click("button.add-room").await;
    ada.type_into("#new-room-input", "general").await;
    eventually("ada in #general", || async {
        ada.hash().await == "#/r/general"
    })
    .await;
    ada.say("hello general").await;
    ada.click("button.add-direct").await;
    ada.type_into("#new-direct-input", "bob").await;
    eventually("ada in the DM", || async { ada.hash().await == "#/dm/Bob" }).await;
    ada.say("psst").await;
    // Bob, in the lobby, has an unread conversation and the directory open.
    bob.wait_for_text("a.room-link[data-room^='dm:'] .badge", "1")
        .await;
    bob.click("button.browse").await;
    bob.wait_for_text(".directory li[data-room='general'] .room-name", "#general")
        .await;
    assert_accessible(&bob, &axe, "an account with an unread DM and the directory").await;
    bob.press("Escape").await;
    // Bob opens the conversation: the "new since you left" line is there.
    bob.click("a.room-link[data-room^='dm:']").await;
    bob.wait_for_top_message("psst").await;
    assert_accessible(&bob, &axe, "a direct conversation").await;
    // Ada changes her message from the keyboard: the edit field, then the
    // delete question.
    ada.wait_for_state("psst", "").await;
    ada.run("document.querySelector('ol.messages > li.message.own').focus()")
        .await;
    assert_accessible(&ada, &axe, "a message with its actions shown").await;
    ada.press("e").await;
    ada.wait_for_text("ol.messages > li.own .edit-form label", "Edit your message")
        .await;
    assert_accessible(&ada, &axe, "editing a message").await;
    ada.press("Escape").await;
    ada.press("Delete").await;
    eventually("the question", || async {
        ada.count("dialog.confirm[open]").await == 1
    })
    .await;
    assert_accessible(&ada, &axe, "asked whether to delete a message").await;
    ada.press("Escape").await;
    // Settings, the quick switcher and the shortcuts.
    ada.click("button.me").await;
    eventually("settings", || async {
        ada.count("dialog.settings[open]").await == 1
    })
    .await;
    assert_accessible(&ada, &axe, "settings").await;
    ada.press("Escape").await;
    ada.press_with_ctrl("k").await;
    eventually("the switcher", || async {
        ada.count("dialog.switcher[open]").await == 1
    })
    .await;
    assert_accessible(&ada, &axe, "the quick switcher").await;
    ada.press("Escape").await;
    ada.run("document.querySelector('.timeline').focus()").await;
    ada.press("?").await;
    eventually("the shortcuts", || async {
        ada.count("dialog.shortcuts[open]").await == 1
    })
    .await;
    assert_accessible(&ada, &axe, "the keyboard shortcuts").await;
    ada.press("Escape").await;
    // A room that does not exist.
    ada.goto(&format!("{page}#/r/nowhere")).await;
    ada.wait_for_text(".missing-room h3", "There is no room called #nowhere")
        .await;
    assert_accessible(&ada, &axe, "a room that does not exist").await;
    ada.goto(&format!("{page}#/r/general")).await;

    // A phone's screen, with the room drawer open, in the dark.
    let dark = Browser::open_dark(&driver.url(), &page).await;
    dark.set_window_size(390, 844).await;
    dark.wait_for_status("open").await;
    dark.sign_in("Ada", "correct horse", false).await;
    assert_accessible(&dark, &axe, "a phone in the dark").await;
    dark.click(".rooms-toggle").await;
    eventually("the drawer opens", || async {
        dark.script_string(
            "return String(document.querySelector('#room-list').classList.contains('open'))",
        )
        .await
            == "true"
    })
    .await;
    assert_accessible(&dark, &axe, "a phone with the room drawer open").await;

    for window in [guest, ada, bob, dark] {
        window.close().await;
    }
}
