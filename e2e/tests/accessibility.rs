//! The page checked by axe-core against WCAG 2.1 A and AA, in the states
//! people see: a guest in the lobby, a signed-in account with a room, a
//! direct conversation, unread badges and the room directory open, and a
//! phone's screen with the room drawer open. Every control must be
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
    guest.say("hello from a guest").await;
    guest.wait_for_top_message("hello from a guest").await;
    assert_accessible(&guest, &axe, "a guest in the lobby").await;

    let ada = signed_up(&driver.url(), &page, "Ada").await;
    let bob = signed_up(&driver.url(), &page, "Bob").await;
    ada.type_into("#new-room-input", "general").await;
    eventually("ada in #general", || async {
        ada.hash().await == "#/r/general"
    })
    .await;
    ada.say("hello general").await;
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
    // Bob opens the conversation: the "new since you left" line is there.
    bob.click("a.room-link[data-room^='dm:']").await;
    bob.wait_for_top_message("psst").await;
    assert_accessible(&bob, &axe, "a direct conversation").await;
    // Ada changes her message: the edit field, then the delete question.
    ada.wait_for_state("psst", "sent").await;
    ada.click("ol.messages > li.own button.edit").await;
    ada.wait_for_text("ol.messages > li.own .edit-form label", "Edit your message")
        .await;
    assert_accessible(&ada, &axe, "editing a message").await;
    ada.click("ol.messages > li.own button.discard").await;
    ada.click("ol.messages > li.own button.delete").await;
    assert_accessible(&ada, &axe, "asked whether to delete a message").await;
    ada.click("ol.messages > li.own button.discard").await;

    // A phone's screen, with the room drawer open.
    ada.set_window_size(390, 844).await;
    ada.click(".rooms-toggle").await;
    eventually("the drawer opens", || async {
        ada.script_string(
            "return String(document.querySelector('#room-list').classList.contains('open'))",
        )
        .await
            == "true"
    })
    .await;
    assert_accessible(&ada, &axe, "a phone with the room drawer open").await;

    for window in [guest, ada, bob] {
        window.close().await;
    }
}
