//! The pages module: every page but sign-in and the dashboard, loaded by the shell the first
//! time one is opened. Its exports are called from the shell ([`multitok_web::split::shell`]).

use std::cell::RefCell;

use multitok_web::split::host::Host;
use multitok_web::split::pages::{self, PagesProps};
use wasm_bindgen::prelude::*;

fn main() {}

thread_local! {
    /// The shell's session function, given at mount.
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
}

/// Renders the current route's page into `element`, with the shell's session function and its
/// encoded session (`split::Handover`).
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, host: JsValue, handover: Vec<u8>) {
    let host = Host::from_js(host);
    HOST.with(|h| *h.borrow_mut() = Some(host.clone()));
    if let Some(props) = PagesProps::new(host, &handover) {
        pages::mount(element, props);
    }
}

/// Passes the shell's changed session on to the rendered pages.
#[wasm_bindgen]
pub fn update(handover: Vec<u8>) {
    let props = HOST
        .with(|h| h.borrow().clone())
        .and_then(|host| PagesProps::new(host, &handover));
    if let Some(props) = props {
        pages::update(props);
    }
}
