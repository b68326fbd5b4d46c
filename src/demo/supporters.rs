//! Peer supporters as people to look after, across the scenarios: Gunma's
//! five trainees through the 2023-05 – 2024-12 course with a certificate
//! each year (one of them resting now), the mental-health supporters of the
//! three kinds with their own skills and ranges, an employment-support
//! group-talk series at a work-transition office with its staff present,
//! and the Okinawa supporters who go with clients to hospital in Naha.
//! Hirano (peer staff, Yokohama) carries more cases than he takes: the
//! dashboard flags him. Runs after the scenarios it adds to.

use super::builder::{Builder, ymd};
use crate::model::{
    BodyKind, CaseStatus, Certificate, CheckIn, Confidentiality, Contact, ContactKind, Course,
    CourseLevel, Date, Enrolment, EventKind, Id, Kind, PeerKind, Record, Role, Sector, Supervision,
    SupervisionMode, SupporterProfile, SupporterStatus,
};

pub(super) fn add(b: &mut Builder) {
    gunma(b);
    mental_health(b);
    okinawa(b);
}

fn profile(
    capacity: u32,
    supervisor: Option<Id>,
    availability: &str,
    diseases: &str,
    languages: &str,
) -> SupporterProfile {
    SupporterProfile {
        status: SupporterStatus::Active,
        since: None,
        capacity: Some(capacity),
        availability: availability.into(),
        supervisor,
        disease_areas: diseases.into(),
        languages: languages.into(),
    }
}

fn course(
    b: &mut Builder,
    name: &str,
    reading: &str,
    level: CourseLevel,
    provider: Option<Id>,
    (started, ended, planned_sessions): (Date, Date, u32),
    follows: Option<Id>,
) -> Id {
    b.add(Record::Course(Course {
        id: Id::new(Kind::Course, 1),
        name: name.into(),
        reading: Some(reading.into()),
        level,
        provider,
        started,
        ended: Some(ended),
        planned_sessions,
        follows,
        note: String::new(),
    }))
}

fn enrol(
    b: &mut Builder,
    course: Id,
    person: Id,
    enrolled_on: Date,
    certificate: Option<(i32, Date)>,
) -> Id {
    b.add(Record::Enrolment(Enrolment {
        id: Id::new(Kind::Enrolment, 1),
        course,
        person,
        enrolled_on,
        certificates: certificate
            .into_iter()
            .map(|(year, on)| Certificate { year, on })
            .collect(),
        completed_on: certificate.map(|(_, on)| on),
        note: String::new(),
    }))
}

fn contact(
    b: &mut Builder,
    supporter: Id,
    case: Id,
    on: Date,
    kind: ContactKind,
    minutes: u32,
    note: &str,
) {
    b.add(Record::Contact(Contact {
        id: Id::new(Kind::Contact, 1),
        supporter,
        case,
        on,
        kind,
        minutes,
        note: note.into(),
        confidentiality: Confidentiality::Team,
        author: "demo".into(),
        entered: None,
    }));
}

fn supervision(
    b: &mut Builder,
    on: Date,
    supervisor: Id,
    supporters: &[Id],
    mode: SupervisionMode,
    themes: &str,
) {
    b.add(Record::Supervision(Supervision {
        id: Id::new(Kind::Supervision, 1),
        on,
        supervisor,
        supporters: supporters.to_vec(),
        mode,
        themes: themes.into(),
    }));
}

