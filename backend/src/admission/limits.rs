//! How many connections the server holds (WebSockets and plain HTTP alike):
//! in total and per client address. Counted exactly: a permit is taken as
//! the TCP connection is accepted and given back when it closes, under one
//! lock.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use parking_lot::Mutex;

/// The counts and their ceilings.
#[derive(Debug)]
pub(crate) struct ConnectionLimits {
    /// Most connections at once.
    max_total: usize,
    /// Most connections at once from one IP address.
    max_per_ip: usize,
    /// Live connections, in total and by address.
    live: Mutex<Live>,
}

#[derive(Debug, Default)]
struct Live {
    total: usize,
    by_ip: HashMap<IpAddr, usize>,
}

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OverLimit {
    /// The server is at `--max-connections`.
    Full,
    /// This address is at `--max-connections-per-ip`.
    TooManyFromAddress,
}

/// One admitted connection; dropping it frees the place.
#[derive(Debug)]
pub(crate) struct Permit {
    limits: Arc<ConnectionLimits>,
    ip: IpAddr,
}

impl ConnectionLimits {
    /// Limits with these ceilings.
    pub(crate) fn new(max_total: usize, max_per_ip: usize) -> Self {
        ConnectionLimits {
            max_total,
            max_per_ip,
            live: Mutex::new(Live::default()),
        }
    }

    /// Admits one more connection from `ip`, if there is room.
    pub(crate) fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Permit, OverLimit> {
        let mut live = self.lock();
        if live.total >= self.max_total {
            return Err(OverLimit::Full);
        }
        let from_ip = live.by_ip.entry(ip).or_default();
        if *from_ip >= self.max_per_ip {
            return Err(OverLimit::TooManyFromAddress);
        }
        *from_ip += 1;
        live.total += 1;
        Ok(Permit {
            limits: Arc::clone(self),
            ip,
        })
    }

    /// Live connections right now.
    pub(crate) fn live(&self) -> usize {
        self.lock().total
    }

    fn lock(&self) -> parking_lot::MutexGuard<'_, Live> {
        // The counts stay consistent even if a holder panicked: every change
        // is a single increment or decrement.
        self.live.lock()
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut live = self.limits.lock();
        live.total -= 1;
        if let Some(count) = live.by_ip.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                live.by_ip.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_exact_under_concurrent_admits_and_drops() {
        let limits = Arc::new(ConnectionLimits::new(1000, 1000));
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..10_000 {
                        let permit = limits.admit(ip).unwrap();
                        drop(permit);
                    }
                });
            }
        });
        assert_eq!(limits.live(), 0);
    }

    #[test]
    fn ceilings_hold() {
        let limits = Arc::new(ConnectionLimits::new(3, 2));
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        let _first = limits.admit(a).unwrap();
        let second = limits.admit(a).unwrap();
        assert_eq!(limits.admit(a).unwrap_err(), OverLimit::TooManyFromAddress);
        let _third = limits.admit(b).unwrap();
        assert_eq!(limits.admit(b).unwrap_err(), OverLimit::Full);
        drop(second);
        assert!(limits.admit(b).is_ok());
    }
}
