//! What a person sees of the security rules, in headless Chromium: natter
//! serving https and wss itself (the page loads, signs up with a `Secure`,
//! `HttpOnly` cookie, and chats), and a session ended by a password change
//! while another browser has it open: that browser is told it was signed
//! out and goes on as a guest, while the owner chats on.

use std::path::Path;

use backend::ServerHandle;
use e2e::{Browser, ChromeDriver, built_web_client, eventually};

/// A certificate for 127.0.0.1 and localhost, made here, and the flags that
/// serve it.
fn tls_flags(dir: &Path) -> Vec<String> {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("a certificate");
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    std::fs::write(&cert, certified.cert.pem()).expect("write cert");
    std::fs::write(&key, certified.signing_key.serialize_pem()).expect("write key");
    vec![
        "--tls-cert".to_owned(),
        cert.to_str().expect("utf-8").to_owned(),
        "--tls-key".to_owned(),
        key.to_str().expect("utf-8").to_owned(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_a_stolen_session_is_cut_off_by_a_password_change() {
    let driver = ChromeDriver::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("natter.db");
    let dist = built_web_client();
    let mut args = vec![
        "natter".to_owned(),
        "--bind".to_owned(),
        "127.0.0.1:0".to_owned(),
        "--static-dir".to_owned(),
        dist.to_str().expect("utf-8").to_owned(),
        "--db".to_owned(),
        db.to_str().expect("utf-8").to_owned(),
    ];
    args.extend(tls_flags(dir.path()));
    let config = <backend::Config as clap::Parser>::try_parse_from(args).expect("valid flags");
    let server = ServerHandle::start(config).await.expect("server starts");
    let page = format!("https://{}/", server.addr());

    // The page loads over https (Chromium speaks HTTP/1.1 to it) and its
    // WebSocket is wss.
    let owner = Browser::open_trusting_the_tests_certificate(&driver.url(), &page).await;
    owner.wait_for_status("open").await;
    owner.sign_in("Ada", "correct horse", true).await;
    let cookies = owner.cookies().await;
    let session = cookies
        .iter()
        .find(|(name, _, _)| name == "natter_session")
        .unwrap_or_else(|| panic!("a session cookie in {cookies:?}"));
    assert!(session.1, "the session cookie is Secure over https");
    assert!(session.2, "and HttpOnly");

    // Someone else has Ada's password and signs in elsewhere.
    let thief = Browser::open_trusting_the_tests_certificate(&driver.url(), &page).await;
    thief.wait_for_status("open").await;
    thief.sign_in("Ada", "correct horse", false).await;
    owner.say("hello over https").await;
    assert_eq!(
        thief.wait_for_top_message("hello over https").await.author,
        "Ada"
    );

    // Ada changes her password; the other browser is signed out at once,
    // told so, and goes on as a guest.
    owner
        .run(
            "fetch('/api/password', { method: 'POST', headers: { 'content-type': 'application/json' }, \
             body: JSON.stringify({ current: 'correct horse', new: 'battery staple' }) }) \
             .then(r => { window.__changed = r.status; });",
        )
        .await;
    eventually("the password changed", || async {
        owner.global("__changed").await == 204
    })
    .await;
    thief
        .wait_for_text(
            ".notice-text",
            "You were signed out: your session ended (signed out elsewhere, a password change, or it ran out). Log in to chat as yourself again.",
        )
        .await;
    assert_eq!(
        thief.count("button.sign-in-open").await,
        1,
        "the way to sign in is back"
    );
    thief.wait_for_status("open").await;

    // Ada chats on; the former thief, now a guest in the lobby, reads it
    // under no name of Ada's.
    owner.say("still me").await;
    thief.wait_for_top_message("still me").await;
    thief.say("who am I now?").await;
    let seen = owner.wait_for_top_message("who am I now?").await;
    assert!(seen.author.starts_with("guest-"), "{}", seen.author);
    assert_eq!(owner.status().await, "open");

    owner.close().await;
    thief.close().await;
    server.stop().await.expect("clean shutdown");
}
