//! `history`: a page of older messages in a room the reader is in.

use axum::extract::ws::Utf8Bytes;
use natter_shared::{ErrorCode, HistoryPage, HistoryRequest, MAX_HISTORY_PAGE, ServerFrame};

use crate::connection::commands::encode;
use crate::delivery::hub::as_seen_by;
use crate::store::{AuthorId, HistoryStore};

/// Answers a request for older messages in a room the reader is in, when
/// `newest` is the newest id published.
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
    match store.before(&rooms, request.before, limit as usize).await {
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
