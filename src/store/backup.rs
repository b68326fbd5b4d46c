//! Backups: a lossless copy of every tree of a store (records, indexes,
//! audit trail, counters, revisions), taken under the store's write lock so
//! it is one consistent moment, and restored only into a new store.
//!
//! The file: a line `triad-backup`, a line of JSON naming the format
//! version and the schema, then a zstd stream of entries (tree, key,
//! value, each length-prefixed) closed by an end entry carrying their
//! count and the SHA-256 of the header and every entry before it. A file
//! cut short has no end entry; a changed byte fails the checksum or zstd's.

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::migrate::SCHEMA_VERSION;
use super::sled_store::SledStore;
use super::{Result, StoreError};
use crate::model::Kind;

const MAGIC: &[u8] = b"triad-backup\n";
const FORMAT_VERSION: u32 = 1;
const TAG_ENTRY: u8 = 1;
const TAG_END: u8 = 0;
/// Entries per sled batch when restoring.
const RESTORE_BATCH: usize = 10_000;

/// The JSON line after the magic line.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Header {
    version: u32,
    schema: u32,
    created: String,
    /// The audit trail's head as backed up (an anchor outside the store).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    head: Option<super::anchor::Head>,
}

/// What a backup holds, as written, verified or restored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupSummary {
    pub schema: u32,
    pub created: String,
    /// Keys and values over every tree.
    pub entries: u64,
    /// Records of each kind (trees named after kinds).
    pub records: Vec<(Kind, u64)>,
    /// The backup file's size.
    pub file_bytes: u64,
    /// The audit trail's head it holds (compare with `triad check --anchor`).
    #[serde(default)]
    pub head: Option<super::anchor::Head>,
}

impl BackupSummary {
    /// One line for a person: schema, when, how many records.
    pub fn describe(&self) -> String {
        let records: u64 = self.records.iter().map(|(_, n)| n).sum();
        let head = self.head.as_ref().map_or(String::new(), |h| {
            format!(", audit trail {} to #{} ({})", h.store, h.seq, h.hash)
        });
        format!(
            "schema {}, taken {}, {records} records ({} entries with indexes and audit trail), {:.1} MiB{head}",
            self.schema,
            self.created,
            self.entries,
            self.file_bytes as f64 / 1_048_576.0
        )
    }

    fn count(&mut self, tree: &[u8]) {
        self.entries += 1;
        if let Some(kind) = Kind::ALL
            .into_iter()
            .find(|k| k.tree_name().as_bytes() == tree)
        {
            match self.records.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => self.records.push((kind, 1)),
            }
        }
    }
}

/// Writes what is hashed as it goes through.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Hashing<W> {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.hash.update(bytes);
        self.inner.write_all(bytes)
    }
}

impl SledStore {
    /// Streams a backup of the whole store into `out`. Writes wait until
    /// it is done, so it is one moment of the store.
    pub fn backup(&self, out: &mut dyn Write) -> Result<BackupSummary> {
        let _writing = self.writing_lock();
        let io = |source| StoreError::Io {
            path: self.path().to_path_buf(),
            source,
        };
        let header = Header {
            version: FORMAT_VERSION,
            schema: SCHEMA_VERSION,
            created: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            head: self.head().ok(),
        };
        let mut header_line = serde_json::to_vec(&header).unwrap_or_default();
        header_line.push(b'\n');
        out.write_all(MAGIC).map_err(io)?;
        out.write_all(&header_line).map_err(io)?;
        let mut hash = Sha256::new();
        hash.update(MAGIC);
        hash.update(&header_line);
        let encoder = zstd::Encoder::new(out, 3).map_err(io)?;
        let mut w = Hashing {
            inner: encoder,
            hash,
        };
        let mut summary = BackupSummary {
            schema: header.schema,
            created: header.created,
            head: header.head.clone(),
            ..BackupSummary::default()
        };
        let db = self.db();
        let mut names = db.tree_names();
        names.sort();
        for name in names {
            let tree = db.open_tree(&name)?;
            for item in tree.iter() {
                let (k, v) = item?;
                w.put(&[TAG_ENTRY]).map_err(io)?;
                w.put(&(name.len() as u32).to_be_bytes()).map_err(io)?;
                w.put(&name).map_err(io)?;
                w.put(&(k.len() as u32).to_be_bytes()).map_err(io)?;
                w.put(&k).map_err(io)?;
                w.put(&(v.len() as u32).to_be_bytes()).map_err(io)?;
                w.put(&v).map_err(io)?;
                summary.count(&name);
            }
        }
        let digest = w.hash.finalize();
        let mut encoder = w.inner;
        encoder.write_all(&[TAG_END]).map_err(io)?;
        encoder
            .write_all(&summary.entries.to_be_bytes())
            .map_err(io)?;
        encoder.write_all(&digest).map_err(io)?;
        encoder.finish().map_err(io)?.flush().map_err(io)?;
        Ok(summary)
    }

