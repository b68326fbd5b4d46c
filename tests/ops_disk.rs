//! A full disk: writes are refused before sled runs out of space, an
//! interrupted snapshot is set aside on open, and nothing acknowledged is
//! lost, on a small tmpfs filled during single writes and an import.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use triad::model::{Id, Kind, Record};
use triad::store::{SledStore, Store, StoreError, StoreExt};

mod common;
mod server_common;
use common::*;

const MIB: u64 = 1024 * 1024;

fn people(from: u64, n: u64, note: &str) -> Vec<Record> {
    (from..from + n)
        .map(|i| {
            let mut p = person(i, &format!("人{i}"));
            if let Record::Person(p) = &mut p {
                p.skills = note.to_string();
            }
            p
        })
        .collect()
}

#[test]
fn a_write_below_the_reserve_is_refused_naming_the_free_space_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let mut store = SledStore::open(&dir).unwrap();
    store.import(small_set(), &mut |_, _| {}).unwrap();
    let audit = store.audit_trail().unwrap().len();
    // A reserve larger than the disk's free space: every write is refused.
    let free = triad::store::free_bytes(&dir).unwrap();
    store.set_disk_reserve(free + 1024 * MIB);
    let err = store.create(person(1, "新")).unwrap_err();
    let StoreError::DiskFull {
        free_mb, need_mb, ..
    } = &err
    else {
        panic!("not DiskFull: {err}");
    };
    assert!(free_mb < need_mb, "{err}");
    let text = err.to_string();
    assert!(
        text.contains(&format!("{} has {free_mb} MB free", dir.display())),
        "{text}"
    );
    assert!(text.contains("nothing was written"), "{text}");
    let err = store.import(people(10, 3, ""), &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err}");
    let err = store.delete(Id::new(Kind::Person, 2)).unwrap_err();
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err}");
    assert_eq!(store.audit_trail().unwrap().len(), audit);
    assert_eq!(store.everything().unwrap(), {
        let mut want = small_set();
        want.sort_by_key(|r| {
            let order = Kind::ALL.iter().position(|k| *k == r.kind()).unwrap();
            (order, r.id().num)
        });
        want
    });
    // A screen says it in its own language (the TUI shows the reason).
    let reason = err_reason(&store);
    let ja = triad::i18n::Lang::Ja.reason(&reason);
    assert!(
        ja.contains("MB") && ja.contains("保存されていません"),
        "{ja}"
    );
    assert!(
        !ja.chars().any(|c| c.is_ascii_lowercase()),
        "English in {ja}"
    );
    assert!(triad::i18n::Lang::En.reason(&reason).contains("MB free"));
    // With room again, the same write goes through.
    store.set_disk_reserve(0);
    store.create(person(1, "新")).unwrap();
}

fn err_reason(store: &SledStore) -> triad::model::Reason {
    let err = store.create(person(1, "新")).unwrap_err();
    err.reason().expect("a DiskFull has a reason")
}

/// What sled leaves when a snapshot is cut short (sled issue #1527).
fn plant_unfinished_snapshot(store: &Path) -> PathBuf {
    let path = store.join("db").join("snap.7FFFFFFFFFFFFFFF.generating");
    std::fs::write(&path, b"").unwrap();
    path
}

#[test]
fn an_unfinished_snapshot_is_set_aside_on_open_and_every_record_is_there() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = SledStore::open(&dir).unwrap();
    store.import(small_set(), &mut |_, _| {}).unwrap();
    let want = store.everything().unwrap();
    drop(store);
    let planted = plant_unfinished_snapshot(&dir);
    // The premise: sled on its own takes it for the newest snapshot.
    let copy = tmp.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    for e in std::fs::read_dir(dir.join("db")).unwrap().flatten() {
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
        }
    }
    let raw = sled::open(&copy);
    assert!(
        raw.is_err(),
        "sled opened a store with an unfinished snapshot"
    );
    drop(raw);

    let store = server_open(&dir);
    assert_eq!(store.everything().unwrap(), want);
    assert!(store.check().unwrap().problems.is_empty());
    assert!(!planted.exists());
    let aside: Vec<_> = std::fs::read_dir(dir.join("set-aside"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(aside.len(), 1);
    assert!(aside[0].starts_with("snap.7FFFFFFFFFFFFFFF.generating."));
    assert_eq!(store.notices().len(), 1);
    assert!(
        store.notices()[0].contains("unfinished snapshot"),
        "{:?}",
        store.notices()
    );
}

/// Opens a store a moment after this process dropped it.
fn server_open(dir: &Path) -> SledStore {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match SledStore::open(dir) {
            Err(StoreError::Locked(_)) if std::time::Instant::now() < until => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            other => return other.unwrap(),
        }
    }
}

