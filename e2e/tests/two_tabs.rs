//! Two browser windows chatting through a real natter server serving the real
//! built web client, including a server restart under them.

use std::path::{Path, PathBuf};

use backend::{Config, ServerHandle};
use clap::Parser;
use e2e::{Browser, ChromeDriver, built_web_client};
use tempfile::TempDir;

fn config(bind: &str, db: &Path) -> Config {
    let dist = built_web_client();
    Config::try_parse_from([
        "natter",
        "--bind",
        bind,
        "--static-dir",
        dist.to_str().expect("utf-8 path"),
        "--db",
        db.to_str().expect("utf-8 path"),
    ])
    .expect("valid flags")
}

/// A server on a fresh database, and two browser windows on its page, open
/// and named alice and bob.
struct Scene {
    /// Keeps ChromeDriver running.
    _driver: ChromeDriver,
    /// Holds the database.
    _dir: TempDir,
    db: PathBuf,
    addr: std::net::SocketAddr,
    server: Option<ServerHandle>,
    alice: Browser,
    bob: Browser,
}

impl Scene {
    async fn start() -> Self {
        let driver = ChromeDriver::start();
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("natter.db");
        let server = ServerHandle::start(config("127.0.0.1:0", &db))
            .await
            .expect("server starts");
        let addr = server.addr();
        let page = format!("http://{addr}/");
        let alice = Browser::open(&driver.url(), &page).await;
        let bob = Browser::open(&driver.url(), &page).await;
        for (window, name) in [(&alice, "alice"), (&bob, "bob")] {
            window.wait_for_status("open").await;
            window.use_name(name).await;
        }
        Scene {
            _driver: driver,
            _dir: dir,
            db,
            addr,
            server: Some(server),
            alice,
            bob,
        }
    }

    /// Stops the server; both windows show closed.
    async fn stop_server(&mut self) {
        let server = self.server.take().expect("server running");
        server.stop().await.expect("clean shutdown");
        self.alice.wait_for_status("closed").await;
        self.bob.wait_for_status("closed").await;
    }

    /// Starts the server again on the same address and database.
    async fn start_server_again(&mut self) {
        let server = ServerHandle::start(config(&self.addr.to_string(), &self.db))
            .await
            .expect("server restarts");
        self.server = Some(server);
    }

    async fn finish(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("clean shutdown");
        }
        self.alice.close().await;
        self.bob.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_windows_chat_and_survive_a_server_restart() {
    let mut scene = Scene::start().await;
    let (alice, bob) = (&scene.alice, &scene.bob);

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

    // Markup arrives as text and runs nothing: bob's alert() only counts,
    // and an alert that did open would also fail every later step.
    bob.run("window.__alerts = 0; window.alert = () => { window.__alerts += 1; };")
        .await;
    for hostile in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">click me</a>",
    ] {
        alice.say(hostile).await;
        let shown = bob.wait_for_top_message(hostile).await;
        assert_eq!(shown.text, hostile, "shown literally");
    }
    assert_eq!(
        bob.count("ol.messages script, ol.messages img, ol.messages a")
            .await,
        0
    );
    assert_eq!(
        bob.global("__alerts").await,
        0,
        "hostile markup ran in bob's window"
    );

    // Stop the server: both windows show closed. Start it again on the same
    // address: both reconnect on their own, without a reload.
    scene.stop_server().await;
    scene.start_server_again().await;
    let (alice, bob) = (&scene.alice, &scene.bob);
    alice.wait_for_status("open").await;
    bob.wait_for_status("open").await;

    // And the chat works again, with names kept.
    bob.say("back again").await;
    let after = alice.wait_for_top_message("back again").await;
    assert_eq!(after.author, "bob");
    scene.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_written_while_the_server_is_down_arrives_once() {
    let mut scene = Scene::start().await;
    scene.alice.say("before the outage").await;
    scene.bob.wait_for_top_message("before the outage").await;
    scene.stop_server().await;

    // Written while nothing listens: it waits in alice's outbox, marked pending.
    let alice = &scene.alice;
    alice.say("written during the outage").await;
    alice
        .wait_for_state("written during the outage", "pending")
        .await;
    assert_eq!(
        alice.draft().await,
        "",
        "the outbox holds it, not the input"
    );

    scene.start_server_again().await;
    let (alice, bob) = (&scene.alice, &scene.bob);
    let arrived = bob.wait_for_top_message("written during the outage").await;
    assert_eq!(arrived.author, "alice");
    alice.wait_for_state("written during the outage", "").await;
    let count = |messages: Vec<e2e::Message>| {
        messages
            .iter()
            .filter(|m| m.text == "written during the outage")
            .count()
    };
    assert_eq!(count(bob.messages().await), 1, "bob sees it once");
    assert_eq!(count(alice.messages().await), 1, "alice sees it once");

    // A reload starts from nothing but the server's history.
    bob.reload().await;
    bob.wait_for_status("open").await;
    bob.wait_for_top_message("written during the outage").await;
    let texts: Vec<String> = bob.messages().await.into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["written during the outage", "before the outage"]);

