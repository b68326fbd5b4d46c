//! Synthetic cases for benchmarks: deterministic, streamed into the store in
//! batches of about [`BATCH`] records so memory stays flat at N = 100,000.
//!
//! Per case: one client, three bodies (one per sector) and up to two people
//! from a shared pool as parties, 1–3 referrals, 1–3 trust notes, about one
//! event, one relationship and most often a consent. The pool grows with the
//! cases: a body per ten cases, a professional or peer supporter per two, each
//! with an affiliation (some ended, with a later one). Ids continue after the
//! highest id of each kind already in the store.

use chrono::TimeDelta;

use super::Summary;
use super::builder::{at, ymd};
use crate::model::{
    Affiliation, Attendance, Body, BodyKind, Case, CaseParty, CaseStatus, Confidentiality, Consent,
    ConsentScope, Date, DeclinedBy, Event, EventKind, Goal, GoalKind, Id, Kind, Need, NeedArea,
    Partnership, PeerKind, Person, Record, Referral, ReferralCategory, ReferralStatus,
    Relationship, Role, Sector, StatusChange, Transition, TrustChange, TrustLevel, TrustNote,
};
use crate::store::{Store, StoreError};

/// Records per import: the store's own batch size (`sled_store::BATCH`), so
/// every import is one transaction and memory stays flat.
use crate::store::BATCH;

/// A hand-written SplitMix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The same pseudo-random number for the same index, whenever it is asked.
fn hash(index: u64, salt: u64) -> u64 {
    Rng::new(index.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ salt).next()
}

/// Common Japanese surnames with their katakana readings (also used by
/// the search benchmark to make names).
pub const SURNAMES: [(&str, &str); 40] = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("山下", "ヤマシタ"),
    ("中島", "ナカジマ"),
    ("石井", "イシイ"),
    ("小川", "オガワ"),
    ("前田", "マエダ"),
    ("岡田", "オカダ"),
    ("長谷川", "ハセガワ"),
    ("藤田", "フジタ"),
    ("後藤", "ゴトウ"),
    ("近藤", "コンドウ"),
    ("村上", "ムラカミ"),
    ("遠藤", "エンドウ"),
    ("青木", "アオキ"),
    ("比嘉", "ヒガ"),
];

const GIVEN: [(&str, &str); 40] = [
    ("花子", "ハナコ"),
    ("太郎", "タロウ"),
    ("恵子", "ケイコ"),
    ("健一", "ケンイチ"),
    ("美咲", "ミサキ"),
    ("翔", "ショウ"),
    ("由美", "ユミ"),
    ("誠", "マコト"),
    ("陽子", "ヨウコ"),
    ("大輔", "ダイスケ"),
    ("直美", "ナオミ"),
    ("浩", "ヒロシ"),
    ("幸子", "サチコ"),
    ("隆", "タカシ"),
    ("真理", "マリ"),
    ("亮", "リョウ"),
    ("智子", "トモコ"),
    ("修", "オサム"),
    ("明美", "アケミ"),
    ("和夫", "カズオ"),
    ("優子", "ユウコ"),
    ("拓也", "タクヤ"),
    ("久美子", "クミコ"),
    ("聡", "サトシ"),
    ("香織", "カオリ"),
    ("正夫", "マサオ"),
    ("彩", "アヤ"),
    ("洋平", "ヨウヘイ"),
    ("順子", "ジュンコ"),
    ("勇", "イサム"),
    ("千尋", "チヒロ"),
    ("悟", "サトル"),
    ("葵", "アオイ"),
    ("大樹", "ダイキ"),
    ("静江", "シズエ"),
    ("信也", "シンヤ"),
    ("典子", "ノリコ"),
    ("健", "ケン"),
    ("さやか", "サヤカ"),
    ("一郎", "イチロウ"),
];

