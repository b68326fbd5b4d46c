//! One referral, event, trust note or consent in full: every field as a
//! label and its value, wrapped to the width, so nothing a table had to cut
//! is out of reach. The view scrolls by lines.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::text::{self, pad};
use super::{Theme, frame_areas, lines_in, styled, title_rule};
use crate::app::state::{RecordScreen, Screen, State};
use crate::i18n::Lang;
use crate::model::{Consent, Event, Id, Record, Referral, Sector, TrustNote};
use crate::query::data::RecordDetail;

/// A line of the view before wrapping.
enum Item {
    /// A label and its value (which may hold several paragraphs).
    Field(String, String, Style),
    /// A heading over a group of fields (the steps of a referral).
    Heading(String),
}

fn field(label: &str, value: impl Into<String>, style: Style) -> Item {
    Item::Field(label.to_string(), value.into(), style)
}

/// The record view's rows under its title.
pub fn rows(body: Rect) -> u16 {
    body.height.saturating_sub(1)
}

/// How many lines the record on screen takes at the current width.
pub fn line_count(state: &State) -> usize {
    let Screen::Record(s) = state.screen() else {
        return 0;
    };
    let area = Rect::new(0, 0, state.size.0, state.size.1);
    let (_, body, _) = frame_areas(area);
    s.detail
        .as_deref()
        .map_or(0, |d| lines(state, d, usize::from(body.width)).len())
}

pub fn draw(state: &State, s: &RecordScreen, body: Rect, buf: &mut Buffer) {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let Some(d) = s.detail.as_deref() else {
        let msg = match &s.error {
            Some(e) => format!(" {} {}: {e}", l.t("Cannot open", "開けません"), s.id),
            None => format!(" {} {}...", l.t("Loading", "読み込み中"), s.id),
        };
        let style = if s.error.is_some() {
            t.error()
        } else {
            t.dim()
        };
        lines_in(vec![Line::from(styled(msg, style))], body, buf);
        return;
    };
    let all = lines(state, d, usize::from(body.width));
    let shown = usize::from(rows(body));
    let top = s.top.min(all.len().saturating_sub(shown));
    let end = (top + shown).min(all.len());
    // Where we are, when it does not all fit: the keys to scroll are in
    // the footer.
    let position = if all.len() > shown {
        format!("  {}-{end}/{}", top + 1, all.len())
    } else {
        String::new()
    };
    let title = format!("{} {}{position}", kind_name(l, &d.record), s.id);
    title_rule(state, &title, true, body, buf);
    let inner = Rect {
        y: body.y.saturating_add(1),
        height: rows(body),
        ..body
    };
    lines_in(all[top..end].to_vec(), inner, buf);
}

fn kind_name(l: Lang, r: &Record) -> &'static str {
    match r {
        Record::Referral(_) => l.t("Referral", "紹介"),
        Record::Event(_) => l.t("Event", "行事"),
        Record::TrustNote(_) => l.t("Trust note", "信頼メモ"),
        Record::Consent(_) => l.t("Consent", "同意"),
        Record::Partnership(_) => l.t("Partnership", "連携"),
        Record::Course(_) => l.t("Training course", "研修課程"),
        Record::Affiliation(_) => l.t("Affiliation", "所属"),
        Record::Relationship(_) => l.t("Relationship", "関係"),
        Record::Enrolment(_) => l.t("Enrolment", "受講"),
        Record::Contact(_) => l.t("Contact", "関わり"),
        Record::Supervision(_) => l.t("Supervision", "スーパービジョン"),
        Record::CheckIn(_) => l.t("Check-in", "セルフチェック"),
        _ => l.t("Record", "記録"),
    }
}

