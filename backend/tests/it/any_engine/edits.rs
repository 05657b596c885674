//! Editing and deleting one's own messages: live for everyone in the room,
//! stored and replayed in id order like messages, refused for anyone but
//! the author, and a deleted message's text gone from the database file.

use std::time::Duration;

use crate::common::rooms::Person;
use crate::common::{Client, TestServer};
use natter_shared::{ChatMessage, ErrorCode, LOBBY, ServerFrame};

/// Ada's next two frames after she changed a message: its ack and her own
/// copy of the change, in whichever order they came.
async fn ack_and_change(ada: &mut Client) -> (u64, ServerFrame) {
    let mut ack = None;
    let mut change = None;
    while ack.is_none() || change.is_none() {
        match ada.next_frame().await {
            ServerFrame::Ack(params) => ack = Some(params.id),
            other => change = Some(other),
        }
    }
    (ack.unwrap(), change.unwrap())
}

/// Ada, signed in, posts `text` in the lobby with `nonce`; returns its id
/// once her ack and her copy are in, and Bob has it too.
async fn post(ada: &mut Client, bob: &mut Client, text: &str, nonce: &str) -> u64 {
    ada.publish(text, Some(nonce)).await;
    let (id, _) = ack_and_change(ada).await;
    assert_eq!(bob.next_message().await.id, id);
    id
}

/// The messages a page arriving now is shown (its first page, which is
/// read like any page of history), oldest first.
async fn shown_to_a_newcomer(server: &TestServer) -> Vec<ChatMessage> {
    let mut newcomer = Client::connect(server).await;
    let mut marker = Client::connect(server).await;
    marker.publish("the end", None).await;
    let mut shown = Vec::new();
    loop {
        let message = newcomer.next_message().await;
        if message.value == "the end" {
            return shown;
        }
        shown.push(message);
    }
}

#[tokio::test]
async fn an_edit_reaches_everyone_live_and_is_what_history_shows() {
    let server = TestServer::start().await;
    let ada_account = Person::sign_up(&server, "Ada").await;
    let mut ada = ada_account.connect(&server, "").await;
    let mut bob = Person::sign_up(&server, "Bob")
        .await
        .connect(&server, "")
        .await;
    let id = post(&mut ada, &mut bob, "helo wrold", "m1").await;

    ada.edit(LOBBY, id, "  hello world ", Some("e1")).await;
    let (edit_id, own) = ack_and_change(&mut ada).await;
    let ServerFrame::Edited(own) = own else {
        panic!("Ada's own copy is an edit: {own:?}");
    };
    assert_eq!(own.nonce.as_deref(), Some("e1"), "her copy names her nonce");
    let edited = bob.next_edited().await;
    assert!(edited.id > id, "a change takes the next id in the sequence");
    assert_eq!(edited.id, edit_id);
    assert_eq!(
        (edited.target, edited.value.as_str(), edited.author.as_str()),
        (id, "hello world", "Ada"),
        "the new text, trimmed like a message"
    );
    assert_eq!(edited.nonce, None, "the nonce is only for the author");

    // Anyone arriving now sees the message as it is now, marked edited.
    let shown = shown_to_a_newcomer(&server).await;
    assert_eq!(shown.len(), 1, "the edit is not a message of its own");
    assert_eq!(shown[0].value, "hello world");
    assert_eq!(shown[0].edited, Some(edited.timestamp));
    ada.next_message().await;
    bob.next_message().await;

    // An edit resent with the same nonce (a retry) is stored once.
    ada.edit(LOBBY, id, "hello world", Some("e1")).await;
    assert_eq!(ada.next_ack().await.id, edit_id);
    bob.publish("next", None).await;
    assert_eq!(
        bob.next_message().await.value,
        "next",
        "no second edit reached Bob"
    );
}

