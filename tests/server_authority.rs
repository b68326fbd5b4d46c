//! The server's authority, tried as a hostile client would: every request
//! is written as raw frames on the socket (never through triad's own
//! `Client`), as each role in turn (the test's own user, given the role by
//! a server config; the owner of a server without one). Every request kind
//! × every role is refused or harmless, no byte of what the role may not
//! read comes back, and each probe of issue 18 (an unconditional update,
//! rewritten notes, a scope widened by one's own write, authors and times
//! from the client, the consent gate bypassed by an edit, a corrected step
//! or an import) fails.

use std::collections::BTreeSet;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;

use triad::model::{
    AccessRole, Body, Case, CaseParty, Confidentiality, Consent, ConsentScope, Id, Intent, Kind,
    Person, ProvisionBasis, Reader, Record, Referral, ReferralStatus, Sector, TrustNote,
};
use triad::query::request::{Reply, StoreEffect};
use triad::server::frame::write_frame;
use triad::server::protocol::{Ask, ErrorCode, Part, ServerFrame, WireError};
use triad::server::roles::Roles;
use triad::server::socket::{my_uid, user_name};
use triad::server::{Running, ServeOptions};
use triad::store::{Change, Scope, SledStore, Store, StoreExt};

mod common;
mod server_common;
use server_common::{BIN, DEADLINE, PATIENCE, open_when_free, raw_welcomed, run, text};

/// Another coordinator, who wrote the fixture's notes.
const OTHER: &str = "kato-other-coordinator";

/// Words found only in the notes of `OTHER` (private, team, shared) in
/// the supporter's case, and in a shared note of a case not hers.
const PRIVATE_WORD: &str = "Xylophonist";
const TEAM_WORD: &str = "Quokkaland";
const SHARED_WORD: &str = "Marimbaville";
const OTHER_CASE_WORD: &str = "Zanzibarcoast";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum As {
    Coordinator,
    Supporter,
    Viewer,
    /// The store's owner, on a server without a config.
    Owner,
}

const EVERYONE: [As; 4] = [As::Coordinator, As::Supporter, As::Viewer, As::Owner];

struct Fixture {
    tmp: tempfile::TempDir,
    store: PathBuf,
    me: String,
    /// The supporter's person, and one of her cases, and a case not hers
    /// whose client she does not see.
    person: Id,
    own: Id,
    other: Id,
    other_client: Id,
    private: Id,
    team: Id,
    shared: Id,
    other_shared: Id,
    /// A referral sent under `consent` to `receiver`; `stranger` is a body
    /// the consent does not name.
    referral: Id,
    consent: Id,
    receiver: Id,
    stranger: Id,
    configs: std::cell::Cell<u32>,
}

fn today() -> triad::model::Date {
    chrono::Local::now().date_naive()
}

