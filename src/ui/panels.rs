//! The panels under the triad (and in the body and person views): the
//! triad's parties and relationships, referral history, trust notes, the
//! partnership timeline and consents. Each draws only its visible rows.

use std::collections::HashMap;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::case_view::{edge_spans, trust_spans};
use super::dashboard::fit_spans;
use super::text::{self, col, pad};
use super::{Theme, lines_in, list_row, or_dash, styled, title_rule};
use crate::app::state::{CasePanel, CaseScreen, Scroll, State, visible};
use crate::app::view::{self, ReferralRow, TimelineRow, TriadItem};
use crate::model::{AuditAction, ConsentStatus, Id, ProvisionBasis};
use crate::query::data::CaseDetail;

/// Rows available for items: the referral panel has a heading row.
pub fn list_rows(panel: CasePanel, area: Rect) -> u16 {
    match panel {
        CasePanel::Referrals => area.height.saturating_sub(1),
        _ => area.height,
    }
}

pub(super) fn empty(state: &State, area: Rect, buf: &mut Buffer, msg: &str) {
    let t = &Theme::of(&state.cfg);
    lines_in(
        vec![Line::from(styled(format!("   {msg}"), t.dim()))],
        area,
        buf,
    );
}

/// An empty panel that says which key adds the first entry (from the
/// keymap in use, so it never names a key that is not bound).
fn empty_hint(
    state: &State,
    area: Rect,
    buf: &mut Buffer,
    msg: &str,
    (add, verb): (&crate::app::Action, &str),
) {
    let key = state
        .keymap
        .key_for(crate::keymap::Mode::Normal, add)
        .unwrap_or_default();
    empty(state, area, buf, &format!("{msg} {key} {verb}"));
}

/// Draw `n` rows through `row(i, selected)`, scrolled to the selection.
fn rows_in(
    state: &State,
    n: usize,
    sel: Scroll,
    area: Rect,
    buf: &mut Buffer,
    mut row: impl FnMut(usize) -> Vec<Span<'static>>,
) {
    let t = &Theme::of(&state.cfg);
    let (start, end) = visible(sel.sel, sel.offset, n, usize::from(area.height));
    let w = usize::from(area.width).saturating_sub(2);
    let lines: Vec<Line<'static>> = (start..end)
        .map(|i| {
            list_row(
                state,
                fit_spans(row(i), w, t.sym.cut),
                area.width,
                i == sel.sel,
            )
        })
        .collect();
    lines_in(lines, area, buf);
}

fn name(d: &HashMap<Id, String>, id: Id) -> String {
    text::clean(&d.get(&id).cloned().unwrap_or_else(|| id.to_string()))
}

pub fn triad_list(state: &State, d: &CaseDetail, sel: Scroll, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    let items = view::triad_items(d);
    if items.is_empty() {
        return empty_hint(
            state,
            area,
            buf,
            l.t("No parties yet.", "関係者はまだいません。"),
            (&crate::app::Action::AddParty, l.t("adds one.", "で追加。")),
        );
    }
    let w = usize::from(area.width).saturating_sub(2);
    // Columns as wide as what they hold, within a share of the width, so
    // roles and workplaces keep their room at 80 columns.
    let parties = || d.case.parties.iter();
    let widest =
        |f: &dyn Fn(&crate::model::CaseParty) -> usize| parties().map(f).max().unwrap_or(0);
    let name_w =
        (widest(&|p| text::width(&name(&d.names, p.party))) + 1).min((w / 4).clamp(10, 30));
    let role_w = (widest(&|p| text::width(&or_dash(&p.role))) + 1).clamp(6, 24);
    // The start date only where there is room for it.
    let with_from = w >= 100;
    rows_in(state, items.len(), sel, area, buf, |i| match items[i] {
        TriadItem::Party(p) => {
            let ended = p.until.is_some();
            let base = if ended { t.dim() } else { t.plain() };
            let mut spans = vec![
                styled(format!("{} ", l.sector_tag(p.sector)), t.sector(p.sector)),
                styled(col(&name(&d.names, p.party), name_w, cut), base),
                styled(col(&or_dash(&p.role), role_w, cut), base),
            ];
            if with_from {
                spans.push(styled(format!("{} ", p.from), t.dim()));
            }
            match p.until {
                Some(u) => spans.push(styled(format!("{} {u}", l.t("ended", "終了")), t.dim())),
                None => spans.push(styled(l.t("ongoing", "継続中"), t.dim())),
            }
            // Where a person works (or worked): the partnership may outlive
            // the job, so the date they left survives the cut and the
            // workplace's name gives way.
            if let Some(a) = d
                .affiliations
                .iter()
                .filter(|a| a.person == p.party)
                .max_by_key(|a| (a.until.is_none(), a.from))
            {
                let when = match a.until {
                    Some(u) => format!(" ({} {u})", l.t("left", "所属終了")),
                    None => String::new(),
                };
                let used: usize = spans.iter().map(|s| text::width(&s.content)).sum();
                let room = w.saturating_sub(used + 4 + text::width(&when));
                let at = text::fit(&name(&d.names, a.body), room, cut);
                let at = format!("  @ {at}{when}").replace("@  (", "@ (");
                spans.push(styled(at, t.dim()));
            }
            spans
        }
        TriadItem::Relationship(r) => {
            let mut spans = vec![styled(format!("{} ", l.t("rel", "関係")), t.dim())];
            spans.extend(edge_spans(state, d, r, name_w.min(20)));
            if let Some(first) = r.trust.first() {
                spans.push(styled(
                    format!("  {} {}", l.t("since", "開始"), first.on),
                    t.dim(),
                ));
            }
            spans
        }
    });
}

