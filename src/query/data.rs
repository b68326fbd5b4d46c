//! What the query layer answers with: light summaries of everything (so
//! the case list and dashboard are instant), finder documents and hits,
//! and full details of one record.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::model::{
    Affiliation, Case, CaseStatus, Consent, Date, Event, Id, Kind, Partnership, Record, Referral,
    Relationship, Sector, Timestamp, TrustNote,
};

/// A body or person, by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NameRow {
    pub id: Id,
    pub name: String,
    pub reading: Option<String>,
    /// Bodies have a sector; people get theirs from their role in a case.
    pub sector: Option<Sector>,
    /// A client or family member: meeting mode shows initials.
    #[serde(default)]
    pub private: bool,
    /// The name and reading folded as the finder folds them, made the
    /// first time a party field is matched against this row, then kept.
    #[serde(skip)]
    pub keys: std::sync::OnceLock<MatchKeys>,
}

/// A name as the finder compares it: folded name and reading, and the
/// reading (else the name) in canonical romaji.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MatchKeys {
    pub name: String,
    pub reading: String,
    pub spoken: String,
}

impl NameRow {
    pub fn keys(&self) -> &MatchKeys {
        use crate::search::normalize::{fold, romaji};
        self.keys.get_or_init(|| MatchKeys {
            name: fold(&self.name),
            reading: self.reading.as_deref().map(fold).unwrap_or_default(),
            spoken: romaji(self.reading.as_deref().unwrap_or(&self.name)),
        })
    }
}

/// The name row of a body or a person; other records have none.
pub fn name_row(r: &Record) -> Option<NameRow> {
    match r {
        Record::Body(b) => Some(NameRow {
            id: b.id,
            name: b.name.clone(),
            reading: b.reading.clone(),
            sector: Some(b.sector),
            private: false,
            keys: Default::default(),
        }),
        Record::Person(p) => Some(NameRow {
            id: p.id,
            name: p.name.clone(),
            reading: p.reading.clone(),
            sector: None,
            private: p.is_private_party(),
            keys: Default::default(),
        }),
        _ => None,
    }
}

/// One line of the case list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseRow {
    pub id: Id,
    pub title: String,
    pub status: CaseStatus,
    pub coordinator: Option<Id>,
    /// Whose case it is (meeting mode can show their name for a moment).
    #[serde(default)]
    pub client: Option<Id>,
    /// The latest change to the case or anything that belongs to it (a
    /// referral step, a note, a consent, an event that took place).
    pub changed: Timestamp,
    /// What that latest change was to: the case itself, or one of its
    /// referrals, notes, consents or events.
    #[serde(default = "case_kind")]
    pub changed_kind: Kind,
    /// Which sectors have a party whose role has not ended.
    pub sectors: [bool; 3],
    pub open_referrals: u32,
}

impl CaseRow {
    pub fn from_case(c: &Case) -> CaseRow {
        let mut sectors = [false; 3];
        for p in c.parties.iter().filter(|p| p.is_active()) {
            sectors[sector_index(p.sector)] = true;
        }
        CaseRow {
            id: c.id,
            title: c.title.clone(),
            status: c.status,
            coordinator: c.coordinator,
            client: c.client,
            changed: c.changed,
            changed_kind: Kind::Case,
            sectors,
            open_referrals: 0,
        }
    }
}

fn case_kind() -> Kind {
    Kind::Case
}

pub fn sector_index(s: Sector) -> usize {
    match s {
        Sector::Government => 0,
        Sector::Medical => 1,
        Sector::PatientFamily => 2,
    }
}

/// An open referral the dashboard lists: its follow-up is due (past,
/// today or within the week), or it was sent and waits for an answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReferralAlert {
    pub id: Id,
    pub case: Id,
    pub from: Id,
    pub to: Id,
    pub follow_up: Option<Date>,
    /// When it was sent, while the receiver has not answered.
    pub sent_on: Option<Date>,
}

/// A consent that needs attention: expiring soon, or withdrawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsentAlert {
    pub id: Id,
    pub case: Id,
    pub client: Id,
    pub expires_on: Option<Date>,
    pub withdrawn_on: Option<Date>,
    /// A withdrawn consent: the open referrals it covered (sent under it,
    /// or proposed to a party it names), which need a coordinator's look.
    #[serde(default)]
    pub open_referrals: Vec<Id>,
}

/// An event coming up soon.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventLine {
    pub id: Id,
    pub date: Date,
    pub title: String,
    pub kind: crate::model::EventKind,
    /// Where Enter goes: its case, else its first party.
    pub target: Option<Id>,
}

/// A searchable thing for the finder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FinderDoc {
    pub id: Id,
    /// What the search index matches (see `search::doc_for`).
    pub doc: crate::search::Doc,
    /// Shown after the label: a date, a status, a sector.
    pub detail: String,
    /// Where Enter goes (an event or a note opens its case or party).
    pub target: Id,
}

/// A finder hit, ready to show and to follow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: Id,
    pub label: String,
    pub detail: String,
    /// Char positions in `label` that matched, to highlight.
    pub matched: Vec<usize>,
    /// Where Enter goes: the case of an event, a party of a partnership.
    pub target: Id,
    /// Higher is better (the search index's ranking).
    pub score: i64,
}

/// A partnership with its events, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub partnership: Partnership,
    pub events: Vec<Event>,
}

/// Everything the case view shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub case: Case,
    /// The case's revision, which an edit of it is made from.
    #[serde(default)]
    pub rev: u64,
    /// The revisions of the other records shown, for editing them.
    #[serde(default)]
    pub revs: HashMap<Id, u64>,
    pub relationships: Vec<Relationship>,
    /// Newest first.
    pub referrals: Vec<Referral>,
    /// Newest first.
    pub notes: Vec<TrustNote>,
    pub consents: Vec<Consent>,
    pub timelines: Vec<Timeline>,
    /// Affiliations of the people in the triad, to say where they work(ed).
    pub affiliations: Vec<Affiliation>,
    /// Names of every id the view mentions.
    pub names: HashMap<Id, String>,
    /// Sectors of bodies the view mentions (people take their case role's).
    pub sectors: HashMap<Id, Sector>,
    /// The case's audit trail, newest first (coordinators only; empty for
    /// others).
    #[serde(default)]
    pub audit: Vec<crate::model::AuditEntry>,
}

/// Everything the body or person view shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartyDetail {
    pub record: Record,
    /// The revisions of the records shown, for editing them.
    #[serde(default)]
    pub revs: HashMap<Id, u64>,
    /// (case id, title, status, role, from, until)
    pub cases: Vec<PartyCase>,
    pub affiliations: Vec<Affiliation>,
    pub timelines: Vec<Timeline>,
    pub names: HashMap<Id, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartyCase {
    pub id: Id,
    pub title: String,
    pub status: CaseStatus,
    pub role: String,
    pub from: Option<Date>,
    pub until: Option<Date>,
}

/// One referral, event, trust note or consent, for its detail view, with
/// the names of everything it mentions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordDetail {
    pub record: Record,
    /// Its revision, which an edit of it is made from.
    #[serde(default)]
    pub rev: u64,
    pub names: HashMap<Id, String>,
}
