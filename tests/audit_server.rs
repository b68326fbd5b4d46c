//! The audit trail is the server's own (issue 18, items 3, 5, 6), tried as
//! a hostile client would: raw length-prefixed JSON frames on the socket,
//! never through triad's own `Client`.
//!
//! - a `log` request is no request; every read that shows a person's data
//!   adds exactly its entry, as the connection's user, with no client text;
//! - a trail cut short (last entry deleted, head and sequence rewound)
//!   passes the store's own check but fails against its anchor, and the
//!   server serves it read-only, saying why;
//! - `check` is a coordinator's command, and a note a supporter may not
//!   read changes neither her case list's "last changed" nor her brief.

mod server_common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use server_common::{DEADLINE, PATIENCE, open_when_free, raw_welcomed};
use triad::model::{
    AccessRole, AuditAction, AuditEntry, Case, Confidentiality, Id, Kind, Record, RevealItem,
    Summary, TrustNote, View,
};
use triad::server::frame::{read_frame, write_frame};
use triad::server::roles::Roles;
use triad::server::socket::{my_uid, user_name};
use triad::server::{Running, ServeOptions};
use triad::store::{Change, Scope, SledStore, Store, StoreExt};

/// A demo store in a temp dir, and servers on it with a role for the
/// test's OS user.
struct Fixture {
    tmp: tempfile::TempDir,
    store: PathBuf,
    me: String,
    /// A person in some cases but not all (the supporter's role).
    person: Id,
    /// One of the supporter's cases.
    own: Id,
    configs: std::cell::Cell<u32>,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let store_dir = tmp.path().join("store");
        let me = user_name(my_uid());
        let store = SledStore::open(&store_dir).unwrap();
        let today = chrono::Local::now().date_naive();
        triad::demo::seed(&store, today).unwrap();
        let cases = store.all::<Case>().unwrap().len();
        let (person, own) = store
            .all::<triad::model::Person>()
            .unwrap()
            .into_iter()
            .find_map(|p| {
                let r = triad::model::Reader {
                    user: me.clone(),
                    role: AccessRole::Supporter,
                    person: Some(p.id),
                };
                let scope = Scope::new(&store, &r).unwrap();
                let mine: Vec<Id> = scope.cases().unwrap().iter().copied().collect();
                (!mine.is_empty() && mine.len() < cases)
                    .then(|| (p.id, *mine.iter().min().unwrap()))
            })
            .expect("a demo person in some cases");
        store.flush_all().unwrap();
        drop(store);
        Fixture {
            tmp,
            store: store_dir,
            me,
            person,
            own,
            configs: std::cell::Cell::new(0),
        }
    }

    fn serve(&self, role: AccessRole, anchor_dir: Option<&Path>) -> Running {
        let me = &self.me;
        let text = match role {
            AccessRole::Supporter => format!(
                "[users.\"{me}\"]\nrole = \"supporter\"\nperson = \"{}\"\n",
                self.person
            ),
            other => format!("[users.\"{me}\"]\nrole = \"{}\"\n", other.name()),
        };
        let n = self.configs.get() + 1;
        self.configs.set(n);
        let path = self.tmp.path().join(format!("roles-{n}.toml"));
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut opts = ServeOptions::new(&self.store);
        opts.patience = PATIENCE;
        opts.roles = Some(Roles::load(&path, my_uid()).expect("a good config"));
        opts.anchor_dir = anchor_dir.map(Path::to_path_buf);
        // A server this test just stopped may still be letting go.
        drop(open_when_free(&self.store));
        triad::server::start(opts).expect("the server starts")
    }

    /// The store, opened here (no server running).
    fn open(&self) -> SledStore {
        open_when_free(&self.store)
    }
}

/// Sends one request as a raw frame and reads every part of its answer
/// (feed frames skipped); the last is the `done` part.
fn ask(s: &mut UnixStream, seq: u64, ask: Value) -> Vec<Value> {
    write_frame(s, &json!({ "seq": seq, "ask": ask })).expect("send a request");
    let mut parts = Vec::new();
    loop {
        let frame: Value = read_frame(s, Some(DEADLINE), DEADLINE).expect("an answer");
        if frame["frame"] != "answer" || frame["seq"] != seq {
            continue;
        }
        let part = frame["part"].clone();
        let done = part["part"] == "done";
        parts.push(part);
        if done {
            return parts;
        }
    }
}

