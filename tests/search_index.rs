//! The index: finding scenario names from any keyboard, ranking, highlights,
//! writes and restricted documents.

use triad::search::{Doc, DocKind, Hit, Index, MatchField, SearchOptions, Tier};

fn doc(kind: DocKind, id: &str, name: &str, reading: Option<&str>, changed: i64) -> Doc {
    Doc {
        kind,
        id: id.into(),
        name: name.into(),
        reading: reading.map(Into::into),
        extra: Vec::new(),
        changed,
        restricted: false,
    }
}

fn scenario() -> Index {
    Index::build([
        doc(
            DocKind::Body,
            "B-0001",
            "熊本県がん連携サポートセンター",
            Some("クマモトケンガンレンケイサポートセンター"),
            100,
        ),
        doc(
            DocKind::Body,
            "B-0002",
            "仙台ポリオの会",
            Some("センダイポリオノカイ"),
            90,
        ),
        doc(
            DocKind::Body,
            "B-0003",
            "ポリオの会東海",
            Some("ポリオノカイトウカイ"),
            80,
        ),
        doc(
            DocKind::Body,
            "B-0004",
            "東京都難病相談支援センター",
            Some("トウキョウトナンビョウソウダンシエンセンター"),
            70,
        ),
        doc(
            DocKind::Body,
            "B-0012",
            "長崎県難病相談支援センター",
            Some("ナガサキケンナンビョウソウダンシエンセンター"),
            60,
        ),
        doc(
            DocKind::Case,
            "C-0007",
            "田中 花子",
            Some("タナカ ハナコ"),
            50,
        ),
        doc(
            DocKind::Case,
            "C-0070",
            "佐藤 一郎",
            Some("サトウ イチロウ"),
            40,
        ),
        doc(DocKind::Person, "P-0031", "K医師", None, 30),
        doc(
            DocKind::Body,
            "B-0005",
            "ＡＢＣ病院",
            Some("エービーシービョウイン"),
            20,
        ),
        doc(DocKind::Event, "E-0003", "ﾎﾟﾘｵの会 例会", None, 10),
    ])
}

fn ids(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.as_str()).collect()
}

fn first(index: &Index, query: &str) -> Hit {
    index
        .search(query, 10)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no hit for {query:?}"))
}

#[test]
fn every_keyboard_finds_the_scenario_names() {
    let index = scenario();
    let cases = [
        ("kumamoto", "B-0001"),
        ("KUMAMOTO", "B-0001"),
        ("くまもと", "B-0001"),
        ("熊本", "B-0001"),
        ("gan", "B-0001"),
        ("sendai", "B-0002"),
        ("センダイ", "B-0002"),
        ("仙台ポリオ", "B-0002"),
        ("tokyo", "B-0004"),
        ("toukyou", "B-0004"),
        ("tookyou", "B-0004"),
        ("tōkyō", "B-0004"),
        ("nagasaki", "B-0012"),
        ("tanaka", "C-0007"),
        ("tanakahanako", "C-0007"),
        ("abc", "B-0005"),
        ("ａｂｃ", "B-0005"),
        ("e-bi-si-", "B-0005"),
    ];
    for (query, want) in cases {
        assert_eq!(first(&index, query).id, want, "{query:?}");
    }
}

#[test]
fn polio_from_romaji_katakana_hiragana_and_half_width() {
    let index = scenario();
    for query in ["porio", "ポリオ", "ぽりお", "ﾎﾟﾘｵ", "PORIO", "ポーリオ"] {
        let got = ids(&index.search(query, 10)).join(",");
        for want in ["B-0002", "B-0003", "E-0003"] {
            assert!(got.contains(want), "{query:?} → {got}");
        }
    }
}

