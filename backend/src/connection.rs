//! One WebSocket connection, from welcome to close.
//!
//! The reader (this task) decodes what the client sends and decides when the
//! connection ends; a writer task ([`crate::writer`]) owns everything sent to the
//! client. Whichever side stops first stops the other. The reader never waits
//! for the writer (see [`crate::replies`]), so its deadlines hold even when the
//! client reads nothing; and a writer that does not finish in time after the
//! end is aborted, so a stuck socket never outlives its connection.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesOrdered, SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use natter_shared::{
    AckParams, ErrorCode, ErrorParams, LOBBY, ReadMarker, RoomInfo, RoomRef, ServerFrame,
    TYPING_EVERY_MS, TypingNotice, Welcome,
};
use tokio::time::{Instant, MissedTickBehavior, interval_at, sleep, timeout};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use crate::accounts::identity_watch::Watched;
use crate::accounts::{Identity, IdentityKind};
use crate::clock::now_ms;
use crate::commands::{Command, Sender, history_page, interpret, nonce_of, refuse_outside};
use crate::feed::{Feed, Next};
use crate::hub::{AccountEvent, Signal};
use crate::presence::Departure;
use crate::rate_limit::{FrameLimiter, Verdict};
use crate::replay::{HistorySource, Resume};
use crate::replies::{self, Outbound, Replies};
use crate::room_signals::RoomSignals;
use crate::state::AppState;
use crate::store::AuthorId;
use crate::store::accounts::UserId;
use crate::store::{Appended, Refusal, StoreError};
use crate::submit_order::SubmitOrder;
use crate::subscriptions::Subscriptions;
use crate::writer::{self, Sources};

/// Messages from one connection that may be waiting for the store at once.
/// Past this the reader stops reading until the oldest is committed.
const MAX_IN_FLIGHT: usize = 32;

/// How long a closing connection may take to finish its close handshake, and
/// then its writer to send what is queued, before it is dropped. Keeps
/// shutdown within a few seconds even with dead or unreading peers.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// The close code for "try again later": the server could not load what the
/// connection needs, or it missed changes to the account's rooms.
const TRY_AGAIN_LATER: u16 = 1013;

/// A message waiting for the store: its nonce, then the outcome.
type InFlight<'a> = BoxFuture<'a, (Option<String>, Result<Appended, StoreError>)>;

