//! Scenario 6 — Okinawa spinal cord injury association: a standing
//! peer-support coordinator dispatches peer supporters to inpatients on
//! request from medical staff, the client or the family, and only with the
//! client's consent to the intervention. Sharing depends on trust: with a new
//! hospital or new staff, collaboration is uneven.

use super::builder::{Builder, NoteOn, scope, ymd};
use crate::model::{
    BodyKind, CaseStatus, Confidentiality, DeclinedBy, EventKind, GoalKind, NeedArea, PeerKind,
    Period, ReferralCategory, ReferralStatus as RS, Role, Sector,
};

pub(super) fn add(b: &mut Builder) {
    let region = "沖縄県";
    let (gov, med, pf) = (Sector::Government, Sector::Medical, Sector::PatientFamily);

    let assoc = b.body(
        "沖縄県脊髄損傷者協会",
        "オキナワケン セキズイソンショウシャキョウカイ",
        pf,
        BodyKind::PatientAssociation,
        region,
    );
    b.note(
        assoc,
        "A standing peer-support coordinator dispatches peer supporters for outreach to \
         inpatients, on request from medical staff, the client or the family — and only with the \
         client's consent to the intervention.",
    );
    b.cadence(assoc, "hospital outreach visits", 4, 10, Period::Month);
    let rehab = b.body(
        "沖縄中部リハビリテーション病院",
        "オキナワチュウブ リハビリテーションビョウイン",
        med,
        BodyKind::Hospital,
        region,
    );
    b.note(
        rehab,
        "Long-standing partner hospital (fictional name, demo data).",
    );
    let new_hosp = b.body(
        "那覇新都心みらい病院",
        "ナハシントシン ミライビョウイン",
        med,
        BodyKind::Hospital,
        region,
    );
    b.note(
        new_hosp,
        "New hospital (fictional name, demo data): collaboration still uneven; shares nothing of \
         the medical programme yet.",
    );
    let phc = b.body(
        "沖縄県 中部保健所",
        "オキナワケン チュウブホケンジョ",
        gov,
        BodyKind::PublicHealthCentre,
        region,
    );
    let city = b.body(
        "那覇市 障がい福祉課",
        "ナハシ ショウガイフクシカ",
        gov,
        BodyKind::MunicipalSection,
        region,
    );

    let higa = b.peer(
        "比嘉 勇",
        "ヒガ イサム",
        PeerKind::PeerStaff,
        "Whole island; at the association's office daily, hospital visits by arrangement",
        "Standing peer-support coordinator: takes requests, checks consent, matches and \
         dispatches peer supporters; wheelchair user for 20 years",
    );
    b.add_role(higa, Role::Coordinator);
    b.affiliate(
        higa,
        assoc,
        "常駐ピアサポートコーディネーター",
        ymd(2017, 4, 1),
        None,
    );
    let kinjo = b.peer(
        "金城 翔太",
        "キンジョウ ショウタ",
        PeerKind::Volunteer,
        "Naha and central Okinawa; weekday afternoons",
        "Cervical injury at 19; talks about returning to school and driving",
    );
    b.affiliate(kinjo, assoc, "ピアサポーター", ymd(2019, 6, 1), None);
    let miyagi = b.peer(
        "宮城 さやか",
        "ミヤギ サヤカ",
        PeerKind::ProVolunteer,
        "Central Okinawa; first visits and family sessions",
        "Trained peer supporter; thoracic injury; family and home-life topics",
    );
    b.affiliate(miyagi, assoc, "ピアサポーター", ymd(2018, 4, 1), None);
    let tamaki = b.person("玉城 恵美", "タマキ エミ", &[Role::MedicalSocialWorker]);
    b.affiliate(
        tamaki,
        rehab,
        "医療ソーシャルワーカー",
        ymd(2014, 4, 1),
        None,
    );
    let oshiro = b.person("大城 拓也", "オオシロ タクヤ", &[Role::MedicalSocialWorker]);
    b.affiliate(oshiro, new_hosp, "医療ソーシャルワーカー", b.ago(200), None);
    let uehara = b.person("上原 美香", "ウエハラ ミカ", &[Role::PublicHealthNurse]);
    b.affiliate(uehara, phc, "保健師", ymd(2016, 4, 1), None);
    let client = b.person("島袋 健（仮名）", "シマブクロ ケン", &[Role::Client]);
    let mother = b.person(
        "島袋 由美子（仮名）",
        "シマブクロ ユミコ",
        &[Role::FamilyMember],
    );
    let client2 = b.person("仲宗根 亮（仮名）", "ナカソネ リョウ", &[Role::Client]);

    let by = "比嘉 勇";
    // --- case 1: requests from medical staff and from the family -------------
    let case = b.case(
        "沖縄 頸髄損傷 入院中のピア訪問（島袋さん）",
        "オキナワ ケイズイソンショウ ニュウインチュウノ ピアホウモン（シマブクロサン）",
        Some(client),
        Some(higa),
        "頸髄損傷 (cervical spinal cord injury)",
        b.ago(262),
        by,
    );
    b.status(case, CaseStatus::Active, b.ago(255), by);
    b.party(case, assoc, pf, "ピア訪問の派遣調整", b.ago(262), None);
    b.party(
        case,
        miyagi,
        pf,
        "初回訪問（金城さんへ引き継ぎ）",
        b.ago(255),
        Some(b.ago(200)),
    );
    b.party(case, kinjo, pf, "ピア訪問（入院中）", b.ago(200), None);
    b.party(case, mother, pf, "家族", b.ago(262), None);
    b.party(case, tamaki, med, "退院支援 (MSW)", b.ago(262), None);
    b.party(case, rehab, med, "入院先", b.ago(270), None);
    b.party(
        case,
        uehara,
        gov,
        "退院後の地域生活（保健所保健師）",
        b.ago(90),
        None,
    );
    b.party(case, city, gov, "障害福祉サービスの申請", b.ago(60), None);
    b.need(
        case,
        b.ago(262),
        NeedArea::Peer,
        "Withdrawn after the injury; ward staff think meeting someone who lives with a similar \
         injury would help.",
    );
    b.need(
        case,
        b.ago(60),
        NeedArea::Community,
        "Life in a wheelchair at home after discharge: housing, carers, transport.",
    );
    b.goal(
        case,
        GoalKind::Clinical,
        "Complete inpatient rehabilitation",
        b.ago(255),
    );
    b.goal(
        case,
        GoalKind::Personal,
        "Go home to his family",
        b.ago(255),
    );
    b.goal(
        case,
        GoalKind::Social,
        "Back to his friends and, in time, to work",
        b.ago(60),
    );
    let consent = b.consent(
        client,
        case,
        &[assoc, higa, miyagi, kinjo],
        scope(
            true,
            true,
            &[
                "入院病棟・面会時間 (ward and visiting hours)",
                "リハビリの進み具合 (rehabilitation progress)",
            ],
        ),
        b.ago(258),
        "Explained by the coordinator at the bedside with the ward nurse present; signed form.",
    );
    // Expires within 30 days: the dashboard should ask for renewal.
    b.expires(consent, b.ahead(20));
    let r = b.referral(
        case,
        tamaki,
        assoc,
        ReferralCategory::Peer,
        "Request from medical staff: peer visit for a withdrawn inpatient",
        &[
            (RS::Proposed, b.ago(262), "玉城 恵美", ""),
            (RS::Sent, b.ago(261), "玉城 恵美", ""),
            (
                RS::Accepted,
                b.ago(258),
                by,
                "Accepted once the client consented to the visit",
            ),
            (RS::Completed, b.ago(180), by, ""),
        ],
    );
    b.outcome(r, "Six visits; he now asks for the visits himself.");
    let r = b.referral(
        case,
        mother,
        assoc,
        ReferralCategory::Peer,
        "Request from the family: a peer supporter to talk about life at home in a wheelchair",
        &[
            (RS::Proposed, b.ago(60), "島袋 由美子", ""),
            (RS::Sent, b.ago(58), by, ""),
            (RS::Accepted, b.ago(55), by, ""),
        ],
    );
    b.follow_up(r, b.ahead(10));
    let r = b.referral(
        case,
        kinjo,
        uehara,
        ReferralCategory::Community,
        "Discharge to home: the public health centre's nurse for life in the community",
        &[
            (RS::Proposed, b.ago(92), "金城 翔太", ""),
            (RS::Sent, b.ago(91), by, ""),
            (RS::Accepted, b.ago(90), "上原 美香", ""),
            (RS::Completed, b.ago(45), "上原 美香", ""),
        ],
    );
    b.outcome(r, "Home visit before discharge; care services applied for.");
    for (k, d) in [250, 235, 220, 205, 190, 180].into_iter().enumerate() {
        let who = if k < 2 { miyagi } else { kinjo };
        let e = b.event(
            b.ago(d),
            EventKind::Consultation,
            &format!("入院中のピア訪問 第{}回", k + 1),
            &[assoc, who, rehab],
        );
        b.for_case(e, case);
    }

    // --- case 2: the new hospital -------------------------------------------
    let case2 = b.case(
        "沖縄 脊髄損傷 新しい病院への入院患者訪問（仲宗根さん）",
        "オキナワ セキズイソンショウ アタラシイ ビョウインヘノ ニュウインカンジャホウモン（ナカソネサン）",
        Some(client2),
        Some(higa),
        "胸髄損傷 (thoracic spinal cord injury)",
        b.ago(90),
        by,
    );
    b.status(case2, CaseStatus::Active, b.ago(29), by);
    b.party(case2, assoc, pf, "ピア訪問の派遣調整", b.ago(90), None);
    b.party(
        case2,
        higa,
        pf,
        "コーディネーター（電話相談）",
        b.ago(30),
        None,
    );
    b.party(case2, new_hosp, med, "入院先", b.ago(95), None);
    b.party(case2, oshiro, med, "MSW（新任）", b.ago(90), None);
    b.party(case2, city, gov, "障害福祉サービスの申請", b.ago(20), None);
    b.need(
        case2,
        b.ago(30),
        NeedArea::Peer,
        "Asked himself, by phone, to meet a peer supporter.",
    );
    b.referral(
        case2,
        oshiro,
        assoc,
        ReferralCategory::Peer,
        "Request from medical staff (new MSW): peer visit",
        &[
            (RS::Proposed, b.ago(90), "大城 拓也", ""),
            (
                RS::Cancelled,
                b.ago(85),
                by,
                "The client did not consent to the intervention; no visit was made",
            ),
        ],
    );
    b.referral(
        case2,
        client2,
        assoc,
        ReferralCategory::Peer,
        "Request from the client himself: a peer visit",
        &[
            (RS::Proposed, b.ago(30), "仲宗根 亮", ""),
            (RS::Sent, b.ago(29), by, ""),
            (
                RS::Accepted,
                b.ago(29),
                by,
                "Consent to the intervention given",
            ),
        ],
    );
    let r = b.referral(
        case2,
        assoc,
        new_hosp,
        ReferralCategory::Medical,
        "Ask the ward to allow peer visits and share the rehabilitation plan",
        &[
            (RS::Proposed, b.ago(28), by, ""),
            (RS::Sent, b.ago(27), by, ""),
            (RS::Declined, b.ago(20), by, ""),
        ],
    );
    b.declined(
        r,
        DeclinedBy::Receiver,
        "The ward does not yet allow outside peer visitors or share the rehabilitation plan; the \
         hospital asks for a written agreement first.",
    );
    b.consent(
        client2,
        case2,
        &[assoc, higa],
        scope(true, false, &[]),
        b.ago(29),
        "Verbally by phone, confirmed in writing at the first visit; covers the visit only, no \
         information sharing.",
    );
    let e = b.event(
        b.ago(15),
        EventKind::Consultation,
        "外来での初回ピア面談（仲宗根さん）",
        &[assoc, higa, client2],
    );
    b.for_case(e, case2);
    b.note(
        e,
        "Met in the outpatient lobby while ward visits are not allowed.",
    );

    // --- trust: a long-standing partner, and an uneven new one -----------------
    let rel_rehab = b.relationship(
        assoc,
        rehab,
        None,
        &[
            (ymd(2017, 4, 1), 3, by),
            (ymd(2019, 6, 1), 4, by),
            (ymd(2022, 4, 1), 5, by),
        ],
    );
    let rel_new = b.relationship(
        assoc,
        new_hosp,
        None,
        &[(b.ago(200), 1, by), (b.ago(60), 2, by), (b.ago(20), 1, by)],
    );
    let rel_mswnew = b.relationship(
        higa,
        oshiro,
        Some(case2),
        &[(b.ago(90), 1, by), (b.ago(28), 2, by)],
    );
    b.trust_note(
        NoteOn {
            relationship: Some(rel_rehab),
            about: Some(rehab),
            ..Default::default()
        },
        by,
        ymd(2022, 4, 1),
        Confidentiality::Shared,
        "With the client's consent the hospital shares the rehabilitation plan with the \
         coordinator before each visit.",
    );
    let n = b.trust_note(
        NoteOn {
            case: Some(case2),
            relationship: Some(rel_new),
            about: Some(new_hosp),
        },
        by,
        b.ago(20),
        Confidentiality::Team,
        "New hospital declined ward visits and will not share the medical programme without a \
         written agreement. Share nothing medical with them until then.",
    );
    b.trust_change(n, 1);
    b.trust_note(
        NoteOn {
            case: Some(case2),
            relationship: Some(rel_mswnew),
            about: Some(oshiro),
        },
        by,
        b.ago(28),
        Confidentiality::Private,
        "My impression: 大城さん is new in post and willing but cautious; the head nurse decides. \
         Try again after the hospital's liaison meeting.",
    );
    let e = b.event(
        b.ago(60),
        EventKind::Meeting,
        "那覇新都心みらい病院 地域連携室との顔合わせ",
        &[assoc, higa, new_hosp, oshiro],
    );
    b.note(e, "First meeting with the new hospital's liaison office.");
}
