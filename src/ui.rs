//! Drawing: pure functions from `State` to a ratatui frame. No IO, no
//! mutation, no panics: every size is clamped to the area, so a one-cell
//! terminal gets a (tiny) "too small" screen rather than a crash.

pub mod brief_view;
pub mod case_list;
pub mod case_view;
pub mod dashboard;
pub mod finder;
pub mod form;
pub mod help;
pub mod panels;
pub mod party_view;
pub mod popup;
pub mod record_view;
pub mod reports;
pub mod supporters;
pub mod text;
pub mod theme;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

pub use theme::Theme;

use crate::app::Action;
use crate::app::state::{Flash, Link, Screen, State};
use crate::keymap::Mode;

/// Below this the layout cannot show a case; a clear message instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

pub fn draw(state: &State, frame: &mut Frame) {
    let area = frame.area();
    render(state, area, frame.buffer_mut());
    if let Some(pos) = cursor(state, area) {
        frame.set_cursor_position(pos);
    }
}

/// Paint the whole app into `buf` within `area`.
pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let area = area.intersection(buf.area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        popup::too_small(state, area, buf);
        return;
    }
    if state.cfg.meeting && state.meeting.blank {
        popup::blank(state, area, buf);
        return;
    }
    let _masking = text::masking(crate::app::meeting::mask(state));
    let (header, body, footer) = frame_areas(area);
    draw_header(state, header, buf);
    match state.screen() {
        Screen::Dashboard(scroll) => dashboard::draw(state, scroll, body, buf),
        Screen::Cases(list) => case_list::draw(state, list, body, buf),
        Screen::Case(s) => case_view::draw(state, s, body, buf),
        Screen::Party(s) => party_view::draw(state, s, body, buf),
        Screen::Record(s) => record_view::draw(state, s, body, buf),
        Screen::Supporters(s) => supporters::draw_list(state, s, body, buf),
        Screen::Supporter(s) => supporters::draw_view(state, s, body, buf),
        Screen::Reports(s) => reports::draw(state, s, body, buf),
        Screen::Brief(s) => brief_view::draw(state, s, body, buf),
    }
    draw_footer(state, footer, buf);
    if state.help.is_some() {
        help::draw(state, body, buf);
    }
    if let Some(f) = &state.finder {
        finder::draw(state, f, area, buf);
    }
    // A conflict's comparison stands in for the form it is about.
    let comparing = state
        .confirm
        .as_ref()
        .is_some_and(|c| !c.compare.is_empty());
    if let Some(f) = state.form.as_ref().filter(|_| !comparing) {
        form::draw(state, f, area, buf);
    }
    if let Some(c) = &state.confirm {
        popup::confirm(state, c, area, buf);
    }
    if !state.pending.is_empty() {
        popup::which_key(state, body, buf);
    }
    text::defang(buf, area);
}

/// Where the terminal cursor goes: the focused text field, if any.
fn cursor(state: &State, area: Rect) -> Option<ratatui::layout::Position> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT || state.confirm.is_some() {
        return None;
    }
    if let Some(f) = &state.form {
        return form::cursor(state, f, area);
    }
    if let Some(f) = &state.finder {
        return finder::cursor(state, f, area);
    }
    let (_, body, _) = frame_areas(area);
    match state.screen() {
        Screen::Cases(l) if l.editing => Some(filter_cursor(&l.filter, body)),
        Screen::Case(c) if c.editing => case_view::filter_cursor(state, c, body),
        Screen::Party(p) if p.editing => party_view::filter_cursor(state, p, body),
        Screen::Supporters(s) if s.editing => Some(filter_cursor(&s.filter, body)),
        _ => None,
    }
}

/// Header line, body, footer line.
pub fn frame_areas(area: Rect) -> (Rect, Rect, Rect) {
    let header = Rect {
        height: 1.min(area.height),
        ..area
    };
    let footer = Rect {
        y: area.bottom().saturating_sub(1),
        height: 1.min(area.height),
        ..area
    };
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(2),
        ..area
    };
    (header, body, footer)
}

/// Cuts rows off the top of an area, in order.
pub struct Rows {
    area: Rect,
    y: u16,
}

impl Rows {
    pub fn new(area: Rect) -> Rows {
        Rows { area, y: area.y }
    }

    pub fn take(&mut self, h: usize) -> Rect {
        let h = u16::try_from(h).unwrap_or(u16::MAX).min(self.left());
        let r = Rect {
            y: self.y,
            height: h,
            ..self.area
        };
        self.y += h;
        r
    }

    pub fn left(&self) -> u16 {
        self.area.bottom().saturating_sub(self.y)
    }
}

