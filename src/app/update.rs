//! `update`: the one place state changes. It takes an action, changes the
//! state, and returns the effects to run; it does no IO itself.

use super::Action;
use super::effect::{Effect, SearchEffect};
use super::forms::{self, FormKind};
use super::state::{
    BriefScreen, CaseList, CasePanel, CaseScreen, Confirm, Confirmed, Finder, Flash, PartyPanel,
    PartyScreen, RecordScreen, ReportPage, ReportsScreen, Screen, Scroll, Sort, State,
    SupporterPanel, SupporterScreen, SupporterSort, SupportersScreen,
};
use super::supporters_view;
use super::view::{self, Link, TriadItem};
use crate::keymap::{Key, KeyCode, Lookup, Mode};
use crate::model::{CaseStatus, Id, Kind, Record, Sector};
use crate::query::data::FinderDoc;
use crate::query::request::{Reply, SaveOp, StoreEffect};

pub type Effects = Vec<Effect>;

pub fn update(state: &mut State, action: Action) -> Effects {
    match action {
        // A key on a blanked meeting screen only brings the screen back.
        Action::Key(_) if super::meeting::key_pressed(state, std::time::Instant::now()) => vec![],
        Action::Key(k) => on_key(state, k),
        Action::Tick(now) => {
            super::meeting::tick(state, now);
            vec![]
        }
        Action::Resize(w, h) => {
            state.size = (w, h);
            vec![]
        }
        Action::Reply(reply) => reply_in(state, *reply),
        Action::Terminate => {
            state.quit = true;
            vec![]
        }
        Action::Fatal(why) => {
            state.fatal = Some(why);
            state.quit = true;
            vec![]
        }
        Action::Redraw => {
            state.repaint += 1;
            vec![]
        }
        Action::Changed(changes, request) => changed(state, &changes, request),
        Action::Link(link) => {
            use super::state::Link;
            // Back after a loss: what is shown may be stale.
            let back = matches!(state.link, Link::Reconnecting(_)) && link == Link::Up;
            state.link = link;
            if back { resync(state) } else { vec![] }
        }
        Action::Resync => resync(state),
        Action::Notice(text) => {
            state.flash = Some(Flash::Info(text));
            vec![]
        }
        Action::Identity(user, role) => {
            state.cfg.user = user;
            state.role = role;
            vec![]
        }
        Action::Quit => quit(state),
        // Text outside a text field (a stray paste) goes nowhere.
        Action::Insert(_) | Action::Paste(_) if !state.mode().is_text() => vec![],
        other => match state.mode() {
            Mode::Confirm => confirm(state, other),
            Mode::Form => form(state, other),
            Mode::Help => help(state, other),
            Mode::Input => input(state, other),
            Mode::Normal => normal(state, other),
        },
    }
}

/// A key press: typed text in text modes, else through the keymap, with
/// chords waiting for their next key.
fn on_key(state: &mut State, k: Key) -> Effects {
    let mode = state.mode();
    if state.pending.is_empty() {
        state.flash = None;
        if mode.is_text()
            && let Some(c) = k.text_char()
        {
            return update(state, Action::Insert(c));
        }
    } else if k.code == KeyCode::Esc {
        // Esc abandons a half-typed chord and does nothing else.
        state.pending.clear();
        return vec![];
    }
    state.pending.push(k);
    let keymap = state.keymap.clone();
    match keymap.lookup(mode, &state.pending) {
        Lookup::Action(a) => {
            state.pending.clear();
            update(state, a)
        }
        Lookup::Pending => vec![],
        Lookup::Unbound => {
            let was_chord = state.pending.len() > 1;
            state.pending.clear();
            if was_chord {
                // `gx`: forget the `g`, try `x` on its own.
                return on_key(state, k);
            }
            if mode == Mode::Normal {
                let l = state.lang();
                let help = keymap
                    .key_for(Mode::Normal, &Action::Help)
                    .unwrap_or_default();
                state.flash = Some(Flash::Info(format!(
                    "{k} {} {help} {}",
                    l.t("is not bound here;", "はここでは使えません。"),
                    l.t("shows the keys", "でキー一覧")
                )));
            }
            vec![]
        }
    }
}

/// Rows visible in the main list or panel, from the layout.
fn page(state: &State) -> usize {
    crate::ui::page_rows(state).max(1)
}

fn quit(state: &mut State) -> Effects {
    if state.form.as_ref().is_some_and(|f| f.dirty()) {
        let l = state.lang();
        state.confirm = Some(Confirm {
            compare: Vec::new(),
            question: l
                .t(
                    "The form holds unsaved text. Quit and lose it?",
                    "フォームに未保存の入力があります。破棄して終了しますか？",
                )
                .to_string(),
            on_yes: Confirmed::Quit,
        });
    } else {
        state.quit = true;
    }
    vec![]
}

// ------------------------------------------------------------- navigation

/// Move a scroll by an action; true if the action was a movement.
fn motion(scroll: &mut Scroll, action: &Action, len: usize, rows: usize) -> bool {
    let step = rows.max(1) as isize;
    match action {
        Action::Up => scroll.shift(-1, len, rows),
        Action::Down => scroll.shift(1, len, rows),
        Action::PageUp => scroll.shift(-step, len, rows),
        Action::PageDown => scroll.shift(step, len, rows),
        Action::Top => scroll.set(0, len, rows),
        Action::Bottom => scroll.set(len.saturating_sub(1), len, rows),
        _ => return false,
    }
    true
}

/// Open the screen a link points at (its loading asked for).
pub fn push_link(state: &mut State, link: Link) -> Effects {
    match link {
        Link::Case(id) => open_case(state, id, CasePanel::Triad, None),
        // The record's view, over its case with the record selected, so
        // Back lands on it in its panel.
        Link::CaseRecord {
            case,
            panel,
            record,
        } => {
            let mut fx = open_case(state, case, panel, Some(record));
            fx.extend(open_record(state, record));
            fx
        }
        Link::Record(id) => open_record(state, id),
        Link::Supporter(id) => {
            state.stack.push(Screen::Supporter(SupporterScreen {
                id,
                detail: None,
                error: None,
                panel: SupporterPanel::Cases,
                scroll: Default::default(),
            }));
            vec![StoreEffect::LoadSupporter(id).into()]
        }
        Link::Party(id) => {
            state.stack.push(Screen::Party(PartyScreen {
                id,
                detail: None,
                error: None,
                panel: PartyPanel::Cases,
                scroll: Default::default(),
                filter: Default::default(),
                editing: false,
            }));
            vec![StoreEffect::LoadParty(id).into()]
        }
        Link::CasesWithStatus(status) => {
            let list = CaseList {
                status: Some(status),
                ..CaseList::default()
            };
            let fx = vec![first_page(&list)];
            state.stack.push(Screen::Cases(list));
            fx
        }
    }
}

fn open_case(state: &mut State, id: Id, panel: CasePanel, focus: Option<Id>) -> Effects {
    state.stack.push(Screen::Case(CaseScreen {
        id,
        detail: None,
        error: None,
        panel,
        scroll: Default::default(),
        expanded: Default::default(),
        filter: Default::default(),
        editing: false,
        focus,
    }));
    vec![StoreEffect::LoadCase(id).into()]
}

fn open_record(state: &mut State, id: Id) -> Effects {
    state.stack.push(Screen::Record(RecordScreen {
        id,
        detail: None,
        error: None,
        top: 0,
    }));
    vec![StoreEffect::LoadRecord(id).into()]
}

fn open_cases(state: &mut State) -> Effects {
    state.stack.truncate(1);
    let list = CaseList::default();
    let fx = vec![first_page(&list)];
    state.stack.push(Screen::Cases(list));
    fx
}

/// Rows per page asked of the store: a few screens' worth around the
/// selection.
const PAGE_ROWS: usize = 200;

fn first_page(list: &CaseList) -> Effect {
    page_at(list, 0)
}

fn page_at(list: &CaseList, sel: usize) -> Effect {
    StoreEffect::CasePage {
        query: list.query(),
        offset: sel.saturating_sub(PAGE_ROWS / 2),
        limit: PAGE_ROWS,
    }
    .into()
}

/// A page around the selection if the rows in view are not all held.
fn page_if_needed(list: &CaseList, rows: usize) -> Effects {
    let total = list.page.total;
    let (start, end) = crate::app::state::visible(list.scroll.sel, list.scroll.offset, total, rows);
    let held = list.page.offset..list.page.offset + list.page.rows.len();
    let covered = start >= held.start && end <= held.end;
    if covered {
        vec![]
    } else {
        vec![page_at(list, list.scroll.sel)]
    }
}

fn open_finder(state: &mut State) {
    state.next_seq += 1;
    state.finder = Some(Finder {
        seq: state.next_seq,
        ..Finder::default()
    });
}