#[test]
fn typing_one_char_at_a_time_keeps_matching() {
    let index = scenario();
    for (word, want) in [
        ("porio", "B-0002"),
        ("kumamoto", "B-0001"),
        ("ぽりお", "B-0002"),
        ("toukyou", "B-0004"),
    ] {
        let chars: Vec<char> = word.chars().collect();
        for k in 1..=chars.len() {
            let prefix: String = chars[..k].iter().collect();
            let hits = index.search(&prefix, 50);
            assert!(
                ids(&hits).contains(&want),
                "{prefix:?} lost {want}: {:?}",
                ids(&hits)
            );
        }
    }
}

#[test]
fn id_queries_find_the_case_first() {
    let index = scenario();
    for query in ["C-7", "c7", "C-07", "ｃ－７", "C-0007", "c-0007"] {
        let hit = first(&index, query);
        assert_eq!(
            (hit.id.as_str(), hit.tier, hit.field),
            ("C-0007", Tier::ExactId, MatchField::Id),
            "{query:?}"
        );
    }
    assert_eq!(first(&index, "b12").id, "B-0012");
    assert_eq!(first(&index, "P-31").id, "P-0031");
    assert_eq!(first(&index, "C-70").id, "C-0070");
}

#[test]
fn ranking_exact_id_then_prefix_then_word_start_then_substring() {
    // Older documents in the better tiers, so recency cannot explain the order.
    let index = Index::build([
        doc(DocKind::Body, "X-0001", "Bx1y2 house", None, 900),
        doc(DocKind::Body, "X-0002", "Ab12x", None, 800),
        doc(DocKind::Body, "X-0003", "Vitamin B12 Centre", None, 700),
        doc(DocKind::Body, "X-0004", "B12 Clinic", None, 600),
        doc(DocKind::Body, "B-0012", "患者会", None, 500),
        doc(DocKind::Body, "X-0005", "unrelated", None, 1000),
    ]);
    let hits = index.search("b12", 10);
    // An id-shaped query gets no fuzzy matches: "Bx1y2 house" is not there.
    assert_eq!(ids(&hits), ["B-0012", "X-0004", "X-0003", "X-0002"]);
    let tiers: Vec<Tier> = hits.iter().map(|h| h.tier).collect();
    assert_eq!(
        tiers,
        [
            Tier::ExactId,
            Tier::Prefix,
            Tier::WordStart,
            Tier::Substring
        ]
    );
    assert!(
        hits.windows(2).all(|w| w[0].score > w[1].score),
        "scores descend: {hits:?}"
    );
}

#[test]
fn ranking_prefix_then_word_start_then_substring_then_fuzzy() {
    let index = Index::build([
        doc(DocKind::Body, "X-0001", "Pxoxlxixo House", None, 900),
        doc(DocKind::Body, "X-0002", "Napolio", None, 800),
        doc(DocKind::Body, "X-0003", "Sendai Polio Group", None, 700),
        doc(DocKind::Body, "X-0004", "Polio Tokai", None, 600),
        doc(DocKind::Body, "X-0005", "unrelated", None, 1000),
    ]);
    let hits = index.search("polio", 10);
    assert_eq!(ids(&hits), ["X-0004", "X-0003", "X-0002", "X-0001"]);
    let tiers: Vec<Tier> = hits.iter().map(|h| h.tier).collect();
    assert_eq!(
        tiers,
        [Tier::Prefix, Tier::WordStart, Tier::Substring, Tier::Fuzzy]
    );
    assert!(
        hits.windows(2).all(|w| w[0].score > w[1].score),
        "scores descend: {hits:?}"
    );
    assert_eq!(
        hits[3].highlight,
        [0, 2, 4, 6, 8],
        "fuzzy highlights each matched char"
    );
}

