//! Where records live. The rest of the program talks to the `Store` trait
//! only, so a client of `triad serve` can stand behind the same trait.

pub mod anchor;
mod backup;
mod chain;
mod compact;
mod error;
mod keys;
mod lock;
mod migrate;
mod partial;
mod paths;
mod progress;
mod scope;
mod sled_store;
mod space;

use std::path::PathBuf;

pub use backup::{BackupSummary, restore, verify_backup};
pub use compact::{Compacted, compact};
pub use error::{StoreError, UnsafeReason, io_words, is_disk_full};
pub use lock::StoreLock;
pub use migrate::{LAYOUT_VERSION, SCHEMA_VERSION};
pub use paths::{ensure_own, ensure_writable_dir};
pub use progress::{OpenStep, Opening, Progress};
pub use scope::Scope;
pub use sled_store::{AsUser, BATCH, CheckReport, Reserved, SledStore};
pub use space::{DEFAULT_RESERVE, READ_ONLY_FILESYSTEM, RESERVE_ENV, free_bytes, why_read_only};

use crate::model::{AuditAction, AuditEntry, Date, Entity, Id, Intent, Kind, Record};

/// A client-made id for one write: a request retried after a lost answer
/// is applied once, and the retry gets the first answer.
pub type RequestId = u128;

/// A request id on the wire, as 32 hex digits: serde's internally tagged
/// enums cannot carry 128-bit numbers.
pub mod request_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(id: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{id:032x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = String::deserialize(d)?;
        u128::from_str_radix(&text, 16).map_err(serde::de::Error::custom)
    }

    /// The same for an optional id.
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(id: &Option<u128>, s: S) -> Result<S::Ok, S::Error> {
            match id {
                Some(id) => super::serialize(id, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u128>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|t| u128::from_str_radix(&t, 16).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Every method that writes returns only after the write is on disk.
pub trait Store: Send + Sync {
    /// The record with that id, if any.
    fn get(&self, id: Id) -> Result<Option<Record>>;
    /// Stores a new record under the next free id of its kind (the id it
    /// carries is ignored) and returns it as stored.
    fn create(&self, record: Record) -> Result<Record> {
        let mut stored = self.apply(vec![Change::Create(record)])?;
        stored
            .pop()
            .ok_or_else(|| StoreError::Corrupt("a create returned nothing".into()))
    }
    /// Replaces an existing record.
    fn update(&self, record: Record) -> Result<()> {
        self.apply(vec![Change::Update(record)]).map(drop)
    }
    /// Several changes in one transaction: all of them or none (a note and
    /// the trust change it records). Returns the records as stored.
    fn apply(&self, changes: Vec<Change>) -> Result<Vec<Record>> {
        self.apply_request(None, changes)
    }
    /// [`Store::apply`], once per `request`: the ids of recent requests are
    /// kept in the same transaction, and a repeated one returns the records
    /// it stored the first time without writing again.
    fn apply_request(
        &self,
        request: Option<RequestId>,
        changes: Vec<Change>,
    ) -> Result<Vec<Record>>;
    /// The revision of each record (0 for one that does not exist). A
    /// record starts at 1 and every write to it adds one.
    fn revisions(&self, ids: &[Id]) -> Result<Vec<u64>>;
    /// Removes a record nothing refers to.
    fn delete(&self, id: Id) -> Result<()>;
    /// Adds records that carry their own ids, all or nothing; large sets are
    /// written in batches and rolled back on the next open if interrupted.
    fn import(&self, records: Vec<Record>, progress: &mut dyn FnMut(usize, usize)) -> Result<()>;
    /// Visits every record of a kind in id order until `visit` returns false.
    fn scan(&self, kind: Kind, visit: &mut dyn FnMut(Record) -> bool) -> Result<()>;
    /// The ids of records that refer to `id`, in id order.
    fn referrers(&self, id: Id) -> Result<Vec<Id>>;
    /// Records dated within `from..=to` (events, follow-ups, expiries, notes).
    fn dated(&self, from: Date, to: Date) -> Result<Vec<(Date, Id)>>;
    /// Writes an audit entry on its own (a view, a reveal, an export).
    fn log(
        &self,
        action: AuditAction,
        entity: Option<Id>,
        summary: crate::model::Summary,
    ) -> Result<()>;
    /// The audit trail, oldest first.
    fn audit_trail(&self) -> Result<Vec<AuditEntry>>;
    /// The newest `limit` audit entries about `case` (or any), newest first.
    fn audit_recent(&self, case: Option<Id>, limit: usize) -> Result<Vec<AuditEntry>> {
        let mut all = self.audit_trail()?;
        all.retain(|e| case.is_none_or(|c| e.case == Some(c) || e.entity == Some(c)));
        all.reverse();
        all.truncate(limit);
        Ok(all)
    }
    /// Who the audit trail names for this store's writes.
    fn user(&self) -> &str;
    /// The day this store's user last made a brief of the days ahead,
    /// before `today` (a brief's default "changed since").
    fn last_brief(&self, today: Date) -> Result<Option<Date>>;
    /// Remember, durably, that this store's user made a brief `today`.
    fn mark_brief(&self, today: Date) -> Result<()>;
}

/// Request ids for one session: a random base, then counting up, so two
/// sessions never make the same id.
#[derive(Clone, Debug)]
pub struct RequestIds {
    base: u128,
    next: u64,
}

impl RequestIds {
    pub fn new() -> RequestIds {
        use std::io::Read;
        let mut bytes = [0u8; 8];
        let random = std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut bytes))
            .is_ok();
        let high = if random {
            u64::from_be_bytes(bytes)
        } else {
            // No /dev/urandom: the clock and the pid still differ per session.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            nanos ^ (u64::from(std::process::id()) << 32)
        };
        RequestIds {
            base: u128::from(high) << 64,
            next: 0,
        }
    }

    pub fn next_id(&mut self) -> RequestId {
        self.next += 1;
        self.base | u128::from(self.next)
    }
}

impl Default for RequestIds {
    fn default() -> Self {
        RequestIds::new()
    }
}

/// One change of [`Store::apply`].
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "change", content = "with", rename_all = "snake_case")]
pub enum Change {
    /// A new record; its id is given by the store.
    Create(Record),
    /// An existing record replaced, whatever its revision (imports, tools).
    Update(Record),
    /// A plain edit made from revision `base`: refused with
    /// [`StoreError::Conflict`] if someone saved the record since.
    Edit { record: Record, base: u64 },
    /// An append to a record's history, applied to it as it is now, so
    /// two appends to one record never conflict.
    Append(Intent),
}

