//! Reading a server frame in the web client.
//!
//! serde's derived reader for an adjacently tagged enum (`{"type", "params"}`)
//! is two large functions covering every variant, whichever order the two
//! fields come in: the web client would download them for nothing, since the
//! server always writes `type` first. [`decode_server_frame`] reads the
//! `type`, then the `params` as that type's struct, and yields the same
//! [`ServerFrame`] (`tests/golden.rs` checks both on every frame).

use serde::Deserialize;
use serde::de::Error as _;

use crate::protocol::{NoParams, ServerFrame};

/// Just the `type` of a frame; everything else is skipped.
#[derive(Deserialize)]
struct Kind<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
}

/// Just the `params` of a frame, as `T`.
#[derive(Deserialize)]
struct Params<T> {
    params: T,
}

fn params<'a, T: Deserialize<'a>>(text: &'a str) -> serde_json::Result<T> {
    serde_json::from_str::<Params<T>>(text).map(|frame| frame.params)
}

/// Decodes one frame from the server: the same result as
/// `serde_json::from_str::<ServerFrame>`, with far less code.
pub fn decode_server_frame(text: &str) -> serde_json::Result<ServerFrame> {
    let Kind { kind } = serde_json::from_str(text)?;
    Ok(match kind {
        "welcome" => ServerFrame::Welcome(params(text)?),
        "message" => ServerFrame::Message(params(text)?),
        "ack" => ServerFrame::Ack(params(text)?),
        "history" => ServerFrame::History(params(text)?),
        "pong" => ServerFrame::Pong(NoParams {}),
        "error" => ServerFrame::Error(params(text)?),
        "joined" => ServerFrame::Joined(params(text)?),
        "left" => ServerFrame::Left(params(text)?),
        "read" => ServerFrame::Read(params(text)?),
        "presence" => ServerFrame::Presence(params(text)?),
        "online" => ServerFrame::Online(params(text)?),
        "offline" => ServerFrame::Offline(params(text)?),
        "typing" => ServerFrame::Typing(params(text)?),
        "edited" => ServerFrame::Edited(params(text)?),
        "deleted" => ServerFrame::Deleted(params(text)?),
        "members" => ServerFrame::Members(params(text)?),
        "preferences" => ServerFrame::Preferences(params(text)?),
        other => {
            return Err(serde_json::Error::custom(format!(
                "unknown frame type {other:?}"
            )));
        }
    })
}
