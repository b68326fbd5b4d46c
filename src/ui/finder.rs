//! The finder popup: a query line and the hits across cases, bodies,
//! people and events, matched characters highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::dashboard::fit_spans;
use super::popup::{centered, frame};
use super::text::{self, pad};
use super::{Theme, lines_in, list_row, styled};
use crate::app::state::{Finder, State, visible};
use crate::model::Kind;

struct Geometry {
    outer: Rect,
    input: Rect,
    list: Rect,
}

fn geometry(area: Rect) -> Geometry {
    let w = area.width.saturating_sub(4).min(110);
    let h = area.height.saturating_sub(2).min(26);
    let outer = centered(area, w, h);
    // Inside the frame: the query, a blank line, the hits.
    let inner = Rect {
        x: outer.x.saturating_add(1),
        y: outer.y.saturating_add(1),
        width: outer.width.saturating_sub(2),
        height: outer.height.saturating_sub(2),
    };
    let input = Rect {
        height: 1.min(inner.height),
        ..inner
    };
    let list = Rect {
        y: inner.y.saturating_add(2),
        height: inner.height.saturating_sub(2),
        ..inner
    };
    Geometry { outer, input, list }
}

pub fn rows(area: Rect) -> u16 {
    geometry(area).list.height
}

pub fn cursor(_state: &State, f: &Finder, area: Rect) -> Option<Position> {
    let g = geometry(area);
    let (before, _) = f.input.split();
    let x = (g.input.x + 2).saturating_add(u16::try_from(text::width(before)).unwrap_or(u16::MAX));
    Some(Position::new(
        x.min(g.input.right().saturating_sub(1)),
        g.input.y,
    ))
}

fn kind_tag(state: &State, k: Kind) -> &'static str {
    let l = state.lang();
    match k {
        Kind::Case => l.t("case", "ケース"),
        Kind::Body => l.t("body", "団体"),
        Kind::Person => l.t("person", "人"),
        Kind::Event => l.t("event", "行事"),
        Kind::TrustNote => l.t("note", "メモ"),
        other => l.kind(other),
    }
}

pub fn draw(state: &State, f: &Finder, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    let g = geometry(area);
    frame(
        state,
        l.t(
            "Find: names, or any id (R-0010)",
            "検索: 名前、またはID (R-0010)",
        ),
        g.outer,
        buf,
    );
    let query = text::fit(
        &text::typed(&f.input.text),
        usize::from(g.input.width).saturating_sub(3),
        cut,
    );
    lines_in(
        vec![Line::from(vec![styled("> ", t.key()), Span::raw(query)])],
        g.input,
        buf,
    );
    if f.hits.is_empty() {
        let msg = if f.input.text.trim().is_empty() {
            l.t(
                "Type a name, a reading (kana or romaji) or an id like C-0007.",
                "名前・よみ（かな・ローマ字）・C-0007 のようなIDを入力",
            )
        } else if !state.data.loading.indexed {
            l.t(
                "Still indexing: the answer comes when it is ready.",
                "索引を作成中です。できしだい表示します。",
            )
        } else if f.searching {
            l.t("searching...", "検索中...")
        } else {
            l.t("No match.", "該当なし")
        };
        lines_in(
            vec![Line::from(styled(format!("  {msg}"), t.dim()))],
            g.list,
            buf,
        );
        return;
    }
    let w = usize::from(g.list.width).saturating_sub(2);
    let (start, end) = visible(
        f.scroll.sel,
        f.scroll.offset,
        f.hits.len(),
        usize::from(g.list.height),
    );
    // The kind column is as wide as the widest kind shown, plus a gap
    // (`partnership`, `relationship` are longer than `person`).
    let tag_width = f.hits[start..end]
        .iter()
        .map(|h| text::width(kind_tag(state, h.id.kind)))
        .max()
        .unwrap_or(0)
        .max(7)
        + 1;
    let lines: Vec<Line<'static>> = f.hits[start..end]
        .iter()
        .enumerate()
        .map(|(n, h)| {
            let mut spans = vec![
                styled(pad(kind_tag(state, h.id.kind), tag_width, cut), t.dim()),
                styled(format!("{} ", h.id), t.dim()),
            ];
            match text::masked(&h.label) {
                // Initials in meeting mode: the matched characters are gone.
                Some(label) => spans.push(styled(label, t.plain())),
                None => label_spans(&mut spans, h, t),
            }
            if !h.detail.is_empty() {
                spans.push(styled(format!("  {}", text::clean(&h.detail)), t.dim()));
            }
            list_row(
                state,
                fit_spans(spans, w, cut),
                g.list.width,
                start + n == f.scroll.sel,
            )
        })
        .collect();
    lines_in(lines, g.list, buf);
}

/// The label with its matched characters underlined (visible without
/// colour).
fn label_spans(spans: &mut Vec<Span<'static>>, h: &crate::query::data::Hit, t: &Theme) {
    let mut run = String::new();
    let mut run_hit = false;
    // Matches index the label's characters: escape each one on its
    // own so a hostile character does not shift the underline.
    for (i, c) in h.label.chars().enumerate() {
        let hit = h.matched.contains(&i);
        if hit != run_hit && !run.is_empty() {
            let style = if run_hit {
                t.key().add_modifier(Modifier::UNDERLINED)
            } else {
                t.plain()
            };
            spans.push(styled(std::mem::take(&mut run), style));
        }
        run_hit = hit;
        run.push_str(&text::clean(c.encode_utf8(&mut [0; 4])));
    }
    let style = if run_hit {
        t.key().add_modifier(Modifier::UNDERLINED)
    } else {
        t.plain()
    };
    spans.push(styled(run, style));
}
