//! Logic of the server's reading and writing rules that the larger tests
//! reach only through a demo store (where one rule can hide another), each
//! pinned down on its own: what a reader sees (`store::Scope`), who may
//! read, write and see what (`model::Reader`), a server's config
//! (`server::roles`), the record an intent is for, and the change feed's
//! broadcasts (`server::hub`). Found with cargo-mutants: each test fails
//! when the rule it names is changed.

use std::collections::HashSet;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use chrono::{TimeZone, Utc};
use triad::model::*;
use triad::server::hub::Hub;
use triad::server::protocol::{Feed, ServerFrame};
use triad::server::roles::Roles;
use triad::server::socket::{my_uid, user_name};
use triad::store::{Scope, SledStore, Store};

mod common;
use common::day;

fn id(kind: Kind, n: u64) -> Id {
    Id::new(kind, n)
}

fn reader(user: &str, role: AccessRole, person: Option<Id>) -> Reader {
    Reader {
        user: user.into(),
        role,
        person,
    }
}

// ------------------------------------------------------------ Scope

/// The supporter the scope is built for, and their Person record.
const SUPPORTER: &str = "tanaka";
const OTHER_AUTHOR: &str = "someone-else";

fn p(n: u64) -> Id {
    id(Kind::Person, n)
}
fn b(n: u64) -> Id {
    id(Kind::Body, n)
}
fn c(n: u64) -> Id {
    id(Kind::Case, n)
}
fn r(n: u64) -> Id {
    id(Kind::Relationship, n)
}
fn n(num: u64) -> Id {
    id(Kind::TrustNote, num)
}
fn e(num: u64) -> Id {
    id(Kind::Event, num)
}

fn relationship(num: u64, a: Id, b: Id, case: Option<Id>) -> Record {
    Record::Relationship(Relationship {
        id: r(num),
        a,
        b,
        case,
        trust: vec![TrustChange {
            on: day(2024, 1, 1),
            level: TrustLevel::new(3).unwrap(),
            by: "test".into(),
        }],
        entered: None,
    })
}

/// Where a note sits.
enum Place {
    Case(Id),
    Relationship(Id),
    About(Id),
}

fn note(num: u64, place: Place, conf: Confidentiality, author: &str) -> Record {
    let (case, relationship, about) = match place {
        Place::Case(c) => (Some(c), None, None),
        Place::Relationship(r) => (None, Some(r), None),
        Place::About(p) => (None, None, Some(p)),
    };
    Record::TrustNote(TrustNote {
        id: n(num),
        case,
        relationship,
        about,
        author: author.into(),
        at: Utc.with_ymd_and_hms(2024, 2, 1, 9, 0, 0).unwrap(),
        text: format!("note {num}"),
        confidentiality: conf,
        trust_change: None,
        corrects: None,
        entered: None,
    })
}

fn event(num: u64, case: Option<Id>, parties: Vec<Id>) -> Record {
    Record::Event(Event {
        id: e(num),
        date: day(2024, 3, 1),
        end: None,
        kind: EventKind::Meeting,
        title: format!("meeting {num}"),
        parties,
        partnership: None,
        case,
        attendance: None,
        course: None,
        note: String::new(),
    })
}

fn consent(num: u64, client: Id, case: Id) -> Record {
    Record::Consent(Consent {
        id: id(Kind::Consent, num),
        client,
        case,
        granted_to: vec![b(1)],
        scope: ConsentScope {
            intervention: true,
            information_sharing: false,
            information: vec![],
        },
        given_on: day(2024, 1, 1),
        expires_on: None,
        withdrawn_on: None,
        obtained_how: "in writing".into(),
    })
}

