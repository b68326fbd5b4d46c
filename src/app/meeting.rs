//! Meeting mode while the app runs: turning it on and off, showing one
//! hidden item for a moment (and logging that it was shown), and blanking
//! the screen when nobody has pressed a key for a while. Which names are
//! masked is `model::Masker`'s to decide; the screen applies it to every
//! piece of stored text it draws (`ui::text::clean`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::state::{CasePanel, Flash, Screen, State};
use crate::model::{Id, Kind, Masker, Record};
use crate::query::data::NameRow;
use crate::query::request::StoreEffect;

/// How long a revealed item stays shown.
pub const REVEAL_FOR: Duration = Duration::from_secs(5);

/// Minutes without a key before a meeting screen blanks (config
/// `meeting_idle_minutes`).
pub const IDLE_MINUTES: u32 = 10;

#[derive(Clone, Debug, Default)]
pub struct Meeting {
    /// Every name this session has been sent: clients' and family
    /// members' to mask, everyone else's to keep whole.
    pub masker: Arc<Masker>,
    /// The one item shown for a moment, and until when.
    pub revealed: Option<(Id, Instant)>,
    /// When a key was last pressed (the idle blank counts from it).
    pub last_key: Option<Instant>,
    /// The screen is blank until a key is pressed.
    pub blank: bool,
}

/// Remember a person's name for masking, while meeting mode is on (off,
/// the work is saved: a big store sends many names).
pub fn learn(state: &mut State, row: &NameRow) {
    if state.cfg.meeting {
        state.meeting.learn(row);
    }
}

impl Meeting {
    /// Remember a person's name for masking (bodies' names are not
    /// personal; case titles are masked by the names in them).
    fn learn(&mut self, row: &NameRow) {
        if row.id.kind == Kind::Person {
            Arc::make_mut(&mut self.masker).add(
                row.id,
                &row.name,
                row.reading.as_deref(),
                row.private,
            );
        }
    }

    /// Whether this item is being shown for a moment.
    pub fn shows(&self, id: Id) -> bool {
        self.revealed.is_some_and(|(r, _)| r == id)
    }
}

/// What the screen masks with now: nothing outside meeting mode.
pub fn mask(state: &State) -> Option<(Arc<Masker>, Option<Id>)> {
    state.cfg.meeting.then(|| {
        let shown = state.meeting.revealed.map(|(id, _)| id);
        (state.meeting.masker.clone(), shown)
    })
}

/// The key that turns meeting mode on or off.
pub fn toggle(state: &mut State) -> Vec<super::effect::Effect> {
    state.cfg.meeting = !state.cfg.meeting;
    state.meeting.revealed = None;
    // Every name known so far, learned now; none kept while it is off.
    state.meeting.masker = Arc::default();
    if state.cfg.meeting {
        for n in state.data.names.values() {
            state.meeting.learn(n);
        }
    }
    let l = state.lang();
    state.flash = Some(Flash::Info(if state.cfg.meeting {
        l.t(
            "Meeting mode on: clients and family by initials, only shared notes, no contact details.",
            "会議モードを開始：相談者と家族は頭文字、共有メモのみ、連絡先は非表示。",
        )
        .to_string()
    } else {
        l.t("Meeting mode off.", "会議モードを終了しました。")
            .to_string()
    }));
    // The finder's hits include or leave out restricted notes.
    super::update::requery_finder(state)
}

/// The key that shows the selected hidden item for [`REVEAL_FOR`]: a
/// client's or family member's name, a note that is not shared, a body's
/// contact. The server logs the reveal (the item's kind, never the item).
pub fn reveal(state: &mut State, now: Instant) -> Vec<super::effect::Effect> {
    let l = state.lang();
    let found = if state.cfg.meeting {
        target(state).ok_or(l.t(
            "Nothing hidden is selected here.",
            "ここで選択中の項目に、隠れているものはありません。",
        ))
    } else {
        Err(l.t(
            "Nothing is hidden: meeting mode is off.",
            "会議モードではないため、隠れている項目はありません。",
        ))
    };
    let (entity, item) = match found {
        Ok(found) => found,
        Err(why) => {
            state.flash = Some(Flash::Info(why.into()));
            return vec![];
        }
    };
    state.meeting.revealed = Some((entity, now + REVEAL_FOR));
    // The name itself goes in the message too, so it shows even where its
    // row is cut short; the message is masked again when the time is up.
    let name = match item {
        "name" => state.name(entity),
        _ => String::new(),
    };
    let said = l.t(
        "Shown for 5 seconds (logged):",
        "5秒間表示（記録されます）：",
    );
    state.flash = Some(Flash::Info(format!("{said} {entity} {name}")));
    vec![
        StoreEffect::Reveal {
            entity,
            item: item.into(),
        }
        .into(),
    ]
}

