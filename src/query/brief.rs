//! The brief: the agenda of the days ahead, or one page of a case, ready
//! for a meeting. The server makes it (from the reader's `Scope`, in the
//! asker's language, with meeting mode's rules when asked), so what the
//! reader may not see never leaves it; the CLI prints it and the TUI shows
//! it, each rendering the same lines as Markdown or plain text.
//!
//! Every line carries the id of its record, and each line about a case's
//! record also names the case's id, which the finder takes.

use std::fmt::Write;

use chrono::Days;
use serde::{Deserialize, Serialize};

use super::cases::with_summaries;
use super::worker::{Where, attention};
use crate::i18n::Lang;
use crate::model::{
    Case, Confidentiality, Consent, Date, Event, Id, Kind, Masker, ProvisionBasis, Record,
    Referral, Sector, TrustNote,
};
use crate::store::{Scope, Store, StoreError, StoreExt};

/// Days a sent referral waits for an answer before the dashboard lists it.
pub const UNANSWERED_DAYS: u32 = 14;
/// How far back "changed since" looks when the reader has made no brief yet.
pub const FIRST_SINCE_DAYS: u64 = 7;
/// How many lines an agenda's section lists; the rest are counted (a big
/// store can hold thousands of overdue follow-ups).
pub const SECTION_MAX: usize = 200;
/// How many of a case's latest shared notes its brief shows.
pub const NOTES_MAX: usize = 5;

/// What a brief is asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefRequest {
    /// One case's page; `None`: the agenda of the days ahead.
    #[serde(default)]
    pub case: Option<Id>,
    /// The agenda covers today and this many days after it.
    pub days: u32,
    /// Cases changed on or after this day; `None`: since the asker's last
    /// brief before today.
    #[serde(default)]
    pub since: Option<Date>,
    /// Meeting mode: clients and family by initials, shared notes only.
    #[serde(default)]
    pub meeting: bool,
    /// A sent referral with no answer this long is listed.
    pub unanswered_days: u32,
    /// When a supporter is flagged (the asker's settings).
    #[serde(default)]
    pub thresholds: crate::model::workload::Thresholds,
    #[serde(default)]
    pub lang: Lang,
}

impl BriefRequest {
    /// Today's agenda for the next `days` days, otherwise as the settings say.
    pub fn agenda(days: u32, lang: Lang) -> BriefRequest {
        BriefRequest {
            case: None,
            days,
            since: None,
            meeting: false,
            unanswered_days: UNANSWERED_DAYS,
            thresholds: Default::default(),
            lang,
        }
    }
}

/// A brief: a title, then sections of lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brief {
    /// The case it is about; `None`: an agenda.
    #[serde(default)]
    pub case: Option<Id>,
    pub title: String,
    /// A line under the title (the day, the window, the rules applied).
    pub subtitle: String,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    pub lines: Vec<BriefLine>,
}

/// One line. Text a person typed in it is already made safe (one line,
/// hostile characters escaped).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefLine {
    /// The record it is about; `None` for "nothing" and counts.
    pub id: Option<Id>,
    pub text: String,
    /// A detail of the line above (a referral's step, a consent's scope):
    /// indented, its id not repeated.
    #[serde(default)]
    pub detail: bool,
}

impl BriefLine {
    fn of(id: Id, text: String) -> BriefLine {
        BriefLine {
            id: Some(id),
            text,
            detail: false,
        }
    }

    fn detail(id: Id, text: String) -> BriefLine {
        BriefLine {
            id: Some(id),
            text,
            detail: true,
        }
    }

    fn note(text: String) -> BriefLine {
        BriefLine {
            id: None,
            text,
            detail: false,
        }
    }
}

/// Plain text on one line, with hostile characters shown as escapes: what
/// every text a person typed goes through before it joins a line.
fn one_line(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => ' ',
            c => c,
        })
        .collect();
    crate::model::escape(&flat).into_owned()
}

impl Brief {
    /// As Markdown: `#` title, `##` sections, list items (text escaped so
    /// it cannot format itself).
    pub fn to_markdown(&self) -> String {
        let md = crate::exchange::md_text;
        let mut out = format!("# {}\n\n{}\n", md(&self.title), md(&self.subtitle));
        for s in &self.sections {
            let _ = write!(out, "\n## {}\n\n", md(&s.heading));
            for l in &s.lines {
                let indent = if l.detail { "  " } else { "" };
                match l.id.filter(|_| !l.detail) {
                    Some(id) => {
                        let _ = writeln!(out, "{indent}- {id} {}", md(&l.text));
                    }
                    None => {
                        let _ = writeln!(out, "{indent}- {}", md(&l.text));
                    }
                }
            }
        }
        out
    }

