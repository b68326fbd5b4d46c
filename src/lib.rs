//! triad: coordinate peer-support cases across the three sectors —
//! government, medical, and patient & family.
//!
//! Data flows one way: terminal event → keymap → `app::update` → effects,
//! which `query` answers (in this process or in `server`) → actions back;
//! `ui::draw` renders `State` purely.

pub mod app;
pub mod cli;
pub mod demo;
pub mod exchange;
pub mod i18n;
pub mod keymap;
pub mod model;
pub mod query;
pub mod report;
pub mod search;
pub mod server;
pub mod store;
pub mod ui;
