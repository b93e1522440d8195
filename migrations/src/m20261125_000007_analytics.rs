//! Analytics: daily rollups per video and per account, kept forever while raw snapshots are
//! pruned; each video's latest counts and viral score; and a per-account version that changes
//! whenever a sync or a publish changes the account's analytics (cache keys carry it).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum VideoDays {
    Table,
    VideoRowId,
    Day,
    TakenAt,
    ViewCount,
    LikeCount,
    CommentCount,
    ShareCount,
}

#[derive(DeriveIden)]
enum AccountDays {
    Table,
    AccountId,
    Day,
    FollowerCount,
    FollowingCount,
    LikesCount,
    VideoCount,
    ViewCount,
}

#[derive(DeriveIden)]
enum Videos {
    Table,
    Id,
    AccountId,
    PostedAt,
    ViewCount,
    LikeCount,
    CommentCount,
    ShareCount,
    ViralScore,
}

#[derive(DeriveIden)]
enum VideoSnapshots {
    Table,
    TakenAt,
}

#[derive(DeriveIden)]
enum TiktokAccounts {
    Table,
    Id,
    AnalyticsVersion,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VideoDays::Table)
                    .col(string_len(VideoDays::VideoRowId, 36))
                    .col(date(VideoDays::Day))
                    .col(timestamp_with_time_zone(VideoDays::TakenAt))
                    .col(big_integer(VideoDays::ViewCount))
                    .col(big_integer(VideoDays::LikeCount))
                    .col(big_integer(VideoDays::CommentCount))
                    .col(big_integer(VideoDays::ShareCount))
                    .primary_key(
                        Index::create()
                            .col(VideoDays::VideoRowId)
                            .col(VideoDays::Day),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(VideoDays::Table, VideoDays::VideoRowId)
                            .to(Videos::Table, Videos::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccountDays::Table)
                    .col(string_len(AccountDays::AccountId, 36))
                    .col(date(AccountDays::Day))
                    .col(big_integer(AccountDays::FollowerCount))
                    .col(big_integer(AccountDays::FollowingCount))
                    .col(big_integer(AccountDays::LikesCount))
                    .col(big_integer(AccountDays::VideoCount))
                    .col(big_integer(AccountDays::ViewCount))
                    .primary_key(
                        Index::create()
                            .col(AccountDays::AccountId)
                            .col(AccountDays::Day),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccountDays::Table, AccountDays::AccountId)
                            .to(TiktokAccounts::Table, TiktokAccounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for column in [
            Videos::ViewCount,
            Videos::LikeCount,
            Videos::CommentCount,
            Videos::ShareCount,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Videos::Table)
                        .add_column(big_integer(column).default(0))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Videos::Table)
                    .add_column(double_null(Videos::ViralScore))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TiktokAccounts::Table)
                    .add_column(big_integer(TiktokAccounts::AnalyticsVersion).default(0))
                    .to_owned(),
            )
            .await?;
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
        // Pruning deletes raw snapshots by age alone.
        manager
            .create_index(
                Index::create()
                    .name("idx_video_snapshots_taken_at")
                    .table(VideoSnapshots::Table)
                    .col(VideoSnapshots::TakenAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_video_snapshots_taken_at")
                    .table(VideoSnapshots::Table)
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
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TiktokAccounts::Table)
                    .drop_column(TiktokAccounts::AnalyticsVersion)
                    .to_owned(),
            )
            .await?;
        for column in [
            Videos::ViralScore,
            Videos::ShareCount,
            Videos::CommentCount,
            Videos::LikeCount,
            Videos::ViewCount,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Videos::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [AccountDays::Table.into_iden(), VideoDays::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
