//! Work `update` asks for (effects) and what comes back (replies). Effects
//! run on workers (store, search) or, for `$EDITOR`, on the terminal; their
//! replies return to `update` as `Action::Reply`.

use super::data::{
    CaseDetail, CaseRow, ConsentAlert, EventLine, FinderDoc, NameRow, OverdueReferral, PartyDetail,
};
use super::state::Hit;
use crate::model::{Id, Record};

/// What a form saves: the store's own change type, applied all or nothing.
pub use crate::store::Change as SaveOp;

#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Summaries of everything, streamed in chunks so the first frames show
    /// while a large store loads.
    LoadAll,
    /// The dashboard's lists again, after a write that may change them.
    RefreshDashboard,
    LoadCase(Id),
    LoadParty(Id),
    /// Writes, in order; the reply comes only once they are on disk.
    Save(Vec<SaveOp>),
    /// Add or replace finder documents.
    Index(Vec<FinderDoc>),
    Search {
        seq: u64,
        query: String,
    },
    /// Edit text in `$EDITOR` on a temp file only the owner can read.
    Editor(String),
}

impl Effect {
    /// Which worker runs it.
    pub fn is_search(&self) -> bool {
        matches!(self, Effect::Index(_) | Effect::Search { .. })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Names(Vec<NameRow>),
    Cases(Vec<CaseRow>),
    /// Open referrals per case, and the overdue ones.
    Referrals {
        open: Vec<(Id, u32)>,
        overdue: Vec<OverdueReferral>,
    },
    Consents(Vec<ConsentAlert>),
    Upcoming(Vec<EventLine>),
    Docs(Vec<FinderDoc>),
    /// Startup loading finished (or failed with a message).
    Loaded(Result<(), String>),
    Case(Result<Box<CaseDetail>, (Id, String)>),
    Party(Result<Box<PartyDetail>, (Id, String)>),
    /// The records as stored (with their new ids): they are on disk.
    Saved(Vec<Record>),
    /// Nothing was saved: the field it concerns (if known) and why.
    SaveFailed {
        field: Option<String>,
        error: String,
    },
    Hits {
        seq: u64,
        hits: Vec<Hit>,
    },
    /// `$EDITOR` finished: the new text, or why it could not run.
    Edited(Result<String, String>),
}
