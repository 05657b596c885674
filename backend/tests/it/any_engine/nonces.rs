//! Nonces are bounded: a long one, or one with characters outside the
//! documented set, is refused with `invalid_nonce`, stored nowhere, and never
//! echoed back.

use crate::common::{Client, TestServer};
use natter_shared::{ErrorCode, MAX_NONCE_CHARS};

#[tokio::test]
async fn bad_nonces_are_refused_and_nothing_is_stored() {
    let server = TestServer::start().await;
    let mut sender = Client::connect_as(&server, "sender").await;
    let mut bystander = Client::connect_as(&server, "bystander").await;
    let too_long = "n".repeat(65_400);
    for nonce in [
        too_long.as_str(),
        "a\u{0}b",
        "esc\u{1b}[31m",
        "",
        "with space",
        "é",
    ] {
        sender.publish("hello", Some(nonce)).await;
        let error = sender.expect_error(ErrorCode::InvalidNonce).await;
        assert_eq!(error.nonce, None, "a refused nonce is not echoed");
        assert!(error.message.len() < 200, "{}", error.message);
    }
    // Nothing above was stored: the next message anyone sees is id 1.
    bystander.publish("after", None).await;
    let seen = bystander.next_message().await;
    assert_eq!((seen.id, seen.value.as_str()), (1, "after"));
    assert_eq!(sender.next_message().await.id, 1);
}

#[tokio::test]
async fn the_longest_allowed_nonce_and_the_web_clients_nonces_are_acked() {
    let server = TestServer::start().await;
    let mut sender = Client::connect_as(&server, "sender").await;
    for nonce in [
        "x".repeat(MAX_NONCE_CHARS),
        "19a0f3c2b11-1fffffffffffff".to_owned(),
        "550e8400-e29b-41d4-a716-446655440000".to_owned(),
    ] {
        sender.publish("hi", Some(&nonce)).await;
        assert_eq!(sender.next_ack().await.nonce, nonce);
    }
}

#[tokio::test]
async fn a_rate_limited_frame_does_not_echo_a_bad_nonce() {
    let server =
        TestServer::start_with(&["--rate-limit-per-second", "0.5", "--rate-limit-burst", "1"])
            .await;
    let mut sender = Client::connect_as(&server, "sender").await;
    sender.publish("first", Some("ok-1")).await;
    sender.next_ack().await;
    sender.publish("second", Some(&"n".repeat(10_000))).await;
    let error = sender.expect_error(ErrorCode::RateLimited).await;
    assert_eq!(error.nonce, None);
}
