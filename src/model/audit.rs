//! The audit trail: who viewed or changed what, when. Summaries name ids
//! and kinds, never personal details. Entries are hash-chained: each holds
//! the previous entry's hash, so an entry edited, removed or slipped in is
//! found by `triad check`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Id, Timestamp};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    Export,
    Import,
    /// A case, person or body view was opened.
    View,
    /// Access or a change was refused (the rule, never the content).
    Refused,
    /// Meeting mode: one hidden item was shown for a moment.
    Reveal,
    /// Records found unsealed (written before the trail was chained) were
    /// sealed as they were.
    Seal,
}

impl AuditAction {
    pub const ALL: [AuditAction; 9] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Delete,
        AuditAction::Export,
        AuditAction::Import,
        AuditAction::View,
        AuditAction::Refused,
        AuditAction::Reveal,
        AuditAction::Seal,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::Export => "export",
            AuditAction::Import => "import",
            AuditAction::View => "view",
            AuditAction::Refused => "refused",
            AuditAction::Reveal => "reveal",
            AuditAction::Seal => "seal",
        }
    }
}

/// A record's seal that a later entry took over (an update or delete of a
/// record an import batch had sealed): what the earlier entry's seal
/// loses, so the earlier entry still adds up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Released {
    pub seq: u64,
    /// Hex of the XOR of the released records' seal contributions.
    pub part: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    pub at: Timestamp,
    /// The OS user who ran triad (or the peer identity under `triad serve`).
    pub user: String,
    pub action: AuditAction,
    #[serde(default)]
    pub entity: Option<Id>,
    /// The case the entity belongs to, for `triad audit --case`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<Id>,
    pub summary: String,
    /// The previous entry's hash (empty for the first of the chain).
    #[serde(default)]
    pub prev: String,
    /// Hex of the XOR of the seals of the records this entry wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub released: Vec<Released>,
    /// This entry's own hash, over everything above.
    #[serde(default)]
    pub hash: String,
}

impl AuditEntry {
    /// The SHA-256 of the entry with its `hash` left empty, in hex.
    pub fn compute_hash(&self) -> String {
        let mut bare = self.clone();
        bare.hash.clear();
        hex(&Sha256::digest(
            serde_json::to_vec(&bare).unwrap_or_default(),
        ))
    }
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
