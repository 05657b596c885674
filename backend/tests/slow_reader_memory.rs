//! Clients that ask for history and never read it cannot make the server
//! hold what they asked for: each connection's queued replies are bounded in
//! bytes. (Alone in its file, so this process's memory is this test's.)

#[path = "it/common/mod.rs"]
mod common;

use common::raw::{ask_for_history_unread, fill_history, small_window_websocket};
use common::{TestServer, rss_kib};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_ask_and_never_read_hold_a_bounded_amount_each() {
    const HOGS: usize = 4;
    let server = TestServer::start().await;
    // 250 messages of 8 KB: every page of 200 is about 1.6 MB.
    let mut bystander = fill_history(&server, 250, 2_000).await;
    let before = rss_kib();

    let mut hogs = Vec::new();
    for _ in 0..HOGS {
        let mut hog = small_window_websocket(&server).await;
        // About 65 MB asked for by each, none of it read.
        ask_for_history_unread(&mut hog, 40, 251).await;
        hogs.push(hog);
    }
    // Let the server turn every request it has read into pages.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    bystander.publish("still served", None).await;
    assert_eq!(bystander.next_message().await.value, "still served");

    let grown_mib = rss_kib().saturating_sub(before) / 1024;
    eprintln!(
        "memory growth with {HOGS} unread clients: {grown_mib} MiB (from {} MiB)",
        before / 1024
    );
    // Each may hold its 1 MiB budget, one page over it, and what the
    // WebSocket layer buffers: a few MiB. Unbounded, it was 26 MiB or more each.
    assert!(
        grown_mib < 8 * HOGS as u64,
        "memory grew by {grown_mib} MiB for {HOGS} clients that never read"
    );
    drop(hogs);
}
