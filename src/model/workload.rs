//! A supporter's workload and the flags raised on it, computed in this one
//! place from the records (cases, contacts, supervision) and nothing else,
//! so the dashboard, the Supporters screen and the brief all agree.
//!
//! Windows are counted back from `today`: "the last 30 days" is the days
//! `today - 29 ..= today` (a contact 30 days ago is outside it). Records
//! dated after `today` are not counted yet.
//!
//! The flags, each for a supporter whose profile says active (a resting or
//! departed supporter is not chased, nor a peer supporter whose programme
//! keeps no profile of them):
//! - over capacity: more active cases than their capacity (at capacity is
//!   fine);
//! - no supervision: none in the last `supervision_days` days (60), or none
//!   ever;
//! - a quiet case: an active case with no contact by them in the last
//!   `quiet_case_days` days (30), counted from when they joined the case if
//!   they never had one;
//! - a surge: contacts in the last 30 days at least `surge_factor` (2) times
//!   the monthly mean of the 90 days before (days 30 to 119 back, divided
//!   by 3), and at least `surge_min` (6), so a quiet supporter's two calls
//!   after none are not a surge.

use serde::{Deserialize, Serialize};

use super::{Case, Contact, Date, Id, Person, Supervision, SupporterStatus};

/// The length of "the last month" and each month of the baseline.
pub const MONTH_DAYS: i64 = 30;
/// Months of the baseline a surge is measured against.
pub const BASELINE_MONTHS: u32 = 3;

/// Where flags are raised; `Thresholds::default()` is the documented one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    pub supervision_days: u32,
    pub quiet_case_days: u32,
    pub surge_factor: u32,
    pub surge_min: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            supervision_days: 60,
            quiet_case_days: 30,
            surge_factor: 2,
            surge_min: 6,
        }
    }
}

/// One active case of a supporter, and how long since they were in touch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseLoad {
    pub case: Id,
    pub joined: Option<Date>,
    pub last_contact: Option<Date>,
    /// Days since the last contact (since joining, if none yet).
    pub days_quiet: Option<i64>,
}

/// What a supporter carries now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    pub supporter: Id,
    /// `None`: the person has no supporter profile.
    pub status: Option<SupporterStatus>,
    pub capacity: Option<u32>,
    /// Open cases they hold an active role in, by id.
    pub cases: Vec<CaseLoad>,
    pub contacts_30: u32,
    pub minutes_30: u32,
    /// Contacts in the three months before the last 30 days.
    pub contacts_baseline: u32,
    pub last_supervision: Option<Date>,
}

impl Workload {
    pub fn active_cases(&self) -> u32 {
        u32::try_from(self.cases.len()).unwrap_or(u32::MAX)
    }

    /// Hours in the last 30 days, to one decimal.
    pub fn hours_30(&self) -> f64 {
        (f64::from(self.minutes_30) / 6.0).round() / 10.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    OverCapacity {
        active: u32,
        capacity: u32,
    },
    /// `days`: since the last supervision; `None`: never supervised.
    NoSupervision {
        days: Option<i64>,
    },
    QuietCase {
        case: Id,
        days: i64,
    },
    Surge {
        recent: u32,
        baseline: u32,
    },
}

fn days_between(from: Date, to: Date) -> i64 {
    (to - from).num_days()
}

/// The workload of `person` as of `today`, from the cases that name them,
/// their contacts and the supervision sessions they were in (records of
/// other supporters are ignored, so callers may pass more).
pub fn compute(
    today: Date,
    person: &Person,
    cases: &[Case],
    contacts: &[Contact],
    supervisions: &[Supervision],
) -> Workload {
    let me = person.id;
    let profile = person.supporter.clone().unwrap_or_default();
    let status = person.supporter.as_ref().map(|s| s.status);
    let mine: Vec<&Contact> = contacts
        .iter()
        .filter(|c| c.supporter == me && c.on <= today)
        .collect();
    let age = |d: Date| days_between(d, today);
    let mut loads: Vec<CaseLoad> = cases
        .iter()
        .filter(|c| c.status.is_open())
        .filter_map(|c| {
            let role = c.parties.iter().find(|p| p.party == me && p.is_active())?;
            let last_contact = mine.iter().filter(|x| x.case == c.id).map(|x| x.on).max();
            let since = last_contact.or(Some(role.from).filter(|f| *f <= today));
            Some(CaseLoad {
                case: c.id,
                joined: Some(role.from),
                last_contact,
                days_quiet: since.map(age),
            })
        })
        .collect();
    loads.sort_by_key(|l| l.case);
    loads.dedup_by_key(|l| l.case);
    let recent: Vec<&&Contact> = mine.iter().filter(|c| age(c.on) < MONTH_DAYS).collect();
    let baseline = mine
        .iter()
        .filter(|c| {
            (MONTH_DAYS..MONTH_DAYS * (i64::from(BASELINE_MONTHS) + 1)).contains(&age(c.on))
        })
        .count();
    Workload {
        supporter: me,
        status,
        capacity: profile.capacity,
        cases: loads,
        contacts_30: u32::try_from(recent.len()).unwrap_or(u32::MAX),
        minutes_30: recent.iter().map(|c| c.minutes).sum(),
        contacts_baseline: u32::try_from(baseline).unwrap_or(u32::MAX),
        last_supervision: supervisions
            .iter()
            .filter(|s| s.supporters.contains(&me) && s.on <= today)
            .map(|s| s.on)
            .max(),
    }
}

/// The flags `w` raises under `t`, as of `today`.
pub fn flags(w: &Workload, t: &Thresholds, today: Date) -> Vec<Flag> {
    let mut out = Vec::new();
    if w.status != Some(SupporterStatus::Active) {
        return out;
    }
    if let Some(capacity) = w.capacity
        && w.active_cases() > capacity
    {
        out.push(Flag::OverCapacity {
            active: w.active_cases(),
            capacity,
        });
    }
    let since_supervision = w.last_supervision.map(|d| days_between(d, today));
    if since_supervision.is_none_or(|d| d >= i64::from(t.supervision_days)) {
        out.push(Flag::NoSupervision {
            days: since_supervision,
        });
    }
    for l in &w.cases {
        if let Some(days) = l.days_quiet
            && days >= i64::from(t.quiet_case_days)
        {
            out.push(Flag::QuietCase { case: l.case, days });
        }
    }
    // recent >= factor * (baseline / months), in integers.
    let recent = u64::from(w.contacts_30);
    let scaled = u64::from(t.surge_factor) * u64::from(w.contacts_baseline);
    if w.contacts_30 >= t.surge_min && recent * u64::from(BASELINE_MONTHS) >= scaled {
        out.push(Flag::Surge {
            recent: w.contacts_30,
            baseline: w.contacts_baseline,
        });
    }
    out
}