#[test]
fn fuzzy_needs_a_word_start_and_a_compact_span() {
    let index = Index::build([
        doc(
            DocKind::Body,
            "X-0001",
            "熊本県がん連携サポートセンター",
            Some("クマモトケンガンレンケイサポートセンター"),
            1,
        ),
        doc(DocKind::Body, "X-0002", "kxxxmxxxxxxxxmxxxxxxxxt", None, 2),
        doc(DocKind::Body, "X-0003", "kxmxmxt", None, 3),
    ]);
    // k…m…m…t from the start of the reading within 3×3+2 chars (kmm → kmt after canonicalisation)
    assert_eq!(ids(&index.search("kmmt", 10)), ["X-0003", "X-0001"]);
    // scattered over a long string, or not from a word start: no match
    assert!(index.search("mmt", 10).is_empty());
    assert_eq!(ids(&index.search("熊県", 10)), ["X-0001"]);
    assert!(index.search("本セ", 10).is_empty());
}

#[test]
fn word_start_from_script_change_beats_substring() {
    let index = Index::build([
        doc(DocKind::Body, "X-0001", "サポリオン", None, 900),
        doc(DocKind::Body, "X-0002", "仙台ポリオの会", None, 100),
    ]);
    let hits = index.search("ポリオ", 10);
    assert_eq!(ids(&hits), ["X-0002", "X-0001"]);
    assert_eq!(
        (hits[0].tier, hits[1].tier),
        (Tier::WordStart, Tier::Substring)
    );
}

#[test]
fn ties_go_to_the_most_recently_changed_then_id() {
    let index = Index::build([
        doc(DocKind::Body, "X-0003", "ポリオの会 A", None, 10),
        doc(DocKind::Body, "X-0001", "ポリオの会 B", None, 30),
        doc(DocKind::Body, "X-0002", "ポリオの会 C", None, 20),
        doc(DocKind::Body, "X-0009", "ポリオの会 D", None, 20),
        doc(DocKind::Body, "X-0004", "ポリオの会 E", None, 20),
    ]);
    assert_eq!(
        ids(&index.search("porio", 10)),
        ["X-0001", "X-0002", "X-0004", "X-0009", "X-0003"]
    );
    assert_eq!(
        ids(&index.search("ポリオ", 10)),
        ["X-0001", "X-0002", "X-0004", "X-0009", "X-0003"]
    );
}

#[test]
fn limit_keeps_the_best() {
    let index = scenario();
    let all = index.search("センター", 10);
    assert!(all.len() >= 3);
    let two = index.search("センター", 2);
    assert_eq!(two, all[..2]);
    assert!(index.search("センター", 0).is_empty());
}

#[test]
fn empty_query_lists_recent_documents() {
    let index = scenario();
    let hits = index.search("", 3);
    assert_eq!(ids(&hits), ["B-0001", "B-0002", "B-0003"]);
    assert!(
        hits.iter()
            .all(|h| h.tier == Tier::Recent && h.highlight.is_empty())
    );
    assert_eq!(ids(&index.search("　 ", 1)), ["B-0001"]);
}

#[test]
fn highlights_point_into_the_original_name() {
    let index = scenario();
    // (query, id, expected highlighted char indices of the original name)
    let cases: &[(&str, &str, &[usize])] = &[
        ("abc", "B-0005", &[0, 1, 2]),
        ("ａｂｃ病", "B-0005", &[0, 1, 2, 3]),
        ("ぽりお", "B-0002", &[2, 3, 4]),
        ("ポリオの会", "B-0002", &[2, 3, 4, 5, 6]),
        ("がん", "B-0001", &[3, 4]),
        ("サポート", "B-0001", &[7, 8, 9, 10]),
        ("サポト", "B-0001", &[7, 8, 9, 10]),
        ("ﾎﾟﾘ", "E-0003", &[0, 1, 2]),
        ("ポリオの", "E-0003", &[0, 1, 2, 3, 4]),
        ("中花", "C-0007", &[1, 2, 3]),
        // reading / romaji matches highlight the whole name
        (
            "kumamoto",
            "B-0001",
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
        ),
        ("tanaka", "C-0007", &[0, 1, 2, 3, 4]),
        // fuzzy: each matched char
        ("熊県", "B-0001", &[0, 2]),
    ];
    for (query, id, want) in cases {
        let hits = index.search(query, 10);
        let hit = hits
            .iter()
            .find(|h| h.id == *id)
            .unwrap_or_else(|| panic!("{query:?} missed {id}"));
        assert_eq!(hit.highlight, *want, "{query:?} on {}", hit.name);
    }
    let hit = first(&index, "C-7");
    assert!(
        hit.highlight.is_empty(),
        "id matches highlight nothing in the name"
    );
}

