//! Table-driven tests of `triad::search::normalize`.

use triad::search::normalize::{canon_romaji, fold, fold_with_map, id_key, romaji, romaji_words};

#[test]
fn fold_table() {
    let cases = [
        // full / half width
        ("ＡＢＣ", "abc"),
        ("１２３", "123"),
        ("ｱｲｳ", "アイウ"),
        ("ｶﾞﾝ", "ガン"),
        ("ﾎﾟﾘｵ", "ポリオ"),
        ("ｃ－７", "c-7"),
        // case
        ("SENDAI", "sendai"),
        ("ＳｅｎＤａｉ", "sendai"),
        ("ÉCOLE", "école"),
        // hiragana → katakana
        ("ぽりお", "ポリオ"),
        ("がんサロン", "ガンサロン"),
        ("ゔぁ", "ヴァ"),
        // long vowel mark dropped (full and half width)
        ("サポーター", "サポタ"),
        ("ｻﾎﾟｰﾀｰ", "サポタ"),
        ("ぽーりお", "ポリオ"),
        // spaces (half, full width, tabs) removed
        ("仙台 ポリオ", "仙台ポリオ"),
        ("仙台　ポリオ", "仙台ポリオ"),
        ("\tPolio  Tokai\n", "poliotokai"),
        // NFKC compatibility expansions and compositions
        ("㈱", "(株)"),
        ("ﬁle", "file"),
        ("は\u{3099}", "バ"),
        ("ほ゜", "ポ"),
        // invisible chars
        ("葛\u{E0100}飾", "葛飾"),
        ("a\u{200B}b", "ab"),
        // untouched
        ("C-0007", "c-0007"),
        ("熊本県", "熊本県"),
        ("", ""),
    ];
    for (input, want) in cases {
        assert_eq!(fold(input), want, "fold({input:?})");
    }
}

#[test]
fn fold_makes_every_keyboard_meet() {
    let groups: &[&[&str]] = &[
        &["ポリオ", "ぽりお", "ﾎﾟﾘｵ", "ポリオ ", "ポーリオ"],
        &["サポーター", "さぽーたー", "ｻﾎﾟｰﾀｰ", "サポータ", "さ ぽ た"],
        &["ABC病院", "ａｂｃ病院", "Abc 病院", "ＡＢＣ　病院"],
    ];
    for group in groups {
        let first = fold(group[0]);
        for s in *group {
            assert_eq!(fold(s), first, "{s:?} vs {:?}", group[0]);
        }
    }
}

#[test]
fn fold_map_points_into_the_original() {
    let cases: &[(&str, &str, &[usize])] = &[
        ("ＡＢＣ病院", "abc病院", &[0, 1, 2, 3, 4]),
        ("ﾎﾟﾘｵ", "ポリオ", &[0, 2, 3]),
        ("㈱ABC", "(株)abc", &[0, 0, 0, 1, 2, 3]),
        ("サ ポーター", "サポタ", &[0, 2, 4]),
        ("ﬁle", "file", &[0, 0, 1, 2]),
        ("ぽ　り", "ポリ", &[0, 2]),
        ("は\u{3099}な", "バナ", &[0, 2]),
    ];
    for (input, want_text, want_map) in cases {
        let (text, map) = fold_with_map(input);
        assert_eq!(text, *want_text, "{input:?}");
        assert_eq!(map, *want_map, "{input:?}");
        assert_eq!(
            text,
            fold(input),
            "fold_with_map and fold agree on {input:?}"
        );
    }
}

#[test]
fn romaji_of_readings() {
    let cases = [
        (
            "クマモトケンガンレンケイサポートセンター",
            "kumamotokenganrenkeisapotosenta",
        ),
        ("センダイポリオノカイ", "sendaiporionokai"),
        ("トウキョウ", "tokyo"),
        ("シンブン", "sinbun"),
        ("ジャ", "zya"),
        ("チャ", "tya"),
        ("ツ", "tu"),
        ("フ", "hu"),
        ("ヂ", "zi"),
        ("ヅ", "zu"),
        ("ファン", "han"),
        ("パーティ", "pati"),
        ("ガッコウ", "gako"),
        ("カンイ", "kani"),
        ("ﾎﾟﾘｵ", "porio"),
        ("ぽりお", "porio"),
    ];
    for (reading, want) in cases {
        assert_eq!(romaji(reading), want, "romaji({reading:?})");
    }
}

