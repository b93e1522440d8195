//! The shell: the first load of the web app (sign-in, the sidebar, the dashboard).

use multitok_web::{app::App, app::Route, split::SHELL_HOST};
use wasm_bindgen::prelude::*;

fn main() {
    let host = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(SHELL_HOST));
    match host {
        Some(host) => yew::Renderer::<App>::with_root(host).render(),
        None => yew::Renderer::<App>::new().render(),
    };
}

/// Every route's path, from the one route table, separated by spaces (the browser tests visit
/// each).
#[wasm_bindgen]
pub fn routes() -> String {
    Route::paths().collect::<Vec<_>>().join(" ")
}
