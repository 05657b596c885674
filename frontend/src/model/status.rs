//! The connection's state as people see it.

/// Where the connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionStatus {
    /// Opening a WebSocket; `attempt` counts tries since the last open connection.
    Connecting {
        /// 1 for the first try.
        attempt: u32,
    },
    /// Open: messages flow both ways.
    Open,
    /// This client asked to close and waits for the socket to finish.
    Closing,
    /// Closed, with the close event's details.
    Closed {
        /// The close code (1006 when the connection simply failed).
        code: u16,
        /// Whether the close handshake completed.
        clean: bool,
        /// The reason the other side gave, if any.
        reason: String,
        /// Whole seconds until the next try, counting down.
        retry_in_secs: Option<u32>,
    },
    /// Not connecting: this server lets only accounts in, and nobody is
    /// signed in.
    SignInNeeded,
}

impl ConnectionStatus {
    /// A stable one-word name, for styling and tests.
    pub fn name(&self) -> &'static str {
        match self {
            ConnectionStatus::Connecting { .. } => "connecting",
            ConnectionStatus::Open => "open",
            ConnectionStatus::Closing => "closing",
            ConnectionStatus::Closed { .. } => "closed",
            ConnectionStatus::SignInNeeded => "signed-out",
        }
    }

    /// The line the page shows, in the words people use; `offline` when the
    /// browser says it has no network.
    pub fn describe(&self, offline: bool) -> String {
        if offline && *self != ConnectionStatus::Open {
            return "Offline: your messages will be sent when you're back.".to_owned();
        }
        match self {
            ConnectionStatus::Connecting { attempt: 1 } => "Connecting…".to_owned(),
            ConnectionStatus::Connecting { .. } => "Still trying to connect…".to_owned(),
            ConnectionStatus::Open => "Connected".to_owned(),
            ConnectionStatus::Closing => "Reconnecting…".to_owned(),
            ConnectionStatus::SignInNeeded => "Sign in to chat.".to_owned(),
            ConnectionStatus::Closed {
                code: natter_shared::CLOSE_SESSION_ENDED,
                ..
            } => "You were signed out: your session ended.".to_owned(),
            ConnectionStatus::Closed {
                code: natter_shared::CLOSE_NAME_TAKEN,
                ..
            } => "Someone signed up with the name you chose, so you are back to your guest name."
                .to_owned(),
            ConnectionStatus::Closed {
                code,
                retry_in_secs,
                ..
            } => {
                let why = match code {
                    1001 => "The server is restarting.",
                    1008 | 1009 => "The server closed the connection.",
                    1013 => "The server is busy.",
                    _ => "Connection lost.",
                };
                match retry_in_secs {
                    Some(seconds) => format!("{why} Reconnecting in {seconds} s…"),
                    None => format!("{why} Reconnecting…"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_speaks_plainly() {
        let status = ConnectionStatus::Closed {
            code: 1001,
            clean: true,
            reason: "the server is shutting down".into(),
            retry_in_secs: Some(3),
        };
        assert_eq!(status.name(), "closed");
        assert_eq!(
            status.describe(false),
            "The server is restarting. Reconnecting in 3 s…"
        );
        let lost = ConnectionStatus::Closed {
            code: 1006,
            clean: false,
            reason: String::new(),
            retry_in_secs: Some(2),
        };
        assert_eq!(
            lost.describe(false),
            "Connection lost. Reconnecting in 2 s…"
        );
        assert_eq!(
            lost.describe(true),
            "Offline: your messages will be sent when you're back."
        );
        assert!(!ConnectionStatus::Open.describe(true).contains("Offline"));
        for status in [status, lost, ConnectionStatus::Connecting { attempt: 4 }] {
            assert!(!status.describe(false).contains("code"), "{status:?}");
        }
    }
}
