//! What a killed backup, restore or compaction left (partial files that
//! hold personal data) is removed by the next open of the store and by the
//! next backup into the same directory; one still being written is not.

use std::path::Path;

use triad::store::SledStore;

/// A pid that is surely dead: a child that has exited and been reaped.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

fn exists(dir: &Path, name: &str) -> bool {
    std::fs::symlink_metadata(dir.join(name)).is_ok()
}

#[test]
fn leftovers_of_killed_writers_are_removed_at_the_next_open_and_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    drop(SledStore::open(&dir).unwrap());
    let dead = dead_pid();
    let live = std::process::id();
    // As a compaction killed while writing its backup leaves them (the
    // old name too), and one a live process is still writing.
    let dead_file = format!(".triad-partial-{dead}-a1b2c3");
    let dead_dir = format!(".triad-partial-{dead}-d4e5f6");
    let live_file = format!(".triad-partial-{live}-g7h8i9");
    std::fs::write(dir.join(&dead_file), "health data").unwrap();
    std::fs::create_dir(dir.join(&dead_dir)).unwrap();
    std::fs::write(dir.join(&dead_dir).join("db"), "x").unwrap();
    std::fs::write(dir.join(&live_file), "being written").unwrap();
    std::fs::write(dir.join(".triad-backup-Xy12ab"), "health data").unwrap();
    let store = SledStore::open(&dir).unwrap();
    assert!(!exists(&dir, &dead_file));
    assert!(!exists(&dir, &dead_dir));
    assert!(!exists(&dir, ".triad-backup-Xy12ab"));
    assert!(exists(&dir, &live_file), "a live writer's file stays");
    // Beside a backup's destination: a server killed during `backup --out`.
    let out = tmp.path().join("backups");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join(&dead_file), "health data").unwrap();
    std::fs::write(out.join(&live_file), "being written").unwrap();
    std::fs::write(out.join("notes.txt"), "not ours").unwrap();
    store.backup_to_file(&out.join("today.backup")).unwrap();
    assert!(!exists(&out, &dead_file));
    assert!(exists(&out, &live_file));
    assert!(exists(&out, "notes.txt"));
    assert!(exists(&out, "today.backup"));
    // And the backup left nothing partial of its own.
    let partial: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".triad-") && *n != live_file)
        .collect();
    assert!(partial.is_empty(), "{partial:?}");
}
