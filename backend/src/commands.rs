//! What the server does with each frame a client sends.

use std::collections::HashSet;
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use natter_shared::{
    ClientFrame, DeleteParams, EditParams, ErrorCode, HistoryPage, HistoryRequest,
    MAX_HISTORY_PAGE, NoParams, PublishParams, ReadMarker, ServerFrame, TypingParams,
    decode_client_frame, validate_nonce, validate_text,
};

use crate::clock::now_ms;
use crate::hub::as_seen_by;
use crate::store::{Action, AuthorId, HistoryStore, NewMessage, RoomStore, Target};

/// Who sent a frame.
pub struct Sender<'a> {
    /// Who the sending connection is.
    pub author_id: AuthorId,
    /// Whether it is an account (rather than a guest).
    pub is_account: bool,
    /// Its display name, stamped on what it publishes.
    pub name: &'a str,
    /// The rooms it is in: frames naming any other are refused.
    pub rooms: &'a HashSet<String>,
}

/// What a frame asks for.
pub enum Command {
    /// Store and broadcast this message (or change), then acknowledge it.
    Publish(NewMessage),
    /// Send this page of older messages.
    History(HistoryRequest),
    /// Move the account's read marker.
    Read(ReadMarker),
    /// Tell the room's other connections the sender is typing there.
    Typing(String),
    /// The frame names a room the sender is not in: refuse it (see
    /// [`refuse_outside`]), naming the message's nonce if it had one.
    Outside {
        /// The room named.
        room: String,
        /// The message's nonce.
        nonce: Option<String>,
    },
    /// Send this frame (an error) to the sender and do nothing else.
    Reply(Utf8Bytes),
}

/// The limits frames are judged by.
#[derive(Debug, Clone, Copy)]
pub struct FrameRules {
    /// The message length limit, in characters.
    pub max_message_chars: usize,
    /// How long after sending a message its author may change it; `None`:
    /// no limit.
    pub edit_window: Option<Duration>,
}

/// Decodes and validates one text frame under `rules`. Pure but for the
/// clock (an edit window counts back from now): it needs no store, so it is
/// tested alone.
pub fn interpret(rules: &FrameRules, sender: &Sender<'_>, text: &str) -> Command {
    let frame = match decode_client_frame(text) {
        Ok(frame) => frame,
        Err(error) => {
            return Command::Reply(encode(ServerFrame::error(error.code(), error.to_string())));
        }
    };
    match frame {
        ClientFrame::Message(PublishParams { value, nonce, room }) => {
            // Checked first, and never echoed: a bad nonce may be huge or hold
            // control characters, and the reply must not carry it back.
            if let Some(error) = nonce
                .as_deref()
                .and_then(|nonce| validate_nonce(nonce).err())
            {
                return Command::Reply(encode(ServerFrame::error(
                    error.code(),
                    format!("message not sent: {error}"),
                )));
            }
            if !sender.rooms.contains(&room) {
                return Command::Outside { room, nonce };
            }
            match validate_text(&value, rules.max_message_chars) {
                Ok(text) => Command::Publish(NewMessage {
                    room,
                    author: sender.name.to_owned(),
                    author_id: sender.author_id,
                    value: text.to_owned(),
                    nonce,
                    action: Action::Post,
                }),
                Err(error) => Command::Reply(encode(ServerFrame::error_about(
                    error.code(),
                    format!("message not sent: {error}"),
                    nonce,
                ))),
            }
        }
        ClientFrame::Edit(EditParams {
            id,
            room,
            value,
            nonce,
        }) => {
            let target = target(rules, id);
            let text = match validate_text(&value, rules.max_message_chars) {
                Ok(text) => text.to_owned(),
                Err(error) => {
                    return Command::Reply(encode(ServerFrame::error_about(
                        error.code(),
                        format!("message not changed: {error}"),
                        valid(nonce),
                    )));
                }
            };
            change(sender, room, text, nonce, Action::Edit(target))
        }
        ClientFrame::Delete(DeleteParams { id, room, nonce }) => {
            let target = target(rules, id);
            change(sender, room, String::new(), nonce, Action::Delete(target))
        }
        ClientFrame::History(request) if !sender.rooms.contains(&request.room) => {
            Command::Outside {
                room: request.room,
                nonce: None,
            }
        }
        ClientFrame::History(request) => Command::History(request),
        ClientFrame::Read(_) if !sender.is_account => Command::Reply(encode(ServerFrame::error(
            ErrorCode::AccountRequired,
            "guests keep their read markers in the browser; only accounts have them on the server",
        ))),
        ClientFrame::Read(marker) if !sender.rooms.contains(&marker.room) => Command::Outside {
            room: marker.room,
            nonce: None,
        },
        ClientFrame::Read(marker) => Command::Read(marker),
        ClientFrame::Typing(TypingParams { room }) if !sender.rooms.contains(&room) => {
            Command::Outside { room, nonce: None }
        }
        ClientFrame::Typing(TypingParams { room }) => Command::Typing(room),
        ClientFrame::Ping(_) => Command::Reply(encode(ServerFrame::Pong(NoParams {}))),
    }
}

