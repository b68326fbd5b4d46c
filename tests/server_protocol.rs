//! `triad serve` over its socket, in this process: misbehaving peers lose
//! only their own connection, the handshake refuses another protocol
//! version, concurrent edits conflict while appends both land, a request id
//! is applied once, and subscribers hear what others saved.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::sync::Barrier;

use triad::model::*;
use triad::query::request::{Reply, StoreEffect};
use triad::server::client::{Client, Heard};
use triad::server::frame::{read_frame, write_frame};
use triad::server::protocol::{Ask, Feed, MAX_FRAME, Part, Request, ServerFrame, VERSION, Welcome};
use triad::store::{Change, Store, StoreExt};

mod common;
mod server_common;
use common::{body, case, day, referral};
use server_common::*;

fn assert_polio_found(good: &mut Client, when: &str) {
    let hits = search(good, "ポリオ");
    assert!(
        hits.iter().any(|h| h.label == "仙台ポリオの会"),
        "{when}: the well-behaved client got {hits:?}"
    );
}

#[derive(Clone, Copy, Debug)]
enum Misbehaviour {
    /// A whole frame whose body is not JSON.
    Garbage,
    /// A whole frame of JSON that is not what the server expects.
    WrongShape,
    /// Half a frame, then the socket closed.
    TruncatedThenClosed,
    /// A length header over the limit (the body never comes).
    Oversized,
    /// Half a frame, then nothing: the socket stays open.
    HalfThenStall,
}

impl Misbehaviour {
    const ALL: [Misbehaviour; 5] = [
        Misbehaviour::Garbage,
        Misbehaviour::WrongShape,
        Misbehaviour::TruncatedThenClosed,
        Misbehaviour::Oversized,
        Misbehaviour::HalfThenStall,
    ];