fn normal(state: &mut State, action: Action) -> Effects {
    if let Some(why) = view::refused_for_role(state, &action) {
        state.flash = Some(Flash::Info(why));
        return vec![];
    }
    match action {
        Action::Dashboard => {
            state.stack.truncate(1);
            return vec![];
        }
        Action::Cases => return open_cases(state),
        Action::Supporters => {
            state.stack.truncate(1);
            state
                .stack
                .push(Screen::Supporters(SupportersScreen::default()));
            return vec![StoreEffect::LoadSupporters.into()];
        }
        Action::Reports => {
            state.stack.truncate(1);
            state.stack.push(Screen::Reports(ReportsScreen::default()));
            return vec![StoreEffect::LoadReports.into()];
        }
        Action::Finder => {
            open_finder(state);
            return vec![];
        }
        Action::Help => {
            state.help = Some(0);
            return vec![];
        }
        Action::Back => {
            if state.stack.len() > 1 {
                state.stack.pop();
            }
            return vec![];
        }
        Action::NewCase => return open_form(state, FormKind::NewCase),
        Action::NewBody => return open_form(state, FormKind::NewBody),
        Action::NewPerson => return open_form(state, FormKind::NewPerson),
        Action::NewAffiliation => return open_form(state, FormKind::NewAffiliation),
        Action::Brief => return open_brief(state),
        Action::CopyId => return copy_id(state),
        Action::ToggleMeeting => {
            let mut fx = super::meeting::toggle(state);
            fx.extend(rebrief(state));
            return fx;
        }
        // An edit form shows what it edits in full: not on a projector.
        Action::Edit if state.cfg.meeting => {
            state.flash = Some(Flash::Info(
                state
                    .lang()
                    .t(
                        "Editing shows names in full: leave meeting mode (gm) to edit.",
                        "編集画面は名前をそのまま表示します。編集は会議モードを終えてから（gm）。",
                    )
                    .into(),
            ));
            return vec![];
        }
        Action::Reveal => return super::meeting::reveal(state, std::time::Instant::now()),
        _ => {}
    }
    let rows = page(state);
    let today = state.today();
    // Each screen's handler borrows the screen itself from the stack.
    type Handler = fn(&mut State, Action, usize, crate::model::Date) -> Effects;
    let handler: Handler = match state.screen() {
        Screen::Dashboard(_) => |s, a, r, _| dashboard(s, a, r),
        Screen::Cases(_) => |s, a, r, _| case_list(s, a, r),
        Screen::Case(_) => case_screen,
        Screen::Party(_) => party_screen,
        Screen::Record(_) => |s, a, _, _| record_screen(s, a),
        Screen::Supporters(_) => |s, a, r, _| supporters_list(s, a, r),
        Screen::Supporter(_) => |s, a, r, _| supporter_screen(s, a, r),
        Screen::Reports(_) => |s, a, r, _| reports_screen(s, a, r),
        Screen::Brief(_) => |s, a, r, _| brief_screen(s, a, r),
    };
    handler(state, action, rows, today)
}

fn not_here(state: &mut State) -> Effects {
    let l = state.lang();
    state.flash = Some(Flash::Info(
        l.t("Not available on this screen.", "この画面では使えません。")
            .to_string(),
    ));
    vec![]
}

fn dashboard(state: &mut State, action: Action, rows: usize) -> Effects {
    let links = view::dashboard_links(state);
    let Some(Screen::Dashboard(scroll)) = state.stack.last_mut() else {
        return vec![];
    };
    if motion(scroll, &action, links.len(), rows) {
        return vec![];
    }
    match action {
        Action::Open | Action::Right => match links.get(scroll.sel) {
            Some(link) => push_link(state, *link),
            None => vec![],
        },
        Action::Filter => {
            let fx = open_cases(state);
            if let Some(Screen::Cases(l)) = state.stack.last_mut() {
                l.editing = true;
            }
            fx
        }
        _ => not_here(state),
    }
}

/// Pages turn with the panel keys; the activity page scrolls.
fn reports_screen(state: &mut State, action: Action, rows: usize) -> Effects {
    let Some(Screen::Reports(r)) = state.stack.last_mut() else {
        return vec![];
    };
    let len = r.figures.as_ref().map_or(0, |f| f.activity.len());
    // Each partnership takes a line; the pages' tabs, the title and the
    // count take five.
    let rows = rows.saturating_sub(5).max(1);
    let last_top = len.saturating_sub(rows);
    match action {
        Action::NextPanel | Action::Right => r.page = next_panel(&ReportPage::ALL, r.page, true),
        Action::PrevPanel | Action::Left => r.page = next_panel(&ReportPage::ALL, r.page, false),
        Action::Down => r.top = (r.top + 1).min(last_top),
        Action::Up => r.top = r.top.saturating_sub(1),
        Action::PageDown => r.top = (r.top + rows).min(last_top),
        Action::PageUp => r.top = r.top.saturating_sub(rows),
        Action::Top => r.top = 0,
        Action::Bottom => r.top = last_top,
        _ => return not_here(state),
    }
    vec![]
}

fn cycle<T: Copy + PartialEq>(current: Option<T>, all: &[T]) -> Option<T> {
    match current.and_then(|c| all.iter().position(|x| *x == c)) {
        None => all.first().copied(),
        Some(i) => all.get(i + 1).copied(),
    }
}

fn case_list(state: &mut State, action: Action, rows: usize) -> Effects {
    let coordinators = state.data.overview.coordinators.clone();
    let Some(Screen::Cases(list)) = state.stack.last_mut() else {
        return vec![];
    };
    if motion(&mut list.scroll, &action, list.page.total, rows) {
        return page_if_needed(list, rows);
    }
    let selected = list.page.row(list.scroll.sel).map(|c| c.id);
    match action {
        Action::Open | Action::Right => match selected {
            Some(id) => push_link(state, Link::Case(id)),
            None => vec![],
        },
        Action::Left => {
            state.stack.pop();
            vec![]
        }
        Action::Filter => {
            list.editing = true;
            vec![]
        }
        Action::SortNext => {
            list.sort = match list.sort {
                Sort::Id => Sort::Changed,
                Sort::Changed => Sort::OpenReferrals,
                Sort::OpenReferrals => Sort::Id,
            };
            relist(state)
        }
        Action::FilterStatus => {
            list.status = cycle(list.status, &CaseStatus::ALL);
            relist(state)
        }
        Action::FilterSector => {
            list.sector = cycle(list.sector, &Sector::ALL);
            relist(state)
        }
        Action::FilterCoordinator => {
            list.coordinator = cycle(list.coordinator, &coordinators);
            relist(state)
        }
        Action::ClearFilters => {
            list.status = None;
            list.sector = None;
            list.coordinator = None;
            list.filter.clear();
            relist(state)
        }
        _ => not_here(state),
    }
}

/// The case list on top changed its filter or sort: back to its first row,
/// and ask for that page.
fn relist(state: &mut State) -> Effects {
    match state.stack.last_mut() {
        Some(Screen::Cases(list)) => {
            list.scroll = Scroll::default();
            vec![first_page(list)]
        }
        _ => vec![],
    }
}

