//! Meeting mode on a projector: no client's or family member's name on
//! any screen (whole, in parts, or in kana), one item shown for a moment
//! and logged, the screen blanked when idle, and the key that toggles it.

mod tui;

use std::time::{Duration, Instant};

use triad::app::Action;
use triad::app::headless::Headless;
use triad::app::state::Screen;
use triad::i18n::Lang;
use triad::model::{AuditAction, Case, Id, Person};
use triad::store::StoreExt;

fn meeting_app(demo: &tui::Demo, lang: Lang, w: u16, h: u16) -> Headless {
    let mut cfg = tui::config(lang, false, true);
    cfg.meeting = true;
    let keymap = triad::keymap::Keymap::builtin().expect("default keymap");
    Headless::new(demo.store.clone(), cfg, keymap, w, h)
}

/// What must never show of a client or family member: the whole name and
/// each part of it (two characters or more), in kanji and in kana.
struct Secrets {
    words: Vec<String>,
    /// Everyone else's full names, which may share a surname with a client
    /// and are rightly shown.
    kept: Vec<String>,
}

fn secrets(demo: &tui::Demo) -> Secrets {
    let people: Vec<Person> = demo.store.all().expect("people");
    let mut words = Vec::new();
    let mut kept = Vec::new();
    for p in &people {
        let core = p.name.split('（').next().unwrap_or(&p.name).trim();
        if !p.is_private_party() {
            kept.push(core.to_string());
            continue;
        }
        words.push(core.to_string());
        let reading = p.reading.clone().unwrap_or_default();
        for w in core.split_whitespace().chain(reading.split_whitespace()) {
            if w.chars().count() >= 2 {
                words.push(w.to_string());
            }
        }
    }
    assert!(
        words.len() >= 10,
        "the demo has clients and family: {words:?}"
    );
    Secrets { words, kept }
}

fn assert_hidden(app: &Headless, s: &Secrets, what: &str) {
    let mut screen = app.screen();
    for k in &s.kept {
        screen = screen.replace(k.as_str(), "");
    }
    for w in &s.words {
        assert!(
            !screen.contains(w.as_str()),
            "{what}: {w:?} is on a meeting screen:\n{}",
            app.screen()
        );
    }
}

fn open(app: &mut Headless, id: Id) {
    app.press("<C-p>");
    app.type_text(&id.to_string());
    app.press("<CR>");
}

/// Every panel of every case, every row of each and what it opens; every
/// client's own view; the finder on each client's name; the lists.
fn walk(lang: Lang, w: u16, h: u16) {
    let demo = tui::demo_store();
    let s = secrets(&demo);
    let mut app = meeting_app(&demo, lang, w, h);
    assert_hidden(&app, &s, "dashboard");
    for _ in 0..30 {
        app.press("j");
        assert_hidden(&app, &s, "dashboard line");
    }
    app.press("gc");
    assert_hidden(&app, &s, "case list");
    let cases: Vec<Case> = demo.store.all().expect("cases");
    for case in &cases {
        let mut app = meeting_app(&demo, lang, w, h);
        open(&mut app, case.id);
        assert!(matches!(app.state.screen(), Screen::Case(_)), "{}", case.id);
        for panel in 0..6 {
            let rows = match app.state.screen() {
                Screen::Case(c) => triad::app::view::case_panel_len(c, &app.state.cfg),
                _ => 0,
            };
            for row in 0..rows.min(12) {
                app.press("gg");
                for _ in 0..row {
                    app.press("j");
                }
                let what = format!("{} panel {panel} row {row}", case.id);
                assert_hidden(&app, &s, &what);
                let depth = app.state.stack.len();
                app.press("<CR>");
                assert_hidden(&app, &s, &format!("{what} opened"));
                if app.state.stack.len() > depth {
                    app.press("<Esc>");
                }
            }
            app.press("<Tab>");
        }
        if let Some(client) = case.client {
            let mut app = meeting_app(&demo, lang, w, h);
            open(&mut app, client);
            assert_hidden(&app, &s, &format!("{client}'s view"));
        }
    }
    let people: Vec<Person> = demo.store.all().expect("people");
    for p in people.iter().filter(|p| p.is_private_party()) {
        let mut app = meeting_app(&demo, lang, w, h);
        let query = p.reading.as_deref().unwrap_or(&p.name);
        app.press("<C-p>");
        app.type_text(query);
        assert!(
            !app.state.finder.as_ref().expect("finder").hits.is_empty(),
            "the finder still finds {} by name",
            p.id
        );
        // The query line shows what the user typed, as typed.
        let typed = Secrets {
            words: s.words.clone(),
            kept: [s.kept.clone(), vec![format!("> {query}")]].concat(),
        };
        assert_hidden(&app, &typed, &format!("finder on {}", p.id));
    }
}

