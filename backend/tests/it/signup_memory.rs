//! A burst of sign-ups (each an Argon2id hash with 19 MiB of memory) leaves
//! the real binary about as large as before: the allocator gives the blocks
//! back. Before it was told to, 100 sign-ups at once left 670 MB behind.

use crate::common::process::NatterProcess;

#[tokio::test]
async fn a_burst_of_sign_ups_leaves_no_memory_behind() {
    const SIGNUPS: usize = 40;
    let dir = tempfile::tempdir().unwrap();
    let natter = NatterProcess::start(&dir.path().join("natter.db"), dir.path());
    let before = natter.rss_kib();
    let signups = (0..SIGNUPS).map(|n| {
        // Spread over source addresses, within each one's sign-up budget.
        let client = reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, 1 + (n % 8) as u8]))
            .build()
            .unwrap();
        let url = format!("http://{}/api/signup", natter.addr);
        async move {
            let body =
                serde_json::json!({ "name": format!("person-{n}"), "password": "correct horse" });
            client
                .post(url)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    // Past the hashing queue a sign-up is refused at once (429), never kept
    // waiting in memory.
    let statuses = futures_util::future::join_all(signups).await;
    for status in &statuses {
        assert!(*status == 201 || *status == 429, "{status}");
    }
    assert!(statuses.iter().any(|status| *status == 201));
    let grown_mib = natter.rss_kib().saturating_sub(before) / 1024;
    eprintln!("memory growth after {SIGNUPS} sign-ups: {grown_mib} MiB");
    // Two hashes run at once (one per core), 19 MiB each, given back after.
    assert!(
        grown_mib < 100,
        "{SIGNUPS} sign-ups left {grown_mib} MiB behind"
    );
}
