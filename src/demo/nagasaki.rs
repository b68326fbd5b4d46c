//! Scenario 2 — Nagasaki's face-to-face peer supporter trainings since 2020,
//! with attendance by sector, and the medical staff who attended the
//! support-group organiser trainings.

use super::builder::{Builder, NoteOn, ymd};
use crate::model::{
    BodyKind, CaseStatus, Confidentiality, DeclinedBy, EventKind, GoalKind, NeedArea, PeerKind,
    ReferralCategory, ReferralStatus as RS, Role, Sector,
};

/// (year, month, day) as written in the source.
type Day = (i32, u32, u32);
/// Attendance: (peers, medical, government).
type Count = (u32, u32, u32);

/// Peer supporter trainings: day, title, (peers, medical, government), note.
const TRAININGS: [(Day, &str, Count, &str); 4] = [
    (
        (2020, 11, 14),
        "ピアサポーター養成研修（初回）",
        (15, 18, 4),
        "Initial face-to-face training.",
    ),
    (
        (2022, 1, 29),
        "ピアサポーター フォローアップ研修（オンライン）",
        (12, 16, 4),
        "Follow-up training, held online.",
    ),
    (
        (2023, 1, 7),
        "ピアサポーター フォローアップ研修",
        (8, 16, 5),
        "Follow-up training, face to face.",
    ),
    (
        (2023, 12, 9),
        "ピアサポーター フォローアップ研修",
        (12, 9, 4),
        "Follow-up training, face to face.",
    ),
];

/// Support-group organiser trainings and the medical staff who attended.
const ORGANISER_TRAININGS: [(Day, u32); 5] = [
    ((2021, 2, 11), 3),
    ((2021, 11, 3), 3),
    ((2022, 2, 11), 2),
    ((2022, 11, 3), 5),
    ((2024, 2, 11), 1),
];

