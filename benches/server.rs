//! Server figures, printed (never asserted):
//!
//! 1. round trip through `triad serve` against the same call embedded in
//!    this process (p50/p99 and the ratio server/embedded): a case bundle
//!    read (`LoadCase` of a spread of cases) and a durable write (one
//!    create, flushed before it answers);
//! 2. write throughput with 1, 4 and 20 clients writing at once, each its
//!    own connection and thread;
//! 3. resident memory of the server process after all of this (and after
//!    each phase), and of a TUI (the real binary in a 120x40
//!    pseudo-terminal) once its case list is loaded;
//! 4. time from spawning that TUI to its first full screen (the header
//!    shows the loaded case count, not "loading …"), and to its first
//!    frame;
//! 5. whole-process time of `triad search QUERY` against a warm server.
//!
//! Run with `cargo bench --bench server`. The store of `triad demo --scale
//! 100000` is built once under `target/server-bench/` and reused (delete
//! it to rebuild); `TRIAD_BENCH_SCALE=10000` (or `cargo bench --bench
//! server -- --scale 10000`) picks another size, `TRIAD_BENCH_QUERY`
//! another query for `triad search` (default `sato`). Every run adds its
//! writes to that store (bodies named `bench write …`).
//!
//! The embedded store and a server cannot hold a store at once, so the
//! embedded calls are timed first, then the store is closed and the real
//! `triad serve` binary started on it as a child process. Guards stop
//! every server and TUI when the bench ends, also on an error or a panic.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use triad::model::{Body, BodyKind, Id, Kind, Record, Sector};
use triad::query::request::{Reply, StoreEffect};
use triad::query::worker::load_case;
use triad::server::client::Client;
use triad::server::protocol::{Ask, Part};
use triad::store::{Change, RequestIds, SledStore, Store, StoreError};

const TRIAD: &str = env!("CARGO_BIN_EXE_triad");
/// Cases read, each once, on either side (after one warm-up pass).
const READS: usize = 300;
/// Durable writes timed on either side.
const WRITES: usize = 300;
/// Writes per client in the throughput runs.
const EACH: usize = 100;
const CLIENTS: [usize; 3] = [1, 4, 20];
const SEARCH_RUNS: usize = 30;
const TUI_RUNS: usize = 5;
const TUI_SIZE: (u16, u16) = (120, 40);
/// Only a guard against hanging (a big store takes seconds to open and
/// index); never a measure of speed.
const DEADLINE: Duration = Duration::from_secs(180);
/// An on-demand server started by mistake (ours not answering) goes soon.
const CHILD_IDLE: &str = "10";

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("server-bench")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

struct Spread {
    p50: Duration,
    p95: Duration,
    p99: Duration,
    max: Duration,
    n: usize,
}

fn spread(mut times: Vec<Duration>) -> Spread {
    times.sort();
    Spread {
        p50: percentile(&times, 0.50),
        p95: percentile(&times, 0.95),
        p99: percentile(&times, 0.99),
        max: times.last().copied().unwrap_or_default(),
        n: times.len(),
    }
}

/// VmRSS and VmHWM of a process, in KiB.
fn memory_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// The real binary on the store, with nothing from the environment
/// pointing it elsewhere.
fn triad(args: &[&str], dir: &Path) -> Command {
    let mut c = Command::new(TRIAD);
    c.args(args).arg("--store").arg(dir);
    c.env_remove("TRIAD_SOCKET")
        .env_remove("TRIAD_STORE")
        .env_remove("TRIAD_SERVER_IDLE");
    c.stdin(Stdio::null());
    c
}

