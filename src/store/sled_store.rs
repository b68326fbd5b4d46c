//! `SledStore`: the embedded store. One tree per kind, two indexes (`refs`,
//! `dates`) and the audit trail, all written in one transaction per change
//! and flushed before a write returns.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::Utc;
use sled::transaction::{
    ConflictableTransactionError, ConflictableTransactionResult, TransactionError,
    TransactionalTree,
};
use sled::{Db, Transactional, Tree};

use super::anchor;
use super::chain::{self, Sealing};
use super::keys::{self, ID_LEN};
use super::lock::StoreLock;
use super::migrate::{self, LAYOUT_VERSION, SCHEMA_VERSION};
use super::progress::{OpenStep, Progress};
use super::{Change, RequestId, Result, Store, StoreError};
use super::{paths, space};
use crate::model::{
    AuditAction, AuditEntry, Consent, Date, Id, Intent, IntentError, Kind, Provision,
    ProvisionBasis, Reason, Record, ReferralStatus, Released, Summary, ValidationError,
};

/// Records per transaction for imports and demo data: one giant batch costs
/// several times the memory and disk of many small ones.
pub const BATCH: usize = 1000;

/// sled's default cache is 1 GiB; a coordinator's store needs far less.
pub(super) const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// How many recent request ids are kept to answer a retry: far more than
/// the writes a client can have had in flight when its connection broke.
const KEPT_REQUESTS: u64 = 10_000;

/// What a write with no record of its own needs on disk (an audit entry).
const SMALL_WRITE: u64 = 4096;

// Positions of the non-entity trees after the entity trees.
const REFS: usize = Kind::ALL.len();
const DATES: usize = REFS + 1;
const AUDIT: usize = REFS + 2;
const META: usize = REFS + 3;
const REVS: usize = REFS + 4;
const REQUESTS: usize = REFS + 5;
const REQUEST_LOG: usize = REFS + 6;
const SEALS: usize = REFS + 7;
const AUDIT_BY_CASE: usize = REFS + 8;

pub struct SledStore {
    path: PathBuf,
    db: Db,
    /// Entity trees in `Kind::ALL` order, then refs, dates, audit, meta,
    /// revisions, requests, request_log, seals, audit_by_case.
    trees: Vec<Tree>,
    /// Only what an audit entry on its own writes (audit, meta,
    /// audit_by_case): a view's entry is a small transaction.
    log_trees: Vec<Tree>,
    pending: Tree,
    user: String,
    /// Held by every write, so a check made before a transaction (delete's
    /// referrers, import's duplicates) cannot be raced by another thread.
    writing: Mutex<()>,
    /// Bytes kept free on the store's disk beyond each write's own.
    disk_reserve: u64,
    /// What opening set right, to tell the user (set-aside files).
    notices: Vec<String>,
    /// Why writes are refused, for a store that can only be read.
    read_only: Option<String>,
    _lock: Option<StoreLock>,
    /// A read-only store is opened from a private copy (sled cannot open
    /// files it may not write); removed when the store closes.
    _copy: Option<tempfile::TempDir>,
    /// Where opening (and upgrading) has got.
    progress: Progress,
}

/// Where a kind's tree sits in `trees`: its place in `Kind::ALL`, the
/// order the trees are opened in (by name), so the two cannot disagree.
fn tree_index(kind: Kind) -> usize {
    kind as usize
}

// `kind as usize` is its place in `Kind::ALL` (checked when compiling).
const _: () = {
    let mut i = 0;
    while i < Kind::ALL.len() {
        assert!(Kind::ALL[i] as usize == i);
        i += 1;
    }
};

type Tx = [TransactionalTree];
type TxResult<T> = ConflictableTransactionResult<T, StoreError>;

fn abort<T>(e: StoreError) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(e))
}

fn encode<T: serde::Serialize>(value: &T) -> Vec<u8> {
    // Our records hold only strings, numbers and dates: JSON can't fail on them.
    serde_json::to_vec(value).unwrap_or_default()
}

fn decode(bytes: &[u8]) -> Result<Record> {
    serde_json::from_slice(bytes)
        .map_err(|e| StoreError::Corrupt(format!("unreadable record: {e}")))
}

fn tx_result<T>(r: std::result::Result<T, TransactionError<StoreError>>) -> Result<T> {
    r.map_err(|e| match e {
        TransactionError::Abort(e) => e,
        TransactionError::Storage(e) => StoreError::Sled(e),
    })
}

impl SledStore {
    /// Opens (creating if needed) the store in `dir`, as the OS user.
    pub fn open(dir: &Path) -> Result<SledStore> {
        Self::open_as(dir, &super::os_user())
    }

    /// Opens the store, naming `user` in the audit trail.
    pub fn open_as(dir: &Path, user: &str) -> Result<SledStore> {
        Self::reserve(dir, user)?.open()
    }

    /// The fast half of opening: checks the directory and takes the lock,
    /// so "another triad is using it" is known at once; [`Reserved::open`]
    /// does the slow half (sled reads its log: seconds on a big store).
    pub fn reserve(dir: &Path, user: &str) -> Result<Reserved> {
        let io = |source| StoreError::Io {
            path: dir.to_path_buf(),
            source,
        };
        // Never a store reached through a symlink or in another user's
        // directory: they could read, or swap, what we write.
        paths::ensure_own(dir)?;
        // A directory holding other things is not ours to take over (nor to
        // change the permissions of).
        let is_store = |d: &Path| d.join("db").exists() || d.join("triad.lock").exists();
        if fs::read_dir(dir).is_ok_and(|mut e| e.next().is_some()) && !is_store(dir) {
            return Err(StoreError::NotAStore(dir.to_path_buf()));
        }
        // A store we may only read is read as it is: no directory made, no
        // mode changed, no lock file created.
        if dir.join("db").is_dir()
            && let Some(why) = space::why_read_only(dir)
        {
            paths::ensure_own(&dir.join("triad.lock"))?;
            paths::ensure_own_tree(&dir.join("db"))?;
            return Ok(Reserved {
                lock: StoreLock::take_shared(dir)?,
                dir: dir.to_path_buf(),
                user: user.to_string(),
                read_only: Some(why),
                progress: Progress::default(),
            });
        }
        // Health data: the directory is the owner's alone.
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io)?;
        tighten(dir).map_err(io)?;
        paths::ensure_own(&dir.join("triad.lock"))?;
        paths::ensure_own_tree(&dir.join("db"))?;
        Ok(Reserved {
            lock: Some(StoreLock::take(dir)?),
            dir: dir.to_path_buf(),
            user: user.to_string(),
            read_only: None,
            progress: Progress::default(),
        })
    }
}

/// A store directory checked and locked, not yet opened.
pub struct Reserved {
    dir: PathBuf,
    user: String,
    lock: Option<StoreLock>,
    read_only: Option<String>,
    progress: Progress,
}

impl Reserved {
    /// Where opening has got, for whoever waits for it.
    pub fn progress(&self) -> Progress {
        self.progress.clone()
    }

    /// Says in the lock file that a server holds the store.
    pub fn mark_serving(&self, socket: &Path) -> std::io::Result<()> {
        match &self.lock {
            Some(lock) => lock.mark_serving(socket),
            None => Ok(()),
        }
    }

    /// Who the audit trail will name.
    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn open(self) -> Result<SledStore> {
        let Reserved {
            dir,
            user,
            lock,
            read_only,
            progress,
        } = self;
        let dir = dir.as_path();
        let io = |source| StoreError::Io {
            path: dir.to_path_buf(),
            source,
        };
        // Read-only: sled works on a private copy; the store stays as it is.
        let copy = match read_only {
            Some(_) => Some(private_copy(dir).map_err(io)?),
            None => None,
        };
        let files = copy.as_ref().map_or(dir, |c| c.path());
        // Ours now (we hold the lock): leftovers of an interrupted snapshot
        // or compaction would stop sled opening, or take up the disk.
        let mut notices = Vec::new();
        for name in space::set_aside_interrupted_snapshots(files).map_err(io)? {
            notices.push(match copy {
                None => format!(
                    "set aside {name}, an unfinished snapshot (a full disk or a crash while it was written), into {}",
                    dir.join("set-aside").display()
                ),
                Some(_) => format!(
                    "left {name}, an unfinished snapshot, out of the copy this read-only store is read from"
                ),
            });
        }
        if read_only.is_none() {
            super::compact::clear_leftovers(dir).map_err(io)?;
        }
        let opened = open_sled(files);
        // sled pads its log out to a whole segment as it opens, so a disk
        // full to the last byte cannot open a store in place; reading needs
        // no space, so it is read from a private copy (in the temporary
        // directory, usually another disk) and only writes are refused.
        let (db, copy, read_only) = match opened {
            Err(StoreError::DiskFull {
                path,
                free_mb,
                need_mb,
            }) if copy.is_none() => {
                let full = || StoreError::DiskFull {
                    path: path.clone(),
                    free_mb,
                    need_mb,
                };
                let copy = private_copy(dir).map_err(|_| full())?;
                let db = open_sled(copy.path()).map_err(|_| full())?;
                notices.push(format!(
                    "the disk holding the store at {} has {free_mb} MB free: the store is open for reading only; free some space, then stop the server (`triad serve --stop`) to write again",
                    dir.display()
                ));
                (db, Some(copy), Some(space::FULL_AT_OPEN.to_string()))
            }
            other => (other?, copy, read_only),
        };
        let mut trees = Vec::new();
        for kind in Kind::ALL {
            trees.push(db.open_tree(kind.tree_name())?);
        }
        for name in [
            "refs",
            "dates",
            "audit",
            "meta",
            "revisions",
            "requests",
            "request_log",
            "seals",
            "audit_by_case",
        ] {
            trees.push(db.open_tree(name)?);
        }
        let pending = db.open_tree("pending_import")?;
        if read_only.is_none() {
            restrict_permissions(&dir.join("db")).map_err(io)?;
        }
        let log_trees = vec![
            trees[AUDIT].clone(),
            trees[META].clone(),
            trees[AUDIT_BY_CASE].clone(),
        ];
        let mut store = SledStore {
            path: dir.to_path_buf(),
            db,
            trees,
            log_trees,
            pending,
            user: user.to_string(),
            writing: Mutex::new(()),
            disk_reserve: space::reserve_from_env(),
            notices,
            read_only,
            _lock: lock,
            _copy: copy,
            progress,
        };
        store.upgrade_layout()?;
        store.upgrade_schema()?;
        store.start_chain()?;
        store.roll_back_interrupted_import()?;
        // Best effort: a store on a full disk must still open to be read;
        // its identity is recorded at a later open.
        if store.settle_identity().is_err() {
            store.notices.push(
                "could not record the store's identity (is the disk full?); it is recorded when the store is next opened".into(),
            );
        }
        Ok(store)
    }
}

