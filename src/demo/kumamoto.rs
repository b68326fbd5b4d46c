//! Scenario 1 — Kumamoto's triad: the prefecture plans and funds, the cancer
//! liaison support centre runs consultation, trainings and a peer chat room
//! open 17 days a month, a working group of cancer specialist counsellors
//! (four meetings a year, three sub-groups) supports it, and the cancer salon
//! network groups 30 salons (November 2022) with a monthly board meeting that
//! government and medical staff attend.

use chrono::{Datelike, Months};

use super::builder::{Builder, NoteOn, scope, ymd};
use crate::model::{
    BodyKind, CaseStatus, Confidentiality, EventKind, GoalKind, NeedArea, PeerKind, Period,
    ReferralCategory, ReferralStatus as RS, Role, Sector,
};

/// The 30 salons of the network (fictional names, real municipalities).
const SALONS: [(&str, &str); 30] = [
    ("熊本市中央区", "クマモトシ チュウオウク"),
    ("熊本市東区", "クマモトシ ヒガシク"),
    ("熊本市西区", "クマモトシ ニシク"),
    ("熊本市南区", "クマモトシ ミナミク"),
    ("熊本市北区", "クマモトシ キタク"),
    ("八代", "ヤツシロ"),
    ("人吉", "ヒトヨシ"),
    ("荒尾", "アラオ"),
    ("水俣", "ミナマタ"),
    ("玉名", "タマナ"),
    ("山鹿", "ヤマガ"),
    ("菊池", "キクチ"),
    ("宇土", "ウト"),
    ("上天草", "カミアマクサ"),
    ("宇城", "ウキ"),
    ("阿蘇", "アソ"),
    ("天草", "アマクサ"),
    ("合志", "コウシ"),
    ("大津", "オオヅ"),
    ("菊陽", "キクヨウ"),
    ("南小国", "ミナミオグニ"),
    ("高森", "タカモリ"),
    ("御船", "ミフネ"),
    ("嘉島", "カシマ"),
    ("益城", "マシキ"),
    ("甲佐", "コウサ"),
    ("山都", "ヤマト"),
    ("氷川", "ヒカワ"),
    ("芦北", "アシキタ"),
    ("多良木", "タラギ"),
];

