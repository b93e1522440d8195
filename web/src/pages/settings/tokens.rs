//! Personal API tokens for scripts and grpcurl: create (secret shown once, with copy), list,
//! revoke.

use multitok_proto::v1 as pb;
use yew::prelude::*;

use crate::api::Api;
use crate::components::field::{ErrorBanner, Field};
use crate::error::ApiError;
use crate::hooks::use_session;

async fn load(api: &Api) -> Result<Vec<pb::ApiToken>, ApiError> {
    Ok(api.send(pb::ListApiTokensRequest {}).await?.tokens)
}

fn date(ts: Option<&prost_types::Timestamp>) -> String {
    ts.map(|t| {
        js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.seconds as f64 * 1000.0))
            .to_locale_date_string("default", &wasm_bindgen::JsValue::UNDEFINED)
            .into()
    })
    .unwrap_or_else(|| "never".to_owned())
}

#[function_component(ApiTokens)]
pub fn api_tokens() -> Html {
    let session = use_session();
    let tokens = use_state(Vec::<pb::ApiToken>::new);
    let error = use_state(|| None::<ApiError>);
    let name = use_state(String::new);
    let days = use_state(|| "90".to_owned());
    let secret = use_state(|| None::<String>);
    let version = use_state(|| 0u32);
    {
        let (api, tokens, error) = (session.api.clone(), tokens.clone(), error.clone());
        use_effect_with(*version, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match load(&api).await {
                    Ok(list) => tokens.set(list),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let on_create = {
        let (api, name, days, error, secret, version) = (
            session.api.clone(),
            name.clone(),
            days.clone(),
            error.clone(),
            secret.clone(),
            version.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = pb::CreateApiTokenRequest {
                name: (*name).clone(),
                expires_in_days: days.parse().unwrap_or(0),
            };
            let (api, name, error, secret, version) = (
                api.clone(),
                name.clone(),
                error.clone(),
                secret.clone(),
                version.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let created = api.send(request).await;
                match created {
                    Ok(r) => {
                        secret.set(Some(r.secret));
                        name.set(String::new());
                        error.set(None);
                        version.set(*version + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_copy = {
        let secret = secret.clone();
        Callback::from(move |_: MouseEvent| {
            if let (Some(window), Some(s)) = (web_sys::window(), (*secret).clone()) {
                let _ = window.navigator().clipboard().write_text(&s);
            }
        })
    };
    let rows = tokens.iter().map(|t| {
        let (api, error, version, id) = (
            session.api.clone(),
            error.clone(),
            version.clone(),
            t.id.clone(),
        );
        let on_revoke = Callback::from(move |_: MouseEvent| {
            let (api, error, version, id) =
                (api.clone(), error.clone(), version.clone(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api.send(pb::RevokeApiTokenRequest { id }).await;
                error.set(result.err());
                version.set(*version + 1);
            });
        });
        html! {
            <tr>
                <td class="token-name">{ &t.name }</td>
                <td><code>{ format!("{}…", t.prefix) }</code></td>
                <td>{ "expires " }{ date(t.expires_at.as_ref()) }</td>
                <td>{ "last used " }{ date(t.last_used_at.as_ref()) }</td>
                <td><button class="danger" onclick={on_revoke}>{ "Revoke" }</button></td>
            </tr>
        }
    });
    html! {
        <section class="card" id="api-tokens">
            <h2>{ "Personal API tokens" }</h2>
            <p class="muted">{ "For scripts and grpcurl: send as " }<code>{ "authorization: Bearer <token>" }</code>{ "." }</p>
            <ErrorBanner error={(*error).clone()} />
            if let Some(s) = &*secret {
                <div class="notice">
                    <p>{ "Copy this token now; it will not be shown again." }</p>
                    <div class="secret" id="new-token-secret">{ s }</div>
                    <button class="secondary" onclick={on_copy}>{ "Copy" }</button>
                </div>
            }
            <table><tbody>{ for rows }</tbody></table>
            <form onsubmit={on_create} novalidate=true class="row gap-top">
                <Field label="Name" name="token_name" value={name} error={(*error).as_ref().and_then(|e| e.field("name"))} />
                <Field label="Days valid" name="token_days" kind="number" value={days} error={(*error).as_ref().and_then(|e| e.field("expires_in_days"))} />
                <button type="submit">{ "Create token" }</button>
            </form>
        </section>
    }
}