#[test]
fn match_fields_say_why() {
    let index = scenario();
    let cases = [
        ("kumamoto", Tier::Prefix, MatchField::Reading),
        ("熊本", Tier::Prefix, MatchField::Name),
        ("b-00", Tier::Prefix, MatchField::Id),
        ("熊県", Tier::Fuzzy, MatchField::Name),
    ];
    for (query, tier, field) in cases {
        let h = first(&index, query);
        assert_eq!((h.tier, h.field), (tier, field), "{query:?}");
    }
}

#[test]
fn extras_are_searched_but_rank_below_names() {
    let mut d = doc(
        DocKind::Person,
        "P-0001",
        "鈴木 一子",
        Some("スズキ イチコ"),
        1,
    );
    d.extra = vec!["看護師".into(), "群馬大学病院".into()];
    let index = Index::build([d, doc(DocKind::Body, "B-0001", "看護師会", None, 0)]);
    let hits = index.search("看護師", 10);
    assert_eq!(ids(&hits), ["B-0001", "P-0001"]);
    assert_eq!(
        (hits[1].tier, hits[1].field),
        (Tier::WordStart, MatchField::Extra)
    );
    let hits = index.search("大学", 10);
    assert_eq!(
        (hits[0].id.as_str(), hits[0].tier),
        ("P-0001", Tier::Substring)
    );
}

#[test]
fn insert_update_remove_are_visible_to_the_next_search() {
    let mut index = scenario();
    let n = index.len();
    let v0 = index.version();

    index.insert(doc(
        DocKind::Body,
        "B-0100",
        "沖縄県脊髄損傷者協会",
        Some("オキナワケンセキズイソンショウシャキョウカイ"),
        5,
    ));
    assert_eq!(index.len(), n + 1);
    assert!(index.version() > v0);
    assert_eq!(first(&index, "okinawa").id, "B-0100");

    index.update(doc(
        DocKind::Body,
        "B-0100",
        "群馬県難病相談支援センター",
        Some("グンマケンナンビョウソウダンシエンセンター"),
        6,
    ));
    assert_eq!(index.len(), n + 1, "update replaces");
    assert!(index.search("okinawa", 10).is_empty());
    assert!(index.search("沖縄", 10).is_empty());
    assert_eq!(first(&index, "gunma").id, "B-0100");
    assert_eq!(first(&index, "b100").id, "B-0100");

    assert!(index.remove("B-0100"));
    assert!(!index.remove("B-0100"));
    assert!(!index.contains("B-0100"));
    assert_eq!(index.len(), n);
    assert!(index.search("gunma", 10).is_empty());
    assert!(index.search("B-100", 10).iter().all(|h| h.id != "B-0100"));

    // the freed slot is reused by the next insert and found again
    index.insert(doc(
        DocKind::Case,
        "C-0500",
        "山田 太郎",
        Some("ヤマダ タロウ"),
        7,
    ));
    assert_eq!(first(&index, "yamada").id, "C-0500");
    assert_eq!(first(&index, "c500").id, "C-0500");
}

#[test]
fn non_canonical_ids_are_found_by_id_queries() {
    let mut index = Index::new();
    index.insert(doc(DocKind::Case, "c7", "旧形式", None, 0));
    assert_eq!(first(&index, "C-0007").id, "c7");
    assert_eq!(first(&index, "C-0007").tier, Tier::ExactId);
    assert!(index.remove("c7"));
    assert!(index.search("C-0007", 10).is_empty());
}

