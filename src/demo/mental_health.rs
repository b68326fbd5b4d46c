//! Scenario 7 — mental-health peer supporters of three kinds: volunteers
//! (free, self-directed), pro-volunteers (trained, in consultation support and
//! discharge support) and employed peer staff, each with their own activity
//! range and skills, which a coordinator checks before asking one to help.
//! (Region and names are fictional demo data.)

use super::builder::{Builder, NoteOn, scope, ymd};
use crate::model::{
    BodyKind, CaseStatus, Confidentiality, EventKind, GoalKind, NeedArea, PeerKind,
    ReferralCategory, ReferralStatus as RS, Role, Sector,
};

pub(super) fn add(b: &mut Builder) {
    let region = "神奈川県横浜市";
    let (gov, med, pf) = (Sector::Government, Sector::Medical, Sector::PatientFamily);

    let ward = b.body(
        "横浜市 港北区 福祉保健センター",
        "ヨコハマシ コウホクク フクシホケンセンター",
        gov,
        BodyKind::PublicHealthCentre,
        region,
    );
    let hospital = b.body(
        "みなと丘病院（精神科）",
        "ミナトオカビョウイン（セイシンカ）",
        med,
        BodyKind::Hospital,
        region,
    );
    b.note(
        hospital,
        "Psychiatric hospital (fictional name, demo data).",
    );
    let office = b.body(
        "ピアサポートセンター ひだまり",
        "ピアサポートセンター ヒダマリ",
        pf,
        BodyKind::ConsultationSupportCentre,
        region,
    );
    b.note(
        office,
        "Consultation support office employing peer staff; discharge (community transition) \
         support.",
    );
    let group = b.body(
        "よこはまピアの会",
        "ヨコハマピアノカイ",
        pf,
        BodyKind::PeerSupporterGroup,
        region,
    );
    b.note(
        group,
        "Volunteer peer supporters' group; drop-in salon on Thursdays.",
    );
    let employment = b.body(
        "横浜市 障害者就業支援センター",
        "ヨコハマシ ショウガイシャシュウギョウシエンセンター",
        gov,
        BodyKind::EmploymentSupport,
        region,
    );

    // The three kinds, two of each, with differing range and skills.
    let sano = b.peer(
        "佐野 美香",
        "サノ ミカ",
        PeerKind::Volunteer,
        "Thursday afternoons at the drop-in salon, 港北区 only; no hospital visits",
        "Listening; her own recovery story (depression)",
    );
    b.affiliate(sano, group, "会員（ボランティア）", ymd(2020, 4, 1), None);
    let imai = b.peer(
        "今井 健太",
        "イマイ ケンタ",
        PeerKind::Volunteer,
        "Weekends, online peer chat only",
        "Chat moderation, ICT help for members; bipolar disorder",
    );
    b.affiliate(imai, group, "会員（ボランティア）", ymd(2021, 9, 1), None);
    let noguchi = b.peer(
        "野口 裕子",
        "ノグチ ユウコ",
        PeerKind::ProVolunteer,
        "Consultation support and discharge support in 港北区・都筑区; ward visits by appointment, \
         two days a week",
        "City peer supporter course (certified); hospital ward visits; accompanying clients to the \
         ward office",
    );
    b.affiliate(
        noguchi,
        office,
        "ピアサポーター（有償ボランティア）",
        ymd(2019, 4, 1),
        None,
    );
    let sugiyama = b.peer(
        "杉山 悟",
        "スギヤマ サトル",
        PeerKind::ProVolunteer,
        "Discharge support only, Tuesdays and Fridays, any hospital in the city",
        "WRAP facilitator; own experience of 10 years in hospital",
    );
    b.affiliate(
        sugiyama,
        office,
        "ピアサポーター（有償ボランティア）",
        ymd(2018, 10, 1),
        None,
    );
    let hirano = b.peer(
        "平野 大樹",
        "ヒラノ ダイキ",
        PeerKind::PeerStaff,
        "Full-time; city-wide, hospital wards and home visits",
        "Discharge support planning with the consultation support specialist; supervises \
         pro-volunteers; schizophrenia",
    );
    b.affiliate(
        hirano,
        office,
        "ピアスタッフ（常勤）",
        ymd(2016, 4, 1),
        None,
    );
    let maruyama = b.peer(
        "丸山 恵",
        "マルヤマ メグミ",
        PeerKind::PeerStaff,
        "Part-time, three days a week; drop-in and phone consultation at the office",
        "Family support, women's groups; eating disorder recovery",
    );
    b.affiliate(
        maruyama,
        office,
        "ピアスタッフ（非常勤）",
        ymd(2021, 4, 1),
        None,
    );
    let specialist = b.person(
        "中島 玲子",
        "ナカジマ レイコ",
        &[Role::ConsultationSpecialist, Role::Coordinator],
    );
    b.affiliate(specialist, office, "相談支援専門員", ymd(2015, 4, 1), None);
    let psw = b.person("内田 隆之", "ウチダ タカユキ", &[Role::MedicalSocialWorker]);
    b.affiliate(psw, hospital, "精神保健福祉士 (PSW)", ymd(2013, 4, 1), None);
    let doctor = b.person("小野 真一", "オノ シンイチ", &[Role::Physician]);
    b.affiliate(doctor, hospital, "精神科医", ymd(2009, 4, 1), None);
    let phn = b.person("原田 千尋", "ハラダ チヒロ", &[Role::PublicHealthNurse]);
    b.affiliate(phn, ward, "保健師（精神保健福祉）", ymd(2018, 4, 1), None);
    let client = b.person("渡部 信也（仮名）", "ワタナベ シンヤ", &[Role::Client]);

    let by = "中島 玲子";
    let transition = b.partnership(
        "みなと丘病院 地域移行支援の協働",
        &[office, hospital, ward],
        ymd(2017, 4, 1),
        None,
        "Peer staff and pro-volunteers visit long-stay wards; joint care meetings for each \
         discharge. (Start date illustrative.)",
    );
    let case = b.case(
        "横浜 精神科長期入院からの地域移行（渡部さん）",
        "ヨコハマ セイシンカ チョウキニュウインカラノ チイキイコウ（ワタナベサン）",
        Some(client),
        Some(specialist),
        "統合失調症 (schizophrenia); 12 years in hospital",
        b.ago(240),
        by,
    );
    b.status(case, CaseStatus::Active, b.ago(210), by);
    b.party(case, office, pf, "地域移行支援（事業所）", b.ago(240), None);
    b.party(
        case,
        hirano,
        pf,
        "ピアスタッフ（退院支援）",
        b.ago(210),
        None,
    );
    b.party(
        case,
        noguchi,
        pf,
        "病棟訪問（担当替えで終了）",
        b.ago(210),
        Some(b.ago(120)),
    );
    b.party(case, sugiyama, pf, "病棟訪問", b.ago(120), None);
    b.party(case, psw, med, "病院側の退院調整 (PSW)", b.ago(240), None);
    b.party(case, doctor, med, "主治医", b.ago(240), None);
    b.party(case, phn, gov, "区の保健師", b.ago(200), None);
    b.need(
        case,
        b.ago(240),
        NeedArea::Community,
        "Wants to leave hospital after 12 years; afraid of living alone.",
    );
    b.need(
        case,
        b.ago(60),
        NeedArea::Work,
        "Once settled in the group home, would like light work.",
    );
    b.goal(
        case,
        GoalKind::Clinical,
        "Keep taking medication after discharge",
        b.ago(210),
    );
    b.goal(
        case,
        GoalKind::Personal,
        "Live in a group home near the river",
        b.ago(210),
    );
    b.goal(
        case,
        GoalKind::Social,
        "Go to the drop-in salon on Thursdays",
        b.ago(60),
    );
    let r = b.referral(
        case,
        hirano,
        phn,
        ReferralCategory::Community,
        "Group home, welfare services and ward office procedures after discharge",
        &[
            (RS::Proposed, b.ago(200), "平野 大樹", ""),
            (RS::Sent, b.ago(199), by, ""),
            (RS::Accepted, b.ago(195), "原田 千尋", ""),
            (RS::Completed, b.ago(90), "原田 千尋", ""),
        ],
    );
    b.outcome(r, "Group home place found; discharge planned.");
    b.referral(
        case,
        hirano,
        employment,
        ReferralCategory::Work,
        "Light work after settling in",
        &[
            (RS::Proposed, b.ago(30), "平野 大樹", ""),
            (
                RS::Cancelled,
                b.ago(12),
                by,
                "Client wants to settle into the group home first; will ask again in spring",
            ),
        ],
    );
    let r = b.referral(
        case,
        hirano,
        group,
        ReferralCategory::Peer,
        "Introduce him to the volunteers' drop-in salon",
        &[
            (RS::Proposed, b.ago(20), "平野 大樹", ""),
            (RS::Sent, b.ago(18), "平野 大樹", ""),
        ],
    );
    b.follow_up(r, b.ahead(7));
    let c = b.consent(
        client,
        case,
        &[office, hirano, psw, phn],
        scope(
            true,
            true,
            &["退院計画 (discharge plan)", "服薬状況 (medication)"],
        ),
        b.ago(210),
        "In writing at the first care meeting on the ward",
    );
    b.expires(c, b.ahead(155));
    let w = b.consent(
        client,
        case,
        &[group],
        scope(false, true, &["病歴 (history)"]),
        b.ago(200),
        "Verbally, with the PSW present",
    );
    b.withdrawn(w, b.ago(100));
    b.trust_note(
        NoteOn {
            case: Some(case),
            about: Some(group),
            ..Default::default()
        },
        by,
        b.ago(100),
        Confidentiality::Team,
        "He withdrew consent to share his history with the volunteers' group: he did not want it \
         discussed at their meeting. Volunteers get nothing beyond his first name.",
    );
    b.trust_note(
        NoteOn {
            case: Some(case),
            about: Some(client),
            ..Default::default()
        },
        "平野 大樹",
        b.ago(45),
        Confidentiality::Private,
        "He told me he hears voices more at night since the move was set. Ask him before telling \
         the ward.",
    );
    let rel = b.relationship(
        office,
        hospital,
        None,
        &[
            (ymd(2017, 4, 1), 2, by),
            (ymd(2019, 4, 1), 3, by),
            (ymd(2022, 4, 1), 4, by),
        ],
    );
    b.trust_note(
        NoteOn {
            relationship: Some(rel),
            ..Default::default()
        },
        by,
        ymd(2022, 4, 1),
        Confidentiality::Shared,
        "The ward now invites our peer staff to every discharge care meeting.",
    );
    for (k, d) in [210, 150, 90].into_iter().enumerate() {
        let e = b.event(
            b.ago(d),
            EventKind::Meeting,
            &format!("退院支援 ケア会議 第{}回（渡部さん）", k + 1),
            &[office, hospital, ward, hirano, psw],
        );
        b.for_case(e, case);
        b.in_partnership(e, transition);
    }
}