/// How a connection ended, for the log line and the close handshake.
#[derive(Debug)]
enum Ending {
    /// The client sent a close frame, with this code if it gave one.
    ByClient(Option<u16>),
    /// The client sent a close frame with a code the protocol forbids (such
    /// as 999); the WebSocket layer has answered it with 1002.
    InvalidCloseCode,
    /// The server closes with this code and reason.
    ByServer(u16, &'static str),
    /// The transport ended or failed without a close handshake.
    Lost(String),
}

/// The least time between two typing notices of one connection that reach
/// others: a little under the client's own pace, so a steady typist's every
/// notice gets through and a flood's do not.
const TYPING_GAP: Duration = Duration::from_millis(TYPING_EVERY_MS * 2 / 3);

/// Why a connection that stopped answering is closed.
const SILENT: &str = "nothing heard from the client for too long";

/// Who is connecting and where they start.
pub struct Arrival {
    /// Who the connection is: an account, or a guest.
    pub identity: Identity,
    /// The remote address, for the logs.
    pub peer: SocketAddr,
    /// Where its history starts.
    pub resume: Resume,
    /// Whether it asked for presence frames.
    pub presence: bool,
}

/// Serves one upgraded connection until it closes.
///
/// Not an `async fn`: the task of one would hold the whole `WebSocket` and
/// `Arrival` it was called with for the connection's whole life (an async
/// fn keeps its arguments), and every idle client would pay for them.
pub fn serve(
    socket: WebSocket,
    state: Arc<AppState>,
    arrival: Arrival,
) -> impl Future<Output = ()> + Send {
    let (sink, stream) = socket.split();
    let Arrival {
        identity,
        peer,
        resume,
        presence,
    } = arrival;
    let session = state.accounts.watch(&identity);
    let Identity {
        author_id,
        name,
        kind,
    } = identity;
    let (user, guest_token) = match kind {
        IdentityKind::Account(user, _) => (Some(user), None),
        IdentityKind::Guest(token) => (None, Some(token)),
    };
    serve_split(
        sink,
        stream,
        state,
        Who {
            author_id,
            user,
            session,
            name,
            guest_token,
            presence,
        },
        peer,
        resume,
    )
}

/// Who a connection is, taken apart.
struct Who {
    author_id: AuthorId,
    user: Option<UserId>,
    /// What the connection was let in as (an account's session, a guest's
    /// chosen name): the connection ends when that no longer holds.
    session: Option<Watched>,
    name: String,
    guest_token: Option<String>,
    /// Whether it asked for presence frames.
    presence: bool,
}

async fn serve_split(
    mut sink: SplitSink<WebSocket, Message>,
    mut stream: SplitStream<WebSocket>,
    state: Arc<AppState>,
    who: Who,
    peer: SocketAddr,
    resume: Resume,
) {
    let Who {
        author_id,
        user,
        session,
        name,
        guest_token,
        presence,
    } = who;
    let connection = state.hub.next_connection_id();
    // The account's events first, then its rooms: a room joined in between
    // arrives as an event, never falls in a gap.
    let mut events = user.map(|user| state.hub.account_events(user));
    // Boxed, like the other rare steps below: the connection's task lives as
    // long as the connection, and its size is every idle client's cost.
    let rooms = match Box::pin(rooms_of(&state, user)).await {
        Ok(rooms) => rooms,
        Err(error) => {
            warn!(connection, %peer, %error, "cannot load the connection's rooms");
            let close = Message::Close(Some(CloseFrame {
                code: TRY_AGAIN_LATER,
                reason: "the server cannot load your rooms right now; try again".into(),
            }));
            let _ = Box::pin(sink.send(close)).await;
            return;
        }
    };
    // The account's read markers as this connection knows them: a `read`
    // that would move one back is ignored, as the store ignores it.
    // Only accounts have markers: a guest's map stays empty and costs nothing.
    let mut markers: HashMap<String, u64> = match user {
        Some(_) => rooms
            .iter()
            .map(|room| (room.room.clone(), room.last_read))
            .collect(),
        None => HashMap::new(),
    };
    let (outbox, outbox_receiver) = replies::channel();
    let writer_stopped = CancellationToken::new();
    // In a block of its own, so nothing in it outlives the start in this
    // task, which lives as long as the connection.
    let (mut writer, mut member_of) = {
        let names: Vec<String> = rooms.iter().map(|room| room.room.clone()).collect();
        // An account is online in its rooms from now on (before its own
        // presence frames are read, so it sees itself there).
        if let Some(user) = user {
            for room in &names {
                state.presence.arrive(room, user, &name);
            }
        }
        // Subscribe before reading any history, so nothing committed from here on
        // can fall between the replay and the live stream.
        let (receivers, live_after) = state.hub.subscribe(&names);
        let welcome = ServerFrame::Welcome(Welcome {
            connection_id: connection,
            name: name.clone(),
            server_time: now_ms(),
            value: "Connected to Natter".to_owned(),
            token: guest_token,
            rooms,
            frame_budget: Some(state.rules.rate_limit.budget()),
        });
        // The writer has not started, so it cannot have gone.
        let _ = outbox.push(Outbound::Frame(welcome.to_json().into()));
        let sources = Sources {
            reader: author_id,
            live: Subscriptions::new(Arc::clone(&state.hub), receivers),
            live_after,
            outbox: outbox_receiver,
            history: HistorySource {
                store: Arc::clone(&state.store),
                reader: author_id,
            },
            signals: presence.then(|| {
                Box::new(RoomSignals::new(
                    Arc::clone(&state.hub),
                    Arc::clone(&state.presence),
                    author_id,
                    &names,
                ))
            }),
        };
        let writer = tokio::spawn(writer::run(
            sink,
            sources,
            resume,
            writer_stopped.clone().drop_guard(),
        ));
        (writer, names.into_iter().collect::<HashSet<String>>())
    };
    info!(connection, %peer, name, "connection opened");

    let mut in_flight = FuturesOrdered::new();
    let ending = read_frames(
        &mut stream,
        &state,
        Reader {
            author_id,
            user,
            session: session.as_ref(),
            address: peer.ip(),
            name: &name,
            rooms: &mut member_of,
            markers: &mut markers,
            events: &mut events,
        },
        &outbox,
        &writer_stopped,
        &mut in_flight,
    )
    .await;
    drop(events);
    if let Some(user) = user {
        state.hub.release_account(user);
        // A connection found dead is gone; any other may be a reload.
        let departure = match ending {
            Ending::ByServer(_, SILENT) => Departure::Final,
            _ => Departure::MayReturn,
        };
        for room in &member_of {
            state.presence.depart(room, user, departure);
        }
    }
    let finished = timeout(CLOSE_GRACE, finish(&ending, &mut stream, outbox, in_flight)).await;
    if timeout(CLOSE_GRACE, &mut writer).await.is_err() {
        // Stuck writing to a client that reads nothing: dropping the task
        // drops its half of the socket, which closes the connection.
        writer.abort();
        debug!(
            connection,
            "writer did not stop in time; dropping the connection"
        );
    }
    match ending {
        Ending::ByClient(code) => info!(connection, code, by = "client", "connection closed"),
        Ending::InvalidCloseCode => info!(
            connection,
            code = close_code::PROTOCOL,
            by = "server",
            reason = "the client's close frame had a code the protocol does not allow",
            "connection closed"
        ),
        Ending::ByServer(code, reason) => {
            info!(
                connection,
                code,
                reason,
                by = "server",
                clean = finished.is_ok(),
                "connection closed"
            );
        }
        Ending::Lost(why) => info!(connection, code = 1006, why, "connection lost"),
    }
}

/// The rooms a connection starts in, the lobby first: an account's, from
/// the store (the lobby added should the account somehow lack it), or the
/// lobby alone for a guest.
async fn rooms_of(state: &AppState, user: Option<UserId>) -> Result<Vec<RoomInfo>, StoreError> {
    let mut rooms = match user {
        Some(user) => state.rooms.rooms_of(user).await?,
        None => Vec::new(),
    };
    if !rooms.iter().any(|room| room.room == LOBBY) {
        rooms.insert(0, state.lobby_card.get(state.rooms.as_ref()).await?);
    }
    Ok(rooms)
}

/// Who the reader reads for, and what it tracks of them.
struct Reader<'r> {
    author_id: crate::store::AuthorId,
    /// The account, for a signed-in connection.
    user: Option<UserId>,
    /// What it was let in as, while that holds.
    session: Option<&'r Watched>,
    /// Where it connects from: its address's frame budget is shared.
    address: IpAddr,
    name: &'r str,
    /// The rooms this connection is in, kept in step with the account's events.
    rooms: &'r mut HashSet<String>,
    /// The account's read marker in each of them, as last told.
    markers: &'r mut HashMap<String, u64>,
    /// The account's events (none for a guest).
    events: &'r mut Option<Feed<AccountEvent>>,
}