/// Rows of the main list or panel on screen, for paging and scrolling.
pub fn page_rows(state: &State) -> usize {
    let area = Rect::new(0, 0, state.size.0, state.size.1);
    let (_, body, _) = frame_areas(area);
    let rows = if state.help.is_some() {
        help::rows(body)
    } else if state.finder.is_some() {
        finder::rows(area)
    } else {
        match state.screen() {
            Screen::Dashboard(_) => body.height,
            Screen::Cases(_) => case_list::rows(body),
            Screen::Case(s) => case_view::panel_rows(state, s, body),
            Screen::Party(s) => party_view::panel_rows(state, s, body),
            Screen::Record(_) => record_view::rows(body),
            Screen::Supporters(_) => supporters::list_rows(body),
            Screen::Supporter(_) => supporters::panel_rows(body),
            Screen::Reports(_) => body.height,
            Screen::Brief(_) => brief_view::rows(body),
        }
    };
    usize::from(rows)
}

/// Lines in the help screen, for scrolling it.
pub fn help_len(state: &State) -> usize {
    help::lines(state).len()
}

fn draw_header(state: &State, area: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let mut crumbs: Vec<String> = Vec::new();
    for s in &state.stack {
        crumbs.push(match s {
            Screen::Dashboard(_) => l.t("Dashboard", "ダッシュボード").to_string(),
            Screen::Cases(_) => l.t("Cases", "ケース一覧").to_string(),
            Screen::Case(c) => c.id.to_string(),
            Screen::Party(p) => p.id.to_string(),
            Screen::Record(r) => r.id.to_string(),
            Screen::Supporters(_) => l.t("Supporters", "サポーター").to_string(),
            Screen::Supporter(v) => v.id.to_string(),
            Screen::Reports(_) => l.t("Reports", "集計").to_string(),
            Screen::Brief(_) => l.t("Brief", "ブリーフィング").to_string(),
        });
    }
    let loading = &state.data.loading;
    let link_down = matches!(state.link, Link::Reconnecting(_));
    let right = if link_down {
        l.t("disconnected - reconnecting", "切断・再接続中")
            .to_string()
    } else if let Some(e) = &loading.error {
        format!("{} {e}", l.t("Load failed:", "読み込み失敗:"))
    } else if loading.counted {
        l.count(state.data.overview.total, "case", "cases", " 件")
    } else {
        l.t("loading...", "読み込み中...").to_string()
    };
    // Who we are on the server, and as what.
    let right = text::clean(&format!(
        "{} ({})  {right}",
        state.cfg.user,
        l.access_role(state.role)
    ));
    let right_w = text::width(&right).min(usize::from(area.width) / 2);
    let left_w = usize::from(area.width).saturating_sub(right_w + 1);
    let sep = format!(" {} ", t.sym.arrow);
    let meeting = if state.cfg.meeting {
        l.t("[MEETING] ", "[会議モード] ")
    } else {
        ""
    };
    let left = format!(" triad  {meeting}{}", crumbs.join(&sep));
    let line = Line::from(vec![
        Span::styled(text::pad(&left, left_w, t.sym.cut), t.title()),
        Span::raw(" "),
        Span::styled(
            text::pad(&right, right_w, t.sym.cut),
            if link_down || loading.error.is_some() {
                t.error()
            } else {
                t.dim()
            },
        ),
    ]);
    Paragraph::new(line).style(t.selected()).render(area, buf);
}

/// Flash message, or the keys that matter here, built from the keymap so
/// they are always the real ones.
fn draw_footer(state: &State, area: Rect, buf: &mut Buffer) {
    let t = &Theme::of(&state.cfg);
    let line = match (&state.link, &state.flash) {
        // Waiting for the server to open the store: say what it is doing.
        (Link::Opening(opening), _) => Line::from(Span::styled(
            format!(" {}", opening.describe(state.cfg.lang)),
            t.dim(),
        )),
        (_, Some(Flash::Ok(m))) => Line::from(Span::styled(format!(" {}", text::clean(m)), t.ok())),
        (_, Some(Flash::Error(m))) => {
            Line::from(Span::styled(format!(" ! {}", text::clean(m)), t.error()))
        }
        (_, Some(Flash::Info(m))) => Line::from(Span::raw(format!(" {}", text::clean(m)))),
        (_, None) => {
            // Keys our role may not use are not offered.
            let mut actions = footer_actions(state);
            actions.retain(|(_, a)| crate::app::view::refused_for_role(state, a).is_none());
            hints(state, &actions)
        }
    };
    Clear.render(area, buf);
    Paragraph::new(line).render(area, buf);
}

