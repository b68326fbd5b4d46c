//! Search-as-you-type: narrowing and the backspace cache must give exactly
//! what a fresh search gives; generations identify stale answers.

use triad::search::{Doc, DocKind, Generation, Index, SearchOptions, Session};

/// Deterministic pseudo-random numbers (no external crate needed).
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

const PLACES: &[(&str, &str)] = &[
    ("熊本", "クマモト"),
    ("仙台", "センダイ"),
    ("長崎", "ナガサキ"),
    ("群馬", "グンマ"),
    ("東京", "トウキョウ"),
    ("沖縄", "オキナワ"),
    ("千葉", "チバ"),
    ("新宿", "シンジュク"),
    ("福島", "フクシマ"),
];
const THINGS: &[(&str, &str)] = &[
    ("ポリオの会", "ポリオノカイ"),
    ("がんサロン", "ガンサロン"),
    ("難病相談支援センター", "ナンビョウソウダンシエンセンター"),
    ("ピアサポーター連絡会", "ピアサポーターレンラクカイ"),
    ("保健所", "ホケンジョ"),
    ("脊髄損傷者協会", "セキズイソンショウシャキョウカイ"),
    ("新聞", "シンブン"),
    ("ＡＢＣ病院", "エービーシービョウイン"),
    ("ﾎﾟﾘｵ友の会", "ポリオトモノカイ"),
    ("茶話会", "チャワカイ"),
];

fn corpus(n: usize) -> Vec<Doc> {
    let mut rng = Lcg(7);
    (0..n)
        .map(|i| {
            let (p, pr) = rng.pick(PLACES);
            let (t, tr) = rng.pick(THINGS);
            let kind = *rng.pick(&[
                DocKind::Case,
                DocKind::Body,
                DocKind::Person,
                DocKind::Event,
                DocKind::Note,
            ]);
            let letter = match kind {
                DocKind::Case => 'C',
                DocKind::Body => 'B',
                DocKind::Person => 'P',
                DocKind::Event => 'E',
                DocKind::Note => 'N',
                DocKind::Partnership => 'S',
                DocKind::Course => 'G',
                DocKind::Record => 'R',
            };
            Doc {
                kind,
                id: format!("{letter}-{i:04}"),
                name: format!("{p}{t}"),
                reading: Some(format!("{pr}{tr}")),
                extra: if i % 5 == 0 {
                    vec![format!("第{}回", i % 13)]
                } else {
                    Vec::new()
                },
                changed: (rng.next() % 50) as i64,
                restricted: i % 17 == 0,
            }
        })
        .collect()
}

/// Every prefix of `word`, then back down again (backspace).
fn type_and_erase(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let up: Vec<String> = (0..=chars.len())
        .map(|k| chars[..k].iter().collect())
        .collect();
    up.iter().chain(up.iter().rev().skip(1)).cloned().collect()
}

fn check_session_equals_fresh(index: &Index, opts: &SearchOptions, queries: &[String]) {
    let mut session = Session::new();
    for q in queries {
        let got = session.search(index, q, opts).hits;
        let fresh = index.search_with(q, opts);
        assert_eq!(got, fresh, "session differs from fresh search for {q:?}");
    }
}

const WORDS: &[&str] = &[
    "kumamoto",
    "porio",
    "ぽりお",
    "ポリオの会",
    "ﾎﾟﾘｵ",
    "C-7",
    "c-0012",
    "b12",
    "sendai",
    "さぽーと",
    "toukyou",
    "tohkyoh",
    "shimbun",
    "shinbun",
    "きょう",
    "chawakai",
    "abc病院",
    "ａｂｃ",
    "gunmanan",
    "nnn",
    "第3回",
    "・a",
    "sapo-ta-",
    "jouhou",
    "sendai porio",
    "ポリオ 会",
    "kumamoto shimbun",
    "第3回 po",
    "po 第3回",
];

#[test]
fn typing_and_backspacing_equals_fresh_search() {
    let index = Index::build(corpus(3000));
    for limit in [5, 20, 200] {
        let opts = SearchOptions::limit(limit);
        let mut queries = Vec::new();
        for w in WORDS {
            queries.extend(type_and_erase(w));
        }
        check_session_equals_fresh(&index, &opts, &queries);
    }
}

