//! A real server on a free port and a small WebSocket client, so each test
//! reads as the story it checks.

pub mod api;
pub mod bystander;
pub mod changes;
pub mod cluster;
pub mod durable_client;
pub mod process;
pub mod raw;
pub mod rooms;
pub mod silent_link;

use std::time::Duration;

use backend::{Config, ServerHandle};
use futures_util::{SinkExt, StreamExt};
use natter_shared::{AckParams, ChatMessage, ErrorCode, ErrorParams, ServerFrame, Welcome};
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

/// Long enough for any healthy step on a loaded CI machine; only a hang hits it.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The page the test server serves at `/`.
pub const INDEX_HTML: &str = "<!doctype html><title>Natter test page</title>";

/// A natter a test can reach: a server in this process, or the binary in
/// a process of its own.
pub trait Listening {
    /// Where it listens.
    fn address(&self) -> std::net::SocketAddr;

    /// Its WebSocket URL with `query` (empty, or starting with `?`).
    fn socket_url(&self, query: &str) -> String {
        format!("ws://{}/ws{query}", self.address())
    }
}

impl Listening for TestServer {
    fn address(&self) -> std::net::SocketAddr {
        self.addr()
    }
}

impl Listening for process::NatterProcess {
    fn address(&self) -> std::net::SocketAddr {
        self.addr.parse().expect("a socket address")
    }
}

/// A natter server on 127.0.0.1 and a free port, serving a stand-in web client,
/// with its own database: a SQLite file, or, when `NATTER_TEST_ENGINE` is
/// `postgres`, a PostgreSQL and a Redis of its own (so one test suite runs
/// on both engines).
pub struct TestServer {
    /// The running server; stops when dropped.
    handle: Option<ServerHandle>,
    /// Holds `index.html` and `natter.db`; removed on drop.
    dir: TempDir,
    /// The extra flags it was started with, kept for restarts.
    flags: Vec<String>,
    /// The PostgreSQL and Redis it runs on, if that is the engine under
    /// test; stopped after the server (fields drop in order).
    _engines: Option<(testkit::Postgres, testkit::Redis)>,
}

/// Whether the tests run on PostgreSQL rather than SQLite.
pub fn on_postgres() -> bool {
    std::env::var("NATTER_TEST_ENGINE").is_ok_and(|engine| engine == "postgres")
}

impl TestServer {
    /// Starts a server with the default limits.
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// Starts a server with extra command-line flags, as an operator would pass them.
    pub async fn start_with(flags: &[&str]) -> Self {
        Self::start_after(|_| {}, flags).await
    }

    /// Starts a server after `prepare` has had the path of its (not yet
    /// created) database: to put an old file there, or run `natter user`.
    pub async fn start_after(prepare: impl FnOnce(&std::path::Path), flags: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        prepare(&dir.path().join("natter.db"));
        // Beside the database, never around it: natter refuses to serve the
        // folder its database is in.
        std::fs::create_dir_all(dir.path().join("web")).expect("web folder");
        std::fs::write(dir.path().join("web/index.html"), INDEX_HTML).expect("write index");
        let mut flags: Vec<String> = flags.iter().map(|flag| (*flag).to_owned()).collect();
        let mut engines = None;
        if on_postgres() && !flags.iter().any(|flag| flag == "--database-url") {
            let postgres = testkit::Postgres::start();
            let redis = testkit::Redis::start();
            flags.extend([
                "--database-url".to_owned(),
                postgres.database().await,
                "--redis-url".to_owned(),
                redis.url(),
            ]);
            engines = Some((postgres, redis));
        }
        let handle = Self::launch(&dir, &flags).await;
        TestServer {
            handle: Some(handle),
            dir,
            flags,
            _engines: engines,
        }
    }

    /// Stops gracefully and starts again on the same database (on a new port).
    pub async fn restart(mut self) -> Self {
        let handle = self.handle.take().expect("server running");
        tokio::time::timeout(PATIENCE, handle.stop())
            .await
            .expect("shutdown finishes")
            .expect("server ran cleanly");
        self.handle = Some(Self::launch(&self.dir, &self.flags).await);
        self
    }

    /// The PostgreSQL database it runs on, if not on a SQLite file.
    pub fn database_url(&self) -> Option<&str> {
        let at = self
            .flags
            .iter()
            .position(|flag| flag == "--database-url")?;
        self.flags.get(at + 1).map(String::as_str)
    }

    /// The database file.
    pub fn db_path(&self) -> std::path::PathBuf {
        self.dir.path().join("natter.db")
    }