#[tokio::test]
async fn only_the_author_can_change_a_message_and_a_refusal_changes_nothing() {
    let server = TestServer::start().await;
    let mut ada = Person::sign_up(&server, "Ada")
        .await
        .connect(&server, "")
        .await;
    let bob_account = Person::sign_up(&server, "Bob").await;
    let mut bob = bob_account.connect(&server, "").await;
    let id = post(&mut ada, &mut bob, "mine", "m1").await;

    bob.edit(LOBBY, id, "yours now", Some("b1")).await;
    let refused = bob.expect_error(ErrorCode::NotYourMessage).await;
    assert_eq!(refused.nonce.as_deref(), Some("b1"));
    bob.delete(LOBBY, id, None).await;
    bob.expect_error(ErrorCode::NotYourMessage).await;
    bob.edit(LOBBY, id + 1000, "nothing", None).await;
    bob.expect_error(ErrorCode::UnknownMessage).await;
    // A guest sharing the display name is still not the author.
    let mut impostor = Client::connect_as(&server, "Ada").await;
    assert_eq!(impostor.next_message().await.id, id, "the first page");
    impostor.delete(LOBBY, id, None).await;
    impostor.expect_error(ErrorCode::NotYourMessage).await;
    // A room the sender is not in is refused before anything is looked up.
    bob.edit("general", id, "x", None).await;
    bob.expect_error(ErrorCode::UnknownRoom).await;

    // Nobody saw a change, and the text stands.
    bob.publish("after", None).await;
    assert_eq!(ada.next_message().await.value, "after");
    let shown = shown_to_a_newcomer(&server).await;
    assert_eq!(shown[0].value, "mine");
    assert_eq!(shown[0].edited, None);
}

