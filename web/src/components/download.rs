//! Downloads: bytes handed to the browser as a file, and the button that fetches a chart as a PNG
//! drawn by the server (RenderChart) and downloads it.

use multitok_proto::v1 as pb;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::field::ErrorBanner;
use crate::error::ApiError;
use crate::hooks::use_session;

/// Hands `bytes` to the browser as a download named `name`.
pub fn save_file(name: &str, kind: &str, bytes: &[u8]) -> Option<()> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(kind);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url).ok()
}

#[derive(Properties, PartialEq)]
pub struct PngButtonProps {
    /// The chart to draw; its workspace is filled in from the session.
    pub request: pb::RenderChartRequest,
}

/// "Chart (PNG)": the chart drawn by the server, downloaded; a failure shows beside it.
#[function_component(PngButton)]
pub fn png_button(props: &PngButtonProps) -> Html {
    let session = use_session();
    let error = use_state(|| None::<ApiError>);
    let onclick = {
        let (api, error) = (session.api.clone(), error.clone());
        let mut request = props.request.clone();
        if let Some(w) = session.workspace().and_then(|m| m.workspace) {
            request.workspace_id = w.id;
        }
        Callback::from(move |_| {
            let (api, error, request) = (api.clone(), error.clone(), request.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send(request).await {
                    Ok(r) => {
                        error.set(None);
                        save_file(&r.file_name, "image/png", &r.png);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <>
            <button class="secondary" {onclick}>{ "Chart (PNG)" }</button>
            <ErrorBanner error={(*error).clone()} />
        </>
    }
}