    async fn launch(dir: &TempDir, flags: &[String]) -> ServerHandle {
        let path = dir.path().to_str().expect("utf-8 temp path").to_owned();
        let db = format!("{path}/natter.db");
        let web = format!("{path}/web");
        let mut args = vec![
            "natter",
            "--bind",
            "127.0.0.1:0",
            "--static-dir",
            &web,
            "--db",
            &db,
        ];
        // Most tests send far faster than a person; the rate limit gets tests of its own.
        if !flags.iter().any(|flag| flag.starts_with("--rate-limit")) {
            args.extend([
                "--rate-limit-per-second",
                "1000000",
                "--rate-limit-burst",
                "1000000",
            ]);
        }
        if !flags
            .iter()
            .any(|flag| flag.starts_with("--address-rate-limit"))
        {
            args.extend([
                "--address-rate-limit-per-second",
                "1000000000",
                "--address-rate-limit-burst",
                "1000000000",
            ]);
        }
        args.extend(flags.iter().map(String::as_str));
        let config = <Config as clap::Parser>::try_parse_from(args).expect("valid flags");
        ServerHandle::start(config).await.expect("server starts")
    }

    /// `ws://…/ws` plus an optional query string.
    pub fn ws_url(&self, query: &str) -> String {
        format!("ws://{}/ws{query}", self.handle().addr())
    }

    /// Where it listens.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.handle().addr()
    }

    /// WebSocket connections the server holds right now.
    pub fn live_connections(&self) -> usize {
        self.handle().live_connections()
    }

    /// `http://…` plus a path.
    pub fn http_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.handle().addr())
    }

    /// Shuts down gracefully and waits for every connection to close.
    pub async fn stop(mut self) {
        let handle = self.handle.take().expect("server running");
        tokio::time::timeout(PATIENCE, handle.stop())
            .await
            .expect("shutdown finishes")
            .expect("server ran cleanly");
    }

    fn handle(&self) -> &ServerHandle {
        self.handle.as_ref().expect("server running")
    }
}

/// A WebSocket client speaking raw frames, as any browser or script could.
pub struct Client {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// What the server's welcome said.
    pub welcome: Welcome,
    /// Acks received so far, in order; [`Client::next_message`] files them here.
    pub acks: Vec<AckParams>,
    /// Messages read while waiting for an ack, for [`Client::next_message`].
    buffered: std::collections::VecDeque<ChatMessage>,
}

impl Client {
    /// Connects with no query string, like the seed page.
    pub async fn connect(server: &TestServer) -> Self {
        Self::connect_with_query(server, "").await
    }

    /// Connects asking for a display name.
    pub async fn connect_as(server: &TestServer, name: &str) -> Self {
        Self::connect_with_query(server, &format!("?name={name}")).await
    }

    /// Connects with a raw query string (starting with `?`) and reads the welcome.
    pub async fn connect_with_query(server: &TestServer, query: &str) -> Self {
        Self::connect_with_headers(server, query, &[]).await
    }

    /// Connects with a query string and extra handshake headers (a session
    /// cookie, a bearer token) and reads the welcome.
    pub async fn connect_with_headers(
        server: &TestServer,
        query: &str,
        headers: &[(&str, &str)],
    ) -> Self {
        Self::connect_to(&server.ws_url(query), headers).await
    }

