//! A connection's live messages: one ring per room it is in, merged into one
//! stream in id order.
//!
//! Each ring is in id order, but two rings are not ordered against each
//! other: a receiver may see id 9 of one room after id 10 of another. The
//! merge relies on the hub raising `newest` before each send, from one
//! thread, in id order. Having read `newest` as `h`, every message with an
//! id below `h` is already in its ring, so after draining every ring the
//! held messages up to `h` are complete and can go out sorted; anything
//! above `h` waits for the next round (which always releases it: it was
//! published before it was received, so the next `h` covers it). A
//! connection with one ring (every guest: just the lobby) skips all this.

use std::collections::VecDeque;
use std::sync::Arc;

use futures_util::future::select_all;

use crate::delivery::feed::Next;
use crate::delivery::hub::{Delivery, Hub, RoomFeed};

/// What comes next from the rooms.
pub(crate) enum Live {
    /// This message, the next in id order.
    Message(Delivery),
    /// A ring moved past this connection: catch up from the store.
    Behind,
}

struct Ring {
    /// Stays with the ring while others come and go, so held messages
    /// keep their room.
    number: usize,
    room: String,
    feed: RoomFeed,
}

/// The rings of the rooms a connection is in.
pub(crate) struct Subscriptions {
    hub: Arc<Hub>,
    rings: Vec<Ring>,
    /// Received but maybe not next yet, with their room.
    held: Vec<(usize, Delivery)>,
    /// Known to be next, in id order, with their room.
    ready: VecDeque<(usize, Delivery)>,
    next_number: usize,
}

impl Subscriptions {
    /// Rings already subscribed (see [`Hub::subscribe`]).
    pub(crate) fn new(hub: Arc<Hub>, receivers: Vec<(String, RoomFeed)>) -> Self {
        let count = receivers.len();
        Subscriptions {
            hub,
            rings: receivers
                .into_iter()
                .enumerate()
                .map(|(number, (room, receiver))| Ring {
                    number,
                    room,
                    feed: receiver,
                })
                .collect(),
            held: Vec::new(),
            ready: VecDeque::new(),
            next_number: count,
        }
    }

    /// The rooms subscribed to.
    pub(crate) fn rooms(&self) -> Vec<String> {
        self.rings.iter().map(|ring| ring.room.clone()).collect()
    }

    /// Starts receiving `room` (if not already).
    pub(crate) fn add(&mut self, room: &str) {
        if self.rings.iter().any(|ring| ring.room == room) {
            return;
        }
        let receiver = self.hub.subscribe_room(room);
        self.rings.push(Ring {
            number: self.next_number,
            room: room.to_owned(),
            feed: receiver,
        });
        self.next_number += 1;
    }

    /// Stops receiving `room`, dropping what of it is waiting here.
    pub(crate) fn remove(&mut self, room: &str) {
        let Some(index) = self.rings.iter().position(|ring| ring.room == room) else {
            return;
        };
        let number = self.rings.remove(index).number;
        self.held.retain(|(ring, _)| *ring != number);
        self.ready.retain(|(ring, _)| *ring != number);
        self.hub.release_room(room);
    }

    /// The next message if one is known now, without waiting.
    pub(crate) fn try_next(&mut self) -> Option<Live> {
        if let Some((_, delivery)) = self.ready.pop_front() {
            return Some(Live::Message(delivery));
        }
        if let [only] = self.rings.as_mut_slice()
            && self.held.is_empty()
        {
            return match only.feed.try_next() {
                Some(Next::Item(delivery)) => Some(Live::Message(delivery)),
                Some(Next::Missed) => Some(Live::Behind),
                Some(Next::Closed) | None => None,
            };
        }
        // A second round releases whatever the first held back.
        for _ in 0..2 {
            if self.gather() {
                return Some(Live::Behind);
            }
            if let Some((_, delivery)) = self.ready.pop_front() {
                return Some(Live::Message(delivery));
            }
            if self.held.is_empty() {
                break;
            }
        }
        None
    }

    /// Waits for the next message. `None` only when the hub is gone.
    /// Cancel-safe: nothing received is lost if the future is dropped.
    pub(crate) async fn next(&mut self) -> Option<Live> {
        loop {
            // One ring and nothing waiting here (every guest, nearly always):
            // straight to the ring, which checks for a message itself.
            if let [only] = self.rings.as_mut_slice()
                && self.held.is_empty()
                && self.ready.is_empty()
            {
                return match only.feed.next().await {
                    Next::Item(delivery) => Some(Live::Message(delivery)),
                    Next::Missed => Some(Live::Behind),
                    Next::Closed => None,
                };
            }
            if let Some(live) = self.try_next() {
                return Some(live);
            }
            let received = match self.rings.as_mut_slice() {
                [] => std::future::pending().await,
                // Held back by the last round; released by the next one.
                [_] => continue,
                rings => {
                    let (received, index, _) =
                        select_all(rings.iter_mut().map(|ring| Box::pin(ring.feed.next()))).await;
                    (index, received)
                }
            };
            match received {
                (index, Next::Item(delivery)) => {
                    self.held.push((self.rings[index].number, delivery))
                }
                (_, Next::Missed) => return Some(Live::Behind),
                (_, Next::Closed) => return None,
            }
        }
    }

