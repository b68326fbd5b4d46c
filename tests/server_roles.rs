//! Users and roles on a server: what each role reads (case bundles, search,
//! the dashboard, every export, the change feed, the bytes on the socket),
//! what it may write, whose name a write carries, and how a config file is
//! checked. The test's own user takes each role in turn through a config;
//! run as root, a second OS user (`nobody`) is served or refused by the
//! real binary and listens to the change feed.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use triad::i18n::Lang;
use triad::model::{
    AccessRole, Case, Confidentiality, Id, Kind, Person, Reader, Record, Referral, TrustNote,
};
use triad::query::data::CaseDetail;
use triad::query::data::Hit;
use triad::query::request::{Reply, StoreEffect};
use triad::server::client::{Client, ClientError, Heard};
use triad::server::frame::write_frame;
use triad::server::protocol::{Ask, ErrorCode, Feed, Hello, Part, Request, VERSION};
use triad::server::roles::Roles;
use triad::server::socket::{my_uid, user_name};
use triad::server::{Running, ServeOptions};
use triad::store::{Change, Scope, SledStore, Store, StoreExt};

mod common;
mod server_common;
use server_common::{
    BIN, DEADLINE, Heards, PATIENCE, connect, lock_holders, open_dir, open_socket, open_when_free,
    other_user_with_triad, raw_welcomed, run, runnable_copy, save, saved, search, second_user,
    text, triad_as, wait_until,
};

// ------------------------------------------------------------ the fixture

/// Who wrote a marker note, and how confidential it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    /// Private, by someone else: no reader here may read it.
    OthersPrivate,
    /// Team, by someone else: coordinators only.
    Team,
    /// Shared, by someone else: everyone who sees the case.
    Shared,
    /// Private, by the test's own user: they read it in any role.
    MinePrivate,
}

const LEVELS: [Level; 4] = [
    Level::OthersPrivate,
    Level::Team,
    Level::Shared,
    Level::MinePrivate,
];

/// Someone else who writes notes (not an OS user the server knows).
const OTHER_AUTHOR: &str = "kato-other-author";

/// A note the fixture adds, with a word found nowhere else in the store.
#[derive(Clone, Debug)]
struct Marker {
    id: Id,
    case: Id,
    level: Level,
    word: &'static str,
}

/// The demo store plus marker notes at every level in two cases: one of
/// the supporter's and one not theirs; and an overdue referral in the
/// supporter's case (the demo's only overdue one is in another case).
struct Fixture {
    tmp: tempfile::TempDir,
    store: PathBuf,
    /// The test's OS user: the server's owner.
    me: String,
    /// The person the supporter role is given (read from the demo).
    person: Id,
    /// The supporter's cases.
    mine: BTreeSet<Id>,
    all_cases: BTreeSet<Id>,
    people: BTreeSet<Id>,
    /// A case of the supporter's that holds markers.
    own: Id,
    /// A case not the supporter's that holds markers.
    other: Id,
    titles: HashMap<Id, String>,
    markers: Vec<Marker>,
    /// Cases with an overdue referral.
    overdue_cases: BTreeSet<Id>,
    /// What each role may see, as `store::Scope` says (an oracle for
    /// whole sets of hits and records; the markers are checked on their own).
    visible: HashMap<AccessRole, HashSet<Id>>,
    /// Config files written so far (each gets its own name).
    configs: std::cell::Cell<u32>,
}

fn me() -> String {
    user_name(my_uid())
}

/// A new note in `case` that claims to be someone else's.
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

fn reader(me: &str, role: AccessRole, person: Option<Id>) -> Reader {
    Reader {
        user: me.to_string(),
        role,
        person,
    }
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let store_dir = tmp.path().join("store");
        let me = me();
        let today = chrono::Local::now().date_naive();
        let store = SledStore::open(&store_dir).unwrap();
        triad::demo::seed(&store, today).unwrap();

        let cases: Vec<Case> = store.all().unwrap();
        let all_cases: BTreeSet<Id> = cases.iter().map(|c| c.id).collect();
        let titles = cases.iter().map(|c| (c.id, c.title.clone())).collect();
        // The person in the most cases, short of all of them.
        let mut best: Option<(usize, Id, BTreeSet<Id>)> = None;
        let mut people = BTreeSet::new();
        for p in store.all::<Person>().unwrap() {
            people.insert(p.id);
            let r = reader(&me, AccessRole::Supporter, Some(p.id));
            let scope = Scope::new(&store, &r).unwrap();
            let theirs: BTreeSet<Id> = scope.cases().unwrap().iter().copied().collect();
            let n = theirs.len();
            if n > 0 && n < all_cases.len() && best.as_ref().is_none_or(|(b, _, _)| n > *b) {
                best = Some((n, p.id, theirs));
            }
        }
        let (_, person, mine) = best.expect("a demo person is a party to some cases");
        let own = *mine.first().unwrap();
        let other = *all_cases.iter().find(|c| !mine.contains(c)).unwrap();

        let words: [[&'static str; 4]; 2] = [
            ["Zebrafinch", "Kilimanjaro", "Vltavariver", "Quetzalbird"],
            [
                "Reykjavikcity",
                "Tbilisitown",
                "Ushuaiaport",
                "Windhoekplain",
            ],
        ];
        let mut markers = Vec::new();
        for (case, words) in [own, other].into_iter().zip(words) {
            for (level, word) in LEVELS.into_iter().zip(words) {
                let (conf, author) = match level {
                    Level::OthersPrivate => (Confidentiality::Private, OTHER_AUTHOR),
                    Level::Team => (Confidentiality::Team, OTHER_AUTHOR),
                    Level::Shared => (Confidentiality::Shared, OTHER_AUTHOR),
                    Level::MinePrivate => (Confidentiality::Private, me.as_str()),
                };
                let text = format!("{word} marker note ({level:?} in {case})");
                let stored = store
                    .as_user(author)
                    .apply(vec![Change::Create(note(case, conf, &text))])
                    .unwrap();
                markers.push(Marker {
                    id: stored[0].id(),
                    case,
                    level,
                    word,
                });
            }
        }
        // An overdue referral in the supporter's case.
        let open = store
            .all::<Referral>()
            .unwrap()
            .into_iter()
            .find(|r| r.status().is_open())
            .expect("an open demo referral");
        let mut overdue = open;
        overdue.case = own;
        // Proposed: only a step past the consent gate makes it sent.
        overdue.history.truncate(1);
        overdue.follow_up = today.checked_sub_days(chrono::Days::new(3));
        store
            .as_user(&me)
            .apply(vec![Change::Create(Record::Referral(overdue))])
            .unwrap();
        let overdue_cases = store
            .all::<Referral>()
            .unwrap()
            .into_iter()
            .filter(|r| r.status().is_open() && r.follow_up_overdue(today))
            .map(|r| r.case)
            .collect();

        let mut visible = HashMap::new();
        for role in [
            AccessRole::Coordinator,
            AccessRole::Viewer,
            AccessRole::Supporter,
        ] {
            let person = (role == AccessRole::Supporter).then_some(person);
            let scope = Scope::new(&store, &reader(&me, role, person)).unwrap();
            let mut seen = HashSet::new();
            for kind in Kind::ALL {
                store
                    .scan(kind, &mut |r| {
                        if scope.sees(&store, &r).unwrap() {
                            seen.insert(r.id());
                        }
                        true
                    })
                    .unwrap();
            }
            visible.insert(role, seen);
        }
        store.flush_all().unwrap();
        drop(store);
        Fixture {
            tmp,
            store: store_dir,
            me,
            person,
            mine,
            all_cases,
            people,
            own,
            other,
            titles,
            markers,
            overdue_cases,
            visible,
            configs: std::cell::Cell::new(0),
        }
    }

    /// A config file giving the test's user `role` (the file a server reads).
    fn config(&self, role: AccessRole) -> String {
        let me = &self.me;
        match role {
            AccessRole::Supporter => format!(
                "[users.\"{me}\"]\nrole = \"supporter\"\nperson = \"{}\"\n",
                self.person
            ),
            other => format!("[users.\"{me}\"]\nrole = \"{}\"\n", other.name()),
        }
    }

    /// Writes a config file (owner-writable only) and returns its path.
    fn config_file(&self, text: &str) -> PathBuf {
        let n = self.configs.get() + 1;
        self.configs.set(n);
        let path = self.tmp.path().join(format!("roles-{n}.toml"));
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        path
    }

    /// An in-process server whose config gives the test's user `role`.
    fn serve_as(&self, role: AccessRole) -> Running {
        self.serve_with(&self.config(role), None)
    }

    fn serve_with(&self, config: &str, socket: Option<PathBuf>) -> Running {
        self.wait_unlocked();
        let path = self.config_file(config);
        let roles = Roles::load(&path, my_uid()).expect("the config is good");
        let mut opts = ServeOptions::new(&self.store);
        opts.patience = PATIENCE;
        opts.roles = Some(roles);
        opts.socket = socket;
        triad::server::start(opts).expect("the server starts")
    }

    /// Whether `role` (as the test's user) may read a marker.
    fn expect(&self, role: AccessRole, m: &Marker) -> bool {
        let level = match m.level {
            Level::OthersPrivate => false,
            Level::Team => role == AccessRole::Coordinator,
            Level::Shared | Level::MinePrivate => true,
        };
        level && (role != AccessRole::Supporter || self.mine.contains(&m.case))
    }

    /// Whether `role` may read a note, by the rules (confidentiality and,
    /// for a supporter, the case).
    fn may_read(&self, role: AccessRole, n: &TrustNote) -> bool {
        let level = match n.confidentiality {
            Confidentiality::Private => n.author == self.me,
            Confidentiality::Team => role == AccessRole::Coordinator || n.author == self.me,
            Confidentiality::Shared => true,
        };
        level && (role != AccessRole::Supporter || n.case.is_none_or(|c| self.mine.contains(&c)))
    }

    fn sees_case(&self, role: AccessRole, case: Id) -> bool {
        role != AccessRole::Supporter || self.mine.contains(&case)
    }

    fn marker(&self, case: Id, level: Level) -> &Marker {
        self.markers
            .iter()
            .find(|m| m.case == case && m.level == level)
            .unwrap()
    }

    /// Waits until no one holds the store's lock: a store this process
    /// closed stays locked while a child that another test forked has not
    /// yet exec'd (it holds a copy of the descriptor).
    fn wait_unlocked(&self) {
        let lock = self.store.join("triad.lock");
        wait_until("the store's lock is free", || {
            lock_holders(&lock).is_empty()
        });
    }

    /// Opens the store once the server let go of it.
    fn open(&self) -> SledStore {
        open_when_free(&self.store)
    }
}

