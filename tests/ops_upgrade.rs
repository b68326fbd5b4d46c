//! Upgrades: a store written at schema 1 and an export of schema 1 are
//! committed as fixtures (tests/fixtures/); every later triad must open,
//! migrate and check the one, and import the other. When the schema is
//! bumped, these tests keep the old files and check the migrated records.

use std::path::Path;

mod common;

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
    // Written before triad recorded what a sending shared: its sent steps
    // come in only as a historical import, each as a recorded override.
    let refused = store.import(records.clone(), &mut |_, _| {}).unwrap_err();
    assert!(refused.to_string().contains("R-0003"), "{refused}");
    store
        .import_entered("me", records, Some("paper files"), None, &mut |_, _| {})
        .unwrap();
    assert!(store.check().unwrap().problems.is_empty());
    // What comes back out is the file, but for the overrides and who
    // entered it.
    let strip = |text: &str| {
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
        fn walk(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(m) => {
                    m.remove("provision");
                    m.remove("entered");
                    m.values_mut().for_each(walk);
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
                _ => {}
            }
        }
        walk(&mut v);
        v
    };
    let back = exchange::to_json(store.everything().unwrap());
    assert!(back.contains("historical import by me: paper files"));
    assert_eq!(strip(&back), strip(&text));
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

/// Which tree holds each kind's records, read from the records.
fn where_records_are(db_dir: &Path) -> Vec<(String, Kind)> {
    let raw = sled::open(db_dir).unwrap();
    let mut out = Vec::new();
    for name in raw.tree_names() {
        let name = String::from_utf8(name.to_vec()).unwrap();
        if !Kind::ALL.iter().any(|k| k.tree_name() == name) {
            continue;
        }
        let mut kinds: Vec<Kind> = raw
            .open_tree(&name)
            .unwrap()
            .iter()
            .values()
            .map(|v| {
                serde_json::from_slice::<triad::model::Record>(&v.unwrap())
                    .unwrap()
                    .kind()
            })
            .collect();
        kinds.dedup();
        out.extend(kinds.into_iter().map(|k| (name.clone(), k)));
    }
    out
}

#[test]
fn every_released_layout_upgrades_whole_checks_and_exports_the_same() {
    for (layout, events_in) in [(1, "events"), (2, "courses")] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = common::layout_store(layout, tmp.path());
        // The fixture is as that build wrote it.
        let before = where_records_are(&dir.join("db"));
        assert!(
            before.contains(&(events_in.to_string(), Kind::Event)),
            "layout {layout}: {before:?}"
        );
        let text = std::fs::read_to_string(
            Path::new(FIXTURES).join(format!("export-layout{layout}.json")),
        )
        .unwrap();
        let want = exchange::parse(&text).unwrap();
        assert!(want.iter().any(|r| r.kind() == Kind::Event));
        {
            let store = SledStore::open(&dir).unwrap();
            let report = store.check().unwrap();
            assert!(
                report.problems.is_empty(),
                "layout {layout}: {:?}",
                report.problems
            );
            let backups: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().ends_with(".backup"))
                .collect();
            let notice = store.notices().iter().find(|n| n.contains("layout"));
            if events_in == Kind::Event.tree_name() {
                // Nothing to move: the version is recorded, nothing else.
                assert!(notice.is_none(), "{notice:?}");
                assert!(backups.is_empty(), "{backups:?}");
            } else {
                let notice = notice.unwrap_or_else(|| panic!("{:?}", store.notices()));
                assert!(notice.contains("backed up in"), "{notice}");
                // The backup it names is a whole backup of the store as it was.
                assert_eq!(backups.len(), 1, "{backups:?}");
                assert!(
                    notice.contains(&backups[0].display().to_string()),
                    "{notice}"
                );
                let summary = triad::store::verify_backup(&backups[0]).unwrap();
                assert!(summary.entries > want.len() as u64);
            }
            // Record by record, the export is what that build exported.
            let got = store.everything().unwrap();
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g, w, "layout {layout}");
            }
            assert_eq!(got.len(), want.len(), "layout {layout}");
            assert_eq!(exchange::to_json(got), text);
            // Writes go on: an event edited and found where it belongs.
            let e = store.all::<triad::model::Event>().unwrap()[0].clone();
            store.update(triad::model::Record::Event(e)).unwrap();
            assert!(store.check().unwrap().problems.is_empty());
        }
        // Each kind in its own tree now, and a second open moves nothing.
        let after = where_records_are(&dir.join("db"));
        for (tree, kind) in &after {
            assert_eq!(tree, kind.tree_name(), "layout {layout}: {after:?}");
        }
        let again = SledStore::open(&dir).unwrap();
        assert!(
            !again.notices().iter().any(|n| n.contains("layout")),
            "{:?}",
            again.notices()
        );
        assert!(again.check().unwrap().problems.is_empty());
    }
}

#[test]
fn a_store_of_a_newer_layout_is_refused_with_the_version_it_needs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    drop(SledStore::open(&dir).unwrap());
    {
        let raw = (0..100)
            .find_map(|_| {
                std::thread::sleep(std::time::Duration::from_millis(20));
                sled::open(dir.join("db")).ok()
            })
            .unwrap();
        let meta = raw.open_tree("meta").unwrap();
        let ours = meta.get("layout").unwrap().expect("the layout is recorded");
        assert_eq!(
            ours.as_ref(),
            &u64::from(triad::store::LAYOUT_VERSION).to_be_bytes()
        );
        let newer = triad::store::LAYOUT_VERSION + 1;
        meta.insert("layout", &u64::from(newer).to_be_bytes())
            .unwrap();
        raw.flush().unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let err = SledStore::open(&dir).err().expect("refused");
    let text = err.to_string();
    let newer = triad::store::LAYOUT_VERSION + 1;
    assert!(text.contains(&format!("layout {newer}")), "{text}");
    assert!(text.contains("upgrade triad"), "{text}");
}

#[test]
fn each_kind_has_its_own_tree() {
    let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.tree_name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Kind::ALL.len());
}
