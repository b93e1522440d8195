//! OAuth v2: the consent page (approve, deny, or `auto_approve=<open_id>` for tests), the
//! token endpoint (authorization code with hex-S256 PKCE, refresh with optional rotation) and
//! revoke. Requests are form-encoded; answers are flat JSON; errors are
//! `{error, error_description, log_id}` with a configurable status.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::App;
use crate::respond::oauth_err;
use crate::state::{Grant, Refresh, Token};
use crate::webhooks;

const KNOWN_SCOPES: &[&str] = &[
    "user.info.basic",
    "user.info.profile",
    "user.info.stats",
    "video.list",
    "video.publish",
    "video.upload",
];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn query_string(params: &HashMap<String, String>) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish()
}

/// `GET /v2/auth/authorize/`: lists the sandbox's creators to approve as, or denies.
pub async fn consent_page(
    State(app): State<App>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    if get("client_key") != app.config.client_key {
        return (
            StatusCode::BAD_REQUEST,
            Html("<h1>Something went wrong</h1><p>client_key is unknown.</p>"),
        )
            .into_response();
    }
    let redirect = get("redirect_uri");
    if get("response_type") != "code"
        || redirect.is_empty()
        || (!app.config.redirect_uris.is_empty() && !app.config.redirect_uris.contains(&redirect))
    {
        return (
            StatusCode::BAD_REQUEST,
            Html("<h1>Something went wrong</h1><p>redirect_uri or response_type is invalid.</p>"),
        )
            .into_response();
    }
    if let Some(open_id) = params.get("auto_approve") {
        return decide(State(app), Query(with(&params, "open_id", open_id))).await;
    }
    let creators: Vec<(String, String)> = {
        let state = app.lock();
        let mut list: Vec<_> = state
            .creators
            .values()
            .map(|c| (c.config.open_id.clone(), c.config.display_name.clone()))
            .collect();
        list.sort();
        list
    };
    let items: String = creators
        .iter()
        .map(|(id, name)| {
            format!(
                "<li><a class=\"approve\" href=\"/v2/auth/decide/?{}\">Continue as {}</a></li>",
                escape(&query_string(&with(&params, "open_id", id))),
                escape(name)
            )
        })
        .collect();
    let deny = escape(&query_string(&with(&params, "deny", "1")));
    let scopes = escape(&get("scope").replace(',', ", "));
    Html(format!(
        "<!doctype html><html><head><meta charset=utf-8><title>TikTok sandbox: authorize</title></head><body>\
         <h1>Authorize this app</h1><p>It asks for: {scopes}</p><ul>{items}</ul>\
         <p><a class=\"deny\" href=\"/v2/auth/decide/?{deny}\">Cancel</a></p></body></html>"
    ))
    .into_response()
}

fn with(params: &HashMap<String, String>, key: &str, value: &str) -> HashMap<String, String> {
    let mut p = params.clone();
    p.remove("auto_approve");
    p.insert(key.to_owned(), value.to_owned());
    p
}

