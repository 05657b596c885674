//! [`Connections`]: this process's pool of PostgreSQL connections, and how
//! long an answer on them may take.
//!
//! A connection can die without closing (a route that drops packets, a NAT
//! or firewall that forgets it); tokio-postgres would then wait as long as
//! the kernel keeps the socket (many minutes), and sends would hang
//! instead of being refused. Two bounds turn such a cut into an error:
//!
//! - Here, every operation gets [`ANSWER_TIMEOUT`]. One that does not
//!   finish (timed out, or given up by its caller) marks every connection
//!   open so far as suspect: any of them may be silent too, so none is
//!   handed out again and the next operation opens a fresh one.
//! - On the server, a session idle inside a transaction for
//!   [`IDLE_IN_TRANSACTION`] is ended, so a process cut off while holding
//!   the id-order lock cannot stop the others from writing for longer.

use std::future::Future;
use std::sync::Arc;

use parking_lot::Mutex;
use std::time::{Duration, Instant};

use deadpool_postgres::{
    Hook, HookError, Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime,
};
use tokio_postgres::NoTls;
use tracing::warn;

use crate::store::StoreError;
use crate::store::{Cause, cause, database};

/// How long one operation (a read, or the writer's transaction) may take.
/// PostgreSQL on the same network answers in milliseconds; past this, the
/// sender gets `store_unavailable` and resends with its nonce.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(2);

/// How long a connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// How long PostgreSQL keeps a session idle inside a transaction before
/// ending it (natter's transactions never wait between statements).
pub(crate) const IDLE_IN_TRANSACTION: Duration = Duration::from_secs(5);

/// The pool, and the moment before which every connection is suspect.
#[derive(Clone)]
pub(crate) struct Connections {
    pool: Pool,
    suspect_before: Arc<Mutex<Option<Instant>>>,
}

impl Connections {
    /// A pool of connections to `url`; nothing connects yet.
    pub(crate) fn open(url: &str) -> Result<Self, Cause> {
        let config = session_config(url)?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let suspect_before = Arc::new(Mutex::new(None::<Instant>));
        let pool = Pool::builder(manager)
            .runtime(Runtime::Tokio1)
            .create_timeout(Some(CONNECT_TIMEOUT))
            .pre_recycle(Hook::sync_fn({
                let suspect_before = Arc::clone(&suspect_before);
                move |_, metrics| match *lock(&suspect_before) {
                    Some(cut) if metrics.created < cut => {
                        Err(HookError::message("opened before a silence"))
                    }
                    _ => Ok(()),
                }
            }))
            .build()
            .map_err(cause)?;
        Ok(Connections {
            pool,
            suspect_before,
        })
    }

    /// A connection, without a bound: for work at start, such as
    /// migrations, which may take long.
    pub(crate) async fn unbounded(&self) -> Result<Object, Cause> {
        self.pool.get().await.map_err(cause)
    }

    /// A connection, within an operation run by [`Connections::answered`].
    pub(crate) async fn get(&self) -> Result<Object, StoreError> {
        self.pool.get().await.map_err(database)
    }

    /// Runs `operation` (which takes its connections from this pool)
    /// within [`ANSWER_TIMEOUT`]. If it does not finish, whether it timed
    /// out or its caller gave up, every connection opened so far is
    /// suspect and is closed instead of reused.
    pub(crate) async fn answered<T, E>(
        &self,
        operation: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut unfinished = Unfinished(Some(self));
        let answer = tokio::time::timeout(ANSWER_TIMEOUT, operation).await;
        match answer {
            Ok(result) => {
                unfinished.0 = None;
                result
            }
            Err(_) => {
                Err(database(format!("no answer within {} s", ANSWER_TIMEOUT.as_secs())).into())
            }
        }
    }
}

/// Marks the pool's connections suspect when dropped armed: an operation
/// did not finish. (Marking by time, not by removing them now, also
/// catches the connection the operation held, whenever it comes back.)
struct Unfinished<'a>(Option<&'a Connections>);

impl Drop for Unfinished<'_> {
    fn drop(&mut self) {
        if let Some(connections) = self.0 {
            let now = Instant::now();
            let mut suspect_before = lock(&connections.suspect_before);
            // Once per silence: while it lasts, operations keep running out.
            if suspect_before.is_none_or(|last| now - last > ANSWER_TIMEOUT) {
                warn!("PostgreSQL did not answer in time: new connections from now on");
            }
            *suspect_before = Some(now);
        }
    }
}

fn lock(cut: &Mutex<Option<Instant>>) -> parking_lot::MutexGuard<'_, Option<Instant>> {
    cut.lock()
}

/// The settings natter's sessions use: `url`'s, with a connect timeout
/// and [`IDLE_IN_TRANSACTION`] unless the URL sets its own.
pub fn session_config(url: &str) -> Result<tokio_postgres::Config, Cause> {
    let mut config = deadpool_postgres::Config {
        url: Some(url.to_owned()),
        ..deadpool_postgres::Config::default()
    }
    .get_pg_config()
    .map_err(cause)?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    // First, so an `options` in the URL that sets it wins.
    let ours = format!(
        "-c idle_in_transaction_session_timeout={}",
        IDLE_IN_TRANSACTION.as_millis()
    );
    let options = match config.get_options() {
        Some(theirs) => format!("{ours} {theirs}"),
        None => ours,
    };
    config.options(options);
    Ok(config)
}
