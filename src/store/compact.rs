//! `triad compact`: sled's files grow as records are rewritten (sled
//! issues #1374, #1333). A compaction writes a backup of the store, builds
//! a fresh `db` from it beside the old one, and swaps the two directories
//! in one `renameat2(RENAME_EXCHANGE)`. Until that call the old `db` is
//! the store, untouched; after it the new one is. Whatever is left beside
//! it (a half-built new `db`, or the old one after the swap, and the
//! backup) is removed when the store is next opened. The swap is made
//! only if the new files take less disk than the old: a compaction never
//! grows a store.

use std::fs;
use std::path::Path;

use super::sled_store::{SledStore, restrict_permissions};
use super::{Result, StoreError};

const NEW_DB: &str = "db.compact";
const BACKUP: &str = "compact.backup";

/// Sizes before and after (bytes on disk, as `du` counts them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Compacted {
    pub before_bytes: u64,
    pub after_bytes: u64,
    /// What the rewritten files took, kept or not.
    pub rewritten_bytes: u64,
    /// Whether the rewritten files were kept (they were smaller); if not,
    /// the store is as it was and `after_bytes == before_bytes`.
    pub kept_rewritten: bool,
    pub backup_bytes: u64,
    pub entries: u64,
}

/// Bytes a directory takes on disk (allocated blocks, as `du`): sled's
/// files are sparse, so their lengths say little about the disk.
pub(super) fn disk_usage(dir: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => disk_usage(&e.path()),
            Ok(m) => m.blocks() * 512,
            Err(_) => 0,
        })
        .sum()
}

/// Removes what an interrupted compaction left. Only with the store's
/// lock held (so no compaction is running), and only while `db` exists:
/// then it is the store, and these are spares.
pub(super) fn clear_leftovers(dir: &Path) -> std::io::Result<()> {
    if !dir.join("db").is_dir() {
        return Ok(());
    }
    // The backup a compaction (or a backup into the store) was writing.
    super::partial::clear(dir)?;
    super::partial::clear_old_names_in_store(dir)?;
    let new_db = dir.join(NEW_DB);
    if fs::symlink_metadata(&new_db).is_ok() {
        fs::remove_dir_all(&new_db)?;
    }
    match fs::remove_file(dir.join(BACKUP)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Compacts the store in `dir`, which no other triad may have open (a
/// running server holds it: the caller says to stop it).
pub fn compact(dir: &Path) -> Result<Compacted> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::Io { path, source }
    };
    let store = SledStore::open_existing(dir)?;
    if let Some(reason) = store.read_only() {
        return Err(StoreError::ReadOnly {
            path: dir.to_path_buf(),
            reason: reason.to_string(),
        });
    }
    // The backup and the new db need about the live data twice.
    let backup = dir.join(BACKUP);
    let summary = store.backup_to_file(&backup)?;
    let lock = store.close_keeping_lock();
    // Measured at rest, as the rewritten files will be (an open makes sled
    // allocate ahead).
    let before_bytes = disk_usage(&dir.join("db"));
    let new_db = dir.join(NEW_DB);
    super::backup::restore_db(&backup, &new_db)?;
    restrict_permissions(&new_db).map_err(io(&new_db))?;
    sync_dir(dir).map_err(io(dir))?;
    // Rewritten files are not always smaller (sled preallocates): the
    // store keeps whichever takes less disk.
    let rewritten_bytes = disk_usage(&new_db);
    let kept_rewritten = rewritten_bytes < before_bytes;
    if kept_rewritten {
        // The one step that changes which files are the store.
        nix::fcntl::renameat2(
            None,
            &dir.join("db"),
            None,
            &new_db,
            nix::fcntl::RenameFlags::RENAME_EXCHANGE,
        )
        .map_err(|e| io(dir)(std::io::Error::from(e)))?;
        sync_dir(dir).map_err(io(dir))?;
    }
    clear_leftovers(dir).map_err(io(dir))?;
    drop(lock);
    Ok(Compacted {
        before_bytes,
        after_bytes: disk_usage(&dir.join("db")),
        rewritten_bytes,
        kept_rewritten,
        backup_bytes: summary.file_bytes,
        entries: summary.entries,
    })
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}
