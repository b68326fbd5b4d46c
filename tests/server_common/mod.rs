//! Helpers for the `triad serve` tests: in-process servers behind a guard,
//! clients that record what they hear, raw sockets for misbehaving peers,
//! and the real binary with guards that stop every server it started.
#![allow(dead_code)]

mod other_user;
#[allow(unused_imports)]
pub use other_user::*;

use std::collections::BTreeSet;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use triad::model::{Date, Id, Kind, Record, Relationship, TrustChange, TrustLevel};
use triad::query::data::Hit;
use triad::query::request::{Reply, StoreEffect};
use triad::server::client::{Client, ClientError, Heard};
use triad::server::frame::{read_frame, write_frame};
use triad::server::protocol::{Ask, Hello, Part, VERSION, Welcome};
use triad::server::{Running, ServeOptions};
use triad::store::{Change, SledStore, StoreError};

/// How long the rest of a frame may take in these tests' servers.
pub const PATIENCE: Duration = Duration::from_millis(300);

/// A generous bound for anything that should happen "soon": only a guard
/// against hanging, never a measure of speed.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// Polls `done` until it holds, or panics with `what` at the deadline.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + DEADLINE;
    while !done() {
        assert!(Instant::now() < until, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A store directory (inside a temp dir) and a server on it, in this
/// process. Dropping it stops the server before the directory goes.
pub struct TestServer {
    // Declared first: dropped (stopped) before the directory is removed.
    running: Option<Running>,
    pub store: PathBuf,
    pub socket: PathBuf,
    _tmp: tempfile::TempDir,
}

impl TestServer {
    pub fn start() -> TestServer {
        let tmp = tempfile::tempdir().unwrap();
        let store = tmp.path().join("store");
        let running = serve(&store);
        TestServer {
            socket: running.socket().to_path_buf(),
            running: Some(running),
            store,
            _tmp: tmp,
        }
    }

    /// Stops the server (writes in flight finish) and opens the store here.
    pub fn stop_and_open(&mut self) -> SledStore {
        drop(self.running.take());
        open_when_free(&self.store)
    }
}

pub fn serve(store: &Path) -> Running {
    let mut opts = ServeOptions::new(store);
    opts.patience = PATIENCE;
    triad::server::start(opts).expect("the server starts")
}

/// Opens a store once whoever held it has let go (a stopped server's last
/// threads may still be finishing).
pub fn open_when_free(store: &Path) -> SledStore {
    let until = Instant::now() + DEADLINE;
    loop {
        match SledStore::open(store) {
            Ok(s) => return s,
            Err(StoreError::Locked(_)) if Instant::now() < until => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("cannot open the store after the server stopped: {e}"),
        }
    }
}

/// What a client's listener heard, in order.
pub type Heards = Arc<Mutex<Vec<Heard>>>;

/// A client that records the feed and the loss of its connection.
pub fn connect(socket: &Path, subscribe: bool) -> (Client, Heards) {
    let heard: Heards = Arc::default();
    let log = heard.clone();
    let client = Client::connect(
        socket,
        subscribe,
        Arc::new(move |h| log.lock().unwrap().push(h)),
    )
    .expect("a client connects");
    (client, heard)
}

pub fn client(socket: &Path) -> Client {
    connect(socket, false).0
}

/// Saves; returns the one reply (or why the request failed as a whole).
pub fn save(client: &mut Client, request: u128, ops: Vec<Change>) -> Result<Reply, ClientError> {
    let mut replies = Vec::new();
    client.ask(
        Ask::Effect {
            effect: StoreEffect::Save { request, ops },
        },
        &mut |part| match part {
            Part::Reply { reply } => replies.push(*reply),
            other => panic!("a save answered with {other:?}"),
        },
    )?;
    assert_eq!(replies.len(), 1, "one reply per save: {replies:?}");
    Ok(replies.remove(0))
}

/// Saves and expects it saved; returns the records as stored.
pub fn saved(client: &mut Client, request: u128, ops: Vec<Change>) -> Vec<Record> {
    match save(client, request, ops).expect("the save is answered") {
        Reply::Saved(records) => records,
        other => panic!("expected Saved, got {other:?}"),
    }
}

/// Creates one record and returns its id.
pub fn create(client: &mut Client, request: u128, record: Record) -> Id {
    let stored = saved(client, request, vec![Change::Create(record)]);
    assert_eq!(stored.len(), 1);
    stored[0].id()
}

pub fn search(client: &mut Client, query: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    client
        .ask(
            Ask::Search {
                query: query.into(),
                limit: 20,
                restricted: true,
            },
            &mut |part| {
                if let Part::Hits { hits: h } = part {
                    hits = h;
                }
            },
        )
        .expect("a search is answered");
    hits
}

/// Loads the seven demo scenarios through the server.
pub fn load_demo(client: &mut Client) {
    client
        .ask(Ask::Demo { scale: 0 }, &mut |_| {})
        .expect("the demo loads");
}

pub fn relationship(a: Id, b: Id, on: Date) -> Record {
    Record::Relationship(Relationship {
        id: Id::new(Kind::Relationship, 1),
        a,
        b,
        case: None,
        trust: vec![TrustChange {
            on,
            level: TrustLevel::new(1).unwrap(),
            by: "test".into(),
        }],
        entered: None,
    })
}

// ---------------------------------------------------------------- raw peers

/// A socket to the server that has not said hello.
pub fn raw(socket: &Path) -> UnixStream {
    UnixStream::connect(socket).expect("connect")
}

/// A socket that said hello and was welcomed.
pub fn raw_welcomed(socket: &Path) -> UnixStream {
    let mut s = raw(socket);
    hello(&mut s, VERSION);
    loop {
        match read_frame::<Welcome>(&mut s, Some(DEADLINE), DEADLINE).expect("a welcome") {
            Welcome::Ok { .. } => return s,
            Welcome::Refused { reason } => panic!("refused: {reason}"),
            Welcome::Wait { .. } => {}
        }
    }
}

pub fn hello(s: &mut UnixStream, version: u32) {
    write_frame(
        s,
        &Hello {
            version,
            subscribe: false,
        },
    )
    .expect("send hello");
}

/// Reads (discarding whatever comes) until the server closes the
/// connection; panics if it is still open at the deadline.
pub fn assert_dropped(s: &mut UnixStream, what: &str) {
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                panic!("the server kept the connection of {what} open")
            }
            Err(e) => panic!("reading from the server after {what}: {e}"),
        }
    }
}

