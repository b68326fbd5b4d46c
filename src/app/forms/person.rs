//! A person: new or edited, with their roles, contact, and for a peer
//! supporter their kind, range of activity and skills.

use super::{Answers, Key, Refusal, Spec, choices_or, code, from_code};
use crate::app::form::{Field, FieldKind};
use crate::app::state::State;
use crate::i18n::Lang;
use crate::model::{Id, Kind, PeerKind, Person, Record, Role};
use crate::query::request::SaveOp;

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

pub fn fields(state: &State, person: Option<&Person>) -> Spec {
    let l = state.lang();
    let f = Field::new;
    let title = match person {
        Some(_) => l.t("Edit person", "人物を編集"),
        None => l.t("New person", "新規人物"),
    };
    let p = person.cloned().unwrap_or_else(blank);
    let roles: Vec<&str> = p.roles.iter().map(|r| l.role(*r)).collect();
    let peer = [
        PeerKind::Volunteer,
        PeerKind::ProVolunteer,
        PeerKind::PeerStaff,
    ];
    (
        title,
        vec![
            f(Key::Name, l.t("Name", "氏名"), FieldKind::Text)
                .required()
                .text(&p.name),
            f(
                Key::Reading,
                l.t("Reading (kana)", "よみがな"),
                FieldKind::Text,
            )
            .text(p.reading.as_deref().unwrap_or("")),
            f(
                Key::Roles,
                l.t("Roles (comma separated)", "役割（カンマ区切り）"),
                FieldKind::Text,
            )
            .text(&roles.join(l.t(", ", "、"))),
            f(
                Key::PeerKind,
                l.t("Peer supporter kind", "ピアサポーターの種類"),
                choices_or(
                    l.t("(not a peer supporter)", "（ピアサポーター以外）"),
                    &peer,
                    |k| l.peer_kind(k),
                ),
            )
            .pick(&p.peer_kind.map(|k| code(&k)).unwrap_or_default()),
            f(
                Key::ActivityRange,
                l.t("Activity range", "活動範囲"),
                FieldKind::Text,
            )
            .text(&p.activity_range),
            f(Key::Skills, l.t("Skills", "技能"), FieldKind::Text).text(&p.skills),
            f(Key::Contact, l.t("Contact", "連絡先"), FieldKind::Text).text(&p.contact),
        ],
    )
}

fn blank() -> Person {
    Person {
        id: Id::new(Kind::Person, 1),
        name: String::new(),
        reading: None,
        roles: vec![],
        peer_kind: None,
        activity_range: String::new(),
        skills: String::new(),
        contact: String::new(),
        supporter: None,
    }
}

/// Roles as typed: their names in either language, or their codes.
fn roles(a: &Answers) -> Result<Vec<Role>, Refusal> {
    let mut out = Vec::new();
    for part in a
        .text(Key::Roles)
        .split([',', '、', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let want = part.to_lowercase();
        let found = ROLES
            .iter()
            .copied()
            .find(|r| {
                [Lang::En, Lang::Ja]
                    .iter()
                    .any(|l| l.role(*r).to_lowercase() == want)
            })
            .or_else(|| from_code(&want));
        match found {
            Some(r) if !out.contains(&r) => out.push(r),
            Some(_) => {}
            None => {
                let l = a.lang;
                let known: Vec<&str> = ROLES.iter().map(|r| l.role(*r)).collect();
                return Err((
                    Key::Roles.name(),
                    format!(
                        "{part}: {} {}",
                        l.t("not a role; one of", "は役割ではありません。候補:"),
                        known.join(l.t(", ", "、"))
                    ),
                ));
            }
        }
    }
    Ok(out)
}

pub fn changes(a: &Answers, editing: Option<(Person, u64)>) -> Result<Vec<SaveOp>, Refusal> {
    let (mut p, base) = match editing {
        Some((p, base)) => (p, Some(base)),
        None => (blank(), None),
    };
    p.name = a.text(Key::Name);
    p.reading = a.opt_text(Key::Reading);
    p.roles = roles(a)?;
    p.peer_kind = a.pick(Key::PeerKind);
    if p.peer_kind.is_some() && !p.roles.contains(&Role::PeerSupporter) {
        p.roles.push(Role::PeerSupporter);
    }
    p.activity_range = a.text(Key::ActivityRange);
    p.skills = a.text(Key::Skills);
    p.contact = a.text(Key::Contact);
    p.validate().map_err(|e| a.refused(e))?;
    Ok(vec![match base {
        Some(base) => SaveOp::Edit {
            record: Record::Person(p),
            base,
        },
        None => SaveOp::Create(Record::Person(p)),
    }])
}
