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

/// `error` and every cause under it, as one line for an operator: a
/// driver's "db error" says nothing without the database's own words
/// beneath it. A cause whose words are already in the line is not said
/// twice.
pub fn explained(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        let words = next.to_string();
        if !line.contains(&words) {
            line.push_str(": ");
            line.push_str(&words);
        }
        cause = next.source();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Error)]
    #[error("cannot open the database x: {0}")]
    struct Outer(#[source] Middle);

    #[derive(Debug, Error)]
    #[error("db error")]
    struct Middle(#[source] io::Error);

    #[test]
    fn every_cause_is_said_once() {
        let error = Outer(Middle(io::Error::other("duplicate key value")));
        assert_eq!(
            explained(&error),
            "cannot open the database x: db error: duplicate key value"
        );
    }
}
