//! The server keeps the audit trail's head outside the store (see
//! `store::anchor`): checks the trail's tail and its anchor as it starts,
//! writes the head to the anchor file and the system log every
//! `EVERY_ENTRIES` entries or `EVERY` minutes, and once more as it stops.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{Shared, StopHandle};
use crate::store::SledStore;
use crate::store::anchor::{self, EVERY, EVERY_ENTRIES};

/// How often the head is looked at (one read of the store's meta tree).
const LOOK: Duration = Duration::from_secs(1);

pub(crate) struct Anchors {
    dir: Option<PathBuf>,
    /// The head last written out, and when; `None`: never write (the
    /// trail failed its check, or the store can only be read).
    last: Mutex<Option<(u64, Instant)>>,
}

impl Anchors {
    pub(crate) fn new(dir: Option<PathBuf>) -> Anchors {
        Anchors {
            dir,
            last: Mutex::new(Some((0, Instant::now()))),
        }
    }

    fn off(&self) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Writes the head out if it is due (or `force`d). A failure is said
    /// on the server's stderr, never fatal.
    fn tick(&self, store: &SledStore, force: bool, why: &str) {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let Some((seq, at)) = *last else {
            return;
        };
        let Ok(head) = store.head() else {
            return;
        };
        let due = head.seq >= seq + EVERY_ENTRIES || (head.seq != seq && at.elapsed() >= EVERY);
        if !(force || due) || head.seq == 0 {
            return;
        }
        *last = Some((head.seq, Instant::now()));
        anchor::to_syslog(&head, why);
        if let Some(dir) = &self.dir
            && let Err(e) = anchor::write(dir, &head)
        {
            eprintln!("triad serve: the audit trail's anchor was not written: {e}");
        }
    }
}

/// Checks the trail as the server starts: its tail, and the anchor in
/// `dir` if there is one. A trail that fails is served read-only, and
/// said so; its anchor is then never overwritten.
pub(crate) fn at_start(store: &mut SledStore, anchors: &Anchors) {
    if store.read_only().is_some() {
        anchors.off();
        return;
    }
    let mut why = store.verify_tail().unwrap_or_else(|e| Some(e.to_string()));
    if why.is_none()
        && let Some(dir) = &anchors.dir
        && let Ok(head) = store.head()
    {
        let file = anchor::file_in(dir, &head);
        if file.exists() {
            why = match anchor::read(&file) {
                Ok(a) => store
                    .check_anchor(&a)
                    .unwrap_or_else(|e| Some(e.to_string())),
                Err(e) => Some(e),
            };
        }
    }
    match why {
        Some(why) => {
            let why = format!(
                "the audit trail failed its check as the server started ({why}); the store is served read-only: run `triad check` and restore a backup (`triad restore`)"
            );
            eprintln!("triad serve: {why}");
            if let Ok(head) = store.head() {
                anchor::to_syslog(&head, "failed its check; served read-only");
            }
            anchors.off();
            store.set_read_only(why);
        }
        None => anchors.tick(store, true, "at start"),
    }
}

/// Writes the head out while the server runs.
pub(crate) fn spawn(
    shared: std::sync::Arc<Shared>,
    stop: StopHandle,
) -> Option<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("triad-anchor".into())
        .spawn(move || {
            // Short naps: a stop is noticed at once, not a LOOK later.
            let nap = Duration::from_millis(50);
            let mut slept = Duration::ZERO;
            while !stop.stopping.load(Ordering::SeqCst) {
                std::thread::sleep(nap);
                slept += nap;
                if slept >= LOOK {
                    slept = Duration::ZERO;
                    shared.anchors.tick(&shared.store, false, "running");
                }
            }
        })
        .ok()
}

/// The last head, as the server stops (after the last write).
pub(crate) fn at_stop(shared: &Shared) {
    shared.anchors.tick(&shared.store, true, "at stop");
}
