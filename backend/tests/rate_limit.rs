//! A flood costs only the flooder: refusals with a retry time, then 1008;
//! nothing over the limit is stored, and others keep chatting.

mod common;

use std::time::Instant;

use common::{Client, TestServer};
use futures_util::SinkExt;
use natter_shared::{ErrorCode, ServerFrame};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn a_flood_of_10000_frames_is_refused_then_cut_off_with_1008() {
    let server =
        TestServer::start_with(&["--rate-limit-per-second", "5", "--rate-limit-burst", "20"]).await;
    let mut flooder = Client::connect_as(&server, "flooder").await;
    let mut bystander = Client::connect_as(&server, "bystander").await;

    let started = Instant::now();
    for n in 0..10_000 {
        let frame =
            format!(r#"{{"type":"message","params":{{"value":"flood {n}","nonce":"f{n}"}}}}"#);
        // The server may close the connection part way; the rest just fails.
        if flooder.ws.feed(Message::text(frame)).await.is_err() {
            break;
        }
    }
    let _ = flooder.ws.flush().await;

    let mut acked = 0;
    let mut refusals = 0;
    let close = loop {
        use futures_util::StreamExt;
        match tokio::time::timeout(common::PATIENCE, flooder.ws.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Text(text))) => {
                match serde_json::from_str::<ServerFrame>(&text).unwrap() {
                    ServerFrame::Ack(_) => acked += 1,
                    ServerFrame::Message(_) => {}
                    ServerFrame::Error(error) => {
                        assert_eq!(error.code, ErrorCode::RateLimited, "{error:?}");
                        assert!(error.retry_after_ms.is_some_and(|ms| ms > 0));
                        assert!(error.nonce.is_some(), "the refusal names the message");
                        refusals += 1;
                    }
                    other => panic!("unexpected {other:?}"),
                }
            }
            Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(close, Some(1008));
    assert!(refusals >= 1);
    // The burst, plus what the rate refilled while the flood lasted.
    let refilled = 5 * (started.elapsed().as_secs() as usize + 1);
    assert!(acked <= 20 + refilled, "{acked} messages got through");

    // The bystander saw exactly the accepted messages, and chats on.
    bystander.publish("unbothered", None).await;
    let mut from_flooder = 0;
    loop {
        let message = bystander.next_message().await;
        if message.value == "unbothered" {
            break;
        }
        assert_eq!(message.author, "flooder");
        from_flooder += 1;
    }
    assert_eq!(
        from_flooder, acked,
        "only acknowledged messages were stored and sent"
    );
}
