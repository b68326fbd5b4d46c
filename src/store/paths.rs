//! Paths triad writes health data to must be its user's own: never a
//! symbolic link (which could point anywhere) and never a file or
//! directory that another user owns (who could read what we write, or
//! swap it). Checked with `lstat`, so nothing is followed to check it.

use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use super::{StoreError, UnsafeReason};

/// The effective uid: who files we create belong to.
pub fn my_uid() -> u32 {
    nix::unistd::geteuid().as_raw()
}

/// Why `meta` (from `symlink_metadata`) is not ours, if it is not.
pub fn unsafe_reason(meta: &Metadata) -> Option<UnsafeReason> {
    if meta.file_type().is_symlink() {
        Some(UnsafeReason::Symlink)
    } else if meta.uid() != my_uid() {
        Some(UnsafeReason::OwnedBy(meta.uid()))
    } else if !meta.is_file() && !meta.is_dir() {
        Some(UnsafeReason::NotAFile)
    } else {
        None
    }
}

/// `Ok` if `path` does not exist or is a file or directory of our own.
pub fn ensure_own(path: &Path) -> Result<(), StoreError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => match unsafe_reason(&meta) {
            None => Ok(()),
            Some(reason) => Err(StoreError::UnsafePath {
                path: path.to_path_buf(),
                reason,
            }),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// [`ensure_own`] for `dir` and everything under it (a store's `db/`).
pub fn ensure_own_tree(dir: &Path) -> Result<(), StoreError> {
    ensure_own(dir)?;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        ensure_own(&path)?;
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            ensure_own_tree(&path)?;
        }
    }
    Ok(())
}

/// A directory a file is about to be created in: it must be ours, or a
/// shared sticky directory (like /tmp) where only we can rename our files.
pub fn ensure_writable_dir(dir: &Path) -> Result<(), StoreError> {
    let meta = std::fs::metadata(dir).map_err(|source| StoreError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let sticky = meta.mode() & 0o1000 != 0;
    if meta.uid() == my_uid() || (meta.uid() == 0 && sticky) {
        Ok(())
    } else {
        Err(StoreError::UnsafePath {
            path: dir.to_path_buf(),
            reason: UnsafeReason::OwnedBy(meta.uid()),
        })
    }
}
