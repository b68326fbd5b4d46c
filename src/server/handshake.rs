//! The start of a connection: the protocol version, who the peer is (from
//! the kernel, never what it says), its role from the server's config, and
//! a store that opened, with news of the opening while it is slow.

use std::os::unix::net::UnixStream;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::frame::{read_frame_within, write_frame};
use super::protocol::{Hello, VERSION, Welcome};
use super::session::Bounds;
use super::{Readiness, Shared, socket};
use crate::model::{AccessRole, Reader};

/// The handshake: the peer's uid from the kernel (never what the client
/// says), its role from the server's config, the protocol version, and a
/// store that opened. Returns the shared state, the reader and whether the
/// client subscribes to the feed; or `None`, having said why.
pub(super) fn welcome(
    stream: &mut UnixStream,
    readiness: &(Mutex<Readiness>, Condvar),
    bounds: &Bounds,
) -> Option<(Arc<Shared>, Reader, bool)> {
    // The whole Hello is due by then, however slowly its bytes come.
    let by = std::time::Instant::now() + bounds.hello;
    let budget = Some(&*bounds.in_flight);
    let hello = read_frame_within::<Hello>(stream, None, bounds.patience, Some(by), budget).ok()?;
    let refuse = |stream: &mut UnixStream, reason: String| {
        let _ = write_frame(stream, &Welcome::Refused { reason });
        None
    };
    if hello.version != VERSION {
        return refuse(
            stream,
            format!(
                "this server speaks protocol {VERSION} and the client {}; use the same triad for both (stop the server with `triad serve --stop`)",
                hello.version
            ),
        );
    }
    let uid = match socket::peer_uid(stream) {
        Ok(uid) => uid,
        Err(e) => return refuse(stream, format!("cannot tell who is connecting: {e}")),
    };
    let user = socket::user_name(uid);
    let shared = wait_until_open(stream, readiness, uid, &user)?;
    let reader = match shared.roles.reader_for(uid, &user) {
        Ok(r) => r,
        Err(why) => return refuse(stream, why),
    };
    let ok = Welcome::Ok {
        version: VERSION,
        user: user.clone(),
        role: reader.role,
        store: shared.store.path().display().to_string(),
        store_id: shared.store.id().unwrap_or_default(),
        store_home: crate::store::StoreLock::home(shared.store.path()).unwrap_or_default(),
        notices: if reader.role == AccessRole::Coordinator && shared.opened.elapsed() < NOTICES_FOR
        {
            shared.notices.clone()
        } else {
            Vec::new()
        },
    };
    write_frame(stream, &ok).ok()?;
    Some((shared, reader, hello.subscribe))
}

/// How long after opening the store coordinators are told what opening
/// said (an upgrade, where its backup is).
const NOTICES_FOR: Duration = Duration::from_secs(600);

/// How often a client waiting for the store to open hears how far it got.
const OPENING_NEWS: Duration = Duration::from_secs(1);

/// Waits for the store to open, telling the client every second what
/// opening is doing. Whoever the config does not serve is refused at once
/// rather than after the wait, and only a coordinator hears the counts
/// (how many records a store holds is not everyone's to know).
fn wait_until_open(
    stream: &mut UnixStream,
    readiness: &(Mutex<Readiness>, Condvar),
    uid: u32,
    user: &str,
) -> Option<Arc<Shared>> {
    let refuse = |stream: &mut UnixStream, reason: String| {
        let _ = write_frame(stream, &Welcome::Refused { reason });
        None
    };
    let (lock, cvar) = readiness;
    let mut counts_shown: Option<bool> = None;
    loop {
        let news = {
            let state = lock.lock().unwrap_or_else(|p| p.into_inner());
            let (state, _) = cvar
                .wait_timeout_while(state, OPENING_NEWS, |s| {
                    matches!(s, Readiness::Opening { .. })
                })
                .unwrap_or_else(|p| p.into_inner());
            match &*state {
                Readiness::Ready(s) => return Some(s.clone()),
                Readiness::Failed(why) => {
                    let why = why.clone();
                    drop(state);
                    return refuse(stream, why);
                }
                Readiness::Opening { progress, roles } => {
                    let shown = match counts_shown {
                        Some(shown) => shown,
                        None => match roles.reader_for(uid, user) {
                            Ok(r) => *counts_shown.insert(r.role == AccessRole::Coordinator),
                            Err(why) => {
                                drop(state);
                                return refuse(stream, why);
                            }
                        },
                    };
                    let mut now = progress.now();
                    if !shown {
                        (now.done, now.of) = (0, 0);
                    }
                    now
                }
            }
        };
        write_frame(stream, &Welcome::Wait { opening: news }).ok()?;
    }
}
