//! Command-line flags and their environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use clap::builder::RangedU64ValueParser;
use natter_shared::DEFAULT_MAX_MESSAGE_CHARS;

use crate::accounts::{Guests, Signup};
use crate::cli::OperatorCommand;
use crate::web::origin::parse_origin;

/// Natter: a real-time chat server for the browser.
///
/// Serves the web client and relays chat messages between everyone connected
/// to its WebSocket at /ws. Every flag can also be set through the environment
/// variable named beside it.
#[derive(Debug, Clone, Parser)]
#[command(name = "natter", version)]
pub struct Config {
    /// Run an operator command instead of the server.
    #[command(subcommand)]
    pub command: Option<OperatorCommand>,

    /// Address and port to listen on. Use 0.0.0.0:8080 to accept connections
    /// from other machines.
    #[arg(long, env = "NATTER_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// The SQLite database holding the chat history; created with its schema
    /// on first start.
    #[arg(long, env = "NATTER_DB", default_value = "natter.db", global = true)]
    pub db: PathBuf,

    /// PostgreSQL instead of the SQLite file, e.g.
    /// postgres://natter@db.internal/natter: several natter processes
    /// pointed at one database share its accounts, rooms and history.
    #[arg(long, env = "NATTER_DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// The most connections this process opens to --database-url (its
    /// writer's included); twice its CPUs by default. Size PostgreSQL's
    /// max_connections for every process's.
    #[arg(
        long,
        env = "NATTER_DATABASE_CONNECTIONS",
        requires = "database_url",
        value_parser = RangedU64ValueParser::<usize>::new().range(2..=10_000)
    )]
    pub database_connections: Option<usize>,

    /// How long a process sharing --database-url goes without an answer
    /// from it before it lets its clients go (closes their WebSockets with
    /// 1013, so they resume on another process), e.g. 3s.
    #[arg(long, env = "NATTER_DATABASE_CUT_OFF", default_value = "3s", value_parser = at_least_100ms)]
    pub database_cut_off: Duration,

    /// The CA certificate (PEM) that signed PostgreSQL's: TLS to the
    /// database, verified against it. Without it, `sslmode=require` in
    /// --database-url verifies against the system's roots.
    #[arg(
        long,
        env = "NATTER_DATABASE_CA",
        requires = "database_url",
        global = true
    )]
    pub database_ca: Option<PathBuf>,

    /// The CA certificate (PEM) that signed Redis's, for a `rediss://`
    /// --redis-url; without it, the system's roots.
    #[arg(long, env = "NATTER_REDIS_CA", requires = "redis_url")]
    pub redis_ca: Option<PathBuf>,

    /// Redis, e.g. redis://cache.internal:6379, to carry messages, presence
    /// and typing between the natter processes sharing --database-url. The
    /// database stays the truth: without Redis, messages still reach every
    /// process (through the database, a little later), and presence and
    /// typing stay within each process.
    #[arg(long, env = "NATTER_REDIS_URL", requires = "database_url")]
    pub redis_url: Option<String>,

    /// With --redis-url: how long someone stays online after the process
    /// holding their connection stops answering (killed, cut off), e.g.
    /// 30s. Each process renews its people every quarter of this; a process
    /// that stops renewing loses them within this time and a quarter.
    #[arg(
        long,
        env = "NATTER_PRESENCE_TTL",
        default_value = "30s",
        value_parser = presence_ttl
    )]
    pub presence_ttl: Duration,

    /// Folder holding the built web client (trunk's output), served at /.
    #[arg(long, env = "NATTER_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,

    /// Longest chat message accepted, in characters (Unicode scalar values)
    /// after trimming. Longer messages get an error frame and are not sent.
    #[arg(
        long,
        env = "NATTER_MAX_MESSAGE_CHARS",
        default_value_t = DEFAULT_MAX_MESSAGE_CHARS,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=100_000)
    )]
    pub max_message_chars: usize,

    /// Largest WebSocket frame or message accepted, in bytes. A client that
    /// sends more is disconnected with close code 1009 (message too big).
    #[arg(
        long,
        env = "NATTER_MAX_FRAME_BYTES",
        default_value_t = 64 * 1024,
        value_parser = RangedU64ValueParser::<usize>::new().range(1024..=16 * 1024 * 1024)
    )]
    pub max_frame_bytes: usize,

    /// The address people open natter at, such as https://chat.example.com
    /// (repeat the flag, or separate with commas in the variable). natter
    /// answers only to IP addresses, localhost and these names (anything
    /// else gets 403, against DNS rebinding), and pages from these origins
    /// may connect. Needed for every name natter is reached by, and behind a
    /// TLS-terminating proxy, where the page's scheme is https.
    #[arg(long = "public-url", env = "NATTER_PUBLIC_URLS", value_delimiter = ',', value_parser = parse_origin)]
    pub public_urls: Vec<String>,

    /// Another web origin whose pages may connect, such as
    /// https://app.example.com (repeat the flag, or separate with commas in
    /// the variable). Pages from the server's own origin, and clients that
    /// send no Origin header (not browsers), may always connect; every other
    /// origin gets 403.
    #[arg(long = "allowed-origin", env = "NATTER_ALLOWED_ORIGINS", value_delimiter = ',', value_parser = parse_origin)]
    pub allowed_origins: Vec<String>,

    /// Most connections at once (WebSockets, and HTTP connections whether
    /// or not they have sent a request); more are refused with 503.
    #[arg(
        long,
        env = "NATTER_MAX_CONNECTIONS",
        default_value_t = 10_000,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=10_000_000)
    )]
    pub max_connections: usize,

    /// Most connections at once from one IP address (counted as for
    /// --max-connections); more are refused with 503.
    #[arg(
        long,
        env = "NATTER_MAX_CONNECTIONS_PER_IP",
        default_value_t = 256,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=10_000_000)
    )]
    pub max_connections_per_ip: usize,

    /// Frames one connection may send per second, sustained. Faster frames
    /// get a "rate_limited" error and are dropped; a client that keeps going
    /// (5 refusals within 10 s) is disconnected with 1008.
    #[arg(long, env = "NATTER_RATE_LIMIT_PER_SECOND", default_value_t = 5.0, value_parser = positive_rate)]
    pub rate_limit_per_second: f64,

    /// Frames one connection may send in a burst before the rate applies.
    #[arg(
        long,
        env = "NATTER_RATE_LIMIT_BURST",
        default_value_t = 20,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub rate_limit_burst: u32,

    /// Frames all connections from one IP address may send per second
    /// together, sustained: one address cannot multiply the per-connection
    /// rate by opening many connections. Faster frames get "rate_limited".
    /// Behind a proxy every client shares its address: raise it there.
    #[arg(long, env = "NATTER_ADDRESS_RATE_LIMIT_PER_SECOND", default_value_t = 50.0, value_parser = positive_rate)]
    pub address_rate_limit_per_second: f64,

    /// Frames all connections from one IP address may send in a burst.
    #[arg(
        long,
        env = "NATTER_ADDRESS_RATE_LIMIT_BURST",
        default_value_t = 200,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub address_rate_limit_burst: u32,

    /// How often the server pings each connection, e.g. 25s. Keeps proxies
    /// that cut idle connections from cutting quiet chats.
    #[arg(long, env = "NATTER_PING_INTERVAL", default_value = "25s", value_parser = humantime::parse_duration)]
    pub ping_interval: Duration,

    /// A connection that sends nothing (no frame, no pong) for this long is
    /// closed, e.g. 60s.
    #[arg(long, env = "NATTER_IDLE_TIMEOUT", default_value = "60s", value_parser = humantime::parse_duration)]
    pub idle_timeout: Duration,

    /// A client must finish its TLS handshake and send its request headers
    /// within this long, e.g. 10s; connections that send nothing, or trickle
    /// headers a byte at a time, are cut off. Also how long a kept-alive HTTP
    /// connection may wait for its next request.
    #[arg(long, env = "NATTER_HANDSHAKE_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub handshake_timeout: Duration,

    /// A write to a client that makes no progress for this long, e.g. 30s,
    /// closes the connection: a client that stops reading (a WebSocket, or
    /// an HTTP client that never reads its responses) cannot hold the server.
    #[arg(long, env = "NATTER_WRITE_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub write_timeout: Duration,

    /// PEM certificate chain: with --tls-key, serve https and wss directly.
    #[arg(long, env = "NATTER_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key for --tls-cert.
    #[arg(long, env = "NATTER_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Whether anyone may create an account ("open"), or only operators,
    /// with `natter user add` ("closed").
    #[arg(long, env = "NATTER_SIGNUP", value_enum, default_value = "open")]
    pub signup: Signup,

    /// Whether people without an account may chat in the lobby as guests
    /// ("allow"), or every connection needs a session ("deny").
    #[arg(long, env = "NATTER_GUESTS", value_enum, default_value = "allow")]
    pub guests: Guests,

    /// How long someone stays online after their last connection closes,
    /// e.g. 5s: a reload or a brief drop shows no leave and join. A
    /// connection that stops answering leaves at once when it times out.
    #[arg(long, env = "NATTER_PRESENCE_GRACE", default_value = "5s", value_parser = humantime::parse_duration)]
    pub presence_grace: Duration,

    /// How long after sending a message its author may still edit or
    /// delete it, e.g. 15m. Without it, there is no limit.
    #[arg(long, env = "NATTER_EDIT_WINDOW", value_parser = humantime::parse_duration)]
    pub edit_window: Option<Duration>,

    /// How long a session lasts without use, e.g. 30days; every use renews it.
    #[arg(long, env = "NATTER_SESSION_LIFETIME", default_value = "30days", value_parser = humantime::parse_duration)]
    pub session_lifetime: Duration,

    /// How often open connections are checked against the database, e.g.
    /// 2s: the longest a connection outlives a session that expired, or
    /// that ended where no event reached this process (an operator
    /// command, another process while Redis was down).
    #[arg(long, env = "NATTER_SESSION_CHECK_EVERY", default_value = "2s", value_parser = at_least_100ms)]
    pub session_check_every: Duration,

    /// How many messages may wait for the database's writer before senders
    /// are made to wait (their next frames are read only once there is
    /// room). More absorbs longer bursts; each waiting message holds its
    /// text in memory.
    #[arg(
        long,
        env = "NATTER_WRITE_QUEUE",
        default_value_t = crate::store::QUEUE_CAPACITY,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=1_000_000)
    )]
    pub write_queue: usize,

    /// How many live messages may wait for one slow client before it is
    /// caught up from the database instead.
    #[arg(
        long,
        env = "NATTER_BROADCAST_BUFFER",
        default_value_t = 1024,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=1_000_000)
    )]
    pub broadcast_buffer: usize,
}

fn at_least_100ms(raw: &str) -> Result<Duration, String> {
    let every = humantime::parse_duration(raw).map_err(|e| e.to_string())?;
    if every < Duration::from_millis(100) {
        return Err(format!("{raw:?} is shorter than 100ms"));
    }
    Ok(every)
}

fn presence_ttl(raw: &str) -> Result<Duration, String> {
    let ttl = humantime::parse_duration(raw).map_err(|e| e.to_string())?;
    if ttl < Duration::from_secs(1) {
        return Err(format!("{raw:?} is shorter than a second"));
    }
    Ok(ttl)
}

fn positive_rate(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err(format!(
            "{raw:?} is not a positive number of frames per second"
        )),
    }
}
