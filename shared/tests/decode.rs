//! Each way a frame can be wrong gets its own, stable error code.

use natter_shared::decode::CLIENT_FRAME_TYPES;
use natter_shared::{
    ClientFrame, DecodeError, ErrorCode, HistoryRequest, NoParams, PublishParams, ReadMarker,
    TypingParams, decode_client_frame, lobby,
};

fn code_of(text: &str) -> ErrorCode {
    decode_client_frame(text).unwrap_err().code()
}

#[test]
fn known_types_list_matches_the_enum() {
    // Every ClientFrame variant must be listed, or its bad params would be
    // reported as an unknown type.
    let samples = [
        ClientFrame::Message(PublishParams {
            value: String::new(),
            nonce: None,
            room: lobby(),
        }),
        ClientFrame::History(HistoryRequest {
            room: lobby(),
            before: Some(1),
            limit: 1,
        }),
        ClientFrame::Read(ReadMarker {
            room: lobby(),
            id: 1,
        }),
        ClientFrame::Typing(TypingParams { room: lobby() }),
        ClientFrame::Edit(natter_shared::EditParams {
            id: 1,
            room: lobby(),
            value: String::new(),
            nonce: None,
        }),
        ClientFrame::Delete(natter_shared::DeleteParams {
            id: 1,
            room: lobby(),
            nonce: None,
        }),
        ClientFrame::Ping(NoParams {}),
    ];
    let names: Vec<String> = samples
        .iter()
        .map(|frame| {
            serde_json::to_value(frame).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(names, CLIENT_FRAME_TYPES);
}

#[test]
fn not_json() {
    assert_eq!(code_of("hello"), ErrorCode::InvalidJson);
    assert_eq!(code_of(""), ErrorCode::InvalidJson);
    assert_eq!(code_of(r#"{"type":"message""#), ErrorCode::InvalidJson);
}

#[test]
fn json_that_is_not_an_object() {
    for text in ["[]", "1", "\"message\"", "null", "true"] {
        assert_eq!(
            decode_client_frame(text),
            Err(DecodeError::NotAnObject),
            "{text}"
        );
        assert_eq!(code_of(text), ErrorCode::InvalidJson);
    }
}

#[test]
fn missing_or_non_string_type() {
    assert_eq!(
        code_of(r#"{"params":{"value":"hi"}}"#),
        ErrorCode::MissingType
    );
    assert_eq!(code_of(r#"{"type":5,"params":{}}"#), ErrorCode::MissingType);
}

#[test]
fn unknown_type_names_the_type() {
    let error = decode_client_frame(r#"{"type":"shout","params":{"value":"hi"}}"#).unwrap_err();
    assert_eq!(error, DecodeError::UnknownType("shout".into()));
    assert_eq!(error.code(), ErrorCode::UnknownType);
    assert_eq!(
        error.to_string(),
        "unknown frame type \"shout\"; known types: message, history, read, typing, edit, delete, ping"
    );
}

#[test]
fn unknown_type_echo_is_bounded() {
    let long = "x".repeat(10_000);
    let error = decode_client_frame(&format!(r#"{{"type":"{long}"}}"#)).unwrap_err();
    assert!(error.to_string().len() < 200, "{error}");
}

#[test]
fn missing_params_or_wrong_field_types() {
    assert_eq!(code_of(r#"{"type":"message"}"#), ErrorCode::InvalidParams);
    assert_eq!(
        code_of(r#"{"type":"message","params":{}}"#),
        ErrorCode::InvalidParams
    );
    assert_eq!(
        code_of(r#"{"type":"message","params":{"value":5}}"#),
        ErrorCode::InvalidParams
    );
    assert_eq!(
        code_of(r#"{"type":"message","params":{"value":"hi","nonce":7}}"#),
        ErrorCode::InvalidParams
    );
    assert_eq!(
        code_of(r#"{"type":"message","params":"hi"}"#),
        ErrorCode::InvalidParams
    );
}

#[test]
fn unknown_fields_are_ignored_for_forward_compatibility() {
    let frame =
        decode_client_frame(r#"{"type":"message","params":{"value":"hi","mood":"happy"},"v":2}"#)
            .unwrap();
    assert_eq!(
        frame,
        ClientFrame::Message(PublishParams {
            value: "hi".into(),
            nonce: None,
            room: lobby(),
        })
    );
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let depth = 10_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert_eq!(code_of(&nested), ErrorCode::InvalidJson);
    let in_params = format!(
        r#"{{"type":"message","params":{{"value":{}{}}}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert_eq!(code_of(&in_params), ErrorCode::InvalidJson);
}

#[test]
fn history_cursors_must_be_non_negative_integers() {
    for params in [
        r#"{"before":-1}"#,
        r#"{"before":"abc"}"#,
        r#"{"before":1.5}"#,
        r#"{"before":1,"limit":-3}"#,
        r#"{"room":5}"#,
    ] {
        let frame = format!(r#"{{"type":"history","params":{params}}}"#);
        assert_eq!(code_of(&frame), ErrorCode::InvalidParams, "{params}");
    }
}
