//! Sign-up flood benchmark (`cargo xtask bench`): the release server on SQLite receives 200
//! concurrent `Register` calls (argon2 for each) while one client sends
//! `grpc.health.v1.Health/Check` every 5 ms; reports Health/Check's p50/p99/max (from when each
//! check was due) before and during the flood, and how long the flood took. `BENCH_OLD_SERVER=1` runs a build that predates the
//! sign-up throttle settings (for a before/after comparison).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use multitok_proto::v1 as pb;
use multitok_proto::v1::auth_service_client::AuthServiceClient;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

const SIGNUPS: usize = 200;

fn spawn(dir: &std::path::Path, port: u16) -> Child {
    let binary = std::env::var("BENCH_SERVER_BIN")
        .unwrap_or_else(|_| "target/release/multitok-server".into());
    let db = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let mut cmd = Command::new(binary);
    cmd.args([
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--database-url",
        &db,
    ])
    .env("RUST_LOG", "warn")
    .env(
        "MULTITOK_AUTH__JWT_SECRET",
        "benchmark signing key, 32 bytes or more",
    )
    .env("MULTITOK_MEDIA_DIR", dir.join("media"))
    .stdout(Stdio::null());
    if std::env::var("BENCH_OLD_SERVER").is_err() {
        cmd.env("MULTITOK_KEYS_FILE", dir.join("keys.toml"))
            .env("MULTITOK_AUTH__SIGNUPS_PER_ADDRESS_PER_HOUR", "100000")
            .env("MULTITOK_AUTH__SIGNUPS_PER_MINUTE", "100000");
    }
    cmd.spawn().expect("start the release server")
}

/// Health/Check latencies, one check every 5 ms (open loop: each measured from when it was due,
/// so a stalled server shows as late checks instead of fewer checks), until `until` says stop.
async fn health_latencies(ch: Channel, until: impl Fn() -> bool) -> Vec<Duration> {
    let mut tick = tokio::time::interval(Duration::from_millis(5));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut checks = tokio::task::JoinSet::new();
    while !until() {
        let due = tick.tick().await;
        let mut client = HealthClient::new(ch.clone());
        checks.spawn(async move {
            client
                .check(HealthCheckRequest::default())
                .await
                .expect("health");
            due.elapsed()
        });
    }
    checks.join_all().await
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn summary(mut seen: Vec<Duration>) -> String {
    seen.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "{} checks, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        seen.len(),
        ms(percentile(&seen, 0.5)),
        ms(percentile(&seen, 0.99)),
        ms(*seen.last().unwrap())
    )
}

async fn connect(port: u16) -> Channel {
    let endpoint = Channel::from_shared(format!("http://127.0.0.1:{port}")).unwrap();
    let started = Instant::now();
    loop {
        if let Ok(ch) = endpoint.connect().await {
            return ch;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = spawn(dir.path(), port);
    let (health, flood) = (connect(port).await, connect(port).await);
    let quiet_until = Instant::now() + Duration::from_secs(3);
    let quiet = health_latencies(health.clone(), || Instant::now() > quiet_until).await;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watching = {
        let done = done.clone();
        tokio::spawn(health_latencies(health, move || {
            done.load(std::sync::atomic::Ordering::Relaxed)
        }))
    };
    let started = Instant::now();
    let calls = (0..SIGNUPS).map(|i| {
        let mut client = AuthServiceClient::new(flood.clone());
        async move {
            client
                .register(pb::RegisterRequest {
                    email: format!("flood-{i}@example.com"),
                    password: "benchmark password".into(),
                    display_name: "Flood".into(),
                    invitation: String::new(),
                })
                .await
                .is_ok()
        }
    });
    let registered = futures::future::join_all(calls)
        .await
        .iter()
        .filter(|ok| **ok)
        .count();
    let flood_took = started.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let during = watching.await.unwrap();
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
    let report = format!(
        "## Health/Check during a sign-up flood\n\n- quiet: {}\n- during {SIGNUPS} concurrent registrations ({registered} succeeded, {:.1} s): {}\n",
        summary(quiet),
        flood_took.as_secs_f64(),
        summary(during)
    );
    println!("{report}");
    if let Ok(out) = std::env::var("BENCH_OUT") {
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(std::path::Path::new(&out).join("signup.md"), report).unwrap();
    }
}
