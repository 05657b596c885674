//! Running the server: serving until told to stop, then closing every
//! connection before returning.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app::{AppState, router};
use crate::config::Config;
use crate::error::ServerError;

/// Serves on `listener` until `shutdown` completes, then sends every WebSocket
/// client a 1001 close and waits for the connections to finish.
///
/// axum's graceful shutdown alone would wait for plain HTTP requests only:
/// upgraded connections live outside it, so they watch [`AppState::shutdown`].
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let state = Arc::new(AppState::open(&config)?);
    serve(listener, state, &config, shutdown).await
}

/// [`run`] with the state already open, for callers that open the database
/// first so a bad path fails before anything listens.
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let app = router(Arc::clone(&state), config);
    let closing = state.shutdown.clone();
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        closing.cancel();
    })
    .await?;
    state.connections.close();
    state.connections.wait().await;
    // Every connection is gone; let the store commit what it still holds.
    state.store.close().await;
    Ok(())
}

/// A server running in the background of this process, for tests and for
/// programs that embed Natter.
pub struct ServerHandle {
    /// Where it listens (the real port when the config asked for port 0).
    addr: SocketAddr,
    /// Fired to begin the shutdown.
    stop: Option<oneshot::Sender<()>>,
    /// Shared with the serving task, for [`ServerHandle::live_connections`].
    state: Arc<AppState>,
    /// The serving task; ends once every connection has closed.
    task: Option<JoinHandle<Result<(), ServerError>>>,
}

impl ServerHandle {
    /// Opens the database, binds `config.bind` and starts serving.
    pub async fn start(config: Config) -> Result<Self, ServerError> {
        let state = Arc::new(AppState::open(&config)?);
        let listener = TcpListener::bind(config.bind).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = Arc::clone(&state);
        let task = tokio::spawn(async move {
            let stopped = async move {
                // A dropped handle counts as a request to stop.
                let _ = stopped.await;
            };
            serve(listener, serving, &config, stopped).await
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

    /// WebSocket connections open right now.
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
