//! The dashboard for today, on a small hand-made store whose dates sit
//! around the tests' fixed today (2024-06-14): what is due, waiting,
//! happening and recently changed is listed; what is not yet (or no
//! longer) due stays off.

mod common;
mod tui;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use common::{case, day, referral, small_set};
use triad::app::headless::Headless;
use triad::app::view::{DashLine, Link, dashboard, dashboard_links};
use triad::i18n::Lang;
use triad::keymap::Keymap;
use triad::model::*;
use triad::store::{SledStore, Store};

fn id(kind: Kind, num: u64) -> Id {
    Id::new(kind, num)
}

fn follow_up(num: u64, on: Date) -> Record {
    let Record::Referral(mut r) =
        referral(num, id(Kind::Case, 1), id(Kind::Body, 3), id(Kind::Body, 2))
    else {
        unreachable!()
    };
    r.follow_up = Some(on);
    Record::Referral(r)
}

fn sent(num: u64, on: Date) -> Record {
    let Record::Referral(mut r) =
        referral(num, id(Kind::Case, 1), id(Kind::Body, 3), id(Kind::Body, 2))
    else {
        unreachable!()
    };
    r.follow_up = None;
    r.advance(ReferralStatus::Sent, on, "test", "").unwrap();
    Record::Referral(r)
}

fn event(num: u64, on: Date) -> Record {
    Record::Event(Event {
        id: id(Kind::Event, num),
        date: on,
        end: None,
        kind: EventKind::Meeting,
        title: format!("meeting {num}"),
        parties: vec![id(Kind::Body, 1)],
        partnership: None,
        case: Some(id(Kind::Case, 1)),
        attendance: None,
        course: None,
        note: String::new(),
    })
}

fn consent(num: u64, expires: Option<Date>, withdrawn: Option<Date>) -> Record {
    Record::Consent(Consent {
        id: id(Kind::Consent, num),
        client: id(Kind::Person, 1),
        case: id(Kind::Case, 1),
        granted_to: vec![id(Kind::Body, 1)],
        scope: ConsentScope {
            intervention: true,
            information_sharing: false,
            information: vec![],
        },
        given_on: day(2024, 1, 1),
        expires_on: expires,
        withdrawn_on: withdrawn,
        obtained_how: "in writing".into(),
    })
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: Arc<dyn Store>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open_as(dir.path(), tui::USER).unwrap();
    let mut records = small_set();
    // Referral 1 of the small set follows up in March: overdue.
    records.extend([
        follow_up(2, day(2024, 6, 14)),
        follow_up(3, day(2024, 6, 17)),
        follow_up(4, day(2024, 6, 25)),
        sent(5, day(2024, 5, 20)),
        sent(6, day(2024, 6, 10)),
        event(1, day(2024, 6, 14)),
        event(2, day(2024, 6, 20)),
        event(3, day(2024, 6, 23)),
        consent(1, Some(day(2024, 6, 30)), None),
        consent(2, None, Some(day(2024, 6, 10))),
        consent(3, None, Some(day(2024, 4, 1))),
        case(2, "変化のないケース", None, &[]),
        Record::TrustNote(TrustNote {
            id: id(Kind::TrustNote, 1),
            case: Some(id(Kind::Case, 1)),
            relationship: None,
            about: None,
            author: tui::USER.into(),
            at: Utc.with_ymd_and_hms(2024, 6, 13, 9, 0, 0).unwrap(),
            text: "電話で様子を伺った".into(),
            confidentiality: Confidentiality::Team,
            trust_change: None,
            corrects: None,
            entered: None,
        }),
    ]);
    // Sent with no consent on record: imported as history.
    store
        .import_entered(
            tui::USER,
            records,
            Some("test fixture"),
            None,
            &mut |_, _| {},
        )
        .unwrap();
    Fixture {
        _dir: dir,
        store: Arc::new(store),
    }
}

fn app(fx: &Fixture, lang: Lang, w: u16, h: u16) -> Headless {
    let keymap = Keymap::builtin().unwrap();
    Headless::new(
        fx.store.clone(),
        tui::config(lang, false, true),
        keymap,
        w,
        h,
    )
}

fn nums(ids: impl Iterator<Item = Id>) -> Vec<u64> {
    ids.map(|i| i.num).collect()
}

