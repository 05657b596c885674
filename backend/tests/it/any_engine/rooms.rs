//! Public rooms through the real server: creating, listing, joining and
//! leaving, messages reaching only members, per-room history, one cursor
//! resuming every room across a restart, and read markers shared by every
//! tab of an account.

use crate::common::bystander::Bystander;
use crate::common::rooms::{Person, ada_and_bob, ada_and_bob_in};
use crate::common::{Client, TestServer};
use natter_shared::{ErrorCode, LOBBY, RoomInfo, RoomKind, ServerFrame};

/// Ada's room `general`, which Bob joined and wrote `count` messages in:
/// both, Bob's connection, and the messages' ids.
async fn bob_wrote_in_general(
    server: &TestServer,
    count: usize,
) -> (Person, Person, Client, Vec<u64>) {
    let ada = Person::sign_up(server, "ada").await;
    let bob = Person::sign_up(server, "bob").await;
    assert_eq!(ada.create_room(server, "general").await.status, 201);
    assert_eq!(bob.join(server, "general").await.status, 200);
    let mut bob_tab = bob.connect(server, "").await;
    let mut ids = Vec::new();
    for n in 0..count {
        bob_tab.publish_in("general", &format!("m{n}"), None).await;
        ids.push(bob_tab.next_message().await.id);
    }
    (ada, bob, bob_tab, ids)
}

/// `room` as `client`'s welcome showed it.
fn welcomed_in(client: &Client, room: &str) -> RoomInfo {
    client
        .welcome
        .rooms
        .iter()
        .find(|known| known.room == room)
        .cloned()
        .unwrap_or_else(|| panic!("{room} is not in the welcome"))
}

#[tokio::test]
async fn only_a_rooms_members_receive_its_messages() {
    let server = TestServer::start().await;
    let (ada, bob) = ada_and_bob(&server).await;
    let mut ada_tab = ada.connect(&server, "").await;
    let mut bob_tab = bob.connect(&server, "").await;
    let mut guest = Client::connect(&server).await;
    assert_eq!(bob_tab.welcome_rooms(), [LOBBY]);
    assert_eq!(guest.welcome_rooms(), [LOBBY]);

    let created = ada.create_room(&server, " General ").await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.body["room"], "general");
    assert_eq!(created.body["members"], 1);
    // Ada's open tab is told, and is in the room from then on.
    let ServerFrame::Joined(joined) = ada_tab.next_frame().await else {
        panic!("expected joined");
    };
    assert_eq!(joined.room, "general");
    assert_eq!(joined.kind, RoomKind::Public);

    ada_tab.publish_in("general", "in general", None).await;
    let seen = ada_tab.next_message().await;
    assert_eq!(
        (seen.room.as_str(), seen.value.as_str()),
        ("general", "in general")
    );
    // Bob and the guest get nothing of it: the next thing they see is the lobby.
    ada_tab.publish("in the lobby", None).await;
    for client in [&mut bob_tab, &mut guest] {
        let next = client.next_message().await;
        assert_eq!(
            (next.room.as_str(), next.value.as_str()),
            (LOBBY, "in the lobby")
        );
    }
    assert_eq!(ada_tab.next_message().await.value, "in the lobby");

    // Bob finds it in the directory, cannot write there before joining...
    let directory = bob.directory(&server).await;
    let general = directory
        .iter()
        .find(|room| room["room"] == "general")
        .unwrap();
    assert_eq!(
        (general["members"].as_u64(), general["joined"].as_bool()),
        (Some(1), Some(false))
    );
    bob_tab
        .publish_in("general", "let me in", Some("b-1"))
        .await;
    let refused = bob_tab.expect_error(ErrorCode::NotAMember).await;
    assert_eq!(refused.nonce.as_deref(), Some("b-1"));
    bob_tab.ask_history("general").await;
    bob_tab.expect_error(ErrorCode::NotAMember).await;
    guest.publish_in("general", "me too", None).await;
    guest.expect_error(ErrorCode::NotAMember).await;

    // ...joins, reads what was said, and receives what comes next.
    let joined = bob.join(&server, "general").await;
    assert_eq!(joined.status, 200, "{:?}", joined.body);
    assert_eq!(joined.body["members"], 2);
    assert_eq!(joined.body["unread"], 0, "what was said before is history");
    assert!(
        matches!(bob_tab.next_frame().await, ServerFrame::Joined(info) if info.room == "general")
    );
    bob_tab.ask_history("general").await;
    let ServerFrame::History(page) = bob_tab.next_frame().await else {
        panic!("expected a history page");
    };
    assert_eq!(page.room, "general");
    assert_eq!(
        page.messages
            .iter()
            .map(|m| m.value.as_str())
            .collect::<Vec<_>>(),
        ["in general"]
    );
    assert!(page.complete);
    ada_tab.publish_in("general", "welcome bob", None).await;
    assert_eq!(bob_tab.next_message().await.value, "welcome bob");
    assert_eq!(ada_tab.next_message().await.value, "welcome bob");

    // Once Bob leaves, nothing of the room reaches him.
    assert_eq!(bob.leave(&server, "general").await.status, 204);
    assert!(
        matches!(bob_tab.next_frame().await, ServerFrame::Left(left) if left.room == "general")
    );
    ada_tab.publish_in("general", "bob has gone", None).await;
    ada_tab.publish("lobby again", None).await;
    assert_eq!(bob_tab.next_message().await.value, "lobby again");
    bob_tab.publish_in("general", "one more", None).await;
    bob_tab.expect_error(ErrorCode::NotAMember).await;
}