impl SledStore {
    /// Opens a store that must already exist: commands that only read
    /// should not create an empty store at a mistyped path.
    pub fn open_existing(dir: &Path) -> Result<SledStore> {
        if !dir.join("db").exists() {
            return Err(StoreError::Missing(dir.to_path_buf()));
        }
        Self::open(dir)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What opening set right (files set aside), for the user to hear.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// Bytes kept free on the disk beyond each write's own (default 64 MiB,
    /// or `$TRIAD_DISK_RESERVE_MB`).
    pub fn set_disk_reserve(&mut self, bytes: u64) {
        self.disk_reserve = bytes;
    }

    /// Why writes are refused, if the store can only be read.
    pub fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    /// Refuses a write of about `bytes` that would leave the disk short,
    /// and every write to a store that can only be read.
    fn ensure_room(&self, bytes: u64) -> Result<()> {
        if let Some(reason) = &self.read_only {
            // Still full: say how much a write needs.
            if reason == space::FULL_AT_OPEN {
                space::ensure_room(&self.path, &self.path.join("db"), self.disk_reserve, bytes)?;
            }
            return Err(StoreError::ReadOnly {
                path: self.path.clone(),
                reason: reason.clone(),
            });
        }
        space::ensure_room(&self.path, &self.path.join("db"), self.disk_reserve, bytes)
    }

    /// Flushes everything to disk (every write already has; a server
    /// shutting down makes sure).
    pub fn flush_all(&self) -> Result<()> {
        self.flush()
    }

    fn tree(&self, kind: Kind) -> &Tree {
        &self.trees[tree_index(kind)]
    }

    fn flush(&self) -> Result<()> {
        self.db
            .flush()
            .map_err(|e| space::disk_full_or(e, &self.path, self.disk_reserve))?;
        Ok(())
    }

    /// One transaction over every tree, flushed before it returns: the
    /// shape of every single change.
    fn write<T>(&self, change: impl Fn(&Tx) -> TxResult<T>) -> Result<T> {
        let out = tx_result(self.trees[..].transaction(|t| change(t)))
            .map_err(|e| self.disk_full_or(e))?;
        self.flush()?;
        Ok(out)
    }

    /// The lock every write holds (a backup holds it to be one moment).
    pub(super) fn writing_lock(&self) -> MutexGuard<'_, ()> {
        self.writing()
    }

    pub(super) fn db(&self) -> &Db {
        &self.db
    }

    /// Closes the store but keeps its lock: a compaction swaps the files
    /// while no other triad may open them.
    pub(super) fn close_keeping_lock(self) -> Option<StoreLock> {
        let SledStore {
            db,
            trees,
            pending,
            _lock,
            ..
        } = self;
        drop((trees, pending));
        let _ = db.flush();
        drop(db);
        _lock
    }

    fn writing(&self) -> MutexGuard<'_, ()> {
        // A panic while holding it poisoned nothing on disk: carry on.
        self.writing.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Before a multi-batch import: every id it will write, then the mark,
    /// both on disk before the first record is.
    fn mark_pending(&self, records: &[Record]) -> Result<()> {
        if self.trees[META].get(keys::IMPORT_PENDING_KEY)?.is_some() {
            return Err(StoreError::Corrupt(
                "an earlier import was interrupted and not rolled back; reopen the store".into(),
            ));
        }
        self.pending.clear()?;
        for chunk in records.chunks(BATCH * 10) {
            let mut batch = sled::Batch::default();
            for r in chunk {
                batch.insert(&keys::id_bytes(r.id())[..], &[]);
            }
            self.pending.apply_batch(batch)?;
        }
        self.flush()?;
        self.trees[META].insert(keys::IMPORT_PENDING_KEY, &[1])?;
        self.flush()
    }

    /// The store's identity: a random id written at creation (or at the
    /// first open of an older store), with the directory it was given in
    /// (path, device, inode). Opened in another directory (`cp -a`, a copy
    /// on another disk) it is a copy: it gets an id of its own. Moved on
    /// the same disk (same inode) it keeps its id under the new path.
    fn settle_identity(&mut self) -> Result<()> {
        use std::os::unix::fs::MetadataExt;
        if self.read_only.is_some() {
            return Ok(());
        }
        let meta = &self.trees[META];
        let dir = fs::metadata(&self.path).map_err(|source| StoreError::Io {
            path: self.path.clone(),
            source,
        })?;
        let path = fs::canonicalize(&self.path).unwrap_or_else(|_| self.path.clone());
        let home = format!("{}:{} {}", dir.dev(), dir.ino(), path.display());
        let id = meta.get(keys::STORE_ID_KEY)?;
        let was = meta.get(keys::STORE_HOME_KEY)?;
        let was = was.as_deref().map(String::from_utf8_lossy);
        if id.is_some() && was.as_deref() == Some(home.as_str()) {
            return Ok(());
        }
        let same_inode = |w: &str| w.split(' ').next() == home.split(' ').next();
        let new_id = match (&id, &was) {
            (Some(_), Some(w)) if same_inode(w) => None,
            (Some(_), Some(w)) => {
                let from = w.split_once(' ').map_or("", |(_, p)| p);
                self.notices.push(format!(
                    "this store is a copy of the one at {from}: it has a new identity, so it never reaches that store's server"
                ));
                Some(random_id().map_err(|source| StoreError::Io {
                    path: self.path.clone(),
                    source,
                })?)
            }
            _ => Some(random_id().map_err(|source| StoreError::Io {
                path: self.path.clone(),
                source,
            })?),
        };
        self.write(|t| {
            if let Some(id) = &new_id {
                t[META].insert(keys::STORE_ID_KEY, id.as_bytes())?;
            }
            t[META].insert(keys::STORE_HOME_KEY, home.as_bytes())?;
            Ok(())
        })
    }

    /// The store's identity (see `settle_identity`); None for a read-only
    /// store written before identities.
    pub fn id(&self) -> Option<String> {
        let id = self.trees[META].get(keys::STORE_ID_KEY).ok()??;
        Some(String::from_utf8_lossy(&id).into_owned())
    }

    /// Puts every record into its kind's tree. The layout's version says
    /// whether to look; where records are is read from the records (each
    /// one's id), never from the tree's name: two released layouts put
    /// events in different trees. The move is one transaction, after a
    /// backup of the store as it was.
    fn upgrade_layout(&mut self) -> Result<()> {
        let meta = &self.trees[META];
        let found = match meta.get(keys::LAYOUT_KEY)? {
            Some(v) => Some(
                u32::try_from(keys::u64_from(Some(&v)))
                    .map_err(|_| StoreError::Corrupt("layout version".into()))?,
            ),
            None => None,
        };
        if let Some(found) = found {
            if found > LAYOUT_VERSION {
                return Err(StoreError::TooNewLayout {
                    path: self.path.clone(),
                    found,
                    known: LAYOUT_VERSION,
                });
            }
            if found == LAYOUT_VERSION {
                return Ok(());
            }
        }
        let mut moves: Vec<(Kind, Kind, Vec<u8>, Vec<u8>)> = Vec::new();
        let mut read = 0;
        for kind in Kind::ALL {
            for item in self.tree(kind).iter() {
                let (k, v) = item?;
                read += 1;
                self.progress.set(OpenStep::FindingRecords, read, 0);
                // Unreadable records stay where they are, for `check` to name.
                if let Some(real) = migrate::id_of(&v).map(|id| id.kind)
                    && real != kind
                {
                    moves.push((kind, real, k.to_vec(), v.to_vec()));
                }
            }
        }
        let mark = |t: &Tx| -> TxResult<()> {
            t[META].insert(keys::LAYOUT_KEY, &u64::from(LAYOUT_VERSION).to_be_bytes())?;
            Ok(())
        };
        if moves.is_empty() {
            return self.write(mark);
        }
        let from = found.map_or("an older layout".to_string(), |f| format!("layout {f}"));
        let backup = match self.read_only {
            // The private copy is migrated; the store itself is not touched.
            Some(_) => None,
            None => {
                self.progress.set(OpenStep::BackingUp, 0, 0);
                let file = self.path.join(format!(
                    "before-layout-{LAYOUT_VERSION}-{}.backup",
                    Utc::now().format("%Y%m%dT%H%M%SZ")
                ));
                self.backup_to_file(&file)?;
                Some(file)
            }
        };
        let of = moves.len() as u64;
        self.write(|t| {
            for (from, _, k, _) in &moves {
                t[tree_index(*from)].remove(&k[..])?;
            }
            for (done, (_, to, k, v)) in moves.iter().enumerate() {
                self.progress.set(OpenStep::MovingRecords, done as u64, of);
                // Whatever is still there belongs where it is: two records
                // with one id cannot both be kept.
                if t[tree_index(*to)].insert(&k[..], &v[..])?.is_some() {
                    let id = Id::new(*to, keys::u64_from(Some(k)));
                    return abort(StoreError::Corrupt(format!(
                        "{id} is stored twice, in two trees; nothing was moved"
                    )));
                }
            }
            mark(t)
        })?;
        self.notices.push(match backup {
            Some(file) => format!(
                "upgraded the store from {from} to layout {LAYOUT_VERSION}: moved {} records to their kinds' trees; the store as it was is backed up in {} (remove it once you are content)",
                moves.len(),
                file.display()
            ),
            None => format!(
                "read the store in {from}; it is upgraded when it is next opened for writing"
            ),
        });
        Ok(())
    }

