//! `State`: everything the screen shows, and nothing of the terminal.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::i18n::Lang;
use crate::keymap::{Key, Keymap, Mode};
use crate::model::{CaseStatus, Date, Id, Sector, Timestamp};
use crate::query::brief::UNANSWERED_DAYS;
use crate::query::data::{
    CaseDetail, ConsentAlert, EventLine, Hit, NameRow, PartyDetail, RecordDetail, ReferralAlert,
};

use super::forms::AppForm;
use super::input::TextInput;

/// Startup loading progress, for the first frames.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loading {
    /// The case overview (the count) has arrived.
    pub counted: bool,
    pub done: bool,
    /// The finder's documents have reached the search index.
    pub indexed: bool,
    pub error: Option<String>,
}

/// What the app holds of the query layer's answers: the names, lists
/// and counts the screens show without asking again.
#[derive(Clone, Debug, Default)]
pub struct Data {
    pub loading: Loading,
    pub names: HashMap<Id, NameRow>,
    /// Every partnership the reader may see, by title: an event's form
    /// offers them all, whatever screen it was opened from.
    pub partnerships: BTreeMap<Id, String>,
    /// The case counts, the newest cases and the coordinators (the case
    /// list itself comes a page at a time).
    pub overview: crate::query::cases::CaseOverview,
    pub referral_alerts: Vec<ReferralAlert>,
    pub consents: Vec<ConsentAlert>,
    pub upcoming: Vec<EventLine>,
    /// Every peer supporter with their workload (the Supporters screen).
    pub supporters: Vec<crate::query::supporters::SupporterRow>,
    /// The supporters with a profile (the dashboard's flags).
    pub looked_after: Vec<crate::query::supporters::SupporterRow>,
}

/// Settings for a session (only meeting mode changes during one).
#[derive(Clone, Debug)]
pub struct Config {
    pub lang: Lang,
    /// `--ascii`: plain ASCII borders and symbols.
    pub ascii: bool,
    /// False under NO_COLOR.
    pub color: bool,
    /// Who writes, for notes' authors and referral steps.
    pub user: String,
    /// "Today" for overdue and expiring: fixed per session (and in tests).
    pub today: Date,
    /// A fixed clock for notes' timestamps, so tests are repeatable.
    pub fixed_now: Option<Timestamp>,
    /// Meeting mode (`--meeting`, or its key): the screen may be seen by
    /// others, so clients and family show by initials, only notes marked
    /// shared show their text, and contact details are hidden.
    pub meeting: bool,
    /// A meeting screen blanks after this long without a key.
    pub meeting_idle: std::time::Duration,
    /// The dashboard lists referrals sent this many days ago or more that
    /// have had no answer (config `unanswered_days`).
    pub unanswered_days: u32,
    /// Where the supporters' flags are raised (config file).
    pub thresholds: crate::model::workload::Thresholds,
}

impl Config {
    pub fn new(lang: Lang, ascii: bool, color: bool, user: &str, today: Date) -> Config {
        Config {
            lang,
            ascii,
            color,
            user: user.to_string(),
            today,
            fixed_now: None,
            meeting: false,
            meeting_idle: std::time::Duration::from_secs(
                60 * u64::from(super::meeting::IDLE_MINUTES),
            ),
            unanswered_days: UNANSWERED_DAYS,
            thresholds: crate::model::workload::Thresholds::default(),
        }
    }

    pub fn now(&self) -> Timestamp {
        self.fixed_now.unwrap_or_else(chrono::Utc::now)
    }
}

/// A selection in a scrolling list. `offset` is the first visible row; the
/// draw code re-clamps it, so a stale offset can never hide the selection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scroll {
    pub sel: usize,
    pub offset: usize,
}

impl Scroll {
    /// Move by `delta` rows within `len`, keeping the selection in a
    /// window of `rows` rows.
    pub fn shift(&mut self, delta: isize, len: usize, rows: usize) {
        if len == 0 {
            *self = Scroll::default();
            return;
        }
        let target = self.sel.saturating_add_signed(delta).min(len - 1);
        self.set(target, len, rows);
    }

