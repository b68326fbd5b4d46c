//! `triad serve`: one process owns the store and serves every triad over a
//! Unix socket. The store, the finder's index and the dashboard are held
//! once, here; clients ask for what they show (a case, a page of hits) and
//! hear what others changed through the change feed.
//!
//! Started by hand (or by systemd) for a shared machine, or on demand by
//! the first triad that needs a store no server serves (see `client`).

mod anchoring;
pub mod authorise;
pub mod client;
pub mod frame;
mod handshake;
pub mod hub;
pub mod protocol;
pub mod roles;
mod session;
pub mod socket;

use std::collections::{BTreeSet, HashMap};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::model::{Id, Kind, Record};
use crate::query::cases::{CaseCache, Summaries};
use crate::query::worker::{DashboardCache, FinderIndex, IndexAt, Where, finder_doc, finder_docs};
use crate::store::{SledStore, Store, StoreError};
use hub::Hub;
use protocol::Changed;

/// How long an on-demand server waits with no client before it exits.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(60);

/// The exit code of a server that found the store held by another process
/// (another server won the race to start, or a program holds it).
pub const EXIT_LOCKED: u8 = 3;

#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub store: PathBuf,
    /// Default: `triad.sock` inside the store directory.
    pub socket: Option<PathBuf>,
    /// Exit after this long with no client (on-demand servers).
    pub idle: Option<Duration>,
    /// How long the rest of a frame may take once it has begun.
    pub patience: Duration,
    /// Who may connect, as what (default: the server's own user only).
    pub roles: Option<roles::Roles>,
    /// Bytes kept free on the store's disk beyond each write's own
    /// (default: `$TRIAD_DISK_RESERVE_MB`, else 64 MiB).
    pub disk_reserve: Option<u64>,
    /// What one peer, and all of them, may hold of the server.
    pub limits: Limits,
    /// Where the audit trail's head is written (see `store::anchor`).
    pub anchor_dir: Option<PathBuf>,
    /// Run on the serving thread before the store is opened, with the
    /// progress clients hear: tests hold a slow opening open with it.
    pub before_open: Option<BeforeOpen>,
}

/// See [`ServeOptions::before_open`].
#[derive(Clone)]
pub struct BeforeOpen(pub Arc<dyn Fn(&crate::store::Progress) + Send + Sync>);

impl std::fmt::Debug for BeforeOpen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BeforeOpen")
    }
}

/// Bounds on connections, so that peers that connect and stall, or send
/// half a frame, cost the server a bounded share of its threads and memory.
#[derive(Clone, Debug)]
pub struct Limits {
    /// A new connection's Hello must have arrived whole by then.
    pub hello: Duration,
    /// Connections open at once, from everyone.
    pub connections: usize,
    /// Connections open at once from one user.
    pub per_user: usize,
    /// Bytes of half-read frames held across every connection.
    pub in_flight: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            hello: Duration::from_secs(10),
            connections: 256,
            per_user: 64,
            in_flight: 4 * protocol::MAX_FRAME,
        }
    }
}

impl ServeOptions {
    pub fn new(store: &Path) -> ServeOptions {
        ServeOptions {
            store: store.to_path_buf(),
            socket: None,
            idle: None,
            patience: frame::FRAME_TIMEOUT,
            roles: None,
            disk_reserve: None,
            limits: Limits::default(),
            anchor_dir: None,
            before_open: None,
        }
    }

