//! The audit trail's tail, beside `tests/audit_server.rs` (which holds the
//! raw-frame probes of issue 18): a last entry changed behind the server's
//! back is served read-only even with no anchor, and on-demand servers
//! started by the real binary write anchors to `$TRIAD_ANCHOR_DIR` that
//! `triad check --anchor` holds a cut trail against.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use triad::model::{AuditEntry, Confidentiality, Id, Kind, Record, TrustNote};
use triad::query::request::StoreEffect;
use triad::server::frame::{read_frame, write_frame};
use triad::server::roles::Roles;
use triad::server::socket::my_uid;
use triad::server::{Running, ServeOptions};
use triad::store::{Change, SledStore};

mod common;
mod server_common;
use server_common::{DEADLINE, PATIENCE, StopServers, raw_welcomed, run, text, triad_cmd};

// ------------------------------------------------------------ raw frames

/// Sends `ask` (as JSON, as any script could) and returns every frame of
/// its answer, the `done` last.
fn ask(s: &mut UnixStream, seq: u64, ask: Value) -> Vec<Value> {
    write_frame(s, &json!({ "seq": seq, "ask": ask })).expect("send a request");
    let mut parts = Vec::new();
    loop {
        let v: Value = read_frame(s, Some(DEADLINE), DEADLINE).expect("an answer frame");
        if v["frame"] != "answer" || v["seq"] != seq {
            continue;
        }
        let done = v["part"]["part"] == "done";
        parts.push(v["part"].clone());
        if done {
            return parts;
        }
    }
}

/// An effect as the JSON a script would send (`{"effect": …, "with": …}`).
fn effect(effect: StoreEffect) -> Value {
    json!({ "ask": "effect", "effect": effect })
}

// ------------------------------------------------------------ the fixture

/// A demo store (written as the test's user), closed.
struct Demo {
    tmp: tempfile::TempDir,
    store: PathBuf,
}

impl Demo {
    fn new() -> Demo {
        let tmp = tempfile::tempdir().unwrap();
        let store = tmp.path().join("store");
        let s = SledStore::open(&store).unwrap();
        triad::demo::seed(&s, chrono::Local::now().date_naive()).unwrap();
        s.flush_all().unwrap();
        drop(s);
        Demo { tmp, store }
    }

    /// A server on it; `config` gives the test's user a role (none: the
    /// owner with no config, a coordinator).
    fn serve(&self, config: Option<&str>, anchor_dir: Option<&Path>) -> Running {
        let mut opts = ServeOptions::new(&self.store);
        opts.patience = PATIENCE;
        opts.anchor_dir = anchor_dir.map(Path::to_path_buf);
        if let Some(text) = config {
            let path = self.tmp.path().join(format!("roles-{}.toml", text.len()));
            std::fs::write(&path, text).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            opts.roles = Some(Roles::load(&path, my_uid()).expect("a good config"));
        }
        // A store this process closed stays locked while a child another
        // test forked has not yet exec'd.
        let until = std::time::Instant::now() + DEADLINE;
        loop {
            match triad::server::start(opts.clone()) {
                Err(triad::server::ServeError::Store(triad::store::StoreError::Locked(_)))
                    if std::time::Instant::now() < until =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => return other.expect("the server starts"),
            }
        }
    }
}

fn note(case: Id, level: Confidentiality, text: &str) -> Record {
    Record::TrustNote(TrustNote {
        id: Id::new(Kind::TrustNote, 1),
        case: Some(case),
        relationship: None,
        about: None,
        author: "someone-else".into(),
        at: chrono::Utc::now(),
        text: text.into(),
        confidentiality: level,
        trust_change: None,
        corrects: None,
        entered: None,
    })
}

// ------------------------------------------------------------ item 5

/// A save of a new note in C-0001, as raw JSON.
fn save_note(request: u8) -> Value {
    let n = note(
        Id::new(Kind::Case, 1),
        Confidentiality::Team,
        "after the cut",
    );
    effect(StoreEffect::Save {
        request: u128::from(request),
        ops: vec![Change::Create(n)],
    })
}

