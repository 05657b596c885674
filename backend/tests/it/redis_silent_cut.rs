//! The link between a process and Redis dies without closing (a route
//! that drops packets, a NAT that forgets an idle connection): the
//! process notices by silence alone, messages keep crossing through the
//! database meanwhile, and once the link is back the process is in the
//! chat's presence again, both ways, on new connections.

use crate::common::cluster::{Watcher, next_in, wait_for_redis_state};
use crate::common::rooms::Person;
use crate::common::silent_link::SilentLink;
use crate::common::{Client, TestServer};
use natter_shared::LOBBY;
use testkit::{Postgres, Redis};

#[tokio::test]
async fn a_silently_cut_redis_link_is_noticed_and_replaced() {
    let postgres = Postgres::start();
    let redis = Redis::start();
    let database = postgres.database().await;
    let link = SilentLink::start(redis.addr()).await;
    let through_link = format!("redis://{}/", link.addr());
    let direct = redis.url();
    let flags = |redis_url| {
        [
            "--database-url",
            database.as_str(),
            "--redis-url",
            redis_url,
            // Short, so a cut-off process's people expire soon.
            "--presence-ttl",
            "2s",
            "--presence-grace",
            "0s",
        ]
    };
    let one = TestServer::start_with(&flags(through_link.as_str())).await;
    let two = TestServer::start_with(&flags(direct.as_str())).await;
    wait_for_redis_state(&one, "ok").await;
    wait_for_redis_state(&two, "ok").await;
    let ada = Person::sign_up(&one, "Ada").await;
    let bob = Person::sign_up(&two, "Bob").await;
    let mut ada_one = Watcher::new(ada.connect(&one, "?presence=1").await);
    let mut bob_two = Watcher::new(bob.connect(&two, "?presence=1").await);
    ada_one.wait_for(LOBBY, &["Ada", "Bob"]).await;
    bob_two.wait_for(LOBBY, &["Ada", "Bob"]).await;

    let mut reader_two = Client::connect(&two).await;

    link.cut();
    // Nothing closed, yet process one sees Redis gone.
    wait_for_redis_state(&one, "unavailable").await;
    // Cut off, it cannot keep Ada's presence alive: her member expires,
    // and process two says she left.
    bob_two.wait_for(LOBBY, &["Bob"]).await;
    // Messages cross both ways through the database.
    bob_two.client.publish("while one is cut off", None).await;
    assert_eq!(
        next_in(&mut ada_one.client, LOBBY).await.value,
        "while one is cut off"
    );
    ada_one.client.publish("from the cut-off one", None).await;
    for sent in ["while one is cut off", "from the cut-off one"] {
        assert_eq!(next_in(&mut reader_two, LOBBY).await.value, sent);
    }

    // The route is back; the connections open at the cut stay dead.
    link.mend();
    wait_for_redis_state(&one, "ok").await;
    // Process one's commands go through a new connection: Ada is back.
    bob_two.wait_for(LOBBY, &["Ada", "Bob"]).await;
    // Its subscription is a new one: a newcomer on two shows on one.
    let carol = Person::sign_up(&two, "Carol").await;
    let _carol_two = carol.connect(&two, "?presence=1").await;
    ada_one.wait_for(LOBBY, &["Ada", "Bob", "Carol"]).await;
}
