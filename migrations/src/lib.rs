//! Multitok's schema migrations, applied in order at server start and by `multitok-server migrate`.
//! A migration is never edited once merged; a change to the schema is a new file.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_accounts_and_workspaces;
mod m20261125_000002_tiktok_accounts;
mod m20261125_000003_media;
mod m20261125_000004_posts;
mod m20261125_000005_publishing;
mod m20261125_000006_sync;
mod m20261125_000007_analytics;
mod m20261126_000008_videos_posting_slot;
mod m20261126_000009_posting_profiles;
mod m20261205_000010_operate;
mod m20261208_000011_webhook_bodies;
mod m20261208_000012_connect_browser;
mod m20261208_000013_idempotency;

/// Every migration of the project, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_accounts_and_workspaces::Migration),
            Box::new(m20261125_000002_tiktok_accounts::Migration),
            Box::new(m20261125_000003_media::Migration),
            Box::new(m20261125_000004_posts::Migration),
            Box::new(m20261125_000005_publishing::Migration),
            Box::new(m20261125_000006_sync::Migration),
            Box::new(m20261125_000007_analytics::Migration),
            Box::new(m20261126_000008_videos_posting_slot::Migration),
            Box::new(m20261126_000009_posting_profiles::Migration),
            Box::new(m20261205_000010_operate::Migration),
            Box::new(m20261208_000011_webhook_bodies::Migration),
            Box::new(m20261208_000012_connect_browser::Migration),
            Box::new(m20261208_000013_idempotency::Migration),
        ]
    }
}
