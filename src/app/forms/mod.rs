//! The editing forms. Each form is one spec in a file of its own: the
//! fields it asks for (filled from the record when it edits one) and how
//! its answers become changes. This module holds what they share: which
//! form, the typed field keys, the checks that need no store (so errors
//! appear next to the field at once), and reading the answers back.

mod affiliation;
mod body;
pub mod brief;
mod case;
mod consent;
mod event;
mod note;
mod partnership;
mod person;
mod referral;
mod supporter;
mod triad;
mod trust;

use std::collections::HashMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::form::{Field, FieldKind, Form, parse_date, parse_number};
use super::state::{Screen, State};
use crate::i18n::Lang;
use crate::model::{Date, Id, Reason, Record, Timestamp, ValidationError};
use crate::query::request::SaveOp;

/// Which form, and the records it works on.
#[derive(Clone, Debug, PartialEq)]
pub enum FormKind {
    NewCase,
    NewBody,
    NewPerson,
    NewAffiliation,
    /// Edit any record a person enters, made from revision `base` of it.
    Edit {
        record: Id,
        base: u64,
    },
    AddParty {
        case: Id,
    },
    EndRole {
        case: Id,
        party: Id,
    },
    SetTrust {
        case: Id,
        relationship: Option<Id>,
    },
    AddNote {
        case: Id,
        relationship: Option<Id>,
    },
    /// A new note that corrects `note`, which is kept as it was.
    CorrectNote {
        note: Id,
    },
    ProposeReferral {
        case: Id,
    },
    AdvanceReferral {
        referral: Id,
    },
    RecordConsent {
        case: Id,
    },
    WithdrawConsent {
        consent: Id,
    },
    LogEvent {
        case: Option<Id>,
    },
    /// Save the brief on screen to a file (nothing goes to the store).
    SaveBrief,
    /// A peer supporter's contact with one of their cases.
    LogContact {
        supporter: Id,
    },
    LogSupervision {
        supporter: Id,
    },
    /// A supporter's own wellbeing check-in.
    CheckIn {
        supporter: Id,
    },
    /// Capacity, availability, status, supervisor, what they know.
    SupporterProfile {
        person: Id,
    },
    /// A year's certificate or completion on a course.
    TrainingProgress {
        enrolment: Id,
    },
    /// A supporter enrolled on a course (by the course's id).
    Enrol {
        person: Id,
    },
}

pub type AppForm = Form<FormKind>;

/// A form's fields, by what they fill. `name` is the model's field name,
/// so a validation error from the model or the store lands next to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Title,
    Reading,
    Client,
    Coordinator,
    Status,
    On,
    StatusNote,
    Condition,
    Needs,
    Goals,
    Name,
    Sector,
    Kind,
    Region,
    Contact,
    Note,
    Parent,
    Roles,
    PeerKind,
    ActivityRange,
    Skills,
    Person,
    Body,
    From,
    Until,
    Party,
    Role,
    Relationship,
    A,
    B,
    Trust,
    Confidentiality,
    TrustChange,
    About,
    Text,
    To,
    Category,
    Reason,
    FollowUp,
    Outcome,
    DeclinedBy,
    DeclineReason,
    OverrideReason,
    GrantedTo,
    Intervention,
    InformationSharing,
    Information,
    GivenOn,
    ExpiresOn,
    ObtainedHow,
    WithdrawnOn,
    Date,
    End,
    Partnership,
    Peer,
    Medical,
    Government,
    Parties,
    Started,
    Ended,
    Description,
    Step,
    Corrects,
    Directory,
    FileName,
    Case,
    Minutes,
    Supervisor,
    Mode,
    Supporters,
    Themes,
    Wellbeing,
    Capacity,
    Availability,
    DiseaseAreas,
    Languages,
    Since,
    Year,
    CompletedOn,
    Course,
}

