//! The reports screen: attendance by sector per year as grouped bars, the
//! referral funnel as bars, and each partnership's events per year as a
//! sparkline; one chart per page. Read without colour: every bar carries
//! its sector's letter and its value, and "not counted" is marked, never
//! drawn as 0.

use ratatui::buffer::Buffer;
use ratatui::layout::{Direction, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::symbols::bar;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Sparkline, Widget};

use super::text::{self, pad};
use super::{Rows, Theme};
use crate::app::state::{ReportPage, ReportsScreen, State};
use crate::i18n::Lang;
use crate::model::Sector;
use crate::report::{Overview, Tally};

/// Bars in narrow glyphs (block elements are double width on many
/// Japanese terminals): whole cells only.
fn bars(t: &Theme) -> bar::Set {
    let full = t.sym.bar;
    bar::Set {
        full,
        seven_eighths: full,
        three_quarters: full,
        five_eighths: full,
        half: full,
        three_eighths: " ",
        one_quarter: " ",
        one_eighth: " ",
        empty: " ",
    }
}

/// Sparkline levels in narrow glyphs: braille dots, or ASCII.
fn levels(t: &Theme) -> bar::Set {
    let [low, mid, high, full] = if t.sym == super::theme::ASCII {
        ["_", "-", "=", "#"]
    } else {
        ["\u{28C0}", "\u{28E4}", "\u{28F6}", "\u{28FF}"] // ⣀ ⣤ ⣶ ⣿
    };
    bar::Set {
        full,
        seven_eighths: full,
        three_quarters: high,
        five_eighths: high,
        half: mid,
        three_eighths: mid,
        one_quarter: low,
        one_eighth: low,
        empty: " ",
    }
}

/// An area less a column each side.
fn inset(area: Rect) -> Rect {
    Rect {
        x: area.x + 1.min(area.width),
        width: area.width.saturating_sub(2),
        ..area
    }
}

fn page_title(p: ReportPage, l: Lang) -> &'static str {
    match p {
        ReportPage::Attendance => l.t("Attendance by sector", "分野別の参加者数"),
        ReportPage::Referrals => l.t("Referral funnel", "紹介の経過"),
        ReportPage::Activity => l.t("Partnerships per year", "連携の年別活動"),
    }
}

pub fn draw(state: &State, s: &ReportsScreen, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let mut rows = Rows::new(area);
    // The pages, the current one in brackets (and bold).
    let mut tabs = vec![Span::raw(" ")];
    for (i, p) in ReportPage::ALL.iter().enumerate() {
        let name = format!("{} {}", i + 1, page_title(*p, l));
        if *p == s.page {
            tabs.push(Span::styled(format!("[{name}]"), t.heading()));
        } else {
            tabs.push(Span::styled(format!(" {name} "), t.dim()));
        }
        tabs.push(Span::raw(" "));
    }
    Paragraph::new(Line::from(tabs)).render(rows.take(1), buf);
    rows.take(1);
    let rest = rows.take(usize::from(rows.left()));
    let Some(f) = &s.figures else {
        let msg = match &s.error {
            Some(e) => format!(
                " {} {}",
                l.t("Could not load the figures:", "集計を読み込めません:"),
                text::clean(e)
            ),
            None => format!(" {}", l.t("Counting...", "集計中...")),
        };
        Paragraph::new(msg).render(rest, buf);
        return;
    };
    match s.page {
        ReportPage::Attendance => attendance(state, f, rest, buf),
        ReportPage::Referrals => funnel(state, f, rest, buf),
        ReportPage::Activity => activity(state, f, s.top, rest, buf),
    }
}

/// One sector's bar of a year: its letter (with "-" when not counted) and
/// its sum.
/// `*` when only some of the year's `events` counted it.
fn sector_bar<'a>(s: Sector, tally: &Tally, events: usize, l: Lang, t: &Theme) -> Bar<'a> {
    let tag = l.sector_tag(s);
    let label = match tally.sum {
        None => format!("{tag}-"),
        Some(_) if tally.counted < events => format!("{tag}*"),
        Some(_) => tag.to_string(),
    };
    Bar::default()
        .label(Line::from(label))
        .value(u64::from(tally.sum.unwrap_or(0)))
        .style(t.sector(s))
        .value_style(t.selected())
}

