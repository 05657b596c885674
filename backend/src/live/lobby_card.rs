//! The lobby as a guest's welcome shows it, read from the store at most
//! once a second: guests are most connections, and a storm of them must not
//! each cost a database read (nor the memory a read in flight holds).

use std::time::{Duration, Instant};

use natter_shared::RoomInfo;
use tokio::sync::Mutex;

use crate::store::{RoomStore, StoreError};

/// How old a card may be. Its counts are for show: a guest has no read
/// marker, and every message after the welcome arrives anyway.
const FRESH_FOR: Duration = Duration::from_secs(1);

/// The lobby's card, cached.
#[derive(Default)]
pub(crate) struct LobbyCard {
    /// The last card read and when. A tokio lock, held across the read, so
    /// a storm of guests waits for one read instead of making one each.
    cached: Mutex<Option<(RoomInfo, Instant)>>,
}

impl LobbyCard {
    /// The lobby's card, at most [`FRESH_FOR`] old.
    pub(crate) async fn get(&self, rooms: &dyn RoomStore) -> Result<RoomInfo, StoreError> {
        let mut cached = self.cached.lock().await;
        if let Some((card, read_at)) = cached.as_ref()
            && read_at.elapsed() < FRESH_FOR
        {
            return Ok(card.clone());
        }
        let card = rooms.lobby().await?;
        *cached = Some((card.clone(), Instant::now()));
        Ok(card)
    }
}
