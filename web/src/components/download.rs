//! Downloads: bytes handed to the browser as a file, and the button that fetches a chart as a PNG
//! drawn by the server (RenderChart) and downloads it.

use multitok_proto::v1 as pb;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::components::field::ErrorBanner;
use crate::error::ApiError;
use crate::hooks::use_session;

#[wasm_bindgen(inline_js = "
export function save_file(name, type, bytes) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}
")]
extern "C" {
    /// Hands `bytes` to the browser as a download named `name` of media type `kind`. Written in
    /// JavaScript: the same through `web-sys` costs the first load about half a kilobyte more.
    pub fn save_file(name: &str, kind: &str, bytes: &[u8]);
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
