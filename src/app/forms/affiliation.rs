//! Where a person works or belongs, from when until when.

use super::{Answers, Key, Refusal, Spec, date_text, id_text};
use crate::app::form::{Field, FieldKind};
use crate::app::state::{Screen, State};
use crate::model::{Affiliation, Id, Kind, Record};
use crate::query::request::SaveOp;

pub fn fields(state: &State, affiliation: Option<&Affiliation>) -> Spec {
    let l = state.lang();
    let f = Field::new;
    let (title, person, body, a) = match affiliation {
        Some(a) => (
            l.t("Edit affiliation", "所属を編集"),
            Some(a.person),
            Some(a.body),
            Some(a),
        ),
        None => {
            let here = match state.screen() {
                Screen::Party(p) => Some(p.id),
                _ => None,
            };
            (
                l.t("New affiliation", "新規所属"),
                here.filter(|i| i.kind == Kind::Person),
                here.filter(|i| i.kind == Kind::Body),
                None,
            )
        }
    };
    (
        title,
        vec![
            f(Key::Person, l.t("Person", "人"), FieldKind::Party)
                .required()
                .text(&id_text(person)),
            f(Key::Body, l.t("Body", "団体"), FieldKind::Party)
                .required()
                .text(&id_text(body)),
            f(Key::Title, l.t("Title / post", "役職"), FieldKind::Text)
                .text(a.map_or("", |a| a.title.as_str())),
            f(Key::From, l.t("From", "開始日"), FieldKind::Date)
                .required()
                .text(&date_text(Some(a.map_or(state.today(), |a| a.from)))),
            f(
                Key::Until,
                l.t("Until (blank: still there)", "終了日（空欄は継続中）"),
                FieldKind::Date,
            )
            .text(&date_text(a.and_then(|a| a.until))),
        ],
    )
}

pub fn changes(a: &Answers, editing: Option<(Affiliation, u64)>) -> Result<Vec<SaveOp>, Refusal> {
    let (Some(person), Some(body)) = (a.party(Key::Person), a.party(Key::Body)) else {
        return Err(a.required(Key::Person));
    };
    let x = Affiliation {
        id: editing
            .as_ref()
            .map_or(Id::new(Kind::Affiliation, 1), |(x, _)| x.id),
        person,
        body,
        title: a.text(Key::Title),
        from: a.date(Key::From).unwrap_or(a.today),
        until: a.date(Key::Until),
    };
    // A planned end already on record is not refused again unchanged.
    let was = editing.as_ref().and_then(|(x, _)| x.until);
    if x.until.is_some() && x.until != was {
        a.happened(Key::Until)?;
    }
    x.validate().map_err(|e| a.refused(e))?;
    Ok(vec![match editing {
        Some((_, base)) => SaveOp::Edit {
            record: Record::Affiliation(x),
            base,
        },
        None => SaveOp::Create(Record::Affiliation(x)),
    }])
}