    /// Connects to a `ws://` URL (of any server, a process of its own too)
    /// with extra handshake headers, and reads the welcome.
    pub async fn connect_to(url: &str, headers: &[(&str, &str)]) -> Self {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = url.into_client_request().unwrap();
        for (name, value) in headers {
            request.headers_mut().insert(
                tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes())
                    .unwrap(),
                value.parse().unwrap(),
            );
        }
        let (ws, _) = tokio::time::timeout(PATIENCE, connect_async(request))
            .await
            .expect("connect in time")
            .expect("connect");
        Self::welcomed(ws).await
    }

    /// A WebSocket to `url` over a TCP connection already open (from a
    /// chosen local address, say), welcomed.
    pub async fn over(stream: tokio::net::TcpStream, url: &str) -> Self {
        Self::over_with_headers(stream, url, &[]).await
    }

    /// [`Client::over`] with extra handshake headers (a bearer token).
    pub async fn over_with_headers(
        stream: tokio::net::TcpStream,
        url: &str,
        headers: &[(&str, &str)],
    ) -> Self {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = url.into_client_request().unwrap();
        for (name, value) in headers {
            request.headers_mut().insert(
                tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes())
                    .unwrap(),
                value.parse().unwrap(),
            );
        }
        let (ws, _) = tokio::time::timeout(
            PATIENCE,
            tokio_tungstenite::client_async(
                request,
                tokio_tungstenite::MaybeTlsStream::Plain(stream),
            ),
        )
        .await
        .expect("handshake in time")
        .expect("handshake");
        Self::welcomed(ws).await
    }

    async fn welcomed(
        ws: tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
    ) -> Self {
        let mut client = Client {
            ws,
            welcome: Welcome {
                connection_id: 0,
                name: String::new(),
                server_time: 0,
                value: String::new(),
                token: None,
                rooms: Vec::new(),
                frame_budget: None,
            },
            acks: Vec::new(),
            buffered: std::collections::VecDeque::new(),
        };
        match client.next_frame().await {
            ServerFrame::Welcome(welcome) => client.welcome = welcome,
            other => panic!("expected a welcome first, got {other:?}"),
        }
        client
    }

    /// Sends one text frame.
    pub async fn send_text(&mut self, text: impl Into<String>) {
        self.ws
            .send(Message::text(text.into()))
            .await
            .expect("send");
    }

    /// Publishes a chat message, with an optional nonce.
    pub async fn publish(&mut self, value: &str, nonce: Option<&str>) {
        let mut params = serde_json::json!({ "value": value });
        if let Some(nonce) = nonce {
            params["nonce"] = nonce.into();
        }
        let frame = serde_json::json!({ "type": "message", "params": params });
        self.send_text(frame.to_string()).await;
    }

    /// The next data frame from the server, decoded.
    pub async fn next_frame(&mut self) -> ServerFrame {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("a frame arrives in time")
                .expect("connection still open")
                .expect("frame reads");
            match message {
                Message::Text(text) => {
                    return serde_json::from_str(&text)
                        .unwrap_or_else(|e| panic!("server sent bad JSON {text}: {e}"));
                }
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("expected a text frame, got {other:?}"),
            }
        }
    }

    /// The next chat message; acks on the way are kept in [`Client::acks`].
    pub async fn next_message(&mut self) -> ChatMessage {
        if let Some(message) = self.buffered.pop_front() {
            return message;
        }
        loop {
            match self.next_frame().await {
                ServerFrame::Message(message) => return message,
                ServerFrame::Ack(ack) => self.acks.push(ack),
                other => panic!("expected a message, got {other:?}"),
            }
        }
    }

    /// Publishes `value` with `nonce` until it is acknowledged, retrying
    /// each `store_unavailable` refusal with the same nonce as the web
    /// client's outbox does; returns its id. Messages read meanwhile are
    /// skipped.
    pub async fn publish_until_acked(&mut self, value: &str, nonce: &str) -> u64 {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        'retry: while tokio::time::Instant::now() < deadline {
            self.publish(value, Some(nonce)).await;
            loop {
                match self.next_frame().await {
                    ServerFrame::Ack(ack) => return ack.id,
                    ServerFrame::Error(error) => {
                        assert_eq!(error.code, ErrorCode::StoreUnavailable, "{error:?}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue 'retry;
                    }
                    _ => {}
                }
            }
        }
        panic!("{value:?} never acknowledged");
    }

    /// The next ack. A message may overtake its own ack (the broadcast leaves
    /// at commit); messages read meanwhile wait for [`Client::next_message`].
    pub async fn next_ack(&mut self) -> AckParams {
        loop {
            match self.next_frame().await {
                ServerFrame::Ack(ack) => return ack,
                ServerFrame::Message(message) => self.buffered.push_back(message),
                other => panic!("expected an ack, got {other:?}"),
            }
        }
    }

    /// The next frame, which must be an error; returns its params.
    pub async fn next_error(&mut self) -> ErrorParams {
        match self.next_frame().await {
            ServerFrame::Error(error) => error,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    /// Expects an error frame with this code.
    pub async fn expect_error(&mut self, code: ErrorCode) -> ErrorParams {
        let error = self.next_error().await;
        assert_eq!(error.code, code, "{error:?}");
        error
    }

    /// Reads until the server's close frame and returns its code.
    pub async fn expect_close(&mut self) -> u16 {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("the close arrives in time");
            match message {
                Some(Ok(Message::Close(Some(frame)))) => return u16::from(frame.code),
                Some(Ok(Message::Close(None))) => return u16::from(CloseCode::Status),
                Some(Ok(_)) => continue,
                Some(Err(error)) => panic!("connection failed before a close frame: {error}"),
                None => panic!("connection ended without a close frame"),
            }
        }
    }
}
