//! The media library and uploads in progress. Appending to an upload is a compare-and-set on the
//! received byte count, so a repeated or out-of-order chunk can never be counted twice.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::{media, upload};
use crate::{Store, StoreError, Work, new_id};

pub use crate::model::{Media, Upload};

/// An upload to start.
#[derive(Debug, Clone)]
pub struct NewUpload {
    pub workspace_id: String,
    pub user_id: String,
    pub name: String,
    pub size_bytes: u64,
    pub sha256: String,
    pub expires_at: DateTime<Utc>,
}

fn i64_of(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The row of an upload that begins now.
pub(crate) fn upload_row(new: NewUpload, now: DateTime<Utc>) -> upload::ActiveModel {
    upload::ActiveModel {
        id: Set(new_id()),
        workspace_id: Set(new.workspace_id),
        user_id: Set(new.user_id),
        name: Set(new.name),
        size_bytes: Set(i64_of(new.size_bytes)),
        sha256: Set(new.sha256),
        received_bytes: Set(0),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
    }
}

impl Store {
    /// The upload if it belongs to the workspace.
    pub async fn upload(&self, workspace_id: &str, id: &str) -> Result<Option<Upload>, StoreError> {
        crate::rows::one(
            upload::Entity::find_by_id(id.to_owned())
                .filter(upload::Column::WorkspaceId.eq(workspace_id))
                .one(&self.db)
                .await?,
        )
    }

    /// Counts `len` more bytes if the upload has exactly `offset` so far; `Conflict` otherwise.
    pub async fn advance_upload(&self, id: &str, offset: u64, len: u64) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        let done = upload::Entity::update_many()
            .col_expr(
                upload::Column::ReceivedBytes,
                Expr::value(i64_of(offset + len)),
            )
            .filter(upload::Column::Id.eq(id))
            .filter(upload::Column::ReceivedBytes.eq(i64_of(offset)))
            .exec(work.txn())
            .await?;
        work.commit().await?;
        if done.rows_affected == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict)
        }
    }

    pub async fn delete_upload(&self, id: &str) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        upload::Entity::delete_by_id(id.to_owned())
            .exec(work.txn())
            .await?;
        work.commit().await
    }

    pub async fn insert_media(&self, row: Media) -> Result<Media, StoreError> {
        let work = self.begin_work().await?;
        let stored = self.insert_media_in(&work, row).await?;
        work.commit().await?;
        Ok(stored)
    }

    /// [`Store::insert_media`] within the caller's unit of work.
    pub async fn insert_media_in(&self, work: &Work, row: Media) -> Result<Media, StoreError> {
        let active: media::ActiveModel = row.into();
        crate::rows::value(
            media::Entity::insert(active)
                .exec_with_returning(work.txn())
                .await?,
        )
    }

    /// The workspace's media, newest first.
    pub async fn media_of(&self, workspace_id: &str) -> Result<Vec<Media>, StoreError> {
        crate::rows::all(
            media::Entity::find()
                .filter(media::Column::WorkspaceId.eq(workspace_id))
                .order_by_desc(media::Column::CreatedAt)
                .all(&self.db)
                .await?,
        )
    }

    pub async fn media(&self, workspace_id: &str, id: &str) -> Result<Option<Media>, StoreError> {
        crate::rows::one(
            media::Entity::find_by_id(id.to_owned())
                .filter(media::Column::WorkspaceId.eq(workspace_id))
                .one(&self.db)
                .await?,
        )
    }

    pub async fn delete_media(&self, id: &str) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        self.delete_media_in(&work, id).await?;
        work.commit().await
    }

    /// [`Store::delete_media`] within the caller's unit of work.
    pub async fn delete_media_in(&self, work: &Work, id: &str) -> Result<(), StoreError> {
        media::Entity::delete_by_id(id.to_owned())
            .exec(work.txn())
            .await?;
        Ok(())
    }
}
