//! The domain: bodies, people, cases and the relationships between them.
//! Knows nothing of sled, on-disk formats or the terminal.

mod access;
mod audit;
mod case;
mod consent;
mod ids;
mod intent;
mod meeting;
mod party;
mod reason;
mod record;
mod referral;
mod relationship;
mod supporter;
mod text;
mod timeline;
pub mod workload;

pub use access::{AccessRole, Reader};
pub use audit::{AuditAction, AuditEntry, Released, RevealItem, Rule, Summary, View, hex};
pub use case::{Case, CaseParty, CaseStatus, Goal, GoalKind, Need, NeedArea, StatusChange};
pub use consent::{Consent, ConsentScope, ConsentStatus};
pub use ids::{Id, IdError, Kind};
pub use intent::{Intent, IntentError};
pub use meeting::{Masker, initials};
pub use party::{Affiliation, Body, BodyKind, Cadence, PeerKind, Period, Person, Role, Sector};
pub use reason::Reason;
pub use record::{Entered, Entity, Record};
pub use referral::{
    ConsentRefusal, DeclinedBy, Provision, ProvisionBasis, Referral, ReferralCategory,
    ReferralStatus, StepCorrection, Transition, TransitionError, consent_basis,
};
pub use relationship::{Confidentiality, Relationship, TrustChange, TrustLevel, TrustNote};
pub use supporter::{
    CONTACT_MAX_MINUTES, Certificate, CheckIn, Contact, ContactKind, Course, CourseLevel,
    Enrolment, Supervision, SupervisionMode, SupporterProfile, SupporterStatus, WELLBEING_MAX,
};
pub use text::{
    NAME_MAX_CHARS, TEXT_MAX_CHARS, ValidationError, check_name, check_text, escape,
    escape_multiline, is_hostile,
};
pub use timeline::{Attendance, Event, EventKind, Partnership};

/// Dates in the domain are calendar days; times only where order within a day matters.
pub type Date = chrono::NaiveDate;
/// A moment, in UTC, for notes and audit entries.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
