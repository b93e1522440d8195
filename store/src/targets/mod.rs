//! Every write to post targets lives under this module: creating them with their post, the
//! person's moves and cancels of targets that still wait, notes on waiting targets, the worker's
//! claims and steps ([`claims`]), its init quota ([`inits`]), TikTok's webhook and
//! reconciliation (`settle`) and linking published targets to their videos (`videos`). Each
//! write records its history line in the same unit of work.

pub mod claims;
pub mod inits;
mod settle;
mod videos;

use chrono::{DateTime, Utc};
use multitok_shared::TargetState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::entity::post_target;
use crate::model::Target;
use crate::work::Change;
use crate::{StoreError, Work};

/// Stores a new target, `scheduled`, with its first history line.
pub(crate) async fn insert(
    work: &Work,
    row: &Target,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    post_target::Entity::insert(post_target::ActiveModel::from(row.clone()))
        .exec_without_returning(work.txn())
        .await?;
    let change = Change {
        from: None,
        to: TargetState::Scheduled,
        detail: "Scheduled.",
        tiktok_code: "",
    };
    work.record_history(&row.id, change, now);
    Ok(())
}

/// Moves the post's waiting targets to `at` and drops any worker's claim on them; answers how
/// many moved.
pub(crate) async fn move_waiting(
    work: &Work,
    post_id: &str,
    at: DateTime<Utc>,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    use post_target::Column as C;
    let update = post_target::Entity::update_many()
        .col_expr(C::ScheduledAt, Expr::value(at))
        .col_expr(C::NextAttemptAt, Expr::value(at))
        .col_expr(C::ClaimOwner, Expr::value(None::<String>))
        .col_expr(C::LeaseExpiresAt, Expr::value(None::<DateTime<Utc>>));
    let change = Change {
        from: Some(TargetState::Scheduled),
        to: TargetState::Scheduled,
        detail,
        tiktok_code: "",
    };
    change_waiting(work, post_id, None, update, change, now).await
}

/// Cancels the post's waiting targets (or just `target_id`); answers how many.
pub(crate) async fn cancel_waiting(
    work: &Work,
    post_id: &str,
    target_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    use post_target::Column as C;
    let update = post_target::Entity::update_many()
        .col_expr(C::State, Expr::value(TargetState::Cancelled.as_str()))
        .col_expr(C::NextAttemptAt, Expr::value(None::<DateTime<Utc>>));
    let change = Change {
        from: Some(TargetState::Scheduled),
        to: TargetState::Cancelled,
        detail: "Cancelled.",
        tiktok_code: "",
    };
    change_waiting(work, post_id, target_id, update, change, now).await
}

/// Notes on the accounts' waiting targets why they cannot publish; an empty note clears it. Only
/// targets whose note changes get a history line.
pub(crate) async fn note_waiting(
    work: &Work,
    account_ids: &[String],
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let db = work.txn();
    let targets = post_target::Entity::find()
        .filter(post_target::Column::AccountId.is_in(account_ids.iter().cloned()))
        .filter(post_target::Column::State.eq(TargetState::Scheduled.as_str()))
        .filter(post_target::Column::FailureReason.ne(note))
        .all(db)
        .await?;
    for t in &targets {
        post_target::Entity::update_many()
            .col_expr(post_target::Column::FailureReason, Expr::value(note))
            .col_expr(post_target::Column::UpdatedAt, Expr::value(now))
            .filter(post_target::Column::Id.eq(&t.id))
            .exec(db)
            .await?;
        let change = Change {
            from: Some(TargetState::Scheduled),
            to: TargetState::Scheduled,
            detail: if note.is_empty() {
                "The account is connected again."
            } else {
                note
            },
            tiktok_code: "",
        };
        work.record_history(&t.id, change, now);
    }
    Ok(())
}

/// Applies `update` to the post's targets that still wait (or just `target_id`), in one
/// statement conditioned on their state, and appends `change` to each one changed; answers how
/// many changed. A worker's claim that got there first simply leaves a target out.
async fn change_waiting(
    work: &Work,
    post_id: &str,
    target_id: Option<&str>,
    update: sea_orm::UpdateMany<post_target::Entity>,
    change: Change<'_>,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut update = update
        .col_expr(post_target::Column::UpdatedAt, Expr::value(now))
        .filter(post_target::Column::PostId.eq(post_id))
        .filter(post_target::Column::State.eq(TargetState::Scheduled.as_str()));
    if let Some(id) = target_id {
        update = update.filter(post_target::Column::Id.eq(id));
    }
    let changed = update.exec_with_returning(work.txn()).await?;
    for t in &changed {
        work.record_history(&t.id, change, now);
    }
    Ok(changed.len() as u64)
}
