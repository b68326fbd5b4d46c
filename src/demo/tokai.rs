//! Scenario 5 — Polio association Tokai: since 2007, regular group check-ups
//! specialised in polio after-effects, run with physicians, PTs and OTs of a
//! university hospital; each participant gets an individual result, and the
//! association gets the aggregate findings to share with all members.

use chrono::Datelike;

use super::builder::{Builder, NoteOn, scope, ymd};
use crate::model::{
    BodyKind, CaseStatus, Confidentiality, EventKind, GoalKind, NeedArea, Period, ReferralCategory,
    ReferralStatus as RS, Role, Sector,
};

pub(super) fn add(b: &mut Builder) {
    let (gov, med, pf) = (Sector::Government, Sector::Medical, Sector::PatientFamily);
    let assoc = b.body(
        "東海ポリオの会",
        "トウカイポリオノカイ",
        pf,
        BodyKind::PatientAssociation,
        "愛知県",
    );
    b.note(
        assoc,
        "Polio association Tokai. Since 2007 runs regular group check-ups specialised in polio \
         after-effects with a university hospital; shares the aggregate findings with all \
         members.",
    );
    let hospital = b.body(
        "東海中央大学病院",
        "トウカイチュウオウダイガクビョウイン",
        med,
        BodyKind::Hospital,
        "愛知県",
    );
    b.note(
        hospital,
        "University hospital (fictional name, demo data): its physicians, PTs and OTs run the \
         group check-ups.",
    );
    let rehab = b.child(
        hospital,
        "東海中央大学病院 リハビリテーション科",
        "トウカイチュウオウダイガクビョウイン リハビリテーションカ",
        med,
        BodyKind::Hospital,
    );
    let health = b.body(
        "名古屋市 昭和区保健センター",
        "ナゴヤシ ショウワク ホケンセンター",
        gov,
        BodyKind::PublicHealthCentre,
        "愛知県名古屋市",
    );

    let ishii = b.person("石井 俊介", "イシイ シュンスケ", &[Role::Physician]);
    let ishii_left = ymd(2019, 3, 31);
    b.affiliate(
        ishii,
        rehab,
        "医師（リハビリテーション科）",
        ymd(2005, 4, 1),
        Some(ishii_left),
    );
    let hasegawa = b.person("長谷川 聡子", "ハセガワ サトコ", &[Role::Physician]);
    b.affiliate(
        hasegawa,
        rehab,
        "医師（整形外科・リハビリテーション科）",
        ymd(2012, 4, 1),
        None,
    );
    let pt = b.person("藤田 翔", "フジタ ショウ", &[Role::Therapist]);
    b.affiliate(pt, rehab, "理学療法士 (PT)", ymd(2010, 4, 1), None);
    let ot = b.person("村上 彩", "ムラカミ アヤ", &[Role::Therapist]);
    b.affiliate(ot, rehab, "作業療法士 (OT)", ymd(2011, 4, 1), None);
    let secretary = b.peer(
        "近藤 義男",
        "コンドウ ヨシオ",
        crate::model::PeerKind::Volunteer,
        "Tokai region; check-up days and the members' newsletter",
        "Polio survivor; edits the aggregate-findings report for members",
    );
    b.add_role(secretary, Role::Coordinator);
    b.affiliate(secretary, assoc, "事務局長", ymd(2006, 4, 1), None);
    let phn = b.person("野村 由紀", "ノムラ ユキ", &[Role::PublicHealthNurse]);
    b.affiliate(phn, health, "保健師", ymd(2015, 4, 1), None);
    let client = b.person("青木 静江（仮名）", "アオキ シズエ", &[Role::Client]);

    let checkups = b.partnership(
        "ポリオ後遺症 集団検診（東海中央大学病院）",
        &[assoc, hospital, rehab],
        ymd(2007, 10, 21),
        None,
        "Since 2007: regular group check-ups specialised in polio after-effects, run with \
         physicians, PTs and OTs of the university hospital. Each participant receives an \
         individual result; the association receives the aggregate findings and shares them \
         with all members.",
    );
    b.cadence(checkups, "group check-ups", 1, 1, Period::Year);
    let today = b.today;
    let mut check_events = vec![];
    for year in 2007..=today.year() {
        let day = if year == 2007 {
            ymd(2007, 10, 21)
        } else {
            ymd(year, 10, 15)
        };
        if day > today {
            break;
        }
        let doctor = if day <= ishii_left { ishii } else { hasegawa };
        let e = b.event(
            day,
            EventKind::CheckUp,
            &format!("ポリオ後遺症 集団検診 {year}"),
            &[assoc, rehab, doctor, pt, ot],
        );
        b.in_partnership(e, checkups);
        b.note(
            e,
            "Physicians, PTs and OTs of the university hospital. Individual results go to each \
             participant.",
        );
        let r = b.event(
            ymd(year + 1, 1, 25),
            EventKind::Milestone,
            &format!("集団検診 {year} 集計結果を会員へ報告"),
            &[assoc, rehab],
        );
        b.in_partnership(r, checkups);
        b.note(
            r,
            "Aggregate findings from the hospital, shared with all members in the newsletter.",
        );
        check_events.push(e);
    }

    let by = "近藤 義男";
    let case = b.case(
        "東海 ポリオ後遺症 検診後の生活相談（青木さん）",
        "トウカイ ポリオコウイショウ ケンシンゴノ セイカツソウダン（アオキサン）",
        Some(client),
        Some(secretary),
        "ポリオ後遺症 (polio after-effects)",
        ymd(2016, 10, 1),
        by,
    );
    b.status(case, CaseStatus::Active, ymd(2016, 10, 16), by);
    b.status(case, CaseStatus::Monitoring, b.ago(60), by);
    b.party(
        case,
        assoc,
        pf,
        "会の窓口・検診の案内",
        ymd(2016, 10, 1),
        None,
    );
    b.party(
        case,
        ishii,
        med,
        "検診担当医",
        ymd(2016, 10, 16),
        Some(ishii_left),
    );
    b.party(case, hasegawa, med, "検診担当医", ymd(2019, 4, 1), None);
    b.party(
        case,
        pt,
        med,
        "PT 評価・装具の相談",
        ymd(2016, 10, 16),
        None,
    );
    b.party(
        case,
        phn,
        gov,
        "保健師（住宅改修・介護保険）",
        b.ago(400),
        None,
    );
    b.need(
        case,
        ymd(2016, 10, 1),
        NeedArea::Medical,
        "Knee brace no longer fits; more falls this year.",
    );
    b.need(
        case,
        b.ago(400),
        NeedArea::WelfareLife,
        "Bathroom adaptation; lives alone.",
    );
    b.goal(
        case,
        GoalKind::Clinical,
        "No falls: a new brace",
        ymd(2016, 10, 16),
    );
    b.goal(
        case,
        GoalKind::Social,
        "Keep coming to the check-ups and the association's meetings",
        ymd(2016, 10, 16),
    );
    if let Some(e) = check_events.last() {
        b.for_case(*e, case);
    }
    let r = b.referral(
        case,
        assoc,
        pt,
        ReferralCategory::Medical,
        "New brace fitting after the check-up",
        &[
            (RS::Proposed, b.ago(420), by, ""),
            (RS::Sent, b.ago(418), by, ""),
            (RS::Accepted, b.ago(410), "藤田 翔", ""),
        ],
    );
    b.follow_up(r, b.ahead(20));
    let r = b.referral(
        case,
        assoc,
        phn,
        ReferralCategory::WelfareLife,
        "Bathroom adaptation under long-term care insurance",
        &[
            (RS::Proposed, b.ago(400), by, ""),
            (RS::Sent, b.ago(398), by, ""),
            (RS::Accepted, b.ago(395), "野村 由紀", ""),
            (RS::Completed, b.ago(330), "野村 由紀", ""),
        ],
    );
    b.outcome(r, "Handrail and bath seat installed.");
    b.consent(
        client,
        case,
        &[assoc, hospital],
        scope(
            false,
            true,
            &["検診の個別結果 (individual check-up results)"],
        ),
        ymd(2016, 10, 16),
        "Signed form at the check-up: her individual result may be discussed with the \
         association; aggregate findings are anonymous.",
    );
    let rel = b.relationship(
        assoc,
        hospital,
        None,
        &[
            (ymd(2007, 4, 1), 2, by),
            (ymd(2009, 10, 15), 3, by),
            (ymd(2013, 10, 15), 4, by),
            (ymd(2018, 10, 15), 5, by),
        ],
    );
    b.trust_note(
        NoteOn {
            relationship: Some(rel),
            about: Some(hospital),
            ..Default::default()
        },
        by,
        ymd(2013, 10, 15),
        Confidentiality::Shared,
        "The hospital now sends the aggregate findings every year without being asked.",
    );
}
