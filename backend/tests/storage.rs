//! What happens when the database cannot be opened or written.

mod common;

use common::process::run_to_exit;
use common::{Client, TestServer};
use natter_shared::ErrorCode;

#[test]
fn a_database_in_a_missing_folder_stops_natter_at_start_with_one_line() {
    let path = "/nonexistent-natter-folder/chat.db";
    let (status, stderr) = run_to_exit(&["--bind", "127.0.0.1:0", "--db", path]);
    assert!(!status.success());
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("natter: cannot open the database"),
        "{stderr}"
    );
    assert!(lines[0].contains(path), "{stderr}");
    assert!(
        lines[0].contains("unable to open database file"),
        "{stderr}"
    );
}

#[test]
fn a_file_that_is_not_a_database_stops_natter_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.db");
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    let (status, stderr) = run_to_exit(&["--bind", "127.0.0.1:0", "--db", path.to_str().unwrap()]);
    assert!(!status.success());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(path.to_str().unwrap()) && stderr.contains("not a database"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_write_failure_is_reported_to_the_sender_and_nothing_is_acked() {
    let server = TestServer::start().await;
    let mut ada = Client::connect_as(&server, "ada").await;
    let mut bob = Client::connect_as(&server, "bob").await;

    // Another process holds the database's write lock longer than natter waits.
    let blocker = rusqlite::Connection::open(server.db_path()).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    ada.publish("blocked", Some("n-1")).await;
    let error = ada.next_error().await;
    assert_eq!(error.code, ErrorCode::StoreUnavailable);
    assert_eq!(error.nonce.as_deref(), Some("n-1"));
    assert!(ada.acks.is_empty());
    blocker.execute_batch("ROLLBACK").unwrap();

    // The server keeps serving; the retry goes through, and bob sees only it.
    ada.publish("blocked", Some("n-1")).await;
    let ack = ada.next_ack().await;
    let seen = bob.next_message().await;
    assert_eq!((seen.id, seen.value.as_str()), (ack.id, "blocked"));
}
