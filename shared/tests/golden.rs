//! The exact JSON of every frame kind. A change to the wire shows up here as a
//! changed string, so it cannot slip through review unnoticed.

use natter_shared::{
    AckParams, ChatMessage, ClientFrame, ErrorCode, FrameBudget, HistoryPage, HistoryRequest,
    NoParams, PublishParams, ReadMarker, RoomInfo, RoomKind, RoomRef, ServerFrame, Welcome,
    decode_client_frame, lobby,
};

fn assert_server_golden(frame: ServerFrame, golden: &str) {
    assert_eq!(frame.to_json(), golden);
    let parsed: ServerFrame = serde_json::from_str(golden).expect("golden parses");
    assert_eq!(parsed, frame);
    // The web client's reader agrees.
    assert_eq!(natter_shared::decode_server_frame(golden).unwrap(), frame);
}

#[test]
fn seed_message_frame_decodes() {
    let frame = decode_client_frame(r#"{"type":"message","params":{"value":"hi"}}"#).unwrap();
    assert_eq!(
        frame,
        ClientFrame::Message(PublishParams {
            value: "hi".into(),
            nonce: None,
            room: lobby(),
        })
    );
    assert_eq!(
        frame.to_json(),
        r#"{"type":"message","params":{"value":"hi"}}"#
    );
}

#[test]
fn message_frame_with_nonce() {
    let frame = ClientFrame::Message(PublishParams {
        value: "hello".into(),
        nonce: Some("n-1".into()),
        room: lobby(),
    });
    let golden = r#"{"type":"message","params":{"value":"hello","nonce":"n-1"}}"#;
    assert_eq!(frame.to_json(), golden);
    assert_eq!(decode_client_frame(golden).unwrap(), frame);
}

#[test]
fn welcome_frame() {
    assert_server_golden(
        ServerFrame::Welcome(Welcome {
            connection_id: 7,
            name: "guest-1a2b".into(),
            server_time: 1_700_000_000_123,
            value: "Connected to Natter".into(),
            token: None,
            rooms: vec![],
            frame_budget: None,
        }),
        r#"{"type":"welcome","params":{"connection_id":7,"name":"guest-1a2b","server_time":1700000000123,"value":"Connected to Natter","rooms":[]}}"#,
    );
    assert_server_golden(
        ServerFrame::Welcome(Welcome {
            connection_id: 8,
            name: "guest-1a2b".into(),
            server_time: 1_700_000_000_123,
            value: "Connected to Natter".into(),
            token: Some("g_3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into()),
            rooms: vec![lobby_info()],
            frame_budget: Some(FrameBudget {
                burst: 20,
                every_ms: 200,
            }),
        }),
        r#"{"type":"welcome","params":{"connection_id":8,"name":"guest-1a2b","server_time":1700000000123,"value":"Connected to Natter","token":"g_3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","rooms":[{"room":"lobby","kind":"public","members":12,"last_read":0,"unread":0,"newest_id":40,"newest_at":1700000000100,"notify":"mentions"}],"frame_budget":{"burst":20,"every_ms":200}}}"#,
    );
}

#[test]
fn broadcast_message_frame_without_nonce() {
    assert_server_golden(
        ServerFrame::Message(ChatMessage {
            id: 42,
            room: lobby(),
            value: "hi".into(),
            author: "ada".into(),
            timestamp: 1_700_000_000_456,
            nonce: None,
            edited: None,
        }),
        r#"{"type":"message","params":{"id":42,"value":"hi","author":"ada","timestamp":1700000000456}}"#,
    );
}

#[test]
fn broadcast_message_frame_with_nonce() {
    assert_server_golden(
        ServerFrame::Message(ChatMessage {
            id: 43,
            room: lobby(),
            value: "mine".into(),
            author: "ada".into(),
            timestamp: 1_700_000_000_789,
            nonce: Some("abc".into()),
            edited: None,
        }),
        r#"{"type":"message","params":{"id":43,"value":"mine","author":"ada","timestamp":1700000000789,"nonce":"abc"}}"#,
    );
}

#[test]
fn error_frames_for_every_code() {
    let cases = [
        (ErrorCode::InvalidJson, "invalid_json"),
        (ErrorCode::MissingType, "missing_type"),
        (ErrorCode::UnknownType, "unknown_type"),
        (ErrorCode::InvalidParams, "invalid_params"),
        (ErrorCode::EmptyMessage, "empty_message"),
        (ErrorCode::MessageTooLong, "message_too_long"),
        (ErrorCode::ControlCharacter, "control_character"),
        (ErrorCode::InvalidCursor, "invalid_cursor"),
        (ErrorCode::StoreUnavailable, "store_unavailable"),
        (ErrorCode::RateLimited, "rate_limited"),
        (ErrorCode::InvalidNonce, "invalid_nonce"),
        (ErrorCode::UnknownRoom, "unknown_room"),
        (ErrorCode::NotAMember, "not_a_member"),
        (ErrorCode::AccountRequired, "account_required"),
        (ErrorCode::UnknownMessage, "unknown_message"),
        (ErrorCode::NotYourMessage, "not_your_message"),
        (ErrorCode::EditWindowClosed, "edit_window_closed"),
        (ErrorCode::NonceReused, "nonce_reused"),
    ];
    for (code, name) in cases {
        assert_eq!(code.as_str(), name);
        assert_eq!(code.to_string(), name);
        assert_server_golden(
            ServerFrame::error(code, "why"),
            &format!(r#"{{"type":"error","params":{{"code":"{name}","message":"why"}}}}"#),
        );
    }
}

#[test]
fn error_frame_about_a_message_carries_its_nonce() {
    assert_server_golden(
        ServerFrame::error_about(ErrorCode::StoreUnavailable, "try again", Some("n-9".into())),
        r#"{"type":"error","params":{"code":"store_unavailable","message":"try again","nonce":"n-9"}}"#,
    );
}

#[test]
fn ack_frame() {
    assert_server_golden(
        ServerFrame::Ack(AckParams {
            nonce: "n-1".into(),
            id: 44,
        }),
        r#"{"type":"ack","params":{"nonce":"n-1","id":44}}"#,
    );
}

#[test]
fn history_request_frame() {
    let frame = ClientFrame::History(HistoryRequest {
        room: lobby(),
        before: Some(100),
        limit: 20,
    });
    let golden = r#"{"type":"history","params":{"before":100,"limit":20}}"#;
    assert_eq!(frame.to_json(), golden);
    assert_eq!(decode_client_frame(golden).unwrap(), frame);
    // The limit is optional and defaults to a page of 50.
    assert_eq!(
        decode_client_frame(r#"{"type":"history","params":{"before":7}}"#).unwrap(),
        ClientFrame::History(HistoryRequest {
            room: lobby(),
            before: Some(7),
            limit: 50
        })
    );
    // Without `before`, the room's newest page.
    let newest = ClientFrame::History(HistoryRequest {
        room: "general".into(),
        before: None,
        limit: 50,
    });
    let golden = r#"{"type":"history","params":{"room":"general","limit":50}}"#;
    assert_eq!(newest.to_json(), golden);
    assert_eq!(decode_client_frame(golden).unwrap(), newest);
}

#[test]
fn history_page_frame() {
    assert_server_golden(
        ServerFrame::History(HistoryPage {
            room: lobby(),
            before: Some(3),
            messages: vec![ChatMessage {
                id: 2,
                room: lobby(),
                value: "older".into(),
                author: "bob".into(),
                timestamp: 1_700_000_000_002,
                nonce: None,
                edited: None,
            }],
            complete: false,
        }),
        r#"{"type":"history","params":{"before":3,"messages":[{"id":2,"value":"older","author":"bob","timestamp":1700000000002}],"complete":false}}"#,
    );
}

#[test]
fn rate_limited_error_frame_says_when_to_retry() {
    let frame = ServerFrame::Error(natter_shared::ErrorParams {
        code: ErrorCode::RateLimited,
        message: "slow down".into(),
        nonce: Some("n-2".into()),
        retry_after_ms: Some(200),
    });
    assert_server_golden(
        frame,
        r#"{"type":"error","params":{"code":"rate_limited","message":"slow down","nonce":"n-2","retry_after_ms":200}}"#,
    );
}

#[test]
fn ping_and_pong_frames() {
    let ping = ClientFrame::Ping(NoParams {});
    assert_eq!(ping.to_json(), r#"{"type":"ping","params":{}}"#);
    // Every documented spelling of a frame without params is a ping.
    for spelling in [
        r#"{"type":"ping","params":{}}"#,
        r#"{"type":"ping"}"#,
        r#"{"type":"ping","params":null}"#,
        r#"{"type":"ping","params":{"unknown":1}}"#,
    ] {
        assert_eq!(decode_client_frame(spelling).unwrap(), ping, "{spelling}");
    }
    assert_eq!(
        decode_client_frame(r#"{"type":"ping","params":5}"#)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidParams
    );
    assert_server_golden(
        ServerFrame::Pong(NoParams {}),
        r#"{"type":"pong","params":{}}"#,
    );
}

#[test]
fn invalid_nonce_error_frame() {
    assert_server_golden(
        ServerFrame::error(ErrorCode::InvalidNonce, "bad nonce"),
        r#"{"type":"error","params":{"code":"invalid_nonce","message":"bad nonce"}}"#,
    );
}

fn lobby_info() -> RoomInfo {
    RoomInfo {
        room: lobby(),
        kind: RoomKind::Public,
        with: None,
        members: 12,
        last_read: 0,
        unread: 0,
        mentions: 0,
        newest_id: 40,
        newest_at: Some(1_700_000_000_100),
        notify: Default::default(),
    }
}

#[test]
fn a_message_in_a_room_names_it_and_one_in_the_lobby_does_not() {
    let frame = ClientFrame::Message(PublishParams {
        value: "hi".into(),
        nonce: Some("n-2".into()),
        room: "general".into(),
    });
    let golden = r#"{"type":"message","params":{"value":"hi","nonce":"n-2","room":"general"}}"#;
    assert_eq!(frame.to_json(), golden);
    assert_eq!(decode_client_frame(golden).unwrap(), frame);
    assert_server_golden(
        ServerFrame::Message(ChatMessage {
            id: 45,
            room: "dm:3:7".into(),
            value: "psst".into(),
            author: "ada".into(),
            timestamp: 1_700_000_000_900,
            nonce: None,
            edited: None,
        }),
        r#"{"type":"message","params":{"id":45,"room":"dm:3:7","value":"psst","author":"ada","timestamp":1700000000900}}"#,
    );
}

#[test]
fn read_marker_frames() {
    let frame = ClientFrame::Read(ReadMarker {
        room: "general".into(),
        id: 45,
    });
    let golden = r#"{"type":"read","params":{"room":"general","id":45}}"#;
    assert_eq!(frame.to_json(), golden);
    assert_eq!(decode_client_frame(golden).unwrap(), frame);
    assert_server_golden(
        ServerFrame::Read(ReadMarker {
            room: lobby(),
            id: 45,
        }),
        r#"{"type":"read","params":{"id":45}}"#,
    );
}

#[test]
fn joined_and_left_frames() {
    assert_server_golden(
        ServerFrame::Joined(RoomInfo {
            room: "dm:3:7".into(),
            kind: RoomKind::Direct,
            with: Some("bob".into()),
            members: 2,
            last_read: 0,
            unread: 1,
            mentions: 1,
            newest_id: 45,
            newest_at: Some(1_700_000_000_900),
            notify: natter_shared::Notify::All,
        }),
        r#"{"type":"joined","params":{"room":"dm:3:7","kind":"direct","with":"bob","members":2,"last_read":0,"unread":1,"mentions":1,"newest_id":45,"newest_at":1700000000900,"notify":"all"}}"#,
    );
    assert_server_golden(
        ServerFrame::Left(RoomRef {
            room: "general".into(),
        }),
        r#"{"type":"left","params":{"room":"general"}}"#,
    );
}

#[test]
fn presence_frames() {
    use natter_shared::{Presence, PresenceChange};
    assert_server_golden(
        ServerFrame::Presence(Presence {
            room: "general".into(),
            online: vec!["Ada".into(), "bob".into()],
        }),
        r#"{"type":"presence","params":{"room":"general","online":["Ada","bob"]}}"#,
    );
    assert_server_golden(
        ServerFrame::Presence(Presence {
            room: lobby(),
            online: vec![],
        }),
        r#"{"type":"presence","params":{"online":[]}}"#,
    );
    assert_server_golden(
        ServerFrame::Online(PresenceChange {
            room: "general".into(),
            name: "Ada".into(),
        }),
        r#"{"type":"online","params":{"room":"general","name":"Ada"}}"#,
    );
    assert_server_golden(
        ServerFrame::Offline(PresenceChange {
            room: lobby(),
            name: "Ada".into(),
        }),
        r#"{"type":"offline","params":{"name":"Ada"}}"#,
    );
}

#[test]
fn typing_frames() {
    use natter_shared::{TypingNotice, TypingParams};
    let frame = ClientFrame::Typing(TypingParams {
        room: "general".into(),
    });
    let golden = r#"{"type":"typing","params":{"room":"general"}}"#;
    assert_eq!(frame.to_json(), golden);
    assert_eq!(decode_client_frame(golden).unwrap(), frame);
    assert_eq!(
        decode_client_frame(r#"{"type":"typing","params":{}}"#).unwrap(),
        ClientFrame::Typing(TypingParams { room: lobby() })
    );
    assert_server_golden(
        ServerFrame::Typing(TypingNotice {
            room: "general".into(),
            name: "Ada".into(),
        }),
        r#"{"type":"typing","params":{"room":"general","name":"Ada"}}"#,
    );
}

#[test]
fn edit_and_delete_frames() {
    use natter_shared::{DeleteParams, EditParams, MessageDeleted, MessageEdited};
    let edit = ClientFrame::Edit(EditParams {
        id: 42,
        room: "general".into(),
        value: "hello".into(),
        nonce: Some("e-1".into()),
    });
    let golden =
        r#"{"type":"edit","params":{"id":42,"room":"general","value":"hello","nonce":"e-1"}}"#;
    assert_eq!(edit.to_json(), golden);
    assert_eq!(decode_client_frame(golden).unwrap(), edit);
    let delete = ClientFrame::Delete(DeleteParams {
        id: 42,
        room: lobby(),
        nonce: None,
    });
    let golden = r#"{"type":"delete","params":{"id":42}}"#;
    assert_eq!(delete.to_json(), golden);
    assert_eq!(decode_client_frame(golden).unwrap(), delete);

    assert_server_golden(
        ServerFrame::Edited(MessageEdited {
            id: 57,
            room: "general".into(),
            target: 42,
            value: "hello".into(),
            author: "Ada".into(),
            timestamp: 1700000000999,
            nonce: None,
        }),
        r#"{"type":"edited","params":{"id":57,"room":"general","target":42,"value":"hello","author":"Ada","timestamp":1700000000999}}"#,
    );
    assert_server_golden(
        ServerFrame::Deleted(MessageDeleted {
            id: 58,
            room: lobby(),
            target: 42,
            author: "Ada".into(),
            value: MessageDeleted::line("Ada"),
            timestamp: 1700000001000,
            nonce: Some("d-1".into()),
        }),
        r#"{"type":"deleted","params":{"id":58,"target":42,"author":"Ada","value":"Ada deleted a message","timestamp":1700000001000,"nonce":"d-1"}}"#,
    );
    // How many a room has now.
    assert_server_golden(
        ServerFrame::Members(natter_shared::RoomMembers {
            room: "general".into(),
            members: 3,
        }),
        r#"{"type":"members","params":{"room":"general","members":3}}"#,
    );
    // The account's preferences, saved on some tab.
    assert_server_golden(
        ServerFrame::Preferences(natter_shared::api::Preferences {
            theme: natter_shared::api::Theme::Dark,
            order: natter_shared::api::MessageOrder::NewestLast,
        }),
        r#"{"type":"preferences","params":{"theme":"dark","order":"newest_last"}}"#,
    );
    // A message whose text changed says when.
    assert_server_golden(
        ServerFrame::Message(ChatMessage {
            id: 42,
            room: lobby(),
            value: "hello".into(),
            author: "Ada".into(),
            timestamp: 1700000000789,
            nonce: None,
            edited: Some(1700000000999),
        }),
        r#"{"type":"message","params":{"id":42,"value":"hello","author":"Ada","timestamp":1700000000789,"edited":1700000000999}}"#,
    );
}
