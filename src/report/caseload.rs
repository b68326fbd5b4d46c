//! Caseload: per coordinator and per peer supporter, the cases not closed
//! in which they hold a role, the open referrals of those cases, and the
//! events this month in those cases or with them among the parties.

use std::collections::{BTreeSet, HashMap};

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::model::{Case, Date, Id, Person, Record, Role};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseloadRole {
    Coordinator,
    PeerSupporter,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadRow {
    pub person: Id,
    pub name: String,
    pub role: CaseloadRole,
    pub active_cases: usize,
    pub open_referrals: usize,
    pub events_this_month: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadFigures {
    /// The day "this month" and "active" are taken on.
    pub as_of: Date,
    /// Coordinators first, then peer supporters; each by active cases, most first.
    pub rows: Vec<CaseloadRow>,
}

/// The caseload as of `as_of`; people with nothing to count are left out.
pub fn caseload(records: &[Record], as_of: Date) -> CaseloadFigures {
    let mut people: Vec<(&Person, CaseloadRole)> = Vec::new();
    let mut open_cases: Vec<&Case> = Vec::new();
    let mut open_referrals: HashMap<Id, usize> = HashMap::new();
    let mut events = Vec::new();
    let month = (as_of.year(), as_of.month());
    for r in records {
        match r {
            Record::Person(p) => {
                if p.roles.contains(&Role::Coordinator) {
                    people.push((p, CaseloadRole::Coordinator));
                }
                if p.roles.contains(&Role::PeerSupporter) {
                    people.push((p, CaseloadRole::PeerSupporter));
                }
            }
            Record::Case(c) if c.status.is_open() => open_cases.push(c),
            Record::Referral(x) if x.status().is_open() => {
                *open_referrals.entry(x.case).or_default() += 1;
            }
            Record::Event(e) if (e.date.year(), e.date.month()) == month => events.push(e),
            _ => {}
        }
    }
    // Who holds a role in which open case: a party whose role has not
    // ended, and (for a coordinator) the case's coordinator.
    let mut parties: HashMap<Id, BTreeSet<Id>> = HashMap::new();
    let mut coordinates: HashMap<Id, BTreeSet<Id>> = HashMap::new();
    for c in &open_cases {
        for p in c.parties.iter().filter(|p| p.is_active()) {
            parties.entry(p.party).or_default().insert(c.id);
        }
        if let Some(k) = c.coordinator {
            coordinates.entry(k).or_default().insert(c.id);
        }
    }
    let mut rows: Vec<CaseloadRow> = people
        .into_iter()
        .map(|(p, role)| {
            let mut mine: BTreeSet<Id> = parties.get(&p.id).cloned().unwrap_or_default();
            if role == CaseloadRole::Coordinator {
                mine.extend(coordinates.get(&p.id).into_iter().flatten());
            }
            CaseloadRow {
                person: p.id,
                name: p.name.clone(),
                role,
                active_cases: mine.len(),
                open_referrals: mine
                    .iter()
                    .map(|c| open_referrals.get(c).copied().unwrap_or(0))
                    .sum(),
                events_this_month: events
                    .iter()
                    .filter(|e| {
                        e.case.is_some_and(|c| mine.contains(&c)) || e.parties.contains(&p.id)
                    })
                    .count(),
            }
        })
        .filter(|r| r.active_cases + r.open_referrals + r.events_this_month > 0)
        .collect();
    rows.sort_by(|a, b| {
        (a.role, std::cmp::Reverse(a.active_cases), a.person).cmp(&(
            b.role,
            std::cmp::Reverse(b.active_cases),
            b.person,
        ))
    });
    CaseloadFigures { as_of, rows }
}
