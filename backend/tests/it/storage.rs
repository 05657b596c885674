//! What happens when the database cannot be opened or written.

use std::time::Duration;

use crate::common::durable_client::DurableClient;
use crate::common::process::{NatterProcess, run_to_exit};
use crate::common::{Client, TestServer};
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

#[tokio::test]
async fn a_slow_commit_is_logged_with_its_size_and_duration() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chat.db");
    let server = NatterProcess::start(&db, dir.path());
    let mut ada = DurableClient::new("ada");
    ada.connect(&server.addr).await;

    // Another process holds the write lock for a while, shorter than natter
    // waits for it: the commit succeeds, late.
    let blocker = rusqlite::Connection::open(&db).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    ada.send("waits for the lock").await;
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(600)).await;
        blocker.execute_batch("ROLLBACK").unwrap();
    });
    ada.read_until_complete(1).await;
    release.await.unwrap();

    let stderr = server.stderr();
    let warning = stderr
        .lines()
        .find(|line| line.contains("slow commit"))
        .unwrap_or_else(|| panic!("no slow-commit warning in:\n{stderr}"));
    assert!(warning.contains("messages=1"), "{warning}");
    let took_ms = warning
        .split("took_ms=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|ms| ms.parse::<u64>().ok());
    assert!(took_ms.is_some(), "no duration in {warning}");
    assert!(
        !warning.contains('\u{1b}'),
        "escape codes in a log file: {warning}"
    );
}
