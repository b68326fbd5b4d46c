//! A body: new or edited, with the body it belongs to.

use super::{Answers, Key, Refusal, Spec, choices, code, id_text};
use crate::app::form::{Field, FieldKind};
use crate::app::state::State;
use crate::model::{Body, BodyKind, Id, Kind, Record, Sector};
use crate::query::request::SaveOp;

pub const BODY_KINDS: [BodyKind; 18] = [
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

pub fn fields(state: &State, body: Option<&Body>) -> Spec {
    let l = state.lang();
    let f = Field::new;
    let title = match body {
        Some(_) => l.t("Edit body", "団体を編集"),
        None => l.t("New body", "新規団体"),
    };
    let b = body
        .cloned()
        .unwrap_or_else(|| blank(Sector::PatientFamily));
    (
        title,
        vec![
            f(Key::Name, l.t("Name", "名称"), FieldKind::Text)
                .required()
                .text(&b.name),
            f(
                Key::Reading,
                l.t("Reading (kana)", "よみがな"),
                FieldKind::Text,
            )
            .text(b.reading.as_deref().unwrap_or("")),
            f(
                Key::Sector,
                l.t("Sector", "セクター"),
                choices(&Sector::ALL, |s| l.sector(s)),
            )
            .pick(&code(&b.sector)),
            f(
                Key::Kind,
                l.t("Kind", "種別"),
                choices(&BODY_KINDS, |k| l.body_kind(k)),
            )
            .pick(&code(&b.kind)),
            f(
                Key::Parent,
                l.t("Part of (body)", "上位団体"),
                FieldKind::Party,
            )
            .text(&id_text(b.parent)),
            f(Key::Region, l.t("Region", "地域"), FieldKind::Text).text(&b.region),
            f(Key::Contact, l.t("Contact", "連絡先"), FieldKind::Text).text(&b.contact),
            f(Key::Note, l.t("Note", "備考"), FieldKind::Multi).text(&b.note),
        ],
    )
}

fn blank(sector: Sector) -> Body {
    Body {
        id: Id::new(Kind::Body, 1),
        name: String::new(),
        reading: None,
        sector,
        kind: BodyKind::Other,
        region: String::new(),
        contact: String::new(),
        parent: None,
        cadences: vec![],
        note: String::new(),
    }
}

pub fn changes(a: &Answers, editing: Option<(Body, u64)>) -> Result<Vec<SaveOp>, Refusal> {
    let (mut b, base) = match editing {
        Some((b, base)) => (b, Some(base)),
        None => (blank(Sector::PatientFamily), None),
    };
    b.name = a.text(Key::Name);
    b.reading = a.opt_text(Key::Reading);
    b.sector = a.pick(Key::Sector).unwrap_or(b.sector);
    b.kind = a.pick(Key::Kind).unwrap_or(b.kind);
    b.parent = a.party(Key::Parent);
    b.region = a.text(Key::Region);
    b.contact = a.text(Key::Contact);
    b.note = a.lines(Key::Note);
    if let Some(p) = b.parent.filter(|p| p.kind != Kind::Body) {
        let msg = a.lang.t("must be a body", "団体を入力してください");
        return Err((Key::Parent.name(), format!("{p}: {msg}")));
    }
    b.validate().map_err(|e| a.refused(e))?;
    Ok(vec![match base {
        Some(base) => SaveOp::Edit {
            record: Record::Body(b),
            base,
        },
        None => SaveOp::Create(Record::Body(b)),
    }])
}