pub fn referrals(
    state: &State,
    s: &CaseScreen,
    d: &CaseDetail,
    sel: Scroll,
    area: Rect,
    buf: &mut Buffer,
) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    let rows = view::referral_rows(s, d);
    let w = usize::from(area.width).saturating_sub(2);
    let route = |r: &crate::model::Referral| {
        format!(
            "{} {} {}",
            name(&d.names, r.from),
            t.sym.arrow,
            name(&d.names, r.to)
        )
    };
    // Below 100 columns the category and the days since sending give
    // their room to who referred whom (all of it is in the referral's
    // view); "from » to" takes what it needs and the outcome the rest, so
    // a wider terminal shows more of the outcome.
    let narrow = w < 100;
    let fixed = if narrow {
        2 + 11 + 10 + 12
    } else {
        2 + 11 + 14 + 10 + 6 + 12
    };
    let flex = w.saturating_sub(fixed);
    let longest = d
        .referrals
        .iter()
        .map(|r| text::width(&route(r)) + 1)
        .max()
        .unwrap_or(8);
    let route_w = longest.min(flex.saturating_sub(10)).max(8);
    let outcome_w = flex.saturating_sub(route_w);
    let mut heading = vec![
        Span::raw("    "),
        Span::raw(pad(l.t("date", "日付"), 11, cut)),
        Span::raw(pad(
            &format!(
                "{} {} {}",
                l.t("from", "紹介元"),
                t.sym.arrow,
                l.t("to", "紹介先")
            ),
            route_w,
            cut,
        )),
    ];
    if !narrow {
        heading.push(Span::raw(pad(l.t("for", "分野"), 14, cut)));
    }
    heading.push(Span::raw(pad(l.t("status", "状態"), 10, cut)));
    if !narrow {
        heading.push(Span::raw(pad(l.t("days", "経過"), 6, cut)));
    }
    heading.extend([
        Span::raw(pad(l.t("follow-up", "確認予定"), 12, cut)),
        Span::raw(pad(l.t("outcome", "結果"), outcome_w, cut)),
    ]);
    let head_area = Rect {
        height: 1.min(area.height),
        ..area
    };
    lines_in(
        vec![
            Line::from(fit_spans(heading, usize::from(area.width), cut))
                .style(t.title().add_modifier(Modifier::UNDERLINED)),
        ],
        head_area,
        buf,
    );
    let body = Rect {
        y: area.y.saturating_add(1),
        height: area.height.saturating_sub(1),
        ..area
    };
    if rows.is_empty() {
        return empty_hint(
            state,
            body,
            buf,
            l.t("No referrals.", "紹介はありません。"),
            (
                &crate::app::Action::ProposeReferral,
                l.t("proposes one.", "で提案。"),
            ),
        );
    }
    let today = state.today();
    rows_in(state, rows.len(), sel, body, buf, |i| match rows[i] {
        ReferralRow::Referral(r) => {
            let open = s.expanded.contains(&r.id);
            let mark = if open {
                t.sym.expanded
            } else {
                t.sym.collapsed
            };
            let status = r.status();
            let date = r.sent_on().or_else(|| r.history.first().map(|h| h.on));
            let days = r.sent_on().filter(|_| status.is_open()).map_or_else(
                || "-".to_string(),
                |s| format!("{}{}", (today - s).num_days(), l.t("d", "日")),
            );
            let overdue = r.follow_up_overdue(today);
            let fu = match r.follow_up {
                Some(f) if overdue => format!("!{f}"),
                Some(f) => f.to_string(),
                None => "-".into(),
            };
            let route = route(r);
            let outcome = if r.decline_reason.is_empty() {
                or_dash(&r.outcome)
            } else {
                text::clean(&r.decline_reason)
            };
            let mut spans = vec![
                styled(format!("{mark} "), t.dim()),
                Span::raw(col(
                    &date.map(|d| d.to_string()).unwrap_or_default(),
                    11,
                    cut,
                )),
                Span::raw(col(&route, route_w, cut)),
            ];
            if !narrow {
                spans.push(Span::raw(col(l.category(r.category), 14, cut)));
            }
            spans.push(styled(
                col(l.referral_status(status), 10, cut),
                t.referral_status(status),
            ));
            if !narrow {
                spans.push(Span::raw(col(&days, 6, cut)));
            }
            spans.extend([
                styled(
                    col(&fu, 12, cut),
                    if overdue { t.error() } else { t.plain() },
                ),
                styled(text::fit(&outcome, outcome_w, cut), t.dim()),
            ]);
            spans
        }
        ReferralRow::Step(r, step) => {
            // A corrected step shows what it should read, and that it was
            // corrected (the step as recorded stays in the store).
            let i = r.history.iter().position(|h| std::ptr::eq(h, step));
            let (on, note) = i
                .and_then(|i| r.step_on(i))
                .unwrap_or((step.on, &step.note));
            let corrected = on != step.on || note != step.note;
            let mut spans = vec![
                Span::raw("    "),
                styled(format!("{on}  "), t.dim()),
                styled(
                    pad(l.referral_status(step.status), 10, cut),
                    t.referral_status(step.status),
                ),
                styled(
                    format!("{} {}", l.t("by", "記録"), text::clean(&step.by)),
                    t.dim(),
                ),
            ];
            // What was provided, and under which consent or whose override.
            match step.provision.as_ref().map(|p| &p.basis) {
                Some(ProvisionBasis::Consent { consent }) => spans.push(styled(
                    format!("  {} {consent}", l.t("shared under", "同意")),
                    t.ok(),
                )),
                Some(ProvisionBasis::Override { reason }) => spans.push(styled(
                    format!(
                        "  {}: {}",
                        l.t("sent without consent", "同意なしで送付"),
                        text::clean(reason)
                    ),
                    t.warn(),
                )),
                None => {}
            }
            if !note.is_empty() {
                spans.push(Span::raw(format!("  {}", text::clean(note))));
            }
            if corrected {
                spans.push(styled(
                    format!(
                        "  ({} {})",
                        l.t("corrected; recorded as", "訂正済み。元の記録:"),
                        step.on
                    ),
                    t.dim(),
                ));
            }
            spans
        }
    });
}