/// Typed conveniences over any `Store`.
pub trait StoreExt: Store {
    fn get_as<T: Entity>(&self, id: Id) -> Result<Option<T>> {
        Ok(self.get(id)?.and_then(T::from_record))
    }

    fn all<T: Entity>(&self) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.scan(T::KIND, &mut |r| {
            out.extend(T::from_record(r));
            true
        })?;
        Ok(out)
    }

    /// Records of one kind that refer to `id`.
    fn referring<T: Entity>(&self, id: Id) -> Result<Vec<T>> {
        let mut out = Vec::new();
        for rid in self.referrers(id)? {
            if rid.kind == T::KIND
                && let Some(r) = self.get_as::<T>(rid)?
            {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Every record, kinds in export order.
    fn everything(&self) -> Result<Vec<Record>> {
        let mut out = Vec::new();
        for kind in Kind::ALL {
            self.scan(kind, &mut |r| {
                out.push(r);
                true
            })?;
        }
        Ok(out)
    }
}

impl<S: Store + ?Sized> StoreExt for S {}

/// `--store`, else `$TRIAD_STORE` (clap reads both), else the XDG data directory.
pub fn default_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("triad")
}

/// The OS user, for the audit trail: looked up from the process's real uid
/// (`$USER` is whatever the caller sets it to).
pub fn os_user() -> String {
    let uid = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|v| v.split_whitespace().next().map(str::to_string))
        });
    let Some(uid) = uid else {
        return std::env::var("USER").unwrap_or_else(|_| "unknown".to_string());
    };
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() > 2 && f[2] == uid).then(|| f[0].to_string())
        })
        .unwrap_or_else(|| format!("uid {uid}"))
}
