//! Bearer-token checks shared by the API handlers: token validity, scopes, rate windows.

use axum::http::HeaderMap;
use axum::response::Response;

use crate::App;
use crate::respond::err;
use crate::state::State;

/// The caller behind a valid token.
pub struct Caller {
    pub token: String,
    pub open_id: String,
    pub scopes: Vec<String>,
}

impl Caller {
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// Checks the token, the scope (any of `scopes`) and the per-minute window for `endpoint`.
pub fn check(
    state: &mut State,
    headers: &HeaderMap,
    scopes: &[&str],
    endpoint: &'static str,
    per_minute: u32,
) -> Result<Caller, Response> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    let now = state.now_ms();
    let Some(t) = state
        .tokens
        .get(&token)
        .filter(|t| t.expires_ms > now)
        .cloned()
    else {
        return Err(err(
            401,
            "access_token_invalid",
            "The access token is invalid or not found in the request.",
        ));
    };
    let caller = Caller {
        token,
        open_id: t.open_id,
        scopes: t.scopes,
    };
    if !scopes.is_empty() && !scopes.iter().any(|s| caller.has(s)) {
        return Err(err(
            401,
            "scope_not_authorized",
            "The user did not authorize the scope required for completing this request.",
        ));
    }
    if !state.admit(&caller.token, endpoint, per_minute) {
        return Err(err(
            429,
            "rate_limit_exceeded",
            "The API rate limit was exceeded. Please try again later.",
        ));
    }
    Ok(caller)
}

/// Parses a JSON body, answering TikTok's invalid-parameter error when it is not JSON.
pub fn json_body(app: &App, body: &[u8]) -> Result<serde_json::Value, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Value::Object(serde_json::Map::new()));
    }
    serde_json::from_slice(body).map_err(|_| {
        err(
            400,
            &app.config.invalid_param_code,
            "The request body is not valid JSON.",
        )
    })
}

/// Requested `fields` from the query string.
pub fn fields(query: &std::collections::HashMap<String, String>) -> Vec<String> {
    query
        .get("fields")
        .map(|f| {
            f.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}
