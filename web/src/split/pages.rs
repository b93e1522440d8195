//! The pages module's side: its Yew app, rendered into the shell's slot with the shell's
//! session, showing the page of the current route.

use std::cell::RefCell;

use multitok_proto::v1 as pb;
use prost::Message;
use wasm_bindgen::JsValue;
use yew::AppHandle;
use yew::prelude::*;

use crate::api::Api;
use crate::app::Route;
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

/// Runs once when the module starts. Yew brands each element it renders with the id of the
/// app that owns it, and every app handles the events of the elements branded with its own
/// id; each module numbers its apps from 1, and the shell's one app is 1. So the pages module
/// spends its id 1 on an app it destroys at once: its own apps are 2 and up, and a click in a
/// page is never also taken for a click on the shell's element with the same listener number.
pub fn start() {
    #[function_component(Nothing)]
    fn nothing() -> Html {
        html! {}
    }
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("div").ok())
    {
        yew::Renderer::<Nothing>::with_root(element)
            .render()
            .destroy();
    }
}

/// Renders the pages app into `element` (replacing one already rendered).
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

/// Removes the pages app (the shell is showing one of its own pages).
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
    api.set_token(props.token.clone());
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

/// The page of the current route; the shell's own routes render nothing here.
#[function_component(Page)]
fn page() -> Html {
    match use_navigator().route() {
        Route::Accounts => html! { <Accounts /> },
        Route::Media => html! { <MediaPage /> },
        Route::Compose => html! { <Compose /> },
        Route::Calendar => html! { <CalendarPage /> },
        Route::Post => html! { <PostPage /> },
        Route::Analytics => html! { <AnalyticsPage /> },
        Route::Settings => html! { <Settings /> },
        Route::Dashboard | Route::Login | Route::Register | Route::NotFound => html! {},
    }
}
