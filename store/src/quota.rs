//! Storage used by a workspace: its videos plus the declared sizes of its uploads in progress
//! (an upload reserves its whole size when it begins). Starting an upload checks the quota and
//! inserts in one unit of work, under a per-workspace lock on PostgreSQL (SQLite's write lock
//! already serializes), so two uploads begun together cannot both take the last room. Expired
//! uploads are listed for the sweeper, which deletes their parts and then their rows.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Statement};

use crate::entity::{media, upload};
use crate::media::{NewUpload, Upload};
use crate::{Backend, Store, StoreError};

const SUM: &str = "CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT)";

impl Store {
    /// Bytes the workspace uses: stored videos and unexpired uploads.
    pub async fn media_usage(
        &self,
        workspace_id: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        usage(&self.db, workspace_id, now).await
    }

    /// Starts an upload if it fits in `quota` bytes; `Ok(Err(used))` when it does not.
    pub async fn insert_upload_within(
        &self,
        new: NewUpload,
        quota: u64,
        now: DateTime<Utc>,
    ) -> Result<Result<Upload, u64>, StoreError> {
        let work = self.begin_work().await?;
        if self.backend() == Backend::Postgres {
            work.txn()
                .execute_raw(Statement::from_sql_and_values(
                    sea_orm::DatabaseBackend::Postgres,
                    "SELECT pg_advisory_xact_lock(hashtext($1))",
                    [new.workspace_id.clone().into()],
                ))
                .await?;
        }
        let used = usage(work.txn(), &new.workspace_id, now).await?;
        if used.saturating_add(new.size_bytes) > quota {
            return Ok(Err(used));
        }
        let stored = upload::Entity::insert(crate::media::upload_row(new, now))
            .exec_with_returning(work.txn())
            .await?;
        work.commit().await?;
        crate::rows::value(stored).map(Ok)
    }

    /// Uploads that expired unfinished (oldest first, at most `limit`): `(id, workspace_id)`.
    pub async fn expired_uploads(
        &self,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        Ok(upload::Entity::find()
            .select_only()
            .column(upload::Column::Id)
            .column(upload::Column::WorkspaceId)
            .filter(upload::Column::ExpiresAt.lte(now))
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?)
    }
}

async fn usage(
    db: &impl ConnectionTrait,
    workspace_id: &str,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let stored: Option<i64> = media::Entity::find()
        .select_only()
        .column_as(Expr::cust(SUM), "n")
        .filter(media::Column::WorkspaceId.eq(workspace_id))
        .into_tuple()
        .one(db)
        .await?;
    let reserved: Option<i64> = upload::Entity::find()
        .select_only()
        .column_as(Expr::cust(SUM), "n")
        .filter(upload::Column::WorkspaceId.eq(workspace_id))
        .filter(upload::Column::ExpiresAt.gt(now))
        .into_tuple()
        .one(db)
        .await?;
    let bytes = |n: Option<i64>| u64::try_from(n.unwrap_or(0)).unwrap_or(0);
    Ok(bytes(stored).saturating_add(bytes(reserved)))
}
