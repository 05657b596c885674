//! [`Sequencer`]: hands this process's hub every committed entry of every
//! process exactly once, in global id order, whichever way it arrived (this
//! process's own commits, another's notice through the broker, or a read of
//! the database).
//!
//! Why a gap can be filled from the database: commit order is id order (see
//! [`crate::store::postgres`]), so once an id is committed every lower id is
//! committed too, or never will be. An entry held because a lower id has
//! not arrived yet waits a moment for it (notices from two processes race),
//! then the gap filler reads every entry above the last one delivered, and
//! everything up to the newest it finds is final.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use parking_lot::{Mutex, MutexGuard};

use tokio::sync::Notify;

use crate::delivery::FanOut;
use crate::delivery::hub::Hub;
use crate::store::Committed;

/// The most entries held waiting for a lower id. Past it the newest are
/// let go: they are in the database, and the gap filler reads them again
/// once the gap closes. So a process that hears other processes' commits
/// but cannot reach the database (to close a gap) holds a bounded amount,
/// not the whole cluster's traffic for as long as the cut lasts.
pub(crate) const MOST_HELD: usize = 16_384;

/// The entries not yet delivered, and where delivery stands.
struct State {
    /// Every id up to this one has been handed to the hub, or is known not
    /// to exist (a failed transaction's, or one the database read skipped
    /// because its message was deleted since).
    delivered: u64,
    /// Entries above `delivered` that arrived before a lower one.
    held: BTreeMap<u64, Committed>,
    /// Since when the oldest held entry has waited; `None` when none waits.
    waiting_since: Option<Instant>,
}

/// Delivers entries to the hub in id order. Cheap when they come in order:
/// one lock, then the hub's publication, on the caller's thread.
pub(crate) struct Sequencer {
    hub: Arc<Hub>,
    state: Mutex<State>,
    /// Woken when an entry starts waiting for a lower id.
    gap_opened: Notify,
}