fn attendance(state: &State, f: &Overview, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let mut rows = Rows::new(area);
    let counted: Vec<_> = f
        .attendance
        .iter()
        .filter(|y| {
            [y.peer, y.medical, y.government]
                .iter()
                .any(|s| s.sum.is_some())
        })
        .collect();
    // A year is three bars of 4 and two gaps of 1, then a gap of 2; a
    // margin of one column each side.
    let fit = usize::from(area.width).saturating_sub(2) / 16;
    let shown = &counted[counted.len().saturating_sub(fit.max(1))..];
    let head = l.t(
        " Attendance by sector per year, over the events you may see that counted it",
        " 分野別の参加者数（年別、参加者数を記録した閲覧できる行事）",
    );
    Paragraph::new(Line::styled(head, t.heading())).render(rows.take(1), buf);
    let legend_rows = 4;
    let chart = rows.take(usize::from(rows.left().saturating_sub(legend_rows)));
    if shown.is_empty() {
        Paragraph::new(format!(
            " {}",
            l.t(
                "No attendance counted yet.",
                "参加者数の記録はまだありません。"
            )
        ))
        .render(chart, buf);
    } else {
        let mut c = BarChart::default()
            .bar_width(4)
            .bar_gap(1)
            .group_gap(2)
            .bar_set(bars(t))
            .label_style(t.plain())
            .value_style(t.selected());
        for y in shown {
            let group = BarGroup::default()
                .label(Line::from(y.year.to_string()).centered())
                .bars(&[
                    sector_bar(Sector::PatientFamily, &y.peer, y.events, l, t),
                    sector_bar(Sector::Medical, &y.medical, y.events, l, t),
                    sector_bar(Sector::Government, &y.government, y.events, l, t),
                ]);
            c = c.data(group);
        }
        c.render(inset(chart), buf);
    }
    let w = usize::from(area.width);
    let legend = format!(
        " {} {}  {} {}  {} {}",
        l.sector_tag(Sector::PatientFamily),
        l.t("peer / patient & family", "ピア・患者・家族"),
        l.sector_tag(Sector::Medical),
        l.t("medical", "医療"),
        l.sector_tag(Sector::Government),
        l.t("government", "行政"),
    );
    let marks = l.t(
        " X- not counted (not 0)   X* not counted at some of the year's events",
        " X- 未集計（0ではない）   X* その年の一部の行事で未集計",
    );
    let left_out = f.attendance.len() - shown.len();
    let more = if left_out > 0 {
        match l {
            Lang::En => format!(" {left_out} earlier years: `triad report attendance`"),
            Lang::Ja => format!(" ほか{left_out}年（以前の年）: `triad report attendance`"),
        }
    } else {
        String::new()
    };
    let lines = vec![
        Line::raw(""),
        Line::raw(pad(&legend, w, t.sym.cut)),
        Line::raw(pad(marks, w, t.sym.cut)),
        Line::styled(pad(&more, w, t.sym.cut), t.dim()),
    ];
    Paragraph::new(lines).render(rows.take(4), buf);
}

fn funnel(state: &State, f: &Overview, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let mut rows = Rows::new(area);
    let head = l.t(
        " How far referrals got (each counts at every stage it reached)",
        " 紹介の経過（到達した段階ごとに数える）",
    );
    Paragraph::new(Line::styled(head, t.heading())).render(rows.take(1), buf);
    rows.take(1);
    let stages = [
        (l.t("proposed", "提案"), f.funnel.proposed),
        (l.t("sent", "送付"), f.funnel.sent),
        (l.t("accepted", "受入"), f.funnel.accepted),
        (l.t("completed", "完了"), f.funnel.completed),
    ];
    let chart_bars: Vec<Bar> = stages
        .iter()
        .map(|(name, n)| {
            Bar::default()
                .label(Line::from(*name))
                .value(*n as u64)
                .text_value(n.to_string())
        })
        .collect();
    BarChart::default()
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(1)
        .bar_set(bars(t))
        .value_style(t.selected())
        .data(BarGroup::default().bars(&chart_bars))
        .render(inset(rows.take(7)), buf);
    rows.take(1);
    let c = &f.referrals;
    let now = [
        (l.t("proposed", "提案"), c.proposed),
        (l.t("sent", "送付"), c.sent),
        (l.t("accepted", "受入"), c.accepted),
        (
            l.t("declined by the client", "辞退（本人）"),
            c.declined_by_client,
        ),
        (
            l.t("declined by the receiver", "辞退（受け手）"),
            c.declined_by_receiver,
        ),
        (l.t("completed", "完了"), c.completed),
        (l.t("cancelled", "取消"), c.cancelled),
    ];
    let mut lines = vec![Line::styled(
        format!(
            " {} ({})",
            l.t("Where they stand now", "現在の状態"),
            c.total()
        ),
        t.heading(),
    )];
    for (name, n) in now {
        lines.push(Line::raw(format!(
            "   {} {name}",
            text::pad_left(&n.to_string(), 5)
        )));
    }
    Paragraph::new(lines).render(rows.take(usize::from(rows.left())), buf);
}