#[test]
fn random_edits_equal_fresh_search() {
    let index = Index::build(corpus(2000));
    let alphabet: Vec<char> = "aeiouknstmhrpgzjcdbyw-ーぽりおかんさポリオ仙台0127 "
        .chars()
        .collect();
    let mut rng = Lcg(42);
    let mut q: Vec<char> = Vec::new();
    let mut queries = Vec::new();
    for _ in 0..1500 {
        match rng.next() % 10 {
            0..=5 => q.push(*rng.pick(&alphabet)),
            6..=8 => {
                q.pop();
            }
            _ => q.clear(),
        }
        queries.push(q.iter().collect::<String>());
    }
    for opts in [
        SearchOptions::limit(10),
        SearchOptions {
            include_restricted: true,
            ..SearchOptions::limit(30)
        },
        SearchOptions {
            kinds: vec![DocKind::Body, DocKind::Case],
            ..SearchOptions::limit(15)
        },
    ] {
        check_session_equals_fresh(&index, &opts, &queries);
    }
}

#[test]
fn narrowing_and_backspace_use_the_cache() {
    let index = Index::build(corpus(500));
    let opts = SearchOptions::limit(10);
    let mut s = Session::new();
    let a = s.search(&index, "p", &opts);
    s.search(&index, "po", &opts);
    s.search(&index, "por", &opts);
    assert_eq!(s.depth(), 3, "each longer query is a narrowing step");
    let back = s.search(&index, "p", &opts);
    assert_eq!(s.depth(), 1, "backspace returns to the cached step");
    assert_eq!(back.hits, a.hits);
    assert!(back.generation > a.generation);
    s.search(&index, "x", &opts);
    assert_eq!(s.depth(), 1, "an unrelated query starts over");
}

#[test]
fn index_writes_invalidate_the_cache() {
    let mut index = Index::build(corpus(500));
    let opts = SearchOptions::limit(1000);
    let mut s = Session::new();
    let before = s.search(&index, "porio", &opts).hits.len();
    index.insert(Doc {
        kind: DocKind::Body,
        id: "B-9999".into(),
        name: "ポリオの会東海".into(),
        reading: Some("ポリオノカイトウカイ".into()),
        extra: Vec::new(),
        changed: 99,
        restricted: false,
    });
    let after = s.search(&index, "porio", &opts);
    assert_eq!(after.hits.len(), before + 1);
    assert_eq!(after.hits[0].id, "B-9999");
    assert_eq!(
        s.search(&index, "poriot", &opts).hits,
        index.search_with("poriot", &opts)
    );
    index.remove("B-9999");
    assert!(
        s.search(&index, "porio", &opts)
            .hits
            .iter()
            .all(|h| h.id != "B-9999")
    );
}

#[test]
fn option_changes_are_not_served_from_the_cache() {
    let index = Index::build(corpus(500));
    let mut s = Session::new();
    let hidden = s.search(&index, "porio", &SearchOptions::limit(1000)).hits;
    let all = s
        .search(
            &index,
            "porio",
            &SearchOptions {
                include_restricted: true,
                ..SearchOptions::limit(1000)
            },
        )
        .hits;
    assert!(all.len() > hidden.len());
}

#[test]
fn generations_mark_stale_results() {
    let counter = Generation::new();
    let mut s = Session::with_generation(counter.clone());
    let index = Index::build(corpus(50));
    let opts = SearchOptions::limit(5);
    let old = s.search(&index, "p", &opts);
    let new = s.search(&index, "po", &opts);
    assert!(new.generation > old.generation);
    assert!(!counter.is_current(old.generation));
    assert!(counter.is_current(new.generation));

    // The UI takes a number per keystroke; a worker answering an older one is stale.
    let typed = counter.next();
    let answer = s.search_as(&index, "por", &opts, typed);
    assert!(counter.is_current(answer.generation));
    let _newer = counter.next();
    assert!(!counter.is_current(answer.generation));
    assert_eq!(answer.query, "por");
}

#[test]
fn a_new_index_is_not_served_from_the_old_cache() {
    let docs = corpus(300);
    let old = Index::build(docs.clone());
    let mut s = Session::new();
    let opts = SearchOptions::limit(20);
    s.search(&old, "porio", &opts);
    // The same number of documents, one renamed, built afresh: a different
    // index with the same version number.
    let mut renamed = docs;
    renamed[0].name = "新しいポリオの会".into();
    renamed[0].reading = Some("アタラシイポリオノカイ".into());
    // Newest, so it leads its tier: a stale cache could not show it first.
    renamed[0].changed = i64::MAX / 2;
    renamed[0].kind = DocKind::Body;
    renamed[0].restricted = false;
    let new = Index::build(renamed);
    assert_eq!(new.version(), old.version());
    let hits = s.search(&new, "porio", &opts).hits;
    assert_eq!(hits[0].name, "新しいポリオの会");
    assert_eq!(hits, new.search_with("porio", &opts));
    let longer = s.search(&new, "poriono", &opts).hits;
    assert_eq!(longer, new.search_with("poriono", &opts));
}
