//! `webhook_events` keep each delivery's body and when it was processed: a delivery is recorded
//! first, then marked processed in the same unit of work as its effect, so one whose processing
//! failed is still there to be retried from its body. Deliveries stored before this migration
//! were processed when they were received.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookEvents {
    Table,
    Body,
    ProcessedAt,
    ReceivedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            text_null(WebhookEvents::Body),
            timestamp_with_time_zone_null(WebhookEvents::ProcessedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(WebhookEvents::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        let done = Query::update()
            .table(WebhookEvents::Table)
            .value(
                WebhookEvents::ProcessedAt,
                Expr::col(WebhookEvents::ReceivedAt),
            )
            .to_owned();
        manager.exec_stmt(done).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [WebhookEvents::ProcessedAt, WebhookEvents::Body] {
            manager
                .alter_table(
                    Table::alter()
                        .table(WebhookEvents::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
