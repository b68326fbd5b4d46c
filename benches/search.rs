//! Search benchmark (a program, `harness = false`): build time, memory and
//! per-keystroke latency at 100,000 and 1,000,000 synthetic Japanese names,
//! compared with `fzf --filter` when fzf is installed.
//!
//! Run: `cargo bench --bench search` (sizes can be given: `-- 100000`).

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use triad::search::{Doc, DocKind, Index, SearchOptions, Session};

/// Deterministic pseudo-random numbers.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() % items.len()]
    }
}

type Part = (&'static str, &'static str);

const PREFECTURES: &[Part] = &[
    ("北海道", "ホッカイドウ"),
    ("青森県", "アオモリケン"),
    ("宮城県", "ミヤギケン"),
    ("福島県", "フクシマケン"),
    ("群馬県", "グンマケン"),
    ("千葉県", "チバケン"),
    ("東京都", "トウキョウト"),
    ("神奈川県", "カナガワケン"),
    ("新潟県", "ニイガタケン"),
    ("長野県", "ナガノケン"),
    ("静岡県", "シズオカケン"),
    ("愛知県", "アイチケン"),
    ("京都府", "キョウトフ"),
    ("大阪府", "オオサカフ"),
    ("兵庫県", "ヒョウゴケン"),
    ("広島県", "ヒロシマケン"),
    ("香川県", "カガワケン"),
    ("福岡県", "フクオカケン"),
    ("長崎県", "ナガサキケン"),
    ("熊本県", "クマモトケン"),
    ("鹿児島県", "カゴシマケン"),
    ("沖縄県", "オキナワケン"),
];
const CITIES: &[Part] = &[
    ("仙台", "センダイ"),
    ("札幌", "サッポロ"),
    ("前橋", "マエバシ"),
    ("高崎", "タカサキ"),
    ("横浜", "ヨコハマ"),
    ("川崎", "カワサキ"),
    ("名古屋", "ナゴヤ"),
    ("豊橋", "トヨハシ"),
    ("神戸", "コウベ"),
    ("姫路", "ヒメジ"),
    ("岡山", "オカヤマ"),
    ("松山", "マツヤマ"),
    ("北九州", "キタキュウシュウ"),
    ("佐世保", "サセボ"),
    ("那覇", "ナハ"),
    ("八代", "ヤツシロ"),
    ("新宿", "シンジュク"),
    ("世田谷", "セタガヤ"),
    ("東海", "トウカイ"),
    ("中央", "チュウオウ"),
];
const ORGS: &[Part] = &[
    ("がん連携サポートセンター", "ガンレンケイサポートセンター"),
    ("難病相談支援センター", "ナンビョウソウダンシエンセンター"),
    ("保健所", "ホケンジョ"),
    ("健康増進課", "ケンコウゾウシンカ"),
    ("障害福祉課", "ショウガイフクシカ"),
    ("大学病院", "ダイガクビョウイン"),
    ("市民病院", "シミンビョウイン"),
    (
        "リハビリテーション支援センター",
        "リハビリテーションシエンセンター",
    ),
    ("がん相談支援センター", "ガンソウダンシエンセンター"),
    ("地域包括支援センター", "チイキホウカツシエンセンター"),
    ("ハローワーク", "ハローワーク"),
    ("就労支援センター", "シュウロウシエンセンター"),
    ("がんサロン", "ガンサロン"),
    ("ピアサポーター連絡会", "ピアサポーターレンラクカイ"),
    ("患者家族会", "カンジャカゾクカイ"),
];
const GROUPS: &[Part] = &[
    ("ポリオの会", "ポリオノカイ"),
    ("脊髄損傷者協会", "セキズイソンショウシャキョウカイ"),
    ("難病連絡協議会", "ナンビョウレンラクキョウギカイ"),
    ("パーキンソン病友の会", "パーキンソンビョウトモノカイ"),
    ("膠原病友の会", "コウゲンビョウトモノカイ"),
    ("ＡＬＳ協会", "エーエルエスキョウカイ"),
    (
        "心臓病の子どもを守る会",
        "シンゾウビョウノコドモヲマモルカイ",
    ),
    ("精神保健福祉会", "セイシンホケンフクシカイ"),
];
/// The demo generator's surnames: one list of names for the whole project.
const SURNAMES: &[Part] = &triad::demo::SURNAMES;
const GIVEN: &[Part] = &[
    ("花子", "ハナコ"),
    ("太郎", "タロウ"),
    ("一郎", "イチロウ"),
    ("陽子", "ヨウコ"),
    ("健一", "ケンイチ"),
    ("美香", "ミカ"),
    ("翔太", "ショウタ"),
    ("由美", "ユミ"),
    ("誠", "マコト"),
    ("恵子", "ケイコ"),
    ("大輔", "ダイスケ"),
    ("直子", "ナオコ"),
    ("修", "オサム"),
    ("千尋", "チヒロ"),
    ("淳", "ジュン"),
    ("智子", "トモコ"),
    ("拓也", "タクヤ"),
    ("順子", "ジュンコ"),
    ("亮", "リョウ"),
    ("幸子", "サチコ"),
];
const EVENTS: &[Part] = &[
    ("ピアサポーター養成研修", "ピアサポーターヨウセイケンシュウ"),
    ("フォローアップ研修", "フォローアップケンシュウ"),
    ("集団検診", "シュウダンケンシン"),
    ("医療相談会", "イリョウソウダンカイ"),
    ("理事会", "リジカイ"),
    ("サロン例会", "サロンレイカイ"),
    ("講演会", "コウエンカイ"),
];
const TITLES: &[&str] = &[
    "医師",
    "看護師",
    "理学療法士",
    "作業療法士",
    "医療ソーシャルワーカー",
    "保健師",
    "ケアマネジャー",
    "ピアサポーター",
    "コーディネーター",
];

