//! Messages reach everyone, sender included, numbered in order.

use crate::common::{Client, TestServer};

#[tokio::test]
async fn welcome_comes_first_and_reads_well_on_a_plain_page() {
    let server = TestServer::start().await;
    let client = Client::connect(&server).await;
    assert_eq!(client.welcome.value, "Connected to Natter");
    assert!(
        client.welcome.name.starts_with("guest-"),
        "{:?}",
        client.welcome
    );
    assert!(client.welcome.server_time > 1_600_000_000_000);
    let other = Client::connect(&server).await;
    assert_ne!(other.welcome.connection_id, client.welcome.connection_id);
}

#[tokio::test]
async fn a_valid_requested_name_is_used_and_an_invalid_one_replaced() {
    let server = TestServer::start().await;
    assert_eq!(Client::connect_as(&server, "ada").await.welcome.name, "ada");
    assert_eq!(
        Client::connect_as(&server, "Zo%C3%AB").await.welcome.name,
        "Zoë"
    );
    let too_long = "n".repeat(33);
    assert!(
        Client::connect_as(&server, &too_long)
            .await
            .welcome
            .name
            .starts_with("guest-")
    );
    let control = Client::connect_as(&server, "a%07b").await;
    assert!(control.welcome.name.starts_with("guest-"));
    // Bytes that are not UTF-8 decode lossily; the connection still works and
    // whatever name results passes the same rules as any other.
    let bad_escape = Client::connect_with_query(&server, "?name=%FF%FE&name").await;
    assert!(natter_shared::validate_name(&bad_escape.welcome.name).is_ok());
}

#[tokio::test]
async fn both_clients_receive_the_same_message_and_only_the_sender_its_nonce() {
    let server = TestServer::start().await;
    let mut ada = Client::connect_as(&server, "ada").await;
    let mut bob = Client::connect_as(&server, "bob").await;

    ada.publish("  hello, bob  ", Some("nonce-1")).await;
    let own = ada.next_message().await;
    let seen = bob.next_message().await;

    assert_eq!(own.id, seen.id);
    assert_eq!(own.value, "hello, bob");
    assert_eq!(seen.value, "hello, bob");
    assert_eq!((own.author.as_str(), seen.author.as_str()), ("ada", "ada"));
    assert_eq!(own.timestamp, seen.timestamp);
    assert_eq!(own.nonce.as_deref(), Some("nonce-1"));
    assert_eq!(seen.nonce, None);
}

#[tokio::test]
async fn the_seed_frame_works_unchanged() {
    let server = TestServer::start().await;
    let mut plain = Client::connect(&server).await;
    let mut other = Client::connect(&server).await;
    plain
        .send_text(r#"{"type":"message","params":{"value":"hi"}}"#)
        .await;
    for client in [&mut plain, &mut other] {
        let message = client.next_message().await;
        assert_eq!(message.value, "hi");
        assert!(message.author.starts_with("guest-"), "{}", message.author);
        assert_eq!(message.nonce, None);
    }
}

#[tokio::test]
async fn ids_increase_strictly_in_the_order_everyone_sees() {
    let server = TestServer::start().await;
    let mut a = Client::connect_as(&server, "a").await;
    let mut b = Client::connect_as(&server, "b").await;
    let mut watcher = Client::connect_as(&server, "w").await;
    for round in 0..20 {
        a.publish(&format!("a{round}"), None).await;
        b.publish(&format!("b{round}"), None).await;
    }
    let mut seen = Vec::new();
    for _ in 0..40 {
        seen.push(watcher.next_message().await);
    }
    assert!(
        seen.windows(2).all(|pair| pair[0].id < pair[1].id),
        "{seen:?}"
    );
    // Each sender's own stream carries the same ids in the same order.
    let mut from_a = Vec::new();
    for _ in 0..40 {
        from_a.push(a.next_message().await.id);
    }
    assert_eq!(from_a, seen.iter().map(|m| m.id).collect::<Vec<_>>());
}
