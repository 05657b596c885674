//! Memory per idle connection.

use std::time::Duration;

use anyhow::Result;

use crate::fleet::Fleet;
use crate::procstat;
use crate::servers::{Kind, Programs, Server};

/// One server's figures.
#[derive(Debug, Clone)]
pub struct IdleResult {
    /// Which server.
    pub server: Kind,
    /// Connections held.
    pub connections: usize,
    /// Server RSS growth divided by connections, KiB.
    pub kib_per_connection: f64,
    /// Server RSS with no connections and with all of them, MiB.
    pub rss_mib: [f64; 2],
}

/// Opens `count` connections that then stay silent, and weighs the server.
pub async fn run(kind: Kind, programs: &Programs, count: usize) -> Result<IdleResult> {
    let server = Server::start(kind, programs)?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = procstat::usage(server.pid())?.rss_kib;
    let mut fleet = Fleet::new(0, 1);
    fleet.grow(&server, count).await?;
    // Let allocations settle.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = procstat::usage(server.pid())?.rss_kib;
    fleet.finish(&[]).await;
    Ok(IdleResult {
        server: kind,
        connections: count,
        kib_per_connection: after.saturating_sub(before) as f64 / count as f64,
        rss_mib: [before as f64 / 1024.0, after as f64 / 1024.0],
    })
}
