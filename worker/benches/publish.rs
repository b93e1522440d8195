//! Publishing benchmark (`cargo xtask bench`): 1,000 targets due in the same minute across 200
//! sandbox accounts (5 each, within TikTok's 6 inits per minute per account), published by
//! release worker processes: 1 on SQLite, and 1 and 4 on PostgreSQL (when `TEST_DATABASE_URL` is
//! set). Reports lateness from the due second to the init's arrival at the sandbox (p50/p99/max)
//! for the burst and for 30 targets due one second apart, and publishes per minute.
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
    let (published_at, outcomes) = settle(&store, &posts).await;
    // Lateness is when TikTok (the sandbox) received each init, less the due second.
    let due_ms = due.timestamp_millis();
    let arrivals = w.init_arrivals().await;
    let burst = percentiles(
        arrivals
            .values()
            .flatten()
            .map(|ms| (ms - due_ms) as f64)
            .collect(),
    );
    let minutes = (published_at - due).num_milliseconds() as f64 / 60_000.0;
    // Then one post at a time: 30 targets on 30 accounts, one second apart.
    let start =
        chrono::DateTime::from_timestamp((Utc::now() + TimeDelta::seconds(15)).timestamp(), 0)
            .unwrap();
    let mut lone = Vec::new();
    for (i, account) in accounts.iter().take(LONE).enumerate() {
        let at = start + TimeDelta::seconds(i as i64);
        lone.push((at, w.schedule(&[account], at).await.id));
    }
    let lone_posts: Vec<String> = lone.iter().map(|(_, id)| id.clone()).collect();
    settle(&store, &lone_posts).await;
    let arrivals = w.init_arrivals().await;
    let single = percentiles(
        (0..LONE)
            .map(|i| {
                let at = start + TimeDelta::seconds(i as i64);
                // Accounts were connected in order, so account i is creator i.
                let creator = format!("sbx-seed-{i:04}");
                let last = arrivals[&creator].iter().copied().max().unwrap();
                (last - at.timestamp_millis()) as f64
            })
            .collect(),
    );
    children.stop();
    format!(
        "| {label} | {workers} | {} | {:.0} | {outcomes} | {} |\n",
        burst.row(),
        outcomes as f64 / minutes.max(1e-9),
        single.row(),
    )
}

const LONE: usize = 30;

/// Waits until every target of `posts` is final; answers when the last one changed and how
/// many were published.
async fn settle(store: &Store, posts: &[String]) -> (chrono::DateTime<Utc>, usize) {
    let started = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut targets = Vec::new();
        for id in posts {
            targets.extend(store.targets_of(id).await.unwrap());
        }
        let open = targets
            .iter()
            .filter(|t| !matches!(t.state.as_str(), "published" | "failed" | "needs_attention"))
            .count();
        if open == 0 {
            let last = targets.iter().map(|t| t.updated_at).max().unwrap();
            let published = targets.iter().filter(|t| t.state == "published").count();
            return (last, published);
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "publishing took over 10 minutes"
        );
    }
}

/// Sorted lateness in milliseconds.
struct Spread(Vec<f64>);

fn percentiles(mut ms: Vec<f64>) -> Spread {
    ms.sort_by(f64::total_cmp);
    assert!(!ms.is_empty(), "no init arrived");
    Spread(ms)
}

impl Spread {
    fn at(&self, p: f64) -> f64 {
        self.0[((self.0.len() as f64 * p) as usize).min(self.0.len() - 1)]
    }

    /// `p50 | p99 | max` cells.
    fn row(&self) -> String {
        format!(
            "{:.0} ms | {:.0} ms | {:.0} ms",
            self.at(0.5),
            self.at(0.99),
            self.0.last().copied().unwrap_or(0.0)
        )
    }
}

#[tokio::main]
async fn main() {
    let mut report = format!(
        "## Publishing: {} targets due in one minute across {ACCOUNTS} accounts\n\n\
         Lateness: when the sandbox received each init, less its due second. Burst: every \
         target due in the same second. One at a time: {LONE} targets one second apart.\n\n\
         | database | workers | burst p50 | p99 | max | publishes per minute | published | one at a time p50 | p99 | max |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
        ACCOUNTS * PER_ACCOUNT
    );
    // `BENCH_SCENARIO=postgres-1` (say) runs only that one.
    let only = std::env::var("BENCH_SCENARIO").ok();
    let wanted = |name: &str| only.as_deref().is_none_or(|o| o == name);
    if wanted("sqlite-1") {
        report += &scenario("SQLite", false, 1).await;
    }
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        for workers in [1, 4] {
            if wanted(&format!("postgres-{workers}")) {
                report += &scenario("PostgreSQL", true, workers).await;
            }
        }
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
