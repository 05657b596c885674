//! A client that never reads cannot make the server hold its backlog: the
//! live ring is bounded and history is read from the store, so memory stays
//! flat however much is sent past it. (Alone in its file, so this process's
//! memory is this test's.)

#[path = "it/common/mod.rs"]
mod common;

use common::{Client, TestServer, rss_kib};

/// Sends `count` messages of about 1 KB, at most `WINDOW` unread at once.
async fn pump(sender: &mut Client, count: usize) {
    const WINDOW: usize = 16;
    let body = "m".repeat(1_000);
    for n in 0..count {
        sender.publish(&format!("{n} {body}"), None).await;
        if n >= WINDOW {
            sender.next_message().await;
        }
    }
    for _ in 0..WINDOW.min(count) {
        sender.next_message().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_does_not_grow_server_memory() {
    let server = TestServer::start().await;
    let mut sender = Client::connect_as(&server, "sender").await;
    // Warm up: caches, the broadcast ring and the allocator reach their size.
    pump(&mut sender, 5_000).await;
    let _never_reads = Client::connect_as(&server, "stalled").await;
    let before = rss_kib();

    // About 40 MB of messages go past the client that never reads.
    pump(&mut sender, 40_000).await;
    let grown_mib = rss_kib().saturating_sub(before) / 1024;
    eprintln!(
        "memory growth: {grown_mib} MiB (from {} MiB)",
        before / 1024
    );
    assert!(
        grown_mib < 16,
        "memory grew by {grown_mib} MiB while 40 MB went past a client that never reads"
    );
    assert_eq!(
        server.live_connections(),
        2,
        "the stalled client is still connected"
    );
}
