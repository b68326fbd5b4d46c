//! Popups and the too-small screen. Every size is clamped to the frame,
//! so popups on a tiny terminal shrink instead of panicking.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::text;
use super::{MIN_HEIGHT, MIN_WIDTH, Theme, lines_in, styled};
use crate::app::state::{Confirm, State};
use crate::keymap::Mode;

/// A `w`x`h` rect centred in `area`, never larger than it.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Clear `area` for a popup. A wide character just left of it would
/// spill its second half under the popup's border: blank it too.
pub fn clear(area: Rect, buf: &mut Buffer) {
    let area = area.intersection(buf.area);
    Clear.render(area, buf);
    if area.x > buf.area.x {
        for y in area.top()..area.bottom() {
            let cell = &mut buf[(area.x - 1, y)];
            if text::width(cell.symbol()) > 1 {
                cell.set_symbol(" ");
            }
        }
    }
}

/// Clear `area`, draw a frame titled `title`, return the inside.
pub fn frame(state: &State, title: &str, area: Rect, buf: &mut Buffer) -> Rect {
    let t = &Theme::of(&state.cfg);
    clear(area, buf);
    let title = text::fit(
        &text::clean(title),
        usize::from(area.width).saturating_sub(4),
        t.sym.cut,
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(t.sym.border)
        .border_style(t.heading())
        .title(Span::styled(format!(" {title} "), t.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

pub fn too_small(state: &State, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let msg = format!(
        "{} {}x{} {} {MIN_WIDTH}x{MIN_HEIGHT}. {}",
        l.t("Terminal too small:", "端末が小さすぎます:"),
        area.width,
        area.height,
        l.t("need at least", "必要な大きさ"),
        l.t(
            "Enlarge the window or make the font smaller.",
            "ウィンドウを広げるか文字を小さくしてください。"
        )
    );
    middle_line(&msg, Theme::of(&state.cfg).error(), area, buf);
}

/// A meeting screen nobody has touched for a while: nothing of the store
/// shows until a key is pressed.
pub fn blank(state: &State, area: Rect, buf: &mut Buffer) {
    let msg = state.lang().t(
        "triad - meeting mode: the screen is hidden after a while without a key. Press any key.",
        "triad - 会議モード：しばらく操作がないため画面を隠しています。いずれかのキーで戻ります。",
    );
    middle_line(msg, Theme::of(&state.cfg).dim(), area, buf);
}

/// A cleared screen with one message, wrapped, in the middle.
fn middle_line(msg: &str, style: ratatui::style::Style, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let lines: Vec<Line<'static>> = text::wrap(msg, usize::from(area.width.max(1)))
        .into_iter()
        .map(|s| Line::from(Span::styled(s, style)))
        .collect();
    let h = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let y = area.y + area.height.saturating_sub(h) / 2;
    let inner = Rect {
        y,
        height: area.bottom().saturating_sub(y),
        ..area
    };
    Paragraph::new(lines).render(inner, buf);
}

pub fn confirm(state: &State, c: &Confirm, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    // A comparison needs room for two columns; a question does not.
    let wanted = if c.compare.is_empty() { 60 } else { 110 };
    let width = wanted.min(area.width.saturating_sub(4)).max(10);
    let inner_w = usize::from(width.saturating_sub(4));
    let lines_text = text::wrap(&c.question, inner_w);
    let mut lines: Vec<Line<'static>> = lines_text
        .into_iter()
        .map(|s| Line::raw(format!(" {s}")))
        .collect();
    if !c.compare.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(compare_lines(state, &c.compare, inner_w));
    }
    lines.push(Line::raw(""));
    let key = |a| state.keymap.key_for(Mode::Confirm, &a).unwrap_or_default();
    let mut keys = vec![
        Span::raw(" "),
        styled(key(crate::app::Action::Yes), t.key()),
    ];
    if c.compare.is_empty() {
        keys.push(Span::raw(format!(" {}   ", l.t("yes", "はい"))));
        keys.push(styled(key(crate::app::Action::No), t.key()));
        keys.push(Span::raw(format!(" {}", l.t("no", "いいえ"))));
    } else {
        keys.push(Span::raw(format!(
            " {}   ",
            l.t("save yours", "自分の版を保存")
        )));
        keys.push(styled(key(crate::app::Action::TakeTheirs), t.key()));
        keys.push(Span::raw(format!(
            " {}   ",
            l.t("take theirs", "相手の版を採用")
        )));
        keys.push(styled(key(crate::app::Action::No), t.key()));
        keys.push(Span::raw(format!(
            " {}",
            l.t("back to editing", "編集に戻る")
        )));
    }
    lines.push(Line::from(keys));
    let h = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let rect = centered(area, width, h);
    let title = if c.compare.is_empty() {
        l.t("Confirm", "確認")
    } else {
        l.t(
            "Saved by someone else meanwhile",
            "他の人が先に保存しました",
        )
    };
    let inner = frame(state, title, rect, buf);
    lines_in(lines, inner, buf);
}

/// Field, theirs, yours in three columns; a row that differs is marked
/// with `*` (so it shows without colour too) and drawn bold.
fn compare_lines(state: &State, rows: &[(String, String, String)], w: usize) -> Vec<Line<'static>> {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let label_w = rows
        .iter()
        .map(|(f, _, _)| text::width(f))
        .max()
        .unwrap_or(0)
        .min(w / 4);
    let col = w.saturating_sub(label_w + 5) / 2;
    let cut = t.sym.cut;
    let mut out = vec![Line::from(Span::styled(
        format!(
            "   {} {} {}",
            text::pad("", label_w, cut),
            text::pad(l.t("Theirs (saved)", "相手の版（保存済み）"), col, cut),
            text::pad(l.t("Yours", "自分の版"), col, cut)
        ),
        t.dim(),
    ))];
    for (field, theirs, mine) in rows {
        let differs = theirs != mine;
        let line = format!(
            " {} {} {} {}",
            if differs { "*" } else { " " },
            text::pad(field, label_w, cut),
            text::pad(&text::clean(theirs), col, cut),
            text::pad(&text::clean(mine), col, cut)
        );
        out.push(if differs {
            Line::from(Span::styled(line, t.title()))
        } else {
            Line::raw(line)
        });
    }
    out
}

/// After the first key of a chord: what can follow.
pub fn which_key(state: &State, body: Rect, buf: &mut Buffer) {
    let t = &Theme::of(&state.cfg);
    let l = state.lang();
    let conts = state.keymap.continuations(state.mode(), &state.pending);
    if conts.is_empty() {
        return;
    }
    let lines: Vec<(String, String)> = conts
        .iter()
        .map(|(k, b)| (k.clone(), b.desc_for(l.is_ja()).to_string()))
        .collect();
    let key_w = lines.iter().map(|(k, _)| text::width(k)).max().unwrap_or(1);
    let desc_w = lines.iter().map(|(_, d)| text::width(d)).max().unwrap_or(1);
    let w = u16::try_from(key_w + desc_w + 6)
        .unwrap_or(u16::MAX)
        .min(body.width);
    let h = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(body.height);
    let rect = Rect {
        x: body.right().saturating_sub(w),
        y: body.bottom().saturating_sub(h),
        width: w,
        height: h,
    };
    let prefix = crate::keymap::chord_to_string(&state.pending);
    let inner = frame(state, &prefix, rect, buf);
    let out: Vec<Line<'static>> = lines
        .into_iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::raw(" "),
                styled(text::pad(&k, key_w, t.sym.cut), t.key()),
                Span::raw(format!("  {}", text::clean(&d))),
            ])
        })
        .collect();
    lines_in(out, inner, buf);
}
