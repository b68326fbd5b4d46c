//! Every screen on the demo data, at 80x24 and 160x48, in English and in
//! Japanese, plus the too-small screen: insta snapshots of the frame text
//! (ratatui TestBackend). Review changes with `cargo insta review`.

mod tui;

use triad::app::headless::Headless;
use triad::i18n::Lang;

/// Each screen, reached by keys from a fresh session.
const SCREENS: &[(&str, &[&str], &str)] = &[
    ("dashboard", &[], ""),
    ("case_list", &["gc"], ""),
    ("case_triad", &["<C-p>", "@C"], "仙台ポリオの会 会員"),
    (
        "case_referrals",
        &["<C-p>", "@C", "<Tab><Space>"],
        "仙台ポリオの会 会員",
    ),
    (
        "case_notes",
        &["<C-p>", "@C", "<Tab><Tab>"],
        "仙台ポリオの会 会員",
    ),
    (
        "case_timeline",
        &["<C-p>", "@C", "<Tab><Tab><Tab>"],
        "仙台ポリオの会 会員",
    ),
    (
        "case_consents",
        &["<C-p>", "@C", "<S-Tab>"],
        "仙台ポリオの会 会員",
    ),
    ("body", &["<C-p>", "@B", "<Tab><Tab>"], "仙台ポリオの会"),
    ("person", &["<C-p>", "@P", "<Tab>"], "K医師"),
    ("finder", &["<C-p>"], "ポリオ"),
    ("help", &["?"], ""),
    ("form", &["<C-p>", "@C", "r<Tab>"], "仙台ポリオの会 会員"),
    ("end_role", &["<C-p>", "@C", "E"], "仙台ポリオの会 会員"),
    ("edit_case", &["<C-p>", "@C", "i"], "仙台ポリオの会 会員"),
    (
        "edit_referral",
        &["<C-p>", "@C", "<Tab>ggi"],
        "仙台ポリオの会 会員",
    ),
    (
        "withdraw_consent",
        &["<C-p>", "@C", "<S-Tab>ggW"],
        "仙台ポリオの会 会員",
    ),
    ("edit_person", &["<C-p>", "@P", "i"], "K医師"),
    ("brief", &["b"], ""),
    ("brief_scrolled", &["b", "<C-d><C-d>"], ""),
    ("case_brief", &["<C-p>", "@C", "b"], "仙台ポリオの会 会員"),
    // The directory typed, so the frame does not depend on $HOME.
    ("save_brief", &["b", "w<C-u>/srv/briefs"], ""),
];

/// Press `keys`; `<C-p>` is followed by typing `query` and, when the next
/// step is "@C", "@B" or "@P", by Enter on the first case, body or person.
fn drive(app: &mut Headless, keys: &[&str], query: &str) {
    use triad::model::Kind;
    let mut i = 0;
    while i < keys.len() {
        let k = keys[i];
        if k == "<C-p>" {
            app.press("<C-p>");
            app.type_text(query);
            let kind = match keys.get(i + 1) {
                Some(&"@C") => Some(Kind::Case),
                Some(&"@B") => Some(Kind::Body),
                Some(&"@P") => Some(Kind::Person),
                _ => None,
            };
            if let Some(kind) = kind {
                let hits = &app.state.finder.as_ref().expect("finder").hits;
                let n = hits
                    .iter()
                    .position(|h| h.id.kind == kind)
                    .unwrap_or_else(|| panic!("no {kind:?} hit for {query}"));
                for _ in 0..n {
                    app.press("<Down>");
                }
                app.press("<CR>");
                i += 1;
            }
        } else {
            app.press(k);
        }
        i += 1;
    }
}

fn snapshots(lang: Lang, w: u16, h: u16) {
    let demo = tui::demo_store();
    let tag = match lang {
        Lang::En => "en",
        Lang::Ja => "ja",
    };
    for (name, keys, query) in SCREENS {
        let mut app = tui::app(&demo, lang, w, h);
        drive(&mut app, keys, query);
        insta::assert_snapshot!(format!("{name}_{tag}_{w}x{h}"), app.screen());
    }
}

#[test]
fn screens_en_80x24() {
    snapshots(Lang::En, 80, 24);
}

#[test]
fn screens_en_160x48() {
    snapshots(Lang::En, 160, 48);
}

#[test]
fn screens_ja_80x24() {
    snapshots(Lang::Ja, 80, 24);
}

