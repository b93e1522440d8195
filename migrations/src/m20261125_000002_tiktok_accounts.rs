//! Connected TikTok accounts (tokens encrypted), one-time OAuth states, and processed webhook
//! deliveries (for idempotency).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TiktokAccounts {
    Table,
    Id,
    WorkspaceId,
    OpenId,
    DisplayName,
    Username,
    AvatarUrl,
    AccessTokenEnc,
    RefreshTokenEnc,
    AccessExpiresAt,
    RefreshExpiresAt,
    Scopes,
    Status,
    StatusReason,
    NextSyncAt,
    LastSyncedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OauthStates {
    Table,
    StateHash,
    WorkspaceId,
    UserId,
    VerifierEnc,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum WebhookEvents {
    Table,
    Id,
    Event,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TiktokAccounts::Table)
                    .col(string_len(TiktokAccounts::Id, 36).primary_key())
                    .col(string_len(TiktokAccounts::WorkspaceId, 36))
                    .col(string_len(TiktokAccounts::OpenId, 128))
                    .col(string(TiktokAccounts::DisplayName))
                    .col(string(TiktokAccounts::Username))
                    .col(text(TiktokAccounts::AvatarUrl))
                    .col(text_null(TiktokAccounts::AccessTokenEnc))
                    .col(text_null(TiktokAccounts::RefreshTokenEnc))
                    .col(timestamp_with_time_zone_null(
                        TiktokAccounts::AccessExpiresAt,
                    ))
                    .col(timestamp_with_time_zone_null(
                        TiktokAccounts::RefreshExpiresAt,
                    ))
                    .col(text(TiktokAccounts::Scopes))
                    .col(string_len(TiktokAccounts::Status, 24))
                    .col(text(TiktokAccounts::StatusReason))
                    .col(timestamp_with_time_zone_null(TiktokAccounts::NextSyncAt))
                    .col(timestamp_with_time_zone_null(TiktokAccounts::LastSyncedAt))
                    .col(timestamp_with_time_zone(TiktokAccounts::CreatedAt))
                    .col(timestamp_with_time_zone(TiktokAccounts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TiktokAccounts::Table, TiktokAccounts::WorkspaceId)
                            .to(Workspaces::Table, Workspaces::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_tiktok_accounts_workspace_open_id")
                    .table(TiktokAccounts::Table)
                    .col(TiktokAccounts::WorkspaceId)
                    .col(TiktokAccounts::OpenId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_tiktok_accounts_open_id")
                    .table(TiktokAccounts::Table)
                    .col(TiktokAccounts::OpenId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthStates::Table)
                    .col(string_len(OauthStates::StateHash, 64).primary_key())
                    .col(string_len(OauthStates::WorkspaceId, 36))
                    .col(string_len(OauthStates::UserId, 36))
                    .col(text(OauthStates::VerifierEnc))
                    .col(timestamp_with_time_zone(OauthStates::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OauthStates::Table, OauthStates::WorkspaceId)
                            .to(Workspaces::Table, Workspaces::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookEvents::Table)
                    .col(string_len(WebhookEvents::Id, 64).primary_key())
                    .col(string_len(WebhookEvents::Event, 64))
                    .col(timestamp_with_time_zone(WebhookEvents::ReceivedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WebhookEvents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(OauthStates::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TiktokAccounts::Table).to_owned())
            .await
    }
}
