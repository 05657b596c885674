//! Direct conversations through the real server: opened from a name, live
//! for both at once, and private against a third account trying every way
//! in (sending, paging, marking read, joining, leaving, listing, resuming
//! from 0, before and after a restart), which gets exactly what a room that
//! does not exist gets.

use crate::common::rooms::{Person, ada_and_bob};
use crate::common::{Client, TestServer};
use natter_shared::{ErrorCode, LOBBY, RoomKind, ServerFrame};

#[tokio::test]
async fn a_direct_conversation_reaches_both_at_once_and_nobody_else() {
    let server = TestServer::start().await;
    let ada = Person::sign_up(&server, "ada").await;
    let bob = Person::sign_up(&server, "Bob").await;
    let mut bob_tab = bob.connect(&server, "").await;

    let opened = ada.open_direct(&server, "bob").await;
    assert_eq!(opened.status, 200, "{:?}", opened.body);
    assert_eq!(opened.body["kind"], "direct");
    assert_eq!(opened.body["with"], "Bob");
    let dm = opened.body["room"].as_str().unwrap().to_owned();
    // Opening it again, from either side, is the same conversation.
    assert_eq!(
        bob.open_direct(&server, "ADA").await.body["room"],
        dm.as_str()
    );
    // Bob's open tab is told at once, with Ada's name.
    let ServerFrame::Joined(joined) = bob_tab.next_frame().await else {
        panic!("expected joined");
    };
    assert_eq!(
        (joined.room.as_str(), joined.kind, joined.with.as_deref()),
        (dm.as_str(), RoomKind::Direct, Some("ada"))
    );

    let mut ada_tab = ada.connect(&server, "").await;
    assert!(ada_tab.welcome_rooms().contains(&dm));
    ada_tab.publish_in(&dm, "psst", Some("a-1")).await;
    let received = bob_tab.next_message().await;
    assert_eq!(
        (
            received.room.as_str(),
            received.value.as_str(),
            received.nonce
        ),
        (dm.as_str(), "psst", None)
    );
    assert_eq!(ada_tab.next_message().await.nonce.as_deref(), Some("a-1"));
    // Unread for Bob on his next tab.
    let later = bob.connect(&server, "").await;
    let info = later
        .welcome
        .rooms
        .iter()
        .find(|room| room.room == dm)
        .unwrap();
    assert_eq!((info.unread, info.with.as_deref()), (1, Some("ada")));
}

#[tokio::test]
async fn a_third_account_gets_nothing_of_it_whatever_it_tries() {
    let server = TestServer::start().await;
    let ada = Person::sign_up(&server, "ada").await;
    Person::sign_up(&server, "bob").await;
    let mallory = Person::sign_up(&server, "mallory").await;
    let dm = ada.open_direct(&server, "bob").await.body["room"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut ada_tab = ada.connect(&server, "").await;
    ada_tab.publish_in(&dm, "the secret", None).await;
    ada_tab.next_message().await;

    let server = try_every_way_in(server, &mallory, &dm, "first").await;
    // And after a restart, all the same.
    let server = server.restart().await;
    let server = try_every_way_in(server, &mallory, &dm, "second").await;

    // Guests have no direct conversations at all.
    let anonymous = crate::common::api::call(
        &server,
        "POST",
        "/api/dms",
        Some(serde_json::json!({ "name": "ada" })),
        &[],
    )
    .await;
    assert_eq!(
        (anonymous.status.as_u16(), anonymous.code()),
        (401, "not_signed_in")
    );
    let mut guest = Client::connect_with_query(&server, "?since=0").await;
    guest.publish("only the lobby", None).await;
    loop {
        let seen = guest.next_message().await;
        assert_eq!(seen.room, LOBBY, "{seen:?}");
        if seen.value == "only the lobby" {
            break;
        }
    }
    guest.publish_in(&dm, "hello?", None).await;
    guest.expect_error(ErrorCode::UnknownRoom).await;
}

/// Everything a third account can do to reach `dm`: each answer must be the
/// one a made-up room gets, and nothing of the conversation may arrive.
async fn try_every_way_in(
    server: TestServer,
    mallory: &Person,
    dm: &str,
    round: &str,
) -> TestServer {
    let made_up = "dm:998:999";
    // Resuming from the very start: only the lobby's messages come, up to
    // this round's probe.
    let mut tab = mallory.connect(&server, "?since=0").await;
    assert_eq!(tab.welcome_rooms(), [LOBBY]);
    tab.publish(round, None).await;
    loop {
        let seen = tab.next_message().await;
        assert_eq!(seen.room, LOBBY, "{seen:?}");
        if seen.value == round {
            break;
        }
    }

    for room in [dm, made_up] {
        tab.publish_in(room, "let me in", Some("m-1")).await;
        let error = tab.expect_error(ErrorCode::UnknownRoom).await;
        assert_eq!(error.message, "no such room");
        tab.ask_history(room).await;
        assert_eq!(
            tab.expect_error(ErrorCode::UnknownRoom).await.message,
            "no such room"
        );
        tab.mark_read(room, 1).await;
        assert_eq!(
            tab.expect_error(ErrorCode::UnknownRoom).await.message,
            "no such room"
        );
    }
    let mut answers = Vec::new();
    for room in [dm, made_up] {
        let join = mallory.join(&server, room).await;
        let leave = mallory.leave(&server, room).await;
        answers.push((join.status, join.body, leave.status, leave.body));
    }
    assert_eq!(
        answers[0], answers[1],
        "the DM answers exactly as a made-up room"
    );
    assert_eq!(answers[0].0, 404);
    let listed = mallory.directory(&server).await;
    assert!(listed.iter().all(|room| room["room"] != dm), "{listed:?}");
    // Still nothing: the next frame is the lobby's.
    tab.publish("done", None).await;
    let next = tab.next_message().await;
    assert_eq!((next.room.as_str(), next.value.as_str()), (LOBBY, "done"));
    server
}

#[tokio::test]
async fn a_conversation_needs_someone_else_with_an_account() {
    let server = TestServer::start().await;
    let ada = Person::sign_up(&server, "ada").await;
    let myself = ada.open_direct(&server, "ADA").await;
    assert_eq!(
        (myself.status.as_u16(), myself.code()),
        (400, "cannot_message_yourself")
    );
    let guest = Client::connect(&server).await;
    for nobody in [guest.welcome.name.as_str(), "nobody"] {
        let answer = ada.open_direct(&server, nobody).await;
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (404, "unknown_account"),
            "{nobody}"
        );
    }
}