// ------------------------------------------------------- asking the server

fn client(socket: &Path) -> Client {
    connect(socket, false).0
}

fn effect(client: &mut Client, effect: StoreEffect) -> Vec<Reply> {
    let mut replies = Vec::new();
    client
        .ask(Ask::Effect { effect }, &mut |part| match part {
            Part::Reply { reply } => replies.push(*reply),
            other => panic!("an effect answered with {other:?}"),
        })
        .expect("the effect is answered");
    replies
}

fn load_case(client: &mut Client, id: Id) -> Result<CaseDetail, String> {
    let replies = effect(client, StoreEffect::LoadCase(id));
    match replies.as_slice() {
        [Reply::Case(Ok(detail))] => Ok((**detail).clone()),
        [Reply::Case(Err((_, why)))] => Err(why.to_string()),
        other => panic!("LoadCase answered {other:?}"),
    }
}

/// The case rows the case list shows (all of it, in one page), checked
/// against the total the overview counts.
fn case_rows(client: &mut Client) -> BTreeSet<Id> {
    let mut total = None;
    for r in effect(client, StoreEffect::LoadAll) {
        match r {
            Reply::Overview(o) => total = Some(o.total),
            Reply::Loaded(result) => result.expect("everything loads"),
            _ => {}
        }
    }
    let query = triad::query::cases::CaseQuery::default();
    let ask = StoreEffect::CasePage {
        query,
        offset: 0,
        limit: 10_000,
    };
    let mut rows = BTreeSet::new();
    for r in effect(client, ask) {
        if let Reply::CasePage { page, .. } = r {
            assert_eq!(Some(page.total), total, "the overview counts the list");
            rows.extend(page.rows.into_iter().map(|c| c.id));
        }
    }
    rows
}

/// Ids of the people and bodies `LoadAll` names.
fn names(client: &mut Client) -> BTreeSet<Id> {
    let mut out = BTreeSet::new();
    for r in effect(client, StoreEffect::LoadAll) {
        if let Reply::Names(n) = r {
            out.extend(n.into_iter().map(|n| n.id));
        }
    }
    out
}

struct Dashboard {
    overdue: Vec<Id>,
    consents: Vec<Id>,
}

fn dashboard(client: &mut Client) -> Dashboard {
    let mut d = Dashboard {
        overdue: vec![],
        consents: vec![],
    };
    for r in effect(client, StoreEffect::RefreshDashboard) {
        match r {
            Reply::ReferralAlerts(alerts) => {
                // The alerts also list follow-ups due this week and
                // referrals waiting for an answer: keep the overdue.
                let today = chrono::Local::now().date_naive();
                d.overdue = alerts
                    .into_iter()
                    .filter(|a| a.follow_up.is_some_and(|f| f < today))
                    .map(|a| a.case)
                    .collect();
            }
            Reply::Consents(c) => d.consents = c.into_iter().map(|c| c.case).collect(),
            _ => {}
        }
    }
    d
}

/// An export's parts: whom it was filtered for (if said, and whether it
/// came first), and the records.
struct Collected {
    filtered: Option<(String, usize)>,
    filtered_first: bool,
    records: Vec<Record>,
}

fn collect(client: &mut Client, case: Option<Id>) -> Result<Collected, ClientError> {
    let mut c = Collected {
        filtered: None,
        filtered_first: false,
        records: vec![],
    };
    let mut first = true;
    client.ask(Ask::Collect { case }, &mut |part| {
        match part {
            Part::Filtered { reader, left_out } => {
                c.filtered_first = first;
                c.filtered = Some((reader, left_out));
            }
            Part::Records { mut records } => c.records.append(&mut records),
            other => panic!("an export answered with {other:?}"),
        }
        first = false;
    })?;
    Ok(c)
}

fn case_report(client: &mut Client, case: Id) -> Result<String, ClientError> {
    let mut text = None;
    client.ask(
        Ask::CaseReport {
            case,
            lang: Lang::En,
            meeting: false,
        },
        &mut |part| match part {
            Part::Text { text: t } => text = Some(t),
            other => panic!("a report answered with {other:?}"),
        },
    )?;
    Ok(text.expect("a report has text"))
}

