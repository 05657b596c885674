//! The login and sign-up budgets through the real server: floods are
//! refused, and guessers on many addresses cannot lock the owner out.

use crate::common::api::{call, log_in, sign_up};
use crate::common::{Client, TestServer};
use serde_json::json;

#[tokio::test]
async fn floods_of_logins_and_sign_ups_are_rate_limited() {
    let server = TestServer::start().await;
    sign_up(&server, "ada", "correct horse").await;
    let mut limited = None;
    for _ in 0..12 {
        let answer = log_in(&server, "ada", "wrong horse").await;
        if answer.status == 429 {
            limited = Some(answer);
            break;
        }
        assert_eq!(answer.code(), "invalid_credentials");
    }
    let limited = limited.expect("a flood of logins is limited");
    assert_eq!(limited.code(), "rate_limited");
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);

    let mut signups = Vec::new();
    for n in 0..12 {
        signups.push(
            sign_up(&server, &format!("user{n}"), "correct horse")
                .await
                .status
                .as_u16(),
        );
    }
    assert!(signups.contains(&429), "{signups:?}");
}

/// `POST /api/login` from `address` (any loopback address: the server
/// budgets logins by address), with extra headers.
async fn log_in_from(
    server: &TestServer,
    address: [u8; 4],
    password: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let client = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(address))
        .build()
        .unwrap();
    let mut request = client
        .post(server.http_url("/api/login"))
        .header("content-type", "application/json")
        .body(json!({ "name": "ada", "password": password }).to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn guessers_on_many_addresses_cannot_lock_the_owner_out() {
    let server = TestServer::start().await;
    let mut bystander = Client::connect_as(&server, "bystander").await;
    let signed_up = sign_up(&server, "ada", "correct horse").await;
    let marks: Vec<String> = signed_up
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .filter(|cookie| cookie.starts_with("natter_device="))
        .collect();
    let [mark] = marks.as_slice() else {
        panic!("one known-device mark: {marks:?}");
    };
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/api"] {
        assert!(mark.contains(attribute), "{attribute} in {mark}");
    }
    let device = mark.split(';').next().unwrap().to_owned();
    let session = format!("Bearer {}", signed_up.token());

    // Wrong guesses at Ada's password from eleven addresses use up the
    // account's shared budget: the next unknown device waits.
    for n in 2..13u8 {
        log_in_from(&server, [127, 0, 0, n], "a guess", &[]).await;
    }
    let stranger = log_in_from(&server, [127, 0, 0, 20], "correct horse", &[]).await;
    assert_eq!(stranger.status(), 429);
    assert!(stranger.headers().contains_key("retry-after"));
    // Ada's own browser, known to the account, signs in all the same.
    let owner = log_in_from(
        &server,
        [127, 0, 0, 1],
        "correct horse",
        &[("cookie", &device)],
    )
    .await;
    assert_eq!(owner.status(), 200);
    // And changing her password is not held back by the guessing.
    let change = json!({ "current": "correct horse", "new": "battery staple" });
    let changed = call(
        &server,
        "POST",
        "/api/password",
        Some(change),
        &[("authorization", &session)],
    )
    .await;
    assert_eq!(changed.status, 204, "{:?}", changed.body);
    bystander.publish("still chatting", Some("b-1")).await;
    assert_eq!(bystander.next_ack().await.nonce, "b-1");
}