/// Every line of the record at `width` cells.
pub fn lines(state: &State, d: &RecordDetail, width: usize) -> Vec<Line<'static>> {
    let t = &Theme::of(&state.cfg);
    let mut items = match &d.record {
        Record::Referral(r) => referral(state, d, r),
        Record::Event(e) => event(state, d, e),
        Record::TrustNote(n) => note(state, d, n),
        Record::Consent(c) => consent(state, d, c),
        other => plain_record(state, d, other),
    };
    // An imported record: who the file says wrote it, who brought it here.
    if let (Some(e), Some(by)) = (d.record.entered(), d.record.recorded_by()) {
        let l = state.lang();
        let value = match l {
            Lang::Ja => format!(
                "記録: {}、入力: {}（{}）",
                text::clean(by),
                text::clean(&e.by),
                e.at.format("%Y-%m-%d")
            ),
            _ => format!(
                "recorded by {}; entered by {} on {}",
                text::clean(by),
                text::clean(&e.by),
                e.at.format("%Y-%m-%d")
            ),
        };
        items.push(field(l.t("Entered", "入力"), value, t.dim()));
    }
    let label_w = items
        .iter()
        .filter_map(|i| match i {
            Item::Field(label, ..) => Some(text::width(label) + 2),
            Item::Heading(_) => None,
        })
        .max()
        .unwrap_or(8)
        .clamp(8, (width / 3).max(8));
    let value_w = width.saturating_sub(label_w + 2).max(10);
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Heading(h) => {
                out.push(Line::raw(""));
                out.push(Line::from(styled(
                    format!(" {}", text::clean(&h)),
                    t.heading(),
                )));
            }
            Item::Field(label, value, style) => {
                let value = if value.trim().is_empty() {
                    "-".to_string()
                } else {
                    value
                };
                for (i, part) in text::wrap(&value, value_w).into_iter().enumerate() {
                    let head = if i == 0 {
                        pad(&label, label_w, t.sym.cut)
                    } else {
                        " ".repeat(label_w)
                    };
                    out.push(Line::from(vec![
                        Span::raw(" "),
                        styled(head, t.dim()),
                        styled(part, style),
                    ]));
                }
            }
        }
    }
    out
}

/// A name and its id: `福田 恵子 (P-0012)`.
fn named(state: &State, d: &RecordDetail, id: Id) -> String {
    let name = d.names.get(&id).cloned().unwrap_or_else(|| state.name(id));
    if name == id.to_string() {
        name
    } else {
        format!("{name} ({id})")
    }
}

fn names(state: &State, d: &RecordDetail, ids: &[Id], l: Lang) -> String {
    let v: Vec<String> = ids.iter().map(|id| named(state, d, *id)).collect();
    v.join(l.t(", ", "、"))
}

fn yes_no(l: Lang, b: bool) -> &'static str {
    if b {
        l.t("yes", "はい")
    } else {
        l.t("no", "いいえ")
    }
}

fn referral(state: &State, d: &RecordDetail, r: &Referral) -> Vec<Item> {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let today = state.today();
    let status = r.status();
    let mut status_text = l.referral_status(status).to_string();
    if let Some(sent) = r.sent_on().filter(|_| status.is_open()) {
        status_text.push_str(&format!(
            " ({} {}{})",
            l.t("sent", "送付から"),
            (today - sent).num_days(),
            l.t(" days ago", "日")
        ));
    }
    let follow_up = match r.follow_up {
        Some(f) if r.follow_up_overdue(today) => format!(
            "{f} ({}{})",
            (today - f).num_days(),
            l.t(" days late", "日超過")
        ),
        Some(f) => f.to_string(),
        None => l.t("none set", "なし").to_string(),
    };
    let fu_style = if r.follow_up_overdue(today) {
        t.error()
    } else {
        t.plain()
    };
    let mut out = vec![
        field(l.t("Case", "ケース"), named(state, d, r.case), t.plain()),
        field(l.t("From", "紹介元"), named(state, d, r.from), t.plain()),
        field(l.t("To", "紹介先"), named(state, d, r.to), t.plain()),
        field(l.t("For", "分野"), l.category(r.category), t.plain()),
        field(
            l.t("Status", "状態"),
            status_text,
            t.referral_status(status),
        ),
        field(l.t("Follow-up", "確認予定"), follow_up, fu_style),
        field(l.t("Reason", "理由"), r.reason.clone(), t.plain()),
    ];
    if let Some(by) = r.declined_by {
        out.push(field(
            l.t("Declined by", "辞退した人"),
            l.declined_by(by),
            t.plain(),
        ));
    }
    if !r.decline_reason.is_empty() || r.declined_by.is_some() {
        out.push(field(
            l.t("Why declined", "辞退の理由"),
            r.decline_reason.clone(),
            t.plain(),
        ));
    }
    out.push(field(l.t("Outcome", "結果"), r.outcome.clone(), t.plain()));
    out.push(Item::Heading(format!(
        "{} ({})",
        l.t("Steps", "経過"),
        r.history.len()
    )));
    for (i, step) in r.history.iter().enumerate() {
        let mut value = format!(
            "{}  {} {}",
            l.referral_status(step.status),
            l.t("by", "記録"),
            text::clean(&step.by)
        );
        if !step.note.trim().is_empty() {
            value.push('\n');
            value.push_str(&step.note.clone());
        }
        out.push(field(&step.on.to_string(), value, t.plain()));
        // Corrections stand beside the step, which stays as recorded.
        for c in r.corrections.iter().filter(|c| c.step == i) {
            let mut value = format!(
                "{} {} ({} {}, {})",
                l.t("corrected to", "訂正後"),
                c.on,
                l.t("by", "記録"),
                text::clean(&c.by),
                c.made_on
            );
            if !c.note.trim().is_empty() {
                value.push('\n');
                value.push_str(&c.note);
            }
            out.push(field("", value, t.warn()));
        }
    }
    out
}