fn footer_actions(state: &State) -> Vec<(Mode, Action)> {
    use Action as A;
    let n = |a| (Mode::Normal, a);
    match state.mode() {
        Mode::Input => vec![
            (Mode::Input, A::Submit),
            (Mode::Input, A::Cancel),
            (Mode::Input, A::Down),
        ],
        Mode::Form => {
            use crate::app::form::FieldKind as F;
            let kind = state
                .form
                .as_ref()
                .and_then(|f| f.focused())
                .map(|f| &f.kind);
            let mut v = vec![(Mode::Form, A::Save), (Mode::Form, A::NextField)];
            // The keys of the field being typed in, then closing.
            if matches!(kind, Some(F::Party | F::Parties)) {
                v.extend([(Mode::Form, A::NextMatch), (Mode::Form, A::NewParty)]);
            }
            v.push((Mode::Form, A::Cancel));
            if matches!(kind, Some(F::Text | F::Multi)) {
                v.push((Mode::Form, A::OpenEditor));
            }
            v
        }
        Mode::Confirm
            if state
                .confirm
                .as_ref()
                .is_some_and(|c| !c.compare.is_empty()) =>
        {
            vec![
                (Mode::Confirm, A::Yes),
                (Mode::Confirm, A::TakeTheirs),
                (Mode::Confirm, A::No),
            ]
        }
        Mode::Confirm => vec![(Mode::Confirm, A::Yes), (Mode::Confirm, A::No)],
        Mode::Help => vec![(Mode::Help, A::Down), (Mode::Help, A::Back)],
        Mode::Normal => match state.screen() {
            Screen::Dashboard(_) => vec![
                n(A::Open),
                n(A::Brief),
                n(A::Finder),
                n(A::Cases),
                n(A::NewCase),
                n(A::Help),
                n(A::Quit),
            ],
            Screen::Cases(_) => vec![
                n(A::Open),
                n(A::Filter),
                n(A::SortNext),
                n(A::FilterStatus),
                n(A::Finder),
                n(A::Help),
                n(A::Back),
            ],
            Screen::Case(_) => vec![
                n(A::NextPanel),
                n(A::Toggle),
                n(A::AddNote),
                n(A::ProposeReferral),
                n(A::Finder),
                n(A::Help),
                n(A::Back),
            ],
            Screen::Party(_) => vec![
                n(A::NextPanel),
                n(A::Open),
                n(A::Finder),
                n(A::Help),
                n(A::Back),
            ],
            Screen::Reports(_) => vec![
                n(A::NextPanel),
                n(A::Down),
                n(A::Finder),
                n(A::Help),
                n(A::Back),
            ],
            Screen::Brief(_) => vec![
                n(A::Open),
                n(A::SaveBrief),
                n(A::CopyBrief),
                n(A::CopyId),
                n(A::Help),
                n(A::Back),
            ],
            Screen::Record(_) => vec![
                n(A::Down),
                n(A::PageDown),
                n(A::Edit),
                n(A::Finder),
                n(A::Help),
                n(A::Back),
            ],
            Screen::Supporters(_) => vec![
                n(A::Open),
                n(A::Filter),
                n(A::SortNext),
                n(A::Finder),
                n(A::Help),
                n(A::Back),
            ],
            Screen::Supporter(_) => vec![
                n(A::NextPanel),
                n(A::Open),
                n(A::LogContact),
                n(A::Edit),
                n(A::Help),
                n(A::Back),
            ],
        },
    }
}

/// Short names for footer hints.
fn hint_label(state: &State, a: &Action) -> &'static str {
    let l = state.lang();
    match a {
        Action::Open => l.t("open", "開く"),
        Action::Finder => l.t("find", "検索"),
        Action::Cases => l.t("cases", "一覧"),
        Action::NewCase => l.t("new case", "新規"),
        Action::Help => l.t("help", "ヘルプ"),
        Action::Quit => l.t("quit", "終了"),
        Action::Filter => l.t("filter", "絞込"),
        Action::SortNext => l.t("sort", "並替"),
        Action::FilterStatus => l.t("status", "状態"),
        Action::Back => l.t("back", "戻る"),
        Action::NextPanel if matches!(state.screen(), Screen::Reports(_)) => {
            l.t("next chart", "次のグラフ")
        }
        Action::NextPanel => l.t("panel", "パネル"),
        Action::Toggle => l.t("expand", "展開"),
        Action::AddNote => l.t("note", "メモ"),
        Action::ProposeReferral => l.t("refer", "紹介"),
        Action::Submit => l.t("go", "決定"),
        Action::Cancel => l.t("close", "閉じる"),
        Action::Down if matches!(state.screen(), Screen::Record(_) | Screen::Reports(_)) => {
            l.t("scroll", "スクロール")
        }
        Action::Down => l.t("next", "次"),
        Action::PageDown => l.t("page", "ページ"),
        Action::Save => l.t("save", "保存"),
        Action::NextField => l.t("next field", "次の項目"),
        Action::OpenEditor => l.t("$EDITOR", "$EDITOR"),
        Action::Yes => l.t("yes", "はい"),
        Action::No => l.t("no", "いいえ"),
        Action::TakeTheirs => l.t("take theirs", "相手の版"),
        Action::Edit if matches!(state.screen(), Screen::Supporter(_)) => {
            l.t("capacity/status", "上限・状態")
        }
        Action::Edit => l.t("edit", "編集"),
        Action::NextMatch => l.t("next match", "次の候補"),
        Action::NewParty => l.t("new", "新規"),
        Action::SaveBrief => l.t("save", "保存"),
        Action::CopyBrief => l.t("copy all", "全体をコピー"),
        Action::CopyId => l.t("copy id", "IDをコピー"),
        Action::Brief => l.t("brief", "ブリーフィング"),
        Action::LogContact => l.t("contact", "関わり"),
        _ => "",
    }
}

