//! A case: new, or edited (title, people, condition, needs, goals), and
//! its lifecycle: a new status is a dated step in its history with a
//! reason, such as the outcome when it closes or why it reopens.

use super::{Answers, Key, Refusal, Spec, choices, code, id_text};
use crate::app::form::{Field, FieldKind};
use crate::app::state::State;
use crate::i18n::Lang;
use crate::model::{
    Case, CaseStatus, Goal, GoalKind, Id, Intent, Kind, Need, NeedArea, Record, StatusChange,
};
use crate::query::request::SaveOp;

pub fn fields(state: &State, case: Option<&Case>) -> Spec {
    let l = state.lang();
    let today = state.today();
    let f = Field::new;
    let mut fields = vec![
        f(Key::Title, l.t("Title", "件名"), FieldKind::Text).required(),
        f(
            Key::Reading,
            l.t("Reading (kana)", "よみがな"),
            FieldKind::Text,
        ),
        f(
            Key::Client,
            l.t("Client (person)", "相談者（人）"),
            FieldKind::Party,
        ),
        f(
            Key::Coordinator,
            l.t("Coordinator", "コーディネーター"),
            FieldKind::Party,
        ),
        f(
            Key::Condition,
            l.t("Condition", "疾患・状況"),
            FieldKind::Text,
        ),
        f(
            Key::Status,
            l.t("Status", "状態"),
            choices(&CaseStatus::ALL, |s| l.case_status(s)),
        ),
        f(
            Key::On,
            l.t("Status since", "状態の変更日"),
            FieldKind::Date,
        )
        .text(&today.to_string()),
        f(
            Key::StatusNote,
            l.t("Why / outcome", "理由・結果"),
            FieldKind::Text,
        ),
        f(
            Key::Needs,
            l.t("Needs (area: text)", "ニーズ（分野: 内容）"),
            FieldKind::Multi,
        ),
        f(
            Key::Goals,
            l.t("Goals (kind: text)", "回復目標（種類: 内容）"),
            FieldKind::Multi,
        ),
    ];
    let Some(c) = case else {
        return (l.t("New case", "新規ケース"), fields);
    };
    let needs: Vec<String> = c
        .needs
        .iter()
        .map(|n| format!("{}: {}", l.need_area(n.area), n.text))
        .collect();
    let goals: Vec<String> = c
        .goals
        .iter()
        .map(|g| format!("{}: {}", l.goal_kind(g.kind), g.text))
        .collect();
    for field in &mut fields {
        let value = match field.key {
            Key::Title => c.title.clone(),
            Key::Reading => c.reading.clone().unwrap_or_default(),
            Key::Client => id_text(c.client),
            Key::Coordinator => id_text(c.coordinator),
            Key::Condition => c.condition.clone(),
            Key::Needs => needs.join("\n"),
            Key::Goals => goals.join("\n"),
            Key::Status => {
                *field = field.clone().pick(&code(&c.status));
                continue;
            }
            Key::On => {
                let last = c.status_history.last().map_or(today, |s| s.on);
                today.max(last).to_string()
            }
            _ => continue,
        };
        *field = field.clone().text(&value);
    }
    (l.t("Edit case", "ケースを編集"), fields)
}

