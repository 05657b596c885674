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

/// `timestamp` as briefly as a list has room for: the time of day ("14:05")
/// when it is today, else the date ("20 Nov"), in the reader's locale.
pub fn brief(timestamp: i64) -> String {
    let then = date(timestamp);
    let today = js_sys::Date::new_0().to_date_string() == then.to_date_string();
    let options = js_sys::Object::new();
    let set = |key: &str, value: &str| {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    };
    if today {
        set("hour", "2-digit");
        set("minute", "2-digit");
        then.to_locale_time_string_with_options("default", &options)
            .into()
    } else {
        set("month", "short");
        set("day", "numeric");
        then.to_locale_date_string("default", &options).into()
    }
}

fn date(timestamp: i64) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(timestamp as f64))
}
