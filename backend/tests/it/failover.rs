//! A natter process among several goes away, killed (`kill -9`) or
//! stopped (SIGTERM, as in a rolling deploy): its clients reconnect to the
//! other process and resume with their cursor and their outbox, and
//! nothing acknowledged is lost or seen twice. A killed process's people
//! go offline by expiry in Redis (it cannot say so itself); a stopped
//! process's people, back on the other process within the grace period,
//! never seem to leave.

use std::collections::BTreeSet;

use crate::common::cluster::Watcher;
use crate::common::durable_client::DurableClient;
use crate::common::process::NatterProcess;
use crate::common::rooms::Person;
use crate::common::{Client, TestServer};
use natter_shared::LOBBY;
use nix::sys::signal::Signal;
use tempfile::TempDir;
use testkit::{Postgres, Redis};

/// How long a killed process's people stay online (short, for the test).
const PRESENCE_TTL: &str = "2s";
/// How long a stopped process's people stay online for their reconnect.
const PRESENCE_GRACE: &str = "3s";

/// The real binary (the process that goes away) and an in-process server
/// (the one that stays), on one PostgreSQL and one Redis.
struct Pair {
    /// Taken when it goes.
    leaving: Option<NatterProcess>,
    staying: TestServer,
    _dir: TempDir,
    _redis: Redis,
    _postgres: Postgres,
}

impl Pair {
    async fn start() -> Self {
        let postgres = Postgres::start();
        let redis = Redis::start();
        let database = postgres.database().await;
        let redis_url = redis.url();
        let flags = [
            "--database-url",
            database.as_str(),
            "--redis-url",
            redis_url.as_str(),
            "--presence-ttl",
            PRESENCE_TTL,
            "--presence-grace",
            PRESENCE_GRACE,
        ];
        let dir = tempfile::tempdir().unwrap();
        let leaving = NatterProcess::start_with(&dir.path().join("unused.db"), dir.path(), &flags);
        let staying = TestServer::start_with(&flags).await;
        Pair {
            leaving: Some(leaving),
            staying,
            _dir: dir,
            _redis: redis,
            _postgres: postgres,
        }
    }

    /// The process that goes, taken out of the pair.
    fn take_leaving(&mut self) -> NatterProcess {
        self.leaving.take().expect("not gone yet")
    }

    /// The staying server's `host:port`.
    fn staying_addr(&self) -> String {
        self.staying
            .http_url("")
            .trim_start_matches("http://")
            .to_owned()
    }
}

/// `person` connected to the real process, asking for presence.
async fn connect_to_process(person: &Person, process: &NatterProcess) -> Client {
    Client::connect_to(
        &format!("ws://{}/ws?presence=1", process.addr),
        &[("authorization", &format!("Bearer {}", person.token))],
    )
    .await
}

/// Guests with outboxes, two on each process, writing `rounds` messages
/// each; between the two halves, `away` makes the leaving process go, and
/// its clients reconnect to the staying one. Returns every client.
async fn chat_through(
    leaving: NatterProcess,
    staying_addr: &str,
    rounds: usize,
    signal: Signal,
) -> Vec<DurableClient> {
    let leaving_addr = leaving.addr.clone();
    let mut clients: Vec<(DurableClient, &str)> = vec![
        (DurableClient::new("l1"), leaving_addr.as_str()),
        (DurableClient::new("l2"), leaving_addr.as_str()),
        (DurableClient::new("s1"), staying_addr),
        (DurableClient::new("s2"), staying_addr),
    ];
    for (client, addr) in &mut clients {
        client.connect(addr).await;
        client.read_until_welcomed().await;
    }
    for round in 0..rounds / 2 {
        for (client, _) in &mut clients {
            client
                .send(&format!("{} before {round}", client.name))
                .await;
        }
    }
    // The leaving process goes with messages in flight.
    let gone = tokio::task::spawn_blocking(move || leaving.stop_with(signal));
    for (client, addr) in &mut clients {
        if *addr == leaving_addr {
            client.read_until_disconnected().await;
            client.connect(staying_addr).await;
        }
    }
    let status = gone.await.unwrap();
    if signal == Signal::SIGTERM {
        assert!(status.success(), "{status}");
    }
    for round in rounds / 2..rounds {
        for (client, _) in &mut clients {
            client.send(&format!("{} after {round}", client.name)).await;
        }
    }
    let total = clients.len() * rounds;
    let mut done = Vec::new();
    for (mut client, _) in clients {
        client.read_until_complete(total).await;
        done.push(client);
    }
    done
}

fn assert_everyone_saw_everything_once(clients: &[DurableClient], total: usize) {
    for client in clients {
        assert_eq!(
            client.seen.len(),
            total,
            "{}: every message, none twice",
            client.name
        );
        assert_eq!(
            client.seen, clients[0].seen,
            "{}: the same order",
            client.name
        );
    }
}

/// A pair, with Ada connected to the process that will go and Bob
/// watching the lobby's presence from the other, both online.
async fn ada_there_bob_watching() -> (Pair, Person, Client, Watcher) {
    let pair = Pair::start().await;
    let ada = Person::sign_up(&pair.staying, "Ada").await;
    let bob = Person::sign_up(&pair.staying, "Bob").await;
    let ada_there = connect_to_process(&ada, pair.leaving.as_ref().unwrap()).await;
    let mut bob_watch = Watcher::new(bob.connect(&pair.staying, "?presence=1").await);
    bob_watch.wait_for(LOBBY, &["Ada", "Bob"]).await;
    (pair, ada, ada_there, bob_watch)
}

#[tokio::test]
async fn a_killed_process_loses_nothing_and_its_people_leave_by_expiry() {
    let (mut pair, _ada, _ada_there, mut bob_watch) = ada_there_bob_watching().await;

    let leaving = pair.take_leaving();
    let clients = chat_through(leaving, &pair.staying_addr(), 40, Signal::SIGKILL).await;
    assert_everyone_saw_everything_once(&clients, 160);

    // Nobody could say Ada left; her member expires, and the sweep says it.
    let went = bob_watch.wait_for(LOBBY, &["Bob"]).await;
    assert_eq!(went, ["Ada"]);
}

#[tokio::test]
async fn a_stopped_process_hands_its_clients_over_unnoticed() {
    let (mut pair, ada, mut ada_there, mut bob_watch) = ada_there_bob_watching().await;
    let leaving = pair.take_leaving();
    let staying_addr = pair.staying_addr();
    // Ada's page reconnects to the other process as soon as hers says it
    // is going, as the web client does, while the others chat on.
    let ada_moves = async {
        assert_eq!(ada_there.expect_close().await, 1001);
        ada.connect(&pair.staying, "?presence=1").await
    };
    let (clients, _ada_back) = tokio::join!(
        chat_through(leaving, &staying_addr, 40, Signal::SIGTERM),
        ada_moves
    );
    assert_everyone_saw_everything_once(&clients, 160);
    for client in &clients[..2] {
        assert_eq!(client.last_close, Some(1001), "{}: going away", client.name);
    }

    // Nobody saw her leave and come back, now or once the stopped
    // process's hold on her has run out.
    let grace = humantime::parse_duration(PRESENCE_GRACE).unwrap();
    let ttl = humantime::parse_duration(PRESENCE_TTL).unwrap();
    tokio::time::sleep(grace + ttl).await;
    assert_eq!(bob_watch.changes_waiting().await, []);
    assert_eq!(
        bob_watch.in_room(LOBBY),
        ["Ada", "Bob"]
            .map(str::to_owned)
            .into_iter()
            .collect::<BTreeSet<_>>()
    );
}