    pub fn set(&mut self, sel: usize, len: usize, rows: usize) {
        self.sel = sel.min(len.saturating_sub(1));
        let (start, _) = visible(self.sel, self.offset, len, rows);
        self.offset = start;
    }
}

/// The rows to show: `(first, end)` with the selection inside, given a
/// remembered offset. Pure, shared by update and draw.
pub fn visible(sel: usize, offset: usize, len: usize, rows: usize) -> (usize, usize) {
    if rows == 0 || len == 0 {
        return (0, 0);
    }
    let sel = sel.min(len - 1);
    let mut start = offset.min(len.saturating_sub(rows));
    if sel < start {
        start = sel;
    } else if sel >= start + rows {
        start = sel + 1 - rows;
    }
    (start, (start + rows).min(len))
}

pub use crate::query::cases::Sort;

#[derive(Clone, Debug, Default)]
pub struct CaseList {
    pub scroll: Scroll,
    pub filter: TextInput,
    /// True while `/` is being typed.
    pub editing: bool,
    pub status: Option<CaseStatus>,
    pub sector: Option<Sector>,
    pub coordinator: Option<Id>,
    pub sort: Sort,
    /// The window of the filtered, sorted list the store last sent.
    pub page: crate::query::cases::CasePage,
}

impl CaseList {
    /// What the store is asked for: this list's filter and sort.
    pub fn query(&self) -> crate::query::cases::CaseQuery {
        crate::query::cases::CaseQuery {
            text: self.filter.text.clone(),
            status: self.status,
            sector: self.sector,
            coordinator: self.coordinator,
            sort: self.sort,
        }
    }
}

/// Panels of the case view, in Tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CasePanel {
    #[default]
    Triad,
    Referrals,
    Notes,
    Timeline,
    Consents,
    /// Who viewed and changed the case (coordinators; others see why not).
    Audit,
}

impl CasePanel {
    pub const ALL: [CasePanel; 6] = [
        CasePanel::Triad,
        CasePanel::Referrals,
        CasePanel::Notes,
        CasePanel::Timeline,
        // Before consents, which stay one Shift-Tab from the triad.
        CasePanel::Audit,
        CasePanel::Consents,
    ];
}

/// Panels of the body and person views.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PartyPanel {
    #[default]
    Cases,
    Affiliations,
    Timeline,
}

impl PartyPanel {
    pub const ALL: [PartyPanel; 3] = [
        PartyPanel::Cases,
        PartyPanel::Affiliations,
        PartyPanel::Timeline,
    ];
}

#[derive(Clone, Debug)]
pub struct CaseScreen {
    pub id: Id,
    pub detail: Option<Box<CaseDetail>>,
    pub error: Option<String>,
    pub panel: CasePanel,
    pub scroll: [Scroll; 6],
    /// Referrals whose status history is open.
    pub expanded: BTreeSet<Id>,
    pub filter: TextInput,
    pub editing: bool,
    /// A record to select once the case has loaded (opened from a line
    /// about it).
    pub focus: Option<Id>,
}

#[derive(Clone, Debug)]
pub struct PartyScreen {
    pub id: Id,
    pub detail: Option<Box<PartyDetail>>,
    pub error: Option<String>,
    pub panel: PartyPanel,
    pub scroll: [Scroll; 3],
    pub filter: TextInput,
    pub editing: bool,
}

/// One referral, event, trust note or consent in full.
#[derive(Clone, Debug)]
pub struct RecordScreen {
    pub id: Id,
    pub detail: Option<Box<RecordDetail>>,
    pub error: Option<String>,
    /// The first line shown (the view scrolls by lines).
    pub top: usize,
}

/// How the Supporters list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SupporterSort {
    #[default]
    Name,
    /// Most loaded first: active cases over capacity.
    Load,
    /// Most contacts in the last 30 days first.
    Contacts,
    /// Longest since supervision first (never first of all).
    Supervision,
    Status,
}

impl SupporterSort {
    pub const ALL: [SupporterSort; 5] = [
        SupporterSort::Name,
        SupporterSort::Load,
        SupporterSort::Contacts,
        SupporterSort::Supervision,
        SupporterSort::Status,
    ];
}

