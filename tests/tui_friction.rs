//! Issue 21: the day's friction, driven headlessly by keys on the demo.
//! Any id opens from the finder, lists filter like the finder, timelines
//! fold empty years, bodies list their parts, chords hint their keys.

mod tui;

use triad::app::headless::Headless;
use triad::app::state::Screen;
use triad::i18n::Lang;
use triad::model::{Kind, Record};

fn en(demo: &tui::Demo) -> Headless {
    tui::app(demo, Lang::En, 100, 30)
}

/// The first record of `kind` in the demo.
fn first_of(demo: &tui::Demo, kind: Kind) -> Option<Record> {
    let mut found = None;
    demo.store
        .scan(kind, &mut |r| {
            found = Some(r);
            false
        })
        .unwrap();
    found
}

/// Type `query` in the finder and return the hits' ids, first first.
fn hits(app: &mut Headless, query: &str) -> Vec<String> {
    app.press("<C-p>");
    app.type_text(query);
    let f = app.state.finder.as_ref().expect("finder open");
    f.hits.iter().map(|h| h.id.to_string()).collect()
}

/// The id of the record shown on screen, whatever the screen.
fn shown_id(app: &Headless) -> Option<String> {
    match app.state.screen() {
        Screen::Record(r) => Some(r.id.to_string()),
        Screen::Case(c) => Some(c.id.to_string()),
        Screen::Party(p) => Some(p.id.to_string()),
        Screen::Supporter(p) => Some(p.id.to_string()),
        _ => None,
    }
}

#[test]
fn every_kind_of_id_is_the_first_hit_and_enter_opens_it() {
    let demo = tui::demo_store();
    for kind in Kind::ALL {
        let Some(record) = first_of(&demo, kind) else {
            continue;
        };
        let id = record.id().to_string();
        // A check-in is its author's and their supervisor's only.
        if let Record::CheckIn(c) = &record
            && c.author != tui::USER
        {
            let mut app = en(&demo);
            let got = hits(&mut app, &id);
            assert!(!got.contains(&id), "{id} listed for another user: {got:?}");
            continue;
        }
        for query in [id.clone(), id.to_lowercase()] {
            let mut app = en(&demo);
            let got = hits(&mut app, &query);
            assert_eq!(
                got.first(),
                Some(&id),
                "{query} ({kind:?}): {got:?}\n{}",
                app.screen()
            );
            app.press("<CR>");
            assert!(app.state.finder.is_none(), "{query}: Enter left the finder");
            assert_eq!(
                shown_id(&app),
                Some(id.clone()),
                "{query}:\n{}",
                app.screen()
            );
            let screen = app.screen();
            assert!(
                !screen.contains("Cannot open"),
                "{query} does not open:\n{screen}"
            );
        }
    }
}

#[test]
fn a_short_id_opens_a_referral() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    let got = hits(&mut app, "r-10");
    assert_eq!(got.first().map(String::as_str), Some("R-0010"), "{got:?}");
    app.press("<CR>");
    let screen = app.screen();
    assert!(screen.contains("Referral R-0010"), "{screen}");
}

#[test]
fn partnerships_and_courses_are_found_by_name_and_romaji() {
    let demo = tui::demo_store();
    let mut partnerships = Vec::new();
    demo.store
        .scan(Kind::Partnership, &mut |r| {
            if let Record::Partnership(p) = r {
                partnerships.push(p);
            }
            true
        })
        .unwrap();
    assert!(!partnerships.is_empty());
    for p in &partnerships {
        let mut app = en(&demo);
        let got = hits(&mut app, &p.title);
        assert!(got.contains(&p.id.to_string()), "{}: {got:?}", p.title);
    }
    // By a party's reading typed in romaji: Kumamoto's triad.
    let mut app = en(&demo);
    let got = hits(&mut app, "kumamoto");
    assert!(got.iter().any(|id| id.starts_with("S-")), "{got:?}");
    let mut courses = Vec::new();
    demo.store
        .scan(Kind::Course, &mut |r| {
            if let Record::Course(c) = r {
                courses.push(c);
            }
            true
        })
        .unwrap();
    for c in &courses {
        let mut app = en(&demo);
        let got = hits(&mut app, &c.name);
        assert!(got.contains(&c.id.to_string()), "{}: {got:?}", c.name);
        if let Some(reading) = &c.reading {
            let romaji = triad::search::normalize::romaji(reading);
            let mut app = en(&demo);
            let got = hits(&mut app, &romaji);
            assert!(got.contains(&c.id.to_string()), "{romaji}: {got:?}");
        }
    }
    // Enter on a partnership opens it whole.
    let p = &partnerships[0];
    let mut app = en(&demo);
    hits(&mut app, &p.title);
    let sel = app
        .state
        .finder
        .as_ref()
        .unwrap()
        .hits
        .iter()
        .position(|h| h.id == p.id)
        .unwrap();
    for _ in 0..sel {
        app.press("<Down>");
    }
    app.press("<CR>");
    let screen = app.screen();
    assert!(
        screen.contains(&format!("Partnership {}", p.id)),
        "{screen}"
    );
}
