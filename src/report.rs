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

    use crate::model::{
        Attendance, DeclinedBy, Event, EventKind, Id, Kind, Referral, ReferralCategory,
        ReferralStatus,
    };

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn event(n: u64, on: &str, attendance: Option<Attendance>) -> Record {
        Record::Event(Event {
            id: Id::new(Kind::Event, n),
            date: d(on),
            end: None,
            kind: EventKind::Training,
            title: format!("training {n}"),
            parties: vec![],
            partnership: None,
            case: None,
            attendance,
            course: None,
            note: String::new(),
        })
    }

    #[test]
    fn not_counted_is_never_summed_as_zero() {
        let medical_only = Attendance {
            medical: Some(3),
            ..Attendance::default()
        };
        let records = [
            event(1, "2021-02-11", Some(medical_only)),
            event(2, "2021-11-03", Some(Attendance::full(0, 2, 1))),
            event(3, "2022-02-11", Some(medical_only)),
            event(4, "2022-05-01", None),
        ];
        let f = attendance(&records, &Request::default());
        let (y21, y22) = (&f.years[0], &f.years[1]);
        // A counted 0 is a 0; a sector no event counted has no sum at all.
        assert_eq!((y21.peer.sum, y21.peer.counted), (Some(0), 1));
        assert_eq!((y21.medical.sum, y21.medical.counted), (Some(5), 2));
        assert_eq!((y22.events, y22.peer.sum, y22.peer.counted), (2, None, 0));
        assert_eq!((y22.medical.sum, y22.medical.counted), (Some(3), 1));
        assert_eq!(f.events[3].attendance, Attendance::default());
        // The reports screen leaves out the event that recorded no attendance.
        assert_eq!(overview(&records).attendance[1].events, 1);
    }

    #[test]
    fn declines_split_by_who_and_the_median_reads_corrected_steps() {
        let r = |n: u64| {
            Referral::propose(
                Id::new(Kind::Referral, n),
                Id::new(Kind::Case, 1),
                Id::new(Kind::Body, 1),
                Id::new(Kind::Body, 2),
                ReferralCategory::Work,
                "work",
                d("2024-01-01"),
                "t",
            )
        };
        let mut a = r(1);
        a.advance(ReferralStatus::Sent, d("2024-01-02"), "t", "")
            .unwrap();
        a.advance(ReferralStatus::Accepted, d("2024-01-12"), "t", "")
            .unwrap();
        // Accepted on the 6th in fact: 4 days, not 10.
        a.correct_step(2, d("2024-01-06"), "", "t", d("2024-02-01"))
            .unwrap();
        let mut b = r(2);
        b.advance(ReferralStatus::Sent, d("2024-01-02"), "t", "")
            .unwrap();
        b.decline(DeclinedBy::Client, "waits", d("2024-01-03"), "t")
            .unwrap();
        let mut c = r(3);
        c.advance(ReferralStatus::Sent, d("2024-01-02"), "t", "")
            .unwrap();
        c.decline(DeclinedBy::Receiver, "full", d("2024-01-03"), "t")
            .unwrap();
        let records: Vec<Record> = [a, b, c].into_iter().map(Record::Referral).collect();
        let f = referrals(&records, Window::default(), Grouping::Year);
        let all = &f.all;
        assert_eq!(
            (
                all.counts.accepted,
                all.counts.declined_by_client,
                all.counts.declined_by_receiver
            ),
            (1, 1, 1)
        );
        assert_eq!(all.median_days_to_accept, Some(4.0));
        assert_eq!((all.funnel.sent, all.funnel.accepted), (3, 1));
        assert_eq!(all.share_completed, Some(0.0));
        assert_eq!(f.groups.len(), 1);
        assert_eq!(f.groups[0].key, "2024");
        // Out of the window, nothing is counted.
        let w = Window {
            from: Some(d("2024-01-02")),
            to: None,
        };
        assert_eq!(referrals(&records, w, Grouping::None).all.counts.total(), 0);
    }

    #[test]
    fn a_window_includes_both_ends() {
        let w = Window {
            from: Some(d("2023-01-01")),
            to: Some(d("2023-12-31")),
        };
        assert!(w.holds(d("2023-01-01")) && w.holds(d("2023-12-31")));
        assert!(!w.holds(d("2022-12-31")) && !w.holds(d("2024-01-01")));
        assert!(Window::default().holds(d("1990-05-05")));
    }
}
