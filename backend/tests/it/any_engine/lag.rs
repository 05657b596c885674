//! A client that stops reading is caught up from history when it reads again:
//! it ends with every message, in order, and never slows anyone else down.

use crate::common::{Client, TestServer};

/// Enough 1.9 KB messages (about 15 MB) to overflow the stalled client's socket
/// buffers as well as the server's broadcast ring.
const MESSAGES: usize = 8000;

/// The bystander keeps at most this many of its own messages unread, far below
/// the ring size, so only the client that never reads can fall behind.
const WINDOW: usize = 8;

#[tokio::test]
async fn a_reader_that_stalls_is_caught_up_from_history_without_a_gap() {
    let server = TestServer::start_with(&["--broadcast-buffer", "16"]).await;
    let mut slow = Client::connect_as(&server, "slow").await;
    let mut bystander = Client::connect_as(&server, "bystander").await;

    // The bystander publishes everything and reads every copy, in order, with
    // no gap, while `slow` reads nothing.
    let body = "z".repeat(1900);
    let mut ids = Vec::with_capacity(MESSAGES);
    for n in 0..MESSAGES {
        bystander.publish(&format!("{n} {body}"), None).await;
        if n >= WINDOW {
            ids.push(bystander.next_message().await.id);
        }
    }
    for _ in 0..WINDOW {
        ids.push(bystander.next_message().await.id);
    }
    assert!(
        ids.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "the bystander saw a gap"
    );
    let last = *ids.last().unwrap();

    // Now the stalled client reads, and gets exactly the same ids: the part
    // that fell out of the live ring comes from the store.
    let mut seen = Vec::with_capacity(MESSAGES);
    while seen.last() != Some(&last) {
        seen.push(slow.next_message().await.id);
    }
    assert_eq!(seen, ids, "the slow client missed or repeated messages");

    // And it is still a full member of the chat.
    bystander.publish("welcome back", None).await;
    assert_eq!(slow.next_message().await.value, "welcome back");
}
