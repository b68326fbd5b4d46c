//! The form popup: a label column, the values, and each field's error on
//! the line under it. Long forms scroll to keep the focused field in view.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

use super::popup::{centered, frame};
use super::text::{self, pad};
use super::{Theme, lines_in, styled};
use crate::app::form::FieldKind;
use crate::app::forms::{AppForm, resolve_party};
use crate::app::state::State;

/// Rows a note field shows at most.
const MULTI_ROWS: usize = 6;

/// Wrap on width alone, so wrapping the text before the cursor gives the
/// cursor's row and column exactly.
fn hard_wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(2);
    let mut out = vec![String::new()];
    let mut used = 0;
    for c in s.chars() {
        if c == '\n' {
            out.push(String::new());
            used = 0;
            continue;
        }
        let c = if c.is_control() { ' ' } else { c };
        let cw = c.width().unwrap_or(0);
        if used + cw > w {
            out.push(String::new());
            used = 0;
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
        used += cw;
    }
    out
}

struct Built {
    lines: Vec<Line<'static>>,
    /// (line, column within the value area) of the cursor.
    cursor: Option<(usize, usize)>,
    /// The focused field's first and last line.
    focus: (usize, usize),
}

/// The popup: as wide as useful, as tall as its fields (plus a blank
/// line, the footer and the frame), never more than the screen.
fn outer(state: &State, f: &AppForm, area: Rect) -> Rect {
    let w = area.width.saturating_sub(2).min(100);
    let probe = Rect::new(0, 0, w.saturating_sub(2), u16::MAX);
    let lines = build(state, f, probe).lines.len();
    let h = u16::try_from(lines + 5).unwrap_or(u16::MAX);
    centered(area, w, h.min(area.height.saturating_sub(2)))
}

fn label_width(f: &AppForm, inner: Rect) -> usize {
    let widest = f
        .fields
        .iter()
        .map(|x| text::width(&x.label) + 2)
        .max()
        .unwrap_or(8);
    widest.min(usize::from(inner.width) / 3).max(6)
}

fn build(state: &State, f: &AppForm, inner: Rect) -> Built {
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    let label_w = label_width(f, inner);
    let val_w = usize::from(inner.width).saturating_sub(label_w + 2).max(2);
    let mut lines = Vec::new();
    let mut cursor = None;
    let mut focus = (0, 0);
    for (i, field) in f.fields.iter().enumerate() {
        let focused = i == f.focus;
        let start = lines.len();
        let marker = if focused { t.sym.selected } else { " " };
        let req = if field.required { "*" } else { "" };
        let label_style = if focused { t.selected() } else { t.title() };
        let label = styled(
            text::col(&format!("{}{req}", text::clean(&field.label)), label_w, cut),
            label_style,
        );
        let value_style = t.plain().add_modifier(Modifier::UNDERLINED);
        match &field.kind {
            FieldKind::Choice(opts) => {
                let chosen = opts.get(field.choice).map_or("", |(_, l)| l.as_str());
                let style = if focused { t.key() } else { t.plain() };
                lines.push(Line::from(vec![
                    Span::raw(format!("{marker} ")),
                    label,
                    styled(
                        format!(
                            "< {} >",
                            text::fit(&text::clean(chosen), val_w.saturating_sub(4), cut)
                        ),
                        style,
                    ),
                    styled(format!("  {}/{}", field.choice + 1, opts.len()), t.dim()),
                ]));
            }
            FieldKind::Multi => {
                let wrapped = hard_wrap(&field.input.text, val_w);
                let (before, _) = field.input.split();
                let at = hard_wrap(before, val_w);
                let crow = at.len() - 1;
                let ccol = at.last().map_or(0, |s| text::width(s));
                // Show the rows around the cursor.
                let first = crow
                    .saturating_sub(MULTI_ROWS - 1)
                    .min(wrapped.len().saturating_sub(MULTI_ROWS));
                let shown: Vec<&String> = wrapped.iter().skip(first).take(MULTI_ROWS).collect();
                for (k, row) in shown.iter().enumerate() {
                    let lead = if k == 0 {
                        vec![Span::raw(format!("{marker} ")), label.clone()]
                    } else {
                        vec![Span::raw(" ".repeat(label_w + 2))]
                    };
                    let mut spans = lead;
                    spans.push(styled(pad(row, val_w, cut), value_style));
                    lines.push(Line::from(spans));
                }
                if focused {
                    cursor = Some((start + crow - first, ccol));
                }
            }
            _ => {
                let (before, after) = field.input.split();
                let bw = text::width(before);
                // Scroll sideways so the cursor stays inside the value area;
                // a field not being typed in shows its start, cut.
                let (shown, col) = if !focused {
                    (text::fit(&field.input.text, val_w, cut), 0)
                } else if bw < val_w {
                    (text::prefix(&field.input.text, val_w).to_string(), bw)
                } else {
                    let mut tail: Vec<char> = Vec::new();
                    let mut used = 0;
                    for c in before.chars().rev() {
                        let cw = c.width().unwrap_or(0);
                        if used + cw > val_w.saturating_sub(1) {
                            break;
                        }
                        used += cw;
                        tail.push(c);
                    }
                    tail.reverse();
                    let s: String = tail.into_iter().collect();
                    (format!("{s}{}", text::prefix(after, val_w - used)), used)
                };
                lines.push(Line::from(vec![
                    Span::raw(format!("{marker} ")),
                    label,
                    styled(
                        pad(&shown_value(&field.kind, &shown), val_w, cut),
                        value_style,
                    ),
                ]));
                if focused {
                    cursor = Some((start, col));
                }
                // Say which record a party field points at, as you type.
                if matches!(field.kind, FieldKind::Party)
                    && !field.value().is_empty()
                    && field.error.is_none()
                {
                    let hint = match resolve_party(state, field.value()) {
                        Ok(id) => (format!("= {id} {}", text::clean(&state.name(id))), t.ok()),
                        Err(e) => (e, t.dim()),
                    };
                    lines.push(Line::from(vec![
                        Span::raw(" ".repeat(label_w + 2)),
                        styled(text::fit(&hint.0, val_w, cut), hint.1),
                    ]));
                }
            }
        }
        if let Some(e) = &field.error {
            // "!" keeps the error visible without colour.
            for (k, row) in text::wrap(e, val_w.saturating_sub(2))
                .into_iter()
                .enumerate()
            {
                let lead = if k == 0 { "! " } else { "  " };
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(label_w + 2)),
                    styled(format!("{lead}{row}"), t.error()),
                ]));
            }
        }
        if focused {
            focus = (start, lines.len().saturating_sub(1));
        }
    }
    Built {
        lines,
        cursor,
        focus,
    }
}

