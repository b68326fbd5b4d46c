//! A store that can only be read (a read-only filesystem, or write bits
//! its owner took away) opens for reading — search, export, backup — from
//! a private copy, says why it cannot write, and is never changed.

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use triad::store::{SledStore, Store, StoreError, StoreExt};

mod common;
mod server_common;
use common::*;
use server_common::*;

/// Every path under `dir` with its mode and content (exactly "untouched").
fn tree(dir: &Path) -> BTreeMap<PathBuf, (u32, Vec<u8>)> {
    let mut out = BTreeMap::new();
    fn walk(p: &Path, out: &mut BTreeMap<PathBuf, (u32, Vec<u8>)>) {
        let m = std::fs::symlink_metadata(p).unwrap();
        let content = if m.is_file() {
            std::fs::read(p).unwrap()
        } else {
            Vec::new()
        };
        out.insert(p.to_path_buf(), (m.mode() & 0o7777, content));
        if m.is_dir() {
            for e in std::fs::read_dir(p).unwrap().flatten() {
                walk(&e.path(), out);
            }
        }
    }
    walk(dir, &mut out);
    out
}

fn assert_reads_and_refuses_writes(dir: &Path, why: &str) {
    let before = tree(dir);
    let store = SledStore::open(dir).unwrap();
    let reason = store.read_only().expect("opened read-only").to_string();
    assert!(reason.contains(why), "{reason}");
    assert_eq!(store.everything().unwrap().len(), small_set().len());
    assert!(store.check().unwrap().problems.is_empty());
    let err = store.create(person(1, "新")).unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
    assert!(err.to_string().contains("open for reading only"), "{err}");
    // A screen says it in its own language.
    let filesystem = why == "mounted read-only";
    assert_eq!(
        err.reason(),
        Some(triad::model::Reason::StoreReadOnly { filesystem })
    );
    let ja = triad::i18n::Lang::Ja.reason(&err.reason().unwrap());
    assert!(ja.contains("読み取り専用"), "{ja}");
    let err = store
        .import(vec![person(9, "x")], &mut |_, _| {})
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
    // A backup of it can be taken (elsewhere) and restored.
    let out = tempfile::tempdir().unwrap();
    store.backup_to_file(&out.path().join("b")).unwrap();
    let err = triad::store::compact(dir).unwrap_err();
    assert!(
        matches!(err, StoreError::Locked(_) | StoreError::ReadOnly { .. }),
        "{err}"
    );
    drop(store);
    assert_eq!(tree(dir), before, "opening a read-only store changed it");
}

fn seeded(dir: &Path) {
    let store = SledStore::open(dir).unwrap();
    store.import(small_set(), &mut |_, _| {}).unwrap();
}

#[test]
fn a_store_whose_owner_took_away_the_write_bits_opens_for_reading_unchanged() {
    if nix::unistd::geteuid().is_root() {
        println!(
            "skipped: root may write whatever the modes say (the read-only filesystem test covers root)"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    seeded(&dir);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let set = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
    for e in std::fs::read_dir(dir.join("db")).unwrap().flatten() {
        if e.file_type().unwrap().is_file() {
            set(&e.path(), 0o400).unwrap();
        }
    }
    set(&dir.join("db"), 0o500).unwrap();
    set(&dir, 0o500).unwrap();
    assert_reads_and_refuses_writes(&dir, "made it read-only");
    set(&dir, 0o700).unwrap();
    set(&dir.join("db"), 0o700).unwrap();
}

/// A tmpfs holding a seeded store, then remounted read-only; unmounted
/// when dropped.
struct ReadOnlyDisk {
    mnt: PathBuf,
    _tmp: tempfile::TempDir,
}

impl ReadOnlyDisk {
    fn with_store() -> Option<ReadOnlyDisk> {
        if !nix::unistd::geteuid().is_root() {
            println!("skipped: mounting a read-only filesystem needs root");
            return None;
        }
        let tmp = tempfile::tempdir().unwrap();
        let mnt = tmp.path().join("mnt");
        std::fs::create_dir(&mnt).unwrap();
        let target = mnt.clone();
        let mount = |args: &[&str]| {
            Command::new("mount")
                .args(args)
                .arg(&target)
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !mount(&["-t", "tmpfs", "-o", "size=128m,mode=0700", "tmpfs"]) {
            println!("skipped: cannot mount a tmpfs here");
            return None;
        }
        let disk = ReadOnlyDisk { mnt, _tmp: tmp };
        seeded(&disk.mnt.join("store"));
        // sled lets go of its files a moment after the store is dropped.
        std::thread::sleep(std::time::Duration::from_millis(300));
        let mut tries = 0;
        while !mount(&["-o", "remount,ro"]) {
            tries += 1;
            if tries > 50 {
                println!("skipped: cannot remount the tmpfs read-only");
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Some(disk)
    }
}

impl Drop for ReadOnlyDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.mnt).status();
    }
}

#[test]
fn a_store_on_a_read_only_filesystem_opens_for_reading_unchanged() {
    let Some(disk) = ReadOnlyDisk::with_store() else {
        return;
    };
    assert_reads_and_refuses_writes(&disk.mnt.join("store"), "mounted read-only");
}

#[test]
fn the_binary_searches_exports_and_backs_up_a_read_only_store_and_says_why_it_cannot_write() {
    let Some(disk) = ReadOnlyDisk::with_store() else {
        return;
    };
    let store = disk.mnt.join("store");
    let _stop = StopServers(store.clone());
    let before = tree(&store);
    let out = triad(&store, &["search", "山田花子"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("P-0001 山田花子"),
        "{}",
        text(&out.stdout)
    );
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("e.json");
    let out = triad(&store, &["export", "--out", export.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let backup = tmp.path().join("b");
    let out = triad(&store, &["backup", "--out", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = triad(&store, &["backup", "--verify", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let out = triad(&store, &["import", export.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("open for reading only") && err.contains("mounted read-only"),
        "{err}"
    );
    assert_eq!(tree(&store), before);
}
