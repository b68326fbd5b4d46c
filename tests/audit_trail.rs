//! The audit trail can be trusted: entries are hash-chained and records
//! sealed, so `check` finds an entry changed, removed or slipped in, and a
//! record rewritten behind triad's back, by editing sled's trees directly.

mod common;

use std::path::Path;

use common::{day, small_set};
use triad::model::*;
use triad::store::{Change, SledStore, Store};

/// A store with a few changes, closed; its directory.
fn written() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = SledStore::open_as(&dir, "sato").unwrap();
    store.import(small_set(), &mut |_, _| {}).unwrap();
    let mut p: Person = store.get_as(Id::new(Kind::Person, 2)).unwrap().unwrap();
    p.skills = "listening".into();
    store.update(Record::Person(p)).unwrap();
    store
        .apply(vec![Change::Append(Intent::CaseStatus {
            case: Id::new(Kind::Case, 1),
            status: CaseStatus::Monitoring,
            on: day(2024, 6, 1),
            note: String::new(),
        })])
        .unwrap();
    store
        .log(
            AuditAction::Export,
            None,
            triad::model::Summary::Exported {
                records: 3,
                left_out: 0,
            },
        )
        .unwrap();
    assert!(problems(&store).is_empty(), "{:?}", problems(&store));
    drop(store);
    (tmp, dir)
}

use triad::store::StoreExt;

fn problems(store: &SledStore) -> Vec<String> {
    store.check().unwrap().problems
}

/// Edits sled's trees directly, as someone with the files could.
fn behind_triads_back(dir: &Path, edit: impl FnOnce(&sled::Db)) {
    let db = sled::open(dir.join("db")).unwrap();
    edit(&db);
    db.flush().unwrap();
    drop(db);
}

fn check(dir: &Path) -> Vec<String> {
    let store = SledStore::open_as(dir, "sato").unwrap();
    problems(&store)
}

fn entry(db: &sled::Db, seq: u64) -> AuditEntry {
    let v = db
        .open_tree("audit")
        .unwrap()
        .get(seq.to_be_bytes())
        .unwrap()
        .unwrap();
    serde_json::from_slice(&v).unwrap()
}

fn put(db: &sled::Db, e: &AuditEntry) {
    db.open_tree("audit")
        .unwrap()
        .insert(e.seq.to_be_bytes(), serde_json::to_vec(e).unwrap())
        .unwrap();
}

fn says(problems: &[String], what: &str) -> bool {
    problems.iter().any(|p| p.contains(what))
}

#[test]
fn every_entry_is_chained_to_the_one_before() {
    let (_t, dir) = written();
    let store = SledStore::open_as(&dir, "sato").unwrap();
    let trail = store.audit_trail().unwrap();
    assert!(trail.len() >= 4);
    assert_eq!(trail[0].prev, "");
    for pair in trail.windows(2) {
        assert_eq!(pair[1].prev, pair[0].hash);
        assert_eq!(pair[1].seq, pair[0].seq + 1);
    }
    for e in &trail {
        assert_eq!(e.hash, e.compute_hash());
        assert_eq!(e.user, "sato");
    }
}

#[test]
fn a_tampered_entry_is_found() {
    let (_t, dir) = written();
    behind_triads_back(&dir, |db| {
        let mut e = entry(db, 2);
        e.user = "nobody".into();
        put(db, &e);
    });
    let p = check(&dir);
    assert!(says(&p, "audit entry #2 was changed"), "{p:?}");
}

#[test]
fn a_tampered_entry_with_its_hash_redone_breaks_the_next_link() {
    let (_t, dir) = written();
    behind_triads_back(&dir, |db| {
        let mut e = entry(db, 2);
        e.summary = "nothing happened".into();
        e.hash = e.compute_hash();
        put(db, &e);
    });
    let p = check(&dir);
    assert!(says(&p, "audit entry #3 does not follow #2"), "{p:?}");
}

#[test]
fn a_deleted_entry_is_found() {
    let (_t, dir) = written();
    behind_triads_back(&dir, |db| {
        db.open_tree("audit")
            .unwrap()
            .remove(2u64.to_be_bytes())
            .unwrap();
    });
    let p = check(&dir);
    assert!(says(&p, "#2–#2 are missing"), "{p:?}");
}

#[test]
fn the_last_entry_deleted_is_found() {
    let (_t, dir) = written();
    let last = {
        let store = SledStore::open_as(&dir, "sato").unwrap();
        store.audit_trail().unwrap().last().unwrap().seq
    };
    behind_triads_back(&dir, |db| {
        db.open_tree("audit")
            .unwrap()
            .remove(last.to_be_bytes())
            .unwrap();
    });
    let p = check(&dir);
    assert!(says(&p, "are missing (deleted)"), "{p:?}");
}

