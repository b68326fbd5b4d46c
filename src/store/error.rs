//! What can go wrong with a store, each saying what to do next.

use std::path::PathBuf;

use crate::model::{Id, IntentError, Kind, Reason, Record, ValidationError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "another triad is using the store at {0}; close it first, or use `triad serve` so several people can share one store"
    )]
    Locked(PathBuf),
    #[error("{0} does not exist")]
    NotFound(Id),
    #[error(
        "there is no triad store at {0}; check --store or $TRIAD_STORE, or make one with `triad demo` or `triad import`"
    )]
    Missing(PathBuf),
    #[error(
        "{0} holds other files and is not a triad store; give --store an empty or new directory"
    )]
    NotAStore(PathBuf),
    #[error(
        "{} already holds files; restore goes into a new store only: give --store a new or empty directory", .0.display()
    )]
    NotNew(PathBuf),
    #[error("{0} appears twice in the file")]
    DuplicateInFile(Id),
    #[error("new {}: {error}", .kind.name())]
    InvalidNew { kind: Kind, error: ValidationError },
    #[error("no more {} ids are left in this store", .0.name())]
    Full(Kind),
    #[error("{0} already exists")]
    Duplicate(Id),
    #[error("{id}: {error}")]
    Invalid { id: Id, error: ValidationError },
    #[error("{id}: {error}")]
    Refused { id: Id, error: IntentError },
    #[error(
        "{id} was changed by someone else since you opened it (now at revision {rev}); compare, then re-apply yours or take theirs"
    )]
    Conflict {
        id: Id,
        rev: u64,
        current: Box<Record>,
    },
    #[error("{id} refers to {missing}, which does not exist")]
    Dangling { id: Id, missing: Id },
    #[error("{id} is still referred to by {by}; end its roles or dates instead of deleting it")]
    InUse { id: Id, by: Id },
    #[error(
        "the store at {path} has schema {found}, newer than this triad knows ({known}); upgrade triad"
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error(
        "the store at {} is in layout {found}, newer than this triad knows ({known}); upgrade triad to a build that reads layout {found}", .path.display()
    )]
    TooNewLayout {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error("the store is damaged: {0}; run `triad check` and restore from an export if needed")]
    Corrupt(String),
    #[error("cannot use the store at {}: {}", .path.display(), io_words(.source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the disk holding the store at {} has {free_mb} MB free, less than the {need_mb} MB this write needs with triad's reserve; nothing was written: free some space (or move the store), then try again", .path.display()
    )]
    DiskFull {
        path: PathBuf,
        free_mb: u64,
        need_mb: u64,
    },
    #[error("refusing {}: {reason}; nothing was read or written there", .path.display())]
    UnsafePath { path: PathBuf, reason: UnsafeReason },
    #[error(
        "the store at {} is open for reading only ({reason}); search, export and backup work, writes do not", .path.display()
    )]
    ReadOnly { path: PathBuf, reason: String },
    #[error("{} is not a usable triad backup: {reason}", .path.display())]
    BadBackup { path: PathBuf, reason: String },
    #[error("{}", sled_words(.0))]
    Sled(#[from] sled::Error),
}

/// An io error as a sentence: the disk full said so, never a debug dump.
pub fn io_words(e: &std::io::Error) -> String {
    if is_disk_full(e) {
        return "its disk is full; free some space (or move the store), then try again".into();
    }
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "permission denied; the store's files must be yours and writable by you".into()
        }
        // The OS's own words ("Input/output error (os error 5)").
        _ => e.to_string(),
    }
}

/// Whether an io error is "no space left on device".
pub fn is_disk_full(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(nix::libc::ENOSPC) || e.kind() == std::io::ErrorKind::StorageFull
}

/// A sled error as a sentence saying what to do (sled's own `Display`
/// prints io errors in their debug form).
fn sled_words(e: &sled::Error) -> String {
    match e {
        sled::Error::Io(io) => format!("the store's files could not be read or written: {}", io_words(io)),
        sled::Error::Corruption { .. } => "the store's files are damaged; run `triad check`, and restore from a backup if it fails".into(),
        sled::Error::CollectionNotFound(_) => "a part of the store is missing; run `triad check`, and restore from a backup if it fails".into(),
        sled::Error::Unsupported(why) => format!("the store cannot do this: {why}"),
        sled::Error::ReportableBug(why) => format!("the storage engine failed ({why}); stop the server (`triad serve --stop`) and try again"),
    }
}

