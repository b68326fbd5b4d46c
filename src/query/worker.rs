//! Answering requests against the `Store` trait, and the finder's
//! documents and index. The same functions serve a server's sessions, the
//! app's own store thread when it has no server, and the headless test
//! harness, which calls them in-line.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::Days;

use super::cases::{CaseCache, with_summaries};
use super::data::{
    CaseDetail, ConsentAlert, EventLine, FinderDoc, Hit, NameRow, PartyCase, PartyDetail,
    RecordDetail, ReferralAlert, Timeline, name_row,
};
use super::request::{Reply, SaveOp, StoreEffect};
use crate::model::{
    Affiliation, Case, Consent, Date, Event, Id, Kind, Partnership, Reader, Record, Referral,
    ReferralStatus, Relationship, StatusChange, TrustNote,
};
use crate::search::PartyName;
use crate::store::{RequestId, Scope, Store, StoreError, StoreExt};

/// How far ahead the dashboard looks for events and follow-ups ("this
/// week": today and the next 7 days), and for expiring consents.
pub const UPCOMING_DAYS: u64 = 7;
pub const EXPIRING_DAYS: u64 = 30;
/// A withdrawn consent stays on the dashboard this many days, then leaves.
pub const WITHDRAWN_DAYS: u64 = 30;

/// Where the finder's index lives: in this process (the app builds it
/// from the documents `LoadAll` sends) or in a server, which keeps its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexAt {
    Here,
    Server,
}

/// Run one store effect, sending replies through `emit` as they are ready.
/// Everything a reply holds is filtered through `scope`: what the reader
/// may not see never leaves this function.
/// `cases` holds the case list's summaries (built when first needed, kept
/// up to date by every save made here).
pub fn run_store(
    store: &dyn Store,
    effect: StoreEffect,
    today: Date,
    at: Where<'_>,
    scope: &Scope,
    emit: &mut (dyn FnMut(Reply) + Send),
) {
    let cases = at.cases;
    match effect {
        StoreEffect::LoadAll => {
            let result = load_all(store, today, at, scope, emit).map_err(|e| e.to_string());
            emit(Reply::Loaded(result));
        }
        StoreEffect::RefreshDashboard => {
            // Failures here only leave the dashboard as it was.
            let _ = dashboard(store, today, at, scope, emit);
        }
        StoreEffect::LoadCase(id) => {
            let r = load_case(store, id, scope)
                .map(Box::new)
                .map_err(|e| (id, e.as_reason()));
            emit(Reply::Case(r));
        }
        StoreEffect::LoadParty(id) => {
            let r = load_party(store, id, scope)
                .map(Box::new)
                .map_err(|e| (id, e.as_reason()));
            emit(Reply::Party(r));
        }
        StoreEffect::LoadRecord(id) => {
            let r = load_record(store, id, scope)
                .map(Box::new)
                .map_err(|e| (id, e.as_reason()));
            emit(Reply::Record(r));
        }
        StoreEffect::LoadReports => {
            let r = crate::exchange::collect(store, None, Some(scope))
                .map(|(records, _)| Box::new(crate::report::overview(&records)))
                .map_err(|e| e.to_string());
            emit(Reply::Reports(r));
        }
        StoreEffect::Save { request, ops } => {
            let reply = save(store, request, ops);
            if let (Reply::Saved(_), Some(d)) = (&reply, at.dashboard) {
                d.invalidate();
            }
            if let Reply::Saved(records) = &reply
                && let Ok(mut c) = cases.write()
                && let Some(c) = c.as_mut()
            {
                // On disk already; a failure here only leaves a row stale.
                let _ = c.refresh(store, records);
            }
            emit(reply);
        }
        StoreEffect::CasePage {
            query,
            offset,
            limit,
        } => {
            if let Ok(page) = with_summaries(cases, store, |s| s.page(&query, offset, limit, scope))
            {
                emit(Reply::CasePage { query, page });
            }
        }
        StoreEffect::Brief(ask) => {
            let brief = crate::query::brief::make(store, &ask, today, at, scope)
                .map(Box::new)
                .map_err(|e| e.as_reason());
            emit(Reply::Brief(brief));
        }
        StoreEffect::LoadSupporters => {
            if let Ok(rows) = super::supporters::supporter_rows(store, scope, today) {
                let mut first = true;
                for part in rows.chunks(SUPPORTERS_PER_REPLY) {
                    emit(Reply::Supporters {
                        first,
                        rows: part.to_vec(),
                    });
                    first = false;
                }
                if first {
                    emit(Reply::Supporters {
                        first,
                        rows: vec![],
                    });
                }
            }
        }
        StoreEffect::LoadSupporter(id) => {
            let r = super::supporters::load_supporter(store, id, scope, today)
                .map(Box::new)
                .map_err(|e| (id, e.as_reason()));
            emit(Reply::Supporter(r));
        }
        StoreEffect::Overview(ids) => {
            emit(Reply::Names(labels(store, scope, ids)));
            if let Ok(overview) = with_summaries(cases, store, |s| s.overview(scope)) {
                emit(Reply::Overview(overview));
            }
        }
        StoreEffect::Reveal { entity, item } => {
            // Nothing is shown, only logged: the screen already holds the
            // item. A failed log is the store's to report (`triad check`).
            if scope.sees_id(store, entity).unwrap_or(false) {
                let _ = store.log(
                    crate::model::AuditAction::Reveal,
                    Some(entity),
                    crate::model::Summary::Revealed {
                        item: crate::model::RevealItem::from_name(&item),
                    },
                );
            }
        }
    }
}

