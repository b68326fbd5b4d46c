//! The case view: a header, the triad diagram (three sectors, their
//! parties, the relationships between them with trust levels), then the
//! panels you move between with Tab.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::dashboard::fit_spans;
use super::text::{self, col, pad};
use super::{Theme, filter_line, lines_in, panels, styled, title_rule};
use crate::app::state::{CasePanel, CaseScreen, State};
use crate::app::view;
use crate::model::{Relationship, Sector};
use crate::query::data::CaseDetail;

/// Where each part of the case view goes.
pub struct CaseLayout {
    pub header: Rect,
    pub triad: Rect,
    pub tabs: Rect,
    pub filter: Option<Rect>,
    pub panel: Rect,
    pub preview: Option<Rect>,
}

/// Parties per sector and relationships the diagram shows at this height.
fn caps(body: Rect) -> (usize, usize) {
    if body.height >= 40 {
        (6, 5)
    } else if body.height >= 28 {
        (4, 3)
    } else {
        (3, 2)
    }
}

pub fn layout(s: &CaseScreen, body: Rect) -> CaseLayout {
    let (cap_p, cap_r) = caps(body);
    let (parties, rels) = match s.detail.as_deref() {
        Some(d) => {
            let most = Sector::ALL
                .iter()
                .map(|sec| d.case.parties.iter().filter(|p| p.sector == *sec).count())
                .max()
                .unwrap_or(0);
            (most.clamp(1, cap_p), d.relationships.len().clamp(1, cap_r))
        }
        None => (1, 1),
    };
    let mut rows = super::Rows::new(body);
    // Title and status; then client, coordinator and condition, which one
    // line at 80 columns would cut.
    let header = rows.take(2);
    // Title rule + sector headings + parties + relationships.
    let triad = rows.take(2 + parties + rels);
    let tabs = rows.take(1);
    let filter = (s.editing || !s.filter.is_empty()).then(|| rows.take(1));
    let rest = usize::from(rows.left());
    // The selected note, party, relationship, partnership or event in
    // full under its list.
    let previewed = matches!(
        s.panel,
        CasePanel::Notes | CasePanel::Triad | CasePanel::Timeline
    );
    let preview_h = match s.detail.as_deref() {
        _ if !previewed || rest < 10 => 0,
        // The triad's few rows leave the rest to the selected party.
        Some(d) if s.panel == CasePanel::Triad => rest
            .saturating_sub(view::triad_items(d).len())
            .max(rest / 3)
            .min(8),
        _ => (rest / 3).min(8),
    };
    let panel = rows.take(rest - preview_h);
    let preview = (preview_h > 0).then(|| rows.take(preview_h));
    CaseLayout {
        header,
        triad,
        tabs,
        filter,
        panel,
        preview,
    }
}

pub fn panel_rows(_state: &State, s: &CaseScreen, body: Rect) -> u16 {
    panels::list_rows(s.panel, layout(s, body).panel)
}

pub fn filter_cursor(_state: &State, s: &CaseScreen, body: Rect) -> Option<Position> {
    layout(s, body)
        .filter
        .map(|r| super::filter_cursor(&s.filter, r))
}

pub fn draw(state: &State, s: &CaseScreen, body: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let lay = layout(s, body);
    let Some(d) = s.detail.as_deref() else {
        let msg = match &s.error {
            Some(e) => format!(" {} {}: {e}", l.t("Cannot open", "開けません"), s.id),
            None => format!(" {} {}...", l.t("Loading", "読み込み中"), s.id),
        };
        let style = if s.error.is_some() {
            t.error()
        } else {
            t.dim()
        };
        lines_in(vec![Line::from(styled(msg, style))], body, buf);
        return;
    };
    header(state, d, lay.header, buf);
    triad(state, d, lay.triad, buf);
    tabs(state, s, d, lay.tabs, buf);
    if let Some(f) = lay.filter {
        lines_in(
            vec![filter_line(state, &s.filter, s.editing, f.width)],
            f,
            buf,
        );
    }
    let sel = s.scroll[view::panel_index(s.panel)];
    match s.panel {
        CasePanel::Triad => {
            panels::triad_list(state, d, sel, lay.panel, buf);
            if let Some(p) = lay.preview {
                panels::triad_preview(state, d, sel, p, buf);
            }
        }
        CasePanel::Referrals => panels::referrals(state, s, d, sel, lay.panel, buf),
        CasePanel::Notes => {
            panels::notes(state, s, d, sel, lay.panel, buf);
            if let Some(p) = lay.preview {
                panels::note_preview(state, s, d, sel, p, buf);
            }
        }
        CasePanel::Timeline => {
            let rows = view::timeline_rows(&d.timelines, state.today(), &s.filter.text);
            panels::timeline(state, &rows, &d.names, sel, lay.panel, buf);
            if let Some(p) = lay.preview {
                panels::timeline_preview(state, &rows, &d.names, sel, p, buf);
            }
        }
        CasePanel::Consents => panels::consents(state, s, d, sel, lay.panel, buf),
        CasePanel::Audit => panels::audit(state, s, d, sel, lay.panel, buf),
    }
}

