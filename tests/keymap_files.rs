//! Every keymap shipped in keymaps/ loads, and bad keymaps fail with the
//! file, the line and the reason.

use std::path::{Path, PathBuf};

use triad::app::Action;
use triad::keymap::{Keymap, KeymapErrors, Lookup, Mode, check_file, parse_keys, read_file};

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn files(name: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir(name))
        .expect("directory exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_file_in_keymaps_loads_on_its_own_and_over_the_defaults() {
    let all = files("keymaps");
    assert!(all.iter().any(|p| p.ends_with("default.toml")), "{all:?}");
    for path in all {
        read_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let summary = check_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(summary.contains("ok"), "{summary}");
        Keymap::load(Some(&path)).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn the_default_keymap_binds_every_bindable_action_with_help_in_both_languages() {
    let map = Keymap::builtin().unwrap();
    for a in Action::BINDABLE {
        let bound = Mode::ALL
            .iter()
            .any(|m| map.bindings(*m).iter().any(|b| &b.action == a));
        assert!(bound, "{a:?} is not bound in keymaps/default.toml");
    }
    for m in Mode::ALL {
        for b in map.bindings(m) {
            assert!(!b.desc.is_empty(), "{b:?}");
            assert!(
                b.desc_ja.as_deref().is_some_and(|d| !d.is_empty()),
                "no desc_ja: {b:?}"
            );
        }
        // Ctrl-C quits from everywhere.
        let ctrl_c = parse_keys("<C-c>").unwrap();
        assert_eq!(
            map.lookup(m, &ctrl_c),
            Lookup::Action(Action::Quit),
            "{m:?}"
        );
    }
}

#[test]
fn defaults_work_with_arrows_and_with_vim_keys() {
    let map = Keymap::builtin().unwrap();
    let act = |m, s: &str| map.lookup(m, &parse_keys(s).unwrap());
    for (vim, arrow, action) in [
        ("j", "<Down>", Action::Down),
        ("k", "<Up>", Action::Up),
        ("h", "<Left>", Action::Left),
        ("l", "<Right>", Action::Right),
        ("gg", "<Home>", Action::Top),
        ("G", "<End>", Action::Bottom),
    ] {
        assert_eq!(act(Mode::Normal, vim), Lookup::Action(action.clone()));
        assert_eq!(act(Mode::Normal, arrow), Lookup::Action(action));
    }
    assert_eq!(act(Mode::Normal, "/"), Lookup::Action(Action::Filter));
    assert_eq!(act(Mode::Normal, "?"), Lookup::Action(Action::Help));
    assert_eq!(act(Mode::Normal, ":"), Lookup::Action(Action::Finder));
    // The IME's full-width ：／？ act like : / ?
    assert_eq!(act(Mode::Normal, "："), Lookup::Action(Action::Finder));
    assert_eq!(act(Mode::Normal, "／"), Lookup::Action(Action::Filter));
    assert_eq!(act(Mode::Normal, "？"), Lookup::Action(Action::Help));
    // Destructive actions are uppercase.
    assert_eq!(act(Mode::Normal, "E"), Lookup::Action(Action::EndRole));
    assert_eq!(
        act(Mode::Normal, "W"),
        Lookup::Action(Action::WithdrawConsent)
    );
}

fn fixture_errors(name: &str) -> KeymapErrors {
    let path = dir("tests/keymap_fixtures").join(name);
    match read_file(&path) {
        Ok(_) => panic!("{name} should not load"),
        Err(e) => {
            // check_file and start-up report the same problems.
            assert_eq!(check_file(&path).unwrap_err(), e);
            assert_eq!(Keymap::load(Some(&path)).unwrap_err(), e);
            e
        }
    }
}

fn assert_error(name: &str, line: usize, reason: &str) {
    let errs = fixture_errors(name);
    let e = errs
        .0
        .first()
        .unwrap_or_else(|| panic!("{name}: no errors"));
    assert!(e.file.ends_with(name), "{e}");
    assert_eq!(e.line, line, "{e}");
    assert!(e.reason.contains(reason), "{e}");
    // The printed form is file:line: reason.
    assert!(
        errs.to_string().contains(&format!("{name}:{line}: ")),
        "{errs}"
    );
}

#[test]
fn bad_keymaps_say_file_line_and_reason() {
    assert_error(
        "unknown_action.toml",
        4,
        "unknown action \"qiut\" (did you mean \"quit\"?)",
    );
    assert_error("bad_key.toml", 3, "cannot read key \"<C-j\"");
    assert_error(
        "duplicate_key.toml",
        6,
        "\"<C-s>\" is bound twice in form mode (first on line 2)",
    );
    assert_error("prefix_clash.toml", 6, "clashes with \"g\"");
    assert_error("unknown_mode.toml", 1, "unknown mode \"nromal\"");
    assert_error("typing_key.toml", 2, "typed in input mode");
    assert_error("internal_action.toml", 4, "unknown action \"insert\"");
    assert_error("not_toml.toml", 1, "");
}

#[test]
fn every_fixture_is_rejected() {
    for path in files("tests/keymap_fixtures") {
        assert!(read_file(&path).is_err(), "{} loaded", path.display());
    }
}

#[test]
fn a_missing_file_is_an_error_for_check_but_not_for_start_up() {
    let missing = dir("tests/keymap_fixtures/does-not-exist.toml");
    let e = check_file(&missing).unwrap_err();
    assert!(e.to_string().contains("cannot read the file"), "{e}");
    // No user keymap is the normal case.
    assert!(Keymap::load(Some(&missing)).is_ok());
}
