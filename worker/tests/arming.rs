//! Targets claimed ahead of their second (`arm_once`), with a test clock, against the sandbox
//! and the real server: they are prepared early but sent only at their second, in one group
//! within the quota; a cancel, a move or a stop before then wins.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod harness;

use chrono::{DateTime, TimeDelta, Utc};
use harness::{TestClock, World, sandbox_config, state};
use multitok_proto::v1 as pb;
use multitok_worker::arm::arm_once;
use multitok_worker::run_once;
use tokio::task::JoinSet;

fn later(minutes: i64) -> DateTime<Utc> {
    let t = Utc::now() + TimeDelta::minutes(minutes);
    DateTime::from_timestamp(t.timestamp(), 0).unwrap()
}

async fn finish(armed: &mut JoinSet<()>) {
    while let Some(done) = armed.join_next().await {
        done.unwrap();
    }
}

#[tokio::test]
async fn targets_claimed_ahead_go_out_at_their_second_and_never_before() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let ben = w.connect("sbx-open-ben").await;
    let at = later(60);
    let post = w.schedule(&[&ana, &ben], at).await;
    let other = w.schedule(&[&ana], at + TimeDelta::seconds(30)).await;
    let clock = TestClock::at(at - TimeDelta::seconds(5));
    let ctx = w.worker(clock.clock()).await;
    let mut armed = JoinSet::new();
    assert_eq!(
        arm_once(&ctx, clock.now(), &mut armed).await.unwrap(),
        2,
        "only what is due within the look-ahead"
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let early = w.post(&post.id).await;
    assert!(
        early
            .targets
            .iter()
            .all(|t| state(t) == pb::TargetState::Scheduled)
    );
    assert_eq!(w.counters("sbx-open-ana").await.0, 0, "nothing sent early");
    assert_eq!(
        run_once(&ctx, clock.now()).await.unwrap(),
        0,
        "claimed ahead, so not claimed again"
    );
    clock.set(at);
    finish(&mut armed).await;
    assert_eq!(w.counters("sbx-open-ana").await.0, 1);
    assert_eq!(w.counters("sbx-open-ben").await.0, 1);
    for t in w.post(&post.id).await.targets {
        assert_eq!(state(&t), pb::TargetState::Processing, "{t:?}");
        let stored = ctx.core.store.target(&t.id).await.unwrap().unwrap();
        assert!(stored.init_sent_at.unwrap() >= stored.scheduled_at);
    }
    let details: Vec<String> = w
        .history(&post.id)
        .await
        .into_iter()
        .map(|e| e.detail)
        .collect();
    for expected in [
        "A worker took the post.",
        "Sending the publish request to TikTok.",
    ] {
        assert_eq!(
            details.iter().filter(|d| *d == expected).count(),
            2,
            "{details:?}"
        );
    }
    assert_eq!(
        state(&w.post(&other.id).await.targets[0]),
        pb::TargetState::Scheduled
    );
}

#[tokio::test]
async fn cancel_and_move_win_over_targets_claimed_ahead() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let at = later(60);
    let cancelled = w.schedule(&[&ana], at).await;
    let moved = w.schedule(&[&ana], at).await;
    let clock = TestClock::at(at - TimeDelta::seconds(3));
    let ctx = w.worker(clock.clock()).await;
    let mut armed = JoinSet::new();
    assert_eq!(arm_once(&ctx, clock.now(), &mut armed).await.unwrap(), 2);
    w.cancel(&cancelled.id).await;
    let new_time = later(90);
    w.reschedule(&moved.id, new_time).await;
    clock.set(at);
    finish(&mut armed).await;
    assert_eq!(w.counters("sbx-open-ana").await.0, 0, "nothing was sent");
    assert_eq!(
        state(&w.post(&cancelled.id).await.targets[0]),
        pb::TargetState::Cancelled
    );
    assert_eq!(
        state(&w.post(&moved.id).await.targets[0]),
        pb::TargetState::Scheduled
    );
    clock.set(new_time);
    assert_eq!(run_once(&ctx, new_time).await.unwrap(), 1);
    assert_eq!(w.counters("sbx-open-ana").await.0, 1);
}

/// One target of `sbx-open-ana` due at `at`, claimed ahead by `ctx`, whose clock reads `before`
/// the second.
struct ArmedOne {
    w: World,
    post: pb::Post,
    at: DateTime<Utc>,
    clock: TestClock,
    ctx: multitok_worker::Ctx,
    armed: JoinSet<()>,
}

async fn arm_one(before: TimeDelta) -> ArmedOne {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let at = later(60);
    let post = w.schedule(&[&ana], at).await;
    let clock = TestClock::at(at - before);
    let ctx = w.worker(clock.clock()).await;
    let mut armed = JoinSet::new();
    assert_eq!(arm_once(&ctx, clock.now(), &mut armed).await.unwrap(), 1);
    ArmedOne {
        w,
        post,
        at,
        clock,
        ctx,
        armed,
    }
}

