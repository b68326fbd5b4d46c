//! One connection: who it is (from the kernel), the handshake, then its
//! requests one at a time. Its answers and the change feed reach the
//! client through one writer thread, so a slow client only slows itself.

use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, SyncSender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::frame::{read_frame, write_frame};
use super::hub::Outbox;
use super::protocol::{
    Ask, ErrorCode, Feed, Hello, Part, RECORDS_PER_FRAME, Request, ServerFrame, VERSION, Welcome,
    WireError,
};
use super::{Readiness, Shared, StopHandle, socket};
use crate::app::effect::{Reply, StoreEffect};
use crate::app::worker::{IndexAt, run_store};
use crate::model::Record;
use crate::store::Store;

/// How long a new connection has to say hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

type Answer = Result<(), WireError>;

pub(super) fn run(
    mut stream: UnixStream,
    readiness: &(Mutex<Readiness>, Condvar),
    stop: &StopHandle,
    patience: Duration,
) {
    let _ = stream.set_write_timeout(Some(patience));
    // The accept loop keeps a handle on the stream (to close it at
    // shutdown): dropping ours would not close the connection.
    let close = |s: &UnixStream| {
        let _ = s.shutdown(std::net::Shutdown::Both);
    };
    let Some((shared, user, subscribe)) = welcome(&mut stream, readiness, patience) else {
        close(&stream);
        return;
    };
    let Ok(mut out_stream) = stream.try_clone() else {
        close(&stream);
        return;
    };
    let (tx, outbox) = shared.hub.join(subscribe);
    let closing = Arc::new(AtomicBool::new(false));
    let writer_closing = closing.clone();
    let writer = std::thread::Builder::new()
        .name("triad-client-out".into())
        .spawn(move || write_loop(&mut out_stream, &outbox, &writer_closing));
    let mut session = Session {
        shared: &shared,
        user,
        search: crate::search::Session::default(),
        import: Vec::new(),
        tx: &tx,
        stop,
    };
    // Garbage, an oversized frame, a stall mid-frame or a closed socket
    // all end this connection, and only this one.
    while let Ok(request) = read_frame::<Request>(&mut stream, None, patience) {
        session.handle(request);
    }
    closing.store(true, Ordering::SeqCst);
    if let Ok(w) = writer {
        let _ = w.join();
    }
    close(&stream);
}

/// The handshake: the peer's uid from the kernel, the protocol version,
/// and a store that opened. Returns the shared state, the user and whether
/// the client subscribes to the feed; or `None`, having said why.
fn welcome(
    stream: &mut UnixStream,
    readiness: &(Mutex<Readiness>, Condvar),
    patience: Duration,
) -> Option<(Arc<Shared>, String, bool)> {
    let hello = read_frame::<Hello>(stream, Some(HELLO_TIMEOUT), patience).ok()?;
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
    let shared = {
        let (lock, cvar) = readiness;
        let mut state = lock.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            match &*state {
                Readiness::Opening => {
                    state = cvar.wait(state).unwrap_or_else(|p| p.into_inner());
                }
                Readiness::Ready(s) => break s.clone(),
                Readiness::Failed(why) => {
                    let why = why.clone();
                    drop(state);
                    return refuse(stream, why);
                }
            }
        }
    };
    let uid = match socket::peer_uid(stream) {
        Ok(uid) => uid,
        Err(e) => return refuse(stream, format!("cannot tell who is connecting: {e}")),
    };
    if uid != shared.owner_uid {
        return refuse(
            stream,
            format!(
                "this server serves only {}, who owns the store, and not {}",
                shared.owner,
                socket::user_name(uid)
            ),
        );
    }
    let user = socket::user_name(uid);
    let ok = Welcome::Ok {
        version: VERSION,
        user: user.clone(),
        store: shared.store.path().display().to_string(),
    };
    write_frame(stream, &ok).ok()?;
    Some((shared, user, hello.subscribe))
}

