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

/// The Supporters list's rows as shown (filtered, sorted).
fn supporter_rows(app: &Headless) -> Vec<triad::query::supporters::SupporterRow> {
    let Screen::Supporters(s) = app.state.screen() else {
        panic!("not on Supporters:\n{}", app.screen());
    };
    triad::app::supporters_view::rows(&app.state, s)
        .into_iter()
        .cloned()
        .collect()
}

#[test]
fn the_case_list_filter_moves_with_down_and_opens_with_enter() {
    let demo = tui::demo_store();
    for (down, up) in [("<Down>", "<Up>"), ("<C-j>", "<C-k>"), ("<Tab>", "<S-Tab>")] {
        let mut app = en(&demo);
        app.press("gc");
        app.press("/");
        app.type_text("kumamoto");
        let rows = match app.state.screen() {
            Screen::Cases(l) => l.page.rows.clone(),
            _ => panic!("not on the case list"),
        };
        assert!(!rows.is_empty(), "{}", app.screen());
        app.press(down);
        app.press(down);
        app.press(up);
        let Screen::Cases(l) = app.state.screen() else {
            panic!()
        };
        let want = 1.min(rows.len() - 1);
        assert_eq!(l.scroll.sel, want, "{down}/{up}:\n{}", app.screen());
        assert!(l.editing, "the line stays open while moving");
        app.press("<CR>");
        assert_eq!(
            shown_id(&app),
            Some(rows[want].id.to_string()),
            "one Enter opens the selected case:\n{}",
            app.screen()
        );
    }
}

#[test]
fn the_supporters_filter_reads_romaji_and_names_kinds_exactly() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("gp");
    let all = supporter_rows(&app);
    assert!(!all.is_empty());
    for name in ["ishida", "hirano", "イシダ"] {
        app.press("/");
        app.press("<C-u>");
        app.type_text(name);
        let rows = supporter_rows(&app);
        assert!(!rows.is_empty(), "{name} finds no one:\n{}", app.screen());
        app.press("<Esc>");
    }
    use triad::model::PeerKind;
    let count = |k: PeerKind| all.iter().filter(|r| r.person.peer_kind == Some(k)).count();
    for (query, kind) in [
        ("kind:volunteer", PeerKind::Volunteer),
        ("kind:pro_volunteer", PeerKind::ProVolunteer),
        ("kind:pro-volunteer", PeerKind::ProVolunteer),
        ("種類:ボランティア", PeerKind::Volunteer),
    ] {
        app.press("/");
        app.press("<C-u>");
        app.type_text(query);
        let rows = supporter_rows(&app);
        assert_eq!(rows.len(), count(kind), "{query}:\n{}", app.screen());
        assert!(
            rows.iter().all(|r| r.person.peer_kind == Some(kind)),
            "{query}"
        );
        app.press("<Esc>");
    }
    assert!(count(PeerKind::Volunteer) > 0 && count(PeerKind::ProVolunteer) > 0);
    // Enter opens the selected supporter at once.
    app.press("/");
    app.type_text("hirano");
    let first = supporter_rows(&app)[0].person.id;
    app.press("<CR>");
    assert_eq!(shown_id(&app), Some(first.to_string()), "{}", app.screen());
}

#[test]
fn h_is_the_previous_panel_then_back() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("<C-p>");
    app.type_text("C-0001");
    app.press("<CR>");
    let Screen::Case(c) = app.state.screen() else {
        panic!("{}", app.screen())
    };
    let first = c.panel;
    app.press("<Tab>");
    app.press("h");
    let Screen::Case(c) = app.state.screen() else {
        panic!("h from the second panel left the case")
    };
    assert_eq!(c.panel, first);
    let depth = app.state.stack.len();
    app.press("h");
    assert_eq!(
        app.state.stack.len(),
        depth - 1,
        "h on the first panel goes back"
    );
}

#[test]
fn enter_on_a_training_row_opens_the_course() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("gp");
    let row = supporter_rows(&app)
        .into_iter()
        .position(|r| !r.trainings.is_empty())
        .expect("a supporter with training");
    let (course, person) = {
        let r = &supporter_rows(&app)[row];
        (r.trainings[0].course.id, r.person.id)
    };
    for _ in 0..row {
        app.press("j");
    }
    app.press("<CR>");
    assert_eq!(shown_id(&app), Some(person.to_string()));
    let Screen::Supporter(_) = app.state.screen() else {
        panic!("{}", app.screen())
    };
    while !matches!(app.state.screen(), Screen::Supporter(s) if s.panel == triad::app::state::SupporterPanel::Training)
    {
        app.press("<Tab>");
    }
    app.press("<CR>");
    assert_eq!(shown_id(&app), Some(course.to_string()), "{}", app.screen());
}

#[test]
fn empty_years_of_a_timeline_fold_into_one_line() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("<C-p>");
    app.type_text("S-0004");
    app.press("<CR>");
    // The record view opened over the partnership's first party.
    app.press("<Esc>");
    while !matches!(app.state.screen(), Screen::Party(p) if p.panel == triad::app::state::PartyPanel::Timeline)
    {
        app.press("<Tab>");
    }
    let Screen::Party(p) = app.state.screen() else {
        panic!()
    };
    let d = p.detail.as_deref().expect("party loaded");
    let rows = triad::app::view::timeline_rows(&d.timelines, tui::today(), "");
    use triad::app::view::TimelineRow;
    let mut quiet_years = 0;
    for r in &rows {
        if let TimelineRow::Year {
            year, until, count, ..
        } = r
        {
            assert!(until >= year);
            if until > year {
                assert_eq!(*count, 0, "only empty years fold");
                quiet_years += until - year + 1;
            }
        }
    }
    // No two empty years stand on lines of their own one after the other.
    for w in rows.windows(2) {
        if let [
            TimelineRow::Year {
                count: 0,
                partnership: a,
                ..
            },
            TimelineRow::Year {
                count: 0,
                partnership: b,
                ..
            },
        ] = w
        {
            assert_ne!(a.id, b.id, "two empty years unfolded");
        }
    }
    assert!(quiet_years >= 2, "S-0004 has empty years to fold");
    let screen = app.screen();
    assert!(screen.contains(": nothing"), "{screen}");
}

#[test]
fn one_case_is_not_one_cases() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("gp");
    let rows = supporter_rows(&app);
    let at = rows
        .iter()
        .position(|r| r.workload.active_cases() == 1)
        .expect("a supporter with one case");
    for _ in 0..at {
        app.press("j");
    }
    app.press("<CR>");
    let screen = app.screen();
    assert!(screen.contains(" 1 case (takes"), "{screen}");
    assert!(!screen.contains(" 1 cases"), "{screen}");
    // Japanese counts have no plural.
    assert_eq!(Lang::Ja.count(1, "case", "cases", "件"), "1件");
}
