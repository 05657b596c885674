//! Display names that would impersonate someone (invisible characters,
//! bidirectional overrides) are not taken: the connection gets a guest name.

mod common;

use common::{Client, TestServer};

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