/// The audit trail of the case, newest first: who opened or changed what.
pub fn audit(
    state: &State,
    s: &CaseScreen,
    d: &CaseDetail,
    sel: Scroll,
    area: Rect,
    buf: &mut Buffer,
) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    if state.role != crate::model::AccessRole::Coordinator {
        return empty(
            state,
            area,
            buf,
            l.t(
                "Only coordinators see the audit trail.",
                "監査記録はコーディネーターのみ閲覧できます。",
            ),
        );
    }
    let rows = view::audit_rows(s, d);
    if rows.is_empty() {
        return empty(
            state,
            area,
            buf,
            l.t("Nothing logged yet.", "記録はまだありません。"),
        );
    }
    rows_in(state, rows.len(), sel, area, buf, |i| {
        let e = rows[i];
        let style = match e.action {
            AuditAction::Refused => t.error(),
            AuditAction::View | AuditAction::Reveal => t.dim(),
            _ => t.plain(),
        };
        vec![
            styled(
                // Stored in UTC, shown in the reader's time (as `triad audit`).
                format!(
                    "{} ",
                    e.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M")
                ),
                t.dim(),
            ),
            Span::raw(col(&text::clean(&e.user), 12, cut)),
            styled(col(audit_action(l, e.action), 10, cut), style),
            Span::raw(col(
                &e.entity.map(|i| i.to_string()).unwrap_or_default(),
                8,
                cut,
            )),
            styled(text::clean(&e.text(l)), t.dim()),
        ]
    });
}

