//! The claim and lease SQL on its own, on SQLite and (with `TEST_BACKEND=postgres`)
//! PostgreSQL: concurrent claimers never share a target, a lapsed lease is taken over, and the
//! init quota counts at the edges of the minute and the day.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use common::world::{World, t0, world};
use multitok_shared::TargetState;
use multitok_shared::schedule::Quota;
use multitok_store::Store;
use multitok_store::claims::Step;
use multitok_store::inits::{InitRequest, InitStart};
use multitok_store::posts::Target;

fn ids(targets: &[Target]) -> HashSet<String> {
    targets.iter().map(|t| t.id.clone()).collect()
}

/// Claims in batches of three until nothing is left; answers every id claimed.
async fn claim_until_empty(store: Store, owner: &str, now: DateTime<Utc>) -> Vec<String> {
    let mut mine = Vec::new();
    loop {
        let batch = store
            .claim_due(owner, now, now + TimeDelta::seconds(60), 3)
            .await
            .unwrap();
        if batch.is_empty() {
            return mine;
        }
        assert!(
            batch
                .iter()
                .all(|t| t.claim_owner.as_deref() == Some(owner))
        );
        mine.extend(batch.into_iter().map(|t| t.id));
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_claimers_never_get_the_same_target() {
    let at = t0();
    let w = world(40, at).await;
    let (one, two) = (
        Store::connect(&w.url, 4).await.unwrap(),
        Store::connect(&w.url, 4).await.unwrap(),
    );
    let now = at + TimeDelta::seconds(1);
    let (a, b) = tokio::join!(
        tokio::spawn(claim_until_empty(one, "worker-a", now)),
        tokio::spawn(claim_until_empty(two, "worker-b", now)),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let (sa, sb): (HashSet<_>, HashSet<_>) =
        (a.iter().cloned().collect(), b.iter().cloned().collect());
    assert_eq!(sa.len(), a.len(), "worker a never got a target twice");
    assert_eq!(sb.len(), b.len(), "worker b never got a target twice");
    assert!(sa.is_disjoint(&sb), "no target went to both workers");
    let all: HashSet<String> = sa.union(&sb).cloned().collect();
    assert_eq!(all, ids(&w.targets), "every due target was claimed");
}

#[tokio::test]
async fn targets_not_yet_due_are_not_claimed() {
    let at = t0();
    let w = world(2, at).await;
    let early = w
        .store
        .claim_due(
            "worker-a",
            at - TimeDelta::seconds(1),
            at + TimeDelta::seconds(59),
            10,
        )
        .await
        .unwrap();
    assert!(early.is_empty(), "due at {at}, not a second before");
    let due = w
        .store
        .claim_due("worker-a", at, at + TimeDelta::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(ids(&due), ids(&w.targets));
}

#[tokio::test]
async fn a_lapsed_lease_is_taken_over() {
    let at = t0();
    let w = world(1, at).await;
    let until = at + TimeDelta::seconds(60);
    let first = w.store.claim_due("worker-a", at, until, 10).await.unwrap();
    assert_eq!(first.len(), 1);
    let id = first[0].id.clone();
    for now in [at + TimeDelta::seconds(30), until] {
        let taken = w
            .store
            .claim_due("worker-b", now, now + TimeDelta::seconds(60), 10)
            .await
            .unwrap();
        assert!(taken.is_empty(), "the lease still holds at {now}");
    }
    let later = until + TimeDelta::seconds(1);
    let taken = w
        .store
        .claim_due("worker-b", later, later + TimeDelta::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(taken.len(), 1, "taken over once the lease lapsed");
    assert_eq!(taken[0].id, id);
    assert_eq!(taken[0].claim_owner.as_deref(), Some("worker-b"));
    let take = |owner: &'static str| Step {
        to: Some(TargetState::Claimed),
        detail: format!("{owner} took it"),
        ..Step::default()
    };
    let stale = w
        .store
        .advance(
            &id,
            "worker-a",
            TargetState::Scheduled,
            take("worker-a"),
            later,
        )
        .await
        .unwrap();
    assert!(
        !stale,
        "the worker whose lease lapsed can no longer move the target"
    );
    let fresh = w
        .store
        .advance(
            &id,
            "worker-b",
            TargetState::Scheduled,
            take("worker-b"),
            later,
        )
        .await
        .unwrap();
    assert!(fresh, "the new holder moves it");
    let stored = w.store.target(&id).await.unwrap().unwrap();
    assert_eq!(stored.state, TargetState::Claimed);
}

/// Claims every target for `owner` and asks to start the inits of `targets` at `now`.
async fn start(w: &World, targets: &[Target], now: DateTime<Utc>, quota: Quota) -> Vec<InitStart> {
    let requests: Vec<InitRequest> = targets
        .iter()
        .map(|t| InitRequest {
            target_id: t.id.clone(),
            account_id: t.account_id.clone(),
        })
        .collect();
    w.store
        .start_inits("worker-a", TargetState::Scheduled, &requests, now, quota)
        .await
        .unwrap()
}

/// TikTok answered the inits of `targets` at `at`.
async fn initialized(w: &World, targets: &[Target], at: DateTime<Utc>) {
    for t in targets {
        let step = Step {
            to: Some(TargetState::Initialized),
            publish_id: Some(format!("p-{}", t.id)),
            ..Step::default()
        };
        let moved = w
            .store
            .advance(&t.id, "worker-a", TargetState::Claimed, step, at)
            .await
            .unwrap();
        assert!(moved);
    }
}

#[tokio::test]
async fn the_init_quota_counts_to_the_edge_of_the_minute() {
    let at = t0();
    let w = world(7, at).await;
    let quota = Quota {
        daily_posts: 15,
        inits_per_minute: 6,
    };
    let far = at + TimeDelta::days(2);
    assert_eq!(
        w.store
            .claim_due("worker-a", at, far, 10)
            .await
            .unwrap()
            .len(),
        7
    );
    let answers = start(&w, &w.targets, at, quota).await;
    assert_eq!(answers[..6], vec![InitStart::Send; 6][..]);
    let free = at + TimeDelta::seconds(60) + TimeDelta::milliseconds(10);
    assert_eq!(answers[6], InitStart::WaitUntil(free));
    initialized(&w, &w.targets[..6], at).await;
    let last = &w.targets[6..];
    // The six inits leave the minute once it has passed: a second before, the seventh waits.
    let before = at + TimeDelta::seconds(59);
    assert_eq!(
        start(&w, last, before, quota).await,
        [InitStart::WaitUntil(free)]
    );
    let stored = w.store.target(&last[0].id).await.unwrap().unwrap();
    assert_eq!(
        (stored.state, stored.init_sent_at),
        (TargetState::Scheduled, None)
    );
    let edge = at + TimeDelta::seconds(60);
    assert_eq!(start(&w, last, edge, quota).await, [InitStart::Send]);
    let stored = w.store.target(&last[0].id).await.unwrap().unwrap();
    assert_eq!(
        (stored.state, stored.init_sent_at),
        (TargetState::Claimed, Some(edge))
    );
    assert_eq!(
        start(&w, last, edge, quota).await,
        [InitStart::Lost],
        "an init is never started twice"
    );
}

#[tokio::test]
async fn the_init_quota_counts_to_the_edge_of_the_day() {
    let at = t0();
    let w = world(4, at).await;
    let quota = Quota {
        daily_posts: 3,
        inits_per_minute: 6,
    };
    let far = at + TimeDelta::days(3);
    assert_eq!(
        w.store
            .claim_due("worker-a", at, far, 10)
            .await
            .unwrap()
            .len(),
        4
    );
    let answers = start(&w, &w.targets[..3], at, quota).await;
    assert_eq!(answers, vec![InitStart::Send; 3]);
    let last = &w.targets[3..];
    let free = at + TimeDelta::hours(24) + TimeDelta::milliseconds(10);
    let hour = at + TimeDelta::hours(1);
    assert_eq!(
        start(&w, last, hour, quota).await,
        [InitStart::WaitUntil(
            hour + TimeDelta::hours(24) + TimeDelta::milliseconds(10)
        )],
        "inits sent and not yet answered count as sent now"
    );
    initialized(&w, &w.targets[..3], at).await;
    let before = at + TimeDelta::hours(24) - TimeDelta::seconds(1);
    assert_eq!(
        start(&w, last, before, quota).await,
        [InitStart::WaitUntil(free)]
    );
    let edge = at + TimeDelta::hours(24);
    assert_eq!(start(&w, last, edge, quota).await, [InitStart::Send]);
}