/// Where effects run: whose finder index, the case summaries, and (in a
/// server, shared by its clients) the dashboard last computed.
#[derive(Clone, Copy)]
pub struct Where<'a> {
    pub index: IndexAt,
    pub cases: &'a CaseCache,
    pub dashboard: Option<&'a DashboardCache>,
}

/// The dashboard of everyone who sees every case, computed once per write
/// and day (a supporter's own is computed for them).
#[derive(Default)]
pub struct DashboardCache {
    /// Bumped by every write: what is held is for one generation.
    generation: std::sync::atomic::AtomicU64,
    held: std::sync::Mutex<Option<(Date, u64, Vec<Reply>)>>,
}

impl DashboardCache {
    /// Something was written: the next dashboard is computed afresh.
    pub fn invalidate(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Names per reply: a server sends each reply as one frame, and frames have
/// a limit that a big store's names would pass.
const NAMES_PER_REPLY: usize = 5_000;
/// Supporters' rows per reply, for the same reason.
const SUPPORTERS_PER_REPLY: usize = 1_000;

/// The dashboard's replies, from the cache where there is one.
fn dashboard(
    store: &dyn Store,
    today: Date,
    at: Where<'_>,
    scope: &Scope,
    emit: &mut dyn FnMut(Reply),
) -> Result<(), StoreError> {
    let Some(cache) = at.dashboard.filter(|_| scope.cases().is_none()) else {
        return load_dashboard(store, today, scope, emit);
    };
    let generation = cache.generation.load(std::sync::atomic::Ordering::SeqCst);
    let mut held = cache.held.lock().unwrap_or_else(|p| p.into_inner());
    let replies = match held.as_ref() {
        Some((day, then, replies)) if *day == today && *then == generation => replies.clone(),
        _ => {
            let mut replies = Vec::new();
            load_dashboard(store, today, scope, &mut |r| replies.push(r))?;
            *held = Some((today, generation, replies.clone()));
            replies
        }
    };
    drop(held);
    replies.into_iter().for_each(emit);
    Ok(())
}

/// One transaction for all of a form's changes: a note and the trust
/// change it records are saved together or not at all.
fn save(store: &dyn Store, request: RequestId, ops: Vec<SaveOp>) -> Reply {
    match store.apply_request(Some(request), ops) {
        Ok(saved) => Reply::Saved(saved),
        Err(StoreError::Conflict { current, rev, .. }) => {
            let message = format!(
                "{} was changed by someone else since you opened it",
                current.id()
            );
            Reply::Conflict {
                current,
                rev,
                message,
            }
        }
        Err(e) => Reply::SaveFailed {
            field: e.field().map(str::to_string),
            error: e.to_string(),
            reason: e.reason(),
        },
    }
}

/// What to call each of `ids` the reader may see: a body's or person's
/// name, a case's title.
fn labels(store: &dyn Store, scope: &Scope, ids: Vec<Id>) -> Vec<NameRow> {
    let ids: BTreeSet<Id> = ids.into_iter().collect();
    ids.into_iter()
        .filter_map(|id| store.get(id).ok().flatten())
        .filter(|r| scope.sees(store, r).unwrap_or(false))
        .filter_map(|r| match &r {
            Record::Case(c) => Some(NameRow {
                id: c.id,
                name: c.title.clone(),
                reading: c.reading.clone(),
                sector: None,
                private: false,
                keys: Default::default(),
            }),
            other => name_row(other),
        })
        .collect()
}

/// A finder document for a record, if the finder lists its kind.
/// `partnerships` gives an event without a case somewhere to go; `reader`
/// decides which trust notes are searchable at all; `party` names an
/// event's parties.
pub fn finder_doc(
    r: &Record,
    partnerships: &HashMap<Id, Id>,
    reader: Option<&Reader>,
    party: &dyn Fn(Id) -> Option<PartyName>,
) -> Option<FinderDoc> {
    let (detail, target) = match r {
        Record::Body(b) => (b.region.clone(), b.id),
        Record::Person(p) => (p.activity_range.clone(), p.id),
        Record::Case(c) => (c.condition.clone(), c.id),
        Record::Event(e) => (
            e.date.to_string(),
            e.case
                .or_else(|| e.partnership.and_then(|p| partnerships.get(&p).copied()))
                .or_else(|| e.parties.first().copied())?,
        ),
        Record::TrustNote(n) => (
            format!("{} {}", n.at.date_naive(), n.author),
            n.case.or(n.about)?,
        ),
        Record::Partnership(p) => (p.started.to_string(), p.parties.first().copied()?),
        Record::Course(c) => (c.started.to_string(), c.provider.unwrap_or(c.id)),
        _ => return id_only_doc(r, reader, party),
    };
    Some(FinderDoc {
        id: r.id(),
        doc: crate::search::doc_for(r, reader, party)?,
        detail,
        target,
    })
}

/// A record found by its id only: labelled by the names it links, opening
/// over the case or party it belongs to. Private ones (a contact not
/// shared, a supervision, a check-in) are hidden in a meeting, and left
/// out for a reader who may not read them.
fn id_only_doc(
    r: &Record,
    reader: Option<&Reader>,
    party: &dyn Fn(Id) -> Option<PartyName>,
) -> Option<FinderDoc> {
    let name = |id: Id| party(id).map_or_else(|| id.to_string(), |(n, _)| n);
    let (label, detail, target, restricted) = match r {
        Record::Referral(x) => (
            format!("{} → {}", name(x.from), name(x.to)),
            x.history
                .last()
                .map(|s| s.on.to_string())
                .unwrap_or_default(),
            x.case,
            false,
        ),
        Record::Consent(x) => (name(x.client), x.given_on.to_string(), x.case, false),
        Record::Affiliation(x) => (
            format!("{} — {}", name(x.person), name(x.body)),
            x.title.clone(),
            x.person,
            false,
        ),
        Record::Relationship(x) => (
            format!("{} & {}", name(x.a), name(x.b)),
            String::new(),
            x.case.unwrap_or(x.a),
            false,
        ),
        Record::Enrolment(x) => (name(x.person), x.enrolled_on.to_string(), x.person, false),
        Record::Contact(x) => {
            if reader.is_some_and(|rd| !rd.may_read_contact(x)) {
                return None;
            }
            let private = x.confidentiality != crate::model::Confidentiality::Shared;
            (name(x.supporter), x.on.to_string(), x.case, private)
        }
        Record::Supervision(x) => {
            if reader.is_some_and(|rd| !rd.may_read_supervision(x)) {
                return None;
            }
            (name(x.supervisor), x.on.to_string(), x.supervisor, true)
        }
        Record::CheckIn(x) => {
            // Its supervisor is not known here: a server's index (no
            // reader) lists it and filters each hit by the reader's scope.
            if reader.is_some_and(|rd| !rd.may_read_check_in(x, None)) {
                return None;
            }
            (name(x.supporter), x.on.to_string(), x.supporter, true)
        }
        _ => return None,
    };
    Some(FinderDoc {
        id: r.id(),
        doc: crate::search::Doc {
            kind: crate::search::DocKind::Record,
            id: r.id().to_string(),
            name: label,
            reading: None,
            extra: Vec::new(),
            changed: 0,
            restricted,
        },
        detail,
        target,
    })
}

/// Everything the first screens need, most needed first: the case
/// overview (the header's count, the dashboard's counts and newest cases)
/// and the dashboard's lists, then every name the reader may see (forms
/// find parties by name), and, for an index here, the finder's documents.
/// The case list itself is asked for a page at a time.
fn load_all(
    store: &dyn Store,
    today: Date,
    at: Where<'_>,
    scope: &Scope,
    emit: &mut (dyn FnMut(Reply) + Send),
) -> Result<(), StoreError> {
    let (overview, names) = with_summaries(at.cases, store, |s| {
        (s.overview(scope), s.names(store, scope))
    })?;
    emit(Reply::Overview(overview));
    dashboard(store, today, at, scope, emit)?;
    for part in names.chunks(NAMES_PER_REPLY) {
        emit(Reply::Names(part.to_vec()));
    }
    let mut all = Vec::new();
    store.scan(Kind::Partnership, &mut |r| {
        all.push(r);
        true
    })?;
    let mut partnerships = Vec::new();
    for r in all {
        if let Record::Partnership(p) = &r
            && scope.sees(store, &r)?
        {
            partnerships.push((p.id, p.title.clone()));
        }
    }
    for part in partnerships.chunks(NAMES_PER_REPLY) {
        emit(Reply::Partnerships(part.to_vec()));
    }
    if at.index == IndexAt::Here {
        emit(Reply::Docs(finder_docs(store, Some(&scope.reader))?));
    }
    Ok(())
}

/// The finder's documents for every record it lists, as `reader` may see
/// them; events and notes each with somewhere to go.
pub fn finder_docs(
    store: &dyn Store,
    reader: Option<&Reader>,
) -> Result<Vec<FinderDoc>, StoreError> {
    let mut partnership_party = HashMap::new();
    store.scan(Kind::Partnership, &mut |r| {
        if let Record::Partnership(p) = &r
            && let Some(first) = p.parties.first()
        {
            partnership_party.insert(p.id, *first);
        }
        true
    })?;
    let names = crate::search::party_names(store)?;
    let party = |id: Id| names.get(&id).cloned();
    let mut docs = Vec::new();
    // Every kind: what is not searched by name is still opened by its id.
    for kind in Kind::ALL {
        store.scan(kind, &mut |r| {
            docs.extend(finder_doc(&r, &partnership_party, reader, &party));
            true
        })?;
    }
    Ok(docs)
}

/// The open referrals of a consent's case that it covered: sent under it,
/// or proposed to a party it names (they would have gone under it).
fn covered_open_referrals(
    store: &dyn Store,
    alert: &ConsentAlert,
    granted_to: &[Id],
) -> Result<Vec<Id>, StoreError> {
    use crate::model::{ProvisionBasis, ReferralStatus};
    let mut out = Vec::new();
    for id in store.referrers(alert.case)? {
        if id.kind != Kind::Referral {
            continue;
        }
        let Some(r) = store.get_as::<Referral>(id)? else {
            continue;
        };
        let under_it = matches!(
            r.provision().map(|p| &p.basis),
            Some(ProvisionBasis::Consent { consent }) if *consent == alert.id
        );
        let would_be = r.status() == ReferralStatus::Proposed && granted_to.contains(&r.to);
        if r.status().is_open() && (under_it || would_be) {
            out.push(r.id);
        }
    }
    Ok(out)
}

/// Referrals to follow up or waiting for an answer, consents needing
/// attention and this week's events.
fn load_dashboard(
    store: &dyn Store,
    today: Date,
    scope: &Scope,
    emit: &mut dyn FnMut(Reply),
) -> Result<(), StoreError> {
    let lists = attention(store, today, UPCOMING_DAYS, scope)?;
    // The names the lines show (of cases too), ahead of the rest.
    let mut ids: Vec<Id> = lists
        .referrals
        .iter()
        .flat_map(|o| [o.from, o.to, o.case])
        .chain(lists.consents.iter().flat_map(|c| [c.client, c.case]))
        .collect();
    emit(Reply::ReferralAlerts(lists.referrals));
    emit(Reply::Consents(lists.consents));
    emit(Reply::Upcoming(lists.events));
    let looked_after = super::supporters::looked_after(store, scope, today)?;
    ids.extend(
        looked_after
            .iter()
            .flat_map(|s| s.workload.cases.iter().map(|c| c.case)),
    );
    emit(Reply::LookedAfter(looked_after));
    emit(Reply::Names(labels(store, scope, ids)));
    Ok(())
}

/// What needs attention in the `days` ahead, as the dashboard and the
/// brief list it.
pub struct Attention {
    /// Open referrals due by then (or overdue), or sent and unanswered;
    /// due first, soonest first.
    pub referrals: Vec<ReferralAlert>,
    /// Consents expiring by then (30 days at least), or withdrawn lately.
    pub consents: Vec<ConsentAlert>,
    /// Events from today to then.
    pub events: Vec<EventLine>,
}

/// [`Attention`] for today and the `days` after it, as `scope` sees it.
pub fn attention(
    store: &dyn Store,
    today: Date,
    days: u64,
    scope: &Scope,
) -> Result<Attention, StoreError> {
    let week = today.checked_add_days(Days::new(days)).unwrap_or(today);
    let mut overdue = Vec::new();
    store.scan(Kind::Referral, &mut |r| {
        if let Record::Referral(r) = r
            && scope.sees_case(r.case)
            && r.status().is_open()
        {
            let follow_up = r.follow_up.filter(|&f| f <= week);
            let sent_on = (r.status() == ReferralStatus::Sent)
                .then(|| r.history.last().map(|s| s.on))
                .flatten();
            if follow_up.is_some() || sent_on.is_some() {
                overdue.push(ReferralAlert {
                    id: r.id,
                    case: r.case,
                    from: r.from,
                    to: r.to,
                    follow_up,
                    sent_on,
                });
            }
        }
        true
    })?;
    overdue.sort_by_key(|o| (o.follow_up.is_none(), o.follow_up, o.sent_on, o.id));

    let soon = today
        .checked_add_days(Days::new(days.max(EXPIRING_DAYS)))
        .unwrap_or(today);
    let withdrawn_since = today
        .checked_sub_days(Days::new(WITHDRAWN_DAYS))
        .unwrap_or(today);
    let mut consents = Vec::new();
    store.scan(Kind::Consent, &mut |r| {
        if let Record::Consent(c) = r
            && scope.sees_case(c.case)
        {
            let expiring =
                c.withdrawn_on.is_none() && c.expires_on.is_some_and(|e| today <= e && e <= soon);
            let withdrawn = c.withdrawn_on.is_some_and(|w| w >= withdrawn_since);
            if expiring || withdrawn {
                consents.push((
                    ConsentAlert {
                        id: c.id,
                        case: c.case,
                        client: c.client,
                        expires_on: c.expires_on,
                        withdrawn_on: c.withdrawn_on,
                        open_referrals: Vec::new(),
                    },
                    c.granted_to,
                ));
            }
        }
        true
    })?;
    let mut consents: Vec<ConsentAlert> = consents
        .into_iter()
        .map(|(mut alert, granted_to)| {
            if alert.withdrawn_on.is_some() {
                alert.open_referrals = covered_open_referrals(store, &alert, &granted_to)?;
            }
            Ok(alert)
        })
        .collect::<Result<_, StoreError>>()?;
    // Withdrawn most recently first, then soonest to expire.
    consents.sort_by_key(|c| {
        (
            c.withdrawn_on.is_none(),
            std::cmp::Reverse(c.withdrawn_on),
            c.expires_on,
        )
    });

    let mut upcoming = Vec::new();
    let mut seen = HashSet::new();
    for (_, id) in store.dated(today, week)? {
        if id.kind != Kind::Event || !seen.insert(id) {
            continue;
        }
        if let Some(e) = store.get_as::<Event>(id)?
            && e.case.is_none_or(|c| scope.sees_case(c))
        {
            let target = match e.case {
                Some(c) => Some(c),
                None => match e.partnership {
                    Some(p) => store
                        .get_as::<Partnership>(p)?
                        .and_then(|p| p.parties.first().copied()),
                    None => e.parties.first().copied(),
                },
            };
            upcoming.push(EventLine {
                id: e.id,
                date: e.date,
                title: e.title,
                kind: e.kind,
                target,
            });
        }
    }
    upcoming.sort_by_key(|e| (e.date, e.id));
    Ok(Attention {
        referrals: overdue,
        consents,
        events: upcoming,
    })
}

type Names = HashMap<Id, String>;
type Sectors = HashMap<Id, crate::model::Sector>;

/// Names (and body sectors) of every id in `ids`.
fn names_of(
    store: &dyn Store,
    ids: impl IntoIterator<Item = Id>,
) -> Result<(Names, Sectors), StoreError> {
    let mut names = HashMap::new();
    let mut sectors = HashMap::new();
    for id in ids.into_iter().collect::<BTreeSet<_>>() {
        if let Some(r) = store.get(id)? {
            if let Record::Body(b) = &r {
                sectors.insert(id, b.sector);
            }
            names.insert(id, r.label());
        }
    }
    Ok((names, sectors))
}

/// The partnerships involving any of `parties`, each with its events.
fn timelines(
    store: &dyn Store,
    parties: &[Id],
    scope: &Scope,
) -> Result<Vec<Timeline>, StoreError> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for p in parties {
        for ps in store.referring::<Partnership>(*p)? {
            if seen.insert(ps.id) && scope.sees(store, &Record::Partnership(ps.clone()))? {
                let mut events = store.referring::<Event>(ps.id)?;
                // An event the reader may not see stays out.
                events.retain(|e| {
                    scope
                        .sees(store, &Record::Event(e.clone()))
                        .unwrap_or(false)
                });
                events.sort_by_key(|e| (e.date, e.id));
                out.push(Timeline {
                    partnership: ps,
                    events,
                });
            }
        }
    }
    out.sort_by_key(|t| (t.partnership.started, t.partnership.id));
    Ok(out)
}

/// Audit entries a case view shows (the newest); `triad audit` has all.
pub const AUDIT_SHOWN: usize = 200;

fn timeline_records(timelines: &[Timeline]) -> impl Iterator<Item = Record> + '_ {
    timelines.iter().flat_map(|t| {
        std::iter::once(Record::Partnership(t.partnership.clone()))
            .chain(t.events.iter().cloned().map(Record::Event))
    })
}

