//! `tiktok_accounts`: a TikTok account connected to a workspace; tokens encrypted at rest.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tiktok_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub workspace_id: String,
    pub open_id: String,
    pub display_name: String,
    pub username: String,
    pub avatar_url: String,
    pub access_token_enc: Option<String>,
    pub refresh_token_enc: Option<String>,
    pub access_expires_at: Option<DateTimeUtc>,
    pub refresh_expires_at: Option<DateTimeUtc>,
    /// Comma-separated granted scopes.
    pub scopes: String,
    pub status: String,
    pub status_reason: String,
    pub next_sync_at: Option<DateTimeUtc>,
    pub last_synced_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Changes whenever a sync or a publish changes the account's analytics.
    pub analytics_version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
