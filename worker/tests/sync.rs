//! The nightly sync against the sandbox on SQLite and PostgreSQL: snapshots of the profile and
//! every video, published targets linked to the videos they became, the next nightly time, a
//! sync on request, one run per (account, run time) across workers, and a failing account that
//! does not stop the others.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod harness;

use chrono::{TimeDelta, Utc};
use harness::{TestClock, World, authed, state};
use multitok_proto::v1 as pb;
use multitok_proto::v1::account_service_client::AccountServiceClient;
use multitok_sandbox::SandboxConfig;
use multitok_worker::run_once;
use multitok_worker::sync::sync_once;

fn config() -> SandboxConfig {
    SandboxConfig {
        processing_ms: 0,
        // Published posts become public (and get their video id) only after moderation.
        moderation_ms: 600_000,
        ..SandboxConfig::default()
    }
}

#[tokio::test]
async fn a_sync_stores_snapshots_links_published_videos_and_sets_the_next_night() {
    let w = World::new(config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let post = w.schedule(&[&ana], Utc::now()).await;
    let clock = TestClock::at(Utc::now() + TimeDelta::seconds(1));
    let ctx = w.worker(clock.clock()).await;
    run_once(&ctx, clock.now()).await.unwrap();
    clock.set(clock.now() + TimeDelta::seconds(2));
    run_once(&ctx, clock.now()).await.unwrap();
    let t = w.post(&post.id).await.targets.remove(0);
    assert_eq!(state(&t), pb::TargetState::Published);
    assert!(t.video_id.is_empty(), "not public yet, so no video id");
    w.http
        .post(format!("{}/admin/advance", w.sandbox.url()))
        .json(&serde_json::json!({"seconds": 700}))
        .send()
        .await
        .unwrap();

    let store = &ctx.core.store;
    assert_eq!(sync_once(&ctx, &ctx.sync_cron).await.unwrap(), 1);
    let (snapshots, videos, video_snapshots) = store.snapshot_counts(&ana).await.unwrap();
    assert_eq!(snapshots, 1);
    assert_eq!(videos, 31, "30 older videos and the new post");
    assert_eq!(video_snapshots, 31);
    // The sync kept the analytics rollups: the account's day row holds its videos' total views.
    let ids = vec![ana.clone()];
    let today = clock.now().date_naive();
    let days = store
        .account_days(&ids, today, today, None, None)
        .await
        .unwrap();
    let all = store
        .videos_posted(
            &ids,
            clock.now() - TimeDelta::days(3650),
            clock.now() + TimeDelta::days(1),
            None,
            None,
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 31);
    assert_eq!(days.len(), 1);
    assert_eq!(
        days[0].view_count,
        all.iter().map(|v| v.view_count).sum::<i64>()
    );
    let curves = store
        .day_views(all.iter().map(|v| v.id.clone()))
        .await
        .unwrap();
    assert_eq!(
        curves.values().map(Vec::len).sum::<usize>(),
        31,
        "one day row per video"
    );
    let t = w.post(&post.id).await.targets.remove(0);
    assert!(
        !t.video_id.is_empty(),
        "the published target is linked to its video"
    );

    let account = store.account(&w.workspace_id, &ana).await.unwrap().unwrap();
    let next = account.next_sync_at.unwrap();
    assert_eq!(
        next.format("%H:%M:%S").to_string(),
        "02:00:00",
        "02:00 in the workspace's zone (UTC)"
    );
    assert!(next > clock.now() && next <= clock.now() + TimeDelta::days(1));
    assert!(account.last_synced_at.is_some());
    assert_eq!(
        sync_once(&ctx, &ctx.sync_cron).await.unwrap(),
        0,
        "nothing due until then"
    );

    AccountServiceClient::new(w.channel.clone())
        .sync_account(authed(
            &w.token,
            pb::SyncAccountRequest {
                workspace_id: w.workspace_id.clone(),
                account_id: ana.clone(),
            },
        ))
        .await
        .unwrap();
    // Asked right after a sync, the next one runs a minute after it (requests are spaced).
    clock.set(clock.now().max(Utc::now()) + TimeDelta::seconds(61));
    assert_eq!(
        sync_once(&ctx, &ctx.sync_cron).await.unwrap(),
        1,
        "a requested sync runs as soon as the spacing allows"
    );
    assert_eq!(store.sync_runs_of(&ana).await.unwrap().len(), 2);
    assert_eq!(store.snapshot_counts(&ana).await.unwrap().0, 2);
}

#[tokio::test]
async fn two_workers_never_run_one_sync_twice() {
    let w = World::new(config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let ben = w.connect("sbx-open-ben").await;
    let clock = TestClock::at(Utc::now() + TimeDelta::seconds(1));
    let (a, b) = (w.worker(clock.clock()).await, w.worker(clock.clock()).await);
    let (ran_a, ran_b) = tokio::join!(sync_once(&a, &a.sync_cron), sync_once(&b, &b.sync_cron));
    assert_eq!(ran_a.unwrap() + ran_b.unwrap(), 2);
    for account in [&ana, &ben] {
        let runs = a.core.store.sync_runs_of(account).await.unwrap();
        assert_eq!(runs.len(), 1, "one run per account");
        assert!(runs[0].error.is_empty(), "{}", runs[0].error);
    }
}

#[tokio::test]
async fn a_failing_account_does_not_stop_the_others() {
    let w = World::new(config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let ben = w.connect("sbx-open-ben").await;
    let clock = TestClock::at(Utc::now() + TimeDelta::seconds(1));
    let ctx = w.worker(clock.clock()).await;
    let store = &ctx.core.store;
    w.revoke(&ctx.core, &ana).await;

    assert_eq!(sync_once(&ctx, &ctx.sync_cron).await.unwrap(), 2);
    let failed = store.sync_runs_of(&ana).await.unwrap().remove(0);
    assert!(!failed.error.is_empty());
    let retry = store
        .account(&w.workspace_id, &ana)
        .await
        .unwrap()
        .unwrap()
        .next_sync_at
        .unwrap();
    let in_an_hour = clock.now() + TimeDelta::hours(1);
    assert!(
        retry <= in_an_hour && retry > in_an_hour - TimeDelta::seconds(2),
        "retried in an hour: {retry}"
    );
    let fine = store.sync_runs_of(&ben).await.unwrap().remove(0);
    assert!(fine.error.is_empty(), "{}", fine.error);
    assert_eq!(store.snapshot_counts(&ben).await.unwrap().0, 1);
}

#[tokio::test]
async fn end_to_end_three_accounts_are_published_with_video_ids_then_synced() {
    let w = World::new(SandboxConfig {
        processing_ms: 0,
        moderation_ms: 0,
        ..SandboxConfig::default()
    })
    .await;
    let accounts = [
        w.connect("sbx-open-ana").await,
        w.connect("sbx-open-ben").await,
        w.connect("sbx-open-cai").await,
    ];
    let public = w.schedule(&[&accounts[0], &accounts[1]], Utc::now()).await;
    // Cai's account is private: it offers followers, friends or only me, never everyone.
    let private = w
        .schedule_with(&[&accounts[2]], Utc::now(), |s| {
            s.privacy_level = "FOLLOWER_OF_CREATOR".into();
        })
        .await;
    let clock = TestClock::at(Utc::now() + TimeDelta::seconds(1));
    let ctx = w.worker(clock.clock()).await;
    for _ in 0..3 {
        run_once(&ctx, clock.now()).await.unwrap();
        clock.set(clock.now() + TimeDelta::seconds(2));
    }
    for t in &w.post(&public.id).await.targets {
        assert_eq!(state(t), pb::TargetState::Published, "{t:?}");
        assert!(!t.video_id.is_empty(), "public videos get their id");
    }
    let t = w.post(&private.id).await.targets.remove(0);
    assert_eq!(state(&t), pb::TargetState::Published, "{t:?}");
    assert_eq!(sync_once(&ctx, &ctx.sync_cron).await.unwrap(), 3);
    for account in &accounts {
        let (snapshots, videos, video_snapshots) =
            ctx.core.store.snapshot_counts(account).await.unwrap();
        assert_eq!(snapshots, 1);
        assert!(
            videos >= 1 && video_snapshots == videos,
            "{videos} {video_snapshots}"
        );
    }
}
