//! The real binary is stopped with SIGTERM mid-stream, clients keep writing
//! while it is down, and it starts again on the same database: every client
//! ends with exactly the committed ids, in order, with no gap and no duplicate.

use crate::common::durable_client::DurableClient;
use crate::common::process::NatterProcess;
use nix::sys::signal::Signal;

const CLIENTS: usize = 3;
const BEFORE: usize = 30;
const WHILE_DOWN: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_acknowledged_or_retried_is_lost_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("natter.db");
    let server = NatterProcess::start(&db, dir.path());

    let mut clients: Vec<DurableClient> = (0..CLIENTS)
        .map(|n| DurableClient::new(&format!("client{n}")))
        .collect();
    for client in &mut clients {
        client.connect(&server.addr).await;
    }
    // A burst from everyone, and SIGTERM while it is still in flight.
    for n in 0..BEFORE {
        for client in &mut clients {
            client.send(&format!("{} before {n}", client.name)).await;
        }
    }
    let status = tokio::task::spawn_blocking(move || server.stop_with(Signal::SIGTERM))
        .await
        .unwrap();
    assert!(status.success(), "{status}");
    for client in &mut clients {
        client.read_until_disconnected().await;
    }

    // Written while the server is down: only in the outboxes.
    for n in 0..WHILE_DOWN {
        for client in &mut clients {
            client
                .send(&format!("{} while down {n}", client.name))
                .await;
        }
    }

    let server = NatterProcess::start(&db, dir.path());
    for client in &mut clients {
        client.connect(&server.addr).await;
    }
    let total = CLIENTS * (BEFORE + WHILE_DOWN);
    let expected: Vec<u64> = (1..=total as u64).collect();
    for client in &mut clients {
        client.read_until_complete(total).await;
        assert_eq!(client.seen, expected, "{} holds different ids", client.name);
    }
    let status = tokio::task::spawn_blocking(move || server.stop_with(Signal::SIGTERM))
        .await
        .unwrap();
    assert!(status.success(), "{status}");
}

/// A page open on an empty room has nothing to resume after; it must still get
/// everything written while it was away, not only the latest page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_saw_nothing_before_a_restart_gets_everything_after() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("natter.db");
    let server = NatterProcess::start(&db, dir.path());
    let mut quiet = DurableClient::new("quiet");
    quiet.connect(&server.addr).await;
    quiet.read_until_welcomed().await;
    let status = tokio::task::spawn_blocking(move || server.stop_with(Signal::SIGTERM))
        .await
        .unwrap();
    assert!(status.success(), "{status}");
    quiet.read_until_disconnected().await;

    // More than one page of history is written while it is away.
    let server = NatterProcess::start(&db, dir.path());
    let mut talker = DurableClient::new("talker");
    talker.connect(&server.addr).await;
    const WRITTEN: usize = 60;
    for n in 0..WRITTEN {
        talker.send(&format!("while quiet was away {n}")).await;
    }
    talker.read_until_complete(WRITTEN).await;

    quiet.connect(&server.addr).await;
    quiet.read_until_complete(WRITTEN).await;
    let expected: Vec<u64> = (1..=WRITTEN as u64).collect();
    assert_eq!(quiet.seen, expected);
}