/// The revision each record was at when it was read. One written since
/// gets revision 0, so an edit made from what is shown meets a conflict
/// (and sees the record as it is) rather than overwriting it.
fn revisions_as_shown(
    store: &dyn Store,
    shown: impl Iterator<Item = Record>,
) -> Result<HashMap<Id, u64>, StoreError> {
    let shown: Vec<Record> = shown.collect();
    let ids: Vec<Id> = shown.iter().map(Record::id).collect();
    let revs = store.revisions(&ids)?;
    let mut out = HashMap::new();
    for ((id, record), rev) in ids.into_iter().zip(shown).zip(revs) {
        let same = store.get(id)?.is_some_and(|now| now == record);
        out.insert(id, if same { rev } else { 0 });
    }
    Ok(out)
}

pub fn load_case(store: &dyn Store, id: Id, scope: &Scope) -> Result<CaseDetail, StoreError> {
    // A case the reader may not see does not exist, as far as they know.
    if !scope.sees_case(id) {
        return Err(StoreError::NotFound(id));
    }
    // The revision before the record: if a write falls between the two,
    // an edit from here meets a conflict rather than overwriting it.
    let rev = store.revisions(&[id])?.first().copied().unwrap_or_default();
    let case: Case = store.get_as(id)?.ok_or(StoreError::NotFound(id))?;
    let party_ids: Vec<Id> = case.parties.iter().map(|p| p.party).collect();
    let party_set: HashSet<Id> = party_ids.iter().copied().collect();

    let mut referrals: Vec<Referral> = Vec::new();
    let mut notes: Vec<TrustNote> = Vec::new();
    let mut consents: Vec<Consent> = Vec::new();
    let mut relationships: Vec<Relationship> = Vec::new();
    for rid in store.referrers(id)? {
        match store.get(rid)? {
            Some(Record::Referral(r)) => referrals.push(r),
            Some(Record::TrustNote(n)) if scope.reader.may_read_note(&n) => notes.push(n),
            Some(Record::Consent(c)) => consents.push(c),
            Some(Record::Relationship(r)) => relationships.push(r),
            _ => {}
        }
    }
    // Relationships between this case's parties, made outside the case too.
    let mut rel_ids: HashSet<Id> = relationships.iter().map(|r| r.id).collect();
    for p in &party_ids {
        for r in store.referring::<Relationship>(*p)? {
            if party_set.contains(&r.a)
                && party_set.contains(&r.b)
                && scope.sees(store, &Record::Relationship(r.clone()))?
                && rel_ids.insert(r.id)
            {
                relationships.push(r);
            }
        }
    }
    relationships.sort_by_key(|r| r.id);
    // Notes about those relationships belong here as well.
    let mut note_ids: HashSet<Id> = notes.iter().map(|n| n.id).collect();
    for r in &relationships {
        for n in store.referring::<TrustNote>(r.id)? {
            if scope.sees(store, &Record::TrustNote(n.clone()))? && note_ids.insert(n.id) {
                notes.push(n);
            }
        }
    }
    notes.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
    let sent = |r: &Referral| r.history.first().map(|t| t.on);
    referrals.sort_by(|a, b| sent(b).cmp(&sent(a)).then(b.id.cmp(&a.id)));
    consents.sort_by_key(|c| std::cmp::Reverse(c.given_on));

    let mut affiliations = Vec::new();
    // Each person once, though they may hold several roles in the case.
    let people: BTreeSet<Id> = party_ids
        .iter()
        .copied()
        .filter(|p| p.kind == Kind::Person)
        .collect();
    for p in &people {
        for a in store.referring::<Affiliation>(*p)? {
            if scope.sees(store, &Record::Affiliation(a.clone()))? {
                affiliations.push(a);
            }
        }
    }
    let timelines = timelines(store, &party_ids, scope)?;

    let mut ids: Vec<Id> = party_ids.clone();
    ids.extend(case.client);
    ids.extend(case.coordinator);
    for r in &referrals {
        ids.extend([r.from, r.to]);
    }
    for r in &relationships {
        ids.extend([r.a, r.b]);
    }
    for n in &notes {
        ids.extend(n.about);
    }
    for c in &consents {
        ids.extend(c.granted_to.iter().copied());
        ids.push(c.client);
    }
    for a in &affiliations {
        ids.push(a.body);
    }
    for t in &timelines {
        ids.extend(t.partnership.parties.iter().copied());
    }
    let (names, sectors) = names_of(store, ids)?;
    // Who looked at and changed this case: for coordinators, who review it.
    let audit = if scope.reader.role == crate::model::AccessRole::Coordinator {
        store.audit_recent(Some(id), AUDIT_SHOWN)?
    } else {
        Vec::new()
    };

    let shown = (referrals.iter().cloned().map(Record::Referral))
        .chain(consents.iter().cloned().map(Record::Consent))
        .chain(affiliations.iter().cloned().map(Record::Affiliation))
        .chain(timeline_records(&timelines));
    let revs = revisions_as_shown(store, shown)?;
    Ok(CaseDetail {
        case,
        rev,
        revs,
        relationships,
        referrals,
        notes,
        consents,
        timelines,
        affiliations,
        names,
        sectors,
        audit,
    })
}