    /// A backup into the file `out`: written to a fresh private temporary
    /// file beside it (created exclusively, 0600), flushed to disk, then
    /// renamed into place. Never through a symlink, never into another
    /// user's directory or file.
    pub fn backup_to_file(&self, out: &Path) -> Result<BackupSummary> {
        let io = |source| StoreError::Io {
            path: out.to_path_buf(),
            source,
        };
        let dir = match out.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        super::paths::ensure_writable_dir(dir)?;
        super::paths::ensure_own(out)?;
        // A backup killed half way left its file: gone before we add ours.
        super::partial::clear(dir).map_err(io)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(&super::partial::prefix())
            .tempfile_in(dir)
            .map_err(io)?;
        let mut summary = {
            let mut w = std::io::BufWriter::new(tmp.as_file_mut());
            let summary = self.backup(&mut w)?;
            w.flush().map_err(io)?;
            summary
        };
        tmp.as_file().sync_all().map_err(io)?;
        summary.file_bytes = tmp.as_file().metadata().map_err(io)?.len();
        tmp.persist(out).map_err(|e| io(e.error))?;
        Ok(summary)
    }
}

/// Called with each entry of a backup: tree, key, value.
type OnEntry<'a> = &'a mut dyn FnMut(&[u8], &[u8], &[u8]) -> Result<()>;