#[tokio::test]
async fn room_names_follow_one_rule_and_are_unique() {
    let server = TestServer::start().await;
    let ada = Person::sign_up(&server, "ada").await;
    for bad in [
        "",
        "   ",
        "<b>x</b>",
        "a--b",
        "-a",
        "café",
        "dm:1:2",
        &"x".repeat(33),
    ] {
        let answer = ada.create_room(&server, bad).await;
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (400, "invalid_room_name"),
            "{bad:?}"
        );
    }
    assert_eq!(ada.create_room(&server, "rust-2026").await.status, 201);
    for taken in ["rust-2026", "RUST-2026", "lobby"] {
        let answer = ada.create_room(&server, taken).await;
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (409, "room_taken"),
            "{taken}"
        );
    }
    // A room has one spelling, whatever the link said.
    let bob = Person::sign_up(&server, "bob").await;
    let joined = bob.join(&server, "RUST-2026").await;
    assert_eq!(
        (joined.status.as_u16(), joined.body["room"].as_str()),
        (200, Some("rust-2026"))
    );
    let nowhere = ada.join(&server, "nowhere").await;
    assert_eq!(
        (nowhere.status.as_u16(), nowhere.code()),
        (404, "unknown_room")
    );
    let lobby = ada.leave(&server, LOBBY).await;
    assert_eq!((lobby.status.as_u16(), lobby.code()), (400, "cannot_leave"));
    // Rooms are for accounts.
    let anonymous = crate::common::api::call(
        &server,
        "POST",
        "/api/rooms",
        Some(serde_json::json!({ "name": "guests" })),
        &[],
    )
    .await;
    assert_eq!(
        (anonymous.status.as_u16(), anonymous.code()),
        (401, "not_signed_in")
    );
    let names: Vec<_> = ada
        .directory(&server)
        .await
        .iter()
        .map(|room| room["room"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["lobby", "rust-2026"]);
}

#[tokio::test]
async fn one_cursor_resumes_every_room_in_order_after_a_restart() {
    let server = TestServer::start().await;
    let (ada, bob) = ada_and_bob_in(&server, "general").await;
    let dm = ada.open_direct(&server, "bob").await;
    let dm = dm.body["room"].as_str().unwrap().to_owned();

    let mut ada_tab = ada.connect(&server, "").await;
    assert_eq!(ada_tab.welcome_rooms(), [LOBBY, "general", dm.as_str()]);
    let mut bob_tab = bob.connect(&server, "").await;
    let rooms = [LOBBY, "general", dm.as_str()];
    for n in 0..6 {
        bob_tab
            .publish_in(rooms[n % 3], &format!("before {n}"), None)
            .await;
    }
    let mut seen = Vec::new();
    for _ in 0..6 {
        seen.push(ada_tab.next_message().await);
    }
    let since = seen.last().unwrap().id;
    drop(ada_tab);

    // Written while Ada is away, across every room, then a restart.
    for n in 0..9 {
        bob_tab
            .publish_in(rooms[n % 3], &format!("away {n}"), None)
            .await;
    }
    for _ in 0..9 {
        bob_tab.next_message().await;
    }
    let server = server.restart().await;
    let mut ada_tab = ada.connect(&server, &format!("?since={since}")).await;
    let mut resumed = Vec::new();
    for _ in 0..9 {
        resumed.push(ada_tab.next_message().await);
    }
    let values: Vec<_> = resumed.iter().map(|m| m.value.clone()).collect();
    assert_eq!(
        values,
        (0..9).map(|n| format!("away {n}")).collect::<Vec<_>>()
    );
    let in_rooms: Vec<_> = resumed.iter().map(|m| m.room.clone()).collect();
    assert_eq!(
        in_rooms,
        (0..9).map(|n| rooms[n % 3].to_owned()).collect::<Vec<_>>()
    );
    assert!(resumed.windows(2).all(|pair| pair[0].id < pair[1].id));
    // And then live, in every room, exactly once.
    let mut bob_tab = bob.connect(&server, "").await;
    bob_tab.publish_in(&dm, "live", None).await;
    let live = ada_tab.next_message().await;
    assert_eq!(
        (live.room.as_str(), live.value.as_str()),
        (dm.as_str(), "live")
    );
}

