//! A server whose store is slow to open (a big store, an upgrade) tells
//! whoever waits what it is doing, every second, as raw frames show; the
//! counts go to coordinators only, and a user the config does not serve
//! is refused without waiting for the store.

mod common;
mod server_common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use server_common::*;
use triad::server::frame::read_frame;
use triad::server::protocol::{VERSION, Welcome};
use triad::server::roles::Roles;
use triad::server::socket::my_uid;
use triad::server::{BeforeOpen, ServeOptions};
use triad::store::{OpenStep, SledStore};

/// A server (on `socket`, else the store's own) whose opening stops at
/// "moving records 5 / 10" until the returned sender says go (or is
/// dropped). A config, if given, is `roles.toml` beside the store.
fn held_server(
    store: &Path,
    config: Option<&str>,
    socket: Option<PathBuf>,
) -> (triad::server::Running, Sender<()>) {
    drop(SledStore::open(store).unwrap());
    let (go, wait): (Sender<()>, Receiver<()>) = channel();
    let wait = Arc::new(Mutex::new(wait));
    let mut opts = ServeOptions::new(store);
    opts.patience = PATIENCE;
    opts.socket = socket;
    opts.before_open = Some(BeforeOpen(Arc::new(move |progress| {
        progress.set(OpenStep::MovingRecords, 5, 10);
        let _ = wait.lock().unwrap().recv();
    })));
    if let Some(text) = config {
        let path = store.parent().unwrap().join("roles.toml");
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        opts.roles = Some(Roles::load(&path, my_uid()).expect("a good config"));
    }
    (triad::server::start(opts).expect("starts"), go)
}

fn me() -> String {
    triad::server::socket::user_name(my_uid())
}

#[test]
fn a_client_waiting_for_the_store_hears_what_opening_does_then_is_welcomed() {
    let tmp = tempfile::tempdir().unwrap();
    let (server, go) = held_server(&tmp.path().join("store"), None, None);
    let mut s = raw(server.socket());
    hello(&mut s, VERSION);
    match read_frame::<Welcome>(&mut s, Some(DEADLINE), DEADLINE).expect("news") {
        Welcome::Wait { opening } => {
            assert_eq!(opening.step, OpenStep::MovingRecords);
            // The store's owner is its coordinator: the counts are theirs.
            assert_eq!((opening.done, opening.of), (5, 10));
        }
        other => panic!("not news of the opening: {other:?}"),
    }
    go.send(()).unwrap();
    loop {
        match read_frame::<Welcome>(&mut s, Some(DEADLINE), DEADLINE).expect("a welcome") {
            Welcome::Wait { .. } => {}
            Welcome::Ok { user, .. } => {
                assert_eq!(user, me());
                break;
            }
            Welcome::Refused { reason } => panic!("refused: {reason}"),
        }
    }
}

#[test]
fn a_viewer_waiting_hears_the_step_but_not_how_many_records_there_are() {
    let tmp = tempfile::tempdir().unwrap();
    let config = format!("[users.\"{}\"]\nrole = \"viewer\"\n", me());
    let (server, _go) = held_server(&tmp.path().join("store"), Some(&config), None);
    let mut s = raw(server.socket());
    hello(&mut s, VERSION);
    for _ in 0..2 {
        match read_frame::<Welcome>(&mut s, Some(DEADLINE), DEADLINE).expect("news") {
            Welcome::Wait { opening } => {
                assert_eq!(opening.step, OpenStep::MovingRecords);
                assert_eq!((opening.done, opening.of), (0, 0), "counts to a viewer");
            }
            other => panic!("not news of the opening: {other:?}"),
        }
    }
}

#[test]
fn the_command_line_says_what_a_slow_opening_is_doing() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let (_server, go) = held_server(&store, None, None);
    // The client finds the server by the store's lock, as any triad does.
    let child = triad_cmd(&store, &["search", "x"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Let it hear a second's news, then let the store open.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    go.send(()).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert!(
        err.contains("triad: upgrading the store: moving records 5 / 10"),
        "{err}"
    );
    // Said once per step off a terminal, not once a second.
    assert_eq!(err.matches("moving records").count(), 1, "{err}");
}

#[test]
fn another_user_the_config_does_not_serve_is_refused_while_the_store_still_opens() {
    let spare = tempfile::tempdir().unwrap();
    let (user, bin) = match other_user_with_triad(spare.path()) {
        Ok(found) => found,
        Err(why) => {
            println!("skipped: {why}");
            return;
        }
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = open_dir();
    let socket = dir.path().join("triad.sock");
    let (_server, go) = held_server(
        &tmp.path().join("store"),
        Some("[users.triad-someone-else]\nrole = \"viewer\"\n"),
        Some(socket.clone()),
    );
    let path = tmp.path().join("roles.toml");
    open_socket(&socket);
    // The store never opens while this runs: the refusal cannot wait for it.
    let out = triad_as(&bin, user, &socket, &["search", "x"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(
        !err.contains("upgrading"),
        "news to whom the server refuses: {err}"
    );
    drop(go);
}

#[test]
fn whoever_opened_an_old_store_hears_it_was_upgraded_and_where_its_backup_is() {
    let tmp = tempfile::tempdir().unwrap();
    let store = common::layout_store(2, tmp.path());
    let mut opts = ServeOptions::new(&store);
    opts.patience = PATIENCE;
    let server = triad::server::start(opts).expect("starts");
    let mut s = raw(server.socket());
    hello(&mut s, VERSION);
    let notices = loop {
        match read_frame::<Welcome>(&mut s, Some(DEADLINE), DEADLINE).expect("a welcome") {
            Welcome::Wait { .. } => {}
            Welcome::Ok { notices, .. } => break notices,
            Welcome::Refused { reason } => panic!("refused: {reason}"),
        }
    };
    let said = notices.join("\n");
    assert!(
        said.contains("upgraded the store from an older layout to layout 3"),
        "{said}"
    );
    let backup = std::fs::read_dir(&store)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("before-layout-")
        })
        .expect("a backup before the upgrade");
    assert!(
        said.contains(&backup.path().display().to_string()),
        "{said}"
    );
    // The command line says it too (a new connection, same server).
    drop(s);
    let out = triad(&store, &["search", "x"]);
    assert!(
        text(&out.stderr).contains("triad: upgraded the store from an older layout"),
        "{}",
        text(&out.stderr)
    );
}
