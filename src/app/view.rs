//! The rows each screen shows, computed from `State` alone. Update uses
//! them to know what is selected and where Enter goes; draw uses the same
//! rows to paint, so the two can never disagree.

use chrono::Datelike;

use super::state::{CaseScreen, Config, PartyPanel, PartyScreen, State};
use crate::model::workload::{self, Flag};
use crate::model::{
    Affiliation, CaseParty, CaseStatus, Consent, Date, Event, Id, Partnership, Referral,
    Relationship, Sector, Transition, TrustNote,
};
use crate::query::data::{
    CaseDetail, CaseRow, ConsentAlert, EventLine, PartyCase, PartyDetail, ReferralAlert, Timeline,
};

/// Where Enter on a line goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Case(Id),
    /// A case opened on a panel with one of its records selected (an
    /// overdue referral, a consent to look at).
    CaseRecord {
        case: Id,
        panel: super::state::CasePanel,
        record: Id,
    },
    /// A body or a person.
    Party(Id),
    CasesWithStatus(CaseStatus),
    /// A referral, event, trust note or consent in its detail view.
    Record(Id),
    /// A peer supporter's view: cases, contacts, training, supervision.
    Supporter(Id),
}

/// Open a record by id: cases to the case view, bodies and people to
/// theirs, referrals, events, notes and consents to their detail view;
/// other kinds have no screen of their own.
pub fn link_to(id: Id) -> Option<Link> {
    use crate::model::Kind;
    match id.kind {
        Kind::Case => Some(Link::Case(id)),
        Kind::Body | Kind::Person => Some(Link::Party(id)),
        // Everything else opens in the record view.
        _ => Some(Link::Record(id)),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DashSection {
    Open,
    /// Follow-ups overdue, due today or in the next 7 days.
    FollowUps,
    /// Referrals sent this many days ago or more, with no answer.
    Unanswered(u32),
    Consents,
    /// Peer supporters flagged (over capacity, no supervision, …).
    Supporters,
    Upcoming,
    Recent,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DashLine<'a> {
    Heading(DashSection, usize),
    Status(CaseStatus, usize),
    FollowUp(&'a ReferralAlert),
    Unanswered(&'a ReferralAlert),
    Consent(&'a ConsentAlert),
    Event(&'a EventLine),
    Recent(&'a CaseRow),
    /// A supporter and one flag raised on them.
    SupporterFlag(&'a crate::query::supporters::SupporterRow, Flag),
    /// "nothing here", so an empty section still reads as checked.
    Nothing,
    /// How many more a long section holds than it shows.
    More(usize),
}

impl DashLine<'_> {
    pub fn link(&self) -> Option<Link> {
        match self {
            DashLine::Status(s, _) => Some(Link::CasesWithStatus(*s)),
            DashLine::FollowUp(r) | DashLine::Unanswered(r) => Some(Link::CaseRecord {
                case: r.case,
                panel: super::state::CasePanel::Referrals,
                record: r.id,
            }),
            DashLine::Consent(c) => Some(Link::CaseRecord {
                case: c.case,
                panel: super::state::CasePanel::Consents,
                record: c.id,
            }),
            DashLine::Event(e) => Some(Link::Record(e.id)),
            DashLine::Recent(c) => Some(Link::Case(c.id)),
            DashLine::SupporterFlag(s, _) => Some(Link::Supporter(s.person.id)),
            _ => None,
        }
    }
}

/// The most lines a dashboard section shows: the most urgent first, the
/// rest counted (a big store can hold thousands of overdue follow-ups, and
/// the dashboard is drawn on every keystroke).
pub const SECTION_MAX: usize = 20;

/// A section's heading and lines: the first `SECTION_MAX`, then how many
/// more, or "nothing" when it is empty.
fn section<'a, T>(
    out: &mut Vec<DashLine<'a>>,
    heading: DashSection,
    items: Vec<&'a T>,
    line: fn(&'a T) -> DashLine<'a>,
) {
    out.push(DashLine::Heading(heading, items.len()));
    out.extend(items.iter().take(SECTION_MAX).map(|i| line(i)));
    if items.is_empty() {
        out.push(DashLine::Nothing);
    } else if items.len() > SECTION_MAX {
        out.push(DashLine::More(items.len() - SECTION_MAX));
    }
}

/// The dashboard, top to bottom. Only lines with a link are selectable.
pub fn dashboard(state: &State) -> Vec<DashLine<'_>> {
    let d = &state.data;
    let mut out = Vec::new();
    let count = |i: usize| d.overview.by_status.get(i).copied().unwrap_or(0);
    let open: usize = (0..3).map(count).sum();
    out.push(DashLine::Heading(DashSection::Open, open));
    for (i, s) in CaseStatus::ALL[..3].iter().enumerate() {
        out.push(DashLine::Status(*s, count(i)));
    }
    // The worker lists every open referral due within the week or sent
    // and unanswered; how long "unanswered" is is the user's setting.
    let follow_ups = d.referral_alerts.iter().filter(|r| r.follow_up.is_some());
    section(
        &mut out,
        DashSection::FollowUps,
        follow_ups.collect(),
        DashLine::FollowUp,
    );
    let days = state.cfg.unanswered_days;
    let waited = |r: &&ReferralAlert| {
        r.sent_on
            .is_some_and(|s| (state.today() - s).num_days() >= i64::from(days))
    };
    let mut unanswered: Vec<&ReferralAlert> = d.referral_alerts.iter().filter(waited).collect();
    unanswered.sort_by_key(|r| (r.sent_on, r.id));
    section(
        &mut out,
        DashSection::Unanswered(days),
        unanswered,
        DashLine::Unanswered,
    );
    section(
        &mut out,
        DashSection::Consents,
        d.consents.iter().collect(),
        DashLine::Consent,
    );
    section(
        &mut out,
        DashSection::Upcoming,
        d.upcoming.iter().collect(),
        DashLine::Event,
    );
    // Only where supporters are looked after (some have a profile): a
    // programme that keeps none is not told about them.
    if !d.looked_after.is_empty() {
        let flagged = supporter_flags(state);
        out.push(DashLine::Heading(DashSection::Supporters, flagged.len()));
        let n = flagged.len();
        out.extend(flagged.into_iter().take(SECTION_MAX));
        if n == 0 {
            out.push(DashLine::Nothing);
        } else if n > SECTION_MAX {
            out.push(DashLine::More(n - SECTION_MAX));
        }
    }
    let recent = &d.overview.recent;
    out.push(DashLine::Heading(DashSection::Recent, recent.len()));
    out.extend(recent.iter().map(DashLine::Recent));
    out
}

/// Every flag raised on the supporters, by the config's thresholds: over
/// capacity first, then no supervision, surges and quiet cases.
pub fn supporter_flags(state: &State) -> Vec<DashLine<'_>> {
    let today = state.today();
    let rank = |f: &Flag| match f {
        Flag::OverCapacity { .. } => 0,
        Flag::NoSupervision { .. } => 1,
        Flag::Surge { .. } => 2,
        Flag::QuietCase { .. } => 3,
    };
    let mut out: Vec<(usize, DashLine<'_>)> = Vec::new();
    for (i, row) in state.data.looked_after.iter().enumerate() {
        for f in workload::flags(&row.workload, &state.cfg.thresholds, today) {
            out.push((i, DashLine::SupporterFlag(row, f)));
        }
    }
    out.sort_by_key(|(i, l)| match l {
        DashLine::SupporterFlag(_, f) => (rank(f), *i),
        _ => (9, *i),
    });
    out.into_iter().map(|(_, l)| l).collect()
}

/// A store with no case yet (once loaded): the dashboard shows how to
/// start instead of empty sections.
pub fn first_run(state: &State) -> bool {
    state.data.loading.done && state.data.overview.total == 0
}

/// Selectable dashboard lines' links, in order.
pub fn dashboard_links(state: &State) -> Vec<Link> {
    dashboard(state).iter().filter_map(DashLine::link).collect()
}

/// One selectable thing in the triad panel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TriadItem<'a> {
    Party(&'a CaseParty),
    Relationship(&'a Relationship),
}

/// Parties by sector (government, medical, patient & family), active before
/// ended; then the relationships.
pub fn triad_items(d: &CaseDetail) -> Vec<TriadItem<'_>> {
    let mut out = Vec::new();
    for s in Sector::ALL {
        out.extend(parties_of(d, s).into_iter().map(TriadItem::Party));
    }
    out.extend(d.relationships.iter().map(TriadItem::Relationship));
    out
}

pub fn parties_of(d: &CaseDetail, sector: Sector) -> Vec<&CaseParty> {
    let mut v: Vec<&CaseParty> = d
        .case
        .parties
        .iter()
        .filter(|p| p.sector == sector)
        .collect();
    v.sort_by_key(|p| (p.until.is_some(), std::cmp::Reverse(p.until), p.from));
    v
}

/// The sector a party sits in for this case (bodies carry their own).
pub fn sector_in_case(d: &CaseDetail, id: Id) -> Option<Sector> {
    d.case
        .parties
        .iter()
        .find(|p| p.party == id)
        .map(|p| p.sector)
        .or_else(|| d.sectors.get(&id).copied())
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ReferralRow<'a> {
    Referral(&'a Referral),
    Step(&'a Referral, &'a Transition),
}

impl<'a> ReferralRow<'a> {
    pub fn referral(&self) -> &'a Referral {
        match self {
            ReferralRow::Referral(r) | ReferralRow::Step(r, _) => r,
        }
    }
}

fn matches(filter: &str, text: &str) -> bool {
    filter.is_empty() || text.to_lowercase().contains(filter)
}

fn name_of(names: &std::collections::HashMap<Id, String>, id: Id) -> String {
    names.get(&id).cloned().unwrap_or_else(|| id.to_string())
}

pub fn referral_rows<'a>(screen: &CaseScreen, d: &'a CaseDetail) -> Vec<ReferralRow<'a>> {
    let filter = screen.filter.text.trim().to_lowercase();
    let mut out = Vec::new();
    for r in &d.referrals {
        let text = format!(
            "{} {} {} {} {}",
            r.id,
            name_of(&d.names, r.from),
            name_of(&d.names, r.to),
            r.reason,
            r.outcome
        );
        if !matches(&filter, &text) {
            continue;
        }
        out.push(ReferralRow::Referral(r));
        if screen.expanded.contains(&r.id) {
            out.extend(r.history.iter().map(|t| ReferralRow::Step(r, t)));
        }
    }
    out
}

/// Whether a note's text may be shown: in meeting mode only shared notes.
/// (Notes the user may not read never reach the app: the server leaves
/// them out.)
pub fn note_readable(cfg: &Config, n: &TrustNote) -> bool {
    !cfg.meeting || n.confidentiality == crate::model::Confidentiality::Shared
}

/// Whether a note's text is on screen now: readable, or revealed for a
/// moment in meeting mode.
pub fn note_shown(state: &State, n: &TrustNote) -> bool {
    note_readable(&state.cfg, n) || state.meeting.shows(n.id)
}

/// Notes, newest first; the filter never looks into text one may not read.
pub fn note_rows<'a>(screen: &CaseScreen, d: &'a CaseDetail, cfg: &Config) -> Vec<&'a TrustNote> {
    let filter = screen.filter.text.trim().to_lowercase();
    d.notes
        .iter()
        .filter(|n| {
            let text = if note_readable(cfg, n) {
                n.text.as_str()
            } else {
                ""
            };
            matches(&filter, &format!("{} {text}", n.author))
        })
        .collect()
}

pub fn consent_rows<'a>(screen: &CaseScreen, d: &'a CaseDetail) -> Vec<&'a Consent> {
    let filter = screen.filter.text.trim().to_lowercase();
    d.consents
        .iter()
        .filter(|c| {
            let names: Vec<String> = c.granted_to.iter().map(|p| name_of(&d.names, *p)).collect();
            matches(&filter, &format!("{} {}", c.obtained_how, names.join(" ")))
        })
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TimelineRow<'a> {
    Partnership(&'a Partnership),
    /// A year's layer: how many events, out of the busiest year's count.
    /// Years with no event in a row are one line, `year..=until`.
    Year {
        partnership: &'a Partnership,
        year: i32,
        until: i32,
        count: usize,
        max: usize,
    },
    Event(&'a Partnership, &'a Event),
}

impl<'a> TimelineRow<'a> {
    pub fn partnership(&self) -> &'a Partnership {
        match self {
            TimelineRow::Partnership(p)
            | TimelineRow::Year { partnership: p, .. }
            | TimelineRow::Event(p, _) => p,
        }
    }
}

