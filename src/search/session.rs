//! Search-as-you-type: each keystroke searches only what the previous query
//! could match, backspace returns the cached earlier answer, and a generation
//! number lets the UI drop answers to queries it no longer shows.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::index::{Hit, Index, SearchOptions};
use super::matcher::{self, Keys, Within};

/// Deepest cache kept; a query longer than this many steps starts over.
const MAX_DEPTH: usize = 32;

/// A shared query counter: the UI takes a number per keystroke and keeps
/// only results carrying the latest one (stale answers are dropped).
#[derive(Clone, Debug, Default)]
pub struct Generation(Arc<AtomicU64>);

impl Generation {
    /// A counter starting at 0.
    pub fn new() -> Generation {
        Generation::default()
    }

    /// Take the next number: the query issued now supersedes older ones.
    pub fn next(&self) -> u64 {
        self.0.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// The latest number taken.
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Whether results tagged `generation` are still the latest.
    pub fn is_current(&self, generation: u64) -> bool {
        self.current() == generation
    }
}

/// Results of one [`Session::search`], tagged with the query's generation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Results {
    /// Generation of the query; compare with [`Generation::is_current`].
    pub generation: u64,
    /// The query text these hits answer.
    pub query: String,
    /// Ranked hits, identical to [`Index::search_with`] for the same query.
    pub hits: Vec<Hit>,
}

struct Step {
    keys: Keys,
    contained: Vec<u32>,
    scattered: Option<Vec<u32>>,
    hits: Vec<Hit>,
}

/// Incremental search state for one input box.
pub struct Session {
    generation: Generation,
    /// The index (and its version) the cache belongs to.
    state: (u64, u64),
    opts: Option<SearchOptions>,
    stack: Vec<Step>,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    /// A session with its own generation counter.
    pub fn new() -> Session {
        Session::with_generation(Generation::new())
    }

    /// A session numbering its queries with a counter shared with the UI.
    pub fn with_generation(generation: Generation) -> Session {
        Session {
            generation,
            state: (0, 0),
            opts: None,
            stack: Vec::new(),
        }
    }

    /// The counter, to hand to whoever must recognise stale results.
    pub fn generation(&self) -> Generation {
        self.generation.clone()
    }

    /// Forget cached results (they are also dropped automatically when the
    /// index changes or the options differ).
    pub fn clear(&mut self) {
        self.stack.clear();
    }

    /// Search `query` taking a new generation number.
    pub fn search(&mut self, index: &Index, query: &str, opts: &SearchOptions) -> Results {
        let generation = self.generation.next();
        self.search_as(index, query, opts, generation)
    }

    /// Search `query` for a generation number the caller already took.
    pub fn search_as(
        &mut self,
        index: &Index,
        query: &str,
        opts: &SearchOptions,
        generation: u64,
    ) -> Results {
        if self.state != index.state() || self.opts.as_ref() != Some(opts) {
            self.stack.clear();
            self.state = index.state();
            self.opts = Some(opts.clone());
        }
        let keys = Keys::new(query);
        while self.stack.last().is_some_and(|s| !s.keys.narrows_to(&keys)) {
            self.stack.pop();
        }
        // Every step left on the stack narrows to `keys` (each narrows to
        // the one above it, and the top narrows to `keys`).
        let hits = match self.stack.last() {
            Some(step) if step.keys == keys => step.hits.clone(),
            last => {
                let within = Within {
                    contained: last.map(|s| s.contained.as_slice()),
                    scattered: self.stack.iter().rev().find_map(|s| s.scattered.as_deref()),
                };
                let outcome = matcher::run(index, &keys, opts, within);
                if self.stack.len() >= MAX_DEPTH {
                    self.stack.remove(0);
                }
                let hits = outcome.hits.clone();
                self.stack.push(Step {
                    keys,
                    contained: outcome.contained,
                    scattered: outcome.scattered,
                    hits: outcome.hits,
                });
                hits
            }
        };
        Results {
            generation,
            query: query.to_owned(),
            hits,
        }
    }

    /// Number of cached steps (for tests: narrowing really happens).
    pub fn depth(&self) -> usize {
        self.stack.len()
    }
}