pub(super) fn add(b: &mut Builder) {
    let region = "長崎県";
    let (gov, med, pf) = (Sector::Government, Sector::Medical, Sector::PatientFamily);

    let division = b.body(
        "長崎県 福祉保健部 医療政策課",
        "ナガサキケン フクシホケンブ イリョウセイサクカ",
        gov,
        BodyKind::PrefecturalDivision,
        region,
    );
    let centre = b.body(
        "長崎県がん相談支援センター",
        "ナガサキケン ガンソウダンシエンセンター",
        gov,
        BodyKind::ConsultationSupportCentre,
        region,
    );
    b.note(
        centre,
        "Runs the face-to-face peer supporter trainings (since 2020) and the support-group \
         organiser trainings.",
    );
    let council = b.body(
        "長崎県がん診療連携協議会",
        "ナガサキケン ガンシンリョウレンケイキョウギカイ",
        med,
        BodyKind::Council,
        region,
    );
    let hospital = b.body(
        "長崎県南総合病院",
        "ナガサキケンナンソウゴウビョウイン",
        med,
        BodyKind::Hospital,
        region,
    );
    b.note(
        hospital,
        "Designated cancer hospital (fictional name, demo data).",
    );
    let peers = b.body(
        "ながさきがんピアサポーターの会",
        "ナガサキ ガンピアサポーターノカイ",
        pf,
        BodyKind::PeerSupporterGroup,
        region,
    );
    b.note(
        peers,
        "Peer supporters trained since 2020 (fictional group name).",
    );
    let group = b.body(
        "肺がん患者サポートグループ「あじさい」",
        "ハイガンカンジャ サポートグループ アジサイ",
        pf,
        BodyKind::PatientAssociation,
        region,
    );
    let phc = b.body(
        "長崎市保健所",
        "ナガサキシホケンジョ",
        gov,
        BodyKind::PublicHealthCentre,
        region,
    );

    let programme = b.partnership(
        "長崎県 ピアサポーター対面研修",
        &[division, centre, council, peers],
        ymd(2020, 11, 14),
        None,
        "Face-to-face peer supporter trainings since 2020, attended by peers, medical staff and \
         government staff; support-group organiser trainings attended by medical staff.",
    );
    for ((y, m, d), title, (p, md, g), note) in TRAININGS {
        let e = b.event(
            ymd(y, m, d),
            EventKind::Training,
            title,
            &[centre, division, council, peers],
        );
        b.attendance(e, p, md, g);
        b.note(e, note);
        b.in_partnership(e, programme);
    }
    for ((y, m, d), medical) in ORGANISER_TRAININGS {
        let e = b.event(
            ymd(y, m, d),
            EventKind::Training,
            "サポートグループ運営者研修",
            &[centre, council],
        );
        b.medical_only(e, medical);
        b.note(
            e,
            "Support-group organiser training. The source counts only the medical staff who \
             attended; peers and government staff were not counted.",
        );
        b.in_partnership(e, programme);
    }

    // People
    let coord = b.person(
        "山下 美穂",
        "ヤマシタ ミホ",
        &[Role::Coordinator, Role::Counsellor],
    );
    b.affiliate(coord, centre, "相談員", ymd(2019, 4, 1), None);
    let peer = b.peer(
        "浦田 光子",
        "ウラタ ミツコ",
        PeerKind::ProVolunteer,
        "Hospital salon twice a month; phone consultation on Tuesdays",
        "Trained at the 2020 initial training and every follow-up; lung cancer survivor",
    );
    b.affiliate(peer, peers, "会員", ymd(2020, 11, 14), None);
    b.affiliate(peer, group, "世話人", ymd(2021, 4, 1), None);
    let msw = b.person("松尾 健太", "マツオ ケンタ", &[Role::MedicalSocialWorker]);
    b.affiliate(
        msw,
        hospital,
        "医療ソーシャルワーカー",
        ymd(2017, 4, 1),
        None,
    );
    let nurse = b.person("福田 恵子", "フクダ ケイコ", &[Role::Nurse]);
    b.affiliate(nurse, hospital, "がん看護専門看護師", ymd(2014, 4, 1), None);
    let phn = b.person("川口 由香", "カワグチ ユカ", &[Role::PublicHealthNurse]);
    b.affiliate(phn, phc, "保健師", ymd(2018, 4, 1), None);
    let client = b.person("浦川 一郎（仮名）", "ウラカワ イチロウ", &[Role::Client]);
    let wife = b.person(
        "浦川 和代（仮名）",
        "ウラカワ カズヨ",
        &[Role::FamilyMember],
    );

    // A fictional case
    let case = b.case(
        "長崎 肺がん 通院と家族の介護（浦川さん）",
        "ナガサキ ハイガン ツウイント カゾクノ カイゴ（ウラカワサン）",
        Some(client),
        Some(coord),
        "肺がん (lung cancer)",
        b.ago(300),
        "山下 美穂",
    );
    b.status(case, CaseStatus::Active, b.ago(290), "山下 美穂");
    b.party(case, peer, pf, "ピアサポーター", b.ago(300), None);
    b.party(case, wife, pf, "家族（介護者）", b.ago(300), None);
    b.party(case, nurse, med, "がん看護（外来）", b.ago(320), None);
    b.party(
        case,
        msw,
        med,
        "医療ソーシャルワーカー（入院中）",
        b.ago(290),
        Some(b.ago(200)),
    );
    b.party(case, centre, gov, "県の相談窓口", b.ago(300), None);
    b.party(case, phn, gov, "保健所保健師", b.ago(120), None);
    b.need(
        case,
        b.ago(300),
        NeedArea::Medical,
        "Breathlessness after surgery; unsure what to ask at clinic.",
    );
    b.need(
        case,
        b.ago(180),
        NeedArea::WelfareLife,
        "His wife cares for him alone; transport to hospital is hard.",
    );
    b.goal(
        case,
        GoalKind::Clinical,
        "Keep up outpatient treatment",
        b.ago(290),
    );
    b.goal(
        case,
        GoalKind::Social,
        "Join the あじさい group meetings",
        b.ago(200),
    );
    let r = b.referral(
        case,
        peer,
        msw,
        ReferralCategory::WelfareLife,
        "Transport to hospital and the high-cost medical expense system: to the MSW",
        &[
            (RS::Proposed, b.ago(288), "浦田 光子", ""),
            (RS::Sent, b.ago(287), "山下 美穂", ""),
            (RS::Accepted, b.ago(285), "松尾 健太", ""),
            (RS::Completed, b.ago(240), "松尾 健太", ""),
        ],
    );
    b.outcome(
        r,
        "Application for the high-cost medical expense ceiling made; taxi vouchers arranged.",
    );
    let r = b.referral(
        case,
        peer,
        phn,
        ReferralCategory::WelfareLife,
        "Unsure where to turn for the wife's care burden: to the public health centre's nurse",
        &[
            (RS::Proposed, b.ago(150), "浦田 光子", ""),
            (RS::Sent, b.ago(148), "山下 美穂", ""),
            (RS::Declined, b.ago(140), "山下 美穂", ""),
        ],
    );
    b.declined(
        r,
        DeclinedBy::Client,
        "The couple want to manage with family help for now; may ask again later.",
    );
    let r = b.referral(
        case,
        peer,
        phn,
        ReferralCategory::WelfareLife,
        "Wife now asks for a home visit by the public health nurse",
        &[
            (RS::Proposed, b.ago(125), "浦田 光子", ""),
            (RS::Sent, b.ago(122), "山下 美穂", ""),
            (RS::Accepted, b.ago(120), "川口 由香", ""),
        ],
    );
    b.follow_up(r, b.ahead(30));
    b.relationship(
        peer,
        nurse,
        None,
        &[
            (ymd(2020, 11, 14), 2, "山下 美穂"),
            (ymd(2022, 1, 29), 3, "山下 美穂"),
            (ymd(2023, 12, 9), 4, "山下 美穂"),
        ],
    );
    b.trust_note(
        NoteOn {
            case: Some(case),
            about: Some(peer),
            ..Default::default()
        },
        "山下 美穂",
        b.ago(140),
        Confidentiality::Team,
        "Client declined the public health nurse for now; 浦田さん will keep in touch by phone.",
    );
}