/// A brief over ten years, so every case's lines are in it.
fn brief_request(case: Option<Id>) -> triad::query::brief::BriefRequest {
    triad::query::brief::BriefRequest {
        case,
        days: 3650,
        since: Some(common::day(2000, 1, 1)),
        meeting: false,
        unanswered_days: 0,
        thresholds: Default::default(),
        lang: Lang::En,
    }
}

fn brief(client: &mut Client, case: Option<Id>) -> Result<triad::query::brief::Brief, ClientError> {
    let mut made = None;
    client.ask(
        Ask::Brief {
            request: brief_request(case),
        },
        &mut |part| match part {
            Part::Brief { brief } => made = Some(*brief),
            other => panic!("a brief answered with {other:?}"),
        },
    )?;
    Ok(made.expect("a brief"))
}

fn forbidden(result: Result<(), ClientError>, what: &str) {
    match result {
        Err(ClientError::Failed(e)) if e.code == ErrorCode::Forbidden => {
            assert!(e.message.contains("coordinator"), "{what}: {}", e.message);
        }
        other => panic!("{what}: expected Forbidden, got {other:?}"),
    }
}

fn hit_ids(hits: &[Hit]) -> BTreeSet<Id> {
    hits.iter().map(|h| h.id).collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Sends one request on a raw, welcomed socket and returns every byte the
/// server sent until that request's `Done` (feed frames included).
fn raw_ask(s: &mut UnixStream, seq: u64, ask: Ask) -> Vec<u8> {
    write_frame(s, &Request { seq, ask }).expect("send a request");
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut all = Vec::new();
    loop {
        let mut len = [0u8; 4];
        s.read_exact(&mut len).expect("a frame's length");
        let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
        s.read_exact(&mut body).expect("a frame's body");
        all.extend_from_slice(&len);
        all.extend_from_slice(&body);
        let v: serde_json::Value = serde_json::from_slice(&body).expect("a JSON frame");
        if v["frame"] == "answer" && v["seq"] == seq && v["part"]["part"] == "done" {
            return all;
        }
    }
}

/// `triad --connect SOCKET …` as the test's user.
fn triad_at(socket: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("--connect")
        .arg(socket)
        .args(args)
        .env_remove("TRIAD_STORE")
        .env_remove("TRIAD_SOCKET")
        .stdin(Stdio::null());
    run(cmd)
}

// ------------------------------------------------- what every role reads

/// Every read path, for the role the server gives the test's user: each
/// marker reaches the reader exactly when it should, and no note that
/// breaks the rules comes back by any path.
fn reads_match_the_role(fx: &Fixture, socket: &Path, role: AccessRole) {
    let mut c = client(socket);
    assert_eq!(c.role, role, "the server's config gives {role:?}");
    assert_eq!(c.user, fx.me);
    let visible = &fx.visible[&role];

    // Case bundles: every case, the markers in two of them.
    for &case in &fx.all_cases {
        match load_case(&mut c, case) {
            Ok(detail) => {
                assert!(fx.sees_case(role, case), "{role:?} loaded {case}");
                for n in &detail.notes {
                    assert!(
                        fx.may_read(role, n),
                        "{role:?}: the bundle of {case} holds {} ({:?} by {})",
                        n.id,
                        n.confidentiality,
                        n.author
                    );
                }
                for m in fx.markers.iter().filter(|m| m.case == case) {
                    assert_eq!(
                        detail.notes.iter().any(|n| n.id == m.id),
                        fx.expect(role, m),
                        "{role:?}: marker {m:?} in the bundle of {case}"
                    );
                }
            }
            Err(why) => {
                assert!(!fx.sees_case(role, case), "{role:?}: {case}: {why}");
                assert!(why.contains(&case.to_string()), "{why}");
            }
        }
    }

    // A record's detail view, loaded by id: each marker exactly when it
    // may be read.
    for m in &fx.markers {
        let loaded = match effect(&mut c, StoreEffect::LoadRecord(m.id)).as_slice() {
            [Reply::Record(Ok(d))] => d.record.id() == m.id,
            [Reply::Record(Err(_))] => false,
            other => panic!("LoadRecord answered {other:?}"),
        };
        assert_eq!(loaded, fx.expect(role, m), "{role:?}: record view of {m:?}");
    }

    // Search: the marker's own word finds it exactly when it may be read,
    // and no hit is of a record this reader may not see.
    for m in &fx.markers {
        let hits = search(&mut c, m.word);
        assert_eq!(
            hit_ids(&hits).contains(&m.id),
            fx.expect(role, m),
            "{role:?}: searching {} ({m:?}) found {hits:?}",
            m.word
        );
        for h in &hits {
            assert!(visible.contains(&h.id), "{role:?}: hit {h:?}");
        }
    }

    // Exports: everything, and each marker case; then the case reports.
    let all = collect(&mut c, None).expect("an export of everything");
    let (who, left_out) = all
        .filtered
        .clone()
        .expect("others' private notes are left out");
    assert!(all.filtered_first, "{role:?}: Filtered comes first");
    assert_eq!(who, format!("{} ({})", fx.me, role.name()));
    assert!(left_out > 0);
    let ids: BTreeSet<Id> = all.records.iter().map(Record::id).collect();
    assert_eq!(ids.len(), all.records.len(), "no record twice");
    for m in &fx.markers {
        assert_eq!(
            ids.contains(&m.id),
            fx.expect(role, m),
            "{role:?}: marker {m:?} in the export of everything"
        );
    }
    for r in &all.records {
        if let Record::TrustNote(n) = r {
            assert!(fx.may_read(role, n), "{role:?}: the export holds {n:?}");
        }
        if let Record::Case(case) = r {
            assert!(
                fx.sees_case(role, case.id),
                "{role:?}: exported {}",
                case.id
            );
        }
    }
    for case in [fx.own, fx.other] {
        match collect(&mut c, Some(case)) {
            Ok(one) => {
                assert!(fx.sees_case(role, case));
                let ids: BTreeSet<Id> = one.records.iter().map(Record::id).collect();
                for m in fx.markers.iter().filter(|m| m.case == case) {
                    assert_eq!(ids.contains(&m.id), fx.expect(role, m), "{role:?}: {m:?}");
                }
                let (who, _) = one.filtered.expect("the case's private note is left out");
                assert!(one.filtered_first);
                assert!(who.contains(role.name()), "{who}");
            }
            Err(e) => assert!(!fx.sees_case(role, case), "{role:?}: export of {case}: {e}"),
        }
        match case_report(&mut c, case) {
            Ok(md) => {
                assert!(fx.sees_case(role, case));
                for m in fx.markers.iter().filter(|m| m.case == case) {
                    assert_eq!(
                        md.contains(m.word),
                        fx.expect(role, m),
                        "{role:?}: {m:?}\n{md}"
                    );
                }
                assert!(md.contains("Filtered for"), "{md}");
            }
            Err(e) => assert!(!fx.sees_case(role, case), "{role:?}: report of {case}: {e}"),
        }
        // A case's brief: only of a case the reader sees; its lines are
        // about records they see, and only shared notes.
        match brief(&mut c, Some(case)) {
            Ok(b) => {
                assert!(fx.sees_case(role, case));
                for id in b
                    .sections
                    .iter()
                    .flat_map(|s| &s.lines)
                    .filter_map(|l| l.id)
                {
                    assert!(
                        visible.contains(&id),
                        "{role:?}: {id} in the brief of {case}"
                    );
                }
                let brief_text = b.to_text();
                for m in fx.markers.iter().filter(|m| m.case == case) {
                    if brief_text.contains(m.word) {
                        assert!(matches!(m.level, Level::Shared), "{role:?}: {m:?}");
                    }
                }
            }
            Err(e) => assert!(!fx.sees_case(role, case), "{role:?}: brief of {case}: {e}"),
        }
    }
    // The agenda (changed since 2000: every case) names exactly the
    // cases the reader sees.
    let agenda = brief(&mut c, None).expect("an agenda");
    let agenda_text = agenda.to_text();
    for case in &fx.all_cases {
        assert_eq!(
            agenda_text.contains(&case.to_string()),
            fx.sees_case(role, *case),
            "{role:?}: {case} in\n{agenda_text}"
        );
    }
    for id in agenda
        .sections
        .iter()
        .flat_map(|s| &s.lines)
        .filter_map(|l| l.id)
    {
        assert!(visible.contains(&id), "{role:?}: {id} in the agenda");
    }

    // The bytes on the socket, for every read at once.
    let mut raw = raw_welcomed(socket);
    let mut bytes = Vec::new();
    let mut seq = 0;
    let mut asks = vec![
        Ask::Effect {
            effect: StoreEffect::LoadAll,
        },
        Ask::Effect {
            effect: StoreEffect::LoadCase(fx.own),
        },
        Ask::Effect {
            effect: StoreEffect::LoadCase(fx.other),
        },
        Ask::Collect { case: None },
        Ask::Collect { case: Some(fx.own) },
        Ask::Collect {
            case: Some(fx.other),
        },
        Ask::CaseReport {
            case: fx.own,
            lang: Lang::En,
            meeting: false,
        },
        Ask::CaseReport {
            case: fx.other,
            lang: Lang::En,
            meeting: false,
        },
        Ask::Brief {
            request: brief_request(Some(fx.own)),
        },
        Ask::Brief {
            request: brief_request(Some(fx.other)),
        },
        Ask::Brief {
            request: brief_request(None),
        },
    ];
    for m in &fx.markers {
        asks.push(Ask::Search {
            query: m.word.into(),
            limit: 50,
            restricted: true,
        });
        // A note's detail view, asked for by id.
        asks.push(Ask::Effect {
            effect: StoreEffect::LoadRecord(m.id),
        });
    }
    for ask in asks {
        seq += 1;
        bytes.extend(raw_ask(&mut raw, seq, ask));
    }
    for m in &fx.markers {
        assert_eq!(
            contains(&bytes, m.word),
            fx.expect(role, m),
            "{role:?}: the word of {m:?} on the socket"
        );
    }

    // The command line's exports: JSON, CSV and Markdown.
    let json_out = triad_at(socket, &["export", "--format", "json"]);
    assert!(json_out.status.success(), "{}", text(&json_out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&json_out.stdout).expect("JSON");
    let filtered_for = json["filtered_for"].as_str().expect("a filtered_for field");
    assert!(
        filtered_for.contains(&format!("{} ({})", fx.me, role.name())),
        "{filtered_for}"
    );
    let csv_dir = fx.tmp.path().join(format!("csv-{}", role.name()));
    let out = triad_at(
        socket,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            csv_dir.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut csv = Vec::new();
    for f in std::fs::read_dir(&csv_dir).unwrap() {
        csv.extend(std::fs::read(f.unwrap().path()).unwrap());
    }
    assert!(
        contains(&csv, "Filtered for"),
        "the CSV says it was filtered"
    );
    for m in &fx.markers {
        assert_eq!(
            contains(&json_out.stdout, m.word),
            fx.expect(role, m),
            "JSON: {m:?}"
        );
        assert_eq!(contains(&csv, m.word), fx.expect(role, m), "CSV: {m:?}");
    }
    for case in [fx.own, fx.other] {
        let case_arg = case.to_string();
        let out = triad_at(socket, &["export", "--format", "md", "--case", &case_arg]);
        if !fx.sees_case(role, case) {
            assert!(!out.status.success(), "{role:?} exported {case}");
            assert!(out.stdout.is_empty());
            continue;
        }
        assert!(out.status.success(), "{}", text(&out.stderr));
        for m in fx.markers.iter().filter(|m| m.case == case) {
            assert_eq!(
                contains(&out.stdout, m.word),
                fx.expect(role, m),
                "md: {m:?}"
            );
        }
    }
}

/// A note in `case` through the server; returns the reply.
fn save_note(c: &mut Client, request: u128, case: Id, conf: Confidentiality, text: &str) -> Reply {
    save(c, request, vec![Change::Create(note(case, conf, text))]).expect("a save is answered")
}

fn saved_note(reply: Reply) -> TrustNote {
    match reply {
        Reply::Saved(records) => match records.as_slice() {
            [Record::TrustNote(n)] => n.clone(),
            other => panic!("saved {other:?}"),
        },
        other => panic!("expected Saved, got {other:?}"),
    }
}

fn save_failed(reply: Reply) -> String {
    match reply {
        Reply::SaveFailed { error, .. } => error,
        other => panic!("expected SaveFailed, got {other:?}"),
    }
}

// ------------------------------------------------------------- the roles

#[test]
fn a_coordinator_reads_team_and_shared_notes_and_every_case_but_not_others_private_notes() {
    let fx = Fixture::new();
    let server = fx.serve_as(AccessRole::Coordinator);
    reads_match_the_role(&fx, server.socket(), AccessRole::Coordinator);

    let mut c = client(server.socket());
    assert_eq!(case_rows(&mut c), fx.all_cases);
    // The dashboard is everyone's: overdue referrals in and out of the
    // supporter's cases.
    let d = dashboard(&mut c);
    let overdue: BTreeSet<Id> = d.overdue.iter().copied().collect();
    assert_eq!(overdue, fx.overdue_cases);
    assert!(overdue.iter().any(|c| !fx.mine.contains(c)), "{overdue:?}");
    // A coordinator writes anywhere, and may start an import.
    saved_note(save_note(
        &mut c,
        0xC0_01,
        fx.other,
        Confidentiality::Shared,
        "a coordinator's note",
    ));
    c.ask(Ask::ImportPart { records: vec![] }, &mut |_| {})
        .expect("a coordinator may send an import");
}

#[test]
fn a_viewer_reads_shared_notes_only_and_writes_nothing() {
    let fx = Fixture::new();
    let server = fx.serve_as(AccessRole::Viewer);
    reads_match_the_role(&fx, server.socket(), AccessRole::Viewer);

    let mut c = client(server.socket());
    assert_eq!(case_rows(&mut c), fx.all_cases, "a viewer sees every case");
    let why = save_failed(save_note(
        &mut c,
        0x1E_01,
        fx.own,
        Confidentiality::Shared,
        "Written by a viewer",
    ));
    assert!(
        why.contains("viewer") && why.contains("read only"),
        "the refusal names the rule: {why}"
    );
    forbidden(
        c.ask(Ask::ImportPart { records: vec![] }, &mut |_| {}),
        "a viewer's import part",
    );
    forbidden(
        c.ask(
            Ask::ImportCommit {
                request: None,
                historical: None,
            },
            &mut |_| {},
        ),
        "a viewer's import commit",
    );
    forbidden(
        c.ask(Ask::Demo { scale: 0 }, &mut |_| {}),
        "a viewer's demo",
    );
    drop(c);
    drop(server);
    let store = fx.open();
    let notes: Vec<TrustNote> = store.all().unwrap();
    assert!(!notes.iter().any(|n| n.text == "Written by a viewer"));
}

#[test]
fn a_supporter_reads_and_writes_only_in_their_own_cases() {
    let fx = Fixture::new();
    let server = fx.serve_as(AccessRole::Supporter);
    reads_match_the_role(&fx, server.socket(), AccessRole::Supporter);

    let mut c = client(server.socket());
    let visible = &fx.visible[&AccessRole::Supporter];
    assert_eq!(case_rows(&mut c), fx.mine, "LoadAll lists their cases only");
    let named = names(&mut c);
    assert!(named.contains(&fx.person), "they are named themselves");
    for id in &named {
        assert!(visible.contains(id), "LoadAll names {id}");
    }
    // People: those of their cases open, the others do not.
    let mut hidden = 0;
    for &p in &fx.people {
        let replies = effect(&mut c, StoreEffect::LoadParty(p));
        let opened = matches!(replies.as_slice(), [Reply::Party(Ok(_))]);
        assert_eq!(opened, visible.contains(&p), "LoadParty({p}): {replies:?}");
        hidden += usize::from(!opened);
    }
    assert!(hidden > 0, "some people are outside their cases");
    let why = load_case(&mut c, fx.other).expect_err("another case does not load");
    assert!(why.contains(&fx.other.to_string()), "{why}");

    // The finder: another case's title finds nothing of that case; their
    // own case's title finds it.
    let hits = search(&mut c, &fx.titles[&fx.other]);
    assert!(
        hits.iter()
            .all(|h| h.id != fx.other && h.target != fx.other),
        "{hits:?}"
    );
    for h in &hits {
        assert!(visible.contains(&h.id), "{h:?}");
    }
    let hits = search(&mut c, &fx.titles[&fx.own]);
    assert!(hits.iter().any(|h| h.id == fx.own), "{hits:?}");

    // The dashboard: only their cases' overdue referrals and consents.
    let d = dashboard(&mut c);
    let overdue: BTreeSet<Id> = d.overdue.iter().copied().collect();
    let expected: BTreeSet<Id> = fx.overdue_cases.intersection(&fx.mine).copied().collect();
    assert!(!expected.is_empty());
    assert_eq!(overdue, expected);
    for case in &d.consents {
        assert!(fx.mine.contains(case), "the dashboard shows {case}");
    }

    // Writes: a note in their case (under their own name), not a new case,
    // nor a note in another case.
    let n = saved_note(save_note(
        &mut c,
        0x5A_01,
        fx.own,
        Confidentiality::Shared,
        "A supporter's note",
    ));
    assert_eq!(n.author, fx.me);
    assert_eq!(n.case, Some(fx.own));
    let store_case: Case = {
        let detail = load_case(&mut c, fx.own).unwrap();
        detail.case
    };
    let why = save_failed(
        save(
            &mut c,
            0x5A_02,
            vec![Change::Create(Record::Case(store_case))],
        )
        .unwrap(),
    );
    assert!(
        why.contains("supporter") && why.contains("own cases"),
        "the refusal names the rule: {why}"
    );
    let why = save_failed(save_note(
        &mut c,
        0x5A_03,
        fx.other,
        Confidentiality::Shared,
        "Not their case",
    ));
    assert!(why.contains(&fx.other.to_string()), "{why}");
    forbidden(
        c.ask(Ask::ImportPart { records: vec![] }, &mut |_| {}),
        "a supporter's import",
    );
    forbidden(
        c.ask(Ask::Demo { scale: 0 }, &mut |_| {}),
        "a supporter's demo",
    );
    assert_eq!(case_rows(&mut c), fx.mine, "no case was added");
}

#[test]
fn an_author_the_client_claims_is_replaced_by_the_connections_user() {
    let fx = Fixture::new();
    let server = fx.serve_as(AccessRole::Coordinator);
    let mut c = client(server.socket());
    let claimed = note(
        fx.own,
        Confidentiality::Team,
        "Claimed to be someone else's",
    );
    match &claimed {
        Record::TrustNote(n) => assert_eq!(n.author, "someone-else"),
        _ => unreachable!(),
    }
    let stored = saved_note(save(&mut c, 0xA0_01, vec![Change::Create(claimed)]).unwrap());
    assert_eq!(
        stored.author, fx.me,
        "the reply names the connection's user"
    );
    drop(c);
    drop(server);
    let store = fx.open();
    let on_disk: TrustNote = store.get_as(stored.id).unwrap().unwrap();
    assert_eq!(on_disk.author, fx.me);
    let trail = store.audit_trail().unwrap();
    let entry = trail
        .iter()
        .find(|e| e.entity == Some(stored.id))
        .expect("the write is audited");
    assert_eq!(entry.user, fx.me);
    assert!(!trail.iter().any(|e| e.user == "someone-else"));
}

// ------------------------------------------------- config files, the binary

#[test]
fn check_config_reports_a_bad_role_with_its_line_and_serve_refuses_a_config_others_can_write() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        "# roles\n[users.sato]\nrole = \"coordinator\"\n\n[users.suzuki]\nrole = \"admin\"\n",
    )
    .unwrap();
    let out = run(check_config_cmd(&bad));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{}:6:", bad.display())), "{err}");
    assert!(err.contains("admin"), "{err}");

    let good = tmp.path().join("good.toml");
    std::fs::write(&good, "[users.sato]\nrole = \"viewer\"\n").unwrap();
    let out = run(check_config_cmd(&good));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("ok"), "{}", text(&out.stdout));

    // Writable by others: refused by --check-config and by serve, which
    // then never listens.
    std::fs::set_permissions(&good, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = run(check_config_cmd(&good));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("chmod go-w"),
        "{}",
        text(&out.stderr)
    );
    let store = tmp.path().join("store");
    let socket = tmp.path().join("s.sock");
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--store"])
        .arg(&store)
        .arg("--socket")
        .arg(&socket)
        .arg("--config")
        .arg(&good)
        .env_remove("TRIAD_STORE")
        .env_remove("TRIAD_SOCKET")
        .stdin(Stdio::null());
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("chmod go-w"), "{err}");
    assert!(err.contains(&good.display().to_string()), "{err}");
    assert!(!socket.exists(), "the server did not listen");
}

