//! Decoding one client text frame, with errors precise enough to tell the sender
//! what to fix.

use serde_json::Value;
use thiserror::Error;

use crate::{ClientFrame, ErrorCode};

/// The `type` names [`ClientFrame`] accepts; a test keeps this in step with the enum.
pub const CLIENT_FRAME_TYPES: &[&str] = &[
    "message", "history", "read", "typing", "edit", "delete", "ping",
];

/// How much of a client's unknown `type` is echoed back in the error message.
const ECHO_LIMIT: usize = 64;

/// Why a text frame is not a [`ClientFrame`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// Not JSON at all (or nested deeper than the parser allows).
    #[error("the frame is not valid JSON: {0}")]
    InvalidJson(String),
    /// JSON, but not an object.
    #[error("the frame must be a JSON object shaped {{\"type\": ..., \"params\": {{...}}}}")]
    NotAnObject,
    /// An object without a string `type`.
    #[error("the frame has no string \"type\" field")]
    MissingType,
    /// A `type` this server does not know.
    #[error("unknown frame type \"{0}\"; known types: {known}", known = CLIENT_FRAME_TYPES.join(", "))]
    UnknownType(String),
    /// A known `type` whose `params` do not fit it.
    #[error("invalid params for \"{kind}\": {detail}")]
    InvalidParams {
        /// The frame type the client named.
        kind: String,
        /// serde's account of the mismatch.
        detail: String,
    },
}

impl DecodeError {
    /// The code the `error` frame carries for this failure.
    pub fn code(&self) -> ErrorCode {
        match self {
            DecodeError::InvalidJson(_) | DecodeError::NotAnObject => ErrorCode::InvalidJson,
            DecodeError::MissingType => ErrorCode::MissingType,
            DecodeError::UnknownType(_) => ErrorCode::UnknownType,
            DecodeError::InvalidParams { .. } => ErrorCode::InvalidParams,
        }
    }
}

/// Decodes one text frame from a client.
///
/// Valid frames are parsed once, straight into [`ClientFrame`]. Only a frame
/// that fails is parsed a second time, generically, to say which part is wrong.
pub fn decode_client_frame(text: &str) -> Result<ClientFrame, DecodeError> {
    serde_json::from_str(text).map_err(|typed_error| classify(text, typed_error))
}

fn classify(text: &str, typed_error: serde_json::Error) -> DecodeError {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => return DecodeError::InvalidJson(error.to_string()),
    };
    let Some(object) = value.as_object() else {
        return DecodeError::NotAnObject;
    };
    match object.get("type") {
        Some(Value::String(kind)) if CLIENT_FRAME_TYPES.contains(&kind.as_str()) => {
            DecodeError::InvalidParams {
                kind: kind.clone(),
                detail: typed_error.to_string(),
            }
        }
        Some(Value::String(kind)) => DecodeError::UnknownType(truncate(kind, ECHO_LIMIT)),
        _ => DecodeError::MissingType,
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
