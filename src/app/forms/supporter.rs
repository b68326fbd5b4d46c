//! A peer supporter's forms, opened from their view: a contact with one of
//! their cases, a supervision session, a wellbeing check-in, their profile
//! (capacity, status, supervisor) and a course's certificate or completion.

use super::{
    Answers, Key, Refusal, Spec, choices, code, date_text, id_text, not_loaded, supporter_detail,
};
use crate::app::form::{Field, FieldKind};
use crate::app::state::State;
use crate::model::{
    Certificate, CheckIn, Confidentiality, Contact, ContactKind, Id, Kind, Record, Supervision,
    SupervisionMode, SupporterStatus, WELLBEING_MAX,
};
use crate::query::request::SaveOp;
use crate::query::supporters::SupporterDetail;

fn detail(state: &State, id: Id) -> Result<&SupporterDetail, String> {
    supporter_detail(state, id).ok_or_else(|| not_loaded(state.lang()))
}

/// The supporter a form is for, shown, not edited.
fn who(state: &State, d: &SupporterDetail) -> Field {
    let l = state.lang();
    Field::new(
        Key::Person,
        l.t("Supporter", "サポーター"),
        FieldKind::Fixed,
    )
    .text(&d.row.person.name)
}

pub fn contact_fields(state: &State, supporter: Id) -> Result<Spec, String> {
    let l = state.lang();
    let d = detail(state, supporter)?;
    let cases: Vec<(String, String)> = d
        .row
        .workload
        .cases
        .iter()
        .map(|c| {
            let title = d.case_titles.get(&c.case).cloned().unwrap_or_default();
            (c.case.to_string(), format!("{} {title}", c.case))
        })
        .collect();
    if cases.is_empty() {
        return Err(l
            .t(
                "They have no active case: add them to a case's triad first.",
                "担当中のケースがありません。先にケースの三者に加えてください。",
            )
            .to_string());
    }
    let f = Field::new;
    let fields = vec![
        who(state, d),
        f(Key::Case, l.t("Case", "ケース"), FieldKind::Choice(cases)),
        f(
            Key::Kind,
            l.t("Kind", "種類"),
            choices(&ContactKind::ALL, |k| l.contact_kind(k)),
        ),
        f(Key::On, l.t("Date", "日付"), FieldKind::Date)
            .required()
            .text(&state.today().to_string()),
        f(
            Key::Minutes,
            l.t("Minutes", "時間（分）"),
            FieldKind::Number,
        ),
        f(
            Key::Confidentiality,
            l.t("Who may read the note", "メモの公開範囲"),
            choices(
                &[
                    Confidentiality::Team,
                    Confidentiality::Shared,
                    Confidentiality::Private,
                ],
                |c| l.confidentiality(c),
            ),
        ),
        f(
            Key::Note,
            l.t("Note (short)", "メモ（短く）"),
            FieldKind::Text,
        ),
    ];
    Ok((l.t("Log a contact", "関わりを記録"), fields))
}

pub fn contact_changes(a: &Answers, supporter: Id) -> Result<Vec<SaveOp>, Refusal> {
    let case = a
        .code(Key::Case)
        .parse::<Id>()
        .map_err(|_| a.required(Key::Case))?;
    let c = Contact {
        id: Id::new(Kind::Contact, 1),
        supporter,
        case,
        on: a.happened(Key::On)?,
        kind: a.pick(Key::Kind).unwrap_or(ContactKind::Visit),
        minutes: a.number(Key::Minutes).unwrap_or(0),
        note: a.text(Key::Note),
        confidentiality: a
            .pick(Key::Confidentiality)
            .unwrap_or(Confidentiality::Team),
        author: a.user.clone(),
        entered: None,
    };
    c.validate().map_err(|e| a.refused(e))?;
    Ok(vec![SaveOp::Create(Record::Contact(c))])
}

pub fn supervision_fields(state: &State, supporter: Id) -> Result<Spec, String> {
    let l = state.lang();
    let d = detail(state, supporter)?;
    let supervisor = d.row.person.supporter.as_ref().and_then(|s| s.supervisor);
    let f = Field::new;
    let fields = vec![
        who(state, d),
        f(Key::On, l.t("Date", "日付"), FieldKind::Date)
            .required()
            .text(&state.today().to_string()),
        f(
            Key::Supervisor,
            l.t("Supervisor", "スーパーバイザー"),
            FieldKind::Party,
        )
        .required()
        .text(&id_text(supervisor)),
        f(
            Key::Mode,
            l.t("Individual or group", "個別・グループ"),
            choices(
                &[SupervisionMode::Individual, SupervisionMode::Group],
                |m| l.supervision_mode(m),
            ),
        ),
        f(
            Key::Supporters,
            l.t("Others in the group", "グループの他の参加者"),
            FieldKind::Parties,
        ),
        f(
            Key::Themes,
            l.t(
                "Themes only (not what was said)",
                "テーマのみ（話の内容は書かない）",
            ),
            FieldKind::Text,
        ),
    ];
    Ok((l.t("Log supervision", "スーパービジョンを記録"), fields))
}

