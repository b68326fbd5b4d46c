//! What the store refuses or protects: foreign directories, symlinks,
//! mistyped paths, rewritten history, notes the exporter may not read.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use triad::exchange;
use triad::model::*;
use triad::store::{SledStore, Store, StoreError, StoreExt};

mod common;
use common::*;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn set_mode(p: &Path, m: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
}

fn seeded() -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open_as(&dir.path().join("store"), "tester").unwrap();
    store.import(small_set(), &mut |_, _| {}).unwrap();
    (dir, store)
}

#[test]
fn a_loose_store_is_tightened_but_a_foreign_directory_is_refused_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    // An existing store someone loosened is made the owner's again.
    let store_dir = tmp.path().join("store");
    drop(SledStore::open(&store_dir).unwrap());
    set_mode(&store_dir, 0o755);
    set_mode(&store_dir.join("db").join("conf"), 0o644);
    drop(SledStore::open(&store_dir).unwrap());
    assert_eq!(mode(&store_dir), 0o700);
    assert_eq!(mode(&store_dir.join("db").join("conf")), 0o600);
    // A directory of other things (a home directory given by mistake) is
    // refused, and nothing in it changes.
    let home = tmp.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(home.join("notes.txt"), "x").unwrap();
    set_mode(&home, 0o755);
    set_mode(&home.join("notes.txt"), 0o644);
    let err = SledStore::open(&home).err().expect("refused");
    assert!(matches!(err, StoreError::NotAStore(_)), "{err}");
    assert_eq!((mode(&home), mode(&home.join("notes.txt"))), (0o755, 0o644));
    assert!(!home.join("db").exists());
}

#[test]
fn a_symlink_inside_the_store_is_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside.txt");
    std::fs::write(&outside, "x").unwrap();
    set_mode(&outside, 0o644);
    let dir = tmp.path().join("store");
    drop(SledStore::open(&dir).unwrap());
    std::os::unix::fs::symlink(&outside, dir.join("db").join("link")).unwrap();
    // Refused outright (sled would follow a link named like its files).
    let err = SledStore::open(&dir).err().expect("refused");
    assert!(matches!(err, StoreError::UnsafePath { .. }), "{err}");
    assert_eq!(mode(&outside), 0o644);
}

#[test]
fn open_existing_does_not_create_a_store() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("typo");
    let err = SledStore::open_existing(&dir)
        .err()
        .expect("no store there");
    assert!(err.to_string().contains("there is no triad store"), "{err}");
    assert!(!dir.exists());
}

#[test]
fn the_store_refuses_to_rewrite_history() {
    let (_d, store) = seeded();
    let rid = Id::new(Kind::Referral, 1);
    let mut r: Referral = store.get_as(rid).unwrap().unwrap();
    // Cancelled: a sent step comes only through the consent gate.
    r.advance(ReferralStatus::Cancelled, day(2024, 2, 2), "peer", "")
        .unwrap();
    store.update(Record::Referral(r.clone())).unwrap();
    let mut rewound = r.clone();
    rewound.history.pop();
    let err = store.update(Record::Referral(rewound)).unwrap_err();
    assert!(
        err.to_string().contains("earlier entries are kept"),
        "{err}"
    );
    // A case's role is ended, never removed.
    let cid = Id::new(Kind::Case, 1);
    let mut c: Case = store.get_as(cid).unwrap().unwrap();
    c.parties.remove(0);
    assert!(store.update(Record::Case(c)).is_err());
    let mut c: Case = store.get_as(cid).unwrap().unwrap();
    let party = c.parties[0].party;
    c.end_role(party, day(2024, 6, 1)).unwrap();
    store.update(Record::Case(c)).unwrap();
    assert_eq!(
        store.get_as::<Referral>(rid).unwrap().unwrap().status(),
        ReferralStatus::Cancelled
    );
}

