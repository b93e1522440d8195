//! The shell's side: imports the pages module the first time one of its pages is opened,
//! mounts its app once into its own host element, and keeps it told of the session.

use std::cell::RefCell;

use js_sys::Promise;
use prost::Message;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::api::spawn_cancellable;
use crate::components::layout::Layout;
use crate::hooks::SessionHandle;
use crate::split::host::Host;
use crate::split::{Handover, PAGES_HOST};

#[wasm_bindgen(inline_js = "
let loading = null;
export function load_pages() {
  if (!loading) {
    const meta = document.querySelector('meta[name=multitok-pages]');
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = meta.dataset.css;
    const styled = new Promise((done, failed) => { css.onload = done; css.onerror = failed; });
    document.head.append(css);
    loading = Promise.all([import(meta.content), styled])
      .then(async ([m]) => { await m.default(); return m; })
      .catch((e) => { loading = null; css.remove(); throw e; });
  }
  return loading;
}
")]
extern "C" {
    /// Imports and starts the pages module named in the page's `multitok-pages` meta element
    /// (a content-hashed name) once, with its stylesheet; resolves to its exports.
    fn load_pages() -> Promise;
}

#[wasm_bindgen]
extern "C" {
    /// The pages module's exports (`src/bin/pages.rs`).
    #[derive(Clone)]
    type PagesModule;

    #[wasm_bindgen(method)]
    fn mount(this: &PagesModule, element: &web_sys::Element, host: &JsValue, handover: &[u8]);

    #[wasm_bindgen(method)]
    fn update(this: &PagesModule, handover: &[u8]);
}

thread_local! {
    /// The latest session (kept by [`use_pages_session`]), encoded.
    static SESSION: RefCell<Option<(Host, Vec<u8>)>> = const { RefCell::new(None) };
    /// The pages module once its app is mounted.
    static MOUNTED: RefCell<Option<PagesModule>> = const { RefCell::new(None) };
}

fn mounted() -> bool {
    MOUNTED.with(|m| m.borrow().is_some())
}

/// Mounts the pages app into its host element with the latest session, unless it is already
/// mounted; whether it is mounted afterwards.
fn mount_pages(pages: PagesModule) -> bool {
    if mounted() {
        return true;
    }
    let Some((host, handover)) = SESSION.with(|s| s.borrow().clone()) else {
        return false;
    };
    let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(PAGES_HOST))
    else {
        return false;
    };
    pages.mount(&element, host.as_js(), &handover);
    MOUNTED.with(|m| *m.borrow_mut() = Some(pages));
    true
}

/// Keeps the pages app told of the shell's session: each change of who is signed in, their
/// profile or workspace is handed over. Used once, by the shell's root.
#[hook]
pub fn use_pages_session(session: &SessionHandle) {
    let host = {
        let session = session.clone();
        use_memo((), move |()| Host::for_session(&session))
    };
    let me = session.profile().map(|p| p.to_me());
    let workspace = session.workspace().and_then(|m| m.workspace).map(|w| w.id);
    let api = session.api.clone();
    use_effect_with((me, workspace), move |(me, workspace)| {
        let handover = Handover {
            token: api.token(),
            me: me.clone(),
            workspace: workspace.clone(),
        }
        .encode_to_vec();
        MOUNTED.with(|m| {
            if let Some(pages) = m.borrow().as_ref() {
                pages.update(&handover);
            }
        });
        SESSION.with(|s| *s.borrow_mut() = Some(((*host).clone(), handover)));
    });
}

#[derive(Clone, Copy, PartialEq)]
enum Loading {
    Pending,
    Ready,
    Failed,
}

#[derive(Properties, PartialEq)]
pub struct DeferredProps {
    /// Whether the page has the sidebar (signed-in pages) while the module loads.
    pub framed: bool,
}

/// What the shell shows for a page of the pages module: nothing once that module's app is
/// mounted (it draws the page in its own host element), a loading line while the module is
/// fetched, or the reason it could not be.
#[function_component(Deferred)]
pub fn deferred(props: &DeferredProps) -> Html {
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
                    let loaded = JsFuture::from(load_pages()).await;
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
    let body = match *loading {
        Loading::Ready => return html! {},
        Loading::Pending => html! { <p class="muted">{ "Loading…" }</p> },
        Loading::Failed => html! {
            <div class="card error" role="alert">
                { "This page could not be loaded. Check the connection and reload the page." }
            </div>
        },
    };
    if props.framed {
        html! { <Layout>{ body }</Layout> }
    } else {
        html! { <main class="auth-page">{ body }</main> }
    }
}
