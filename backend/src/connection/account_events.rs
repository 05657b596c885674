//! What an account's events (rooms joined or left elsewhere, settings, read
//! markers, sessions ended, preferences) do to one of its connections.

use std::collections::{HashMap, HashSet};

use natter_shared::{ReadMarker, RoomRef, ServerFrame};

use crate::connection::replies::Outbound;
use crate::delivery::feed::{Feed, Next};
use crate::delivery::hub::AccountEvent;
use crate::live::presence::Departure;
use crate::state::AppState;
use crate::store::StoreError;
use crate::store::accounts::UserId;

/// The next account event; never, for a guest.
pub(super) async fn next_event(events: &mut Option<Feed<AccountEvent>>) -> Next<AccountEvent> {
    match events {
        Some(events) => events.next().await,
        None => std::future::pending().await,
    }
}

/// What an account event sends this connection, if anything: a room joined
/// (with its state, from the store) or left, or a read marker moved.
pub(super) async fn on_account_event(
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
                    let shown_up_to = info.newest_id;
                    let frame = ServerFrame::Joined(info).to_json().into();
                    Some(Outbound::Join {
                        room,
                        frame,
                        shown_up_to,
                    })
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
        AccountEvent::Preferences(preferences) => Some(Outbound::Frame(
            ServerFrame::Preferences(preferences).to_json().into(),
        )),
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
