//! Post: each account's target with its live state (streamed with WatchPost over grpc-web),
//! the append-only history, and cancel or publish now while targets still wait. Each change
//! of state is announced to screen readers.

mod targets;

use multitok_proto::v1 as pb;
use yew::prelude::*;

use crate::api::Api;
use crate::components::field::ErrorBanner;
use crate::components::toast::{Toasts, use_toasts};
use crate::error::ApiError;
use crate::hooks::{use_accounts, use_post, use_session, use_workspace_id};
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

/// The account's name for a target list: `@username`.
pub fn account_name(accounts: &[pb::Account], id: &str) -> String {
    accounts
        .iter()
        .find(|a| a.id == id)
        .map_or_else(|| "account".into(), |a| format!("@{}", a.username))
}

/// Runs an action on the post; on success the page loads the post again and says `done`.
pub fn action<F, Fut>(
    api: Api,
    error: UseStateHandle<Option<ApiError>>,
    version: UseStateHandle<u32>,
    done: (Option<Toasts>, &'static str),
    run: F,
) -> Callback<MouseEvent>
where
    F: Fn(Api) -> Fut + 'static,
    Fut: Future<Output = Result<(), ApiError>> + 'static,
{
    Callback::from(move |_: MouseEvent| {
        let (answer, error, version, done) = (
            run(api.clone()),
            error.clone(),
            version.clone(),
            done.clone(),
        );
        wasm_bindgen_futures::spawn_local(async move {
            match answer.await {
                Ok(()) => {
                    error.set(None);
                    done.0.iter().for_each(|t| t.result(done.1));
                    version.set(*version + 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    })
}

#[function_component(PostPage)]
pub fn post_page() -> Html {
    let session = use_session();
    let ws = use_workspace_id();
    let id = query_param("id").unwrap_or_default();
    let (error, version) = (use_state(|| None::<ApiError>), use_state(|| 0u32));
    let view = use_post(id.clone(), *version);
    let toasts = use_toasts();
    let accounts = use_accounts(0).data();
    let failed = (*error).clone().or(view.error.clone());
    let Some(p) = view.post.clone() else {
        return html! { <><h1>{ "Post" }</h1><ErrorBanner error={failed} /><p class="muted">{ "Loading…" }</p></> };
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
    let (publish, cancel) = {
        let act = |cancel: bool| {
            let (ws, id) = (ws.clone(), id.clone());
            let said = if cancel {
                "The post is cancelled."
            } else {
                "Publishing now."
            };
            action(
                session.api.clone(),
                error.clone(),
                version.clone(),
                (toasts.clone(), said),
                move |api| {
                    let (workspace_id, post_id) = (ws.clone(), id.clone());
                    async move {
                        if cancel {
                            api.send(pb::CancelRequest {
                                workspace_id,
                                post_id,
                                target_id: String::new(),
                            })
                            .await
                            .map(drop)
                        } else {
                            api.send(pb::PublishNowRequest {
                                workspace_id,
                                post_id,
                                accept_quota_warning: false,
                            })
                            .await
                            .map(drop)
                        }
                    }
                },
            )
        };
        (act(false), act(true))
    };
    let summary: Vec<String> = p
        .targets
        .iter()
        .map(|t| {
            format!(
                "{}: {}",
                account_name(&accounts, &t.account_id),
                state_badge(t.state).1
            )
        })
        .collect();
    html! {
        <>
            <h1>{ "Post" }</h1>
            <ErrorBanner error={failed} />
            <p class="sr-only" role="status" aria-live="polite">{ summary.join("; ") }</p>
            <section class="card">
                <p>{ &p.caption }</p>
                <p class="muted">{ format!("{at} ({})", p.time_zone) }</p>
                if waiting {
                    <div class="row">
                        <button id="publish-now" class="secondary" onclick={publish}>{ "Publish now" }</button>
                        <button id="cancel-post" class="danger" onclick={cancel}>{ "Cancel" }</button>
                    </div>
                }
            </section>
            <targets::Targets post={p.clone()} accounts={accounts.clone()} error={error.clone()} version={version.clone()} />
            <section class="card">
                <h2>{ "History" }</h2>
                <ul class="history">
                    { for view.history.iter().map(|e| {
                        let account = p.targets.iter().find(|t| t.id == e.target_id).map(|t| t.account_id.clone()).unwrap_or_default();
                        let when = e.at.as_ref().map(|t| local_text(t.seconds, &p.time_zone)).unwrap_or_default();
                        html! { <li>{ when }{ " · " }{ account_name(&accounts, &account) }{ " · " }{ &e.detail }</li> }
                    }) }
                </ul>
            </section>
        </>
    }
}
