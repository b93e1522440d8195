//! Analytics over seeded history with hand-computed answers: metrics, series with gaps, best
//! times in the workspace's zone, viral score, dashboard, comparison, export, refresh, cache
//! invalidation, permissions and bad input. History is written through the store's own sync
//! path (`save_videos`, `roll_up_account`), so the rollups are the ones a sync keeps.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use multitok_proto::v1 as pb;
use multitok_proto::v1::analytics_service_client::AnalyticsServiceClient;
use multitok_store::Store;
use multitok_store::sync::{AccountCounts, VideoStats};
use tonic::Code;
use tonic::transport::Channel;

use crate::accounts::{World, world_with};
use crate::helpers::{TestApp, authed, unique_email, violated_fields};

fn client(app: &TestApp) -> AnalyticsServiceClient<Channel> {
    AnalyticsServiceClient::new(app.channel.clone())
}

fn video(id: &str, posted_at: DateTime<Utc>, views: i64) -> VideoStats {
    VideoStats {
        video_id: id.into(),
        title: format!("video {id}"),
        posted_at,
        duration_sec: 15,
        views,
        likes: views / 10,
        comments: views / 100,
        ..VideoStats::default()
    }
}

fn followers(n: i64) -> AccountCounts {
    AccountCounts {
        followers: n,
        following: 7,
        likes: n * 2,
        videos: 3,
    }
}

struct Seeded {
    w: World,
    store: Store,
    a: String,
    b: String,
}

/// Two connected accounts. Account A has day rows 10 and 5 days ago and today, and posts 12 h,
/// 2 days and 3 days old with 100, 200 and 600 views; account B has day rows 4 days ago and
/// today, and one post 2 days old with 50 views.
async fn seeded() -> Seeded {
    seeded_with(|_| {}).await
}

async fn seeded_with(configure: impl FnOnce(&mut multitok_server::Settings)) -> Seeded {
    let w = world_with(configure).await;
    let a = w.connect("sbx-open-ana").await;
    let b = w.connect("sbx-open-ben").await;
    let store = Store::connect(&w.app.database_url, 2).await.unwrap();
    let now = Utc::now();
    store
        .roll_up_account(&a, followers(100), now - TimeDelta::days(10))
        .await
        .unwrap();
    store
        .roll_up_account(&a, followers(150), now - TimeDelta::days(5))
        .await
        .unwrap();
    let posts = [
        video("101", now - TimeDelta::hours(12), 100),
        video("102", now - TimeDelta::days(2), 200),
        video("103", now - TimeDelta::days(3), 600),
    ];
    store.save_videos(&a, &posts, now).await.unwrap();
    store
        .roll_up_account(&a, followers(200), now)
        .await
        .unwrap();
    store
        .roll_up_account(&b, followers(40), now - TimeDelta::days(4))
        .await
        .unwrap();
    store
        .save_videos(&b, &[video("201", now - TimeDelta::days(2), 50)], now)
        .await
        .unwrap();
    store.roll_up_account(&b, followers(50), now).await.unwrap();
    Seeded { w, store, a, b }
}

impl Seeded {
    fn token(&self) -> &str {
        &self.w.owner.access_token
    }

    fn ws(&self) -> String {
        self.w.owner.workspace_id.clone()
    }

