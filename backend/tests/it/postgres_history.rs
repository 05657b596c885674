//! The PostgreSQL engine's history, on a real PostgreSQL started for the
//! test: what it stores and reads back, and the rule that makes several
//! processes one chat: ids become visible in increasing order, whichever
//! process commits.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use backend::store::postgres::PgStore;
use backend::store::{Action, AuthorId, Committed, Entry, HistoryStore, NewMessage, Target};
use natter_shared::LOBBY;
use testkit::Postgres;

fn post(text: &str, author: i64, nonce: Option<&str>) -> NewMessage {
    NewMessage {
        room: LOBBY.to_owned(),
        author: format!("author {author}"),
        author_id: AuthorId(author),
        value: text.to_owned(),
        nonce: nonce.map(str::to_owned),
        action: Action::Post,
    }
}

fn change(action: Action, text: &str, author: i64) -> NewMessage {
    NewMessage {
        action,
        ..post(text, author, None)
    }
}

fn target(id: u64) -> Target {
    Target {
        id,
        sent_since: None,
    }
}

/// A store whose committed batches are kept, to check what the fan-out got.
async fn open(url: &str) -> (PgStore, Arc<Mutex<Vec<Committed>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&seen);
    let store = PgStore::connect(
        url,
        Box::new(move |batch: &[Committed]| kept.lock().unwrap().extend_from_slice(batch)),
    )
    .await
    .expect("connects and migrates");
    (store, seen)
}

#[tokio::test]
async fn messages_and_their_changes_are_stored_and_read_back() {
    let postgres = Postgres::start();
    let url = postgres.database().await;
    let (store, fanned_out) = open(&url).await;
    let rooms = [LOBBY.to_owned()];

    let first = store.append(post("helo", 1, Some("n1"))).await.unwrap().id;
    let second = store.append(post("secret", 1, None)).await.unwrap().id;
    assert_eq!(
        store.append(post("helo", 1, Some("n1"))).await.unwrap().id,
        first,
        "the same author's nonce is stored once"
    );
    let edit = store
        .append(change(Action::Edit(target(first)), "hello", 1))
        .await
        .unwrap()
        .id;
    let refused = store
        .append(change(Action::Delete(target(first)), "", 2))
        .await;
    assert!(refused.is_err(), "only the author changes a message");
    let delete = store
        .append(change(Action::Delete(target(second)), "", 1))
        .await
        .unwrap()
        .id;
    assert!(first < second && second < edit && edit < delete);

    // Replay after 0: the message as it is now, its edit, and the delete
    // (the deleted message itself is left out).
    let replayed: Vec<Entry> = store
        .after(&rooms, 0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|stored| stored.entry)
        .collect();
    let ids: Vec<u64> = replayed.iter().map(Entry::id).collect();
    assert_eq!(ids, [first, edit, delete]);
    let Entry::Message(message) = &replayed[0] else {
        panic!("a message first");
    };
    assert_eq!(
        (message.value.as_str(), message.edited.is_some()),
        ("hello", true)
    );
    let shown = store.before(&rooms, None, 50).await.unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].message.value, "hello");
    assert_eq!(store.newest_id().await.unwrap(), delete);
    let fanned: Vec<u64> = fanned_out
        .lock()
        .unwrap()
        .iter()
        .map(|c| c.entry.id())
        .collect();
    assert_eq!(
        fanned,
        [first, second, edit, delete],
        "each once, in id order"
    );
    store.close().await;

    // Opening again migrates nothing twice and keeps everything.
    let (again, _) = open(&url).await;
    assert_eq!(again.newest_id().await.unwrap(), delete);
    again.close().await;
}

#[tokio::test]
async fn two_writers_make_ids_visible_in_increasing_order() {
    let postgres = Postgres::start();
    let url = postgres.database().await;
    let (writer_a, _) = open(&url).await;
    let (writer_b, _) = open(&url).await;
    let (reader, _) = open(&url).await;
    let writers = [Arc::new(writer_a), Arc::new(writer_b)];
    let rooms = [LOBBY.to_owned()];

    // A reader that only ever asks for what comes after the newest id it
    // has seen: an id below that appearing later would be missed.
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let polling = {
        let done = Arc::clone(&done);
        let rooms = rooms.clone();
        tokio::spawn(async move {
            let mut seen = Vec::new();
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let cursor = seen.last().copied().unwrap_or(0);
                let page = reader.after(&rooms, cursor, 10_000).await.unwrap();
                seen.extend(page.iter().map(|stored| stored.entry.id()));
                if finished {
                    return seen;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
    };
    let mut senders = Vec::new();
    for (process, writer) in writers.iter().enumerate() {
        for sender in 0..8 {
            let writer = Arc::clone(writer);
            senders.push(tokio::spawn(async move {
                for n in 0..100 {
                    let author = (process * 100 + sender) as i64 + 1;
                    writer
                        .append(post(&format!("{n}"), author, None))
                        .await
                        .expect("stored");
                }
            }));
        }
    }
    for sender in senders {
        sender.await.unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let polled = polling.await.unwrap();
    let (check, _) = open(&url).await;
    let all: Vec<u64> = check
        .after(&rooms, 0, 10_000)
        .await
        .unwrap()
        .iter()
        .map(|stored| stored.entry.id())
        .collect();
    assert_eq!(all.len(), 1600);
    assert_eq!(polled, all, "the poller saw every id, in order, none twice");
}
