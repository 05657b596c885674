//! Showing server timestamps in the reader's own time zone and locale.

use wasm_bindgen::JsValue;

/// `timestamp` (ms since the Unix epoch) as a local time of day, e.g. "14:05:09".
pub fn local_time(timestamp: i64) -> String {
    date(timestamp).to_locale_time_string("default").into()
}

/// `timestamp` as an ISO 8601 string, for `<time datetime>`.
pub fn iso(timestamp: i64) -> String {
    date(timestamp).to_iso_string().into()
}

fn date(timestamp: i64) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(timestamp as f64))
}