    // A hundred typed offline, against the server's real frame budget
    // (20 at once, then 5 a second): the outbox keeps to it, so every one
    // arrives, in order, with no click, none refused and the connection
    // never cut for flooding.
    scene.stop_server().await;
    let typed: Vec<String> = (0..100).map(|n| format!("offline {n:03}")).collect();
    for text in &typed {
        scene.alice.say(text).await;
    }
    scene.start_server_again().await;
    let (alice, bob) = (&scene.alice, &scene.bob);
    // From the moment alice is back, count every time her connection closes.
    alice.wait_for_status("open").await;
    alice
        .run(
            "window.__closes = 0; let last = 'open'; setInterval(() => { \
             const now = document.querySelector('.status')?.dataset.state; \
             if (now !== last && now !== 'open') window.__closes += 1; last = now; }, 20);",
        )
        .await;
    let newest_first: Vec<String> = typed.iter().rev().cloned().collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let shown: Vec<String> = bob.messages().await.into_iter().map(|m| m.text).collect();
        if shown.len() >= 100 && shown[..100] == newest_first[..] {
            break;
        }
        // The list holds its newest messages; older ones come into it as
        // the reader scrolls towards them.
        bob.run("const t = document.querySelector('.timeline'); t.scrollTop = t.scrollHeight;")
            .await;
        assert!(
            std::time::Instant::now() < deadline,
            "bob has {} of the 100, in this order: {:?}",
            shown
                .iter()
                .filter(|text| text.starts_with("offline"))
                .count(),
            shown.iter().take(5).collect::<Vec<_>>()
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let states: Vec<String> = alice
        .messages()
        .await
        .into_iter()
        .filter(|m| m.text.starts_with("offline"))
        .map(|m| m.state)
        .collect();
    assert!(
        states.iter().all(|state| state != "failed"),
        "nothing was given up: {states:?}"
    );
    assert_eq!(
        alice.global("__closes").await,
        0,
        "the connection was never closed for flooding"
    );
    scene.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_signs_up_chats_under_its_name_and_stays_signed_in() {
    let mut scene = Scene::start().await;
    let (alice, bob) = (&scene.alice, &scene.bob);

    // The guest "alice" makes an account; the page reconnects under it.
    alice.sign_in("Alice", "correct horse", true).await;
    alice.say("now with an account").await;
    let seen = bob.wait_for_top_message("now with an account").await;
    assert_eq!(seen.author, "Alice");
    assert!(alice.wait_for_top_message("now with an account").await.own);

    // The session outlives a reload; the cookie is not for scripts.
    alice.reload().await;
    alice.wait_for_text(".me-name", "Alice").await;
    let cookie = alice.script_string("return document.cookie").await;
    assert_eq!(cookie, "", "HttpOnly: {cookie:?}");

    // Nobody else can take the name, in any case.
    alice_name_is_taken(bob).await;

    // Logging out makes the window a guest again, still chatting.
    alice.sign_out().await;
    alice.say("back as a guest").await;
    let seen = bob.wait_for_top_message("back as a guest").await;
    assert_ne!(seen.author, "Alice");

    // Signed in again, the session ends elsewhere (the password is changed
    // from another browser): the server closes the page's connection (4001),
    // and the page says why and goes on as a guest by itself, across a
    // restart too.
    alice.sign_in("Alice", "correct horse", false).await;
    bob.run(
        "window.passwordChanged = 0;
         const post = (path, body) => fetch(path, { method: 'POST',
             headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
         post('/api/login', { name: 'Alice', password: 'correct horse' })
             .then(() => post('/api/password', { current: 'correct horse', new: 'battery staple' }))
             .then((answer) => { window.passwordChanged = answer.status; });",
    )
    .await;
    e2e::eventually("the password change", || async {
        bob.global("passwordChanged").await == 204
    })
    .await;
    scene.stop_server().await;
    scene.start_server_again().await;
    let alice = &scene.alice;
    alice
        .wait_for_text(
            ".notice-text",
            "You were signed out: your session ended (signed out elsewhere, a password change, or it ran out). Log in to chat as yourself again.",
        )
        .await;
    alice.wait_for_status("open").await;
    alice.say("a guest after all").await;
    let seen = scene.bob.wait_for_top_message("a guest after all").await;
    assert_ne!(seen.author, "Alice");
    scene.finish().await;
}

async fn alice_name_is_taken(bob: &e2e::Browser) {
    bob.submit_account_form("ALICE", "another horse", true)
        .await;
    bob.wait_for_text(
        "#account-name-problem",
        "Someone already has that name (or one that looks like it). Choose another, or log in if it is yours.",
    )
    .await;
    bob.press("Escape").await;
}
