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
mod tests {
    use natter_shared::ChatMessage;

    use super::*;
    use crate::outbox::Delivery;

    const MINUTE: i64 = 60 * 1000;
    const DAY: i64 = 24 * 60 * MINUTE;

    fn message(id: u64, author: &str, at: i64) -> ShownMessage {
        ShownMessage {
            message: ChatMessage {
                id,
                room: "lobby".into(),
                value: format!("m{id}"),
                author: author.into(),
                timestamp: at,
                nonce: None,
                edited: None,
            },
            own: author == "me",
        }
    }

    fn day_of(at: i64) -> i32 {
        (at / DAY) as i32
    }

    /// The rows as short words: `day0`, `new`, `start`, `ada:1` (a header)
    /// or `:1` (grouped), `me:~n1` (pending).
    fn sketch(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|row| match row {
                Row::Day { day, .. } => format!("day{day}"),
                Row::Unread => "new".into(),
                Row::Beginning => "start".into(),
                Row::Message { item, header } => {
                    let (who, what) = match item {
                        Item::Delivered(shown) => {
                            (shown.message.author.clone(), shown.message.id.to_string())
                        }
                        Item::Pending(entry) => ("me".into(), format!("~{}", entry.nonce)),
                    };
                    if *header {
                        format!("{who}:{what}")
                    } else {
                        format!(":{what}")
                    }
                }
            })
            .collect()
    }

    fn lay_out(
        delivered: &[ShownMessage],
        pending: &[OutboxEntry],
        new_since: Option<&NewSince>,
        beginning: bool,
        order: Order,
    ) -> Vec<String> {
        sketch(&rows(
            &Shown {
                delivered,
                pending,
                new_since,
                beginning,
                me: "me",
                order,
            },
            day_of,
        ))
    }

    fn pending(nonce: &str, at: i64) -> OutboxEntry {
        OutboxEntry {
            nonce: nonce.into(),
            value: "typed".into(),
            written_at: at,
            room: "lobby".into(),
            delivery: Delivery::Pending,
            change: None,
        }
    }

    #[test]
    fn one_authors_messages_close_together_share_a_header() {
        let messages = [
            message(1, "ada", 0),
            message(2, "ada", MINUTE),
            message(3, "bob", 2 * MINUTE),
            message(4, "ada", 3 * MINUTE),
            // Long after: a group of its own.
            message(5, "ada", 3 * MINUTE + GROUP_WITHIN_MS + 1),
        ];
        assert_eq!(
            lay_out(&messages, &[], None, false, Order::NewestLast),
            ["day0", "ada:1", ":2", "bob:3", "ada:4", "ada:5"]
        );
        // Newest first: the header tops each group as it reads.
        assert_eq!(
            lay_out(&messages, &[], None, false, Order::NewestFirst),
            ["day0", "ada:5", "ada:4", "bob:3", "ada:2", ":1"]
        );
    }

    #[test]
    fn days_are_separated_and_part_groups() {
        let messages = [
            message(1, "ada", DAY - MINUTE),
            message(2, "ada", DAY + MINUTE),
            message(3, "ada", DAY + 2 * MINUTE),
        ];
        assert_eq!(
            lay_out(&messages, &[], None, true, Order::NewestLast),
            ["start", "day0", "ada:1", "day1", "ada:2", ":3"]
        );
        assert_eq!(
            lay_out(&messages, &[], None, true, Order::NewestFirst),
            ["day1", "ada:3", ":2", "day0", "ada:1", "start"]
        );
    }

    #[test]
    fn the_unread_line_sits_between_read_and_new_in_both_orders() {
        let messages = [
            message(1, "ada", 0),
            message(2, "ada", MINUTE),
            message(3, "ada", 2 * MINUTE),
            message(4, "bob", 3 * MINUTE),
        ];
        let line = NewSince {
            room: "lobby".into(),
            after: 2,
            upto: 4,
        };
        assert_eq!(
            lay_out(&messages, &[], Some(&line), false, Order::NewestLast),
            ["day0", "ada:1", ":2", "new", "ada:3", "bob:4"]
        );
        assert_eq!(
            lay_out(&messages, &[], Some(&line), false, Order::NewestFirst),
            ["day0", "bob:4", "ada:3", "new", "ada:2", ":1"]
        );
    }

    #[test]
    fn our_own_new_messages_do_not_draw_the_line() {
        let messages = [message(1, "ada", 0), message(2, "me", MINUTE)];
        let line = NewSince {
            room: "lobby".into(),
            after: 1,
            upto: 2,
        };
        assert_eq!(
            lay_out(&messages, &[], Some(&line), false, Order::NewestLast),
            ["day0", "ada:1", "me:2"]
        );
    }

    #[test]
    fn pending_messages_come_last_and_join_our_group() {
        let messages = [message(1, "me", 0)];
        let waiting = [pending("n1", MINUTE), pending("n2", 2 * MINUTE)];
        assert_eq!(
            lay_out(&messages, &waiting, None, false, Order::NewestLast),
            ["day0", "me:1", ":~n1", ":~n2"]
        );
        assert_eq!(
            lay_out(&messages, &waiting, None, false, Order::NewestFirst),
            ["day0", "me:~n2", ":~n1", ":1"]
        );
    }

    #[test]
    fn an_empty_room_shows_only_its_beginning() {
        assert_eq!(lay_out(&[], &[], None, true, Order::NewestFirst), ["start"]);
        assert!(lay_out(&[], &[], None, false, Order::NewestLast).is_empty());
    }

    #[test]
    fn a_changed_header_or_edit_changes_the_key() {
        let mut shown = message(1, "ada", 0);
        let first = Row::Message {
            item: Item::Delivered(shown.clone()),
            header: true,
        };
        shown.message.edited = Some(5);
        let edited = Row::Message {
            item: Item::Delivered(shown.clone()),
            header: true,
        };
        let grouped = Row::Message {
            item: Item::Delivered(shown),
            header: false,
        };
        assert_ne!(first.key(), edited.key());
        assert_ne!(edited.key(), grouped.key());
    }
}
