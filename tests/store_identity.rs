//! A store knows who it is: a random id in `meta`, kept when the store is
//! moved, new when it is copied; and a copy's lock file (copied with it)
//! does not lead a client to the original's server.

mod common;
mod server_common;

use std::process::Command;

use server_common::*;
use triad::store::SledStore;

fn cp_a(from: &std::path::Path, to: &std::path::Path) {
    let ok = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(ok.success());
}

/// A lock as a build before lock homes wrote it: it names the socket
/// and not the directory, so only the server's welcome tells which store
/// the server serves.
fn write_old_lock(store: &std::path::Path, socket: &std::path::Path) {
    let mut lock = b"server\n".to_vec();
    lock.extend_from_slice(socket.as_os_str().as_encoded_bytes());
    lock.push(b'\n');
    std::fs::write(store.join("triad.lock"), lock).unwrap();
}

/// An import file of one body named コピー, to tell which store a write
/// reached.
fn copy_marker_file(dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("one.json");
    std::fs::write(
        &file,
        triad::exchange::to_json(vec![common::body(
            1,
            "コピー",
            triad::model::Sector::Government,
        )]),
    )
    .unwrap();
    file
}

#[test]
fn a_copied_store_gets_its_own_id_and_a_moved_one_keeps_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let id = SledStore::open(&a)
        .unwrap()
        .id()
        .expect("an id at creation");
    assert_eq!(id.len(), 32);
    assert_eq!(open_when_free(&a).id().as_deref(), Some(id.as_str()));
    let b = tmp.path().join("b");
    cp_a(&a, &b);
    let copy = open_when_free(&b);
    let copy_id = copy.id().unwrap();
    assert_ne!(copy_id, id);
    assert!(
        copy.notices().iter().any(|n| n.contains("a copy of")),
        "{:?}",
        copy.notices()
    );
    drop(copy);
    // Once told, it stays itself; moved (same inode), it is still itself.
    let again = open_when_free(&b);
    assert_eq!(again.id().as_deref(), Some(copy_id.as_str()));
    assert!(again.notices().is_empty(), "{:?}", again.notices());
    drop(again);
    let c = tmp.path().join("c");
    std::fs::rename(&b, &c).unwrap();
    let moved = open_when_free(&c);
    assert_eq!(moved.id().as_deref(), Some(copy_id.as_str()));
    assert!(moved.notices().is_empty(), "{:?}", moved.notices());
    // The original is untouched by all this.
    assert_eq!(open_when_free(&a).id().as_deref(), Some(id.as_str()));
}

#[test]
fn a_copy_of_a_served_store_does_not_reach_the_originals_server() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    drop(SledStore::open(&a).unwrap());
    let _stop_a = StopServers(a.clone());
    let _stop_b = StopServers(b.clone());
    let mut server = serve_child(&a);
    cp_a(&a, &b);
    // The copy's lock file is the original's, naming its socket.
    assert_eq!(
        std::fs::read(a.join("triad.lock")).unwrap(),
        std::fs::read(b.join("triad.lock")).unwrap()
    );
    assert!(triad::store::StoreLock::serving_socket(&a).is_some());
    assert_eq!(triad::store::StoreLock::serving_socket(&b), None);
    // Stopping the copy's server leaves the original's running.
    let out = triad(&b, &["serve", "--stop"]);
    assert!(
        server.0.try_wait().unwrap().is_none(),
        "the original's server was stopped: {}",
        text(&out.stderr)
    );
    // A write to the copy lands in the copy.
    let file = copy_marker_file(tmp.path());
    let out = triad(&b, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = triad(&a, &["export"]);
    assert!(
        !text(&out.stdout).contains("コピー"),
        "written into the original"
    );
    let out = triad(&b, &["export"]);
    assert!(
        text(&out.stdout).contains("コピー"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_client_that_reaches_another_stores_server_starts_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    drop(SledStore::open(&a).unwrap());
    drop(open_when_free(&a));
    let _stop_a = StopServers(a.clone());
    let _stop_b = StopServers(b.clone());
    let mut server = serve_child(&a);
    cp_a(&a, &b);
    // A lock as a build before lock homes wrote it, naming a's socket:
    // only the server's welcome can tell it serves another store.
    let socket = triad::store::StoreLock::serving_socket(&a).unwrap();
    write_old_lock(&b, &socket);
    assert_eq!(
        triad::store::StoreLock::serving_socket(&b),
        Some(socket.clone())
    );
    let file = copy_marker_file(tmp.path());
    let out = triad(&b, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The copy now has a server of its own, named by its lock.
    let own = triad::store::StoreLock::serving_socket(&b).expect("the copy's server");
    assert_ne!(own, socket);
    assert!(
        server.0.try_wait().unwrap().is_none(),
        "the original's server stopped"
    );
    let out = triad(&a, &["export"]);
    assert!(
        !text(&out.stdout).contains("コピー"),
        "written into the original"
    );
    let out = triad(&b, &["export"]);
    assert!(
        text(&out.stdout).contains("コピー"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_client_refuses_another_stores_server_while_its_own_store_is_held() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    drop(SledStore::open(&a).unwrap());
    drop(open_when_free(&a));
    let _stop_a = StopServers(a.clone());
    let _server = serve_child(&a);
    cp_a(&a, &b);
    let socket = triad::store::StoreLock::serving_socket(&a).unwrap();
    // Whoever holds b's lock (here this test) is using b: the client may
    // neither start a server there nor talk to a's.
    let held = triad::store::StoreLock::take(&b).unwrap();
    write_old_lock(&b, &socket);
    let out = triad(&b, &["export"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("serves another store"), "{err}");
    drop(held);
}