/// Gunma: the course as two records (basic, applied) that the scenario's
/// training sessions belong to, each trainee's enrolments and certificates.
fn gunma(b: &mut Builder) {
    let (Some(centre), Some(coord), Some(kato)) = (
        b.find("群馬県難病相談支援センター"),
        b.find("小林 美和"),
        b.find("加藤 和夫"),
    ) else {
        return;
    };
    let basic = course(
        b,
        "難病ピア・サポーター養成研修（基礎）",
        "ナンビョウ ピアサポーター ヨウセイケンシュウ（キソ）",
        CourseLevel::Basic,
        Some(centre),
        (ymd(2023, 5, 13), ymd(2023, 12, 16), 9),
        None,
    );
    let applied = course(
        b,
        "難病ピア・サポーター養成研修（応用）",
        "ナンビョウ ピアサポーター ヨウセイケンシュウ（オウヨウ）",
        CourseLevel::Applied,
        Some(centre),
        (ymd(2024, 1, 20), ymd(2024, 12, 14), 10),
        Some(basic),
    );
    for (part, c) in [("養成講座 基礎編", basic), ("養成講座 応用編", applied)] {
        for (e, _) in b.events_titled(part) {
            b.set_course(e, c);
        }
    }
    let trainees = [
        ("高橋 直子", "全身性エリテマトーデス (SLE)", "第2・第4水曜"),
        ("斎藤 隆", "パーキンソン病", "平日午前（電話）"),
        ("井上 明美", "潰瘍性大腸炎", "月1回の患者会"),
        ("清水 洋平", "重症筋無力症", "夜間オンライン"),
        ("山口 順子", "多発性硬化症", "センター職員と病院訪問"),
    ];
    let mut cohort = Vec::new();
    for (name, disease, when) in trainees {
        let Some(p) = b.find(name) else { continue };
        enrol(
            b,
            basic,
            p,
            ymd(2023, 5, 13),
            Some((2023, ymd(2023, 12, 16))),
        );
        enrol(
            b,
            applied,
            p,
            ymd(2024, 1, 20),
            Some((2024, ymd(2024, 12, 14))),
        );
        b.set_supporter(p, profile(2, Some(coord), when, disease, "日本語"));
        cohort.push(p);
    }
    // Resting is a normal state: 清水 pauses to put his health first.
    if let Some(shimizu) = b.find("清水 洋平") {
        let mut p = profile(
            2,
            Some(coord),
            "休止中（体調を優先、春に再開予定）",
            "重症筋無力症",
            "日本語",
        );
        p.status = SupporterStatus::Resting;
        p.since = Some(b.ago(45));
        b.set_supporter(shimizu, p);
    }
    b.set_supporter(
        kato,
        profile(
            3,
            Some(coord),
            "平日（電話・センター）",
            "パーキンソン病",
            "日本語",
        ),
    );
    // 加藤 is in touch with the Fukuda case every few weeks.
    if let Some(case) = b.find_case("群馬") {
        for (days, kind, minutes, note) in [
            (100, ContactKind::Phone, 30, "服薬と仕事の両立について"),
            (70, ContactKind::Visit, 60, "センターで面談"),
            (40, ContactKind::Phone, 20, "就職面接の前に"),
            (12, ContactKind::Salon, 90, "患者会サロンで"),
        ] {
            let on = b.ago(days);
            contact(b, kato, case, on, kind, minutes, note);
        }
    }
    let mut group = vec![kato];
    group.extend(
        cohort
            .iter()
            .copied()
            .filter(|p| Some(*p) != b.find("清水 洋平")),
    );
    for days in [80, 20] {
        let on = b.ago(days);
        supervision(
            b,
            on,
            coord,
            &group,
            SupervisionMode::Group,
            "つなぐ役割と専門職の役割の違い; セルフケア",
        );
    }
}

