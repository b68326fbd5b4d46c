//! Scenario 3 — Gunma's peer support programme: a two-year course (basic then
//! applied, 8 to 11 sessions a year, a certificate each year; five trainees in
//! the 2023 intake, May 2023 to December 2024), 61 technical-training
//! sessions for patient counsellors 2006–2014 with the prefecture's council of
//! intractable-disease groups, a voluntary liaison group of trained peer
//! supporters, and referrals along the usual routes.

use super::builder::{Builder, NoteOn, scope, ymd};
use crate::model::{
    BodyKind, CaseStatus, Confidentiality, DeclinedBy, EventKind, GoalKind, NeedArea, PeerKind,
    Period, ReferralCategory, ReferralStatus as RS, Role, Sector,
};

/// Technical-training sessions per year, 2006–2014: 61 in all.
const TECHNICAL_PER_YEAR: [(i32, u32); 9] = [
    (2006, 7),
    (2007, 7),
    (2008, 7),
    (2009, 7),
    (2010, 7),
    (2011, 7),
    (2012, 7),
    (2013, 6),
    (2014, 6),
];

/// The 2023 intake's sessions: basic year (9), then applied year (10).
const BASIC_2023: [(u32, u32); 9] = [
    (5, 13),
    (6, 10),
    (7, 8),
    (8, 19),
    (9, 9),
    (9, 30),
    (10, 14),
    (11, 11),
    (12, 16),
];
const APPLIED_2024: [(u32, u32); 10] = [
    (1, 20),
    (2, 17),
    (3, 16),
    (4, 20),
    (5, 18),
    (6, 15),
    (7, 20),
    (9, 21),
    (10, 19),
    (12, 14),
];