/// The Supporters list: filtered by words (`area:那覇 skill:同行`), sorted.
#[derive(Clone, Debug, Default)]
pub struct SupportersScreen {
    pub scroll: Scroll,
    pub filter: TextInput,
    pub editing: bool,
    pub sort: SupporterSort,
}

/// Panels of a supporter's view, in Tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SupporterPanel {
    #[default]
    Cases,
    Contacts,
    Training,
    /// Supervision, and check-ins for those who may read them.
    Supervision,
}

impl SupporterPanel {
    pub const ALL: [SupporterPanel; 4] = [
        SupporterPanel::Cases,
        SupporterPanel::Contacts,
        SupporterPanel::Training,
        SupporterPanel::Supervision,
    ];
}

#[derive(Clone, Debug)]
pub struct SupporterScreen {
    pub id: Id,
    pub detail: Option<Box<crate::query::supporters::SupporterDetail>>,
    pub error: Option<String>,
    pub panel: SupporterPanel,
    pub scroll: [Scroll; 4],
}

/// The reports screen: figures over what the reader may see, one chart
/// per page.
#[derive(Clone, Debug, Default)]
pub struct ReportsScreen {
    pub figures: Option<Box<crate::report::Overview>>,
    pub error: Option<String>,
    pub page: ReportPage,
    /// The first partnership shown on the activity page.
    pub top: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReportPage {
    #[default]
    Attendance,
    Referrals,
    Activity,
}

impl ReportPage {
    pub const ALL: [ReportPage; 3] = [
        ReportPage::Attendance,
        ReportPage::Referrals,
        ReportPage::Activity,
    ];
}
/// Today's brief, or a case's (`crate::query::brief`), a line at a time.
#[derive(Clone, Debug)]
pub struct BriefScreen {
    /// The case it is about; `None`: the agenda of the days ahead.
    pub case: Option<Id>,
    pub brief: Option<Box<crate::query::brief::Brief>>,
    pub error: Option<String>,
    /// The selected line of `Brief::text_lines`.
    pub scroll: Scroll,
    /// Made under meeting mode's rules (asked again when the mode changes).
    pub meeting: bool,
}

impl BriefScreen {
    /// Its lines and the id each is about (none until it has come).
    pub fn lines(&self) -> Vec<(String, Option<Id>)> {
        self.brief
            .as_ref()
            .map(|b| b.text_lines())
            .unwrap_or_default()
    }
}

#[derive(Clone, Debug)]
pub enum Screen {
    Dashboard(Scroll),
    Cases(CaseList),
    Case(CaseScreen),
    /// A body or a person, told apart by the id's kind.
    Party(PartyScreen),
    /// A referral, an event, a trust note or a consent.
    Record(RecordScreen),
    Supporters(SupportersScreen),
    Supporter(SupporterScreen),
    Reports(ReportsScreen),
    Brief(BriefScreen),
}

#[derive(Clone, Debug, Default)]
pub struct Finder {
    pub input: TextInput,
    pub hits: Vec<Hit>,
    pub scroll: Scroll,
    /// The query the hits answer; replies to older queries are dropped.
    pub seq: u64,
    pub searching: bool,
    /// Enter came while the query was still being answered (keys typed
    /// ahead over SSH): go to the first hit of the answer, not a stale one.
    pub submit_pending: bool,
}

/// What a yes answer does.
#[derive(Clone, Debug, PartialEq)]
pub enum Confirmed {
    DiscardForm,
    Quit,
    /// A conflict: save the form again, now made from revision `rev`.
    Reapply {
        rev: u64,
    },
}

#[derive(Clone, Debug)]
pub struct Confirm {
    pub question: String,
    pub on_yes: Confirmed,
    /// Two versions side by side (a conflict): field, theirs, yours.
    pub compare: Vec<(String, String, String)>,
}

/// A line at the bottom: what just happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flash {
    Info(String),
    Ok(String),
    Error(String),
}

