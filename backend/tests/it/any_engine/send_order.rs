//! One connection's messages take ids in the order it sent them, even when
//! the writer's queue is full and its sends wait for room: a person whose
//! outbox resends a dozen messages after a reconnect, during a busy moment,
//! sees them in the order written.

use std::collections::HashMap;

use crate::common::bystander::Bystander;
use crate::common::{Client, TestServer};
use natter_shared::ServerFrame;

/// Senders writing at once, each with many messages in flight.
const SENDERS: usize = 4;
/// Messages each sends.
const EACH: usize = 300;
/// Messages each keeps waiting for their acks at once (the server's most).
const IN_FLIGHT: usize = 32;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connections_messages_keep_their_order_through_a_full_write_queue() {
    // Room for one message in the writer's queue: nearly every send waits.
    let server = TestServer::start_with(&["--write-queue", "1"]).await;
    let bystander = Bystander::start(&server).await;
    let mut reader = Client::connect_as(&server, "reader").await;
    let senders = (0..SENDERS).map(|sender| {
        let url = server.ws_url(&format!("?name=sender{sender}"));
        tokio::spawn(async move {
            let mut client = Client::connect_to(&url, &[]).await;
            let mut acked = 0;
            for seq in 0..EACH {
                client
                    .publish(
                        &format!("{sender}:{seq}"),
                        Some(&format!("s{sender}-{seq}")),
                    )
                    .await;
                if seq + 1 >= IN_FLIGHT {
                    wait_for_ack(&mut client).await;
                    acked += 1;
                }
            }
            while acked < EACH {
                wait_for_ack(&mut client).await;
                acked += 1;
            }
        })
    });
    let senders: Vec<_> = senders.collect();

    // Every message, as everyone receives them: by id.
    let mut seen: HashMap<usize, Vec<(u64, usize)>> = HashMap::new();
    while seen.values().map(Vec::len).sum::<usize>() < SENDERS * EACH {
        let message = reader.next_message().await;
        let Some((sender, seq)) = message.value.split_once(':') else {
            continue;
        };
        let (Ok(sender), Ok(seq)) = (sender.parse(), seq.parse()) else {
            continue;
        };
        seen.entry(sender).or_default().push((message.id, seq));
    }
    for sender in senders {
        sender.await.expect("a sender finished");
    }
    for (sender, mut messages) in seen {
        messages.sort_unstable();
        let order: Vec<usize> = messages.iter().map(|(_, seq)| *seq).collect();
        let sent: Vec<usize> = (0..EACH).collect();
        assert_eq!(
            order, sent,
            "sender {sender}'s messages took ids out of the order sent"
        );
    }
    bystander.finish().await;
}

async fn wait_for_ack(client: &mut Client) {
    loop {
        match client.next_frame().await {
            ServerFrame::Ack(_) => return,
            ServerFrame::Error(error) => panic!("refused: {error:?}"),
            _ => {}
        }
    }
}
