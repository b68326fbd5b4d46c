//! Drawing never panics, whatever the size and whatever is open; the
//! default symbols stay single-width in CJK terminals; selection survives
//! NO_COLOR; Japanese columns line up.

mod tui;

use std::collections::HashSet;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use triad::app::headless::Headless;
use triad::i18n::Lang;
use triad::keymap::Keymap;
use triad::store::StoreExt;
use unicode_width::UnicodeWidthStr;

/// Set-ups with each popup (and none) open.
fn sessions(demo: &tui::Demo) -> Vec<(&'static str, Headless)> {
    let steps: [(&str, &[&str]); 10] = [
        ("dashboard", &[]),
        ("cases", &["gc"]),
        ("case", &["gc<CR>"]),
        ("timeline", &["gc", "j", "j", "j", "<CR><Tab><Tab><Tab>"]),
        ("finder", &["<C-p>"]),
        ("record", &["gc<CR><Tab>", "<CR>"]),
        ("help", &["?"]),
        ("form", &["gc<CR>r"]),
        ("confirm", &["gc<CR>E"]),
        ("which-key", &["g"]),
    ];
    let mut out = Vec::new();
    for (name, keys) in steps {
        for lang in [Lang::En, Lang::Ja] {
            let mut app = tui::app(demo, lang, 80, 24);
            for k in keys {
                app.press(k);
            }
            if name == "finder" {
                app.type_text("ポリオ");
            }
            out.push((name, app));
        }
    }
    out
}

#[test]
fn no_size_panics_with_any_popup_open() {
    let demo = tui::demo_store();
    for (name, mut app) in sessions(&demo) {
        for w in (0..=100).step_by(7).chain([1, 59, 60, 61, 80]) {
            for h in (0..=40).step_by(5).chain([1, 15, 16, 17, 24]) {
                app.resize(w, h);
                let buf = app.render();
                assert_eq!(buf.area.width, w, "{name}");
            }
        }
    }
}

fn ambiguous(s: &str) -> bool {
    s.width() != s.width_cjk()
}

/// Characters that come from the records themselves (names, notes).
fn data_chars(demo: &tui::Demo) -> HashSet<char> {
    let records = demo.store.everything().expect("read demo");
    let json = serde_json::to_string(&records).expect("json");
    json.chars().collect()
}

fn cells(buf: &Buffer) -> impl Iterator<Item = &str> {
    buf.content.iter().map(|c| c.symbol())
}

#[test]
fn default_symbols_are_never_ambiguous_width() {
    let demo = tui::demo_store();
    let data = data_chars(&demo);
    for (name, mut app) in sessions(&demo) {
        for (w, h) in [(80, 24), (160, 48)] {
            app.resize(w, h);
            let buf = app.render();
            for sym in cells(&buf) {
                if ambiguous(sym) {
                    let from_data = sym.chars().all(|c| data.contains(&c));
                    assert!(
                        from_data,
                        "{name} {w}x{h}: our own glyph {sym:?} is ambiguous width"
                    );
                }
            }
        }
    }
}

#[test]
fn ascii_mode_draws_only_ascii_of_its_own() {
    let demo = tui::demo_store();
    let data = data_chars(&demo);
    let keymap = Keymap::builtin().unwrap();
    let mut app = Headless::new(
        demo.store.clone(),
        tui::config(Lang::En, true, true),
        keymap,
        120,
        40,
    );
    for keys in ["gc<CR>", "<Tab><Space>", "<Tab>", "<Tab>", "<Tab>", "r"] {
        app.press(keys);
        let buf = app.render();
        for sym in cells(&buf) {
            assert!(
                sym.is_ascii() || sym.chars().all(|c| data.contains(&c)),
                "{sym:?} after {keys}"
            );
        }
    }
}

#[test]
fn selection_survives_no_color() {
    let demo = tui::demo_store();
    let keymap = Keymap::builtin().unwrap();
    let mut app = Headless::new(
        demo.store.clone(),
        tui::config(Lang::En, false, false),
        keymap,
        100,
        30,
    );
    app.press("gcj");
    let buf = app.render();
    for c in &buf.content {
        assert!(
            matches!(c.fg, Color::Reset) && matches!(c.bg, Color::Reset),
            "a colour under NO_COLOR: {c:?}"
        );
    }
    // The selected row: reverse video and the marker, on the second case.
    let triad::app::state::Screen::Cases(list) = app.state.screen() else {
        panic!("not on the case list");
    };
    let second = list.page.rows[1].id.to_string();
    let row = (0..buf.area.height)
        .find(|&y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .contains(&second)
        })
        .expect("second case on screen");
    assert_eq!(buf[(0, row)].symbol(), "\u{25B8}");
    // Every cell of the row (but those hidden behind a wide character) is
    // reversed, to the right edge; the row above is not.
    let mut x = 0;
    while x < buf.area.width {
        let cell = &buf[(x, row)];
        assert!(cell.modifier.contains(Modifier::REVERSED), "x={x} {cell:?}");
        assert!(!buf[(x, row - 1)].modifier.contains(Modifier::REVERSED));
        x += cell.symbol().width().max(1) as u16;
    }
}

/// The x of the first cell of a `YYYY-MM-DD` date in row `y`.
fn date_column(buf: &Buffer, y: u16) -> Option<u16> {
    let syms: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
    (0..syms.len().saturating_sub(10)).find_map(|x| {
        let s: String = syms[x..x + 10].concat();
        let b = s.as_bytes();
        (s.len() == 10 && s.starts_with("20") && b[4] == b'-' && b[7] == b'-').then_some(x as u16)
    })
}

#[test]
fn japanese_columns_line_up() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::Ja, 80, 24);
    app.press("gc");
    let buf = app.render();
    let triad::app::state::Screen::Cases(list) = app.state.screen() else {
        panic!("not on the case list");
    };
    let n = list.page.total as u16;
    // Rows 3.. hold the cases; the "changed" date starts at the same cell.
    let cols: Vec<Option<u16>> = (3..3 + n).map(|y| date_column(&buf, y)).collect();
    assert!(
        cols.iter().all(|c| c.is_some() && *c == cols[0]),
        "{cols:?}\n{}",
        app.screen()
    );
    // Every row is exactly the terminal's width: nothing spills.
    for line in app.screen().lines() {
        assert_eq!(line.width(), 80, "{line:?}");
    }
}