    fn upgrade_schema(&self) -> Result<()> {
        let meta = &self.trees[META];
        let found = match meta.get(keys::SCHEMA_KEY)? {
            Some(v) => u32::try_from(keys::u64_from(Some(&v)))
                .map_err(|_| StoreError::Corrupt("schema version".into()))?,
            None => {
                meta.insert(keys::SCHEMA_KEY, &u64::from(SCHEMA_VERSION).to_be_bytes())?;
                self.flush()?;
                return Ok(());
            }
        };
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        for step in migrate::steps_from(found) {
            let mut done = 0;
            for kind in Kind::ALL {
                let tree = self.tree(kind);
                let mut batch = sled::Batch::default();
                for item in tree.iter() {
                    let (k, v) = item?;
                    done += 1;
                    self.progress.set(OpenStep::RewritingRecords, done, 0);
                    let mut value: serde_json::Value = serde_json::from_slice(&v)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    (step.rewrite)(&mut value);
                    batch.insert(k, encode(&value));
                }
                tree.apply_batch(batch)?;
            }
            meta.insert(keys::SCHEMA_KEY, &u64::from(step.to).to_be_bytes())?;
            self.flush()?;
        }
        Ok(())
    }

    /// A store made before the audit trail was chained: its records are
    /// sealed as they are, in batches, and the chain starts after its last
    /// entry. Never again once the chain has a head (a removed marker is
    /// reported by `check`, not papered over).
    fn start_chain(&self) -> Result<()> {
        let meta = &self.trees[META];
        if meta.get(chain::CHAIN_START_KEY)?.is_some() || meta.get(chain::HEAD_KEY)?.is_some() {
            return Ok(());
        }
        let start = keys::u64_from(meta.get(keys::AUDIT_SEQ_KEY)?.as_deref()) + 1;
        let mut ids = Vec::new();
        for kind in Kind::ALL {
            for k in self.tree(kind).iter().keys() {
                let num = keys::u64_from(Some(&k?));
                ids.push(Id::new(kind, num));
            }
        }
        let mark = |t: &Tx| -> TxResult<()> {
            t[META].insert(chain::CHAIN_START_KEY, &start.to_be_bytes())?;
            Ok(())
        };
        if ids.is_empty() {
            return self.write(mark);
        }
        let of = ids.len() as u64;
        for (n, chunk) in ids.chunks(BATCH).enumerate() {
            self.progress.set(OpenStep::Sealing, (n * BATCH) as u64, of);
            let summary = Summary::Sealed {
                records: chunk.len(),
            };
            self.write(|t| {
                mark(t)?;
                let mut sealing = Sealing::default();
                for id in chunk {
                    if let Some(bytes) = t[tree_index(id.kind)].get(keys::record_key(*id))? {
                        seal_tx(t, *id, &bytes, &mut sealing)?;
                    }
                }
                let entry = Entry::new(&self.user, AuditAction::Seal, None, None, summary.clone());
                audit(t, entry, sealing)
            })?;
        }
        Ok(())
    }

    /// An import of several batches marks itself pending first; if we find
    /// the mark, the import died half way and its records come out again.
    fn roll_back_interrupted_import(&self) -> Result<()> {
        if self.trees[META].get(keys::IMPORT_PENDING_KEY)?.is_none() {
            return Ok(());
        }
        let mut ids: Vec<Id> = Vec::new();
        for k in self.pending.iter().keys() {
            ids.extend(keys::id_from_bytes(&k?));
        }
        for chunk in ids.chunks(BATCH) {
            self.write(|t| {
                let mut sealing = Sealing::default();
                for id in chunk {
                    let Some(old) = t[tree_index(id.kind)].remove(&keys::record_key(*id))? else {
                        continue;
                    };
                    let old = decode(&old).or_else(abort)?;
                    unindex(t, &old)?;
                    t[REVS].remove(&keys::id_bytes(*id))?;
                    unseal_tx(t, *id, &mut sealing)?;
                }
                let summary = Summary::RolledBack {
                    records: chunk.len(),
                };
                let entry = Entry::new(&self.user, AuditAction::Delete, None, None, summary);
                audit(t, entry, sealing)
            })?;
        }
        // The mark goes only once the records are gone (a crash before this
        // rolls back again, harmlessly); the id list after it.
        let summary = Summary::RolledBack { records: ids.len() };
        self.write(|t| {
            t[META].remove(keys::IMPORT_PENDING_KEY)?;
            let entry = Entry::new(&self.user, AuditAction::Import, None, None, summary.clone());
            audit(t, entry, Sealing::default())
        })?;
        self.pending.clear()?;
        Ok(())
    }

    /// A new record under the next free number of its kind.
    fn create_tx(&self, t: &Tx, user: &str, mut rec: Record) -> TxResult<Record> {
        let kind = rec.kind();
        let ck = keys::counter_key(kind);
        let num = keys::u64_from(t[META].get(&ck)?.as_deref()) + 1;
        if num > Id::MAX_NUM {
            return abort(StoreError::Full(kind));
        }
        rec.set_id(Id::new(kind, num));
        Self::check_refs_tx(t, &rec)?;
        let mut sealing = Sealing::default();
        Self::put_new(t, &rec, &mut sealing)?;
        let entry = Entry::new(
            user,
            AuditAction::Create,
            Some(rec.id()),
            rec.case(),
            Summary::Created { kind },
        );
        audit(t, entry, sealing)?;
        Ok(rec)
    }

    /// A record replaced, its history kept (see `Record::check_successor`).
    fn update_tx(&self, t: &Tx, user: &str, record: &Record) -> TxResult<()> {
        if let Record::Referral(new) = record
            && let Some(old) = t[tree_index(Kind::Referral)].get(keys::record_key(new.id))?
            && let Record::Referral(old) = decode(&old).or_else(abort)?
        {
            if sent_steps(new) > sent_steps(&old) {
                return abort(StoreError::Invalid {
                    id: new.id,
                    error: not_sent_by_edit(),
                });
            }
            // Information already went to the old receiver.
            if sent_steps(&old) > 0 && new.to != old.to {
                let error = ValidationError::new(
                    "to",
                    Reason::ReceiverFixed {
                        id: new.id,
                        to: old.to,
                    },
                );
                return abort(StoreError::Invalid { id: new.id, error });
            }
            Self::refuse_newly_uncovered(t, &old, new)?;
        }
        let summary = Summary::Updated {
            kind: record.kind(),
        };
        self.update_said(t, user, record, summary)
    }

    /// [`Self::update_tx`] with the audit entry's own summary.
    fn update_said(&self, t: &Tx, user: &str, record: &Record, summary: Summary) -> TxResult<()> {
        let id = record.id();
        let tree = &t[tree_index(id.kind)];
        let Some(old) = tree.get(keys::record_key(id))? else {
            return abort(StoreError::NotFound(id));
        };
        let old = decode(&old).or_else(abort)?;
        if let Err(error) = record.check_successor(&old) {
            return abort(StoreError::Invalid { id, error });
        }
        Self::check_refs_tx(t, record)?;
        unindex(t, &old)?;
        let bytes = encode(record);
        tree.insert(&keys::record_key(id), bytes.as_slice())?;
        index(t, record)?;
        let rev = revision_tx(t, id)? + 1;
        t[REVS].insert(&keys::id_bytes(id), &rev.to_be_bytes())?;
        let mut sealing = Sealing::default();
        seal_tx(t, id, &bytes, &mut sealing)?;
        let entry = Entry::new(user, AuditAction::Update, Some(id), record.case(), summary);
        audit(t, entry, sealing)
    }

    /// The provision rule on a referral as it will be stored: a change
    /// (an edit, a corrected step) that leaves a sent step uncovered where
    /// it was covered before is refused.
    fn refuse_newly_uncovered(
        t: &Tx,
        old: &crate::model::Referral,
        new: &crate::model::Referral,
    ) -> TxResult<()> {
        let read = |id: Id| -> Option<Record> {
            let bytes = t[tree_index(id.kind)].get(keys::record_key(id)).ok()??;
            decode(&bytes).ok()
        };
        let consent = |id: Id| match read(id) {
            Some(Record::Consent(c)) => Some(c),
            _ => None,
        };
        let client = match read(new.case) {
            Some(Record::Case(c)) => c.client,
            _ => None,
        };
        let before = old.uncovered_provisions(client, &consent);
        if let Some(step) = new
            .uncovered_provisions(client, &consent)
            .into_iter()
            .find(|s| !before.contains(s))
        {
            let error = ValidationError::new("on", Reason::UncoveredProvision { step, to: new.to });
            return abort(StoreError::Invalid { id: new.id, error });
        }
        Ok(())
    }

    /// Writes one validated, reference-checked record inside a transaction.
    fn put_new(t: &Tx, rec: &Record, sealing: &mut Sealing) -> TxResult<()> {
        let id = rec.id();
        let tree = &t[tree_index(id.kind)];
        if tree.get(keys::record_key(id))?.is_some() {
            return abort(StoreError::Duplicate(id));
        }
        let bytes = encode(rec);
        tree.insert(&keys::record_key(id), bytes.as_slice())?;
        seal_new_tx(t, id, &bytes, sealing)?;
        index(t, rec)?;
        t[REVS].insert(&keys::id_bytes(id), &1u64.to_be_bytes())?;
        // Keep the counter past every id in use, so `create` never collides.
        let ck = keys::counter_key(id.kind);
        if keys::u64_from(t[META].get(&ck)?.as_deref()) < id.num {
            t[META].insert(ck, &id.num.to_be_bytes())?;
        }
        Ok(())
    }

    /// A plain edit, refused if the record moved past `base` meanwhile.
    fn edit_tx(&self, t: &Tx, user: &str, record: &Record, base: u64) -> TxResult<()> {
        let id = record.id();
        let rev = revision_tx(t, id)?;
        if rev != base {
            let Some(current) = t[tree_index(id.kind)].get(keys::record_key(id))? else {
                return abort(StoreError::NotFound(id));
            };
            let current = Box::new(decode(&current).or_else(abort)?);
            return abort(StoreError::Conflict { id, rev, current });
        }
        self.update_tx(t, user, record)
    }

