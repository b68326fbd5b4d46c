//! The demo data holds each scenario of the brief, queried through the store
//! (not the source text); `seed_scale` is deterministic, streams in batches
//! and leaves a store that passes `check`.

use std::collections::{BTreeSet, HashSet};

use chrono::{Datelike, NaiveDate, TimeDelta};
use triad::demo;
use triad::model::{
    Affiliation, Body, BodyKind, Case, Confidentiality, Consent, ConsentStatus, DeclinedBy, Event,
    EventKind, Id, Kind, Partnership, PeerKind, Period, Person, Record, Referral, ReferralStatus,
    Relationship, Role, Sector, TrustNote,
};
use triad::store::{SledStore, Store, StoreExt};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A fixed "today", so the live dates are checked against a known day.
fn today() -> NaiveDate {
    ymd(2025, 6, 1)
}

struct Seeded {
    _dir: tempfile::TempDir,
    store: SledStore,
}

fn seeded() -> Seeded {
    seeded_on(today())
}

fn seeded_on(day: NaiveDate) -> Seeded {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let summary = demo::seed(&store, day).unwrap();
    assert!(summary.total() > 0);
    Seeded { _dir: dir, store }
}

fn body(store: &SledStore, name: &str) -> Body {
    let all: Vec<Body> = store.all().unwrap();
    all.into_iter()
        .find(|b| b.name == name)
        .unwrap_or_else(|| panic!("no body named {name}"))
}

fn person(store: &SledStore, name: &str) -> Person {
    let all: Vec<Person> = store.all().unwrap();
    all.into_iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no person named {name}"))
}

fn events_of(store: &SledStore, partnership: Id) -> Vec<Event> {
    store.referring::<Event>(partnership).unwrap()
}

fn partnership(store: &SledStore, title_part: &str) -> Partnership {
    let all: Vec<Partnership> = store.all().unwrap();
    all.into_iter()
        .find(|p| p.title.contains(title_part))
        .unwrap_or_else(|| panic!("no partnership titled …{title_part}…"))
}

fn is_reading(s: &str) -> bool {
    !s.trim().is_empty()
        && s.chars()
            .all(|c| ('\u{30A0}'..='\u{30FF}').contains(&c) || c == ' ' || c == '（' || c == '）')
}

#[test]
fn every_body_person_and_case_has_a_katakana_reading() {
    let s = seeded();
    for b in s.store.all::<Body>().unwrap() {
        let r = b.reading.as_deref().unwrap_or("");
        assert!(is_reading(r), "{} {}: reading {r:?}", b.id, b.name);
    }
    for p in s.store.all::<Person>().unwrap() {
        let r = p.reading.as_deref().unwrap_or("");
        assert!(is_reading(r), "{} {}: reading {r:?}", p.id, p.name);
    }
    for c in s.store.all::<Case>().unwrap() {
        let r = c.reading.as_deref().unwrap_or("");
        assert!(is_reading(r), "{} {}: reading {r:?}", c.id, c.title);
    }
}

