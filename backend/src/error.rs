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
    /// Listening or serving failed.
    #[error("server error: {0}")]
    Io(#[from] io::Error),
}
