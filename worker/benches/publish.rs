//! Publishing benchmark (`cargo xtask bench`): 1,000 targets due in the same minute across 200
//! sandbox accounts (5 each, within TikTok's 6 inits per minute per account), published by
//! release worker processes: 1 on SQLite, and 1 and 4 on PostgreSQL (when `TEST_DATABASE_URL` is
//! set). Reports lateness from the due time to the init request (p50/p99/max) and publishes per
//! minute.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "../tests/harness/mod.rs"]
mod harness;

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use harness::{Workers, World, authed};
use multitok_proto::v1 as pb;
use multitok_proto::v1::scheduling_service_client::SchedulingServiceClient;
use multitok_sandbox::SandboxConfig;
use multitok_store::Store;

const ACCOUNTS: usize = 200;
const PER_ACCOUNT: usize = 5;

async fn scenario(label: &str, postgres: bool, workers: usize) -> String {
    let w = World::on(
        postgres,
        SandboxConfig {
            creators: Vec::new(),
            seed_creators: ACCOUNTS as u32,
            seed_videos: 0,
            processing_ms: 0,
            moderation_ms: 0,
            ..SandboxConfig::default()
        },
    )
    .await;
    let mut accounts = Vec::new();
    for i in 0..ACCOUNTS {
        accounts.push(w.connect(&format!("sbx-seed-{i:04}")).await);
    }
    let binary = std::path::PathBuf::from(
        std::env::var("BENCH_WORKER_BIN")
            .unwrap_or_else(|_| "../target/release/multitok-worker".into()),
    );
    let mut children = Workers((0..workers).map(|_| w.spawn_worker(&binary, &[])).collect());
    let due = Utc::now() + TimeDelta::seconds(20);
    let due = chrono::DateTime::from_timestamp(due.timestamp(), 0).unwrap();
    let mut posts = Vec::new();
    // A post goes to at most 50 accounts.
    for (n, group) in (0..PER_ACCOUNT)
        .flat_map(|_| accounts.chunks(50))
        .enumerate()
    {
        let targets = group
            .iter()
            .map(|a| pb::TargetInput {
                account_id: a.clone(),
                settings: Some(pb::TargetSettings {
                    privacy_level: "PUBLIC_TO_EVERYONE".into(),
                    ..Default::default()
                }),
                caption: None,
            })
            .collect();
        let post = SchedulingServiceClient::new(w.channel.clone())
            .schedule(authed(
                &w.token,
                pb::ScheduleRequest {
                    workspace_id: w.workspace_id.clone(),
                    media_id: w.media_id.clone(),
                    caption: format!("Benchmark post {n}"),
                    targets,
                    when: Some(pb::schedule_request::When::At(pb::LocalTime {
                        local: due.format("%Y-%m-%dT%H:%M:%S").to_string(),
                        time_zone: "UTC".into(),
                    })),
                    accept_quota_warning: true,
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .post
            .unwrap();
        posts.push(post.id);
    }
    let store = Store::connect(&w.settings.database_url, 2).await.unwrap();
    let started = Instant::now();
    let (lateness, published_at, outcomes) = loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut targets = Vec::new();
        for id in &posts {
            targets.extend(store.targets_of(id).await.unwrap());
        }
        let open = targets
            .iter()
            .filter(|t| !matches!(t.state.as_str(), "published" | "failed" | "needs_attention"))
            .count();
        if open == 0 {
            let mut late: Vec<f64> = targets
                .iter()
                .filter_map(|t| {
                    t.init_sent_at.map(|s| {
                        (s - t.scheduled_at).num_microseconds().unwrap_or(0) as f64 / 1000.0
                    })
                })
                .collect();
            late.sort_by(f64::total_cmp);
            let last = targets.iter().map(|t| t.updated_at).max().unwrap();
            let published = targets.iter().filter(|t| t.state == "published").count();
            break (late, last, published);
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "publishing took over 10 minutes"
        );
    };
    children.stop();
    let pct = |p: f64| lateness[((lateness.len() as f64 * p) as usize).min(lateness.len() - 1)];
    let minutes = (published_at - due).num_milliseconds() as f64 / 60_000.0;
    format!(
        "| {label} | {workers} | {:.0} ms | {:.0} ms | {:.0} ms | {:.0} | {outcomes} |\n",
        pct(0.5),
        pct(0.99),
        lateness.last().copied().unwrap_or(0.0),
        outcomes as f64 / minutes.max(1e-9),
    )
}

#[tokio::main]
async fn main() {
    let mut report = format!(
        "## Publishing: {} targets due in one minute across {ACCOUNTS} accounts\n\n\
         | database | workers | lateness p50 | p99 | max | publishes per minute | published |\n|---|---|---|---|---|---|---|\n",
        ACCOUNTS * PER_ACCOUNT
    );
    report += &scenario("SQLite", false, 1).await;
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        report += &scenario("PostgreSQL", true, 1).await;
        report += &scenario("PostgreSQL", true, 4).await;
    } else {
        report += "\n(PostgreSQL skipped: set TEST_DATABASE_URL)\n";
    }
    println!("{report}");
    let out = std::path::PathBuf::from(
        std::env::var("BENCH_OUT").unwrap_or_else(|_| "../target/bench".into()),
    );
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("publish.md"), report).unwrap();
}