const PLACES: [(&str, &str); 24] = [
    ("熊本", "クマモト"),
    ("長崎", "ナガサキ"),
    ("前橋", "マエバシ"),
    ("高崎", "タカサキ"),
    ("仙台", "センダイ"),
    ("名古屋", "ナゴヤ"),
    ("那覇", "ナハ"),
    ("札幌", "サッポロ"),
    ("福岡", "フクオカ"),
    ("広島", "ヒロシマ"),
    ("金沢", "カナザワ"),
    ("静岡", "シズオカ"),
    ("佐世保", "サセボ"),
    ("八代", "ヤツシロ"),
    ("浜松", "ハママツ"),
    ("岐阜", "ギフ"),
    ("宮崎", "ミヤザキ"),
    ("新潟", "ニイガタ"),
    ("盛岡", "モリオカ"),
    ("松山", "マツヤマ"),
    ("高知", "コウチ"),
    ("岡山", "オカヤマ"),
    ("横浜", "ヨコハマ"),
    ("沖縄", "オキナワ"),
];

const DISTRICTS: [(&str, &str); 10] = [
    ("中央", "チュウオウ"),
    ("東", "ヒガシ"),
    ("西", "ニシ"),
    ("南", "ミナミ"),
    ("北", "キタ"),
    ("本町", "ホンマチ"),
    ("緑", "ミドリ"),
    ("港", "ミナト"),
    ("桜", "サクラ"),
    ("川辺", "カワベ"),
];

type Template = (&'static str, &'static str, BodyKind);

const GOV_BODIES: [Template; 5] = [
    (
        "保健センター",
        "ホケンセンター",
        BodyKind::PublicHealthCentre,
    ),
    (
        "障害福祉課",
        "ショウガイフクシカ",
        BodyKind::MunicipalSection,
    ),
    ("ハローワーク", "ハローワーク", BodyKind::EmploymentSupport),
    (
        "難病相談支援センター",
        "ナンビョウソウダンシエンセンター",
        BodyKind::IntractableDiseaseSupportCentre,
    ),
    (
        "健康づくり課",
        "ケンコウヅクリカ",
        BodyKind::MunicipalSection,
    ),
];

const MED_BODIES: [Template; 5] = [
    ("総合病院", "ソウゴウビョウイン", BodyKind::Hospital),
    ("医療センター", "イリョウセンター", BodyKind::Hospital),
    (
        "リハビリテーション病院",
        "リハビリテーションビョウイン",
        BodyKind::Hospital,
    ),
    (
        "がん相談支援センター",
        "ガンソウダンシエンセンター",
        BodyKind::ConsultationSupportCentre,
    ),
    ("クリニック", "クリニック", BodyKind::Hospital),
];

const PF_BODIES: [Template; 5] = [
    ("がんサロン", "ガンサロン", BodyKind::CancerSalon),
    ("難病の会", "ナンビョウノカイ", BodyKind::PatientAssociation),
    ("家族会", "カゾクカイ", BodyKind::FamilyAssociation),
    (
        "ピアサポーターの会",
        "ピアサポーターノカイ",
        BodyKind::PeerSupporterGroup,
    ),
    ("患者会", "カンジャカイ", BodyKind::PatientAssociation),
];

const CONDITIONS: [(&str, &str); 14] = [
    ("パーキンソン病", "パーキンソンビョウ"),
    ("潰瘍性大腸炎", "カイヨウセイダイチョウエン"),
    ("全身性エリテマトーデス", "ゼンシンセイエリテマトーデス"),
    ("筋萎縮性側索硬化症", "キンイシュクセイソクサクコウカショウ"),
    ("乳がん", "ニュウガン"),
    ("肺がん", "ハイガン"),
    ("大腸がん", "ダイチョウガン"),
    ("ポリオ後症候群", "ポリオゴショウコウグン"),
    ("脊髄損傷", "セキズイソンショウ"),
    ("統合失調症", "トウゴウシッチョウショウ"),
    ("クローン病", "クローンビョウ"),
    ("多発性硬化症", "タハツセイコウカショウ"),
    ("重症筋無力症", "ジュウショウキンムリョクショウ"),
    ("双極性障害", "ソウキョクセイショウガイ"),
];

const NEEDS: [(&str, &str, NeedArea, ReferralCategory); 5] = [
    (
        "医療相談",
        "イリョウソウダン",
        NeedArea::Medical,
        ReferralCategory::Medical,
    ),
    (
        "生活支援",
        "セイカツシエン",
        NeedArea::WelfareLife,
        ReferralCategory::WelfareLife,
    ),
    (
        "就労相談",
        "シュウロウソウダン",
        NeedArea::Work,
        ReferralCategory::Work,
    ),
    (
        "地域生活",
        "チイキセイカツ",
        NeedArea::Community,
        ReferralCategory::Community,
    ),
    (
        "ピア相談",
        "ピアソウダン",
        NeedArea::Peer,
        ReferralCategory::Peer,
    ),
];

