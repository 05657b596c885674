//! An ended session ends its open connections: a password change (the
//! answer to a stolen session), a logout, `natter user passwd`, `natter user
//! remove` and expiry each close the connections opened with it (close code
//! 4001), while the account's other sessions and everyone else chat on.

use crate::common::api::{call, log_in};
use crate::common::bystander::Bystander;
use crate::common::process::run_with_input;
use crate::common::rooms::{Person, ada_and_bob};
use crate::common::{Client, PATIENCE, TestServer};
use futures_util::StreamExt;
use natter_shared::{LOBBY, ServerFrame};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

/// The close code of a connection whose session ended.
const SESSION_ENDED: u16 = 4001;

/// A second session of `person`'s account, as a thief who copied it would hold.
async fn another_session(server: &TestServer, person: &Person) -> Person {
    let answer = log_in(server, &person.name, "correct horse battery").await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    Person {
        name: person.name.clone(),
        token: answer.token(),
    }
}

/// `client` says `text` in the lobby and sees it arrive, acked.
async fn still_chats(client: &mut Client, text: &str) {
    let nonce: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    client.publish(text, Some(&nonce)).await;
    loop {
        match client.next_frame().await {
            ServerFrame::Ack(ack) if ack.nonce == nonce => break,
            ServerFrame::Error(error) => panic!("{text}: refused: {error:?}"),
            _ => {}
        }
    }
}

/// Reads until the server closes `client`, failing if anything it sent
/// with `nonce` is taken meanwhile; returns the close code.
async fn closes_without_taking(client: &mut Client, nonce: &str) -> u16 {
    loop {
        let frame = tokio::time::timeout(PATIENCE, client.ws.next())
            .await
            .expect("the close arrives in time");
        match frame {
            Some(Ok(Message::Close(Some(close)))) => return u16::from(close.code),
            Some(Ok(Message::Text(text))) => {
                assert!(
                    !text.contains(nonce),
                    "taken after the session ended: {text}"
                )
            }
            Some(Ok(_)) => {}
            other => panic!("no close frame: {other:?}"),
        }
    }
}

/// The lobby's newest page as `client` is given it.
async fn lobby_page(client: &mut Client) -> Vec<String> {
    client.ask_history(LOBBY).await;
    loop {
        if let ServerFrame::History(page) = client.next_frame().await {
            return page.messages.into_iter().map(|m| m.value).collect();
        }
    }
}

/// Runs `natter user ARGS` against the server's database.
fn natter_user(server: &TestServer, args: &[&str], input: &str) {
    let db = server.db_path();
    let mut all = vec!["user"];
    all.extend_from_slice(args);
    match server.database_url() {
        Some(url) => all.extend_from_slice(&["--database-url", url]),
        None => all.extend_from_slice(&["--db", db.to_str().unwrap()]),
    }
    let (status, _, stderr) = run_with_input(&all, input);
    assert!(status.success(), "natter user {args:?}: {stderr}");
}

#[tokio::test]
async fn every_way_a_session_ends_closes_the_connections_opened_with_it() {
    let server = TestServer::start().await;
    let chatting = Bystander::start(&server).await;
    let (ada, bob) = ada_and_bob(&server).await;
    let mut bystander = bob.connect(&server, "").await;

    // A password change ends the thief's copy at once; the owner's own
    // connection, on the session that made the change, goes on.
    let thief = another_session(&server, &ada).await;
    let mut stolen = thief.connect(&server, "").await;
    let mut owner = ada.connect(&server, "").await;
    still_chats(&mut stolen, "the thief can write, for now").await;
    let change = json!({ "current": "correct horse battery", "new": "battery staple horse" });
    let changed = ada
        .call(&server, "POST", "/api/password", Some(change))
        .await;
    assert_eq!(changed.status, 204, "{:?}", changed.body);
    // Once the change is answered, nothing the thief sends is taken.
    stolen
        .publish("the thief, too late", Some("thief-late"))
        .await;
    assert_eq!(
        closes_without_taking(&mut stolen, "thief-late").await,
        SESSION_ENDED
    );
    assert!(
        !lobby_page(&mut bystander)
            .await
            .contains(&"the thief, too late".to_owned()),
        "stored after the session ended"
    );
    still_chats(&mut owner, "ada, after changing her password").await;
    still_chats(&mut bystander, "bob, meanwhile").await;
    let password = "battery staple horse";

    // A logout ends that session's connections (every tab of it).
    let answer = log_in(&server, "ada", password).await;
    let tab = answer.token();
    let bearer = format!("Bearer {tab}");
    let headers = [("authorization", bearer.as_str())];
    let mut first_tab = Client::connect_with_headers(&server, "", &headers).await;
    let mut second_tab = Client::connect_with_headers(&server, "", &headers).await;
    let out = call(&server, "POST", "/api/logout", None, &headers).await;
    assert_eq!(out.status, 204);
    assert_eq!(first_tab.expect_close().await, SESSION_ENDED);
    assert_eq!(second_tab.expect_close().await, SESSION_ENDED);
    still_chats(&mut owner, "ada's other session goes on").await;

    // An operator's password reset, from another process on the same
    // database, ends every session of the account.
    natter_user(&server, &["passwd", "ada"], "a third password\n");
    assert_eq!(owner.expect_close().await, SESSION_ENDED);
    still_chats(&mut bystander, "bob, after the reset").await;

    // So does removing the account.
    let answer = log_in(&server, "ada", "a third password").await;
    let last = Person {
        name: "ada".to_owned(),
        token: answer.token(),
    };
    let mut last_connection = last.connect(&server, "").await;
    natter_user(&server, &["remove", "ada"], "");
    assert_eq!(last_connection.expect_close().await, SESSION_ENDED);
    still_chats(&mut bystander, "bob, after the removal").await;
    chatting.finish().await;
}

#[tokio::test]
async fn an_expired_session_closes_its_connections() {
    let server = TestServer::start_with(&["--session-lifetime", "2s"]).await;
    let ada = Person::sign_up(&server, "ada").await;
    let mut bystander = Client::connect_as(&server, "watcher").await;
    let mut connection = ada.connect(&server, "").await;
    still_chats(&mut connection, "before it runs out").await;
    assert_eq!(connection.expect_close().await, SESSION_ENDED);
    still_chats(&mut bystander, "the guest chats on").await;
}