/// The message a change names, and how old it may be now.
fn target(rules: &FrameRules, id: u64) -> Target {
    Target {
        id,
        sent_since: rules.edit_window.map(|window| {
            now_ms().saturating_sub(i64::try_from(window.as_millis()).unwrap_or(i64::MAX))
        }),
    }
}

/// A nonce fit to echo: a bad one may be huge or hold control characters.
fn valid(nonce: Option<String>) -> Option<String> {
    nonce.filter(|nonce| validate_nonce(nonce).is_ok())
}

/// An edit or a delete, checked like a message: the nonce, then the room.
/// Whose message it is, and how old, only the store can tell.
fn change(
    sender: &Sender<'_>,
    room: String,
    value: String,
    nonce: Option<String>,
    action: Action,
) -> Command {
    if let Some(error) = nonce
        .as_deref()
        .and_then(|nonce| validate_nonce(nonce).err())
    {
        return Command::Reply(encode(ServerFrame::error(
            error.code(),
            format!("message not changed: {error}"),
        )));
    }
    if !sender.rooms.contains(&room) {
        return Command::Outside { room, nonce };
    }
    Command::Publish(NewMessage {
        room,
        author: sender.name.to_owned(),
        author_id: sender.author_id,
        value,
        nonce,
        action,
    })
}

/// The refusal for a frame naming a room its sender is not in. A public
/// room may be known to exist (anyone signed in can list it); anything else
/// (a direct conversation of others, or nothing at all) gets the same
/// `unknown_room`, so nobody learns which conversations exist.
pub async fn refuse_outside(rooms: &dyn RoomStore, room: &str, nonce: Option<String>) -> Utf8Bytes {
    let frame = match rooms.is_public(room).await {
        Ok(true) => ServerFrame::error_about(
            ErrorCode::NotAMember,
            "you are not in that room; join it first",
            nonce,
        ),
        Ok(false) => ServerFrame::error_about(ErrorCode::UnknownRoom, "no such room", nonce),
        Err(error) => ServerFrame::error_about(
            ErrorCode::StoreUnavailable,
            format!("rooms are unavailable right now: {error}"),
            nonce,
        ),
    };
    encode(frame)
}

/// The nonce in a frame, if it has a valid one, without judging the rest: for
/// refusing a frame unread (rate limit) while still naming the message.
pub fn nonce_of(text: &str) -> Option<String> {
    match decode_client_frame(text) {
        Ok(
            ClientFrame::Message(PublishParams { nonce, .. })
            | ClientFrame::Edit(EditParams { nonce, .. })
            | ClientFrame::Delete(DeleteParams { nonce, .. }),
        ) => valid(nonce),
        _ => None,
    }
}

/// Answers a request for older messages in a room the reader is in, when
/// `newest` is the newest id published.
pub async fn history_page(
    store: &dyn HistoryStore,
    reader: AuthorId,
    newest: u64,
    request: HistoryRequest,
) -> Utf8Bytes {
    if let Some(before) = request.before
        && before > newest.saturating_add(1)
    {
        let message = format!("before={before} is beyond the newest message id {newest}");
        return encode(ServerFrame::error(ErrorCode::InvalidCursor, message));
    }
    let limit = request.limit.clamp(1, MAX_HISTORY_PAGE);
    let rooms = [request.room.clone()];
    match store.before(&rooms, request.before, limit as usize).await {
        Ok(messages) => {
            let complete = messages.len() < limit as usize;
            let messages = messages
                .into_iter()
                .map(|stored| as_seen_by(stored, reader))
                .collect();
            encode(ServerFrame::History(HistoryPage {
                room: request.room,
                before: request.before,
                messages,
                complete,
            }))
        }
        Err(error) => unavailable(&error),
    }
}

fn unavailable(error: &dyn std::fmt::Display) -> Utf8Bytes {
    encode(ServerFrame::error(
        ErrorCode::StoreUnavailable,
        format!("history is unavailable right now: {error}"),
    ))
}

