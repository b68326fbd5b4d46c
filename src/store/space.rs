//! Free space before a write: sled that hits ENOSPC part way through can
//! leave a store that no longer opens (sled issue #1527), so a write that
//! would eat into the reserve is refused before it starts.

use std::path::Path;

use super::StoreError;

/// Kept free for sled's own work (segment rewrites, snapshots) on top of
/// the bytes a write adds.
pub const DEFAULT_RESERVE: u64 = 64 * 1024 * 1024;

/// `$TRIAD_DISK_RESERVE_MB` overrides the reserve (tests on a small disk).
pub const RESERVE_ENV: &str = "TRIAD_DISK_RESERVE_MB";

const MB: u64 = 1024 * 1024;

/// The reserve this process uses: the environment's, else the default.
pub fn reserve_from_env() -> u64 {
    std::env::var(RESERVE_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_RESERVE, |mb| mb * MB)
}

/// Bytes an unprivileged writer may still use on the filesystem of `dir`.
pub fn free_bytes(dir: &Path) -> std::io::Result<u64> {
    let stat = nix::sys::statvfs::statvfs(dir).map_err(std::io::Error::from)?;
    Ok(stat.blocks_available().saturating_mul(stat.fragment_size()))
}

/// Refuses, with the free space named, unless `reserve + bytes` are free.
/// `store` names the store in the message; `dir` is where sled writes.
pub fn ensure_room(store: &Path, dir: &Path, reserve: u64, bytes: u64) -> Result<(), StoreError> {
    let need = reserve.saturating_add(bytes);
    // A filesystem that cannot say (some FUSE ones) is not refused for it.
    let Ok(free) = free_bytes(dir) else {
        return Ok(());
    };
    if free >= need {
        return Ok(());
    }
    Err(StoreError::DiskFull {
        path: store.to_path_buf(),
        free_mb: free / MB,
        need_mb: need.div_ceil(MB),
    })
}

/// Why a store that opened on a full disk is read only (see `Reserved::open`).
pub const FULL_AT_OPEN: &str = "its disk was full when it was opened; once there is room, stop its server (`triad serve --stop`) and writes work again";

/// What [`why_read_only`] says of a read-only filesystem.
pub const READ_ONLY_FILESYSTEM: &str = "its filesystem is mounted read-only";

/// Why the store in `dir` can only be read, if it can: its filesystem is
/// mounted read-only, or its owner took away the write bits.
pub fn why_read_only(dir: &Path) -> Option<String> {
    use nix::sys::statvfs::{FsFlags, statvfs};
    use nix::unistd::{AccessFlags, access};
    if statvfs(dir).is_ok_and(|s| s.flags().contains(FsFlags::ST_RDONLY)) {
        return Some(READ_ONLY_FILESYSTEM.into());
    }
    let db = dir.join("db");
    for path in [
        dir.to_path_buf(),
        db.clone(),
        db.join("db"),
        db.join("conf"),
    ] {
        if path.exists() && access(&path, AccessFlags::W_OK).is_err() {
            return Some(format!(
                "you may not write to {}; its owner made it read-only",
                path.display()
            ));
        }
    }
    None
}

/// sled's "no space left on device" as [`StoreError::DiskFull`] (what
/// to do, not an io error's debug text); any other error as it is.
pub fn disk_full_or(e: sled::Error, store: &Path, reserve: u64) -> StoreError {
    match &e {
        sled::Error::Io(io)
            if io.raw_os_error() == Some(nix::libc::ENOSPC)
                || io.kind() == std::io::ErrorKind::StorageFull =>
        {
            let free = free_bytes(store).unwrap_or(0);
            // It ran out: it needed more than was free, whatever the reserve.
            StoreError::DiskFull {
                path: store.to_path_buf(),
                free_mb: free / MB,
                need_mb: reserve.div_ceil(MB).max(free / MB + 1),
            }
        }
        _ => StoreError::Sled(e),
    }
}

/// sled writes a snapshot to `snap.N.generating`, then renames it. One
/// left behind (a full disk, a kill) is taken for the newest snapshot and
/// every later open fails as "corrupted"; the data is all in the log. So
/// such files are moved out of `db/` into `set-aside/` (kept, not deleted),
/// and the names are returned to be reported.
pub fn set_aside_interrupted_snapshots(store: &Path) -> std::io::Result<Vec<String>> {
    let db = store.join("db");
    let Ok(entries) = std::fs::read_dir(&db) else {
        return Ok(Vec::new());
    };
    let mut moved = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.starts_with("snap.") && name.ends_with(".generating")) {
            continue;
        }
        let aside = store.join("set-aside");
        std::fs::create_dir_all(&aside)?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
        std::fs::rename(entry.path(), aside.join(format!("{name}.{stamp}")))?;
        moved.push(name);
    }
    Ok(moved)
}
