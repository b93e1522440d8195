//! Settling targets from outside a worker's claim: TikTok's webhook completes or fails a target
//! by its publish id (whoever holds it) and records its video id; reconciliation settles targets
//! that need attention once their video shows up (or schedules them again). Each move is
//! conditioned on the state it expects, with its history line in the same unit of work.

use chrono::{DateTime, Utc};
use multitok_shared::TargetState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::post_target;
use crate::model::Target;
use crate::work::Change;
use crate::{Store, StoreError, Work};

impl Store {
    /// Completes (or fails) the target TikTok knows as `publish_id`, whoever holds it; used by
    /// TikTok's webhook within the unit of work that marks the delivery processed. False when
    /// it is unknown or already final.
    #[tracing::instrument(name = "store.finish_by_publish_id", skip_all)]
    pub async fn finish_by_publish_id_in(
        &self,
        work: &Work,
        publish_id: &str,
        to: TargetState,
        video_id: Option<&str>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        use post_target::Column as C;
        let txn = work.txn();
        let Some(target) = post_target::Entity::find()
            .filter(C::PublishId.eq(publish_id))
            .one(txn)
            .await?
        else {
            return Ok(false);
        };
        let from = TargetState::parse(&target.state);
        if from.is_none_or(TargetState::is_final) {
            return Ok(false);
        }
        let mut update = post_target::Entity::update_many()
            .col_expr(C::State, Expr::value(to.as_str()))
            .col_expr(C::FailureReason, Expr::value(reason))
            .col_expr(C::NextAttemptAt, Expr::value(None::<DateTime<Utc>>))
            .col_expr(C::LeaseExpiresAt, Expr::value(None::<DateTime<Utc>>))
            .col_expr(C::ClaimOwner, Expr::value(None::<String>))
            .col_expr(C::UpdatedAt, Expr::value(now));
        if let Some(v) = video_id {
            update = update.col_expr(C::VideoId, Expr::value(Some(v.to_owned())));
        }
        let done = update
            .filter(C::Id.eq(&target.id))
            .filter(C::State.eq(&target.state))
            .exec(txn)
            .await?;
        if done.rows_affected == 1 {
            let detail = if to == TargetState::Published {
                "TikTok reported the post published."
            } else {
                reason
            };
            let change = Change {
                from,
                to,
                detail,
                tiktok_code: "",
            };
            work.record_history(&target.id, change, now);
        }
        Ok(done.rows_affected == 1)
    }

    /// Sets the public video id of the target TikTok knows as `publish_id`, within the
    /// caller's unit of work.
    pub async fn record_video_id_in(
        &self,
        work: &Work,
        publish_id: &str,
        video_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        use post_target::Column as C;
        let done = post_target::Entity::update_many()
            .col_expr(C::VideoId, Expr::value(Some(video_id.to_owned())))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .filter(C::PublishId.eq(publish_id))
            .filter(C::VideoId.is_null())
            .exec(work.txn())
            .await?;
        Ok(done.rows_affected == 1)
    }

    /// Settles a `needs_attention` target: published as `video_id`, or (`None`) scheduled again
    /// now with a fresh init. False when it no longer needs attention.
    pub async fn resolve_attention(
        &self,
        target_id: &str,
        video_id: Option<&str>,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        use post_target::Column as C;
        let work = self.begin_work().await?;
        let txn = work.txn();
        let to = if video_id.is_some() {
            TargetState::Published
        } else {
            TargetState::Scheduled
        };
        let mut update = post_target::Entity::update_many()
            .col_expr(C::State, Expr::value(to.as_str()))
            .col_expr(C::FailureReason, Expr::value(""))
            .col_expr(C::ClaimOwner, Expr::value(None::<String>))
            .col_expr(C::LeaseExpiresAt, Expr::value(None::<DateTime<Utc>>))
            .col_expr(C::UpdatedAt, Expr::value(now));
        update = match video_id {
            Some(v) => update
                .col_expr(C::VideoId, Expr::value(Some(v.to_owned())))
                .col_expr(C::NextAttemptAt, Expr::value(None::<DateTime<Utc>>)),
            None => update
                .col_expr(C::InitSentAt, Expr::value(None::<DateTime<Utc>>))
                .col_expr(C::PublishId, Expr::value(None::<String>))
                .col_expr(C::Attempts, Expr::value(0))
                .col_expr(C::NextAttemptAt, Expr::value(Some(now))),
        };
        let done = update
            .filter(C::Id.eq(target_id))
            .filter(C::State.eq(TargetState::NeedsAttention.as_str()))
            .exec(txn)
            .await?;
        if done.rows_affected == 1 {
            let change = Change {
                from: Some(TargetState::NeedsAttention),
                to,
                detail,
                tiktok_code: "",
            };
            work.record_history(target_id, change, now);
        }
        work.commit().await?;
        if done.rows_affected == 1 && video_id.is_none() {
            self.notify_due().await?;
        }
        Ok(done.rows_affected == 1)
    }

    /// Targets needing attention whose init went out since `since`: what reconciliation looks
    /// for among the accounts' new videos.
    pub async fn attention_since(
        &self,
        since: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<Target>, StoreError> {
        crate::rows::all(
            post_target::Entity::find()
                .filter(post_target::Column::State.eq(TargetState::NeedsAttention.as_str()))
                .filter(post_target::Column::InitSentAt.gte(since))
                .limit(limit)
                .all(&self.db)
                .await?,
        )
    }
}