fn encode(frame: ServerFrame) -> Utf8Bytes {
    frame.to_json().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use natter_shared::{ErrorCode, LOBBY};

    fn rules(max_message_chars: usize) -> FrameRules {
        FrameRules {
            max_message_chars,
            edit_window: None,
        }
    }

    /// The rooms ada is in.
    fn ada_rooms() -> HashSet<String> {
        [LOBBY, "general"].map(str::to_owned).into()
    }

    fn ada(rooms: &HashSet<String>) -> Sender<'_> {
        Sender {
            author_id: AuthorId(7),
            is_account: true,
            name: "ada",
            rooms,
        }
    }

    fn refusal(command: Command) -> ErrorCode {
        let Command::Reply(frame) = command else {
            panic!("expected a refusal");
        };
        match serde_json::from_str::<ServerFrame>(&frame) {
            Ok(ServerFrame::Error(error)) => error.code,
            other => panic!("expected an error frame, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_message_becomes_an_append_by_its_author_in_the_lobby() {
        let rooms = ada_rooms();
        let frame = r#"{"type":"message","params":{"value":"  hi  ","nonce":"n-1"}}"#;
        let Command::Publish(message) = interpret(&rules(2000), &ada(&rooms), frame) else {
            panic!("expected a publish");
        };
        assert_eq!(message.value, "hi");
        assert_eq!(message.author, "ada");
        assert_eq!(message.author_id, AuthorId(7));
        assert_eq!(message.room, LOBBY);
        assert_eq!(message.nonce.as_deref(), Some("n-1"));
    }

    #[test]
    fn a_message_goes_to_the_room_it_names_if_the_sender_is_in_it() {
        let rooms = ada_rooms();
        let frame = r#"{"type":"message","params":{"value":"hi","room":"general"}}"#;
        let Command::Publish(message) = interpret(&rules(2000), &ada(&rooms), frame) else {
            panic!("expected a publish");
        };
        assert_eq!(message.room, "general");
        for frame in [
            r#"{"type":"message","params":{"value":"hi","room":"dm:1:2","nonce":"n-3"}}"#,
            r#"{"type":"history","params":{"room":"dm:1:2"}}"#,
            r#"{"type":"read","params":{"room":"dm:1:2","id":1}}"#,
        ] {
            assert!(
                matches!(
                    interpret(&rules(2000), &ada(&rooms), frame),
                    Command::Outside { ref room, .. } if room == "dm:1:2"
                ),
                "{frame}"
            );
        }
    }

    #[test]
    fn a_guest_has_no_read_markers() {
        let rooms = ada_rooms();
        let guest = Sender {
            author_id: AuthorId(-3),
            is_account: false,
            name: "guest-1a2b",
            rooms: &rooms,
        };
        let frame = r#"{"type":"read","params":{"id":1}}"#;
        assert_eq!(
            refusal(interpret(&rules(2000), &guest, frame)),
            ErrorCode::AccountRequired
        );
        assert!(matches!(
            interpret(&rules(2000), &ada(&rooms), frame),
            Command::Read(ReadMarker { id: 1, .. })
        ));
    }

    #[test]
    fn refusals_come_before_anything_is_stored() {
        let rooms = ada_rooms();
        let ada = ada(&rooms);
        let long = format!(
            r#"{{"type":"message","params":{{"value":"{}"}}}}"#,
            "x".repeat(11)
        );
        assert_eq!(
            refusal(interpret(&rules(10), &ada, &long)),
            ErrorCode::MessageTooLong
        );
        let bad_nonce = r#"{"type":"message","params":{"value":"hi","nonce":"a b"}}"#;
        assert_eq!(
            refusal(interpret(&rules(2000), &ada, bad_nonce)),
            ErrorCode::InvalidNonce
        );
        assert_eq!(
            refusal(interpret(&rules(2000), &ada, "nope")),
            ErrorCode::InvalidJson
        );
    }

    #[test]
    fn a_ping_is_answered_and_a_history_request_passed_on() {
        let rooms = ada_rooms();
        let ada = ada(&rooms);
        let Command::Reply(pong) = interpret(&rules(2000), &ada, r#"{"type":"ping","params":{}}"#)
        else {
            panic!("expected a pong");
        };
        assert_eq!(&*pong, r#"{"type":"pong","params":{}}"#);
        let history = r#"{"type":"history","params":{"before":5}}"#;
        assert!(matches!(
            interpret(&rules(2000), &ada, history),
            Command::History(_)
        ));
    }
}
