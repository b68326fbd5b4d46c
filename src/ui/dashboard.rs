//! The dashboard: what needs attention today. Every line but the headings
//! is a link.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::text::{self, pad};
use super::{Theme, lines_in, list_row, styled};
use crate::app::Action;
use crate::app::state::{Scroll, State};
use crate::app::view::{self, DashLine, DashSection};
use crate::i18n::Lang;
use crate::model::Kind;
use crate::model::workload::Flag;

pub fn draw(state: &State, scroll: &Scroll, area: Rect, buf: &mut Buffer) {
    if view::first_run(state) {
        return draw_first_run(state, area, buf);
    }
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
                let title: String = match section {
                    DashSection::Open => l
                        .t("Open cases by status", "進行中のケース（状態別）")
                        .into(),
                    DashSection::FollowUps => l
                        .t(
                            "Follow-ups: overdue, today and the next 7 days",
                            "紹介の確認：期限切れ・今日・7日以内",
                        )
                        .into(),
                    DashSection::Unanswered(days) => match l {
                        Lang::En => {
                            format!("Referrals sent {days}+ days ago, not answered")
                        }
                        Lang::Ja => format!("送付後{days}日以上返事のない紹介"),
                    },
                    DashSection::Consents => l
                        .t(
                            "Consents expiring within 30 days, or withdrawn lately",
                            "30日以内に期限切れ・最近撤回された同意",
                        )
                        .into(),
                    DashSection::Supporters => l
                        .t(
                            "Supporters to look after (workload, supervision, quiet cases)",
                            "気にかけたいサポーター（負担・スーパービジョン・連絡のないケース）",
                        )
                        .into(),
                    DashSection::Upcoming => l
                        .t(
                            "Events today and in the next 7 days",
                            "今日と今後7日間の行事",
                        )
                        .into(),
                    DashSection::Recent => l
                        .t(
                            "Recently changed cases (and their records)",
                            "最近更新されたケース（記録を含む）",
                        )
                        .into(),
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
            DashLine::FollowUp(r) | DashLine::Unanswered(r) => {
                let (date, when, style) = match item {
                    DashLine::FollowUp(_) => {
                        let due = r.follow_up.unwrap_or(today);
                        let (when, style) = due_in(l, (due - today).num_days(), t);
                        (due, when, style)
                    }
                    _ => {
                        let sent = r.sent_on.unwrap_or(today);
                        let days = (today - sent).num_days();
                        (sent, format!("{days}{}", l.t(" days", "日経過")), t.warn())
                    }
                };
                vec![
                    styled(format!("{} ", r.id), t.dim()),
                    styled(format!("{date} "), style),
                    styled(pad(&when, 14, cut), style),
                    // Who it went to first: that is whom to chase.
                    Span::raw(format!(
                        "{} {}  {}",
                        t.sym.arrow,
                        text::clean(&state.name(r.to)),
                        text::clean(&state.name(r.case)),
                    )),
                ]
            }
            DashLine::Consent(c) => {
                let what = match (c.withdrawn_on, c.expires_on) {
                    (Some(w), _) if !c.open_referrals.is_empty() => format!(
                        "{} {w} {}",
                        l.t("withdrawn", "撤回"),
                        l.count(
                            c.open_referrals.len(),
                            "open referral",
                            "open referrals",
                            "件の紹介が進行中"
                        )
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
                styled(
                    format!("{} ", e.date),
                    if e.date == today { t.warn() } else { t.plain() },
                ),
                styled(pad(l.event_kind(e.kind), 13, cut), t.dim()),
                Span::raw(text::clean(&e.title)),
            ],
            DashLine::SupporterFlag(s, f) => {
                let (what, style) = flag_words(l, f, state, t);
                vec![
                    styled(format!("{} ", s.person.id), t.dim()),
                    styled(pad(&text::clean(&s.person.name), 14, cut), t.plain()),
                    Span::raw(" "),
                    styled(what, style),
                ]
            }
            DashLine::Recent(c) => vec![
                styled(format!("{} ", c.id), t.dim()),
                styled(format!("{} ", c.changed.date_naive()), t.dim()),
                styled(
                    pad(l.case_status(c.status), 11, cut),
                    t.case_status(c.status),
                ),
                styled(pad(l.kind(c.changed_kind), 9, cut), t.dim()),
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

/// An empty store: what triad holds, the keys that add the first body,
/// person and case (ticked off as they exist), and how to bring records in.
fn draw_first_run(state: &State, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    let w = usize::from(area.width).saturating_sub(1);
    let key = |a: Action| {
        state
            .keymap
            .key_for(crate::keymap::Mode::Normal, &a)
            .unwrap_or_default()
    };
    let has = |kind: Kind| state.data.names.keys().any(|id| id.kind == kind);
    let heading = |s: &str| Line::from(styled(format!(" {s}"), t.heading()));
    let text = |s: &str| Line::from(styled(format!("   {s}"), t.plain()));
    let mut lines = vec![
        heading(l.t("Welcome to triad", "triad へようこそ")),
        text(l.t(
            "triad keeps the cases of a peer-support programme: the bodies of",
            "ピアサポート事業のケースを記録します。行政・医療・",
        )),
        text(l.t(
            "the three sectors (government, medical, patient & family), their",
            "患者・家族の三つのセクターの団体と人、それを結ぶ",
        )),
        text(l.t(
            "people, and the cases that join them, with referrals, consents,",
            "ケース、そして紹介・同意・メモ・行事です。",
        )),
        text(l.t(
            "trust notes and events. This store has no case yet.",
            "このストアにはまだケースがありません。",
        )),
        Line::raw(""),
        heading(l.t("Start here", "はじめに")),
    ];
    let steps = [
        (
            Action::NewBody,
            Kind::Body,
            l.t(
                "add a body: a hospital, an office, a patients' group",
                "団体を追加（病院・行政窓口・患者会）",
            ),
        ),
        (
            Action::NewPerson,
            Kind::Person,
            l.t(
                "add a person: a client, a peer supporter, a nurse",
                "人を追加（相談者・ピアサポーター・看護師）",
            ),
        ),
        (
            Action::NewCase,
            Kind::Case,
            l.t(
                "open a case and put its parties on it",
                "ケースを作り、関係者を加える",
            ),
        ),
    ];
    for (action, kind, what) in steps {
        let done = kind != Kind::Case && has(kind);
        let mut spans = vec![
            styled(format!("   {} ", pad(&key(action), 4, cut)), t.title()),
            styled(what.to_string(), t.plain()),
        ];
        if done {
            spans.push(styled(format!("  ({})", l.t("done", "済")), t.ok()));
        }
        lines.push(Line::from(fit_spans(spans, w, cut)));
    }
    lines.extend([
        Line::raw(""),
        heading(l.t("Or bring records in", "記録を取り込む")),
        text(l.t(
            "triad import FILE.json   the records of a triad export",
            "triad import FILE.json   triad のエクスポートを取り込む",
        )),
        text(l.t(
            "triad --demo             try triad on sample data",
            "triad --demo             見本のデータで試す",
        )),
        Line::raw(""),
        Line::from(vec![
            styled(format!("   {} ", key(Action::Help)), t.title()),
            styled(l.t("every key", "すべてのキー").to_string(), t.dim()),
        ]),
    ]);
    let lines = lines
        .into_iter()
        .map(|line| Line::from(fit_spans(line.spans, w, cut)))
        .collect();
    lines_in(lines, area, buf);
}

/// A supporter's flag in words, and how loudly to show it.
pub fn flag_words(l: Lang, f: &Flag, state: &State, t: &Theme) -> (String, ratatui::style::Style) {
    let words = l.supporter_flag(f, &|case| text::clean(&state.name(case)));
    let style = match f {
        Flag::OverCapacity { .. } => t.error(),
        Flag::NoSupervision { .. } | Flag::Surge { .. } => t.warn(),
        Flag::QuietCase { .. } => t.plain(),
    };
    (words, style)
}

/// How far a follow-up date is from today: late (an error), today (a
/// warning), or still to come.
fn due_in(l: Lang, days: i64, t: &Theme) -> (String, ratatui::style::Style) {
    match days {
        d if d < 0 => (format!("{}{}", -d, l.t(" days late", "日超過")), t.error()),
        0 => (l.t("today", "今日").into(), t.warn()),
        d => (
            format!("{}{d}{}", l.t("in ", ""), l.t(" days", "日後")),
            t.plain(),
        ),
    }
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
