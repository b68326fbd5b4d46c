//! The sled store: writes, indexes, audit, permissions, imports refused whole.

use std::os::unix::fs::PermissionsExt;

use triad::exchange;
use triad::model::*;
use triad::store::{SledStore, Store, StoreError, StoreExt};

mod common;
use common::*;

fn fresh() -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open_as(&dir.path().join("store"), "tester").unwrap();
    (dir, store)
}

fn no_progress() -> impl FnMut(usize, usize) {
    |_, _| {}
}

#[test]
fn store_directory_is_owner_only() {
    let (dir, _store) = fresh();
    let mode = |p: std::path::PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let store = dir.path().join("store");
    assert_eq!(mode(store.clone()), 0o700);
    assert_eq!(mode(store.join("db")), 0o700);
    assert_eq!(mode(store.join("db").join("conf")), 0o600);
}

#[test]
fn create_assigns_ids_indexes_references_and_audits() {
    let (_d, store) = fresh();
    let b = store.create(body(0, "保健所", Sector::Government)).unwrap();
    let b2 = store.create(body(0, "病院", Sector::Medical)).unwrap();
    assert_eq!(b.id().to_string(), "B-0001");
    assert_eq!(b2.id().to_string(), "B-0002");
    let c = store
        .create(case(0, "相談", None, &[(b.id(), Sector::Government)]))
        .unwrap();
    assert_eq!(store.referrers(b.id()).unwrap(), vec![c.id()]);
    let r = store.create(referral(0, c.id(), b.id(), b2.id())).unwrap();
    let follow = day(2024, 3, 1);
    assert_eq!(store.dated(follow, follow).unwrap(), vec![(follow, r.id())]);
    let mut refs = store.referrers(c.id()).unwrap();
    refs.sort();
    assert_eq!(refs, vec![r.id()]);
    let trail = store.audit_trail().unwrap();
    assert_eq!(trail.len(), 4);
    assert!(
        trail
            .iter()
            .all(|e| e.user == "tester" && e.action == AuditAction::Create)
    );
    assert_eq!(trail[3].entity, Some(r.id()));
    assert!(store.check().unwrap().problems.is_empty());
}

#[test]
fn update_moves_index_entries_and_delete_is_refused_while_referenced() {
    let (_d, store) = fresh();
    store.import(small_set(), &mut no_progress()).unwrap();
    let rid = Id::new(Kind::Referral, 1);
    let mut r: Referral = store.get_as(rid).unwrap().unwrap();
    r.follow_up = Some(day(2025, 1, 1));
    r.to = Id::new(Kind::Body, 1);
    store.update(Record::Referral(r)).unwrap();
    assert!(
        store
            .dated(day(2024, 3, 1), day(2024, 3, 1))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.dated(day(2025, 1, 1), day(2025, 1, 1)).unwrap().len(),
        1
    );
    assert!(
        !store
            .referrers(Id::new(Kind::Body, 2))
            .unwrap()
            .contains(&rid)
    );
    assert!(
        store
            .referrers(Id::new(Kind::Body, 1))
            .unwrap()
            .contains(&rid)
    );
    assert!(matches!(
        store.delete(Id::new(Kind::Case, 1)),
        Err(StoreError::InUse { .. })
    ));
    store.delete(rid).unwrap();
    store.delete(Id::new(Kind::Person, 2)).unwrap();
    assert!(store.get(rid).unwrap().is_none());
    assert!(store.check().unwrap().problems.is_empty());
}

#[test]
fn writes_with_dangling_references_or_bad_fields_are_refused() {
    let (_d, store) = fresh();
    let ghost = Id::new(Kind::Body, 99);
    let err = store
        .create(case(0, "x", None, &[(ghost, Sector::Medical)]))
        .unwrap_err();
    assert!(matches!(err, StoreError::Dangling { missing, .. } if missing == ghost));
    let err = store
        .create(body(0, "evil\u{1b}[2J", Sector::Medical))
        .unwrap_err();
    assert!(err.to_string().contains("control character"), "{err}");
    assert!(store.everything().unwrap().is_empty());
    assert!(store.audit_trail().unwrap().is_empty());
}

#[test]
fn a_second_open_of_a_held_store_fails_clearly() {
    let (dir, _store) = fresh();
    let err = SledStore::open(&dir.path().join("store"))
        .err()
        .expect("second open must fail");
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Locked(_)));
    assert!(
        msg.contains("another triad is using") && msg.contains("triad serve"),
        "{msg}"
    );
}

#[test]
fn export_import_export_is_byte_identical() {
    let (_d, store) = fresh();
    store.import(small_set(), &mut no_progress()).unwrap();
    let first = exchange::to_json(exchange::collect(&store, None, None).unwrap().0);
    let (_d2, other) = fresh();
    exchange::import(&other, &first, &mut no_progress()).unwrap();
    let second = exchange::to_json(exchange::collect(&other, None, None).unwrap().0);
    assert_eq!(first, second);
    assert!(first.contains("\"B-0003\""));
}

