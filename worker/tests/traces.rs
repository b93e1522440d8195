//! OpenTelemetry traces: a small OTLP/HTTP receiver collects the spans of one `Schedule` (the
//! server, with the caller's `traceparent`) and of its publishing by a worker process; they all
//! carry the caller's trace id: the call, its store write, the worker's steps and its TikTok
//! calls. A grpc-web call continues the `traceparent` header the same way.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod harness;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use harness::{Workers, World, sandbox_config};
use http_body_util::{BodyExt, Full};
use multitok_proto::v1 as pb;
use multitok_proto::v1::scheduling_service_client::SchedulingServiceClient;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

/// Every span received: (service, trace id in hex, span name).
type Received = Arc<Mutex<Vec<(String, String, String)>>>;

/// Accepts OTLP/HTTP protobuf exports on a free port; answers the endpoint.
async fn receiver(received: Received) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            let received = received.clone();
            let service = hyper::service::service_fn(
                move |request: hyper::Request<hyper::body::Incoming>| {
                    let received = received.clone();
                    async move {
                        let body = request.into_body().collect().await.unwrap().to_bytes();
                        record(&received, &body);
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(
                            Bytes::new(),
                        )))
                    }
                },
            );
            tokio::spawn(async move {
                let io = hyper_util::rt::TokioIo::new(tcp);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    endpoint
}

fn record(received: &Received, body: &[u8]) {
    let export = ExportTraceServiceRequest::decode(body).unwrap();
    let mut all = received.lock().unwrap();
    for resource in export.resource_spans {
        let service = resource
            .resource
            .iter()
            .flat_map(|r| &r.attributes)
            .find(|a| a.key == "service.name")
            .and_then(|a| a.value.as_ref())
            .map(|v| format!("{:?}", v.value))
            .unwrap_or_default();
        for span in resource.scope_spans.into_iter().flat_map(|s| s.spans) {
            all.push((service.clone(), hex::encode(&span.trace_id), span.name));
        }
    }
}

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const WEB_TRACE_ID: &str = "0af7651916cd43dd8448eb211c80319c";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_runs_from_schedule_through_publishing() {
    let received = Received::default();
    let endpoint = receiver(received.clone()).await;
    let mut settings = multitok_core::Settings::default();
    settings.telemetry.otlp_endpoint = Some(endpoint.clone());
    // The in-process server exports as the server binary does.
    let telemetry = multitok_core::telemetry::init(&settings, "multitok-server").unwrap();
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let at = chrono::Utc::now() + chrono::TimeDelta::seconds(1);
    let mut request = harness::authed(&w.token, w.schedule_request(&[&ana], at, |_| {}));
    let parent = format!("00-{TRACE_ID}-00f067aa0ba902b7-01");
    request
        .metadata_mut()
        .insert("traceparent", parent.parse().unwrap());
    let post = SchedulingServiceClient::new(w.channel.clone())
        .schedule(request)
        .await
        .unwrap()
        .into_inner()
        .post
        .unwrap();

    // A browser's call: grpc-web over HTTP/1.1, the trace context in a plain header.
    let web = w
        .http
        .post(format!("http://{}/multitok.v1.AuthService/Me", w.addr))
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1")
        .header("authorization", format!("Bearer {}", w.token))
        .header(
            "traceparent",
            format!("00-{WEB_TRACE_ID}-00f067aa0ba902b7-01"),
        )
        .body(vec![0u8; 5])
        .send()
        .await
        .unwrap();
    assert_eq!(web.status(), 200);

    let binary = std::path::PathBuf::from(env!("CARGO_BIN_EXE_multitok-worker"));
    let worker = w.spawn_worker_with(
        &binary,
        &[],
        &[("MULTITOK_TELEMETRY__OTLP_ENDPOINT", &endpoint)],
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while w.post(&post.id).await.targets[0].state != pb::TargetState::Published as i32 {
        assert!(Instant::now() < deadline, "not published in 60 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Workers(vec![worker]).stop();
    telemetry.flush();

    let expected = [
        ("multitok-server", "/multitok.v1.SchedulingService/Schedule"),
        ("multitok-server", "store.insert_posts_in"),
        ("multitok-worker", "publish target"),
        ("multitok-worker", "publish step claimed"),
        ("multitok-worker", "TikTok /v2/post/publish/video/init/"),
        ("multitok-worker", "publish step processing"),
    ];
    let traced = |spans: &[(String, String, String)], service: &str, name: &str| {
        spans
            .iter()
            .any(|(s, t, n)| s.contains(service) && t == TRACE_ID && n == name)
    };
    // Exports arrive from two processes' batch exporters: wait for them (bounded).
    let deadline = Instant::now() + Duration::from_secs(20);
    let spans = loop {
        let spans = received.lock().unwrap().clone();
        let all = expected.iter().all(|(s, n)| traced(&spans, s, n));
        if all || Instant::now() > deadline {
            break spans;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let names: Vec<_> = spans.iter().filter(|s| s.1 == TRACE_ID).collect();
    for (service, name) in expected {
        assert!(
            traced(&spans, service, name),
            "no {name} span from {service} in the trace: {names:?}"
        );
    }
    let web_traced = spans
        .iter()
        .any(|(_, t, n)| t == WEB_TRACE_ID && n == "/multitok.v1.AuthService/Me");
    assert!(
        web_traced,
        "the grpc-web call did not continue its traceparent"
    );
}
