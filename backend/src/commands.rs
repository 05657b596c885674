//! What the server does with each frame a client sends.

use axum::extract::ws::Utf8Bytes;
use natter_shared::{
    ClientFrame, ErrorCode, HistoryPage, HistoryRequest, MAX_HISTORY_PAGE, NoParams, PublishParams,
    ServerFrame, decode_client_frame, validate_nonce, validate_text,
};

use crate::hub::as_seen_by;
use crate::store::{AuthorId, DEFAULT_ROOM, HistoryStore, NewMessage};

/// Who sent a frame.
pub struct Sender<'a> {
    /// Who the sending connection is.
    pub author_id: AuthorId,
    /// Its display name, stamped on what it publishes.
    pub name: &'a str,
}

/// What a frame asks for.
pub enum Command {
    /// Store and broadcast this message, then acknowledge it.
    Publish(NewMessage),
    /// Send this page of older messages.
    History(HistoryRequest),
    /// Send this frame (an error) to the sender and do nothing else.
    Reply(Utf8Bytes),
}

/// Decodes and validates one text frame, under a message length limit of
/// `max_message_chars`. Pure: it needs no store, so it is tested alone.
pub fn interpret(max_message_chars: usize, sender: &Sender<'_>, text: &str) -> Command {
    let frame = match decode_client_frame(text) {
        Ok(frame) => frame,
        Err(error) => {
            return Command::Reply(encode(ServerFrame::error(error.code(), error.to_string())));
        }
    };
    match frame {
        ClientFrame::Message(PublishParams { value, nonce }) => {
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
            match validate_text(&value, max_message_chars) {
                Ok(text) => Command::Publish(NewMessage {
                    room: DEFAULT_ROOM.to_owned(),
                    author: sender.name.to_owned(),
                    author_id: sender.author_id,
                    value: text.to_owned(),
                    nonce,
                }),
                Err(error) => Command::Reply(encode(ServerFrame::error_about(
                    error.code(),
                    format!("message not sent: {error}"),
                    nonce,
                ))),
            }
        }
        ClientFrame::History(request) => Command::History(request),
        ClientFrame::Ping(_) => Command::Reply(encode(ServerFrame::Pong(NoParams {}))),
    }
}

/// The nonce in a frame, if it has a valid one, without judging the rest: for
/// refusing a frame unread (rate limit) while still naming the message.
pub fn nonce_of(text: &str) -> Option<String> {
    match decode_client_frame(text) {
        Ok(ClientFrame::Message(PublishParams { nonce, .. })) => {
            nonce.filter(|nonce| validate_nonce(nonce).is_ok())
        }
        _ => None,
    }
}

/// Answers a request for older messages.
pub async fn history_page(
    store: &dyn HistoryStore,
    reader: AuthorId,
    request: HistoryRequest,
) -> Utf8Bytes {
    let newest = match store.newest_id(DEFAULT_ROOM).await {
        Ok(newest) => newest,
        Err(error) => return unavailable(&error),
    };
    if request.before > newest.saturating_add(1) {
        let message = format!(
            "before={} is beyond the newest message id {newest}",
            request.before
        );
        return encode(ServerFrame::error(ErrorCode::InvalidCursor, message));
    }
    let limit = request.limit.clamp(1, MAX_HISTORY_PAGE);
    match store
        .before(DEFAULT_ROOM, Some(request.before), limit as usize)
        .await
    {
        Ok(messages) => {
            let complete = messages.len() < limit as usize;
            let messages = messages
                .into_iter()
                .map(|stored| as_seen_by(stored, reader))
                .collect();
            encode(ServerFrame::History(HistoryPage {
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
    use natter_shared::ErrorCode;

    const ADA: Sender<'static> = Sender {
        author_id: AuthorId(7),
        name: "ada",
    };

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
    fn a_valid_message_becomes_an_append_by_its_author() {
        let frame = r#"{"type":"message","params":{"value":"  hi  ","nonce":"n-1"}}"#;
        let Command::Publish(message) = interpret(2000, &ADA, frame) else {
            panic!("expected a publish");
        };
        assert_eq!(message.value, "hi");
        assert_eq!(message.author, "ada");
        assert_eq!(message.author_id, AuthorId(7));
        assert_eq!(message.room, DEFAULT_ROOM);
        assert_eq!(message.nonce.as_deref(), Some("n-1"));
    }

    #[test]
    fn refusals_come_before_anything_is_stored() {
        let long = format!(
            r#"{{"type":"message","params":{{"value":"{}"}}}}"#,
            "x".repeat(11)
        );
        assert_eq!(
            refusal(interpret(10, &ADA, &long)),
            ErrorCode::MessageTooLong
        );
        let bad_nonce = r#"{"type":"message","params":{"value":"hi","nonce":"a b"}}"#;
        assert_eq!(
            refusal(interpret(2000, &ADA, bad_nonce)),
            ErrorCode::InvalidNonce
        );
        assert_eq!(
            refusal(interpret(2000, &ADA, "nope")),
            ErrorCode::InvalidJson
        );
    }

    #[test]
    fn a_ping_is_answered_and_a_history_request_passed_on() {
        let Command::Reply(pong) = interpret(2000, &ADA, r#"{"type":"ping","params":{}}"#) else {
            panic!("expected a pong");
        };
        assert_eq!(&*pong, r#"{"type":"pong","params":{}}"#);
        let history = r#"{"type":"history","params":{"before":5}}"#;
        assert!(matches!(
            interpret(2000, &ADA, history),
            Command::History(_)
        ));
    }
}