fn next_panel<T: Copy + PartialEq>(all: &[T], current: T, forward: bool) -> T {
    let i = all.iter().position(|p| *p == current).unwrap_or(0);
    let n = all.len();
    all[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
}

fn case_screen(
    state: &mut State,
    action: Action,
    rows: usize,
    today: crate::model::Date,
) -> Effects {
    let l = state.lang();
    let cfg = state.cfg.clone();
    let Some(Screen::Case(s)) = state.stack.last_mut() else {
        return vec![];
    };
    let case_id = s.id;
    let len = view::case_panel_len(s, &cfg);
    let pi = view::panel_index(s.panel);
    if motion(&mut s.scroll[pi], &action, len, rows) {
        return vec![];
    }
    match action {
        Action::NextPanel | Action::Right => {
            s.panel = next_panel(&CasePanel::ALL, s.panel, true);
            return vec![];
        }
        Action::PrevPanel => {
            s.panel = next_panel(&CasePanel::ALL, s.panel, false);
            return vec![];
        }
        // `h`: the previous panel, and back from the first one.
        Action::Left => {
            if s.panel == CasePanel::ALL[0] {
                state.stack.pop();
            } else {
                s.panel = next_panel(&CasePanel::ALL, s.panel, false);
            }
            return vec![];
        }
        Action::Filter => {
            s.editing = true;
            return vec![];
        }
        _ => {}
    }
    let Some(d) = s.detail.as_deref() else {
        return vec![];
    };
    let sel = view::case_selection(s, d, today);
    let party = sel.party.cloned();
    let rel = sel.relationship.map(|r| r.id);
    let referral = sel.referral.map(|r| r.id);
    let consent = sel.consent.cloned();
    let event = sel.event.map(|e| e.id);
    let partnership = sel.partnership.map(|p| p.id);
    let note = (s.panel == CasePanel::Notes)
        .then(|| {
            view::note_rows(s, d, &cfg)
                .get(s.scroll[pi].sel)
                .map(|n| n.id)
        })
        .flatten();
    match action {
        Action::Toggle if s.panel == CasePanel::Referrals => {
            if let Some(id) = referral
                && !s.expanded.remove(&id)
            {
                s.expanded.insert(id);
            }
            vec![]
        }
        Action::Open if s.panel != CasePanel::Triad => {
            // A referral, note, consent or event opens in full.
            let record = match s.panel {
                CasePanel::Referrals => referral,
                CasePanel::Consents => consent.map(|c| c.id),
                CasePanel::Notes => view::note_rows(s, d, &cfg)
                    .get(s.scroll[pi].sel)
                    .map(|n| n.id),
                _ => event,
            };
            match record {
                Some(id) => open_record(state, id),
                None => vec![],
            }
        }
        Action::Open => match (party, s.panel) {
            (Some(p), _) => push_link(state, Link::Party(p.party)),
            (None, CasePanel::Triad) => {
                // A relationship: open its first party.
                let target = match view::triad_items(d).get(s.scroll[pi].sel) {
                    Some(TriadItem::Relationship(r)) => Some(r.a),
                    _ => None,
                };
                match target {
                    Some(t) => push_link(state, Link::Party(t)),
                    None => vec![],
                }
            }
            _ => vec![],
        },
        Action::AddParty => open_form(state, FormKind::AddParty { case: case_id }),
        Action::Edit => match note {
            // A note is history: it is corrected by a new note.
            Some(note) => open_form(state, FormKind::CorrectNote { note }),
            None => {
                // The record selected, or else the case itself.
                let record = referral
                    .or(consent.as_ref().map(|c| c.id))
                    .or(event)
                    .or(partnership)
                    .unwrap_or(case_id);
                edit(state, record)
            }
        },
        Action::EndRole => match party {
            Some(p) if p.until.is_none() => open_form(
                state,
                FormKind::EndRole {
                    case: case_id,
                    party: p.party,
                },
            ),
            Some(_) => flash_info(
                state,
                l.t("That role has already ended.", "その役割は終了済みです。"),
            ),
            None => flash_info(
                state,
                l.t(
                    "Select a party in the triad panel first.",
                    "先に三者パネルで関係者を選んでください。",
                ),
            ),
        },
        Action::SetTrust => open_form(
            state,
            FormKind::SetTrust {
                case: case_id,
                relationship: rel,
            },
        ),
        Action::AddNote => open_form(
            state,
            FormKind::AddNote {
                case: case_id,
                relationship: rel,
            },
        ),
        Action::AddNoteInEditor => {
            let mut fx = open_form(
                state,
                FormKind::AddNote {
                    case: case_id,
                    relationship: rel,
                },
            );
            if let Some(f) = state.form.as_mut() {
                f.focus = f
                    .fields
                    .iter()
                    .position(|x| x.key == forms::Key::Text)
                    .unwrap_or(0);
                fx.push(Effect::Editor(String::new()));
            }
            fx
        }
        Action::ProposeReferral => open_form(state, FormKind::ProposeReferral { case: case_id }),
        Action::AdvanceReferral => match referral {
            Some(id) => open_form(state, FormKind::AdvanceReferral { referral: id }),
            None => flash_info(
                state,
                l.t(
                    "Select a referral in the referrals panel first.",
                    "先に紹介パネルで紹介を選んでください。",
                ),
            ),
        },
        Action::RecordConsent => open_form(state, FormKind::RecordConsent { case: case_id }),
        Action::WithdrawConsent => match consent {
            Some(c) if c.withdrawn_on.is_none() => {
                open_form(state, FormKind::WithdrawConsent { consent: c.id })
            }
            Some(_) => flash_info(state, l.t("Already withdrawn.", "撤回済みです。")),
            None => flash_info(
                state,
                l.t(
                    "Select a consent in the consents panel first.",
                    "先に同意パネルで同意を選んでください。",
                ),
            ),
        },
        Action::LogEvent => open_form(
            state,
            FormKind::LogEvent {
                case: Some(case_id),
            },
        ),
        _ => not_here(state),
    }
}

fn party_screen(
    state: &mut State,
    action: Action,
    rows: usize,
    today: crate::model::Date,
) -> Effects {
    let Some(Screen::Party(s)) = state.stack.last_mut() else {
        return vec![];
    };
    let len = view::party_panel_len(s, today);
    let pi = view::party_panel_index(s.panel);
    if motion(&mut s.scroll[pi], &action, len, rows) {
        return vec![];
    }
    match action {
        Action::NextPanel | Action::Right => {
            s.panel = next_panel(&PartyPanel::ALL, s.panel, true);
            vec![]
        }
        Action::PrevPanel => {
            s.panel = next_panel(&PartyPanel::ALL, s.panel, false);
            vec![]
        }
        // `h`: the previous panel, and back from the first one.
        Action::Left => {
            if s.panel == PartyPanel::ALL[0] {
                state.stack.pop();
            } else {
                s.panel = next_panel(&PartyPanel::ALL, s.panel, false);
            }
            vec![]
        }
        Action::Filter => {
            s.editing = true;
            vec![]
        }
        Action::Open => {
            let Some(d) = s.detail.as_deref() else {
                return vec![];
            };
            let sel = s.scroll[pi].sel;
            let link = match s.panel {
                PartyPanel::Cases => view::party_case_rows(s, d)
                    .get(sel)
                    .map(|c| Link::Case(c.id)),
                PartyPanel::Affiliations => view::affiliation_rows(s, d).get(sel).map(|a| {
                    // The other side of the affiliation.
                    Link::Party(if s.id == a.person { a.body } else { a.person })
                }),
                PartyPanel::Timeline => view::timeline_rows(&d.timelines, today, &s.filter.text)
                    .get(sel)
                    .and_then(|r| match timeline_event(r) {
                        // An event opens in full; a partnership or a year
                        // opens the partnership's other party.
                        Some(e) => Some(Link::Record(e)),
                        None => r
                            .partnership()
                            .parties
                            .iter()
                            .find(|p| **p != s.id)
                            .copied()
                            .map(Link::Party),
                    }),
            };
            match link {
                Some(l) => push_link(state, l),
                None => vec![],
            }
        }
        Action::LogEvent => open_form(state, FormKind::LogEvent { case: None }),
        Action::Edit => {
            // The affiliation or event selected, or else the body or person.
            let selected = s.detail.as_deref().and_then(|d| {
                let sel = s.scroll[pi].sel;
                match s.panel {
                    PartyPanel::Affiliations => view::affiliation_rows(s, d).get(sel).map(|a| a.id),
                    PartyPanel::Timeline => {
                        match view::timeline_rows(&d.timelines, today, &s.filter.text).get(sel) {
                            Some(view::TimelineRow::Event(_, e)) => Some(e.id),
                            Some(row) => Some(row.partnership().id),
                            None => None,
                        }
                    }
                    PartyPanel::Cases => None,
                }
            });
            let record = selected.unwrap_or(s.id);
            edit(state, record)
        }
        _ => not_here(state),
    }
}

fn supporters_list(state: &mut State, action: Action, rows: usize) -> Effects {
    let ids: Vec<Id> = match state.screen() {
        Screen::Supporters(s) => supporters_view::rows(state, s)
            .iter()
            .map(|r| r.person.id)
            .collect(),
        _ => return vec![],
    };
    let Some(Screen::Supporters(s)) = state.stack.last_mut() else {
        return vec![];
    };
    if motion(&mut s.scroll, &action, ids.len(), rows) {
        return vec![];
    }
    match action {
        Action::Open | Action::Right => match ids.get(s.scroll.sel) {
            Some(id) => push_link(state, Link::Supporter(*id)),
            None => vec![],
        },
        Action::Left => {
            state.stack.pop();
            vec![]
        }
        Action::Filter => {
            s.editing = true;
            vec![]
        }
        Action::SortNext => {
            s.sort = next_panel(&SupporterSort::ALL, s.sort, true);
            s.scroll = Scroll::default();
            vec![]
        }
        Action::ClearFilters => {
            s.filter.clear();
            s.scroll = Scroll::default();
            vec![]
        }
        _ => not_here(state),
    }
}

fn supporter_screen(state: &mut State, action: Action, rows: usize) -> Effects {
    let Some(Screen::Supporter(s)) = state.stack.last_mut() else {
        return vec![];
    };
    let len = supporters_view::panel_len(s);
    let pi = supporters_view::panel_index(s.panel);
    if motion(&mut s.scroll[pi], &action, len, rows) {
        return vec![];
    }
    match action {
        Action::NextPanel | Action::Right => {
            s.panel = next_panel(&SupporterPanel::ALL, s.panel, true);
            vec![]
        }
        Action::PrevPanel => {
            s.panel = next_panel(&SupporterPanel::ALL, s.panel, false);
            vec![]
        }
        // `h`: the previous panel, and back from the first one.
        Action::Left => {
            if s.panel == SupporterPanel::ALL[0] {
                state.stack.pop();
            } else {
                s.panel = next_panel(&SupporterPanel::ALL, s.panel, false);
            }
            vec![]
        }
        Action::Open => {
            let Some(d) = s.detail.as_deref() else {
                return vec![];
            };
            let sel = s.scroll[pi].sel;
            let link = match s.panel {
                SupporterPanel::Cases => d.row.workload.cases.get(sel).map(|c| Link::Case(c.case)),
                SupporterPanel::Contacts => d.contacts.get(sel).map(|c| Link::Case(c.case)),
                // A training row opens its course.
                SupporterPanel::Training => {
                    d.row.trainings.get(sel).map(|t| Link::Record(t.course.id))
                }
                SupporterPanel::Supervision => None,
            }
            .unwrap_or(Link::Party(s.id));
            push_link(state, link)
        }
        // `i` on a supporter edits what the Supporters screen is about:
        // capacity, status, supervisor (the person view edits the rest).
        Action::Edit => {
            let person = s.id;
            open_form(state, FormKind::SupporterProfile { person })
        }
        Action::LogContact => {
            let supporter = s.id;
            open_form(state, FormKind::LogContact { supporter })
        }
        Action::LogSupervision => {
            let supporter = s.id;
            open_form(state, FormKind::LogSupervision { supporter })
        }
        Action::CheckIn => {
            let supporter = s.id;
            open_form(state, FormKind::CheckIn { supporter })
        }
        Action::TrainingProgress => {
            // On the Training panel: the selected course's progress;
            // elsewhere (or with no course yet): enrol on a course.
            let selected = s
                .detail
                .as_deref()
                .filter(|_| s.panel == SupporterPanel::Training)
                .and_then(|d| d.row.trainings.get(s.scroll[pi].sel))
                .map(|t| t.enrolment.id);
            match selected {
                Some(enrolment) => open_form(state, FormKind::TrainingProgress { enrolment }),
                None => {
                    let person = s.id;
                    open_form(state, FormKind::Enrol { person })
                }
            }
        }
        _ => not_here(state),
    }
}

/// The event on a timeline row, if the row is an event.
fn timeline_event(row: &view::TimelineRow<'_>) -> Option<Id> {
    match row {
        view::TimelineRow::Event(_, e) => Some(e.id),
        _ => None,
    }
}

/// A record's detail view: it scrolls by lines; Back leaves it.
fn record_screen(state: &mut State, action: Action) -> Effects {
    let rows = page(state);
    let len = crate::ui::record_view::line_count(state);
    let Some(Screen::Record(s)) = state.stack.last_mut() else {
        return vec![];
    };
    let last = len.saturating_sub(rows);
    s.top = match action {
        Action::Down => s.top + 1,
        Action::Up => s.top.saturating_sub(1),
        Action::PageDown => s.top + rows,
        Action::PageUp => s.top.saturating_sub(rows),
        Action::Top => 0,
        Action::Bottom => last,
        Action::Left => {
            state.stack.pop();
            return vec![];
        }
        Action::Edit => {
            let id = s.id;
            return edit(state, id);
        }
        _ => return not_here(state),
    }
    .min(last);
    vec![]
}

// ------------------------------------------------------------------- brief

/// `b`: the case's brief on a case's screen, else today's; on the brief,
/// the same brief again (made afresh).
fn open_brief(state: &mut State) -> Effects {
    let case = match state.screen() {
        Screen::Case(c) => Some(c.id),
        Screen::Brief(b) => {
            let case = b.case;
            state.stack.pop();
            case
        }
        _ => None,
    };
    state.stack.push(Screen::Brief(BriefScreen {
        case,
        brief: None,
        error: None,
        scroll: Scroll::default(),
        meeting: state.cfg.meeting,
    }));
    vec![ask_brief(state, case)]
}

/// Meeting mode changed: every brief on the stack made under the other
/// rules is made again, so what is copied or saved follows the mode.
fn rebrief(state: &mut State) -> Effects {
    let meeting = state.cfg.meeting;
    let mut again = Vec::new();
    for s in &mut state.stack {
        if let Screen::Brief(b) = s
            && b.meeting != meeting
        {
            b.brief = None;
            b.error = None;
            b.meeting = meeting;
            again.push(b.case);
        }
    }
    again.into_iter().map(|c| ask_brief(state, c)).collect()
}

/// The brief of `case` (or today's) as this session asks for it: the
/// dashboard's week and settings, in the UI's language and mode.
fn ask_brief(state: &State, case: Option<Id>) -> Effect {
    StoreEffect::Brief(crate::query::brief::BriefRequest {
        case,
        days: crate::query::worker::UPCOMING_DAYS as u32,
        since: None,
        meeting: state.cfg.meeting,
        unanswered_days: state.cfg.unanswered_days,
        thresholds: state.cfg.thresholds,
        lang: state.lang(),
    })
    .into()
}

/// The brief scrolls a line at a time; Enter opens what the line is
/// about; `w` saves it, `Y` copies it.
fn brief_screen(state: &mut State, action: Action, rows: usize) -> Effects {
    let l = state.lang();
    let Some(Screen::Brief(s)) = state.stack.last_mut() else {
        return vec![];
    };
    let lines = s.lines();
    if motion(&mut s.scroll, &action, lines.len(), rows) {
        return vec![];
    }
    let selected = lines.get(s.scroll.sel).and_then(|l| l.1);
    let brief = s.brief.clone();
    match action {
        Action::Open | Action::Right => match selected.and_then(view::link_to) {
            Some(link) => push_link(state, link),
            None => vec![],
        },
        Action::Left => {
            state.stack.pop();
            vec![]
        }
        Action::CopyBrief => match brief {
            Some(b) => {
                let text = b.to_markdown();
                state.flash = Some(Flash::Ok(match l {
                    crate::i18n::Lang::En => format!(
                        "Copied the brief ({} lines of Markdown) with OSC 52",
                        text.lines().count()
                    ),
                    crate::i18n::Lang::Ja => format!(
                        "ブリーフィング（Markdown {}行）を OSC 52 でコピーしました",
                        text.lines().count()
                    ),
                }));
                vec![Effect::Clipboard(text)]
            }
            None => flash_info(
                state,
                l.t("The brief is still loading.", "読み込み中です。"),
            ),
        },
        Action::SaveBrief if brief.is_some() => open_form(state, FormKind::SaveBrief),
        Action::SaveBrief => flash_info(
            state,
            l.t("The brief is still loading.", "読み込み中です。"),
        ),
        _ => not_here(state),
    }
}

/// `y`: the selected line's id to the clipboard (OSC 52).
fn copy_id(state: &mut State) -> Effects {
    let l = state.lang();
    let id = match state.screen() {
        Screen::Dashboard(scroll) => {
            view::dashboard_links(state)
                .get(scroll.sel)
                .and_then(|link| match *link {
                    Link::Case(id) | Link::Party(id) | Link::Record(id) | Link::Supporter(id) => {
                        Some(id)
                    }
                    Link::CaseRecord { record, .. } => Some(record),
                    Link::CasesWithStatus(_) => None,
                })
        }
        Screen::Cases(list) => list.page.row(list.scroll.sel).map(|r| r.id),
        Screen::Brief(b) => b.lines().get(b.scroll.sel).and_then(|l| l.1),
        Screen::Record(r) => Some(r.id),
        Screen::Party(p) => Some(p.id),
        Screen::Case(c) => Some(c.id),
        Screen::Supporters(list) => supporters_view::rows(state, list)
            .get(list.scroll.sel)
            .map(|r| r.person.id),
        Screen::Supporter(s) => Some(s.id),
        Screen::Reports(_) => None,
    };
    match id {
        Some(id) => {
            state.flash = Some(Flash::Ok(format!(
                "{} {id} {}",
                l.t("Copied", "コピーしました:"),
                l.t("with OSC 52", "（OSC 52）")
            )));
            vec![Effect::Clipboard(id.to_string())]
        }
        None => flash_info(
            state,
            l.t(
                "This line has no id to copy.",
                "この行にはコピーするIDがありません。",
            ),
        ),
    }
}

/// The brief save form's answers: the file, written by the effect.
fn save_brief(state: &mut State, mut f: forms::AppForm) -> Effects {
    f.clear_errors();
    let text = state.stack.iter().rev().find_map(|s| match s {
        Screen::Brief(b) => b.brief.as_ref().map(|b| b.to_markdown()),
        _ => None,
    });
    let fx = match (forms::brief::path(state, &f), text) {
        (Ok(path), Some(text)) => {
            f.saving = true;
            vec![Effect::SaveFile { path, text }]
        }
        (Err((key, why)), _) => {
            f.set_error(key.name(), why);
            f.focus_error();
            vec![]
        }
        (_, None) => {
            f.error = Some(
                state
                    .lang()
                    .t("The brief is still loading.", "読み込み中です。")
                    .to_string(),
            );
            vec![]
        }
    };
    state.form = Some(f);
    fx
}

fn flash_info(state: &mut State, msg: &str) -> Effects {
    state.flash = Some(Flash::Info(msg.to_string()));
    vec![]
}

// ------------------------------------------------------------------ popups

fn help(state: &mut State, action: Action) -> Effects {
    let rows = page(state);
    let len = crate::ui::help_len(state);
    let top = state.help.unwrap_or(0);
    let max = len.saturating_sub(rows);
    state.help = Some(match action {
        Action::Down => (top + 1).min(max),
        Action::Up => top.saturating_sub(1),
        Action::PageDown => (top + rows).min(max),
        Action::PageUp => top.saturating_sub(rows),
        Action::Top => 0,
        Action::Bottom => max,
        Action::Back | Action::Cancel | Action::Help => {
            state.help = None;
            return vec![];
        }
        _ => top,
    });
    vec![]
}

/// The finder, or a list's `/` filter line.
fn input(state: &mut State, action: Action) -> Effects {
    if state.finder.is_some() {
        return finder(state, action);
    }
    let rows = page(state);
    let today = state.today();
    let cfg = state.cfg.clone();
    let screen = state.screen_mut();
    let (field, editing) = match screen {
        Screen::Cases(l) => (&mut l.filter, &mut l.editing),
        Screen::Case(c) => (&mut c.filter, &mut c.editing),
        Screen::Party(p) => (&mut p.filter, &mut p.editing),
        Screen::Supporters(s) => (&mut s.filter, &mut s.editing),
        Screen::Dashboard(_)
        | Screen::Record(_)
        | Screen::Supporter(_)
        | Screen::Reports(_)
        | Screen::Brief(_) => {
            return vec![];
        }
    };
    match action {
        // As in the finder: Enter opens the selected row, the motions
        // move the selection while the line stays open.
        Action::Submit => {
            *editing = false;
            return normal(state, Action::Open);
        }
        Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
            return normal(state, action);
        }
        Action::Cancel => {
            field.clear();
            *editing = false;
        }
        other => {
            if !edit_text(field, other) {
                return vec![];
            }
        }
    }
    // Whatever changed, the rows did: keep the selection in range.
    match state.screen_mut() {
        Screen::Cases(_) => return relist(state),
        Screen::Case(c) => {
            let i = view::panel_index(c.panel);
            let len = view::case_panel_len(c, &cfg);
            let sel = c.scroll[i].sel;
            c.scroll[i].set(sel, len, rows);
        }
        Screen::Party(p) => {
            let i = view::party_panel_index(p.panel);
            let len = view::party_panel_len(p, today);
            let sel = p.scroll[i].sel;
            p.scroll[i].set(sel, len, rows);
        }
        Screen::Supporters(s) => s.scroll = Scroll::default(),
        Screen::Dashboard(_)
        | Screen::Record(_)
        | Screen::Supporter(_)
        | Screen::Reports(_)
        | Screen::Brief(_) => {}
    }
    vec![]
}

