//! Workload and flags: each flag raised and cleared exactly at its
//! threshold (`model::workload`), and thresholds from the config file.

mod common;

use chrono::Days;
use common::day;
use triad::model::workload::{Flag, Thresholds, Workload, compute, flags};
use triad::model::*;

const TODAY: (i32, u32, u32) = (2025, 6, 30);

fn today() -> Date {
    day(TODAY.0, TODAY.1, TODAY.2)
}

fn ago(days: u64) -> Date {
    today().checked_sub_days(Days::new(days)).unwrap()
}

fn me() -> Id {
    Id::new(Kind::Person, 2)
}

fn supporter(capacity: Option<u32>, status: SupporterStatus) -> Person {
    Person {
        id: me(),
        name: "支援 一郎".into(),
        reading: None,
        roles: vec![Role::PeerSupporter],
        peer_kind: Some(PeerKind::Volunteer),
        activity_range: String::new(),
        skills: String::new(),
        contact: String::new(),
        supporter: Some(SupporterProfile {
            status,
            capacity,
            ..SupporterProfile::default()
        }),
    }
}

/// Open case `n` with the supporter on it since `joined`.
fn case(n: u64, joined: Date) -> Case {
    let Record::Case(mut c) = common::case(n, "ケース", None, &[(me(), Sector::PatientFamily)])
    else {
        unreachable!()
    };
    c.parties[0].from = joined;
    c
}

fn contact(n: u64, case: u64, on: Date) -> Contact {
    Contact {
        id: Id::new(Kind::Contact, n),
        supporter: me(),
        case: Id::new(Kind::Case, case),
        on,
        kind: ContactKind::Phone,
        minutes: 30,
        note: String::new(),
        confidentiality: Confidentiality::Team,
        author: "t".into(),
        entered: None,
    }
}

fn supervision(on: Date) -> Supervision {
    Supervision {
        id: Id::new(Kind::Supervision, 1),
        on,
        supervisor: Id::new(Kind::Person, 1),
        supporters: vec![me()],
        mode: SupervisionMode::Group,
        themes: "セルフケア".into(),
    }
}

fn raised(w: &Workload, t: &Thresholds) -> Vec<Flag> {
    flags(w, t, today())
}

fn has(w: &Workload, t: &Thresholds, pick: fn(&Flag) -> bool) -> bool {
    raised(w, t).iter().any(pick)
}

#[test]
fn over_capacity_is_raised_above_capacity_not_at_it() {
    let t = Thresholds::default();
    let cases: Vec<Case> = (1..=3).map(|n| case(n, ago(5))).collect();
    let sup = [supervision(ago(1))];
    let over = |cap| {
        let w = compute(
            today(),
            &supporter(Some(cap), SupporterStatus::Active),
            &cases,
            &[],
            &sup,
        );
        has(&w, &t, |f| matches!(f, Flag::OverCapacity { .. }))
    };
    assert!(over(2));
    assert!(!over(3), "at capacity is fine");
    let w = compute(
        today(),
        &supporter(Some(2), SupporterStatus::Active),
        &cases,
        &[],
        &sup,
    );
    assert_eq!(w.active_cases(), 3);
    assert!(raised(&w, &t).contains(&Flag::OverCapacity {
        active: 3,
        capacity: 2
    }));
    // A case they left, or a closed one, is not carried.
    let mut lighter = cases.clone();
    lighter[0].parties[0].until = Some(ago(1));
    lighter[1].status = CaseStatus::Closed;
    let w = compute(
        today(),
        &supporter(Some(2), SupporterStatus::Active),
        &lighter,
        &[],
        &sup,
    );
    assert_eq!(w.active_cases(), 1);
    // A peer supporter without a profile is not chased.
    let mut bare = supporter(Some(2), SupporterStatus::Active);
    bare.supporter = None;
    let w = compute(today(), &bare, &cases, &[], &[]);
    assert_eq!(w.active_cases(), 3);
    assert!(raised(&w, &t).is_empty());
    // Resting is a normal state: nothing is raised on a resting supporter.
    let w = compute(
        today(),
        &supporter(Some(2), SupporterStatus::Resting),
        &cases,
        &[],
        &[],
    );
    assert!(raised(&w, &t).is_empty(), "{:?}", raised(&w, &t));
}

