//! Catching a connection up from history: on connect, on resume, and when it
//! falls behind the live broadcast.

use std::sync::Arc;

use natter_shared::{DEFAULT_HISTORY_PAGE, ErrorCode, ServerFrame};

use crate::delivery::hub::entry_as_seen_by;
use crate::store::{AuthorId, HistoryStore, StoreError, StoredEntry};

/// How many messages one history read returns while replaying. Replays read
/// page after page until caught up: the gap has no cap.
pub(crate) const REPLAY_PAGE: usize = 500;

/// Where a new connection starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resume {
    /// A new client: the latest page of history, then live.
    Latest,
    /// A returning client: everything after this id, then live.
    After(u64),
    /// The client's `since` was not a usable id: say so, then as [`Resume::Latest`].
    Invalid(String),
}

impl Resume {
    /// Reads the `since` query parameter.
    pub(crate) fn from_query(since: Option<&str>) -> Self {
        match since.map(str::trim) {
            None | Some("") => Resume::Latest,
            Some(raw) => match raw.parse::<u64>() {
                Ok(id) => Resume::After(id),
                Err(_) => Resume::Invalid(format!(
                    "since={raw:?} is not a message id (a whole number, 0 or more); showing the latest messages instead"
                )),
            },
        }
    }
}

/// What a connection needs to read its history.
pub struct HistorySource {
    /// The store.
    pub store: Arc<dyn HistoryStore>,
    /// Who the connection is, which decides whether nonces are shown.
    pub reader: AuthorId,
}

/// The frames to send, in order, for one step of a replay.
pub struct Step {
    /// Serialized frames: messages, or an error.
    pub frames: Vec<String>,
    /// The newest message id among them, if any.
    pub newest: Option<u64>,
    /// Whether more may follow (the page was full).
    pub more: bool,
}

impl HistorySource {
    /// The first step for a connection starting at `resume`, plus the id it
    /// has then caught up to. `live_after` is the newest id committed before
    /// the connection subscribed to the live ring.
    ///
    /// A new client gets the latest page up to `live_after` and everything
    /// after it live. The page must stop there: a page read later could skip
    /// messages that were committed after the subscription but have already
    /// fallen off the latest page, and the live copies of those would then be
    /// dropped as already sent.
    pub async fn start(&self, rooms: &[String], resume: &Resume, live_after: u64) -> (Step, u64) {
        match resume {
            Resume::Latest => (self.latest(rooms, live_after).await, live_after),
            Resume::Invalid(why) => {
                let mut step = self.latest(rooms, live_after).await;
                step.frames.insert(
                    0,
                    ServerFrame::error(ErrorCode::InvalidCursor, why.clone()).to_json(),
                );
                (step, live_after)
            }
            Resume::After(since) => match self.store.newest_id().await {
                Ok(newest) if *since > newest => {
                    let why = format!(
                        "since={since} is beyond the newest message id {newest}; showing the latest messages instead"
                    );
                    let mut step = self.latest(rooms, live_after).await;
                    step.frames.insert(
                        0,
                        ServerFrame::error(ErrorCode::InvalidCursor, why).to_json(),
                    );
                    (step, live_after)
                }
                Ok(_) => (self.after(rooms, *since).await, *since),
                Err(error) => (unavailable(&error), *since),
            },
        }
    }

    /// The next page after `last_sent`, in any of `rooms`.
    pub(crate) async fn after(&self, rooms: &[String], last_sent: u64) -> Step {
        match self.store.after(rooms, last_sent, REPLAY_PAGE).await {
            Ok(messages) => {
                let more = messages.len() == REPLAY_PAGE;
                self.step(messages, more)
            }
            Err(error) => unavailable(&error),
        }
    }

    /// The next page after `after` in any of `rooms`, only ids up to
    /// `up_to`. `more` says whether the page was full and ended below it.
    pub(crate) async fn between(&self, rooms: &[String], after: u64, up_to: u64) -> Step {
        match self.store.after(rooms, after, REPLAY_PAGE).await {
            Ok(mut entries) => {
                let full = entries.len() == REPLAY_PAGE;
                entries.retain(|stored| stored.entry.id() <= up_to);
                let more = full && entries.len() == REPLAY_PAGE;
                self.step(entries, more)
            }
            Err(error) => unavailable(&error),
        }
    }

    /// The newest page of messages in any of `rooms` up to `up_to`.
    async fn latest(&self, rooms: &[String], up_to: u64) -> Step {
        match self
            .store
            .before(rooms, Some(up_to + 1), DEFAULT_HISTORY_PAGE as usize)
            .await
        {
            Ok(messages) => self.step(messages.into_iter().map(Into::into).collect(), false),
            Err(error) => unavailable(&error),
        }
    }

    fn step(&self, entries: Vec<StoredEntry>, more: bool) -> Step {
        let newest = entries.last().map(|stored| stored.entry.id());
        let frames = entries
            .into_iter()
            .map(|stored| entry_as_seen_by(stored, self.reader).into_frame().to_json())
            .collect();
        Step {
            frames,
            newest,
            more,
        }
    }
}

fn unavailable(error: &StoreError) -> Step {
    let message = format!("history is unavailable right now ({error}); live messages continue");
    Step {
        frames: vec![ServerFrame::error(ErrorCode::StoreUnavailable, message).to_json()],
        newest: None,
        more: false,
    }
}
