//! What the server does with each frame a client sends.

use axum::extract::ws::Utf8Bytes;
use natter_shared::{ClientFrame, PublishParams, ServerFrame, decode_client_frame, validate_text};

use crate::app::AppState;
use crate::hub::ConnectionId;

/// Who sent a frame.
pub struct Sender<'a> {
    /// The sending connection.
    pub connection: ConnectionId,
    /// Its display name, stamped on what it publishes.
    pub name: &'a str,
}

/// Acts on one text frame. Returns the reply for the sender alone, if any:
/// today only an `error` frame, since accepted messages come back as broadcasts.
pub fn handle_text(state: &AppState, sender: &Sender<'_>, text: &str) -> Option<Utf8Bytes> {
    let frame = match decode_client_frame(text) {
        Ok(frame) => frame,
        Err(error) => {
            return Some(
                ServerFrame::error(error.code(), error.to_string())
                    .to_json()
                    .into(),
            );
        }
    };
    match frame {
        ClientFrame::Message(params) => publish(state, sender, params),
    }
}

fn publish(state: &AppState, sender: &Sender<'_>, params: PublishParams) -> Option<Utf8Bytes> {
    match validate_text(&params.value, state.max_message_chars) {
        Ok(text) => {
            state
                .hub
                .publish(sender.connection, sender.name, text, params.nonce);
            None
        }
        Err(error) => {
            let message = format!("message not sent: {error}");
            Some(ServerFrame::error(error.code(), message).to_json().into())
        }
    }
}