/// sled's own files, once no server (nor a closing store) holds them.
fn open_db(store: &Path) -> sled::Db {
    let until = std::time::Instant::now() + DEADLINE;
    loop {
        match sled::open(store.join("db")) {
            Ok(db) => return db,
            Err(e) if std::time::Instant::now() < until => {
                let _ = e;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("cannot open the store's files: {e}"),
        }
    }
}

/// Deletes the trail's last entry and rewinds the store's head to the one
/// before, as someone with the files could: the chain still adds up.
fn cut_last_entry(store: &Path) {
    let db = open_db(store);
    let audit = db.open_tree("audit").unwrap();
    let meta = db.open_tree("meta").unwrap();
    let (last, _) = audit.last().unwrap().unwrap();
    let seq = u64::from_be_bytes(last.as_ref().try_into().unwrap());
    audit.remove(&last).unwrap();
    let keys: Vec<u64> = audit
        .iter()
        .keys()
        .map(|k| u64::from_be_bytes(k.unwrap().as_ref().try_into().unwrap()))
        .collect();
    let before = audit.get((seq - 1).to_be_bytes()).unwrap();
    let before: AuditEntry =
        serde_json::from_slice(&before.unwrap_or_else(|| panic!("entry #{} of {keys:?}", seq - 1)))
            .unwrap();
    meta.insert(b"audit_seq", &(seq - 1).to_be_bytes()).unwrap();
    meta.insert(b"audit_head", before.hash.as_bytes()).unwrap();
    db.flush().unwrap();
}

fn anchor_file(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

#[test]
fn a_tail_changed_behind_the_servers_back_is_served_read_only() {
    let demo = Demo::new();
    {
        let db = open_db(&demo.store);
        let audit = db.open_tree("audit").unwrap();
        let (k, v) = audit.last().unwrap().unwrap();
        let mut e: AuditEntry = serde_json::from_slice(&v).unwrap();
        e.user = "nobody-at-all".into();
        audit.insert(k, serde_json::to_vec(&e).unwrap()).unwrap();
        db.flush().unwrap();
    }
    let running = demo.serve(None, None);
    let mut s = raw_welcomed(running.socket());
    let save = save_note(2);
    let said = serde_json::to_string(&ask(&mut s, 1, save)).unwrap();
    assert!(
        said.contains("read-only") && said.contains("changed after it was written"),
        "{said}"
    );
}

#[test]
fn triad_check_anchor_finds_a_cut_trail_through_the_real_binary() {
    let demo = Demo::new();
    let _stop = StopServers(demo.store.clone());
    let anchors = demo.tmp.path().join("anchors");
    // On-demand servers that write their anchors there (`serve --anchor-dir`
    // through its environment variable).
    let triad = |args: &[&str]| {
        let mut cmd = triad_cmd(&demo.store, args);
        cmd.env("TRIAD_ANCHOR_DIR", &anchors);
        run(cmd)
    };
    for args in [
        &["brief", "--case", "C-0001"][..],
        &["brief", "--case", "C-0002"][..],
        &["serve", "--stop"][..],
    ] {
        let out = triad(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    let file = anchor_file(&anchors);
    let file = file.to_str().unwrap();
    // A backup taken now carries the same head: an anchor too.
    let backup = demo.tmp.path().join("store.backup");
    let backup = backup.to_str().unwrap();
    for args in [
        &["backup", "--out", backup][..],
        &["check", "--anchor", file][..],
        &["check", "--anchor", backup][..],
        &["serve", "--stop"][..],
    ] {
        let out = triad(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    cut_last_entry(&demo.store);
    for anchor in [file, backup] {
        let out = triad(&["check", "--anchor", anchor]);
        assert!(!out.status.success(), "{}", text(&out.stdout));
        let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(said.contains("were cut off"), "{anchor}: {said}");
        let out = triad(&["serve", "--stop"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}