fn audit_action(l: crate::i18n::Lang, a: AuditAction) -> &'static str {
    match a {
        AuditAction::Create => l.t("created", "作成"),
        AuditAction::Update => l.t("changed", "変更"),
        AuditAction::Delete => l.t("deleted", "削除"),
        AuditAction::Export => l.t("exported", "書き出し"),
        AuditAction::Import => l.t("imported", "取り込み"),
        AuditAction::View => l.t("viewed", "閲覧"),
        AuditAction::Refused => l.t("refused", "拒否"),
        AuditAction::Reveal => l.t("revealed", "表示"),
        AuditAction::Seal => l.t("sealed", "封印"),
    }
}

/// Whether the current user may read a note: private notes are shown
/// only to their author, everyone else sees that one exists.
fn readable(state: &State, n: &crate::model::TrustNote) -> bool {
    view::note_shown(state, n)
}

pub fn notes(
    state: &State,
    s: &CaseScreen,
    d: &CaseDetail,
    sel: Scroll,
    area: Rect,
    buf: &mut Buffer,
) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    let rows = view::note_rows(s, d, &state.cfg);
    if rows.is_empty() {
        return empty_hint(
            state,
            area,
            buf,
            l.t("No trust notes.", "信頼メモはありません。"),
            (&crate::app::Action::AddNote, l.t("adds one.", "で追加。")),
        );
    }
    rows_in(state, rows.len(), sel, area, buf, |i| {
        let n = rows[i];
        let mut spans = vec![
            styled(format!("{} ", n.at.date_naive()), t.dim()),
            Span::raw(col(&text::clean(&n.author), 11, cut)),
            styled(
                format!("[{}] ", l.confidentiality(n.confidentiality)),
                t.confidentiality(n.confidentiality),
            ),
        ];
        if let Some(level) = n.trust_change {
            spans.push(styled(format!("{} ", l.t("trust", "信頼度")), t.dim()));
            spans.extend(trust_spans(state, Some(level.get())));
            spans.push(Span::raw(" "));
        }
        if let Some(a) = n.about {
            spans.push(styled(format!("({}) ", name(&d.names, a)), t.dim()));
        }
        if let Some(old) = n.corrects {
            let label = l.t("corrects", "訂正:");
            spans.push(styled(format!("[{label} {old}] "), t.dim()));
        }
        if let Some(by) = d.notes.iter().find(|x| x.corrects == Some(n.id)) {
            let label = l.t("corrected by", "訂正済み:");
            spans.push(styled(format!("[{label} {}] ", by.id), t.dim()));
        }
        if readable(state, n) {
            spans.push(Span::raw(text::clean(n.text.lines().next().unwrap_or(""))));
            // The rest is in the preview and the note's view (Enter).
            let more = n.text.trim_end().lines().count().saturating_sub(1);
            if more > 0 {
                spans.push(styled(
                    format!(" {}(+{more} {})", t.sym.cut, l.t("lines", "行")),
                    t.dim(),
                ));
            }
        } else {
            let why = if state.cfg.meeting {
                l.t("(hidden in meeting mode)", "（会議モードでは非表示）")
                    .to_string()
            } else {
                format!(
                    "({} {})",
                    l.t("private note by", "非公開メモ:"),
                    text::clean(&n.author)
                )
            };
            spans.push(styled(why, t.dim()));
        }
        spans
    });
}

