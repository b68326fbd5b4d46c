//! Referrals: how many stand in each state, grouped; how far they got; how
//! long acceptance took; how many were completed.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::{Window, median};
use crate::model::{Case, DeclinedBy, Id, Record, Referral, ReferralStatus, Sector};

/// How referrals are grouped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// Totals only.
    #[default]
    None,
    Category,
    /// The receiver's sector.
    Sector,
    /// The receiver (a body, or a person).
    Body,
    /// The year it was proposed.
    Year,
}

/// Referrals by the state they stand in now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateCounts {
    pub proposed: usize,
    pub sent: usize,
    pub accepted: usize,
    pub declined_by_client: usize,
    pub declined_by_receiver: usize,
    pub completed: usize,
    pub cancelled: usize,
}

impl StateCounts {
    pub fn total(&self) -> usize {
        self.proposed
            + self.sent
            + self.accepted
            + self.declined_by_client
            + self.declined_by_receiver
            + self.completed
            + self.cancelled
    }

    fn add(&mut self, r: &Referral) {
        match r.status() {
            ReferralStatus::Proposed => self.proposed += 1,
            ReferralStatus::Sent => self.sent += 1,
            ReferralStatus::Accepted => self.accepted += 1,
            // A decline always records who (validation refuses one without).
            ReferralStatus::Declined => match r.declined_by {
                Some(DeclinedBy::Client) => self.declined_by_client += 1,
                _ => self.declined_by_receiver += 1,
            },
            ReferralStatus::Completed => self.completed += 1,
            ReferralStatus::Cancelled => self.cancelled += 1,
        }
    }
}

/// How far referrals got: each counts at every stage it reached.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    pub proposed: usize,
    pub sent: usize,
    pub accepted: usize,
    pub completed: usize,
}

impl Funnel {
    fn add(&mut self, r: &Referral) {
        let reached = |s| r.history.iter().any(|t| t.status == s);
        self.proposed += 1;
        self.sent += usize::from(reached(ReferralStatus::Sent));
        self.accepted += usize::from(reached(ReferralStatus::Accepted));
        self.completed += usize::from(reached(ReferralStatus::Completed));
    }
}

/// One group's figures (or all referrals').
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReferralGroup {
    /// The category, sector (or `unknown`), receiver's id, or year; empty
    /// for all referrals.
    pub key: String,
    /// The receiver's name, when grouped by receiver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub counts: StateCounts,
    pub funnel: Funnel,
    /// Median days from sent to accepted, over the referrals accepted.
    pub median_days_to_accept: Option<f64>,
    /// Completed, of all referrals in the group (0 to 1).
    pub share_completed: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReferralFigures {
    pub window: Window,
    pub by: Grouping,
    pub groups: Vec<ReferralGroup>,
    pub all: ReferralGroup,
}

/// Days from sent to accepted, as the steps stand (corrections included).
fn days_to_accept(r: &Referral) -> Option<i64> {
    let at = |s| {
        let i = r.history.iter().position(|t| t.status == s)?;
        r.step_on(i).map(|(on, _)| on)
    };
    Some((at(ReferralStatus::Accepted)? - at(ReferralStatus::Sent)?).num_days())
}

fn group(key: String, name: Option<String>, refs: &[&Referral]) -> ReferralGroup {
    let mut counts = StateCounts::default();
    let mut funnel = Funnel::default();
    for r in refs {
        counts.add(r);
        funnel.add(r);
    }
    let total = counts.total();
    ReferralGroup {
        key,
        name,
        counts,
        funnel,
        median_days_to_accept: median(refs.iter().filter_map(|r| days_to_accept(r)).collect()),
        share_completed: (total > 0).then(|| counts.completed as f64 / total as f64),
    }
}

fn sector_key(s: Option<Sector>) -> String {
    match s {
        Some(Sector::Government) => "government",
        Some(Sector::Medical) => "medical",
        Some(Sector::PatientFamily) => "patient_family",
        None => "unknown",
    }
    .to_string()
}

/// The referrals proposed within `window`, grouped `by`.
pub fn referrals(records: &[Record], window: Window, by: Grouping) -> ReferralFigures {
    let mut cases: HashMap<Id, &Case> = HashMap::new();
    let mut names: HashMap<Id, (&str, Option<Sector>)> = HashMap::new();
    let mut refs: Vec<&Referral> = Vec::new();
    for r in records {
        match r {
            Record::Case(c) => {
                cases.insert(c.id, c);
            }
            Record::Body(b) => {
                names.insert(b.id, (&b.name, Some(b.sector)));
            }
            Record::Person(p) => {
                names.insert(p.id, (&p.name, None));
            }
            Record::Referral(x) if x.step_on(0).is_some_and(|(on, _)| window.holds(on)) => {
                refs.push(x);
            }
            _ => {}
        }
    }
    // The receiver's sector: its role's in the referral's case, else a
    // body's own.
    let sector = |r: &Referral| {
        cases
            .get(&r.case)
            .and_then(|c| c.parties.iter().find(|p| p.party == r.to))
            .map(|p| p.sector)
            .or_else(|| names.get(&r.to).and_then(|(_, s)| *s))
    };
    let key = |r: &Referral| match by {
        Grouping::None => String::new(),
        Grouping::Category => serde_json::to_value(r.category)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        Grouping::Sector => sector_key(sector(r)),
        Grouping::Body => r.to.to_string(),
        Grouping::Year => r
            .step_on(0)
            .map(|(on, _)| chrono::Datelike::year(&on).to_string())
            .unwrap_or_default(),
    };
    let mut grouped: BTreeMap<String, (Id, Vec<&Referral>)> = BTreeMap::new();
    if by != Grouping::None {
        for r in &refs {
            grouped.entry(key(r)).or_insert((r.to, vec![])).1.push(r);
        }
    }
    let groups = grouped
        .into_iter()
        .map(|(k, (to, rs))| {
            let name = (by == Grouping::Body)
                .then(|| names.get(&to).map(|(n, _)| n.to_string()))
                .flatten();
            group(k, name, &rs)
        })
        .collect();
    ReferralFigures {
        window,
        by,
        groups,
        all: group(String::new(), None, &refs),
    }
}
