//! Safe retries: a write call that carries `idempotency-key` metadata runs once per caller and
//! key. The same key with the same request (method and bytes) within 24 hours gets the first
//! answer again without doing the work; with another request it is `FailedPrecondition`; while
//! the first call still runs (or if it never finished) it is `Aborted`. `CreateApiToken`'s
//! answer holds a secret shown once, so a replay is `AlreadyExists` and nothing is kept. Only
//! successful answers are kept; a failed call frees its key.

use std::convert::Infallible;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderMap, HeaderValue};
use http_body_util::BodyExt;
use multitok_store::idempotency::Reservation;
use sha2::{Digest, Sha256};
use tonic::Status;

use crate::service::{Caller, Services};

/// Calls that create or change something; `UploadChunk` is already safe to repeat (its offset
/// must continue the upload) and `StartConnect` only starts a consent that expires.
const WRITES: &[&str] = &[
    "AuthService/CreateApiToken",
    "AuthService/RevokeApiToken",
    "WorkspaceService/CreateWorkspace",
    "WorkspaceService/RenameWorkspace",
    "WorkspaceService/SetTimeZone",
    "WorkspaceService/AddMember",
    "WorkspaceService/ChangeRole",
    "WorkspaceService/RemoveMember",
    "WorkspaceService/LeaveWorkspace",
    "AccountService/SyncAccount",
    "AccountService/DisconnectAccount",
    "PublishingService/BeginUpload",
    "PublishingService/FinishUpload",
    "PublishingService/DeleteMedia",
    "PublishingService/ResolveTarget",
    "SchedulingService/Schedule",
    "SchedulingService/Reschedule",
    "SchedulingService/Cancel",
    "SchedulingService/PublishNow",
    "SchedulingService/ImportCsv",
    "AnalyticsService/RefreshAccount",
];
/// The one write whose answer is a secret shown once.
const SECRET_ANSWER: &str = "AuthService/CreateApiToken";
/// Largest request body read to hash it (a CSV import is the largest write).
const MAX_BODY: usize = 16 * 1024 * 1024;

fn is_write(path: &str) -> bool {
    WRITES
        .iter()
        .any(|w| path.strip_prefix("/multitok.v1.") == Some(w))
}

/// The key from the metadata: 1 to 128 visible ASCII characters.
fn key_of(headers: &HeaderMap) -> Option<Result<String, Status>> {
    let raw = headers.get("idempotency-key")?;
    let key = raw
        .to_str()
        .ok()
        .filter(|k| (1..=128).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()));
    Some(key.map(str::to_owned).ok_or_else(|| {
        Status::invalid_argument("idempotency-key must be 1 to 128 visible ASCII characters")
    }))
}

pub async fn idempotent(
    State(services): State<Services>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let caller = request.extensions().get::<Caller>().cloned();
    let (Some(caller), true) = (caller, is_write(&path)) else {
        return next.run(request).await;
    };
    let key = match key_of(request.headers()) {
        None => return next.run(request).await,
        Some(Err(status)) => return status.into_http(),
        Some(Ok(key)) => key,
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return Status::invalid_argument("the request is too large").into_http();
    };
    let hash = hex::encode(
        Sha256::new()
            .chain_update(&path)
            .chain_update(&bytes)
            .finalize(),
    );
    let store = &services.store;
    let found = store
        .reserve_idempotency_key(&caller.user_id, &key, &hash, services.now())
        .await;
    match found {
        Ok(Reservation::Reserved) => {}
        Ok(Reservation::Mismatch) => {
            return Status::failed_precondition(
                "this idempotency-key was used with a different request",
            )
            .into_http();
        }
        Ok(Reservation::Pending) => {
            return Status::aborted(
                "the first call with this idempotency-key has not finished; check its effect before retrying",
            )
            .into_http();
        }
        Ok(Reservation::Secret) => {
            return Status::already_exists(
                "this idempotency-key already created the token; its secret is shown only once",
            )
            .into_http();
        }
        Ok(Reservation::Done(stored)) => return replay(&stored),
        Err(e) => return crate::error::status(e.into()).into_http(),
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    settle(&services, &caller, &key, &path, response).await
}

/// Keeps a successful answer (or only that it happened) and frees the key of a failed one.
async fn settle(
    services: &Services,
    caller: &Caller,
    key: &str,
    path: &str,
    response: Response,
) -> Response {
    let (parts, body) = response.into_parts();
    let Ok(collected) = body.collect().await else {
        let _ = services
            .store
            .release_idempotency_key(&caller.user_id, key)
            .await;
        return Status::unavailable("the answer was interrupted; retry with the same key")
            .into_http();
    };
    let trailers = collected.trailers().cloned().unwrap_or_default();
    let data = collected.to_bytes();
    let ok = parts.headers.get("grpc-status").is_none()
        && trailers.get("grpc-status").is_some_and(|s| s == "0");
    let outcome = if !ok {
        services
            .store
            .release_idempotency_key(&caller.user_id, key)
            .await
    } else if path.ends_with(SECRET_ANSWER) {
        services
            .store
            .complete_idempotency_key(&caller.user_id, key, None)
            .await
    } else {
        let stored = STANDARD.encode(&data);
        services
            .store
            .complete_idempotency_key(&caller.user_id, key, Some(stored))
            .await
    };
    if let Err(e) = outcome {
        tracing::warn!(
            error = format!("{e:#}"),
            "recording an idempotency key failed"
        );
    }
    Response::from_parts(parts, with_trailers(data, trailers))
}

/// The stored answer of the first call, as a successful gRPC response.
fn replay(stored: &str) -> Response {
    let data = STANDARD.decode(stored).unwrap_or_default();
    let mut trailers = HeaderMap::new();
    trailers.insert("grpc-status", HeaderValue::from_static("0"));
    let mut response = Response::new(with_trailers(data.into(), trailers));
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/grpc"));
    response
        .headers_mut()
        .insert("idempotent-replay", HeaderValue::from_static("true"));
    response
}

fn with_trailers(data: bytes::Bytes, trailers: HeaderMap) -> Body {
    let frames = vec![
        Ok::<_, Infallible>(http_body::Frame::data(data)),
        Ok(http_body::Frame::trailers(trailers)),
    ];
    Body::new(http_body_util::StreamBody::new(futures::stream::iter(
        frames,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_named_by_their_full_path() {
        assert!(is_write("/multitok.v1.SchedulingService/Schedule"));
        assert!(!is_write("/multitok.v1.SchedulingService/ListCalendar"));
        assert!(!is_write("/other.v1.SchedulingService/Schedule"));
        let mut headers = HeaderMap::new();
        assert!(key_of(&headers).is_none());
        headers.insert("idempotency-key", HeaderValue::from_static("retry-1"));
        assert_eq!(key_of(&headers).unwrap().unwrap(), "retry-1");
        headers.insert("idempotency-key", HeaderValue::from_static(""));
        assert!(key_of(&headers).unwrap().is_err());
    }
}
