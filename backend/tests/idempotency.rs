//! A nonce is an idempotency key: the same author and nonce are stored once,
//! and every retry is acked with the original id, across restarts too.

mod common;

use common::{Client, TestServer};

#[tokio::test]
async fn the_same_nonce_three_times_is_one_message_and_three_acks() {
    let server = TestServer::start().await;
    let mut ada = Client::connect_as(&server, "ada").await;
    let mut bob = Client::connect_as(&server, "bob").await;

    for _ in 0..3 {
        ada.publish("exactly once", Some("retry-me")).await;
    }
    let acks = [
        ada.next_ack().await,
        ada.next_ack().await,
        ada.next_ack().await,
    ];
    let own = ada.next_message().await;
    assert!(
        acks.iter()
            .all(|ack| ack.nonce == "retry-me" && ack.id == own.id),
        "{acks:?}"
    );

    // Bob sees it once: the next thing he receives is the marker after it.
    assert_eq!(bob.next_message().await.id, own.id);
    ada.publish("marker", None).await;
    assert_eq!(bob.next_message().await.value, "marker");

    // And history holds it once.
    let mut later = Client::connect(&server).await;
    let first = later.next_message().await;
    let second = later.next_message().await;
    assert_eq!(
        (first.value.as_str(), second.value.as_str()),
        ("exactly once", "marker")
    );
}

#[tokio::test]
async fn a_retry_after_a_restart_gets_the_original_id() {
    let server = TestServer::start().await;
    // A program following the retry rule as a guest, with no name at all.
    let mut guest = Client::connect(&server).await;
    let token = guest.welcome.token.clone().expect("a guest token");
    guest.publish("before the restart", Some("n-42")).await;
    let original = guest.next_ack().await;
    drop(guest);

    let server = server.restart().await;
    let mut ada =
        Client::connect_with_query(&server, &format!("?since={}&token={token}", original.id)).await;
    ada.publish("before the restart", Some("n-42")).await;
    assert_eq!(ada.next_ack().await.id, original.id);
    ada.publish("new", Some("n-43")).await;
    let new = ada.next_ack().await;
    assert_eq!(new.id, original.id + 1, "the retry stored nothing");
    assert_eq!(
        ada.next_message().await.id,
        new.id,
        "the retry was not broadcast again"
    );
}

#[tokio::test]
async fn two_people_with_one_name_are_two_authors() {
    let server = TestServer::start().await;
    let mut ada = Client::connect_as(&server, "ada").await;
    let mut other_ada = Client::connect_as(&server, "ada").await;
    ada.publish("from ada", Some("same")).await;
    let first = ada.next_ack().await;
    other_ada.publish("from the other ada", Some("same")).await;
    let second = other_ada.next_ack().await;
    assert_ne!(first.id, second.id, "not mistaken for a retry");
    // Each sees the nonce on its own message only.
    assert_eq!(ada.next_message().await.nonce.as_deref(), Some("same"));
    assert_eq!(ada.next_message().await.nonce, None);
}

#[tokio::test]
async fn the_same_nonce_from_another_author_is_another_message() {
    let server = TestServer::start().await;
    let mut ada = Client::connect_as(&server, "ada").await;
    let mut bob = Client::connect_as(&server, "bob").await;
    ada.publish("from ada", Some("same")).await;
    let ada_ack = ada.next_ack().await;
    bob.publish("from bob", Some("same")).await;
    let bob_ack = bob.next_ack().await;
    assert_ne!(ada_ack.id, bob_ack.id);
}
