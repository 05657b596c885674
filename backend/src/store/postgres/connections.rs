//! [`Connections`]: this process's pool of PostgreSQL connections, and how
//! long an answer on them may take.
//!
//! A connection can die without closing (a route that drops packets, a NAT
//! or firewall that forgets it); tokio-postgres would then wait as long as
//! the kernel keeps the socket (many minutes), and sends would hang
//! instead of being refused. Two bounds turn such a cut into an error:
//!
//! - Here, every operation gets [`ANSWER_TIMEOUT`] of the database's own
//!   work. One that runs out marks every connection open so far as
//!   suspect: any of them may be silent too, so none is handed out again
//!   and the next operation opens a fresh one. Time spent [`waiting`] (for
//!   a pooled connection, for another process's turn at a lock) is not
//!   counted: a queue is not a silence. Nor is an operation its caller
//!   gave up on (a probe cut short): its connection goes back to the pool
//!   and is judged by the next operation on it.
//! - On the server, a session idle inside a transaction for
//!   [`IDLE_IN_TRANSACTION`] is ended, so a process cut off while holding
//!   the id-order lock cannot stop the others from writing for longer.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use parking_lot::Mutex;
use std::time::{Duration, Instant};

use deadpool_postgres::{
    Hook, HookError, Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime,
};
use tokio_postgres::NoTls;
use tracing::warn;

use super::tls;
use crate::store::StoreError;
use crate::store::{Cause, cause, database};

/// How long one operation (a read, or the writer's transaction) may take.
/// PostgreSQL on the same network answers in milliseconds; past this, the
/// sender gets `store_unavailable` and resends with its nonce.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(2);

/// How long a connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// How long an operation may wait for a pooled connection while all are
/// in use; past it, it fails without suspecting anything.
const POOL_WAIT: Duration = Duration::from_secs(5);

tokio::task_local! {
    /// How long the operation running in this task has spent waiting.
    static WAITED: Arc<Mutex<Waited>>;
}

/// An operation's time spent waiting, finished and under way.
#[derive(Default)]
struct Waited {
    total: Duration,
    since: Option<Instant>,
}

impl Waited {
    fn until(&self, now: Instant) -> Duration {
        self.total + self.since.map_or(Duration::ZERO, |since| now - since)
    }
}

/// Runs `wait` (a wait for something other than the database's work) so
/// that the enclosing [`Connections::answered`] does not count its time.
/// Whatever bounds the wait is `wait`'s own.
pub(crate) async fn waiting<T>(wait: impl Future<Output = T>) -> T {
    let _ = WAITED.try_with(|waited| waited.lock().since = Some(Instant::now()));
    let result = wait.await;
    let _ = WAITED.try_with(|waited| {
        let mut waited = waited.lock();
        if let Some(since) = waited.since.take() {
            waited.total += since.elapsed();
        }
    });
    result
}

/// How long PostgreSQL keeps a session idle inside a transaction before
/// ending it (natter's transactions never wait between statements).
pub(crate) const IDLE_IN_TRANSACTION: Duration = Duration::from_secs(5);

/// The most connections a process opens by default: twice its CPUs (as
/// the pool crate's own default), and never fewer than four, so the writer
/// holding one leaves reads room on a one-CPU machine.
pub fn default_size() -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    (cpus * 2).max(4)
}

/// The pool, and the moment before which every connection is suspect.
#[derive(Clone)]
pub(crate) struct Connections {
    pool: Pool,
    suspect_before: Arc<Mutex<Option<Instant>>>,
}

impl Connections {
    /// A pool of connections to `url`; nothing connects yet.
    pub(crate) fn open(url: &str, size: usize, ca: Option<&Path>) -> Result<Self, Cause> {
        let mut config = session_config(url)?;
        let recycling = || ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        };
        let manager = match tls::connector(&mut config, ca)? {
            Some(tls) => Manager::from_config(config, tls, recycling()),
            None => Manager::from_config(config, NoTls, recycling()),
        };
        let suspect_before = Arc::new(Mutex::new(None::<Instant>));
        let pool = Pool::builder(manager)
            .runtime(Runtime::Tokio1)
            .max_size(size.max(1))
            .wait_timeout(Some(POOL_WAIT))
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

