//! Trust between two parties, and the notes that record how it grows.

use serde::{Deserialize, Serialize};

use super::Reason;
use super::party::{expect_kind, expect_party};
use super::text::{ValidationError, check_name, check_text};
use super::{Date, Id, Kind, Timestamp};

/// 1 = new or unknown … 5 = established. Trust decides what gets shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct TrustLevel(u8);

impl TrustLevel {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    pub fn new(level: u8) -> Result<TrustLevel, ValidationError> {
        if (Self::MIN..=Self::MAX).contains(&level) {
            Ok(TrustLevel(level))
        } else {
            Err(ValidationError::new(
                "trust",
                Reason::TrustOutOfRange { level },
            ))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for TrustLevel {
    type Error = ValidationError;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        TrustLevel::new(v)
    }
}

impl From<TrustLevel> for u8 {
    fn from(t: TrustLevel) -> u8 {
        t.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustChange {
    pub on: Date,
    pub level: TrustLevel,
    pub by: String,
}

/// Two parties, optionally within one case, and their trust over time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    pub id: Id,
    pub a: Id,
    pub b: Id,
    #[serde(default)]
    pub case: Option<Id>,
    /// Never empty: the first entry is the level the relationship started at.
    pub trust: Vec<TrustChange>,
    /// Imported: who entered it here, and when (its own history stays as
    /// it was recorded elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered: Option<super::Entered>,
}

impl Relationship {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::Relationship)?;
        expect_party("a", &self.a)?;
        expect_party("b", &self.b)?;
        if self.a == self.b {
            return Err(ValidationError::new("b", Reason::SameParty));
        }
        if let Some(c) = &self.case {
            expect_kind("case", c, Kind::Case)?;
        }
        if self.trust.is_empty() {
            return Err(ValidationError::new("trust", Reason::NeedsTrust));
        }
        for t in &self.trust {
            check_name("trust", &t.by)?;
        }
        Ok(())
    }

    /// The level now: the latest change.
    pub fn level(&self) -> Option<TrustLevel> {
        self.trust.last().map(|t| t.level)
    }

    pub fn involves(&self, party: Id) -> bool {
        self.a == party || self.b == party
    }
}

/// Who may read a note. Peer supporters are not bound by professional codes,
/// so confidentiality must be visible and enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidentiality {
    Shared,
    Team,
    Private,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustNote {
    pub id: Id,
    #[serde(default)]
    pub case: Option<Id>,
    #[serde(default)]
    pub relationship: Option<Id>,
    /// The party the note is about, when it is about one.
    #[serde(default)]
    pub about: Option<Id>,
    pub author: String,
    pub at: Timestamp,
    pub text: String,
    pub confidentiality: Confidentiality,
    #[serde(default)]
    pub trust_change: Option<TrustLevel>,
    /// The note this one corrects; that note is kept as it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<Id>,
    /// Imported: who entered it here, and when (`author` and `at` are as
    /// the file recorded them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered: Option<super::Entered>,
}

impl TrustNote {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::TrustNote)?;
        if self.case.is_none() && self.relationship.is_none() && self.about.is_none() {
            return Err(ValidationError::new("case", Reason::NoteWithoutOwner));
        }
        if let Some(c) = &self.case {
            expect_kind("case", c, Kind::Case)?;
        }
        if let Some(r) = &self.relationship {
            expect_kind("relationship", r, Kind::Relationship)?;
        }
        if let Some(p) = &self.about {
            expect_party("about", p)?;
        }
        if let Some(c) = &self.corrects {
            expect_kind("corrects", c, Kind::TrustNote)?;
        }
        check_name("author", &self.author)?;
        if self.text.trim().is_empty() {
            return Err(ValidationError::new("text", Reason::Empty));
        }
        check_text("text", &self.text)
    }
}
