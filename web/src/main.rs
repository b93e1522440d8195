//! The shell: the first load of the web app (sign-in, the sidebar, the dashboard).

use multitok_web::{app::App, split::SHELL_HOST};

fn main() {
    let host = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(SHELL_HOST));
    match host {
        Some(host) => yew::Renderer::<App>::with_root(host).render(),
        None => yew::Renderer::<App>::new().render(),
    };
}
