//! Fuzzing the JSON import (proptest): an export with bytes flipped, cut,
//! duplicated, or hostile characters put inside its strings. Whatever the
//! file, `exchange::parse` must not panic, an error must quote nothing raw
//! (one line, no control, bidi or invisible character), and a file it
//! accepts must export again unchanged.
//!
//! `cargo test --test import_fuzz` runs 256 cases; for a long run:
//! `TRIAD_FUZZ_CASES=200000 cargo test --release --test import_fuzz`.

mod common;
mod hostile;

use std::sync::OnceLock;

use proptest::prelude::*;
use triad::exchange;

/// A valid export to mutate: the demo data, every kind of record.
fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = triad::store::SledStore::open_as(&dir.path().join("s"), "fuzz").unwrap();
        triad::demo::seed(&store, common::day(2024, 6, 14)).expect("seed demo");
        let (records, _) = exchange::collect(&store, None, None).unwrap();
        exchange::to_json(records)
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Flip one bit of the byte at (position scaled to the length).
    Flip(f64, u8),
    /// Put a hostile string just inside the n-th quoted string.
    Hostile(f64, usize),
    /// Drop a run of bytes.
    Cut(f64, usize),
    /// Copy a run of bytes to somewhere else.
    Splice(f64, f64, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        (at.clone(), 0u8..8).prop_map(|(p, b)| Mutation::Flip(p, b)),
        (at.clone(), 0..hostile::CORPUS.len()).prop_map(|(p, h)| Mutation::Hostile(p, h)),
        (at.clone(), 1usize..64).prop_map(|(p, n)| Mutation::Cut(p, n)),
        (at.clone(), at, 1usize..200).prop_map(|(p, q, n)| Mutation::Splice(p, q, n)),
    ]
}

fn pos(p: f64, len: usize) -> usize {
    ((p * len as f64) as usize).min(len.saturating_sub(1))
}

fn apply(text: &str, muts: &[Mutation]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for m in muts {
        if bytes.is_empty() {
            break;
        }
        match *m {
            Mutation::Flip(p, bit) => {
                let i = pos(p, bytes.len());
                bytes[i] ^= 1 << bit;
            }
            Mutation::Hostile(p, h) => {
                let quotes: Vec<usize> = bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'"')
                    .map(|(i, _)| i + 1)
                    .collect();
                let i = if quotes.is_empty() {
                    pos(p, bytes.len())
                } else {
                    quotes[pos(p, quotes.len())]
                };
                // As JSON would carry it: escaped where JSON must escape.
                let json = serde_json::to_string(hostile::CORPUS[h].1).unwrap();
                let inner = &json[1..json.len() - 1];
                bytes.splice(i..i, inner.bytes());
            }
            Mutation::Cut(p, n) => {
                let i = pos(p, bytes.len());
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
            Mutation::Splice(p, q, n) => {
                let i = pos(p, bytes.len());
                let end = (i + n).min(bytes.len());
                let run: Vec<u8> = bytes[i..end].to_vec();
                let j = pos(q, bytes.len());
                bytes.splice(j..j, run);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn cases() -> u32 {
    std::env::var("TRIAD_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_mutated_export_is_refused_cleanly_or_round_trips(
        muts in proptest::collection::vec(mutation(), 1..4)
    ) {
        let text = apply(base(), &muts);
        match exchange::parse(&text) {
            Err(e) => {
                let message = e.to_string();
                let raw = hostile::raw_in(&message, false);
                prop_assert!(raw.is_empty(), "raw {:?} in the error: {}", raw, message.escape_debug());
            }
            Ok(records) => {
                let again = exchange::to_json(records.clone());
                prop_assert!(hostile::raw_in(&again, true).is_empty());
                let reread = exchange::parse(&again).expect("a re-export parses");
                prop_assert_eq!(&reread, &records);
                prop_assert_eq!(exchange::to_json(reread), again);
            }
        }
    }
}

#[test]
fn the_unmutated_demo_export_parses() {
    let records = exchange::parse(base()).expect("the demo export imports");
    assert!(records.len() > 100, "{}", records.len());
}