/// Completes when what the connection was let in as no longer holds; never,
/// for a guest under its own name.
async fn session_ended(session: Option<&Watched>) {
    match session {
        Some(session) => session.ended().await,
        None => std::future::pending().await,
    }
}

/// The next account event; never, for a guest.
async fn next_event(events: &mut Option<Feed<AccountEvent>>) -> Next<AccountEvent> {
    match events {
        Some(events) => events.next().await,
        None => std::future::pending().await,
    }
}

/// What an account event sends this connection, if anything: a room joined
/// (with its state, from the store) or left, or a read marker moved.
async fn on_account_event(
    state: &AppState,
    user: UserId,
    name: &str,
    (rooms, markers): (&mut HashSet<String>, &mut HashMap<String, u64>),
    event: AccountEvent,
) -> Result<Option<Outbound>, StoreError> {
    Ok(match event {
        // Joins and leaves from several tabs may be told in another order
        // than they were stored, so the event only says which room to look
        // at: the store says whether the account is in it now.
        AccountEvent::Membership(room) => {
            match (
                state.rooms.room_of(&room, user).await?,
                rooms.contains(&room),
            ) {
                (Some(info), false) => {
                    rooms.insert(room.clone());
                    markers.insert(room.clone(), info.last_read);
                    state.presence.arrive(&room, user, name);
                    let frame = ServerFrame::Joined(info).to_json().into();
                    Some(Outbound::Join(room, frame))
                }
                (None, true) => {
                    rooms.remove(&room);
                    markers.remove(&room);
                    state.presence.depart(&room, user, Departure::Final);
                    let frame = ServerFrame::Left(RoomRef { room: room.clone() })
                        .to_json()
                        .into();
                    Some(Outbound::Leave(room, frame))
                }
                _ => None,
            }
        }
        // The room again, as `joined` carries it: every tab shows the new
        // setting.
        AccountEvent::Settings(room) if rooms.contains(&room) => state
            .rooms
            .room_of(&room, user)
            .await?
            .map(|info| Outbound::Frame(ServerFrame::Joined(info).to_json().into())),
        AccountEvent::Settings(_) => None,
        // The watch asks the store which sessions ended, this connection's
        // among them; it ends the connections of those that did.
        AccountEvent::SessionsEnded => {
            state.accounts.identities().check_soon();
            None
        }
        // Passed on only forward: tabs may tell their markers in another
        // order than the store took them.
        AccountEvent::Read(room, id) => match markers.get_mut(&room) {
            Some(known) if id > *known => {
                *known = id;
                Some(Outbound::Frame(
                    ServerFrame::Read(ReadMarker { room, id }).to_json().into(),
                ))
            }
            _ => None,
        },
    })
}

