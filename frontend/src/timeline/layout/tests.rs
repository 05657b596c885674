//! The rows' unit tests: days, groups and the unread line, both ways up.

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
