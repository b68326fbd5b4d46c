//! Peer supporters as people to look after: their training, how much they
//! take on, their contacts with cases, supervision and wellbeing.
//! Workload comes from these records ([`super::workload`]); nothing here
//! is a count kept by hand.

use serde::{Deserialize, Serialize};

use super::Reason;
use super::party::{check_span, expect_kind};
use super::relationship::Confidentiality;
use super::text::{ValidationError, check_name, check_text};
use super::{Date, Id, Kind};

/// Where a supporter stands. Resting is a normal pause, not a failure:
/// the screens say "resting" (休止中), never "inactive".
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SupporterStatus {
    #[default]
    Active,
    Resting,
    Left,
}

impl SupporterStatus {
    pub const ALL: [SupporterStatus; 3] = [
        SupporterStatus::Active,
        SupporterStatus::Resting,
        SupporterStatus::Left,
    ];
}

/// What a peer supporter's Person record adds: how much they take on, when
/// they can, who supervises them, what they know.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupporterProfile {
    #[serde(default)]
    pub status: SupporterStatus,
    /// Since when the status holds.
    #[serde(default)]
    pub since: Option<Date>,
    /// The most active cases they take on; `None`: not agreed yet.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// "weekday afternoons", "not in August".
    #[serde(default)]
    pub availability: String,
    /// Their supervisor: the one person besides them who reads their
    /// wellbeing check-ins.
    #[serde(default)]
    pub supervisor: Option<Id>,
    /// "ALS, パーキンソン病", "統合失調症".
    #[serde(default)]
    pub disease_areas: String,
    /// "日本語, English, うちなーぐち".
    #[serde(default)]
    pub languages: String,
}

impl SupporterProfile {
    pub fn validate(&self, own: Id) -> Result<(), ValidationError> {
        check_text("availability", &self.availability)?;
        check_text("disease_areas", &self.disease_areas)?;
        check_text("languages", &self.languages)?;
        if let Some(s) = &self.supervisor {
            expect_kind("supervisor", s, Kind::Person)?;
            if *s == own {
                return Err(ValidationError::new("supervisor", Reason::OwnSupervisor));
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseLevel {
    /// 基礎: comes first.
    Basic,
    /// 応用 / 専門: after the basic course.
    Applied,
    Other,
}

/// A training course: 難病ピア・サポーター養成研修 (basic, applied),
/// 障害者ピアサポート研修 基礎/専門, がんピアサポーター養成研修.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    pub id: Id,
    pub name: String,
    #[serde(default)]
    pub reading: Option<String>,
    pub level: CourseLevel,
    /// The body that runs it.
    #[serde(default)]
    pub provider: Option<Id>,
    pub started: Date,
    #[serde(default)]
    pub ended: Option<Date>,
    /// Sessions planned over the whole course.
    #[serde(default)]
    pub planned_sessions: u32,
    /// The course taken before this one (an applied course's basic one).
    #[serde(default)]
    pub follows: Option<Id>,
    #[serde(default)]
    pub note: String,
}

impl Course {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::Course)?;
        check_name("name", &self.name)?;
        if let Some(r) = &self.reading {
            check_name("reading", r)?;
        }
        if let Some(p) = &self.provider {
            expect_kind("provider", p, Kind::Body)?;
        }
        if let Some(f) = &self.follows {
            expect_kind("follows", f, Kind::Course)?;
            if *f == self.id {
                return Err(ValidationError::new("follows", Reason::OwnParent));
            }
        }
        check_text("note", &self.note)?;
        check_span("ended", self.started, self.ended)
    }
}

/// A year's certificate of a course (修了証 for that year).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub year: i32,
    pub on: Date,
}

/// One supporter on one course. The sessions they attended are the
/// course's training events that name them (never a count kept here).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    pub id: Id,
    pub course: Id,
    pub person: Id,
    pub enrolled_on: Date,
    #[serde(default)]
    pub certificates: Vec<Certificate>,
    #[serde(default)]
    pub completed_on: Option<Date>,
    #[serde(default)]
    pub note: String,
}

