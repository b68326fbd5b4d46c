//! Durability: a writer killed with SIGKILL mid-stream loses no write that
//! had returned success, and the store still checks clean.
//!
//! The test runs its own binary again as the writer (`TRIAD_CRASH_WRITER`
//! names the store), reads its acknowledgements, and kills it part way.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use triad::model::*;
use triad::store::{SledStore, Store, StoreExt};

mod common;
use common::*;

const WRITER_ENV: &str = "TRIAD_CRASH_WRITER";
const ROUNDS: usize = 12;

/// Kills the writer if the test fails early: no process left behind.
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The writer: creates cases and bumps a counter body, printing an
/// acknowledgement only after each write has returned.
fn writer(dir: &str) {
    let store = SledStore::open(std::path::Path::new(dir)).expect("open");
    let counter = store
        .create(body(0, "counter", Sector::Medical))
        .expect("counter");
    let counter_id = counter.id();
    println!("ACK body {counter_id} 0");
    for n in 1..=100_000u64 {
        let c = store
            .create(case(
                0,
                &format!("case {n}"),
                None,
                &[(counter_id, Sector::Medical)],
            ))
            .expect("create");
        println!("ACK case {} {n}", c.id());
        let Record::Body(mut b) = counter.clone() else {
            unreachable!()
        };
        b.note = n.to_string();
        store.update(Record::Body(b)).expect("update");
        println!("ACK note {counter_id} {n}");
    }
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    if let Ok(dir) = std::env::var(WRITER_ENV) {
        writer(&dir);
        return;
    }
    let exe = std::env::current_exe().unwrap();
    for round in 0..ROUNDS {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        let child = Command::new(&exe)
            .args([
                "acknowledged_writes_survive_sigkill",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(WRITER_ENV, &dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut reaper = Reaper(child);
        let mut lines = BufReader::new(reaper.0.stdout.take().unwrap()).lines();
        // Kill after a different number of writes each round.
        let kill_after = 5 + round * 7;
        let mut acks: Vec<String> = Vec::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            if line.starts_with("ACK ") {
                acks.push(line);
                if acks.len() >= kill_after {
                    break;
                }
            }
        }
        reaper.0.kill().unwrap();
        reaper.0.wait().unwrap();
        // Acknowledgements already in the pipe count too.
        acks.extend(
            lines
                .map_while(Result::ok)
                .filter(|l| l.starts_with("ACK ")),
        );
        assert!(
            acks.len() >= kill_after,
            "round {round}: writer stopped early"
        );

        let store = SledStore::open(&dir).unwrap();
        let mut last_note = 0u64;
        for ack in &acks {
            let parts: Vec<&str> = ack.split(' ').collect();
            let (what, id, n): (&str, Id, u64) = (
                parts[1],
                parts[2].parse().unwrap(),
                parts[3].parse().unwrap(),
            );
            match what {
                "case" => {
                    let c: Case = store
                        .get_as(id)
                        .unwrap()
                        .unwrap_or_else(|| panic!("round {round}: {id} lost"));
                    assert_eq!(c.title, format!("case {n}"));
                }
                "note" => last_note = n,
                _ => assert!(store.get(id).unwrap().is_some(), "round {round}: {id} lost"),
            }
        }
        let b: Body = store.get_as(Id::new(Kind::Body, 1)).unwrap().unwrap();
        let seen: u64 = b.note.parse().unwrap_or(0);
        // The update after the last acknowledgement may or may not have landed.
        assert!(
            seen >= last_note,
            "round {round}: counter {seen} < acknowledged {last_note}"
        );
        let report = store.check().unwrap();
        assert!(
            report.problems.is_empty(),
            "round {round}: {:?}",
            report.problems
        );
    }
}

const IMPORT_ENV: &str = "TRIAD_CRASH_IMPORTER";
/// Twenty batches: the kill after the second lands long before the end.
const IMPORT_SIZE: u64 = 20_000;

/// The importer: one import of several batches, printing each batch done.
fn importer(dir: &str) {
    let store = SledStore::open(std::path::Path::new(dir)).expect("open");
    let records: Vec<Record> = (1..=IMPORT_SIZE)
        .map(|n| body(n, &format!("団体{n}"), Sector::Medical))
        .collect();
    store
        .import(records, &mut |done, _| println!("BATCH {done}"))
        .expect("import");
    println!("DONE");
}

#[test]
fn an_import_killed_half_way_is_rolled_back_whole() {
    if let Ok(dir) = std::env::var(IMPORT_ENV) {
        importer(&dir);
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let child = Command::new(&exe)
        .args([
            "an_import_killed_half_way_is_rolled_back_whole",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(IMPORT_ENV, &dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reaper = Reaper(child);
    let lines = BufReader::new(reaper.0.stdout.take().unwrap()).lines();
    let mut batches = 0;
    let mut finished = false;
    for line in lines.map_while(Result::ok) {
        if line.starts_with("BATCH ") {
            batches += 1;
            if batches == 2 {
                reaper.0.kill().unwrap();
            }
        }
        finished |= line == "DONE";
    }
    reaper.0.wait().unwrap();
    assert!(batches >= 2, "the importer wrote batches");
    assert!(
        !finished,
        "the importer was killed part way, as the test needs"
    );
    let store = SledStore::open(&dir).unwrap();
    let n = store.all::<Body>().unwrap().len() as u64;
    assert_eq!(n, 0, "half an import survived: {n} of {IMPORT_SIZE}");
    let trail = store.audit_trail().unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.text(triad::i18n::Lang::En).contains("rolled back")),
        "{trail:?}"
    );
    let report = store.check().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // And the same records import cleanly afterwards.
    drop(store);
    let store = SledStore::open(&dir).unwrap();
    let records: Vec<Record> = (1..=IMPORT_SIZE)
        .map(|n| body(n, "again", Sector::Medical))
        .collect();
    store.import(records, &mut |_, _| {}).unwrap();
    assert_eq!(store.all::<Body>().unwrap().len() as u64, IMPORT_SIZE);
}
