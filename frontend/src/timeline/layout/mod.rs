//! What the list shows, row by row, for a run of a room's messages: day
//! separators, the line above what came while the person was away, and
//! consecutive messages of one author grouped under one name.
//!
//! Pure: it knows nothing of the page, so it is tested natively, and it
//! costs one pass over the rows shown, however long the room is.

use crate::model::ShownMessage;
use crate::new_since::NewSince;
use crate::outbox::OutboxEntry;

/// Messages by one author within this long of the one before are grouped
/// under one name.
pub const GROUP_WITHIN_MS: i64 = 5 * 60 * 1000;

/// Which end of the list the newest message is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Newest at the top, the composer above it (the default).
    #[default]
    NewestFirst,
    /// Newest at the bottom, the composer below it.
    NewestLast,
}

/// One message of the list: delivered, or ours still on its way.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Stored by the server.
    Delivered(ShownMessage),
    /// Ours, not confirmed yet.
    Pending(OutboxEntry),
}

impl Item {
    /// Who wrote it.
    fn author<'a>(&'a self, me: &'a str) -> &'a str {
        match self {
            Item::Delivered(shown) => &shown.message.author,
            Item::Pending(_) => me,
        }
    }

    /// When it was written.
    pub fn timestamp(&self) -> i64 {
        match self {
            Item::Delivered(shown) => shown.message.timestamp,
            Item::Pending(entry) => entry.written_at,
        }
    }
}

/// A row of the list.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// The day the messages below it (in reading order) were written:
    /// `day` counts days in the reader's time zone, `at` is one of its
    /// messages' timestamps, to name it by.
    Day {
        /// The day's number.
        day: i32,
        /// A moment of that day.
        at: i64,
    },
    /// "New since you left": between what had been read and what had not.
    Unread,
    /// The room's first message is the one next to this.
    Beginning,
    /// A message; `header` when it starts a group (name and avatar shown).
    Message {
        /// The message.
        item: Item,
        /// Whether its author's name and avatar are shown.
        header: bool,
    },
}

/// What identifies a row to the list: a row whose key changes is drawn
/// again.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RowKey {
    /// A day separator.
    Day(i32),
    /// The unread line.
    Unread,
    /// The beginning of the room.
    Beginning,
    /// A delivered message: its id, its edit, and whether it heads a group.
    Delivered(u64, Option<i64>, bool),
    /// A pending one: its nonce, its state, and whether it heads a group.
    Pending(String, &'static str, bool),
}

impl Row {
    /// This row's key.
    pub fn key(&self) -> RowKey {
        match self {
            Row::Day { day, .. } => RowKey::Day(*day),
            Row::Unread => RowKey::Unread,
            Row::Beginning => RowKey::Beginning,
            Row::Message {
                item: Item::Delivered(shown),
                header,
            } => RowKey::Delivered(shown.message.id, shown.message.edited, *header),
            Row::Message {
                item: Item::Pending(entry),
                header,
            } => RowKey::Pending(entry.nonce.clone(), entry.delivery.name(), *header),
        }
    }
}

/// What to lay out.
pub struct Shown<'a> {
    /// Delivered messages, oldest first.
    pub delivered: &'a [ShownMessage],
    /// Ours on their way, oldest first: they follow every delivered one.
    pub pending: &'a [OutboxEntry],
    /// Where the unread line goes, if anywhere.
    pub new_since: Option<&'a NewSince>,
    /// Whether the first of `delivered` is the room's first message.
    pub beginning: bool,
    /// The name our pending messages are shown under.
    pub me: &'a str,
    /// Which way the list reads.
    pub order: Order,
}

/// The rows for `shown`, top to bottom; `day_of` numbers a timestamp's day
/// in the reader's time zone.
pub fn rows(shown: &Shown, day_of: impl Fn(i64) -> i32) -> Vec<Row> {
    let items: Vec<Item> = shown
        .delivered
        .iter()
        .cloned()
        .map(Item::Delivered)
        .chain(shown.pending.iter().cloned().map(Item::Pending))
        .collect();
    let days: Vec<i32> = items.iter().map(|item| day_of(item.timestamp())).collect();
    // The first message the line goes above: the oldest new one by
    // someone else.
    let line_at = shown.new_since.and_then(|line| {
        items.iter().position(|item| match item {
            Item::Delivered(message) => {
                !message.own && (line.after + 1..=line.upto).contains(&message.message.id)
            }
            Item::Pending(_) => false,
        })
    });
    // Group numbers: a new group at a new author, a new day, a long pause,
    // or the unread line.
    let mut groups = Vec::with_capacity(items.len());
    let mut group = 0usize;
    for (at, item) in items.iter().enumerate() {
        if at > 0 {
            let before = &items[at - 1];
            let same = before.author(shown.me) == item.author(shown.me)
                && days[at - 1] == days[at]
                && item.timestamp() - before.timestamp() <= GROUP_WITHIN_MS
                && line_at != Some(at);
            if !same {
                group += 1;
            }
        }
        groups.push(group);
    }
    let mut rows = Vec::with_capacity(items.len() + 4);
    let count = items.len();
    match shown.order {
        Order::NewestLast => {
            if shown.beginning {
                rows.push(Row::Beginning);
            }
            for (at, item) in items.into_iter().enumerate() {
                if at == 0 || days[at] != days[at - 1] {
                    rows.push(Row::Day {
                        day: days[at],
                        at: item.timestamp(),
                    });
                }
                if line_at == Some(at) {
                    rows.push(Row::Unread);
                }
                let header = at == 0 || groups[at] != groups[at - 1];
                rows.push(Row::Message { item, header });
            }
        }
        Order::NewestFirst => {
            let mut items = items;
            for at in (0..count).rev() {
                let item = items.pop().expect("one item per index");
                if at == count - 1 || days[at] != days[at + 1] {
                    rows.push(Row::Day {
                        day: days[at],
                        at: item.timestamp(),
                    });
                }
                let header = at == count - 1 || groups[at] != groups[at + 1];
                rows.push(Row::Message { item, header });
                if line_at == Some(at) {
                    rows.push(Row::Unread);
                }
            }
            if shown.beginning {
                rows.push(Row::Beginning);
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests;
