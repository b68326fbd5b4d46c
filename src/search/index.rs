//! The in-memory search index: documents in, ranked hits out. Independent
//! of the store; the store's worker feeds it with [`Doc`]s.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use super::entry::{Cold, Hot, Prepared, View, prepare};
use super::matcher::{self, Keys};
use super::normalize::id_key;

/// What a document is, so the UI can label hits and a picker can filter.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum DocKind {
    /// A client's or group's case (`C-0007`).
    Case,
    /// An organisation of any sector (`B-0012`).
    Body,
    /// A person (`P-0031`).
    Person,
    /// A timeline event (`E-0003`).
    Event,
    /// A (trust) note.
    Note,
    /// A partnership between parties (`S-0004`), found by its title and
    /// its parties' names.
    Partnership,
    /// A training course (`G-0002`).
    Course,
    /// Any other record (a referral, a consent…): found by its id only,
    /// so its label (the names it links) does not crowd name searches.
    Record,
}

/// One searchable record, as handed over by whoever owns the data.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Doc {
    /// Kind, for labels and filters.
    pub kind: DocKind,
    /// Stable id (`C-0007`); unique in the index, matched exactly by id queries.
    pub id: String,
    /// Display name, the text that gets highlighted.
    pub name: String,
    /// Katakana/hiragana reading of the name, so romaji and kana queries find kanji names.
    pub reading: Option<String>,
    /// Other searchable text (titles, condition…), matched but never highlighted.
    pub extra: Vec<String>,
    /// Unix seconds of the last change: breaks ties, most recent first.
    pub changed: i64,
    /// Hidden unless [`SearchOptions::include_restricted`] (e.g. a private trust note).
    pub restricted: bool,
}

/// How a hit matched, best first; hits are ordered by tier before anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Tier {
    /// The query is this document's id (`C-7` → `C-0007`).
    ExactId,
    /// A field starts with the query.
    Prefix,
    /// The query starts at a word start inside a field.
    WordStart,
    /// The query occurs inside a field.
    Substring,
    /// The query's chars occur in order (fuzzy, SkimMatcherV2).
    Fuzzy,
    /// Empty query: most recently changed documents.
    Recent,
}

/// Which field matched, so the UI can say why a hit is there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum MatchField {
    /// The id.
    Id,
    /// The name (highlight shows where).
    Name,
    /// The reading or its romaji (the whole name is highlighted).
    Reading,
    /// One of the extra fields (nothing highlighted).
    Extra,
    /// Nothing matched: empty query listing.
    None,
}

/// One search result, self-contained so it can be sent to the UI thread
/// (or printed as JSON by `triad search --json`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Hit {
    /// Document kind.
    pub kind: DocKind,
    /// Document id.
    pub id: String,
    /// Original name, for display.
    pub name: String,
    /// Higher is better; encodes the tier, then the fuzzy score.
    pub score: i64,
    /// How it matched.
    pub tier: Tier,
    /// Where it matched.
    pub field: MatchField,
    /// Char indices into the original `name` to highlight (sorted, unique).
    pub highlight: Vec<usize>,
    /// The document's `changed`, the tie breaker.
    pub changed: i64,
}

/// What to return, beyond the query text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchOptions {
    /// Maximum number of hits.
    pub limit: usize,
    /// Also return restricted documents (the caller checked the user may see them).
    pub include_restricted: bool,
    /// Only these kinds; empty means all.
    pub kinds: Vec<DocKind>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 50,
            include_restricted: false,
            kinds: Vec::new(),
        }
    }
}

impl SearchOptions {
    /// Default options with this limit (restricted documents hidden).
    pub fn limit(limit: usize) -> Self {
        SearchOptions {
            limit,
            ..SearchOptions::default()
        }
    }

    pub(super) fn allows(&self, e: &Hot) -> bool {
        (self.include_restricted || !e.restricted)
            && (self.kinds.is_empty() || self.kinds.contains(&e.kind))
    }
}

static NEXT_INSTANCE: AtomicU64 = AtomicU64::new(1);

/// The index: precomputed folded and romaji forms of every document, so a
/// keystroke only normalises the query.
#[derive(Debug)]
pub struct Index {
    /// Every document's hay, back to back: the scan reads memory in order.
    arena: String,
    /// Bytes of `arena` belonging to removed or replaced documents.
    garbage: usize,
    pub(super) hot: Vec<Hot>,
    cold: Vec<Option<Cold>>,
    free: Vec<u32>,
    by_id: HashMap<Box<str>, u32>,
    /// Documents whose id is not already in canonical form (`c7`), by [`id_key`].
    by_alias: HashMap<String, Vec<u32>>,
    live: usize,
    /// Unique per index in this process, so a cache never mixes two indexes.
    instance: u64,
    version: u64,
    pub(super) threads: usize,
}