/// A small store in which each of the scope's rules decides at least one
/// record on its own.
///
/// - P1 is the supporter: a party to C1 and the coordinator of C3.
/// - P2 is the client of C1 (P1's), P3 of C2 (not P1's); P4 is in no case
///   (the person of a second supporter, who has no cases).
/// - B1 is in C1, B2 in C2 and C3, B3 in no case.
fn scope_store() -> (tempfile::TempDir, SledStore) {
    let tmp = tempfile::tempdir().unwrap();
    let store = SledStore::open_as(&tmp.path().join("store"), "test").unwrap();
    let mut c3 = common::case(3, "P1 coordinates", None, &[(b(2), Sector::Medical)]);
    if let Record::Case(case) = &mut c3 {
        case.coordinator = Some(p(1));
    }
    use Confidentiality::*;
    let records = vec![
        common::body(1, "県庁", Sector::Government),
        common::body(2, "病院", Sector::Medical),
        common::body(3, "がんサロン", Sector::PatientFamily),
        common::person(1, "田中"),
        common::person(2, "山田"),
        common::person(3, "鈴木"),
        common::person(4, "高橋"),
        common::case(
            1,
            "P1's case",
            Some(p(2)),
            &[(p(1), Sector::PatientFamily), (b(1), Sector::Government)],
        ),
        common::case(2, "not P1's", Some(p(3)), &[(b(2), Sector::Medical)]),
        c3,
        relationship(1, p(2), b(1), Some(c(1))),
        relationship(2, p(3), b(2), Some(c(2))),
        relationship(3, p(2), b(1), None),
        relationship(4, p(3), b(1), None),
        relationship(5, p(2), p(3), None),
        relationship(6, b(3), b(2), None),
        note(1, Place::Case(c(1)), Shared, OTHER_AUTHOR),
        note(2, Place::Case(c(2)), Shared, OTHER_AUTHOR),
        note(3, Place::Case(c(1)), Private, OTHER_AUTHOR),
        note(4, Place::Relationship(r(3)), Shared, OTHER_AUTHOR),
        note(5, Place::Relationship(r(4)), Shared, OTHER_AUTHOR),
        note(6, Place::About(p(2)), Shared, OTHER_AUTHOR),
        note(7, Place::About(p(3)), Shared, OTHER_AUTHOR),
        note(8, Place::About(b(3)), Shared, OTHER_AUTHOR),
        note(9, Place::Case(c(1)), Team, OTHER_AUTHOR),
        note(10, Place::Case(c(1)), Private, SUPPORTER),
        note(11, Place::Case(c(2)), Private, SUPPORTER),
        event(1, Some(c(1)), vec![]),
        event(2, Some(c(2)), vec![]),
        event(3, None, vec![b(1)]),
        event(4, None, vec![b(1), p(3)]),
        Record::Affiliation(Affiliation {
            id: Id::new(Kind::Affiliation, 1),
            person: p(2),
            body: b(1),
            title: String::new(),
            from: common::day(2020, 1, 1),
            until: None,
        }),
        Record::Affiliation(Affiliation {
            id: Id::new(Kind::Affiliation, 2),
            person: p(3),
            body: b(2),
            title: String::new(),
            from: common::day(2020, 1, 1),
            until: None,
        }),
        Record::Partnership(Partnership {
            id: Id::new(Kind::Partnership, 1),
            title: "県庁と病院".into(),
            parties: vec![b(1), b(2)],
            started: common::day(2020, 1, 1),
            ended: None,
            description: String::new(),
            cadences: vec![],
        }),
        Record::Partnership(Partnership {
            id: Id::new(Kind::Partnership, 2),
            title: "鈴木さんとがんサロン".into(),
            parties: vec![p(3), b(3)],
            started: common::day(2020, 1, 1),
            ended: None,
            description: String::new(),
            cadences: vec![],
        }),
        common::referral(1, c(1), b(1), b(2)),
        common::referral(2, c(2), b(2), b(1)),
        consent(1, p(2), c(1)),
        consent(2, p(3), c(2)),
    ];
    store.import(records, &mut |_, _| {}).unwrap();
    (tmp, store)
}

