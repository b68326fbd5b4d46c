//! Referral lifecycle: every legal move works, every illegal one is refused
//! and leaves the referral as it was.

use triad::model::{
    DeclinedBy, Id, Kind, Referral, ReferralCategory, ReferralStatus, TransitionError,
};

mod common;
use common::day;

use ReferralStatus::*;

const LEGAL: [(ReferralStatus, ReferralStatus); 7] = [
    (Proposed, Sent),
    (Sent, Accepted),
    (Sent, Declined),
    (Accepted, Completed),
    (Proposed, Cancelled),
    (Sent, Cancelled),
    (Accepted, Cancelled),
];

/// A referral brought to `status` along the shortest legal path.
fn at(status: ReferralStatus) -> Referral {
    let mut r = Referral::propose(
        Id::new(Kind::Referral, 1),
        Id::new(Kind::Case, 1),
        Id::new(Kind::Person, 1),
        Id::new(Kind::Body, 1),
        ReferralCategory::Work,
        "employment support",
        day(2024, 1, 1),
        "coordinator",
    );
    let path: &[ReferralStatus] = match status {
        Proposed => &[],
        Sent => &[Sent],
        Accepted => &[Sent, Accepted],
        Declined => &[Sent, Declined],
        Completed => &[Sent, Accepted, Completed],
        Cancelled => &[Cancelled],
    };
    for (i, s) in path.iter().enumerate() {
        let on = day(2024, 1, 2 + i as u32);
        if *s == Declined {
            r.decline(DeclinedBy::Receiver, "no capacity", on, "coordinator")
                .unwrap();
        } else {
            r.advance(*s, on, "coordinator", "").unwrap();
        }
    }
    assert_eq!(r.status(), status);
    r
}

fn try_move(r: &mut Referral, to: ReferralStatus) -> Result<(), TransitionError> {
    let on = day(2024, 2, 1);
    if to == Declined {
        r.decline(DeclinedBy::Client, "prefers to wait", on, "peer")
    } else {
        r.advance(to, on, "peer", "")
    }
}

#[test]
fn every_legal_transition_works() {
    for (from, to) in LEGAL {
        let mut r = at(from);
        try_move(&mut r, to).unwrap_or_else(|e| panic!("{from:?} -> {to:?}: {e}"));
        assert_eq!(r.status(), to);
        assert_eq!(r.history.last().map(|t| t.on), Some(day(2024, 2, 1)));
        r.validate().unwrap();
    }
}

#[test]
fn every_illegal_transition_is_refused_and_changes_nothing() {
    let mut refused = 0;
    for from in ReferralStatus::ALL {
        for to in ReferralStatus::ALL {
            if LEGAL.contains(&(from, to)) {
                continue;
            }
            let mut r = at(from);
            let before = r.clone();
            assert!(
                matches!(try_move(&mut r, to), Err(TransitionError::Illegal { .. })),
                "{from:?} -> {to:?} was allowed"
            );
            assert_eq!(r, before, "{from:?} -> {to:?} changed the referral");
            refused += 1;
        }
    }
    assert_eq!(refused, 36 - LEGAL.len());
}

#[test]
fn decline_needs_reason_and_advance_cannot_decline() {
    let mut r = at(Sent);
    assert_eq!(
        r.decline(DeclinedBy::Receiver, "  ", day(2024, 2, 1), "x"),
        Err(TransitionError::DeclineNeedsReason)
    );
    assert_eq!(
        r.advance(Declined, day(2024, 2, 1), "x", ""),
        Err(TransitionError::DeclineNeedsReason)
    );
    r.decline(DeclinedBy::Client, "moving away", day(2024, 2, 1), "x")
        .unwrap();
    assert_eq!(r.declined_by, Some(DeclinedBy::Client));
    assert_eq!(r.decline_reason, "moving away");
}

#[test]
fn steps_cannot_go_back_in_time_and_follow_up_overdue_only_when_open() {
    let mut r = at(Sent);
    assert!(matches!(
        r.advance(Accepted, day(2023, 12, 31), "x", ""),
        Err(TransitionError::BeforeLast { .. })
    ));
    r.follow_up = Some(day(2024, 3, 1));
    assert!(r.follow_up_overdue(day(2024, 3, 2)));
    assert!(!r.follow_up_overdue(day(2024, 3, 1)));
    r.advance(Cancelled, day(2024, 2, 1), "x", "").unwrap();
    assert!(!r.follow_up_overdue(day(2024, 3, 2)));
}