/// `n` plausible documents: people, bodies, groups, cases, events.
fn synthetic(n: usize) -> Vec<Doc> {
    let mut rng = Lcg(2024);
    let mut docs = Vec::with_capacity(n);
    for i in 0..n {
        let roll = rng.next() % 100;
        let (kind, letter, name, reading, extra) = if roll < 35 {
            let (s, sr) = rng.pick(SURNAMES);
            let (g, gr) = rng.pick(GIVEN);
            (
                DocKind::Person,
                'P',
                format!("{s} {g}"),
                format!("{sr} {gr}"),
                vec![rng.pick(TITLES).to_string()],
            )
        } else if roll < 60 {
            let (p, pr) = rng.pick(PREFECTURES);
            let (o, or) = rng.pick(ORGS);
            if rng.next().is_multiple_of(2) {
                let (c, cr) = rng.pick(CITIES);
                (
                    DocKind::Body,
                    'B',
                    format!("{p}{c}{o}"),
                    format!("{pr}{cr}{or}"),
                    Vec::new(),
                )
            } else {
                (
                    DocKind::Body,
                    'B',
                    format!("{p}{o}"),
                    format!("{pr}{or}"),
                    Vec::new(),
                )
            }
        } else if roll < 72 {
            let (c, cr) = rng.pick(CITIES);
            let (g, gr) = rng.pick(GROUPS);
            (
                DocKind::Body,
                'B',
                format!("{c}{g}"),
                format!("{cr}{gr}"),
                Vec::new(),
            )
        } else if roll < 92 {
            let (s, sr) = rng.pick(SURNAMES);
            let (g, gr) = rng.pick(GIVEN);
            (
                DocKind::Case,
                'C',
                format!("{s} {g}"),
                format!("{sr} {gr}"),
                vec!["就労".into()],
            )
        } else {
            let (c, cr) = rng.pick(CITIES);
            let (e, er) = rng.pick(EVENTS);
            let year = 2006 + rng.next() % 19;
            (
                DocKind::Event,
                'E',
                format!("{year}年 {c}{e}"),
                format!("{cr}{er}"),
                Vec::new(),
            )
        };
        docs.push(Doc {
            kind,
            id: format!("{letter}-{i:04}"),
            name,
            reading: Some(reading),
            extra,
            changed: 1_600_000_000 + (rng.next() % 200_000_000) as i64,
            restricted: i % 50 == 0,
        });
    }
    docs
}