/// One referral, event, trust note or consent with the names it mentions;
/// one the reader may not see does not exist, as far as they know.
pub fn load_record(store: &dyn Store, id: Id, scope: &Scope) -> Result<RecordDetail, StoreError> {
    // The revision before the record, as for a case: a write between the
    // two makes an edit from here a conflict, never an overwrite.
    let rev = store.revisions(&[id])?.first().copied().unwrap_or_default();
    let record = store.get(id)?.ok_or(StoreError::NotFound(id))?;
    // A case, a body or a person has a screen of its own.
    let shown = !matches!(
        record,
        Record::Case(_) | Record::Body(_) | Record::Person(_)
    );
    if !shown || !scope.sees(store, &record)? {
        return Err(StoreError::NotFound(id));
    }
    let mut ids: Vec<Id> = Vec::new();
    let mut relationship = None;
    match &record {
        Record::Referral(r) => ids.extend([r.case, r.from, r.to]),
        Record::Event(e) => {
            ids.extend(e.parties.iter().copied());
            ids.extend(e.partnership);
            ids.extend(e.case);
            ids.extend(e.course);
        }
        Record::TrustNote(n) => {
            ids.extend(n.case);
            ids.extend(n.about);
            if let Some(rid) = n.relationship
                && let Some(r) = store.get_as::<Relationship>(rid)?
            {
                ids.extend([r.a, r.b]);
                relationship = Some(r);
            }
        }
        Record::Consent(c) => {
            ids.extend([c.client, c.case]);
            ids.extend(c.granted_to.iter().copied());
        }
        Record::Partnership(p) => ids.extend(p.parties.iter().copied()),
        Record::Course(c) => ids.extend(c.provider.into_iter().chain(c.follows)),
        Record::Affiliation(a) => ids.extend([a.person, a.body]),
        Record::Relationship(r) => ids.extend([r.a, r.b].into_iter().chain(r.case)),
        Record::Enrolment(e) => ids.extend([e.person, e.course]),
        Record::Contact(c) => ids.extend([c.supporter, c.case]),
        Record::Supervision(s) => {
            ids.push(s.supervisor);
            ids.extend(s.supporters.iter().copied());
        }
        Record::CheckIn(c) => ids.push(c.supporter),
        _ => {}
    }
    let (mut names, _) = names_of(store, ids)?;
    // A relationship is named by its two ends.
    if let Some(r) = relationship {
        let name = |id: Id| names.get(&id).cloned().unwrap_or_else(|| id.to_string());
        let both = format!("{} & {}", name(r.a), name(r.b));
        names.insert(r.id, both);
    }
    Ok(RecordDetail { record, rev, names })
}

