//! The app's link to the query layer: its store and search workers. With a
//! store in this process they run the query layer on their own threads;
//! when a server holds the store, each effect is one request over the
//! socket. When the server goes away the
//! store worker says so, reconnects (starting an on-demand server again if
//! needed), has the app resync, and sends an unanswered save once more —
//! the server applies a request id only once, so it lands exactly once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::time::Duration;

use super::Action;
use super::effect::SearchEffect;
use super::state::Link;
use crate::model::Date;
use crate::query::cases::CaseCache;
use crate::query::request::{Reply, StoreEffect};
use crate::query::worker::{FinderIndex, IndexAt, Where, run_store};
use crate::server::client::{Client, ClientError, Heard, Target};
use crate::server::protocol::{Ask, Feed, Part};
use crate::store::Store;

/// Opens the store on the store thread, after the first frame: a big sled
/// store takes seconds to open.
pub type OpenStore = Box<dyn FnOnce() -> Result<Arc<dyn Store>, String> + Send>;

/// A job for the store worker: an effect, "the connection dropped", or
/// "the app is leaving".
pub enum Job {
    Effect(StoreEffect),
    CheckLink,
    Quit,
}

/// Runs store effects on a store in this process (tests, benches), as its
/// owner, until the app closes the channel.
pub fn local_store_loop(
    open_store: OpenStore,
    today: Date,
    jobs: &Receiver<Job>,
    tx: &Sender<Action>,
) {
    let store = match open_store() {
        Ok(store) => store,
        Err(why) => {
            let _ = tx.send(Action::Fatal(why));
            return;
        }
    };
    let scope = crate::store::Scope::owner(store.user());
    let cases = CaseCache::default();
    let at = Where {
        index: IndexAt::Here,
        cases: &cases,
        dashboard: None,
    };
    for job in jobs {
        match job {
            Job::Effect(effect) => {
                let mut emit = |r| {
                    let _ = tx.send(Action::Reply(Box::new(r)));
                };
                run_store(store.as_ref(), effect, today, at, &scope, &mut emit);
            }
            Job::CheckLink => {}
            Job::Quit => return,
        }
    }
}

/// Runs store effects against the server until the app closes the channel.
/// `leaving` is set when the app quits: a reconnect in progress gives up.
pub fn store_loop(
    target: &Target,
    jobs: &Receiver<Job>,
    wake: &Sender<Job>,
    app: &Sender<Action>,
    leaving: Arc<AtomicBool>,
) {
    let mut link = StoreLink {
        target: target.clone(),
        client: None,
        alive: Arc::new(AtomicBool::new(false)),
        app: app.clone(),
        wake: wake.clone(),
        leaving,
    };
    if let Err(e) = link.connect_once() {
        let _ = app.send(Action::Fatal(e.to_string()));
        return;
    }
    for job in jobs {
        match job {
            Job::Effect(effect) => link.run(effect),
            Job::CheckLink if !link.alive.load(Ordering::SeqCst) => {
                link.reconnect("the connection dropped");
            }
            Job::CheckLink => {}
            Job::Quit => return,
        }
    }
}

struct StoreLink {
    target: Target,
    client: Option<Client>,
    /// False once the current connection is lost or given up.
    alive: Arc<AtomicBool>,
    app: Sender<Action>,
    /// The worker's own queue, for the reader thread to say the link broke.
    wake: Sender<Job>,
    leaving: Arc<AtomicBool>,
}

impl StoreLink {
    fn connect_once(&mut self) -> Result<(), ClientError> {
        self.drop_client();
        let app = self.app.clone();
        let wake = self.wake.clone();
        let alive = Arc::new(AtomicBool::new(true));
        self.alive = alive.clone();
        let listen = Arc::new(move |heard: Heard| match heard {
            Heard::Feed(Feed::Changed { changes, request }) => {
                let _ = app.send(Action::Changed(changes, request));
            }
            Heard::Feed(Feed::Resync) => {
                let _ = app.send(Action::Resync);
            }
            Heard::Feed(Feed::Indexed) => {
                let _ = app.send(Action::Reply(Box::new(Reply::Indexed)));
            }
            // Only the loss of the live connection counts, not of one we
            // let go of ourselves.
            Heard::Lost(why) if alive.swap(false, Ordering::SeqCst) => {
                let _ = app.send(Action::Link(Link::Reconnecting(why)));
                let _ = wake.send(Job::CheckLink);
            }
            Heard::Lost(_) => {}
            Heard::Opening(opening) => {
                let _ = app.send(Action::Link(Link::Opening(opening)));
            }
        });
        let client = Client::open(&self.target, true, listen)?;
        let _ = self
            .app
            .send(Action::Identity(client.user.clone(), client.role));
        let _ = self.app.send(Action::Link(Link::Up));
        if !client.notices.is_empty() {
            let _ = self.app.send(Action::Notice(client.notices.join("; ")));
        }
        self.client = Some(client);
        Ok(())
    }

    fn drop_client(&mut self) {
        self.alive.store(false, Ordering::SeqCst);
        self.client = None;
    }

