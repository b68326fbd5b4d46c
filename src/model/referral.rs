//! Who referred the client to whom, for what, and what came of it.

use serde::{Deserialize, Serialize};

use super::Reason;
use super::consent::{Consent, ConsentStatus};
use super::party::{expect_kind, expect_party};
use super::text::{ValidationError, check_name, check_text};
use super::{Date, Id, Kind};

/// The routes a peer supporter refers along.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralCategory {
    Medical,
    WelfareLife,
    Work,
    Community,
    Peer,
    Other,
}

/// proposed → sent → accepted | declined; accepted → completed;
/// cancelled from any state that has not ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    Proposed,
    Sent,
    Accepted,
    Declined,
    Completed,
    Cancelled,
}

impl ReferralStatus {
    pub const ALL: [ReferralStatus; 6] = [
        ReferralStatus::Proposed,
        ReferralStatus::Sent,
        ReferralStatus::Accepted,
        ReferralStatus::Declined,
        ReferralStatus::Completed,
        ReferralStatus::Cancelled,
    ];

    /// The one table of legal moves.
    pub fn can_move_to(self, next: ReferralStatus) -> bool {
        use ReferralStatus::*;
        matches!(
            (self, next),
            (Proposed, Sent)
                | (Sent, Accepted)
                | (Sent, Declined)
                | (Accepted, Completed)
                | (Proposed | Sent | Accepted, Cancelled)
        )
    }

    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReferralStatus::Proposed | ReferralStatus::Sent | ReferralStatus::Accepted
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclinedBy {
    Client,
    Receiver,
}

/// One dated step of a referral's life, with who made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub status: ReferralStatus,
    pub on: Date,
    pub by: String,
    #[serde(default)]
    pub note: String,
    /// On a `sent` step: what was provided to whom, and under what.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provision: Option<Provision>,
}

/// A record of information provided to a third party (APPI): to whom,
/// what, when, and under which consent or whose override.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provision {
    pub to: Id,
    /// The kinds of information provided (the consent's scope).
    #[serde(default)]
    pub items: Vec<String>,
    pub on: Date,
    pub basis: ProvisionBasis,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum ProvisionBasis {
    /// Under this consent of the client.
    Consent { consent: Id },
    /// A coordinator sent it without a covering consent, for this reason.
    Override { reason: String },
}

/// Why a referral may not be sent: what consent is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentRefusal {
    NoConsent,
    Expired { consent: Id, to: Id, on: Date },
    Withdrawn { consent: Id, to: Id, on: Date },
    NotCovering { to: Id },
    NoClient,
}

impl From<&ConsentRefusal> for Reason {
    fn from(r: &ConsentRefusal) -> Reason {
        match *r {
            ConsentRefusal::NoConsent => Reason::NoConsent,
            ConsentRefusal::Expired { consent, to, on } => {
                Reason::ConsentExpired { consent, to, on }
            }
            ConsentRefusal::Withdrawn { consent, to, on } => {
                Reason::ConsentWithdrawn { consent, to, on }
            }
            ConsentRefusal::NotCovering { to } => Reason::ConsentNotCovering { to },
            ConsentRefusal::NoClient => Reason::NoClientToConsent,
        }
    }
}

impl std::fmt::Display for ConsentRefusal {
    /// English, for logs and tests; screens render the `Reason`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Reason::from(self).fmt(f)
    }
}

impl std::error::Error for ConsentRefusal {}

/// The consent under which information may go to `to` on `on`: an active
/// consent of `client`, recorded in this `case`, that covers information
/// sharing and names `to`. (A consent in another case of the same client
/// was given for that case's work, and is not this case's to read.)
/// Refused with the most telling reason (withdrawn, expired, not covering,
/// none at all).
pub fn consent_basis(
    consents: &[Consent],
    case: Id,
    client: Option<Id>,
    to: Id,
    on: Date,
) -> Result<&Consent, ConsentRefusal> {
    let Some(client) = client else {
        return Err(ConsentRefusal::NoClient);
    };
    let sharing: Vec<&Consent> = consents
        .iter()
        .filter(|c| c.client == client && c.case == case && c.scope.information_sharing)
        .collect();
    let covering: Vec<&Consent> = sharing
        .iter()
        .copied()
        .filter(|c| c.granted_to.contains(&to) && c.given_on <= on)
        .collect();
    if let Some(active) = covering
        .iter()
        .find(|c| c.status(on) == ConsentStatus::Active)
    {
        return Ok(active);
    }
    if let Some(c) = covering
        .iter()
        .find(|c| c.status(on) == ConsentStatus::Withdrawn)
    {
        return Err(ConsentRefusal::Withdrawn {
            consent: c.id,
            to,
            on: c.withdrawn_on.unwrap_or(on),
        });
    }
    if let Some(c) = covering.first() {
        return Err(ConsentRefusal::Expired {
            consent: c.id,
            to,
            on: c.expires_on.unwrap_or(on),
        });
    }
    if consents
        .iter()
        .any(|c| c.client == client && c.case == case)
    {
        Err(ConsentRefusal::NotCovering { to })
    } else {
        Err(ConsentRefusal::NoConsent)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub id: Id,
    pub case: Id,
    pub from: Id,
    pub to: Id,
    pub category: ReferralCategory,
    pub reason: String,
    /// Never empty; the last entry is the current status.
    pub history: Vec<Transition>,
    #[serde(default)]
    pub declined_by: Option<DeclinedBy>,
    #[serde(default)]
    pub decline_reason: String,
    #[serde(default)]
    pub follow_up: Option<Date>,
    #[serde(default)]
    pub outcome: String,
    /// Corrections of steps, oldest first: the steps stay as they were
    /// recorded, and each correction says which it corrects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<StepCorrection>,
    /// Imported: who entered it here, and when (the steps' `by` and dates
    /// are as the file recorded them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered: Option<super::Entered>,
}

/// A step's date or note put right, kept beside the step it corrects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepCorrection {
    /// The step's place in the history (0 is the proposal).
    pub step: usize,
    pub on: Date,
    #[serde(default)]
    pub note: String,
    pub by: String,
    /// The day the correction was made.
    pub made_on: Date,
}

