//! Body and person views: who they are, their cases, their affiliations
//! with dates, and the partnerships they are part of, year by year.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::dashboard::fit_spans;
use super::text::{self, pad};
use super::{Theme, filter_line, lines_in, list_row, or_dash, panels, styled};
use crate::app::state::{PartyPanel, PartyScreen, State, visible};
use crate::app::view;
use crate::model::{Period, Record};
use crate::query::data::PartyDetail;

pub struct PartyLayout {
    pub header: Rect,
    pub tabs: Rect,
    pub filter: Option<Rect>,
    pub panel: Rect,
    /// The selected partnership or event in full, under the timeline.
    pub preview: Option<Rect>,
}

/// Header rows: a person's roles, skills and activity range matter (a
/// coordinator checks them before asking a peer supporter), so each gets
/// its own line rather than being cut at 80 columns.
const HEADER_ROWS: u16 = 4;

pub fn layout(s: &PartyScreen, body: Rect) -> PartyLayout {
    let mut rows = super::Rows::new(body);
    let header = rows.take(usize::from(HEADER_ROWS));
    let tabs = rows.take(1);
    let filter = (s.editing || !s.filter.is_empty()).then(|| rows.take(1));
    let rest = usize::from(rows.left());
    let preview_h = if s.panel == PartyPanel::Timeline && rest >= 10 {
        (rest / 3).min(8)
    } else {
        0
    };
    let panel = rows.take(rest - preview_h);
    let preview = (preview_h > 0).then(|| rows.take(preview_h));
    PartyLayout {
        header,
        tabs,
        filter,
        panel,
        preview,
    }
}

pub fn panel_rows(_state: &State, s: &PartyScreen, body: Rect) -> u16 {
    layout(s, body).panel.height
}

pub fn filter_cursor(_state: &State, s: &PartyScreen, body: Rect) -> Option<Position> {
    layout(s, body)
        .filter
        .map(|r| super::filter_cursor(&s.filter, r))
}

pub fn draw(state: &State, s: &PartyScreen, body: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let Some(d) = s.detail.as_deref() else {
        let msg = match &s.error {
            Some(e) => format!(" {} {}: {e}", l.t("Cannot open", "開けません"), s.id),
            None => format!(" {} {}...", l.t("Loading", "読み込み中"), s.id),
        };
        lines_in(vec![Line::from(styled(msg, t.dim()))], body, buf);
        return;
    };
    let lay = layout(s, body);
    header(state, d, lay.header, buf);
    tabs(state, s, d, lay.tabs, buf);
    if let Some(f) = lay.filter {
        lines_in(
            vec![filter_line(state, &s.filter, s.editing, f.width)],
            f,
            buf,
        );
    }
    let sel = s.scroll[view::party_panel_index(s.panel)];
    let area = lay.panel;
    let cut = t.sym.cut;
    let w = usize::from(area.width).saturating_sub(2);
    let draw_rows = |n: usize, row: &dyn Fn(usize) -> Vec<Span<'static>>, buf: &mut Buffer| {
        let (start, end) = visible(sel.sel, sel.offset, n, usize::from(area.height));
        let lines: Vec<Line<'static>> = (start..end)
            .map(|i| list_row(state, fit_spans(row(i), w, cut), area.width, i == sel.sel))
            .collect();
        lines_in(lines, area, buf);
    };
    let name = |id| text::clean(&d.names.get(&id).cloned().unwrap_or_else(|| state.name(id)));
    match s.panel {
        PartyPanel::Cases => {
            let rows = view::party_case_rows(s, d);
            if rows.is_empty() {
                return panels::empty(state, area, buf, l.t("No cases.", "ケースはありません。"));
            }
            draw_rows(
                rows.len(),
                &|i| {
                    let c = rows[i];
                    let ended = c.until.is_some();
                    let base = if ended { t.dim() } else { t.plain() };
                    let mut spans = vec![
                        styled(format!("{} ", c.id), t.dim()),
                        styled(
                            pad(l.case_status(c.status), 11, cut),
                            t.case_status(c.status),
                        ),
                        styled(pad(&or_dash(&c.role), 20, cut), base),
                        styled(format!(" {}", text::clean(&c.title)), base),
                    ];
                    if let Some(u) = c.until {
                        spans.push(styled(format!("  ({} {u})", l.t("ended", "終了")), t.dim()));
                    }
                    spans
                },
                buf,
            );
        }
        PartyPanel::Affiliations => {
            let rows = view::affiliation_rows(s, d);
            if rows.is_empty() {
                return panels::empty(
                    state,
                    area,
                    buf,
                    l.t("No affiliations.", "所属はありません。"),
                );
            }
            draw_rows(
                rows.len(),
                &|i| {
                    let a = rows[i];
                    let other = if a.person == s.id { a.body } else { a.person };
                    let base = if a.until.is_some() {
                        t.dim()
                    } else {
                        t.plain()
                    };
                    let until = a
                        .until
                        .map_or_else(|| l.t("now", "現在").to_string(), |u| u.to_string());
                    vec![
                        styled(format!("{} {} {until}  ", a.from, t.sym.arrow), t.dim()),
                        styled(name(other), base),
                        styled(format!("  {}", or_dash(&a.title)), t.dim()),
                    ]
                },
                buf,
            );
        }
        PartyPanel::Timeline => {
            let rows = view::timeline_rows(&d.timelines, state.today(), &s.filter.text);
            panels::timeline(state, &rows, &d.names, sel, area, buf);
            if let Some(p) = lay.preview {
                panels::timeline_preview(state, &rows, &d.names, sel, p, buf);
            }
        }
    }
}

