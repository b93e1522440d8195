//! The publishing state machine driven through `run_once(ctx, now)` with a test clock, against
//! the sandbox and the real server: every transition, each error class, lost init answers,
//! token refresh (single-flight across processes) and refusal, races with people, webhooks,
//! quotas and shutdown.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod harness;

use chrono::{DateTime, TimeDelta, Utc};
use harness::{TestClock, World, authed, sandbox_config, state};
use multitok_proto::v1 as pb;
use multitok_proto::v1::scheduling_service_client::SchedulingServiceClient;
use multitok_worker::{run, run_once};
use serde_json::json;

const INIT: &str = "/v2/post/publish/video/init/";

fn later(minutes: i64) -> DateTime<Utc> {
    let t = Utc::now() + TimeDelta::minutes(minutes);
    DateTime::from_timestamp(t.timestamp(), 0).unwrap()
}

#[tokio::test]
async fn a_due_target_is_published_exactly_once_with_its_video_id() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let ben = w.connect("sbx-open-ben").await;
    let at = later(60);
    let post = w.schedule(&[&ana, &ben], at).await;
    let clock = TestClock::at(at - TimeDelta::seconds(1));
    let ctx = w.worker(clock.clock()).await;

    assert_eq!(
        run_once(&ctx, clock.now()).await.unwrap(),
        0,
        "nothing before its time"
    );
    clock.set(at);
    assert_eq!(run_once(&ctx, at).await.unwrap(), 2);
    let p = w.post(&post.id).await;
    assert!(
        p.targets
            .iter()
            .all(|t| state(t) == pb::TargetState::Processing),
        "{p:?}"
    );

    clock.set(at + TimeDelta::seconds(2));
    assert_eq!(run_once(&ctx, clock.now()).await.unwrap(), 2);
    let p = w.post(&post.id).await;
    for t in &p.targets {
        assert_eq!(state(t), pb::TargetState::Published, "{t:?}");
        assert!(!t.video_id.is_empty(), "the video id is recorded");
        assert!(!t.publish_id.is_empty());
    }
    clock.set(at + TimeDelta::hours(2));
    assert_eq!(run_once(&ctx, clock.now()).await.unwrap(), 0);
    assert_eq!(w.counters("sbx-open-ana").await, (1, 1));
    assert_eq!(w.counters("sbx-open-ben").await, (1, 1));

    let target = &p.targets[0].id;
    let states: Vec<(i32, i32)> = w
        .history(&post.id)
        .await
        .iter()
        .filter(|e| &e.target_id == target)
        .map(|e| (e.from_state, e.to_state))
        .collect();
    use pb::TargetState as S;
    let expected = [
        (S::Unspecified, S::Scheduled),
        (S::Scheduled, S::Claimed),
        (S::Claimed, S::Claimed),
        (S::Claimed, S::Initialized),
        (S::Initialized, S::Uploading),
        (S::Uploading, S::Processing),
        (S::Processing, S::Published),
    ]
    .map(|(a, b)| (a as i32, b as i32));
    assert_eq!(states, expected);
}

#[tokio::test]
async fn a_lost_init_answer_needs_attention_and_is_never_repeated() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    w.fault(json!({"endpoint": INIT, "drop_after_processing": 1}))
        .await;
    let at = later(60);
    let post = w.schedule(&[&ana], at).await;
    let clock = TestClock::at(at);
    let ctx = w.worker(clock.clock()).await;
    run_once(&ctx, at).await.unwrap();
    let t = w.post(&post.id).await.targets.remove(0);
    assert_eq!(state(&t), pb::TargetState::NeedsAttention);
    assert!(
        t.failure_reason.contains("answer was lost"),
        "{}",
        t.failure_reason
    );
    for minutes in [1, 10, 120] {
        clock.set(at + TimeDelta::minutes(minutes));
        assert_eq!(run_once(&ctx, clock.now()).await.unwrap(), 0);
    }
    assert_eq!(
        w.counters("sbx-open-ana").await.0,
        1,
        "one init reached TikTok, and only one"
    );
}