    /// A connection, within an operation run by [`Connections::answered`]:
    /// the wait for it is not counted, and is bounded by [`POOL_WAIT`] (and
    /// a new connection's by [`CONNECT_TIMEOUT`]).
    pub(crate) async fn get(&self) -> Result<Object, StoreError> {
        waiting(self.pool.get()).await.map_err(database)
    }

    /// Runs `operation` (which takes its connections from this pool)
    /// within [`ANSWER_TIMEOUT`] of the database's work, time spent
    /// [`waiting`] aside. If it runs out, every connection opened so far is
    /// suspect and is closed instead of reused.
    pub(crate) async fn answered<T, E>(
        &self,
        operation: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let waited = Arc::new(Mutex::new(Waited::default()));
        let operation = WAITED.scope(Arc::clone(&waited), operation);
        tokio::pin!(operation);
        let started = Instant::now();
        let deadline = || started + ANSWER_TIMEOUT + waited.lock().until(Instant::now());
        loop {
            let until = deadline();
            if let Ok(result) = tokio::time::timeout_at(until.into(), &mut operation).await {
                return result;
            }
            // Waiting moved the deadline on while the timer ran.
            if deadline() <= Instant::now() {
                self.suspect_all();
                return Err(
                    database(format!("no answer within {} s", ANSWER_TIMEOUT.as_secs())).into(),
                );
            }
        }
    }

    /// Marks every connection opened so far as suspect: a link went
    /// silent. (Marking by time, not by removing them now, also catches the
    /// connection the operation held, whenever it comes back.)
    pub(crate) fn suspect_all(&self) {
        let now = Instant::now();
        let mut suspect_before = lock(&self.suspect_before);
        // Once per silence: while it lasts, operations keep running out.
        if suspect_before.is_none_or(|last| now - last > ANSWER_TIMEOUT) {
            warn!("PostgreSQL did not answer in time: new connections from now on");
        }
        *suspect_before = Some(now);
    }
}

fn lock(cut: &Mutex<Option<Instant>>) -> parking_lot::MutexGuard<'_, Option<Instant>> {
    cut.lock()
}

/// The settings natter's sessions use: `url`'s, with a connect timeout
/// and [`IDLE_IN_TRANSACTION`] unless the URL sets its own.
pub fn session_config(url: &str) -> Result<tokio_postgres::Config, Cause> {
    let mut config = deadpool_postgres::Config {
        url: Some(tls::with_libpq_modes(url).into_owned()),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether anything marked the pool's connections suspect.
    fn suspected(connections: &Connections) -> bool {
        lock(&connections.suspect_before).is_some()
    }

    #[tokio::test]
    async fn a_wait_for_a_pooled_connection_is_not_counted_nor_taken_for_a_silence() {
        let postgres = testkit::Postgres::start();
        let connections = Connections::open(&postgres.database().await, 1, None).unwrap();
        // The only connection is busy for longer than an answer may take.
        let busy = connections.get().await.unwrap();
        let release = tokio::spawn(async move {
            tokio::time::sleep(ANSWER_TIMEOUT + Duration::from_millis(500)).await;
            drop(busy);
        });
        let answered = connections
            .answered(async {
                let client = connections.get().await?;
                client.query_one("SELECT 1", &[]).await.map_err(database)?;
                Ok::<_, StoreError>(())
            })
            .await;
        release.await.unwrap();
        assert!(answered.is_ok(), "{answered:?}");
        assert!(!suspected(&connections), "a queue is not a silence");
    }

    #[tokio::test]
    async fn an_operation_its_caller_gives_up_on_suspects_nothing() {
        let postgres = testkit::Postgres::start();
        let connections = Connections::open(&postgres.database().await, 2, None).unwrap();
        let given_up = tokio::time::timeout(
            Duration::from_millis(200),
            connections.answered(async {
                let client = connections.get().await?;
                client
                    .query_one("SELECT pg_sleep(1)", &[])
                    .await
                    .map_err(database)?;
                Ok::<_, StoreError>(())
            }),
        )
        .await;
        assert!(given_up.is_err(), "the caller gave up first");
        assert!(
            !suspected(&connections),
            "a probe cut short is not a silence"
        );
        // And an operation that does run out is one.
        let ran_out = connections
            .answered(async {
                let client = connections.get().await?;
                client
                    .query_one("SELECT pg_sleep(3)", &[])
                    .await
                    .map_err(database)?;
                Ok::<_, StoreError>(())
            })
            .await;
        assert!(ran_out.is_err());
        assert!(suspected(&connections));
    }
}