/// Pool roles, cycled: the sector each works in follows from the role.
const POOL_ROLES: [(Role, Sector); 8] = [
    (Role::PeerSupporter, Sector::PatientFamily),
    (Role::Physician, Sector::Medical),
    (Role::Nurse, Sector::Medical),
    (Role::MedicalSocialWorker, Sector::Medical),
    (Role::PublicHealthNurse, Sector::Government),
    (Role::EmploymentSupporter, Sector::Government),
    (Role::Coordinator, Sector::Government),
    (Role::PeerSupporter, Sector::PatientFamily),
];

const PEER_KINDS: [PeerKind; 3] = [
    PeerKind::Volunteer,
    PeerKind::ProVolunteer,
    PeerKind::PeerStaff,
];

/// Synthetic dates fall in 2010–2024, whatever day it is.
fn day(offset: usize) -> Date {
    ymd(2010, 1, 1) + TimeDelta::days(offset as i64)
}

fn plus(d: Date, days: usize) -> Date {
    d + TimeDelta::days(days as i64)
}

/// A person's name and reading, the same for the same pool index.
fn name_of(index: u64, salt: u64) -> (String, String) {
    let h = hash(index, salt);
    let (s, sr) = SURNAMES[(h % SURNAMES.len() as u64) as usize];
    let (g, gr) = GIVEN[((h >> 16) % 40) as usize];
    (format!("{s} {g}"), format!("{sr} {gr}"))
}

fn sector_slot(s: Sector) -> usize {
    match s {
        Sector::Government => 0,
        Sector::Medical => 1,
        Sector::PatientFamily => 2,
    }
}

const MIN_BODIES: usize = 6;
const MIN_POOL: usize = 16;
const SEED: u64 = 0x7472_6961_6400_0001; // "triad"

/// The generator's state: where each kind's ids start, how much of the
/// shared pool exists, and the batch being filled.
struct Gen {
    base: [u64; Kind::ALL.len()],
    made: [u64; Kind::ALL.len()],
    rng: Rng,
    bodies: usize,
    batch: Vec<Record>,
}