#[test]
fn restricted_documents_only_when_allowed() {
    let mut index = scenario();
    let mut note = doc(DocKind::Note, "N-0001", "ポリオ 非公開メモ", None, 1000);
    note.restricted = true;
    index.insert(note);

    for query in ["ポリオ", "porio", "N-1", "非公開", ""] {
        assert!(
            index.search(query, 50).iter().all(|h| h.id != "N-0001"),
            "{query:?} leaked"
        );
        let allowed = SearchOptions {
            include_restricted: true,
            ..SearchOptions::limit(50)
        };
        assert!(
            index
                .search_with(query, &allowed)
                .iter()
                .any(|h| h.id == "N-0001"),
            "{query:?} hid it"
        );
    }
}

#[test]
fn kinds_filter() {
    let index = scenario();
    let opts = SearchOptions {
        kinds: vec![DocKind::Case],
        ..SearchOptions::limit(50)
    };
    let hits = index.search_with("", &opts);
    assert_eq!(ids(&hits), ["C-0007", "C-0070"]);
    assert!(index.search_with("porio", &opts).is_empty());
}

#[test]
fn build_keeps_the_last_of_duplicate_ids() {
    let index = Index::build([
        doc(DocKind::Body, "B-0001", "旧名", None, 0),
        doc(DocKind::Body, "B-0001", "新名", None, 1),
    ]);
    assert_eq!(index.len(), 1);
    assert!(index.search("旧名", 10).is_empty());
    assert_eq!(first(&index, "新名").id, "B-0001");
}

#[test]
fn single_and_multi_threaded_agree() {
    let mut docs = Vec::new();
    for i in 0..30_000 {
        let (name, reading) = [
            ("仙台ポリオの会", "センダイポリオノカイ"),
            ("熊本がんサロン", "クマモトガンサロン"),
            ("長崎ピア", "ナガサキピア"),
        ][i % 3];
        docs.push(doc(
            DocKind::Body,
            &format!("B-{i:05}"),
            &format!("{name}{i}"),
            Some(reading),
            (i % 97) as i64,
        ));
    }
    let mut one = Index::build(docs.clone());
    one.set_threads(1);
    let mut two = Index::build(docs);
    two.set_threads(2);
    for q in ["porio", "kuma", "ピア", "サロン1", "ngsk", "B-00012", ""] {
        assert_eq!(one.search(q, 30), two.search(q, 30), "{q:?}");
    }
}

#[test]
fn removing_most_documents_keeps_the_rest_searchable() {
    // Enough removed text to make the index rewrite its text arena.
    let mut index = Index::build((0..20_000).map(|i| {
        doc(
            DocKind::Person,
            &format!("P-{i:05}"),
            &format!("利用者{i} 長い名前の患者会の会員としての記録"),
            Some("リヨウシャ ナガイナマエノカンジャカイノカイイン"),
            i,
        )
    }));
    for i in (0..20_000).filter(|i| i % 4 != 0) {
        assert!(index.remove(&format!("P-{i:05}")));
    }
    assert_eq!(index.len(), 5_000);
    for i in [0, 4, 12_344, 19_996] {
        let hits = index.search(&format!("利用者{i} 長"), 3);
        assert_eq!(hits[0].id, format!("P-{i:05}"), "{i}");
        assert_eq!(
            hits[0].name,
            format!("利用者{i} 長い名前の患者会の会員としての記録")
        );
    }
    // Both words are held by others (利用者12…), never by the removed one.
    let gone = index.search("利用者1 長", 10);
    assert!(
        !gone.is_empty() && gone.iter().all(|h| h.id != "P-00001"),
        "{gone:?}"
    );
    assert_eq!(index.search("riyousha", 10_000).len(), 5_000);
    index.insert(doc(DocKind::Person, "P-00001", "戻ってきた人", None, 1));
    assert_eq!(first(&index, "戻って").id, "P-00001");
}