#[test]
fn a_case_export_leaves_out_notes_the_exporter_may_not_read() {
    let (_d, store) = seeded();
    let case = Id::new(Kind::Case, 1);
    let note = |author: &str, c: Confidentiality| {
        Record::TrustNote(TrustNote {
            id: Id::new(Kind::TrustNote, 0),
            case: Some(case),
            relationship: None,
            about: None,
            author: author.into(),
            at: chrono::Utc::now(),
            text: format!("{author}'s note"),
            confidentiality: c,
            trust_change: None,
            corrects: None,
            entered: None,
        })
    };
    let mine = store
        .create(note("tester", Confidentiality::Private))
        .unwrap()
        .id();
    let theirs = store
        .create(note("other", Confidentiality::Private))
        .unwrap()
        .id();
    let team = store
        .create(note("other", Confidentiality::Team))
        .unwrap()
        .id();
    let scope = triad::store::Scope::owner("tester");
    let ids = |case, scope| -> (Vec<Id>, usize) {
        let (records, left_out) = exchange::collect(&store, case, scope).unwrap();
        (records.iter().map(Record::id).collect(), left_out)
    };
    let (subset, left_out) = ids(Some(case), Some(&scope));
    assert!(subset.contains(&mine) && subset.contains(&team));
    assert!(!subset.contains(&theirs));
    assert_eq!(left_out, 1, "the export knows it left one note out");
    // So does a whole export for a reader...
    let (whole, left_out) = ids(None, Some(&scope));
    assert!(whole.contains(&mine) && !whole.contains(&theirs));
    assert_eq!(left_out, 1);
    // ...while the library's own backup holds everything.
    assert!(ids(None, None).0.contains(&theirs));
}

#[test]
fn ids_past_the_cap_are_refused_at_import() {
    let (_d, store) = seeded();
    let text = r#"{"format":"triad-export","schema":1,"records":[{"type":"person","id":"P-18446744073709551615","name":"x"}]}"#;
    let err = exchange::import(&store, text, &mut |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("is not an id"), "{err}");
}

#[test]
fn apply_writes_all_of_its_changes_or_none() {
    let (_d, store) = seeded();
    let before = store.audit_trail().unwrap().len();
    let newcomer = person(0, "新しい人");
    let rid = Id::new(Kind::Referral, 1);
    let mut rewound: Referral = store.get_as(rid).unwrap().unwrap();
    rewound.history.clear();
    let err = store
        .apply(vec![
            triad::store::Change::Create(newcomer.clone()),
            triad::store::Change::Update(Record::Referral(rewound)),
        ])
        .unwrap_err();
    assert!(err.to_string().contains("R-0001"), "{err}");
    assert_eq!(
        store.all::<Person>().unwrap().len(),
        2,
        "the create was undone"
    );
    assert_eq!(store.audit_trail().unwrap().len(), before);
    // Both good: both land, in order, with ids given.
    let mut sent: Referral = store.get_as(rid).unwrap().unwrap();
    sent.advance(ReferralStatus::Cancelled, day(2024, 2, 3), "peer", "")
        .unwrap();
    let stored = store
        .apply(vec![
            triad::store::Change::Create(newcomer),
            triad::store::Change::Update(Record::Referral(sent)),
        ])
        .unwrap();
    assert_eq!(stored[0].id(), Id::new(Kind::Person, 3));
    assert_eq!(store.audit_trail().unwrap().len(), before + 2);
}

/// sled lets go of its own file lock a moment after a store is closed; an
/// immediate reopen in the same process must wait for it, not fail.
#[test]
fn a_store_reopens_at_once_after_it_is_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    for round in 0..30 {
        let store = SledStore::open(&dir).unwrap_or_else(|e| panic!("round {round}: {e}"));
        store.create(person(0, "往復")).unwrap();
        drop(store);
    }
    let store = SledStore::open(&dir).unwrap();
    assert_eq!(store.all::<Person>().unwrap().len(), 30);
}