#[test]
fn a_large_import_is_batched_and_round_trips() {
    // More than one batch, so the pending-import path is exercised.
    let (_d, store) = fresh();
    let mut recs: Vec<Record> = (1..=2500)
        .map(|n| body(n, &format!("団体{n}"), Sector::Medical))
        .collect();
    recs.push(case(
        1,
        "大きな輸入",
        None,
        &[(Id::new(Kind::Body, 2500), Sector::Medical)],
    ));
    let mut calls = Vec::new();
    store.import(recs, &mut |d, t| calls.push((d, t))).unwrap();
    assert_eq!(calls.last(), Some(&(2501, 2501)));
    assert!(calls.len() >= 3, "progress reported per batch: {calls:?}");
    let report = store.check().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(store.all::<Body>().unwrap().len(), 2500);
    // The counter moved past imported ids.
    let b = store
        .create(body(0, "新しい団体", Sector::Medical))
        .unwrap();
    assert_eq!(b.id(), Id::new(Kind::Body, 2501));
}

/// Each bad file is refused with its reason, and the store is unchanged.
#[test]
fn bad_imports_are_rejected_with_reason_and_change_nothing() {
    let (_d, store) = fresh();
    store.import(small_set(), &mut no_progress()).unwrap();
    let before = exchange::to_json(exchange::collect(&store, None, None).unwrap().0);
    let good: serde_json::Value = serde_json::from_str(&before).unwrap();
    let with = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = good.clone();
        edit(&mut v);
        v.to_string()
    };
    // The same records renumbered (ids and references), so they do not
    // collide with the store's own.
    let renumbered: serde_json::Value =
        serde_json::from_str(&before.replace("-000", "-100")).unwrap();
    let fresh_set = |edit: &dyn Fn(&mut Vec<serde_json::Value>)| {
        let mut v = renumbered.clone();
        edit(v["records"].as_array_mut().unwrap());
        v.to_string()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "malformed",
            "{\"format\": \"triad-export\", \"records\": [".into(),
            "not JSON at line 1",
        ),
        ("not an export", "[1, 2]".into(), "not a triad export"),
        (
            "wrong format tag",
            with(&|v| v["format"] = "other".into()),
            "not a triad export",
        ),
        (
            "wrong type",
            with(&|v| v["records"][0]["sector"] = 7.into()),
            "record 0 (B-0001)",
        ),
        (
            "unknown body kind",
            with(&|v| v["records"][1]["kind"] = "spaceship".into()),
            "record 1 (B-0002)",
        ),
        (
            "unknown record type",
            with(&|v| v["records"][2]["type"] = "spaceship".into()),
            "record 2 (B-0003)",
        ),
        (
            "bad id",
            with(&|v| v["records"][0]["id"] = "Q-1".into()),
            "record 0",
        ),
        (
            "duplicate with the store",
            before.clone(),
            "B-0001 already exists",
        ),
        (
            "duplicate within the file",
            fresh_set(&|recs| {
                let dup = recs[0].clone();
                recs.push(dup);
            }),
            "B-1001 appears twice in the file",
        ),
        (
            "dangling reference",
            fresh_set(&|recs| recs.retain(|r| r["id"] != "B-1002")),
            "refers to B-1002, which does not exist",
        ),
        (
            "invalid field",
            fresh_set(&|recs| recs[0]["name"] = "bad\u{1b}]0;title\u{7}".into()),
            "control character",
        ),
    ];
    assert!(
        exchange::parse(&fresh_set(&|_| {})).is_ok(),
        "the renumbered set itself is good"
    );
    for (what, text, expect) in cases {
        let err = exchange::import(&store, &text, &mut no_progress()).expect_err(what);
        assert!(err.to_string().contains(expect), "{what}: {err}");
        let after = exchange::to_json(exchange::collect(&store, None, None).unwrap().0);
        assert_eq!(after, before, "{what} changed the store");
    }
    // The audit trail records only the one good import.
    assert_eq!(store.audit_trail().unwrap().len(), 1);
}

#[test]
fn case_export_is_self_contained() {
    let (_d, store) = fresh();
    store.import(small_set(), &mut no_progress()).unwrap();
    let subset = exchange::collect(&store, Some(Id::new(Kind::Case, 1)), None)
        .unwrap()
        .0;
    let ids: Vec<String> = subset.iter().map(|r| r.id().to_string()).collect();
    // Person P-0002 has nothing to do with the case.
    assert_eq!(
        ids,
        ["B-0001", "B-0002", "B-0003", "P-0001", "C-0001", "R-0001"]
    );
    let (_d2, other) = fresh();
    other.import(subset, &mut no_progress()).unwrap();
    assert!(other.check().unwrap().problems.is_empty());
}