/// Time has passed: a reveal ends, an idle meeting screen blanks. True
/// when the screen changed.
pub fn tick(state: &mut State, now: Instant) -> bool {
    let m = &mut state.meeting;
    let before = (m.revealed, m.blank);
    if m.revealed.is_some_and(|(_, until)| now >= until) {
        m.revealed = None;
    }
    let last = *m.last_key.get_or_insert(now);
    if state.cfg.meeting && now.saturating_duration_since(last) >= state.cfg.meeting_idle {
        m.blank = true;
        m.revealed = None;
    }
    (m.revealed, m.blank) != before
}

/// A key was pressed. On a blank screen it only brings the screen back
/// (true: the key is used up).
pub fn key_pressed(state: &mut State, now: Instant) -> bool {
    state.meeting.last_key = Some(now);
    std::mem::take(&mut state.meeting.blank)
}

/// The hidden item the selection points at, and its kind for the log.
fn target(state: &State) -> Option<(Id, &'static str)> {
    let private = |id: Id| {
        state
            .data
            .names
            .get(&id)
            .is_some_and(|n| n.private)
            .then_some((id, "name"))
    };
    if let Some(f) = &state.finder {
        let hit = f.hits.get(f.scroll.sel)?;
        return match hit.id.kind {
            Kind::Person => private(hit.id),
            Kind::TrustNote => Some((hit.id, "note")),
            Kind::Case => client_of(state, hit.id).and_then(private),
            _ => None,
        };
    }
    match state.screen() {
        Screen::Dashboard(scroll) => match super::view::dashboard_links(state).get(scroll.sel)? {
            super::view::Link::Case(case) | super::view::Link::CaseRecord { case, .. } => {
                client_of(state, *case).and_then(private)
            }
            _ => None,
        },
        Screen::Cases(list) => list.page.row(list.scroll.sel)?.client.and_then(private),
        Screen::Case(s) => {
            let d = s.detail.as_deref()?;
            if s.panel == CasePanel::Notes {
                let notes = super::view::note_rows(s, d, &state.cfg);
                let n = notes.get(s.scroll[super::view::panel_index(s.panel)].sel)?;
                return (!super::view::note_readable(&state.cfg, n)).then_some((n.id, "note"));
            }
            // A family member selected in the triad, else the client.
            let sel = super::view::case_selection(s, d, state.today());
            sel.party
                .and_then(|p| private(p.party))
                .or_else(|| d.case.client.and_then(private))
        }
        Screen::Party(p) => match p.id.kind {
            Kind::Body => Some((p.id, "contact")),
            _ => private(p.id),
        },
        Screen::Record(r) => match &r.detail.as_deref()?.record {
            Record::TrustNote(n) => Some((n.id, "note")),
            other => other
                .case()
                .and_then(|c| client_of(state, c))
                .and_then(private),
        },
        // Figures only: nothing personal to show.
        Screen::Reports(_) => None,
        // The server made it under meeting mode's rules: nothing hidden
        // here can be shown.
        Screen::Brief(_) => None,
        // Supporters are not clients: their names show; case titles on
        // a supporter's view are masked like any text.
        Screen::Supporters(_) | Screen::Supporter(_) => None,
    }
}

/// The client of a case the app has seen (a view open, a listed row).
fn client_of(state: &State, case: Id) -> Option<Id> {
    state
        .stack
        .iter()
        .find_map(|s| match s {
            Screen::Case(c) if c.id == case => c.detail.as_ref().map(|d| d.case.client),
            Screen::Cases(l) => l.page.rows.iter().find(|r| r.id == case).map(|r| r.client),
            _ => None,
        })
        .or_else(|| {
            let recent = &state.data.overview.recent;
            recent.iter().find(|r| r.id == case).map(|r| r.client)
        })
        .flatten()
        .or_else(|| {
            let consents = &state.data.consents;
            consents.iter().find(|c| c.case == case).map(|c| c.client)
        })
}