// --------------------------------------------------------- the real binary

pub const BIN: &str = env!("CARGO_BIN_EXE_triad");

/// `triad --store DIR …`, with on-demand servers that exit after 3 s idle.
pub fn triad_cmd(store: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .arg("--store")
        .arg(store)
        .env_remove("TRIAD_STORE")
        .env_remove("TRIAD_SOCKET")
        .env("TRIAD_SERVER_IDLE", "3")
        .stdin(Stdio::null());
    cmd
}

/// Runs a command to the end of its output (like `Command::output`), but
/// panics instead of hanging if the process or its pipes outlive the
/// deadline: an on-demand server that kept our stdout would hold them.
pub fn run(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn triad");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        let _ = tx.send((1, b));
    });
    std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        let _ = tx2.send((2, b));
    });
    let until = Instant::now() + DEADLINE;
    let (mut stdout, mut stderr) = (None, None);
    while stdout.is_none() || stderr.is_none() {
        let left = until.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((1, b)) => stdout = Some(b),
            Ok((_, b)) => stderr = Some(b),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{cmd:?}: its stdout or stderr stayed open past the deadline");
            }
        }
    }
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not exit");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Output {
        status,
        stdout: stdout.unwrap(),
        stderr: stderr.unwrap(),
    }
}

pub fn triad(store: &Path, args: &[&str]) -> Output {
    run(triad_cmd(store, args))
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The command line of a live process (empty for a zombie or one gone).
pub fn cmdline(pid: u32) -> Vec<String> {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| {
            b.split(|&c| c == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a process is alive (not gone, not a zombie).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name in parentheses.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}

/// The pids of live `triad serve` processes (not `--stop`) for this store.
pub fn serve_pids(store: &Path) -> Vec<u32> {
    let store = store.to_string_lossy();
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let args = cmdline(pid);
        let is_ours = args.first().is_some_and(|a| a == BIN)
            && args.iter().any(|a| a == "serve")
            && !args.iter().any(|a| a == "--stop")
            && args.windows(2).any(|w| w[0] == "--store" && w[1] == *store);
        if is_ours && alive(pid) {
            pids.push(pid);
        }
    }
    pids.sort_unstable();
    pids
}

/// The pids that hold a lock on this file now (from /proc/locks).
pub fn lock_holders(file: &Path) -> BTreeSet<u32> {
    let Ok(meta) = std::fs::metadata(file) else {
        return BTreeSet::new();
    };
    let inode = format!(":{}", meta.ino());
    let locks = std::fs::read_to_string("/proc/locks").unwrap_or_default();
    locks
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // "1: FLOCK ADVISORY WRITE pid maj:min:inode start end";
            // waiters ("1: -> FLOCK …") hold nothing.
            if f.get(1) == Some(&"->") || f.len() < 6 || !f[5].ends_with(&inode) {
                return None;
            }
            f[4].parse().ok()
        })
        .collect()
}

/// Stops every server of a store when dropped: `triad serve --stop`, then
/// waits for them to exit, and kills (by pid) any that would not.
/// Declare it after the temp dir, so it drops first.
pub struct StopServers(pub PathBuf);

impl Drop for StopServers {
    fn drop(&mut self) {
        let _ = triad_cmd(&self.0, &["serve", "--stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let until = Instant::now() + Duration::from_secs(10);
        while !serve_pids(&self.0).is_empty() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        for pid in serve_pids(&self.0) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

/// A server of ours started with `triad serve` in the foreground: killed
/// (and reaped) when dropped, if it is still running.
pub struct ServeChild(pub std::process::Child);

impl Drop for ServeChild {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Starts `triad serve --store DIR` in the foreground and waits until a
/// client can connect.
pub fn serve_child(store: &Path) -> ServeChild {
    let child = triad_cmd(store, &["serve"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn triad serve");
    let mut child = ServeChild(child);
    let socket = triad::server::socket::socket_in(store);
    wait_until("the server listens", || {
        if let Ok(Some(status)) = child.0.try_wait() {
            panic!("triad serve exited: {status}");
        }
        Client::connect(&socket, false, Arc::new(|_| {})).is_ok()
    });
    child
}

/// Why a store does not open, once whoever held it has let go.
pub fn open_when_free_err(store: &Path) -> StoreError {
    match open_when_free_err_or_ok(store) {
        Ok(_) => panic!("the store at {} opened", store.display()),
        Err(e) => e,
    }
}

/// Opens a store (or says why not) once whoever held it has let go.
pub fn open_when_free_err_or_ok(store: &Path) -> Result<SledStore, StoreError> {
    let until = Instant::now() + DEADLINE;
    loop {
        match SledStore::open(store) {
            Err(StoreError::Locked(_)) if Instant::now() < until => {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}
