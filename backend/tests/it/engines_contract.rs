//! One contract, every engine: the rooms, memberships, markers, counts and
//! settings that the server builds on, run against SQLite and against a
//! real PostgreSQL with the same code.

use backend::store::postgres::PgStore;
use backend::store::rooms::RoomError;
use backend::store::sqlite::SqliteStore;
use backend::store::{AccountStore, Action, AuthorId, HistoryStore, NewMessage, RoomStore, Target};
use natter_shared::{LOBBY, Notify, RoomInfo, RoomKind};
use testkit::Postgres;

fn keys(rooms: &[RoomInfo]) -> Vec<&str> {
    rooms.iter().map(|room| room.room.as_str()).collect()
}

async fn rooms_keep_their_contract<S: HistoryStore + AccountStore + RoomStore>(store: &S) {
    let ada = store.create_user("Ada", "ada", "h").await.unwrap();
    let bob = store.create_user("Bob", "bob", "h").await.unwrap();
    let carol = store.create_user("Carol", "carol", "h").await.unwrap();
    assert_eq!(
        keys(&store.rooms_of(ada).await.unwrap()),
        [LOBBY],
        "everyone is in the lobby"
    );

    store.create_room("general", ada).await.unwrap();
    assert!(matches!(
        store.create_room("general", bob).await,
        Err(RoomError::Taken)
    ));
    store.join("general", bob).await.unwrap();
    store.join("general", bob).await.unwrap();
    let direct = store.open_direct(ada, bob).await.unwrap();
    assert_eq!(
        store.open_direct(bob, ada).await.unwrap(),
        direct,
        "one conversation per pair"
    );
    assert!(matches!(
        store.join(&direct, carol).await,
        Err(RoomError::Unknown)
    ));
    assert!(matches!(
        store.join("nowhere", carol).await,
        Err(RoomError::Unknown)
    ));

    let mut ids = Vec::new();
    for (n, text) in ["hi all", "@Ada look", "@adam no", "more"]
        .iter()
        .enumerate()
    {
        let message = NewMessage {
            room: "general".to_owned(),
            author: "Bob".to_owned(),
            author_id: AuthorId(bob.0),
            value: (*text).to_owned(),
            nonce: Some(format!("n{n}")),
            action: Action::Post,
        };
        ids.push(store.append(message).await.unwrap().id);
    }
    let rooms = store.rooms_of(ada).await.unwrap();
    assert_eq!(
        keys(&rooms),
        [LOBBY, "general", direct.as_str()],
        "the welcome's order"
    );
    let general = &rooms[1];
    assert_eq!(
        (
            general.unread,
            general.mentions,
            general.members,
            general.newest_id
        ),
        (4, 1, 2, ids[3])
    );
    assert_eq!(
        (general.kind, general.notify),
        (RoomKind::Public, Notify::Mentions)
    );
    let conversation = &rooms[2];
    assert_eq!(
        (
            conversation.kind,
            conversation.with.as_deref(),
            conversation.notify
        ),
        (RoomKind::Direct, Some("Bob"), Notify::All)
    );

    // Markers only move forward; counts follow them.
    assert_eq!(
        store.mark_read("general", ada, ids[1]).await.unwrap(),
        Some(ids[1])
    );
    assert_eq!(
        store.mark_read("general", ada, ids[0]).await.unwrap(),
        Some(ids[1])
    );
    assert_eq!(
        store.mark_read("general", carol, ids[3]).await.unwrap(),
        None
    );
    let general = store.room_of("general", ada).await.unwrap().unwrap();
    assert_eq!(
        (general.last_read, general.unread, general.mentions),
        (ids[1], 2, 0)
    );
    assert!(store.room_of("general", carol).await.unwrap().is_none());

    assert!(
        store
            .set_notify("general", ada, Notify::Nothing)
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_notify("general", carol, Notify::All)
            .await
            .unwrap()
    );
    assert_eq!(
        store.room_of("general", ada).await.unwrap().unwrap().notify,
        Notify::Nothing
    );

    assert_eq!(
        store.members("general", carol, 10).await.unwrap(),
        None,
        "not hers to see"
    );
    assert_eq!(
        store.members(&direct, bob, 10).await.unwrap(),
        Some(vec!["Ada".to_owned(), "Bob".to_owned()])
    );
    let directory = store.public_rooms(carol).await.unwrap();
    let listed: Vec<(&str, u64, bool)> = directory
        .iter()
        .map(|room| (room.room.as_str(), room.members, room.joined))
        .collect();
    assert_eq!(listed, [("general", 2, false), (LOBBY, 3, true)]);
    assert!(store.is_public("general").await.unwrap());
    assert!(!store.is_public(&direct).await.unwrap());
    assert!(store.leave("general", bob).await.unwrap());
    assert!(!store.leave("general", bob).await.unwrap());
    assert_eq!(store.lobby().await.unwrap().members, 3);
}

