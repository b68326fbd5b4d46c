//! A typed filter over a list that keeps its own order (the case list's
//! `/`): a record passes when the finder would find it by a substring, so
//! both fold, read romaji and split words the same way.

use super::entry::{Prepared, View, prepare};
use super::index::{Doc, Tier};
use super::matcher::{Keys, classify};

/// A record's searchable forms, prepared once when the list is loaded.
pub struct FilterDoc(Prepared);

impl FilterDoc {
    pub fn new(doc: Doc) -> FilterDoc {
        FilterDoc(prepare(doc))
    }

    fn view(&self) -> View<'_> {
        View {
            hay: &self.0.hay,
            hot: &self.0.hot,
        }
    }
}

/// The filter text in every form it is matched in.
pub struct Filter(Keys);

impl Filter {
    pub fn new(text: &str) -> Filter {
        Filter(Keys::new(text))
    }

    /// Nothing typed: everything passes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the finder would find `doc` without fuzzy matching: by id,
    /// name, reading or extra, every word of the filter somewhere.
    pub fn matches(&self, doc: &FilterDoc) -> bool {
        let v = doc.view();
        self.is_empty()
            || self.0.id.as_deref() == Some(&*doc.0.cold.id)
            || (self.0.contained(&v) && classify(&v, &self.0, Tier::Substring).is_some())
    }
}
