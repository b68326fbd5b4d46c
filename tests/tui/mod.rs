//! Shared set-up for the TUI tests: a demo store in a temp directory and a
//! headless app on it, with a fixed "today" so frames are repeatable.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use triad::app::headless::Headless;
use triad::app::state::Config;
use triad::i18n::Lang;
use triad::keymap::Keymap;
use triad::store::{SledStore, Store};

pub const USER: &str = "coordinator";

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 14).expect("valid date")
}

pub fn config(lang: Lang, ascii: bool, color: bool) -> Config {
    let mut c = Config::new(lang, ascii, color, USER, today());
    c.fixed_now = Utc.with_ymd_and_hms(2024, 6, 14, 9, 30, 0).single();
    c
}

/// A store seeded with the seven scenarios, kept alive with its directory.
pub struct Demo {
    pub dir: tempfile::TempDir,
    pub store: Arc<dyn Store>,
}

pub fn demo_store() -> Demo {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SledStore::open_as(dir.path(), USER).expect("open store");
    triad::demo::seed(&store, today()).expect("seed demo");
    Demo {
        dir,
        store: Arc::new(store),
    }
}

/// A store with nothing in it: the first run.
pub fn empty_store() -> Demo {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SledStore::open_as(dir.path(), USER).expect("open store");
    Demo {
        dir,
        store: Arc::new(store),
    }
}

pub fn app(demo: &Demo, lang: Lang, w: u16, h: u16) -> Headless {
    let keymap = Keymap::builtin().expect("default keymap");
    Headless::new(demo.store.clone(), config(lang, false, true), keymap, w, h)
}