    /// An append applied to the record as it is now, by `user`.
    /// `consents`: the ids of the consents of the client of a referral
    /// being sent (read before the transaction, under the write lock).
    fn append_tx(&self, t: &Tx, user: &str, intent: &Intent, consents: &[Id]) -> TxResult<Record> {
        let id = intent.target();
        let Some(current) = t[tree_index(id.kind)].get(keys::record_key(id))? else {
            return abort(StoreError::NotFound(id));
        };
        let mut record = decode(&current).or_else(abort)?;
        let before = record.clone();
        if let Err(error) = intent.apply(&mut record, user, Utc::now()) {
            return abort(StoreError::Refused { id, error });
        }
        // A corrected step's day is judged as a sent one's was.
        if let (Intent::CorrectStep { .. }, Record::Referral(old), Record::Referral(new)) =
            (intent, &before, &record)
        {
            Self::refuse_newly_uncovered(t, old, new)?;
        }
        let mut summary = Summary::Updated { kind: id.kind };
        if let (
            Intent::ReferralStep {
                status: ReferralStatus::Sent,
                on,
                override_reason,
                ..
            },
            Record::Referral(r),
        ) = (intent, &mut record)
        {
            let provision = Self::consent_gate(t, r, consents, *on, override_reason.as_deref())
                .map_err(|error| {
                    ConflictableTransactionError::Abort(StoreError::Refused { id, error })
                })?;
            summary = Summary::Sent {
                to: provision.to,
                consent: match &provision.basis {
                    ProvisionBasis::Consent { consent } => Some(*consent),
                    ProvisionBasis::Override { .. } => None,
                },
            };
            if let Some(step) = r.history.last_mut() {
                step.provision = Some(provision);
            }
            if let Err(error) = record.validate() {
                return abort(StoreError::Invalid { id, error });
            }
        }
        self.update_said(t, user, &record, summary)?;
        Ok(record)
    }

    /// A referral is sent only under an active consent of its client that
    /// covers information sharing with the receiver, or a coordinator's
    /// written override (the server lets only coordinators give one).
    fn consent_gate(
        t: &Tx,
        r: &crate::model::Referral,
        consent_ids: &[Id],
        on: Date,
        override_reason: Option<&str>,
    ) -> Result<Provision, IntentError> {
        let read = |id: Id| -> Option<Record> {
            let bytes = t[tree_index(id.kind)].get(keys::record_key(id)).ok()??;
            decode(&bytes).ok()
        };
        let client = match read(r.case) {
            Some(Record::Case(c)) => c.client,
            _ => None,
        };
        let consents: Vec<Consent> = consent_ids
            .iter()
            .filter_map(|&c| match read(c) {
                Some(Record::Consent(c)) => Some(c),
                _ => None,
            })
            .collect();
        let provision = |items: Vec<String>, basis| Provision {
            to: r.to,
            items,
            on,
            basis,
        };
        match (
            crate::model::consent_basis(&consents, r.case, client, r.to, on),
            override_reason,
        ) {
            (Ok(c), _) => Ok(provision(
                c.scope.information.clone(),
                ProvisionBasis::Consent { consent: c.id },
            )),
            (Err(_), Some(reason)) if !reason.trim().is_empty() => Ok(provision(
                Vec::new(),
                ProvisionBasis::Override {
                    reason: reason.trim().to_string(),
                },
            )),
            (Err(refusal), _) => Err(IntentError::Consent(refusal)),
        }
    }

    /// For each referral these changes send: the consents of its client.
    /// A body whose parent chain would come back to it (a body inside a
    /// body inside itself) is refused. Read under the write lock, so the
    /// chain cannot change before the write.
    fn refuse_parent_cycles(&self, changes: &[Change]) -> Result<()> {
        for change in changes {
            let (Change::Create(Record::Body(b))
            | Change::Update(Record::Body(b))
            | Change::Edit {
                record: Record::Body(b),
                ..
            }) = change
            else {
                continue;
            };
            let mut seen = vec![b.id];
            let mut next = b.parent;
            while let Some(p) = next {
                if seen.contains(&p) {
                    let error = ValidationError::new("parent", Reason::ParentCycle);
                    return Err(StoreError::Invalid { id: b.id, error });
                }
                seen.push(p);
                next = match self.get(p)? {
                    Some(Record::Body(parent)) => parent.parent,
                    _ => None,
                };
            }
        }
        Ok(())
    }

    /// What a provision was made under cannot be changed so that it no
    /// longer covers it: a consent edited (a receiver taken out, a start
    /// moved past it) or withdrawn on a day before the provision, or a
    /// case given another client. The same rule as sending. Read under
    /// the write lock (a transaction cannot list a record's referrers).
    fn refuse_uncovering_consents(&self, changes: &[Change]) -> Result<()> {
        for change in changes {
            let new = match change {
                Change::Update(r @ (Record::Consent(_) | Record::Case(_)))
                | Change::Edit {
                    record: r @ (Record::Consent(_) | Record::Case(_)),
                    ..
                } => r.clone(),
                Change::Append(i @ Intent::WithdrawConsent { consent, .. }) => {
                    let Some(mut r) = self.get(*consent)? else {
                        continue;
                    };
                    // Refused by the store itself if it does not apply.
                    if i.apply(&mut r, "", Utc::now()).is_err() {
                        continue;
                    }
                    r
                }
                _ => continue,
            };
            let id = new.id();
            let Some(old) = self.get(id)? else {
                continue;
            };
            // The store's records, with `with` in place of its own.
            let read = |with: &Record, want: Id| {
                if want == id {
                    return Some(with.clone());
                }
                self.get(want).ok().flatten()
            };
            for rid in self.referrers(id)? {
                let Some(Record::Referral(r)) = self.get(rid)? else {
                    continue;
                };
                let uncovered = |with: &Record| {
                    let client = match read(with, r.case) {
                        Some(Record::Case(c)) => c.client,
                        _ => None,
                    };
                    let consent = |k: Id| match read(with, k) {
                        Some(Record::Consent(c)) => Some(c),
                        _ => None,
                    };
                    r.uncovered_provisions(client, &consent)
                };
                let before = uncovered(&old);
                if uncovered(&new).iter().any(|s| !before.contains(s)) {
                    let error = ValidationError::new(
                        if id.kind == Kind::Case {
                            "client"
                        } else {
                            "granted_to"
                        },
                        Reason::ConsentRelied {
                            consent: id,
                            referral: r.id,
                        },
                    );
                    return Err(StoreError::Invalid { id, error });
                }
            }
        }
        Ok(())
    }

    fn gate_consents(&self, changes: &[Change]) -> Result<Vec<(Id, Vec<Id>)>> {
        let mut out = Vec::new();
        for change in changes {
            let Change::Append(Intent::ReferralStep {
                referral,
                status: ReferralStatus::Sent,
                ..
            }) = change
            else {
                continue;
            };
            let Some(Record::Referral(r)) = self.get(*referral)? else {
                continue;
            };
            let Some(Record::Case(case)) = self.get(r.case)? else {
                continue;
            };
            let Some(client) = case.client else {
                continue;
            };
            let consents = self
                .referrers(client)?
                .into_iter()
                .filter(|id| id.kind == Kind::Consent)
                .collect();
            out.push((*referral, consents));
        }
        Ok(out)
    }

