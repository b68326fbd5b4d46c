//! The dashboard: what needs attention today. Every line but the headings
//! is a link.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::text::{self, pad};
use super::{Theme, lines_in, list_row, styled};
use crate::app::state::{Scroll, State};
use crate::app::view::{self, DashLine, DashSection};

pub fn draw(state: &State, scroll: &Scroll, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    let items = view::dashboard(state);
    let today = state.today();
    let w = area.width;
    // Which line holds the selected link.
    let mut link_no = 0usize;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut sel_line = 0usize;
    for item in &items {
        let selected = item.link().is_some() && link_no == scroll.sel;
        if selected {
            sel_line = lines.len();
        }
        if item.link().is_some() {
            link_no += 1;
        }
        let spans: Vec<Span<'static>> = match item {
            DashLine::Heading(section, n) => {
                if !lines.is_empty() {
                    lines.push(Line::raw(""));
                }
                let title = match section {
                    DashSection::Open => l.t("Open cases by status", "進行中のケース（状態別）"),
                    DashSection::Overdue => l.t(
                        "Referrals past their follow-up date",
                        "確認予定日を過ぎた紹介",
                    ),
                    DashSection::Consents => l.t(
                        "Consents expiring within 30 days, or withdrawn",
                        "30日以内に期限切れ・撤回された同意",
                    ),
                    DashSection::Upcoming => l.t("Events in the next 14 days", "今後14日間の行事"),
                    DashSection::Recent => l.t("Recently changed cases", "最近更新されたケース"),
                };
                lines.push(Line::from(vec![
                    styled(format!(" {title} "), t.heading()),
                    styled(format!("({n})"), t.dim()),
                ]));
                continue;
            }
            DashLine::More(n) => {
                lines.push(Line::from(styled(
                    format!("   {} {n} {}", l.t("and", "ほか"), l.t("more", "件")),
                    t.dim(),
                )));
                continue;
            }
            DashLine::Nothing => {
                lines.push(Line::from(styled(
                    format!("   {}", l.t("nothing", "なし")),
                    t.dim(),
                )));
                continue;
            }
            DashLine::Status(s, n) => vec![
                styled(pad(l.case_status(*s), 14, cut), t.case_status(*s)),
                styled(text::pad_left(&n.to_string(), 7), t.plain()),
            ],
            DashLine::Overdue(r) => {
                let days = (today - r.follow_up).num_days();
                let case = state.name(r.case);
                vec![
                    styled(format!("{} ", r.id), t.dim()),
                    styled(format!("{} ", r.follow_up), t.error()),
                    styled(
                        pad(&format!("{days}{}", l.t(" days late", "日超過")), 12, cut),
                        t.error(),
                    ),
                    Span::raw(format!(
                        "{}  {} {} {}",
                        text::clean(&case),
                        text::clean(&state.name(r.from)),
                        t.sym.arrow,
                        text::clean(&state.name(r.to))
                    )),
                ]
            }
            DashLine::Consent(c) => {
                let what = match (c.withdrawn_on, c.expires_on) {
                    (Some(w), _) if !c.open_referrals.is_empty() => format!(
                        "{} {w} {}{}",
                        l.t("withdrawn", "撤回"),
                        c.open_referrals.len(),
                        l.t(" open referrals", "件の紹介が進行中")
                    ),
                    (Some(w), _) => format!("{} {w}", l.t("withdrawn", "撤回")),
                    (None, Some(e)) => {
                        let days = (e - today).num_days();
                        format!("{} {e} ({days}{})", l.t("expires", "期限"), l.t("d", "日"))
                    }
                    (None, None) => String::new(),
                };
                let style = if c.withdrawn_on.is_some() {
                    t.error()
                } else {
                    t.warn()
                };
                vec![
                    styled(format!("{} ", c.id), t.dim()),
                    styled(
                        pad(
                            &what,
                            if c.open_referrals.is_empty() { 28 } else { 40 },
                            cut,
                        ),
                        style,
                    ),
                    Span::raw(format!(
                        "{}  {}",
                        text::clean(&state.name(c.client)),
                        text::clean(&state.name(c.case))
                    )),
                ]
            }
            DashLine::Event(e) => vec![
                styled(format!("{} ", e.date), t.plain()),
                styled(pad(l.event_kind(e.kind), 13, cut), t.dim()),
                Span::raw(text::clean(&e.title)),
            ],
            DashLine::Recent(c) => vec![
                styled(format!("{} ", c.id), t.dim()),
                styled(format!("{} ", c.changed.date_naive()), t.dim()),
                styled(
                    pad(l.case_status(c.status), 11, cut),
                    t.case_status(c.status),
                ),
                Span::raw(text::clean(&c.title)),
            ],
        };
        let mut row = vec![Span::raw("  ".to_string())];
        row.extend(spans);
        let fitted = fit_spans(row, usize::from(w).saturating_sub(2), cut);
        lines.push(list_row(state, fitted, w, selected));
    }
    // Keep the selected line in view; headings above it when there is room.
    let h = usize::from(area.height);
    let offset = (sel_line + 2).saturating_sub(h);
    let shown: Vec<Line<'static>> = lines.into_iter().skip(offset).take(h).collect();
    lines_in(shown, area, buf);
}

/// Cut a row of spans to `max` cells, on character boundaries.
pub fn fit_spans(spans: Vec<Span<'static>>, max: usize, cut: &str) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut used = 0;
    for s in spans {
        let w = text::width(&s.content);
        if used + w <= max {
            used += w;
            out.push(s);
        } else {
            let room = max.saturating_sub(used);
            if room > 0 {
                out.push(Span::styled(text::fit(&s.content, room, cut), s.style));
            }
            break;
        }
    }
    out
}
