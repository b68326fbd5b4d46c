//! `triad backup`, `backup --verify` and `restore`: a consistent, lossless,
//! checksummed copy taken through the server while others write.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use triad::model::{Kind, Record};
use triad::server::protocol::{Ask, Part};
use triad::store::{BackupSummary, SledStore, Store, StoreError, StoreExt};

mod common;
mod server_common;
use common::*;
use server_common::*;

fn backup_through(socket: &Path, out: &Path) -> BackupSummary {
    let mut c = client(socket);
    let mut summary = None;
    c.ask(
        Ask::Backup {
            out: out.to_path_buf(),
        },
        &mut |part| {
            if let Part::Backup { summary: s } = part {
                summary = Some(s);
            }
        },
    )
    .expect("the backup is answered");
    summary.expect("a backup summary")
}

/// Every record and the audit trail, for comparing two stores.
fn contents(store: &SledStore) -> (Vec<Record>, Vec<String>) {
    let audit = store
        .audit_trail()
        .unwrap()
        .into_iter()
        .map(|e| format!("{e:?}"))
        .collect();
    (store.everything().unwrap(), audit)
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_backup_taken_while_4_clients_write_is_one_moment_and_restores_record_by_record() {
    let mut server = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    load_demo(&mut client(&server.socket));
    // Four writers create people one after another, each keeping the ids
    // the server acknowledged, in order.
    let writers: Vec<_> = (0..4u128)
        .map(|w| {
            let socket = server.socket.clone();
            std::thread::spawn(move || {
                let mut c = client(&socket);
                (0..60u128)
                    .map(|i| create(&mut c, (w << 32) | (i + 1), person(1, &format!("W{w}-{i}"))))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let during = tmp.path().join("during.triad-backup");
    std::thread::sleep(std::time::Duration::from_millis(30));
    let summary = backup_through(&server.socket, &during);
    let acked: Vec<Vec<_>> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    assert_eq!(mode(&during), 0o600, "the backup is its owner's only");
    assert_eq!(summary.schema, triad::store::SCHEMA_VERSION);

    let restored_dir = tmp.path().join("restored");
    let (verified, report) = triad::store::restore(&during, &restored_dir).unwrap();
    assert_eq!(verified.entries, summary.entries);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let restored = SledStore::open(&restored_dir).unwrap();
    // One moment: of each writer's creates, the backup holds a prefix
    // (never a later one without an earlier), and nothing else changed.
    let mut caught = 0;
    for ids in &acked {
        let present: Vec<bool> = ids
            .iter()
            .map(|id| restored.get(*id).unwrap().is_some())
            .collect();
        let held = present.iter().take_while(|p| **p).count();
        assert!(
            present[held..].iter().all(|p| !p),
            "a writer's later create is in the backup without an earlier one: {present:?}"
        );
        caught += held;
    }
    println!("the backup caught {caught} of 240 creates in flight");
    let live = server.stop_and_open();
    let restored_people = restored.all::<triad::model::Person>().unwrap().len();
    let live_people = live.all::<triad::model::Person>().unwrap().len();
    assert_eq!(live_people - restored_people, 240 - caught);
    // Every record in the backup is the live one, byte for byte.
    for kind in Kind::ALL {
        restored
            .scan(kind, &mut |r| {
                assert_eq!(live.get(r.id()).unwrap().as_ref(), Some(&r));
                true
            })
            .unwrap();
    }
    drop(restored);

    // Taken at rest, a backup restores to the same records and audit trail.
    let at_rest = tmp.path().join("at-rest.triad-backup");
    live.backup_to_file(&at_rest).unwrap();
    let again = tmp.path().join("again");
    triad::store::restore(&at_rest, &again).unwrap();
    let again = SledStore::open(&again).unwrap();
    assert_eq!(contents(&again), contents(&live));
    assert_eq!(again.check().unwrap().problems, Vec::<String>::new());
}

#[test]
fn a_damaged_or_cut_backup_is_refused_by_verify_and_restore_which_leave_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let store = SledStore::open(&tmp.path().join("store")).unwrap();
    store.import(small_set(), &mut |_, _| {}).unwrap();
    let good = tmp.path().join("good");
    store.backup_to_file(&good).unwrap();
    assert!(triad::store::verify_backup(&good).is_ok());
    let bytes = std::fs::read(&good).unwrap();

    let mut flipped = bytes.clone();
    let mid = bytes.len() / 2 + 40;
    flipped[mid] ^= 0x20;
    let cut = bytes[..bytes.len() - 20].to_vec();
    let mut header = bytes.clone();
    // The schema in the header is covered by the checksum too.
    let at = bytes
        .windows(10)
        .position(|w| w == b"\"schema\":1")
        .unwrap();
    header[at + 9] = b'0';
    for (name, damaged) in [("flipped", flipped), ("cut", cut), ("header", header)] {
        let file = tmp.path().join(name);
        std::fs::write(&file, damaged).unwrap();
        let err = triad::store::verify_backup(&file).expect_err(name);
        assert!(matches!(err, StoreError::BadBackup { .. }), "{name}: {err}");
        let target = tmp.path().join(format!("restored-{name}"));
        let err = triad::store::restore(&file, &target).expect_err(name);
        assert!(matches!(err, StoreError::BadBackup { .. }), "{name}: {err}");
        assert!(!target.exists(), "{name}: a bad backup left a store");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("restore"))
            .collect();
        assert!(leftovers.is_empty(), "{name}: {leftovers:?}");
    }
    let not_one = tmp.path().join("not-a-backup");
    std::fs::write(&not_one, "{}").unwrap();
    let err = triad::store::verify_backup(&not_one).unwrap_err();
    assert!(err.to_string().contains("triad backup --out"), "{err}");
}

#[test]
fn restore_goes_into_a_new_store_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = SledStore::open(&dir).unwrap();
    store.import(small_set(), &mut |_, _| {}).unwrap();
    let file = tmp.path().join("b");
    store.backup_to_file(&file).unwrap();
    drop(store);
    let before = std::fs::read_dir(dir.join("db")).unwrap().count();
    let err = triad::store::restore(&file, &dir).unwrap_err();
    assert!(matches!(err, StoreError::NotNew(_)), "{err}");
    assert!(err.to_string().contains("new store only"), "{err}");
    assert_eq!(std::fs::read_dir(dir.join("db")).unwrap().count(), before);
    // An empty directory is a new store.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    triad::store::restore(&file, &empty).unwrap();
    assert_eq!(mode(&empty), 0o700);
    let restored = SledStore::open(&empty).unwrap();
    assert_eq!(restored.everything().unwrap().len(), small_set().len());
}

#[test]
fn the_backup_commands_of_the_binary_write_verify_and_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let _stop = StopServers(store.clone());
    assert!(triad(&store, &["demo"]).status.success());
    let file = tmp.path().join("nightly.triad-backup");
    let out = triad(&store, &["backup", "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("schema 1"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(mode(&file), 0o600);
    let out = triad(&store, &["backup", "--verify", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains(": ok: schema 1"),
        "{}",
        text(&out.stdout)
    );
    let restored = tmp.path().join("restored");
    let _stop_restored = StopServers(restored.clone());
    let out = triad(&restored, &["restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = triad(&restored, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    // A byte changed: verify says so and exits 1.
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n - 10] ^= 1;
    std::fs::write(&file, bytes).unwrap();
    let out = triad(&store, &["backup", "--verify", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("not a usable triad backup"));
}
