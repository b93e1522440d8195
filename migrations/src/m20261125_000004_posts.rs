//! Posts, their per-account publish targets (with the worker's lease and TikTok's ids), and the
//! append-only history of every target's state changes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Posts {
    Table,
    Id,
    WorkspaceId,
    AuthorId,
    Caption,
    MediaId,
    ScheduledAt,
    TimeZone,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PostTargets {
    Table,
    Id,
    PostId,
    WorkspaceId,
    AccountId,
    Caption,
    PrivacyLevel,
    AllowComment,
    AllowDuet,
    AllowStitch,
    BrandOrganic,
    BrandedContent,
    AiGenerated,
    CoverFrameMs,
    InboxDraft,
    State,
    ScheduledAt,
    Attempts,
    NextAttemptAt,
    ClaimOwner,
    LeaseExpiresAt,
    PublishId,
    VideoId,
    FailureReason,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PublishEvents {
    Table,
    Id,
    TargetId,
    At,
    FromState,
    ToState,
    Detail,
    TiktokCode,
}

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TiktokAccounts {
    Table,
    Id,
}

fn cascade(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden + 'static,
    cols: Vec<PostTargets>,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(c);
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Posts::Table)
                    .col(string_len(Posts::Id, 36).primary_key())
                    .col(string_len(Posts::WorkspaceId, 36))
                    .col(string_len(Posts::AuthorId, 36))
                    .col(text(Posts::Caption))
                    .col(string_len(Posts::MediaId, 36))
                    .col(timestamp_with_time_zone(Posts::ScheduledAt))
                    .col(string_len(Posts::TimeZone, 64))
                    .col(timestamp_with_time_zone(Posts::CreatedAt))
                    .foreign_key(&mut cascade(
                        (Posts::Table, Posts::WorkspaceId),
                        (Workspaces::Table, Workspaces::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PostTargets::Table)
                    .col(string_len(PostTargets::Id, 36).primary_key())
                    .col(string_len(PostTargets::PostId, 36))
                    .col(string_len(PostTargets::WorkspaceId, 36))
                    .col(string_len(PostTargets::AccountId, 36))
                    .col(text_null(PostTargets::Caption))
                    .col(string_len(PostTargets::PrivacyLevel, 32))
                    .col(boolean(PostTargets::AllowComment))
                    .col(boolean(PostTargets::AllowDuet))
                    .col(boolean(PostTargets::AllowStitch))
                    .col(boolean(PostTargets::BrandOrganic))
                    .col(boolean(PostTargets::BrandedContent))
                    .col(boolean(PostTargets::AiGenerated))
                    .col(integer(PostTargets::CoverFrameMs))
                    .col(boolean(PostTargets::InboxDraft))
                    .col(string_len(PostTargets::State, 24))
                    .col(timestamp_with_time_zone(PostTargets::ScheduledAt))
                    .col(integer(PostTargets::Attempts))
                    .col(timestamp_with_time_zone_null(PostTargets::NextAttemptAt))
                    .col(string_len_null(PostTargets::ClaimOwner, 64))
                    .col(timestamp_with_time_zone_null(PostTargets::LeaseExpiresAt))
                    .col(string_len_null(PostTargets::PublishId, 128))
                    .col(string_len_null(PostTargets::VideoId, 64))
                    .col(string(PostTargets::FailureReason))
                    .col(timestamp_with_time_zone(PostTargets::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (PostTargets::Table, PostTargets::PostId),
                        (Posts::Table, Posts::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (PostTargets::Table, PostTargets::AccountId),
                        (TiktokAccounts::Table, TiktokAccounts::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_post_targets_calendar",
                vec![PostTargets::WorkspaceId, PostTargets::ScheduledAt],
            ),
            (
                "idx_post_targets_account_time",
                vec![PostTargets::AccountId, PostTargets::ScheduledAt],
            ),
            (
                "idx_post_targets_due",
                vec![PostTargets::State, PostTargets::NextAttemptAt],
            ),
            ("idx_post_targets_post", vec![PostTargets::PostId]),
        ] {
            manager
                .create_index(index(name, PostTargets::Table, cols))
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_post_targets_publish_id")
                    .table(PostTargets::Table)
                    .col(PostTargets::PublishId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PublishEvents::Table)
                    .col(
                        big_integer(PublishEvents::Id)
                            .primary_key()
                            .auto_increment(),
                    )
                    .col(string_len(PublishEvents::TargetId, 36))
                    .col(timestamp_with_time_zone(PublishEvents::At))
                    .col(string_len(PublishEvents::FromState, 24))
                    .col(string_len(PublishEvents::ToState, 24))
                    .col(text(PublishEvents::Detail))
                    .col(string_len(PublishEvents::TiktokCode, 64))
                    .foreign_key(&mut cascade(
                        (PublishEvents::Table, PublishEvents::TargetId),
                        (PostTargets::Table, PostTargets::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_publish_events_target")
                    .table(PublishEvents::Table)
                    .col(PublishEvents::TargetId)
                    .col(PublishEvents::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PublishEvents::Table.into_iden(),
            PostTargets::Table.into_iden(),
            Posts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