#[tokio::test]
async fn sqlite_keeps_the_rooms_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("natter.db"), Box::new(|_| {})).unwrap();
    rooms_keep_their_contract(&store).await;
    store.close().await;
}

#[tokio::test]
async fn postgres_keeps_the_rooms_contract() {
    let postgres = Postgres::start();
    let store = PgStore::connect(&postgres.database().await, Box::new(|_| {}))
        .await
        .unwrap();
    rooms_keep_their_contract(&store).await;
    store.close().await;
}

/// One batch as the writer gets it after an outage, when outboxes resend
/// together: new messages, retries of some (one still in the same batch),
/// a change of a message posted in the same batch, a nonce reused, and
/// changes that must be refused. Everything is submitted before anything
/// is awaited, so a writer that gathers batches takes it in one.
async fn one_batch_keeps_order_retries_and_changes<S: HistoryStore>(store: &S) {
    let message = |author: i64, value: &str, nonce: Option<&str>, action: Action| NewMessage {
        room: LOBBY.to_owned(),
        author: format!("author {author}"),
        author_id: AuthorId(author),
        value: value.to_owned(),
        nonce: nonce.map(str::to_owned),
        action,
    };
    let target = |id: u64| Target {
        id,
        sent_since: None,
    };
    let seed = store
        .append(message(1, "seed", None, Action::Post))
        .await
        .unwrap()
        .id;
    let (a, b, edit, delete, last) = (seed + 1, seed + 2, seed + 3, seed + 4, seed + 5);
    let batch = [
        message(1, "a", Some("a"), Action::Post),
        message(1, "b", Some("b"), Action::Post),
        message(1, "a", Some("a"), Action::Post),
        message(1, "a, edited", Some("e"), Action::Edit(target(a))),
        message(1, "not an edit", Some("e"), Action::Post),
        message(1, "", Some("d"), Action::Delete(target(b))),
        message(1, "last", None, Action::Post),
        message(1, "a, edited", Some("e"), Action::Edit(target(a))),
        message(1, "b again", Some("x"), Action::Edit(target(b))),
        message(2, "", Some("y"), Action::Delete(target(a))),
    ];
    let mut committing = Vec::new();
    for append in batch {
        committing.push(store.submit(append).await.unwrap());
    }
    let mut answers = Vec::new();
    for outcome in committing {
        answers.push(
            outcome
                .await
                .map(|appended| appended.id)
                .map_err(|error| error.to_string()),
        );
    }
    let refused = |answer: &Result<u64, String>, words: &str| {
        answer.as_ref().is_err_and(|error| error.contains(words))
    };
    assert_eq!(answers[..4], [Ok(a), Ok(b), Ok(a), Ok(edit)], "{answers:?}");
    assert!(refused(&answers[4], "nonce"), "a nonce reused: {answers:?}");
    assert_eq!(
        answers[5..8],
        [Ok(delete), Ok(last), Ok(edit)],
        "{answers:?}"
    );
    assert!(refused(&answers[8], "no such message"), "{answers:?}");
    assert!(refused(&answers[9], "only its author"), "{answers:?}");

    let rooms = [LOBBY.to_owned()];
    let shown: Vec<(u64, String, Option<i64>)> = store
        .before(&rooms, None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|stored| {
            (
                stored.message.id,
                stored.message.value,
                stored.message.edited,
            )
        })
        .map(|(id, value, edited)| (id, value, edited.map(|_| 0)))
        .collect();
    assert_eq!(
        shown,
        [
            (seed, "seed".to_owned(), None),
            (a, "a, edited".to_owned(), Some(0)),
            (last, "last".to_owned(), None),
        ],
        "once each, edited, and the deleted one gone"
    );
    let ids: Vec<u64> = store
        .after(&rooms, seed, 100)
        .await
        .unwrap()
        .iter()
        .map(|stored| stored.entry.id())
        .collect();
    assert_eq!(ids, [a, edit, delete, last], "in the order sent, b gone");
}

#[tokio::test]
async fn sqlite_keeps_one_batch_in_order_with_its_retries_and_changes() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("natter.db"), Box::new(|_| {})).unwrap();
    one_batch_keeps_order_retries_and_changes(&store).await;
    store.close().await;
}

#[tokio::test]
async fn postgres_keeps_one_batch_in_order_with_its_retries_and_changes() {
    let postgres = Postgres::start();
    let store = PgStore::connect(&postgres.database().await, Box::new(|_| {}))
        .await
        .unwrap();
    one_batch_keeps_order_retries_and_changes(&store).await;
    store.close().await;
}