/// Reads a backup, calling `entry(tree, key, value)` for each entry, and
/// checks its end and checksum. Entries are handed on as they are read:
/// only a full read says the file is good.
fn read_backup(path: &Path, entry: OnEntry<'_>) -> Result<BackupSummary> {
    let bad = |reason: &str| StoreError::BadBackup {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let file = fs::File::open(path).map_err(|source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let file_bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = BufReader::new(file);
    let mut magic = Vec::new();
    reader
        .read_until(b'\n', &mut magic)
        .map_err(|e| bad(&e.to_string()))?;
    if magic != MAGIC {
        return Err(bad(
            "it does not start with `triad-backup`; make one with `triad backup --out FILE`",
        ));
    }
    let mut header_line = Vec::new();
    reader
        .read_until(b'\n', &mut header_line)
        .map_err(|e| bad(&e.to_string()))?;
    let header: Header =
        serde_json::from_slice(&header_line).map_err(|_| bad("its header is not readable"))?;
    if header.version != FORMAT_VERSION {
        return Err(bad(&format!(
            "it is backup format {}, this triad reads format {FORMAT_VERSION}",
            header.version
        )));
    }
    if header.schema > SCHEMA_VERSION {
        return Err(bad(&format!(
            "it holds schema {}, newer than this triad knows ({SCHEMA_VERSION}); upgrade triad",
            header.schema
        )));
    }
    let mut hash = Sha256::new();
    hash.update(MAGIC);
    hash.update(&header_line);
    let mut z = zstd::Decoder::with_buffer(reader).map_err(|e| bad(&e.to_string()))?;
    let cut = || bad("it ends early (cut short or damaged)");
    let mut summary = BackupSummary {
        schema: header.schema,
        created: header.created,
        head: header.head,
        file_bytes,
        ..BackupSummary::default()
    };
    let read_part = |z: &mut dyn Read, hash: &mut Sha256| -> Result<Vec<u8>> {
        let mut len = [0u8; 4];
        z.read_exact(&mut len).map_err(|_| cut())?;
        hash.update(len);
        let mut bytes = vec![0u8; u32::from_be_bytes(len) as usize];
        z.read_exact(&mut bytes).map_err(|_| cut())?;
        hash.update(&bytes);
        Ok(bytes)
    };
    loop {
        let mut tag = [0u8; 1];
        z.read_exact(&mut tag).map_err(|_| cut())?;
        match tag[0] {
            TAG_ENTRY => {
                hash.update(tag);
                let tree = read_part(&mut z, &mut hash)?;
                let key = read_part(&mut z, &mut hash)?;
                let value = read_part(&mut z, &mut hash)?;
                summary.count(&tree);
                entry(&tree, &key, &value)?;
            }
            TAG_END => {
                let mut count = [0u8; 8];
                let mut digest = [0u8; 32];
                z.read_exact(&mut count).map_err(|_| cut())?;
                z.read_exact(&mut digest).map_err(|_| cut())?;
                if u64::from_be_bytes(count) != summary.entries {
                    return Err(bad("its entry count does not match its end"));
                }
                if hash.finalize()[..] != digest[..] {
                    return Err(bad(
                        "its checksum does not match: the file was changed or damaged",
                    ));
                }
                let mut rest = Vec::new();
                if z.read_to_end(&mut rest).map_err(|e| bad(&e.to_string()))? > 0 {
                    return Err(bad("there is data after its end"));
                }
                return Ok(summary);
            }
            _ => return Err(bad("it holds an entry of an unknown type (damaged)")),
        }
    }
}

/// `triad backup --verify FILE`: reads the whole backup and checks it.
pub fn verify_backup(path: &Path) -> Result<BackupSummary> {
    read_backup(path, &mut |_, _, _| Ok(()))
}

/// Writes the entries of a backup into a new sled database at `db_dir`,
/// flushed. Fails (leaving `db_dir` to the caller to remove) if the
/// backup is bad.
pub(super) fn restore_db(backup: &Path, db_dir: &Path) -> Result<BackupSummary> {
    // sled's default cache (1 GiB) would hold much of a big store in memory.
    let db = sled::Config::new()
        .path(db_dir)
        .cache_capacity(super::sled_store::CACHE_BYTES)
        .open()?;
    let mut trees: HashMap<Vec<u8>, (sled::Tree, sled::Batch, usize)> = HashMap::new();
    let summary = read_backup(backup, &mut |tree, key, value| {
        let slot = match trees.get_mut(tree) {
            Some(slot) => slot,
            None => {
                let t = db.open_tree(tree)?;
                trees
                    .entry(tree.to_vec())
                    .or_insert((t, sled::Batch::default(), 0))
            }
        };
        slot.1.insert(key, value);
        slot.2 += 1;
        if slot.2 >= RESTORE_BATCH {
            slot.0.apply_batch(std::mem::take(&mut slot.1))?;
            slot.2 = 0;
        }
        Ok(())
    })?;
    for (_, (tree, batch, _)) in trees {
        tree.apply_batch(batch)?;
    }
    db.flush()?;
    Ok(summary)
}

/// `triad restore FILE --store DIR`: into a new store only. The store is
/// built in a private directory beside `dir`, opened (so older schemas
/// are migrated) and checked, and only then renamed to `dir`; a bad
/// backup leaves nothing behind.
pub fn restore(backup: &Path, dir: &Path) -> Result<(BackupSummary, super::CheckReport)> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::Io { path, source }
    };
    super::paths::ensure_own(dir)?;
    if fs::read_dir(dir).is_ok_and(|mut e| e.next().is_some()) {
        return Err(StoreError::NotNew(dir.to_path_buf()));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io(&parent))?;
    super::paths::ensure_writable_dir(&parent)?;
    super::partial::clear(&parent).map_err(io(&parent))?;
    let building = tempfile::Builder::new()
        .prefix(&super::partial::prefix())
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir_in(&parent)
        .map_err(io(&parent))?;
    let summary = restore_db(backup, &building.path().join("db"))?;
    let report = {
        let store = SledStore::open(building.path())?;
        store.check()?
    };
    if !report.problems.is_empty() {
        return Err(StoreError::Corrupt(format!(
            "the restored store fails its check ({}); nothing was put at {}",
            report.problems.join("; "),
            dir.display()
        )));
    }
    if dir.exists() {
        // Empty (checked above): the new store takes its place.
        fs::remove_dir(dir).map_err(io(dir))?;
    }
    let built = building.keep();
    fs::rename(&built, dir).map_err(io(dir))?;
    Ok((summary, report))
}
