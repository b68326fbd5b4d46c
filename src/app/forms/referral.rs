//! A referral: proposed (dated, today by default), moved a step at a time
//! (each step dated, never in the future nor before the last), and edited
//! where it is not history: its reason, follow-up and outcome.

use super::{Answers, Key, Refusal, Spec, case_detail, choices, date_text, id_text};
use crate::app::form::{Field, FieldKind};
use crate::app::state::{Screen, State};
use crate::model::{
    DeclinedBy, Id, Intent, Kind, Reason, Record, Referral, ReferralCategory, ReferralStatus,
};
use crate::query::request::SaveOp;

const CATEGORIES: [ReferralCategory; 6] = [
    ReferralCategory::Medical,
    ReferralCategory::WelfareLife,
    ReferralCategory::Work,
    ReferralCategory::Community,
    ReferralCategory::Peer,
    ReferralCategory::Other,
];

fn find(state: &State, id: Id) -> Option<&Referral> {
    state.stack.iter().rev().find_map(|s| match s {
        Screen::Case(c) => c
            .detail
            .as_ref()
            .and_then(|d| d.referrals.iter().find(|r| r.id == id)),
        _ => None,
    })
}

pub fn propose_fields(state: &State, case: Id) -> Spec {
    let l = state.lang();
    let f = Field::new;
    let coord = case_detail(state, case).and_then(|d| d.case.coordinator);
    (
        l.t("Propose a referral", "紹介を提案"),
        vec![
            f(
                Key::From,
                l.t("From (who refers)", "紹介元"),
                FieldKind::Party,
            )
            .required()
            .text(&id_text(coord)),
            f(
                Key::To,
                l.t("To (who receives)", "紹介先"),
                FieldKind::Party,
            )
            .required(),
            f(
                Key::Category,
                l.t("For", "分野"),
                choices(&CATEGORIES, |c| l.category(c)),
            ),
            f(Key::Reason, l.t("Reason", "理由"), FieldKind::Text).required(),
            f(Key::On, l.t("Proposed on", "提案日"), FieldKind::Date)
                .required()
                .text(&state.today().to_string()),
            f(
                Key::FollowUp,
                l.t("Follow up on", "確認予定日"),
                FieldKind::Date,
            ),
        ],
    )
}

pub fn propose_changes(a: &Answers, case: Id) -> Result<Vec<SaveOp>, Refusal> {
    let (Some(from), Some(to)) = (a.party(Key::From), a.party(Key::To)) else {
        return Err(a.required(Key::From));
    };
    let on = a.happened(Key::On)?;
    let category = a.pick(Key::Category).unwrap_or(ReferralCategory::Other);
    let mut r = Referral::propose(
        Id::new(Kind::Referral, 1),
        case,
        from,
        to,
        category,
        &a.text(Key::Reason),
        on,
        &a.user,
    );
    r.follow_up = a.date(Key::FollowUp);
    r.validate().map_err(|e| a.refused(e))?;
    Ok(vec![SaveOp::Create(Record::Referral(r))])
}

pub fn advance_fields(state: &State, id: Id) -> Result<Spec, String> {
    let l = state.lang();
    let f = Field::new;
    let r = find(state, id).ok_or_else(|| {
        l.t("Select a referral first.", "先に紹介を選んでください。")
            .to_string()
    })?;
    let next: Vec<ReferralStatus> = ReferralStatus::ALL
        .into_iter()
        .filter(|s| r.status().can_move_to(*s))
        .collect();
    if next.is_empty() {
        return Err(l
            .t(
                "This referral has ended; it cannot move on.",
                "この紹介は終了しています。",
            )
            .to_string());
    }
    let may_send = next.contains(&ReferralStatus::Sent);
    let mut fields = vec![
        f(
            Key::Status,
            l.t("New status", "新しい状態"),
            choices(&next, |s| l.referral_status(s)),
        ),
        f(Key::On, l.t("Date", "日付"), FieldKind::Date)
            .required()
            .text(&state.today().to_string()),
        f(Key::Note, l.t("Note", "メモ"), FieldKind::Text),
        f(
            Key::DeclinedBy,
            l.t("Declined by (if declined)", "辞退した人（辞退の場合）"),
            choices(&[DeclinedBy::Client, DeclinedBy::Receiver], |d| {
                l.declined_by(d)
            }),
        ),
        f(
            Key::DeclineReason,
            l.t("Why declined (if declined)", "辞退の理由（辞退の場合）"),
            FieldKind::Text,
        ),
        f(Key::Outcome, l.t("Outcome", "結果"), FieldKind::Text).text(&r.outcome),
        f(
            Key::FollowUp,
            l.t("Follow up on", "確認予定日"),
            FieldKind::Date,
        )
        .text(&date_text(r.follow_up)),
    ];
    // Sending needs the client's consent; without one a coordinator may
    // send anyway, saying why (the server checks the role).
    if may_send {
        fields.push(f(
            Key::OverrideReason,
            l.t(
                "Send without consent: why (coordinator)",
                "同意なしで送る理由（コーディネーター）",
            ),
            FieldKind::Text,
        ));
    }
    Ok((l.t("Update referral status", "紹介の状態を更新"), fields))
}

