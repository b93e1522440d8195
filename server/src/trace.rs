//! One span per call, gRPC, grpc-web or HTTP route: its request id, method, caller, workspace,
//! status and latency. Everything the call logs (service and store included) carries the span,
//! so every log line of a call names its request id. The id comes from `x-request-id` when the
//! caller sent a usable one, is generated otherwise, and is returned in the response headers
//! (gRPC's response metadata).

use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderMap, HeaderName, HeaderValue};
use multitok_core::metrics::Metrics;
use tracing::Instrument;
use tracing::field::Empty;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest request id taken from a caller; longer ones are replaced.
const MAX_ID_LEN: usize = 128;

/// The caller's request id when it is 1 to 128 visible ASCII characters; a fresh one otherwise.
pub fn request_id(headers: &HeaderMap) -> HeaderValue {
    headers
        .get(&REQUEST_ID)
        .filter(|v| usable(v.as_bytes()))
        .cloned()
        .unwrap_or_else(fresh_id)
}

fn usable(id: &[u8]) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_LEN && id.iter().all(|b| b.is_ascii_graphic())
}

fn fresh_id() -> HeaderValue {
    let id = uuid::Uuid::new_v4().simple().to_string();
    HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("unknown"))
}

/// Whether a message is gRPC or grpc-web, by its content type.
fn is_grpc(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/grpc"))
}

/// The gRPC status of an answer when its headers tell it: an error answered without a body
/// carries it there; a gRPC answer without it has started well (its trailers say how it ended).
fn grpc_status(response: &Response) -> Option<String> {
    let headers = response.headers();
    if let Some(code) = headers.get("grpc-status").and_then(|v| v.to_str().ok()) {
        return Some(code.to_owned());
    }
    (is_grpc(headers) && response.status().is_success()).then(|| "0".to_owned())
}

/// The method label of a call: its gRPC path, or `http` for every other route (file names
/// would make the label unbounded).
fn method_label(request: &Request) -> String {
    if is_grpc(request.headers()) {
        request.uri().path().to_owned()
    } else {
        "http".to_owned()
    }
}

/// Wraps a call in its span, returns the request id, logs the call's outcome once, and counts
/// it in the metrics.
pub async fn trace_call(
    State(metrics): State<Metrics>,
    mut request: Request,
    next: Next,
) -> Response {
    let method = method_label(&request);
    let id = request_id(request.headers());
    request.headers_mut().insert(REQUEST_ID, id.clone());
    let span = tracing::info_span!(
        "call",
        otel.name = %request.uri().path(),
        otel.kind = "server",
        request_id = %String::from_utf8_lossy(id.as_bytes()),
        method = %request.uri().path(),
        caller = Empty,
        workspace = Empty,
        http_status = Empty,
        grpc_status = Empty,
        latency_ms = Empty,
    );
    if let Some(parent) = request
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
    {
        multitok_core::telemetry::continue_trace(&span, parent);
    }
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    response.headers_mut().insert(REQUEST_ID, id);
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.record("http_status", response.status().as_u16());
    let code = grpc_status(&response);
    if let Some(code) = &code {
        span.record("grpc_status", code.as_str());
    }
    let code = code.unwrap_or_else(|| response.status().as_u16().to_string());
    // Unknown methods share one label, so that made-up paths cannot grow the metrics.
    let method = if code == "12" {
        "unknown"
    } else {
        method.as_str()
    };
    metrics.rpc(method, &code, started.elapsed());
    span.record("latency_ms", latency_ms);
    span.in_scope(|| tracing::info!("call answered"));
    response
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    #[test]
    fn a_usable_id_is_kept_and_anything_else_replaced() {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID, HeaderValue::from_static("abc-123"));
        assert_eq!(request_id(&headers), "abc-123");
        for bad in ["", "has space", &"x".repeat(129)] {
            headers.insert(REQUEST_ID, HeaderValue::from_str(bad).unwrap());
            let id = request_id(&headers);
            assert_ne!(id, bad);
            assert_eq!(id.len(), 32, "a fresh id replaces {bad:?}");
        }
        headers.remove(REQUEST_ID);
        assert_ne!(
            request_id(&headers),
            request_id(&headers),
            "fresh ids differ"
        );
    }

    /// A log sink shared with the test.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn every_line_of_a_call_names_its_request_id() {
        let sink = Sink::default();
        let writer = sink.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = Router::new()
            .route(
                "/inside",
                get(|| async {
                    tracing::warn!("deep inside the call");
                    "ok"
                }),
            )
            .layer(axum::middleware::from_fn_with_state(
                Metrics::default(),
                trace_call,
            ));
        let request = http::Request::get("/inside")
            .header(REQUEST_ID, "req-42")
            .body(Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.headers()[REQUEST_ID], "req-42");
        let logs = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = logs.lines().collect();
        assert_eq!(lines.len(), 2, "{logs}");
        for line in lines {
            assert!(line.contains("request_id=req-42"), "{line}");
            assert!(line.contains("method=/inside"), "{line}");
        }
        assert!(logs.contains("http_status=200"), "{logs}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn made_up_grpc_methods_share_one_metrics_label() {
        // A subscriber of its own, as the other test has: call sites first seen with none
        // would be cached as never enabled for that test too.
        let quiet = tracing_subscriber::fmt()
            .with_writer(std::io::sink)
            .finish();
        let _guard = tracing::subscriber::set_default(quiet);
        let metrics = Metrics::default();
        let unimplemented = || async {
            (
                [("content-type", "application/grpc"), ("grpc-status", "12")],
                "",
            )
        };
        let app =
            Router::new()
                .fallback(unimplemented)
                .layer(axum::middleware::from_fn_with_state(
                    metrics.clone(),
                    trace_call,
                ));
        for path in ["/made.Up/One", "/made.Up/Two"] {
            let request = http::Request::post(path)
                .header("content-type", "application/grpc")
                .body(Body::empty())
                .unwrap();
            app.clone().oneshot(request).await.unwrap();
        }
        assert_eq!(metrics.rpc_count("unknown", "12"), 2);
        assert_eq!(metrics.rpc_count("/made.Up/One", "12"), 0);
    }
}