/// The `done` part's error, if the answer failed.
fn error(parts: &[Value]) -> Option<Value> {
    let done = parts.last().expect("a done part");
    done["result"].get("Err").cloned()
}

fn effect(effect: triad::query::request::StoreEffect) -> Value {
    json!({ "ask": "effect", "effect": serde_json::to_value(effect).unwrap() })
}

/// The whole trail, read through the socket (a coordinator's request).
fn trail(s: &mut UnixStream, seq: u64) -> Vec<AuditEntry> {
    let parts = ask(s, seq, json!({ "ask": "audit" }));
    assert_eq!(error(&parts), None, "{parts:?}");
    parts
        .iter()
        .filter(|p| p["part"] == "audit")
        .flat_map(|p| serde_json::from_value::<Vec<AuditEntry>>(p["entries"].clone()).unwrap())
        .collect()
}

fn agenda(since: Option<triad::model::Date>) -> triad::query::brief::BriefRequest {
    let mut r = triad::query::brief::BriefRequest::agenda(7, triad::i18n::Lang::En);
    r.since = since;
    r
}

// ------------------------------------------------------------- item 3

/// The probe: a viewer sent `log` with free text and wrote it into the
/// trail. Now there is no such request: it is refused as unreadable, the
/// connection is closed, and the trail is as it was.
#[test]
fn a_log_request_is_no_request_and_writes_nothing() {
    let fx = Fixture::new();
    let before = fx.open().audit_trail().unwrap().len();
    let server = fx.serve(AccessRole::Viewer, None);
    let mut s = raw_welcomed(server.socket());
    let leak = "exported C-0001 to /home/alice/leak.json 森田 さとみ relapse";
    for action in ["export", "import", "view"] {
        let parts = ask(
            &mut s,
            1,
            json!({ "ask": "log", "action": action, "entity": "C-0001", "summary": leak }),
        );
        let err = error(&parts).expect("refused");
        assert_eq!(err["code"], "bad_request", "{err}");
        server_common::assert_dropped(&mut s, "a log request");
        s = raw_welcomed(server.socket());
    }
    drop(s);
    drop(server);
    let trail = fx.open().audit_trail().unwrap();
    assert_eq!(trail.len(), before, "{:?}", &trail[before..]);
    for e in &trail {
        let text = serde_json::to_string(e).unwrap();
        assert!(
            !text.contains("leak.json") && !text.contains("森田"),
            "{text}"
        );
    }
}

