//! How much two parties trust each other: a new relationship, or a dated
//! change of level on one (never before its last change).

use super::{Answers, Key, Refusal, Spec, case_detail};
use crate::app::form::{Field, FieldKind};
use crate::app::state::State;
use crate::i18n::Lang;
use crate::model::{Id, Intent, Kind, Reason, Record, Relationship, TrustChange, TrustLevel};
use crate::query::request::SaveOp;

/// Trust levels as choices, with "no change" first when asked.
pub fn trust_choices(lang: Lang, with_none: bool) -> FieldKind {
    let mut v = Vec::new();
    if with_none {
        v.push(("".into(), lang.t("no change", "変更なし").into()));
    }
    for n in TrustLevel::MIN..=TrustLevel::MAX {
        let label = match n {
            1 => lang.t("1 new", "1 新規"),
            2 => lang.t("2 cautious", "2 慎重"),
            3 => lang.t("3 working", "3 協力中"),
            4 => lang.t("4 trusted", "4 信頼"),
            _ => lang.t("5 established", "5 確立"),
        };
        v.push((n.to_string(), label.into()));
    }
    FieldKind::Choice(v)
}

/// The relationship a form is about, shown, not edited.
pub fn relationship_field(state: &State, r: &Relationship) -> Field {
    let link = crate::ui::Theme::of(&state.cfg).sym.link;
    let label = format!("{} {link} {}", state.name(r.a), state.name(r.b));
    let l = state.lang();
    Field::new(
        Key::Relationship,
        l.t("Relationship", "関係"),
        FieldKind::Fixed,
    )
    .text(&label)
}

pub fn relationship(state: &State, case: Id, id: Id) -> Option<Relationship> {
    case_detail(state, case).and_then(|d| d.relationships.iter().find(|r| r.id == id).cloned())
}

pub fn fields(state: &State, case: Id, rel: Option<Id>) -> Spec {
    let l = state.lang();
    let f = Field::new;
    let mut fields = Vec::new();
    let mut current = String::new();
    match rel.and_then(|id| relationship(state, case, id)) {
        Some(r) => {
            current = r.level().map(|t| t.get().to_string()).unwrap_or_default();
            fields.push(relationship_field(state, &r));
        }
        None => {
            fields.push(f(Key::A, l.t("Party A", "関係者A"), FieldKind::Party).required());
            fields.push(f(Key::B, l.t("Party B", "関係者B"), FieldKind::Party).required());
        }
    }
    fields.push(
        f(
            Key::Trust,
            l.t("Trust level", "信頼度"),
            trust_choices(l, false),
        )
        .pick(&current),
    );
    fields.push(
        f(Key::On, l.t("Date", "日付"), FieldKind::Date)
            .required()
            .text(&state.today().to_string()),
    );
    (l.t("Set trust level", "信頼度を設定"), fields)
}

pub fn changes(
    state: &State,
    a: &Answers,
    case: Id,
    rel: Option<Id>,
) -> Result<Vec<SaveOp>, Refusal> {
    let level = a
        .code(Key::Trust)
        .parse::<u8>()
        .ok()
        .and_then(|n| TrustLevel::new(n).ok())
        .ok_or_else(|| {
            let msg = a.lang.t("choose a level", "信頼度を選んでください");
            (Key::Trust.name(), msg.to_string())
        })?;
    let on = a.happened(Key::On)?;
    let change = TrustChange {
        on,
        level,
        by: a.user.clone(),
    };
    let Some(rid) = rel else {
        let (Some(pa), Some(pb)) = (a.party(Key::A), a.party(Key::B)) else {
            return Err(a.required(Key::A));
        };
        let r = Relationship {
            id: Id::new(Kind::Relationship, 1),
            a: pa,
            b: pb,
            case: Some(case),
            trust: vec![change],
            entered: None,
        };
        r.validate().map_err(|e| a.refused(e))?;
        return Ok(vec![SaveOp::Create(Record::Relationship(r))]);
    };
    let r = relationship(state, case, rid).ok_or_else(|| ("", super::not_loaded(a.lang)))?;
    if let Some(last) = r.trust.last().filter(|t| on < t.on) {
        let reason = Reason::BeforeLast { last: last.on };
        return Err((Key::On.name(), a.lang.reason(&reason)));
    }
    Ok(vec![SaveOp::Append(Intent::Trust {
        relationship: rid,
        level,
        on,
    })])
}
