//! Search that works in Japanese from any keyboard, instant at 100,000
//! records.
//!
//! Coordinators often type over SSH without an IME: `kumamoto` finds
//! 熊本県がん連携サポートセンター through its reading, `porio`, `ポリオ` and
//! `ぽりお` all find 仙台ポリオの会, and `C-7` finds case `C-0007`.
//!
//! - [`normalize`]: pure folding functions (width, case, kana, long vowels,
//!   romaji spelling variants, ids).
//! - [`Index`]: documents with every folded form precomputed; ranked search
//!   (exact id, prefix, word start, substring, fuzzy; ties by recency).
//! - [`Session`]: search-as-you-type with narrowing, a backspace cache and
//!   [`Generation`] numbers to drop stale results.

mod docs;
mod entry;
mod filter;
mod index;
mod matcher;
pub mod normalize;
mod session;

pub use docs::{PartyName, SEARCHED, case_filter_doc, doc_for, docs_in, party_name, party_names};
pub use filter::{Filter, FilterDoc};
pub use index::{Doc, DocKind, Hit, Index, MatchField, SearchOptions, Tier};
pub use session::{Generation, Results, Session};