pub fn supervision_changes(a: &Answers, supporter: Id) -> Result<Vec<SaveOp>, Refusal> {
    let supervisor = a
        .party(Key::Supervisor)
        .ok_or_else(|| a.required(Key::Supervisor))?;
    let mut supporters = vec![supporter];
    for p in a.parties(Key::Supporters) {
        if !supporters.contains(&p) {
            supporters.push(p);
        }
    }
    let s = Supervision {
        id: Id::new(Kind::Supervision, 1),
        on: a.happened(Key::On)?,
        supervisor,
        supporters,
        mode: a.pick(Key::Mode).unwrap_or(SupervisionMode::Individual),
        themes: a.text(Key::Themes),
    };
    s.validate().map_err(|e| a.refused(e))?;
    Ok(vec![SaveOp::Create(Record::Supervision(s))])
}

pub fn check_in_fields(state: &State, supporter: Id) -> Result<Spec, String> {
    let l = state.lang();
    let d = detail(state, supporter)?;
    let levels: Vec<(String, String)> = std::iter::once((String::new(), "-".to_string()))
        .chain((1..=WELLBEING_MAX).rev().map(|n| {
            let label = match n {
                5 => l.t("5 well", "5 よい"),
                4 => l.t("4 fine", "4 まあよい"),
                3 => l.t("3 so-so", "3 ふつう"),
                2 => l.t("2 tired", "2 疲れている"),
                _ => l.t("1 struggling", "1 つらい"),
            };
            (n.to_string(), label.to_string())
        }))
        .collect();
    let f = Field::new;
    let fields = vec![
        who(state, d),
        f(
            Key::Confidentiality,
            l.t("Who reads it", "読める人"),
            FieldKind::Fixed,
        )
        .text(l.t("only you and your supervisor", "本人とスーパーバイザーのみ")),
        f(Key::On, l.t("Date", "日付"), FieldKind::Date)
            .required()
            .text(&state.today().to_string()),
        f(
            Key::Wellbeing,
            l.t("How are you", "調子"),
            FieldKind::Choice(levels),
        ),
        f(Key::Note, l.t("Note", "メモ"), FieldKind::Multi),
    ];
    Ok((l.t("Wellbeing check-in", "セルフチェック"), fields))
}

pub fn check_in_changes(a: &Answers, supporter: Id) -> Result<Vec<SaveOp>, Refusal> {
    let c = CheckIn {
        id: Id::new(Kind::CheckIn, 1),
        supporter,
        on: a.happened(Key::On)?,
        wellbeing: a.code(Key::Wellbeing).parse().ok(),
        note: a.lines(Key::Note),
        author: a.user.clone(),
        entered: None,
    };
    c.validate().map_err(|e| a.refused(e))?;
    Ok(vec![SaveOp::Create(Record::CheckIn(c))])
}

pub fn profile_fields(state: &State, person: Id) -> Result<Spec, String> {
    let l = state.lang();
    let d = detail(state, person)?;
    let p = d.row.person.supporter.clone().unwrap_or_default();
    let f = Field::new;
    let fields = vec![
        who(state, d),
        f(
            Key::Status,
            l.t(
                "Status (resting is a normal pause)",
                "状態（休止は通常の状態です）",
            ),
            choices(&SupporterStatus::ALL, |s| l.supporter_status(s)),
        )
        .pick(&code(&p.status)),
        f(Key::Since, l.t("Since", "開始日"), FieldKind::Date).text(&date_text(p.since)),
        f(
            Key::Capacity,
            l.t("Most active cases", "受け持ち上限（件）"),
            FieldKind::Number,
        )
        .text(&p.capacity.map(|c| c.to_string()).unwrap_or_default()),
        f(
            Key::Availability,
            l.t("Availability", "都合のよい時"),
            FieldKind::Text,
        )
        .text(&p.availability),
        f(
            Key::Supervisor,
            l.t("Supervisor", "スーパーバイザー"),
            FieldKind::Party,
        )
        .text(&id_text(p.supervisor)),
        f(
            Key::DiseaseAreas,
            l.t("Disease areas", "疾患領域"),
            FieldKind::Text,
        )
        .text(&p.disease_areas),
        f(Key::Languages, l.t("Languages", "言語"), FieldKind::Text).text(&p.languages),
    ];
    Ok((
        l.t(
            "Supporter: capacity and status",
            "サポーター：受け持ち上限と状態",
        ),
        fields,
    ))
}

