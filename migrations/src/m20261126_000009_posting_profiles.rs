//! `posting_profiles`: per account, every video's (posted at, views) packed in one value
//! (`shared::analytics::posting`), rewritten whenever the account's videos are saved. Best times
//! for a whole workspace read one row per account instead of every post. Accounts without a
//! row (until their next sync or `multitok-worker rebuild-analytics`) are read from `videos`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PostingProfiles {
    Table,
    AccountId,
    Posts,
}

#[derive(DeriveIden)]
enum TiktokAccounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PostingProfiles::Table)
                    .col(string_len(PostingProfiles::AccountId, 36).primary_key())
                    .col(blob(PostingProfiles::Posts))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostingProfiles::Table, PostingProfiles::AccountId)
                            .to(TiktokAccounts::Table, TiktokAccounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            // Packed numbers gain little from compression; reading them should not pay for it.
            manager
                .get_connection()
                .execute_unprepared(
                    "ALTER TABLE posting_profiles ALTER COLUMN posts SET STORAGE EXTERNAL",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PostingProfiles::Table).to_owned())
            .await
    }
}
