//! Typing notices through the real server: they reach the others in the
//! room who asked for presence, never the typist's own connections, nobody
//! outside the room, and at most one per connection every two seconds; a
//! flood of them is throttled, and then closed, for its sender alone.

use crate::common::rooms::Person;
use crate::common::{Client, TestServer};
use natter_shared::{ErrorCode, ServerFrame, TypingNotice};

fn typing(room: &str) -> String {
    format!(r#"{{"type":"typing","params":{{"room":"{room}"}}}}"#)
}

fn notice(room: &str, name: &str) -> TypingNotice {
    TypingNotice {
        room: room.into(),
        name: name.into(),
    }
}

/// The next typing notice `client` receives.
async fn next_typing(client: &mut Client) -> TypingNotice {
    loop {
        if let ServerFrame::Typing(notice) = client.next_frame().await {
            return notice;
        }
    }
}

/// Waits until the server has read everything `client` sent: its answer to
/// a ping comes after.
async fn settled(client: &mut Client) {
    client.send_text(r#"{"type":"ping"}"#).await;
    while !matches!(client.next_frame().await, ServerFrame::Pong(_)) {}
}

/// The next error `client` receives, past presence and typing frames.
async fn next_error_code(client: &mut Client) -> ErrorCode {
    loop {
        if let ServerFrame::Error(error) = client.next_frame().await {
            return error.code;
        }
    }
}

#[tokio::test]
async fn a_typing_notice_reaches_the_rooms_others_and_never_the_typist() {
    let server = TestServer::start().await;
    let ada = Person::sign_up(&server, "Ada").await;
    let bob = Person::sign_up(&server, "Bob").await;
    let cy = Person::sign_up(&server, "Cy").await;
    let dee = Person::sign_up(&server, "Dee").await;
    assert_eq!(ada.create_room(&server, "general").await.status, 201);
    assert_eq!(bob.join(&server, "general").await.status, 200);
    assert_eq!(dee.join(&server, "general").await.status, 200);
    let mut ada_tab = ada.connect(&server, "?presence=1").await;
    let mut ada_other_tab = ada.connect(&server, "?presence=1").await;
    let mut bob_tab = bob.connect(&server, "?presence=1").await;
    let mut bob_plain = bob.connect(&server, "").await;
    let mut cy_tab = cy.connect(&server, "?presence=1").await;
    let mut dee_tab = dee.connect(&server, "?presence=1").await;

    // Three at once count as one: one every two seconds at most.
    for _ in 0..3 {
        ada_tab.send_text(typing("general")).await;
    }
    settled(&mut ada_tab).await;
    // Dee's notice, after Ada's in the room's order, marks the end of them.
    dee_tab.send_text(typing("general")).await;
    assert_eq!(next_typing(&mut bob_tab).await, notice("general", "Ada"));
    assert_eq!(next_typing(&mut bob_tab).await, notice("general", "Dee"));
    // Ada's own tabs never hear her: the first notice they get is Dee's.
    for tab in [&mut ada_tab, &mut ada_other_tab] {
        assert_eq!(next_typing(tab).await, notice("general", "Dee"));
    }

    // A page that did not ask, and someone outside the room, get nothing
    // (neither is subscribed to the room's events at all).
    for client in [&mut bob_plain, &mut cy_tab] {
        settled(client).await;
    }
    bob_plain.publish("plain", None).await;
    assert_eq!(bob_plain.next_message().await.value, "plain");

    // Typing where one is not is refused, as any frame naming the room.
    cy_tab.send_text(typing("general")).await;
    assert_eq!(next_error_code(&mut cy_tab).await, ErrorCode::NotAMember);
    cy_tab.send_text(typing("dm:1:2")).await;
    assert_eq!(next_error_code(&mut cy_tab).await, ErrorCode::UnknownRoom);
}

#[tokio::test]
async fn a_flood_of_typing_notices_is_throttled_for_its_sender_alone() {
    // The production limits (tests otherwise run with generous ones).
    let server =
        TestServer::start_with(&["--rate-limit-per-second", "5", "--rate-limit-burst", "20"]).await;
    let ada = Person::sign_up(&server, "Ada").await;
    let bob = Person::sign_up(&server, "Bob").await;
    let cy = Person::sign_up(&server, "Cy").await;
    let mut flooder = ada.connect(&server, "?presence=1").await;
    let mut bob_tab = bob.connect(&server, "?presence=1").await;
    let mut cy_tab = cy.connect(&server, "?presence=1").await;
    for _ in 0..60 {
        flooder.send_text(typing("lobby")).await;
    }
    // The rate limit answers the flood as it would any frames: refusals,
    // then, ignored, a close with 1008.
    assert_eq!(next_error_code(&mut flooder).await, ErrorCode::RateLimited);
    assert_eq!(flooder.expect_close().await, 1008);
    // Bob heard Ada once, then Cy: nothing of the rest of the flood.
    cy_tab.send_text(typing("lobby")).await;
    assert_eq!(next_typing(&mut bob_tab).await, notice("lobby", "Ada"));
    assert_eq!(next_typing(&mut bob_tab).await, notice("lobby", "Cy"));
    // And chats on as before.
    bob_tab.publish("still here", None).await;
    loop {
        if let ServerFrame::Message(message) = bob_tab.next_frame().await {
            assert_eq!(message.value, "still here");
            break;
        }
    }
}
