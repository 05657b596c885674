//! [`RedisLink`]: this process's connections to Redis. Commands and scripts
//! share one multiplexed connection that reconnects by itself; the
//! subscription has a dedicated one (a subscribed connection takes no other
//! commands). Neither is needed to start: natter serves without Redis and
//! uses it from the moment it answers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig, PubSub};

/// How long a command or a connection attempt may take before it counts
/// as failed: Redis on the same network answers in well under a
/// millisecond, and a stuck one must not hold anyone.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);

/// The connections, and whether the subscription is live.
pub struct RedisLink {
    client: redis::Client,
    commands: ConnectionManager,
    subscribed: AtomicBool,
}

impl RedisLink {
    /// Prepares the connections to `url`; nothing connects yet.
    pub fn open(url: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| e.to_string())?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(COMMAND_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(1));
        let commands = client
            .get_connection_manager_lazy(config)
            .map_err(|e| e.to_string())?;
        Ok(RedisLink {
            client,
            commands,
            subscribed: AtomicBool::new(false),
        })
    }

    /// The connection for commands and scripts (a cheap handle).
    pub fn commands(&self) -> ConnectionManager {
        self.commands.clone()
    }

    /// A new connection for the subscription.
    pub async fn subscriber(&self) -> redis::RedisResult<PubSub> {
        tokio::time::timeout(COMMAND_TIMEOUT, self.client.get_async_pubsub())
            .await
            .map_err(|_| {
                redis::RedisError::from((
                    redis::ErrorKind::Io,
                    "no answer from Redis within the timeout",
                ))
            })?
    }

    /// Whether the subscription is live: notices from other processes
    /// arrive.
    pub fn is_subscribed(&self) -> bool {
        self.subscribed.load(Ordering::SeqCst)
    }

    /// Records whether the subscription is live.
    pub fn set_subscribed(&self, live: bool) {
        self.subscribed.store(live, Ordering::SeqCst);
    }

    /// `"ok"` when Redis answers a ping and the subscription is live, else
    /// what is wrong: for `/readyz`.
    pub async fn state(&self) -> String {
        let mut commands = self.commands();
        let ping_command = redis::cmd("PING");
        let ping = ping_command.query_async::<String>(&mut commands);
        match tokio::time::timeout(COMMAND_TIMEOUT, ping).await {
            Ok(Ok(_)) if self.is_subscribed() => "ok".to_owned(),
            Ok(Ok(_)) => "unavailable: not subscribed yet".to_owned(),
            Ok(Err(error)) => format!("unavailable: {error}"),
            Err(_) => format!(
                "unavailable: no answer within {} s",
                COMMAND_TIMEOUT.as_secs()
            ),
        }
    }
}