#[tokio::test]
async fn a_transient_failure_backs_off_then_publishes() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    w.fault(json!({"endpoint": INIT, "forced_code": "internal_error", "forced_status": 500, "forced_count": 1}))
        .await;
    let at = later(60);
    let post = w.schedule(&[&ana], at).await;
    let clock = TestClock::at(at);
    let ctx = w.worker(clock.clock()).await;
    run_once(&ctx, at).await.unwrap();
    let t = w.post(&post.id).await.targets.remove(0);
    assert_eq!(state(&t), pb::TargetState::Claimed, "waiting to try again");
    assert_eq!(t.attempts, 1);
    assert_eq!(
        run_once(&ctx, at).await.unwrap(),
        0,
        "not before its backoff"
    );
    for seconds in [10, 20] {
        clock.set(at + TimeDelta::seconds(seconds));
        run_once(&ctx, clock.now()).await.unwrap();
    }
    let t = w.post(&post.id).await.targets.remove(0);
    assert_eq!(state(&t), pb::TargetState::Published, "{t:?}");
    assert_eq!(w.counters("sbx-open-ana").await, (1, 1));
}

#[tokio::test]
async fn a_permanent_refusal_fails_with_tiktoks_reason() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    w.fault(json!({"endpoint": INIT, "forced_code": "spam_risk_too_many_posts", "forced_status": 403, "forced_count": 1}))
        .await;
    let at = later(60);
    let post = w.schedule(&[&ana], at).await;
    let clock = TestClock::at(at);
    let ctx = w.worker(clock.clock()).await;
    run_once(&ctx, at).await.unwrap();
    let t = w.post(&post.id).await.targets.remove(0);
    assert_eq!(state(&t), pb::TargetState::Failed);
    assert!(!t.failure_reason.is_empty());
    let last = w.history(&post.id).await.pop().unwrap();
    assert_eq!(last.tiktok_code, "spam_risk_too_many_posts");
    clock.set(at + TimeDelta::hours(1));
    assert_eq!(
        run_once(&ctx, clock.now()).await.unwrap(),
        0,
        "failed for good"
    );
}

#[tokio::test]
async fn an_expiring_token_is_refreshed_before_publishing() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let at = later(60);
    let post = w.schedule(&[&ana], at).await;
    let clock = TestClock::at(at);
    let ctx = w.worker(clock.clock()).await;
    // The stored token runs out two minutes after the post's time: refresh first.
    let store = &ctx.core.store;
    let account = store.account(&w.workspace_id, &ana).await.unwrap().unwrap();
    let refresh = account.refresh_token_enc.clone().unwrap();
    let soon = multitok_store::accounts::RefreshedTokens {
        access_token_enc: account.access_token_enc.clone().unwrap(),
        refresh_token_enc: refresh.clone(),
        access_expires_at: at + TimeDelta::minutes(2),
        refresh_expires_at: account.refresh_expires_at.unwrap(),
    };
    assert!(
        store
            .replace_tokens(&ana, &refresh, soon, at)
            .await
            .unwrap()
    );
    run_once(&ctx, at).await.unwrap();
    clock.set(at + TimeDelta::seconds(2));
    run_once(&ctx, clock.now()).await.unwrap();
    let t = w.post(&post.id).await.targets.remove(0);
    assert_eq!(state(&t), pb::TargetState::Published, "{t:?}");
    let counters = &w.all_counters().await["sbx-open-ana"];
    assert_eq!(counters["refreshes"], 1);
}

#[tokio::test]
async fn eight_concurrent_refreshes_from_two_processes_call_tiktok_once() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let (one, two) = (w.core().await, w.core().await);
    let account = one
        .store
        .account(&w.workspace_id, &ana)
        .await
        .unwrap()
        .unwrap();
    let sealed = account.access_token_enc.clone().unwrap();
    let calls = (0..8).map(|i| {
        let (services, account, sealed) = (
            if i % 2 == 0 { one.clone() } else { two.clone() },
            account.clone(),
            sealed.clone(),
        );
        tokio::spawn(async move {
            services
                .refreshed_token(&account, &sealed)
                .await
                .unwrap()
                .secret()
                .clone()
        })
    });
    let tokens: Vec<String> = futures::future::join_all(calls)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(
        tokens.iter().all(|t| t == &tokens[0]),
        "everyone uses the one new token"
    );
    let counters: serde_json::Value = w.all_counters().await;
    assert_eq!(counters["sbx-open-ana"]["refreshes"], 1);
}

