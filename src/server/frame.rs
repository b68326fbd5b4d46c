//! Length-prefixed JSON frames: a 4-byte big-endian length, then that many
//! bytes of JSON. A frame over [`MAX_FRAME`] is refused before it is read,
//! and once a frame has begun the rest must come within [`FRAME_TIMEOUT`],
//! so a stalled or hostile peer costs only its own connection.

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::protocol::MAX_FRAME;

/// How long the rest of a frame may take once its first byte arrived
/// (the server's default; tests shorten it). The whole frame is due by
/// then: a peer that trickles a byte at a time gains nothing.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("the connection closed")]
    Closed,
    #[error("a frame of {0} bytes is over the limit of {MAX_FRAME}")]
    TooLarge(usize),
    #[error("a frame did not arrive whole in time")]
    Stalled,
    #[error("the server is holding too many half-sent frames")]
    Busy,
    #[error("a frame is not valid: {0}")]
    Malformed(String),
    #[error("the connection failed: {0}")]
    Io(#[from] io::Error),
}

/// Writes one frame.
pub fn write_frame<T: Serialize>(w: &mut impl Write, value: &T) -> Result<(), FrameError> {
    let body = serde_json::to_vec(value).map_err(|e| FrameError::Malformed(e.to_string()))?;
    if body.len() > MAX_FRAME {
        return Err(FrameError::TooLarge(body.len()));
    }
    let len = u32::try_from(body.len()).map_err(|_| FrameError::TooLarge(body.len()))?;
    let mut out = Vec::with_capacity(4 + body.len());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&body);
    w.write_all(&out)?;
    w.flush()?;
    Ok(())
}

/// Reads one frame. `idle` bounds the wait for its first byte (`None`:
/// wait as long as it takes, as a client waiting for a push does), and
/// `patience` the wait for the rest once it has begun.
pub fn read_frame<T: DeserializeOwned>(
    stream: &mut UnixStream,
    idle: Option<Duration>,
    patience: Duration,
) -> Result<T, FrameError> {
    read_frame_within(stream, idle, patience, None, None)
}

/// Bytes of half-read frames that every connection of a server holds
/// between them; a frame that would take more is dropped with its
/// connection, so peers that send only part of a big frame cannot make
/// the server hold their claimed lengths.
#[derive(Debug)]
pub struct InFlight {
    held: AtomicUsize,
    limit: usize,
}

impl InFlight {
    pub fn new(limit: usize) -> InFlight {
        InFlight {
            held: AtomicUsize::new(0),
            limit,
        }
    }

    /// Takes `n` more bytes, or none if that would pass the limit.
    fn take(&self, n: usize) -> bool {
        self.held
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |held| {
                held.checked_add(n).filter(|t| *t <= self.limit)
            })
            .is_ok()
    }

    fn give(&self, n: usize) {
        self.held.fetch_sub(n, Ordering::SeqCst);
    }
}

/// What a frame being read holds of the budget; given back when it ends.
struct Held<'a> {
    budget: Option<&'a InFlight>,
    bytes: usize,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        if let Some(b) = self.budget {
            b.give(self.bytes);
        }
    }
}

/// How much of a frame's body is read at a time: memory grows with the
/// bytes that came, not with the length the peer claimed.
const CHUNK: usize = 64 * 1024;

/// [`read_frame`], with the whole frame due `patience` after its first
/// byte (the clock does not restart with each byte), and never later than
/// `by` (a handshake's deadline) if given; its body counted in `budget`.
pub fn read_frame_within<T: DeserializeOwned>(
    stream: &mut UnixStream,
    idle: Option<Duration>,
    patience: Duration,
    by: Option<Instant>,
    budget: Option<&InFlight>,
) -> Result<T, FrameError> {
    let mut first = [0u8; 1];
    let idle = match (idle, by) {
        (Some(i), Some(by)) => Some(i.min(left(by)?)),
        (None, Some(by)) => Some(left(by)?),
        (i, None) => i,
    };
    stream.set_read_timeout(idle)?;
    loop {
        match stream.read(&mut first) {
            Ok(0) => return Err(FrameError::Closed),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if timed_out(&e) => return Err(FrameError::Stalled),
            Err(e) => return Err(e.into()),
        }
    }
    let due = Instant::now() + patience;
    let due = by.map_or(due, |by| due.min(by));
    let mut rest = [0u8; 3];
    read_by(stream, &mut rest, due)?;
    let len = u32::from_be_bytes([first[0], rest[0], rest[1], rest[2]]) as usize;
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge(len));
    }
    let mut held = Held { budget, bytes: 0 };
    let mut body = Vec::with_capacity(len.min(CHUNK));
    while body.len() < len {
        let n = (len - body.len()).min(CHUNK);
        if let Some(b) = budget {
            if !b.take(n) {
                return Err(FrameError::Busy);
            }
            held.bytes += n;
        }
        let at = body.len();
        body.resize(at + n, 0);
        read_by(stream, &mut body[at..], due)?;
    }
    serde_json::from_slice(&body).map_err(|e| FrameError::Malformed(e.to_string()))
}

/// Time left until `by`; none left is a stall.
fn left(by: Instant) -> Result<Duration, FrameError> {
    let left = by.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(FrameError::Stalled);
    }
    Ok(left)
}

/// Fills `buf` by `due`, however the bytes come.
fn read_by(stream: &mut UnixStream, buf: &mut [u8], due: Instant) -> Result<(), FrameError> {
    let mut got = 0;
    while got < buf.len() {
        stream.set_read_timeout(Some(left(due)?))?;
        match stream.read(&mut buf[got..]) {
            Ok(0) => return Err(FrameError::Closed),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if timed_out(&e) => return Err(FrameError::Stalled),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

fn timed_out(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_round_trips_and_an_oversized_one_is_refused_unread() {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        write_frame(&mut a, &vec!["熊本", "ok"]).unwrap();
        let got: Vec<String> = read_frame(&mut b, None, FRAME_TIMEOUT).unwrap();
        assert_eq!(got, ["熊本", "ok"]);

        let huge = u32::try_from(MAX_FRAME + 1).unwrap();
        a.write_all(&huge.to_be_bytes()).unwrap();
        let err = read_frame::<serde_json::Value>(&mut b, None, FRAME_TIMEOUT).unwrap_err();
        assert!(
            matches!(err, FrameError::TooLarge(n) if n == MAX_FRAME + 1),
            "{err}"
        );
    }

    #[test]
    fn garbage_and_a_closed_peer_are_told_apart() {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        a.write_all(&3u32.to_be_bytes()).unwrap();
        a.write_all(b"{{{").unwrap();
        let err = read_frame::<serde_json::Value>(&mut b, None, FRAME_TIMEOUT).unwrap_err();
        assert!(matches!(err, FrameError::Malformed(_)), "{err}");
        drop(a);
        let err = read_frame::<serde_json::Value>(&mut b, None, FRAME_TIMEOUT).unwrap_err();
        assert!(matches!(err, FrameError::Closed), "{err}");
    }
}