/// Every partnership, year by year from its start to its end (or this
/// year), each year with its events: a ten-year partnership shows ten
/// layers even when some are thin.
pub fn timeline_rows<'a>(
    timelines: &'a [Timeline],
    today: Date,
    filter: &str,
) -> Vec<TimelineRow<'a>> {
    let filter = filter.trim().to_lowercase();
    let mut out = Vec::new();
    for t in timelines {
        let p = &t.partnership;
        out.push(TimelineRow::Partnership(p));
        let first = t
            .events
            .iter()
            .map(|e| e.date.year())
            .min()
            .map_or(p.started.year(), |y| y.min(p.started.year()));
        let last_event = t
            .events
            .iter()
            .map(|e| e.date.year())
            .max()
            .unwrap_or(first);
        let end = p.ended.map_or(today.year(), |e| e.year()).max(last_event);
        // Cap pathological spans (a typo'd year) so a panel stays readable.
        let first = first.max(end - 100);
        let count = |y: i32| t.events.iter().filter(|e| e.date.year() == y).count();
        let max = (first..=end).map(count).max().unwrap_or(0);
        let mut year = first;
        while year <= end {
            // Empty years fold into one line: 21 quiet years are one `j`.
            let mut until = year;
            while count(year) == 0 && until < end && count(until + 1) == 0 {
                until += 1;
            }
            out.push(TimelineRow::Year {
                partnership: p,
                year,
                until,
                count: count(year),
                max,
            });
            for e in t.events.iter().filter(|e| e.date.year() == year) {
                if matches(&filter, &e.title) {
                    out.push(TimelineRow::Event(p, e));
                }
            }
            year = until + 1;
        }
    }
    out
}

