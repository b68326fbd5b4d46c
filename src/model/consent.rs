//! The client's agreement to an intervention or to sharing information.
//! Outreach without consent must not be recorded as agreed.

use serde::{Deserialize, Serialize};

use super::Reason;
use super::party::{expect_kind, expect_party};
use super::text::{ValidationError, check_name, check_text};
use super::{Date, Id, Kind};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentScope {
    pub intervention: bool,
    pub information_sharing: bool,
    /// Which kinds of information may be shared (e.g. "diagnosis", "medical programme").
    #[serde(default)]
    pub information: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub id: Id,
    pub client: Id,
    pub case: Id,
    pub granted_to: Vec<Id>,
    pub scope: ConsentScope,
    pub given_on: Date,
    #[serde(default)]
    pub expires_on: Option<Date>,
    #[serde(default)]
    pub withdrawn_on: Option<Date>,
    /// How it was obtained: in writing, verbally with a witness, …
    pub obtained_how: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentStatus {
    Active,
    Expired,
    Withdrawn,
}

impl Consent {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::Consent)?;
        expect_kind("client", &self.client, Kind::Person)?;
        expect_kind("case", &self.case, Kind::Case)?;
        if self.granted_to.is_empty() {
            return Err(ValidationError::new(
                "granted_to",
                Reason::ConsentNeedsParty,
            ));
        }
        for p in &self.granted_to {
            expect_party("granted_to", p)?;
        }
        for i in &self.scope.information {
            check_name("scope", i)?;
        }
        if !self.scope.intervention && !self.scope.information_sharing {
            return Err(ValidationError::new("scope", Reason::ConsentNeedsScope));
        }
        if self.obtained_how.trim().is_empty() {
            return Err(ValidationError::new(
                "obtained_how",
                Reason::ConsentNeedsHow,
            ));
        }
        check_text("obtained_how", &self.obtained_how)?;
        if let Some(e) = self.expires_on
            && e < self.given_on
        {
            return Err(ValidationError::new(
                "expires_on",
                Reason::EndsBeforeStart {
                    start: self.given_on,
                },
            ));
        }
        if let Some(w) = self.withdrawn_on
            && w < self.given_on
        {
            return Err(ValidationError::new(
                "withdrawn_on",
                Reason::BeforeStart {
                    start: self.given_on,
                },
            ));
        }
        Ok(())
    }

    /// Derived, never stored: withdrawal wins over expiry.
    pub fn status(&self, today: Date) -> ConsentStatus {
        if self.withdrawn_on.is_some_and(|w| w <= today) {
            ConsentStatus::Withdrawn
        } else if self.expires_on.is_some_and(|e| e < today) {
            ConsentStatus::Expired
        } else {
            ConsentStatus::Active
        }
    }
}
