//! The pages module: every page but the dashboard, loaded by the shell the first time one is
//! opened. Its exports are called from the shell ([`multitok_web::split::shell`]).

use multitok_web::split::pages::{self, PagesProps};
use wasm_bindgen::prelude::*;

fn main() {}

/// Renders the current route's page into `element` with the shell's session.
#[wasm_bindgen]
pub fn mount(
    element: web_sys::Element,
    host: JsValue,
    token: Option<String>,
    me: Vec<u8>,
    workspace: Option<String>,
) {
    if let Some(props) = PagesProps::new(host, token, &me, workspace) {
        pages::mount(element, props);
    }
}

/// Passes the shell's changed session on to the rendered pages.
#[wasm_bindgen]
pub fn update(host: JsValue, token: Option<String>, me: Vec<u8>, workspace: Option<String>) {
    if let Some(props) = PagesProps::new(host, token, &me, workspace) {
        pages::update(props);
    }
}

/// Removes the rendered pages.
#[wasm_bindgen]
pub fn unmount() {
    pages::unmount();
}
