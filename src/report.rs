//! Figures for reporting upward: referrals, attendance and caseload,
//! computed from the records a reader may see. Pure: the server, the TUI
//! and the tests share this one computation; `render` writes it as
//! Markdown or CSV (JSON is the structs themselves).

mod attendance;
mod caseload;
mod referrals;
mod render;

use serde::{Deserialize, Serialize};

use crate::model::{Date, EventKind, Id, Record};

pub use attendance::{
    AttendanceFigures, EventAttendance, PartnershipActivity, Tally, YearAttendance, activity,
    attendance,
};
pub use caseload::{CaseloadFigures, CaseloadRole, CaseloadRow, caseload};
pub use referrals::{Funnel, Grouping, ReferralFigures, ReferralGroup, StateCounts, referrals};
pub use render::{csv, markdown};

/// Which report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum What {
    #[default]
    Referrals,
    Attendance,
    Caseload,
}

/// Days from `from` to `to`, both included; either end may be open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    #[serde(default)]
    pub from: Option<Date>,
    #[serde(default)]
    pub to: Option<Date>,
}

impl Window {
    pub fn holds(&self, day: Date) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }
}

/// What a report is asked for: the report, its window and its grouping
/// or filters (each report reads the ones it has).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub what: What,
    #[serde(default)]
    pub window: Window,
    /// Referrals: how to group them.
    #[serde(default)]
    pub by: Grouping,
    /// Attendance: events of this partnership only.
    #[serde(default)]
    pub partnership: Option<Id>,
    /// Attendance: events with this body (or person) among their parties.
    #[serde(default)]
    pub body: Option<Id>,
    /// Attendance: events of this kind only.
    #[serde(default)]
    pub kind: Option<EventKind>,
}

/// One report's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "report", rename_all = "snake_case")]
pub enum Figures {
    Referrals(ReferralFigures),
    Attendance(AttendanceFigures),
    Caseload(CaseloadFigures),
}

/// The report asked for, over `records` (what the reader may see), as of
/// `today` (caseload's "this month" is the month of the window's end, else
/// of today).
pub fn compute(records: &[Record], request: &Request, today: Date) -> Figures {
    match request.what {
        What::Referrals => Figures::Referrals(referrals(records, request.window, request.by)),
        What::Attendance => Figures::Attendance(attendance(records, request)),
        What::Caseload => Figures::Caseload(caseload(records, request.window.to.unwrap_or(today))),
    }
}

/// What the reports screen shows: attendance by sector per year, the
/// referral funnel, and each partnership's events per year.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub attendance: Vec<YearAttendance>,
    pub referrals: StateCounts,
    pub funnel: Funnel,
    pub activity: Vec<PartnershipActivity>,
}

pub fn overview(records: &[Record]) -> Overview {
    let refs = referrals(records, Window::default(), Grouping::None);
    // The chart is of events whose attendance was recorded at all: a
    // meeting with no count is not an attendance of nobody.
    let counted: Vec<Record> = records
        .iter()
        .filter(|r| matches!(r, Record::Event(e) if e.attendance.is_some()))
        .cloned()
        .collect();
    Overview {
        attendance: attendance(&counted, &Request::default()).years,
        referrals: refs.all.counts,
        funnel: refs.all.funnel,
        activity: activity(records),
    }
}

/// The median of some day counts (the mean of the middle two when even).
pub(crate) fn median(mut days: Vec<i64>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    Some(if n % 2 == 1 {
        days[n / 2] as f64
    } else {
        (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_none() {
        assert_eq!(median(vec![9, 1, 5]), Some(5.0));
        assert_eq!(median(vec![4, 1, 3, 10]), Some(3.5));
        assert_eq!(median(vec![]), None);
    }

    #[test]
    fn a_window_includes_both_ends() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let w = Window {
            from: Some(d("2023-01-01")),
            to: Some(d("2023-12-31")),
        };
        assert!(w.holds(d("2023-01-01")) && w.holds(d("2023-12-31")));
        assert!(!w.holds(d("2022-12-31")) && !w.holds(d("2024-01-01")));
        assert!(Window::default().holds(d("1990-05-05")));
    }
}
