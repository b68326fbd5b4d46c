//! `triad serve --stop` tells the truth: it returns once the server's
//! process has exited, and a server that does not answer is reported as
//! not responding, with its pid, never as stopped.

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

mod common;
mod server_common;
use server_common::*;

#[test]
fn stop_waits_for_the_exit_and_never_says_stopped_when_it_has_not() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let out = triad(&store, &["demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let _ = triad(&store, &["serve", "--stop"]);
    wait_until("the demo's server has gone", || {
        serve_pids(&store).is_empty()
    });
    let _stop = StopServers(store.clone());
    let server = serve_child(&store);
    let pid = server.0.id();
    let stopped = Pid::from_raw(pid as i32);

    // A server that cannot answer (stopped by a signal, as a wedged one).
    kill(stopped, Signal::SIGSTOP).unwrap();
    let mut cmd = triad_cmd(&store, &["serve", "--stop"]);
    cmd.env("TRIAD_STOP_WAIT", "1");
    let out = run(cmd);
    kill(stopped, Signal::SIGCONT).unwrap();
    let said = text(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("not responding") && said.contains(&format!("pid {pid}")),
        "{said}"
    );
    assert!(!said.contains("has stopped"), "{said}");
    assert!(alive(pid));

    // Answering again: stopped means its process has gone.
    let out = triad(&store, &["serve", "--stop"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("the server has stopped"));
    let mut server = server;
    let status = server.0.try_wait().unwrap();
    assert!(
        status.is_some(),
        "`serve --stop` said stopped while the server (pid {pid}) was still running"
    );
}
