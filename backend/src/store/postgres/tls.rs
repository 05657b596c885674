//! TLS to PostgreSQL, through rustls: on when the URL asks for it
//! (`sslmode=require`, or libpq's `verify-ca` and `verify-full`, which
//! natter reads as `require` because it always verifies) or when the
//! operator names a CA (`--database-ca`). The server's certificate is
//! verified, host name included, against that CA, else the system's
//! roots; a connection that cannot be verified fails, it never falls back
//! to plain TCP.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use rustls::RootCertStore;
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::store::{Cause, cause};

/// `url` with libpq's verifying modes, which tokio-postgres does not
/// parse, read as `require`: natter verifies the certificate and the host
/// name whatever the mode says.
pub(crate) fn with_libpq_modes(url: &str) -> Cow<'_, str> {
    if url.contains("sslmode=verify-full") || url.contains("sslmode=verify-ca") {
        Cow::Owned(
            url.replace("sslmode=verify-full", "sslmode=require")
                .replace("sslmode=verify-ca", "sslmode=require"),
        )
    } else {
        Cow::Borrowed(url)
    }
}

/// The TLS connector `config` calls for, or `None` for plain TCP. Naming
/// a CA asks for TLS even when the URL does not (`config` is set to
/// require it), so a server without TLS is refused rather than spoken to
/// in plain text.
pub(crate) fn connector(
    config: &mut tokio_postgres::Config,
    ca: Option<&Path>,
) -> Result<Option<MakeRustlsConnect>, Cause> {
    if ca.is_some() {
        config.ssl_mode(SslMode::Require);
    }
    if config.get_ssl_mode() != SslMode::Require {
        return Ok(None);
    }
    let roots = match ca {
        Some(ca) => roots_from(ca)?,
        None => system_roots(),
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(cause)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Some(MakeRustlsConnect::new(tls)))
}

/// The certificates in the PEM file `ca`: at least one.
pub(crate) fn roots_from(ca: &Path) -> Result<RootCertStore, Cause> {
    let unreadable = |error: std::io::Error| cause(format!("{}: {error}", ca.display()));
    let pem = std::fs::read(ca).map_err(unreadable)?;
    let mut roots = RootCertStore::empty();
    for certificate in rustls_pemfile::certs(&mut pem.as_slice()) {
        roots
            .add(certificate.map_err(unreadable)?)
            .map_err(|error| cause(format!("{}: {error}", ca.display())))?;
    }
    if roots.is_empty() {
        return Err(cause(format!("{}: no certificate in it", ca.display())));
    }
    Ok(roots)
}

/// The system's trusted roots (those it cannot read are left out).
fn system_roots() -> RootCertStore {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_verifying_modes_are_read_as_require_and_nothing_else_changes() {
        assert_eq!(
            with_libpq_modes("postgres://db/natter?sslmode=verify-full"),
            "postgres://db/natter?sslmode=require"
        );
        assert_eq!(
            with_libpq_modes("host=db sslmode=verify-ca user=natter"),
            "host=db sslmode=require user=natter"
        );
        assert_eq!(
            with_libpq_modes("postgres://db/natter?sslmode=disable"),
            "postgres://db/natter?sslmode=disable"
        );
    }
}
