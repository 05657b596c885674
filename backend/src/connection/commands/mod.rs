//! What the server does with each frame a client sends: [`interpret`]
//! decodes and judges a frame into a [`Command`] without touching the store;
//! each command's handling lives in a file of its own ([`publish`],
//! [`history`], [`read`], [`outside`]; typing is [`crate::live::typing`]).
//! The reader loop ([`crate::connection`]) runs them.
//!
//! Never writes to the socket and never publishes to other connections
//! itself: a command returns the replies for its own connection, and
//! reaches others only through the store and the [`FanOut`](crate::delivery::FanOut).

pub(crate) mod history;
pub(crate) mod outside;
pub(crate) mod publish;
pub(crate) mod read;

use std::collections::HashSet;
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use natter_shared::{
    ClientFrame, DeleteParams, EditParams, ErrorCode, HistoryRequest, NoParams, PublishParams,
    ReadMarker, ServerFrame, TypingParams, decode_client_frame,
};

use crate::store::{AuthorId, NewMessage};

/// Who sent a frame.
pub(crate) struct Sender<'a> {
    /// Who the sending connection is.
    pub(crate) author_id: AuthorId,
    /// Whether it is an account (rather than a guest).
    pub(crate) is_account: bool,
    /// Its display name, stamped on what it publishes.
    pub(crate) name: &'a str,
    /// The rooms it is in: frames naming any other are refused.
    pub(crate) rooms: &'a HashSet<String>,
}

/// What a frame asks for.
pub(crate) enum Command {
    /// Store and broadcast this message (or change), then acknowledge it.
    Publish(NewMessage),
    /// Send this page of older messages.
    History(HistoryRequest),
    /// Move the account's read marker.
    Read(ReadMarker),
    /// Tell the room's other connections the sender is typing there.
    Typing(String),
    /// The frame names a room the sender is not in: refuse it (see
    /// [`outside::refuse`]), naming the message's nonce if it had one.
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
pub(crate) struct FrameRules {
    /// The message length limit, in characters.
    pub(crate) max_message_chars: usize,
    /// How long after sending a message its author may change it; `None`:
    /// no limit.
    pub(crate) edit_window: Option<Duration>,
}

/// Decodes and validates one text frame under `rules`. Pure but for the
/// clock (an edit window counts back from now): it needs no store, so it is
/// tested alone.
pub(crate) fn interpret(rules: &FrameRules, sender: &Sender<'_>, text: &str) -> Command {
    let frame = match decode_client_frame(text) {
        Ok(frame) => frame,
        Err(error) => {
            return Command::Reply(encode(ServerFrame::error(error.code(), error.to_string())));
        }
    };
    match frame {
        ClientFrame::Message(params) => publish::message(rules, sender, params),
        ClientFrame::Edit(params) => publish::edit(rules, sender, params),
        ClientFrame::Delete(params) => publish::delete(rules, sender, params),
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

/// The nonce in a frame, if it has a valid one, without judging the rest: for
/// refusing a frame unread (rate limit) while still naming the message.
pub(crate) fn nonce_of(text: &str) -> Option<String> {
    match decode_client_frame(text) {
        Ok(
            ClientFrame::Message(PublishParams { nonce, .. })
            | ClientFrame::Edit(EditParams { nonce, .. })
            | ClientFrame::Delete(DeleteParams { nonce, .. }),
        ) => publish::valid(nonce),
        _ => None,
    }
}

pub(super) fn encode(frame: ServerFrame) -> Utf8Bytes {
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
