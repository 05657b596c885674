//! `/api/rooms` and `/api/dms`: the room directory, creating, joining and
//! leaving public rooms, and opening direct conversations. Each change is
//! told at once to every live connection of the accounts it concerns, which
//! then receive the room's messages (see [`AccountEvent`]).

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use natter_shared::api::{Directory, DirectoryEntry, Members, Named, NotifyChoice};
use natter_shared::{LOBBY, RoomInfo, RoomMembers, ServerFrame, validate_room_name};

use super::ApiError;
use crate::accounts::AuthError;
use crate::delivery::hub::{AccountEvent, Signal};
use crate::state::AppState;
use crate::store::accounts::{User, UserId};
use crate::store::rooms::{PublicRoom, RoomError, direct_key};
use crate::web::session_cookie;

impl From<PublicRoom> for DirectoryEntry {
    fn from(room: PublicRoom) -> Self {
        DirectoryEntry {
            room: room.room,
            members: room.members,
            newest_at: room.newest_at,
            joined: room.joined,
        }
    }
}

impl From<RoomError> for ApiError {
    fn from(error: RoomError) -> Self {
        match error {
            RoomError::Taken => ApiError::new(
                StatusCode::CONFLICT,
                "room_taken",
                "a room with that name exists; join it instead",
            ),
            RoomError::Unknown => unknown_room(),
            RoomError::Store(error) => AuthError::Store(error).into(),
        }
    }
}

fn unknown_room() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "unknown_room", "no such room")
}

/// The account the request's session belongs to.
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<User, ApiError> {
    let token = session_cookie::presented(headers).ok_or(AuthError::NotSignedIn)?;
    Ok(state.accounts.account(&token).await?)
}

/// `room` as `user` now sees it, for the answer to a change.
async fn seen_by(state: &AppState, room: &str, user: &User) -> Result<Json<RoomInfo>, ApiError> {
    match state.rooms.room_of(room, user.id).await {
        Ok(Some(info)) => Ok(Json(info)),
        // Left again by another request in between.
        Ok(None) => Err(unknown_room()),
        Err(error) => Err(AuthError::Store(error).into()),
    }
}

/// Tells everyone in `room` (who asked for presence) how many members it
/// has now, after someone joined or left it.
pub(super) async fn tell_member_count(state: &AppState, room: &str) {
    let Ok(rooms) = state.rooms.public_rooms(UserId(0)).await else {
        // The count is a courtesy: the next change or welcome corrects it.
        return;
    };
    if let Some(found) = rooms.into_iter().find(|found| found.room == room) {
        let frame = ServerFrame::Members(RoomMembers {
            room: room.to_owned(),
            members: found.members,
        });
        state.fan_out.signal(
            room,
            Signal {
                frame: frame.to_json().into(),
                skip: None,
            },
        );
    }
}

/// `GET /api/rooms`: every public room.
pub(super) async fn directory(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Directory>, ApiError> {
    let user = signed_in(&state, &headers).await?;
    let rooms = state
        .rooms
        .public_rooms(user.id)
        .await
        .map_err(AuthError::Store)?;
    Ok(Json(Directory {
        rooms: rooms.into_iter().map(DirectoryEntry::from).collect(),
    }))
}

/// `POST /api/rooms`: creates a public room and joins it.
pub(super) async fn create(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Json<Named>, JsonRejection>,
) -> Result<(StatusCode, Json<RoomInfo>), ApiError> {
    let Json(Named { name }) = body?;
    let user = signed_in(&state, &headers).await?;
    let room = validate_room_name(&name).map_err(|error| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_room_name",
            error.to_string(),
        )
    })?;
    state.accounts.take_new_room(user.id)?;
    state.rooms.create_room(&room, user.id).await?;
    state
        .fan_out
        .notify_durably(user.id, AccountEvent::Membership(room.clone()))
        .await;
    Ok((StatusCode::CREATED, seen_by(&state, &room, &user).await?))
}

/// `POST /api/rooms/{room}/join`: joins a public room.
pub(super) async fn join(
    State(state): State<Arc<AppState>>,
    Path(room): Path<String>,
    headers: HeaderMap,
) -> Result<Json<RoomInfo>, ApiError> {
    let user = signed_in(&state, &headers).await?;
    // One spelling ("General" is "general"); anything that is not a room
    // name (a direct conversation's key included) is no room to join.
    let room = validate_room_name(&room).map_err(|_| unknown_room())?;
    state.rooms.join(&room, user.id).await?;
    state
        .fan_out
        .notify_durably(user.id, AccountEvent::Membership(room.clone()))
        .await;
    let seen = seen_by(&state, &room, &user).await?;
    tell_member_count(&state, &room).await;
    Ok(seen)
}

