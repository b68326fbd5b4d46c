//! The Supporters screen (a list of peer supporters with their workload,
//! supervision and training) and one supporter's view (their cases,
//! contacts, trainings, supervision and, for those who may read them,
//! wellbeing check-ins).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::dashboard::{fit_spans, flag_words};
use super::text::{self, col, pad, pad_left};
use super::{Rows, Theme, filter_line, lines_in, list_row, or_dash, panels, styled};
use crate::app::state::{
    State, SupporterPanel, SupporterScreen, SupporterSort, SupportersScreen, visible,
};
use crate::app::supporters_view::{self as sv, CareRow};
use crate::i18n::Lang;
use crate::model::workload::Flag;
use crate::query::supporters::{SupporterRow, Training};

/// The filter line and the column headings.
pub fn list_rows(body: Rect) -> u16 {
    body.height.saturating_sub(2)
}

/// "3/2": active cases over capacity ("3/-" with none agreed).
fn load(r: &SupporterRow) -> String {
    let w = &r.workload;
    let cap = w
        .capacity
        .map_or_else(|| "-".to_string(), |c| c.to_string());
    format!("{}/{cap}", w.active_cases())
}

/// The current course in short: "applied 10/10 ok 2024".
fn training_state(l: Lang, t: Option<&Training>) -> String {
    let Some(t) = t else {
        return "-".into();
    };
    let level = l.course_level(t.course.level);
    let years: Vec<String> = t
        .enrolment
        .certificates
        .iter()
        .map(|c| c.year.to_string())
        .collect();
    let done = if t.completed() {
        l.t("done", "修了")
    } else {
        l.t("on course", "受講中")
    };
    let certs = if years.is_empty() {
        String::new()
    } else {
        format!(" {}{}", l.t("cert ", "修了証"), years.join(","))
    };
    format!(
        "{level} {}/{} {done}{certs}",
        t.attended, t.course.planned_sessions
    )
}

fn status_text(l: Lang, r: &SupporterRow) -> String {
    r.workload
        .status
        .map_or_else(|| "-".to_string(), |s| l.supporter_status(s).to_string())
}