fn slot(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

impl Gen {
    fn id(&mut self, kind: Kind) -> Id {
        let s = slot(kind);
        self.made[s] += 1;
        Id::new(kind, self.base[s] + self.made[s])
    }

    fn body_id(&self, index: usize) -> Id {
        Id::new(Kind::Body, self.base[slot(Kind::Body)] + index as u64 + 1)
    }

    /// Bodies cycle through the sectors.
    fn body_sector(index: usize) -> Sector {
        Sector::ALL[index % 3]
    }

    /// A random body of a sector among those already made.
    fn body_of(&mut self, sector: Sector) -> Id {
        let s = sector_slot(sector);
        let count = (self.bodies + 2 - s) / 3;
        let k = self.rng.below(count);
        self.body_id(3 * k + s)
    }

    fn push_body(&mut self) {
        let index = self.bodies;
        let id = self.id(Kind::Body);
        let sector = Self::body_sector(index);
        let h = hash(index as u64, 0xB0D1);
        let (place, pr) = PLACES[(h % 24) as usize];
        let (district, dr) = DISTRICTS[((h >> 8) % 10) as usize];
        let templates = match sector {
            Sector::Government => &GOV_BODIES,
            Sector::Medical => &MED_BODIES,
            Sector::PatientFamily => &PF_BODIES,
        };
        let (t, tr, kind) = templates[((h >> 16) % 5) as usize];
        self.batch.push(Record::Body(Body {
            id,
            name: format!("{place}{district} {t}"),
            reading: Some(format!("{pr}{dr} {tr}")),
            sector,
            kind,
            region: place.to_string(),
            contact: String::new(),
            parent: None,
            cadences: vec![],
            note: "Synthetic demo body".to_string(),
        }));
        self.bodies += 1;
    }
}

/// The shared pool of professionals and peer supporters: person ids by pool
/// index (clients are interleaved with them, so ids are not contiguous).
struct Pool {
    ids: Vec<Id>,
}

impl Pool {
    fn role(index: usize) -> (Role, Sector) {
        POOL_ROLES[index % POOL_ROLES.len()]
    }
}

fn push_pool_person(g: &mut Gen, pool: &mut Pool) {
    let index = pool.ids.len();
    let id = g.id(Kind::Person);
    let (role, sector) = Pool::role(index);
    let (name, reading) = name_of(index as u64, 0x9E09);
    let mut person = Person {
        id,
        name,
        reading: Some(reading),
        roles: vec![role],
        peer_kind: None,
        activity_range: String::new(),
        skills: String::new(),
        contact: String::new(),
        supporter: None,
    };
    if role == Role::PeerSupporter {
        let kind = *g.rng.pick(&PEER_KINDS);
        let (place, _) = *g.rng.pick(&PLACES);
        let (cond, _) = *g.rng.pick(&CONDITIONS);
        person.peer_kind = Some(kind);
        person.activity_range = match kind {
            PeerKind::Volunteer => format!("{place}; weekends, salon and phone"),
            PeerKind::ProVolunteer => format!("{place} and nearby; hospital visits by appointment"),
            PeerKind::PeerStaff => format!("{place}; full-time at the office, home visits"),
        };
        person.skills = format!("Own experience of {cond}; listening");
    }
    g.batch.push(Record::Person(person));
    // Every pool person works somewhere of their sector; some moved on.
    let body = g.body_of(sector);
    let from = day(g.rng.below(365 * 10));
    let title = match role {
        Role::PeerSupporter => "ピアサポーター",
        Role::Physician => "医師",
        Role::Nurse => "看護師",
        Role::MedicalSocialWorker => "医療ソーシャルワーカー",
        Role::PublicHealthNurse => "保健師",
        Role::EmploymentSupporter => "就労支援員",
        _ => "コーディネーター",
    };
    if g.rng.chance(15) {
        let until = plus(from, 200 + g.rng.below(1500));
        let aid = g.id(Kind::Affiliation);
        g.batch.push(Record::Affiliation(Affiliation {
            id: aid,
            person: id,
            body,
            title: title.to_string(),
            from,
            until: Some(until),
        }));
        let next = g.body_of(sector);
        let aid = g.id(Kind::Affiliation);
        g.batch.push(Record::Affiliation(Affiliation {
            id: aid,
            person: id,
            body: next,
            title: title.to_string(),
            from: plus(until, 1),
            until: None,
        }));
    } else {
        let aid = g.id(Kind::Affiliation);
        g.batch.push(Record::Affiliation(Affiliation {
            id: aid,
            person: id,
            body,
            title: title.to_string(),
            from,
            until: None,
        }));
    }
    pool.ids.push(id);
}

/// A random pool person of a sector (or any, if none of it exists yet).
fn pool_of(g: &mut Gen, pool: &Pool, role: Option<Role>, sector: Sector) -> (Id, usize) {
    for _ in 0..64 {
        let k = g.rng.below(pool.ids.len());
        let (r, s) = Pool::role(k);
        if s == sector && role.is_none_or(|want| want == r) {
            return (pool.ids[k], k);
        }
    }
    let k = g.rng.below(pool.ids.len());
    (pool.ids[k], k)
}

/// A legal referral history ending in `status`, from `start`.
fn history(status: ReferralStatus, start: Date, rng: &mut Rng, by: &str) -> Vec<Transition> {
    use ReferralStatus::*;
    let path: &[ReferralStatus] = match status {
        Proposed => &[Proposed],
        Sent => &[Proposed, Sent],
        Accepted => &[Proposed, Sent, Accepted],
        Declined => &[Proposed, Sent, Declined],
        Completed => &[Proposed, Sent, Accepted, Completed],
        Cancelled => {
            if rng.chance(50) {
                &[Proposed, Cancelled]
            } else {
                &[Proposed, Sent, Cancelled]
            }
        }
    };
    let mut on = start;
    path.iter()
        .map(|s| {
            let t = Transition {
                status: *s,
                on,
                by: by.to_string(),
                note: String::new(),
                provision: None,
            };
            on = plus(on, 1 + rng.below(20));
            t
        })
        .collect()
}

fn trust(level: usize) -> TrustLevel {
    TrustLevel::new(level.clamp(1, 5) as u8).expect("a clamped trust level is in range")
}

/// Adds `cases` synthetic cases (with their bodies, people, affiliations,
/// referrals, notes, events, relationships, consents and partnerships) to the
/// store, importing about [`BATCH`] records at a time. Ids continue after the
/// highest id of each kind already stored, so it can run after [`super::seed`]
/// or on its own. The records are the same for the same `cases`, whatever the
/// day. `progress` is called after each batch with (cases done, cases).
pub fn seed_scale(
    store: &dyn Store,
    cases: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Summary, StoreError> {
    let mut summary = Summary::default();
    if cases == 0 {
        progress(0, 0);
        return Ok(summary);
    }
    let mut base = [0u64; Kind::ALL.len()];
    for kind in Kind::ALL {
        let mut max = 0;
        store.scan(kind, &mut |r| {
            max = max.max(r.id().num);
            true
        })?;
        base[slot(kind)] = max;
    }
    let mut g = Gen {
        base,
        made: [0; Kind::ALL.len()],
        rng: Rng::new(SEED),
        bodies: 0,
        batch: Vec::with_capacity(BATCH),
    };
    let mut pool = Pool {
        ids: Vec::with_capacity(MIN_POOL.max(cases / 2)),
    };
    let body_target = MIN_BODIES.max(cases / 10);
    let pool_target = MIN_POOL.max(cases / 2);
    let mut flush = |g: &mut Gen, done: usize, summary: &mut Summary| -> Result<(), StoreError> {
        if g.batch.is_empty() {
            return Ok(());
        }
        let mut batch = std::mem::replace(&mut g.batch, Vec::with_capacity(BATCH));
        super::record_provisions(&mut batch);
        for r in &batch {
            summary.add(r.kind(), 1);
        }
        store.import(batch, &mut |_, _| {})?;
        progress(done, cases);
        Ok(())
    };
    for i in 0..cases {
        // Grow the shared pool in step with the cases.
        let want_bodies = body_target.min(MIN_BODIES.max((i + 1) * body_target / cases));
        while g.bodies < want_bodies {
            g.push_body();
        }
        let want_pool = pool_target.min(MIN_POOL.max((i + 1) * pool_target / cases));
        while pool.ids.len() < want_pool {
            push_pool_person(&mut g, &mut pool);
        }
        add_case(&mut g, &pool, i);
        if g.batch.len() + 40 > BATCH {
            flush(&mut g, i + 1, &mut summary)?;
        }
    }
    flush(&mut g, cases, &mut summary)?;
    Ok(summary)
}

/// One synthetic case and everything hanging off it.
fn add_case(g: &mut Gen, pool: &Pool, i: usize) {
    // Client
    let client = g.id(Kind::Person);
    let (cname, creading) = name_of(i as u64, 0xC11E);
    let surname = cname.split(' ').next().unwrap_or("").to_string();
    let sreading = creading.split(' ').next().unwrap_or("").to_string();
    g.batch.push(Record::Person(Person {
        id: client,
        name: format!("{cname}（仮名）"),
        reading: Some(creading),
        roles: vec![Role::Client],
        peer_kind: None,
        activity_range: String::new(),
        skills: String::new(),
        contact: String::new(),
        supporter: None,
    }));

    let id = g.id(Kind::Case);
    let (place, pr) = PLACES[g.rng.below(PLACES.len())];
    let (cond, cr) = CONDITIONS[g.rng.below(CONDITIONS.len())];
    let (need, nr, area, category) = NEEDS[g.rng.below(NEEDS.len())];
    let opened = day(365 * 4 + g.rng.below(365 * 10));
    let (coord, coord_k) = pool_of(g, pool, Some(Role::Coordinator), Sector::Government);
    let (coord_name, _) = name_of(coord_k as u64, 0x9E09);

    // Status and its history.
    let target = match g.rng.below(10) {
        0 => CaseStatus::Intake,
        1..=5 => CaseStatus::Active,
        6..=7 => CaseStatus::Monitoring,
        _ => CaseStatus::Closed,
    };
    let mut history = vec![StatusChange {
        status: CaseStatus::Intake,
        on: opened,
        by: coord_name.clone(),
        note: String::new(),
    }];
    let mut on = opened;
    for s in [
        CaseStatus::Active,
        CaseStatus::Monitoring,
        CaseStatus::Closed,
    ] {
        if target < s {
            break;
        }
        on = plus(on, 7 + g.rng.below(300));
        history.push(StatusChange {
            status: s,
            on,
            by: coord_name.clone(),
            note: String::new(),
        });
    }

    // Parties: a body of each sector, a peer supporter, sometimes a medical person.
    let mut parties = vec![];
    for (sector, role) in [
        (Sector::Government, "相談窓口"),
        (Sector::Medical, "医療機関"),
        (Sector::PatientFamily, "患者会・サロン"),
    ] {
        let body = g.body_of(sector);
        parties.push(CaseParty {
            party: body,
            sector,
            role: role.to_string(),
            from: opened,
            until: None,
        });
    }
    let (peer, peer_k) = pool_of(g, pool, Some(Role::PeerSupporter), Sector::PatientFamily);
    let (peer_name, _) = name_of(peer_k as u64, 0x9E09);
    parties.push(CaseParty {
        party: peer,
        sector: Sector::PatientFamily,
        role: "ピアサポーター".to_string(),
        from: opened,
        until: None,
    });
    if g.rng.chance(50) {
        let (p, _) = pool_of(g, pool, None, Sector::Medical);
        parties.push(CaseParty {
            party: p,
            sector: Sector::Medical,
            role: "担当者".to_string(),
            from: plus(opened, g.rng.below(60)),
            until: None,
        });
    }
    if g.rng.chance(30) {
        let k = g.rng.below(parties.len());
        let from = parties[k].from;
        parties[k].until = Some(plus(from, 30 + g.rng.below(400)));
    }

    let status = target;
    g.batch.push(Record::Case(Case {
        id,
        title: format!("{place} {cond} {need}（{surname}さん）"),
        reading: Some(format!("{pr} {cr} {nr}（{sreading}サン）")),
        client: Some(client),
        status,
        status_history: history,
        coordinator: Some(coord),
        condition: cond.to_string(),
        needs: vec![Need {
            on: opened,
            area,
            text: format!("{need}: synthetic need"),
        }],
        goals: vec![Goal {
            kind: *g
                .rng
                .pick(&[GoalKind::Clinical, GoalKind::Personal, GoalKind::Social]),
            text: "Synthetic goal".to_string(),
            set_on: opened,
        }],
        parties: parties.clone(),
        changed: at(on, 9),
        entered: None,
    }));

    // Referrals along the routes: from the peer supporter to another party.
    for _ in 0..1 + g.rng.below(3) {
        let to = parties[g.rng.below(3)].party;
        let start = plus(opened, g.rng.below(200));
        // As in a real caseload, old referrals have mostly run their course;
        // any state is likely only near the end of the span, and a few old
        // ones were never followed up.
        let recent = start >= day(365 * 14 - 180);
        let status = if recent || g.rng.chance(2) {
            ReferralStatus::ALL[g.rng.below(6)]
        } else {
            *g.rng.pick(&[
                ReferralStatus::Completed,
                ReferralStatus::Completed,
                ReferralStatus::Completed,
                ReferralStatus::Declined,
                ReferralStatus::Cancelled,
            ])
        };
        let rid = g.id(Kind::Referral);
        let hist = history_for(g, status, start, &peer_name);
        let open = status.is_open();
        let last = hist.last().map_or(start, |t| t.on);
        let declined = status == ReferralStatus::Declined;
        let by_client = g.rng.chance(50);
        g.batch.push(Record::Referral(Referral {
            id: rid,
            case: id,
            from: peer,
            to,
            category,
            reason: format!("{need}の紹介"),
            history: hist,
            declined_by: declined.then_some(if by_client {
                DeclinedBy::Client
            } else {
                DeclinedBy::Receiver
            }),
            decline_reason: if declined {
                if by_client {
                    "Client chose to wait".to_string()
                } else {
                    "Receiver had no capacity".to_string()
                }
            } else {
                String::new()
            },
            follow_up: open.then(|| plus(last, 14)),
            outcome: if status == ReferralStatus::Completed {
                "Done".to_string()
            } else {
                String::new()
            },
            corrections: vec![],
            entered: None,
        }));
    }

    // A relationship between the peer supporter and the medical body.
    let rel = g.id(Kind::Relationship);
    let steps = 1 + g.rng.below(3);
    let first = 1 + g.rng.below(2);
    let mut when = opened;
    let mut changes = vec![];
    for level in first..first + steps {
        changes.push(TrustChange {
            on: when,
            level: trust(level),
            by: coord_name.clone(),
        });
        when = plus(when, 30 + g.rng.below(300));
    }
    g.batch.push(Record::Relationship(Relationship {
        id: rel,
        a: peer,
        b: parties[1].party,
        case: Some(id),
        trust: changes,
        entered: None,
    }));

    // Notes at every level of confidentiality.
    for k in 0..1 + g.rng.below(3) {
        let nid = g.id(Kind::TrustNote);
        let conf = match g.rng.below(10) {
            0..=4 => Confidentiality::Shared,
            5..=7 => Confidentiality::Team,
            _ => Confidentiality::Private,
        };
        let d = plus(opened, g.rng.below(300));
        g.batch.push(Record::TrustNote(TrustNote {
            id: nid,
            case: Some(id),
            relationship: (k == 0).then_some(rel),
            about: None,
            author: coord_name.clone(),
            at: at(d, 10 + k as i64),
            text: format!("Synthetic note {k} on {place} {cond}"),
            confidentiality: conf,
            trust_change: None,
            corrects: None,
            entered: None,
        }));
    }

    // About one event per case.
    if g.rng.chance(90) {
        let eid = g.id(Kind::Event);
        let kind = *g.rng.pick(&[
            EventKind::Meeting,
            EventKind::Consultation,
            EventKind::Salon,
            EventKind::Training,
            EventKind::CheckUp,
        ]);
        let attendance = matches!(kind, EventKind::Salon | EventKind::Training).then(|| {
            Attendance::full(
                3 + g.rng.below(20) as u32,
                g.rng.below(6) as u32,
                g.rng.below(4) as u32,
            )
        });
        g.batch.push(Record::Event(Event {
            id: eid,
            date: plus(opened, g.rng.below(365)),
            end: None,
            kind,
            title: format!("{place} {need} ケース会議"),
            parties: vec![parties[0].party, parties[1].party, parties[2].party],
            partnership: None,
            case: Some(id),
            attendance,
            course: None,
            note: String::new(),
        }));
    }

    // Most clients consent; some withdraw.
    if g.rng.chance(80) {
        let kid = g.id(Kind::Consent);
        let given = plus(opened, g.rng.below(14));
        let withdrawn = g.rng.chance(10).then(|| plus(given, 30 + g.rng.below(300)));
        g.batch.push(Record::Consent(Consent {
            id: kid,
            client,
            case: id,
            granted_to: vec![peer, parties[1].party],
            scope: ConsentScope {
                intervention: g.rng.chance(50),
                information_sharing: true,
                information: vec!["診断名 (diagnosis)".to_string()],
            },
            given_on: given,
            expires_on: Some(plus(given, 365)),
            withdrawn_on: withdrawn,
            obtained_how: "In writing (synthetic)".to_string(),
        }));
    }

    // A partnership between bodies every twenty cases.
    if i % 20 == 19 {
        let sid = g.id(Kind::Partnership);
        let a = g.body_of(Sector::Government);
        let b = g.body_of(Sector::Medical);
        let c = g.body_of(Sector::PatientFamily);
        let started = day(g.rng.below(365 * 10));
        let ended = g
            .rng
            .chance(25)
            .then(|| plus(started, 365 + g.rng.below(365 * 4)));
        g.batch.push(Record::Partnership(Partnership {
            id: sid,
            title: format!("{place} 三者連携 {}", i / 20 + 1),
            parties: vec![a, b, c],
            started,
            ended,
            description: "Synthetic partnership".to_string(),
            cadences: vec![],
        }));
    }
}

fn history_for(g: &mut Gen, status: ReferralStatus, start: Date, by: &str) -> Vec<Transition> {
    history(status, start, &mut g.rng, by)
}