/// Each read that shows a person's data adds exactly one entry, as the
/// connection's user, saying what and how many as data.
#[test]
fn every_read_adds_exactly_its_entry_as_the_connections_user() {
    use triad::query::request::StoreEffect as E;
    let fx = Fixture::new();
    let (case, person, note) = {
        let store = fx.open();
        let case = store.all::<Case>().unwrap()[0].clone();
        let person = case.client.expect("a demo case has a client");
        let note = store
            .all::<TrustNote>()
            .unwrap()
            .into_iter()
            .find(|n| n.confidentiality == Confidentiality::Team)
            .expect("a team note");
        (case.id, person, note.id)
    };
    let server = fx.serve(AccessRole::Coordinator, None);
    let mut s = raw_welcomed(server.socket());
    let mut seq = 1;
    let mut seen = trail(&mut s, seq).len();
    // One request, and the one entry it added (as the connection's user,
    // holding no text).
    let mut one = |s: &mut UnixStream, request: Value| -> (Vec<Value>, AuditEntry) {
        seq += 2;
        let parts = ask(s, seq, request.clone());
        assert_eq!(error(&parts), None, "{request}: {parts:?}");
        let all = trail(s, seq + 1);
        let new = all[seen..].to_vec();
        seen = all.len();
        assert_eq!(new.len(), 1, "{request}: {new:?}");
        let e = new[0].clone();
        assert_eq!(e.user, fx.me, "{e:?}");
        assert_eq!(e.summary, "", "no text is stored: {e:?}");
        (parts, e)
    };
    let said = |e: &AuditEntry| (e.action, e.entity, e.detail.clone());
    let view = |view| Some(Summary::Viewed { view });
    let (_, e) = one(&mut s, effect(E::LoadAll));
    assert_eq!(said(&e), (AuditAction::View, None, Some(Summary::Lists)));
    let (_, e) = one(&mut s, effect(E::LoadCase(case)));
    assert_eq!(said(&e), (AuditAction::View, Some(case), view(View::Case)));
    let (_, e) = one(&mut s, effect(E::LoadParty(person)));
    assert_eq!(
        said(&e),
        (AuditAction::View, Some(person), view(View::Party))
    );
    let (_, e) = one(&mut s, effect(E::LoadRecord(note)));
    assert_eq!(
        said(&e),
        (AuditAction::View, Some(note), view(View::Record))
    );
    // An export says what and how many, never the records.
    for scope in [None, Some(case)] {
        let (parts, e) = one(&mut s, json!({ "ask": "collect", "case": scope }));
        let sent: usize = parts
            .iter()
            .filter(|p| p["part"] == "records")
            .map(|p| p["records"].as_array().unwrap().len())
            .sum();
        let left_out = parts
            .iter()
            .find(|p| p["part"] == "filtered")
            .map_or(0, |p| p["left_out"].as_u64().unwrap() as usize);
        assert!(sent > 0);
        let exported = Summary::Exported {
            records: sent,
            left_out,
        };
        assert_eq!(said(&e), (AuditAction::Export, scope, Some(exported)));
    }
    let (_, e) = one(
        &mut s,
        json!({ "ask": "case_report", "case": case, "meeting": true }),
    );
    let report = Summary::CaseReport { meeting: true };
    assert_eq!(said(&e), (AuditAction::View, Some(case), Some(report)));
    let mut brief = agenda(None);
    brief.case = Some(case);
    let (_, e) = one(&mut s, json!({ "ask": "brief", "request": brief }));
    assert_eq!(
        said(&e),
        (AuditAction::View, Some(case), Some(Summary::CaseBrief))
    );
    // A reveal names the kind of item, never what the client sent.
    let reveal = E::Reveal {
        entity: person,
        item: "name\u{1b}]0;森田".into(),
    };
    let (_, e) = one(&mut s, effect(reveal));
    let item = Summary::Revealed {
        item: RevealItem::Item,
    };
    assert_eq!(said(&e), (AuditAction::Reveal, Some(person), Some(item)));
    let text = serde_json::to_string(&e).unwrap();
    assert!(!text.contains("森田"), "{text}");
}

/// The agenda's entry counts its lines that name a record; the test above
/// pins it to zero only if the agenda is empty, so it is read here.
#[test]
fn the_agenda_and_search_sessions_are_one_entry_each() {
    let fx = Fixture::new();
    let server = fx.serve(AccessRole::Coordinator, None);
    let mut s = raw_welcomed(server.socket());
    let before = trail(&mut s, 1).len();
    let parts = ask(
        &mut s,
        2,
        json!({ "ask": "brief", "request": agenda(None) }),
    );
    let brief: triad::query::brief::Brief = parts
        .iter()
        .find(|p| p["part"] == "brief")
        .map(|p| serde_json::from_value(p["brief"].clone()).unwrap())
        .expect("a brief");
    let lines = brief
        .sections
        .iter()
        .flat_map(|s| &s.lines)
        .filter(|l| l.id.is_some())
        .count();
    let all = trail(&mut s, 3);
    assert_eq!(all.len(), before + 1);
    let e = all.last().unwrap();
    assert_eq!((e.action, e.entity), (AuditAction::View, None), "{e:?}");
    assert_eq!(e.detail, Some(Summary::Agenda { lines }));
    assert!(lines > 0, "the demo's agenda names records");

    // A name typed key by key: one entry for the session, at its end.
    let mut shown = std::collections::HashSet::new();
    let query = "morita";
    for (i, n) in (1..=query.len()).enumerate() {
        let q = &query[..n];
        let parts = ask(
            &mut s,
            10 + i as u64,
            json!({ "ask": "search", "query": q, "limit": 20, "restricted": true }),
        );
        for p in parts.iter().filter(|p| p["part"] == "hits") {
            for h in p["hits"].as_array().unwrap() {
                shown.insert(h["id"].as_str().unwrap().to_string());
            }
        }
    }
    assert!(!shown.is_empty(), "the demo has a Morita");
    let all = trail(&mut s, 30);
    assert_eq!(all.len(), before + 2, "{:?}", &all[before..]);
    let e = all.last().unwrap();
    assert_eq!(e.user, fx.me);
    assert_eq!(
        e.detail,
        Some(Summary::Searched {
            queries: query.len(),
            shown: shown.len()
        })
    );
    // A session still open when the connection closes is logged then.
    ask(
        &mut s,
        31,
        json!({ "ask": "search", "query": "morita", "limit": 20, "restricted": true }),
    );
    drop(s);
    drop(server);
    let e = fx.open().audit_trail().unwrap().pop().unwrap();
    assert!(
        matches!(e.detail, Some(Summary::Searched { queries: 1, .. })),
        "{e:?}"
    );
}

