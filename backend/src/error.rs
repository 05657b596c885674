//! Why the server could not start or keep running.

use std::io;

use thiserror::Error;

use crate::store::StoreError;

/// A failure of the server as a whole (not of one connection).
#[derive(Debug, Error)]
pub enum ServerError {
    /// The database could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The TLS certificate or key could not be loaded.
    #[error("cannot load the TLS certificate {cert} or key {key}: {part}: {cause}")]
    Tls {
        /// The certificate path.
        cert: String,
        /// The key path.
        key: String,
        /// Which of them: "the certificate", "the key", or "the pair".
        part: &'static str,
        /// What went wrong.
        #[source]
        cause: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The files are laid out so that natter would serve what it must not.
    #[error("{0}")]
    Layout(String),
    /// Listening or serving failed.
    #[error("server error: {0}")]
    Io(#[from] io::Error),
}