pub(super) fn add(b: &mut Builder) {
    let region = "熊本県";
    let (gov, med, pf) = (Sector::Government, Sector::Medical, Sector::PatientFamily);

    // --- the bodies of the triad ---------------------------------------
    let division = b.body(
        "熊本県 健康福祉部 健康づくり推進課",
        "クマモトケン ケンコウフクシブ ケンコウヅクリスイシンカ",
        gov,
        BodyKind::PrefecturalDivision,
        region,
    );
    b.note(
        division,
        "Prefectural health-promotion division: plans and funds the cancer peer-support programme.",
    );
    let liaison = b.body(
        "熊本県がん診療連携支援センター",
        "クマモトケン ガンシンリョウレンケイシエンセンター",
        gov,
        BodyKind::LiaisonSupportCentre,
        region,
    );
    b.note(
        liaison,
        "Prefectural cancer liaison support centre: runs the cancer consultation support centre, \
         peer supporter trainings and the peer chat room.",
    );
    let consult = b.child(
        liaison,
        "熊本県がん相談支援センター",
        "クマモトケン ガンソウダンシエンセンター",
        gov,
        BodyKind::ConsultationSupportCentre,
    );
    b.note(
        consult,
        "Cancer consultation support centre run by the liaison support centre.",
    );
    let chat = b.child(
        liaison,
        "がんピアチャットルーム",
        "ガンピアチャットルーム",
        pf,
        BodyKind::Other,
    );
    b.cadence(chat, "open days (開室日)", 17, 17, Period::Month);
    b.note(
        chat,
        "Peer chat room run by the liaison support centre and staffed by trained cancer peer \
         supporters; open 17 days a month.",
    );
    let council = b.body(
        "熊本県がん診療連携協議会",
        "クマモトケン ガンシンリョウレンケイキョウギカイ",
        med,
        BodyKind::Council,
        region,
    );
    b.note(
        council,
        "Prefectural cancer care liaison council of the designated cancer hospitals.",
    );
    let wg = b.child(
        council,
        "がん専門相談員ワーキンググループ",
        "ガンセンモンソウダンイン ワーキンググループ",
        med,
        BodyKind::WorkingGroup,
    );
    b.cadence(wg, "working group meetings", 4, 4, Period::Year);
    b.note(
        wg,
        "Working group of cancer specialist counsellors under the council; supports the liaison \
         support centre. Meets four times a year; three sub-groups: training, publicity, liaison.",
    );
    let mut subgroups = vec![];
    for (name, reading, what) in [
        (
            "がん専門相談員WG 研修部会",
            "ガンセンモンソウダンイン ダブリュージー ケンシュウブカイ",
            "Sub-group: training",
        ),
        (
            "がん専門相談員WG 広報部会",
            "ガンセンモンソウダンイン ダブリュージー コウホウブカイ",
            "Sub-group: publicity",
        ),
        (
            "がん専門相談員WG 連携部会",
            "ガンセンモンソウダンイン ダブリュージー レンケイブカイ",
            "Sub-group: liaison",
        ),
    ] {
        let s = b.child(wg, name, reading, med, BodyKind::WorkingGroup);
        b.note(s, what);
        subgroups.push(s);
    }
    let network = b.body(
        "熊本県がんサロンネットワーク",
        "クマモトケン ガンサロンネットワーク",
        pf,
        BodyKind::SalonNetwork,
        region,
    );
    b.cadence(
        network,
        "board meeting (理事会), attended by government and medical staff",
        1,
        1,
        Period::Month,
    );
    b.note(
        network,
        "Groups 30 cancer salons (as of November 2022). Holds a monthly board meeting that \
         government and medical staff attend.",
    );
    let mut salons = vec![];
    for (place, reading) in SALONS {
        let s = b.child(
            network,
            &format!("{place} がんサロン"),
            &format!("{reading} ガンサロン"),
            pf,
            BodyKind::CancerSalon,
        );
        salons.push(s);
    }
    let hospital = b.body(
        "くまもと白川総合病院",
        "クマモトシラカワソウゴウビョウイン",
        med,
        BodyKind::Hospital,
        region,
    );
    b.note(
        hospital,
        "Designated cancer hospital (fictional name, demo data).",
    );
    let hosp_consult = b.child(
        hospital,
        "くまもと白川総合病院 がん相談支援センター",
        "クマモトシラカワソウゴウビョウイン ガンソウダンシエンセンター",
        med,
        BodyKind::ConsultationSupportCentre,
    );
    let hellowork = b.body(
        "ハローワーク熊本",
        "ハローワーククマモト",
        gov,
        BodyKind::EmploymentSupport,
        region,
    );

    // --- people ----------------------------------------------------------
    let official = b.person("中村 浩二", "ナカムラ コウジ", &[Role::Official]);
    b.affiliate(
        official,
        division,
        "がん対策担当 主幹",
        ymd(2019, 4, 1),
        None,
    );
    let coord = b.person(
        "坂本 真理",
        "サカモト マリ",
        &[Role::Coordinator, Role::Counsellor],
    );
    b.affiliate(coord, liaison, "がん専門相談員", ymd(2015, 4, 1), None);
    let chair = b.person(
        "松本 恵",
        "マツモト メグミ",
        &[Role::MedicalSocialWorker, Role::Counsellor],
    );
    b.affiliate(
        chair,
        hosp_consult,
        "がん専門相談員（MSW）",
        ymd(2012, 4, 1),
        None,
    );
    b.affiliate(chair, wg, "座長", ymd(2020, 4, 1), None);
    let rep = b.peer(
        "上田 正子",
        "ウエダ マサコ",
        PeerKind::Volunteer,
        "Salon network board; salon in 熊本市中央区 twice a month",
        "Salon facilitation, network administration, own experience of breast cancer",
    );
    b.add_role(rep, Role::Coordinator);
    b.affiliate(rep, network, "代表理事", ymd(2016, 4, 1), None);
    let nishimura = b.peer(
        "西村 典子",
        "ニシムラ ノリコ",
        PeerKind::ProVolunteer,
        "八代 salon monthly; peer chat room two days a month",
        "Prefecture-trained cancer peer supporter; return-to-work experience",
    );
    b.affiliate(nishimura, salons[5], "サロン世話人", ymd(2018, 6, 1), None);
    b.affiliate(nishimura, chat, "ピアサポーター", ymd(2019, 4, 1), None);
    let iwasaki = b.peer(
        "岩崎 由美",
        "イワサキ ユミ",
        PeerKind::Volunteer,
        "Peer chat room, evenings",
        "Listening; own experience of breast cancer",
    );
    let iwasaki_until = b.ago(310);
    b.affiliate(
        iwasaki,
        chat,
        "ピアサポーター",
        ymd(2020, 4, 1),
        Some(iwasaki_until),
    );
    let client = b.person("森田 さとみ（仮名）", "モリタ サトミ", &[Role::Client]);
    let surgeon = b.person("田中 修", "タナカ オサム", &[Role::Physician]);
    b.affiliate(surgeon, hospital, "乳腺外科 医長", ymd(2010, 4, 1), None);
    let navigator = b.person("吉田 健", "ヨシダ ケン", &[Role::EmploymentSupporter]);
    b.affiliate(
        navigator,
        hellowork,
        "就職支援ナビゲーター（がん患者等の就職支援）",
        ymd(2020, 4, 1),
        None,
    );

    // --- partnerships and the timeline ------------------------------------
    let triad = b.partnership(
        "熊本県 がんピアサポート推進体制",
        &[division, liaison, wg, network],
        ymd(2016, 4, 1),
        None,
        "The prefecture plans and funds; the liaison support centre runs consultation, trainings \
         and the peer chat room; the counsellors' working group supports it; the salon network \
         brings the salons. (Start date illustrative.)",
    );
    let chat_staff = b.partnership(
        "ピアチャットルームの運営",
        &[liaison, network],
        ymd(2019, 4, 1),
        None,
        "Salon-network peer supporters staff the peer chat room, open 17 days a month. (Start \
         date illustrative.)",
    );
    b.cadence(
        chat_staff,
        "peer chat room open days",
        17,
        17,
        Period::Month,
    );
    let m = b.event(
        ymd(2022, 11, 30),
        EventKind::Milestone,
        "がんサロンネットワーク 加盟30サロン（2022年11月現在）",
        &[network],
    );
    b.note(m, "The network groups 30 salons as of November 2022.");
    b.in_partnership(m, triad);
    // Peer supporter trainings of the liaison centre (dates illustrative).
    let year = b.today.year();
    for y in [year - 2, year - 1] {
        let e = b.event(
            ymd(y, 9, 14),
            EventKind::Training,
            &format!("がんピアサポーター養成研修 {y}"),
            &[liaison, network, division],
        );
        b.in_partnership(e, triad);
        b.note(e, "Run by the cancer liaison support centre.");
    }
    // The working group meets four times a year (the last two fiscal years).
    for fy in [year - 2, year - 1] {
        for (i, (y, mo)) in [(fy, 5), (fy, 8), (fy, 11), (fy + 1, 2)]
            .into_iter()
            .enumerate()
        {
            let e = b.event(
                ymd(y, mo, 20),
                EventKind::Meeting,
                &format!("がん専門相談員WG 定例会 {fy}年度 第{}回", i + 1),
                &[wg, subgroups[0], subgroups[1], subgroups[2]],
            );
            b.in_partnership(e, triad);
        }
    }
    // The network's monthly board meeting: the last six and the next one.
    let next = b.ahead(7);
    for k in (0..=6u32).rev() {
        let day = next - Months::new(k);
        let e = b.event(
            day,
            EventKind::BoardMeeting,
            &format!(
                "がんサロンネットワーク 理事会 {}年{}月",
                day.year(),
                day.month()
            ),
            &[network, division, liaison, hosp_consult],
        );
        b.in_partnership(e, triad);
        if k > 0 {
            b.attendance(e, 8 + k % 3, 2, 1 + k % 2);
            b.note(
                e,
                "Monthly board meeting; staff of the prefecture and of the hospital's \
                 consultation centre attend.",
            );
        } else {
            b.note(e, "Next monthly board meeting (planned).");
        }
    }

    // --- a fictional case with a full triad -------------------------------
    let case = b.case(
        "熊本 乳がん 治療と仕事の両立（森田さん）",
        "クマモト ニュウガン チリョウト シゴトノ リョウリツ（モリタサン）",
        Some(client),
        Some(coord),
        "乳がん (breast cancer)",
        b.ago(400),
        "坂本 真理",
    );
    let by = "坂本 真理";
    b.status(case, CaseStatus::Active, b.ago(385), by);
    b.party(
        case,
        iwasaki,
        pf,
        "最初のピア相談（チャットルーム）",
        b.ago(400),
        Some(iwasaki_until),
    );
    b.party(case, consult, gov, "県の相談窓口", b.ago(400), None);
    b.party(case, surgeon, med, "主治医", b.ago(420), None);
    b.party(
        case,
        hosp_consult,
        med,
        "がん相談支援（治療と就労の両立）",
        b.ago(385),
        None,
    );
    b.party(
        case,
        nishimura,
        pf,
        "ピアサポーター（サロンでの継続支援）",
        b.ago(330),
        None,
    );
    b.party(case, navigator, gov, "就労支援", b.ago(200), None);
    b.need(
        case,
        b.ago(400),
        NeedArea::Medical,
        "Side effects of chemotherapy; wants to understand the treatment schedule.",
    );
    b.need(
        case,
        b.ago(250),
        NeedArea::Work,
        "Return to part-time work; worried about telling her manager.",
    );
    b.need(
        case,
        b.ago(100),
        NeedArea::Peer,
        "Wants to meet others who went back to work during treatment.",
    );
    b.goal(
        case,
        GoalKind::Clinical,
        "Complete adjuvant therapy",
        b.ago(385),
    );
    b.goal(
        case,
        GoalKind::Personal,
        "Keep her job with adjusted hours",
        b.ago(250),
    );
    b.goal(
        case,
        GoalKind::Social,
        "Join the 八代 salon regularly",
        b.ago(100),
    );
    let r = b.referral(
        case,
        iwasaki,
        hosp_consult,
        ReferralCategory::Medical,
        "Questions about side effects and the treatment schedule: to the hospital's consultation centre and nurses",
        &[
            (RS::Proposed, b.ago(398), "岩崎 由美", ""),
            (RS::Sent, b.ago(396), "坂本 真理", ""),
            (RS::Accepted, b.ago(392), "松本 恵", ""),
            (
                RS::Completed,
                b.ago(370),
                "松本 恵",
                "Met her with the attending nurse",
            ),
        ],
    );
    b.outcome(
        r,
        "Treatment schedule explained; side-effect clinic booked.",
    );
    let r = b.referral(
        case,
        nishimura,
        navigator,
        ReferralCategory::Work,
        "Return-to-work consultation with Hello Work's navigator for cancer patients",
        &[
            (RS::Proposed, b.ago(210), "西村 典子", ""),
            (RS::Sent, b.ago(205), "坂本 真理", ""),
            (RS::Accepted, b.ago(200), "吉田 健", ""),
        ],
    );
    b.follow_up(r, b.ahead(10));
    let rel = b.relationship(
        nishimura,
        hosp_consult,
        Some(case),
        &[(b.ago(390), 3, "坂本 真理"), (b.ago(360), 4, "坂本 真理")],
    );
    b.consent(
        client,
        case,
        &[hosp_consult, nishimura, navigator],
        scope(
            false,
            true,
            &[
                "治療スケジュール (treatment schedule)",
                "就労状況 (work situation)",
            ],
        ),
        b.ago(390),
        "In writing, at the consultation centre",
    );
    // The consent above has no expiry date: it holds until withdrawn.
    b.trust_note(
        NoteOn {
            case: Some(case),
            ..Default::default()
        },
        "坂本 真理",
        b.ago(390),
        Confidentiality::Shared,
        "Client agreed that the salon and the hospital's consultation centre may talk about her \
         work schedule.",
    );
    let n = b.trust_note(
        NoteOn {
            case: Some(case),
            relationship: Some(rel),
            about: Some(hosp_consult),
        },
        "坂本 真理",
        b.ago(360),
        Confidentiality::Team,
        "The hospital's MSW now calls 西村さん directly before clinic days: trust has grown.",
    );
    b.trust_change(n, 4);
    let e = b.event(
        b.ago(150),
        EventKind::Salon,
        "八代 がんサロン 定例会（就労をテーマに）",
        &[salons[5], nishimura, hosp_consult],
    );
    b.for_case(e, case);
    b.attendance(e, 11, 1, 0);
    b.note(e, "The hospital's MSW came as a guest.");
}