#[test]
fn the_dashboard_lists_today_and_this_week() {
    let fx = fixture();
    let app = app(&fx, Lang::En, 100, 60);
    let lines = dashboard(&app.state);
    let of = |f: fn(&DashLine) -> Option<Id>| nums(lines.iter().filter_map(f));
    // Overdue, today and within 7 days, soonest first; not in 11 days.
    assert_eq!(
        of(|l| match l {
            DashLine::FollowUp(r) => Some(r.id),
            _ => None,
        }),
        [1, 2, 3]
    );
    // Sent 25 days ago with no answer; not the one sent 4 days ago.
    assert_eq!(
        of(|l| match l {
            DashLine::Unanswered(r) => Some(r.id),
            _ => None,
        }),
        [5]
    );
    // Expiring soon, withdrawn lately; not withdrawn in April.
    assert_eq!(
        nums(lines.iter().filter_map(|l| match l {
            DashLine::Consent(c) => Some(c.id),
            _ => None,
        }))
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>(),
        [1, 2].into()
    );
    // Today's and this week's events; not in 9 days.
    assert_eq!(
        of(|l| match l {
            DashLine::Event(e) => Some(e.id),
            _ => None,
        }),
        [1, 2]
    );
    // The case with yesterday's note and this month's events is the most
    // recently changed, though the case record itself is from January
    // (an event counts once it has taken place by the clock, which in
    // these tests is years after their fixed today).
    let recent: Vec<&triad::query::data::CaseRow> = lines
        .iter()
        .filter_map(|l| match l {
            DashLine::Recent(c) => Some(*c),
            _ => None,
        })
        .collect();
    assert_eq!(nums(recent.iter().map(|c| c.id)), [1, 2]);
    assert_eq!(recent[0].changed.date_naive(), day(2024, 6, 23));
    assert_eq!(recent[0].changed_kind, Kind::Event);
    assert_eq!(recent[1].changed_kind, Kind::Case);
    let screen = app.screen();
    for text in [
        "today",
        "105 days late",
        "in 3 days",
        "25 days",
        "Events today",
    ] {
        assert!(screen.contains(text), "{text}:\n{screen}");
    }
}

/// Every line but the headings opens its record: referrals and consents
/// on their case's panel with that record named.
#[test]
fn every_dashboard_line_links_to_its_record() {
    let fx = fixture();
    let app = app(&fx, Lang::En, 100, 60);
    let links = dashboard_links(&app.state);
    for (line, record) in dashboard(&app.state).iter().filter_map(|l| {
        let record = match l {
            DashLine::FollowUp(r) | DashLine::Unanswered(r) => r.id,
            DashLine::Consent(c) => c.id,
            _ => return None,
        };
        Some((l.link(), record))
    }) {
        assert!(
            matches!(line, Some(Link::CaseRecord { record: r, .. }) if r == record),
            "{record}: {line:?}"
        );
        assert!(links.contains(&line.unwrap()));
    }
}

/// A shorter wait setting lists the referral sent 4 days ago too.
#[test]
fn unanswered_days_is_a_setting() {
    let fx = fixture();
    let mut app = app(&fx, Lang::Ja, 100, 60);
    app.state.cfg.unanswered_days = 3;
    let unanswered = nums(dashboard(&app.state).iter().filter_map(|l| match l {
        DashLine::Unanswered(r) => Some(r.id),
        _ => None,
    }));
    assert_eq!(unanswered, [5, 6]);
    assert!(
        app.screen().contains("送付後3日以上返事のない紹介"),
        "{}",
        app.screen()
    );
}

/// The first run ticks off the steps already taken: with a body but no
/// person nor case, only the body's step is done.
#[test]
fn the_first_run_ticks_off_what_exists() {
    let empty = tui::empty_store();
    let app = tui::app(&empty, Lang::En, 80, 24);
    let screen = app.screen();
    assert!(screen.contains("Welcome to triad"), "{screen}");
    assert!(!screen.contains("(done)"), "{screen}");
    empty
        .store
        .create(common::body(1, "大学病院", Sector::Medical))
        .unwrap();
    let app = tui::app(&empty, Lang::En, 80, 24);
    let screen = app.screen();
    assert_eq!(screen.matches("(done)").count(), 1, "{screen}");
    let body_line = screen.lines().find(|l| l.contains("add a body")).unwrap();
    assert!(body_line.contains("(done)"), "{screen}");
}

/// A note saved in the app counts as its case's latest change, on the
/// dashboard and in the case list.
#[test]
fn a_saved_note_is_its_cases_latest_change() {
    let fx = fixture();
    let mut app = app(&fx, Lang::En, 100, 40);
    let row_of_case_2 = |app: &Headless| {
        dashboard(&app.state).into_iter().find_map(|l| match l {
            DashLine::Recent(c) if c.id == id(Kind::Case, 2) => {
                Some((c.changed.date_naive(), c.changed_kind))
            }
            _ => None,
        })
    };
    assert_eq!(row_of_case_2(&app), Some((day(2024, 1, 1), Kind::Case)));
    app.press("<C-p>");
    app.type_text("変化のないケース");
    app.press("<CR>m");
    let screen = app.screen();
    assert!(screen.contains("Add a trust note"), "{screen}");
    app.press("<Tab><Tab>");
    app.type_text("A note today");
    app.press("<C-s>");
    assert!(app.screen().contains("Saved T-"), "{}", app.screen());
    app.press("gd");
    assert_eq!(
        row_of_case_2(&app),
        Some((day(2024, 6, 14), Kind::TrustNote)),
        "{}",
        app.screen()
    );
}
