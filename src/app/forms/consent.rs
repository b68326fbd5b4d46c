//! A client's consent: recorded, corrected, and withdrawn on a date.

use super::{Answers, Key, Refusal, Spec, case_detail, date_text, yes, yes_no};
use crate::app::form::{Field, FieldKind};
use crate::app::state::State;
use crate::model::{Consent, ConsentScope, Id, Intent, Kind, Reason, Record};
use crate::query::request::SaveOp;

fn find(state: &State, id: Id) -> Option<Consent> {
    match super::find_record(state, id) {
        Some(Record::Consent(c)) => Some(c),
        _ => None,
    }
}

pub fn fields(state: &State, case: Id, consent: Option<&Consent>) -> Result<Spec, String> {
    let l = state.lang();
    let f = Field::new;
    if consent.is_none() && case_detail(state, case).is_some_and(|d| d.case.client.is_none()) {
        return Err(l
            .t(
                "This case has no client; consent is the client's. Add the client first.",
                "このケースには相談者がいません。同意は本人のものです。",
            )
            .to_string());
    }
    let c = consent;
    let granted: Vec<String> = c
        .map(|c| c.granted_to.iter().map(Id::to_string).collect())
        .unwrap_or_default();
    let scope = c.map(|c| c.scope.clone());
    let title = match c {
        Some(_) => l.t("Edit consent", "同意を編集"),
        None => l.t("Record a consent", "同意を記録"),
    };
    Ok((
        title,
        vec![
            f(
                Key::GrantedTo,
                l.t("Granted to (comma separated)", "同意先（カンマ区切り）"),
                FieldKind::Parties,
            )
            .required()
            .text(&granted.join(", ")),
            f(
                Key::Intervention,
                l.t("Agrees to intervention", "介入への同意"),
                yes_no(l),
            )
            .pick(yes(scope.as_ref().is_none_or(|s| s.intervention))),
            f(
                Key::InformationSharing,
                l.t("Agrees to sharing information", "情報共有への同意"),
                yes_no(l),
            )
            .pick(yes(scope.as_ref().is_none_or(|s| s.information_sharing))),
            f(
                Key::Information,
                l.t("Which information", "共有する情報"),
                FieldKind::Text,
            )
            .text(&scope.map(|s| s.information.join(", ")).unwrap_or_default()),
            f(Key::GivenOn, l.t("Given on", "同意日"), FieldKind::Date)
                .required()
                .text(&date_text(Some(c.map_or(state.today(), |c| c.given_on)))),
            f(
                Key::ExpiresOn,
                l.t("Expires on", "有効期限"),
                FieldKind::Date,
            )
            .text(&date_text(c.and_then(|c| c.expires_on))),
            f(
                Key::ObtainedHow,
                l.t("How obtained", "取得方法"),
                FieldKind::Text,
            )
            .required()
            .text(c.map_or("", |c| c.obtained_how.as_str())),
        ],
    ))
}

pub fn changes(
    state: &State,
    a: &Answers,
    case: Id,
    editing: Option<(Consent, u64)>,
) -> Result<Vec<SaveOp>, Refusal> {
    let client = match &editing {
        Some((c, _)) => c.client,
        None => case_detail(state, case)
            .and_then(|d| d.case.client)
            .ok_or_else(|| {
                let msg = a
                    .lang
                    .t("this case has no client", "このケースには相談者がいません");
                ("", msg.to_string())
            })?,
    };
    let information: Vec<String> = a
        .text(Key::Information)
        .split([',', '、', '，'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let c = Consent {
        id: editing
            .as_ref()
            .map_or(Id::new(Kind::Consent, 1), |(c, _)| c.id),
        client,
        case,
        granted_to: a.parties(Key::GrantedTo),
        scope: ConsentScope {
            intervention: a.code(Key::Intervention) == "yes",
            information_sharing: a.code(Key::InformationSharing) == "yes",
            information,
        },
        // A consent is recorded once it has been given: not ahead of time
        // (a date already on record is not refused again unchanged).
        given_on: match &editing {
            Some((c, _)) if a.date(Key::GivenOn) == Some(c.given_on) => c.given_on,
            _ => a.happened(Key::GivenOn)?,
        },
        expires_on: a.date(Key::ExpiresOn),
        withdrawn_on: editing.as_ref().and_then(|(c, _)| c.withdrawn_on),
        obtained_how: a.text(Key::ObtainedHow),
    };
    c.validate().map_err(|e| a.refused(e))?;
    Ok(vec![match editing {
        Some((_, base)) => SaveOp::Edit {
            record: Record::Consent(c),
            base,
        },
        None => SaveOp::Create(Record::Consent(c)),
    }])
}

pub fn withdraw_fields(state: &State, id: Id) -> Result<Spec, String> {
    let l = state.lang();
    let c = find(state, id).ok_or_else(|| super::not_loaded(l))?;
    if c.withdrawn_on.is_some() {
        return Err(l.t("Already withdrawn.", "撤回済みです。").to_string());
    }
    let what = format!("{} ({})", c.id, state.name(c.client));
    Ok((
        l.t("Withdraw a consent", "同意を撤回"),
        vec![
            Field::new(Key::Relationship, l.t("Consent", "同意"), FieldKind::Fixed).text(&what),
            Field::new(
                Key::WithdrawnOn,
                l.t("Withdrawn on", "撤回日"),
                FieldKind::Date,
            )
            .required()
            .text(&state.today().to_string()),
        ],
    ))
}

pub fn withdraw_changes(state: &State, a: &Answers, id: Id) -> Result<Vec<SaveOp>, Refusal> {
    let on = a.happened(Key::WithdrawnOn)?;
    let c = find(state, id).ok_or_else(|| ("", super::not_loaded(a.lang)))?;
    if on < c.given_on {
        let reason = Reason::BeforeStart { start: c.given_on };
        return Err((Key::WithdrawnOn.name(), a.lang.reason(&reason)));
    }
    Ok(vec![SaveOp::Append(Intent::WithdrawConsent {
        consent: id,
        on,
    })])
}
