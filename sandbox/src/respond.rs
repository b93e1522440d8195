//! TikTok's answer shapes: `{data, error:{code,message,log_id}}` for the API (successes too),
//! `{error, error_description, log_id}` for OAuth.

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A log id shaped like TikTok's: a timestamp then hex.
pub fn log_id() -> String {
    format!("{}{:016X}", chrono_like_stamp(), rand::random::<u64>())
}

fn chrono_like_stamp() -> String {
    let secs = crate::state::wall_ms() / 1000;
    format!("{secs}")
}

pub fn ok(data: Value) -> Response {
    (
        StatusCode::OK,
        axum::Json(
            json!({ "data": data, "error": { "code": "ok", "message": "", "log_id": log_id() } }),
        ),
    )
        .into_response()
}

/// An API error; `data` is an empty object as TikTok sends it.
pub fn err(status: u16, code: &str, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, axum::Json(json!({ "data": {}, "error": { "code": code, "message": message, "log_id": log_id() } }))).into_response()
}

pub fn oauth_err(status: u16, error: &str, description: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        axum::Json(json!({ "error": error, "error_description": description, "log_id": log_id() })),
    )
        .into_response()
}

/// Headers of a normal answer, then the connection is dropped mid-body: the request was
/// processed but the caller never learns the outcome.
pub fn dropped(status: StatusCode) -> Response {
    let stream = futures::stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::other("dropped by fault injection"))
    });
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
