//! One connection after its handshake (see `handshake`): its requests one
//! at a time. Its answers and the change feed reach the client through one
//! writer thread, so a slow client only slows itself.

use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, SyncSender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::frame::{InFlight, read_frame_within, write_frame};
use super::hub::Outbox;
use super::protocol::{
    Ask, ErrorCode, Feed, Part, RECORDS_PER_FRAME, Request, ServerFrame, WireError,
};
use super::{Readiness, Shared, StopHandle, handshake};
use crate::model::{AuditAction, Id, Reader, Record, Rule, Summary, View};
use crate::query::request::{Reply, StoreEffect};
use crate::query::worker::run_store;
use crate::store::{Change, Scope, Store};

/// A view of the record just viewed, within this, is a reload: not logged again.
const VIEW_AGAIN: Duration = Duration::from_secs(60);

/// How long one connection's frames may take, and the budget of
/// half-read frames it shares with the others.
pub(super) struct Bounds {
    pub patience: Duration,
    /// The Hello is due this long after connecting.
    pub hello: Duration,
    pub in_flight: Arc<InFlight>,
}

/// A finder session's entry is written at its next other request, at the
/// connection's end, or once it is this old (a client that only searches).
const SEARCH_SESSION: Duration = Duration::from_secs(300);

/// The lists (case rows, names, the dashboard, supporters) are logged at
/// a connection's first read of them, and again once this long after:
/// scrolling and live refreshes are the same look.
const LISTS_AGAIN: Duration = Duration::from_secs(300);

type Answer = Result<(), WireError>;

pub(super) fn run(
    mut stream: UnixStream,
    readiness: &(Mutex<Readiness>, Condvar),
    stop: &StopHandle,
    bounds: &Bounds,
) {
    let patience = bounds.patience;
    let _ = stream.set_write_timeout(Some(patience));
    // The accept loop keeps a handle on the stream (to close it at
    // shutdown): dropping ours would not close the connection.
    let close = |s: &UnixStream| {
        let _ = s.shutdown(std::net::Shutdown::Both);
    };
    let Some((shared, reader, subscribe)) = handshake::welcome(&mut stream, readiness, bounds)
    else {
        close(&stream);
        return;
    };
    let Ok(mut out_stream) = stream.try_clone() else {
        close(&stream);
        return;
    };
    let (tx, outbox) = shared.hub.join(subscribe);
    let closing = Arc::new(AtomicBool::new(false));
    let writer_closing = closing.clone();
    let feed_shared = shared.clone();
    let feed_reader = reader.clone();
    let writer = std::thread::Builder::new()
        .name("triad-client-out".into())
        .spawn(move || {
            let filter = |frame| for_reader(&feed_shared, &feed_reader, frame);
            write_loop(&mut out_stream, &outbox, &writer_closing, &filter);
        });
    let mut session = Session {
        shared: &shared,
        reader,
        search: crate::search::Session::default(),
        import: Vec::new(),
        last_view: None,
        last_lists: None,
        searching: None,
        tx: &tx,
        stop,
    };
    // Garbage, an oversized frame, a stall mid-frame or a closed socket
    // all end this connection, and only this one. A request that is JSON
    // but not a request we know is answered with why, then dropped too.
    let budget = Some(&*bounds.in_flight);
    while let Ok(frame) =
        read_frame_within::<serde_json::Value>(&mut stream, None, patience, None, budget)
    {
        let seq = frame.get("seq").and_then(serde_json::Value::as_u64);
        match serde_json::from_value::<Request>(frame) {
            Ok(request) => {
                if !matches!(request.ask, Ask::Search { .. }) {
                    session.log_search();
                }
                session.handle(request);
            }
            Err(e) => {
                if let Some(seq) = seq {
                    let why = WireError::new(
                        ErrorCode::BadRequest,
                        format!("the request could not be read ({e}); the connection is closed"),
                    );
                    let done = Part::Done { result: Err(why) };
                    let _ = tx.send(ServerFrame::Answer { seq, part: done });
                }
                break;
            }
        }
    }
    session.log_search();
    closing.store(true, Ordering::SeqCst);
    if let Ok(w) = writer {
        let _ = w.join();
    }
    close(&stream);
}

