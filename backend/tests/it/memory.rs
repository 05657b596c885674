//! Clients that do not read cannot make the server hold what they do not
//! read: the live ring is bounded and history is read from the store, and
//! each connection's queued replies are bounded in bytes. Each test runs
//! the `natter` binary in a process of its own and measures that process,
//! so nothing else the test binary runs meanwhile counts.

use crate::common::Client;
use crate::common::Listening;
use crate::common::process::NatterProcess;
use crate::common::raw::{ask_for_history_unread, fill_history, small_window_websocket};

/// A natter process on a fresh database in `dir`.
fn natter_in(dir: &tempfile::TempDir) -> NatterProcess {
    NatterProcess::start(&dir.path().join("natter.db"), dir.path())
}

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
    let dir = tempfile::tempdir().unwrap();
    let natter = natter_in(&dir);
    let mut sender = Client::connect_to(&natter.socket_url("?name=sender"), &[]).await;
    // Warm up: caches, the broadcast ring and the allocator reach their size.
    pump(&mut sender, 5_000).await;
    let _never_reads = Client::connect_to(&natter.socket_url("?name=stalled"), &[]).await;
    let before = natter.rss_kib();

    // About 40 MB of messages go past the client that never reads.
    pump(&mut sender, 40_000).await;
    let grown_mib = natter.rss_kib().saturating_sub(before) / 1024;
    eprintln!(
        "memory growth: {grown_mib} MiB (from {} MiB)",
        before / 1024
    );
    assert!(
        grown_mib < 16,
        "memory grew by {grown_mib} MiB while 40 MB went past a client that never reads"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_ask_and_never_read_hold_a_bounded_amount_each() {
    const HOGS: usize = 4;
    let dir = tempfile::tempdir().unwrap();
    let natter = natter_in(&dir);
    // 250 messages of 8 KB: every page of 200 is about 1.6 MB.
    let mut bystander = fill_history(&natter, 250, 2_000).await;
    let before = natter.rss_kib();

    let mut hogs = Vec::new();
    for _ in 0..HOGS {
        let mut hog = small_window_websocket(&natter).await;
        // About 65 MB asked for by each, none of it read.
        ask_for_history_unread(&mut hog, 40, 251).await;
        hogs.push(hog);
    }
    // Let the server turn every request it has read into pages.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    bystander.publish("still served", None).await;
    assert_eq!(bystander.next_message().await.value, "still served");

    let grown_mib = natter.rss_kib().saturating_sub(before) / 1024;
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
