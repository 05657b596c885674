//! A database written by the first release (`tests/fixtures/release-1.db`,
//! made by that release's own binary: four lobby messages by "ada" and "bob",
//! three with nonces) opens under this version with everything kept.

use crate::common::api::sign_up;
use crate::common::{Client, TestServer};

fn copy_release_1(db: &std::path::Path) {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/release-1.db");
    std::fs::copy(fixture, db).expect("copy the fixture");
}

#[tokio::test]
async fn a_first_release_database_keeps_every_message() {
    let server = TestServer::start_after(copy_release_1, &[]).await;
    let mut reader = Client::connect(&server).await;
    let mut seen = Vec::new();
    for _ in 0..4 {
        let message = reader.next_message().await;
        seen.push((message.id, message.author, message.value, message.nonce));
    }
    let expected = [
        (1, "ada", "hello from the first release"),
        (2, "bob", "hi ada 👋"),
        (3, "bob", "<b>not bold</b>"),
        (4, "ada", "line one\nline two"),
    ];
    for ((id, author, value, nonce), (want_id, want_author, want_value)) in
        seen.iter().zip(expected)
    {
        assert_eq!(
            (*id, author.as_str(), value.as_str()),
            (want_id, want_author, want_value)
        );
        assert_eq!(*nonce, None, "an old nonce belongs to no one now");
    }

    // The new schema is in place: accounts work, ids go on from the old ones,
    // and an old author's name can be registered (its old messages stay).
    assert_eq!(sign_up(&server, "ada", "correct horse").await.status, 201);
    reader.publish("after the upgrade", Some("new-1")).await;
    assert_eq!(reader.next_ack().await.id, 5);

    // And it survives a restart on the upgraded file.
    let server = server.restart().await;
    let mut later = Client::connect_with_query(&server, "?since=3").await;
    assert_eq!(later.next_message().await.id, 4);
    assert_eq!(later.next_message().await.value, "after the upgrade");
}

#[tokio::test]
async fn the_upgrade_is_recorded_in_the_file() {
    let server = TestServer::start_after(copy_release_1, &[]).await;
    // Read beside the running server, as WAL allows.
    let connection = rusqlite::Connection::open(server.db_path()).unwrap();
    let version: i64 = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, 7);
    // Every old row is a message (not a change), and none is deleted.
    let count: i64 = connection
        .query_row(
            "SELECT COUNT(*) FROM messages
             WHERE room = 'lobby' AND kind = 0 AND target IS NULL AND deleted_at IS NULL",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(count, 4);
    let lobby: String = connection
        .query_row("SELECT kind FROM rooms WHERE name = 'lobby'", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(lobby, "public");
}
