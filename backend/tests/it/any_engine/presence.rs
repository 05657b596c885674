//! Presence through the real server: a snapshot then changes, several tabs
//! as one person, a reload within the grace period showing nothing, a
//! connection that stops answering leaving within the idle timeout, rooms
//! joined and left, and pages that did not ask seeing no presence at all.

use std::time::Duration;

use crate::common::rooms::Person;
use crate::common::{Client, TestServer};
use natter_shared::{LOBBY, Presence, PresenceChange, ServerFrame};

/// The next presence frame, skipping history and anything else.
async fn next_presence(client: &mut Client) -> ServerFrame {
    loop {
        let frame = client.next_frame().await;
        if matches!(
            frame,
            ServerFrame::Presence(_) | ServerFrame::Online(_) | ServerFrame::Offline(_)
        ) {
            return frame;
        }
    }
}

fn snapshot(room: &str, online: &[&str]) -> ServerFrame {
    ServerFrame::Presence(Presence {
        room: room.to_owned(),
        online: online.iter().map(|name| (*name).to_owned()).collect(),
    })
}

fn online(room: &str, name: &str) -> ServerFrame {
    ServerFrame::Online(PresenceChange {
        room: room.to_owned(),
        name: name.to_owned(),
    })
}

fn offline(room: &str, name: &str) -> ServerFrame {
    ServerFrame::Offline(PresenceChange {
        room: room.to_owned(),
        name: name.to_owned(),
    })
}

/// Nothing about presence is waiting for `client`: a ping's answer comes
/// before any presence frame would.
async fn assert_no_presence_waiting(client: &mut Client) {
    client.send_text(r#"{"type":"ping"}"#).await;
    loop {
        match client.next_frame().await {
            ServerFrame::Pong(_) => return,
            frame @ (ServerFrame::Presence(_)
            | ServerFrame::Online(_)
            | ServerFrame::Offline(_)) => {
                panic!("unexpected presence: {frame:?}")
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn a_snapshot_then_only_changes_and_several_tabs_are_one_person() {
    let server = TestServer::start_with(&["--presence-grace", "200ms"]).await;
    let ada = Person::sign_up(&server, "Ada").await;
    let bob = Person::sign_up(&server, "Bob").await;
    let mut watcher = ada.connect(&server, "?presence=1").await;
    assert_eq!(next_presence(&mut watcher).await, snapshot(LOBBY, &["Ada"]));

    // Bob's first tab brings him online; his second changes nothing.
    let first = bob.connect(&server, "").await;
    assert_eq!(next_presence(&mut watcher).await, online(LOBBY, "Bob"));
    let second = bob.connect(&server, "").await;
    drop(first);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_no_presence_waiting(&mut watcher).await;
    // His last tab closing takes him offline, after the grace.
    drop(second);
    assert_eq!(next_presence(&mut watcher).await, offline(LOBBY, "Bob"));

    // A new watcher gets the state as it is now, not the history of it.
    let mut late = ada.connect(&server, "?presence=1").await;
    assert_eq!(next_presence(&mut late).await, snapshot(LOBBY, &["Ada"]));
}

#[tokio::test]
async fn a_reconnect_within_the_grace_period_shows_nothing() {
    let server = TestServer::start_with(&["--presence-grace", "2s"]).await;
    let ada = Person::sign_up(&server, "Ada").await;
    let bob = Person::sign_up(&server, "Bob").await;
    let mut watcher = ada.connect(&server, "?presence=1").await;
    assert_eq!(next_presence(&mut watcher).await, snapshot(LOBBY, &["Ada"]));
    let tab = bob.connect(&server, "").await;
    assert_eq!(next_presence(&mut watcher).await, online(LOBBY, "Bob"));
    // A reload: the page closes and connects again at once.
    drop(tab);
    let _reloaded = bob.connect(&server, "").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_no_presence_waiting(&mut watcher).await;
}

#[tokio::test]
async fn a_connection_that_stops_answering_leaves_within_the_idle_timeout() {
    // A long grace: only the idle timeout can explain a quick leave.
    let server = TestServer::start_with(&[
        "--presence-grace",
        "60s",
        "--idle-timeout",
        "1s",
        "--ping-interval",
        "300ms",
    ])
    .await;
    let ada = Person::sign_up(&server, "Ada").await;
    let bob = Person::sign_up(&server, "Bob").await;
    let mut watcher = ada.connect(&server, "?presence=1").await;
    assert_eq!(next_presence(&mut watcher).await, snapshot(LOBBY, &["Ada"]));
    // Bob's client is never read again, so it answers no ping: a killed
    // browser, or a cable pulled out, as the server sees it.
    let _silent = bob.connect(&server, "").await;
    assert_eq!(next_presence(&mut watcher).await, online(LOBBY, "Bob"));
    // The watcher answers pings as it reads. Its patience (20 s) is far
    // below the grace (60 s): only the idle timeout can take Bob offline.
    assert_eq!(next_presence(&mut watcher).await, offline(LOBBY, "Bob"));
}

#[tokio::test]
async fn rooms_have_their_own_presence_and_leaving_one_is_leaving_its_presence() {
    let server = TestServer::start_with(&["--presence-grace", "200ms"]).await;
    let ada = Person::sign_up(&server, "Ada").await;
    let bob = Person::sign_up(&server, "Bob").await;
    assert_eq!(ada.create_room(&server, "general").await.status, 201);
    let mut watcher = ada.connect(&server, "?presence=1").await;
    // One snapshot per room, in some order.
    let mut snapshots = vec![
        next_presence(&mut watcher).await,
        next_presence(&mut watcher).await,
    ];
    snapshots.sort_by_key(|frame| format!("{frame:?}"));
    let mut expected = vec![snapshot("general", &["Ada"]), snapshot(LOBBY, &["Ada"])];
    expected.sort_by_key(|frame| format!("{frame:?}"));
    assert_eq!(snapshots, expected);

    let _bob_tab = bob.connect(&server, "").await;
    assert_eq!(next_presence(&mut watcher).await, online(LOBBY, "Bob"));
    // Joining while connected: online in the room at once.
    assert_eq!(bob.join(&server, "general").await.status, 200);
    assert_eq!(next_presence(&mut watcher).await, online("general", "Bob"));
    // Leaving: offline there at once, no grace; still in the lobby.
    assert_eq!(bob.leave(&server, "general").await.status, 204);
    assert_eq!(next_presence(&mut watcher).await, offline("general", "Bob"));
    assert_no_presence_waiting(&mut watcher).await;

    // Ada's own connection that joins a room gets that room's state.
    let mut tab = bob.connect(&server, "?presence=1").await;
    assert_eq!(
        next_presence(&mut tab).await,
        snapshot(LOBBY, &["Ada", "Bob"])
    );
    assert_eq!(bob.join(&server, "general").await.status, 200);
    assert_eq!(
        next_presence(&mut tab).await,
        snapshot("general", &["Ada", "Bob"])
    );
}

#[tokio::test]
async fn pages_that_did_not_ask_never_see_presence() {
    let server = TestServer::start_with(&["--presence-grace", "100ms"]).await;
    let ada = Person::sign_up(&server, "Ada").await;
    // A seed-style page: a guest that prints every frame it gets.
    let mut page = Client::connect(&server).await;
    let tab = ada.connect(&server, "").await;
    drop(tab);
    tokio::time::sleep(Duration::from_millis(400)).await;
    page.publish("hi", None).await;
    let ServerFrame::Message(message) = page.next_frame().await else {
        panic!("the page's next frame is its message");
    };
    assert_eq!(message.value, "hi");
    assert_no_presence_waiting(&mut page).await;
}