/// A tmpfs of `size` mounted for one test, unmounted when dropped. None
/// (the test says why it skips) where this process cannot mount.
struct Tmpfs {
    mnt: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        if !nix::unistd::geteuid().is_root() {
            println!("skipped: mounting a small tmpfs needs root");
            return None;
        }
        let tmp = tempfile::tempdir().unwrap();
        let mnt = tmp.path().join("mnt");
        std::fs::create_dir(&mnt).unwrap();
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(&mnt)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs { mnt, _tmp: tmp }),
            Ok(o) => {
                println!(
                    "skipped: cannot mount a tmpfs here: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                None
            }
            Err(e) => {
                println!("skipped: no mount command: {e}");
                None
            }
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.mnt).status();
    }
}

/// Fills the disk with a file until it is full; returns its path.
fn fill(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0xA5u8; 64 * 1024];
    while f.write_all(&chunk).is_ok() {}
    let _ = f.sync_all();
    path
}

/// Leaves `bytes` free by giving back part of the filler.
fn leave_free(filler: &Path, bytes: u64) {
    let len = std::fs::metadata(filler).unwrap().len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(filler)
        .unwrap();
    f.set_len(len.saturating_sub(bytes)).unwrap();
}

#[test]
fn a_full_tmpfs_during_writes_and_an_import_loses_nothing_acknowledged_and_reopens() {
    let Some(disk) = Tmpfs::mount("48m") else {
        return;
    };
    let dir = disk.mnt.join("store");
    let mut store = SledStore::open(&dir).unwrap();
    store.set_disk_reserve(4 * MIB);
    store.import(small_set(), &mut |_, _| {}).unwrap();
    let mut acknowledged: Vec<Record> = store.everything().unwrap();
    for i in 0..50 {
        acknowledged.push(store.create(person(1, &format!("前{i}"))).unwrap());
    }

    // 1. Single writes with 2 MiB left: refused, the free space named.
    let filler = fill(&disk.mnt, "filler");
    leave_free(&filler, 2 * MIB);
    for i in 0..20 {
        match store.create(person(1, &format!("満{i}"))) {
            Ok(r) => acknowledged.push(r),
            Err(e) => assert!(matches!(e, StoreError::DiskFull { .. }), "{e}"),
        }
    }
    let err = store.create(person(1, "満")).unwrap_err();
    assert!(err.to_string().contains("MB free"), "{err}");

    // 2. An import while the disk fills under it: all of it or none.
    std::fs::remove_file(&filler).unwrap();
    let big = people(10_000, 6_000, &"傾聴と同行支援、".repeat(30));
    // The filler starts once the first batch is in.
    let mut filling = None;
    let imported = store.import(big.clone(), &mut |done, _| {
        if filling.is_none() && done > 0 {
            let mnt = disk.mnt.clone();
            filling = Some(std::thread::spawn(move || fill(&mnt, "filler2")));
        }
    });
    let filler2 = match filling {
        Some(f) => f.join().unwrap(),
        None => fill(&disk.mnt, "filler2"),
    };
    match &imported {
        Ok(()) => acknowledged.extend(big.iter().cloned()),
        Err(e) => {
            println!("the import failed: {e}");
            assert!(matches!(e, StoreError::DiskFull { .. }), "{e}");
        }
    }

    // 3. The disk full to the last byte: close, and reopen on it.
    drop(store);
    let filler3 = fill(&disk.mnt, "filler3");
    match SledStore::open(&dir) {
        Ok(s) => {
            for r in &acknowledged {
                assert_eq!(s.get(r.id()).unwrap().as_ref(), Some(r));
            }
        }
        Err(e) => println!("reopening on the full disk: {e}"),
    }
    // What sled leaves when the disk fills while it writes a snapshot.
    if std::fs::read_dir(dir.join("db"))
        .unwrap()
        .flatten()
        .all(|e| !e.file_name().to_string_lossy().ends_with(".generating"))
    {
        let _ = std::fs::File::create(dir.join("db").join("snap.7FFFFFFFFFFFFFFF.generating"));
    }

    // 4. Space freed: it opens, everything acknowledged is there, check passes.
    for f in [&filler2, &filler3] {
        std::fs::remove_file(f).unwrap();
    }
    let mut store = server_open(&dir);
    store.set_disk_reserve(4 * MIB);
    for r in &acknowledged {
        assert_eq!(
            store.get(r.id()).unwrap().as_ref(),
            Some(r),
            "{} was lost",
            r.id()
        );
    }
    // All of the import or none of it.
    let landed = big
        .iter()
        .filter(|r| store.get(r.id()).unwrap().is_some())
        .count();
    assert!(
        landed == 0 || (landed == big.len() && imported.is_ok()),
        "{landed} of {} imported records are there after {imported:?}",
        big.len()
    );
    let report = store.check().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    println!("notices: {:?}", store.notices());
    store.create(person(1, "後")).unwrap();
}

