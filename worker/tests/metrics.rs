//! `/metrics` of the server and of a worker process (`--metrics-listen`): both pass Prometheus's
//! own parser (`promtool check metrics`), and a publish moves the counters on each side.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod harness;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use harness::{Workers, World, sandbox_config};

/// Checks the text with promtool and answers it.
fn promtool_checked(text: &str) {
    let binary = std::env::var("PROMTOOL").unwrap_or_else(|_| "promtool".into());
    let mut child = Command::new(&binary)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {binary} ({e}); `cargo xtask test` installs it"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    // promtool exits 3 for lint warnings only (such as a counter without `_total`); 1 is a
    // parse error.
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "promtool: {said}{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The value of the first sample whose line starts with `series` (name and labels).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn scrape(http: &reqwest::Client, address: &str) -> String {
    let response = http
        .get(format!("http://{address}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_moves_the_counters_of_server_and_worker() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let metrics_at = free.local_addr().unwrap().to_string();
    drop(free);
    let binary = std::path::PathBuf::from(env!("CARGO_BIN_EXE_multitok-worker"));
    let mut workers = Workers(vec![
        w.spawn_worker(&binary, &["--metrics-listen", &metrics_at]),
    ]);
    let post = w
        .schedule(&[&ana], chrono::Utc::now() + chrono::TimeDelta::seconds(1))
        .await;

    let deadline = Instant::now() + Duration::from_secs(60);
    let worker_text = loop {
        if let Ok(r) = w
            .http
            .get(format!("http://{metrics_at}/metrics"))
            .send()
            .await
            && let Ok(text) = r.text().await
            && sample(&text, "multitok_inits_total{outcome=\"ok\"}").unwrap_or(0.0) >= 1.0
            && sample(&text, "multitok_targets{state=\"published\"}").unwrap_or(0.0) >= 1.0
        {
            break text;
        }
        assert!(
            Instant::now() < deadline,
            "the worker published nothing in 60 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let ready = w
        .http
        .get(format!("http://{metrics_at}/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["ready"], true, "{body}");
    workers.stop();
    promtool_checked(&worker_text);
    let init =
        "multitok_tiktok_calls_total{endpoint=\"v2_post_publish_video_init\",outcome=\"ok\"}";
    assert_eq!(sample(&worker_text, init), Some(1.0), "{worker_text}");
    assert_eq!(
        sample(&worker_text, "multitok_publish_lateness_seconds_count"),
        Some(1.0)
    );
    assert!(
        w.post(&post.id).await.targets[0].state
            == multitok_proto::v1::TargetState::Published as i32
    );

    let server_text = scrape(&w.http, &w.addr.to_string()).await;
    promtool_checked(&server_text);
    let schedule = "multitok_rpc_requests_total{code=\"0\",method=\"/multitok.v1.SchedulingService/Schedule\"}";
    assert_eq!(sample(&server_text, schedule), Some(1.0), "{server_text}");
    assert!(sample(&server_text, "multitok_upload_bytes_total").unwrap_or(0.0) > 0.0);
    assert_eq!(
        sample(&server_text, "multitok_targets{state=\"published\"}"),
        Some(1.0)
    );
    assert_eq!(
        sample(&server_text, "multitok_accounts{status=\"active\"}"),
        Some(1.0)
    );
    assert!(sample(&server_text, "multitok_token_expiry_seconds").unwrap_or(0.0) > 0.0);

    let ready = w
        .http
        .get(format!("http://{}/readyz", w.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
}