/// The selected note in full, wrapped.
pub fn note_preview(
    state: &State,
    s: &CaseScreen,
    d: &CaseDetail,
    sel: Scroll,
    area: Rect,
    buf: &mut Buffer,
) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let rows = view::note_rows(s, d, &state.cfg);
    let Some(n) = rows.get(sel.sel) else {
        return;
    };
    title_rule(state, l.t("Note", "メモ"), false, area, buf);
    let inner = Rect {
        y: area.y.saturating_add(1),
        height: area.height.saturating_sub(1),
        x: area.x.saturating_add(1),
        width: area.width.saturating_sub(2),
    };
    let lines: Vec<Line<'static>> = if readable(state, n) {
        text::wrap(&n.text, usize::from(inner.width))
            .into_iter()
            .map(Line::raw)
            .collect()
    } else {
        let why = if state.cfg.meeting {
            l.t(
                "Hidden in meeting mode: only shared notes are shown.",
                "会議モードでは共有可のメモのみ表示します。",
            )
        } else {
            l.t(
                "Private: only its author can read it.",
                "非公開: 作成者のみ閲覧できます。",
            )
        };
        vec![Line::from(styled(why, t.dim()))]
    };
    lines_in(lines, inner, buf);
}

/// The selected party in full (role, dates, every workplace with its
/// dates) or relationship (its trust history), wrapped: what the one-line
/// row had to cut at 80 columns.
pub fn triad_preview(state: &State, d: &CaseDetail, sel: Scroll, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let items = view::triad_items(d);
    let Some(item) = items.get(sel.sel) else {
        return;
    };
    let mut paras: Vec<(String, ratatui::style::Style)> = Vec::new();
    let title = match item {
        TriadItem::Party(p) => {
            let until = match p.until {
                Some(u) => format!("{} {u}", l.t("ended", "終了")),
                None => l.t("ongoing", "継続中").to_string(),
            };
            paras.push((
                format!(
                    "{} ({})  {}  {} {} {until}",
                    name(&d.names, p.party),
                    p.party,
                    l.sector(p.sector),
                    p.from,
                    t.sym.arrow
                ),
                t.plain(),
            ));
            paras.push((
                format!("{}: {}", l.t("role", "役割"), or_dash(&p.role)),
                t.plain(),
            ));
            let mut jobs: Vec<_> = d
                .affiliations
                .iter()
                .filter(|a| a.person == p.party)
                .collect();
            jobs.sort_by_key(|a| (a.until.is_none(), a.from));
            for a in jobs.into_iter().rev() {
                let until = match a.until {
                    Some(u) => format!("{} {u}", l.t("left", "所属終了")),
                    None => l.t("now", "現在").to_string(),
                };
                let style = if a.until.is_some() {
                    t.dim()
                } else {
                    t.plain()
                };
                // Dates first: a wrapped line must not push them out of view.
                paras.push((
                    format!(
                        "{} {} {until}  @ {}  {}",
                        a.from,
                        t.sym.arrow,
                        name(&d.names, a.body),
                        or_dash(&a.title)
                    ),
                    style,
                ));
            }
            l.t("Party", "関係者")
        }
        TriadItem::Relationship(r) => {
            paras.push((
                format!("{} & {}", name(&d.names, r.a), name(&d.names, r.b)),
                t.plain(),
            ));
            let steps: Vec<String> = r
                .trust
                .iter()
                .map(|c| format!("{} {}", c.on, c.level.get()))
                .collect();
            paras.push((
                format!("{}: {}", l.t("trust", "信頼度"), steps.join(", ")),
                t.plain(),
            ));
            l.t("Relationship", "関係")
        }
    };
    title_rule(state, title, false, area, buf);
    let inner = Rect {
        y: area.y.saturating_add(1),
        height: area.height.saturating_sub(1),
        x: area.x.saturating_add(1),
        width: area.width.saturating_sub(2),
    };
    let lines: Vec<Line<'static>> = paras
        .into_iter()
        .flat_map(|(p, style)| {
            text::wrap(&p, usize::from(inner.width))
                .into_iter()
                .map(move |line| Line::from(styled(line, style)))
        })
        .collect();
    lines_in(lines, inner, buf);
}

