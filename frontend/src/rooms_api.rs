//! The room calls under `/api/`: the directory, creating, joining and
//! leaving rooms, and opening a direct conversation. Each change also
//! reaches every open tab of the account as a `joined` or `left` frame,
//! which is what updates the room list; these calls only report refusals.

use gloo_net::http::Request;
pub use natter_shared::api::DirectoryEntry;
use natter_shared::api::{Directory, Members, Named, NotifyChoice};
use natter_shared::{Notify, RoomInfo};

use crate::account::{AccountError, post, refused, unreachable};

/// Every public room.
pub async fn directory() -> Result<Vec<DirectoryEntry>, AccountError> {
    let response = Request::get("/api/rooms")
        .send()
        .await
        .map_err(unreachable)?;
    if let Some(error) = refused(&response).await {
        return Err(error);
    }
    response
        .json::<Directory>()
        .await
        .map(|directory| directory.rooms)
        .map_err(unreachable)
}

/// Who is in a room we are in (by its key), for `@` completion.
pub async fn members(room: &str) -> Result<Vec<String>, AccountError> {
    let response = Request::get(&format!("/api/rooms/{}/members", segment(room)))
        .send()
        .await
        .map_err(unreachable)?;
    if let Some(error) = refused(&response).await {
        return Err(error);
    }
    response
        .json::<Members>()
        .await
        .map(|members| members.members)
        .map_err(unreachable)
}

/// Sets what we are notified of in a room we are in (by its key); the
/// room as it is now.
pub async fn set_notify(room_key: &str, notify: Notify) -> Result<RoomInfo, AccountError> {
    let path = format!("/api/rooms/{}/notify", segment(room_key));
    let response = Request::put(&path)
        .json(&NotifyChoice { notify })
        .map_err(unreachable)?
        .send()
        .await
        .map_err(unreachable)?;
    room(response).await
}

/// Creates a public room (and joins it).
pub async fn create(name: &str) -> Result<RoomInfo, AccountError> {
    room(
        post(
            "/api/rooms",
            &Named {
                name: name.to_owned(),
            },
        )
        .await?,
    )
    .await
}

/// Joins a public room.
pub async fn join(room_name: &str) -> Result<RoomInfo, AccountError> {
    room(post_empty(&format!("/api/rooms/{}/join", segment(room_name))).await?).await
}

/// Leaves a public room.
pub async fn leave(room_name: &str) -> Result<(), AccountError> {
    let response = post_empty(&format!("/api/rooms/{}/leave", segment(room_name))).await?;
    refused(&response).await.map_or(Ok(()), Err)
}

/// The direct conversation with `name`, opened if new.
pub async fn open_direct(name: &str) -> Result<RoomInfo, AccountError> {
    room(
        post(
            "/api/dms",
            &Named {
                name: name.to_owned(),
            },
        )
        .await?,
    )
    .await
}

/// A room name as one path segment: whatever it holds (`../logout?` from a
/// crafted link) cannot reach another endpoint.
fn segment(room_name: &str) -> String {
    String::from(js_sys::encode_uri_component(room_name))
}

async fn post_empty(path: &str) -> Result<gloo_net::http::Response, AccountError> {
    Request::post(path).send().await.map_err(unreachable)
}

async fn room(response: gloo_net::http::Response) -> Result<RoomInfo, AccountError> {
    if let Some(error) = refused(&response).await {
        return Err(error);
    }
    response.json::<RoomInfo>().await.map_err(unreachable)
}