#[tokio::test]
async fn a_deleted_message_is_gone_from_the_database_file() {
    let server = TestServer::start().await;
    let mut ada = Person::sign_up(&server, "Ada")
        .await
        .connect(&server, "")
        .await;
    let mut bob = Person::sign_up(&server, "Bob")
        .await
        .connect(&server, "")
        .await;
    // Enough text that a trace would be found; and a first version of an
    // edited message, which must go too.
    let secret = "the vault code is swordfish-4711-".repeat(8);
    let draft = "first draft: tuna-0815-".repeat(8);
    let deleted = post(&mut ada, &mut bob, &secret, "m1").await;
    let edited = post(&mut ada, &mut bob, &draft, "m2").await;

    ada.delete(LOBBY, deleted, Some("d1")).await;
    let (delete_id, _) = ack_and_change(&mut ada).await;
    let gone = bob.next_deleted().await;
    assert_eq!((gone.id, gone.target), (delete_id, deleted));
    assert_eq!(gone.value, "Ada deleted a message");
    ada.edit(LOBBY, edited, "final", Some("e1")).await;
    ack_and_change(&mut ada).await;
    bob.next_edited().await;
    // Deleting twice: the second finds nothing.
    ada.delete(LOBBY, deleted, None).await;
    ada.expect_error(ErrorCode::UnknownMessage).await;
    ada.edit(LOBBY, deleted, "back again", None).await;
    ada.expect_error(ErrorCode::UnknownMessage).await;

    // Someone arriving later sees neither the message nor its text.
    let shown = shown_to_a_newcomer(&server).await;
    let texts: Vec<&str> = shown.iter().map(|m| m.value.as_str()).collect();
    assert_eq!(texts, ["final"]);
    // Nor do pages of history.
    ada.send_text(r#"{"type":"history","params":{}}"#).await;
    let page = loop {
        if let ServerFrame::History(page) = ada.next_frame().await {
            break page;
        }
    };
    let texts: Vec<&str> = page.messages.iter().map(|m| m.value.as_str()).collect();
    assert_eq!(texts, ["final", "the end"]);

    // On PostgreSQL: no row holds either text any more.
    if let Some(url) = server.database_url() {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        for erased in ["swordfish-4711", "tuna-0815"] {
            let found: i64 = client
                .query_one(
                    "SELECT COUNT(*) FROM messages WHERE strpos(value, $1) > 0",
                    &[&erased],
                )
                .await
                .unwrap()
                .get(0);
            assert_eq!(found, 0, "{erased:?} is still stored");
        }
        return;
    }
    // On SQLite: checked while the server runs, in the file and its log alike.
    let dir = server.db_path().parent().unwrap().to_owned();
    for file in std::fs::read_dir(dir).unwrap() {
        let path = file.unwrap().path();
        if path.is_dir() {
            continue; // The web client's folder.
        }
        let bytes = std::fs::read(&path).unwrap();
        for erased in ["swordfish-4711", "tuna-0815"] {
            assert!(
                !bytes
                    .windows(erased.len())
                    .any(|window| window == erased.as_bytes()),
                "{erased:?} is still in {}",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn changes_made_while_away_arrive_once_on_resume_and_after_a_restart() {
    let server = TestServer::start().await;
    let mut ada = Person::sign_up(&server, "Ada")
        .await
        .connect(&server, "")
        .await;
    let bob_account = Person::sign_up(&server, "Bob").await;
    let mut bob = bob_account.connect(&server, "").await;
    let first = post(&mut ada, &mut bob, "one", "m1").await;
    let second = post(&mut ada, &mut bob, "two", "m2").await;
    let third = post(&mut ada, &mut bob, "three", "m3").await;
    drop(bob);

    // While Bob is away: an edit, a delete, two edits of one message, and a
    // message posted and deleted before he is back.
    ada.edit(LOBBY, first, "one, edited", Some("e1")).await;
    ack_and_change(&mut ada).await;
    ada.delete(LOBBY, second, Some("d1")).await;
    ack_and_change(&mut ada).await;
    ada.edit(LOBBY, third, "three, take 2", Some("e2")).await;
    ack_and_change(&mut ada).await;
    ada.edit(LOBBY, third, "three, take 3", Some("e3")).await;
    ack_and_change(&mut ada).await;
    ada.publish("fleeting", Some("m4")).await;
    let (fleeting, _) = ack_and_change(&mut ada).await;
    ada.delete(LOBBY, fleeting, Some("d2")).await;
    let (newest, _) = ack_and_change(&mut ada).await;

    /// What Bob's page, which showed `had`, ends up showing after
    /// resuming from `since`, and the id of every frame it was sent.
    async fn resume(
        server: &TestServer,
        bob: &Person,
        had: &[(u64, &str)],
        since: u64,
    ) -> (Vec<String>, Vec<u64>) {
        let mut page = bob.connect(server, &format!("?since={since}")).await;
        let mut ids = Vec::new();
        let mut shown: Vec<(u64, String)> = had
            .iter()
            .map(|(id, text)| (*id, (*text).to_owned()))
            .collect();
        // A marker after everything: once it arrives, nothing else is coming.
        let mut marker = Client::connect(server).await;
        marker.publish("the end", None).await;
        loop {
            match page.next_frame().await {
                ServerFrame::Message(message) if message.value == "the end" => break,
                ServerFrame::Message(message) => panic!("unexpected message {message:?}"),
                ServerFrame::Edited(edited) => {
                    ids.push(edited.id);
                    for (target, text) in &mut shown {
                        if *target == edited.target {
                            *text = edited.value.clone();
                        }
                    }
                }
                ServerFrame::Deleted(deleted) => {
                    ids.push(deleted.id);
                    shown.retain(|(target, _)| *target != deleted.target);
                }
                other => panic!("unexpected frame {other:?}"),
            }
        }
        (shown.into_iter().map(|(_, text)| text).collect(), ids)
    }

    let had = [(first, "one"), (second, "two"), (third, "three")];
    let (shown, ids) = resume(&server, &bob_account, &had, third).await;
    assert_eq!(shown, ["one, edited", "three, take 3"]);
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "each change once, in id order");
    assert_eq!(
        ids.len(),
        5,
        "four changes and the fleeting message's delete"
    );
    assert_eq!(*ids.last().unwrap(), newest);

    // After a restart, the same cursor gives the same changes: they are
    // stored, not kept in memory.
    let server = server.restart().await;
    let (shown_again, ids_again) = resume(&server, &bob_account, &had, third).await;
    assert_eq!(shown_again, shown);
    assert_eq!(ids_again, ids);
}

#[tokio::test]
async fn the_edit_window_closes_for_edits_and_deletes_alike() {
    let server = TestServer::start_with(&["--edit-window", "1s"]).await;
    let mut ada = Person::sign_up(&server, "Ada")
        .await
        .connect(&server, "")
        .await;
    let mut bob = Person::sign_up(&server, "Bob")
        .await
        .connect(&server, "")
        .await;
    let id = post(&mut ada, &mut bob, "quick", "m1").await;
    ada.edit(LOBBY, id, "quick fix", Some("e1")).await;
    ack_and_change(&mut ada).await;
    assert_eq!(bob.next_edited().await.value, "quick fix");

    tokio::time::sleep(Duration::from_millis(1_300)).await;
    ada.edit(LOBBY, id, "too late", Some("e2")).await;
    let refused = ada.expect_error(ErrorCode::EditWindowClosed).await;
    assert_eq!(refused.nonce.as_deref(), Some("e2"));
    ada.delete(LOBBY, id, None).await;
    ada.expect_error(ErrorCode::EditWindowClosed).await;
    ada.publish("still here", None).await;
    assert_eq!(bob.next_message().await.value, "still here");
}

#[tokio::test]
async fn a_seed_page_shows_an_edit_and_a_delete_as_text() {
    let server = TestServer::start().await;
    let mut page = Client::connect(&server).await;
    let mut ada = Person::sign_up(&server, "Ada")
        .await
        .connect(&server, "")
        .await;
    ada.publish("helo", Some("m1")).await;
    let (id, _) = ack_and_change(&mut ada).await;
    ada.edit(LOBBY, id, "hello", Some("e1")).await;
    ack_and_change(&mut ada).await;
    ada.delete(LOBBY, id, Some("d1")).await;
    ack_and_change(&mut ada).await;

    // What a page that prints `params.value` of every frame prints.
    let mut printed = Vec::new();
    for _ in 0..3 {
        let frame = serde_json::to_value(page.next_frame().await).unwrap();
        printed.push(frame["params"]["value"].as_str().unwrap().to_owned());
    }
    assert_eq!(printed, ["helo", "hello", "Ada deleted a message"]);
}

#[tokio::test]
async fn unread_counts_leave_out_changes_and_deleted_messages() {
    let server = TestServer::start().await;
    let ada_account = Person::sign_up(&server, "Ada").await;
    let bob = Person::sign_up(&server, "Bob").await;
    assert_eq!(
        ada_account.create_room(&server, "general").await.status,
        201
    );
    assert_eq!(bob.join(&server, "general").await.status, 200);
    let mut ada = ada_account.connect(&server, "").await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ada.publish_in("general", &format!("m{n}"), Some(&format!("n{n}")))
            .await;
        ids.push(ack_and_change(&mut ada).await.0);
    }
    ada.edit("general", ids[0], "m0, edited", Some("e1")).await;
    ack_and_change(&mut ada).await;
    ada.delete("general", ids[1], Some("d1")).await;
    ack_and_change(&mut ada).await;

    let bob_page = bob.connect(&server, "").await;
    let general = bob_page
        .welcome
        .rooms
        .iter()
        .find(|room| room.room == "general")
        .expect("Bob is in general");
    assert_eq!(general.unread, 2, "m0 (edited) and m2");
    assert_eq!(
        general.newest_id, ids[2],
        "the newest message, not a change"
    );
}
