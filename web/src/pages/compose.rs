//! Compose: one post for several accounts, following TikTok's rules for posting apps: the
//! creator's nickname is shown, privacy has no default and is chosen by the person,
//! interactions the creator disabled are greyed out and the others start off, commercial
//! content is disclosed with TikTok's consent text, and each account can override the caption
//! and settings. A preview shows what each account will post.

use std::collections::HashMap;
use std::rc::Rc;

use multitok_proto::v1 as pb;
use multitok_shared::post_rules::{allowed_privacy, consent_text, disclosure_label};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::app::Route;
use crate::components::field::ErrorBanner;
use crate::error::ApiError;
use crate::hooks::use_session;
use crate::router::use_navigator;

/// One chosen account and how it posts.
#[derive(Clone, PartialEq, Default)]
struct TargetForm {
    account_id: String,
    settings: pb::TargetSettings,
    disclose: bool,
    caption: Option<String>,
}

#[derive(Clone, PartialEq, Default)]
struct Form {
    media_id: String,
    caption: String,
    targets: Vec<TargetForm>,
    when: String,
    zone: String,
    now: bool,
    accept_quota: bool,
}

/// A change of the form in response to an input event.
type Edit = Box<dyn Fn(&mut Form, &Event)>;

/// One change applied to the latest form, so events that fire together (a text field's change
/// and the click that blurred it) never overwrite each other.
struct FormEdit(Box<dyn FnOnce(&mut Form)>);

impl Reducible for Form {
    type Action = FormEdit;

    fn reduce(self: Rc<Self>, action: FormEdit) -> Rc<Self> {
        let mut next = (*self).clone();
        (action.0)(&mut next);
        Rc::new(next)
    }
}

fn privacy_label(level: &str) -> &str {
    match level {
        "PUBLIC_TO_EVERYONE" => "Everyone",
        "MUTUAL_FOLLOW_FRIENDS" => "Friends",
        "FOLLOWER_OF_CREATOR" => "Followers",
        "SELF_ONLY" => "Only me",
        other => other,
    }
}

fn checked(e: &Event) -> bool {
    e.target_unchecked_into::<HtmlInputElement>().checked()
}