#[tokio::test]
async fn a_refused_refresh_marks_the_account_and_fails_its_target() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let at = later(60);
    let post = w.schedule(&[&ana], at).await;
    let clock = TestClock::at(at);
    let ctx = w.worker(clock.clock()).await;
    // The creator revokes the app on TikTok: both tokens stop working.
    w.revoke(&ctx.core, &ana).await;
    run_once(&ctx, at).await.unwrap();
    let t = w.post(&post.id).await.targets.remove(0);
    assert_eq!(state(&t), pb::TargetState::Failed, "{t:?}");
    assert!(
        t.failure_reason.contains("connect it again"),
        "{}",
        t.failure_reason
    );
    let account = ctx
        .core
        .store
        .account(&w.workspace_id, &ana)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.status, "reauth_required");
    assert_eq!(
        w.counters("sbx-open-ana").await.0,
        0,
        "no init without a working token"
    );
}

#[tokio::test]
async fn cancel_and_reschedule_win_over_a_claim_in_hand() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let at = later(60);
    let cancelled = w.schedule(&[&ana], at).await;
    let moved = w.schedule(&[&ana], at).await;
    let clock = TestClock::at(at);
    let ctx = w.worker(clock.clock()).await;
    let claimed = ctx
        .core
        .store
        .claim_due(&ctx.owner, at, at + TimeDelta::minutes(1), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2);
    w.cancel(&cancelled.id).await;
    let new_time = later(90);
    w.reschedule(&moved.id, new_time).await;
    for t in claimed {
        multitok_worker::run::drive(&ctx, t).await.unwrap();
    }
    assert_eq!(
        state(&w.post(&cancelled.id).await.targets[0]),
        pb::TargetState::Cancelled
    );
    assert_eq!(
        state(&w.post(&moved.id).await.targets[0]),
        pb::TargetState::Scheduled
    );
    assert_eq!(
        w.counters("sbx-open-ana").await.0,
        0,
        "the claim in hand did nothing"
    );
    assert_eq!(run_once(&ctx, at + TimeDelta::minutes(5)).await.unwrap(), 0);
    clock.set(new_time);
    assert_eq!(run_once(&ctx, new_time).await.unwrap(), 1);
    assert_eq!(w.counters("sbx-open-ana").await.0, 1);
}

#[tokio::test]
async fn a_webhook_before_the_status_poll_publishes_the_target() {
    let w = World::new(slow_processing()).await;
    let ana = w.connect("sbx-open-ana").await;
    let at = later(60);
    let post = w.schedule(&[&ana], at).await;
    let clock = TestClock::at(at);
    let ctx = w.worker(clock.clock()).await;
    run_once(&ctx, at).await.unwrap();
    let t = w.post(&post.id).await.targets.remove(0);
    assert_eq!(state(&t), pb::TargetState::Processing);
    let content = json!({"publish_id": t.publish_id, "publish_type": "DIRECT_PUBLISH"}).to_string();
    let body =
        json!({"client_key": "sbx-client-key", "event": "post.publish.complete", "create_time": 1,
                      "user_openid": "sbx-open-ana", "content": content})
        .to_string();
    let now = Utc::now().timestamp();
    let signature =
        multitok_tiktok::webhook::sign(&w.sandbox.app.config.client_secret, now, body.as_bytes());
    let r = w
        .http
        .post(format!("http://{}/webhooks/tiktok", w.addr))
        .header("TikTok-Signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        state(&w.post(&post.id).await.targets[0]),
        pb::TargetState::Published
    );
    clock.set(at + TimeDelta::seconds(5));
    assert_eq!(
        run_once(&ctx, clock.now()).await.unwrap(),
        0,
        "nothing left to poll"
    );
}

fn slow_processing() -> multitok_sandbox::SandboxConfig {
    multitok_sandbox::SandboxConfig {
        processing_ms: 600_000,
        ..sandbox_config()
    }
}

