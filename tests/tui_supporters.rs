//! The Supporters screen and a supporter's view on the demo data: insta
//! snapshots at 80x24 and 160x48 in English and Japanese, and the keys
//! that reach them (`gp`, `<F5>`, a dashboard flag, the filter).

mod tui;

use triad::app::headless::Headless;
use triad::app::state::Screen;
use triad::i18n::Lang;

/// Each view, reached by keys from a fresh session; `/` filters are typed.
const VIEWS: &[(&str, &[&str])] = &[
    ("supporters", &["gp"]),
    ("supporters_by_load", &["gp", "s"]),
    (
        "supporters_naha",
        &["gp", "/", "@area:那覇 skill:同行", "<CR>"],
    ),
    ("supporter_cases", &["gp", "/", "@平野", "<CR>", "<CR>"]),
    (
        "supporter_contacts",
        &["gp", "/", "@平野", "<CR>", "<CR>", "<Tab>"],
    ),
    (
        "supporter_training",
        &["gp", "/", "@高橋", "<CR>", "<CR>", "<Tab><Tab>"],
    ),
    (
        "supporter_supervision",
        &["gp", "/", "@杉山", "<CR>", "<CR>", "<S-Tab>"],
    ),
    ("supporter_resting", &["gp", "/", "@清水", "<CR>", "<CR>"]),
];

fn drive(app: &mut Headless, keys: &[&str]) {
    for k in keys {
        match k.strip_prefix('@') {
            Some(text) => app.type_text(text),
            None => app.press(k),
        }
    }
}

fn snapshots(lang: Lang, w: u16, h: u16) {
    let demo = tui::demo_store();
    let tag = match lang {
        Lang::En => "en",
        Lang::Ja => "ja",
    };
    for (name, keys) in VIEWS {
        let mut app = tui::app(&demo, lang, w, h);
        drive(&mut app, keys);
        insta::assert_snapshot!(format!("{name}_{tag}_{w}x{h}"), app.screen());
    }
}

#[test]
fn supporters_en_80x24() {
    snapshots(Lang::En, 80, 24);
}

#[test]
fn supporters_en_160x48() {
    snapshots(Lang::En, 160, 48);
}

#[test]
fn supporters_ja_80x24() {
    snapshots(Lang::Ja, 80, 24);
}

#[test]
fn supporters_ja_160x48() {
    snapshots(Lang::Ja, 160, 48);
}

fn names_listed(app: &Headless) -> Vec<String> {
    let Screen::Supporters(s) = app.state.screen() else {
        panic!("not on the Supporters screen: {}", app.screen());
    };
    triad::app::supporters_view::rows(&app.state, s)
        .iter()
        .map(|r| r.person.name.clone())
        .collect()
}

#[test]
fn gp_and_f5_open_the_list_and_the_filter_answers_who_can_go_to_hospital_in_naha() {
    let demo = tui::demo_store();
    for key in ["gp", "<F5>"] {
        let mut app = tui::app(&demo, Lang::En, 80, 24);
        app.press(key);
        let all = names_listed(&app);
        assert!(all.len() > 15, "{all:?}");
        assert!(app.screen().contains("平野 大樹"));
    }
    let mut app = tui::app(&demo, Lang::Ja, 80, 24);
    app.press("gp");
    app.press("/");
    app.type_text("area:那覇 skill:同行");
    app.press("<CR>");
    assert_eq!(names_listed(&app), vec!["金城 翔太".to_string()]);
    // Each key narrows: a language, a kind, a disease area.
    for (filter, who) in [
        ("lang:english kind:pro", vec!["宮城 さやか"]),
        ("disease:摂食", vec!["丸山 恵"]),
        ("status:休止中", vec!["清水 洋平"]),
    ] {
        let mut app = tui::app(&demo, Lang::En, 80, 24);
        app.press("gp");
        app.press("/");
        app.type_text(filter);
        app.press("<CR>");
        assert_eq!(names_listed(&app), who, "{filter}");
    }
}

#[test]
fn sorting_by_load_puts_the_supporter_over_capacity_first() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::En, 80, 24);
    app.press("gp");
    app.press("s");
    assert_eq!(
        names_listed(&app).first().map(String::as_str),
        Some("平野 大樹")
    );
    // Enter opens the first row's view.
    app.press("<CR>");
    let Screen::Supporter(v) = app.state.screen() else {
        panic!("{}", app.screen())
    };
    let d = v.detail.as_deref().expect("loaded");
    assert_eq!(d.row.person.name, "平野 大樹");
    assert_eq!(d.row.workload.active_cases(), 3);
}

#[test]
fn a_dashboard_flag_opens_the_supporters_view() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::En, 160, 48);
    let links = triad::app::view::dashboard_links(&app.state);
    let at = links
        .iter()
        .position(|l| matches!(l, triad::app::view::Link::Supporter(_)))
        .expect("a flag on the dashboard");
    for _ in 0..at {
        app.press("j");
    }
    app.press("<CR>");
    assert!(
        matches!(app.state.screen(), Screen::Supporter(_)),
        "{}",
        app.screen()
    );
    assert!(app.screen().contains("平野 大樹"), "{}", app.screen());
}
