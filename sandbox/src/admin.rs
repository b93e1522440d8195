//! The admin endpoint for tests and demos: counters per creator, when each init arrived, fault
//! injection at run time, expiring tokens now, moving the clock, and the hash of completed
//! uploads.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::App;
use crate::faults::EndpointFaults;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/admin/counters", get(counters))
        .route("/admin/inits", get(inits))
        .route("/admin/faults", post(set_faults).delete(clear_faults))
        .route("/admin/expire-tokens/{open_id}", post(expire_tokens))
        .route("/admin/advance", post(advance_clock))
        .route("/admin/uploads/{publish_id}", get(upload))
}

/// `GET /admin/counters`: `{open_id: {init_calls, published, refreshes}}`.
async fn counters(State(app): State<App>) -> Response {
    let mut state = app.lock();
    crate::lifecycle::advance(&app, &mut state);
    Json(json!(state.counters)).into_response()
}

/// `GET /admin/inits`: `{open_id: [ms since the epoch, …]}`, when each accepted init (direct
/// post or inbox) arrived, by the sandbox's clock.
async fn inits(State(app): State<App>) -> Response {
    let state = app.lock();
    let mut all: std::collections::HashMap<&str, Vec<i64>> = std::collections::HashMap::new();
    for (open_id, times) in state.post_times.iter().chain(&state.inbox_times) {
        all.entry(open_id).or_default().extend(times);
    }
    Json(json!(all)).into_response()
}

#[derive(Deserialize)]
struct FaultRequest {
    /// An endpoint path such as `/v2/post/publish/video/init/`, or `*` for every endpoint.
    endpoint: String,
    #[serde(flatten)]
    faults: EndpointFaults,
}

/// `POST /admin/faults`: sets the faults of one endpoint.
async fn set_faults(State(app): State<App>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<FaultRequest>(&body) {
        Ok(f) => {
            app.lock().faults.endpoints.insert(f.endpoint, f.faults);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    }
}

/// `DELETE /admin/faults`
async fn clear_faults(State(app): State<App>) -> Response {
    app.lock().faults.endpoints.clear();
    StatusCode::NO_CONTENT.into_response()
}

/// `POST /admin/expire-tokens/{open_id}`: the creator's access tokens stop working now.
async fn expire_tokens(State(app): State<App>, Path(open_id): Path<String>) -> Response {
    let mut state = app.lock();
    let now = state.now_ms();
    state
        .tokens
        .values_mut()
        .filter(|t| t.open_id == open_id)
        .for_each(|t| t.expires_ms = now - 1);
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct Advance {
    seconds: i64,
}

/// `POST /admin/advance {"seconds": N}`: moves the sandbox's clock forward.
async fn advance_clock(State(app): State<App>, Json(a): Json<Advance>) -> Response {
    let mut state = app.lock();
    state.offset_ms += a.seconds.max(0) * 1000;
    crate::lifecycle::advance(&app, &mut state);
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /admin/uploads/{publish_id}`: bytes received and, once complete, their SHA-256.
async fn upload(State(app): State<App>, Path(publish_id): Path<String>) -> Response {
    let state = app.lock();
    match state.uploads.values().find(|u| u.publish_id == publish_id) {
        Some(u) => {
            Json(json!({ "received": u.received, "video_size": u.video_size, "sha256": u.sha256 }))
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