impl Enrolment {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::Enrolment)?;
        expect_kind("course", &self.course, Kind::Course)?;
        expect_kind("person", &self.person, Kind::Person)?;
        check_text("note", &self.note)?;
        let mut years: Vec<i32> = self.certificates.iter().map(|c| c.year).collect();
        years.sort_unstable();
        if let Some(w) = years.windows(2).find(|w| w[0] == w[1]) {
            return Err(ValidationError::new(
                "certificates",
                Reason::CertificateTwice { year: w[0] },
            ));
        }
        if self.certificates.iter().any(|c| c.on < self.enrolled_on) {
            return Err(ValidationError::new(
                "certificates",
                Reason::BeforeStart {
                    start: self.enrolled_on,
                },
            ));
        }
        check_span("completed_on", self.enrolled_on, self.completed_on)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Visit,
    Phone,
    Salon,
    GroupTalk,
    /// Going with the client (to the hospital, the ward office).
    AccompaniedVisit,
}

impl ContactKind {
    pub const ALL: [ContactKind; 5] = [
        ContactKind::Visit,
        ContactKind::Phone,
        ContactKind::Salon,
        ContactKind::GroupTalk,
        ContactKind::AccompaniedVisit,
    ];
}

/// A contact lasts at most a day.
pub const CONTACT_MAX_MINUTES: u32 = 24 * 60;

/// A supporter's contact with a case: what workload is counted from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: Id,
    pub supporter: Id,
    pub case: Id,
    pub on: Date,
    pub kind: ContactKind,
    #[serde(default)]
    pub minutes: u32,
    /// Short; who may read it is its confidentiality, as for a note.
    #[serde(default)]
    pub note: String,
    pub confidentiality: Confidentiality,
    #[serde(default)]
    pub author: String,
    /// Imported: who entered it here, and when (its own history stays as
    /// it was recorded elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered: Option<super::Entered>,
}

impl Contact {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::Contact)?;
        expect_kind("supporter", &self.supporter, Kind::Person)?;
        expect_kind("case", &self.case, Kind::Case)?;
        check_text("note", &self.note)?;
        if self.minutes > CONTACT_MAX_MINUTES {
            return Err(ValidationError::new(
                "minutes",
                Reason::MinutesOutOfRange {
                    max: CONTACT_MAX_MINUTES,
                },
            ));
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupervisionMode {
    Individual,
    Group,
}

/// A supervision session: who, when, and its themes only (what was said
/// stays in the room).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supervision {
    pub id: Id,
    pub on: Date,
    pub supervisor: Id,
    pub supporters: Vec<Id>,
    pub mode: SupervisionMode,
    #[serde(default)]
    pub themes: String,
}

impl Supervision {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::Supervision)?;
        expect_kind("supervisor", &self.supervisor, Kind::Person)?;
        if self.supporters.is_empty() {
            return Err(ValidationError::new("supporters", Reason::Empty));
        }
        for s in &self.supporters {
            expect_kind("supporters", s, Kind::Person)?;
            if *s == self.supervisor {
                return Err(ValidationError::new("supporters", Reason::OwnSupervisor));
            }
        }
        check_text("themes", &self.themes)
    }
}

/// How a supporter feels, 1 (struggling) to 5 (well).
pub const WELLBEING_MAX: u8 = 5;

/// A supporter's own wellbeing check-in: health information about them,
/// read by them and their supervisor only (see `Reader::may_read_check_in`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub id: Id,
    pub supporter: Id,
    pub on: Date,
    #[serde(default)]
    pub wellbeing: Option<u8>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub author: String,
    /// Imported: who entered it here, and when (its own history stays as
    /// it was recorded elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered: Option<super::Entered>,
}

impl CheckIn {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::CheckIn)?;
        expect_kind("supporter", &self.supporter, Kind::Person)?;
        check_text("note", &self.note)?;
        if let Some(level) = self.wellbeing
            && !(1..=WELLBEING_MAX).contains(&level)
        {
            return Err(ValidationError::new(
                "wellbeing",
                Reason::WellbeingOutOfRange { level },
            ));
        }
        Ok(())
    }
}