    /// The answer a request got the first time, if it was seen before.
    fn answered_tx(t: &Tx, request: RequestId) -> TxResult<Option<Vec<Record>>> {
        let Some(bytes) = t[REQUESTS].get(request.to_be_bytes())? else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("unreadable request record: {e}")))
            .or_else(abort)
    }

    /// Remembers a request's answer, forgetting the oldest past the limit.
    fn remember_tx(t: &Tx, request: RequestId, stored: &[Record]) -> TxResult<()> {
        t[REQUESTS].insert(&request.to_be_bytes(), encode(&stored))?;
        let seq = keys::u64_from(t[META].get(keys::REQUEST_SEQ_KEY)?.as_deref()) + 1;
        t[META].insert(keys::REQUEST_SEQ_KEY, &seq.to_be_bytes())?;
        t[REQUEST_LOG].insert(&seq.to_be_bytes(), &request.to_be_bytes())?;
        if seq > KEPT_REQUESTS
            && let Some(old) = t[REQUEST_LOG].remove(&(seq - KEPT_REQUESTS).to_be_bytes())?
        {
            t[REQUESTS].remove(old)?;
        }
        Ok(())
    }

    fn check_refs_tx(t: &Tx, rec: &Record) -> TxResult<()> {
        for r in rec.references() {
            if t[tree_index(r.kind)].get(keys::record_key(r))?.is_none() {
                return abort(StoreError::Dangling {
                    id: rec.id(),
                    missing: r,
                });
            }
        }
        Ok(())
    }

    fn write_batch(
        &self,
        user: &str,
        batch: &[Record],
        summary: Summary,
        request: Option<RequestId>,
    ) -> Result<()> {
        tx_result(self.trees[..].transaction(|t| {
            let mut sealing = Sealing::default();
            for rec in batch {
                Self::put_new(t, rec, &mut sealing)?;
            }
            if let Some(req) = request {
                Self::remember_tx(t, req, &[])?;
            }
            let entry = Entry::new(user, AuditAction::Import, None, None, summary.clone());
            audit(t, entry, sealing)
        }))
        .map_err(|e| self.disk_full_or(e))
    }

    /// sled's "no space left" as [`StoreError::DiskFull`].
    fn disk_full_or(&self, e: StoreError) -> StoreError {
        match e {
            StoreError::Sled(e) => space::disk_full_or(e, &self.path, self.disk_reserve),
            other => other,
        }
    }

    /// Checks an import against itself and the store before anything is written.
    fn check_import(&self, records: &[Record]) -> Result<()> {
        let mut ids = HashSet::with_capacity(records.len());
        for rec in records {
            let id = rec.id();
            rec.validate()
                .map_err(|error| StoreError::Invalid { id, error })?;
            if !ids.insert(id) {
                return Err(StoreError::DuplicateInFile(id));
            }
            if self.tree(id.kind).contains_key(keys::record_key(id))? {
                return Err(StoreError::Duplicate(id));
            }
        }
        for rec in records {
            for r in rec.references() {
                if !ids.contains(&r) && !self.tree(r.kind).contains_key(keys::record_key(r))? {
                    return Err(StoreError::Dangling {
                        id: rec.id(),
                        missing: r,
                    });
                }
            }
        }
        Ok(())
    }

    /// [`Store::apply_request`] made by `user`: the audit trail names them,
    /// and so does every step an intent adds.
    pub fn apply_as(
        &self,
        user: &str,
        request: Option<RequestId>,
        changes: Vec<Change>,
    ) -> Result<Vec<Record>> {
        for change in &changes {
            match change {
                Change::Create(Record::Referral(r)) if sent_steps(r) > 0 => {
                    return Err(StoreError::InvalidNew {
                        kind: Kind::Referral,
                        error: not_sent_by_edit(),
                    });
                }
                Change::Create(r) => {
                    let kind = r.kind();
                    let mut r = r.clone();
                    r.set_id(Id::new(kind, 1));
                    r.validate()
                        .map_err(|error| StoreError::InvalidNew { kind, error })?;
                }
                Change::Update(r) | Change::Edit { record: r, .. } => r
                    .validate()
                    .map_err(|error| StoreError::Invalid { id: r.id(), error })?,
                // Checked against the record as it is when written.
                Change::Append(_) => {}
            }
        }
        let _writing = self.writing();
        // The changes, their indexes, audit entries and the kept answer.
        let bytes: usize = changes.iter().map(|c| encode(c).len()).sum();
        self.ensure_room(SMALL_WRITE + 3 * bytes as u64)?;
        self.refuse_parent_cycles(&changes)?;
        self.refuse_uncovering_consents(&changes)?;
        let gates = self.gate_consents(&changes)?;
        let consents_of = |intent: &Intent| {
            gates
                .iter()
                .find(|(r, _)| *r == intent.target())
                .map_or(&[][..], |(_, c)| c.as_slice())
        };
        self.write(|t| {
            if let Some(req) = request
                && let Some(first) = Self::answered_tx(t, req)?
            {
                return Ok(first);
            }
            let mut stored = Vec::with_capacity(changes.len());
            for change in &changes {
                stored.push(match change {
                    Change::Create(r) => self.create_tx(t, user, r.clone())?,
                    Change::Update(r) => {
                        self.update_tx(t, user, r)?;
                        r.clone()
                    }
                    Change::Edit { record, base } => {
                        self.edit_tx(t, user, record, *base)?;
                        record.clone()
                    }
                    Change::Append(intent) => {
                        self.append_tx(t, user, intent, consents_of(intent))?
                    }
                });
            }
            if let Some(req) = request {
                Self::remember_tx(t, req, &stored)?;
            }
            Ok(stored)
        })
    }

    pub fn delete_as(&self, user: &str, id: Id) -> Result<()> {
        // A transaction cannot scan (and a plain read inside one deadlocks),
        // so referrers are checked first, under the write lock.
        let _writing = self.writing();
        self.ensure_room(SMALL_WRITE)?;
        if let Some(by) = self.referrers(id)?.first() {
            return Err(StoreError::InUse { id, by: *by });
        }
        self.write(|t| {
            let tree = &t[tree_index(id.kind)];
            let Some(old) = tree.remove(&keys::record_key(id))? else {
                return abort(StoreError::NotFound(id));
            };
            let old = decode(&old).or_else(abort)?;
            unindex(t, &old)?;
            t[REVS].remove(&keys::id_bytes(id))?;
            let mut sealing = Sealing::default();
            unseal_tx(t, id, &mut sealing)?;
            let summary = Summary::Deleted { kind: id.kind };
            let entry = Entry::new(user, AuditAction::Delete, Some(id), old.case(), summary);
            audit(t, entry, sealing)
        })
    }

    /// An import by `user`: the records keep the authors they carry; the
    /// audit trail says who imported them.
    pub fn import_as(
        &self,
        user: &str,
        records: Vec<Record>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<()> {
        self.import_locked(user, records, None, None, progress)
            .map_err(|e| self.disk_full_or(e))
    }

    /// Whether a save or an import with this request id was applied (of
    /// the last requests the store keeps). Waits for a write in flight.
    pub fn applied(&self, request: RequestId) -> Result<bool> {
        let _writing = self.writing();
        Ok(self.trees[REQUESTS].contains_key(request.to_be_bytes())?)
    }

    /// An import of a file by `user` (`triad import`): each record that
    /// says who wrote it keeps that as recorded, and is marked entered by
    /// `user` now. `historical`: the reason why sent steps that no consent
    /// covers are imported anyway; each is recorded as an override with
    /// that reason and `user`'s name. Without it such a file is refused,
    /// naming the record.
    pub fn import_entered(
        &self,
        user: &str,
        mut records: Vec<Record>,
        historical: Option<&str>,
        request: Option<RequestId>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<()> {
        let entered = crate::model::Entered {
            by: user.to_string(),
            at: Utc::now(),
        };
        for r in &mut records {
            if let Some(e) = r.entered_mut() {
                *e = Some(entered.clone());
            }
        }
        let historical = historical.map(str::trim).filter(|h| !h.is_empty());
        self.import_locked(user, records, historical, request, progress)
            .map_err(|e| self.disk_full_or(e))
    }

    /// The consent gate on an import: every sent step needs a provision
    /// that a consent (in the file or the store) covers, or an override
    /// with a reason; `historical` gives that reason to those that lack one.
    fn gate_import(
        &self,
        user: &str,
        records: &mut [Record],
        historical: Option<&str>,
    ) -> Result<()> {
        let mut consents = HashMap::new();
        let mut clients = HashMap::new();
        for r in records.iter() {
            match r {
                Record::Consent(c) => {
                    consents.insert(c.id, c.clone());
                }
                Record::Case(c) => {
                    clients.insert(c.id, c.client);
                }
                _ => {}
            }
        }
        let consent = |id: Id| match consents.get(&id) {
            Some(c) => Some(c.clone()),
            None => match self.get(id).ok().flatten() {
                Some(Record::Consent(c)) => Some(c),
                _ => None,
            },
        };
        for r in records.iter_mut() {
            let Record::Referral(r) = r else { continue };
            let client = match clients.get(&r.case) {
                Some(c) => *c,
                None => match self.get(r.case)? {
                    Some(Record::Case(c)) => c.client,
                    _ => None,
                },
            };
            for step in r.uncovered_provisions(client, &consent) {
                let Some(reason) = historical else {
                    let error = ValidationError::new(
                        "history",
                        Reason::UncoveredProvision { step, to: r.to },
                    );
                    return Err(StoreError::Invalid { id: r.id, error });
                };
                let on = r.step_on(step).map(|(on, _)| on);
                if let (Some(on), Some(t)) = (on, r.history.get_mut(step)) {
                    t.provision = Some(Provision {
                        to: r.to,
                        items: Vec::new(),
                        on,
                        basis: ProvisionBasis::Override {
                            reason: format!("historical import by {user}: {reason}"),
                        },
                    });
                }
            }
        }
        Ok(())
    }

    fn import_locked(
        &self,
        user: &str,
        mut records: Vec<Record>,
        historical: Option<&str>,
        request: Option<RequestId>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<()> {
        let _writing = self.writing();
        // Read-only or a full disk is said before the file is judged.
        self.ensure_room(0)?;
        self.check_import(&records)?;
        self.gate_import(user, &mut records, historical)?;
        let total = records.len();
        // The records, their indexes and audit entries: about twice their JSON.
        let bytes: usize = records.iter().map(|r| encode(r).len()).sum();
        self.ensure_room(2 * bytes as u64)?;
        // Referenced kinds first, so every batch's references already exist.
        records.sort_by_key(|r| (tree_index(r.kind()), r.id().num));
        let summary = Summary::Imported { records: total };
        if total <= BATCH {
            self.write_batch(user, &records, summary.clone(), request)?;
            self.flush()?;
            progress(total, total);
            return Ok(());
        }
        // Several batches: mark the import pending, so that a crash half way
        // is rolled back on the next open, and a failure right away.
        self.mark_pending(&records)?;
        let mut done = 0;
        for chunk in records.chunks(BATCH) {
            let written = self.ensure_room(0).and_then(|()| {
                self.write_batch(
                    user,
                    chunk,
                    Summary::ImportBatch {
                        records: chunk.len(),
                    },
                    None,
                )
            });
            if let Err(e) = written {
                self.roll_back_interrupted_import()?;
                return Err(e);
            }
            done += chunk.len();
            progress(done, total);
        }
        self.flush()?;
        self.write(|t| {
            t[META].remove(keys::IMPORT_PENDING_KEY)?;
            if let Some(req) = request {
                Self::remember_tx(t, req, &[])?;
            }
            let entry = Entry::new(user, AuditAction::Import, None, None, summary.clone());
            audit(t, entry, Sealing::default())
        })?;
        self.pending.clear()?;
        Ok(())
    }

    pub fn log_as(
        &self,
        user: &str,
        action: AuditAction,
        entity: Option<Id>,
        summary: Summary,
    ) -> Result<()> {
        // A store that can only be read keeps no trail of reads (views,
        // exports, reveals, refusals): what it holds cannot change, and
        // reading a backup's copy must not need a write.
        if self.read_only.is_some() {
            return Ok(());
        }
        let _writing = self.writing();
        if action != AuditAction::View {
            self.ensure_room(SMALL_WRITE)?;
        }
        // The case a logged entity belongs to, for `triad audit --case`.
        let case = match entity {
            Some(id) => self.get(id).ok().flatten().and_then(|r| r.case()),
            None => None,
        };
        let entry = |t: &Tx| {
            audit(
                t,
                Entry::new(user, action, entity, case, summary.clone()),
                Sealing::default(),
            )
        };
        if action == AuditAction::View {
            // A view changes nothing the user saved: its entry is chained
            // now, in a transaction of only the trees it writes, and
            // reaches the disk with sled's next flush (at most half a
            // second, or the next write), so a read costs no fsync.
            tx_result(self.log_trees[..].transaction(|t| {
                audit_in(
                    &t[0],
                    &t[1],
                    &t[2],
                    Entry::new(user, action, entity, case, summary.clone()),
                    Sealing::default(),
                )
            }))
        } else {
            self.write(entry)
        }
    }

    /// The days of `user`'s last briefs (in the meta tree, per OS user).
    pub fn brief_days(&self, user: &str) -> Result<keys::BriefDays> {
        let held = self.trees[META].get(keys::brief_key(user))?;
        Ok(keys::BriefDays::from_bytes(held.as_deref()))
    }

    /// `user` made a brief `today`: kept, flushed (a read-only store keeps
    /// nothing).
    pub fn mark_brief_as(&self, user: &str, today: Date) -> Result<()> {
        if self.read_only.is_some() {
            return Ok(());
        }
        let _writing = self.writing();
        let days = self.brief_days(user)?;
        let next = days.made(today);
        if next != days {
            self.ensure_room(SMALL_WRITE)?;
            self.trees[META].insert(keys::brief_key(user), next.to_bytes())?;
            self.flush()?;
        }
        Ok(())
    }

    /// Verifies references, indexes and counters; reports size on disk.
    /// Streams: memory stays flat however large the store. Writes wait
    /// while it reads (sled has no snapshot reads): a seal, its audit entry
    /// and the index entries are then all of one moment, so a write in
    /// flight is never taken for tampering.
    pub fn check(&self) -> Result<CheckReport> {
        let _writing = self.writing();
        let mut report = CheckReport::default();
        // Per audit entry: the XOR of the seals that name it now.
        let mut sealed_now: HashMap<u64, chain::Hash> = HashMap::new();
        let (mut want_refs, mut want_dates, mut missing_refs, mut missing_dates) = (0, 0, 0, 0);
        for kind in Kind::ALL {
            let mut count = 0;
            let mut max_num = 0;
            for item in self.tree(kind).iter() {
                let (k, v) = item?;
                report.live_bytes += (k.len() + v.len()) as u64;
                count += 1;
                let rec = match decode(&v) {
                    Ok(r) => r,
                    Err(e) => {
                        report.problems.push(format!("{}: {e}", kind.plural()));
                        continue;
                    }
                };
                let id = rec.id();
                if id.kind != kind || keys::record_key(id) != *k {
                    report
                        .problems
                        .push(format!("{id} is stored under the wrong key"));
                }
                if let Err(e) = rec.validate() {
                    report.problems.push(format!("{id}: {e}"));
                }
                if let Record::Referral(r) = &rec {
                    self.check_provisions(r, &mut report)?;
                }
                let seal = self.trees[SEALS]
                    .get(keys::id_bytes(id))?
                    .as_deref()
                    .and_then(chain::parse_seal);
                match seal {
                    None => report.problems.push(format!(
                        "{id} has no audit entry: it was written outside triad"
                    )),
                    Some((seq, hash)) => {
                        if hash != chain::record_hash(&v) {
                            report.problems.push(format!(
                                "{id} does not match its latest audit entry (#{seq}): it was changed outside triad"
                            ));
                        }
                        chain::xor_into(
                            sealed_now.entry(seq).or_insert([0; 32]),
                            &chain::contribution(id, &hash),
                        );
                    }
                }
                max_num = max_num.max(id.num);
                for r in rec.references() {
                    if !self.tree(r.kind).contains_key(keys::record_key(r))? {
                        report
                            .problems
                            .push(format!("{id} refers to {r}, which does not exist"));
                    }
                    want_refs += 1;
                    if !self.trees[REFS].contains_key(keys::ref_key(r, id))? {
                        missing_refs += 1;
                    }
                }
                let mut dates = rec.dates();
                dates.sort_unstable();
                dates.dedup();
                for d in dates {
                    want_dates += 1;
                    if !self.trees[DATES].contains_key(keys::date_key(d, id))? {
                        missing_dates += 1;
                    }
                }
            }
            report.counts.push((kind, count));
            let next = keys::u64_from(self.trees[META].get(keys::counter_key(kind))?.as_deref());
            if next < max_num {
                report.problems.push(format!(
                    "the {} counter ({next}) is behind the highest id ({max_num})",
                    kind.name()
                ));
            }
        }
        // Every wanted entry was looked up; any extra entry in a tree is stale.
        for (name, tree, want, missing) in [
            ("refs", &self.trees[REFS], want_refs, missing_refs),
            ("dates", &self.trees[DATES], want_dates, missing_dates),
        ] {
            let mut have = 0usize;
            for k in tree.iter().keys() {
                report.live_bytes += k?.len() as u64;
                have += 1;
            }
            let stale = have.saturating_sub(want - missing);
            if missing + stale > 0 {
                report.problems.push(format!(
                    "index {name}: {missing} entries missing, {stale} stale"
                ));
            }
        }
        self.check_chain(&mut report, sealed_now)?;
        report.disk_bytes = dir_size(&self.path.join("db"));
        report.notices = self.notices.clone();
        Ok(report)
    }
}

impl SledStore {
    /// A sent step whose provision no consent covers and no override
    /// explains is a problem (written outside triad, or before the gate).
    fn check_provisions(&self, r: &crate::model::Referral, report: &mut CheckReport) -> Result<()> {
        let client = match self.get(r.case)? {
            Some(Record::Case(c)) => c.client,
            _ => None,
        };
        let consent = |id: Id| match self.get(id).ok().flatten() {
            Some(Record::Consent(c)) => Some(c),
            _ => None,
        };
        // A sent step with no provision at all was written before triad
        // recorded what a sending shared (stores of schema 1 from before
        // the consent gate): every path now refuses to write one.
        let recorded = |step: usize| r.history.get(step).is_some_and(|t| t.provision.is_some());
        for step in r.uncovered_provisions(client, &consent) {
            if !recorded(step) {
                continue;
            }
            report.problems.push(format!(
                "{}: {}",
                r.id,
                Reason::UncoveredProvision { step, to: r.to }
            ));
        }
        Ok(())
    }
}

impl SledStore {
    /// The audit trail: every entry from the chain's start holds the hash
    /// of the one before and its own; the last is the head the store
    /// keeps; and the seals naming each entry add up to what it sealed.
    /// Reports the first broken link only (what follows it is unproven).
    fn check_chain(
        &self,
        report: &mut CheckReport,
        sealed_now: HashMap<u64, chain::Hash>,
    ) -> Result<()> {
        let meta = &self.trees[META];
        let start = match meta.get(chain::CHAIN_START_KEY)? {
            Some(v) => keys::u64_from(Some(&v)),
            None => {
                report.problems.push(
                    "the audit trail's chain marker is missing: the trail was edited outside triad"
                        .into(),
                );
                1
            }
        };
        let mut broken: Option<String> = None;
        let mut break_at = |why: String| {
            if broken.is_none() {
                broken = Some(why);
            }
        };
        let mut prev = String::new();
        let mut last_seq = start - 1;
        // What each entry sealed, less what later entries took over.
        let mut owed: HashMap<u64, chain::Hash> = HashMap::new();
        for item in self.trees[AUDIT].iter() {
            let (k, v) = item?;
            report.live_bytes += (k.len() + v.len()) as u64;
            report.audit_entries += 1;
            let key = keys::u64_from(Some(&k));
            if key < start {
                continue;
            }
            let entry: AuditEntry = match serde_json::from_slice(&v) {
                Ok(e) => e,
                Err(_) => {
                    break_at(format!("audit entry #{key} is unreadable"));
                    continue;
                }
            };
            if entry.seq != key {
                break_at(format!("audit entry #{key} says it is #{}", entry.seq));
            } else if key != last_seq + 1 {
                break_at(format!(
                    "audit entries #{}–#{} are missing (deleted)",
                    last_seq + 1,
                    key - 1
                ));
            } else if entry.prev != prev {
                break_at(format!(
                    "audit entry #{key} does not follow #{last_seq} (an entry was inserted or changed)"
                ));
            } else if entry.hash != entry.compute_hash() {
                break_at(format!(
                    "audit entry #{key} was changed after it was written"
                ));
            }
            prev.clone_from(&entry.hash);
            last_seq = key;
            if let Some(h) = entry.sealed.as_deref().and_then(chain::from_hex) {
                chain::xor_into(owed.entry(key).or_insert([0; 32]), &h);
            }
            for r in &entry.released {
                if let Some(h) = chain::from_hex(&r.part) {
                    chain::xor_into(owed.entry(r.seq).or_insert([0; 32]), &h);
                }
            }
        }
        let seq = keys::u64_from(meta.get(keys::AUDIT_SEQ_KEY)?.as_deref());
        let head = meta
            .get(chain::HEAD_KEY)?
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default();
        if seq != last_seq {
            break_at(format!(
                "audit entries #{}–#{seq} are missing (deleted)",
                last_seq + 1
            ));
        } else if head != prev {
            break_at(format!(
                "the last audit entry (#{last_seq}) is not the one the store wrote last"
            ));
        }
        report.problems.extend(broken);
        // Seals of records deleted behind triad's back are caught here too.
        for item in self.trees[SEALS].iter() {
            let (k, v) = item?;
            report.live_bytes += (k.len() + v.len()) as u64;
            if let (Some(id), Some(_)) = (keys::id_from_bytes(&k), chain::parse_seal(&v))
                && !self.tree(id.kind).contains_key(keys::record_key(id))?
            {
                report
                    .problems
                    .push(format!("{id} was removed outside triad (its seal remains)"));
            }
        }
        let zero = [0u8; 32];
        let mut seqs: Vec<u64> = owed.keys().chain(sealed_now.keys()).copied().collect();
        seqs.sort_unstable();
        seqs.dedup();
        for s in seqs {
            let want = owed.get(&s).unwrap_or(&zero);
            let have = sealed_now.get(&s).unwrap_or(&zero);
            if want != have {
                report.problems.push(format!(
                    "the records audit entry #{s} wrote no longer add up: records or their seals were changed outside triad"
                ));
            }
        }
        Ok(())
    }
}

impl SledStore {
    fn audit_entry(&self, seq: u64) -> Result<Option<AuditEntry>> {
        self.trees[AUDIT]
            .get(seq.to_be_bytes())?
            .map(|v| {
                serde_json::from_slice(&v)
                    .map_err(|_| StoreError::Corrupt(format!("audit entry #{seq} is unreadable")))
            })
            .transpose()
    }

    /// The audit trail's head: its id (the first chained entry's hash,
    /// short), the last entry's number and hash, as the store keeps them.
    pub fn head(&self) -> Result<anchor::Head> {
        let meta = &self.trees[META];
        let start = keys::u64_from(meta.get(chain::CHAIN_START_KEY)?.as_deref()).max(1);
        let store = match self.trees[AUDIT].get(start.to_be_bytes())? {
            Some(v) => serde_json::from_slice::<AuditEntry>(&v)
                .map(|e| e.hash.chars().take(16).collect())
                .unwrap_or_default(),
            None => String::new(),
        };
        Ok(anchor::Head {
            store,
            seq: keys::u64_from(meta.get(keys::AUDIT_SEQ_KEY)?.as_deref()),
            hash: meta
                .get(chain::HEAD_KEY)?
                .map(|v| String::from_utf8_lossy(&v).into_owned())
                .unwrap_or_default(),
        })
    }

    /// What an anchor says of this trail (see [`anchor::compare`]).
    pub fn check_anchor(&self, anchor: &anchor::Anchor) -> Result<Option<String>> {
        let head = self.head()?;
        let hash_of = |seq| self.audit_entry(seq).ok().flatten().map(|e| e.hash);
        Ok(anchor::compare(anchor, &head, &hash_of))
    }

    /// The trail's tail, checked as a server starts (cheaply: the last
    /// two entries): the last entry is the head the store keeps, unchanged
    /// and following the one before. The reason, if not.
    pub fn verify_tail(&self) -> Result<Option<String>> {
        let head = self.head()?;
        let start = keys::u64_from(self.trees[META].get(chain::CHAIN_START_KEY)?.as_deref());
        if head.seq == 0 || head.seq < start {
            return Ok(None);
        }
        let last = match self.audit_entry(head.seq) {
            Ok(Some(e)) => e,
            Ok(None) => {
                return Ok(Some(format!(
                    "audit entry #{} (the last) is missing",
                    head.seq
                )));
            }
            Err(e) => return Ok(Some(e.to_string())),
        };
        if self.trees[AUDIT]
            .get((head.seq + 1).to_be_bytes())?
            .is_some()
        {
            return Ok(Some(format!(
                "audit entries follow #{}, the last the store wrote",
                head.seq
            )));
        }
        if last.hash != last.compute_hash() || last.hash != head.hash {
            return Ok(Some(format!(
                "audit entry #{} (the last) was changed after it was written",
                head.seq
            )));
        }
        if head.seq > start
            && let Ok(Some(before)) = self.audit_entry(head.seq - 1)
            && before.hash != last.prev
        {
            return Ok(Some(format!(
                "audit entry #{} does not follow #{}",
                head.seq,
                head.seq - 1
            )));
        }
        Ok(None)
    }

    /// Serves the store read-only from now on, saying why (a trail that
    /// failed its check: nothing more is added to what cannot be trusted).
    pub fn set_read_only(&mut self, why: String) {
        self.read_only = Some(why);
    }
}

/// 128 random bits, as 32 hex digits.
fn random_id() -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Opens sled. Its own flock on `db` can outlive a store closed a moment
/// ago in this process (sled's IO threads let go of the file late); as we
/// hold `triad.lock`, no other triad can be the holder, so a short wait is
/// enough. Past that, someone bypassed our lock: say the store is in use.
fn open_sled(dir: &Path) -> Result<Db> {
    let held = |e: &sled::Error| matches!(e, sled::Error::Io(io) if io.to_string().contains("could not acquire lock"));
    let mut tries = 0;
    loop {
        match sled::Config::new()
            .path(dir.join("db"))
            .cache_capacity(CACHE_BYTES)
            .open()
        {
            Ok(db) => return Ok(db),
            Err(e) if held(&e) && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) if held(&e) => return Err(StoreError::Locked(dir.to_path_buf())),
            Err(e) => return Err(space::disk_full_or(e, dir, space::reserve_from_env())),
        }
    }
}

/// A private copy of a read-only store's `db/` (regular files only, never
/// through a link), in a fresh 0700 temporary directory.
fn private_copy(dir: &Path) -> std::io::Result<tempfile::TempDir> {
    fn copy(from: &Path, to: &Path) -> std::io::Result<()> {
        fs::DirBuilder::new().mode(0o700).create(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let target = to.join(entry.file_name());
            if kind.is_dir() {
                copy(&entry.path(), &target)?;
            } else if kind.is_file() {
                fs::copy(entry.path(), &target)?;
                fs::set_permissions(&target, fs::Permissions::from_mode(0o600))?;
            }
        }
        Ok(())
    }
    let tmp = tempfile::Builder::new()
        .prefix("triad-readonly-")
        .permissions(fs::Permissions::from_mode(0o700))
        .tempdir()?;
    copy(&dir.join("db"), &tmp.path().join("db"))?;
    Ok(tmp)
}

/// What `triad check` found.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct CheckReport {
    pub problems: Vec<String>,
    pub counts: Vec<(Kind, usize)>,
    pub audit_entries: usize,
    /// Bytes of keys and values actually in use.
    pub live_bytes: u64,
    /// Bytes the store's files take (sled grows when records are rewritten).
    pub disk_bytes: u64,
    /// What opening set right (files set aside).
    #[serde(default)]
    pub notices: Vec<String>,
}