#[test]
fn ids_are_readable_and_the_store_checks_clean() {
    let s = seeded();
    let first: Option<Case> = s.store.get_as(Id::new(Kind::Case, 1)).unwrap();
    assert!(first.unwrap().title.starts_with("熊本"));
    let b1: Option<Body> = s.store.get_as(Id::new(Kind::Body, 1)).unwrap();
    assert!(b1.unwrap().name.starts_with("熊本県"));
    let report = s.store.check().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn scenarios_are_deterministic_for_a_given_today() {
    assert_eq!(demo::scenarios(today()), demo::scenarios(today()));
    let a = demo::scenarios(today());
    let b = demo::scenarios(ymd(2026, 3, 1));
    assert_ne!(a, b, "the live dates move with today");
}

#[test]
fn seeds_on_the_real_today_too() {
    let s = seeded_on(chrono::Local::now().date_naive());
    assert!(s.store.check().unwrap().problems.is_empty());
}

// --- 1. Kumamoto ----------------------------------------------------------

#[test]
fn kumamoto_triad_bodies_cadences_and_thirty_salons() {
    let s = seeded();
    let st = &s.store;
    let division = body(st, "熊本県 健康福祉部 健康づくり推進課");
    assert_eq!(division.sector, Sector::Government);
    let liaison = body(st, "熊本県がん診療連携支援センター");
    let consult = body(st, "熊本県がん相談支援センター");
    assert_eq!(consult.parent, Some(liaison.id));

    let chat = body(st, "がんピアチャットルーム");
    assert_eq!(chat.parent, Some(liaison.id));
    assert!(
        chat.cadences
            .iter()
            .any(|c| c.min == 17 && c.max == 17 && c.per == Period::Month),
        "peer chat room open 17 days a month"
    );

    let council = body(st, "熊本県がん診療連携協議会");
    let wg = body(st, "がん専門相談員ワーキンググループ");
    assert_eq!(wg.parent, Some(council.id));
    assert!(
        wg.cadences
            .iter()
            .any(|c| c.min == 4 && c.max == 4 && c.per == Period::Year)
    );
    let subs: Vec<Body> = st
        .referring::<Body>(wg.id)
        .unwrap()
        .into_iter()
        .filter(|b| b.parent == Some(wg.id))
        .collect();
    assert_eq!(subs.len(), 3);
    for part in ["研修", "広報", "連携"] {
        assert!(
            subs.iter().any(|b| b.name.contains(part)),
            "sub-group {part}"
        );
    }

    let network = body(st, "熊本県がんサロンネットワーク");
    let salons: Vec<Body> = st
        .referring::<Body>(network.id)
        .unwrap()
        .into_iter()
        .filter(|b| b.parent == Some(network.id))
        .collect();
    assert_eq!(salons.len(), 30);
    assert!(salons.iter().all(|b| b.kind == BodyKind::CancerSalon));
    let milestone = st
        .referring::<Event>(network.id)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == EventKind::Milestone)
        .expect("a milestone for the 30 salons");
    assert_eq!((milestone.date.year(), milestone.date.month()), (2022, 11));
    assert!(milestone.title.contains("30"));
    assert!(
        network
            .cadences
            .iter()
            .any(|c| c.min == 1 && c.max == 1 && c.per == Period::Month)
    );
    // The monthly board meetings: government and medical staff attend.
    let boards: Vec<Event> = st
        .referring::<Event>(network.id)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == EventKind::BoardMeeting)
        .collect();
    assert!(boards.len() >= 6);
    let held: Vec<&Event> = boards.iter().filter(|e| e.attendance.is_some()).collect();
    assert!(!held.is_empty());
    for e in held {
        let a = e.attendance.unwrap();
        assert!(a.government > Some(0) && a.medical > Some(0), "{}", e.title);
        assert!(e.parties.contains(&division.id));
    }
}

// --- 2. Nagasaki ----------------------------------------------------------

#[test]
fn nagasaki_trainings_with_exact_attendance_by_sector() {
    let s = seeded();
    let centre = body(&s.store, "長崎県がん相談支援センター");
    let trainings: Vec<Event> = s
        .store
        .referring::<Event>(centre.id)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == EventKind::Training)
        .collect();
    let want = [
        (ymd(2020, 11, 14), 15, 18, 4),
        (ymd(2022, 1, 29), 12, 16, 4),
        (ymd(2023, 1, 7), 8, 16, 5),
        (ymd(2023, 12, 9), 12, 9, 4),
    ];
    for (day, peer, medical, government) in want {
        let e = trainings
            .iter()
            .find(|e| e.date == day && e.title.contains("ピアサポーター"))
            .unwrap_or_else(|| panic!("training on {day}"));
        let a = e.attendance.unwrap();
        assert_eq!(
            (a.peer, a.medical, a.government),
            (Some(peer), Some(medical), Some(government))
        );
        let online = e.note.to_lowercase().contains("online") || e.title.contains("オンライン");
        assert_eq!(
            online,
            day == ymd(2022, 1, 29),
            "{day}: online only 2022-01-29"
        );
    }
    let organiser: Vec<(NaiveDate, u32)> = trainings
        .iter()
        .filter(|e| e.title.contains("運営者"))
        .map(|e| {
            let a = e.attendance.unwrap();
            assert_eq!((a.peer, a.government), (None, None), "medical staff only");
            (e.date, a.medical.unwrap_or(0))
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        organiser,
        vec![
            (ymd(2021, 2, 11), 3),
            (ymd(2021, 11, 3), 3),
            (ymd(2022, 2, 11), 2),
            (ymd(2022, 11, 3), 5),
            (ymd(2024, 2, 11), 1),
        ]
    );
    let p = partnership(&s.store, "長崎県 ピアサポーター対面研修");
    assert_eq!(p.started, ymd(2020, 11, 14));
    assert_eq!(events_of(&s.store, p.id).len(), 9);
}

