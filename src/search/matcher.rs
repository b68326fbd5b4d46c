//! The keystroke path: query keys, the cheap substring pass, the fuzzy pass
//! when needed, ranking and highlights.

use std::cmp::Ordering;
use std::ops::Range;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::entry::{Hot, View, char_sig, is_start, sig_bit};
use super::index::{DocKind, Hit, Index, MatchField, SearchOptions, Tier};
use super::normalize::{fold, id_key, romaji};

/// Below this many candidates a search stays on the calling thread.
const PAR_MIN: usize = 20_000;
/// Romaji fuzzy matches need this many chars (shorter is noise).
const ROMAJI_FUZZY_MIN: usize = 3;
/// Name fuzzy matches need this many chars.
const NAME_FUZZY_MIN: usize = 2;

/// The query in every form it is matched in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Keys {
    /// `fold(query)`, matched against folded names, ids and extras.
    pub fold: String,
    /// `romaji(query)`, matched against romaji readings.
    pub romaji: String,
    /// `id_key(query)`, looked up exactly.
    pub id: Option<String>,
    fold_chars: usize,
    romaji_chars: usize,
    /// The romaji key has a latin letter, so matching readings makes sense.
    romaji_on: bool,
    fold_sig: Sig,
    romaji_sig: Sig,
    /// Each word of a query of several words: a document that holds them
    /// all matches even where the whole query (its spaces folded away) does
    /// not. Empty for a one-word query.
    words: Vec<Keys>,
}

/// A key's [`char_sig`], and whether the signature alone decides
/// containment (a single letter or digit, which has a bit of its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sig {
    bits: u64,
    exact: bool,
}

impl Sig {
    fn of(key: &str) -> Sig {
        let mut chars = key.chars();
        let exact = match (chars.next(), chars.next()) {
            (Some(c), None) => sig_bit(c) < 36,
            _ => false,
        };
        Sig {
            bits: char_sig(key),
            exact,
        }
    }

    /// Whether a document with signature `sig` may contain the key.
    fn within(self, sig: u64) -> bool {
        sig & self.bits == self.bits
    }

    /// `hay` (with signature `sig`) contains `key` (with signature `self`).
    fn contained(self, key: &str, sig: u64, hay: &str) -> bool {
        !key.is_empty() && self.within(sig) && (self.exact || hay.contains(key))
    }
}

impl Keys {
    pub fn new(query: &str) -> Keys {
        let words: Vec<&str> = query.split_whitespace().collect();
        let mut keys = Keys::word(query);
        if words.len() > 1 {
            keys.words = words.into_iter().map(Keys::word).collect();
        }
        keys
    }

    /// The keys of one word (or of a whole query taken as one).
    fn word(query: &str) -> Keys {
        let fold = fold(query);
        let romaji = romaji(query);
        let id = id_key(query);
        Keys {
            fold_sig: Sig::of(&fold),
            romaji_sig: Sig::of(&romaji),
            fold_chars: fold.chars().count(),
            romaji_chars: romaji.chars().count(),
            // An id (`C-7`) is not a word: its romaji (`k7`) would only add noise.
            romaji_on: id.is_none() && romaji.bytes().any(|b| b.is_ascii_lowercase()),
            id,
            fold,
            romaji,
            words: Vec::new(),
        }
    }

    /// The words a document may hold one by one: the words, or the whole
    /// query when it is one word.
    fn parts(&self) -> &[Keys] {
        if self.words.is_empty() {
            std::slice::from_ref(self)
        } else {
            &self.words
        }
    }

    /// Nothing to match: list recent documents.
    pub fn is_empty(&self) -> bool {
        self.fold.is_empty() && self.romaji.is_empty()
    }

