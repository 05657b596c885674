//! TLS to PostgreSQL and Redis, as an operator turns it on: a CA of the
//! test's own signs both servers' certificate, the servers take TLS
//! connections only, and natter verifies them against the CA it is told
//! to trust (`--database-ca`, `--redis-ca`). A certificate from another CA
//! is refused, never spoken to.

use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use testkit::{Postgres, Redis};

use crate::common::process::run_to_exit;
use crate::common::{Client, TestServer};

/// A fresh CA (its certificate, PEM) and a certificate it signed for
/// 127.0.0.1 and localhost (chain and key, PEM).
struct Authority {
    ca: String,
    certificate: String,
    key: String,
}

fn authority() -> Authority {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();
    Authority {
        ca: ca.pem(),
        certificate: server.pem(),
        key: server_key.serialize_pem(),
    }
}

#[tokio::test]
async fn two_processes_chat_over_tls_to_postgres_and_redis_verified_against_the_named_ca() {
    let authority = authority();
    let postgres = Postgres::start_with_tls(&authority.certificate, &authority.key);
    let redis = Redis::start_with_tls(&authority.certificate, &authority.key);
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &authority.ca).unwrap();
    let ca = ca.to_str().unwrap();
    let plain = postgres.database().await;
    let database = format!("{plain}?sslmode=verify-full");
    let redis_url = redis.url();
    assert!(redis_url.starts_with("rediss://"));

    // The database takes no plain connection: what follows is over TLS.
    let (status, stderr) = run_to_exit(&["user", "list", "--database-url", &plain]);
    assert!(!status.success(), "a plain connection was taken");
    assert!(stderr.contains("no encryption"), "{stderr}");

    let flags = [
        "--database-url",
        &database,
        "--database-ca",
        ca,
        "--redis-url",
        &redis_url,
        "--redis-ca",
        ca,
    ];
    let one = TestServer::start_with(&flags).await;
    let two = TestServer::start_with(&flags).await;
    for server in [&one, &two] {
        wait_for_redis(server).await;
    }
    let mut ada = Client::connect_as(&one, "ada").await;
    let mut bob = Client::connect_as(&two, "bob").await;
    let id = ada.publish_until_acked("over TLS, both ways", "a-1").await;
    let seen = bob.next_message().await;
    assert_eq!((seen.id, seen.value.as_str()), (id, "over TLS, both ways"));

    // The operator's commands take the same way in.
    let (status, stderr) = run_to_exit(&[
        "user",
        "list",
        "--database-url",
        &database,
        "--database-ca",
        ca,
    ]);
    assert!(status.success(), "{stderr}");
}

#[tokio::test]
async fn a_certificate_signed_by_another_ca_is_refused() {
    let authority = authority();
    let stranger = authority_ca_only();
    let postgres = Postgres::start_with_tls(&authority.certificate, &authority.key);
    let dir = tempfile::tempdir().unwrap();
    let wrong = dir.path().join("wrong.pem");
    std::fs::write(&wrong, stranger).unwrap();
    let database = format!("{}?sslmode=require", postgres.database().await);
    let (status, stderr) = run_to_exit(&[
        "user",
        "list",
        "--database-url",
        &database,
        "--database-ca",
        wrong.to_str().unwrap(),
    ]);
    assert!(!status.success(), "spoke to a server it could not verify");
    assert!(stderr.contains("certificate"), "{stderr}");

    // Nor does `sslmode=require` alone trust it: the system's roots do
    // not include the test's CA.
    let (status, stderr) = run_to_exit(&["user", "list", "--database-url", &database]);
    assert!(!status.success(), "spoke to a server it could not verify");
    assert!(stderr.contains("certificate"), "{stderr}");
}

/// Another CA's certificate (PEM), which signed nothing here.
fn authority_ca_only() -> String {
    authority().ca
}

/// Waits until `server`'s `/readyz` says Redis is live.
async fn wait_for_redis(server: &TestServer) {
    for _ in 0..200 {
        let body = reqwest::get(server.http_url("/readyz"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if body.contains(r#""redis":"ok""#) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never reached Redis over TLS");
}
