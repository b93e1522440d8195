//! `oauth_states`: one-time OAuth `state` values (hashed) with their encrypted PKCE verifier.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_states")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub state_hash: String,
    pub workspace_id: String,
    pub user_id: String,
    pub verifier_enc: String,
    pub expires_at: DateTimeUtc,
    pub browser_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