#[test]
fn validate_rejects_an_illegal_history() {
    let mut r = at(Completed);
    r.history.remove(1); // proposed -> accepted skips "sent"
    assert!(r.validate().is_err());
    let mut d = at(Declined);
    d.decline_reason.clear();
    assert!(d.validate().is_err());
}

#[test]
fn a_stored_history_can_only_grow() {
    use triad::model::Record;
    let old = at(Completed);
    let mut rewound = old.clone();
    rewound.history.truncate(1);
    assert!(
        Record::Referral(rewound)
            .check_successor(&Record::Referral(old.clone()))
            .is_err()
    );
    let mut edited = old.clone();
    edited.history[1].by = "someone else".into();
    assert!(
        Record::Referral(edited)
            .check_successor(&Record::Referral(old.clone()))
            .is_err()
    );
    let mut outcome = old.clone();
    outcome.outcome = "back at work".into();
    assert!(
        Record::Referral(outcome)
            .check_successor(&Record::Referral(old))
            .is_ok()
    );
}

#[test]
fn a_corrected_step_keeps_the_step_as_recorded() {
    let mut r = at(Accepted);
    let recorded = r.history.clone();
    let sent = r.sent_on().unwrap();
    let earlier = sent.pred_opt().unwrap();
    r.correct_step(1, earlier, "sent by fax", "sato", day(2025, 1, 1))
        .unwrap();
    assert_eq!(r.history, recorded, "the history is as it was");
    assert_eq!(r.step_on(1), Some((earlier, "sent by fax")));
    assert_eq!(r.sent_on(), Some(earlier));
    assert_eq!(r.corrections.len(), 1);
    // The day the correction is made is not in the future.
    let last = r.history.len() - 1;
    r.clone()
        .correct_step(last, day(2025, 1, 1), "", "sato", day(2025, 1, 1))
        .expect("today is allowed");
    // A step that is not there, a day to come, and a date that puts the
    // steps out of order are refused.
    let err = r
        .clone()
        .correct_step(9, earlier, "", "sato", day(2025, 1, 1))
        .unwrap_err();
    assert_eq!(err.reason, triad::model::Reason::NothingToCorrect);
    let err = r
        .clone()
        .correct_step(1, day(2025, 1, 2), "", "sato", day(2025, 1, 1))
        .unwrap_err();
    assert_eq!(
        err.reason,
        triad::model::Reason::InFuture {
            today: day(2025, 1, 1)
        }
    );
    let err = r
        .clone()
        .correct_step(1, day(2023, 12, 31), "", "sato", day(2025, 1, 1))
        .unwrap_err();
    assert_eq!(err.reason, triad::model::Reason::OutOfOrder);
    // An edit may not drop a correction.
    let mut dropped = r.clone();
    dropped.corrections.clear();
    let err = triad::model::Record::Referral(dropped)
        .check_successor(&triad::model::Record::Referral(r))
        .unwrap_err();
    assert_eq!(err.field, "corrections");
}

#[test]
fn only_the_clients_own_sharing_consent_in_this_case_sends_a_referral() {
    use triad::model::{Consent, ConsentScope, consent_basis};
    let (client, case, to) = (
        Id::new(Kind::Person, 1),
        Id::new(Kind::Case, 1),
        Id::new(Kind::Body, 1),
    );
    let good = Consent {
        id: Id::new(Kind::Consent, 1),
        client,
        case,
        granted_to: vec![to],
        scope: ConsentScope {
            intervention: true,
            information_sharing: true,
            information: vec![],
        },
        given_on: day(2024, 1, 10),
        expires_on: None,
        withdrawn_on: None,
        obtained_how: "in writing".into(),
    };
    let on = day(2024, 2, 1);
    assert_eq!(
        consent_basis(std::slice::from_ref(&good), case, Some(client), to, on).map(|c| c.id),
        Ok(good.id)
    );
    // Each of these covers the receiver, but is not a sharing consent of
    // this client in this case: none sends the referral.
    let mut other_client = good.clone();
    other_client.client = Id::new(Kind::Person, 2);
    let mut other_case = good.clone();
    other_case.case = Id::new(Kind::Case, 2);
    let mut no_sharing = good.clone();
    no_sharing.scope.information_sharing = false;
    // The refusal says which: the client has no consent here at all, or
    // has one that does not cover sharing with the receiver.
    use triad::model::ConsentRefusal::{NoConsent, NotCovering};
    for (what, c, why) in [
        ("another client's", other_client, NoConsent),
        ("another case's", other_case, NoConsent),
        ("an intervention-only", no_sharing, NotCovering { to }),
    ] {
        assert_eq!(
            consent_basis(&[c], case, Some(client), to, on).map(|c| c.id),
            Err(why),
            "{what} consent"
        );
    }
}