/// Stops the worker: the target must be given back, and another worker publishes it once at its
/// second.
async fn stop_then_publish_elsewhere(one: &mut ArmedOne) {
    one.ctx.stop();
    finish(&mut one.armed).await;
    let id = &one.post.targets[0].id;
    let t = one.ctx.core.store.target(id).await.unwrap().unwrap();
    assert_eq!((t.state.as_str(), t.init_sent_at), ("scheduled", None));
    assert_eq!(t.claim_owner, None, "given back");
    assert_eq!(one.w.counters("sbx-open-ana").await.0, 0);
    let other = one.w.worker(one.clock.clock()).await;
    one.clock.set(one.at);
    assert_eq!(run_once(&other, one.at).await.unwrap(), 1);
    assert_eq!(one.w.counters("sbx-open-ana").await.0, 1);
}

#[tokio::test]
async fn stopping_gives_targets_claimed_ahead_back() {
    let mut one = arm_one(TimeDelta::seconds(3)).await;
    stop_then_publish_elsewhere(&mut one).await;
}

#[tokio::test]
async fn a_group_written_ahead_of_its_second_is_undone_by_a_stop() {
    // Inside the start lead on PostgreSQL: the inits are written and wait for the second
    // uncommitted; on SQLite the group waits for the second before writing.
    let mut one = arm_one(TimeDelta::milliseconds(10)).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let id = &one.post.targets[0].id;
    let waiting = one.ctx.core.store.target(id).await.unwrap().unwrap();
    assert_eq!(
        waiting.state, "scheduled",
        "nothing visible before the second"
    );
    assert_eq!(waiting.init_sent_at, None);
    stop_then_publish_elsewhere(&mut one).await;
    let history = one.w.history(&one.post.id).await;
    assert_eq!(
        history
            .iter()
            .filter(|e| e.detail == "Sending the publish request to TikTok.")
            .count(),
        1,
        "the undone start left no history line"
    );
}

#[tokio::test]
async fn a_group_at_its_second_keeps_to_six_inits_a_minute() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let at = later(60);
    let mut posts = Vec::new();
    for _ in 0..7 {
        posts.push(w.schedule(&[&ana], at).await);
    }
    let clock = TestClock::at(at - TimeDelta::seconds(2));
    let ctx = w.worker(clock.clock()).await;
    let mut armed = JoinSet::new();
    assert_eq!(arm_once(&ctx, clock.now(), &mut armed).await.unwrap(), 7);
    clock.set(at);
    finish(&mut armed).await;
    assert_eq!(w.counters("sbx-open-ana").await.0, 6);
    let mut waiting = Vec::new();
    for p in &posts {
        let t = w.post(&p.id).await.targets.remove(0);
        if state(&t) == pb::TargetState::Claimed {
            waiting.push(p.id.clone());
        }
    }
    assert_eq!(waiting.len(), 1, "the seventh waits for its slot");
    let events = w.history(&waiting[0]).await;
    assert!(
        events.iter().any(|e| e.detail.contains("posting slot")),
        "{events:?}"
    );
}

#[tokio::test]
async fn claiming_ahead_takes_whole_accounts() {
    let w = World::new(sandbox_config()).await;
    let ana = w.connect("sbx-open-ana").await;
    let ben = w.connect("sbx-open-ben").await;
    let at = later(60);
    w.schedule(&[&ana, &ben], at).await;
    w.schedule(&[&ana, &ben], at + TimeDelta::seconds(1)).await;
    let clock = TestClock::at(at - TimeDelta::seconds(5));
    let ctx = w.worker(clock.clock()).await;
    let now = clock.now();
    let claim = |owner: &'static str| {
        ctx.core.store.claim_upcoming(
            owner,
            now,
            now + TimeDelta::seconds(10),
            now + TimeDelta::minutes(1),
            1,
            500,
        )
    };
    let accounts = |targets: &[multitok_store::posts::Target]| {
        let mut ids: Vec<String> = targets.iter().map(|t| t.account_id.clone()).collect();
        ids.dedup();
        ids
    };
    let first = claim("worker-one").await.unwrap();
    let second = claim("worker-two").await.unwrap();
    assert_eq!(first.len(), 2, "both of one account's targets: {first:?}");
    assert_eq!(second.len(), 2, "both of the other's: {second:?}");
    let (first, second) = (accounts(&first), accounts(&second));
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(second.len(), 1, "{second:?}");
    assert_ne!(first, second, "each account goes to one worker");
    assert!(claim("worker-three").await.unwrap().is_empty());
}
