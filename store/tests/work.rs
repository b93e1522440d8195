//! Units of work on SQLite and (with `TEST_BACKEND=postgres`) PostgreSQL: a change and the
//! records it appends are stored together on commit, and neither when the unit is dropped.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use common::world::{t0, world};
use multitok_shared::TargetState;

#[tokio::test]
async fn a_change_and_its_records_commit_together() {
    let at = t0();
    let w = world(0, at).await;
    let version = |w: &common::world::World| {
        let (store, ws, id) = (
            w.store.clone(),
            w.post_input.workspace_id.clone(),
            w.account_id.clone(),
        );
        async move {
            store
                .account(&ws, &id)
                .await
                .unwrap()
                .unwrap()
                .analytics_version
        }
    };
    let before = version(&w).await;
    let work = w.store.begin_work().await.unwrap();
    let stored = w
        .store
        .insert_posts_in(&work, vec![w.post_input.clone()], at)
        .await
        .unwrap();
    work.analytics_changed([w.account_id.clone()]);
    let pending = work.pending();
    assert_eq!(
        pending.len(),
        3,
        "a history line, its account's analytics, and ours: {pending:?}"
    );
    work.commit().await.unwrap();
    let post_id = &stored[0].post.id;
    let history = w.store.history(post_id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].from_state, history[0].to_state),
        (None, TargetState::Scheduled)
    );
    assert_eq!(
        version(&w).await,
        before + 2,
        "both analytics records were written"
    );
}

#[tokio::test]
async fn a_dropped_unit_stores_neither_the_change_nor_its_records() {
    let at = t0();
    let w = world(0, at).await;
    let work = w.store.begin_work().await.unwrap();
    let stored = w
        .store
        .insert_posts_in(&work, vec![w.post_input.clone()], at)
        .await
        .unwrap();
    work.analytics_changed([w.account_id.clone()]);
    drop(work);
    let post_id = &stored[0].post.id;
    let ws = &w.post_input.workspace_id;
    assert!(w.store.post(ws, post_id).await.unwrap().is_none());
    assert!(w.store.history(post_id).await.unwrap().is_empty());
    let account = w.store.account(ws, &w.account_id).await.unwrap().unwrap();
    assert_eq!(account.analytics_version, 0);
}
