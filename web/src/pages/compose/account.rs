//! One account in the compose form, following TikTok's rules for posting apps: the creator's
//! nickname is shown, privacy has no default and is chosen by the person, interactions the
//! creator disabled are greyed out and the others start off, and commercial content is
//! disclosed. The account can override the caption.

use multitok_proto::v1 as pb;
use multitok_shared::post_rules::{allowed_privacy, disclosure_label};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::form::{Form, TargetForm, edit, typed};
use crate::error::ApiError;

pub fn privacy_label(level: &str) -> &str {
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

#[derive(Properties, PartialEq)]
pub struct AccountProps {
    pub account: pb::Account,
    pub info: pb::CreatorInfo,
    pub form: UseReducerHandle<Form>,
    pub error: ApiError,
}

#[function_component(Account)]
pub fn account(p: &AccountProps) -> Html {
    let a = &p.account;
    let index = p.form.targets.iter().position(|t| t.account_id == a.id);
    let id = a.id.clone();
    let toggle = edit(
        &p.form,
        Box::new(move |f, e| {
            if checked(e) && !f.targets.iter().any(|t| t.account_id == id) {
                f.targets.push(TargetForm {
                    account_id: id.clone(),
                    ..TargetForm::default()
                });
            } else if !checked(e) {
                f.targets.retain(|t| t.account_id != id);
            }
        }),
    );
    let name = if p.info.nickname.is_empty() {
        a.display_name.clone()
    } else {
        p.info.nickname.clone()
    };
    html! {
        <div class="compose-account card">
            <label class="check"><input type="checkbox" data-account={a.username.clone()} checked={index.is_some()} onchange={toggle} />
                <img class="avatar" src={a.avatar_url.clone()} alt="" width="28" height="28" />
                <strong>{ name }</strong>
                <span class="muted">{ format!(" @{}", a.username) }</span>
            </label>
            if let Some(i) = index { { settings(p, i) } }
        </div>
    }
}

/// The settings of the chosen account at `i` in the form's targets.
fn settings(p: &AccountProps, i: usize) -> Html {
    let (a, info, t) = (&p.account, &p.info, p.form.targets[i].clone());
    let prefix = format!("targets[{i}].");
    let field_error = |name: &str| {
        p.error
            .field(&format!("{prefix}{name}"))
            .map(|m| html! { <span class="field-error">{ m }</span> })
            .unwrap_or_default()
    };
    let set = |apply: fn(&mut TargetForm, &Event)| {
        let id = a.id.clone();
        edit(
            &p.form,
            Box::new(move |f, e| {
                if let Some(t) = f.targets.iter_mut().find(|t| t.account_id == id) {
                    apply(t, e);
                }
            }),
        )
    };
    let on_caption = {
        let id = a.id.clone();
        typed(
            &p.form,
            Box::new(move |f, e| {
                let v = e.target_unchecked_into::<HtmlTextAreaElement>().value();
                if let Some(t) = f.targets.iter_mut().find(|t| t.account_id == id) {
                    t.caption = (!v.is_empty()).then_some(v);
                }
            }),
        )
    };
    let interaction = |label: &'static str,
                       name: &'static str,
                       on: bool,
                       disabled: bool,
                       apply: fn(&mut TargetForm, &Event)| {
        html! {
            <label class={classes!("check", disabled.then_some("disabled"))} title={ if disabled { "Turned off by the creator on TikTok" } else { "" } }>
                <input type="checkbox" name={name} checked={on && !disabled} disabled={disabled} onchange={set(apply)} />{ label }
            </label>
        }
    };
    let privacy_options = allowed_privacy(&info.privacy_level_options, t.settings.branded_content);
    let s = &t.settings;
    html! {
        <div class="target-settings">
            <label>{ "Who can view this video" }
                <select class="privacy" name={format!("privacy-{}", a.username)} onchange={set(|t, e| t.settings.privacy_level = e.target_unchecked_into::<HtmlSelectElement>().value())}>
                    <option value="" selected={s.privacy_level.is_empty()} disabled=true>{ "Choose…" }</option>
                    { for privacy_options.iter().map(|o| html! { <option value={o.clone()} selected={*o == s.privacy_level}>{ privacy_label(o) }</option> }) }
                </select>
            </label>
            { field_error("privacy_level") }
            <div class="row">
                { interaction("Comments", "allow_comment", s.allow_comment, info.comment_disabled, |t, e| t.settings.allow_comment = checked(e)) }
                { interaction("Duet", "allow_duet", s.allow_duet, info.duet_disabled, |t, e| t.settings.allow_duet = checked(e)) }
                { interaction("Stitch", "allow_stitch", s.allow_stitch, info.stitch_disabled, |t, e| t.settings.allow_stitch = checked(e)) }
                { interaction("AI-generated", "ai_generated", s.ai_generated, false, |t, e| t.settings.ai_generated = checked(e)) }
                { interaction("Send to inbox as draft", "inbox_draft", s.inbox_draft, false, |t, e| t.settings.inbox_draft = checked(e)) }
            </div>
            { interaction("Disclose commercial content", "disclose", t.disclose, false, |t, e| {
                t.disclose = checked(e);
                if !t.disclose { t.settings.brand_organic = false; t.settings.branded_content = false; }
            }) }
            if t.disclose {
                <div class="row">
                    { interaction("Your brand", "brand_organic", s.brand_organic, false, |t, e| t.settings.brand_organic = checked(e)) }
                    { interaction("Branded content", "branded_content", s.branded_content, false, |t, e| {
                        t.settings.branded_content = checked(e);
                        if t.settings.branded_content && t.settings.privacy_level == "SELF_ONLY" { t.settings.privacy_level.clear(); }
                    }) }
                </div>
                if let Some(label) = disclosure_label(s.brand_organic, s.branded_content) { <p class="muted">{ label }</p> }
                else { <p class="field-error">{ "Choose whether the content promotes yourself, a third party, or both." }</p> }
            }
            <label>{ "Caption for this account (optional)" }
                <textarea name={format!("caption-{}", a.username)} value={t.caption.clone().unwrap_or_default()} oninput={on_caption} />
            </label>
            { field_error("caption") }{ field_error("media") }{ field_error("account_id") }
            { field_error("allow_comment") }{ field_error("allow_duet") }{ field_error("allow_stitch") }
        </div>
    }
}