fn event(state: &State, d: &RecordDetail, e: &Event) -> Vec<Item> {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let date = match e.end {
        Some(end) if end != e.date => format!("{} - {end}", e.date),
        _ => e.date.to_string(),
    };
    let mut out = vec![
        field(l.t("Title", "名称"), text::clean(&e.title), t.title()),
        field(l.t("Kind", "種類"), l.event_kind(e.kind), t.plain()),
        field(l.t("Date", "日付"), date, t.plain()),
        field(
            l.t("Parties", "関係者"),
            names(state, d, &e.parties, l),
            t.plain(),
        ),
    ];
    if let Some(p) = e.partnership {
        out.push(field(
            l.t("Partnership", "連携"),
            named(state, d, p),
            t.plain(),
        ));
    }
    if let Some(c) = e.case {
        out.push(field(l.t("Case", "ケース"), named(state, d, c), t.plain()));
    }
    if let Some(c) = e.course {
        out.push(field(
            l.t("Training course", "研修課程"),
            named(state, d, c),
            t.plain(),
        ));
    }
    match &e.attendance {
        None => out.push(field(
            l.t("Attendance", "参加者数"),
            l.t("not recorded", "記録なし"),
            t.dim(),
        )),
        Some(a) => {
            out.push(Item::Heading(l.t("Attendance", "参加者数").to_string()));
            let counted = |n: Option<u32>| match n {
                Some(n) => (n.to_string(), t.plain()),
                // Not counted is not zero: some trainings counted one sector.
                None => (l.t("not counted", "集計なし").to_string(), t.dim()),
            };
            for (sector, n) in [
                (Sector::PatientFamily, a.peer),
                (Sector::Medical, a.medical),
                (Sector::Government, a.government),
            ] {
                let (v, style) = counted(n);
                out.push(field(l.sector(sector), v, style));
            }
            out.push(field(
                l.t("Total counted", "集計の合計"),
                a.total().to_string(),
                t.plain(),
            ));
        }
    }
    out.push(field(l.t("Note", "備考"), e.note.clone(), t.plain()));
    out
}

