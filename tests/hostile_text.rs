//! Hostile text through every output path: a store whose records carry the
//! corpus of tests/hostile (as old data or a raw edit could, validation
//! now refuses it), shown on every screen, printed by `search`, exported as
//! JSON, CSV and Markdown; and crafted import files whose errors quote it.
//! The bytes that come out never hold one of those characters raw.

mod hostile;
mod server_common;
mod tui;

use triad::app::forms::Key;
use triad::app::headless::Headless;
use triad::i18n::Lang;
use triad::model::Kind;
use triad::store::SledStore;

/// The demo store with every text poisoned.
fn hostile_demo() -> tui::Demo {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let store = SledStore::open_as(dir.path(), tui::USER).unwrap();
        triad::demo::seed(&store, tui::today()).unwrap();
    }
    hostile::poison(dir.path());
    // sled's lock, too, may outlive the handle by a moment.
    let until = std::time::Instant::now() + server_common::DEADLINE;
    let store = loop {
        match SledStore::open_as(dir.path(), tui::USER) {
            Ok(s) => break s,
            Err(_) if std::time::Instant::now() < until => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("reopen the store: {e}"),
        }
    };
    tui::Demo {
        dir,
        store: std::sync::Arc::new(store),
    }
}

fn assert_clean(what: &str, bytes: &[u8], multiline: bool) {
    let text = String::from_utf8_lossy(bytes);
    let raw = hostile::raw_in(&text, multiline);
    assert!(
        raw.is_empty(),
        "{what}: raw {raw:?} in {}",
        text.chars().take(400).collect::<String>().escape_debug()
    );
}

/// Every cell of the frame: no hostile character, and (where `shown`) the
/// escapes are visible.
fn assert_frame_clean(what: &str, app: &Headless) {
    let buf = app.render();
    for cell in buf.content() {
        assert!(
            hostile::raw_in(cell.symbol(), false).is_empty(),
            "{what}: raw {:?} in a cell",
            cell.symbol().escape_debug().to_string()
        );
    }
}

/// Each screen, reached by keys (as in tui_snapshots.rs); a case, body or
/// person is opened from the finder's first hit of its kind. The last
/// field: whether the screen is a form (so a form that failed to open
/// cannot pass unseen).
const SCREENS: &[(&str, &[&str], bool)] = &[
    ("dashboard", &[], false),
    ("case_list", &["gc"], false),
    ("case_triad", &["@C"], false),
    ("case_referrals", &["@C", "<Tab><Space>"], false),
    ("case_notes", &["@C", "<Tab><Tab>"], false),
    ("case_timeline", &["@C", "<Tab><Tab><Tab>"], false),
    ("case_consents", &["@C", "<S-Tab>"], false),
    ("body", &["@B", "<Tab><Tab>"], false),
    ("person", &["@P", "<Tab>"], false),
    ("finder", &["<C-p>"], false),
    ("help", &["?"], false),
    ("form", &["@C", "r<Tab>"], true),
    ("end_role", &["@C", "E"], true),
    ("edit_case", &["@C", "i"], true),
    ("edit_referral", &["@C", "<Tab>ggi"], true),
    ("withdraw_consent", &["@C", "<S-Tab>ggW"], true),
    ("edit_person", &["@P", "i"], true),
];

fn drive(app: &mut Headless, keys: &[&str]) {
    for k in keys {
        let kind = match *k {
            "@C" => Kind::Case,
            "@B" => Kind::Body,
            "@P" => Kind::Person,
            "<C-p>" => {
                app.press("<C-p>");
                app.type_text("仙台");
                continue;
            }
            other => {
                app.press(other);
                continue;
            }
        };
        app.press("<C-p>");
        app.type_text("仙台");
        let hits = &app.state.finder.as_ref().expect("finder").hits;
        let n = hits
            .iter()
            .position(|h| h.id.kind == kind)
            .unwrap_or_else(|| panic!("no {kind:?} hit"));
        for _ in 0..n {
            app.press("<Down>");
        }
        app.press("<CR>");
    }
}

#[test]
fn every_screen_shows_hostile_text_escaped() {
    let demo = hostile_demo();
    for lang in [Lang::En, Lang::Ja] {
        for (w, h) in [(80, 24), (160, 48)] {
            for (name, keys, form) in SCREENS {
                let mut app = tui::app(&demo, lang, w, h);
                drive(&mut app, keys);
                let what = format!("{name} {lang:?} {w}x{h}");
                assert_eq!(app.state.form.is_some(), *form, "{what}");
                assert_frame_clean(&what, &app);
            }
        }
    }
    // The escapes are visible, not silently dropped: the case list shows
    // the control characters in titles as text.
    let mut app = tui::app(&demo, Lang::En, 160, 48);
    drive(&mut app, &["gc"]);
    let screen = app.screen();
    assert!(screen.contains("\\u{1B}"), "{screen}");
}

