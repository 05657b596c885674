//! One contract, every engine: the rooms, memberships, markers, counts and
//! settings that the server builds on, run against SQLite and against a
//! real PostgreSQL with the same code.

use backend::store::postgres::PgStore;
use backend::store::rooms::RoomError;
use backend::store::sqlite::SqliteStore;
use backend::store::{AccountStore, Action, AuthorId, HistoryStore, NewMessage, RoomStore};
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