fn hints(state: &State, actions: &[(Mode, Action)]) -> Line<'static> {
    let t = &Theme::of(&state.cfg);
    let mut spans = vec![Span::raw(" ")];
    for (mode, a) in actions {
        if let Some(k) = state.keymap.key_for(*mode, a) {
            spans.push(Span::styled(k, t.key()));
            spans.push(Span::raw(format!(" {}  ", hint_label(state, a))));
        }
    }
    Line::from(spans)
}

/// One row of a list: marker and reverse video when selected (so the
/// selection survives NO_COLOR), padded to the full width.
pub fn list_row(
    state: &State,
    spans: Vec<Span<'static>>,
    width: u16,
    selected: bool,
) -> Line<'static> {
    let t = &Theme::of(&state.cfg);
    let marker = if selected { t.sym.selected } else { " " };
    let mut all = vec![Span::raw(format!("{marker} "))];
    all.extend(spans);
    let used: usize = all.iter().map(|s| text::width(&s.content)).sum();
    let w = usize::from(width);
    if used < w {
        all.push(Span::raw(" ".repeat(w - used)));
    }
    let line = Line::from(all);
    if selected {
        line.style(t.selected())
    } else {
        line
    }
}

/// Render lines into an area, one per row, clipped.
pub fn lines_in(lines: Vec<Line<'_>>, area: Rect, buf: &mut Buffer) {
    Paragraph::new(lines).render(area, buf);
}

/// A panel title over a rule: `Title ╌╌╌╌`; heavier when focused.
pub fn title_rule(state: &State, title: &str, focused: bool, area: Rect, buf: &mut Buffer) {
    let t = &Theme::of(&state.cfg);
    let rule = if focused {
        t.sym.rule_focus
    } else {
        t.sym.rule
    };
    let title = text::fit(
        &text::clean(title),
        usize::from(area.width).saturating_sub(4),
        t.sym.cut,
    );
    let used = text::width(&title) + 3;
    let rest = usize::from(area.width).saturating_sub(used);
    let style = if focused { t.heading() } else { t.title() };
    let line = Line::from(vec![
        Span::styled(format!("{rule} "), t.dim()),
        Span::styled(title, style),
        Span::raw(" "),
        Span::styled(rule.repeat(rest), t.dim()),
    ]);
    Paragraph::new(line).render(
        Rect {
            height: 1.min(area.height),
            ..area
        },
        buf,
    );
}

/// Cursor position in a one-line filter drawn by `filter_line`.
pub fn filter_cursor(
    input: &crate::app::input::TextInput,
    area: Rect,
) -> ratatui::layout::Position {
    let (before, _) = input.split();
    let x = (area.x + 3).saturating_add(u16::try_from(text::width(before)).unwrap_or(u16::MAX));
    ratatui::layout::Position::new(x.min(area.right().saturating_sub(1)), area.y)
}

/// `/ filter text` line for a list or panel.
pub fn filter_line(
    state: &State,
    input: &crate::app::input::TextInput,
    editing: bool,
    width: u16,
) -> Line<'static> {
    let t = &Theme::of(&state.cfg);
    let w = usize::from(width).saturating_sub(4);
    let shown = text::fit(&text::typed(&input.text), w, t.sym.cut);
    let style = if editing { t.key() } else { t.plain() };
    Line::from(vec![
        Span::styled(" / ".to_string(), style),
        Span::raw(shown),
    ])
}

/// A style for text that may be empty: dim placeholder otherwise.
pub fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "-".to_string()
    } else {
        text::clean(s)
    }
}

pub fn styled(s: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(s.into(), style)
}