fn header(state: &State, d: &CaseDetail, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let c = &d.case;
    let name = |id| d.names.get(&id).cloned().unwrap_or_else(|| state.name(id));
    let first = vec![
        styled(format!(" {} ", c.id), t.dim()),
        styled(text::clean(&c.title), t.title()),
        Span::raw("  "),
        styled(l.case_status(c.status), t.case_status(c.status)),
    ];
    let mut second = vec![Span::raw(" ")];
    let mut part = |s: Span<'static>| {
        if second.len() > 1 {
            second.push(Span::raw(t.sym.sep));
        }
        second.push(s);
    };
    if let Some(cl) = c.client {
        part(Span::raw(format!(
            "{} {}",
            l.t("client", "相談者"),
            text::clean(&name(cl))
        )));
    }
    if let Some(co) = c.coordinator {
        part(Span::raw(format!(
            "{} {}",
            l.t("coordinator", "担当"),
            text::clean(&name(co))
        )));
    }
    if !c.condition.is_empty() {
        part(styled(text::clean(&c.condition), t.dim()));
    }
    let w = usize::from(area.width);
    lines_in(
        vec![
            Line::from(fit_spans(first, w, t.sym.cut)),
            Line::from(fit_spans(second, w, t.sym.cut)),
        ],
        area,
        buf,
    );
}

/// `4 ▮▮▮▮▯`: the number carries the meaning, the bar and colour help.
pub fn trust_spans(state: &State, level: Option<u8>) -> Vec<Span<'static>> {
    let t = &Theme::of(&state.cfg);
    match level {
        Some(n) => {
            let n = n.min(crate::model::TrustLevel::MAX);
            let empty = crate::model::TrustLevel::MAX - n;
            vec![
                styled(
                    format!("{n} "),
                    t.trust(n).add_modifier(ratatui::style::Modifier::BOLD),
                ),
                styled(t.sym.bar.repeat(usize::from(n)), t.trust(n)),
                styled(t.sym.bar_empty.repeat(usize::from(empty)), t.dim()),
            ]
        }
        None => vec![styled("? ", t.dim())],
    }
}

/// One relationship as an edge: `M Dr. K ╌╌ 4 ▮▮▮▮▯ ╌╌ P Polio assoc.`
pub fn edge_spans(
    state: &State,
    d: &CaseDetail,
    r: &Relationship,
    name_w: usize,
) -> Vec<Span<'static>> {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    let side = |id| {
        let sector = view::sector_in_case(d, id);
        let name = d.names.get(&id).cloned().unwrap_or_else(|| id.to_string());
        let tag = sector.map_or("?", |s| l.sector_tag(s));
        let style = sector.map_or(t.plain(), |s| t.sector(s));
        vec![
            styled(format!("{tag} "), style),
            Span::raw(col(&text::clean(&name), name_w, cut)),
        ]
    };
    let mut spans = side(r.a);
    spans.push(styled(format!(" {} ", t.sym.link), t.dim()));
    spans.extend(trust_spans(state, r.level().map(|x| x.get())));
    spans.push(styled(format!(" {} ", t.sym.link), t.dim()));
    spans.extend(side(r.b));
    if r.trust.len() > 1 {
        let was = r.trust[r.trust.len() - 2].level.get();
        spans.push(styled(format!(" ({} {was})", l.t("was", "前回")), t.dim()));
    }
    spans
}

