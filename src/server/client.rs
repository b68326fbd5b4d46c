//! The client side of the socket, used by the TUI and every command.
//!
//! Given a store, a triad connects to the server that serves it; when none
//! does, it starts one (`triad serve --store DIR --on-demand` in its own
//! session, with stdin, stdout and stderr closed, so a script that runs
//! triad never waits on it) and connects to that. Parallel starters race
//! for the store's lock: one server wins, the others exit at once, and
//! every starter connects to the winner.

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use super::frame::{FRAME_TIMEOUT, FrameError, read_frame, write_frame};
use super::protocol::{Ask, Feed, Hello, Part, Request, ServerFrame, VERSION, Welcome, WireError};
use super::{EXIT_LOCKED, socket};
use crate::store::StoreError;

/// How long a triad waits for a server it started (a big store takes
/// seconds to open; the handshake waits for that, not this).
const START_WAIT: Duration = Duration::from_secs(20);

/// Which server to talk to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The server of this store, started on demand.
    Store(PathBuf),
    /// A server at this socket (`--connect`, `$TRIAD_SOCKET`); never started.
    Socket(PathBuf),
}

impl Target {
    /// Where its server listens: for a store, where the server holding it
    /// said it listens, else the store's own socket.
    pub fn socket(&self) -> PathBuf {
        match self {
            Target::Store(dir) => crate::store::StoreLock::serving_socket(dir)
                .unwrap_or_else(|| socket::socket_in(dir)),
            Target::Socket(path) => path.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nothing listens at the socket.
    #[error("no triad server is listening at {0}; start one with `triad serve`")]
    NoServer(PathBuf),
    #[error("the server refused the connection: {0}")]
    Refused(String),
    #[error("the connection to the server was lost ({0})")]
    Lost(String),
    #[error("{0}")]
    Failed(WireError),
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The server started for the store could not open it, and said why.
    #[error("{0}")]
    NotStarted(String),
    #[error("cannot start a server for the store at {path}: {why}")]
    Start { path: PathBuf, why: String },
}

impl ClientError {
    /// Whether connecting again (and starting a server) may help.
    pub fn is_connection(&self) -> bool {
        matches!(self, ClientError::NoServer(_) | ClientError::Lost(_))
    }
}

/// What the reader thread hears outside of answers.
#[derive(Clone, Debug)]
pub enum Heard {
    Feed(Feed),
    /// The server is still opening its store (before the welcome).
    Opening(crate::store::Opening),
    /// The connection is gone (why).
    Lost(String),
}

pub type Listener = std::sync::Arc<dyn Fn(Heard) + Send + Sync>;

type Answered = Result<(u64, Part), String>;

pub struct Client {
    stream: UnixStream,
    answers: Receiver<Answered>,
    next_seq: u64,
    /// Who the server takes us to be, and our role there.
    pub user: String,
    pub role: crate::model::AccessRole,
    /// The served store directory's `device:inode` (empty from a server
    /// that does not say).
    store_home: String,
    /// What opening the store said, if we are to hear it.
    pub notices: Vec<String>,
}

/// Whether the server `client` reached serves the store in `dir`.
fn serves(client: &Client, dir: &Path) -> bool {
    client.store_home.is_empty()
        || crate::store::StoreLock::home(dir).as_deref() == Some(client.store_home.as_str())
}

impl Client {
    /// Connects to the target's server, starting one for a store if none
    /// serves it. `listen` hears the change feed (if `subscribe`) and the
    /// loss of the connection.
    pub fn open(target: &Target, subscribe: bool, listen: Listener) -> Result<Client, ClientError> {
        let path = target.socket();
        let dir = match target {
            Target::Socket(_) => return Client::connect(&path, subscribe, listen),
            Target::Store(dir) => dir,
        };
        match Client::connect(&path, subscribe, listen.clone()) {
            Err(e) if e.is_connection() => start_and_connect(dir, subscribe, listen),
            // Another store's server (a lock from an older build, copied
            // with the store): never read or write there. If no one holds
            // this store's lock, the lock is stale: clear it and start the
            // store's own server.
            Ok(c) if !serves(&c, dir) => {
                drop(c);
                match crate::store::StoreLock::take(dir) {
                    Ok(stale) => {
                        drop(stale);
                        start_and_connect(dir, subscribe, listen)
                    }
                    Err(_) => Err(ClientError::NotStarted(format!(
                        "the server at {} serves another store, not {}; if no triad uses {}, remove its triad.lock and try again",
                        path.display(),
                        dir.display(),
                        dir.display()
                    ))),
                }
            }
            other => other,
        }
    }

    /// Connects to a listening server and says hello.
    pub fn connect(path: &Path, subscribe: bool, listen: Listener) -> Result<Client, ClientError> {
        let mut stream = UnixStream::connect(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused => {
                ClientError::NoServer(path.to_path_buf())
            }
            std::io::ErrorKind::PermissionDenied => ClientError::Refused(format!(
                "you may not use the socket {}; ask the server's owner for access",
                path.display()
            )),
            _ => ClientError::Lost(format!("cannot connect to {}: {e}", path.display())),
        })?;
        let hello = Hello {
            version: VERSION,
            subscribe,
        };
        if let Err(e) = write_frame(&mut stream, &hello) {
            // A server over its connection cap refuses at once, and may
            // have closed before our Hello went: its reason is still there.
            return match read_frame::<Welcome>(&mut stream, Some(FRAME_TIMEOUT), FRAME_TIMEOUT) {
                Ok(Welcome::Refused { reason }) => Err(ClientError::Refused(reason)),
                _ => Err(lost(e)),
            };
        }
        // The server answers once its store is open: no time limit here,
        // and news of the opening meanwhile.
        let (user, role, store_home, notices) = loop {
            match read_frame::<Welcome>(&mut stream, None, FRAME_TIMEOUT).map_err(lost)? {
                Welcome::Wait { opening } => listen(Heard::Opening(opening)),
                Welcome::Refused { reason } => return Err(ClientError::Refused(reason)),
                Welcome::Ok {
                    user,
                    role,
                    store_home,
                    notices,
                    ..
                } => break (user, role, store_home, notices),
            }
        };
        let reader = stream.try_clone().map_err(|e| lost(e.into()))?;
        let (tx, answers) = channel();
        std::thread::Builder::new()
            .name("triad-link".into())
            .spawn(move || read_loop(reader, &tx, &listen))
            .map_err(|e| lost(e.into()))?;
        Ok(Client {
            stream,
            answers,
            next_seq: 0,
            user,
            role,
            store_home,
            notices,
        })
    }

    /// Sends a request and hands each part of its answer to `on_part`;
    /// returns when the answer is done.
    pub fn ask(&mut self, ask: Ask, on_part: &mut dyn FnMut(Part)) -> Result<(), ClientError> {
        self.next_seq += 1;
        let seq = self.next_seq;
        write_frame(&mut self.stream, &Request { seq, ask }).map_err(lost)?;
        loop {
            match self.answers.recv() {
                Ok(Ok((s, Part::Done { result }))) if s == seq => {
                    return result.map_err(ClientError::Failed);
                }
                Ok(Ok((s, part))) if s == seq => on_part(part),
                // An answer to a request given up on (none are, today).
                Ok(Ok(_)) => {}
                Ok(Err(why)) => return Err(ClientError::Lost(why)),
                Err(_) => return Err(ClientError::Lost("the reader stopped".into())),
            }
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

fn lost(e: FrameError) -> ClientError {
    match e {
        FrameError::Closed => ClientError::Lost("the server closed the connection".into()),
        other => ClientError::Lost(other.to_string()),
    }
}

/// Answers go to whoever asked; the feed and the loss of the connection
/// go to the listener.
fn read_loop(
    mut stream: UnixStream,
    answers: &std::sync::mpsc::Sender<Answered>,
    listen: &Listener,
) {
    loop {
        match read_frame::<ServerFrame>(&mut stream, None, FRAME_TIMEOUT) {
            Ok(ServerFrame::Answer { seq, part }) => {
                if answers.send(Ok((seq, part))).is_err() {
                    return;
                }
            }
            Ok(ServerFrame::Feed { feed }) => listen(Heard::Feed(feed)),
            Err(e) => {
                let why = match e {
                    FrameError::Closed => "the server closed the connection".to_string(),
                    other => other.to_string(),
                };
                let _ = answers.send(Err(why.clone()));
                listen(Heard::Lost(why));
                return;
            }
        }
    }
}

/// Makes sure a server listens for `target`, starting one for a store if
/// none does; quick (a server listens before it opens its store), so the
/// TUI can say what is wrong before it takes the terminal.
pub fn ensure_listening(target: &Target) -> Result<(), ClientError> {
    let path = target.socket();
    if UnixStream::connect(&path).is_ok() {
        return Ok(());
    }
    match target {
        Target::Socket(_) => Err(ClientError::NoServer(path)),
        Target::Store(dir) => start_server(dir),
    }
}

/// Starts a server for `dir` and connects to it (or to the server that
/// won the race to start).
fn start_and_connect(dir: &Path, subscribe: bool, listen: Listener) -> Result<Client, ClientError> {
    start_server(dir)?;
    let path = Target::Store(dir.to_path_buf()).socket();
    Client::connect(&path, subscribe, listen)
}

/// Starts `triad serve --on-demand` for `dir` and waits until a server
/// listens for it (this one, or another that won the race).
fn start_server(dir: &Path) -> Result<(), ClientError> {
    let target = Target::Store(dir.to_path_buf());
    let started = Instant::now();
    let mut child = spawn_server(dir)?;
    let mut pause = Duration::from_millis(2);
    // When the started server found another holding the store.
    let mut beaten_at: Option<Instant> = None;
    loop {
        if UnixStream::connect(target.socket()).is_ok() {
            reap(child);
            return Ok(());
        }
        if beaten_at.is_none()
            && let Ok(Some(status)) = child.try_wait()
        {
            match status.code() {
                // Another server holds the store: it is starting (and will
                // listen soon) or stopping (and a new one must start).
                Some(0) => beaten_at = Some(Instant::now()),
                // A program that is not a server holds the store.
                Some(code) if code == i32::from(EXIT_LOCKED) => {
                    return Err(StoreError::Locked(dir.to_path_buf()).into());
                }
                _ => return Err(failed_start(dir, status, child.stderr.take())),
            }
        }
        if beaten_at.is_some_and(|t| t.elapsed() > Duration::from_secs(1)) {
            // The server that held it was stopping: try again.
            child = spawn_server(dir)?;
            beaten_at = None;
        }
        if started.elapsed() > START_WAIT {
            reap(child);
            return Err(ClientError::Start {
                path: dir.to_path_buf(),
                why: format!(
                    "no server answered within {}s; run `triad serve --store {}` to see why",
                    START_WAIT.as_secs(),
                    dir.display()
                ),
            });
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// `triad serve --on-demand` for `dir`. Its stderr is ours to read only if
/// it fails to start; once it listens it points its stderr at /dev/null.
fn spawn_server(dir: &Path) -> Result<std::process::Child, ClientError> {
    let exe = std::env::current_exe().map_err(|e| ClientError::Start {
        path: dir.to_path_buf(),
        why: format!("cannot find the triad program: {e}"),
    })?;
    Command::new(exe)
        .arg("serve")
        .arg("--store")
        .arg(dir)
        .arg("--on-demand")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ClientError::Start {
            path: dir.to_path_buf(),
            why: e.to_string(),
        })
}

/// The server it started said why it could not start, and exited.
fn failed_start(
    dir: &Path,
    status: std::process::ExitStatus,
    stderr: Option<std::process::ChildStderr>,
) -> ClientError {
    use std::io::Read;
    let mut said = String::new();
    if let Some(mut e) = stderr {
        let _ = e.read_to_string(&mut said);
    }
    // The server's own message already says what to do ("triad: …").
    let said = said.trim().trim_start_matches("triad: ").to_string();
    if said.is_empty() {
        ClientError::Start {
            path: dir.to_path_buf(),
            why: format!(
                "the server exited ({status}); run `triad serve --store {}` to see why",
                dir.display()
            ),
        }
    } else {
        ClientError::NotStarted(said)
    }
}

/// The server outlives us; a thread collects its exit status if it ends
/// first, so it never lingers as a zombie.
fn reap(mut child: std::process::Child) {
    let _ = std::thread::Builder::new()
        .name("triad-reap".into())
        .spawn(move || child.wait());
}
