//! `triad serve` under load: many clients writing at once lose nothing and
//! duplicate nothing, and a server killed with SIGKILL part way loses no
//! acknowledged write; every unacknowledged one, resent with its request
//! id to the restarted server, lands exactly once.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};

use triad::model::*;
use triad::query::request::Reply;
use triad::server::client::Client;
use triad::server::protocol::{Ask, Part};
use triad::store::{Change, StoreExt};

mod common;
mod server_common;
use common::{body, day};
use server_common::*;

const CLIENTS: usize = 20;
const WRITES_PER_CLIENT: usize = 150;

/// The bodies and shared relationships the writers work on.
fn setup(c: &mut Client) -> Vec<Id> {
    let a = create(c, 1, body(1, "共有の行政窓口", Sector::Government));
    let b = create(c, 2, body(2, "共有の病院", Sector::Medical));
    let d = create(c, 3, body(3, "共有の患者会", Sector::PatientFamily));
    let on = day(2024, 1, 1);
    vec![
        create(c, 4, relationship(a, b, on)),
        create(c, 5, relationship(b, d, on)),
        create(c, 6, relationship(a, d, on)),
    ]
}

/// Write `i` of client `t`: every other one creates a body named by a
/// unique marker, the rest append a trust change to a shared relationship.
fn write_op(t: usize, i: usize, shared: &[Id]) -> (Option<String>, Option<Id>, Change) {
    if i.is_multiple_of(2) {
        let marker = format!("load-{t:02}-{i:04}");
        let change = Change::Create(body(1, &marker, Sector::Medical));
        (Some(marker), None, change)
    } else {
        let rel = shared[(t + i) % shared.len()];
        let trust = Intent::Trust {
            relationship: rel,
            level: TrustLevel::new(1 + (i % 5) as u8).unwrap(),
            on: day(2024, 2, 1),
        };
        (None, Some(rel), Change::Append(trust))
    }
}

