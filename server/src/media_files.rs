//! Media files served to browsers at the signed URLs of [`multitok_core::media_url`]: the
//! `<video>` previews of the web app. Range requests are answered (seeking in a video), the
//! media type is the stored one, and every refusal, whether the signature is wrong, expired or
//! the file unknown, is the same 404, so a URL tells nothing about what exists.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::service::Services;

pub fn routes(services: Services) -> Router {
    Router::new()
        .route("/media/{workspace}/{media}", get(serve))
        .with_state(services)
}

/// The file's path and media type when the query grants it.
async fn granted(
    services: &Services,
    (workspace, media): &(String, String),
    query: &HashMap<String, String>,
) -> Option<(std::path::PathBuf, String)> {
    let expires = query.get("expires")?.parse().ok()?;
    let signature = query.get("signature")?;
    let now = services.now();
    if !services
        .media_urls
        .verify(workspace, media, expires, signature, now)
    {
        return None;
    }
    let found = services.store.media(workspace, media).await.ok()??;
    Some((
        services.media.path_of(&found.storage_key),
        found.content_type,
    ))
}

async fn serve(
    State(services): State<Services>,
    Path(ids): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let Some((path, content_type)) = granted(&services, &ids, &query).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(mime) = content_type.parse::<mime::Mime>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(mut response) = ServeFile::new_with_mime(path, &mime).oneshot(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response.into_response()
}
