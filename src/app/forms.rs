//! The editing forms: what each asks for, and how its answers become
//! records. Checks that need no store happen here (so errors appear next
//! to the field at once); the store checks the rest before it writes.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::effect::SaveOp;
use super::form::{Field, FieldKind, Form, parse_date, parse_number};
use super::state::State;
use crate::i18n::Lang;
use crate::model::{
    Affiliation, Attendance, Body, BodyKind, Case, CaseParty, CaseStatus, Confidentiality, Consent,
    ConsentScope, DeclinedBy, Event, EventKind, Id, Intent, Kind, PeerKind, Person, Record,
    Referral, ReferralCategory, ReferralStatus, Relationship, Role, Sector, StatusChange,
    TrustChange, TrustLevel, TrustNote, ValidationError,
};

/// Which form, and the records it works on.
#[derive(Clone, Debug, PartialEq)]
pub enum FormKind {
    NewCase,
    /// Edit a case made from revision `base` of it.
    EditCase {
        case: Id,
        base: u64,
    },
    NewBody,
    NewPerson,
    NewAffiliation,
    AddParty {
        case: Id,
    },
    SetTrust {
        case: Id,
        relationship: Option<Id>,
    },
    AddNote {
        case: Id,
        relationship: Option<Id>,
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
    LogEvent {
        case: Option<Id>,
    },
}

pub type AppForm = Form<FormKind>;

/// The serde name of a value: the code a choice field stores.
fn code<T: Serialize>(v: &T) -> String {
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

const BODY_KINDS: [BodyKind; 18] = [
    BodyKind::PatientAssociation,
    BodyKind::Hospital,
    BodyKind::PublicHealthCentre,
    BodyKind::PrefecturalDivision,
    BodyKind::MunicipalSection,
    BodyKind::LiaisonSupportCentre,
    BodyKind::IntractableDiseaseSupportCentre,
    BodyKind::Council,
    BodyKind::WorkingGroup,
    BodyKind::ConsultationSupportCentre,
    BodyKind::RehabilitationCentre,
    BodyKind::CancerSalon,
    BodyKind::SalonNetwork,
    BodyKind::FamilyAssociation,
    BodyKind::PeerSupporterGroup,
    BodyKind::EmploymentSupport,
    BodyKind::WelfareAssociation,
    BodyKind::Other,
];

const ROLES: [Role; 15] = [
    Role::PeerSupporter,
    Role::Physician,
    Role::Nurse,
    Role::Therapist,
    Role::MedicalSocialWorker,
    Role::PublicHealthNurse,
    Role::CareManager,
    Role::EmploymentSupporter,
    Role::ConsultationSpecialist,
    Role::Counsellor,
    Role::Coordinator,
    Role::Client,
    Role::FamilyMember,
    Role::Official,
    Role::Other,
];

const CATEGORIES: [ReferralCategory; 6] = [
    ReferralCategory::Medical,
    ReferralCategory::WelfareLife,
    ReferralCategory::Work,
    ReferralCategory::Community,
    ReferralCategory::Peer,
    ReferralCategory::Other,
];

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

fn yes_no(lang: Lang) -> FieldKind {
    FieldKind::Choice(vec![
        ("yes".into(), lang.t("yes", "はい").into()),
        ("no".into(), lang.t("no", "いいえ").into()),
    ])
}

fn trust_choices(lang: Lang, with_none: bool) -> FieldKind {
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

/// Build the form for `kind`, filled with what the screen already knows.
/// `None` (with a message) when the form cannot apply here.
pub fn open(state: &State, kind: FormKind) -> Result<AppForm, String> {
    let l = state.lang();
    let today = state.today().to_string();
    let f = Field::new;
    let (title, fields) = match &kind {
        FormKind::NewCase => (
            l.t("New case", "新規ケース"),
            vec![
                f("title", l.t("Title", "件名"), FieldKind::Text).required(),
                f(
                    "reading",
                    l.t("Reading (kana)", "よみがな"),
                    FieldKind::Text,
                ),
                f(
                    "client",
                    l.t("Client (person)", "相談者（人）"),
                    FieldKind::Party,
                ),
                f(
                    "coordinator",
                    l.t("Coordinator", "コーディネーター"),
                    FieldKind::Party,
                ),
                f(
                    "status",
                    l.t("Status", "状態"),
                    choices(&CaseStatus::ALL, |s| l.case_status(s)),
                ),
                f("condition", l.t("Condition", "疾患・状況"), FieldKind::Text),
            ],
        ),
        FormKind::EditCase { case, .. } => {
            let d = case_detail(state, *case).ok_or_else(|| {
                l.t("The case is still loading.", "ケースを読み込み中です。")
                    .to_string()
            })?;
            let c = &d.case;
            let id_text = |i: Option<Id>| i.map(|i| i.to_string()).unwrap_or_default();
            let last_change = c
                .status_history
                .last()
                .map_or(today.clone(), |s| s.on.to_string());
            (
                l.t("Edit case", "ケースを編集"),
                vec![
                    f("title", l.t("Title", "件名"), FieldKind::Text)
                        .required()
                        .text(&c.title),
                    f(
                        "reading",
                        l.t("Reading (kana)", "よみがな"),
                        FieldKind::Text,
                    )
                    .text(c.reading.as_deref().unwrap_or("")),
                    f(
                        "client",
                        l.t("Client (person)", "相談者（人）"),
                        FieldKind::Party,
                    )
                    .text(&id_text(c.client)),
                    f(
                        "coordinator",
                        l.t("Coordinator", "コーディネーター"),
                        FieldKind::Party,
                    )
                    .text(&id_text(c.coordinator)),
                    f("condition", l.t("Condition", "疾患・状況"), FieldKind::Text)
                        .text(&c.condition),
                    f(
                        "status",
                        l.t("Status", "状態"),
                        choices(&CaseStatus::ALL, |s| l.case_status(s)),
                    )
                    .pick(&code(&c.status)),
                    f(
                        "status_on",
                        l.t("Status since (if changed)", "状態の変更日（変更時）"),
                        FieldKind::Date,
                    )
                    .text(&today.max(last_change)),
                ],
            )
        }
        FormKind::NewBody => (
            l.t("New body", "新規団体"),
            vec![
                f("name", l.t("Name", "名称"), FieldKind::Text).required(),
                f(
                    "reading",
                    l.t("Reading (kana)", "よみがな"),
                    FieldKind::Text,
                ),
                f(
                    "sector",
                    l.t("Sector", "セクター"),
                    choices(&Sector::ALL, |s| l.sector(s)),
                ),
                f(
                    "kind",
                    l.t("Kind", "種別"),
                    choices(&BODY_KINDS, |k| l.body_kind(k)),
                ),
                f("region", l.t("Region", "地域"), FieldKind::Text),
                f("contact", l.t("Contact", "連絡先"), FieldKind::Text),
                f("note", l.t("Note", "備考"), FieldKind::Text),
            ],
        ),
        FormKind::NewPerson => {
            let mut peer = vec![(
                String::new(),
                l.t("(not a peer supporter)", "（ピアサポーター以外）")
                    .to_string(),
            )];
            for k in [
                PeerKind::Volunteer,
                PeerKind::ProVolunteer,
                PeerKind::PeerStaff,
            ] {
                peer.push((code(&k), l.peer_kind(k).to_string()));
            }
            (
                l.t("New person", "新規人物"),
                vec![
                    f("name", l.t("Name", "氏名"), FieldKind::Text).required(),
                    f(
                        "reading",
                        l.t("Reading (kana)", "よみがな"),
                        FieldKind::Text,
                    ),
                    f("roles", l.t("Role", "役割"), choices(&ROLES, |r| l.role(r))),
                    f(
                        "peer_kind",
                        l.t("Peer supporter kind", "ピアサポーターの種類"),
                        FieldKind::Choice(peer),
                    ),
                    f(
                        "activity_range",
                        l.t("Activity range", "活動範囲"),
                        FieldKind::Text,
                    ),
                    f("skills", l.t("Skills", "技能"), FieldKind::Text),
                    f("contact", l.t("Contact", "連絡先"), FieldKind::Text),
                ],
            )
        }
        FormKind::NewAffiliation => {
            let here = current_party(state);
            let person = here
                .filter(|i| i.kind == Kind::Person)
                .map(|i| i.to_string())
                .unwrap_or_default();
            let body = here
                .filter(|i| i.kind == Kind::Body)
                .map(|i| i.to_string())
                .unwrap_or_default();
            (
                l.t("New affiliation", "新規所属"),
                vec![
                    f("person", l.t("Person", "人"), FieldKind::Party)
                        .required()
                        .text(&person),
                    f("body", l.t("Body", "団体"), FieldKind::Party)
                        .required()
                        .text(&body),
                    f("title", l.t("Title / post", "役職"), FieldKind::Text),
                    f("from", l.t("From", "開始日"), FieldKind::Date)
                        .required()
                        .text(&today),
                    f(
                        "until",
                        l.t("Until (blank: still there)", "終了日（空欄は在職中）"),
                        FieldKind::Date,
                    ),
                ],
            )
        }
        FormKind::AddParty { .. } => {
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
                        "party",
                        l.t("Body or person", "団体または人"),
                        FieldKind::Party,
                    )
                    .required(),
                    f(
                        "sector",
                        l.t("Sector", "セクター"),
                        FieldKind::Choice(sectors),
                    ),
                    f(
                        "role",
                        l.t("Role in this case", "このケースでの役割"),
                        FieldKind::Text,
                    )
                    .required(),
                    f("from", l.t("From", "開始日"), FieldKind::Date)
                        .required()
                        .text(&today),
                ],
            )
        }
        FormKind::SetTrust { case, relationship } => {
            let mut fields = Vec::new();
            let mut current = String::new();
            if let Some(rid) = relationship {
                let rel = case_detail(state, *case)
                    .and_then(|d| d.relationships.iter().find(|r| r.id == *rid));
                if let Some(r) = rel {
                    current = r.level().map(|t| t.get().to_string()).unwrap_or_default();
                    let label = format!(
                        "{} {} {}",
                        state.name(r.a),
                        crate::ui::Theme::of(&state.cfg).sym.link,
                        state.name(r.b)
                    );
                    fields.push(
                        f("relationship", l.t("Relationship", "関係"), FieldKind::Text)
                            .text(&label),
                    );
                }
            } else {
                fields.push(f("a", l.t("Party A", "関係者A"), FieldKind::Party).required());
                fields.push(f("b", l.t("Party B", "関係者B"), FieldKind::Party).required());
            }
            fields.push(
                f(
                    "trust",
                    l.t("Trust level", "信頼度"),
                    trust_choices(l, false),
                )
                .pick(&current),
            );
            fields.push(
                f("on", l.t("Date", "日付"), FieldKind::Date)
                    .required()
                    .text(&today),
            );
            (l.t("Set trust level", "信頼度を設定"), fields)
        }
        FormKind::AddNote { .. } => (
            l.t("Add a trust note", "信頼メモを追加"),
            vec![
                f(
                    "confidentiality",
                    l.t("Who may read it", "公開範囲"),
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
                    "trust_change",
                    l.t("Trust level now", "現在の信頼度"),
                    trust_choices(l, true),
                ),
                f(
                    "about",
                    l.t("About (body or person)", "対象（団体・人）"),
                    FieldKind::Party,
                ),
                f("text", l.t("Note", "メモ"), FieldKind::Multi).required(),
            ],
        ),
        FormKind::ProposeReferral { case } => {
            let coord = case_detail(state, *case)
                .and_then(|d| d.case.coordinator)
                .map(|i| i.to_string())
                .unwrap_or_default();
            (
                l.t("Propose a referral", "紹介を提案"),
                vec![
                    f("from", l.t("From (who refers)", "紹介元"), FieldKind::Party)
                        .required()
                        .text(&coord),
                    f("to", l.t("To (who receives)", "紹介先"), FieldKind::Party).required(),
                    f(
                        "category",
                        l.t("For", "分野"),
                        choices(&CATEGORIES, |c| l.category(c)),
                    ),
                    f("reason", l.t("Reason", "理由"), FieldKind::Text).required(),
                    f(
                        "follow_up",
                        l.t("Follow up on", "確認予定日"),
                        FieldKind::Date,
                    ),
                ],
            )
        }
        FormKind::AdvanceReferral { referral } => {
            let r = find_referral(state, *referral).ok_or_else(|| {
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
            let follow = r.follow_up.map(|d| d.to_string()).unwrap_or_default();
            let may_send = next.contains(&ReferralStatus::Sent);
            let mut fields = vec![
                f(
                    "status",
                    l.t("New status", "新しい状態"),
                    choices(&next, |s| l.referral_status(s)),
                ),
                f("on", l.t("Date", "日付"), FieldKind::Date)
                    .required()
                    .text(&today),
                f("note", l.t("Note", "メモ"), FieldKind::Text),
                f(
                    "declined_by",
                    l.t("Declined by (if declined)", "辞退した人（辞退の場合）"),
                    choices(&[DeclinedBy::Client, DeclinedBy::Receiver], |d| {
                        l.declined_by(d)
                    }),
                ),
                f(
                    "decline_reason",
                    l.t("Why declined (if declined)", "辞退の理由（辞退の場合）"),
                    FieldKind::Text,
                ),
                f("outcome", l.t("Outcome", "結果"), FieldKind::Text).text(&r.outcome),
                f(
                    "follow_up",
                    l.t("Follow up on", "確認予定日"),
                    FieldKind::Date,
                )
                .text(&follow),
            ];
            // Sending needs the client's consent; without one a coordinator
            // may send anyway, saying why (the server checks the role).
            if may_send {
                fields.push(f(
                    "override_reason",
                    l.t(
                        "Send without consent: why (coordinator)",
                        "同意なしで送る理由（コーディネーター）",
                    ),
                    FieldKind::Text,
                ));
            }
            (l.t("Update referral status", "紹介の状態を更新"), fields)
        }
        FormKind::RecordConsent { case } => {
            let d = case_detail(state, *case);
            if d.is_some_and(|d| d.case.client.is_none()) {
                return Err(l
                    .t(
                        "This case has no client; consent is the client's. Add the client first.",
                        "このケースには相談者がいません。同意は本人のものです。",
                    )
                    .to_string());
            }
            (
                l.t("Record a consent", "同意を記録"),
                vec![
                    f(
                        "granted_to",
                        l.t("Granted to (comma separated)", "同意先（カンマ区切り）"),
                        FieldKind::Parties,
                    )
                    .required(),
                    f(
                        "intervention",
                        l.t("Agrees to intervention", "介入への同意"),
                        yes_no(l),
                    ),
                    f(
                        "information_sharing",
                        l.t("Agrees to sharing information", "情報共有への同意"),
                        yes_no(l),
                    ),
                    f(
                        "information",
                        l.t("Which information", "共有する情報"),
                        FieldKind::Text,
                    ),
                    f("given_on", l.t("Given on", "同意日"), FieldKind::Date)
                        .required()
                        .text(&today),
                    f("expires_on", l.t("Expires on", "有効期限"), FieldKind::Date),
                    f(
                        "obtained_how",
                        l.t("How obtained", "取得方法"),
                        FieldKind::Text,
                    )
                    .required(),
                ],
            )
        }
        FormKind::LogEvent { .. } => {
            let mut partnerships = vec![(String::new(), l.t("(none)", "（なし）").to_string())];
            let timelines = match state.screen() {
                super::state::Screen::Case(s) => s.detail.as_ref().map(|d| d.timelines.clone()),
                super::state::Screen::Party(s) => s.detail.as_ref().map(|d| d.timelines.clone()),
                _ => None,
            };
            for t in timelines.unwrap_or_default() {
                partnerships.push((t.partnership.id.to_string(), t.partnership.title.clone()));
            }
            let selected = selected_partnership(state)
                .map(|i| i.to_string())
                .unwrap_or_default();
            (
                l.t("Log an event", "行事を記録"),
                vec![
                    f(
                        "kind",
                        l.t("Kind", "種類"),
                        choices(&EVENT_KINDS, |k| l.event_kind(k)),
                    ),
                    f("title", l.t("Title", "名称"), FieldKind::Text).required(),
                    f("date", l.t("Date", "日付"), FieldKind::Date)
                        .required()
                        .text(&today),
                    f(
                        "partnership",
                        l.t("Partnership", "連携"),
                        FieldKind::Choice(partnerships),
                    )
                    .pick(&selected),
                    f(
                        "peer",
                        l.t(
                            "Attended: peers/patients/families",
                            "参加: ピア・患者・家族",
                        ),
                        FieldKind::Number,
                    ),
                    f(
                        "medical",
                        l.t("Attended: medical", "参加: 医療"),
                        FieldKind::Number,
                    ),
                    f(
                        "government",
                        l.t("Attended: government", "参加: 行政"),
                        FieldKind::Number,
                    ),
                    f("note", l.t("Note", "備考"), FieldKind::Text),
                ],
            )
        }
    };
    Ok(Form::new(kind, title, fields))
}

/// The case on screen, as shown, for a form to change; or the error a
/// form shows when it has not loaded yet.
fn loaded_case(state: &State, id: Id) -> Result<Case, (String, String)> {
    case_detail(state, id)
        .map(|d| d.case.clone())
        .ok_or_else(|| {
            let l = state.lang();
            (
                String::new(),
                l.t("the case is not loaded yet", "ケースを読み込み中です")
                    .to_string(),
            )
        })
}

fn case_detail(state: &State, id: Id) -> Option<&super::data::CaseDetail> {
    state.stack.iter().rev().find_map(|s| match s {
        super::state::Screen::Case(c) if c.id == id => c.detail.as_deref(),
        _ => None,
    })
}

fn find_referral(state: &State, id: Id) -> Option<&Referral> {
    state.stack.iter().rev().find_map(|s| match s {
        super::state::Screen::Case(c) => c
            .detail
            .as_ref()
            .and_then(|d| d.referrals.iter().find(|r| r.id == id)),
        _ => None,
    })
}

/// The body or person whose screen is open.
fn current_party(state: &State) -> Option<Id> {
    match state.screen() {
        super::state::Screen::Party(p) => Some(p.id),
        _ => None,
    }
}

fn selected_partnership(state: &State) -> Option<Id> {
    match state.screen() {
        super::state::Screen::Case(s) => s
            .detail
            .as_deref()
            .and_then(|d| super::view::case_selection(s, d, state.today()).partnership)
            .map(|p| p.id),
        super::state::Screen::Party(s) => s.detail.as_deref().and_then(|d| {
            let sel = s.scroll[super::view::party_panel_index(s.panel)].sel;
            (s.panel == super::state::PartyPanel::Timeline)
                .then(|| super::view::timeline_rows(&d.timelines, state.today(), &s.filter.text))
                .and_then(|rows| rows.get(sel).map(|r| r.partnership().id))
        }),
        _ => None,
    }
}

/// What a party field's text points at: an id, or a unique name.
pub fn resolve_party(state: &State, text: &str) -> Result<Id, String> {
    let l = state.lang();
    let text = text.trim();
    if let Ok(id) = text.parse::<Id>()
        && id.is_party()
    {
        return if state.data.names.contains_key(&id) {
            Ok(id)
        } else {
            Err(format!(
                "{id}: {}",
                l.t("no such body or person", "該当する団体・人がいません")
            ))
        };
    }
    let needle = text.to_lowercase();
    let mut exact = Vec::new();
    let mut partial = Vec::new();
    for n in state.data.names.values() {
        let name = n.name.to_lowercase();
        let reading = n.reading.as_deref().unwrap_or("").to_lowercase();
        if name == needle || reading == needle {
            exact.push(n);
        } else if name.contains(&needle) || (!reading.is_empty() && reading.contains(&needle)) {
            partial.push(n);
        }
    }
    let found = if exact.is_empty() { partial } else { exact };
    match found.as_slice() {
        [one] => Ok(one.id),
        [] => Err(l
            .t(
                "no body or person by that name; type part of a name or an id like B-0003",
                "該当なし。名前の一部かB-0003のようなIDを入力してください",
            )
            .to_string()),
        many => {
            let mut ids: Vec<(Id, &str)> = many.iter().map(|n| (n.id, n.name.as_str())).collect();
            ids.sort();
            let shown: Vec<String> = ids
                .iter()
                .take(3)
                .map(|(i, n)| format!("{i} {n}"))
                .collect();
            Err(format!(
                "{} {}: {}{}",
                many.len(),
                l.t("match", "件該当"),
                shown.join(", "),
                l.t("; type the id", "。IDを入力してください")
            ))
        }
    }
}

/// Turn a filled form into writes, or put errors next to its fields.
pub fn submit(state: &State, form: &mut AppForm) -> Option<Vec<SaveOp>> {
    form.clear_errors();
    let l = state.lang();
    // Required fields and the formats we can check without the store.
    let mut parties = std::collections::HashMap::new();
    for i in 0..form.fields.len() {
        let field = &form.fields[i];
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
                FieldKind::Party => match resolve_party(state, &value) {
                    Ok(id) => {
                        parties.insert(field.name, vec![id]);
                        None
                    }
                    Err(e) => Some(e),
                },
                FieldKind::Parties => {
                    let mut ids = Vec::new();
                    let mut bad = None;
                    for part in value
                        .split([',', '、', '，'])
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                    {
                        match resolve_party(state, part) {
                            Ok(id) => ids.push(id),
                            Err(e) => {
                                bad = Some(format!("{part}: {e}"));
                                break;
                            }
                        }
                    }
                    parties.insert(field.name, ids);
                    bad
                }
                _ => None,
            }
        };
        if let Some(e) = err {
            form.fields[i].error = Some(e);
        }
    }
    if form.has_errors() {
        form.focus_error();
        return None;
    }
    let party = |name: &str| parties.get(name).and_then(|v| v.first().copied());
    let date = |name: &str| parse_date(form.value(name));
    let text = |name: &str| form.value(name).to_string();
    let opt_text = |name: &str| Some(text(name)).filter(|s| !s.is_empty());
    let today = state.today();
    let user = state.cfg.user.clone();
    let now = state.cfg.now();
    let placeholder = |k: Kind| Id::new(k, 1);