#[tokio::test]
async fn read_markers_and_unread_counts_are_the_accounts_on_every_tab() {
    let server = TestServer::start().await;
    let bystander = Bystander::start(&server).await;
    let (ada, bob, _bob_tab, ids) = bob_wrote_in_general(&server, 3).await;
    // Bob's own messages are never unread to him.
    let bob_again = bob.connect(&server, "").await;
    let general = |client: &Client| welcomed_in(client, "general");
    assert_eq!(general(&bob_again).unread, 0);

    let mut first = ada.connect(&server, "").await;
    let mut second = ada.connect(&server, "").await;
    let before = general(&first);
    assert_eq!((before.unread, before.newest_id), (3, ids[2]));
    // A new tab starts with the latest page across its rooms.
    for tab in [&mut first, &mut second] {
        for id in &ids {
            assert_eq!(tab.next_message().await.id, *id);
        }
    }
    assert!(before.newest_at.is_some());

    first.mark_read("general", ids[1]).await;
    for tab in [&mut first, &mut second] {
        let ServerFrame::Read(marker) = tab.next_frame().await else {
            panic!("expected a read marker");
        };
        assert_eq!((marker.room.as_str(), marker.id), ("general", ids[1]));
    }
    let later = ada.connect(&server, "").await;
    assert_eq!(
        (general(&later).unread, general(&later).last_read),
        (1, ids[1])
    );
    // Markers never move back, on any tab (a lower one is not passed on:
    // the next each tab hears is the higher one after it), and cannot pass
    // the newest message.
    first.mark_read("general", ids[0]).await;
    first.mark_read("general", ids[2]).await;
    for tab in [&mut first, &mut second] {
        let ServerFrame::Read(marker) = tab.next_frame().await else {
            panic!("expected a read marker");
        };
        assert_eq!(marker.id, ids[2], "the lower marker was passed on");
    }
    let again = ada.connect(&server, "").await;
    assert_eq!(general(&again).last_read, ids[2]);
    first.mark_read("general", ids[2] + 1000).await;
    first.expect_error(ErrorCode::InvalidCursor).await;
    // Guests keep theirs in the browser.
    let mut guest = Client::connect(&server).await;
    guest.mark_read(LOBBY, 1).await;
    guest.expect_error(ErrorCode::AccountRequired).await;
    bystander.finish().await;
}

#[tokio::test]
async fn read_markers_told_in_a_burst_are_kept_across_a_reconnect_and_a_restart() {
    let server = TestServer::start().await;
    let (ada, _bob, bob_tab, ids) = bob_wrote_in_general(&server, 20).await;
    let general = |client: &Client| {
        let room = welcomed_in(client, "general");
        (room.last_read, room.unread)
    };
    // Ada's page tells a marker for every message it shows, one by one.
    let mut tab = ada.connect(&server, "").await;
    for id in &ids[..15] {
        tab.mark_read("general", *id).await;
    }
    // Once the server has taken the last (it tells her tabs, this one
    // too), another tab, at once, already sees where she is: the marker
    // still waits in memory, and the welcome reads past it.
    loop {
        if let ServerFrame::Read(marker) = tab.next_frame().await
            && marker.id == ids[14]
        {
            break;
        }
    }
    let other = ada.connect(&server, "").await;
    assert_eq!(general(&other), (ids[14], 5));
    tab.mark_read("general", ids[17]).await;
    // The server has it once it tells the tabs.
    loop {
        if let ServerFrame::Read(marker) = tab.next_frame().await
            && marker.id == ids[17]
        {
            break;
        }
    }
    drop((tab, other, bob_tab));
    // A restart right after (a deploy) keeps the last one too.
    let server = server.restart().await;
    let after = ada.connect(&server, "").await;
    assert_eq!(general(&after), (ids[17], 2));
}

#[tokio::test]
async fn a_rooms_member_count_moves_live_as_people_join_and_leave() {
    let server = TestServer::start().await;
    let (ada, bob) = ada_and_bob(&server).await;
    assert_eq!(ada.create_room(&server, "general").await.status, 201);
    let mut watching = ada.connect(&server, "?presence=1").await;
    assert_eq!(bob.join(&server, "general").await.status, 200);
    assert_eq!(
        next_member_count(&mut watching).await,
        ("general".to_owned(), 2)
    );
    assert_eq!(bob.leave(&server, "general").await.status, 204);
    assert_eq!(
        next_member_count(&mut watching).await,
        ("general".to_owned(), 1)
    );
    // Signing up is joining the lobby.
    Person::sign_up(&server, "Carol").await;
    assert_eq!(
        next_member_count(&mut watching).await,
        (LOBBY.to_owned(), 3)
    );
}

/// The next member count `client` is told, skipping anything else.
async fn next_member_count(client: &mut Client) -> (String, u64) {
    loop {
        if let ServerFrame::Members(members) = client.next_frame().await {
            return (members.room, members.members);
        }
    }
}
