//! Who is in a case's triad: a party joins with a role, and a role ends
//! on a date (it stays on record).

use super::{Answers, Key, Refusal, Spec, code, loaded_case};
use crate::app::form::{Field, FieldKind};
use crate::app::state::State;
use crate::model::{CaseParty, Id, Intent, Sector};
use crate::query::request::SaveOp;

pub fn add_fields(state: &State) -> Spec {
    let l = state.lang();
    let f = Field::new;
    let mut sectors = vec![(
        String::new(),
        l.t("(the body's own sector)", "（団体のセクター）")
            .to_string(),
    )];
    for s in Sector::ALL {
        sectors.push((code(&s), l.sector(s).to_string()));
    }
    (
        l.t("Add a party to the triad", "三者に関係者を追加"),
        vec![
            f(
                Key::Party,
                l.t("Body or person", "団体または人"),
                FieldKind::Party,
            )
            .required(),
            f(
                Key::Sector,
                l.t("Sector", "セクター"),
                FieldKind::Choice(sectors),
            ),
            f(
                Key::Role,
                l.t("Role in this case", "このケースでの役割"),
                FieldKind::Text,
            )
            .required(),
            f(Key::From, l.t("From", "開始日"), FieldKind::Date)
                .required()
                .text(&state.today().to_string()),
        ],
    )
}

pub fn add_changes(state: &State, a: &Answers, case: Id) -> Result<Vec<SaveOp>, Refusal> {
    let mut c = loaded_case(state, case)?;
    let Some(p) = a.party(Key::Party) else {
        return Err(a.required(Key::Party));
    };
    let l = a.lang;
    let sector = match a.pick::<Sector>(Key::Sector) {
        Some(s) => s,
        None => state
            .data
            .names
            .get(&p)
            .and_then(|n| n.sector)
            .ok_or_else(|| {
                (
                    Key::Sector.name(),
                    l.t(
                        "a person needs a sector chosen",
                        "人の場合はセクターを選んでください",
                    )
                    .to_string(),
                )
            })?,
    };
    if c.parties.iter().any(|x| x.party == p && x.is_active()) {
        return Err((
            Key::Party.name(),
            l.reason(&crate::model::Reason::AlreadyInTriad),
        ));
    }
    let party = CaseParty {
        party: p,
        sector,
        role: a.text(Key::Role),
        from: a.date(Key::From).unwrap_or(a.today),
        until: None,
    };
    // Checked on the copy shown; the store adds it to the case as it is
    // when written.
    c.parties.push(party.clone());
    c.validate().map_err(|e| a.refused(e))?;
    Ok(vec![SaveOp::Append(Intent::AddParty { case, party })])
}

pub fn end_fields(state: &State, case: Id, party: Id) -> Result<Spec, String> {
    let l = state.lang();
    let role = loaded_case(state, case)
        .map_err(|(_, m)| m)?
        .parties
        .into_iter()
        .find(|p| p.party == party && p.until.is_none())
        .ok_or_else(|| {
            l.t("That role has already ended.", "その役割は終了済みです。")
                .to_string()
        })?;
    let who = format!("{} ({})", state.name(party), role.role);
    Ok((
        l.t("End a role", "役割を終了"),
        vec![
            Field::new(Key::Party, l.t("Whose role", "対象"), FieldKind::Fixed).text(&who),
            Field::new(Key::Until, l.t("Ended on", "終了日"), FieldKind::Date)
                .required()
                .text(&state.today().to_string()),
        ],
    ))
}

pub fn end_changes(
    state: &State,
    a: &Answers,
    case: Id,
    party: Id,
) -> Result<Vec<SaveOp>, Refusal> {
    let on = a.happened(Key::Until)?;
    let mut c = loaded_case(state, case)?;
    // Checked here for an answer in place; the store applies it to the
    // case as it is when written.
    c.end_role(party, on).map_err(|e| a.refused(e))?;
    Ok(vec![SaveOp::Append(Intent::EndRole { case, party, on })])
}
