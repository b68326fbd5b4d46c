//! Peer supporters' records: strict import of each new kind, and wellbeing
//! check-ins reaching the supporter and their supervisor only, through every
//! read path a server answers (exports, views, the finder, reports, the
//! dashboard, the audit trail).

mod common;

use common::day;
use serde_json::Value;
use triad::exchange;
use triad::i18n::Lang;
use triad::model::*;
use triad::query::request::StoreEffect;
use triad::query::worker::{IndexAt, Where, run_store};
use triad::store::{Scope, SledStore, Store};

const MARKER: &str = "MARKERWELL7731";
const SUPPORTER_USER: &str = "ichiro";

fn id(kind: Kind, num: u64) -> Id {
    Id::new(kind, num)
}

fn peer(num: u64, name: &str, supervisor: Option<Id>) -> Record {
    let Record::Person(mut p) = common::person(num, name) else {
        unreachable!()
    };
    p.roles = vec![Role::PeerSupporter];
    p.supporter = Some(SupporterProfile {
        capacity: Some(2),
        supervisor,
        languages: "日本語".into(),
        ..SupporterProfile::default()
    });
    Record::Person(p)
}

/// A provider, a supervisor (P-1), two supporters (P-2 supervised by P-1,
/// P-3), a client (P-4), their case, and one record of each new kind; the
/// check-in (W-1) carries the marker.
fn records() -> Vec<Record> {
    let Record::Person(mut supervisor) = common::person(1, "指導 花子") else {
        unreachable!()
    };
    supervisor.roles = vec![Role::Coordinator];
    let client = common::person(4, "田中（仮名）");
    let case = common::case(
        1,
        "田中さんの通院",
        Some(id(Kind::Person, 4)),
        &[
            (id(Kind::Person, 2), Sector::PatientFamily),
            (id(Kind::Person, 3), Sector::PatientFamily),
            (id(Kind::Body, 1), Sector::Government),
        ],
    );
    vec![
        common::body(1, "群馬県難病相談支援センター", Sector::Government),
        Record::Person(supervisor),
        peer(2, "支援 一郎", Some(id(Kind::Person, 1))),
        peer(3, "支援 二郎", None),
        client,
        case,
        Record::Course(Course {
            id: id(Kind::Course, 1),
            name: "難病ピア・サポーター養成研修（基礎）".into(),
            reading: None,
            level: CourseLevel::Basic,
            provider: Some(id(Kind::Body, 1)),
            started: day(2023, 5, 1),
            ended: Some(day(2024, 12, 31)),
            planned_sessions: 20,
            follows: None,
            note: String::new(),
        }),
        Record::Enrolment(Enrolment {
            id: id(Kind::Enrolment, 1),
            course: id(Kind::Course, 1),
            person: id(Kind::Person, 2),
            enrolled_on: day(2023, 5, 1),
            certificates: vec![Certificate {
                year: 2023,
                on: day(2024, 3, 20),
            }],
            completed_on: None,
            note: String::new(),
        }),
        Record::Contact(Contact {
            id: id(Kind::Contact, 1),
            supporter: id(Kind::Person, 2),
            case: id(Kind::Case, 1),
            on: day(2024, 2, 1),
            kind: ContactKind::AccompaniedVisit,
            minutes: 90,
            note: "通院に同行".into(),
            confidentiality: Confidentiality::Team,
            author: SUPPORTER_USER.into(),
            entered: None,
        }),
        Record::Supervision(Supervision {
            id: id(Kind::Supervision, 1),
            on: day(2024, 2, 10),
            supervisor: id(Kind::Person, 1),
            supporters: vec![id(Kind::Person, 2)],
            mode: SupervisionMode::Individual,
            themes: "境界線".into(),
        }),
        Record::CheckIn(CheckIn {
            id: id(Kind::CheckIn, 1),
            supporter: id(Kind::Person, 2),
            on: day(2024, 2, 12),
            wellbeing: Some(2),
            note: format!("疲れている {MARKER}"),
            author: SUPPORTER_USER.into(),
            entered: None,
        }),
    ]
}

fn store() -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open_as(&dir.path().join("store"), "owner").unwrap();
    store.import(records(), &mut |_, _| {}).unwrap();
    (dir, store)
}