impl Key {
    pub fn name(self) -> &'static str {
        use Key as K;
        match self {
            K::Title => "title",
            K::Reading => "reading",
            K::Client => "client",
            K::Coordinator => "coordinator",
            K::Status => "status",
            K::On => "on",
            K::StatusNote => "status_history",
            K::Condition => "condition",
            K::Needs => "needs",
            K::Goals => "goals",
            K::Name => "name",
            K::Sector => "sector",
            K::Kind => "kind",
            K::Region => "region",
            K::Contact => "contact",
            K::Note => "note",
            K::Parent => "parent",
            K::Roles => "roles",
            K::PeerKind => "peer_kind",
            K::ActivityRange => "activity_range",
            K::Skills => "skills",
            K::Person => "person",
            K::Body => "body",
            K::From => "from",
            K::Until => "until",
            K::Party => "party",
            K::Role => "parties",
            K::Relationship => "relationship",
            K::A => "a",
            K::B => "b",
            K::Trust => "trust",
            K::Confidentiality => "confidentiality",
            K::TrustChange => "trust_change",
            K::About => "about",
            K::Text => "text",
            K::To => "to",
            K::Category => "category",
            K::Reason => "reason",
            K::FollowUp => "follow_up",
            K::Outcome => "outcome",
            K::DeclinedBy => "declined_by",
            K::DeclineReason => "decline_reason",
            K::OverrideReason => "override_reason",
            K::GrantedTo => "granted_to",
            K::Intervention => "intervention",
            K::InformationSharing => "scope",
            K::Information => "information",
            K::GivenOn => "given_on",
            K::ExpiresOn => "expires_on",
            K::ObtainedHow => "obtained_how",
            K::WithdrawnOn => "withdrawn_on",
            K::Date => "date",
            K::End => "end",
            K::Partnership => "partnership",
            K::Peer => "peer",
            K::Medical => "medical",
            K::Government => "government",
            K::Parties => "parties",
            K::Started => "started",
            K::Ended => "ended",
            K::Description => "description",
            K::Step => "step",
            K::Corrects => "corrects",
            K::Directory => "directory",
            K::FileName => "file",
            K::Case => "case",
            K::Minutes => "minutes",
            K::Supervisor => "supervisor",
            K::Mode => "mode",
            K::Supporters => "supporters",
            K::Themes => "themes",
            K::Wellbeing => "wellbeing",
            K::Capacity => "capacity",
            K::Availability => "availability",
            K::DiseaseAreas => "disease_areas",
            K::Languages => "languages",
            K::Since => "since",
            K::Year => "certificates",
            K::CompletedOn => "completed_on",
            K::Course => "course",
        }
    }
}