impl Sequencer {
    /// A sequencer for `hub` that has delivered nothing yet; call
    /// [`Sequencer::start_after`] before the first entry.
    pub(crate) fn new(hub: Arc<Hub>) -> Self {
        Sequencer {
            hub,
            state: Mutex::new(State {
                delivered: 0,
                held: BTreeMap::new(),
                waiting_since: None,
            }),
            gap_opened: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock()
    }

    /// Everything up to `id` was committed before this process started:
    /// connections read it from the database, and delivery starts above it.
    pub(crate) fn start_after(&self, id: u64) {
        let mut state = self.lock();
        state.delivered = state.delivered.max(id);
        self.hub.committed_up_to(id);
    }

    /// Every id up to this one has been delivered (or does not exist).
    pub(crate) fn delivered(&self) -> u64 {
        self.lock().delivered
    }

    /// Since when an entry has waited for a lower id, if one does.
    pub(crate) fn waiting_since(&self) -> Option<Instant> {
        self.lock().waiting_since
    }

    /// Resolves when an entry starts waiting for a lower id (or at once if
    /// one started since the last call).
    pub(crate) async fn gap_opened(&self) {
        self.gap_opened.notified().await;
    }

    /// Entries committed somewhere, in any order, possibly already
    /// delivered: each is delivered once, after every lower id.
    pub(crate) fn offer(&self, entries: impl IntoIterator<Item = Committed>) {
        self.take(entries, None);
    }

    /// Entries read from the database: every committed entry above the
    /// cursor the read started from, up to `newest` (the newest id the read
    /// found). Whatever is still missing up to `newest` does not exist.
    pub(crate) fn fill(&self, entries: Vec<Committed>, newest: u64) {
        self.take(entries, Some(newest));
    }

    /// Holds every entry not delivered yet (a later copy of an id replaces
    /// an earlier one: an edit read from the database carries newer text
    /// than its notice did), then releases what may go.
    fn take(&self, entries: impl IntoIterator<Item = Committed>, final_up_to: Option<u64>) {
        let mut state = self.lock();
        let delivered = state.delivered;
        for committed in entries {
            let id = committed.entry.id();
            if id > delivered {
                state.held.insert(id, committed);
            }
        }
        self.release(&mut state, final_up_to.unwrap_or(delivered));
        // Only what still waits is let go: never an entry a database read
        // just made final, or `delivered` would pass it unpublished.
        while state.held.len() > MOST_HELD {
            state.held.pop_last();
        }
    }

    /// Hands the hub every held entry that is next in line (or at most
    /// `final_up_to`, below which nothing else will come), in one call, with
    /// the lock held so deliveries from two threads cannot interleave.
    fn release(&self, state: &mut State, final_up_to: u64) {
        let mut run = Vec::new();
        while let Some(next) = state.held.first_entry() {
            let id = *next.key();
            if id != state.delivered + 1 && id > final_up_to {
                break;
            }
            run.push(next.remove());
            state.delivered = id;
        }
        state.delivered = state.delivered.max(final_up_to);
        if !run.is_empty() {
            // Through the seam, as every publisher: the hub is this
            // process's side of it.
            self.hub.publish(&run);
        }
        if state.held.is_empty() {
            state.waiting_since = None;
        } else if state.waiting_since.is_none() || !run.is_empty() {
            state.waiting_since = Some(Instant::now());
            self.gap_opened.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use natter_shared::ChatMessage;

    use super::*;
    use crate::store::{AuthorId, Entry};

    fn entry(id: u64) -> Committed {
        Committed {
            entry: Entry::Message(ChatMessage {
                id,
                room: natter_shared::LOBBY.to_owned(),
                value: format!("m{id}"),
                author: "ada".to_owned(),
                timestamp: 0,
                nonce: None,
                edited: None,
            }),
            author_id: AuthorId(1),
        }
    }

    fn setup() -> (Arc<Hub>, Sequencer, crate::delivery::hub::RoomFeed) {
        let hub = Arc::new(Hub::new(64));
        let sequencer = Sequencer::new(Arc::clone(&hub));
        sequencer.start_after(10);
        let feed = hub.subscribe_room(natter_shared::LOBBY);
        (hub, sequencer, feed)
    }

    fn received(feed: &mut crate::delivery::hub::RoomFeed) -> Vec<u64> {
        let mut ids = Vec::new();
        while let Some(crate::delivery::feed::Next::Item(delivery)) = feed.try_next() {
            ids.push(delivery.id);
        }
        ids
    }

    #[test]
    fn entries_in_order_go_straight_through() {
        let (hub, sequencer, mut feed) = setup();
        sequencer.offer([entry(11), entry(12)]);
        assert_eq!(received(&mut feed), [11, 12]);
        assert_eq!(hub.newest(), 12);
        assert_eq!(sequencer.waiting_since(), None);
    }

    #[test]
    fn an_entry_waits_for_the_ones_below_it() {
        let (hub, sequencer, mut feed) = setup();
        sequencer.offer([entry(13)]);
        assert_eq!(received(&mut feed), Vec::<u64>::new());
        assert_eq!(hub.newest(), 10, "nothing above the gap is published");
        assert!(sequencer.waiting_since().is_some());
        sequencer.offer([entry(11)]);
        assert_eq!(received(&mut feed), [11]);
        sequencer.offer([entry(12)]);
        assert_eq!(received(&mut feed), [12, 13]);
        assert_eq!(sequencer.waiting_since(), None);
    }

    #[test]
    fn repeats_and_old_entries_are_dropped() {
        let (_hub, sequencer, mut feed) = setup();
        sequencer.offer([entry(9), entry(10), entry(11)]);
        sequencer.offer([entry(11)]);
        assert_eq!(received(&mut feed), [11]);
    }

    #[test]
    fn a_database_read_closes_gaps_that_will_never_fill() {
        let (_hub, sequencer, mut feed) = setup();
        // 12 failed and will never exist; 14 was deleted since, so the
        // read skips it; its delete, 15, is there.
        sequencer.offer([entry(13)]);
        sequencer.fill(vec![entry(11), entry(13), entry(15)], 15);
        assert_eq!(received(&mut feed), [11, 13, 15]);
        assert_eq!(sequencer.delivered(), 15);
        assert_eq!(sequencer.waiting_since(), None);
        // A late notice of 14 changes nothing.
        sequencer.offer([entry(14)]);
        assert_eq!(received(&mut feed), Vec::<u64>::new());
    }

    #[test]
    fn what_waits_is_bounded_and_comes_back_from_the_database() {
        let hub = Arc::new(Hub::new(2 * MOST_HELD + 100));
        let sequencer = Sequencer::new(Arc::clone(&hub));
        sequencer.start_after(10);
        let mut feed = hub.subscribe_room(natter_shared::LOBBY);
        // 11 is missing (the database cannot be read to close the gap),
        // and far more than the bound arrives above it.
        let newest = 11 + 2 * MOST_HELD as u64;
        sequencer.offer((12..=newest).map(entry));
        assert_eq!(sequencer.lock().held.len(), MOST_HELD);
        assert_eq!(received(&mut feed), Vec::<u64>::new());
        // The database answers again: everything, in order, each once.
        sequencer.fill((11..=newest).map(entry).collect(), newest);
        let ids = received(&mut feed);
        let expected: Vec<u64> = (11..=newest).collect();
        assert_eq!(
            (ids.len(), ids.first(), ids.last()),
            (expected.len(), expected.first(), expected.last())
        );
        assert!(ids == expected, "each once, in order");
        assert!(sequencer.lock().held.is_empty());
    }
}