#[test]
fn no_supervision_is_raised_at_the_configured_days() {
    let person = supporter(None, SupporterStatus::Active);
    for days in [45u32, 60] {
        let t = Thresholds {
            supervision_days: days,
            ..Thresholds::default()
        };
        let flag = |since: u64| {
            let w = compute(today(), &person, &[], &[], &[supervision(ago(since))]);
            has(&w, &t, |f| matches!(f, Flag::NoSupervision { .. }))
        };
        assert!(!flag(u64::from(days) - 1), "{days}: one day before");
        assert!(flag(u64::from(days)), "{days}: at the threshold");
    }
    let w = compute(today(), &person, &[], &[], &[]);
    assert!(raised(&w, &Thresholds::default()).contains(&Flag::NoSupervision { days: None }));
    // A supervision of someone else does not count for them.
    let mut other = supervision(ago(1));
    other.supporters = vec![Id::new(Kind::Person, 9)];
    let w = compute(today(), &person, &[], &[], &[other]);
    assert_eq!(w.last_supervision, None);
}

#[test]
fn a_quiet_case_is_raised_at_30_days_without_contact() {
    let t = Thresholds::default();
    let person = supporter(None, SupporterStatus::Active);
    let sup = [supervision(ago(1))];
    let quiet = |contacts: &[Contact], joined: u64| {
        let w = compute(today(), &person, &[case(1, ago(joined))], contacts, &sup);
        raised(&w, &t).into_iter().find_map(|f| match f {
            Flag::QuietCase { days, .. } => Some(days),
            _ => None,
        })
    };
    assert_eq!(quiet(&[contact(1, 1, ago(29))], 200), None);
    assert_eq!(quiet(&[contact(1, 1, ago(30))], 200), Some(30));
    // The newest contact counts, and only with this case.
    assert_eq!(
        quiet(&[contact(1, 1, ago(40)), contact(2, 1, ago(3))], 200),
        None
    );
    assert_eq!(quiet(&[contact(1, 2, ago(3))], 200), Some(200));
    // Never in touch: counted from joining the case.
    assert_eq!(quiet(&[], 29), None);
    assert_eq!(quiet(&[], 30), Some(30));
    let t10 = Thresholds {
        quiet_case_days: 10,
        ..t
    };
    let w = compute(
        today(),
        &person,
        &[case(1, ago(200))],
        &[contact(1, 1, ago(10))],
        &sup,
    );
    assert!(has(&w, &t10, |f| matches!(f, Flag::QuietCase { .. })));
}

#[test]
fn a_surge_is_twice_the_monthly_mean_and_at_least_the_minimum() {
    let t = Thresholds::default();
    let person = supporter(None, SupporterStatus::Active);
    let sup = [supervision(ago(1))];
    // `recent` contacts in the last 30 days, `before` in the 90 days before.
    let surge = |recent: u64, before: u64| {
        let mut cs = Vec::new();
        for i in 0..recent {
            cs.push(contact(i + 1, 1, ago(i % 30)));
        }
        for i in 0..before {
            cs.push(contact(100 + i, 1, ago(30 + i % 90)));
        }
        let w = compute(today(), &person, &[case(1, ago(200))], &cs, &sup);
        assert_eq!(
            (w.contacts_30, w.contacts_baseline),
            (recent as u32, before as u32)
        );
        has(&w, &t, |f| matches!(f, Flag::Surge { .. }))
    };
    // Baseline 9 in 3 months: a mean of 3 a month; twice that is 6.
    assert!(!surge(5, 9));
    assert!(surge(6, 9));
    // Baseline 15: a mean of 5; 10 is twice, 9 is not.
    assert!(!surge(9, 15));
    assert!(surge(10, 15));
    // From nothing, the minimum decides.
    assert!(!surge(5, 0));
    assert!(surge(6, 0));
    // Day 30 back belongs to the baseline, day 29 to the last month.
    let w = compute(
        today(),
        &person,
        &[],
        &[
            contact(1, 1, ago(29)),
            contact(2, 1, ago(30)),
            contact(3, 1, ago(119)),
            contact(4, 1, ago(120)),
        ],
        &sup,
    );
    assert_eq!((w.contacts_30, w.contacts_baseline), (1, 2));
    // A contact dated after today is not counted yet.
    let later = today().checked_add_days(Days::new(1)).unwrap();
    let w = compute(today(), &person, &[], &[contact(1, 1, later)], &sup);
    assert_eq!(w.contacts_30, 0);
}

#[test]
fn hours_are_the_minutes_of_the_last_30_days() {
    let person = supporter(None, SupporterStatus::Active);
    let mut a = contact(1, 1, ago(1));
    a.minutes = 90;
    let mut b = contact(2, 1, ago(40));
    b.minutes = 600;
    let w = compute(today(), &person, &[], &[a, b], &[]);
    assert_eq!(w.minutes_30, 90);
    assert!((w.hours_30() - 1.5).abs() < f64::EPSILON);
}
