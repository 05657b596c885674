//! [`RedisLink`]: this process's connections to Redis. Commands and scripts
//! share one multiplexed connection that reconnects by itself; the
//! subscription has a dedicated one (a subscribed connection takes no other
//! commands). Neither is needed to start: natter serves without Redis and
//! uses it from the moment it answers.
//!
//! A connection can also die without closing: a route that drops packets,
//! a NAT or firewall that forgets an idle connection. Only silence tells,
//! so both connections treat an answer that does not come in time as the
//! end of the connection (see [`RedisLink::drop_if_silent`] and the
//! subscription's pings).

use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use redis::RedisResult;
use std::path::Path;

use crate::store::{Cause, cause};
use redis::aio::{ConnectionManager, ConnectionManagerConfig, PubSub};
use tracing::{debug, warn};

/// How long a command or a connection attempt may take before it counts
/// as failed: Redis on the same network answers in well under a
/// millisecond, and a stuck one must not hold anyone.
pub(super) const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);

/// The connections, and whether the subscription is live.
pub(crate) struct RedisLink {
    client: redis::Client,
    /// Replaced by a new one when it falls silent.
    commands: Mutex<ConnectionManager>,
    subscribed: AtomicBool,
}

impl RedisLink {
    /// Prepares the connections to `url`; nothing connects yet. A
    /// `rediss://` URL speaks TLS, verified against `ca` (PEM) when named,
    /// else the system's roots.
    pub(crate) fn open(url: &str, ca: Option<&Path>) -> Result<Self, Cause> {
        let client = match ca {
            Some(ca) => {
                let pem = std::fs::read(ca)
                    .map_err(|error| cause(format!("{}: {error}", ca.display())))?;
                let certificates = redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem),
                };
                redis::Client::build_with_tls(url, certificates).map_err(cause)?
            }
            None => redis::Client::open(url).map_err(cause)?,
        };
        let commands = commands_connection(&client).map_err(cause)?;
        Ok(RedisLink {
            client,
            commands: Mutex::new(commands),
            subscribed: AtomicBool::new(false),
        })
    }

    /// The connection for commands and scripts (a cheap handle). Take a
    /// new one for each command, and pass what it returns to
    /// [`RedisLink::drop_if_silent`].
    pub(crate) fn commands(&self) -> ConnectionManager {
        self.commands.lock().clone()
    }

    /// Looks at what a command on [`RedisLink::commands`] returned. The
    /// connection manager reconnects when its connection closes or fails,
    /// but keeps one that just stopped answering; so when a command times
    /// out, the next goes through a new connection. Stale handles to the
    /// old one fail in their turn, and the old connection closes with the
    /// last of them.
    pub(crate) fn drop_if_silent<T>(&self, result: &RedisResult<T>) {
        let Err(error) = result else {
            return;
        };
        if !error.is_timeout() {
            return;
        }
        match commands_connection(&self.client) {
            Ok(fresh) => {
                debug!("Redis did not answer in time: commands go through a new connection");
                *self.commands.lock() = fresh;
            }
            Err(error) => warn!(%error, "cannot prepare a new connection to Redis"),
        }
    }

    /// A new connection for the subscription.
    pub(crate) async fn subscriber(&self) -> redis::RedisResult<PubSub> {
        tokio::time::timeout(COMMAND_TIMEOUT, self.client.get_async_pubsub())
            .await
            .map_err(|_| no_answer())?
    }

    /// Whether the subscription is live: notices from other processes
    /// arrive.
    pub(crate) fn is_subscribed(&self) -> bool {
        self.subscribed.load(Ordering::SeqCst)
    }

    /// Records whether the subscription is live.
    pub(crate) fn set_subscribed(&self, live: bool) {
        self.subscribed.store(live, Ordering::SeqCst);
    }

    /// `"ok"` when Redis answers a ping and the subscription is live, else
    /// what is wrong: for `/readyz`.
    pub(crate) async fn state(&self) -> String {
        let mut commands = self.commands();
        let ping_command = redis::cmd("PING");
        let ping = ping_command.query_async::<String>(&mut commands);
        let answer = tokio::time::timeout(COMMAND_TIMEOUT, ping)
            .await
            .unwrap_or_else(|_| Err(no_answer()));
        self.drop_if_silent(&answer);
        match answer {
            Ok(_) if self.is_subscribed() => "ok".to_owned(),
            Ok(_) => "unavailable: not subscribed yet".to_owned(),
            Err(error) => format!("unavailable: {error}"),
        }
    }
}

/// A lazy connection manager: it connects on its first command.
fn commands_connection(client: &redis::Client) -> RedisResult<ConnectionManager> {
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(COMMAND_TIMEOUT))
        .set_response_timeout(Some(COMMAND_TIMEOUT))
        .set_number_of_retries(2)
        .set_max_delay(Duration::from_secs(1));
    client.get_connection_manager_lazy(config)
}

/// The error for an answer that did not come within [`COMMAND_TIMEOUT`]:
/// a timeout, as the connection manager's own.
pub(super) fn no_answer() -> redis::RedisError {
    std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!("no answer within {} s", COMMAND_TIMEOUT.as_secs()),
    )
    .into()
}
