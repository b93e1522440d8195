//! What the nightly sync stores: account snapshots, the accounts' videos with their statistics
//! over time, and one row per sync run, unique per (account, run time) so that no run happens
//! twice.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccountSnapshots {
    Table,
    Id,
    AccountId,
    TakenAt,
    FollowerCount,
    FollowingCount,
    LikesCount,
    VideoCount,
}

#[derive(DeriveIden)]
enum Videos {
    Table,
    Id,
    AccountId,
    VideoId,
    Title,
    PostedAt,
    DurationSec,
    ShareUrl,
    NextRefreshAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum VideoSnapshots {
    Table,
    Id,
    VideoRowId,
    TakenAt,
    ViewCount,
    LikeCount,
    CommentCount,
    ShareCount,
}

#[derive(DeriveIden)]
enum SyncRuns {
    Table,
    Id,
    AccountId,
    RunAt,
    Owner,
    StartedAt,
    FinishedAt,
    Error,
}

#[derive(DeriveIden)]
enum TiktokAccounts {
    Table,
    Id,
}

fn account_fk(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(TiktokAccounts::Table, TiktokAccounts::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AccountSnapshots::Table)
                    .col(
                        big_integer(AccountSnapshots::Id)
                            .primary_key()
                            .auto_increment(),
                    )
                    .col(string_len(AccountSnapshots::AccountId, 36))
                    .col(timestamp_with_time_zone(AccountSnapshots::TakenAt))
                    .col(big_integer(AccountSnapshots::FollowerCount))
                    .col(big_integer(AccountSnapshots::FollowingCount))
                    .col(big_integer(AccountSnapshots::LikesCount))
                    .col(big_integer(AccountSnapshots::VideoCount))
                    .foreign_key(&mut account_fk(
                        AccountSnapshots::Table,
                        AccountSnapshots::AccountId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_account_snapshots_account_time")
                    .table(AccountSnapshots::Table)
                    .col(AccountSnapshots::AccountId)
                    .col(AccountSnapshots::TakenAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Videos::Table)
                    .col(string_len(Videos::Id, 36).primary_key())
                    .col(string_len(Videos::AccountId, 36))
                    .col(string_len(Videos::VideoId, 64))
                    .col(text(Videos::Title))
                    .col(timestamp_with_time_zone(Videos::PostedAt))
                    .col(integer(Videos::DurationSec))
                    .col(text(Videos::ShareUrl))
                    .col(timestamp_with_time_zone_null(Videos::NextRefreshAt))
                    .col(timestamp_with_time_zone(Videos::UpdatedAt))
                    .foreign_key(&mut account_fk(Videos::Table, Videos::AccountId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_videos_account_video")
                    .table(Videos::Table)
                    .col(Videos::AccountId)
                    .col(Videos::VideoId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_videos_next_refresh")
                    .table(Videos::Table)
                    .col(Videos::NextRefreshAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(VideoSnapshots::Table)
                    .col(
                        big_integer(VideoSnapshots::Id)
                            .primary_key()
                            .auto_increment(),
                    )
                    .col(string_len(VideoSnapshots::VideoRowId, 36))
                    .col(timestamp_with_time_zone(VideoSnapshots::TakenAt))
                    .col(big_integer(VideoSnapshots::ViewCount))
                    .col(big_integer(VideoSnapshots::LikeCount))
                    .col(big_integer(VideoSnapshots::CommentCount))
                    .col(big_integer(VideoSnapshots::ShareCount))
                    .foreign_key(
                        ForeignKey::create()
                            .from(VideoSnapshots::Table, VideoSnapshots::VideoRowId)
                            .to(Videos::Table, Videos::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_video_snapshots_video_time")
                    .table(VideoSnapshots::Table)
                    .col(VideoSnapshots::VideoRowId)
                    .col(VideoSnapshots::TakenAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SyncRuns::Table)
                    .col(big_integer(SyncRuns::Id).primary_key().auto_increment())
                    .col(string_len(SyncRuns::AccountId, 36))
                    .col(timestamp_with_time_zone(SyncRuns::RunAt))
                    .col(string_len(SyncRuns::Owner, 64))
                    .col(timestamp_with_time_zone(SyncRuns::StartedAt))
                    .col(timestamp_with_time_zone_null(SyncRuns::FinishedAt))
                    .col(text(SyncRuns::Error))
                    .foreign_key(&mut account_fk(SyncRuns::Table, SyncRuns::AccountId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sync_runs_account_run")
                    .table(SyncRuns::Table)
                    .col(SyncRuns::AccountId)
                    .col(SyncRuns::RunAt)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SyncRuns::Table.into_iden(),
            VideoSnapshots::Table.into_iden(),
            Videos::Table.into_iden(),
            AccountSnapshots::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