/// Line editing shared by the finder, filters and forms. False if the
/// action is not an edit.
fn edit_text(field: &mut super::input::TextInput, action: Action) -> bool {
    match action {
        Action::Insert(c) => field.insert(c),
        Action::Paste(s) => field.insert_str(&s, false),
        Action::Left => field.left(),
        Action::Right => field.right(),
        Action::LineStart => field.home(),
        Action::LineEnd => field.end(),
        Action::DeleteBack => field.backspace(),
        Action::DeleteForward => field.delete(),
        Action::ClearField => field.clear(),
        _ => return false,
    }
    true
}

fn finder(state: &mut State, action: Action) -> Effects {
    let rows = page(state);
    let meeting = state.cfg.meeting;
    if action == Action::Reveal {
        return super::meeting::reveal(state, std::time::Instant::now());
    }
    let Some(f) = state.finder.as_mut() else {
        return vec![];
    };
    match action {
        Action::Cancel => {
            state.finder = None;
            vec![]
        }
        Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
            motion(&mut f.scroll, &action, f.hits.len(), rows);
            vec![]
        }
        Action::Submit if f.searching => {
            f.submit_pending = true;
            vec![]
        }
        Action::Submit => finder_go(state),
        other => {
            let before = f.input.text.clone();
            if !edit_text(&mut f.input, other) || f.input.text == before {
                return vec![];
            }
            state.next_seq += 1;
            f.seq = state.next_seq;
            f.scroll = Scroll::default();
            f.submit_pending = false;
            if f.input.text.trim().is_empty() {
                f.hits.clear();
                f.searching = false;
                return vec![];
            }
            vec![ask_finder(f, meeting)]
        }
    }
}

