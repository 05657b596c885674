//! The operating-system signals that ask the server to stop.

use tokio::signal::unix::{SignalKind, signal};
use tracing::{info, warn};

/// Completes on the first SIGINT (Ctrl-C) or SIGTERM (what service managers send).
pub async fn shutdown_requested() {
    let mut terminate = match signal(SignalKind::terminate()) {
        Ok(stream) => Some(stream),
        Err(error) => {
            warn!(%error, "cannot listen for SIGTERM; only Ctrl-C will stop the server");
            None
        }
    };
    let sigterm = async {
        match terminate.as_mut() {
            Some(stream) => {
                stream.recv().await;
            }
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => info!("SIGINT received; shutting down"),
        () = sigterm => info!("SIGTERM received; shutting down"),
    }
}
