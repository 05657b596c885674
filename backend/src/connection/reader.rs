//! The reader loop: one connection's frames read, judged and handled until
//! something ends it, its deadlines (pings, idle) kept all the while.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use axum::extract::ws::{Message, WebSocket, close_code};
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesOrdered, SplitStream};
use tokio::time::{Instant, MissedTickBehavior, interval_at, sleep};
use tokio_util::sync::CancellationToken;

use crate::accounts::identity_watch::Watched;
use crate::connection::account_events::{next_event, on_account_event};
use crate::connection::commands::publish::answer;
use crate::connection::commands::{Command, Sender, history, interpret, nonce_of, outside, read};
use crate::connection::ending::{
    Ending, SILENT, TRY_AGAIN_LATER, ending_for_close, ending_for_read_error,
};
use crate::connection::rate_limit::{self, FrameLimiter, Verdict};
use crate::connection::replies::{Outbound, Replies};
use crate::connection::submit_order::SubmitOrder;
use crate::delivery::feed::{Feed, Next};
use crate::delivery::hub::AccountEvent;
use crate::live::typing::Typing;
use crate::state::AppState;
use crate::store::accounts::UserId;
use crate::store::{Appended, StoreError};

/// Messages from one connection that may be waiting for the store at once.
/// Past this the reader stops reading until the oldest is committed.
pub(super) const MAX_IN_FLIGHT: usize = 32;

/// A message waiting for the store: its nonce, then the outcome.
pub(super) type InFlight<'a> = BoxFuture<'a, (Option<String>, Result<Appended, StoreError>)>;

/// Who the reader reads for, and what it tracks of them.
pub(super) struct Reader<'r> {
    pub(super) author_id: crate::store::AuthorId,
    /// The account, for a signed-in connection.
    pub(super) user: Option<UserId>,
    /// What it was let in as, while that holds.
    pub(super) session: Option<&'r Watched>,
    /// Where it connects from: its address's frame budget is shared.
    pub(super) address: IpAddr,
    pub(super) name: &'r str,
    /// The rooms this connection is in, kept in step with the account's events.
    pub(super) rooms: &'r mut HashSet<String>,
    /// The account's read marker in each of them, as last told.
    pub(super) markers: &'r mut HashMap<String, u64>,
    /// The account's events (none for a guest).
    pub(super) events: &'r mut Option<Feed<AccountEvent>>,
}

/// Completes when what the connection was let in as no longer holds; never,
/// for a guest under its own name.
pub(super) async fn session_ended(session: Option<&Watched>) {
    match session {
        Some(session) => session.ended().await,
        None => std::future::pending().await,
    }
}