    fn commit(self, s: &mut UnixStream) {
        let frame = |body: &[u8]| {
            let mut f = u32::try_from(body.len()).unwrap().to_be_bytes().to_vec();
            f.extend_from_slice(body);
            f
        };
        let half = {
            let mut f = 100u32.to_be_bytes().to_vec();
            f.extend_from_slice(br#"{"seq": 1, "as"#);
            f
        };
        match self {
            Misbehaviour::Garbage => s.write_all(&frame(b"{{{ not json")).unwrap(),
            Misbehaviour::WrongShape => s
                .write_all(&frame(
                    br#"{"seq": "one", "ask": {"ask": "no_such_thing"}}"#,
                ))
                .unwrap(),
            Misbehaviour::TruncatedThenClosed => {
                s.write_all(&half).unwrap();
                s.shutdown(std::net::Shutdown::Write).unwrap();
            }
            Misbehaviour::Oversized => {
                let len = u32::try_from(MAX_FRAME + 1).unwrap();
                s.write_all(&len.to_be_bytes()).unwrap();
                // The server may drop us as soon as it reads the length.
                let _ = s.write_all(b"{");
            }
            Misbehaviour::HalfThenStall => s.write_all(&half).unwrap(),
        }
    }
}

/// Opens one connection per misbehaviour, commits them all at once while
/// a well-behaved client stays connected, and checks that each bad one is
/// dropped while the good one keeps being answered.
fn misbehave_while_another_is_served(welcomed: bool) {
    let server = TestServer::start();
    let mut good = client(&server.socket);
    load_demo(&mut good);
    assert_polio_found(&mut good, "before");

    let mut bad = Vec::new();
    for m in Misbehaviour::ALL {
        let mut s = if welcomed {
            raw_welcomed(&server.socket)
        } else {
            raw(&server.socket)
        };
        m.commit(&mut s);
        bad.push((format!("{m:?} (welcomed: {welcomed})"), s));
    }
    // Answered while the bad peers are still connected (the stalled one
    // waits out the server's patience) ...
    assert_polio_found(&mut good, "while bad peers are connected");
    for (what, s) in &mut bad {
        assert_dropped(s, what);
    }
    // ... and after they have been dropped; a new client is welcomed too.
    assert_polio_found(&mut good, "after");
    let mut newcomer = client(&server.socket);
    assert_polio_found(&mut newcomer, "a client connected after");
}

#[test]
fn misbehaving_peers_lose_only_their_own_connection() {
    misbehave_while_another_is_served(true);
}

#[test]
fn misbehaving_peers_are_dropped_even_before_their_hello() {
    misbehave_while_another_is_served(false);
}

#[test]
fn a_refused_client_is_disconnected() {
    let server = TestServer::start();
    let mut s = raw(&server.socket);
    hello(&mut s, VERSION + 1);
    let welcome = read_frame::<Welcome>(&mut s, Some(DEADLINE), DEADLINE).expect("an answer");
    assert!(matches!(welcome, Welcome::Refused { .. }), "{welcome:?}");
    assert_dropped(&mut s, "a refused client");
}

#[test]
fn a_client_that_half_closes_after_asking_still_gets_the_whole_answer() {
    let server = TestServer::start();
    load_demo(&mut client(&server.socket));
    for round in 0..5 {
        let mut s = raw_welcomed(&server.socket);
        let ask = Request {
            seq: 1,
            ask: Ask::Collect { case: None },
        };
        write_frame(&mut s, &ask).unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        let mut records = 0;
        loop {
            match read_frame::<ServerFrame>(&mut s, Some(DEADLINE), DEADLINE) {
                Ok(ServerFrame::Answer {
                    part: Part::Done { result },
                    ..
                }) => {
                    assert!(result.is_ok(), "{result:?}");
                    break;
                }
                Ok(ServerFrame::Answer {
                    part: Part::Records { records: r },
                    ..
                }) => records += r.len(),
                Ok(_) => {}
                Err(e) => panic!("round {round}: after {records} records: {e}"),
            }
        }
        assert!(records > 400, "round {round}: {records} records");
    }
}

#[test]
fn another_protocol_version_is_refused_with_a_reason() {
    let server = TestServer::start();
    let mut s = raw(&server.socket);
    hello(&mut s, VERSION + 1);
    match read_frame::<Welcome>(&mut s, Some(DEADLINE), DEADLINE).expect("an answer") {
        Welcome::Refused { reason } => {
            assert!(
                reason.contains(&format!("protocol {VERSION}"))
                    && reason.contains(&(VERSION + 1).to_string()),
                "the reason names both versions: {reason}"
            );
        }
        ok @ (Welcome::Ok { .. } | Welcome::Wait { .. }) => {
            panic!("a client of another version was welcomed: {ok:?}")
        }
    }
    // The right version is still welcome.
    let mut c = client(&server.socket);
    assert!(search(&mut c, "anything").is_empty());
}

/// Runs `f` on two clients at (nearly) the same moment; their replies.
fn duel(socket: &std::path::Path, f: impl Fn(&mut Client, usize) -> Reply + Sync) -> [Reply; 2] {
    let mut clients = [client(socket), client(socket)];
    let barrier = Barrier::new(2);
    let [a, b] = &mut clients;
    std::thread::scope(|s| {
        let (barrier, f) = (&barrier, &f);
        let ha = s.spawn(move || {
            barrier.wait();
            f(a, 0)
        });
        let hb = s.spawn(move || {
            barrier.wait();
            f(b, 1)
        });
        [ha.join().unwrap(), hb.join().unwrap()]
    })
}

#[test]
fn two_edits_from_one_revision_one_saves_and_the_other_conflicts() {
    let mut server = TestServer::start();
    let mut c = client(&server.socket);
    let stored = saved(
        &mut c,
        1,
        vec![Change::Create(body(
            1,
            "会議室の予約窓口",
            Sector::Government,
        ))],
    );
    let Record::Body(original) = stored[0].clone() else {
        panic!("a body was created: {stored:?}");
    };
    let id = original.id;
    let mut last_winner = None;
    for round in 0..5u64 {
        // Created at revision 1; each round's one winner adds one.
        let base = 1 + round;
        let replies = duel(&server.socket, |client, who| {
            let mut b = original.clone();
            b.note = format!("client {who}, round {round}");
            let request = u128::from(round) * 10 + who as u128 + 100;
            let edit = Change::Edit {
                record: Record::Body(b),
                base,
            };
            save(client, request, vec![edit]).unwrap()
        });
        let winners: Vec<_> = replies
            .iter()
            .filter_map(|r| match r {
                Reply::Saved(records) => Some(records[0].clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            winners.len(),
            1,
            "round {round}: exactly one saves: {replies:?}"
        );
        let winner = winners[0].clone();
        let conflict = replies
            .iter()
            .find(|r| !matches!(r, Reply::Saved(_)))
            .unwrap();
        match conflict {
            Reply::Conflict {
                current,
                rev,
                message,
            } => {
                assert_eq!(
                    **current, winner,
                    "round {round}: the conflict carries the winner's record"
                );
                assert_eq!(*rev, base + 1, "round {round}");
                assert!(message.contains(&id.to_string()), "{message}");
            }
            other => panic!("round {round}: the loser got {other:?}, not a conflict"),
        }
        last_winner = Some(winner);
    }
    drop(c);
    let store = server.stop_and_open();
    assert_eq!(store.get(id).unwrap(), last_winner);
    assert_eq!(store.revisions(&[id]).unwrap(), vec![6]);
}

#[test]
fn appends_to_one_record_from_two_clients_both_land() {
    let mut server = TestServer::start();
    let mut c = client(&server.socket);
    let gov = create(&mut c, 1, body(1, "市役所 福祉課", Sector::Government));
    let med = create(&mut c, 2, body(2, "大学病院 相談室", Sector::Medical));
    let fam = create(&mut c, 3, body(3, "患者会", Sector::PatientFamily));
    let rel = create(&mut c, 4, relationship(gov, med, day(2024, 1, 1)));
    let case_id = create(
        &mut c,
        5,
        case(1, "就労の相談", None, &[(gov, Sector::Government)]),
    );
    let referral_id = create(&mut c, 6, referral(1, case_id, fam, med));

    // Two trust changes on one relationship, ten times over.
    let mut sent_levels = Vec::new();
    for round in 0..10u8 {
        let levels = [1 + round % 5, 1 + (round + 2) % 5];
        sent_levels.extend(levels);
        let replies = duel(&server.socket, |client, who| {
            let trust = Intent::Trust {
                relationship: rel,
                level: TrustLevel::new(levels[who]).unwrap(),
                on: day(2024, 2, 1),
            };
            let request = 1000 + u128::from(round) * 10 + who as u128;
            save(client, request, vec![Change::Append(trust)]).unwrap()
        });
        for r in &replies {
            assert!(matches!(r, Reply::Saved(_)), "round {round}: {replies:?}");
        }
    }

    // A party joins a case while someone else moves its status: both land.
    let replies = duel(&server.socket, |client, who| {
        let intent = if who == 0 {
            Intent::AddParty {
                case: case_id,
                party: CaseParty {
                    party: med,
                    sector: Sector::Medical,
                    role: "主治医".into(),
                    from: day(2024, 3, 1),
                    until: None,
                },
            }
        } else {
            Intent::CaseStatus {
                case: case_id,
                status: CaseStatus::Monitoring,
                on: day(2024, 3, 1),
                note: String::new(),
            }
        };
        save(client, 2000 + who as u128, vec![Change::Append(intent)]).unwrap()
    });
    for r in &replies {
        assert!(matches!(r, Reply::Saved(_)), "{replies:?}");
    }

    // The same step twice is one step: the second is refused as illegal.
    let replies = duel(&server.socket, |client, who| {
        let step = Intent::ReferralStep {
            referral: referral_id,
            status: ReferralStatus::Sent,
            on: day(2024, 2, 2),
            note: format!("client {who}"),
            declined_by: None,
            decline_reason: String::new(),
            outcome: None,
            follow_up: None,
            // The case has no consent: the owner (a coordinator) overrides.
            override_reason: Some("the client agreed by phone".into()),
        };
        save(client, 3000 + who as u128, vec![Change::Append(step)]).unwrap()
    });
    let saved_steps = replies
        .iter()
        .filter(|r| matches!(r, Reply::Saved(_)))
        .count();
    assert_eq!(saved_steps, 1, "{replies:?}");
    assert!(
        replies.iter().any(|r| matches!(
            r,
            Reply::SaveFailed { field: Some(f), .. } if f == "status"
        )),
        "the second 'sent' is refused on its status field: {replies:?}"
    );

    drop(c);
    let store = server.stop_and_open();
    let r: Relationship = store.get_as(rel).unwrap().unwrap();
    assert_eq!(
        r.trust.len(),
        1 + sent_levels.len(),
        "every append landed once"
    );
    let mut got: Vec<u8> = r.trust[1..].iter().map(|t| t.level.get()).collect();
    got.sort_unstable();
    sent_levels.sort_unstable();
    assert_eq!(got, sent_levels);

    let c: Case = store.get_as(case_id).unwrap().unwrap();
    assert!(c.parties.iter().any(|p| p.party == med), "{:?}", c.parties);
    assert_eq!(c.status, CaseStatus::Monitoring);
    assert_eq!(c.status_history.len(), 2);

    let r: Referral = store.get_as(referral_id).unwrap().unwrap();
    let steps: Vec<_> = r.history.iter().map(|t| t.status).collect();
    assert_eq!(steps, [ReferralStatus::Proposed, ReferralStatus::Sent]);
    assert!(store.check().unwrap().problems.is_empty());
}

fn bodies_named(store: &impl Store, name: &str) -> Vec<Body> {
    store
        .all::<Body>()
        .unwrap()
        .into_iter()
        .filter(|b| b.name == name)
        .collect()
}

#[test]
fn a_request_id_sent_twice_is_applied_once() {
    let mut server = TestServer::start();
    let (mut a, mut b) = (client(&server.socket), client(&server.socket));
    let once = |name: &str| vec![Change::Create(body(1, name, Sector::Medical))];

    // One after the other, on two connections: the retry gets the first
    // answer, even if it says something else.
    let request: u128 = 0xfeed_0000_0000_0000_0000_0000_0000_0001;
    let first = saved(&mut a, request, once("一度だけ 順番"));
    let again = saved(&mut b, request, once("一度だけ 順番"));
    assert_eq!(first, again);
    let other = saved(&mut a, request, once("別の名前"));
    assert_eq!(
        first, other,
        "a reused id answers with what it stored first"
    );

    // At the same moment, on two connections.
    let request = request + 1;
    let replies = duel(&server.socket, |client, _| {
        save(client, request, once("一度だけ 同時")).unwrap()
    });
    assert_eq!(replies[0], replies[1]);
    assert!(
        matches!(&replies[0], Reply::Saved(r) if r.len() == 1),
        "{replies:?}"
    );

    drop((a, b));
    let store = server.stop_and_open();
    assert_eq!(bodies_named(&store, "一度だけ 順番").len(), 1);
    assert_eq!(bodies_named(&store, "一度だけ 同時").len(), 1);
    assert!(bodies_named(&store, "別の名前").is_empty());
    assert_eq!(store.all::<Body>().unwrap().len(), 2);
}

#[test]
fn subscribers_hear_what_another_client_saved() {
    let server = TestServer::start();
    let (mut listener, heard) = connect(&server.socket, true);
    let (mut quiet, quiet_heard) = connect(&server.socket, false);
    let mut writer = client(&server.socket);

    let request = 42;
    let id = create(
        &mut writer,
        request,
        body(1, "新しい支援団体", Sector::PatientFamily),
    );
    let changed = |heard: &Heards, rev: u64, request: Option<u128>| {
        heard.lock().unwrap().iter().any(|h| match h {
            Heard::Feed(Feed::Changed {
                changes,
                request: r,
            }) => *r == request && changes.iter().any(|c| c.id == id && c.rev == rev),
            _ => false,
        })
    };
    wait_until("the subscriber hears the new record", || {
        changed(&heard, 1, Some(request))
    });

    // An edit by the writer: heard with the record's next revision.
    let Record::Body(mut b) = body(1, "新しい支援団体", Sector::PatientFamily) else {
        unreachable!()
    };
    b.id = id;
    b.note = "代表: 青木".into();
    saved(
        &mut writer,
        43,
        vec![Change::Edit {
            record: Record::Body(b),
            base: 1,
        }],
    );
    wait_until("the subscriber hears the edit", || {
        changed(&heard, 2, Some(43))
    });

    // A client that did not subscribe hears no changes: anything pushed to
    // it would have reached its listener before the answer to this search.
    search(&mut quiet, "支援");
    let pushed = quiet_heard
        .lock()
        .unwrap()
        .iter()
        .filter(|h| matches!(h, Heard::Feed(Feed::Changed { .. })))
        .count();
    assert_eq!(pushed, 0);
    // The subscriber is still answered as usual.
    assert!(search(&mut listener, "支援団体").iter().any(|h| h.id == id));
    assert!(
        !heard
            .lock()
            .unwrap()
            .iter()
            .any(|h| matches!(h, Heard::Lost(_)))
    );
}

/// A store with more names than one reply holds: `LoadAll` sends them in
/// parts (one frame has a limit), finishes, and the connection goes on
/// answering. (Sent whole, 100,000 cases' names broke the frame limit and
/// the client waited forever.)
#[test]
fn load_all_sends_many_names_in_parts_and_the_connection_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    {
        let s = triad::store::SledStore::open(&store).unwrap();
        let people: Vec<Record> = (1..=12_000)
            .map(|n| common::person(n, &format!("ピア 花子{n}")))
            .collect();
        s.import(people, &mut |_, _| {}).unwrap();
    }
    let running = serve(&store);
    let mut c = client(running.socket());
    let mut parts = 0;
    let mut named = 0;
    let mut loaded = false;
    c.ask(
        Ask::Effect {
            effect: triad::query::request::StoreEffect::LoadAll,
        },
        &mut |part| {
            if let Part::Reply { reply } = part {
                match *reply {
                    Reply::Names(n) if !n.is_empty() => {
                        parts += 1;
                        named += n.len();
                    }
                    Reply::Loaded(r) => loaded = r.is_ok(),
                    _ => {}
                }
            }
        },
    )
    .expect("LoadAll is answered");
    assert!(loaded, "LoadAll finished");
    assert_eq!(named, 12_000);
    assert!(parts >= 2, "in parts: {parts}");
    assert!(
        !search(&mut c, "P-12000").is_empty(),
        "the connection goes on"
    );
}

/// A request that is JSON but not one the server knows (an unreadable id,
/// an unknown ask) is answered with why before the connection is closed,
/// so the client says more than "connection lost".
#[test]
fn a_request_the_server_cannot_read_is_answered_with_why_then_dropped() {
    let server = TestServer::start();
    let mut s = raw_welcomed(&server.socket);
    let frame = br#"{"seq": 7, "ask": {"ask": "collect", "case": "C-0000"}}"#;
    let mut bytes = u32::try_from(frame.len()).unwrap().to_be_bytes().to_vec();
    bytes.extend_from_slice(frame);
    s.write_all(&bytes).unwrap();
    let answer: ServerFrame = read_frame(&mut s, Some(DEADLINE), DEADLINE).expect("an answer");
    match answer {
        ServerFrame::Answer {
            seq: 7,
            part: Part::Done { result: Err(e) },
        } => {
            assert_eq!(e.code, triad::server::protocol::ErrorCode::BadRequest);
            assert!(e.message.contains("could not be read"), "{}", e.message);
        }
        other => panic!("expected a BadRequest for request 7, got {other:?}"),
    }
    assert_dropped(&mut s, "an unreadable request");
}

#[test]
fn a_meeting_mode_reveal_is_logged_and_clients_log_only_exports_and_imports() {
    let mut server = TestServer::start();
    let mut c = client(&server.socket);
    let p = create(&mut c, 1, common::person(1, "森田 さとみ"));
    c.ask(
        Ask::Effect {
            effect: StoreEffect::Reveal {
                entity: p,
                item: "name".into(),
            },
        },
        &mut |_| {},
    )
    .unwrap();
    // An item kind the server does not trust is not written as given.
    c.ask(
        Ask::Effect {
            effect: StoreEffect::Reveal {
                entity: p,
                item: "森田\u{1b}]0;x".into(),
            },
        },
        &mut |_| {},
    )
    .unwrap();
    drop(c);
    let store = server.stop_and_open();
    let trail = store.audit_trail().unwrap();
    let reveals: Vec<&AuditEntry> = trail
        .iter()
        .filter(|e| e.action == AuditAction::Reveal)
        .collect();
    assert_eq!(reveals.len(), 2, "{trail:?}");
    assert_eq!(
        reveals[0].text(triad::i18n::Lang::En),
        format!("revealed the name of {p} in meeting mode")
    );
    assert_eq!(
        reveals[1].text(triad::i18n::Lang::En),
        format!("revealed the item of {p} in meeting mode")
    );
    assert!(
        !trail
            .iter()
            .any(|e| e.text(triad::i18n::Lang::En).contains("森田"))
    );
    assert!(store.check().unwrap().problems.is_empty());
}

/// An event is found by its parties' names; renaming a party through the
/// server indexes the event again under the new name.
#[test]
fn renaming_a_party_reindexes_its_events() {
    let server = TestServer::start();
    let mut c = client(&server.socket);
    let centre = create(&mut c, 1, body(1, "旧名センター", Sector::Government));
    let event = create(
        &mut c,
        2,
        Record::Event(Event {
            id: Id::new(Kind::Event, 1),
            date: day(2024, 3, 1),
            end: None,
            kind: EventKind::Meeting,
            title: "定例会".into(),
            parties: vec![centre],
            partnership: None,
            case: None,
            attendance: None,
            course: None,
            note: String::new(),
        }),
    );
    let finds = |c: &mut Client, q: &str| search(c, q).iter().any(|h| h.id == event);
    assert!(finds(&mut c, "旧名 定例会"), "found by its party's name");
    let Record::Body(mut b) = body(1, "新名会館", Sector::Government) else {
        unreachable!()
    };
    b.id = centre;
    saved(
        &mut c,
        3,
        vec![Change::Edit {
            record: Record::Body(b),
            base: 1,
        }],
    );
    assert!(finds(&mut c, "新名 定例会"), "found by the new name");
    assert!(!finds(&mut c, "旧名 定例会"), "no longer by the old one");
}