#[test]
fn no_client_or_family_name_on_any_screen_en() {
    walk(Lang::En, 80, 24);
    walk(Lang::En, 160, 48);
}

#[test]
fn no_client_or_family_name_on_any_screen_ja() {
    walk(Lang::Ja, 80, 24);
    walk(Lang::Ja, 160, 48);
}

/// The Kumamoto case, whose client is 森田 さとみ（仮名）.
fn kumamoto(demo: &tui::Demo) -> Case {
    let cases: Vec<Case> = demo.store.all().expect("cases");
    cases
        .into_iter()
        .find(|c| c.title.contains("森田"))
        .expect("the Kumamoto case")
}

#[test]
fn snapshots() {
    let demo = tui::demo_store();
    let case = kumamoto(&demo);
    for (lang, tag) in [(Lang::En, "en"), (Lang::Ja, "ja")] {
        for (w, h) in [(80, 24), (160, 48)] {
            let mut app = meeting_app(&demo, lang, w, h);
            insta::assert_snapshot!(format!("meeting_dashboard_{tag}_{w}x{h}"), app.screen());
            open(&mut app, case.id);
            insta::assert_snapshot!(format!("meeting_case_{tag}_{w}x{h}"), app.screen());
            let mut app = meeting_app(&demo, lang, w, h);
            app.press("<C-p>");
            app.type_text("morita");
            insta::assert_snapshot!(format!("meeting_finder_{tag}_{w}x{h}"), app.screen());
        }
    }
}

#[test]
fn a_revealed_name_shows_for_a_moment_and_the_reveal_is_logged() {
    let demo = tui::demo_store();
    let case = kumamoto(&demo);
    let client = case.client.expect("a client");
    let mut app = meeting_app(&demo, Lang::Ja, 160, 48);
    open(&mut app, case.id);
    assert!(!app.screen().contains("森田 さとみ"));
    // With a body selected in the triad, the item is the case's client.
    app.press("v");
    assert!(app.screen().contains("森田 さとみ"), "{}", app.screen());
    let trail = demo.store.audit_trail().expect("audit trail");
    let reveal = trail
        .iter()
        .find(|e| e.action == AuditAction::Reveal)
        .expect("the reveal is logged");
    assert_eq!(reveal.entity, Some(client));
    assert!(
        !reveal.text(triad::i18n::Lang::En).contains("森田"),
        "{}",
        reveal.text(triad::i18n::Lang::En)
    );
    // Time passes: the name is masked again.
    app.act(Action::Tick(Instant::now() + Duration::from_secs(6)));
    assert!(!app.screen().contains("森田 さとみ"), "{}", app.screen());
}

#[test]
fn a_revealed_name_shows_in_the_message_where_its_row_is_cut_short() {
    let demo = tui::demo_store();
    let case = kumamoto(&demo);
    let mut app = meeting_app(&demo, Lang::Ja, 80, 24);
    app.press("gc");
    let row = match app.state.screen() {
        Screen::Cases(l) => l.page.rows.iter().position(|r| r.id == case.id).unwrap(),
        _ => panic!("not on the case list"),
    };
    app.press("gg");
    for _ in 0..row {
        app.press("j");
    }
    app.press("v");
    let shown = app.screen();
    let last = shown.lines().last().unwrap_or_default().to_string();
    assert!(last.contains("森田 さとみ"), "{shown}");
    app.act(Action::Tick(Instant::now() + Duration::from_secs(6)));
    assert!(!app.screen().contains("森田"), "{}", app.screen());
}

