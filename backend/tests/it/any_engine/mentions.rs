//! What gets a person's attention: each room counts how many of its unread
//! messages mention them (`@name`, by the rule the web client highlights
//! with), the members of their rooms are listed for completing names, and
//! what they are notified of is kept per room and account.

use crate::common::TestServer;
use crate::common::rooms::Person;
use natter_shared::{Notify, ServerFrame};

#[tokio::test]
async fn a_room_counts_the_unread_messages_that_mention_you() {
    let server = TestServer::start().await;
    let ada = Person::sign_up(&server, "Ada").await;
    let bob = Person::sign_up(&server, "Bob").await;
    assert_eq!(bob.create_room(&server, "general").await.status, 201);
    assert_eq!(ada.join(&server, "general").await.status, 200);
    let mut bob_page = bob.connect(&server, "").await;
    let texts = [
        "@ada look",
        "hey @ADA!",
        "@adam is someone else",
        "write to ada@example.com",
        "no mention",
        "@Ada this one goes",
    ];
    let mut ids = Vec::new();
    for (n, text) in texts.iter().enumerate() {
        bob_page
            .publish_in("general", text, Some(&format!("m{n}")))
            .await;
        ids.push(bob_page.next_ack().await.id);
    }
    bob_page
        .delete("general", *ids.last().unwrap(), Some("d1"))
        .await;
    // Its ack, and Bob's copy of the delete, in either order.
    for _ in 0..2 {
        bob_page.next_frame().await;
    }
    // Her own mention of herself is not news.
    let mut ada_page = ada.connect(&server, "").await;
    ada_page
        .publish_in("general", "@Ada note to self", Some("a1"))
        .await;
    ada_page.next_ack().await;

    let general = |page: &crate::common::Client| {
        page.welcome
            .rooms
            .iter()
            .find(|room| room.room == "general")
            .cloned()
            .expect("in general")
    };
    let seen = ada.connect(&server, "").await;
    assert_eq!(general(&seen).unread, 5);
    assert_eq!(general(&seen).mentions, 2);

    // Read up to the second mention: none left, and fewer unread.
    ada_page.mark_read("general", ids[1]).await;
    let seen = ada.connect(&server, "").await;
    assert_eq!(
        general(&seen).mentions,
        0,
        "both were at or below the marker"
    );
    assert_eq!(general(&seen).unread, 3);
}

#[tokio::test]
async fn members_of_your_rooms_are_listed_for_completion_and_no_others() {
    let server = TestServer::start().await;
    let ada = Person::sign_up(&server, "Ada").await;
    let bob = Person::sign_up(&server, "bob").await;
    let carol = Person::sign_up(&server, "Carol").await;
    assert_eq!(ada.create_room(&server, "general").await.status, 201);
    assert_eq!(bob.join(&server, "general").await.status, 200);
    let listed = |answer: crate::common::api::Answer| {
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        answer.body["members"].clone()
    };
    let members = listed(
        bob.call(&server, "GET", "/api/rooms/general/members", None)
            .await,
    );
    assert_eq!(members, serde_json::json!(["Ada", "bob"]));
    let lobby = listed(
        ada.call(&server, "GET", "/api/rooms/lobby/members", None)
            .await,
    );
    assert_eq!(lobby, serde_json::json!(["Ada", "bob", "Carol"]));

    // A direct conversation, by its key, to its two members only.
    let opened = ada.open_direct(&server, "bob").await;
    let key = opened.body["room"].as_str().unwrap().to_owned();
    let path = format!("/api/rooms/{key}/members");
    assert_eq!(
        listed(bob.call(&server, "GET", &path, None).await),
        serde_json::json!(["Ada", "bob"])
    );
    // Carol is in neither: both answer as rooms that do not exist, like a
    // room that does not.
    for path in [
        path.as_str(),
        "/api/rooms/general/members",
        "/api/rooms/nowhere/members",
    ] {
        let answer = carol.call(&server, "GET", path, None).await;
        assert_eq!(
            (answer.status, answer.code()),
            (reqwest::StatusCode::NOT_FOUND, "unknown_room"),
            "{path}"
        );
    }
    // And nobody who is not signed in.
    let answer =
        crate::common::api::call(&server, "GET", "/api/rooms/lobby/members", None, &[]).await;
    assert_eq!(answer.status, 401);
}

#[tokio::test]
async fn what_to_be_notified_of_is_kept_per_account_and_reaches_every_tab() {
    let server = TestServer::start().await;
    let ada = Person::sign_up(&server, "Ada").await;
    let bob = Person::sign_up(&server, "Bob").await;
    assert_eq!(ada.create_room(&server, "general").await.status, 201);
    assert_eq!(bob.join(&server, "general").await.status, 200);
    let direct = ada.open_direct(&server, "Bob").await.body["room"]
        .as_str()
        .unwrap()
        .to_owned();
    let notify_of = |page: &crate::common::Client, room: &str| {
        page.welcome
            .rooms
            .iter()
            .find(|info| info.room == room)
            .map(|info| info.notify)
            .expect("in the room")
    };
    // The defaults: mentions in a public room, everything in a DM.
    let mut tab = ada.connect(&server, "").await;
    assert_eq!(notify_of(&tab, "general"), Notify::Mentions);
    assert_eq!(notify_of(&tab, &direct), Notify::All);

    async fn set(
        server: &TestServer,
        who: &Person,
        room: &str,
        notify: &str,
    ) -> crate::common::api::Answer {
        let path = format!("/api/rooms/{room}/notify");
        let body = serde_json::json!({ "notify": notify });
        who.call(server, "PUT", &path, Some(body)).await
    }
    let answer = set(&server, &ada, "general", "all").await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["notify"], "all");
    // Her open tab is told.
    match tab.next_frame().await {
        ServerFrame::Joined(info) => {
            assert_eq!((info.room.as_str(), info.notify), ("general", Notify::All))
        }
        other => panic!("expected the room again, got {other:?}"),
    }
    assert_eq!(set(&server, &ada, &direct, "nothing").await.status, 200);

    // Kept: a new tab (a restart too) has them; Bob's are his own.
    let server = server.restart().await;
    let later = ada.connect(&server, "").await;
    assert_eq!(notify_of(&later, "general"), Notify::All);
    assert_eq!(notify_of(&later, &direct), Notify::Nothing);
    assert_eq!(
        notify_of(&bob.connect(&server, "").await, "general"),
        Notify::Mentions
    );

    // A room she is not in, or a setting that does not exist.
    let carol = Person::sign_up(&server, "Carol").await;
    let path = format!("/api/rooms/{direct}/notify");
    let answer = carol
        .call(
            &server,
            "PUT",
            &path,
            Some(serde_json::json!({ "notify": "all" })),
        )
        .await;
    assert_eq!(
        (answer.status.as_u16(), answer.code()),
        (404, "unknown_room")
    );
    let answer = ada
        .call(
            &server,
            "PUT",
            "/api/rooms/general/notify",
            Some(serde_json::json!({ "notify": "loud" })),
        )
        .await;
    assert_eq!(
        (answer.status.as_u16(), answer.code()),
        (422, "invalid_request")
    );
}