/// Tells everyone else in `room` who asked for presence that `name` is
/// typing; never the typist's own connections.
fn announce_typing(state: &AppState, room: String, name: &str, author_id: AuthorId) {
    let notice = ServerFrame::Typing(TypingNotice {
        room: room.clone(),
        name: name.to_owned(),
    });
    state.fan_out.signal(
        &room,
        Signal {
            frame: notice.to_json().into(),
            skip: Some(author_id),
        },
    );
}

/// Moves the account's read marker, and tells all its connections (this one
/// included). The marker cannot pass the newest message, and never moves
/// back: a lower one is ignored, as the store ignores it.
async fn mark_read(
    state: &AppState,
    user: Option<UserId>,
    markers: &HashMap<String, u64>,
    marker: ReadMarker,
) -> Option<String> {
    let user = user?;
    if markers
        .get(&marker.room)
        .is_some_and(|known| marker.id <= *known)
    {
        return None;
    }
    let newest = state.hub.newest();
    if marker.id > newest {
        let message = format!("id={} is beyond the newest message id {newest}", marker.id);
        return Some(ServerFrame::error(ErrorCode::InvalidCursor, message).to_json());
    }
    match state.rooms.mark_read(&marker.room, user, marker.id).await {
        // The marker this connection knows moves when the event comes back,
        // as on every other tab.
        Ok(Some(id)) => {
            state
                .fan_out
                .notify(user, AccountEvent::Read(marker.room, id));
            None
        }
        Ok(None) => Some(ServerFrame::error(ErrorCode::UnknownRoom, "no such room").to_json()),
        Err(error) => Some(
            ServerFrame::error(
                ErrorCode::StoreUnavailable,
                format!("the read marker was not saved: {error}"),
            )
            .to_json(),
        ),
    }
}

