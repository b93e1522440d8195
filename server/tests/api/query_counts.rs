//! No N+1: each analytics answer takes the same number of queries for 2 accounts as for 8, so
//! the count is fixed by the code, not by the data. The use cases run against a store that
//! counts every statement (SQLite, or PostgreSQL with `TEST_BACKEND=postgres`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{TimeDelta, Utc};
use multitok_server::Settings;
use multitok_server::service::access::View;
use multitok_server::service::analytics::reads::*;
use multitok_server::service::analytics::series::SeriesQuery;
use multitok_server::service::analytics::{PostSubject, VideoOrder};
use multitok_server::service::{Caller, Services};
use multitok_store::accounts::ConnectedAccount;
use multitok_store::sync::{AccountCounts, VideoStats};
use multitok_store::{NewUser, NewWorkspace, Store};

use crate::helpers::database_url;

struct Counted {
    services: Services,
    store: Store,
    queries: Arc<AtomicUsize>,
    user_id: String,
    workspace_id: String,
    accounts: Vec<String>,
    _dir: tempfile::TempDir,
}

/// A workspace with `n` accounts, each with history, behind a counting store.
async fn world(n: usize) -> Counted {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let mut store = Store::connect(&url, 2).await.unwrap();
    store.migrate().await.unwrap();
    let queries = Arc::new(AtomicUsize::new(0));
    let counter = queries.clone();
    store.on_query(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let now = Utc::now();
    let (user, ws) = store
        .register_user(
            NewUser {
                email: "count@example.com".into(),
                display_name: "Count".into(),
                password_hash: "$argon2id$stub".into(),
            },
            NewWorkspace {
                name: "Counted".into(),
                time_zone: "UTC".into(),
            },
            now,
        )
        .await
        .unwrap();
    let mut accounts = Vec::new();
    for i in 0..n {
        let a = store
            .upsert_account(
                ConnectedAccount {
                    workspace_id: ws.id.clone(),
                    open_id: format!("open-{i}"),
                    display_name: format!("Account {i}"),
                    username: format!("account.{i}"),
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
            .unwrap()
            .id;
        let videos: Vec<VideoStats> = (0..12)
            .map(|v| VideoStats {
                video_id: format!("{i}{v:03}"),
                title: format!("video {v}"),
                posted_at: now - TimeDelta::days(v * 3 + 1),
                views: 100 * (v + 1),
                ..VideoStats::default()
            })
            .collect();
        store.save_videos(&a, &videos, now).await.unwrap();
        let counts = AccountCounts {
            followers: 10,
            ..AccountCounts::default()
        };
        store.roll_up_account(&a, counts, now).await.unwrap();
        store.score_recent_videos(&a, now).await.unwrap();
        accounts.push(a);
    }
    let mut settings = Settings {
        media_dir: dir.path().join("media"),
        ..Settings::default()
    };
    settings.tiktok.token_keys = vec![format!("q1:{}", "A".repeat(43))];
    let services = Services::new(
        store.clone(),
        &settings,
        b"query count key, 32 bytes long!!",
    )
    .unwrap();
    Counted {
        services,
        store,
        queries,
        user_id: user.id,
        workspace_id: ws.id,
        accounts,
        _dir: dir,
    }
}

impl Counted {
    /// Queries one cold answer takes (after the cache was made stale).
    async fn count<F, Fut>(&self, call: F) -> usize
    where
        F: FnOnce(multitok_server::service::access::Access<View>) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        self.store
            .invalidate_analytics(&self.accounts)
            .await
            .unwrap();
        let caller = Caller {
            user_id: self.user_id.clone(),
        };
        self.queries.store(0, Ordering::SeqCst);
        let access = self
            .services
            .authorize::<View>(&caller, &self.workspace_id)
            .await
            .unwrap();
        call(access).await;
        self.queries.load(Ordering::SeqCst)
    }

    async fn counts(&self) -> Vec<(&'static str, usize)> {
        let s = &self.services;
        let today = Utc::now().date_naive();
        let range = || {
            SeriesQuery::parse(
                &[1, 5],
                &(today - TimeDelta::days(60)).to_string(),
                &today.to_string(),
                0,
            )
            .unwrap()
        };
        let day_range = range().range;
        let first = self.accounts[0].clone();
        let ids = self.accounts.clone();
        vec![
            (
                "dashboard",
                self.count(|a| async move {
                    a.dashboard(s, 30).await.unwrap();
                })
                .await,
            ),
            (
                "best times, all accounts",
                self.count(|a| async move {
                    a.best_times(s, "", day_range).await.unwrap();
                })
                .await,
            ),
            (
                "compare",
                self.count(|a| async move {
                    a.compare(s, &ids, range()).await.unwrap();
                })
                .await,
            ),
            (
                "videos, all accounts",
                self.count(|a| async move {
                    a.list_videos(s, "", day_range, VideoOrder::ViralScore, 50)
                        .await
                        .unwrap();
                })
                .await,
            ),
            (
                "metrics",
                self.count(|a| async move {
                    a.account_metrics(s, &first, 30).await.unwrap();
                })
                .await,
            ),
            (
                "post analytics",
                self.count(|a| async move {
                    a.post_analytics(s, PostSubject::Video("0003".into()))
                        .await
                        .unwrap();
                })
                .await,
            ),
        ]
    }
}

#[tokio::test]
async fn analytics_queries_do_not_grow_with_the_accounts() {
    let small = world(2).await.counts().await;
    let large = world(8).await.counts().await;
    println!("queries per cold answer: {small:?}");
    assert_eq!(small, large, "queries per answer, 2 accounts vs 8");
    let dashboard = small.iter().find(|(n, _)| *n == "dashboard").map(|c| c.1);
    // membership, accounts, account days, videos, top, rising, upcoming, failures
    assert_eq!(dashboard, Some(8));
}