/// `PUT /api/rooms/{room}/notify`: what the caller is notified of in a
/// room they are in (by key, so a direct conversation too); every tab and
/// device of theirs is told. Any other room is `unknown_room`.
pub(super) async fn set_notify(
    State(state): State<Arc<AppState>>,
    Path(room): Path<String>,
    headers: HeaderMap,
    body: Result<Json<NotifyChoice>, JsonRejection>,
) -> Result<Json<RoomInfo>, ApiError> {
    let Json(NotifyChoice { notify }) = body?;
    let user = signed_in(&state, &headers).await?;
    match state.rooms.set_notify(&room, user.id, notify).await {
        Ok(true) => {}
        Ok(false) => return Err(unknown_room()),
        Err(error) => return Err(AuthError::Store(error).into()),
    }
    state
        .fan_out
        .notify_durably(user.id, AccountEvent::Settings(room.clone()))
        .await;
    seen_by(&state, &room, &user).await
}

/// The most names `/api/rooms/{room}/members` answers with.
const MEMBERS_LISTED: usize = 1000;

/// `GET /api/rooms/{room}/members`: who is in a room the caller is in (a
/// public room, the lobby, or one of their direct conversations, by key),
/// by name, for `@` completion. Any other room is `unknown_room`, whether
/// or not it exists.
pub(super) async fn members(
    State(state): State<Arc<AppState>>,
    Path(room): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Members>, ApiError> {
    let user = signed_in(&state, &headers).await?;
    match state.rooms.members(&room, user.id, MEMBERS_LISTED).await {
        Ok(Some(members)) => Ok(Json(Members { members })),
        Ok(None) => Err(unknown_room()),
        Err(error) => Err(AuthError::Store(error).into()),
    }
}

/// `POST /api/rooms/{room}/leave`: leaves a public room (not the lobby,
/// and not a direct conversation).
pub(super) async fn leave(
    State(state): State<Arc<AppState>>,
    Path(room): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let user = signed_in(&state, &headers).await?;
    let public = state
        .rooms
        .is_public(&room)
        .await
        .map_err(AuthError::Store)?;
    if room == LOBBY || !public {
        // A direct conversation of one's own cannot be left; anyone else's is
        // answered as if it did not exist.
        let own = state
            .rooms
            .room_of(&room, user.id)
            .await
            .map_err(AuthError::Store)?
            .is_some();
        return Err(if room == LOBBY || own {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "cannot_leave",
                "everyone stays in the lobby and in their direct conversations",
            )
        } else {
            unknown_room()
        });
    }
    if state
        .rooms
        .leave(&room, user.id)
        .await
        .map_err(AuthError::Store)?
    {
        state
            .fan_out
            .notify_durably(user.id, AccountEvent::Membership(room.clone()))
            .await;
        tell_member_count(&state, &room).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/dms`: the direct conversation with the named account, opened
/// for both if new.
pub(super) async fn open_direct(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Json<Named>, JsonRejection>,
) -> Result<Json<RoomInfo>, ApiError> {
    let Json(Named { name }) = body?;
    let user = signed_in(&state, &headers).await?;
    let Some(other) = state.accounts.find(&name).await? else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_account",
            "nobody has an account with that name (guests cannot receive direct messages)",
        ));
    };
    if other.id == user.id {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "cannot_message_yourself",
            "a direct conversation needs someone else",
        ));
    }
    // An open conversation is only looked at: it spends nothing of the
    // budget for new rooms, and nobody needs telling.
    let existing = state
        .rooms
        .room_of(&direct_key(user.id, other.id), user.id)
        .await
        .map_err(AuthError::Store)?;
    if let Some(info) = existing {
        return Ok(Json(info));
    }
    state.accounts.take_new_room(user.id)?;
    let room = state
        .rooms
        .open_direct(user.id, other.id)
        .await
        .map_err(AuthError::Store)?;
    for member in [user.id, other.id] {
        state
            .fan_out
            .notify_durably(member, AccountEvent::Membership(room.clone()))
            .await;
    }
    seen_by(&state, &room, &user).await
}
