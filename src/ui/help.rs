//! Help, generated from the loaded keymap: it shows the keys that really
//! work, including the user's own.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::popup::frame;
use super::text::{self, pad};
use super::{Theme, lines_in, styled};
use crate::app::state::State;
use crate::keymap::Mode;

pub fn rows(body: Rect) -> u16 {
    body.height.saturating_sub(2)
}

fn mode_title(state: &State, m: Mode) -> &'static str {
    let l = state.lang();
    match m {
        Mode::Normal => l.t("Browsing", "閲覧"),
        Mode::Input => l.t("Finder and filter line", "検索・絞り込みの入力"),
        Mode::Form => l.t("Forms", "フォーム"),
        Mode::Confirm => l.t("Questions", "確認"),
        Mode::Help => l.t("This help", "このヘルプ"),
    }
}

pub fn lines(state: &State) -> Vec<Line<'static>> {
    let t = &Theme::of(&state.cfg);
    let ja = state.lang().is_ja();
    let mut out = Vec::new();
    // Keys our role may not use are listed, marked, and explained here.
    let mut refused_why = None;
    for m in Mode::ALL {
        let bindings = state.keymap.bindings(m);
        if bindings.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::from(styled(
            format!(" {}", mode_title(state, m)),
            t.heading(),
        )));
        let key_w = bindings
            .iter()
            .map(|b| text::width(&b.keys_text()))
            .max()
            .unwrap_or(4)
            .min(24);
        for b in bindings {
            let refused = crate::app::view::refused_for_role(state, &b.action);
            let mut line = vec![
                Span::raw("   "),
                styled(pad(&b.keys_text(), key_w, t.sym.cut), t.key()),
                Span::raw(format!("  {}", text::clean(b.desc_for(ja)))),
            ];
            if let Some(why) = refused {
                line.push(styled(
                    format!(
                        "  ({})",
                        state.lang().t("not for your role", "この役割では不可")
                    ),
                    t.dim(),
                ));
                refused_why = Some(why);
            }
            out.push(Line::from(line));
        }
    }
    if let Some(why) = refused_why {
        out.insert(0, Line::raw(""));
        out.insert(0, Line::from(styled(format!(" {why}"), t.dim())));
    }
    out
}

pub fn draw(state: &State, body: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let inner = frame(state, l.t("Help: keys", "ヘルプ: キー一覧"), body, buf);
    let all = lines(state);
    let top = state.help.unwrap_or(0).min(all.len().saturating_sub(1));
    let shown: Vec<Line<'static>> = all
        .into_iter()
        .skip(top)
        .take(usize::from(inner.height))
        .collect();
    lines_in(shown, inner, buf);
}
