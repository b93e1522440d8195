//! Accounts: connect TikTok accounts (through TikTok's consent page), see each one's health,
//! its creator settings, sync now, and disconnect with a confirmation.

use multitok_proto::v1 as pb;
use yew::prelude::*;

use crate::api::Api;
use crate::components::field::ErrorBanner;
use crate::error::ApiError;
use crate::hooks::use_session;
use crate::local_time::query_param;

fn status_badge(status: i32) -> (&'static str, &'static str) {
    match pb::AccountStatus::try_from(status) {
        Ok(pb::AccountStatus::Active) => ("badge ok", "Active"),
        Ok(pb::AccountStatus::ReauthRequired) => ("badge warn", "Reconnect needed"),
        Ok(pb::AccountStatus::Revoked) => ("badge bad", "Disconnected"),
        _ => ("badge", "Unknown"),
    }
}

fn day(ts: Option<&prost_types::Timestamp>) -> String {
    ts.map(|t| {
        js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.seconds as f64 * 1000.0))
            .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
            .into()
    })
    .unwrap_or_else(|| "never".to_owned())
}

async fn load(api: &Api, workspace_id: String) -> Result<Vec<pb::Account>, ApiError> {
    Ok(api
        .send(pb::ListAccountsRequest { workspace_id })
        .await?
        .accounts)
}

#[function_component(Accounts)]
pub fn accounts() -> Html {
    let session = use_session();
    let ws = session
        .workspace()
        .and_then(|m| m.workspace)
        .map(|w| w.id)
        .unwrap_or_default();
    let accounts = use_state(Vec::<pb::Account>::new);
    let error = use_state(|| {
        query_param("error").map(|message| ApiError {
            message,
            ..ApiError::default()
        })
    });
    let notice =
        use_state(|| query_param("connected").map(|_| "The account is connected.".to_owned()));
    let details = use_state(|| None::<(String, pb::CreatorInfo)>);
    let version = use_state(|| 0u32);
    {
        let (api, accounts, error, ws) = (
            session.api.clone(),
            accounts.clone(),
            error.clone(),
            ws.clone(),
        );
        use_effect_with((ws.clone(), *version), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match load(&api, ws).await {
                    Ok(list) => accounts.set(list),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let on_connect = {
        let (api, error, ws) = (session.api.clone(), error.clone(), ws.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, error, ws) = (api.clone(), error.clone(), ws.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send(pb::StartConnectRequest { workspace_id: ws }).await {
                    Ok(r) => {
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().assign(&r.authorize_url);
                        }
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let rows = accounts.iter().map(|a| {
        let (class, label) = status_badge(a.status);
        let id = a.id.clone();
        let action = |kind: &'static str| {
            let (api, error, notice, details, version, ws, id) = (session.api.clone(), error.clone(), notice.clone(), details.clone(), version.clone(), ws.clone(), id.clone());
            Callback::from(move |_: MouseEvent| {
                if kind.starts_with("disconnect") {
                    let question = if kind == "disconnect-purge" { "Disconnect and delete this account's stored history?" } else { "Disconnect this account? Its history is kept." };
                    if !web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false) {
                        return;
                    }
                }
                let (api, error, notice, details, version, ws, id) = (api.clone(), error.clone(), notice.clone(), details.clone(), version.clone(), ws.clone(), id.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let result = match kind {
                        "sync" => api.send(pb::SyncAccountRequest { workspace_id: ws, account_id: id }).await.map(|_| Some("A sync was requested.")),
                        "info" => api.send(pb::GetCreatorInfoRequest { workspace_id: ws, account_id: id.clone() }).await.map(|r| {
                            details.set(r.creator_info.map(|c| (id, c)));
                            None
                        }),
                        purge => api
                            .send(pb::DisconnectAccountRequest { workspace_id: ws, account_id: id, purge_history: purge == "disconnect-purge" })
                            .await
                            .map(|r| {
                                Some(if r.still_connected_elsewhere {
                                    "The account is disconnected here. Another workspace still holds it, so its authorization at TikTok was kept."
                                } else if r.revoked_at_tiktok {
                                    "The account is disconnected and its authorization at TikTok revoked."
                                } else {
                                    "The account is disconnected and its tokens deleted; TikTok did not confirm the revocation."
                                })
                            }),
                    };
                    match result {
                        Ok(message) => {
                            error.set(None);
                            if let Some(m) = message {
                                notice.set(Some(m.to_owned()));
                            }
                            version.set(*version + 1);
                        }
                        Err(e) => error.set(Some(e)),
                    }
                });
            })
        };
        let info = (*details).as_ref().filter(|(d, _)| *d == a.id).map(|(_, c)| c.clone());
        html! {
            <tr class="account-row">
                <td><img class="avatar" src={a.avatar_url.clone()} alt="" width="36" height="36" /></td>
                <td><strong class="account-name">{ &a.display_name }</strong><div class="muted">{ format!("@{}", a.username) }</div>
                    if !a.status_reason.is_empty() { <div class="muted">{ &a.status_reason }</div> }
                    if let Some(c) = info {
                        <div class="creator-info muted">
                            { format!("Privacy options: {}. ", c.privacy_level_options.join(", ")) }
                            { format!("Longest video: {} s. ", c.max_video_post_duration_sec) }
                            { if c.comment_disabled { "Comments off. " } else { "" } }
                            { if c.duet_disabled { "Duet off. " } else { "" } }
                            { if c.stitch_disabled { "Stitch off." } else { "" } }
                        </div>
                    }
                </td>
                <td><span class={class}>{ label }</span></td>
                <td class="muted">{ format!("{} / {} posts today", a.posts_today, a.daily_post_cap) }<br/>{ "token until " }{ day(a.access_token_expires_at.as_ref()) }<br/>{ "synced " }{ day(a.last_synced_at.as_ref()) }</td>
                <td class="actions">
                    <button class="secondary" onclick={action("info")}>{ "Details" }</button>
                    <button class="secondary" onclick={action("sync")}>{ "Sync now" }</button>
                    <button class="danger" onclick={action("disconnect")}>{ "Disconnect" }</button>
                    <button class="danger" onclick={action("disconnect-purge")}>{ "Disconnect and delete" }</button>
                </td>
            </tr>
        }
    });
    html! {
        <>
            <h1>{ "Accounts" }</h1>
            <ErrorBanner error={(*error).clone()} />
            if let Some(n) = &*notice { <div class="notice">{ n }</div> }
            <section class="card">
                <div class="row spread">
                    <p class="muted">{ "Connect a TikTok account through TikTok's own consent page. Multitok asks for every permission it needs to post and to read statistics." }</p>
                    <button id="connect-account" onclick={on_connect}>{ "Connect a TikTok account" }</button>
                </div>
                if accounts.is_empty() { <p class="muted" id="accounts-empty">{ "No accounts connected yet: connect one above to schedule posts to it." }</p> }
                <table><tbody>{ for rows }</tbody></table>
            </section>
        </>
    }
}