    /// Every document that is a candidate for `next` is one for `self`
    /// (both [`Keys::contained`] and [`Keys::scattered`]), so `next` may
    /// search only `self`'s candidates.
    pub fn narrows_to(&self, next: &Keys) -> bool {
        let narrows = |a: &str, b: &str| b.starts_with(a) && (!a.is_empty() || b.is_empty());
        let one = |a: &Keys, b: &Keys| narrows(&a.fold, &b.fold) && narrows(&a.romaji, &b.romaji);
        // A document holding every word of `next` holds every word of
        // `self` when each of `self`'s words grows into the one in its place.
        let (mine, theirs) = (self.parts(), next.parts());
        self.is_empty()
            || (one(self, next)
                && mine.len() <= theirs.len()
                && mine.iter().zip(theirs).all(|(a, b)| one(a, b)))
    }

    /// Cheap superset of the substring tiers: a key occurs in the packed
    /// fields (no key contains the separator, so it cannot straddle two).
    pub(super) fn contained(&self, v: &View) -> bool {
        self.contained_whole(v)
            || (!self.words.is_empty() && self.words.iter().all(|w| w.contained_whole(v)))
    }

    fn contained_whole(&self, v: &View) -> bool {
        let sig = v.hot.sig;
        self.is_empty()
            || self.fold_sig.contained(&self.fold, sig, v.hay)
            || (self.romaji != self.fold && self.romaji_sig.contained(&self.romaji, sig, v.hay))
    }

    /// Cheap superset of the fuzzy tier that shrinks as the query grows:
    /// a key is an [`anchored`] subsequence of its field, whatever the span.
    fn scattered(&self, v: &View) -> bool {
        let sig = v.hot.sig;
        self.is_empty()
            || (!self.fold.is_empty()
                && self.fold_sig.within(sig)
                && anchored(v.name_fold(), &self.fold, v.hot.name_starts, usize::MAX))
            || (!self.romaji.is_empty()
                && self.romaji_sig.within(sig)
                && anchored(v.romaji(), &self.romaji, v.hot.romaji_starts, usize::MAX))
    }

    /// Whether any field may be fuzzy-matched: not for ids, nor for
    /// queries too short for fuzzy matching to mean anything.
    fn fuzzy_possible(&self) -> bool {
        self.id.is_none()
            && (self.fold_chars >= NAME_FUZZY_MIN
                || (self.romaji_on && self.romaji_chars >= ROMAJI_FUZZY_MIN))
    }
}

/// A matched document before it becomes a [`Hit`].
#[derive(Clone, Copy, Debug)]
struct Scored {
    score: i64,
    changed: i64,
    id_order: u64,
    slot: u32,
    tier: Tier,
    field: MatchField,
    /// Folded char position of the match in the name (name matches only).
    pos: u32,
}

/// Candidate sets of an earlier query that [`Keys::narrows_to`] this one.
#[derive(Clone, Copy, Default)]
pub(super) struct Within<'a> {
    /// Documents containing the earlier query ([`Keys::contained`]).
    pub contained: Option<&'a [u32]>,
    /// Documents scattering the earlier query ([`Keys::scattered`]).
    pub scattered: Option<&'a [u32]>,
}

/// Outcome of one search: the hits, and the candidate sets a longer query
/// can narrow from.
pub(super) struct Outcome {
    pub hits: Vec<Hit>,
    pub contained: Vec<u32>,
    /// Only computed when the fuzzy pass ran.
    pub scattered: Option<Vec<u32>>,
}

fn tier_base(tier: Tier) -> i64 {
    match tier {
        Tier::ExactId => 5_000_000,
        Tier::Prefix => 3_300_000,
        Tier::WordStart => 3_000_000,
        Tier::Substring => 2_000_000,
        Tier::Fuzzy => 1_000_000,
        Tier::Recent => 0,
    }
}

/// Prefix and word-start matches form one band, in which cases, bodies and
/// people come before events and notes: those are many and alike (a yearly
/// check-up titled ポリオ… twelve times) and would bury 仙台ポリオの会.
fn kind_bonus(tier: Tier, kind: DocKind) -> i64 {
    let primary = matches!(kind, DocKind::Case | DocKind::Body | DocKind::Person);
    if primary && matches!(tier, Tier::Prefix | Tier::WordStart) {
        600_000
    } else {
        0
    }
}

