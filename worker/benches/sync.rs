//! Sync benchmark (`cargo xtask bench`): 200 sandbox accounts with 200 videos each are connected
//! (which makes each sync due at once), then one release worker process syncs them all. Reports
//! the wall time against the bound TikTok's per-token rate limits set, and the worker's peak
//! resident memory; on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "../tests/harness/mod.rs"]
mod harness;

use std::time::{Duration, Instant};

use harness::{Workers, World};
use multitok_sandbox::SandboxConfig;
use multitok_store::Store;

const ACCOUNTS: usize = 200;
const VIDEOS: u32 = 200;

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

async fn scenario(label: &str, postgres: bool) -> String {
    let config = SandboxConfig {
        creators: Vec::new(),
        seed_creators: ACCOUNTS as u32,
        seed_videos: VIDEOS,
        ..SandboxConfig::default()
    };
    let per_minute = config
        .per_minute_video_list
        .min(config.per_minute_user_info);
    let w = World::on(postgres, config).await;
    let mut accounts = Vec::new();
    for i in 0..ACCOUNTS {
        accounts.push(w.connect(&format!("sbx-seed-{i:04}")).await);
    }
    let binary = std::path::PathBuf::from(
        std::env::var("BENCH_WORKER_BIN")
            .unwrap_or_else(|_| "../target/release/multitok-worker".into()),
    );
    let store = Store::connect(&w.settings.database_url, 2).await.unwrap();
    let started = Instant::now();
    let mut workers = Workers(vec![w.spawn_worker(&binary, &[])]);
    let pid = workers.0[0].id();
    let mut peak = 0;
    loop {
        peak = peak.max(rss_kib(pid));
        let synced = store
            .accounts_of(&w.workspace_id)
            .await
            .unwrap()
            .iter()
            .filter(|a| a.last_synced_at.is_some())
            .count();
        if synced == ACCOUNTS {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(900),
            "sync took over 15 minutes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let wall = started.elapsed();
    workers.stop();
    let (_, videos, _) = store.snapshot_counts(&accounts[0]).await.unwrap();
    assert_eq!(
        videos,
        u64::from(VIDEOS),
        "every video of an account is stored"
    );
    // Per account: one profile call and one video page per 20 videos, each limited per token.
    let calls = 1 + u64::from(VIDEOS).div_ceil(20);
    let bound = calls as f64 * 60.0 / f64::from(per_minute);
    format!(
        "| {label} | {ACCOUNTS} × {VIDEOS} | {:.1} s | {:.1} s per account ({calls} calls at {per_minute}/min per token) | {:.1} MiB |\n",
        wall.as_secs_f64(),
        bound,
        peak as f64 / 1024.0
    )
}

#[tokio::main]
async fn main() {
    let mut report = String::from(
        "## Nightly sync: one worker\n\n| database | accounts × videos | wall time | rate-limit bound | worker peak RSS |\n|---|---|---|---|---|\n",
    );
    report += &scenario("SQLite", false).await;
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        report += &scenario("PostgreSQL", true).await;
    }
    println!("{report}");
    let out = std::path::PathBuf::from(
        std::env::var("BENCH_OUT").unwrap_or_else(|_| "../target/bench".into()),
    );
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("sync.md"), report).unwrap();
}
