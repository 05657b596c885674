//! A nonce is an idempotency key: the same author and nonce are stored once,
//! and every retry is acked with the original id, across restarts too.

use crate::common::{Client, TestServer};

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

#[tokio::test]
async fn a_nonce_reused_for_another_room_or_change_is_refused_not_acked_as_the_other() {
    use crate::common::rooms::Person;
    use natter_shared::{ErrorCode, LOBBY};

    let server = TestServer::start().await;
    let ada = Person::sign_up(&server, "ada").await;
    assert_eq!(ada.create_room(&server, "general").await.status, 201);
    let mut tab = ada.connect(&server, "").await;
    let mut bob = Client::connect_as(&server, "bob").await;

    tab.publish_in("general", "first, in general", Some("n-1"))
        .await;
    let first = reply(&mut tab).await.unwrap();
    // The same nonce for a message in another room: refused, nothing stored.
    tab.publish_in(LOBBY, "then in the lobby", Some("n-1"))
        .await;
    let error = refused(reply(&mut tab).await);
    assert_eq!(error.code, ErrorCode::NonceReused);
    assert_eq!(error.nonce.as_deref(), Some("n-1"));
    // An edit reusing its message's nonce: refused too, the text unchanged.
    tab.edit("general", first.id, "edited?", Some("n-1")).await;
    let error = refused(reply(&mut tab).await);
    assert_eq!(
        (error.code, error.nonce.as_deref()),
        (ErrorCode::NonceReused, Some("n-1"))
    );
    // With a nonce of its own the edit applies, and its retry is one edit.
    tab.edit("general", first.id, "edited", Some("e-1")).await;
    tab.edit("general", first.id, "edited", Some("e-1")).await;
    let edits = [
        reply(&mut tab).await.unwrap(),
        reply(&mut tab).await.unwrap(),
    ];
    assert_eq!(edits[0].id, edits[1].id, "the retry is acked as the edit");
    // A delete with the edit's nonce is another change: refused.
    tab.delete("general", first.id, Some("e-1")).await;
    assert_eq!(refused(reply(&mut tab).await).code, ErrorCode::NonceReused);

    // Bob, in the lobby, never saw the refused message: the next he gets
    // is his own.
    bob.publish("bob here", None).await;
    assert_eq!(bob.next_message().await.value, "bob here");
    // A new tab's first page holds the message as edited, and Bob's; never
    // the refused one.
    let mut page = ada.connect(&server, "").await;
    let shown = [page.next_message().await, page.next_message().await];
    let texts: Vec<&str> = shown.iter().map(|message| message.value.as_str()).collect();
    assert_eq!(texts, ["edited", "bob here"]);
}

/// The next ack or error, past the messages and changes themselves.
async fn reply(tab: &mut Client) -> Result<natter_shared::AckParams, natter_shared::ErrorParams> {
    loop {
        match tab.next_frame().await {
            natter_shared::ServerFrame::Ack(ack) => return Ok(ack),
            natter_shared::ServerFrame::Error(error) => return Err(error),
            _ => {}
        }
    }
}

/// The error a refused frame got; an ack would be the bug.
fn refused(
    outcome: Result<natter_shared::AckParams, natter_shared::ErrorParams>,
) -> natter_shared::ErrorParams {
    match outcome {
        Err(error) => error,
        Ok(ack) => panic!("acked as another message: {ack:?}"),
    }
}