fn days_ago(n: u64) -> triad::model::Date {
    today().checked_sub_days(chrono::Days::new(n)).unwrap()
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

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let store_dir = tmp.path().join("store");
        let me = user_name(my_uid());
        let store = SledStore::open(&store_dir).unwrap();
        triad::demo::seed(&store, today()).unwrap();
        let cases: Vec<Case> = store.all().unwrap();
        // The person in the most cases, short of all of them.
        let mut best: Option<(usize, Id, BTreeSet<Id>)> = None;
        for p in store.all::<Person>().unwrap() {
            let r = Reader {
                user: me.clone(),
                role: AccessRole::Supporter,
                person: Some(p.id),
            };
            let scope = Scope::new(&store, &r).unwrap();
            let theirs: BTreeSet<Id> = scope.cases().unwrap().iter().copied().collect();
            let n = theirs.len();
            if n > 0 && n < cases.len() && best.as_ref().is_none_or(|(b, _, _)| n > *b) {
                best = Some((n, p.id, theirs));
            }
        }
        let (_, person, mine) = best.expect("a demo person in some cases");
        let scope = Scope::new(
            &store,
            &Reader {
                user: me.clone(),
                role: AccessRole::Supporter,
                person: Some(person),
            },
        )
        .unwrap();
        let own = *mine.first().unwrap();
        let (other, other_client) = cases
            .iter()
            .filter(|c| !mine.contains(&c.id))
            .find_map(|c| {
                c.client
                    .filter(|p| !scope.sees_person(&store, *p).unwrap())
                    .map(|p| (c.id, p))
            })
            .expect("a case not hers whose client she does not see");

        let by_other = store.as_user(OTHER);
        let put = |case, level, word: &str| {
            by_other
                .apply(vec![Change::Create(note(
                    case,
                    level,
                    &format!("{word} said this"),
                ))])
                .unwrap()[0]
                .id()
        };
        let private = put(own, Confidentiality::Private, PRIVATE_WORD);
        let team = put(own, Confidentiality::Team, TEAM_WORD);
        let shared = put(own, Confidentiality::Shared, SHARED_WORD);
        let other_shared = put(other, Confidentiality::Shared, OTHER_CASE_WORD);

        // A referral sent under a consent, in a case with a client.
        let case = cases
            .iter()
            .find(|c| c.client.is_some())
            .expect("a case with a client");
        let bodies: Vec<Body> = store.all().unwrap();
        let (from, receiver, stranger) = (bodies[0].id, bodies[1].id, bodies[2].id);
        let as_me = store.as_user(&me);
        let consent = as_me
            .apply(vec![Change::Create(Record::Consent(Consent {
                id: Id::new(Kind::Consent, 1),
                client: case.client.unwrap(),
                case: case.id,
                granted_to: vec![receiver],
                scope: ConsentScope {
                    intervention: true,
                    information_sharing: true,
                    information: vec!["contact details".into()],
                },
                given_on: days_ago(10),
                expires_on: None,
                withdrawn_on: None,
                obtained_how: "in writing".into(),
            }))])
            .unwrap()[0]
            .id();
        let mut r = common::referral(1, case.id, from, receiver);
        if let Record::Referral(r) = &mut r {
            r.history[0].on = days_ago(20);
            r.follow_up = None;
        }
        let referral = as_me.apply(vec![Change::Create(r)]).unwrap()[0].id();
        as_me
            .apply(vec![Change::Append(Intent::ReferralStep {
                referral,
                status: ReferralStatus::Sent,
                on: days_ago(5),
                note: String::new(),
                declined_by: None,
                decline_reason: String::new(),
                outcome: None,
                follow_up: None,
                override_reason: None,
            })])
            .expect("sent under the consent");
        store.flush_all().unwrap();
        drop(store);
        Fixture {
            tmp,
            store: store_dir,
            me,
            person,
            own,
            other,
            other_client,
            private,
            team,
            shared,
            other_shared,
            referral,
            consent,
            receiver,
            stranger,
            configs: std::cell::Cell::new(0),
        }
    }

    /// A server giving the test's user `who`'s role (a config), or the
    /// owner's server without a config.
    fn serve(&self, who: As) -> Running {
        let mut opts = ServeOptions::new(&self.store);
        opts.patience = PATIENCE;
        let me = &self.me;
        let config = match who {
            As::Owner => None,
            As::Coordinator => Some(format!("[users.\"{me}\"]\nrole = \"coordinator\"\n")),
            As::Viewer => Some(format!("[users.\"{me}\"]\nrole = \"viewer\"\n")),
            As::Supporter => Some(format!(
                "[users.\"{me}\"]\nrole = \"supporter\"\nperson = \"{}\"\n",
                self.person
            )),
        };
        if let Some(config) = config {
            let n = self.configs.get() + 1;
            self.configs.set(n);
            let path = self.tmp.path().join(format!("roles-{n}.toml"));
            std::fs::write(&path, config).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            opts.roles = Some(Roles::load(&path, my_uid()).unwrap());
        }
        // A store this process closed may still be locked by a child another
        // test forked (it holds a copy of the descriptor until it execs).
        drop(open_when_free(&self.store));
        triad::server::start(opts).expect("the server starts")
    }

    fn open(&self) -> SledStore {
        open_when_free(&self.store)
    }

    fn get<T: triad::model::Entity>(&self, id: Id) -> T {
        self.open().get_as(id).unwrap().unwrap()
    }

    fn rev(&self, id: Id) -> u64 {
        self.open().revisions(&[id]).unwrap()[0]
    }

    /// The words `who` may not read.
    fn unreadable(&self, who: As) -> Vec<&'static str> {
        match who {
            As::Coordinator | As::Owner => vec![PRIVATE_WORD],
            As::Viewer => vec![PRIVATE_WORD, TEAM_WORD],
            As::Supporter => vec![PRIVATE_WORD, TEAM_WORD, OTHER_CASE_WORD],
        }
    }
}

// ------------------------------------------------------------ raw frames

/// A welcomed socket and the next request number.
struct Raw {
    s: UnixStream,
    seq: u64,
}

/// Everything the server sent for one request, until its `Done`.
struct Answer {
    bytes: Vec<u8>,
    parts: Vec<Part>,
    result: Result<(), WireError>,
}

impl Answer {
    fn code(&self) -> Option<ErrorCode> {
        self.result.as_ref().err().map(|e| e.code)
    }

    fn replies(&self) -> Vec<&Reply> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Reply { reply } => Some(&**reply),
                _ => None,
            })
            .collect()
    }

    /// The reason a save was refused, if it was.
    fn save_refused(&self) -> Option<triad::model::Reason> {
        self.replies().into_iter().find_map(|r| match r {
            Reply::SaveFailed { reason, .. } => reason.clone(),
            _ => None,
        })
    }

    fn saved(&self) -> bool {
        self.replies()
            .into_iter()
            .any(|r| matches!(r, Reply::Saved(_)))
    }

    fn holds(&self, word: &str) -> bool {
        let w = word.as_bytes();
        self.bytes.windows(w.len()).any(|x| x == w)
    }
}

