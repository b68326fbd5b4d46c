//! Bounded connections, spoken in raw frames: a frame (and a Hello) is due
//! whole by a deadline however slowly its bytes trickle in, connections
//! are capped per user and in all with a reason said, and half-sent frames
//! share a bounded budget of the server's memory.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use triad::server::frame::read_frame;
use triad::server::protocol::{Ask, Hello, Request, VERSION, Welcome};
use triad::server::{Limits, Running, ServeOptions};

mod server_common;
use server_common::*;

fn start(store: &Path, patience: Duration, limits: Limits) -> Running {
    let mut opts = ServeOptions::new(store);
    opts.patience = patience;
    opts.limits = limits;
    triad::server::start(opts).expect("the server starts")
}

fn framed<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let body = serde_json::to_vec(value).unwrap();
    let mut out = u32::try_from(body.len()).unwrap().to_be_bytes().to_vec();
    out.extend(body);
    out
}

/// Whether the server has closed `s` (without waiting).
fn closed(s: &UnixStream) -> bool {
    let mut buf = [0u8; 256];
    s.set_nonblocking(true).unwrap();
    let mut r = s;
    let gone = loop {
        match std::io::Read::read(&mut r, &mut buf) {
            Ok(0) => break true,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break false,
            Err(_) => break true,
        }
    };
    s.set_nonblocking(false).unwrap();
    gone
}

/// Sends `bytes` one at a time, `gap` apart; returns how many were sent
/// before the server closed the connection (all of them if it never did).
fn trickle(s: &mut UnixStream, bytes: &[u8], gap: Duration) -> usize {
    for (n, b) in bytes.iter().enumerate() {
        if closed(s) || s.write_all(&[*b]).is_err() {
            return n;
        }
        std::thread::sleep(gap);
    }
    bytes.len()
}

#[test]
fn a_frame_trickled_a_byte_at_a_time_is_dropped_at_its_deadline() {
    let tmp = tempfile::tempdir().unwrap();
    // Each byte comes well within the patience; the whole frame does not.
    let server = start(&tmp.path().join("store"), PATIENCE, Limits::default());
    let mut s = raw_welcomed(server.socket());
    let ask = Request {
        seq: 1,
        ask: Ask::Search {
            query: "x".repeat(40),
            limit: 1,
            restricted: false,
        },
    };
    let bytes = framed(&ask);
    let sent = trickle(&mut s, &bytes, PATIENCE / 4);
    assert!(
        sent < bytes.len(),
        "the server took all {} bytes of a trickled frame",
        bytes.len()
    );
    assert_dropped(&mut s, "a trickled frame");
}

#[test]
fn a_hello_is_due_whole_soon_after_connecting() {
    let tmp = tempfile::tempdir().unwrap();
    let limits = Limits {
        hello: PATIENCE,
        ..Limits::default()
    };
    // A patient server for frames: only the Hello's deadline can drop it.
    let server = start(&tmp.path().join("store"), DEADLINE, limits);
    let hello = framed(&Hello {
        version: VERSION,
        subscribe: false,
    });
    let mut s = raw(server.socket());
    let sent = trickle(&mut s, &hello, PATIENCE / 4);
    assert!(sent < hello.len(), "a trickled Hello was taken whole");
    assert_dropped(&mut s, "a trickled Hello");
    // Saying nothing at all is dropped too.
    let mut quiet = raw(server.socket());
    assert_dropped(&mut quiet, "a connection that never said hello");
    // And a prompt one is welcomed.
    drop(raw_welcomed(server.socket()));
}

fn refusal(socket: &Path) -> Option<String> {
    let mut s = raw(socket);
    // Refused at once, the socket may be closed before the Hello goes:
    // the refusal is there to read either way.
    let hello = framed(&Hello {
        version: VERSION,
        subscribe: false,
    });
    let _ = s.write_all(&hello);
    match read_frame::<Welcome>(&mut s, Some(DEADLINE), DEADLINE).expect("an answer") {
        Welcome::Ok { .. } | Welcome::Wait { .. } => None,
        Welcome::Refused { reason } => Some(reason),
    }
}

#[test]
fn connections_are_capped_per_user_with_a_reason_and_freed_when_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let limits = Limits {
        per_user: 2,
        ..Limits::default()
    };
    let server = start(&tmp.path().join("store"), PATIENCE, limits);
    let first = raw_welcomed(server.socket());
    let _second = raw_welcomed(server.socket());
    let why = refusal(server.socket()).expect("a third connection is refused");
    assert!(
        why.contains("2 connections open") && why.contains("close some"),
        "{why}"
    );
    drop(first);
    wait_until("a closed connection frees its place", || {
        refusal(server.socket()).is_none()
    });
}

#[test]
fn connections_are_capped_in_all() {
    let tmp = tempfile::tempdir().unwrap();
    let limits = Limits {
        connections: 2,
        ..Limits::default()
    };
    let server = start(&tmp.path().join("store"), PATIENCE, limits);
    let _held: Vec<_> = (0..2).map(|_| raw_welcomed(server.socket())).collect();
    let why = refusal(server.socket()).expect("a third connection is refused");
    assert!(why.contains("2 connections open, its limit"), "{why}");
}

#[test]
fn half_sent_frames_share_a_bounded_budget() {
    const MIB: usize = 1024 * 1024;
    let tmp = tempfile::tempdir().unwrap();
    let limits = Limits {
        in_flight: MIB,
        ..Limits::default()
    };
    // Patient: only the budget can drop these peers within the test.
    let server = start(&tmp.path().join("store"), 4 * DEADLINE, limits);
    let half_frame = |s: &mut UnixStream| {
        let claimed = u32::try_from(MIB - 1000).unwrap();
        let mut bytes = claimed.to_be_bytes().to_vec();
        bytes.extend(vec![b' '; MIB * 3 / 4]);
        s.write_all(&bytes).is_ok()
    };
    let mut a = raw_welcomed(server.socket());
    let mut b = raw_welcomed(server.socket());
    // Which of the two passes the budget depends on which the server read
    // first: one of them is dropped, the other kept.
    let _ = half_frame(&mut a);
    let _ = half_frame(&mut b);
    wait_until("a half frame past the budget is dropped", || {
        closed(&a) || closed(&b)
    });
    assert!(!(closed(&a) && closed(&b)), "both peers were dropped");
    // The server still serves.
    let mut good = client(server.socket());
    assert!(search(&mut good, "nothing here").is_empty());
}
