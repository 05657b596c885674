//! Which engine holds the data: one SQLite file (the embedded default), or
//! PostgreSQL (`--database-url`) shared by several processes. Everything
//! past this point sees only the traits.

use std::sync::Arc;

use super::accounts::rekey_names;
use super::postgres::PgStore;
use super::{AccountStore, HistoryStore, OnCommit, RoomStore, SqliteStore, StoreError};
use crate::cluster::gap_filler::SharedLog;
use crate::config::Config;

/// The stores of the configured engine.
pub struct Engine {
    /// Messages and their changes.
    pub history: Arc<dyn HistoryStore>,
    /// Accounts and sessions.
    pub accounts: Arc<dyn AccountStore>,
    /// Rooms, memberships, read markers and settings.
    pub rooms: Arc<dyn RoomStore>,
    /// The newest id already stored when it was opened (0 when empty):
    /// committed before the server takes a connection.
    pub newest_at_open: u64,
    /// For an engine several processes share: every process's entries,
    /// which this process's fan-out reads what it missed from.
    pub shared_log: Option<Arc<dyn SharedLog>>,
}

/// Opens the engine `config` names; `on_commit` receives every batch this
/// process commits, in id order.
pub async fn open(config: &Config, on_commit: OnCommit) -> Result<Engine, StoreError> {
    let engine = match &config.database_url {
        Some(url) => {
            let store = Arc::new(PgStore::connect(url, on_commit).await?);
            let newest_at_open = store.newest_id().await?;
            Engine {
                history: Arc::clone(&store) as Arc<dyn HistoryStore>,
                accounts: Arc::clone(&store) as Arc<dyn AccountStore>,
                rooms: Arc::clone(&store) as Arc<dyn RoomStore>,
                shared_log: Some(store as Arc<dyn SharedLog>),
                newest_at_open,
            }
        }
        None => {
            let store = Arc::new(SqliteStore::open(&config.db, on_commit)?);
            Engine {
                newest_at_open: store.newest_at_open(),
                history: Arc::clone(&store) as Arc<dyn HistoryStore>,
                accounts: Arc::clone(&store) as Arc<dyn AccountStore>,
                rooms: store as Arc<dyn RoomStore>,
                shared_log: None,
            }
        }
    };
    // Accounts made under an older lookalike rule are brought up to it.
    rekey_names(engine.accounts.as_ref()).await?;
    Ok(engine)
}