pub fn load_party(store: &dyn Store, id: Id, scope: &Scope) -> Result<PartyDetail, StoreError> {
    let record = store.get(id)?.ok_or(StoreError::NotFound(id))?;
    if !scope.sees(store, &record)? {
        return Err(StoreError::NotFound(id));
    }
    let mut cases = Vec::new();
    let mut affiliations = Vec::new();
    for rid in store.referrers(id)? {
        match store.get(rid)? {
            Some(Record::Case(c)) if scope.sees_case(c.id) => cases.push(party_case(&c, id)),
            Some(Record::Affiliation(a))
                if scope.sees(store, &Record::Affiliation(a.clone()))? =>
            {
                affiliations.push(a);
            }
            _ => {}
        }
    }
    cases.sort_by_key(|c| (c.until.is_some(), c.id));
    affiliations.sort_by_key(|a| (a.until.is_some(), std::cmp::Reverse(a.from)));
    let timelines = timelines(store, &[id], scope)?;
    let mut ids = vec![id];
    for a in &affiliations {
        ids.extend([a.person, a.body]);
    }
    for t in &timelines {
        ids.extend(t.partnership.parties.iter().copied());
    }
    let (names, _) = names_of(store, ids)?;
    let shown = std::iter::once(record.clone())
        .chain(affiliations.iter().cloned().map(Record::Affiliation))
        .chain(timeline_records(&timelines));
    let revs = revisions_as_shown(store, shown)?;
    Ok(PartyDetail {
        record,
        revs,
        cases,
        affiliations,
        timelines,
        names,
    })
}

