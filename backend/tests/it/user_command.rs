//! `natter user add|passwd|list|remove`: the operator's way in, on the same
//! database file the server uses, with passwords from standard input.

use crate::common::TestServer;
use crate::common::api::log_in;
use crate::common::process::run_with_input;

fn natter_user(db: &std::path::Path, args: &[&str], input: &str) -> (bool, String, String) {
    let db = db.to_str().unwrap();
    let mut all = vec!["user"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--db", db]);
    let (status, stdout, stderr) = run_with_input(&all, input);
    (status.success(), stdout, stderr)
}

#[tokio::test]
async fn an_operator_creates_lists_changes_and_removes_accounts() {
    let mut db = std::path::PathBuf::new();
    let server = TestServer::start_after(
        |path| {
            db = path.to_owned();
            let (ok, stdout, stderr) = natter_user(path, &["add", "Ada"], "correct horse\n");
            assert!(ok, "{stderr}");
            assert!(stdout.contains("created the account Ada"), "{stdout}");
        },
        &["--signup", "closed"],
    )
    .await;
    // With sign-up closed, this is how people get in.
    let first = log_in(&server, "ada", "correct horse").await;
    assert_eq!(first.status, 200, "{:?}", first.body);

    // While the server runs, on the same file.
    let (ok, _, stderr) = natter_user(&db, &["add", "ADA"], "another horse\n");
    assert!(!ok && stderr.contains("name_taken"), "{stderr}");
    let (ok, _, stderr) = natter_user(&db, &["add", "bob"], "short\n");
    assert!(!ok && stderr.contains("weak_password"), "{stderr}");
    let (ok, _, stderr) = natter_user(&db, &["add", "bob"], "");
    assert!(!ok && stderr.contains("no password"), "{stderr}");
    let (ok, stdout, _) = natter_user(&db, &["list"], "");
    assert!(ok);
    assert!(
        stdout.contains("1 accounts")
            && stdout.contains("Ada")
            && stdout.contains("1 active sessions"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("correct horse") && !stdout.contains("argon2"),
        "{stdout}"
    );

    let (ok, _, stderr) = natter_user(&db, &["passwd", "ada"], "battery staple\n");
    assert!(ok, "{stderr}");
    assert_eq!(
        crate::common::api::me(&server, &first.token()).await.code(),
        "not_signed_in"
    );
    assert_eq!(log_in(&server, "ada", "battery staple").await.status, 200);

    let (ok, _, _) = natter_user(&db, &["remove", "ada"], "");
    assert!(ok);
    assert_eq!(
        log_in(&server, "ada", "battery staple").await.code(),
        "invalid_credentials"
    );
    let (ok, _, stderr) = natter_user(&db, &["remove", "ada"], "");
    assert!(!ok && stderr.contains("no account"), "{stderr}");

    // The name stays reserved: ada's messages still carry it, so nobody
    // else may be added as ada (sign-up takes the same way in), or show it
    // as a guest.
    let (ok, _, stderr) = natter_user(&db, &["add", "ada"], "another horse\n");
    assert!(!ok && stderr.contains("name_taken"), "{stderr}");
    let guest = crate::common::Client::connect_with_query(&server, "?name=ada").await;
    assert!(
        guest.welcome.name.starts_with("guest-"),
        "{}",
        guest.welcome.name
    );
    let (_, stdout, _) = natter_user(&db, &["list"], "");
    assert!(
        !stdout.contains("ada"),
        "a removed account is not listed: {stdout}"
    );
}
