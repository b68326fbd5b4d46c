//! How far a store's opening has got: a big store takes seconds to open
//! and an old one minutes to upgrade, and whoever waits (the server's
//! clients, `triad` on the command line) is told what is happening
//! rather than left with a silent screen.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// What opening is doing now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenStep {
    /// sled reading its files.
    Opening,
    /// Looking for records an older layout put in another kind's tree.
    FindingRecords,
    /// A backup of the store as it was, before an upgrade changes it.
    BackingUp,
    /// Moving records to their kinds' trees (a layout upgrade).
    MovingRecords,
    /// Rewriting records to the current schema.
    RewritingRecords,
    /// Sealing the records of a store made before the audit chain.
    Sealing,
}

/// What a waiting client is told: the step, how many of how many (0 of 0
/// when it cannot be counted) and for how long opening has taken so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    pub step: OpenStep,
    pub done: u64,
    pub of: u64,
    pub seconds: u64,
}

impl Opening {
    /// One line, in the reader's language.
    pub fn describe(&self, l: Lang) -> String {
        let what = match self.step {
            OpenStep::Opening => l.t("opening the store", "ストアを開いています"),
            OpenStep::FindingRecords => l.t(
                "upgrading the store: reading its records",
                "ストアを更新中: 記録を読んでいます",
            ),
            OpenStep::BackingUp => l.t(
                "upgrading the store: backing it up first",
                "ストアを更新中: まずバックアップしています",
            ),
            OpenStep::MovingRecords => l.t(
                "upgrading the store: moving records",
                "ストアを更新中: 記録を移しています",
            ),
            OpenStep::RewritingRecords => l.t(
                "upgrading the store: rewriting records",
                "ストアを更新中: 記録を書き換えています",
            ),
            OpenStep::Sealing => l.t(
                "upgrading the store: sealing records",
                "ストアを更新中: 記録を封印しています",
            ),
        };
        let count = if self.of > 0 {
            format!(" {} / {}", self.done.min(self.of), self.of)
        } else {
            String::new()
        };
        format!("{what}{count} ({} s)", self.seconds)
    }
}

/// Shared between the thread opening a store and those waiting for it.
#[derive(Clone, Debug)]
pub struct Progress(Arc<Mutex<(OpenStep, u64, u64)>>, Instant);

impl Default for Progress {
    fn default() -> Progress {
        Progress(
            Arc::new(Mutex::new((OpenStep::Opening, 0, 0))),
            Instant::now(),
        )
    }
}

impl Progress {
    /// Opening is at `done` of `of` in `step`.
    pub fn set(&self, step: OpenStep, done: u64, of: u64) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = (step, done, of);
    }

    /// Where opening is now.
    pub fn now(&self) -> Opening {
        let (step, done, of) = *self.0.lock().unwrap_or_else(|p| p.into_inner());
        Opening {
            step,
            done,
            of,
            seconds: self.1.elapsed().as_secs(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_told_with_its_count_and_time_in_both_languages() {
        let p = Progress::default();
        assert_eq!(p.now().step, OpenStep::Opening);
        p.set(OpenStep::MovingRecords, 120, 993);
        let now = p.now();
        assert_eq!(
            (now.step, now.done, now.of),
            (OpenStep::MovingRecords, 120, 993)
        );
        let en = now.describe(Lang::En);
        assert!(
            en.starts_with("upgrading the store: moving records 120 / 993 ("),
            "{en}"
        );
        let ja = now.describe(Lang::Ja);
        assert!(ja.contains("記録を移しています 120 / 993"), "{ja}");
        // Nothing counted: no count shown.
        p.set(OpenStep::BackingUp, 0, 0);
        assert!(!p.now().describe(Lang::En).contains('/'));
    }
}