#[tokio::test]
async fn the_seventh_init_in_a_minute_waits_for_its_slot() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let at = later(60);
    let mut posts = Vec::new();
    for _ in 0..7 {
        posts.push(w.schedule(&[&ana], at).await);
    }
    let clock = TestClock::at(at);
    let ctx = w.worker(clock.clock()).await;
    run_once(&ctx, at).await.unwrap();
    assert_eq!(
        w.counters("sbx-open-ana").await.0,
        6,
        "TikTok allows 6 inits a minute"
    );
    let mut waiting = Vec::new();
    for p in &posts {
        let t = w.post(&p.id).await.targets.remove(0);
        if state(&t) == pb::TargetState::Claimed {
            waiting.push(t);
        }
    }
    assert_eq!(waiting.len(), 1);
    let events = w
        .history(
            &posts
                .iter()
                .find(|p| p.targets[0].id == waiting[0].id)
                .unwrap()
                .id,
        )
        .await;
    assert!(
        events.iter().any(|e| e.detail.contains("posting slot")),
        "{events:?}"
    );
    clock.set(at + TimeDelta::seconds(30));
    run_once(&ctx, clock.now()).await.unwrap();
    assert_eq!(
        w.counters("sbx-open-ana").await.0,
        6,
        "not within the minute"
    );
    let t = w
        .post(
            &posts
                .iter()
                .find(|p| p.targets[0].id == waiting[0].id)
                .unwrap()
                .id,
        )
        .await;
    assert_eq!(state(&t.targets[0]), pb::TargetState::Claimed);
}

#[tokio::test]
async fn stopping_gives_claims_back_untouched() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let at = later(60);
    let post = w.schedule(&[&ana], at).await;
    let clock = TestClock::at(at);
    let ctx = w.worker(clock.clock()).await;
    ctx.stop();
    assert_eq!(run_once(&ctx, at).await.unwrap(), 1);
    let t = w.post(&post.id).await.targets.remove(0);
    assert_eq!(state(&t), pb::TargetState::Scheduled);
    let other = w.worker(clock.clock()).await;
    assert_eq!(
        run_once(&other, at).await.unwrap(),
        1,
        "another worker takes it at once"
    );
    assert_eq!(w.counters("sbx-open-ana").await.0, 1);
}

