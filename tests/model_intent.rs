//! Intents (appends to history) applied to a record as it is stored, and
//! the validation rules no other test pins down: a consent must be valid,
//! and a referral step may fall on the same day as the one before.

use chrono::{TimeZone, Utc};
use triad::model::*;

mod common;
use common::day;

fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2025, 1, 15, 9, 0, 0).single().unwrap()
}

fn referral() -> Record {
    let case = Id::new(Kind::Case, 1);
    common::referral(1, case, Id::new(Kind::Person, 1), Id::new(Kind::Body, 1))
}

fn step(status: ReferralStatus, on: Date) -> Intent {
    Intent::ReferralStep {
        referral: Id::new(Kind::Referral, 1),
        status,
        on,
        note: String::new(),
        declined_by: None,
        decline_reason: String::new(),
        outcome: Some("met the counsellor".into()),
        follow_up: Some(day(2024, 7, 1)),
        override_reason: None,
    }
}

fn as_referral(r: &Record) -> &Referral {
    match r {
        Record::Referral(r) => r,
        other => panic!("not a referral: {other:?}"),
    }
}

#[test]
fn a_referral_step_lands_with_its_author_outcome_and_follow_up() {
    let mut r = referral();
    let before = as_referral(&r).history.len();
    step(ReferralStatus::Sent, day(2024, 5, 2))
        .apply(&mut r, "sato", now())
        .unwrap();
    let r = as_referral(&r);
    assert_eq!(r.history.len(), before + 1);
    let last = r.history.last().unwrap();
    assert_eq!(
        (last.status, last.on, last.by.as_str()),
        (ReferralStatus::Sent, day(2024, 5, 2), "sato")
    );
    assert_eq!(r.outcome, "met the counsellor");
    assert_eq!(r.follow_up, Some(day(2024, 7, 1)));
}

#[test]
fn a_step_on_the_same_day_as_the_last_is_accepted_and_one_before_is_refused() {
    let mut r = referral();
    let proposed_on = as_referral(&r).history[0].on;
    step(ReferralStatus::Sent, proposed_on)
        .apply(&mut r, "sato", now())
        .expect("the same day is fine");
    let mut r2 = r.clone();
    let err = step(ReferralStatus::Accepted, proposed_on.pred_opt().unwrap())
        .apply(&mut r2, "sato", now())
        .unwrap_err();
    assert!(matches!(
        err,
        IntentError::Step(TransitionError::BeforeLast { .. })
    ));
    assert_eq!(err.field(), Some("on"));
    // Also on the model directly.
    let mut plain = as_referral(&referral()).clone();
    plain
        .advance(ReferralStatus::Sent, proposed_on, "sato", "")
        .expect("same day");
    plain
        .advance(ReferralStatus::Accepted, proposed_on, "sato", "")
        .expect("same day again");
}

#[test]
fn an_illegal_step_and_a_decline_without_who_are_refused() {
    let mut r = referral();
    let err = step(ReferralStatus::Completed, day(2024, 5, 2))
        .apply(&mut r, "sato", now())
        .unwrap_err();
    assert_eq!(err.field(), Some("status"));
    step(ReferralStatus::Sent, day(2024, 5, 2))
        .apply(&mut r, "sato", now())
        .unwrap();
    let err = step(ReferralStatus::Declined, day(2024, 5, 3))
        .apply(&mut r, "sato", now())
        .unwrap_err();
    assert_eq!(err.field(), Some("decline_reason"));
    let decline = Intent::ReferralStep {
        referral: Id::new(Kind::Referral, 1),
        status: ReferralStatus::Declined,
        on: day(2024, 5, 3),
        note: String::new(),
        declined_by: Some(DeclinedBy::Client),
        decline_reason: "wants to wait".into(),
        outcome: None,
        follow_up: None,
        override_reason: None,
    };
    decline.apply(&mut r, "sato", now()).unwrap();
    let r = as_referral(&r);
    assert_eq!(r.status(), ReferralStatus::Declined);
    assert_eq!(r.declined_by, Some(DeclinedBy::Client));
    assert_eq!(r.decline_reason, "wants to wait");
    assert_eq!(
        r.outcome, "met the counsellor",
        "an outcome not given keeps the one before"
    );
}

#[test]
fn an_intent_for_another_kind_of_record_is_refused() {
    let mut body = common::body(1, "保健所", Sector::Government);
    let err = step(ReferralStatus::Sent, day(2024, 5, 2))
        .apply(&mut body, "sato", now())
        .unwrap_err();
    assert_eq!(err, IntentError::WrongKind(Id::new(Kind::Body, 1)));
    assert_eq!(err.field(), None);
}

