//! Upgrades: a store written at schema 1 and an export of schema 1 are
//! committed as fixtures (tests/fixtures/); every later triad must open,
//! migrate and check the one, and import the other. When the schema is
//! bumped, these tests keep the old files and check the migrated records.

use std::path::Path;

use triad::exchange;
use triad::model::Kind;
use triad::store::{SledStore, Store, StoreExt};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// The fixture store copied into a temp dir: opening migrates in place,
/// and the committed files must stay as schema 1 wrote them.
fn schema1_store(into: &Path) -> std::path::PathBuf {
    let dir = into.join("store");
    std::fs::create_dir_all(dir.join("db")).unwrap();
    let from = Path::new(FIXTURES).join("schema1-store").join("db");
    for name in ["conf", "db"] {
        std::fs::copy(from.join(name), dir.join("db").join(name)).unwrap();
    }
    dir
}

fn sorted(mut records: Vec<triad::model::Record>) -> Vec<triad::model::Record> {
    records.sort_by_key(|r| {
        let order = Kind::ALL.iter().position(|k| *k == r.kind()).unwrap();
        (order, r.id().num)
    });
    records
}

#[test]
fn the_schema_1_store_fixture_opens_migrates_and_passes_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = schema1_store(tmp.path());
    // The fixture really is schema 1, as that triad wrote it.
    {
        let raw = sled::open(dir.join("db")).unwrap();
        let schema = raw
            .open_tree("meta")
            .unwrap()
            .get("schema")
            .unwrap()
            .unwrap();
        assert_eq!(schema.as_ref(), &1u64.to_be_bytes());
    }
    let store = SledStore::open(&dir).unwrap();
    let report = store.check().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // It was filled by importing the export fixture: the same records.
    let text = std::fs::read_to_string(Path::new(FIXTURES).join("export-schema1.json")).unwrap();
    let exported = exchange::parse(&text).unwrap();
    assert_eq!(store.everything().unwrap(), sorted(exported));
    assert!(store.audit_trail().unwrap().iter().any(|e| {
        e.text(triad::i18n::Lang::En)
            .contains("imported 13 records")
    }));
    // And takes writes at the current schema.
    let p = store.all::<triad::model::Person>().unwrap()[0].clone();
    store.update(triad::model::Record::Person(p)).unwrap();
}

#[test]
fn the_schema_1_export_fixture_imports_into_a_new_store_and_exports_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(Path::new(FIXTURES).join("export-schema1.json")).unwrap();
    let records = exchange::parse(&text).unwrap();
    assert_eq!(records.len(), 13);
    let store = SledStore::open(&tmp.path().join("store")).unwrap();
    store.import(records, &mut |_, _| {}).unwrap();
    assert!(store.check().unwrap().problems.is_empty());
    // What comes back out is the file, byte for byte.
    assert_eq!(exchange::to_json(store.everything().unwrap()), text);
}

#[test]
fn the_schema_1_fixture_backs_up_and_restores_through_the_current_format() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = schema1_store(tmp.path());
    let store = SledStore::open(&dir).unwrap();
    let file = tmp.path().join("b");
    store.backup_to_file(&file).unwrap();
    let restored = tmp.path().join("restored");
    triad::store::restore(&file, &restored).unwrap();
    let again = SledStore::open(&restored).unwrap();
    assert_eq!(again.everything().unwrap(), store.everything().unwrap());
}