/// How a party figures in a case: its role, or client / coordinator.
fn party_case(c: &Case, id: Id) -> PartyCase {
    let role = c.parties.iter().rev().find(|p| p.party == id);
    let label = match role {
        Some(p) => p.role.clone(),
        None if c.client == Some(id) => "client".to_string(),
        None if c.coordinator == Some(id) => "coordinator".to_string(),
        None => String::new(),
    };
    PartyCase {
        id: c.id,
        title: c.title.clone(),
        status: c.status,
        role: label,
        from: role
            .map(|p| p.from)
            .or_else(|| c.status_history.first().map(|s: &StatusChange| s.on)),
        until: role.and_then(|p| p.until),
    }
}

/// The finder's index: documents, and where each hit leads. A server holds
/// one for all its clients; an app without a server holds its own.
#[derive(Default)]
pub struct FinderIndex {
    index: crate::search::Index,
    /// id → (where Enter goes, the detail shown after the name).
    meta: HashMap<String, (Id, String)>,
    /// Records found by their id only ([`crate::search::DocKind::Record`]).
    by_id: HashMap<Id, FinderDoc>,
}

impl FinderIndex {
    pub fn build(docs: Vec<FinderDoc>) -> FinderIndex {
        let mut f = FinderIndex::default();
        f.add(docs);
        f
    }

