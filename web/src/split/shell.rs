//! The shell's side: a slot where the pages module renders the current page, imported once
//! and on first use.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Promise;
use prost::Message;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::hooks::use_session;
use crate::split::PAGES_MODULE;
use crate::split::host::Host;

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

#[derive(Clone, PartialEq)]
enum Loading {
    Pending,
    Ready,
    Failed,
}

/// Where every page of the pages module appears. It stays mounted while the route moves
/// between those pages (the pages module follows the route itself) and removes the pages app
/// when it goes.
#[function_component(Deferred)]
pub fn deferred() -> Html {
    let session = use_session();
    let node = use_node_ref();
    let loading = use_state(|| Loading::Pending);
    let module = use_mut_ref(|| None::<PagesModule>);
    let host = {
        let session = session.clone();
        use_memo((), move |()| Host::for_session(&session))
    };
    let me = session
        .profile()
        .map(|p| p.to_me().encode_to_vec())
        .unwrap_or_default();
    let workspace = session.workspace().and_then(|m| m.workspace).map(|w| w.id);
    {
        let (node, loading, module, host) =
            (node.clone(), loading.clone(), module.clone(), host.clone());
        let (api, me, workspace) = (session.api.clone(), me.clone(), workspace.clone());
        use_effect_with((), move |()| {
            let alive = Rc::new(Cell::new(true));
            let still = alive.clone();
            let slot = module.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match JsFuture::from(load_pages(PAGES_MODULE)).await {
                    Ok(exports) if still.get() => {
                        let pages: PagesModule = exports.unchecked_into();
                        if let Some(element) = node.cast::<web_sys::Element>() {
                            pages.mount(&element, host.as_js(), api.token(), &me, workspace);
                        }
                        *slot.borrow_mut() = Some(pages);
                        loading.set(Loading::Ready);
                    }
                    Ok(_) => {}
                    Err(_) if still.get() => loading.set(Loading::Failed),
                    Err(_) => {}
                }
            });
            move || {
                alive.set(false);
                if let Some(pages) = module.borrow_mut().take() {
                    pages.unmount();
                }
            }
        });
    }
    {
        let (module, host, api) = (module.clone(), host.clone(), session.api.clone());
        use_effect_with((me, workspace), move |(me, workspace)| {
            if let Some(pages) = module.borrow().as_ref() {
                pages.update(host.as_js(), api.token(), me, workspace.clone());
            }
        });
    }
    html! {
        <>
            if *loading == Loading::Pending {
                <p class="muted">{ "Loading…" }</p>
            }
            if *loading == Loading::Failed {
                <div class="card error" role="alert">
                    { "This page could not be loaded. Check the connection and reload the page." }
                </div>
            }
            <div ref={node} class="pages" />
        </>
    }
}