/// The selected timeline row in full: a partnership (its span, every
/// party, its description and cadences) or an event (title, attendance,
/// note); a year's row shows its partnership.
pub fn timeline_preview(
    state: &State,
    rows: &[TimelineRow<'_>],
    names: &HashMap<Id, String>,
    sel: Scroll,
    area: Rect,
    buf: &mut Buffer,
) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let Some(row) = rows.get(sel.sel) else {
        return;
    };
    let mut paras: Vec<String> = Vec::new();
    let title = match row {
        TimelineRow::Event(_, e) => {
            paras.push(format!(
                "{}  {}  {}",
                e.date,
                l.event_kind(e.kind),
                text::clean(&e.title)
            ));
            if let Some(a) = &e.attendance {
                paras.push(attendance(state, a));
            }
            if !e.note.is_empty() {
                paras.push(e.note.clone());
            }
            l.t("Event", "行事")
        }
        _ => {
            let p = row.partnership();
            let span = match p.ended {
                Some(e) => format!("{} {} {e}", p.started, t.sym.arrow),
                None => format!(
                    "{} {} ({})",
                    l.t("since", "開始"),
                    p.started,
                    l.t("ongoing", "継続中")
                ),
            };
            paras.push(format!("{}  {}", text::clean(&p.title), span));
            let who: Vec<String> = p.parties.iter().map(|x| name(names, *x)).collect();
            paras.push(who.join(l.t(", ", "、")));
            if !p.description.is_empty() {
                paras.push(p.description.clone());
            }
            l.t("Partnership", "連携")
        }
    };
    title_rule(state, title, false, area, buf);
    let inner = Rect {
        y: area.y.saturating_add(1),
        height: area.height.saturating_sub(1),
        x: area.x.saturating_add(1),
        width: area.width.saturating_sub(2),
    };
    let lines: Vec<Line<'static>> = paras
        .iter()
        .flat_map(|p| text::wrap(p, usize::from(inner.width)))
        .map(Line::raw)
        .collect();
    lines_in(lines, inner, buf);
}

/// The row of panel names with their counts; the current one marked (by
/// symbol and style, so it shows without colour too).
pub(super) fn tab_bar(state: &State, tabs: &[(&str, usize, bool)], area: Rect, buf: &mut Buffer) {
    let t = &Theme::of(&state.cfg);
    let mut spans = Vec::new();
    for &(name, n, current) in tabs {
        if current {
            spans.push(styled(
                format!("{}{name} ({n}) ", t.sym.selected),
                t.selected(),
            ));
        } else {
            spans.push(styled(format!(" {name} ({n}) "), t.dim()));
        }
        spans.push(Span::raw(" "));
    }
    let line = Line::from(fit_spans(spans, usize::from(area.width), t.sym.cut));
    lines_in(vec![line], area, buf);
}

/// Attendance by sector: `peer 15 med 18 gov 4`; `-` where not counted.
fn attendance(state: &State, a: &crate::model::Attendance) -> String {
    let l = state.lang();
    let n = |v: Option<u32>| v.map_or("-".to_string(), |v| v.to_string());
    format!(
        "{} {} {} {} {} {}",
        l.t("peer", "ピア"),
        n(a.peer),
        l.t("med", "医療"),
        n(a.medical),
        l.t("gov", "行政"),
        n(a.government)
    )
}

/// Year by year: each partnership, each year a layer with a bar of its
/// activity, then the year's events.
pub fn timeline(
    state: &State,
    rows: &[TimelineRow<'_>],
    names: &HashMap<Id, String>,
    sel: Scroll,
    area: Rect,
    buf: &mut Buffer,
) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    if rows.is_empty() {
        return empty(
            state,
            area,
            buf,
            l.t(
                "No partnerships involve these parties yet.",
                "この関係者が関わる連携はまだありません。",
            ),
        );
    }
    const BAR: usize = 10;
    rows_in(state, rows.len(), sel, area, buf, |i| match rows[i] {
        TimelineRow::Partnership(p) => {
            let who: Vec<String> = p.parties.iter().map(|x| name(names, *x)).collect();
            let span = match p.ended {
                Some(e) => format!("{} {} {} {e}", p.started, t.sym.arrow, l.t("ended", "終了")),
                None => format!(
                    "{} {} {}",
                    l.t("since", "開始"),
                    p.started,
                    l.t("(ongoing)", "（継続中）")
                ),
            };
            vec![
                styled(format!("{} ", p.id), t.dim()),
                styled(text::clean(&p.title), t.heading()),
                styled(format!("  {span}  "), t.dim()),
                Span::raw(who.join(", ")),
            ]
        }
        TimelineRow::Year { year, until, .. } if until > year => vec![styled(
            format!("  {year}-{until}: {}", l.t("nothing", "記録なし")),
            t.dim(),
        )],
        TimelineRow::Year {
            year, count, max, ..
        } => {
            let filled = if count == 0 || max == 0 {
                0
            } else {
                (count * BAR).div_ceil(max).clamp(1, BAR)
            };
            vec![
                styled(format!("  {year} "), t.title()),
                styled(t.sym.bar.repeat(filled), t.ok()),
                styled(t.sym.bar_empty.repeat(BAR - filled), t.dim()),
                styled(
                    format!(" {count}"),
                    if count == 0 { t.dim() } else { t.plain() },
                ),
            ]
        }
        TimelineRow::Event(_, e) => {
            // The counts come before the title, which can be long: at 80
            // columns the title gives way (Enter shows it in full).
            let mut spans = vec![
                styled(format!("      {} ", e.date), t.dim()),
                styled(pad(l.event_kind(e.kind), 13, cut), t.dim()),
            ];
            if let Some(a) = &e.attendance {
                spans.push(styled(format!("{}  ", attendance(state, a)), t.dim()));
            }
            spans.push(Span::raw(text::clean(&e.title)));
            if !e.note.is_empty() {
                spans.push(styled(format!("  ({})", text::clean(&e.note)), t.dim()));
            }
            spans
        }
    });
}

