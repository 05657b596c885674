//! Accounts and sessions on the PostgreSQL engine, on a real PostgreSQL
//! started for the test: the same contract as on SQLite, so a session made
//! through one process works on every process.

use backend::store::AccountStore;
use backend::store::accounts::CreateError;
use backend::store::postgres::PgStore;
use testkit::Postgres;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

#[tokio::test]
async fn accounts_and_sessions_keep_their_contract() {
    let postgres = Postgres::start();
    let url = postgres.database().await;
    let store = PgStore::connect(&url, Box::new(|_| {})).await.unwrap();
    // A second process on the same database sees the same accounts.
    let other = PgStore::connect(&url, Box::new(|_| {})).await.unwrap();

    let ada = store.create_user("Ada", "ada", "hash-1").await.unwrap();
    assert!(matches!(
        other.create_user("ADA", "ada", "hash-2").await,
        Err(CreateError::NameTaken)
    ));
    let bob = other.create_user("Bob", "bob", "hash-3").await.unwrap();
    let found = other.user_by_key("ada").await.unwrap().expect("Ada");
    assert_eq!((found.id, found.name.as_str()), (ada, "Ada"));
    assert!(store.user_by_key("carol").await.unwrap().is_none());
    store.set_password(ada, "hash-4").await.unwrap();
    assert_eq!(
        other
            .user_by_key("ada")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "hash-4"
    );

    // Sessions: made on one, found on the other, renewed when near their end.
    let now = 1_000 * DAY_MS;
    store
        .create_session([1; 32], ada, now + DAY_MS)
        .await
        .unwrap();
    store
        .create_session([2; 32], ada, now + 30 * DAY_MS)
        .await
        .unwrap();
    store
        .create_session([3; 32], bob, now + 30 * DAY_MS)
        .await
        .unwrap();
    let user = other
        .session_user([1; 32], now, now + 30 * DAY_MS)
        .await
        .unwrap();
    assert_eq!(user.map(|user| user.id), Some(ada));
    assert!(
        other
            .session_user([1; 32], now + 2 * DAY_MS, now + 30 * DAY_MS)
            .await
            .unwrap()
            .is_some(),
        "renewed by its use"
    );
    assert!(
        other
            .session_user([9; 32], now, now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        other
            .session_user([2; 32], now + 31 * DAY_MS, now)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );

    let summaries = store.list_users(now).await.unwrap();
    let listed: Vec<(String, u64)> = summaries
        .into_iter()
        .map(|s| (s.name, s.sessions))
        .collect();
    assert_eq!(listed, [("Ada".to_owned(), 2), ("Bob".to_owned(), 1)]);

    other
        .delete_other_sessions(ada, Some([1; 32]))
        .await
        .unwrap();
    assert!(
        store
            .session_user([2; 32], now, now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .session_user([1; 32], now, now)
            .await
            .unwrap()
            .is_some()
    );
    store.delete_session([1; 32]).await.unwrap();
    assert!(
        other
            .session_user([1; 32], now, now)
            .await
            .unwrap()
            .is_none()
    );

    assert!(store.remove_user("bob").await.unwrap());
    assert!(!store.remove_user("bob").await.unwrap());
    assert!(
        other
            .session_user([3; 32], now, now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(other.user_by_key("bob").await.unwrap().is_none());
    // A removed account's name stays reserved: its messages carry it.
    assert!(other.name_taken("bob").await.unwrap());
    assert!(matches!(
        other.create_user("Bob", "bob", "hash-5").await,
        Err(backend::store::accounts::CreateError::NameTaken)
    ));
}
