//! What every accepted TCP connection goes through before HTTP sees it.
//!
//! - It takes a place under the connection limits at once, so connections
//!   that never become a request count like any other; over the limits it is
//!   still served, but only a 503 (see [`Admitted`]).
//! - It must start a request within the handshake deadline. hyper's own
//!   header-read timeout starts only once a byte has arrived, and its HTTP
//!   version detection waits for the rest of an HTTP/2 preface with no
//!   deadline at all; so the first bytes are read here, with the deadline,
//!   and a connection that sends the HTTP/2 preface is refused: natter speaks
//!   HTTP/1.1 only, which is all browsers need for WebSockets.
//! - Its writes get a deadline ([`GuardedStream`]), for its whole life.
//!
//! Knows nothing of HTTP routes, accounts or chat: it only counts, times
//! and refuses connections ([`limits`], [`guarded_stream`]).

pub(crate) mod guarded_stream;
pub(crate) mod limits;

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::middleware::AddExtension;
use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};
use tokio::net::TcpStream;
use tower::Layer;

use crate::admission::guarded_stream::{GuardedStream, RequestStart};
use crate::admission::limits::{ConnectionLimits, OverLimit};

/// The HTTP/2 connection preface (RFC 9113, section 3.4).
const H2_PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Whether the connection a request came on got a place under the limits;
/// every request carries it as an extension.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Admitted {
    /// Why there was no place, if there was none.
    pub(crate) refused: Option<OverLimit>,
}

/// Deadlines for accepted connections.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadlines {
    /// To finish the TLS handshake, and to start a request.
    pub(crate) handshake: Duration,
    /// For a write that makes no progress (a client that reads nothing).
    pub(crate) write: Duration,
}

/// Wraps another acceptor (plain, or TLS) with the limits and deadlines.
#[derive(Debug, Clone)]
pub(crate) struct Admission<A> {
    /// The acceptor that runs first (for TLS, the handshake).
    inner: A,
    /// Shared with the application, which reports the live count.
    limits: Arc<ConnectionLimits>,
    /// How long each step may take.
    deadlines: Deadlines,
}

impl<A> Admission<A> {
    /// Admits connections through `inner` under `limits` and `deadlines`.
    pub(crate) fn new(inner: A, limits: Arc<ConnectionLimits>, deadlines: Deadlines) -> Self {
        Admission {
            inner,
            limits,
            deadlines,
        }
    }
}

impl<A, S> Accept<TcpStream, S> for Admission<A>
where
    A: Accept<TcpStream, S>,
    A::Future: Send + 'static,
    A::Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    A::Service: Send + 'static,
{
    type Stream = GuardedStream<A::Stream>;
    type Service = AddExtension<A::Service, Admitted>;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Self::Stream, Self::Service)>> + Send>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let place = stream.peer_addr().map(|peer| self.limits.admit(peer.ip()));
        let accepted = self.inner.accept(stream, service);
        let deadlines = self.deadlines;
        Box::pin(async move {
            let (permit, refused) = match place? {
                Ok(permit) => (Some(permit), None),
                Err(refusal) => (None, Some(refusal)),
            };
            let (mut stream, service) = accepted.await?;
            let start = tokio::time::timeout(deadlines.handshake, read_request_start(&mut stream))
                .await
                .map_err(|_| {
                    io::Error::new(
                        io::ErrorKind::TimedOut,
                        "no request within the handshake timeout",
                    )
                })??;
            let stream = GuardedStream::new(stream, start, deadlines.write, permit);
            Ok((stream, Extension(Admitted { refused }).layer(service)))
        })
    }
}

/// Reads the first bytes of a connection, until they cannot be the start of
/// an HTTP/2 preface (one read, for any HTTP/1 request).
async fn read_request_start<S: AsyncRead + Unpin>(stream: &mut S) -> io::Result<RequestStart> {
    let mut start = RequestStart::default();
    loop {
        let read = stream.read(start.unfilled()).await?;
        if read == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed before sending a request",
            ));
        }
        start.filled(read);
        let bytes = start.bytes();
        if bytes != &H2_PREFACE[..bytes.len()] {
            return Ok(start);
        }
        if bytes.len() == H2_PREFACE.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "an HTTP/2 preface; natter speaks HTTP/1.1 only",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn start_of(bytes: &[u8]) -> io::Result<Vec<u8>> {
        let mut reader = bytes;
        read_request_start(&mut reader)
            .await
            .map(|start| start.bytes().to_vec())
    }

    #[tokio::test]
    async fn an_http1_request_is_recognised_from_its_first_read() {
        let request = b"GET /ws HTTP/1.1\r\nHost: localhost\r\n\r\n";
        assert_eq!(start_of(request).await.unwrap(), &request[..24]);
        assert_eq!(
            start_of(b"PUT / HTTP/1.1").await.unwrap(),
            b"PUT / HTTP/1.1"
        );
    }

    #[tokio::test]
    async fn an_http2_preface_is_refused_and_a_partial_one_waits() {
        assert!(start_of(H2_PREFACE).await.is_err());
        // A partial preface then the end of the stream: never a request.
        assert_eq!(
            start_of(b"PRI * HTTP").await.unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
    }
}
