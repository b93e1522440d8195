//! The post's targets: each account's state, its failure and, when it needs attention, binding
//! it to a video found on TikTok or sending it again.

use multitok_proto::v1 as pb;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{account_name, action, state_badge};
use crate::components::toast::use_toasts;
use crate::error::ApiError;
use crate::hooks::{use_session, use_workspace_id};

#[derive(Properties, PartialEq)]
pub struct TargetsProps {
    pub post: pb::Post,
    pub accounts: Vec<pb::Account>,
    pub error: UseStateHandle<Option<ApiError>>,
    pub version: UseStateHandle<u32>,
}

fn confirmed(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

#[function_component(Targets)]
pub fn targets(p: &TargetsProps) -> Html {
    let session = use_session();
    let ws = use_workspace_id();
    let bind = use_state(String::new);
    let toasts = use_toasts();
    let resolve = |target_id: String, retry: bool| {
        let (ws, post_id, video) = (ws.clone(), p.post.id.clone(), bind.clone());
        let said = if retry {
            "Sent again."
        } else {
            "Bound to the video."
        };
        let send = action(
            session.api.clone(),
            p.error.clone(),
            p.version.clone(),
            (toasts.clone(), said),
            move |api| {
                let resolution = if retry {
                    pb::resolve_target_request::Resolution::Retry(true)
                } else {
                    pb::resolve_target_request::Resolution::VideoId((*video).trim().to_owned())
                };
                let request = pb::ResolveTargetRequest {
                    workspace_id: ws.clone(),
                    post_id: post_id.clone(),
                    target_id: target_id.clone(),
                    resolution: Some(resolution),
                };
                async move { api.send(request).await.map(drop) }
            },
        );
        Callback::from(move |e: MouseEvent| {
            if !retry
                || confirmed("TikTok may have received the first request. Send it again anyway?")
            {
                send.emit(e);
            }
        })
    };
    let on_bind = {
        let bind = bind.clone();
        Callback::from(move |e: InputEvent| {
            bind.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let row = |t: &pb::PostTarget| {
        let (class, label) = state_badge(t.state);
        let privacy = t
            .settings
            .as_ref()
            .map(|s| s.privacy_level.clone())
            .unwrap_or_default();
        let video = if t.video_id.is_empty() {
            String::new()
        } else {
            format!(" Video {}", t.video_id)
        };
        html! {
            <tr class="target-row">
                <td><strong>{ account_name(&p.accounts, &t.account_id) }</strong><div class="muted">{ privacy }</div></td>
                <td><span class={classes!(class, "target-state")}>{ label }</span></td>
                <td class="muted">{ &t.failure_reason }{ video }
                    if t.state == pb::TargetState::NeedsAttention as i32 {
                        <div class="row">
                            <input placeholder="TikTok video id" aria-label="TikTok video id" value={(*bind).clone()} oninput={on_bind.clone()} />
                            <button class="secondary" onclick={resolve(t.id.clone(), false)}>{ "Bind to this video" }</button>
                            <button class="danger" onclick={resolve(t.id.clone(), true)}>{ "Send again" }</button>
                        </div>
                    }
                </td>
            </tr>
        }
    };
    html! {
        <section class="card">
            <table><tbody>{ for p.post.targets.iter().map(row) }</tbody></table>
        </section>
    }
}
