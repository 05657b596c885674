//! `history`: a page of older messages in a room the reader is in.

use axum::extract::ws::Utf8Bytes;
use natter_shared::{ErrorCode, HistoryPage, HistoryRequest, MAX_HISTORY_PAGE, ServerFrame};

use crate::connection::commands::encode;
use crate::delivery::hub::as_seen_by;
use crate::store::{AuthorId, HistoryStore};

/// Answers a request for older messages in a room the reader is in, when
/// `newest` is the newest id this process has published. A page never
/// goes past it: with several processes the database can hold an id the
/// live stream has not brought yet, and a client that saw it in a page
/// would resume after it, past a message of another room still on its way.
pub(crate) async fn page(
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
    let delivered = newest.saturating_add(1);
    let before = request
        .before
        .map_or(delivered, |before| before.min(delivered));
    match store.before(&rooms, Some(before), limit as usize).await {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::SqliteStore;
    use crate::store::{Action, NewMessage};
    use natter_shared::LOBBY;

    fn ids(frame: &Utf8Bytes) -> Vec<u64> {
        match serde_json::from_str::<ServerFrame>(frame.as_str()).unwrap() {
            ServerFrame::History(page) => page.messages.iter().map(|m| m.id).collect(),
            other => panic!("not a page: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_page_never_goes_past_what_this_process_has_published() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("natter.db"), Box::new(|_| {})).unwrap();
        for n in 0..5 {
            store
                .append(NewMessage {
                    room: LOBBY.to_owned(),
                    author: "ada".to_owned(),
                    author_id: AuthorId(0),
                    value: format!("m{n}"),
                    nonce: None,
                    action: Action::Post,
                })
                .await
                .unwrap();
        }
        // Stored up to 5; this process has published up to 3 (4 and 5 are
        // another process's, still on their way here).
        let ask = |before| HistoryRequest {
            room: LOBBY.to_owned(),
            before,
            limit: 50,
        };
        let newest = page(&store, AuthorId(0), 3, ask(None)).await;
        assert_eq!(ids(&newest), [1, 2, 3]);
        let at_the_edge = page(&store, AuthorId(0), 3, ask(Some(4))).await;
        assert_eq!(ids(&at_the_edge), [1, 2, 3]);
        let older = page(&store, AuthorId(0), 3, ask(Some(3))).await;
        assert_eq!(ids(&older), [1, 2]);
        // Once published, they are in the page.
        assert_eq!(
            ids(&page(&store, AuthorId(0), 5, ask(None)).await),
            [1, 2, 3, 4, 5]
        );
        store.close().await;
    }
}