    /// Add or replace documents.
    pub fn add(&mut self, docs: Vec<FinderDoc>) {
        let (by_id, docs): (Vec<_>, Vec<_>) = docs
            .into_iter()
            .partition(|d| d.doc.kind == crate::search::DocKind::Record);
        self.by_id.extend(by_id.into_iter().map(|d| (d.id, d)));
        let prepared: Vec<crate::search::Doc> = docs.iter().map(|d| d.doc.clone()).collect();
        for d in docs {
            self.meta.insert(d.id.to_string(), (d.target, d.detail));
        }
        // A first big batch is built in parallel; later saves one by one.
        if self.index.is_empty() {
            self.index = crate::search::Index::build(prepared);
        } else {
            for d in prepared {
                self.index.update(d);
            }
        }
    }

    /// Hits for `query`, narrowing from `session`'s previous query.
    pub fn search(
        &self,
        session: &mut crate::search::Session,
        query: &str,
        limit: usize,
        restricted: bool,
    ) -> Vec<Hit> {
        let opts = crate::search::SearchOptions {
            include_restricted: restricted,
            ..crate::search::SearchOptions::limit(limit)
        };
        let found = session.search(&self.index, query, &opts);
        // A record found by its id only leads when the query is its id.
        let by_id = crate::search::normalize::id_key(query)
            .and_then(|k| k.parse::<Id>().ok())
            .and_then(|id| self.by_id.get(&id))
            .filter(|d| restricted || !d.doc.restricted)
            .map(|d| Hit {
                id: d.id,
                label: d.doc.name.clone(),
                detail: d.detail.clone(),
                matched: Vec::new(),
                target: d.target,
                score: i64::MAX,
            });
        by_id
            .into_iter()
            .chain(found.hits.into_iter().filter_map(|h| {
                let id: Id = h.id.parse().ok()?;
                let (target, detail) = self.meta.get(&h.id).cloned().unwrap_or((id, String::new()));
                Some(Hit {
                    id,
                    label: h.name,
                    detail,
                    matched: h.highlight,
                    target,
                    score: h.score,
                })
            }))
            .take(limit)
            .collect()
    }
}