/// The lowest substring tier at which `doc` could still outrank `worst`
/// (`None`: it cannot). Scores, not tiers, decide: a case at a word start
/// outranks an event at a prefix.
fn floor_to_beat(worst: &Scored, doc: &Hot) -> Option<Tier> {
    // On equal score and change time the lower id wins; equal orders (ids
    // of no known shape) are left to the full comparison.
    let wins_tie = (doc.changed, std::cmp::Reverse(doc.id_order))
        >= (worst.changed, std::cmp::Reverse(worst.id_order));
    [Tier::Substring, Tier::WordStart, Tier::Prefix]
        .into_iter()
        .find(|&t| {
            let score = tier_base(t) + kind_bonus(t, doc.kind);
            score > worst.score || (score == worst.score && wins_tie)
        })
}

/// Best tier of `needle` in `hay`, if it is `floor` or better, with the
/// folded char position of the match.
fn tier_in(hay: &str, needle: &str, starts: u64, floor: Tier) -> Option<(Tier, usize)> {
    if hay.starts_with(needle) {
        return Some((Tier::Prefix, 0));
    }
    if floor == Tier::Prefix {
        return None;
    }
    let mut first = None;
    let (mut from, mut byte, mut pos) = (0, 0, 0);
    while let Some(i) = hay[from..].find(needle) {
        let b = from + i;
        pos += hay[byte..b].chars().count();
        byte = b;
        if is_start(starts, pos) {
            return Some((Tier::WordStart, pos));
        }
        if starts >> pos.min(63) == 0 && floor == Tier::WordStart {
            break;
        }
        first.get_or_insert(pos);
        from = b + hay[b..].chars().next().map_or(1, char::len_utf8);
    }
    first
        .filter(|_| floor >= Tier::Substring)
        .map(|p| (Tier::Substring, p))
}

/// Substring-pass classification of one document: its best tier if it is
/// `floor` or better, the field, and the name position. A query of several
/// words also matches a document holding each word, at the tier of its
/// weakest word.
pub(super) fn classify(v: &View, k: &Keys, floor: Tier) -> Option<(Tier, MatchField, usize)> {
    let whole = classify_word(v, k, floor);
    if k.words.is_empty() || whole.is_some_and(|(t, _, _)| t == Tier::Prefix) {
        return whole;
    }
    let mut weakest: Option<(Tier, MatchField, usize)> = None;
    for w in &k.words {
        let Some(m) = classify_word(v, w, floor) else {
            // A word missing: only the whole query can match.
            return whole;
        };
        if weakest.is_none_or(|(t, _, _)| m.0 > t) {
            weakest = Some(m);
        }
    }
    match (whole, weakest) {
        (Some(a), Some(b)) if a.0 <= b.0 => Some(a),
        (_, b) => b.or(whole),
    }
}

/// [`classify`] for one key, its spaces folded away.
fn classify_word(v: &View, k: &Keys, floor: Tier) -> Option<(Tier, MatchField, usize)> {
    type Best = Option<(Tier, MatchField, usize)>;
    // Keeps the strictly better offer (earlier fields win ties); true once
    // nothing can beat it.
    fn offer(best: &mut Best, t: Tier, f: MatchField, p: usize) -> bool {
        if best.is_none_or(|(bt, _, _)| t < bt) {
            *best = Some((t, f, p));
        }
        best.is_some_and(|(bt, _, _)| bt == Tier::Prefix)
    }
    let mut best: Best = None;
    if !k.fold.is_empty()
        && let Some((t, p)) = tier_in(v.name_fold(), &k.fold, v.hot.name_starts, floor)
        && offer(&mut best, t, MatchField::Name, p)
    {
        return best;
    }
    if k.romaji_on
        && let Some((t, _)) = tier_in(v.romaji(), &k.romaji, v.hot.romaji_starts, floor)
        && offer(&mut best, t, MatchField::Reading, 0)
    {
        return best;
    }
    if !k.fold.is_empty() {
        let id = v.id_fold();
        if id.starts_with(&k.fold) {
            if offer(&mut best, Tier::Prefix, MatchField::Id, 0) {
                return best;
            }
        } else if floor >= Tier::Substring && id.contains(&k.fold) {
            offer(&mut best, Tier::Substring, MatchField::Id, 0);
        }
        if floor >= Tier::WordStart && best.is_none_or(|(t, _, _)| t > Tier::WordStart) {
            // Extras hold folded text and romaji readings (an event's
            // parties'), so both forms of the query are looked for.
            let romaji = (k.romaji_on && k.romaji != k.fold).then_some(k.romaji.as_str());
            let keys = std::iter::once(k.fold.as_str()).chain(romaji);
            'extras: for key in keys {
                for x in v.extras() {
                    if x.starts_with(key) {
                        offer(&mut best, Tier::WordStart, MatchField::Extra, 0);
                        break 'extras;
                    } else if floor >= Tier::Substring && x.contains(key) {
                        offer(&mut best, Tier::Substring, MatchField::Extra, 0);
                    }
                }
            }
        }
    }
    best
}

