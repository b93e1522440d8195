//! The shell's root: routes, the session provider, and protection of signed-in pages; the
//! pages module's routes render as a [`Deferred`], and the pages module hears of every change
//! of session ([`use_pages_session`]).

use yew::prelude::*;

use crate::api::Api;
use crate::components::layout::Layout;
use crate::hooks::{Session, SessionHandle, use_session};
use crate::pages::dashboard::Dashboard;
use crate::pages::{login::Login, placeholder::Placeholder, register::Register};
use crate::router::{Redirect, Router, use_navigator};
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

/// Every route with its path.
const PATHS: [(Route, &str); 11] = [
    (Route::Dashboard, "/"),
    (Route::Accounts, "/accounts"),
    (Route::Media, "/media"),
    (Route::Compose, "/compose"),
    (Route::Calendar, "/calendar"),
    (Route::Post, "/post"),
    (Route::Analytics, "/analytics"),
    (Route::Settings, "/settings"),
    (Route::Login, "/login"),
    (Route::Register, "/register"),
    (Route::NotFound, "/404"),
];

impl Route {
    /// The route for a location path (a trailing slash is ignored).
    pub fn from_path(path: &str) -> Route {
        let path = if path.len() > 1 {
            path.trim_end_matches('/')
        } else {
            path
        };
        PATHS
            .iter()
            .find(|(_, p)| *p == path)
            .map_or(Route::NotFound, |(r, _)| *r)
    }

    pub fn path(self) -> &'static str {
        PATHS
            .iter()
            .find(|(r, _)| *r == self)
            .map_or("/404", |(_, p)| p)
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

/// Renders the page of the current route.
#[function_component(Switch)]
fn switch() -> Html {
    match use_navigator().route() {
        Route::Login => html! { <Login /> },
        Route::Register => html! { <Register /> },
        other => html! { <Protected route={other} /> },
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
        Session::Loading => html! { <p class="auth-page muted">{ "Loading…" }</p> },
        Session::LoggedOut => html! { <Redirect to={Route::Login} /> },
        Session::LoggedIn(_) => page(props.route),
    }
}

/// The shell's own pages in the sidebar layout; every other page is the pages module's.
fn page(route: Route) -> Html {
    let soon = |title: &'static str, text: &'static str| html! { <Placeholder {title} {text} /> };
    let page = match route {
        Route::Dashboard => html! { <Dashboard /> },
        Route::NotFound | Route::Login | Route::Register => {
            soon("Not found", "This page does not exist.")
        }
        Route::Accounts
        | Route::Media
        | Route::Compose
        | Route::Calendar
        | Route::Post
        | Route::Analytics
        | Route::Settings => return html! { <Deferred /> },
    };
    html! { <Layout>{ page }</Layout> }
}