/// Yokohama: profiles of the three kinds, the work-transition office's
/// group talks, and Hirano over capacity.
fn mental_health(b: &mut Builder) {
    let (Some(specialist), Some(hirano)) = (b.find("中島 玲子"), b.find("平野 大樹"))
    else {
        return;
    };
    let people = [
        ("佐野 美香", 1, "木曜午後（サロン）", "うつ病", "日本語"),
        (
            "今井 健太",
            2,
            "週末（オンライン）",
            "双極性障害",
            "日本語, English",
        ),
        (
            "野口 裕子",
            2,
            "週2日（病棟訪問・通院同行）",
            "統合失調症, うつ病",
            "日本語",
        ),
        ("杉山 悟", 2, "火・金（退院支援）", "統合失調症", "日本語"),
        ("平野 大樹", 2, "常勤（病棟・訪問）", "統合失調症", "日本語"),
        ("丸山 恵", 2, "週3日（電話・来所）", "摂食障害", "日本語"),
    ];
    // Peer staff supervise the pro-volunteers and volunteers; the
    // consultation specialist supervises the peer staff.
    for (name, cap, when, diseases, langs) in people {
        if let Some(p) = b.find(name) {
            let supervisor = if p == hirano || name == "丸山 恵" {
                specialist
            } else {
                hirano
            };
            b.set_supporter(p, profile(cap, Some(supervisor), when, diseases, langs));
        }
    }
    let volunteers: Vec<Id> = ["佐野 美香", "今井 健太", "野口 裕子"]
        .into_iter()
        .filter_map(|n| b.find(n))
        .collect();
    supervision(
        b,
        b.ago(30),
        hirano,
        &volunteers,
        SupervisionMode::Group,
        "自分の体験の話し方; 断り方",
    );
    if let Some(maruyama) = b.find("丸山 恵") {
        supervision(
            b,
            b.ago(15),
            specialist,
            &[maruyama],
            SupervisionMode::Individual,
            "家族支援での距離の取り方",
        );
    }
    let by = "中島 玲子";
    let main_case = b.find_case("横浜");

    // The work-transition office and its group talks, staff present.
    let transition = b.body(
        "就労移行支援事業所 ひかりワークス港北",
        "シュウロウイコウシエンジギョウショ ヒカリワークスコウホク",
        Sector::Government,
        BodyKind::EmploymentSupport,
        "神奈川県横浜市",
    );
    b.note(
        transition,
        "Work-transition office (fictional). Peer supporters lead a monthly group talk; a member \
         of staff is always in the room.",
    );
    let staff = b.person("大野 由紀", "オオノ ユキ", &[Role::EmploymentSupporter]);
    b.affiliate(staff, transition, "職業指導員", ymd(2019, 4, 1), None);
    let leader = b.peer(
        "石田 亮",
        "イシダ リョウ",
        PeerKind::PeerStaff,
        "港北区・都筑区; the office's group talks, weekday afternoons",
        "Listening, keeping boundaries, self-care; returned to work after depression",
    );
    b.affiliate(leader, transition, "ピアスタッフ", ymd(2022, 4, 1), None);
    b.set_supporter(
        leader,
        profile(3, Some(hirano), "平日午後", "うつ病, 適応障害", "日本語"),
    );
    let client = b.person("森下 拓海（仮名）", "モリシタ タクミ", &[Role::Client]);
    let case = b.case(
        "横浜 就労移行中の仕事探し（森下さん）",
        "ヨコハマ シュウロウイコウチュウノ シゴトサガシ（モリシタサン）",
        Some(client),
        Some(specialist),
        "うつ病 (depression); two years off work",
        b.ago(160),
        by,
    );
    b.status(case, CaseStatus::Active, b.ago(150), by);
    let (pf, gov) = (Sector::PatientFamily, Sector::Government);
    b.party(case, transition, gov, "就労移行支援", b.ago(160), None);
    b.party(case, leader, pf, "グループトーク", b.ago(150), None);
    b.party(case, hirano, pf, "ピアスタッフ（生活面）", b.ago(100), None);
    let topics = [
        "働き続けるコツ",
        "疲れのサインに気づく",
        "職場で何をどこまで話すか",
        "断ることの練習",
        "休みの日の過ごし方",
        "一年後の自分",
    ];
    for (i, topic) in topics.into_iter().enumerate() {
        let days = 150 - 28 * i64::try_from(i).unwrap_or(0);
        let on = b.ago(days);
        let e = b.event(
            on,
            EventKind::Salon,
            &format!("グループトーク 第{}回「{topic}」", i + 1),
            &[transition, leader, staff],
        );
        b.attendance(e, 7, 0, 1);
        b.note(e, "職員同席 (a member of staff present)");
        contact(b, leader, case, on, ContactKind::GroupTalk, 90, topic);
    }
    supervision(
        b,
        b.ago(35),
        hirano,
        &[leader],
        SupervisionMode::Individual,
        "境界線; 引き受けすぎない",
    );

    // Hirano: a third case on top of two, and contacts rising.
    let client2 = b.person("青木 涼子（仮名）", "アオキ リョウコ", &[Role::Client]);
    let case2 = b.case(
        "横浜 退院後の一人暮らし（青木さん）",
        "ヨコハマ タイインゴノ ヒトリグラシ（アオキサン）",
        Some(client2),
        Some(specialist),
        "統合失調症 (schizophrenia)",
        b.ago(60),
        by,
    );
    b.status(case2, CaseStatus::Active, b.ago(55), by);
    b.party(case2, hirano, pf, "ピアスタッフ（訪問）", b.ago(55), None);
    let mut load = vec![
        (100, case),
        (50, case),
        (28, case2),
        (25, case2),
        (21, case2),
    ];
    load.extend([(18, case2), (14, case), (10, case2), (7, case2), (3, case2)]);
    if let Some(main) = main_case {
        load.extend([(95, main), (60, main), (20, main), (5, main)]);
    }
    for (days, c) in load {
        let on = b.ago(days);
        let kind = if c == case2 {
            ContactKind::Visit
        } else {
            ContactKind::AccompaniedVisit
        };
        contact(b, hirano, c, on, kind, 60, "");
    }
    supervision(
        b,
        b.ago(25),
        specialist,
        &[hirano],
        SupervisionMode::Individual,
        "担当ケースの量; 休みの取り方",
    );
    // 杉山: the ward visits, last in touch six weeks ago, and no supervision
    // for over two months.
    if let (Some(sugiyama), Some(main)) = (b.find("杉山 悟"), main_case) {
        for days in [110, 75, 42] {
            let on = b.ago(days);
            contact(b, sugiyama, main, on, ContactKind::Visit, 45, "病棟訪問");
        }
        supervision(
            b,
            b.ago(90),
            hirano,
            &[sugiyama],
            SupervisionMode::Individual,
            "病棟訪問の振り返り",
        );
    }
    // Hirano's own check-in: read by him and his supervisor only.
    b.add(Record::CheckIn(CheckIn {
        id: Id::new(Kind::CheckIn, 1),
        supporter: hirano,
        on: b.ago(4),
        wellbeing: Some(2),
        note: "担当が増えて眠りが浅い".into(),
        author: "hirano".into(),
        entered: None,
    }));
}

