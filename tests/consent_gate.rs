//! The consent gate: a referral is sent only under an active consent of
//! its client that covers the receiver, or a coordinator's written
//! override; each send writes a provision record.

mod common;

use common::{day, small_set};
use triad::model::*;
use triad::query::request::StoreEffect;
use triad::store::{Change, SledStore, Store, StoreError, StoreExt};

fn c1() -> Id {
    Id::new(Kind::Case, 1)
}
fn r1() -> Id {
    Id::new(Kind::Referral, 1)
}
/// The client of C-0001.
fn p1() -> Id {
    Id::new(Kind::Person, 1)
}
/// R-0001 goes to B-0002 (the hospital).
fn receiver() -> Id {
    Id::new(Kind::Body, 2)
}

fn store() -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(&dir.path().join("store")).unwrap();
    store.import(small_set(), &mut |_, _| {}).unwrap();
    (dir, store)
}

fn consent(granted_to: Id, expires_on: Option<Date>) -> Record {
    Record::Consent(Consent {
        id: Id::new(Kind::Consent, 1),
        client: p1(),
        case: c1(),
        granted_to: vec![granted_to],
        scope: ConsentScope {
            intervention: true,
            information_sharing: true,
            information: vec!["diagnosis".into()],
        },
        given_on: day(2024, 1, 10),
        expires_on,
        withdrawn_on: None,
        obtained_how: "in writing".into(),
    })
}

fn send(override_reason: Option<&str>) -> Change {
    Change::Append(Intent::ReferralStep {
        referral: r1(),
        status: ReferralStatus::Sent,
        on: day(2024, 3, 1),
        note: String::new(),
        declined_by: None,
        decline_reason: String::new(),
        outcome: None,
        follow_up: None,
        override_reason: override_reason.map(str::to_string),
    })
}

/// Sends R-0001 and returns the refusal.
fn refusal(store: &SledStore) -> ConsentRefusal {
    match store.apply(vec![send(None)]) {
        Err(StoreError::Refused {
            id,
            error: IntentError::Consent(why),
        }) => {
            assert_eq!(id, r1());
            why
        }
        other => panic!("expected a consent refusal, got {other:?}"),
    }
}

fn still_proposed(store: &SledStore) {
    let r: Referral = store.get_as(r1()).unwrap().unwrap();
    assert_eq!(r.status(), ReferralStatus::Proposed, "nothing was written");
}

#[test]
fn without_any_consent_sending_is_refused() {
    let (_d, store) = store();
    assert_eq!(refusal(&store), ConsentRefusal::NoConsent);
    still_proposed(&store);
    let why = refusal(&store).to_string();
    assert!(why.contains("no consent"), "{why}");
    assert!(
        why.contains("a coordinator may send it anyway"),
        "says what to do: {why}"
    );
}

#[test]
fn an_expired_consent_is_refused_naming_it() {
    let (_d, store) = store();
    store
        .apply(vec![Change::Create(consent(
            receiver(),
            Some(day(2024, 2, 1)),
        ))])
        .unwrap();
    assert_eq!(
        refusal(&store),
        ConsentRefusal::Expired {
            consent: Id::new(Kind::Consent, 1),
            to: receiver(),
            on: day(2024, 2, 1)
        }
    );
    still_proposed(&store);
}

#[test]
fn a_withdrawn_consent_is_refused_naming_it() {
    let (_d, store) = store();
    store
        .apply(vec![Change::Create(consent(receiver(), None))])
        .unwrap();
    store
        .apply(vec![Change::Append(Intent::WithdrawConsent {
            consent: Id::new(Kind::Consent, 1),
            on: day(2024, 2, 20),
        })])
        .unwrap();
    assert_eq!(
        refusal(&store),
        ConsentRefusal::Withdrawn {
            consent: Id::new(Kind::Consent, 1),
            to: receiver(),
            on: day(2024, 2, 20)
        }
    );
    still_proposed(&store);
}

#[test]
fn a_consent_for_another_party_is_refused() {
    let (_d, store) = store();
    // Covers the government office, not the hospital the referral goes to.
    store
        .apply(vec![Change::Create(consent(Id::new(Kind::Body, 1), None))])
        .unwrap();
    assert_eq!(
        refusal(&store),
        ConsentRefusal::NotCovering { to: receiver() }
    );
    still_proposed(&store);
}