// ------------------------------------------------------------- item 5

/// Deletes the last audit entry and rewinds `audit_head` and `audit_seq`,
/// as someone with the store's files could.
fn cut_last_entry(store: &Path) {
    let db = sled::open(store.join("db")).unwrap();
    let audit = db.open_tree("audit").unwrap();
    let meta = db.open_tree("meta").unwrap();
    let (k, _) = audit.last().unwrap().unwrap();
    let seq = u64::from_be_bytes(k.as_ref().try_into().unwrap());
    audit.remove(&k).unwrap();
    let prev: AuditEntry =
        serde_json::from_slice(&audit.get((seq - 1).to_be_bytes()).unwrap().unwrap()).unwrap();
    meta.insert("audit_seq", &(seq - 1).to_be_bytes()).unwrap();
    meta.insert("audit_head", prev.hash.as_bytes()).unwrap();
    db.flush().unwrap();
}

/// The probe: a trail cut short passed `check`. With an anchor it fails,
/// through the socket and `triad check --anchor`; a server given the
/// anchor directory serves the store read-only and says why.
#[test]
fn a_trail_cut_short_fails_against_its_anchor_and_is_served_read_only() {
    use triad::query::request::StoreEffect as E;
    let fx = Fixture::new();
    let anchors = fx.tmp.path().join("anchors");
    std::fs::create_dir(&anchors).unwrap();
    let server = fx.serve(AccessRole::Coordinator, Some(&anchors));
    let mut s = raw_welcomed(server.socket());
    ask(&mut s, 1, effect(E::LoadCase(fx.own)));
    drop(s);
    drop(server);
    let head = fx.open().head().unwrap();
    let file = triad::store::anchor::file_in(&anchors, &head);
    let anchor = triad::store::anchor::read(&file).expect("an anchor at stop");
    assert_eq!(anchor.head, head, "the anchor holds the head at stop");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    cut_last_entry(&fx.store);
    let store = fx.open();
    assert_eq!(
        store.check().unwrap().problems,
        Vec::<String>::new(),
        "the cut is consistent: only an anchor finds it"
    );
    let problem = store.check_anchor(&anchor).unwrap().expect("found");
    assert!(problem.contains("cut off"), "{problem}");
    drop(store);

    // Served with the anchor: read-only, with the reason.
    let server = fx.serve(AccessRole::Coordinator, Some(&anchors));
    let mut s = raw_welcomed(server.socket());
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
    assert!(problems.contains("cut off"), "{problems}");
    let note = TrustNote {
        id: Id::new(Kind::TrustNote, 1),
        case: Some(fx.own),
        relationship: None,
        about: None,
        author: fx.me.clone(),
        at: chrono::Utc::now(),
        text: "a write to a store that failed its check".into(),
        confidentiality: Confidentiality::Shared,
        trust_change: None,
        corrects: None,
        entered: None,
    };
    let save = E::Save {
        request: 7,
        ops: vec![Change::Create(Record::TrustNote(note))],
    };
    let parts = ask(&mut s, 2, effect(save));
    let text = serde_json::to_string(&parts).unwrap();
    assert!(text.contains("save_failed"), "{text}");
    assert!(text.contains("audit trail failed its check"), "{text}");
    drop(s);
    drop(server);
    // The anchor was not moved back to the cut head.
    assert_eq!(triad::store::anchor::read(&file).unwrap().head, anchor.head);

    // `triad check --anchor` says so, and fails.
    let out = server_common::run(server_common::triad_cmd(
        &fx.store,
        &["check", "--anchor", file.to_str().unwrap()],
    ));
    let _stop = server_common::StopServers(fx.store.clone());
    assert!(
        !out.status.success(),
        "{}",
        server_common::text(&out.stdout)
    );
    let said = server_common::text(&out.stdout) + &server_common::text(&out.stderr);
    assert!(said.contains("cut off"), "{said}");
}

/// Every backup carries the head of the trail it holds.
#[test]
fn a_backup_carries_the_head() {
    let fx = Fixture::new();
    let store = fx.open();
    let out = fx.tmp.path().join("b.triad-backup");
    let summary = store.backup_to_file(&out).unwrap();
    assert_eq!(summary.head, Some(store.head().unwrap()));
    assert!(store.head().unwrap().seq > 0);
    drop(store);
    let verified = triad::store::verify_backup(&out).unwrap();
    assert_eq!(verified.head, summary.head);
}

