//! Best times add posts up by hour of the week from an index alone, without turning each
//! instant into a local hour: each video keeps `posted_slot`, the hour of the week it was posted
//! in UTC (`(epoch hours + 72) % 168`, hours since a Monday midnight), and the index (account,
//! posted at) becomes (account, posted at, slot, views), which also serves every range read
//! the old one did.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Videos {
    Table,
    AccountId,
    PostedAt,
    PostedSlot,
    ViewCount,
}

const INDEX: &str = "idx_videos_account_posted_slot_views";
const OLD_INDEX: &str = "idx_videos_account_posted";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Videos::Table)
                    .add_column(
                        ColumnDef::new(Videos::PostedSlot)
                            .small_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let hours = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "FLOOR(date_part('epoch', posted_at) / 3600)",
            _ => "(CAST(strftime('%s', posted_at) AS INTEGER) / 3600)",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE videos SET posted_slot = CAST((({hours}) + 72) AS INTEGER) % 168"
            ))
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Videos::Table)
                    .col(Videos::AccountId)
                    .col(Videos::PostedAt)
                    .col(Videos::PostedSlot)
                    .col(Videos::ViewCount)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(OLD_INDEX)
                    .table(Videos::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(OLD_INDEX)
                    .table(Videos::Table)
                    .col(Videos::AccountId)
                    .col(Videos::PostedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(Index::drop().name(INDEX).table(Videos::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Videos::Table)
                    .drop_column(Videos::PostedSlot)
                    .to_owned(),
            )
            .await
    }
}
