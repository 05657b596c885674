//! Two natter processes on one PostgreSQL and one Redis, and two windows:
//! one reaches the first process through a failover proxy (as behind a load
//! balancer), the other the second process directly. They chat across the
//! processes; then the first process is killed (`kill -9`), and the window
//! on it recovers by itself: it reconnects through the same address, now
//! served by the second process, and the conversation goes on with nothing
//! lost.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use e2e::{Browser, ChromeDriver, FailoverProxy, built_web_client, eventually};
use testkit::{Postgres, Redis};

/// The real binary on `port`, with these engines.
fn natter_process(port: u16, database: &str, redis: &str) -> Child {
    let dir = tempfile::tempdir().expect("temp dir");
    let child = Command::new(testkit::natter_binary())
        .args(["--bind", &format!("127.0.0.1:{port}"), "--static-dir"])
        .arg(built_web_client())
        .arg("--db")
        .arg(dir.path().join("unused.db"))
        .args(["--database-url", database, "--redis-url", redis])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("natter starts");
    let deadline = std::time::Instant::now() + e2e::PATIENCE;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(std::time::Instant::now() < deadline, "natter listens");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_on_a_killed_process_recovers_through_the_same_address() {
    let postgres = Postgres::start();
    let redis = Redis::start();
    let database = postgres.database().await;
    let (first_port, second_port) = (testkit::free_port(), testkit::free_port());
    let mut first = natter_process(first_port, &database, &redis.url());
    let mut second = natter_process(second_port, &database, &redis.url());
    let first_addr: SocketAddr = ([127, 0, 0, 1], first_port).into();
    let second_addr: SocketAddr = ([127, 0, 0, 1], second_port).into();
    let proxy = FailoverProxy::start(vec![first_addr, second_addr]).await;

    let driver = ChromeDriver::start();
    let alice = Browser::open(&driver.url(), &proxy.page()).await;
    let bob = Browser::open(&driver.url(), &format!("http://{second_addr}/")).await;
    for (window, name) in [(&alice, "alice"), (&bob, "bob")] {
        window.wait_for_status("open").await;
        window.use_name(name).await;
    }

    // Across the two processes, both ways.
    alice.say("hello from the first process").await;
    bob.wait_for_top_message("hello from the first process")
        .await;
    bob.say("hi from the second").await;
    alice.wait_for_top_message("hi from the second").await;

    // The first process dies. Alice's window notices, reconnects through
    // the proxy (to the second process now) and resumes; what she writes
    // meanwhile waits in her outbox and goes out once.
    first.kill().expect("kill -9");
    first.wait().expect("reaped");
    alice.say("written around the failure").await;
    alice.wait_for_status("open").await;
    bob.wait_for_top_message("written around the failure").await;
    bob.say("still here").await;
    alice.wait_for_top_message("still here").await;

    let expected = [
        "still here",
        "written around the failure",
        "hi from the second",
        "hello from the first process",
    ];
    for window in [&alice, &bob] {
        eventually("both windows show the whole conversation once", || async {
            let texts: Vec<String> = window
                .messages()
                .await
                .into_iter()
                .map(|m| m.text)
                .collect();
            texts == expected
        })
        .await;
    }
    alice.close().await;
    bob.close().await;
    let _ = second.kill();
    let _ = second.wait();
}
