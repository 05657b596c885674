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
}

impl ConnectionStatus {
    /// A stable one-word name, for styling and tests.
    pub fn name(&self) -> &'static str {
        match self {
            ConnectionStatus::Connecting { .. } => "connecting",
            ConnectionStatus::Open => "open",
            ConnectionStatus::Closing => "closing",
            ConnectionStatus::Closed { .. } => "closed",
        }
    }

    /// The line the status indicator shows.
    pub fn describe(&self) -> String {
        match self {
            ConnectionStatus::Connecting { attempt: 1 } => "Connecting…".to_owned(),
            ConnectionStatus::Connecting { attempt } => format!("Connecting… (attempt {attempt})"),
            ConnectionStatus::Open => "Connected".to_owned(),
            ConnectionStatus::Closing => "Closing…".to_owned(),
            ConnectionStatus::Closed {
                code: natter_shared::CLOSE_SESSION_ENDED,
                ..
            } => "Signed out: your session ended. Reconnecting as a guest…".to_owned(),
            ConnectionStatus::Closed {
                code: natter_shared::CLOSE_NAME_TAKEN,
                ..
            } => "An account now has the name you chose; reconnecting under your guest name…"
                .to_owned(),
            ConnectionStatus::Closed {
                code,
                clean,
                reason,
                retry_in_secs,
            } => {
                let how = if *clean { "cleanly" } else { "not cleanly" };
                let mut line = format!("Disconnected: code {code}, closed {how}");
                if !reason.is_empty() {
                    line.push_str(&format!(" ({reason})"));
                }
                if let Some(seconds) = retry_in_secs {
                    line.push_str(&format!(". Reconnecting in {seconds} s"));
                }
                line
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_status_names_code_cleanliness_and_countdown() {
        let status = ConnectionStatus::Closed {
            code: 1001,
            clean: true,
            reason: "the server is shutting down".into(),
            retry_in_secs: Some(3),
        };
        assert_eq!(status.name(), "closed");
        assert_eq!(
            status.describe(),
            "Disconnected: code 1001, closed cleanly (the server is shutting down). Reconnecting in 3 s"
        );
    }
}
