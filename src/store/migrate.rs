//! Schema versions. Records are stored as JSON, so a change to a type is
//! migrated by rewriting the JSON of the records of that kind.
//!
//! To change a stored type: bump `SCHEMA_VERSION`, and add a step to
//! `STEPS` that takes a record of schema N-1 (as `serde_json::Value`, tagged
//! with its `type`; `kind` is a field of bodies and events) to schema N:
//! rename a field, fill in a default, split a value. `open` runs the missing
//! steps over every record before anything else reads the store. A step must
//! be idempotent (a crash during one runs it again on records already
//! rewritten), and must not change what a record refers to or its dates: the
//! indexes are not rebuilt (a step that does must rebuild them). Add a test
//! that opens a store written at the older version. A store newer than the
//! program is refused, not guessed at. Rewritten records no longer match
//! their seals (`chain.rs`): the first real step must also reseal what it
//! rewrote under an audit entry of its own, as `start_chain` does.

use serde_json::Value;

use crate::model::Id;

/// The layout (which sled tree holds which kind) this build writes.
///
/// - 1: before the supporters' kinds; each kind in the tree of its name.
/// - 2: with the supporters' kinds; a positional table put events in
///   `courses` and courses in `events`.
/// - 3: each kind in `Kind::tree_name()`, trees opened by name.
///
/// Layouts 1 and 2 recorded no version: opening such a store moves every
/// record whose id names another kind than its tree's.
pub const LAYOUT_VERSION: u32 = 3;

/// The id a stored record carries, read from its JSON alone (so it works
/// at every schema).
pub fn id_of(bytes: &[u8]) -> Option<Id> {
    #[derive(serde::Deserialize)]
    struct Tagged {
        id: Id,
    }
    serde_json::from_slice::<Tagged>(bytes).ok().map(|t| t.id)
}

/// The schema this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// One step: the version it produces, and how to rewrite a record to it.
pub struct Step {
    pub to: u32,
    pub rewrite: fn(&mut Value),
}

/// Steps in order; empty while there has been only one schema.
pub const STEPS: &[Step] = &[];

/// The steps needed to take a store at `from` to the current schema.
pub fn steps_from(from: u32) -> impl Iterator<Item = &'static Step> {
    STEPS.iter().filter(move |s| s.to > from)
}
