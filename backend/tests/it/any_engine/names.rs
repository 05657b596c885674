//! Display names that would impersonate someone (invisible characters,
//! bidirectional overrides) are not taken: the connection gets a guest name.

use crate::common::{Client, TestServer};

#[tokio::test]
async fn invisible_and_reordering_names_become_guest_names() {
    let server = TestServer::start().await;
    for (name, encoded) in [
        ("zero-width only", "%E2%80%8B%E2%80%8B%E2%80%8B"),
        ("right-to-left override", "ada%E2%80%AEnimda"),
        ("trailing zero-width space", "ada%E2%80%8B"),
        ("tag characters", "ada%F3%A0%81%81"),
        ("line separator", "ada%E2%80%A8bob"),
        ("marks only", "%CC%81%CC%81"),
    ] {
        let client = Client::connect_with_query(&server, &format!("?name={encoded}")).await;
        assert!(
            client.welcome.name.starts_with("guest-"),
            "{name}: got {:?}",
            client.welcome.name
        );
    }
    let ada = Client::connect_as(&server, "ada").await;
    assert_eq!(ada.welcome.name, "ada");
}

#[tokio::test]
async fn a_guest_whose_name_an_account_takes_goes_under_its_own() {
    use crate::common::api::sign_up;
    use natter_shared::CLOSE_NAME_TAKEN;

    let server = TestServer::start().await;
    let mut zoe_guest = Client::connect_with_query(&server, "?name=zoe").await;
    assert_eq!(zoe_guest.welcome.name, "zoe");
    let token = zoe_guest.welcome.token.clone().expect("a guest token");
    let mut bystander = Client::connect_with_query(&server, "?name=watcher").await;

    // Someone makes an account named Zoe: the guest showing "zoe" may not
    // post under it any longer.
    assert_eq!(sign_up(&server, "Zoe", "correct horse").await.status, 201);
    assert_eq!(zoe_guest.expect_close().await, CLOSE_NAME_TAKEN);
    // Coming back as the same guest, asking for the same name, it is shown
    // under its own guest name.
    let again = Client::connect_with_query(&server, &format!("?name=zoe&token={token}")).await;
    assert!(
        again.welcome.name.starts_with("guest-"),
        "{}",
        again.welcome.name
    );

    // An operator's `natter user add` takes a name too (from another
    // process, found by the sweep).
    let mut max_guest = Client::connect_with_query(&server, "?name=max").await;
    let db = server.db_path();
    let mut command = vec!["user", "add", "max"];
    match server.database_url() {
        Some(url) => command.extend(["--database-url", url]),
        None => command.extend(["--db", db.to_str().unwrap()]),
    }
    let (status, _, stderr) = crate::common::process::run_with_input(&command, "correct horse\n");
    assert!(status.success(), "{stderr}");
    assert_eq!(max_guest.expect_close().await, CLOSE_NAME_TAKEN);

    // The watcher, whose name nobody took, chats on.
    bystander.publish("still here", Some("w-1")).await;
    assert_eq!(bystander.next_ack().await.nonce, "w-1");
}