#[test]
fn many_clients_writing_at_once_lose_and_duplicate_nothing() {
    let mut server = TestServer::start();
    let mut c = client(&server.socket);
    let shared = setup(&mut c);

    // Per client: the markers and ids of its acknowledged creates, and its
    // acknowledged trust appends per relationship.
    type Acks = (Vec<(String, Id)>, HashMap<Id, usize>);
    let acks: Vec<Acks> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|t| {
                let (socket, shared) = (&server.socket, &shared);
                s.spawn(move || {
                    let mut c = client(socket);
                    let mut created = Vec::new();
                    let mut appended: HashMap<Id, usize> = HashMap::new();
                    for i in 0..WRITES_PER_CLIENT {
                        let (marker, rel, change) = write_op(t, i, shared);
                        let request = ((t as u128 + 1) << 64) | i as u128;
                        let stored = saved(&mut c, request, vec![change]);
                        match (marker, rel) {
                            (Some(m), _) => created.push((m, stored[0].id())),
                            (_, Some(r)) => *appended.entry(r).or_default() += 1,
                            _ => unreachable!(),
                        }
                    }
                    (created, appended)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    drop(c);
    let store = server.stop_and_open();
    let bodies = store.all::<Body>().unwrap();
    let mut stored: BTreeMap<&str, Vec<Id>> = BTreeMap::new();
    for b in &bodies {
        if b.name.starts_with("load-") {
            stored.entry(&b.name).or_default().push(b.id);
        }
    }
    let mut expected_appends: HashMap<Id, usize> = HashMap::new();
    let mut creates = 0;
    for (created, appended) in &acks {
        for (marker, id) in created {
            assert_eq!(
                stored.get(marker.as_str()),
                Some(&vec![*id]),
                "{marker} is stored once, under the id it was acknowledged with"
            );
            creates += 1;
        }
        for (rel, n) in appended {
            *expected_appends.entry(*rel).or_default() += n;
        }
    }
    assert_eq!(creates, CLIENTS * WRITES_PER_CLIENT / 2);
    assert_eq!(
        stored.len(),
        creates,
        "no body was created that was not acknowledged"
    );
    let mut appends = 0;
    for rel in &shared {
        let r: Relationship = store.get_as(*rel).unwrap().unwrap();
        assert_eq!(
            r.trust.len(),
            1 + expected_appends[rel],
            "every acknowledged trust change on {rel} is there once"
        );
        appends += expected_appends[rel];
    }
    assert_eq!(appends, CLIENTS * WRITES_PER_CLIENT / 2);
    let report = store.check().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

fn everything(c: &mut Client) -> Vec<Record> {
    let mut all = Vec::new();
    c.ask(Ask::Collect { case: None }, &mut |part| {
        if let Part::Records { records } = part {
            all.extend(records);
        }
    })
    .unwrap();
    all
}

/// One write of the crash test, as sent: resent as it was if unanswered.
#[derive(Clone)]
struct Sent {
    request: u128,
    marker: Option<String>,
    relationship: Option<Id>,
    change: Change,
}

#[test]
fn a_server_killed_mid_write_loses_no_acknowledged_write_and_retries_land_once() {
    const WRITERS: usize = 8;
    /// Kill once this many writes are acknowledged (of an unbounded stream).
    const KILL_AFTER: usize = 500;

    let tmp = tempfile::tempdir().unwrap();
    let store_dir = tmp.path().join("store");
    std::fs::create_dir(&store_dir).unwrap();
    let _stop = StopServers(store_dir.clone());
    let socket = triad::server::socket::socket_in(&store_dir);

    let mut server = serve_child(&store_dir);
    let mut c = client(&socket);
    let shared = setup(&mut c);

    let acked = AtomicUsize::new(0);
    // Per writer: its acknowledged writes (with what was stored) and the
    // one in flight when the connection broke, if any.
    type Outcome = (Vec<(Sent, Vec<Record>)>, Option<Sent>);
    let outcomes: Vec<Outcome> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|t| {
                let (socket, shared, acked) = (&socket, &shared, &acked);
                s.spawn(move || {
                    let mut c = client(socket);
                    let mut done = Vec::new();
                    for i in 0.. {
                        let (marker, relationship, change) = write_op(t, i, shared);
                        let sent = Sent {
                            request: (0xdead_u128 << 96) | ((t as u128) << 32) | i as u128,
                            marker,
                            relationship,
                            change,
                        };
                        match save(&mut c, sent.request, vec![sent.change.clone()]) {
                            Ok(Reply::Saved(records)) => {
                                done.push((sent, records));
                                acked.fetch_add(1, Ordering::SeqCst);
                            }
                            Ok(other) => panic!("writer {t}: {other:?}"),
                            // The server is gone: this one's fate is unknown.
                            Err(_) => return (done, Some(sent)),
                        }
                    }
                    unreachable!()
                })
            })
            .collect();
        // Kill at the mark, or at the deadline (checked below): the writers
        // only end when the server does.
        let until = std::time::Instant::now() + DEADLINE;
        while acked.load(Ordering::SeqCst) < KILL_AFTER && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        server.0.kill().unwrap(); // SIGKILL
        server.0.wait().unwrap();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    drop(c);
    assert!(
        acked.load(Ordering::SeqCst) >= KILL_AFTER,
        "the writers were too slow to reach the kill mark"
    );

    // Restart; resend every unanswered write with its own request id.
    let server = serve_child(&store_dir);
    let mut c = client(&socket);
    // Whether an unanswered create had landed before the kill (then its
    // retry must not create it again), for the record.
    let before = everything(&mut c);
    let already = outcomes
        .iter()
        .filter_map(|(_, in_flight)| in_flight.as_ref()?.marker.as_ref())
        .filter(|m| {
            before
                .iter()
                .any(|r| matches!(r, Record::Body(b) if &b.name == *m))
        })
        .count();
    let mut landed: Vec<(Sent, Vec<Record>)> = Vec::new();
    let mut resent = 0;
    for (done, in_flight) in outcomes {
        // A retry of a write acknowledged before the kill (its answer lost,
        // say) gets the first answer again: request ids survive the crash.
        for (sent, first) in done.iter().rev().take(3) {
            let again = saved(&mut c, sent.request, vec![sent.change.clone()]);
            assert_eq!(&again, first, "request {:x} answered anew", sent.request);
        }
        landed.extend(done);
        if let Some(sent) = in_flight {
            let records = saved(&mut c, sent.request, vec![sent.change.clone()]);
            landed.push((sent, records));
            resent += 1;
        }
    }
    assert!(resent > 0, "the kill caught no write in flight");
    eprintln!("{resent} writes resent ({already} creates of them had landed before the kill)");
    assert!(landed.len() >= KILL_AFTER);

    // Every write is there once: creates by marker (under the id first
    // acknowledged), appends by count.
    let mut bodies: HashMap<String, Vec<Id>> = HashMap::new();
    let everything = everything(&mut c);
    for r in &everything {
        if let Record::Body(b) = r
            && b.name.starts_with("load-")
        {
            bodies.entry(b.name.clone()).or_default().push(b.id);
        }
    }
    let mut appends: HashMap<Id, usize> = HashMap::new();
    let mut creates = 0;
    for (sent, records) in &landed {
        match (&sent.marker, sent.relationship) {
            (Some(m), _) => {
                assert_eq!(bodies.get(m), Some(&vec![records[0].id()]), "{m}");
                creates += 1;
            }
            (_, Some(rel)) => *appends.entry(rel).or_default() += 1,
            _ => unreachable!(),
        }
    }
    assert_eq!(bodies.len(), creates, "no body is there that was not sent");
    for rel in &shared {
        let Some(Record::Relationship(r)) = everything.iter().find(|r| r.id() == *rel) else {
            panic!("{rel} is gone");
        };
        assert_eq!(
            r.trust.len(),
            1 + appends.get(rel).copied().unwrap_or(0),
            "every trust change on {rel} landed once"
        );
    }

    drop(c);
    let out = triad(&store_dir, &["check"]);
    assert!(
        out.status.success() && text(&out.stdout).contains("no problems"),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let out = triad(&store_dir, &["serve", "--stop"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut server = server;
    wait_until("the restarted server exits", || {
        matches!(server.0.try_wait(), Ok(Some(_)))
    });
    assert!(
        server.0.wait().unwrap().success(),
        "the server exits cleanly"
    );
}