/// Everything `reader` is given by every read path, as text.
fn all_read(store: &SledStore, reader: &Reader) -> String {
    let scope = Scope::new(store, reader).unwrap();
    let mut out = String::new();
    let case = id(Kind::Case, 1);
    for c in [None, Some(case)] {
        if let Ok((records, _)) = exchange::collect(store, c, Some(&scope)) {
            out += &exchange::to_json(records);
        }
    }
    if let Ok(md) = exchange::case_report(store, case, &scope, Lang::En, false) {
        out += &md;
    }
    let cases = Default::default();
    let at = Where {
        index: IndexAt::Here,
        cases: &cases,
        dashboard: None,
    };
    for effect in [
        StoreEffect::LoadAll,
        StoreEffect::RefreshDashboard,
        StoreEffect::LoadCase(case),
        StoreEffect::LoadParty(id(Kind::Person, 2)),
        StoreEffect::LoadRecord(id(Kind::CheckIn, 1)),
        StoreEffect::LoadSupporters,
        StoreEffect::LoadSupporter(id(Kind::Person, 2)),
    ] {
        run_store(store, effect, day(2024, 3, 1), at, &scope, &mut |r| {
            out += &format!("{r:?}");
        });
    }
    for doc in triad::search::docs_in(store, Some(reader)).unwrap() {
        out += &format!("{doc:?}");
    }
    if reader.role == AccessRole::Coordinator {
        for e in store.audit_trail().unwrap() {
            out += &e.text(triad::i18n::Lang::En);
        }
    }
    out
}

fn reader(user: &str, role: AccessRole, person: Option<u64>) -> Reader {
    Reader {
        user: user.into(),
        role,
        person: person.map(|n| id(Kind::Person, n)),
    }
}

#[test]
fn a_check_in_reaches_the_supporter_and_their_supervisor_only() {
    let (_d, store) = store();
    let allowed = [
        reader(SUPPORTER_USER, AccessRole::Supporter, Some(2)),
        reader("hanako", AccessRole::Coordinator, Some(1)),
    ];
    let sees = |r: &Reader| {
        // What the change feed and the finder's hits are filtered by.
        let scope = Scope::new(&store, r).unwrap();
        scope.sees_id(&store, id(Kind::CheckIn, 1)).unwrap()
    };
    for r in &allowed {
        assert!(sees(r), "{}", r.label());
        assert!(
            all_read(&store, r).contains(MARKER),
            "{} should read the check-in",
            r.label()
        );
    }
    let refused = [
        reader("sato", AccessRole::Coordinator, None),
        reader("viewer", AccessRole::Viewer, None),
        reader("jiro", AccessRole::Supporter, Some(3)),
        // A coordinator who is a person, but not the supervisor.
        reader("jiro-coord", AccessRole::Coordinator, Some(3)),
    ];
    for r in &refused {
        assert!(!sees(r), "{}", r.label());
        let text = all_read(&store, r);
        assert!(!text.contains(MARKER), "{} read the check-in", r.label());
        assert!(
            !text.contains("W-0001"),
            "{} saw the check-in's id",
            r.label()
        );
    }
}

#[test]
fn the_supervisor_is_whoever_the_supporter_names_now() {
    let (_d, store) = store();
    let jiro = reader("jiro-coord", AccessRole::Coordinator, Some(3));
    assert!(!all_read(&store, &jiro).contains(MARKER));
    let Some(Record::Person(mut p)) = store.get(id(Kind::Person, 2)).unwrap() else {
        panic!("the supporter")
    };
    if let Some(s) = p.supporter.as_mut() {
        s.supervisor = Some(id(Kind::Person, 3));
    }
    // P-3 is a peer supporter too; supervising is a matter of the profile.
    store.update(Record::Person(p)).unwrap();
    assert!(all_read(&store, &jiro).contains(MARKER));
    let hanako = reader("hanako", AccessRole::Coordinator, Some(1));
    assert!(!all_read(&store, &hanako).contains(MARKER));
}

#[test]
fn supervision_is_for_coordinators_and_those_in_it() {
    let (_d, store) = store();
    let sees = |r: &Reader| {
        let scope = Scope::new(&store, r).unwrap();
        let s = store.get(id(Kind::Supervision, 1)).unwrap().unwrap();
        scope.sees(&store, &s).unwrap()
    };
    assert!(sees(&reader("sato", AccessRole::Coordinator, None)));
    assert!(sees(&reader(
        SUPPORTER_USER,
        AccessRole::Supporter,
        Some(2)
    )));
    assert!(!sees(&reader("jiro", AccessRole::Supporter, Some(3))));
    assert!(!sees(&reader("viewer", AccessRole::Viewer, None)));
}