#[derive(Clone, Debug)]
pub struct State {
    pub cfg: Config,
    pub keymap: Arc<Keymap>,
    pub size: (u16, u16),
    /// Screens you came through; the last is shown. Never empty.
    pub stack: Vec<Screen>,
    pub finder: Option<Finder>,
    /// Help's scroll position when open.
    pub help: Option<usize>,
    pub form: Option<AppForm>,
    /// Forms set aside while a person or body they need is added: each
    /// with the field the new record fills when it is saved.
    pub parked: Vec<(AppForm, super::forms::Key)>,
    pub confirm: Option<Confirm>,
    /// Keys of a chord typed so far (`g` of `gg`).
    pub pending: Vec<Key>,
    pub data: Data,
    pub flash: Option<Flash>,
    pub quit: bool,
    /// Why the session had to end (the store could not be opened).
    pub fatal: Option<String>,
    /// Bumped when the screen must be repainted from scratch (`<C-l>`).
    pub repaint: u64,
    pub next_seq: u64,
    /// Ids for this session's writes, so a retried save applies once.
    pub requests: crate::store::RequestIds,
    /// Whether the server is reachable (always, for a store in-process).
    pub link: Link,
    /// Our role on the server (a store in-process: its owner's).
    pub role: crate::model::AccessRole,
    /// Saves sent and not yet answered, to tell our own writes in the
    /// change feed from other people's.
    pub pending_saves: Vec<crate::store::RequestId>,
    /// Cached names of records seen in details (partnerships, events).
    pub extra_names: HashMap<Id, String>,
    pub meeting: super::meeting::Meeting,
}

/// The connection to the server, as the header shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Link {
    #[default]
    Up,
    /// Lost; the store worker is reconnecting (why it was lost).
    Reconnecting(String),
    /// The server is still opening (or upgrading) the store.
    Opening(crate::store::Opening),
}

impl State {
    pub fn new(cfg: Config, keymap: Arc<Keymap>, size: (u16, u16)) -> State {
        State {
            cfg,
            keymap,
            size,
            stack: vec![Screen::Dashboard(Scroll::default())],
            finder: None,
            help: None,
            form: None,
            parked: Vec::new(),
            confirm: None,
            pending: Vec::new(),
            data: Data::default(),
            flash: None,
            quit: false,
            fatal: None,
            repaint: 0,
            next_seq: 0,
            requests: crate::store::RequestIds::new(),
            link: Link::Up,
            role: crate::model::AccessRole::Coordinator,
            pending_saves: Vec::new(),
            extra_names: HashMap::new(),
            meeting: Default::default(),
        }
    }

    pub fn lang(&self) -> Lang {
        self.cfg.lang
    }

    pub fn screen(&self) -> &Screen {
        // The stack is never empty: `back` keeps the bottom screen.
        self.stack
            .last()
            .unwrap_or(&Screen::Dashboard(Scroll { sel: 0, offset: 0 }))
    }

    pub fn screen_mut(&mut self) -> &mut Screen {
        if self.stack.is_empty() {
            self.stack.push(Screen::Dashboard(Scroll::default()));
        }
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    /// Which keymap table applies now: the topmost thing with the keyboard.
    pub fn mode(&self) -> Mode {
        if self.confirm.is_some() {
            Mode::Confirm
        } else if self.form.is_some() {
            Mode::Form
        } else if self.help.is_some() {
            Mode::Help
        } else if self.finder.is_some() || self.filter_editing() {
            Mode::Input
        } else {
            Mode::Normal
        }
    }

    fn filter_editing(&self) -> bool {
        match self.screen() {
            Screen::Cases(l) => l.editing,
            Screen::Case(c) => c.editing,
            Screen::Party(p) => p.editing,
            Screen::Supporters(s) => s.editing,
            Screen::Dashboard(_)
            | Screen::Record(_)
            | Screen::Supporter(_)
            | Screen::Reports(_)
            | Screen::Brief(_) => false,
        }
    }

    /// A name for any id we know of, else the id itself.
    pub fn name(&self, id: Id) -> String {
        if let Some(n) = self.data.names.get(&id) {
            return n.name.clone();
        }
        if let Some(row) = self.data.overview.recent.iter().find(|r| r.id == id) {
            return row.title.clone();
        }
        if let Some(n) = self.extra_names.get(&id) {
            return n.clone();
        }
        id.to_string()
    }

    pub fn today(&self) -> Date {
        self.cfg.today
    }
}
