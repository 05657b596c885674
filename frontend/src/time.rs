//! Showing server timestamps in the reader's own time zone and locale.

use wasm_bindgen::JsValue;

const DAY_MS: f64 = 24.0 * 60.0 * 60.0 * 1000.0;

/// `timestamp` (ms since the Unix epoch) as a local time of day, e.g. "14:05:09".
pub fn local_time(timestamp: i64) -> String {
    date(timestamp).to_locale_time_string("default").into()
}

/// `timestamp` as the hour and minute, as the list shows it: "14:05", or
/// "2:05 PM" where the reader's locale says so.
pub fn short_time(timestamp: i64) -> String {
    let options = options(&[("hour", "numeric"), ("minute", "2-digit")]);
    date(timestamp)
        .to_locale_time_string_with_options("default", &options)
        .into()
}

/// `timestamp` as a whole date and time, for hover and screen readers:
/// "Tuesday, 8 December 2026 at 14:05:09".
pub fn full_date_time(timestamp: i64) -> String {
    let options = options(&[
        ("weekday", "long"),
        ("year", "numeric"),
        ("month", "long"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "2-digit"),
        ("second", "2-digit"),
    ]);
    date(timestamp).to_locale_string("default", &options).into()
}

/// `timestamp` as an ISO 8601 string, for `<time datetime>`.
pub fn iso(timestamp: i64) -> String {
    date(timestamp).to_iso_string().into()
}

/// The day `timestamp` falls on in the reader's time zone, as a number
/// (days since 1970-01-01 there): two messages on one local day share it.
pub fn day_number(timestamp: i64) -> i32 {
    let then = date(timestamp);
    // Minutes behind UTC (so positive west of Greenwich).
    let offset_ms = then.get_timezone_offset() * 60_000.0;
    ((timestamp as f64 - offset_ms) / DAY_MS).floor() as i32
}

/// What a day separator says: "Today", "Yesterday", the weekday within the
/// week, else the date (with the year when it is not this one).
pub fn day_label(timestamp: i64) -> String {
    let now = js_sys::Date::now() as i64;
    let days_ago = day_number(now) - day_number(timestamp);
    match days_ago {
        0 => "Today".to_owned(),
        1 => "Yesterday".to_owned(),
        2..=6 => date(timestamp)
            .to_locale_date_string("default", &options(&[("weekday", "long")]))
            .into(),
        _ => {
            let this_year = date(now).get_full_year() == date(timestamp).get_full_year();
            let mut wanted = vec![("weekday", "long"), ("month", "long"), ("day", "numeric")];
            if !this_year {
                wanted.push(("year", "numeric"));
            }
            date(timestamp)
                .to_locale_date_string("default", &options(&wanted))
                .into()
        }
    }
}

/// `timestamp` as briefly as a list has room for: the time of day ("14:05")
/// when it is today, else the date ("20 Nov"), in the reader's locale.
pub fn brief(timestamp: i64) -> String {
    let then = date(timestamp);
    let today = js_sys::Date::new_0().to_date_string() == then.to_date_string();
    if today {
        then.to_locale_time_string_with_options(
            "default",
            &options(&[("hour", "2-digit"), ("minute", "2-digit")]),
        )
        .into()
    } else {
        then.to_locale_date_string(
            "default",
            &options(&[("month", "short"), ("day", "numeric")]),
        )
        .into()
    }
}

fn options(pairs: &[(&str, &str)]) -> js_sys::Object {
    let options = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&options, &(*key).into(), &(*value).into());
    }
    options
}

fn date(timestamp: i64) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(timestamp as f64))
}
