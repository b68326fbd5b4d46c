//! Work `update` asks for (effects), split by who runs it: the query layer
//! (in this process or in `triad serve`, see `app::link`), the finder, or
//! the terminal (`$EDITOR`, the clipboard, a file). What comes back
//! returns to `update` as `Action::Reply`.

use crate::query::data::FinderDoc;
use crate::query::request::StoreEffect;

#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Store(StoreEffect),
    Search(SearchEffect),
    /// Edit text in `$EDITOR` on a temp file only the owner can read.
    Editor(String),
    /// Put text on the terminal's clipboard (OSC 52).
    Clipboard(String),
    /// Write text to a new file readable by its owner only (`0600`).
    SaveFile {
        path: std::path::PathBuf,
        text: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum SearchEffect {
    /// Add or replace finder documents (an in-process index only: a
    /// server keeps its own index up to date).
    Index(Vec<FinderDoc>),
    Search {
        seq: u64,
        query: String,
        /// Meeting mode: notes that are not shared stay out of the hits.
        meeting: bool,
    },
}

impl From<StoreEffect> for Effect {
    fn from(e: StoreEffect) -> Effect {
        Effect::Store(e)
    }
}

impl From<SearchEffect> for Effect {
    fn from(e: SearchEffect) -> Effect {
        Effect::Search(e)
    }
}
