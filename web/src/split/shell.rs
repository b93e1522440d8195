//! The shell's side: imports the pages module the first time one of its pages is opened,
//! mounts its app once into its own host element, and keeps it told of the session.

use std::cell::RefCell;

use js_sys::Promise;
use prost::Message;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::api::{Api, spawn_cancellable};
use crate::components::layout::Layout;
use crate::hooks::SessionHandle;
use crate::split::host::Host;
use crate::split::{PAGES_HOST, PAGES_MODULE};

#[wasm_bindgen(inline_js = "
let loading = null;
export function load_pages(url) {
  if (!loading) {
    loading = import(url)
      .then(async (m) => { await m.default(); return m; })
      .catch((e) => { loading = null; throw e; });
  }
  return loading;
}
")]
extern "C" {
    /// Imports and starts the pages module once; resolves to its exports.
    fn load_pages(url: &str) -> Promise;
}

#[wasm_bindgen]
extern "C" {
    /// The pages module's exports (`src/bin/pages.rs`).
    #[derive(Clone)]
    type PagesModule;

    #[wasm_bindgen(method)]
    fn mount(
        this: &PagesModule,
        element: &web_sys::Element,
        host: &JsValue,
        token: Option<String>,
        me: &[u8],
        workspace: Option<String>,
    );

    #[wasm_bindgen(method)]
    fn update(
        this: &PagesModule,
        host: &JsValue,
        token: Option<String>,
        me: &[u8],
        workspace: Option<String>,
    );

    #[wasm_bindgen(method)]
    fn unmount(this: &PagesModule);
}

/// The signed-in session as the pages module gets it.
#[derive(Clone)]
struct Handover {
    host: Host,
    api: Api,
    me: Vec<u8>,
    workspace: Option<String>,
}

thread_local! {
    /// The latest session while someone is signed in (kept by [`use_pages_session`]).
    static SESSION: RefCell<Option<Handover>> = const { RefCell::new(None) };
    /// The pages module while its app is mounted.
    static MOUNTED: RefCell<Option<PagesModule>> = const { RefCell::new(None) };
}

fn mounted() -> bool {
    MOUNTED.with(|m| m.borrow().is_some())
}

/// Mounts the pages app into its host element with the latest session, unless it is already
/// mounted or nobody is signed in; whether it is mounted afterwards.
fn mount_pages(pages: PagesModule) -> bool {
    if mounted() {
        return true;
    }
    let Some(now) = SESSION.with(|s| s.borrow().clone()) else {
        return false;
    };
    let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(PAGES_HOST))
    else {
        return false;
    };
    pages.mount(
        &element,
        now.host.as_js(),
        now.api.token(),
        &now.me,
        now.workspace,
    );
    MOUNTED.with(|m| *m.borrow_mut() = Some(pages));
    true
}

/// Keeps the pages app told of the shell's session: each change of profile or workspace is
/// passed on, and signing out unmounts it. Used once, by the shell's root.
#[hook]
pub fn use_pages_session(session: &SessionHandle) {
    let host = {
        let session = session.clone();
        use_memo((), move |()| Host::for_session(&session))
    };
    let profile = session.profile();
    let workspace = session.workspace().and_then(|m| m.workspace).map(|w| w.id);
    let api = session.api.clone();
    use_effect_with((profile, workspace), move |(profile, workspace)| {
        let Some(me) = profile.as_ref().map(|p| p.to_me().encode_to_vec()) else {
            SESSION.with(|s| *s.borrow_mut() = None);
            if let Some(pages) = MOUNTED.with(|m| m.borrow_mut().take()) {
                pages.unmount();
            }
            return;
        };
        let now = Handover {
            host: (*host).clone(),
            api,
            me,
            workspace: workspace.clone(),
        };
        MOUNTED.with(|m| {
            if let Some(pages) = m.borrow().as_ref() {
                let token = now.api.token();
                pages.update(now.host.as_js(), token, &now.me, now.workspace.clone());
            }
        });
        SESSION.with(|s| *s.borrow_mut() = Some(now));
    });
}

#[derive(Clone, Copy, PartialEq)]
enum Loading {
    Pending,
    Ready,
    Failed,
}

/// What the shell shows for a page of the pages module: nothing once that module's app is
/// mounted (it draws the page, sidebar included, in its own host element), the sidebar with
/// a loading line while the module is fetched, or the reason it could not be.
#[function_component(Deferred)]
pub fn deferred() -> Html {
    let loading = use_state(|| {
        if mounted() {
            Loading::Ready
        } else {
            Loading::Pending
        }
    });
    {
        let loading = loading.clone();
        use_effect_with((), move |()| {
            let cancel = (!mounted()).then(|| {
                spawn_cancellable(async move {
                    let loaded = JsFuture::from(load_pages(PAGES_MODULE)).await;
                    let state = match loaded.map(|exports| mount_pages(exports.unchecked_into())) {
                        Ok(true) => Loading::Ready,
                        _ => Loading::Failed,
                    };
                    loading.set(state);
                })
            });
            move || cancel.into_iter().for_each(|cancel| cancel())
        });
    }
    match *loading {
        Loading::Ready => html! {},
        Loading::Pending => html! {
            <Layout><p class="muted">{ "Loading…" }</p></Layout>
        },
        Loading::Failed => html! {
            <Layout>
                <div class="card error" role="alert">
                    { "This page could not be loaded. Check the connection and reload the page." }
                </div>
            </Layout>
        },
    }
}