#[test]
fn screens_ja_160x48() {
    snapshots(Lang::Ja, 160, 48);
}

/// An empty store's dashboard and case list say how to start; on the demo,
/// a filter that hides every case says so and how to clear it.
#[test]
fn first_run_and_empty_lists() {
    let empty = tui::empty_store();
    let demo = tui::demo_store();
    for lang in [Lang::En, Lang::Ja] {
        let tag = if lang == Lang::En { "en" } else { "ja" };
        for (w, h) in [(80, 24), (160, 48)] {
            let mut app = tui::app(&empty, lang, w, h);
            insta::assert_snapshot!(format!("first_run_{tag}_{w}x{h}"), app.screen());
            app.press("gc");
            insta::assert_snapshot!(format!("no_cases_{tag}_{w}x{h}"), app.screen());
            let mut app = tui::app(&demo, lang, w, h);
            app.press("gc/");
            app.type_text("存在しない名前");
            app.press("<CR>");
            insta::assert_snapshot!(format!("filtered_out_{tag}_{w}x{h}"), app.screen());
        }
    }
}

#[test]
fn too_small() {
    let demo = tui::demo_store();
    for lang in [Lang::En, Lang::Ja] {
        let mut app = tui::app(&demo, lang, 40, 10);
        // A popup open underneath changes nothing.
        app.press("nc");
        let tag = if lang == Lang::En { "en" } else { "ja" };
        insta::assert_snapshot!(format!("too_small_{tag}_40x10"), app.screen());
    }
}

#[test]
fn ascii_case_view() {
    let demo = tui::demo_store();
    let keymap = triad::keymap::Keymap::builtin().unwrap();
    let mut app = Headless::new(
        demo.store.clone(),
        tui::config(Lang::En, true, false),
        keymap,
        80,
        24,
    );
    drive(
        &mut app,
        &["<C-p>", "@C", "<Tab><Tab><Tab>"],
        "仙台ポリオの会 会員",
    );
    let screen = app.screen();
    // Nothing outside ASCII but the data itself.
    for c in screen.chars() {
        assert!(
            c.is_ascii() || !c.is_ascii() && unicode_width::UnicodeWidthChar::width(c) == Some(2),
            "{c:?} in\n{screen}"
        );
    }
    insta::assert_snapshot!("case_timeline_ascii_80x24", screen);
}

/// The conflict popup (both versions side by side) and the header while
/// the server is unreachable, at both sizes and in both languages.
#[test]
fn conflict_and_reconnecting() {
    use triad::app::Action;
    use triad::app::state::Link;
    use triad::model::{Case, Kind, Record};
    use triad::store::{Change, StoreExt};
    for (lang, tag) in [(Lang::En, "en"), (Lang::Ja, "ja")] {
        for (w, h) in [(80, 24), (160, 48)] {
            let demo = tui::demo_store();
            let mut app = tui::app(&demo, lang, w, h);
            drive(&mut app, &["<C-p>", "@C", "i<C-u>"], "仙台ポリオの会 会員");
            app.type_text("阿部さん 訪問後の相談");
            let Some(id) = app.state.stack.iter().rev().find_map(|s| match s {
                triad::app::state::Screen::Case(c) => Some(c.id),
                _ => None,
            }) else {
                panic!("not on a case");
            };
            assert_eq!(id.kind, Kind::Case);
            let mut c: Case = demo.store.get_as(id).unwrap().unwrap();
            let base = demo.store.revisions(&[id]).unwrap()[0];
            c.title = "阿部さん 電話相談のあと".into();
            demo.store
                .apply(vec![Change::Edit {
                    record: Record::Case(c),
                    base,
                }])
                .unwrap();
            app.press("<C-s>");
            insta::assert_snapshot!(format!("conflict_{tag}_{w}x{h}"), app.screen());
            app.press("t");
            app.act(Action::Link(Link::Reconnecting("gone".into())));
            insta::assert_snapshot!(format!("reconnecting_{tag}_{w}x{h}"), app.screen());
        }
    }
}

