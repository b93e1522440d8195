//! `PUT /upload/?upload_id=…&upload_token=…`: the chunk receiver. Checks headers, order and
//! sizes against the chunk plan; answers 206 with progress, 201 when complete, 403 after the
//! URL's hour, 404 for unknown uploads, 416 for a range that does not continue the upload.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use multitok_shared::ChunkPlan;
use sha2::{Digest, Sha256};

use crate::App;
use crate::posting::bounds;

fn progress(status: StatusCode, received: u64, total: u64) -> Response {
    let range = if received == 0 {
        format!("bytes */{total}")
    } else {
        format!("bytes 0-{}/{total}", received - 1)
    };
    (status, [("content-range", range)]).into_response()
}

fn parse_range(headers: &HeaderMap) -> Option<(u64, u64, u64)> {
    let value = headers
        .get("content-range")?
        .to_str()
        .ok()?
        .trim()
        .strip_prefix("bytes ")?
        .to_owned();
    let (span, total) = value.split_once('/')?;
    let (first, last) = span.split_once('-')?;
    Some((
        first.trim().parse().ok()?,
        last.trim().parse().ok()?,
        total.trim().parse().ok()?,
    ))
}

/// Running hashes of uploads in progress (not part of the saved state).
type Hashers = std::sync::Mutex<HashMap<String, Sha256>>;
static HASHERS: std::sync::LazyLock<Hashers> = std::sync::LazyLock::new(Hashers::default);

pub async fn put_chunk(
    State(app): State<App>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let upload_id = q.get("upload_id").cloned().unwrap_or_default();
    let (expected_start, total, expected_len) = {
        let state = app.lock();
        let Some(u) = state
            .uploads
            .get(&upload_id)
            .filter(|u| Some(&u.token) == q.get("upload_token"))
        else {
            return StatusCode::NOT_FOUND.into_response();
        };
        if state.now_ms() > u.expires_ms {
            return StatusCode::FORBIDDEN.into_response();
        }
        if u.received >= u.video_size {
            return progress(StatusCode::RANGE_NOT_SATISFIABLE, u.received, u.video_size);
        }
        let Ok(plan) = ChunkPlan::new(u.video_size, u.chunk_size, bounds(&app)) else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        let index = plan.chunk_at(u.received).unwrap_or(0);
        let range = plan.range(index);
        (u.received, u.video_size, range.end - range.start)
    };
    let Some((first, last, claimed_total)) = parse_range(&headers) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if claimed_total != total || last < first {
        return StatusCode::BAD_REQUEST.into_response();
    }
    if first != expected_start {
        return progress(StatusCode::RANGE_NOT_SATISFIABLE, expected_start, total);
    }
    let length = last - first + 1;
    let declared = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if length != expected_len || declared.is_some_and(|d| d != length) {
        return StatusCode::BAD_REQUEST.into_response();
    }
    // Stream the body: count and hash it, never hold the chunk.
    let mut hasher = HASHERS
        .lock()
        .ok()
        .and_then(|mut h| h.remove(&upload_id))
        .unwrap_or_default();
    let mut received = 0u64;
    let mut stream = body.into_data_stream();
    while let Some(piece) = stream.next().await {
        let Ok(piece) = piece else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        received += piece.len() as u64;
        if received > length {
            return StatusCode::BAD_REQUEST.into_response();
        }
        hasher.update(&piece);
    }
    if received != length {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let response = {
        let mut state = app.lock();
        let now = state.now_ms();
        let Some(u) = state.uploads.get_mut(&upload_id) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        u.received += length;
        let (done, received, publish_id) =
            (u.received >= u.video_size, u.received, u.publish_id.clone());
        if done {
            u.sha256 = Some(hex::encode(hasher.finalize()));
        } else if let Ok(mut h) = HASHERS.lock() {
            h.insert(upload_id, hasher);
        }
        if let Some(p) = state.publishes.get_mut(&publish_id) {
            p.uploaded = received;
            if done {
                p.media_done_ms = Some(now);
            }
        }
        progress(
            if done {
                StatusCode::CREATED
            } else {
                StatusCode::PARTIAL_CONTENT
            },
            received,
            total,
        )
    };
    app.save();
    response
}
