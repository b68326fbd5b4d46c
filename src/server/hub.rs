//! The change feed: after each commit the server tells every subscribed
//! client what changed. Publishing never waits on a client: each has a
//! bounded queue, and one that is full is marked behind and told to resync
//! once its queue drains (sled's own `watch_prefix` would instead block
//! every writer behind a slow subscriber: sled issues #1152, #1515).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

use super::protocol::{Changed, Feed, ServerFrame};

/// Frames a client may have queued before it is marked behind.
pub const QUEUE: usize = 256;

/// One subscriber's side: its queue of frames, and whether it missed some.
pub struct Outbox {
    pub frames: Receiver<ServerFrame>,
    pub behind: Arc<AtomicBool>,
}

struct Subscriber {
    frames: SyncSender<ServerFrame>,
    behind: Arc<AtomicBool>,
}

#[derive(Default)]
pub struct Hub {
    subscribers: Mutex<Vec<Subscriber>>,
}

impl Hub {
    /// A queue for a connection's writer: answers are sent into `sender`
    /// (blocking: they are the connection's own), feed frames by the hub
    /// (never blocking) if `subscribe`.
    pub fn join(&self, subscribe: bool) -> (SyncSender<ServerFrame>, Outbox) {
        let (tx, rx) = sync_channel(QUEUE);
        let behind = Arc::new(AtomicBool::new(false));
        if subscribe {
            self.lock().push(Subscriber {
                frames: tx.clone(),
                behind: behind.clone(),
            });
        }
        (tx, Outbox { frames: rx, behind })
    }

    /// Tells every subscriber; drops those that have gone.
    pub fn publish(&self, changes: Vec<Changed>, request: Option<crate::store::RequestId>) {
        if changes.is_empty() {
            return;
        }
        self.send(&Feed::Changed { changes, request });
    }

    /// Tells every subscriber to reload everything (after an import).
    pub fn resync_all(&self) {
        self.send(&Feed::Resync);
    }

    /// Tells every subscriber the finder's index is ready.
    pub fn send_indexed(&self) {
        self.send(&Feed::Indexed);
    }

    fn send(&self, feed: &Feed) {
        self.lock().retain(|s| {
            let frame = ServerFrame::Feed { feed: feed.clone() };
            match s.frames.try_send(frame) {
                Ok(()) => true,
                Err(TrySendError::Full(_)) => {
                    s.behind.store(true, Ordering::SeqCst);
                    true
                }
                Err(TrySendError::Disconnected(_)) => false,
            }
        });
    }

    pub fn subscribers(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Subscriber>> {
        self.subscribers.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Id, Kind};

    fn change(n: u64) -> Vec<Changed> {
        vec![Changed {
            id: Id::new(Kind::Case, n),
            rev: 1,
            touches: vec![],
        }]
    }

    #[test]
    fn a_slow_subscriber_never_blocks_a_publisher_and_is_marked_behind() {
        let hub = Hub::default();
        let (_tx, slow) = hub.join(true);
        let (_tx2, quick) = hub.join(true);
        for n in 0..(QUEUE as u64 * 4) {
            hub.publish(change(n), None);
            // The quick one keeps up.
            assert!(quick.frames.try_recv().is_ok());
        }
        assert!(slow.behind.load(Ordering::SeqCst), "the slow one is behind");
        assert!(!quick.behind.load(Ordering::SeqCst));
        assert_eq!(
            slow.frames.try_iter().count(),
            QUEUE,
            "it kept only a full queue"
        );
    }

    #[test]
    fn gone_subscribers_are_dropped_and_non_subscribers_hear_nothing() {
        let hub = Hub::default();
        let (_tx, quiet) = hub.join(false);
        let (tx, gone) = hub.join(true);
        drop(gone);
        drop(tx);
        assert_eq!(hub.subscribers(), 1);
        hub.publish(change(1), None);
        assert_eq!(hub.subscribers(), 0);
        assert!(quiet.frames.try_recv().is_err());
    }
}