/// Checks what `scope` sees of every record in `expected`, both by id and
/// by the record itself.
fn assert_sees(store: &SledStore, scope: &Scope, expected: &[(Id, bool)]) {
    let mut wrong = Vec::new();
    for &(id, visible) in expected {
        let by_id = scope.sees_id(store, id).unwrap();
        let record = store.get(id).unwrap().expect("in the store");
        let by_record = scope.sees(store, &record).unwrap();
        if by_id != visible || by_record != visible {
            wrong.push(format!(
                "{id}: expected {visible}, sees_id {by_id}, sees {by_record}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} ({}):\n{}",
        scope.reader.label(),
        scope.reader.person.map_or("-".into(), |p| p.to_string()),
        wrong.join("\n")
    );
}

#[test]
fn a_supporter_sees_their_cases_and_what_hangs_off_them_and_nothing_else() {
    let (_tmp, store) = scope_store();
    let supporter = reader(SUPPORTER, AccessRole::Supporter, Some(p(1)));
    let scope = Scope::new(&store, &supporter).unwrap();
    // Their cases: a party to one, the coordinator of another.
    assert_eq!(scope.cases(), Some(&HashSet::from([c(1), c(3)])));
    assert!(scope.sees_case(c(1)) && scope.sees_case(c(3)));
    assert!(!scope.sees_case(c(2)));
    let id = |kind, n| Id::new(kind, n);
    assert_sees(
        &store,
        &scope,
        &[
            (c(1), true),
            (c(2), false),
            (c(3), true),
            // Relationships of a case go with the case; one outside any
            // case is seen when both its ends are.
            (r(1), true),
            (r(2), false),
            (r(3), true),
            (r(4), false),
            (r(5), false),
            // Bodies are seen by all, even one in none of their cases.
            (r(6), true),
            // Notes: by confidentiality, and where they sit.
            (n(1), true),
            (n(2), false),
            (n(3), false),
            (n(4), true),
            (n(5), false),
            (n(6), true),
            (n(7), false),
            (n(8), true),
            (n(9), false),
            (n(10), true),
            (n(11), false),
            // Events of their cases, and those of no case that name no one
            // they may not see.
            (e(1), true),
            (e(2), false),
            (e(3), true),
            (e(4), false),
            // Where people work, and partnerships, only of people they see.
            (id(Kind::Affiliation, 1), true),
            (id(Kind::Affiliation, 2), false),
            (id(Kind::Partnership, 1), true),
            (id(Kind::Partnership, 2), false),
            (id(Kind::Referral, 1), true),
            (id(Kind::Referral, 2), false),
            (id(Kind::Consent, 1), true),
            (id(Kind::Consent, 2), false),
            // Themselves and the people of their cases.
            (p(1), true),
            (p(2), true),
            (p(3), false),
            (p(4), false),
            (b(1), true),
            (b(2), true),
            (b(3), true),
        ],
    );
    // Nothing is seen of a record that does not exist.
    assert!(!scope.sees_id(&store, c(99)).unwrap());
    assert!(!scope.sees_id(&store, n(99)).unwrap());
}

#[test]
fn a_supporter_in_no_case_sees_themselves_and_no_one_else() {
    let (_tmp, store) = scope_store();
    let lone = reader("takahashi", AccessRole::Supporter, Some(p(4)));
    let scope = Scope::new(&store, &lone).unwrap();
    assert_eq!(scope.cases(), Some(&HashSet::new()));
    assert!(scope.sees_person(&store, p(4)).unwrap(), "themselves");
    for other in [p(1), p(2), p(3)] {
        assert!(!scope.sees_person(&store, other).unwrap(), "{other}");
    }
    assert_sees(
        &store,
        &scope,
        &[
            (p(4), true),
            (c(1), false),
            (e(1), false),
            (e(3), true),
            (n(1), false),
            (n(8), true),
            (r(3), false),
            (r(6), true),
        ],
    );
}

#[test]
fn coordinators_and_viewers_see_every_case_and_notes_by_confidentiality() {
    let (_tmp, store) = scope_store();
    let all_places = [
        c(1),
        c(2),
        c(3),
        r(1),
        r(2),
        r(3),
        r(4),
        r(5),
        r(6),
        e(1),
        e(2),
        e(3),
        p(1),
        p(2),
        p(3),
        p(4),
        id(Kind::Consent, 2),
        id(Kind::Referral, 2),
    ];
    for role in [AccessRole::Coordinator, AccessRole::Viewer] {
        let scope = Scope::new(&store, &reader("sato", role, None)).unwrap();
        assert_eq!(scope.cases(), None, "{role:?}");
        let mut expected: Vec<(Id, bool)> = all_places.iter().map(|&i| (i, true)).collect();
        expected.extend([
            (n(1), true),
            (n(2), true),
            (n(3), false),
            (n(5), true),
            (n(7), true),
            (n(9), role == AccessRole::Coordinator),
            (n(10), false),
        ]);
        assert_sees(&store, &scope, &expected);
    }
    // A store's owner: a coordinator who sees every case.
    let owner = Scope::owner("sato");
    assert_eq!(owner.reader, Reader::owner("sato"));
    assert_eq!(owner.cases(), None);
    assert!(owner.sees_case(c(2)));
    assert_sees(&store, &owner, &[(c(2), true), (n(9), true), (n(3), false)]);
}

// ------------------------------------------------------------ Reader

fn trust_note(conf: Confidentiality, author: &str) -> TrustNote {
    match note(1, Place::Case(c(1)), conf, author) {
        Record::TrustNote(n) => n,
        _ => unreachable!(),
    }
}

#[test]
fn who_reads_which_note_writes_and_sees_every_case_by_role() {
    use AccessRole::*;
    use Confidentiality::*;
    // (role, confidentiality, the reader's own note, may read)
    let table = [
        (Coordinator, Private, false, false),
        (Coordinator, Private, true, true),
        (Coordinator, Team, false, true),
        (Coordinator, Team, true, true),
        (Coordinator, Shared, false, true),
        (Supporter, Private, false, false),
        (Supporter, Private, true, true),
        (Supporter, Team, false, false),
        (Supporter, Team, true, true),
        (Supporter, Shared, false, true),
        (Viewer, Private, false, false),
        (Viewer, Private, true, true),
        (Viewer, Team, false, false),
        (Viewer, Team, true, true),
        (Viewer, Shared, false, true),
    ];
    for (role, conf, own, may) in table {
        let r = reader("sato", role, Some(p(1)));
        let author = if own { "sato" } else { OTHER_AUTHOR };
        assert_eq!(
            r.may_read_note(&trust_note(conf, author)),
            may,
            "{role:?} reading a {conf:?} note, own: {own}"
        );
    }
    for (role, writes, every_case, name) in [
        (Coordinator, true, true, "coordinator"),
        (Supporter, true, false, "supporter"),
        (Viewer, false, true, "viewer"),
    ] {
        let r = reader("sato", role, None);
        assert_eq!(r.may_write(), writes, "{role:?} writes");
        assert_eq!(r.sees_every_case(), every_case, "{role:?} sees every case");
        assert_eq!(role.name(), name);
        assert_eq!(r.label(), format!("sato ({name})"));
    }
    let owner = Reader::owner("kato");
    assert_eq!(
        (owner.user.as_str(), owner.role, owner.person),
        ("kato", Coordinator, None)
    );
}

#[test]
fn a_supporter_sees_a_case_they_are_client_coordinator_or_party_of() {
    let me = p(1);
    let someone = p(2);
    let plain = || match common::case(1, "case", Some(someone), &[(b(1), Sector::Medical)]) {
        Record::Case(c) => c,
        _ => unreachable!(),
    };
    let as_client = Case {
        client: Some(me),
        ..plain()
    };
    let as_coordinator = Case {
        coordinator: Some(me),
        ..plain()
    };
    let mut as_party = plain();
    as_party.parties.push(CaseParty {
        party: me,
        sector: Sector::PatientFamily,
        role: "peer".into(),
        from: day(2024, 1, 1),
        until: None,
    });
    let supporter = reader(SUPPORTER, AccessRole::Supporter, Some(me));
    assert!(supporter.sees_case(&as_client), "client");
    assert!(supporter.sees_case(&as_coordinator), "coordinator");
    assert!(supporter.sees_case(&as_party), "party");
    assert!(!supporter.sees_case(&plain()), "not in it");
    let mut empty = plain();
    empty.client = None;
    empty.parties.clear();
    assert!(!supporter.sees_case(&empty), "a case with no one in it");
    // A supporter without a Person record sees no case.
    let nobody = reader(SUPPORTER, AccessRole::Supporter, None);
    assert!(!nobody.sees_case(&as_client));
    // Coordinators and viewers see every case.
    for role in [AccessRole::Coordinator, AccessRole::Viewer] {
        assert!(reader("sato", role, None).sees_case(&plain()), "{role:?}");
    }
}

// ------------------------------------------------------------ Roles

fn parse(text: &str) -> Result<Roles, String> {
    Roles::parse(text, Path::new("c.toml"), 1000)
}

#[test]
fn a_person_that_is_not_a_persons_id_and_a_group_with_a_person_are_refused_with_their_lines() {
    let err = parse("[users.sato]\nrole = \"coordinator\"\nperson = \"B-0001\"\n").unwrap_err();
    assert!(err.starts_with("c.toml:1:"), "{err}");
    assert!(err.contains("sato") && err.contains("B-0001"), "{err}");
    let err = parse("\n[users.tanaka]\nrole = \"supporter\"\nperson = \"C-0002\"\n").unwrap_err();
    assert!(err.starts_with("c.toml:2:"), "{err}");
    assert!(err.contains("C-0002"), "{err}");
    // A viewer may be given their Person record.
    let roles = parse("[users.suzuki]\nrole = \"viewer\"\nperson = \"P-0002\"\n").unwrap();
    let suzuki = roles.reader_for(1001, "suzuki").unwrap();
    assert_eq!(
        (suzuki.role, suzuki.person),
        (AccessRole::Viewer, Some(p(2)))
    );
    // A group is never one person, whatever its role.
    let err = parse("[groups.staff]\nrole = \"viewer\"\nperson = \"P-0002\"\n").unwrap_err();
    assert!(
        err.starts_with("c.toml:1:") && err.contains("staff"),
        "{err}"
    );
    // Every problem is reported, each on its own line.
    let err = parse(
        "[users.a]\nrole = \"supporter\"\n[users.b]\nrole = \"viewer\"\nperson = \"B-0001\"\n",
    )
    .unwrap_err();
    assert_eq!(err.lines().count(), 2, "{err}");
}

#[test]
fn a_configs_summary_counts_its_users_and_groups() {
    let roles = parse(
        "[users.sato]\nrole = \"coordinator\"\n[users.kato]\nrole = \"viewer\"\n\
         [groups.staff]\nrole = \"viewer\"\n",
    )
    .unwrap();
    assert_eq!(roles.summary(), "2 users, 1 groups");
    assert_eq!(parse("").unwrap().summary(), "0 users, 0 groups");
}

/// The name of `uid`'s primary group: a group `uid` is always in.
fn primary_group(uid: u32) -> String {
    use nix::unistd::{Group, Uid, User};
    let user = User::from_uid(Uid::from_raw(uid))
        .unwrap()
        .expect("a known user");
    Group::from_gid(user.gid)
        .unwrap()
        .expect("a known group")
        .name
}

#[test]
fn a_group_the_user_is_in_gives_its_role_and_one_they_are_not_in_gives_nothing() {
    let uid = my_uid();
    let me = user_name(uid);
    // The server belongs to someone else, so the owner's fallback is no
    // help: only the group can let the test's user in.
    let owner = uid + 1;
    let config = format!("[groups.\"{}\"]\nrole = \"viewer\"\n", primary_group(uid));
    let roles = Roles::parse(&config, Path::new("c.toml"), owner).unwrap();
    let r = roles.reader_for(uid, &me).expect("a member of the group");
    assert_eq!(
        (r.user.as_str(), r.role, r.person),
        (me.as_str(), AccessRole::Viewer, None)
    );
    // A group no one is in (no such group on the system).
    let config = "[groups.xyzzy]\nrole = \"coordinator\"\n";
    let roles = Roles::parse(config, Path::new("c.toml"), owner).unwrap();
    let err = roles.reader_for(uid, &me).unwrap_err();
    assert!(err.contains(&me) && err.contains("c.toml"), "{err}");
}

#[test]
fn a_config_must_belong_to_the_servers_user_or_root() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("triad.toml");
    std::fs::write(&path, "[users.sato]\nrole = \"viewer\"\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let me = my_uid();
    if me == 0 {
        // root's file serves any server's user.
        Roles::load(&path, 4242).expect("a file of root's");
        // A file of the server's (not root's) user is fine too.
        std::os::unix::fs::chown(&path, Some(4242), None).unwrap();
        Roles::load(&path, 4242).expect("the server's user's file");
        // Anyone else's is refused.
        let err = Roles::load(&path, 4243).unwrap_err();
        assert!(err.contains("belongs to"), "{err}");
    } else {
        Roles::load(&path, me).expect("the server's user's file");
        let err = Roles::load(&path, me + 1).unwrap_err();
        assert!(err.contains("belongs to"), "{err}");
    }
}

// ------------------------------------------------------------ Intent

#[test]
fn an_intent_names_the_record_it_changes() {
    let on = day(2024, 5, 1);
    let cases = [
        (
            Intent::ReferralStep {
                referral: id(Kind::Referral, 7),
                status: ReferralStatus::Sent,
                on,
                note: String::new(),
                declined_by: None,
                decline_reason: String::new(),
                outcome: None,
                follow_up: None,
                override_reason: None,
            },
            id(Kind::Referral, 7),
        ),
        (
            Intent::Trust {
                relationship: r(8),
                level: TrustLevel::new(2).unwrap(),
                on,
            },
            r(8),
        ),
        (
            Intent::AddParty {
                case: c(9),
                party: CaseParty {
                    party: p(1),
                    sector: Sector::Medical,
                    role: "nurse".into(),
                    from: on,
                    until: None,
                },
            },
            c(9),
        ),
        (
            Intent::EndRole {
                case: c(10),
                party: p(1),
                on,
            },
            c(10),
        ),
        (
            Intent::CaseStatus {
                case: c(11),
                status: CaseStatus::Closed,
                on,
                note: String::new(),
            },
            c(11),
        ),
        (
            Intent::WithdrawConsent {
                consent: id(Kind::Consent, 12),
                on,
            },
            id(Kind::Consent, 12),
        ),
    ];
    for (intent, target) in cases {
        assert_eq!(intent.target(), target, "{intent:?}");
    }
}

#[test]
fn a_consent_is_withdrawn_on_any_day_from_the_one_it_was_given() {
    let withdraw = |on| Intent::WithdrawConsent {
        consent: id(Kind::Consent, 1),
        on,
    };
    // Given on 2024-01-01.
    let mut later = consent(1, p(2), c(1));
    withdraw(day(2024, 6, 1))
        .apply(&mut later, "sato", Utc::now())
        .expect("months later");
    let Record::Consent(done) = &later else {
        unreachable!()
    };
    assert_eq!(done.withdrawn_on, Some(day(2024, 6, 1)));
    let err = withdraw(day(2023, 12, 31))
        .apply(&mut consent(1, p(2), c(1)), "sato", Utc::now())
        .unwrap_err();
    assert_eq!(err.field(), Some("withdrawn_on"));
    assert!(
        err.to_string().contains("2024-01-01"),
        "names the day: {err}"
    );
}

// ------------------------------------------------------------ Hub

fn feeds(frames: &std::sync::mpsc::Receiver<ServerFrame>) -> Vec<String> {
    frames
        .try_iter()
        .map(|f| match f {
            ServerFrame::Feed { feed } => match feed {
                Feed::Changed { changes, .. } => format!("changed {}", changes[0].id),
                Feed::Resync => "resync".into(),
                Feed::Indexed => "indexed".into(),
            },
            other => panic!("not a feed: {other:?}"),
        })
        .collect()
}

#[test]
fn subscribers_hear_changes_resyncs_and_the_index_and_others_hear_nothing() {
    let hub = Hub::default();
    let (_a_tx, a) = hub.join(true);
    let (_b_tx, b) = hub.join(true);
    let (_q_tx, quiet) = hub.join(false);
    assert_eq!(hub.subscribers(), 2);
    hub.publish(vec![], None);
    hub.publish(
        vec![triad::server::protocol::Changed {
            id: c(1),
            rev: 2,
            touches: vec![],
        }],
        None,
    );
    hub.resync_all();
    hub.send_indexed();
    let heard = ["changed C-0001", "resync", "indexed"];
    assert_eq!(feeds(&a.frames), heard, "nothing for an empty publish");
    assert_eq!(feeds(&b.frames), heard);
    assert!(feeds(&quiet.frames).is_empty());
    assert!(!a.behind.load(std::sync::atomic::Ordering::SeqCst));
}
