//! The real binary and its on-demand server: parallel commands start one
//! server between them, commands work beside an open connection, a started
//! server lets go of its caller's output, and `triad serve --stop` stops it.
//!
//! Every server started here exits after 3 s idle (`TRIAD_SERVER_IDLE`) and
//! is stopped explicitly by a guard (`StopServers`) at the end of its test.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use triad::server::client::Heard;
use triad::server::socket::socket_in;

mod common;
mod server_common;
use server_common::*;

/// A demo store in a temp dir, with no server running for it.
fn demo_store(tmp: &Path) -> PathBuf {
    let store = tmp.join("store");
    let out = triad(&store, &["demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let _ = triad(&store, &["serve", "--stop"]);
    wait_until("the demo's server has gone", || {
        serve_pids(&store).is_empty() && !socket_in(&store).exists()
    });
    store
}

#[test]
fn parallel_commands_with_no_server_share_one_server() {
    // The race is lost in only some bursts: several make it show.
    const ROUNDS: usize = 10;
    let tmp = tempfile::tempdir().unwrap();
    let store = demo_store(tmp.path());
    let _stop = StopServers(store.clone());
    for round in 0..ROUNDS {
        parallel_burst(&store, round);
        let _ = triad(&store, &["serve", "--stop"]);
        wait_until("the server has gone", || {
            serve_pids(&store).is_empty() && !socket_in(&store).exists()
        });
    }
}

/// 20 `triad search` at once with no server running: all of them find
/// what they look for, and one server serves them all.
fn parallel_burst(store: &Path, round: usize) {
    const PARALLEL: usize = 20;
    assert!(serve_pids(store).is_empty());
    // Which processes hold the store's lock while the commands run: every
    // server that serves holds it for as long as it runs (3 s idle at
    // least), so sampling cannot miss one.
    let lock = store.join("triad.lock");
    let holders = Mutex::new(BTreeSet::new());
    let started = Mutex::new(BTreeSet::new());
    let done = AtomicBool::new(false);
    let outputs: Vec<_> = std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::SeqCst) {
                holders.lock().unwrap().extend(lock_holders(&lock));
                started.lock().unwrap().extend(serve_pids(store));
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        let searches: Vec<_> = (0..PARALLEL)
            .map(|_| s.spawn(|| triad(store, &["search", "porio"])))
            .collect();
        let outputs = searches.into_iter().map(|h| h.join().unwrap()).collect();
        holders.lock().unwrap().extend(lock_holders(&lock));
        done.store(true, Ordering::SeqCst);
        outputs
    });

    for (n, out) in outputs.iter().enumerate() {
        assert!(
            out.status.success() && text(&out.stdout).contains("仙台ポリオの会"),
            "round {round}, search {n}: {:?}\n{}{}",
            out.status,
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    // For the record: how many servers were started in the race (the
    // sampling may miss some that lost quickly).
    let started = started.into_inner().unwrap();
    eprintln!("round {round}: {} servers seen starting", started.len());
    let holders: Vec<u32> = holders.into_inner().unwrap().into_iter().collect();
    assert_eq!(
        holders.len(),
        1,
        "round {round}: one process held the store: {holders:?}"
    );
    let server = holders[0];
    let args = cmdline(server);
    assert!(
        args.iter().any(|a| a == "serve"),
        "the holder is a server: {args:?}"
    );
    // The servers that lost the race have exited; the winner serves on.
    wait_until("only the winning server is left", || {
        serve_pids(store) == [server]
    });
}

#[test]
fn commands_work_while_another_client_holds_a_connection() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let _stop = StopServers(store.clone());
    let out = triad(&store, &["demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // An open TUI: subscribed, connected for the whole test.
    let (mut held, heard) = connect(&socket_in(&store), true);
    assert!(!search(&mut held, "ポリオ").is_empty());

    let out = triad(&store, &["search", "porio"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("仙台ポリオの会"));

    let out = triad(&store, &["export", "--case", "C-0001"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        records.to_string().contains("\"C-0001\""),
        "the export holds the case"
    );

    let out = triad(&store, &["check"]);
    assert!(
        out.status.success() && text(&out.stdout).contains("no problems"),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    // The held connection is still served, and was never dropped.
    assert!(!search(&mut held, "ポリオ").is_empty());
    let lost: Vec<_> = heard
        .lock()
        .unwrap()
        .iter()
        .filter(|h| matches!(h, Heard::Lost(_)))
        .cloned()
        .collect();
    assert!(lost.is_empty(), "{lost:?}");
    // They all went to the one server.
    assert_eq!(serve_pids(&store).len(), 1);
}

#[test]
fn an_on_demand_server_lets_go_of_its_callers_output() {
    let tmp = tempfile::tempdir().unwrap();
    let store = demo_store(tmp.path());
    let _stop = StopServers(store.clone());

    // A long idle time here, so that only the server letting go of the
    // pipes (not its exit) can end the output; `run` fails at a deadline
    // far shorter than it. The guard above stops the server.
    let mut cmd = triad_cmd(&store, &["search", "porio"]);
    cmd.env("TRIAD_SERVER_IDLE", "600");
    let out = run(cmd);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("仙台ポリオの会"));

    let pids = serve_pids(&store);
    assert_eq!(pids.len(), 1, "{pids:?}");
    for fd in 0..=2 {
        let target = std::fs::read_link(format!("/proc/{}/fd/{fd}", pids[0])).unwrap();
        assert_eq!(
            target,
            Path::new("/dev/null"),
            "the server's fd {fd} is not its caller's"
        );
    }
}

#[test]
fn serve_stop_stops_the_server_and_removes_its_socket() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let _stop = StopServers(store.clone());
    let socket = socket_in(&store);

    // An on-demand server.
    let out = triad(&store, &["demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pids = serve_pids(&store);
    assert_eq!(pids.len(), 1, "{pids:?}");
    assert!(socket.exists());
    let out = triad(&store, &["serve", "--stop"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    wait_until("the server exits and its socket goes", || {
        !alive(pids[0]) && !socket.exists()
    });

    // Nothing to stop now: said, and not an error.
    let out = triad(&store, &["serve", "--stop"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("no server is running"),
        "{}",
        text(&out.stderr)
    );

    // A server in the foreground finishes and exits 0.
    let mut server = serve_child(&store);
    assert!(socket.exists());
    let out = triad(&store, &["serve", "--stop"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    wait_until("the foreground server exits", || {
        matches!(server.0.try_wait(), Ok(Some(_)))
    });
    assert!(server.0.wait().unwrap().success());
    assert!(!socket.exists());
}

/// Stopping closes every connection, the stopper's too: its answer must
/// not be lost to that (a race, so a few rounds).
#[test]
fn serve_stop_reports_success() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let _stop = StopServers(store.clone());
    // A race: a few rounds make a lost answer near certain to show.
    for round in 0..10 {
        let mut server = serve_child(&store);
        let out = triad(&store, &["serve", "--stop"]);
        assert!(
            out.status.success() && text(&out.stderr).contains("has stopped"),
            "round {round}: {:?} {}",
            out.status,
            text(&out.stderr)
        );
        wait_until("the server exits", || {
            matches!(server.0.try_wait(), Ok(Some(_)))
        });
    }
}

/// SIGTERM and SIGINT: the server lets its writes finish, flushes, removes
/// its socket and exits 0; what it acknowledged is in the store.
#[test]
fn sigterm_and_sigint_end_a_server_cleanly_with_its_writes_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let store = demo_store(tmp.path());
    let _stop = StopServers(store.clone());
    for (round, signal) in ["-TERM", "-INT"].into_iter().enumerate() {
        let mut server = serve_child(&store);
        let socket = socket_in(&store);
        wait_until("the server listens", || socket.exists());
        let mut c = client(&socket);
        let id = create(
            &mut c,
            0x51_6E_00 + round as u128,
            common::body(
                1,
                &format!("written before {signal}"),
                triad::model::Sector::Government,
            ),
        );
        drop(c);
        let pid = server.0.id().to_string();
        let sent = std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let mut status = None;
        wait_until("the server exits", || {
            status = server.0.try_wait().ok().flatten();
            status.is_some()
        });
        assert_eq!(status.and_then(|s| s.code()), Some(0), "{signal}");
        assert!(!socket.exists(), "the socket is removed on {signal}");
        let found = triad(&store, &["search", &format!("written before {signal}")]);
        assert!(
            text(&found.stdout).contains(&id.to_string()),
            "{signal}: {}",
            text(&found.stdout)
        );
        let _ = triad(&store, &["serve", "--stop"]);
        wait_until("the search's server has gone", || {
            serve_pids(&store).is_empty()
        });
    }
}
