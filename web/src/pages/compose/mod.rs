//! Compose: one post for several accounts, following TikTok's rules for posting apps (see
//! [`account`]). The chosen video plays in the form with a cover-frame picker; the caption shows
//! TikTok's character count with its tags highlighted; a preview shows what each account will
//! post. On phones the form is one column with the Schedule button always in reach.

mod account;
mod form;
mod video;

use std::collections::HashMap;

use multitok_proto::v1 as pb;
use multitok_shared::post_rules::consent_text;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::app::Route;
use crate::components::field::ErrorBanner;
use crate::error::ApiError;
use crate::hooks::{use_accounts, use_load, use_media, use_session, use_workspace_id};
use crate::router::{Link, use_navigator};
use account::{Account, privacy_label};
use form::{Form, FormEdit, edit, typed};

/// The workspace's active accounts with their creators' current settings on TikTok.
#[hook]
fn use_creators() -> (
    Vec<pb::Account>,
    HashMap<String, pb::CreatorInfo>,
    Option<ApiError>,
) {
    let api = use_session().api;
    let accounts = use_accounts(0);
    let ws = use_workspace_id();
    let active: Vec<pb::Account> = accounts
        .data()
        .into_iter()
        .filter(|a| a.status == pb::AccountStatus::Active as i32)
        .collect();
    let ids: Vec<String> = active.iter().map(|a| a.id.clone()).collect();
    let infos = use_load((ws, ids), move |(workspace_id, ids)| async move {
        let mut found = HashMap::new();
        for account_id in ids {
            let r = api
                .send(pb::GetCreatorInfoRequest {
                    workspace_id: workspace_id.clone(),
                    account_id: account_id.clone(),
                })
                .await?;
            found.extend(r.creator_info.map(|info| (account_id, info)));
        }
        Ok(found)
    });
    let error = accounts.error().or(infos.error());
    (active, infos.data(), error)
}

