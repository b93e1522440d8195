//! Analytics benchmark (`cargo xtask bench analytics`): a generator fills a database with 100
//! accounts × 1,000 videos × 100 snapshots (10 M snapshot rows, their daily rollups, and 500
//! days of account rows), then every analytics RPC is timed against the release server, cold
//! (each call after the workspace's analytics versions changed, so the cache misses) and warm
//! (the same call again), on SQLite and, when `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) is
//! set, PostgreSQL. The workspace is in Europe/Berlin. `BENCH_ANALYTICS_ACCOUNTS` scales the data
//! down for a quick look.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use multitok_proto::v1 as pb;
use multitok_proto::v1::analytics_service_client::AnalyticsServiceClient;
use multitok_proto::v1::workspace_service_client::WorkspaceServiceClient;
use multitok_store::accounts::ConnectedAccount;
use multitok_store::analytics::AccountDay;
use multitok_store::history::{
    History, NewAccountSnapshot, NewVideoDay, NewVideoSnapshot, SnapshotCounts,
};
use multitok_store::sync::Video;
use multitok_store::{Backend, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tonic::transport::Channel;

const VIDEOS: usize = 1_000;
const SNAPSHOTS: i64 = 100;
const ACCOUNT_DAYS: i64 = 500;
const COLD: usize = 30;
const WARM: usize = 200;

fn accounts() -> usize {
    std::env::var("BENCH_ANALYTICS_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

/// Generates and stores one account's history; answers its number of snapshot rows.
async fn seed_account(store: &Store, account_id: &str, seed: u64, now: DateTime<Utc>) -> u64 {
    let mut rng = StdRng::seed_from_u64(seed);
    let size = 10f64.powf(rng.random_range(3.0..5.0));
    let mut history = History::default();
    let mut views_by_day: BTreeMap<chrono::NaiveDate, i64> = BTreeMap::new();
    for i in 0..VIDEOS {
        // One post every ~12 hours over 500 days, newest first.
        let posted = now - TimeDelta::minutes(rng.random_range(30..720) + i as i64 * 720);
        let total = size * (rng.random_range(-1.5f64..1.5) + rng.random_range(-1.5f64..1.5)).exp();
        let settle = rng.random_range(24.0..120.0);
        let span = (now - posted).min(TimeDelta::days(100));
        let id = uuid::Uuid::new_v4().to_string();
        let mut last = None;
        let mut last_of_day: BTreeMap<chrono::NaiveDate, NewVideoDay> = BTreeMap::new();
        for k in 1..=SNAPSHOTS {
            let at = posted + span * k as i32 / SNAPSHOTS as i32;
            let hours = (at - posted).num_seconds() as f64 / 3600.0;
            let views = (total * (1.0 - (-hours / settle).exp())) as i64;
            let counts = SnapshotCounts {
                views,
                likes: views / 12,
                comments: views / 150,
                shares: views / 300,
            };
            history.video_snapshots.push(NewVideoSnapshot {
                video_row_id: id.clone(),
                taken_at: at,
                counts: counts.clone(),
            });
            last_of_day.insert(
                at.date_naive(),
                NewVideoDay {
                    video_row_id: id.clone(),
                    day: at.date_naive(),
                    taken_at: at,
                    counts: counts.clone(),
                },
            );
            last = Some(counts);
        }
        for (day, row) in &last_of_day {
            *views_by_day.entry(*day).or_default() += row.counts.views;
        }
        history.video_days.extend(last_of_day.into_values());
        let last = last.unwrap();
        history.videos.push(Video {
            id,
            account_id: account_id.into(),
            video_id: format!("{}{:06}", seed, i),
            title: format!("Video {i} #bench"),
            posted_at: posted,
            posted_slot: multitok_shared::analytics::offsets::utc_slot(posted),
            duration_sec: 30,
            share_url: String::new(),
            next_refresh_at: None,
            updated_at: now,
            view_count: last.views,
            like_count: last.likes,
            comment_count: last.comments,
            share_count: last.shares,
            viral_score: (now - posted < TimeDelta::days(7)).then(|| rng.random_range(0.2..6.0)),
        });
    }
    let rows = history.video_snapshots.len() as u64;
    let followers0 = (size * 10.0) as i64;
    for d in (0..ACCOUNT_DAYS).rev() {
        let at = now - TimeDelta::days(d);
        let followers = followers0 + (ACCOUNT_DAYS - d) * (size as i64 / 50 + 1);
        history.account_snapshots.push(NewAccountSnapshot {
            account_id: account_id.into(),
            taken_at: at,
            follower_count: followers,
            following_count: 120,
            likes_count: followers * 8,
            video_count: VIDEOS as i64,
        });
        history.account_days.push(AccountDay {
            account_id: account_id.into(),
            day: at.date_naive(),
            follower_count: followers,
            following_count: 120,
            likes_count: followers * 8,
            video_count: VIDEOS as i64,
            view_count: views_by_day
                .range(..=at.date_naive())
                .map(|(_, v)| *v)
                .sum::<i64>()
                / 50,
        });
    }
    store.import_history(history).await.unwrap();
    rows
}

struct Bench {
    client: AnalyticsServiceClient<Channel>,
    server: support::BenchServer,
    workspace_id: String,
    accounts: Vec<String>,
    video_id: String,
    store: Store,
}

impl Bench {
    fn req<T>(&self, message: T) -> tonic::Request<T> {
        self.server.request(message)
    }

    /// p50 and p99 in ms of `call`, each time after the cache was made stale (cold) or not.
    async fn time<F, Fut>(&self, cold: bool, call: F) -> (f64, f64)
    where
        F: Fn() -> Fut,
        Fut: Future<Output = ()>,
    {
        let n = if cold { COLD } else { WARM };
        if !cold {
            for _ in 0..5 {
                call().await;
            }
        }
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            if cold {
                self.store
                    .invalidate_analytics(&self.accounts)
                    .await
                    .unwrap();
            }
            let t = Instant::now();
            call().await;
            times.push(t.elapsed());
        }
        times.sort_unstable();
        let pct = |p: f64| times[((n as f64 * p) as usize).min(n - 1)].as_secs_f64() * 1000.0;
        (pct(0.5), pct(0.99))
    }
}

fn range(days: i64) -> Option<pb::DateRange> {
    let today = Utc::now().date_naive();
    Some(pb::DateRange {
        from: (today - TimeDelta::days(days - 1)).to_string(),
        to: today.to_string(),
    })
}

async fn rows(b: &Bench) -> Vec<(&'static str, (f64, f64), (f64, f64))> {
    let ws = b.workspace_id.clone();
    let a = b.accounts[0].clone();
    let mut out = Vec::new();
    macro_rules! measure {
        ($name:expr, $call:expr) => {{
            let cold = b.time(true, $call).await;
            let warm = b.time(false, $call).await;
            out.push(($name, cold, warm));
        }};
    }
    measure!("GetAccountMetrics (30 days)", || async {
        b.client
            .clone()
            .get_account_metrics(b.req(pb::GetAccountMetricsRequest {
                workspace_id: ws.clone(),
                account_id: a.clone(),
                period_days: 30,
            }))
            .await
            .unwrap();
    });
    measure!("GetAccountTimeSeries (5 metrics, 365 days)", || async {
        b.client
            .clone()
            .get_account_time_series(b.req(pb::GetAccountTimeSeriesRequest {
                workspace_id: ws.clone(),
                account_id: a.clone(),
                metrics: vec![1, 2, 3, 4, 5],
                range: range(365),
                granularity: 1,
            }))
            .await
            .unwrap();
    });
    measure!("GetPostAnalytics (one video)", || async {
        b.client
            .clone()
            .get_post_analytics(b.req(pb::GetPostAnalyticsRequest {
                workspace_id: ws.clone(),
                subject: Some(pb::get_post_analytics_request::Subject::VideoId(
                    b.video_id.clone(),
                )),
            }))
            .await
            .unwrap();
    });
    measure!("GetBestTimes (one account, 365 days)", || async {
        b.client
            .clone()
            .get_best_times(b.req(pb::GetBestTimesRequest {
                workspace_id: ws.clone(),
                account_id: a.clone(),
                range: range(365),
            }))
            .await
            .unwrap();
    });
    measure!("GetBestTimes (all accounts, 365 days)", || async {
        b.client
            .clone()
            .get_best_times(b.req(pb::GetBestTimesRequest {
                workspace_id: ws.clone(),
                account_id: String::new(),
                range: range(365),
            }))
            .await
            .unwrap();
    });
    measure!("GetDashboard (30 days)", || async {
        b.client
            .clone()
            .get_dashboard(b.req(pb::GetDashboardRequest {
                workspace_id: ws.clone(),
                period_days: 30,
            }))
            .await
            .unwrap();
    });
    measure!(
        "CompareAccounts (10 accounts, 2 metrics, 90 days)",
        || async {
            b.client
                .clone()
                .compare_accounts(b.req(pb::CompareAccountsRequest {
                    workspace_id: ws.clone(),
                    account_ids: b.accounts.iter().take(10).cloned().collect(),
                    metrics: vec![1, 5],
                    range: range(90),
                    granularity: 1,
                }))
                .await
                .unwrap();
        }
    );
    measure!(
        "ListVideos (one account, 365 days, by viral score)",
        || async {
            b.client
                .clone()
                .list_videos(b.req(pb::ListVideosRequest {
                    workspace_id: ws.clone(),
                    account_id: a.clone(),
                    range: range(365),
                    order: pb::VideoOrder::ViralScore.into(),
                    limit: 50,
                }))
                .await
                .unwrap();
        }
    );
    measure!(
        "RenderChart (one account's followers, 365 days)",
        || async {
            b.client
                .clone()
                .render_chart(b.req(pb::RenderChartRequest {
                    workspace_id: ws.clone(),
                    account_id: a.clone(),
                    metric: pb::Metric::Followers.into(),
                    range: range(365),
                    ..Default::default()
                }))
                .await
                .unwrap();
        }
    );
    measure!("RenderChart (best-times heatmap, all accounts)", || async {
        b.client
            .clone()
            .render_chart(b.req(pb::RenderChartRequest {
                workspace_id: ws.clone(),
                chart: Some(pb::render_chart_request::Chart::BestTimes(
                    pb::BestTimesChart {
                        account_id: String::new(),
                        range: range(365),
                    },
                )),
                ..Default::default()
            }))
            .await
            .unwrap();
    });
    measure!("WatchDashboard (first message)", || async {
        let mut s = b
            .client
            .clone()
            .watch_dashboard(b.req(pb::WatchDashboardRequest {
                workspace_id: ws.clone(),
                period_days: 30,
            }))
            .await
            .unwrap()
            .into_inner();
        s.message().await.unwrap();
    });
    measure!("ExportAnalytics (videos of one account, CSV)", || async {
        let mut s = b
            .client
            .clone()
            .export_analytics(b.req(pb::ExportAnalyticsRequest {
                workspace_id: ws.clone(),
                account_id: a.clone(),
                dataset: 2,
                format: 1,
                range: range(600),
            }))
            .await
            .unwrap()
            .into_inner();
        while s.message().await.unwrap().is_some() {}
    });
    out
}

/// Untimed: the whole workspace's best times from the posting profiles equal those from the
/// database's sums (profiles removed, then written again); answers how many posts they cover.
async fn check_best_times(b: &Bench) -> i32 {
    let grid = || async {
        b.store.invalidate_analytics(&b.accounts).await.unwrap();
        b.client
            .clone()
            .get_best_times(b.req(pb::GetBestTimesRequest {
                workspace_id: b.workspace_id.clone(),
                account_id: String::new(),
                range: range(365),
            }))
            .await
            .unwrap()
            .into_inner()
    };
    let profiled = grid().await;
    b.store
        .execute_sql("DELETE FROM posting_profiles")
        .await
        .unwrap();
    let summed = grid().await;
    b.store.rebuild_posting_profiles().await.unwrap();
    assert_eq!(profiled.samples, summed.samples);
    for (p, s) in profiled.cells.iter().zip(&summed.cells) {
        assert_eq!(p.samples, s.samples);
        assert!((p.expected - s.expected).abs() <= 1e-9 * s.expected.abs().max(1.0));
    }
    assert!(profiled.enough_data);
    profiled.samples
}

async fn bench_backend(label: &str, database_url: &str) -> String {
    let server = support::start(database_url, "analytics").await;
    let workspace_id = server.workspace_id.clone();
    // A zone with daylight saving time, as most workspaces have: best times read local hours.
    WorkspaceServiceClient::new(server.channel.clone())
        .set_time_zone(server.request(pb::SetTimeZoneRequest {
            workspace_id: workspace_id.clone(),
            time_zone: "Europe/Berlin".into(),
        }))
        .await
        .unwrap();
    let store = Store::connect(database_url, 4).await.unwrap();
    let now = Utc::now();
    let seeding = Instant::now();
    let mut ids = Vec::new();
    let mut snapshot_rows = 0;
    for i in 0..accounts() {
        let a = store
            .upsert_account(
                ConnectedAccount {
                    workspace_id: workspace_id.clone(),
                    open_id: format!("bench-open-{i}"),
                    display_name: format!("Bench {i}"),
                    username: format!("bench.{i}"),
                    avatar_url: String::new(),
                    access_token_enc: "sealed".into(),
                    refresh_token_enc: "sealed".into(),
                    access_expires_at: now,
                    refresh_expires_at: now,
                    scopes: vec![],
                },
                now,
            )
            .await
            .unwrap();
        snapshot_rows += seed_account(&store, &a.id, 1000 + i as u64, now).await;
        ids.push(a.id);
    }
    // The generator writes videos directly; a sync would have written these with them.
    store.rebuild_posting_profiles().await.unwrap();
    // Fresh planner statistics and, on PostgreSQL, a visibility map, as a running database has
    // them (autovacuum's vacuum and analyze after inserts on PostgreSQL, `PRAGMA optimize` on
    // SQLite); without the map PostgreSQL's index-only scans visit the table anyway.
    let refresh = match store.backend() {
        Backend::Postgres => "VACUUM (ANALYZE)",
        Backend::Sqlite => "ANALYZE",
    };
    store.execute_sql(refresh).await.unwrap();
    let seeded = seeding.elapsed();
    eprintln!(
        "{label}: seeded {snapshot_rows} snapshots in {:.0} s",
        seeded.as_secs_f64()
    );
    let b = Bench {
        client: AnalyticsServiceClient::new(server.channel.clone())
            .max_decoding_message_size(64 << 20),
        server,
        workspace_id,
        accounts: ids,
        video_id: "1000000500".into(),
        store,
    };
    let posts = check_best_times(&b).await;
    let mut report = format!(
        "\n### {label}: {snapshot_rows} snapshot rows, seeded in {:.0} s\n\n\
         Best times for all accounts cover {posts} posts, and the posting profiles' answer equals \
         the database's sums.\n\n\
         | RPC | cold p50 | cold p99 | warm p50 | warm p99 |\n|---|---|---|---|---|\n",
        seeded.as_secs_f64()
    );
    for (name, cold, warm) in rows(&b).await {
        report += &format!(
            "| {name} | {:.1} ms | {:.1} ms | {:.2} ms | {:.2} ms |\n",
            cold.0, cold.1, warm.0, warm.1
        );
    }
    b.server.stop();
    report
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = format!(
        "## Analytics: {} accounts × {VIDEOS} videos × {SNAPSHOTS} snapshots; cold = after the \
         analytics versions changed ({COLD} calls), warm = cached ({WARM} calls)\n",
        accounts()
    );
    let sqlite = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("analytics.db").display()
    );
    report += &bench_backend("SQLite", &sqlite).await;
    let pg = std::env::var("BENCH_DATABASE_URL").or_else(|_| std::env::var("TEST_DATABASE_URL"));
    if let Ok(admin) = pg {
        let name = format!("mt_analytics_{}", std::process::id());
        let url = Store::create_database(&admin, &name).await.unwrap();
        report += &bench_backend("PostgreSQL", &url).await;
        Store::drop_database(&admin, &name).await.unwrap();
    } else {
        report += "\n(PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL)\n";
    }
    println!("{report}");
    let out = std::path::PathBuf::from(
        std::env::var("BENCH_OUT").unwrap_or_else(|_| "target/bench".into()),
    );
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("analytics.md"), report).unwrap();
}