fn check_config_cmd(file: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--check-config"])
        .arg(file)
        .env_remove("TRIAD_STORE")
        .env_remove("TRIAD_SOCKET")
        .stdin(Stdio::null());
    cmd
}

// ------------------------------------------------ a second OS user (root)

/// `triad serve --store DIR --socket SOCK --config CFG` in the foreground,
/// stopped when dropped (`serve --stop`, then killed if still running).
struct ServeGuard {
    child: Child,
    socket: PathBuf,
}

impl ServeGuard {
    fn start(store: &Path, socket: &Path, config: &Path) -> ServeGuard {
        let child = Command::new(BIN)
            .args(["serve", "--store"])
            .arg(store)
            .arg("--socket")
            .arg(socket)
            .arg("--config")
            .arg(config)
            .env_remove("TRIAD_STORE")
            .env_remove("TRIAD_SOCKET")
            .env_remove("TRIAD_SERVER_IDLE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn triad serve");
        let mut guard = ServeGuard {
            child,
            socket: socket.to_path_buf(),
        };
        wait_until("the server listens", || {
            if let Ok(Some(status)) = guard.child.try_wait() {
                panic!("triad serve exited: {status}");
            }
            Client::connect(socket, false, std::sync::Arc::new(|_| {})).is_ok()
        });
        guard
    }
}

