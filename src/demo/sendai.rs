//! Scenario 4 — Sendai polio association: talks with Dr. K of the prefectural
//! rehabilitation support centre led to a disability check-up programme there
//! (five years); after Dr. K retired from the centre the partnership went on,
//! with medical and health consultation meetings several times a year; the
//! association also works with the city's disability welfare association.
//!
//! The source gives durations, not dates: the years below are illustrative.

use chrono::Datelike;

use super::builder::{Builder, NoteOn, scope, ymd};
use crate::model::{
    BodyKind, CaseStatus, Confidentiality, EventKind, GoalKind, NeedArea, Period, ReferralCategory,
    ReferralStatus as RS, Role, Sector,
};

pub(super) fn add(b: &mut Builder) {
    let (gov, med, pf) = (Sector::Government, Sector::Medical, Sector::PatientFamily);

    let assoc = b.body(
        "仙台ポリオの会",
        "センダイポリオノカイ",
        pf,
        BodyKind::PatientAssociation,
        "宮城県仙台市",
    );
    b.note(
        assoc,
        "Association of polio survivors in Sendai. Works with Dr. K (formerly of the prefectural \
         rehabilitation support centre) and with the city's disability welfare association.",
    );
    let centre = b.body(
        "宮城県リハビリテーション支援センター",
        "ミヤギケン リハビリテーションシエンセンター",
        med,
        BodyKind::RehabilitationCentre,
        "宮城県",
    );
    b.note(
        centre,
        "Prefectural rehabilitation support centre; hosted the disability check-up programme for \
         five years.",
    );
    let welfare = b.body(
        "仙台市障害者福祉協会",
        "センダイシ ショウガイシャフクシキョウカイ",
        pf,
        BodyKind::WelfareAssociation,
        "宮城県仙台市",
    );
    b.note(welfare, "The city's disability welfare association.");
    let ward = b.body(
        "仙台市 青葉区 保健福祉センター",
        "センダイシ アオバク ホケンフクシセンター",
        gov,
        BodyKind::PublicHealthCentre,
        "宮城県仙台市",
    );

    // --- people --------------------------------------------------------
    let dr_k = b.person("K医師", "ケイイシ", &[Role::Physician]);
    let retired = ymd(2015, 3, 31);
    b.affiliate(
        dr_k,
        centre,
        "医師（リハビリテーション科）",
        ymd(2003, 4, 1),
        Some(retired),
    );
    let chair = b.peer(
        "佐々木 和子",
        "ササキ カズコ",
        crate::model::PeerKind::Volunteer,
        "Sendai city; association office on Wednesdays, phone any day",
        "Polio survivor; organises check-ups and consultation meetings",
    );
    b.add_role(chair, Role::Coordinator);
    b.affiliate(chair, assoc, "会長", ymd(2005, 4, 1), None);
    let pt = b.person("菅原 聡", "スガワラ サトシ", &[Role::Therapist]);
    b.affiliate(pt, centre, "理学療法士 (PT)", ymd(2008, 4, 1), None);
    let phn = b.person("千葉 美穂", "チバ ミホ", &[Role::PublicHealthNurse]);
    b.affiliate(phn, ward, "保健師", ymd(2016, 4, 1), None);
    let staff = b.person("遠藤 久美子", "エンドウ クミコ", &[Role::Coordinator]);
    b.affiliate(staff, welfare, "事務局", ymd(2010, 4, 1), None);
    let client = b.person("阿部 正夫（仮名）", "アベ マサオ", &[Role::Client]);

    // --- partnerships: with Dr. K (ongoing), the programme (five years) -----
    let with_k = b.partnership(
        "仙台ポリオの会 と K医師 の協働",
        &[assoc, dr_k],
        ymd(2009, 6, 20),
        None,
        "Began with talks in 2009 that led to the disability check-up programme at the centre. \
         Continued after Dr. K retired from the centre (March 2015), with medical and health \
         consultation meetings several times a year.",
    );
    b.cadence(
        with_k,
        "medical and health consultation meetings",
        2,
        4,
        Period::Year,
    );
    let programme = b.partnership(
        "障害者検診プログラム（宮城県リハビリテーション支援センター）",
        &[assoc, centre, dr_k],
        ymd(2010, 7, 10),
        Some(ymd(2014, 12, 31)),
        "Disability check-up programme for polio survivors at the centre, running for five years \
         (2010–2014).",
    );
    b.cadence(programme, "check-up days", 1, 1, Period::Year);
    let with_welfare = b.partnership(
        "仙台市障害者福祉協会との連携",
        &[assoc, welfare],
        ymd(2012, 4, 1),
        None,
        "Information on welfare services and joint events. (Start date illustrative.)",
    );
    for (day, title) in [
        (
            ymd(2009, 6, 20),
            "K医師との懇談（ポリオ経験者の検診について）",
        ),
        (ymd(2009, 11, 7), "K医師との懇談（検診プログラムの準備）"),
    ] {
        let e = b.event(day, EventKind::Meeting, title, &[assoc, dr_k]);
        b.in_partnership(e, with_k);
    }
    for (i, year) in (2010..=2014).enumerate() {
        let e = b.event(
            ymd(year, 7, 10),
            EventKind::CheckUp,
            &format!("障害者検診（ポリオ経験者）第{}回", i + 1),
            &[assoc, centre, dr_k, pt],
        );
        b.in_partnership(e, programme);
    }
    let e = b.event(
        retired,
        EventKind::Milestone,
        "K医師 宮城県リハビリテーション支援センターを退職",
        &[dr_k, centre],
    );
    b.in_partnership(e, with_k);
    b.note(
        e,
        "Dr. K retires from the centre; the partnership with the association continues.",
    );
    let today = b.today;
    for year in 2015..=today.year() {
        for (k, month) in [5, 9, 12].into_iter().enumerate() {
            let day = ymd(year, month, 15);
            if day > today {
                continue;
            }
            let e = b.event(
                day,
                EventKind::Consultation,
                &format!("医療・健康相談会 {year}年 第{}回", k + 1),
                &[assoc, dr_k],
            );
            b.in_partnership(e, with_k);
        }
    }
    let e = b.event(
        ymd(2019, 10, 5),
        EventKind::Lecture,
        "ポリオ経験者の生活と福祉制度 学習会",
        &[assoc, welfare],
    );
    b.in_partnership(e, with_welfare);

    // --- the case: a member's post-polio consultation, Dr. K in its triad ---
    let by = "佐々木 和子";
    let case = b.case(
        "仙台ポリオの会 会員 ポリオ後症候群の相談（阿部さん）",
        "センダイポリオノカイ カイイン ポリオゴショウコウグンノ ソウダン（アベサン）",
        Some(client),
        Some(chair),
        "ポリオ後症候群 (post-polio syndrome)",
        ymd(2011, 5, 14),
        by,
    );
    b.status(case, CaseStatus::Active, ymd(2011, 7, 9), by);
    b.status(case, CaseStatus::Monitoring, ymd(2016, 4, 1), by);
    b.status(case, CaseStatus::Active, b.ago(320), by);
    b.party(
        case,
        assoc,
        pf,
        "会の窓口・ピア相談",
        ymd(2011, 5, 14),
        None,
    );
    b.party(
        case,
        dr_k,
        med,
        "検診担当医（センター勤務）",
        ymd(2011, 7, 9),
        Some(retired),
    );
    b.party(
        case,
        dr_k,
        med,
        "退職後の医療・健康相談",
        ymd(2015, 5, 15),
        None,
    );
    b.party(
        case,
        centre,
        med,
        "障害者検診の実施",
        ymd(2011, 7, 9),
        Some(ymd(2014, 12, 31)),
    );
    b.party(
        case,
        welfare,
        pf,
        "福祉制度の情報提供",
        ymd(2013, 4, 1),
        None,
    );
    b.party(
        case,
        phn,
        gov,
        "区の保健師（介護保険の相談）",
        b.ago(318),
        None,
    );
    b.need(
        case,
        ymd(2011, 5, 14),
        NeedArea::Medical,
        "New weakness and fatigue decades after polio; wants a check-up by a doctor who knows \
         post-polio syndrome.",
    );
    b.need(
        case,
        b.ago(320),
        NeedArea::WelfareLife,
        "Handrails at home and a long-term care assessment as he ages.",
    );
    b.goal(
        case,
        GoalKind::Clinical,
        "Pace activity to avoid overuse weakness",
        ymd(2011, 7, 9),
    );
    b.goal(
        case,
        GoalKind::Personal,
        "Keep living at home with his wife",
        b.ago(320),
    );
    let r = b.referral(
        case,
        assoc,
        dr_k,
        ReferralCategory::Medical,
        "Post-polio check-up at the centre's programme",
        &[
            (RS::Proposed, ymd(2011, 5, 14), by, ""),
            (RS::Sent, ymd(2011, 5, 20), by, ""),
            (RS::Accepted, ymd(2011, 6, 1), "K医師", ""),
            (
                RS::Completed,
                ymd(2011, 7, 9),
                "K医師",
                "Seen at the check-up day",
            ),
        ],
    );
    b.outcome(
        r,
        "Individual assessment and advice on pacing; follow-up at consultation meetings.",
    );
    let r = b.referral(
        case,
        assoc,
        phn,
        ReferralCategory::WelfareLife,
        "Long-term care certification and home adaptation: to the ward's public health nurse",
        &[
            (RS::Proposed, b.ago(320), by, ""),
            (RS::Sent, b.ago(318), by, ""),
            (RS::Accepted, b.ago(310), "千葉 美穂", ""),
            (RS::Completed, b.ago(250), "千葉 美穂", ""),
        ],
    );
    b.outcome(r, "Certified for support level 2; handrails installed.");
    let c = b.consent(
        client,
        case,
        &[assoc, dr_k, phn],
        scope(
            true,
            true,
            &["検診結果 (check-up results)", "生活状況 (living situation)"],
        ),
        b.ago(320),
        "In writing, at the association's consultation meeting",
    );
    b.expires(c, b.ahead(45));
    let rel = b.relationship(
        assoc,
        dr_k,
        None,
        &[
            (ymd(2009, 6, 20), 2, by),
            (ymd(2010, 7, 10), 3, by),
            (ymd(2013, 7, 10), 4, by),
            (ymd(2016, 5, 15), 5, by),
        ],
    );
    let n = b.trust_note(
        NoteOn {
            relationship: Some(rel),
            about: Some(dr_k),
            ..Default::default()
        },
        by,
        ymd(2016, 5, 15),
        Confidentiality::Shared,
        "Dr. K kept coming to our consultation meetings after retiring from the centre. Members \
         trust him completely: the partnership outlived his post.",
    );
    b.trust_change(n, 5);
    b.trust_note(
        NoteOn {
            case: Some(case),
            ..Default::default()
        },
        by,
        b.ago(250),
        Confidentiality::Shared,
        "Handrails installed; he walks to the consultation meetings again.",
    );
}