// --- 3. Gunma ---------------------------------------------------------------

#[test]
fn gunma_course_trainees_and_sixty_one_technical_sessions() {
    let s = seeded();
    let st = &s.store;
    let centre = body(st, "群馬県難病相談支援センター");
    assert!(
        centre
            .cadences
            .iter()
            .any(|c| c.min == 8 && c.max == 11 && c.per == Period::Year),
        "8 to 11 sessions a year"
    );
    let council = body(st, "群馬県難病団体連絡協議会");

    // 61 technical-training sessions 2006–2014 with the council.
    let tech = partnership(st, "患者相談員 技術研修");
    assert!(tech.parties.contains(&council.id) && tech.parties.contains(&centre.id));
    assert_eq!(tech.started.year(), 2006);
    assert_eq!(tech.ended.map(|d| d.year()), Some(2014));
    let sessions: Vec<Event> = events_of(st, tech.id)
        .into_iter()
        .filter(|e| e.kind == EventKind::Training)
        .collect();
    assert_eq!(sessions.len(), 61);
    assert!(
        sessions
            .iter()
            .all(|e| (2006..=2014).contains(&e.date.year()))
    );
    assert_eq!(
        sessions
            .iter()
            .map(|e| e.date.year())
            .collect::<BTreeSet<_>>()
            .len(),
        9
    );

    // Five trainees, May 2023 to December 2024.
    let trainees: Vec<Affiliation> = st
        .referring::<Affiliation>(centre.id)
        .unwrap()
        .into_iter()
        .filter(|a| a.title.contains("2023年度生"))
        .collect();
    assert_eq!(trainees.len(), 5);
    for a in &trainees {
        assert_eq!((a.from.year(), a.from.month()), (2023, 5));
        let until = a.until.unwrap();
        assert_eq!((until.year(), until.month()), (2024, 12));
        let p: Person = st.get_as(a.person).unwrap().unwrap();
        assert!(p.roles.contains(&Role::PeerSupporter));
    }
    let intake = partnership(st, "養成講座 2023年度生");
    assert_eq!(intake.parties.len(), 6);
    assert!(
        intake
            .cadences
            .iter()
            .any(|c| (c.min, c.max, c.per) == (8, 11, Period::Year))
    );
    let course = events_of(st, intake.id);
    for year in [2023, 2024] {
        let n = course
            .iter()
            .filter(|e| e.kind == EventKind::Training && e.date.year() == year)
            .count();
        assert!((8..=11).contains(&n), "{year}: {n} sessions");
        // A certificate each year.
        assert!(
            course.iter().any(|e| e.kind == EventKind::Milestone
                && e.date.year() == year
                && e.title.contains("修了証")),
            "certificate {year}"
        );
    }
    assert!(
        course
            .iter()
            .any(|e| e.title.contains("基礎編") && e.date.year() == 2023)
    );
    assert!(
        course
            .iter()
            .any(|e| e.title.contains("応用編") && e.date.year() == 2024)
    );

    // The liaison group: membership voluntary (only some trainees joined).
    let liaison = body(st, "ぐんま難病ピアサポーター連絡会");
    assert_eq!(liaison.kind, BodyKind::PeerSupporterGroup);
    assert!(liaison.note.contains("voluntary"));
    let members = st.referring::<Affiliation>(liaison.id).unwrap();
    let joined = trainees
        .iter()
        .filter(|t| members.iter().any(|m| m.person == t.person))
        .count();
    assert!(joined > 0 && joined < 5);
}

// --- 4. Sendai ----------------------------------------------------------------

