//! The audit trail's head kept outside the store, so a trail cut short
//! (its last entries deleted and its head rewound) is found: an anchor
//! file in a directory the owner names, the system log, and every backup
//! hold the sequence number and hash of the last entry. Nothing personal:
//! a store id, a number and a hash.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StoreError;

/// The chain's head at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// Which trail: the hash of its first chained entry (short hex);
    /// empty for a trail with no entry yet.
    pub store: String,
    /// The last entry's number and hash.
    pub seq: u64,
    pub hash: String,
}

/// An anchor: a head and when it was taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    #[serde(flatten)]
    pub head: Head,
    pub at: crate::model::Timestamp,
}

/// An anchor is written at least this often (entries)…
pub const EVERY_ENTRIES: u64 = 100;
/// …or this often, if the trail grew at all.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// The anchor file of a store in `dir`.
pub fn file_in(dir: &Path, head: &Head) -> PathBuf {
    dir.join(format!("triad-anchor-{}.json", head.store))
}

/// Reads an anchor file.
pub fn read(path: &Path) -> Result<Anchor, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the anchor {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|_| {
        format!(
            "{} is not a triad anchor (a JSON file `triad serve --anchor-dir` writes)",
            path.display()
        )
    })
}

/// The anchor a file holds: an anchor file, or a backup (checked whole
/// first: its head counts only if every byte of it is as written).
pub fn from_file(path: &Path) -> Result<Anchor, String> {
    let mut start = [0u8; 12];
    let is_backup = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut start))
        .is_ok_and(|()| start.starts_with(b"triad-backup"));
    if !is_backup {
        return read(path);
    }
    let summary = super::verify_backup(path).map_err(|e| e.to_string())?;
    let head = summary.head.ok_or_else(|| {
        format!(
            "the backup {} is older than anchors: it holds no audit head",
            path.display()
        )
    })?;
    let at = chrono::DateTime::parse_from_rfc3339(&summary.created)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    Ok(Anchor { head, at })
}

/// Writes `head` as the anchor file in `dir` (0600, through a temporary
/// file renamed into place, synced). Never moves an anchor backwards: a
/// head behind the one the file holds is refused, so a cut trail cannot
/// overwrite the evidence of what it was.
pub fn write(dir: &Path, head: &Head) -> Result<PathBuf, StoreError> {
    let path = file_in(dir, head);
    let io = |source| StoreError::Io {
        path: path.clone(),
        source,
    };
    // Made if missing (0700, as the store's own directory); never a
    // directory of someone else's.
    if std::fs::symlink_metadata(dir).is_err() {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|source| StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
    }
    super::paths::ensure_writable_dir(dir)?;
    super::paths::ensure_own(&path)?;
    if let Ok(held) = read(&path)
        && held.head.seq > head.seq
    {
        return Err(StoreError::Corrupt(format!(
            "the audit trail ends at #{}, behind its anchor {} (#{}): it was cut short",
            head.seq,
            path.display(),
            held.head.seq
        )));
    }
    let anchor = Anchor {
        head: head.clone(),
        at: chrono::Utc::now(),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".triad-anchor-")
        .permissions(std::fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)
        .map_err(io)?;
    let mut text = serde_json::to_vec_pretty(&anchor).unwrap_or_default();
    text.push(b'\n');
    tmp.write_all(&text).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(&path).map_err(|e| io(e.error))?;
    // The rename reaches the disk with the directory.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(path)
}

/// Tells the system log (`/dev/log`, which journald also reads) the head.
/// Best effort: a machine without a syslog loses only this copy.
pub fn to_syslog(head: &Head, why: &str) {
    use std::os::unix::net::UnixDatagram;
    // authpriv.info: kept where security events are, readable by root.
    let line = format!(
        "<86>triad[{}]: audit head {why}: store={} seq={} hash={}",
        std::process::id(),
        head.store,
        head.seq,
        head.hash
    );
    if let Ok(sock) = UnixDatagram::unbound() {
        let _ = sock.send_to(line.as_bytes(), "/dev/log");
    }
}

/// What an anchor says of this trail: nothing if it agrees, else the
/// problem. `entry_hash(seq)` is the stored hash of entry `seq`, if any.
pub fn compare(
    anchor: &Anchor,
    now: &Head,
    entry_hash: &dyn Fn(u64) -> Option<String>,
) -> Option<String> {
    let a = &anchor.head;
    let when = anchor.at.format("%Y-%m-%d %H:%M UTC");
    if a.seq == 0 {
        return None;
    }
    if a.store != now.store {
        return Some(format!(
            "the anchor of {when} is of another audit trail ({}), or this trail's first entry was changed",
            a.store
        ));
    }
    if now.seq < a.seq {
        return Some(format!(
            "the audit trail ends at #{}, but its anchor of {when} saw #{}: entries #{}–#{} were cut off",
            now.seq,
            a.seq,
            now.seq + 1,
            a.seq
        ));
    }
    match entry_hash(a.seq) {
        Some(h) if h == a.hash => None,
        _ => Some(format!(
            "audit entry #{} is not the one its anchor of {when} saw: the trail was rewritten from there",
            a.seq
        )),
    }
}
