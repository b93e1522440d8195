//! Analytics rollups: kept by the sync path, equal to a rebuild from raw snapshots, and kept
//! after raw snapshots are pruned (SQLite by default, PostgreSQL when `TEST_BACKEND=postgres`).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use common::fresh_store;
use multitok_store::accounts::ConnectedAccount;
use multitok_store::sync::{AccountCounts, VideoStats};
use multitok_store::{NewUser, NewWorkspace, Store};

async fn migrated_store(dir: &std::path::Path) -> Store {
    let store = fresh_store(dir).await;
    store.migrate().await.unwrap();
    store
}

async fn account(store: &Store, now: DateTime<Utc>) -> String {
    let (_, ws) = store
        .register_user(
            NewUser {
                email: "ana@example.com".into(),
                display_name: "Ana".into(),
                password_hash: "$argon2id$stub".into(),
            },
            NewWorkspace {
                name: "Ana's workspace".into(),
                time_zone: "UTC".into(),
            },
            now,
        )
        .await
        .unwrap();
    store
        .upsert_account(
            ConnectedAccount {
                workspace_id: ws.id,
                open_id: "open-ana".into(),
                display_name: "Ana".into(),
                username: "ana".into(),
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
        .id
}

fn stats(id: &str, posted_at: DateTime<Utc>, views: i64) -> VideoStats {
    VideoStats {
        video_id: id.into(),
        title: id.into(),
        posted_at,
        views,
        ..VideoStats::default()
    }
}

#[tokio::test]
async fn rollups_survive_pruning_and_match_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let store = migrated_store(dir.path()).await;
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 1, 0, 0).unwrap();
    let a = account(&store, start).await;
    // Four days, two syncs a day; the later snapshot of a day is the day's row.
    for d in 0..4 {
        for (h, extra) in [(0, 0), (12, 5)] {
            let at = start + TimeDelta::days(d) + TimeDelta::hours(h);
            let views = 100 * (d + 1) + extra;
            let videos = [stats("1", start, views), stats("2", start, views * 2)];
            store.save_videos(&a, &videos, at).await.unwrap();
            let counts = AccountCounts {
                followers: 10 + d,
                ..AccountCounts::default()
            };
            // As the sync does: the raw snapshot, then the day row.
            store.save_account_snapshot(&a, counts, at).await.unwrap();
            store.roll_up_account(&a, counts, at).await.unwrap();
        }
    }
    let ids = vec![a.clone()];
    let (from, to) = (start.date_naive(), start.date_naive() + TimeDelta::days(10));
    let days = store
        .account_days(&ids, from, to, None, None)
        .await
        .unwrap();
    let views: Vec<i64> = days.iter().map(|d| d.view_count).collect();
    assert_eq!(views, [315, 615, 915, 1215]);
    let followers: Vec<i64> = days.iter().map(|d| d.follower_count).collect();
    assert_eq!(followers, [10, 11, 12, 13]);
    let videos = store
        .videos_posted(
            &ids,
            start - TimeDelta::hours(1),
            to.and_hms_opt(0, 0, 0).unwrap().and_utc(),
            None,
            None,
        )
        .await
        .unwrap();
    let video_ids: Vec<String> = videos.iter().map(|v| v.id.clone()).collect();
    let curves = store.day_views(video_ids.clone()).await.unwrap();
    let first: Vec<i64> = curves[&video_ids[0]].iter().map(|p| p.1).collect();
    assert_eq!(first.len(), 4);

    assert_eq!(store.rebuild_rollups().await.unwrap(), (8, 4));
    assert_eq!(
        store
            .account_days(&ids, from, to, None, None)
            .await
            .unwrap(),
        days
    );
    assert_eq!(store.day_views(video_ids.clone()).await.unwrap(), curves);

    // Raw snapshots of the first two days go; their days stay, and a rebuild keeps them.
    let pruned = store
        .prune_snapshots(start + TimeDelta::days(2))
        .await
        .unwrap();
    assert_eq!(pruned, 2 * 2 * 2 + 4);
    assert_eq!(store.rebuild_rollups().await.unwrap(), (4, 2));
    assert_eq!(
        store
            .account_days(&ids, from, to, None, None)
            .await
            .unwrap(),
        days
    );
    assert_eq!(store.day_views(video_ids).await.unwrap(), curves);
}
