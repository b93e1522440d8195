//! What the worker needs to publish exactly once: when an init was sent (so a crash after
//! sending is never followed by a second init), the sealed upload URL of an initialized target,
//! and named leases that let one process at a time do a piece of work (such as refreshing an
//! account's tokens).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PostTargets {
    Table,
    InitSentAt,
    UploadUrlEnc,
}

#[derive(DeriveIden)]
enum Leases {
    Table,
    Name,
    Owner,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PostTargets::Table)
                    .add_column(timestamp_with_time_zone_null(PostTargets::InitSentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PostTargets::Table)
                    .add_column(text_null(PostTargets::UploadUrlEnc))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Leases::Table)
                    .col(string_len(Leases::Name, 128).primary_key())
                    .col(string_len(Leases::Owner, 64))
                    .col(timestamp_with_time_zone(Leases::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Leases::Table).to_owned())
            .await?;
        for column in [PostTargets::UploadUrlEnc, PostTargets::InitSentAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(PostTargets::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