pub fn party_case_rows<'a>(screen: &PartyScreen, d: &'a PartyDetail) -> Vec<&'a PartyCase> {
    let filter = screen.filter.text.trim().to_lowercase();
    d.cases
        .iter()
        .filter(|c| matches(&filter, &format!("{} {} {}", c.id, c.title, c.role)))
        .collect()
}

pub fn affiliation_rows<'a>(screen: &PartyScreen, d: &'a PartyDetail) -> Vec<&'a Affiliation> {
    let filter = screen.filter.text.trim().to_lowercase();
    d.affiliations
        .iter()
        .filter(|a| {
            let text = format!(
                "{} {} {}",
                name_of(&d.names, a.person),
                name_of(&d.names, a.body),
                a.title
            );
            matches(&filter, &text)
        })
        .collect()
}

/// Rows in the current panel of a case screen.
/// How many rows the referral or consent panel shows.
pub fn row_count(screen: &CaseScreen, d: &CaseDetail) -> usize {
    use super::state::CasePanel;
    match screen.panel {
        CasePanel::Referrals => referral_rows(screen, d).len(),
        CasePanel::Consents => consent_rows(screen, d).len(),
        _ => 0,
    }
}

/// Where a referral or consent is in its panel's rows.
pub fn row_of(screen: &CaseScreen, d: &CaseDetail, record: Id) -> Option<usize> {
    use super::state::CasePanel;
    match screen.panel {
        CasePanel::Referrals => referral_rows(screen, d)
            .iter()
            .position(|r| matches!(r, ReferralRow::Referral(x) if x.id == record)),
        CasePanel::Consents => consent_rows(screen, d).iter().position(|c| c.id == record),
        _ => None,
    }
}

