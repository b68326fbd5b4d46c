//! The app: `State`, `Action`, `update` and the effects it asks for; the
//! link that has the query layer answer them (in this process or in a
//! server); the terminal loop. No drawing here, and the store is reached
//! only through the `Store` trait.

pub mod action;
pub mod config;
pub mod editor_file;
pub mod effect;
pub mod form;
pub mod forms;
pub mod headless;
pub mod input;
pub mod link;
pub mod meeting;
pub mod output;
pub mod run;
pub mod state;
pub mod supporters_view;
pub mod term;
pub mod update;
pub mod view;

pub use action::Action;
pub use run::{RunError, RunOptions, Source, run};
pub use update::update;