/// Asks whatever server serves `dir` to stop, and waits until its socket
/// has gone. Quiet when none runs.
fn stop_any_server(dir: &Path) {
    let _ = triad(&["serve", "--stop"], dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let socket = triad::server::socket::socket_in(dir);
    let until = Instant::now() + Duration::from_secs(30);
    while UnixStream::connect(&socket).is_ok() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Stops any server of the store when dropped: the last guard, for a
/// server some command started on demand.
struct NoServerLeft(PathBuf);

impl Drop for NoServerLeft {
    fn drop(&mut self) {
        stop_any_server(&self.0);
    }
}

/// `triad serve --store DIR` as a child process; stopped (SIGTERM, then
/// waited for; killed if it will not go) when dropped.
struct Server {
    child: Option<Child>,
    pid: u32,
    socket: PathBuf,
}

impl Server {
    /// Starts it and waits until it listens. Retries while the store is
    /// still held (by a store just closed in this process).
    fn start(dir: &Path) -> Result<(Server, Duration), String> {
        let socket = triad::server::socket::socket_in(dir);
        let log_path = bench_dir().join("serve.log");
        let t0 = Instant::now();
        loop {
            let log = File::create(&log_path).map_err(|e| e.to_string())?;
            let child = triad(&["serve"], dir)
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .map_err(|e| format!("cannot run {TRIAD} serve: {e}"))?;
            let mut server = Server {
                pid: child.id(),
                child: Some(child),
                socket: socket.clone(),
            };
            loop {
                if UnixStream::connect(&socket).is_ok() {
                    return Ok((server, t0.elapsed()));
                }
                let exited = server
                    .child
                    .as_mut()
                    .and_then(|c| c.try_wait().ok().flatten());
                if let Some(status) = exited {
                    server.child = None;
                    let said = std::fs::read_to_string(&log_path).unwrap_or_default();
                    if said.contains("lock") && t0.elapsed() < Duration::from_secs(30) {
                        std::thread::sleep(Duration::from_millis(50));
                        break;
                    }
                    return Err(format!("triad serve exited ({status}): {}", said.trim()));
                }
                if t0.elapsed() > DEADLINE {
                    return Err("triad serve did not listen in time".into());
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    }

    fn rss_kib(&self) -> u64 {
        memory_kib(self.pid).map_or(0, |m| m.0)
    }

    fn connect(&self) -> Result<Client, String> {
        Client::connect(&self.socket, false, Arc::new(|_| {})).map_err(|e| e.to_string())
    }

    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(pid) = i32::try_from(self.pid) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
        let until = Instant::now() + Duration::from_secs(60);
        while Instant::now() < until {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!("triad serve did not stop on SIGTERM; killing it");
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The scenarios plus `n` synthetic cases (`triad demo --scale n`),
/// built once and kept.
fn scaled_store(n: usize) -> Result<PathBuf, String> {
    let dir = bench_dir().join(format!("scale-{n}"));
    let done = dir.join("seeded");
    if done.exists() {
        return Ok(dir);
    }
    stop_any_server(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    eprintln!(
        "building the store of `triad demo --scale {n}` in {} (once)",
        dir.display()
    );
    let t = Instant::now();
    // Our own server, so no on-demand one outlives the build.
    let (server, _) = Server::start(&dir)?;
    let status = triad(&["demo", "--scale", &n.to_string()], &dir)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    drop(server);
    if !status.success() {
        return Err(format!("triad demo --scale {n} failed ({status})"));
    }
    eprintln!("  built in {:.1} s", t.elapsed().as_secs_f64());
    std::fs::write(&done, b"ok").map_err(|e| e.to_string())?;
    Ok(dir)
}

/// A small body, as a form would create it. The store gives it its id;
/// the one it carries only has to be a valid id (`B-0000` is not one, and
/// a request carrying it cannot be read by the server).
fn body(name: String) -> Record {
    Record::Body(Body {
        id: Id::new(Kind::Body, 1),
        name,
        reading: None,
        sector: Sector::PatientFamily,
        kind: BodyKind::Council,
        region: "宮城県".into(),
        contact: String::new(),
        parent: None,
        cadences: Vec::new(),
        note: String::new(),
    })
}

/// A stamp that keeps one run's body names apart from another's.
fn stamp() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Opens the store once whoever held it has let go.
fn open_when_free(dir: &Path) -> Result<SledStore, String> {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        match SledStore::open(dir) {
            Ok(s) => return Ok(s),
            Err(StoreError::Locked(_)) if Instant::now() < until => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}

struct Embedded {
    open: Duration,
    cases: usize,
    picks: Vec<Id>,
    reads: Vec<Duration>,
    writes: Vec<Duration>,
}

fn embedded(dir: &Path, stamp: u64) -> Result<Embedded, String> {
    let t = Instant::now();
    let store = open_when_free(dir)?;
    let open = t.elapsed();
    let mut ids = Vec::new();
    store
        .scan(Kind::Case, &mut |r| {
            ids.push(r.id());
            true
        })
        .map_err(|e| e.to_string())?;
    let scope = triad::store::Scope::owner("bench");
    let n = READS.min(ids.len());
    let picks: Vec<Id> = (0..n).map(|i| ids[i * ids.len() / n]).collect();
    for id in &picks {
        load_case(&store, *id, &scope).map_err(|e| format!("{id}: {e}"))?;
    }
    let mut reads = Vec::with_capacity(n);
    for id in &picks {
        let t = Instant::now();
        let detail = load_case(&store, *id, &scope).map_err(|e| format!("{id}: {e}"))?;
        reads.push(t.elapsed());
        drop(detail);
    }
    let mut writes = Vec::with_capacity(WRITES);
    for i in 0..WRITES {
        let rec = body(format!("bench write {stamp} embedded {i}"));
        let t = Instant::now();
        store
            .apply(vec![Change::Create(rec)])
            .map_err(|e| e.to_string())?;
        writes.push(t.elapsed());
    }
    Ok(Embedded {
        open,
        cases: ids.len(),
        picks,
        reads,
        writes,
    })
}

fn load_remote(client: &mut Client, id: Id) -> Result<(), String> {
    let mut got = None;
    client
        .ask(
            Ask::Effect {
                effect: StoreEffect::LoadCase(id),
            },
            &mut |part| {
                if let Part::Reply { reply } = part
                    && let Reply::Case(r) = *reply
                {
                    got = Some(r.map(drop).map_err(|(_, e)| e.to_string()));
                }
            },
        )
        .map_err(|e| format!("reading {id} through the server: {e}"))?;
    got.unwrap_or_else(|| Err("no case in the answer".into()))
        .map_err(|e| format!("{id}: {e}"))
}

fn save_remote(client: &mut Client, request: u128, rec: Record) -> Result<(), String> {
    let mut got = None;
    client
        .ask(
            Ask::Effect {
                effect: StoreEffect::Save {
                    request,
                    ops: vec![Change::Create(rec)],
                },
            },
            &mut |part| {
                if let Part::Reply { reply } = part {
                    got = Some(match *reply {
                        Reply::Saved(_) => Ok(()),
                        other => Err(format!("{other:?}")),
                    });
                }
            },
        )
        .map_err(|e| format!("saving through the server: {e}"))?;
    got.unwrap_or_else(|| Err("no reply to the save".into()))
}

/// Connects, then waits for what a warm server has: the finder's index
/// (a search waits for it), everything loaded once, the dashboard.
fn warm_up(server: &Server) -> Result<(Duration, Duration), String> {
    let t = Instant::now();
    let mut client = server.connect()?;
    let opened = t.elapsed();
    let search = Ask::Search {
        query: "sato".into(),
        limit: 20,
        restricted: true,
    };
    client.ask(search, &mut |_| {}).map_err(|e| e.to_string())?;
    let indexed = t.elapsed();
    for effect in [StoreEffect::LoadAll, StoreEffect::RefreshDashboard] {
        client
            .ask(Ask::Effect { effect }, &mut |_| {})
            .map_err(|e| e.to_string())?;
    }
    Ok((opened, indexed))
}

/// `clients` connections, each on its own thread, each writing `EACH`
/// bodies one after another; all start together. Writes per second over
/// the whole run, and every write's latency.
fn throughput(server: &Server, clients: usize, stamp: u64) -> Result<(f64, Spread), String> {
    let mut connected = Vec::with_capacity(clients);
    for _ in 0..clients {
        connected.push(server.connect()?);
    }
    let barrier = Arc::new(Barrier::new(clients + 1));
    let threads: Vec<_> = connected
        .into_iter()
        .enumerate()
        .map(|(c, mut client)| {
            let barrier = barrier.clone();
            std::thread::spawn(move || -> Result<Vec<Duration>, String> {
                let mut requests = RequestIds::new();
                barrier.wait();
                let mut times = Vec::with_capacity(EACH);
                for i in 0..EACH {
                    let rec = body(format!("bench write {stamp} x{clients} c{c} {i}"));
                    let t = Instant::now();
                    save_remote(&mut client, requests.next_id(), rec)?;
                    times.push(t.elapsed());
                }
                Ok(times)
            })
        })
        .collect();
    barrier.wait();
    let t0 = Instant::now();
    let mut all = Vec::with_capacity(clients * EACH);
    let mut failed = None;
    for t in threads {
        match t.join() {
            Ok(Ok(times)) => all.extend(times),
            Ok(Err(e)) => failed = Some(e),
            Err(_) => failed = Some("a writer thread panicked".into()),
        }
    }
    let elapsed = t0.elapsed();
    if let Some(e) = failed {
        return Err(e);
    }
    Ok((all.len() as f64 / elapsed.as_secs_f64(), spread(all)))
}

/// Whole-process times of `triad search QUERY` (a few runs first, not
/// counted); and the hits the first run printed.
fn searches(dir: &Path, query: &str) -> Result<(Spread, usize), String> {
    let mut times = Vec::new();
    let mut hits = 0;
    for run in 0..3 + SEARCH_RUNS {
        let t = Instant::now();
        let out = triad(&["search", query], dir)
            .env("TRIAD_SERVER_IDLE", CHILD_IDLE)
            .output()
            .map_err(|e| e.to_string())?;
        let took = t.elapsed();
        match out.status.code() {
            Some(0 | 1) => {}
            _ => {
                return Err(format!(
                    "triad search failed ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
        }
        if run == 0 {
            hits = String::from_utf8_lossy(&out.stdout).lines().count();
        }
        if run >= 3 {
            times.push(took);
        }
    }
    Ok((spread(times), hits))
}

/// What the header says: loaded (and how many cases), still loading, or
/// an error.
enum Header {
    Loading,
    Loaded(usize),
    Failed(String),
}

fn header_state(row: &str) -> Header {
    let row = row.trim_end();
    if row.contains("Load failed") || row.contains("disconnected") {
        return Header::Failed(row.trim().to_string());
    }
    if row.contains("loading") {
        return Header::Loading;
    }
    let Some(head) = row.strip_suffix(" cases") else {
        return Header::Loading;
    };
    let digits: String = head
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    match digits.parse() {
        Ok(n) => Header::Loaded(n),
        Err(_) => Header::Loading,
    }
}

/// A TUI in a pseudo-terminal, killed when dropped if it has not quit.
struct Tui {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// What the pty's reader saw, stamped right after the bytes that drew it.
#[derive(Default)]
struct Seen {
    /// The header first drawn (loading or not).
    painted: Option<Instant>,
    /// The header first said it had loaded (or failed).
    loaded: Option<(Instant, Header)>,
    /// The last header, for an error message.
    header: String,
}

struct TuiRun {
    /// The header first drawn (loading or not).
    first_paint: Duration,
    first_screen: Duration,
    cases: usize,
    /// VmRSS when the screen showed the case count, and a second later.
    rss_kib: (u64, u64),
}

/// Spawns `triad --store DIR` at 120x40, waits until the header shows the
/// loaded case count; its memory then, and a second later; then quits it.
fn tui_run(dir: &Path, home: &Path) -> Result<TuiRun, String> {
    let (cols, rows) = TUI_SIZE;
    let pair = native_pty_system()
        .openpty(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .map_err(|e| e.to_string())?;
    let mut cmd = CommandBuilder::new(TRIAD);
    cmd.arg("--store");
    cmd.arg(dir);
    cmd.args(["--lang", "en"]);
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "C.UTF-8");
    cmd.env("HOME", home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("XDG_DATA_HOME", home.join("data"));
    cmd.env("TRIAD_SERVER_IDLE", CHILD_IDLE);
    for var in ["LC_ALL", "NO_COLOR", "TRIAD_STORE", "TRIAD_SOCKET"] {
        cmd.env_remove(var);
    }
    let mut reader = pair.master.try_clone_reader().map_err(|e| e.to_string())?;
    let writer = pair.master.take_writer().map_err(|e| e.to_string())?;
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let t0 = Instant::now();
    let child = pair.slave.spawn_command(cmd).map_err(|e| e.to_string())?;
    drop(pair.slave);
    let mut tui = Tui {
        child,
        writer,
        _master: pair.master,
    };
    let pid = tui.child.process_id().ok_or("the TUI has no pid")?;
    let watch = seen.clone();
    std::thread::spawn(move || {
        let mut parser = vt100::Parser::new(rows, cols, 0);
        let mut buf = [0u8; 16384];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser.process(&buf[..n]);
            let header = parser.screen().rows(0, cols).next().unwrap_or_default();
            let Ok(mut seen) = watch.lock() else {
                break;
            };
            if !header.trim().is_empty() {
                seen.painted.get_or_insert_with(Instant::now);
            }
            if seen.loaded.is_none() {
                match header_state(&header) {
                    Header::Loading => {}
                    done => seen.loaded = Some((Instant::now(), done)),
                }
            }
            seen.header = header;
        }
    });
    let (at, state) = loop {
        if let Ok(mut s) = seen.lock()
            && let Some(done) = s.loaded.take()
        {
            break done;
        }
        if let Ok(Some(status)) = tui.child.try_wait() {
            let last = seen.lock().map(|s| s.header.clone()).unwrap_or_default();
            return Err(format!("the TUI exited ({status:?}); header: {last}"));
        }
        if t0.elapsed() > DEADLINE {
            let last = seen.lock().map(|s| s.header.clone()).unwrap_or_default();
            return Err(format!("the TUI did not finish loading; header: {last}"));
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let rss_then = memory_kib(pid).map_or(0, |m| m.0);
    let cases = match state {
        Header::Loaded(n) => n,
        Header::Failed(why) => return Err(format!("the TUI says: {why}")),
        Header::Loading => 0,
    };
    std::thread::sleep(Duration::from_secs(1));
    let rss_later = memory_kib(pid).map_or(0, |m| m.0);
    // Quit as a person would; the guard kills it if that is not enough.
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until {
        let _ = tui.writer.write_all(b"q");
        let _ = tui.writer.flush();
        std::thread::sleep(Duration::from_millis(100));
        if let Ok(Some(_)) = tui.child.try_wait() {
            break;
        }
    }
    drop(tui);
    Ok(TuiRun {
        first_paint: seen
            .lock()
            .ok()
            .and_then(|s| s.painted)
            .map_or(Duration::ZERO, |p| p - t0),
        first_screen: at - t0,
        cases,
        rss_kib: (rss_then, rss_later),
    })
}

/// The scale to measure: `--scale N`, else `$TRIAD_BENCH_SCALE`, else
/// 100000. (`cargo bench` also passes `--bench`, ignored here.)
fn scale() -> Result<usize, String> {
    let args: Vec<String> = std::env::args().collect();
    let given = match args.iter().position(|a| a == "--scale") {
        Some(i) => args.get(i + 1).cloned(),
        None => std::env::var("TRIAD_BENCH_SCALE").ok(),
    };
    match given {
        Some(s) => s.trim().parse().map_err(|_| format!("not a scale: {s:?}")),
        None => Ok(100_000),
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("bench failed: {e}");
        std::process::exit(1);
    }
}

/// One row of the summary.
struct Row {
    figure: String,
    measured: String,
    target: &'static str,
    met: Option<bool>,
}

fn row(
    figure: impl Into<String>,
    measured: String,
    target: &'static str,
    met: Option<bool>,
) -> Row {
    Row {
        figure: figure.into(),
        measured,
        target,
        met,
    }
}

fn run() -> Result<(), String> {
    let n = scale()?;
    let query = std::env::var("TRIAD_BENCH_QUERY").unwrap_or_else(|_| "sato".into());
    let cores = std::thread::available_parallelism().map_or(0, |c| c.get());
    println!("# Server figures, store of `triad demo --scale {n}`");
    println!(
        "{cores} cores; load average at start {} (other work may be running)",
        load_average()
    );
    std::fs::create_dir_all(bench_dir()).map_err(|e| e.to_string())?;
    let dir = scaled_store(n)?;
    // Dropped last: no server of this store outlives the bench.
    let _no_server_left = NoServerLeft(dir.clone());
    // A server left from an earlier run would hold the store.
    stop_any_server(&dir);
    let stamp = stamp();
    let mut rows = Vec::new();

    // 1. Embedded, first: the store is ours alone until it is dropped.
    let emb = embedded(&dir, stamp)?;
    println!();
    println!(
        "embedded: store opened in {:.0} ms, {} cases; reading {} of them, spread over the ids",
        ms(emb.open),
        emb.cases,
        emb.picks.len()
    );

    // The server on the same store, warmed up.
    let (server, listening) = Server::start(&dir)?;
    let (opened, indexed) = warm_up(&server)?;
    // The server's VmRSS after each phase, to see what its memory is for.
    let mut rss_at = vec![("warm (open, index, one full load)", server.rss_kib())];
    println!(
        "server (pid {}): listening {:.0} ms after spawn; store open {:.2} s and finder indexed {:.2} s after that",
        server.pid,
        ms(listening),
        opened.as_secs_f64(),
        indexed.as_secs_f64()
    );
    let mut client = server.connect()?;
    for id in &emb.picks {
        load_remote(&mut client, *id)?;
    }
    let mut reads = Vec::with_capacity(emb.picks.len());
    for id in &emb.picks {
        let t = Instant::now();
        load_remote(&mut client, *id)?;
        reads.push(t.elapsed());
    }
    let mut requests = RequestIds::new();
    let mut writes = Vec::with_capacity(WRITES);
    for i in 0..WRITES {
        let rec = body(format!("bench write {stamp} server {i}"));
        let t = Instant::now();
        save_remote(&mut client, requests.next_id(), rec)?;
        writes.push(t.elapsed());
    }
    drop(client);
    rss_at.push(("after the round trips", server.rss_kib()));

    println!();
    println!("## 1. Round trip: server against the same call embedded");
    println!("| call | embedded p50 / p99 | server p50 / p99 | ratio p50 / p99 |");
    println!("|---|---|---|---|");
    for (short, what, e, s) in [
        (
            "case read (LoadCase)",
            format!("case bundle read (LoadCase), {} cases", emb.picks.len()),
            spread(emb.reads.clone()),
            spread(reads),
        ),
        (
            "durable write (create)",
            format!("durable write (create a body, flushed), {WRITES} writes"),
            spread(emb.writes.clone()),
            spread(writes),
        ),
    ] {
        let r50 = s.p50.as_secs_f64() / e.p50.as_secs_f64();
        let r99 = s.p99.as_secs_f64() / e.p99.as_secs_f64();
        println!(
            "| {what} | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {r50:.1}x / {r99:.1}x |",
            ms(e.p50),
            ms(e.p99),
            ms(s.p50),
            ms(s.p99)
        );
        rows.push(row(
            format!("{short}, server/embedded p50"),
            format!("{:.2} / {:.2} ms = {r50:.1}x", ms(s.p50), ms(e.p50)),
            "<= 3x",
            Some(r50 <= 3.0),
        ));
        rows.push(row(
            format!("{short}, server/embedded p99"),
            format!("{:.2} / {:.2} ms = {r99:.1}x", ms(s.p99), ms(e.p99)),
            "<= 3x",
            Some(r99 <= 3.0),
        ));
    }

    println!();
    println!(
        "## 2. Write throughput (each client its own connection and thread, {EACH} writes each)"
    );
    println!("| clients | writes/s | latency p50 / p99 / max |");
    println!("|---|---|---|");
    for clients in CLIENTS {
        let (per_s, lat) = throughput(&server, clients, stamp)?;
        println!(
            "| {clients} | {per_s:.0} | {:.2} / {:.2} / {:.1} ms |",
            ms(lat.p50),
            ms(lat.p99),
            ms(lat.max)
        );
        let phase = match clients {
            1 => "after 1 writer",
            4 => "after 4 writers",
            _ => "after 20 writers",
        };
        rss_at.push((phase, server.rss_kib()));
        rows.push(row(
            format!("write throughput, {clients} client(s)"),
            format!("{per_s:.0} writes/s"),
            "-",
            None,
        ));
    }

    println!();
    println!(
        "## 3-4. TUI at {}x{} on the warm server, spawn until the header shows the case count",
        TUI_SIZE.0, TUI_SIZE.1
    );
    println!(
        "| run | first frame (header drawn) | first full screen | cases | VmRSS then / 1 s later |"
    );
    println!("|---|---|---|---|---|");
    let home = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut firsts = Vec::new();
    let mut rss_max = 0;
    for i in 1..=TUI_RUNS {
        let r = tui_run(&dir, home.path())?;
        println!(
            "| {i} | {:.0} ms | {:.0} ms | {} | {:.1} / {:.1} MiB |",
            ms(r.first_paint),
            ms(r.first_screen),
            r.cases,
            mib(r.rss_kib.0),
            mib(r.rss_kib.1)
        );
        firsts.push(r.first_screen);
        rss_max = rss_max.max(r.rss_kib.0).max(r.rss_kib.1);
    }
    let f = spread(firsts);
    rss_at.push((
        "after the TUIs (each loads everything once)",
        server.rss_kib(),
    ));

    println!();
    println!("## 5. `triad search {query}`, whole process, warm server");
    let (s, hits) = searches(&dir, &query)?;
    rss_at.push(("after the searches", server.rss_kib()));
    println!(
        "{} runs: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({hits} hits printed)",
        s.n,
        ms(s.p50),
        ms(s.p95),
        ms(s.max)
    );
    let search_rows = [
        row(
            format!("`triad search {query}` whole process, p50"),
            format!("{:.1} ms", ms(s.p50)),
            "<= 20 ms",
            Some(s.p50 <= Duration::from_millis(20)),
        ),
        row(
            format!("`triad search {query}` whole process, p95"),
            format!("{:.1} ms", ms(s.p95)),
            "<= 20 ms",
            Some(s.p95 <= Duration::from_millis(20)),
        ),
    ];

    let (rss, hwm) = memory_kib(server.pid).unwrap_or_default();
    println!();
    println!(
        "## 3. Server process after all of the above: VmRSS {:.0} MiB, peak (VmHWM) {:.0} MiB",
        mib(rss),
        mib(hwm)
    );
    let phases: Vec<String> = rss_at
        .iter()
        .map(|(what, kib)| format!("{what} {:.0} MiB", mib(*kib)))
        .collect();
    println!("VmRSS by phase: {}", phases.join("; "));
    rows.push(row(
        "server RSS after load (peak)",
        format!("{:.0} MiB (peak {:.0} MiB)", mib(rss), mib(hwm)),
        "-",
        None,
    ));
    let rss_mb = rss_max as f64 * 1024.0 / 1e6;
    rows.push(row(
        "TUI client RSS, loaded (largest of the runs)",
        format!("{rss_mb:.1} MB ({:.1} MiB)", mib(rss_max)),
        "<= 50 MB",
        Some(rss_mb <= 50.0),
    ));
    rows.push(row(
        format!("TUI first full screen, median of {TUI_RUNS}"),
        format!("{:.0} ms (max {:.0} ms)", ms(f.p50), ms(f.max)),
        "<= 100 ms",
        Some(f.p50 <= Duration::from_millis(100)),
    ));
    rows.extend(search_rows);

    drop(server);
    drop(home);

    println!();
    println!("## Summary, `triad demo --scale {n}`");
    println!("| figure | measured | target | |");
    println!("|---|---|---|---|");
    for r in rows {
        let verdict = match r.met {
            Some(true) => "met",
            Some(false) => "missed",
            None => "",
        };
        println!(
            "| {} | {} | {} | {verdict} |",
            r.figure, r.measured, r.target
        );
    }
    println!();
    println!("load average at the end {}", load_average());
    Ok(())
}
