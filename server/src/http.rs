//! Plain HTTP routes beside the gRPC services: TikTok's OAuth redirect and its webhooks.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::service::Services;
use crate::service::accounts::Callback;
use multitok_core::CoreError;

/// Where TikTok sends the browser back after consent.
pub const CALLBACK_PATH: &str = "/oauth/tiktok/callback";
/// The cookie binding a connection to the browser that started it.
pub const CONNECT_COOKIE: &str = "multitok_connect";

pub fn routes(services: Services) -> Router {
    Router::new()
        .route(CALLBACK_PATH, get(callback))
        .route("/webhooks/tiktok", post(webhook))
        .with_state(services)
}

/// Completes a connection and sends the browser back to the Accounts page with the outcome.
async fn callback(
    State(services): State<Services>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let callback = Callback {
        code: q.get("code").cloned(),
        state: q.get("state").cloned(),
        browser: cookie(&headers, CONNECT_COOKIE),
        error: q.get("error").cloned(),
        error_description: q.get("error_description").cloned(),
    };
    let target = match services.complete_connect(callback).await {
        Ok((workspace, account)) => format!("/accounts?workspace={workspace}&connected={account}"),
        Err(failure) => {
            if let Some(cause) = &failure.cause {
                tracing::error!(
                    error = format!("{cause:#}"),
                    "connecting a TikTok account failed"
                );
            }
            let message: String =
                url::form_urlencoded::byte_serialize(failure.message.as_bytes()).collect();
            format!("/accounts?error={message}")
        }
    };
    Redirect::to(&target).into_response()
}

/// Verified, idempotent processing; anything but a valid signature is refused.
async fn webhook(State(services): State<Services>, headers: HeaderMap, body: Bytes) -> Response {
    let signature = headers
        .get("tiktok-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match services.tiktok_webhook(signature, &body).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(CoreError::Unauthenticated) => StatusCode::UNAUTHORIZED.into_response(),
        Err(CoreError::Invalid(_)) => StatusCode::BAD_REQUEST.into_response(),
        Err(e) => {
            let _ = crate::error::status(e);
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}
