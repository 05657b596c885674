//! Two natter servers on one PostgreSQL (`--database-url`): accounts,
//! sessions, rooms and history are shared, so a session made on one works on
//! the other, and what one stores the other serves. (Live delivery between
//! processes, with and without Redis, is `cluster.rs`'s.)

use crate::common::process::NatterProcess;
use crate::common::rooms::Person;
use crate::common::{Client, TestServer};
use testkit::Postgres;

#[tokio::test]
async fn two_servers_on_one_postgresql_share_accounts_rooms_and_history() {
    let postgres = Postgres::start();
    let url = postgres.database().await;
    let flags = ["--database-url", url.as_str()];
    let one = TestServer::start_with(&flags).await;
    let two = TestServer::start_with(&flags).await;

    // An account made on one server, and its session, work on the other.
    let ada = Person::sign_up(&one, "Ada").await;
    let on_two = ada.connect(&two, "").await;
    assert_eq!(on_two.welcome.name, "Ada");
    assert_eq!(ada.create_room(&one, "general").await.status, 201);
    let bob = Person::sign_up(&two, "Bob").await;
    assert_eq!(bob.join(&two, "general").await.status, 200);

    // Stored through one, served by the other to a resuming client; a retry
    // through the other finds the same message.
    let mut ada_one = ada.connect(&one, "").await;
    ada_one
        .publish_in("general", "hello from one", Some("n-1"))
        .await;
    let id = ada_one.next_ack().await.id;
    let mut bob_two = bob.connect(&two, "?since=0").await;
    let first_page = bob_two.next_message().await;
    assert_eq!(
        (first_page.id, first_page.value.as_str()),
        (id, "hello from one")
    );
    let mut ada_two = ada.connect(&two, "?since=0").await;
    assert_eq!(ada_two.next_message().await.id, id, "her first page");
    ada_two
        .publish_in("general", "hello from one", Some("n-1"))
        .await;
    assert_eq!(
        ada_two.next_ack().await.id,
        id,
        "stored once, whichever server"
    );

    // Bob's unread count and Ada's rooms come from the shared database.
    let bob_again = bob.connect(&two, "").await;
    let general = bob_again
        .welcome
        .rooms
        .iter()
        .find(|room| room.room == "general")
        .cloned()
        .unwrap();
    assert_eq!((general.unread, general.newest_id), (1, id));

    // A server started after it was stored serves it on a first page; a
    // server stopped and started again keeps everything.
    one.stop().await;
    let one = TestServer::start_with(&flags).await;
    let mut bob_one = bob.connect(&one, "").await;
    assert_eq!(bob_one.next_message().await.id, id, "a first page");
    let mut guest = Client::connect(&one).await;
    guest.publish("lobby, after a restart", Some("g-1")).await;
    assert!(guest.next_ack().await.id > id);
    let mut bob_later = bob.connect(&one, &format!("?since={}", id - 1)).await;
    assert_eq!(bob_later.next_message().await.id, id);
}

#[tokio::test]
async fn readiness_follows_the_database() {
    let postgres = Postgres::start();
    let url = postgres.database().await;
    let server = TestServer::start_with(&["--database-url", url.as_str()]).await;
    let ready = || async {
        let response = reqwest::get(server.http_url("/readyz")).await.unwrap();
        let status = response.status().as_u16();
        let body: serde_json::Value =
            serde_json::from_str(&response.text().await.unwrap()).unwrap();
        (
            status,
            body["database"].as_str().unwrap_or_default().to_owned(),
        )
    };
    assert_eq!(ready().await, (200, "ok".to_owned()));

    // The database goes away: not ready (at once, not after a hang), and
    // the body says why; alive all the same.
    postgres.stop();
    let (status, database) = ready().await;
    assert_eq!(status, 503);
    assert!(database.starts_with("unavailable"), "{database}");
    let alive = reqwest::get(server.http_url("/healthz")).await.unwrap();
    assert_eq!(alive.status(), 200);

    // Back: ready again, through fresh connections.
    postgres.start_again();
    let mut answer = ready().await;
    for _ in 0..50 {
        if answer.0 == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        answer = ready().await;
    }
    assert_eq!(answer, (200, "ok".to_owned()));
}

#[tokio::test]
async fn while_postgresql_is_down_nothing_is_acknowledged_and_retries_converge() {
    let postgres = Postgres::start();
    let url = postgres.database().await;
    // The connections stay through the outage (however slowly the
    // database restarts), so the retries go out on them.
    let server =
        TestServer::start_with(&["--database-url", url.as_str(), "--database-cut-off", "1h"]).await;
    let mut ada = Client::connect_as(&server, "ada").await;
    let mut bob = Client::connect_as(&server, "bob").await;

    postgres.stop();
    ada.publish("sent during the outage", Some("n-1")).await;
    let refused = ada.next_error().await;
    assert_eq!(
        (refused.code, refused.nonce.as_deref()),
        (natter_shared::ErrorCode::StoreUnavailable, Some("n-1")),
        "{refused:?}"
    );
    assert!(ada.acks.is_empty(), "nothing acknowledged");

    // Back: the client resends with the same nonce (as the web client's
    // outbox does), twice for good measure; one message, one id.
    postgres.start_again();
    let id = ada
        .publish_until_acked("sent during the outage", "n-1")
        .await;
    ada.publish("sent during the outage", Some("n-1")).await;
    assert_eq!(ada.next_ack().await.id, id, "the retry finds it");
    let seen = bob.next_message().await;
    assert_eq!(
        (seen.id, seen.value.as_str()),
        (id, "sent during the outage")
    );
    bob.publish("and nothing else", None).await;
    assert_eq!(
        bob.next_message().await.value,
        "and nothing else",
        "seen once"
    );
}

#[tokio::test]
async fn processes_started_together_on_a_fresh_database_all_come_up() {
    let postgres = Postgres::start();
    // Each round a fresh database, three processes at the same moment:
    // each would create the migrations table, and all but one used to
    // exit. Now they take turns, and all serve the same chat.
    for round in 0..3 {
        let url = postgres.database().await;
        let dir = tempfile::tempdir().unwrap();
        let starting: Vec<_> = (0..3)
            .map(|process| {
                let (url, dir) = (url.clone(), dir.path().join(format!("p{process}")));
                std::thread::spawn(move || {
                    std::fs::create_dir_all(&dir).unwrap();
                    NatterProcess::start_with(
                        &dir.join("unused.db"),
                        &dir,
                        &["--database-url", &url],
                    )
                })
            })
            .collect();
        let processes: Vec<NatterProcess> = starting
            .into_iter()
            .map(|started| {
                started
                    .join()
                    .unwrap_or_else(|_| panic!("round {round}: a process did not come up"))
            })
            .collect();
        // One schema, one chat: what one stores, another serves.
        let mut clients = Vec::new();
        for process in &processes {
            clients.push(Client::connect_to(&format!("ws://{}/ws", process.addr), &[]).await);
        }
        clients[0]
            .publish("after a crowded start", Some("n-1"))
            .await;
        let id = clients[0].next_ack().await.id;
        for client in &mut clients[1..] {
            assert_eq!(client.next_message().await.id, id);
        }
        for process in &processes {
            assert!(
                !process.stderr().contains("ERROR"),
                "round {round}: {}",
                process.stderr()
            );
        }
    }
}
