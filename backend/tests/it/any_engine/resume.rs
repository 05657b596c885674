//! A client whose connection drops mid-stream resumes with `since` and ends
//! with exactly the ids of a client that never dropped.

use crate::common::{Client, TestServer};

#[tokio::test]
async fn a_dropped_client_resumes_without_gap_or_duplicate() {
    let server = TestServer::start().await;
    let mut steady = Client::connect_as(&server, "steady").await;
    let mut flaky = Client::connect_as(&server, "flaky").await;
    let mut sender = Client::connect_as(&server, "sender").await;

    let mut steady_ids = Vec::new();
    let mut flaky_ids = Vec::new();
    for n in 0..100 {
        sender.publish(&format!("before {n}"), None).await;
    }
    for _ in 0..100 {
        steady_ids.push(steady.next_message().await.id);
    }
    // The flaky client reads part of the stream, then its TCP connection is
    // simply dropped: no close frame.
    for _ in 0..40 {
        flaky_ids.push(flaky.next_message().await.id);
    }
    drop(flaky);

    for n in 0..100 {
        sender.publish(&format!("while away {n}"), None).await;
    }
    for _ in 0..100 {
        steady_ids.push(steady.next_message().await.id);
    }

    let since = *flaky_ids.last().unwrap();
    let mut flaky =
        Client::connect_with_query(&server, &format!("?name=flaky&since={since}")).await;
    for n in 0..50 {
        sender.publish(&format!("after {n}"), None).await;
    }
    for _ in 0..50 {
        steady_ids.push(steady.next_message().await.id);
    }
    while flaky_ids.len() < steady_ids.len() {
        flaky_ids.push(flaky.next_message().await.id);
    }
    assert_eq!(flaky_ids, steady_ids);
}

#[tokio::test]
async fn a_long_gap_is_replayed_in_pages() {
    let server = TestServer::start().await;
    let mut sender = Client::connect_as(&server, "sender").await;
    let mut ids = Vec::new();
    for n in 0..1_200 {
        sender.publish(&format!("m{n}"), None).await;
    }
    for _ in 0..1_200 {
        ids.push(sender.next_message().await.id);
    }
    let mut late = Client::connect_with_query(&server, "?since=0").await;
    let mut replayed = Vec::new();
    for _ in 0..1_200 {
        replayed.push(late.next_message().await.id);
    }
    assert_eq!(replayed, ids, "more than two replay pages, no cap");
}

#[tokio::test]
async fn a_repeated_since_is_refused_and_the_rest_of_the_query_kept() {
    let server = TestServer::start().await;
    let mut writer = Client::connect_as(&server, "writer").await;
    for n in 1..=3 {
        writer.publish(&format!("m{n}"), None).await;
        writer.next_message().await;
    }
    let mut client = Client::connect_with_query(&server, "?name=ada&since=1&since=2").await;
    assert_eq!(client.welcome.name, "ada");
    client
        .expect_error(natter_shared::ErrorCode::InvalidCursor)
        .await;
    // Then the latest page, as for any unusable cursor.
    for id in 1..=3 {
        assert_eq!(client.next_message().await.id, id);
    }
}
