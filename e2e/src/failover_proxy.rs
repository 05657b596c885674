//! [`FailoverProxy`]: what a load balancer does for the failover test. It
//! listens on a loopback port and hands each new connection to the first
//! server on its list that accepts one, so a page loaded through it
//! reconnects to the next server when the first is gone, at the same
//! address.

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};

/// A running proxy; stops taking connections when dropped.
pub struct FailoverProxy {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl FailoverProxy {
    /// Listens on a free loopback port, preferring `servers` in order.
    pub async fn start(servers: Vec<SocketAddr>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local address");
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let servers = servers.clone();
                tokio::spawn(async move {
                    for server in servers {
                        if let Ok(mut upstream) = TcpStream::connect(server).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                            return;
                        }
                    }
                });
            }
        });
        FailoverProxy { addr, task }
    }

    /// The page's address through the proxy.
    pub fn page(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for FailoverProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
