//! What crosses the socket. Every frame is a 4-byte big-endian length and a
//! JSON value (see `frame`). A connection starts with [`Hello`] and
//! [`Welcome`]; then the client sends [`Request`]s and the server answers
//! each with any number of [`Part`]s and one [`Part::Done`], all tagged with
//! the request's `seq`. Between answers the server may push [`Feed`] frames
//! to a client that subscribed.
//!
//! Requests are at the level of the app's effects (open a case, save a
//! form, search), not raw reads, so a screen costs one round trip.

use serde::{Deserialize, Serialize};

use crate::model::{Id, Record};
use crate::query::data::Hit;
use crate::query::request::{Reply, StoreEffect};
use crate::store::{CheckReport, StoreError};

/// Bumped whenever a frame's shape changes; a client and server of
/// different versions refuse each other with a message saying so.
pub const VERSION: u32 = 2;

/// No frame is larger: a client that claims more is dropped.
pub const MAX_FRAME: usize = 16 * 1024 * 1024;

/// Records per frame when a request streams records either way.
pub const RECORDS_PER_FRAME: usize = 1000;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Hello {
    pub version: u32,
    /// Push a [`Feed`] of changes to this connection.
    pub subscribe: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "welcome", rename_all = "snake_case")]
pub enum Welcome {
    Ok {
        version: u32,
        /// Who the server takes this connection to be (from the OS).
        user: String,
        /// What the server's config lets them do.
        role: crate::model::AccessRole,
        /// The store it serves.
        store: String,
        /// That store's identity (its random id in `meta`).
        #[serde(default)]
        store_id: String,
        /// Its directory's `device:inode`: a client tells by it whether
        /// the server serves the directory it asked for.
        #[serde(default)]
        store_home: String,
        /// What opening the store set right or upgraded (to coordinators,
        /// for a while after it opened): an on-demand server's own output
        /// goes nowhere, so whoever opened it hears it here.
        #[serde(default)]
        notices: Vec<String>,
    },
    Refused {
        reason: String,
    },
    /// Not yet: the store is still opening (or upgrading); sent every
    /// second until `Ok` or `Refused`.
    Wait {
        opening: crate::store::Opening,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Request {
    pub seq: u64,
    pub ask: Ask,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "ask", rename_all = "snake_case")]
pub enum Ask {
    /// One of the app's store effects; its replies stream back as
    /// [`Part::Reply`].
    Effect { effect: StoreEffect },
    /// The finder, narrowing from this connection's previous query.
    Search {
        query: String,
        limit: usize,
        /// Include notes that are not shared (not in meeting mode).
        restricted: bool,
    },
    /// Records for an export: everything, or one case and what it needs.
    Collect { case: Option<Id> },
    /// The Markdown report of a case, in the asker's language.
    CaseReport {
        case: Id,
        #[serde(default)]
        lang: crate::i18n::Lang,
        /// For a meeting: shared notes only, clients and family by initials.
        #[serde(default)]
        meeting: bool,
    },
    /// Figures over the records this reader may see (`triad report`).
    Report { request: crate::report::Request },
    /// A brief (see `crate::query::brief`), made from what the asker may see, in
    /// their language.
    Brief {
        request: crate::query::brief::BriefRequest,
    },
    /// Audit entries, oldest first (coordinators only): of one case, by
    /// one user, from one day on.
    Audit {
        #[serde(default)]
        case: Option<Id>,
        #[serde(default)]
        user: Option<String>,
        #[serde(default)]
        since: Option<crate::model::Date>,
    },
    /// Part of an import; nothing is written until [`Ask::ImportCommit`].
    ImportPart { records: Vec<Record> },
    /// Import every part sent on this connection, all or nothing; the
    /// store remembers `request`, so a client that lost the answer can ask.
    ImportCommit {
        #[serde(default, with = "crate::store::request_hex::option")]
        request: Option<crate::store::RequestId>,
        /// Why sent steps that no consent covers are imported anyway
        /// (`triad import --historical`): each becomes an override.
        #[serde(default)]
        historical: Option<String>,
    },
    /// Whether the import or save with this request id was applied: asked
    /// after a lost acknowledgement, answered (once writes in flight have
    /// finished) from the request ids the store keeps.
    Applied {
        #[serde(with = "crate::store::request_hex")]
        request: crate::store::RequestId,
    },
    /// Verify the store (coordinators only), and its audit trail against
    /// an anchor written outside it.
    Check {
        #[serde(default)]
        anchor: Option<crate::store::anchor::Anchor>,
    },
    /// Load the demo scenarios (and `scale` synthetic cases).
    Demo { scale: usize },
    /// A backup of the whole store into the file `out` (an absolute path),
    /// written by the server as one moment of the store (the owner only).
    Backup { out: std::path::PathBuf },
    /// Finish in-flight writes, flush and exit (the owner only).
    Stop,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum Part {
    Reply {
        reply: Box<Reply>,
    },
    /// An export left out records this reader may not see (said first).
    Filtered {
        reader: String,
        left_out: usize,
    },
    Hits {
        hits: Vec<Hit>,
    },
    Records {
        records: Vec<Record>,
    },
    Text {
        text: String,
    },
    Report {
        figures: Box<crate::report::Figures>,
    },
    Brief {
        brief: Box<crate::query::brief::Brief>,
    },
    Progress {
        done: usize,
        total: usize,
    },
    Check {
        report: CheckReport,
    },
    Audit {
        entries: Vec<crate::model::AuditEntry>,
    },
    /// The answer to [`Ask::Applied`].
    Applied {
        applied: bool,
    },
    /// A backup was written.
    Backup {
        summary: crate::store::BackupSummary,
    },
    /// The end of an answer: success, or why not.
    Done {
        result: Result<(), WireError>,
    },
}

/// What the server pushes without being asked.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "feed", rename_all = "snake_case")]
pub enum Feed {
    /// Records written, with their new revisions and the records they
    /// touch (a note touches its case), so a client knows what to reload;
    /// and the request that wrote them, so its sender knows its own.
    Changed {
        changes: Vec<Changed>,
        #[serde(default, with = "crate::store::request_hex::option")]
        request: Option<crate::store::RequestId>,
    },
    /// This client fell behind the feed: reload everything.
    Resync,
    /// The finder's index is ready (it is built after the store opens).
    Indexed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changed {
    pub id: Id,
    pub rev: u64,
    pub touches: Vec<Id>,
}

impl Changed {
    pub fn of(record: &Record, rev: u64) -> Changed {
        Changed {
            id: record.id(),
            rev,
            touches: record.references(),
        }
    }
}

/// Every frame the server sends.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "frame", rename_all = "snake_case")]
pub enum ServerFrame {
    Answer { seq: u64, part: Part },
    Feed { feed: Feed },
}

/// A store error as it crosses the socket: a stable code and the message
/// (never a debug dump of sled or io internals).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireError {
    pub code: ErrorCode,
    pub message: String,
    /// The form field it concerns, if any.
    #[serde(default)]
    pub field: Option<String>,
    /// For a conflict: the record as it is now, and its revision.
    #[serde(default)]
    pub current: Option<Box<(Record, u64)>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Locked,
    NotFound,
    Missing,
    NotAStore,
    Invalid,
    Refused,
    Conflict,
    Duplicate,
    Dangling,
    InUse,
    Full,
    TooNew,
    Corrupt,
    Storage,
    /// The store's disk is too full to write safely.
    DiskFull,
    /// A path was a symlink or another user's.
    UnsafePath,
    /// The store can only be read.
    ReadOnly,
    /// A backup file is damaged or not a backup.
    BadBackup,
    /// The request itself was wrong (a protocol error, not the store's).
    BadRequest,
    /// The user may not do this.
    Forbidden,
}

impl WireError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> WireError {
        WireError {
            code,
            message: message.into(),
            field: None,
            current: None,
        }
    }
}

impl From<&StoreError> for WireError {
    fn from(e: &StoreError) -> WireError {
        use StoreError as E;
        let code = match e {
            E::Locked(_) => ErrorCode::Locked,
            E::NotFound(_) => ErrorCode::NotFound,
            E::Missing(_) => ErrorCode::Missing,
            E::NotAStore(_) | E::NotNew(_) => ErrorCode::NotAStore,
            E::DuplicateInFile(_) | E::Duplicate(_) => ErrorCode::Duplicate,
            E::InvalidNew { .. } | E::Invalid { .. } => ErrorCode::Invalid,
            E::Refused { .. } => ErrorCode::Refused,
            E::Conflict { .. } => ErrorCode::Conflict,
            E::Full(_) => ErrorCode::Full,
            E::Dangling { .. } => ErrorCode::Dangling,
            E::InUse { .. } => ErrorCode::InUse,
            E::TooNew { .. } | E::TooNewLayout { .. } => ErrorCode::TooNew,
            E::Corrupt(_) => ErrorCode::Corrupt,
            E::DiskFull { .. } => ErrorCode::DiskFull,
            E::UnsafePath { .. } => ErrorCode::UnsafePath,
            E::ReadOnly { .. } => ErrorCode::ReadOnly,
            E::BadBackup { .. } => ErrorCode::BadBackup,
            E::Sled(sled::Error::Io(io)) | E::Io { source: io, .. }
                if crate::store::is_disk_full(io) =>
            {
                ErrorCode::DiskFull
            }
            E::Io { .. } | E::Sled(_) => ErrorCode::Storage,
        };
        WireError {
            code,
            message: e.to_string(),
            field: e.field().map(str::to_string),
            current: match e {
                E::Conflict { current, rev, .. } => Some(Box::new(((**current).clone(), *rev))),
                _ => None,
            },
        }
    }
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WireError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::request::StoreEffect;

    #[test]
    fn a_save_with_a_full_width_request_id_round_trips() {
        let request = Request {
            seq: 7,
            ask: Ask::Effect {
                effect: StoreEffect::Save {
                    request: u128::MAX - 5,
                    ops: vec![],
                },
            },
        };
        let text = serde_json::to_string(&request).unwrap();
        let back: Request = serde_json::from_str(&text).unwrap();
        match back.ask {
            Ask::Effect {
                effect: StoreEffect::Save { request, .. },
            } => assert_eq!(request, u128::MAX - 5),
            other => panic!("{other:?}"),
        }
        let feed = ServerFrame::Feed {
            feed: Feed::Changed {
                changes: vec![],
                request: Some(1 << 100),
            },
        };
        let back: ServerFrame =
            serde_json::from_str(&serde_json::to_string(&feed).unwrap()).unwrap();
        assert!(matches!(
            back,
            ServerFrame::Feed {
                feed: Feed::Changed { request: Some(r), .. }
            } if r == 1 << 100
        ));
    }
}
