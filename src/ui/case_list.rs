//! The case list: only the visible rows are drawn, so 100,000 cases cost
//! the same as 20.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::dashboard::fit_spans;
use super::text::{self, col, pad};
use super::{Theme, filter_line, lines_in, list_row, styled};
use crate::app::state::{CaseList, Sort, State, visible};
use crate::model::Sector;

/// Filter line and column headings take two rows.
pub fn rows(body: Rect) -> u16 {
    body.height.saturating_sub(2)
}

pub fn draw(state: &State, list: &CaseList, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    let w = usize::from(area.width);

    // Line 1: the filter, the active filters, the sort and the count.
    let any = l.t("any", "全て");
    // No status chosen lists the open cases: closed ones leave the list
    // (the status filter and the finder still find them).
    let status = list
        .status
        .map_or(l.t("open", "継続中"), |s| l.case_status(s));
    let sector = list.sector.map_or(any, |s| l.sector(s));
    let coord = list
        .coordinator
        .map_or_else(|| any.to_string(), |c| state.name(c));
    let sort = match list.sort {
        Sort::Id => l.t("id", "ID"),
        Sort::Changed => l.t("last change", "更新日"),
        Sort::OpenReferrals => l.t("open referrals", "未完了の紹介"),
    };
    let mut head = filter_line(state, &list.filter, list.editing, area.width / 3);
    let summary = format!(
        "  {}: {status}  {}: {sector}  {}: {}  {}: {sort}  {}/{}",
        l.t("status", "状態"),
        l.t("sector", "セクター"),
        l.t("coordinator", "担当"),
        text::clean(&coord),
        l.t("sort", "並び順"),
        list.page.total,
        state.data.overview.total
    );
    let filter_w = usize::from(area.width / 3);
    let used: usize = head.spans.iter().map(|s| text::width(&s.content)).sum();
    head.spans
        .push(Span::raw(" ".repeat(filter_w.saturating_sub(used))));
    head.spans.push(styled(
        text::fit(&summary, w.saturating_sub(filter_w), cut),
        t.dim(),
    ));

    // Columns: id, title (the rest), status, sectors, open referrals,
    // last change, coordinator. Narrow terminals drop the coordinator.
    let wide = w >= 100;
    // Ids grow past four digits in a big store: the column grows with them.
    let id_w = list
        .page
        .rows
        .iter()
        .map(|c| c.id.to_string().len() + 1)
        .max()
        .unwrap_or(7)
        .max(7);
    let fixed = 2 + id_w + 11 + 7 + 5 + 11 + if wide { 16 } else { 0 };
    let title_w = w.saturating_sub(fixed).max(8);
    let mut heading = vec![
        Span::raw("  "),
        Span::raw(pad(l.t("id", "ID"), id_w, cut)),
        Span::raw(pad(l.t("title", "件名"), title_w, cut)),
        Span::raw(pad(l.t("status", "状態"), 11, cut)),
        Span::raw(pad(l.t("triad", "三者"), 7, cut)),
        Span::raw(pad(l.t("refs", "紹介"), 5, cut)),
        Span::raw(pad(l.t("changed", "更新日"), 11, cut)),
    ];
    if wide {
        heading.push(Span::raw(pad(l.t("coordinator", "担当"), 16, cut)));
    }
    let mut lines = vec![
        head,
        Line::from(fit_spans(heading, w, cut))
            .style(t.title().add_modifier(ratatui::style::Modifier::UNDERLINED)),
    ];

    let rows = usize::from(rows(area));
    let (start, end) = visible(list.scroll.sel, list.scroll.offset, list.page.total, rows);
    for i in start..end {
        let selected = i == list.scroll.sel;
        // A row not held yet: its page is on the way.
        let Some(c) = list.page.row(i) else {
            lines.push(list_row(
                state,
                vec![styled(t.sym.cut.to_string(), t.dim())],
                area.width,
                selected,
            ));
            continue;
        };
        let mut spans = vec![
            styled(pad(&c.id.to_string(), id_w, cut), t.dim()),
            Span::raw(col(&text::clean(&c.title), title_w, cut)),
            styled(
                pad(l.case_status(c.status), 11, cut),
                t.case_status(c.status),
            ),
        ];
        // One tag per sector present, `-` where the triad lacks one.
        let mut tri_w = 0;
        for (k, s) in Sector::ALL.into_iter().enumerate() {
            if c.sectors[k] {
                let tag = l.sector_tag(s);
                tri_w += text::width(tag);
                spans.push(styled(tag, t.sector(s)));
            } else {
                tri_w += 1;
                spans.push(styled("-", t.dim()));
            }
        }
        spans.push(Span::raw(" ".repeat(7usize.saturating_sub(tri_w))));
        let refs = if c.open_referrals > 0 {
            c.open_referrals.to_string()
        } else {
            "-".into()
        };
        spans.push(Span::raw(pad(&refs, 5, cut)));
        spans.push(styled(
            pad(&c.changed.date_naive().to_string(), 11, cut),
            t.dim(),
        ));
        if wide {
            let coord = c.coordinator.map(|p| state.name(p)).unwrap_or_default();
            spans.push(Span::raw(col(&text::clean(&coord), 16, cut)));
        }
        lines.push(list_row(
            state,
            fit_spans(spans, w.saturating_sub(2), cut),
            area.width,
            selected,
        ));
    }
    if list.page.total == 0 {
        let key = |a: crate::app::Action| {
            state
                .keymap
                .key_for(crate::keymap::Mode::Normal, &a)
                .unwrap_or_default()
        };
        let filtered = !list.filter.text.trim().is_empty()
            || list.status.is_some()
            || list.sector.is_some()
            || list.coordinator.is_some();
        // Say why the list is empty: no case at all, or filters hiding them.
        let msg = if !state.data.loading.done {
            l.t("Loading cases...", "ケースを読み込み中...").to_string()
        } else if state.data.overview.total == 0 {
            format!(
                "{} {} {}",
                l.t("No cases yet.", "ケースはまだありません。"),
                key(crate::app::Action::NewCase),
                l.t("opens the first one.", "で最初のケースを作成。")
            )
        } else if filtered {
            format!(
                "{} {} {}",
                l.t(
                    "The filters hide every case.",
                    "絞り込みで全件が隠れています。"
                ),
                key(crate::app::Action::ClearFilters),
                l.t("clears the filters.", "で絞り込みを解除。")
            )
        } else {
            l.t("No case you may see.", "閲覧できるケースはありません。")
                .to_string()
        };
        lines.push(Line::from(styled(format!("   {msg}"), t.dim())));
    }
    lines_in(lines, area, buf);
}