#[test]
fn a_covering_consent_lets_it_go_and_writes_the_provision() {
    let (_d, store) = store();
    store
        .apply(vec![Change::Create(consent(receiver(), None))])
        .unwrap();
    store.apply(vec![send(None)]).unwrap();
    let r: Referral = store.get_as(r1()).unwrap().unwrap();
    assert_eq!(r.status(), ReferralStatus::Sent);
    assert_eq!(
        r.provision(),
        Some(&Provision {
            to: receiver(),
            items: vec!["diagnosis".into()],
            on: day(2024, 3, 1),
            basis: ProvisionBasis::Consent {
                consent: Id::new(Kind::Consent, 1)
            },
        })
    );
    // The consent it went under stays: it cannot be deleted from under it.
    assert!(matches!(
        store.delete(Id::new(Kind::Consent, 1)),
        Err(StoreError::InUse { .. })
    ));
    let last = store.audit_trail().unwrap().pop().unwrap();
    assert_eq!(last.entity, Some(r1()));
    assert!(
        last.text(triad::i18n::Lang::En).contains("under K-0001"),
        "{}",
        last.text(triad::i18n::Lang::En)
    );
}

#[test]
fn an_override_with_a_reason_goes_through_and_is_shown() {
    let (_d, store) = store();
    // A blank reason is no reason.
    assert!(matches!(
        store.apply(vec![send(Some("  "))]),
        Err(StoreError::Refused {
            error: IntentError::Consent(ConsentRefusal::NoConsent),
            ..
        })
    ));
    store
        .apply(vec![send(Some("client in crisis; agreed by phone"))])
        .unwrap();
    let r: Referral = store.get_as(r1()).unwrap().unwrap();
    assert_eq!(r.status(), ReferralStatus::Sent);
    let p = r.provision().expect("a provision");
    assert_eq!(
        p.basis,
        ProvisionBasis::Override {
            reason: "client in crisis; agreed by phone".into()
        }
    );
    assert_eq!(p.to, receiver());
    // In the Markdown report, with its reason.
    let scope = triad::store::Scope::new(&store, &Reader::owner("test")).unwrap();
    let report =
        triad::exchange::case_report(&store, c1(), &scope, triad::i18n::Lang::En, false).unwrap();
    assert!(
        report.contains("client in crisis; agreed by phone"),
        "{report}"
    );
}

#[test]
fn a_referral_cannot_be_created_or_edited_into_sent() {
    let (_d, store) = store();
    let mut r: Referral = store.get_as(r1()).unwrap().unwrap();
    r.advance(ReferralStatus::Sent, day(2024, 3, 1), "test", "")
        .unwrap();
    let err = store.update(Record::Referral(r.clone())).unwrap_err();
    assert!(err.to_string().contains("moving it on"), "{err}");
    let err = store.create(Record::Referral(r)).unwrap_err();
    assert!(err.to_string().contains("moving it on"), "{err}");
    still_proposed(&store);
}

#[test]
fn a_provision_round_trips_through_export_and_import() {
    let (_d, store) = store();
    store
        .apply(vec![Change::Create(consent(receiver(), None))])
        .unwrap();
    store.apply(vec![send(None)]).unwrap();
    let text = triad::exchange::to_json(store.everything().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let other = SledStore::open(&dir.path().join("other")).unwrap();
    triad::exchange::import(&other, &text, &mut |_, _| {}).unwrap();
    let back: Referral = other.get_as(r1()).unwrap().unwrap();
    let here: Referral = store.get_as(r1()).unwrap().unwrap();
    assert_eq!(back.provision(), here.provision());
    assert!(back.provision().is_some());
}

#[test]
fn withdrawing_a_consent_flags_the_open_referrals_it_covered() {
    let (_d, store) = store();
    store
        .apply(vec![Change::Create(consent(receiver(), None))])
        .unwrap();
    store.apply(vec![send(None)]).unwrap();
    let reader = Reader::owner("test");
    let scope = triad::store::Scope::new(&store, &reader).unwrap();
    let alerts = |store: &SledStore| {
        let mut out = Vec::new();
        let cases = Default::default();
        let at = triad::query::worker::Where {
            index: triad::query::worker::IndexAt::Server,
            cases: &cases,
            dashboard: None,
        };
        triad::query::worker::run_store(
            store,
            StoreEffect::RefreshDashboard,
            day(2024, 4, 1),
            at,
            &scope,
            &mut |r| {
                if let triad::query::request::Reply::Consents(c) = r {
                    out = c;
                }
            },
        );
        out
    };
    assert!(alerts(&store).is_empty(), "an active consent needs no look");
    store
        .apply(vec![Change::Append(Intent::WithdrawConsent {
            consent: Id::new(Kind::Consent, 1),
            on: day(2024, 3, 20),
        })])
        .unwrap();
    let alerts = alerts(&store);
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].open_referrals, vec![r1()]);
}