impl CheckReport {
    /// Whether `triad compact` would give back much: over 3x the live data
    /// and over 64 MiB to gain (a small store's files are mostly sled's
    /// fixed overhead, which compacting keeps).
    pub fn worth_compacting(&self) -> bool {
        self.disk_bytes > 3 * self.live_bytes
            && self.disk_bytes.saturating_sub(self.live_bytes) > 64 * 1024 * 1024
    }
}

/// sled creates its files with the umask's permissions; ours are the
/// owner's alone, even if someone later loosens the top directory.
pub(super) fn restrict_permissions(dir: &Path) -> std::io::Result<()> {
    tighten(dir)?;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        // `DirEntry::metadata` does not follow links; never chmod through one.
        let meta = entry.metadata()?;
        if meta.is_symlink() {
            continue;
        }
        tighten(&entry.path())?;
        if meta.is_dir() {
            restrict_permissions(&entry.path())?;
        }
    }
    Ok(())
}

/// Takes group's and others' bits away, and nothing else: an owner who
/// made the store read-only keeps it so. Untouched if already tight (a
/// read-only filesystem refuses even a no-op chmod).
fn tighten(path: &Path) -> std::io::Result<()> {
    let mode = fs::symlink_metadata(path)?.permissions().mode() & 0o7777;
    if mode & 0o077 == 0 {
        return Ok(());
    }
    fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o700))
}