fn note(state: &State, d: &RecordDetail, n: &TrustNote) -> Vec<Item> {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let mut out = Vec::new();
    if let Some(a) = n.about {
        out.push(field(l.t("About", "対象"), named(state, d, a), t.plain()));
    }
    if let Some(r) = n.relationship {
        out.push(field(
            l.t("Relationship", "関係"),
            named(state, d, r),
            t.plain(),
        ));
    }
    if let Some(c) = n.case {
        out.push(field(l.t("Case", "ケース"), named(state, d, c), t.plain()));
    }
    if let Some(c) = n.corrects {
        out.push(field(l.t("Corrects", "訂正元"), c.to_string(), t.warn()));
    }
    out.push(field(
        l.t("Author", "記録者"),
        text::clean(&n.author),
        t.plain(),
    ));
    out.push(field(
        l.t("Written", "記録日時"),
        n.at.format("%Y-%m-%d %H:%M UTC").to_string(),
        t.plain(),
    ));
    out.push(field(
        l.t("Confidentiality", "公開範囲"),
        l.confidentiality(n.confidentiality),
        t.confidentiality(n.confidentiality),
    ));
    out.push(field(
        l.t("Trust level now", "信頼度の変更"),
        n.trust_change.map_or_else(
            || "-".to_string(),
            |v| format!("{} / {}", v.get(), crate::model::TrustLevel::MAX),
        ),
        t.plain(),
    ));
    let (body, style) = if crate::app::view::note_shown(state, n) {
        (n.text.clone(), t.plain())
    } else {
        (
            l.t(
                "Hidden in meeting mode: only shared notes are shown.",
                "会議モードでは共有可のメモのみ表示します。",
            )
            .to_string(),
            t.dim(),
        )
    };
    out.push(field(l.t("Text", "本文"), body, style));
    out
}

fn consent(state: &State, d: &RecordDetail, c: &Consent) -> Vec<Item> {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let today = state.today();
    let status = c.status(today);
    let style = match status {
        crate::model::ConsentStatus::Active => t.ok(),
        crate::model::ConsentStatus::Expired => t.warn(),
        crate::model::ConsentStatus::Withdrawn => t.error(),
    };
    let information = if c.scope.information.is_empty() {
        l.t("not limited to named kinds", "種類の指定なし")
            .to_string()
    } else {
        text::clean(&c.scope.information.join(l.t(", ", "、")))
    };
    vec![
        field(
            l.t("Status today", "本日の状態"),
            format!("{} ({today})", l.consent_status(status)),
            style,
        ),
        field(l.t("Client", "本人"), named(state, d, c.client), t.plain()),
        field(l.t("Case", "ケース"), named(state, d, c.case), t.plain()),
        field(
            l.t("Granted to", "同意先"),
            names(state, d, &c.granted_to, l),
            t.plain(),
        ),
        field(
            l.t("Intervention", "介入"),
            yes_no(l, c.scope.intervention),
            t.plain(),
        ),
        field(
            l.t("Information sharing", "情報共有"),
            yes_no(l, c.scope.information_sharing),
            t.plain(),
        ),
        field(
            l.t("Which information", "共有する情報"),
            information,
            t.plain(),
        ),
        field(l.t("Given", "同意日"), c.given_on.to_string(), t.plain()),
        field(
            l.t("Expires", "期限"),
            c.expires_on.map_or_else(
                || l.t("no expiry", "期限なし").to_string(),
                |e| e.to_string(),
            ),
            t.plain(),
        ),
        field(
            l.t("Withdrawn", "撤回日"),
            c.withdrawn_on
                .map_or_else(|| "-".to_string(), |w| w.to_string()),
            if c.withdrawn_on.is_some() {
                t.error()
            } else {
                t.plain()
            },
        ),
        field(
            l.t("Obtained how", "取得方法"),
            c.obtained_how.clone(),
            t.plain(),
        ),
    ]
}

fn date_or_dash(d: Option<crate::model::Date>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
}