pub fn case_panel_len(screen: &CaseScreen, cfg: &Config) -> usize {
    let today = cfg.today;
    use super::state::CasePanel;
    let Some(d) = screen.detail.as_deref() else {
        return 0;
    };
    match screen.panel {
        CasePanel::Triad => triad_items(d).len(),
        CasePanel::Referrals => referral_rows(screen, d).len(),
        CasePanel::Notes => note_rows(screen, d, cfg).len(),
        CasePanel::Timeline => timeline_rows(&d.timelines, today, &screen.filter.text).len(),
        CasePanel::Consents => consent_rows(screen, d).len(),
        CasePanel::Audit => audit_rows(screen, d).len(),
    }
}

/// The case's audit entries the filter keeps, newest first.
pub fn audit_rows<'a>(screen: &CaseScreen, d: &'a CaseDetail) -> Vec<&'a crate::model::AuditEntry> {
    let filter = screen.filter.text.trim().to_lowercase();
    d.audit
        .iter()
        .filter(|e| {
            let entity = e.entity.map(|i| i.to_string()).unwrap_or_default();
            // The summary in both languages: the filter finds what the
            // panel shows, whichever language it is shown in.
            let text = format!(
                "{} {} {entity} {} {}",
                e.user,
                e.action.name(),
                e.text(crate::i18n::Lang::En),
                e.text(crate::i18n::Lang::Ja)
            );
            matches(&filter, &text)
        })
        .collect()
}