/// Debug text of io or sled errors, which must never reach a user.
fn assert_in_words(what: &str, out: &std::process::Output) {
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for debug in ["Os {", "kind:", "Error("] {
        assert!(!said.contains(debug), "{what} said {debug:?}: {said}");
    }
}

#[test]
fn a_full_disk_is_read_from_and_every_refusal_is_in_words() {
    use server_common::{StopServers, run, serve_pids, text, triad_cmd, wait_until};
    let Some(disk) = Tmpfs::mount("48m") else {
        return;
    };
    let store = disk.mnt.join("store");
    let _stop = StopServers(store.clone());
    let triad = |args: &[&str]| {
        let mut cmd = triad_cmd(&store, args);
        cmd.env("TRIAD_DISK_RESERVE_MB", "1");
        run(cmd)
    };
    let out = triad(&["demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let before = triad(&["export"]);
    assert!(before.status.success(), "{}", text(&before.stderr));
    let _ = triad(&["serve", "--stop"]);
    wait_until("the demo's server has gone", || {
        serve_pids(&store).is_empty()
    });
    let _filler = fill(&disk.mnt, "filler");
    assert_eq!(triad::store::free_bytes(&disk.mnt).unwrap() / MIB, 0);

    // Reading needs no space: a fresh server opens it and answers.
    let check = triad(&["check"]);
    assert_in_words("check", &check);
    assert!(check.status.success(), "check: {}", text(&check.stderr));
    assert!(text(&check.stdout).contains("ok: no problems found"));
    let search = triad(&["search", "porio"]);
    assert_in_words("search", &search);
    assert!(
        search.status.success() && text(&search.stdout).contains("仙台ポリオの会"),
        "search: {}{}",
        text(&search.stdout),
        text(&search.stderr)
    );
    let export = triad(&["export"]);
    assert_in_words("export", &export);
    assert!(export.status.success(), "export: {}", text(&export.stderr));
    assert_eq!(
        text(&export.stdout)
            .lines()
            .filter(|l| l.contains("\"id\""))
            .count(),
        text(&before.stdout)
            .lines()
            .filter(|l| l.contains("\"id\""))
            .count(),
        "the export on the full disk has every record"
    );
    let report = triad(&["report", "attendance"]);
    assert_in_words("report", &report);

    // Writes are refused, with the free space and what they need.
    let file = disk._tmp.path().join("one.json");
    std::fs::write(&file, triad::exchange::to_json(vec![person(900, "新")])).unwrap();
    let import = triad(&["import", file.to_str().unwrap()]);
    assert_in_words("import", &import);
    assert_eq!(import.status.code(), Some(2), "{}", text(&import.stderr));
    let said = text(&import.stderr);
    assert!(
        said.contains("has 0 MB free, less than the") && said.contains("MB this write needs"),
        "{said}"
    );
    assert!(!said.contains("the 0 MB this write needs"), "{said}");
    let demo = triad(&["demo"]);
    assert_in_words("demo", &demo);
    assert!(!demo.status.success());
    // Other refusals the CLI can be led to: a missing store, a bad file.
    let missing = run(triad_cmd(&disk.mnt.join("none"), &["check"]));
    assert_in_words("a missing store", &missing);
    std::fs::write(&file, "{{{").unwrap();
    let bad = triad(&["import", file.to_str().unwrap()]);
    assert_in_words("a bad import", &bad);
    // A backup onto the full disk itself fails, in words.
    let onto = disk.mnt.join("onto-the-full-disk.bak");
    let backup = triad(&["backup", "--out", onto.to_str().unwrap()]);
    assert_in_words("a backup onto the full disk", &backup);
    assert!(!backup.status.success(), "{}", text(&backup.stderr));
    // A server whose writes were refused for space still stops when asked,
    // and says so only once it has gone.
    assert!(!serve_pids(&store).is_empty(), "the server went on its own");
    let stop = triad(&["serve", "--stop"]);
    assert_in_words("stop", &stop);
    assert!(stop.status.success(), "stop: {}", text(&stop.stderr));
    assert!(
        serve_pids(&store).is_empty(),
        "--stop said stopped while the server runs"
    );
}
