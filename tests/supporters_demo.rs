//! The demo's peer supporters, checked through the Store, and workload
//! figures against counts made here, independently, over the JSON export of
//! the real binary.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

use chrono::{Days, NaiveDate};
use serde_json::Value;
use triad::model::workload::{Flag, Thresholds, flags};
use triad::model::*;
use triad::query::supporters::{supporter_rows, workloads};
use triad::store::{Scope, SledStore, StoreExt};

fn today() -> Date {
    chrono::Local::now().date_naive()
}

fn demo() -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open_as(&dir.path().join("store"), "owner").unwrap();
    triad::demo::seed(&store, today()).unwrap();
    (dir, store)
}

fn person(store: &SledStore, name: &str) -> Person {
    store
        .all::<Person>()
        .unwrap()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} in the demo"))
}

fn ymd(y: i32, m: u32, d: u32) -> Date {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn gunmas_five_trainees_take_the_course_with_a_certificate_each_year() {
    let (_d, store) = demo();
    let courses = store.all::<Course>().unwrap();
    let centre = store
        .all::<Body>()
        .unwrap()
        .into_iter()
        .find(|b| b.name == "群馬県難病相談支援センター")
        .unwrap();
    let gunma: Vec<&Course> = courses
        .iter()
        .filter(|c| c.provider == Some(centre.id))
        .collect();
    assert_eq!(gunma.len(), 2, "{gunma:?}");
    let basic = gunma
        .iter()
        .find(|c| c.level == CourseLevel::Basic)
        .unwrap();
    let applied = gunma
        .iter()
        .find(|c| c.level == CourseLevel::Applied)
        .unwrap();
    assert_eq!(applied.follows, Some(basic.id), "basic comes first");
    assert_eq!(basic.started, ymd(2023, 5, 13));
    assert_eq!(applied.ended, Some(ymd(2024, 12, 14)));
    // Every session of the course is an event that names the course.
    let sessions = |c: Id| {
        store
            .all::<Event>()
            .unwrap()
            .into_iter()
            .filter(|e| e.course == Some(c) && e.kind == EventKind::Training)
            .count()
    };
    assert_eq!(sessions(basic.id), 9);
    assert_eq!(sessions(applied.id), 10);
    assert!((8..=11).contains(&sessions(basic.id)) && (8..=11).contains(&sessions(applied.id)));

    let enrolments = store.all::<Enrolment>().unwrap();
    let scope = Scope::owner("owner");
    let rows = supporter_rows(&store, &scope, today()).unwrap();
    let trainees = [
        "高橋 直子",
        "斎藤 隆",
        "井上 明美",
        "清水 洋平",
        "山口 順子",
    ];
    for name in trainees {
        let p = person(&store, name);
        for (course, year) in [(basic.id, 2023), (applied.id, 2024)] {
            let e = enrolments
                .iter()
                .find(|e| e.person == p.id && e.course == course)
                .unwrap_or_else(|| panic!("{name} on {course}"));
            assert_eq!(
                e.certificates.iter().map(|c| c.year).collect::<Vec<_>>(),
                vec![year],
                "{name}"
            );
            assert!(e.completed_on.is_some());
        }
        let row = rows.iter().find(|r| r.person.id == p.id).unwrap();
        let attended: Vec<u32> = row.trainings.iter().map(|t| t.attended).collect();
        assert_eq!(attended, vec![9, 10], "{name} attended every session");
    }
    let with_cert = enrolments.iter().filter(|e| e.course == basic.id).count();
    assert_eq!(with_cert, 5, "five trainees");
}

#[test]
fn one_supporter_is_resting_and_one_is_over_capacity() {
    let (_d, store) = demo();
    let people = store.all::<Person>().unwrap();
    let resting: Vec<&str> = people
        .iter()
        .filter(|p| {
            p.supporter
                .as_ref()
                .is_some_and(|s| s.status == SupporterStatus::Resting)
        })
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(resting, vec!["清水 洋平"]);
    let scope = Scope::owner("owner");
    let t = Thresholds::default();
    let over: Vec<String> = supporter_rows(&store, &scope, today())
        .unwrap()
        .into_iter()
        .filter(|r| {
            flags(&r.workload, &t, today())
                .iter()
                .any(|f| matches!(f, Flag::OverCapacity { .. }))
        })
        .map(|r| r.person.name)
        .collect();
    assert_eq!(over, vec!["平野 大樹".to_string()]);
}

#[test]
fn the_mental_health_supporters_are_of_three_kinds_with_their_own_skills() {
    let (_d, store) = demo();
    let yokohama = [
        "佐野 美香",
        "今井 健太",
        "野口 裕子",
        "杉山 悟",
        "平野 大樹",
        "丸山 恵",
    ];
    let people: Vec<Person> = yokohama.iter().map(|n| person(&store, n)).collect();
    let kinds: BTreeSet<String> = people
        .iter()
        .map(|p| format!("{:?}", p.peer_kind.expect("a peer kind")))
        .collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    let skills: BTreeSet<&str> = people.iter().map(|p| p.skills.as_str()).collect();
    assert_eq!(skills.len(), people.len(), "each with their own skills");
    assert!(people.iter().all(|p| p.supporter.is_some()));
}

#[test]
fn an_employment_group_talk_series_runs_at_a_work_transition_office_with_staff() {
    let (_d, store) = demo();
    let office = store
        .all::<Body>()
        .unwrap()
        .into_iter()
        .find(|b| b.kind == BodyKind::EmploymentSupport && b.name.contains("就労移行"))
        .expect("a work-transition office");
    let talks: Vec<Event> = store
        .referring::<Event>(office.id)
        .unwrap()
        .into_iter()
        .filter(|e| e.title.contains("グループトーク"))
        .collect();
    assert!(talks.len() >= 6, "{talks:?}");
    for e in &talks {
        let staff = e.parties.iter().any(|p| {
            store
                .get_as::<Person>(*p)
                .unwrap()
                .is_some_and(|p| p.roles.contains(&Role::EmploymentSupporter))
        });
        let peer = e.parties.iter().any(|p| {
            store
                .get_as::<Person>(*p)
                .unwrap()
                .is_some_and(|p| p.roles.contains(&Role::PeerSupporter))
        });
        assert!(staff && peer, "{} has staff and a peer supporter", e.title);
    }
    let group_talks = store
        .all::<Contact>()
        .unwrap()
        .into_iter()
        .filter(|c| c.kind == ContactKind::GroupTalk)
        .count();
    assert_eq!(
        group_talks,
        talks.len(),
        "each talk is a contact of its leader"
    );
}

// ------------------------------------------------- workload vs the export

fn triad(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_triad"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env_remove("TRIAD_STORE")
        .output()
        .unwrap()
}

/// Per supporter: (active cases, contacts in 30 days, minutes in 30 days,
/// last supervision), counted over the export's JSON by hand.
fn counted(records: &[Value], today: Date) -> BTreeMap<String, (u32, u32, u32, Option<String>)> {
    let first = today.checked_sub_days(Days::new(29)).unwrap();
    let of = |t: &'static str| records.iter().filter(move |r| r["type"] == t);
    let mut out = BTreeMap::new();
    for p in of("person") {
        let roles = p["roles"].as_array().unwrap();
        if !roles.iter().any(|r| r == "peer_supporter") && p.get("supporter").is_none() {
            continue;
        }
        let id = p["id"].as_str().unwrap();
        let active = of("case")
            .filter(|c| c["status"] != "closed")
            .filter(|c| {
                c["parties"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x["party"] == id && x["until"].is_null())
            })
            .count();
        let recent: Vec<&Value> = of("contact")
            .filter(|c| c["supporter"] == id)
            .filter(|c| {
                let on: Date = c["on"].as_str().unwrap().parse().unwrap();
                first <= on && on <= today
            })
            .collect();
        let minutes: u64 = recent.iter().map(|c| c["minutes"].as_u64().unwrap()).sum();
        let last = of("supervision")
            .filter(|s| s["supporters"].as_array().unwrap().iter().any(|x| x == id))
            .filter_map(|s| s["on"].as_str().map(str::to_string))
            .filter(|on| on.as_str() <= today.to_string().as_str())
            .max();
        out.insert(
            id.to_string(),
            (active as u32, recent.len() as u32, minutes as u32, last),
        );
    }
    out
}

#[test]
fn workload_figures_equal_counts_over_the_json_export() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let out = triad(&store, &["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = tmp.path().join("export.json");
    let out = triad(
        &store,
        &[
            "export",
            "--format",
            "json",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let records = v["records"].as_array().unwrap();
    let today = today();
    let expected = counted(records, today);
    assert!(expected.len() > 10, "the demo has supporters");
    assert!(
        expected.values().any(|(_, n, _, _)| *n > 5),
        "some supporter has contacts this month"
    );

    // The app's figures, from the same records in a store of their own.
    let fresh = SledStore::open_as(&tmp.path().join("fresh"), "owner").unwrap();
    triad::exchange::import(&fresh, &text, &mut |_, _| {}).unwrap();
    let got: BTreeMap<String, (u32, u32, u32, Option<String>)> =
        workloads(&fresh, &Scope::owner("owner"), today)
            .unwrap()
            .into_iter()
            .map(|w| {
                (
                    w.supporter.to_string(),
                    (
                        w.active_cases(),
                        w.contacts_30,
                        w.minutes_30,
                        w.last_supervision.map(|d| d.to_string()),
                    ),
                )
            })
            .collect();
    assert_eq!(got, expected);
}