/// A viewer (the role a server's config gave): the header says who and
/// what, help marks the keys that are not theirs and says why, and the
/// footer does not offer them.
#[test]
fn a_viewers_screens() {
    use triad::app::Action;
    use triad::model::AccessRole;
    for (lang, tag) in [(Lang::En, "en"), (Lang::Ja, "ja")] {
        for (w, h) in [(80, 24), (160, 48)] {
            let demo = tui::demo_store();
            let mut app = tui::app(&demo, lang, w, h);
            app.act(Action::Identity("suzuki".into(), AccessRole::Viewer));
            drive(&mut app, &["<C-p>", "@C"], "仙台ポリオの会 会員");
            insta::assert_snapshot!(format!("viewer_case_{tag}_{w}x{h}"), app.screen());
            app.press("m");
            assert!(app.state.form.is_none(), "a viewer gets no note form");
            app.press("?");
            insta::assert_snapshot!(format!("viewer_help_{tag}_{w}x{h}"), app.screen());
        }
    }
}

/// The audit panel with a fixed trail (the store's own entries carry the
/// time they were written): a view, a change, a refusal, a sent referral.
#[test]
fn audit_panel() {
    use chrono::TimeZone;
    use triad::app::state::Screen;
    use triad::model::{AuditAction, AuditEntry, Id, Kind};
    let demo = tui::demo_store();
    for (lang, tag) in [(Lang::En, "en"), (Lang::Ja, "ja")] {
        for (w, h) in [(80, 24), (160, 48)] {
            let mut app = tui::app(&demo, lang, w, h);
            drive(
                &mut app,
                &["<C-p>", "@C", "<S-Tab><S-Tab>"],
                "仙台ポリオの会 会員",
            );
            let Some(Screen::Case(c)) = app.state.stack.last_mut() else {
                panic!("not on a case");
            };
            let case = c.id;
            let entry =
                |seq: u64, min: u32, user: &str, action, entity: Id, summary: &str| AuditEntry {
                    seq,
                    at: chrono::Utc.with_ymd_and_hms(2024, 6, 3, 9, min, 0).unwrap(),
                    user: user.into(),
                    action,
                    entity: Some(entity),
                    case: Some(case),
                    summary: summary.into(),
                    detail: None,
                    prev: String::new(),
                    sealed: None,
                    released: vec![],
                    hash: String::new(),
                };
            let r = Id::new(Kind::Referral, 3);
            c.detail.as_mut().expect("loaded").audit = vec![
                entry(
                    14,
                    30,
                    "sato",
                    AuditAction::Update,
                    r,
                    "sent referral R-0003: provision to B-0002 under K-0001",
                ),
                entry(
                    13,
                    20,
                    "tanaka",
                    AuditAction::Refused,
                    case,
                    "refused tanaka (supporter): a write outside the reader's rights",
                ),
                entry(
                    12,
                    10,
                    "sato",
                    AuditAction::Update,
                    case,
                    &format!("updated case {case}"),
                ),
                entry(
                    11,
                    0,
                    "sato",
                    AuditAction::View,
                    case,
                    &format!("opened the case view of {case}"),
                ),
            ];
            insta::assert_snapshot!(format!("case_audit_{tag}_{w}x{h}"), app.screen());
        }
    }
}

/// While the server is still opening (upgrading) the store, the footer
/// says what it is doing; once connected, the keys come back and nothing
/// is reloaded twice.
#[test]
fn a_slow_opening_is_shown_in_the_footer() {
    use triad::app::Action;
    use triad::app::state::Link;
    use triad::store::{OpenStep, Opening};
    for (lang, tag, says) in [
        (
            Lang::En,
            "en",
            "upgrading the store: moving records 120 / 993",
        ),
        (
            Lang::Ja,
            "ja",
            "ストアを更新中: 記録を移しています 120 / 993",
        ),
    ] {
        for (w, h) in [(80, 24), (160, 48)] {
            let demo = tui::demo_store();
            let mut app = tui::app(&demo, lang, w, h);
            let keys = app.screen().lines().last().unwrap_or_default().to_string();
            app.act(Action::Link(Link::Opening(Opening {
                step: OpenStep::MovingRecords,
                done: 120,
                of: 993,
                seconds: 14,
            })));
            let screen = app.screen();
            assert!(screen.contains(says), "{screen}");
            insta::assert_snapshot!(format!("opening_{tag}_{w}x{h}"), screen);
            app.act(Action::Link(Link::Up));
            assert!(!app.screen().contains(says), "the news stays once up");
            let back = app.screen().lines().last().unwrap_or_default().to_string();
            assert_eq!(back, keys, "the keys are back in the footer");
        }
    }
}
