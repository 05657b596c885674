//! Plain HTTP: the web client, the health check, and 404 for the rest.

use crate::common::raw::raw_status;
use crate::common::{INDEX_HTML, TestServer};

#[tokio::test]
async fn root_serves_the_web_client() {
    let server = TestServer::start().await;
    let response = reqwest::get(server.http_url("/")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{:?}",
        response.headers()
    );
    assert_eq!(response.text().await.unwrap(), INDEX_HTML);
}

#[tokio::test]
async fn healthz_answers_ok() {
    let server = TestServer::start().await;
    let response = reqwest::get(server.http_url("/healthz")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn readyz_answers_ready_when_the_database_does() {
    let server = TestServer::start().await;
    let response = reqwest::get(server.http_url("/readyz")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), r#"{"database":"ok"}"#);
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let server = TestServer::start().await;
    for path in ["/nope", "/ws/extra", "/dist/index.html", "/../Cargo.toml"] {
        let response = reqwest::get(server.http_url(path)).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn ws_without_an_upgrade_is_refused() {
    let server = TestServer::start().await;
    let response = reqwest::get(server.http_url("/ws")).await.unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_csp_that_allows_only_this_app() {
    let server = TestServer::start().await;
    let response = reqwest::get(server.http_url("/")).await.unwrap();
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-frame-options"], "DENY");
}

#[tokio::test]
async fn paths_too_long_to_serve_get_414_or_404_not_500() {
    let server = TestServer::start().await;
    let long_path = format!("/{}", "a".repeat(8_000));
    let response = reqwest::get(server.http_url(&long_path)).await.unwrap();
    assert_eq!(response.status(), 414);
    let long_segment = format!("/{}/x", "b".repeat(300));
    let response = reqwest::get(server.http_url(&long_segment)).await.unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn requests_need_exactly_one_host_header() {
    let server = TestServer::start().await;
    let host = server.http_url("").trim_start_matches("http://").to_owned();
    let upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    let missing = format!("GET /ws HTTP/1.1\r\n{upgrade}\r\n");
    assert_eq!(raw_status(&server, &missing).await, 400);
    let twice = format!("GET /ws HTTP/1.1\r\nHost: {host}\r\nHost: {host}\r\n{upgrade}\r\n");
    assert_eq!(raw_status(&server, &twice).await, 400);
    let once = format!("GET /ws HTTP/1.1\r\nHost: {host}\r\n{upgrade}\r\n");
    assert_eq!(raw_status(&server, &once).await, 101);
}

#[tokio::test]
async fn a_websocket_key_that_is_not_sixteen_bytes_gets_400() {
    let server = TestServer::start().await;
    let host = server.http_url("").trim_start_matches("http://").to_owned();
    for key in ["", "junk", "dGhlIHNhbXBsZQ=="] {
        let request = format!(
            "GET /ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n\r\n"
        );
        assert_eq!(raw_status(&server, &request).await, 400, "{key:?}");
    }
}

#[tokio::test]
async fn plain_get_and_head_of_the_websocket_address_get_426() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    for method in [reqwest::Method::GET, reqwest::Method::HEAD] {
        let response = client
            .request(method.clone(), server.http_url("/ws"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 426, "{method}");
        assert_eq!(response.headers()["upgrade"], "websocket", "{method}");
    }
}

#[test]
fn natter_refuses_to_serve_the_folder_its_database_is_in() {
    let dir = tempfile::tempdir().unwrap();
    let static_dir = dir.path().join("d");
    std::fs::create_dir_all(static_dir.join("sub")).unwrap();
    for db in [static_dir.join("chat.db"), static_dir.join("sub/chat.db")] {
        let (status, stderr) = crate::common::process::run_to_exit(&[
            "--bind",
            "127.0.0.1:0",
            "--static-dir",
            static_dir.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ]);
        assert!(!status.success(), "started with {}", db.display());
        assert!(stderr.contains("is inside the static folder"), "{stderr}");
        assert!(!db.exists(), "nothing was created");
    }
}

#[tokio::test]
async fn no_dot_file_or_file_named_like_the_database_is_ever_served() {
    let server = TestServer::start().await;
    let mut bystander = crate::common::Client::connect_as(&server, "bystander").await;
    let web = server.db_path().parent().unwrap().join("web");
    // What careless copying leaves in a static folder.
    for name in [
        "natter.db",
        "natter.db-wal",
        "natter.db-shm",
        "NATTER.DB.bak",
        ".env",
    ] {
        std::fs::write(web.join(name), "private").unwrap();
    }
    std::fs::create_dir_all(web.join(".git")).unwrap();
    std::fs::write(web.join(".git/config"), "private").unwrap();
    for path in [
        "/natter.db",
        "/natter.db-wal",
        "/natter.db-shm",
        "/NATTER.DB.bak",
        "/natter%2Edb",
        "/%6Eatter.db-wal",
        "/.env",
        "/%2Eenv",
        "/.git/config",
    ] {
        let response = reqwest::get(server.http_url(path)).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert_ne!(response.text().await.unwrap(), "private", "{path}");
    }
    let index = reqwest::get(server.http_url("/index.html")).await.unwrap();
    assert_eq!(index.status(), 200, "the web client is still served");
    // Nothing of it reached the chat: a bystander's message goes through.
    bystander.publish("still chatting", Some("b-1")).await;
    assert_eq!(bystander.next_ack().await.nonce, "b-1");
}

/// A build's files as trunk leaves them: named after a hash of their
/// content, each with a brotli and a gzip copy beside it.
fn built_files(db: &std::path::Path) {
    let web = db.parent().unwrap().join("web");
    std::fs::create_dir_all(&web).unwrap();
    let wasm = web.join("frontend-0123456789abcdef_bg.wasm");
    std::fs::write(&wasm, b"the wasm, unpacked").unwrap();
    std::fs::write(wasm.with_extension("wasm.br"), b"the wasm, brotli").unwrap();
    std::fs::write(wasm.with_extension("wasm.gz"), b"the wasm, gzip").unwrap();
}

#[tokio::test]
async fn the_web_client_is_served_compressed_and_kept_by_its_hashed_name() {
    let server = TestServer::start_after(built_files, &[]).await;
    let client = reqwest::Client::new();
    let get = |accept: &'static str| {
        client
            .get(server.http_url("/frontend-0123456789abcdef_bg.wasm"))
            .header("accept-encoding", accept)
            .send()
    };
    for (accept, encoding, body) in [
        ("br, gzip", Some("br"), "the wasm, brotli"),
        ("gzip", Some("gzip"), "the wasm, gzip"),
        ("identity", None, "the wasm, unpacked"),
    ] {
        let response = get(accept).await.unwrap();
        assert_eq!(response.status(), 200, "{accept}");
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .map(|value| value.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert!(
            response.headers()["vary"]
                .to_str()
                .unwrap()
                .contains("accept-encoding"),
            "a cache keeps each encoding apart"
        );
        assert_eq!(response.text().await.unwrap(), body, "{accept}");
    }
    // The page that names them is asked for again every time.
    let page = client.get(server.http_url("/")).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn the_server_tells_pages_how_it_is_run() {
    let open = TestServer::start().await;
    let info = server_info(&open).await;
    assert_eq!(
        info,
        serde_json::json!({ "guests": true, "signup": true, "max_message_chars": 2000 })
    );
    let closed = TestServer::start_with(&[
        "--guests",
        "deny",
        "--signup",
        "closed",
        "--max-message-chars",
        "500",
    ])
    .await;
    let info = server_info(&closed).await;
    assert_eq!(
        info,
        serde_json::json!({ "guests": false, "signup": false, "max_message_chars": 500 })
    );
}

async fn server_info(server: &TestServer) -> serde_json::Value {
    let text = reqwest::get(server.http_url("/api/server"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap()
}