/// Why a referral cannot move as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a {from:?} referral cannot become {to:?}")]
    Illegal {
        from: ReferralStatus,
        to: ReferralStatus,
    },
    #[error("a decline needs its reason and who declined (the client or the receiver)")]
    DeclineNeedsReason,
    #[error("the step is dated {on}, before the referral's last step on {last}")]
    BeforeLast { on: Date, last: Date },
}

impl From<&TransitionError> for Reason {
    fn from(e: &TransitionError) -> Reason {
        match e {
            TransitionError::Illegal { from, to } => Reason::IllegalStep {
                from: *from,
                to: *to,
            },
            TransitionError::DeclineNeedsReason => Reason::DeclineNeedsWhoAndWhy,
            TransitionError::BeforeLast { last, .. } => Reason::BeforeLast { last: *last },
        }
    }
}

impl Referral {
    /// A new referral, proposed on `on` by `by`.
    #[allow(clippy::too_many_arguments)]
    pub fn propose(
        id: Id,
        case: Id,
        from: Id,
        to: Id,
        category: ReferralCategory,
        reason: &str,
        on: Date,
        by: &str,
    ) -> Referral {
        Referral {
            id,
            case,
            from,
            to,
            category,
            reason: reason.to_string(),
            history: vec![Transition {
                status: ReferralStatus::Proposed,
                on,
                by: by.to_string(),
                note: String::new(),
                provision: None,
            }],
            declined_by: None,
            decline_reason: String::new(),
            follow_up: None,
            outcome: String::new(),
            corrections: vec![],
            entered: None,
        }
    }

    /// Step `i` as it stands: its latest correction, else as recorded.
    pub fn step_on(&self, i: usize) -> Option<(Date, &str)> {
        let t = self.history.get(i)?;
        Some(
            self.corrections
                .iter()
                .rev()
                .find(|c| c.step == i)
                .map_or((t.on, t.note.as_str()), |c| (c.on, c.note.as_str())),
        )
    }

    /// Corrects step `step` to date `on` with `note`, keeping the original.
    pub fn correct_step(
        &mut self,
        step: usize,
        on: Date,
        note: &str,
        by: &str,
        made_on: Date,
    ) -> Result<(), ValidationError> {
        if step >= self.history.len() {
            return Err(ValidationError::new("step", Reason::NothingToCorrect));
        }
        if on > made_on {
            return Err(ValidationError::new(
                "on",
                Reason::InFuture { today: made_on },
            ));
        }
        self.corrections.push(StepCorrection {
            step,
            on,
            note: note.to_string(),
            by: by.to_string(),
            made_on,
        });
        self.validate()
    }

    /// The sent steps whose recorded provision no consent covers and no
    /// override explains: the one provision rule, for a referral as it is
    /// stored (an import, an edit, a corrected step, `check`). A provision
    /// covers its step when it went to the referral's receiver and either
    /// gives a reason for an override or names a consent that covers the
    /// receiver on the step's (corrected) day. `client` is the case's
    /// client; `consent` looks a consent up by id.
    pub fn uncovered_provisions(
        &self,
        client: Option<Id>,
        consent: &dyn Fn(Id) -> Option<Consent>,
    ) -> Vec<usize> {
        let covered = |i: usize, t: &Transition| {
            let Some(p) = &t.provision else {
                return false;
            };
            let on = self.step_on(i).map_or(t.on, |(on, _)| on);
            p.to == self.to
                && match &p.basis {
                    ProvisionBasis::Override { reason } => !reason.trim().is_empty(),
                    ProvisionBasis::Consent { consent: k } => consent(*k).is_some_and(|c| {
                        consent_basis(std::slice::from_ref(&c), self.case, client, self.to, on)
                            .is_ok()
                    }),
                }
        };
        self.history
            .iter()
            .enumerate()
            .filter(|(i, t)| t.status == ReferralStatus::Sent && !covered(*i, t))
            .map(|(i, _)| i)
            .collect()
    }