#[test]
fn an_inserted_entry_is_found() {
    let (_t, dir) = written();
    // A forged entry slipped in between #2 and #3, the rest renumbered.
    behind_triads_back(&dir, |db| {
        let tree = db.open_tree("audit").unwrap();
        let mut entries: Vec<AuditEntry> = tree
            .iter()
            .values()
            .map(|v| serde_json::from_slice(&v.unwrap()).unwrap())
            .collect();
        let mut forged = entries[1].clone();
        forged.summary = "viewed nothing".into();
        forged.prev = entries[1].hash.clone();
        forged.hash = forged.compute_hash();
        entries.insert(2, forged);
        for (i, e) in entries.iter_mut().enumerate() {
            e.seq = i as u64 + 1;
            put(db, e);
        }
    });
    let p = check(&dir);
    assert!(
        says(&p, "does not follow") || says(&p, "was changed"),
        "{p:?}"
    );
}

#[test]
fn a_record_rewritten_behind_triads_back_is_found() {
    let (_t, dir) = written();
    // A private note made shared, say: here a person's skills.
    behind_triads_back(&dir, |db| {
        let tree = db.open_tree("people").unwrap();
        let key = 2u64.to_be_bytes();
        let mut p: Person = match serde_json::from_slice(&tree.get(key).unwrap().unwrap()).unwrap()
        {
            Record::Person(p) => p,
            other => panic!("{other:?}"),
        };
        p.skills = "everything".into();
        tree.insert(key, serde_json::to_vec(&Record::Person(p)).unwrap())
            .unwrap();
    });
    let p = check(&dir);
    assert!(
        says(&p, "P-0002 does not match its latest audit entry"),
        "{p:?}"
    );
}

#[test]
fn a_record_and_its_seal_rewritten_together_are_found() {
    let (_t, dir) = written();
    behind_triads_back(&dir, |db| {
        let tree = db.open_tree("people").unwrap();
        let key = 1u64.to_be_bytes();
        let old = tree.get(key).unwrap().unwrap();
        let new = String::from_utf8(old.to_vec())
            .unwrap()
            .replace("山田花子", "山田太郎");
        tree.insert(key, new.as_bytes()).unwrap();
        // Reseal it as the import's entry, with the new bytes' hash.
        let seals = db.open_tree("seals").unwrap();
        let mut id = vec![b'P'];
        id.extend(1u64.to_be_bytes());
        let seal = seals.get(&id).unwrap().unwrap();
        use sha2::Digest;
        let hash = sha2::Sha256::digest(new.as_bytes());
        let value = [&seal[..8], &hash[..]].concat();
        seals.insert(id, value).unwrap();
    });
    let p = check(&dir);
    assert!(
        says(&p, "no longer add up"),
        "the entry that sealed it no longer adds up: {p:?}"
    );
}

#[test]
fn a_record_inserted_or_removed_behind_triads_back_is_found() {
    let (_t, dir) = written();
    behind_triads_back(&dir, |db| {
        let people = db.open_tree("people").unwrap();
        let mut stranger = common::person(9, "誰か");
        stranger.set_id(Id::new(Kind::Person, 9));
        people
            .insert(9u64.to_be_bytes(), serde_json::to_vec(&stranger).unwrap())
            .unwrap();
        // And the government office gone (its refs left alone: we only
        // look at what the seals say).
        db.open_tree("bodies")
            .unwrap()
            .remove(1u64.to_be_bytes())
            .unwrap();
    });
    let p = check(&dir);
    assert!(says(&p, "P-0009 has no audit entry"), "{p:?}");
    assert!(says(&p, "B-0001 was removed outside triad"), "{p:?}");
}

#[test]
fn updates_and_deletes_of_imported_records_still_add_up() {
    let (_t, dir) = written();
    let store = SledStore::open_as(&dir, "sato").unwrap();
    // R-0001 was sealed by the import's one entry; move it on, then delete
    // a record the same import sealed.
    let mut r: Referral = store.get_as(Id::new(Kind::Referral, 1)).unwrap().unwrap();
    r.outcome = "met".into();
    store.update(Record::Referral(r)).unwrap();
    store.delete(Id::new(Kind::Referral, 1)).unwrap();
    assert!(problems(&store).is_empty(), "{:?}", problems(&store));
}

#[test]
fn a_store_from_before_the_chain_is_sealed_as_it_is() {
    let (_t, dir) = written();
    // Strip the chain as an older triad would have left the store.
    behind_triads_back(&dir, |db| {
        db.drop_tree("seals").unwrap();
        let meta = db.open_tree("meta").unwrap();
        meta.remove("audit_head").unwrap();
        meta.remove("audit_chain_start").unwrap();
        let audit = db.open_tree("audit").unwrap();
        for item in audit.iter() {
            let (k, v) = item.unwrap();
            let mut e: serde_json::Value = serde_json::from_slice(&v).unwrap();
            for f in ["prev", "hash", "sealed", "released", "case"] {
                e.as_object_mut().unwrap().remove(f);
            }
            audit.insert(k, serde_json::to_vec(&e).unwrap()).unwrap();
        }
    });
    let store = SledStore::open_as(&dir, "sato").unwrap();
    assert!(problems(&store).is_empty(), "{:?}", problems(&store));
    let last = store.audit_trail().unwrap().pop().unwrap();
    assert_eq!(last.action, AuditAction::Seal);
}