/// The CLI against a server on the poisoned store (stopped by its guard).
#[test]
fn search_and_every_export_format_print_nothing_raw() {
    let demo = hostile_demo();
    let store = demo.dir.path().to_path_buf();
    let tui::Demo { dir, store: handle } = demo;
    drop(handle);
    let running = server_common::serve(&store);
    let socket = running.socket().to_str().unwrap().to_string();
    let cli = |args: &[&str]| {
        let mut all = vec!["--connect", &socket];
        all.extend_from_slice(args);
        server_common::triad(&store, &all)
    };

    for args in [
        &["search", "仙台"][..],
        &["search", "仙台", "--json"],
        &["export"],
        &["export", "--format", "md", "--case", "C-0004"],
        &["check"],
    ] {
        let out = cli(args);
        assert!(
            !out.stdout.is_empty(),
            "{args:?}: {}",
            server_common::text(&out.stderr)
        );
        // JSON and Markdown keep their own line breaks; values never do.
        assert_clean(&format!("{args:?} stdout"), &out.stdout, true);
        assert_clean(&format!("{args:?} stderr"), &out.stderr, true);
    }
    let md = cli(&["export", "--format", "md", "--case", "C-0004"]);
    let md = server_common::text(&md.stdout);
    assert!(
        !md.lines().any(|l| l.starts_with("# Injected")),
        "a heading was injected: {md}"
    );
    let search = server_common::text(&cli(&["search", "仙台"]).stdout);
    assert!(search.contains("\\u{202E}fdp.exe"), "{search}");

    let csv_dir = dir.path().join("csv");
    let out = cli(&[
        "export",
        "--format",
        "csv",
        "--out",
        csv_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", server_common::text(&out.stderr));
    let mut files = 0;
    for f in std::fs::read_dir(&csv_dir).unwrap() {
        let path = f.unwrap().path();
        assert_clean(
            &path.display().to_string(),
            &std::fs::read(&path).unwrap(),
            true,
        );
        files += 1;
    }
    assert!(files >= 10, "{files} CSV files");
    drop(running);
}

/// The fuzzed finding: serde quoted a crafted value word for word, so an
/// import error set the terminal's title and printed a fake success line.
#[test]
fn an_import_error_cannot_set_the_title_or_fake_a_line() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let crafted = [
        // An unknown variant: serde quotes it in backticks.
        r#"{"format":"triad-export","schema":SCHEMA,"records":[{"type":"body","id":"B-0001","name":"x","sector":"\u001b]0;pwned\u0007\rimported 487 records\n","kind":"other"}]}"#,
        // An unknown field name.
        r#"{"format":"triad-export","schema":SCHEMA,"records":[{"type":"body","id":"B-0001","name":"x","sector":"medical","kind":"other","\u009b2J\u202e":1}]}"#,
        // A hostile id and type.
        r#"{"format":"triad-export","schema":SCHEMA,"records":[{"type":"\u001b]2;t\u0007","id":"\u001b[2J\u2066"}]}"#,
        // Not JSON at all, with raw bytes at the fault.
        "{\"format\":\u{1b}]0;pwned\u{7}",
    ];
    for (i, file) in crafted.iter().enumerate() {
        let file = file.replace("SCHEMA", &triad::store::SCHEMA_VERSION.to_string());
        let path = tmp.path().join(format!("crafted{i}.json"));
        std::fs::write(&path, &file).unwrap();
        let out = server_common::triad(&store, &["import", path.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}",
            server_common::text(&out.stderr)
        );
        // The message's own line end is the only raw line break.
        let line = out.stderr.strip_suffix(b"\n").unwrap_or(&out.stderr);
        assert_clean(&format!("crafted {i}"), line, false);
        let err = server_common::text(&out.stderr);
        assert!(err.contains("nothing changed"), "{err}");
        // One line: nothing after the message can pose as triad's output.
        assert_eq!(err.trim_end_matches('\n').lines().count(), 1, "{err}");
        assert!(!store.join("db").exists(), "a refused import made a store");
    }
}

/// Typed (or pasted) into a form, a bidi override is refused next to its
/// field in the screen's language, naming the character; what was typed is
/// kept, nothing is saved, and the form shows it escaped.
#[test]
fn a_form_refuses_a_bidi_override_and_keeps_the_text() {
    let demo = tui::demo_store();
    for (lang, words) in [(Lang::En, "invisible"), (Lang::Ja, "見えない文字")] {
        let mut app = tui::app(&demo, lang, 80, 24);
        app.press("nc");
        app.type_text("仙台\u{202e}テスト");
        app.press("<C-s>");
        let form = app.state.form.as_ref().expect("the form stays open");
        let error = form.fields[0].error.clone().unwrap_or_default();
        assert!(
            error.contains(words) && error.contains("U+202E"),
            "{lang:?}: {error}"
        );
        assert_eq!(form.value(Key::Title), "仙台\u{202e}テスト");
        assert_frame_clean("form", &app);
        let mut titles = Vec::new();
        demo.store
            .scan(Kind::Case, &mut |r| {
                titles.push(r.label());
                true
            })
            .unwrap();
        assert!(!titles.iter().any(|t| t.contains("テスト")), "saved");
    }
}
