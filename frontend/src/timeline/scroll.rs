//! Where the reading position is, in the page: the list's distances from
//! its ends, the row at its top edge, and scrolling to the newest end. The
//! message list holds its place across changes with these.

use wasm_bindgen::JsCast;

use crate::timeline::layout::Order;

/// Where the reading position is held across a change of the rows: a row
/// and how far below the list's top edge it was.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Anchor {
    pub(crate) key: String,
    pub(crate) offset: f64,
}

/// Scrolls `list` to its newest end.
pub(crate) fn to_newest_end(list: &web_sys::HtmlDivElement, order: Order) {
    match order {
        Order::NewestFirst => list.set_scroll_top(0),
        Order::NewestLast => list.set_scroll_top(list.scroll_height()),
    }
}

/// How far `list` is scrolled from its newest end and from its oldest, in
/// pixels.
pub(crate) fn distances(list: &web_sys::HtmlDivElement, order: Order) -> (f64, f64) {
    let top = f64::from(list.scroll_top());
    let bottom = f64::from(list.scroll_height() - list.client_height()) - top;
    match order {
        Order::NewestFirst => (top, bottom),
        Order::NewestLast => (bottom, top),
    }
}

/// The first row at least partly in view, and how far below the list's top
/// edge it is.
pub(crate) fn capture(list: &web_sys::HtmlDivElement) -> Option<Anchor> {
    let top = list.get_bounding_client_rect().top();
    let rows = list.query_selector_all("[data-key]").ok()?;
    for index in 0..rows.length() {
        let Some(row) = rows
            .item(index)
            .and_then(|row| row.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let rect = row.get_bounding_client_rect();
        if rect.bottom() > top {
            return Some(Anchor {
                key: row.get_attribute("data-key")?,
                offset: rect.top() - top,
            });
        }
    }
    None
}

pub(crate) fn row_by_key(list: &web_sys::HtmlDivElement, key: &str) -> Option<web_sys::Element> {
    list.query_selector(&format!("[data-key=\"{key}\"]"))
        .ok()
        .flatten()
}

pub(crate) fn top_within(list: &web_sys::HtmlDivElement, row: &web_sys::Element) -> f64 {
    row.get_bounding_client_rect().top() - list.get_bounding_client_rect().top()
}

/// Whether `row` is wholly in view in `list`.
pub(crate) fn fits(list: &web_sys::HtmlDivElement, row: &web_sys::Element) -> bool {
    let outer = list.get_bounding_client_rect();
    let inner = row.get_bounding_client_rect();
    inner.top() >= outer.top() && inner.bottom() <= outer.bottom()
}