/// The first char of `needle` is at a word start of `field` and the rest
/// follows in order within `max_span` chars. Fuzzy matches must begin where
/// a word begins and stay compact (see [`fuzzy`]), which keeps
/// abbreviations (`kmt`, `熊県`) and drops chars scattered over a long
/// reading: noise that is also slow to score.
fn anchored(field: &str, needle: &str, starts: u64, max_span: usize) -> bool {
    let mut chars = needle.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest = chars.as_str();
    // Whether `rest` follows greedily within the span after an anchor.
    let follows = |after: &str| {
        let mut want = rest.chars().peekable();
        for (span, h) in after.chars().enumerate() {
            if want.peek().is_none() || span + 2 > max_span {
                break;
            }
            if want.peek() == Some(&h) {
                want.next();
            }
        }
        want.peek().is_none()
    };
    if !field.contains(first) {
        return false;
    }
    if first.is_ascii() && field.is_ascii() {
        // Char positions are byte positions: visit only the word starts.
        let bytes = field.as_bytes();
        let mut mask = starts;
        while mask != 0 {
            let p = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            if p >= bytes.len() {
                break;
            }
            if bytes[p] == first as u8 && follows(&field[p + 1..]) {
                return true;
            }
        }
        return false;
    }
    field
        .char_indices()
        .take(64)
        .enumerate()
        .any(|(pos, (b, c))| {
            c == first && is_start(starts, pos) && follows(&field[b + c.len_utf8()..])
        })
}

/// Longest span of a fuzzy match of `chars` chars: `3 × chars + 2`.
fn fuzzy_span(chars: usize) -> usize {
    3 * chars + 2
}

/// Fuzzy score of one document that the substring pass did not match.
fn fuzzy(v: &View, k: &Keys, m: &SkimMatcherV2) -> Option<(i64, MatchField)> {
    let name = (k.fold_chars >= NAME_FUZZY_MIN
        && anchored(
            v.name_fold(),
            &k.fold,
            v.hot.name_starts,
            fuzzy_span(k.fold_chars),
        ))
    .then(|| m.fuzzy_match(v.name_fold(), &k.fold))
    .flatten()
    .map(|s| (s, MatchField::Name));
    let reading = (k.romaji_on
        && k.romaji_chars >= ROMAJI_FUZZY_MIN
        && anchored(
            v.romaji(),
            &k.romaji,
            v.hot.romaji_starts,
            fuzzy_span(k.romaji_chars),
        ))
    .then(|| m.fuzzy_match(v.romaji(), &k.romaji))
    .flatten()
    .map(|s| (s, MatchField::Reading));
    [name, reading]
        .into_iter()
        .flatten()
        .filter(|&(s, _)| s > 0)
        .max_by_key(|&(s, _)| s)
}

/// Slots to look at: all, or an earlier query's candidates.
fn domain(within: Option<&[u32]>, range: Range<usize>, mut f: impl FnMut(u32)) {
    match within {
        None => range.for_each(|s| f(s as u32)),
        Some(v) => v[range].iter().for_each(|&s| f(s)),
    }
}