/// Enter in the finder: go where the selected hit leads.
fn finder_go(state: &mut State) -> Effects {
    let Some(hit) = state.finder.as_ref().and_then(|f| f.hits.get(f.scroll.sel)) else {
        return vec![];
    };
    let (id, target) = (hit.id, hit.target);
    // An event or a note opens in full, over the case or party it belongs to.
    let record = matches!(view::link_to(id), Some(Link::Record(_))).then_some(id);
    let under = view::link_to(target).filter(|_| record.is_none() || target != id);
    if record.is_none() && under.is_none() {
        return vec![];
    }
    state.finder = None;
    let mut fx = under.map(|l| push_link(state, l)).unwrap_or_default();
    if let Some(r) = record {
        fx.extend(open_record(state, r));
    }
    fx
}

/// Edit a record as the screen loaded it, made from its revision then.
fn edit(state: &mut State, record: Id) -> Effects {
    let base = match state.screen() {
        Screen::Case(s) if s.id == record => s.detail.as_ref().map(|d| d.rev),
        _ => forms::revision(state, record),
    };
    match base {
        Some(base) => open_form(state, FormKind::Edit { record, base }),
        None => vec![],
    }
}

fn open_form(state: &mut State, kind: FormKind) -> Effects {
    match forms::open(state, kind) {
        Ok(f) => state.form = Some(f),
        Err(msg) => state.flash = Some(Flash::Info(msg)),
    }
    vec![]
}

fn form(state: &mut State, action: Action) -> Effects {
    let Some(f) = state.form.as_mut() else {
        return vec![];
    };
    if f.saving {
        // The write is in flight; keys wait so nothing is sent twice.
        return vec![];
    }
    let multi = f
        .focused()
        .is_some_and(|x| x.kind == super::form::FieldKind::Multi);
    if action != Action::NextMatch {
        f.matching = None;
    }
    match action {
        Action::NextMatch => {
            next_match(state);
            vec![]
        }
        Action::NewParty => new_party(state),
        Action::Cancel if !f.dirty() && !state.parked.is_empty() => {
            // Back to the form that asked for the new person or body.
            state.form = state.parked.pop().map(|(f, _)| f);
            vec![]
        }
        Action::Cancel => {
            if f.dirty() {
                let l = state.lang();
                state.confirm = Some(Confirm {
                    compare: Vec::new(),
                    question: l
                        .t(
                            "Leave the form and lose what you typed?",
                            "入力した内容を破棄してフォームを閉じますか？",
                        )
                        .to_string(),
                    on_yes: Confirmed::DiscardForm,
                });
            } else {
                state.form = None;
            }
            vec![]
        }
        Action::NextField => {
            f.next();
            vec![]
        }
        Action::PrevField => {
            f.prev();
            vec![]
        }
        Action::Left => {
            f.left();
            vec![]
        }
        Action::Right => {
            f.right();
            vec![]
        }
        Action::Insert(c) => {
            f.insert(c);
            vec![]
        }
        Action::Paste(s) => {
            f.paste(&s);
            vec![]
        }
        Action::Submit if multi => {
            f.insert('\n');
            vec![]
        }
        Action::Submit if f.focus + 1 < f.fields.len() => {
            f.next();
            vec![]
        }
        Action::Submit | Action::Save => save_form(state),
        Action::OpenEditor => match f.focused() {
            Some(field) if field.is_text() => vec![Effect::Editor(field.input.text.clone())],
            _ => vec![],
        },
        other => {
            if let Some(field) = f.focused_mut()
                && field.is_text()
            {
                field.error = None;
                edit_text(&mut field.input, other);
            }
            vec![]
        }
    }
}

