//! The pages module's side: its Yew app, rendered into its own host element with the shell's
//! session, showing the page of the current route with the sidebar.

use std::cell::RefCell;

use prost::Message;
use yew::AppHandle;
use yew::prelude::*;

use crate::api::Api;
use crate::app::{Module, Route};
use crate::components::layout::Layout;
use crate::components::toast::ToastHost;
use crate::hooks::{Profile, Session, SessionHandle, use_session};
use crate::pages::accounts::Accounts;
use crate::pages::analytics::AnalyticsPage;
use crate::pages::calendar::CalendarPage;
use crate::pages::compose::Compose;
use crate::pages::media::MediaPage;
use crate::pages::post::PostPage;
use crate::pages::register::Register;
use crate::pages::settings::Settings;
use crate::router::{Router, use_navigator};
use crate::split::Handover;
use crate::split::host::Host;

/// What the shell hands over: its session function and the decoded [`Handover`].
#[derive(Properties, Clone, PartialEq)]
pub struct PagesProps {
    pub host: Host,
    pub token: Option<String>,
    /// Who is signed in; none while nobody is.
    pub profile: Option<Profile>,
    pub workspace: Option<String>,
}

impl PagesProps {
    /// Props from the shell's host function and encoded handover; `None` when it does not decode.
    pub fn new(host: Host, handover: &[u8]) -> Option<Self> {
        let h = Handover::decode(handover).ok()?;
        Some(PagesProps {
            host,
            token: h.token,
            profile: h.me.map(Profile::from),
            workspace: h.workspace,
        })
    }
}

thread_local! {
    static APP: RefCell<Option<AppHandle<PagesRoot>>> = const { RefCell::new(None) };
}

/// Renders the pages app into `element` (replacing one already rendered); it stays mounted,
/// following the history and the shell's session.
pub fn mount(element: web_sys::Element, props: PagesProps) {
    if let Some(app) = APP.with(|a| a.borrow_mut().take()) {
        app.destroy();
    }
    let app = yew::Renderer::<PagesRoot>::with_root_and_props(element, props).render();
    APP.with(|a| *a.borrow_mut() = Some(app));
}

/// Hands the pages app the shell's latest session.
pub fn update(props: PagesProps) {
    APP.with(|a| {
        if let Some(app) = a.borrow_mut().as_mut() {
            app.update(props);
        }
    });
}

/// The pages app: the shell's session in a context, its own router on the same history.
#[function_component(PagesRoot)]
pub fn pages_root(props: &PagesProps) -> Html {
    let api = {
        let host = props.host.clone();
        use_memo((), move |()| Api::hosted(host))
    };
    {
        // A token refreshed through the shell since is newer than the one handed over.
        let api = api.clone();
        use_memo(props.token.clone(), move |token| {
            api.set_token(token.clone())
        });
    }
    let signed_in = |p: &Option<Profile>| p.clone().map_or(Session::LoggedOut, Session::LoggedIn);
    let session = use_state(|| signed_in(&props.profile));
    let selected = use_state(|| props.workspace.clone());
    {
        let (session, selected) = (session.clone(), selected.clone());
        use_effect_with(
            (props.profile.clone(), props.workspace.clone()),
            move |(profile, workspace)| {
                session.set(signed_in(profile));
                selected.set(workspace.clone());
            },
        );
    }
    let handle = SessionHandle::new((*api).clone(), session, selected);
    html! {
        <ContextProvider<SessionHandle> context={handle}>
            <Router>
                <ToastHost><Page /></ToastHost>
            </Router>
        </ContextProvider<SessionHandle>>
    }
}

/// The page of the current route, in the sidebar layout when it is for signed-in people; the
/// shell's routes render nothing here, and neither do signed-in pages while nobody is (the
/// shell sends them to the login page).
#[function_component(Page)]
fn page() -> Html {
    let route = use_navigator().route();
    let session = use_session();
    let signed_in = matches!(*session.session, Session::LoggedIn(_));
    if route.module() != Module::Pages || (!route.public() && !signed_in) {
        return html! {};
    }
    let page = match route {
        Route::Register => return html! { <Register /> },
        Route::Accounts => html! { <Accounts /> },
        Route::Media => html! { <MediaPage /> },
        Route::Compose => html! { <Compose /> },
        Route::Calendar => html! { <CalendarPage /> },
        Route::Post => html! { <PostPage /> },
        Route::Analytics => html! { <AnalyticsPage /> },
        Route::Settings => html! { <Settings /> },
        Route::Dashboard | Route::Login | Route::NotFound => return html! {},
    };
    html! { <Layout>{ page }</Layout> }
}