    /// Drains every ring, then moves the held messages that are complete
    /// into `ready`, in id order. Returns whether a ring had moved on.
    fn gather(&mut self) -> bool {
        let published = self.hub.newest();
        let mut lagged = false;
        for ring in &mut self.rings {
            loop {
                match ring.feed.try_next() {
                    Some(Next::Item(delivery)) => self.held.push((ring.number, delivery)),
                    Some(Next::Missed) => lagged = true,
                    Some(Next::Closed) | None => break,
                }
            }
        }
        self.held.sort_unstable_by_key(|(_, delivery)| delivery.id);
        let complete = self
            .held
            .partition_point(|(_, delivery)| delivery.id <= published);
        self.ready.extend(self.held.drain(..complete));
        lagged
    }
}

impl Drop for Subscriptions {
    fn drop(&mut self) {
        let rooms = self.rooms();
        self.rings.clear();
        for room in rooms {
            self.hub.release_room(&room);
        }
    }
}

#[cfg(test)]
mod tests {
    use natter_shared::ChatMessage;

    use super::*;
    use crate::store::{AuthorId, Committed, Entry};

    fn committed(id: u64, room: &str) -> Committed {
        Committed {
            entry: Entry::Message(ChatMessage {
                id,
                room: room.to_owned(),
                value: String::new(),
                author: "a".to_owned(),
                timestamp: 0,
                nonce: None,
                edited: None,
            }),
            author_id: AuthorId(1),
        }
    }

    /// Eight rooms written from another thread, one message at a time, as
    /// fast as it can, while the reader drains them: it sees every id of its
    /// rooms once, in order, and nothing of the room it is not in. (Reading
    /// the rings without the `newest` watermark fails this within a run.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn rings_merge_in_id_order_while_written_concurrently() {
        const MESSAGES: u64 = 200_000;
        const ROOMS: u64 = 9;
        let room = |id: u64| format!("room-{}", id.wrapping_mul(0x9E37_79B9_7F4A_7C15) % ROOMS);
        let hub = Arc::new(Hub::with_rings(16, 1 << 12));
        // The writer stays within the rings' reach of the reader.
        let progress = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mine: Vec<String> = (0..ROOMS - 1).map(|n| format!("room-{n}")).collect();
        let (receivers, _) = hub.subscribe(&mine);
        let mut live = Subscriptions::new(Arc::clone(&hub), receivers);
        // Keep the other room's ring open so its messages are sent too.
        let _other = hub.subscribe_room(&format!("room-{}", ROOMS - 1));
        let writer = {
            let hub = Arc::clone(&hub);
            let progress = Arc::clone(&progress);
            std::thread::spawn(move || {
                for id in 1..=MESSAGES {
                    while id > progress.load(std::sync::atomic::Ordering::Relaxed) + 1000 {
                        std::hint::spin_loop();
                    }
                    hub.broadcast(&[committed(id, &room(id))]);
                }
            })
        };
        let expected: Vec<u64> = (1..=MESSAGES)
            .filter(|id| mine.contains(&room(*id)))
            .collect();
        let mut seen = Vec::with_capacity(expected.len());
        while seen.len() < expected.len() {
            match live.next().await {
                Some(Live::Message(delivery)) => {
                    progress.store(delivery.id, std::sync::atomic::Ordering::Relaxed);
                    seen.push(delivery.id);
                }
                Some(Live::Behind) => panic!("the writer waits, so no ring laps the reader"),
                None => panic!("the hub is alive"),
            }
        }
        writer.join().unwrap();
        assert!(seen == expected, "out of order or incomplete");
    }

    #[tokio::test]
    async fn a_room_left_sends_nothing_more_and_frees_its_ring() {
        let hub = Arc::new(Hub::new(16));
        let rooms = ["lobby", "general"].map(str::to_owned);
        let (receivers, _) = hub.subscribe(&rooms);
        let mut live = Subscriptions::new(Arc::clone(&hub), receivers);
        assert_eq!(hub.open_rings(), 1);
        hub.broadcast(&[committed(1, "general"), committed(2, "lobby")]);
        live.remove("general");
        assert_eq!(hub.open_rings(), 0);
        hub.broadcast(&[committed(3, "general"), committed(4, "lobby")]);
        let mut seen = Vec::new();
        while let Some(Live::Message(delivery)) = live.try_next() {
            seen.push(delivery.id);
        }
        assert_eq!(seen, [2, 4]);
        live.add("general");
        hub.broadcast(&[committed(5, "general")]);
        assert!(matches!(live.try_next(), Some(Live::Message(d)) if d.id == 5));
    }
}