pub fn consents(
    state: &State,
    s: &CaseScreen,
    d: &CaseDetail,
    sel: Scroll,
    area: Rect,
    buf: &mut Buffer,
) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    let rows = view::consent_rows(s, d);
    if rows.is_empty() {
        return empty_hint(
            state,
            area,
            buf,
            l.t(
                "No consent recorded: outreach is not agreed.",
                "同意の記録はありません（介入は未同意）。",
            ),
            (
                &crate::app::Action::RecordConsent,
                l.t("records one.", "で記録。"),
            ),
        );
    }
    let today = state.today();
    rows_in(state, rows.len(), sel, area, buf, |i| {
        let c = rows[i];
        let status = c.status(today);
        let style = match status {
            ConsentStatus::Active => t.ok(),
            ConsentStatus::Expired => t.warn(),
            ConsentStatus::Withdrawn => t.error(),
        };
        let mut scope = Vec::new();
        if c.scope.intervention {
            scope.push(l.t("intervention", "介入"));
        }
        if c.scope.information_sharing {
            scope.push(l.t("sharing", "情報共有"));
        }
        let to: Vec<String> = c.granted_to.iter().map(|p| name(&d.names, *p)).collect();
        let mut spans = vec![
            styled(format!("{} ", c.id), t.dim()),
            styled(pad(l.consent_status(status), 10, cut), style),
            Span::raw(format!("{} {}  ", l.t("given", "同意日"), c.given_on)),
        ];
        if let Some(w) = c.withdrawn_on {
            spans.push(styled(
                format!("{} {w}  ", l.t("withdrawn", "撤回"),),
                t.error(),
            ));
        } else if let Some(e) = c.expires_on {
            spans.push(Span::raw(format!("{} {e}  ", l.t("expires", "期限"))));
        }
        spans.push(Span::raw(format!("{}  ", scope.join("+"))));
        spans.push(Span::raw(format!(
            "{} {}",
            l.t("to", "対象"),
            to.join(", ")
        )));
        if !c.scope.information.is_empty() {
            spans.push(styled(
                format!("  [{}]", text::clean(&c.scope.information.join(", "))),
                t.dim(),
            ));
        }
        spans.push(styled(
            format!("  ({})", text::clean(&c.obtained_how)),
            t.dim(),
        ));
        // The provisions made under it: to whom, when, by which referral.
        let provided: Vec<String> = d
            .referrals
            .iter()
            .filter_map(|r| r.provision().map(|p| (r.id, p)))
            .filter(
                |(_, p)| matches!(p.basis, ProvisionBasis::Consent { consent } if consent == c.id),
            )
            .map(|(id, p)| format!("{id} {} {} {}", t.sym.arrow, name(&d.names, p.to), p.on))
            .collect();
        if !provided.is_empty() {
            spans.push(styled(
                format!("  {}: {}", l.t("provided", "提供記録"), provided.join("; ")),
                t.plain(),
            ));
        }
        spans
    });
}