// ------------------------------------------------------------- item 6

/// The probe: `check` by a viewer or supporter printed store-wide counts.
#[test]
fn check_is_a_coordinators_command() {
    let fx = Fixture::new();
    for role in [AccessRole::Viewer, AccessRole::Supporter] {
        let server = fx.serve(role, None);
        let mut s = raw_welcomed(server.socket());
        let parts = ask(&mut s, 1, json!({ "ask": "check" }));
        let err = error(&parts).expect("refused");
        assert_eq!(err["code"], "forbidden", "{role:?}: {err}");
        assert!(
            err["message"]
                .as_str()
                .unwrap()
                .contains("only a coordinator"),
            "{err}"
        );
        assert!(
            !parts.iter().any(|p| p["part"] == "check"),
            "{role:?}: no counts"
        );
    }
    let server = fx.serve(AccessRole::Coordinator, None);
    let mut s = raw_welcomed(server.socket());
    let parts = ask(&mut s, 1, json!({ "ask": "check" }));
    assert!(parts.iter().any(|p| p["part"] == "check"), "{parts:?}");
}

/// What a supporter's case list and brief say of her case.
fn her_view(fx: &Fixture) -> (Value, Vec<String>) {
    use triad::query::request::StoreEffect as E;
    let server = fx.serve(AccessRole::Supporter, None);
    let mut s = raw_welcomed(server.socket());
    let query = triad::query::cases::CaseQuery {
        status: None,
        ..Default::default()
    };
    let page = ask(
        &mut s,
        1,
        effect(E::CasePage {
            query,
            offset: 0,
            limit: 500,
        }),
    );
    let row = page
        .iter()
        .filter(|p| p["part"] == "reply" && p["reply"]["reply"] == "case_page")
        .flat_map(|p| {
            p["reply"]["with"]["page"]["rows"]
                .as_array()
                .unwrap()
                .clone()
        })
        .find(|r| r["id"] == fx.own.to_string())
        .expect("her case is in her list");
    let today = chrono::Local::now().date_naive();
    let parts = ask(
        &mut s,
        2,
        json!({ "ask": "brief", "request": agenda(Some(today)) }),
    );
    let brief: triad::query::brief::Brief = parts
        .iter()
        .find(|p| p["part"] == "brief")
        .map(|p| serde_json::from_value(p["brief"].clone()).unwrap())
        .expect("a brief");
    let changed = brief
        .sections
        .iter()
        .find(|s| s.heading.starts_with("Cases changed"))
        .map(|s| s.lines.iter().map(|l| l.text.clone()).collect())
        .unwrap_or_default();
    (
        json!({ "changed": row["changed"], "kind": row["changed_kind"] }),
        changed,
    )
}

fn add_note(fx: &Fixture, confidentiality: Confidentiality) {
    let store = fx.open();
    let note = TrustNote {
        id: Id::new(Kind::TrustNote, 1),
        case: Some(fx.own),
        relationship: None,
        about: None,
        author: "someone-else".into(),
        at: chrono::Utc::now(),
        text: "a note by someone else".into(),
        confidentiality,
        trust_change: None,
        corrects: None,
        entered: None,
    };
    store
        .as_user("someone-else")
        .apply(vec![Change::Create(Record::TrustNote(note))])
        .unwrap();
    store.flush_all().unwrap();
}

/// The probe: someone else's private note on a supporter's case made her
/// case list and brief say `C-0010 ... note`. A note she may not read
/// changes nothing she sees; a shared one does (so the test can fail).
#[test]
fn a_note_she_may_not_read_changes_nothing_she_sees() {
    let fx = Fixture::new();
    let before = her_view(&fx);
    add_note(&fx, Confidentiality::Private);
    add_note(&fx, Confidentiality::Team);
    let after = her_view(&fx);
    assert_eq!(before, after, "private and team notes by someone else");
    add_note(&fx, Confidentiality::Shared);
    let (row, changed) = her_view(&fx);
    assert_eq!(row["kind"], "trust_note", "{row}");
    assert_ne!(row, before.0);
    assert!(
        changed.iter().any(|l| l.contains("note")),
        "a shared note is a change she may see: {changed:?}"
    );
}
