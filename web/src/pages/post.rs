//! Post: each account's target with its live state (streamed with WatchPost over grpc-web),
//! the append-only history, and cancel or publish now while targets still wait.

use std::cell::Cell;
use std::rc::Rc;

use multitok_proto::v1 as pb;
use yew::prelude::*;

use crate::api::spawn_cancellable;
use crate::components::field::ErrorBanner;
use crate::error::ApiError;
use crate::hooks::use_session;
use crate::local_time::{local_text, query_param};

/// A state's label and badge class.
pub fn state_badge(state: i32) -> (&'static str, &'static str) {
    use pb::TargetState as S;
    match S::try_from(state).unwrap_or(S::Unspecified) {
        S::Scheduled => ("badge", "Scheduled"),
        S::Claimed | S::Initialized => ("badge warn", "Starting"),
        S::Uploading => ("badge warn", "Uploading"),
        S::Processing => ("badge warn", "Processing"),
        S::Published => ("badge ok", "Published"),
        S::Failed => ("badge bad", "Failed"),
        S::NeedsAttention => ("badge bad", "Needs attention"),
        S::Cancelled => ("badge", "Cancelled"),
        S::Unspecified => ("badge", "Unknown"),
    }
}

#[function_component(PostPage)]
pub fn post_page() -> Html {
    let session = use_session();
    let ws = session
        .workspace()
        .and_then(|m| m.workspace)
        .map(|w| w.id)
        .unwrap_or_default();
    let post_id = query_param("id").unwrap_or_default();
    let post = use_state(|| None::<pb::Post>);
    let accounts = use_state(Vec::<pb::Account>::new);
    let history = use_state(Vec::<pb::PublishEvent>::new);
    let error = use_state(|| None::<ApiError>);
    let version = use_state(|| 0u32);
    let bind = use_state(String::new);
    {
        let (api, post, accounts, history, error, ws, id) = (
            session.api.clone(),
            post.clone(),
            accounts.clone(),
            history.clone(),
            error.clone(),
            ws.clone(),
            post_id.clone(),
        );
        // Leaving the page (or reloading it after an action) cancels the stream.
        use_effect_with((id.clone(), *version), move |_| {
            spawn_cancellable(async move {
                let loaded = async {
                    let a = api
                        .send(pb::ListAccountsRequest {
                            workspace_id: ws.clone(),
                        })
                        .await?;
                    accounts.set(a.accounts);
                    let p = api
                        .send(pb::GetPostRequest {
                            workspace_id: ws.clone(),
                            post_id: id.clone(),
                        })
                        .await?;
                    let mut current = p.post.unwrap_or_default();
                    post.set(Some(current.clone()));
                    let request = pb::WatchPostRequest {
                        workspace_id: ws.clone(),
                        post_id: id.clone(),
                    };
                    let (api2, history2, ws2, id2) =
                        (api.clone(), history.clone(), ws.clone(), id.clone());
                    // Changes come fast while a post publishes, and their history calls can
                    // answer out of order: only the latest call's answer is shown.
                    let asked = Rc::new(Cell::new(0u32));
                    api.watch(request, move |change| {
                        if let Some(t) = change.target {
                            if let Some(slot) = current.targets.iter_mut().find(|x| x.id == t.id) {
                                *slot = t;
                            }
                            post.set(Some(current.clone()));
                            let (api, history, ws, id) =
                                (api2.clone(), history2.clone(), ws2.clone(), id2.clone());
                            let (asked, mine) = (asked.clone(), asked.get().wrapping_add(1));
                            asked.set(mine);
                            wasm_bindgen_futures::spawn_local(async move {
                                if let Ok(h) = api
                                    .send(pb::ListPublishHistoryRequest {
                                        workspace_id: ws,
                                        post_id: id,
                                    })
                                    .await
                                    && asked.get() == mine
                                {
                                    history.set(h.events);
                                }
                            });
                        }
                    })
                    .await
                };
                if let Err(e) = loaded.await {
                    error.set(Some(e));
                }
            })
        });
    }
    let act = |kind: &'static str| {
        let (api, error, version, ws, id) = (
            session.api.clone(),
            error.clone(),
            version.clone(),
            ws.clone(),
            post_id.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (api, error, version, ws, id) = (
                api.clone(),
                error.clone(),
                version.clone(),
                ws.clone(),
                id.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let done = if kind == "cancel" {
                    api.send(pb::CancelRequest {
                        workspace_id: ws,
                        post_id: id,
                        target_id: String::new(),
                    })
                    .await
                    .map(|_| ())
                } else {
                    api.send(pb::PublishNowRequest {
                        workspace_id: ws,
                        post_id: id,
                        accept_quota_warning: false,
                    })
                    .await
                    .map(|_| ())
                };
                match done {
                    Ok(()) => {
                        error.set(None);
                        version.set(*version + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let resolve = |target_id: String, retry: bool| {
        let (api, error, version, ws, id, video) = (
            session.api.clone(),
            error.clone(),
            version.clone(),
            ws.clone(),
            post_id.clone(),
            bind.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let resolution = if retry {
                if !web_sys::window()
                    .and_then(|w| {
                        w.confirm_with_message(
                            "TikTok may have received the first request. Send it again anyway?",
                        )
                        .ok()
                    })
                    .unwrap_or(false)
                {
                    return;
                }
                pb::resolve_target_request::Resolution::Retry(true)
            } else {
                pb::resolve_target_request::Resolution::VideoId((*video).trim().to_owned())
            };
            let request = pb::ResolveTargetRequest {
                workspace_id: ws.clone(),
                post_id: id.clone(),
                target_id: target_id.clone(),
                resolution: Some(resolution),
            };
            let (api, error, version) = (api.clone(), error.clone(), version.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send(request).await {
                    Ok(_) => {
                        error.set(None);
                        version.set(*version + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let name = |id: &str| {
        accounts
            .iter()
            .find(|a| a.id == id)
            .map(|a| format!("@{}", a.username))
            .unwrap_or_else(|| "account".into())
    };
    let Some(p) = (*post).clone() else {
        return html! { <><h1>{ "Post" }</h1><ErrorBanner error={(*error).clone()} /><p class="muted">{ "Loading…" }</p></> };
    };
    let waiting = p
        .targets
        .iter()
        .any(|t| t.state == pb::TargetState::Scheduled as i32);
    let at = p
        .scheduled_at
        .as_ref()
        .map(|t| local_text(t.seconds, &p.time_zone))
        .unwrap_or_default();
    html! {
        <>
            <h1>{ "Post" }</h1>
            <ErrorBanner error={(*error).clone()} />
            <section class="card">
                <p>{ &p.caption }</p>
                <p class="muted">{ format!("{at} ({})", p.time_zone) }</p>
                if waiting {
                    <div class="row">
                        <button id="publish-now" class="secondary" onclick={act("publish")}>{ "Publish now" }</button>
                        <button id="cancel-post" class="danger" onclick={act("cancel")}>{ "Cancel" }</button>
                    </div>
                }
            </section>
            <section class="card">
                <table><tbody>
                    { for p.targets.iter().map(|t| {
                        let (class, label) = state_badge(t.state);
                        let privacy = t.settings.as_ref().map(|s| s.privacy_level.clone()).unwrap_or_default();
                        html! {
                            <tr class="target-row">
                                <td><strong>{ name(&t.account_id) }</strong><div class="muted">{ privacy }</div></td>
                                <td><span class={classes!(class, "target-state")}>{ label }</span></td>
                                <td class="muted">{ &t.failure_reason }{ if t.video_id.is_empty() { String::new() } else { format!(" Video {}", t.video_id) } }
                                    if t.state == pb::TargetState::NeedsAttention as i32 {
                                        <div class="row">
                                            <input placeholder="TikTok video id" value={(*bind).clone()} oninput={{ let bind = bind.clone(); Callback::from(move |e: InputEvent| bind.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value())) }} />
                                            <button class="secondary" onclick={resolve(t.id.clone(), false)}>{ "Bind to this video" }</button>
                                            <button class="danger" onclick={resolve(t.id.clone(), true)}>{ "Send again" }</button>
                                        </div>
                                    }
                                </td>
                            </tr>
                        }
                    }) }
                </tbody></table>
            </section>
            <section class="card">
                <h2>{ "History" }</h2>
                <ul class="history">
                    { for history.iter().map(|e| html! {
                        <li>{ e.at.as_ref().map(|t| local_text(t.seconds, &p.time_zone)).unwrap_or_default() }{ " · " }{ name(&p.targets.iter().find(|t| t.id == e.target_id).map(|t| t.account_id.clone()).unwrap_or_default()) }{ " · " }{ &e.detail }</li>
                    }) }
                </ul>
            </section>
        </>
    }
}