/// Writes answers and feed frames in order; tells a client that fell
/// behind the feed to resync. Ends when the connection closes.
fn write_loop(
    stream: &mut UnixStream,
    outbox: &Outbox,
    closing: &AtomicBool,
    filter: &dyn Fn(ServerFrame) -> Option<ServerFrame>,
) {
    let send = |stream: &mut UnixStream, frame: ServerFrame| -> bool {
        let Some(frame) = filter(frame) else {
            return true;
        };
        if write_frame(stream, &frame).is_err() {
            // The client must not wait for an answer that will not come:
            // closing the connection makes it reconnect and resync.
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return false;
        }
        if outbox.behind.swap(false, Ordering::SeqCst) {
            let resync = ServerFrame::Feed { feed: Feed::Resync };
            return write_frame(stream, &resync).is_ok();
        }
        true
    };
    while !closing.load(Ordering::SeqCst) {
        match outbox.frames.recv_timeout(Duration::from_millis(200)) {
            Ok(frame) => {
                if !send(stream, frame) {
                    return;
                }
            }
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
    // The client stopped sending (perhaps only half-closed): what was
    // already answered still goes out, but a busy feed cannot keep this
    // thread alive.
    for frame in outbox.frames.try_iter().take(super::hub::QUEUE) {
        if !send(stream, frame) {
            return;
        }
    }
}

/// The change feed as this reader may see it: a change to a record they
/// may not see (a note of someone else's, a case not theirs) is left out.
fn for_reader(shared: &Shared, reader: &Reader, frame: ServerFrame) -> Option<ServerFrame> {
    let ServerFrame::Feed {
        feed: Feed::Changed { changes, request },
    } = frame
    else {
        return Some(frame);
    };
    let store = &shared.store;
    let scope = Scope::new(store, reader).ok()?;
    let changes: Vec<_> = changes
        .into_iter()
        .filter(|c| scope.sees_id(store, c.id).unwrap_or(false))
        .collect();
    (!changes.is_empty()).then_some(ServerFrame::Feed {
        feed: Feed::Changed { changes, request },
    })
}

/// The queries of one finder session: logged as one entry, not one per
/// keystroke (a name typed is a dozen queries, each narrowing the last).
struct Searching {
    since: std::time::Instant,
    queries: usize,
    /// The records its hits showed.
    shown: std::collections::HashSet<Id>,
}

struct Session<'a> {
    shared: &'a Arc<Shared>,
    /// Who is connected (from the kernel) and their role.
    reader: Reader,
    /// The finder narrows from this connection's previous query.
    search: crate::search::Session,
    /// Records of an import sent in parts, until it is committed.
    import: Vec<Record>,
    /// The view last logged: the reloads that follow others' saves are
    /// the same look, not another one.
    last_view: Option<(Id, std::time::Instant)>,
    /// When the lists were last logged (see [`LISTS_AGAIN`]).
    last_lists: Option<std::time::Instant>,
    /// The finder queries not yet logged (see [`Searching`]).
    searching: Option<Searching>,
    tx: &'a SyncSender<ServerFrame>,
    stop: &'a StopHandle,
}

impl Session<'_> {
    fn handle(&mut self, request: Request) {
        let seq = request.seq;
        let tx = self.tx.clone();
        let mut send = move |part: Part| {
            let _ = tx.send(ServerFrame::Answer { seq, part });
        };
        let stop = matches!(request.ask, Ask::Stop);
        let result = self.answer(request.ask, &mut send);
        let stopping = stop && result.is_ok();
        send(Part::Done { result });
        if stopping {
            // After the answer is queued; the stop closes every connection,
            // so the client may see the close instead of the answer.
            self.stop.stop();
        }
    }

    /// What this reader may see, as of now (a supporter's cases change).
    fn scope(&self) -> Result<Scope, WireError> {
        Scope::new(&self.shared.store, &self.reader).map_err(wire)
    }

    /// Writes an audit entry as this connection's user. An entry that
    /// cannot be written fails the request that wanted it.
    fn log(&self, action: AuditAction, entity: Option<Id>, summary: Summary) -> Answer {
        let _writing = self.shared.writes.read();
        self.shared
            .store
            .log_as(&self.reader.user, action, entity, summary)
            .map_err(wire)
    }

    /// Logs a refusal (the rule only: refusals can quote content).
    fn refused(&self, entity: Option<Id>, rule: Rule) {
        let summary = Summary::Refused {
            rule,
            role: Some(self.reader.role),
        };
        // The refusal is answered either way; a failed log is the store's
        // problem and `triad check` shows it.
        let _ = self.log(AuditAction::Refused, entity, summary);
    }

    /// A read of the lists, unless logged a moment ago.
    fn log_lists(&mut self) -> Answer {
        if self.last_lists.is_some_and(|at| at.elapsed() < LISTS_AGAIN) {
            return Ok(());
        }
        self.log(AuditAction::View, None, Summary::Lists)?;
        self.last_lists = Some(std::time::Instant::now());
        Ok(())
    }

    /// The finder session so far, as one entry, if its hits showed anything.
    fn log_search(&mut self) {
        let Some(s) = self.searching.take() else {
            return;
        };
        if !s.shown.is_empty() {
            let summary = Summary::Searched {
                queries: s.queries,
                shown: s.shown.len(),
            };
            // Its hits are already sent; a failed log is `check`'s to show.
            let _ = self.log(AuditAction::View, None, summary);
        }
    }

    /// A case's brief shows the case: logged as a view of it (one the
    /// reader may not see, as refused), before it is made. An agenda
    /// names many cases and is logged as none of them, once made.
    fn log_brief(
        &self,
        request: &crate::query::brief::BriefRequest,
        scope: &Scope,
        made: Option<&crate::query::brief::Brief>,
    ) -> Answer {
        match (request.case, made) {
            (Some(c), None) if scope.sees_case(c) => {
                self.log(AuditAction::View, Some(c), Summary::CaseBrief)
            }
            (Some(c), None) => {
                self.refused(Some(c), Rule::NotTheirsBrief);
                Ok(())
            }
            (None, Some(brief)) => {
                let lines = brief
                    .sections
                    .iter()
                    .flat_map(|s| &s.lines)
                    .filter(|l| l.id.is_some())
                    .count();
                self.log(AuditAction::View, None, Summary::Agenda { lines })
            }
            _ => Ok(()),
        }
    }

    fn answer(&mut self, ask: Ask, send: &mut (dyn FnMut(Part) + Send)) -> Answer {
        let shared = self.shared;
        // Every write names the connection's user, whatever the client said.
        let store = shared.store.as_user(&self.reader.user);
        let today = chrono::Local::now().date_naive();
        // The one table of who may ask what (see `authorise`).
        if let Err(refusal) = super::authorise::ask(&self.reader, &shared.owner, &ask) {
            self.refused(None, refusal.rule);
            if let Some(reason) = refusal.reason {
                let reply = Reply::SaveFailed {
                    field: None,
                    error: reason.to_string(),
                    reason: Some(reason),
                };
                send(Part::Reply {
                    reply: Box::new(reply),
                });
                return Ok(());
            }
            return Err(refusal.error);
        }
        match ask {
            Ask::Effect { effect } => self.effect(effect, today, send),
            Ask::Search {
                query,
                limit,
                restricted,
            } => {
                let scope = self.scope()?;
                let search = &mut self.search;
                // Asked for more than wanted: hits the reader may not see
                // are dropped here, after ranking, before they leave.
                let wide = limit.saturating_mul(3).saturating_add(50);
                let hits = shared.with_index(|f| f.search(search, &query, wide, restricted));
                let hits: Vec<_> = hits
                    .into_iter()
                    .filter(|h| scope.sees_id(&store, h.id).unwrap_or(false))
                    .take(limit)
                    .collect();
                if self
                    .searching
                    .as_ref()
                    .is_some_and(|s| s.since.elapsed() > SEARCH_SESSION)
                {
                    self.log_search();
                }
                let tally = self.searching.get_or_insert_with(|| Searching {
                    since: std::time::Instant::now(),
                    queries: 0,
                    shown: Default::default(),
                });
                tally.queries += 1;
                tally.shown.extend(hits.iter().map(|h| h.id));
                send(Part::Hits { hits });
                Ok(())
            }
            Ask::Collect { case } => {
                let scope = self.scope()?;
                if let Some(c) = case.filter(|c| !scope.sees_case(*c)) {
                    self.refused(Some(c), Rule::NotTheirsExport);
                }
                let (records, left_out) =
                    crate::exchange::collect(&store, case, Some(&scope)).map_err(wire)?;
                // What and how many, before any of it leaves.
                let summary = Summary::Exported {
                    records: records.len(),
                    left_out,
                };
                self.log(AuditAction::Export, case, summary)?;
                if left_out > 0 {
                    send(Part::Filtered {
                        reader: self.reader.label(),
                        left_out,
                    });
                }
                let mut records = records.into_iter().peekable();
                while records.peek().is_some() {
                    let chunk: Vec<Record> = records.by_ref().take(RECORDS_PER_FRAME).collect();
                    send(Part::Records { records: chunk });
                }
                Ok(())
            }
            Ask::CaseReport {
                case,
                lang,
                meeting,
            } => {
                let scope = self.scope()?;
                if scope.sees_case(case) {
                    self.log(
                        AuditAction::View,
                        Some(case),
                        Summary::CaseReport { meeting },
                    )?;
                } else {
                    self.refused(Some(case), Rule::NotTheirsReport);
                }
                let text = crate::exchange::case_report(&store, case, &scope, lang, meeting)
                    .map_err(wire)?;
                send(Part::Text { text });
                Ok(())
            }
            Ask::Report { request } => {
                // Over what this reader may see: a case not theirs is not counted.
                let scope = self.scope()?;
                let (records, _) =
                    crate::exchange::collect(&store, None, Some(&scope)).map_err(wire)?;
                let figures = crate::report::compute(&records, &request, today);
                send(Part::Report {
                    figures: Box::new(figures),
                });
                Ok(())
            }
            Ask::Brief { request } => {
                let scope = self.scope()?;
                self.log_brief(&request, &scope, None)?;
                // An agenda remembers its day for the asker (a small write).
                let brief = {
                    let _writing = shared.writes.read();
                    crate::query::brief::make(&store, &request, today, shared.at(), &scope)
                        .map_err(wire)?
                };
                self.log_brief(&request, &scope, Some(&brief))?;
                send(Part::Brief {
                    brief: Box::new(brief),
                });
                Ok(())
            }
            Ask::Audit { case, user, since } => {
                let mut entries = store.audit_trail().map_err(wire)?;
                entries.retain(|e| {
                    case.is_none_or(|c| e.case == Some(c) || e.entity == Some(c))
                        && user.as_ref().is_none_or(|u| &e.user == u)
                        && since.is_none_or(|d| e.at.date_naive() >= d)
                });
                let mut entries = entries.into_iter().peekable();
                while entries.peek().is_some() {
                    let chunk = entries.by_ref().take(RECORDS_PER_FRAME).collect();
                    send(Part::Audit { entries: chunk });
                }
                Ok(())
            }
            Ask::ImportPart { mut records } => {
                self.import.append(&mut records);
                Ok(())
            }
            Ask::ImportCommit {
                request,
                historical,
            } => {
                let records = std::mem::take(&mut self.import);
                let _writing = shared.writes.read();
                let user = &self.reader.user;
                let historical = historical.as_deref();
                let result = shared.store.import_entered(
                    user,
                    records,
                    historical,
                    request,
                    &mut progress(send),
                );
                if result.is_ok() {
                    shared.written_many();
                }
                result.map_err(wire)
            }
            Ask::Applied { request } => {
                // Read only; it waits for a write in flight (perhaps the
                // very request, its client gone) to finish first.
                let applied = shared.store.applied(request).map_err(wire)?;
                send(Part::Applied { applied });
                Ok(())
            }
            Ask::Check { anchor } => {
                // Store-wide counts say what a reader may not see: the
                // table lets coordinators only.
                let mut report = shared.store.check().map_err(wire)?;
                if let Some(anchor) = anchor
                    && let Some(problem) = shared.store.check_anchor(&anchor).map_err(wire)?
                {
                    report.problems.push(problem);
                }
                send(Part::Check { report });
                Ok(())
            }
            Ask::Demo { scale } => {
                let _writing = shared.writes.read();
                let result = demo(&store, today, scale, send);
                shared.written_many();
                result
            }
            Ask::Backup { out } => {
                if !out.is_absolute() {
                    return Err(WireError::new(
                        ErrorCode::BadRequest,
                        "a backup's path must be absolute",
                    ));
                }
                let summary = shared.store.backup_to_file(&out).map_err(wire)?;
                send(Part::Backup { summary });
                Ok(())
            }
            Ask::Stop => Ok(()),
        }
    }

    fn effect(
        &mut self,
        effect: StoreEffect,
        today: crate::model::Date,
        send: &mut (dyn FnMut(Part) + Send),
    ) -> Answer {
        let shared = self.shared;
        let store = shared.store.as_user(&self.reader.user);
        let scope = self.scope()?;
        let mut replies = Vec::new();
        match effect {
            StoreEffect::Save { request, ops } => {
                if let Err(why) = super::authorise::save(&store, &scope, &ops) {
                    let target = ops.iter().find_map(|op| match op {
                        Change::Create(_) => None,
                        Change::Update(r) | Change::Edit { record: r, .. } => Some(r.id()),
                        Change::Append(i) => Some(i.target()),
                    });
                    self.refused(target, Rule::Write);
                    replies.push(Reply::SaveFailed {
                        field: None,
                        error: why.to_string(),
                        reason: Some(why),
                    });
                } else {
                    let _writing = shared.writes.read();
                    let effect = StoreEffect::Save { request, ops };
                    run_store(&store, effect, today, shared.at(), &scope, &mut |r| {
                        replies.push(r);
                    });
                    if let Some(Reply::Saved(records)) = replies.first() {
                        shared.written(records, Some(request));
                    }
                }
            }
            StoreEffect::LoadAll => {
                // Every case's row and every name the reader may see.
                self.log_lists()?;
                // Streamed as each part is ready: the first screen first.
                let mut emit = |r| {
                    send(Part::Reply { reply: Box::new(r) });
                };
                run_store(&store, effect, today, shared.at(), &scope, &mut emit);
                if shared.is_indexed() {
                    replies.push(Reply::Indexed);
                }
            }
            StoreEffect::CasePage { .. }
            | StoreEffect::Overview(_)
            | StoreEffect::RefreshDashboard
            | StoreEffect::LoadSupporters => {
                // Rows that name people, read without `LoadAll` too.
                self.log_lists()?;
                run_store(&store, effect, today, shared.at(), &scope, &mut |r| {
                    replies.push(r);
                });
            }
            StoreEffect::LoadCase(id)
            | StoreEffect::LoadParty(id)
            | StoreEffect::LoadRecord(id)
            | StoreEffect::LoadSupporter(id) => {
                // A view is logged before it is read, so it shows in its own
                // audit panel; one the reader may not see, as refused.
                let seen = match effect {
                    StoreEffect::LoadCase(_) => scope.sees_case(id),
                    _ => scope.sees_id(&store, id).unwrap_or(false),
                };
                let again = self
                    .last_view
                    .is_some_and(|(last, at)| last == id && at.elapsed() < VIEW_AGAIN);
                if seen && !again {
                    self.last_view = Some((id, std::time::Instant::now()));
                    let view = match &effect {
                        StoreEffect::LoadCase(_) => View::Case,
                        StoreEffect::LoadParty(_) => View::Party,
                        StoreEffect::LoadSupporter(_) => View::Supporter,
                        _ => View::Record,
                    };
                    self.log(AuditAction::View, Some(id), Summary::Viewed { view })?;
                } else if !seen {
                    self.refused(Some(id), Rule::NotTheirsView);
                }
                run_store(&store, effect, today, shared.at(), &scope, &mut |r| {
                    replies.push(r);
                });
            }
            StoreEffect::Brief(request) => {
                self.log_brief(&request, &scope, None)?;
                {
                    let _writing = shared.writes.read();
                    let effect = StoreEffect::Brief(request.clone());
                    run_store(&store, effect, today, shared.at(), &scope, &mut |r| {
                        replies.push(r);
                    });
                }
                if let Some(Reply::Brief(Ok(brief))) = replies.first() {
                    self.log_brief(&request, &scope, Some(brief))?;
                }
            }
            StoreEffect::Reveal { entity, .. }
                if !scope.sees_id(&store, entity).unwrap_or(false) =>
            {
                self.refused(Some(entity), Rule::NotTheirsReveal);
                return Err(WireError::new(
                    ErrorCode::NotFound,
                    format!("{entity} does not exist"),
                ));
            }
            other => run_store(&store, other, today, shared.at(), &scope, &mut |r| {
                replies.push(r);
            }),
        }
        for reply in replies {
            send(Part::Reply {
                reply: Box::new(reply),
            });
        }
        Ok(())
    }
}

fn demo(
    store: &crate::store::AsUser<'_>,
    today: crate::model::Date,
    scale: usize,
    send: &mut (dyn FnMut(Part) + Send),
) -> Answer {
    let summary = crate::demo::seed(store, today).map_err(|e| match e {
        crate::store::StoreError::Duplicate(_) => WireError::new(
            ErrorCode::Duplicate,
            "the store is not empty; give `--store` an empty directory for the demo".to_string(),
        ),
        other => wire(other),
    })?;
    send(Part::Text {
        text: format!("seven scenarios: {summary}"),
    });
    if scale > 0 {
        let summary = crate::demo::seed_scale(store, scale, &mut progress(send)).map_err(wire)?;
        send(Part::Text {
            text: format!("synthetic: {summary}"),
        });
    }
    Ok(())
}

/// Progress of long work, at most once per percent.
fn progress(send: &mut (dyn FnMut(Part) + Send)) -> impl FnMut(usize, usize) + '_ {
    let mut last = usize::MAX;
    move |done, total| {
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        if pct != last {
            last = pct;
            send(Part::Progress { done, total });
        }
    }
}

fn wire(e: crate::store::StoreError) -> WireError {
    WireError::from(&e)
}
