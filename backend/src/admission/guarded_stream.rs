//! The stream every accepted connection is served through, before and after
//! a WebSocket upgrade: it gives back the bytes [`crate::admission`] read to
//! recognise the request, holds the connection's place under the limits for
//! exactly as long as the connection lives, and fails a write that makes no
//! progress for the write timeout.
//!
//! The write deadline is what bounds a client that stops reading: an HTTP
//! client that never reads its (perhaps pipelined) responses, and a WebSocket
//! client whose socket buffers are full. hyper and tungstenite have no write
//! timeout of their own. The timer is allocated only while a write is
//! stalled, so an idle connection pays a few bytes for it.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

use crate::admission::limits::Permit;

/// Up to 24 bytes read from the start of a connection (the length of an
/// HTTP/2 preface, the longest thing that has to be read to tell).
#[derive(Debug, Default)]
pub(crate) struct RequestStart {
    buffer: [u8; 24],
    /// How many bytes of `buffer` hold data.
    len: usize,
    /// How many of those have been given back.
    replayed: usize,
}

impl RequestStart {
    /// Where the next read goes.
    pub(crate) fn unfilled(&mut self) -> &mut [u8] {
        &mut self.buffer[self.len..]
    }

    /// Records that a read put `read` bytes into [`RequestStart::unfilled`].
    pub(crate) fn filled(&mut self, read: usize) {
        self.len += read;
    }

    /// What has been read.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.buffer[..self.len]
    }
}

/// A connection's stream with its start replayed, its place held, and a
/// deadline on writes.
#[derive(Debug)]
pub(crate) struct GuardedStream<S> {
    /// The bytes read before HTTP took over, given back first.
    start: RequestStart,
    /// The stream itself (TCP, or TLS over TCP).
    inner: S,
    /// How long a write may make no progress.
    write_timeout: Duration,
    /// Running while a write is stalled; `None` while writes progress.
    stalled: Option<Pin<Box<Sleep>>>,
    /// The place under the connection limits; freed when the stream drops.
    /// `None` for a connection that got no place and is only told so.
    _permit: Option<Permit>,
}

impl<S> GuardedStream<S> {
    /// Wraps `inner`, whose first bytes are in `start`.
    pub(crate) fn new(
        inner: S,
        start: RequestStart,
        write_timeout: Duration,
        permit: Option<Permit>,
    ) -> Self {
        GuardedStream {
            start,
            inner,
            write_timeout,
            stalled: None,
            _permit: permit,
        }
    }

    /// Maps one poll of the inner stream's write side. Only bytes written
    /// are progress and clear the deadline: a flush of a TCP stream is always
    /// ready, so a writer that alternates a stuck write with flushes must not
    /// count as moving. A pending poll starts the deadline, or fails once it
    /// has passed.
    fn deadline<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
        progressed: impl Fn(&T) -> bool,
    ) -> Poll<io::Result<T>> {
        if let Poll::Ready(result) = &poll {
            if result.as_ref().map_or(true, &progressed) {
                self.stalled = None;
            }
            return poll;
        }
        let write_timeout = self.write_timeout;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(write_timeout)));
        ready!(stalled.as_mut().poll(cx));
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client accepted no data within the write timeout",
        )))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for GuardedStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let start = &mut this.start;
        if start.replayed < start.len {
            let unread = &start.buffer[start.replayed..start.len];
            let take = unread.len().min(buf.remaining());
            buf.put_slice(&unread[..take]);
            start.replayed += take;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for GuardedStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, data);
        this.deadline(cx, poll, |written| *written > 0)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, data);
        this.deadline(cx, poll, |written| *written > 0)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_flush(cx);
        this.deadline(cx, poll, |()| false)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.deadline(cx, poll, |()| false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn the_start_is_read_again_first() {
        let mut start = RequestStart::default();
        start.unfilled()[..3].copy_from_slice(b"GET");
        start.filled(3);
        let rest: &[u8] = b" / HTTP/1.1";
        let mut stream = GuardedStream::new(rest, start, Duration::from_secs(1), None);
        let mut all = Vec::new();
        stream.read_to_end(&mut all).await.unwrap();
        assert_eq!(all, b"GET / HTTP/1.1");
    }

    #[tokio::test(start_paused = true)]
    async fn flushing_between_stuck_writes_does_not_reset_the_deadline() {
        let (ours, _theirs) = tokio::io::duplex(16);
        let mut stream =
            GuardedStream::new(ours, RequestStart::default(), Duration::from_secs(30), None);
        stream.write_all(&[0; 16]).await.unwrap();
        let started = tokio::time::Instant::now();
        let error = loop {
            let write = tokio::time::timeout(Duration::from_secs(1), stream.write(&[0]));
            match write.await {
                Ok(result) => break result.unwrap_err(),
                Err(_) => stream.flush().await.unwrap(),
            }
        };
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() <= Duration::from_secs(31));
    }

    #[tokio::test(start_paused = true)]
    async fn a_write_nobody_reads_fails_after_the_timeout() {
        // A pipe with room for 16 bytes whose other end never reads.
        let (ours, _theirs) = tokio::io::duplex(16);
        let mut stream =
            GuardedStream::new(ours, RequestStart::default(), Duration::from_secs(30), None);
        stream.write_all(&[0; 16]).await.unwrap();
        let started = tokio::time::Instant::now();
        let error = stream.write_all(&[0; 1]).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(30));
    }
}