/// A form's title and fields, as a spec gives them.
pub type Spec = (&'static str, Vec<Field>);

/// Why a form's answers were refused: the field (its model name; empty
/// for the whole form) and what to say.
pub type Refusal = (&'static str, String);

/// Build the form for `kind`, filled with what the screen already knows;
/// a message instead when the form cannot apply here.
pub fn open(state: &State, kind: FormKind) -> Result<AppForm, String> {
    let (title, fields) = spec(state, &kind)?;
    Ok(Form::new(kind, title, fields))
}

fn spec(state: &State, kind: &FormKind) -> Result<Spec, String> {
    Ok(match kind {
        FormKind::NewCase => case::fields(state, None),
        FormKind::NewBody => body::fields(state, None),
        FormKind::NewPerson => person::fields(state, None),
        FormKind::NewAffiliation => affiliation::fields(state, None),
        FormKind::Edit { record, .. } => {
            let r = find_record(state, *record).ok_or_else(|| not_loaded(state.lang()))?;
            edit_spec(state, &r)?
        }
        FormKind::AddParty { .. } => triad::add_fields(state),
        FormKind::EndRole { case, party } => triad::end_fields(state, *case, *party)?,
        FormKind::SetTrust { case, relationship } => trust::fields(state, *case, *relationship),
        FormKind::AddNote { case, relationship } => note::fields(state, *case, *relationship),
        FormKind::CorrectNote { note } => note::correct_fields(state, *note)?,
        FormKind::ProposeReferral { case } => referral::propose_fields(state, *case),
        FormKind::AdvanceReferral { referral } => referral::advance_fields(state, *referral)?,
        FormKind::RecordConsent { case } => consent::fields(state, *case, None)?,
        FormKind::WithdrawConsent { consent } => consent::withdraw_fields(state, *consent)?,
        FormKind::LogEvent { .. } => event::fields(state, None),
        FormKind::SaveBrief => brief::fields(state),
        FormKind::LogContact { supporter } => supporter::contact_fields(state, *supporter)?,
        FormKind::LogSupervision { supporter } => supporter::supervision_fields(state, *supporter)?,
        FormKind::CheckIn { supporter } => supporter::check_in_fields(state, *supporter)?,
        FormKind::SupporterProfile { person } => supporter::profile_fields(state, *person)?,
        FormKind::TrainingProgress { enrolment } => supporter::training_fields(state, *enrolment)?,
        FormKind::Enrol { person } => supporter::enrol_fields(state, *person)?,
    })
}

/// The form that edits `record`, filled with its values.
fn edit_spec(state: &State, record: &Record) -> Result<Spec, String> {
    Ok(match record {
        Record::Case(c) => case::fields(state, Some(c)),
        Record::Body(b) => body::fields(state, Some(b)),
        Record::Person(p) => person::fields(state, Some(p)),
        Record::Affiliation(a) => affiliation::fields(state, Some(a)),
        Record::Referral(r) => referral::edit_fields(state, r),
        Record::Consent(c) => consent::fields(state, c.case, Some(c))?,
        Record::Event(e) => event::fields(state, Some(e)),
        Record::Partnership(p) => partnership::fields(state, p),
        _ => {
            return Err(state
                .lang()
                .t(
                    "That record is not edited here: add a new entry instead.",
                    "この記録はここでは編集できません。新しい記録を追加してください。",
                )
                .to_string());
        }
    })
}

/// Turn a filled form into writes, or put errors next to its fields.
pub fn submit(state: &State, form: &mut AppForm) -> Option<Vec<SaveOp>> {
    form.clear_errors();
    let parties = check_fields(state, form);
    if form.has_errors() {
        form.focus_error();
        return None;
    }
    let a = Answers {
        form,
        parties,
        today: state.today(),
        user: state.cfg.user.clone(),
        now: state.cfg.now(),
        lang: state.lang(),
    };
    let result = match form.kind.clone() {
        FormKind::NewCase => case::changes(&a, None),
        FormKind::NewBody => body::changes(&a, None),
        FormKind::NewPerson => person::changes(&a, None),
        FormKind::NewAffiliation => affiliation::changes(&a, None),
        FormKind::Edit { record, base } => match find_record(state, record) {
            Some(r) => edit_changes(state, &a, r, base),
            None => Err(("", not_loaded(a.lang))),
        },
        FormKind::AddParty { case } => triad::add_changes(state, &a, case),
        FormKind::EndRole { case, party } => triad::end_changes(state, &a, case, party),
        FormKind::SetTrust { case, relationship } => trust::changes(state, &a, case, relationship),
        FormKind::AddNote { case, relationship } => note::changes(state, &a, case, relationship),
        FormKind::CorrectNote { note } => note::correct_changes(state, &a, note),
        FormKind::ProposeReferral { case } => referral::propose_changes(&a, case),
        FormKind::AdvanceReferral { referral } => referral::advance_changes(state, &a, referral),
        FormKind::RecordConsent { case } => consent::changes(state, &a, case, None),
        FormKind::WithdrawConsent { consent } => consent::withdraw_changes(state, &a, consent),
        FormKind::LogEvent { case } => event::changes(state, &a, case, None),
        // Written to a file by `update`, never to the store.
        FormKind::SaveBrief => Err(("", not_loaded(a.lang))),
        FormKind::LogContact { supporter } => supporter::contact_changes(&a, supporter),
        FormKind::LogSupervision { supporter } => supporter::supervision_changes(&a, supporter),
        FormKind::CheckIn { supporter } => supporter::check_in_changes(&a, supporter),
        FormKind::SupporterProfile { person } => supporter::profile_changes(state, &a, person),
        FormKind::TrainingProgress { enrolment } => {
            supporter::training_changes(state, &a, enrolment)
        }
        FormKind::Enrol { person } => supporter::enrol_changes(&a, person),
    };
    match result {
        Ok(ops) => Some(ops),
        Err((field, reason)) => {
            form.set_error(field, reason);
            form.focus_error();
            None
        }
    }
}

fn edit_changes(
    state: &State,
    a: &Answers,
    record: Record,
    base: u64,
) -> Result<Vec<SaveOp>, Refusal> {
    match record {
        Record::Case(c) => case::changes(a, Some((c, base))),
        Record::Body(b) => body::changes(a, Some((b, base))),
        Record::Person(p) => person::changes(a, Some((p, base))),
        Record::Affiliation(x) => affiliation::changes(a, Some((x, base))),
        Record::Referral(r) => referral::edit_changes(a, r, base),
        Record::Consent(c) => consent::changes(state, a, c.case, Some((c, base))),
        Record::Event(e) => event::changes(state, a, e.case, Some((e, base))),
        Record::Partnership(p) => partnership::changes(a, p, base),
        _ => Err(("", not_loaded(a.lang))),
    }
}

/// Required fields, dates, numbers and party names, checked as typed.
/// Returns the parties each party field names.
fn check_fields(state: &State, form: &mut AppForm) -> HashMap<Key, Vec<Id>> {
    let l = state.lang();
    let mut parties = HashMap::new();
    for field in &mut form.fields {
        let value = field.value().to_string();
        let err = if field.required && value.is_empty() {
            Some(l.t("required", "入力してください").to_string())
        } else if value.is_empty() {
            None
        } else {
            match field.kind {
                FieldKind::Date if parse_date(&value).is_none() => Some(
                    l.t(
                        "a date like 2024-05-01",
                        "2024-05-01 の形式で入力してください",
                    )
                    .to_string(),
                ),
                FieldKind::Number if parse_number(&value).is_none() => {
                    Some(l.t("a whole number", "整数を入力してください").to_string())
                }
                FieldKind::Party | FieldKind::Parties => {
                    let mut ids = Vec::new();
                    let mut bad = None;
                    for part in value
                        .split([',', '、', '，'])
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                    {
                        match resolve_party(state, part) {
                            Ok(id) => ids.push(id),
                            Err(e) if field.kind == FieldKind::Party => {
                                bad = Some(e);
                                break;
                            }
                            Err(e) => {
                                bad = Some(format!("{part}: {e}"));
                                break;
                            }
                        }
                    }
                    parties.insert(field.key, ids);
                    bad
                }
                _ => None,
            }
        };
        if let Some(e) = err {
            field.error = Some(e);
        }
    }
    parties
}

/// A form's answers, read back as the values they stand for.
pub struct Answers<'a> {
    form: &'a AppForm,
    parties: HashMap<Key, Vec<Id>>,
    pub today: Date,
    pub user: String,
    pub now: Timestamp,
    pub lang: Lang,
}

impl Answers<'_> {
    pub fn text(&self, k: Key) -> String {
        self.form.value(k).to_string()
    }

    pub fn opt_text(&self, k: Key) -> Option<String> {
        Some(self.text(k)).filter(|s| !s.is_empty())
    }

    /// Several lines, as typed (trailing blanks dropped).
    pub fn lines(&self, k: Key) -> String {
        self.form
            .field(k)
            .map(|f| f.input.text.trim_end().to_string())
            .unwrap_or_default()
    }

    pub fn date(&self, k: Key) -> Option<Date> {
        parse_date(self.form.value(k))
    }

    /// The date something happened: today when blank, never in the future.
    pub fn happened(&self, k: Key) -> Result<Date, Refusal> {
        let on = self.date(k).unwrap_or(self.today);
        if on > self.today {
            let today = self.today;
            return Err((k.name(), self.lang.reason(&Reason::InFuture { today })));
        }
        Ok(on)
    }

    pub fn number(&self, k: Key) -> Option<u32> {
        parse_number(self.form.value(k))
    }

    pub fn party(&self, k: Key) -> Option<Id> {
        self.parties.get(&k).and_then(|v| v.first().copied())
    }

    pub fn parties(&self, k: Key) -> Vec<Id> {
        self.parties.get(&k).cloned().unwrap_or_default()
    }

    /// The chosen option of a choice field, as the value it codes.
    pub fn pick<T: DeserializeOwned>(&self, k: Key) -> Option<T> {
        from_code(self.form.code(k))
    }

    pub fn code(&self, k: Key) -> &str {
        self.form.code(k)
    }

    /// A model refusal, said in the form's language next to its field.
    pub fn refused(&self, e: ValidationError) -> Refusal {
        (e.field, self.lang.reason(&e.reason))
    }

    /// An id of `kind` typed in a field (`G-0001`, `g1`); `None` when blank.
    pub fn id_of(&self, k: Key, kind: crate::model::Kind) -> Result<Option<Id>, Refusal> {
        let text = self.text(k);
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<Id>() {
            Ok(id) if id.kind == kind => Ok(Some(id)),
            _ => Err((
                k.name(),
                format!(
                    "{} {}-0001",
                    self.lang.t("an id like", "次の形式のID:"),
                    kind.letter()
                ),
            )),
        }
    }

    pub fn required(&self, k: Key) -> Refusal {
        (k.name(), self.lang.t("required", "入力してください").into())
    }
}

