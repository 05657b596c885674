//! Two natter processes on one PostgreSQL and one Redis are one chat:
//! messages, DMs, presence and typing cross between them live, the DM
//! rules hold on both, concurrent senders on both give every client the
//! same ids in the same order, and Redis going away loses nothing (the
//! database carries messages until it is back, and presence returns with
//! it). Without Redis at all, messages still cross through the database.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::common::bystander::Bystander;
use crate::common::cluster::{Watcher, next_in, readiness, wait_for_redis_state};
use crate::common::rooms::Person;
use crate::common::{Client, TestServer};
use natter_shared::{ErrorCode, LOBBY, ServerFrame};
use testkit::{Postgres, Redis};

/// PostgreSQL, Redis and two servers on them.
struct Cluster {
    one: TestServer,
    two: TestServer,
    redis: Redis,
    _postgres: Postgres,
}

impl Cluster {
    async fn start(extra: &[&str]) -> Self {
        let postgres = Postgres::start();
        let redis = Redis::start();
        let database = postgres.database().await;
        let redis_url = redis.url();
        let mut flags = vec![
            "--database-url",
            database.as_str(),
            "--redis-url",
            redis_url.as_str(),
        ];
        flags.extend(extra);
        Cluster {
            one: TestServer::start_with(&flags).await,
            two: TestServer::start_with(&flags).await,
            redis,
            _postgres: postgres,
        }
    }
}

