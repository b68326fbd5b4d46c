//! Search over the real demo data, through the same document mapping the
//! finder and `triad search` use.

use std::collections::HashMap;

use chrono::NaiveDate;
use triad::model::{Confidentiality, Id, Record};
use triad::search::{DocKind, Index, PartyName, SearchOptions, doc_for, party_name};

fn demo_records() -> Vec<Record> {
    triad::demo::scenarios(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
}

fn index_for(reader: &str) -> Index {
    let reader = triad::model::Reader::owner(reader);
    let records = demo_records();
    let names: HashMap<Id, PartyName> = records
        .iter()
        .filter_map(|r| party_name(r).map(|n| (r.id(), n)))
        .collect();
    let party = |id: Id| names.get(&id).cloned();
    Index::build(
        records
            .iter()
            .filter_map(|r| doc_for(r, Some(&reader), &party)),
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

/// The Nagasaki trainings are found by where (their parties' names, in
/// kanji or romaji) and what (their kind, in either language), a word each.
#[test]
fn events_are_found_by_their_parties_and_kind() {
    let index = index_for("nobody");
    let records = demo_records();
    let nagasaki_trainings: Vec<String> = records
        .iter()
        .filter_map(|r| match r {
            Record::Event(e)
                if e.kind == triad::model::EventKind::Training
                    && e.parties.iter().any(|p| {
                        records.iter().any(|r| {
                            r.id() == *p
                                && party_name(r).is_some_and(|(n, _)| n.starts_with("長崎"))
                        })
                    }) =>
            {
                Some(e.id.to_string())
            }
            _ => None,
        })
        .collect();
    assert!(nagasaki_trainings.len() >= 5, "{nagasaki_trainings:?}");
    for query in [
        "nagasaki kenshu",
        "長崎 研修",
        "nagasaki training",
        "ながさき けんしゅう",
    ] {
        let hits = index.search(query, 5);
        assert_eq!(hits.len(), 5, "{query}");
        for h in &hits {
            assert!(
                h.kind == DocKind::Event && nagasaki_trainings.contains(&h.id),
                "{query}: {} {} is not a Nagasaki training",
                h.id,
                h.name
            );
        }
    }
    // Every word must be held: a word no training holds finds none of them.
    let hits = index.search("nagasaki porio", 50);
    assert!(
        hits.iter().all(|h| !nagasaki_trainings.contains(&h.id)),
        "{:?}",
        hits.iter().map(|h| &h.name).collect::<Vec<_>>()
    );
}

/// A query of two words keeps the single-word ranking: what the words
/// find together comes first, cases and bodies before events.
#[test]
fn two_words_rank_as_one() {
    let index = index_for("nobody");
    let ids = |q: &str| -> Vec<String> { index.search(q, 2).into_iter().map(|h| h.id).collect() };
    assert_eq!(ids("sendai porio"), ids("sendaiporio"));
    let hits = index.search("sendai porio", 2);
    assert!(
        hits.iter()
            .all(|h| matches!(h.kind, DocKind::Case | DocKind::Body)),
        "{hits:?}"
    );
    assert!(hits.iter().any(|h| h.name == "仙台ポリオの会"), "{hits:?}");
}
