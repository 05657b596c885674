//! Which run of a room's messages is in the page: a bounded window, so
//! showing a message, typing and scrolling cost the same in a room of a
//! hundred messages or of a hundred thousand.
//!
//! Following the room (at its newest end), the window holds its newest
//! messages and slides as new ones come. Scrolling back widens it towards
//! older messages, up to [`MOST`]; past that, its newest end lets go and it
//! no longer follows the room until scrolled back to the newest.

use crate::model::ShownMessage;

/// Messages a window starts with.
pub const FIRST: usize = 60;

/// Messages a step of scrolling adds.
pub const STEP: usize = 50;

/// The most messages a window holds.
pub const MOST: usize = 250;

/// Which run of messages is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The room's newest `count` messages, following new ones.
    Live {
        /// How many.
        count: usize,
    },
    /// `count` messages up to and including `newest`.
    Back {
        /// The newest id shown.
        newest: u64,
        /// How many.
        count: usize,
    },
}

impl Default for Window {
    fn default() -> Self {
        Window::Live { count: FIRST }
    }
}

impl Window {
    /// Whether it follows the room's newest messages.
    pub fn is_live(self) -> bool {
        matches!(self, Window::Live { .. })
    }

    /// Where the window ends in `log` (one past its newest message).
    fn end(self, log: &[ShownMessage]) -> usize {
        match self {
            Window::Live { .. } => log.len(),
            Window::Back { newest, .. } => {
                match log.binary_search_by(|shown| shown.message.id.cmp(&newest)) {
                    Ok(at) => at + 1,
                    // Deleted meanwhile: end where it was.
                    Err(at) => at,
                }
            }
        }
    }

    fn count(self) -> usize {
        match self {
            Window::Live { count } | Window::Back { count, .. } => count,
        }
    }

    /// The messages shown, oldest first.
    pub fn slice(self, log: &[ShownMessage]) -> &[ShownMessage] {
        let end = self.end(log);
        &log[end.saturating_sub(self.count())..end]
    }

    /// Whether the window starts at the oldest message held.
    pub fn at_oldest(self, log: &[ShownMessage]) -> bool {
        self.end(log) <= self.count()
    }

    /// The window a step further back: wider, or, once at [`MOST`], moved.
    pub fn older(self, log: &[ShownMessage]) -> Window {
        let end = self.end(log);
        let wider = self.count() + STEP;
        if wider <= MOST {
            return match self {
                Window::Live { .. } => Window::Live { count: wider },
                Window::Back { newest, .. } => Window::Back {
                    newest,
                    count: wider,
                },
            };
        }
        // Let the newest end go: as far as the oldest end may still move.
        let start = end.saturating_sub(self.count());
        let moved = (wider - MOST).min(start);
        let new_end = (end - moved).max(1).min(log.len());
        match log.get(new_end.wrapping_sub(1)) {
            Some(newest) if new_end < log.len() => Window::Back {
                newest: newest.message.id,
                count: MOST,
            },
            _ => Window::Live { count: MOST },
        }
    }

    /// The window a step towards the newest: live again once it reaches it.
    pub fn newer(self, log: &[ShownMessage]) -> Window {
        let Window::Back { .. } = self else {
            return self;
        };
        let end = (self.end(log) + STEP).min(log.len());
        if end >= log.len() {
            return Window::Live {
                count: self.count(),
            };
        }
        Window::Back {
            newest: log[end - 1].message.id,
            count: self.count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use natter_shared::ChatMessage;

    use super::*;

    fn log(count: u64) -> Vec<ShownMessage> {
        (1..=count)
            .map(|id| ShownMessage {
                message: ChatMessage {
                    id,
                    room: "lobby".into(),
                    value: String::new(),
                    author: "ada".into(),
                    timestamp: 0,
                    nonce: None,
                    edited: None,
                },
                own: false,
            })
            .collect()
    }

    fn ids(window: Window, log: &[ShownMessage]) -> (u64, u64, usize) {
        let slice = window.slice(log);
        (
            slice.first().map_or(0, |s| s.message.id),
            slice.last().map_or(0, |s| s.message.id),
            slice.len(),
        )
    }

    #[test]
    fn a_live_window_holds_the_newest_and_slides() {
        let mut messages = log(1000);
        let window = Window::default();
        assert_eq!(ids(window, &messages), (941, 1000, FIRST));
        messages.extend(log(1001).into_iter().skip(1000));
        assert_eq!(ids(window, &messages), (942, 1001, FIRST));
        assert_eq!(ids(window, &log(10)), (1, 10, 10));
        assert!(window.at_oldest(&log(10)));
    }

    #[test]
    fn scrolling_back_widens_then_moves_and_stops_following() {
        let messages = log(1000);
        let mut window = Window::default();
        while window.is_live() {
            window = window.older(&messages);
        }
        let (first, last, count) = ids(window, &messages);
        assert_eq!(count, MOST);
        assert!(last < 1000);
        assert_eq!(last - first + 1, MOST as u64);
        // Forward again: live once it reaches the newest.
        let mut steps = 0;
        while !window.is_live() {
            window = window.newer(&messages);
            steps += 1;
        }
        assert!(steps <= 2);
        assert_eq!(ids(window, &messages).1, 1000);
    }

    #[test]
    fn a_window_never_holds_more_than_most() {
        let messages = log(5000);
        let mut window = Window::default();
        for _ in 0..200 {
            window = window.older(&messages);
            assert!(window.slice(&messages).len() <= MOST);
        }
        assert!(window.at_oldest(&messages));
        assert_eq!(ids(window, &messages).0, 1);
    }

    #[test]
    fn a_deleted_newest_keeps_the_window_in_place() {
        let mut messages = log(100);
        let window = Window::Back {
            newest: 50,
            count: 10,
        };
        messages.remove(49);
        assert_eq!(ids(window, &messages), (40, 49, 10));
    }
}
