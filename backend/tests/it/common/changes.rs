//! Editing and deleting messages, as a client does it.

use natter_shared::{MessageDeleted, MessageEdited, ServerFrame};
use serde_json::json;

use super::Client;

impl Client {
    /// Asks to replace the text of message `id` in `room`.
    pub async fn edit(&mut self, room: &str, id: u64, value: &str, nonce: Option<&str>) {
        let mut params = json!({ "id": id, "room": room, "value": value });
        if let Some(nonce) = nonce {
            params["nonce"] = nonce.into();
        }
        self.send_text(json!({ "type": "edit", "params": params }).to_string())
            .await;
    }

    /// Asks to delete message `id` in `room`.
    pub async fn delete(&mut self, room: &str, id: u64, nonce: Option<&str>) {
        let mut params = json!({ "id": id, "room": room });
        if let Some(nonce) = nonce {
            params["nonce"] = nonce.into();
        }
        self.send_text(json!({ "type": "delete", "params": params }).to_string())
            .await;
    }

    /// The next frame, which must be an `edited`.
    pub async fn next_edited(&mut self) -> MessageEdited {
        match self.next_frame().await {
            ServerFrame::Edited(edited) => edited,
            other => panic!("expected an edit, got {other:?}"),
        }
    }

    /// The next frame, which must be a `deleted`.
    pub async fn next_deleted(&mut self) -> MessageDeleted {
        match self.next_frame().await {
            ServerFrame::Deleted(deleted) => deleted,
            other => panic!("expected a delete, got {other:?}"),
        }
    }
}