impl Drop for ServeGuard {
    fn drop(&mut self) {
        let _ = Command::new(BIN)
            .args(["serve", "--stop", "--socket"])
            .arg(&self.socket)
            .env_remove("TRIAD_STORE")
            .env_remove("TRIAD_SOCKET")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let until = Instant::now() + DEADLINE;
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

#[test]
fn another_os_user_is_refused_unless_the_config_lists_them_and_a_viewer_cannot_import() {
    let spare = tempfile::tempdir().unwrap();
    let (user, bin) = match other_user_with_triad(spare.path()) {
        Ok(found) => found,
        Err(why) => {
            println!("skipped: {why}");
            return;
        }
    };
    let fx = Fixture::new();
    let dir = open_dir();
    let socket = dir.path().join("triad.sock");
    let shared = fx.marker(fx.own, Level::Shared);
    let team = fx.marker(fx.own, Level::Team);

    // Not in the config (which lists someone else): refused, naming the file.
    let config = fx.config_file("[users.triad-someone-else]\nrole = \"viewer\"\n");
    {
        fx.wait_unlocked();
        let _server = ServeGuard::start(&fx.store, &socket, &config);
        open_socket(&socket);
        let out = triad_as(&bin, user, &socket, &["search", shared.word]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
        let err = text(&out.stderr);
        assert!(err.contains(&config.display().to_string()), "{err}");
        assert!(err.contains("nobody"), "{err}");
        assert!(out.stdout.is_empty());
    }

    // Listed as a viewer: served, with shared notes only; an import refused.
    let config = fx.config_file("[users.nobody]\nrole = \"viewer\"\n");
    let _server = ServeGuard::start(&fx.store, &socket, &config);
    open_socket(&socket);
    let out = triad_as(&bin, user, &socket, &["search", shared.word]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&shared.id.to_string()),
        "{}",
        text(&out.stdout)
    );
    let out = triad_as(&bin, user, &socket, &["search", team.word]);
    assert_eq!(out.status.code(), Some(1), "a team note is not found");
    assert!(!contains(&out.stdout, team.word));
    let out = triad_as(&bin, user, &socket, &["export", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        json["filtered_for"]
            .as_str()
            .is_some_and(|f| f.contains("nobody (viewer)")),
        "{}",
        json["filtered_for"]
    );
    for m in &fx.markers {
        let readable = matches!(m.level, Level::Shared);
        assert_eq!(contains(&out.stdout, m.word), readable, "{m:?}");
    }

    let file = dir.path().join("import.json");
    std::fs::write(
        &file,
        triad::exchange::to_json(vec![
            // A new body, under an id the demo does not use.
            common::body(
                9001,
                "Imported by a viewer",
                triad::model::Sector::Government,
            ),
        ]),
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = triad_as(&bin, user, &socket, &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("only a coordinator may import"), "{err}");
    assert!(err.contains("nobody"), "{err}");

    // A backup holds every note: the store owner's only, nothing written.
    let backup = dir.path().join("nobody.backup");
    let out = triad_as(
        &bin,
        user,
        &socket,
        &["backup", "--out", backup.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("(the store's owner) may back it up"), "{err}");
    assert!(!backup.exists());
}

// ----------------------------------------- the change feed, as another user

const SUBSCRIBER_ENV: &str = "TRIAD_ROLES_TEST_SUBSCRIBER";

/// Not a test on its own: run as another OS user by the feed tests (this
/// test binary, re-run with `SUBSCRIBER_ENV` set), it subscribes to the
/// server at that socket and prints every frame it receives, byte for
/// byte, one per line, until the server closes the connection.
#[test]
fn subscriber_run_as_another_user() {
    let Some(socket) = std::env::var_os(SUBSCRIBER_ENV) else {
        return;
    };
    let mut out = std::io::stdout();
    let mut s = match UnixStream::connect(&socket) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(out, "CONNECT-FAILED {e}");
            return;
        }
    };
    let hello = Hello {
        version: VERSION,
        subscribe: true,
    };
    write_frame(&mut s, &hello).unwrap();
    let read = |s: &mut UnixStream| -> Option<Vec<u8>> {
        let mut len = [0u8; 4];
        s.read_exact(&mut len).ok()?;
        let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
        s.read_exact(&mut body).ok()?;
        Some(body)
    };
    let Some(welcome) = read(&mut s) else {
        let _ = writeln!(out, "CLOSED");
        return;
    };
    let _ = writeln!(out, "\nWELCOME {}", String::from_utf8_lossy(&welcome));
    // Answered means joined to the feed: a change after this is heard.
    write_frame(
        &mut s,
        &Request {
            seq: 1,
            ask: Ask::Check { anchor: None },
        },
    )
    .unwrap();
    while let Some(frame) = read(&mut s) {
        let _ = writeln!(out, "FRAME {}", String::from_utf8_lossy(&frame));
        let v: serde_json::Value = serde_json::from_slice(&frame).unwrap_or_default();
        if v["frame"] == "answer" && v["seq"] == 1 && v["part"]["part"] == "done" {
            let _ = writeln!(out, "READY");
        }
        let _ = out.flush();
    }
    let _ = writeln!(out, "CLOSED");
}

/// The subscriber above, running as another user; its lines as they come.
struct Subscriber {
    child: Child,
    lines: Receiver<String>,
    heard: Vec<String>,
}

impl Subscriber {
    fn spawn(exe: &Path, (uid, gid): (u32, u32), socket: &Path) -> Subscriber {
        let mut child = Command::new(exe)
            .args([
                "--exact",
                "subscriber_run_as_another_user",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(SUBSCRIBER_ENV, socket)
            .current_dir("/")
            .uid(uid)
            .gid(gid)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the subscriber");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Subscriber {
            child,
            lines,
            heard: Vec::new(),
        }
    }

    /// Reads lines until one satisfies `done`; panics at the deadline or
    /// if the subscriber ends first.
    fn wait_for(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        let until = Instant::now() + DEADLINE;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let hit = done(&line);
                    self.heard.push(line);
                    if hit {
                        return;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("the subscriber never said {what}: {:#?}", self.heard)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the subscriber ended before {what}: {:#?}", self.heard)
                }
            }
        }
    }

    /// Everything it said, once the server closed its connection.
    fn finish(mut self) -> Vec<String> {
        self.wait_for("CLOSED", |l| l == "CLOSED");
        std::mem::take(&mut self.heard)
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn quoted(id: Id) -> String {
    format!("\"{id}\"")
}

/// The ids a client's listener heard in `Feed::Changed`.
fn heard_ids(heard: &Heards) -> BTreeSet<Id> {
    let mut ids = BTreeSet::new();
    for h in heard.lock().unwrap().iter() {
        if let Heard::Feed(Feed::Changed { changes, .. }) = h {
            ids.extend(changes.iter().map(|c| c.id));
        }
    }
    ids
}

/// One feed run: `nobody` with `config_for_nobody` subscribes, the test's
/// user (a coordinator, owning the server) writes `writes` in order, the
/// last of which nobody must hear; returns what nobody heard and what the
/// coordinator's own subscribed client heard, with the saved ids.
fn feed_run(
    fx: &Fixture,
    user: (u32, u32),
    exe: &Path,
    config_for_nobody: &str,
    writes: &[(Id, Confidentiality, &str)],
) -> (Vec<String>, BTreeSet<Id>, Vec<TrustNote>) {
    let dir = open_dir();
    let socket = dir.path().join("triad.sock");
    let server = fx.serve_with(config_for_nobody, Some(socket.clone()));
    open_socket(&socket);
    let (mut coordinator, heard) = connect(&socket, true);
    assert_eq!(coordinator.role, AccessRole::Coordinator);
    let mut nobody = Subscriber::spawn(exe, user, &socket);
    nobody.wait_for("READY", |l| l == "READY");
    let mut saved = Vec::new();
    for (k, (case, conf, text)) in writes.iter().enumerate() {
        let request = 0xFEED_0000 + k as u128;
        saved.push(saved_note(save_note(
            &mut coordinator,
            request,
            *case,
            *conf,
            text,
        )));
    }
    let last = quoted(saved.last().unwrap().id);
    nobody.wait_for("the last change", |l| {
        l.starts_with("FRAME") && l.contains(&last)
    });
    wait_until("the coordinator hears every change", || {
        let ids = heard_ids(&heard);
        saved.iter().all(|n| ids.contains(&n.id))
    });
    drop(coordinator);
    drop(server);
    let lines = nobody.finish();
    let ids = heard_ids(&heard);
    (lines, ids, saved)
}

#[test]
fn a_subscribed_viewer_or_supporter_hears_only_changes_it_may_see() {
    let user = match second_user() {
        Ok(u) => u,
        Err(why) => {
            println!("skipped: {why}");
            return;
        }
    };
    let spare = tempfile::tempdir().unwrap();
    let exe = match runnable_copy(&std::env::current_exe().unwrap(), spare.path()) {
        Ok(e) => e,
        Err(why) => {
            println!("skipped: {why}");
            return;
        }
    };

    // A viewer: the coordinator's private and team notes are not heard of,
    // a shared note is.
    let fx = Fixture::new();
    let (lines, coordinator_heard, saved) = feed_run(
        &fx,
        user,
        &exe,
        "[users.nobody]\nrole = \"viewer\"\n",
        &[
            (
                fx.own,
                Confidentiality::Private,
                "Okapiprivate by the coordinator",
            ),
            (
                fx.own,
                Confidentiality::Team,
                "Pangolinteam by the coordinator",
            ),
            (
                fx.own,
                Confidentiality::Shared,
                "Narwhalshared by the coordinator",
            ),
        ],
    );
    let all = heard_only_the_last(&lines, &saved, "viewer");
    for word in ["Okapiprivate", "Pangolinteam"] {
        assert!(!all.contains(word), "{word} on nobody's socket:\n{all}");
    }
    for n in &saved {
        assert!(
            coordinator_heard.contains(&n.id),
            "the coordinator heard {}",
            n.id
        );
    }

    // A supporter: a shared note in another case is not heard of, one in
    // their own case is.
    let fx = Fixture::new();
    let config = format!(
        "[users.nobody]\nrole = \"supporter\"\nperson = \"{}\"\n",
        fx.person
    );
    let (lines, _, saved) = feed_run(
        &fx,
        user,
        &exe,
        &config,
        &[
            (fx.other, Confidentiality::Shared, "Tapirshared elsewhere"),
            (
                fx.own,
                Confidentiality::Private,
                "Lemurprivate by the coordinator",
            ),
            (
                fx.own,
                Confidentiality::Shared,
                "Gibbonshared in their case",
            ),
        ],
    );
    heard_only_the_last(&lines, &saved, "supporter");
}

/// The raw frames `nobody` heard: welcomed in `role`, never a word of the
/// first two notes saved, the third one heard of. Returns them as text.
fn heard_only_the_last(lines: &[String], saved: &[TrustNote], role: &str) -> String {
    let welcome = lines
        .iter()
        .find(|l| l.contains("WELCOME {"))
        .expect("a welcome");
    assert!(welcome.contains(&format!("\"{role}\"")), "{lines:#?}");
    let all = lines.join("\n");
    for n in &saved[..2] {
        assert!(
            !all.contains(&quoted(n.id)),
            "nobody heard of {}:\n{all}",
            n.id
        );
    }
    assert!(all.contains(&quoted(saved[2].id)));
    all
}

// ------------------------------------------------- bugs found (ignored)

#[test]
fn a_user_the_config_lists_can_reach_the_socket() {
    let spare = tempfile::tempdir().unwrap();
    let (user, bin) = match other_user_with_triad(spare.path()) {
        Ok(found) => found,
        Err(why) => {
            println!("skipped: {why}");
            return;
        }
    };
    let fx = Fixture::new();
    let dir = open_dir();
    let socket = dir.path().join("triad.sock");
    let _server = fx.serve_with("[users.nobody]\nrole = \"viewer\"\n", Some(socket.clone()));
    let shared = fx.marker(fx.own, Level::Shared);
    let out = triad_as(&bin, user, &socket, &["search", shared.word]);
    assert!(
        out.status.success(),
        "nobody, a listed viewer, is turned away by the socket's mode: {}",
        text(&out.stderr)
    );
}

#[test]
fn a_conflict_does_not_hand_back_a_note_the_writer_may_not_read() {
    let fx = Fixture::new();
    let server = fx.serve_as(AccessRole::Coordinator);
    let mut c = client(server.socket());
    let hidden = fx.marker(fx.own, Level::OthersPrivate);
    // An edit made "from revision 0" of a note the coordinator cannot read.
    let mut guess = note(fx.own, Confidentiality::Shared, "a guess");
    guess.set_id(hidden.id);
    let reply = save(
        &mut c,
        0xBAD0_0001,
        vec![Change::Edit {
            record: guess,
            base: 0,
        }],
    )
    .unwrap();
    let shown = format!("{reply:?}");
    assert!(
        !shown.contains(hidden.word),
        "the reply to a stale edit shows another author's private note: {shown}"
    );
}

#[test]
fn a_supporter_cannot_overwrite_a_note_of_another_case() {
    let fx = Fixture::new();
    let server = fx.serve_as(AccessRole::Supporter);
    let mut c = client(server.socket());
    let target = fx.marker(fx.other, Level::Team);
    let mut forged = note(
        fx.own,
        Confidentiality::Shared,
        "Overwritten by a supporter",
    );
    forged.set_id(target.id);
    let reply = save(&mut c, 0xBAD0_0002, vec![Change::Update(forged)]).unwrap();
    drop(c);
    drop(server);
    let store = fx.open();
    let now: TrustNote = store.get_as(target.id).unwrap().unwrap();
    assert!(
        now.text.contains(target.word) && now.case == Some(fx.other),
        "a supporter's Update ({reply:?}) rewrote {} of {}: now {now:?}",
        target.id,
        fx.other
    );
}

#[test]
fn an_update_cannot_forge_a_notes_author() {
    let fx = Fixture::new();
    let server = fx.serve_as(AccessRole::Coordinator);
    let mut c = client(server.socket());
    let mine = saved_note(save_note(
        &mut c,
        0xBAD0_0003,
        fx.own,
        Confidentiality::Shared,
        "Mine, to be edited",
    ));
    assert_eq!(mine.author, fx.me);
    let mut edited = mine.clone();
    edited.author = "someone-else".into();
    edited.text = "Mine, edited".into();
    save(
        &mut c,
        0xBAD0_0004,
        vec![Change::Update(Record::TrustNote(edited))],
    )
    .unwrap();
    drop(c);
    drop(server);
    let store = fx.open();
    let now: TrustNote = store.get_as(mine.id).unwrap().unwrap();
    assert_eq!(now.author, fx.me, "the stored note claims another author");
}

#[test]
fn a_supporters_case_bundle_holds_nothing_of_other_cases() {
    let fx = Fixture::new();
    // The same two parties of the supporter's case also work together in
    // another case: a relationship, a shared note and a partnership event
    // there.
    let (rel, note_id, event_id) = {
        let store = fx.open();
        let own: Case = store.get_as(fx.own).unwrap().unwrap();
        let mut parties: Vec<Id> = own.parties.iter().map(|p| p.party).collect();
        parties.dedup();
        assert!(parties.len() >= 2, "{own:?}");
        let (a, b) = (parties[0], parties[1]);
        let as_other = store.as_user(OTHER_AUTHOR);
        let today = chrono::Local::now().date_naive();
        let mut rel = server_common::relationship(a, b, today);
        if let Record::Relationship(r) = &mut rel {
            r.case = Some(fx.other);
        }
        let rel = as_other.apply(vec![Change::Create(rel)]).unwrap()[0].id();
        let mut n = note(
            fx.other,
            Confidentiality::Shared,
            "Capybara: said in the other case",
        );
        if let Record::TrustNote(t) = &mut n {
            t.relationship = Some(rel);
        }
        let note_id = as_other.apply(vec![Change::Create(n)]).unwrap()[0].id();
        let mut partnership = store.all::<triad::model::Partnership>().unwrap()[0].clone();
        partnership.parties = vec![a, b];
        let ps = as_other
            .apply(vec![Change::Create(Record::Partnership(partnership))])
            .unwrap()[0]
            .id();
        let mut event = store.all::<triad::model::Event>().unwrap()[0].clone();
        event.title = "Wombat meeting of the other case".into();
        event.partnership = Some(ps);
        event.case = Some(fx.other);
        event.parties = vec![a, b];
        event.date = today;
        let event_id = as_other
            .apply(vec![Change::Create(Record::Event(event))])
            .unwrap()[0]
            .id();
        store.flush_all().unwrap();
        (rel, note_id, event_id)
    };
    let server = fx.serve_as(AccessRole::Supporter);
    let mut c = client(server.socket());
    let detail = load_case(&mut c, fx.own).expect("their own case loads");
    let mut leaks = Vec::new();
    for r in &detail.relationships {
        if r.case.is_some_and(|c| !fx.mine.contains(&c)) {
            leaks.push(format!("relationship {} of {:?}", r.id, r.case));
        }
    }
    for n in &detail.notes {
        if n.case.is_some_and(|c| !fx.mine.contains(&c)) {
            leaks.push(format!("note {} of {:?}: {}", n.id, n.case, n.text));
        }
    }
    for t in &detail.timelines {
        for e in &t.events {
            if e.case.is_some_and(|c| !fx.mine.contains(&c)) {
                leaks.push(format!("event {} of {:?}: {}", e.id, e.case, e.title));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "the bundle of {} (a supporter's) holds records of {} ({rel}, {note_id}, {event_id}):\n{}",
        fx.own,
        fx.other,
        leaks.join("\n")
    );
}

#[test]
fn a_coordinator_cannot_overwrite_a_private_note_they_may_not_read() {
    let fx = Fixture::new();
    let server = fx.serve_as(AccessRole::Coordinator);
    let mut c = client(server.socket());
    let hidden = fx.marker(fx.own, Level::OthersPrivate);
    let mut blind = note(fx.own, Confidentiality::Shared, "Overwritten unseen");
    blind.set_id(hidden.id);
    let reply = save(&mut c, 0xBAD0_0005, vec![Change::Update(blind)]).unwrap();
    drop(c);
    drop(server);
    let store = fx.open();
    let now: TrustNote = store.get_as(hidden.id).unwrap().unwrap();
    assert!(
        now.text.contains(hidden.word) && now.author == OTHER_AUTHOR,
        "an Update ({reply:?}) rewrote {}, a private note of {OTHER_AUTHOR}: now {now:?}",
        hidden.id
    );
}

#[test]
fn only_a_coordinator_reads_the_audit_trail_or_overrides_the_consent_gate() {
    let fx = Fixture::new();
    let audit = || Ask::Audit {
        case: None,
        user: None,
        since: None,
    };
    let proposed = fx
        .open()
        .all::<Referral>()
        .unwrap()
        .into_iter()
        .find(|r| r.case == fx.own && r.status() == triad::model::ReferralStatus::Proposed)
        .expect("the fixture's proposed referral in the supporter's case");
    let send = triad::model::Intent::ReferralStep {
        referral: proposed.id,
        status: triad::model::ReferralStatus::Sent,
        on: proposed.history[0].on,
        note: String::new(),
        declined_by: None,
        decline_reason: String::new(),
        outcome: None,
        follow_up: None,
        override_reason: Some("urgent".into()),
    };
    for role in [AccessRole::Viewer, AccessRole::Supporter] {
        let server = fx.serve_as(role);
        let mut c = client(server.socket());
        forbidden(c.ask(audit(), &mut |_| {}), "the audit trail");
        if role == AccessRole::Supporter {
            match save(&mut c, 77, vec![Change::Append(send.clone())]).unwrap() {
                Reply::SaveFailed { error, .. } => {
                    assert!(error.contains("only a coordinator"), "{error}");
                }
                other => panic!("a supporter's override: {other:?}"),
            }
            let export = c.ask(
                Ask::Collect {
                    case: Some(fx.other),
                },
                &mut |_| {},
            );
            assert!(export.is_err(), "another's case is not theirs to export");
        }
        drop(c);
        drop(server);
    }
    let server = fx.serve_as(AccessRole::Coordinator);
    let mut c = client(server.socket());
    let mut entries = Vec::new();
    c.ask(audit(), &mut |p| {
        if let Part::Audit { entries: e } = p {
            entries.extend(e);
        }
    })
    .unwrap();
    let refused: Vec<_> = entries
        .iter()
        .filter(|e| e.action == triad::model::AuditAction::Refused)
        .collect();
    assert_eq!(
        refused
            .iter()
            .filter(|e| e
                .text(triad::i18n::Lang::En)
                .contains("read the audit trail"))
            .count(),
        2,
        "{refused:?}"
    );
    assert!(
        refused.iter().any(|e| e.entity == Some(proposed.id)),
        "the refused override is logged against its referral: {refused:?}"
    );
    assert!(
        refused
            .iter()
            .any(|e| e.entity == Some(fx.other) && e.text(triad::i18n::Lang::En).contains("export")),
        "the refused export is logged against its case: {refused:?}"
    );
    // A coordinator's override goes through.
    saved(&mut c, 78, vec![Change::Append(send)]);
}
