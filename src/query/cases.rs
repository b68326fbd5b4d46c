//! The case list, held once where the store is (in a server, for all its
//! clients): a summary row of every case and the name of every body and
//! person. Clients ask for what they show — a page of the filtered, sorted
//! list, the overview the dashboard counts — so a client's memory does not
//! grow with the store.

use std::collections::HashMap;
use std::sync::RwLock;

use serde::{Deserialize, Serialize};

use super::data::{CaseRow, NameRow, sector_index};
use chrono::Utc;

use crate::model::{Case, CaseStatus, Id, Kind, Reader, Record, Sector, Timestamp, TrustNote};
use crate::search::{Filter, FilterDoc};
use crate::store::{Scope, Store, StoreError};

/// How the case list is sorted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Id,
    Changed,
    OpenReferrals,
}

/// What a case list shows: its filter and sort.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseQuery {
    /// Matched as the finder matches (folded, romaji, every word) against
    /// id, title, reading, condition and the names of the case's people
    /// and bodies.
    pub text: String,
    /// None: the open cases (every status but closed).
    pub status: Option<CaseStatus>,
    pub sector: Option<Sector>,
    pub coordinator: Option<Id>,
    pub sort: Sort,
}

/// A window of the filtered, sorted list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CasePage {
    /// Rows matching the query in all.
    pub total: usize,
    /// Where `rows` starts in that list.
    pub offset: usize,
    pub rows: Vec<CaseRow>,
}

impl CasePage {
    /// The row at `i` of the whole list, if it is in this window.
    pub fn row(&self, i: usize) -> Option<&CaseRow> {
        i.checked_sub(self.offset).and_then(|j| self.rows.get(j))
    }
}

/// What the dashboard and the header count.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseOverview {
    pub total: usize,
    /// Cases per status, in `CaseStatus::ALL` order.
    pub by_status: Vec<usize>,
    /// The most recently changed, newest first.
    pub recent: Vec<CaseRow>,
    /// Everyone who coordinates a case, for the coordinator filter.
    pub coordinators: Vec<Id>,
}

/// Every case's row and every body's and person's name.
#[derive(Default)]
pub struct Summaries {
    /// In id order.
    rows: Vec<CaseRow>,
    pos: HashMap<Id, usize>,
    names: HashMap<Id, NameRow>,
    /// What the `/` filter matches, per case.
    filter_docs: HashMap<Id, FilterDoc>,
    /// The latest change to what belongs to each case (not the case
    /// itself, nor its notes): what everyone who sees the case may see.
    activity: HashMap<Id, (Timestamp, Kind)>,
    /// Each case's notes, their text left out: a note changes the case
    /// only for a reader who may read it.
    notes: HashMap<Id, Vec<TrustNote>>,
}

/// How many recently changed cases the dashboard lists.
pub const RECENT: usize = 8;

/// Built when first needed (a server builds it as it starts), replaced
/// after an import, kept up to date by every save.
pub type CaseCache = RwLock<Option<Summaries>>;

impl Summaries {
    pub fn load(store: &dyn Store) -> Result<Summaries, StoreError> {
        let now = Utc::now();
        let mut open: HashMap<Id, u32> = HashMap::new();
        let mut activity = HashMap::new();
        let mut notes = HashMap::new();
        store.scan(Kind::Referral, &mut |r| {
            note_activity(&mut activity, &r, now);
            if let Record::Referral(r) = r
                && r.status().is_open()
            {
                *open.entry(r.case).or_default() += 1;
            }
            true
        })?;
        store.scan(Kind::TrustNote, &mut |r| {
            note_mark(&mut notes, &r, now);
            true
        })?;
        for kind in [Kind::Consent, Kind::Event] {
            store.scan(kind, &mut |r| {
                note_activity(&mut activity, &r, now);
                true
            })?;
        }
        let mut names = HashMap::new();
        for kind in [Kind::Body, Kind::Person] {
            store.scan(kind, &mut |r| {
                if let Some(n) = super::data::name_row(&r) {
                    names.insert(n.id, n);
                }
                true
            })?;
        }
        let mut rows = Vec::new();
        let mut filter_docs = HashMap::new();
        store.scan(Kind::Case, &mut |r| {
            if let Record::Case(c) = &r {
                let mut row = CaseRow::from_case(c);
                row.open_referrals = open.get(&c.id).copied().unwrap_or(0);
                with_activity(&mut row, activity.get(&c.id));
                rows.push(row);
                filter_docs.insert(c.id, filter_doc(c, &names));
            }
            true
        })?;
        let pos = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        Ok(Summaries {
            rows,
            pos,
            names,
            filter_docs,
            activity,
            notes,
        })
    }

