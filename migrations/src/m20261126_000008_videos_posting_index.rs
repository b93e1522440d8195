//! Best times read only an index: (account, posted at, views) replaces (account, posted at), so
//! adding up an account's posts by hour of posting never visits the table's rows.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Videos {
    Table,
    AccountId,
    PostedAt,
    ViewCount,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_videos_account_posted_views")
                    .table(Videos::Table)
                    .col(Videos::AccountId)
                    .col(Videos::PostedAt)
                    .col(Videos::ViewCount)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_videos_account_posted")
                    .table(Videos::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_videos_account_posted")
                    .table(Videos::Table)
                    .col(Videos::AccountId)
                    .col(Videos::PostedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_videos_account_posted_views")
                    .table(Videos::Table)
                    .to_owned(),
            )
            .await
    }
}
