//! Length-prefixed JSON frames: a 4-byte big-endian length, then that many
//! bytes of JSON. A frame over [`MAX_FRAME`] is refused before it is read,
//! and once a frame has begun the rest must come within [`FRAME_TIMEOUT`],
//! so a stalled or hostile peer costs only its own connection.

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::protocol::MAX_FRAME;

/// How long the rest of a frame may take once its first byte arrived
/// (the server's default; tests shorten it).
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("the connection closed")]
    Closed,
    #[error("a frame of {0} bytes is over the limit of {MAX_FRAME}")]
    TooLarge(usize),
    #[error("a frame did not arrive whole in time")]
    Stalled,
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
    let mut first = [0u8; 1];
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
    stream.set_read_timeout(Some(patience))?;
    let mut rest = [0u8; 3];
    read_rest(stream, &mut rest)?;
    let len = u32::from_be_bytes([first[0], rest[0], rest[1], rest[2]]) as usize;
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge(len));
    }
    let mut body = vec![0u8; len];
    read_rest(stream, &mut body)?;
    serde_json::from_slice(&body).map_err(|e| FrameError::Malformed(e.to_string()))
}

fn read_rest(stream: &mut UnixStream, buf: &mut [u8]) -> Result<(), FrameError> {
    stream.read_exact(buf).map_err(|e| match e {
        e if timed_out(&e) => FrameError::Stalled,
        e if e.kind() == io::ErrorKind::UnexpectedEof => FrameError::Closed,
        e => FrameError::Io(e),
    })
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