#[tokio::test]
async fn the_loop_publishes_on_time_and_stops_on_request() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let ctx = w.worker(multitok_worker::Clock::system()).await;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let url = w.settings.database_url.clone();
    let worker = tokio::spawn(async move {
        run(ctx, &url, async {
            rx.await.ok();
        })
        .await
    });
    // A post for "now" goes out within moments.
    let post = SchedulingServiceClient::new(w.channel.clone())
        .schedule(authed(
            &w.token,
            pb::ScheduleRequest {
                workspace_id: w.workspace_id.clone(),
                media_id: w.media_id.clone(),
                caption: "now".into(),
                targets: vec![pb::TargetInput {
                    account_id: ana.clone(),
                    settings: Some(pb::TargetSettings {
                        privacy_level: "SELF_ONLY".into(),
                        ..Default::default()
                    }),
                    caption: None,
                }],
                when: Some(pb::schedule_request::When::Now(true)),
                accept_quota_warning: false,
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .post
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let t = w.post(&post.id).await.targets.remove(0);
        if state(&t) == pb::TargetState::Published {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not published in time: {t:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tx.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), worker)
        .await
        .expect("the worker stops")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn a_lost_init_is_bound_by_reconciliation_or_settled_by_a_person() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    w.fault(json!({"endpoint": INIT, "drop_after_processing": 2}))
        .await;
    // Reconciliation compares TikTok's video times with ours: keep this clock on real time.
    let at = later(0);
    let lost = w.schedule(&[&ana], at).await;
    let retried = w.schedule(&[&ana], at).await;
    let at = Utc::now();
    let clock = TestClock::at(at);
    let ctx = w.worker(clock.clock()).await;
    run_once(&ctx, at).await.unwrap();
    for p in [&lost, &retried] {
        assert_eq!(
            state(&w.post(&p.id).await.targets[0]),
            pb::TargetState::NeedsAttention
        );
    }
    assert_eq!(
        multitok_worker::reconcile_once(&ctx).await.unwrap(),
        0,
        "no video yet"
    );

    // TikTok did publish the first one after all: a video with its caption appears.
    let account = ctx
        .core
        .store
        .account(&w.workspace_id, &ana)
        .await
        .unwrap()
        .unwrap();
    let token = oauth2::AccessToken::new(
        ctx.core
            .sealer
            .open(account.access_token_enc.as_deref().unwrap())
            .unwrap(),
    );
    let client = ctx.core.tiktok().unwrap();
    let plan = multitok_shared::ChunkPlan::auto(
        harness::CLIP.len() as u64,
        harness::CLIP.len() as u64,
        multitok_shared::ChunkBounds::default(),
    )
    .unwrap();
    let info = multitok_tiktok::PostInfo {
        privacy_level: "PUBLIC_TO_EVERYONE".into(),
        title: Some("Hello from the worker test".into()),
        ..Default::default()
    };
    let source = multitok_tiktok::VideoSource::FileUpload {
        video_size: plan.video_size,
        chunk_size: plan.chunk_size,
        total_chunk_count: plan.total_chunk_count,
    };
    let init = client
        .init_direct_video(&token, &info, &source)
        .await
        .unwrap();
    client
        .upload(
            init.upload_url.as_deref().unwrap(),
            "video/mp4",
            &plan,
            std::io::Cursor::new(harness::CLIP.to_vec()),
        )
        .await
        .unwrap();
    client
        .publish_status(&token, &init.publish_id)
        .await
        .unwrap();

    assert_eq!(multitok_worker::reconcile_once(&ctx).await.unwrap(), 1);
    let bound = w.post(&lost.id).await.targets.remove(0);
    let other = w.post(&retried.id).await.targets.remove(0);
    let (bound, other) = if state(&bound) == pb::TargetState::Published {
        (bound, other)
    } else {
        (other, bound)
    };
    assert_eq!(state(&bound), pb::TargetState::Published);
    assert!(!bound.video_id.is_empty());
    assert_eq!(
        state(&other),
        pb::TargetState::NeedsAttention,
        "one video binds one target"
    );

    // A person sends the other one again on purpose.
    let post_id = if other.id == lost.targets[0].id {
        &lost.id
    } else {
        &retried.id
    };
    let mut api = multitok_proto::v1::publishing_service_client::PublishingServiceClient::new(
        w.channel.clone(),
    );
    let resolve = |resolution| pb::ResolveTargetRequest {
        workspace_id: w.workspace_id.clone(),
        post_id: post_id.clone(),
        target_id: other.id.clone(),
        resolution: Some(resolution),
    };
    let bad = api
        .resolve_target(authed(
            &w.token,
            resolve(pb::resolve_target_request::Resolution::VideoId(
                "not a video".into(),
            )),
        ))
        .await
        .unwrap_err();
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);
    api.resolve_target(authed(
        &w.token,
        resolve(pb::resolve_target_request::Resolution::Retry(true)),
    ))
    .await
    .unwrap();
    let again = api
        .resolve_target(authed(
            &w.token,
            resolve(pb::resolve_target_request::Resolution::Retry(true)),
        ))
        .await
        .unwrap_err();
    assert_eq!(again.code(), tonic::Code::FailedPrecondition, "only once");
    clock.set(at + TimeDelta::minutes(2));
    run_once(&ctx, clock.now()).await.unwrap();
    clock.set(at + TimeDelta::minutes(3));
    run_once(&ctx, clock.now()).await.unwrap();
    let t = w.post(post_id).await.targets.remove(0);
    assert_eq!(state(&t), pb::TargetState::Published, "{t:?}");
}

#[tokio::test]
async fn a_token_that_expires_mid_publish_is_refreshed_and_publishing_goes_on() {
    let w = World::new(slow_processing()).await;
    let ana = w.connect("sbx-open-ana").await;
    let at = later(60);
    let post = w.schedule(&[&ana], at).await;
    let clock = TestClock::at(at);
    let ctx = w.worker(clock.clock()).await;
    run_once(&ctx, at).await.unwrap();
    assert_eq!(
        state(&w.post(&post.id).await.targets[0]),
        pb::TargetState::Processing
    );
    // TikTok stops accepting the access token before the status check.
    w.admin("/admin/expire-tokens/sbx-open-ana").await;
    w.http
        .post(format!("{}/admin/advance", w.sandbox.url()))
        .json(&json!({"seconds": 700}))
        .send()
        .await
        .unwrap();
    clock.set(at + TimeDelta::seconds(3));
    run_once(&ctx, clock.now()).await.unwrap();
    let t = w.post(&post.id).await.targets.remove(0);
    assert_eq!(state(&t), pb::TargetState::Published, "{t:?}");
    assert_eq!(w.all_counters().await["sbx-open-ana"]["refreshes"], 1);
    assert_eq!(w.counters("sbx-open-ana").await, (1, 1));
}