/// Queries typed one char at a time: romaji, kana, kanji, id, abbreviations.
const QUERIES: &[&str] = &[
    "kumamoto",
    "porio",
    "sendai",
    "toukyou",
    "yamada hanako",
    "nagasaki kenshu",
    "長崎 研修",
    "nanbyou",
    "sapo-to",
    "ぽりお",
    "くまもと",
    "サポート",
    "ヤマダ",
    "難病相談",
    "熊本県",
    "C-7",
    "P-1234",
    "kmmt",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn fzf_available() -> bool {
    Command::new("fzf")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Median wall time of `fzf --filter query < file`, and its number of lines out.
fn time_fzf(path: &std::path::Path, query: &str) -> Option<(Duration, usize)> {
    let mut times = Vec::new();
    let mut lines = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let out = Command::new("fzf")
            .arg("--filter")
            .arg(query)
            .stdin(std::fs::File::open(path).ok()?)
            .output()
            .ok()?;
        times.push(start.elapsed());
        lines = out
            .stdout
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .count();
    }
    times.sort();
    Some((times[1], lines))
}

struct Stats {
    p50: Duration,
    p95: Duration,
    max: Duration,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    Stats {
        p50: percentile(&v, 0.5),
        p95: percentile(&v, 0.95),
        max: v.last().copied().unwrap_or_default(),
    }
}

/// Per-keystroke p95 targets: 16 ms at 100,000 documents, 100 ms at 1,000,000.
fn target_ms(n: usize) -> f64 {
    if n <= 100_000 { 16.0 } else { 100.0 }
}

fn run(n: usize, fzf: bool) {
    println!("== {n} documents ==");
    measure(synthetic(n), fzf, target_ms(n));
}

/// The store `triad demo --scale 100000` makes (shared with the TUI bench
/// under target/tui-bench/, built once with the real binary if missing),
/// indexed through `doc_for` exactly as the finder indexes it.
fn run_store(scale: usize, fzf: bool) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("tui-bench")
        .join(format!("scale-{scale}"));
    if !dir.join("seeded").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!(
            "building the store of `triad demo --scale {scale}` in {} (once)",
            dir.display()
        );
        let ok = Command::new(env!("CARGO_BIN_EXE_triad"))
            .args(["demo", "--scale", &scale.to_string(), "--store"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok || std::fs::write(dir.join("seeded"), "").is_err() {
            println!("store of scale {scale}: could not be built, skipped");
            return;
        }
    }
    let store = match triad::store::SledStore::open(&dir) {
        Ok(s) => s,
        Err(e) => {
            println!("store of scale {scale}: {e}, skipped");
            return;
        }
    };
    let start = Instant::now();
    let docs = match triad::search::docs_in(&store, None) {
        Ok(d) => d,
        Err(e) => {
            println!("store of scale {scale}: {e}, skipped");
            return;
        }
    };
    println!(
        "== the store of `triad demo --scale {scale}`: {} documents (read in {:.1} s) ==",
        docs.len(),
        start.elapsed().as_secs_f64()
    );
    // The store of 100,000 cases is the "100,000" of the targets.
    measure(docs, fzf, 16.0);
}

fn measure(docs: Vec<Doc>, fzf: bool, target: f64) {
    let n = docs.len();
    let names: Vec<String> = docs.iter().map(|d| d.name.clone()).collect();
    let rss_before = rss_mib();
    let start = Instant::now();
    let index = Index::build(docs);
    let build = start.elapsed();
    let rss_after = rss_mib();
    println!(
        "build: {:.0} ms ({:.2} µs/doc); index memory estimate {:.0} MiB ({:.0} B/doc){}",
        ms(build),
        build.as_secs_f64() * 1e6 / n as f64,
        index.memory_estimate() as f64 / 1048576.0,
        index.memory_estimate() as f64 / n as f64,
        match (rss_before, rss_after) {
            (Some(a), Some(b)) => format!(
                "; process RSS {a:.0} MiB with the generated docs → {b:.0} MiB with the index"
            ),
            _ => String::new(),
        }
    );

    let opts = SearchOptions::limit(50);
    let rounds = if n > 200_000 { 2 } else { 5 };
    let mut session_all = Vec::new();
    let mut fresh_all = Vec::new();
    println!(
        "{:<16} {:>5} {:>9} {:>9} {:>9} {:>9} {:>6}",
        "query", "keys", "sess p50", "sess p95", "sess max", "fresh p95", "hits"
    );
    let mut per_query = Vec::new();
    for q in QUERIES {
        let chars: Vec<char> = q.chars().collect();
        let mut session_t = Vec::new();
        let mut fresh_t = Vec::new();
        let mut hits = 0;
        for _ in 0..rounds {
            let mut session = Session::new();
            for k in 1..=chars.len() {
                let prefix: String = chars[..k].iter().collect();
                let t = Instant::now();
                let r = session.search(&index, &prefix, &opts);
                session_t.push(t.elapsed());
                hits = r.hits.len();
                let t = Instant::now();
                std::hint::black_box(index.search_with(&prefix, &opts));
                fresh_t.push(t.elapsed());
            }
        }
        let s = stats(session_t.clone());
        let f = stats(fresh_t.clone());
        println!(
            "{:<16} {:>5} {:>7.2}ms {:>7.2}ms {:>7.2}ms {:>7.2}ms {:>6}",
            q,
            chars.len(),
            ms(s.p50),
            ms(s.p95),
            ms(s.max),
            ms(f.p95),
            hits
        );
        per_query.push((q, s));
        session_all.extend(session_t);
        fresh_all.extend(fresh_t);
    }
    let s = stats(session_all);
    let f = stats(fresh_all);
    println!(
        "per keystroke, all queries: session p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms; fresh search p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        ms(s.p50),
        ms(s.p95),
        ms(s.max),
        ms(f.p50),
        ms(f.p95),
        ms(f.max)
    );

    println!(
        "target p95 < {target:.0} ms per keystroke: session {}, fresh {}",
        if ms(s.p95) < target { "met" } else { "MISSED" },
        if ms(f.p95) < target { "met" } else { "MISSED" }
    );

    if !fzf {
        println!("fzf: not found on PATH, comparison skipped");
        return;
    }
    let path =
        std::env::temp_dir().join(format!("triad-bench-names-{n}-{}.txt", std::process::id()));
    let written = std::fs::File::create(&path).and_then(|f| {
        let mut w = std::io::BufWriter::new(f);
        for name in &names {
            writeln!(w, "{name}")?;
        }
        w.flush()
    });
    if let Err(e) = written {
        println!(
            "fzf: cannot write {}: {e}, comparison skipped",
            path.display()
        );
        return;
    }
    println!(
        "{:<16} {:>12} {:>10} {:>14}",
        "query", "fzf filter", "fzf lines", "ours p50/fzf"
    );
    for (q, s) in &per_query {
        match time_fzf(&path, q) {
            Some((t, lines)) => println!(
                "{:<16} {:>10.2}ms {:>10} {:>14.3}",
                q,
                ms(t),
                lines,
                s.p50.as_secs_f64() / t.as_secs_f64()
            ),
            None => println!("{q:<16} fzf failed"),
        }
    }
    let _ = std::fs::remove_file(&path);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sizes: Vec<usize> = args
        .iter()
        .filter_map(|a| a.replace('_', "").parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100_000, 1_000_000]
    } else {
        sizes
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "triad search benchmark: {cores} cores, {} search threads",
        cores.min(4)
    );
    println!(
        "per keystroke = each prefix of the query typed one char at a time; session = narrowing"
    );
    println!("Session (what the UI uses), fresh = Index::search_with from scratch; limit 50 hits");
    let fzf = fzf_available();
    if !args.iter().any(|a| a == "--no-store") {
        run_store(100_000, fzf);
        println!();
    }
    for n in sizes {
        run(n, fzf);
        println!();
    }
}