fn header(state: &State, d: &PartyDetail, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    let w = usize::from(area.width);
    let mut lines = Vec::new();
    match &d.record {
        Record::Body(b) => {
            lines.push(vec![
                styled(format!(" {} ", b.id), t.dim()),
                styled(text::clean(&b.name), t.title()),
                Span::raw("  "),
                styled(
                    format!("{} {}", l.sector_tag(b.sector), l.sector(b.sector)),
                    t.sector(b.sector),
                ),
                Span::raw(format!("{}{}", t.sym.sep, l.body_kind(b.kind))),
                Span::raw(format!("{}{}", t.sym.sep, or_dash(&b.region))),
            ]);
            let parent = b.parent.map(|p| {
                format!(
                    "{}: {}  ",
                    l.t("part of", "所属"),
                    text::clean(&state.name(p))
                )
            });
            let cadence: Vec<String> = b.cadences.iter().map(|c| cadence(l, c)).collect();
            lines.push(vec![styled(
                format!(
                    " {}{}: {}  {}",
                    parent.unwrap_or_default(),
                    l.t("contact", "連絡先"),
                    if state.cfg.meeting && !state.meeting.shows(b.id) {
                        "-".to_string()
                    } else {
                        or_dash(&b.contact)
                    },
                    cadence.join(", ")
                ),
                t.dim(),
            )]);
            // The note takes the header's last two rows, wrapped.
            let wrapped = text::wrap(&or_dash(&b.note), w.saturating_sub(1));
            let shown = wrapped.len().min(2);
            for (i, part) in wrapped.iter().take(shown).enumerate() {
                let more = i + 1 == shown && wrapped.len() > shown;
                let part = if more {
                    format!("{part}{}", t.sym.cut)
                } else {
                    part.clone()
                };
                lines.push(vec![styled(format!(" {part}"), t.dim())]);
            }
        }
        Record::Person(p) => {
            let roles: Vec<&str> = p.roles.iter().map(|r| l.role(*r)).collect();
            lines.push(person_heading(l, t, p));
            lines.push(vec![Span::raw(format!(
                " {}: {}",
                l.t("roles", "役割"),
                or_dash(&roles.join(l.t(", ", "、")))
            ))]);
            lines.push(vec![Span::raw(format!(
                " {}: {}",
                l.t("activity range", "活動範囲"),
                or_dash(&p.activity_range)
            ))]);
            lines.push(vec![Span::raw(format!(
                " {}: {}",
                l.t("skills", "技能"),
                or_dash(&p.skills)
            ))]);
        }
        other => lines.push(vec![Span::raw(format!(" {}", text::clean(&other.label())))]),
    }
    let lines: Vec<Line<'static>> = lines
        .into_iter()
        .map(|spans| Line::from(fit_spans(spans, w, cut)))
        .collect();
    lines_in(lines, area, buf);
}

fn tabs(state: &State, s: &PartyScreen, d: &PartyDetail, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let tabs: Vec<(&str, usize, bool)> = PartyPanel::ALL
        .into_iter()
        .map(|p| {
            let (name, n) = match p {
                PartyPanel::Cases => (l.t("Cases", "ケース"), d.cases.len()),
                PartyPanel::Affiliations => (l.t("Affiliations", "所属"), d.affiliations.len()),
                PartyPanel::Timeline => (l.t("Partnerships", "連携の歩み"), d.timelines.len()),
            };
            (name, n, p == s.panel)
        })
        .collect();
    panels::tab_bar(state, &tabs, area, buf);
}

/// A cadence as it reads: `salon 1/month`, `meeting 2-3/year`.
pub fn cadence(l: crate::i18n::Lang, c: &crate::model::Cadence) -> String {
    let per = match c.per {
        Period::Week => l.t("week", "週"),
        Period::Month => l.t("month", "月"),
        Period::Year => l.t("year", "年"),
    };
    let n = if c.min == c.max {
        c.min.to_string()
    } else {
        format!("{}-{}", c.min, c.max)
    };
    format!("{} {n}/{per}", text::clean(&c.what))
}

/// A person's first line: id, name and, for a peer supporter, their kind
/// (the person view and the supporter view both start with it).
pub fn person_heading(
    l: crate::i18n::Lang,
    t: &Theme,
    p: &crate::model::Person,
) -> Vec<Span<'static>> {
    let mut first = vec![
        styled(format!(" {} ", p.id), t.dim()),
        styled(text::clean(&p.name), t.title()),
    ];
    if let Some(k) = p.peer_kind {
        first.push(styled(
            format!("{}{}", t.sym.sep, l.peer_kind(k)),
            t.heading(),
        ));
    }
    first
}
