//! `check` beside writes: it reads one consistent moment of the store, so
//! writes in flight (seals, audit entries and index entries moving on) are
//! never reported as tampering; a real change behind triad's back still is.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use triad::model::{AuditAction, Id, Kind, Person, Record};
use triad::store::{SledStore, Store, StoreExt};

#[test]
fn check_beside_concurrent_writes_reports_nothing_but_a_real_tamper() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = Arc::new(SledStore::open_as(&dir, "sato").unwrap());
    store.import(common::small_set(), &mut |_, _| {}).unwrap();
    assert!(store.check().unwrap().problems.is_empty());
    let people: Vec<Person> = store
        .all::<Person>()
        .unwrap()
        .into_iter()
        .take(20)
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (store, stop, writes) = (store.clone(), stop.clone(), writes.clone());
            let people = people.clone();
            std::thread::spawn(move || {
                let mut round = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    round += 1;
                    if w == 0 {
                        // Imports and deletes: seals come and go, refs with them.
                        let num = 900 + u64::from(round);
                        let (b2, b3) = (Id::new(Kind::Body, 2), Id::new(Kind::Body, 3));
                        let r = common::referral(num, Id::new(Kind::Case, 1), b3, b2);
                        let id = r.id();
                        store.import(vec![r], &mut |_, _| {}).unwrap();
                        store.delete(id).unwrap();
                        writes.fetch_add(2, Ordering::Relaxed);
                    } else {
                        for p in &people {
                            let mut q: Person = store.get_as(p.id).unwrap().unwrap();
                            q.skills = format!("round {round}");
                            store.update(Record::Person(q)).unwrap();
                            store
                                .log(
                                    AuditAction::View,
                                    Some(p.id),
                                    triad::model::Summary::Viewed {
                                        view: triad::model::View::Party,
                                    },
                                )
                                .unwrap();
                            writes.fetch_add(2, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    let mut problems = Vec::new();
    let mut runs = 0;
    // Enough runs to overlap many writes (the issue saw 19 false alarms in 24).
    while runs < 30 || writes.load(Ordering::Relaxed) < 100 {
        runs += 1;
        problems.extend(store.check().unwrap().problems);
    }
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    assert!(writes.load(Ordering::Relaxed) >= 100);
    assert!(
        problems.is_empty(),
        "{runs} checks beside writes: {problems:?}"
    );
    assert!(store.check().unwrap().problems.is_empty());
    // A real change behind triad's back is still found.
    let id = people[0].id;
    drop(Arc::into_inner(store).unwrap());
    {
        let db = (0..100)
            .find_map(|_| {
                std::thread::sleep(std::time::Duration::from_millis(20));
                sled::open(dir.join("db")).ok()
            })
            .unwrap();
        let tree = db.open_tree(Kind::Person.tree_name()).unwrap();
        let key = id.num.to_be_bytes();
        let mut rec: Record = serde_json::from_slice(&tree.get(key).unwrap().unwrap()).unwrap();
        if let Record::Person(p) = &mut rec {
            p.skills = "changed behind triad's back".into();
        }
        tree.insert(key, serde_json::to_vec(&rec).unwrap()).unwrap();
        db.flush().unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let store = SledStore::open_as(&dir, "sato").unwrap();
    let problems = store.check().unwrap().problems;
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&id.to_string()) && p.contains("outside triad")),
        "{problems:?}"
    );
}
