//! Webhook idempotency: each delivery id is processed once.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::entity::webhook_event;
use crate::{Store, StoreError};

impl Store {
    /// Records a webhook delivery; false when it was already processed.
    pub async fn first_delivery(
        &self,
        id: &str,
        event: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let work = self.begin_work().await?;
        let inserted = webhook_event::Entity::insert(webhook_event::ActiveModel {
            id: Set(id.to_owned()),
            event: Set(event.to_owned()),
            received_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(webhook_event::Column::Id)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(work.txn())
        .await?;
        work.commit().await?;
        Ok(inserted == 1)
    }
}
