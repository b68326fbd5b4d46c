//! Short ids a coordinator can type in a meeting: `C-0007`, `B-0012`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The kind of record an id names; its letter is the id's prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Body,
    Person,
    Affiliation,
    Case,
    Relationship,
    TrustNote,
    Consent,
    Referral,
    Partnership,
    Course,
    Event,
    Enrolment,
    Contact,
    Supervision,
    CheckIn,
}

impl Kind {
    /// Every kind, in the order exports list them (referenced before referrer).
    pub const ALL: [Kind; 15] = [
        Kind::Body,
        Kind::Person,
        Kind::Affiliation,
        Kind::Case,
        Kind::Relationship,
        Kind::TrustNote,
        Kind::Consent,
        Kind::Referral,
        Kind::Partnership,
        Kind::Course,
        Kind::Event,
        Kind::Enrolment,
        Kind::Contact,
        Kind::Supervision,
        Kind::CheckIn,
    ];

    pub fn letter(self) -> char {
        match self {
            Kind::Body => 'B',
            Kind::Person => 'P',
            Kind::Affiliation => 'A',
            Kind::Case => 'C',
            Kind::Relationship => 'L',
            Kind::TrustNote => 'T',
            Kind::Consent => 'K',
            Kind::Referral => 'R',
            Kind::Partnership => 'S',
            Kind::Event => 'E',
            Kind::Course => 'G',
            Kind::Enrolment => 'N',
            Kind::Contact => 'V',
            Kind::Supervision => 'U',
            Kind::CheckIn => 'W',
        }
    }

    pub fn from_letter(c: char) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.letter() == c.to_ascii_uppercase())
    }

    /// The plural name used for export sections, CSV files and sled trees.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Body => "bodies",
            Kind::Person => "people",
            Kind::Affiliation => "affiliations",
            Kind::Case => "cases",
            Kind::Relationship => "relationships",
            Kind::TrustNote => "trust_notes",
            Kind::Consent => "consents",
            Kind::Referral => "referrals",
            Kind::Partnership => "partnerships",
            Kind::Event => "events",
            Kind::Course => "courses",
            Kind::Enrolment => "enrolments",
            Kind::Contact => "contacts",
            Kind::Supervision => "supervisions",
            Kind::CheckIn => "check_ins",
        }
    }

    /// The sled tree holding this kind's records: its plural name, the one
    /// place a store's layout comes from (see `store::migrate::LAYOUT`).
    pub fn tree_name(self) -> &'static str {
        self.plural()
    }

    /// The singular name shown to people and printed by `triad search`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Body => "body",
            Kind::Person => "person",
            Kind::Affiliation => "affiliation",
            Kind::Case => "case",
            Kind::Relationship => "relationship",
            Kind::TrustNote => "trust_note",
            Kind::Consent => "consent",
            Kind::Referral => "referral",
            Kind::Partnership => "partnership",
            Kind::Event => "event",
            Kind::Course => "course",
            Kind::Enrolment => "enrolment",
            Kind::Contact => "contact",
            Kind::Supervision => "supervision",
            Kind::CheckIn => "check_in",
        }
    }
}

/// A record id: a kind and a positive number, written `C-0007`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id {
    pub kind: Kind,
    pub num: u64,
}

impl Id {
    /// The largest number an id may carry: far past any real store, and far
    /// enough from u64::MAX that a counter can never wrap.
    pub const MAX_NUM: u64 = 99_999_999;

    pub const fn new(kind: Kind, num: u64) -> Id {
        Id { kind, num }
    }

    /// True for the two kinds that can be a party to a case or relationship.
    pub fn is_party(&self) -> bool {
        matches!(self.kind, Kind::Body | Kind::Person)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}", self.kind.letter(), self.num)
    }
}

/// Why a string is not an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an id (ids look like C-0007: a kind letter, a dash, a number)")]
pub struct IdError(pub String);

impl FromStr for Id {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Id, IdError> {
        let bad = || IdError(s.to_string());
        let mut chars = s.chars();
        let kind = chars.next().and_then(Kind::from_letter).ok_or_else(bad)?;
        let rest = chars.as_str();
        let digits = rest.strip_prefix('-').unwrap_or(rest);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let num: u64 = digits.parse().map_err(|_| bad())?;
        if num == 0 || num > Id::MAX_NUM {
            return Err(bad());
        }
        Ok(Id { kind, num })
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_pad() {
        let id = Id::new(Kind::Case, 7);
        assert_eq!(id.to_string(), "C-0007");
        assert_eq!("C-0007".parse::<Id>(), Ok(id));
        assert_eq!("c7".parse::<Id>(), Ok(id));
        assert_eq!(Id::new(Kind::Event, 123_456).to_string(), "E-123456");
        assert_eq!("C-99999999".parse::<Id>().map(|i| i.num), Ok(Id::MAX_NUM));
        for bad in [
            "",
            "C",
            "C-",
            "X-0001",
            "C-00a1",
            "C-0000",
            "C--1",
            "C-100000000",
            "B-18446744073709551615",
        ] {
            assert!(bad.parse::<Id>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn letters_are_unique() {
        let mut letters: Vec<char> = Kind::ALL.iter().map(|k| k.letter()).collect();
        letters.sort_unstable();
        letters.dedup();
        assert_eq!(letters.len(), Kind::ALL.len());
    }
}