#[test]
fn sendai_dr_k_moves_and_the_partnership_continues() {
    let s = seeded();
    let st = &s.store;
    let assoc = body(st, "仙台ポリオの会");
    let centre = body(st, "宮城県リハビリテーション支援センター");
    let dr_k = person(st, "K医師");
    assert_eq!(dr_k.reading.as_deref(), Some("ケイイシ"));

    // Dr. K's post at the centre ended.
    let posts = st.referring::<Affiliation>(dr_k.id).unwrap();
    let post = posts.iter().find(|a| a.body == centre.id).unwrap();
    let retired = post.until.expect("Dr. K retired from the centre");

    // The partnership with Dr. K goes on after that, with consultation meetings
    // several times a year.
    let with_k: Partnership = st
        .referring::<Partnership>(dr_k.id)
        .unwrap()
        .into_iter()
        .find(|p| p.parties.contains(&assoc.id) && p.ended.is_none())
        .expect("an ongoing partnership with Dr. K");
    assert!(with_k.started < retired);
    assert!(
        with_k
            .cadences
            .iter()
            .any(|c| c.per == Period::Year && c.min >= 2)
    );
    let after: Vec<Event> = events_of(st, with_k.id)
        .into_iter()
        .filter(|e| e.date > retired && e.kind == EventKind::Consultation)
        .collect();
    assert!(after.len() >= 10, "consultation meetings after retirement");

    // The check-up programme at the centre ran five years.
    let programme: Partnership = st
        .referring::<Partnership>(centre.id)
        .unwrap()
        .into_iter()
        .find(|p| p.title.contains("検診"))
        .unwrap();
    let years = programme.ended.unwrap().year() - programme.started.year() + 1;
    assert_eq!(years, 5);
    let checkups = events_of(st, programme.id)
        .into_iter()
        .filter(|e| e.kind == EventKind::CheckUp)
        .count();
    assert_eq!(checkups, 5);

    // The city's disability welfare association.
    let welfare = body(st, "仙台市障害者福祉協会");
    assert!(
        st.referring::<Partnership>(welfare.id)
            .unwrap()
            .iter()
            .any(|p| p.parties.contains(&assoc.id))
    );

    // The case is found by its title, and Dr. K is in its triad.
    let case = st
        .all::<Case>()
        .unwrap()
        .into_iter()
        .find(|c| c.title.contains("仙台ポリオの会"))
        .unwrap();
    let k_roles: Vec<_> = case.parties.iter().filter(|p| p.party == dr_k.id).collect();
    assert!(k_roles.iter().any(|p| p.until == Some(retired)));
    assert!(
        k_roles
            .iter()
            .any(|p| p.until.is_none() && p.from > retired)
    );
}

// --- 5. Tokai -------------------------------------------------------------------

#[test]
fn tokai_group_checkups_since_2007() {
    let s = seeded();
    let st = &s.store;
    let assoc = body(st, "東海ポリオの会");
    let hospital = body(st, "東海中央大学病院");
    let p: Partnership = st
        .referring::<Partnership>(hospital.id)
        .unwrap()
        .into_iter()
        .find(|p| p.parties.contains(&assoc.id))
        .unwrap();
    assert_eq!(p.started.year(), 2007);
    assert!(p.ended.is_none());
    assert!(p.description.contains("individual result"));
    assert!(p.description.contains("aggregate findings"));
    let events = events_of(st, p.id);
    let checkups: Vec<&Event> = events
        .iter()
        .filter(|e| e.kind == EventKind::CheckUp)
        .collect();
    assert_eq!(checkups.iter().map(|e| e.date.year()).min(), Some(2007));
    assert!(checkups.len() >= 18);
    assert!(events.iter().any(|e| e.title.contains("集計結果")));
    // Physicians, PTs and OTs of the university hospital.
    let staff: HashSet<Id> = checkups.iter().flat_map(|e| e.parties.clone()).collect();
    let people: Vec<Person> = staff
        .iter()
        .filter(|id| id.kind == Kind::Person)
        .map(|id| st.get_as(*id).unwrap().unwrap())
        .collect();
    assert!(people.iter().any(|p| p.roles.contains(&Role::Physician)));
    let therapists: Vec<&Person> = people
        .iter()
        .filter(|p| p.roles.contains(&Role::Therapist))
        .collect();
    assert!(therapists.len() >= 2, "a PT and an OT");
    let titles: Vec<String> = therapists
        .iter()
        .flat_map(|p| st.referring::<Affiliation>(p.id).unwrap())
        .map(|a| a.title)
        .collect();
    assert!(titles.iter().any(|t| t.contains("PT")));
    assert!(titles.iter().any(|t| t.contains("OT")));
}

// --- 6. Okinawa -------------------------------------------------------------------