pub fn party_panel_len(screen: &PartyScreen, today: Date) -> usize {
    let Some(d) = screen.detail.as_deref() else {
        return 0;
    };
    match screen.panel {
        PartyPanel::Cases => party_case_rows(screen, d).len(),
        PartyPanel::Affiliations => affiliation_rows(screen, d).len(),
        PartyPanel::Timeline => timeline_rows(&d.timelines, today, &screen.filter.text).len(),
    }
}

/// What is selected in a case screen, for the editing actions.
#[derive(Clone, Copy, Debug, Default)]
pub struct CaseSelection<'a> {
    pub party: Option<&'a CaseParty>,
    pub relationship: Option<&'a Relationship>,
    pub referral: Option<&'a Referral>,
    pub consent: Option<&'a Consent>,
    pub partnership: Option<&'a Partnership>,
    pub event: Option<&'a Event>,
}

pub fn case_selection<'a>(
    screen: &CaseScreen,
    d: &'a CaseDetail,
    today: Date,
) -> CaseSelection<'a> {
    use super::state::CasePanel;
    let sel = screen.scroll[panel_index(screen.panel)].sel;
    let mut out = CaseSelection::default();
    match screen.panel {
        CasePanel::Triad => match triad_items(d).get(sel) {
            Some(TriadItem::Party(p)) => out.party = Some(p),
            Some(TriadItem::Relationship(r)) => out.relationship = Some(r),
            None => {}
        },
        CasePanel::Referrals => {
            out.referral = referral_rows(screen, d).get(sel).map(|r| r.referral())
        }
        CasePanel::Consents => out.consent = consent_rows(screen, d).get(sel).copied(),
        CasePanel::Timeline => {
            let rows = timeline_rows(&d.timelines, today, &screen.filter.text);
            out.partnership = rows.get(sel).map(|r| r.partnership());
            if let Some(TimelineRow::Event(_, e)) = rows.get(sel) {
                out.event = Some(e);
            }
        }
        CasePanel::Notes | CasePanel::Audit => {}
    }
    out
}

pub fn panel_index(p: super::state::CasePanel) -> usize {
    super::state::CasePanel::ALL
        .iter()
        .position(|x| *x == p)
        .unwrap_or(0)
}

pub fn party_panel_index(p: PartyPanel) -> usize {
    PartyPanel::ALL.iter().position(|x| *x == p).unwrap_or(0)
}

/// Why our role may not take this action, if it may not: the rules the
/// server enforces, said before a form is filled in for nothing (and shown
/// in help and the footer, which leave such keys out or mark them).
pub fn refused_for_role(state: &State, action: &super::Action) -> Option<String> {
    use crate::model::AccessRole;
    let l = state.lang();
    match state.role {
        AccessRole::Viewer if action.writes() => Some(
            l.t(
                "You are a viewer: viewers read only (the server's config gives your role).",
                "閲覧者は読み取りのみです（役割はサーバーの設定によります）。",
            )
            .to_string(),
        ),
        AccessRole::Supporter if action.outside_cases() => Some(
            l.t(
                "You are a supporter: supporters write only in their own cases.",
                "サポーターは自分のケースの中でのみ記録できます。",
            )
            .to_string(),
        ),
        _ => None,
    }
}