    let result: Result<Vec<SaveOp>, (String, String)> = (|| {
        let v = |e: ValidationError| (e.field.to_string(), e.reason);
        Ok(match form.kind.clone() {
            FormKind::NewCase => {
                let status = from_code(form.code("status")).unwrap_or(CaseStatus::Intake);
                let c = Case {
                    id: placeholder(Kind::Case),
                    title: text("title"),
                    reading: opt_text("reading"),
                    client: party("client"),
                    status,
                    status_history: vec![StatusChange {
                        status,
                        on: today,
                        by: user.clone(),
                    }],
                    coordinator: party("coordinator"),
                    condition: text("condition"),
                    needs: vec![],
                    goals: vec![],
                    parties: vec![],
                    changed: now,
                };
                if let Some(cl) = c.client.filter(|i| i.kind != Kind::Person) {
                    return Err((
                        "client".into(),
                        format!("{cl}: {}", l.t("the client is a person", "相談者は人です")),
                    ));
                }
                c.validate().map_err(v)?;
                vec![SaveOp::Create(Record::Case(c))]
            }
            FormKind::EditCase { case, base } => {
                let mut c = loaded_case(state, case)?;
                c.title = text("title");
                c.reading = opt_text("reading");
                c.client = party("client");
                c.coordinator = party("coordinator");
                c.condition = text("condition");
                c.changed = now;
                if let Some(cl) = c.client.filter(|i| i.kind != Kind::Person) {
                    return Err((
                        "client".into(),
                        format!("{cl}: {}", l.t("the client is a person", "相談者は人です")),
                    ));
                }
                c.validate().map_err(v)?;
                let mut ops = vec![SaveOp::Edit {
                    record: Record::Case(c.clone()),
                    base,
                }];
                // A new status is a step in its history, not an edit.
                let status: CaseStatus = from_code(form.code("status")).unwrap_or(c.status);
                if status != c.status {
                    let on = date("status_on").unwrap_or(today);
                    if c.status_history.last().is_some_and(|s| on < s.on) {
                        return Err((
                            "status_on".into(),
                            l.t("before the last status change", "前回の状態変更より前です")
                                .into(),
                        ));
                    }
                    ops.push(SaveOp::Append(Intent::CaseStatus { case, status, on }));
                }
                ops
            }
            FormKind::NewBody => {
                let b = Body {
                    id: placeholder(Kind::Body),
                    name: text("name"),
                    reading: opt_text("reading"),
                    sector: from_code(form.code("sector")).unwrap_or(Sector::PatientFamily),
                    kind: from_code(form.code("kind")).unwrap_or(BodyKind::Other),
                    region: text("region"),
                    contact: text("contact"),
                    parent: None,
                    cadences: vec![],
                    note: text("note"),
                };
                b.validate().map_err(v)?;
                vec![SaveOp::Create(Record::Body(b))]
            }
            FormKind::NewPerson => {
                let role: Role = from_code(form.code("roles")).unwrap_or(Role::Other);
                let p = Person {
                    id: placeholder(Kind::Person),
                    name: text("name"),
                    reading: opt_text("reading"),
                    roles: vec![role],
                    peer_kind: from_code(form.code("peer_kind")),
                    activity_range: text("activity_range"),
                    skills: text("skills"),
                    contact: text("contact"),
                };
                p.validate().map_err(v)?;
                vec![SaveOp::Create(Record::Person(p))]
            }
            FormKind::NewAffiliation => {
                let (Some(person), Some(body)) = (party("person"), party("body")) else {
                    return Err(("person".into(), l.t("required", "入力してください").into()));
                };
                let a = Affiliation {
                    id: placeholder(Kind::Affiliation),
                    person,
                    body,
                    title: text("title"),
                    from: date("from").unwrap_or(today),
                    until: date("until"),
                };
                a.validate().map_err(v)?;
                vec![SaveOp::Create(Record::Affiliation(a))]
            }
            FormKind::AddParty { case } => {
                let mut c = loaded_case(state, case)?;
                let Some(p) = party("party") else {
                    return Err(("party".into(), l.t("required", "入力してください").into()));
                };
                let sector = match from_code::<Sector>(form.code("sector")) {
                    Some(s) => s,
                    None => state
                        .data
                        .names
                        .get(&p)
                        .and_then(|n| n.sector)
                        .ok_or_else(|| {
                            (
                                "sector".to_string(),
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
                        "party".into(),
                        l.t("already in this triad", "すでに三者に含まれています")
                            .into(),
                    ));
                }
                let party = CaseParty {
                    party: p,
                    sector,
                    role: text("role"),
                    from: date("from").unwrap_or(today),
                    until: None,
                };
                // Checked on the copy shown; the store adds it to the case
                // as it is when written.
                c.parties.push(party.clone());
                c.validate().map_err(v)?;
                vec![SaveOp::Append(Intent::AddParty { case, party })]
            }
            FormKind::SetTrust { case, relationship } => {
                let level = form
                    .code("trust")
                    .parse::<u8>()
                    .ok()
                    .and_then(|n| TrustLevel::new(n).ok())
                    .ok_or_else(|| {
                        (
                            "trust".to_string(),
                            l.t("choose a level", "信頼度を選んでください").to_string(),
                        )
                    })?;
                let on = date("on").unwrap_or(today);
                let change = TrustChange {
                    on,
                    level,
                    by: user.clone(),
                };
                match relationship {
                    Some(rid) => {
                        let mut r = case_detail(state, case)
                            .and_then(|d| d.relationships.iter().find(|r| r.id == rid).cloned())
                            .ok_or_else(|| {
                                (
                                    String::new(),
                                    l.t(
                                        "the relationship is not loaded",
                                        "関係が読み込まれていません",
                                    )
                                    .to_string(),
                                )
                            })?;
                        if r.trust.last().is_some_and(|t| on < t.on) {
                            return Err((
                                "on".into(),
                                l.t("before the last change", "前回の変更より前です").into(),
                            ));
                        }
                        r.trust.push(change);
                        r.validate().map_err(v)?;
                        vec![SaveOp::Append(Intent::Trust {
                            relationship: rid,
                            level,
                            on,
                        })]
                    }
                    None => {
                        let (Some(a), Some(b)) = (party("a"), party("b")) else {
                            return Err(("a".into(), l.t("required", "入力してください").into()));
                        };
                        let r = Relationship {
                            id: placeholder(Kind::Relationship),
                            a,
                            b,
                            case: Some(case),
                            trust: vec![change],
                        };
                        r.validate().map_err(v)?;
                        vec![SaveOp::Create(Record::Relationship(r))]
                    }
                }
            }
            FormKind::AddNote { case, relationship } => {
                let trust_change = form
                    .code("trust_change")
                    .parse::<u8>()
                    .ok()
                    .and_then(|n| TrustLevel::new(n).ok());
                let n = TrustNote {
                    id: placeholder(Kind::TrustNote),
                    case: Some(case),
                    relationship,
                    about: party("about"),
                    author: user.clone(),
                    at: now,
                    text: form
                        .field("text")
                        .map(|f| f.input.text.trim_end().to_string())
                        .unwrap_or_default(),
                    confidentiality: from_code(form.code("confidentiality"))
                        .unwrap_or(Confidentiality::Team),
                    trust_change,
                };
                n.validate().map_err(v)?;
                let mut ops = Vec::new();
                // A note that changes trust moves the relationship too.
                if let (Some(level), Some(rid)) = (trust_change, relationship)
                    && let Some(r) = case_detail(state, case)
                        .and_then(|d| d.relationships.iter().find(|r| r.id == rid).cloned())
                {
                    ops.push(SaveOp::Append(Intent::Trust {
                        relationship: rid,
                        level,
                        on: today.max(r.trust.last().map_or(today, |t| t.on)),
                    }));
                }
                ops.push(SaveOp::Create(Record::TrustNote(n)));
                ops
            }
            FormKind::ProposeReferral { case } => {
                let (Some(from), Some(to)) = (party("from"), party("to")) else {
                    return Err(("from".into(), l.t("required", "入力してください").into()));
                };
                let category = from_code(form.code("category")).unwrap_or(ReferralCategory::Other);
                let mut r = Referral::propose(
                    placeholder(Kind::Referral),
                    case,
                    from,
                    to,
                    category,
                    &text("reason"),
                    today,
                    &user,
                );
                r.follow_up = date("follow_up");
                r.validate().map_err(v)?;
                vec![SaveOp::Create(Record::Referral(r))]
            }
            FormKind::AdvanceReferral { referral } => {
                let mut r = find_referral(state, referral).cloned().ok_or_else(|| {
                    (
                        String::new(),
                        l.t("the referral is not loaded", "紹介が読み込まれていません")
                            .to_string(),
                    )
                })?;
                let status: ReferralStatus = from_code(form.code("status")).ok_or_else(|| {
                    (
                        "status".to_string(),
                        l.t("choose a status", "状態を選んでください").to_string(),
                    )
                })?;
                let on = date("on").unwrap_or(today);
                let declined_by = (status == ReferralStatus::Declined)
                    .then(|| from_code(form.code("declined_by")).unwrap_or(DeclinedBy::Receiver));
                // Checked on the copy shown for a quick answer in place; the
                // store applies the step to the referral as it is when written.
                let moved = if let Some(by) = declined_by {
                    r.decline(by, &text("decline_reason"), on, &user)
                } else {
                    r.advance(status, on, &user, &text("note"))
                };
                moved.map_err(|e| {
                    use crate::model::TransitionError as T;
                    let field = match e {
                        T::DeclineNeedsReason => "decline_reason",
                        T::BeforeLast { .. } => "on",
                        T::Illegal { .. } => "status",
                    };
                    (field.to_string(), e.to_string())
                })?;
                r.outcome = text("outcome");
                r.follow_up = date("follow_up");
                r.validate().map_err(v)?;
                vec![SaveOp::Append(Intent::ReferralStep {
                    referral,
                    status,
                    on,
                    note: text("note"),
                    declined_by,
                    decline_reason: text("decline_reason"),
                    outcome: Some(r.outcome),
                    follow_up: r.follow_up,
                    override_reason: Some(text("override_reason"))
                        .filter(|t| status == ReferralStatus::Sent && !t.trim().is_empty()),
                })]
            }
            FormKind::RecordConsent { case } => {
                let client = case_detail(state, case)
                    .and_then(|d| d.case.client)
                    .ok_or_else(|| {
                        (
                            String::new(),
                            l.t("this case has no client", "このケースには相談者がいません")
                                .to_string(),
                        )
                    })?;
                let info: Vec<String> = text("information")
                    .split([',', '、', '，'])
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                let c = Consent {
                    id: placeholder(Kind::Consent),
                    client,
                    case,
                    granted_to: parties.get("granted_to").cloned().unwrap_or_default(),
                    scope: ConsentScope {
                        intervention: form.code("intervention") == "yes",
                        information_sharing: form.code("information_sharing") == "yes",
                        information: info,
                    },
                    given_on: date("given_on").unwrap_or(today),
                    expires_on: date("expires_on"),
                    withdrawn_on: None,
                    obtained_how: text("obtained_how"),
                };
                c.validate().map_err(v)?;
                vec![SaveOp::Create(Record::Consent(c))]
            }
            FormKind::LogEvent { case } => {
                let partnership: Option<Id> = form.code("partnership").parse().ok();
                let counts: Vec<Option<u32>> = ["peer", "medical", "government"]
                    .iter()
                    .map(|n| parse_number(form.value(n)))
                    .collect();
                let attendance = counts.iter().any(Option::is_some).then(|| Attendance {
                    peer: counts[0],
                    medical: counts[1],
                    government: counts[2],
                });
                let parties = match state.screen() {
                    super::state::Screen::Party(p) => vec![p.id],
                    _ => vec![],
                };
                let e = Event {
                    id: placeholder(Kind::Event),
                    date: date("date").unwrap_or(today),
                    end: None,
                    kind: from_code(form.code("kind")).unwrap_or(EventKind::Other),
                    title: text("title"),
                    parties,
                    partnership,
                    case: if partnership.is_some() { None } else { case },
                    attendance,
                    note: text("note"),
                };
                e.validate().map_err(v)?;
                vec![SaveOp::Create(Record::Event(e))]
            }
        })
    })();
    match result {
        Ok(ops) => Some(ops),
        Err((field, reason)) => {
            form.set_error(&field, reason);
            form.focus_error();
            None
        }
    }
}

/// The fields of two versions of a record, side by side for a conflict:
/// (label, theirs, yours), the ones that differ first.
pub fn compare(state: &State, theirs: &Record, mine: &Record) -> Vec<(String, String, String)> {
    let l = state.lang();
    let person = |i: Option<Id>| i.map(|i| state.name(i)).unwrap_or_default();
    let rows = match (theirs, mine) {
        (Record::Case(t), Record::Case(m)) => {
            let row = |label: &str, a: String, b: String| (label.to_string(), a, b);
            vec![
                row(l.t("Title", "件名"), t.title.clone(), m.title.clone()),
                row(
                    l.t("Reading", "よみがな"),
                    t.reading.clone().unwrap_or_default(),
                    m.reading.clone().unwrap_or_default(),
                ),
                row(l.t("Client", "相談者"), person(t.client), person(m.client)),
                row(
                    l.t("Coordinator", "コーディネーター"),
                    person(t.coordinator),
                    person(m.coordinator),
                ),
                row(
                    l.t("Condition", "疾患・状況"),
                    t.condition.clone(),
                    m.condition.clone(),
                ),
                row(
                    l.t("Status", "状態"),
                    l.case_status(t.status).to_string(),
                    l.case_status(m.status).to_string(),
                ),
            ]
        }
        _ => vec![],
    };
    let (mut differ, same): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, a, b)| a != b);
    differ.extend(same);
    differ
}
