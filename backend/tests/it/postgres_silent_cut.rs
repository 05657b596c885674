//! The link between a process and PostgreSQL dies without closing (a route
//! that drops packets, a NAT that forgets a connection): sends on that
//! process are refused with `store_unavailable` instead of hanging, the
//! other process writes on, even if the cut-off one held the id-order lock,
//! and once the link is back, retries converge with nothing lost or
//! doubled.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::common::bystander::Bystander;
use crate::common::silent_link::SilentLink;
use crate::common::{Client, TestServer};
use backend::process::database_watch::CUT_OFF_AFTER;
use backend::store::postgres::connections::ANSWER_TIMEOUT;
use natter_shared::{ErrorCode, ServerFrame};
use testkit::Postgres;

/// `postgres`'s database at `url`, reached through `link` instead.
fn through(link: &SilentLink, postgres: &Postgres, url: &str) -> String {
    url.replace(&postgres.addr().to_string(), &link.addr().to_string())
}

#[tokio::test]
async fn a_silently_cut_database_link_refuses_sends_instead_of_hanging() {
    let postgres = Postgres::start();
    let direct = postgres.database().await;
    let link = SilentLink::start(postgres.addr()).await;
    let one =
        TestServer::start_with(&["--database-url", &through(&link, &postgres, &direct)]).await;
    let two = TestServer::start_with(&["--database-url", &direct]).await;
    let mut ada = Client::connect_as(&one, "ada").await;
    let mut bob = Client::connect_as(&two, "bob").await;
    let mut reader = Client::connect(&two).await;
    let before = ada.publish_until_acked("before", "a-0").await;

    // Nothing closed, yet Ada's send is refused in time, not left hanging.
    link.cut();
    ada.publish("during", Some("a-1")).await;
    loop {
        match ada.next_frame().await {
            ServerFrame::Error(error) => {
                assert_eq!(
                    (error.code, error.nonce.as_deref()),
                    (ErrorCode::StoreUnavailable, Some("a-1")),
                    "{error:?}"
                );
                break;
            }
            ServerFrame::Ack(ack) => panic!("acknowledged through a cut link: {ack:?}"),
            _ => {}
        }
    }
    let readiness = reqwest::get(one.http_url("/readyz")).await.unwrap();
    assert_eq!(readiness.status(), 503);
    // The other process is not held up.
    let meanwhile = bob.publish_until_acked("meanwhile", "b-1").await;

    // The route is back (the connections open at the cut stay dead): the
    // retry is stored once, through new connections, and found again. (The
    // cut lasted long enough for the process to let Ada go: she comes back
    // as the web client does, once it takes connections.)
    link.mend();
    let mut ada = once_ready(&one, "ada").await;
    let during = ada.publish_until_acked("during", "a-1").await;
    assert_eq!(ada.publish_until_acked("during", "a-1").await, during);
    let mut seen = Vec::new();
    while seen.len() < 3 {
        if let ServerFrame::Message(message) = reader.next_frame().await {
            seen.push((message.id, message.value));
        }
    }
    let mut expected = vec![
        (before, "before".to_owned()),
        (meanwhile, "meanwhile".to_owned()),
        (during, "during".to_owned()),
    ];
    expected.sort();
    assert_eq!(seen, expected, "each once, in id order");
    let ids: BTreeSet<u64> = seen.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), 3);

    // Once every operation from before has run out, no connection opened
    // before the cut is used again: sends at a person's pace, for longer
    // than one such connection would stay out of the pool on a poll (the
    // answer timeout), all go through at once.
    tokio::time::sleep(ANSWER_TIMEOUT + Duration::from_millis(500)).await;
    for n in 0..60 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        ada.publish(&format!("after {n}"), Some(&format!("after-{n}")))
            .await;
        loop {
            match ada.next_frame().await {
                ServerFrame::Ack(_) => break,
                ServerFrame::Error(error) => {
                    panic!(
                        "refused with the link back, on a connection from before the cut: {error:?}"
                    )
                }
                _ => {}
            }
        }
    }
}

#[tokio::test]
async fn a_cut_off_session_holding_the_order_lock_lets_the_others_write() {
    let postgres = Postgres::start();
    let direct = postgres.database().await;
    let link = SilentLink::start(postgres.addr()).await;
    let server = TestServer::start_with(&["--database-url", &direct]).await;

    // A process's session, with natter's settings, takes the id-order lock
    // mid-transaction, and is cut off.
    let settings =
        backend::store::postgres::connections::session_config(&through(&link, &postgres, &direct))
            .unwrap();
    let (mut session, connection) = settings.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let transaction = session.transaction().await.unwrap();
    transaction
        .execute(
            "SELECT pg_advisory_xact_lock($1)",
            &[&backend::store::postgres::ID_ORDER_LOCK],
        )
        .await
        .unwrap();
    link.cut();

    // PostgreSQL ends the silent session, and the lock with it.
    let mut ada = Client::connect_as(&server, "ada").await;
    ada.publish_until_acked("after the cut", "a-1").await;
}

/// The process cut off from the database lets its clients go, so they
/// resume on another process instead of waiting on one that can store
/// nothing: its WebSockets close with 1013 (try again later), new ones
/// are refused with 503, and `/readyz` says 503, while the other process
/// chats on. Once the database answers, it takes connections again.
#[tokio::test]
async fn a_process_cut_off_from_the_database_lets_its_clients_go_until_it_is_back() {
    let postgres = Postgres::start();
    let direct = postgres.database().await;
    let link = SilentLink::start(postgres.addr()).await;
    let one =
        TestServer::start_with(&["--database-url", &through(&link, &postgres, &direct)]).await;
    let two = TestServer::start_with(&["--database-url", &direct]).await;
    let bystander = Bystander::start(&two).await;
    let mut ada = Client::connect_as(&one, "ada").await;
    ada.publish_until_acked("before", "a-0").await;

    link.cut();
    let cut = std::time::Instant::now();
    assert_eq!(ada.expect_close().await, 1013, "told to try again later");
    assert!(
        cut.elapsed() >= CUT_OFF_AFTER,
        "not before the database had time to answer"
    );
    assert_eq!(
        reqwest::get(one.http_url("/readyz"))
            .await
            .unwrap()
            .status(),
        503
    );
    match tokio_tungstenite::connect_async(one.ws_url("")).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(answer)) => {
            assert_eq!(answer.status(), 503);
        }
        other => panic!("a new connection was not refused: {:?}", other.map(|_| ())),
    }

    // Ada resumes on the other process.
    let mut ada = Client::connect_as(&two, "ada").await;
    let during = ada.publish_until_acked("during", "a-1").await;

    link.mend();
    let mut ada = once_ready(&one, "ada").await;
    assert!(ada.publish_until_acked("after", "a-2").await > during);
    bystander.finish().await;
}

/// `name`, connected to `server` as soon as its `/readyz` says it takes
/// connections again.
async fn once_ready(server: &TestServer, name: &str) -> Client {
    for _ in 0..200 {
        if reqwest::get(server.http_url("/readyz"))
            .await
            .unwrap()
            .status()
            == 200
        {
            return Client::connect_as(server, name).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the process never took connections again");
}
