//! Who may read and write what. A server gives each connection a reader
//! (its OS user, the role its config gives that user, and for a peer
//! supporter their Person record); every read is filtered for it before it
//! leaves the server, and every write is checked against it.

use serde::{Deserialize, Serialize};

use super::{Case, CheckIn, Confidentiality, Contact, Id, Supervision, TrustNote};

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

    /// A contact's note is kept as a note of its confidentiality is.
    pub fn may_read_contact(&self, c: &Contact) -> bool {
        match c.confidentiality {
            Confidentiality::Private => c.author == self.user,
            Confidentiality::Team => self.role == AccessRole::Coordinator || c.author == self.user,
            Confidentiality::Shared => true,
        }
    }

    /// Supervision is for coordinators, and for the people in the session.
    pub fn may_read_supervision(&self, s: &Supervision) -> bool {
        self.role == AccessRole::Coordinator
            || self
                .person
                .is_some_and(|me| me == s.supervisor || s.supporters.contains(&me))
    }

    /// A wellbeing check-in is health information about the supporter:
    /// the supporter (or whoever wrote it for them) and their supervisor
    /// (`supervisor`, as the supporter's record names them now) read it;
    /// no role reads it by being a coordinator.
    pub fn may_read_check_in(&self, c: &CheckIn, supervisor: Option<Id>) -> bool {
        c.author == self.user
            || self
                .person
                .is_some_and(|me| me == c.supporter || Some(me) == supervisor)
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
