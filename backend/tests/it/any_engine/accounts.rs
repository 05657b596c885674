//! Accounts and sessions through the real server: sign-up, login, logout,
//! password changes, and the WebSocket taking its identity from the session.

use crate::common::api::{call, handshake_status, log_in, me, sign_up};
use crate::common::{Client, TestServer};
use serde_json::json;

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[tokio::test]
async fn sign_up_sets_a_careful_cookie_and_the_websocket_knows_the_account() {
    let server = TestServer::start().await;
    let answer = sign_up(&server, "Ada", "correct horse").await;
    assert_eq!(answer.status, 201, "{:?}", answer.body);
    assert_eq!(answer.body["name"], "Ada");
    let token = answer.token();
    assert!(token.len() >= 40, "at least 128 random bits");
    let cookie = answer.set_cookie();
    for attribute in [
        "natter_session=",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=",
    ] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    let session = cookie.split(';').next().unwrap().to_owned();

    assert_eq!(me(&server, &token).await.body["name"], "Ada");
    let by_cookie = call(&server, "GET", "/api/me", None, &[("cookie", &session)]).await;
    assert_eq!(by_cookie.body["name"], "Ada");

    let mut browser = Client::connect_with_headers(&server, "", &[("cookie", &session)]).await;
    assert_eq!(browser.welcome.name, "Ada");
    assert_eq!(
        browser.welcome.token, None,
        "accounts present their session"
    );
    let mut program = Client::connect_with_headers(
        &server,
        "?name=mallory",
        &[("authorization", &bearer(&token))],
    )
    .await;
    assert_eq!(program.welcome.name, "Ada", "an account's name is its own");
    // Both are Ada: each sees the nonce on Ada's message.
    browser.publish("hello", Some("n-1")).await;
    assert_eq!(program.next_message().await.nonce.as_deref(), Some("n-1"));
    assert_eq!(browser.next_message().await.author, "Ada");
}