pub fn draw_list(state: &State, s: &SupportersScreen, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    let w = usize::from(area.width);
    let rows = sv::rows(state, s);
    let mut lines_area = Rows::new(area);
    let head_area = lines_area.take(2);

    let sort = match s.sort {
        SupporterSort::Name => l.t("name", "名前"),
        SupporterSort::Load => l.t("load", "受け持ち"),
        SupporterSort::Contacts => l.t("contacts", "関わり"),
        SupporterSort::Supervision => l.t("supervision", "SV"),
        SupporterSort::Status => l.t("status", "状態"),
    };
    let mut head = filter_line(state, &s.filter, s.editing, area.width / 2);
    let filter_w = usize::from(area.width / 2);
    let used: usize = head.spans.iter().map(|x| text::width(&x.content)).sum();
    head.spans
        .push(Span::raw(" ".repeat(filter_w.saturating_sub(used))));
    let summary = format!(
        "  {}: {sort}  {}/{}",
        l.t("sort", "並び順"),
        rows.len(),
        state.data.supporters.len()
    );
    head.spans.push(styled(
        text::fit(&summary, w.saturating_sub(filter_w), cut),
        t.dim(),
    ));

    // Columns: id, name, kind, status, cases/capacity, contacts in 30
    // days, last supervision, training (the rest). Wide screens add hours
    // and the area of activity.
    let wide = w >= 120;
    let (name_w, kind_w, status_w) = if wide { (16, 16, 10) } else { (11, 11, 8) };
    // Ids grow with the store (`P-95312`): the column fits the longest.
    let id_w = 1 + rows
        .iter()
        .map(|r| r.person.id.to_string().len())
        .max()
        .unwrap_or(6);
    let fixed = 2 + id_w + name_w + kind_w + status_w + 6 + 5 + 11 + if wide { 7 } else { 0 };
    let rest = w.saturating_sub(fixed).max(8);
    let (train_w, area_w) = if wide {
        (28, rest.saturating_sub(28))
    } else {
        (rest, 0)
    };
    let mut heading = vec![
        Span::raw("  "),
        Span::raw(col(l.t("id", "ID"), id_w, cut)),
        Span::raw(col(l.t("name", "名前"), name_w, cut)),
        Span::raw(col(l.t("kind", "種類"), kind_w, cut)),
        Span::raw(col(l.t("status", "状態"), status_w, cut)),
        Span::raw(col(l.t("cases", "担当"), 6, cut)),
        Span::raw(col(l.t("30d", "30日"), 5, cut)),
    ];
    if wide {
        heading.push(Span::raw(col(l.t("hours", "時間"), 7, cut)));
    }
    heading.push(Span::raw(col(l.t("last SV", "前回SV"), 11, cut)));
    heading.push(Span::raw(col(l.t("training", "研修"), train_w, cut)));
    if wide {
        heading.push(Span::raw(pad(
            l.t("area / availability", "活動範囲・都合"),
            area_w,
            cut,
        )));
    }
    lines_in(
        vec![head, Line::from(fit_spans(heading, w, cut)).style(t.dim())],
        head_area,
        buf,
    );

    let list_area = lines_area.take(usize::from(lines_area.left()));
    if rows.is_empty() {
        let msg = if state.data.supporters.is_empty() {
            l.t(
                "No peer supporters yet: give a person the peer supporter role.",
                "ピアサポーターはまだいません。人の役割にピアサポーターを加えてください。",
            )
        } else {
            l.t(
                "No supporter matches the filter.",
                "絞り込みに合うサポーターはいません。",
            )
        };
        return panels::empty(state, list_area, buf, msg);
    }
    let (start, end) = visible(
        s.scroll.sel,
        s.scroll.offset,
        rows.len(),
        usize::from(list_area.height),
    );
    let today = state.today();
    let lines: Vec<Line<'static>> = (start..end)
        .map(|i| {
            let r = rows[i];
            let flags = sv::row_flags(state, r);
            let over = flags.iter().any(|f| matches!(f, Flag::OverCapacity { .. }));
            let no_sv = flags
                .iter()
                .any(|f| matches!(f, Flag::NoSupervision { .. }));
            let base = if sv::resting(r) { t.dim() } else { t.plain() };
            let kind = r.person.peer_kind.map_or("-", |k| l.peer_kind(k));
            let sv_text = r.workload.last_supervision.map_or_else(
                || "-".to_string(),
                |d| {
                    if wide {
                        format!("{d}")
                    } else {
                        format!("{}{}", (today - d).num_days(), l.t("d ago", "日前"))
                    }
                },
            );
            let mut spans = vec![
                styled(col(&r.person.id.to_string(), id_w, cut), t.dim()),
                styled(col(&text::clean(&r.person.name), name_w, cut), base),
                styled(col(kind, kind_w, cut), t.dim()),
                styled(col(&status_text(l, r), status_w, cut), base),
                styled(
                    format!("{} ", pad_left(&load(r), 5)),
                    if over { t.error() } else { base },
                ),
                styled(
                    format!("{} ", pad_left(&r.workload.contacts_30.to_string(), 4)),
                    base,
                ),
            ];
            if wide {
                spans.push(styled(
                    format!("{} ", pad_left(&format!("{:.1}", r.workload.hours_30()), 6)),
                    base,
                ));
            }
            spans.push(styled(
                col(&sv_text, 11, cut),
                if no_sv { t.warn() } else { base },
            ));
            spans.push(styled(
                col(&training_state(l, r.current_training()), train_w, cut),
                t.dim(),
            ));
            if wide {
                let p = r.person.supporter.as_ref();
                let area_text = format!(
                    "{} {}",
                    text::clean(&r.person.activity_range),
                    text::clean(p.map(|x| x.availability.as_str()).unwrap_or_default())
                );
                spans.push(styled(pad(area_text.trim(), area_w, cut), t.dim()));
            }
            list_row(
                state,
                fit_spans(spans, w.saturating_sub(2), cut),
                area.width,
                i == s.scroll.sel,
            )
        })
        .collect();
    lines_in(lines, list_area, buf);
}

/// Header rows of a supporter's view.
const HEADER_ROWS: usize = 5;

pub fn panel_rows(body: Rect) -> u16 {
    body.height
        .saturating_sub(u16::try_from(HEADER_ROWS + 1).unwrap_or(u16::MAX))
}

