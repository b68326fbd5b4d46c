//! A case: one client's (or one group's) need, and the triad working on it.

use serde::{Deserialize, Serialize};

use super::Reason;
use super::party::{check_span, expect_kind, expect_party};
use super::text::{ValidationError, check_name, check_text};
use super::{Date, Id, Kind, Sector, Timestamp};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Intake,
    Active,
    Monitoring,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 4] = [
        CaseStatus::Intake,
        CaseStatus::Active,
        CaseStatus::Monitoring,
        CaseStatus::Closed,
    ];

    /// Open cases are the coordinator's work; closed ones are kept and
    /// found, but leave the open lists.
    pub fn is_open(self) -> bool {
        self != CaseStatus::Closed
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: CaseStatus,
    pub on: Date,
    pub by: String,
    /// Why it moved: the outcome when a case closes, the reason it reopens.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The routes a peer supporter refers along, and the needs behind them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedArea {
    Medical,
    WelfareLife,
    Work,
    Community,
    Peer,
}

impl NeedArea {
    pub const ALL: [NeedArea; 5] = [
        NeedArea::Medical,
        NeedArea::WelfareLife,
        NeedArea::Work,
        NeedArea::Community,
        NeedArea::Peer,
    ];
}

/// Needs change over time (work, marriage, care), so each is dated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    pub on: Date,
    pub area: NeedArea,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalKind {
    Clinical,
    Personal,
    Social,
}

impl GoalKind {
    pub const ALL: [GoalKind; 3] = [GoalKind::Clinical, GoalKind::Personal, GoalKind::Social];
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub kind: GoalKind,
    pub text: String,
    pub set_on: Date,
}

/// A party's role in a case. Ended roles are kept with their end date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseParty {
    pub party: Id,
    pub sector: Sector,
    pub role: String,
    pub from: Date,
    #[serde(default)]
    pub until: Option<Date>,
}

impl CaseParty {
    pub fn is_active(&self) -> bool {
        self.until.is_none()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: Id,
    pub title: String,
    #[serde(default)]
    pub reading: Option<String>,
    /// The client, a person who may be pseudonymous; a group's case has none.
    #[serde(default)]
    pub client: Option<Id>,
    pub status: CaseStatus,
    pub status_history: Vec<StatusChange>,
    #[serde(default)]
    pub coordinator: Option<Id>,
    #[serde(default)]
    pub condition: String,
    #[serde(default)]
    pub needs: Vec<Need>,
    #[serde(default)]
    pub goals: Vec<Goal>,
    #[serde(default)]
    pub parties: Vec<CaseParty>,
    /// Last change, for "recently changed" and search tie-breaks.
    pub changed: Timestamp,
    /// Imported: who entered it here, and when (its own history stays as
    /// it was recorded elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered: Option<super::Entered>,
}

impl Case {
    pub fn validate(&self) -> Result<(), ValidationError> {
        expect_kind("id", &self.id, Kind::Case)?;
        check_name("title", &self.title)?;
        if let Some(r) = &self.reading {
            check_name("reading", r)?;
        }
        check_text("condition", &self.condition)?;
        if let Some(c) = &self.client {
            expect_kind("client", c, Kind::Person)?;
        }
        if let Some(c) = &self.coordinator {
            expect_kind("coordinator", c, Kind::Person)?;
        }
        match self.status_history.last() {
            Some(last) if last.status == self.status => {}
            _ => {
                return Err(ValidationError::new(
                    "status_history",
                    Reason::StatusHistoryEnd,
                ));
            }
        }
        for s in &self.status_history {
            check_name("status_history", &s.by)?;
            check_text("status_history", &s.note)?;
        }
        for n in &self.needs {
            check_text("needs", &n.text)?;
        }
        for g in &self.goals {
            check_text("goals", &g.text)?;
        }
        for p in &self.parties {
            expect_party("parties", &p.party)?;
            check_name("role", &p.role)?;
            check_span("until", p.from, p.until)?;
        }
        Ok(())
    }

    /// Moves the case to a new status, keeping the history.
    pub fn set_status(&mut self, status: CaseStatus, on: Date, by: &str, note: &str) {
        self.status = status;
        self.status_history.push(StatusChange {
            status,
            on,
            by: by.to_string(),
            note: note.to_string(),
        });
    }

    /// Ends a party's role; the role stays on record with its end date.
    pub fn end_role(&mut self, party: Id, on: Date) -> Result<(), ValidationError> {
        let role = self
            .parties
            .iter_mut()
            .find(|p| p.party == party && p.until.is_none())
            .ok_or_else(|| ValidationError::new("party", Reason::NoOpenRole { party }))?;
        if on < role.from {
            return Err(ValidationError::new(
                "until",
                Reason::EndsBeforeStart { start: role.from },
            ));
        }
        role.until = Some(on);
        Ok(())
    }
}