#[tokio::test]
async fn two_processes_are_one_chat_in_rooms_dms_presence_and_typing() {
    let cluster = Cluster::start(&["--presence-grace", "0s"]).await;
    let (one, two) = (&cluster.one, &cluster.two);
    let ada = Person::sign_up(one, "Ada").await;
    let bob = Person::sign_up(two, "Bob").await;
    let mallory = Person::sign_up(two, "Mallory").await;
    assert_eq!(ada.create_room(one, "general").await.status, 201);
    assert_eq!(bob.join(two, "general").await.status, 200);

    // Bob, on two, sees Ada (on one) come online in #general.
    let mut bob_watch = Watcher::new(bob.connect(two, "?presence=1").await);
    bob_watch.wait_for("general", &["Bob"]).await;
    let mut ada_watch = Watcher::new(ada.connect(one, "?presence=1").await);
    bob_watch.wait_for("general", &["Ada", "Bob"]).await;
    ada_watch.wait_for("general", &["Ada", "Bob"]).await;
    let mut ada_one = ada_watch.client;

    // A message sent on one reaches two live, and back.
    ada_one
        .publish_in("general", "hello from one", Some("a-1"))
        .await;
    let sent = loop {
        // Presence may come first: this connection asked for it.
        if let ServerFrame::Ack(ack) = ada_one.next_frame().await {
            break ack;
        }
    };
    let seen = next_in(&mut bob_watch.client, "general").await;
    assert_eq!((seen.id, seen.value.as_str()), (sent.id, "hello from one"));
    assert_eq!(seen.nonce, None, "the nonce stays Ada's");
    bob_watch
        .client
        .publish_in("general", "hello from two", None)
        .await;
    let reply = next_in(&mut ada_one, "general").await;
    assert_eq!(reply.value, "hello from two");
    assert!(reply.id > sent.id);

    // Typing crosses too, and never reaches the typist.
    bob_watch
        .client
        .send_text(r#"{"type":"typing","params":{"room":"general"}}"#)
        .await;
    loop {
        if let ServerFrame::Typing(notice) = ada_one.next_frame().await {
            assert_eq!(
                (notice.room.as_str(), notice.name.as_str()),
                ("general", "Bob")
            );
            break;
        }
    }

    // A DM opened on one reaches Bob on two; Mallory, on two as well, gets
    // nothing of it and cannot post in it.
    let dm = ada.open_direct(one, "bob").await.body["room"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut mallory_two = mallory.connect(two, "?presence=1").await;
    ada_one.publish_in(&dm, "just for bob", None).await;
    let private = next_in(&mut bob_watch.client, &dm).await;
    assert_eq!(private.value, "just for bob");
    mallory_two.publish_in(&dm, "let me in", None).await;
    loop {
        match mallory_two.next_frame().await {
            ServerFrame::Error(error) => {
                assert_eq!(error.code, ErrorCode::UnknownRoom);
                break;
            }
            ServerFrame::Message(message) => assert_ne!(message.room, dm),
            _ => {}
        }
    }
    ada_one.publish("in the lobby", None).await;
    loop {
        match mallory_two.next_frame().await {
            ServerFrame::Message(message) => {
                assert_eq!(message.room, LOBBY, "{message:?}");
                if message.value == "in the lobby" {
                    break;
                }
            }
            ServerFrame::Presence(state) => assert_ne!(state.room, dm),
            ServerFrame::Online(change) | ServerFrame::Offline(change) => {
                assert_ne!(change.room, dm)
            }
            ServerFrame::Typing(notice) => assert_ne!(notice.room, dm),
            _ => {}
        }
    }

    // Ada leaves one: Bob, on two, sees her go.
    drop(ada_one);
    bob_watch.wait_for("general", &["Bob"]).await;
}

/// Sends `count` messages to the lobby as a guest connected to `url`, each
/// acked before the next, `pace` apart; returns the acked ids.
async fn send_many(url: &str, tag: &str, count: usize, pace: Duration) -> Vec<u64> {
    use futures_util::{SinkExt, StreamExt};
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        let frame = serde_json::json!({
            "type": "message",
            "params": { "value": format!("{tag} {n}"), "nonce": format!("{tag}-{n}") }
        });
        ws.send(tokio_tungstenite::tungstenite::Message::text(
            frame.to_string(),
        ))
        .await
        .unwrap();
        loop {
            let frame = ws.next().await.unwrap().unwrap();
            let Ok(text) = frame.to_text() else { continue };
            let Ok(frame) = serde_json::from_str::<ServerFrame>(text) else {
                continue;
            };
            if let ServerFrame::Ack(ack) = frame {
                ids.push(ack.id);
                break;
            }
        }
        tokio::time::sleep(pace).await;
    }
    ids
}

/// Reads lobby messages until every id in `expected` has arrived; returns
/// every id received, in order.
async fn receive_all(reader: &mut Client, expected: &BTreeSet<u64>) -> Vec<u64> {
    let mut received = Vec::new();
    let mut missing = expected.clone();
    while !missing.is_empty() {
        let message = reader.next_message().await;
        if message.room == LOBBY {
            missing.remove(&message.id);
            received.push(message.id);
        }
    }
    received
}

fn assert_one_order(received: &[u64], expected: &BTreeSet<u64>) {
    assert!(
        received.windows(2).all(|pair| pair[0] < pair[1]),
        "in increasing id order, each once"
    );
    let all: BTreeSet<u64> = received.iter().copied().collect();
    assert_eq!(&all, expected, "every acked message, nothing else");
}

#[tokio::test]
async fn concurrent_senders_on_both_processes_give_everyone_one_order() {
    let cluster = Cluster::start(&[]).await;
    let (one, two) = (&cluster.one, &cluster.two);
    let mut reader_one = Client::connect(one).await;
    let mut reader_two = Client::connect(two).await;
    let (url_one, url_two) = (one.ws_url(""), two.ws_url(""));
    let batches = futures_util::future::join_all([
        send_many(&url_one, "one-a", 150, Duration::ZERO),
        send_many(&url_one, "one-b", 150, Duration::ZERO),
        send_many(&url_two, "two-a", 150, Duration::ZERO),
        send_many(&url_two, "two-b", 150, Duration::ZERO),
    ])
    .await;
    let expected: BTreeSet<u64> = batches.into_iter().flatten().collect();
    assert_eq!(expected.len(), 600);
    let on_one = receive_all(&mut reader_one, &expected).await;
    let on_two = receive_all(&mut reader_two, &expected).await;
    assert_one_order(&on_one, &expected);
    assert_eq!(on_one, on_two, "the same ids in the same order on both");

    // A client resumes on the other process with its cursor.
    let middle = on_one[299];
    let mut resumed = Client::connect_with_query(two, &format!("?since={middle}")).await;
    let rest: BTreeSet<u64> = on_one[300..].iter().copied().collect();
    assert_eq!(receive_all(&mut resumed, &rest).await, on_one[300..]);
}

#[tokio::test]
async fn redis_going_away_loses_nothing_and_presence_comes_back() {
    let cluster = Cluster::start(&["--presence-grace", "0s"]).await;
    let (one, two) = (&cluster.one, &cluster.two);
    wait_for_redis_state(one, "ok").await;
    let ada = Person::sign_up(one, "Ada").await;
    let bob = Person::sign_up(two, "Bob").await;
    let mut ada_one = Watcher::new(ada.connect(one, "?presence=1").await);
    let mut bob_two = Watcher::new(bob.connect(two, "?presence=1").await);
    bob_two.wait_for(LOBBY, &["Ada", "Bob"]).await;
    ada_one.wait_for(LOBBY, &["Ada", "Bob"]).await;
    let mut reader_one = Client::connect(one).await;
    let mut reader_two = Client::connect(two).await;

    // Senders on both processes; Redis dies while they send, and comes
    // back (empty, as without persistence) while they still do.
    let senders = tokio::spawn({
        let (one_url, two_url) = (one.ws_url(""), two.ws_url(""));
        async move {
            // A person's pace, so the outage falls in the middle.
            let pace = Duration::from_millis(5);
            let (a, b) = tokio::join!(
                send_many(&one_url, "one", 200, pace),
                send_many(&two_url, "two", 200, pace)
            );
            a.into_iter().chain(b).collect::<BTreeSet<u64>>()
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    cluster.redis.stop();
    wait_for_redis_state(one, "unavailable").await;
    wait_for_redis_state(two, "unavailable").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    cluster.redis.start_again();
    let expected = senders.await.unwrap();
    assert_eq!(expected.len(), 400);
    let on_one = receive_all(&mut reader_one, &expected).await;
    let on_two = receive_all(&mut reader_two, &expected).await;
    assert_one_order(&on_one, &expected);
    assert_eq!(on_one, on_two);

    // Redis is back, empty: each process puts its people back, and a
    // newcomer on either sees both.
    wait_for_redis_state(one, "ok").await;
    wait_for_redis_state(two, "ok").await;
    let carol = Person::sign_up(two, "Carol").await;
    let mut carol_two = Watcher::new(carol.connect(two, "?presence=1").await);
    carol_two.wait_for(LOBBY, &["Ada", "Bob", "Carol"]).await;
    ada_one.wait_for(LOBBY, &["Ada", "Bob", "Carol"]).await;
    // And departures are shared again.
    drop(bob_two);
    ada_one.wait_for(LOBBY, &["Ada", "Carol"]).await;
}

#[tokio::test]
async fn without_redis_messages_cross_through_the_database() {
    let postgres = Postgres::start();
    let database = postgres.database().await;
    let flags = ["--database-url", database.as_str()];
    let one = TestServer::start_with(&flags).await;
    let two = TestServer::start_with(&flags).await;
    let mut reader_two = Client::connect(&two).await;
    let ids = send_many(&one.ws_url(""), "one", 20, Duration::ZERO).await;
    let expected: BTreeSet<u64> = ids.into_iter().collect();
    let received = receive_all(&mut reader_two, &expected).await;
    assert_one_order(&received, &expected);
    let body = readiness(&two).await;
    assert_eq!(
        body,
        serde_json::json!({ "database": "ok" }),
        "no Redis to report"
    );
}

/// Long enough that no check against the database happens during a test:
/// what ends a connection on the other process is the event alone.
const NO_SWEEP: &str = "1h";

#[tokio::test]
async fn an_ended_session_closes_its_connections_on_the_other_process_at_once() {
    let cluster = Cluster::start(&["--session-check-every", NO_SWEEP]).await;
    let (one, two) = (&cluster.one, &cluster.two);
    let ada = Person::sign_up(one, "Ada").await;
    let _bob = Person::sign_up(two, "Bob").await;
    let bystander = Bystander::start(two).await;

    // A password change on one ends a stolen copy of the session on two.
    let stolen = crate::common::api::log_in(two, "Ada", "correct horse battery").await;
    assert_eq!(stolen.status, 200);
    let thief = Person {
        name: "Ada".to_owned(),
        token: stolen.token(),
    };
    let mut thief_two = thief.connect(two, "").await;
    let mut ada_one = ada.connect(one, "").await;
    let change =
        serde_json::json!({ "current": "correct horse battery", "new": "a new horse battery" });
    let changed = ada.call(one, "POST", "/api/password", Some(change)).await;
    assert_eq!(changed.status, 204, "{:?}", changed.body);
    assert_eq!(thief_two.expect_close().await, 4001, "session ended");

    // A logout on one ends that session's tabs on two.
    let session = crate::common::api::log_in(one, "Ada", "a new horse battery").await;
    let tab = Person {
        name: "Ada".to_owned(),
        token: session.token(),
    };
    let mut first_tab = tab.connect(two, "").await;
    let mut second_tab = tab.connect(two, "").await;
    let out = tab.call(one, "POST", "/api/logout", None).await;
    assert_eq!(out.status, 204);
    assert_eq!(first_tab.expect_close().await, 4001);
    assert_eq!(second_tab.expect_close().await, 4001);

    // Ada, on the session that changed the password, chats on across
    // processes, and the bystander never noticed.
    ada_one.publish("still here", Some("a-1")).await;
    let mut reader = Client::connect(two).await;
    ada_one.next_ack().await;
    reader.publish("and so am I", Some("r-1")).await;
    assert_eq!(next_in(&mut ada_one, LOBBY).await.value, "and so am I");
    bystander.finish().await;
}

/// The next frame about `room` that `client` gets, skipping the rest.
async fn next_about(client: &mut Client, room: &str) -> ServerFrame {
    loop {
        let frame = client.next_frame().await;
        let about = match &frame {
            ServerFrame::Joined(info) => info.room == room,
            ServerFrame::Left(left) => left.room == room,
            ServerFrame::Message(message) => message.room == room,
            _ => false,
        };
        if about {
            return frame;
        }
    }
}

/// Who may see what changes on one process, and the other process's open
/// connections follow: a direct conversation opened, a join, a leave and a
/// logout, through the database alone (no Redis; no periodic session
/// check either, so the event is what closes the tab).
async fn membership_changes_reach_the_other_process(one: &TestServer, two: &TestServer) {
    let ada = Person::sign_up(one, "Ada").await;
    let bob = Person::sign_up(two, "Bob").await;
    let mut bob_two = bob.connect(two, "").await;
    let mut ada_one = ada.connect(one, "").await;

    // A conversation Ada opens on one reaches Bob's tab on two, with its
    // first message.
    let dm = ada.open_direct(one, "Bob").await.body["room"]
        .as_str()
        .unwrap()
        .to_owned();
    ada_one.publish_in(&dm, "hello Bob", Some("dm-1")).await;
    let ServerFrame::Joined(joined) = next_about(&mut bob_two, &dm).await else {
        panic!("the conversation first");
    };
    assert_eq!(joined.with.as_deref(), Some("Ada"));
    let ServerFrame::Message(first) = next_about(&mut bob_two, &dm).await else {
        panic!("then its message");
    };
    assert_eq!(first.value, "hello Bob");

    // Bob joins a room through one: his tab on two is in it.
    assert_eq!(ada.create_room(one, "general").await.status, 201);
    assert_eq!(bob.join(one, "general").await.status, 200);
    assert!(matches!(
        next_about(&mut bob_two, "general").await,
        ServerFrame::Joined(_)
    ));
    ada_one.publish_in("general", "welcome", Some("g-1")).await;
    let ServerFrame::Message(welcome) = next_about(&mut bob_two, "general").await else {
        panic!("the room's message");
    };
    assert_eq!(welcome.value, "welcome");

    // He leaves through one: his tab on two gets nothing more of it.
    assert_eq!(bob.leave(one, "general").await.status, 204);
    assert!(matches!(
        next_about(&mut bob_two, "general").await,
        ServerFrame::Left(_)
    ));
    ada_one
        .publish_in("general", "after he left", Some("g-2"))
        .await;
    ada_one.publish_in(&dm, "and here", Some("dm-2")).await;
    loop {
        match bob_two.next_frame().await {
            ServerFrame::Message(message) if message.room == dm => {
                assert_eq!(message.value, "and here");
                break;
            }
            ServerFrame::Message(message) => {
                assert_ne!(
                    message.room, "general",
                    "a left room's message: {message:?}"
                )
            }
            _ => {}
        }
    }

    // A logout on one closes that session's tab on two.
    let session = crate::common::api::log_in(one, "Bob", "correct horse battery").await;
    let tab = Person {
        name: "Bob".to_owned(),
        token: session.token(),
    };
    let mut tab_two = tab.connect(two, "").await;
    assert_eq!(tab.call(one, "POST", "/api/logout", None).await.status, 204);
    assert_eq!(tab_two.expect_close().await, 4001);
}

#[tokio::test]
async fn without_redis_membership_changes_cross_through_the_database() {
    let (_postgres, _, one, two) = two_processes_without_redis().await;
    membership_changes_reach_the_other_process(&one, &two).await;
}

/// Two processes on one PostgreSQL of their own and no Redis, their
/// periodic session check an hour apart; and the database's URL.
async fn two_processes_without_redis() -> (Postgres, String, TestServer, TestServer) {
    let postgres = Postgres::start();
    let database = postgres.database().await;
    let flags = [
        "--database-url",
        database.as_str(),
        "--session-check-every",
        NO_SWEEP,
    ];
    let one = TestServer::start_with(&flags).await;
    let two = TestServer::start_with(&flags).await;
    (postgres, database, one, two)
}

#[tokio::test]
async fn with_redis_down_membership_changes_still_cross_and_after_it_is_back() {
    let cluster = Cluster::start(&["--session-check-every", NO_SWEEP]).await;
    let (one, two) = (&cluster.one, &cluster.two);
    wait_for_redis_state(one, "ok").await;
    wait_for_redis_state(two, "ok").await;
    cluster.redis.stop();
    wait_for_redis_state(one, "unavailable").await;
    wait_for_redis_state(two, "unavailable").await;
    membership_changes_reach_the_other_process(one, two).await;
    cluster.redis.start_again();
    wait_for_redis_state(one, "ok").await;
    wait_for_redis_state(two, "ok").await;
    // Back on Redis, each change arrives once, not once per way.
    let carol = Person::sign_up(one, "Carol").await;
    let dave = Person::sign_up(two, "Dave").await;
    let mut dave_two = dave.connect(two, "").await;
    let dm = carol.open_direct(one, "Dave").await.body["room"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(matches!(
        next_about(&mut dave_two, &dm).await,
        ServerFrame::Joined(_)
    ));
    // Dave's own setting, changed through one, reaches his tab on two by
    // Redis and by the log: it is applied once.
    let notify = serde_json::json!({ "notify": "nothing" });
    let path = format!("/api/rooms/{dm}/notify");
    assert_eq!(dave.call(one, "PUT", &path, Some(notify)).await.status, 200);
    // Long enough for the log's poll to have brought it too.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut carol_one = carol.connect(one, "").await;
    carol_one
        .publish_in(&dm, "after the setting", Some("c-1"))
        .await;
    let mut told = 0;
    loop {
        match next_about(&mut dave_two, &dm).await {
            ServerFrame::Joined(info) => {
                assert_eq!(info.notify, natter_shared::Notify::Nothing);
                told += 1;
            }
            ServerFrame::Message(message) => {
                assert_eq!(message.value, "after the setting");
                break;
            }
            _ => {}
        }
    }
    assert_eq!(told, 1, "the setting, once");
}

/// `natter user passwd` and `natter user remove`, run against the shared
/// database while processes serve it, close the account's connections on
/// every process (4001) by the events they record: the periodic session
/// check is an hour away.
async fn operator_commands_end_connections_everywhere(
    database: &str,
    one: &TestServer,
    two: &TestServer,
) {
    let operator = |args: &[&str], input: &str| {
        let mut all = vec!["user"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--database-url", database]);
        let (status, _, stderr) = crate::common::process::run_with_input(&all, input);
        assert!(status.success(), "{stderr}");
    };
    let ada = Person::sign_up(one, "Ada").await;
    let bystander = Bystander::start(two).await;
    let mut ada_one = ada.connect(one, "").await;
    let mut ada_two = ada.connect(two, "").await;
    operator(&["passwd", "ada"], "an operator's new horse\n");
    assert_eq!(ada_one.expect_close().await, 4001);
    assert_eq!(ada_two.expect_close().await, 4001);

    let again = crate::common::api::log_in(two, "Ada", "an operator's new horse").await;
    assert_eq!(again.status, 200);
    let ada = Person {
        name: "Ada".to_owned(),
        token: again.token(),
    };
    let mut ada_one = ada.connect(one, "").await;
    let mut ada_two = ada.connect(two, "").await;
    operator(&["remove", "ada"], "");
    assert_eq!(ada_one.expect_close().await, 4001);
    assert_eq!(ada_two.expect_close().await, 4001);
    bystander.finish().await;
}

#[tokio::test]
async fn operator_commands_end_connections_on_every_process_with_redis() {
    let cluster = Cluster::start(&["--session-check-every", NO_SWEEP]).await;
    let database = cluster
        .one
        .database_url()
        .expect("on PostgreSQL")
        .to_owned();
    operator_commands_end_connections_everywhere(&database, &cluster.one, &cluster.two).await;
}

#[tokio::test]
async fn operator_commands_end_connections_on_every_process_without_redis() {
    let (_postgres, database, one, two) = two_processes_without_redis().await;
    operator_commands_end_connections_everywhere(&database, &one, &two).await;
}