impl Raw {
    fn new(server: &Running) -> Raw {
        Raw {
            s: raw_welcomed(server.socket()),
            seq: 0,
        }
    }

    /// Sends `ask` (any JSON) as one frame and reads every frame back
    /// until the answer's `Done`.
    fn send(&mut self, ask: serde_json::Value) -> Answer {
        self.seq += 1;
        let seq = self.seq;
        write_frame(&mut self.s, &serde_json::json!({ "seq": seq, "ask": ask })).unwrap();
        self.s.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut bytes = Vec::new();
        let mut parts = Vec::new();
        loop {
            let mut len = [0u8; 4];
            self.s.read_exact(&mut len).expect("a frame's length");
            let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
            self.s.read_exact(&mut body).expect("a frame's body");
            bytes.extend_from_slice(&body);
            let frame: ServerFrame = serde_json::from_slice(&body).expect("a server frame");
            match frame {
                ServerFrame::Answer { seq: s, part } if s == seq => match part {
                    Part::Done { result } => {
                        return Answer {
                            bytes,
                            parts,
                            result,
                        };
                    }
                    other => parts.push(other),
                },
                _ => {}
            }
        }
    }

    fn ask(&mut self, ask: &Ask) -> Answer {
        self.send(serde_json::to_value(ask).unwrap())
    }

    fn effect(&mut self, effect: StoreEffect) -> Answer {
        self.ask(&Ask::Effect { effect })
    }

    fn save(&mut self, ops: Vec<Change>) -> Answer {
        // A request id of its own, across connections too (the server
        // answers a repeated one with its first answer).
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let request = (u128::from(n) << 64) | 0xA5A5;
        self.effect(StoreEffect::Save { request, ops })
    }
}

// ------------------------------------------------- every request × role

/// Every request kind, aimed at what the supporter and the viewer may not
/// read: (the table's name for it, the request).
fn every_request(fx: &Fixture) -> Vec<(&'static str, Ask)> {
    let e = |effect| Ask::Effect { effect };
    let brief = |case| triad::query::brief::BriefRequest {
        case,
        days: 3650,
        since: Some(common::day(2000, 1, 1)),
        meeting: false,
        unanswered_days: 0,
        thresholds: Default::default(),
        lang: triad::i18n::Lang::En,
    };
    let mut forged = note(fx.other, Confidentiality::Shared, "forged by a client");
    forged.set_id(fx.other_shared);
    let backup = fx
        .tmp
        .path()
        .join(format!("backup-{}.triad", fx.seq_name()));
    vec![
        ("load_all", e(StoreEffect::LoadAll)),
        ("refresh_dashboard", e(StoreEffect::RefreshDashboard)),
        ("load_case", e(StoreEffect::LoadCase(fx.other))),
        ("load_case", e(StoreEffect::LoadCase(fx.own))),
        ("load_party", e(StoreEffect::LoadParty(fx.other_client))),
        ("load_record", e(StoreEffect::LoadRecord(fx.team))),
        ("load_record", e(StoreEffect::LoadRecord(fx.private))),
        ("load_record", e(StoreEffect::LoadRecord(fx.other_shared))),
        ("load_reports", e(StoreEffect::LoadReports)),
        (
            "case_page",
            e(StoreEffect::CasePage {
                query: Default::default(),
                offset: 0,
                limit: 1000,
            }),
        ),
        ("overview", e(StoreEffect::Overview(vec![fx.other]))),
        ("brief", e(StoreEffect::Brief(brief(Some(fx.other))))),
        ("brief", e(StoreEffect::Brief(brief(Some(fx.own))))),
        (
            "reveal",
            e(StoreEffect::Reveal {
                entity: fx.private,
                item: "note".into(),
            }),
        ),
        ("load_supporters", e(StoreEffect::LoadSupporters)),
        ("load_supporter", e(StoreEffect::LoadSupporter(fx.person))),
        (
            "save",
            e(StoreEffect::Save {
                request: 0x5AFE_0001,
                ops: vec![Change::Edit {
                    record: forged,
                    base: fx.rev(fx.other_shared),
                }],
            }),
        ),
        (
            "search",
            Ask::Search {
                query: format!("{PRIVATE_WORD} {TEAM_WORD} {OTHER_CASE_WORD}"),
                limit: 50,
                restricted: true,
            },
        ),
        (
            "search",
            Ask::Search {
                query: OTHER_CASE_WORD.into(),
                limit: 50,
                restricted: true,
            },
        ),
        ("collect", Ask::Collect { case: None }),
        (
            "collect",
            Ask::Collect {
                case: Some(fx.other),
            },
        ),
        (
            "case_report",
            Ask::CaseReport {
                case: fx.other,
                lang: triad::i18n::Lang::En,
                meeting: false,
            },
        ),
        (
            "report",
            Ask::Report {
                request: Default::default(),
            },
        ),
        (
            "brief",
            Ask::Brief {
                request: brief(None),
            },
        ),
        (
            "audit",
            Ask::Audit {
                case: None,
                user: None,
                since: None,
            },
        ),
        ("import_part", Ask::ImportPart { records: vec![] }),
        (
            "import_commit",
            Ask::ImportCommit {
                request: None,
                historical: None,
            },
        ),
        ("applied", Ask::Applied { request: 1 }),
        ("check", Ask::Check { anchor: None }),
        ("demo", Ask::Demo { scale: 0 }),
        ("backup", Ask::Backup { out: backup }),
    ]
}

