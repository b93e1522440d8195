//! Load benchmark (`cargo xtask bench`): starts the release server binary on SQLite and, when
//! `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) is set, on PostgreSQL; drives
//! `grpc.health.v1.Health/Check` and then `AuthService/Me` at a fixed concurrency with tonic
//! clients; reports requests/s, p50/p99, the server's resident memory idle and under load, and
//! the time from process start to serving.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use multitok_proto::v1 as pb;
use multitok_proto::v1::auth_service_client::AuthServiceClient;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

const CONCURRENCY: usize = 32;
const CONNECTIONS: usize = 4;
const DURATION: Duration = Duration::from_secs(10);

struct Measured {
    name: &'static str,
    requests: usize,
    errors: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
}

impl Measured {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(str::to_owned)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// Runs `call` from CONCURRENCY tasks for DURATION and collects latencies.
async fn drive<F, Fut>(name: &'static str, channels: &[Channel], call: F) -> Measured
where
    F: Fn(Channel) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let call = Arc::new(call);
    let start = Instant::now();
    let deadline = start + DURATION;
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|i| {
            let (call, channel) = (call.clone(), channels[i % channels.len()].clone());
            tokio::spawn(async move {
                let (mut latencies, mut errors) = (Vec::with_capacity(100_000), 0usize);
                while Instant::now() < deadline {
                    let t = Instant::now();
                    if call(channel.clone()).await {
                        latencies.push(t.elapsed());
                    } else {
                        errors += 1;
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let (mut all, mut errors) = (Vec::new(), 0);
    for task in tasks {
        let (l, e) = task.await.unwrap();
        all.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed();
    all.sort_unstable();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Measured {
        name,
        requests: all.len(),
        errors,
        elapsed,
        p50: pct(0.50),
        p99: pct(0.99),
    }
}

async fn bench_backend(label: &str, database_url: &str) -> String {
    let started = Instant::now();
    let (mut server, port) = support::spawn(database_url);
    let endpoint = Channel::from_shared(format!("http://127.0.0.1:{port}")).unwrap();
    let first = loop {
        if let Ok(ch) = endpoint.connect().await
            && HealthClient::new(ch.clone())
                .check(HealthCheckRequest::default())
                .await
                .is_ok()
        {
            break ch;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    let startup = started.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss = rss_kib(server.id());

    let email = format!("bench-{}@example.com", std::process::id());
    let registered = AuthServiceClient::new(first.clone())
        .register(pb::RegisterRequest {
            email,
            password: "benchmark password".into(),
            display_name: "Bench".into(),
            invitation: String::new(),
        })
        .await
        .expect("register")
        .into_inner();
    let token: Arc<str> = registered.session.unwrap().access_token.into();
    let mut channels = vec![first];
    for _ in 1..CONNECTIONS {
        channels.push(endpoint.connect().await.unwrap());
    }

    let health = drive("grpc.health.v1.Health/Check", &channels, |ch| async move {
        HealthClient::new(ch)
            .check(HealthCheckRequest::default())
            .await
            .is_ok()
    })
    .await;
    let pid = server.id();
    let peak = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss_kib(pid), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let me = drive("multitok.v1.AuthService/Me", &channels, move |ch| {
        let token = token.clone();
        async move {
            let mut request = tonic::Request::new(pb::MeRequest {});
            request
                .metadata_mut()
                .insert("authorization", format!("Bearer {token}").parse().unwrap());
            AuthServiceClient::new(ch).me(request).await.is_ok()
        }
    })
    .await;
    sampler.abort();
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();

    let mut out = format!(
        "\n### {label}\n\n| call | requests/s | p50 | p99 | errors |\n|---|---|---|---|---|\n"
    );
    for m in [&health, &me] {
        out += &format!(
            "| `{}` | {:.0} | {:.2} ms | {:.2} ms | {} |\n",
            m.name,
            m.rps(),
            ms(m.p50),
            ms(m.p99),
            m.errors
        );
    }
    out += &format!(
        "\n- Me / health throughput ratio: **{:.2}**; Me p99 / health p99: **{:.2}**\n",
        me.rps() / health.rps(),
        ms(me.p99) / ms(health.p99)
    );
    out += &format!(
        "- server resident memory: {:.1} MiB idle, {:.1} MiB peak under the Me load\n- start to serving (process spawn → first health answer, migrations included): {:.0} ms\n",
        idle_rss as f64 / 1024.0,
        peak.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1024.0,
        startup.as_secs_f64() * 1000.0
    );
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = format!(
        "## Load: {CONCURRENCY} concurrent callers over {CONNECTIONS} HTTP/2 connections, {} s per call\n",
        DURATION.as_secs()
    );
    let sqlite = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    report += &bench_backend("SQLite", &sqlite).await;
    let pg = std::env::var("BENCH_DATABASE_URL").or_else(|_| std::env::var("TEST_DATABASE_URL"));
    if let Ok(admin) = pg {
        let name = format!("mt_bench_{}", std::process::id());
        let url = multitok_store::Store::create_database(&admin, &name)
            .await
            .unwrap();
        report += &bench_backend("PostgreSQL", &url).await;
        multitok_store::Store::drop_database(&admin, &name)
            .await
            .unwrap();
    } else {
        report += "\n(PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL)\n";
    }
    println!("{report}");
    let out = std::path::PathBuf::from(
        std::env::var("BENCH_OUT").unwrap_or_else(|_| "target/bench".into()),
    );
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("load.md"), report).unwrap();
}
