//! An event: logged (on a case, a partnership or a party's page) or
//! edited, with its attendance by sector. A blank count is "not counted",
//! which is not the same as 0.

use super::{Answers, Key, Refusal, Spec, choices, code, date_text, id_text};
use crate::app::form::{Field, FieldKind};
use crate::app::state::{Screen, State};
use crate::model::{Attendance, Event, EventKind, Id, Kind, Record};
use crate::query::request::SaveOp;

const EVENT_KINDS: [EventKind; 9] = [
    EventKind::Meeting,
    EventKind::CheckUp,
    EventKind::Training,
    EventKind::Lecture,
    EventKind::Salon,
    EventKind::BoardMeeting,
    EventKind::Consultation,
    EventKind::Milestone,
    EventKind::Other,
];

pub fn fields(state: &State, event: Option<&Event>) -> Spec {
    let l = state.lang();
    let f = Field::new;
    let partnerships = partnership_choices(state, event);
    let selected = match event {
        Some(e) => e.partnership,
        None => selected_partnership(state),
    };
    let count = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    let att = event.and_then(|e| e.attendance);
    let title = match event {
        Some(_) => l.t("Edit event", "行事を編集"),
        None => l.t("Log an event", "行事を記録"),
    };
    let mut kind = f(
        Key::Kind,
        l.t("Kind", "種類"),
        choices(&EVENT_KINDS, |k| l.event_kind(k)),
    );
    if let Some(e) = event {
        kind = kind.pick(&code(&e.kind));
    }
    (
        title,
        vec![
            kind,
            f(Key::Title, l.t("Title", "名称"), FieldKind::Text)
                .required()
                .text(event.map_or("", |e| e.title.as_str())),
            f(Key::Date, l.t("Date", "日付"), FieldKind::Date)
                .required()
                .text(&date_text(Some(event.map_or(state.today(), |e| e.date)))),
            f(
                Key::End,
                l.t("Until (if several days)", "終了日（複数日の場合）"),
                FieldKind::Date,
            )
            .text(&date_text(event.and_then(|e| e.end))),
            f(
                Key::Partnership,
                l.t("Partnership", "連携"),
                FieldKind::Choice(partnerships),
            )
            .pick(&id_text(selected)),
            f(
                Key::Peer,
                l.t(
                    "Attended: peers/patients/families",
                    "参加: ピア・患者・家族",
                ),
                FieldKind::Number,
            )
            .text(&count(att.as_ref().and_then(|a| a.peer))),
            f(
                Key::Medical,
                l.t("Attended: medical", "参加: 医療"),
                FieldKind::Number,
            )
            .text(&count(att.as_ref().and_then(|a| a.medical))),
            f(
                Key::Government,
                l.t("Attended: government", "参加: 行政"),
                FieldKind::Number,
            )
            .text(&count(att.as_ref().and_then(|a| a.government))),
            f(
                Key::Course,
                l.t("Training course (G-...)", "研修課程（G-...）"),
                FieldKind::Text,
            )
            .text(&id_text(event.and_then(|e| e.course))),
            f(Key::Note, l.t("Note", "備考"), FieldKind::Multi)
                .text(event.map_or("", |e| e.note.as_str())),
        ],
    )
}

/// "(none)", then every partnership the reader may see (the ones on an
/// open timeline too, should the list not have arrived yet), and the
/// event's own whatever happens: an edit never drops what it did not touch.
fn partnership_choices(state: &State, event: Option<&Event>) -> Vec<(String, String)> {
    let l = state.lang();
    let mut known = state.data.partnerships.clone();
    for screen in &state.stack {
        let timelines = match screen {
            Screen::Case(s) => s.detail.as_deref().map(|d| &d.timelines),
            Screen::Party(s) => s.detail.as_deref().map(|d| &d.timelines),
            _ => None,
        };
        for t in timelines.into_iter().flatten() {
            known
                .entry(t.partnership.id)
                .or_insert_with(|| t.partnership.title.clone());
        }
    }
    if let Some(p) = event.and_then(|e| e.partnership) {
        known.entry(p).or_insert_with(|| state.name(p));
    }
    std::iter::once((String::new(), l.t("(none)", "（なし）").to_string()))
        .chain(known.into_iter().map(|(id, title)| (id.to_string(), title)))
        .collect()
}

fn selected_partnership(state: &State) -> Option<Id> {
    use crate::app::view;
    match state.screen() {
        Screen::Case(s) => s
            .detail
            .as_deref()
            .and_then(|d| view::case_selection(s, d, state.today()).partnership)
            .map(|p| p.id),
        Screen::Party(s) => s.detail.as_deref().and_then(|d| {
            let sel = s.scroll[view::party_panel_index(s.panel)].sel;
            (s.panel == crate::app::state::PartyPanel::Timeline)
                .then(|| view::timeline_rows(&d.timelines, state.today(), &s.filter.text))
                .and_then(|rows| rows.get(sel).map(|r| r.partnership().id))
        }),
        _ => None,
    }
}

pub fn changes(
    state: &State,
    a: &Answers,
    case: Option<Id>,
    editing: Option<(Event, u64)>,
) -> Result<Vec<SaveOp>, Refusal> {
    let partnership: Option<Id> = a.code(Key::Partnership).parse().ok();
    let counts = [Key::Peer, Key::Medical, Key::Government].map(|k| a.number(k));
    let attendance = counts.iter().any(Option::is_some).then(|| Attendance {
        peer: counts[0],
        medical: counts[1],
        government: counts[2],
    });
    let parties = match (&editing, state.screen()) {
        (Some((e, _)), _) => e.parties.clone(),
        (None, Screen::Party(p)) => vec![p.id],
        _ => vec![],
    };
    let e = Event {
        id: editing
            .as_ref()
            .map_or(Id::new(Kind::Event, 1), |(e, _)| e.id),
        date: a.date(Key::Date).unwrap_or(a.today),
        end: a.date(Key::End),
        kind: a.pick(Key::Kind).unwrap_or(EventKind::Other),
        title: a.text(Key::Title),
        parties,
        partnership,
        // A new event logged on a partnership belongs to it, not the
        // case; an edit keeps the case it had.
        case: match &editing {
            Some((e, _)) => e.case,
            None if partnership.is_some() => None,
            None => case,
        },
        attendance,
        // A training session names its course: who attended is who it names.
        course: a.id_of(Key::Course, Kind::Course)?,
        note: a.lines(Key::Note),
    };
    e.validate().map_err(|e| a.refused(e))?;
    Ok(vec![match editing {
        Some((_, base)) => SaveOp::Edit {
            record: Record::Event(e),
            base,
        },
        None => SaveOp::Create(Record::Event(e)),
    }])
}