/// Run `f` over `n` items split into contiguous ranges, in parallel when
/// worth it; results come back in range order.
fn par<T: Send>(n: usize, threads: usize, f: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    let parts = if n < PAR_MIN { 1 } else { threads.max(1) };
    if parts == 1 {
        return vec![f(0..n)];
    }
    let chunk = n.div_ceil(parts);
    let ranges: Vec<Range<usize>> = (0..parts)
        .map(|i| i * chunk..((i + 1) * chunk).min(n))
        .collect();
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = ranges.into_iter().map(|r| s.spawn(move || f(r))).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("search thread panicked"))
            .collect()
    })
}

/// The best `k` seen so far (unordered), without storing the rest.
struct TopK<'a> {
    index: &'a Index,
    k: usize,
    v: Vec<Scored>,
    worst: usize,
}

impl<'a> TopK<'a> {
    fn new(index: &'a Index, k: usize) -> Self {
        TopK {
            index,
            k,
            v: Vec::with_capacity(k.min(1024)),
            worst: 0,
        }
    }

    fn push(&mut self, s: Scored) {
        if self.v.len() < self.k {
            self.v.push(s);
            if self.v.len() == self.k {
                self.find_worst();
            }
        } else if self.k > 0 && rank(self.index, &s, &self.v[self.worst]) == Ordering::Less {
            self.v[self.worst] = s;
            self.find_worst();
        }
    }

    /// The worst kept hit, once `k` are kept.
    fn full_worst(&self) -> Option<&Scored> {
        (self.k > 0 && self.v.len() == self.k).then(|| &self.v[self.worst])
    }

    fn find_worst(&mut self) {
        let index = self.index;
        self.worst = (0..self.v.len())
            .max_by(|&a, &b| rank(index, &self.v[a], &self.v[b]))
            .unwrap_or(0);
    }
}

/// Search `index` for `keys`, looking only at `within`'s candidates when
/// given (an earlier, shorter query's).
pub(super) fn run(index: &Index, keys: &Keys, opts: &SearchOptions, within: Within) -> Outcome {
    let exact: Vec<u32> = match &keys.id {
        Some(key) => index
            .exact(key)
            .into_iter()
            .filter(|&s| opts.allows(&index.hot[s as usize]))
            .collect(),
        None => Vec::new(),
    };
    let live = |slot: u32| {
        let hot = &index.hot[slot as usize];
        (hot.alive && opts.allows(hot)).then(|| index.view(slot))
    };

    // Pass 1: documents containing a key; substring tiers.
    let n = within.contained.map_or(index.slots(), <[u32]>::len);
    let parts = par(n, index.threads, |range| {
        let mut contained = Vec::new();
        let mut count = 0usize;
        let mut top = TopK::new(index, opts.limit);
        domain(within.contained, range, |slot| {
            let Some(v) = live(slot) else { return };
            if !keys.contained(&v) {
                return;
            }
            contained.push(slot);
            if exact.contains(&slot) {
                return;
            }
            if keys.is_empty() {
                top.push(scored(&v, slot, Tier::Recent, MatchField::None, 0, 0));
                return;
            }
            // Once this thread holds `limit` hits, only a document that
            // could outrank the worst of them is worth classifying.
            let floor = match top.full_worst() {
                None => Some(Tier::Substring),
                Some(w) => floor_to_beat(w, v.hot),
            };
            if let Some((tier, field, pos)) = floor.and_then(|f| classify(&v, keys, f)) {
                count += 1;
                top.push(scored(&v, slot, tier, field, pos, 0));
            }
        });
        (contained, count, top.v)
    });
    let mut contained = Vec::with_capacity(parts.iter().map(|p| p.0.len()).sum());
    let mut best: Vec<Scored> = exact
        .iter()
        .map(|&s| scored(&index.view(s), s, Tier::ExactId, MatchField::Id, 0, 0))
        .collect();
    let mut count = exact.len();
    for (c, n, top) in parts {
        contained.extend(c);
        count += n;
        best.extend(top);
    }

    // Pass 2: fuzzy, only when the cheap pass found too little.
    let mut scattered = None;
    if count < opts.limit && !keys.is_empty() && keys.fuzzy_possible() {
        let n = within.scattered.map_or(index.slots(), <[u32]>::len);
        let parts = par(n, index.threads, |range| {
            let m = SkimMatcherV2::default();
            let mut scattered = Vec::new();
            let mut top = TopK::new(index, opts.limit);
            domain(within.scattered, range, |slot| {
                let Some(v) = live(slot) else { return };
                if !keys.scattered(&v) {
                    return;
                }
                scattered.push(slot);
                if exact.contains(&slot)
                    || (keys.contained(&v) && classify(&v, keys, Tier::Substring).is_some())
                {
                    return;
                }
                if let Some((score, field)) = fuzzy(&v, keys, &m) {
                    top.push(scored(&v, slot, Tier::Fuzzy, field, 0, score));
                }
            });
            (scattered, top.v)
        });
        let mut all = Vec::new();
        for (s, top) in parts {
            all.extend(s);
            best.extend(top);
        }
        scattered = Some(all);
    }

    best.sort_unstable_by(|a, b| rank(index, a, b));
    best.truncate(opts.limit);
    let hits = best.into_iter().map(|s| hit(index, keys, s)).collect();
    Outcome {
        hits,
        contained,
        scattered,
    }
}

