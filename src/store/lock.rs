//! Our own lock file, taken before sled opens: sled reports a held store
//! only as an `Io` error of kind `Other`, and we want a clear message fast.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use super::StoreError;

/// Held for as long as the store is open; the OS drops it if we die.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
}

impl StoreLock {
    pub fn take(dir: &Path) -> Result<StoreLock, StoreError> {
        let path = dir.join("triad.lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| StoreError::Io {
                path: path.clone(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => {
                // Whatever a holder before us wrote no longer holds.
                file.set_len(0)
                    .map_err(|source| StoreError::Io { path, source })?;
                Ok(StoreLock { _file: file })
            }
            Err(TryLockError::WouldBlock) => Err(StoreError::Locked(dir.to_path_buf())),
            Err(TryLockError::Error(source)) => Err(StoreError::Io { path, source }),
        }
    }

    /// Says in the lock file that a server holds the store, so a triad
    /// that finds it held knows to connect rather than give up.
    pub fn mark_serving(&self) -> std::io::Result<()> {
        use std::io::Write;
        (&self._file).write_all(SERVING)?;
        self._file.sync_all()
    }

    /// Whether the holder of the store in `dir` is a server.
    pub fn held_by_server(dir: &Path) -> bool {
        std::fs::read(dir.join("triad.lock")).is_ok_and(|b| b == SERVING)
    }
}

const SERVING: &[u8] = b"server\n";
