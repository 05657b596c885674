//! `message`, `edit` and `delete`: checked here (the nonce, the room, the
//! text), then stored in the order sent; whose message a change names, and
//! how old it is, only the store can tell. [`answer`] is what the sender
//! hears once the store has decided.

use natter_shared::{
    AckParams, DeleteParams, EditParams, ErrorCode, PublishParams, ServerFrame, validate_nonce,
    validate_text,
};

use crate::connection::commands::{Command, FrameRules, Sender, encode};
use crate::process::clock::now_ms;
use crate::store::{Action, Appended, EntryRefused, NewMessage, StoreError, Target};

/// A new message.
pub(super) fn message(
    rules: &FrameRules,
    sender: &Sender<'_>,
    PublishParams { value, nonce, room }: PublishParams,
) -> Command {
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

/// A new text for one of the sender's messages.
pub(super) fn edit(
    rules: &FrameRules,
    sender: &Sender<'_>,
    EditParams {
        id,
        room,
        value,
        nonce,
    }: EditParams,
) -> Command {
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

/// One of the sender's messages removed.
pub(super) fn delete(
    rules: &FrameRules,
    sender: &Sender<'_>,
    DeleteParams { id, room, nonce }: DeleteParams,
) -> Command {
    let target = target(rules, id);
    change(sender, room, String::new(), nonce, Action::Delete(target))
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
pub(super) fn valid(nonce: Option<String>) -> Option<String> {
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

/// The frame a finished append sends back: an ack when the client gave a
/// nonce (a plain page that sends none gets nothing it cannot show), or an
/// error naming the nonce (a refused change, or a store that failed).
pub(crate) fn answer(
    nonce: Option<String>,
    outcome: Result<Appended, StoreError>,
) -> Option<String> {
    match outcome {
        Ok(appended) => nonce.map(|nonce| {
            ServerFrame::Ack(AckParams {
                nonce,
                id: appended.id,
            })
            .to_json()
        }),
        // Sent with or without a nonce: a page that gave none still learns
        // why nothing changed.
        Err(StoreError::Refused(refusal)) => {
            let code = match refusal {
                EntryRefused::UnknownMessage => ErrorCode::UnknownMessage,
                EntryRefused::NotYours => ErrorCode::NotYourMessage,
                EntryRefused::TooOld => ErrorCode::EditWindowClosed,
                EntryRefused::NonceReused => ErrorCode::NonceReused,
            };
            let message = match refusal {
                EntryRefused::NonceReused => format!("not stored: {refusal}"),
                _ => format!("message not changed: {refusal}"),
            };
            Some(ServerFrame::error_about(code, message, nonce).to_json())
        }
        Err(error) => Some(
            ServerFrame::error_about(
                ErrorCode::StoreUnavailable,
                format!("message not stored, so not sent: {error}; sending it again is safe"),
                nonce,
            )
            .to_json(),
        ),
    }
}
