//! The real binary in a pseudo-terminal, read back through a terminal
//! emulator (vt100), so the test sees what a person sees.
//!
//! Waiting is for a condition on the screen (with a generous deadline),
//! never for a fixed time, and no timing is asserted.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const DEADLINE: Duration = Duration::from_secs(30);

struct Session {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    screen: Arc<Mutex<vt100::Parser>>,
    /// Every byte the app wrote, to check what it did to the terminal.
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Session {
    fn start(args: &[&str], home: &Path, cols: u16, rows: u16) -> Session {
        Self::start_with(args, home, cols, rows, &[])
    }

    /// [`Session::start`] with more environment variables.
    fn start_with(
        args: &[&str],
        home: &Path,
        cols: u16,
        rows: u16,
        env: &[(&str, &Path)],
    ) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_triad"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env_remove("LC_ALL");
        cmd.env_remove("TRIAD_STORE");
        cmd.env_remove("NO_COLOR");
        // No user keymap or config from the machine running the tests.
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_DATA_HOME", home.join("data"));
        // Temporary files (the --demo store) inside the test's own directory.
        let tmp = home.join("tmp");
        std::fs::create_dir_all(&tmp).expect("tmp dir");
        cmd.env("TMPDIR", &tmp);
        for (name, value) in env {
            cmd.env(name, value);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn triad");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut p) = s.lock() {
                    p.process(&buf[..n]);
                }
                if let Ok(mut v) = r.lock() {
                    v.extend_from_slice(&buf[..n]);
                }
            }
        });
        Session {
            master: pair.master,
            writer,
            child,
            screen,
            raw,
        }
    }

    fn contents(&self) -> String {
        self.screen
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    /// Wait until the screen shows `text`.
    fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if self.contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "timed out waiting for {text:?}; screen:\n{}",
            self.contents()
        );
    }

    fn send(&mut self, bytes: &str) {
        self.writer
            .write_all(bytes.as_bytes())
            .expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Wait for the process to end; its exit status.
    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("triad did not exit; screen:\n{}", self.contents());
    }

    fn resize(&mut self, cols: u16, rows: u16) {
        // The screen takes the new size before the app hears of it: a
        // redraw read at the old size would leave the parser's cells
        // behind what the app believes is on screen (a flaky test in CI).
        let mut screen = self.screen.lock().expect("screen");
        screen.set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize pty");
    }

    /// The terminal is back to normal: main screen, cursor shown, and the
    /// app asked to leave the alternate screen and bracketed paste.
    fn assert_restored(&self) {
        let start = Instant::now();
        loop {
            let raw = self
                .raw
                .lock()
                .map(|v| String::from_utf8_lossy(&v).into_owned())
                .unwrap_or_default();
            let done = raw.contains("\x1b[?1049l")
                && raw.contains("\x1b[?2004l")
                && raw.contains("\x1b[?25h");
            if done {
                break;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "terminal not restored; tail of output: {:?}",
                &raw[raw.len().saturating_sub(200)..]
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let p = self.screen.lock().expect("screen");
        assert!(
            !p.screen().alternate_screen(),
            "still on the alternate screen"
        );
        assert!(!p.screen().hide_cursor(), "cursor still hidden");
    }
}

const CTRL_P: &str = "\x10";
const CTRL_S: &str = "\x13";
const TAB: &str = "\t";
const ENTER: &str = "\r";

fn seeded_store(dir: &Path) {
    let store = triad::store::SledStore::open(dir).expect("open store");
    triad::demo::seed(&store, chrono::Local::now().date_naive()).expect("seed");
}

/// The app started on `store`, in `lang`, on a `cols`x`rows` terminal.
fn start_on(store: &Path, home: &Path, lang: &str, cols: u16, rows: u16) -> Session {
    let store = store.to_str().expect("utf-8 path");
    Session::start(&["--store", store, "--lang", lang], home, cols, rows)
}

/// A store seeded with the demo under `home`, and the app started on it.
fn start_on_seeded_store(home: &Path, lang: &str, cols: u16, rows: u16) -> (PathBuf, Session) {
    let store = home.join("store");
    seeded_store(&store);
    let session = start_on(&store, home, lang, cols, rows);
    (store, session)
}

fn triad_check(store: &Path) -> bool {
    std::process::Command::new(env!("CARGO_BIN_EXE_triad"))
        .args(["--store", &store.display().to_string(), "check"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn sendai_case_from_the_finder_then_a_note_that_survives_a_restart() {
    let home = tempfile::tempdir().expect("home");
    let (store, mut s) = start_on_seeded_store(home.path(), "en", 100, 30);
    open_sendai(&mut s);
    // Dr. K in the triad, his ended role with its date.
    s.wait_for("ended 2015-03-31");
    // The timeline goes back to the start of the partnership.
    s.send(&TAB.repeat(3));
    s.wait_for("2009");
    s.wait_for("K医師との懇談");
    // Resize mid-session: the app follows.
    s.resize(140, 40);
    let start = Instant::now();
    // The header's right-aligned count moves to the new right edge.
    while s
        .contents()
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        < 130
    {
        assert!(
            start.elapsed() < DEADLINE,
            "no redraw at the new size:\n{}",
            s.contents()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(s.contents().contains("K医師との懇談"));
    // Add a trust note.
    s.send("m");
    s.wait_for("Add a trust note");
    // Who may read it, about whom, then the note.
    s.send(&TAB.repeat(2));
    s.send("E2E note typed in a pty");
    s.send(CTRL_S);
    s.wait_for("Saved T-");
    s.send("q");
    assert!(s.wait_exit().success());
    s.assert_restored();

    // Reopen: the note is there.
    let mut s = start_on(&store, home.path(), "en", 100, 30);
    open_sendai(&mut s);
    s.send(&TAB.repeat(2));
    s.wait_for("E2E note typed in a pty");
    s.send("q");
    assert!(s.wait_exit().success());
    assert!(triad_check(&store));
}

#[test]
fn sighup_with_a_form_open_restores_the_terminal_and_the_store_checks_clean() {
    let home = tempfile::tempdir().expect("home");
    let (store, mut s) = start_on_seeded_store(home.path(), "ja", 80, 24);
    s.wait_for("ダッシュボード");
    s.send("nc");
    s.wait_for("新規ケース");
    s.send("途中まで入力");
    s.wait_for("途中まで入力");
    let pid = s.child.process_id().expect("pid");
    let killed = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    s.wait_exit();
    s.assert_restored();
    assert!(triad_check(&store), "the store does not pass triad check");
}

#[test]
fn demo_flag_opens_a_private_store_and_ctrl_c_quits() {
    let home = tempfile::tempdir().expect("home");
    let mut s = Session::start(&["--demo", "--lang", "en"], home.path(), 80, 24);
    s.wait_for("Dashboard");
    s.wait_for("cases");
    s.send("gc");
    s.wait_for("仙台ポリオ");
    let demo_dirs = || -> Vec<String> {
        std::fs::read_dir(home.path().join("tmp"))
            .expect("temp dir")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| n.starts_with("triad-demo-"))
            .collect()
    };
    assert_eq!(
        demo_dirs().len(),
        1,
        "the demo store lives in TMPDIR while running"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = home.path().join("tmp").join(&demo_dirs()[0]);
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the demo directory is its user's only");
    }
    s.send("\x03");
    assert!(s.wait_exit().success());
    s.assert_restored();
    // The private demo store is gone.
    assert!(
        demo_dirs().is_empty(),
        "demo store left behind: {:?}",
        demo_dirs()
    );
    // It never touched a store under the home directory.
    assert!(!home.path().join("data").join("triad").exists());
}

#[test]
fn a_store_that_cannot_be_opened_ends_the_session_with_the_reason() {
    let home = tempfile::tempdir().expect("home");
    let store = home.path().join("broken");
    std::fs::create_dir(&store).expect("store dir");
    // Passes the quick checks (it looks like a store), fails in sled.
    std::fs::write(store.join("db"), "not a database").expect("db file");
    let mut s = Session::start(
        &["--store", store.to_str().expect("utf-8")],
        home.path(),
        80,
        24,
    );
    let status = s.wait_exit();
    assert!(!status.success());
    s.assert_restored();
    s.wait_for("triad:");
}

#[test]
fn a_store_held_by_another_process_is_refused_before_the_screen_changes() {
    let home = tempfile::tempdir().expect("home");
    let store = home.path().join("held");
    seeded_store(&store);
    let _held = triad::store::SledStore::open(&store).expect("hold the store");
    let mut s = Session::start(
        &["--store", store.to_str().expect("utf-8")],
        home.path(),
        80,
        24,
    );
    assert!(!s.wait_exit().success());
    s.wait_for("another triad is using");
    let raw = s
        .raw
        .lock()
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .unwrap_or_default();
    assert!(
        !raw.contains("\x1b[?1049h"),
        "the alternate screen was never entered"
    );
}

/// The pids of the servers serving `store` (from /proc: the real process
/// table, not what a server says of itself).
fn server_pids(store: &Path) -> Vec<u32> {
    let want = store.display().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
                let args: Vec<String> = c
                    .split(|b| *b == 0)
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect();
                args.iter().any(|a| a == "serve") && args.contains(&want)
            })
        })
        .collect()
}

/// Open the Sendai case through the finder (Dr. K shows in its triad).
fn open_sendai(s: &mut Session) {
    s.wait_for("Dashboard");
    s.send(CTRL_P);
    s.wait_for("Find:");
    s.send("仙台ポリオの会 会員");
    s.wait_for("case    C-");
    s.send(ENTER);
    s.wait_for("K医師");
}

/// Open the Sendai case and show its trust notes.
fn open_sendai_notes(s: &mut Session) {
    open_sendai(s);
    s.send(&TAB.repeat(2));
    s.wait_for("Trust notes");
}

#[test]
fn two_tuis_share_one_server_and_a_note_saved_in_one_shows_in_the_other() {
    let home = tempfile::tempdir().expect("home");
    let (store, mut a) = start_on_seeded_store(home.path(), "en", 120, 40);
    let mut b = start_on(&store, home.path(), "en", 120, 40);
    open_sendai_notes(&mut a);
    open_sendai_notes(&mut b);
    assert_eq!(server_pids(&store).len(), 1, "both talk to one server");

    // A command line in a third pane works while both are open.
    let found = std::process::Command::new(env!("CARGO_BIN_EXE_triad"))
        .args(["--store", &store.display().to_string(), "search", "porio"])
        .output()
        .expect("run triad search");
    assert!(found.status.success(), "{found:?}");

    a.send("m");
    a.wait_for("Add a trust note");
    a.send(&TAB.repeat(2));
    a.send("Seen from the other pane");
    a.send(CTRL_S);
    a.wait_for("Saved T-");
    // B shows it without a key press, and says what changed.
    b.wait_for("Seen from the other pane");
    b.wait_for("updated just now");

    a.send("q");
    b.send("q");
    assert!(a.wait_exit().success());
    assert!(b.wait_exit().success());
}

#[test]
fn the_tui_reconnects_when_the_server_dies_and_keeps_the_form() {
    let home = tempfile::tempdir().expect("home");
    let (store, mut s) = start_on_seeded_store(home.path(), "en", 120, 40);
    open_sendai_notes(&mut s);
    s.send("m");
    s.wait_for("Add a trust note");
    // Who may read it, about whom, then the note.
    s.send(&TAB.repeat(2));
    s.send("Typed while the server died");
    let pids = server_pids(&store);
    assert_eq!(pids.len(), 1);
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pids[0].to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    // It notices and says so (perhaps only for a moment: the raw output
    // keeps it), starts a new server, resyncs; the form is still there.
    let start = Instant::now();
    while !s
        .raw
        .lock()
        .is_ok_and(|r| String::from_utf8_lossy(&r).contains("disconnected - reconnecting"))
    {
        assert!(start.elapsed() < DEADLINE, "never said it was disconnected");
        std::thread::sleep(Duration::from_millis(20));
    }
    let start = Instant::now();
    while server_pids(&store).iter().all(|p| *p == pids[0]) || s.contents().contains("disconnected")
    {
        assert!(
            start.elapsed() < DEADLINE,
            "no reconnect:\n{}",
            s.contents()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    s.wait_for("Typed while the server died");
    s.send(CTRL_S);
    s.wait_for("Saved T-");
    s.send("q");
    assert!(s.wait_exit().success());
    assert!(triad_check(&store));
}

#[test]
fn a_case_view_opened_in_the_tui_shows_in_triad_audit() {
    let home = tempfile::tempdir().expect("home");
    let (store, mut s) = start_on_seeded_store(home.path(), "en", 120, 40);
    open_sendai(&mut s);
    s.send("q");
    assert!(s.wait_exit().success());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_triad"))
        .args(["--store", &store.display().to_string(), "audit", "--json"])
        .env("TRIAD_SERVER_IDLE", "3")
        .output()
        .expect("triad audit");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entries: Vec<triad::model::AuditEntry> =
        serde_json::from_slice(&out.stdout).expect("a JSON array of entries");
    let titles: std::collections::HashMap<_, _> =
        triad::demo::scenarios(chrono::Local::now().date_naive())
            .into_iter()
            .filter_map(|r| match r {
                triad::model::Record::Case(c) => Some((c.id, c.title)),
                _ => None,
            })
            .collect();
    let viewed: Vec<_> = entries
        .iter()
        .filter(|e| e.action == triad::model::AuditAction::View)
        .collect();
    assert!(
        viewed.iter().any(|e| e
            .entity
            .and_then(|id| titles.get(&id))
            .is_some_and(|t| t.starts_with("仙台"))),
        "the Sendai case view is in the trail: {viewed:?}"
    );
    let me = &viewed[0].user;
    assert!(!me.is_empty());
    // Nothing personal in what the trail says.
    for e in &entries {
        for t in titles.values() {
            assert!(!e.text(triad::i18n::Lang::En).contains(t.as_str()), "{e:?}");
        }
    }
    // The case filter finds it too, in the plain listing.
    // The first entity viewed (the lists' entry names none).
    let case = viewed.iter().find_map(|e| e.entity).unwrap().to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_triad"))
        .args([
            "--store",
            &store.display().to_string(),
            "audit",
            "--case",
            &case,
        ])
        .output()
        .expect("triad audit --case");
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(listing.contains("view"), "{listing}");
    assert!(triad_check(&store));
}

/// The real binary in meeting mode on a projector-sized screen: the
/// Kumamoto client's name never reaches the terminal until `v` shows it,
/// the title is never set, the name goes again after 5 seconds, and
/// `triad audit` lists the reveal.
#[test]
fn meeting_mode_masks_names_in_the_bytes_and_a_reveal_shows_in_triad_audit() {
    let home = tempfile::tempdir().expect("home");
    let store = home.path().join("store");
    seeded_store(&store);
    let path = store.to_str().expect("utf-8 path");
    let mut s = Session::start(
        &["--store", path, "--lang", "ja", "--meeting"],
        home.path(),
        100,
        30,
    );
    s.wait_for("会議モード");
    s.send(CTRL_P);
    s.send("kumamoto nyugan");
    s.wait_for("M.さん");
    s.send(ENTER);
    s.wait_for("相談者 M.S.");
    let before_reveal = s.raw.lock().expect("raw").len();
    s.send("v");
    s.wait_for("森田 さとみ");
    // Gone again after a few seconds, without a key.
    let start = Instant::now();
    while s.contents().contains("森田 さとみ") {
        assert!(
            start.elapsed() < DEADLINE,
            "the name stayed:\n{}",
            s.contents()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(s.contents().contains("相談者 M.S."), "{}", s.contents());
    s.send("q");
    assert!(s.wait_exit().success());
    let raw = s.raw.lock().expect("raw").clone();
    let shown_before = String::from_utf8_lossy(&raw[..before_reveal]);
    for secret in ["森田", "さとみ", "モリタ", "Morita"] {
        assert!(
            !shown_before.contains(secret),
            "{secret} reached the terminal"
        );
    }
    let all = String::from_utf8_lossy(&raw);
    assert!(
        !all.contains("\x1b]"),
        "an OSC sequence (a title) was written"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_triad"))
        .args(["--store", path, "audit", "--json"])
        .output()
        .expect("triad audit");
    let entries: Vec<triad::model::AuditEntry> =
        serde_json::from_slice(&out.stdout).expect("a JSON array of entries");
    let reveal = entries
        .iter()
        .find(|e| e.action == triad::model::AuditAction::Reveal)
        .expect("the reveal is in the trail");
    assert!(
        reveal.text(triad::i18n::Lang::En).contains("name"),
        "{reveal:?}"
    );
    assert!(
        !reveal.text(triad::i18n::Lang::En).contains("森田"),
        "{reveal:?}"
    );
    assert!(triad_check(&store));
}

/// An `$EDITOR` that says where it was started (its pid and the file, in
/// `started`) and then waits, as a person typing would.
fn waiting_editor(home: &Path) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let started = home.join("editor-started");
    let script = home.join("editor.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$$ $1\" > {}.tmp\nmv {}.tmp {}\nexec sleep 60\n",
            started.display(),
            started.display(),
            started.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
    (script, started)
}

/// The editor's pid and the note's file, once it has started.
fn editor_started(started: &Path) -> (u32, PathBuf) {
    let until = Instant::now() + DEADLINE;
    loop {
        if let Ok(text) = std::fs::read_to_string(started) {
            let (pid, file) = text.trim_end().split_once(' ').expect("pid and file");
            return (pid.parse().unwrap(), PathBuf::from(file));
        }
        assert!(Instant::now() < until, "the editor never started");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit_once(')')
            .is_some_and(|(_, r)| !r.trim_start().starts_with(['Z', 'X']))
    })
}

#[test]
fn the_editor_file_is_private_and_goes_on_sighup_and_after_a_killed_session() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("home");
    let store = home.path().join("store");
    seeded_store(&store);
    let run = home.path().join("run");
    std::fs::create_dir(&run).unwrap();
    std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).unwrap();
    let (editor, started) = waiting_editor(home.path());
    let args = ["--store", store.to_str().unwrap(), "--lang", "en"];
    let env = [
        ("EDITOR", editor.as_path()),
        ("XDG_RUNTIME_DIR", run.as_path()),
    ];
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;

    // 1. SIGHUP while the editor is open: the note's file goes, the editor stops.
    let mut s = Session::start_with(&args, home.path(), 100, 30, &env);
    open_sendai(&mut s);
    s.send("M");
    let (editor_pid, note) = editor_started(&started);
    assert_eq!(note.parent().unwrap(), run.join("triad-edit"));
    assert_eq!((mode(&note), mode(note.parent().unwrap())), (0o600, 0o700));
    let pid = s.child.process_id().expect("pid");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGHUP,
    )
    .unwrap();
    s.wait_exit();
    s.assert_restored();
    assert!(!note.exists(), "the note's file outlived SIGHUP");
    let until = Instant::now() + DEADLINE;
    while alive(editor_pid) {
        assert!(Instant::now() < until, "the editor outlived the session");
        std::thread::sleep(Duration::from_millis(20));
    }

    // 2. Killed outright: the file stays, and the next triad removes it.
    std::fs::remove_file(&started).unwrap();
    let mut s = Session::start_with(&args, home.path(), 100, 30, &env);
    open_sendai(&mut s);
    s.send("M");
    let (editor_pid, note) = editor_started(&started);
    let pid = s.child.process_id().expect("pid");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    s.wait_exit();
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(editor_pid as i32),
        nix::sys::signal::Signal::SIGKILL,
    );
    assert!(
        note.exists(),
        "SIGKILL cannot clean up: the next start must"
    );
    let mut s = Session::start_with(&args, home.path(), 100, 30, &env);
    s.wait_for("Dashboard");
    assert!(
        !note.exists(),
        "the next triad left a killed session's note"
    );
    s.send("q");
    assert!(s.wait_exit().success());
}

/// `b` then `Y` in the real TUI: the terminal receives exactly one OSC 52
/// sequence whose payload is the brief as Markdown, the same brief
/// `triad brief --format md` prints beside it.
#[test]
fn the_brief_is_copied_to_the_terminal_with_osc52() {
    use base64::Engine;
    let home = tempfile::tempdir().expect("home");
    let (store, mut s) = start_on_seeded_store(home.path(), "en", 100, 30);
    s.wait_for("Follow-ups");
    s.send("b");
    s.wait_for("Brief for");
    s.send("Y");
    s.wait_for("Copied the brief");
    let raw = s.raw.lock().map(|r| r.clone()).unwrap_or_default();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let start = raw.find("\x1b]52;c;").expect("an OSC 52 sequence");
    assert_eq!(raw.matches("\x1b]52;").count(), 1);
    let body = &raw[start + "\x1b]52;c;".len()..];
    let end = body.find('\x07').expect("ended by BEL");
    let copied = base64::engine::general_purpose::STANDARD
        .decode(&body[..end])
        .expect("base64");
    let copied = String::from_utf8(copied).expect("utf-8");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_triad"))
        .args(["--store", &store.display().to_string(), "brief"])
        .args(["--format", "md", "--lang", "en"])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .expect("triad brief");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(copied, String::from_utf8_lossy(&out.stdout));
    s.send("q");
    assert!(s.wait_exit().success());
}

/// The `--demo` store's path while its session runs.
fn demo_store(home: &Path) -> PathBuf {
    let until = Instant::now() + DEADLINE;
    loop {
        let dir = std::fs::read_dir(home.join("tmp"))
            .expect("temp dir")
            .flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with("triad-demo-"));
        if let Some(d) = dir {
            return d.path().join("store");
        }
        assert!(Instant::now() < until, "no demo store appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_demo_ended_by_a_signal_stops_its_server_before_it_exits() {
    use nix::sys::signal::Signal;
    for signal in [Signal::SIGHUP, Signal::SIGTERM, Signal::SIGINT] {
        let home = tempfile::tempdir().expect("home");
        let mut s = Session::start(&["--demo", "--lang", "en"], home.path(), 80, 24);
        s.wait_for("Dashboard");
        s.wait_for("cases");
        let store = demo_store(home.path());
        let servers = server_pids(&store);
        assert!(!servers.is_empty(), "no server serves the demo");
        let pid = s.child.process_id().expect("pid");
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), signal).unwrap();
        s.wait_exit();
        s.assert_restored();
        for server in &servers {
            let gone = !alive(*server);
            if !gone {
                // The guard: no server outlives the test.
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(*server as i32),
                    Signal::SIGKILL,
                );
            }
            assert!(
                gone,
                "{signal}: the demo's server (pid {server}) outlived it"
            );
        }
        assert!(!store.exists(), "{signal}: the demo store was left");
    }
}