pub fn profile_changes(state: &State, a: &Answers, person: Id) -> Result<Vec<SaveOp>, Refusal> {
    let d = supporter_detail(state, person).ok_or_else(|| ("", not_loaded(a.lang)))?;
    let mut p = d.row.person.clone();
    let had = p.supporter.take();
    let mut profile = had.clone().unwrap_or_default();
    profile.status = a.pick(Key::Status).unwrap_or_default();
    profile.since = a.date(Key::Since);
    profile.capacity = a.number(Key::Capacity);
    profile.availability = a.text(Key::Availability);
    profile.supervisor = a.party(Key::Supervisor);
    profile.disease_areas = a.text(Key::DiseaseAreas);
    profile.languages = a.text(Key::Languages);
    // A supporter without a profile keeps none until something is set:
    // the form's blanks are not a profile.
    p.supporter = (had.is_some() || profile != Default::default()).then_some(profile);
    let record = Record::Person(p);
    record.validate().map_err(|e| a.refused(e))?;
    let base = d.revs.get(&person).copied().unwrap_or(0);
    Ok(vec![SaveOp::Edit { record, base }])
}

/// The supporter view showing this enrolment, and the enrolment.
fn enrolment(
    state: &State,
    id: Id,
) -> Option<(&SupporterDetail, &crate::query::supporters::Training)> {
    state.stack.iter().rev().find_map(|s| match s {
        crate::app::state::Screen::Supporter(v) => v.detail.as_deref().and_then(|d| {
            d.row
                .trainings
                .iter()
                .find(|t| t.enrolment.id == id)
                .map(|t| (d, t))
        }),
        _ => None,
    })
}

pub fn training_fields(state: &State, id: Id) -> Result<Spec, String> {
    let l = state.lang();
    let (d, t) = enrolment(state, id).ok_or_else(|| not_loaded(l))?;
    let f = Field::new;
    let years: Vec<String> = t
        .enrolment
        .certificates
        .iter()
        .map(|c| format!("{} ({})", c.year, c.on))
        .collect();
    let fields = vec![
        who(state, d),
        f(Key::Title, l.t("Course", "研修"), FieldKind::Fixed).text(&t.course.name),
        f(
            Key::Step,
            l.t("Sessions attended", "出席回数"),
            FieldKind::Fixed,
        )
        .text(&format!(
            "{}/{} {}",
            t.attended,
            t.course.planned_sessions,
            l.t(
                "(counted from the course's training events)",
                "（研修の行事から数えます）"
            )
        )),
        f(
            Key::Reason,
            l.t("Certificates so far", "これまでの修了証"),
            FieldKind::Fixed,
        )
        .text(&if years.is_empty() {
            "-".to_string()
        } else {
            years.join(", ")
        }),
        f(
            Key::Year,
            l.t("Certificate for year", "修了証の年度"),
            FieldKind::Number,
        ),
        f(
            Key::On,
            l.t("Certificate date", "修了証の日付"),
            FieldKind::Date,
        )
        .text(&state.today().to_string()),
        f(
            Key::CompletedOn,
            l.t("Course completed on", "課程修了日"),
            FieldKind::Date,
        )
        .text(&date_text(t.enrolment.completed_on)),
    ];
    Ok((l.t("Training progress", "研修の進み具合"), fields))
}

pub fn training_changes(state: &State, a: &Answers, id: Id) -> Result<Vec<SaveOp>, Refusal> {
    let (d, t) = enrolment(state, id).ok_or_else(|| ("", not_loaded(a.lang)))?;
    let mut e = t.enrolment.clone();
    if let Some(year) = a.number(Key::Year) {
        let year = i32::try_from(year).map_err(|_| a.required(Key::Year))?;
        e.certificates.push(Certificate {
            year,
            on: a.happened(Key::On)?,
        });
    }
    e.completed_on = a.date(Key::CompletedOn);
    let record = Record::Enrolment(e);
    record.validate().map_err(|err| a.refused(err))?;
    let base = d.revs.get(&id).copied().unwrap_or(0);
    Ok(vec![SaveOp::Edit { record, base }])
}

pub fn enrol_fields(state: &State, person: Id) -> Result<Spec, String> {
    let l = state.lang();
    let d = detail(state, person)?;
    let f = Field::new;
    let fields = vec![
        who(state, d),
        f(
            Key::Course,
            l.t("Course (G-...)", "研修課程（G-...）"),
            FieldKind::Text,
        )
        .required(),
        f(Key::On, l.t("Enrolled on", "受講開始日"), FieldKind::Date)
            .required()
            .text(&state.today().to_string()),
    ];
    Ok((l.t("Enrol on a course", "研修の受講を記録"), fields))
}

pub fn enrol_changes(a: &Answers, person: Id) -> Result<Vec<SaveOp>, Refusal> {
    let course = a
        .id_of(Key::Course, Kind::Course)?
        .ok_or_else(|| a.required(Key::Course))?;
    let e = crate::model::Enrolment {
        id: Id::new(Kind::Enrolment, 1),
        course,
        person,
        enrolled_on: a.date(Key::On).unwrap_or(a.today),
        certificates: vec![],
        completed_on: None,
        note: String::new(),
    };
    e.validate().map_err(|err| a.refused(err))?;
    Ok(vec![SaveOp::Create(Record::Enrolment(e))])
}