/// Okinawa: who could go with a client to hospital in Naha.
fn okinawa(b: &mut Builder) {
    let coordinator = b.find("比嘉 勇");
    for (name, cap, when, diseases, langs) in [
        (
            "金城 翔太",
            2,
            "平日午後; 那覇の病院への通院同行可",
            "頸髄損傷",
            "日本語, うちなーぐち",
        ),
        (
            "宮城 さやか",
            2,
            "中部のみ; 初回訪問・家族面談",
            "胸髄損傷",
            "日本語, English",
        ),
    ] {
        if let Some(p) = b.find(name) {
            let supervisor = coordinator.filter(|c| *c != p);
            b.set_supporter(p, profile(cap, supervisor, when, diseases, langs));
        }
    }
    let peers: Vec<Id> = ["金城 翔太", "宮城 さやか"]
        .into_iter()
        .filter_map(|n| b.find(n))
        .collect();
    if let Some(higa) = coordinator {
        supervision(
            b,
            b.ago(14),
            higa,
            &peers,
            SupervisionMode::Group,
            "病棟訪問の振り返り; 家族との関わり",
        );
    }
    if let Some(kinjo) = b.find("金城 翔太") {
        b.add_skills(kinjo, "accompanying clients to hospital (通院同行)");
        if let Some(case) = b.find_case("沖縄") {
            for (days, kind, minutes) in [
                (150, ContactKind::Visit, 60),
                (90, ContactKind::Visit, 45),
                (45, ContactKind::AccompaniedVisit, 180),
                (9, ContactKind::Phone, 20),
            ] {
                let on = b.ago(days);
                contact(b, kinjo, case, on, kind, minutes, "");
            }
        }
    }
}