pub fn draw_view(state: &State, s: &SupporterScreen, body: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let cut = t.sym.cut;
    let Some(d) = s.detail.as_deref() else {
        let msg = match &s.error {
            Some(e) => format!(" {} {}: {e}", l.t("Cannot open", "開けません"), s.id),
            None => format!(" {} {}...", l.t("Loading", "読み込み中"), s.id),
        };
        lines_in(vec![Line::from(styled(msg, t.dim()))], body, buf);
        return;
    };
    let mut rows = Rows::new(body);
    let header_area = rows.take(HEADER_ROWS);
    let tabs_area = rows.take(1);
    let area = rows.take(usize::from(rows.left()));
    let w = usize::from(body.width);
    let r = &d.row;
    let p = &r.person;
    let profile = p.supporter.clone().unwrap_or_default();
    let name_of = |id| text::clean(&d.names.get(&id).cloned().unwrap_or_else(|| state.name(id)));

    // Line 1: who, kind, status (resting said as the normal pause it is).
    let mut first = super::party_view::person_heading(l, t, p);
    if let Some(st) = r.workload.status {
        let mut said = l.supporter_status(st).to_string();
        if let Some(since) = profile.since {
            said = format!("{said} {} {since}", l.t("since", "開始"));
        }
        if sv::resting(r) {
            said = format!(
                "{said} ({})",
                l.t(
                    "a normal pause; no flags are raised",
                    "通常の休止。注意表示はしません"
                )
            );
        }
        first.push(styled(format!("{}{said}", t.sym.sep), t.plain()));
    }
    // Line 2: workload.
    let flags = sv::row_flags(state, r);
    let workload = match l {
        Lang::En => format!(
            " {} (takes {}) · {}, {:.1} h in 30 days · supervisor: {}",
            Lang::En.count(r.workload.active_cases() as usize, "case", "cases", ""),
            r.workload
                .capacity
                .map_or_else(|| "-".to_string(), |c| c.to_string()),
            Lang::En.count(r.workload.contacts_30 as usize, "contact", "contacts", ""),
            r.workload.hours_30(),
            profile.supervisor.map_or_else(|| "-".to_string(), name_of),
        ),
        Lang::Ja => format!(
            " 担当{}件（上限{}）・30日で{}件 {:.1}時間・スーパーバイザー: {}",
            r.workload.active_cases(),
            r.workload
                .capacity
                .map_or_else(|| "-".to_string(), |c| c.to_string()),
            r.workload.contacts_30,
            r.workload.hours_30(),
            profile.supervisor.map_or_else(|| "-".to_string(), name_of),
        ),
    };
    let second = vec![styled(
        workload,
        if flags.is_empty() {
            t.plain()
        } else {
            t.warn()
        },
    )];
    let third = vec![Span::raw(format!(
        " {}: {}  {}: {}",
        l.t("skills", "技能"),
        or_dash(&p.skills),
        l.t("languages", "言語"),
        or_dash(&profile.languages),
    ))];
    let fourth = vec![Span::raw(format!(
        " {}: {}  {}: {}",
        l.t("area", "活動範囲"),
        or_dash(&p.activity_range),
        l.t("available", "都合"),
        or_dash(&profile.availability),
    ))];
    let fifth = match flags.first() {
        Some(f) => {
            let (what, style) = flag_words(l, f, state, t);
            let more = if flags.len() > 1 {
                format!(" (+{})", flags.len() - 1)
            } else {
                String::new()
            };
            vec![styled(format!(" {} {what}{more}", t.sym.selected), style)]
        }
        None => vec![styled(
            format!(
                " {}: {}",
                l.t("disease areas", "疾患領域"),
                or_dash(&profile.disease_areas)
            ),
            t.dim(),
        )],
    };
    let lines: Vec<Line<'static>> = [first, second, third, fourth, fifth]
        .into_iter()
        .map(|spans| Line::from(fit_spans(spans, w, cut)))
        .collect();
    lines_in(lines, header_area, buf);

    let care = sv::care_rows(d);
    let tabs: Vec<(&str, usize, bool)> = SupporterPanel::ALL
        .into_iter()
        .map(|panel| {
            let (name, n) = match panel {
                SupporterPanel::Cases => (l.t("Cases", "担当ケース"), r.workload.cases.len()),
                SupporterPanel::Contacts => (l.t("Contacts", "関わり"), d.contacts.len()),
                SupporterPanel::Training => (l.t("Training", "研修"), r.trainings.len()),
                SupporterPanel::Supervision => (l.t("Supervision", "スーパービジョン"), care.len()),
            };
            (name, n, panel == s.panel)
        })
        .collect();
    panels::tab_bar(state, &tabs, tabs_area, buf);

    let sel = s.scroll[sv::panel_index(s.panel)];
    let lw = usize::from(area.width).saturating_sub(2);
    let draw_rows = |n: usize, row: &dyn Fn(usize) -> Vec<Span<'static>>, buf: &mut Buffer| {
        let (start, end) = visible(sel.sel, sel.offset, n, usize::from(area.height));
        let lines: Vec<Line<'static>> = (start..end)
            .map(|i| list_row(state, fit_spans(row(i), lw, cut), area.width, i == sel.sel))
            .collect();
        lines_in(lines, area, buf);
    };
    let title = |id| {
        text::clean(
            &d.case_titles
                .get(&id)
                .cloned()
                .unwrap_or_else(|| state.name(id)),
        )
    };
    let quiet_days = state.cfg.thresholds.quiet_case_days;
    match s.panel {
        SupporterPanel::Cases => {
            let cases = &r.workload.cases;
            if cases.is_empty() {
                return panels::empty(
                    state,
                    area,
                    buf,
                    l.t("No active cases.", "担当中のケースはありません。"),
                );
            }
            draw_rows(
                cases.len(),
                &|i| {
                    let c = &cases[i];
                    let quiet = c.days_quiet.is_some_and(|q| q >= i64::from(quiet_days));
                    let last = match (c.last_contact, c.days_quiet) {
                        (Some(on), Some(q)) => format!("{on} ({q}{})", l.t("d", "日")),
                        (None, _) => l.t("no contact yet", "まだ関わりなし").to_string(),
                        (Some(on), None) => on.to_string(),
                    };
                    vec![
                        styled(format!("{} ", c.case), t.dim()),
                        styled(
                            col(&last, 20, cut),
                            if quiet { t.warn() } else { t.plain() },
                        ),
                        Span::raw(title(c.case)),
                    ]
                },
                buf,
            );
        }
        SupporterPanel::Contacts => {
            if d.contacts.is_empty() {
                return panels::empty(
                    state,
                    area,
                    buf,
                    l.t("No contacts logged.", "関わりの記録はありません。"),
                );
            }
            // Date, kind and minutes take 30 cells; the case title half
            // of the rest (at least 28), its note the other half.
            let title_w = (usize::from(area.width).saturating_sub(30) / 2).max(28);
            draw_rows(
                d.contacts.len(),
                &|i| {
                    let c = &d.contacts[i];
                    // In meeting mode only shared notes show their text.
                    let note = if state.cfg.meeting
                        && c.confidentiality != crate::model::Confidentiality::Shared
                    {
                        String::new()
                    } else {
                        text::clean(&c.note)
                    };
                    vec![
                        styled(format!("{} ", c.on), t.dim()),
                        styled(col(l.contact_kind(c.kind), 13, cut), t.plain()),
                        styled(
                            format!(
                                "{} ",
                                pad_left(&format!("{}{}", c.minutes, l.t("m", "分")), 5)
                            ),
                            t.dim(),
                        ),
                        styled(col(&title(c.case), title_w, cut), t.plain()),
                        styled(note, t.dim()),
                    ]
                },
                buf,
            );
        }
        SupporterPanel::Training => {
            if r.trainings.is_empty() {
                return panels::empty(
                    state,
                    area,
                    buf,
                    l.t("No training on record.", "研修の記録はありません。"),
                );
            }
            draw_rows(
                r.trainings.len(),
                &|i| {
                    let tr = &r.trainings[i];
                    let provider = tr.course.provider.map(name_of).unwrap_or_default();
                    vec![
                        styled(format!("{} ", tr.course.id), t.dim()),
                        styled(
                            format!(
                                "{} {} {} ",
                                tr.course.started,
                                t.sym.arrow,
                                tr.course
                                    .ended
                                    .map_or_else(|| "-".to_string(), |e| e.to_string())
                            ),
                            t.dim(),
                        ),
                        styled(col(&training_state(l, Some(tr)), 26, cut), t.plain()),
                        Span::raw(text::clean(&tr.course.name)),
                        styled(format!("  {provider}"), t.dim()),
                    ]
                },
                buf,
            );
        }
        SupporterPanel::Supervision => {
            if care.is_empty() {
                return panels::empty(
                    state,
                    area,
                    buf,
                    l.t(
                        "No supervision on record.",
                        "スーパービジョンの記録はありません。",
                    ),
                );
            }
            draw_rows(
                care.len(),
                &|i| match &care[i] {
                    CareRow::Supervision(x) => vec![
                        styled(format!("{} ", x.on), t.dim()),
                        styled(col(l.supervision_mode(x.mode), 11, cut), t.plain()),
                        styled(col(&name_of(x.supervisor), 14, cut), t.plain()),
                        styled(text::clean(&x.themes), t.dim()),
                    ],
                    CareRow::CheckIn(c) => vec![
                        styled(format!("{} ", c.on), t.dim()),
                        styled(col(l.t("check-in", "セルフチェック"), 11, cut), t.heading()),
                        styled(
                            col(
                                &c.wellbeing
                                    .map_or_else(|| "-".to_string(), |w| format!("{w}/5")),
                                14,
                                cut,
                            ),
                            t.plain(),
                        ),
                        styled(
                            if state.cfg.meeting {
                                String::new()
                            } else {
                                text::clean(&c.note)
                            },
                            t.dim(),
                        ),
                    ],
                },
                buf,
            );
        }
    }
}
