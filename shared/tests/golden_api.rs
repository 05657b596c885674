//! The exact JSON of every `/api/` body, as README's HTTP section shows it.
//! A change to one shows up here as a changed string.

use natter_shared::api::{
    ApiError, Credentials, Directory, DirectoryEntry, Members, MessageOrder, Named, PasswordChange,
    Preferences, ServerInfo, SignedIn, Theme,
};
use natter_shared::{RoomInfo, RoomKind};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// `value` is exactly `golden`, and `golden` reads back as `value`.
fn assert_golden<T>(value: T, golden: &str)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    assert_eq!(serde_json::to_string(&value).unwrap(), golden);
    assert_eq!(serde_json::from_str::<T>(golden).unwrap(), value);
}

#[test]
fn credentials() {
    assert_golden(
        Credentials {
            name: "ada".into(),
            password: "correct horse".into(),
        },
        r#"{"name":"ada","password":"correct horse"}"#,
    );
}

#[test]
fn password_change() {
    assert_golden(
        PasswordChange {
            current: "correct horse".into(),
            new: "battery staple".into(),
        },
        r#"{"current":"correct horse","new":"battery staple"}"#,
    );
}

#[test]
fn signed_in_with_and_without_a_token() {
    assert_golden(
        SignedIn {
            name: "ada".into(),
            token: Some("u_Xf3".into()),
            preferences: Preferences::default(),
        },
        r#"{"name":"ada","token":"u_Xf3","preferences":{"theme":"system","order":"newest_first"}}"#,
    );
    // `GET /api/me` never repeats the token.
    assert_golden(
        SignedIn {
            name: "ada".into(),
            token: None,
            preferences: Preferences {
                theme: Theme::Dark,
                order: MessageOrder::NewestLast,
            },
        },
        r#"{"name":"ada","preferences":{"theme":"dark","order":"newest_last"}}"#,
    );
    // An answer from before preferences existed still reads.
    assert_eq!(
        serde_json::from_str::<SignedIn>(r#"{"name":"ada"}"#)
            .unwrap()
            .preferences,
        Preferences::default()
    );
}

#[test]
fn preferences_read_whatever_is_missing_or_unknown() {
    assert_golden(
        Preferences {
            theme: Theme::Light,
            order: MessageOrder::NewestFirst,
        },
        r#"{"theme":"light","order":"newest_first"}"#,
    );
    assert_eq!(
        serde_json::from_str::<Preferences>(r#"{"order":"newest_last","font":"big"}"#).unwrap(),
        Preferences {
            theme: Theme::System,
            order: MessageOrder::NewestLast,
        }
    );
    assert!(serde_json::from_str::<Preferences>(r#"{"theme":"purple"}"#).is_err());
}

#[test]
fn server_info() {
    assert_golden(
        ServerInfo {
            guests: false,
            signup: true,
            max_message_chars: 2000,
        },
        r#"{"guests":false,"signup":true,"max_message_chars":2000}"#,
    );
}

#[test]
fn named() {
    assert_golden(
        Named {
            name: "general".into(),
        },
        r#"{"name":"general"}"#,
    );
}

#[test]
fn directory() {
    assert_golden(
        Directory {
            rooms: vec![
                DirectoryEntry {
                    room: "general".into(),
                    members: 3,
                    newest_at: Some(1_700_000_000_900),
                    joined: true,
                },
                DirectoryEntry {
                    room: "lobby".into(),
                    members: 12,
                    newest_at: None,
                    joined: true,
                },
            ],
        },
        r#"{"rooms":[{"room":"general","members":3,"newest_at":1700000000900,"joined":true},{"room":"lobby","members":12,"joined":true}]}"#,
    );
}

#[test]
fn a_room_as_its_member_sees_it() {
    assert_golden(
        RoomInfo {
            room: "general".into(),
            kind: RoomKind::Public,
            with: None,
            members: 1,
            last_read: 0,
            unread: 0,
            mentions: 0,
            newest_id: 0,
            newest_at: None,
            notify: Default::default(),
        },
        r#"{"room":"general","kind":"public","members":1,"last_read":0,"unread":0,"newest_id":0,"notify":"mentions"}"#,
    );
    assert_golden(
        RoomInfo {
            room: "dm:3:7".into(),
            kind: RoomKind::Direct,
            with: Some("bob".into()),
            members: 2,
            last_read: 0,
            unread: 0,
            mentions: 0,
            newest_id: 0,
            newest_at: None,
            notify: natter_shared::Notify::Nothing,
        },
        r#"{"room":"dm:3:7","kind":"direct","with":"bob","members":2,"last_read":0,"unread":0,"newest_id":0,"notify":"nothing"}"#,
    );
}

#[test]
fn refusal() {
    assert_golden(
        ApiError {
            code: "invalid_credentials".into(),
            message: "wrong name or password".into(),
        },
        r#"{"code":"invalid_credentials","message":"wrong name or password"}"#,
    );
}

#[test]
fn members() {
    assert_golden(
        Members {
            members: vec!["Ada".into(), "bob".into()],
        },
        r#"{"members":["Ada","bob"]}"#,
    );
}

#[test]
fn notify_choice() {
    use natter_shared::api::NotifyChoice;
    for (notify, name) in [
        (natter_shared::Notify::All, "all"),
        (natter_shared::Notify::Mentions, "mentions"),
        (natter_shared::Notify::Nothing, "nothing"),
    ] {
        assert_golden(
            NotifyChoice { notify },
            &format!(r#"{{"notify":"{name}"}}"#),
        );
    }
}
