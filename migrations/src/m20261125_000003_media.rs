//! The media library and uploads in progress.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
    WorkspaceId,
    Name,
    ContentType,
    SizeBytes,
    Sha256,
    StorageKey,
    DurationMs,
    Width,
    Height,
    FrameRate,
    Codec,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Uploads {
    Table,
    Id,
    WorkspaceId,
    UserId,
    Name,
    SizeBytes,
    Sha256,
    ReceivedBytes,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
}

fn workspace_fk(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Workspaces::Table, Workspaces::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Media::Table)
                    .col(string_len(Media::Id, 36).primary_key())
                    .col(string_len(Media::WorkspaceId, 36))
                    .col(string_len(Media::Name, 320))
                    .col(string_len(Media::ContentType, 64))
                    .col(big_integer(Media::SizeBytes))
                    .col(string_len(Media::Sha256, 64))
                    .col(string(Media::StorageKey))
                    .col(big_integer(Media::DurationMs))
                    .col(integer(Media::Width))
                    .col(integer(Media::Height))
                    .col(double(Media::FrameRate))
                    .col(string_len(Media::Codec, 16))
                    .col(timestamp_with_time_zone(Media::CreatedAt))
                    .foreign_key(&mut workspace_fk(Media::Table, Media::WorkspaceId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_media_workspace")
                    .table(Media::Table)
                    .col(Media::WorkspaceId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Uploads::Table)
                    .col(string_len(Uploads::Id, 36).primary_key())
                    .col(string_len(Uploads::WorkspaceId, 36))
                    .col(string_len(Uploads::UserId, 36))
                    .col(string_len(Uploads::Name, 320))
                    .col(big_integer(Uploads::SizeBytes))
                    .col(string_len(Uploads::Sha256, 64))
                    .col(big_integer(Uploads::ReceivedBytes))
                    .col(timestamp_with_time_zone(Uploads::CreatedAt))
                    .col(timestamp_with_time_zone(Uploads::ExpiresAt))
                    .foreign_key(&mut workspace_fk(Uploads::Table, Uploads::WorkspaceId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Uploads::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Media::Table).to_owned())
            .await
    }
}