/// An `$EDITOR` as vim behaves: a swap file and a backup beside the note,
/// mouse reporting on, the terminal raw; then it waits.
fn vim_like_editor(home: &Path) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let started = home.join("editor-started");
    let script = home.join("editor.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nd=$(dirname \"$1\"); b=$(basename \"$1\")\n\
             cp \"$1\" \"$d/.$b.swp\"; cp \"$1\" \"$1~\"\n\
             stty raw -echo; printf '\\033[?1000h\\033[?1006h'\n\
             echo \"$$ $1\" > {s}.tmp\nmv {s}.tmp {s}\nexec sleep 60\n",
            s = started.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
    (script, started)
}

#[test]
fn a_signal_while_the_editor_runs_leaves_no_swap_file_and_a_sane_terminal() {
    use nix::sys::signal::Signal;
    use std::os::unix::fs::PermissionsExt;
    for signal in [Signal::SIGHUP, Signal::SIGTERM, Signal::SIGINT] {
        let home = tempfile::tempdir().expect("home");
        let store = home.path().join("store");
        seeded_store(&store);
        let run = home.path().join("run");
        std::fs::create_dir(&run).unwrap();
        std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).unwrap();
        let (editor, started) = vim_like_editor(home.path());
        let args = ["--store", store.to_str().unwrap(), "--lang", "en"];
        let env = [
            ("EDITOR", editor.as_path()),
            ("XDG_RUNTIME_DIR", run.as_path()),
        ];
        let mut s = Session::start_with(&args, home.path(), 100, 30, &env);
        open_sendai(&mut s);
        s.send("M");
        let (_editor_pid, note) = editor_started(&started);
        let dir = note.parent().unwrap().to_path_buf();
        let left = || -> Vec<String> {
            std::fs::read_dir(&dir)
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(left().len(), 3, "the editor's files: {:?}", left());
        let pid = s.child.process_id().expect("pid");
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), signal).unwrap();
        s.wait_exit();
        s.assert_restored();
        assert!(
            left().is_empty(),
            "{signal}: left in {}: {:?}",
            dir.display(),
            left()
        );
        let screen = s.screen.lock().unwrap();
        assert_eq!(
            screen.screen().mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "{signal}: mouse reporting left on"
        );
        drop(screen);
        let modes = format!("{:?}", s.master.get_termios().expect("termios").local_flags);
        assert!(
            modes.contains("ICANON") && modes.contains("ECHO"),
            "{signal}: the terminal was left raw: {modes}"
        );
        drop(store);
    }
}