pub fn advance_changes(state: &State, a: &Answers, id: Id) -> Result<Vec<SaveOp>, Refusal> {
    let mut r = find(state, id)
        .cloned()
        .ok_or_else(|| ("", super::not_loaded(a.lang)))?;
    let status: ReferralStatus = a.pick(Key::Status).ok_or_else(|| {
        let msg = a.lang.t("choose a status", "状態を選んでください");
        (Key::Status.name(), msg.to_string())
    })?;
    let on = a.happened(Key::On)?;
    let declined_by = (status == ReferralStatus::Declined)
        .then(|| a.pick(Key::DeclinedBy).unwrap_or(DeclinedBy::Receiver));
    // Checked on the copy shown for an answer in place; the store applies
    // the step to the referral as it is when written.
    let moved = match declined_by {
        Some(by) => r.decline(by, &a.text(Key::DeclineReason), on, &a.user),
        None => r.advance(status, on, &a.user, &a.text(Key::Note)),
    };
    moved.map_err(|e| {
        use crate::model::TransitionError as T;
        let key = match e {
            T::DeclineNeedsReason => Key::DeclineReason,
            T::BeforeLast { .. } => Key::On,
            T::Illegal { .. } => Key::Status,
        };
        (key.name(), a.lang.reason(&Reason::from(&e)))
    })?;
    r.outcome = a.text(Key::Outcome);
    r.follow_up = a.date(Key::FollowUp);
    r.validate().map_err(|e| a.refused(e))?;
    Ok(vec![SaveOp::Append(Intent::ReferralStep {
        referral: id,
        status,
        on,
        note: a.text(Key::Note),
        declined_by,
        decline_reason: a.text(Key::DeclineReason),
        outcome: Some(r.outcome),
        follow_up: r.follow_up,
        override_reason: Some(a.text(Key::OverrideReason))
            .filter(|t| status == ReferralStatus::Sent && !t.trim().is_empty()),
    })])
}

/// What may change of a referral that is not its history.
pub fn edit_fields(state: &State, r: &Referral) -> Spec {
    let l = state.lang();
    let f = Field::new;
    // Steps are history: a wrong date or note is corrected beside the step.
    let mut options = vec![(String::new(), l.t("(none)", "（なし）").to_string())];
    for (i, t) in r.history.iter().enumerate() {
        let (on, _) = r.step_on(i).unwrap_or((t.on, ""));
        options.push((
            i.to_string(),
            format!("{} {on}", l.referral_status(t.status)),
        ));
    }
    let steps = FieldKind::Choice(options);
    (
        l.t("Edit referral", "紹介を編集"),
        vec![
            f(
                Key::To,
                l.t("To (who receives)", "紹介先"),
                FieldKind::Party,
            )
            .required()
            .text(&r.to.to_string()),
            f(
                Key::Category,
                l.t("For", "分野"),
                choices(&CATEGORIES, |c| l.category(c)),
            )
            .pick(&super::code(&r.category)),
            f(Key::Reason, l.t("Reason", "理由"), FieldKind::Multi)
                .required()
                .text(&r.reason),
            f(
                Key::FollowUp,
                l.t("Follow up on", "確認予定日"),
                FieldKind::Date,
            )
            .text(&date_text(r.follow_up)),
            f(Key::Outcome, l.t("Outcome", "結果"), FieldKind::Multi).text(&r.outcome),
            f(Key::Step, l.t("Correct a step", "訂正する段階"), steps),
            f(
                Key::On,
                l.t("Its date should be", "正しい日付"),
                FieldKind::Date,
            ),
            f(
                Key::Note,
                l.t("Its note should be", "正しいメモ"),
                FieldKind::Text,
            ),
        ],
    )
}

pub fn edit_changes(a: &Answers, mut r: Referral, base: u64) -> Result<Vec<SaveOp>, Refusal> {
    if let Some(to) = a.party(Key::To) {
        r.to = to;
    }
    r.category = a.pick(Key::Category).unwrap_or(r.category);
    r.reason = a.lines(Key::Reason);
    r.follow_up = a.date(Key::FollowUp);
    r.outcome = a.lines(Key::Outcome);
    r.validate().map_err(|e| a.refused(e))?;
    let id = r.id;
    let correction = match a.code(Key::Step).parse::<usize>() {
        Ok(step) => {
            let Some(on) = a.date(Key::On) else {
                return Err(a.required(Key::On));
            };
            let on = a.happened(Key::On).map(|_| on)?;
            let note = a.text(Key::Note);
            // Checked on the copy shown, for an answer in place.
            let mut check = r.clone();
            check
                .correct_step(step, on, &note, &a.user, a.today)
                .map_err(|e| a.refused(e))?;
            Some(Intent::CorrectStep {
                referral: id,
                step,
                on,
                note,
            })
        }
        Err(_) => None,
    };
    let mut ops = vec![SaveOp::Edit {
        record: Record::Referral(r),
        base,
    }];
    ops.extend(correction.map(SaveOp::Append));
    Ok(ops)
}