fn scored(v: &View, slot: u32, tier: Tier, field: MatchField, pos: usize, fuzzy: i64) -> Scored {
    Scored {
        score: tier_base(tier) + kind_bonus(tier, v.hot.kind) + fuzzy.clamp(0, 999_999),
        changed: v.hot.changed,
        id_order: v.hot.id_order,
        slot,
        tier,
        field,
        pos: pos as u32,
    }
}

/// Ranking order: score, then most recently changed, then id (so the order
/// is total and a narrowed search returns exactly what a fresh one does).
fn rank(index: &Index, a: &Scored, b: &Scored) -> Ordering {
    b.score
        .cmp(&a.score)
        .then(b.changed.cmp(&a.changed))
        // Numbers first (no trip to the cold id strings on the hot path).
        .then(a.id_order.cmp(&b.id_order))
        .then_with(|| index.cold(a.slot).id.cmp(&index.cold(b.slot).id))
        .then(a.slot.cmp(&b.slot))
}

fn hit(index: &Index, keys: &Keys, s: Scored) -> Hit {
    let v = index.view(s.slot);
    let c = index.cold(s.slot);
    let highlight = match (s.field, s.tier) {
        (MatchField::Name, Tier::Fuzzy) => SkimMatcherV2::default()
            .fuzzy_indices(v.name_fold(), &keys.fold)
            .map(|(_, idx)| c.highlight(&idx, false))
            .unwrap_or_default(),
        (MatchField::Name, _) if keys.words.is_empty() => {
            let p = s.pos as usize;
            c.highlight(&[p, p + keys.fold_chars - 1], true)
        }
        // Several words: each one found in the name is highlighted.
        (MatchField::Name | MatchField::Extra, _) => {
            let name = v.name_fold();
            let mut out: Vec<usize> = keys
                .words
                .iter()
                .filter(|w| !w.fold.is_empty())
                .filter_map(|w| name.find(&w.fold).map(|b| (name[..b].chars().count(), w)))
                .flat_map(|(p, w)| c.highlight(&[p, p + w.fold_chars - 1], true))
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        }
        (MatchField::Reading, _) => (0..c.name.chars().count()).collect(),
        _ => Vec::new(),
    };
    Hit {
        kind: v.hot.kind,
        id: c.id.to_string(),
        name: c.name.to_string(),
        score: s.score,
        tier: s.tier,
        field: s.field,
        highlight,
        changed: v.hot.changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_in_prefers_word_start_over_first_occurrence() {
        // "ab" at 0 is a prefix; at 2 a word start (bit 2); at 4 a substring.
        let s = Tier::Substring;
        assert_eq!(tier_in("abab", "ab", 0b1, s), Some((Tier::Prefix, 0)));
        assert_eq!(
            tier_in("xabab", "ab", 0b1000, s),
            Some((Tier::WordStart, 3))
        );
        assert_eq!(tier_in("xabab", "ab", 0b1, s), Some((Tier::Substring, 1)));
        assert_eq!(tier_in("xyz", "ab", 0b1, s), None);
        // overlapping occurrences are all seen: "aa" at 1 and at 2 (word start)
        assert_eq!(tier_in("xaaa", "aa", 0b101, s), Some((Tier::WordStart, 2)));
        // positions count chars, not bytes
        assert_eq!(
            tier_in("仙台ポリオ", "ポリ", 0b101, s),
            Some((Tier::WordStart, 2))
        );
        // a floor stops the search early
        assert_eq!(tier_in("xabab", "ab", 0b1, Tier::WordStart), None);
        assert_eq!(tier_in("xabab", "ab", 0b1000, Tier::Prefix), None);
    }

    #[test]
    fn anchored_needs_a_word_start() {
        let a = |field: &str, needle: &str, starts: u64| {
            anchored(field, needle, starts, fuzzy_span(needle.chars().count()))
        };
        assert!(a("kumamotoken", "kmmt", 0b1));
        assert!(!a("kumamotoken", "mmt", 0b1));
        assert!(a("sendaiporio", "prio", 0b100_0001));
        assert!(!a("sendaiporio", "prio", 0b1));
        assert!(a("熊本県ガン", "熊県", 0b1));
        assert!(!a("abc", "", 0b1));
        // span limit: 2 chars may spread over at most 8
        assert!(a("axxxxxxb", "ab", 0b1));
        assert!(!a("axxxxxxxb", "ab", 0b1));
        assert!(anchored("axxxxxxxb", "ab", 0b1, usize::MAX));
        // a later anchor can succeed where the first one is too spread out
        assert!(a("axxxxxxxxaxb", "ab", 0b10_0000_0001));
    }

    #[test]
    fn narrowing_rules() {
        let k = |q: &str| Keys::new(q);
        assert!(k("").narrows_to(&k("po")));
        assert!(k("po").narrows_to(&k("por")));
        assert!(!k("por").narrows_to(&k("po")));
        // "・" has an empty romaji key; "・a" has one: not narrowable.
        assert!(!k("・").narrows_to(&k("・a")));
        // き → kyo changes the romaji key non-prefix-wise.
        assert!(!k("き").narrows_to(&k("きょ")));
    }

    /// A query of several words still matches as a whole when one of its
    /// words alone falls below the floor.
    #[test]
    fn the_whole_query_survives_a_word_below_the_floor() {
        use crate::search::index::Doc;
        let p = crate::search::entry::prepare(Doc {
            kind: DocKind::Body,
            id: "B-0001".into(),
            name: "仙台ポリオの会".into(),
            reading: None,
            extra: vec![],
            changed: 0,
            restricted: false,
        });
        let v = View {
            hay: &p.hay,
            hot: &p.hot,
        };
        let k = Keys::new("ポリ オ");
        let got = classify(&v, &k, Tier::WordStart).map(|(t, _, _)| t);
        assert_eq!(got, Some(Tier::WordStart));
        // Each word held, one only inside a word: the weakest word's tier.
        let got = classify(&v, &Keys::new("仙台 リオ"), Tier::Substring).map(|(t, _, _)| t);
        assert_eq!(got, Some(Tier::Substring));
        assert_eq!(classify(&v, &Keys::new("仙台 東京"), Tier::Substring), None);
    }

    #[test]
    fn par_keeps_order() {
        let v = par(50_000, 3, |r| r.start);
        assert_eq!(v, [0, 16_667, 33_334]);
        assert_eq!(par(10, 3, |r| r.len()), [10]);
    }
}
