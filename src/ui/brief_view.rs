//! The brief: today's agenda or a case's page, one row per line with the
//! selected line marked; a line too long for the width is cut here and
//! shown whole under the list. `w` saves it, `Y` copies it, `y` copies
//! the selected line's id.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::dashboard::fit_spans;
use super::text;
use super::{Rows, Theme, lines_in, list_row, styled, title_rule};
use crate::app::state::{BriefScreen, State, visible};

/// Rows under the list that show the selected line whole.
const WHOLE_ROWS: u16 = 2;

/// The brief's rows: under its title, above the selected line's own rows.
pub fn rows(body: Rect) -> u16 {
    body.height.saturating_sub(1 + WHOLE_ROWS)
}

pub fn draw(state: &State, s: &BriefScreen, body: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let name = match s.case {
        Some(c) => format!("{} {c}", l.t("Brief of", "ブリーフィング")),
        None => l.t("Brief", "ブリーフィング").to_string(),
    };
    if s.brief.is_none() {
        let (msg, style) = match &s.error {
            Some(e) => (
                format!(" {} {name}: {e}", l.t("Cannot make", "作れません")),
                t.error(),
            ),
            None => (format!(" {} {name}...", l.t("Making", "作成中")), t.dim()),
        };
        lines_in(vec![Line::from(styled(msg, style))], body, buf);
        return;
    }
    let lines = s.lines();
    let mut area = Rows::new(body);
    let title_area = area.take(1);
    let list_area = area.take(usize::from(rows(body)));
    let whole_area = area.take(usize::from(WHOLE_ROWS));
    let shown = usize::from(list_area.height);
    let (start, end) = visible(s.scroll.sel, s.scroll.offset, lines.len(), shown);
    let position = if lines.len() > shown {
        format!("  {}-{end}/{}", start + 1, lines.len())
    } else {
        String::new()
    };
    title_rule(state, &format!("{name}{position}"), true, title_area, buf);
    let w = list_area.width;
    let cut = t.sym.cut;
    let mut out = Vec::new();
    for (i, (line, id)) in lines.iter().enumerate().take(end).skip(start) {
        let style = match i {
            0 => t.title(),
            1 => t.dim(),
            _ if id.is_none() && !line.starts_with(' ') => t.heading(),
            _ => t.plain(),
        };
        let spans = fit_spans(
            vec![styled(text::clean(line), style)],
            usize::from(w).saturating_sub(2),
            cut,
        );
        out.push(list_row(state, spans, w, i == s.scroll.sel));
    }
    lines_in(out, list_area, buf);
    // The selected line whole, when the list had to cut it.
    if let Some((line, _)) = lines.get(s.scroll.sel) {
        let line = text::clean(line.trim_start());
        let room = usize::from(w).saturating_sub(2);
        if text::width(&line) + 2 > room {
            let wrapped: Vec<Line> = text::wrap(&line, room)
                .into_iter()
                .take(usize::from(WHOLE_ROWS))
                .map(|row| Line::from(styled(format!("  {row}"), t.dim())))
                .collect();
            lines_in(wrapped, whole_area, buf);
        }
    }
}