/// Writes answers and feed frames in order; tells a client that fell
/// behind the feed to resync. Ends when the connection closes.
fn write_loop(stream: &mut UnixStream, outbox: &Outbox, closing: &AtomicBool) {
    let send = |stream: &mut UnixStream, frame: ServerFrame| -> bool {
        if write_frame(stream, &frame).is_err() {
            return false;
        }
        if outbox.behind.swap(false, Ordering::SeqCst) {
            let resync = ServerFrame::Feed { feed: Feed::Resync };
            return write_frame(stream, &resync).is_ok();
        }
        true
    };
    while !closing.load(Ordering::SeqCst) {
        match outbox.frames.recv_timeout(Duration::from_millis(200)) {
            Ok(frame) => {
                if !send(stream, frame) {
                    return;
                }
            }
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
    // The client stopped sending (perhaps only half-closed): what was
    // already answered still goes out, but a busy feed cannot keep this
    // thread alive.
    for frame in outbox.frames.try_iter().take(super::hub::QUEUE) {
        if !send(stream, frame) {
            return;
        }
    }
}

struct Session<'a> {
    shared: &'a Arc<Shared>,
    user: String,
    /// The finder narrows from this connection's previous query.
    search: crate::search::Session,
    /// Records of an import sent in parts, until it is committed.
    import: Vec<Record>,
    tx: &'a SyncSender<ServerFrame>,
    stop: &'a StopHandle,
}

impl Session<'_> {
    fn handle(&mut self, request: Request) {
        let seq = request.seq;
        let tx = self.tx.clone();
        let mut send = move |part: Part| {
            let _ = tx.send(ServerFrame::Answer { seq, part });
        };
        let stop = matches!(request.ask, Ask::Stop);
        let result = self.answer(request.ask, &mut send);
        let stopping = stop && result.is_ok();
        send(Part::Done { result });
        if stopping {
            // After the answer is queued; the stop closes every connection,
            // so the client may see the close instead of the answer.
            self.stop.stop();
        }
    }

    fn answer(&mut self, ask: Ask, send: &mut (dyn FnMut(Part) + Send)) -> Answer {
        let shared = self.shared;
        let store = &shared.store;
        let today = chrono::Local::now().date_naive();
        match ask {
            Ask::Effect { effect } => {
                self.effect(effect, today, send);
                Ok(())
            }
            Ask::Search {
                query,
                limit,
                restricted,
            } => {
                let search = &mut self.search;
                let hits = shared.with_index(|f| f.search(search, &query, limit, restricted));
                send(Part::Hits { hits });
                Ok(())
            }
            Ask::Collect { case } => {
                let records = crate::exchange::collect(store, case, &self.user).map_err(wire)?;
                let mut records = records.into_iter().peekable();
                while records.peek().is_some() {
                    let chunk: Vec<Record> = records.by_ref().take(RECORDS_PER_FRAME).collect();
                    send(Part::Records { records: chunk });
                }
                Ok(())
            }
            Ask::CaseReport { case } => {
                let text = crate::exchange::case_report(store, case, &self.user).map_err(wire)?;
                send(Part::Text { text });
                Ok(())
            }
            Ask::Log {
                action,
                entity,
                summary,
            } => {
                let _writing = shared.writes.read();
                store.log(action, entity, &summary).map_err(wire)
            }
            Ask::ImportPart { mut records } => {
                self.import.append(&mut records);
                Ok(())
            }
            Ask::ImportCommit => {
                let records = std::mem::take(&mut self.import);
                let _writing = shared.writes.read();
                let result = store.import(records, &mut progress(send));
                if result.is_ok() {
                    shared.written_many();
                }
                result.map_err(wire)
            }
            Ask::Check => {
                let report = store.check().map_err(wire)?;
                send(Part::Check { report });
                Ok(())
            }
            Ask::Demo { scale } => {
                let _writing = shared.writes.read();
                let result = demo(store, today, scale, send);
                shared.written_many();
                result
            }
            Ask::Stop => {
                if self.user != shared.owner {
                    return Err(WireError::new(
                        ErrorCode::Forbidden,
                        format!("only {} may stop this server", shared.owner),
                    ));
                }
                Ok(())
            }
        }
    }

    fn effect(
        &mut self,
        effect: StoreEffect,
        today: crate::model::Date,
        send: &mut (dyn FnMut(Part) + Send),
    ) {
        let shared = self.shared;
        let mut replies = Vec::new();
        match effect {
            StoreEffect::RefreshDashboard => replies = self.dashboard(today),
            StoreEffect::Save { request, .. } => {
                let _writing = shared.writes.read();
                run_store(&shared.store, effect, today, IndexAt::Server, &mut |r| {
                    replies.push(r);
                });
                if let Some(Reply::Saved(records)) = replies.first() {
                    shared.written(records, Some(request));
                }
            }
            StoreEffect::LoadAll => {
                // Streamed as they come: a big store's list fills while it loads.
                let mut emit = |r| {
                    send(Part::Reply { reply: Box::new(r) });
                };
                run_store(&shared.store, effect, today, IndexAt::Server, &mut emit);
                if shared.is_indexed() {
                    replies.push(Reply::Indexed);
                }
            }
            other => run_store(&shared.store, other, today, IndexAt::Server, &mut |r| {
                replies.push(r);
            }),
        }
        for reply in replies {
            send(Part::Reply {
                reply: Box::new(reply),
            });
        }
    }

    /// The dashboard, computed once per write and day for every client.
    fn dashboard(&self, today: crate::model::Date) -> Vec<Reply> {
        let shared = self.shared;
        let generation = shared.generation.load(Ordering::SeqCst);
        let mut cache = shared.dashboard.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((day, generation_then, replies)) = cache.as_ref()
            && *day == today
            && *generation_then == generation
        {
            return replies.clone();
        }
        let mut replies = Vec::new();
        run_store(
            &shared.store,
            StoreEffect::RefreshDashboard,
            today,
            IndexAt::Server,
            &mut |r| replies.push(r),
        );
        *cache = Some((today, generation, replies.clone()));
        replies
    }
}

fn demo(
    store: &crate::store::SledStore,
    today: crate::model::Date,
    scale: usize,
    send: &mut (dyn FnMut(Part) + Send),
) -> Answer {
    let summary = crate::demo::seed(store, today).map_err(|e| match e {
        crate::store::StoreError::Duplicate(_) => WireError::new(
            ErrorCode::Duplicate,
            format!(
                "the store at {} is not empty; give `--store` an empty directory for the demo",
                store.path().display()
            ),
        ),
        other => wire(other),
    })?;
    send(Part::Text {
        text: format!("seven scenarios: {summary}"),
    });
    if scale > 0 {
        let summary = crate::demo::seed_scale(store, scale, &mut progress(send)).map_err(wire)?;
        send(Part::Text {
            text: format!("synthetic: {summary}"),
        });
    }
    Ok(())
}

/// Progress of long work, at most once per percent.
fn progress(send: &mut (dyn FnMut(Part) + Send)) -> impl FnMut(usize, usize) + '_ {
    let mut last = usize::MAX;
    move |done, total| {
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        if pct != last {
            last = pct;
            send(Part::Progress { done, total });
        }
    }
}

fn wire(e: crate::store::StoreError) -> WireError {
    WireError::from(&e)
}
