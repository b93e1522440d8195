//! Migrations run up, down and up again on a fresh database (SQLite by default, PostgreSQL
//! when `TEST_BACKEND=postgres`), and the store works on the result.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use common::fresh_store;
use multitok_shared::Role;
use multitok_store::{NewUser, NewWorkspace, StoreError};

fn new_user(email: &str) -> (NewUser, NewWorkspace) {
    (
        NewUser {
            email: email.into(),
            display_name: "Ana".into(),
            password_hash: "$argon2id$stub".into(),
        },
        NewWorkspace {
            name: "Ana's workspace".into(),
            time_zone: "UTC".into(),
        },
    )
}

#[tokio::test]
async fn migrations_run_up_down_up() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    assert!(store.pending_migrations().await.unwrap() > 0);
    store.migrate().await.unwrap();
    assert_eq!(store.pending_migrations().await.unwrap(), 0);
    let (user, ws) = new_user("ana@example.com");
    store
        .register_user(user, ws, chrono::Utc::now())
        .await
        .unwrap();

    store.migrate_down_all().await.unwrap();
    assert!(store.pending_migrations().await.unwrap() > 0);
    store.migrate().await.unwrap();
    assert!(
        store
            .user_by_email("ana@example.com")
            .await
            .unwrap()
            .is_none(),
        "down dropped the data"
    );
    let (user, ws) = new_user("ana@example.com");
    store
        .register_user(user, ws, chrono::Utc::now())
        .await
        .unwrap();
}

#[tokio::test]
async fn duplicate_email_is_a_conflict_and_nothing_is_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    store.migrate().await.unwrap();
    let (user, ws) = new_user("bo@example.com");
    let (first, _) = store
        .register_user(user, ws, chrono::Utc::now())
        .await
        .unwrap();
    let (user, ws) = new_user("bo@example.com");
    assert!(matches!(
        store.register_user(user, ws, chrono::Utc::now()).await,
        Err(StoreError::Conflict)
    ));
    let workspaces = store.workspaces_of(&first.id).await.unwrap();
    assert_eq!(workspaces.len(), 1);
    assert_eq!(workspaces[0].1, Role::Owner);
}

#[tokio::test]
async fn concurrent_demotions_never_leave_a_workspace_without_an_owner() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    store.migrate().await.unwrap();
    let now = chrono::Utc::now();
    let (a, ws) = new_user("a@example.com");
    let (a, ws) = store.register_user(a, ws, now).await.unwrap();
    let (b, other) = new_user("b@example.com");
    let (b, _) = store.register_user(b, other, now).await.unwrap();
    store
        .add_member(&ws.id, &b.id, Role::Owner, now)
        .await
        .unwrap();
    let (x, y) = tokio::join!(
        store.set_role(&ws.id, &a.id, Role::Viewer),
        store.set_role(&ws.id, &b.id, Role::Viewer)
    );
    assert!(
        x.is_ok() != y.is_ok(),
        "exactly one demotion succeeds: {x:?} {y:?}"
    );
    let owners = store
        .members(&ws.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.role == Role::Owner)
        .count();
    assert_eq!(owners, 1);
}