    /// After a save: the rows and names of what it wrote (a referral
    /// changes its case's count of open referrals).
    pub fn refresh(&mut self, store: &dyn Store, records: &[Record]) -> Result<(), StoreError> {
        let now = Utc::now();
        for r in records {
            note_mark(&mut self.notes, r, now);
            if let Some(case) = note_activity(&mut self.activity, r, now)
                && let Some(&i) = self.pos.get(&case)
            {
                with_activity(&mut self.rows[i], self.activity.get(&case));
            }
            match r {
                Record::Case(c) => {
                    let mut row = CaseRow::from_case(c);
                    row.open_referrals = open_referrals(store, c.id)?;
                    with_activity(&mut row, self.activity.get(&c.id));
                    self.upsert(row);
                    self.filter_docs.insert(c.id, filter_doc(c, &self.names));
                }
                Record::Referral(x) => {
                    let open = open_referrals(store, x.case)?;
                    if let Some(&i) = self.pos.get(&x.case) {
                        self.rows[i].open_referrals = open;
                    }
                }
                other => {
                    if let Some(n) = super::data::name_row(other) {
                        self.names.insert(n.id, n);
                        // The cases it is on are filtered by its new name.
                        for id in store.referrers(other.id())? {
                            if let Some(Record::Case(c)) = store.get(id)? {
                                self.filter_docs.insert(c.id, filter_doc(&c, &self.names));
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn upsert(&mut self, row: CaseRow) {
        match self.pos.get(&row.id) {
            Some(&i) => self.rows[i] = row,
            None => {
                let i = self.rows.partition_point(|r| r.id < row.id);
                self.rows.insert(i, row);
                self.pos = self
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (r.id, i))
                    .collect();
            }
        }
    }

    /// When the case last changed as this reader may know: its row's
    /// change, or a later note they may read.
    fn changed_for(&self, row: &CaseRow, reader: &Reader) -> (Timestamp, Kind) {
        let latest = self
            .notes
            .get(&row.id)
            .into_iter()
            .flatten()
            .filter(|n| n.at > row.changed && reader.may_read_note(n))
            .map(|n| n.at)
            .max();
        match latest {
            Some(at) => (at, Kind::TrustNote),
            None => (row.changed, row.changed_kind),
        }
    }

    /// The row as this reader may see it (see [`Self::changed_for`]).
    fn row_for(&self, row: &CaseRow, reader: &Reader) -> CaseRow {
        let mut row = row.clone();
        (row.changed, row.changed_kind) = self.changed_for(&row, reader);
        row
    }

    /// The rows the reader sees that match the query, sorted.
    fn select(&self, q: &CaseQuery, scope: &Scope) -> Vec<&CaseRow> {
        let filter = Filter::new(&q.text);
        let matches = |id: &Id| {
            filter.is_empty() || self.filter_docs.get(id).is_some_and(|d| filter.matches(d))
        };
        let sector = q.sector.map(sector_index);
        let mut rows: Vec<&CaseRow> = self
            .rows
            .iter()
            .filter(|c| {
                scope.sees_case(c.id)
                    && q.status.map_or(c.status.is_open(), |s| c.status == s)
                    && sector.is_none_or(|i| c.sectors[i])
                    && q.coordinator.is_none_or(|p| c.coordinator == Some(p))
                    && matches(&c.id)
            })
            .collect();
        match q.sort {
            Sort::Id => {}
            Sort::Changed => {
                rows.sort_by_cached_key(|c| std::cmp::Reverse(self.changed_for(c, &scope.reader).0))
            }
            Sort::OpenReferrals => rows.sort_by_key(|c| std::cmp::Reverse(c.open_referrals)),
        }
        rows
    }

    /// `limit` rows from `offset` of the list the query selects.
    pub fn page(&self, q: &CaseQuery, offset: usize, limit: usize, scope: &Scope) -> CasePage {
        let rows = self.select(q, scope);
        let total = rows.len();
        let offset = offset.min(total);
        CasePage {
            total,
            offset,
            rows: rows
                .into_iter()
                .skip(offset)
                .take(limit)
                .map(|r| self.row_for(r, &scope.reader))
                .collect(),
        }
    }

    pub fn overview(&self, scope: &Scope) -> CaseOverview {
        let mut by_status = vec![0; CaseStatus::ALL.len()];
        let mut coordinators = Vec::new();
        let mut recent: Vec<CaseRow> = Vec::with_capacity(RECENT + 1);
        let mut total = 0;
        for c in self.rows.iter().filter(|c| scope.sees_case(c.id)) {
            let c = &self.row_for(c, &scope.reader);
            total += 1;
            if let Some(i) = CaseStatus::ALL.iter().position(|s| *s == c.status) {
                by_status[i] += 1;
            }
            coordinators.extend(c.coordinator);
            // The newest few, without sorting every case.
            let newer = |a: &CaseRow, b: &CaseRow| (a.changed, a.id) > (b.changed, b.id);
            if recent.len() < RECENT || recent.last().is_some_and(|l| newer(c, l)) {
                let at = recent.partition_point(|t| newer(t, c));
                recent.insert(at, c.clone());
                recent.truncate(RECENT);
            }
        }
        coordinators.sort_unstable();
        coordinators.dedup();
        CaseOverview {
            total,
            by_status,
            recent,
            coordinators,
        }
    }

    /// The cases the reader sees that changed on `since` or after (the
    /// case, or anything that belongs to it), newest first.
    pub fn changed_since(&self, since: crate::model::Date, scope: &Scope) -> Vec<CaseRow> {
        let mut rows: Vec<CaseRow> = self
            .rows
            .iter()
            .filter(|c| scope.sees_case(c.id))
            .map(|c| self.row_for(c, &scope.reader))
            .filter(|c| c.changed.date_naive() >= since)
            .collect();
        rows.sort_by_key(|c| (std::cmp::Reverse(c.changed), c.id));
        rows
    }

    /// The names the reader may see: every body, and the people a
    /// supporter's cases involve (everyone, for anyone else).
    pub fn names(&self, store: &dyn Store, scope: &Scope) -> Vec<NameRow> {
        self.names
            .values()
            .filter(|n| {
                n.id.kind == Kind::Body
                    || scope.cases().is_none()
                    || scope.sees_person(store, n.id).unwrap_or(false)
            })
            .cloned()
            .collect()
    }

    /// Names of these ids, where known and visible.
    pub fn names_of(&self, ids: &[Id]) -> Vec<NameRow> {
        ids.iter()
            .filter_map(|i| self.names.get(i).cloned())
            .collect()
    }
}

/// When a record that belongs to a case last changed, as far as its own
/// dates tell: a referral's latest step, a note's time, a consent given or
/// withdrawn, an event once it has taken place (a planned one is not a
/// change yet).
fn activity_of(r: &Record, now: Timestamp) -> Option<(Id, Timestamp)> {
    let day = |d: crate::model::Date| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let (case, at) = match r {
        Record::Referral(x) => (x.case, x.history.last().and_then(|s| day(s.on))?),
        // A note counts per reader (see `Summaries::changed_for`).
        Record::TrustNote(_) => return None,
        Record::Consent(c) => (c.case, day(c.withdrawn_on.unwrap_or(c.given_on))?),
        Record::Event(e) => (e.case?, day(e.date)?),
        _ => return None,
    };
    (at <= now).then_some((case, at))
}

/// Keeps a case's note (its text left out), replacing an earlier version.
fn note_mark(notes: &mut HashMap<Id, Vec<TrustNote>>, r: &Record, now: Timestamp) {
    let Record::TrustNote(n) = r else {
        return;
    };
    let Some(case) = n.case.filter(|_| n.at <= now) else {
        return;
    };
    let mark = TrustNote {
        text: String::new(),
        ..n.clone()
    };
    let held = notes.entry(case).or_default();
    held.retain(|m| m.id != n.id);
    held.push(mark);
}

/// Keeps the latest activity per case; returns the case `r` belongs to.
fn note_activity(
    activity: &mut HashMap<Id, (Timestamp, Kind)>,
    r: &Record,
    now: Timestamp,
) -> Option<Id> {
    let (case, at) = activity_of(r, now)?;
    let held = activity.entry(case).or_insert((at, r.kind()));
    if at > held.0 {
        *held = (at, r.kind());
    }
    Some(case)
}

/// A row's change time and kind, from the case or what belongs to it,
/// whichever is later.
fn with_activity(row: &mut CaseRow, activity: Option<&(Timestamp, Kind)>) {
    if let Some(&(at, kind)) = activity
        && at > row.changed
    {
        row.changed = at;
        row.changed_kind = kind;
    }
}

/// A case's `/` filter document, its people and bodies named from `names`.
fn filter_doc(c: &Case, names: &HashMap<Id, NameRow>) -> FilterDoc {
    let party = |id| names.get(&id).map(|n| (n.name.clone(), n.reading.clone()));
    FilterDoc::new(crate::search::case_filter_doc(c, &party))
}

fn open_referrals(store: &dyn Store, case: Id) -> Result<u32, StoreError> {
    let mut n = 0u32;
    for id in store.referrers(case)? {
        if id.kind == Kind::Referral
            && let Some(Record::Referral(r)) = store.get(id)?
            && r.status().is_open()
        {
            n += 1;
        }
    }
    Ok(n)
}

/// Runs `f` on the summaries, building them first if they are not there.
pub fn with_summaries<T>(
    cache: &CaseCache,
    store: &dyn Store,
    f: impl FnOnce(&Summaries) -> T,
) -> Result<T, StoreError> {
    if let Ok(guard) = cache.read()
        && let Some(s) = guard.as_ref()
    {
        return Ok(f(s));
    }
    let mut guard = cache.write().unwrap_or_else(|p| p.into_inner());
    if guard.is_none() {
        *guard = Some(Summaries::load(store)?);
    }
    match guard.as_ref() {
        Some(s) => Ok(f(s)),
        None => Err(StoreError::Corrupt("case summaries".into())),
    }
}