    pub fn status(&self) -> ReferralStatus {
        self.history
            .last()
            .map_or(ReferralStatus::Proposed, |t| t.status)
    }

    /// The day it was sent, if it was.
    pub fn sent_on(&self) -> Option<Date> {
        let i = self
            .history
            .iter()
            .position(|t| t.status == ReferralStatus::Sent)?;
        self.step_on(i).map(|(on, _)| on)
    }

    /// Moves the referral on; illegal moves are refused and change nothing.
    pub fn advance(
        &mut self,
        to: ReferralStatus,
        on: Date,
        by: &str,
        note: &str,
    ) -> Result<(), TransitionError> {
        if to == ReferralStatus::Declined {
            return Err(TransitionError::DeclineNeedsReason);
        }
        self.step(to, on, by, note)
    }

    /// Records a decline, which always says who declined and why.
    pub fn decline(
        &mut self,
        declined_by: DeclinedBy,
        reason: &str,
        on: Date,
        by: &str,
    ) -> Result<(), TransitionError> {
        if reason.trim().is_empty() {
            return Err(TransitionError::DeclineNeedsReason);
        }
        self.step(ReferralStatus::Declined, on, by, "")?;
        self.declined_by = Some(declined_by);
        self.decline_reason = reason.to_string();
        Ok(())
    }

    fn step(
        &mut self,
        to: ReferralStatus,
        on: Date,
        by: &str,
        note: &str,
    ) -> Result<(), TransitionError> {
        let from = self.status();
        if !from.can_move_to(to) {
            return Err(TransitionError::Illegal { from, to });
        }
        if let Some((last, _)) = self
            .history
            .len()
            .checked_sub(1)
            .and_then(|i| self.step_on(i))
            && on < last
        {
            return Err(TransitionError::BeforeLast { on, last });
        }
        self.history.push(Transition {
            status: to,
            on,
            by: by.to_string(),
            note: note.to_string(),
            provision: None,
        });
        Ok(())
    }

    /// The provision written when it was sent, if any.
    pub fn provision(&self) -> Option<&Provision> {
        self.history
            .iter()
            .rev()
            .find(|t| t.status == ReferralStatus::Sent)
            .and_then(|t| t.provision.as_ref())
    }

    /// Whether the follow-up date has passed while the referral is still open.
    pub fn follow_up_overdue(&self, today: Date) -> bool {
        self.status().is_open() && self.follow_up.is_some_and(|d| d < today)
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::Referral)?;
        expect_kind("case", &self.case, Kind::Case)?;
        expect_party("from", &self.from)?;
        expect_party("to", &self.to)?;
        check_text("reason", &self.reason)?;
        check_text("outcome", &self.outcome)?;
        check_text("decline_reason", &self.decline_reason)?;
        let Some(first) = self.history.first() else {
            return Err(ValidationError::new("history", Reason::StartsProposed));
        };
        if first.status != ReferralStatus::Proposed {
            return Err(ValidationError::new("history", Reason::StartsProposed));
        }
        for t in &self.history {
            check_name("history", &t.by)?;
            check_text("history", &t.note)?;
            if let Some(p) = &t.provision {
                if t.status != ReferralStatus::Sent {
                    return Err(ValidationError::new("history", Reason::ProvisionOnlyOnSent));
                }
                expect_party("provision", &p.to)?;
                for i in &p.items {
                    check_name("provision", i)?;
                }
                match &p.basis {
                    ProvisionBasis::Consent { consent } => {
                        expect_kind("provision", consent, Kind::Consent)?;
                    }
                    ProvisionBasis::Override { reason } => {
                        if reason.trim().is_empty() {
                            return Err(ValidationError::new(
                                "override_reason",
                                Reason::OverrideNeedsReason,
                            ));
                        }
                        check_text("override_reason", reason)?;
                    }
                }
            }
        }
        for pair in self.history.windows(2) {
            if !pair[0].status.can_move_to(pair[1].status) {
                return Err(ValidationError::new(
                    "history",
                    Reason::IllegalStep {
                        from: pair[0].status,
                        to: pair[1].status,
                    },
                ));
            }
        }
        for c in &self.corrections {
            if c.step >= self.history.len() {
                return Err(ValidationError::new("step", Reason::NothingToCorrect));
            }
            check_name("corrections", &c.by)?;
            check_text("corrections", &c.note)?;
        }
        // In date order as the steps stand now, corrections included.
        let dates: Vec<Date> = (0..self.history.len())
            .filter_map(|i| self.step_on(i).map(|(on, _)| on))
            .collect();
        if dates.windows(2).any(|w| w[1] < w[0]) {
            let field = if self.corrections.is_empty() {
                "history"
            } else {
                "on"
            };
            return Err(ValidationError::new(field, Reason::OutOfOrder));
        }
        let declined = self.status() == ReferralStatus::Declined;
        if declined && (self.declined_by.is_none() || self.decline_reason.trim().is_empty()) {
            return Err(ValidationError::new(
                "decline_reason",
                Reason::DeclineNeedsWhoAndWhy,
            ));
        }
        Ok(())
    }
}