impl Fixture {
    fn seq_name(&self) -> u32 {
        let n = self.configs.get() + 100;
        self.configs.set(n);
        n
    }
}

/// What each role may ask, as the issue says (written here, not read
/// from the server's table): reads for all, over their scope; writes for
/// coordinators and supporters; the trail, imports, the demo and `check`
/// (its counts are store-wide) for coordinators; a backup and a stop for the owner (the test's user is
/// the server's owner in every role here).
fn may(who: As, kind: &str) -> bool {
    match kind {
        "audit" | "import_part" | "import_commit" | "demo" | "check" => {
            matches!(who, As::Coordinator | As::Owner)
        }
        "save" => who != As::Viewer,
        _ => true,
    }
}

fn walk_the_table(fx: &Fixture, who: As) {
    let requests = every_request(fx);
    let server = fx.serve(who);
    let mut raw = Raw::new(&server);
    let hidden = fx.unreadable(who);
    let mut problems = Vec::new();
    let mut heard = Answer {
        bytes: Vec::new(),
        parts: Vec::new(),
        result: Ok(()),
    };
    for (kind, ask) in requests {
        let a = raw.ask(&ask);
        heard.bytes.extend_from_slice(&a.bytes);
        let refused =
            a.code() == Some(ErrorCode::Forbidden) || a.save_refused().is_some() && !a.saved();
        if may(who, kind) {
            assert_ne!(
                a.code(),
                Some(ErrorCode::Forbidden),
                "{who:?} may ask {kind}: {:?}",
                a.result
            );
        } else if !refused {
            problems.push(format!("{who:?} was not refused {kind}: {:?}", a.result));
        }
        for w in &hidden {
            if a.holds(w) {
                problems.push(format!("{who:?}'s {kind} answer holds {w}"));
            }
        }
        // The forged edit of another coordinator's shared note is refused
        // for every role (a supporter does not see it at all).
        if kind == "save" && a.saved() {
            problems.push(format!("{who:?} rewrote {}", fx.other_shared));
        }
    }
    // The control: what the role may read does come back.
    for w in [SHARED_WORD, TEAM_WORD, OTHER_CASE_WORD] {
        if !hidden.contains(&w) && !heard.holds(w) {
            problems.push(format!("{who:?} never read {w}, which it may read"));
        }
    }
    drop(raw);
    drop(server);
    let n: TrustNote = fx.get(fx.other_shared);
    assert!(
        n.text.contains(OTHER_CASE_WORD) && n.author == OTHER,
        "{n:?}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_request_kind_as_a_coordinator_is_refused_or_harmless() {
    walk_the_table(&Fixture::new(), As::Coordinator);
}

#[test]
fn every_request_kind_as_a_supporter_is_refused_or_harmless() {
    walk_the_table(&Fixture::new(), As::Supporter);
}

#[test]
fn every_request_kind_as_a_viewer_is_refused_or_harmless() {
    walk_the_table(&Fixture::new(), As::Viewer);
}

#[test]
fn every_request_kind_as_the_owner_without_a_config_is_refused_or_harmless() {
    walk_the_table(&Fixture::new(), As::Owner);
}

#[test]
fn the_servers_table_agrees_with_the_issue_for_every_role() {
    let fx = Fixture::new();
    for (kind, ask) in every_request(&fx) {
        assert_eq!(triad::server::authorise::kind(&ask), kind);
        for who in EVERYONE {
            let reader = Reader {
                user: fx.me.clone(),
                role: match who {
                    As::Coordinator | As::Owner => AccessRole::Coordinator,
                    As::Supporter => AccessRole::Supporter,
                    As::Viewer => AccessRole::Viewer,
                },
                person: (who == As::Supporter).then_some(fx.person),
            };
            let allowed = triad::server::authorise::ask(&reader, &fx.me, &ask).is_ok();
            assert_eq!(allowed, may(who, kind), "{who:?} {kind}");
            // Someone else than the owner never backs up or stops it.
            let stranger = triad::server::authorise::ask(&reader, "not-me", &Ask::Stop);
            assert!(stranger.is_err(), "{who:?} stops another's server");
        }
    }
}

// ------------------------------------------------------- one write path

#[test]
fn an_unconditional_update_is_refused_on_the_socket() {
    let fx = Fixture::new();
    let before: Case = fx.get(fx.own);
    let rev = fx.rev(fx.own);
    let mut changed = before.clone();
    changed.title = "Overwritten by an update".into();
    for who in EVERYONE {
        let server = fx.serve(who);
        let mut raw = Raw::new(&server);
        // Written as JSON: `{"change": "update", ...}`.
        let request = serde_json::json!({
            "ask": "effect",
            "effect": {
                "effect": "save",
                "with": {
                    "request": format!("{:x}", 0xDEAD_0001u64 + who as u64),
                    "ops": [{ "change": "update", "with": Record::Case(changed.clone()) }],
                },
            },
        });
        let a = raw.send(request);
        assert!(!a.saved(), "{who:?}'s update was applied");
        if who != As::Viewer {
            assert!(
                matches!(
                    a.save_refused(),
                    Some(
                        triad::model::Reason::NeedsBase { .. }
                            | triad::model::Reason::NotOwnCase { .. }
                    )
                ),
                "{who:?}: {:?}",
                a.replies()
            );
        }
        drop(raw);
        drop(server);
    }
    assert_eq!(fx.rev(fx.own), rev);
    assert_eq!(fx.get::<Case>(fx.own).title, before.title);
}

#[test]
fn a_stale_edit_is_a_conflict_and_changes_nothing() {
    let fx = Fixture::new();
    let before: Case = fx.get(fx.own);
    let rev = fx.rev(fx.own);
    let server = fx.serve(As::Coordinator);
    let mut raw = Raw::new(&server);
    let mut first = before.clone();
    first.condition = "first edit".into();
    let a = raw.save(vec![Change::Edit {
        record: Record::Case(first),
        base: rev,
    }]);
    assert!(a.saved(), "{:?}", a.replies());
    let mut stale = before.clone();
    stale.condition = "stale edit".into();
    let a = raw.save(vec![Change::Edit {
        record: Record::Case(stale),
        base: rev,
    }]);
    assert!(
        a.replies()
            .iter()
            .any(|r| matches!(r, Reply::Conflict { .. })),
        "{:?}",
        a.replies()
    );
    drop(raw);
    drop(server);
    assert_eq!(fx.get::<Case>(fx.own).condition, "first edit");
}

#[test]
fn a_case_saved_unchanged_is_stored_as_it_was_and_a_real_edit_moves_its_last_change() {
    let fx = Fixture::new();
    let before: Case = fx.get(fx.own);
    let rev = fx.rev(fx.own);
    let server = fx.serve(As::Coordinator);
    let mut raw = Raw::new(&server);
    let a = raw.save(vec![Change::Edit {
        record: Record::Case(before.clone()),
        base: rev,
    }]);
    assert!(a.saved(), "{:?}", a.replies());
    drop(raw);
    drop(server);
    assert_eq!(
        fx.get::<Case>(fx.own),
        before,
        "an unchanged save changed the case"
    );
    let server = fx.serve(As::Coordinator);
    let mut raw = Raw::new(&server);
    let mut edited = before.clone();
    edited.condition = "edited".into();
    let a = raw.save(vec![Change::Edit {
        record: Record::Case(edited),
        base: rev + 1,
    }]);
    assert!(a.saved(), "{:?}", a.replies());
    drop(raw);
    drop(server);
    let after: Case = fx.get(fx.own);
    assert_eq!(after.condition, "edited");
    assert!(after.changed > before.changed, "a real edit is a change");
}

#[test]
fn a_coordinator_cannot_rewrite_another_coordinators_team_note_nor_share_it() {
    let fx = Fixture::new();
    let before: TrustNote = fx.get(fx.team);
    let base = fx.rev(fx.team);
    let server = fx.serve(As::Coordinator);
    let mut raw = Raw::new(&server);
    for (text, level) in [
        ("Rewritten by a colleague", Confidentiality::Team),
        (before.text.as_str(), Confidentiality::Shared),
    ] {
        let mut n = before.clone();
        n.text = text.into();
        n.confidentiality = level;
        let a = raw.save(vec![Change::Edit {
            record: Record::TrustNote(n),
            base,
        }]);
        assert!(
            matches!(
                a.save_refused(),
                Some(triad::model::Reason::OthersNote { .. })
            ),
            "{:?}",
            a.replies()
        );
    }
    drop(raw);
    drop(server);
    assert_eq!(fx.get::<TrustNote>(fx.team), before);
}

#[test]
fn a_shared_note_of_a_third_person_is_not_rewritten_in_place() {
    let fx = Fixture::new();
    let before: TrustNote = fx.get(fx.shared);
    for who in [As::Coordinator, As::Supporter, As::Owner] {
        let base = fx.rev(fx.shared);
        let server = fx.serve(who);
        let mut raw = Raw::new(&server);
        let mut n = before.clone();
        n.text = format!("Rewritten by {who:?}");
        let a = raw.save(vec![Change::Edit {
            record: Record::TrustNote(n),
            base,
        }]);
        assert!(!a.saved(), "{who:?}: {:?}", a.replies());
        drop(raw);
        drop(server);
    }
    assert_eq!(fx.get::<TrustNote>(fx.shared), before);
}

#[test]
fn the_server_stamps_authors_and_times_whatever_the_client_sends() {
    let fx = Fixture::new();
    let server = fx.serve(As::Coordinator);
    let mut raw = Raw::new(&server);
    let start = chrono::Utc::now();
    let mut n = note(fx.own, Confidentiality::Private, "Dated long ago");
    if let Record::TrustNote(t) = &mut n {
        t.at = "2000-01-01T21:00:00Z".parse().unwrap();
        t.author = OTHER.into();
    }
    let a = raw.save(vec![Change::Create(n)]);
    let Some(Reply::Saved(saved)) = a.replies().first().copied() else {
        panic!("{:?}", a.replies());
    };
    let Record::TrustNote(stored) = &saved[0] else {
        panic!("{saved:?}")
    };
    let stored: TrustNote = fx.get_running(&server, stored.id);
    assert_eq!(stored.author, fx.me);
    assert!(
        stored.at >= start,
        "the note keeps the client's time {}",
        stored.at
    );
    // Its time stays when its author edits it.
    let mut edited = stored.clone();
    edited.text = "Edited".into();
    edited.at = "2001-01-01T00:00:00Z".parse().unwrap();
    let a = raw.save(vec![Change::Edit {
        record: Record::TrustNote(edited),
        base: 1,
    }]);
    assert!(a.saved(), "{:?}", a.replies());
    // A referral's steps are the writer's.
    let mut r = common::referral(1, fx.own, fx.receiver, fx.stranger);
    if let Record::Referral(r) = &mut r {
        r.history[0].by = OTHER.into();
    }
    let a = raw.save(vec![Change::Create(r)]);
    let Some(Reply::Saved(saved)) = a.replies().first().copied() else {
        panic!("{:?}", a.replies());
    };
    let id = saved[0].id();
    drop(raw);
    drop(server);
    let after: TrustNote = fx.get(stored.id);
    assert_eq!((after.at, after.text.as_str()), (stored.at, "Edited"));
    let r: Referral = fx.get(id);
    assert_eq!(r.history[0].by, fx.me);
}

impl Fixture {
    /// A record as a running server stored it (read through the server).
    fn get_running<T: triad::model::Entity>(&self, server: &Running, id: Id) -> T {
        let mut raw = Raw::new(server);
        let a = raw.effect(StoreEffect::LoadRecord(id));
        for r in a.replies() {
            if let Reply::Record(Ok(d)) = r
                && let Some(t) = T::from_record(d.record.clone())
            {
                return t;
            }
        }
        panic!("{id} did not load: {:?}", a.replies())
    }
}

// --------------------------------------------- nothing new in one's scope

#[test]
fn a_supporter_cannot_bring_another_cases_client_into_her_case() {
    let fx = Fixture::new();
    let before: Case = fx.get(fx.own);
    let base = fx.rev(fx.own);
    let server = fx.serve(As::Supporter);
    let mut raw = Raw::new(&server);
    let party = CaseParty {
        party: fx.other_client,
        sector: Sector::PatientFamily,
        role: "family".into(),
        from: today(),
        until: None,
    };
    let mut widened = before.clone();
    widened.parties.push(party.clone());
    let by_edit = raw.save(vec![Change::Edit {
        record: Record::Case(widened),
        base,
    }]);
    let by_intent = raw.save(vec![Change::Append(Intent::AddParty {
        case: fx.own,
        party,
    })]);
    for (how, a) in [("an edit", &by_edit), ("add_party", &by_intent)] {
        assert!(
            !a.saved(),
            "{how} brought {} in: {:?}",
            fx.other_client,
            a.replies()
        );
        assert!(
            matches!(
                a.save_refused(),
                Some(triad::model::Reason::NotFound { id }) if id == fx.other_client
            ),
            "{how}: {:?}",
            a.replies()
        );
    }
    let a = raw.effect(StoreEffect::LoadParty(fx.other_client));
    assert!(
        !a.replies().iter().any(|r| matches!(r, Reply::Party(Ok(_)))),
        "the other client opens"
    );
    drop(raw);
    drop(server);
    assert_eq!(fx.get::<Case>(fx.own).parties, before.parties);
}

// ------------------------------------------------- the consent gate

#[test]
fn a_sent_referrals_receiver_cannot_be_changed_by_an_edit() {
    let fx = Fixture::new();
    let before: Referral = fx.get(fx.referral);
    let base = fx.rev(fx.referral);
    let server = fx.serve(As::Coordinator);
    let mut raw = Raw::new(&server);
    let mut moved = before.clone();
    moved.to = fx.stranger;
    let a = raw.save(vec![Change::Edit {
        record: Record::Referral(moved),
        base,
    }]);
    assert!(!a.saved(), "{:?}", a.replies());
    assert!(
        matches!(
            a.save_refused(),
            Some(triad::model::Reason::ReceiverFixed { to, .. }) if to == fx.receiver
        ),
        "{:?}",
        a.replies()
    );
    drop(raw);
    drop(server);
    assert_eq!(fx.get::<Referral>(fx.referral).to, fx.receiver);
}

#[test]
fn a_consent_a_referral_was_sent_under_cannot_lose_its_receiver() {
    let fx = Fixture::new();
    let before: Consent = fx.get(fx.consent);
    let base = fx.rev(fx.consent);
    let server = fx.serve(As::Coordinator);
    let mut raw = Raw::new(&server);
    let mut narrowed = before.clone();
    narrowed.granted_to = vec![fx.stranger];
    let a = raw.save(vec![Change::Edit {
        record: Record::Consent(narrowed),
        base,
    }]);
    assert!(
        matches!(
            a.save_refused(),
            Some(triad::model::Reason::ConsentRelied { referral, .. }) if referral == fx.referral
        ),
        "{:?}",
        a.replies()
    );
    // Adding a receiver keeps what it covered: allowed.
    let mut wider = before.clone();
    wider.granted_to.push(fx.stranger);
    let a = raw.save(vec![Change::Edit {
        record: Record::Consent(wider),
        base,
    }]);
    assert!(a.saved(), "{:?}", a.replies());
    drop(raw);
    drop(server);
    assert!(
        fx.get::<Consent>(fx.consent)
            .granted_to
            .contains(&fx.receiver)
    );
}

#[test]
fn what_a_sending_relied_on_cannot_be_taken_back_by_a_later_change() {
    let fx = Fixture::new();
    let r: Referral = fx.get(fx.referral);
    let mut case: Case = fx.get(r.case);
    let case_base = fx.rev(r.case);
    let client = case.client;
    // Another person of the demo becomes its client.
    case.client = [fx.other_client, fx.person]
        .into_iter()
        .find(|p| Some(*p) != client);
    let server = fx.serve(As::Coordinator);
    let mut raw = Raw::new(&server);
    // Withdrawn on a day before the referral was sent under it.
    let a = raw.save(vec![Change::Append(Intent::WithdrawConsent {
        consent: fx.consent,
        on: days_ago(7),
    })]);
    assert!(
        matches!(
            a.save_refused(),
            Some(triad::model::Reason::ConsentRelied { .. })
        ),
        "{:?}",
        a.replies()
    );
    // The case given another client: the consent is no longer theirs.
    let a = raw.save(vec![Change::Edit {
        record: Record::Case(case),
        base: case_base,
    }]);
    assert!(
        matches!(
            a.save_refused(),
            Some(triad::model::Reason::ConsentRelied { .. })
        ),
        "{:?}",
        a.replies()
    );
    // Withdrawn today, after the sending: fine.
    let a = raw.save(vec![Change::Append(Intent::WithdrawConsent {
        consent: fx.consent,
        on: today(),
    })]);
    assert!(a.saved(), "{:?}", a.replies());
    drop(raw);
    drop(server);
    assert_eq!(fx.get::<Case>(r.case).client, client);
    assert!(fx.open().check().unwrap().problems.is_empty());
}

#[test]
fn a_corrected_sent_step_is_judged_by_the_provision_rule() {
    let fx = Fixture::new();
    let server = fx.serve(As::Coordinator);
    let mut raw = Raw::new(&server);
    let correct = |on| {
        vec![Change::Append(Intent::CorrectStep {
            referral: fx.referral,
            step: 1,
            on,
            note: "the date was wrong".into(),
        })]
    };
    // Before the consent was given (10 days ago): no consent covers it.
    let a = raw.save(correct(days_ago(15)));
    assert!(!a.saved(), "{:?}", a.replies());
    assert!(
        matches!(
            a.save_refused(),
            Some(triad::model::Reason::UncoveredProvision { step: 1, .. })
        ),
        "{:?}",
        a.replies()
    );
    // Within the consent: a correction like any other.
    let a = raw.save(correct(days_ago(6)));
    assert!(a.saved(), "{:?}", a.replies());
    drop(raw);
    drop(server);
    let r: Referral = fx.get(fx.referral);
    assert_eq!(r.step_on(1).unwrap().0, days_ago(6));
}

/// An import file's records: a referral proposed and sent by someone
/// else, to a body no consent names, and a private note someone else
/// wrote.
fn uncovered_import(fx: &Fixture) -> Vec<Record> {
    let store = fx.open();
    let case: Case = store.get_as(fx.own).unwrap().unwrap();
    drop(store);
    let mut r = common::referral(9001, case.id, fx.receiver, fx.stranger);
    if let Record::Referral(r) = &mut r {
        r.history[0].on = days_ago(30);
        r.history[0].by = "someone-else".into();
        r.advance(ReferralStatus::Sent, days_ago(29), "someone-else", "")
            .unwrap();
        r.follow_up = None;
        r.entered = Some(triad::model::Entered {
            by: "forged".into(),
            at: chrono::Utc::now(),
        });
    }
    let mut n = note(fx.own, Confidentiality::Private, "An old paper note");
    n.set_id(Id::new(Kind::TrustNote, 9001));
    vec![r, n]
}

#[test]
fn an_import_of_an_uncovered_sent_referral_is_refused_unless_historical() {
    let fx = Fixture::new();
    let records = uncovered_import(&fx);
    let server = fx.serve(As::Coordinator);
    let mut raw = Raw::new(&server);
    let id = records[0].id();
    assert!(
        raw.ask(&Ask::ImportPart {
            records: records.clone()
        })
        .result
        .is_ok()
    );
    let a = raw.ask(&Ask::ImportCommit {
        request: None,
        historical: None,
    });
    let err = a.result.expect_err("an uncovered provision imported");
    assert!(err.message.contains(&id.to_string()), "{err}");
    assert!(err.message.contains("--historical"), "{err}");
    assert!(raw.ask(&Ask::ImportPart { records }).result.is_ok());
    let a = raw.ask(&Ask::ImportCommit {
        request: None,
        historical: Some("paper files of 2019".into()),
    });
    assert!(a.result.is_ok(), "{:?}", a.result);
    drop(raw);
    drop(server);
    let r: Referral = fx.get(id);
    assert_eq!(
        r.history[1].by, "someone-else",
        "the step's maker as recorded"
    );
    let p = r.history[1].provision.as_ref().expect("a provision");
    match &p.basis {
        ProvisionBasis::Override { reason } => assert!(
            reason.contains("paper files of 2019") && reason.contains(&fx.me),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }
    let entered = r.entered.expect("entered");
    assert_eq!(entered.by, fx.me, "the file's own `entered` is not kept");
    let n: TrustNote = fx.get(Id::new(Kind::TrustNote, 9001));
    assert_eq!(n.author, "someone-else");
    assert_eq!(n.entered.expect("entered").by, fx.me);
    let report = fx.open().check().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn triad_import_names_the_record_and_takes_historical() {
    let fx = Fixture::new();
    let file = fx.tmp.path().join("old.json");
    std::fs::write(&file, triad::exchange::to_json(uncovered_import(&fx))).unwrap();
    let server = fx.serve(As::Owner);
    let import = |extra: &[&str]| {
        let mut cmd = std::process::Command::new(BIN);
        cmd.arg("--connect")
            .arg(server.socket())
            .arg("import")
            .arg(&file)
            .args(extra)
            .env_remove("TRIAD_STORE")
            .env_remove("TRIAD_SOCKET")
            .stdin(std::process::Stdio::null());
        run(cmd)
    };
    let refused = import(&[]);
    let said = text(&refused.stderr);
    assert!(!refused.status.success(), "{said}");
    assert!(
        said.contains("R-9001") && said.contains("--historical"),
        "{said}"
    );
    let done = import(&["--historical", "paper files"]);
    assert!(done.status.success(), "{}", text(&done.stderr));
    drop(server);
    let r: Referral = fx.get(Id::new(Kind::Referral, 9001));
    assert!(matches!(
        &r.history[1].provision.as_ref().unwrap().basis,
        ProvisionBasis::Override { reason } if reason.contains("paper files")
    ));
}

#[test]
fn check_reports_a_sent_step_no_consent_covers() {
    let fx = Fixture::new();
    assert!(fx.open().check().unwrap().problems.is_empty());
    // The provision pointed elsewhere behind triad's back.
    let mut r: Referral = fx.get(fx.referral);
    let p = r.history[1]
        .provision
        .as_mut()
        .expect("sent with a provision");
    p.to = r.case;
    drop(open_when_free(&fx.store));
    let db = sled::open(fx.store.join("db")).unwrap();
    db.open_tree(Kind::Referral.plural())
        .unwrap()
        .insert(
            fx.referral.num.to_be_bytes(),
            serde_json::to_vec(&Record::Referral(r)).unwrap(),
        )
        .unwrap();
    db.flush().unwrap();
    drop(db);
    let problems = fx.open().check().unwrap().problems;
    let want = format!("{}: step 1: the provision to {}", fx.referral, fx.receiver);
    assert!(
        problems.iter().any(|p| p.starts_with(&want)),
        "{problems:?}"
    );
}
