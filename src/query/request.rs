//! What a caller asks of the query layer (`StoreEffect`: loads, pages,
//! saves, the brief) and what comes back (`Reply`). They are what crosses
//! the server's socket, so they are plain serde data.

use serde::{Deserialize, Serialize};

use super::cases::{CaseOverview, CasePage, CaseQuery};
use super::data::{
    CaseDetail, ConsentAlert, EventLine, FinderDoc, Hit, NameRow, PartyDetail, RecordDetail,
    ReferralAlert,
};
use crate::model::{Id, Record};
use crate::store::RequestId;

/// What a form saves: the store's own change type, applied all or nothing.
pub use crate::store::Change as SaveOp;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "effect", content = "with", rename_all = "snake_case")]
pub enum StoreEffect {
    /// Summaries of everything, streamed in chunks so the first frames show
    /// while a large store loads.
    LoadAll,
    /// The dashboard's lists again, after a write that may change them.
    RefreshDashboard,
    LoadCase(Id),
    LoadParty(Id),
    /// One referral, event, trust note or consent, for its detail view.
    LoadRecord(Id),
    /// The reports screen's figures, over what the reader may see.
    LoadReports,
    /// Writes, in order, applied once per request id however often they
    /// are sent; the reply comes only once they are on disk.
    Save {
        #[serde(with = "crate::store::request_hex")]
        request: RequestId,
        ops: Vec<SaveOp>,
    },
    /// A window of the case list: `limit` rows from `offset` of what the
    /// query selects.
    CasePage {
        query: CaseQuery,
        offset: usize,
        limit: usize,
    },
    /// The case counts and newest cases again, and fresh names of these
    /// (someone changed them).
    Overview(Vec<Id>),
    /// Today's brief, or a case's (see `super::brief`).
    Brief(crate::query::brief::BriefRequest),
    /// Meeting mode showed one hidden item of `entity` for a moment: the
    /// server logs it. `item` names the kind of item (`name`, `contact`,
    /// `note`), never the item itself.
    Reveal {
        entity: Id,
        item: String,
    },
    /// Every supporter the reader sees, with workload and training.
    LoadSupporters,
    /// One supporter's view.
    LoadSupporter(Id),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", content = "with", rename_all = "snake_case")]
pub enum Reply {
    Names(Vec<NameRow>),
    /// Partnerships (id, title) the reader may see, in parts.
    Partnerships(Vec<(Id, String)>),
    Overview(CaseOverview),
    CasePage {
        query: CaseQuery,
        page: CasePage,
    },
    /// Referrals past their follow-up date.
    ReferralAlerts(Vec<ReferralAlert>),
    Consents(Vec<ConsentAlert>),
    Upcoming(Vec<EventLine>),
    /// The finder's documents, for an index in this process.
    Docs(Vec<FinderDoc>),
    /// The finder's index (in the server) is ready.
    Indexed,
    /// Startup loading finished (or failed with a message).
    Loaded(Result<(), String>),
    Case(Result<Box<CaseDetail>, (Id, crate::model::Reason)>),
    Party(Result<Box<PartyDetail>, (Id, crate::model::Reason)>),
    Record(Result<Box<RecordDetail>, (Id, crate::model::Reason)>),
    Reports(Result<Box<crate::report::Overview>, String>),
    /// The records as stored (with their new ids): they are on disk.
    Saved(Vec<Record>),
    /// Nothing was saved: the field it concerns (if known) and why.
    SaveFailed {
        field: Option<String>,
        error: String,
        /// Why, as data, so the screen says it in its own language.
        #[serde(default)]
        reason: Option<crate::model::Reason>,
    },
    /// Nothing was saved: someone saved this record since it was opened.
    /// `current` is the record as it is now, at revision `rev`.
    Conflict {
        current: Box<Record>,
        rev: u64,
        message: String,
    },
    Hits {
        seq: u64,
        hits: Vec<Hit>,
    },
    /// `$EDITOR` finished: the new text, or why it could not run.
    Edited(Result<String, String>),
    /// The brief asked for, or why not.
    Brief(Result<Box<crate::query::brief::Brief>, crate::model::Reason>),
    /// A file was written (the path), or why not.
    FileSaved(Result<String, String>),
    /// The Supporters screen's rows, in parts (a big store has thousands
    /// of supporters, and a frame has a limit): `first` starts afresh.
    Supporters {
        first: bool,
        rows: Vec<super::supporters::SupporterRow>,
    },
    /// The supporters with a profile, whose flags the dashboard shows.
    LookedAfter(Vec<super::supporters::SupporterRow>),
    Supporter(Result<Box<super::supporters::SupporterDetail>, (Id, crate::model::Reason)>),
}