#[test]
fn romaji_variants_meet() {
    let groups: &[&[&str]] = &[
        &["shi", "si", "シ", "し"],
        &["chi", "ti", "チ"],
        &["tsu", "tu", "ツ"],
        &["fu", "hu", "フ"],
        &["ji", "zi", "ジ"],
        &["ja", "zya", "jya", "ジャ"],
        &["ju", "zyu", "jyu", "ジュ"],
        &["jo", "zyo", "jyo", "ジョ"],
        &["sha", "sya", "シャ"],
        &["shu", "syu", "シュ"],
        &["sho", "syo", "ショ"],
        &["cha", "tya", "cya", "チャ"],
        &["chu", "tyu", "チュ"],
        &["cho", "tyo", "チョ"],
        &[
            "tokyo",
            "toukyou",
            "tookyou",
            "tōkyō",
            "tôkyô",
            "tohkyoh",
            "TOKYO",
            "トウキョウ",
            "とうきょう",
            "トーキョー",
        ],
        &[
            "kumamoto",
            "KUMAMOTO",
            "Kumamoto",
            "ｋｕｍａｍｏｔｏ",
            "くまもと",
            "クマモト",
            "ｸﾏﾓﾄ",
        ],
        &["porio", "ポリオ", "ぽりお", "ﾎﾟﾘｵ", "Porio"],
        &[
            "sapo-ta-",
            "sapootaa",
            "sapōtā",
            "sapota",
            "サポーター",
            "さぽーたー",
        ],
        &["yuu", "yu", "ゆう", "ユー"],
        &["ōno", "ohno", "oono", "ono", "おおの"],
        &["gakkou", "gakou", "gakkoo", "がっこう"],
        &["shinbun", "shimbun", "しんぶん"],
        &["kan'i", "kani", "kanni", "かんい"],
        &["matcha", "maccha", "macha", "まっちゃ"],
        &["sendai", "SENDAI", "せんだい", "センダイ"],
    ];
    for group in groups {
        let first = romaji(group[0]);
        for s in *group {
            assert_eq!(romaji(s), first, "{s:?} vs {:?}", group[0]);
        }
    }
}

#[test]
fn romaji_keeps_distinct_sounds_apart() {
    let pairs = [
        ("ka", "ga"),
        ("si", "su"),
        ("porio", "poria"),
        ("tokyo", "kyoto"),
        ("sendai", "sentai"),
    ];
    for (a, b) in pairs {
        assert_ne!(romaji(a), romaji(b), "{a} vs {b}");
    }
}

#[test]
fn canon_romaji_table() {
    let cases = [
        ("SHI", "si"),
        ("tsukuba", "tukuba"),
        ("fukushima", "hukusima"),
        ("chiba", "tiba"),
        ("jouhou", "zyoho"),
        ("sapporo", "saporo"),
        ("n'ya", "nya"),
        ("vu", "bu"),
        ("ohta", "ota"),
        ("oha", "oha"),
        ("kyouiku", "kyoiku"),
        ("熊本kumamoto", "熊本kumamoto"),
    ];
    for (input, want) in cases {
        assert_eq!(canon_romaji(input), want, "canon_romaji({input:?})");
    }
}

/// Typing a word one char at a time must keep each prefix's canonical form
/// a prefix of the whole word's, or the match would flicker off mid-word.
#[test]
fn romaji_is_prefix_stable_while_typing() {
    let words = [
        "kumamoto",
        "porio",
        "toukyou",
        "tohkyoh",
        "tōkyō",
        "matcha",
        "chiba",
        "tsukuba",
        "fukushima",
        "sapporo",
        "jouhou",
        "shakai",
        "kyouiku",
        "ohno",
        "ohayou",
        "dzu",
        "kadu",
        "sendaiporionokai",
        "kumamotokenganrenkeisapo-tosenta-",
        "gakkou",
        "nagasaki",
        "ぽりお",
        "くまもと",
    ];
    for word in words {
        let full = romaji(word);
        let chars: Vec<char> = word.chars().collect();
        for k in 1..=chars.len() {
            let prefix: String = chars[..k].iter().collect();
            let part = romaji(&prefix);
            assert!(
                full.starts_with(&part),
                "{prefix:?} → {part:?} is not a prefix of {word:?} → {full:?}"
            );
        }
    }
}

#[test]
fn romaji_words_marks_word_starts() {
    let (text, starts) = romaji_words("センダイ ポリオ・ノ カイ");
    assert_eq!(text, "sendaiporionokai");
    assert_eq!(starts, [0, 6, 11, 13]);
}

#[test]
fn id_key_table() {
    let some = [
        ("C-7", "C-0007"),
        ("c7", "C-0007"),
        ("C-07", "C-0007"),
        ("ｃ－７", "C-0007"),
        ("Ｃ７", "C-0007"),
        ("C-0007", "C-0007"),
        ("c 0007", "C-0007"),
        ("C-00007", "C-0007"),
        ("b12", "B-0012"),
        ("P-0031", "P-0031"),
        ("e-3", "E-0003"),
        ("C-12345", "C-12345"),
        ("C-0", "C-0000"),
    ];
    for (input, want) in some {
        assert_eq!(id_key(input).as_deref(), Some(want), "id_key({input:?})");
    }
    for input in [
        "",
        "C",
        "C-",
        "7",
        "0007",
        "kumamoto",
        "c7x",
        "ポリオ",
        "c-7-1",
        "abcd1",
    ] {
        assert_eq!(id_key(input), None, "id_key({input:?})");
    }
}
