//! A trust note on a case, or on one relationship in it; a note on a
//! relationship can also move its trust level.

use super::trust::trust_choices;
use super::{Answers, Key, Refusal, Spec, case_detail, choices};
use crate::app::form::{Field, FieldKind};
use crate::app::state::State;
use crate::model::{Confidentiality, Id, Intent, Kind, Record, TrustLevel, TrustNote};
use crate::query::request::SaveOp;

pub fn fields(state: &State, case: Id, relationship: Option<Id>) -> Spec {
    let l = state.lang();
    let f = Field::new;
    let mut fields = vec![f(
        Key::Confidentiality,
        l.t("Who may read it", "公開範囲"),
        choices(
            &[
                Confidentiality::Team,
                Confidentiality::Shared,
                Confidentiality::Private,
            ],
            |c| l.confidentiality(c),
        ),
    )];
    // Trust moves only on a relationship: offered when one is selected.
    if let Some(r) = relationship.and_then(|id| super::trust::relationship(state, case, id)) {
        fields.push(super::trust::relationship_field(state, &r));
        fields.push(f(
            Key::TrustChange,
            l.t("Trust level now", "現在の信頼度"),
            trust_choices(l, true),
        ));
    }
    fields.push(f(
        Key::About,
        l.t("About (body or person)", "対象（団体・人）"),
        FieldKind::Party,
    ));
    fields.push(f(Key::Text, l.t("Note", "メモ"), FieldKind::Multi).required());
    (l.t("Add a trust note", "信頼メモを追加"), fields)
}

pub fn changes(
    state: &State,
    a: &Answers,
    case: Id,
    relationship: Option<Id>,
) -> Result<Vec<SaveOp>, Refusal> {
    let trust_change = a
        .code(Key::TrustChange)
        .parse::<u8>()
        .ok()
        .and_then(|n| TrustLevel::new(n).ok());
    let n = TrustNote {
        id: Id::new(Kind::TrustNote, 1),
        case: Some(case),
        relationship,
        about: a.party(Key::About),
        author: a.user.clone(),
        at: a.now,
        text: a.lines(Key::Text),
        confidentiality: a
            .pick(Key::Confidentiality)
            .unwrap_or(Confidentiality::Team),
        trust_change,
        corrects: None,
        entered: None,
    };
    n.validate().map_err(|e| a.refused(e))?;
    let mut ops = Vec::new();
    // A note that changes trust moves the relationship too.
    if let (Some(level), Some(rid)) = (trust_change, relationship)
        && let Some(r) =
            case_detail(state, case).and_then(|d| d.relationships.iter().find(|r| r.id == rid))
    {
        ops.push(SaveOp::Append(Intent::Trust {
            relationship: rid,
            level,
            on: a.today.max(r.trust.last().map_or(a.today, |t| t.on)),
        }));
    }
    ops.push(SaveOp::Create(Record::TrustNote(n)));
    Ok(ops)
}

fn find(state: &State, id: Id) -> Option<TrustNote> {
    state.stack.iter().rev().find_map(|s| match s {
        crate::app::state::Screen::Case(c) => c
            .detail
            .as_ref()
            .and_then(|d| d.notes.iter().find(|n| n.id == id).cloned()),
        _ => None,
    })
}

/// A correction shows the note it corrects and starts from its text.
pub fn correct_fields(state: &State, id: Id) -> Result<Spec, String> {
    let l = state.lang();
    let n = find(state, id).ok_or_else(|| super::not_loaded(l))?;
    let was = format!("{} {} {}", n.id, n.at.date_naive(), n.author);
    Ok((
        l.t("Correct a note", "メモを訂正"),
        vec![
            Field::new(
                Key::Corrects,
                l.t("Corrects", "訂正する記録"),
                FieldKind::Fixed,
            )
            .text(&was),
            Field::new(
                Key::Text,
                l.t("Note as it should read", "訂正後のメモ"),
                FieldKind::Multi,
            )
            .required()
            .text(&n.text),
        ],
    ))
}

/// A new note, at the same level and in the same place as the one it
/// corrects; that one is kept, marked as corrected where it is shown.
pub fn correct_changes(state: &State, a: &Answers, id: Id) -> Result<Vec<SaveOp>, Refusal> {
    let old = find(state, id).ok_or_else(|| ("", super::not_loaded(a.lang)))?;
    let n = TrustNote {
        id: Id::new(Kind::TrustNote, 1),
        author: a.user.clone(),
        at: a.now,
        text: a.lines(Key::Text),
        trust_change: None,
        corrects: Some(old.id),
        ..old
    };
    n.validate().map_err(|e| a.refused(e))?;
    Ok(vec![SaveOp::Create(Record::TrustNote(n))])
}
