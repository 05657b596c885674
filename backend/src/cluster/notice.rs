//! What processes tell each other through the broker: one channel, one
//! JSON notice per publication, prefixed by the publishing process's node
//! id so each process skips its own (it delivered them itself already).

use serde::{Deserialize, Serialize};

use crate::delivery::hub::AccountEvent;
use crate::store::accounts::UserId;
use crate::store::{AuthorId, Committed};

/// The channel every process publishes to and subscribes to.
pub(crate) const CHANNEL: &str = "natter:notices";

/// One publication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub(crate) enum Notice {
    /// Entries one transaction committed, in id order.
    Committed {
        /// The entries, nonces included (a process sends them on only to
        /// their author's connections).
        entries: Vec<Committed>,
    },
    /// Something happened to an account (see [`AccountEvent`]).
    Account {
        /// Whose connections must hear of it.
        user: UserId,
        /// What happened.
        event: AccountEvent,
        /// Its id in the shared log, for an event recorded there: a
        /// process that reads it from the log too applies it once. Absent
        /// for a hint that is not recorded (a read marker), and from older
        /// processes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<u64>,
    },
    /// An ephemeral event for a room (someone is typing).
    Signal {
        /// The room.
        room: String,
        /// Whose connections it skips.
        skip: Option<AuthorId>,
        /// The frame, as its connections receive it.
        frame: String,
    },
    /// Someone came online in a room, or went offline (from Redis itself).
    Presence {
        /// The room.
        room: String,
        /// Their name.
        name: String,
        /// Which of the two.
        online: bool,
    },
}

/// `notice` as `node` publishes it.
pub(crate) fn encode(node: &str, notice: &Notice) -> Vec<u8> {
    let mut payload = Vec::with_capacity(256);
    payload.extend_from_slice(node.as_bytes());
    payload.push(b'\n');
    // A notice is plain data: serializing it cannot fail.
    serde_json::to_writer(&mut payload, notice).expect("a notice serializes");
    payload
}

/// What a received payload means to the process `node`.
#[derive(Debug, PartialEq)]
pub(crate) enum Received {
    /// Its own publication, already delivered.
    Own,
    /// Another's (or Redis's).
    Notice(Notice),
    /// Not a notice: published by something else on the channel.
    Unreadable(String),
}

/// Reads `payload` as the process `node` receives it.
pub(crate) fn decode(node: &str, payload: &[u8]) -> Received {
    let Some(split) = payload.iter().position(|&byte| byte == b'\n') else {
        return Received::Unreadable("no sender".to_owned());
    };
    if &payload[..split] == node.as_bytes() {
        return Received::Own;
    }
    match serde_json::from_slice(&payload[split + 1..]) {
        Ok(notice) => Received::Notice(notice),
        Err(error) => Received::Unreadable(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use natter_shared::ChatMessage;

    use super::*;
    use crate::store::Entry;

    #[test]
    fn notices_survive_the_trip() {
        let notices = [
            Notice::Committed {
                entries: vec![Committed {
                    entry: Entry::Message(ChatMessage {
                        id: 7,
                        room: "general".to_owned(),
                        value: "hi\nthere".to_owned(),
                        author: "ada".to_owned(),
                        timestamp: 1,
                        nonce: Some("n1".to_owned()),
                        edited: None,
                    }),
                    author_id: AuthorId(-3),
                }],
            },
            Notice::Account {
                user: UserId(4),
                event: AccountEvent::Read("general".to_owned(), 7),
                id: None,
            },
            Notice::Account {
                user: UserId(4),
                event: AccountEvent::Membership("general".to_owned()),
                id: Some(12),
            },
            Notice::Signal {
                room: "general".to_owned(),
                skip: Some(AuthorId(4)),
                frame: "{}".to_owned(),
            },
        ];
        for notice in notices {
            let payload = encode("a1", &notice);
            assert_eq!(decode("a1", &payload), Received::Own);
            assert_eq!(decode("b2", &payload), Received::Notice(notice));
        }
    }

    #[test]
    fn an_account_notice_from_an_older_process_reads_without_an_id() {
        let payload = br#"b2
{"notice":"account","user":4,"event":{"membership":"general"}}"#;
        assert_eq!(
            decode("a1", payload),
            Received::Notice(Notice::Account {
                user: UserId(4),
                event: AccountEvent::Membership("general".to_owned()),
                id: None,
            })
        );
    }

    #[test]
    fn the_presence_scripts_notice_reads() {
        // As Lua's cjson writes it.
        let payload = br#"redis
{"online":false,"room":"general","notice":"presence","name":"ada \/ b"}"#;
        assert_eq!(
            decode("a1", payload),
            Received::Notice(Notice::Presence {
                room: "general".to_owned(),
                name: "ada / b".to_owned(),
                online: false,
            })
        );
    }

    #[test]
    fn anything_else_is_unreadable() {
        assert!(matches!(decode("a1", b"hello"), Received::Unreadable(_)));
        assert!(matches!(decode("a1", b"b2\n{"), Received::Unreadable(_)));
    }
}
