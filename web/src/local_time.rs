//! Instants shown in a named time zone through the browser's `Intl` (no time-zone data in the
//! bundle), and the page's query parameters.

use js_sys::{Date, Object, Reflect};
use multitok_shared::calendar::Day;
use wasm_bindgen::JsValue;

fn options(zone: &str, pairs: &[(&str, &str)]) -> JsValue {
    let o = Object::new();
    let _ = Reflect::set(&o, &"timeZone".into(), &zone.into());
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &(*k).into(), &(*v).into());
    }
    o.into()
}

fn date_of(seconds: i64) -> Date {
    Date::new(&JsValue::from_f64(seconds as f64 * 1000.0))
}

/// `YYYY-MM-DD` of the instant in `zone`.
pub fn local_day(seconds: i64, zone: &str) -> Option<Day> {
    let text: String = date_of(seconds)
        .to_locale_date_string(
            "en-CA",
            &options(
                zone,
                &[
                    ("year", "numeric"),
                    ("month", "2-digit"),
                    ("day", "2-digit"),
                ],
            ),
        )
        .into();
    Day::parse(&text)
}

/// `HH:MM` (24 hours) of the instant in `zone`.
pub fn local_clock(seconds: i64, zone: &str) -> String {
    date_of(seconds)
        .to_locale_time_string_with_options(
            "en-GB",
            &options(
                zone,
                &[
                    ("hour", "2-digit"),
                    ("minute", "2-digit"),
                    ("hourCycle", "h23"),
                ],
            ),
        )
        .into()
}

/// A readable date and time of the instant in `zone`.
pub fn local_text(seconds: i64, zone: &str) -> String {
    date_of(seconds)
        .to_locale_string(
            "default",
            &options(zone, &[("dateStyle", "medium"), ("timeStyle", "short")]),
        )
        .into()
}

/// Seconds since the epoch now.
pub fn now_seconds() -> i64 {
    (Date::now() / 1000.0) as i64
}

/// A query parameter of the page URL.
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search.trim_start_matches('?').split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| {
            js_sys::decode_uri_component(&v.replace('+', " "))
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
        })
    })
}

/// A timestamp for a whole day count (midnight UTC).
pub fn day_start(day: Day) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: day.to_days() * 86_400,
        nanos: 0,
    }
}
