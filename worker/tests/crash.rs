//! Crash test: worker processes publish 300 targets across 30 sandbox accounts while one of them
//! is killed with SIGKILL every few seconds and restarted, and the sandbox injects 5xx, 429,
//! latency and dropped-after-processing faults. Half the posts are due at once, half a few
//! seconds later (claimed ahead of their second). Three workers on PostgreSQL
//! (`TEST_BACKEND=postgres`), two on SQLite. At the end every target is published exactly once
//! (the sandbox's counters prove it) or failed / needing attention with a reason; none is stuck.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod harness;

use std::collections::HashMap;
use std::process::Child;
use std::time::{Duration, Instant};

use harness::{World, authed, state};
use multitok_proto::v1 as pb;
use multitok_proto::v1::scheduling_service_client::SchedulingServiceClient;
use multitok_sandbox::SandboxConfig;
use serde_json::json;

const ACCOUNTS: usize = 30;
const POSTS: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_workers_lose_nothing_and_publish_nothing_twice() {
    let postgres = harness::postgres_from_env();
    let workers = if postgres { 3 } else { 2 };
    let w = World::new(SandboxConfig {
        creators: Vec::new(),
        seed_creators: ACCOUNTS as u32,
        seed_videos: 0,
        processing_ms: 300,
        moderation_ms: 0,
        ..SandboxConfig::default()
    })
    .await;
    let mut accounts = Vec::new();
    for i in 0..ACCOUNTS {
        accounts.push(w.connect(&format!("sbx-seed-{i:04}")).await);
    }
    let binary = std::path::PathBuf::from(env!("CARGO_BIN_EXE_multitok-worker"));
    let spawn = || w.spawn_worker(&binary, &["--lease-seconds", "3"]);
    for (endpoint, faults) in [
        ("*", json!({"error_rate": 0.03, "latency_ms": 15})),
        (
            "/v2/post/publish/video/init/",
            json!({"error_rate": 0.05, "latency_ms": 30, "drop_after_processing": 3}),
        ),
        (
            "/v2/post/publish/status/fetch/",
            json!({"forced_code": "rate_limit_exceeded", "forced_status": 429, "forced_count": 5}),
        ),
    ] {
        let mut body = faults;
        body["endpoint"] = json!(endpoint);
        w.fault(body).await;
    }

    // Half the posts are due now; the other half a few seconds apart from soon on, so workers
    // claim them ahead of their second and are killed while holding them too.
    let soon = chrono::Utc::now() + chrono::TimeDelta::seconds(8);
    let mut posts = Vec::new();
    for n in 0..POSTS {
        let when = if n % 2 == 0 {
            pb::schedule_request::When::Now(true)
        } else {
            let at = soon + chrono::TimeDelta::seconds(n as i64);
            pb::schedule_request::When::At(pb::LocalTime {
                local: at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                time_zone: "UTC".into(),
            })
        };
        let targets = accounts
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
                    caption: format!("Crash test post {n}"),
                    targets,
                    when: Some(when),
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

    let mut children: Vec<Child> = (0..workers).map(|_| spawn()).collect();
    let started = Instant::now();
    let mut kills = 0;
    let mut last_kill = Instant::now();
    let targets = loop {
        let mut all = Vec::new();
        for id in &posts {
            all.extend(w.post(id).await.targets);
        }
        let open = all.iter().filter(|t| {
            !matches!(
                state(t),
                pb::TargetState::Published
                    | pb::TargetState::Failed
                    | pb::TargetState::NeedsAttention
            )
        });
        if open.count() == 0 {
            break all;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "targets stuck after 5 minutes"
        );
        if last_kill.elapsed() > Duration::from_secs(3)
            && started.elapsed() < Duration::from_secs(60)
        {
            let victim = kills % workers;
            children[victim].kill().unwrap();
            children[victim].wait().unwrap();
            children[victim] = spawn();
            kills += 1;
            last_kill = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    for mut c in children {
        let _ = c.kill();
        let _ = c.wait();
    }

    assert_eq!(targets.len(), ACCOUNTS * POSTS, "nothing lost");
    assert!(kills >= 5, "workers were killed {kills} times");
    let mut published: HashMap<String, u64> = HashMap::new();
    let mut outcomes: HashMap<i32, usize> = HashMap::new();
    for t in &targets {
        *outcomes.entry(t.state).or_default() += 1;
        if state(t) == pb::TargetState::Published {
            *published.entry(t.account_id.clone()).or_default() += 1;
            assert!(!t.publish_id.is_empty());
        } else {
            assert!(!t.failure_reason.is_empty(), "a reason is given: {t:?}");
        }
    }
    let mut publish_ids: Vec<&String> = targets
        .iter()
        .map(|t| &t.publish_id)
        .filter(|p| !p.is_empty())
        .collect();
    let count = publish_ids.len();
    publish_ids.sort();
    publish_ids.dedup();
    assert_eq!(publish_ids.len(), count, "no publish id is shared");
    let counters: serde_json::Value = w.all_counters().await;
    let mut inits = 0;
    for (i, account) in accounts.iter().enumerate() {
        let c = &counters[format!("sbx-seed-{i:04}")];
        assert_eq!(
            c["published"].as_u64().unwrap_or(0),
            published.get(account).copied().unwrap_or(0),
            "TikTok published exactly the targets marked published for account {i}"
        );
        inits += c["init_calls"].as_u64().unwrap_or(0);
    }
    let attention = outcomes
        .get(&(pb::TargetState::NeedsAttention as i32))
        .copied()
        .unwrap_or(0);
    let failed = outcomes
        .get(&(pb::TargetState::Failed as i32))
        .copied()
        .unwrap_or(0);
    let done: u64 = published.values().sum();
    assert!(
        inits <= done + (attention + failed) as u64,
        "no target was initialized twice: {inits} inits for {done} published, {attention} needing attention, {failed} failed"
    );
    assert!(
        done as usize >= targets.len() * 9 / 10,
        "most targets published: {outcomes:?}"
    );
    println!(
        "crash test: {workers} workers, {kills} kills, {} s; published {done}, needs attention {attention}, failed {failed}, init calls {inits}",
        started.elapsed().as_secs()
    );
}
