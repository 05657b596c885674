//! [`SilentLink`]: a loopback TCP link to a server that can be cut
//! silently, as a route that drops packets or a NAT that forgets its
//! connections cuts one: nothing gets through any more, yet neither end
//! sees a close or a reset. While it is cut, new connections hang. Once it
//! is mended, new connections pass; those open at the cut stay dead, as
//! after a NAT forgot them.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the link and its connections share.
struct Shared {
    server: SocketAddr,
    cut: AtomicBool,
    /// Bumped at each cut: every connection open then dies.
    cuts: watch::Sender<u64>,
    /// The sockets of dead connections, held open so no end sees a close.
    dead: Mutex<Vec<TcpStream>>,
}

/// A running link; it stops taking connections when dropped.
pub struct SilentLink {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl SilentLink {
    /// Listens on a free loopback port and carries each connection to
    /// `server`.
    pub async fn start(server: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            server,
            cut: AtomicBool::new(false),
            cuts: watch::Sender::new(0),
            dead: Mutex::new(Vec::new()),
        });
        let task = tokio::spawn({
            let shared = Arc::clone(&shared);
            async move {
                while let Ok((client, _)) = listener.accept().await {
                    tokio::spawn(carry(Arc::clone(&shared), client));
                }
            }
        });
        SilentLink { addr, shared, task }
    }

    /// Where to connect instead of the server.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Nothing gets through from now on, silently.
    pub fn cut(&self) {
        self.shared.cut.store(true, Ordering::SeqCst);
        self.shared.cuts.send_modify(|cuts| *cuts += 1);
    }

    /// New connections get through again.
    pub fn mend(&self) {
        self.shared.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for SilentLink {
    fn drop(&mut self) {
        self.task.abort();
        self.shared.dead.lock().unwrap().clear();
    }
}

/// Carries `client` to the server until a cut, then holds both ends open
/// and carries nothing.
async fn carry(shared: Arc<Shared>, mut client: TcpStream) {
    // Watching before looking at the flag: a cut in between still counts.
    let mut cuts = shared.cuts.subscribe();
    if shared.cut.load(Ordering::SeqCst) {
        shared.dead.lock().unwrap().push(client);
        return;
    }
    let Ok(mut server) = TcpStream::connect(shared.server).await else {
        return;
    };
    let was_cut = tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => false,
        _ = cuts.changed() => true,
    };
    if was_cut {
        shared.dead.lock().unwrap().extend([client, server]);
    }
}