pub(super) fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn index(t: &Tx, rec: &Record) -> TxResult<()> {
    let id = rec.id();
    for r in rec.references() {
        t[REFS].insert(keys::ref_key(r, id), &[])?;
    }
    for d in rec.dates() {
        t[DATES].insert(keys::date_key(d, id), &[])?;
    }
    Ok(())
}

fn unindex(t: &Tx, rec: &Record) -> TxResult<()> {
    let id = rec.id();
    for r in rec.references() {
        t[REFS].remove(keys::ref_key(r, id))?;
    }
    for d in rec.dates() {
        t[DATES].remove(keys::date_key(d, id))?;
    }
    Ok(())
}

/// A record's revision inside a transaction; records written before
/// revisions were kept count as revision 1.
fn revision_tx(t: &Tx, id: Id) -> TxResult<u64> {
    Ok(match t[REVS].get(keys::id_bytes(id))? {
        Some(v) => keys::u64_from(Some(&v)),
        None if t[tree_index(id.kind)].get(keys::record_key(id))?.is_some() => 1,
        None => 0,
    })
}

/// Sent steps: only an intent adds one, past the consent gate.
fn sent_steps(r: &crate::model::Referral) -> usize {
    r.history
        .iter()
        .filter(|t| t.status == ReferralStatus::Sent)
        .count()
}

fn not_sent_by_edit() -> crate::model::ValidationError {
    crate::model::ValidationError::new("history", crate::model::Reason::SentOnlyByStep)
}

/// What an audit entry says, before the store numbers and chains it.
struct Entry<'a> {
    user: &'a str,
    action: AuditAction,
    entity: Option<Id>,
    case: Option<Id>,
    summary: Summary,
}

impl<'a> Entry<'a> {
    fn new(
        user: &'a str,
        action: AuditAction,
        entity: Option<Id>,
        case: Option<Id>,
        summary: Summary,
    ) -> Entry<'a> {
        Entry {
            user,
            action,
            entity,
            case,
            summary,
        }
    }
}

/// Appends an entry chained to the last one, with the seals its
/// transaction wrote.
fn audit(t: &Tx, e: Entry<'_>, sealing: Sealing) -> TxResult<()> {
    audit_in(&t[AUDIT], &t[META], &t[AUDIT_BY_CASE], e, sealing)
}