// ------------------------------------------------------------ strict import

fn export_value() -> Value {
    let (_d, store) = store();
    let (records, _) = exchange::collect(&store, None, None).unwrap();
    serde_json::from_str(&exchange::to_json(records)).unwrap()
}

#[test]
fn the_new_records_export_and_import_whole() {
    let v = export_value();
    let dir = tempfile::tempdir().unwrap();
    let fresh = SledStore::open_as(&dir.path().join("s"), "owner").unwrap();
    let n = exchange::import(&fresh, &v.to_string(), &mut |_, _| {}).unwrap();
    assert_eq!(n, records().len());
    let (again, _) = exchange::collect(&fresh, None, None).unwrap();
    assert_eq!(again, records());
}

#[test]
fn strict_import_refuses_an_unknown_field_on_each_new_record() {
    for (rid, field) in [
        ("G-0001", "planed_sessions"),
        ("N-0001", "certificate"),
        ("V-0001", "minute"),
        ("U-0001", "theme"),
        ("W-0001", "mood"),
        ("P-0002", "supporter.capacty"),
        ("E-0001", "cours"),
    ] {
        let mut v = export_value();
        let records = v["records"].as_array_mut().unwrap();
        if rid == "E-0001" {
            records.push(serde_json::json!({
                "type": "event", "id": "E-0001", "date": "2024-01-10",
                "kind": "training", "title": "第1回", "course": "G-0001", "cours": "x"
            }));
        } else {
            let r = records.iter_mut().find(|r| r["id"] == rid).expect(rid);
            match field.split_once('.') {
                Some((outer, inner)) => r[outer][inner] = Value::from(3),
                None => r[field] = Value::from(3),
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let fresh = SledStore::open_as(&dir.path().join("s"), "owner").unwrap();
        let err = exchange::import(&fresh, &v.to_string(), &mut |_, _| {})
            .expect_err(field)
            .to_string();
        assert!(
            err.contains("unknown field") && err.contains(rid),
            "{field}: {err}"
        );
        assert!(exchange::collect(&fresh, None, None).unwrap().0.is_empty());
    }
}

/// The reason record `i` of the fixture is refused once `edit` is made.
fn refusal(i: usize, edit: impl FnOnce(&mut Record)) -> Option<Reason> {
    let mut r = records().remove(i);
    edit(&mut r);
    r.validate().err().map(|e| e.reason)
}

#[test]
fn the_new_records_refuse_what_cannot_be() {
    assert_eq!(refusal(10, |_| {}), None);
    let wellbeing = |level| {
        refusal(10, |r| {
            if let Record::CheckIn(c) = r {
                c.wellbeing = Some(level);
            }
        })
    };
    assert_eq!(wellbeing(6), Some(Reason::WellbeingOutOfRange { level: 6 }));
    assert_eq!(wellbeing(0), Some(Reason::WellbeingOutOfRange { level: 0 }));
    assert_eq!(wellbeing(5), None);
    let minutes = |m| {
        refusal(8, |r| {
            if let Record::Contact(c) = r {
                c.minutes = m;
            }
        })
    };
    assert!(matches!(
        minutes(CONTACT_MAX_MINUTES + 1),
        Some(Reason::MinutesOutOfRange { .. })
    ));
    assert_eq!(minutes(CONTACT_MAX_MINUTES), None);
    let twice = refusal(7, |r| {
        if let Record::Enrolment(e) = r {
            e.certificates.push(Certificate {
                year: 2023,
                on: day(2024, 4, 1),
            });
        }
    });
    assert_eq!(twice, Some(Reason::CertificateTwice { year: 2023 }));
    let not_peer = refusal(2, |r| {
        if let Record::Person(p) = r {
            p.roles = vec![Role::Client];
        }
    });
    assert_eq!(not_peer, Some(Reason::SupporterOnlyForPeers));
    let own = refusal(2, |r| {
        if let Record::Person(p) = r
            && let Some(s) = p.supporter.as_mut()
        {
            s.supervisor = Some(p.id);
        }
    });
    assert_eq!(own, Some(Reason::OwnSupervisor));
    let nobody = refusal(9, |r| {
        if let Record::Supervision(s) = r {
            s.supporters.clear();
        }
    });
    assert_eq!(nobody, Some(Reason::Empty));
}
