//! Durable history: what a new client sees, older pages, and bad cursors.

use crate::common::{Client, TestServer};
use natter_shared::{ErrorCode, ServerFrame};

async fn publish_many(client: &mut Client, count: usize) -> Vec<u64> {
    let mut ids = Vec::new();
    for n in 0..count {
        client.publish(&format!("message {n}"), None).await;
        ids.push(client.next_message().await.id);
    }
    ids
}

#[tokio::test]
async fn a_new_client_gets_the_latest_50_oldest_first_then_live() {
    let server = TestServer::start().await;
    let mut writer = Client::connect_as(&server, "writer").await;
    let ids = publish_many(&mut writer, 60).await;

    let mut newcomer = Client::connect(&server).await;
    let mut replayed = Vec::new();
    for _ in 0..50 {
        replayed.push(newcomer.next_message().await.id);
    }
    assert_eq!(replayed, ids[10..]);

    writer.publish("live", None).await;
    assert_eq!(newcomer.next_message().await.value, "live");
}

#[tokio::test]
async fn older_pages_on_request() {
    let server = TestServer::start().await;
    let mut writer = Client::connect_as(&server, "writer").await;
    let ids = publish_many(&mut writer, 12).await;

    writer
        .send_text(format!(
            r#"{{"type":"history","params":{{"before":{},"limit":5}}}}"#,
            ids[6]
        ))
        .await;
    let ServerFrame::History(page) = writer.next_frame().await else {
        panic!("expected a history page");
    };
    assert_eq!(page.before, Some(ids[6]));
    assert_eq!(
        page.messages.iter().map(|m| m.id).collect::<Vec<_>>(),
        ids[1..6]
    );
    assert!(!page.complete);

    writer
        .send_text(format!(
            r#"{{"type":"history","params":{{"before":{}}}}}"#,
            ids[1]
        ))
        .await;
    let ServerFrame::History(page) = writer.next_frame().await else {
        panic!("expected a history page");
    };
    assert_eq!(
        page.messages.iter().map(|m| m.id).collect::<Vec<_>>(),
        ids[..1]
    );
    assert!(page.complete, "nothing is older than the first message");
}

#[tokio::test]
async fn replayed_messages_carry_the_nonce_only_for_their_author() {
    let server = TestServer::start().await;
    let mut ada = Client::connect_as(&server, "ada").await;
    ada.publish("mine", Some("ada-1")).await;
    ada.next_message().await;

    // The same guest again (its token), in another tab or after a reload.
    let token = ada.welcome.token.clone().expect("a guest gets a token");
    let mut ada_again =
        Client::connect_with_query(&server, &format!("?name=ada&token={token}")).await;
    assert_eq!(ada_again.welcome.token.as_ref(), Some(&token));
    assert_eq!(
        ada_again.next_message().await.nonce.as_deref(),
        Some("ada-1")
    );
    // Somebody else who types the same name is somebody else.
    let mut impostor = Client::connect_as(&server, "ada").await;
    assert_eq!(impostor.next_message().await.nonce, None);
    let mut bob = Client::connect_as(&server, "bob").await;
    assert_eq!(bob.next_message().await.nonce, None);
}

#[tokio::test]
async fn bad_since_cursors_get_an_error_and_the_latest_messages() {
    let server = TestServer::start().await;
    let mut writer = Client::connect_as(&server, "writer").await;
    let ids = publish_many(&mut writer, 3).await;
    for since in ["-1", "abc", "1.5", "99999"] {
        let mut client = Client::connect_with_query(&server, &format!("?since={since}")).await;
        let error = client.expect_error(ErrorCode::InvalidCursor).await;
        assert!(error.message.contains(since), "{}", error.message);
        let mut replayed = Vec::new();
        for _ in 0..3 {
            replayed.push(client.next_message().await.id);
        }
        assert_eq!(replayed, ids, "since={since}");
        // The connection stays usable.
        client.publish("still here", None).await;
        assert_eq!(client.next_message().await.value, "still here");
        writer.next_message().await;
    }
}

#[tokio::test]
async fn bad_before_cursors_get_an_error_and_the_connection_stays() {
    let server = TestServer::start().await;
    let mut client = Client::connect_as(&server, "c").await;
    client.publish("one", None).await;
    client.next_message().await;
    for (params, code) in [
        (r#"{"before":-1}"#, ErrorCode::InvalidParams),
        (r#"{"before":"soon"}"#, ErrorCode::InvalidParams),
        (r#"{"before":500}"#, ErrorCode::InvalidCursor),
    ] {
        client
            .send_text(format!(r#"{{"type":"history","params":{params}}}"#))
            .await;
        client.expect_error(code).await;
    }
    client.publish("two", None).await;
    assert_eq!(client.next_message().await.value, "two");
}

#[tokio::test]
async fn history_survives_a_restart() {
    let server = TestServer::start().await;
    let mut writer = Client::connect_as(&server, "writer").await;
    let ids = publish_many(&mut writer, 5).await;
    drop(writer);
    let server = server.restart().await;
    let mut reader = Client::connect(&server).await;
    let mut replayed = Vec::new();
    for _ in 0..5 {
        replayed.push(reader.next_message().await.id);
    }
    assert_eq!(replayed, ids);
    let mut writer = Client::connect_as(&server, "writer").await;
    for _ in 0..5 {
        writer.next_message().await;
    }
    writer.publish("after restart", None).await;
    assert_eq!(
        writer.next_message().await.id,
        ids[4] + 1,
        "ids keep increasing across restarts"
    );
}