pub(super) fn add(b: &mut Builder) {
    let region = "群馬県";
    let (gov, med, pf) = (Sector::Government, Sector::Medical, Sector::PatientFamily);

    let division = b.body(
        "群馬県 健康福祉部 保健予防課",
        "グンマケン ケンコウフクシブ ホケンヨボウカ",
        gov,
        BodyKind::PrefecturalDivision,
        region,
    );
    let centre = b.body(
        "群馬県難病相談支援センター",
        "グンマケン ナンビョウソウダンシエンセンター",
        gov,
        BodyKind::IntractableDiseaseSupportCentre,
        region,
    );
    b.cadence(
        centre,
        "peer supporter training course sessions (basic year, then applied year)",
        8,
        11,
        Period::Year,
    );
    b.note(
        centre,
        "Trains peer supporters in a two-year course (basic, then applied; 8 to 11 sessions a \
         year; a certificate each year), ran technical trainings for patient counsellors \
         2006–2014 with the prefecture's council of intractable-disease groups, and supports the \
         liaison group of trained peer supporters.",
    );
    let council = b.body(
        "群馬県難病団体連絡協議会",
        "グンマケン ナンビョウダンタイ レンラクキョウギカイ",
        pf,
        BodyKind::Council,
        region,
    );
    b.note(
        council,
        "The prefecture's council of intractable-disease patient groups.",
    );
    let liaison = b.body(
        "ぐんま難病ピアサポーター連絡会",
        "グンマ ナンビョウピアサポーター レンラクカイ",
        pf,
        BodyKind::PeerSupporterGroup,
        region,
    );
    b.note(
        liaison,
        "Liaison group of peer supporters trained by the centre. Membership is voluntary: \
         trained peer supporters join if they wish.",
    );
    let hospital = b.body(
        "ぐんま赤城総合病院",
        "グンマ アカギソウゴウビョウイン",
        med,
        BodyKind::Hospital,
        region,
    );
    b.note(hospital, "Fictional hospital (demo data).");
    let hellowork = b.body(
        "ハローワーク前橋",
        "ハローワークマエバシ",
        gov,
        BodyKind::EmploymentSupport,
        region,
    );
    let vocational = b.body(
        "群馬障害者職業センター",
        "グンマ ショウガイシャショクギョウセンター",
        gov,
        BodyKind::EmploymentSupport,
        region,
    );
    let phc = b.body(
        "前橋市保健所",
        "マエバシシホケンジョ",
        gov,
        BodyKind::PublicHealthCentre,
        region,
    );
    let soudan = b.body(
        "前橋市 障害者相談支援センター",
        "マエバシシ ショウガイシャソウダンシエンセンター",
        gov,
        BodyKind::ConsultationSupportCentre,
        region,
    );
    b.note(soudan, "Commissioned by the city (demo data).");

    b.partnership(
        "群馬県 難病相談支援センター事業",
        &[division, centre],
        ymd(2006, 4, 1),
        None,
        "The prefecture funds the centre's consultation and training programmes. (Start date \
         illustrative.)",
    );

    // --- technical trainings 2006–2014 with the council ------------------------
    let first = ymd(2006, 6, 10);
    let last = ymd(2014, 12, 13);
    let technical = b.partnership(
        "患者相談員 技術研修（群馬県難病団体連絡協議会と共催）",
        &[centre, council],
        first,
        Some(last),
        "Technical trainings for patient counsellors, 2006–2014: 61 sessions, run with the \
         prefecture's council of intractable-disease groups. (Session dates illustrative.)",
    );
    let mut n = 0;
    for (year, count) in TECHNICAL_PER_YEAR {
        for i in 0..count {
            n += 1;
            // Spread the year's sessions from June to December.
            let day = if n == 1 {
                first
            } else if n == 61 {
                last
            } else {
                ymd(year, 6 + i.min(6), 10 + (i % 3) * 5)
            };
            let e = b.event(
                day,
                EventKind::Training,
                &format!("患者相談員 技術研修 第{n}回"),
                &[centre, council],
            );
            b.in_partnership(e, technical);
        }
    }

    // --- people -------------------------------------------------------------
    let coord = b.person(
        "小林 美和",
        "コバヤシ ミワ",
        &[Role::Coordinator, Role::Counsellor],
    );
    b.affiliate(coord, centre, "難病相談支援員", ymd(2008, 4, 1), None);
    let counsellor = b.person("石川 幸子", "イシカワ サチコ", &[Role::Counsellor]);
    b.affiliate(counsellor, council, "患者相談員", ymd(2006, 4, 1), None);
    let kato = b.peer(
        "加藤 和夫",
        "カトウ カズオ",
        PeerKind::Volunteer,
        "前橋・高崎; meets clients at the centre or by phone, weekdays",
        "Parkinson's disease for 15 years; certified 2018 (basic) and 2019 (applied)",
    );
    b.affiliate(kato, liaison, "代表", ymd(2019, 4, 1), None);
    let intake_from = ymd(2023, 5, 13);
    let intake_until = ymd(2024, 12, 14);
    let trainees = [
        (
            "高橋 直子",
            "タカハシ ナオコ",
            "全身性エリテマトーデス (SLE)",
            "前橋; the centre's consultation days, twice a month",
        ),
        (
            "斎藤 隆",
            "サイトウ タカシ",
            "パーキンソン病",
            "高崎; phone consultation, weekday mornings",
        ),
        (
            "井上 明美",
            "イノウエ アケミ",
            "潰瘍性大腸炎",
            "伊勢崎 and 太田; patient group meetings",
        ),
        (
            "清水 洋平",
            "シミズ ヨウヘイ",
            "重症筋無力症",
            "桐生; online only, evenings",
        ),
        (
            "山口 順子",
            "ヤマグチ ジュンコ",
            "多発性硬化症",
            "渋川; hospital visits with the centre's staff",
        ),
    ];
    let mut cohort = vec![];
    for (i, (name, reading, condition, range)) in trainees.into_iter().enumerate() {
        let p = b.peer(
            name,
            reading,
            PeerKind::Volunteer,
            range,
            &format!(
                "Own experience of {condition}; basic certificate 2023, applied certificate 2024"
            ),
        );
        b.affiliate(
            p,
            centre,
            "ピアサポーター養成講座 2023年度生",
            intake_from,
            Some(intake_until),
        );
        // Joining the liaison group is voluntary: three of the five did.
        if i < 3 {
            b.affiliate(p, liaison, "会員（任意加入）", ymd(2025, 1, 18), None);
        }
        cohort.push(p);
    }
    let physician = b.person("森 大輔", "モリ ダイスケ", &[Role::Physician]);
    b.affiliate(
        physician,
        hospital,
        "脳神経内科 医師",
        ymd(2012, 4, 1),
        None,
    );
    let msw_old = b.person("池田 香織", "イケダ カオリ", &[Role::MedicalSocialWorker]);
    let msw_moved = b.ago(150);
    b.affiliate(
        msw_old,
        hospital,
        "医療ソーシャルワーカー",
        ymd(2015, 4, 1),
        Some(msw_moved),
    );
    let msw = b.person("藤井 葵", "フジイ アオイ", &[Role::MedicalSocialWorker]);
    b.affiliate(msw, hospital, "医療ソーシャルワーカー", b.ago(160), None);
    let supporter = b.person("林 誠", "ハヤシ マコト", &[Role::EmploymentSupporter]);
    b.affiliate(
        supporter,
        hellowork,
        "難病患者就職サポーター",
        ymd(2016, 4, 1),
        None,
    );
    let voc = b.person("山崎 亮", "ヤマザキ リョウ", &[Role::EmploymentSupporter]);
    b.affiliate(
        voc,
        vocational,
        "障害者職業カウンセラー",
        ymd(2014, 4, 1),
        None,
    );
    let phn = b.person("橋本 恵子", "ハシモト ケイコ", &[Role::PublicHealthNurse]);
    b.affiliate(phn, phc, "保健師（難病担当）", ymd(2011, 4, 1), None);
    let specialist = b.person(
        "岡田 智子",
        "オカダ トモコ",
        &[Role::ConsultationSpecialist],
    );
    b.affiliate(specialist, soudan, "相談支援専門員", ymd(2017, 4, 1), None);
    let client = b.person("福田 健一（仮名）", "フクダ ケンイチ", &[Role::Client]);
    let wife = b.person("福田 幸恵（仮名）", "フクダ ユキエ", &[Role::FamilyMember]);

    // --- the 2023 intake: basic 2023, applied 2024, a certificate each year ---
    let mut parties = vec![centre];
    parties.extend(&cohort);
    let intake = b.partnership(
        "ピアサポーター養成講座 2023年度生（5名）",
        &parties,
        intake_from,
        Some(intake_until),
        "Two-year course: basic (2023) then applied (2024), 8 to 11 sessions a year, a \
         certificate each year. Five trainees, May 2023 to December 2024.",
    );
    b.cadence(intake, "course sessions", 8, 11, Period::Year);
    for (i, (m, d)) in BASIC_2023.into_iter().enumerate() {
        let e = b.event(
            ymd(2023, m, d),
            EventKind::Training,
            &format!("ピアサポーター養成講座 基礎編 第{}回", i + 1),
            &parties,
        );
        b.in_partnership(e, intake);
        b.attendance(e, 5, 0, 1);
    }
    let cert = b.event(
        ymd(2023, 12, 16),
        EventKind::Milestone,
        "基礎編 修了証授与（2023年度生 5名）",
        &parties,
    );
    b.in_partnership(cert, intake);
    b.note(cert, "Certificate for the basic year.");
    for (i, (m, d)) in APPLIED_2024.into_iter().enumerate() {
        let e = b.event(
            ymd(2024, m, d),
            EventKind::Training,
            &format!("ピアサポーター養成講座 応用編 第{}回", i + 1),
            &parties,
        );
        b.in_partnership(e, intake);
        b.attendance(e, 5, 0, 1);
    }
    let cert = b.event(
        intake_until,
        EventKind::Milestone,
        "応用編 修了証授与（2023年度生 5名）",
        &parties,
    );
    b.in_partnership(cert, intake);
    b.note(
        cert,
        "Certificate for the applied year; the course is complete.",
    );
    let support = b.partnership(
        "ピアサポーター連絡会の活動支援",
        &[centre, liaison],
        ymd(2019, 4, 1),
        None,
        "The centre supports the voluntary liaison group of trained peer supporters. (Start date \
         illustrative.)",
    );
    b.cadence(support, "liaison group meetings", 4, 6, Period::Year);

    // --- a fictional case, with referrals along the routes ----------------
    let by = "小林 美和";
    let case = b.case(
        "群馬 パーキンソン病 就労継続の相談（福田さん）",
        "グンマ パーキンソンビョウ シュウロウケイゾクノ ソウダン（フクダサン）",
        Some(client),
        Some(coord),
        "パーキンソン病 (Parkinson's disease, 指定難病)",
        b.ago(500),
        by,
    );
    b.status(case, CaseStatus::Active, b.ago(490), by);
    b.party(case, kato, pf, "ピアサポーター", b.ago(500), None);
    b.party(case, wife, pf, "家族", b.ago(200), None);
    b.party(
        case,
        centre,
        gov,
        "難病相談支援センター（調整）",
        b.ago(500),
        None,
    );
    b.party(case, physician, med, "主治医", b.ago(520), None);
    b.party(
        case,
        msw_old,
        med,
        "医療ソーシャルワーカー（異動で終了）",
        b.ago(300),
        Some(msw_moved),
    );
    b.party(case, msw, med, "医療ソーシャルワーカー", b.ago(150), None);
    b.party(
        case,
        supporter,
        gov,
        "難病患者就職サポーター",
        b.ago(35),
        None,
    );
    b.need(
        case,
        b.ago(500),
        NeedArea::Medical,
        "Tremor worse at work in the afternoon; medication timing.",
    );
    b.need(
        case,
        b.ago(300),
        NeedArea::WelfareLife,
        "Renewal of the designated intractable disease medical expense subsidy.",
    );
    b.need(
        case,
        b.ago(200),
        NeedArea::WelfareLife,
        "His wife asks about care at home as symptoms progress.",
    );
    b.need(
        case,
        b.ago(40),
        NeedArea::Work,
        "Wants to keep his job: reasonable accommodation from his employer.",
    );
    b.goal(
        case,
        GoalKind::Clinical,
        "Stable symptoms through the working day",
        b.ago(490),
    );
    b.goal(
        case,
        GoalKind::Personal,
        "Keep working until 60",
        b.ago(490),
    );
    b.goal(
        case,
        GoalKind::Social,
        "Meet other working patients",
        b.ago(200),
    );
    let r = b.referral(
        case,
        kato,
        physician,
        ReferralCategory::Medical,
        "Medical matter: tremor and medication timing, to the attending physician",
        &[
            (RS::Proposed, b.ago(480), "加藤 和夫", ""),
            (RS::Sent, b.ago(478), by, ""),
            (RS::Accepted, b.ago(470), "森 大輔", ""),
            (RS::Completed, b.ago(440), "森 大輔", ""),
        ],
    );
    b.outcome(r, "Medication schedule adjusted.");
    let r = b.referral(
        case,
        kato,
        msw_old,
        ReferralCategory::WelfareLife,
        "Welfare system: renewal of the medical expense subsidy, to the MSW",
        &[
            (RS::Proposed, b.ago(300), "加藤 和夫", ""),
            (RS::Sent, b.ago(298), by, ""),
            (RS::Accepted, b.ago(296), "池田 香織", ""),
            (RS::Completed, b.ago(270), "池田 香織", ""),
        ],
    );
    b.outcome(r, "Subsidy renewed.");
    let r = b.referral(
        case,
        kato,
        phn,
        ReferralCategory::WelfareLife,
        "Unsure where to turn about care at home: to the public health centre's nurse",
        &[
            (RS::Proposed, b.ago(200), "加藤 和夫", ""),
            (RS::Sent, b.ago(198), by, ""),
            (RS::Accepted, b.ago(190), "橋本 恵子", ""),
            (RS::Completed, b.ago(150), "橋本 恵子", "Home visit done"),
        ],
    );
    b.outcome(
        r,
        "Home visit; the couple know where to apply for long-term care when needed.",
    );
    let r = b.referral(
        case,
        kato,
        voc,
        ReferralCategory::Work,
        "Work: job coach support from the vocational centre",
        &[
            (RS::Proposed, b.ago(120), "加藤 和夫", ""),
            (RS::Sent, b.ago(118), by, ""),
            (RS::Declined, b.ago(110), by, ""),
        ],
    );
    b.declined(
        r,
        DeclinedBy::Client,
        "He prefers to try arrangements with his current employer through Hello Work first.",
    );
    let r = b.referral(
        case,
        kato,
        supporter,
        ReferralCategory::Work,
        "Work: Hello Work's intractable-disease employment supporter, to talk with the employer",
        &[
            (RS::Proposed, b.ago(40), "加藤 和夫", ""),
            (RS::Sent, b.ago(35), by, ""),
        ],
    );
    // Overdue: no answer yet from Hello Work.
    b.follow_up(r, b.ago(5));
    let r = b.referral(
        case,
        kato,
        specialist,
        ReferralCategory::Community,
        "Life in the community: a consultation support specialist, if he has to stop work",
        &[(RS::Proposed, b.ago(10), "加藤 和夫", "")],
    );
    b.follow_up(r, b.ahead(14));
    b.referral(
        case,
        kato,
        liaison,
        ReferralCategory::Peer,
        "Introduce him to the liaison group's peer meeting",
        &[
            (RS::Proposed, b.ago(95), "加藤 和夫", ""),
            (
                RS::Cancelled,
                b.ago(80),
                by,
                "Client was admitted for a medication review; will revisit",
            ),
        ],
    );
    let old = b.consent(
        client,
        case,
        &[centre, kato, msw_old],
        scope(
            false,
            true,
            &["診断名 (diagnosis)", "受給者証 (subsidy status)"],
        ),
        b.ago(500),
        "In writing at intake",
    );
    b.expires(old, b.ago(135));
    let renewed = b.consent(
        client,
        case,
        &[centre, kato, supporter, msw],
        scope(
            false,
            true,
            &["診断名 (diagnosis)", "就労上の配慮 (work accommodations)"],
        ),
        b.ago(40),
        "In writing at the centre, renewed with Hello Work added",
    );
    b.expires(renewed, b.ahead(325));
    let rel = b.relationship(
        centre,
        hellowork,
        None,
        &[(ymd(2016, 4, 1), 2, by), (ymd(2019, 10, 1), 3, by)],
    );
    b.trust_note(
        NoteOn {
            case: Some(case),
            relationship: Some(rel),
            about: Some(supporter),
        },
        by,
        b.ago(5),
        Confidentiality::Team,
        "Hello Work has not answered the referral; 林さん is on leave. Call the office directly.",
    );
    b.trust_note(
        NoteOn {
            case: Some(case),
            about: Some(client),
            ..Default::default()
        },
        "加藤 和夫",
        b.ago(80),
        Confidentiality::Private,
        "He told me privately he fears being let go if his employer learns how bad the \
         afternoons are. Do not raise it with the employer without asking him.",
    );
    let e = b.event(
        b.ago(60),
        EventKind::Meeting,
        "ぐんま難病ピアサポーター連絡会 定例会",
        &[liaison, centre, kato, cohort[0], cohort[1], cohort[2]],
    );
    b.in_partnership(e, support);
    b.attendance(e, 9, 0, 1);
}