#[test]
fn okinawa_coordinator_consent_and_uneven_trust() {
    let s = seeded();
    let st = &s.store;
    let assoc = body(st, "沖縄県脊髄損傷者協会");
    let coordinator = st
        .referring::<Affiliation>(assoc.id)
        .unwrap()
        .into_iter()
        .find(|a| a.title.contains("常駐ピアサポートコーディネーター"))
        .expect("a standing coordinator");
    assert!(coordinator.until.is_none());

    // Consent to the intervention, granted to the association.
    let consents: Vec<Consent> = st.referring::<Consent>(assoc.id).unwrap();
    assert!(
        consents
            .iter()
            .any(|c| c.scope.intervention && c.status(today()) == ConsentStatus::Active)
    );

    // Outreach requested by medical staff, the client and the family.
    let requests: Vec<Referral> = st
        .referring::<Referral>(assoc.id)
        .unwrap()
        .into_iter()
        .filter(|r| r.to == assoc.id)
        .collect();
    let mut requesters = HashSet::new();
    for r in &requests {
        let p: Person = st.get_as(r.from).unwrap().unwrap();
        requesters.extend(p.roles);
    }
    for role in [Role::MedicalSocialWorker, Role::Client, Role::FamilyMember] {
        assert!(requesters.contains(&role), "a request from {role:?}");
    }
    // An accepted request is covered by a consent to the intervention; one
    // without consent was cancelled.
    for r in &requests {
        if r.status() == ReferralStatus::Accepted || r.status() == ReferralStatus::Completed {
            let accepted = r
                .history
                .iter()
                .find(|t| t.status == ReferralStatus::Accepted)
                .unwrap()
                .on;
            assert!(
                consents
                    .iter()
                    .any(|c| c.case == r.case && c.scope.intervention && c.given_on <= accepted),
                "{} accepted without consent",
                r.id
            );
        }
    }
    assert!(
        requests
            .iter()
            .any(|r| r.status() == ReferralStatus::Cancelled)
    );

    // The new hospital: low trust that went up and down, with notes.
    let new_hosp = body(st, "那覇新都心みらい病院");
    let rel: Relationship = st
        .referring::<Relationship>(new_hosp.id)
        .unwrap()
        .into_iter()
        .find(|r| r.involves(assoc.id))
        .unwrap();
    assert!(rel.level().unwrap().get() <= 2);
    assert!(rel.trust.len() >= 3);
    let levels: Vec<u8> = rel.trust.iter().map(|t| t.level.get()).collect();
    assert!(levels.windows(2).any(|w| w[1] < w[0]), "uneven: {levels:?}");
    let notes = st.referring::<TrustNote>(rel.id).unwrap();
    assert!(!notes.is_empty());
    let declined = st
        .referring::<Referral>(new_hosp.id)
        .unwrap()
        .into_iter()
        .find(|r| r.status() == ReferralStatus::Declined)
        .unwrap();
    assert_eq!(declined.declined_by, Some(DeclinedBy::Receiver));
}

// --- 7. Mental health --------------------------------------------------------------

#[test]
fn three_kinds_of_peer_supporters_with_their_own_range_and_skills() {
    let s = seeded();
    let people: Vec<Person> = s.store.all().unwrap();
    for kind in [
        PeerKind::Volunteer,
        PeerKind::ProVolunteer,
        PeerKind::PeerStaff,
    ] {
        let of_kind: Vec<&Person> = people
            .iter()
            .filter(|p| p.peer_kind == Some(kind))
            .collect();
        assert!(of_kind.len() >= 2, "{kind:?}");
        for p in &of_kind {
            assert!(
                !p.activity_range.is_empty() && !p.skills.is_empty(),
                "{}",
                p.name
            );
        }
        let ranges: HashSet<&str> = of_kind.iter().map(|p| p.activity_range.as_str()).collect();
        assert_eq!(
            ranges.len(),
            of_kind.len(),
            "ranges differ person to person"
        );
    }
    let office = body(&s.store, "ピアサポートセンター ひだまり");
    let staff: Vec<PeerKind> = s
        .store
        .referring::<Affiliation>(office.id)
        .unwrap()
        .iter()
        .filter_map(|a| s.store.get_as::<Person>(a.person).unwrap())
        .filter_map(|p| p.peer_kind)
        .collect();
    assert!(staff.contains(&PeerKind::PeerStaff) && staff.contains(&PeerKind::ProVolunteer));
}

