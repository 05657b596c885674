//! Noticing a connection that went silent.
//!
//! A browser answers WebSocket pings by itself and never shows them to the
//! page, and a connection cut by a proxy or a sleeping laptop can look open
//! for minutes. So the client watches for any frame from the server; after a
//! quiet spell it sends an application `ping` (the server answers `pong`), and
//! if even that brings nothing back, it gives the connection up and reconnects.

/// Send a ping after this much silence.
pub const PING_AFTER_MS: f64 = 15_000.0;
/// Give the connection up after this much silence.
pub const GIVE_UP_AFTER_MS: f64 = 35_000.0;
/// How often to look.
pub const CHECK_EVERY_MS: u32 = 5_000;

/// What to do at a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Recent traffic; nothing to do.
    Fine,
    /// Quiet for a while: ask the server.
    Ping,
    /// Silent too long: reconnect.
    GiveUp,
}

/// When the server was last heard from.
#[derive(Debug, Clone, Copy)]
pub struct Heartbeat {
    /// Milliseconds since the epoch of the last frame received.
    last_heard_ms: f64,
    /// Whether a ping went out since then (one is enough).
    pinged: bool,
}

impl Heartbeat {
    /// A connection that just opened at `now_ms`.
    pub fn new(now_ms: f64) -> Self {
        Heartbeat {
            last_heard_ms: now_ms,
            pinged: false,
        }
    }

    /// A frame arrived at `now_ms`.
    pub fn heard(&mut self, now_ms: f64) {
        self.last_heard_ms = now_ms;
        self.pinged = false;
    }

    /// What to do at `now_ms`.
    pub fn check(&mut self, now_ms: f64) -> Check {
        let silent = now_ms - self.last_heard_ms;
        if silent >= GIVE_UP_AFTER_MS {
            Check::GiveUp
        } else if silent >= PING_AFTER_MS && !self.pinged {
            self.pinged = true;
            Check::Ping
        } else {
            Check::Fine
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_then_ping_then_give_up() {
        let mut heartbeat = Heartbeat::new(0.0);
        assert_eq!(heartbeat.check(10_000.0), Check::Fine);
        assert_eq!(heartbeat.check(15_000.0), Check::Ping);
        assert_eq!(
            heartbeat.check(20_000.0),
            Check::Fine,
            "one ping per silence"
        );
        assert_eq!(heartbeat.check(35_000.0), Check::GiveUp);
    }

    #[test]
    fn any_frame_resets_the_clock() {
        let mut heartbeat = Heartbeat::new(0.0);
        assert_eq!(heartbeat.check(16_000.0), Check::Ping);
        heartbeat.heard(17_000.0);
        assert_eq!(heartbeat.check(30_000.0), Check::Fine);
        assert_eq!(heartbeat.check(32_000.0), Check::Ping);
    }
}