#[function_component(Compose)]
pub fn compose() -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let workspace = session
        .workspace()
        .and_then(|m| m.workspace)
        .unwrap_or_default();
    let ws = workspace.id.clone();
    let media = use_state(Vec::<pb::Media>::new);
    let accounts = use_state(Vec::<pb::Account>::new);
    let infos = use_state(HashMap::<String, pb::CreatorInfo>::new);
    let form = use_reducer(|| Form {
        zone: workspace.time_zone.clone(),
        ..Form::default()
    });
    let error = use_state(|| None::<ApiError>);
    {
        let (api, media, accounts, infos, error, ws) = (
            session.api.clone(),
            media.clone(),
            accounts.clone(),
            infos.clone(),
            error.clone(),
            ws.clone(),
        );
        use_effect_with(ws.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let loaded = async {
                    let m = api
                        .send(pb::ListMediaRequest {
                            workspace_id: ws.clone(),
                        })
                        .await?;
                    media.set(m.media);
                    let a = api
                        .send(pb::ListAccountsRequest {
                            workspace_id: ws.clone(),
                        })
                        .await?;
                    let active: Vec<pb::Account> = a
                        .accounts
                        .into_iter()
                        .filter(|a| a.status == pb::AccountStatus::Active as i32)
                        .collect();
                    let mut found = HashMap::new();
                    for account in &active {
                        let r = api
                            .send(pb::GetCreatorInfoRequest {
                                workspace_id: ws.clone(),
                                account_id: account.id.clone(),
                            })
                            .await?;
                        if let Some(info) = r.creator_info {
                            found.insert(account.id.clone(), info);
                        }
                    }
                    accounts.set(active);
                    infos.set(found);
                    Ok::<(), ApiError>(())
                };
                if let Err(e) = loaded.await {
                    error.set(Some(e));
                }
            });
        });
    }
    let edit = |f: Edit| {
        let dispatch = form.dispatcher();
        let f = Rc::new(f);
        Callback::from(move |e: Event| {
            let f = f.clone();
            dispatch.dispatch(FormEdit(Box::new(move |form: &mut Form| f(form, &e))));
        })
    };
    // Text fields follow every keystroke, so a re-render never puts back an older value.
    let typed = |f: Edit| {
        let on = edit(f);
        Callback::from(move |e: InputEvent| on.emit(e.unchecked_into::<Event>()))
    };
    let on_submit = {
        let (api, form, error, ws, navigator) = (
            session.api.clone(),
            form.clone(),
            error.clone(),
            ws.clone(),
            navigator.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let f = (*form).clone();
            let (api, error, ws, navigator) =
                (api.clone(), error.clone(), ws.clone(), navigator.clone());
            let when = if f.now {
                pb::schedule_request::When::Now(true)
            } else {
                pb::schedule_request::When::At(pb::LocalTime {
                    local: f.when.clone(),
                    time_zone: f.zone.clone(),
                })
            };
            let request = pb::ScheduleRequest {
                workspace_id: ws,
                media_id: f.media_id.clone(),
                caption: f.caption.clone(),
                targets: f
                    .targets
                    .iter()
                    .map(|t| pb::TargetInput {
                        account_id: t.account_id.clone(),
                        settings: Some(t.settings.clone()),
                        caption: t.caption.clone(),
                    })
                    .collect(),
                when: Some(when),
                accept_quota_warning: f.accept_quota,
            };
            wasm_bindgen_futures::spawn_local(async move {
                match api.send(request).await {
                    Ok(r) => {
                        let id = r.post.map(|p| p.id).unwrap_or_default();
                        navigator.go_to(Route::Post, &format!("/post?id={id}"));
                    }
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
    let account_rows = accounts.iter().map(|a| {
        let index = form.targets.iter().position(|t| t.account_id == a.id);
        let info = infos.get(&a.id).cloned().unwrap_or_default();
        let id = a.id.clone();
        let toggle = edit(Box::new(move |f, e| {
            if checked(e) && !f.targets.iter().any(|t| t.account_id == id) {
                f.targets.push(TargetForm { account_id: id.clone(), ..TargetForm::default() });
            } else if !checked(e) {
                f.targets.retain(|t| t.account_id != id);
            }
        }));
        let settings = index.map(|i| {
            let t = form.targets[i].clone();
            let p = format!("targets[{i}].");
            let set = |apply: fn(&mut TargetForm, &Event)| {
                let id = a.id.clone();
                edit(Box::new(move |f, e| {
                    if let Some(t) = f.targets.iter_mut().find(|t| t.account_id == id) {
                        apply(t, e);
                    }
                }))
            };
            let privacy_options = allowed_privacy(&info.privacy_level_options, t.settings.branded_content);
            let on_caption = {
                let on = set(|t, e| {
                    let v = e.target_unchecked_into::<HtmlTextAreaElement>().value();
                    t.caption = (!v.is_empty()).then_some(v);
                });
                Callback::from(move |e: InputEvent| on.emit(e.unchecked_into::<Event>()))
            };
            let on_privacy = set(|t, e| t.settings.privacy_level = e.target_unchecked_into::<HtmlSelectElement>().value());
            let interaction = |label: &'static str, name: &'static str, on: bool, disabled: bool, apply: fn(&mut TargetForm, &Event)| html! {
                <label class={classes!("check", disabled.then_some("disabled"))} title={ if disabled { "Turned off by the creator on TikTok" } else { "" } }>
                    <input type="checkbox" name={name} checked={on && !disabled} disabled={disabled} onchange={set(apply)} />{ label }
                </label>
            };
            html! {
                <div class="target-settings">
                    <label>{ "Who can view this video" }
                        <select class="privacy" name={format!("privacy-{}", a.username)} onchange={on_privacy}>
                            <option value="" selected={t.settings.privacy_level.is_empty()} disabled=true>{ "Choose…" }</option>
                            { for privacy_options.iter().map(|o| html! {
                                <option value={o.clone()} selected={*o == t.settings.privacy_level}>{ privacy_label(o) }</option>
                            }) }
                        </select>
                    </label>
                    { field_error(&format!("{p}privacy_level")) }
                    <div class="row">
                        { interaction("Comments", "allow_comment", t.settings.allow_comment, info.comment_disabled, |t, e| t.settings.allow_comment = checked(e)) }
                        { interaction("Duet", "allow_duet", t.settings.allow_duet, info.duet_disabled, |t, e| t.settings.allow_duet = checked(e)) }
                        { interaction("Stitch", "allow_stitch", t.settings.allow_stitch, info.stitch_disabled, |t, e| t.settings.allow_stitch = checked(e)) }
                        { interaction("AI-generated", "ai_generated", t.settings.ai_generated, false, |t, e| t.settings.ai_generated = checked(e)) }
                        { interaction("Send to inbox as draft", "inbox_draft", t.settings.inbox_draft, false, |t, e| t.settings.inbox_draft = checked(e)) }
                    </div>
                    <label class="check"><input type="checkbox" name="disclose" checked={t.disclose} onchange={set(|t, e| {
                        t.disclose = checked(e);
                        if !t.disclose { t.settings.brand_organic = false; t.settings.branded_content = false; }
                    })} />{ "Disclose commercial content" }</label>
                    if t.disclose {
                        <div class="row">
                            { interaction("Your brand", "brand_organic", t.settings.brand_organic, false, |t, e| t.settings.brand_organic = checked(e)) }
                            { interaction("Branded content", "branded_content", t.settings.branded_content, false, |t, e| {
                                t.settings.branded_content = checked(e);
                                if t.settings.branded_content && t.settings.privacy_level == "SELF_ONLY" { t.settings.privacy_level.clear(); }
                            }) }
                        </div>
                        if let Some(label) = disclosure_label(t.settings.brand_organic, t.settings.branded_content) { <p class="muted">{ label }</p> }
                        else { <p class="field-error">{ "Choose whether the content promotes yourself, a third party, or both." }</p> }
                    }
                    <label>{ "Caption for this account (optional)" }
                        <textarea name={format!("caption-{}", a.username)} value={t.caption.clone().unwrap_or_default()} oninput={on_caption} />
                    </label>
                    { field_error(&format!("{p}caption")) }{ field_error(&format!("{p}media")) }{ field_error(&format!("{p}account_id")) }
                    { field_error(&format!("{p}allow_comment")) }{ field_error(&format!("{p}allow_duet")) }{ field_error(&format!("{p}allow_stitch")) }
                </div>
            }
        });
        html! {
            <div class="compose-account card">
                <label class="check"><input type="checkbox" data-account={a.username.clone()} checked={index.is_some()} onchange={toggle} />
                    <img class="avatar" src={a.avatar_url.clone()} alt="" width="28" height="28" />
                    <strong>{ if info.nickname.is_empty() { a.display_name.clone() } else { info.nickname.clone() } }</strong>
                    <span class="muted">{ format!(" @{}", a.username) }</span>
                </label>
                { settings.unwrap_or_default() }
            </div>
        }
    });
    let chosen = media.iter().find(|m| m.id == form.media_id).cloned();
    let branded = form.targets.iter().any(|t| t.settings.branded_content);
    let preview = form.targets.iter().map(|t| {
        let name = accounts.iter().find(|a| a.id == t.account_id).map(|a| format!("@{}", a.username)).unwrap_or_default();
        html! {
            <li><strong>{ name }</strong>{ " · " }{ privacy_label(&t.settings.privacy_level) }{ " · " }
                { t.caption.clone().unwrap_or_else(|| form.caption.clone()) }</li>
        }
    });
    let over_quota = err.failed_precondition;
    html! {
        <>
            <h1>{ "Compose" }</h1>
            <ErrorBanner error={(*error).clone()} />
            <form class="compose" onsubmit={on_submit}>
                <section class="card">
                    <label>{ "Video" }
                        <select id="compose-media" onchange={edit(Box::new(|f, e| f.media_id = e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                            <option value="" selected={form.media_id.is_empty()}>{ "Choose a video from the library…" }</option>
                            { for media.iter().map(|m| html! {
                                <option value={m.id.clone()} selected={m.id == form.media_id}>{ format!("{} ({:.0} s)", m.name, f64::from(m.duration_ms) / 1000.0) }</option>
                            }) }
                        </select>
                    </label>
                    { field_error("media_id") }
                    <label>{ "Caption" }
                        <textarea id="compose-caption" value={form.caption.clone()} oninput={typed(Box::new(|f, e| f.caption = e.target_unchecked_into::<HtmlTextAreaElement>().value()))} />
                    </label>
                </section>
                <h2>{ "Accounts" }</h2>
                if accounts.is_empty() { <p class="muted">{ "Connect an account on the Accounts page first." }</p> }
                // In a fragment: rows flattened into the form's children would shift the fields
                // above them when the accounts arrive, and the caption being typed would be
                // rendered anew (losing focus and keystrokes).
                <>{ for account_rows }</>
                { field_error("targets") }
                <section class="card">
                    <div class="row">
                        <label class="check"><input type="checkbox" id="compose-now" checked={form.now} onchange={edit(Box::new(|f, e| f.now = checked(e)))} />{ "Publish now" }</label>
                        if !form.now {
                            <label>{ "Date and time" }
                                <input id="compose-when" type="datetime-local" step="1" value={form.when.clone()} oninput={typed(Box::new(|f, e| f.when = e.target_unchecked_into::<HtmlInputElement>().value()))} />
                            </label>
                            <label>{ "Time zone" }
                                <input id="compose-zone" value={form.zone.clone()} oninput={typed(Box::new(|f, e| f.zone = e.target_unchecked_into::<HtmlInputElement>().value()))} />
                            </label>
                        }
                    </div>
                    { field_error("at.local") }{ field_error("at.time_zone") }{ field_error("at") }
                    if over_quota {
                        <label class="check"><input type="checkbox" id="compose-accept" checked={form.accept_quota} onchange={edit(Box::new(|f, e| f.accept_quota = checked(e)))} />{ "Schedule anyway" }</label>
                    }
                </section>
                <section class="card preview">
                    <h2>{ "Preview" }</h2>
                    if let Some(m) = chosen { <p class="muted">{ format!("{} · {}×{} · {:.0} s", m.name, m.width, m.height, f64::from(m.duration_ms) / 1000.0) }</p> }
                    <ul>{ for preview }</ul>
                    <p class="muted consent">{ consent_text(branded) }</p>
                    <button id="compose-submit" type="submit">{ if form.now { "Publish now" } else { "Schedule" } }</button>
                </section>
            </form>
        </>
    }
}