/// `GET /v2/auth/decide/`: redirects back with a code (or `error=access_denied`).
pub async fn decide(
    State(app): State<App>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    let Ok(mut back) = url::Url::parse(&get("redirect_uri")) else {
        return (StatusCode::BAD_REQUEST, "redirect_uri is not a URL").into_response();
    };
    if params.contains_key("deny") {
        back.query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("error_description", "The user denied the request")
            .append_pair("state", &get("state"));
        return Redirect::to(back.as_str()).into_response();
    }
    let open_id = get("open_id");
    // The user may untick scopes: `granted` narrows the request (tests use it).
    let requested = get("scope");
    let granted_param = params.get("granted").cloned().unwrap_or(requested);
    let scopes: Vec<String> = granted_param
        .split(',')
        .map(str::trim)
        .filter(|s| KNOWN_SCOPES.contains(s))
        .map(str::to_owned)
        .collect();
    let code = {
        let mut state = app.lock();
        if !state.creators.contains_key(&open_id) {
            return (StatusCode::BAD_REQUEST, "unknown creator").into_response();
        }
        let code = state.id("code.");
        let expires_ms = state.now_ms() + 600_000;
        let grant = Grant {
            open_id,
            scopes: scopes.clone(),
            redirect_uri: get("redirect_uri"),
            code_challenge: params.get("code_challenge").cloned(),
            expires_ms,
        };
        state.grants.insert(code.clone(), grant);
        code
    };
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("scopes", &scopes.join(","))
        .append_pair("state", &get("state"));
    app.save();
    Redirect::to(back.as_str()).into_response()
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn pkce_ok(challenge: Option<&str>, verifier: Option<&str>) -> bool {
    match (challenge, verifier) {
        (None, _) => true,
        (Some(c), Some(v)) => {
            let digest = Sha256::digest(v.as_bytes());
            let b64 = base64url(&digest);
            c.eq_ignore_ascii_case(&hex::encode(digest)) || c == b64
        }
        (Some(_), None) => false,
    }
}

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// `POST /v2/oauth/token/`
pub async fn token(State(app): State<App>, body: Bytes) -> Response {
    let f = form(&body);
    let status = app.config.oauth_error_status;
    if f.get("client_key") != Some(&app.config.client_key)
        || f.get("client_secret") != Some(&app.config.client_secret)
    {
        return oauth_err(status, "invalid_client", "Client key or secret is invalid");
    }
    let response = match f.get("grant_type").map(String::as_str) {
        Some("authorization_code") => exchange(&app, &f),
        Some("refresh_token") => refresh(&app, &f),
        Some(_) => Err(("unsupported_grant_type", "grant_type is not supported")),
        None => Err(("invalid_request", "grant_type is required")),
    };
    match response {
        Ok(json) => {
            app.save();
            axum::Json(json).into_response()
        }
        Err((code, description)) => oauth_err(status, code, description),
    }
}

type OAuthResult = Result<serde_json::Value, (&'static str, &'static str)>;

fn exchange(app: &App, f: &HashMap<String, String>) -> OAuthResult {
    let mut state = app.lock();
    let code = f
        .get("code")
        .ok_or(("invalid_request", "code is required"))?;
    let grant = state.grants.remove(code).ok_or((
        "invalid_grant",
        "Authorization code is invalid or was already used",
    ))?;
    if grant.expires_ms < state.now_ms() {
        return Err(("invalid_grant", "Authorization code expired"));
    }
    if f.get("redirect_uri") != Some(&grant.redirect_uri) {
        return Err((
            "invalid_grant",
            "redirect_uri does not match the authorization request",
        ));
    }
    if !pkce_ok(
        grant.code_challenge.as_deref(),
        f.get("code_verifier").map(String::as_str),
    ) {
        return Err((
            "invalid_grant",
            "code_verifier does not match code_challenge",
        ));
    }
    Ok(issue(&mut state, app, &grant.open_id, &grant.scopes, None))
}

fn refresh(app: &App, f: &HashMap<String, String>) -> OAuthResult {
    let mut state = app.lock();
    let presented = f
        .get("refresh_token")
        .ok_or(("invalid_request", "refresh_token is required"))?;
    let r = state
        .refresh
        .get(presented)
        .cloned()
        .ok_or(("invalid_grant", "Refresh token is invalid or revoked"))?;
    if r.expires_ms < state.now_ms() {
        return Err(("invalid_grant", "Refresh token expired"));
    }
    state.counters(&r.open_id).refreshes += 1;
    let keep = if app.config.rotate_refresh_tokens {
        state.refresh.remove(presented);
        None
    } else {
        Some(presented.clone())
    };
    Ok(issue(&mut state, app, &r.open_id, &r.scopes, keep))
}

/// New access token (and refresh token unless `keep`), as TikTok's flat JSON.
fn issue(
    state: &mut crate::state::State,
    app: &App,
    open_id: &str,
    scopes: &[String],
    keep: Option<String>,
) -> serde_json::Value {
    let now = state.now_ms();
    let access = format!("act.{}", hex::encode(rand::random::<[u8; 24]>()));
    let expires_in = app.config.access_token_secs;
    state.tokens.insert(
        access.clone(),
        Token {
            open_id: open_id.to_owned(),
            scopes: scopes.to_vec(),
            expires_ms: now + expires_in * 1000,
        },
    );
    let refresh = keep.unwrap_or_else(|| {
        let r = format!("rft.{}", hex::encode(rand::random::<[u8; 24]>()));
        let expires_ms = now + app.config.refresh_token_secs * 1000;
        state.refresh.insert(
            r.clone(),
            Refresh {
                open_id: open_id.to_owned(),
                scopes: scopes.to_vec(),
                expires_ms,
            },
        );
        r
    });
    let refresh_expires_in = state
        .refresh
        .get(&refresh)
        .map_or(0, |r| (r.expires_ms - now) / 1000);
    json!({
        "access_token": access,
        "expires_in": expires_in,
        "open_id": open_id,
        "refresh_token": refresh,
        "refresh_expires_in": refresh_expires_in,
        "scope": scopes.join(","),
        "token_type": "Bearer",
    })
}

/// `POST /v2/oauth/revoke/`: ends the app's authorization for the token's user.
pub async fn revoke(State(app): State<App>, body: Bytes) -> Response {
    let f = form(&body);
    let status = app.config.oauth_error_status;
    if f.get("client_key") != Some(&app.config.client_key)
        || f.get("client_secret") != Some(&app.config.client_secret)
    {
        return oauth_err(status, "invalid_client", "Client key or secret is invalid");
    }
    let open_id = {
        let mut state = app.lock();
        let Some(token) = f.get("token").and_then(|t| state.tokens.get(t)).cloned() else {
            return oauth_err(
                status,
                "invalid_grant",
                "Token is invalid or already revoked",
            );
        };
        state.tokens.retain(|_, t| t.open_id != token.open_id);
        state.refresh.retain(|_, r| r.open_id != token.open_id);
        token.open_id
    };
    app.save();
    webhooks::emit(
        &app,
        "authorization.removed",
        Some(&open_id),
        json!({ "reason": 5 }),
    );
    StatusCode::OK.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_accepts_hex_and_base64url_challenges() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        // RFC 7636's example: base64url challenge of this verifier.
        assert!(pkce_ok(
            Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            Some(verifier)
        ));
        assert!(pkce_ok(
            Some(&hex::encode(Sha256::digest(verifier.as_bytes()))),
            Some(verifier)
        ));
        assert!(!pkce_ok(Some("abc"), Some(verifier)));
        assert!(!pkce_ok(Some("abc"), None));
        assert!(pkce_ok(None, None));
    }
}
