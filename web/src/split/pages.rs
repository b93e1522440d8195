//! The pages module's side: its Yew app, rendered into its own host element with the shell's
//! session, showing the page of the current route with the sidebar.

use std::cell::RefCell;

use multitok_proto::v1 as pb;
use prost::Message;
use wasm_bindgen::JsValue;
use yew::AppHandle;
use yew::prelude::*;

use crate::api::Api;
use crate::app::Route;
use crate::components::layout::Layout;
use crate::hooks::{Profile, Session, SessionHandle};
use crate::pages::accounts::Accounts;
use crate::pages::analytics::AnalyticsPage;
use crate::pages::calendar::CalendarPage;
use crate::pages::compose::Compose;
use crate::pages::media::MediaPage;
use crate::pages::post::PostPage;
use crate::pages::settings::Settings;
use crate::router::{Router, use_navigator};
use crate::split::host::Host;

/// What the shell hands over: its session functions, the access token, the profile and the
/// selected workspace.
#[derive(Properties, Clone, PartialEq)]
pub struct PagesProps {
    pub host: Host,
    pub token: Option<String>,
    pub profile: Profile,
    pub workspace: Option<String>,
}

impl PagesProps {
    /// Props from the shell's arguments; `None` when the profile does not decode.
    pub fn new(
        host: JsValue,
        token: Option<String>,
        me: &[u8],
        workspace: Option<String>,
    ) -> Option<Self> {
        let me = pb::MeResponse::decode(me).ok()?;
        Some(PagesProps {
            host: Host::from_js(host),
            token,
            profile: Profile::from(me),
            workspace,
        })
    }
}

thread_local! {
    static APP: RefCell<Option<AppHandle<PagesRoot>>> = const { RefCell::new(None) };
}

/// Renders the pages app into `element` (replacing one already rendered); it stays mounted,
/// following the history, until the shell unmounts it at sign-out.
pub fn mount(element: web_sys::Element, props: PagesProps) {
    unmount();
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

/// Removes the pages app (nobody is signed in any more).
pub fn unmount() {
    if let Some(app) = APP.with(|a| a.borrow_mut().take()) {
        app.destroy();
    }
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
    let session = use_state(|| Session::LoggedIn(props.profile.clone()));
    let selected = use_state(|| props.workspace.clone());
    {
        let (session, selected) = (session.clone(), selected.clone());
        use_effect_with(
            (props.profile.clone(), props.workspace.clone()),
            move |(profile, workspace)| {
                session.set(Session::LoggedIn(profile.clone()));
                selected.set(workspace.clone());
            },
        );
    }
    let handle = SessionHandle::new((*api).clone(), session, selected);
    html! {
        <ContextProvider<SessionHandle> context={handle}>
            <Router>
                <Page />
            </Router>
        </ContextProvider<SessionHandle>>
    }
}

/// The page of the current route in the sidebar layout; the shell's own routes render
/// nothing here.
#[function_component(Page)]
fn page() -> Html {
    let page = match use_navigator().route() {
        Route::Accounts => html! { <Accounts /> },
        Route::Media => html! { <MediaPage /> },
        Route::Compose => html! { <Compose /> },
        Route::Calendar => html! { <CalendarPage /> },
        Route::Post => html! { <PostPage /> },
        Route::Analytics => html! { <AnalyticsPage /> },
        Route::Settings => html! { <Settings /> },
        Route::Dashboard | Route::Login | Route::Register | Route::NotFound => return html! {},
    };
    html! { <Layout>{ page }</Layout> }
}
