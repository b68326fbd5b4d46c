//! Who may read and write what. A server gives each connection a reader
//! (its OS user, the role its config gives that user, and for a peer
//! supporter their Person record); every read is filtered for it before it
//! leaves the server, and every write is checked against it.

use serde::{Deserialize, Serialize};

use super::{Case, Confidentiality, Id, TrustNote};

/// A user's role on a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessRole {
    /// Reads and writes everything they may read.
    Coordinator,
    /// Reads and writes only the cases their person is in; shared notes only.
    Supporter,
    /// Reads only.
    Viewer,
}

impl AccessRole {
    pub fn name(self) -> &'static str {
        match self {
            AccessRole::Coordinator => "coordinator",
            AccessRole::Supporter => "supporter",
            AccessRole::Viewer => "viewer",
        }
    }
}

/// The one reading: a user with a role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reader {
    pub user: String,
    pub role: AccessRole,
    /// A supporter's own Person record.
    #[serde(default)]
    pub person: Option<Id>,
}

impl Reader {
    /// A store's owner: a coordinator.
    pub fn owner(user: &str) -> Reader {
        Reader {
            user: user.to_string(),
            role: AccessRole::Coordinator,
            person: None,
        }
    }

    /// Private notes go to their author only, team notes to coordinators
    /// (and their author), shared notes to everyone who sees the case.
    pub fn may_read_note(&self, n: &TrustNote) -> bool {
        match n.confidentiality {
            Confidentiality::Private => n.author == self.user,
            Confidentiality::Team => self.role == AccessRole::Coordinator || n.author == self.user,
            Confidentiality::Shared => true,
        }
    }

    pub fn may_write(&self) -> bool {
        self.role != AccessRole::Viewer
    }

    /// Whether every case is visible (a supporter sees only their own).
    pub fn sees_every_case(&self) -> bool {
        self.role != AccessRole::Supporter
    }

    /// Whether the reader sees this case: a supporter only when their
    /// person is a party to it (or its client or coordinator).
    pub fn sees_case(&self, c: &Case) -> bool {
        if self.sees_every_case() {
            return true;
        }
        let Some(me) = self.person else {
            return false;
        };
        c.client == Some(me) || c.coordinator == Some(me) || c.parties.iter().any(|p| p.party == me)
    }

    /// "sato (coordinator)", for headers and filtered exports.
    pub fn label(&self) -> String {
        format!("{} ({})", self.user, self.role.name())
    }
}
