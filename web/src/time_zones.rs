//! IANA time zone names from the browser's `Intl.supportedValuesOf`, so the bundle carries no
//! tz database; the server validates whatever is chosen.

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Every zone the browser knows, or a short fallback list in old browsers.
pub fn all() -> Vec<String> {
    let from_intl = || -> Option<Vec<String>> {
        let intl = Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok()?;
        let f: Function = Reflect::get(&intl, &JsValue::from_str("supportedValuesOf"))
            .ok()?
            .dyn_into()
            .ok()?;
        let list: Array = f
            .call1(&intl, &JsValue::from_str("timeZone"))
            .ok()?
            .dyn_into()
            .ok()?;
        Some(list.iter().filter_map(|v| v.as_string()).collect())
    };
    let mut zones = from_intl().unwrap_or_else(|| {
        [
            "America/New_York",
            "America/Los_Angeles",
            "Europe/London",
            "Europe/Berlin",
            "Asia/Tokyo",
        ]
        .map(String::from)
        .to_vec()
    });
    if !zones.iter().any(|z| z == "UTC") {
        zones.insert(0, "UTC".to_owned());
    }
    zones
}