    /// As plain text, one line each (the TUI shows the same lines).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for line in self.text_lines() {
            out.push_str(&line.0);
            out.push('\n');
        }
        out
    }

    /// Every line of the plain-text form with the id it is about (the
    /// brief screen's rows).
    pub fn text_lines(&self) -> Vec<(String, Option<Id>)> {
        let safe = |s: &str| crate::model::escape(s).into_owned();
        let mut out = vec![(safe(&self.title), None), (safe(&self.subtitle), None)];
        for s in &self.sections {
            out.push((String::new(), None));
            out.push((safe(&s.heading), None));
            for l in &s.lines {
                let text = match (l.id, l.detail) {
                    (_, true) => format!("          {}", safe(&l.text)),
                    (Some(id), false) => format!("  {:<7} {}", id.to_string(), safe(&l.text)),
                    (None, false) => format!("  {}", safe(&l.text)),
                };
                out.push((text, l.id));
            }
        }
        out
    }
}

/// The names a brief shows: a person by initials in meeting mode when a
/// client or family member, everything else by its name or title. In
/// meeting mode, text a person typed about a case (its title, a step's
/// maker, a note) also has the names of the case's clients and family
/// masked (`model::Masker`: `（森田さん）` shows as `（M.さん）`). Bodies'
/// names are never masked: they name no client.
struct Names<'a> {
    store: &'a dyn Store,
    meeting: bool,
    /// Each case's masker, made the first time the case is named.
    maskers: std::cell::RefCell<std::collections::HashMap<Id, std::rc::Rc<Masker>>>,
}

impl<'a> Names<'a> {
    fn new(store: &'a dyn Store, meeting: bool) -> Names<'a> {
        Names {
            store,
            meeting,
            maskers: Default::default(),
        }
    }

    fn of(&self, id: Id) -> String {
        match self.store.get(id) {
            Ok(Some(Record::Person(p))) if self.meeting => one_line(&p.meeting_name()),
            // A title that cannot be masked is not shown.
            Ok(Some(Record::Case(c))) => match self.masker(&c) {
                Ok(m) => self.text(&c.title, m.as_deref()),
                Err(_) => c.id.to_string(),
            },
            Ok(Some(r)) => one_line(&r.label()),
            _ => id.to_string(),
        }
    }

    /// A case as lines about its records name it: `C-0001 title`.
    fn case(&self, id: Id) -> String {
        format!("{id} {}", self.of(id))
    }

    /// Meeting mode: the masker of a case's clients and family members
    /// (its client, its parties, the clients of its consents).
    fn masker(&self, c: &Case) -> Result<Option<std::rc::Rc<Masker>>, StoreError> {
        if !self.meeting {
            return Ok(None);
        }
        if let Some(m) = self.maskers.borrow().get(&c.id) {
            return Ok(Some(m.clone()));
        }
        let consents: Vec<Consent> = self.store.referring(c.id)?;
        let mut people: Vec<crate::model::Person> = Vec::new();
        for id in c
            .client
            .into_iter()
            .chain(c.parties.iter().map(|p| p.party))
            .chain(consents.iter().map(|k| k.client))
            .filter(|id| id.kind == Kind::Person)
        {
            people.extend(self.store.get_as(id)?);
        }
        let m = std::rc::Rc::new(Masker::new(&people));
        self.maskers.borrow_mut().insert(c.id, m.clone());
        Ok(Some(m))
    }

    /// Text a person typed, on one line, masked by `masker` if any.
    fn text(&self, text: &str, masker: Option<&Masker>) -> String {
        let line = one_line(text);
        match masker {
            Some(m) => m.mask(&line, None).into_owned(),
            None => line,
        }
    }
}

/// The brief asked for, as `scope`'s reader may see it. An agenda is
/// remembered as the asker's latest brief (the next one's "since").
pub fn make(
    store: &dyn Store,
    ask: &BriefRequest,
    today: Date,
    at: Where<'_>,
    scope: &Scope,
) -> Result<Brief, StoreError> {
    match ask.case {
        Some(case) => case_brief(store, ask, case, today, scope),
        None => {
            let brief = agenda(store, ask, today, at, scope)?;
            store.mark_brief(today)?;
            Ok(brief)
        }
    }
}

fn nothing(l: Lang) -> BriefLine {
    BriefLine::note(l.t("nothing", "なし").to_string())
}

fn section(heading: String, mut lines: Vec<BriefLine>, l: Lang) -> Section {
    if lines.is_empty() {
        lines.push(nothing(l));
    }
    Section { heading, lines }
}

/// A section's lines (at most [`SECTION_MAX`] of `total`), then how many
/// more there are.
fn more(total: usize, mut lines: Vec<BriefLine>, l: Lang) -> Vec<BriefLine> {
    if total > lines.len() {
        let n = total - lines.len();
        lines.push(BriefLine::note(match l {
            Lang::En => format!("and {n} more"),
            Lang::Ja => format!("ほか{n}件"),
        }));
    }
    lines
}

fn days_word(l: Lang, n: i64) -> String {
    match l {
        Lang::En if n == 1 => "1 day".into(),
        Lang::En => format!("{n} days"),
        Lang::Ja => format!("{n}日"),
    }
}

/// "3 days late", "today", "in 2 days".
fn due(l: Lang, days: i64) -> String {
    match (l, days) {
        (Lang::En, d) if d < 0 => format!("{} late", days_word(l, -d)),
        (Lang::Ja, d) if d < 0 => format!("{}超過", days_word(l, -d)),
        (_, 0) => l.t("today", "今日").into(),
        (Lang::En, d) => format!("in {}", days_word(l, d)),
        (Lang::Ja, d) => format!("{}後", days_word(l, d)),
    }
}

fn meeting_note(l: Lang, meeting: bool) -> &'static str {
    if meeting {
        l.t(
            "; meeting mode: clients and family by initials, shared notes only",
            "。会議モード：本人・家族はイニシャル、共有メモのみ",
        )
    } else {
        ""
    }
}

