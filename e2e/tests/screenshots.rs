//! The README's screenshots, taken from the real client on every run so
//! they show it as it is: a conversation in a room, on a desktop's screen
//! and a phone's, in the light scheme and the dark one. Written to
//! `docs/screenshots/`.

mod common;

use common::{Natter, signed_up};
use e2e::{Browser, ChromeDriver, eventually};

/// Where the README finds them.
const FOLDER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/screenshots");

/// A desktop's window and a phone's screen.
const SIZES: [(&str, u32, u32); 2] = [("desktop", 1280, 800), ("phone", 390, 844)];

/// What a PNG file starts with.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

#[tokio::test]
async fn the_readmes_screenshots_show_a_conversation_light_and_dark() {
    let driver = ChromeDriver::start();
    let natter = Natter::start().await;
    let page = natter.page();

    // Ada opens #general, Bob joins it, and they talk.
    let ada = signed_up(&driver.url(), &page, "Ada").await;
    let bob = signed_up(&driver.url(), &page, "Bob").await;
    ada.click("button.add-room").await;
    ada.type_into("#new-room-input", "general").await;
    eventually("ada in #general", || async {
        ada.hash().await == "#/r/general"
    })
    .await;
    bob.click("button.browse").await;
    bob.click(".directory li[data-room='general'] button.join")
        .await;
    eventually("bob in #general", || async {
        bob.hash().await == "#/r/general"
    })
    .await;
    let conversation = [
        (
            &ada,
            "Morning! Is the release still on for **Friday**?",
            "Morning! Is the release still on for Friday?",
        ),
        (
            &bob,
            "It is. The last migration landed last night.",
            "It is. The last migration landed last night.",
        ),
        (
            &bob,
            "The checklist: https://example.com/release",
            "The checklist: https://example.com/release",
        ),
        (
            &ada,
            "Great. @Bob can you post the notes here when they're ready?",
            "Great. @Bob can you post the notes here when they're ready?",
        ),
        (
            &bob,
            "Will do, right after lunch. The fix was `retry_after_ms`.",
            "Will do, right after lunch. The fix was retry_after_ms.",
        ),
    ];
    for (who, typed, shown) in conversation {
        who.say(typed).await;
        ada.wait_for_top_message(shown).await;
        bob.wait_for_top_message(shown).await;
    }
    let last = "Will do, right after lunch. The fix was retry_after_ms.";

    std::fs::create_dir_all(FOLDER).expect("the screenshots folder");
    let light = &bob;
    let dark = Browser::open_dark(&driver.url(), &page).await;
    dark.wait_for_status("open").await;
    dark.sign_in("Ada", "correct horse", false).await;
    dark.click("a.room-link[data-room='general']").await;
    dark.wait_for_top_message(last).await;
    for (scheme, window, is_dark) in [("light", light, false), ("dark", &dark, true)] {
        let prefers_dark = window
            .script_string("return String(matchMedia('(prefers-color-scheme: dark)').matches)")
            .await;
        assert_eq!(
            prefers_dark,
            is_dark.to_string(),
            "the {scheme} window's scheme"
        );
        for (size, width, height) in SIZES {
            window.set_window_size(width, height).await;
            window.wait_for_top_message(last).await;
            // A new width may slide the room drawer away: wait until
            // nothing moves.
            eventually("the layout settles", || async {
                window
                    .script_string("return String(document.getAnimations().length)")
                    .await
                    == "0"
            })
            .await;
            let png = window.screenshot().await;
            assert!(png.starts_with(PNG_SIGNATURE), "{size}-{scheme} is a PNG");
            let path = format!("{FOLDER}/{size}-{scheme}.png");
            std::fs::write(&path, png).unwrap_or_else(|error| panic!("{path}: {error}"));
        }
    }
    dark.close().await;
    ada.close().await;
    bob.close().await;
}