/// The focused party field's last part (the one being typed, in a list).
fn typed_party(f: &forms::AppForm) -> Option<(forms::Key, String)> {
    use super::form::FieldKind;
    let field = f.focused()?;
    if !matches!(field.kind, FieldKind::Party | FieldKind::Parties) {
        return None;
    }
    let last = field.value().rsplit([',', '、', '，']).next().unwrap_or("");
    Some((field.key, last.trim().to_string()))
}

/// Replace the last part of the focused party field with `text`.
fn retype_party(f: &mut forms::AppForm, text: &str) {
    if let Some(field) = f.focused_mut() {
        let value = field.input.text.clone();
        let keep = value.rfind([',', '、', '，']).map_or("", |i| &value[..=i]);
        let sep = if keep.is_empty() { "" } else { " " };
        field.input = super::input::TextInput::new(&format!("{keep}{sep}{text}"));
        field.error = None;
    }
}

/// Cycle the focused party field through the records its text matches.
fn next_match(state: &mut State) {
    let Some(f) = state.form.as_ref() else {
        return;
    };
    let Some((_, typed)) = typed_party(f) else {
        return;
    };
    let query = f.matching.clone().unwrap_or(typed.clone());
    let found = forms::party_matches(state, &query);
    if found.is_empty() {
        return;
    }
    let at = found.iter().position(|id| id.to_string() == typed);
    let next = found[at.map_or(0, |i| (i + 1) % found.len())];
    if let Some(f) = state.form.as_mut() {
        retype_party(f, &next.to_string());
        f.matching = Some(query);
    }
}

/// Set the form aside and add the person (or body) typed in its focused
/// party field; pressed again in that new form, a body (or person) instead.
fn new_party(state: &mut State) -> Effects {
    let Some(f) = state.form.as_ref() else {
        return vec![];
    };
    let swap = match f.kind {
        FormKind::NewPerson if !state.parked.is_empty() => Some(FormKind::NewBody),
        FormKind::NewBody if !state.parked.is_empty() => Some(FormKind::NewPerson),
        _ => None,
    };
    if let Some(kind) = swap {
        let name = f.value(forms::Key::Name).to_string();
        let mut next = match forms::open(state, kind) {
            Ok(next) => next,
            Err(_) => return vec![],
        };
        if let Some(field) = next.fields.iter_mut().find(|x| x.key == forms::Key::Name) {
            field.input = super::input::TextInput::new(&name);
        }
        state.form = Some(next);
        return vec![];
    }
    let Some((key, typed)) = typed_party(f) else {
        return vec![];
    };
    let kind = match key {
        forms::Key::Body | forms::Key::Parent => FormKind::NewBody,
        _ => FormKind::NewPerson,
    };
    let mut next = match forms::open(state, kind) {
        Ok(next) => next,
        Err(_) => return vec![],
    };
    if let Some(field) = next.fields.iter_mut().find(|x| x.key == forms::Key::Name) {
        field.input = super::input::TextInput::new(&typed);
    }
    if let Some(parent) = state.form.take() {
        next.title = format!(
            "{} {} {}",
            parent.title,
            crate::ui::Theme::of(&state.cfg).sym.arrow,
            next.title
        );
        state.parked.push((parent, key));
    }
    state.form = Some(next);
    vec![]
}

/// A person or body added from a form's field: back to that form, with
/// the new record in the field. True when there was such a form.
fn unpark(state: &mut State, records: &[Record]) -> bool {
    let Some(id) = records.iter().map(Record::id).find(|i| i.is_party()) else {
        return false;
    };
    let Some((mut parent, key)) = state.parked.pop() else {
        return false;
    };
    if let Some(i) = parent.fields.iter().position(|x| x.key == key) {
        parent.focus = i;
        retype_party(&mut parent, &id.to_string());
    }
    state.form = Some(parent);
    true
}

fn save_form(state: &mut State) -> Effects {
    let Some(mut f) = state.form.take() else {
        return vec![];
    };
    if f.kind == FormKind::SaveBrief {
        return save_brief(state, f);
    }
    let ops = forms::submit(state, &mut f);
    let fx = match ops {
        Some(ops) => {
            f.saving = true;
            save_now(state, ops)
        }
        None => vec![],
    };
    state.form = Some(f);
    fx
}

fn confirm(state: &mut State, action: Action) -> Effects {
    let Some(c) = state.confirm.take() else {
        return vec![];
    };
    if let Confirmed::Reapply { rev } = c.on_yes {
        return resolve_conflict(state, action, rev, c);
    }
    match action {
        Action::Yes => {}
        Action::No | Action::Cancel => return vec![],
        _ => {
            state.confirm = Some(c);
            return vec![];
        }
    }
    match c.on_yes {
        Confirmed::DiscardForm => {
            // A form set aside for this one comes back.
            state.form = state.parked.pop().map(|(f, _)| f);
            vec![]
        }
        Confirmed::Quit => {
            state.quit = true;
            vec![]
        }
        // Answered by `resolve_conflict`.
        Confirmed::Reapply { .. } => vec![],
    }
}

// ------------------------------------------------------------------ replies

fn reply_in(state: &mut State, reply: Reply) -> Effects {
    match reply {
        Reply::Names(rows) => {
            for r in rows {
                super::meeting::learn(state, &r);
                state.data.names.insert(r.id, r);
            }
            vec![]
        }
        Reply::Partnerships(rows) => {
            state.data.partnerships.extend(rows);
            vec![]
        }
        Reply::Overview(o) => {
            for r in &o.recent {
                state.extra_names.insert(r.id, r.title.clone());
            }
            state.data.overview = o;
            state.data.loading.counted = true;
            vec![]
        }
        Reply::CasePage { query, page } => {
            let rows = self::page(state);
            for r in &page.rows {
                state.extra_names.insert(r.id, r.title.clone());
            }
            for s in &mut state.stack {
                if let Screen::Cases(list) = s
                    && list.query() == query
                {
                    list.page = page.clone();
                    let sel = list.scroll.sel;
                    list.scroll.set(sel, list.page.total, rows);
                }
            }
            vec![]
        }
        Reply::ReferralAlerts(alerts) => {
            state.data.referral_alerts = alerts;
            vec![]
        }
        Reply::Consents(c) => {
            state.data.consents = c;
            vec![]
        }
        Reply::Upcoming(e) => {
            state.data.upcoming = e;
            vec![]
        }
        Reply::Supporters { first, rows } => {
            if first {
                state.data.supporters.clear();
            }
            state.data.supporters.extend(rows);
            vec![]
        }
        Reply::LookedAfter(rows) => {
            state.data.looked_after = rows;
            vec![]
        }
        Reply::Supporter(r) => {
            fill(
                state,
                r,
                |d| d.row.person.id,
                |s| match s {
                    Screen::Supporter(v) => Some((v.id, &mut v.detail, &mut v.error)),
                    _ => None,
                },
            );
            vec![]
        }
        Reply::Docs(docs) => {
            let mut fx = vec![SearchEffect::Index(docs).into()];
            fx.extend(indexed(state));
            fx
        }
        Reply::Indexed => indexed(state),
        Reply::Loaded(r) => {
            state.data.loading.done = true;
            state.data.loading.error = r.err();
            vec![]
        }
        Reply::Case(r) => {
            let lang = state.lang();
            let id = match &r {
                Ok(d) => d.case.id,
                Err((id, _)) => *id,
            };
            if let Ok(d) = &r {
                for t in &d.timelines {
                    state
                        .extra_names
                        .insert(t.partnership.id, t.partnership.title.clone());
                }
            }
            let rows = page(state);
            for s in &mut state.stack {
                if let Screen::Case(c) = s
                    && c.id == id
                {
                    match &r {
                        Ok(d) => {
                            // Opened from a line about one of its records:
                            // select that record, once.
                            if let Some(at) = c.focus.take().and_then(|f| view::row_of(c, d, f)) {
                                let i = view::panel_index(c.panel);
                                let len = view::row_count(c, d);
                                c.scroll[i].set(at, len, rows);
                            }
                            c.detail = Some(d.clone());
                            c.error = None;
                        }
                        Err((_, e)) => c.error = Some(lang.reason(e)),
                    }
                }
            }
            vec![]
        }
        Reply::Party(r) => {
            fill(
                state,
                r,
                |d| d.record.id(),
                |s| match s {
                    Screen::Party(p) => Some((p.id, &mut p.detail, &mut p.error)),
                    _ => None,
                },
            );
            vec![]
        }
        Reply::Reports(r) => {
            for s in &mut state.stack {
                if let Screen::Reports(v) = s {
                    match &r {
                        Ok(f) => {
                            v.figures = Some(f.clone());
                            v.error = None;
                        }
                        Err(e) => v.error = Some(e.clone()),
                    }
                }
            }
            vec![]
        }
        Reply::Record(r) => {
            fill(
                state,
                r,
                |d| d.record.id(),
                |s| match s {
                    Screen::Record(v) => Some((v.id, &mut v.detail, &mut v.error)),
                    _ => None,
                },
            );
            vec![]
        }
        Reply::Saved(records) => {
            answered(state);
            saved(state, records)
        }
        Reply::Conflict { current, rev, .. } => {
            answered(state);
            conflict(state, &current, rev)
        }
        Reply::SaveFailed {
            field,
            error,
            reason,
        } => {
            answered(state);
            let error = reason.map_or(error, |r| state.lang().reason(&r));
            if let Some(f) = state.form.as_mut().filter(|f| f.saving) {
                f.saving = false;
                f.set_error(field.as_deref().unwrap_or(""), error);
                f.focus_error();
            } else {
                state.flash = Some(Flash::Error(error));
            }
            vec![]
        }
        Reply::Hits { seq, hits } => {
            if let Some(f) = state.finder.as_mut()
                && f.seq == seq
            {
                f.hits = hits;
                f.searching = false;
                f.scroll = Scroll::default();
                if std::mem::take(&mut f.submit_pending) {
                    return finder_go(state);
                }
            }
            vec![]
        }
        Reply::Brief(r) => {
            let lang = state.lang();
            // The brief screen waiting for it (of its case), topmost first.
            let case = r.as_ref().ok().map(|b| b.case);
            let waiting = state.stack.iter_mut().rev().find_map(|s| match s {
                Screen::Brief(b)
                    if b.brief.is_none()
                        && b.error.is_none()
                        && case.is_none_or(|c| c == b.case) =>
                {
                    Some(b)
                }
                _ => None,
            });
            if let Some(b) = waiting {
                match r {
                    Ok(brief) => b.brief = Some(brief),
                    Err(e) => b.error = Some(lang.reason(&e)),
                }
            }
            vec![]
        }
        Reply::FileSaved(r) => {
            let l = state.lang();
            if let Some(f) = state.form.as_mut().filter(|f| f.saving) {
                f.saving = false;
                match r {
                    Ok(path) => {
                        state.form = None;
                        state.flash = Some(Flash::Ok(format!(
                            "{} {path} {}",
                            l.t("Saved the brief to", "ブリーフィングを保存しました:"),
                            l.t("(readable by you only)", "（本人のみ読める）")
                        )));
                    }
                    Err(e) => {
                        f.error = Some(format!("{} {e}", l.t("Cannot save:", "保存できません:")));
                    }
                }
            }
            vec![]
        }
        Reply::Edited(r) => {
            match r {
                Ok(text) => {
                    if let Some(field) = state.form.as_mut().and_then(|f| f.focused_mut())
                        && field.is_text()
                    {
                        let multi = field.kind == super::form::FieldKind::Multi;
                        field.input.clear();
                        field.input.insert_str(text.trim_end(), multi);
                    }
                }
                Err(e) => state.flash = Some(Flash::Error(e)),
            }
            state.repaint += 1;
            vec![]
        }
    }
}

