//! TikTok webhook deliveries, each stored once by a hash of its body. A delivery is recorded
//! before it is processed and marked processed in the same unit of work as its effect, so a
//! failure while processing leaves it pending, to be retried from its stored body; a duplicate
//! finds it processed and does nothing.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::webhook_event;
use crate::{Store, StoreError, Work};

impl Store {
    /// Records a delivery unless it is already known (processed or not).
    pub async fn record_delivery(
        &self,
        id: &str,
        event: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        webhook_event::Entity::insert(webhook_event::ActiveModel {
            id: Set(id.to_owned()),
            event: Set(event.to_owned()),
            received_at: Set(now),
            body: Set(Some(body.to_owned())),
            processed_at: Set(None),
        })
        .on_conflict(
            OnConflict::column(webhook_event::Column::Id)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(work.txn())
        .await?;
        work.commit().await
    }

    /// Marks the delivery processed within the unit of work that applies its effect; false when
    /// it already was (the caller then applies nothing).
    pub async fn mark_delivery_processed_in(
        &self,
        work: &Work,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = webhook_event::Entity::update_many()
            .col_expr(webhook_event::Column::ProcessedAt, Expr::value(now))
            .filter(webhook_event::Column::Id.eq(id))
            .filter(webhook_event::Column::ProcessedAt.is_null())
            .exec(work.txn())
            .await?;
        Ok(done.rows_affected == 1)
    }

    /// Deliveries received at or before `before` and not processed yet, oldest first:
    /// `(id, body)`.
    pub async fn pending_deliveries(
        &self,
        before: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        Ok(webhook_event::Entity::find()
            .select_only()
            .column(webhook_event::Column::Id)
            .column(webhook_event::Column::Body)
            .filter(webhook_event::Column::ProcessedAt.is_null())
            .filter(webhook_event::Column::ReceivedAt.lte(before))
            .order_by_asc(webhook_event::Column::ReceivedAt)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?)
    }
}
