//! The login and sign-up budgets through the real server: floods are
//! refused, guessers on many addresses cannot lock the owner out, one
//! address cannot guess its way through many accounts, password changes
//! have a budget of their own, and password hashing never queues without
//! end.

use std::net::IpAddr;

use crate::common::api::{call, log_in, sign_up};
use crate::common::bystander::Bystander;
use crate::common::{Client, TestServer};
use serde_json::json;

/// The `Retry-After` of a refusal, in whole seconds.
fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// `POST /api/login` as `name` from `address`.
async fn log_in_as_from(
    server: &TestServer,
    address: [u8; 4],
    name: &str,
    password: &str,
) -> reqwest::Response {
    reqwest::Client::builder()
        .local_address(IpAddr::from(address))
        .build()
        .unwrap()
        .post(server.http_url("/api/login"))
        .header("content-type", "application/json")
        .body(json!({ "name": name, "password": password }).to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn one_address_cannot_guess_its_way_through_many_accounts() {
    let server = TestServer::start().await;
    let bystander = Bystander::start(&server).await;
    sign_up(&server, "ada", "correct horse").await;
    // One guess at each of many names, from one address: its own budget
    // runs out, however fresh each account's is.
    let mut refused = None;
    for n in 0..20 {
        let answer =
            log_in_as_from(&server, [127, 0, 0, 31], &format!("someone{n}"), "a guess").await;
        if answer.status() == 429 {
            refused = Some(answer);
            break;
        }
        assert_eq!(answer.status(), 401);
    }
    let refused = refused.expect("the address's budget ran out");
    assert!(retry_after(&refused) >= 1);
    // Ada, elsewhere, is not held back by it.
    let owner = log_in_as_from(&server, [127, 0, 0, 32], "ada", "correct horse").await;
    assert_eq!(owner.status(), 200);
    bystander.finish().await;
}

#[tokio::test]
async fn password_changes_have_a_budget_of_their_own() {
    let server = TestServer::start().await;
    let bystander = Bystander::start(&server).await;
    let signed_up = sign_up(&server, "ada", "correct horse").await;
    let session = format!("Bearer {}", signed_up.token());
    let wrong = json!({ "current": "not her password", "new": "battery staple" });
    let mut refused = None;
    for _ in 0..10 {
        let answer = call(
            &server,
            "POST",
            "/api/password",
            Some(wrong.clone()),
            &[("authorization", &session)],
        )
        .await;
        if answer.status == 429 {
            refused = Some(answer);
            break;
        }
        assert_eq!(answer.code(), "invalid_credentials");
    }
    let refused = refused.expect("the session's password changes are limited");
    assert_eq!(refused.code(), "rate_limited");
    assert!(refused.headers.contains_key("retry-after"));
    // Logging in is another budget: untouched.
    assert_eq!(log_in(&server, "ada", "correct horse").await.status, 200);
    bystander.finish().await;
}

#[tokio::test]
async fn a_flood_of_logins_is_turned_away_rather_than_queued_without_end() {
    const FLOOD: u32 = 120;
    let server = TestServer::start().await;
    let bystander = Bystander::start(&server).await;
    sign_up(&server, "ada", "correct horse").await;
    // Each from an address and for a name of its own, so no budget stops
    // them: all reach the hashing queue at once.
    let attempts = (0..FLOOD).map(|n| {
        let address = [127, 1, (n / 200) as u8, (n % 200 + 1) as u8];
        let server = &server;
        async move { log_in_as_from(server, address, &format!("nobody{n}"), "a guess").await }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let busy: Vec<&reqwest::Response> = answers
        .iter()
        .filter(|answer| answer.status() == 429)
        .collect();
    assert!(
        !busy.is_empty(),
        "{FLOOD} logins at once all waited for the hashing queue"
    );
    for answer in &busy {
        assert!(retry_after(answer) >= 1);
    }
    assert!(
        answers
            .iter()
            .all(|answer| answer.status() == 429 || answer.status() == 401)
    );
    // Once the flood is over, the owner signs in as ever.
    assert_eq!(log_in(&server, "ada", "correct horse").await.status, 200);
    bystander.finish().await;
}

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
    let chatting = Bystander::start(&server).await;
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
    chatting.finish().await;
}