/// Someone saved the record being edited since the form was opened: show
/// both versions side by side, and let the user re-apply theirs, take the
/// other, or go back to editing. The form keeps what was typed.
fn conflict(state: &mut State, current: &Record, rev: u64) -> Effects {
    let l = state.lang();
    let message = format!(
        "{} {}",
        current.id(),
        l.t(
            "was saved by someone else after you opened it.",
            "は、あなたが開いた後に他の人が保存しました。"
        )
    );
    let Some(f) = state.form.as_mut().filter(|f| f.saving) else {
        state.flash = Some(Flash::Error(message));
        return vec![];
    };
    f.saving = false;
    let mut form = f.clone();
    let Some(SaveOp::Edit { record: mine, .. }) =
        forms::submit(state, &mut form).and_then(|ops| ops.into_iter().next())
    else {
        if let Some(f) = state.form.as_mut() {
            f.set_error("", message);
        }
        return vec![];
    };
    let compare = forms::compare(state, current, &mine);
    state.confirm = Some(Confirm {
        question: format!(
            "{message} {}",
            l.t("Save yours over theirs?", "あなたの編集で上書きしますか？")
        ),
        on_yes: Confirmed::Reapply { rev },
        compare,
    });
    vec![]
}

/// The answer to a conflict: yours again (made from their revision now),
/// theirs (the form closes, the screen reloads), or back to the form.
fn resolve_conflict(state: &mut State, action: Action, rev: u64, c: Confirm) -> Effects {
    let rebase = |state: &mut State| {
        if let Some(f) = state.form.as_mut()
            && let FormKind::Edit { base, .. } = &mut f.kind
        {
            *base = rev;
        }
    };
    match action {
        Action::Yes => {
            rebase(state);
            save_form(state)
        }
        Action::TakeTheirs => {
            state.form = None;
            reload(state)
        }
        Action::No | Action::Cancel => {
            rebase(state);
            vec![]
        }
        _ => {
            state.confirm = Some(c);
            vec![]
        }
    }
}

/// A screen's id, its loaded detail and why it could not be loaded.
type Slot<'a, T> = Option<(Id, &'a mut Option<Box<T>>, &'a mut Option<String>)>;

/// A detail that came, or why it could not be read, for each open screen
/// of its record (`slot` finds them).
fn fill<T: Clone>(
    state: &mut State,
    r: Result<Box<T>, (Id, crate::model::Reason)>,
    id_of: fn(&T) -> Id,
    slot: fn(&mut Screen) -> Slot<'_, T>,
) {
    let lang = state.lang();
    let id = match &r {
        Ok(d) => id_of(d),
        Err((id, _)) => *id,
    };
    for s in &mut state.stack {
        if let Some((sid, detail, error)) = slot(s)
            && sid == id
        {
            match &r {
                Ok(d) => {
                    *detail = Some(d.clone());
                    *error = None;
                }
                Err((_, e)) => *error = Some(lang.reason(e)),
            }
        }
    }
}

/// The finder's query, asked under its current number.
fn ask_finder(f: &mut Finder, meeting: bool) -> Effect {
    f.searching = true;
    SearchEffect::Search {
        seq: f.seq,
        query: f.input.text.clone(),
        meeting,
    }
    .into()
}

/// A save was answered; saves are answered in the order they were sent.
fn answered(state: &mut State) {
    if !state.pending_saves.is_empty() {
        state.pending_saves.remove(0);
    }
}

/// The finder's index is ready: a query typed before it is asked again.
fn indexed(state: &mut State) -> Effects {
    state.data.loading.indexed = true;
    requery_finder(state)
}

/// Ask the finder's query again (the index is ready, meeting mode changed
/// what it may list).
pub fn requery_finder(state: &mut State) -> Effects {
    let meeting = state.cfg.meeting;
    match state.finder.as_mut() {
        Some(f) if !f.input.text.trim().is_empty() => {
            state.next_seq += 1;
            f.seq = state.next_seq;
            vec![ask_finder(f, meeting)]
        }
        _ => vec![],
    }
}

/// A save made without a form (ending a role, withdrawing a consent).
fn save_now(state: &mut State, ops: Vec<SaveOp>) -> Effects {
    let request = state.requests.next_id();
    state.pending_saves.push(request);
    vec![StoreEffect::Save { request, ops }.into()]
}

/// Someone saved records (the change feed): refresh the summaries and the
/// dashboard, and reload each open screen that shows one of them. Our own
/// saves come through here too, and are not announced twice.
fn changed(
    state: &mut State,
    changes: &[crate::server::protocol::Changed],
    request: Option<crate::store::RequestId>,
) -> Effects {
    let ours = request.is_some_and(|r| state.pending_saves.contains(&r));
    use std::collections::HashSet;
    let touched: HashSet<Id> = changes
        .iter()
        .flat_map(|c| std::iter::once(c.id).chain(c.touches.iter().copied()))
        .collect();
    let named: Vec<Id> = changes
        .iter()
        .map(|c| c.id)
        .filter(|id| matches!(id.kind, Kind::Case | Kind::Body | Kind::Person))
        .collect();
    let mut fx: Effects = vec![StoreEffect::Overview(named).into()];
    fx.extend(refresh_lists(state));
    fx.push(StoreEffect::RefreshDashboard.into());
    let mut updated = Vec::new();
    for s in &state.stack {
        match s {
            Screen::Case(c) if shows_any(c.id, c.detail.as_ref().map(|d| &d.names), &touched) => {
                updated.push(c.id);
                fx.push(StoreEffect::LoadCase(c.id).into());
            }
            Screen::Party(p) if shows_any(p.id, p.detail.as_ref().map(|d| &d.names), &touched) => {
                updated.push(p.id);
                fx.push(StoreEffect::LoadParty(p.id).into());
            }
            Screen::Record(r) if shows_any(r.id, r.detail.as_ref().map(|d| &d.names), &touched) => {
                updated.push(r.id);
                fx.push(StoreEffect::LoadRecord(r.id).into());
            }
            Screen::Supporter(v) => fx.push(StoreEffect::LoadSupporter(v.id).into()),
            // Any change may move a figure.
            Screen::Reports(_) => fx.push(StoreEffect::LoadReports.into()),
            _ => {}
        }
    }
    let top = match state.screen() {
        Screen::Case(c) => Some(c.id),
        Screen::Party(p) => Some(p.id),
        Screen::Record(r) => Some(r.id),
        _ => None,
    };
    if let Some(top) = top.filter(|t| !ours && updated.contains(t)) {
        let l = state.lang();
        state.flash = Some(Flash::Info(format!(
            "{top} {}",
            l.t("updated just now", "たった今更新されました")
        )));
    }
    fx
}