#[function_component(Compose)]
pub fn compose() -> Html {
    let (session, navigator, ws) = (use_session(), use_navigator(), use_workspace_id());
    let zone = session
        .workspace()
        .and_then(|m| m.workspace)
        .map(|w| w.time_zone)
        .unwrap_or_default();
    let media = use_media(0);
    let (accounts, infos, load_error) = use_creators();
    let form = use_reducer(|| Form {
        zone,
        ..Form::default()
    });
    let error = use_state(|| None::<ApiError>);
    let on_submit = {
        let (api, form, error, ws) = (session.api.clone(), form.clone(), error.clone(), ws.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (api, error, navigator, request) = (
                api.clone(),
                error.clone(),
                navigator.clone(),
                form.request(ws.clone()),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api.send(request).await {
                    Ok(r) => navigator.go_to(
                        Route::Post,
                        &format!("/post?id={}", r.post.map(|p| p.id).unwrap_or_default()),
                    ),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let err = (*error).clone().unwrap_or_default();
    let field_error = |name: &str| {
        err.field(name)
            .map(|m| html! { <span class="field-error">{ m }</span> })
            .unwrap_or_default()
    };
    let library = media.data();
    let chosen = library.iter().find(|m| m.id == form.media_id).cloned();
    let on_cover = {
        let dispatch = form.dispatcher();
        Callback::from(move |ms: u32| {
            dispatch.dispatch(FormEdit(Box::new(move |f: &mut Form| {
                f.cover_frame_ms = ms
            })))
        })
    };
    html! {
        <>
            <h1>{ "Compose" }</h1>
            <ErrorBanner error={(*error).clone().or(load_error).or(media.error())} />
            <form class="compose" onsubmit={on_submit}>
                <section class="card">
                    if !media.is_loading() && library.is_empty() {
                        <p class="notice">{ "No videos yet. " }<Link to={Route::Media}>{ "Upload one in the media library" }</Link>{ " first." }</p>
                    }
                    <label>{ "Video" }
                        <select id="compose-media" onchange={edit(&form, Box::new(|f, e| f.media_id = e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                            <option value="" selected={form.media_id.is_empty()}>{ "Choose a video from the library…" }</option>
                            { for library.iter().map(|m| html! {
                                <option value={m.id.clone()} selected={m.id == form.media_id}>{ format!("{} ({:.0} s)", m.name, f64::from(m.duration_ms) / 1000.0) }</option>
                            }) }
                        </select>
                    </label>
                    { field_error("media_id") }
                    if let Some(m) = chosen { <video::Video media={m} cover_frame_ms={form.cover_frame_ms} {on_cover} /> }
                    <label>{ "Caption" }
                        <textarea id="compose-caption" aria-describedby="caption-left" value={form.caption.clone()} oninput={typed(&form, Box::new(|f, e| f.caption = e.target_unchecked_into::<HtmlTextAreaElement>().value()))} />
                    </label>
                    { video::caption_help(&form.caption) }
                    { field_error("caption") }
                </section>
                <h2>{ "Accounts" }</h2>
                if accounts.is_empty() { <p class="notice">{ "No accounts yet. " }<Link to={Route::Accounts}>{ "Connect a TikTok account" }</Link>{ " to post to it." }</p> }
                // In a fragment: rows flattened into the form's children would shift the fields
                // above them when the accounts arrive, and the caption being typed would be
                // rendered anew (losing focus and keystrokes).
                <>{ for accounts.iter().map(|a| html! {
                    <Account account={a.clone()} info={infos.get(&a.id).cloned().unwrap_or_default()} form={form.clone()} error={err.clone()} />
                }) }</>
                { field_error("targets") }
                { when(&form, &err) }
                { preview(&form, &accounts) }
                <div class="sticky-actions">
                    <button id="compose-submit" type="submit">{ if form.now { "Publish now" } else { "Schedule" } }</button>
                </div>
            </form>
        </>
    }
}

/// When to post: now, or a local date and time in a time zone.
fn when(form: &UseReducerHandle<Form>, err: &ApiError) -> Html {
    let field_error = |name: &str| {
        err.field(name)
            .map(|m| html! { <span class="field-error">{ m }</span> })
            .unwrap_or_default()
    };
    let checked = |e: &Event| e.target_unchecked_into::<HtmlInputElement>().checked();
    html! {
        <section class="card">
            <div class="row">
                <label class="check"><input type="checkbox" id="compose-now" checked={form.now} onchange={edit(form, Box::new(move |f, e| f.now = checked(e)))} />{ "Publish now" }</label>
                if !form.now {
                    <label>{ "Date and time" }
                        <input id="compose-when" type="datetime-local" step="1" value={form.when.clone()} oninput={typed(form, Box::new(|f, e| f.when = e.target_unchecked_into::<HtmlInputElement>().value()))} />
                    </label>
                    <label>{ "Time zone" }
                        <input id="compose-zone" value={form.zone.clone()} oninput={typed(form, Box::new(|f, e| f.zone = e.target_unchecked_into::<HtmlInputElement>().value()))} />
                    </label>
                }
            </div>
            { field_error("at.local") }{ field_error("at.time_zone") }{ field_error("at") }
            if err.failed_precondition {
                <label class="check"><input type="checkbox" id="compose-accept" checked={form.accept_quota} onchange={edit(form, Box::new(move |f, e| f.accept_quota = checked(e)))} />{ "Schedule anyway" }</label>
            }
        </section>
    }
}

/// What each account will post, and TikTok's consent text.
fn preview(form: &Form, accounts: &[pb::Account]) -> Html {
    let branded = form.targets.iter().any(|t| t.settings.branded_content);
    let rows = form.targets.iter().map(|t| {
        let name = accounts.iter().find(|a| a.id == t.account_id).map(|a| format!("@{}", a.username)).unwrap_or_default();
        let caption = t.caption.clone().unwrap_or_else(|| form.caption.clone());
        html! { <li><strong>{ name }</strong>{ " · " }{ privacy_label(&t.settings.privacy_level) }{ " · " }{ caption }</li> }
    });
    html! {
        <section class="card preview">
            <h2>{ "Preview" }</h2>
            <ul>{ for rows }</ul>
            <p class="muted consent">{ consent_text(branded) }</p>
        </section>
    }
}