/// The fields of two versions of a record, side by side for a conflict:
/// (label, theirs, yours), the ones that differ first. Both are shown as
/// the form that edits them shows them.
pub fn compare(state: &State, theirs: &Record, mine: &Record) -> Vec<(String, String, String)> {
    let (Ok((_, a)), Ok((_, b))) = (edit_spec(state, theirs), edit_spec(state, mine)) else {
        return vec![];
    };
    let shown = |f: &Field| match &f.kind {
        FieldKind::Choice(opts) => opts.get(f.choice).map(|o| o.1.clone()).unwrap_or_default(),
        FieldKind::Party => f
            .value()
            .parse::<Id>()
            .map(|id| state.name(id))
            .unwrap_or_else(|_| f.value().to_string()),
        // One line a field: a list's lines are joined.
        _ => f.value().lines().collect::<Vec<_>>().join(" / "),
    };
    // A status step is not part of the record: it is compared as history.
    let rows = a
        .iter()
        .zip(&b)
        .filter(|(t, _)| !matches!(t.key, Key::On | Key::StatusNote))
        .map(|(t, m)| (t.label.clone(), shown(t), shown(m)));
    let (mut differ, same): (Vec<_>, Vec<_>) = rows.partition(|(_, a, b)| a != b);
    differ.extend(same);
    differ
}