fn relationship() -> Record {
    Record::Relationship(Relationship {
        id: Id::new(Kind::Relationship, 1),
        a: Id::new(Kind::Body, 1),
        b: Id::new(Kind::Body, 2),
        case: None,
        trust: vec![TrustChange {
            on: day(2024, 3, 1),
            level: TrustLevel::new(2).unwrap(),
            by: "sato".into(),
        }],
        entered: None,
    })
}

#[test]
fn trust_changes_append_in_date_order() {
    let mut r = relationship();
    let level = TrustLevel::new(4).unwrap();
    let trust = |on| Intent::Trust {
        relationship: Id::new(Kind::Relationship, 1),
        level,
        on,
    };
    trust(day(2024, 3, 1))
        .apply(&mut r, "tanaka", now())
        .unwrap();
    let err = trust(day(2024, 2, 28))
        .apply(&mut r.clone(), "tanaka", now())
        .unwrap_err();
    assert_eq!(err.field(), Some("on"));
    let Record::Relationship(r) = r else { panic!() };
    assert_eq!(r.trust.len(), 2);
    assert_eq!(r.trust[1].by, "tanaka");
    assert_eq!(r.level(), Some(level));
}

fn sendai_case() -> Record {
    let k = Id::new(Kind::Person, 2);
    common::case(
        1,
        "ポリオ後症候群の相談",
        Some(Id::new(Kind::Person, 1)),
        &[(k, Sector::Medical)],
    )
}

fn as_case(r: &Record) -> &Case {
    match r {
        Record::Case(c) => c,
        other => panic!("not a case: {other:?}"),
    }
}

#[test]
fn parties_join_and_their_roles_end_but_stay_on_record() {
    let mut c = sendai_case();
    let nurse = Id::new(Kind::Person, 3);
    let join = Intent::AddParty {
        case: Id::new(Kind::Case, 1),
        party: CaseParty {
            party: nurse,
            sector: Sector::Medical,
            role: "保健師".into(),
            from: day(2024, 4, 1),
            until: None,
        },
    };
    join.apply(&mut c, "sato", now()).unwrap();
    assert_eq!(as_case(&c).changed, now());
    let err = join.apply(&mut c.clone(), "sato", now()).unwrap_err();
    assert_eq!(err.field(), Some("party"), "already in the triad");

    let end = |on| Intent::EndRole {
        case: Id::new(Kind::Case, 1),
        party: nurse,
        on,
    };
    let err = end(day(2024, 3, 31))
        .apply(&mut c.clone(), "sato", now())
        .unwrap_err();
    assert_eq!(err.field(), Some("until"), "before the role started");
    end(day(2024, 9, 30)).apply(&mut c, "sato", now()).unwrap();
    let role = as_case(&c)
        .parties
        .iter()
        .find(|p| p.party == nurse)
        .unwrap();
    assert_eq!(role.until, Some(day(2024, 9, 30)));
    let err = end(day(2024, 10, 1))
        .apply(&mut c.clone(), "sato", now())
        .unwrap_err();
    assert_eq!(err.field(), Some("party"), "no open role left to end");
}

#[test]
fn a_case_moves_status_forward_in_time_only() {
    let mut c = sendai_case();
    let last = as_case(&c).status_history.last().unwrap().on;
    let status = |status, on| Intent::CaseStatus {
        case: Id::new(Kind::Case, 1),
        status,
        on,
        note: String::new(),
    };
    let err = status(CaseStatus::Closed, last.pred_opt().unwrap())
        .apply(&mut c.clone(), "sato", now())
        .unwrap_err();
    assert_eq!(err.field(), Some("on"));
    status(CaseStatus::Closed, last)
        .apply(&mut c, "sato", now())
        .unwrap();
    let c = as_case(&c);
    assert_eq!(c.status, CaseStatus::Closed);
    assert_eq!(c.status_history.last().unwrap().by, "sato");
}

fn consent() -> Consent {
    Consent {
        id: Id::new(Kind::Consent, 1),
        client: Id::new(Kind::Person, 1),
        case: Id::new(Kind::Case, 1),
        granted_to: vec![Id::new(Kind::Body, 1)],
        scope: ConsentScope {
            intervention: true,
            information_sharing: false,
            information: vec![],
        },
        given_on: day(2024, 4, 1),
        expires_on: Some(day(2025, 3, 31)),
        withdrawn_on: None,
        obtained_how: "in writing".into(),
    }
}

#[test]
fn a_consent_is_withdrawn_once_and_never_before_it_was_given() {
    let mut c = Record::Consent(consent());
    let withdraw = |on| Intent::WithdrawConsent {
        consent: Id::new(Kind::Consent, 1),
        on,
    };
    let err = withdraw(day(2024, 3, 31))
        .apply(&mut c.clone(), "sato", now())
        .unwrap_err();
    assert_eq!(err.field(), Some("withdrawn_on"));
    withdraw(day(2024, 4, 1))
        .apply(&mut c, "sato", now())
        .unwrap();
    let Record::Consent(done) = &c else { panic!() };
    assert_eq!(done.withdrawn_on, Some(day(2024, 4, 1)));
    assert_eq!(done.status(day(2024, 4, 1)), ConsentStatus::Withdrawn);
    let err = withdraw(day(2024, 5, 1))
        .apply(&mut c.clone(), "sato", now())
        .unwrap_err();
    assert_eq!(err.field(), Some("withdrawn_on"), "already withdrawn");
}

