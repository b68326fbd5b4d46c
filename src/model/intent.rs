//! Appends to a record's history, said as what the user meant ("move this
//! referral to sent") rather than as the whole new record. A store applies
//! an intent to the record as it is at the moment of writing, so two people
//! adding steps to one referral both land instead of overwriting each other.

use serde::{Deserialize, Serialize};

use super::{
    CaseParty, CaseStatus, Date, DeclinedBy, Id, Reason, Record, ReferralStatus, TransitionError,
    TrustChange, TrustLevel, ValidationError,
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "intent", rename_all = "snake_case")]
pub enum Intent {
    /// A referral moves one step (a decline says who and why); the outcome
    /// and follow-up given with the step replace the old ones.
    ReferralStep {
        referral: Id,
        status: ReferralStatus,
        on: Date,
        #[serde(default)]
        note: String,
        #[serde(default)]
        declined_by: Option<DeclinedBy>,
        #[serde(default)]
        decline_reason: String,
        #[serde(default)]
        outcome: Option<String>,
        #[serde(default)]
        follow_up: Option<Date>,
        /// Sending without a covering consent: a coordinator's written reason.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        override_reason: Option<String>,
    },
    /// A relationship's trust changes (never dated before the last change).
    Trust {
        relationship: Id,
        level: TrustLevel,
        on: Date,
    },
    /// A party joins the triad of a case.
    AddParty { case: Id, party: CaseParty },
    /// A party's role in a case ends; the role stays on record.
    EndRole { case: Id, party: Id, on: Date },
    /// A case moves to a new status.
    CaseStatus {
        case: Id,
        status: CaseStatus,
        on: Date,
        /// The outcome of a closed case, why it reopened.
        #[serde(default)]
        note: String,
    },
    /// The client withdraws a consent.
    WithdrawConsent { consent: Id, on: Date },
    /// A referral's step put right: its date and note; the step as first
    /// recorded is kept.
    CorrectStep {
        referral: Id,
        step: usize,
        on: Date,
        #[serde(default)]
        note: String,
    },
}

/// Why an intent cannot apply to the record as it is now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntentError {
    #[error("{0} is not the kind of record this change is for")]
    WrongKind(Id),
    #[error(transparent)]
    Step(#[from] TransitionError),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Sending a referral without a consent that covers it.
    #[error(transparent)]
    Consent(#[from] super::ConsentRefusal),
    #[error("only a coordinator may send a referral without a covering consent")]
    OverrideNotAllowed,
}

impl IntentError {
    /// Why, for the screen to say in its language.
    pub fn reason(&self) -> Reason {
        match self {
            IntentError::WrongKind(id) => Reason::WrongTarget { id: *id },
            IntentError::Step(e) => e.into(),
            IntentError::Invalid(e) => e.reason.clone(),
            IntentError::Consent(r) => r.into(),
            IntentError::OverrideNotAllowed => Reason::OverrideNeedsCoordinator,
        }
    }

    /// The form field the error concerns, for showing it in place.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            IntentError::WrongKind(_) => None,
            IntentError::Step(TransitionError::DeclineNeedsReason) => Some("decline_reason"),
            IntentError::Step(TransitionError::BeforeLast { .. }) => Some("on"),
            IntentError::Step(TransitionError::Illegal { .. }) => Some("status"),
            IntentError::Invalid(e) => Some(e.field),
            IntentError::Consent(_) | IntentError::OverrideNotAllowed => Some("override_reason"),
        }
    }
}

impl Intent {
    /// The record it changes.
    pub fn target(&self) -> Id {
        match self {
            Intent::ReferralStep { referral, .. } | Intent::CorrectStep { referral, .. } => {
                *referral
            }
            Intent::Trust { relationship, .. } => *relationship,
            Intent::AddParty { case, .. }
            | Intent::EndRole { case, .. }
            | Intent::CaseStatus { case, .. } => *case,
            Intent::WithdrawConsent { consent, .. } => *consent,
        }
    }

