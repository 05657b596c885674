//! The seam between history and the live ring, tested where it is decided: a
//! real SQLite store feeding a real hub, and the replay a new connection starts
//! with, while writes land between its subscription and its first history read
//! (as they do when a busy server is slow to start a connection's writer).

use std::sync::Arc;

use backend::connection::replay::{HistorySource, Resume};
use backend::delivery::FanOut;
use backend::delivery::feed::Next;
use backend::delivery::hub::Hub;
use backend::store::sqlite::SqliteStore;
use backend::store::{Action, AuthorId, HistoryStore, NewMessage};
use natter_shared::{LOBBY, ServerFrame};

async fn append(store: &SqliteStore, n: usize) {
    store
        .append(NewMessage {
            room: LOBBY.to_owned(),
            author: "writer".to_owned(),
            author_id: AuthorId(1),
            value: format!("message {n}"),
            nonce: None,
            action: Action::Post,
        })
        .await
        .expect("stored");
}

fn id_of(frame: &str) -> u64 {
    match serde_json::from_str::<ServerFrame>(frame).expect("a frame") {
        ServerFrame::Message(message) => message.id,
        other => panic!("expected a message, got {other:?}"),
    }
}

#[tokio::test]
async fn a_new_client_misses_nothing_written_between_subscribing_and_reading_history() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Arc::new(Hub::new(1024));
    let fan_out = Arc::clone(&hub);
    let store = Arc::new(
        SqliteStore::open(
            &dir.path().join("chat.db"),
            Box::new(move |batch| fan_out.publish(batch)),
        )
        .unwrap(),
    );
    for n in 0..10 {
        append(&store, n).await;
    }

    let rooms = [LOBBY.to_owned()];
    let (mut live, live_after) = hub.subscribe(&rooms);
    let (_, mut live) = live.pop().expect("the lobby's ring");
    // More than a page of history is written before the first read.
    for n in 10..80 {
        append(&store, n).await;
    }
    let history = HistorySource {
        store: store.clone(),
        reader: AuthorId(2),
    };
    let (page, caught_up_to) = history.start(&rooms, &Resume::Latest, live_after).await;

    // What the connection's writer sends: the page, then the live messages
    // above everything the page covered.
    let mut sent: Vec<u64> = page.frames.iter().map(|frame| id_of(frame)).collect();
    let covered = page.newest.unwrap_or(0).max(caught_up_to);
    while let Some(Next::Item(delivery)) = live.try_next() {
        if delivery.id > covered {
            sent.push(delivery.id);
        }
    }
    assert_eq!(sent, (1..=80).collect::<Vec<u64>>());
}