/// The agenda: what is due, waiting, happening and changed.
fn agenda(
    store: &dyn Store,
    ask: &BriefRequest,
    today: Date,
    at: Where<'_>,
    scope: &Scope,
) -> Result<Brief, StoreError> {
    let l = ask.lang;
    let names = Names::new(store, ask.meeting);
    let days = u64::from(ask.days);
    let until = today.checked_add_days(Days::new(days)).unwrap_or(today);
    let since = match ask.since {
        Some(d) => d,
        None => store.last_brief(today)?.unwrap_or_else(|| {
            today
                .checked_sub_days(Days::new(FIRST_SINCE_DAYS))
                .unwrap_or(today)
        }),
    };
    let lists = attention(store, today, days, scope)?;
    let mut sections = Vec::new();

    // Follow-ups due by the window's end, the most overdue first.
    let due_by: Vec<_> = lists
        .referrals
        .iter()
        .filter_map(|r| r.follow_up.map(|f| (r, f)))
        .collect();
    let follow_ups = due_by
        .iter()
        .take(SECTION_MAX)
        .map(|&(r, f)| {
            BriefLine::of(
                r.id,
                format!(
                    "{f} ({}) {} → {}  {}",
                    due(l, (f - today).num_days()),
                    names.of(r.from),
                    names.of(r.to),
                    names.case(r.case)
                ),
            )
        })
        .collect();
    sections.push(section(
        match l {
            Lang::En => format!("Follow-ups overdue and due by {until}"),
            Lang::Ja => format!("確認予定（期限切れ・{until}まで）"),
        },
        more(due_by.len(), follow_ups, l),
        l,
    ));

    // Sent and not answered: the same rule and setting as the dashboard.
    let waited = |s: Date| (today - s).num_days() >= i64::from(ask.unanswered_days);
    let mut unanswered: Vec<_> = lists
        .referrals
        .iter()
        .filter(|r| r.sent_on.is_some_and(waited))
        .collect();
    unanswered.sort_by_key(|r| (r.sent_on, r.id));
    let waiting = unanswered.len();
    let unanswered = unanswered
        .into_iter()
        .filter_map(|r| r.sent_on.map(|s| (r, s)))
        .take(SECTION_MAX)
        .map(|(r, sent)| {
            BriefLine::of(
                r.id,
                format!(
                    "{} {sent} ({}) {} → {}  {}",
                    l.t("sent", "送付"),
                    days_word(l, (today - sent).num_days()),
                    names.of(r.from),
                    names.of(r.to),
                    names.case(r.case)
                ),
            )
        })
        .collect();
    sections.push(section(
        match l {
            Lang::En => format!(
                "Referrals sent {}+ days ago, not answered",
                ask.unanswered_days
            ),
            Lang::Ja => format!("送付後{}日以上返事のない紹介", ask.unanswered_days),
        },
        more(waiting, unanswered, l),
        l,
    ));

    // Events in the window, with who takes part.
    let mut events = Vec::new();
    for e in lists.events.iter().take(SECTION_MAX) {
        let Some(event) = store.get_as::<Event>(e.id)? else {
            continue;
        };
        let parties: Vec<String> = event.parties.iter().map(|&p| names.of(p)).collect();
        let case = match event.case {
            Some(c) => store.get_as::<Case>(c)?,
            None => None,
        };
        let masker = case
            .as_ref()
            .map(|c| names.masker(c))
            .transpose()?
            .flatten();
        let mut text = format!(
            "{} {}: {}",
            event.date,
            l.event_kind(event.kind),
            names.text(&event.title, masker.as_deref())
        );
        if !parties.is_empty() {
            let _ = write!(
                text,
                "; {}: {}",
                l.t("with", "参加"),
                parties.join(l.t(", ", "、"))
            );
        }
        if let Some(c) = event.case {
            let _ = write!(text, "  {}", names.case(c));
        }
        events.push(BriefLine::of(event.id, text));
    }
    sections.push(section(
        match l {
            Lang::En => format!("Events from {today} to {until}"),
            Lang::Ja => format!("行事（{today}〜{until}）"),
        },
        more(lists.events.len(), events, l),
        l,
    ));

    // Consents expiring, or withdrawn lately.
    let consents = lists
        .consents
        .iter()
        .take(SECTION_MAX)
        .map(|c| {
            let what = match (c.withdrawn_on, c.expires_on) {
                (Some(w), _) if !c.open_referrals.is_empty() => {
                    let open: Vec<String> = c.open_referrals.iter().map(Id::to_string).collect();
                    format!(
                        "{} {w}; {}: {}",
                        l.t("withdrawn", "撤回"),
                        l.t("open referrals it covered", "対象だった進行中の紹介"),
                        open.join(", ")
                    )
                }
                (Some(w), _) => format!("{} {w}", l.t("withdrawn", "撤回")),
                (None, Some(e)) => format!(
                    "{} {e} ({})",
                    l.t("expires", "期限"),
                    due(l, (e - today).num_days())
                ),
                (None, None) => String::new(),
            };
            BriefLine::of(
                c.id,
                format!("{what}  {}  {}", names.of(c.client), names.case(c.case)),
            )
        })
        .collect();
    sections.push(section(
        l.t(
            "Consents expiring or withdrawn",
            "期限が近い・撤回された同意",
        )
        .to_string(),
        more(lists.consents.len(), consents, l),
        l,
    ));

    // Cases changed since the last brief (or the day asked for).
    let changed = with_summaries(at.cases, store, |s| s.changed_since(since, scope))?;
    let lines: Vec<BriefLine> = changed
        .iter()
        .take(SECTION_MAX)
        .map(|c| {
            BriefLine::of(
                c.id,
                format!(
                    "{} {} ({}; {}) {}",
                    c.changed.date_naive(),
                    l.kind(c.changed_kind),
                    l.case_status(c.status),
                    match c.open_referrals {
                        0 => l.t("no open referral", "進行中の紹介なし").to_string(),
                        n => match l {
                            Lang::En => format!("{n} open referrals"),
                            Lang::Ja => format!("進行中の紹介{n}件"),
                        },
                    },
                    names.of(c.id)
                ),
            )
        })
        .collect();
    sections.push(section(
        match l {
            Lang::En => format!("Cases changed since {since}"),
            Lang::Ja => format!("{since}以降に更新されたケース"),
        },
        more(changed.len(), lines, l),
        l,
    ));

    // Supporters flagged: the dashboard's flags, at the asker's thresholds.
    let mut flagged = Vec::new();
    for row in super::supporters::looked_after(store, scope, today)? {
        for flag in crate::model::workload::flags(&row.workload, &ask.thresholds, today) {
            let words = l.supporter_flag(&flag, &|case| names.of(case));
            let name = names.of(row.person.id);
            flagged.push(BriefLine::of(row.person.id, format!("{name}: {words}")));
        }
    }
    let total = flagged.len();
    flagged.truncate(SECTION_MAX);
    sections.push(section(
        l.t("Supporters to look after", "気にかけたいサポーター")
            .into(),
        more(total, flagged, l),
        l,
    ));

    Ok(Brief {
        case: None,
        title: match l {
            Lang::En => format!("Brief for {today}"),
            Lang::Ja => format!("{today} のブリーフィング"),
        },
        subtitle: match l {
            Lang::En => format!(
                "Today and the next {days} days, as {} sees them{}",
                one_line(&scope.reader.user),
                meeting_note(l, ask.meeting)
            ),
            Lang::Ja => format!(
                "今日と今後{days}日間（閲覧者 {}）{}",
                one_line(&scope.reader.user),
                meeting_note(l, ask.meeting)
            ),
        },
        sections,
    })
}

