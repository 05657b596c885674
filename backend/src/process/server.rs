//! Running the server: serving until told to stop, then closing every
//! connection before returning.
//!
//! axum-server accepts connections: it brings hyper's header-read timeout and
//! rustls, which `axum::serve` does not.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use std::time::Duration;
use tokio_util::sync::CancellationToken;

use axum_server::Handle;
// TCP_NODELAY on every connection: a chat frame is small and must leave at
// once, not wait (Nagle) for the previous one's acknowledgement.
use axum_server::accept::NoDelayAcceptor;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use hyper_util::rt::TokioTimer;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::admission::{Admission, Deadlines};
use crate::config::Config;
use crate::error::ServerError;
use crate::state::AppState;
use crate::web::router;

/// How long plain HTTP requests in progress get to finish at shutdown.
const HTTP_DRAIN: Duration = Duration::from_secs(5);

/// Serves on `listener` until `shutdown` completes, then sends every WebSocket
/// client a 1001 close and waits for the connections to finish.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let state = Arc::new(AppState::open(&config).await?);
    let tls = load_tls(&config).await?;
    serve(listener, state, &config, tls, shutdown).await
}

/// Loads the TLS certificate and key, when configured.
///
/// Only `http/1.1` is offered in ALPN: natter speaks HTTP/1.1 alone (its
/// admission deadlines and the WebSocket upgrade are built on it), and a
/// browser told `h2` would open HTTP/2 and be cut off. HTTP/1.1 is all a
/// page needs for its one WebSocket and a handful of files.
pub async fn load_tls(config: &Config) -> Result<Option<RustlsConfig>, ServerError> {
    let (Some(cert), Some(key)) = (&config.tls_cert, &config.tls_key) else {
        return Ok(None);
    };
    // One crypto provider for the process; a second install is a no-op error.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let failed = |part: &'static str| {
        move |cause: Box<dyn std::error::Error + Send + Sync>| ServerError::Tls {
            cert: cert.display().to_string(),
            key: key.display().to_string(),
            part,
            cause,
        }
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|cause| failed("the certificate")(cause.into()))?;
    let private_key =
        PrivateKeyDer::from_pem_file(key).map_err(|cause| failed("the key")(cause.into()))?;
    let mut server = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, private_key)
        .map_err(|cause| failed("the pair")(cause.into()))?;
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Some(RustlsConfig::from_config(Arc::new(server))))
}

/// [`run`] with the state and TLS already loaded, for callers that load them
/// first so a bad path fails before anything listens.
///
/// The HTTP server's own graceful shutdown covers plain requests only:
/// upgraded connections live outside it, so they watch [`AppState::shutdown`]
/// and are waited for through [`AppState::connections`].
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    config: &Config,
    tls: Option<RustlsConfig>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let app =
        router(Arc::clone(&state), config).into_make_service_with_connect_info::<SocketAddr>();
    let handle = Handle::new();
    let stopping = handle.clone();
    let closing = state.shutdown.clone();
    let broker = state.broker.clone();
    let grace = config.presence_grace;
    tokio::spawn(async move {
        shutdown.await;
        // This process's people stay online long enough to reconnect to
        // another process, not for the whole expiry.
        if let Some(broker) = broker {
            broker.leave(grace);
        }
        closing.cancel();
        stopping.graceful_shutdown(Some(HTTP_DRAIN));
    });
    // Stopped only after the last connection, so it writes their markers too.
    let markers_stop = CancellationToken::new();
    let markers = tokio::spawn(Arc::clone(&state.markers).run(markers_stop.clone()));
    // Ends connections whose session ended, until the server stops.
    tokio::spawn(Arc::clone(state.accounts.identities()).run(
        state.accounts.store(),
        config.session_check_every,
        state.shutdown.clone(),
    ));
    // A process among several lets its clients go elsewhere while it
    // cannot reach the database they share.
    if config.database_url.is_some() {
        tokio::spawn(Arc::clone(&state.database).run(
            Arc::clone(&state.store),
            config.database_cut_off,
            state.shutdown.clone(),
        ));
    }
    let server = axum_server::from_tcp(listener.into_std()?)?.handle(handle);
    let deadlines = Deadlines {
        handshake: config.handshake_timeout,
        write: config.write_timeout,
    };
    let limits = Arc::clone(&state.limits);
    match tls {
        Some(tls) => {
            let handshake = RustlsAcceptor::new(tls)
                .handshake_timeout(deadlines.handshake)
                .acceptor(NoDelayAcceptor);
            let acceptor = Admission::new(handshake, limits, deadlines);
            with_header_timeout(server.acceptor(acceptor), deadlines.handshake)
                .serve(app)
                .await?;
        }
        None => {
            let acceptor = Admission::new(NoDelayAcceptor, limits, deadlines);
            with_header_timeout(server.acceptor(acceptor), deadlines.handshake)
                .serve(app)
                .await?;
        }
    }
    state.connections.close();
    state.connections.wait().await;
    markers_stop.cancel();
    let _ = markers.await;
    // Every connection is gone; let the store commit what it still holds.
    state.store.close().await;
    Ok(())
}

/// Cuts off clients that send their request headers too slowly (slowloris),
/// and kept-alive connections that send no next request in time. Clients
/// that send nothing at all are [`Admission`]'s job.
fn with_header_timeout<Acc>(
    mut server: axum_server::Server<SocketAddr, Acc>,
    deadline: Duration,
) -> axum_server::Server<SocketAddr, Acc> {
    server
        .http_builder()
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(deadline);
    server
}

/// A server running in the background of this process, for tests and for
/// programs that embed Natter.
pub struct ServerHandle {
    /// Where it listens (the real port when the config asked for port 0).
    addr: SocketAddr,
    /// Shared with the serving task, for [`ServerHandle::live_connections`].
    state: Arc<AppState>,
    /// Fired to begin the shutdown.
    stop: Option<oneshot::Sender<()>>,
    /// The serving task; ends once every connection has closed.
    task: Option<JoinHandle<Result<(), ServerError>>>,
}

impl ServerHandle {
    /// Opens the database, loads TLS if configured, binds `config.bind` and
    /// starts serving.
    pub async fn start(config: Config) -> Result<Self, ServerError> {
        let state = Arc::new(AppState::open(&config).await?);
        let tls = load_tls(&config).await?;
        let listener = TcpListener::bind(config.bind).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = Arc::clone(&state);
        let task = tokio::spawn(async move {
            let stopped = async move {
                // A dropped handle counts as a request to stop.
                let _ = stopped.await;
            };
            serve(listener, serving, &config, tls, stopped).await
        });
        Ok(ServerHandle {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections open right now: WebSockets, and HTTP connections, whether
    /// or not they have sent a request yet.
    pub fn live_connections(&self) -> usize {
        self.state.limits.live()
    }

    /// Shuts down gracefully and waits until every connection has closed.
    pub async fn stop(mut self) -> Result<(), ServerError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
