//! Wake-ups for workers when schedules change: on PostgreSQL a `NOTIFY` on one channel that any
//! number of worker processes `LISTEN` to; on SQLite nothing (workers poll briefly instead).

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseBackend};

use crate::{Store, StoreError};

const CHANNEL: &str = "multitok_due";

/// A PostgreSQL listener for schedule changes.
pub struct DueListener(PgListener);

impl DueListener {
    /// Waits for the next change notice.
    pub async fn changed(&mut self) -> Result<(), StoreError> {
        self.0
            .recv()
            .await
            .map(drop)
            .map_err(|e| StoreError::Unexpected(sea_orm::DbErr::Custom(e.to_string())))
    }
}

impl Store {
    /// Tells listening workers that due work may have changed (PostgreSQL only).
    pub async fn notify_due(&self) -> Result<(), StoreError> {
        if self.db.get_database_backend() == DatabaseBackend::Postgres {
            self.db
                .execute_unprepared(&format!("NOTIFY {CHANNEL}"))
                .await?;
        }
        Ok(())
    }

    /// A listener for [`Store::notify_due`] on PostgreSQL; `None` on SQLite.
    pub async fn listen_due(url: &str) -> Result<Option<DueListener>, StoreError> {
        if !url.starts_with("postgres") {
            return Ok(None);
        }
        let mut listener = PgListener::connect(url)
            .await
            .map_err(|e| StoreError::Unexpected(sea_orm::DbErr::Custom(e.to_string())))?;
        listener
            .listen(CHANNEL)
            .await
            .map_err(|e| StoreError::Unexpected(sea_orm::DbErr::Custom(e.to_string())))?;
        Ok(Some(DueListener(listener)))
    }
}
