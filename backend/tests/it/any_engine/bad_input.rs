//! Bad input gets the offender an error frame or a close code; everyone else
//! notices nothing.

use crate::common::{Client, TestServer};
use futures_util::SinkExt;
use natter_shared::ErrorCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

/// A bystander publishes after the offence; it must be the very next thing both
/// the bystander and (when still connected) the offender receive.
async fn bystander_unaffected(bystander: &mut Client, offender: Option<&mut Client>, tag: &str) {
    bystander.publish(tag, None).await;
    let seen = bystander.next_message().await;
    assert_eq!(seen.value, tag);
    if let Some(offender) = offender {
        assert_eq!(offender.next_message().await.id, seen.id);
    }
}

#[tokio::test]
async fn malformed_frames_get_error_frames_and_the_connection_stays() {
    let server = TestServer::start().await;
    let mut offender = Client::connect_as(&server, "offender").await;
    let mut bystander = Client::connect_as(&server, "bystander").await;
    let deeply_nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(String, ErrorCode)> = vec![
        ("this is not json".into(), ErrorCode::InvalidJson),
        ("[1, 2, 3]".into(), ErrorCode::InvalidJson),
        ("\"message\"".into(), ErrorCode::InvalidJson),
        (deeply_nested, ErrorCode::InvalidJson),
        (
            r#"{"params":{"value":"hi"}}"#.into(),
            ErrorCode::MissingType,
        ),
        (
            r#"{"type":"shout","params":{"value":"hi"}}"#.into(),
            ErrorCode::UnknownType,
        ),
        (r#"{"type":"message"}"#.into(), ErrorCode::InvalidParams),
        (
            r#"{"type":"message","params":{"value":42}}"#.into(),
            ErrorCode::InvalidParams,
        ),
        (
            r#"{"type":"message","params":{"value":"hi","nonce":[]}}"#.into(),
            ErrorCode::InvalidParams,
        ),
    ];
    for (round, (text, code)) in cases.into_iter().enumerate() {
        offender.send_text(text.clone()).await;
        let error = offender.expect_error(code).await;
        assert!(!error.message.is_empty());
        bystander_unaffected(
            &mut bystander,
            Some(&mut offender),
            &format!("after case {round}"),
        )
        .await;
    }
}

#[tokio::test]
async fn invalid_message_text_is_refused_with_the_reason() {
    let server = TestServer::start().await;
    let mut offender = Client::connect_as(&server, "offender").await;
    let mut bystander = Client::connect_as(&server, "bystander").await;
    let cases = [
        ("".to_owned(), ErrorCode::EmptyMessage),
        ("   \n\t ".to_owned(), ErrorCode::EmptyMessage),
        ("ring\u{7}bell".to_owned(), ErrorCode::ControlCharacter),
        ("x".repeat(2001), ErrorCode::MessageTooLong),
    ];
    for (round, (value, code)) in cases.into_iter().enumerate() {
        offender.publish(&value, Some("n")).await;
        let error = offender.expect_error(code).await;
        assert!(
            error.message.starts_with("message not sent: "),
            "{}",
            error.message
        );
        bystander_unaffected(
            &mut bystander,
            Some(&mut offender),
            &format!("after text {round}"),
        )
        .await;
    }
    // Exactly the limit is fine.
    offender.publish(&"x".repeat(2000), None).await;
    assert_eq!(offender.next_message().await.value.len(), 2000);
}

#[tokio::test]
async fn the_length_limit_follows_the_flag() {
    let server = TestServer::start_with(&["--max-message-chars", "5"]).await;
    let mut client = Client::connect(&server).await;
    client.publish("123456", None).await;
    client.expect_error(ErrorCode::MessageTooLong).await;
    client.publish("12345", None).await;
    assert_eq!(client.next_message().await.value, "12345");
}

#[tokio::test]
async fn a_binary_frame_closes_with_1003() {
    let server = TestServer::start().await;
    let mut offender = Client::connect(&server).await;
    let mut bystander = Client::connect(&server).await;
    offender
        .ws
        .send(Message::binary(vec![1, 2, 3]))
        .await
        .unwrap();
    assert_eq!(offender.expect_close().await, 1003);
    bystander_unaffected(&mut bystander, None, "still here").await;
}

#[tokio::test]
async fn a_frame_over_the_size_limit_closes_with_1009() {
    let server = TestServer::start().await;
    let mut offender = Client::connect(&server).await;
    let mut bystander = Client::connect(&server).await;
    // 64 KiB is the default limit; this text frame is 1 MB.
    let huge = format!(
        r#"{{"type":"message","params":{{"value":"{}"}}}}"#,
        "x".repeat(1_000_000)
    );
    // The server may reset the socket while the client is still writing; what
    // matters is the close code the client reads.
    let _ = offender.ws.send(Message::text(huge)).await;
    assert_eq!(offender.expect_close().await, 1009);
    bystander_unaffected(&mut bystander, None, "unbothered").await;
}

#[tokio::test]
async fn a_frame_just_over_a_small_limit_closes_with_1009() {
    let server = TestServer::start_with(&["--max-frame-bytes", "2048"]).await;
    let mut offender = Client::connect(&server).await;
    let frame = format!(
        r#"{{"type":"message","params":{{"value":"{}"}}}}"#,
        "y".repeat(2048)
    );
    offender.send_text(frame).await;
    assert_eq!(offender.expect_close().await, 1009);
}

#[tokio::test]
async fn invalid_utf8_in_a_text_frame_closes_with_1007() {
    let server = TestServer::start().await;
    let mut offender = Client::connect(&server).await;
    let mut bystander = Client::connect(&server).await;
    let raw = Frame::message(vec![0xff, 0xfe, 0xfd], OpCode::Data(Data::Text), true);
    offender.ws.send(Message::Frame(raw)).await.unwrap();
    assert_eq!(offender.expect_close().await, 1007);
    bystander_unaffected(&mut bystander, None, "fine").await;
}