/// Reads and handles frames until something ends the connection.
async fn read_frames<'a>(
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
    // When this connection's last typing notice went out: others get at most
    // one per TYPING_GAP from it, however often it sends them.
    let mut typed_at: Option<Instant> = None;
    let mut pings = interval_at(Instant::now() + rules.ping_interval, rules.ping_interval);
    pings.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // Pushed back by every frame the client sends, pongs included.
    let idle = sleep(rules.idle_timeout);
    tokio::pin!(idle);
    loop {
        tokio::select! {
            () = state.shutdown.cancelled() => {
                return Ending::ByServer(close_code::AWAY, "the server is shutting down");
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
                if let Some(reply) = outcome_frame(nonce, outcome)
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
                            if outbox.push(Outbound::Frame(rate_limited(wait, nonce_of(&text)).into())).is_err() {
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
                            // A message ends a bout of typing; the next starts afresh.
                            typed_at = None;
                            let nonce = message.nonce.clone();
                            let stored = submitted.append(state.store.as_ref(), message);
                            in_flight.push_back(Box::pin(async move { (nonce, stored.await) }));
                            None
                        }
                        Command::History(request) => Some(
                            history_page(state.store.as_ref(), author_id, state.hub.newest(), request).await,
                        ),
                        Command::Read(marker) => Box::pin(mark_read(state, user, markers, marker)).await.map(Into::into),
                        Command::Typing(room) => {
                            let now = Instant::now();
                            if typed_at.is_none_or(|at| now.duration_since(at) >= TYPING_GAP) {
                                typed_at = Some(now);
                                announce_typing(state, room, name, author_id);
                            }
                            None
                        }
                        Command::Outside { room, nonce } => {
                            Some(Box::pin(refuse_outside(state.rooms.as_ref(), &room, nonce)).await)
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

/// The refusal for a frame over the rate limit.
fn rate_limited(wait: Duration, nonce: Option<String>) -> String {
    let retry_after_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1);
    ServerFrame::Error(ErrorParams {
        code: ErrorCode::RateLimited,
        message: format!("too many frames; this one was dropped. Try again in {retry_after_ms} ms"),
        nonce,
        retry_after_ms: Some(retry_after_ms),
    })
    .to_json()
}

/// The frame a finished append sends back: an ack when the client gave a
/// nonce (a plain page that sends none gets nothing it cannot show), or an
/// error naming the nonce (a refused change, or a store that failed).
fn outcome_frame(nonce: Option<String>, outcome: Result<Appended, StoreError>) -> Option<String> {
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
                Refusal::UnknownMessage => ErrorCode::UnknownMessage,
                Refusal::NotYours => ErrorCode::NotYourMessage,
                Refusal::TooOld => ErrorCode::EditWindowClosed,
                Refusal::NonceReused => ErrorCode::NonceReused,
            };
            let message = match refusal {
                Refusal::NonceReused => format!("not stored: {refusal}"),
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

/// Completes what is pending and the close handshake the ending calls for.
async fn finish(
    ending: &Ending,
    stream: &mut SplitStream<WebSocket>,
    outbox: Replies,
    mut in_flight: FuturesOrdered<InFlight<'_>>,
) {
    if matches!(ending, Ending::Lost(_)) {
        return;
    }
    // Messages already handed to the store get their acks before the close.
    while let Some((nonce, outcome)) = in_flight.next().await {
        if let Some(reply) = outcome_frame(nonce, outcome) {
            let _ = outbox.push(Outbound::Frame(reply.into()));
        }
    }
    if let Ending::ByServer(code, reason) = *ending {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        // The writer sends it after anything already queued, then stops.
        let _ = outbox.push(Outbound::Close(frame));
    }
    drop(outbox);
    // Reading on lets the WebSocket layer send its close reply (when the
    // client closed) or receive the client's (when we did).
    while let Some(Ok(_)) = stream.next().await {}
}

/// How a close frame from the client ends the connection.
fn ending_for_close(frame: Option<CloseFrame>) -> Ending {
    match frame {
        // The WebSocket layer hands over a forbidden close code (999, 1005,
        // 1006, ...) as exactly this frame, having already answered it with
        // 1002. A client sending 1002 itself would mean this server broke the
        // protocol, which it does not do.
        Some(frame)
            if frame.code == close_code::PROTOCOL && frame.reason == "Protocol violation" =>
        {
            Ending::InvalidCloseCode
        }
        frame => Ending::ByClient(frame.map(|frame| frame.code)),
    }
}

/// Picks the close code for a frame the WebSocket layer refused to read.
fn ending_for_read_error(error: axum::Error) -> Ending {
    match error.into_inner().downcast::<tungstenite::Error>() {
        Ok(error) => match *error {
            tungstenite::Error::Capacity(_) => Ending::ByServer(
                close_code::SIZE,
                "the frame is larger than this server accepts",
            ),
            tungstenite::Error::Utf8(_) => {
                Ending::ByServer(close_code::INVALID, "a text frame was not valid UTF-8")
            }
            tungstenite::Error::Protocol(_) => {
                Ending::ByServer(close_code::PROTOCOL, "WebSocket protocol violation")
            }
            other => Ending::Lost(other.to_string()),
        },
        Err(other) => Ending::Lost(other.to_string()),
    }
}
