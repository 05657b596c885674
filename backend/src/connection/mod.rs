//! One WebSocket connection, from welcome to close.
//!
//! Owns everything about one connection once `/ws` is upgraded: the
//! handshake's checks ([`upgrade`]), the reader loop ([`reader`]) that
//! decodes each client frame into a command ([`commands`], one file each)
//! under the rate limit ([`rate_limit`]), the account's events
//! ([`account_events`]), how it ends ([`ending`]), and the writer task
//! ([`writer`]) that owns everything sent, fed through a byte-bounded queue
//! ([`replies`]) and by history ([`replay`]). Never decides how a message
//! reaches other connections: that is [`crate::delivery`].
//!
//! Whichever side stops first stops the other. The reader never waits for
//! the writer, so its deadlines hold even when the client reads nothing; and
//! a writer that does not finish in time after the end is aborted, so a
//! stuck socket never outlives its connection.

mod account_events;
pub(crate) mod commands;
mod ending;
pub(crate) mod rate_limit;
mod reader;
pub mod replay;
pub(crate) mod replies;
pub(crate) mod submit_order;
pub(crate) mod upgrade;
pub(crate) mod writer;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::stream::{FuturesOrdered, SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use natter_shared::{LOBBY, RoomInfo, ServerFrame, Welcome};
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use crate::accounts::identity_watch::Watched;
use crate::accounts::{Identity, IdentityKind};
use crate::connection::ending::Ending;
use crate::connection::replay::{HistorySource, Resume};
use crate::connection::replies::Outbound;
use crate::connection::writer::Sources;
use crate::delivery::subscriptions::Subscriptions;
use crate::live::presence::Departure;
use crate::live::room_signals::RoomSignals;
use crate::process::clock::now_ms;
use crate::state::AppState;
use crate::store::accounts::UserId;
use crate::store::{AuthorId, StoreError};

/// Who is connecting and where they start.
pub(crate) struct Arrival {
    /// Who the connection is: an account, or a guest.
    pub(crate) identity: Identity,
    /// The remote address, for the logs.
    pub(crate) peer: SocketAddr,
    /// Where its history starts.
    pub(crate) resume: Resume,
    /// Whether it asked for presence frames.
    pub(crate) presence: bool,
}

/// Serves one upgraded connection until it closes.
///
/// Not an `async fn`: the task of one would hold the whole `WebSocket` and
/// `Arrival` it was called with for the connection's whole life (an async
/// fn keeps its arguments), and every idle client would pay for them.
pub(crate) fn serve(
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
                code: ending::TRY_AGAIN_LATER,
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
    let ending = reader::read_frames(
        &mut stream,
        &state,
        reader::Reader {
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
            Ending::ByServer(_, ending::SILENT) => Departure::Final,
            _ => Departure::MayReturn,
        };
        for room in &member_of {
            state.presence.depart(room, user, departure);
        }
    }
    let finished = timeout(
        ending::CLOSE_GRACE,
        ending::finish(&ending, &mut stream, outbox, in_flight),
    )
    .await;
    if timeout(ending::CLOSE_GRACE, &mut writer).await.is_err() {
        // Stuck writing to a client that reads nothing: dropping the task
        // drops its half of the socket, which closes the connection.
        writer.abort();
        debug!(
            connection,
            "writer did not stop in time; dropping the connection"
        );
    }
    ending::log(connection, &ending, finished.is_ok());
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