#[test]
fn a_revealed_note_shows_its_text_only_for_a_moment() {
    let demo = tui::demo_store();
    let notes: Vec<triad::model::TrustNote> = demo.store.all().expect("notes");
    let private = notes
        .iter()
        .find(|n| n.confidentiality != triad::model::Confidentiality::Shared && n.case.is_some())
        .expect("a note that is not shared");
    let mut app = meeting_app(&demo, Lang::En, 160, 48);
    open(&mut app, private.case.unwrap());
    app.press("<Tab><Tab>");
    let row = match app.state.screen() {
        Screen::Case(c) => {
            let d = c.detail.as_deref().unwrap();
            triad::app::view::note_rows(c, d, &app.state.cfg)
                .iter()
                .position(|n| n.id == private.id)
                .expect("the note is listed")
        }
        _ => panic!("not on the case"),
    };
    app.press("gg");
    for _ in 0..row {
        app.press("j");
    }
    let start: String = private.text.chars().take(12).collect();
    assert!(!app.screen().contains(&start), "{}", app.screen());
    app.press("v");
    assert!(app.screen().contains(&start), "{}", app.screen());
    let trail = demo.store.audit_trail().expect("audit trail");
    assert!(
        trail
            .iter()
            .any(|e| e.action == AuditAction::Reveal && e.entity == Some(private.id)),
        "the note's reveal is logged"
    );
    app.act(Action::Tick(Instant::now() + Duration::from_secs(6)));
    assert!(!app.screen().contains(&start), "{}", app.screen());
}

#[test]
fn editing_waits_until_meeting_mode_is_off() {
    let demo = tui::demo_store();
    let case = kumamoto(&demo);
    let mut app = meeting_app(&demo, Lang::En, 80, 24);
    open(&mut app, case.id);
    app.press("i");
    assert!(
        app.state.form.is_none(),
        "an edit form opened in meeting mode"
    );
    assert!(
        app.screen().contains("leave meeting mode"),
        "{}",
        app.screen()
    );
    app.press("gmi");
    assert!(
        app.state.form.is_some(),
        "no edit form after leaving meeting mode"
    );
}

#[test]
fn an_idle_meeting_screen_blanks_until_a_key_which_does_nothing_else() {
    let demo = tui::demo_store();
    let mut app = meeting_app(&demo, Lang::En, 80, 24);
    app.press("j");
    let before = app.screen();
    assert!(before.contains("R-0"), "{before}");
    // Nine minutes: still shown.
    app.act(Action::Tick(Instant::now() + Duration::from_secs(9 * 60)));
    assert_eq!(app.screen(), before);
    app.act(Action::Tick(Instant::now() + Duration::from_secs(11 * 60)));
    let blank = app.screen();
    assert!(!blank.contains("R-0"), "{blank}");
    assert!(
        blank.contains("Press") && blank.contains("any key"),
        "{blank}"
    );
    // The key that wakes it is not also a move.
    app.press("j");
    assert_eq!(app.screen(), before);
    // Outside meeting mode nothing blanks.
    let mut app = tui::app(&demo, Lang::En, 80, 24);
    app.act(Action::Tick(Instant::now() + Duration::from_secs(60 * 60)));
    assert!(app.screen().contains("R-0"));
}

#[test]
fn the_meeting_key_toggles_masking_and_the_badge() {
    let demo = tui::demo_store();
    let case = kumamoto(&demo);
    let mut app = tui::app(&demo, Lang::Ja, 160, 48);
    open(&mut app, case.id);
    assert!(app.screen().contains("森田 さとみ"));
    app.press("gm");
    let masked = app.screen();
    assert!(!masked.contains("森田"), "{masked}");
    assert!(masked.contains("M.S."), "{masked}");
    app.press("<F8>");
    assert!(app.screen().contains("森田 さとみ"));
}