// --- across the scenarios -------------------------------------------------------------

#[test]
fn each_scenario_has_a_case_with_a_full_triad_and_an_ended_role() {
    let s = seeded();
    let cases: Vec<Case> = s.store.all().unwrap();
    for place in ["熊本", "長崎", "群馬", "仙台", "東海", "沖縄", "横浜"] {
        let full = cases.iter().any(|c| {
            c.title.starts_with(place)
                && Sector::ALL
                    .iter()
                    .all(|sec| c.parties.iter().any(|p| p.sector == *sec))
                && c.parties.iter().any(|p| p.until.is_some())
        });
        assert!(
            full,
            "{place}: a case with all three sectors and an ended role"
        );
    }
    for c in &cases {
        for p in &c.parties {
            assert!(s.store.get(p.party).unwrap().is_some());
        }
    }
}

#[test]
fn every_referral_state_and_confidentiality_level_is_present() {
    let s = seeded();
    let referrals: Vec<Referral> = s.store.all().unwrap();
    for status in ReferralStatus::ALL {
        assert!(
            referrals.iter().any(|r| r.status() == status),
            "a {status:?} referral"
        );
    }
    let declined: Vec<&Referral> = referrals
        .iter()
        .filter(|r| r.status() == ReferralStatus::Declined)
        .collect();
    assert!(declined.iter().all(|r| !r.decline_reason.is_empty()));
    for who in [DeclinedBy::Client, DeclinedBy::Receiver] {
        assert!(
            declined.iter().any(|r| r.declined_by == Some(who)),
            "{who:?}"
        );
    }
    let notes: Vec<TrustNote> = s.store.all().unwrap();
    for level in [
        Confidentiality::Shared,
        Confidentiality::Team,
        Confidentiality::Private,
    ] {
        assert!(
            notes.iter().any(|n| n.confidentiality == level),
            "{level:?}"
        );
    }
    let consents: Vec<Consent> = s.store.all().unwrap();
    for status in [
        ConsentStatus::Active,
        ConsentStatus::Expired,
        ConsentStatus::Withdrawn,
    ] {
        assert!(
            consents.iter().any(|c| c.status(today()) == status),
            "a {status:?} consent"
        );
    }
    // Relationships with a trust history, and partnerships spanning years.
    let rels: Vec<Relationship> = s.store.all().unwrap();
    assert!(rels.iter().any(|r| r.trust.len() >= 3));
    let ps: Vec<Partnership> = s.store.all().unwrap();
    assert!(
        ps.iter()
            .any(|p| today().year() - p.started.year() >= 10 && p.ended.is_none())
    );
}

#[test]
fn the_dashboard_has_something_live() {
    let s = seeded();
    let t = today();
    let referrals: Vec<Referral> = s.store.all().unwrap();
    assert!(referrals.iter().any(|r| r.follow_up_overdue(t)));
    let consents: Vec<Consent> = s.store.all().unwrap();
    assert!(consents.iter().any(|c| {
        c.status(t) == ConsentStatus::Active
            && c.expires_on
                .is_some_and(|e| e >= t && e <= t + TimeDelta::days(30))
    }));
    let soon = s.store.dated(t, t + TimeDelta::days(14)).unwrap();
    assert!(soon.iter().any(|(_, id)| id.kind == Kind::Event));
}

// --- seed_scale ------------------------------------------------------------------------

fn scale_store(after_demo: bool, n: usize) -> (tempfile::TempDir, SledStore, demo::Summary) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    if after_demo {
        demo::seed(&store, today()).unwrap();
    }
    let mut calls = vec![];
    let summary =
        demo::seed_scale(&store, n, &mut |done, total| calls.push((done, total))).unwrap();
    assert_eq!(calls.last(), Some(&(n, n)));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
    (dir, store, summary)
}