/// The records the finder opens by id that have no screen of their own:
/// a partnership, a course, an affiliation, a relationship, an enrolment,
/// a contact, a supervision, a check-in.
fn plain_record(state: &State, d: &RecordDetail, r: &Record) -> Vec<Item> {
    let l = state.lang();
    let t = &Theme::of(&state.cfg);
    let p = t.plain();
    let one = |id: Id| named(state, d, id);
    match r {
        Record::Partnership(x) => {
            let cadences: Vec<String> = x
                .cadences
                .iter()
                .map(|c| super::party_view::cadence(l, c))
                .collect();
            vec![
                field(l.t("Title", "名称"), text::clean(&x.title), t.title()),
                field(l.t("Parties", "関係者"), names(state, d, &x.parties, l), p),
                field(l.t("Started", "開始"), x.started.to_string(), p),
                field(l.t("Ended", "終了"), date_or_dash(x.ended), p),
                field(l.t("Cadence", "頻度"), cadences.join(l.t(", ", "、")), p),
                field(l.t("Description", "説明"), x.description.clone(), p),
            ]
        }
        Record::Course(x) => vec![
            field(l.t("Title", "名称"), text::clean(&x.name), t.title()),
            field(l.t("Level", "段階"), l.course_level(x.level), p),
            field(
                l.t("Run by", "実施"),
                x.provider.map(one).unwrap_or_default(),
                p,
            ),
            field(l.t("Started", "開始"), x.started.to_string(), p),
            field(l.t("Ended", "終了"), date_or_dash(x.ended), p),
            field(
                l.t("Sessions planned", "予定回数"),
                x.planned_sessions.to_string(),
                p,
            ),
            field(
                l.t("Follows", "前の課程"),
                x.follows.map(one).unwrap_or_default(),
                p,
            ),
            field(l.t("Note", "備考"), x.note.clone(), p),
        ],
        Record::Affiliation(x) => vec![
            field(l.t("Person", "人"), one(x.person), p),
            field(l.t("Body", "団体"), one(x.body), p),
            field(l.t("Title", "肩書"), x.title.clone(), p),
            field(l.t("From", "開始"), x.from.to_string(), p),
            field(l.t("Until", "終了"), date_or_dash(x.until), p),
        ],
        Record::Relationship(x) => vec![
            field(l.t("Between", "関係者"), names(state, d, &[x.a, x.b], l), p),
            field(
                l.t("Case", "ケース"),
                x.case.map(one).unwrap_or_default(),
                p,
            ),
        ],
        Record::Enrolment(x) => {
            let certs: Vec<String> = x
                .certificates
                .iter()
                .map(|c| format!("{} ({})", c.year, c.on))
                .collect();
            vec![
                field(l.t("Person", "人"), one(x.person), p),
                field(l.t("Training course", "研修課程"), one(x.course), p),
                field(l.t("Enrolled", "受講開始"), x.enrolled_on.to_string(), p),
                field(l.t("Completed", "修了"), date_or_dash(x.completed_on), p),
                field(l.t("Certificates", "認定"), certs.join(", "), p),
                field(l.t("Note", "備考"), x.note.clone(), p),
            ]
        }
        Record::Contact(x) => vec![
            field(l.t("Supporter", "サポーター"), one(x.supporter), p),
            field(l.t("Case", "ケース"), one(x.case), p),
            field(l.t("Date", "日付"), x.on.to_string(), p),
            field(l.t("Kind", "種類"), l.contact_kind(x.kind), p),
            field(l.t("Minutes", "分"), x.minutes.to_string(), p),
            field(
                l.t("Confidentiality", "公開範囲"),
                l.confidentiality(x.confidentiality),
                p,
            ),
            field(l.t("Note", "備考"), x.note.clone(), p),
        ],
        Record::Supervision(x) => vec![
            field(l.t("Date", "日付"), x.on.to_string(), p),
            field(l.t("Supervisor", "スーパーバイザー"), one(x.supervisor), p),
            field(
                l.t("Supporters", "サポーター"),
                names(state, d, &x.supporters, l),
                p,
            ),
            field(l.t("Mode", "形式"), l.supervision_mode(x.mode), p),
            field(l.t("Themes", "テーマ"), x.themes.clone(), p),
        ],
        Record::CheckIn(x) => vec![
            field(l.t("Supporter", "サポーター"), one(x.supporter), p),
            field(l.t("Date", "日付"), x.on.to_string(), p),
            field(
                l.t("Wellbeing", "調子"),
                x.wellbeing.map(|w| w.to_string()).unwrap_or_default(),
                p,
            ),
            field(l.t("Note", "備考"), x.note.clone(), p),
        ],
        _ => Vec::new(),
    }
}
