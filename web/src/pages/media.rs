//! Media: pick or drop videos, watch each upload's progress (resumed after a network drop),
//! and see the library with duration, size and resolution.

use multitok_proto::v1 as pb;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::field::ErrorBanner;
use crate::components::toast::use_toasts;
use crate::error::ApiError;
use crate::hooks::use_session;
use crate::upload::{Phase, upload};

fn size_text(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.0} KB", bytes as f64 / 1e3)
    }
}

fn phase_text(p: &Phase) -> (f64, String) {
    match p {
        Phase::Hashing(f) => (*f * 0.2, "checking".into()),
        Phase::Uploading(f) => (0.2 + f * 0.75, format!("uploading {:.0}%", f * 100.0)),
        Phase::Finishing => (0.97, "verifying the video".into()),
        Phase::Done => (1.0, "done".into()),
        Phase::Failed(m) => (1.0, m.clone()),
    }
}

#[function_component(MediaPage)]
pub fn media_page() -> Html {
    let session = use_session();
    let ws = session
        .workspace()
        .and_then(|m| m.workspace)
        .map(|w| w.id)
        .unwrap_or_default();
    let items = use_state(Vec::<pb::Media>::new);
    let usage = use_state(|| (0u64, 0u64));
    let uploads = use_state(Vec::<(String, Phase)>::new);
    let error = use_state(|| None::<ApiError>);
    let version = use_state(|| 0u32);
    {
        let (api, items, usage, error, ws) = (
            session.api.clone(),
            items.clone(),
            usage.clone(),
            error.clone(),
            ws.clone(),
        );
        use_effect_with((ws.clone(), *version), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api.send(pb::ListMediaRequest { workspace_id: ws }).await {
                    Ok(r) => {
                        usage.set((r.used_bytes, r.quota_bytes));
                        items.set(r.media);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let toasts = use_toasts();
    let start = {
        let (api, ws, uploads, version) = (
            session.api.clone(),
            ws.clone(),
            uploads.clone(),
            version.clone(),
        );
        Callback::from(move |files: Vec<web_sys::File>| {
            for file in files {
                let name = file.name();
                let (api, ws, uploads, version, toasts) = (
                    api.clone(),
                    ws.clone(),
                    uploads.clone(),
                    version.clone(),
                    toasts.clone(),
                );
                let progress = {
                    let (uploads, name) = (uploads.clone(), name.clone());
                    Callback::from(move |p: Phase| {
                        let mut list = (*uploads).clone();
                        match list.iter_mut().find(|(n, _)| *n == name) {
                            Some(entry) => entry.1 = p,
                            None => list.push((name.clone(), p)),
                        }
                        uploads.set(list);
                    })
                };
                wasm_bindgen_futures::spawn_local(async move {
                    match upload(api, ws, file, progress.clone()).await {
                        Ok(m) => toasts
                            .iter()
                            .for_each(|t| t.result(format!("{} is in the library.", m.name))),
                        Err(e) => {
                            let detail = e
                                .fields
                                .first()
                                .map(|(_, f)| format!(": {f}"))
                                .unwrap_or_default();
                            let text = format!("{}{detail}", e.message);
                            toasts
                                .iter()
                                .for_each(|t| t.error(format!("{name} was not uploaded: {text}")));
                            progress.emit(Phase::Failed(text));
                        }
                    }
                    version.set(*version + 1);
                });
            }
        })
    };
    let on_pick = {
        let start = start.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(list) = input.files() {
                start.emit((0..list.length()).filter_map(|i| list.get(i)).collect());
            }
            input.set_value("");
        })
    };
    let on_drop = Callback::from(move |e: DragEvent| {
        e.prevent_default();
        if let Some(list) = e.data_transfer().and_then(|d| d.files()) {
            start.emit((0..list.length()).filter_map(|i| list.get(i)).collect());
        }
    });
    let on_over = Callback::from(|e: DragEvent| e.prevent_default());
    let cards = items.iter().map(|m| {
        let (api, ws, id, error, version) = (session.api.clone(), ws.clone(), m.id.clone(), error.clone(), version.clone());
        let on_delete = Callback::from(move |_: MouseEvent| {
            if !web_sys::window().and_then(|w| w.confirm_with_message("Delete this video?").ok()).unwrap_or(false) {
                return;
            }
            let (api, ws, id, error, version) = (api.clone(), ws.clone(), id.clone(), error.clone(), version.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = api.send(pb::DeleteMediaRequest { workspace_id: ws, media_id: id }).await {
                    error.set(Some(e));
                }
                version.set(*version + 1);
            });
        });
        html! {
            <div class="card media-card">
                <video src={m.preview_url.clone()} preload="metadata" controls=true muted=true playsinline=true aria-label={format!("Preview of {}", m.name)} />
                <strong class="media-name">{ &m.name }</strong>
                <div class="muted">{ format!("{:.1} s · {}×{} · {:.0} fps · {}", f64::from(m.duration_ms) / 1000.0, m.width, m.height, m.frame_rate, size_text(m.size_bytes)) }</div>
                <button class="danger" onclick={on_delete}>{ "Delete" }</button>
            </div>
        }
    });
    html! {
        <>
            <h1>{ "Media" }</h1>
            <ErrorBanner error={(*error).clone()} />
            <section class="card dropzone" ondrop={on_drop} ondragover={on_over}>
                <p>{ "Drop MP4 or MOV videos here, or " }
                    <label class="pick">{ "choose files" }<input id="media-file" type="file" accept="video/mp4,video/quicktime,.mp4,.mov,.m4v" multiple=true onchange={on_pick} /></label>
                </p>
                if usage.1 > 0 {
                    <p class="muted" id="media-usage">{ format!("Storage: {} of {} used.", gigabytes(usage.0), gigabytes(usage.1)) }</p>
                }
                <p class="muted">{ "TikTok takes H.264 or H.265 video at 23–60 fps, 360–4096 px per side, up to 10 minutes and 4 GB." }</p>
                // In a fragment, so the file input above is kept when rows come and go.
                <>{ for uploads.iter().map(|(name, p)| {
                    let (fraction, text) = phase_text(p);
                    let failed = matches!(p, Phase::Failed(_));
                    html! {
                        <div class="upload-row">
                            <span>{ name }</span>
                            <progress max="1" value={fraction.to_string()}></progress>
                            <span class={if failed { "field-error upload-status" } else { "muted upload-status" }}>{ text }</span>
                        </div>
                    }
                }) }</>
            </section>
            if items.is_empty() && uploads.is_empty() {
                <p class="muted" id="media-empty">{ "No videos yet: drop one above to start, then compose a post with it." }</p>
            }
            <div class="media-grid">{ for cards }</div>
        </>
    }
}

/// Bytes as gigabytes with one decimal (`0.3 GB`).
fn gigabytes(bytes: u64) -> String {
    format!("{:.1} GB", bytes as f64 / (1024.0 * 1024.0 * 1024.0))
}