fn triad(state: &State, d: &CaseDetail, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    if area.height == 0 {
        return;
    }
    title_rule(state, l.t("Triad", "三者連携"), false, area, buf);
    let w = usize::from(area.width);
    let col = (w.saturating_sub(2) / 3).max(1);
    let (cap_p, cap_r) = caps(Rect { height: 99, ..area });
    let cap_p = cap_p.min(usize::from(area.height.saturating_sub(3)).max(1));
    let mut lines: Vec<Line<'static>> = Vec::new();
    // Sector headings.
    let mut heads = Vec::new();
    let columns: Vec<Vec<&crate::model::CaseParty>> = Sector::ALL
        .iter()
        .map(|s| view::parties_of(d, *s))
        .collect();
    for (i, s) in Sector::ALL.into_iter().enumerate() {
        let active = columns[i].iter().filter(|p| p.until.is_none()).count();
        let head = format!("{} {} ({active})", l.sector_tag(s), l.sector(s));
        heads.push(styled(pad(&head, col, cut), t.sector(s)));
        heads.push(Span::raw(" "));
    }
    lines.push(Line::from(fit_spans(heads, w, cut)));
    let most = columns.iter().map(Vec::len).max().unwrap_or(0);
    let shown = most.clamp(1, cap_p);
    for row in 0..shown {
        let mut spans = Vec::new();
        for parties in &columns {
            let last_row = row + 1 == shown && parties.len() > shown;
            let cell = if last_row {
                let more = parties.len() - row;
                styled(
                    pad(&format!("+{more} {}", l.t("more", "件")), col, cut),
                    t.dim(),
                )
            } else if let Some(p) = parties.get(row) {
                let name = d
                    .names
                    .get(&p.party)
                    .cloned()
                    .unwrap_or_else(|| p.party.to_string());
                match p.until {
                    // Ended roles stay, dimmed, with their end date in words.
                    Some(u) => {
                        // The end date must survive the cut; the name gives way.
                        let ended = format!(" ({} {u})", l.t("ended", "終了"));
                        let room = col.saturating_sub(text::width(&ended));
                        let shown = format!("{}{ended}", text::fit(&text::clean(&name), room, cut));
                        styled(pad(&shown, col, cut), t.dim())
                    }
                    None => Span::raw(pad(
                        &format!("{}  {}", text::clean(&name), text::clean(&p.role)),
                        col,
                        cut,
                    )),
                }
            } else if row == 0 {
                styled(pad(l.t("(none)", "（なし）"), col, cut), t.dim())
            } else {
                Span::raw(" ".repeat(col))
            };
            spans.push(cell);
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(fit_spans(spans, w, cut)));
    }
    // Edges with their trust levels.
    let name_w = (w.saturating_sub(30) / 2).clamp(6, 28);
    let rels = &d.relationships;
    if rels.is_empty() {
        let key = state
            .keymap
            .key_for(crate::keymap::Mode::Normal, &crate::app::Action::SetTrust)
            .unwrap_or_default();
        lines.push(Line::from(styled(
            format!(
                " {} {key} {}",
                l.t(
                    "No relationships recorded yet;",
                    "関係の記録はまだありません。"
                ),
                l.t("records a trust level.", "で信頼度を記録。")
            ),
            t.dim(),
        )));
    }
    for (i, r) in rels.iter().take(cap_r).enumerate() {
        if i + 1 == cap_r && rels.len() > cap_r {
            let more = rels.len() - i;
            lines.push(Line::from(styled(
                format!(
                    " +{more} {}",
                    l.t("more relationships (Triad panel)", "件の関係（三者パネル）")
                ),
                t.dim(),
            )));
            break;
        }
        let mut spans = vec![Span::raw(" ")];
        spans.extend(edge_spans(state, d, r, name_w));
        lines.push(Line::from(fit_spans(spans, w, cut)));
    }
    let inner = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    lines_in(lines, inner, buf);
}

fn tabs(state: &State, s: &CaseScreen, d: &CaseDetail, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let tabs: Vec<(&str, usize, bool)> = CasePanel::ALL
        .into_iter()
        .map(|p| {
            let (name, n) = match p {
                CasePanel::Triad => (
                    l.t("Triad", "三者"),
                    d.case.parties.len() + d.relationships.len(),
                ),
                CasePanel::Referrals => (l.t("Referrals", "紹介"), d.referrals.len()),
                CasePanel::Notes => (l.t("Trust notes", "信頼メモ"), d.notes.len()),
                CasePanel::Timeline => (l.t("Timeline", "連携の歩み"), d.timelines.len()),
                CasePanel::Consents => (l.t("Consents", "同意"), d.consents.len()),
                CasePanel::Audit => (l.t("Audit", "監査"), d.audit.len()),
            };
            (name, n, p == s.panel)
        })
        .collect();
    panels::tab_bar(state, &tabs, area, buf);
}
