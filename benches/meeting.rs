//! Meeting mode's masking, printed (never asserted):
//!
//! - the time to learn N people's names (what a client does as the
//!   names of a big store arrive), and how many patterns that makes;
//! - the time to mask one frame's worth of text (80x24 and 200x50 of case
//!   titles, each with a client's surname).
//!
//! Run with `cargo bench --bench meeting`. `TRIAD_BENCH_PEOPLE=10000,160000`
//! picks other sizes. The names are all different (the worst case: a real
//! store repeats surnames and given names).

use std::time::Instant;

use triad::model::{Id, Kind, Masker};

const KANA: [&str; 20] = [
    "ア", "カ", "サ", "タ", "ナ", "ハ", "マ", "ヤ", "ラ", "ワ", "イ", "キ", "シ", "チ", "ニ", "ヒ",
    "ミ", "リ", "ウ", "ク",
];
const KANJI: [&str; 20] = [
    "山", "田", "川", "本", "中", "村", "木", "林", "森", "井", "上", "野", "原", "藤", "高", "橋",
    "小", "松", "石", "島",
];

/// Person `i`'s name and reading, different for every `i` below 20^4.
fn name(i: usize) -> (String, String) {
    let digits = [i % 20, i / 20 % 20, i / 400 % 20, i / 8000 % 20];
    let surname = format!("{}{}", KANJI[digits[0]], KANJI[digits[1]]);
    let sur_reading = format!("{}{}", KANA[digits[0]], KANA[digits[1]]);
    let given = format!("{}{}", KANJI[digits[2]], KANJI[digits[3]]);
    let given_reading = format!("{}{}", KANA[digits[2]], KANA[digits[3]]);
    (
        format!("{surname} {given}（仮名）"),
        format!("{sur_reading} {given_reading}"),
    )
}

fn main() {
    let sizes: Vec<usize> = std::env::var("TRIAD_BENCH_PEOPLE")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 160_000]);
    for n in sizes {
        let names: Vec<(String, String)> = (0..n).map(name).collect();
        let start = Instant::now();
        let mut masker = Masker::default();
        for (i, (name, reading)) in names.iter().enumerate() {
            // One in ten is a professional, kept whole.
            let private = i % 10 != 0;
            let id = Id::new(Kind::Person, i as u64 + 1);
            masker.add(id, name, Some(reading), private);
        }
        let learned = start.elapsed();
        println!(
            "meeting: learned {n} names in {learned:.2?} ({:.1} µs each)",
            learned.as_secs_f64() * 1e6 / n as f64
        );
        for (w, h) in [(80usize, 24usize), (200, 50)] {
            // Rows of case titles, each with a client's surname in it.
            let rows: Vec<String> = (0..h)
                .map(|r| {
                    let (name, _) = &names[(r * 7919) % n];
                    let surname = name.split(' ').next().unwrap_or_default();
                    let mut row = format!("C-{r:04} 熊本 乳がん 治療と仕事の両立（{surname}さん）");
                    while row.chars().count() < w / 2 {
                        row.push_str(" 就労支援");
                    }
                    row
                })
                .collect();
            let rounds = 200;
            let start = Instant::now();
            let mut changed = 0;
            for _ in 0..rounds {
                for row in &rows {
                    changed +=
                        usize::from(matches!(masker.mask(row, None), std::borrow::Cow::Owned(_)));
                }
            }
            let per_frame = start.elapsed() / rounds;
            println!(
                "meeting: masking a {w}x{h} frame of titles with {n} names learned: {per_frame:.2?} ({} of {h} rows masked)",
                changed / rounds as usize
            );
        }
    }
}
