//! The reports screen (`gr`, `<F4>`) on the demo data: each of its pages at
//! 80x24 and 160x48, in English and Japanese (insta snapshots), and the
//! figures it draws are the report module's over the same records.

mod tui;

use triad::app::state::{ReportPage, Screen};
use triad::i18n::Lang;

/// The reports screen's pages, reached by keys from a fresh session.
const PAGES: [(&str, &str); 3] = [
    ("attendance", "gr"),
    ("referrals", "gr<Tab>"),
    ("activity", "<F4><S-Tab>"),
];

fn snapshots(lang: Lang, w: u16, h: u16) {
    let demo = tui::demo_store();
    let tag = match lang {
        Lang::En => "en",
        Lang::Ja => "ja",
    };
    for (name, keys) in PAGES {
        let mut app = tui::app(&demo, lang, w, h);
        app.press(keys);
        insta::assert_snapshot!(format!("reports_{name}_{tag}_{w}x{h}"), app.screen());
    }
}

#[test]
fn reports_en_80x24() {
    snapshots(Lang::En, 80, 24);
}

#[test]
fn reports_en_160x48() {
    snapshots(Lang::En, 160, 48);
}

#[test]
fn reports_ja_80x24() {
    snapshots(Lang::Ja, 80, 24);
}

#[test]
fn reports_ja_160x48() {
    snapshots(Lang::Ja, 160, 48);
}

/// The screen shows the figures of the demo: Nagasaki's 2020 training
/// (15 / 18 / 4) among the bars, the funnel's counts, and Gunma's 61
/// technical trainings on their partnership's line.
#[test]
fn the_screen_draws_the_demo_figures() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::En, 160, 48);
    app.press("gr");
    let Screen::Reports(s) = app.state.screen() else {
        panic!("gr opens the reports screen");
    };
    let f = s.figures.clone().expect("the figures arrived");
    assert_eq!(s.page, ReportPage::Attendance);
    let partnerships = f.activity.len();
    let records = triad::exchange::collect(demo.store.as_ref(), None, None)
        .unwrap()
        .0;
    assert_eq!(*f, triad::report::overview(&records));
    // Tab to the funnel: every stage's count is on screen as a number.
    app.press("<Tab>");
    let screen = app.screen();
    let stages = [
        ("proposed", f.funnel.proposed),
        ("sent", f.funnel.sent),
        ("accepted", f.funnel.accepted),
        ("completed", f.funnel.completed),
    ];
    for (stage, n) in stages {
        let bar = screen
            .lines()
            .find(|l| l.trim_start().starts_with(stage))
            .unwrap_or_else(|| panic!("no {stage} bar in\n{screen}"));
        let value: String = bar.trim_start()[stage.len()..]
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        assert_eq!(value, n.to_string(), "{bar}");
    }
    app.press("<Tab>");
    let screen = app.screen();
    assert!(
        screen.contains("2006-2014: 61 events"),
        "Gunma's trainings:\n{screen}"
    );
    // Scrolling never runs past the end of the list.
    for _ in 0..100 {
        app.press("j");
    }
    let Screen::Reports(s) = app.state.screen() else {
        unreachable!()
    };
    // All of the demo's partnerships fit: j does not scroll them away.
    assert!(partnerships > 5);
    assert_eq!(s.top, 0);
}

/// An event saved meanwhile (by someone else) moves the bars without a key.
#[test]
fn the_charts_follow_a_save_made_meanwhile() {
    use triad::model::{Attendance, Event, Record};
    use triad::server::protocol::Changed;
    use triad::store::{Change, StoreExt};
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::En, 160, 48);
    app.press("gr");
    let peers_2023 = |app: &triad::app::headless::Headless| {
        let Screen::Reports(s) = app.state.screen() else {
            panic!("on the reports screen");
        };
        let f = s.figures.as_ref().expect("figures");
        f.attendance
            .iter()
            .find(|y| y.year == 2023)
            .unwrap()
            .peer
            .sum
    };
    let before = peers_2023(&app).expect("2023 counted peers");
    let mut e: Event = demo.store.all::<Event>().unwrap().remove(0);
    e.date = "2023-03-03".parse().unwrap();
    e.partnership = None;
    e.case = None;
    e.attendance = Some(Attendance::full(40, 0, 0));
    let saved = demo
        .store
        .apply(vec![Change::Create(Record::Event(e))])
        .unwrap();
    app.act(triad::app::Action::Changed(
        vec![Changed::of(&saved[0], 1)],
        None,
    ));
    assert_eq!(peers_2023(&app), Some(before + 40));
    assert!(app.screen().contains(&format!("{}", before + 40)));
}