fn not_loaded(l: Lang) -> String {
    l.t(
        "That record is still loading; try again in a moment.",
        "記録を読み込み中です。少し待ってからもう一度どうぞ。",
    )
    .to_string()
}

/// The serde name of a value: the code a choice field stores.
pub(super) fn code<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn from_code<T: DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_string())).ok()
}

fn choices<T: Serialize + Copy>(all: &[T], label: impl Fn(T) -> &'static str) -> FieldKind {
    FieldKind::Choice(
        all.iter()
            .map(|v| (code(v), label(*v).to_string()))
            .collect(),
    )
}

/// A choice with a blank first option ("no change", "none").
fn choices_or<T: Serialize + Copy>(
    blank: &str,
    all: &[T],
    label: impl Fn(T) -> &'static str,
) -> FieldKind {
    let mut v = vec![(String::new(), blank.to_string())];
    v.extend(all.iter().map(|x| (code(x), label(*x).to_string())));
    FieldKind::Choice(v)
}

fn yes_no(lang: Lang) -> FieldKind {
    FieldKind::Choice(vec![
        ("yes".into(), lang.t("yes", "はい").into()),
        ("no".into(), lang.t("no", "いいえ").into()),
    ])
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn id_text(i: Option<Id>) -> String {
    i.map(|i| i.to_string()).unwrap_or_default()
}

fn date_text(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The supporter open on some screen, as loaded.
fn supporter_detail(state: &State, id: Id) -> Option<&crate::query::supporters::SupporterDetail> {
    state.stack.iter().rev().find_map(|s| match s {
        Screen::Supporter(v) if v.id == id => v.detail.as_deref(),
        _ => None,
    })
}

/// The case open on some screen, as loaded.
fn case_detail(state: &State, id: Id) -> Option<&crate::query::data::CaseDetail> {
    state.stack.iter().rev().find_map(|s| match s {
        Screen::Case(c) if c.id == id => c.detail.as_deref(),
        _ => None,
    })
}

/// The case as shown, for a form to check a change against.
fn loaded_case(state: &State, id: Id) -> Result<crate::model::Case, Refusal> {
    case_detail(state, id)
        .map(|d| d.case.clone())
        .ok_or_else(|| ("", not_loaded(state.lang())))
}

/// A record as some open screen loaded it.
pub fn find_record(state: &State, id: Id) -> Option<Record> {
    state.stack.iter().rev().find_map(|s| match s {
        Screen::Case(c) => c.detail.as_deref().and_then(|d| {
            if d.case.id == id {
                return Some(Record::Case(d.case.clone()));
            }
            let r = d.referrals.iter().find(|x| x.id == id).cloned();
            r.map(Record::Referral)
                .or_else(|| {
                    let c = d.consents.iter().find(|x| x.id == id).cloned();
                    c.map(Record::Consent)
                })
                .or_else(|| {
                    let a = d.affiliations.iter().find(|x| x.id == id).cloned();
                    a.map(Record::Affiliation)
                })
                .or_else(|| event_in(&d.timelines, id))
        }),
        Screen::Party(p) => p.detail.as_deref().and_then(|d| {
            if d.record.id() == id {
                return Some(d.record.clone());
            }
            let a = d.affiliations.iter().find(|x| x.id == id).cloned();
            a.map(Record::Affiliation)
                .or_else(|| event_in(&d.timelines, id))
        }),
        Screen::Record(r) => r
            .detail
            .as_deref()
            .filter(|d| d.record.id() == id)
            .map(|d| d.record.clone()),
        _ => None,
    })
}

/// An event or a partnership on a timeline.
fn event_in(timelines: &[crate::query::data::Timeline], id: Id) -> Option<Record> {
    timelines.iter().find_map(|t| {
        if t.partnership.id == id {
            return Some(Record::Partnership(t.partnership.clone()));
        }
        t.events
            .iter()
            .find(|e| e.id == id)
            .cloned()
            .map(Record::Event)
    })
}

/// The revision an edit of `id` is made from, as the screen loaded it.
pub fn revision(state: &State, id: Id) -> Option<u64> {
    state.stack.iter().rev().find_map(|s| match s {
        Screen::Case(c) => c.detail.as_deref().and_then(|d| d.revs.get(&id).copied()),
        Screen::Party(p) => p.detail.as_deref().and_then(|d| d.revs.get(&id).copied()),
        Screen::Record(r) => r
            .detail
            .as_deref()
            .filter(|d| d.record.id() == id)
            .map(|d| d.rev),
        _ => None,
    })
}

/// The bodies and people a party field's text may mean, best first: an
/// id, else names and readings compared as the finder compares them
/// (width, case and kana folded, romaji in any common spelling); exact
/// matches before partial ones.
pub fn party_matches(state: &State, text: &str) -> Vec<Id> {
    use crate::search::normalize::{fold, id_key, romaji};
    let text = text.trim();
    if let Some(id) = id_key(text).and_then(|k| k.parse::<Id>().ok())
        && id.is_party()
    {
        return state
            .data
            .names
            .contains_key(&id)
            .then_some(id)
            .into_iter()
            .collect();
    }
    let (want, want_romaji) = (fold(text), romaji(text));
    if want.is_empty() {
        return vec![];
    }
    let mut found: Vec<(u8, &str, Id)> = Vec::new();
    for n in state.data.names.values().filter(|n| n.id.is_party()) {
        let crate::query::data::MatchKeys {
            name,
            reading,
            spoken,
        } = n.keys();
        let rank = if *name == want
            || *reading == want
            || (!want_romaji.is_empty() && *spoken == want_romaji)
        {
            0
        } else if name.contains(&want)
            || (!reading.is_empty() && reading.contains(&want))
            || (want_romaji.len() >= 2 && spoken.contains(&want_romaji))
        {
            1
        } else {
            continue;
        };
        found.push((rank, n.name.as_str(), n.id));
    }
    found.sort();
    let best = found.first().map(|f| f.0);
    found
        .into_iter()
        .filter(|f| Some(f.0) == best)
        .map(|f| f.2)
        .collect()
}

/// What a party field's text points at, or what to say: none, or the
/// candidates when several match.
pub fn resolve_party(state: &State, text: &str) -> Result<Id, String> {
    let l = state.lang();
    let key = |a| {
        state
            .keymap
            .key_for(crate::keymap::Mode::Form, &a)
            .unwrap_or_default()
    };
    match party_matches(state, text).as_slice() {
        [one] => Ok(*one),
        [] => Err(format!(
            "{} {} {}",
            l.t("no body or person by that name;", "該当なし。"),
            key(super::Action::NewParty),
            l.t(
                "adds one, or type an id like B-0003",
                "で新規登録、またはB-0003のようなIDを入力",
            )
        )),
        many => {
            let shown: Vec<String> = many
                .iter()
                .take(3)
                .map(|i| format!("{i} {}", state.name(*i)))
                .collect();
            Err(format!(
                "{} {}: {}; {} {}",
                many.len(),
                l.t("match", "件該当"),
                shown.join(", "),
                key(super::Action::NextMatch),
                l.t("picks the next", "で次の候補")
            ))
        }
    }
}
