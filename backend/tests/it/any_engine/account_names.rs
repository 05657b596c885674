//! Account names through the real server: one account per name whatever
//! its case or lookalike letters, never a guest-style name, never a
//! guest under a taken one, and old keys brought up to the current rule.

use crate::common::api::{log_in, sign_up};
use crate::common::{Client, TestServer};

#[tokio::test]
async fn names_are_unique_whatever_their_case_or_lookalikes() {
    let server = TestServer::start().await;
    assert_eq!(sign_up(&server, "ada", "correct horse").await.status, 201);
    for lookalike in ["ada", "ADA", "\u{430}da", "ａｄａ", " ada "] {
        let answer = sign_up(&server, lookalike, "another horse").await;
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (409, "name_taken"),
            "{lookalike:?}"
        );
    }
    assert_eq!(sign_up(&server, "Alice", "correct horse").await.status, 201);
    let answer = sign_up(&server, "ALICE", "another horse").await;
    assert_eq!(
        answer.code(),
        "name_taken",
        "capital I folds to l like small i"
    );
}

#[tokio::test]
async fn lookalike_capitals_and_guest_style_names_cannot_sign_up() {
    let server = TestServer::start().await;
    let mut bystander = Client::connect_as(&server, "bystander").await;
    // Capitals whose small forms look like nothing still look like the
    // capital they copy: Cherokee Ꭺ, Greek Α, Cyrillic А.
    assert_eq!(sign_up(&server, "Adam", "correct horse").await.status, 201);
    for lookalike in ["\u{13AA}dam", "\u{391}dam", "\u{410}dam"] {
        let answer = sign_up(&server, lookalike, "another horse").await;
        assert_eq!(answer.code(), "name_taken", "{lookalike:?}");
    }
    for guest_style in [
        "guest-1234",
        "GUEST-1a2b",
        "gu\u{435}st-1a2b",
        "\u{FF47}uest-1a2b",
    ] {
        let answer = sign_up(&server, guest_style, "correct horse").await;
        assert_eq!(
            answer.code(),
            "name_taken",
            "guest names are the server's: {guest_style:?}"
        );
    }
    bystander.publish("still chatting", Some("b-1")).await;
    assert_eq!(bystander.next_ack().await.nonce, "b-1");
}

#[tokio::test]
async fn two_sign_ups_for_one_name_at_once_make_one_account() {
    let server = TestServer::start().await;
    let (first, second) = tokio::join!(
        sign_up(&server, "bob", "password one"),
        sign_up(&server, "Bob", "password two")
    );
    let mut statuses = [first.status.as_u16(), second.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
}

#[tokio::test]
async fn guests_cannot_take_a_registered_name() {
    let server = TestServer::start().await;
    sign_up(&server, "ada", "correct horse").await;
    sign_up(&server, "Adam", "correct horse").await;
    // Nor a lookalike capital of one, nor a name styled as another guest's.
    for name in [
        "ada",
        "ADA",
        "%D0%B0da",
        "%E1%8E%AAdam",
        "GUEST-ec9c",
        "gu%D0%B5st-ec9c",
    ] {
        let guest = Client::connect_with_query(&server, &format!("?name={name}")).await;
        assert!(
            guest.welcome.name.starts_with("guest-"),
            "{name}: {}",
            guest.welcome.name
        );
        assert!(guest.welcome.token.is_some());
    }
    let guest = Client::connect_with_query(&server, "?name=zoe").await;
    assert_eq!(guest.welcome.name, "zoe");
}

#[tokio::test]
async fn accounts_keyed_by_an_older_lookalike_rule_are_rekeyed_at_start() {
    if crate::common::on_postgres() {
        return; // Edits the SQLite file by hand; the re-keying code is shared.
    }
    let server = TestServer::start().await;
    assert_eq!(
        sign_up(&server, "\u{13AA}lex", "correct horse")
            .await
            .status,
        201
    );
    // As the rule before stored it: lower-cased first, so the Cherokee
    // capital became a small letter that looks like nothing.
    let db = rusqlite::Connection::open(server.db_path()).unwrap();
    db.execute("UPDATE users SET name_key = ?1", ["\u{AB7A}lex"])
        .unwrap();
    drop(db);
    let server = server.restart().await;
    assert_eq!(
        log_in(&server, "\u{13AA}lex", "correct horse").await.status,
        200
    );
    assert_eq!(
        sign_up(&server, "Alex", "another horse").await.code(),
        "name_taken",
        "the account's name is protected by the current rule"
    );
}
