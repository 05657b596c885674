//! Property tests: whatever the content, a frame survives the wire unchanged,
//! and no input makes the decoder or the validators panic. Native only:
//! proptest does not build for wasm32.
#![cfg(not(target_arch = "wasm32"))]

use natter_shared::{
    AckParams, ChatMessage, ClientFrame, ErrorCode, ErrorParams, HistoryPage, HistoryRequest,
    NoParams, PublishParams, ServerFrame, Welcome, decode_client_frame, validate_name,
    validate_text,
};
use proptest::prelude::*;

fn error_code() -> impl Strategy<Value = ErrorCode> {
    prop_oneof![
        Just(ErrorCode::InvalidJson),
        Just(ErrorCode::MissingType),
        Just(ErrorCode::UnknownType),
        Just(ErrorCode::InvalidParams),
        Just(ErrorCode::EmptyMessage),
        Just(ErrorCode::MessageTooLong),
        Just(ErrorCode::ControlCharacter),
        Just(ErrorCode::InvalidCursor),
        Just(ErrorCode::StoreUnavailable),
        Just(ErrorCode::RateLimited),
        Just(ErrorCode::InvalidNonce),
        Just(ErrorCode::UnknownRoom),
        Just(ErrorCode::NotAMember),
        Just(ErrorCode::AccountRequired),
    ]
}

fn chat_message() -> impl Strategy<Value = ChatMessage> {
    (
        any::<u64>(),
        "[a-z0-9:-]{1,12}",
        ".*",
        ".*",
        any::<i64>(),
        proptest::option::of(".*"),
        proptest::option::of(any::<i64>()),
    )
        .prop_map(
            |(id, room, value, author, timestamp, nonce, edited)| ChatMessage {
                id,
                room,
                value,
                author,
                timestamp,
                nonce,
                edited,
            },
        )
}

fn server_frame() -> impl Strategy<Value = ServerFrame> {
    prop_oneof![
        (
            any::<u64>(),
            ".*",
            any::<i64>(),
            ".*",
            proptest::option::of(".*")
        )
            .prop_map(|(connection_id, name, server_time, value, token)| {
                ServerFrame::Welcome(Welcome {
                    connection_id,
                    name,
                    server_time,
                    value,
                    token,
                    rooms: vec![],
                    frame_budget: None,
                })
            }),
        chat_message().prop_map(ServerFrame::Message),
        Just(ServerFrame::Pong(NoParams {})),
        (".*", any::<u64>()).prop_map(|(nonce, id)| ServerFrame::Ack(AckParams { nonce, id })),
        (
            "[a-z0-9:-]{1,12}",
            proptest::option::of(any::<u64>()),
            proptest::collection::vec(chat_message(), 0..4),
            any::<bool>()
        )
            .prop_map(|(room, before, messages, complete)| ServerFrame::History(
                HistoryPage {
                    room,
                    before,
                    messages,
                    complete
                }
            )),
        (
            error_code(),
            ".*",
            proptest::option::of(".*"),
            proptest::option::of(any::<u64>())
        )
            .prop_map(|(code, message, nonce, retry_after_ms)| {
                ServerFrame::Error(ErrorParams {
                    code,
                    message,
                    nonce,
                    retry_after_ms,
                })
            }),
    ]
}

proptest! {
    #[test]
    fn client_frames_round_trip(value in ".*", nonce in proptest::option::of(".*"), room in "[a-z0-9:-]{1,12}") {
        let frame = ClientFrame::Message(PublishParams { value, nonce, room });
        prop_assert_eq!(decode_client_frame(&frame.to_json()), Ok(frame));
    }

    #[test]
    fn history_requests_round_trip(room in "[a-z0-9:-]{1,12}", before in proptest::option::of(any::<u64>()), limit in any::<u32>()) {
        let frame = ClientFrame::History(HistoryRequest { room, before, limit });
        prop_assert_eq!(decode_client_frame(&frame.to_json()), Ok(frame));
    }

    #[test]
    fn server_frames_round_trip(frame in server_frame()) {
        let parsed: ServerFrame = serde_json::from_str(&frame.to_json()).unwrap();
        prop_assert_eq!(parsed, frame);
    }

    #[test]
    fn decoding_arbitrary_text_never_panics(text in ".*") {
        let _ = decode_client_frame(&text);
    }

    #[test]
    fn decoding_arbitrary_json_shapes_never_panics(
        kind in prop_oneof![Just("\"message\"".to_owned()), ".*".prop_map(|s| serde_json::to_string(&s).unwrap()), Just("1".to_owned()), Just("null".to_owned())],
        params in prop_oneof![Just("{}".to_owned()), Just("[]".to_owned()), Just("{\"value\":1}".to_owned()), ".*".prop_map(|s| serde_json::to_string(&s).unwrap())],
    ) {
        let _ = decode_client_frame(&format!(r#"{{"type":{kind},"params":{params}}}"#));
    }

    #[test]
    fn accepted_text_is_trimmed_bounded_and_clean(raw in ".*", max in 1usize..50) {
        if let Ok(text) = validate_text(&raw, max) {
            prop_assert_eq!(text, text.trim());
            prop_assert!(!text.is_empty());
            prop_assert!(text.chars().count() <= max);
            prop_assert!(text.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
        }
    }

    #[test]
    fn accepted_names_are_one_clean_line(raw in ".*") {
        if let Ok(name) = validate_name(&raw) {
            prop_assert!(!name.is_empty() && name.chars().count() <= 32);
            prop_assert!(name.chars().all(|c| !c.is_control()));
        }
    }
}
