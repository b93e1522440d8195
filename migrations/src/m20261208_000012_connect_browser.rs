//! `oauth_states.browser_hash`: a connection started in a browser is bound to it. Starting sets
//! a random HttpOnly cookie on the callback's path and stores its hash here; the callback
//! completes only when the browser that arrives presents that cookie (RFC 6749 §10.12), so a
//! consent link sent to someone else cannot connect their account to the sender's workspace.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthStates {
    Table,
    BrowserHash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OauthStates::Table)
                    .add_column(string_len_null(OauthStates::BrowserHash, 64))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OauthStates::Table)
                    .drop_column(OauthStates::BrowserHash)
                    .to_owned(),
            )
            .await
    }
}
