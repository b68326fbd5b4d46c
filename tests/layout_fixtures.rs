//! Writes the layout fixtures (tests/fixtures/layout*-store and their
//! expected exports): a small demo subset stored the way each released
//! build placed records in its trees. Run by hand only, when a layout is
//! added: `cargo test --test layout_fixtures -- --ignored`.
//!
//! - layout 1: before the supporters' kinds; events in `events`, no
//!   trees for courses, enrolments, contacts, supervisions, check-ins.
//! - layout 2: every kind, but events in `courses` and courses in
//!   `events` (a positional table that disagreed with `Kind::ALL`).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use triad::exchange;
use triad::model::{Id, Kind, Record};
use triad::store::{SledStore, Store};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

const SUPPORTERS: [Kind; 5] = [
    Kind::Course,
    Kind::Enrolment,
    Kind::Contact,
    Kind::Supervision,
    Kind::CheckIn,
];

/// Two records of each kind and everything they refer to.
fn subset(all: &[Record], kinds: &[Kind]) -> Vec<Record> {
    let by_id: BTreeMap<Id, &Record> = all.iter().map(|r| (r.id(), r)).collect();
    let mut want: Vec<Id> = Vec::new();
    for k in kinds {
        want.extend(by_id.keys().filter(|id| id.kind == *k).take(2));
    }
    let mut keep: HashSet<Id> = HashSet::new();
    while let Some(id) = want.pop() {
        if keep.insert(id) {
            want.extend(by_id[&id].references());
        }
    }
    let mut out: Vec<Record> = all
        .iter()
        .filter(|r| keep.contains(&r.id()))
        .filter(|r| kinds.contains(&r.kind()))
        .cloned()
        .collect();
    // Nothing may refer outside the set (a layout-1 store had no courses).
    let ids: HashSet<Id> = out.iter().map(|r| r.id()).collect();
    out.retain(|r| r.references().iter().all(|x| ids.contains(x)));
    out.sort_by_key(|r| (Kind::ALL.iter().position(|k| *k == r.kind()), r.id().num));
    out
}

fn old_tree(layout: u32, kind: Kind) -> &'static str {
    match (layout, kind) {
        (2, Kind::Event) => "courses",
        (2, Kind::Course) => "events",
        _ => kind.plural(),
    }
}

fn write(layout: u32, records: Vec<Record>) {
    let dir = Path::new(FIXTURES).join(format!("layout{layout}-store"));
    let _ = std::fs::remove_dir_all(&dir);
    let tmp = tempfile::tempdir().unwrap();
    let store_dir = tmp.path().join("store");
    {
        let store = SledStore::open(&store_dir).unwrap();
        store.import(records.clone(), &mut |_, _| {}).unwrap();
    }
    // Place every record where that build put it, whatever today's does.
    let db = (0..100)
        .find_map(|_| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            sled::open(store_dir.join("db")).ok()
        })
        .unwrap();
    let mut found = Vec::new();
    for kind in Kind::ALL {
        let tree = db.open_tree(kind.plural()).unwrap();
        for item in tree.iter() {
            let (k, v) = item.unwrap();
            let rec: Record = serde_json::from_slice(&v).unwrap();
            found.push((rec.kind(), k.to_vec(), v.to_vec()));
        }
        tree.clear().unwrap();
    }
    for (kind, k, v) in found {
        db.open_tree(old_tree(layout, kind))
            .unwrap()
            .insert(k, v)
            .unwrap();
    }
    let meta = db.open_tree("meta").unwrap();
    meta.remove("layout").unwrap();
    meta.remove("store_id").unwrap();
    meta.remove("store_home").unwrap();
    if layout == 1 {
        for k in SUPPORTERS {
            db.drop_tree(k.plural()).unwrap();
        }
    }
    db.flush().unwrap();
    drop(db);
    std::thread::sleep(std::time::Duration::from_millis(200));
    std::fs::create_dir_all(dir.join("db")).unwrap();
    for e in std::fs::read_dir(store_dir.join("db")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            // sled's (empty) blobs directory.
            assert_eq!(std::fs::read_dir(e.path()).unwrap().count(), 0);
            continue;
        }
        std::fs::copy(e.path(), dir.join("db").join(e.file_name())).unwrap();
    }
    std::fs::write(
        Path::new(FIXTURES).join(format!("export-layout{layout}.json")),
        exchange::to_json(records),
    )
    .unwrap();
}

#[test]
#[ignore = "writes the committed fixtures; run by hand"]
fn write_layout_fixtures() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let all = triad::demo::scenarios(today);
    let before: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|k| !SUPPORTERS.contains(k))
        .collect();
    let one = subset(&all, &before);
    assert!(one.iter().any(|r| r.kind() == Kind::Event));
    write(1, one);
    let two = subset(&all, &Kind::ALL);
    for k in [Kind::Event, Kind::Course, Kind::Enrolment, Kind::CheckIn] {
        assert!(two.iter().any(|r| r.kind() == k), "{k:?}");
    }
    write(2, two);
}
