//! Attendance by sector, per event and per year. A sector that was not
//! counted at an event stays "not counted": it is never added in as 0.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::{Request, Window};
use crate::model::{Attendance, Date, EventKind, Id, Record};

/// One event and its attendance (`None` in a sector: not counted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventAttendance {
    pub id: Id,
    pub date: Date,
    pub kind: EventKind,
    pub title: String,
    #[serde(default)]
    pub partnership: Option<Id>,
    pub attendance: Attendance,
}

/// One sector over some events: the sum of the counts, over the events
/// that counted it (`None` when none did), and how many did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub sum: Option<u32>,
    pub counted: usize,
}

impl Tally {
    fn add(&mut self, n: Option<u32>) {
        if let Some(n) = n {
            self.sum = Some(self.sum.unwrap_or(0) + n);
            self.counted += 1;
        }
    }
}

/// One year's events and attendance by sector.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearAttendance {
    pub year: i32,
    pub events: usize,
    pub peer: Tally,
    pub medical: Tally,
    pub government: Tally,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceFigures {
    pub window: Window,
    #[serde(default)]
    pub partnership: Option<Id>,
    #[serde(default)]
    pub body: Option<Id>,
    #[serde(default)]
    pub kind: Option<EventKind>,
    /// Every event that matches, by date.
    pub events: Vec<EventAttendance>,
    pub years: Vec<YearAttendance>,
}

/// The events within the request's window that match its partnership, body
/// and kind, and their attendance per year.
pub fn attendance(records: &[Record], request: &Request) -> AttendanceFigures {
    let mut events: Vec<EventAttendance> = records
        .iter()
        .filter_map(|r| match r {
            Record::Event(e)
                if request.window.holds(e.date)
                    && request.partnership.is_none_or(|p| e.partnership == Some(p))
                    && request.body.is_none_or(|b| e.parties.contains(&b))
                    && request.kind.is_none_or(|k| e.kind == k) =>
            {
                Some(EventAttendance {
                    id: e.id,
                    date: e.date,
                    kind: e.kind,
                    title: e.title.clone(),
                    partnership: e.partnership,
                    attendance: e.attendance.unwrap_or_default(),
                })
            }
            _ => None,
        })
        .collect();
    events.sort_by_key(|e| (e.date, e.id));
    let mut years: BTreeMap<i32, YearAttendance> = BTreeMap::new();
    for e in &events {
        let y = years
            .entry(e.date.year())
            .or_insert_with(|| YearAttendance {
                year: e.date.year(),
                ..YearAttendance::default()
            });
        y.events += 1;
        y.peer.add(e.attendance.peer);
        y.medical.add(e.attendance.medical);
        y.government.add(e.attendance.government);
    }
    AttendanceFigures {
        window: request.window,
        partnership: request.partnership,
        body: request.body,
        kind: request.kind,
        events,
        years: years.into_values().collect(),
    }
}

/// A partnership's events per year, from its first event's year to its
/// last's (years without one are 0).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnershipActivity {
    pub id: Id,
    pub title: String,
    pub first_year: i32,
    pub per_year: Vec<u64>,
}

pub fn activity(records: &[Record]) -> Vec<PartnershipActivity> {
    let mut years: BTreeMap<Id, BTreeMap<i32, u64>> = BTreeMap::new();
    for r in records {
        if let Record::Event(e) = r
            && let Some(p) = e.partnership
        {
            *years
                .entry(p)
                .or_default()
                .entry(e.date.year())
                .or_default() += 1;
        }
    }
    records
        .iter()
        .filter_map(|r| match r {
            Record::Partnership(p) => {
                let per = years.get(&p.id)?;
                let (first, last) = (*per.keys().next()?, *per.keys().next_back()?);
                Some(PartnershipActivity {
                    id: p.id,
                    title: p.title.clone(),
                    first_year: first,
                    per_year: (first..=last)
                        .map(|y| per.get(&y).copied().unwrap_or(0))
                        .collect(),
                })
            }
            _ => None,
        })
        .collect()
}
