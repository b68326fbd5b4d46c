//! The audit trail: who changed what, when. Summaries name ids and kinds,
//! never personal details.

use serde::{Deserialize, Serialize};

use super::{Id, Timestamp};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    Export,
    Import,
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
    pub summary: String,
}