/// One page of a case: its people, open referrals with every step,
/// consents, latest shared notes and next dates.
fn case_brief(
    store: &dyn Store,
    ask: &BriefRequest,
    id: Id,
    today: Date,
    scope: &Scope,
) -> Result<Brief, StoreError> {
    if id.kind != Kind::Case || !scope.sees_case(id) {
        return Err(StoreError::NotFound(id));
    }
    let c: Case = store.get_as(id)?.ok_or(StoreError::NotFound(id))?;
    let l = ask.lang;
    let names = Names::new(store, ask.meeting);
    let masker = names.masker(&c)?;
    let masker = masker.as_deref();
    let typed = |t: &str| names.text(t, masker);
    let mut sections = Vec::new();

    // The case itself.
    let mut about = vec![BriefLine::of(
        c.id,
        format!("{}: {}", l.t("status", "状態"), l.case_status(c.status)),
    )];
    if !c.condition.is_empty() {
        about.push(BriefLine::detail(
            c.id,
            format!(
                "{}: {}",
                l.t("condition", "疾患・状態"),
                typed(&c.condition)
            ),
        ));
    }
    if let Some(client) = c.client {
        about.push(BriefLine::of(
            client,
            format!("{}: {}", l.t("client", "本人"), names.of(client)),
        ));
    }
    if let Some(coord) = c.coordinator {
        about.push(BriefLine::of(
            coord,
            format!("{}: {}", l.t("coordinator", "担当"), names.of(coord)),
        ));
    }
    sections.push(section(l.t("Case", "ケース").to_string(), about, l));

    // The triad: each party now in it, by sector, with its role; then the
    // trust between them.
    let mut triad = Vec::new();
    for sector in Sector::ALL {
        for p in c
            .parties
            .iter()
            .filter(|p| p.sector == sector && p.is_active())
        {
            triad.push(BriefLine::of(
                p.party,
                format!(
                    "[{}] {}: {} ({} {})",
                    l.sector(sector),
                    names.of(p.party),
                    typed(&p.role),
                    l.t("since", "開始"),
                    p.from
                ),
            ));
        }
    }
    for r in crate::exchange::case_relationships(store, &c, scope)? {
        let level = r.level().map_or_else(
            || "?".to_string(),
            |t| format!("{} {}", t.get(), l.trust_level(t.get())),
        );
        let since = r.trust.last().map(|t| t.on.to_string()).unwrap_or_default();
        triad.push(BriefLine::of(
            r.id,
            format!(
                "{} {} ↔ {}: {level} ({since})",
                l.t("trust", "信頼"),
                names.of(r.a),
                names.of(r.b)
            ),
        ));
    }
    sections.push(section(
        l.t("Triad: roles and trust", "三者：役割と信頼")
            .to_string(),
        triad,
        l,
    ));

    // Open referrals, each step under it.
    let mut referrals: Vec<Referral> = store.referring(id)?;
    referrals.retain(|r| r.status().is_open());
    referrals.sort_by_key(|r| (r.history.first().map(|t| t.on), r.id));
    let mut lines = Vec::new();
    for r in &referrals {
        let mut head = format!(
            "{} → {}; {}: {}; {}",
            names.of(r.from),
            names.of(r.to),
            l.t("category", "分野"),
            l.category(r.category),
            l.referral_status(r.status())
        );
        if let Some(f) = r.follow_up {
            let _ = write!(
                head,
                "; {} {f} ({})",
                l.t("follow-up", "確認予定"),
                due(l, (f - today).num_days())
            );
        }
        lines.push(BriefLine::of(r.id, head));
        for t in &r.history {
            let mut step = format!(
                "{} {} ({})",
                t.on,
                l.referral_status(t.status),
                typed(&t.by)
            );
            if !t.note.is_empty() {
                let _ = write!(step, ": {}", typed(&t.note));
            }
            if let Some(p) = &t.provision {
                let _ = match &p.basis {
                    ProvisionBasis::Consent { consent } => {
                        write!(step, "; {} {consent}", l.t("under consent", "同意"))
                    }
                    ProvisionBasis::Override { reason } => write!(
                        step,
                        "; {}: {}",
                        l.t("sent without consent", "同意なしで送付"),
                        typed(reason)
                    ),
                };
            }
            lines.push(BriefLine::detail(r.id, step));
        }
    }
    sections.push(section(
        l.t("Open referrals", "進行中の紹介").to_string(),
        lines,
        l,
    ));

    // Consents: status, dates, scope, recipients.
    let mut consents: Vec<Consent> = store.referring(id)?;
    consents.sort_by_key(|k| (k.given_on, k.id));
    let mut lines = Vec::new();
    for k in &consents {
        let mut head = format!(
            "{}: {}; {} {}",
            names.of(k.client),
            l.consent_status(k.status(today)),
            l.t("given", "取得"),
            k.given_on
        );
        if let Some(e) = k.expires_on {
            let _ = write!(head, "; {} {e}", l.t("expires", "期限"));
        }
        if let Some(w) = k.withdrawn_on {
            let _ = write!(head, "; {} {w}", l.t("withdrawn", "撤回"));
        }
        lines.push(BriefLine::of(k.id, head));
        let yes_no = |b: bool| {
            if b {
                l.t("yes", "可")
            } else {
                l.t("no", "不可")
            }
        };
        let mut scope_text = format!(
            "{}: {} {}; {} {}",
            l.t("scope", "範囲"),
            l.t("intervention", "介入"),
            yes_no(k.scope.intervention),
            l.t("information sharing", "情報共有"),
            yes_no(k.scope.information_sharing)
        );
        if !k.scope.information.is_empty() {
            let what: Vec<String> = k.scope.information.iter().map(|i| typed(i)).collect();
            let _ = write!(scope_text, " ({})", what.join(", "));
        }
        lines.push(BriefLine::detail(k.id, scope_text));
        if !k.granted_to.is_empty() {
            let to: Vec<String> = k.granted_to.iter().map(|&p| names.of(p)).collect();
            lines.push(BriefLine::detail(
                k.id,
                format!("{}: {}", l.t("granted to", "共有先"), to.join(", ")),
            ));
        }
    }
    sections.push(section(l.t("Consents", "同意").to_string(), lines, l));

    // The latest shared notes: a brief is for sharing, so only those.
    let mut notes: Vec<TrustNote> = store.referring(id)?;
    notes.retain(|n| n.confidentiality == Confidentiality::Shared);
    notes.sort_by_key(|n| std::cmp::Reverse((n.at, n.id)));
    let notes = notes
        .iter()
        .take(NOTES_MAX)
        .map(|n| {
            BriefLine::of(
                n.id,
                format!(
                    "{} {}: {}",
                    n.at.date_naive(),
                    typed(&n.author),
                    typed(&n.text)
                ),
            )
        })
        .collect();
    sections.push(section(
        l.t("Latest shared notes", "最近の共有メモ").to_string(),
        notes,
        l,
    ));

    // Next dates: follow-ups, expiries and events from today on.
    let mut next: Vec<(Date, BriefLine)> = Vec::new();
    for r in &referrals {
        if let Some(f) = r.follow_up.filter(|f| *f >= today) {
            let text = format!(
                "{f} {}: {} → {}",
                l.t("follow-up", "確認予定"),
                names.of(r.from),
                names.of(r.to)
            );
            next.push((f, BriefLine::of(r.id, text)));
        }
    }
    for k in &consents {
        if let Some(e) = k
            .expires_on
            .filter(|e| *e >= today && k.withdrawn_on.is_none())
        {
            let text = format!(
                "{e} {}: {}",
                l.t("consent expires", "同意の期限"),
                names.of(k.client)
            );
            next.push((e, BriefLine::of(k.id, text)));
        }
    }
    let mut events: Vec<Event> = store.referring(id)?;
    events.retain(|e| e.date >= today);
    for e in events {
        if !scope.sees(store, &Record::Event(e.clone()))? {
            continue;
        }
        let text = format!("{} {}: {}", e.date, l.event_kind(e.kind), typed(&e.title));
        next.push((e.date, BriefLine::of(e.id, text)));
    }
    next.sort_by_key(|(d, line)| (*d, line.id));
    sections.push(section(
        l.t("Next dates", "今後の予定").to_string(),
        next.into_iter().map(|(_, line)| line).collect(),
        l,
    ));

    Ok(Brief {
        case: Some(c.id),
        title: format!("{} {}", c.id, typed(&c.title)),
        subtitle: match l {
            Lang::En => format!(
                "Case brief of {today}, as {} sees it{}",
                one_line(&scope.reader.user),
                meeting_note(l, ask.meeting)
            ),
            Lang::Ja => format!(
                "{today} のケース概要（閲覧者 {}）{}",
                one_line(&scope.reader.user),
                meeting_note(l, ask.meeting)
            ),
        },
        sections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brief() -> Brief {
        Brief {
            case: None,
            title: "Brief".into(),
            subtitle: "today".into(),
            sections: vec![Section {
                heading: "Referrals".into(),
                lines: vec![
                    BriefLine::of(Id::new(Kind::Referral, 3), "a → b # *x*".into()),
                    BriefLine::detail(Id::new(Kind::Referral, 3), "2024-06-01 sent".into()),
                    nothing(Lang::En),
                ],
            }],
        }
    }

    #[test]
    fn markdown_escapes_text_and_keeps_ids() {
        let md = brief().to_markdown();
        assert!(md.starts_with("# Brief\n"), "{md}");
        assert!(md.contains("\n## Referrals\n"), "{md}");
        assert!(md.contains("\n- R-0003 a → b \\# \\*x\\*\n"), "{md}");
        assert!(md.contains("\n  - 2024-06-01 sent\n"), "{md}");
        assert!(md.contains("\n- nothing\n"), "{md}");
    }

    #[test]
    fn text_lines_carry_their_ids() {
        let lines = brief().text_lines();
        let ids: Vec<Option<Id>> = lines.iter().map(|l| l.1).collect();
        assert_eq!(ids.iter().flatten().count(), 2);
        let r = lines.iter().find(|l| l.0.contains("a → b")).unwrap();
        assert!(r.0.starts_with("  R-0003  a → b"), "{:?}", r.0);
        assert!(brief().to_text().contains("\n          2024-06-01 sent\n"));
    }

    #[test]
    fn one_line_flattens_and_escapes() {
        assert_eq!(one_line("a\nb\u{202E}c"), "a b\\u{202E}c");
    }

    #[test]
    fn a_long_section_counts_what_it_leaves_out() {
        let line = |n| BriefLine::of(Id::new(Kind::Referral, n), String::new());
        let lines: Vec<BriefLine> = (1..=SECTION_MAX as u64).map(line).collect();
        let shown = more(SECTION_MAX + 5, lines.clone(), Lang::En);
        assert_eq!(shown.len(), SECTION_MAX + 1);
        assert_eq!(shown.last().unwrap().text, "and 5 more");
        assert_eq!(
            more(SECTION_MAX + 5, lines.clone(), Lang::Ja)
                .last()
                .unwrap()
                .text,
            "ほか5件"
        );
        assert_eq!(more(SECTION_MAX, lines, Lang::En).len(), SECTION_MAX);
    }

    #[test]
    fn due_reads_both_ways() {
        assert_eq!(due(Lang::En, -3), "3 days late");
        assert_eq!(due(Lang::En, 1), "in 1 day");
        assert_eq!(due(Lang::Ja, -2), "2日超過");
        assert_eq!(due(Lang::Ja, 0), "今日");
    }
}
