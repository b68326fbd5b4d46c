//! A lost acknowledgement: an import whose answer never reached its client
//! is asked about by its request id, and the client says truthfully
//! whether it was imported. The server is asked in raw frames; the CLI
//! runs through a proxy that cuts the connection at the commit.

use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use triad::server::frame::{read_frame, write_frame};
use triad::store::Store;

mod common;
mod server_common;
use server_common::*;

fn ask(s: &mut UnixStream, seq: u64, ask: Value) -> Vec<Value> {
    write_frame(s, &json!({ "seq": seq, "ask": ask })).unwrap();
    let mut parts = Vec::new();
    loop {
        let frame: Value = read_frame(s, Some(DEADLINE), DEADLINE).expect("an answer");
        if frame["frame"] != "answer" || frame["seq"] != seq {
            continue;
        }
        let done = frame["part"]["part"] == "done";
        parts.push(frame["part"].clone());
        if done {
            return parts;
        }
    }
}

fn applied(socket: &Path, request: &str) -> bool {
    let mut s = raw_welcomed(socket);
    let parts = ask(&mut s, 1, json!({ "ask": "applied", "request": request }));
    assert_eq!(
        parts.last().unwrap()["result"]["Ok"],
        Value::Null,
        "{parts:?}"
    );
    match parts.iter().find(|p| p["part"] == "applied") {
        Some(p) => p["applied"].as_bool().unwrap(),
        None => panic!("no answer to applied: {parts:?}"),
    }
}

fn people(from: u64, n: u64) -> Vec<Value> {
    (from..from + n)
        .map(|i| serde_json::to_value(common::person(i, &format!("人{i}"))).unwrap())
        .collect()
}

#[test]
fn the_server_says_whether_an_import_whose_answer_was_lost_was_applied() {
    let mut server = TestServer::start();
    // Committed, and the connection closed before the answer was read.
    let mut s = raw_welcomed(&server.socket);
    write_frame(
        &mut s,
        &json!({ "seq": 1, "ask": { "ask": "import_part", "records": people(1, 5) } }),
    )
    .unwrap();
    let commit = "00000000000000000000000000c0ffee";
    write_frame(
        &mut s,
        &json!({ "seq": 2, "ask": { "ask": "import_commit", "request": commit } }),
    )
    .unwrap();
    drop(s);
    assert!(applied(&server.socket, commit), "the lost import landed");
    // Parts sent, never committed: not applied.
    let mut s = raw_welcomed(&server.socket);
    ask(
        &mut s,
        1,
        json!({ "ask": "import_part", "records": people(100, 3) }),
    );
    drop(s);
    assert!(!applied(&server.socket, "00000000000000000000000000000bad"));
    // A restarted server knows it too (the store keeps the id).
    let store = server.stop_and_open();
    assert!(
        store
            .get(triad::model::Id::new(triad::model::Kind::Person, 3))
            .unwrap()
            .is_some()
    );
    drop(store);
    let running = serve(&server.store);
    assert!(applied(running.socket(), commit));
}

/// A proxy in front of a server: forwards frames both ways, one request at
/// a time; at the first import commit it cuts the client off, after the
/// server has answered (`forward`) or without sending the commit on.
struct Proxy {
    socket: PathBuf,
}

fn proxy(server: PathBuf, socket: PathBuf, forward: bool) -> Proxy {
    let listener = UnixListener::bind(&socket).unwrap();
    std::thread::spawn(move || {
        let mut cut = false;
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            let Ok(mut upstream) = UnixStream::connect(&server) else {
                return;
            };
            loop {
                let Ok(frame) = read_frame::<Value>(&mut client, None, DEADLINE) else {
                    break;
                };
                let commit = frame["ask"]["ask"] == "import_commit";
                if commit && !cut && !forward {
                    cut = true;
                    break;
                }
                if write_frame(&mut upstream, &frame).is_err() {
                    break;
                }
                let hello = frame.get("version").is_some();
                let to_cut = commit && !cut;
                loop {
                    let Ok(back) = read_frame::<Value>(&mut upstream, Some(DEADLINE), DEADLINE)
                    else {
                        break;
                    };
                    let done = hello || back["part"]["part"] == "done";
                    if !to_cut && write_frame(&mut client, &back).is_err() {
                        break;
                    }
                    if done {
                        break;
                    }
                }
                if to_cut {
                    cut = true;
                    break;
                }
            }
            let _ = client.shutdown(std::net::Shutdown::Both);
        }
    });
    Proxy { socket }
}

fn import_through(proxy: &Proxy, file: &Path) -> std::process::Output {
    let mut cmd = std::process::Command::new(BIN);
    cmd.arg("import")
        .arg(file)
        .arg("--connect")
        .arg(&proxy.socket)
        .env_remove("TRIAD_STORE")
        .env_remove("TRIAD_SOCKET")
        .stdin(std::process::Stdio::null());
    run(cmd)
}

#[test]
fn the_cli_says_imported_when_only_the_answer_was_lost() {
    let server = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("one.json");
    std::fs::write(
        &file,
        triad::exchange::to_json(vec![common::person(1, "新")]),
    )
    .unwrap();
    let p = proxy(server.socket.clone(), tmp.path().join("p.sock"), true);
    let out = import_through(&p, &file);
    assert!(
        out.status.success() && text(&out.stderr).contains("imported 1 records"),
        "{:?}: {}",
        out.status,
        text(&out.stderr)
    );
    assert!(
        !text(&out.stderr).contains("not imported"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_cli_says_not_imported_when_the_commit_never_arrived() {
    let mut server = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("one.json");
    std::fs::write(
        &file,
        triad::exchange::to_json(vec![common::person(1, "新")]),
    )
    .unwrap();
    let p = proxy(server.socket.clone(), tmp.path().join("p.sock"), false);
    let out = import_through(&p, &file);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("was not imported, nothing changed"),
        "{}",
        text(&out.stderr)
    );
    let store = server.stop_and_open();
    assert!(
        store
            .get(triad::model::Id::new(triad::model::Kind::Person, 1))
            .unwrap()
            .is_none()
    );
}