#[tokio::test]
async fn opening_a_conversation_again_spends_nothing_of_the_new_room_budget() {
    let server = TestServer::start().await;
    let (ada, _bob) = ada_and_bob(&server).await;
    // Clicking Bob's name again and again only looks the conversation up:
    // more times than the 20 new rooms allowed at once.
    for attempt in 0..30 {
        let answer = ada.open_direct(&server, "bob").await;
        assert_eq!(answer.status.as_u16(), 200, "attempt {attempt}");
    }
    // Only the first one counted.
    for n in 0..19 {
        let created = ada.create_room(&server, &format!("room-{n}")).await;
        assert_eq!(created.status, 201, "room {n}");
    }
    let one_too_many = ada.create_room(&server, "room-19").await;
    assert_eq!(one_too_many.status, 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_opened_while_the_tab_is_busy_still_brings_its_first_message() {
    use crate::common::raw::small_window_socket;
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    // A ring wide enough that Bob's never overflows: nothing here may be
    // caught up for falling behind, only for the join itself.
    let server = TestServer::start_with(&["--broadcast-buffer", "100000"]).await;
    let ada = Person::sign_up(&server, "ada").await;
    let bob = Person::sign_up(&server, "Bob").await;
    // Bob's tab reads nothing for now, through a small window.
    let mut request = server.ws_url("").into_client_request().unwrap();
    request.headers_mut().insert(
        "authorization",
        format!("Bearer {}", bob.token).parse().unwrap(),
    );
    let stream = small_window_socket(&server).await;
    let (mut bob_tab, _) = tokio_tungstenite::client_async(request, stream)
        .await
        .expect("handshake");
    // The lobby says more than his socket holds: his writer is stuck.
    let mut chatter = Client::connect_as(&server, "chatter").await;
    let body = "😀".repeat(2_000);
    let flood = 1_500;
    for n in 0..flood {
        chatter.publish(&body, Some(&format!("flood-{n}"))).await;
    }
    for _ in 0..flood {
        chatter.next_ack().await;
    }
    // Meanwhile Ada opens a conversation with him and says something at
    // once: published before his writer gets to subscribe to it.
    let dm = ada.open_direct(&server, "bob").await.body["room"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut ada_tab = ada.connect(&server, "").await;
    ada_tab
        .publish_in(&dm, "are you there?", Some("first"))
        .await;
    let first = ada_tab.next_ack().await.id;
    // Bob reads: the conversation, then its first message, live.
    let mut joined = false;
    loop {
        let frame = tokio::time::timeout(crate::common::PATIENCE, bob_tab.next())
            .await
            .expect("the conversation's first message reaches Bob")
            .expect("open")
            .expect("a frame");
        let Message::Text(text) = frame else { continue };
        match serde_json::from_str::<ServerFrame>(&text).unwrap() {
            ServerFrame::Joined(info) if info.room == dm => {
                assert!(info.newest_id < first, "{info:?}");
                joined = true;
            }
            ServerFrame::Message(message) if message.room == dm => {
                assert!(joined, "the room is announced before its messages");
                assert_eq!(
                    (message.id, message.value.as_str()),
                    (first, "are you there?")
                );
                break;
            }
            _ => {}
        }
    }
}