    pub fn socket_path(&self) -> PathBuf {
        self.socket
            .clone()
            .unwrap_or_else(|| socket::socket_in(&self.store))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The store could not be opened (what the store said).
    #[error("{0}")]
    Open(String),
    #[error("cannot serve on {path}: {source}")]
    Socket {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The store is opened after the socket is bound (a big store takes
/// seconds): clients that connect meanwhile wait for it, or hear why it
/// could not be opened.
enum Readiness {
    /// Opening the store: how far it has got, and whom to tell.
    Opening {
        progress: crate::store::Progress,
        roles: roles::Roles,
    },
    Ready(Arc<Shared>),
    Failed(String),
}

/// What every connection shares.
pub(crate) struct Shared {
    store: SledStore,
    /// The OS user who runs the server (and owns the store).
    owner: String,
    /// Who else may connect, as what.
    roles: roles::Roles,
    finder: RwLock<Option<FinderIndex>>,
    indexed: Condvar,
    index_lock: Mutex<()>,
    hub: Hub,
    /// Held (shared) by every write, and exclusively by shutdown, which so
    /// waits for writes in flight.
    writes: RwLock<()>,
    /// The dashboard of everyone who sees every case, once per write.
    dashboard: DashboardCache,
    /// The case list's summaries, held once for every client.
    pub(crate) cases: CaseCache,
    /// The audit trail's head, written outside the store.
    anchors: anchoring::Anchors,
    /// The thread that writes it while the server runs: joined at
    /// shutdown, so the store is closed when the server says it stopped.
    anchor_thread: Mutex<Option<JoinHandle<()>>>,
    /// What opening the store said (set-aside files, an upgrade and its
    /// backup), and when it opened.
    notices: Vec<String>,
    opened: std::time::Instant,
}

impl Shared {
    fn new(store: SledStore, owner: String, roles: roles::Roles) -> Shared {
        Shared {
            store,
            owner,
            roles,
            finder: RwLock::new(None),
            indexed: Condvar::new(),
            index_lock: Mutex::new(()),
            hub: Hub::default(),
            writes: RwLock::new(()),
            dashboard: DashboardCache::default(),
            cases: CaseCache::default(),
            anchors: anchoring::Anchors::new(None),
            anchor_thread: Mutex::new(None),
            notices: Vec::new(),
            opened: std::time::Instant::now(),
        }
    }

    /// Where a client's store effects run: the server's index and cases.
    fn at(&self) -> Where<'_> {
        Where {
            index: IndexAt::Server,
            cases: &self.cases,
            dashboard: Some(&self.dashboard),
        }
    }

    /// After a commit (whose save already refreshed the case summaries and
    /// dropped the dashboard): refresh the index, tell subscribers.
    fn written(&self, records: &[Record], request: Option<crate::store::RequestId>) {
        let none = Default::default();
        let party = |id| {
            let saved = records.iter().find(|r| r.id() == id);
            match saved {
                Some(r) => crate::search::party_name(r),
                None => self
                    .store
                    .get(id)
                    .ok()
                    .flatten()
                    .as_ref()
                    .and_then(crate::search::party_name),
            }
        };
        // A renamed body or person: the events that name it carry the old
        // name until they are indexed again.
        let renamed = records
            .iter()
            .filter(|r| crate::search::party_name(r).is_some());
        let events: BTreeSet<Id> = renamed
            .flat_map(|r| self.store.referrers(r.id()).unwrap_or_default())
            .filter(|e| e.kind == Kind::Event && records.iter().all(|r| r.id() != *e))
            .collect();
        let events = events
            .into_iter()
            .filter_map(|id| self.store.get(id).ok().flatten());
        let docs: Vec<_> = records
            .iter()
            .cloned()
            .chain(events)
            .filter_map(|r| finder_doc(&r, &none, None, &party))
            .collect();
        if !docs.is_empty()
            && let Ok(mut f) = self.finder.write()
            && let Some(f) = f.as_mut()
        {
            f.add(docs);
        }
        let ids: Vec<_> = records.iter().map(Record::id).collect();
        let revs = self.store.revisions(&ids).unwrap_or_default();
        let changes = records
            .iter()
            .zip(revs)
            .map(|(r, rev)| Changed::of(r, rev))
            .collect();
        self.hub.publish(changes, request);
    }

    /// After an import or the demo: rebuild the summaries and the index,
    /// everyone reloads.
    fn written_many(self: &Arc<Self>) {
        self.dashboard.invalidate();
        if let Ok(mut c) = self.cases.write() {
            *c = Summaries::load(&self.store).ok();
        }
        self.build_index();
        self.hub.resync_all();
    }

    fn build_index(&self) {
        // Every note is indexed; hits are filtered for each reader.
        let docs = finder_docs(&self.store, None).unwrap_or_default();
        let index = FinderIndex::build(docs);
        if let Ok(mut f) = self.finder.write() {
            *f = Some(index);
        }
        let _guard = self.index_lock.lock();
        self.indexed.notify_all();
    }

    /// Waits until the finder's index exists, then runs `f` on it.
    fn with_index<T>(&self, f: impl FnOnce(&FinderIndex) -> T) -> T {
        loop {
            if let Ok(guard) = self.finder.read()
                && let Some(index) = guard.as_ref()
            {
                return f(index);
            }
            let guard = self.index_lock.lock().unwrap_or_else(|p| p.into_inner());
            let _ = self.indexed.wait_timeout(guard, Duration::from_millis(100));
        }
    }

    fn is_indexed(&self) -> bool {
        self.finder.read().is_ok_and(|f| f.is_some())
    }
}

/// Stops a running server: from a signal, an idle timer, a client's Stop,
/// or a test's guard.
#[derive(Clone)]
pub struct StopHandle {
    stopping: Arc<AtomicBool>,
    socket: PathBuf,
}

impl StopHandle {
    pub fn stop(&self) {
        if !self.stopping.swap(true, Ordering::SeqCst) {
            // Wake the accept loop; it sees the flag and ends.
            let _ = UnixStream::connect(&self.socket);
        }
    }
}

/// A server running on threads of this process.
pub struct Running {
    stop: StopHandle,
    thread: Option<JoinHandle<Result<(), ServeError>>>,
}

impl Running {
    pub fn socket(&self) -> &Path {
        &self.stop.socket
    }

    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Runs until stopped; in-flight writes finish and are flushed.
    pub fn wait(mut self) -> Result<(), ServeError> {
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(StoreError::Corrupt("the server thread failed".into()).into()),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    /// A guard: a server started by a test stops even when the test fails.
    fn drop(&mut self) {
        self.stop.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Takes the store's lock and binds the socket (so errors are known at
/// once), then opens the store and serves on background threads.
pub fn start(opts: ServeOptions) -> Result<Running, ServeError> {
    let socket_path = opts.socket_path();
    let owner_uid = socket::my_uid();
    let owner = socket::user_name(owner_uid);
    let roles = opts
        .roles
        .clone()
        .unwrap_or_else(|| roles::Roles::owner_only(owner_uid));
    let reserved = SledStore::reserve(&opts.store, &owner)?;
    socket::check_owned_dir(&opts.store).map_err(|source| ServeError::Socket {
        path: opts.store.clone(),
        source,
    })?;
    let listener =
        socket::bind(&socket_path, opts.roles.is_some()).map_err(|source| ServeError::Socket {
            path: socket_path.clone(),
            source,
        })?;
    reserved
        .mark_serving(&socket_path)
        .map_err(|source| ServeError::Socket {
            path: opts.store.clone(),
            source,
        })?;
    let stop = StopHandle {
        stopping: Arc::new(AtomicBool::new(false)),
        socket: socket_path.clone(),
    };
    let readiness = Arc::new((
        Mutex::new(Readiness::Opening {
            progress: reserved.progress(),
            roles: roles.clone(),
        }),
        Condvar::new(),
    ));
    let accept_stop = stop.clone();
    let stop_for_failure = stop.clone();
    let stop_for_anchors = stop.clone();
    let anchor_dir = opts.anchor_dir.clone();
    let accept_ready = readiness.clone();
    let patience = opts.patience;
    let idle = opts.idle;
    let limits = opts.limits.clone();
    let before_open = opts.before_open.clone();
    let thread = std::thread::Builder::new()
        .name("triad-serve".into())
        .spawn(move || {
            let acceptor = std::thread::Builder::new()
                .name("triad-accept".into())
                .spawn(move || {
                    accept_loop(
                        &listener,
                        &accept_stop,
                        &accept_ready,
                        patience,
                        idle,
                        &limits,
                    )
                })
                .map_err(|source| ServeError::Socket {
                    path: socket_path.clone(),
                    source,
                })?;
            if let Some(BeforeOpen(hook)) = &before_open {
                hook(&reserved.progress());
            }
            let opened = reserved.open();
            let failed = opened.as_ref().err().map(ToString::to_string);
            let ready = match opened {
                Ok(mut store) => {
                    if let Some(bytes) = opts.disk_reserve {
                        store.set_disk_reserve(bytes);
                    }
                    for notice in store.notices() {
                        eprintln!("triad serve: {notice}");
                    }
                    let anchors = anchoring::Anchors::new(anchor_dir);
                    anchoring::at_start(&mut store, &anchors);
                    let notices = store.notices().to_vec();
                    let mut shared = Shared::new(store, owner, roles);
                    shared.notices = notices;
                    shared.anchors = anchors;
                    let shared = Arc::new(shared);
                    spawn_indexer(&shared);
                    let anchor = anchoring::spawn(shared.clone(), stop_for_anchors.clone());
                    *shared
                        .anchor_thread
                        .lock()
                        .unwrap_or_else(|p| p.into_inner()) = anchor;
                    Readiness::Ready(shared)
                }
                Err(e) => Readiness::Failed(e.to_string()),
            };
            {
                let (lock, cvar) = &*readiness;
                *lock.lock().unwrap_or_else(|p| p.into_inner()) = ready;
                cvar.notify_all();
            }
            if let Some(why) = &failed {
                // Clients already waiting hear why; then the server ends,
                // and says why too.
                std::thread::sleep(Duration::from_millis(500));
                stop_for_failure.stop();
                let connections = acceptor.join().unwrap_or_default();
                shut_down(&readiness, connections, &socket_path);
                return Err(ServeError::Open(why.clone()));
            }
            let connections = acceptor.join().unwrap_or_default();
            shut_down(&readiness, connections, &socket_path);
            Ok(())
        })
        .map_err(|source| ServeError::Socket {
            path: opts.socket_path(),
            source,
        })?;
    Ok(Running {
        stop,
        thread: Some(thread),
    })
}

/// Builds what a server holds beside the store, in the background: the
/// case list first (every client's first screen needs it), then the
/// finder's index; subscribers hear when the index is ready.
fn spawn_indexer(shared: &Arc<Shared>) {
    let indexer = shared.clone();
    let _ = std::thread::Builder::new()
        .name("triad-index".into())
        .spawn(move || {
            if let Ok(mut c) = indexer.cases.write()
                && c.is_none()
            {
                *c = Summaries::load(&indexer.store).ok();
            }
            indexer.build_index();
            indexer.hub.send_indexed();
        });
}

/// Ends the server: writes in flight finish, the store is flushed, every
/// connection is closed, and the socket goes.
fn shut_down(
    readiness: &(Mutex<Readiness>, Condvar),
    connections: Vec<(UnixStream, JoinHandle<()>)>,
    socket_path: &Path,
) {
    let shared = match &*readiness.0.lock().unwrap_or_else(|p| p.into_inner()) {
        Readiness::Ready(s) => Some(s.clone()),
        _ => None,
    };
    if let Some(shared) = &shared {
        let _no_more_writes = shared.writes.write();
        let _ = shared.store.flush_all();
    }
    for (stream, _) in &connections {
        let _ = stream.shutdown(std::net::Shutdown::Both);
    }
    for (_, handle) in connections {
        let _ = handle.join();
    }
    // After the last connection's last entry (a search session's).
    if let Some(shared) = &shared {
        let anchor = shared
            .anchor_thread
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(t) = anchor {
            let _ = t.join();
        }
        let _ = shared.store.flush_all();
        anchoring::at_stop(shared);
    }
    // The socket goes while we still hold the store's lock: no newer
    // server can have bound it yet.
    let _ = std::fs::remove_file(socket_path);
    *readiness.0.lock().unwrap_or_else(|p| p.into_inner()) =
        Readiness::Failed("the server is stopping".into());
    drop(shared);
}

/// Accepts until stopped (or idle too long); returns the connections, to
/// close them.
fn accept_loop(
    listener: &UnixListener,
    stop: &StopHandle,
    readiness: &Arc<(Mutex<Readiness>, Condvar)>,
    patience: Duration,
    idle: Option<Duration>,
    limits: &Limits,
) -> Vec<(UnixStream, JoinHandle<()>)> {
    let clients = Arc::new(AtomicUsize::new(0));
    let per_user: Arc<Mutex<HashMap<u32, usize>>> = Arc::default();
    let in_flight = Arc::new(frame::InFlight::new(limits.in_flight));
    let last_seen = Arc::new(Mutex::new(Instant::now()));
    if let Some(idle) = idle {
        spawn_idle_timer(idle, stop.clone(), clients.clone(), last_seen.clone());
    }
    let mut connections: Vec<(UnixStream, JoinHandle<()>)> = Vec::new();
    while let Some(stream) = next_client(listener, stop) {
        let Ok(handle_stream) = stream.try_clone() else {
            continue;
        };
        connections.retain(|(_, h)| !h.is_finished());
        // Who it is comes from the kernel; one we cannot tell counts as
        // one user (nobody's), so they share a cap too.
        let uid = socket::peer_uid(&stream).unwrap_or(u32::MAX);
        let refusal = {
            let mut users = per_user.lock().unwrap_or_else(|p| p.into_inner());
            let theirs = users.get(&uid).copied().unwrap_or(0);
            let why = if clients.load(Ordering::SeqCst) >= limits.connections {
                Some(format!(
                    "the server has {} connections open, its limit; try again when some have closed",
                    limits.connections
                ))
            } else if theirs >= limits.per_user {
                Some(format!(
                    "{} has {theirs} connections open to this server, the most one user may; close some triads, then try again",
                    socket::user_name(uid)
                ))
            } else {
                None
            };
            if why.is_none() {
                *users.entry(uid).or_default() += 1;
                clients.fetch_add(1, Ordering::SeqCst);
            }
            why
        };
        if let Some(reason) = refusal {
            refuse_at_once(stream, reason);
            continue;
        }
        let readiness = readiness.clone();
        let stop_for_client = stop.clone();
        let clients = clients.clone();
        let last_seen = last_seen.clone();
        let per_user = per_user.clone();
        let bounds = session::Bounds {
            patience,
            hello: limits.hello,
            in_flight: in_flight.clone(),
        };
        let spawned = std::thread::Builder::new()
            .name("triad-client".into())
            .spawn(move || {
                session::run(stream, &readiness, &stop_for_client, &bounds);
                if let Ok(mut t) = last_seen.lock() {
                    *t = Instant::now();
                }
                let mut users = per_user.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(n) = users.get_mut(&uid) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        users.remove(&uid);
                    }
                }
                clients.fetch_sub(1, Ordering::SeqCst);
            });
        if let Ok(h) = spawned {
            connections.push((handle_stream, h));
        }
    }
    connections
}

/// Refuses a connection over a cap with why, without waiting for its
/// Hello (the client reads the refusal after sending it): one small frame
/// into an empty socket buffer, so the accept loop is not held up.
fn refuse_at_once(mut stream: UnixStream, reason: String) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = frame::write_frame(&mut stream, &protocol::Welcome::Refused { reason });
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// The next connection, or `None` once the server is stopping. Waits in
/// poll(2) with a timeout, so a stop is seen even when no one can connect
/// to wake it (its socket deleted with the store's directory).
fn next_client(listener: &UnixListener, stop: &StopHandle) -> Option<UnixStream> {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::os::fd::AsFd;
    loop {
        if stop.stopping.load(Ordering::SeqCst) {
            return None;
        }
        let mut fds = [PollFd::new(listener.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::from(200u16)) {
            Ok(0) | Err(nix::errno::Errno::EINTR) => continue,
            Ok(_) => {}
            Err(_) => return None,
        }
        if stop.stopping.load(Ordering::SeqCst) {
            return None;
        }
        match listener.accept() {
            Ok((stream, _)) => return Some(stream),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            // Out of file descriptors, say: wait, and try again.
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn spawn_idle_timer(
    idle: Duration,
    stop: StopHandle,
    clients: Arc<AtomicUsize>,
    last_seen: Arc<Mutex<Instant>>,
) {
    let _ = std::thread::Builder::new()
        .name("triad-idle".into())
        .spawn(move || {
            while !stop.stopping.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(200).min(idle));
                let quiet_since = *last_seen.lock().unwrap_or_else(|p| p.into_inner());
                let quiet = clients.load(Ordering::SeqCst) == 0 && quiet_since.elapsed() >= idle;
                // Its socket removed (the store's directory deleted): no
                // client can reach it any more.
                let unreachable = std::fs::symlink_metadata(&stop.socket).is_err();
                if quiet || unreachable {
                    stop.stop();
                }
            }
        });
}

/// `triad serve` in the foreground: until SIGTERM or SIGINT (or idle),
/// then in-flight writes finish, the store is flushed, and it exits 0.
/// `listening` runs once the socket is bound.
/// SIGHUP is ignored: a server outlives the terminal that started it.
pub fn serve(opts: ServeOptions, listening: impl FnOnce()) -> Result<(), ServeError> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let running = start(opts)?;
    listening();
    let stop = running.stop_handle();
    let mut signals =
        signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP]).map_err(|source| {
            ServeError::Socket {
                path: running.socket().to_path_buf(),
                source,
            }
        })?;
    let signal_handle = signals.handle();
    std::thread::spawn(move || {
        for s in signals.forever() {
            if s != SIGHUP {
                stop.stop();
                break;
            }
        }
    });
    let result = running.wait();
    signal_handle.close();
    result
}