impl Default for Index {
    fn default() -> Self {
        Index::new()
    }
}

impl Index {
    /// An empty index; uses up to 4 threads per search.
    pub fn new() -> Index {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(4);
        Index {
            arena: String::new(),
            garbage: 0,
            hot: Vec::new(),
            cold: Vec::new(),
            free: Vec::new(),
            by_id: HashMap::new(),
            by_alias: HashMap::new(),
            live: 0,
            instance: NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed),
            version: 0,
            threads,
        }
    }

    /// Build from many documents at once, normalising them in parallel
    /// (a later document with the same id replaces an earlier one).
    pub fn build(docs: impl IntoIterator<Item = Doc>) -> Index {
        let mut index = Index::new();
        let docs: Vec<Doc> = docs.into_iter().collect();
        let chunk = docs.len().div_ceil(index.threads).max(1);
        let mut parts: Vec<Vec<Doc>> = Vec::new();
        let mut docs = docs.into_iter().peekable();
        while docs.peek().is_some() {
            parts.push(docs.by_ref().take(chunk).collect());
        }
        let prepared: Vec<Vec<Prepared>> = std::thread::scope(|s| {
            let handles: Vec<_> = parts
                .into_iter()
                .map(|part| s.spawn(move || part.into_iter().map(prepare).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("index build thread panicked"))
                .collect()
        });
        let n = prepared.iter().map(Vec::len).sum();
        index
            .arena
            .reserve(prepared.iter().flatten().map(|p| p.hay.len()).sum());
        index.hot.reserve(n);
        index.cold.reserve(n);
        index.by_id.reserve(n);
        for p in prepared.into_iter().flatten() {
            index.put(p);
        }
        // Building freed millions of small strings; the allocator (glibc)
        // tidies its free lists on the first larger allocations after that,
        // in this thread and in the search threads that inherit the build
        // threads' memory arenas: ~0.2 s at 1,000,000 documents. One search
        // now, so the first keystroke does not pay for it.
        index.search("", 64);
        index
    }

    /// Number of threads a search may use (1 disables threading).
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads.max(1);
    }

    /// Add a document, or replace the one with the same id.
    pub fn insert(&mut self, doc: Doc) {
        self.put(prepare(doc));
    }

    /// Replace the document with the same id (inserting it if new): a write
    /// in the store becomes visible to the next search.
    pub fn update(&mut self, doc: Doc) {
        self.insert(doc);
    }

    /// Remove the document with this id; false when there was none.
    pub fn remove(&mut self, id: &str) -> bool {
        let Some(slot) = self.by_id.remove(id) else {
            return false;
        };
        if let Some(key) = id_key(id).filter(|k| k != id)
            && let Some(v) = self.by_alias.get_mut(&key)
        {
            v.retain(|&s| s != slot);
            if v.is_empty() {
                self.by_alias.remove(&key);
            }
        }
        let hot = &mut self.hot[slot as usize];
        hot.alive = false;
        self.garbage += hot.len as usize;
        self.cold[slot as usize] = None;
        self.free.push(slot);
        self.live -= 1;
        self.version += 1;
        if self.garbage > 1 << 20 && self.garbage > self.arena.len() / 2 {
            self.compact();
        }
        true
    }

    /// Whether a document with this id is indexed.
    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.live
    }

    /// True when there are no documents.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Changes on every write, so cached results can be dropped.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Which index and which state of it: a session's cache is valid for
    /// one value only.
    pub(super) fn state(&self) -> (u64, u64) {
        (self.instance, self.version)
    }

    /// Approximate bytes used, for capacity planning (the benchmark prints it).
    pub fn memory_estimate(&self) -> usize {
        let cold = self.cold.capacity() * std::mem::size_of::<Option<Cold>>()
            + self
                .cold
                .iter()
                .flatten()
                .map(Cold::heap_bytes)
                .sum::<usize>();
        let hot = self.hot.capacity() * std::mem::size_of::<Hot>();
        let ids = self.by_id.capacity() * (std::mem::size_of::<(Box<str>, u32)>() + 1)
            + self.by_id.keys().map(|k| k.len()).sum::<usize>();
        let aliases = self
            .by_alias
            .iter()
            .map(|(k, v)| k.len() + v.len() * 4 + 56)
            .sum::<usize>();
        self.arena.capacity() + hot + cold + ids + aliases + self.free.capacity() * 4
    }

    /// Best `limit` hits for `query`, restricted documents hidden.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        self.search_with(query, &SearchOptions::limit(limit))
    }

    /// Best hits for `query` under `opts` (one-off; use a [`super::Session`]
    /// while the user types).
    pub fn search_with(&self, query: &str, opts: &SearchOptions) -> Vec<Hit> {
        matcher::run(self, &Keys::new(query), opts, matcher::Within::default()).hits
    }

    fn put(&mut self, p: Prepared) {
        if self.by_id.contains_key(&*p.cold.id) {
            let id = p.cold.id.clone();
            self.remove(&id);
        }
        let Prepared { hay, mut hot, cold } = p;
        hot.start = self.arena.len() as u64;
        self.arena.push_str(&hay);
        let slot = match self.free.pop() {
            Some(s) => {
                self.hot[s as usize] = hot;
                self.cold[s as usize] = Some(cold);
                s
            }
            None => {
                self.hot.push(hot);
                self.cold.push(Some(cold));
                u32::try_from(self.hot.len() - 1).expect("more than 4 billion documents")
            }
        };
        let id = &self.cold[slot as usize].as_ref().expect("just stored").id;
        if let Some(key) = id_key(id).filter(|k| **k != **id) {
            self.by_alias.entry(key).or_default().push(slot);
        }
        self.by_id.insert(id.clone(), slot);
        self.live += 1;
        self.version += 1;
    }

    /// Rewrite the arena without the text of removed documents.
    fn compact(&mut self) {
        let mut arena = String::with_capacity(self.arena.len() - self.garbage);
        for hot in self.hot.iter_mut().filter(|h| h.alive) {
            let start = hot.start as usize;
            let text = &self.arena[start..start + hot.len as usize];
            hot.start = arena.len() as u64;
            arena.push_str(text);
        }
        self.arena = arena;
        self.garbage = 0;
    }

    /// Number of slots (live or free); slots are `0..slots()`.
    pub(super) fn slots(&self) -> usize {
        self.hot.len()
    }

    /// The searchable text of a live slot.
    pub(super) fn view(&self, slot: u32) -> View<'_> {
        let hot = &self.hot[slot as usize];
        let start = hot.start as usize;
        View {
            hay: &self.arena[start..start + hot.len as usize],
            hot,
        }
    }

    /// Id, name and highlight map of a live slot.
    pub(super) fn cold(&self, slot: u32) -> &Cold {
        self.cold[slot as usize]
            .as_ref()
            .expect("slot of a removed document")
    }

    /// Slots whose id is exactly `key` (canonical id form).
    pub(super) fn exact(&self, key: &str) -> Vec<u32> {
        let mut v: Vec<u32> = self.by_id.get(key).copied().into_iter().collect();
        if let Some(more) = self.by_alias.get(key) {
            v.extend(more);
            v.sort_unstable();
            v.dedup();
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(i: usize) -> Doc {
        Doc {
            kind: DocKind::Note,
            id: format!("N-{i:05}"),
            name: format!("メモ{i} {}", "長い本文".repeat(20)),
            reading: None,
            extra: Vec::new(),
            changed: i as i64,
            restricted: false,
        }
    }

    #[test]
    fn removals_compact_the_arena_and_slots_are_reused() {
        let mut index = Index::build((0..10_000).map(doc));
        let full = index.arena.len();
        for i in 0..6_000 {
            assert!(index.remove(&format!("N-{i:05}")));
        }
        assert!(
            index.arena.len() < full / 2,
            "arena rewritten without removed text"
        );
        assert!(index.garbage < index.arena.len());
        for i in 6_000..10_000 {
            let slot = index.by_id[format!("N-{i:05}").as_str()];
            assert!(
                index
                    .view(slot)
                    .name_fold()
                    .starts_with(&format!("メモ{i}"))
            );
        }
        let slots = index.slots();
        index.insert(doc(3));
        assert_eq!(index.slots(), slots, "a freed slot is reused");
        assert_eq!(index.search("メモ3長", 5)[0].id, "N-00003");
    }

    #[test]
    fn replacing_a_document_keeps_one_copy() {
        let mut index = Index::new();
        index.insert(doc(1));
        index.insert(doc(1));
        assert_eq!(index.len(), 1);
        assert_eq!(index.search("メモ1長", 5).len(), 1);
    }
}