/// Why a path was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnsafeReason {
    /// A symbolic link where triad expects its own file or directory.
    Symlink,
    /// Owned by another user (their uid).
    OwnedBy(u32),
    /// Neither a regular file nor a directory (a fifo, a device).
    NotAFile,
}

impl std::fmt::Display for UnsafeReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnsafeReason::Symlink => {
                f.write_str("it is a symbolic link, which triad never follows")
            }
            UnsafeReason::OwnedBy(uid) => write!(
                f,
                "it belongs to uid {uid}, not to you; triad keeps health data only in files of your own"
            ),
            UnsafeReason::NotAFile => f.write_str("it is not a regular file or directory"),
        }
    }
}

impl StoreError {
    /// Why, as data for the screen: a refusal's reason, a record that is
    /// not there, else the error's own words.
    pub fn as_reason(&self) -> Reason {
        match self {
            StoreError::NotFound(id) => Reason::NotFound { id: *id },
            other => other.reason().unwrap_or_else(|| Reason::Unreadable {
                detail: other.to_string(),
            }),
        }
    }

    /// Why a change was refused, for the screen to say in its language.
    pub fn reason(&self) -> Option<Reason> {
        match self {
            StoreError::Invalid { error, .. } | StoreError::InvalidNew { error, .. } => {
                Some(error.reason.clone())
            }
            StoreError::Refused { error, .. } => Some(error.reason()),
            StoreError::DiskFull {
                free_mb, need_mb, ..
            } => Some(Reason::DiskFull {
                free_mb: *free_mb,
                need_mb: *need_mb,
            }),
            StoreError::ReadOnly { reason, .. } => Some(Reason::StoreReadOnly {
                filesystem: reason == crate::store::READ_ONLY_FILESYSTEM,
            }),
            _ => None,
        }
    }

    /// The form field an error concerns, if it concerns one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            StoreError::Invalid { error, .. } | StoreError::InvalidNew { error, .. } => {
                Some(error.field)
            }
            StoreError::Refused { error, .. } => error.field(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn io_and_sled_errors_are_said_in_words_never_as_debug_text() {
        let full = || std::io::Error::from_raw_os_error(nix::libc::ENOSPC);
        let errors = [
            StoreError::Sled(sled::Error::Io(full())),
            StoreError::Sled(sled::Error::Io(std::io::Error::other("odd"))),
            StoreError::Sled(sled::Error::Corruption { at: None, bt: () }),
            StoreError::Sled(sled::Error::ReportableBug("x".into())),
            StoreError::Io {
                path: "/s".into(),
                source: full(),
            },
        ];
        for e in &errors {
            let wire = crate::server::protocol::WireError::from(e);
            for text in [e.to_string(), wire.message.clone()] {
                for debug in ["Os {", "kind:", "Error(", "IO error"] {
                    assert!(!text.contains(debug), "{text}");
                }
            }
        }
        assert!(
            errors[0].to_string().contains("disk is full"),
            "{}",
            errors[0]
        );
        assert_eq!(
            crate::server::protocol::WireError::from(&errors[0]).code,
            crate::server::protocol::ErrorCode::DiskFull
        );
    }

    #[test]
    fn a_store_error_reaches_the_screen_as_data_in_its_language() {
        let id = Id::new(Kind::Case, 99);
        let missing = StoreError::NotFound(id).as_reason();
        assert_eq!(Lang::Ja.reason(&missing), "C-0099 は存在しません");
        assert_eq!(Lang::En.reason(&missing), "C-0099 does not exist");
        // What has no reason of its own keeps its words, framed in the
        // screen's language.
        let corrupt = StoreError::Corrupt("bad page".into()).as_reason();
        let ja = Lang::Ja.reason(&corrupt);
        assert!(
            ja.starts_with("読み込めませんでした") && ja.contains("bad page"),
            "{ja}"
        );
    }
}
