//! Small hand-made records for store tests (the demo data has its own tests).
#![allow(dead_code)]

use chrono::{NaiveDate, TimeZone, Utc};
use triad::model::*;

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn body(num: u64, name: &str, sector: Sector) -> Record {
    Record::Body(Body {
        id: Id::new(Kind::Body, num),
        name: name.into(),
        reading: None,
        sector,
        kind: BodyKind::Other,
        region: String::new(),
        contact: String::new(),
        parent: None,
        cadences: vec![],
        note: String::new(),
    })
}

pub fn person(num: u64, name: &str) -> Record {
    Record::Person(Person {
        id: Id::new(Kind::Person, num),
        name: name.into(),
        reading: None,
        roles: vec![Role::Client],
        peer_kind: None,
        activity_range: String::new(),
        skills: String::new(),
        contact: String::new(),
        supporter: None,
    })
}

pub fn case(num: u64, title: &str, client: Option<Id>, parties: &[(Id, Sector)]) -> Record {
    Record::Case(Case {
        id: Id::new(Kind::Case, num),
        title: title.into(),
        reading: None,
        client,
        status: CaseStatus::Active,
        status_history: vec![StatusChange {
            status: CaseStatus::Active,
            on: day(2024, 1, 1),
            by: "test".into(),
            note: String::new(),
        }],
        coordinator: None,
        condition: String::new(),
        needs: vec![],
        goals: vec![],
        parties: parties
            .iter()
            .map(|(p, s)| CaseParty {
                party: *p,
                sector: *s,
                role: "role".into(),
                from: day(2024, 1, 1),
                until: None,
            })
            .collect(),
        changed: Utc.with_ymd_and_hms(2024, 1, 1, 9, 0, 0).unwrap(),
        entered: None,
    })
}

pub fn referral(num: u64, case: Id, from: Id, to: Id) -> Record {
    let mut r = Referral::propose(
        Id::new(Kind::Referral, num),
        case,
        from,
        to,
        ReferralCategory::Medical,
        "check-up",
        day(2024, 2, 1),
        "test",
    );
    r.follow_up = Some(day(2024, 3, 1));
    Record::Referral(r)
}

/// A small, fully referenced set: 3 bodies, 2 people, a case, a referral.
pub fn small_set() -> Vec<Record> {
    let b1 = Id::new(Kind::Body, 1);
    let b2 = Id::new(Kind::Body, 2);
    let b3 = Id::new(Kind::Body, 3);
    let p1 = Id::new(Kind::Person, 1);
    let c1 = Id::new(Kind::Case, 1);
    vec![
        body(1, "熊本県健康づくり推進課", Sector::Government),
        body(2, "大学病院", Sector::Medical),
        body(3, "がんサロン", Sector::PatientFamily),
        person(1, "山田花子"),
        person(2, "佐藤"),
        case(
            1,
            "山田さんの就労",
            Some(p1),
            &[
                (b1, Sector::Government),
                (b2, Sector::Medical),
                (b3, Sector::PatientFamily),
            ],
        ),
        referral(1, c1, b3, b2),
    ]
}

/// A committed store of an older layout, copied into a temp dir.
pub fn layout_store(layout: u32, into: &std::path::Path) -> std::path::PathBuf {
    let dir = into.join(format!("layout{layout}"));
    std::fs::create_dir_all(dir.join("db")).unwrap();
    let from = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
        .join(format!("layout{layout}-store"))
        .join("db");
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join("db").join(e.file_name())).unwrap();
    }
    dir
}