/// [`audit`] given just the trees it writes.
fn audit_in(
    audit: &TransactionalTree,
    meta: &TransactionalTree,
    by_case: &TransactionalTree,
    e: Entry<'_>,
    sealing: Sealing,
) -> TxResult<()> {
    let seq = keys::u64_from(meta.get(keys::AUDIT_SEQ_KEY)?.as_deref()) + 1;
    meta.insert(keys::AUDIT_SEQ_KEY, &seq.to_be_bytes())?;
    let prev = meta
        .get(chain::HEAD_KEY)?
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .unwrap_or_default();
    let mut released: Vec<Released> = sealing
        .released
        .iter()
        .map(|(seq, part)| Released {
            seq: *seq,
            part: crate::model::hex(part),
        })
        .collect();
    released.sort_by_key(|r| r.seq);
    let mut entry = AuditEntry {
        seq,
        at: Utc::now(),
        user: e.user.to_string(),
        action: e.action,
        entity: e.entity,
        case: e.case,
        summary: String::new(),
        detail: Some(e.summary),
        prev,
        sealed: sealing.sealed.map(|h| crate::model::hex(&h)),
        released,
        hash: String::new(),
    };
    entry.hash = entry.compute_hash();
    meta.insert(chain::HEAD_KEY, entry.hash.as_bytes())?;
    audit.insert(&seq.to_be_bytes(), encode(&entry))?;
    // An index (not part of the chain): a case view reads its own entries.
    if let Some(case) = entry.case.or(entry.entity.filter(|i| i.kind == Kind::Case)) {
        by_case.insert(
            [&keys::id_bytes(case)[..], &seq.to_be_bytes()].concat(),
            &[],
        )?;
    }
    Ok(())
}

/// Seals a record's new bytes under the entry about to be written.
fn seal_tx(t: &Tx, id: Id, bytes: &[u8], sealing: &mut Sealing) -> TxResult<()> {
    let next = keys::u64_from(t[META].get(keys::AUDIT_SEQ_KEY)?.as_deref()) + 1;
    let key = keys::id_bytes(id);
    if let Some(old) = t[SEALS].get(key)?.as_deref().and_then(chain::parse_seal) {
        sealing.release(next, id, old);
    }
    let hash = chain::record_hash(bytes);
    t[SEALS].insert(&key, chain::seal_value(next, &hash))?;
    sealing.seal(id, &hash);
    Ok(())
}

/// Seals a record that did not exist (an import's, a create's): no earlier
/// seal to release, so none is looked up (a stale one left by a record
/// removed behind triad's back is what `check` reports, and stays so).
fn seal_new_tx(t: &Tx, id: Id, bytes: &[u8], sealing: &mut Sealing) -> TxResult<()> {
    let next = match sealing.next {
        Some(n) => n,
        None => {
            let n = keys::u64_from(t[META].get(keys::AUDIT_SEQ_KEY)?.as_deref()) + 1;
            sealing.next = Some(n);
            n
        }
    };
    let hash = chain::record_hash(bytes);
    t[SEALS].insert(&keys::id_bytes(id), chain::seal_value(next, &hash))?;
    sealing.seal(id, &hash);
    Ok(())
}

/// A record removed: its seal leaves the entry that wrote it.
fn unseal_tx(t: &Tx, id: Id, sealing: &mut Sealing) -> TxResult<()> {
    let next = keys::u64_from(t[META].get(keys::AUDIT_SEQ_KEY)?.as_deref()) + 1;
    if let Some(old) = t[SEALS]
        .remove(&keys::id_bytes(id))?
        .as_deref()
        .and_then(chain::parse_seal)
    {
        sealing.release(next, id, old);
    }
    Ok(())
}

impl Store for SledStore {
    fn get(&self, id: Id) -> Result<Option<Record>> {
        self.tree(id.kind)
            .get(keys::record_key(id))?
            .map(|v| decode(&v))
            .transpose()
    }

    fn apply_request(
        &self,
        request: Option<RequestId>,
        changes: Vec<Change>,
    ) -> Result<Vec<Record>> {
        self.apply_as(&self.user, request, changes)
    }

    fn revisions(&self, ids: &[Id]) -> Result<Vec<u64>> {
        ids.iter()
            .map(|&id| {
                Ok(match self.trees[REVS].get(keys::id_bytes(id))? {
                    Some(v) => keys::u64_from(Some(&v)),
                    None if self.tree(id.kind).contains_key(keys::record_key(id))? => 1,
                    None => 0,
                })
            })
            .collect()
    }

    fn delete(&self, id: Id) -> Result<()> {
        self.delete_as(&self.user, id)
    }

    fn import(&self, records: Vec<Record>, progress: &mut dyn FnMut(usize, usize)) -> Result<()> {
        self.import_as(&self.user, records, progress)
    }

    fn scan(&self, kind: Kind, visit: &mut dyn FnMut(Record) -> bool) -> Result<()> {
        for item in self.tree(kind).iter().values() {
            if !visit(decode(&item?)?) {
                break;
            }
        }
        Ok(())
    }

    fn referrers(&self, id: Id) -> Result<Vec<Id>> {
        let mut out = Vec::new();
        for k in self.trees[REFS].scan_prefix(keys::id_bytes(id)).keys() {
            let k = k?;
            out.extend(keys::id_from_bytes(&k[ID_LEN..]));
        }
        Ok(out)
    }

    fn dated(&self, from: Date, to: Date) -> Result<Vec<(Date, Id)>> {
        let lo = keys::day_bytes(from).to_vec();
        let mut hi = keys::day_bytes(to).to_vec();
        hi.extend([0xff; ID_LEN]);
        let mut out = Vec::new();
        for k in self.trees[DATES].range(lo..=hi).keys() {
            let k = k?;
            if let (Some(d), Some(id)) = (keys::day_from_bytes(&k), keys::id_from_bytes(&k[4..])) {
                out.push((d, id));
            }
        }
        Ok(out)
    }

    fn log(&self, action: AuditAction, entity: Option<Id>, summary: Summary) -> Result<()> {
        self.log_as(&self.user, action, entity, summary)
    }

    fn audit_trail(&self) -> Result<Vec<AuditEntry>> {
        self.trees[AUDIT]
            .iter()
            .values()
            .map(|v| {
                let v = v?;
                serde_json::from_slice(&v)
                    .map_err(|e| StoreError::Corrupt(format!("unreadable audit entry: {e}")))
            })
            .collect()
    }

    fn audit_recent(&self, case: Option<Id>, limit: usize) -> Result<Vec<AuditEntry>> {
        let read = |v: &[u8]| -> Result<AuditEntry> {
            serde_json::from_slice(v)
                .map_err(|e| StoreError::Corrupt(format!("unreadable audit entry: {e}")))
        };
        // A case's own entries through its index, newest first.
        if let Some(c) = case {
            let mut out = Vec::new();
            let index = self.trees[AUDIT_BY_CASE].scan_prefix(keys::id_bytes(c));
            for k in index.keys().rev().take(limit) {
                let k = k?;
                if let Some(v) = self.trees[AUDIT].get(&k[ID_LEN..])? {
                    out.push(read(&v)?);
                }
            }
            return Ok(out);
        }
        let mut out = Vec::new();
        for v in self.trees[AUDIT].iter().values().rev() {
            if out.len() >= limit {
                break;
            }
            let e: AuditEntry = serde_json::from_slice(&v?)
                .map_err(|e| StoreError::Corrupt(format!("unreadable audit entry: {e}")))?;
            if case.is_none_or(|c| e.case == Some(c) || e.entity == Some(c)) {
                out.push(e);
            }
        }
        Ok(out)
    }

    fn user(&self) -> &str {
        &self.user
    }

    fn last_brief(&self, today: Date) -> Result<Option<Date>> {
        Ok(self.brief_days(&self.user)?.last_before(today))
    }

    fn mark_brief(&self, today: Date) -> Result<()> {
        self.mark_brief_as(&self.user, today)
    }
}

/// The store as one user writes to it (a server's connection): the audit
/// trail, new records' authors and history steps name `user`, whatever the
/// client said.
pub struct AsUser<'a> {
    store: &'a SledStore,
    user: String,
}

impl SledStore {
    pub fn as_user(&self, user: &str) -> AsUser<'_> {
        AsUser {
            store: self,
            user: user.to_string(),
        }
    }
}

impl Store for AsUser<'_> {
    fn get(&self, id: Id) -> Result<Option<Record>> {
        self.store.get(id)
    }

    /// New records are stamped with the user as their author and the maker
    /// of their history, and edits keep a note's author and make the steps
    /// they add the user's, whatever the client put there.
    fn apply_request(
        &self,
        request: Option<RequestId>,
        mut changes: Vec<Change>,
    ) -> Result<Vec<Record>> {
        let now = Utc::now();
        for change in &mut changes {
            match change {
                Change::Create(r) => r.stamp(&self.user, now),
                Change::Update(r) | Change::Edit { record: r, .. } => {
                    if let Some(old) = self.store.get(r.id())? {
                        r.keep_stamps(&old, &self.user, now);
                    }
                }
                Change::Append(_) => {}
            }
        }
        self.store.apply_as(&self.user, request, changes)
    }

    fn revisions(&self, ids: &[Id]) -> Result<Vec<u64>> {
        self.store.revisions(ids)
    }

    fn delete(&self, id: Id) -> Result<()> {
        self.store.delete_as(&self.user, id)
    }

    fn import(&self, records: Vec<Record>, progress: &mut dyn FnMut(usize, usize)) -> Result<()> {
        self.store.import_as(&self.user, records, progress)
    }

    fn scan(&self, kind: Kind, visit: &mut dyn FnMut(Record) -> bool) -> Result<()> {
        self.store.scan(kind, visit)
    }

    fn referrers(&self, id: Id) -> Result<Vec<Id>> {
        self.store.referrers(id)
    }

    fn dated(&self, from: Date, to: Date) -> Result<Vec<(Date, Id)>> {
        self.store.dated(from, to)
    }

    fn log(&self, action: AuditAction, entity: Option<Id>, summary: Summary) -> Result<()> {
        self.store.log_as(&self.user, action, entity, summary)
    }

    fn audit_trail(&self) -> Result<Vec<AuditEntry>> {
        self.store.audit_trail()
    }

    fn audit_recent(&self, case: Option<Id>, limit: usize) -> Result<Vec<AuditEntry>> {
        self.store.audit_recent(case, limit)
    }

    fn user(&self) -> &str {
        &self.user
    }

    fn last_brief(&self, today: Date) -> Result<Option<Date>> {
        Ok(self.store.brief_days(&self.user)?.last_before(today))
    }

    fn mark_brief(&self, today: Date) -> Result<()> {
        self.store.mark_brief_as(&self.user, today)
    }
}
