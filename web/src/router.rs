//! A small client-side router over the browser's History API: the current route lives in a
//! context, links push history entries, back/forward is followed through `popstate`. The server
//! answers every unknown path with `index.html`, so deep links work. Each change of entry is
//! announced with a [`NAVIGATED`] event, so the routers of both of the app's modules follow it.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use crate::app::Route;

/// The current route and a way to change it.
#[derive(Clone, PartialEq)]
pub struct Navigator {
    current: UseStateHandle<Route>,
}

/// The window event sent after a history entry is pushed or replaced.
pub const NAVIGATED: &str = "multitok-navigated";

fn announce() {
    if let (Some(w), Ok(event)) = (web_sys::window(), web_sys::Event::new(NAVIGATED)) {
        let _ = w.dispatch_event(&event);
    }
}

fn location_route() -> Route {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    Route::from_path(&path)
}

impl Navigator {
    pub fn route(&self) -> Route {
        *self.current
    }

    /// Goes to `url` (a path with a query) of `route`, adding a history entry.
    pub fn go_to(&self, route: Route, url: &str) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
        }
        self.current.set(route);
        announce();
    }

    /// Goes to `route`, adding a history entry (or replacing the current one).
    pub fn go(&self, route: Route, replace: bool) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let url = Some(route.path());
            let _ = if replace {
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", url)
            } else {
                history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", url)
            };
        }
        self.current.set(route);
        announce();
    }
}

#[derive(Properties, PartialEq)]
pub struct RouterProps {
    pub children: Html,
}

/// Provides the [`Navigator`] and follows back/forward.
#[function_component(Router)]
pub fn router(props: &RouterProps) -> Html {
    let current = use_state(location_route);
    {
        let current = current.clone();
        use_effect_with((), move |()| {
            let listener = Closure::<dyn Fn()>::new(move || current.set(location_route()));
            let window = web_sys::window();
            if let Some(w) = &window {
                for event in ["popstate", NAVIGATED] {
                    let _ = w
                        .add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
                }
            }
            move || {
                if let Some(w) = window {
                    for event in ["popstate", NAVIGATED] {
                        let _ = w.remove_event_listener_with_callback(
                            event,
                            listener.as_ref().unchecked_ref(),
                        );
                    }
                }
            }
        });
    }
    html! {
        <ContextProvider<Navigator> context={Navigator { current }}>{ props.children.clone() }</ContextProvider<Navigator>>
    }
}

/// The navigator; only missing outside [`Router`], which is a programming error.
#[hook]
pub fn use_navigator() -> Navigator {
    #[allow(clippy::expect_used)]
    use_context::<Navigator>().expect("Navigator context is provided by Router")
}

#[derive(Properties, PartialEq)]
pub struct LinkProps {
    pub to: Route,
    #[prop_or_default]
    pub classes: Classes,
    /// A query string (without `?`) for the route's path.
    #[prop_or_default]
    pub query: Option<String>,
    pub children: Html,
}

/// An `<a>` that navigates without reloading the page.
#[function_component(Link)]
pub fn link(props: &LinkProps) -> Html {
    let navigator = use_navigator();
    let to = props.to;
    let href = match &props.query {
        Some(q) => format!("{}?{q}", to.path()),
        None => to.path().to_owned(),
    };
    let current = (navigator.route() == to && props.query.is_none()).then_some("page");
    let onclick = {
        let href = href.clone();
        Callback::from(move |e: MouseEvent| {
            if !(e.ctrl_key() || e.meta_key() || e.shift_key()) {
                e.prevent_default();
                navigator.go_to(to, &href);
            }
        })
    };
    html! { <a {href} class={props.classes.clone()} aria-current={current} {onclick}>{ props.children.clone() }</a> }
}

#[derive(Properties, PartialEq)]
pub struct RedirectProps {
    pub to: Route,
}

/// Replaces the current history entry with `to` once rendered.
#[function_component(Redirect)]
pub fn redirect(props: &RedirectProps) -> Html {
    let navigator = use_navigator();
    let to = props.to;
    use_effect_with(to, move |to| navigator.go(*to, true));
    html! {}
}