/// Reads and handles frames until something ends the connection.
pub(super) async fn read_frames<'a>(
    stream: &mut SplitStream<WebSocket>,
    state: &'a AppState,
    reader: Reader<'_>,
    outbox: &Replies,
    writer_stopped: &CancellationToken,
    in_flight: &mut FuturesOrdered<InFlight<'a>>,
) -> Ending {
    let Reader {
        author_id,
        user,
        session,
        address,
        name,
        rooms,
        markers,
        events,
    } = reader;
    let rules = state.rules;
    let mut limiter = FrameLimiter::new(rules.rate_limit);
    // Appends reach the writer in the order they were read.
    let mut submitted = SubmitOrder::default();
    // Others get at most one typing notice per TYPING_GAP from this
    // connection, however often it sends them.
    let mut typing = Typing::default();
    let mut pings = interval_at(Instant::now() + rules.ping_interval, rules.ping_interval);
    pings.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // Pushed back by every frame the client sends, pongs included.
    let idle = sleep(rules.idle_timeout);
    tokio::pin!(idle);
    let cut_off = state.database.cut_off();
    loop {
        tokio::select! {
            () = state.shutdown.cancelled() => {
                return Ending::ByServer(close_code::AWAY, "the server is shutting down");
            }
            () = cut_off.cancelled() => {
                return Ending::ByServer(TRY_AGAIN_LATER, "this server cannot reach its database; reconnect");
            }
            () = writer_stopped.cancelled() => {
                return Ending::Lost("the client stopped accepting data".to_owned());
            }
            () = session_ended(session) => {
                if let Some(session) = session {
                    let (code, reason) = session.ending();
                    return Ending::ByServer(code, reason);
                }
            }
            // Over its budget, the reader reads nothing until the writer has
            // sent enough; its deadlines keep running meanwhile.
            () = outbox.room(), if !outbox.has_room() => {}
            () = &mut idle => {
                return Ending::ByServer(close_code::AWAY, SILENT);
            }
            _ = pings.tick() => {
                if outbox.push(Outbound::Ping).is_err() {
                    return Ending::Lost("the writer stopped".to_owned());
                }
            }
            event = next_event(events) => {
                let Some(user) = user else { continue };
                let event = match event {
                    Next::Item(event) => event,
                    Next::Missed => {
                        return Ending::ByServer(TRY_AGAIN_LATER, "missed changes to your rooms; reconnect");
                    }
                    // The hub is gone: nothing more will come.
                    Next::Closed => {
                        *events = None;
                        continue;
                    }
                };
                match Box::pin(on_account_event(state, user, name, (rooms, markers), event)).await {
                    Ok(Some(outbound)) => {
                        if outbox.push(outbound).is_err() {
                            return Ending::Lost("the writer stopped".to_owned());
                        }
                    }
                    Ok(None) => {}
                    Err(_) => {
                        return Ending::ByServer(TRY_AGAIN_LATER, "cannot load a room you joined; reconnect");
                    }
                }
            }
            Some((nonce, outcome)) = in_flight.next(), if !in_flight.is_empty() => {
                if let Some(reply) = answer(nonce, outcome)
                    && outbox.push(Outbound::Frame(reply.into())).is_err()
                {
                    return Ending::Lost("the writer stopped".to_owned());
                }
            }
            next = stream.next(), if in_flight.len() < MAX_IN_FLIGHT && outbox.has_room() => {
                if matches!(next, Some(Ok(_))) {
                    idle.as_mut().reset(Instant::now() + rules.idle_timeout);
                }
                match next {
                Some(Ok(Message::Text(_))) if session.is_some_and(Watched::has_ended) => {
                    if let Some(session) = session {
                        let (code, reason) = session.ending();
                        return Ending::ByServer(code, reason);
                    }
                }
                Some(Ok(Message::Text(text))) => {
                    let verdict = match limiter.check() {
                        // The address's budget too, which its other connections share.
                        Verdict::Allowed => match state.address_frames.check(address) {
                            Ok(()) => Verdict::Allowed,
                            Err(wait) => Verdict::Refused(wait),
                        },
                        other => other,
                    };
                    match verdict {
                        Verdict::Allowed => {}
                        Verdict::Refused(wait) => {
                            if outbox.push(Outbound::Frame(rate_limit::refusal(wait, nonce_of(&text)).into())).is_err() {
                                return Ending::Lost("the writer stopped".to_owned());
                            }
                            continue;
                        }
                        Verdict::Abusive => {
                            return Ending::ByServer(close_code::POLICY, "too many frames; the rate limit was ignored");
                        }
                    }
                    let sender = Sender {
                        author_id,
                        is_account: user.is_some(),
                        name,
                        rooms,
                    };
                    let reply = match interpret(&state.rules.frames, &sender, &text) {
                        Command::Publish(message) => {
                            typing.sent_a_message();
                            let nonce = message.nonce.clone();
                            let stored = submitted.append(state.store.as_ref(), message);
                            in_flight.push_back(Box::pin(async move { (nonce, stored.await) }));
                            None
                        }
                        Command::History(request) => Some(
                            history::page(state.store.as_ref(), author_id, state.hub.newest(), request).await,
                        ),
                        Command::Read(marker) => Box::pin(read::mark_read(state, user, markers, marker)).await.map(Into::into),
                        Command::Typing(room) => {
                            typing.announce(state, room, name, author_id);
                            None
                        }
                        Command::Outside { room, nonce } => {
                            Some(Box::pin(outside::refuse(state.rooms.as_ref(), &room, nonce)).await)
                        }
                        Command::Reply(frame) => Some(frame),
                    };
                    if let Some(reply) = reply
                        && outbox.push(Outbound::Frame(reply)).is_err()
                    {
                        return Ending::Lost("the writer stopped".to_owned());
                    }
                }
                Some(Ok(Message::Binary(_))) => {
                    return Ending::ByServer(
                        close_code::UNSUPPORTED,
                        "binary frames are not supported; send JSON text frames",
                    );
                }
                Some(Ok(Message::Close(frame))) => return ending_for_close(frame),
                // Pings are answered by the WebSocket layer itself.
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Err(error)) => return ending_for_read_error(error),
                None => return Ending::Lost("the connection ended without a close frame".to_owned()),
                }
            }
        }
    }
}