fn activity(state: &State, f: &Overview, top: usize, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let mut rows = Rows::new(area);
    let head = l.t(
        " Events per year on each partnership",
        " 連携ごとの年別行事数",
    );
    Paragraph::new(Line::styled(head, t.heading())).render(rows.take(1), buf);
    rows.take(1);
    let w = usize::from(area.width);
    let title_w = (w * 3 / 10).max(16);
    let spark_w = (w / 5).max(10);
    let info_w = w.saturating_sub(title_w + spark_w + 3);
    let list = rows.take(usize::from(rows.left().saturating_sub(1)));
    if f.activity.is_empty() {
        Paragraph::new(format!(
            " {}",
            l.t(
                "No partnership has events yet.",
                "行事のある連携はまだありません。"
            )
        ))
        .render(list, buf);
    }
    let mut y_rows = Rows::new(list);
    for a in f.activity.iter().skip(top) {
        if y_rows.left() == 0 {
            break;
        }
        let row = y_rows.take(1);
        let title = pad(&format!(" {}", text::clean(&a.title)), title_w, t.sym.cut);
        Paragraph::new(title).render(
            Rect {
                width: title_w as u16,
                ..row
            },
            buf,
        );
        // The latest years that fit.
        let data = &a.per_year[a.per_year.len().saturating_sub(spark_w)..];
        let spark = Rect {
            x: row.x + title_w as u16 + 1,
            width: (data.len() as u16).min(spark_w as u16),
            ..row
        };
        Sparkline::default()
            .data(data)
            .bar_set(levels(t))
            .style(Style::new().add_modifier(Modifier::BOLD))
            .render(spark, buf);
        let last = a.first_year + a.per_year.len() as i32 - 1;
        let total: u64 = a.per_year.iter().sum();
        let (peak_i, peak) = a
            .per_year
            .iter()
            .enumerate()
            .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))
            .map_or((0, 0), |(i, n)| (i, *n));
        // The figures are of every year; the sparkline of those that fit.
        let span = if a.first_year == last {
            last.to_string()
        } else {
            format!("{}-{last}", a.first_year)
        };
        let info = match l {
            Lang::En => format!(
                "{span}: {total} {}, most {peak} in {}",
                if total == 1 { "event" } else { "events" },
                a.first_year + peak_i as i32
            ),
            Lang::Ja => format!(
                "{span}: 計{total}件、最多{}年{peak}件",
                a.first_year + peak_i as i32
            ),
        };
        let info_area = Rect {
            x: row.x + (title_w + spark_w + 2) as u16,
            width: info_w as u16,
            ..row
        };
        Paragraph::new(pad(&info, info_w, t.sym.cut)).render(info_area, buf);
    }
    let shown_to = (top + usize::from(list.height)).min(f.activity.len());
    let foot = match l {
        Lang::En => format!(
            " {}-{} of {} partnerships",
            (top + 1).min(shown_to),
            shown_to,
            f.activity.len()
        ),
        Lang::Ja => format!(
            " 連携{}件中 {}-{}",
            f.activity.len(),
            (top + 1).min(shown_to),
            shown_to
        ),
    };
    Paragraph::new(Line::styled(foot, t.dim())).render(rows.take(1), buf);
}

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr;

    use super::*;
    use crate::ui::theme::{ASCII, UNICODE};

    /// Bars and sparklines draw one cell a glyph in every East Asian width
    /// setting, and in ASCII mode print nothing else.
    #[test]
    fn chart_glyphs_are_single_width_everywhere() {
        for (sym, ascii) in [(UNICODE, false), (ASCII, true)] {
            let t = Theme { sym, color: false };
            for set in [bars(&t), levels(&t)] {
                for g in [
                    set.full,
                    set.seven_eighths,
                    set.three_quarters,
                    set.five_eighths,
                    set.half,
                    set.three_eighths,
                    set.one_quarter,
                    set.one_eighth,
                    set.empty,
                ] {
                    assert_eq!((g.width(), g.width_cjk()), (1, 1), "{g:?}");
                    assert!(!ascii || g.is_ascii(), "{g:?} in ASCII mode");
                }
            }
        }
    }
}
