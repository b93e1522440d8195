//! What the store's integration tests share: a fresh, empty database.

pub mod world;

use multitok_store::Store;

/// A fresh database, not yet migrated: SQLite in `dir`, or a new PostgreSQL database when
/// `TEST_BACKEND=postgres` (`TEST_DATABASE_URL` names the server).
#[allow(dead_code)]
pub async fn fresh_store(dir: &std::path::Path) -> Store {
    Store::connect(&fresh_url(dir).await, 2)
        .await
        .expect("connect")
}

/// The URL of a fresh, empty database (see [`fresh_store`]), for tests that open it twice.
#[allow(dead_code)]
pub async fn fresh_url(dir: &std::path::Path) -> String {
    if std::env::var("TEST_BACKEND").as_deref() == Ok("postgres") {
        let admin = std::env::var("TEST_DATABASE_URL")
            .expect("TEST_BACKEND=postgres needs TEST_DATABASE_URL");
        let name = format!("mt_test_{}", uuid::Uuid::new_v4().simple());
        Store::create_database(&admin, &name)
            .await
            .expect("create database")
    } else {
        format!("sqlite://{}?mode=rwc", dir.join("store.db").display())
    }
}