/// Whether a screen of `id`, which mentions the records named in `names`,
/// shows any of `touched`.
fn shows_any(
    id: Id,
    names: Option<&std::collections::HashMap<Id, String>>,
    touched: &std::collections::HashSet<Id>,
) -> bool {
    touched.contains(&id) || names.is_some_and(|n| touched.iter().any(|t| n.contains_key(t)))
}

/// The server came back, or said we fell behind: reload everything shown.
fn resync(state: &mut State) -> Effects {
    let indexed = state.data.loading.indexed;
    state.data = Default::default();
    state.data.loading.indexed = indexed;
    let mut fx: Effects = vec![StoreEffect::LoadAll.into()];
    fx.extend(refresh_lists(state));
    for s in &state.stack {
        match s {
            Screen::Case(c) => fx.push(StoreEffect::LoadCase(c.id).into()),
            Screen::Party(p) => fx.push(StoreEffect::LoadParty(p.id).into()),
            Screen::Record(r) => fx.push(StoreEffect::LoadRecord(r.id).into()),
            Screen::Supporter(v) => fx.push(StoreEffect::LoadSupporter(v.id).into()),
            Screen::Reports(_) => fx.push(StoreEffect::LoadReports.into()),
            // A brief still waiting may have been lost with the link.
            Screen::Brief(b) if b.brief.is_none() => fx.push(ask_brief(state, b.case)),
            _ => {}
        }
    }
    fx
}

/// Every case list on the stack asks again for the rows it shows
/// (someone changed the cases), and so does the Supporters list.
fn refresh_lists(state: &State) -> Effects {
    state
        .stack
        .iter()
        .filter_map(|s| match s {
            Screen::Cases(list) => Some(page_at(list, list.scroll.sel)),
            Screen::Supporters(_) => Some(StoreEffect::LoadSupporters.into()),
            _ => None,
        })
        .collect()
}

/// `R-0026 sent to 大城 拓也`, `R-0026 declined (大城 拓也)`.
fn referral_saved(state: &State, r: &crate::model::Referral) -> String {
    use crate::model::ReferralStatus as S;
    let l = state.lang();
    let to = state.name(r.to);
    let status = l.referral_status(r.status());
    match (l, r.status()) {
        (crate::i18n::Lang::Ja, _) => format!("{} {to}への紹介：{status}", r.id),
        (_, S::Proposed | S::Sent) => format!("{} {status} to {to}", r.id),
        _ => format!("{} {status} ({to})", r.id),
    }
}

/// Writes are on disk: update the summaries, say so, and reload what shows.
fn saved(state: &mut State, records: Vec<Record>) -> Effects {
    let l = state.lang();
    // Only the form that was saving closes: End role and Withdraw save with
    // no form, and one opened meanwhile must keep what is typed in it.
    let kind = if state.form.as_ref().is_some_and(|f| f.saving) {
        state.form.take().map(|f| f.kind)
    } else {
        None
    };
    let back_to_form =
        matches!(kind, Some(FormKind::NewBody | FormKind::NewPerson)) && unpark(state, &records);
    let mut fx = Vec::new();
    let mut docs: Vec<FinderDoc> = Vec::new();
    let none = Default::default();
    let reader = crate::model::Reader::owner(&state.cfg.user);
    for r in &records {
        if let Some(n) = crate::query::data::name_row(r) {
            super::meeting::learn(state, &n);
            state.data.names.insert(n.id, n);
        }
        if let Record::Partnership(p) = r {
            state.data.partnerships.insert(p.id, p.title.clone());
        }
        let names = &state.data.names;
        let party = |id| names.get(&id).map(|n| (n.name.clone(), n.reading.clone()));
        docs.extend(crate::query::worker::finder_doc(
            r,
            &none,
            Some(&reader),
            &party,
        ));
    }
    // A case's row changes with what belongs to it (its last change).
    let case_row = |k: Kind| {
        matches!(
            k,
            Kind::Case | Kind::Referral | Kind::TrustNote | Kind::Consent | Kind::Event
        )
    };
    if records.iter().any(|r| case_row(r.kind())) {
        fx.push(StoreEffect::Overview(vec![]).into());
        fx.extend(refresh_lists(state));
    }
    if !docs.is_empty() {
        fx.push(SearchEffect::Index(docs).into());
    }
    patch_open_case(state, &records);
    // An edit and a step on one record save it twice: name it once.
    let mut ids: Vec<String> = records.iter().map(|r| r.id().to_string()).collect();
    ids.dedup();
    state.flash = Some(Flash::Ok(match records.as_slice() {
        // A referral's step says what happened, and to whom (an edit of
        // the referral is only saved: its status did not move).
        [Record::Referral(r), ..]
            if ids.len() == 1 && !matches!(kind, Some(FormKind::Edit { .. })) =>
        {
            referral_saved(state, r)
        }
        _ => format!("{} {}", l.t("Saved", "保存しました"), ids.join(", ")),
    }));
    // Show the panel that holds what was just saved.
    let last = records.last().map(Record::kind);
    match (state.screen_mut(), last) {
        (Screen::Case(c), Some(k)) => {
            c.panel = match k {
                Kind::Referral => CasePanel::Referrals,
                Kind::TrustNote => CasePanel::Notes,
                Kind::Consent => CasePanel::Consents,
                Kind::Event => CasePanel::Timeline,
                Kind::Case | Kind::Relationship => CasePanel::Triad,
                _ => c.panel,
            };
        }
        (Screen::Party(p), Some(k)) => {
            p.panel = match k {
                Kind::Affiliation => PartyPanel::Affiliations,
                Kind::Event => PartyPanel::Timeline,
                _ => p.panel,
            };
        }
        _ => {}
    }
    // A new case, body or person opens; anything else reloads the screen.
    let first = records.first().map(Record::id);
    match (kind, first) {
        _ if back_to_form => {}
        (Some(FormKind::NewCase | FormKind::NewBody | FormKind::NewPerson), Some(id)) => {
            if let Some(link) = view::link_to(id) {
                fx.extend(push_link(state, link));
            }
        }
        _ => fx.extend(reload(state)),
    }
    if records.iter().any(|r| {
        matches!(
            r.kind(),
            Kind::Referral
                | Kind::Consent
                | Kind::Event
                | Kind::Person
                | Kind::Case
                | Kind::Contact
                | Kind::Supervision
                | Kind::Enrolment
        )
    }) {
        fx.push(StoreEffect::RefreshDashboard.into());
        if state
            .stack
            .iter()
            .any(|s| matches!(s, Screen::Supporters(_)))
        {
            fx.push(StoreEffect::LoadSupporters.into());
        }
    }
    fx
}

/// Until the reload arrives, the open case shows (and the next edit starts
/// from) what was just saved, not the copy from before: two edits typed
/// ahead must not overwrite each other.
fn patch_open_case(state: &mut State, records: &[Record]) {
    let Screen::Case(screen) = state.screen_mut() else {
        return;
    };
    let Some(d) = screen.detail.as_mut() else {
        return;
    };
    fn replace<T: Clone>(list: &mut [T], id: Id, new: &T, id_of: impl Fn(&T) -> Id) {
        if let Some(slot) = list.iter_mut().find(|x| id_of(x) == id) {
            *slot = new.clone();
        }
    }
    for r in records {
        match r {
            Record::Case(c) if c.id == d.case.id => d.case = c.clone(),
            Record::Relationship(x) => replace(&mut d.relationships, x.id, x, |y| y.id),
            Record::Referral(x) => replace(&mut d.referrals, x.id, x, |y| y.id),
            Record::Consent(x) => replace(&mut d.consents, x.id, x, |y| y.id),
            _ => {}
        }
    }
}

fn reload(state: &State) -> Effects {
    match state.screen() {
        Screen::Case(c) => vec![StoreEffect::LoadCase(c.id).into()],
        Screen::Party(p) => vec![StoreEffect::LoadParty(p.id).into()],
        Screen::Record(r) => vec![StoreEffect::LoadRecord(r.id).into()],
        Screen::Supporter(v) => vec![StoreEffect::LoadSupporter(v.id).into()],
        Screen::Reports(_) => vec![StoreEffect::LoadReports.into()],
        _ => vec![],
    }
}
