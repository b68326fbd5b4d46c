//! Partnerships that last years, and the events that make them up — trust
//! built "like a Baumkuchen", one thin layer at a time.

use serde::{Deserialize, Serialize};

use super::Reason;
use super::party::{Cadence, check_span, expect_kind, expect_party};
use super::text::{ValidationError, check_name, check_text};
use super::{Date, Id, Kind};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partnership {
    pub id: Id,
    pub title: String,
    pub parties: Vec<Id>,
    pub started: Date,
    #[serde(default)]
    pub ended: Option<Date>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub cadences: Vec<Cadence>,
}

impl Partnership {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::Partnership)?;
        check_name("title", &self.title)?;
        check_text("description", &self.description)?;
        if self.parties.len() < 2 {
            return Err(ValidationError::new("parties", Reason::PartnershipNeedsTwo));
        }
        for p in &self.parties {
            expect_party("parties", p)?;
        }
        for c in &self.cadences {
            check_name("cadences", &c.what)?;
        }
        check_span("ended", self.started, self.ended)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Meeting,
    CheckUp,
    Training,
    Lecture,
    Salon,
    BoardMeeting,
    Consultation,
    Milestone,
    Other,
}

/// Attendance counted by sector; `None` where a sector was not counted
/// (some trainings counted medical staff only), which is not the same as 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    /// Peers, patients and families.
    #[serde(default)]
    pub peer: Option<u32>,
    #[serde(default)]
    pub medical: Option<u32>,
    #[serde(default)]
    pub government: Option<u32>,
}

impl Attendance {
    /// Counted in all three sectors.
    pub fn full(peer: u32, medical: u32, government: u32) -> Attendance {
        Attendance {
            peer: Some(peer),
            medical: Some(medical),
            government: Some(government),
        }
    }

    /// The people counted, over the sectors that were counted.
    pub fn total(&self) -> u32 {
        [self.peer, self.medical, self.government]
            .into_iter()
            .flatten()
            .sum()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: Id,
    pub date: Date,
    #[serde(default)]
    pub end: Option<Date>,
    pub kind: EventKind,
    pub title: String,
    #[serde(default)]
    pub parties: Vec<Id>,
    #[serde(default)]
    pub partnership: Option<Id>,
    #[serde(default)]
    pub case: Option<Id>,
    #[serde(default)]
    pub attendance: Option<Attendance>,
    /// The training course a session belongs to: who attended it is who
    /// it names, so the course's attendance is counted from its events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course: Option<Id>,
    /// "online", "with the prefecture's council", …
    #[serde(default)]
    pub note: String,
}

impl Event {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::Event)?;
        check_name("title", &self.title)?;
        check_text("note", &self.note)?;
        for p in &self.parties {
            expect_party("parties", p)?;
        }
        if let Some(p) = &self.partnership {
            expect_kind("partnership", p, Kind::Partnership)?;
        }
        if let Some(c) = &self.case {
            expect_kind("case", c, Kind::Case)?;
        }
        if let Some(c) = &self.course {
            expect_kind("course", c, Kind::Course)?;
        }
        check_span("end", self.date, self.end)
    }
}
