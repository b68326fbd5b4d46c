//! The parties of a triad: bodies (organisations), people, and who works where.

use serde::{Deserialize, Serialize};

use super::Reason;
use super::text::{ValidationError, check_name, check_text};
use super::{Date, Id, Kind};

/// The three kinds of bodies a case needs pulling together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    Government,
    Medical,
    PatientFamily,
}

impl Sector {
    pub const ALL: [Sector; 3] = [Sector::Government, Sector::Medical, Sector::PatientFamily];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    PrefecturalDivision,
    MunicipalSection,
    PublicHealthCentre,
    LiaisonSupportCentre,
    IntractableDiseaseSupportCentre,
    Council,
    WorkingGroup,
    Hospital,
    ConsultationSupportCentre,
    RehabilitationCentre,
    PatientAssociation,
    CancerSalon,
    SalonNetwork,
    FamilyAssociation,
    PeerSupporterGroup,
    EmploymentSupport,
    WelfareAssociation,
    Other,
}

/// How often something recurs: "17 days a month", "8 to 11 sessions a year".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cadence {
    pub what: String,
    pub min: u32,
    pub max: u32,
    pub per: Period,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Week,
    Month,
    Year,
}

/// An organisation of one sector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    pub id: Id,
    pub name: String,
    /// Katakana furigana, for search from a keyboard without an IME.
    #[serde(default)]
    pub reading: Option<String>,
    pub sector: Sector,
    pub kind: BodyKind,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub contact: String,
    /// A salon inside a network, a working group inside a council.
    #[serde(default)]
    pub parent: Option<Id>,
    #[serde(default)]
    pub cadences: Vec<Cadence>,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    PeerSupporter,
    Physician,
    Nurse,
    Therapist,
    MedicalSocialWorker,
    PublicHealthNurse,
    CareManager,
    EmploymentSupporter,
    ConsultationSpecialist,
    Counsellor,
    Coordinator,
    Client,
    FamilyMember,
    Official,
    Other,
}

/// Peer supporters differ in how they work: check before asking one to help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerKind {
    Volunteer,
    ProVolunteer,
    PeerStaff,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: Id,
    /// May be a pseudonym for clients.
    pub name: String,
    #[serde(default)]
    pub reading: Option<String>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub peer_kind: Option<PeerKind>,
    #[serde(default)]
    pub activity_range: String,
    #[serde(default)]
    pub skills: String,
    #[serde(default)]
    pub contact: String,
    /// A peer supporter's capacity, status, supervisor and what they know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supporter: Option<super::SupporterProfile>,
}

/// A person's post at a body, with dates: a partnership can outlive a job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affiliation {
    pub id: Id,
    pub person: Id,
    pub body: Id,
    #[serde(default)]
    pub title: String,
    pub from: Date,
    #[serde(default)]
    pub until: Option<Date>,
}

pub(crate) fn expect_kind(field: &'static str, id: &Id, kind: Kind) -> Result<(), ValidationError> {
    if id.kind == kind {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            Reason::WrongKind {
                id: *id,
                expected: kind,
            },
        ))
    }
}

pub(crate) fn expect_party(field: &'static str, id: &Id) -> Result<(), ValidationError> {
    if id.is_party() {
        Ok(())
    } else {
        Err(ValidationError::new(field, Reason::NotAParty { id: *id }))
    }
}

/// An end (named `field`) that is not before its start.
pub(crate) fn check_span(
    field: &'static str,
    from: Date,
    until: Option<Date>,
) -> Result<(), ValidationError> {
    match until {
        Some(u) if u < from => Err(ValidationError::new(
            field,
            Reason::EndsBeforeStart { start: from },
        )),
        _ => Ok(()),
    }
}

impl Body {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::Body)?;
        check_name("name", &self.name)?;
        if let Some(r) = &self.reading {
            check_name("reading", r)?;
        }
        check_text("region", &self.region)?;
        check_text("contact", &self.contact)?;
        check_text("note", &self.note)?;
        if let Some(p) = &self.parent {
            expect_kind("parent", p, Kind::Body)?;
            if *p == self.id {
                return Err(ValidationError::new("parent", Reason::OwnParent));
            }
        }
        for c in &self.cadences {
            check_name("cadences", &c.what)?;
            if c.min > c.max {
                return Err(ValidationError::new("cadences", Reason::MinAboveMax));
            }
        }
        Ok(())
    }
}

impl Person {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::Person)?;
        check_name("name", &self.name)?;
        if let Some(r) = &self.reading {
            check_name("reading", r)?;
        }
        check_text("activity_range", &self.activity_range)?;
        check_text("skills", &self.skills)?;
        check_text("contact", &self.contact)?;
        if self.peer_kind.is_some() && !self.roles.contains(&Role::PeerSupporter) {
            return Err(ValidationError::new(
                "peer_kind",
                Reason::PeerKindOnlyForPeers,
            ));
        }
        if let Some(s) = &self.supporter {
            if !self.roles.contains(&Role::PeerSupporter) {
                return Err(ValidationError::new(
                    "supporter",
                    Reason::SupporterOnlyForPeers,
                ));
            }
            s.validate(self.id)?;
        }
        Ok(())
    }
}

impl Affiliation {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::Affiliation)?;
        expect_kind("person", &self.person, Kind::Person)?;
        expect_kind("body", &self.body, Kind::Body)?;
        check_text("title", &self.title)?;
        check_span("until", self.from, self.until)
    }
}