pub fn changes(a: &Answers, editing: Option<(Case, u64)>) -> Result<Vec<SaveOp>, Refusal> {
    let status: CaseStatus = a.pick(Key::Status).unwrap_or(CaseStatus::Intake);
    let on = a.happened(Key::On)?;
    let note = a.text(Key::StatusNote);
    let was = editing.as_ref().map(|(c, _)| c.clone());
    let (mut c, base) = match editing {
        Some((c, base)) => (c, Some(base)),
        None => (
            Case {
                id: Id::new(Kind::Case, 1),
                title: String::new(),
                reading: None,
                client: None,
                status,
                status_history: vec![StatusChange {
                    status,
                    on,
                    by: a.user.clone(),
                    note: note.clone(),
                }],
                coordinator: None,
                condition: String::new(),
                needs: vec![],
                goals: vec![],
                parties: vec![],
                changed: a.now,
                entered: None,
            },
            None,
        ),
    };
    c.title = a.text(Key::Title);
    c.reading = a.opt_text(Key::Reading);
    c.client = a.party(Key::Client);
    c.coordinator = a.party(Key::Coordinator);
    c.condition = a.text(Key::Condition);
    c.needs = needs(a, &c.needs);
    c.goals = goals(a, &c.goals);
    // Only a real change is a change: a save of what was there keeps the
    // time the case last changed (a new status stamps it as it is added).
    if was.as_ref() != Some(&c) {
        c.changed = a.now;
    }
    for (key, who) in [(Key::Client, c.client), (Key::Coordinator, c.coordinator)] {
        if let Some(id) = who.filter(|i| i.kind != Kind::Person) {
            let msg = a.lang.t("must be a person", "人を入力してください");
            return Err((key.name(), format!("{id}: {msg}")));
        }
    }
    c.validate().map_err(|e| a.refused(e))?;
    let Some(base) = base else {
        return Ok(vec![SaveOp::Create(Record::Case(c))]);
    };
    let id = c.id;
    let moved = status != c.status;
    if moved && let Some(last) = c.status_history.last().filter(|s| on < s.on) {
        let reason = crate::model::Reason::BeforeLast { last: last.on };
        return Err((Key::On.name(), a.lang.reason(&reason)));
    }
    if moved && status == CaseStatus::Closed && note.is_empty() {
        let l = a.lang;
        return Err((
            Key::StatusNote.name(),
            l.t(
                "say how the case ended (its outcome)",
                "ケースの結果を入力してください",
            )
            .into(),
        ));
    }
    let mut ops = vec![SaveOp::Edit {
        record: Record::Case(c),
        base,
    }];
    // A new status is a step in its history, not an edit.
    if moved {
        ops.push(SaveOp::Append(Intent::CaseStatus {
            case: id,
            status,
            on,
            note,
        }));
    }
    Ok(ops)
}

/// Needs as typed, one a line, "area: text"; a line as it was keeps its
/// date, a new one is dated today.
fn needs(a: &Answers, old: &[Need]) -> Vec<Need> {
    parse_lines(&a.lines(Key::Needs), |l, x| l.need_area(x), &NeedArea::ALL)
        .into_iter()
        .map(|(area, text)| {
            let area = area.unwrap_or(NeedArea::WelfareLife);
            let on = old
                .iter()
                .find(|n| n.area == area && n.text == text)
                .map_or(a.today, |n| n.on);
            Need { on, area, text }
        })
        .collect()
}

fn goals(a: &Answers, old: &[Goal]) -> Vec<Goal> {
    parse_lines(&a.lines(Key::Goals), |l, x| l.goal_kind(x), &GoalKind::ALL)
        .into_iter()
        .map(|(kind, text)| {
            let kind = kind.unwrap_or(GoalKind::Personal);
            let set_on = old
                .iter()
                .find(|g| g.kind == kind && g.text == text)
                .map_or(a.today, |g| g.set_on);
            Goal { kind, text, set_on }
        })
        .collect()
}

/// "label: text" lines; the label is matched in either language.
fn parse_lines<T: Copy>(
    text: &str,
    label: impl Fn(Lang, T) -> &'static str,
    all: &[T],
) -> Vec<(Option<T>, String)> {
    text.lines()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|line| {
            let split = line.split_once([':', '：']);
            let found = split.and_then(|(head, rest)| {
                let head = head.trim().to_lowercase();
                all.iter()
                    .find(|x| [Lang::En, Lang::Ja].iter().any(|l| label(*l, **x) == head))
                    .map(|x| (Some(*x), rest.trim().to_string()))
            });
            found.unwrap_or((None, line.to_string()))
        })
        .collect()
}