#[test]
fn seed_scale_counts_determinism_and_check() {
    const N: usize = 2000;
    let (_d1, s1, sum1) = scale_store(false, N);
    let (_d2, s2, sum2) = scale_store(false, N);
    assert_eq!(sum1, sum2);
    assert_eq!(sum1.count(Kind::Case), N);
    assert_eq!(sum1.count(Kind::Body), N / 10);
    assert_eq!(sum1.count(Kind::Person), N + N / 2);
    assert!((N..=3 * N).contains(&sum1.count(Kind::Referral)));
    assert!((N..=3 * N).contains(&sum1.count(Kind::TrustNote)));
    assert!((N * 8 / 10..=N).contains(&sum1.count(Kind::Event)));
    assert!(sum1.count(Kind::Affiliation) >= N / 2);
    assert!(sum1.count(Kind::Partnership) == N / 20);
    // The store holds exactly what the summary says.
    let report = s1.check().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    for (kind, n) in report.counts {
        assert_eq!(n, sum1.count(kind), "{kind:?}");
    }
    // Same ids, same names, same everything.
    let all1 = s1.everything().unwrap();
    let all2 = s2.everything().unwrap();
    assert_eq!(all1.len(), all2.len());
    assert!(all1 == all2, "two fresh stores differ");
    // Japanese names with readings.
    let people: Vec<Person> = s1.all().unwrap();
    assert!(
        people
            .iter()
            .all(|p| p.reading.as_deref().is_some_and(is_reading))
    );
    let cases: Vec<Case> = s1.all().unwrap();
    assert!(
        cases
            .iter()
            .all(|c| c.reading.as_deref().is_some_and(is_reading))
    );
    // Streamed: each import was one batch of at most a thousand records.
    let batches: Vec<usize> = s1
        .audit_trail()
        .unwrap()
        .iter()
        .filter_map(|e| {
            e.text(triad::i18n::Lang::En)
                .strip_prefix("imported ")?
                .strip_suffix(" records")?
                .parse()
                .ok()
        })
        .collect();
    assert!(batches.len() > 10);
    assert!(batches.iter().all(|n| *n <= 1000), "{batches:?}");
}

#[test]
fn seed_scale_after_seed_continues_the_ids() {
    let (_d, st, sum) = scale_store(true, 300);
    let demo_cases = demo::scenarios(today())
        .iter()
        .filter(|r| r.kind() == Kind::Case)
        .count();
    let cases: Vec<Case> = st.all().unwrap();
    assert_eq!(cases.len(), demo_cases + 300);
    assert_eq!(sum.count(Kind::Case), 300);
    // The demo's cases keep their ids; synthetic ones follow.
    assert!(cases[0].title.starts_with("熊本"));
    assert_eq!(
        cases[demo_cases].id,
        Id::new(Kind::Case, demo_cases as u64 + 1)
    );
    let report = st.check().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // And it runs again on top, standalone numbering picking up after.
    let more = demo::seed_scale(&st, 50, &mut |_, _| {}).unwrap();
    assert_eq!(more.count(Kind::Case), 50);
    assert!(st.check().unwrap().problems.is_empty());
    let all: Vec<Record> = st.everything().unwrap();
    let ids: HashSet<Id> = all.iter().map(|r| r.id()).collect();
    assert_eq!(ids.len(), all.len());
}

#[test]
fn every_sent_demo_referral_records_its_provision() {
    let s = seeded();
    let consents: Vec<Consent> = s.store.all().unwrap();
    let cases: Vec<Case> = s.store.all().unwrap();
    let (mut under_consent, mut overridden) = (0, 0);
    for r in s.store.all::<Referral>().unwrap() {
        if r.sent_on().is_none() {
            assert!(r.provision().is_none(), "{}", r.id);
            continue;
        }
        let p = r
            .provision()
            .unwrap_or_else(|| panic!("{} has no provision", r.id));
        assert_eq!(p.to, r.to);
        assert_eq!(Some(p.on), r.sent_on());
        match &p.basis {
            triad::model::ProvisionBasis::Consent { consent } => {
                // The consent the gate would have found on that day.
                let client = cases.iter().find(|c| c.id == r.case).unwrap().client;
                let found =
                    triad::model::consent_basis(&consents, r.case, client, r.to, p.on).unwrap();
                assert_eq!(found.id, *consent, "{}", r.id);
                under_consent += 1;
            }
            triad::model::ProvisionBasis::Override { reason } => {
                assert!(!reason.trim().is_empty());
                overridden += 1;
            }
        }
    }
    assert!(
        under_consent > 0,
        "some demo referrals went under a consent"
    );
    println!("demo: {under_consent} sent under a consent, {overridden} by override");
}