/// Form rows scroll so the focused field is in view.
fn scroll(b: &Built, rows: usize) -> usize {
    let (first, last) = b.focus;
    if last < rows {
        0
    } else {
        (last + 1 - rows).min(first)
    }
}

/// Rows for the fields: two footer lines take the rest.
fn field_area(inner: Rect) -> Rect {
    Rect {
        height: inner.height.saturating_sub(2),
        ..inner
    }
}

pub fn draw(state: &State, f: &AppForm, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let rect = outer(state, f, area);
    let inner = frame(state, &f.title, rect, buf);
    let fields = field_area(inner);
    let b = build(state, f, fields);
    let top = scroll(&b, usize::from(fields.height));
    let shown: Vec<Line<'static>> = b
        .lines
        .into_iter()
        .skip(top)
        .take(usize::from(fields.height))
        .collect();
    lines_in(shown, fields, buf);
    // Footer: the form's own error or progress, then the keys.
    let mut foot = Vec::new();
    if f.saving {
        foot.push(Line::from(styled(
            format!(
                " {}",
                l.t(
                    "Saving... (waiting for the disk)",
                    "保存中...（書き込み完了を待っています）"
                )
            ),
            t.warn(),
        )));
    } else if let Some(e) = &f.error {
        foot.push(Line::from(styled(
            format!(" ! {}", text::clean(e)),
            t.error(),
        )));
    } else {
        foot.push(Line::raw(""));
    }
    // The keys themselves are in the footer below the popup.
    foot.push(Line::from(styled(
        format!(" * {}", l.t("required", "必須")),
        t.dim(),
    )));
    let foot_area = Rect {
        y: inner.bottom().saturating_sub(2),
        height: 2.min(inner.height),
        ..inner
    };
    lines_in(foot, foot_area, buf);
}

pub fn cursor(state: &State, f: &AppForm, area: Rect) -> Option<Position> {
    if f.saving || f.focused().is_some_and(|x| !x.is_text()) {
        return None;
    }
    let rect = outer(state, f, area);
    let inner = Rect {
        x: rect.x.saturating_add(1),
        y: rect.y.saturating_add(1),
        width: rect.width.saturating_sub(2),
        height: rect.height.saturating_sub(2),
    };
    let fields = field_area(inner);
    let b = build(state, f, fields);
    let top = scroll(&b, usize::from(fields.height));
    let (line, col) = b.cursor?;
    let row = line.checked_sub(top)?;
    if row >= usize::from(fields.height) {
        return None;
    }
    let x = usize::from(fields.x) + label_width(f, fields) + 2 + col;
    Some(Position::new(
        u16::try_from(x)
            .unwrap_or(u16::MAX)
            .min(fields.right().saturating_sub(1)),
        fields.y + u16::try_from(row).unwrap_or(0),
    ))
}

/// A field's text: what the user types shows as typed (escaped, never
/// masked, so the cursor stays in place); context a form shows (a fixed
/// field) is stored text, masked in meeting mode like any other.
fn shown_value(kind: &FieldKind, shown: &str) -> String {
    match kind {
        FieldKind::Fixed => text::clean(shown),
        _ => text::typed(shown),
    }
}
