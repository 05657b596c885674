//! Two browser windows chatting through a real natter server serving the real
//! built web client, including a server restart under them.

use backend::{Config, ServerHandle};
use clap::Parser;
use e2e::{Browser, ChromeDriver, built_web_client};

fn config(bind: &str) -> Config {
    let dist = built_web_client();
    Config::try_parse_from([
        "natter",
        "--bind",
        bind,
        "--static-dir",
        dist.to_str().expect("utf-8 path"),
    ])
    .expect("valid flags")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_windows_chat_and_survive_a_server_restart() {
    let driver = ChromeDriver::start();
    let server = ServerHandle::start(config("127.0.0.1:0"))
        .await
        .expect("server starts");
    let addr = server.addr();
    let page = format!("http://{addr}/");

    let alice = Browser::open(&driver.url(), &page).await;
    let bob = Browser::open(&driver.url(), &page).await;
    alice.wait_for_status("open").await;
    bob.wait_for_status("open").await;
    alice.use_name("alice").await;
    bob.use_name("bob").await;

    // A message typed in one window appears on top of the other's list.
    alice.say("hello from alice").await;
    let seen = bob.wait_for_top_message("hello from alice").await;
    assert_eq!(seen.author, "alice");
    assert!(!seen.own);
    let own = alice.wait_for_top_message("hello from alice").await;
    assert!(own.own, "alice's own message is marked as hers");
    assert_eq!(
        alice.draft().await,
        "",
        "the box clears once the message is sent"
    );

    bob.say("hi alice, bob here").await;
    alice.wait_for_top_message("hi alice, bob here").await;
    let texts: Vec<String> = alice.messages().await.into_iter().map(|m| m.text).collect();
    assert_eq!(
        texts,
        ["hi alice, bob here", "hello from alice"],
        "newest first"
    );

    // Markup arrives as text and runs nothing.
    let hostile =
        "<img src=x onerror=\"window.__natter_xss = 1\"><script>window.__natter_xss = 2</script>";
    alice.say(hostile).await;
    bob.wait_for_top_message(hostile).await;
    assert!(
        bob.global("__natter_xss").await.is_null(),
        "hostile markup ran in bob's window"
    );

    // Stop the server: both windows show closed. Start it again on the same
    // address: both reconnect on their own, without a reload.
    server.stop().await.expect("clean shutdown");
    alice.wait_for_status("closed").await;
    bob.wait_for_status("closed").await;
    let restarted = ServerHandle::start(config(&addr.to_string()))
        .await
        .expect("server restarts");
    alice.wait_for_status("open").await;
    bob.wait_for_status("open").await;

    // And the chat works again, with names kept.
    bob.say("back again").await;
    let after = alice.wait_for_top_message("back again").await;
    assert_eq!(after.author, "bob");

    alice.close().await;
    bob.close().await;
    restarted.stop().await.expect("clean shutdown");
}