    /// The date of something that has already happened, which cannot be
    /// in the future (a follow-up date can).
    fn happened_on(&self) -> Option<(&'static str, Date)> {
        match self {
            Intent::ReferralStep { on, .. }
            | Intent::Trust { on, .. }
            | Intent::CorrectStep { on, .. } => Some(("on", *on)),
            Intent::EndRole { on, .. } => Some(("until", *on)),
            Intent::CaseStatus { on, .. } => Some(("on", *on)),
            Intent::WithdrawConsent { on, .. } => Some(("withdrawn_on", *on)),
            Intent::AddParty { .. } => None,
        }
    }

    /// Applies the intent to `record` (the target as stored now), made by
    /// `by` at `now`. On error the record may be half changed: discard it.
    pub fn apply(
        &self,
        record: &mut Record,
        by: &str,
        now: super::Timestamp,
    ) -> Result<(), IntentError> {
        let id = record.id();
        if let Some((field, on)) = self.happened_on()
            && on > now.date_naive()
        {
            let today = now.date_naive();
            return Err(ValidationError::new(field, Reason::InFuture { today }).into());
        }
        match (self, &mut *record) {
            (
                Intent::ReferralStep {
                    status,
                    on,
                    note,
                    declined_by,
                    decline_reason,
                    outcome,
                    follow_up,
                    ..
                },
                Record::Referral(r),
            ) => {
                // A decline without who declined is refused by `advance`.
                match (status, declined_by) {
                    (ReferralStatus::Declined, Some(who)) => {
                        r.decline(*who, decline_reason, *on, by)?;
                    }
                    _ => r.advance(*status, *on, by, note)?,
                }
                if let Some(o) = outcome {
                    r.outcome.clone_from(o);
                }
                r.follow_up = *follow_up;
            }
            (Intent::Trust { level, on, .. }, Record::Relationship(r)) => {
                if let Some(last) = r.trust.last()
                    && *on < last.on
                {
                    return Err(
                        ValidationError::new("on", Reason::BeforeLast { last: last.on }).into(),
                    );
                }
                r.trust.push(TrustChange {
                    on: *on,
                    level: *level,
                    by: by.to_string(),
                });
            }
            (Intent::AddParty { party, .. }, Record::Case(c)) => {
                if c.parties
                    .iter()
                    .any(|p| p.party == party.party && p.is_active())
                {
                    return Err(ValidationError::new("party", Reason::AlreadyInTriad).into());
                }
                c.parties.push(party.clone());
                c.changed = now;
            }
            (Intent::EndRole { party, on, .. }, Record::Case(c)) => {
                c.end_role(*party, *on)?;
                c.changed = now;
            }
            (
                Intent::CaseStatus {
                    status, on, note, ..
                },
                Record::Case(c),
            ) => {
                if let Some(last) = c.status_history.last()
                    && *on < last.on
                {
                    return Err(
                        ValidationError::new("on", Reason::BeforeLast { last: last.on }).into(),
                    );
                }
                c.set_status(*status, *on, by, note);
                c.changed = now;
            }
            (Intent::WithdrawConsent { on, .. }, Record::Consent(c)) => {
                if c.withdrawn_on.is_some() {
                    return Err(
                        ValidationError::new("withdrawn_on", Reason::AlreadyWithdrawn).into(),
                    );
                }
                if *on < c.given_on {
                    return Err(ValidationError::new(
                        "withdrawn_on",
                        Reason::BeforeStart { start: c.given_on },
                    )
                    .into());
                }
                c.withdrawn_on = Some(*on);
            }
            (Intent::CorrectStep { step, on, note, .. }, Record::Referral(r)) => {
                r.correct_step(*step, *on, note, by, now.date_naive())?;
            }
            _ => return Err(IntentError::WrongKind(id)),
        }
        record.validate()?;
        Ok(())
    }
}
