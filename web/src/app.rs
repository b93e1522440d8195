//! The shell's root: routes, the session provider, and protection of signed-in pages; the
//! pages module's routes render as a [`Deferred`], and the pages module hears of every change
//! of session ([`use_pages_session`]).

use yew::prelude::*;

use crate::api::Api;
use crate::components::layout::Layout;
use crate::hooks::{Session, SessionHandle, use_session};
use crate::pages::dashboard::Dashboard;
use crate::pages::login::Login;
use crate::router::{Link, Redirect, Router, use_navigator};
use crate::split::shell::{Deferred, use_pages_session};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Route {
    Dashboard,
    Accounts,
    Media,
    Compose,
    Calendar,
    Post,
    Analytics,
    Settings,
    Login,
    Register,
    NotFound,
}

/// Which of the app's two modules draws a page ([`crate::split`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Module {
    /// The first load: sign-in and the dashboard.
    Shell,
    /// Everything else, loaded the first time one of its pages opens.
    Pages,
}

/// The one route table: every route with its path and the module that draws it. Both modules
/// read it; each draws only its own routes.
const ROUTES: [(Route, &str, Module); 11] = [
    (Route::Dashboard, "/", Module::Shell),
    (Route::Accounts, "/accounts", Module::Pages),
    (Route::Media, "/media", Module::Pages),
    (Route::Compose, "/compose", Module::Pages),
    (Route::Calendar, "/calendar", Module::Pages),
    (Route::Post, "/post", Module::Pages),
    (Route::Analytics, "/analytics", Module::Pages),
    (Route::Settings, "/settings", Module::Pages),
    (Route::Login, "/login", Module::Shell),
    (Route::Register, "/register", Module::Pages),
    (Route::NotFound, "/404", Module::Shell),
];

impl Route {
    /// The route for a location path (a trailing slash is ignored).
    pub fn from_path(path: &str) -> Route {
        let path = if path.len() > 1 {
            path.trim_end_matches('/')
        } else {
            path
        };
        ROUTES
            .iter()
            .find(|(_, p, _)| *p == path)
            .map_or(Route::NotFound, |(r, _, _)| *r)
    }

    pub fn path(self) -> &'static str {
        ROUTES
            .iter()
            .find(|(r, _, _)| *r == self)
            .map_or("/404", |(_, p, _)| p)
    }

    pub fn module(self) -> Module {
        ROUTES
            .iter()
            .find(|(r, _, _)| *r == self)
            .map_or(Module::Shell, |(_, _, m)| *m)
    }

    /// Whether the page is for people who are not signed in.
    pub fn public(self) -> bool {
        matches!(self, Route::Login | Route::Register)
    }

    /// Every route's path, in the table's order.
    pub fn paths() -> impl Iterator<Item = &'static str> {
        ROUTES.iter().map(|(_, p, _)| *p)
    }

    /// Sidebar entries, in order, with their labels.
    pub const SECTIONS: [(Route, &'static str); 7] = [
        (Route::Dashboard, "Dashboard"),
        (Route::Accounts, "Accounts"),
        (Route::Media, "Media"),
        (Route::Compose, "Compose"),
        (Route::Calendar, "Calendar"),
        (Route::Analytics, "Analytics"),
        (Route::Settings, "Settings"),
    ];
}

#[function_component(App)]
pub fn app() -> Html {
    let api = use_memo((), |()| Api::from_origin());
    let session = use_state(|| Session::Loading);
    let selected = use_state(|| None::<String>);
    let handle = SessionHandle::new((*api).clone(), session, selected);
    use_pages_session(&handle);
    {
        let handle = handle.clone();
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move { handle.resume().await });
        });
    }
    html! {
        <ContextProvider<SessionHandle> context={handle}>
            <Router>
                <Switch />
            </Router>
        </ContextProvider<SessionHandle>>
    }
}

/// Renders the page of the current route; the pages module's pages are [`Deferred`].
#[function_component(Switch)]
fn switch() -> Html {
    let route = use_navigator().route();
    match (route.module(), route.public()) {
        (Module::Pages, true) => html! { <Deferred framed=false /> },
        (_, true) => html! { <Login /> },
        (_, false) => html! { <Protected {route} /> },
    }
}

#[derive(Properties, PartialEq)]
struct ProtectedProps {
    route: Route,
}

/// Signed-in pages inside the sidebar layout; others are sent to the login page.
#[function_component(Protected)]
fn protected(props: &ProtectedProps) -> Html {
    let session = use_session();
    match &*session.session {
        // The same as index.html's page before the app starts, so taking over does not blink.
        Session::Loading => html! {
            <div class="boot" aria-busy="true"><div class="brand">{ "Multi" }<span>{ "tok" }</span></div><p class="muted">{ "Loading…" }</p></div>
        },
        Session::LoggedOut => html! { <Redirect to={Route::Login} /> },
        Session::LoggedIn(_) if props.route.module() == Module::Pages => {
            html! { <Deferred framed=true /> }
        }
        Session::LoggedIn(_) if props.route == Route::Dashboard => {
            html! { <Layout><Dashboard /></Layout> }
        }
        Session::LoggedIn(_) => html! {
            <Layout>
                <h1>{ "Not found" }</h1>
                <div class="card"><p>{ "This page does not exist. " }<Link to={Route::Dashboard}>{ "Go to the dashboard" }</Link></p></div>
            </Layout>
        },
    }
}
