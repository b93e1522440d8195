//! The worker's own small HTTP listener (`--metrics-listen`): `GET /metrics` in Prometheus's
//! text format, `GET /healthz` and `GET /readyz` as the server answers them. hyper directly,
//! so the worker links no web framework.

use std::convert::Infallible;
use std::path::PathBuf;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use multitok_core::Core;
use multitok_core::readiness::{self, Readiness};
use tokio::net::TcpListener;

/// Serves the three routes on `listener` for as long as the process runs.
pub fn spawn(listener: TcpListener, core: Core, key_file: Option<PathBuf>) {
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            let (core, key_file) = (core.clone(), key_file.clone());
            let service = hyper::service::service_fn(move |request| {
                answer(request, core.clone(), key_file.clone())
            });
            tokio::spawn(async move {
                let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                let _ = builder.serve_connection(TokioIo::new(tcp), service).await;
            });
        }
    });
}

async fn answer(
    request: Request<Incoming>,
    core: Core,
    key_file: Option<PathBuf>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(match request.uri().path() {
        "/metrics" => match core
            .metrics
            .render(&core.store, core.tiktok.as_ref(), core.now())
            .await
        {
            Ok(text) => reply(
                StatusCode::OK,
                "text/plain; version=0.0.4; charset=utf-8",
                text,
            ),
            Err(e) => reply(
                StatusCode::SERVICE_UNAVAILABLE,
                "text/plain",
                format!("{e:#}"),
            ),
        },
        "/healthz" => reply(StatusCode::OK, JSON, r#"{"status":"alive"}"#.to_owned()),
        "/readyz" => {
            let readiness =
                Readiness::new(readiness::checks(&core.store, key_file.as_deref()).await);
            let code = if readiness.ready {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            reply(
                code,
                JSON,
                serde_json::to_string(&readiness).unwrap_or_default(),
            )
        }
        _ => reply(StatusCode::NOT_FOUND, "text/plain", "not found".to_owned()),
    })
}

const JSON: &str = "application/json";

fn reply(code: StatusCode, content_type: &str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = code;
    if let Ok(value) = http::HeaderValue::from_str(content_type) {
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, value);
    }
    response
}