    /// Connects again, however long it takes; the app shows that it is
    /// reconnecting and keeps whatever is typed. Then the app resyncs.
    fn reconnect(&mut self, why: &str) {
        self.drop_client();
        let _ = self
            .app
            .send(Action::Link(Link::Reconnecting(why.to_string())));
        let mut pause = Duration::from_millis(100);
        while !self.leaving.load(Ordering::SeqCst) {
            match self.connect_once() {
                // connect_once said it is up.
                Ok(()) => return,
                Err(e) => {
                    let said = e.to_string();
                    if self
                        .app
                        .send(Action::Link(Link::Reconnecting(said)))
                        .is_err()
                    {
                        return; // the app has gone
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
            }
        }
    }

    /// One effect, sent again once after a reconnect if the connection
    /// broke before the answer came.
    fn run(&mut self, effect: StoreEffect) {
        for attempt in 0..2 {
            if self.client.is_none() || !self.alive.load(Ordering::SeqCst) {
                self.reconnect("the connection dropped");
            }
            let Some(client) = self.client.as_mut() else {
                return;
            };
            let app = &self.app;
            let mut deliver = |part: Part| {
                if let Part::Reply { reply } = part {
                    let _ = app.send(Action::Reply(reply));
                }
            };
            let ask = Ask::Effect {
                effect: effect.clone(),
            };
            match client.ask(ask, &mut deliver) {
                Ok(()) => return,
                Err(e) if e.is_connection() && attempt == 0 => {
                    self.reconnect(&e.to_string());
                }
                Err(e) => {
                    self.failed(&effect, &e);
                    return;
                }
            }
        }
    }

    /// A save that could not be made is answered as failed, so its form
    /// stays open with what was typed; anything else is a flash.
    fn failed(&self, effect: &StoreEffect, e: &ClientError) {
        let reply = match effect {
            StoreEffect::Save { .. } => {
                let reason = crate::model::Reason::Unsaved {
                    detail: e.to_string(),
                };
                Reply::SaveFailed {
                    field: None,
                    error: reason.to_string(),
                    reason: Some(reason),
                }
            }
            StoreEffect::LoadCase(id) => Reply::Case(Err((*id, unreachable(e)))),
            StoreEffect::LoadParty(id) => Reply::Party(Err((*id, unreachable(e)))),
            StoreEffect::LoadRecord(id) => Reply::Record(Err((*id, unreachable(e)))),
            _ => Reply::Loaded(Err(e.to_string())),
        };
        let _ = self.app.send(Action::Reply(Box::new(reply)));
    }
}

/// Runs finder queries against the server's index, newest query only.
pub fn search_loop(target: &Target, jobs: &Receiver<SearchEffect>, app: &Sender<Action>) {
    let mut client: Option<Client> = None;
    while let Ok(first) = jobs.recv() {
        // Only the newest query matters; the server indexes on its own.
        let Some((seq, query, meeting)) = std::iter::once(first)
            .chain(jobs.try_iter())
            .filter_map(|e| match e {
                SearchEffect::Search {
                    seq,
                    query,
                    meeting,
                } => Some((seq, query, meeting)),
                SearchEffect::Index(_) => None,
            })
            .last()
        else {
            continue;
        };
        for _attempt in 0..2 {
            if client.is_none() {
                client = Client::open(target, false, Arc::new(|_| {})).ok();
            }
            let Some(c) = client.as_mut() else { break };
            let mut hits = Vec::new();
            let ask = Ask::Search {
                query: query.clone(),
                limit: FINDER_LIMIT,
                restricted: !meeting,
            };
            let asked = c.ask(ask, &mut |part| {
                if let Part::Hits { hits: h } = part {
                    hits = h;
                }
            });
            match asked {
                Ok(()) => {
                    let _ = app.send(Action::Reply(Box::new(Reply::Hits { seq, hits })));
                    break;
                }
                Err(_) => client = None,
            }
        }
    }
}

/// The server could not be asked: why, as the screen says it.
fn unreachable(e: &ClientError) -> crate::model::Reason {
    crate::model::Reason::Unreadable {
        detail: e.to_string(),
    }
}

/// Runs finder effects on an index in this process: index updates all
/// apply, and only the newest query is answered.
pub fn local_search_loop(tx: &Sender<Action>, erx: &Receiver<SearchEffect>) {
    let mut search = SearchState::default();
    let mut emit = |r| {
        let _ = tx.send(Action::Reply(Box::new(r)));
    };
    while let Ok(first) = erx.recv() {
        // Only the newest query matters; index updates all apply.
        let mut latest = None;
        for e in std::iter::once(first).chain(erx.try_iter()) {
            if matches!(e, SearchEffect::Search { .. }) {
                latest = Some(e);
            } else {
                search.run(e, &mut emit);
            }
        }
        if let Some(q) = latest {
            search.run(q, &mut emit);
        }
    }
}

/// The finder in this process: its index and a session that narrows as
/// the user types.
#[derive(Default)]
pub struct SearchState {
    index: FinderIndex,
    session: crate::search::Session,
}

/// Hits the finder lists at most.
pub const FINDER_LIMIT: usize = 200;

impl SearchState {
    pub fn run(&mut self, effect: SearchEffect, emit: &mut dyn FnMut(Reply)) {
        match effect {
            SearchEffect::Index(docs) => self.index.add(docs),
            SearchEffect::Search {
                seq,
                query,
                meeting,
            } => {
                let hits = self
                    .index
                    .search(&mut self.session, &query, FINDER_LIMIT, !meeting);
                emit(Reply::Hits { seq, hits });
            }
        }
    }
}