/// Each rule of `Consent::validate`, broken one at a time, is refused on
/// the field it concerns; the consent as made above is valid.
#[test]
fn consent_validation_refuses_each_broken_rule_on_its_field() {
    consent().validate().expect("the base consent is valid");
    type Breaker = Box<dyn Fn(&mut Consent)>;
    let cases: Vec<(&str, Breaker)> = vec![
        ("id", Box::new(|c| c.id = Id::new(Kind::Case, 1))),
        ("client", Box::new(|c| c.client = Id::new(Kind::Body, 1))),
        ("case", Box::new(|c| c.case = Id::new(Kind::Person, 1))),
        ("granted_to", Box::new(|c| c.granted_to.clear())),
        (
            "granted_to",
            Box::new(|c| c.granted_to = vec![Id::new(Kind::Event, 1)]),
        ),
        (
            "scope",
            Box::new(|c| c.scope.information = vec!["diag\u{1b}[2Jnosis".into()]),
        ),
        (
            "scope",
            Box::new(|c| {
                c.scope.intervention = false;
                c.scope.information_sharing = false;
            }),
        ),
        ("obtained_how", Box::new(|c| c.obtained_how = "  ".into())),
        (
            "obtained_how",
            Box::new(|c| c.obtained_how = "verbal\u{7}".into()),
        ),
        (
            "expires_on",
            Box::new(|c| c.expires_on = Some(day(2024, 3, 31))),
        ),
        (
            "withdrawn_on",
            Box::new(|c| c.withdrawn_on = Some(day(2024, 3, 31))),
        ),
    ];
    for (field, break_it) in cases {
        let mut c = consent();
        break_it(&mut c);
        let err = c.validate().expect_err(field);
        assert_eq!(err.field, field, "{err}");
    }
    // Expiry and withdrawal on the day it was given are fine.
    let mut c = consent();
    c.expires_on = Some(c.given_on);
    c.withdrawn_on = Some(c.given_on);
    c.validate().expect("same-day expiry and withdrawal");
}

#[test]
fn nothing_that_happened_is_dated_in_the_future() {
    let mut c = sendai_case();
    let tomorrow = now().date_naive().succ_opt().unwrap();
    let close = |on| Intent::CaseStatus {
        case: Id::new(Kind::Case, 1),
        status: CaseStatus::Closed,
        on,
        note: "moved away".into(),
    };
    let err = close(tomorrow)
        .apply(&mut c.clone(), "sato", now())
        .unwrap_err();
    assert_eq!(err.field(), Some("on"));
    assert_eq!(
        err.reason(),
        triad::model::Reason::InFuture {
            today: now().date_naive()
        }
    );
    // Today is fine, and the reason for the move is kept with it.
    close(now().date_naive())
        .apply(&mut c, "sato", now())
        .unwrap();
    let last = as_case(&c).status_history.last().unwrap().clone();
    assert_eq!(
        (last.status, last.note.as_str()),
        (CaseStatus::Closed, "moved away")
    );
}

#[test]
fn a_step_is_corrected_by_an_intent_and_the_step_is_kept() {
    let mut r = referral();
    let proposed = as_referral(&r).history[0].on;
    let correct = |on| Intent::CorrectStep {
        referral: Id::new(Kind::Referral, 1),
        step: 0,
        on,
        note: "proposed by phone the day before".into(),
    };
    let before = proposed.pred_opt().unwrap();
    correct(before).apply(&mut r, "sato", now()).unwrap();
    let stored = as_referral(&r);
    assert_eq!(stored.history[0].on, proposed, "the step as recorded");
    assert_eq!(
        stored.step_on(0),
        Some((before, "proposed by phone the day before"))
    );
    assert_eq!(stored.corrections[0].by, "sato");
    // Not to a day that has not come, and not to a step that is not there.
    let tomorrow = now().date_naive().succ_opt().unwrap();
    assert!(
        correct(tomorrow)
            .apply(&mut r.clone(), "sato", now())
            .is_err()
    );
    let missing = Intent::CorrectStep {
        referral: Id::new(Kind::Referral, 1),
        step: 7,
        on: before,
        note: String::new(),
    };
    let err = missing.apply(&mut r.clone(), "sato", now()).unwrap_err();
    assert_eq!(err.reason(), triad::model::Reason::NothingToCorrect);
}