    async fn metrics(&self, account: &str, period_days: i32) -> pb::AccountMetrics {
        client(&self.w.app)
            .get_account_metrics(authed(
                self.token(),
                pb::GetAccountMetricsRequest {
                    workspace_id: self.ws(),
                    account_id: account.into(),
                    period_days,
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .metrics
            .unwrap()
    }
}

fn day(offset: i64) -> String {
    (Utc::now() + TimeDelta::days(offset))
        .date_naive()
        .to_string()
}

fn range(from: &str, to: &str) -> Option<pb::DateRange> {
    Some(pb::DateRange {
        from: from.into(),
        to: to.into(),
    })
}

#[tokio::test]
async fn account_metrics_over_a_period() {
    let s = seeded().await;
    let m = s.metrics(&s.a, 7).await;
    assert_eq!((m.followers, m.following, m.likes), (200, 7, 400));
    // The period starts 7 days ago; the last row on or before that is 10 days ago (100).
    assert_eq!(m.followers_change, 100);
    assert_eq!(m.followers_growth, Some(1.0));
    assert_eq!(m.views, 900);
    assert_eq!(m.posts, 3);
    assert_eq!(m.average_views, 300.0);
    assert_eq!(m.median_views, 200.0);
    assert_eq!(m.posts_per_week, 3.0);
    // (10 + 20 + 60 likes + 1 + 2 + 6 comments) / 900 views
    assert!((m.engagement_rate - 99.0 / 900.0).abs() < 1e-12);
    // Over one day the period starts at the row of 5 days ago (150), and one post is that young.
    let short = s.metrics(&s.a, 1).await;
    assert_eq!(short.followers_change, 50);
    assert_eq!(short.posts, 1);
}

#[tokio::test]
async fn time_series_keep_gaps_and_buckets() {
    let s = seeded().await;
    let series = client(&s.w.app)
        .get_account_time_series(authed(
            s.token(),
            pb::GetAccountTimeSeriesRequest {
                workspace_id: s.ws(),
                account_id: s.a.clone(),
                metrics: vec![pb::Metric::Followers.into(), pb::Metric::Views.into()],
                range: range(&day(-10), &day(0)),
                granularity: pb::Granularity::Day.into(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .series;
    assert_eq!(series.len(), 2);
    let values: Vec<Option<i64>> = series[0].points.iter().map(|p| p.value).collect();
    let mut expected = vec![None; 11];
    expected[0] = Some(100);
    expected[5] = Some(150);
    expected[10] = Some(200);
    assert_eq!(values, expected);
    assert_eq!(series[0].points[0].start, day(-10));
    let views: Vec<Option<i64>> = series[1].points.iter().map(|p| p.value).collect();
    assert_eq!((views[0], views[10]), (Some(0), Some(900)));
    let monthly = client(&s.w.app)
        .get_account_time_series(authed(
            s.token(),
            pb::GetAccountTimeSeriesRequest {
                workspace_id: s.ws(),
                account_id: s.a.clone(),
                metrics: vec![pb::Metric::Followers.into()],
                range: range("2026-01-15", "2026-03-02"),
                granularity: pb::Granularity::Month.into(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .series;
    let starts: Vec<&str> = monthly[0].points.iter().map(|p| p.start.as_str()).collect();
    assert_eq!(starts, ["2026-01-01", "2026-02-01", "2026-03-01"]);
    assert!(monthly[0].points.iter().all(|p| p.value.is_none()));
}

#[tokio::test]
async fn best_times_in_the_workspace_zone() {
    let s = seeded().await;
    let store = &s.store;
    // Berlin is UTC+1 in January: 17:00 UTC on Monday 5 January 2026 is 18:00 there.
    let mut ws = crate::helpers::TestApp::workspaces(&s.w.app);
    ws.set_time_zone(authed(
        s.token(),
        pb::SetTimeZoneRequest {
            workspace_id: s.ws(),
            time_zone: "Europe/Berlin".into(),
        },
    ))
    .await
    .unwrap();
    let monday = Utc.with_ymd_and_hms(2026, 1, 5, 17, 0, 0).unwrap();
    let wednesday = Utc.with_ymd_and_hms(2026, 1, 7, 8, 0, 0).unwrap();
    let mut posts: Vec<VideoStats> = (0..4)
        .map(|i| video(&format!("9{i}"), monday + TimeDelta::weeks(i), 1000))
        .collect();
    posts.extend((0..20).map(|i| {
        video(
            &format!("8{i:02}"),
            wednesday + TimeDelta::days(7 * (i % 3)),
            100,
        )
    }));
    store.save_videos(&s.b, &posts, Utc::now()).await.unwrap();
    let grid = client(&s.w.app)
        .get_best_times(authed(
            s.token(),
            pb::GetBestTimesRequest {
                workspace_id: s.ws(),
                account_id: s.b.clone(),
                range: range("2026-01-01", "2026-01-31"),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(grid.time_zone, "Europe/Berlin");
    assert_eq!(grid.cells.len(), 168);
    assert_eq!(grid.samples, 24);
    assert!(grid.enough_data);
    // Mean 250: Monday 18:00 posts are 4.0 each → (16 + 3) / (4 + 3); Wednesday 09:00 posts are
    // 0.4 each → (8 + 3) / (20 + 3).
    let monday_cell = &grid.cells[18];
    assert_eq!(
        (monday_cell.weekday, monday_cell.hour, monday_cell.samples),
        (0, 18, 4)
    );
    assert!((monday_cell.expected - 19.0 / 7.0).abs() < 1e-9);
    let wednesday_cell = &grid.cells[2 * 24 + 9];
    assert_eq!(wednesday_cell.samples, 20);
    assert!((wednesday_cell.expected - 11.0 / 23.0).abs() < 1e-9);
    assert_eq!(grid.cells[5].samples, 0);
    assert_eq!(grid.cells[5].expected, 1.0);
    assert_eq!((grid.top[0].weekday, grid.top[0].hour), (0, 18));
    // The whole workspace from the posting profiles, then again with them gone (as for accounts
    // not synced since the profiles were added): the database's sums give the same grid.
    let workspace_grid = || async {
        client(&s.w.app)
            .get_best_times(authed(
                s.token(),
                pb::GetBestTimesRequest {
                    workspace_id: s.ws(),
                    account_id: String::new(),
                    range: range("2026-01-01", "2026-01-31"),
                },
            ))
            .await
            .unwrap()
            .into_inner()
    };
    let profiled = workspace_grid().await;
    assert_eq!(
        profiled.cells, grid.cells,
        "account A posted nothing in January"
    );
    let db = multitok_store::Store::connect(&s.w.app.database_url, 1)
        .await
        .unwrap();
    db.execute_sql("DELETE FROM posting_profiles")
        .await
        .unwrap();
    s.store
        .invalidate_analytics(&[s.a.clone(), s.b.clone()])
        .await
        .unwrap();
    assert_eq!(workspace_grid().await, profiled);
    // Account A's three posts are too young and too few.
    let thin = client(&s.w.app)
        .get_best_times(authed(
            s.token(),
            pb::GetBestTimesRequest {
                workspace_id: s.ws(),
                account_id: s.a.clone(),
                range: range(&day(-30), &day(0)),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(!thin.enough_data && thin.top.is_empty() && thin.note.contains("Not enough data"));
}

#[tokio::test]
async fn a_post_far_above_its_baseline_is_viral() {
    let s = seeded().await;
    let now = Utc::now();
    // Five earlier posts, each seen with about 100 views at 24 hours; with the seeded post of 2
    // days (50 views at 48 h, so 25 at 24 h) the baseline is 25, 90, 95, 100, 105, 110.
    for (i, views) in [100, 110, 90, 105, 95].into_iter().enumerate() {
        let posted = now - TimeDelta::days(40 - i as i64);
        let v = video(&format!("50{i}"), posted, views);
        s.store
            .save_videos(&s.b, &[v], posted + TimeDelta::hours(24))
            .await
            .unwrap();
    }
    let posted = now - TimeDelta::hours(30);
    let hot = video("777", posted, 1000);
    s.store
        .save_videos(&s.b, &[hot], posted + TimeDelta::hours(24))
        .await
        .unwrap();
    assert_eq!(s.store.score_recent_videos(&s.b, now).await.unwrap(), 1);
    let answer = client(&s.w.app)
        .get_post_analytics(authed(
            s.token(),
            pb::GetPostAnalyticsRequest {
                workspace_id: s.ws(),
                subject: Some(pb::get_post_analytics_request::Subject::VideoId(
                    "777".into(),
                )),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let v = &answer.videos[0];
    assert_eq!((v.views, v.curve.len()), (1000, 1));
    let viral = v.viral.as_ref().unwrap();
    assert_eq!(viral.baseline_posts, 6);
    assert!((viral.baseline_median - 97.5).abs() < 1e-9);
    assert!((viral.score - 1001.0 / 98.5).abs() < 1e-9);
    assert!(viral.viral && viral.explanation.contains("1000 views at 24 h"));
    // The dashboard lists it among rising posts, with the same score.
    let dash = dashboard(&s).await;
    assert_eq!(dash.rising_posts[0].video_id, "777");
    assert!((dash.rising_posts[0].viral_score.unwrap() - viral.score).abs() < 1e-9);
    // Another workspace's member cannot see it.
    let stranger = s.w.app.register(&unique_email("stranger")).await;
    let err = client(&s.w.app)
        .get_post_analytics(authed(
            &stranger.access_token,
            pb::GetPostAnalyticsRequest {
                workspace_id: stranger.workspace_id.clone(),
                subject: Some(pb::get_post_analytics_request::Subject::VideoId(
                    "777".into(),
                )),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
}

async fn dashboard(s: &Seeded) -> pb::Dashboard {
    client(&s.w.app)
        .get_dashboard(authed(
            s.token(),
            pb::GetDashboardRequest {
                workspace_id: s.ws(),
                period_days: 7,
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .dashboard
        .unwrap()
}

#[tokio::test]
async fn dashboard_totals_and_top_posts() {
    let s = seeded().await;
    let d = dashboard(&s).await;
    let t = d.totals.unwrap();
    assert_eq!(
        (t.followers, t.followers_change, t.views, t.posts),
        (250, 110, 950, 4)
    );
    let top: Vec<&str> = d.top_posts.iter().map(|p| p.video_id.as_str()).collect();
    assert_eq!(top, ["103", "102", "101", "201"]);
    assert_eq!(d.accounts.len(), 2);
    let followers: Vec<Option<i64>> = d
        .followers
        .unwrap()
        .points
        .iter()
        .map(|p| p.value)
        .collect();
    assert_eq!(followers.len(), 8);
    assert_eq!(followers[7], Some(250));
    assert!(d.attention.is_empty());
    let listed = client(&s.w.app)
        .list_videos(authed(
            s.token(),
            pb::ListVideosRequest {
                workspace_id: s.ws(),
                account_id: String::new(),
                range: range(&day(-30), &day(0)),
                order: pb::VideoOrder::Views.into(),
                limit: 2,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<&str> = listed.videos.iter().map(|p| p.video_id.as_str()).collect();
    assert_eq!((ids, listed.total), (vec!["103", "102"], 4));
}

#[tokio::test]
async fn comparison_aligns_accounts_on_the_same_buckets() {
    let s = seeded().await;
    let answer = client(&s.w.app)
        .compare_accounts(authed(
            s.token(),
            pb::CompareAccountsRequest {
                workspace_id: s.ws(),
                account_ids: vec![s.b.clone(), s.a.clone()],
                metrics: vec![pb::Metric::Followers.into()],
                range: range(&day(-10), &day(0)),
                granularity: pb::Granularity::Day.into(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.starts.len(), 11);
    assert_eq!(answer.accounts[0].account_id, s.b);
    for account in &answer.accounts {
        let points = &account.series[0].points;
        let starts: Vec<&String> = points.iter().map(|p| &p.start).collect();
        assert_eq!(starts, answer.starts.iter().collect::<Vec<_>>());
    }
    let b: Vec<Option<i64>> = answer.accounts[0].series[0]
        .points
        .iter()
        .map(|p| p.value)
        .collect();
    assert_eq!((b[6], b[10], b[5]), (Some(40), Some(50), None));
    assert_eq!(answer.accounts[1].summary.as_ref().unwrap().followers, 200);
}

async fn export(s: &Seeded, dataset: pb::Dataset, format: pb::ExportFormat) -> (Vec<u8>, String) {
    let mut stream = client(&s.w.app)
        .export_analytics(authed(
            s.token(),
            pb::ExportAnalyticsRequest {
                workspace_id: s.ws(),
                account_id: String::new(),
                dataset: dataset.into(),
                format: format.into(),
                range: range(&day(-30), &day(0)),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let (mut data, mut name) = (Vec::new(), String::new());
    while let Some(chunk) = stream.message().await.unwrap() {
        if name.is_empty() {
            name = chunk.file_name;
        }
        data.extend(chunk.data);
    }
    (data, name)
}

#[tokio::test]
async fn export_streams_every_row() {
    let s = seeded().await;
    let (csv, name) = export(&s, pb::Dataset::AccountDays, pb::ExportFormat::Csv).await;
    assert!(name.ends_with(".csv"), "{name}");
    let text = String::from_utf8(csv).unwrap();
    // A header and 3 + 2 day rows.
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(text.starts_with("account_id,account_name,day,followers"));
    let (json, _) = export(&s, pb::Dataset::Videos, pb::ExportFormat::Json).await;
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["video_id"], "101");
    assert_eq!(rows[0]["views"], 100);
    // Enough rows for several chunks and pages: 1,500 videos.
    let now = Utc::now();
    let many: Vec<VideoStats> = (0..1500)
        .map(|i| {
            video(
                &format!("{}", 10_000 + i),
                now - TimeDelta::minutes(10 + i),
                5,
            )
        })
        .collect();
    s.store.save_videos(&s.a, &many, now).await.unwrap();
    let (csv, _) = export(&s, pb::Dataset::Videos, pb::ExportFormat::Csv).await;
    assert_eq!(String::from_utf8(csv).unwrap().lines().count(), 1 + 1504);
}

#[tokio::test]
async fn exported_captions_never_run_as_spreadsheet_formulas() {
    let s = seeded().await;
    let titles = [
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "plain, with \"quotes\"\nand a line",
    ];
    let now = Utc::now();
    let videos: Vec<VideoStats> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| VideoStats {
            title: (*t).into(),
            ..video(
                &format!("{}", 90_000 + i),
                now - TimeDelta::minutes(5 + i as i64),
                1,
            )
        })
        .collect();
    s.store.save_videos(&s.a, &videos, now).await.unwrap();
    let (bytes, _) = export(&s, pb::Dataset::Videos, pb::ExportFormat::Csv).await;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let title = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "title")
        .unwrap();
    let exported: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[title].to_owned())
        .filter(|t| !t.starts_with("video "))
        .collect();
    for t in &titles[..4] {
        assert!(exported.contains(&format!("'{t}")), "{t} in {exported:?}");
    }
    assert!(exported.contains(&titles[4].to_owned()), "{exported:?}");
}

#[tokio::test]
async fn a_sync_makes_cached_answers_stale_and_refresh_is_limited() {
    let s = seeded().await;
    assert_eq!(s.metrics(&s.a, 7).await.followers, 200);
    s.store
        .roll_up_account(&s.a, followers(260), Utc::now())
        .await
        .unwrap();
    assert_eq!(s.metrics(&s.a, 7).await.followers, 260);
    let refresh = || async {
        client(&s.w.app)
            .refresh_account(authed(
                s.token(),
                pb::RefreshAccountRequest {
                    workspace_id: s.ws(),
                    account_id: s.a.clone(),
                },
            ))
            .await
    };
    refresh().await.unwrap();
    let again = refresh().await.unwrap_err();
    assert_eq!(again.code(), Code::ResourceExhausted);
}

#[tokio::test]
async fn viewers_read_but_cannot_refresh_and_strangers_see_nothing() {
    let s = seeded().await;
    let viewer = s.w.app.register(&unique_email("viewer")).await;
    s.w.app
        .add(&s.w.owner, &s.ws(), &viewer, pb::Role::Viewer)
        .await;
    let read = client(&s.w.app)
        .get_dashboard(authed(
            &viewer.access_token,
            pb::GetDashboardRequest {
                workspace_id: s.ws(),
                period_days: 0,
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .dashboard
        .unwrap();
    assert_eq!(read.period_days, 30);
    let denied = client(&s.w.app)
        .refresh_account(authed(
            &viewer.access_token,
            pb::RefreshAccountRequest {
                workspace_id: s.ws(),
                account_id: s.a.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    let stranger = s.w.app.register(&unique_email("stranger")).await;
    for workspace_id in [s.ws(), stranger.workspace_id.clone()] {
        let err = client(&s.w.app)
            .get_account_metrics(authed(
                &stranger.access_token,
                pb::GetAccountMetricsRequest {
                    workspace_id,
                    account_id: s.a.clone(),
                    period_days: 7,
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "{err:?}");
    }
    let unauthenticated = client(&s.w.app)
        .get_dashboard(pb::GetDashboardRequest {
            workspace_id: s.ws(),
            period_days: 7,
        })
        .await
        .unwrap_err();
    assert_eq!(unauthenticated.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn bad_ranges_and_unknown_metrics_are_invalid() {
    let s = seeded().await;
    let s = &s;
    let series = |metrics: Vec<i32>, r: Option<pb::DateRange>, granularity: i32| async move {
        client(&s.w.app)
            .get_account_time_series(authed(
                s.token(),
                pb::GetAccountTimeSeriesRequest {
                    workspace_id: s.ws(),
                    account_id: s.a.clone(),
                    metrics,
                    range: r,
                    granularity,
                },
            ))
            .await
    };
    let err = series(vec![1, 42], range("2026-02-01", "2026-01-01"), 9)
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&err),
        ["metrics[1]", "range.to", "granularity"]
    );
    let err = series(vec![], range("2020-01-01", "2026-01-01"), 0)
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["metrics", "range"]);
    let err = series(vec![1], None, 0).await.unwrap_err();
    assert_eq!(violated_fields(&err), ["range.from", "range.to"]);
    let err = client(&s.w.app)
        .get_dashboard(authed(
            s.token(),
            pb::GetDashboardRequest {
                workspace_id: s.ws(),
                period_days: 1000,
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["period_days"]);
    let err = client(&s.w.app)
        .compare_accounts(authed(
            s.token(),
            pb::CompareAccountsRequest {
                workspace_id: s.ws(),
                account_ids: vec![s.a.clone(), s.a.clone()],
                metrics: vec![1],
                range: range("2026-01-01", "2026-01-02"),
                granularity: 0,
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["account_ids"]);
    let missing = client(&s.w.app)
        .get_account_metrics(authed(
            s.token(),
            pb::GetAccountMetricsRequest {
                workspace_id: s.ws(),
                account_id: uuid::Uuid::new_v4().to_string(),
                period_days: 7,
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
}

/// Two server replicas over one database and one Redis: an answer cached by one is served by
/// the other (even after the rows beneath it changed behind the versions' back), until the
/// account's analytics version changes.
#[tokio::test]
async fn replicas_share_the_redis_cache() {
    let redis =
        std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".into());
    let namespace = format!("multitok-test-{}", uuid::Uuid::new_v4().simple());
    let (url, ns) = (redis.clone(), namespace.clone());
    let s = seeded_with(move |settings| {
        settings.analytics.redis_url = Some(url);
        settings.analytics.redis_namespace = ns;
    })
    .await;
    let database_url = s.w.app.database_url.clone();
    let replica = TestApp::spawn_with(move |settings| {
        settings.database_url = database_url;
        // Replicas share the keys that sealed the accounts' tokens, or refuse to start.
        settings.tiktok.token_keys = vec![crate::accounts::TOKEN_KEY.into()];
        settings.analytics.redis_url = Some(redis);
        settings.analytics.redis_namespace = namespace;
    })
    .await;
    let metrics = |app: &TestApp| {
        let mut c = client(app);
        let request = authed(
            s.token(),
            pb::GetAccountMetricsRequest {
                workspace_id: s.ws(),
                account_id: s.a.clone(),
                period_days: 7,
            },
        );
        async move {
            c.get_account_metrics(request)
                .await
                .unwrap()
                .into_inner()
                .metrics
                .unwrap()
        }
    };
    assert_eq!(metrics(&s.w.app).await.followers, 200);
    let db = multitok_store::Store::connect(&s.w.app.database_url, 1)
        .await
        .unwrap();
    db.execute_sql("UPDATE account_days SET follower_count = 999")
        .await
        .unwrap();
    assert_eq!(
        metrics(&replica).await.followers,
        200,
        "served from the shared cache"
    );
    s.store
        .invalidate_analytics(std::slice::from_ref(&s.a))
        .await
        .unwrap();
    assert_eq!(metrics(&replica).await.followers, 999);
    assert_eq!(metrics(&s.w.app).await.followers, 999);
}

/// WatchDashboard sends the dashboard, then again when a sync (by another process: here the
/// test's own store) changes it.
#[tokio::test]
async fn the_dashboard_stream_follows_a_sync() {
    let s = seeded().await;
    let mut stream = client(&s.w.app)
        .watch_dashboard(authed(
            s.token(),
            pb::WatchDashboardRequest {
                workspace_id: s.ws(),
                period_days: 7,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let first = stream.message().await.unwrap().unwrap().dashboard.unwrap();
    assert_eq!(first.totals.unwrap().followers, 250);
    s.store
        .roll_up_account(&s.b, followers(75), Utc::now())
        .await
        .unwrap();
    let next = tokio::time::timeout(std::time::Duration::from_secs(10), stream.message())
        .await
        .expect("an update within the watch interval")
        .unwrap()
        .unwrap()
        .dashboard
        .unwrap();
    assert_eq!(next.totals.unwrap().followers, 275);
}

/// The width and height in a PNG's header.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let at = |i: usize| u32::from_be_bytes([png[i], png[i + 1], png[i + 2], png[i + 3]]);
    (at(16), at(20))
}

impl Seeded {
    async fn chart(
        &self,
        chart: Option<pb::render_chart_request::Chart>,
        (width, height): (i32, i32),
    ) -> Result<pb::RenderChartResponse, tonic::Status> {
        let request = pb::RenderChartRequest {
            workspace_id: self.ws(),
            account_id: self.a.clone(),
            metric: pb::Metric::Followers.into(),
            range: range(&day(-10), &day(0)),
            granularity: 0,
            width,
            height,
            chart,
        };
        let answer = client(&self.w.app)
            .render_chart(authed(self.token(), request))
            .await?;
        Ok(answer.into_inner())
    }
}

#[tokio::test]
async fn every_chart_renders_as_png_and_bad_charts_are_invalid() {
    use pb::render_chart_request::Chart;
    let s = seeded().await;
    let series = s.chart(None, (640, 300)).await.unwrap();
    assert_eq!(png_size(&series.png), (640, 300));
    assert!(
        series.file_name.starts_with("multitok-followers-"),
        "{}",
        series.file_name
    );
    let charts = [
        Chart::Post(pb::PostChart {
            subject: Some(pb::post_chart::Subject::VideoId("101".into())),
        }),
        Chart::BestTimes(pb::BestTimesChart {
            account_id: String::new(),
            range: range(&day(-30), &day(0)),
        }),
        Chart::Compare(pb::CompareChart {
            account_ids: vec![s.a.clone(), s.b.clone()],
            metric: pb::Metric::Followers.into(),
            range: range(&day(-10), &day(0)),
            granularity: 0,
        }),
        Chart::Dashboard(pb::DashboardChart {
            metric: pb::Metric::Views.into(),
            period_days: 0,
        }),
    ];
    let mut names = Vec::new();
    for chart in charts {
        let answer = s.chart(Some(chart), (0, 0)).await.unwrap();
        assert_eq!(png_size(&answer.png), (800, 400), "{}", answer.file_name);
        // Kept for a look, as the browser tests keep their screenshots.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/charts");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(&answer.file_name), &answer.png).unwrap();
        names.push(answer.file_name);
    }
    assert_eq!(names[0], "multitok-video-101.png");
    assert!(names[1].starts_with("multitok-best-times-"), "{}", names[1]);
    assert!(
        names[2].starts_with("multitok-compare-followers-"),
        "{}",
        names[2]
    );
    assert_eq!(names[3], "multitok-dashboard-views-30-days.png");

    let err = s.chart(None, (10, 9000)).await.unwrap_err();
    assert_eq!(violated_fields(&err), ["width", "height"]);
    let bad = [
        (
            Chart::Compare(pb::CompareChart {
                account_ids: vec!["nope".into()],
                metric: 42,
                range: None,
                granularity: 0,
            }),
            vec![
                "compare.account_ids[0]",
                "compare.metric",
                "compare.range.from",
                "compare.range.to",
            ],
        ),
        (
            Chart::Dashboard(pb::DashboardChart {
                metric: pb::Metric::Likes.into(),
                period_days: 400,
            }),
            vec!["dashboard.metric", "dashboard.period_days"],
        ),
        (
            Chart::BestTimes(pb::BestTimesChart {
                account_id: "x".into(),
                range: None,
            }),
            vec!["best_times.account_id", "best_times.range"],
        ),
        (
            Chart::Post(pb::PostChart { subject: None }),
            vec!["post.subject"],
        ),
    ];
    for (chart, fields) in bad {
        let err = s.chart(Some(chart), (0, 0)).await.unwrap_err();
        assert_eq!(err.code(), tonic::Code::InvalidArgument);
        assert_eq!(violated_fields(&err), fields);
    }
    let unknown = Chart::Post(pb::PostChart {
        subject: Some(pb::post_chart::Subject::VideoId("999".into())),
    });
    let err = s.chart(Some(unknown), (0, 0)).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::NotFound);
}
