//! The audit trail is the server's own, spoken to as a hostile client
//! would: raw frames on the socket, never our `Client`. A `log` request
//! does not exist; every read that shows a person adds exactly its entry,
//! as the connection's user; a trail cut short (its last entry deleted,
//! its head rewound) is found by its anchor and served read-only; `check`
//! is a coordinator's; a note the reader may not read changes nothing
//! they see of a case.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use triad::app::cases::{CaseQuery, Sort};
use triad::app::effect::StoreEffect;
use triad::model::{
    AccessRole, AuditAction, AuditEntry, CaseStatus, Confidentiality, Id, Kind, Person, Reader,
    Record, Summary, TrustNote, View,
};
use triad::server::frame::{read_frame, write_frame};
use triad::server::roles::Roles;
use triad::server::socket::{my_uid, user_name};
use triad::server::{Running, ServeOptions};
use triad::store::{Change, Scope, SledStore, Store, StoreExt};

mod common;
mod server_common;
use server_common::{
    DEADLINE, PATIENCE, StopServers, assert_dropped, open_when_free, raw_welcomed, run, text,
    triad_cmd,
};

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

/// The `done` part's error, if the request failed.
fn error(parts: &[Value]) -> Option<&Value> {
    parts.last().and_then(|d| d["result"].get("Err"))
}

/// An effect as the JSON a script would send (`{"effect": …, "with": …}`).
fn effect(effect: StoreEffect) -> Value {
    json!({ "ask": "effect", "effect": effect })
}

/// The whole trail, read over the same raw connection (a coordinator's).
fn trail(s: &mut UnixStream, seq: u64) -> Vec<AuditEntry> {
    let parts = ask(s, seq, json!({ "ask": "audit" }));
    assert!(error(&parts).is_none(), "{parts:?}");
    parts
        .iter()
        .filter(|p| p["part"] == "audit")
        .flat_map(|p| p["entries"].as_array().cloned().unwrap_or_default())
        .map(|e| serde_json::from_value(e).expect("an audit entry"))
        .collect()
}

// ------------------------------------------------------------ the fixture

fn me() -> String {
    user_name(my_uid())
}

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

    fn open(&self) -> SledStore {
        open_when_free(&self.store)
    }
}

/// A person who is a party to some cases but not all, and those cases.
fn supporter(store: &SledStore) -> (Id, Vec<Id>) {
    let all = store.all::<triad::model::Case>().unwrap().len();
    for p in store.all::<Person>().unwrap() {
        let r = Reader {
            user: me(),
            role: AccessRole::Supporter,
            person: Some(p.id),
        };
        let scope = Scope::new(store, &r).unwrap();
        let cases: Vec<Id> = scope.cases().unwrap().iter().copied().collect();
        if !cases.is_empty() && cases.len() < all {
            return (p.id, cases);
        }
    }
    panic!("a demo person is a party to some cases")
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
    })
}

// ------------------------------------------------------------ item 3

#[test]
fn a_log_request_is_refused_as_unknown_and_writes_nothing() {
    let demo = Demo::new();
    let before = demo.open().audit_trail().unwrap().len();
    {
        let running = demo.serve(None, None);
        let mut s = raw_welcomed(running.socket());
        // The probe: free text a client wanted in the trail.
        let parts = ask(
            &mut s,
            1,
            json!({
                "ask": "log",
                "action": "export",
                "entity": "C-0001",
                "summary": "exported C-0001 to /home/alice/leak.json 森田 さとみ relapse",
            }),
        );
        let why = error(&parts).expect("refused");
        assert_eq!(why["code"], "bad_request", "{why}");
        assert!(why["message"].as_str().unwrap().contains("log"), "{why}");
        assert_dropped(&mut s, "a log request");
    }
    let after = demo.open().audit_trail().unwrap();
    assert_eq!(
        after.len(),
        before,
        "the trail grew: {:?}",
        &after[before..]
    );
    let all = serde_json::to_string(&after).unwrap();
    assert!(!all.contains("leak.json") && !all.contains("relapse"));
}

/// An entry a read should add: its action, entity and kind of summary.
type Expected = (AuditAction, Option<Id>, Summary);

