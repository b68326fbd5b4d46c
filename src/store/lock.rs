//! Our own lock file, taken before sled opens: sled reports a held store
//! only as an `Io` error of kind `Other`, and we want a clear message fast.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use super::StoreError;

/// Held for as long as the store is open; the OS drops it if we die.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
    /// Taken shared on a read-only store: it says nothing in the file.
    read_only: bool,
    /// The store directory's device and inode: a copy (`cp -a`) of the
    /// store copies the lock file too, and must not take it for its own.
    home: Option<(u64, u64)>,
}

/// A directory's device and inode.
fn home_of(dir: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir).ok().map(|m| (m.dev(), m.ino()))
}

impl StoreLock {
    pub fn take(dir: &Path) -> Result<StoreLock, StoreError> {
        let path = dir.join("triad.lock");
        use std::os::unix::fs::OpenOptionsExt;
        // Owner-only, and never through a symlink planted in its place.
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits())
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
                Ok(StoreLock {
                    _file: file,
                    read_only: false,
                    home: home_of(dir),
                })
            }
            Err(TryLockError::WouldBlock) => Err(StoreError::Locked(dir.to_path_buf())),
            Err(TryLockError::Error(source)) => Err(StoreError::Io { path, source }),
        }
    }

    /// On a store that can only be read: a shared lock on the lock file if
    /// there is one we may read (a writer holding it is "using the store"),
    /// else none (no one can write the store either).
    pub fn take_shared(dir: &Path) -> Result<Option<StoreLock>, StoreError> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = dir.join("triad.lock");
        let file = match OpenOptions::new()
            .read(true)
            .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits())
            .open(&path)
        {
            Ok(f) => f,
            Err(_) => return Ok(None),
        };
        match file.try_lock_shared() {
            Ok(()) => Ok(Some(StoreLock {
                _file: file,
                read_only: true,
                home: home_of(dir),
            })),
            Err(TryLockError::WouldBlock) => Err(StoreError::Locked(dir.to_path_buf())),
            Err(TryLockError::Error(source)) => Err(StoreError::Io { path, source }),
        }
    }

    /// Says in the lock file that a server holds the store and where it
    /// listens, so a triad that finds the store held connects there
    /// rather than give up.
    pub fn mark_serving(&self, socket: &Path) -> std::io::Result<()> {
        use std::io::Write;
        if self.read_only {
            // Clients find a read-only store's server by its socket's name.
            return Ok(());
        }
        let mut text = SERVING.as_bytes().to_vec();
        text.extend_from_slice(socket.as_os_str().as_encoded_bytes());
        text.push(b'\n');
        if let Some((dev, ino)) = self.home {
            text.extend_from_slice(format!("{HOME}{dev}:{ino}\n").as_bytes());
        }
        (&self._file).write_all(&text)?;
        self._file.sync_all()
    }

    /// The `device:inode` of the store directory `dir`, as a lock and a
    /// server's welcome name it.
    pub fn home(dir: &Path) -> Option<String> {
        home_of(dir).map(|(dev, ino)| format!("{dev}:{ino}"))
    }

    /// Whether the holder of the store in `dir` said it is a server.
    pub fn held_by_server(dir: &Path) -> bool {
        Self::serving_socket(dir).is_some()
    }

    /// Where the server that holds the store in `dir` said it listens (a
    /// server killed outright leaves this behind: connecting tells). None
    /// if the lock names another directory: it came with a copy of the
    /// store, and its server serves the original.
    pub fn serving_socket(dir: &Path) -> Option<std::path::PathBuf> {
        let text = std::fs::read_to_string(dir.join("triad.lock")).ok()?;
        let mut lines = text.strip_prefix(SERVING)?.lines();
        let path = lines.next()?;
        // A lock written before it named its directory is taken at its word.
        if let Some(home) = lines.find_map(|l| l.strip_prefix(HOME))
            && Some(home) != Self::home(dir).as_deref()
        {
            return None;
        }
        (!path.is_empty()).then(|| path.into())
    }
}

const SERVING: &str = "server\n";
/// The line naming the served directory's device and inode.
const HOME: &str = "store ";