#[tokio::test]
async fn bad_sign_ups_get_clear_codes() {
    let server = TestServer::start().await;
    let cases = [
        ("ada", "short", 400, "weak_password"),
        ("ada", &*"x".repeat(2000), 400, "password_too_long"),
        ("a\u{200b}da", "correct horse", 400, "invalid_name"),
        ("ada\u{202e}", "correct horse", 400, "invalid_name"),
        ("", "correct horse", 400, "invalid_name"),
        ("<b>ada</b>", "correct horse", 201, ""),
    ];
    for (name, password, status, code) in cases {
        let answer = sign_up(&server, name, password).await;
        assert_eq!(
            answer.status.as_u16(),
            status,
            "{name:?}: {:?}",
            answer.body
        );
        assert_eq!(answer.code(), code, "{name:?}");
        assert!(!answer.body.to_string().contains(password) || password.is_empty());
    }
    let not_json = call(
        &server,
        "POST",
        "/api/signup",
        None,
        &[("content-type", "text/plain")],
    )
    .await;
    assert_eq!(
        (not_json.status.as_u16(), not_json.code()),
        (415, "invalid_request")
    );
    let missing = call(
        &server,
        "POST",
        "/api/signup",
        Some(json!({"name": "x"})),
        &[],
    )
    .await;
    assert_eq!(
        (missing.status.as_u16(), missing.code()),
        (422, "invalid_request")
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_name_get_the_same_answer() {
    let server = TestServer::start().await;
    sign_up(&server, "ada", "correct horse").await;
    let wrong = log_in(&server, "ada", "wrong horse").await;
    let unknown = log_in(&server, "nobody", "correct horse").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.code(), "invalid_credentials");
    let right = log_in(&server, "ADA", "correct horse").await;
    assert_eq!(right.status, 200);
    assert_eq!(right.body["name"], "ada", "the name as it was chosen");
}

#[tokio::test]
async fn logging_out_ends_the_session_everywhere_at_once() {
    let server = TestServer::start().await;
    let token = sign_up(&server, "ada", "correct horse").await.token();
    let copied = token.clone();
    let auth = bearer(&token);
    let out = call(
        &server,
        "POST",
        "/api/logout",
        None,
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(out.status, 204);
    assert!(
        out.set_cookie().contains("Max-Age=0"),
        "{}",
        out.set_cookie()
    );
    assert_eq!(me(&server, &copied).await.code(), "not_signed_in");
    let cookie = format!("natter_session={copied}");
    assert_eq!(
        handshake_status(&server, "", &[("cookie", &cookie)]).await,
        401
    );
    assert_eq!(
        handshake_status(&server, "", &[("authorization", &bearer(&copied))]).await,
        401
    );
    // Never a silent guest: the same goes for a forged token.
    let forged = format!("u_{}", "A".repeat(43));
    assert_eq!(
        handshake_status(&server, "", &[("authorization", &bearer(&forged))]).await,
        401
    );
    assert_eq!(handshake_status(&server, "?token=junk", &[]).await, 401);
}

#[tokio::test]
async fn an_accounts_session_is_never_taken_from_the_url() {
    let server = TestServer::start().await;
    let token = sign_up(&server, "ada", "correct horse").await.token();
    assert_eq!(
        handshake_status(&server, &format!("?token={token}"), &[]).await,
        401
    );
    // In a header it works.
    assert_eq!(
        handshake_status(&server, "", &[("authorization", &bearer(&token))]).await,
        101
    );
}

#[tokio::test]
async fn sessions_expire() {
    let server = TestServer::start_with(&["--session-lifetime", "1s"]).await;
    let token = sign_up(&server, "ada", "correct horse").await.token();
    assert_eq!(me(&server, &token).await.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    assert_eq!(me(&server, &token).await.code(), "not_signed_in");
    assert_eq!(
        handshake_status(&server, "", &[("authorization", &bearer(&token))]).await,
        401
    );
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions() {
    let server = TestServer::start().await;
    let here = sign_up(&server, "ada", "correct horse").await.token();
    let elsewhere = log_in(&server, "ada", "correct horse").await.token();
    let change = |current: &'static str| json!({ "current": current, "new": "battery staple" });
    let auth = bearer(&here);
    let wrong = call(
        &server,
        "POST",
        "/api/password",
        Some(change("wrong")),
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(wrong.code(), "invalid_credentials");
    let done = call(
        &server,
        "POST",
        "/api/password",
        Some(change("correct horse")),
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(done.status, 204, "{:?}", done.body);
    assert_eq!(me(&server, &here).await.status, 200, "this session goes on");
    assert_eq!(me(&server, &elsewhere).await.code(), "not_signed_in");
    assert_eq!(
        log_in(&server, "ada", "correct horse").await.code(),
        "invalid_credentials"
    );
    assert_eq!(log_in(&server, "ada", "battery staple").await.status, 200);
}

#[tokio::test]
async fn closed_sign_up_and_denied_guests() {
    let server = TestServer::start_with(&["--signup", "closed", "--guests", "deny"]).await;
    let answer = sign_up(&server, "ada", "correct horse").await;
    assert_eq!(
        (answer.status.as_u16(), answer.code()),
        (403, "signup_closed")
    );
    assert_eq!(handshake_status(&server, "", &[]).await, 401);
}

#[tokio::test]
async fn a_page_of_another_site_cannot_change_anything() {
    let server = TestServer::start().await;
    let body = json!({ "name": "ada", "password": "correct horse" });
    let forged = call(
        &server,
        "POST",
        "/api/signup",
        Some(body.clone()),
        &[("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(
        (forged.status.as_u16(), forged.code()),
        (403, "cross_origin")
    );
    let fetch = call(
        &server,
        "POST",
        "/api/login",
        Some(body),
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(fetch.code(), "cross_origin");
    let own = server.http_url("");
    let own = own.trim_end_matches('/');
    let same = call(
        &server,
        "POST",
        "/api/signup",
        Some(json!({ "name": "ada", "password": "correct horse" })),
        &[("origin", own)],
    )
    .await;
    assert_eq!(same.status, 201, "{:?}", same.body);
}

#[tokio::test]
async fn preferences_are_kept_with_the_account_on_every_device() {
    let server = TestServer::start().await;
    let answer = sign_up(&server, "ada", "correct horse").await;
    assert_eq!(
        answer.body["preferences"],
        json!({ "theme": "system", "order": "newest_first" }),
        "a new account has the defaults"
    );
    let session = bearer(&answer.token());
    let auth = [("authorization", session.as_str())];
    // Two open pages of Ada's, and someone else's.
    let mut tabs = Vec::new();
    for _ in 0..2 {
        tabs.push(Client::connect_with_headers(&server, "", &auth).await);
    }
    let mut guest_page = Client::connect(&server).await;
    let wanted = json!({ "theme": "dark", "order": "newest_last" });
    let saved = call(
        &server,
        "PUT",
        "/api/me/preferences",
        Some(wanted.clone()),
        &auth,
    )
    .await;
    assert_eq!((saved.status.as_u16(), &saved.body), (200, &wanted));
    // Every open page of hers is told at once; nobody else is.
    for tab in &mut tabs {
        loop {
            if let natter_shared::ServerFrame::Preferences(told) = tab.next_frame().await {
                assert_eq!(serde_json::to_value(told).unwrap(), wanted);
                break;
            }
        }
    }
    guest_page.publish("marker", Some("m-1")).await;
    loop {
        match guest_page.next_frame().await {
            natter_shared::ServerFrame::Preferences(told) => panic!("a guest told {told:?}"),
            natter_shared::ServerFrame::Message(message) if message.value == "marker" => break,
            _ => {}
        }
    }
    // Another device, after a restart: the same.
    let server = server.restart().await;
    let elsewhere = log_in(&server, "ada", "correct horse").await;
    assert_eq!(elsewhere.body["preferences"], wanted);
    let me_now = call(&server, "GET", "/api/me", None, &auth).await;
    assert_eq!(me_now.body["preferences"], wanted);
    // A value the page does not know is refused, and nothing changes; a
    // guest has no account to keep them in.
    let bad = call(
        &server,
        "PUT",
        "/api/me/preferences",
        Some(json!({ "theme": "purple" })),
        &auth,
    )
    .await;
    assert_eq!(bad.status, 422, "{:?}", bad.body);
    assert_eq!(bad.code(), "invalid_request");
    let unchanged = call(&server, "GET", "/api/me", None, &auth).await;
    assert_eq!(unchanged.body["preferences"], wanted);
    let guest = call(&server, "PUT", "/api/me/preferences", Some(wanted), &[]).await;
    assert_eq!(guest.status, 401);
}
