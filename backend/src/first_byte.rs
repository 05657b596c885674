//! Cutting off connections that never send a request.
//!
//! hyper's header-read timeout starts only once the first byte has arrived,
//! and its HTTP version detection waits for that byte with no timeout at all,
//! so a client that connects and sends nothing would hold a socket forever.
//! This acceptor waits for the first byte with a deadline, then hands on a
//! stream that replays it.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};

/// Wraps another acceptor (plain, or TLS) and demands a first byte in time.
#[derive(Debug, Clone)]
pub struct FirstByteWithin<A> {
    /// The acceptor that runs first (for TLS, the handshake).
    inner: A,
    /// How long the client has.
    deadline: Duration,
}

impl<A> FirstByteWithin<A> {
    /// Requires a first byte within `deadline` after `inner` accepted.
    pub fn new(inner: A, deadline: Duration) -> Self {
        FirstByteWithin { inner, deadline }
    }
}

impl<A, I, S> Accept<I, S> for FirstByteWithin<A>
where
    A: Accept<I, S>,
    A::Future: Send + 'static,
    A::Stream: AsyncRead + Unpin + Send + 'static,
    A::Service: Send + 'static,
{
    type Stream = Replay<A::Stream>;
    type Service = A::Service;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Self::Stream, Self::Service)>> + Send>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        let accepted = self.inner.accept(stream, service);
        let deadline = self.deadline;
        Box::pin(async move {
            let (mut stream, service) = accepted.await?;
            let mut first = [0u8; 1];
            let read = tokio::time::timeout(deadline, stream.read(&mut first))
                .await
                .map_err(|_| {
                    io::Error::new(
                        io::ErrorKind::TimedOut,
                        "no request within the handshake timeout",
                    )
                })??;
            if read == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "closed before sending a request",
                ));
            }
            Ok((
                Replay {
                    first: Some(first[0]),
                    inner: stream,
                },
                service,
            ))
        })
    }
}

/// A stream whose first read returns a byte already taken from it.
#[derive(Debug)]
pub struct Replay<S> {
    /// The byte to give back first.
    first: Option<u8>,
    /// The stream itself.
    inner: S,
}

impl<S: AsyncRead + Unpin> AsyncRead for Replay<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() > 0
            && let Some(byte) = this.first.take()
        {
            buf.put_slice(&[byte]);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Replay<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, data)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, data)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