#[test]
fn each_read_adds_exactly_its_entry_as_the_connections_user() {
    let demo = Demo::new();
    let (case, party, team_note) = {
        let s = demo.open();
        let case = s.all::<triad::model::Case>().unwrap()[0].clone();
        let party = case.parties[0].party;
        let stored = s
            .as_user("someone-else")
            .apply(vec![Change::Create(note(
                case.id,
                Confidentiality::Team,
                "Zebrafinch team note",
            ))])
            .unwrap();
        s.flush_all().unwrap();
        (case.id, party, stored[0].id())
    };
    let running = demo.serve(None, None);
    let mut s = raw_welcomed(running.socket());
    let mut seq = 0;
    let mut seen = trail(&mut s, 0).len();
    let brief =
        |case: Option<Id>| json!({ "case": case, "days": 7, "unanswered_days": 14, "lang": "en" });
    let page = StoreEffect::CasePage {
        query: CaseQuery::default(),
        offset: 0,
        limit: 20,
    };
    let steps: Vec<(&str, Vec<Value>, Vec<Expected>)> =
        vec![
        (
            "a case",
            vec![effect(StoreEffect::LoadCase(case))],
            vec![(AuditAction::View, Some(case), Summary::Viewed { view: View::Case })],
        ),
        (
            "the same case again (a reload)",
            vec![effect(StoreEffect::LoadCase(case))],
            vec![],
        ),
        (
            "a party",
            vec![effect(StoreEffect::LoadParty(party))],
            vec![(AuditAction::View, Some(party), Summary::Viewed { view: View::Party })],
        ),
        (
            "a team note",
            vec![effect(StoreEffect::LoadRecord(team_note))],
            vec![(AuditAction::View, Some(team_note), Summary::Viewed { view: View::Record })],
        ),
        (
            "a case list page, then the lists",
            vec![
                effect(page.clone()),
                effect(StoreEffect::LoadAll),
            ],
            vec![(AuditAction::View, None, Summary::Lists)],
        ),
        (
            "a collect of the store",
            vec![json!({ "ask": "collect", "case": null })],
            vec![(AuditAction::Export, None, Summary::Exported { records: 0, left_out: 0 })],
        ),
        (
            "a collect of a case",
            vec![json!({ "ask": "collect", "case": case })],
            vec![(AuditAction::Export, Some(case), Summary::Exported { records: 0, left_out: 0 })],
        ),
        (
            "a case report",
            vec![json!({ "ask": "case_report", "case": case, "lang": "en" })],
            vec![(AuditAction::View, Some(case), Summary::CaseReport { meeting: false })],
        ),
        (
            "a case brief",
            vec![json!({ "ask": "brief", "request": brief(Some(case)) })],
            vec![(AuditAction::View, Some(case), Summary::CaseBrief)],
        ),
        (
            "the agenda brief",
            vec![json!({ "ask": "brief", "request": brief(None) })],
            vec![(AuditAction::View, None, Summary::Agenda { lines: 0 })],
        ),
        (
            "the agenda brief, as an effect",
            vec![effect(StoreEffect::Brief(serde_json::from_value(brief(None)).unwrap()))],
            vec![(AuditAction::View, None, Summary::Agenda { lines: 0 })],
        ),
        (
            "three finder queries (one session)",
            ["to", "tom", "toma"]
                .iter()
                .map(|q| json!({ "ask": "search", "query": q, "limit": 20, "restricted": false }))
                .collect(),
            vec![(AuditAction::View, None, Summary::Searched { queries: 3, shown: 0 })],
        ),
        (
            "a reveal",
            vec![effect(StoreEffect::Reveal {
                entity: party,
                item: "森田 relapse".into(),
            })],
            vec![(AuditAction::Reveal, Some(party), Summary::Revealed {
                item: triad::model::RevealItem::Item,
            })],
        ),
    ];
    for (what, asks, expected) in steps {
        for a in asks {
            seq += 1;
            let parts = ask(&mut s, seq, a);
            assert!(error(&parts).is_none(), "{what}: {parts:?}");
        }
        seq += 1;
        let all = trail(&mut s, seq);
        let new = &all[seen..];
        seen = all.len();
        assert_eq!(new.len(), expected.len(), "{what}: {new:#?}");
        for (e, (action, entity, summary)) in new.iter().zip(&expected) {
            assert_eq!(e.user, me(), "{what}");
            assert_eq!((e.action, e.entity), (*action, *entity), "{what}");
            let detail = e.detail.as_ref().expect("a summary as data");
            // Counts depend on the demo: the kind of summary is what is asked.
            assert_eq!(
                std::mem::discriminant(detail),
                std::mem::discriminant(summary),
                "{what}: {detail:?}"
            );
            match (detail, summary) {
                (Summary::Viewed { view }, Summary::Viewed { view: v }) => assert_eq!(view, v),
                (Summary::Searched { queries, shown }, Summary::Searched { queries: q, .. }) => {
                    assert_eq!(queries, q);
                    assert!(*shown > 0, "{what}: the hits showed records");
                }
                (Summary::Exported { records, .. }, _) => assert!(*records > 0, "{what}"),
                (Summary::Agenda { lines }, _) => assert!(*lines > 0, "{what}"),
                (a, b) => assert_eq!(a, b, "{what}"),
            }
            assert!(e.summary.is_empty(), "{what}: no free text");
        }
    }
    // A figures report names no one: not logged.
    seq += 1;
    let parts = ask(
        &mut s,
        seq,
        json!({ "ask": "report", "request": triad::report::Request::default() }),
    );
    seq += 1;
    let all = trail(&mut s, seq);
    if error(&parts).is_none() {
        assert_eq!(all.len(), seen, "{:?}", &all[seen..]);
    }
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
fn a_trail_cut_short_is_found_by_its_anchor_and_served_read_only() {
    let demo = Demo::new();
    let anchors = demo.tmp.path().join("anchors");
    {
        let running = demo.serve(None, Some(&anchors));
        let mut s = raw_welcomed(running.socket());
        let parts = ask(
            &mut s,
            1,
            effect(StoreEffect::LoadCase(Id::new(Kind::Case, 1))),
        );
        assert!(error(&parts).is_none(), "{parts:?}");
    }
    // Stopped: the anchor holds the last entry.
    let file = anchor_file(&anchors);
    let anchor = triad::store::anchor::read(&file).unwrap();
    let last = demo.open().audit_trail().unwrap().last().unwrap().clone();
    assert_eq!((anchor.head.seq, &anchor.head.hash), (last.seq, &last.hash));
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let held = std::fs::read_to_string(&file).unwrap();
    assert!(!held.contains("C-0001") && !held.contains(&me()), "{held}");

    cut_last_entry(&demo.store);
    // The probe: without the anchor the cut trail still checks out...
    assert!(demo.open().check().unwrap().problems.is_empty());
    // ...with it, not. A server on the store with its anchors serves it
    // read-only, says why, and leaves the anchor as it was.
    let running = demo.serve(None, Some(&anchors));
    let mut s = raw_welcomed(running.socket());
    let parts = ask(
        &mut s,
        1,
        json!({ "ask": "check", "anchor": serde_json::to_value(&anchor).unwrap() }),
    );
    let report = parts
        .iter()
        .find(|p| p["part"] == "check")
        .expect("a report");
    let problems = report["report"]["problems"].to_string();
    assert!(problems.contains("were cut off"), "{problems}");
    let save = save_note(1);
    let parts = ask(&mut s, 2, save);
    let said = serde_json::to_string(&parts).unwrap();
    assert!(
        said.contains("read-only") && said.contains("cut off"),
        "{said}"
    );
    drop(s);
    drop(running);
    let still = triad::store::anchor::read(&file).unwrap();
    assert_eq!(still.head, anchor.head);
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
    let out = triad(&["check", "--anchor", file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = triad(&["serve", "--stop"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    cut_last_entry(&demo.store);
    let out = triad(&["check", "--anchor", file]);
    assert!(!out.status.success(), "{}", text(&out.stdout));
    let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(said.contains("were cut off"), "{said}");
}

// ------------------------------------------------------------ item 6

#[test]
fn check_is_a_coordinators_command() {
    let demo = Demo::new();
    let person = supporter(&demo.open()).0;
    let me = me();
    for (role, config) in [
        ("viewer", format!("[users.\"{me}\"]\nrole = \"viewer\"\n")),
        (
            "supporter",
            format!("[users.\"{me}\"]\nrole = \"supporter\"\nperson = \"{person}\"\n"),
        ),
    ] {
        let running = demo.serve(Some(&config), None);
        let mut s = raw_welcomed(running.socket());
        let parts = ask(&mut s, 1, json!({ "ask": "check" }));
        let why = error(&parts).unwrap_or_else(|| panic!("{role}: {parts:?}"));
        assert_eq!(why["code"], "forbidden", "{role}: {why}");
        assert!(
            why["message"]
                .as_str()
                .unwrap()
                .contains("only a coordinator")
        );
        assert!(
            !parts.iter().any(|p| p["part"] == "check"),
            "{role}: no counts"
        );
    }
    let running = demo.serve(None, None);
    let mut s = raw_welcomed(running.socket());
    let parts = ask(&mut s, 1, json!({ "ask": "check" }));
    assert!(parts.iter().any(|p| p["part"] == "check"), "{parts:?}");
}

/// The supporter's row of `case` in a case page sorted by change, and the
/// agenda's "cases changed" line of it, as raw JSON.
fn what_the_supporter_sees(demo: &Demo, person: Id, case: Id) -> (Value, Value) {
    let me = me();
    let config = format!("[users.\"{me}\"]\nrole = \"supporter\"\nperson = \"{person}\"\n");
    let running = demo.serve(Some(&config), None);
    let mut s = raw_welcomed(running.socket());
    // Every case of hers, whatever its status, latest change first.
    let mut parts = Vec::new();
    for (i, status) in CaseStatus::ALL.into_iter().enumerate() {
        let query = CaseQuery {
            status: Some(status),
            sort: Sort::Changed,
            ..CaseQuery::default()
        };
        let page = StoreEffect::CasePage {
            query,
            offset: 0,
            limit: 500,
        };
        parts.extend(ask(&mut s, 10 + i as u64, effect(page)));
    }
    let row = parts
        .iter()
        .filter(|p| p["part"] == "reply")
        .flat_map(|p| {
            p["reply"]["with"]["page"]["rows"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .find(|r| r["id"] == case.to_string())
        .expect("the case's row");
    let since = chrono::Local::now().date_naive().to_string();
    let request = json!({ "days": 7, "since": since, "unanswered_days": 14, "lang": "en" });
    let parts = ask(&mut s, 2, json!({ "ask": "brief", "request": request }));
    let line = parts
        .iter()
        .filter(|p| p["part"] == "brief")
        .flat_map(|p| {
            p["brief"]["sections"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter(|s| {
            s["heading"]
                .as_str()
                .is_some_and(|h| h.starts_with("Cases changed"))
        })
        .flat_map(|s| s["lines"].as_array().cloned().unwrap_or_default())
        .find(|l| l["id"] == case.to_string())
        .unwrap_or(Value::Null);
    (row, line)
}

#[test]
fn a_note_the_reader_may_not_read_changes_nothing_they_see_of_a_case() {
    let demo = Demo::new();
    let (person, cases) = supporter(&demo.open());
    let case = cases[0];
    let add = |level| {
        let s = demo.open();
        s.as_user("someone-else")
            .apply(vec![Change::Create(note(case, level, "Quetzalbird note"))])
            .unwrap();
        s.flush_all().unwrap();
    };
    // The probe: a private note by someone else on her case.
    add(Confidentiality::Private);
    let (row, line) = what_the_supporter_sees(&demo, person, case);
    assert_ne!(row["changed_kind"], "trust_note", "{row}");
    assert!(!line.to_string().contains("note"), "{line}");
    // A shared note she may read: the same views say so.
    add(Confidentiality::Shared);
    let (row, line) = what_the_supporter_sees(&demo, person, case);
    assert_eq!(row["changed_kind"], "trust_note", "{row}");
    assert!(line.to_string().contains("note"), "{line}");
}
