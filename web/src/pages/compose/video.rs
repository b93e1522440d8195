//! The chosen video as it will post: played from its signed URL, with a cover-frame picker
//! that scrubs the video to the chosen moment; and the caption with TikTok's character count
//! and its hashtags and mentions highlighted.

use multitok_proto::v1 as pb;
use multitok_shared::post_rules::{caption_left, caption_runs};
use web_sys::{HtmlInputElement, HtmlVideoElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VideoProps {
    pub media: pb::Media,
    pub cover_frame_ms: u32,
    pub on_cover: Callback<u32>,
}

#[function_component(Video)]
pub fn video(p: &VideoProps) -> Html {
    let player = use_node_ref();
    let oninput = {
        let (player, on_cover) = (player.clone(), p.on_cover.clone());
        Callback::from(move |e: InputEvent| {
            let ms: u32 = e
                .target_unchecked_into::<HtmlInputElement>()
                .value()
                .parse()
                .unwrap_or(0);
            if let Some(v) = player.cast::<HtmlVideoElement>() {
                v.set_current_time(f64::from(ms) / 1000.0);
            }
            on_cover.emit(ms);
        })
    };
    let m = &p.media;
    html! {
        <div class="video-preview">
            <video ref={player} src={m.preview_url.clone()} preload="metadata" controls=true muted=true playsinline=true aria-label={format!("Preview of {}", m.name)} />
            <label>{ format!("Cover frame: {:.1} s", f64::from(p.cover_frame_ms) / 1000.0) }
                <input id="compose-cover" type="range" min="0" max={m.duration_ms.to_string()} step="100" value={p.cover_frame_ms.to_string()} {oninput} />
            </label>
            <p class="muted">{ format!("{} · {}×{} · {:.0} s", m.name, m.width, m.height, f64::from(m.duration_ms) / 1000.0) }</p>
        </div>
    }
}

/// The characters left and the caption with its tags highlighted.
pub fn caption_help(caption: &str) -> Html {
    let left = caption_left(caption);
    let runs = caption_runs(caption).into_iter().map(|(tag, text)| {
        if tag {
            html! { <span class="tag">{ text }</span> }
        } else {
            html! { { text } }
        }
    });
    html! {
        <>
            <div id="caption-left" class={classes!("counter", (left < 0).then_some("over"))} aria-live="polite">
                { if left < 0 { format!("{} characters too many", -left) } else { format!("{left} characters left") } }
            </div>
            if !caption.is_empty() { <p class="highlight" aria-hidden="true">{ for runs }</p> }
        </>
    }
}
