//! Planted paths: triad never follows a symlink nor writes into a file or
//! directory another user owns (store, lock, exports, backups), and
//! opening a store never gives back a write bit its owner took away.
//! Tests that need a second user run as root and chown to `nobody`; they
//! say why they skip otherwise.

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use triad::store::{SledStore, Store, StoreError, UnsafeReason};

mod common;
mod server_common;
use common::*;
use server_common::*;

/// Every path under `dir` (not following links) with its type, mode,
/// owner and content: compared before and after, "untouched" is exact.
fn tree(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    fn walk(p: &Path, out: &mut BTreeMap<PathBuf, String>) {
        let Ok(m) = std::fs::symlink_metadata(p) else {
            return;
        };
        let what = if m.file_type().is_symlink() {
            format!("link to {:?}", std::fs::read_link(p).unwrap())
        } else if m.is_dir() {
            "dir".to_string()
        } else {
            format!("{:?}", std::fs::read(p).unwrap_or_default())
        };
        out.insert(
            p.to_path_buf(),
            format!("{what} mode {:o} uid {}", m.mode() & 0o7777, m.uid()),
        );
        if m.is_dir() {
            for e in std::fs::read_dir(p).unwrap().flatten() {
                walk(&e.path(), out);
            }
        }
    }
    walk(dir, &mut out);
    out
}

fn refused(err: StoreError) -> UnsafeReason {
    match err {
        StoreError::UnsafePath { reason, .. } => reason,
        other => panic!("not refused as unsafe: {other}"),
    }
}

/// `nobody`'s uid and gid, when this test may chown (runs as root).
fn nobody() -> Option<(u32, u32)> {
    if !nix::unistd::geteuid().is_root() {
        println!("skipped: giving files to another user needs root");
        return None;
    }
    match nix::unistd::User::from_name("nobody") {
        Ok(Some(u)) => Some((u.uid.as_raw(), u.gid.as_raw())),
        _ => {
            println!("skipped: there is no user `nobody` here");
            None
        }
    }
}

fn chown(p: &Path, (uid, gid): (u32, u32)) {
    std::os::unix::fs::chown(p, Some(uid), Some(gid)).unwrap();
}

#[test]
fn a_store_reached_through_a_symlink_is_refused_and_its_target_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("theirs");
    std::fs::create_dir(&target).unwrap();
    let link = tmp.path().join("store");
    symlink(&target, &link).unwrap();
    let before = tree(tmp.path());
    assert_eq!(
        refused(SledStore::open(&link).err().unwrap()),
        UnsafeReason::Symlink
    );
    assert_eq!(tree(tmp.path()), before);
}

#[test]
fn a_dangling_lock_symlink_is_refused_and_its_target_not_created() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    drop(SledStore::open(&dir).unwrap());
    let planted = tmp.path().join("created-by-triad");
    std::fs::remove_file(dir.join("triad.lock")).unwrap();
    symlink(&planted, dir.join("triad.lock")).unwrap();
    let before = tree(tmp.path());
    let err = server_common::open_when_free_err(&dir);
    assert_eq!(refused(err), UnsafeReason::Symlink);
    assert!(!planted.exists());
    assert_eq!(tree(tmp.path()), before);
}

#[test]
fn opening_a_store_never_gives_back_a_write_bit_its_owner_took_away() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = SledStore::open(&dir).unwrap();
    store.import(small_set(), &mut |_, _| {}).unwrap();
    drop(store);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    // Whether it opens (root) or not, the modes stay as the owner set them.
    let _ = server_common::open_when_free_err_or_ok(&dir);
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(mode, 0o500);
}

#[test]
fn an_export_through_a_planted_symlink_replaces_it_and_a_backup_refuses_it() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let _stop = StopServers(store.clone());
    assert!(triad(&store, &["demo"]).status.success());
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "someone's file").unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
    let export = tmp.path().join("export.json");
    symlink(&victim, &export).unwrap();
    let out = triad(&store, &["export", "--out", export.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let m = std::fs::symlink_metadata(&export).unwrap();
    assert!(m.is_file(), "the link was followed");
    assert_eq!(m.mode() & 0o777, 0o600);
    // A backup (everything, every note) refuses the planted path outright.
    let backup = tmp.path().join("nightly.backup");
    symlink(&victim, &backup).unwrap();
    let out = triad(&store, &["backup", "--out", backup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("symbolic link"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        std::fs::symlink_metadata(&backup)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "someone's file");
    assert_eq!(std::fs::metadata(&victim).unwrap().mode() & 0o777, 0o644);
}

#[test]
fn as_root_a_store_directory_or_file_another_user_owns_is_refused_untouched() {
    let Some(them) = nobody() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // A directory another user prepared for our store.
    let prepared = tmp.path().join("prepared");
    std::fs::create_dir(&prepared).unwrap();
    chown(&prepared, them);
    let before = tree(tmp.path());
    assert_eq!(
        refused(SledStore::open(&prepared).err().unwrap()),
        UnsafeReason::OwnedBy(them.0)
    );
    assert_eq!(tree(tmp.path()), before);

    // A store of ours with their file in db/, their db/, their lock.
    let dir = tmp.path().join("store");
    let store = SledStore::open(&dir).unwrap();
    store.import(small_set(), &mut |_, _| {}).unwrap();
    drop(store);
    for planted in [
        dir.join("db").join("conf"),
        dir.join("db"),
        dir.join("triad.lock"),
    ] {
        chown(&planted, them);
        let before = tree(tmp.path());
        let err = server_common::open_when_free_err(&dir);
        assert_eq!(
            refused(err),
            UnsafeReason::OwnedBy(them.0),
            "{}",
            planted.display()
        );
        assert_eq!(tree(tmp.path()), before, "{}", planted.display());
        chown(&planted, (0, 0));
    }
    // All ours again: it opens.
    drop(open_when_free(&dir));
}

#[test]
fn as_root_an_export_onto_another_users_file_never_writes_into_it() {
    let Some(them) = nobody() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let _stop = StopServers(store.clone());
    assert!(triad(&store, &["demo"]).status.success());
    let theirs = tmp.path().join("export.json");
    std::fs::write(&theirs, "").unwrap();
    std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o666)).unwrap();
    chown(&theirs, them);
    // They keep it open, hoping to read what we write into it.
    let held = std::fs::File::open(&theirs).unwrap();
    let out = triad(&store, &["export", "--out", theirs.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut seen = String::new();
    std::io::Read::read_to_string(&mut &held, &mut seen).unwrap();
    assert_eq!(seen, "", "the export was written into their file");
    let m = std::fs::metadata(&theirs).unwrap();
    assert_eq!((m.uid(), m.mode() & 0o777), (0, 0o600));

    // A backup into a directory of theirs is refused, nothing left there.
    let their_dir = tmp.path().join("their-dir");
    std::fs::create_dir(&their_dir).unwrap();
    std::fs::set_permissions(&their_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    chown(&their_dir, them);
    let file = their_dir.join("b");
    let out = triad(&store, &["backup", "--out", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("belongs to uid"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(&their_dir).unwrap().count(), 0);
}
