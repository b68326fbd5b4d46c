//! Search over the real demo data, through the same document mapping the
//! finder and `triad search` use.

use chrono::NaiveDate;
use triad::model::{Confidentiality, Record};
use triad::search::{DocKind, Index, SearchOptions, doc_for};

fn demo_records() -> Vec<Record> {
    triad::demo::scenarios(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
}

fn index_for(reader: &str) -> Index {
    let reader = triad::model::Reader::owner(reader);
    Index::build(
        demo_records()
            .iter()
            .filter_map(|r| doc_for(r, Some(&reader))),
    )
}

/// Each scenario's main body, found by a romaji query typed with no IME.
#[test]
fn every_scenario_is_reachable_by_romaji() {
    let index = index_for("nobody");
    let table = [
        ("kumamoto", "熊本県がん診療連携支援センター"),
        ("nagasaki", "長崎県がん相談支援センター"),
        ("gunma", "群馬県難病相談支援センター"),
        ("porio", "仙台ポリオの会"),
        ("sendai", "仙台ポリオの会"),
        ("toukai", "東海ポリオの会"),
        ("tokai", "東海ポリオの会"),
        ("okinawa", "沖縄県脊髄損傷者協会"),
        ("yokohamapia", "よこはまピアの会"),
    ];
    for (query, body) in table {
        let hits = index.search(query, 5);
        assert!(
            hits.iter()
                .any(|h| h.kind == DocKind::Body && h.name == body),
            "{query}: {body} not in the top 5: {:?}",
            hits.iter().map(|h| &h.name).collect::<Vec<_>>()
        );
    }
}

/// `porio`, `ポリオ`, `ぽりお` and half-width `ﾎﾟﾘｵ` put the cases and the
/// associations before the dozen yearly check-up events with the same word.
#[test]
fn polio_queries_rank_cases_and_bodies_before_events() {
    let index = index_for("nobody");
    for query in ["porio", "ポリオ", "ぽりお", "ﾎﾟﾘｵ"] {
        let hits = index.search(query, 4);
        let kinds: Vec<DocKind> = hits.iter().map(|h| h.kind).collect();
        assert!(
            kinds
                .iter()
                .all(|k| matches!(k, DocKind::Case | DocKind::Body)),
            "{query}: {kinds:?}"
        );
        assert!(hits.iter().any(|h| h.name == "仙台ポリオの会"), "{query}");
    }
}

#[test]
fn case_ids_in_any_spelling() {
    let index = index_for("nobody");
    for query in ["C-7", "c7", "C-0007", "ｃ－７"] {
        assert_eq!(index.search(query, 3)[0].id, "C-0007", "{query}");
    }
}

/// A private note is searchable by its author only; team notes are
/// restricted (left out on a meeting screen).
#[test]
fn trust_notes_only_where_the_reader_may_read_them() {
    let records = demo_records();
    let private = records
        .iter()
        .find_map(|r| match r {
            Record::TrustNote(n) if n.confidentiality == Confidentiality::Private => {
                Some(n.clone())
            }
            _ => None,
        })
        .expect("the demo has a private note");
    let words: String = private.text.chars().take(12).collect();
    let all = SearchOptions {
        include_restricted: true,
        ..SearchOptions::limit(50)
    };
    let found = |index: &Index, opts: &SearchOptions| {
        index
            .search_with(&words, opts)
            .iter()
            .any(|h| h.id == private.id.to_string())
    };
    assert!(
        found(&index_for(&private.author), &all),
        "the author finds it"
    );
    assert!(!found(&index_for("someone else"), &all), "others never do");
    assert!(
        !found(&index_for(&private.author), &SearchOptions::limit(50)),
        "not on a meeting screen"
    );
}
/// A small limit gives the first hits of a large one: the shortcuts that
/// skip documents which cannot make the list must never skip one that can.
#[test]
fn a_small_limit_is_a_prefix_of_a_large_one() {
    let index = index_for("nobody");
    for query in [
        "porio",
        "ポリオ",
        "kumamoto",
        "ken",
        "sen",
        "がん",
        "sa",
        "k",
        "center",
        "2023",
    ] {
        let full: Vec<String> = index.search(query, 60).into_iter().map(|h| h.id).collect();
        for k in [1, 2, 3, 5, 8, 13] {
            let small: Vec<String> = index.search(query, k).into_iter().map(|h| h.id).collect();
            assert_eq!(small[..], full[..k.min(full.len())], "{query} limit {k}");
        }
    }
}
